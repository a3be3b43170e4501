"""Running per-document work over a corpus: a process pool, columnar results, a content cache.

This is the edge where files are read; `process_document` itself stays pure. Workers take
documents in chunks and send back Arrow IPC frames (cheap to move between processes, unlike
thousands of Python objects). The cache is a snapshot of the last run's frames, keyed per
document by a hash of the code version, the file name and both files' bytes: a document whose
key is in the snapshot is not parsed again, so an edit to one file re-processes one document.
The snapshot itself (`cache.py`) lives outside the repository and is Arrow, never pickle.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from eventset.collector import settle_worker
from eventset.inputs.files import read_bounded
from eventset.inputs.read_ahead import ReadAhead
from eventset.inputs.seeds import MAX_SEED_BYTES
from eventset.inputs.yamlfile import DEFAULT_LIMITS
from eventset.problems import Problem, problem
from eventset.release.routes import Route
from eventset.tables.compile import Columns
from eventset.validation import cache
from eventset.validation.cache import INDEX_SCHEMA, KEY, Snapshot, code_version, snapshot_for
from eventset.validation.chunk_rows import FRAME_NAMES, KEY_TYPE, ChunkRows, table_schema
from eventset.validation.document import (
    cache_key,
    digests_of,
    problems_from_json,
    problems_to_json,
    process_document,
)
from eventset.validation.spooled import Spooled

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

FILES_SCHEMA = pl.Schema({KEY: pl.String(), "file": pl.String()})
# Snapshot entries still current: the document key and its files' stat signature now.
REUSED_SCHEMA = pl.Schema({KEY: pl.String(), "signature": pl.String()})
# Documents a worker takes at once: at least _CHUNK, at most _CHUNK_AT_MOST, and otherwise as
# many as make _CHUNKS_A_WORKER chunks for each worker (chunk_size). Each chunk is seven
# spooled files (a frame each), and every file costs its own frame building, IPC write, key
# dictionary and file creation, then a lookup in the snapshot's write; the tail reads each
# month (and each merge) as a run of batches of every chunk file, and opening a file and
# decoding a run cost the same whatever its rows. In chunks of 1,024, a million documents'
# tail made 126,000 such reads (129 tasks, 977 files) where 100,000 made 4,500, and those reads
# took 45 times the CPU for 10 times the rows (with LZ4 in the chunk files, spool_compression,
# a month's batch of a chunk is decoded a buffer of a few kilobytes at a time); a cold build of
# 100,000 documents took 84 to 98 s of CPU in chunks of 1,024 against 92 to 98 s in chunks of
# 256. Larger chunks would leave a worker idle longer at the end, waiting for the other's last
# chunk (chunk_bounds cuts a pool's last ones smaller for that), and a chunk's rows are a
# worker's memory until written: a few megabytes a thousand documents.
_CHUNK = 1024
_CHUNK_AT_MOST = 4096
_CHUNKS_A_WORKER = 24
_POOL_CHUNKS = 4  # fewer chunks than this are processed in this process
_CHUNKS_AHEAD_PER_WORKER = 4  # chunks submitted to a pool ahead of the one taken next
_RESAVE_EVERY = 100  # save the snapshot once 1/100 of its entries are out of date
# One document of a corpus: shown name, annotation path, seed path (None when there is no
# seeds/<document_id>.txt). Strings, not Paths: building 200,000 Paths costs seconds.
DocumentTask = tuple[str, str, str | None]
# What a worker gets per document: the same and the files' stat signature.
Task = tuple[str, str, str | None, str]


_STRING_LISTS = pl.List(pl.String())
_GATHERED_FROM = 128  # rows; below this polars' own conversion is as fast (measured)


def frame_of(name: str, columns: Columns) -> pl.DataFrame:
    schema = {**table_schema(name), KEY: KEY_TYPE}
    data: dict[str, pl.Series | list[Any]] = {
        column: string_lists(values) if schema.get(column) == _STRING_LISTS else values
        for column, values in columns.items()
    }
    return pl.DataFrame(data, schema=schema, strict=False)


def string_lists(values: list[Any]) -> pl.Series | list[Any]:
    """A list[string] column from Python lists of strings, the same as polars makes of them.
    polars converts each row's list on its own, at 3 to 6 µs a row (`accepted_warnings` and
    `via`: three quarters of a chunk's frames); the strings put in flat and gathered back into
    their rows by a group-by cost a tenth of that, but half a millisecond whatever the size, so
    a short column (one file validated) is left to polars, and so is a row that is not a list
    of strings (a null)."""
    if not all(type(value) is list for value in values):
        return values
    flat = [item for value in values for item in value]
    if not flat:  # the most frequent case: every list empty
        return pl.Series([[]], dtype=_STRING_LISTS).new_from_index(0, len(values))
    if len(values) < _GATHERED_FROM or not all(type(item) is str for item in flat):
        return values
    rows = pl.Series("row", [i for i, value in enumerate(values) for _ in value], pl.UInt32())
    grouped = (
        pl.DataFrame({"row": rows, "items": pl.Series(flat, dtype=pl.String())})
        .group_by("row")
        .agg("items")  # in the order they came, as group_by keeps it within a group
    )
    every = pl.DataFrame({"row": pl.int_range(len(values), dtype=pl.UInt32(), eager=True)})
    gathered = every.join(grouped, on="row", how="left", maintain_order="left")["items"]
    return gathered.fill_null(pl.lit([], dtype=_STRING_LISTS))


def empty_frames() -> dict[str, pl.DataFrame]:
    return {name: frame_of(name, {}) for name in FRAME_NAMES}


def corpus_snapshot(cache_dir: Path, root: Path) -> Snapshot:
    """The cache's snapshot of the corpus under `root`, its frames checked against this code's."""
    return snapshot_for(cache_dir, root, {name: f.schema for name, f in empty_frames().items()})


def read_local(path: str | None, limit: int) -> bytes | None:
    """At most `limit + 1` bytes of a file of this machine (None: no seed, or unreadable)."""
    if path is None:
        return None
    try:
        return read_bounded(path, limit)
    except OSError:
        return None


# How a worker reads a file: at most `limit + 1` bytes, None when it cannot be read.
Reader = Callable[[str | None, int], bytes | None]


@dataclass
class ChunkResult:
    reused: dict[str, list[str]] = field(
        default_factory=lambda: {KEY: [], "signature": []}
    )  # in the snapshot
    index: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in INDEX_SCHEMA})
    frames: dict[str, bytes] = field(default_factory=dict)  # Arrow IPC of the new rows
    spooled: dict[str, str] = field(default_factory=dict)  # or the files they were written to
    # Which rows of each frame of a table split by month go to which file (release/routes.py).
    routes: dict[str, Route] = field(default_factory=dict)


@dataclass(frozen=True)
class ChunkJob:
    """One chunk as a pool's task, with all a worker needs: any worker of any pool takes it
    (the build's one pool, started with the build, runs the per-document work and then the
    tail). `known`: the snapshot's keys of the chunk's files only, the only keys the chunk's
    documents can have (a key hashes the file's name), not the corpus's 100,000 keys a chunk.
    `spool`: where the frames go (None: sent back as bytes); `route` and `compression`:
    process_chunk's."""

    chunk: Sequence[Task]
    known: frozenset[str]
    version: str
    spool: str | None
    route: bool
    compression: str | None = None


def _process_chunk(job: ChunkJob) -> ChunkResult:
    return process_chunk(
        job.chunk, job.known, job.version, job.spool, route=job.route, compression=job.compression
    )


def process_chunk(
    chunk: Sequence[Task],
    known: frozenset[str],
    version: str,
    spool: str | None = None,
    read: Reader = read_local,
    *,
    route: bool = True,
    compression: str | None = None,
) -> ChunkResult:
    """One chunk's documents processed: the index rows of the new ones and their frames, as
    Arrow IPC bytes or (with `spool`, a folder this process can write) as files, the release's
    tables' rows grouped by the file they go to (their routes: release/routes.py). `known`: the
    snapshot's keys, whose documents are reused, not processed. It reads the files and calls
    the pure `process_document`, so it runs the same in this process, a pool's worker or a
    Dask worker (engines/dask_cluster.py); `read` is how the files are read there, with the
    same limits. `route`: False when no build's tail reads the frames (a validation), which
    then skips the routing and pyarrow's import (a fifth of a second of `validate FILE`).
    `compression`: the codec of a build's chunk files (spool_compression)."""
    out = ChunkResult()
    rows = ChunkRows()
    for file, annotation_path, seed_path, signature in chunk:
        raw = read(annotation_path, DEFAULT_LIMITS.max_bytes)
        if raw is None:
            unread = [problem("E111", file, 1, 1, "Cannot read the file.")]
            key = cache_key(version, file, b"\x00unreadable", None)
            for name, value in zip(
                INDEX_SCHEMA, (key, file, problems_to_json(unread), ""), strict=True
            ):
                out.index[name].append(value)
            continue
        seed_raw = read(seed_path, MAX_SEED_BYTES)
        digests = digests_of(raw, seed_raw)  # each file hashed once: the key, the tables' sha256
        key = cache_key(version, file, raw, seed_raw, digests)
        if key in known:  # same bytes as a snapshot entry, only the file's stat changed
            out.reused[KEY].append(key)
            out.reused["signature"].append(signature)
            continue
        result = process_document(file, raw, seed_raw, digests)
        for name, value in zip(
            INDEX_SCHEMA, (key, file, problems_to_json(result.problems), signature), strict=True
        ):
            out.index[name].append(value)
        rows.add(key, result)
    chunk_id = uuid.uuid4().hex
    for name in rows.names():
        sink: str | io.BytesIO = f"{spool}/{chunk_id}.{name}.arrow" if spool else io.BytesIO()
        if route:
            # In Arrow straight from the rows, the release's tables' rows grouped by the file
            # they go to: the tail reads them from here.
            routed = rows.write_arrow(name, sink, compression)
            if routed is not None:
                out.routes[name] = routed
        else:
            frame_of(name, rows.columns_of(name)).write_ipc(sink)
        if isinstance(sink, str):
            out.spooled[name] = sink
        else:
            out.frames[name] = sink.getvalue()
    return out


class ChunkMap(Protocol):
    """Another engine's way to process chunks (engines/dask_cluster.py): `process_chunk` over
    every chunk, the results in the chunks' order, so that what a run returns does not depend
    on where it ran. The chunks are made as they are taken (chunks_of), sized for the engine's
    `workers`, not for this machine's --jobs."""

    workers: int

    def map_chunks(
        self, chunks: Iterable[list[Task]], known: frozenset[str], version: str
    ) -> Iterable[ChunkResult]: ...


@dataclass
class Batch:
    """The outcome of processing a corpus: per-document problems and the concatenated frames."""

    problems: list[Problem]
    frames: dict[str, pl.DataFrame]
    processed: int  # documents parsed this time (the rest came from the cache)
    # The annotation file of each document key in the frames (KEY, file).
    files: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FILES_SCHEMA))
    # With a spool (run_documents(spool=...)): every frame as files on disk (spooled.py),
    # and `frames` is empty. Empty otherwise.
    parts: dict[str, Spooled] = field(default_factory=dict)
    # The snapshot being written from `parts` meanwhile (a cold build with a spool): the
    # caller waits for it before the spool goes.
    saving: Future[None] | None = None

    def rows(self, name: str) -> pl.DataFrame | Spooled:
        """Frame `name`, in memory or (with a spool) on disk."""
        return self.parts[name] if self.parts else self.frames[name]


