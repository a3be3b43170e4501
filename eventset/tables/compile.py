"""Compiling one checked annotation into per-document table rows (column lists). Pure.

The columns come from `schema/tables.py`; events come out once per reporting document and
`assemble.py` merges them across documents.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from eventset.inputs.seeds import Seed
from eventset.schema.annotation import Annotation
from eventset.schema.contracts import POLARS_TYPES
from eventset.schema.tables import DOCUMENTS, TABLES_BY_NAME, Column, Table
from eventset.schema.vocab import vocabulary
from eventset.validation.evidence import EvidenceItem
from eventset.validation.quotes import Span, sentence_starts

Columns = dict[str, list[Any]]

# Events and event_actors come out once per reporting document, with that document's id (and
# date, which decides whose summary the merge keeps) for the merge in assemble.py.
REPORTED_BY: dict[str, tuple[str, ...]] = {
    "events": ("document_id", "published"),
    "event_actors": ("document_id",),
}


def row_columns(table: Table) -> tuple[Column, ...]:
    """The columns of one document's rows for `table`: its own columns except those the merge
    computes, then the reporting document's columns the merge needs."""
    own = tuple(col for col in table.columns if not col.merged)
    names = {col.name for col in own}
    extra = tuple(DOCUMENTS.column(name) for name in REPORTED_BY.get(table.name, ()))
    return own + tuple(col for col in extra if col.name not in names)


PER_DOCUMENT_TABLES = ("documents", "events", "event_actors", "claims", "mentions")
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(col.name for col in row_columns(TABLES_BY_NAME[name]))
    for name in PER_DOCUMENT_TABLES
}


def row_schema(name: str) -> pl.Schema:
    """The polars schema of one document's rows for table `name`."""
    return pl.Schema(
        {col.name: POLARS_TYPES[col.dtype] for col in row_columns(TABLES_BY_NAME[name])}
    )


def mention_id(document_id: str, item: EvidenceItem, span: Span) -> str:
    """Stable across builds and releases as long as the span and what it supports stay the same."""
    # An f-string writes each part as str() does ("None" for a missing actor or role).
    key = (
        f"{document_id}\x1f{span.start}\x1f{span.end}\x1f{item.target_kind}\x1f"
        f"{item.target_id}\x1f{item.aspect}\x1f{item.actor_id}\x1f{item.role}"
    )
    return "m" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _fields(table: str, *names: str) -> tuple[str, ...]:
    """The order in which `compile_document` writes the values of a row of `table`."""
    if sorted(names) != sorted(COLUMNS[table]):
        # A column added to tables.py without a value here (or a value for no column) is a bug
        # of this module: fail loudly, at import, rather than write a short or shifted row.
        raise KeyError(f"row columns differ: {sorted(set(names) ^ set(COLUMNS[table]))}")
    return names


_DOCUMENT_FIELDS = _fields(
    "documents",
    "document_id",
    "published",
    "title",
    "byline",
    "outlet_id",
    "language",
    "url",
    "licence",
    "origin",
    "rights_holder",
    "text_sha256",
    "char_count",
    "byte_count",
    "text",
    "annotation_sha256",
)
_EVENT_FIELDS = _fields(
    "events",
    "event_id",
    "event_type",
    "mode",
    "date_start",
    "date_end",
    "date_precision",
    "date_derived",
    "place_id",
    "geo_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "certainty",
    "summary",
    "document_id",
    "published",
    "accepted_warnings",
)
_EVENT_ACTOR_FIELDS = _fields(
    "event_actors", "event_id", "actor_id", "role", "document_id", "accepted_warnings"
)
_CLAIM_FIELDS = _fields(
    "claims",
    "claim_id",
    "document_id",
    "claimant_id",
    "via",
    "kind",
    "polarity",
    "modality",
    "explicit",
    "event_id",
    "about_actor_id",
    "value",
    "date_start",
    "date_end",
    "date_precision",
    "summary",
    "gtd_claimed",
    "accepted_warnings",
)
_MENTION_FIELDS = _fields(
    "mentions",
    "mention_id",
    "document_id",
    "char_start",
    "char_end",
    "quote",
    "sentence_index",
    "sentence",
    "target_kind",
    "target_id",
    "aspect",
    "actor_id",
    "role",
)


def accepted_warnings(document_id: str, item: str, accept: Mapping[str, str]) -> list[str]:
    """The `accepted_warnings` entries of one item: '<code> <document_id> <item>: <reason>'
    (the document, so a merged event keeps where each acknowledgement was written)."""
    if not accept:  # most items acknowledge nothing
        return []
    return [f"{code} {document_id} {item}: {accept[code]}" for code in sorted(accept)]


