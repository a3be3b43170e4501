"""Checks across tables: foreign keys resolve, mentions sit inside their documents and say what
they quote, every event and claim is supported by at least one mention.

Pandera has no foreign keys; an anti-join per key, all collected together, is cheap (~30 ms for
a million rows) and reports every offending value.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from eventset.schema.contracts import TableFailure
from eventset.schema.tables import TABLES

# Whole tables, or lazy scans of a release's files (release/months.py checks across months so).
Frame = pl.DataFrame | pl.LazyFrame
_SAMPLE = 20  # offending values reported per check; the count says how many there are
# Joins keep the left frame's row order (polars does not by default on large frames), so the
# sample is the first offending rows and the same on every run.


def foreign_key_queries(
    tables: Mapping[str, Frame],
) -> list[tuple[str, str, str, pl.LazyFrame]]:
    queries = []
    for table in TABLES:
        for col in table.columns:
            if col.references is None:
                continue
            target_table, target_col = col.references
            values = tables[table.name].lazy().select(pl.col(col.name).alias("value")).drop_nulls()
            known = tables[target_table].lazy().select(pl.col(target_col).alias("value"))
            missing = values.join(known, on="value", how="anti", maintain_order="left").unique(
                maintain_order=True
            )
            queries.append(
                (table.name, col.name, f"references {target_table}.{target_col}", missing)
            )
    mentions = tables["mentions"].lazy()
    for kind, target_table, target_col in (
        ("actor", "actors", "actor_id"),
        ("place", "places", "place_id"),
        ("event", "events", "event_id"),
        ("claim", "claims", "claim_id"),
    ):
        values = mentions.filter(pl.col("target_kind") == kind).select(
            pl.col("target_id").alias("value")
        )
        known = tables[target_table].lazy().select(pl.col(target_col).alias("value"))
        missing = values.join(known, on="value", how="anti", maintain_order="left").unique(
            maintain_order=True
        )
        queries.append(("mentions", "target_id", f"{kind} target in {target_table}", missing))
    return queries


def support_queries(
    tables: Mapping[str, Frame],
) -> list[tuple[str, str, str, pl.LazyFrame]]:
    mentions = tables["mentions"].lazy()
    queries = []
    for table, key, kind in (("events", "event_id", "event"), ("claims", "claim_id", "claim")):
        supported = mentions.filter(
            (pl.col("target_kind") == kind) & (pl.col("aspect") == "occurrence")
        ).select(pl.col("target_id").alias(key))
        unsupported = (
            tables[table]
            .lazy()
            .select(key)
            .join(supported, on=key, how="anti", maintain_order="left")
        )
        queries.append(
            (table, key, "supported by at least one mention", unsupported.rename({key: "value"}))
        )
    return queries


def span_queries(tables: Mapping[str, Frame]) -> list[tuple[str, str, str, pl.LazyFrame]]:
    spans = (
        tables["mentions"]
        .lazy()
        .join(
            tables["documents"].lazy().select("document_id", "char_count", "text"),
            on="document_id",
            how="inner",
            maintain_order="left",
        )
    )
    outside = spans.filter(pl.col("char_end") > pl.col("char_count")).select(
        pl.format("{}:{}-{}", "document_id", "char_start", "char_end").alias("value")
    )
    wrong_words = spans.filter(
        pl.col("text").is_not_null()
        & (
            pl.col("text").str.slice(
                pl.col("char_start"), pl.col("char_end") - pl.col("char_start")
            )
            != pl.col("quote")
        )
    ).select(pl.col("mention_id").alias("value"))
    return [
        ("mentions", "char_end", "inside its document (char_end <= char_count)", outside),
        ("mentions", "quote", "text[char_start:char_end] == quote", wrong_words),
    ]


def cross_table_failures(tables: Mapping[str, pl.DataFrame]) -> list[TableFailure]:
    queries = foreign_key_queries(tables) + support_queries(tables) + span_queries(tables)
    results = pl.collect_all([query for *_, query in queries])
    failures: list[TableFailure] = []
    for (table, column, check, _), result in zip(queries, results, strict=True):
        for value in result.get_column("value").head(_SAMPLE).to_list():
            failures.append(TableFailure(table, column, check, None, str(value)))
        if result.height > _SAMPLE:
            failures.append(
                TableFailure(table, column, check, None, f"... and {result.height - _SAMPLE} more")
            )
    return failures
