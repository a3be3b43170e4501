"""Re-validating a release directory: checksums, table contracts, cross-table integrity."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from eventset.release.manifest import (
    MANIFEST,
    ReleaseError,
    manifest_entries,
    read_manifest,
    verify_file,
)
from eventset.schema.contracts import arrow_schema, typed_frame, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.schema.tables import TABLES


def check_release(directory: Path) -> list[str]:
    """Every problem with a release, as sentences; an empty list means it checks out."""
    try:
        entries = manifest_entries(read_manifest(directory))
    except ReleaseError as err:
        return [str(err)]
    problems = [p for entry in entries.values() if (p := verify_file(directory, entry)) is not None]
    listed = set(entries) | {MANIFEST}
    problems += [
        f"{p.name} is in the directory but not in the manifest."
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name not in listed
    ]
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        name = f"{table.name}.parquet"
        if name not in entries:
            problems.append(f"the manifest does not list {name}.")
            continue
        try:
            arrow = pq.read_table(directory / name)
        except (OSError, ValueError) as err:
            problems.append(f"{name} cannot be read as Parquet: {err}")
            continue
        expected = arrow_schema(table)
        if arrow.schema.names != expected.names or arrow.schema.types != expected.types:
            problems.append(
                f"{name}: columns or types differ from the schema ({arrow.schema} vs {expected})."
            )
            continue
        frame = pl.from_arrow(arrow)
        assert isinstance(frame, pl.DataFrame)
        frame = typed_frame(table, frame)
        rows = entries[name].rows
        if rows is not None and frame.height != rows:
            problems.append(f"{name} has {frame.height} rows; the manifest says {rows}.")
        problems += [failure.describe() for failure in validate_frame(table.name, frame)]
        tables[table.name] = frame
    if len(tables) == len(TABLES):
        problems += [failure.describe() for failure in cross_table_failures(tables)]
    return problems
