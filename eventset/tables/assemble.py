"""Per-document rows + registries -> the release tables (polars), merged and sorted.

An event reported by several documents becomes one row: type, mode, date and place must agree
(the corpus check reports a disagreement as E501 before we get here); fatality figures become
a range over every figure the documents state: low is the lowest of them, high the highest
(null while no document gives an upper figure, as with "at least N"), best the lowest of the
documents' best figures, so low <= best <= high holds whatever partial figures each gives;
the summary comes from the earliest document; certainty is the most certain level any
document gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from pydantic import BaseModel

from eventset.schema.contracts import polars_schema
from eventset.schema.crosswalk import participant_crosswalk
from eventset.schema.registry import REGISTRY_FIELDS, ActorRegistry, PlaceRegistry
from eventset.schema.tables import TABLES, TABLES_BY_NAME, Table
from eventset.schema.vocab import event_crosswalk, vocabulary
from eventset.tables.locate import located_events

Tables = dict[str, pl.DataFrame]


def _registry_frame(table: Table, entries: Sequence[BaseModel]) -> pl.DataFrame:
    """One row per registry entry, with exactly the table's columns (tables.py)."""
    columns: dict[str, list[Any]] = {}
    for col in table.columns:
        field = REGISTRY_FIELDS.get(col.name, col.name)
        values = [getattr(entry, field) for entry in entries]
        if col.dtype == "list[string]":
            values = [list(value) for value in values]
        elif col.name == "description":  # a scope note may be folded YAML: one line in the table
            values = [" ".join(value.split()) if value else None for value in values]
        columns[col.name] = values
    return pl.DataFrame(columns, schema=polars_schema(table), strict=False)


def _crosswalk_frame(keys: pl.DataFrame) -> pl.DataFrame:
    """Crosswalk columns for each distinct (event_type, mode, date_precision, geo_precision)."""
    dates = vocabulary("date_precisions")
    geos = vocabulary("geo_precisions")
    rows = []
    for event_type, mode, date_precision, geo_precision in keys.iter_rows():
        walk = event_crosswalk(event_type, mode)
        geo = geos[geo_precision].fields
        rows.append(
            {
                "event_type": event_type,
                "mode": mode,
                "date_precision": date_precision,
                "geo_precision": geo_precision,
                "cameo_code": walk.cameo_code,
                "gtd_attacktype": walk.gtd_attacktype,
                "acled_time_precision": dates[date_precision].fields.get("acled_time_precision"),
                "ucdp_date_prec": dates[date_precision].fields.get("ucdp_date_prec"),
                "acled_geo_precision": geo.get("acled_geo_precision"),
                "ucdp_where_prec": geo.get("ucdp_where_prec"),
            }
        )
    names = ("event_type", "mode", "date_precision", "geo_precision")
    return _frame(rows, names, (*names, *_TYPE_CROSSWALKS))


_TYPE_CROSSWALKS = (
    "cameo_code",
    "gtd_attacktype",
    "acled_time_precision",
    "ucdp_date_prec",
    "acled_geo_precision",
    "ucdp_where_prec",
)


_PARTICIPANT_COLUMNS = (
    "acled_event_type",
    "acled_sub_event_type",
    "acled_civilian_targeting",
    "ucdp_type_of_violence",
    "gtd_targtype",
)


def _frame(rows: list[dict[str, Any]], keys: Sequence[str], names: Any) -> pl.DataFrame:
    """Rows keyed by plain strings (the per-document columns) with events' types elsewhere."""
    events = polars_schema(TABLES_BY_NAME["events"])
    schema = {name: pl.String if name in keys else events[name] for name in names}
    return pl.DataFrame(rows, schema=schema, orient="row")


# A shape as a string: its parts (type, mode, who took part) apart by _PART, each participant's
# fields by _FIELD, the participants by _ITEM; _NULL stands for a null. No code of a vocabulary
# holds them, and each sorts below any character a code holds.
_PART, _ITEM, _FIELD, _NULL = "\x1d", "\x1e", "\x1f", "\x00"


