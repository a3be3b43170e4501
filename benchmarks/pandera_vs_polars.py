"""Pandera validation of the mentions table vs the same rules as hand-written polars expressions.

    python benchmarks/pandera_vs_polars.py --rows 1000000     (prints JSON)

The frame is SYNTHETIC (generated here). Both sides check the same rules: dtypes, non-null,
patterns, vocabularies, ranges, uniqueness of the key and the row rule.
"""

from __future__ import annotations

import argparse
import json
import time

import polars as pl

from eventset.schema.contracts import ROW_CHECKS, validate_frame
from eventset.schema.tables import TABLES_BY_NAME
from eventset.schema.vocab import vocabulary


def synthetic_mentions(rows: int) -> pl.DataFrame:
    index = pl.int_range(0, rows, eager=True)
    start = (index * 7) % 5000
    return pl.DataFrame(
        {
            "mention_id": index.map_elements(lambda i: f"m{i:016x}", return_dtype=pl.String),
            "document_id": (index // 20).map_elements(
                lambda i: f"synthetic_{i:07d}", return_dtype=pl.String
            ),
            "start": start.cast(pl.Int64),
            "end": (start + 5).cast(pl.Int64),
            "quote": pl.Series(["abcde"] * rows),
            "sentence_index": (index % 40).cast(pl.Int32),
            "target_kind": pl.Series(["event"] * rows),
            "target_id": (index // 3).map_elements(
                lambda i: f"synthetic-event-{i}", return_dtype=pl.String
            ),
            "aspect": pl.Series(["occurrence"] * rows),
            "actor_id": pl.Series([None] * rows, dtype=pl.String),
            "role": pl.Series([None] * rows, dtype=pl.String),
        }
    )


def hand_written(frame: pl.DataFrame) -> int:
    """The mentions contract as plain polars expressions; returns the number of failing cells."""
    table = TABLES_BY_NAME["mentions"]
    checks: list[pl.Expr] = []
    for col in table.columns:
        c = pl.col(col.name)
        if not col.nullable:
            checks.append(c.is_null().sum())
        if col.pattern:
            checks.append((~c.str.contains(col.pattern)).sum())
        if col.vocabulary:
            checks.append((~c.is_in(list(vocabulary(col.vocabulary).values()))).sum())
        if col.ge is not None:
            checks.append((c < col.ge).sum())
        if col.le is not None:
            checks.append((c > col.le).sum())
        if col.unique:
            checks.append(c.is_duplicated().sum())
    for check in table.row_checks:
        checks.append((~ROW_CHECKS[("mentions", check.name)]).sum())
    totals = frame.select([expr.alias(f"c{i}") for i, expr in enumerate(checks)]).row(0)
    return int(sum(v or 0 for v in totals))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = synthetic_mentions(args.rows)
    validate_frame(
        "mentions", frame.head(10)
    )  # build the schema and import pandera outside the timing
    pandera, polars = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        failures = validate_frame("mentions", frame)
        pandera.append(time.perf_counter() - start)
        start = time.perf_counter()
        failing = hand_written(frame)
        polars.append(time.perf_counter() - start)
        assert failures == [] and failing == 0, (failures[:3], failing)
    best_pandera, best_polars = min(pandera), min(polars)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "pandera_s": best_pandera,
                "polars_s": best_polars,
                "ratio": best_pandera / best_polars,
            }
        )
    )


if __name__ == "__main__":
    main()
