"""The full build's tables written a month at a time, so no step holds the whole corpus.

The per-document frames stay on disk (the runner's spool and snapshot, scanned lazily) and flow:

1. routing: each worker writes its chunk's documents, claims and mentions rows grouped by the
   month of their document's publication, and its per-document events and event_actors rows
   by a fine bucket of a hash of the event id (an event is reported by documents of several
   months), and says which rows hold which label (routes.py); nothing here reads them again
   to route them. Only rows reused from the snapshot (a warm full build) are routed here, by
   the shuffle (shuffle.py): a task per slice of the snapshot, the events' first;
2. merge: a task per run of consecutive fine buckets (about one per 250,000 reported rows, one
   a worker at least), as soon as the snapshot's events are routed (at once in a cold build):
   the run's events merged alone (`merged_events`, exact part by part), its merged events and
   event_actors routed to the month their event started;
3. months: each (table, month) read, typed and sorted by key, checked with its Pandera contract
   (and, for mentions, their spans against the same month's documents) and written as that
   month's Parquet file; consecutive months of a table make one task, those of documents,
   claims and mentions submitted while the merges still run (in a cold build, at once);
4. across months, on key columns only: primary keys unique, foreign keys resolve, every event
   and claim supported by a mention.

A month's (a merge's) rows are the snapshot's shuffled files, then a run of record batches of
each chunk file (routes.Rows) in the chunks' order: the rows one pass over the frame would route there, in
the same order. Steps 1 to 3 are tasks of a process pool of `--jobs` workers (here, one after
the other, with one job), so the tail of a build uses every core. On a cluster (`--engine
dask`) the merges and the month tasks are the cluster's tasks instead: its workers do not see
this machine's spool, so a task's rows are sent as Arrow IPC bytes and come back as Arrow IPC
bytes (a merge) or as the month's Parquet file bytes, which are written here; the snapshot's
shuffle, which only reads and writes the spool, stays in the pool here.

The peak is the largest month (or merge, or slice) a worker holds plus the key columns here.
The files are those `write_release` writes from whole tables (`table_parts`), byte for byte. A
check that fails here only says that something is wrong: the build then reports the failures
exactly as the whole-table checks give them (pipeline.py), which needs the whole tables once.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from eventset.release import write  # write.write_parquet: the one writer of a table file
from eventset.release.manifest import TABLE_PART
from eventset.release.partitions import (
    BY_DOCUMENT,
    BY_EVENT,
    PART,
    UNDATED,
    event_parts,
    month_label,
    part_file,
)
from eventset.release.routes import (
    FINE_BUCKETS,
    Rows,
    bucket_groups,
    pieces_of,
    read_runs,
    runs_of,
)
from eventset.release.shuffle import (
    ShuffleTask,
    by_label,
    gathered,
    shuffle,
    slices,
    write_labelled,
)
from eventset.release.staged import fails_across_months, scan_staged
from eventset.release.tasks import Cluster, Local, Result, finished, pool, windowed
from eventset.schema.contracts import polars_schema, validate_frame
from eventset.schema.integrity import span_queries
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.tables import TABLES, TABLES_BY_NAME
from eventset.tables.assemble import (
    MergeEvents,
    countries_table,
    registry_tables,
    typed_table,
    with_coding_counts,
)
from eventset.validation.cache import KEY
from eventset.validation.spooled import Spooled

# Per-document events rows merged at once (a run of fine buckets): a merge holds its rows a few
# times over, so this bounds that step's memory (~100 MB) up to 64 such merges (routes.py).
_EVENT_ROWS_PER_BUCKET = 250_000
_POOL_TASKS = 2  # fewer month tasks than this are run in this process
# Spooled bytes of the months one task checks together (the rows in memory are about as many).
_TASK_BYTES = 32_000_000


# A task's spooled rows: a file of this machine's spool, a run of batches of a chunk file, or (sent
# to a cluster) their bytes.
Piece = str | Rows | bytes


@dataclass(frozen=True)
class Month:
    """One month of one table: its spooled rows, where its Parquet file goes, and (mentions)
    the same month's spooled documents rows, which their spans are checked against."""

    label: str
    pieces: tuple[Piece, ...]
    target: str
    documents: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class MonthTask:
    """Consecutive months of one table, checked together and written one file each: a task per
    month would pay the contract's fixed cost (tens of milliseconds) hundreds of times."""

    table: str
    months: tuple[Month, ...]
    version: str
    coding_counts: Mapping[str, int] = field(default_factory=dict)  # documents only
    size: int = 0  # spooled bytes


