"""The manifest of a release: every file's path, sha256, size and row count, and reading files
only when they match it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
