"""Listing an input folder with each entry's type and stat signature, in one walk.

Whether a document changed since the cache saw it is decided by the stat signature of its two
files (cache.signature explains why that is safe). At 100,000 documents that is 200,000 entries:
Python takes about half a second to list and stat them. GNU find does the same walk in C, and
when it is started before the heavy imports of a command (`prefetch`), it runs on another core
meanwhile and costs nothing that the command waits for. Without GNU find (BSD find has no
-printf, Windows no find), or when find fails, Python walks the folder itself; both give the
same entries, which a test checks.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

# One record per entry, every field ended by NUL (a file name may hold any other byte): the name,
# the type (f regular, l symlink, d folder, p/s/c/b others), size, modification and change time
# (seconds with a ten-digit fraction: nanoseconds and a trailing 0) and the inode.
_FORMAT = r"%f\0%y\0%s\0%T@\0%C@\0%i\0"
_FIELDS = 6


@dataclass(frozen=True)
class Entry:
    kind: str  # "f" regular file, "l" symlink, "d" folder, anything else another kind
    signature: str  # size.mtime_ns.ctime_ns.inode (cache.signature's form); "" unless a file


def signature_of(st: os.stat_result) -> str:
    return f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "f"
    if stat.S_ISLNK(mode):
        return "l"
    return "d" if stat.S_ISDIR(mode) else "o"


def walk_in_python(folder: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    try:
        with os.scandir(folder) as found:
            for entry in found:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since it was listed
                kind = _kind(st.st_mode)
                entries[entry.name] = Entry(kind, signature_of(st) if kind == "f" else "")
    except OSError:
        return {}
    return entries


def _nanoseconds(seconds: str) -> int:
    whole, _, fraction = seconds.partition(".")
    return int(whole) * 1_000_000_000 + int((fraction + "000000000")[:9])


def _parse(out: bytes) -> dict[str, Entry] | None:
    fields = out.split(b"\0")
    if len(fields) % _FIELDS != 1 or fields[-1]:
        return None  # not find's records: let Python walk instead
    entries: dict[str, Entry] = {}
    try:
        for at in range(0, len(fields) - 1, _FIELDS):
            name, kind, size, mtime, ctime, inode = fields[at : at + _FIELDS]
            text = name.decode("utf-8", "surrogateescape")  # as os.scandir names it
            if kind == b"f":
                signature = (
                    f"{int(size)}.{_nanoseconds(mtime.decode())}."
                    f"{_nanoseconds(ctime.decode())}.{int(inode)}"
                )
                entries[text] = Entry("f", signature)
            else:
                entries[text] = Entry(kind.decode() if kind in (b"l", b"d") else "o", "")
    except ValueError:
        return None
    return entries


def _gnu_find() -> str | None:
    found = shutil.which("find")
    if found is None:
        return None
    try:
        done = subprocess.run([found, "--version"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found if b"GNU findutils" in done.stdout else None


def _start(folder: Path) -> subprocess.Popen[bytes] | None:
    find = _gnu_find()
    if find is None or not folder.is_dir() or folder.is_symlink():
        return None
    try:
        return subprocess.Popen(
            # -P: never follow a symlink; the folder is an absolute path, so no name of it
            # can be read as an option.
            [find, "-P", str(folder.absolute()), "-mindepth", "1", "-maxdepth", "1",
             "-printf", _FORMAT],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError:
        return None


_started: dict[str, subprocess.Popen[bytes]] = {}


def prefetch(*folders: Path) -> None:
    """Start walking `folders` now; `walk` collects the result later. For commands that are
    about to spend a while importing."""
    for folder in folders:
        key = os.path.realpath(folder)
        if key not in _started:
            process = _start(folder)
            if process is not None:
                _started[key] = process


def walk(folder: Path) -> dict[str, Entry]:
    """Every entry of `folder` (not below it) by name, with its kind and, for a regular file,
    its stat signature; {} when the folder cannot be listed."""
    process = _started.pop(os.path.realpath(folder), None) or _start(folder)
    if process is not None:
        out, _ = process.communicate()
        if process.returncode == 0:
            parsed = _parse(out)
            if parsed is not None:
                return parsed
    return walk_in_python(folder)
