"""Published releases: where they live, what their files hash to, and fetching them safely.

The package carries `published.json`, a registry of every published version and the sha256 of
each of its files. `fetch_release` downloads a version's files with pooch into a local cache and
accepts a file only when its hash matches the registry, so a tampered or truncated download is
never returned. With a warm cache nothing is downloaded, so it works offline.

Where files come from: `EVENTSET_BASE_URL` when set, else `DEFAULT_BASE_URL`. A URL with
`{version}` in it is filled in; one without it is taken as a folder of release folders, so files
are fetched from `<base>/eventset-<version>/<path>` (the layout of `dist/`, served as is), where a
path is a file at the top of the release or a table's file in its folder
(`events/part-2021-09.parquet`, `actors/part-0.parquet`, or in a hive folder
`events/year=2021/part-0.parquet`).
Where they are cached: `EVENTSET_DATA_DIR` when set, else the user cache (pooch.os_cache).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from eventset.release.files import parse_json
from eventset.release.manifest import (
    MANIFEST,
    ReleaseError,
    is_release_path,
    manifest_entries,
    read_manifest,
    verify_file,
)
from eventset.release.version import sort_versions

PROJECT_URL = "https://github.com/eventset/eventset"
# GitHub release assets: the files of dist/eventset-<version>/ attached to the tag v<version>.
DEFAULT_BASE_URL = PROJECT_URL + "/releases/download/v{version}/"
BASE_URL_ENV = "EVENTSET_BASE_URL"
DATA_DIR_ENV = "EVENTSET_DATA_DIR"
REGISTRY_PATH = Path(__file__).resolve().with_name("published.json")
DOWNLOAD_RETRIES = 2  # pooch waits 1 s, then 2 s, between attempts


def read_registry(path: Path | None = None) -> dict[str, dict[str, str]]:
    """version -> {path in the release: "sha256:<hex>"} for every published release."""
    path = path or REGISTRY_PATH
    try:
        data: Any = parse_json(path.read_bytes(), str(path))
    except FileNotFoundError:
        return {}
    except (OSError, ReleaseError) as err:
        raise ReleaseError(f"the release registry {path} cannot be read: {err}") from None
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, dict):
        raise ReleaseError(f"the release registry {path} has no 'releases' mapping.")
    try:
        return {
            str(version): {str(name): str(digest) for name, digest in entry["files"].items()}
            for version, entry in releases.items()
        }
    except (KeyError, TypeError, AttributeError):
        raise ReleaseError(f"the release registry {path} has an entry without files.") from None


def versions(registry: Path | None = None) -> list[str]:
    """The published versions, oldest first."""
    return sort_versions(list(read_registry(registry)))


def registry_entry(directory: Path) -> dict[str, Any]:
    """The registry entry of a built release: its version and every file's sha256, the
    manifest included (each file is verified against the manifest first)."""
    from eventset.release.manifest import sha256_file

    manifest = read_manifest(directory)
    entries = manifest_entries(manifest)
    for entry in entries.values():
        problem = verify_file(directory, entry)
        if problem is not None:
            raise ReleaseError(f"{directory}: {problem}")
    files = {name: entry.sha256 for name, entry in sorted(entries.items())}
    files[MANIFEST] = sha256_file(directory / MANIFEST)
    return {"version": str(manifest["version"]), "files": dict(sorted(files.items()))}


def register(directory: Path, registry: Path | None = None) -> dict[str, Any]:
    """Add a built release to the registry file (what a maintainer does once it is uploaded).

    A version already registered with different hashes is refused: published files never change.
    """
    path = registry or REGISTRY_PATH
    entry = registry_entry(directory)
    current = read_registry(path)
    version = entry["version"]
    if version in current and current[version] != entry["files"]:
        raise ReleaseError(
            f"{version} is already registered with different files; a published release never "
            "changes. Publish a new version instead."
        )
    current[version] = entry["files"]
    ordered = {v: {"files": current[v]} for v in sort_versions(list(current))}
    path.write_text(
        json.dumps({"releases": ordered}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
        newline="\n",
    )
    return entry


def _base_url() -> str:
    return os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL


def flat_assets() -> bool:
    """Whether files are fetched by flat asset name (a `{version}` URL, such as GitHub release
    assets, which hold no folders) rather than by their path in the release folder."""
    return "{version}" in _base_url()


def asset_name(path: str) -> str:
    """The name a release file is uploaded under where a host holds no folders: its path with
    `/` as `--` (`events/part-2021-09.parquet` -> `events--part-2021-09.parquet`). No release path holds
    `--` in a folder name, so the mapping is one to one."""
    return path.replace("/", "--")


def release_url(version: str) -> str:
    base = _base_url()
    if "{version}" in base:
        url = base.replace("{version}", version)
    else:
        url = base.rstrip("/") + f"/eventset-{version}/"
    return url if url.endswith("/") else url + "/"


def cache_root() -> Path:
    import pooch

    configured = os.environ.get(DATA_DIR_ENV)
    return Path(configured) if configured else Path(pooch.os_cache("eventset")) / "releases"


def fetch_release(version: str, registry: Path | None = None) -> Path:
    """A local directory holding every file of a published release, each sha256-verified.

    Files already cached with the right hash are not downloaded again. Raises ReleaseError for
    an unknown version, a failed download, or a file whose hash does not match the registry
    (pooch deletes such a download instead of moving it into the cache).
    """
    import pooch

    published = read_registry(registry)
    if version not in published:
        known = ", ".join(sort_versions(list(published))) or "none yet"
        raise ReleaseError(
            f"eventset {version} is not a published release (published: {known}). "
            "Use eventset.versions() to list them, or load(path=...) for a local build."
        )
    files = published[version]
    odd = sorted(name for name in files if not is_release_path(name))
    if odd:
        # pooch writes each file at <cache>/<name>: a name like ../x must never reach it.
        raise ReleaseError(
            f"the release registry lists {odd[0]!r} for eventset {version}, which is not a path "
            "a release may hold."
        )
    base = release_url(version)
    fetcher = pooch.create(
        path=cache_root() / f"eventset-{version}",
        base_url=base,
        registry=files,
        # Cached at its path in the release folder either way; fetched by asset name where the
        # host holds no folders.
        urls={name: base + asset_name(name) for name in files} if flat_assets() else None,
        retry_if_failed=DOWNLOAD_RETRIES,
    )
    for name in sorted(files):
        try:
            fetcher.fetch(name, progressbar=False)
        except ValueError as err:
            # pooch raises ValueError for a hash mismatch and has already discarded the file.
            raise ReleaseError(
                f"eventset {version}: {name} from {fetcher.get_url(name)} failed its sha256 check "
                f"and was discarded ({err}). The file on the server is not the published one."
            ) from None
        except Exception as err:  # requests/HTTP/OS errors: pooch does not wrap them
            raise ReleaseError(
                f"eventset {version}: {name} could not be downloaded from "
                f"{fetcher.get_url(name)}: {err}"
            ) from None
    return Path(fetcher.abspath)
