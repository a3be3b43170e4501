"""`eventset release`: a numbered release with its metadata, changelog and zip.

The build writes the tables; a hook then adds datapackage.json, croissant.json, the dataset
card, CITATION.cff and CHANGELOG.md to the staging directory before the manifest is computed,
so every file is checksummed. The hook also enforces the release rules against the previous
release (RELEASING.md): no id disappears without a retirement record, and the version bump is
at least what the changes require. Breaking a rule raises ReleaseRefusedError inside the hook, so
the staging directory is discarded and nothing is published.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from eventset.pipeline import BuildResult, build
from eventset.problems import Problem
from eventset.release.diff import (
    Release,
    ReleaseDiff,
    diff_releases,
    read_release,
    release_from_files,
)
from eventset.release.manifest import (
    MANIFEST,
    manifest_entries,
    read_manifest,
    release_paths,
    sha256_file,
    table_files,
)
from eventset.release.metadata import write_metadata
from eventset.release.provenance import source_commit_date
from eventset.release.retirements import Retirements, read_retirements, retirement_errors
from eventset.release.version import BUMP_ORDER, Version
from eventset.release.write import ExtraFiles
from eventset.schema.tables import SCHEMA_VERSION, TABLES

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can store: no wall clock in the bytes
ZIP_FILE_MODE = 0o100644  # regular file, rw-r--r--


class ReleaseRefusedError(Exception):
    """The release breaks a release rule; `errors` says which, one sentence each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Publication:
    build: BuildResult | None = None
    problems: list[Problem] = field(default_factory=list)  # bad retirement records
    files_checked: int = 0  # by the validation (or, when retirement records are bad, for them)
    previous: Path | None = None
    diff: ReleaseDiff | None = None
    zip_path: Path | None = None


def previous_release(out: Path, version: str) -> Path | None:
    """The newest release in `out` older than `version`."""
    target = Version.parse(version)
    found: list[tuple[Version, Path]] = []
    for path in out.glob("eventset-*"):
        name = path.name.removeprefix("eventset-")
        if Version.is_valid(name) and path.is_dir() and (path / MANIFEST).is_file():
            number = Version.parse(name)
            if number < target:
                found.append((number, path))
    return max(found)[1] if found else None


def bump_errors(diff: ReleaseDiff) -> list[str]:
    actual = Version.parse(diff.new_version).bump_from(Version.parse(diff.old_version))
    if actual is None:
        return [f"version {diff.new_version} is not newer than {diff.old_version}."]
    needed = diff.required_bump
    if BUMP_ORDER[actual] < BUMP_ORDER[needed]:
        return [
            f"{diff.old_version} -> {diff.new_version} is a {actual} bump, but the changes need a "
            f"{needed} bump (RELEASING.md): "
            + (
                "a column or table was removed or retyped."
                if needed == "major"
                else "data, columns or tables were added."
            )
        ]
    return []


def changelog(
    diff: ReleaseDiff | None, previous: Path | None, tables: dict[str, pl.DataFrame], version: str
) -> str:
    """CHANGELOG.md: this release's changes first, then the previous release's entries."""
    lines = ["# Changelog", ""]
    if diff is None:
        counts = ", ".join(f"{tables[t.name].height:,} {t.name}" for t in TABLES)
        lines += [f"## {version}", "", f"First release: {counts}.", ""]
        return "\n".join(lines)
    lines.append(diff.markdown(heading_level=2))
    older = previous / "CHANGELOG.md" if previous is not None else None
    if older is not None and older.is_file():
        body = older.read_text(encoding="utf-8").removeprefix("# Changelog\n").lstrip("\n")
        lines.append(body)
    return "\n".join(lines).rstrip("\n") + "\n"


def _new_ids(tables: dict[str, pl.DataFrame]) -> dict[str, set[str]]:
    keys = {t.name: t.primary_key for t in TABLES if len(t.primary_key) == 1}
    return {name: set(tables[name][key[0]].to_list()) for name, key in keys.items()}


def release_files(
    version: str,
    previous: Path | None,
    retirements: Retirements,
    released: dt.date | None,
    doi: str | None = None,
) -> tuple[ExtraFiles, dict[str, ReleaseDiff | None]]:
    """The hook for write_release, and a box where it leaves the diff it computed."""
    old: Release | None = read_release(previous) if previous is not None else None
    box: dict[str, ReleaseDiff | None] = {"diff": None}

    def write(staging: Path, tables: dict[str, pl.DataFrame]) -> None:
        diff = None
        if old is not None:
            files = table_files(release_paths(staging))
            new = release_from_files(staging, files, version, SCHEMA_VERSION)
            diff = diff_releases(old, new)
            errors = retirement_errors(diff, retirements, _new_ids(tables)) + bump_errors(diff)
            if errors:
                raise ReleaseRefusedError(errors)
            box["diff"] = diff
        write_metadata(staging, tables, version, released, doi)
        (staging / "CHANGELOG.md").write_text(
            changelog(diff, previous, tables, version), encoding="utf-8", newline="\n"
        )

    return write, box


def pack_zip(directory: Path) -> Path:
    """`<directory>.zip` beside it: sorted entries under `<name>/`, fixed times and modes, so the
    bytes depend only on the files. Written to a temporary name and renamed into place."""
    target = directory.with_name(directory.name + ".zip")
    handle, temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=directory.parent
    )
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            # The files the manifest lists and the manifest, at their paths in the release; no
            # folder entries (unzip creates folders as needed), so the bytes depend on the files.
            for relative in sorted([*manifest_entries(read_manifest(directory)), MANIFEST]):
                path = directory / relative
                info = zipfile.ZipInfo(f"{directory.name}/{relative}", date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so external_attr holds the mode
                info.external_attr = ZIP_FILE_MODE << 16
                zf.writestr(info, path.read_bytes(), compresslevel=9)
        if target.exists() and sha256_file(target) != sha256_file(Path(temp)):
            raise ReleaseRefusedError(
                [f"{target} exists with different content; a published zip is never overwritten."]
            )
        Path(temp).chmod(0o644)
        Path(temp).replace(target)
        return target
    finally:
        Path(temp).unlink(missing_ok=True)


def publish(
    root: Path,
    out: Path,
    version: str,
    *,
    previous: Path | None = None,
    jobs: int = 1,
    progress: bool = False,
    released: dt.date | None = None,
    doi: str | None = None,
) -> Publication:
    """Build release `version` into `out` with its metadata and zip. Raises ReleaseRefusedError for a
    rule broken against the previous release, ReleaseExistsError for an existing version.
    `released` defaults to the date of the inputs' git commit; `doi` is the release's DOI once
    one is reserved."""
    Version.parse(version)
    result = Publication()
    retirements = read_retirements(root)
    if retirements.problems:
        result.problems = retirements.problems
        result.files_checked = retirements.files_checked
        return result
    result.previous = previous if previous is not None else previous_release(out, version)
    if released is None:
        released = source_commit_date(root)
    hook, box = release_files(version, result.previous, retirements, released, doi)
    result.build = build(root, out, version, jobs=jobs, progress=progress, extra_files=hook)
    result.files_checked = result.build.validation.files_checked
    result.diff = box["diff"]
    if result.build.ok and result.build.written is not None:
        result.zip_path = pack_zip(result.build.written.path)
    return result