def merge_batches(first: Batch, second: Batch) -> Batch:
    """Two batches of different documents as one."""
    frames = {
        name: pl.concat([frame, second.frames[name]], how="vertical")
        for name, frame in first.frames.items()
    }
    files = pl.concat([first.files, second.files], how="vertical")
    return Batch(
        first.problems + second.problems, frames, first.processed + second.processed, files
    )


# Annotations as listed, one a row: shown name, path, seed's path (null without one) and the stat
# signature of the two files (cache.signature's form, with the code version).
LISTING_SCHEMA = pl.Schema(
    {"file": pl.String(), "annotation": pl.String(), "seed": pl.String(), "signature": pl.String()}
)


def split_by_signature(
    tasks: Sequence[DocumentTask] | pl.DataFrame,
    index: pl.DataFrame,
    version: str,
    *,
    use_signatures: bool,
    signatures: Sequence[str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The snapshot entries of the documents whose files' stat signatures are unchanged
    (KEY, signature), and the rest (LISTING_SCHEMA) to process, with their current signature
    ("" when signatures are not used). `tasks`: a listing frame (repository.list_inputs, with
    the signatures the listing took) or tuples, whose signatures are `signatures` or, without
    them, looked at now."""
    if isinstance(tasks, pl.DataFrame):
        listing = tasks.select(list(LISTING_SCHEMA))
    else:
        if signatures is None and use_signatures:
            signatures = [cache.signature(version, ann, seed) for _, ann, seed in tasks]
        files, annotations, seeds = (
            (list(column) for column in zip(*tasks, strict=True)) if tasks else ([], [], [])
        )
        listing = pl.DataFrame(
            {
                "file": files,
                "annotation": annotations,
                "seed": seeds,
                "signature": list(signatures or [""] * len(files)),
            },
            schema=LISTING_SCHEMA,
        )
    if not use_signatures:
        nothing = pl.DataFrame(schema=REUSED_SCHEMA)
        return nothing, listing.with_columns(pl.lit("").alias("signature"))
    return _split(listing, index)


def split_listing(listing: pl.DataFrame, index: pl.DataFrame) -> tuple[pl.Series, list[Task]]:
    """split_by_signature for a listing frame (LISTING_SCHEMA): the keys of the snapshot entries
    whose files' signatures are unchanged (a column: as Python strings, 100,000 keys cost a
    hundredth of a second each way), and the rest as tasks."""
    unchanged, stale = _split(listing, index)
    return unchanged.get_column(KEY), stale.rows()


def _split(listing: pl.DataFrame, index: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Column-wise: at 100,000 documents a row at a time costs a third of a second."""
    known = index.select("file", KEY, pl.col("signature").alias("_known"))
    joined = listing.join(known, on="file", how="left", maintain_order="left")
    same = pl.col("signature") == pl.col("_known")
    unchanged = joined.filter(same).select(KEY, "signature")
    stale = joined.filter(~same.fill_null(False)).select(list(LISTING_SCHEMA))
    return unchanged, stale


# Tenths of a byte of chunk files a byte of annotations and seeds makes (a million synthetic
# documents: 13.7 GB of chunk files from 3.95 GB of files; 10,000: 125 MB from 39 MB). In
# integers, so the line the decision draws is exact.
_SPOOL_TENTHS_PER_CORPUS_BYTE = 34
_SAMPLE = 1024  # documents whose sizes stand for the corpus's
_MEMINFO = Path("/proc/meminfo")


def spool_compression(work: pl.DataFrame) -> str | None:
    """ "lz4" for the chunk files of `work` (LISTING_SCHEMA) when the spool written from it
    would not stay in the memory available now, else None.

    The workers write the spool while they read the corpus; the tail then reads the spool back.
    If the spool stays in the page cache, nothing waits for the disk and compressing would only
    cost CPU: at 100,000 documents in a 3 GB cgroup, about 19 s more of the build's 90; at a
    million on this 24 GB machine (13.7 GB of spool), 476 and 459 s against 430 and 439 s
    uncompressed, because Arrow IPC compresses each buffer on its own and the tail decodes
    thousands of buffers of a few kB. If it does not stay, the tail reads it back from the disk,
    and LZ4 makes it about a quarter of its size.

    The corpus's own pages are not counted: since the corpus is read ahead chunk by chunk
    (read_ahead), a file is wanted in the cache only from shortly before its worker reads it,
    and the kernel may drop it after (counting them chose LZ4 at a million documents)."""
    available = _memory_available()
    if available is None or not work.height:
        return None
    # Every _SAMPLE-th document's sizes, scaled up: the sizes of all of them took 30 ms of the
    # command's time at 100,000 documents, before the first chunk could be sent.
    sample = work.gather_every(max(1, work.height // _SAMPLE))
    content = sample.select(
        pl.col("signature")
        .str.split(":")
        .list.slice(1)  # the code version, then the annotation's and the seed's signatures
        .list.eval(pl.element().str.extract(r"^(\d+)\.").cast(pl.Int64, strict=False))
        .explode()
        .sum()  # a missing seed has no size, and a sum skips it
    ).item()
    needed_tenths = content * _SPOOL_TENTHS_PER_CORPUS_BYTE * work.height
    # A quarter is left to the build's own memory (up to 4 GB at a million documents), to the
    # corpus's pages being read and to the snapshot written beside the tail.
    return "lz4" if needed_tenths > available * 3 // 4 * 10 * sample.height else None


def _memory_available() -> int | None:
    """The bytes of memory the kernel says are available for new data without swapping
    (MemAvailable: free memory and the page cache it can drop), or None where it does not say."""
    try:
        with _MEMINFO.open("rb") as meminfo:
            for line in meminfo:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def chunk_size(documents: int, workers: int) -> int:
    """Documents a chunk, for `documents` shared by `workers` (see _CHUNK)."""
    wanted = -(-documents // (_CHUNKS_A_WORKER * max(workers, 1)))
    return min(max(_CHUNK, wanted), max(_CHUNK, _CHUNK_AT_MOST))


def chunks_of(stale: pl.DataFrame, workers: int) -> Iterator[list[Task]]:
    """The documents to process, a chunk at a time (chunk_bounds), each chunk made as it is
    taken: as Python tuples the whole corpus's tasks cost about a kilobyte a document (a
    gigabyte of the command's memory at a million documents) before any work was done."""
    for start, length in chunk_bounds(stale.height, workers):
        yield stale.slice(start, length).rows()


def chunk_bounds(documents: int, workers: int) -> Iterator[tuple[int, int]]:
    """(first document, documents) of each chunk, in order: chunk_size documents, except the
    last `workers` chunks' worth of a pool's work, cut into chunks of a half and then a quarter
    of that. The tail waits for the last chunk: a worker whose chunks ran out sat idle until
    the other's last one was done, up to a whole chunk (1.4 s at 100,000 documents, about
    0.7 s on average). Cut smaller there, the wait is at most a quarter chunk, for 2 chunks a
    worker more (each a few more of the tail's reads of runs)."""
    size = chunk_size(documents, workers)
    start = 0
    while start < documents:
        left = documents - start
        length = size
        if workers > 1 and left <= workers * size:
            length = max(1, size // 2 if 2 * left > workers * size else size // 4)
        yield start, min(length, left)
        start += length


def run_documents(
    tasks: Sequence[DocumentTask] | pl.DataFrame,
    *,
    root: Path,
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
    signatures: Sequence[str] | None = None,
    chunk_map: ChunkMap | None = None,
    spool: Path | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Batch:
    """Process (shown name, annotation path, seed path or None) tasks, or a listing frame
    (LISTING_SCHEMA, repository.list_inputs), into problems and frames: here or in a process
    pool of `jobs` workers (`pool`, when the caller started it: a build's), or with `chunk_map`
    on another engine.

    `spool`: a folder the caller owns and removes. The chunks' frames are written there and
    never concatenated in memory: the batch's `parts` name them (and the snapshot), and
    nothing is collected (the corpus checks read them a batch at a time too), so the memory
    no longer grows with the corpus's rows."""
    version = code_version()
    snapshot = corpus_snapshot(cache_dir, root) if cache_dir is not None else None
    cached: tuple[pl.DataFrame, Mapping[str, pl.DataFrame | pl.LazyFrame]] | None = None
    if snapshot is not None:
        cached = snapshot.scan_all() if spool is not None else snapshot.load()
    old_index = cached[0] if cached is not None else pl.DataFrame(schema=INDEX_SCHEMA)
    unchanged, work = split_by_signature(
        tasks, old_index, version, use_signatures=snapshot is not None, signatures=signatures
    )
    total = len(tasks)
    saved: Future[None] | None = None
    with contextlib.ExitStack() as stack:
        folder = (
            str(spool)
            if spool is not None
            else stack.enter_context(
                tempfile.TemporaryDirectory(
                    prefix=".spool.",
                    dir=cache_dir if cache_dir is not None and cache_dir.is_dir() else None,
                    # a frame may still map a file (Windows refuses to delete it)
                    ignore_cleanup_errors=True,
                )
            )
        )
        if chunk_map is not None:
            known = frozenset(old_index.get_column(KEY).to_list())
            results = chunk_map.map_chunks(chunks_of(work, chunk_map.workers), known, version)
        else:
            files, keys = old_index.get_column("file"), old_index.get_column(KEY)
            by_file = dict(zip(files.to_list(), keys.to_list(), strict=True))
            chunks = chunks_of(work, jobs)
            routed = spool is not None  # a build's tail reads the routes
            compression = spool_compression(work) if spool is not None else None
            results = _map_chunks(
                chunks, jobs, by_file, version, folder, work.height, routed, pool, compression
            )
        found, new_index, new_parts, new_files, routes = _collect(
            results, work.height, progress, spool
        )
        del work
        unchanged = pl.concat([unchanged, found])
        lazy, index, processed, drift = _merge_with_snapshot(
            cached, old_index, unchanged, new_index, new_parts
        )
        # Rewriting the snapshot costs as much as writing every row of the corpus (over a
        # gigabyte at 100,000 documents); until 1% of it is out of date, processing those few
        # documents again on the next run is cheaper. What a run returns never depends on this.
        resave = snapshot is not None and (cached is None or drift * _RESAVE_EVERY >= total)
        if spool is None:
            frames = {name: part.collect() for name, part in lazy.items()}
            if resave and snapshot is not None:
                snapshot.save(index, frames)
            parts: dict[str, Spooled] = {}
        else:
            reused = unchanged.get_column(KEY)
            schemas = {name: frame.collect_schema() for name, frame in lazy.items()}
            parts = {
                name: Spooled(
                    schemas[name],
                    tuple(new_files[name]),
                    str(snapshot.directory / f"{name}.arrow")
                    if snapshot is not None and cached is not None and reused.len()
                    else None,
                    # every entry still current (nothing changed): no filter to apply
                    None if reused.len() == old_index.height else reused,
                    tuple(routes[name]),
                )
                for name in FRAME_NAMES
            }
            if resave and snapshot is not None and cached is None and pool is not None:
                # No old snapshot is read: the new one is written by the workers of the
                # caller's pool, its frames shared among them, while the build goes on from
                # the spool's files, the same rows; the caller waits for it (Batch.saving).
                # The pool is otherwise idle until the corpus checks end, and these run alone
                # in this process: in a thread here the write's Python held the interpreter
                # lock they need.
                saved = snapshot.write_in(pool, jobs, index, parts)
            elif resave and snapshot is not None and cached is None:
                # The same in a thread (pyarrow's reads and writes release the lock).
                from concurrent.futures import ThreadPoolExecutor

                writer = ThreadPoolExecutor(1, thread_name_prefix="snapshot")
                saved = writer.submit(snapshot.write, index, parts)
                writer.shutdown(wait=False)
            elif resave and snapshot is not None:
                # Written into the new snapshot a batch at a time, which then holds exactly
                # these frames: they are read from there (the old snapshot's files are gone).
                snapshot.write(index, parts)
                parts = {
                    name: Spooled(part.schema, snapshot=str(snapshot.directory / f"{name}.arrow"))
                    for name, part in parts.items()
                }
            frames = {}
    problems = [
        p for text in index.get_column("problems").to_list() for p in problems_from_json(text)
    ]
    return Batch(problems, frames, processed, index.select(list(FILES_SCHEMA)), parts, saved)


def _collect(
    results: Iterable[ChunkResult],
    total: int,
    progress: bool,
    spool: Path | None = None,
) -> tuple[
    pl.DataFrame,
    pl.DataFrame,
    dict[str, list[pl.LazyFrame]],
    dict[str, list[str]],
    dict[str, list[Route]],
]:
    """The snapshot entries found again by content (KEY, signature), the index rows of the
    documents processed now, and their frames as parts. A pool's workers write their chunks'
    frames to files in `spool` and send back only their names: the parent reads each frame
    once, whole, at the end, instead of holding thousands of chunks' bytes (at 100,000
    documents, twice the memory of the frames themselves). Frames sent back as bytes (this
    process, another engine) go to `spool` too when there is one. The index rows are kept a
    frame a chunk: as Python strings they cost half a kilobyte a document. Last, each file's
    route (runner.process_chunk), for the frames of the release's tables."""
    reused: list[pl.DataFrame] = [pl.DataFrame(schema=REUSED_SCHEMA)]
    index: list[pl.DataFrame] = [pl.DataFrame(schema=INDEX_SCHEMA)]
    new_parts: dict[str, list[pl.LazyFrame]] = {name: [] for name in FRAME_NAMES}
    new_files: dict[str, list[str]] = {name: [] for name in FRAME_NAMES}  # the same, as files
    routes: dict[str, list[Route]] = {name: [] for name in FRAME_NAMES}  # a file's each
    for result in _with_progress(results, total, progress):
        if result.reused[KEY]:
            reused.append(pl.DataFrame(result.reused, schema=REUSED_SCHEMA))
        if result.index[KEY]:
            index.append(pl.DataFrame(result.index, schema=INDEX_SCHEMA))
        for name, data in result.frames.items():
            if spool is None:
                new_parts[name].append(pl.read_ipc(io.BytesIO(data)).lazy())
                continue
            written = spool / f"{uuid.uuid4().hex}.{name}.arrow"
            written.write_bytes(data)
            new_files[name].append(str(written))
            if name in result.routes:
                routes[name].append(result.routes[name])
        for name, path in result.spooled.items():
            # With a spool only the file names are kept (spooled.py reads them): a lazy scan
            # of each of a million documents' chunk files held its own copy of the schema.
            if spool is None:
                new_parts[name].append(pl.scan_ipc(path))
            else:
                new_files[name].append(path)
                if name in result.routes:
                    routes[name].append(result.routes[name])
    return pl.concat(reused), pl.concat(index), new_parts, new_files, routes


def _merge_with_snapshot(
    cached: tuple[pl.DataFrame, Mapping[str, pl.DataFrame | pl.LazyFrame]] | None,
    old_index: pl.DataFrame,
    reused: pl.DataFrame,
    new_index: pl.DataFrame,
    new_parts: dict[str, list[pl.LazyFrame]],
) -> tuple[dict[str, pl.LazyFrame], pl.DataFrame, int, int]:
    """The corpus's frames and index: the snapshot's entries still current, and the new ones.
    Also the number of documents processed now, and of snapshot entries now out of date."""
    keep = pl.col(KEY).is_in(reused.get_column(KEY).implode())
    index_parts = [
        old_index.drop("signature").join(reused, on=KEY, how="inner").select(list(INDEX_SCHEMA)),
        new_index,
    ]
    empty = empty_frames()
    frames: dict[str, pl.LazyFrame] = {}
    for name in FRAME_NAMES:
        parts = [empty[name].lazy(), *new_parts[name]]
        if cached is not None and reused.height:
            parts.insert(1, cached[1][name].lazy().filter(keep))
        frames[name] = pl.concat(parts, how="vertical", rechunk=False)
    index = pl.concat(index_parts, how="vertical")
    processed = new_index.height
    # Entries the snapshot has wrong: documents processed now, and entries no longer used.
    return frames, index, processed, processed + old_index.height - index_parts[0].height


def _map_chunks(
    chunks: Iterable[list[Task]],
    jobs: int,
    known: Mapping[str, str],
    version: str,
    spool: str,
    documents: int,
    route: bool = True,
    pool: ProcessPoolExecutor | None = None,
    compression: str | None = None,
) -> Iterator[ChunkResult]:
    """`process_chunk` over `chunks` (of `documents` in all), in order: here, or in a pool of
    `jobs` workers (`pool`, already started, or one started for them). `known`: the snapshot's
    key of each file it holds; `route`: whether the rows are routed for a build's tail;
    `compression`: the codec of the chunk files written to `spool`."""

    def job(chunk: list[Task], folder: str | None) -> ChunkJob:
        keys = frozenset(known[task[0]] for task in chunk if task[0] in known)
        return ChunkJob(chunk, keys, version, folder, route, compression if folder else None)

    # Starting workers costs about a second (spawn + imports): only worth it for real work.
    if jobs <= 1 or -(-documents // _CHUNK) < _POOL_CHUNKS:
        # In this process: the frames stay in memory.
        yield from (_process_chunk(job(chunk, None)) for chunk in chunks)
        return
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(spawned_pool(jobs))
        # The files of the chunks submitted are asked into the page cache (when it lacks them)
        # while the workers process the ones before: read_ahead.py.
        ahead = stack.enter_context(ReadAhead())
        # A window of chunks ahead of the one taken next, not every chunk at once (Executor.map
        # submits them all, and each waiting chunk's tasks stay in this process's memory).
        pending: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_process_chunk, job(chunk, spool)))
            ahead.add(path for task in chunk for path in task[1:3])
            if len(pending) >= jobs * _CHUNKS_AHEAD_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def spawned_pool(jobs: int) -> ProcessPoolExecutor:
    """`jobs` worker processes (the per-document step's, or a build's: release/tasks.py)."""
    # Imported here: a small validation never starts a pool, and these cost a fifth of a second.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: polars runs a thread pool, and a forked child can inherit it mid-lock.
    return ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_started
    )


def _worker_started() -> None:
    """A pool worker's start. Unpickling this function imported this module, and with it the
    per-document work's (the models, polars, the parsers): frozen out of the collector's
    traversals from here on (collector.py)."""
    settle_worker()


def _with_progress(results: Iterable[ChunkResult], total: int, show: bool) -> Iterator[ChunkResult]:
    if not show or total < 1000 or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("documents", total=total)
        for result in results:
            bar.advance(task, len(result.reused[KEY]) + len(result.index[KEY]))
            yield result
