"""CorpusView (validation/indexed.py) reads only the stretches of the snapshot's rows that hold a
looked-up id: read by stretches, row by row through pyarrow, or the whole frame, it returns
exactly the current rows a filter over the whole frame keeps, in the same order and types.

On a generated corpus (SYNTHETIC documents, test-only) with a snapshot, then edits so that some
snapshot rows are out of date and some documents are parsed again."""

from __future__ import annotations

import sys
from typing import NamedTuple
from unittest import mock

import polars as pl
import pytest

from eventset.inputs.layout import Layout
from eventset.validation.cache import KEY
from eventset.validation.indexed import (
    _FEW_READS,
    _FEW_READS_WITHOUT_PYARROW,
    CorpusView,
    _few_reads,
    _stretches,
    compare,
)
from eventset.validation.repository import (
    Validation,
    list_inputs,
    tasks_of,
    validate_repository,
)
from eventset.validation.runner import corpus_snapshot, run_documents, split_listing
from tests.workflow.edits import annotation_files, edit, write_base

LOOKUPS = (
    ("events", "event_id"),
    ("event_actors", "event_id"),
    ("event_facts", "event_id"),
    ("references", "id"),
    ("shared_references", "id"),
)


class Edited(NamedTuple):
    """The corpus after the edits: its listing, the snapshot's index and the keys kept."""

    view: CorpusView
    listing: pl.DataFrame
    snapshot_index: pl.DataFrame
    kept: pl.Series
    stale: list[tuple[str, str, str | None, str]]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Edited:
    scratch = tmp_path_factory.mktemp("indexed")
    root = scratch / "repo"
    write_base(root)
    with mock.patch.dict("os.environ", {"EVENTSET_CACHE_DIR": str(scratch / "cache")}):
        validate_repository(root, cache=True)  # the snapshot
        for kind, pick in (("event_date", 3), ("delete", 8), ("add", 1)):
            edit(root, scratch / "held", kind, pick)
        layout = Layout(root)
        snapshot = corpus_snapshot(scratch / "cache", layout.root)
        index = snapshot.load_index()
        assert index is not None
        listing = list_inputs(layout, Validation())
        unchanged, stale = split_listing(listing, index)
        again = {task[0] for task in stale} | {layout.shown(annotation_files(root)[5])}
        batch = run_documents(
            tasks_of(listing.filter(pl.col("file").is_in(sorted(again)))), root=layout.root
        )
    return Edited(CorpusView(snapshot, index, unchanged, batch), listing, index, unchanged, stale)


@pytest.fixture(scope="module")
def view(edited: Edited) -> CorpusView:
    return edited.view


def _whole(edited: Edited, name: str, column: str, values: list[str]) -> pl.DataFrame:
    """The reference: the frame filtered whole, current rows as the snapshot's keys say."""
    view = edited.view
    fresh_keys = view.fresh.files.get_column(KEY).implode()
    current = pl.col(KEY).is_in(edited.kept.implode()) & ~pl.col(KEY).is_in(fresh_keys)
    return view.snapshot.scan(name).filter(pl.col(column).is_in(values)).filter(current).collect()


def _samples(view: CorpusView, name: str, column: str) -> list[list[str]]:
    every = view.snapshot.scan(name).select(column).collect().get_column(column)
    distinct = sorted(set(every.drop_nulls().to_list()))
    assert len(distinct) > 6
    return [[], ["no-such-id"], distinct[:1], distinct[::3], distinct, [distinct[-1], "x"]]


@pytest.mark.parametrize(("name", "column"), LOOKUPS)
@pytest.mark.parametrize(
    ("gap", "few", "whole_every"),
    [(1, 10**6, 300), (2048, 10**6, 300), (1, 0, 0), (1, 0, 10**9)],
    ids=["stretch a row", "stretches merged", "rows through pyarrow", "whole frame"],
)
def test_a_lookup_reads_what_the_whole_frame_filtered_gives(
    edited: Edited, name: str, column: str, gap: int, few: int, whole_every: int
) -> None:
    view = edited.view
    with (
        mock.patch("eventset.validation.indexed._GAP", gap),
        mock.patch("eventset.validation.indexed._FEW_READS", few),
        mock.patch("eventset.validation.indexed._FEW_READS_WITHOUT_PYARROW", few),
        mock.patch("eventset.validation.indexed._WHOLE_EVERY", whole_every),
    ):
        for values in _samples(view, name, column):
            found = view.cached(name, column, values, pl.col(column).is_in(values))
            expected = _whole(edited, name, column, values)
            assert found.schema == expected.schema
            assert found.to_dicts() == expected.to_dicts()


def test_the_view_leaves_out_the_rows_of_documents_out_of_date_or_parsed_again(
    view: CorpusView,
) -> None:
    cached = view.snapshot.scan("events").collect()
    values = sorted(set(cached.get_column("event_id").to_list()))
    found = view.cached("events", "event_id", values, pl.lit(True))
    assert 0 < found.height < cached.height
    fresh = set(view.fresh.files.get_column(KEY).to_list())
    assert fresh
    assert not set(found.get_column(KEY).cast(pl.String).to_list()) & fresh


def test_rows_within_the_gap_share_one_read() -> None:
    with mock.patch("eventset.validation.indexed._GAP", 10):
        assert _stretches([]) == []
        assert _stretches([3]) == [(3, 4)]
        assert _stretches([3, 4, 12, 13, 40]) == [(3, 14), (40, 41)]


def test_the_comparison_is_the_split_and_the_keys_it_keeps(edited: Edited) -> None:
    """compare's one join says what split_listing says, and which keys are no longer current:
    every key of the index it did not keep."""
    comparison = compare(edited.listing, edited.snapshot_index)
    assert comparison.stale.rows() == edited.stale
    kept = set(edited.kept.to_list())
    expected = set(edited.snapshot_index.get_column(KEY).to_list()) - kept
    assert expected  # the edits left some entries out of date
    assert set(comparison.stale_keys.to_list()) == expected
    # An unreadable file's entry (E111) is reported while current, not once out of date.
    current, gone = sorted(kept)[0], sorted(expected)[0]
    marked = {current: '[{"code": "E111", "at": 1}]', gone: '[{"code": "E111", "at": 2}]'}
    index = edited.snapshot_index.with_columns(
        pl.col(KEY).replace_strict(marked, default=pl.col("problems")).alias("problems")
    )
    assert compare(edited.listing, index).unreadable == [marked[current]]


def test_a_view_apart_reads_what_the_view_of_the_kept_keys_reads(edited: Edited) -> None:
    view = edited.view
    apart = CorpusView.apart(
        view.snapshot, compare(edited.listing, edited.snapshot_index).stale_keys, view.fresh
    )
    for name, column in LOOKUPS:
        for values in _samples(view, name, column):
            keep = pl.col(column).is_in(values)
            assert apart.cached(name, column, values, keep).equals(
                view.cached(name, column, values, keep)
            )


def test_rows_are_taken_one_by_one_sooner_when_pyarrow_is_loaded() -> None:
    """Its import would cost more than the polars reads it saves: without it, more stretches
    are read through polars."""
    import pyarrow  # noqa: F401 (loaded, as in a rebuild)

    assert _few_reads() == _FEW_READS
    with mock.patch.dict(sys.modules):
        del sys.modules["pyarrow"]
        assert _few_reads() == _FEW_READS_WITHOUT_PYARROW > _FEW_READS
