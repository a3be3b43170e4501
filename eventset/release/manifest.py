"""The manifest of a release: every file's path, sha256, size and row count, and reading files
only when they match it.

A release has one folder per table holding only that table's Parquet files, so that any engine
can read the folder as a dataset: `<table>/<file>.parquet` (a build writes one file per month for
the tables that grow with the corpus, `events/part-2021-09.parquet`, see partitions.py), or in
hive-style partition folders `<table>/<key>=<value>/<file>.parquet`. The codebook, the manifest and the metadata sit at the
top. The manifest names files by these relative paths and by no other shape.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventset.release.files import ReleaseError, read_file, read_json

__all__ = ["ReleaseError"]  # raised by every reader of a release; defined with the safe reads

MANIFEST = "manifest.json"
# The one file of a table not split by month (actors, places, any empty table), in its folder:
# `<table>/part-0.parquet`.
TABLE_PART = "part-0.parquet"

# Names start with a letter, digit or underscore (never a dot), so no component is `.`, `..`
# or hidden; the value of a partition may also hold `%` (hive escapes) and `-` (dates).
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_TOP_FILE = re.compile(_NAME)
_TABLE_FILE = re.compile(
    r"(?P<table>[a-z][a-z0-9_]*)/"
    r"(?:(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[A-Za-z0-9_%+-][A-Za-z0-9_.%+-]*)/)?"
    rf"(?P<file>{_NAME}\.parquet)"
)


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    bytes: int
    rows: int | None


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = read_json(directory, MANIFEST)
    except FileNotFoundError:
        raise ReleaseError(f"{directory} has no {MANIFEST}; is it a release directory?") from None
    except OSError as err:
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
            raise ReleaseError(
                f"manifest entry {_shown(item)} lacks path, sha256 or bytes."
            ) from None
        if entry.rows is not None and (type(entry.rows) is not int or entry.rows < 0):
            raise ReleaseError(f"manifest entry {entry.path!r} has rows that are not a count.")
        if entry.bytes < 0:
            raise ReleaseError(f"manifest entry {entry.path!r} has a negative size.")
        if _TOP_FILE.fullmatch(entry.path) and entry.path.endswith(".parquet"):
            raise ReleaseError(
                f"manifest names {entry.path!r}, a table file at the top of the release: the "
                "layout before each table had its own folder (<table>/<file>.parquet). Rebuild "
                "that release with this version of eventset."
            )
        if not is_release_path(entry.path):
            raise ReleaseError(
                f"manifest names {entry.path!r}, which is neither a file at the top of the release "
                "nor <table>/<file>.parquet nor <table>/<key>=<value>/<file>.parquet."
            )
        entries[entry.path] = entry
    return entries


def _shown(item: object) -> str:
    """An entry as a message shows it: its start, however large it is."""
    text = repr(item)
    return text if len(text) <= 200 else text[:200] + "..."


def is_release_path(path: str) -> bool:
    """Whether `path` has a shape a release may hold (which also rules out `..`, absolute
    paths, backslashes and hidden files). No Parquet file sits at the top, so no engine that
    reads a folder as one dataset can mix a table into another."""
    if _TOP_FILE.fullmatch(path):
        return not path.endswith(".parquet")
    return _TABLE_FILE.fullmatch(path) is not None


def table_of(path: str) -> str | None:
    """The table a release path belongs to, or None for a file at the top."""
    found = _TABLE_FILE.fullmatch(path)
    return found["table"] if found else None


def table_files(paths: Iterable[str]) -> dict[str, list[str]]:
    """{table: its Parquet files, sorted} for the table files among `paths`."""
    grouped: dict[str, list[str]] = {}
    for path in sorted(paths):
        table = table_of(path)
        if table is not None:
            grouped.setdefault(table, []).append(path)
    return grouped


def release_paths(directory: Path) -> list[str]:
    """Every file under `directory` as a sorted relative POSIX path, the manifest excluded.

    A symlink is listed as a file (and then fails the checks), never followed."""
    found = []
    for folder, dirs, files in os.walk(directory):
        base = Path(folder)
        links = [d for d in dirs if (base / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if d not in links)
        for name in [*files, *links]:
            relative = (base / name).relative_to(directory).as_posix()
            if relative != MANIFEST:
                found.append(relative)
    return sorted(found)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def parts_sha256(directory: Path, parts: list[str]) -> tuple[str, int]:
    """The sha256 and size of files joined in order (one file: that file's own)."""
    digest = hashlib.sha256()
    size = 0
    for part in parts:
        with (directory / part).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    return "sha256:" + digest.hexdigest(), size


def verify_file(directory: Path, entry: FileEntry) -> str | None:
    """Why the file does not match its manifest entry, or None when it does."""
    verified = read_verified(directory, entry)
    return verified if isinstance(verified, str) else None


def read_verified(directory: Path, entry: FileEntry) -> bytes | str:
    """The file's bytes if they match the manifest entry, else why not. The checksum is taken
    of the very bytes returned, so a file swapped after the check can never be read instead;
    the file is reached through no symlink (files.py) and read only up to its declared size
    plus one byte."""
    try:
        data = read_file(directory, entry.path, entry.bytes)
    except FileNotFoundError:
        return f"{entry.path} is missing."
    except ReleaseError as err:
        return str(err)
    except OSError as err:
        return f"{entry.path} cannot be read: {err.strerror or err}."
    if len(data) > entry.bytes:
        return f"{entry.path} has more than {entry.bytes:,} bytes, the size the manifest says."
    if len(data) < entry.bytes:
        return f"{entry.path} has {len(data):,} bytes; the manifest says {entry.bytes:,}."
    actual = "sha256:" + hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        return f"{entry.path} has checksum {actual}; the manifest says {entry.sha256}."
    return data
