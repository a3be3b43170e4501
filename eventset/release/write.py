"""Writing a release directory: Parquet tables, codebook and manifest, atomically.

Each table goes into its own folder, one file per month for the tables that grow with the corpus
(`events/part-2021-09.parquet`, see partitions.py), so a table's folder is a dataset that any engine
reads alone (see manifest.py for the shapes a release may hold).

The directory is assembled under a temporary name beside its destination and renamed into
place, so a failed or killed build leaves either the previous release or nothing. A numbered
version is never overwritten; the scratch version `dev` is replaced whole, in one atomic
exchange (swap.py says what a kill at each step leaves).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import pyarrow.parquet as pq

from eventset.release.agreement_card import AGREEMENT_FILE, agreement_section
from eventset.release.manifest import MANIFEST, release_paths, sha256_file, table_of
from eventset.release.partitions import table_parts
from eventset.release.swap import remove_leftovers, swap
from eventset.release.version import DEV_VERSION
from eventset.schema.codebook import codebook
from eventset.schema.contracts import arrow_schema
from eventset.schema.tables import SCHEMA_VERSION, TABLES

# Writes further files (metadata, dataset card, ...) into the staging directory after the tables
# and codebook and before the manifest, so the manifest checksums them too. It may raise to
# refuse the release; the staging directory is then removed and nothing appears.
ExtraFiles = Callable[[Path, dict[str, pl.DataFrame]], None]


class ReleaseExistsError(Exception):
    """A numbered release directory exists with different content."""


@dataclass(frozen=True)
class Written:
    path: Path
    unchanged: bool  # True when an identical release was already there


def write_parquet(
    frame: pl.DataFrame, path: Path | BinaryIO, table_name: str, version: str
) -> None:
    """zstd Parquet with column descriptions in the field metadata; no timestamps, so the bytes
    depend only on the rows and the library versions pinned by the lockfile. `path`: a file,
    or a buffer (a month written on a cluster's worker, release/months.py)."""
    table = next(t for t in TABLES if t.name == table_name)
    schema = arrow_schema(table, {"eventset_version": version, "schema_version": SCHEMA_VERSION})
    arrow = frame.to_arrow().cast(schema)
    pq.write_table(
        arrow,
        path,
        compression="zstd",
        compression_level=3,
        row_group_size=1_000_000,
        write_statistics=True,
        store_schema=True,  # field descriptions travel in the Arrow schema stored in the footer
    )


def manifest_of(
    directory: Path,
    version: str,
    provenance: dict[str, Any],
    known: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The manifest of the files under `directory`: path, sha256, bytes, and rows per Parquet
    file (read from the file's footer, so it holds for a table split into several files).
    `known` holds entries already computed for some paths (files linked unchanged from the
    previous release), which are taken as they are."""
    files = []
    for relative in release_paths(directory):
        if known is not None and relative in known:
            files.append(known[relative])
            continue
        path = directory / relative
        entry: dict[str, Any] = {
            "path": relative,
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
        }
        if table_of(relative) is not None:
            entry["rows"] = pq.read_metadata(path).num_rows
        files.append(entry)
    return {
        "name": "eventset",
        "version": version,
        "schema_version": SCHEMA_VERSION,
        **provenance,
        "files": files,
    }


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    (directory / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
    )


def _same_release(a: Path, b: Path) -> bool:
    try:
        return (a / MANIFEST).read_bytes() == (b / MANIFEST).read_bytes()
    except OSError:
        return False


def write_release(
    tables: dict[str, pl.DataFrame],
    out: Path,
    version: str,
    provenance: dict[str, Any],
    extra_files: ExtraFiles | None = None,
    agreement: dict[str, Any] | None = None,
) -> Written:
    """Write `out/eventset-<version>/`; raise ReleaseExistsError rather than overwrite a version.

    `agreement`: the intercoder agreement (agreement.json), which the codebook and the card
    (written by `extra_files`, after it) carry."""
    with staging_directory(out, version) as staging:
        for name, parts in table_parts(tables).items():
            folder = staging / name
            folder.mkdir(mode=0o755)
            for file, rows in parts.items():
                write_parquet(rows, folder / file, name, version)
        return finish_release(
            staging, out, version, provenance, extra_files, lambda: tables, agreement
        )


@contextlib.contextmanager
def staging_directory(out: Path, version: str) -> Iterator[Path]:
    """A private folder beside `out/eventset-<version>` for the release's files, removed on
    exit unless `finish_release` moved it into place."""
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(
        tempfile.mkdtemp(prefix=f".eventset-{version}.{os.getpid()}.", suffix=".partial", dir=out)
    )
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def finish_release(
    staging: Path,
    out: Path,
    version: str,
    provenance: dict[str, Any],
    extra_files: ExtraFiles | None,
    tables: Callable[[], dict[str, pl.DataFrame]],
    agreement: dict[str, Any] | None = None,
) -> Written:
    """The staging folder, whose tables are written, completed (codebook, agreement, the extra
    files, the manifest) and moved to `out/eventset-<version>`. `tables`: the release's tables
    for `extra_files`, asked for only when there are extra files."""
    final = out / f"eventset-{version}"
    book = codebook()
    if agreement is not None:
        text = json.dumps(agreement, indent=2, ensure_ascii=False) + "\n"
        (staging / AGREEMENT_FILE).write_text(text, encoding="utf-8", newline="\n")
        book = book.rstrip("\n") + "\n\n" + "\n".join(agreement_section(agreement))
    (staging / "CODEBOOK.md").write_text(book, encoding="utf-8", newline="\n")
    if extra_files is not None:
        extra_files(staging, tables())
    write_manifest(staging, manifest_of(staging, version, provenance))
    staging.chmod(0o755)  # mkdtemp makes it private; a release is meant to be read
    if final.exists():
        if _same_release(staging, final):
            return Written(final, unchanged=True)
        if version != DEV_VERSION:
            raise ReleaseExistsError(
                f"{final} exists with different content; releases are never overwritten. "
                "Build a new version (--version X.Y.Z) or remove the old directory yourself."
            )
        swap(staging, final)
    else:
        staging.rename(final)
    return Written(final, unchanged=False)
