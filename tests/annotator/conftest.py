"""A temporary repository with the seed and the registries but no annotation, and an annotate
server for it running in a thread."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventset.annotator.server import AnnotateServer, serve
from tests.conftest import REPO, SEED_ID

GOLD = REPO / "data" / "annotations" / f"{SEED_ID}.yaml"


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """seeds/ and data/ copied, without the seed's annotation: it is to be written."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    (root / "data" / "annotations" / f"{SEED_ID}.yaml").unlink()
    return root


@pytest.fixture
def server(empty_repo: Path) -> Iterator[AnnotateServer]:
    running = serve(empty_repo, SEED_ID)
    thread = threading.Thread(target=running.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()
    thread.join()


def request(
    server: AnnotateServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    length: str | None = None,
) -> tuple[int, Any]:
    """One request to the server as a client outside the browser sends it: the session's token
    and the server's own Host unless `headers` says otherwise (a header set to "" is left out);
    `length` overrides the Content-Length header."""
    host, port = server.server_address[:2]
    sent = {"Host": f"127.0.0.1:{port}", "X-Annotate-Token": server.token}
    sent.update(headers or {})
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        if value:
            connection.putheader(name, value)
    connection.putheader("Content-Length", length or str(len(body or b"")))
    connection.endheaders(body)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    try:
        return response.status, json.loads(raw)
    except json.JSONDecodeError:
        return response.status, raw.decode("utf-8", "replace")


def post(server: AnnotateServer, path: str, data: Any, **headers: str) -> tuple[int, Any]:
    sent = {"Content-Type": "application/json", **headers}
    return request(server, "POST", path, json.dumps(data).encode(), sent)
