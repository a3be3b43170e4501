"""The whole path of a publication, locally: stage (the dry run), serve the folder over HTTP as
GitHub would, then eventset.load("X.Y.Z") through EVENTSET_BASE_URL, every file checked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

import eventset
import eventset.release.published
from eventset.cli import app
from eventset.release.load import load
from eventset.release.manifest import ReleaseError
from eventset.release.published import asset_name, read_registry
from tests.release.conftest import Releases
from tests.release.test_download import Server

VERSION = "0.2.0"


@pytest.fixture
def staged(releases: Releases, tmp_path: Path) -> Path:
    out = tmp_path / "staged"
    done = CliRunner().invoke(
        app,
        [
            "stage-release",
            VERSION,
            "--dist",
            str(releases.dist),
            "--out",
            str(out),
            "--registry",
            str(tmp_path / "no-registry-yet.json"),
        ],
    )
    assert done.exit_code == 0, done.output
    return out


def test_the_dry_run_stages_flat_assets_checksums_and_the_registry(
    releases: Releases, staged: Path
) -> None:
    assets = staged / "releases" / "download" / f"v{VERSION}"
    registry = read_registry(staged / "published.json")
    assert list(registry) == [VERSION]
    files = registry[VERSION]
    assert "manifest.json" in files and "events/part-2021-09.parquet" in files
    names = {p.name for p in assets.iterdir()}
    assert names == {asset_name(f) for f in files} | {f"eventset-{VERSION}.zip", "SHA256SUMS"}
    assert all("/" not in n for n in names)
    sums: dict[str, str] = {}
    for line in (assets / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        sums[name] = digest
    assert set(sums) == names - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((assets / name).read_bytes()).hexdigest() == digest
    notes = (staged / "release-notes.md").read_text(encoding="utf-8")
    assert "Compared with 0.1.0" in notes and f'eventset.load("{VERSION}")' in notes
    zenodo = json.loads((staged / "zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["file"] == f"eventset-{VERSION}.zip"
    assert zenodo["metadata"]["version"] == VERSION
    assert zenodo["metadata"]["upload_type"] == "dataset"
    # A second dry run into the same folder is refused: nothing staged is ever overwritten.
    again = CliRunner().invoke(
        app, ["stage-release", VERSION, "--dist", str(releases.dist), "--out", str(staged)]
    )
    assert again.exit_code == 1 and "not empty" in again.output


def test_the_served_folder_loads_by_version_with_checksums_verified(
    releases: Releases, staged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server(staged)
    try:
        monkeypatch.setattr(eventset.release.published, "REGISTRY_PATH", staged / "published.json")
        monkeypatch.setenv("EVENTSET_BASE_URL", server.url + "releases/download/v{version}/")
        monkeypatch.setenv("EVENTSET_DATA_DIR", str(tmp_path / "cache"))
        tables = eventset.load(VERSION)
        local = load(path=releases.v2)
        assert set(tables) == set(local)
        for name, frame in local.items():
            assert_frame_equal(tables[name], frame)
        assert any(r.endswith("--part-2021-09.parquet") for r in server.requests)

        # A tampered asset on the server is refused, never returned.
        events = staged / "releases" / "download" / f"v{VERSION}" / "events--part-2021-09.parquet"
        events.write_bytes(events.read_bytes()[:-10] + b"0123456789")
        monkeypatch.setenv("EVENTSET_DATA_DIR", str(tmp_path / "fresh-cache"))
        with pytest.raises(ReleaseError, match="failed its sha256 check"):
            eventset.load(VERSION)
    finally:
        server.stop()
