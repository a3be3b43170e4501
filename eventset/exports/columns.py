"""What every export module declares, and the per-event facts they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

from eventset.schema.vocab import vocabulary


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: `source` says where its value comes from; a column the dataset
    cannot fill has `empty` saying why instead."""

    name: str
    dtype: pa.DataType
    source: str | None = None
    empty: str | None = None

    def __post_init__(self) -> None:
        if (self.source is None) == (self.empty is None):
            raise ValueError(f"{self.name}: give either a source or the reason it is empty")


def export_schema(columns: tuple[ExportColumn, ...]) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.dtype) for c in columns])


def export_table(columns: tuple[ExportColumn, ...], rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of exactly the declared columns; empty columns stay null."""
    names = [c.name for c in columns]
    for row in rows:
        for col in columns:
            if col.empty is not None and row.get(col.name) is not None:
                raise ValueError(f"{col.name} is declared empty but was given a value")
    return pa.Table.from_pylist(
        [{name: row.get(name) for name in names} for row in rows], schema=export_schema(columns)
    )


@dataclass(frozen=True)
class Participant:
    role: str
    actor_id: str
    name: str
    kind: str
    country: str | None
    wikidata: str | None
    text: str | None  # the words of the earliest reporting document that name it in this role
    acled_inter: int | None = None  # stated by the registry entry where its kind cannot decide


@dataclass(frozen=True)
class Report:
    document_id: str
    published: Any
    title: str
    outlet: str | None
    url: str | None
    licence: str
    language: str
    text: str | None


@dataclass
class EventFacts:
    """An events row (plain Python values) with its participants and reporting documents."""

    row: dict[str, Any]
    participants: list[Participant] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    occurrence: dict[str, Any] | None = None  # the earliest report's occurrence mention

    def by_plover_role(self, plover_role: str) -> list[Participant]:
        roles = vocabulary("participant_roles")
        return [
            p for p in self.participants if roles[p.role].fields.get("plover_role") == plover_role
        ]


def _plain(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows with Enum columns as plain strings."""
    return frame.with_columns(pl.col(pl.Enum).cast(pl.String)).to_dicts()


def event_facts(tables: Mapping[str, pl.DataFrame]) -> list[EventFacts]:
    """Every event, in event_id order, with who took part and which documents report it."""
    actors = {row["actor_id"]: row for row in _plain(tables["actors"])}
    documents = {row["document_id"]: row for row in _plain(tables["documents"])}
    mentions = _plain(tables["mentions"].sort("document_id", "char_start", "mention_id"))
    reporting: dict[str, set[str]] = {}
    participant_text: dict[tuple[str, str, str, str], str] = {}
    occurrence: dict[tuple[str, str], dict[str, Any]] = {}
    for m in mentions:
        if m["target_kind"] != "event":
            continue
        reporting.setdefault(m["target_id"], set()).add(m["document_id"])
        if m["aspect"] == "participant" and m["actor_id"] is not None:
            key = (m["document_id"], m["target_id"], m["actor_id"], m["role"])
            participant_text.setdefault(key, m["quote"])
        if m["aspect"] == "occurrence":
            occurrence.setdefault((m["document_id"], m["target_id"]), m)
    by_event: dict[str, list[dict[str, Any]]] = {}
    for row in _plain(tables["event_actors"].sort("event_id", "role", "actor_id")):
        by_event.setdefault(row["event_id"], []).append(row)
    facts = []
    for row in _plain(tables["events"].sort("event_id")):
        event_id = row["event_id"]
        docs = sorted(
            (documents[d] for d in reporting.get(event_id, ()) if d in documents),
            key=lambda d: (d["published"], d["document_id"]),
        )
        first = docs[0]["document_id"] if docs else None
        outlet = {a: actors[a]["name"] for a in actors}
        participants = [
            Participant(
                role=p["role"],
                actor_id=p["actor_id"],
                name=actors[p["actor_id"]]["name"],
                kind=actors[p["actor_id"]]["kind"],
                country=actors[p["actor_id"]]["country"],
                wikidata=actors[p["actor_id"]]["wikidata"],
                text=participant_text.get((first or "", event_id, p["actor_id"], p["role"])),
                acled_inter=actors[p["actor_id"]].get("acled_inter"),
            )
            for p in by_event.get(event_id, [])
            if p["actor_id"] in actors
        ]
        reports = [
            Report(
                document_id=d["document_id"],
                published=d["published"],
                title=d["title"],
                outlet=outlet.get(d["outlet_id"]) if d["outlet_id"] else None,
                url=d["url"],
                licence=d["licence"],
                language=d["language"],
                text=d["text"],
            )
            for d in docs
        ]
        facts.append(
            EventFacts(row, participants, reports, occurrence.get((first or "", event_id)))
        )
    return facts


def country_field(code: str | None, name: str) -> Any:
    """A field of the countries vocabulary (its English name, alpha3) for an alpha-2 code."""
    if code is None:
        return None
    return vocabulary("countries")[code].fields.get(name)
