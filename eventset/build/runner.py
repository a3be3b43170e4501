"""Running per-document work over many files: a content-hash cache and a process pool.

This is the edge where files are read; `process_document` itself stays pure. Results are cached
as JSON (never pickle) under a key made of the code version and both files' bytes, so an edit
to one file re-processes one document.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from eventset.build.document import DocumentResult, cache_key, process_document
from eventset.build.seeds import MAX_SEED_BYTES
from eventset.build.yamlfile import DEFAULT_LIMITS
from eventset.problems import Problem, problem


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


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> DocumentResult | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_bytes())
            result = DocumentResult.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or damaged entry is recomputed, never trusted
        return result

    def put(self, key: str, result: DocumentResult) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: readers see the old entry or the new one, never half


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


def _read(path: Path, limit: int) -> bytes | None:
    try:
        return read_bounded(path, limit)
    except OSError:
        return None


def _one(task: tuple[str, str, str, str | None, str]) -> DocumentResult:
    file, annotation_path, seed_path, cache_dir, version = task
    raw = _read(Path(annotation_path), DEFAULT_LIMITS.max_bytes)
    if raw is None:
        stem = Path(file).stem
        return DocumentResult(file, stem, [problem("E111", file, 1, 1, "Cannot read the file.")])
    seed_raw = _read(Path(seed_path), MAX_SEED_BYTES)
    cache = Cache(Path(cache_dir)) if cache_dir else None
    key = cache_key(version, file, raw, seed_raw)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    result = process_document(file, raw, seed_raw)
    if cache is not None:
        cache.put(key, result)
    return result


def run_documents(
    tasks: Sequence[tuple[str, Path, Path]],
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> list[DocumentResult]:
    """Process (shown name, annotation path, seed path) tasks; results come back in task order."""
    version = code_version()
    work = [
        (file, str(a), str(s), str(cache_dir) if cache_dir else None, version)
        for file, a, s in tasks
    ]
    if jobs <= 1 or len(work) < 2:
        results: Iterable[DocumentResult] = map(_one, work)
        return list(_with_progress(results, len(work), progress))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, min(256, len(work) // (jobs * 8)))
        return list(_with_progress(pool.map(_one, work, chunksize=chunk), len(work), progress))


def _with_progress(
    results: Iterable[DocumentResult], total: int, show: bool
) -> Iterator[DocumentResult]:
    if not show or total < 200 or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("documents", total=total)
        for result in results:
            bar.advance(task)
            yield result


def problems_of(results: Iterable[DocumentResult]) -> list[Problem]:
    return [p for result in results for p in result.problems]
