"""Per-document work: one annotation + its seed -> problems, table rows and references.

`process_document` is a pure function of the two files' bytes, so its result can be cached by
their content hash, computed in a process pool or on a distributed engine. It does not look at
the registries or at other documents: the references it makes come out as two more tables
(`references`, `event_facts`) with the YAML path of each, and are resolved corpus-wide in
`corpus_checks.py`; so editing a registry never invalidates a document's cached result.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from eventset.tables.compile import Columns, Rows, columns_of, compile_document
from eventset.validation.document_checks import check_annotation
from eventset.validation.meaning import check_meaning

# The columns of the two reference tables. `path` is the YAML path as JSON, located to a line
# and column only when a corpus check reports a problem there.
# `kind` is one of actor, place, event_used, claim_defined, or a meaning check left to the
# corpus stage (meaning_W601, meaning_W602, meaning_W606), whose `detail` (JSON, else null)
# holds the words to search for the registry's names (meaning.py).
REFERENCE_COLUMNS = ("file", "kind", "id", "path", "detail")
EVENT_FACT_COLUMNS = ("file", "event_id", "type", "mode", "date", "place", "path")


@dataclass
class DocumentResult:
    file: str
    document_id: str
    problems: list[Problem] = field(default_factory=list)
    # Tables made a column at a time, as column lists: `references` and `event_facts`
    # (whenever it parses), `mentions` (only when the document has no problem).
    columns: dict[str, Columns] = field(default_factory=dict)
    # Tables made a row at a time (only when the document has no problem), as the compiler
    # made them: tuples in COLUMNS order, transposed by the runner once a chunk (chunk_rows.py).
    rows: dict[str, Rows] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, Columns]:
        """Every table of the document as column lists."""
        compiled = {name: columns_of(name, rows) for name, rows in self.rows.items()}
        return {**self.columns, **compiled}


def _path(path: YamlPath) -> str:
    """The path as JSON. Its strings are this module's own field names (nothing to escape), and
    json.dumps per reference was a tenth of a document's time."""
    return (
        "[" + ",".join(f'"{part}"' if isinstance(part, str) else str(part) for part in path) + "]"
    )


@functools.lru_cache(maxsize=4096)
def _paths(head: str, count: int, tail: str) -> tuple[str, ...]:
    """The JSON paths head + index + tail for indexes 0 to count - 1: the same few paths recur
    in every document (`["actors",0,"actor"]`), so they are written once per process."""
    return tuple(f"{head}{i}{tail}" for i in range(count))


@functools.lru_cache(maxsize=4096)
def _date_text(start: dt.date | None, last: dt.date | None, precision: str | None) -> str:
    """An event's date as the event_facts column writes it, start/last/precision ("open" for
    none). Written once per distinct date of a process: formatting two dates was a quarter of
    collecting a document's references, and a corpus's events fall on far fewer days. A date
    formats in an f-string exactly as str() writes it (date.__format__ with no spec is str)."""
    return (
        f"{'open' if start is None else start}/{'open' if last is None else last}/"
        f"{'open' if precision is None else precision}"
    )


def collect_references(file: str, annotation: Annotation) -> dict[str, Columns]:
    # Columns filled directly, a list at a time where a section is one kind of reference, and
    # each path written as its JSON text (what `_path` makes of it): this runs for every
    # reference of every document, and a tuple plus `_path` per reference was a seventh of a
    # document's time.
    kinds: list[str] = []
    ids: list[str] = []
    paths: list[str] = []
    facts: Columns = {name: [] for name in EVENT_FACT_COLUMNS}
    fact_columns = tuple(facts.values())

    outlet = annotation.document.outlet
    if outlet is not None:
        kinds.append("actor")
        ids.append(outlet)
        paths.append('["document","outlet"]')
    actors, places = annotation.actors, annotation.places
    kinds += ["actor"] * len(actors)
    ids += [mention.actor for mention in actors]
    paths += _paths('["actors",', len(actors), ',"actor"]')
    kinds += ["place"] * len(places)
    ids += [pm.place for pm in places]
    paths += _paths('["places",', len(places), ',"place"]')
    for i, event in enumerate(annotation.events):
        place = event.place
        if place is not None:
            kinds.append("place")
            ids.append(place.id)
            paths.append(f'["events",{i},"place","id"]')
        participants = event.participants
        if participants:
            kinds += ["actor"] * len(participants)
            ids += [part.actor for part in participants]
            paths += _paths(f'["events",{i},"participants",', len(participants), ',"actor"]')
        date = event.date
        row = (
            file,
            event.id,
            event.type,
            event.mode or "none",
            _date_text(date.start, date.last_day, date.precision),
            place.id if place else "none",
            f'["events",{i}]',
        )
        for values, value in zip(fact_columns, row, strict=True):
            values.append(value)
    for i, claim in enumerate(annotation.claims):
        kinds += ("claim_defined", "actor")
        ids += (claim.id, claim.claimant)
        paths += (f'["claims",{i},"id"]', f'["claims",{i},"claimant"]')
        via = claim.via
        if via:
            kinds += ["actor"] * len(via)
            ids += via
            paths += _paths(f'["claims",{i},"via",', len(via), "]")
        about = claim.about
        if about.actor is not None:
            kinds.append("actor")
            ids.append(about.actor)
            paths.append(f'["claims",{i},"about","actor"]')
        if about.event is not None:
            kinds.append("event_used")
            ids.append(about.event)
            paths.append(f'["claims",{i},"about","event"]')
    refs: Columns = dict(
        zip(
            REFERENCE_COLUMNS,
            ([file] * len(ids), kinds, ids, paths, [None] * len(ids)),
            strict=True,
        )
    )
    return {"references": refs, "event_facts": facts}


