"""Per-document work: one annotation + its seed -> problems, table rows and references.

`process_document` is a pure function of the two files' bytes, so its result can be cached by
their content hash, computed in a process pool or on a distributed engine. It does not look at
the registries or at other documents: references it makes are returned with their positions and
resolved corpus-wide (`corpus.py`), so editing a registry never invalidates a document's cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from eventset.build.checks import Located, check_annotation
from eventset.build.compile import compile_document
from eventset.build.evidence import Path as YamlPath
from eventset.build.parse import parse_model
from eventset.build.seeds import parse_seed, sha256_of
from eventset.problems import Problem
from eventset.schema.annotation import Annotation

Columns = dict[str, list[Any]]


@dataclass(frozen=True)
class Ref:
    """An id used or defined in a file, with the YAML path where it is written. Line and column
    are looked up from the path only when a corpus check finds a problem there."""

    id: str
    path: YamlPath


@dataclass(frozen=True)
class EventFacts:
    """What must agree between documents that report the same event; `path` is the event's
    node, each fact sits under it by name."""

    id: str
    facts: dict[str, str]
    path: YamlPath


@dataclass
class References:
    actors: list[Ref] = field(default_factory=list)
    places: list[Ref] = field(default_factory=list)
    events_used: list[Ref] = field(default_factory=list)
    events_defined: list[EventFacts] = field(default_factory=list)
    claims_defined: list[Ref] = field(default_factory=list)
    via_self: list[Ref] = field(default_factory=list)


@dataclass
class DocumentResult:
    file: str
    document_id: str
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, Columns] = field(default_factory=dict)
    refs: References = field(default_factory=References)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tables"] = {
            name: {
                col: [_encode(v) for v in values] if col in _DATE_COLUMNS else values
                for col, values in cols.items()
            }
            for name, cols in self.tables.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentResult:
        refs = data["refs"]
        return cls(
            file=data["file"],
            document_id=data["document_id"],
            problems=[Problem(**p) for p in data["problems"]],
            tables={
                name: {col: _decode(col, values) for col, values in cols.items()}
                for name, cols in data["tables"].items()
            },
            refs=References(
                actors=_refs(refs["actors"]),
                places=_refs(refs["places"]),
                events_used=_refs(refs["events_used"]),
                events_defined=[
                    EventFacts(e["id"], e["facts"], tuple(e["path"]))
                    for e in refs["events_defined"]
                ],
                claims_defined=_refs(refs["claims_defined"]),
                via_self=_refs(refs["via_self"]),
            ),
        )


_DATE_COLUMNS = {"published", "date_start", "date_end"}


def _refs(items: list[dict[str, Any]]) -> list[Ref]:
    return [Ref(item["id"], tuple(item["path"])) for item in items]


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _decode(column: str, values: list[Any]) -> list[Any]:
    if column not in _DATE_COLUMNS:
        return values
    return [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]


def collect_references(annotation: Annotation) -> References:
    refs = References()

    if annotation.document.outlet is not None:
        refs.actors.append(Ref(annotation.document.outlet, ("document", "outlet")))
    for i, mention in enumerate(annotation.actors):
        refs.actors.append(Ref(mention.actor, ("actors", i, "actor")))
    for i, pm in enumerate(annotation.places):
        refs.places.append(Ref(pm.place, ("places", i, "place")))
    for i, event in enumerate(annotation.events):
        base = ("events", i)
        if event.place is not None:
            refs.places.append(Ref(event.place.id, (*base, "place", "id")))
        for k, part in enumerate(event.participants):
            refs.actors.append(Ref(part.actor, (*base, "participants", k, "actor")))
        facts = {
            "type": event.type,
            "mode": event.mode or "none",
            "date": "/".join(
                "open" if v is None else str(v)
                for v in (event.date.start, event.date.last_day, event.date.precision)
            ),
            "place": event.place.id if event.place else "none",
        }
        refs.events_defined.append(EventFacts(event.id, facts, base))
    for i, claim in enumerate(annotation.claims):
        base = ("claims", i)
        refs.claims_defined.append(Ref(claim.id, (*base, "id")))
        refs.actors.append(Ref(claim.claimant, (*base, "claimant")))
        for k, via in enumerate(claim.via):
            refs.actors.append(Ref(via, (*base, "via", k)))
            if via == claim.claimant:
                refs.via_self.append(Ref(via, (*base, "via", k)))
        if claim.about.actor is not None:
            refs.actors.append(Ref(claim.about.actor, (*base, "about", "actor")))
        if claim.about.event is not None:
            refs.events_used.append(Ref(claim.about.event, (*base, "about", "event")))
    return refs


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
    result.refs = collect_references(annotation)
    if seed_raw is None:
        result.problems.append(
            where.at(
                "E405",
                ("document", "id"),
                f"No seed document seeds/{stem}.txt for this annotation.",
            )
        )
        return result
    seed, seed_problems = parse_seed(stem, seed_raw, f"seeds/{stem}.txt")
    result.problems += seed_problems
    if seed is None:
        return result
    evidence, problems = check_annotation(annotation, seed, stem, where)
    result.problems += problems
    if not result.problems:
        result.tables = compile_document(annotation, seed, evidence, sha256_of(raw))
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
