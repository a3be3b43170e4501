"""The build's parallel steps on a Dask cluster (`eventset build --engine dask`).

The per-document work (read two files, `process_document`), the merging of events and the
month tasks (typing, Pandera, Parquet) are the steps of a build whose cost grows with the
corpus; all run here as `dask.distributed` tasks, on the scheduler at an address or on a
LocalCluster of this machine. A chunk's rows come back routed to their months (routes.py) and
are spooled here. Listing, the cache, the corpus checks, the shuffle of the snapshot's rows to
months (a warm full build; a local pool: it only reads and writes this machine's spool) and the
checks across months stay with the command, so the release is byte-identical to the local
build's: results come back in the order the tasks were made, and the events merged a run of
buckets at a time are the rows the whole merge gives (assemble.py: every event's row depends
only on its own rows).

Workers read the corpus themselves: at the same paths (shared storage mounted on every worker)
or through fsspec under a URL that stands for the repository root (`--corpus-url`). The same
size limit bounds every read, and the same `process_document` applies the same YAML limits, so
a hostile file is refused on a worker exactly as it is here. They never read the command's
spool folder: a merge or a month task gets its rows as Arrow IPC bytes and sends back Arrow IPC
bytes or the month's Parquet file, which the command writes (release/months.py), so the build
needs no storage shared with the workers beyond the corpus.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import polars as pl

from eventset.release.tasks import warm
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.tables.assemble import merged_events
from eventset.validation.cache import code_version
from eventset.validation.runner import ChunkResult, Reader, Task, process_chunk, read_local

# Events are merged in this many parts per worker: enough to balance the load, few enough that
# a task's overhead (a few milliseconds) stays small beside its work.
_PARTS_PER_WORKER = 4
# Chunks (of 1,024 documents) submitted ahead per worker: enough to keep every worker busy while
# this process reads results in order.
_CHUNKS_AHEAD_PER_WORKER = 4

A = TypeVar("A")
R = TypeVar("R")


class EngineError(Exception):
    """The cluster cannot run this build (not reachable, workers on other code, lost)."""


def _result(future: Any, doing: str = "processing documents") -> Any:
    """A task's result; a worker lost for good (Dask retries a task on another worker first)
    or a lost connection is the cluster's failure, said as such, not a traceback."""
    from distributed import KilledWorker

    try:
        result = future.result()
    except (KilledWorker, OSError) as err:
        raise EngineError(
            f"the Dask cluster failed while {doing} ({type(err).__name__}); its "
            "workers' logs say why (often a worker past its memory limit)"
        ) from err
    future.release()
    return result


def _chunk(future: Any) -> ChunkResult:
    result: ChunkResult = _result(future)
    return result


class _Task(Generic[R]):
    """A task of the build's tail on the cluster (tasks.Result)."""

    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> R:
        done: R = _result(self.future, "writing the release's months")
        return done


def _read_url(base: str, root: str) -> Reader:
    """A reader of the repository's files under `base` (an fsspec URL) instead of `root`."""

    def read(path: str | None, limit: int) -> bytes | None:
        if path is None or not path.startswith(root.rstrip("/") + "/"):
            return None  # no seed, or (never in a build) a file outside the repository
        import fsspec

        try:
            with fsspec.open(
                base.rstrip("/") + path.removeprefix(root.rstrip("/")), "rb"
            ) as handle:
                data: bytes = handle.read(limit + 1)  # enough to prove a file over the limit
                return data
        except OSError:
            return None

    return read


def _chunk_task(
    chunk: Sequence[Task], known: frozenset[str], version: str, url: str | None, root: str
) -> ChunkResult:
    read = read_local if url is None else _read_url(url, root)
    return process_chunk(chunk, known, version, read=read)


