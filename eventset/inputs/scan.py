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
import tempfile
from dataclasses import dataclass
from pathlib import Path

# One record per entry, every field ended by NUL (a file name may hold any other byte): the name,
# the type (f regular, l symlink, d folder, p/s/c/b others), size, modification and change time,
# and the inode.
_FORMAT = r"%f\0%y\0%s\0%T@\0%C@\0%i\0"
_FIELDS = 6
# %T@ and %C@ print seconds, a dot and ten digits (nanoseconds, then a 0): without the dot and
# the last digit they are nanoseconds as st_mtime_ns writes them. Any other form is not used.
_TIME = r"^[0-9]+\.[0-9]{10}$"


@dataclass(frozen=True)
class Entries:
    """A folder's entries: regular files by name with their stat signature (size, modification
    and change time in nanoseconds, inode: cache.signature's form), and the rest by name with
    their kind ("l" symlink, "d" folder, "o" anything else)."""

    files: dict[str, str]
    others: dict[str, str]


def signature_of(st: os.stat_result) -> str:
    return f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}"


def walk_in_python(folder: Path) -> Entries:
    files: dict[str, str] = {}
    others: dict[str, str] = {}
    try:
        with os.scandir(folder) as found:
            for entry in found:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since it was listed
                if stat.S_ISREG(st.st_mode):
                    files[entry.name] = signature_of(st)
                elif stat.S_ISLNK(st.st_mode):
                    others[entry.name] = "l"
                else:
                    others[entry.name] = "d" if stat.S_ISDIR(st.st_mode) else "o"
    except OSError:
        return Entries({}, {})
    return Entries(files, others)


def _parse(out: bytes) -> Entries | None:
    """find's records as entries; None when they are not what _FORMAT asks for. Names stay
    Python's (as os.scandir gives them, whatever their bytes); the numbers are put together by
    polars, a column at a time: 100,000 records in well under a tenth of a second."""
    import polars as pl

    fields = out.decode("utf-8", "surrogateescape").split("\0")
    if len(fields) % _FIELDS != 1 or fields[-1]:
        return None
    names, kinds, sizes, mtimes, ctimes, inodes = (fields[at:-1:_FIELDS] for at in range(_FIELDS))
    try:
        numbers = pl.DataFrame(
            {"kind": kinds, "size": sizes, "mtime": mtimes, "ctime": ctimes, "inode": inodes},
            schema=dict.fromkeys(("kind", "size", "mtime", "ctime", "inode"), pl.String),
        )
    except (pl.exceptions.PolarsError, UnicodeError):
        return None  # not text: not find's numbers
    regular = pl.col("kind") == "f"
    valid = numbers.filter(regular).select(
        pl.col("mtime").str.contains(_TIME).all(),
        pl.col("ctime").str.contains(_TIME).all(),
        pl.col("size").str.contains("^[0-9]+$").all(),
        pl.col("inode").str.contains("^[0-9]+$").all(),
    )
    if not all(valid.row(0)):
        return None
    nanoseconds = [
        pl.col(c).str.head(-11) + pl.col(c).str.slice(-10, 9) for c in ("mtime", "ctime")
    ]
    signatures = numbers.select(
        pl.when(regular).then(
            pl.concat_str(pl.col("size"), *nanoseconds, pl.col("inode"), separator=".")
        )
    ).to_series()
    if signatures.null_count() == 0:  # the usual folder: regular files only
        return Entries(dict(zip(names, signatures.to_list(), strict=True)), {})
    files: dict[str, str] = {}
    others: dict[str, str] = {}
    for name, kind, signature in zip(names, kinds, signatures.to_list(), strict=True):
        if signature is not None:
            files[name] = signature
        else:
            others[name] = kind if kind in ("l", "d") else "o"
    return Entries(files, others)


def _gnu_find() -> str | None:
    found = shutil.which("find")
    if found is None:
        return None
    try:
        done = subprocess.run([found, "--version"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found if b"GNU findutils" in done.stdout else None


class _Find:
    """GNU find walking one folder (directly inside it, never following a link)."""

    def __init__(self, find: str, folder: Path) -> None:
        # Into a file, not a pipe: a pipe holds 64 kB, and find would wait for the command to
        # read it while the command is still importing, which is when find should be working.
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed in `entries`)
        self.process = subprocess.Popen(
            # The folder as an absolute path: no name of it can be read as an option.
            [find, "-P", str(folder.absolute()), "-mindepth", "1", "-maxdepth", "1",
             "-printf", _FORMAT],
            stdout=self.out,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def entries(self) -> Entries | None:
        """The folder's entries, or None when find failed or printed what it should not."""
        self.process.wait()
        with self.out:
            self.out.seek(0)
            out = self.out.read()
        return _parse(out) if self.process.returncode == 0 else None


def _find(folder: Path) -> _Find | None:
    find = _gnu_find()
    if find is None or not folder.is_dir() or folder.is_symlink():
        return None
    try:
        return _Find(find, folder)
    except OSError:
        return None


_started: dict[str, _Find] = {}


def prefetch(*folders: Path) -> None:
    """Start walking `folders` now, one process each; `walk` collects the results later. For
    commands that are about to spend a while importing."""
    for folder in folders:
        key = os.path.realpath(folder)
        if key not in _started:
            started = _find(folder)
            if started is not None:
                _started[key] = started


def walk(folder: Path) -> Entries:
    """Every entry of `folder` (not below it); none when the folder cannot be listed."""
    started = _started.pop(os.path.realpath(folder), None) or _find(folder)
    if started is not None:
        entries = started.entries()
        if entries is not None:
            return entries
    return walk_in_python(folder)
