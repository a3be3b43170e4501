"""A release's tables as the month-by-month build staged them (months.py), read back: the checks
across months over their key columns, and the whole tables for what is written from them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import polars as pl

from eventset.schema.contracts import typed_frame
from eventset.schema.integrity import foreign_key_queries, support_queries
from eventset.schema.tables import TABLES


def scan_staged(staging: Path, name: str) -> pl.LazyFrame:
    """One table's written files in `staging`, as one lazy frame (rows in file order)."""
    files = sorted(str(path) for path in (staging / name).glob("*.parquet"))
    return pl.scan_parquet(files)


def fails_across_months(staging: Path, share: int = 0, shares: int = 1) -> bool:
    """Whether a check across months fails, over the written files' key columns: a primary key
    repeated in two months, a foreign key that does not resolve, an event or claim no mention
    supports. (event_actors rows of one event share its month, so their key cannot repeat
    across months.) One query at a time, stopping at the first that finds something: together
    they held every table's keys at once (3.3 GB at a million documents). `share` of `shares`:
    every `shares`-th check from the `share`-th, for tasks run side by side (a pool's
    workers, a query each at a time); all the shares together make every check."""
    tables = {table.name: scan_staged(staging, table.name) for table in TABLES}
    checks: list[Callable[[], bool]] = [
        functools.partial(_repeats, tables[t.name], t.primary_key[0])
        for t in TABLES
        if len(t.primary_key) == 1
    ]
    checks += [
        functools.partial(_finds_any, q)
        for *_, q in foreign_key_queries(tables) + support_queries(tables)
    ]
    return any(check() for check in checks[share::shares])


def _finds_any(query: pl.LazyFrame) -> bool:
    return bool(query.head(1).collect(engine="streaming").height)


def _hashed(column: pl.Expr) -> pl.Expr:
    return column.hash()


def _repeats(frame: pl.LazyFrame, key: str, digest: Callable[[pl.Expr], pl.Expr] = _hashed) -> bool:
    """Whether a key repeats. Its 64-bit hashes are counted first (8 bytes a row, where grouping
    16 million mention ids as strings took 2.2 GB); only keys whose hash repeats are compared
    themselves, so a collision costs time, never a wrong answer. (`digest`: the hash; tests
    pass one that collides often.)"""
    hashes = frame.select(digest(pl.col(key)).alias("hash"))
    repeated = hashes.group_by("hash").len().filter(pl.col("len") > 1).select("hash")
    suspects = repeated.collect(engine="streaming")
    if not suspects.height:
        return False
    found = (
        frame.select(key)
        .filter(digest(pl.col(key)).is_in(suspects.get_column("hash").implode()))
        .group_by(key)
        .len()
        .filter(pl.col("len") > 1)
        .head(1)
    )
    return bool(found.collect(engine="streaming").height)


def staged_tables(staging: Path) -> dict[str, pl.DataFrame]:
    """The release's whole tables read back from `staging`, typed and sorted by key, as the
    in-memory assembly gives them: what the extra files (metadata, card) are written from."""
    tables = {}
    for table in TABLES:
        frames = [
            typed_frame(table, pl.read_parquet(path))
            for path in sorted((staging / table.name).glob("*.parquet"))
        ]
        tables[table.name] = pl.concat(frames, how="vertical").sort(list(table.primary_key))
    return tables
