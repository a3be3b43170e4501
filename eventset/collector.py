"""How often Python's cycle collector runs in eventset's processes, and over what.

By default the collector runs after every 700 new objects and a full collection traverses every
object of every module imported: polars, pyarrow, pydantic and pandera with their models. The
command and the build's pool workers make millions of objects, so they collect ten times less
often, and a worker leaves out of every traversal what it imported before its first task. A
full collection still runs after every million or so new objects, so a long build's garbage
cycles are still freed.
"""

from __future__ import annotations

import gc

# Measured: the command's collections took 0.05 s of `validate FILE` and 0.16 s of a rebuild at
# 100,000 documents, 0.04 s and 0.05 s with these. A pool worker's took 0.041 ms of a
# document's 0.6 (7%), 0.011 ms with these and its imports frozen (gc.callbacks, 10,240
# documents of the 100,000-document corpus).
GC_THRESHOLDS = (10_000, 10, 10)


def collect_less_often() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def settle_worker() -> None:
    """A pool worker's start, after the modules its tasks need are imported: those modules'
    objects are moved out of the collector's generations (gc.freeze), so no collection traverses
    them again, and the collector runs as seldom as the command's."""
    gc.freeze()
    collect_less_often()
