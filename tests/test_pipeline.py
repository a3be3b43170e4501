"""The build: tables, contracts, determinism, atomicity, merging, and the release check."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from eventset.inputs.seeds import sha256_of
from eventset.pipeline import BuildResult, build
from eventset.release.check import check_release
from eventset.release.load import load
from eventset.release.manifest import ReleaseError
from eventset.release.write import ReleaseExistsError
from eventset.schema.contracts import validate_frame
from eventset.schema.tables import TABLES
from tests.conftest import REPO, SEED_ID, SEED_TABLE_FILES

BOMBING = "iq-2021-09-06-kalsu-bridge-convoy-bombing"


def _build(root: Path, version: str = "dev", jobs: int = 1) -> BuildResult:
    result = build(root, root / "dist", version, jobs=jobs)
    assert result.validation.ok, result.validation.problems
    assert not result.failures, result.failures
    assert result.written is not None
    return result


@pytest.fixture(scope="module")
def seed_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("release") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = _build(root)
    assert result.written is not None
    return result.written.path


def test_every_table_and_check_passes(seed_release: Path) -> None:
    assert sorted(
        p.relative_to(seed_release).as_posix() for p in seed_release.rglob("*.parquet")
    ) == list(SEED_TABLE_FILES)
    assert {path.split("/")[0] for path in SEED_TABLE_FILES} == {t.name for t in TABLES}
    assert (seed_release / "CODEBOOK.md").is_file()
    assert check_release(seed_release) == []


def test_the_roadside_bombing_has_its_date_and_place(seed_release: Path) -> None:
    events = load(path=seed_release)["events"]
    row = events.filter(pl.col("event_id") == BOMBING).to_dicts()
    assert len(row) == 1
    assert row[0]["event_type"] == "ASSAULT" and row[0]["mode"] == "explosives"
    assert row[0]["date_start"] == row[0]["date_end"] == dt.date(2021, 9, 6)
    assert row[0]["date_derived"] is True
    assert row[0]["place_id"] == "kalsu-bridge"
    # "near" the bridge, but the registry has coordinates only for Babil Governorate
    assert row[0]["geo_precision"] == "admin1"
    assert row[0]["acled_sub_event_type"] == "Remote explosive/landmine/IED"


def test_every_table_validates_and_dates_are_date32(seed_release: Path) -> None:
    import pyarrow.parquet as pq

    tables = load(path=seed_release)
    for name, frame in tables.items():
        assert validate_frame(name, frame) == []
    events_files = sorted((seed_release / "events").glob("*.parquet"))
    mentions_files = sorted((seed_release / "mentions").glob("*.parquet"))
    assert events_files and mentions_files
    for events in events_files:
        assert str(pq.read_schema(events).field("date_start").type) == "date32[day]", events
    for mentions in mentions_files:
        description = pq.read_schema(mentions).field("char_start").metadata[b"description"]
        assert b"code points" in description, mentions


def test_every_mention_quotes_its_span(seed_release: Path) -> None:
    mentions = load(path=seed_release)["mentions"]
    text = (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes().decode("utf-8")
    assert mentions.height > 50
    for start, end, quote in mentions.select("char_start", "char_end", "quote").iter_rows():
        assert text[start:end] == quote


def test_foreign_keys_resolve(seed_release: Path) -> None:
    tables = load(path=seed_release)
    actors = set(tables["actors"]["actor_id"])
    assert set(tables["event_actors"]["actor_id"]) <= actors
    assert set(tables["claims"]["claimant_id"]) <= actors
    assert set(tables["claims"]["event_id"].drop_nulls()) <= set(tables["events"]["event_id"])


def test_pandera_catches_a_bad_value(seed_release: Path) -> None:
    documents = load(path=seed_release)["documents"].with_columns(
        pl.lit(-1, dtype=pl.Int64).alias("char_count")
    )
    failures = validate_frame("documents", documents)
    assert {(f.column, f.check) for f in failures} >= {
        ("char_count", "greater_than_or_equal_to(0)")
    }
    events = load(path=seed_release)["events"].with_columns(
        fatalities_high=pl.lit(0, dtype=pl.Int64)
    )
    assert any(f.check == "fatalities_ordered" for f in validate_frame("events", events))


def test_tampered_manifest_or_corrupt_parquet_fails_check(
    seed_release: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(seed_release, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["files"][1]["sha256"] = "sha256:" + "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    problems = check_release(copy)
    assert any("checksum" in p for p in problems), problems

    shutil.rmtree(copy)
    shutil.copytree(seed_release, copy)
    events = copy / "events" / "part-2021-09.parquet"
    raw = bytearray(events.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    events.write_bytes(bytes(raw))
    problems = check_release(copy)
    assert any("events/part-2021-09.parquet has checksum" in p for p in problems), problems
    with pytest.raises(ReleaseError, match=r"events/part-2021-09\.parquet has checksum"):
        load(path=copy)


def _shuffled_copy(source: Path, target: Path) -> None:
    """The same inputs, written in reverse order (so directory order differs)."""
    for folder in ("seeds", "data/annotations", "data"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    for path in sorted((source / "seeds").iterdir(), reverse=True):
        shutil.copy(path, target / "seeds" / path.name)
    for path in sorted((source / "data" / "annotations").iterdir(), reverse=True):
        shutil.copy(path, target / "data" / "annotations" / path.name)
    for name in ("places.yaml", "actors.yaml"):
        shutil.copy(source / "data" / name, target / "data" / name)


def _hashes(release: Path) -> dict[str, str]:
    return {
        entry["path"]: entry["sha256"]
        for entry in json.loads((release / "manifest.json").read_text())["files"]
    }


def test_builds_are_byte_identical_across_order_and_jobs(repo: Path, tmp_path: Path) -> None:
    _add_second_document(repo)
    other = tmp_path / "other"
    _shuffled_copy(repo, other)
    first = _build(repo, "1.0.0", jobs=1).written
    second = _build(other, "1.0.0", jobs=2).written
    assert first is not None and second is not None
    assert _hashes(first.path) == _hashes(second.path)
    for name in _hashes(first.path):
        assert (first.path / name).read_bytes() == (second.path / name).read_bytes()


def test_worker_processes_spool_their_chunks_to_disk(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool's workers write their chunks' frames to files the parent reads once (runner.py):
    the same release as one process gives, and no spooled file left behind."""
    from eventset.validation import runner

    _add_second_document(repo)
    other = tmp_path / "other"
    shutil.copytree(repo, other)
    alone = _build(repo, "1.0.0", jobs=1).written
    monkeypatch.setattr(runner, "_CHUNK", 1)  # one document a chunk: a pool for two
    monkeypatch.setattr(runner, "_POOL_CHUNKS", 2)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(cache))
    spooled: list[str] = []
    real_map = runner._map_chunks

    def map_chunks(*args: object) -> Iterator[object]:
        yield from real_map(*args)  # type: ignore[arg-type]
        spooled.extend(str(p) for p in Path(str(args[4])).iterdir())  # the spool folder

    monkeypatch.setattr(runner, "_map_chunks", map_chunks)
    pooled = _build(other, "1.0.0", jobs=2).written
    assert alone is not None and pooled is not None
    assert _hashes(alone.path) == _hashes(pooled.path)
    assert spooled and all(name.endswith(".arrow") for name in spooled)
    assert not [p for p in cache.iterdir() if p.name.startswith(".spool.")]


