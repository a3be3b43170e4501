"""eventset.load(version=...) against a real HTTP server on 127.0.0.1: download, cache hit,
offline reuse and tampered files, with pooch and the registry of published releases."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from polars.testing import assert_frame_equal

import eventset
import eventset.release.published
from eventset.release.load import load
from eventset.release.manifest import ReleaseError
from eventset.release.published import asset_name, read_registry, register, release_url
from tests.release.conftest import Releases

# A file of the events table in 0.1.0 (the events that started in 2021).
EVENTS_FILE = "events/part-2021-09.parquet"


class Server:
    """A static file server for one directory, recording every path it is asked for."""

    def __init__(self, directory: Path) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                requests.append(self.path)

        self.httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(Handler, directory=str(directory))
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def published(releases: Releases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """0.1.0 registered in a temporary registry; a private cache; served files copied so a test
    may tamper with them. Returns the served root (it holds eventset-0.1.0/)."""
    registry = tmp_path / "releases.json"
    register(releases.v1, registry)
    monkeypatch.setattr(eventset.release.published, "REGISTRY_PATH", registry)
    monkeypatch.setenv("EVENTSET_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(
        eventset.release.published, "DOWNLOAD_RETRIES", 0
    )  # fail fast, no back-off sleeps
    served = tmp_path / "served"
    shutil.copytree(releases.v1, served / "eventset-0.1.0")
    return served


@pytest.fixture
def server(published: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    running = Server(published)
    monkeypatch.setenv("EVENTSET_BASE_URL", running.url)
    yield running
    running.stop()


def cached(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "eventset-0.1.0"


def test_download_then_cache_hit_then_offline(
    releases: Releases, server: Server, tmp_path: Path
) -> None:
    tables = eventset.load("0.1.0")
    local = load(path=releases.v1)
    assert set(tables) == set(local)
    for name, frame in local.items():
        assert_frame_equal(tables[name], frame)
    files = set(read_registry()["0.1.0"])
    assert {p.removeprefix("/eventset-0.1.0/") for p in server.requests} == files
    assert len(server.requests) == len(files)  # each file once

    again = eventset.load("0.1.0", backend="pandas")  # warm cache: the server is not asked
    assert len(server.requests) == len(files)
    assert isinstance(again["events"], pd.DataFrame) and len(again["events"]) == 5

    server.stop()  # offline
    offline = eventset.load("0.1.0")
    assert_frame_equal(offline["claims"], local["claims"])
    assert {
        p.relative_to(cached(tmp_path)).as_posix()
        for p in cached(tmp_path).rglob("*")
        if p.is_file()
    } == files


def test_a_tampered_download_raises_and_is_never_kept(
    published: Path, server: Server, tmp_path: Path
) -> None:
    target = published / "eventset-0.1.0" / EVENTS_FILE
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ReleaseError, match=rf"{re.escape(EVENTS_FILE)} .*failed its sha256 check"):
        eventset.load("0.1.0")
    assert not (cached(tmp_path) / EVENTS_FILE).exists()
    leftovers = [p.name for p in cached(tmp_path).rglob("*") if not p.name.endswith(".parquet")]
    assert all(not name.startswith("tmp") for name in leftovers)


def test_a_tampered_cache_is_never_returned(
    releases: Releases, server: Server, tmp_path: Path
) -> None:
    eventset.load("0.1.0")
    cached_events = cached(tmp_path) / EVENTS_FILE
    cached_events.write_bytes(cached_events.read_bytes() + b"tampered")
    server.stop()
    with pytest.raises(ReleaseError, match=re.escape(EVENTS_FILE)):
        eventset.load("0.1.0")  # offline: the bad file cannot be replaced, so nothing is returned


def test_a_tampered_cache_is_replaced_when_online(server: Server, tmp_path: Path) -> None:
    eventset.load("0.1.0")
    cached_events = cached(tmp_path) / EVENTS_FILE
    good = cached_events.read_bytes()
    cached_events.write_bytes(b"not parquet")
    assert eventset.load("0.1.0")["events"].height == 5
    assert cached_events.read_bytes() == good


def test_versions_and_unknown_versions(published: Path) -> None:
    assert eventset.versions() == ["0.1.0"]
    with pytest.raises(ReleaseError, match=r"not a published release \(published: 0\.1\.0\)"):
        eventset.load("9.9.9")


def test_release_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTSET_BASE_URL", raising=False)
    assert release_url("1.2.3") == (
        "https://github.com/eventset/eventset/releases/download/v1.2.3/"
    )
    monkeypatch.setenv("EVENTSET_BASE_URL", "https://example.org/data")
    assert release_url("1.2.3") == "https://example.org/data/eventset-1.2.3/"
    monkeypatch.setenv("EVENTSET_BASE_URL", "https://example.org/v{version}")
    assert release_url("1.2.3") == "https://example.org/v1.2.3/"


def test_registering_a_different_build_of_a_published_version_is_refused(
    releases: Releases, tmp_path: Path
) -> None:
    registry = tmp_path / "r.json"
    register(releases.v1, registry)
    register(releases.v1, registry)  # the same files again: fine
    text = registry.read_text(encoding="utf-8").replace(
        read_registry(registry)["0.1.0"][EVENTS_FILE], "sha256:" + "0" * 64
    )
    registry.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError, match="already registered with different files"):
        register(releases.v1, registry)


def test_a_host_without_folders_serves_files_by_asset_name(
    releases: Releases, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub release assets hold no folders: with a `{version}` URL every file is fetched by
    its flat asset name, and cached at its path in the release folder."""
    flat = tmp_path / "assets" / "v0.1.0"
    flat.mkdir(parents=True)
    files = read_registry()["0.1.0"]
    for name in files:
        shutil.copyfile(published / "eventset-0.1.0" / name, flat / asset_name(name))
    assert any("/" in name for name in files)
    running = Server(tmp_path / "assets")
    try:
        monkeypatch.setenv("EVENTSET_BASE_URL", running.url + "v{version}/")
        tables = eventset.load("0.1.0")
        assert_frame_equal(tables["events"], load(path=releases.v1)["events"])
        assert sorted(running.requests) == sorted(f"/v0.1.0/{asset_name(n)}" for n in files)
        assert all("/" not in asset_name(n) for n in files)
        assert all((cached(tmp_path) / name).is_file() for name in files)
        assert (cached(tmp_path) / EVENTS_FILE).is_file()
    finally:
        running.stop()
