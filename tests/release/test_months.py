"""The full build a month at a time (release/months.py) against the in-memory assembly: the
whole tables assembled by `assemble_tables` and split by `table_parts` (write_release) are
the oracle."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventset.agreement.counts import coding_counts
from eventset.inputs.layout import Layout
from eventset.pipeline import build
from eventset.release import months, shuffle
from eventset.release.manifest import read_manifest, table_of
from eventset.release.routes import FINE_BUCKETS, Route
from eventset.release.write import write_release
from eventset.schema.contracts import TableFailure, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.tables.assemble import Tables, assemble_tables, merged_events
from eventset.tables.compile import COLUMNS
from eventset.testing import Corpus, corpora, write_corpus
from eventset.validation.cache import KEY
from eventset.validation.repository import validate_repository
from eventset.validation.spooled import Spooled, of_frame
from tests.conftest import REPO
from tests.property.helpers import scaled, workspace
from tests.release.routed import route_chunk, write_routed

Frames = dict[str, pl.DataFrame]


def _inputs(root: Path) -> tuple[Frames, ActorRegistry, PlaceRegistry]:
    """The corpus's per-document frames (validated without a spool: all in memory)."""
    validation = validate_repository(root)
    assert validation.ok, validation.problems
    assert validation.actors is not None and validation.places is not None
    frames = {name: validation.frames[name] for name in COLUMNS}
    return frames, validation.actors, validation.places


def _assembled(root: Path, frames: Frames) -> Tables:
    """The oracle: the whole tables, as the build assembled them before it streamed."""
    _, actors, places = _inputs(root)
    return assemble_tables(frames, actors, places, merged_events, coding_counts(Layout(root)))


def _whole_failures(tables: Tables) -> list[TableFailure]:
    failures = [f for name, frame in tables.items() for f in validate_frame(name, frame)]
    return failures + cross_table_failures(tables)


def _table_files(release: Path) -> dict[str, str]:
    """{path: sha256} of the release's table files."""
    return {
        entry["path"]: entry["sha256"]
        for entry in read_manifest(release)["files"]
        if table_of(entry["path"]) is not None
    }


@contextmanager
def _small_parts() -> Iterator[None]:
    """Every reported event row its own bucket (as far as the hash spreads them), every record
    batch of a spooled frame its own shuffle task and every month its own month task: the
    merges and checks cross as many part boundaries as they can."""
    with (
        mock.patch.object(months, "_EVENT_ROWS_PER_BUCKET", 1),
        mock.patch.object(months, "_TASK_BYTES", 1),
        mock.patch.object(shuffle, "_SLICE_BYTES", 1),
    ):
        yield


@settings(max_examples=scaled(0.4))
@given(corpora(max_documents=3, max_events=3, shared_event=True))
def test_the_streamed_release_is_the_in_memory_assembly_byte_for_byte(corpus: Corpus) -> None:
    """Documents of up to three months reporting shared events, undated and planned events,
    tables left empty (no claims, no events): every table file is the oracle's, byte for byte."""
    with workspace() as tmp, _small_parts():
        root = write_corpus(corpus, tmp / "repo")
        result = build(root, tmp / "dist", "1.0.0", cache=False)
        assert result.ok, (result.validation.problems, result.failures)
        assert result.written is not None
        frames, _, _ = _inputs(root)
        tables = _assembled(root, frames)
        oracle = write_release(tables, tmp / "oracle", "1.0.0", {})
        assert _table_files(result.written.path) == _table_files(oracle.path)
        assert result.rows == {name: frame.height for name, frame in tables.items()}


@pytest.fixture(scope="module")
def gold(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Frames, ActorRegistry, PlaceRegistry]:
    root = tmp_path_factory.mktemp("months") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    return (root, *_inputs(root))


def _another_month(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("published").dt.offset_by("-1y"))


def _plant_duplicate_document(frames: Frames) -> Frames:
    """The first document again, published a year earlier: its id in two months."""
    documents = frames["documents"]
    return {**frames, "documents": pl.concat([documents, _another_month(documents.head(1))])}


def _plant_duplicate_claim(frames: Frames) -> Frames:
    """A claim repeated by a second document of another month."""
    documents, claims = frames["documents"], frames["claims"]
    copy = _another_month(documents.head(1)).with_columns(pl.lit("z_copy").alias("document_id"))
    return {
        **frames,
        "documents": pl.concat([documents, copy]),
        "claims": pl.concat([claims, claims.head(1).with_columns(document_id=pl.lit("z_copy"))]),
    }


