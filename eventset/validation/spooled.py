"""A per-document frame kept on disk: Arrow IPC files, read one record batch at a time.

A full build never concatenates the corpus's rows (release/months.py): the workers' chunk files
and the snapshot stay where they are, and whatever reads them takes one record batch at a time
through pyarrow. polars' streaming engine over IPC files held about four times a file's size
(a 612 MB frame of mentions peaked at 814 MB to iterate, against 189 MB batch by batch; polars
2.1, 2026-12), so the reading is done here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import pyarrow as pa

    from eventset.release.routes import Route

from eventset.validation.cache import KEY, OneOf
from eventset.validation.snapshot_keys import KeyCodes

_GROUP_BYTES = 48_000_000
# A few columns of each record batch hold the whole batch as read (pyarrow reads a batch's body
# into one buffer, and polars' strings point into it): their frames are grouped smaller, or a
# group held about three times its size (the corpus checks' read of the references at 100,000
# documents peaked 330 MB above the start in groups of 48 MB, 130 MB in groups of 8 MB).
_GROUP_BYTES_OF_COLUMNS = 8_000_000
_FILES_A_QUERY = 256  # Spooled.select: under polars' 512 blocking threads


@dataclass(frozen=True)
class Spooled:
    """One frame: `files` in order, each read whole, after `snapshot`'s rows whose document key
    is in `keep` (the snapshot's entries still current). `schema`: the frame's. `routes`: for a
    table of the release, which rows of each of `files` go to which of its files (the rows
    grouped by it: release/routes.py); empty for the other frames."""

    schema: pl.Schema
    files: tuple[str, ...] = ()
    snapshot: str | None = None
    keep: pl.Series | None = None
    routes: tuple[Route, ...] = ()

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
        """The rows in order, in frames of about _GROUP_BYTES: a chunk's record batch is small
        (1,024 documents), and each frame handed on costs a join or a write of its own. With
        `columns`, only those are read (the others are never converted from Arrow)."""
        group: list[pl.DataFrame] = []
        size = 0.0
        limit = _GROUP_BYTES if columns is None else _GROUP_BYTES_OF_COLUMNS
        for frame in self._record_batches(columns):
            group.append(frame)
            size += frame.estimated_size()
            if size >= limit:
                yield pl.concat(group, how="vertical", rechunk=False)
                group, size = [], 0.0
        if group:
            yield pl.concat(group, how="vertical", rechunk=False)

    def _record_batches(self, columns: Sequence[str] | None) -> Iterator[pl.DataFrame]:
        import pyarrow.ipc as ipc

        schema = self.schema if columns is None else pl.Schema({c: self.schema[c] for c in columns})
        sources = ([self.snapshot] if self.snapshot is not None else []) + list(self.files)
        for number, path in enumerate(sources):
            keep = self.keep if number == 0 and self.snapshot is not None else None
            # The document key is read only when asked for or filtered on.
            read = None if columns is None else [*columns, *([KEY] if keep is not None else [])]
            read = None if read is None else list(dict.fromkeys(read))
            keys = DocumentKeys(self.schema.get(KEY, pl.Categorical()), keep)
            with ipc.open_file(path) as reader:
                for i in range(reader.num_record_batches):
                    batch = reader.get_batch(i)
                    frame = keys.frame(batch if read is None else batch.select(read))
                    if frame.height:
                        yield frame.select(schema.names()).cast(schema)

    def select(self, *columns: str | pl.Expr) -> pl.DataFrame:
        """A few columns of every row, by polars queries over at most _FILES_A_QUERY files each
        (the snapshot first): a query opens each of its files in a thread of its own, and past
        512 of them polars warns "this may indicate a deadlock" (a million documents' chunk
        files are 977). Far cheaper than `columns` over chunk files of a batch a label each:
        the state's key columns of 100,000 documents took 6.8 s that way."""
        scans = self._scans()
        groups = [scans[at : at + _FILES_A_QUERY] for at in range(0, len(scans), _FILES_A_QUERY)]
        return pl.concat(
            [
                pl.concat(group, how="vertical", rechunk=False).select(*columns).collect()
                for group in groups
            ],
            how="vertical",
            rechunk=False,
        )

    def _scans(self) -> list[pl.LazyFrame]:
        cached = self._snapshot_scan()
        scans = [pl.DataFrame(schema=self.schema).lazy(), *([] if cached is None else [cached])]
        return scans + [pl.scan_ipc(path) for path in self.files]

    def _snapshot_scan(self) -> pl.LazyFrame | None:
        """The snapshot's rows whose document key is kept, lazily; None without a snapshot."""
        if self.snapshot is None:
            return None
        cached = pl.scan_ipc(self.snapshot)
        if self.keep is not None:
            cached = cached.filter(pl.col(KEY).is_in(self.keep.implode()))
        return cached

    def height(self) -> int:
        """How many rows: the snapshot's kept rows counted by a query, each file's from its
        batches' headers (a thousand chunk files in 0.17 s, where `select(pl.len())` took
        1.15 s)."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        cached = self._snapshot_scan()
        rows = 0 if cached is None else int(cached.select(pl.len()).collect().item())
        for path in self.files:
            with pa.memory_map(path) as source:
                rows += ipc.open_file(source).count_rows()
        return rows

    def columns(self, *columns: str | pl.Expr) -> pl.DataFrame:
        """A few columns of every row, read a batch at a time (only the columns they name)."""
        exprs = [pl.col(c) if isinstance(c, str) else c for c in columns]
        read = list(dict.fromkeys(name for e in exprs for name in e.meta.root_names()))
        empty = pl.DataFrame(schema=self.schema).select(*exprs)
        parts = [empty, *(batch.select(*exprs) for batch in self.batches(read))]
        return pl.concat(parts, how="vertical", rechunk=False)

    def collect(self) -> pl.DataFrame:
        # Not rechunked: the batches become the frame's chunks, never copied into a second one.
        parts = [pl.DataFrame(schema=self.schema), *self.batches()]
        return pl.concat(parts, how="vertical", rechunk=False)

    def write(self, keys: KeyCodes, targets: Mapping[Path, OneOf | None]) -> None:
        """The rows into one Arrow IPC file for each of `targets` (only the rows its `OneOf`
        holds for, where given), in one pass over the sources a record batch at a time and in
        Arrow alone: a record batch of the sources is one of each file, in the same order.
        `keys`: every document key the rows may carry. An IPC file holds one dictionary per
        column, never one a batch: the document key column is written against `keys` (one
        KeyCodes for every frame: making it costs a Python dict of every key)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.ipc as ipc

        schema = pl.DataFrame(schema=self.schema).to_arrow().schema
        keys.of_type(schema.field(KEY).type)
        value_sets = {
            where: pa.array(where.values, schema.field(where.column).type)
            for where in targets.values()
            if where is not None
        }
        with contextlib.ExitStack() as stack:
            writers = [
                (stack.enter_context(ipc.new_file(str(path), schema)), where)
                for path, where in targets.items()
            ]
            for batch in self._arrow_batches(schema, keys):
                for writer, where in writers:
                    rows = batch
                    if where is not None:
                        column = batch.column(where.column)
                        rows = batch.filter(pc.is_in(column, value_set=value_sets[where]))
                    if rows.num_rows:
                        writer.write_batch(rows)

    def _arrow_batches(self, schema: pa.Schema, codes: KeyCodes) -> Iterator[pa.RecordBatch]:
        """The rows as record batches of `schema`, the document keys coded by `codes` (the
        snapshot's rows of keys not in `keep` dropped), each source read through a memory map."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        at = schema.get_field_index(KEY)
        others = schema.remove(at)
        sources = ([self.snapshot] if self.snapshot is not None else []) + list(self.files)
        for number, path in enumerate(sources):
            codes.begin(self.keep if number == 0 and self.snapshot is not None else None)
            with pa.memory_map(path) as source:
                reader = ipc.open_file(source)
                batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
                if number > 0 or self.snapshot is None:
                    # A chunk file holds a batch a month (release/routes.py): written as one,
                    # the snapshot keeps a batch a chunk, as a warm build reads it.
                    batches = [pa.concat_batches(batches)] if batches else []
                for batch in batches:
                    key, kept = codes.column(batch.column(KEY))
                    rest = batch.select(others.names)
                    # polars writes string views, which pyarrow 26 cannot filter: cast first.
                    if not rest.schema.equals(others):
                        rest = rest.cast(others)
                    if kept is not None:
                        rest = rest.filter(kept)
                    if len(key):
                        columns = [*rest.columns[:at], key, *rest.columns[at:]]
                        yield pa.RecordBatch.from_arrays(columns, schema=schema)


def of_frame(frame: pl.DataFrame, path: Path) -> Spooled:
    """A frame written to `path`, as spooled (tests, and frames that arrive in memory)."""
    frame.write_ipc(path)
    return Spooled(frame.schema, (str(path),))


class DocumentKeys:
    """The document keys of one Arrow IPC file, converted to polars once. The file holds one
    dictionary of keys for all its record batches (a snapshot's: every key of the corpus), and
    polars converted that whole dictionary again for every batch: 5 ms a batch at 100,000
    documents, about 50 ms at a million, for each of several thousand batches of each frame.
    `keep`: the keys of the rows to keep (None: every row)."""

    def __init__(self, dtype: pl.DataType, keep: pl.Series | None = None) -> None:
        self.dtype, self.keep = dtype, keep
        self.source: tuple[int, ...] = ()
        self.values = pl.Series(dtype=dtype)
        self.kept = pl.Series(dtype=pl.Boolean())

    def frame(self, batch: pa.RecordBatch) -> pl.DataFrame:
        import pyarrow as pa

        at = batch.schema.get_field_index(KEY)
        if at < 0 or not pa.types.is_dictionary(batch.schema.field(at).type):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            if self.keep is not None:
                frame = frame.filter(pl.col(KEY).is_in(self.keep.implode()))
            return frame
        column = batch.column(at)
        codes = self._codes(column)
        rest = pl.from_arrow(batch.remove_column(at))
        assert isinstance(rest, pl.DataFrame)
        keys = self.values.gather(codes).alias(KEY)
        frame = rest.insert_column(at, keys) if rest.width else keys.to_frame()
        return frame if self.keep is None else frame.filter(self.kept.gather(codes))

    def decode(self, column: pa.DictionaryArray) -> pl.Series:
        """A dictionary-encoded key column as polars keys of `dtype` (every row: `keep` is
        not applied)."""
        codes = self._codes(column)  # first: it may replace `values` (another dictionary)
        return self.values.gather(codes).alias(KEY)

    def _codes(self, column: pa.DictionaryArray) -> pl.Series:
        self._convert(column.dictionary)
        codes = pl.from_arrow(column.indices)
        assert isinstance(codes, pl.Series)
        return codes

    def _convert(self, dictionary: pa.Array) -> None:
        # The same dictionary is the same buffers: compared by address, never by content.
        source = (len(dictionary), *(b.address for b in dictionary.buffers() if b is not None))
        if source == self.source:
            return
        values = pl.from_arrow(dictionary)
        assert isinstance(values, pl.Series)
        self.source, self.values = source, values.cast(self.dtype)
        if self.keep is not None:
            self.kept = values.cast(pl.String).is_in(self.keep.implode())
