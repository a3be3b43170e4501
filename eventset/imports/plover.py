"""`eventset import plover FILE --out DIR`: PLOVER records -> seeds, annotations, registries.

One record becomes one document (its text is the seed, under a header line) with one event;
the record's id, lowercased, is both the document id and the event id. Spans come from the
record's inline markup (`(SRC: …)`, `(TAR: …)`, `(SRC/TAR: …)`, `(EVT: …)`, `(LOC: …)`); each
actor becomes a registry actor whose name is the record's actor text, and is quoted as the
participant's evidence at the place the markup marks. A record that cannot be imported
faithfully (no text, an actor text that is not in the text, a category with no 2024
counterpart, or any error the validator finds in the result) is refused with the reason,
never dropped silently.

Older category names are mapped to the 2024 manual's: FIGHT -> ASSAULT, DEMAND -> REQUEST,
DISAPPROVE -> ACCUSE (mode disapprove), INVESTIGATE -> ACCUSE (mode investigate). The gold
records carry the placeholder date 2000-01-01, which is no date at all: documents keep it as
their header date (a seed needs one) and say so in the byline, and events get an open interval
(no start, no end) instead of a day the weekday words in the text would contradict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventset.imports.jsonfile import Record
from eventset.inputs.seeds import sha256_of
from eventset.schema.annotation import (
    ActorMentions,
    Annotation,
    DateSpec,
    DocumentBlock,
    Event,
    Participant,
)
from eventset.schema.fields import Selector
from eventset.schema.registry import Actor, ActorRegistry, PlaceRegistry
from eventset.schema.selectors import occurrences
from eventset.schema.vocab import event_modes, vocabulary
from eventset.schema.yaml_writer import model_yaml
from eventset.validation.document import process_document

PLACEHOLDER_DATE = dt.date(2000, 1, 1)
CATEGORIES: dict[str, tuple[str, str | None]] = {
    "FIGHT": ("ASSAULT", None),
    "DEMAND": ("REQUEST", None),
    "DISAPPROVE": ("ACCUSE", "disapprove"),
    "INVESTIGATE": ("ACCUSE", "investigate"),
}
# PLOVER 0.5 modes whose 2024 name differs (others are matched after lowercasing and
# replacing hyphens with underscores).
MODES = {
    "assassinate": "targeted",
    "strike-hun": "hunger",
    "strike-gen": "strike",
    "riot-spon": "riot",
    "demo-org": "demo",
    "demo-spon": "demo",
}
# CAMEO/PLOVER sector codes (first three letters) -> actor kind.
SECTOR_KINDS = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "SPY": "security_forces",
    "REB": "armed_group",
    "UAF": "armed_group",
    "INS": "armed_group",
    "OPP": "political_party",
    "PTY": "political_party",
    "LEG": "legislature",
    "JUD": "judiciary",
    "CVL": "civilians",
    "CIV": "civilians",
    "REF": "civilians",
    "MED": "media_outlet",
    "JRN": "media_outlet",
    "BUS": "company",
    "NGO": "ngo",
    "IGO": "international_organization",
    "REL": "religious_group",
    "MOS": "religious_group",
    "ELI": "person",
}
CODE_KINDS = {
    "IGO": "international_organization",
    "NGO": "ngo",
    "UNO": "international_organization",
}
# Roles by which side of the record an actor is on; violent categories name perpetrators and
# targets, the others initiators and recipients (both map back to PLOVER actor / recipient).
VIOLENT = frozenset({"ASSAULT", "COERCE"})
_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
_JSON_KINDS[type(None)] = "null"
_MARK = re.compile(r"\((SRC|TAR|SRC/TAR|EVT|LOC): ([^()]*)\)")


@dataclass(frozen=True)
class Span:
    tag: str
    quote: str
    start: int  # in the record's text, or -1 when the markup's words are not found there


@dataclass
class Imported:
    """What an import wrote and what it refused, with the reasons."""

    documents: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # kept, with a caveat


class RefusedError(Exception):
    """A record that cannot be imported faithfully; the message says why."""


def markup_spans(markup: str, text: str) -> list[Span]:
    """The marked spans, located in the record's text: by position when removing the markup
    gives the text back, else by the first occurrence of the words."""
    spans: list[tuple[str, str, int]] = []
    plain: list[str] = []
    at = 0
    last = 0
    for found in _MARK.finditer(markup):
        plain.append(markup[last : found.start()])
        at += found.start() - last
        spans.append((found[1], found[2], at))
        plain.append(found[2])
        at += len(found[2])
        last = found.end()
    plain.append(markup[last:])
    exact = "".join(plain) == text
    return [Span(tag, quote, start if exact else text.find(quote)) for tag, quote, start in spans]


def _selector(text: str, quote: str, start: int) -> Selector:
    starts = occurrences(text, quote)
    if len(starts) == 1:
        return Selector(quote=quote)
    return Selector(quote=quote, occurrence=starts.index(start) + 1)


def _entities(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = record.get(key)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _country(code: str | None) -> str | None:
    if not code:
        return None
    for entry in vocabulary("countries").codes:
        if entry.fields.get("alpha3") == code.upper():
            return entry.code
    return None


def _kind(code: str | None, sector: str | None) -> str:
    if sector and sector[:3].upper() in SECTOR_KINDS:
        return SECTOR_KINDS[sector[:3].upper()]
    if code and code.upper() in CODE_KINDS:
        return CODE_KINDS[code.upper()]
    if code and _country(code) and not sector:
        return "state"
    return "unidentified"  # the record's codes do not say what sort of actor it is


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-") or "actor"


def registry_actor(entity: Mapping[str, Any]) -> Actor:
    text = str(entity.get("actorText") or "")
    code = entity.get("code") if isinstance(entity.get("code"), str) else None
    sector = entity.get("sector") if isinstance(entity.get("sector"), str) else None
    key = "\x1f".join((text, code or "", sector or ""))
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return Actor(
        id=f"{_slug(text)}-{digest}",
        name=text,
        kind=_kind(code, sector),
        country=_country(code),
        description=f"From PLOVER records: code {code or 'none'}, sector {sector or 'none'}.",
    )


def _category(record: Mapping[str, Any]) -> tuple[str, str | None]:
    name = str(record.get("event") or "")
    event_type, mode = CATEGORIES.get(name, (name, None))
    if event_type not in vocabulary("event_types"):
        raise RefusedError(f"event category {name!r} has no counterpart in the 2024 PLOVER types")
    given = record.get("mode")
    if mode is None and isinstance(given, str) and given:
        candidate = MODES.get(given, given.lower().replace("-", "_"))
        mode = candidate if candidate in event_modes(event_type) else None
    return event_type, mode


def _document_id(record: Mapping[str, Any]) -> str:
    record_id = str(record.get("id") or "")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,99}", record_id):
        raise RefusedError("the record id cannot serve as a document and event id")
    return record_id.lower()


def record_files(
    record: Mapping[str, Any], actors: dict[str, Actor]
) -> tuple[str, bytes, Annotation]:
    """The document id, seed bytes and annotation of one record; registers its actors."""
    doc_id = _document_id(record)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RefusedError("the record has no text")
    event_type, mode = _category(record)
    markup = (
        record.get("textInfo", {}).get("markup")
        if isinstance(record.get("textInfo"), Mapping)
        else None
    )
    spans = markup_spans(markup, text) if isinstance(markup, str) else []
    participants: list[Participant] = []
    mentions: dict[str, list[Selector]] = {}
    sides = (("source", ("SRC", "SRC/TAR")), ("target", ("TAR", "SRC/TAR")))
    for side, tags in sides:
        for entity in _entities(record, side):
            actor_text = str(entity.get("actorText") or "")
            marked = [
                s.start for s in spans if s.tag in tags and s.quote == actor_text and s.start >= 0
            ]
            starts = occurrences(text, actor_text) if actor_text else []
            if not starts:
                raise RefusedError(f"the {side} actor text {actor_text!r} is not in the text")
            start = marked[0] if marked else starts[0]
            actor = registry_actor(entity)
            actors.setdefault(actor.id, actor)
            if side == "source":
                role = "perpetrator" if event_type in VIOLENT else "initiator"
            else:
                role = "target" if event_type in VIOLENT else "recipient"
            if any(p.actor == actor.id and p.role == role for p in participants):
                continue
            selector = _selector(text, actor_text, start)
            participants.append(Participant(actor=actor.id, role=role, evidence=[selector]))
            mentions.setdefault(actor.id, [])
            if selector not in mentions[actor.id]:
                mentions[actor.id].append(selector)
    if not participants:
        raise RefusedError("the record names no actor")
    event_words = [s for s in spans if s.tag == "EVT" and s.start >= 0]
    evidence = (
        [_selector(text, event_words[0].quote, event_words[0].start)]
        if event_words
        else [_selector(text, text, 0)]
    )
    title = f"PLOVER gold-standard record {record.get('id')}"
    seed = f"date {PLACEHOLDER_DATE.isoformat()} {title}\n\n{text}\n".encode()
    annotation = Annotation(
        format=1,
        document=DocumentBlock(
            id=doc_id,
            sha256=sha256_of(seed),
            published=PLACEHOLDER_DATE,
            title=title,
            byline=(
                f"{record.get('publication') or 'PLOVER records'}; the date "
                f"{PLACEHOLDER_DATE} is the records' placeholder, not a publication date"
            )[:500],
            language="en",
            licence="cc_by_sa_4_0",
        ),
        actors=[ActorMentions(actor=a, mentions=m) for a, m in mentions.items()],
        events=[
            Event(
                id=doc_id,
                type=event_type,
                mode=mode,
                # The records' dates are placeholders: the event date is unknown, not 2000-01-01.
                date=DateSpec(start=None, end=None, precision="interval"),
                participants=participants,
                certainty="reported",
                summary=f"{event_type} coded by the PLOVER gold-standard record {record.get('id')}.",
                evidence=evidence,
            )
        ],
    )
    return doc_id, seed, annotation


def import_records(records: Sequence[Record], out: Path) -> Imported:
    """Write the repository-shaped folder `out` from PLOVER records (as `read_records` of
    `eventset.imports.jsonfile` gives them). Raises OSError when `out` cannot be written."""
    result = Imported()
    actors: dict[str, Actor] = {}
    files: list[tuple[str, bytes, bytes]] = []
    for item in records:
        record = item.value
        if not isinstance(record, dict):
            where = f"line {item.line} column {item.column}"
            kind = _JSON_KINDS.get(type(record), "value")
            result.refused.append((where, f"a JSON {kind}, not a record (an object)"))
            continue
        record_id = str(record.get("id") or f"line {item.line}")
        if record.get("event") == "DOCUMENT":
            result.notes.append((record_id, "a header record documenting the file, not an event"))
            continue
        try:
            scratch = dict(actors)
            doc_id, seed, annotation = record_files(record, scratch)
        except (RefusedError, ValueError) as err:
            result.refused.append((record_id, str(err).splitlines()[0]))
            continue
        if doc_id in result.documents:
            result.refused.append((record_id, "an earlier record has the same id"))
            continue
        name = f"data/annotations/{doc_id}.yaml"
        raw = model_yaml(annotation).encode()
        checked = process_document(name, raw, seed)
        # Warnings (the evidence may not fit the coding) are the validator's to show, not a
        # reason to drop a faithful import: the record's coding is kept as its coders wrote it.
        errors = [p for p in checked.problems if p.severity == "error"]
        if errors:
            first = errors[0]
            result.refused.append((record_id, f"{first.code}: {first.message}"))
            continue
        actors = scratch
        files.append((doc_id, seed, raw))
        result.documents.append(doc_id)
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    (out / "data" / "annotations").mkdir(parents=True, exist_ok=True)
    for doc_id, seed, raw in files:
        (out / "seeds" / f"{doc_id}.txt").write_bytes(seed)
        (out / "data" / "annotations" / f"{doc_id}.yaml").write_bytes(raw)
    used = sorted(actors.values(), key=lambda a: a.id)
    (out / "data" / "actors.yaml").write_text(
        model_yaml(ActorRegistry(format=1, actors=used)), encoding="utf-8"
    )
    (out / "data" / "places.yaml").write_text(
        model_yaml(PlaceRegistry(format=1, places=[])), encoding="utf-8"
    )
    return result
