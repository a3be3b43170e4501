"""The plain way of routing a chunk's rows (release/routes.py), the tests' oracle and their
writer of chunk files made from made-up frames: a build's workers route their rows in Arrow
(validation/chunk_rows.py, by routes.order_of), which tests/validation/test_chunk_rows.py pins
against `route_chunk` and `write_routed`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO

import polars as pl

from eventset.release.partitions import PART
from eventset.release.routes import ROUTED, Route, document_labels, with_label


def route_chunk(frames: Mapping[str, pl.DataFrame]) -> dict[str, tuple[pl.DataFrame, Route]]:
    """A chunk's frames of the routed tables, each with its rows grouped by label (a label's
    rows in their order), and its route: the k-th label's rows are the k-th record batch that
    write_routed writes; with polars' own sort."""
    labels = document_labels(frames.get("documents"))
    out: dict[str, tuple[pl.DataFrame, Route]] = {}
    for name, frame in frames.items():
        if name not in ROUTED:
            continue
        grouped = with_label(name, frame, labels).sort(PART, maintain_order=True)
        counts = grouped.group_by(PART, maintain_order=True).len()
        route = {
            str(label): (batch, rows) for batch, (label, rows) in enumerate(counts.iter_rows())
        }
        out[name] = (grouped.drop(PART), route)
    return out


def write_routed(frame: pl.DataFrame, route: Route, sink: str | BinaryIO) -> None:
    """A routed frame as an Arrow IPC file, a record batch a label. Written by pyarrow from
    plain (not view) strings: each batch then holds its own rows' bytes only, so a task reads
    exactly its labels' bytes (a slice of one batch of string views carried the whole chunk's
    string buffers into every frame made of it: a month task over 98 chunk files held 290 MB)."""
    import pyarrow.ipc as ipc

    table = frame.to_arrow()
    with ipc.new_file(sink, table.schema) as writer:
        if not route:
            return
        [whole] = table.combine_chunks().to_batches()
        at = 0
        for _, rows in route.values():
            writer.write_batch(whole.slice(at, rows))
            at += rows
