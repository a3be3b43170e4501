"""Reading the files of a release that may be hostile: no symlinks, no more bytes than a limit,
no JSON deeper than a limit.

A release directory handed to `eventset check`, `load(path=)`, `diff`, `site` or `export` may come
from anyone. The path the user gives (the release directory itself, e.g. `dist/eventset-dev`) is
theirs and is followed; below it, every folder and file is opened one component at a time
relative to its parent with `O_NOFOLLOW`, so a symlink anywhere inside (a table file, a table
folder, a partition folder) is refused, never followed, even if it is planted between a check
and the read. Every read stops at a size limit, and JSON is refused beyond a nesting depth before
Python's recursive parser sees it.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

# A manifest lists every file of a release in about 200 bytes each: 16 MiB is ~80,000 files.
MAX_JSON_BYTES = 16 * 1024 * 1024
# A manifest is 3 levels deep (object, file list, entry); nothing a release holds needs more.
MAX_JSON_DEPTH = 64

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as a table file cannot hang a read
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class ReleaseError(Exception):
    """A release directory is missing, incomplete, unsafe or does not match its manifest."""


def _open_below(directory: Path, relative: str) -> int:
    """A descriptor of the regular file `directory/relative`, reached through no symlink below
    `directory`. FileNotFoundError when a component is absent; ReleaseError when one is a
    symlink or not what it should be (a folder, a FIFO, a device)."""
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ReleaseError(f"{relative} is not a path inside the release.")
    fd = os.open(directory, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for depth, part in enumerate(parts, start=1):
            last = depth == len(parts)
            flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | (_NONBLOCK if last else _DIRECTORY)
            shown = "/".join(parts[:depth])
            try:
                if os.open in os.supports_dir_fd:
                    child = os.open(part, flags, dir_fd=fd)
                else:  # no openat: the path checked component by component, then opened
                    probe = directory.joinpath(*parts[:depth])
                    if probe.is_symlink():
                        raise OSError(errno.ELOOP, "symbolic link")
                    child = os.open(probe, flags)
            except OSError as err:
                # A link opened with O_NOFOLLOW fails with ELOOP, or ENOTDIR with O_DIRECTORY.
                if err.errno not in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
                    raise
                if _is_link(directory, parts[:depth], fd):
                    raise ReleaseError(
                        f"{shown} is a symbolic link; a release holds only regular files and "
                        "folders, and links inside it are never followed."
                    ) from None
                raise ReleaseError(f"{shown} is not a folder.") from None
            os.close(fd)
            fd = child
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReleaseError(f"{relative} is not a regular file.")
        return fd
    except BaseException:
        os.close(fd)
        raise


def _is_link(directory: Path, parts: list[str], parent: int) -> bool:
    try:
        if os.stat in os.supports_dir_fd:
            found = os.stat(parts[-1], dir_fd=parent, follow_symlinks=False)
        else:
            found = directory.joinpath(*parts).lstat()
    except OSError:
        return False
    return stat.S_ISLNK(found.st_mode)


def read_file(directory: Path, relative: str, limit: int) -> bytes:
    """At most `limit + 1` bytes of the regular file `relative` below `directory` (so a file over
    the limit is proved so without being read whole). Raises FileNotFoundError, ReleaseError
    (a symlink, not a regular file) or OSError."""
    fd = _open_below(directory, relative)
    try:
        remaining = limit + 1
        chunks: list[bytes] = []
        while remaining > 0:
            chunk = os.read(fd, min(_CHUNK, remaining))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# A JSON string (escapes included), and the brackets left once strings are blanked out.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Where (line, column, from 1) JSON `text` first nests arrays and objects deeper than
    `limit`, or None: one regular-expression pass, no recursion, so a document 200,000 levels
    deep is measured in milliseconds. Strings are blanked to their own length, so offsets hold."""
    blanked = _STRING.sub(lambda found: '"' + " " * (len(found[0]) - 2) + '"', text)
    depth = 0
    for found in _BRACKET.finditer(blanked):
        if found[0] in "[{":
            depth += 1
            if depth > limit:
                at = found.start()
                return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        else:
            depth -= 1
    return None


def parse_json(raw: bytes, shown: str, limit: int | None = None) -> Any:
    """JSON from untrusted bytes, or ReleaseError saying why not (too large, too deep, not
    UTF-8, not JSON), never RecursionError. `limit` defaults to MAX_JSON_BYTES."""
    limit = MAX_JSON_BYTES if limit is None else limit
    if len(raw) > limit:
        raise ReleaseError(f"{shown} has more than {limit:,} bytes (the limit for JSON files).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ReleaseError(f"{shown} is not UTF-8 (byte {err.start:,}).") from None
    deep = json_too_deep(text, MAX_JSON_DEPTH)
    if deep is not None:
        line, column = deep
        raise ReleaseError(
            f"{shown}:{line}:{column}: arrays or objects nested more than {MAX_JSON_DEPTH} "
            "levels deep (the limit)."
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:  # RecursionError cannot happen past the scan
        raise ReleaseError(f"{shown} is not valid JSON: {err}") from None


def read_json(directory: Path, relative: str, limit: int | None = None) -> Any:
    """A JSON file of a release, read as `read_file` reads and parsed as `parse_json` parses."""
    limit = MAX_JSON_BYTES if limit is None else limit
    shown = str(directory / relative)
    try:
        raw = read_file(directory, relative, limit)
    except ReleaseError as err:
        raise ReleaseError(f"{directory}: {err}") from None
    return parse_json(raw, shown, limit)
