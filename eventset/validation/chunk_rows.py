"""A chunk's rows: gathered a document at a time as the compiler made them, columns once a chunk.

A worker processes documents a chunk at a time (runner.process_chunk) and writes each table's
rows of the chunk to one Arrow IPC file. The compiler makes most tables' rows as tuples
(tables/compile.py), gathered here with one list extend a table a document, beside the document
each came from, and transposed once the chunk is in; mentions, references and event facts are
made a column at a time, and gathered a list extend a column. A build's chunk files
(`write_arrow`) are made in Arrow straight from those columns, the release's tables' rows
grouped by the file they go to (release/routes.py), a record batch a label; a validation's
(`columns_of`, made into polars frames by runner.frame_of) never import pyarrow. Both hold the
values polars makes of the column lists (frame_of), which the tests pin
(tests/validation/test_chunk_rows.py).

Where the time went before (py-spy, a cold build of 100,000 documents): a list extended a
column a document (5.3 s of the workers' 84), polars Series built from those lists (3.9 s), the
routed frames sorted by polars, converted to Arrow and copied whole once more (2.7 s).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import polars as pl

from eventset.tables.compile import COLUMNS, Columns, Rows, row_schema
from eventset.validation.cache import KEY
from eventset.validation.document import EVENT_FACT_COLUMNS, REFERENCE_COLUMNS, DocumentResult

if TYPE_CHECKING:
    import pyarrow as pa

    from eventset.release.routes import Route

# Tables compiled from the documents, then the two tables of what they refer to.
FRAME_NAMES = (*COLUMNS, "references", "event_facts")
_REFERENCE_TABLES = {"references": REFERENCE_COLUMNS, "event_facts": EVENT_FACT_COLUMNS}
# The tables a document's result holds as column lists (DocumentResult.columns), the others as
# rows (DocumentResult.rows).
_BY_COLUMN = {"mentions": COLUMNS["mentions"], **_REFERENCE_TABLES}

# The document key on every row of every frame is a Categorical: each key repeats on all of its
# document's rows, and as a string it was a quarter of the corpus's memory (300 MB at 100,000
# documents); as a category it is four bytes a row.
KEY_TYPE = pl.Categorical()


def table_schema(name: str) -> pl.Schema:
    """The polars schema of frame `name`'s columns, without the document key."""
    if name in _REFERENCE_TABLES:
        return pl.Schema(dict.fromkeys(_REFERENCE_TABLES[name], pl.String()))
    return row_schema(name)


