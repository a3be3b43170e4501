"""Reading a table file of an untrusted release in bounded memory.

A Parquet file compresses well, so a file of a few hundred kB can unpack to gigabytes (a
"decompression bomb"). Before any page is read, the footer (its length is in the file's last
8 bytes) is checked for size and parsed, and every column chunk's declared uncompressed size is
held to what the table's rows can need: a cell of a fixed-width type takes its width, a string
at most the longest string the inputs allow, a list at most `MAX_LIST_ITEMS` items of at most
an alias's length. The row
count must be the manifest's. Only then are the pages read, with every string column kept
dictionary-encoded (each distinct value once) until its longest value is checked too, so a
small dictionary repeated over many rows cannot unpack either. See docs/limits.md.
"""

from __future__ import annotations

import struct
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventset.inputs.seeds import MAX_SEED_BYTES
from eventset.inputs.yamlfile import DEFAULT_LIMITS
from eventset.release.files import ReleaseError
from eventset.release.thrift_compact import Reader, ThriftError

# The footer of a release file is a few kB (12 kB for the 32 columns of events); 1 MiB leaves
# room for hundreds of row groups and is never allocated for a file that declares more.
MAX_FOOTER_BYTES = 1024 * 1024
# A string cell comes from one YAML string (DEFAULT_LIMITS.max_string characters, 4 bytes each
# at most in UTF-8) plus its 4-byte length; a document's text from one seed file.
MAX_STRING_CELL = 4 * DEFAULT_LIMITS.max_string + 4
MAX_TEXT_CELL = MAX_SEED_BYTES + 4
TEXT_COLUMNS = {("documents", "text")}
# The longest list the annotation and registry models allow (aliases: 500 names), and the
# longest item of a list (an alias: 300 characters; `via` holds slugs of at most 100).
MAX_LIST_ITEMS = 500
MAX_LIST_ITEM_CELL = 4 * 300 + 4
# Page headers, dictionary page of a vocabulary, levels: a few hundred bytes in practice.
CHUNK_OVERHEAD = 64 * 1024
# Every table has a primary key, so no two rows are alike, and distinct keys do not pack below a
# fraction of a byte each (a million sequential ids take 0.6 bytes each in zstd Parquet): 8 rows
# per byte of the file is a wide margin. Without it, a file of nulls in run-length encoding
# could declare a billion rows in a few kB, and every fixed-width column would unpack to GBs.
MAX_ROWS_PER_BYTE = 8

_WIDTH = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
_MAGIC = b"PAR1"


def cell_bound(
    table: str, column: str, physical_type: str, length: int, in_list: bool = False
) -> int:
    """The most bytes one value of a column (an item, in a list) can take uncompressed, levels
    included."""
    if physical_type == "BYTE_ARRAY":
        if in_list:
            return MAX_LIST_ITEM_CELL
        return MAX_TEXT_CELL if (table, column) in TEXT_COLUMNS else MAX_STRING_CELL
    if physical_type == "FIXED_LEN_BYTE_ARRAY":
        return max(length, 0) + 1
    return _WIDTH.get(physical_type, 8) + 1


def footer_problem(data: bytes) -> str | None:
    """Why the bytes cannot be a Parquet file with a footer of a size we parse and structures
    pyarrow can read without aborting, or None."""
    if len(data) < 12 or data[:4] != _MAGIC or data[-4:] != _MAGIC:
        return "is not a Parquet file (no PAR1 at both ends; encrypted files are not read)"
    (length,) = struct.unpack("<I", data[-8:-4])
    if length > MAX_FOOTER_BYTES:
        return f"declares a footer of {length:,} bytes; the limit is {MAX_FOOTER_BYTES:,}"
    if length + 12 > len(data):
        return f"declares a footer of {length:,} bytes in a file of {len(data):,}"
    try:
        footer = Reader(data, len(data) - 8 - length, len(data) - 8).struct()
    except ThriftError as err:
        return f"has a malformed footer (it {err})"
    return _levels_problem(footer)


