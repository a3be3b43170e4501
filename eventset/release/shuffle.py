"""The snapshot's rows routed to their months (or fine event buckets), as tasks a pool can run.

The workers' chunk files are written routed (routes.py); the rows a warm full build reuses from
the snapshot (a numbered release after a build) are not, and are routed here. The snapshot is
cut into slices of consecutive record batches of about _SLICE_BYTES; each slice is one task,
which reads only its batches and writes one Arrow IPC file per label into a folder of its own.
A month's (or a fine bucket's) snapshot rows are then the files of every slice, taken in the
slices' order: the rows, in the order one pass over the snapshot would have routed them
(release/months.py puts them before the chunk files' rows, as one pass over the frame would).

Tasks are plain values and functions of this module, so they pickle to a process pool's worker;
they read and write the spool folder, so they run where it is (this machine).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eventset.release.partitions import PART
from eventset.release.routes import with_label
from eventset.validation.cache import KEY
from eventset.validation.spooled import DocumentKeys, Spooled

# Spooled bytes one task routes: a few times this in memory (the rows, their partitions, the
# Arrow copies written), and enough tasks at 100,000 documents to keep every worker busy.
_SLICE_BYTES = 48_000_000


@dataclass(frozen=True)
class Segment:
    """Record batches [first, stop) of the IPC file `path`; `keep`: when set, only the rows
    whose document key is in the IPC file it names (a snapshot's entries still current: a
    file, not the keys, so that a task stays small to send)."""

    path: str
    first: int
    stop: int
    keep: str | None = None


@dataclass(frozen=True)
class Slice:
    """Consecutive record batches of the snapshot's file of a frame."""

    segments: tuple[Segment, ...]

    def frame(self, schema: pl.Schema) -> pl.DataFrame:
        """The slice's rows, cast to the spooled frame's `schema`."""
        import pyarrow.ipc as ipc

        frames = [pl.DataFrame(schema=schema)]
        for segment in self.segments:
            keep = None if segment.keep is None else pl.read_ipc(segment.keep).to_series()
            # The file's dictionary of document keys converted once, as Spooled reads it.
            keys = DocumentKeys(schema.get(KEY, pl.Categorical()), keep)
            with ipc.open_file(segment.path) as reader:
                for i in range(segment.first, segment.stop):
                    batch = keys.frame(reader.get_batch(i))
                    if batch.height:
                        frames.append(batch.cast(schema))
        return pl.concat(frames, how="vertical", rechunk=False)


def slices(spooled: Spooled, folder: Path, size: int | None = None) -> list[Slice]:
    """`spooled`'s snapshot rows (none without a snapshot) as slices of about `size` bytes
    (_SLICE_BYTES), in the file's order; the keys they are filtered on go to a file in
    `folder`."""
    import pyarrow.ipc as ipc

    if spooled.snapshot is None:
        return []
    size = size or _SLICE_BYTES
    keep = None
    if spooled.keep is not None:
        folder.mkdir(parents=True, exist_ok=True)
        keep = str(folder / "keep.arrow")
        spooled.keep.to_frame().write_ipc(keep)
    path = spooled.snapshot
    with ipc.open_file(path) as reader:
        batches = reader.num_record_batches
    # The batches that fill a slice (one at least).
    step = max(1, math.ceil(size / (Path(path).stat().st_size / max(1, batches))))
    return [
        Slice((Segment(path, first, min(batches, first + step), keep),))
        for first in range(0, batches, step)
    ]


@dataclass(frozen=True)
class ShuffleTask:
    """One slice of table `table`'s snapshot rows, to route into `folder`, as routes.py routes
    a chunk's: documents rows to the month they were published; claims and mentions rows to
    their document's, read from the IPC file `labels` (document_id, PART); events and
    event_actors rows to their fine bucket."""

    table: str
    schema: pl.Schema
    source: Slice
    folder: str
    labels: str | None = None


def shuffle(task: ShuffleTask) -> dict[str, str]:
    """The slice routed: {label: the file of its rows}."""
    rows = task.source.frame(task.schema).drop(KEY)
    labels = pl.read_ipc(task.labels) if task.labels is not None else None
    return write_labelled(with_label(task.table, rows, labels), Path(task.folder))


def write_labelled(frame: pl.DataFrame, folder: Path) -> dict[str, str]:
    """`frame`'s rows, each to `folder`/LABEL.arrow by its PART column (not written), in the
    frame's order: {label: file}."""
    written = {}
    for label, rows in by_label(frame):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{label}.arrow"
        rows.write_ipc(path, compression="uncompressed")
        written[label] = str(path)
    return written


def by_label(frame: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    parts = frame.partition_by(PART, as_dict=True, include_key=False, maintain_order=True)
    for (label,), rows in sorted(parts.items(), key=lambda item: str(item[0][0])):
        yield str(label), rows


def gathered(routed: list[Mapping[str, str]]) -> dict[str, list[str]]:
    """The files of each label over tasks, in the tasks' order: {label: files}, by label."""
    out: dict[str, list[str]] = {}
    for files in routed:
        for label, path in files.items():
            out.setdefault(label, []).append(path)
    return dict(sorted(out.items()))
