"""`eventset release`: the full release, its metadata accepted by the Frictionless and Croissant
validators, a deterministic zip that unpacks into a release `eventset check` accepts."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import frictionless
import mlcroissant as mlc
import yaml
from typer.testing import CliRunner

from eventset.cli import app
from eventset.release.check import check_release
from eventset.release.load import load
from eventset.release.manifest import read_manifest, table_files
from eventset.release.metadata import citation_cff, cite_as
from eventset.release.provenance import source_commit_date
from eventset.release.publish import publish
from eventset.schema.tables import TABLES
from tests.conftest import SEED_TABLE_FILES
from tests.release.conftest import Releases, copy_repo, ok
from tests.release.frictionless_parquet import registered

RELEASE_FILES = {
    *SEED_TABLE_FILES,
    "CODEBOOK.md",
    "agreement.json",
    "README.md",
    "CITATION.cff",
    "CHANGELOG.md",
    "datapackage.json",
    "croissant.json",
    "manifest.json",
}


def test_a_release_holds_every_file_and_the_manifest_checksums_them(releases: Releases) -> None:
    found = {p.relative_to(releases.v1).as_posix() for p in releases.v1.rglob("*") if p.is_file()}
    assert found == RELEASE_FILES
    # Each table's folder holds that table's Parquet files and nothing else.
    assert {p.name for p in releases.v1.iterdir() if p.is_dir()} == {t.name for t in TABLES}
    listed = {entry["path"] for entry in read_manifest(releases.v1)["files"]}
    assert listed == RELEASE_FILES - {"manifest.json"}
    assert check_release(releases.v1) == []


def test_frictionless_accepts_the_data_package(releases: Releases) -> None:
    with registered():
        report = frictionless.validate(str(releases.v1 / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])
    assert {task.name for task in report.tasks} == {t.name for t in TABLES}
    # Every table was read and every byte measured: the hashes and foreign keys were checked.
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    tables = load(path=releases.v1)
    assert rows == {name: frame.height for name, frame in tables.items()}


def test_frictionless_catches_a_wrong_hash_and_a_broken_foreign_key(
    releases: Releases, tmp_path: Path
) -> None:
    """The validation above can fail: the same validator rejects a doctored descriptor."""
    descriptor = json.loads((releases.v1 / "datapackage.json").read_text(encoding="utf-8"))
    # documents is one file, so its resource carries that file's hash (a table of several
    # files has its checksums in manifest.json only).
    documents = next(r for r in descriptor["resources"] if r["name"] == "documents")
    assert documents["hash"].startswith("sha256:")
    documents["hash"] = "sha256:" + "0" * 64
    event_actors = next(r for r in descriptor["resources"] if r["name"] == "event_actors")
    fk = next(k for k in event_actors["schema"]["foreignKeys"] if k["fields"] == ["actor_id"])
    fk["reference"] = {"resource": "places", "fields": ["place_id"]}
    for table in TABLES:
        shutil.copytree(releases.v1 / table.name, tmp_path / table.name)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with registered():
        report = frictionless.validate(str(tmp_path / "datapackage.json"))
    kinds = {error.type for task in report.tasks for error in task.errors}
    assert not report.valid
    assert {"hash-count", "foreign-key"} <= kinds


def test_the_data_package_is_generated_from_the_table_specs(releases: Releases) -> None:
    package = json.loads((releases.v1 / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    fields = {f["name"]: f for f in events["schema"]["fields"]}
    assert events["schema"]["primaryKey"] == ["event_id"]
    assert (
        fields["event_type"]["constraints"]["enum"][:1]
        and "ASSAULT" in (fields["event_type"]["constraints"]["enum"])
    )
    assert fields["ucdp_date_prec"]["constraints"] == {"minimum": 1, "maximum": 5}
    assert fields["date_start"]["type"] == "date"
    assert {
        "fields": ["place_id"],
        "reference": {"resource": "places", "fields": ["place_id"]},
    } in (events["schema"]["foreignKeys"])
    manifest = {e["path"]: e for e in read_manifest(releases.v1)["files"]}
    files = table_files(manifest)
    assert (
        events["path"]
        == files["events"]
        == [
            "events/part-2020-01.parquet",
            "events/part-2021-09.parquet",
            "events/part-undated.parquet",
        ]
    )
    # Several files: the resource's hash and size are those of its parts joined in order (what
    # frictionless measures); each part's own are in the manifest.
    joined = b"".join((releases.v1 / p).read_bytes() for p in events["path"])
    assert events["hash"] == "sha256:" + hashlib.sha256(joined).hexdigest()
    assert events["bytes"] == len(joined) == sum(manifest[p]["bytes"] for p in events["path"])
    # One file: the resource carries its checksum and size.
    documents = next(r for r in package["resources"] if r["name"] == "documents")
    assert documents["path"] == files["documents"] == ["documents/part-2021-09.parquet"]
    assert documents["hash"] == manifest["documents/part-2021-09.parquet"]["sha256"]
    assert documents["bytes"] == manifest["documents/part-2021-09.parquet"]["bytes"]


def test_croissant_loads_and_its_records_match_the_tables(releases: Releases) -> None:
    dataset = mlc.Dataset(jsonld=str(releases.v1 / "croissant.json"))
    tables = load(path=releases.v1)
    for table in TABLES:
        records = list(dataset.records(record_set=table.name))
        assert len(records) == tables[table.name].height, table.name
    events = {r["events/event_id"].decode(): r for r in dataset.records(record_set="events")}
    assert events["iq-2021-09-06-kalsu-bridge-convoy-bombing"]["events/event_type"] == b"ASSAULT"
    croissant = json.loads((releases.v1 / "croissant.json").read_text(encoding="utf-8"))
    # One FileSet per table, whose globs take exactly that table's files of the manifest.
    listed = [e["path"] for e in read_manifest(releases.v1)["files"]]
    files = table_files(listed)
    for table, file_set in zip(TABLES, croissant["distribution"], strict=True):
        assert file_set["@type"] == "cr:FileSet"
        taken = [p for p in listed if any(fnmatch.fnmatchcase(p, g) for g in file_set["includes"])]
        assert taken == files[table.name]
        assert taken == [p for p in SEED_TABLE_FILES if p.startswith(f"{table.name}/")]


def test_the_dataset_card_says_what_is_in_it(releases: Releases) -> None:
    card = (releases.v1 / "README.md").read_text(encoding="utf-8")
    tables = load(path=releases.v1)
    assert f"| events | {tables['events'].height:,} |" in card
    assert "events from 2020-01-03 to 2021-09-07" in card
    assert "Iraq (IQ)" in card
    # Licence-aware text: the seed's licence is unknown, so it carries no text, and the card says so.
    assert tables["documents"]["text"].null_count() == tables["documents"].height
    assert "0 of 1 document carry their text" in card
    assert "| `unknown` (Unknown) | 1 | no | 0 |" in card
    assert "offsets and exact words of the" in card
    assert "1 published report, 0 contributor's originals, 0 synthetic texts" in card
    assert tables["documents"]["origin"].to_list() == ["published"]
    for needle in ("polars", "pandas", "duckdb", 'eventset.load("0.1.0")', "CC-BY-4.0", "@misc"):
        assert needle in card
    # The layout it describes is the one it ships: files named by month, and `part-0` ones.
    for needle in ("events/part-2021-09.parquet", "events/part-undated.parquet", "part-0.parquet"):
        assert needle in card
        assert needle.split("/")[-1] in {p.split("/")[-1] for p in RELEASE_FILES}


def test_citation_and_first_changelog(releases: Releases) -> None:
    citation = yaml.safe_load((releases.v1 / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["version"] == "0.1.0"
    assert citation["type"] == "dataset" and citation["authors"]
    changelog = (releases.v1 / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.1.0" in changelog and "First release" in changelog


def test_the_zip_is_deterministic_and_unpacks_into_a_valid_release(
    releases: Releases, tmp_path: Path
) -> None:
    archive = releases.dist / "eventset-0.1.0.zip"
    assert releases.first.zip_path == archive
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert {n.removeprefix("eventset-0.1.0/") for n in names} == RELEASE_FILES
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        zf.extractall(tmp_path)
    assert check_release(tmp_path / "eventset-0.1.0") == []
    # Same inputs, another directory: byte-identical metadata and zip.
    other = copy_repo(tmp_path / "again")
    again = ok(publish(other, other / "dist", "0.1.0"))
    assert again.zip_path is not None
    assert again.zip_path.read_bytes() == archive.read_bytes()


def test_the_release_date_defaults_to_the_inputs_commit(tmp_path: Path) -> None:
    """Without --date, CITATION.cff, Croissant and the BibTeX entry still carry a date: the
    commit's, which every build of that commit shares (the clock is never read)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "GIT_COMMITTER_DATE": "2026-03-04T05:06:07Z",
        "GIT_AUTHOR_DATE": "2026-03-04T05:06:07Z",
    }
    for args in (
        ["init", "-q"],
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)
    assert source_commit_date(repo) == dt.date(2026, 3, 4)
    assert source_commit_date(tmp_path / "elsewhere") is None
    released = source_commit_date(repo)
    assert "date-released: 2026-03-04" in citation_cff("0.1.0", released)
    assert "year = {2026}" in cite_as("0.1.0", released)
    bad = CliRunner().invoke(app, ["release", "0.1.0", "--root", str(repo), "--doi", "doi:10.1/x"])
    assert bad.exit_code == 2 and "not a DOI" in bad.output