def _leaf_levels(schema: list[Any]) -> list[tuple[int, int]] | str:
    """(max repetition level, max definition level) of each leaf column, from the footer's
    flattened schema tree (SchemaElement: 3 repetition_type, 5 num_children)."""
    leaves: list[tuple[int, int]] = []
    # (children left to visit, repetition level, definition level) of each open group
    open_groups: list[list[int]] = []
    for index, element in enumerate(schema):
        if not isinstance(element, dict):
            return "has a schema element that is not a struct"
        children = element.get(5, 0)
        kind = element.get(3, 0)
        if not isinstance(children, int) or children < 0 or kind not in (0, 1, 2):
            return "has a malformed schema element"
        if index == 0:
            repetition = definition = 0
        else:
            if not open_groups:
                return "has schema elements outside its root"
            parent = open_groups[-1]
            parent[0] -= 1
            repetition = parent[1] + (kind == 2)
            definition = parent[2] + (kind != 0)
        if children:
            if len(open_groups) > 32:
                return "has a schema nested too deep"
            open_groups.append([children, repetition, definition])
        elif index:
            leaves.append((repetition, definition))
        while open_groups and open_groups[-1][0] == 0:
            open_groups.pop()
    if open_groups:
        return "has a schema with missing elements"
    return leaves


def _levels_problem(footer: dict[int, Any]) -> str | None:
    """Why the footer's level histograms cannot belong to its schema: pyarrow (26) aborts the
    process on such a footer instead of raising."""
    schema, groups = footer.get(2), footer.get(4, [])
    if not isinstance(schema, list) or not isinstance(groups, list):
        return "has a malformed footer"
    leaves = _leaf_levels(schema)
    if isinstance(leaves, str):
        return leaves
    for group in groups:
        columns = group.get(1) if isinstance(group, dict) else None
        if not isinstance(columns, list) or len(columns) != len(leaves):
            return "has a row group whose columns are not the schema's"
        for chunk, (repetition, definition) in zip(columns, leaves, strict=True):
            meta = chunk.get(3) if isinstance(chunk, dict) else None
            sizes = meta.get(16) if isinstance(meta, dict) else None
            if not isinstance(sizes, dict):
                continue
            # SizeStatistics: 2 repetition, 3 definition level histogram, one count per level
            for field, levels in ((2, repetition), (3, definition)):
                histogram = sizes.get(field, [])
                if not isinstance(histogram, list) or len(histogram) not in (0, levels + 1):
                    return "has level histograms that do not fit its schema"
    return None


def declared_problem(metadata: pq.FileMetaData, table: str, rows: int, data: bytes) -> str | None:
    """Why the sizes the footer and the page headers of the Parquet file `data` declare are more
    than `rows` rows of the table can need."""
    if metadata.num_rows != rows:
        return f"declares {metadata.num_rows:,} rows; the manifest says {rows:,}"
    if rows > MAX_ROWS_PER_BYTE * len(data):
        return (
            f"declares {rows:,} rows in {len(data):,} bytes; rows with distinct keys cannot be "
            f"packed tighter than {MAX_ROWS_PER_BYTE} per byte (see docs/limits.md)"
        )
    groups = metadata.num_row_groups
    schema = metadata.schema
    body = len(data) - 8 - struct.unpack("<I", data[-8:-4])[0]  # where the footer starts
    for g in range(groups):
        group = metadata.row_group(g)
        if group.num_rows < (1 if groups > 1 else 0):
            return f"row group {g} declares {group.num_rows:,} rows"
        for c in range(group.num_columns):
            chunk = group.column(c)
            column = schema.column(c)
            name = column.path.split(".")[0]
            items = MAX_LIST_ITEMS if column.max_repetition_level > 0 else 1
            if not group.num_rows <= chunk.num_values <= group.num_rows * items:
                return (
                    f"column {column.path} declares {chunk.num_values:,} values in "
                    f"{group.num_rows:,} rows"
                )
            in_list = column.max_repetition_level > 0
            cell = cell_bound(table, name, column.physical_type, column.length or 0, in_list)
            bound = CHUNK_OVERHEAD + chunk.num_values * cell
            # The footer's total, then the page headers' own sizes, which are what a reader
            # allocates: a footer can lie about its pages.
            declared: int | str = chunk.total_uncompressed_size
            if isinstance(declared, int) and 0 <= declared <= bound:
                declared = pages_uncompressed(data, chunk, body)
            if isinstance(declared, str):
                return f"column {column.path}: {declared}"
            if not 0 <= declared <= bound:
                return (
                    f"column {column.path} declares {declared:,} bytes uncompressed; "
                    f"{chunk.num_values:,} values may take at most {bound:,} ({cell:,} per value "
                    f"plus {CHUNK_OVERHEAD:,}; see docs/limits.md)"
                )
    return None


