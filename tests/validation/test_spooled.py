"""A frame kept on disk (validation/spooled.py): what it reads back, whole, filtered by the
document keys still current, or a few columns of it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from eventset.validation.cache import KEY
from eventset.validation.chunk_rows import KEY_TYPE
from eventset.validation.snapshot_keys import KeyCodes
from eventset.validation.spooled import Spooled, of_frame


def _frame(keys: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"file": [f"{key}.yaml" for key in keys], "n": list(range(len(keys))), KEY: keys},
        schema={"file": pl.String(), "n": pl.Int64(), KEY: KEY_TYPE},
    )


def test_a_snapshot_reads_back_the_rows_of_the_keys_kept_in_order(tmp_path: Path) -> None:
    """A snapshot is one file whose record batches share one dictionary of every key (written
    a chunk at a time): read with the keys still current, then the new chunks' files."""
    old = _frame(["k3", "k1", "k2", "k1", "k3", "k2", "k4"])
    chunks = [old.slice(0, 2), old.slice(2, 3), old.slice(5, 2)]
    parts = Spooled(
        old.schema,
        tuple(str(of_frame(c, tmp_path / f"{i}.arrow").files[0]) for i, c in enumerate(chunks)),
    )
    snapshot = tmp_path / "snapshot.arrow"
    every_key = pl.Series(["k1", "k2", "k3", "k4"])
    parts.write(KeyCodes(every_key), {snapshot: None})
    new = of_frame(_frame(["k5", "k5"]), tmp_path / "new.arrow")
    keep = pl.Series(["k3", "k2"])
    spooled = Spooled(old.schema, new.files, str(snapshot), keep)

    expected = pl.concat([old.filter(pl.col(KEY).is_in(["k3", "k2"])), _frame(["k5", "k5"])])
    assert_frame_equal(spooled.collect(), expected)
    [only] = list(spooled.batches(["n"]))
    assert only.columns == ["n"]
    assert only.get_column("n").to_list() == expected.get_column("n").to_list()
    keys = spooled.columns(pl.col(KEY).cast(pl.String))
    assert keys.get_column(KEY).to_list() == ["k3", "k2", "k3", "k2", "k5", "k5"]
    assert_frame_equal(Spooled(old.schema, (str(snapshot),)).collect(), old)
    assert_frame_equal(
        spooled.select(pl.col(KEY).cast(pl.String), "n"), keys.with_columns(expected.select("n"))
    )
    assert spooled.height() == expected.height  # the kept rows of the snapshot, then the files'
    assert parts.height() == old.height
    assert Spooled(old.schema, snapshot=str(snapshot)).height() == old.height


def test_a_selection_over_many_files_is_made_a_few_files_a_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spooled.select queries at most _FILES_A_QUERY files at once: the rows of every file, in
    order, however the files are grouped."""
    from eventset.validation import spooled as module

    frames = [_frame([f"k{n}", f"k{n}"]) for n in range(5)]
    files = tuple(str(of_frame(f, tmp_path / f"{n}.arrow").files[0]) for n, f in enumerate(frames))
    whole = pl.concat(frames).select("n", pl.col(KEY).cast(pl.String))
    for size in (1, 2, 256):
        monkeypatch.setattr(module, "_FILES_A_QUERY", size)
        picked = Spooled(frames[0].schema, files).select("n", pl.col(KEY).cast(pl.String))
        assert_frame_equal(picked, whole)
