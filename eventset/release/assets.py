"""What publishing a release uploads, staged in one folder: the release workflow uploads from it,
and its dry run stops there, so a maintainer can look at (or serve) exactly what would go out.

    <out>/releases/download/v<version>/   the GitHub release's assets, under the flat names the
                                          loader fetches (published.asset_name), the zip, and
                                          SHA256SUMS (`sha256sum -c` reads it)
    <out>/published.json                  the registry with this version added: the pull
                                          request that makes it loadable by number
    <out>/release-notes.md                the release's text: its changes and how to load it
    <out>/zenodo.json                     the deposition's metadata, for a DOI (zenodo.py)

The folder mirrors GitHub's download addresses, so serving <out> over HTTP and pointing
EVENTSET_BASE_URL at `http://host/releases/download/v{version}/` loads the release exactly as
users will, every file checked against the staged registry.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventset.release.manifest import ReleaseError, read_manifest, sha256_file
from eventset.release.published import (
    DEFAULT_BASE_URL,
    PROJECT_URL,
    REGISTRY_PATH,
    asset_name,
    read_registry,
    register,
    registry_entry,
)

DOWNLOADS = "releases/download"
CHECKSUMS = "SHA256SUMS"
REGISTRY = "published.json"
NOTES = "release-notes.md"
ZENODO = "zenodo.json"


@dataclass(frozen=True)
class StagedRelease:
    version: str
    folder: Path
    assets: Path  # the folder of the release's assets
    files: list[str]  # asset names, sorted


def asset_folder(out: Path, version: str) -> Path:
    return out / DOWNLOADS / f"v{version}"


def stage_release(
    release: Path, out: Path, *, registry: Path | None = None, zip_path: Path | None = None
) -> StagedRelease:
    """Stage everything publishing `release` uploads into `out` (absent or empty)."""
    entry = registry_entry(release)  # every file verified against the manifest first
    version = str(entry["version"])
    zip_path = zip_path or release.with_name(release.name + ".zip")
    if not zip_path.is_file():
        raise ReleaseError(f"{zip_path} is missing: `eventset release {version}` writes it.")
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; stage into a new folder.")
    published = read_registry(registry)
    if version in published and published[version] != entry["files"]:
        raise ReleaseError(f"{version} is already published with other files; never again.")
    assets = asset_folder(out, version)
    assets.mkdir(parents=True)
    names: dict[str, str] = {}
    for path, digest in entry["files"].items():
        name = asset_name(path)
        if name in names.values() or name in (zip_path.name, CHECKSUMS):
            raise ReleaseError(f"two files of the release would upload as {name!r}.")
        shutil.copyfile(release / path, assets / name)
        names[path] = name
        if sha256_file(assets / name) != digest:
            raise ReleaseError(f"{path} changed while it was staged.")
    shutil.copyfile(zip_path, assets / zip_path.name)
    files = sorted([*names.values(), zip_path.name])
    (assets / CHECKSUMS).write_text(
        "".join(
            f"{sha256_file(assets / name).removeprefix('sha256:')}  {name}\n" for name in files
        ),
        encoding="utf-8",
        newline="\n",
    )
    # The registry pull request: the current registry with this version added.
    staged_registry = out / REGISTRY
    source = registry or REGISTRY_PATH
    if source.is_file():
        shutil.copyfile(source, staged_registry)
    register(release, staged_registry)
    (out / NOTES).write_text(release_notes(release, version), encoding="utf-8", newline="\n")
    (out / ZENODO).write_text(
        json.dumps(zenodo_metadata(release, zip_path.name), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
        newline="\n",
    )
    return StagedRelease(version, out, assets, [*files, CHECKSUMS])


def release_notes(release: Path, version: str) -> str:
    """This version's section of CHANGELOG.md, then how to get the data."""
    changelog = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## {version}", 1)[1] if f"## {version}" in changelog else ""
    section = section.split("\n## ", 1)[0].strip()
    return (
        f"eventset {version}\n\n{section}\n\n"
        "## Getting the data\n\n"
        "```python\n"
        "import eventset\n"
        f'tables = eventset.load("{version}")  # every file checked against its sha256\n'
        "```\n\n"
        f"Or download `eventset-{version}.zip` (the whole release) and check it with "
        f"`sha256sum -c {CHECKSUMS}`. The other assets are the release's files, one by one, "
        "with `/` written as `--` in their names.\n"
    )


def zenodo_metadata(release: Path, zip_name: str) -> dict[str, Any]:
    """The deposition's metadata (Zenodo REST API), from the release's own datapackage.json."""
    package: dict[str, Any] = json.loads((release / "datapackage.json").read_text("utf-8"))
    manifest = read_manifest(release)
    licences = package.get("licenses") or [{}]
    version = str(package.get("version", manifest.get("version", "")))
    return {
        "file": zip_name,
        "metadata": {
            "upload_type": "dataset",
            "title": f"{package.get('title', 'eventset')} ({version})",
            "version": version,
            "description": package.get("description", ""),
            "creators": [
                {"name": c.get("title", "eventset developers")}
                for c in package.get("contributors", [])
                if c.get("role", "author") == "author"
            ]
            or [{"name": "eventset developers"}],
            "keywords": package.get("keywords", []),
            "license": str(licences[0].get("name", "CC-BY-4.0")).lower(),
            "related_identifiers": [
                {
                    "identifier": DEFAULT_BASE_URL.replace("{version}", version),
                    "relation": "isIdenticalTo",
                    "resource_type": "dataset",
                },
                {
                    "identifier": PROJECT_URL,
                    "relation": "isSupplementTo",
                    "resource_type": "software",
                },
            ],
        },
    }
