"""The full build's tables written a month at a time, so no step holds the whole corpus.

The per-document frames stay on disk (the runner's spool and snapshot, scanned lazily) and flow:

1. shuffle: documents, claims and mentions rows to one spool file per month of their document's
   publication; per-document events and event_actors rows to one file per bucket of a hash of
   the event id (an event is reported by documents of several months);
2. merge: each bucket's events merged alone (`merged_events`, exact part by part), its merged
   events and event_actors routed to the month their event started;
3. months: each (table, month) read, typed and sorted by key, checked with its Pandera contract
   (and, for mentions, their spans against the same month's documents) and written as that
   month's Parquet file, in a process pool;
4. across months, on key columns only: primary keys unique, foreign keys resolve, every event
   and claim supported by a mention.

The peak is the largest month (or bucket) plus the streaming buffers and the key columns. The
files are those `write_release` writes from whole tables (`table_parts`), byte for byte. A check
that fails here only says that something is wrong: the build then reports the failures exactly
as the whole-table checks give them (pipeline.py), which needs the whole tables once.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from eventset.schema.contracts import dataframe_schema, polars_schema, typed_frame, validate_frame
from eventset.schema.integrity import foreign_key_queries, span_queries, support_queries
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

if TYPE_CHECKING:
    import pyarrow as pa

# Per-document events rows per bucket merged at once: a bucket's merge holds its rows a few
# times over, so this bounds that step's memory (~100 MB) whatever the corpus size.
_EVENT_ROWS_PER_BUCKET = 250_000
_POOL_TASKS = 2  # fewer month tasks than this are run in this process
# Spooled bytes of the months one task checks together (the rows in memory are about as many).
_TASK_BYTES = 32_000_000


@dataclass(frozen=True)
class Month:
    """One month of one table: its spooled rows, where its Parquet file goes, and (mentions)
    the same month's spooled documents rows, which their spans are checked against."""

    label: str
    pieces: tuple[str, ...]
    target: str
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class MonthTask:
    """Consecutive months of one table, checked together and written one file each: a task per
    month would pay the contract's fixed cost (tens of milliseconds) hundreds of times."""

    table: str
    months: tuple[Month, ...]
    version: str
    coding_counts: Mapping[str, int] = field(default_factory=dict)  # documents only


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
) -> Months:
    """Every table of the release from the per-document frames `parts` (on disk), written
    into `staging` one Parquet file per month (partitions.py); `spool`: a scratch folder."""
    spool.mkdir(parents=True, exist_ok=True)
    with _pool(jobs) as pool:
        pieces = {
            **_shuffle_by_document(parts, spool / "documents"),
            **_merged_by_month(parts, actors, places, merge, spool),
        }
        tasks = list(_month_tasks(pieces, staging, version, coding_counts))
        done = list(_run(tasks, pool))
    rows = {name: 0 for name in pieces}
    suspect = False
    for month in done:
        rows[month.table] += month.rows
        suspect |= month.suspect
    for name, frame in _whole_tables(actors, places).items():
        (staging / name).mkdir(mode=0o755)
        suspect |= bool(validate_frame(name, frame))
        write.write_parquet(frame, staging / name / TABLE_PART, name, version)
        rows[name] = frame.height
    for name in pieces:  # a table without rows is one empty file, as write_release writes it
        if not rows[name]:
            empty = _empty_table(name)
            suspect |= bool(validate_frame(name, empty))
            write.write_parquet(empty, staging / name / TABLE_PART, name, version)
    suspect = suspect or _fails_across_months(staging)
    written = {table.name: scan_staged(staging, table.name) for table in TABLES}
    documents = written["documents"].select(
        "document_id", "published", "text_sha256", "annotation_sha256"
    )
    events = written["events"].select("event_id", "date_start")
    return Months(
        {t.name: rows[t.name] for t in TABLES}, suspect, *pl.collect_all([documents, events])
    )


def _whole_tables(actors: ActorRegistry, places: PlaceRegistry) -> dict[str, pl.DataFrame]:
    """The tables that come from the registries and the vocabulary: small, written whole."""
    return {
        **registry_tables(actors, places),
        "countries": typed_table("countries", countries_table()),
    }


def _empty_table(name: str) -> pl.DataFrame:
    return typed_table(name, pl.DataFrame(schema=polars_schema(TABLES_BY_NAME[name])))


