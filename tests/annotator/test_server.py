"""The annotate server answers only its own page: the session token, its own Host, its own
origin, JSON for changes; no CORS, no file but the page, a strict Content-Security-Policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventset.annotator.server import AnnotateServer, serve
from eventset.annotator.session import SessionError
from tests.annotator.conftest import post, request
from tests.conftest import SEED_ID


def _version(server: AnnotateServer) -> str:
    status, data = request(server, "GET", "/api/version")
    assert status == 200
    return str(data["version"])


def _mention(server: AnnotateServer) -> dict[str, object]:
    text = server.session.seed.text
    start = text.index("Kalsu Bridge")
    return {
        "action": "mention",
        "target": "place",
        "id": "kalsu-bridge",
        "start": start,
        "end": start + 12,
    }


def test_binds_to_loopback_only_by_default(server: AnnotateServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:") and f"token={server.token}" in server.url


def test_the_page_needs_the_token_in_its_url(server: AnnotateServer) -> None:
    assert request(server, "GET", "/", headers={"X-Annotate-Token": ""})[0] == 403
    assert request(server, "GET", "/?token=wrong", headers={"X-Annotate-Token": ""})[0] == 403
    status, page = request(
        server, "GET", f"/?token={server.token}", headers={"X-Annotate-Token": ""}
    )
    assert status == 200 and "<script nonce=" in page


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43])
def test_every_api_call_needs_the_token(server: AnnotateServer, token: str) -> None:
    assert request(server, "GET", "/api/state", headers={"X-Annotate-Token": token})[0] == 403
    path = server.session.paths[0]
    before = path.read_bytes()
    action = {"version": _version(server), "action": _mention(server)}
    assert post(server, "/api/action", action, **{"X-Annotate-Token": token})[0] == 403
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "host", ["evil.example:80", "attacker.example", "127.0.0.1", "127.0.0.1:1", ""]
)
def test_a_wrong_host_header_is_refused(server: AnnotateServer, host: str) -> None:
    """DNS rebinding: a page of attacker.example resolved to 127.0.0.1 still sends its name."""
    status, data = request(server, "GET", "/api/state", headers={"Host": host})
    assert status == 400 and data == {"error": "wrong Host header"}
    action = {"version": _version(server), "action": _mention(server)}
    assert post(server, "/api/action", action, Host=host)[0] == 400


def test_localhost_names_are_accepted(server: AnnotateServer) -> None:
    port = server.server_address[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert request(server, "GET", "/api/version", headers={"Host": host})[0] == 200


def test_a_cross_site_request_is_refused_and_writes_nothing(server: AnnotateServer) -> None:
    path = server.session.paths[0]
    before = path.read_bytes()
    action = {"version": _version(server), "action": _mention(server)}
    assert post(server, "/api/action", action, Origin="https://evil.example")[0] == 403
    assert post(server, "/api/action", action, **{"Sec-Fetch-Site": "cross-site"})[0] == 403
    # A form post (no preflight) cannot send JSON; text/plain is refused too.
    body = json.dumps(action).encode()
    status, _ = request(server, "POST", "/api/action", body, {"Content-Type": "text/plain"})
    assert status == 415
    assert path.read_bytes() == before
    # The same action from the page's own origin is written.
    port = server.server_address[1]
    assert post(server, "/api/action", action, Origin=f"http://127.0.0.1:{port}")[0] == 200
    assert path.read_bytes() != before


def test_no_cors_and_a_strict_policy(server: AnnotateServer) -> None:
    import http.client

    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "OPTIONS",
        "/api/action",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    response = connection.getresponse()
    response.read()
    assert response.status in {400, 403, 405}
    assert response.getheader("Access-Control-Allow-Origin") is None
    connection.request("GET", f"/?token={server.token}", headers={"Host": f"127.0.0.1:{port}"})
    response = connection.getresponse()
    response.read()
    policy = response.getheader("Content-Security-Policy") or ""
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "script-src 'nonce-" in policy
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert response.getheader("Referrer-Policy") == "no-referrer"
    connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/data/actors.yaml",
        "/seeds/000_e3ff97cd28be607c.txt",
        "/assets/annotate.js",
        "/api/../../data/actors.yaml",
        "//etc/passwd",
    ],
)
def test_no_path_reaches_a_file(server: AnnotateServer, path: str) -> None:
    status, data = request(server, "GET", path)
    assert status == 404
    assert "root:" not in str(data) and "actors:" not in str(data)


def test_a_seed_outside_the_repository_is_refused(empty_repo: Path) -> None:
    for wrong in ("../../etc/passwd", "../data/actors", "/etc/passwd"):
        with pytest.raises(SessionError):
            serve(empty_repo, wrong)


def test_a_stale_version_is_refused_with_409(server: AnnotateServer) -> None:
    version = _version(server)
    assert post(server, "/api/action", {"version": version, "action": _mention(server)})[0] == 200
    status, data = post(server, "/api/action", {"version": version, "action": _mention(server)})
    assert status == 409 and "changed on disk" in data["error"]


def test_a_refused_action_answers_its_codes_and_writes_nothing(server: AnnotateServer) -> None:
    path = server.session.paths[0]
    before = path.read_bytes()
    action = {**_mention(server), "id": "atlantis"}
    status, data = post(server, "/api/action", {"version": _version(server), "action": action})
    assert status == 200 and [p["code"] for p in data["refused"]] == ["E402"]
    assert path.read_bytes() == before


def test_oversized_and_malformed_bodies_are_refused(server: AnnotateServer) -> None:
    status, _ = request(server, "POST", "/api/action", b"{", {"Content-Type": "application/json"})
    assert status == 400
    status, _ = request(
        server, "POST", "/api/action", b"x" * (2 << 20), {"Content-Type": "application/json"}
    )
    assert status == 413
    assert SEED_ID in server.session.paths[0].name


def test_the_command_serves_the_page_until_stopped(
    empty_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`eventset annotate` in process: its server answers the URL it prints, then the
    annotator's Ctrl+C stops it cleanly."""
    import threading
    import urllib.request

    from typer.testing import CliRunner

    from eventset.cli import app

    answered: list[int] = []
    serve_forever = AnnotateServer.serve_forever

    def serve_then_interrupt(self: AnnotateServer, poll_interval: float = 0.5) -> None:
        thread = threading.Thread(target=serve_forever, args=(self, 0.02), daemon=True)
        thread.start()
        with urllib.request.urlopen(self.url, timeout=10) as response:  # the URL opened once
            answered.append(response.status)
        self.shutdown()
        thread.join()
        raise KeyboardInterrupt

    monkeypatch.setattr(AnnotateServer, "serve_forever", serve_then_interrupt)
    seed = empty_repo / "seeds" / f"{SEED_ID}.txt"
    result = CliRunner().invoke(
        app, ["annotate", str(seed), "--root", str(empty_repo), "--no-browser"]
    )
    assert result.exit_code == 0, result.output
    assert answered == [200]
    url = result.output.splitlines()[0].split(" at ")[1]
    assert url.startswith("http://127.0.0.1:") and "?token=" in url
    assert result.output.rstrip().endswith("stopped.")
    assert (empty_repo / "data" / "annotations" / f"{SEED_ID}.yaml").is_file()


def test_a_length_that_is_not_a_number_is_refused(server: AnnotateServer) -> None:
    status, _ = request(
        server, "POST", "/api/action", b"{}", {"Content-Type": "application/json"}, length="12x"
    )
    assert status == 413
