"""Putting a release directory in place in one atomic step, and cleaning what a killed build left.

A release is assembled under a hidden staging name beside its destination
(`.eventset-<version>.<pid>.<random>.partial`). A new version is renamed into place. The `dev`
release, replaced at every build, is exchanged with the new one by `renameat2(RENAME_EXCHANGE)`
(Linux 3.15+, on the file systems that support it): one system call after which
`eventset-dev` is the new release and the staging name holds the old one, which is then
deleted. There is no moment at which `eventset-dev` is missing or partly written.

Where the exchange is not available (another OS, a file system without it), the old release is
first renamed to `.eventset-dev.<pid>.<random>.retired` and the new one renamed into place: a
kill between the two renames leaves no `eventset-dev` until the next build, which renames the
retired release back (it is the complete previous release) before anything else.

The next build (`remove_leftovers`) deletes staging directories and retired releases whose build
process is gone; a live build's are left alone, so two builds into one folder never disturb each
other. Every leftover name starts with a dot, so it is never mistaken for a release.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
from pathlib import Path

# .eventset-<version>.<pid of the writing build>.<random>.partial|retired (mkdtemp's random part
# has no dot); eventset-<version>.old is what builds before the exchange left.
_LEFTOVER = re.compile(
    r"\.eventset-(?P<version>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?P<kind>partial|retired)"
)
_OLD = re.compile(r"eventset-(?P<version>.+)\.old")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM}


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE). False when the
    system or file system cannot; OSError for any other failure (nothing is changed then)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    done = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _retired_name(staging: Path) -> Path:
    return staging.with_name(staging.name.removesuffix(".partial") + ".retired")


def swap(staging: Path, final: Path) -> None:
    """Replace the release `final` with the complete directory `staging`, atomically where
    the system allows (see the module's docstring for what a kill leaves at each step)."""
    if exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # now the old release
        return
    retired = _retired_name(staging)
    final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_leftovers(out: Path) -> list[Path]:
    """Clean what killed builds left in `out`: their staging directories are deleted; a retired
    release is renamed back when its release is missing (a kill between the two renames of the
    fallback), else deleted. Returns the paths removed or restored."""
    cleaned = []
    try:
        entries = sorted(out.iterdir())
    except OSError:
        return []
    for entry in entries:
        if not entry.is_dir() or entry.is_symlink():
            continue
        found = _LEFTOVER.fullmatch(entry.name)
        if found is not None:
            if _alive(int(found["pid"])):
                continue
            final = out / f"eventset-{found['version']}"
            if found["kind"] == "retired" and not final.exists() and not final.is_symlink():
                entry.rename(final)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            cleaned.append(entry)
        elif (old := _OLD.fullmatch(entry.name)) is not None:
            final = out / f"eventset-{old['version']}"
            if not final.exists() and not final.is_symlink():
                entry.rename(final)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            cleaned.append(entry)
    return cleaned
