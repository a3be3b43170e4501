"""Rows routed to their months where they are made: the per-document workers' chunk files.

A worker writes each chunk's documents, claims, mentions, events and event_actors rows grouped
by the label of the file they go to (runner.process_chunk), a label's rows in the order they were
made, and says which rows hold which label (a `Route`). The tail then reads a label's rows
straight from the chunk files (`Rows`: a file and a run of its rows) and never writes them
again (release/months.py); only rows reused from the snapshot (a warm full build) are routed
after the fact, by the shuffle (shuffle.py).

- documents: the month they were published;
- claims, mentions: their document's month, from the chunk's own documents rows. A document's
  claims and mentions are compiled from the same annotation as its documents row, hence in the
  same chunk; a row whose document is not in the chunk goes to `undated`, as the shuffle's left
  join sends it. The shuffle keeps the first documents row of an id over the whole corpus, a
  chunk its own: they differ only for an id that two documents share, a release's primary key
  failure, so no release is written from either;
- events, event_actors: one of FINE_BUCKETS buckets of a hash of the event id. How many merges
  there are is known only once every chunk is in (months.py: about one per 250,000 reported
  rows); a merge takes a run of consecutive fine buckets, so its rows are one run of each
  chunk file (labels sort as numbers: zero-padded). A merged event depends only on its own
  event's rows, and the month tasks sort by key, so the release does not depend on how the
  fine buckets are grouped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eventset.release.partitions import BY_DOCUMENT, BY_EVENT, PART, UNDATED, month_label
from eventset.validation.cache import KEY

ROUTED = (*BY_DOCUMENT, *BY_EVENT)
# Fine buckets of events rows: at most this many merges, each of at least 1/64 of the reported
# rows (at 250,000 rows a merge, 16 million rows, a few million documents, before a merge holds
# more than that).
FINE_BUCKETS = 64
_DIGITS = len(str(FINE_BUCKETS - 1))

# Which rows of a chunk file hold which label: {label: (first row, row after the last)}.
Route = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Rows:
    """Rows [start, stop) of the chunk file `path`; `size`: about their bytes in the file."""

    path: str
    start: int
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


def route_chunk(frames: Mapping[str, pl.DataFrame]) -> dict[str, tuple[pl.DataFrame, Route]]:
    """A chunk's frames of the routed tables, each with its rows grouped by label (a label's
    rows in their order), and which rows hold which label."""
    documents = frames.get("documents")
    labels = (
        pl.DataFrame(schema={"document_id": pl.String(), PART: pl.String()})
        if documents is None
        else documents.select("document_id", month_label(pl.col("published"))).unique(
            "document_id", keep="first", maintain_order=True
        )
    )
    out: dict[str, tuple[pl.DataFrame, Route]] = {}
    for name, frame in frames.items():
        if name not in ROUTED:
            continue
        if name == "documents":
            labelled = frame.with_columns(month_label(pl.col("published")))
        elif name in BY_EVENT:
            labelled = frame.with_columns(fine_bucket(pl.col("event_id")))
        else:
            labelled = frame.join(labels, on="document_id", how="left", maintain_order="left")
            labelled = labelled.with_columns(pl.col(PART).fill_null(UNDATED))
        grouped = labelled.sort(PART, maintain_order=True)
        counts = grouped.group_by(PART, maintain_order=True).len()
        route: Route = {}
        at = 0
        for label, rows in counts.iter_rows():
            route[str(label)] = (at, at + rows)
            at += rows
        out[name] = (grouped.drop(PART), route)
    return out


def pieces_of(files: Sequence[str], routes: Sequence[Route], labels: Iterable[str]) -> list[Rows]:
    """The rows of `labels` (consecutive in each route's order) in each of `files`, a run a
    file, in the files' order."""
    wanted = tuple(labels)
    out = []
    for path, route in zip(files, routes, strict=True):
        runs = [route[label] for label in wanted if label in route]
        if not runs:
            continue
        start, stop = min(run[0] for run in runs), max(run[1] for run in runs)
        assert stop - start == sum(b - a for a, b in runs), "labels not consecutive"
        out.append(_rows(path, route, start, stop))
    return out


def runs_of(path: str, route: Route) -> dict[str, Rows]:
    """Each label's rows of the chunk file `path`."""
    size = Path(path).stat().st_size
    return {label: _rows(path, route, start, stop, size) for label, (start, stop) in route.items()}


def _rows(path: str, route: Route, start: int, stop: int, size: int | None = None) -> Rows:
    """Rows [start, stop) of `path`, and about their bytes (the file's size, shared out)."""
    size = Path(path).stat().st_size if size is None else size
    total = max(run[1] for run in route.values())
    return Rows(path, start, stop, size * (stop - start) // total)


def read_runs(groups: Sequence[Sequence[Rows]]) -> list[pl.DataFrame | None]:
    """Each group's runs of rows (a month's, a merge's), in order, without the document key;
    None for a group without any. A task's groups are read together: each chunk file's rows
    that any of them needs are read once, through a memory map (only their pages are read), and
    converted in one copy; each group's rows are then gathered from that copy."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.ipc as ipc

    spans: dict[str, tuple[int, int]] = {}
    for runs in groups:
        for run in runs:
            start, stop = spans.get(run.path, (run.start, run.stop))
            spans[run.path] = (min(start, run.start), max(stop, run.stop))
    if not spans:
        return [None for _ in groups]
    tables, offset, at = [], {}, 0
    for path, (start, stop) in spans.items():
        with pa.memory_map(path) as source:  # closed once read; mapped while its rows are used
            table = ipc.open_file(source).read_all().slice(start, stop - start)
        tables.append(table.drop_columns([KEY]) if KEY in table.column_names else table)
        offset[path], at = at - start, at + stop - start
    whole = pl.from_arrow(pa.concat_tables(tables), rechunk=True)  # the copy: the maps are let go
    assert isinstance(whole, pl.DataFrame)
    del tables
    out: list[pl.DataFrame | None] = []
    for runs in groups:
        if not runs:
            out.append(None)
            continue
        rows = [np.arange(offset[r.path] + r.start, offset[r.path] + r.stop) for r in runs]
        taken = np.concatenate(rows)
        every = len(taken) == whole.height and bool((taken == np.arange(whole.height)).all())
        out.append(whole if every else whole[taken])
    return out