@dataclass(frozen=True)
class MonthDone:
    table: str
    rows: int
    suspect: bool  # its contract or (mentions) its spans failed


@dataclass
class Months:
    """What the month-by-month build wrote into the staging folder."""

    rows: dict[str, int]  # rows per table
    suspect: bool  # some check failed: the failures must be reported from whole tables
    documents: pl.DataFrame  # document_id, published, text_sha256, annotation_sha256
    events: pl.DataFrame  # event_id, date_start


def write_months(
    parts: Mapping[str, Spooled],
    actors: ActorRegistry,
    places: PlaceRegistry,
    merge: MergeEvents,
    coding_counts: Mapping[str, int],
    spool: Path,
    staging: Path,
    version: str,
    jobs: int,
    cluster: Cluster | None = None,
    processes: ProcessPoolExecutor | None = None,
) -> Months:
    """Every table of the release from the per-document frames `parts` (on disk), written
    into `staging` one Parquet file per month (partitions.py); `spool`: a scratch folder.
    `cluster`: where the merges and the month tasks run instead of this machine's pool (their
    rows sent as Arrow IPC bytes, the Parquet files' bytes sent back); `merge` must then be
    picklable, as it must for a pool. `processes`: the pool of `jobs` workers (tasks.pool),
    when the caller started it already; else one is started here."""
    spool.mkdir(parents=True, exist_ok=True)
    schemas = {name: _without_key(parts[name].schema) for name in BY_EVENT}
    started = contextlib.nullcontext(processes) if processes is not None else pool(jobs)
    with started as processes:
        local = Local(processes)
        # The snapshot's rows (a warm full build) routed first, the events' first; the chunk
        # files' rows are routed already: a cold build starts its merges and months at once.
        workers = max(jobs, 1) if cluster is None else cluster.workers
        by_event = _submit_slices(parts, BY_EVENT, spool / "buckets", local)
        by_document = _shuffle_by_document(parts, spool / "documents", local)
        shuffled = {name: gathered([f.result() for f in fs]) for name, fs in by_event.items()}
        reported = parts["events"].height()
        groups = bucket_groups(reported, _EVENT_ROWS_PER_BUCKET, workers)
        tasks = _merge_tasks(
            parts, shuffled, groups, schemas, actors, places, merge, spool / "months"
        )
        if cluster is None:
            merging = [local.submit(merge_bucket, task) for task in tasks]
        else:  # meanwhile the pool here shuffles the snapshot's other tables
            answers = windowed(cluster, merged_remotely, map(_sent, tasks))
            merging = [_Received(task, answer) for task, answer in zip(tasks, answers, strict=True)]
        pieces = {name: _routed(parts[name], by_document[name]) for name in BY_DOCUMENT}
        writing = _run_months(pieces, staging, version, coding_counts, local, cluster)
        # Here, while the workers work: after them, this was the build's last half second
        # alone (pandera imported for it, and three small tables checked and written).
        suspect, rows = _write_whole_tables(actors, places, staging, version)
        merged = [future.result() for future in merging]
        later: dict[str, dict[str, list[Piece]]] = {
            name: {
                label: list[Piece](files)
                for label, files in gathered([bucket[name] for bucket in merged]).items()
            }
            for name in BY_EVENT
        }
        pieces.update(later)
        writing += _run_months(later, staging, version, coding_counts, local, cluster)
        done = [future.result() for future in writing]
        rows.update(dict.fromkeys(pieces, 0))
        for month in done:
            rows[month.table] += month.rows
            suspect |= month.suspect
        for name in pieces:  # a table without rows is one empty file, as write_release writes it
            if not rows[name]:
                empty = _empty_table(name)
                suspect |= bool(validate_frame(name, empty))
                write.write_parquet(empty, staging / name / TABLE_PART, name, version)
        # In the workers: grouping a million documents' keys costs gigabytes, which a worker
        # gives back when the pool ends and this process would keep as its own peak. The
        # checks shared among them: one worker alone took 0.8 s at 100,000 documents while
        # the other had nothing left to do.
        shares = max(jobs, 1) if processes is not None else 1
        checking = [
            local.submit(functools.partial(fails_across_months, staging, shares=shares), share)
            for share in range(shares)
        ]
        suspect = any([suspect, *(check.result() for check in checking)])
    written = {table.name: scan_staged(staging, table.name) for table in TABLES}
    documents = written["documents"].select(
        "document_id", "published", "text_sha256", "annotation_sha256"
    )
    events = written["events"].select("event_id", "date_start")
    return Months(
        {t.name: rows[t.name] for t in TABLES}, suspect, *pl.collect_all([documents, events])
    )


