"""The shuffle's slices (release/shuffle.py): every row of a spooled frame's snapshot kept once,
in order, in slices of bounded size; the chunk files are routed where they are made
(tests/release/test_routes.py), never sliced."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.release import shuffle
from eventset.validation.cache import KEY
from eventset.validation.spooled import Spooled
from tests.property.helpers import workspace

SCHEMA = pl.Schema({KEY: pl.Categorical(), "document_id": pl.String(), "n": pl.Int64()})


def _file(path: Path, first: int, rows: int, batch: int) -> str:
    """`rows` rows from number `first`, written `batch` rows a record batch."""
    frame = pl.DataFrame(
        {
            KEY: [f"k{i // 3}" for i in range(first, first + rows)],
            "document_id": [f"d{i // 3}" for i in range(first, first + rows)],
            "n": list(range(first, first + rows)),
        },
        schema=SCHEMA,
    )
    pl.concat([frame.slice(at, batch) for at in range(0, rows, batch)], rechunk=False).write_ipc(
        path
    )
    return str(path)


@settings(max_examples=20)
@given(
    rows=st.integers(1, 120),
    chunks=st.integers(0, 3),
    batch=st.integers(1, 8),
    keep_every=st.integers(1, 3),
    bytes_a_slice=st.integers(1, 4000),
)
def test_slices_hold_every_snapshot_row_once_in_order(
    rows: int, chunks: int, batch: int, keep_every: int, bytes_a_slice: int
) -> None:
    with workspace() as tmp:
        snapshot = _file(tmp / "snapshot.arrow", 0, rows, batch)
        files = tuple(_file(tmp / f"{i}.arrow", rows + 10 * i, 10, 4) for i in range(chunks))
        keep = None
        if keep_every > 1:
            keep = pl.Series(KEY, [f"k{i}" for i in range(0, rows, keep_every)])
        spooled = Spooled(SCHEMA, files, snapshot, keep)
        cut = shuffle.slices(spooled, tmp / "keys", bytes_a_slice)
        routed = pl.concat([piece.frame(SCHEMA) for piece in cut], how="vertical")
        kept = Spooled(SCHEMA, snapshot=snapshot, keep=keep).collect()
        assert routed.get_column("n").to_list() == kept.get_column("n").to_list()
        # No more slices than the batches, nor than the bytes need.
        batches = -(-rows // batch)
        assert len(cut) <= min(batches, Path(snapshot).stat().st_size // bytes_a_slice + 1)
        assert not shuffle.slices(Spooled(SCHEMA, files), tmp / "none", bytes_a_slice)
