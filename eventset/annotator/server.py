"""`eventset annotate`: a local web server for one document's annotation page.

It can write files, so it trusts nothing a browser sends by default. It listens on 127.0.0.1
only (another interface only when asked); every request must carry the session's random token
(in the URL of the page, opened once, and in a header on every API call) and a Host header that
names this server, so neither a web page the annotator visits nor a DNS-rebinding name can
reach it; a change must come from the page's own origin, as JSON (which a cross-site form
cannot send without a preflight this server never grants). No CORS header is ever sent; the
page runs under a strict Content-Security-Policy with its script and style inline by nonce, and
it is the only thing served: there are no file routes, so no path can reach any other file.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eventset.annotator.actions import RefusedError
from eventset.annotator.page import VOCAB
from eventset.annotator.session import ConflictError, Session

MAX_BODY = 1 << 20  # an action is a few hundred bytes; nothing legitimate comes near this
# A refused body is read and dropped, up to this much, before the answer: a client still
# sending would otherwise meet a closed socket (a broken pipe) instead of the 413.
MAX_DRAIN = 16 << 20
ASSETS = Path(__file__).parent / "assets"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _problems(err: RefusedError) -> list[dict[str, Any]]:
    return [
        {"code": p.code, "name": p.name, "message": p.message, "hint": p.hint} for p in err.problems
    ]


class AnnotateServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, session: Session, host: str = "127.0.0.1", port: int = 0) -> None:
        self.session = session
        self.token = secrets.token_urlsafe(32)
        self.vocab = VOCAB()
        super().__init__((host, port), _Handler)
        bound = self.server_address[1]
        names = LOOPBACK | {host}
        self.hosts = {f"{name}:{bound}" for name in names} | {f"[::1]:{bound}"}
        self.origins = {f"http://{h}" for h in self.hosts}

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        return f"http://{shown}:{port}/?token={self.token}"

    def page(self, nonce: str) -> bytes:
        html = (ASSETS / "annotate.html").read_text(encoding="utf-8")
        script = (ASSETS / "annotate.js").read_text(encoding="utf-8")
        style = (ASSETS / "annotate.css").read_text(encoding="utf-8")
        # The assets are ours, but a "</script>" inside one would end the element early.
        if "</script" in script.lower() or "</style" in style.lower():
            raise RuntimeError("an inline asset closes its own element")
        filled = (
            html.replace("{{nonce}}", nonce)
            .replace("{{token}}", self.token)
            .replace("{{style}}", style)
            .replace("{{script}}", script)
        )
        return filled.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: AnnotateServer
    protocol_version = "HTTP/1.1"
    server_version = "eventset-annotate"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        return  # the annotator's terminal shows errors only (see _send)

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, nonce: str | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        source = f"'nonce-{nonce}'" if nonce else "'none'"
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {source}; style-src {source}; "
            "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'",
        )
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: HTTPStatus, data: Any) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json; charset=utf-8")

    def _drain(self, length: int) -> None:
        """Read and drop a refused body of up to MAX_DRAIN bytes, in chunks, within seconds."""
        left = min(length, MAX_DRAIN)
        self.connection.settimeout(2.0)
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 64 << 10))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass  # the client gave up or stalled: it gets the answer or a closed connection

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        self._json(status, {"error": why})

    def _allowed(self, token: str | None) -> bool:
        """Host, token and, for a write, where the request comes from; refused with why."""
        if self.headers.get("Host", "") not in self.server.hosts:
            self._refuse(HTTPStatus.BAD_REQUEST, "wrong Host header")
            return False
        if token is None or not hmac.compare_digest(token, self.server.token):
            self._refuse(HTTPStatus.FORBIDDEN, "missing or wrong session token")
            return False
        site = self.headers.get("Sec-Fetch-Site")
        if site is not None and site not in {"same-origin", "none"}:
            self._refuse(HTTPStatus.FORBIDDEN, "cross-site request")
            return False
        if self.command == "POST":
            origin = self.headers.get("Origin")
            if origin is not None and origin not in self.server.origins:
                self._refuse(HTTPStatus.FORBIDDEN, "cross-site request")
                return False
            if self.headers.get_content_type() != "application/json":
                self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "changes are sent as JSON")
                return False
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/":
            token = parse_qs(url.query).get("token", [None])[0]
            if self._allowed(token):
                nonce = secrets.token_urlsafe(16)
                self._send(
                    HTTPStatus.OK, self.server.page(nonce), "text/html; charset=utf-8", nonce
                )
            return
        if not self._allowed(self.headers.get("X-Annotate-Token")):
            return
        if url.path == "/api/state":
            self._guarded(lambda: self.server.session.state())
        elif url.path == "/api/version":
            self._guarded(lambda: {"version": self.server.session.version()})
        elif url.path == "/api/vocab":
            self._json(HTTPStatus.OK, self.server.vocab)
        else:
            self._refuse(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:
        if not self._allowed(self.headers.get("X-Annotate-Token")):
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            self.close_connection = True
            self._drain(length)
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body missing or too large")
            return
        try:
            body = json.loads(self.rfile.read(length))
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._refuse(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return
        if not isinstance(body, dict) or not isinstance(body.get("version"), str):
            self._refuse(HTTPStatus.BAD_REQUEST, "a change names the version it edits")
            return
        session, version = self.server.session, body["version"]
        path = urlsplit(self.path).path
        if path == "/api/action" and isinstance(body.get("action"), dict):
            dry = body.get("dry") is True
            self._guarded(lambda: session.perform(body["action"], version, dry=dry))
        elif path in {"/api/undo", "/api/redo"}:
            self._guarded(lambda: session.step(path == "/api/undo", version))
        else:
            self._refuse(HTTPStatus.NOT_FOUND, "not found")

    def _guarded(self, run: Any) -> None:
        try:
            self._json(HTTPStatus.OK, run())
        except ConflictError as err:
            self._json(HTTPStatus.CONFLICT, {"error": str(err)})
        except RefusedError as err:
            # A refusal is an answer, not a failed request: the page lists the problems.
            self._json(HTTPStatus.OK, {"refused": _problems(err)})
        except Exception as err:  # never a traceback to the page; the terminal gets one line
            print(f"eventset annotate: {type(err).__name__}: {err}", file=sys.stderr)
            self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(err).__name__}: {err}")

    def _not_allowed(self) -> None:
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "not allowed")

    # No preflight is ever granted (OPTIONS), so a cross-site page cannot send JSON here.
    def do_OPTIONS(self) -> None:
        self._not_allowed()

    def do_PUT(self) -> None:
        self._not_allowed()

    def do_DELETE(self) -> None:
        self._not_allowed()

    def do_PATCH(self) -> None:
        self._not_allowed()


def serve(root: Path, document_id: str, host: str = "127.0.0.1", port: int = 0) -> AnnotateServer:
    """A server for `document_id`'s annotation, bound but not yet serving."""
    return AnnotateServer(Session.open(root, document_id), host, port)
