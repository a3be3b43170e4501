"""`eventset export`: a release directory in, one file in an analyst's format out."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from eventset.exports.acled import acled
from eventset.exports.plover import plover
from eventset.exports.ucdp_ged import ucdp_ged

TABULAR: dict[str, Callable[[Mapping[str, pl.DataFrame]], pa.Table]] = {
    "ucdp-ged": ucdp_ged,
    "acled": acled,
}
FORMATS = (*TABULAR, "plover")


class ExportError(Exception):
    """An export that cannot be written as asked (format or file extension)."""


def _write_table(table: pa.Table, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        pq.write_table(table, out, compression="zstd")
    elif suffix == ".csv":
        pacsv.write_csv(table, out)
    else:
        raise ExportError(f"{out.name}: write a .parquet or a .csv file.")


def _write_jsonl(records: list[dict[str, Any]], out: Path) -> None:
    if out.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        raise ExportError(f"{out.name}: PLOVER records are written as JSON Lines (.jsonl).")
    with out.open("w", encoding="utf-8", newline="\n") as stream:
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
