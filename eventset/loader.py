"""Reading a release: verified files in, polars (or pandas) frames out.

A release directory holds one Parquet file per table and a `manifest.json` listing every file's
sha256. The loader checks each table file against the manifest before reading it and refuses a
file whose checksum does not match: it never returns data it cannot vouch for.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from eventset.schema.tables import TABLES

MANIFEST = "manifest.json"


class ReleaseError(Exception):
    """A release directory is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    bytes: int
    rows: int | None


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{directory} has no {MANIFEST}; is it a release directory?") from None
    except (OSError, ValueError) as err:
        raise ReleaseError(f"{directory / MANIFEST} cannot be read: {err}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise ReleaseError(f"{directory / MANIFEST} is not an eventset manifest (no file list).")
    return manifest


def manifest_entries(manifest: dict[str, Any]) -> dict[str, FileEntry]:
    entries = {}
    for item in manifest["files"]:
        try:
            entry = FileEntry(
                str(item["path"]), str(item["sha256"]), int(item["bytes"]), item.get("rows")
            )
        except (KeyError, TypeError, ValueError):
            raise ReleaseError(f"manifest entry {item!r} lacks path, sha256 or bytes.") from None
        if "/" in entry.path or "\\" in entry.path or entry.path.startswith("."):
            raise ReleaseError(f"manifest names {entry.path!r}, which is not a plain file name.")
        entries[entry.path] = entry
    return entries


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def verify_file(directory: Path, entry: FileEntry) -> str | None:
    """Why the file does not match its manifest entry, or None when it does."""
    verified = read_verified(directory, entry)
    return verified if isinstance(verified, str) else None


def read_verified(directory: Path, entry: FileEntry) -> bytes | str:
    """The file's bytes if they match the manifest entry, else why not. The checksum is taken
    of the very bytes returned, so a file swapped after the check can never be read instead."""
    path = directory / entry.path
    if not path.is_file():
        return f"{entry.path} is missing."
    size = path.stat().st_size
    if size != entry.bytes:
        return f"{entry.path} has {size:,} bytes; the manifest says {entry.bytes:,}."
    data = path.read_bytes()
    actual = "sha256:" + hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        return f"{entry.path} has checksum {actual}; the manifest says {entry.sha256}."
    return data


def load(
    version: str | None = None,
    *,
    path: str | Path | None = None,
    backend: Literal["polars", "pandas"] = "polars",
) -> dict[str, Any]:
    """The tables of a release as {name: frame}, every file checked against the manifest.

    `version` ("X.Y.Z") downloads a published release once, checks every file's sha256 against
    the registry shipped in the package and caches it (see eventset/releases.py); `path` loads
    a local release directory (e.g. dist/eventset-dev).
    """
    if (version is None) == (path is None):
        raise ReleaseError("pass either a published version (load('X.Y.Z')) or path=, not both.")
    if version is not None:
        from eventset.releases import fetch_release

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
        frame = pl.read_parquet(io.BytesIO(verified))
        tables[table.name] = frame.to_pandas() if backend == "pandas" else frame
    return tables
