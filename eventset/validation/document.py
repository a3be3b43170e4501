"""Per-document work: one annotation + its seed -> problems, table rows and references.

`process_document` is a pure function of the two files' bytes, so its result can be cached by
their content hash, computed in a process pool or on a distributed engine. It does not look at
the registries or at other documents: the references it makes come out as two more tables
(`references`, `event_facts`) with the YAML path of each, and are resolved corpus-wide in
`corpus_checks.py`; so editing a registry never invalidates a document's cached result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from eventset.inputs.parse import Located, parse_model
from eventset.inputs.seeds import parse_seed, sha256_of
from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem
from eventset.schema.annotation import Annotation
from eventset.tables.compile import Columns, compile_document
from eventset.validation.document_checks import check_annotation

# The columns of the two reference tables. `path` is the YAML path as JSON, located to a line
# and column only when a corpus check reports a problem there.
# `kind` is one of actor, place, event_used, claim_defined.
REFERENCE_COLUMNS = ("file", "kind", "id", "path")
EVENT_FACT_COLUMNS = ("file", "event_id", "type", "mode", "date", "place", "path")


@dataclass
class DocumentResult:
    file: str
    document_id: str
    problems: list[Problem] = field(default_factory=list)
    # Table rows (only when the document has no problem) plus `references` and `event_facts`
    # (whenever it parses), each as column lists.
    tables: dict[str, Columns] = field(default_factory=dict)


def _path(path: YamlPath) -> str:
    """The path as JSON. Its strings are this module's own field names (nothing to escape), and
    json.dumps per reference was a tenth of a document's time."""
    return (
        "[" + ",".join(f'"{part}"' if isinstance(part, str) else str(part) for part in path) + "]"
    )


def collect_references(file: str, annotation: Annotation) -> dict[str, Columns]:
    refs: Columns = {name: [] for name in REFERENCE_COLUMNS}
    facts: Columns = {name: [] for name in EVENT_FACT_COLUMNS}

    def ref(kind: str, ref_id: str, path: YamlPath) -> None:
        for name, value in zip(REFERENCE_COLUMNS, (file, kind, ref_id, _path(path)), strict=True):
            refs[name].append(value)

    if annotation.document.outlet is not None:
        ref("actor", annotation.document.outlet, ("document", "outlet"))
    for i, mention in enumerate(annotation.actors):
        ref("actor", mention.actor, ("actors", i, "actor"))
    for i, pm in enumerate(annotation.places):
        ref("place", pm.place, ("places", i, "place"))
    for i, event in enumerate(annotation.events):
        base: YamlPath = ("events", i)
        if event.place is not None:
            ref("place", event.place.id, (*base, "place", "id"))
        for k, part in enumerate(event.participants):
            ref("actor", part.actor, (*base, "participants", k, "actor"))
        date = "/".join(
            "open" if v is None else str(v)
            for v in (event.date.start, event.date.last_day, event.date.precision)
        )
        row = (
            file,
            event.id,
            event.type,
            event.mode or "none",
            date,
            event.place.id if event.place else "none",
        )
        for name, value in zip(EVENT_FACT_COLUMNS, (*row, _path(base)), strict=True):
            facts[name].append(value)
    for i, claim in enumerate(annotation.claims):
        base = ("claims", i)
        ref("claim_defined", claim.id, (*base, "id"))
        ref("actor", claim.claimant, (*base, "claimant"))
        for k, via in enumerate(claim.via):
            ref("actor", via, (*base, "via", k))
        if claim.about.actor is not None:
            ref("actor", claim.about.actor, (*base, "about", "actor"))
        if claim.about.event is not None:
            ref("event_used", claim.about.event, (*base, "about", "event"))
    return {"references": refs, "event_facts": facts}


def process_document(file: str, raw: bytes, seed_raw: bytes | None) -> DocumentResult:
    """Layers 1-3 of one annotation (without corpus-wide checks) and its table rows. Pure.

    `seed_raw` is None when the seed file is missing or unreadable.
    """
    stem = PurePosixPath(file).stem
    result = DocumentResult(file, stem)
    annotation, doc, problems = parse_model(raw, file, Annotation)
    result.problems += problems
    if annotation is None or doc is None:
        return result
    where = Located(file, doc)
    result.tables = collect_references(file, annotation)
    if seed_raw is None:
        message = f"No seed document seeds/{stem}.txt for this annotation."
        result.problems.append(where.at("E405", ("document", "id"), message))
        return result
    seed, seed_problems = parse_seed(stem, seed_raw, f"seeds/{stem}.txt")
    result.problems += seed_problems
    if seed is None:
        return result
    evidence, problems = check_annotation(annotation, seed, stem, where)
    result.problems += problems
    if not result.problems:
        result.tables.update(compile_document(annotation, seed, evidence, sha256_of(raw)))
    return result


def cache_key(code_version: str, file: str, raw: bytes, seed_raw: bytes | None) -> str:
    digest = hashlib.sha256()
    for part in (
        code_version.encode(),
        file.encode(),
        raw,
        seed_raw if seed_raw is not None else b"\x00missing",
    ):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def problems_to_json(problems: list[Problem]) -> str:
    return json.dumps([p.__dict__ for p in problems], ensure_ascii=False) if problems else ""


def problems_from_json(text: str) -> list[Problem]:
    items: list[dict[str, Any]] = json.loads(text) if text else []
    return [Problem(**item) for item in items]
