"""The build, top to bottom: load -> check -> compile -> validate -> write."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from eventset.agreement.counts import coding_counts
from eventset.inputs.layout import Layout
from eventset.rebuild import forget, rebuild, state_directory, state_of
from eventset.release.provenance import provenance
from eventset.release.swap import remove_leftovers
from eventset.release.version import DEV_VERSION
from eventset.release.write import ExtraFiles, Written, write_release
from eventset.schema.contracts import TableFailure, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.tables.assemble import assemble_tables, merged_events
from eventset.validation.cache import KEY
from eventset.validation.repository import Validation, validate_repository

if TYPE_CHECKING:  # a type only: whoever asks for an engine (the CLI) opens it
    from eventset.engines.dask_cluster import DaskEngine


@dataclass
class BuildResult:
    validation: Validation
    failures: list[TableFailure] = field(default_factory=list)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    written: Written | None = None
    rows: dict[str, int] = field(default_factory=dict)  # rows per table of the release
    # Documents changed since the last build when the release was updated in place of a full
    # build (rebuild.py); None after a full build.
    changed: int | None = None

    @property
    def ok(self) -> bool:
        return self.validation.ok and not self.failures and self.written is not None


def _agreement(root: Path, jobs: int, cache: bool) -> dict[str, Any]:
    """The release's agreement.json, from the independent codings (eventset/agreement/)."""
    from eventset.agreement.report import release_agreement  # numpy, scipy: only to write

    return release_agreement(root, jobs=jobs, cache=cache)


def build(
    root: Path,
    out: Path,
    version: str,
    *,
    jobs: int = 1,
    cache: bool = True,
    progress: bool = False,
    extra_files: ExtraFiles | None = None,
    engine: Engine | None = None,
) -> BuildResult:
    """The release of `root` in `out`. `engine`: where the full build's per-document work and
    event merging run (default: here, with `jobs` processes); see docs/scaling.md."""
    remove_leftovers(out)  # first: a release a killed build left retired is put back
    incremental = cache and extra_files is None and version == DEV_VERSION
    if incremental:
        rebuilt = rebuild(root, out, version)
        if rebuilt is not None:
            return BuildResult(
                rebuilt.validation,
                written=rebuilt.written,
                rows=rebuilt.rows,
                changed=rebuilt.changed,
            )
    if engine is None:
        return _full_build(root, out, version, jobs, cache, progress, extra_files, None)
    with engine() as cluster:
        return _full_build(root, out, version, jobs, cache, progress, extra_files, cluster)


# Opens an engine for the full build only (an update after an edit needs none), e.g.
# engines.dask_cluster.dask_engine with its arguments bound.
Engine = Callable[[], AbstractContextManager["DaskEngine"]]


def _full_build(
    root: Path,
    out: Path,
    version: str,
    jobs: int,
    cache: bool,
    progress: bool,
    extra_files: ExtraFiles | None,
    cluster: DaskEngine | None,
) -> BuildResult:
    incremental = cache and extra_files is None and version == DEV_VERSION
    validation = validate_repository(
        root,
        jobs=jobs,
        cache=cache,
        progress=progress,
        chunk_map=cluster.map_chunks if cluster is not None else None,
    )
    result = BuildResult(validation)
    if not validation.ok or validation.actors is None or validation.places is None:
        return result
    # The corpus checks are done: their frames (a quarter of the corpus in memory) are let go
    # before the tables are assembled, and the per-document frames once the tables hold them.
    frames, validation.frames = validation.frames, {}
    for name in ("references", "event_facts"):
        frames.pop(name)
    keys = (
        frames["documents"]
        .select(pl.col(KEY).cast(pl.String), "document_id")
        .join(validation.files, on=KEY)
    )
    reports = frames["events"].select("document_id", "event_id")
    merge = cluster.merge_events if cluster is not None else merged_events
    layout = Layout(root)
    counts = coding_counts(layout)
    result.tables = assemble_tables(frames, validation.actors, validation.places, merge, counts)
    del frames
    for name, frame in result.tables.items():
        result.failures += validate_frame(name, frame)
    result.failures += cross_table_failures(result.tables)
    if result.failures:
        return result
    origin = provenance(layout, result.tables["documents"])
    final = out / f"eventset-{version}"
    where = state_directory(layout.root, final)
    forget(where)  # no state outlives the release it describes
    agreement = _agreement(root, jobs, cache)
    result.written = write_release(
        result.tables, out, version, origin, extra_files, agreement=agreement
    )
    result.rows = {name: frame.height for name, frame in result.tables.items()}
    if incremental:
        tables = result.tables
        state_of(layout, final, keys, tables["documents"], tables["events"], reports).save(where)
    return result
