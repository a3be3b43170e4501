"""One folder per table: every engine reads a table's folder as exactly that table.

The built release has one file per month for the tables that grow with the corpus
(`events/part-2021-09.parquet`) and one file for the registries' tables; a hand-made release puts
`events` into hive-style `year=YYYY/` partition folders instead and splits `mentions` into two
files of no year, as another build may, and the loader, `eventset check`, the metadata, the zip
and the download all follow.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import frictionless
import mlcroissant as mlc
import polars as pl
import pyarrow.dataset as ds
import pytest
from polars.testing import assert_frame_equal

import eventset.release.published
from eventset.release.check import check_release
from eventset.release.load import load
from eventset.release.manifest import (
    MANIFEST,
    ReleaseError,
    manifest_entries,
    read_manifest,
    table_files,
)
from eventset.release.metadata import ENGINE_READS, engine_reads, write_metadata
from eventset.release.publish import pack_zip
from eventset.release.published import fetch_release, register
from eventset.release.write import manifest_of, write_manifest, write_parquet
from eventset.schema.tables import TABLES
from tests.conftest import REPO
from tests.release.conftest import Releases
from tests.release.frictionless_parquet import registered
from tests.release.test_download import Server

PARTITION = "year"


def sql(query: str) -> duckdb.DuckDBPyRelation:
    relation = duckdb.sql(query)
    assert relation is not None
    return relation


def manifest_rows(release: Path) -> dict[str, int]:
    """Rows per table, summed over its files, as the manifest says."""
    entries = manifest_entries(read_manifest(release))
    return {
        table: sum(entries[path].rows or 0 for path in paths)
        for table, paths in table_files(entries).items()
    }


def engine_counts(release: Path, table: str) -> dict[str, tuple[int, list[str]]]:
    """(rows, columns) of one table's folder read by pyarrow.dataset, polars and DuckDB."""
    folder = release / table
    dataset = ds.dataset(folder, format="parquet", partitioning="hive")
    polars = pl.scan_parquet(f"{folder}/**/*.parquet").collect()
    relation = sql(f"SELECT * FROM read_parquet('{folder}/**/*.parquet')")
    return {
        "pyarrow.dataset": (dataset.count_rows(), dataset.schema.names),
        "polars": (polars.height, polars.columns),
        "duckdb": (len(relation), relation.columns),
    }


def assert_every_engine_reads_every_table(release: Path, partitioned: set[str]) -> None:
    rows = manifest_rows(release)
    assert set(rows) == {t.name for t in TABLES}
    for table in TABLES:
        for engine, (count, columns) in engine_counts(release, table.name).items():
            assert count == rows[table.name], (engine, table.name)
            # Exactly this table: its columns in order, plus the partition key where an engine
            # turns hive folders into a column.
            extra = [c for c in columns if c not in table.column_names]
            assert [c for c in columns if c in table.column_names] == list(table.column_names)
            assert extra in ([], [PARTITION] if table.name in partitioned else []), (engine, extra)


def test_every_engine_reads_each_table_folder_of_a_built_release(releases: Releases) -> None:
    assert_every_engine_reads_every_table(releases.v1, partitioned=set())


def test_the_release_folder_itself_is_not_one_dataset(releases: Releases) -> None:
    """What the layout avoids: the top holds no Parquet file, so a glob over it finds none
    instead of silently unioning seven tables under the first one's schema."""
    assert list(releases.v1.glob("*.parquet")) == []


def test_required_columns_stay_required_in_the_parquet_files(releases: Releases) -> None:
    for table in TABLES:
        found = dict(
            sql(
                "SELECT name, repetition_type FROM "
                f"parquet_schema('{releases.v1 / table.name}/**/*.parquet')"
            ).fetchall()
        )
        for column in table.columns:
            expected = "OPTIONAL" if column.nullable else "REQUIRED"
            assert found[column.name] == expected, (table.name, column.name)
        assert any(not c.nullable for c in table.columns)