class DaskEngine:
    """A connected Dask client, and the build's parallel steps as its tasks."""

    def __init__(self, client: Any, root: str, corpus_url: str | None = None) -> None:
        self.client = client
        self.root = root
        self.corpus_url = corpus_url
        versions = set(client.run(code_version).values())
        if versions - {code_version()}:
            raise EngineError(
                "the Dask workers run another version of eventset's code than this process; "
                "install the same version on every worker"
            )
        workers = client.scheduler_info()["workers"]
        self.workers = max(1, len(workers))
        # The month tasks' imports and contracts (seconds on a worker), done by every worker
        # as the build starts, not in its first month task.
        from distributed import fire_and_forget

        for address in workers:
            fire_and_forget(client.submit(warm, pure=False, workers=[address]))  # type: ignore[no-untyped-call]

    def map_chunks(
        self, chunks: Iterable[list[Task]], known: frozenset[str], version: str
    ) -> Iterator[ChunkResult]:
        """runner.ChunkMap: each chunk a task; the results in the chunks' order."""
        chunks = iter(chunks)
        first = next(chunks, None)
        if first is None:
            return
        # Sent once to every worker, not with every task (a list: Dask scatters a set's items).
        [shared] = self.client.scatter([known], broadcast=True)

        def submit(chunk: list[Task]) -> Any:
            return self.client.submit(
                _chunk_task, chunk, shared, version, self.corpus_url, self.root, pure=False
            )

        # A window of tasks ahead of the one taken next, not the whole corpus at once: results
        # wait on the workers only until their turn, so neither the workers nor this process
        # ever hold more than the window's chunks (and the results stay in the chunks' order).
        window = self.workers * _CHUNKS_AHEAD_PER_WORKER
        pending = deque([submit(first)])
        for chunk in chunks:
            if len(pending) >= window:
                yield _chunk(pending.popleft())
            pending.append(submit(chunk))
        while pending:
            yield _chunk(pending.popleft())

    def submit(self, function: Callable[[A], R], argument: A, /) -> _Task[R]:
        """tasks.Cluster: one task of the build's tail (a bucket's merge, a month task), its
        rows in `argument` as bytes. Scattered first, not put in the task: the scheduler then
        never holds the rows (Dask warns of a large task graph otherwise)."""
        [data] = self.client.scatter([argument], hash=False)
        return _Task(self.client.submit(function, data, pure=False))

    def merge_events(
        self,
        per_document: pl.DataFrame,
        taking_part: pl.DataFrame,
        actors: ActorRegistry,
        places: PlaceRegistry,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """assemble.MergeEvents: the rows split by a hash of the event id, merged part by part
        on the workers, put back together in key order."""
        parts = self.workers * _PARTS_PER_WORKER
        [registries] = self.client.scatter([(actors, places)], broadcast=True)
        futures = []
        for part in range(parts):
            mine = _part_of(pl.col("event_id"), parts) == part
            rows = per_document.filter(mine)
            if rows.height:
                futures.append(
                    self.client.submit(
                        _merge_registries, rows, taking_part.filter(mine), registries, pure=False
                    )
                )
        if not futures:
            return merged_events(per_document, taking_part, actors, places)
        results = self.client.gather(futures)
        events = pl.concat([e for e, _ in results], how="vertical")
        event_actors = pl.concat([a for _, a in results], how="vertical")
        return (
            events.sort("event_id"),
            event_actors.sort("event_id", "actor_id", "role"),
        )


def _merge_registries(
    per_document: pl.DataFrame,
    taking_part: pl.DataFrame,
    registries: tuple[ActorRegistry, PlaceRegistry],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One part's events merged on a worker (the registries are sent once, as one value)."""
    return merged_events(per_document, taking_part, *registries)


def _part_of(event_id: pl.Expr, parts: int) -> pl.Expr:
    """Which part an event's rows go to. Only this process splits the rows, and the merged rows
    do not depend on the split, so any hash will do."""
    return event_id.hash() % parts


@contextmanager
def dask_engine(
    scheduler: str | None, workers: int, root: str, corpus_url: str | None = None
) -> Iterator[DaskEngine]:
    """A DaskEngine on the scheduler at `scheduler`, or on a LocalCluster of `workers`
    single-threaded worker processes (the work is Python: threads would share one GIL)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise EngineError("--engine dask needs Dask: pip install 'eventset[dask]'") from err
    if scheduler is not None:
        try:
            # Dask's own connect timeout (distributed.comm.timeouts.connect, 30 s by default)
            client = Client(scheduler)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        with client:
            yield DaskEngine(client, root, corpus_url)
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        # Workers of this build's own: their cycle collector as a pool worker's. A cluster at
        # an address is someone else's, and its processes' collector is left as it is.
        from eventset.engines.dask_workers import SettledCollector

        client.register_plugin(SettledCollector(), name="eventset-collector")
        yield DaskEngine(client, root, corpus_url)