def _stem(file: str) -> str:
    """`PurePosixPath(file).stem` without building a path (a tenth of the time), for the names a
    corpus has. A name that is empty or ends with a dot takes PurePosixPath's own rules, which
    differ there between Python versions."""
    name = file.rpartition("/")[2]
    if not name or name.endswith("."):
        return PurePosixPath(file).stem
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


# The SHA-256 digests of an annotation's bytes and of its seed's (None: no seed).
Digests = tuple[bytes, bytes | None]


def digests_of(raw: bytes, seed_raw: bytes | None) -> Digests:
    sha256 = hashlib.sha256
    return sha256(raw).digest(), None if seed_raw is None else sha256(seed_raw).digest()


def process_document(
    file: str, raw: bytes, seed_raw: bytes | None, digests: Digests | None = None
) -> DocumentResult:
    """Layers 1-3 of one annotation (without corpus-wide checks) and its table rows. Pure.

    `seed_raw` is None when the seed file is missing or unreadable. `digests`: the two files'
    SHA-256 digests (`digests_of`) when the caller has them already, as the runner does for the
    cache key: each file is then hashed once, not twice.
    """
    stem = _stem(file)
    result = DocumentResult(file, stem)
    annotation, doc, problems = parse_model(raw, file, Annotation)
    result.problems += problems
    if annotation is None or doc is None:
        return result
    where = Located(file, doc)
    result.columns = collect_references(file, annotation)
    if seed_raw is None:
        message = f"No seed document seeds/{stem}.txt for this annotation."
        result.problems.append(where.at("E405", ("document", "id"), message))
        return result
    raw_digest, seed_digest = digests if digests is not None else (None, None)
    seed, seed_problems = parse_seed(stem, seed_raw, f"seeds/{stem}.txt", seed_digest)
    result.problems += seed_problems
    if seed is None:
        return result
    evidence, problems = check_annotation(annotation, seed, stem, where)
    result.problems += problems
    if result.problems:
        return result
    # Meaning is read once the form is right: warnings, so the document still compiles.
    warnings, pending = check_meaning(annotation, seed.text, evidence, where)
    result.problems += warnings
    refs = result.columns["references"]
    refs["file"] += [file] * len(pending.ids)
    refs["kind"] += pending.kinds
    refs["id"] += pending.ids
    refs["path"] += pending.paths
    refs["detail"] += pending.details
    annotation_sha256 = sha256_of(raw, raw_digest)
    result.rows, result.columns["mentions"] = compile_document(
        annotation, seed, evidence, annotation_sha256
    )
    return result


def cache_key(
    code_version: str, file: str, raw: bytes, seed_raw: bytes | None, digests: Digests | None = None
) -> str:
    """What a document's verdict depends on, hashed: the code version, the file's name and the
    two files' bytes, by their digests (`digests`, when the caller has them: the same files'
    digests that `process_document` takes, so that each file is hashed once). Every part is
    length-prefixed; a missing seed is the empty part, which no digest is."""
    raw_digest, seed_digest = digests_of(raw, seed_raw) if digests is None else digests
    digest = hashlib.sha256()
    for part in (code_version.encode(), file.encode(), raw_digest, seed_digest or b""):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def problems_to_json(problems: list[Problem]) -> str:
    return json.dumps([p.__dict__ for p in problems], ensure_ascii=False) if problems else ""


def problems_from_json(text: str) -> list[Problem]:
    items: list[dict[str, Any]] = json.loads(text) if text else []
    return [Problem(**item) for item in items]
