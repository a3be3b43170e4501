"""The shuffle's slices (release/shuffle.py): every row of a spooled frame once, in order, in
slices of bounded size whatever the files' sizes."""

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
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    batch=st.integers(1, 8),
    snapshot=st.booleans(),
    keep_every=st.integers(1, 3),
    bytes_a_slice=st.integers(1, 4000),
)
def test_slices_hold_every_row_once_in_order(
    sizes: list[int], batch: int, snapshot: bool, keep_every: int, bytes_a_slice: int
) -> None:
    with workspace() as tmp:
        files, first = [], 0
        for number, rows in enumerate(sizes):
            files.append(_file(tmp / f"{number}.arrow", first, rows, batch))
            first += rows
        keep = None
        if snapshot and keep_every > 1:
            keep = pl.Series(KEY, [f"k{i}" for i in range(0, first, keep_every)])
        spooled = Spooled(
            SCHEMA,
            tuple(files[1:]) if snapshot else tuple(files),
            files[0] if snapshot else None,
            keep,
        )
        cut = shuffle.slices(spooled, tmp / "keys", bytes_a_slice)
        routed = pl.concat([piece.frame(SCHEMA) for piece in cut], how="vertical")
        assert routed.get_column("n").to_list() == spooled.collect().get_column("n").to_list()
        # Small files share a slice: no more slices than the batches, nor than the bytes need.
        total = sum(Path(path).stat().st_size for path in files)
        batches = sum(-(-size // batch) for size in sizes)
        assert len(cut) <= min(batches, total // bytes_a_slice + 1)
