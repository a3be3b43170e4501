"""GNU find walking a folder in another process, started before a command's heavy imports.

Kept apart from scan.py, which reads find's records with polars: this module imports nothing
heavier than `subprocess`, so a command can start its walks first thing (`prefetch`) and import
polars, pydantic and the rest while find works on the other core. Importing polars alone takes
about a tenth of a second, which the walks would otherwise wait for.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# One record per entry, both fields ended by NUL (a file name may hold any other byte): the name,
# then the type (f regular, l symlink, d folder, p/s/c/b others), a space and, for every type,
# size, modification and change time (seconds, a dot, ten digits: nanoseconds then a 0) and the
# inode, dot-separated: for a regular file that is its stat signature exactly as
# scan.signature_of writes it, so the records need no rearranging (scan.py checks their form).
FORMAT = r"%f\0%y %s.%T@.%C@.%i\0"
# The entries that are not regular files, each by its name and type, and nothing of the regular
# files. find then needs of an entry its type alone, which the folder's listing gives (d_type)
# on the file systems that keep it (ext4, xfs, btrfs, tmpfs), so it stats no file: the walk that
# `validate FILE` makes of the seeds, whose stat signatures it does not need (indexed.py).
KINDS = ["!", "-type", "f", "-printf", r"%f\0%y\0"]


@functools.cache  # asked once a process: each question is a process started
def gnu_find() -> str | None:
    found = shutil.which("find")
    if found is None:
        return None
    try:
        done = subprocess.run([found, "--version"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found if b"GNU findutils" in done.stdout else None


class Find:
    """GNU find walking one folder (directly inside it, never following a link): every entry
    (FORMAT), or with `kinds` only the entries that are not regular files (KINDS)."""

    def __init__(self, find: str, folder: Path, *, kinds: bool = False) -> None:
        # Into a file, not a pipe: a pipe holds 64 kB, and find would wait for the command to
        # read it while the command is still importing, which is when find should be working.
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed in `records`)
        self.process = subprocess.Popen(
            # The folder as an absolute path: no name of it can be read as an option.
            [find, "-P", str(folder.absolute()), "-mindepth", "1", "-maxdepth", "1",
             *(KINDS if kinds else ["-printf", FORMAT])],
            stdout=self.out,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def records(self) -> bytes | None:
        """find's output once it is done, or None when it failed."""
        self.process.wait()
        with self.out:
            self.out.seek(0)
            out = self.out.read()
        return out if self.process.returncode == 0 else None


def start(folder: Path, *, kinds: bool = False) -> Find | None:
    """find started on `folder`, or None where there is no GNU find or no such folder."""
    find = gnu_find()
    if find is None or not folder.is_dir() or folder.is_symlink():
        return None
    try:
        return Find(find, folder, kinds=kinds)
    except OSError:
        return None


_started: dict[tuple[str, bool], Find] = {}


def prefetch(*folders: Path, kinds: bool = False) -> None:
    """Start walking `folders` now, one process each; `started` hands each walk over later. For
    commands that are about to spend a while importing. `kinds`: the walk of the entries that
    are not regular files only (KINDS)."""
    for folder in folders:
        key = (os.path.realpath(folder), kinds)
        if key not in _started:
            walking = start(folder, kinds=kinds)
            if walking is not None:
                _started[key] = walking


def started(folder: Path, *, kinds: bool = False) -> Find | None:
    """The walk of `folder` that `prefetch` started (once: a second call gets None), or None."""
    return _started.pop((os.path.realpath(folder), kinds), None)