def _write_whole_tables(
    actors: ActorRegistry, places: PlaceRegistry, staging: Path, version: str
) -> tuple[bool, dict[str, int]]:
    """The tables not written a month at a time (_whole_tables), checked and written into
    `staging`: whether a check failed, and each table's rows."""
    suspect = False
    rows = {}
    for name, frame in _whole_tables(actors, places).items():
        (staging / name).mkdir(mode=0o755)
        suspect |= bool(validate_frame(name, frame))
        write.write_parquet(frame, staging / name / TABLE_PART, name, version)
        rows[name] = frame.height
    return suspect, rows


def _whole_tables(actors: ActorRegistry, places: PlaceRegistry) -> dict[str, pl.DataFrame]:
    """The tables that come from the registries and the vocabulary: small, written whole."""
    return {
        **registry_tables(actors, places),
        "countries": typed_table("countries", countries_table()),
    }


def _empty_table(name: str) -> pl.DataFrame:
    return typed_table(name, pl.DataFrame(schema=polars_schema(TABLES_BY_NAME[name])))


def _shuffle_by_document(
    parts: Mapping[str, Spooled], spool: Path, local: Local
) -> dict[str, list[Result[dict[str, str]]]]:
    """The snapshot's documents, claims, mentions rows by the month their document was
    published, a task a slice. A row whose document is missing goes to `undated`: the foreign
    key check reports it."""
    if parts["documents"].snapshot is None:
        return {name: [] for name in BY_DOCUMENT}
    # By Spooled.select's queries over a few hundred files each: a warm build of a million
    # documents with many changed ones has more chunk files than one query may open.
    labels = (
        parts["documents"]
        .select("document_id", month_label(pl.col("published")))
        .unique("document_id", keep="first")
    )
    spool.mkdir(parents=True, exist_ok=True)
    labels.write_ipc(spool / "labels.arrow")
    return _submit_slices(parts, BY_DOCUMENT, spool, local, labels=str(spool / "labels.arrow"))


def _submit_slices(
    parts: Mapping[str, Spooled],
    names: Iterable[str],
    spool: Path,
    local: Local,
    *,
    labels: str | None = None,
) -> dict[str, list[Result[dict[str, str]]]]:
    """A shuffle task a slice of each of `names`' snapshot rows, each writing into a folder of
    its own under `spool` (`labels`: the claims' and mentions' months, ShuffleTask)."""
    return {
        name: [
            local.submit(
                shuffle,
                ShuffleTask(
                    name, parts[name].schema, piece, str(spool / name / f"{number:06d}"), labels
                ),
            )
            for number, piece in enumerate(slices(parts[name], spool / name))
        ]
        for name in names
    }


