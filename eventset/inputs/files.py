"""Reading untrusted files: only regular files inside the repository, never more than a limit.

A pull request is untrusted input. Symlinks are refused outright rather than resolved (a link
inside seeds/ or data/ could point anywhere), and no file is read past its size limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from eventset.inputs.layout import Layout
from eventset.inputs.scan import Entries, others, walk
from eventset.inputs.yamlfile import DEFAULT_LIMITS, REGISTRY_LIMITS, Limits
from eventset.problems import Problem, problem


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file: enough to prove it is over the limit, so a
    100 MB file is never read into memory. The size is checked on the open descriptor (no race
    with a swapped file), and O_NOFOLLOW refuses a symlink planted after the path was checked.
    Raises OSError for anything that is not a readable regular file. `path` may be a str: the
    runner reads every file of a corpus, and a Path built for each cost more than the read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{os.fspath(path)} is not a regular file")
        # Until the end of the file or limit + 1 bytes, whichever comes first, even if the file
        # grows meanwhile. The first read asks for the size it has plus one byte rather than
        # for limit + 1: a buffer of the limit (megabytes) for a file of kilobytes cost a tenth
        # of a document's time. A first read that returns exactly the size the file had when
        # opened, when it asked for one byte more, has met the end: the usual file needs that
        # one read, not a second one that returns nothing (a system call per file). Any other
        # short read (a file system that returns less than asked) reads on to the end.
        remaining = limit + 1
        ask = min(status.st_size + 1, remaining)
        chunks: list[bytes] = []
        while remaining > 0:
            chunk = os.read(fd, ask)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunks) == 1 and len(chunk) == status.st_size < ask:
                break
            ask = min(_CHUNK, remaining)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


_CHUNK = 1 << 16  # read size once past the size the file had when opened


def leaves_repository(layout: Layout, path: Path) -> Problem | None:
    """Why `path` is not plainly inside the repository (outside it, or through a symlink)."""
    shown = layout.shown(path)
    root = os.path.realpath(layout.root)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        return problem("E111", shown, 1, 1, "The path leaves the repository.")
    # abspath, not resolve(): resolving would follow the very symlinks this loop looks for.
    base = Path(os.path.abspath(layout.root))  # noqa: PTH100
    probe = base
    for part in Path(os.path.relpath(os.path.abspath(path), base)).parts:  # noqa: PTH100
        probe = probe / part
        if probe.is_symlink():
            return problem("E111", shown, 1, 1, f"{layout.shown(probe)} is a symbolic link.")
    return None


def refusal(layout: Layout, path: Path) -> Problem | None:
    """Why a path may not be read, or None: it must be a regular file inside the repository."""
    refused = leaves_repository(layout, path)
    if refused is None and not path.is_file():
        return problem("E111", layout.shown(path), 1, 1, "No such regular file.")
    return refused


def list_folder(layout: Layout, folder: Path, suffixes: set[str]) -> tuple[Entries, list[Problem]]:
    """The folder's entries (its regular files with their stat signatures, see scan.py), and
    the entries refused. The folder is vetted once and each entry's type and signature come
    from one walk of it, so a large corpus costs no separate stat per file."""
    listable, problems = _vetted(layout, folder)
    if not listable:
        return Entries.none(), problems
    entries = walk(folder)
    return entries, _refused(layout, folder, entries.others, suffixes)


def refused_in_folder(
    layout: Layout, folder: Path, suffixes: set[str]
) -> tuple[bool, list[Problem]]:
    """What `list_folder` refuses in `folder`, and whether it lists the folder's files at all
    (False: the folder is missing or refused itself), without the files' stat signatures: only
    the entries that are not regular files are looked at (scan.others)."""
    listable, problems = _vetted(layout, folder)
    if not listable:
        return False, problems
    return True, _refused(layout, folder, others(folder), suffixes)


def _vetted(layout: Layout, folder: Path) -> tuple[bool, list[Problem]]:
    """Whether the folder's entries are listed, and why not when it is refused."""
    if not folder.is_dir() and not folder.is_symlink():
        return False, []
    refused = leaves_repository(layout, folder)
    return (False, [refused]) if refused is not None else (True, [])


def _refused(
    layout: Layout, folder: Path, entries: dict[str, str], suffixes: set[str]
) -> list[Problem]:
    """The problems of a folder's entries that are not regular files (`Entries.others`)."""
    problems: list[Problem] = []
    for name, kind in entries.items():
        if kind == "l":
            shown = layout.shown(folder / name)
            problems.append(problem("E111", shown, 1, 1, f"{shown} is a symbolic link."))
        elif Path(name).suffix in suffixes:  # a folder, FIFO or device named like an input
            shown = layout.shown(folder / name)
            problems.append(problem("E111", shown, 1, 1, "Not a regular file."))
    return sorted(problems)


def limits_of(layout: Layout, path: Path) -> Limits:
    """The bounds of a YAML file of the repository: a registry's own, or any other file's."""
    return REGISTRY_LIMITS if path in (layout.actors, layout.places) else DEFAULT_LIMITS


def read_inside(layout: Layout, path: Path, limit: int | None = None) -> bytes | Problem:
    """The bytes of a regular file inside the repository, or why not. A file over `limit` (by
    default its `limits_of`) is read only as far as proves it (its parser reports E101)."""
    if limit is None:
        limit = limits_of(layout, path).max_bytes
    refused = refusal(layout, path)
    if refused is not None:
        return refused
    try:
        return read_bounded(path, limit)
    except OSError as err:
        return problem("E111", layout.shown(path), 1, 1, f"Cannot read the file: {err.strerror}.")
