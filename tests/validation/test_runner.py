"""The frames a chunk's column lists become (validation/runner.py: frame_of), and how chunks
reach a pool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from eventset.validation.runner import frame_of, string_lists

_LISTS = pl.List(pl.String())


_ROWS = st.lists(
    st.none()
    | st.lists(st.text(alphabet="ab\u00e9 ", max_size=3) | st.none(), max_size=3)
    | st.lists(st.integers(0, 9), min_size=1, max_size=2),
    max_size=12,
)


@given(_ROWS, st.sampled_from([1, 11, 40]))
def test_string_lists_are_what_polars_makes_of_the_lists(
    rows: list[list[object] | None], times: int
) -> None:
    """Gathered from the flat strings, or left to polars (a short column, a null row, a value
    not a string): the same column as polars' own conversion, row for row and in order."""
    values = rows * times  # long enough, often, to be gathered
    made = string_lists(values)
    column = made if isinstance(made, pl.Series) else pl.Series(made, dtype=_LISTS, strict=False)
    expected = pl.Series(values, dtype=_LISTS, strict=False)
    assert column.dtype == _LISTS
    assert column.to_list() == expected.to_list()


def test_a_long_column_of_strings_is_gathered() -> None:
    values: list[list[str]] = [[], ["b", "a"], ["c"]] * 50
    made = string_lists(values)
    assert isinstance(made, pl.Series)
    assert made.to_list() == values


def test_a_frame_with_list_columns_keeps_its_rows_in_order() -> None:
    columns: dict[str, list[Any]] = {
        "event_id": ["e1", "e2", "e3"],
        "actor_id": ["a", "b", "c"],
        "role": ["initiator", "recipient", "initiator"],
        "document_id": ["d", "d", "d"],
        "accepted_warnings": [[], ["W601 d participant: x", "W604 d participant: y"], []],
        "_key": ["k", "k", "k"],
    }
    frame = frame_of("event_actors", columns)
    assert frame["accepted_warnings"].to_list() == columns["accepted_warnings"]
    assert frame.schema["accepted_warnings"] == _LISTS


def test_a_pool_is_given_a_window_of_chunks_not_the_whole_corpus(tmp_path: Path) -> None:
    """The chunks are made as the pool takes them: before the first result comes back only a
    window of them exists (Executor.map drew every chunk of the corpus first, a kilobyte a
    document of the command's memory), and the results still come in the chunks' order."""
    from eventset.validation import runner

    drawn = 0

    def chunks() -> Iterator[list[runner.Task]]:
        nonlocal drawn
        for n in range(40):
            drawn += 1
            yield [(f"data/annotations/d{n}.yaml", str(tmp_path / f"d{n}.yaml"), None, "")]

    results = runner._map_chunks(chunks(), 2, {}, "v", str(tmp_path), 40 * runner._CHUNK)
    first = next(results)
    assert drawn == 2 * runner._CHUNKS_AHEAD_PER_WORKER
    files = [result.index["file"][0] for result in [first, *results]]
    assert files == [f"data/annotations/d{n}.yaml" for n in range(40)]
    assert drawn == 40


def test_a_validation_without_a_spool_routes_nothing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are routed to their months only for a build's tail (run_documents with a spool):
    a validation's chunks are written whole, so `validate FILE` never imports pyarrow for a
    routing no one reads; a build's chunks are routed."""
    from eventset.release import routes
    from eventset.validation import chunk_rows, runner

    tasks = [
        (path.relative_to(repo).as_posix(), str(path), str(repo / "seeds" / f"{path.stem}.txt"))
        for path in sorted((repo / "data" / "annotations").glob("*.yaml"))
    ]
    assert tasks
    chunk = [(*task, "") for task in tasks]
    routed = runner.process_chunk(chunk, frozenset(), "v")
    assert set(routed.routes) == set(routes.ROUTED) & set(routed.frames)

    def no_routing(*args: object) -> None:
        raise AssertionError("routed for a validation")

    monkeypatch.setattr(chunk_rows.ChunkRows, "write_arrow", no_routing)
    whole = runner.process_chunk(chunk, frozenset(), "v", route=False)
    assert not whole.routes
    for name, data in whole.frames.items():  # the same rows, in the documents' order
        frame = pl.read_ipc(data)
        assert frame.sort(frame.columns).equals(
            pl.read_ipc(routed.frames[name]).sort(frame.columns)
        )
    batch = runner.run_documents(tasks, root=repo)  # no spool: nothing routed
    assert batch.frames["documents"].height == len(tasks)


