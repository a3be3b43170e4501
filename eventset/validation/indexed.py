"""Checking a few files against the cache's index of the corpus, instead of reading the corpus.

The snapshot of the last cached run (cache.py) already holds, for every annotation, the ids it
defines and uses (`references`) and the facts of the events it reports (`event_facts`), with
the stat signature of its files. `validate FILE` then needs to read only the files whose
signature changed since (those are parsed again, and their rows replace the snapshot's) and the
rows that share an id with the files asked about. Every corpus check about those files sees
every row it compares them with, so the report is what a full validation gives for them (a
property test compares the two).

Of the seeds, only the files asked about are read (with their own seeds); no other seed's stat
signature is listed, only the annotations' (`repository.list_annotations`). A file's verdict
depends on another document only through the corpus checks, which read of that document its
`references` and `event_facts` rows; `process_document` makes those from the annotation alone,
before it reads the seed. What it adds once the seed is read (the meaning checks' references
left to the registries, the compiled tables) gives problems in that document only, which this
command does not report. So the snapshot's rows of a document whose annotation is unchanged
are current whatever its seed holds now. What a full validation reports of the seeds folder
wherever it is (E111: an entry that is a link, or named like a seed and not a regular file)
comes from a listing of the folder's names and kinds, which needs no stat of each file
(`scan.others`). A property test edits other documents' seeds after the snapshot and compares.

When the snapshot is missing, damaged, from another version of the code, or out of date for
more than a few files (a fresh clone that restored someone else's cache), this declines and the
caller checks the files through the repository instead.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eventset.inputs.layout import Layout
from eventset.problems import Problem
from eventset.validation.cache import (
    KEY,
    SHARED_KINDS,
    SHARED_REFERENCES,
    Snapshot,
    default_cache_dir,
)
from eventset.validation.corpus_checks import Registries, check_corpus
from eventset.validation.document import problems_from_json
from eventset.validation.ids import did_you_mean
from eventset.validation.registry_verdicts import checked_registries
from eventset.validation.repository import (
    Locator,
    Validation,
    list_annotations,
    restrict,
    tasks_of,
    with_seeds,
)
from eventset.validation.runner import (
    LISTING_SCHEMA,
    Batch,
    corpus_snapshot,
    run_documents,
)
from eventset.validation.spooled import DocumentKeys

# Beyond this many files changed since the snapshot, parsing them costs more than the search
# through the repository that replaces the index.
MAX_STALE = 64


# A lookup in the snapshot reads the looked-up column whole (a hundredth of a second or two),
# then only the rows that hold a match. polars reads a stretch of rows for about 3 ms whatever
# its length (the file's footer, the document keys' dictionary once a record batch), so a few
# stretches, matches closer than _GAP rows sharing one, are read that way; more matches (an
# edited place reaches every event there, scattered over the corpus) are taken one by one from
# the record batches that hold them through pyarrow's memory map, about 0.3 ms a row with the
# keys decoded once; beyond a row in _WHOLE_EVERY, one pass over the whole frame (about 1 µs a
# row, most of it the keys) is cheaper. Measured with polars 2.1, pyarrow 26, 100,000 documents.
_GAP = 2048
_FEW_READS = 8
_WHOLE_EVERY = 300
# Unless pyarrow is imported already (a rebuild writes Parquet with it), the rows one by one cost
# its import too, about a tenth of a second: up to this many stretches are read through polars.
# In the synthetic corpus of 100,000 documents, 5 to 8% of the files need 9 to 11 stretches.
_FEW_READS_WITHOUT_PYARROW = 40


class CorpusView:
    """The corpus's per-document rows as of now: the snapshot's rows of the documents whose
    files are unchanged since it (`kept`, their keys; `index`: the snapshot's index), and the
    rows of the documents parsed now (`fresh`) in place of their snapshot rows."""

    def __init__(
        self, snapshot: Snapshot, index: pl.DataFrame, kept: pl.Series, fresh: Batch
    ) -> None:
        kept_keys = kept.cast(pl.String).implode()
        stale = index.select(KEY).filter(~pl.col(KEY).is_in(kept_keys)).get_column(KEY)
        self._start(snapshot, stale, fresh)

    @classmethod
    def apart(cls, snapshot: Snapshot, stale: pl.Series, fresh: Batch) -> CorpusView:
        """The view given the snapshot's keys out of date (`Comparison.stale_keys`) instead of
        the keys kept: found with the listing's comparison, no set of every key kept is made."""
        view = cls.__new__(cls)
        view._start(snapshot, stale, fresh)
        return view

    def _start(self, snapshot: Snapshot, stale: pl.Series, fresh: Batch) -> None:
        self.snapshot, self.fresh = snapshot, fresh
        # A snapshot row is current unless its document is out of date or parsed now: those
        # keys are few, and testing a row against them is far cheaper than against every key
        # kept (a hash set of 100,000 keys built for each read).
        fresh_keys = fresh.files.get_column(KEY)
        excluded = pl.concat([stale.cast(pl.String), fresh_keys]).unique().implode()
        self._current = ~pl.col(KEY).is_in(excluded)
        self._every_event: set[str] | None = None

    def rows(
        self,
        name: str,
        column: str,
        values: Iterable[str],
        where: pl.Expr | None = None,
        cached_in: str | None = None,
    ) -> pl.DataFrame:
        """Every current row of frame `name` whose `column` is one of `values` and for which
        `where` holds, the fresh ones first; the snapshot's are read from its frame `cached_in`
        (a part of `name`) when given. Raises OSError or PolarsError when the snapshot cannot
        be read."""
        wanted = sorted(set(values))
        keep = pl.col(column).is_in(wanted)
        if where is not None:
            keep &= where
        fresh = self.fresh.frames[name].filter(keep)
        cached = self.cached(cached_in or name, column, wanted, keep)
        return pl.concat([fresh, cached.select(fresh.columns)], how="vertical")

    def cached(self, name: str, column: str, values: list[str], keep: pl.Expr) -> pl.DataFrame:
        """The snapshot's current rows of frame `name` for which `keep` holds, in the frame's
        order; `keep` holds only where `column` is one of `values`. Only the stretches of rows
        holding one of `values` are read."""
        path = self.snapshot.directory / f"{name}.arrow"
        every = pl.read_ipc(path, columns=[column], row_index_name="_row")
        found = every.filter(pl.col(column).is_in(values)).get_column("_row")
        rows = found.to_list()
        if not rows:
            return pl.DataFrame(schema=pl.read_ipc_schema(path))
        reads = _stretches(rows)
        if len(reads) <= _few_reads():
            scan = self.snapshot.scan(name)
            parts = [scan.slice(start, end - start).collect() for start, end in reads]
            return pl.concat(parts, how="vertical").filter(keep).filter(self._current)
        if len(rows) * _WHOLE_EVERY <= every.height:
            return rows_of(path, rows).filter(keep).filter(self._current)
        return self.snapshot.scan(name).filter(keep).filter(self._current).collect()

    def every(self, name: str, column: str) -> pl.Series:
        """`column` of every current row of frame `name`, the fresh ones first."""
        fresh = self.fresh.frames[name].get_column(column)
        cached = self.snapshot.scan(name).filter(self._current).select(column).collect()
        return pl.concat([fresh, cached.get_column(column)])

    def corpus_problems(
        self, registries: Registries, layout: Layout, also: Iterable[str] = ()
    ) -> list[Problem]:
        """The corpus checks over the fresh documents and every document that shares an event or
        claim id with them (or one of the ids in `also`): complete for every problem about those
        ids and about the fresh documents' references to the registries."""
        refs, facts = self.fresh.frames["references"], self.fresh.frames["event_facts"]
        ids = set(also) | set(facts.get_column("event_id").to_list())
        ids |= set(refs.filter(pl.col("kind").is_in(SHARED_KINDS)).get_column("id").to_list())
        id_list = sorted(ids)
        shared = pl.col("kind").is_in(SHARED_KINDS) & pl.col("id").is_in(id_list)
        # Every fresh reference; of the snapshot's, those sharing an id (a snapshot row of a
        # fresh file is never current: that document's rows are the fresh ones).
        cached = self.cached(
            # Older snapshots lack the shared part: then the references are searched.
            SHARED_REFERENCES if self.snapshot.has(SHARED_REFERENCES) else "references",
            "id",
            id_list,
            shared,
        )
        refs = pl.concat([refs, cached.select(refs.columns)], how="vertical")
        facts = self.rows("event_facts", "event_id", id_list)
        return list(check_corpus(refs, facts, registries, Locator(layout), self.suggest_event))

    def suggest_event(self, wrong: str, _defined: set[str]) -> str | None:
        """The hint of a full validation for an unknown event: the nearest id any annotation
        defines (read only when an annotation uses an unknown event)."""
        if self._every_event is None:
            self._every_event = set(self.every("event_facts", "event_id").unique().to_list())
        return did_you_mean(wrong, self._every_event)

    def fresh_files(self) -> list[str]:
        return self.fresh.files.get_column("file").to_list()


def rows_of(path: Path, rows: list[int]) -> pl.DataFrame:
    """Rows `rows` (ascending numbers) of an Arrow IPC file of the cache, as polars reads the
    file: each sliced from the record batch that holds it (through a memory map, so only those
    batches are read), the document key column decoded through its dictionary once."""
    import pyarrow as pa  # here: checking one file imports no pyarrow when it needs none
    import pyarrow.ipc as ipc

    source = pa.memory_map(str(path))
    try:
        reader = ipc.open_file(source)
        starts, at = [], 0
        for i in range(reader.num_record_batches):
            starts.append(at)
            at += reader.get_batch(i).num_rows
        at_key = reader.schema.get_field_index(KEY)
        keys = DocumentKeys(pl.Categorical())
        pieces, key_parts = [], []
        for row in rows:
            number = bisect.bisect_right(starts, row) - 1
            piece = reader.get_batch(number).slice(row - starts[number], 1)
            key_parts.append(keys.decode(piece.column(at_key)))
            pieces.append(piece.remove_column(at_key))
        # One chunk a column, not one a row. A buffer still in the map keeps it mapped after
        # `close` (Arrow counts the references to the mapped region).
        table = pa.Table.from_batches(pieces, schema=reader.schema.remove(at_key)).combine_chunks()
        frame = pl.DataFrame(pl.from_arrow(table))
    finally:
        source.close()
    return frame.insert_column(at_key, pl.concat(key_parts))


def _few_reads() -> int:
    """How many stretches are read through polars before the rows are taken one by one."""
    return _FEW_READS if "pyarrow" in sys.modules else _FEW_READS_WITHOUT_PYARROW


def _stretches(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as [start, end) stretches, rows closer than _GAP in one."""
    stretches: list[tuple[int, int]] = []
    for row in rows:
        if stretches and row - stretches[-1][1] < _GAP:
            stretches[-1] = (stretches[-1][0], row + 1)
        else:
            stretches.append((row, row + 1))
    return stretches


@dataclass(frozen=True)
class Comparison:
    """The listing against the snapshot's index, in one join: the listed files whose signature
    changed or that the index lacks (`stale`, listing rows in name order), the index's keys no
    longer current (`stale_keys`: their files changed or are gone), and the problems (JSON) of
    the current entries that hold an unreadable file (E111)."""

    stale: pl.DataFrame
    stale_keys: pl.Series
    unreadable: list[str]


def compare(listing: pl.DataFrame, index: pl.DataFrame, *, seeds: bool = True) -> Comparison:
    """What `runner.split_listing` and the keys it keeps say, without a set of every key kept:
    one full join on the file name (a hash set of 100,000 keys and a filter over the index
    with it cost as much again). `seeds` False: the listing is `list_annotations`', whose
    signatures are the annotations' own, and an entry is current when its annotation is."""
    known = index.select("file", KEY, "problems", pl.col("signature").alias("_known"))
    joined = listing.join(known, on="file", how="full", coalesce=True, maintain_order="left_right")
    if seeds:
        same = (pl.col("signature") == pl.col("_known")).fill_null(False)
    else:  # "version:annotation:" begins "version:annotation:seed"
        same = pl.col("_known").str.starts_with(pl.col("signature")).fill_null(False)
    unreadable = joined.filter(same & pl.col("problems").str.contains('"E111"', literal=True))
    return Comparison(
        joined.filter(~same & pl.col("annotation").is_not_null()).select(list(LISTING_SCHEMA)),
        joined.filter(~same & pl.col(KEY).is_not_null()).get_column(KEY),
        unreadable.get_column("problems").to_list(),
    )


def validate_with_index(root: Path, wanted: set[str], targets: Sequence[Path]) -> Validation | None:
    """What a full validation reports for the `wanted` annotations (repository-relative names),
    or None when the cache cannot vouch for the rest of the corpus."""
    layout = Layout(root)
    snapshot = corpus_snapshot(default_cache_dir(), layout.root)
    index = snapshot.load_index()
    if index is None:
        return None
    result = Validation()
    registries = checked_registries(layout, result)
    # Without the seeds' signatures (module docstring): only the annotations' are compared.
    annotations = list_annotations(layout, result)
    listing = annotations.listing
    # result.annotation_files is left empty: only `--changed` reads it, never from this path,
    # and 100,000 names as Python strings cost a tenth of a second.
    comparison = compare(listing, index, seeds=False)
    if comparison.stale.height > MAX_STALE:
        return None
    # The files asked about are always parsed, seeds and all: their own problems come from
    # their bytes.
    parse = {*comparison.stale.get_column("file").to_list(), *wanted}
    tasks = with_seeds(
        tasks_of(listing.filter(pl.col("file").is_in(sorted(parse)))), annotations.seeds_listed
    )
    batch = run_documents(tasks, root=layout.root)
    view = CorpusView.apart(snapshot, comparison.stale_keys, batch)
    try:
        corpus = view.corpus_problems(registries, layout)
    except (OSError, pl.exceptions.PolarsError):
        return None  # a damaged snapshot is never trusted
    result.files_checked += len(tasks)
    result.processed = batch.processed
    result.problems += batch.problems
    # A file that cannot be read is reported wherever it is, as a full validation does.
    for text in comparison.unreadable:
        result.problems += [p for p in problems_from_json(text) if p.code == "E111"]
    result.problems += corpus
    restrict(result, root, targets)
    return result
