"""`eventset build --engine dask`: on a 2-worker LocalCluster, the release is byte-identical to
the local build's and the problems are the same, in the same order, hostile files included.

One cluster serves the module (starting one costs seconds). The corpus is the benchmarks'
SYNTHETIC generator's, test-only.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from eventset.engines import dask_cluster
from eventset.engines.dask_cluster import DaskEngine, EngineError
from eventset.pipeline import BuildResult, Engine, build
from eventset.release import months, tasks
from eventset.release.partitions import BY_DOCUMENT, BY_EVENT
from eventset.synth import write_corpus
from eventset.validation import runner

distributed = pytest.importorskip("distributed")

DOCUMENTS = 300


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dask") / "repo"
    write_corpus(root, DOCUMENTS, seed=3)
    return root


def _release(result: BuildResult) -> dict[str, bytes]:
    assert result.validation.ok, result.validation.problems[:3]
    assert not result.failures
    assert result.written is not None
    final = result.written.path
    return {
        p.relative_to(final).as_posix(): p.read_bytes() for p in final.rglob("*") if p.is_file()
    }


def _on(engine: DaskEngine) -> Engine:
    return lambda: nullcontext(engine)


def test_the_release_is_byte_identical_to_the_local_build(
    corpus: Path, client: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five chunks, one ahead per worker: the window of tasks slides over the chunks.
    monkeypatch.setattr(runner, "_CHUNK", 64)
    monkeypatch.setattr(dask_cluster, "_CHUNKS_AHEAD_PER_WORKER", 1)
    # Several buckets and month tasks, one out ahead per worker: the tail's window slides too.
    monkeypatch.setattr(months, "_EVENT_ROWS_PER_BUCKET", 100)
    monkeypatch.setattr(months, "_TASK_BYTES", 50_000)
    monkeypatch.setattr(tasks, "_AHEAD_PER_WORKER", 1)
    local = build(corpus, tmp_path / "local", "1.0.0", cache=False)
    engine = DaskEngine(client, str(corpus))
    assert engine.workers == 2
    submitted: list[str] = []
    real_submit = engine.submit

    def submit(function: Callable[[Any], Any], argument: Any, /) -> Any:
        submitted.append(function.__name__)
        return real_submit(function, argument)

    monkeypatch.setattr(engine, "submit", submit)
    on_dask = build(corpus, tmp_path / "dask", "1.0.0", cache=False, engine=_on(engine))
    assert _release(on_dask) == _release(local)
    assert on_dask.rows["events"] > DOCUMENTS // 2  # a real corpus, not an empty one
    # The buckets' merges and the month tasks of every table ran on the cluster's workers.
    assert submitted.count("merged_remotely") > 1
    assert submitted.count("month_remotely") > len(BY_DOCUMENT + BY_EVENT)


def test_workers_read_the_corpus_through_fsspec(
    corpus: Path, client: object, tmp_path: Path
) -> None:
    """--corpus-url: the workers read the files under a URL standing for the root. The mirror
    has one annotation emptied, so a build that read the local files would not see it."""
    mirror = tmp_path / "mirror"
    shutil.copytree(corpus, mirror)
    first = sorted((mirror / "data" / "annotations").iterdir())[0]
    first.write_bytes(b"")
    engine = DaskEngine(client, str(corpus), corpus_url=mirror.as_uri())
    result = build(corpus, tmp_path / "out", "1.0.0", cache=False, engine=_on(engine))
    assert [p.file for p in result.validation.problems if p.severity == "error"] == [
        f"data/annotations/{first.name}"
    ]


def test_problems_are_the_local_ones_in_the_same_order_hostile_files_included(
    corpus: Path, client: object, tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(corpus, root)
    annotations = sorted((root / "data" / "annotations").iterdir())
    annotations[0].write_bytes(b"x" * (2 * 1024 * 1024 + 10))  # over the size limit: E101
    nested = "format: 1\ndocument:\n" + "".join("  " * i + "- \n" for i in range(1, 40))
    annotations[1].write_text(nested, encoding="utf-8")  # nesting past the depth limit
    bomb = "format: 1\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    annotations[2].write_text(bomb, encoding="utf-8")  # anchors and aliases are refused
    text = annotations[3].read_text(encoding="utf-8")
    quote = text.index('quote: "') + len('quote: "')
    annotations[3].write_text(text[:quote] + "no such words " + text[quote:], encoding="utf-8")
    local = build(root, tmp_path / "local", "1.0.0", cache=False)
    engine = DaskEngine(client, str(root))
    on_dask = build(root, tmp_path / "dask", "1.0.0", cache=False, engine=_on(engine))
    assert on_dask.validation.problems == local.validation.problems
    codes = {p.code for p in local.validation.problems}
    assert {"E101", "E109"} <= codes, codes
    files = {p.file for p in local.validation.problems}
    assert {f"data/annotations/{a.name}" for a in annotations[:4]} <= files
    assert on_dask.written is None and local.written is None


def test_workers_on_other_code_are_refused(client: object, corpus: Path) -> None:
    def other_version() -> str:
        return "another version"

    class Elsewhere:
        """The client, with workers that report another code version."""

        def run(self, function: object) -> dict[str, str]:
            return {"tcp://worker:1": other_version()}

    with pytest.raises(EngineError, match="another version of eventset"):
        DaskEngine(Elsewhere(), str(corpus))


def test_a_lost_worker_is_the_clusters_failure_not_a_traceback() -> None:
    class Lost:
        def result(self) -> None:
            raise distributed.KilledWorker("task", "tcp://worker:1", 3)

    with pytest.raises(EngineError, match="cluster failed"):
        dask_cluster._result(Lost())


def test_the_command_line(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--scheduler without --engine dask is a usage error; a scheduler that does not answer is
    said in one line, with no traceback."""
    import dask
    from typer.testing import CliRunner

    from eventset.cli import app

    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    build_args = ["build", "--root", str(repo), "--out", str(tmp_path / "out")]
    alone = runner.invoke(app, [*build_args, "--scheduler", "tcp://127.0.0.1:9"])
    assert alone.exit_code == 2
    assert "--engine dask" in alone.output
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        nobody = runner.invoke(
            app, [*build_args, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
        )
    assert nobody.exit_code == 1, nobody.output
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in nobody.output
    assert "Traceback" not in nobody.output


def test_the_url_reader_reads_only_under_the_root_and_within_the_limit(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "data").mkdir(parents=True)
    (mirror / "data" / "a.yaml").write_bytes(b"x" * 100)
    read = dask_cluster._read_url(mirror.as_uri(), "/repo")
    assert read("/repo/data/a.yaml", 10) == b"x" * 11  # the limit and one byte, no more
    assert read("/repo/data/a.yaml", 1000) == b"x" * 100
    assert read("/repo/data/missing.yaml", 10) is None
    assert read("/repository/data/a.yaml", 10) is None  # not under the root
    assert read(None, 10) is None


def test_a_local_clusters_workers_collect_garbage_as_a_pools_do(corpus: Path) -> None:
    """The LocalCluster a build starts (no --scheduler) has its workers' collector run as
    seldom as a pool worker's, with the per-document work's imports frozen out of it."""
    import gc
    import os

    from eventset.collector import GC_THRESHOLDS

    with dask_cluster.dask_engine(None, 1, str(corpus)) as engine:
        client: Any = engine.client
        settled = [client.run(gc.get_threshold), client.run(gc.get_freeze_count)]
        first = set(client.run(os.getpid).values())
        client.restart()  # a worker restarted (by its nanny, past its memory limit) as well
        assert not first & set(client.run(os.getpid).values())
        settled += [client.run(gc.get_threshold), client.run(gc.get_freeze_count)]
    for thresholds, frozen in (settled[:2], settled[2:]):
        assert {tuple(value) for value in thresholds.values()} == {GC_THRESHOLDS}
        assert all(count > 10_000 for count in frozen.values())
