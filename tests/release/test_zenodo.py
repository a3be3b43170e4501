"""The Zenodo deposit against a local fake of its REST API; skipped cleanly without a token."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from eventset.release.zenodo import main

TOKEN = "test-token"


class FakeZenodo:
    """Just enough of the deposit API: create, upload to the bucket, describe, publish."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                calls.append((self.command, self.path, body))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._reply(401, {"message": "no"})
                    return
                base = f"http://{self.headers['Host']}"
                if (self.command, self.path) == ("POST", "/api/deposit/depositions"):
                    self._reply(201, {"id": 42, "links": {"bucket": base + "/files/b-1"}})
                elif self.command == "PUT" and self.path.startswith("/files/b-1/"):
                    self._reply(201, {"key": self.path.rsplit("/", 1)[1], "size": len(body)})
                elif (self.command, self.path) == ("PUT", "/api/deposit/depositions/42"):
                    self._reply(
                        200,
                        {
                            "metadata": {"prereserve_doi": {"doi": "10.5281/zenodo.42"}},
                            "links": {"html": base + "/deposit/42"},
                        },
                    )
                elif (self.command, self.path) == (
                    "POST",
                    "/api/deposit/depositions/42/actions/publish",
                ):
                    self._reply(
                        202, {"doi": "10.5281/zenodo.42", "links": {"html": base + "/records/42"}}
                    )
                else:
                    self._reply(404, {"message": "unknown"})

            def do_POST(self) -> None:
                self._handle()

            def do_PUT(self) -> None:
                self._handle()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def zenodo() -> Iterator[FakeZenodo]:
    fake = FakeZenodo()
    yield fake
    fake.stop()


def _staged(tmp_path: Path) -> Path:
    staged = tmp_path / "staged"
    assets = staged / "releases" / "download" / "v1.2.3"
    assets.mkdir(parents=True)
    (assets / "eventset-1.2.3.zip").write_bytes(b"PK zip bytes" * 1000)
    plan = {"file": "eventset-1.2.3.zip", "metadata": {"title": "eventset", "version": "1.2.3"}}
    (staged / "zenodo.json").write_text(json.dumps(plan), encoding="utf-8")
    return staged


def test_without_a_token_it_is_skipped_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ZENODO_TOKEN", raising=False)
    assert main([str(_staged(tmp_path))]) == 0
    assert "skipped (no ZENODO_TOKEN" in capsys.readouterr().out


@pytest.mark.parametrize("publish", [False, True])
def test_it_deposits_the_zip_with_its_metadata_and_a_reserved_doi(
    publish: bool,
    zenodo: FakeZenodo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    monkeypatch.setenv("ZENODO_URL", zenodo.url)
    if publish:
        monkeypatch.setenv("ZENODO_PUBLISH", "1")
    else:
        monkeypatch.delenv("ZENODO_PUBLISH", raising=False)
    assert main([str(_staged(tmp_path))]) == 0
    calls = [(method, path) for method, path, _ in zenodo.calls]
    assert calls[:3] == [
        ("POST", "/api/deposit/depositions"),
        ("PUT", "/files/b-1/eventset-1.2.3.zip"),
        ("PUT", "/api/deposit/depositions/42"),
    ]
    assert zenodo.calls[1][2] == b"PK zip bytes" * 1000
    described = json.loads(zenodo.calls[2][2])
    assert described["metadata"]["version"] == "1.2.3"
    assert described["metadata"]["prereserve_doi"] is True
    out = capsys.readouterr().out
    assert "DOI 10.5281/zenodo.42" in out
    assert (("POST", "/api/deposit/depositions/42/actions/publish") in calls) is publish
    assert ("published" in out) is publish


def test_a_refused_token_fails_with_the_reason(
    zenodo: FakeZenodo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", "wrong")
    monkeypatch.setenv("ZENODO_URL", zenodo.url)
    assert main([str(_staged(tmp_path))]) == 1
    assert "HTTP 401" in capsys.readouterr().err
