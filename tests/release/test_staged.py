"""The staged release read back (release/staged.py), in this process: the checks across months
over the written files, and the whole tables read back. The month-by-month build runs them in a
pool worker, where the planted-failure tests of test_months.py reach them but a coverage or
mutation tool does not follow."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.release.staged import _repeats, fails_across_months, staged_tables
from eventset.schema.tables import TABLES

SINGLE_KEYED = [t.name for t in TABLES if len(t.primary_key) == 1]


@pytest.fixture
def staging(synthetic_release: Path, tmp_path: Path) -> Path:
    """The synthetic release's table folders (one Parquet file a month), copied to be broken."""
    target = tmp_path / "staging"
    for table in TABLES:
        shutil.copytree(synthetic_release / table.name, target / table.name)
    return target


def _files(staging: Path, name: str) -> list[Path]:
    return sorted((staging / name).glob("*.parquet"))


def _rewrite(path: Path, change: pl.Expr | None = None, keep: pl.Expr | None = None) -> None:
    frame = pl.read_parquet(path)
    frame = frame if keep is None else frame.filter(keep)
    frame = frame if change is None else frame.with_columns(change)
    frame.write_parquet(path)


def _found_by_shares(staging: Path) -> bool:
    """The verdict of the checks as a build's workers run them, in shares side by side: the
    same for any number of shares (every check in one of them), and the same as all at once."""
    verdicts = {
        any(fails_across_months(staging, share, shares) for share in range(shares))
        for shares in (1, 2, 3, 30)
    }
    assert len(verdicts) == 1
    return verdicts.pop()


def test_a_release_as_built_passes(staging: Path) -> None:
    assert len(_files(staging, "events")) > 2  # the checks do cross months
    assert not fails_across_months(staging)
    assert not _found_by_shares(staging)


@pytest.mark.parametrize("name", SINGLE_KEYED)
def test_a_key_repeated_in_another_file_fails(staging: Path, name: str) -> None:
    """Every table's key is checked: one row of it again, in a file of its own (another month)."""
    first = _files(staging, name)[0]
    row = pl.read_parquet(first).head(1)
    assert row.height, f"the synthetic release has no {name}"
    row.write_parquet(staging / name / "part-9999-12.parquet")
    assert fails_across_months(staging)
    assert _found_by_shares(staging)


def test_a_mention_of_an_unknown_actor_fails(staging: Path) -> None:
    path = next(p for p in _files(staging, "mentions") if pl.read_parquet(p).height)
    actor = pl.col("target_kind") == "actor"
    assert pl.read_parquet(path).filter(actor).height
    nobody = pl.when(actor).then(pl.lit("actor_nobody")).otherwise(pl.col("target_id"))
    _rewrite(path, nobody.alias("target_id"))
    assert fails_across_months(staging)
    assert _found_by_shares(staging)


def test_an_event_no_mention_supports_fails(staging: Path) -> None:
    """The occurrence mentions of one event removed from every month's file."""
    event = pl.read_parquet(_files(staging, "events")[0]).get_column("event_id")[0]
    occurrence = (
        (pl.col("target_kind") == "event")
        & (pl.col("target_id") == event)
        & (pl.col("aspect") == "occurrence")
    )
    for path in _files(staging, "mentions"):
        _rewrite(path, keep=~occurrence)
    assert fails_across_months(staging)
    assert _found_by_shares(staging)


def test_the_whole_tables_do_not_depend_on_how_the_files_split_them(staging: Path) -> None:
    """Typed and sorted by key whatever the files: a month's rows split into two files, the
    second file's rows first, read back as the tables the release was written from."""
    before = staged_tables(staging)
    for table in TABLES:
        files = _files(staging, table.name)
        frame = pl.read_parquet(files[-1])
        half = frame.height // 2
        frame.slice(half).write_parquet(files[-1].with_name("part-0000-00.parquet"))
        frame.slice(0, half).write_parquet(files[-1])
    after = staged_tables(staging)
    for table in TABLES:
        whole = pl.concat([pl.read_parquet(p) for p in _files(staging, table.name)])
        assert after[table.name].height == whole.height
        assert after[table.name].equals(before[table.name]), table.name
        keys = after[table.name].select(table.primary_key)
        assert keys.equals(keys.sort(list(table.primary_key))), table.name


def _coarse(column: pl.Expr) -> pl.Expr:
    """A hash that collides for every two keys of a length."""
    return column.str.len_bytes().cast(pl.UInt64)


def _constant(column: pl.Expr) -> pl.Expr:
    """A hash that collides for every two keys."""
    return column.str.len_bytes().cast(pl.UInt64) * 0


@given(st.lists(st.text(alphabet="ab", max_size=4), max_size=12))
def test_a_repeat_is_found_exactly_whatever_the_hash_collides(keys: list[str]) -> None:
    """With the real hash, with one that collides for every length, and with one that collides
    always: a repeat is reported exactly when a key repeats (a collision costs time only)."""
    frame = pl.LazyFrame({"k": keys}, schema={"k": pl.String})
    repeated = len(set(keys)) < len(keys)
    assert _repeats(frame, "k") == repeated
    assert _repeats(frame, "k", _coarse) == repeated
    assert _repeats(frame, "k", _constant) == repeated
