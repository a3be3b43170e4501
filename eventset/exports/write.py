"""`eventset export`: a release directory in, one file in an analyst's format out."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from eventset.exports.acled import acled
from eventset.exports.formulas import neutralised
from eventset.exports.plover import plover
from eventset.exports.ucdp_ged import ucdp_ged

TABULAR: dict[str, Callable[..., pa.Table]] = {
    "ucdp-ged": ucdp_ged,
    "acled": acled,
}
FORMATS = (*TABULAR, "plover")


class ExportError(Exception):
    """An export that cannot be written as asked (format or file extension)."""


@contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """A scratch file beside `out`, renamed onto it once written: a failed export leaves no
    half-written file and an existing one intact."""
    folder = out.parent
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such folder; create it first, or write elsewhere.")
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name.")
    # Created exclusively (never an existing file or link) with the usual permissions.
    scratch = folder / f".{out.name}.{secrets.token_hex(8)}.partial"
    try:
        scratch.open("xb").close()
    except OSError as err:
        raise ExportError(f"{folder}: cannot write there ({err.strerror or err}).") from None
    try:
        yield scratch
        scratch.replace(out)
    except OSError as err:
        raise ExportError(f"{out}: cannot write ({err.strerror or err}).") from None
    finally:
        scratch.unlink(missing_ok=True)


# How pandas should read each Arrow type: integers as nullable Int64 (plain int64 would turn
# to float64 at the first empty cell), text as pandas' string dtype, dates as Python dates
# (what `pd.read_parquet` gives for the real UCDP GED file, so the two concatenate cleanly).
_PANDAS_TYPES = {
    pa.int64(): ("int64", "Int64"),
    pa.int32(): ("int32", "Int32"),
    pa.float64(): ("float64", "float64"),
    pa.string(): ("unicode", "string"),
    pa.bool_(): ("boolean", "boolean"),
    pa.date32(): ("date", "object"),
}


def csv_dtypes(fmt: str) -> dict[str, str]:
    """The pandas dtypes of a CSV export's columns, for `pd.read_csv(path, dtype=...)`: a CSV
    file has no types, and pandas reads an integer column with an empty cell as float64."""
    if fmt not in TABULAR:
        raise ExportError(f"{fmt!r} is not a CSV layout; choose one of {', '.join(TABULAR)}.")
    from eventset.exports import acled, ucdp_ged

    columns = {"ucdp-ged": ucdp_ged.COLUMNS, "acled": acled.COLUMNS}[fmt]
    # dates stay text (YYYY-MM-DD); parse them with `parse_dates` if wanted
    names = {pa.int64(): "Int64", pa.float64(): "float64", pa.string(): "string"}
    return {c.name: names.get(c.dtype, "string") for c in columns}


def with_pandas_metadata(table: pa.Table) -> pa.Table:
    """`table` with the `pandas` schema metadata pyarrow writes for a pandas frame of nullable
    dtypes, so a plain `pd.read_parquet` gives Int64 (not float64) for integer columns."""
    columns = [
        {
            "name": field.name,
            "field_name": field.name,
            "pandas_type": _PANDAS_TYPES[field.type][0],
            "numpy_type": _PANDAS_TYPES[field.type][1],
            "metadata": None,
        }
        for field in table.schema
    ]
    pandas = {
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "attributes": {},
    }
    return table.replace_schema_metadata({"pandas": json.dumps(pandas)})


def _write_table(table: pa.Table, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise ExportError(f"{out.name}: write a .parquet or a .csv file.")
    with _replacing(out) as scratch:
        if suffix == ".parquet":
            pq.write_table(with_pandas_metadata(table), scratch, compression="zstd")
        else:
            # Spreadsheets open CSV files: text that could run as a formula is quoted.
            pacsv.write_csv(neutralised(table), scratch)


def _write_jsonl(records: list[dict[str, Any]], out: Path) -> None:
    if out.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        raise ExportError(f"{out.name}: PLOVER records are written as JSON Lines (.jsonl).")
    with _replacing(out) as scratch, scratch.open("w", encoding="utf-8", newline="\n") as stream:
        for rec in records:
            stream.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")


def export_release(release: Path, fmt: str, out: Path, *, everything: bool = False) -> int:
    """Write `release` in format `fmt` to `out`; the number of rows (records) written. The
    tabular layouts hold the rows their dataset's own inclusion rules admit (docs/exports.md),
    or with `everything` every event the layout can express."""
    from eventset.release.load import load

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    tables = load(path=release)
    if fmt == "plover":
        records = plover(tables)
        _write_jsonl(records, out)
        return len(records)
    table = TABULAR[fmt](tables, everything=everything)
    _write_table(table, out)
    return int(table.num_rows)