def _routed(spooled: Spooled, shuffled: list[Result[dict[str, str]]]) -> dict[str, list[Piece]]:
    """A frame's rows by label, in the order one pass over the frame gives: the snapshot's
    shuffled files (in the slices' order), then the chunk files' runs (in the files' order)."""
    out: dict[str, list[Piece]] = {
        label: list[Piece](files)
        for label, files in gathered([future.result() for future in shuffled]).items()
    }
    for path, route in zip(spooled.files, spooled.routes, strict=True):
        for label, rows in runs_of(path, route).items():
            out.setdefault(label, []).append(rows)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class MergeTask:
    """One run of fine buckets' per-document events and event_actors rows (files, runs of batches
    of chunk files, or their Arrow IPC bytes sent to a cluster) to merge, and what merging
    needs. `folder`: where the merged rows go, one file per table and month."""

    events: tuple[Piece, ...]
    event_actors: tuple[Piece, ...]
    schemas: tuple[pl.Schema, pl.Schema]
    actors: ActorRegistry
    places: PlaceRegistry
    merge: MergeEvents
    folder: str


def _merge_tasks(
    parts: Mapping[str, Spooled],
    shuffled: Mapping[str, Mapping[str, list[str]]],
    groups: list[tuple[str, ...]],
    schemas: Mapping[str, pl.Schema],
    actors: ActorRegistry,
    places: PlaceRegistry,
    merge: MergeEvents,
    spool: Path,
) -> list[MergeTask]:
    """A task a run of fine buckets (`groups`) that holds reported events, in the runs' order:
    the snapshot's shuffled files of those buckets, then each chunk file's rows of them (one run
    of rows: consecutive in it). Each writes its months under `spool`/NUMBER."""
    pair = (schemas["events"], schemas["event_actors"])
    tasks = []
    for number, labels in enumerate(groups):
        events, event_actors = (
            tuple[Piece, ...](
                [
                    *(path for label in labels for path in shuffled[name].get(label, [])),
                    *pieces_of(parts[name].files, parts[name].routes, labels),
                ]
            )
            for name in BY_EVENT
        )
        if events:
            folder = str(spool / str(number).zfill(len(str(FINE_BUCKETS))))
            tasks.append(MergeTask(events, event_actors, pair, actors, places, merge, folder))
    return tasks


def merge_bucket(task: MergeTask) -> dict[str, dict[str, str]]:
    """A run of buckets merged, its events and event_actors rows written one file per month
    (under task.folder), its snapshot's shuffled files removed: {table: {month: file}}."""
    merged = _merged(task)
    _remove(task)
    return {name: write_labelled(frame, Path(task.folder) / name) for name, frame in merged.items()}


def _remove(task: MergeTask) -> None:
    """The snapshot's shuffled files of the merge: merged, they are done with (the chunk files
    stay: the snapshot's write may still read them)."""
    for piece in (*task.events, *task.event_actors):
        if isinstance(piece, str):
            Path(piece).unlink()


def _merged(task: MergeTask) -> dict[str, pl.DataFrame]:
    """The bucket's merged events and event_actors, each row labelled with its event's month."""
    per_document, taking_part = (
        _read(pieces, schema)
        for pieces, schema in zip((task.events, task.event_actors), task.schemas, strict=True)
    )
    events, event_actors = task.merge(per_document, taking_part, task.actors, task.places)
    labels = event_parts(events)
    return {
        name: frame.join(labels, on="event_id", how="left", maintain_order="left").with_columns(
            pl.col(PART).fill_null(UNDATED)
        )
        for name, frame in (("events", events), ("event_actors", event_actors))
    }


def _sent(task: MergeTask) -> MergeTask:
    """The task with its files' rows as bytes: a cluster's workers do not see the spool."""
    return replace(task, events=_bytes(task.events), event_actors=_bytes(task.event_actors))