def test_a_pool_reuses_the_snapshots_entries_of_its_chunks_files(
    repo: Path, tmp_path: Path
) -> None:
    """A pool's chunk carries the snapshot's keys of its own files only (ChunkJob.known), not the
    corpus's (a key hashes its file's name): a file whose bytes the snapshot holds is reused in
    the pool as in this process, and another file of the same bytes is processed."""
    from eventset.validation import runner
    from eventset.validation.cache import KEY
    from eventset.validation.document import cache_key

    path = sorted((repo / "data" / "annotations").glob("*.yaml"))[0]
    seed = repo / "seeds" / f"{path.stem}.txt"
    first, second = path.relative_to(repo).as_posix(), "data/annotations/other.yaml"
    tasks: list[runner.Task] = [(name, str(path), str(seed), "") for name in (first, second)]
    key = cache_key("v", first, path.read_bytes(), seed.read_bytes())
    known = {first: key}
    for jobs, documents in ((1, 2), (2, 40 * runner._CHUNK)):  # here, then in a pool
        [result] = runner._map_chunks(iter([tasks]), jobs, known, "v", str(tmp_path), documents)
        assert result.reused[KEY] == [key]
        assert result.index["file"] == [second]


def test_the_validators_modules_import_neither_numpy_nor_pyarrow() -> None:
    """`validate FILE` imports the runner: numpy (0.065 s with its threads) and pyarrow are a
    build's workers' alone, imported where a chunk's rows are routed and written."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "import eventset.validation.changed, eventset.validation.repository\n"
        "print(json.dumps(sorted(m for m in ('numpy', 'pyarrow') if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def _listing(files: list[tuple[int, int | None]]) -> pl.DataFrame:
    """A listing (LISTING_SCHEMA's signature) of annotations and seeds of these sizes (None: no
    seed), each signature as find and scan.signature_of write it."""
    from eventset.validation.cache import MISSING

    def signature(size: int) -> str:
        return f"{size}.1700000000.0000000000.1700000000.0000000000.{size + 7}"

    return pl.DataFrame(
        {
            "signature": [
                f"c0de:{signature(annotation)}:" + (MISSING if seed is None else signature(seed))
                for annotation, seed in files
            ]
        }
    )


@given(
    st.lists(
        st.tuples(st.integers(0, 10**7), st.integers(0, 10**7) | st.none()), min_size=1, max_size=8
    ),
    st.integers(-3, 3),
)
@example(files=[(1, None), (4097, 4096)], slack=0)
@example(files=[(3, None)], slack=0)  # 10.2 bytes of spool: the line falls between two bytes
def test_the_spool_is_compressed_when_it_would_not_stay_in_memory(
    files: list[tuple[int, int | None]], slack: int
) -> None:
    """spool_compression reads each document's annotation and seed sizes from its listing
    signature (a missing seed has none) and asks for LZ4 exactly when the spool made from them
    (3.4 bytes a byte) would take more than three quarters of the memory available: a few bytes
    of memory either side of that line decide. The corpus's own pages are not counted (it is
    read ahead as the workers go). (A listing of over _SAMPLE documents is estimated from a
    sample; these are read whole.)"""
    from eventset.validation import runner

    sizes = [size for pair in files for size in pair if size is not None]
    needed_tenths = sum(size * 34 for size in sizes)
    available = needed_tenths * 4 // 30 + slack
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "_memory_available", lambda: available)
        codec = runner.spool_compression(_listing(files))
        patch.setattr(runner, "_memory_available", lambda: None)  # where the kernel says nothing
        assert runner.spool_compression(_listing(files)) is None
    assert codec == ("lz4" if needed_tenths > available * 3 // 4 * 10 else None)


def test_a_million_documents_here_are_spooled_uncompressed() -> None:
    """The measured case the rule is drawn from: a million synthetic documents (3.95 GB of
    annotations and seeds, 13.7 GB of spool) on this 24 GB machine with 21 GB available are
    spooled plain (430 s against 476 s with LZ4); with 16 GB available, in LZ4."""
    from eventset.validation import runner

    corpus = _listing([(2750, 1200)] * 4096)  # 3,950 bytes a document, as the synthetic corpus
    million = pl.concat([corpus] * 245)[:1_000_000]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "_memory_available", lambda: 21 * 10**9)
        assert runner.spool_compression(million) is None
        patch.setattr(runner, "_memory_available", lambda: 16 * 10**9)
        assert runner.spool_compression(million) == "lz4"


def test_a_large_corpus_is_estimated_from_every_1024th_document() -> None:
    """Past _SAMPLE documents the sizes are those of a strided sample, scaled to the corpus:
    exact for documents alike, and drawn from the whole listing, not its first documents."""
    from eventset.validation import runner

    alike: list[tuple[int, int | None]] = [(5000, 1000)] * 5000
    needed = 5000 * 6000 * 3.4
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "_memory_available", lambda: int(needed * 4 / 3) + 2)
        assert runner.spool_compression(_listing(alike)) is None
        patch.setattr(runner, "_memory_available", lambda: int(needed * 4 / 3) - 2)
        assert runner.spool_compression(_listing(alike)) == "lz4"
        # The first 1,024 documents tiny: 80% of the corpus's bytes are in the rest.
        mixed = _listing([(1, None)] * 1024 + alike[1024:])
        needed = 1024 * 3.4 + 3976 * 6000 * 3.4
        patch.setattr(runner, "_memory_available", lambda: int(needed * 4 / 3 * 0.9))
        assert runner.spool_compression(mixed) == "lz4"


def test_the_memory_available_is_the_kernels_memavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MemAvailable in bytes (the kernel writes kB), and None where the kernel does not say."""
    from eventset.validation import runner

    meminfo = tmp_path / "meminfo"
    monkeypatch.setattr(runner, "_MEMINFO", meminfo)
    assert runner._memory_available() is None  # no such file
    meminfo.write_text("MemTotal:       24522064 kB\nMemFree:         1234 kB\n", encoding="ascii")
    assert runner._memory_available() is None  # an older kernel: no MemAvailable line
    meminfo.write_text(
        "MemTotal:       24522064 kB\nMemFree:         1234 kB\nMemAvailable:   21345678 kB\n",
        encoding="ascii",
    )
    assert runner._memory_available() == 21345678 * 1024


