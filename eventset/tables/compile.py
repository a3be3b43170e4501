"""Compiling one checked annotation into per-document table rows (tuples in `COLUMNS` order). Pure.

The columns come from `schema/tables.py`; events come out once per reporting document and
`assemble.py` merges them across documents. A document's rows stay tuples (its mentions, made
a column at a time, column lists): a worker gathers a chunk's and transposes them once
(validation/chunk_rows.py); `columns_of` gives one document's as column lists.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
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
# A table's rows, each a tuple of its values in the table's column order (`COLUMNS[name]`).
Rows = list[tuple[Any, ...]]

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
    return mention_ids(document_id, ((item, span),))[0]


def mention_ids(document_id: str, evidence: Iterable[tuple[EvidenceItem, Span]]) -> list[str]:
    """`mention_id` of each (item, span) of one document: sha256 of the parts joined by U+001F,
    16 hex digits. One comprehension, not a call per mention (every quote of a build has one)."""
    sha256 = hashlib.sha256
    # An f-string writes each part as str() does ("None" for a missing actor or role); the
    # first 8 bytes in hex are the first 16 digits of the hex digest.
    return [
        "m"
        + sha256(
            f"{document_id}\x1f{start}\x1f{end}\x1f{item.target_kind}\x1f{item.target_id}\x1f"
            f"{item.aspect}\x1f{item.actor_id}\x1f{item.role}".encode()
        )
        .digest()[:8]
        .hex()
        for item, (start, end) in evidence
    ]


def _fields(table: str, *names: str) -> tuple[str, ...]:
    """The order in which `compile_document` writes the values of a row of `table`: the
    table's own, so that a row's values become its columns without a lookup by name."""
    if names != COLUMNS[table]:
        # A column added to tables.py without a value here (or a value for no column, or the
        # columns in another order) is a bug of this module: fail loudly, at import, rather
        # than write a short or shifted row.
        raise KeyError(f"row columns differ: {names} is not {COLUMNS[table]}")
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
    "accepted_warnings",
    "document_id",
    "published",
)
_EVENT_ACTOR_FIELDS = _fields(
    "event_actors", "event_id", "actor_id", "role", "accepted_warnings", "document_id"
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


def columns_of(table: str, rows: Rows) -> Columns:
    """Rows of `table` (tuples in its column order) as column lists."""
    names = COLUMNS[table]
    if len(rows) == 1:
        return {name: [value] for name, value in zip(names, rows[0], strict=True)}
    if not rows:
        return {name: [] for name in names}
    # compile_document writes every row as a tuple of len(names): zip needs no strict.
    return dict(zip(names, [list(column) for column in zip(*rows, strict=False)], strict=True))


def _mention_columns(
    document_id: str,
    text: str,
    evidence: Sequence[tuple[EvidenceItem, Span]],
    shared: bool,
) -> Columns:
    """The mentions rows of one document, one per quote, built a column at a time (a
    comprehension a column costs half of a tuple a row and its transpose: this runs for every
    quote of a build). `shared`: the text is published, so are the sentences of its quotes."""
    if not evidence:
        return {name: [] for name in _MENTION_FIELDS}
    count = len(evidence)
    # What each quote supports, and its span, a column at a time: zip transposes the named
    # tuples in C, where a comprehension a field cost twice as much.
    items, spans = zip(*evidence, strict=True)
    _, _, kinds, targets, aspects, actors, roles = zip(*items, strict=True)
    char_start, char_end = zip(*spans, strict=True)
    starts = sentence_starts(text)
    bisect_right = bisect.bisect_right
    first = [bisect_right(starts, start) - 1 for start in char_start]
    sentence: list[str | None] = [None] * count
    if shared:
        # Sentence i runs to ends[i]; a span's last sentence holds its last character, and
        # the sentence(s) holding it are written with the whitespace at their ends removed.
        ends = [*starts[1:], len(text)]
        sentence = [
            text[starts[f] : ends[bisect_right(starts, max(start, end - 1)) - 1]].strip()
            for f, start, end in zip(first, char_start, char_end, strict=True)
        ]
    values: tuple[list[Any], ...] = (
        mention_ids(document_id, evidence),
        [document_id] * count,
        list(char_start),
        list(char_end),
        [text[start:end] for start, end in spans],
        first,
        sentence,
        list(kinds),
        list(targets),
        list(aspects),
        list(actors),
        list(roles),
    )
    return dict(zip(_MENTION_FIELDS, values, strict=True))


def compile_document(
    annotation: Annotation,
    seed: Seed,
    evidence: tuple[tuple[EvidenceItem, Span], ...] | list[tuple[EvidenceItem, Span]],
    annotation_sha256: str,
) -> tuple[dict[str, Rows], Columns]:
    """One document's rows: of documents, events, event_actors and claims as tuples in
    `COLUMNS` order (made a row at a time), and of mentions as column lists (made a column at
    a time: `_mention_columns`)."""
    block = annotation.document
    doc_id = block.id
    published = block.published
    # The text is published (its licence lets anyone copy it), and with it its sentences.
    shared = vocabulary("licences")[block.licence].fields.get("redistribute_text") is True
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
        seed.text if shared else None,
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
                sorted(
                    accepted_warnings(doc_id, "event", event.accept)
                    + (accepted_warnings(doc_id, "place", place.accept) if place else [])
                    + (accepted_warnings(doc_id, "fatalities", figures.accept) if figures else [])
                ),
                doc_id,
                published,
            )
        )
        for part in event.participants:
            event_actors.append(
                (
                    event.id,
                    part.actor,
                    part.role,
                    accepted_warnings(doc_id, "participant", part.accept),
                    doc_id,
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

    rows = {
        "documents": [document],
        "events": events,
        "event_actors": event_actors,
        "claims": claims,
    }
    return rows, _mention_columns(doc_id, seed.text, evidence, shared)
