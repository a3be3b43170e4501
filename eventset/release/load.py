"""Reading a release: verified files in, polars (or pandas) frames out.

A release directory holds one Parquet file per table and a `manifest.json` listing every file's
sha256. The loader checks each table file against the manifest before reading it and refuses a
file whose checksum does not match: it never returns data it cannot vouch for.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

import polars as pl

from eventset.release.manifest import ReleaseError, manifest_entries, read_manifest, read_verified
from eventset.schema.contracts import pandas_frame, typed_frame
from eventset.schema.tables import TABLES


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
        name = f"{table.name}.parquet"
        if name not in entries:
            raise ReleaseError(f"the manifest does not list {name}.")
        verified = read_verified(directory, entries[name])
        if isinstance(verified, str):
            raise ReleaseError(verified)
        frame = typed_frame(table, pl.read_parquet(io.BytesIO(verified)))
        tables[table.name] = pandas_frame(table, frame) if backend == "pandas" else frame
    return tables