def _bytes(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """Files sent as they are, then the runs of batches of chunk files (which come after them)
    read and sent as one frame."""
    files = tuple(
        Path(p).read_bytes() if isinstance(p, str) else p for p in pieces if not isinstance(p, Rows)
    )
    [chunks] = read_runs([[piece for piece in pieces if isinstance(piece, Rows)]])
    if chunks is None:
        return files
    buffer = io.BytesIO()
    chunks.write_ipc(buffer, compression="uncompressed")
    return (*files, buffer.getvalue())


def merged_remotely(task: MergeTask) -> dict[str, dict[str, bytes]]:
    """merge_bucket on a cluster's worker: {table: {month: its rows as Arrow IPC bytes}}."""
    out: dict[str, dict[str, bytes]] = {}
    for name, frame in _merged(task).items():
        out[name] = {}
        for label, rows in by_label(frame):
            buffer = io.BytesIO()
            rows.write_ipc(buffer, compression="uncompressed")
            out[name][label] = buffer.getvalue()
    return out


class _Received:
    """A bucket merged on a cluster: its months' rows written into the spool here, as
    merge_bucket writes them, and its snapshot's shuffled files removed."""

    def __init__(self, task: MergeTask, by_table: Mapping[str, Mapping[str, bytes]]) -> None:
        self.files: dict[str, dict[str, str]] = {}
        for name, by_month in by_table.items():
            folder = Path(task.folder) / name
            folder.mkdir(parents=True, exist_ok=True)
            self.files[name] = {}
            for label, data in by_month.items():
                (folder / f"{label}.arrow").write_bytes(data)
                self.files[name][label] = str(folder / f"{label}.arrow")
        _remove(task)

    def result(self) -> dict[str, dict[str, str]]:
        return self.files


def _without_key(schema: pl.Schema) -> pl.Schema:
    return pl.Schema({name: dtype for name, dtype in schema.items() if name != KEY})


def _read(pieces: Iterable[Piece], schema: pl.Schema | None) -> pl.DataFrame:
    """A merge's (or a month's) spooled rows, in the pieces' order (with none, no rows of
    `schema`)."""
    return _read_months([tuple(pieces)], schema)[0]


def _read_months(
    months: Sequence[Sequence[Piece]],
    schema: pl.Schema | None,
    columns: list[str] | None = None,
) -> list[pl.DataFrame]:
    """Each month's spooled rows, in its pieces' order: files (the snapshot's shuffled files,
    read together), then runs of batches of chunk files (each file opened once for every
    month: routes.read_runs), or their Arrow IPC bytes (on a cluster); with no piece, no rows of
    `schema`. `columns`: only those are read."""
    runs = read_runs(
        [[piece for piece in pieces if isinstance(piece, Rows)] for pieces in months], columns
    )
    out = []
    for pieces, chunks in zip(months, runs, strict=True):
        kinds = [isinstance(p, Rows) for p in pieces]
        assert kinds == sorted(kinds), "a chunk file's run before a file"
        frames = [
            pl.read_ipc(io.BytesIO(piece), columns=columns)
            for piece in pieces
            if isinstance(piece, bytes)
        ]
        paths = [piece for piece in pieces if isinstance(piece, str)]
        if paths:
            scan = pl.scan_ipc(paths)
            frames.append((scan if columns is None else scan.select(columns)).collect())
        if chunks is not None:
            frames.append(chunks)
        if not frames:
            out.append(pl.DataFrame(schema=schema))
        else:
            out.append(frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical"))
    return out


def _month_tasks(
    pieces: Mapping[str, Mapping[str, list[Piece]]],
    staging: Path,
    version: str,
    coding_counts: Mapping[str, int],
) -> Iterator[MonthTask]:
    """Each table's months in groups of about _TASK_BYTES of spooled rows."""
    for name, by_month in pieces.items():
        (staging / name).mkdir(mode=0o755)
        group: list[Month] = []
        size = 0
        for label, given in sorted(by_month.items()):
            documents = tuple(pieces["documents"].get(label, [])) if name == "mentions" else ()
            month = Month(label, tuple(given), str(staging / name / part_file(label)), documents)
            group.append(month)
            size += sum(map(_size, (*month.pieces, *documents)))
            if size >= _TASK_BYTES:
                yield MonthTask(name, tuple(group), version, _counts(name, coding_counts), size)
                group, size = [], 0
        if group:
            yield MonthTask(name, tuple(group), version, _counts(name, coding_counts), size)


def _size(piece: Piece) -> int:
    if isinstance(piece, Rows):
        return piece.size
    return len(piece) if isinstance(piece, bytes) else Path(piece).stat().st_size


def _counts(name: str, coding_counts: Mapping[str, int]) -> Mapping[str, int]:
    return coding_counts if name == "documents" else {}


def write_month(task: MonthTask) -> MonthDone:
    """A task's months of one table read, typed, sorted, checked and written, a file a month."""
    done, frames = _checked(task)
    for month, frame in zip(task.months, frames, strict=True):
        write.write_parquet(frame, Path(month.target), task.table, task.version)
    return done


def month_remotely(task: MonthTask) -> tuple[MonthDone, list[bytes]]:
    """write_month on a cluster's worker, the task's rows given as bytes: its Parquet files'
    bytes, a month each, for the client to write where they go."""
    done, frames = _checked(task)
    files = []
    for frame in frames:
        buffer = io.BytesIO()
        write.write_parquet(frame, buffer, task.table, task.version)
        files.append(buffer.getvalue())
    return done, files


def _checked(task: MonthTask) -> tuple[MonthDone, list[pl.DataFrame]]:
    """A task's months read, typed, sorted and checked: their frames, a month each."""
    frames = []
    for frame in _read_months([month.pieces for month in task.months], None):
        if task.table == "documents":
            frame = with_coding_counts(frame, task.coding_counts)
        frames.append(typed_table(task.table, frame))
    rows = pl.concat(frames, how="vertical", rechunk=False)
    suspect = bool(validate_frame(task.table, rows))
    if task.table == "mentions" and not suspect:
        suspect = _spans_fail(rows, [month.documents for month in task.months])
    return MonthDone(task.table, rows.height, suspect), frames


def _spans_fail(mentions: pl.DataFrame, documents_pieces: list[tuple[Piece, ...]]) -> bool:
    """Whether a mention lies outside its document or misquotes it (documents of the same
    months, a month's pieces each: a mention is in its document's month)."""
    columns = {"document_id": pl.String, "char_count": pl.Int64, "text": pl.String}
    documents = pl.concat(
        [
            frame.select(*columns)
            for frame in _read_months(documents_pieces, pl.Schema(columns), list(columns))
            if frame.width
        ]
        or [pl.DataFrame(schema=columns)],
        how="vertical",
    )
    spans = span_queries({"mentions": mentions, "documents": documents})
    return any(found.height for found in pl.collect_all([q.head(1) for *_, q in spans]))


def _run_months(
    pieces: Mapping[str, Mapping[str, list[Piece]]],
    staging: Path,
    version: str,
    coding_counts: Mapping[str, int],
    local: Local,
    cluster: Cluster | None,
) -> list[Result[MonthDone]]:
    """The month tasks of `pieces`' tables, submitted: on the cluster when there is one (each
    task's rows sent, its files' bytes written here as they come back: done when this returns),
    else to the pool, or run here when they are few. The largest first, so no worker is left
    with a big one at the end."""
    tasks = sorted(_month_tasks(pieces, staging, version, coding_counts), key=lambda t: -t.size)
    if cluster is not None:
        sent = (replace(task, months=tuple(map(_sent_month, task.months))) for task in tasks)
        done: list[Result[MonthDone]] = []
        for task, (month_done, files) in zip(
            tasks, windowed(cluster, month_remotely, sent), strict=True
        ):
            for month, data in zip(task.months, files, strict=True):
                Path(month.target).write_bytes(data)
            done.append(finished(month_done))
        return done
    here = Local(local.pool if len(tasks) >= _POOL_TASKS else None)
    return [here.submit(write_month, task) for task in tasks]


def _sent_month(month: Month) -> Month:
    return replace(month, pieces=_bytes(month.pieces), documents=_bytes(month.documents))