def pages_uncompressed(data: bytes, chunk: pq.ColumnChunkMetaData, body: int) -> int | str:
    """The uncompressed bytes the page headers of a column chunk declare, summed (what a reader
    allocates to unpack them), or why they cannot be read: the chunk is where the footer says,
    inside the file before the footer, and its pages tile it."""
    if chunk.total_compressed_size == 0:
        return 0  # an empty chunk without a dictionary page has no pages (its offset is 0)
    start = chunk.data_page_offset
    dictionary = chunk.dictionary_page_offset
    # The chunk starts at its dictionary page when it has one; an empty chunk has only that
    # (its data page offset is 0).
    if chunk.has_dictionary_page and dictionary is not None and dictionary > 0:
        start = dictionary if start <= 0 else min(start, dictionary)
    end = start + chunk.total_compressed_size
    if not 4 <= start <= end <= body:
        return "its pages lie outside the file"
    total = 0
    at = start
    while at < end:
        header = Reader(data, at, end)
        try:
            fields = header.struct()
        except ThriftError as err:
            return f"a page header {err}"
        # PageHeader: 2 uncompressed_page_size, 3 compressed_page_size (i32)
        uncompressed, compressed = fields.get(2), fields.get(3)
        if not isinstance(uncompressed, int) or not isinstance(compressed, int):
            return "a page header has no sizes"
        if uncompressed < 0 or compressed < 0:
            return "a page header has a negative size"
        total += uncompressed
        at = header.at + compressed
    return total


def _longest(column: pa.ChunkedArray) -> int:
    """The longest value of a dictionary-encoded string column, lists flattened: measured on
    the distinct values, never on the column unpacked."""
    # Imported here: pyarrow.compute costs a tenth of a second, which a build after an edit (it
    # imports the loader with the full build, never reading a release) should not pay.
    import pyarrow.compute as pc

    longest = 0
    for chunk in column.chunks:
        while pa.types.is_list(chunk.type) or pa.types.is_large_list(chunk.type):
            chunk = chunk.flatten()
        if isinstance(chunk, pa.DictionaryArray) and len(chunk.dictionary):
            found = pc.max(pc.binary_length(chunk.dictionary)).as_py()
            longest = max(longest, found or 0)
    return longest


def _owned_by_arrow(data: bytes) -> pa.Buffer:
    """`data` copied into memory Arrow owns. A reader over Python's bytes holds them through a
    Python buffer, whose last reference `pq.read_table`'s dataset machinery can drop on one of
    its own threads after the read has returned; when that falls in the interpreter's exit, the
    thread asks for the interpreter lock, is made to exit, and the process aborts ("terminate
    called without an active exception", apache/arrow#34314): 15 of 80 runs of a one-file read
    here, none of 80 with this copy (pyarrow 26.0.1, 2026-12-07)."""
    owned = pa.allocate_buffer(len(data))
    pa.FixedSizeBufferWriter(owned).write(data)
    return owned


def read_table_file(data: bytes, table: str, rows: int | None, shown: str) -> pa.Table:
    """The Arrow table in a release's Parquet file `data` (already checked against the
    manifest), with the types its own schema stores; ReleaseError if its footer or its values
    are beyond what `rows` rows of `table` (the manifest's count) can need."""
    if rows is None:
        raise ReleaseError(
            f"{shown}: the manifest gives no row count, which bounds what reading it may take."
        )
    problem = footer_problem(data)
    if problem is not None:
        raise ReleaseError(f"{shown} {problem}.")
    try:
        source = _owned_by_arrow(data)
        parquet = pq.ParquetFile(pa.BufferReader(source))
        metadata = parquet.metadata
        problem = declared_problem(metadata, table, rows, data)
        if problem is not None:
            raise ReleaseError(f"{shown} {problem}.")
        target = parquet.schema_arrow
        strings = [
            (column.path, column.path.split(".")[0], column.max_repetition_level > 0)
            for column in metadata.schema
            if column.physical_type == "BYTE_ARRAY"
        ]
        dictionaries = [path for path, _, _ in strings]
        arrow = pq.read_table(pa.BufferReader(source), read_dictionary=dictionaries)
        for path, name, in_list in strings:
            longest = _longest(arrow.column(name))
            bound = cell_bound(table, name, "BYTE_ARRAY", 0, in_list) - 4
            if longest > bound:
                raise ReleaseError(
                    f"{shown}: column {path} holds a value of {longest:,} bytes; the limit is "
                    f"{bound:,} (see docs/limits.md)."
                )
        return arrow.cast(target)
    except (OSError, ValueError, TypeError, KeyError, IndexError, pa.ArrowException) as err:
        raise ReleaseError(f"{shown} cannot be read as Parquet: {err}") from None
