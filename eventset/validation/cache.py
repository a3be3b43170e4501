"""The validation cache: the last run's per-document frames as one Arrow snapshot per corpus.

Each document is keyed by a hash of the code version (with everything else that can change a
verdict: library versions, limits, the YAML parser choice), its file name and both files' bytes
(their SHA-256 digests, which the tables' sha256 columns reuse: `document.cache_key`); a
document whose key is in the snapshot is not parsed again. A file
whose stat signature is unchanged is not even read. The snapshot lives outside the repository
(see `default_cache_dir`) and is Arrow, never pickle.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import shutil
import tempfile
import unicodedata
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import polars as pl
from yaml import _yaml as yaml_c

from eventset.inputs.scan import signature_of
from eventset.inputs.yaml_fast import parser_choice
from eventset.inputs.yaml_text import DEFAULT_LIMITS

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from eventset.validation.snapshot_keys import KeyCodes


@dataclass(frozen=True)
class OneOf:
    """The rows of a frame whose `column` holds one of `values`."""

    column: str
    values: tuple[str, ...]


class Spooled(Protocol):
    """A frame on disk that writes itself a batch at a time (spooled.Spooled)."""

    @property
    def files(self) -> tuple[str, ...]: ...

    def write(self, keys: KeyCodes, targets: Mapping[Path, OneOf | None]) -> None: ...


KEY = "_key"  # the document key column every cached frame carries
# The references one document can share with another (the rest name registry entries): kept
# apart in the snapshot too, a fifth of all references, for checking a few files against it.
SHARED_KINDS = ("event_used", "claim_defined")
SHARED_REFERENCES = "shared_references"
SHARED = OneOf("kind", SHARED_KINDS)


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
def _code_digest() -> str:
    """A hash of the package's code and vocabularies."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in {".py", ".yaml"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _readers() -> str:
    """The versions of what reads a file besides our code: the parsers, the models, and Python
    with its Unicode tables (which say what a space is)."""
    libraries = (f"{name} {metadata.version(name)}" for name in ("PyYAML", "rapidyaml", "pydantic"))
    return "; ".join(
        [
            f"python {platform.python_version()}",
            f"unicode {unicodedata.unidata_version}",
            f"libyaml {yaml_c.get_version_string()}",
            *libraries,
        ]
    )


def code_version() -> str:
    """Everything besides the files themselves that can change a verdict: the package's code and
    vocabularies, the versions of the libraries that read the files, the limits, and which
    parsers may read YAML in this process (`EVENTSET_YAML`). Any change invalidates every cached
    result, so a verdict reached under one parser is never served under the other."""
    facts = [_code_digest(), _readers(), repr(DEFAULT_LIMITS), parser_choice()]
    return hashlib.sha256("\0".join(facts).encode()).hexdigest()


INDEX_SCHEMA: dict[str, pl.DataType] = {
    KEY: pl.String(),
    "file": pl.String(),
    "problems": pl.String(),
    "signature": pl.String(),
}


