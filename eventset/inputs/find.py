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
    """GNU find walking one folder (directly inside it, never following a link)."""

    def __init__(self, find: str, folder: Path) -> None:
        # Into a file, not a pipe: a pipe holds 64 kB, and find would wait for the command to
        # read it while the command is still importing, which is when find should be working.
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed in `records`)
        self.process = subprocess.Popen(
            # The folder as an absolute path: no name of it can be read as an option.
            [find, "-P", str(folder.absolute()), "-mindepth", "1", "-maxdepth", "1",
             "-printf", FORMAT],
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


def start(folder: Path) -> Find | None:
    """find started on `folder`, or None where there is no GNU find or no such folder."""
    find = gnu_find()
    if find is None or not folder.is_dir() or folder.is_symlink():
        return None
    try:
        return Find(find, folder)
    except OSError:
        return None


_started: dict[str, Find] = {}


def prefetch(*folders: Path) -> None:
    """Start walking `folders` now, one process each; `started` hands each walk over later. For
    commands that are about to spend a while importing."""
    for folder in folders:
        key = os.path.realpath(folder)
        if key not in _started:
            walking = start(folder)
            if walking is not None:
                _started[key] = walking


def started(folder: Path) -> Find | None:
    """The walk of `folder` that `prefetch` started (once: a second call gets None), or None."""
    return _started.pop(os.path.realpath(folder), None)
