"""The build, top to bottom: load -> check -> compile -> validate -> write."""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from eventset.agreement.counts import coding_counts
from eventset.inputs.layout import Layout
from eventset.rebuild import forget, rebuild, state_directory, state_of
from eventset.release.months import write_months
from eventset.release.provenance import provenance
from eventset.release.staged import staged_tables
from eventset.release.swap import remove_leftovers
from eventset.release.tasks import pool
from eventset.release.version import DEV_VERSION
from eventset.release.view import ReleaseTables
from eventset.release.write import ExtraFiles, Written, finish_release, staging_directory
from eventset.schema.contracts import TableFailure, validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.tables.assemble import assemble_tables, merged_events
from eventset.tables.compile import COLUMNS
from eventset.validation.cache import KEY, default_cache_dir
from eventset.validation.repository import Validation, validate_repository

if TYPE_CHECKING:  # a type only: whoever asks for an engine (the CLI) opens it
    from eventset.engines.dask_cluster import DaskEngine
    from eventset.validation.spooled import Spooled


@dataclass
class BuildResult:
    validation: Validation
    failures: list[TableFailure] = field(default_factory=list)
    # The release's tables: read from the written release when asked for (release/view.py);
    # the whole tables assembled in memory when a check failed.
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
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
    """The steps over the whole corpus, in bounded memory: the per-document frames stay in a
    spool folder and the tables are assembled, checked and written a month at a time
    (release/months.py)."""
    cache_dir = default_cache_dir() if cache else None
    # The threads of `beside` run beside the tail in this process, which mostly waits for the
    # tail's workers meanwhile (_write); they end before the spool is removed. The build's one
    # pool starts now: its workers import the per-document work, pandera and the contracts
    # while this process lists the corpus and reads the registries (a core idle otherwise),
    # then take the per-document chunks, then the tail's tasks. A pool of its own for the
    # per-document step started after the listing: its workers' start (spawn and imports,
    # about 0.4 s of CPU each) was the per-document step's first half second.
    with (
        tempfile.TemporaryDirectory(
            prefix=".spool.",
            dir=cache_dir if cache_dir is not None and cache_dir.is_dir() else None,
            ignore_cleanup_errors=True,
        ) as scratch,
        ThreadPoolExecutor(2, thread_name_prefix="beside") as beside,
        pool(jobs) as workers,
    ):
        spool = Path(scratch)
        (spool / "chunks").mkdir()
        validation = validate_repository(
            root,
            jobs=jobs,
            cache=cache,
            progress=progress,
            chunk_map=cluster,
            spool=spool / "chunks",
            pool=workers,
        )
        try:
            result = BuildResult(validation)
            if not validation.ok or validation.actors is None or validation.places is None:
                validation.parts = {}  # scans of the spool, which is about to go
                return result
            return _write(
                result,
                root,
                out,
                version,
                jobs,
                cache,
                extra_files,
                cluster,
                spool,
                beside,
                workers,
            )
        finally:
            if validation.saving is not None:  # the snapshot, written from the spool meanwhile
                validation.saving.result()


def _remove_after(saving: Future[None] | None, folder: Path) -> None:
    """`folder` removed once `saving` is done (a failed save is the build's to report)."""
    if saving is not None:
        saving.result()
    shutil.rmtree(folder, ignore_errors=True)


def _state_columns(parts: Mapping[str, Spooled]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Of the chunk files: each document's key and id, and each event's document and id."""
    keys = parts["documents"].select(pl.col(KEY).cast(pl.String), "document_id")
    return keys, parts["events"].select("document_id", "event_id")


def _write(
    result: BuildResult,
    root: Path,
    out: Path,
    version: str,
    jobs: int,
    cache: bool,
    extra_files: ExtraFiles | None,
    cluster: DaskEngine | None,
    spool: Path,
    beside: ThreadPoolExecutor,
    tail: ProcessPoolExecutor | None,
) -> BuildResult:
    validation = result.validation
    assert validation.actors is not None and validation.places is not None
    parts, validation.parts = validation.parts, {}
    validation.frames = {}  # the corpus checks are done: their frames are let go
    # The whole tables (a check failed) merge their events on the cluster; the months do so
    # in tasks of their own, there or in the pool.
    merge = cluster.merge_events if cluster is not None else merged_events
    layout = Layout(root)
    counts = coding_counts(layout)
    agreement = beside.submit(_agreement, root, jobs, cache)  # it reads the codings alone
    # Two columns each of what the state of an update needs (the other columns are never
    # read), read meanwhile: after the tail, this process did it alone.
    state_columns = None
    if cache and extra_files is None and version == DEV_VERSION:
        state_columns = beside.submit(_state_columns, parts)
    with staging_directory(out, version) as staging:
        months = write_months(
            parts,
            validation.actors,
            validation.places,
            merged_events,
            counts,
            spool / "months",
            staging,
            version,
            jobs,
            cluster,
            tail,
        )
        # The rows routed to the months, all written now: their unlinks wait for the disk's
        # writeback of those files (a second or more at 100,000 documents), so they go beside
        # the release's last steps rather than after them.
        beside.submit(shutil.rmtree, spool / "months", ignore_errors=True)
        if months.suspect:
            # Something failed: reported exactly as the checks of the whole tables report it
            # (row numbers in the whole sorted table, the same order), which needs them once.
            frames = {name: parts[name].collect() for name in COLUMNS}
            tables = assemble_tables(frames, validation.actors, validation.places, merge, counts)
            del frames
            for name, frame in tables.items():
                result.failures += validate_frame(name, frame)
            result.failures += cross_table_failures(tables)
            result.tables = tables
            if result.failures:
                return result
        columns = state_columns.result() if state_columns is not None else None
        # Only the snapshot's write still reads the chunk files: they go beside the release's
        # last steps once it is done, not after them (their unlinks wait for the writeback).
        beside.submit(_remove_after, validation.saving, spool / "chunks")
        origin = provenance(layout, months.documents)
        final = out / f"eventset-{version}"
        where = state_directory(layout.root, final)
        forget(where)  # no state outlives the release it describes
        result.written = finish_release(
            staging,
            out,
            version,
            origin,
            extra_files,
            functools.partial(staged_tables, staging),
            agreement.result(),
        )
    result.rows = months.rows
    result.tables = ReleaseTables(result.written.path)
    if columns is not None:
        found, reported = columns
        keyed = found.join(validation.files, on=KEY)
        state = state_of(layout, final, keyed, months.documents, months.events, reported)
        state.save(where)
    return result
