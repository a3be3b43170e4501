"""Rows routed to their months where they are made: the per-document workers' chunk files.

A worker writes each chunk's documents, claims, mentions, events and event_actors rows grouped
by the label of the file they go to (runner.process_chunk), a record batch a label, a label's
rows in the order they were made, and says which batch holds which label (a `Route`). The tail
then reads a label's batches straight from the chunk files (`Rows`: a file and a run of its
batches) and never writes them again (release/months.py); only rows reused from the snapshot
(a warm full build) are routed after the fact, by the shuffle (shuffle.py).

- documents: the month they were published;
- claims, mentions: their document's month, from the chunk's own documents rows. A document's
  claims and mentions are compiled from the same annotation as its documents row, hence in the
  same chunk; a row whose document is not in the chunk goes to `undated`, as the shuffle's left
  join sends it. The shuffle keeps the first documents row of an id over the whole corpus, a
  chunk its own: they differ only for an id that two documents share, a release's primary key
  failure, so no release is written from either;
- events, event_actors: one of FINE_BUCKETS buckets of a hash of the event id. How many merges
  there are is known only once every chunk is in (months.py: about one per 250,000 reported
  rows); a merge takes a run of consecutive fine buckets, so its rows are one run of batches
  of each chunk file (labels sort as numbers: zero-padded). A merged event depends only on its own
  event's rows, and the month tasks sort by key, so the release does not depend on how the
  fine buckets are grouped.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eventset.release.partitions import (
    BY_DOCUMENT,
    BY_EVENT,
    PART,
    UNDATED,
    document_parts,
    month_label,
)
from eventset.validation.cache import KEY

ROUTED = (*BY_DOCUMENT, *BY_EVENT)
# Fine buckets of events rows: at most this many merges, each of at least 1/64 of the reported
# rows (at 250,000 rows a merge, 16 million rows, a few million documents, before a merge holds
# more than that).
FINE_BUCKETS = 64
_DIGITS = len(str(FINE_BUCKETS - 1))

# Which record batch of a chunk file holds which label's rows: {label: (batch, rows)}.
Route = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Rows:
    """Record batches [first, stop) of the chunk file `path` (a label's each); `size`: about
    their bytes in the file."""

    path: str
    first: int
    stop: int
    size: int


def fine_bucket(event_id: pl.Expr) -> pl.Expr:
    """The fine bucket of an event's rows, as a label (polars' hash has fixed seeds: every
    process agrees)."""
    return (event_id.hash() % FINE_BUCKETS).cast(pl.String).str.zfill(_DIGITS).alias(PART)


def bucket_groups(reported: int, per_merge: int, workers: int) -> list[tuple[str, ...]]:
    """The fine buckets' labels in runs, a run a merge: about `per_merge` reported rows each, a
    merge a worker at least (once there are rows enough), a power of two of runs so that they
    are all the same length."""
    wanted = max(1, math.ceil(reported / per_merge))
    if reported >= per_merge // 10:
        wanted = max(wanted, workers)
    runs = min(FINE_BUCKETS, 1 << (wanted - 1).bit_length())
    width = FINE_BUCKETS // runs
    labels = [str(number).zfill(_DIGITS) for number in range(FINE_BUCKETS)]
    return [tuple(labels[at : at + width]) for at in range(0, FINE_BUCKETS, width)]


def with_label(name: str, rows: pl.DataFrame, labels: pl.DataFrame | None) -> pl.DataFrame:
    """Table `name`'s rows with the label of the file each goes to (PART), in their order:
    documents by the month they were published, claims and mentions by their document's label
    in `labels` (document_id, PART; `undated` when it is not there), events and event_actors by
    their fine bucket. A chunk's rows (order_of) and the snapshot's (shuffle.py) alike."""
    if name == "documents":
        return rows.with_columns(month_label(pl.col("published")))
    if name in BY_EVENT:
        return rows.with_columns(fine_bucket(pl.col("event_id")))
    assert labels is not None
    joined = rows.join(labels, on="document_id", how="left", maintain_order="left")
    return joined.with_columns(pl.col(PART).fill_null(UNDATED))


# The columns with_label reads of each table's rows.
LABELLED_BY = {
    "documents": ("published",),
    "claims": ("document_id",),
    "mentions": ("document_id",),
    "events": ("event_id",),
    "event_actors": ("event_id",),
}


def document_labels(documents: pl.DataFrame | None) -> pl.DataFrame:
    """A chunk's documents rows' labels, the first of each id (document_id, PART): the labels of
    its claims and mentions (with_label)."""
    if documents is None:
        return pl.DataFrame(schema={"document_id": pl.String(), PART: pl.String()})
    return document_parts(documents).unique("document_id", keep="first", maintain_order=True)


def order_of(name: str, rows: pl.DataFrame, labels: pl.DataFrame | None) -> tuple[pl.Series, Route]:
    """The order that groups table `name`'s rows (at least its LABELLED_BY columns) by label,
    the labels in order and each label's rows in theirs, and the route it makes: the k-th
    label's rows are the k-th record batch of the chunk file. `labels`: document_labels."""
    part = with_label(name, rows, labels).get_column(PART)
    # The labels as their ranks in sorted order, and a stable sort of the ranks (numpy's, a
    # radix sort of small integers): a tenth of the instructions of polars' sort of the strings.
    import numpy as np  # a build's worker only: `validate FILE` imports this module too

    names = part.unique().sort()
    ranks = part.cast(pl.Enum(names)).to_physical().to_numpy()
    order = np.argsort(ranks, kind="stable")
    counts = np.bincount(ranks, minlength=names.len())
    route = {
        label: (batch, int(count))
        for batch, (label, count) in enumerate(zip(names.to_list(), counts, strict=True))
    }
    return pl.Series("at", order, pl.UInt32()), route


