"""The build after an edit: the last build's release, updated for the documents changed since.

A full build assembles, checks and writes every table of the corpus. After an edit to a few
annotations nearly all of that is what the last build did, so `build` first tries this path,
which touches only what the changed documents can reach:

1. load: the documents whose files changed since the cache's snapshot are parsed again; those
   whose content differs from what the last release was built from are the changed ones;
2. check: their own problems, and the corpus checks over every document that shares an event or
   claim id with them, old or new (validation.indexed.CorpusView);
3. compile: their documents, claims and mentions rows, and every event they report or used to
   report, merged again from every document that reports it;
4. validate: the files each table rewrites, together, against its Pandera contract, while
   step 5 writes them (nothing is replaced until every contract holds);
5. write: a new release directory in which the files of untouched months are hard links to the
   last release's, and the manifest reuses their checksums.

An edit of the registries is an edit too: the entries edited since (tables/registry_edits.py)
reach their registry's table and the events at a place or with an actor they change, which are
merged again like the events of a changed document.

What the last build wrote is kept beside the cache (the build's state: each document's key,
document id and month; each event's month; which document reports which event; the stat
signature of every release file; the registry files). Anything this path cannot vouch for
returns None and the full build runs instead: no state, another version of the code, the
release directory touched since, many documents changed, or any problem at all (the full build
reports problems with their context). A property test holds this path to
the full build: the same edits give byte-identical releases.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from eventset.agreement.counts import coding_counts
from eventset.inputs.layout import Layout
from eventset.inputs.scan import signature_of
from eventset.release.manifest import (
    MANIFEST,
    TABLE_PART,
    read_manifest,
    release_paths,
    table_of,
)
from eventset.release.partitions import (
    BY_DOCUMENT,
    BY_EVENT,
    PART,
    document_parts,
    event_parts,
    labelled,
    part_file,
)
from eventset.release.provenance import provenance
from eventset.release.swap import remove_leftovers, swap
from eventset.release.version import DEV_VERSION
from eventset.release.write import (
    Written,
    manifest_of,
    write_manifest,
    write_parquet,
)
from eventset.schema.contracts import TableFailure, typed_frame, validate_frame
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.tables import TABLES, TABLES_BY_NAME
from eventset.tables.assemble import (
    event_actors_table,
    events_table,
    registry_table,
    typed_table,
    with_coding_counts,
)
from eventset.tables.registry_edits import RegistryEdit, registry_edit
from eventset.validation.cache import KEY, code_version, default_cache_dir
from eventset.validation.corpus_checks import Registries
from eventset.validation.indexed import CorpusView
from eventset.validation.registry_cache import parse_registry
from eventset.validation.repository import Validation, list_inputs, load_registries, tasks_of
from eventset.validation.runner import (
    Batch,
    corpus_snapshot,
    merge_batches,
    run_documents,
    split_listing,
)

# Beyond this many documents changed, the full build (with its worker processes) is as fast.
MAX_CHANGED = 500
_STATE_FORMAT = 2  # 2: with the registry files
REGISTRIES = ("actors", "places")
_DOCUMENTS = pl.Schema(
    {
        "file": pl.String(),
        KEY: pl.String(),
        "document_id": pl.String(),
        PART: pl.String(),
        "text_sha256": pl.String(),
        "annotation_sha256": pl.String(),
    }
)


def state_directory(root: Path, final: Path) -> Path:
    """Where the state of the builds of `root` into `final` lives (outside the repository, as the
    document cache does, so a pull request cannot plant one)."""
    key = f"{os.path.realpath(root)}\0{os.path.realpath(final)}".encode()
    return default_cache_dir() / "builds" / hashlib.sha256(key).hexdigest()[:16]


def _signatures(final: Path) -> dict[str, str]:
    """The stat signature of every file of a release directory, the manifest included."""
    return {
        relative: signature_of(os.lstat(final / relative))
        for relative in [*release_paths(final), MANIFEST]
    }


def registries_digest(layout: Layout) -> str:
    return _digest(_registry_bytes(layout))


def _registry_bytes(layout: Layout) -> dict[str, bytes]:
    return {"actors": layout.actors.read_bytes(), "places": layout.places.read_bytes()}


def _digest(registries: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in ("actors", "places"):
        digest.update(hashlib.sha256(registries[name]).digest())
    return digest.hexdigest()


def codings_digest(layout: Layout) -> str:
    """The independent codings as listed: each file's name and stat signature (a change to
    one changes the agreement the release carries)."""
    digest = hashlib.sha256()
    if layout.codings.is_dir():
        for path in sorted(layout.codings.rglob("*")):
            if path.is_file():
                st = path.lstat()
                digest.update(f"{layout.shown(path)}\0{signature_of(st)}\0".encode())
    return digest.hexdigest()


@dataclass
class BuildState:
    """What the last build of a repository into a release directory wrote."""

    meta: dict[str, Any]  # code version, registries digest, release file signatures
    documents: pl.DataFrame  # _DOCUMENTS: one row per document of the release
    events: pl.DataFrame  # event_id, _part
    reports: pl.DataFrame  # document_id, event_id: which document reports which event
    # The registry files the release was built from ("actors", "places": their bytes), so that
    # an edit of them can be told entry by entry (tables/registry_edits.py).
    registries: dict[str, bytes]

    def save(self, directory: Path) -> None:
        """Written beside, then renamed into place: a state is whole or absent."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".state.", dir=directory.parent))
        try:
            (staging / "state.json").write_text(json.dumps(self.meta), encoding="utf-8")
            self.documents.write_ipc(staging / "documents.arrow")
            self.events.write_ipc(staging / "events.arrow")
            self.reports.write_ipc(staging / "reports.arrow")
            for name, raw in self.registries.items():
                (staging / f"{name}.yaml").write_bytes(raw)
            forget(directory)
            staging.rename(directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def load(directory: Path) -> BuildState | None:
        try:
            meta = json.loads((directory / "state.json").read_text(encoding="utf-8"))
            documents = pl.read_ipc(directory / "documents.arrow")
            events = pl.read_ipc(directory / "events.arrow")
            reports = pl.read_ipc(directory / "reports.arrow")
            registries = {name: (directory / f"{name}.yaml").read_bytes() for name in REGISTRIES}
        except (OSError, ValueError, pl.exceptions.PolarsError):
            return None
        if not isinstance(meta, dict) or meta.get("format") != _STATE_FORMAT:
            return None
        if documents.schema != _DOCUMENTS:
            return None
        if _digest(registries) != meta.get("registries"):
            return None
        return BuildState(meta, documents, events, reports, registries)


def forget(directory: Path) -> None:
    """Drop a state: done before a release is replaced, so no state outlives its release."""
    if directory.exists():
        retired = directory.with_name(directory.name + f".old.{os.getpid()}")
        directory.rename(retired)
        shutil.rmtree(retired, ignore_errors=True)


def state_of(
    layout: Layout,
    final: Path,
    files: pl.DataFrame,
    documents: pl.DataFrame,
    events: pl.DataFrame,
    reports: pl.DataFrame,
) -> BuildState:
    """The state of a release just written. `files`: KEY, file, document_id of each document;
    `documents` and `events`: the release's tables (or the rows needed of them); `reports`:
    document_id, event_id."""
    docs = files.join(
        documents.select("document_id", "published", "text_sha256", "annotation_sha256"),
        on="document_id",
        how="inner",
    ).join(document_parts(documents), on="document_id", how="left")
    registries = _registry_bytes(layout)
    meta = {
        "format": _STATE_FORMAT,
        "code_version": code_version(),
        "registries": _digest(registries),
        "codings": codings_digest(layout),
        "release": _signatures(final),
    }
    return BuildState(
        meta,
        docs.select(list(_DOCUMENTS)).sort("file"),
        event_parts(events).sort("event_id"),
        reports.select("document_id", "event_id").unique().sort("document_id", "event_id"),
        registries,
    )


@dataclass
class Rebuilt:
    validation: Validation
    written: Written
    rows: dict[str, int]  # rows per table of the release
    changed: int  # documents changed since the last build
    failures: list[TableFailure]


def rebuild(root: Path, out: Path, version: str) -> Rebuilt | None:
    """The release of `root` in `out`, updated for what changed since the last build; None when
    only a full build can say (see the module's docstring). The steps of `pipeline.build`,
    each over what the changes reach."""
    if version != DEV_VERSION:
        return None  # a numbered release is written once, whole
    layout = Layout(root)
    final = out / f"eventset-{version}"
    where = state_directory(layout.root, final)
    state = _base(layout, final, where)
    if state is None:
        return None
    changes = _load(layout, final, state)
    if changes is None or not _check(layout, changes):
        return None
    validation = changes.validation
    if changes.differs.is_empty() and changes.same_registries:
        written = _write_metadata(layout, final, out, version, where, state)
        return Rebuilt(validation, written, _rows_per_table(final), 0, [])
    compiled = _compile(layout, changes)
    if compiled is None:
        return None
    parts = _parts(final, state, changes, compiled)
    # Step 4 (the contracts) runs while step 5 writes the files it checks; a failure discards
    # them and leaves the last release and its state as they were.
    contracts = partial(_validate, parts)
    update = _write_update(
        layout, final, out, version, where, state, changes, compiled, parts, contracts
    )
    if update is None:
        return None
    return Rebuilt(validation, update, _rows_per_table(final), changes.differs.height, [])


def _base(layout: Layout, final: Path, where: Path) -> BuildState | None:
    """The state of the last build, when its release can be the base of this one."""
    state = BuildState.load(where)
    if state is None or state.meta.get("code_version") != code_version():
        return None
    try:
        if state.meta.get("codings") != codings_digest(layout):
            return None  # documents' coding_count and the release's agreement.json change
        if state.meta.get("release") != _signatures(final):
            return None  # the release directory was touched since: it cannot be the base
    except OSError:
        return None
    return state


@dataclass
class _Changes:
    """The corpus now, against the last build: what step 1 (load) found."""

    validation: Validation
    registries: Registries
    actors: ActorRegistry
    places: PlaceRegistry
    unchanged: pl.Series  # keys of the documents whose files are unchanged since the snapshot
    batch: Batch  # the documents parsed now
    differs: pl.DataFrame  # file, KEY, KEY_now of each document whose content differs
    view: CorpusView
    gone: pl.DataFrame  # the state's rows of the documents that differ
    old_events: pl.DataFrame  # document_id, event_id: what they reported
    edit: RegistryEdit  # the registry entries edited since
    registry_events: set[str]  # the events of the last release the edit can change
    # The registry files are the same bytes. Edited in nothing the tables show (a comment), they
    # still change the manifest's inputs_sha256, so the release is written again.
    same_registries: bool


def _load(layout: Layout, final: Path, state: BuildState) -> _Changes | None:
    """1. load: the registries and the entries edited since, the listing, the documents whose
    files changed since the snapshot parsed again, and those whose content differs from the
    last release's."""
    validation = Validation()
    registries = load_registries(layout, validation)
    listing = list_inputs(layout, validation)
    actors, places = validation.actors, validation.places
    if not validation.ok or actors is None or places is None:
        return None
    edit = _registry_edit(layout, state, actors, places)
    if edit is None:
        return None
    try:  # the events of the last release at a place or with an actor the edit reaches
        registry_events = edit.events(
            pl.scan_parquet(final / "events" / "*.parquet"),
            pl.scan_parquet(final / "event_actors" / "*.parquet"),
        )
    except (OSError, pl.exceptions.PolarsError):
        return None
    snapshot = corpus_snapshot(default_cache_dir(), layout.root)
    index = snapshot.load_index()
    if index is None:
        return None
    unchanged, stale = split_listing(listing, index)
    if len(stale) > MAX_CHANGED:
        return None
    batch = run_documents([(file, ann, seed) for file, ann, seed, _ in stale], root=layout.root)

    # The documents whose content differs from the release's: by key, file by file.
    kept = index.filter(pl.col(KEY).is_in(unchanged.implode()))
    now = pl.concat([kept.select(KEY, "file"), batch.files], how="vertical").unique("file")
    compared = state.documents.select("file", KEY).join(
        now, on="file", how="full", suffix="_now", coalesce=True
    )
    differs = compared.filter(pl.col(KEY).ne_missing(pl.col(f"{KEY}_now")))
    if differs.height > MAX_CHANGED:
        return None
    # A changed document whose snapshot entry is current (the snapshot was saved after the last
    # build) is parsed too: its rows are needed, and the fresh ones are at hand.
    fresh_files = set(batch.files.get_column("file").to_list())
    needed = set(differs.drop_nulls(f"{KEY}_now").get_column("file").to_list()) - fresh_files
    missing = tasks_of(listing.filter(pl.col("file").is_in(sorted(needed))))
    if missing:
        batch = merge_batches(batch, run_documents(missing, root=layout.root))
    validation.problems += batch.problems
    validation.files_checked += batch.processed + 2
    validation.processed = batch.processed
    view = CorpusView(snapshot, index, unchanged, batch)
    gone = state.documents.filter(pl.col("file").is_in(differs.get_column("file").implode()))
    old_ids = gone.get_column("document_id")
    old_events = state.reports.filter(pl.col("document_id").is_in(old_ids.implode()))
    return _Changes(
        validation,
        registries,
        actors,
        places,
        unchanged,
        batch,
        differs,
        view,
        gone,
        old_events,
        edit,
        registry_events,
        state.meta.get("registries") == registries_digest(layout),
    )


def _registry_edit(
    layout: Layout, state: BuildState, actors: ActorRegistry, places: PlaceRegistry
) -> RegistryEdit | None:
    """The entries edited since the last build (none when the files are the same bytes); None
    when the last build's registries cannot be read as such."""
    now = _registry_bytes(layout)
    # A registry whose bytes are the last build's is today's model (parsing the other again
    # costs a tenth of a second at 100,000 documents).
    old_actors: ActorRegistry | None = actors
    old_places: PlaceRegistry | None = places
    # Otherwise the last build's file, which that build's command parsed: from the cache.
    if now["actors"] != state.registries["actors"]:
        old_actors, _, _ = parse_registry(state.registries["actors"], "actors.yaml", ActorRegistry)
    if now["places"] != state.registries["places"]:
        old_places, _, _ = parse_registry(state.registries["places"], "places.yaml", PlaceRegistry)
    if old_actors is None or old_places is None:
        return None
    return registry_edit((old_actors, old_places), (actors, places))


def _check(layout: Layout, changes: _Changes) -> bool:
    """2. check: the changed documents' own problems, and the corpus checks over every document
    that shares an event or claim id with them, before or after the edit. Any problem: False
    (the full build reports it, with its context)."""
    validation, edit = changes.validation, changes.edit
    # An entry removed from a registry: the documents that still name it are wrong (E401/E402).
    kind, ref_id = pl.col("kind"), pl.col("id")
    removed = ((kind == "actor") & ref_id.is_in(sorted(edit.removed_actors))) | (
        (kind == "place") & ref_id.is_in(sorted(edit.removed_places))
    )
    removed_ids = edit.removed_actors | edit.removed_places
    try:
        validation.problems += changes.view.corpus_problems(
            changes.registries, layout, changes.old_events.get_column("event_id").to_list()
        )
        if edit.removed_actors or edit.removed_places:
            named = changes.view.rows("references", "id", removed_ids, removed).height
            return named == 0 and not validation.problems
    except (OSError, pl.exceptions.PolarsError):
        return False
    return not validation.problems


@dataclass
class _Compiled:
    """Step 3's rows: the changed documents' and those of every event they reach."""

    mine: pl.Expr  # rows of the changed documents (their current keys)
    tables: dict[str, pl.DataFrame]  # the new rows of every table the changes reach
    reported: pl.DataFrame  # document_id, event_id: what the changed documents report now
    events: pl.Series  # imploded ids of every event merged again
    documents: pl.Series  # imploded ids of the documents whose rows are replaced


def _compile(layout: Layout, changes: _Changes) -> _Compiled | None:
    """3. compile: the changed documents' documents, claims and mentions rows; every event
    they report or used to report, or that an edited registry entry reaches, merged again from
    every document that reports it; an edited registry's table."""
    batch, view = changes.batch, changes.view
    differs = changes.differs
    changed_keys = differs.drop_nulls(f"{KEY}_now").get_column(f"{KEY}_now").implode()
    mine = pl.col(KEY).is_in(changed_keys)
    counts = coding_counts(layout)
    new: dict[str, pl.DataFrame] = {
        name: typed_table(
            name,
            with_coding_counts(batch.frames[name].filter(mine), counts)
            if name == "documents"
            else batch.frames[name].filter(mine),
        )
        for name in BY_DOCUMENT
    }
    reported = batch.frames["events"].filter(mine).select("document_id", "event_id")
    touched = set(changes.old_events.get_column("event_id").to_list())
    touched |= set(reported.get_column("event_id").to_list()) | changes.registry_events
    event_list = pl.Series(sorted(touched), dtype=pl.String).implode()
    try:
        per_document = view.rows("events", "event_id", touched).drop(KEY)
        taking_part = view.rows("event_actors", "event_id", touched).drop(KEY)
    except (OSError, pl.exceptions.PolarsError):
        return None
    actors, places = changes.actors, changes.places
    new["events"] = typed_table("events", events_table(per_document, taking_part, actors, places))
    new["event_actors"] = typed_table("event_actors", event_actors_table(taking_part))
    edited = {"actors": changes.edit.actors, "places": changes.edit.places}
    # Only an edited registry's table is made (the actors table alone takes a tenth of a second
    # at 100,000 documents).
    new |= {name: registry_table(name, actors, places) for name in REGISTRIES if edited[name]}
    old_ids = changes.gone.get_column("document_id")
    removed_docs = pl.concat([old_ids, new["documents"].get_column("document_id")]).implode()
    return _Compiled(mine, new, reported, event_list, removed_docs)


def _parts(
    final: Path, state: BuildState, changes: _Changes, compiled: _Compiled
) -> dict[str, dict[str, pl.DataFrame]]:
    """Each monthly file the changes touch, as it will be written ({table: {file: rows}}; no
    rows: the file is no longer needed): the last release's rows of the file without those
    replaced, and the new rows of its month. A file whose rows come out the same as the last
    release's (an edit of a comment, or of one table's fields only: the other tables' rows of
    the document are made again unchanged) is left out, so it is linked like an untouched
    month's: the same rows give the same bytes, and they met the same contract when written,
    under the code version the state was saved with (`_base`)."""
    new, event_list, removed_docs = compiled.tables, compiled.events, compiled.documents
    # Which files each table loses rows from, and which it gains rows in.
    old_parts = {name: set(changes.gone.get_column(PART).to_list()) for name in BY_DOCUMENT} | {
        name: set(
            state.events.filter(pl.col("event_id").is_in(event_list)).get_column(PART).to_list()
        )
        for name in BY_EVENT
    }
    parts: dict[str, dict[str, pl.DataFrame]] = {}
    for name in (*BY_DOCUMENT, *BY_EVENT):
        key, ids = (
            ("document_id", removed_docs) if name in BY_DOCUMENT else ("event_id", event_list)
        )
        rows = labelled(name, new[name], new["documents"], new["events"])
        labels = old_parts[name] | set(rows.get_column(PART).to_list())
        table = TABLES_BY_NAME[name]
        primary_key = list(table.primary_key)
        files: dict[str, pl.DataFrame] = {}
        previous = _previous_parts(final / name, [part_file(label) for label in labels])
        for label in sorted(labels):
            file = part_file(label)
            old = typed_frame(table, previous[file]) if file in previous else new[name][:0]
            replaced = pl.col(key).is_in(ids)
            mine = rows.filter(pl.col(PART) == label).drop(PART).sort(primary_key)
            # The rows kept are the file's own, so the file comes out the same exactly when the
            # rows it gains are the rows it loses (the keys are unique: one order for both).
            if file in previous and _same_rows(mine, old.filter(replaced).sort(primary_key)):
                continue  # the last release's file holds these rows: linked, not written again
            files[file] = pl.concat([old.filter(~replaced), mine], how="vertical").sort(primary_key)
        if files:
            parts[name] = files
    for name in REGISTRIES:
        if name in new:  # one file, rewritten whole (an empty one as the full build writes it)
            parts[name] = {part_file("0"): new[name]}
    return parts


def _same_rows(new: pl.DataFrame, old: pl.DataFrame) -> bool:
    """The same rows in the same order, value for value as they would be written: polars
    compares floats as numbers (-0.0 equals 0.0), so those are compared as text too."""
    if new.schema != old.schema or new.height != old.height or not new.equals(old):
        return False
    floats = [
        pl.col(name).cast(pl.String) for name, dtype in new.schema.items() if dtype.is_float()
    ]
    return not floats or new.select(floats).equals(old.select(floats))


def _validate(parts: dict[str, dict[str, pl.DataFrame]]) -> bool:
    """4. validate: the files each table rewrites, together, against its Pandera contract; True
    when every one holds. A table's files at once: a contract's cost is mostly per call (tens
    of milliseconds, about the same for 20 rows as for a month's 20,000), and an edit of a place
    can reach every month of the events."""
    return not any(
        validate_frame(name, pl.concat(list(files.values()), how="vertical"))
        for name, files in parts.items()
        if files
    )


def _previous_parts(folder: Path, files: list[str]) -> dict[str, pl.DataFrame]:
    """The rows of each of `files` that the last release has in `folder`, read together (an
    edited place reaches every month of the events: one by one, its files cost 0.2 s more)."""
    paths = sorted(str(folder / file) for file in files if (folder / file).is_file())
    if not paths:
        return {}
    rows = pl.read_parquet(paths, include_file_paths="_path")
    found = {
        Path(str(path)).name: part.drop("_path")
        for (path,), part in rows.partition_by("_path", as_dict=True, maintain_order=True).items()
    }
    # A file without rows (a table's placeholder) has no part: it is empty, as read alone.
    return found | {
        Path(path).name: rows.drop("_path")[:0] for path in paths if Path(path).name not in found
    }


def _write_update(
    layout: Layout,
    final: Path,
    out: Path,
    version: str,
    where: Path,
    state: BuildState,
    changes: _Changes,
    compiled: _Compiled,
    parts: dict[str, dict[str, pl.DataFrame]],
    contracts: Callable[[], bool],
) -> Written | None:
    """5. write: the new release directory (untouched files linked from the last one), then the
    state of this build; None when `contracts` (step 4, run meanwhile) does not hold."""
    batch, differs, mine = changes.batch, changes.differs, compiled.mine
    new, event_list, removed_docs = compiled.tables, compiled.events, compiled.documents
    documents = pl.concat(
        [
            state.documents.filter(~pl.col("file").is_in(differs.get_column("file").implode())),
            _document_rows(batch.files, batch.frames["documents"].filter(mine)),
        ],
        how="vertical",
    ).sort("file")
    written = _write(
        final, out, version, parts, partial(provenance, layout, documents), where, contracts
    )
    if written is None:
        return None
    events = pl.concat(
        [
            state.events.filter(~pl.col("event_id").is_in(event_list)),
            event_parts(new["events"]),
        ],
        how="vertical",
    ).sort("event_id")
    # The state's pairs are unique already, and those of the documents replaced are dropped:
    # only the new pairs need making unique (over every pair, 0.08 s at 100,000 documents).
    reported = compiled.reported.unique()
    replaced = pl.concat([removed_docs.explode(), reported.get_column("document_id")]).implode()
    reports = pl.concat(
        [state.reports.filter(~pl.col("document_id").is_in(replaced)), reported], how="vertical"
    ).sort("document_id", "event_id")
    registries = _registry_bytes(layout)
    meta = {**state.meta, "release": _signatures(final), "registries": _digest(registries)}
    BuildState(meta, documents, events, reports, registries).save(where)
    return written


def _write_metadata(
    layout: Layout, final: Path, out: Path, version: str, where: Path, state: BuildState
) -> Written:
    """No document or registry changed, but the metadata may have (a commit that changed
    none): the manifest is written again as a full build would write it, every table file
    linked."""
    origin = provenance(layout, state.documents)
    manifest = read_manifest(final)
    if all(manifest.get(key) == value for key, value in origin.items()):
        return Written(final, unchanged=True)
    written = _write(final, out, version, {}, lambda: origin, where)
    assert written is not None  # no contracts to fail
    meta = {**state.meta, "release": _signatures(final)}
    BuildState(meta, state.documents, state.events, state.reports, state.registries).save(where)
    return written


def _document_rows(files: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The state's rows (_DOCUMENTS) of documents given with their KEY column."""
    return (
        documents.with_columns(pl.col(KEY).cast(pl.String))
        .join(files, on=KEY, how="inner")
        .with_columns(document_parts(documents).get_column(PART))
        .select(list(_DOCUMENTS))
    )


def _write(
    final: Path,
    out: Path,
    version: str,
    parts: dict[str, dict[str, pl.DataFrame]],
    origin: Callable[[], dict[str, Any]],
    where: Path,
    contracts: Callable[[], bool] = lambda: True,
) -> Written | None:
    """A new release directory: `parts` written (an empty part is a file no longer needed),
    every other file of `final` linked in unchanged, the manifest reusing their entries; the
    state in `where` is dropped just before the release is replaced. `origin` gives the
    manifest's provenance; it runs in a thread meanwhile (it waits for git and hashes a line a
    document, little of which holds the GIL). `contracts` runs in this thread while the files
    are written; when it is False nothing is replaced and the result is None."""
    remove_leftovers(out)
    previous = {str(entry["path"]): entry for entry in read_manifest(final)["files"]}
    staging = Path(
        tempfile.mkdtemp(prefix=f".eventset-{version}.{os.getpid()}.", suffix=".partial", dir=out)
    )
    try:
        # The files are written two at a time: pyarrow casts, compresses and writes without the
        # GIL, so the second core writes another file (a month of five tables after an edit).
        # The provenance has a thread of its own: with two threads in all, it held one of them
        # for its tenth of a second and the files were written one at a time meanwhile.
        with ThreadPoolExecutor(max_workers=3) as pool:
            provenance = pool.submit(origin)
            for table in TABLES:
                (staging / table.name).mkdir(mode=0o755)
            writes = [
                pool.submit(write_parquet, rows, staging / name / file, name, version)
                for name, files in parts.items()
                for file, rows in files.items()
                if rows.height
            ]
            # The contracts are mostly Python (pandera), the writes and the provenance mostly
            # not (pyarrow, polars, git): checked meanwhile, they cost no wait of their own.
            # Before any file of the last release is linked: a link changes a file's ctime, so
            # its signature, and the last release could not be the base of an update again.
            if not contracts():
                pool.shutdown(cancel_futures=True)
                return None
            linked: dict[str, dict[str, Any]] = {}
            for path, entry in previous.items():
                name = table_of(path)
                placeholder = name in parts and path == f"{name}/{TABLE_PART}"
                if name in parts and (path.split("/", 1)[1] in parts[name] or placeholder):
                    continue
                os.link(final / path, staging / path)
                linked[path] = entry
            for write in writes:
                write.result()
            present = {path.split("/", 1)[0] for path in release_paths(staging)}
            for name, files in parts.items():
                if name not in present:  # every file of the table gone: an empty one stands in
                    table = TABLES_BY_NAME[name]
                    empty = pl.DataFrame(
                        schema=typed_frame(table, next(iter(files.values()))).schema
                    )
                    write_parquet(empty, staging / name / TABLE_PART, name, version)
            manifest = manifest_of(staging, version, provenance.result(), linked)
        write_manifest(staging, manifest)
        staging.chmod(0o755)
        forget(where)
        swap(staging, final)
        return Written(final, unchanged=False)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _rows_per_table(final: Path) -> dict[str, int]:
    rows = {table.name: 0 for table in TABLES}
    for entry in read_manifest(final)["files"]:
        table = table_of(str(entry["path"]))
        if table is not None:
            rows[table] += int(entry.get("rows") or 0)
    return rows