def _participant_frame(
    events: pl.DataFrame, event_actors: pl.DataFrame, actors: ActorRegistry
) -> pl.DataFrame:
    """ACLED, UCDP and GTD columns that depend on who took part, per event (crosswalk.py).

    Events share a few shapes (type, mode, who took part as what, sorted): polars writes each
    event's shape as a string, and each distinct shape is worked out once in Python (a dict
    entry and a tuple an event actor in Python cost a second of the merges at 100,000
    documents). A participant's string sorts as its (role, kind, party) tuple does."""
    kinds = pl.DataFrame(
        {
            "actor_id": [actor.id for actor in actors.actors],
            "_kind": [actor.kind for actor in actors.actors],
            "_party": [actor.ucdp_party for actor in actors.actors],
        },
        schema={"actor_id": pl.String, "_kind": pl.String, "_party": pl.String},
    ).unique("actor_id", keep="last")  # as a dict of them keeps the last
    taking = (
        event_actors.select(
            pl.col("event_id").cast(pl.String),
            pl.col("actor_id").cast(pl.String),
            pl.col("role").cast(pl.String),
        )
        .join(kinds, on="actor_id", how="inner")
        .group_by("event_id")
        .agg(
            pl.concat_str("role", "_kind", pl.col("_party").fill_null(_NULL), separator=_FIELD)
            .sort()
            .str.join(_ITEM)
            .alias("_taking")
        )
    )
    shaped = (
        events.select(
            pl.col("event_id").cast(pl.String),
            pl.col("event_type").cast(pl.String),
            pl.col("mode").cast(pl.String),
        )
        .join(taking, on="event_id", how="left", maintain_order="left")
        .select(
            "event_id",
            pl.concat_str(
                *(pl.col(name).fill_null(_NULL) for name in ("event_type", "mode")),
                pl.col("_taking").fill_null(""),
                separator=_PART,
            ).alias("_shape"),
        )
    )
    rows = []
    for (key,) in shaped.select(pl.col("_shape").unique(maintain_order=True)).iter_rows():
        event_type, mode, taking_part = key.split(_PART)
        participants = []
        for item in taking_part.split(_ITEM) if taking_part else ():
            role, kind, party = item.split(_FIELD)
            participants.append((role, kind, _or_none(party)))
        walk = participant_crosswalk(event_type, _or_none(mode), participants)
        rows.append(
            {
                "_shape": key,
                "acled_event_type": walk.acled_event_type,
                "acled_sub_event_type": walk.acled_sub_event_type,
                "acled_civilian_targeting": walk.civilian_targeting,
                "ucdp_type_of_violence": walk.ucdp_type_of_violence,
                "gtd_targtype": walk.gtd_targtype,
            }
        )
    walks = _frame(rows, ("_shape",), ("_shape", *_PARTICIPANT_COLUMNS))
    return shaped.join(walks, on="_shape", how="left", maintain_order="left").select(
        "event_id", *_PARTICIPANT_COLUMNS
    )


def _or_none(value: str) -> str | None:
    return None if value == _NULL else value


def merge_events(per_document: pl.DataFrame) -> pl.DataFrame:
    certainty_rank = {
        code: rank for rank, code in enumerate(vocabulary("certainty_levels").values())
    }
    ranked = per_document.with_columns(
        pl.col("certainty")
        .replace_strict(certainty_rank, return_dtype=pl.Int32)
        .alias("_certainty_rank")
    ).sort("event_id", "published", "document_id")
    merged = ranked.group_by("event_id", maintain_order=True).agg(
        pl.col("event_type").first(),
        pl.col("mode").first(),
        pl.col("date_start").first(),
        pl.col("date_end").first(),
        pl.col("date_precision").first(),
        pl.col("date_derived").all(),
        pl.col("place_id").first(),
        pl.col("geo_precision").first(),
        pl.min_horizontal(
            pl.col("fatalities_low").min(),
            pl.col("fatalities_best").min(),
            pl.col("fatalities_high").min(),
        ).alias("fatalities_low"),
        pl.col("fatalities_best").min(),
        pl.when(
            pl.col("fatalities_best").is_not_null().any()
            | pl.col("fatalities_high").is_not_null().any()
        )
        .then(
            pl.max_horizontal(
                pl.col("fatalities_low").max(),
                pl.col("fatalities_best").max(),
                pl.col("fatalities_high").max(),
            )
        )
        .alias("fatalities_high"),
        pl.col("certainty").sort_by("_certainty_rank").first(),
        pl.col("summary").first(),
        pl.col("document_id").n_unique().cast(pl.Int32).alias("document_count"),
        _accepted_union(),
    )
    return merged


def _accepted_union() -> pl.Expr:
    """Every document's acknowledged warnings of a merged row, sorted (each names its document)."""
    return (
        pl.col("accepted_warnings")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .alias("accepted_warnings")
    )