def test_the_engine_lines_of_the_card_and_readme_run(releases: Releases) -> None:
    card = (releases.v1 / "README.md").read_text(encoding="utf-8")
    lines = engine_reads("eventset-0.1.0", "events")
    assert "\n".join(lines) in card
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n".join(engine_reads("dist/eventset-dev", "events")) in readme
    assert {engine for engine, _, _ in ENGINE_READS} == {
        "polars",
        "pandas",
        "DuckDB",
        "Dask",
        "Spark",
    }
    height = load(path=releases.v1)["events"].height
    for engine, imports, expression in ENGINE_READS:
        if engine in ("Dask", "Spark"):  # benchmarks/engines.py runs these two
            continue
        namespace: dict[str, object] = {}
        exec(imports, namespace)
        read = eval(expression.format(table=str(releases.v1 / "events")), namespace)
        assert len(read) == height, engine


# --- a partitioned release ---------------------------------------------------------------------


def read_folder(release: Path, table: str) -> pl.DataFrame:
    """All of a table's files, concatenated, then its folder removed."""
    files = sorted((release / table).rglob("*.parquet"))
    assert files, table
    frame = pl.concat([pl.read_parquet(path) for path in files])
    shutil.rmtree(release / table)
    (release / table).mkdir()
    return frame


def partition(release: Path) -> None:
    """Move events from their per-year files into year=YYYY/ folders and put mentions in two
    files, then rewrite the metadata and the manifest, as a build that partitions so would."""
    events = read_folder(release, "events")
    shutil.rmtree(release / "events")
    years = events.with_columns(pl.col("date_start").dt.year().alias(PARTITION))
    for (year,), rows in years.group_by(PARTITION, maintain_order=True):
        value = "__HIVE_DEFAULT_PARTITION__" if year is None else str(year)
        folder = release / "events" / f"{PARTITION}={value}"
        folder.mkdir(parents=True)
        write_parquet(rows.drop(PARTITION), folder / "part-0.parquet", "events", "0.1.0")
    mentions = read_folder(release, "mentions")
    half = mentions.height // 2
    write_parquet(mentions.head(half), release / "mentions" / "part-0.parquet", "mentions", "x")
    write_parquet(mentions.tail(-half), release / "mentions" / "part-1.parquet", "mentions", "x")
    tables = load(path=release.parent / "unpartitioned")
    write_metadata(release, tables, "0.1.0")
    manifest = read_manifest(release)
    provenance = {k: v for k, v in manifest.items() if k not in ("name", "version", "files")}
    write_manifest(release, manifest_of(release, "0.1.0", provenance))