class Snapshot:
    """The cache: the last run's frames plus an index (key, file, problems as JSON)."""

    def __init__(self, directory: Path, schemas: Mapping[str, pl.Schema]) -> None:
        self.directory = directory
        self.schemas = schemas  # frame name -> the schema its cached frame must have

    def load(self) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]] | None:
        try:
            index = pl.read_ipc(self.directory / "index.arrow").cast(pl.Schema(INDEX_SCHEMA))
            frames = {name: pl.read_ipc(self.directory / f"{name}.arrow") for name in self.schemas}
        except (OSError, pl.exceptions.PolarsError):
            return None  # a missing or damaged snapshot is rebuilt, never trusted
        if any(frames[name].schema != schema for name, schema in self.schemas.items()):
            return None
        return index, frames

    def scan_all(self) -> tuple[pl.DataFrame, dict[str, pl.LazyFrame]] | None:
        """As `load`, but every frame a lazy scan: nothing of the frames is read yet."""
        index = self.load_index()
        if index is None:
            return None
        try:
            frames = {name: self.scan(name) for name in self.schemas}
            if any(frames[name].collect_schema() != s for name, s in self.schemas.items()):
                return None
        except (OSError, pl.exceptions.PolarsError):
            return None
        return index, frames

    def load_index(self) -> pl.DataFrame | None:
        """The index alone (key, file, problems, signature): what a few files are checked
        against, without reading a gigabyte of frames."""
        try:
            return pl.read_ipc(self.directory / "index.arrow").cast(pl.Schema(INDEX_SCHEMA))
        except (OSError, pl.exceptions.PolarsError):
            return None

    def has(self, name: str) -> bool:
        return (self.directory / f"{name}.arrow").is_file()

    def scan(self, name: str) -> pl.LazyFrame:
        """One cached frame, read lazily: a filter reads only what it keeps."""
        return pl.scan_ipc(self.directory / f"{name}.arrow")

    def save(self, index: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> None:
        self._replace(index, frames)

    def write(self, index: pl.DataFrame, frames: Mapping[str, Spooled]) -> None:
        """Replace the snapshot with `index` and `frames`, each frame written a record batch at
        a time (the frames may read the old snapshot: it is retired once the new one is whole)."""
        self._replace(index, frames)

    def write_in(
        self,
        pool: ProcessPoolExecutor,
        workers: int,
        index: pl.DataFrame,
        frames: Mapping[str, Spooled],
    ) -> Future[None]:
        """`write` by the pool's workers, the frames shared among them in tasks of about equal
        bytes (`shares`); done once the new snapshot is in place. A cold build writes its
        snapshot while this process runs the corpus checks: in one task, one worker wrote it
        (2.4 s at 100,000 documents) while the other had nothing to do until the checks were
        done, a second or more."""
        staging = self._staging()
        keys = index.get_column(KEY)
        tasks = [
            # The index is written by the first task; the others are sent only its keys.
            pool.submit(self.write_frames, staging, keys if n else index, share)
            for n, share in enumerate(shares(frames, workers))
        ]
        # A thread of its own waits for them and swaps the snapshot in: done callbacks would
        # run in the pool's own thread, or in this one when a task is done already.
        waiting = ThreadPoolExecutor(1, thread_name_prefix="snapshot")
        swapped = waiting.submit(self._swap_after, tasks, staging)
        waiting.shutdown(wait=False)
        return swapped

    def _swap_after(self, tasks: list[Future[None]], staging: Path) -> None:
        try:
            for task in tasks:
                task.result()
            self._swap(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _replace(
        self, index: pl.DataFrame, frames: Mapping[str, pl.DataFrame] | Mapping[str, Spooled]
    ) -> None:
        staging = self._staging()
        try:
            self.write_frames(staging, index, frames)
            self._swap(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _staging(self) -> Path:
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".snapshot.", dir=self.directory.parent))

    def write_frames(
        self,
        staging: Path,
        index: pl.DataFrame | pl.Series,
        frames: Mapping[str, pl.DataFrame] | Mapping[str, Spooled],
    ) -> None:
        """`frames` into the snapshot being made in `staging`, their key columns coded against
        the index's document keys. `index`: the index, written too; or, where another task
        writes it, its document keys alone."""
        if isinstance(index, pl.DataFrame):
            index.write_ipc(staging / "index.arrow")
        keys = index.get_column(KEY) if isinstance(index, pl.DataFrame) else index
        codes: KeyCodes | None = None
        for name, frame in frames.items():
            if isinstance(frame, pl.DataFrame):
                frame.write_ipc(staging / f"{name}.arrow")
                if name == "references":
                    shared = pl.col(SHARED.column).is_in(SHARED.values)
                    frame.filter(shared).write_ipc(staging / f"{SHARED_REFERENCES}.arrow")
                continue
            targets: dict[Path, OneOf | None] = {staging / f"{name}.arrow": None}
            if name == "references":  # both from one pass over the rows
                targets[staging / f"{SHARED_REFERENCES}.arrow"] = SHARED
            if codes is None:
                from eventset.validation.snapshot_keys import KeyCodes

                codes = KeyCodes(keys)
            frame.write(codes, targets)

    def _swap(self, staging: Path) -> None:
        """The snapshot made in `staging` put in place of the old one, which is then removed."""
        retired = self.directory.with_name(self.directory.name + f".old.{os.getpid()}")
        if self.directory.exists():
            self.directory.rename(retired)
        staging.rename(self.directory)
        shutil.rmtree(retired, ignore_errors=True)


def shares(frames: Mapping[str, Spooled], count: int) -> list[dict[str, Spooled]]:
    """`frames` in at most `count` shares of about equal bytes on disk, each frame (largest
    first) to the share with the fewest bytes so far; no share is empty. A frame's write costs
    about its bytes (2.4 s at 100,000 documents: mentions 0.8 s, documents 0.6 s, references
    0.3 s, claims and events 0.2 to 0.3 s, the rest less)."""

    def size(frame: Spooled) -> int:
        return sum(Path(path).stat().st_size for path in frame.files)

    sizes = {name: size(frame) for name, frame in frames.items()}
    out: list[dict[str, Spooled]] = [{} for _ in range(max(1, min(count, len(frames))))]
    held = [0] * len(out)
    for name in sorted(frames, key=lambda name: -sizes[name]):
        lightest = held.index(min(held))
        out[lightest][name] = frames[name]
        held[lightest] += sizes[name]
    return [share for share in out if share] or [{}]


def snapshot_for(cache_dir: Path, root: Path, schemas: Mapping[str, pl.Schema]) -> Snapshot:
    name = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:16]
    return Snapshot(cache_dir / "snapshots" / name, schemas)


MISSING = "missing"  # the signature of a file that is not there


def signature(version: str, annotation: str, seed: str | None) -> str:
    """What git's index compares: size, modification time, change time and inode of both files.
    An unchanged signature reuses the snapshot entry without reading the files; any change sends
    the document to the content hash, which decides. The change time is what makes this safe:
    an editor can keep the size and set the modification time back, but every write moves
    st_ctime, and nothing short of the system clock can set it back."""
    parts = [version]
    for path in (annotation, seed):
        try:
            if path is None:
                raise FileNotFoundError
            st = os.lstat(path)
        except OSError:
            parts.append(MISSING)
            continue
        parts.append(signature_of(st))
    return ":".join(parts)