def events_table(
    per_document: pl.DataFrame,
    event_actors: pl.DataFrame,
    actors: ActorRegistry,
    places: PlaceRegistry,
) -> pl.DataFrame:
    """Merged events, located through the place hierarchy, with every crosswalk."""
    located = located_events(merge_events(per_document), places.places)
    keys = ["event_type", "mode", "date_precision", "geo_precision"]
    crosswalk = _crosswalk_frame(located.select(keys).unique(maintain_order=True))
    return located.join(crosswalk, on=keys, how="left", nulls_equal=True).join(
        _participant_frame(located, event_actors, actors), on="event_id", how="left"
    )


# Events and event_actors from the per-document events and event_actors rows: here
# `merged_events`; on a cluster, the same over partitions by event id (engines/dask_cluster.py).
MergeEvents = Callable[
    [pl.DataFrame, pl.DataFrame, ActorRegistry, PlaceRegistry], tuple[pl.DataFrame, pl.DataFrame]
]


def merged_events(
    per_document: pl.DataFrame,
    taking_part: pl.DataFrame,
    actors: ActorRegistry,
    places: PlaceRegistry,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The events and event_actors tables, typed and sorted. Every row depends only on the rows
    of its own event, so the rows split by event id and merged part by part are the same."""
    return (
        typed_table("events", events_table(per_document, taking_part, actors, places)),
        typed_table("event_actors", event_actors_table(taking_part)),
    )


def with_coding_counts(documents: pl.DataFrame, counts: Mapping[str, int]) -> pl.DataFrame:
    """Documents rows with `coding_count`: their independent codings (0 when none)."""
    found = pl.DataFrame(
        {"document_id": list(counts), "coding_count": list(counts.values())},
        schema={"document_id": pl.String, "coding_count": pl.Int32},
    )
    return documents.join(found, on="document_id", how="left").with_columns(
        pl.col("coding_count").fill_null(0)
    )


def assemble_tables(
    frames: Mapping[str, pl.DataFrame],
    actors: ActorRegistry,
    places: PlaceRegistry,
    merge: MergeEvents = merged_events,
    coding_counts: Mapping[str, int] | None = None,
) -> Tables:
    """The release tables from the corpus's per-document frames (runner.py) and the
    registries, each with exactly its declared columns, sorted by primary key.
    `coding_counts`: independent codings per document (none when not given)."""
    events, event_actors = merge(frames["events"], frames["event_actors"], actors, places)
    tables: Tables = {
        "documents": with_coding_counts(frames["documents"], coding_counts or {}),
        "actors": _registry_frame(TABLES_BY_NAME["actors"], actors.actors),
        "places": _registry_frame(TABLES_BY_NAME["places"], places.places),
        "events": events,
        "event_actors": event_actors,
        "claims": frames["claims"],
        "mentions": frames["mentions"],
        "countries": countries_table(),
    }
    return {table.name: typed_table(table.name, tables[table.name]) for table in TABLES}


def countries_table() -> pl.DataFrame:
    """Every country of the vocabulary with its names and ISO codes (the same for every
    corpus, so an edit never rewrites it)."""
    table = TABLES_BY_NAME["countries"]
    rows = [
        {
            "country": entry.code,
            "country_name": entry.fields.get("name"),
            "iso_alpha3": entry.fields.get("alpha3"),
            "iso_numeric": entry.fields.get("numeric"),
        }
        for entry in vocabulary("countries").codes
    ]
    return pl.DataFrame(rows, schema=polars_schema(table), strict=False).sort("country")


def registry_tables(actors: ActorRegistry, places: PlaceRegistry) -> Tables:
    """The actors and places tables, typed and sorted."""
    return {name: registry_table(name, actors, places) for name in ("actors", "places")}


def registry_table(name: str, actors: ActorRegistry, places: PlaceRegistry) -> pl.DataFrame:
    """One registry's table ("actors" or "places"), typed and sorted."""
    entries = actors.actors if name == "actors" else places.places
    return typed_table(name, _registry_frame(TABLES_BY_NAME[name], entries))


def typed_table(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of a release table with exactly its columns and types, sorted by primary key."""
    table = TABLES_BY_NAME[name]
    return frame.select(table.column_names).cast(polars_schema(table)).sort(list(table.primary_key))


def event_actors_table(per_document: pl.DataFrame) -> pl.DataFrame:
    """One row per event, actor and role, with the number of documents that say so."""
    return per_document.group_by("event_id", "actor_id", "role").agg(
        pl.col("document_id").n_unique().cast(pl.Int32).alias("document_count"),
        _accepted_union(),
    )
