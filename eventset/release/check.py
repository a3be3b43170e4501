"""Re-validating a release directory: checksums, layout, table contracts, cross-table integrity."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from eventset.release.manifest import (
    FileEntry,
    ReleaseError,
    manifest_entries,
    read_manifest,
    release_paths,
    table_files,
    verify_file,
)
from eventset.schema.contracts import arrow_schema, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.schema.tables import TABLES, TABLES_BY_NAME, Table


def _table_problems(
    directory: Path, table: Table, paths: list[str], entries: dict[str, FileEntry]
) -> tuple[list[str], pl.DataFrame | None]:
    """Every file of one table read, its columns and row count checked, then the whole table
    against its contract. The frame is None when a file could not be read as the table."""
    problems: list[str] = []
    parts: list[pa.Table] = []
    expected = arrow_schema(table)
    for path in paths:
        try:
            arrow = pq.read_table(directory / path)
        except (OSError, ValueError) as err:
            problems.append(f"{path} cannot be read as Parquet: {err}")
            continue
        if arrow.schema.names != expected.names or arrow.schema.types != expected.types:
            problems.append(
                f"{path}: columns or types differ from the schema ({arrow.schema} vs {expected})."
            )
            continue
        rows = entries[path].rows
        if rows is not None and arrow.num_rows != rows:
            problems.append(f"{path} has {arrow.num_rows} rows; the manifest says {rows}.")
        parts.append(arrow)
    if problems:
        return problems, None
    frame = pl.from_arrow(pa.concat_tables(parts))
    assert isinstance(frame, pl.DataFrame)
    problems += [failure.describe() for failure in validate_frame(table.name, frame)]
    return problems, frame


def check_release(directory: Path) -> list[str]:
    """Every problem with a release, as sentences; an empty list means it checks out."""
    try:
        entries = manifest_entries(read_manifest(directory))
    except ReleaseError as err:
        return [str(err)]
    problems = [p for entry in entries.values() if (p := verify_file(directory, entry)) is not None]
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
