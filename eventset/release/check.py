"""Re-validating a release directory: checksums, layout, table contracts, cross-table integrity."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from eventset.release.manifest import (
    FileEntry,
    ReleaseError,
    manifest_entries,
    read_manifest,
    read_verified,
    release_paths,
    table_files,
    table_of,
    verify_file,
)
from eventset.release.parquet_limits import read_table_file
from eventset.schema.contracts import arrow_schema, typed_frame, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.schema.tables import TABLES, TABLES_BY_NAME, Table


def _table_problems(
    directory: Path, table: Table, paths: list[str], entries: dict[str, FileEntry]
) -> tuple[list[str], pl.DataFrame | None]:
    """Every file of one table checked against the manifest and read (in bounded memory,
    parquet_limits.py; the bytes checked are the bytes parsed), its columns and row count
    checked, then the whole table against its contract. The frame is None when a file could
    not be read as the table."""
    problems: list[str] = []
    parts: list[pa.Table] = []
    expected = arrow_schema(table)
    for path in paths:
        data = read_verified(directory, entries[path])
        if isinstance(data, str):
            problems.append(data)  # never read further
            continue
        rows = entries[path].rows
        try:
            arrow = read_table_file(data, table.name, rows, path)
        except ReleaseError as err:
            problems.append(str(err))
            continue
        if arrow.schema.names != expected.names or arrow.schema.types != expected.types:
            problems.append(
                f"{path}: columns or types differ from the schema ({arrow.schema} vs {expected})."
            )
            continue
        if arrow.num_rows != rows:
            problems.append(f"{path} has {arrow.num_rows} rows; the manifest says {rows}.")
        parts.append(arrow)
    if problems:
        return problems, None
    typed = []
    for part in parts:
        frame = pl.from_arrow(part)
        assert isinstance(frame, pl.DataFrame)
        typed.append(typed_frame(table, frame))
    frame = pl.concat(typed, how="vertical")
    problems += [failure.describe() for failure in validate_frame(table.name, frame)]
    return problems, frame


def check_release(directory: Path) -> list[str]:
    """Every problem with a release, as sentences; an empty list means it checks out."""
    try:
        entries = manifest_entries(read_manifest(directory))
    except ReleaseError as err:
        return [str(err)]
    # Table files are checked as they are read, one at a time (_table_problems).
    problems = [
        p
        for entry in entries.values()
        if table_of(entry.path) not in TABLES_BY_NAME
        and (p := verify_file(directory, entry)) is not None
    ]
    problems += [
        f"{path} is in the directory but not in the manifest."
        for path in release_paths(directory)
        if path not in entries
    ]
    grouped = table_files(entries)
    problems += [
        f"{name}/ holds Parquet files but is not a table of this schema."
        for name in grouped
        if name not in TABLES_BY_NAME
    ]
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        paths = grouped.get(table.name)
        if not paths:
            problems.append(f"the manifest lists no file of the {table.name} table.")
            continue
        found, frame = _table_problems(directory, table, paths, entries)
        problems += found
        if frame is not None:
            tables[table.name] = frame
    if len(tables) == len(TABLES):
        problems += [failure.describe() for failure in cross_table_failures(tables)]
    return problems