@pytest.fixture(scope="module")
def partitioned(releases: Releases, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("partitioned")
    shutil.copytree(releases.v1, work / "unpartitioned")
    release = work / "eventset-0.1.0"
    shutil.copytree(releases.v1, release)
    partition(release)
    return release


def test_a_partitioned_release_checks_out_and_loads_as_the_same_tables(
    releases: Releases, partitioned: Path
) -> None:
    events = sorted(table_files(manifest_entries(read_manifest(partitioned)))["events"])
    assert len(events) > 1 and all(p.startswith(f"events/{PARTITION}=") for p in events)
    assert len(table_files(manifest_entries(read_manifest(partitioned)))["mentions"]) == 2
    assert check_release(partitioned) == []
    expected = load(path=releases.v1)
    for name, frame in load(path=partitioned).items():
        assert_frame_equal(frame, expected[name])


def test_every_engine_reads_each_table_folder_of_a_partitioned_release(
    partitioned: Path,
) -> None:
    assert_every_engine_reads_every_table(partitioned, partitioned={"events"})


def test_the_metadata_of_a_partitioned_release_lists_every_part(partitioned: Path) -> None:
    files = table_files(manifest_entries(read_manifest(partitioned)))
    package = json.loads((partitioned / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert resource["path"] == files[resource["name"]]
        # Every table, whatever its number of parts, has the hash frictionless checks.
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0
    croissant = json.loads((partitioned / "croissant.json").read_text(encoding="utf-8"))
    listed = [e["path"] for e in read_manifest(partitioned)["files"]]
    for table, file_set in zip(TABLES, croissant["distribution"], strict=True):
        taken = [p for p in listed if any(fnmatch.fnmatchcase(p, g) for g in file_set["includes"])]
        assert taken == files[table.name]
    dataset = mlc.Dataset(jsonld=str(partitioned / "croissant.json"))
    assert len(list(dataset.records(record_set="events"))) == manifest_rows(partitioned)["events"]


def test_a_partitioned_release_zips_and_unzips_into_a_valid_release(
    partitioned: Path, tmp_path: Path
) -> None:
    archive = pack_zip(partitioned)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
    assert names == sorted(names)
    assert any(f"/events/{PARTITION}=" in name for name in names)
    assert check_release(tmp_path / partitioned.name) == []


@pytest.fixture
def served(partitioned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    registry = tmp_path / "releases.json"
    register(partitioned, registry)
    monkeypatch.setattr(eventset.release.published, "REGISTRY_PATH", registry)
    monkeypatch.setattr(eventset.release.published, "DOWNLOAD_RETRIES", 0)
    monkeypatch.setenv("EVENTSET_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = Server(partitioned.parent)
    monkeypatch.setenv("EVENTSET_BASE_URL", server.url)
    yield registry
    server.stop()


def test_a_partitioned_release_downloads_with_its_folders(partitioned: Path, served: Path) -> None:
    directory = fetch_release("0.1.0")
    fetched = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    assert fetched == {e["path"] for e in read_manifest(partitioned)["files"]} | {MANIFEST}
    for name, frame in eventset.load("0.1.0").items():
        assert_frame_equal(frame, load(path=partitioned)[name])


def test_a_registry_naming_a_path_outside_the_release_is_refused(
    partitioned: Path, served: Path
) -> None:
    data = json.loads(served.read_text(encoding="utf-8"))
    data["releases"]["0.1.0"]["files"]["../escape.parquet"] = "sha256:" + "0" * 64
    served.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"'\.\./escape\.parquet'.* not a path"):
        fetch_release("0.1.0")


@pytest.mark.parametrize(
    "path",
    [
        "../events/part-0.parquet",
        "/etc/passwd",
        "events/../../x.parquet",
        "events\\part-0.parquet",
        ".hidden",
        "events/part-0.csv",
        "events/a/b/part-0.parquet",
        "events/year=2021/month=1/part-0.parquet",
        "events/year=../part-0.parquet",
        "events/.part-0.parquet",
        "Events/part-0.parquet",
        "events.parquet",
        "",
    ],
)
def test_the_manifest_refuses_any_other_shape_of_path(path: str) -> None:
    entry = {"path": path, "sha256": "sha256:" + "0" * 64, "bytes": 1}
    with pytest.raises(ReleaseError, match=r"(neither a|table) file at the top"):
        manifest_entries({"files": [entry]})


@pytest.mark.parametrize(
    "path",
    ["CODEBOOK.md", "events/part-0.parquet", "events/year=2021/part-0.parquet"],
)
def test_the_manifest_accepts_the_three_shapes(path: str) -> None:
    entry = {"path": path, "sha256": "sha256:" + "0" * 64, "bytes": 1}
    assert list(manifest_entries({"files": [entry]})) == [path]


def test_frictionless_validates_every_part_of_a_partitioned_release(partitioned: Path) -> None:
    """A table of several files is a multipart resource: the plugin reads each file as the
    Parquet file it is (not their bytes joined together) and frictionless checks every row."""
    with registered():
        report = frictionless.validate(str(partitioned / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])
    assert {task.name: task.stats["rows"] for task in report.tasks} == manifest_rows(partitioned)
