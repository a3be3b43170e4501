"""Listing an input folder with each entry's type and stat signature, in one walk.

Whether a document changed since the cache saw it is decided by the stat signature of its two
files (cache.signature explains why that is safe). At 100,000 documents that is 200,000 entries:
Python takes about half a second to list and stat them. GNU find does the same walk in C, and
when it is started before the heavy imports of a command (`find.prefetch`), it runs on another
core meanwhile and costs nothing that the command waits for. Without GNU find (BSD find has no
-printf, Windows no find), or when find fails, Python walks the folder itself; both give the
same entries, which a test checks. A command that needs of a folder only what is not a regular
file (`others`: `validate FILE`'s seeds) lists it without a stat of each file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from eventset.inputs import find

T = TypeVar("T")

# A regular file's record as find.FORMAT prints it: "f ", then size, modification and change
# time (seconds, a dot, ten digits: find prints nanoseconds and a 0) and inode, dot-separated.
# Anything else (fewer digits would hide an edit made within the same second) is not used.
_REGULAR = r"^f [0-9]+\.[0-9]+\.[0-9]{10}\.[0-9]+\.[0-9]{10}\.[0-9]+$"


FILES_SCHEMA = {"name": pl.String(), "signature": pl.String()}


@dataclass(frozen=True)
class Entries:
    """A folder's entries: its regular files with their stat signatures (size, modification and
    change time to the nanosecond, inode: `signature_of`), the regular files whose names
    are not UTF-8 (they read back with lone surrogates, which a polars string cannot hold), and
    the rest by name with their kind ("l" symlink, "d" folder, "o" anything else)."""

    files: pl.DataFrame  # FILES_SCHEMA
    unencodable: dict[str, str]
    others: dict[str, str]

    @staticmethod
    def none() -> Entries:
        return Entries(pl.DataFrame(schema=FILES_SCHEMA), {}, {})


def _seconds(nanoseconds: int) -> str:
    """A time in nanoseconds as GNU find's %T@ prints it: seconds, a dot, ten digits."""
    seconds, fraction = divmod(nanoseconds, 1_000_000_000)
    return f"{seconds}.{fraction:09d}0"


def signature_of(st: os.stat_result) -> str:
    """Size, modification and change time to the nanosecond, and inode, in the form GNU find
    prints them (find.FORMAT), so that its records are signatures as they stand."""
    return f"{st.st_size}.{_seconds(st.st_mtime_ns)}.{_seconds(st.st_ctime_ns)}.{st.st_ino}"


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind_of(mode: int) -> str:
    """An entry that is not a regular file, as `Entries.others` names it: l a symbolic link, d a
    folder, o anything else (FIFO, socket, device)."""
    if stat.S_ISLNK(mode):
        return "l"
    return "d" if stat.S_ISDIR(mode) else "o"


def walk_in_python(folder: Path) -> Entries:
    names: list[str] = []
    signatures: list[str] = []
    unencodable: dict[str, str] = {}
    others: dict[str, str] = {}
    try:
        with os.scandir(folder) as found:
            for entry in found:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since it was listed
                if stat.S_ISREG(st.st_mode):
                    if entry.name.isascii() or _encodable(entry.name):
                        names.append(entry.name)
                        signatures.append(signature_of(st))
                    else:
                        unencodable[entry.name] = signature_of(st)
                else:
                    others[entry.name] = _kind_of(st.st_mode)
    except OSError:
        return Entries.none()
    files = pl.DataFrame({"name": names, "signature": signatures}, schema=FILES_SCHEMA)
    return Entries(files, unencodable, others)


def _parse(out: bytes) -> Entries | None:
    """find's records as entries; None when they are not what find.FORMAT asks for, or when a
    name is not UTF-8 (then Python walks the folder). Split by polars: 100,000 records in about
    0.02 s of CPU, where Python takes several times that."""
    if not out:
        return Entries.none()
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\0"):
        return None
    fields = pl.Series([text[:-1]]).str.split("\0").explode()
    if fields.len() % 2:
        return None
    frame = pl.DataFrame({"name": fields.gather_every(2), "meta": fields.gather_every(2, offset=1)})
    is_file = pl.col("meta").str.starts_with("f ")
    regular = frame.filter(is_file)
    if not regular.select(pl.col("meta").str.contains(_REGULAR).all()).item():
        return None
    files = regular.select("name", pl.col("meta").str.slice(2).alias("signature"))
    kind = pl.col("meta").str.head(1)
    others = frame.filter(~is_file).select(
        "name", pl.when(kind.is_in(["l", "d"])).then(kind).otherwise(pl.lit("o"))
    )
    return Entries(files, {}, dict(others.iter_rows()))


def walk(folder: Path) -> Entries:
    """Every entry of `folder` (not below it); none when the folder cannot be listed."""
    entries = _by_find(folder, _parse, kinds=False)
    return entries if entries is not None else walk_in_python(folder)


def _by_find(folder: Path, parse: Callable[[bytes], T | None], *, kinds: bool) -> T | None:
    """What `parse` makes of GNU find's records of `folder` (the walk `prefetch` started, else
    one started now; `kinds`: find.KINDS'), or None where find cannot walk the folder or its
    records do not parse: the caller then lists it in Python."""
    walking = find.started(folder, kinds=kinds) or find.start(folder, kinds=kinds)
    out = None if walking is None else walking.records()
    return None if out is None else parse(out)


def _kind(find_type: str) -> str:
    """find's %y of an entry that is not a regular file, as `Entries.others` names it."""
    return find_type if find_type in ("l", "d") else "o"


def others_in_python(folder: Path) -> dict[str, str]:
    """The entries of `folder` that are not regular files, by name and kind, as `walk_in_python`
    gives them, with a stat of those entries only: os.scandir tells a regular file from the
    folder's listing (d_type) where the file system keeps it, and asks lstat where it does not."""
    others: dict[str, str] = {}
    try:
        with os.scandir(folder) as found:
            for entry in found:
                try:
                    if entry.is_file(follow_symlinks=False):
                        continue
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since it was listed
                if not stat.S_ISREG(st.st_mode):
                    others[entry.name] = _kind_of(st.st_mode)
    except OSError:
        return {}
    return others


def _parse_kinds(out: bytes) -> dict[str, str] | None:
    """find's records of the entries that are not regular files (find.KINDS); None when they
    are not whole records or a name is not UTF-8 (then Python lists the folder)."""
    if not out:
        return {}
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields = text.split("\0")
    if fields.pop() != "" or len(fields) % 2:
        return None
    names, kinds = fields[::2], fields[1::2]
    if any(len(kind) != 1 or kind == "f" for kind in kinds):
        return None
    return {name: _kind(kind) for name, kind in zip(names, kinds, strict=True)}


def others(folder: Path) -> dict[str, str]:
    """The entries of `folder` that are not regular files, by name and kind: what
    `walk(folder).others` holds, without a stat of every file (none where the file system
    keeps each entry's type in the folder's listing). For a command that must refuse what a
    folder holds besides files but reads none of the files' signatures."""
    found = _by_find(folder, _parse_kinds, kinds=True)
    return found if found is not None else others_in_python(folder)