def test_numbered_release_is_never_overwritten(repo: Path, edit: object) -> None:
    written = _build(repo, "1.0.0").written
    assert written is not None
    again = _build(repo, "1.0.0").written
    assert again is not None and again.unchanged
    annotation = repo / "data" / "annotations" / f"{SEED_ID}.yaml"
    annotation.write_text(
        annotation.read_text().replace("Anti-US sentiment is rising", "Anti-US feeling is rising")
    )
    before = _hashes(written.path)
    with pytest.raises(ReleaseExistsError):
        build(repo, repo / "dist", "1.0.0")
    assert _hashes(written.path) == before
    assert [p.name for p in (repo / "dist").iterdir()] == ["eventset-1.0.0"]


def test_failed_write_leaves_nothing_half_written(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventset.release.write as release

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(release, "write_parquet", boom)
    with pytest.raises(OSError, match="disk full"):
        build(repo, repo / "dist", "1.0.0")
    assert list((repo / "dist").iterdir()) == []


def test_invalid_input_refuses_to_build(repo: Path, edit: object) -> None:
    annotation = repo / "data" / "annotations" / f"{SEED_ID}.yaml"
    annotation.write_text(annotation.read_text().replace("type: THREATEN", "type: THREATENS"))
    result = build(repo, repo / "dist", "dev")
    assert not result.validation.ok and result.written is None
    assert not (repo / "dist").exists() or list((repo / "dist").iterdir()) == []


SECOND_ID = "synthetic_second_report"
SECOND_TEXT = (
    " date 2021-09-08 Synthetic second report of the Kalsu Bridge bombing\n\n"
    "SYNTHETIC TEST DOCUMENT, not a real source. A roadside bomb hit a US logistics convoy near the "
    "Kalsu Bridge in Babil on Monday. Police said one driver was killed; a local official put the "
    "toll at two.\n"
)


def _add_second_document(root: Path, date: str = "2021-09-06") -> None:
    """A generated, test-only second report of the seed's bombing (never part of the dataset)."""
    seed = root / "seeds" / f"{SECOND_ID}.txt"
    seed.write_text(SECOND_TEXT, encoding="utf-8", newline="")
    (root / "data" / "annotations" / f"{SECOND_ID}.yaml").write_text(
        f"""format: 1
document:
  id: "{SECOND_ID}"
  sha256: "{sha256_of(seed.read_bytes())}"
  published: 2021-09-08
  title: "Synthetic second report of the Kalsu Bridge bombing"
  language: "en"
  licence: cc0_1_0
events:
  - id: {BOMBING}
    type: ASSAULT
    mode: explosives
    date:
      start: {date}
      precision: day
      derived: true
      evidence: ["on Monday"]
    place:
      id: kalsu-bridge
      precision: near
      evidence: ["near the Kalsu Bridge in Babil"]
    participants:
      - actor: unidentified-iq
        role: perpetrator
      - actor: us-armed-forces
        role: target
        evidence: ["a US logistics convoy"]
    fatalities:
      low: 1
      best: 1
      high: 2
      evidence: ["one driver was killed", "put the toll at two"]
    certainty: confirmed
    summary: A roadside bomb hit a US logistics convoy near the Kalsu Bridge; one to two killed.
    evidence: ["A roadside bomb hit a US logistics convoy near the Kalsu Bridge in Babil on Monday."]
""",
        encoding="utf-8",
    )


def test_one_event_reported_by_two_documents_is_one_row(repo: Path) -> None:
    _add_second_document(repo)
    tables = _build(repo).tables
    events = tables["events"].filter(pl.col("event_id") == BOMBING).to_dicts()
    assert len(events) == 1
    row = events[0]
    assert row["document_count"] == 2
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (1, 1, 2)
    assert row["certainty"] == "confirmed"
    assert row["summary"].startswith("A roadside bomb targeted")  # the earliest document's summary
    target = tables["event_actors"].filter(
        (pl.col("event_id") == BOMBING) & (pl.col("role") == "target")
    )
    assert target["document_count"].to_list() == [2]
    docs = (
        tables["mentions"]
        .filter(pl.col("target_id") == BOMBING)["document_id"]
        .unique()
        .sort()
        .to_list()
    )
    assert docs == sorted([SEED_ID, SECOND_ID])
    second = tables["documents"].filter(pl.col("document_id") == SECOND_ID)
    assert second["text"].to_list() == [SECOND_TEXT]  # cc0: the text may be published
    seed_doc = tables["documents"].filter(pl.col("document_id") == SEED_ID)
    assert seed_doc["text"].to_list() == [None]  # licence unknown: evidence quotes only


def test_two_documents_disagreeing_on_the_date_is_a_located_error(repo: Path) -> None:
    _add_second_document(repo, date="2021-09-05")
    result = build(repo, repo / "dist", "dev")
    assert result.written is None
    conflicts = [p for p in result.validation.problems if p.code == "E501"]
    assert len(conflicts) == 1
    assert conflicts[0].file == f"data/annotations/{SECOND_ID}.yaml"
    assert "2021-09-06" in conflicts[0].message


def test_readme_example_runs(
    seed_release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- readme-example: start -->\n```python\n(.*?)```\n<!-- readme-example: end -->",
        readme,
        re.S,
    )
    assert block is not None
    monkeypatch.chdir(seed_release.parent.parent)
    exec(compile(block.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert f"('{BOMBING}', 'unidentified-iq', 'perpetrator')" in out  # the DuckDB join
    assert "claimant_id" in out and "event_type" in out  # the pandas and polars prints


def test_no_column_name_is_an_sql_reserved_word() -> None:
    import duckdb

    keywords = duckdb.sql(
        "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'"
    )
    assert keywords is not None
    reserved = {name.lower() for (name,) in keywords.fetchall()}
    assert {"end", "select", "order"} <= reserved
    clashes = [f"{t.name}.{c}" for t in TABLES for c in t.column_names if c.lower() in reserved]
    assert clashes == []