class _Router:
    """Rows appended to one Arrow IPC file per label under `folder`, as they come."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, tuple[Path, Any, pa.Schema]] = {}

    def add(self, frame: pl.DataFrame) -> None:
        """`frame`'s rows, each to the file of its PART label (the column is not written)."""
        import pyarrow.ipc as ipc

        for (label,), rows in frame.partition_by(PART, as_dict=True, include_key=False).items():
            table = rows.to_arrow()
            if label not in self.writers:
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"{label}.arrow"
                self.writers[str(label)] = (
                    path,
                    ipc.new_file(str(path), table.schema),
                    table.schema,
                )
            _, writer, schema = self.writers[str(label)]
            writer.write_table(table.cast(schema))

    def close(self) -> dict[str, list[str]]:
        """{label: its files}."""
        for _, writer, _ in self.writers.values():
            writer.close()
        return {label: [str(path)] for label, (path, _, _) in sorted(self.writers.items())}


def _shuffle_by_document(
    parts: Mapping[str, Spooled], spool: Path
) -> dict[str, dict[str, list[str]]]:
    """documents, claims, mentions rows by the month their document was published. A row whose
    document is missing goes to `undated`: the foreign key check reports it."""
    labels = (
        parts["documents"]
        .lazy()
        .select("document_id", month_label(pl.col("published")))
        .unique("document_id", keep="first")
        .collect()
    )
    out = {}
    for name in BY_DOCUMENT:
        router = _Router(spool / name)
        for batch in parts[name].batches():
            rows = batch.drop(KEY)
            if name == "documents":
                rows = rows.with_columns(month_label(pl.col("published")))
            else:
                rows = rows.join(labels, on="document_id", how="left", maintain_order="left")
            router.add(rows.with_columns(pl.col(PART).fill_null(UNDATED)))
        out[name] = router.close()
    return out


def _merged_by_month(
    parts: Mapping[str, Spooled],
    actors: ActorRegistry,
    places: PlaceRegistry,
    merge: MergeEvents,
    spool: Path,
) -> dict[str, dict[str, list[str]]]:
    """events and event_actors: per-document rows bucketed by a hash of the event id, each
    bucket merged alone, the merged rows routed to the month their event started."""
    reported = parts["events"].lazy().select(pl.len()).collect().item()
    buckets = max(1, math.ceil(reported / _EVENT_ROWS_PER_BUCKET))
    bucket = (pl.col("event_id").hash() % buckets).cast(pl.String).alias(PART)
    per_bucket = {}
    for name in BY_EVENT:
        router = _Router(spool / "buckets" / name)
        for batch in parts[name].batches():
            router.add(batch.drop(KEY).with_columns(bucket))
        per_bucket[name] = router.close()
    schemas = {name: _without_key(parts[name].schema) for name in BY_EVENT}
    routers = {name: _Router(spool / "months" / name) for name in BY_EVENT}
    for number in per_bucket["events"]:
        per_document, taking_part = (
            _read(per_bucket[name].get(number, []), schemas[name]) for name in BY_EVENT
        )
        events, event_actors = merge(per_document, taking_part, actors, places)
        labels = event_parts(events)
        for name, frame in (("events", events), ("event_actors", event_actors)):
            labelled = frame.join(labels, on="event_id", how="left", maintain_order="left")
            routers[name].add(labelled.with_columns(pl.col(PART).fill_null(UNDATED)))
        for name in BY_EVENT:  # the bucket is merged: its per-document rows are done with
            for spooled in per_bucket[name].get(number, []):
                Path(spooled).unlink()
    return {name: router.close() for name, router in routers.items()}


def _without_key(schema: pl.Schema) -> pl.Schema:
    return pl.Schema({name: dtype for name, dtype in schema.items() if name != KEY})


def _read(files: Iterable[str], schema: pl.Schema) -> pl.DataFrame:
    paths = list(files)
    if not paths:
        return pl.DataFrame(schema=schema)
    return pl.scan_ipc(paths).collect()


def _month_tasks(
    pieces: Mapping[str, Mapping[str, list[str]]],
    staging: Path,
    version: str,
    coding_counts: Mapping[str, int],
) -> Iterator[MonthTask]:
    """Each table's months in groups of about _TASK_BYTES of spooled rows."""
    for name, by_month in pieces.items():
        (staging / name).mkdir(mode=0o755)
        group: list[Month] = []
        size = 0
        for label, files in sorted(by_month.items()):
            documents = tuple(pieces["documents"].get(label, [])) if name == "mentions" else ()
            month = Month(label, tuple(files), str(staging / name / part_file(label)), documents)
            group.append(month)
            size += sum(Path(path).stat().st_size for path in (*month.pieces, *documents))
            if size >= _TASK_BYTES:
                yield MonthTask(name, tuple(group), version, _counts(name, coding_counts))
                group, size = [], 0
        if group:
            yield MonthTask(name, tuple(group), version, _counts(name, coding_counts))


