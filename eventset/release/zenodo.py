"""Depositing a release's zip on Zenodo for a DOI, through its REST API (standard library only,
so the release workflow runs it without installing anything).

    python eventset/release/zenodo.py STAGED_FOLDER

reads `zenodo.json` (written by `eventset stage-release`) and the zip beside it in the staged
assets. Without a ZENODO_TOKEN it says so and does nothing (exit 0): a repository without a
Zenodo account publishes on GitHub only. With one it creates a deposition, uploads the zip to
its bucket, sets the metadata with a pre-reserved DOI and leaves it as a draft for a maintainer
to check and publish on zenodo.org, unless ZENODO_PUBLISH=1 publishes it at once. ZENODO_URL
points elsewhere (https://sandbox.zenodo.org to rehearse).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

DEFAULT_URL = "https://zenodo.org"
TIMEOUT = 120  # seconds per request; the upload of a large zip gets the same


class ZenodoError(Exception):
    pass


@dataclass(frozen=True)
class Deposit:
    deposition_id: int
    doi: str
    url: str
    published: bool


def _request(
    method: str,
    url: str,
    token: str,
    body: bytes | BinaryIO | None = None,
    content_type: str = "",
    length: int | None = None,
) -> Any:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    if content_type:
        request.add_header("Content-Type", content_type)
    if length is not None:  # a file body is streamed, and urllib needs its length for that
        request.add_header("Content-Length", str(length))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace")[:500]
        raise ZenodoError(f"{method} {url}: HTTP {err.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as err:
        raise ZenodoError(f"{method} {url}: {err}") from None
    return json.loads(text) if text else {}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def deposit(
    zip_path: Path, metadata: dict[str, Any], token: str, *, base_url: str, publish: bool
) -> Deposit:
    api = base_url.rstrip("/") + "/api/deposit/depositions"
    created = _request("POST", api, token, _json({}), "application/json")
    deposition_id = int(created["id"])
    bucket = str(created["links"]["bucket"])
    with zip_path.open("rb") as handle:  # streamed, never read whole into memory
        _request(
            "PUT",
            f"{bucket}/{zip_path.name}",
            token,
            handle,
            "application/octet-stream",
            zip_path.stat().st_size,
        )
    described = _request(
        "PUT",
        f"{api}/{deposition_id}",
        token,
        _json({"metadata": {**metadata, "prereserve_doi": True}}),
        "application/json",
    )
    doi = str(described.get("metadata", {}).get("prereserve_doi", {}).get("doi", ""))
    url = str(described.get("links", {}).get("html", ""))
    if publish:
        done = _request("POST", f"{api}/{deposition_id}/actions/publish", token)
        doi = str(done.get("doi") or doi)
        url = str(done.get("links", {}).get("html", url))
    return Deposit(deposition_id, doi, url, publish)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python eventset/release/zenodo.py STAGED_FOLDER", file=sys.stderr)
        return 2
    token = os.environ.get("ZENODO_TOKEN", "")
    if not token:
        print("Zenodo: skipped (no ZENODO_TOKEN is configured).")
        return 0
    staged = Path(args[0])
    try:
        plan = json.loads((staged / "zenodo.json").read_text(encoding="utf-8"))
        version = str(plan["metadata"]["version"])
        zip_path = staged / "releases" / "download" / f"v{version}" / str(plan["file"])
        if not zip_path.is_file():
            raise ZenodoError(f"{zip_path} is missing")
        done = deposit(
            zip_path,
            plan["metadata"],
            token,
            base_url=os.environ.get("ZENODO_URL") or DEFAULT_URL,
            publish=os.environ.get("ZENODO_PUBLISH") == "1",
        )
    except (OSError, ValueError, KeyError, ZenodoError) as err:
        print(f"Zenodo: failed: {err}", file=sys.stderr)
        return 1
    state = "published" if done.published else "a draft to check and publish"
    print(f"Zenodo: deposition {done.deposition_id} ({state}), DOI {done.doi or '?'}: {done.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