def _plant_dangling_actor(frames: Frames) -> Frames:
    mentions = frames["mentions"]
    actor = pl.col("target_kind") == "actor"
    first_actor = pl.int_range(pl.len()) == actor.arg_true().first()
    return {
        **frames,
        "mentions": mentions.with_columns(
            pl.when(first_actor)
            .then(pl.lit("nobody_known"))
            .otherwise("target_id")
            .alias("target_id")
        ),
    }


def _plant_unsupported_event(frames: Frames) -> Frames:
    """Every mention of the first event's occurrence gone."""
    event_id = frames["events"].get_column("event_id")[0]
    occurrence = (
        (pl.col("target_kind") == "event")
        & (pl.col("target_id") == event_id)
        & (pl.col("aspect") == "occurrence")
    )
    return {**frames, "mentions": frames["mentions"].filter(~occurrence)}


def _plant_misquote(frames: Frames) -> Frames:
    """Documents whose text (of the right length) is not what their mentions quote."""
    text = pl.lit("x").repeat_by(pl.col("char_count")).list.join("")
    return {**frames, "documents": frames["documents"].with_columns(text.alias("text"))}


def _plant_span_outside(frames: Frames) -> Frames:
    """A mention whose span (of its quote's length) lies past the end of its document."""
    first = pl.int_range(pl.len()) == 0
    shift = pl.when(first).then(10_000_000).otherwise(0)
    return {
        **frames,
        "mentions": frames["mentions"].with_columns(
            pl.col("char_start") + shift, pl.col("char_end") + shift
        ),
    }


def _plant_bad_value(frames: Frames) -> Frames:
    """A negative count of characters: a contract failure inside one month."""
    return {
        **frames,
        "documents": frames["documents"].with_columns(pl.lit(-1, pl.Int64).alias("byte_count")),
    }


PLANTS: dict[str, Callable[[Frames], Frames]] = {
    "none": lambda frames: frames,
    "duplicate document across months": _plant_duplicate_document,
    "duplicate claim across months": _plant_duplicate_claim,
    "dangling actor": _plant_dangling_actor,
    "unsupported event": _plant_unsupported_event,
    "misquote": _plant_misquote,
    "span outside its document": _plant_span_outside,
    "bad value": _plant_bad_value,
}


def _spooled(frames: Frames, folder: Path, chunks: int = 1) -> dict[str, Spooled]:
    """`frames` spooled as the workers spool them: in `chunks` chunks of documents (a
    document's rows in one), the release's tables' rows routed."""
    spooled = {name: of_frame(frame, folder / f"{name}.arrow") for name, frame in frames.items()}
    keys = frames["documents"].get_column(KEY).cast(pl.String)
    files: dict[str, list[str]] = {name: [] for name in frames}
    routes: dict[str, list[Route]] = {name: [] for name in frames}
    for number in range(chunks):
        mine = pl.col(KEY).cast(pl.String).is_in(keys.gather_every(chunks, number).implode())
        chunk = {name: frame.filter(mine) for name, frame in frames.items()}
        for name, (frame, route) in route_chunk(chunk).items():
            write_routed(frame, route, str(folder / f"{number}.{name}.arrow"))
            files[name].append(str(folder / f"{number}.{name}.arrow"))
            routes[name].append(route)
    for name, route_list in routes.items():
        if route_list:
            schema = frames[name].schema
            spooled[name] = Spooled(schema, tuple(files[name]), routes=tuple(route_list))
    return spooled


@pytest.mark.parametrize("plant", PLANTS)
def test_the_checks_month_by_month_find_what_the_whole_tables_fail(
    plant: str, gold: tuple[Path, Frames, ActorRegistry, PlaceRegistry], tmp_path: Path
) -> None:
    """A failure planted across two months or inside one is found by the month-by-month checks
    exactly when the whole-table checks report one (the build then reports those)."""
    root, frames, actors, places = gold
    planted = PLANTS[plant](frames)
    whole = _whole_failures(_assembled(root, planted))
    assert bool(whole) == (plant != "none"), whole
    staging = tmp_path / "staging"
    staging.mkdir()
    with _small_parts():
        written = months.write_months(
            _spooled(planted, tmp_path),
            actors,
            places,
            merged_events,
            coding_counts(Layout(root)),
            tmp_path / "spool",
            staging,
            "1.0.0",
            jobs=1,
        )
    assert written.suspect == bool(whole)


