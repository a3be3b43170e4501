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

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from pydantic import BaseModel

from eventset.schema.contracts import polars_schema
from eventset.schema.registry import REGISTRY_FIELDS, ActorRegistry, PlaceRegistry
from eventset.schema.tables import TABLES, TABLES_BY_NAME, Table
from eventset.schema.vocab import event_crosswalk, vocabulary

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


def _crosswalk_frame(pairs: pl.DataFrame) -> pl.DataFrame:
    """Crosswalk columns for each distinct (event_type, mode, date_precision, geo_precision)."""
    dates = vocabulary("date_precisions")
    geos = vocabulary("geo_precisions")
    rows = []
    for event_type, mode, date_precision, geo_precision in pairs.iter_rows():
        walk = event_crosswalk(event_type, mode)
        geo = geos[geo_precision].fields if geo_precision is not None else {}
        rows.append(
            {
                "event_type": event_type,
                "mode": mode,
                "date_precision": date_precision,
                "geo_precision": geo_precision,
                "acled_event_type": walk.acled_event_type,
                "acled_sub_event_type": walk.acled_sub_event_type,
                "cameo_code": walk.cameo_code,
                "gtd_attacktype": walk.gtd_attacktype,
                "acled_time_precision": dates[date_precision].fields.get("acled_time_precision"),
                "ucdp_date_prec": dates[date_precision].fields.get("ucdp_date_prec"),
                "acled_geo_precision": geo.get("acled_geo_precision"),
                "ucdp_where_prec": geo.get("ucdp_where_prec"),
            }
        )
    events = polars_schema(TABLES_BY_NAME["events"])
    keys = ("event_type", "mode", "date_precision", "geo_precision")
    crosswalks = [col.name for col in TABLES_BY_NAME["events"].columns if col.merged]
    # Every merged column but the document count is a crosswalk filled here.
    schema = {name: events[name] for name in (*keys, *crosswalks) if name != "document_count"}
    return pl.DataFrame(rows, schema=schema, orient="row")


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
    )
    keys = ["event_type", "mode", "date_precision", "geo_precision"]
    crosswalk = _crosswalk_frame(merged.select(keys).unique(maintain_order=True))
    return merged.join(crosswalk, on=keys, how="left", nulls_equal=True)


def assemble_tables(
    frames: Mapping[str, pl.DataFrame], actors: ActorRegistry, places: PlaceRegistry
) -> Tables:
    """The seven release tables from the corpus's per-document frames (runner.py) and the
    registries, each with exactly its declared columns, sorted by primary key."""
    tables: Tables = {
        "documents": frames["documents"],
        "actors": _registry_frame(TABLES_BY_NAME["actors"], actors.actors),
        "places": _registry_frame(TABLES_BY_NAME["places"], places.places),
        "events": merge_events(frames["events"]),
        "event_actors": frames["event_actors"]
        .group_by("event_id", "actor_id", "role")
        .agg(pl.col("document_id").n_unique().cast(pl.Int32).alias("document_count")),
        "claims": frames["claims"],
        "mentions": frames["mentions"],
    }
    out: Tables = {}
    for table in TABLES:
        frame = tables[table.name].select(table.column_names).cast(polars_schema(table))
        out[table.name] = frame.sort(list(table.primary_key))
    return out
