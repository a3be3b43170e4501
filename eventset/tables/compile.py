"""Compiling one checked annotation into per-document table rows (column lists). Pure.

The columns come from `schema/tables.py`; events come out once per reporting document and
`assemble.py` merges them across documents.
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl

from eventset.inputs.seeds import Seed
from eventset.schema.annotation import Annotation
from eventset.schema.contracts import POLARS_TYPES
from eventset.schema.tables import DOCUMENTS, TABLES_BY_NAME, Column, Table
from eventset.schema.vocab import vocabulary
from eventset.validation.evidence import EvidenceItem
from eventset.validation.quotes import Span, sentence_index, sentence_starts

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
    key = "\x1f".join(
        str(part)
        for part in (
            document_id,
            span.start,
            span.end,
            item.target_kind,
            item.target_id,
            item.aspect,
            item.actor_id,
            item.role,
        )
    )
    return "m" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _columns(names: tuple[str, ...]) -> Columns:
    return {name: [] for name in names}


def _add(columns: Columns, row: dict[str, Any]) -> None:
    if row.keys() != columns.keys():
        # A column added to tables.py without a value here (or a value for no column) is a bug
        # of this module: fail loudly rather than write a short or shifted row.
        raise KeyError(f"row columns differ: {sorted(row.keys() ^ columns.keys())}")
    for name, values in columns.items():
        values.append(row[name])


def compile_document(
    annotation: Annotation,
    seed: Seed,
    evidence: tuple[tuple[EvidenceItem, Span], ...] | list[tuple[EvidenceItem, Span]],
    annotation_sha256: str,
) -> dict[str, Columns]:
    block = annotation.document
    doc_id = block.id
    licence = vocabulary("licences")[block.licence]
    documents = _columns(COLUMNS["documents"])
    _add(
        documents,
        {
            "document_id": doc_id,
            "published": block.published,
            "title": block.title,
            "byline": block.byline,
            "outlet_id": block.outlet,
            "language": block.language,
            "url": block.url,
            "licence": block.licence,
            "origin": block.origin,
            "rights_holder": block.rights_holder,
            "text_sha256": seed.sha256,
            "char_count": len(seed.text),
            "byte_count": seed.byte_count,
            "text": seed.text if licence.fields.get("redistribute_text") is True else None,
            "annotation_sha256": annotation_sha256,
        },
    )

    events = _columns(COLUMNS["events"])
    event_actors = _columns(COLUMNS["event_actors"])
    for event in annotation.events:
        figures = event.fatalities
        _add(
            events,
            {
                "event_id": event.id,
                "event_type": event.type,
                "mode": event.mode,
                "date_start": event.date.start,
                "date_end": event.date.last_day,
                "date_precision": event.date.precision,
                "date_derived": event.date.derived,
                "place_id": event.place.id if event.place else None,
                "geo_precision": event.place.precision if event.place else None,
                "fatalities_low": figures.low if figures else None,
                "fatalities_best": figures.best if figures else None,
                "fatalities_high": figures.high if figures else None,
                "certainty": event.certainty,
                "summary": " ".join(event.summary.split()),
                "document_id": doc_id,
                "published": block.published,
            },
        )
        for part in event.participants:
            _add(
                event_actors,
                {
                    "event_id": event.id,
                    "actor_id": part.actor,
                    "role": part.role,
                    "document_id": doc_id,
                },
            )

    claim_kinds = vocabulary("claim_kinds")
    claims = _columns(COLUMNS["claims"])
    for claim in annotation.claims:
        gtd = claim_kinds[claim.kind].fields.get("gtd_claimed")
        _add(
            claims,
            {
                "claim_id": claim.id,
                "document_id": doc_id,
                "claimant_id": claim.claimant,
                "via": list(claim.via),
                "kind": claim.kind,
                "polarity": claim.polarity,
                "modality": claim.modality,
                "explicit": claim.explicit,
                "event_id": claim.about.event,
                "about_actor_id": claim.about.actor,
                "value": claim.value,
                "date_start": claim.date.start if claim.date else None,
                "date_end": claim.date.last_day if claim.date else None,
                "date_precision": claim.date.precision if claim.date else None,
                "summary": " ".join(claim.summary.split()),
                "gtd_claimed": gtd if isinstance(gtd, int) else None,
            },
        )

    starts = sentence_starts(seed.text)
    mentions = _columns(COLUMNS["mentions"])
    for item, span in evidence:
        _add(
            mentions,
            {
                "mention_id": mention_id(doc_id, item, span),
                "document_id": doc_id,
                "char_start": span.start,
                "char_end": span.end,
                "quote": seed.text[span.start : span.end],
                "sentence_index": sentence_index(starts, span.start),
                "target_kind": item.target_kind,
                "target_id": item.target_id,
                "aspect": item.aspect,
                "actor_id": item.actor_id,
                "role": item.role,
            },
        )
    return {
        "documents": documents,
        "events": events,
        "event_actors": event_actors,
        "claims": claims,
        "mentions": mentions,
    }