def _staged_events(
    corpus: tuple[Path, Frames, ActorRegistry, PlaceRegistry],
    folder: Path,
    chunks: int,
    groups: list[tuple[str, ...]],
) -> dict[str, bytes]:
    """The events and event_actors files write_months stages, its merges taking `groups`."""
    root, frames, actors, places = corpus
    folder.mkdir()
    staging = folder / "staging"
    staging.mkdir()
    with mock.patch.object(months, "bucket_groups", lambda *_: groups):
        written = months.write_months(
            _spooled(frames, folder, chunks),
            actors,
            places,
            merged_events,
            coding_counts(Layout(root)),
            folder / "spool",
            staging,
            "1.0.0",
            jobs=1,
        )
    assert not written.suspect
    return {
        str(path.relative_to(staging)): path.read_bytes()
        for name in ("events", "event_actors")
        for path in sorted((staging / name).iterdir())
    }


@pytest.fixture(scope="module")
def synthetic(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Frames, ActorRegistry, PlaceRegistry]:
    """60 synthetic documents of several months, many of their events reported by several."""
    from eventset.synth import write_corpus as synthetic

    root = tmp_path_factory.mktemp("synthetic") / "repo"
    synthetic(root, 60, seed=5)
    return (root, *_inputs(root))


@pytest.fixture(scope="module")
def one_merge(
    synthetic: tuple[Path, Frames, ActorRegistry, PlaceRegistry],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, bytes]:
    every = tuple(str(n).zfill(2) for n in range(FINE_BUCKETS))
    return _staged_events(synthetic, tmp_path_factory.mktemp("one") / "build", 1, [every])


@settings(max_examples=scaled(0.3), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.sets(st.integers(1, FINE_BUCKETS - 1), max_size=10), chunks=st.integers(1, 4))
def test_the_merged_events_do_not_depend_on_how_fine_buckets_are_grouped(
    synthetic: tuple[Path, Frames, ActorRegistry, PlaceRegistry],
    one_merge: dict[str, bytes],
    cuts: set[int],
    chunks: int,
) -> None:
    """Any runs of consecutive fine buckets (not only the equal runs the build makes), one
    merge each, over the documents spooled in any number of chunks: the events' and
    event_actors' files are those of one merge of every row."""
    labels = [str(n).zfill(2) for n in range(FINE_BUCKETS)]
    edges = [0, *sorted(cuts), FINE_BUCKETS]
    groups = [tuple(labels[a:b]) for a, b in itertools.pairwise(edges)]
    with workspace() as tmp:
        assert _staged_events(synthetic, tmp / "build", chunks, groups) == one_merge


