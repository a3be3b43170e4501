"""Pandera contracts (polars backend) and Arrow schemas, generated from `tables.py`.

Validation is eager and lazy in pandera's sense: frames are collected first so value checks
really run (pandera checks only dtypes on a LazyFrame by default), and every failure is
collected into one report instead of stopping at the first.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from eventset.schema.tables import TABLES_BY_NAME, Column, Table
from eventset.schema.vocab import vocabulary

POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "int32": pl.Int32(),
    "int64": pl.Int64(),
    "float64": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "list[string]": pl.List(pl.String()),
}

if TYPE_CHECKING:
    import pyarrow as pa


@functools.cache
def arrow_types() -> dict[str, pa.DataType]:
    """Imported on first use: pyarrow costs a quarter of a second that validating never needs."""
    import pyarrow as pa

    return {
        "string": pa.string(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "list[string]": pa.list_(pa.string()),
    }


def _ordered(*names: str) -> pl.Expr:
    """Each given value is <= the next given one (nulls are skipped, so unknowns pass)."""
    ok = pl.lit(True)
    for i, low in enumerate(names):
        for high in names[i + 1 :]:
            ok = ok & (pl.col(low) <= pl.col(high)).fill_null(True)
    return ok


# The row checks declared in tables.py, as polars expressions that are true for good rows.
ROW_CHECKS: dict[tuple[str, str], pl.Expr] = {
    ("documents", "text_matches_length"): (
        pl.col("text").is_null() | (pl.col("text").str.len_chars() == pl.col("char_count"))
    ),
    ("places", "coordinates_paired"): pl.col("latitude").is_null() == pl.col("longitude").is_null(),
    ("events", "dates_ordered"): _ordered("date_start", "date_end"),
    ("events", "fatalities_ordered"): _ordered(
        "fatalities_low", "fatalities_best", "fatalities_high"
    ),
    ("events", "place_matches_precision"): pl.col("place_id").is_null()
    == (pl.col("geo_precision").cast(pl.String) == "unknown"),
    ("events", "coordinates_paired"): pl.col("latitude").is_null() == pl.col("longitude").is_null(),
    ("claims", "dates_ordered"): _ordered("date_start", "date_end"),
    ("mentions", "span_matches_quote"): (
        (pl.col("char_end") - pl.col("char_start"))
        == pl.col("quote").str.len_chars().cast(pl.Int64)
    ),
}


@functools.cache
def _enum(vocabulary_name: str) -> pl.Enum:
    return pl.Enum(list(vocabulary(vocabulary_name).values()))


def polars_dtype(col: Column) -> pl.DataType:
    """A vocabulary column is an Enum of the whole vocabulary in vocabulary order, so the
    categories tell a user which values exist (and a filter on a misspelt code, which polars
    answers with 0 rows, can be checked against them)."""
    if col.vocabulary is not None:
        return _enum(col.vocabulary)
    return POLARS_TYPES[col.dtype]


def arrow_type(col: Column) -> pa.DataType:
    """Vocabulary columns are stored dictionary-encoded: readers that know dictionaries (polars,
    pandas, R's arrow) get a categorical, DuckDB and plain string readers get the strings."""
    import pyarrow as pa

    if col.vocabulary is not None:
        return pa.dictionary(pa.int32(), pa.string())
    return arrow_types()[col.dtype]


def polars_schema(table: Table) -> pl.Schema:
    return pl.Schema({col.name: polars_dtype(col) for col in table.columns})


def typed_frame(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """A table read back from Parquet, with the release's types: a dictionary column comes back
    as a Categorical of the values present, and is cast to the Enum of the whole vocabulary."""
    return frame.cast(polars_schema(table))


PANDAS_INTEGERS: dict[str, Literal["Int32", "Int64"]] = {"int32": "Int32", "int64": "Int64"}


def pandas_frame(table: Table, frame: pl.DataFrame) -> Any:
    """The pandas form of a typed table whose dtypes depend on the table, never on the data:
    vocabulary columns are Categoricals with the whole vocabulary as categories, integers are
    nullable `Int32`/`Int64` (not float64 with NaN once a null appears), booleans are nullable
    `boolean`, and dates are `datetime64[us]` (midnight; NaT for none), the dtype pandas' own
    `to_datetime` gives: `.dt.to_period`, `resample` and comparison with a string or a
    Timestamp work, which `date32[pyarrow]` does not allow."""
    import pandas as pd

    columns: dict[str, Any] = {}
    for col in table.columns:
        series = frame.get_column(col.name)
        if col.vocabulary is not None:
            values = series.cast(pl.String).to_list()
            columns[col.name] = pd.Categorical(
                values, categories=list(vocabulary(col.vocabulary).values())
            )
        elif col.dtype in PANDAS_INTEGERS:
            columns[col.name] = pd.array(series.to_list(), dtype=PANDAS_INTEGERS[col.dtype])
        elif col.dtype == "bool":
            columns[col.name] = pd.array(series.to_list(), dtype="boolean")
        elif col.dtype == "date":
            columns[col.name] = pd.array(series.to_list(), dtype="datetime64[us]")
        else:
            columns[col.name] = series.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def arrow_schema(table: Table, metadata: dict[str, str] | None = None) -> pa.Schema:
    """Arrow schema whose fields carry their descriptions, so any Parquet reader sees them."""
    import pyarrow as pa

    fields = [
        pa.field(
            col.name,
            arrow_type(col),
            nullable=col.nullable,
            metadata={"description": col.description},
        )
        for col in table.columns
    ]
    table_metadata = {"table": table.name, "description": table.description}
    return pa.schema(fields, metadata={**table_metadata, **(metadata or {})})


# What pandera imports but never uses for polars frames: pandas (its other backend, 0.8 of the
# 1.6 s that importing pandera cost) and Hypothesis (its data synthesis, which the polars backend
# does not offer: a tenth of a second, and a test-only dependency of ours).
_UNUSED_BY_PANDERA_POLARS = ("pandas", "hypothesis")


class _Absent(importlib.abc.MetaPathFinder):
    """Makes importing `names` fail as it does where they are not installed."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".", 1)[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


@contextlib.contextmanager
def _polars_only() -> Iterator[None]:
    """pandera as in a polars-only install without Hypothesis, which its `__init__`, check
    registry and strategies support.

    pandera imports pandas and Hypothesis whenever it can: at import, and again at the first
    check, for a backend and a feature we never use. Meanwhile those not yet loaded are made to
    look absent; they import normally afterwards. Where one is already loaded there is nothing to
    save, and pandera uses it as usual."""
    absent = tuple(name for name in _UNUSED_BY_PANDERA_POLARS if name not in sys.modules)
    if not absent:
        yield
        return
    blocker = _Absent(absent)
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)


@functools.cache
def pandera_polars() -> Any:
    with _polars_only():
        import pandera.polars

    return pandera.polars


def _column_checks(col: Column) -> list[Any]:
    pap = pandera_polars()
    checks: list[Any] = []
    if col.pattern is not None:
        checks.append(pap.Check.str_matches(col.pattern))
    if col.ge is not None:
        checks.append(pap.Check.ge(col.ge))
    if col.le is not None:
        checks.append(pap.Check.le(col.le))
    return checks


@functools.cache
def dataframe_schema(table_name: str) -> Any:
    """The pandera DataFrameSchema of one table (pandera is imported only when needed: it costs
    ~0.7 s, which fast commands such as validating one file should not pay)."""
    pap = pandera_polars()

    table = TABLES_BY_NAME[table_name]
    columns = {
        col.name: pap.Column(
            polars_dtype(col),
            checks=_column_checks(col),
            nullable=col.nullable,
            unique=col.unique,
            description=col.description,
        )
        for col in table.columns
    }
    row_checks = [
        pap.Check(
            functools.partial(_row_check, expr=ROW_CHECKS[(table.name, check.name)]),
            name=check.name,
        )
        for check in table.row_checks
    ]
    return pap.DataFrameSchema(
        columns=columns,
        checks=row_checks,
        unique=list(table.primary_key) if len(table.primary_key) > 1 else None,
        strict=True,
        ordered=True,
        name=table.name,
        description=table.description,
    )


def _row_check(data: Any, expr: pl.Expr) -> pl.LazyFrame:
    frame: pl.LazyFrame = data.lazyframe
    return frame.select(expr)


@dataclass(frozen=True)
class TableFailure:
    """One failed check on one table (row is the 0-based row index, None for the whole table)."""

    table: str
    column: str | None
    check: str
    row: int | None
    value: str

    def describe(self) -> str:
        where = f"{self.table}" + (f".{self.column}" if self.column else "")
        row = f" row {self.row}" if self.row is not None else ""
        return f"{where}{row}: failed {self.check} (value: {self.value})"


def validate_frame(table_name: str, frame: pl.DataFrame) -> list[TableFailure]:
    """Every contract failure of an eager frame, at once."""
    schema = dataframe_schema(table_name)  # imports pandera first
    from pandera.errors import SchemaError, SchemaErrors

    try:
        with _polars_only():
            schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        return [
            TableFailure(
                table_name,
                row["column"] if row["schema_context"] == "Column" else None,
                str(row["check"]),
                row["index"],
                str(row["failure_case"])[:200],
            )
            for row in cases.iter_rows(named=True)
        ]
    except SchemaError as err:  # raised for problems pandera does not collect lazily
        return [TableFailure(table_name, None, "schema", None, str(err)[:500])]
    return []