@functools.cache
def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of frame `name`'s chunk files: what polars' to_arrow makes of the frame
    (plain large strings, not views; the key a dictionary with polars' Categorical metadata), so
    every reader gets what it got from polars-made files."""
    return pl.DataFrame(schema={**table_schema(name), KEY: KEY_TYPE}).to_arrow().schema


class ChunkRows:
    """The rows of a chunk's documents, a table at a time, and the document each row is of."""

    def __init__(self) -> None:
        self.keys: list[str] = []  # the documents with rows, in order
        self.rows: dict[str, Rows] = {name: [] for name in COLUMNS if name not in _BY_COLUMN}
        self.columns: dict[str, Columns] = {
            name: {column: [] for column in columns} for name, columns in _BY_COLUMN.items()
        }
        # Each table's runs of rows: (the document's position in `keys`, its number of rows).
        self.runs: dict[str, list[tuple[int, int]]] = {name: [] for name in FRAME_NAMES}
        self._dictionary: pa.Array | None = None  # the keys as Arrow: every file's dictionary
        self._document_labels: pl.DataFrame | None = None  # the documents rows' labels

    def add(self, key: str, result: DocumentResult) -> None:
        """A document's rows (none when it does not parse)."""
        if not result.columns and not result.rows:
            return
        at = len(self.keys)
        self.keys.append(key)
        for name, rows in result.rows.items():
            if rows:
                self.rows[name] += rows
                self.runs[name].append((at, len(rows)))
        for name, columns in result.columns.items():
            count = len(columns[_BY_COLUMN[name][0]])
            if count:
                for values, more in zip(self.columns[name].values(), columns.values(), strict=True):
                    values += more
                self.runs[name].append((at, count))

    def names(self) -> Iterator[str]:
        """The frames with rows, in FRAME_NAMES order."""
        return (name for name in FRAME_NAMES if self.runs[name])

    def columns_of(self, name: str) -> Columns:
        """Frame `name` as column lists with the document key (runner.frame_of makes the frame),
        the rows in the documents' order."""
        keys = self.keys
        owners = [keys[at] for at, count in self.runs[name] for _ in range(count)]
        return {**self._values(name), KEY: owners}

    def _values(self, name: str) -> Columns:
        if name in self.columns:
            return self.columns[name]
        names, rows = COLUMNS[name], self.rows[name]
        # One transpose a chunk, in C; every row has len(names) values (compile.py's `_fields`).
        return dict(zip(names, map(list, zip(*rows, strict=False)), strict=True))

    def write_arrow(
        self, name: str, sink: str | BinaryIO, compression: str | None = None
    ) -> Route | None:
        """Frame `name` as an Arrow IPC file: one record batch, or for a table of the release
        (routes.ROUTED), a record batch a label of the files its rows go to (a label's rows in
        the documents' order) and, returned, which batch holds which label. `compression`: the
        IPC buffers' codec ("lz4"), for a spool that would not stay in memory (runner.py's
        spool_compression). A validation's frames (not routed) are made by runner.frame_of,
        without pyarrow."""
        import numpy as np  # here, not at the top: a validation never imports it (0.065 s)
        import pyarrow as pa
        import pyarrow.ipc as ipc

        from eventset.release import routes

        schema, types = arrow_schema(name), table_schema(name)
        values = self._values(name)
        arrays = [
            _arrow_array(values[column], types[column], schema.field(column).type)
            for column in types
        ]
        # The same dictionary for all of a chunk's files: the snapshot's write maps it once
        # (snapshot_keys.py).
        if self._dictionary is None:
            self._dictionary = pl.Series(self.keys, dtype=pl.String()).to_arrow()
        documents, counts = zip(*self.runs[name], strict=True)
        codes = np.repeat(np.array(documents, np.uint32), counts)  # a row's document, in C
        keys = pa.DictionaryArray.from_arrays(pl.Series(codes).to_arrow(), self._dictionary)
        batch = pa.RecordBatch.from_arrays([*arrays, keys], schema=schema)
        route_of: Route | None = None
        if name in routes.ROUTED:
            if name == "documents":
                self._document_labels = routes.document_labels(
                    _polars(batch, "document_id", "published")
                )
            order, route_of = routes.order_of(
                name, _polars(batch, *routes.LABELLED_BY[name]), self._document_labels
            )
            batch = batch.take(order.to_arrow())
        options = ipc.IpcWriteOptions(compression=compression)
        with ipc.new_file(sink, schema, options=options) as writer:
            if route_of is None:
                writer.write_batch(batch)
            else:
                # Slices of the one batch: each written with its own rows' bytes only.
                at = 0
                for _, count in route_of.values():
                    writer.write_batch(batch.slice(at, count))
                    at += count
        return route_of


def _polars(batch: pa.RecordBatch, *names: str) -> pl.DataFrame:
    frame = pl.from_arrow(batch.select(list(names)))
    assert isinstance(frame, pl.DataFrame)
    return frame


_LIST_TYPE = frozenset({list})
_STRING_TYPES = frozenset({str, type(None)})


def _arrow_array(values: list[Any], polars_type: pl.DataType, dtype: pa.DataType) -> pa.Array:
    """A column of Python values as Arrow `dtype`, the values polars makes of them (strict=False,
    as runner.frame_of builds a frame: a column of the schema, not a Series of the type). Through
    polars, never pyarrow's conversion of Python objects: half the instructions a string, and
    pyarrow imports pandas for it (a fifth of a second of every worker). A column of lists of
    strings (accepted_warnings, via) is made of its strings and their offsets: polars converts
    each row's list on its own, at 3 to 6 µs a row."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_large_list(dtype) and set(map(type, values)) <= _LIST_TYPE:  # in C
        flat = list(itertools.chain.from_iterable(values))
        if set(map(type, flat)) <= _STRING_TYPES:
            lengths = np.fromiter(map(len, values), np.int64, count=len(values))
            offsets = np.zeros(len(values) + 1, np.int64)
            np.cumsum(lengths, out=offsets[1:])
            strings = pl.Series(flat, dtype=pl.String()).to_arrow()
            return pa.LargeListArray.from_arrays(pl.Series(offsets).to_arrow(), strings)
    frame = pl.DataFrame({"": values}, schema={"": polars_type}, strict=False)
    return frame.to_series().to_arrow()
