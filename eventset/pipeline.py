"""The build, top to bottom: load -> check -> compile -> validate -> write."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from eventset.inputs.layout import Layout
from eventset.release.write import ExtraFiles, Written, write_release
from eventset.schema.contracts import TableFailure, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.tables.assemble import assemble_tables
from eventset.validation.repository import Validation, validate_repository


@dataclass
class BuildResult:
    validation: Validation
    failures: list[TableFailure] = field(default_factory=list)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    written: Written | None = None

    @property
    def ok(self) -> bool:
        return self.validation.ok and not self.failures and self.written is not None


def source_commit(root: Path) -> str | None:
    """The git commit the inputs come from, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def inputs_sha256(layout: Layout, documents: pl.DataFrame) -> str:
    """One hash over every input file, so a release names exactly what it was built from."""
    digest = hashlib.sha256()
    for path in (layout.actors, layout.places):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    docs = documents.select("document_id", "text_sha256", "annotation_sha256").sort("document_id")
    for doc_id, text_sha, annotation_sha in docs.iter_rows():
        digest.update(f"{doc_id}\0{text_sha}\0{annotation_sha}\n".encode())
    return "sha256:" + digest.hexdigest()


def build(
    root: Path,
    out: Path,
    version: str,
    *,
    jobs: int = 1,
    cache: bool = True,
    progress: bool = False,
    extra_files: ExtraFiles | None = None,
) -> BuildResult:
    validation = validate_repository(root, jobs=jobs, cache=cache, progress=progress)
    result = BuildResult(validation)
    if not validation.ok or validation.actors is None or validation.places is None:
        return result
    # The corpus checks are done: their frames (a quarter of the corpus in memory) are let go
    # before the tables are assembled, and the per-document frames once the tables hold them.
    frames, validation.frames = validation.frames, {}
    for name in ("references", "event_facts"):
        frames.pop(name)
    result.tables = assemble_tables(frames, validation.actors, validation.places)
    del frames
    for name, frame in result.tables.items():
        result.failures += validate_frame(name, frame)
    result.failures += cross_table_failures(result.tables)
    if result.failures:
        return result
    provenance = {
        "source_commit": source_commit(root),
        "inputs_sha256": inputs_sha256(Layout(root), result.tables["documents"]),
    }
    result.written = write_release(result.tables, out, version, provenance, extra_files)
    return result