def pieces_of(files: Sequence[str], routes: Sequence[Route], labels: Iterable[str]) -> list[Rows]:
    """The batches of `labels` (consecutive in each route's order) in each of `files`, a run a
    file, in the files' order."""
    wanted = tuple(labels)
    out = []
    for path, route in zip(files, routes, strict=True):
        batches = [route[label][0] for label in wanted if label in route]
        if not batches:
            continue
        first, stop = min(batches), max(batches) + 1
        assert stop - first == len(batches), "labels not consecutive"
        rows = sum(route[label][1] for label in wanted if label in route)
        out.append(_rows(path, route, first, stop, rows))
    return out


def runs_of(path: str, route: Route) -> dict[str, Rows]:
    """Each label's batch of the chunk file `path`."""
    size, total = Path(path).stat().st_size, _rows_of(route)
    return {
        label: Rows(path, batch, batch + 1, size * rows // total)
        for label, (batch, rows) in route.items()
    }


def _rows(path: str, route: Route, first: int, stop: int, rows: int) -> Rows:
    """Batches [first, stop) of `path`, of `rows` rows, and about their bytes (the file's
    size, shared out)."""
    return Rows(path, first, stop, Path(path).stat().st_size * rows // _rows_of(route))


def _rows_of(route: Route) -> int:
    return max(1, sum(rows for _, rows in route.values()))


def read_runs(
    groups: Sequence[Sequence[Rows]], columns: Sequence[str] | None = None
) -> list[pl.DataFrame | None]:
    """Each group's runs of batches (a month's, a merge's), in order, without the document
    key (`columns`: only those, the others never converted); None for a group without any.
    Each chunk file is opened once for all the groups, through a memory map: only the batches
    read are ever read. A group's frame keeps a chunk a batch: converting Arrow's strings into
    polars' is most of the cost of reading them, and putting the chunks together copied every
    string once more (a tenth to a third of the read) for frames that are sorted (a gather into
    one chunk) or joined before anything else reads them."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    readers: dict[str, ipc.RecordBatchFileReader] = {}
    out: list[pl.DataFrame | None] = []
    with contextlib.ExitStack() as stack:
        for runs in groups:
            batches = []
            for run in runs:
                reader = readers.get(run.path)
                if reader is None:
                    source = stack.enter_context(pa.memory_map(run.path))
                    reader = readers[run.path] = ipc.open_file(source)
                for i in range(run.first, run.stop):
                    batch = reader.get_batch(i)
                    if columns is not None:
                        batches.append(batch.select(columns))
                        continue
                    at = batch.schema.get_field_index(KEY)
                    batches.append(batch.remove_column(at) if at >= 0 else batch)
            if not batches:
                out.append(None)
                continue
            frame = pl.from_arrow(pa.Table.from_batches(batches), rechunk=False)
            assert isinstance(frame, pl.DataFrame)
            out.append(frame)
    return out