def _counts(name: str, coding_counts: Mapping[str, int]) -> Mapping[str, int]:
    return coding_counts if name == "documents" else {}


def write_month(task: MonthTask) -> MonthDone:
    """A task's months of one table read, typed, sorted, checked and written, a file a month."""
    frames = []
    for month in task.months:
        frame = pl.scan_ipc(list(month.pieces)).collect()
        if task.table == "documents":
            frame = with_coding_counts(frame, task.coding_counts)
        frames.append(typed_table(task.table, frame))
    rows = pl.concat(frames, how="vertical", rechunk=False)
    suspect = bool(validate_frame(task.table, rows))
    if task.table == "mentions" and not suspect:
        suspect = _spans_fail(rows, [path for month in task.months for path in month.documents])
    for month, frame in zip(task.months, frames, strict=True):
        write.write_parquet(frame, Path(month.target), task.table, task.version)
    return MonthDone(task.table, rows.height, suspect)


def _spans_fail(mentions: pl.DataFrame, documents_pieces: list[str]) -> bool:
    """Whether a mention lies outside its document or misquotes it (documents of the same
    months: a mention is in its document's month)."""
    columns = {"document_id": pl.String, "char_count": pl.Int64, "text": pl.String}
    documents = pl.DataFrame(schema=columns)
    if documents_pieces:
        documents = pl.scan_ipc(documents_pieces).select(*columns).collect()
    spans = span_queries({"mentions": mentions, "documents": documents})
    return any(found.height for found in pl.collect_all([q.head(1) for *_, q in spans]))


def _warm() -> None:
    """Imports pandera and builds the contracts in a pool's worker while this process shuffles."""
    for table in TABLES:
        dataframe_schema(table.name)


@contextlib.contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """`jobs` worker processes, started (and importing pandera) at once; None for one job."""
    if jobs <= 1:
        yield None
        return
    # spawn, not fork: polars runs a thread pool, and a forked child can inherit it mid-lock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        for _ in range(jobs):
            pool.submit(_warm)
        yield pool


def _run(tasks: list[MonthTask], pool: ProcessPoolExecutor | None) -> Iterator[MonthDone]:
    """The month tasks, in the pool when there is one: the tail of a build (sorting, the
    contracts, Parquet) then uses every core."""
    if pool is None or len(tasks) < _POOL_TASKS:
        yield from map(write_month, tasks)
        return
    # The largest first, so no worker is left with a big one at the end.
    ordered = sorted(tasks, key=lambda task: -sum(len(month.pieces) for month in task.months))
    yield from pool.map(write_month, ordered)


def scan_staged(staging: Path, name: str) -> pl.LazyFrame:
    """One table's written files in `staging`, as one lazy frame (rows in file order)."""
    files = sorted(str(path) for path in (staging / name).glob("*.parquet"))
    return pl.scan_parquet(files)


def _fails_across_months(staging: Path) -> bool:
    """Whether a check across months fails, over the written files' key columns: a primary key
    repeated in two months, a foreign key that does not resolve, an event or claim no mention
    supports. (event_actors rows of one event share its month, so their key cannot repeat
    across months.)"""
    tables = {table.name: scan_staged(staging, table.name) for table in TABLES}
    repeated = [
        tables[table.name]
        .group_by(table.primary_key[0])
        .len()
        .filter(pl.col("len") > 1)
        .select(pl.col(table.primary_key[0]).alias("value"))
        for table in TABLES
        if len(table.primary_key) == 1
    ]
    queries = [q for *_, q in foreign_key_queries(tables) + support_queries(tables)]
    found = pl.collect_all([q.head(1) for q in [*repeated, *queries]], engine="streaming")
    return any(frame.height for frame in found)


def staged_tables(staging: Path) -> dict[str, pl.DataFrame]:
    """The release's whole tables read back from `staging`, typed and sorted by key, as the
    in-memory assembly gives them: what the extra files (metadata, card) are written from."""
    tables = {}
    for table in TABLES:
        frames = [
            typed_frame(table, pl.read_parquet(path))
            for path in sorted((staging / table.name).glob("*.parquet"))
        ]
        tables[table.name] = pl.concat(frames, how="vertical").sort(list(table.primary_key))
    return tables