def test_release_command_records_the_date_and_registers_the_release(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["release", "1.0", "--root", str(tmp_path)])
    assert bad.exit_code == 2 and "X.Y.Z" in bad.output
    root = copy_repo(tmp_path / "repo")
    registry = tmp_path / "releases.json"
    done = runner.invoke(
        app,
        [
            *("release", "0.1.0", "--root", str(root), "--date", "2026-11-26"),
            *("--register", "--registry", str(registry), "--doi", "10.5281/zenodo.1234567"),
        ],
    )
    assert done.exit_code == 0, done.output
    path = root / "dist" / "eventset-0.1.0"
    citation = yaml.safe_load((path / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["date-released"]) == "2026-11-26"
    assert citation["doi"] == "10.5281/zenodo.1234567"
    croissant = json.loads((path / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["datePublished"] == "2026-11-26"
    assert croissant["identifier"] == "https://doi.org/10.5281/zenodo.1234567"
    # the BibTeX entry (Croissant's citeAs and the card's) carries the year, date and DOI
    for bibtex in (croissant["citeAs"], (path / "README.md").read_text(encoding="utf-8")):
        assert "year = {2026}" in bibtex and "date = {2026-11-26}" in bibtex
        assert "doi = {10.5281/zenodo.1234567}" in bibtex
    entry = json.loads(registry.read_text(encoding="utf-8"))["releases"]["0.1.0"]["files"]
    assert set(entry) == RELEASE_FILES
    assert (root / "dist" / "eventset-0.1.0.zip").is_file()
