"""Running per-document work over a corpus: a process pool, columnar results, a content cache.

This is the edge where files are read; `process_document` itself stays pure. Workers take
documents in chunks and send back Arrow IPC frames (cheap to move between processes, unlike
thousands of Python objects). The cache is a snapshot of the last run's frames, keyed per
document by a hash of the code version, the file name and both files' bytes: a document whose
key is in the snapshot is not parsed again, so an edit to one file re-processes one document.
The snapshot lives outside the repository (see `default_cache_dir`) and is Arrow, never pickle.
"""

from __future__ import annotations

import functools
import hashlib
import io
import multiprocessing
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from eventset.build.compile import COLUMNS, Columns
from eventset.build.document import (
    EVENT_FACT_COLUMNS,
    REFERENCE_COLUMNS,
    cache_key,
    problems_from_json,
    problems_to_json,
    process_document,
)
from eventset.build.seeds import MAX_SEED_BYTES
from eventset.build.yamlfile import DEFAULT_LIMITS
from eventset.problems import Problem, problem
from eventset.schema.contracts import POLARS_TYPES
from eventset.schema.tables import TABLES_BY_NAME

KEY = "_key"  # the document key column every cached frame carries
FRAME_NAMES = (*COLUMNS, "references", "event_facts")
_CHUNK = 256


