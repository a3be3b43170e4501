"""The files of chunks a pool has yet to take, asked into the page cache when it lacks them.

A worker reads its documents' files one after the other, and one the page cache does not
hold costs about 200 us of waiting for the disk here, against 20 us from the cache: a
document's own work is about 600 us. A corpus is out of the cache after a reboot, a fresh
checkout on another machine, or when it does not fit beside the build's spool: a million
documents are 8.8 GB of small files on a machine of 23 GB. Then the workers wait for the disk
a file at a time, one request each in flight.

So while the workers process the chunks they have, a thread of the command (which only
waits for their results meanwhile) asks the kernel for the files of the chunks submitted after
them (`posix_fadvise(WILLNEED)`: the read is queued, not waited for). Whether a chunk needs it
is probed first on a few of its files, by a read that fails rather than wait for the disk
(`RWF_NOWAIT`): with the corpus in the cache a chunk costs those few probes, not an advice a
file. Nothing here reads a file's bytes into this process or decides anything about a file:
the workers read and check every file as before, so this changes only when the disk is read.
Where the system has neither call (not Linux) it does nothing.
"""

from __future__ import annotations

import os
import queue
import stat
import threading
from collections.abc import Iterable
from types import TracebackType

AVAILABLE = hasattr(os, "RWF_NOWAIT") and hasattr(os, "posix_fadvise")
# Files of a chunk probed, spread over it; any of them missing from the cache and the whole
# chunk is advised.
PROBES = 8
# Never follow a link, never wait on a FIFO's writer: the files are untrusted (inputs/files.py).
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def cached(path: str) -> bool:
    """Whether the first byte of regular file `path` is in the page cache. Anything that
    cannot be probed (no such file, a link, not a regular file) counts as cached: there is
    nothing to read ahead, and the worker reports it."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return True
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        os.preadv(fd, [bytearray(1)], 0, os.RWF_NOWAIT)
    except BlockingIOError:  # the read would have waited for the disk
        return False
    except OSError:
        return True
    finally:
        os.close(fd)
    return True


def advise(path: str) -> None:
    """The kernel asked to read regular file `path` into the page cache, without waiting."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def missing(paths: list[str]) -> bool:
    """Whether a probe of up to PROBES of `paths`, spread evenly over them, finds one not
    cached."""
    count = min(len(paths), PROBES)
    return any(not cached(paths[i * len(paths) // count]) for i in range(count))


class ReadAhead:
    """A thread advising the files of each chunk `add`ed, in order, when a probe finds them
    missing from the page cache. Leaving the `with` stops it at the next file."""

    def __init__(self) -> None:
        self._chunks: queue.Queue[list[str] | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self.advised = 0  # files advised so far (for tests and measurements)

    def __enter__(self) -> ReadAhead:
        if AVAILABLE:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._chunks.put(None)
        if self._thread.is_alive():
            self._thread.join()

    def add(self, paths: Iterable[str | None]) -> None:
        """A chunk's files (None: a document without a seed), to advise when missing."""
        if AVAILABLE:
            self._chunks.put([path for path in paths if path is not None])

    def wait(self) -> None:
        """Until every chunk added so far is probed and, where missing, advised."""
        if self._thread.is_alive():
            self._chunks.join()

    def _run(self) -> None:
        while (paths := self._chunks.get()) is not None:
            try:
                if missing(paths):
                    for path in paths:
                        if self._stop.is_set():
                            return
                        advise(path)
                        self.advised += 1
            finally:
                self._chunks.task_done()
