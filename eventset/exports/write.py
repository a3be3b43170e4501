"""`eventset export`: a release directory in, one file in an analyst's format out."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from eventset.exports.acled import acled
from eventset.exports.formulas import neutralised
from eventset.exports.plover import plover
from eventset.exports.ucdp_ged import ucdp_ged

TABULAR: dict[str, Callable[[Mapping[str, pl.DataFrame]], pa.Table]] = {
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


def _write_table(table: pa.Table, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise ExportError(f"{out.name}: write a .parquet or a .csv file.")
    with _replacing(out) as scratch:
        if suffix == ".parquet":
            pq.write_table(table, scratch, compression="zstd")
        else:
            # Spreadsheets open CSV files: text that could run as a formula is quoted.
            pacsv.write_csv(neutralised(table), scratch)


def _write_jsonl(records: list[dict[str, Any]], out: Path) -> None:
    if out.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        raise ExportError(f"{out.name}: PLOVER records are written as JSON Lines (.jsonl).")
    with _replacing(out) as scratch, scratch.open("w", encoding="utf-8", newline="\n") as stream:
        for rec in records:
            stream.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")


def export_release(release: Path, fmt: str, out: Path) -> int:
    """Write `release` in format `fmt` to `out`; the number of rows (records) written."""
    from eventset.release.load import load

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    tables = load(path=release)
    if fmt == "plover":
        records = plover(tables)
        _write_jsonl(records, out)
        return len(records)
    table = TABULAR[fmt](tables)
    _write_table(table, out)
    return int(table.num_rows)
