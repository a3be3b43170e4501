"""Reading a release: verified files in, polars (or pandas) frames out.

A release directory holds one folder per table (its Parquet files: one per month for the tables
that grow with the corpus, possibly in hive-style partition folders) and a `manifest.json`
listing every file's sha256. The loader checks each table file against the manifest before
reading it and refuses a file whose checksum does not match: it never returns data it cannot
vouch for. It follows no symlink inside the release (files.py) and reads a table file only in
the memory its rows can need (parquet_limits.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import polars as pl

from eventset.release.manifest import (
    FileEntry,
    ReleaseError,
    manifest_entries,
    read_manifest,
    read_verified,
    table_files,
)
from eventset.release.parquet_limits import read_table_file
from eventset.schema.contracts import pandas_frame, typed_frame
from eventset.schema.tables import TABLES, Table


def read_table(directory: Path, table: Table, entries: dict[str, FileEntry]) -> pl.DataFrame:
    """One table from its verified files, sorted by primary key when it spans several files.

    Partition folders only place rows; every column of the table is inside each file, so no
    column is added from the folder names."""
    paths = table_files(entries).get(table.name)
    if not paths:
        raise ReleaseError(f"the manifest lists no file of the {table.name} table.")
    frames = []
    for path in paths:
        entry = entries[path]
        verified = read_verified(directory, entry)
        if isinstance(verified, str):
            raise ReleaseError(f"{directory}: {verified}")
        frame = pl.from_arrow(
            read_table_file(verified, table.name, entry.rows, f"{directory}/{path}")
        )
        assert isinstance(frame, pl.DataFrame)
        # Typed per file: each file's dictionary columns read back as their own categories.
        frames.append(typed_frame(table, frame))
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames, how="vertical").sort(list(table.primary_key))


def load(
    version: str | None = None,
    *,
    path: str | Path | None = None,
    backend: Literal["polars", "pandas"] = "polars",
) -> dict[str, Any]:
    """The tables of a release as {name: frame}, every file checked against the manifest.

    `version` ("X.Y.Z") downloads a published release once, checks every file's sha256 against
    the registry shipped in the package and caches it (see eventset/release/published.py); `path` loads
    a local release directory (e.g. dist/eventset-dev).
    """
    if (version is None) == (path is None):
        raise ReleaseError("pass either a published version (load('X.Y.Z')) or path=, not both.")
    if version is not None:
        from eventset.release.published import fetch_release

        directory = fetch_release(version)
    else:
        assert path is not None
        directory = Path(path)
    entries = manifest_entries(read_manifest(directory))
    tables: dict[str, Any] = {}
    for table in TABLES:
        frame = read_table(directory, table, entries)
        tables[table.name] = pandas_frame(table, frame) if backend == "pandas" else frame
    return tables