_ACCEPTED = re.compile(r"(W[0-9]{3}) (\S+) (\w+): (.*)", re.DOTALL)


def parse_accepted(entry: str) -> tuple[str, str, str, str] | None:
    """(code, document_id, item, reason) of an `accepted_warnings` entry; None if malformed."""
    match = _ACCEPTED.fullmatch(entry)
    return None if match is None else (match[1], match[2], match[3], match[4])


def _columns(table: str, fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Columns:
    """Rows written as tuples in `fields` order, as column lists in the table's order. A tuple
    per row and one transpose cost a third of a dict per row filled column by column."""
    names = COLUMNS[table]
    if not rows:
        return {name: [] for name in names}
    by_field = dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))
    return by_field if fields == names else {name: by_field[name] for name in names}


def compile_document(
    annotation: Annotation,
    seed: Seed,
    evidence: tuple[tuple[EvidenceItem, Span], ...] | list[tuple[EvidenceItem, Span]],
    annotation_sha256: str,
) -> dict[str, Columns]:
    block = annotation.document
    doc_id = block.id
    published = block.published
    licence = vocabulary("licences")[block.licence]
    document = (
        doc_id,
        published,
        block.title,
        block.byline,
        block.outlet,
        block.language,
        block.url,
        block.licence,
        block.origin,
        block.rights_holder,
        seed.sha256,
        len(seed.text),
        seed.byte_count,
        seed.text if licence.fields.get("redistribute_text") is True else None,
        annotation_sha256,
    )

    events: list[tuple[Any, ...]] = []
    event_actors: list[tuple[Any, ...]] = []
    for event in annotation.events:
        figures = event.fatalities
        place = event.place
        date = event.date
        events.append(
            (
                event.id,
                event.type,
                event.mode,
                date.start,
                date.last_day,
                date.precision,
                date.derived,
                place.id if place else None,
                place.precision if place else None,
                figures.low if figures else None,
                figures.best if figures else None,
                figures.high if figures else None,
                event.certainty,
                " ".join(event.summary.split()),
                doc_id,
                published,
                sorted(
                    accepted_warnings(doc_id, "event", event.accept)
                    + (accepted_warnings(doc_id, "place", place.accept) if place else [])
                    + (accepted_warnings(doc_id, "fatalities", figures.accept) if figures else [])
                ),
            )
        )
        for part in event.participants:
            event_actors.append(
                (
                    event.id,
                    part.actor,
                    part.role,
                    doc_id,
                    accepted_warnings(doc_id, "participant", part.accept),
                )
            )

    claim_kinds = vocabulary("claim_kinds")
    claims: list[tuple[Any, ...]] = []
    for claim in annotation.claims:
        gtd = claim_kinds[claim.kind].fields.get("gtd_claimed")
        claim_date = claim.date
        claims.append(
            (
                claim.id,
                doc_id,
                claim.claimant,
                list(claim.via),
                claim.kind,
                claim.polarity,
                claim.modality,
                claim.explicit,
                claim.about.event,
                claim.about.actor,
                claim.value,
                claim_date.start if claim_date else None,
                claim_date.last_day if claim_date else None,
                claim_date.precision if claim_date else None,
                " ".join(claim.summary.split()),
                gtd if isinstance(gtd, int) else None,
                accepted_warnings(doc_id, "claim", claim.accept),
            )
        )

    text = seed.text
    starts = sentence_starts(text)
    shared = (
        licence.fields.get("redistribute_text") is True
    )  # the text is published: its sentences too
    # A mention's sentence index, and the sentence(s) holding it with the whitespace at their
    # ends removed: one bisection per end of the span (this runs for every quote of every
    # document; sentence_index is the same bisection).
    bisect_right = bisect.bisect_right
    count = len(starts)
    mentions: list[tuple[Any, ...]] = []
    for item, span in evidence:
        start, end = span
        first = bisect_right(starts, start) - 1
        sentence = None
        if shared:
            after = bisect_right(starts, max(start, end - 1))
            sentence = text[starts[first] : starts[after] if after < count else len(text)].strip()
        mentions.append(
            (
                mention_id(doc_id, item, span),
                doc_id,
                start,
                end,
                text[start:end],
                first,
                sentence,
                item.target_kind,
                item.target_id,
                item.aspect,
                item.actor_id,
                item.role,
            )
        )
    return {
        "documents": _columns("documents", _DOCUMENT_FIELDS, [document]),
        "events": _columns("events", _EVENT_FIELDS, events),
        "event_actors": _columns("event_actors", _EVENT_ACTOR_FIELDS, event_actors),
        "claims": _columns("claims", _CLAIM_FIELDS, claims),
        "mentions": _columns("mentions", _MENTION_FIELDS, mentions),
    }
