"""Where the tasks of a full build's tail run: a pool of this machine's processes, this process
itself (one job), or a cluster (engines/dask_cluster.py), all behind one `submit`."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, TypeVar

from eventset.schema.contracts import dataframe_schema
from eventset.schema.tables import TABLES
from eventset.validation.runner import spawned_pool

# Tasks out at once per worker of a cluster: enough to keep each busy while this process
# reads the next one's rows, few enough that the rows sent never add up to the corpus.
_AHEAD_PER_WORKER = 2

A = TypeVar("A")
R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)


class Result(Protocol[T_co]):
    """A task's result, once it is done (a concurrent.futures or a Dask future)."""

    def result(self) -> T_co: ...


class Cluster(Protocol):
    """Where a task runs (engines/dask_cluster.py): a function and its argument, the result to
    come. `workers`: how many run at once."""

    workers: int

    def submit(self, function: Callable[[A], R], argument: A, /) -> Result[R]: ...


class Local:
    """This machine: the pool's workers, or this process when there is no pool."""

    def __init__(self, pool: ProcessPoolExecutor | None) -> None:
        self.pool = pool

    def submit(self, function: Callable[[A], R], argument: A, /) -> Result[R]:
        if self.pool is not None:
            return self.pool.submit(function, argument)
        return finished(function(argument))


def finished(value: R) -> Future[R]:
    """A future already done, for work run in this process."""
    future: Future[R] = Future()
    future.set_result(value)
    return future


def windowed(cluster: Cluster, function: Callable[[A], R], arguments: Iterable[A]) -> Iterator[R]:
    """Each argument a task on `cluster`, the results in the arguments' order, with at most
    _AHEAD_PER_WORKER tasks a worker out at once: their rows (sent, not shared) wait on the
    workers only until their turn, never all in this process at once."""
    window = max(1, cluster.workers) * _AHEAD_PER_WORKER
    pending: deque[Result[R]] = deque()
    for argument in arguments:
        if len(pending) >= window:
            yield pending.popleft().result()
        pending.append(cluster.submit(function, argument))
    while pending:
        yield pending.popleft().result()


def warm() -> None:
    """Imports pandera and builds the contracts in a worker (of the pool, or of a cluster)
    before its first month task comes, and with this module the per-document work
    (validation/runner.py) before its first chunk (a build's pool runs both: pipeline.py)."""
    for table in TABLES:
        dataframe_schema(table.name)


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """`jobs` worker processes, started (and importing their work) at once; None for one job."""
    if jobs <= 1:
        yield None
        return
    workers = spawned_pool(jobs)
    try:
        for _ in range(jobs):
            workers.submit(warm)
        yield workers
    except BaseException:
        workers.shutdown(wait=True, cancel_futures=True)  # no task outlives what it works in
        raise
    # Every task is done. Each worker tearing its interpreter down takes a few tenths of a
    # second (0.6 s for two after a 100,000-document build): that goes on while the caller
    # removes its spool and reports, and the interpreter's exit waits for them.
    workers.shutdown(wait=False)