def test_builds_from_the_cache_are_the_cold_build(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot a cold build writes a batch at a time is read back whole (nothing changed)
    and with the changed document's rows left out (one edit): each build gives the files a
    build without the cache gives."""
    from tests.test_pipeline import SECOND_ID, _add_second_document

    _add_second_document(repo)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(cache))
    cold = build(repo, tmp_path / "cold", "1.0.0")
    warm = build(repo, tmp_path / "warm", "1.0.0")
    assert cold.written is not None and warm.written is not None
    assert warm.validation.processed == 0
    assert _table_files(warm.written.path) == _table_files(cold.written.path)
    annotation = repo / "data" / "annotations" / f"{SECOND_ID}.yaml"
    text = annotation.read_text(encoding="utf-8")
    annotation.write_text(text.replace("one to two killed.", "one or two killed."), "utf-8")
    edited = build(repo, tmp_path / "edited", "1.0.0")
    fresh = build(repo, tmp_path / "fresh", "1.0.0", cache=False)
    assert edited.written is not None and fresh.written is not None
    assert edited.validation.processed == 1
    assert _table_files(edited.written.path) == _table_files(fresh.written.path)
    assert _table_files(edited.written.path) != _table_files(cold.written.path)


def test_the_tail_in_a_pool_writes_what_it_writes_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shuffle, the merges and the month tasks run as tasks of the build's pool (many of
    each: a shuffle task per record batch of 16 documents, a bucket per 40 reported events):
    the release is the one a build that runs them all in this process writes."""
    from eventset.synth import write_corpus as synthetic
    from eventset.validation import runner

    root = tmp_path / "repo"
    synthetic(root, 120, seed=5)
    monkeypatch.setattr(runner, "_CHUNK", 16)
    monkeypatch.setattr(shuffle, "_SLICE_BYTES", 1)
    monkeypatch.setattr(months, "_EVENT_ROWS_PER_BUCKET", 40)
    monkeypatch.setattr(months, "_TASK_BYTES", 200_000)
    here = build(root, tmp_path / "here", "1.0.0", cache=False, jobs=1)
    pooled = build(root, tmp_path / "pooled", "1.0.0", cache=False, jobs=2)
    assert here.written is not None and pooled.written is not None
    assert _table_files(pooled.written.path) == _table_files(here.written.path)
    assert pooled.rows == here.rows and here.rows["events"] > 40


def test_a_warm_build_reads_its_spool_a_few_files_a_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm build whose changed documents fill several chunks reads the snapshot and the
    chunk files with queries over at most _FILES_A_QUERY files each (the documents' months
    too: a query opens each of its files in a blocking thread of polars', 512 at most), and
    writes the release a build without the cache writes."""
    from eventset.synth import write_corpus as synthetic
    from eventset.validation import runner, spooled

    root = tmp_path / "repo"
    synthetic(root, 120, seed=7)
    monkeypatch.setattr(runner, "_CHUNK", 16)
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))
    build(root, tmp_path / "cold", "1.0.0", jobs=2)
    for annotation in sorted((root / "data" / "annotations").glob("*.yaml"))[:80]:
        with annotation.open("a", encoding="utf-8") as out:
            out.write("# edited\n")
    monkeypatch.setattr(spooled, "_FILES_A_QUERY", 2)
    # The snapshot never rewritten: it is read beside the chunk files, as in a build where
    # under 1% of the corpus changed (at a million documents, up to ten chunk files; here five).
    monkeypatch.setattr(runner, "_RESAVE_EVERY", 0)
    collect = pl.LazyFrame.collect
    widest = [0]  # the most spooled files one query of the build read

    def counted(frame: pl.LazyFrame, *args: Any, **kwargs: Any) -> Any:
        widest[0] = max(widest[0], frame.explain(optimized=False).count("Ipc SCAN"))
        return collect(frame, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", counted)
    warm = build(root, tmp_path / "warm", "1.0.0", jobs=2)
    monkeypatch.setattr(pl.LazyFrame, "collect", collect)
    fresh = build(root, tmp_path / "fresh", "1.0.0", cache=False, jobs=1)
    assert warm.written is not None and fresh.written is not None
    assert warm.validation.processed == 80
    assert _table_files(warm.written.path) == _table_files(fresh.written.path)
    assert 0 < widest[0] <= 2


def test_a_spool_that_would_not_stay_in_memory_is_compressed_and_builds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the corpus and its spool would not fit in the memory available (a million
    documents on this machine), the workers write their chunk files with LZ4: the tail, the
    snapshot's write and a warm build after it read them as they are, and every table file is
    the one a build without a spool writes."""
    from eventset.synth import write_corpus as synthetic
    from eventset.validation import runner

    root = tmp_path / "repo"
    synthetic(root, 120, seed=9)
    monkeypatch.setattr(runner, "_CHUNK", 16)
    monkeypatch.setattr(runner, "_memory_available", lambda: 1 << 16)  # 64 kB: nothing fits
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))
    codecs: list[object] = []
    lz4_frames: list[bool] = []  # each chunk file: does it hold LZ4 frames?
    real_map = runner._map_chunks

    def map_chunks(*args: Any) -> Iterator[runner.ChunkResult]:
        codecs.append(args[8])
        for result in real_map(*args):
            for path in result.spooled.values():
                lz4_frames.append(b"\x04\x22\x4d\x18" in Path(path).read_bytes())
            yield result

    monkeypatch.setattr(runner, "_map_chunks", map_chunks)
    cold = build(root, tmp_path / "cold", "1.0.0", jobs=2)
    warm = build(root, tmp_path / "warm", "1.0.0", jobs=2)  # from the snapshot written
    fresh = build(root, tmp_path / "fresh", "1.0.0", cache=False, jobs=1)
    assert codecs[0] == "lz4" and len(lz4_frames) > 7 and all(lz4_frames)
    assert cold.written is not None and warm.written is not None and fresh.written is not None
    assert warm.validation.processed == 0
    tables = _table_files(fresh.written.path)
    assert _table_files(cold.written.path) == tables == _table_files(warm.written.path)
