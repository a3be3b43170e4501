"""Read every table folder of a release with every engine at hand; compare with the manifest.

    python benchmarks/engines.py RELEASE_DIR [--engines pyarrow polars duckdb pandas dask spark]

The suite tests pyarrow.dataset, polars and DuckDB (tests/release/test_engines.py). Dask and
Spark are too heavy for the lockfile, so they are checked here, by hand, in a throwaway
environment on top of the locked one (Spark needs Java 17 or later on the PATH):

    .tools/bin/uv run --frozen --with 'dask[dataframe]' --with pyspark \\
        python benchmarks/engines.py dist/eventset-dev

Each engine reads `<release>/<table>` as its documentation says a dataset folder is read (the
one-liners of eventset.release.metadata.ENGINE_READS), counts the rows and lists the columns.
A table is right when the count equals the manifest's rows for that table and the columns are
the table's, in order, plus any hive partition key. Prints a Markdown table: one row per engine,
its start-up (imports, Spark's session), the seconds to read all tables, and what differed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from eventset.release.manifest import manifest_entries, read_manifest, table_files
from eventset.schema.tables import TABLES

Reader = Callable[[Path], tuple[int, list[str]]]


def pyarrow_reader() -> Reader:
    import pyarrow.dataset as ds

    def read(folder: Path) -> tuple[int, list[str]]:
        dataset = ds.dataset(folder, format="parquet", partitioning="hive")
        return dataset.count_rows(), list(dataset.schema.names)

    return read


def polars_reader() -> Reader:
    import polars as pl

    def read(folder: Path) -> tuple[int, list[str]]:
        frame = pl.scan_parquet(f"{folder}/**/*.parquet").collect()
        return frame.height, frame.columns

    return read


def duckdb_reader() -> Reader:
    import duckdb

    def read(folder: Path) -> tuple[int, list[str]]:
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{folder}/**/*.parquet')")
        assert relation is not None
        return len(relation), list(relation.columns)

    return read


def pandas_reader() -> Reader:
    import pandas as pd

    def read(folder: Path) -> tuple[int, list[str]]:
        frame = pd.read_parquet(folder, dtype_backend="pyarrow")
        return len(frame), [str(c) for c in frame.columns]

    return read


def dask_reader() -> Reader:
    import dask.dataframe as dd

    def read(folder: Path) -> tuple[int, list[str]]:
        frame = dd.read_parquet(str(folder))
        return int(frame.shape[0].compute()), [str(c) for c in frame.columns]

    return read


def spark_reader() -> Reader:
    from pyspark.sql import SparkSession

    spark: Any = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    def read(folder: Path) -> tuple[int, list[str]]:
        frame = spark.read.parquet(str(folder))
        return int(frame.count()), list(frame.columns)

    return read


# The distribution whose version each engine reports.
DISTRIBUTIONS = {
    "pyarrow": "pyarrow",
    "polars": "polars",
    "duckdb": "duckdb",
    "pandas": "pandas",
    "dask": "dask",
    "spark": "pyspark",
}

READERS: dict[str, Callable[[], Reader]] = {
    "pyarrow": pyarrow_reader,
    "polars": polars_reader,
    "duckdb": duckdb_reader,
    "pandas": pandas_reader,
    "dask": dask_reader,
    "spark": spark_reader,
}


def expected_rows(release: Path) -> dict[str, int]:
    entries = manifest_entries(read_manifest(release))
    return {
        table: sum(entries[path].rows or 0 for path in paths)
        for table, paths in table_files(entries).items()
    }


def differences(release: Path, read: Reader) -> list[str]:
    rows = expected_rows(release)
    found = []
    for table in TABLES:
        count, columns = read(release / table.name)
        if count != rows[table.name]:
            found.append(f"{table.name}: {count:,} rows, manifest {rows[table.name]:,}")
        own = [c for c in columns if c in table.column_names]
        extra = [c for c in columns if c not in table.column_names]
        partitions = {
            part.split("=", 1)[0]
            for path in table_files([e["path"] for e in read_manifest(release)["files"]]).get(
                table.name, []
            )
            for part in path.split("/")[1:-1]
        }
        if own != list(table.column_names) or not set(extra) <= partitions:
            found.append(f"{table.name}: columns {columns}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("release", type=Path)
    parser.add_argument("--engines", nargs="+", default=list(READERS), choices=list(READERS))
    args = parser.parse_args()
    rows = expected_rows(args.release)
    total = sum(rows.values())
    print(f"{args.release}: {len(rows)} tables, {total:,} rows in all (manifest)\n")
    print("| engine | version | start-up s | read s, all tables | result |")
    print("| --- | --- | ---: | ---: | --- |")
    for engine in args.engines:
        try:
            start = time.perf_counter()
            reader = READERS[engine]()
        except ImportError as err:
            print(f"| {engine} | | | | not installed ({err.name}) |")
            continue
        ready = time.perf_counter()
        found = differences(args.release, reader)
        done = time.perf_counter()
        result = "every table: rows and columns as the manifest" if not found else "; ".join(found)
        version = metadata.version(DISTRIBUTIONS[engine])
        print(f"| {engine} | {version} | {ready - start:.2f} | {done - ready:.2f} | {result} |")


if __name__ == "__main__":
    main()