@given(st.integers(0, 3_000_000), st.integers(1, 16))
@example(documents=30_000, workers=1)  # one worker: 24 chunks of 1,250, not 30 of 1,024
def test_a_chunk_is_1024_to_4096_documents_24_chunks_a_worker_where_it_can(
    documents: int, workers: int
) -> None:
    """The tail reads runs of every chunk file once per task: a million documents in chunks of
    1,024 made 28 times the reads of 100,000. So a chunk is as large as 24 chunks a worker
    make it (the pool's balance at the end), within 1,024 and 4,096 documents (a worker's
    memory)."""
    from eventset.validation import runner

    size = runner.chunk_size(documents, workers)
    assert runner._CHUNK <= size <= runner._CHUNK_AT_MOST
    wanted = runner._CHUNKS_A_WORKER * workers
    if size < runner._CHUNK_AT_MOST:  # as many chunks as wanted at most
        assert -(-documents // size) <= wanted
    if size > runner._CHUNK:  # and no smaller chunk would do
        assert -(-documents // (size - 1)) > wanted


def test_a_corpus_is_cut_into_chunks_that_bound_the_tails_reads() -> None:
    """Figures of the issue's sizes on two workers: 10,000 documents stay in chunks of 1,024
    (ten, for two workers); 100,000 make 48 chunks; a million 245, not 977."""
    from eventset.validation import runner

    assert runner.chunk_size(10_000, 2) == 1024
    assert -(-100_000 // runner.chunk_size(100_000, 2)) == 48
    assert -(-1_000_000 // runner.chunk_size(1_000_000, 2)) == 245


def test_every_document_is_in_one_chunk_in_the_listings_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eventset.validation import runner

    monkeypatch.setattr(runner, "_CHUNK", 3)
    monkeypatch.setattr(runner, "_CHUNK_AT_MOST", 5)
    monkeypatch.setattr(runner, "_CHUNKS_A_WORKER", 2)
    for documents in (0, 1, 11, 12, 13, 40):
        listing = pl.DataFrame(
            {
                "file": [f"f{n}" for n in range(documents)],
                "annotation": [f"a{n}" for n in range(documents)],
                "seed": [None] * documents,
                "signature": [""] * documents,
            },
            schema={name: pl.String() for name in ("file", "annotation", "seed", "signature")},
        )
        chunks = list(runner.chunks_of(listing, 2))
        assert [row for chunk in chunks for row in chunk] == listing.rows()
        size = runner.chunk_size(documents, 2)
        assert 3 <= size <= 5
        assert all(0 < len(chunk) <= size for chunk in chunks)


@given(st.integers(0, 3_000_000), st.integers(1, 16))
@example(documents=100_000, workers=2)
@example(documents=10_000, workers=1)
@example(documents=4096, workers=2)  # 2,048 left (a chunk each), then 1,024 (half of that)
def test_the_last_chunks_of_a_pool_are_cut_to_a_half_and_a_quarter(
    documents: int, workers: int
) -> None:
    """The chunks follow one another from the first document to the last, chunk_size each,
    but where a pool's workers have at most a chunk each left: there a chunk is half a chunk
    while more than half of that is left, then a quarter, so that no worker waits for
    another's last chunk longer than a quarter of one. One worker waits for no one."""
    from eventset.validation import runner

    size = runner.chunk_size(documents, workers)
    at = 0
    for start, length in runner.chunk_bounds(documents, workers):
        assert start == at and length > 0
        left = documents - start
        if workers == 1 or left > workers * size:
            assert length == min(size, left)
        elif 2 * left > workers * size:
            assert length == min(max(1, size // 2), left)
        else:
            assert length == min(max(1, size // 4), left)
        at += length
    assert at == documents


def test_a_pool_of_two_cuts_its_last_chunks_of_100000_documents_smaller() -> None:
    """The figures: 46 chunks of 2,084, two of 1,042, three of 521 and the rest, 489."""
    from eventset.validation import runner

    lengths = [length for _, length in runner.chunk_bounds(100_000, 2)]
    assert lengths == [2084] * 46 + [1042] * 2 + [521] * 3 + [489]


def test_a_pools_workers_collect_garbage_less_often_and_never_over_their_imports() -> None:
    """A build's pool workers run the collector as seldom as the command, with what the
    per-document work imported (pydantic's models among it) frozen out of its traversals."""
    import gc

    from eventset.collector import GC_THRESHOLDS
    from eventset.validation import runner

    with runner.spawned_pool(1) as pool:
        threshold = pool.submit(gc.get_threshold).result()
        frozen = pool.submit(gc.get_freeze_count).result()
        models = pool.submit(_frozen_models).result()
    assert threshold == GC_THRESHOLDS
    assert frozen > 10_000 and models


def _frozen_models() -> bool:
    """Whether a model class of the annotations is among the objects frozen in this process."""
    import gc

    from eventset.schema.annotation import Annotation

    gc.collect()
    return not any(obj is Annotation for obj in gc.get_objects())  # frozen: in no generation


def test_another_engines_chunks_are_sized_for_its_workers_not_this_machines_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cluster at an address has as many workers as it has, whatever --jobs says here: its
    chunks are 24 a worker of its own (chunk_size), and every document is in one of them."""
    from collections.abc import Iterable

    from eventset.synth import write_corpus
    from eventset.validation import runner
    from eventset.validation.repository import validate_repository

    root = tmp_path / "repo"
    write_corpus(root, 240, seed=5)
    monkeypatch.setattr(runner, "_CHUNK", 1)  # the bounds out of the way, 24 chunks a worker
    monkeypatch.setattr(runner, "_CHUNK_AT_MOST", 10**6)
    sizes: list[int] = []

    class Engine:
        workers = 5

        def map_chunks(
            self, chunks: Iterable[list[runner.Task]], known: frozenset[str], version: str
        ) -> Iterator[runner.ChunkResult]:
            for chunk in chunks:
                sizes.append(len(chunk))
                yield runner.process_chunk(chunk, known, version)

    validation = validate_repository(root, jobs=1, chunk_map=Engine())
    assert validation.ok, validation.problems[:3]
    assert sum(sizes) == 240
    # chunk_size with --jobs 1 would be 10; the last chunks are cut smaller (chunk_bounds)
    assert max(sizes) == runner.chunk_size(240, 5) == 2
    assert sizes == [length for _, length in runner.chunk_bounds(240, 5)]