def default_cache_dir() -> Path:
    """Outside the repository on purpose: a cache inside the checkout could be planted by a pull
    request with entries that declare a bad file clean. EVENTSET_CACHE_DIR overrides it."""
    configured = os.environ.get("EVENTSET_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventset" / "documents"


_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def code_version() -> str:
    """A hash of the package's code and vocabularies: any change invalidates every cached result."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in {".py", ".yaml"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _schema(name: str) -> dict[str, pl.DataType]:
    if name == "references":
        return dict.fromkeys(REFERENCE_COLUMNS, pl.String())
    if name == "event_facts":
        return dict.fromkeys(EVENT_FACT_COLUMNS, pl.String())
    table = TABLES_BY_NAME[name]
    declared = {col.name: POLARS_TYPES[col.dtype] for col in table.columns}
    extra: dict[str, pl.DataType] = {"document_id": pl.String(), "published": pl.Date()}
    return {col: declared.get(col, extra.get(col, pl.String())) for col in COLUMNS[name]}


def frame_of(name: str, columns: Columns) -> pl.DataFrame:
    return pl.DataFrame(columns, schema={**_schema(name), KEY: pl.String()}, strict=False)


def empty_frames() -> dict[str, pl.DataFrame]:
    return {name: frame_of(name, {}) for name in FRAME_NAMES}


def read_bounded(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file: enough to prove it is over the limit, so a
    100 MB file is never read into memory. The size is checked on the open descriptor (no race
    with a swapped file), and O_NOFOLLOW refuses a symlink planted after the path was checked.
    Raises OSError for anything that is not a readable regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read(limit + 1)  # read(n) stops at n even if the file grows meanwhile


def _read(path: str, limit: int) -> bytes | None:
    try:
        return read_bounded(Path(path), limit)
    except OSError:
        return None


# Per-worker state, set once by the pool initializer rather than sent with every chunk.
_known: frozenset[str] = frozenset()
_version = ""


def _init(known: frozenset[str], version: str) -> None:
    global _known, _version
    _known, _version = known, version


INDEX_SCHEMA: dict[str, pl.DataType] = {
    KEY: pl.String(),
    "file": pl.String(),
    "problems": pl.String(),
    "signature": pl.String(),
}


@dataclass
class _ChunkResult:
    reused: dict[str, list[str]] = field(
        default_factory=lambda: {KEY: [], "signature": []}
    )  # in the snapshot
    index: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in INDEX_SCHEMA})
    frames: dict[str, bytes] = field(default_factory=dict)  # Arrow IPC of the new rows


def _process_chunk(chunk: Sequence[tuple[str, str, str, str]]) -> _ChunkResult:
    out = _ChunkResult()
    joined: dict[str, Columns] = {
        name: {col: [] for col in [*_schema(name), KEY]} for name in FRAME_NAMES
    }
    for file, annotation_path, seed_path, signature in chunk:
        raw = _read(annotation_path, DEFAULT_LIMITS.max_bytes)
        if raw is None:
            unread = [problem("E111", file, 1, 1, "Cannot read the file.")]
            key = cache_key(_version, file, b"\x00unreadable", None)
            for name, value in zip(
                INDEX_SCHEMA, (key, file, problems_to_json(unread), ""), strict=True
            ):
                out.index[name].append(value)
            continue
        seed_raw = _read(seed_path, MAX_SEED_BYTES)
        key = cache_key(_version, file, raw, seed_raw)
        if key in _known:  # same bytes as a snapshot entry, only the file's stat changed
            out.reused[KEY].append(key)
            out.reused["signature"].append(signature)
            continue
        result = process_document(file, raw, seed_raw)
        for name, value in zip(
            INDEX_SCHEMA, (key, file, problems_to_json(result.problems), signature), strict=True
        ):
            out.index[name].append(value)
        for name, columns in result.tables.items():
            rows = len(next(iter(columns.values()), []))
            for col, values in columns.items():
                joined[name][col].extend(values)
            joined[name][KEY].extend([key] * rows)
    for name, columns in joined.items():
        if columns[KEY]:
            buffer = io.BytesIO()
            frame_of(name, columns).write_ipc(buffer)
            out.frames[name] = buffer.getvalue()
    return out


@dataclass
class Batch:
    """The outcome of processing a corpus: per-document problems and the concatenated frames."""

    problems: list[Problem]
    frames: dict[str, pl.DataFrame]
    processed: int  # documents parsed this time (the rest came from the cache)


class Snapshot:
    """The cache: the last run's frames plus an index (key, file, problems as JSON)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load(self) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]] | None:
        try:
            index = pl.read_ipc(self.directory / "index.arrow").cast(pl.Schema(INDEX_SCHEMA))
            frames = {name: pl.read_ipc(self.directory / f"{name}.arrow") for name in FRAME_NAMES}
        except (OSError, pl.exceptions.PolarsError):
            return None  # a missing or damaged snapshot is rebuilt, never trusted
        expected = empty_frames()
        if any(frames[name].schema != expected[name].schema for name in FRAME_NAMES):
            return None
        return index, frames

    def save(self, index: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> None:
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot.", dir=self.directory.parent))
        try:
            index.write_ipc(staging / "index.arrow")
            for name, frame in frames.items():
                frame.write_ipc(staging / f"{name}.arrow")
            retired = self.directory.with_name(self.directory.name + f".old.{os.getpid()}")
            if self.directory.exists():
                self.directory.rename(retired)
            staging.rename(self.directory)
            shutil.rmtree(retired, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def snapshot_for(cache_dir: Path, root: Path) -> Snapshot:
    name = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:16]
    return Snapshot(cache_dir / "snapshots" / name)


def _signature(version: str, annotation: Path, seed: Path) -> str:
    """What make and git's index compare: size, modification time and inode of both files. An
    unchanged signature reuses the snapshot entry without reading the files; any change sends
    the document to the content hash, which decides."""
    parts = [version]
    for path in (annotation, seed):
        try:
            st = path.lstat()
        except OSError:
            parts.append("missing")
            continue
        parts.append(f"{st.st_size}.{st.st_mtime_ns}.{st.st_ino}")
    return ":".join(parts)


def run_documents(
    tasks: Sequence[tuple[str, Path, Path]],
    *,
    root: Path,
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> Batch:
    """Process (shown name, annotation path, seed path) tasks into problems and frames."""
    version = code_version()
    snapshot = snapshot_for(cache_dir, root) if cache_dir is not None else None
    cached = snapshot.load() if snapshot is not None else None
    old_index = cached[0] if cached is not None else pl.DataFrame(schema=INDEX_SCHEMA)
    known = frozenset(old_index.get_column(KEY).to_list())
    by_file = {
        file: (sig, key)
        for key, file, sig in old_index.select(KEY, "file", "signature").iter_rows()
    }
    unchanged: dict[str, list[str]] = {KEY: [], "signature": []}
    work = []
    for file, annotation, seed in tasks:
        signature = _signature(version, annotation, seed) if snapshot is not None else ""
        previous = by_file.get(file)
        if previous is not None and signature and previous[0] == signature:
            unchanged[KEY].append(previous[1])
            unchanged["signature"].append(signature)
        else:
            work.append((file, str(annotation), str(seed), signature))
    chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
    results = list(_with_progress(_map_chunks(chunks, jobs, known, version), len(work), progress))

    reused = pl.DataFrame(
        {
            col: unchanged[col] + [v for r in results for v in r.reused[col]]
            for col in (KEY, "signature")
        },
        schema={KEY: pl.String(), "signature": pl.String()},
    )
    new_index = pl.DataFrame(
        {col: [v for r in results for v in r.index[col]] for col in INDEX_SCHEMA},
        schema=INDEX_SCHEMA,
    )
    keep = pl.col(KEY).is_in(reused.get_column(KEY).implode())
    index_parts = [
        old_index.drop("signature").join(reused, on=KEY, how="inner").select(list(INDEX_SCHEMA)),
        new_index,
    ]
    frame_parts: dict[str, list[pl.DataFrame]] = {name: [] for name in FRAME_NAMES}
    if cached is not None and reused.height:
        for name in FRAME_NAMES:
            frame_parts[name].append(cached[1][name].filter(keep))
    for r in results:
        for name, data in r.frames.items():
            frame_parts[name].append(pl.read_ipc(io.BytesIO(data)))
    empty = empty_frames()
    frames = {
        name: pl.concat([empty[name], *frame_parts[name]], how="vertical") for name in FRAME_NAMES
    }
    index = pl.concat(index_parts, how="vertical")
    processed = new_index.height
    if snapshot is not None and (work or cached is None or index.height != old_index.height):
        snapshot.save(index, frames)
    problems = [
        p for text in index.get_column("problems").to_list() for p in problems_from_json(text)
    ]
    return Batch(problems, frames, processed)


def _map_chunks(
    chunks: list[list[tuple[str, str, str, str]]], jobs: int, known: frozenset[str], version: str
) -> Iterator[_ChunkResult]:
    # Starting workers costs about a second (spawn + imports): only worth it for real work.
    if jobs <= 1 or len(chunks) < 4:
        _init(known, version)
        yield from map(_process_chunk, chunks)
        return
    # spawn, not fork: polars runs a thread pool, and a forked child can inherit it mid-lock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init, initargs=(known, version)
    ) as pool:
        yield from pool.map(_process_chunk, chunks)


def _with_progress(
    results: Iterable[_ChunkResult], total: int, show: bool
) -> Iterator[_ChunkResult]:
    if not show or total < 1000 or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("documents", total=total)
        for result in results:
            bar.advance(task, len(result.reused[KEY]) + len(result.index[KEY]))
            yield result
