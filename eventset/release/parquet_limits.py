"""Reading a table file of an untrusted release in bounded memory.

A Parquet file compresses well, so a file of a few hundred kB can unpack to gigabytes (a
"decompression bomb"). Before any page is read, the footer (its length is in the file's last
8 bytes) is checked for size and parsed, and every column chunk's declared uncompressed size is
held to what the table's rows can need: a cell of a fixed-width type takes its width, a string
at most the longest string the inputs allow, a list at most `MAX_LIST_ITEMS` items. The row
count must be the manifest's. Only then are the pages read, with every string column kept
dictionary-encoded (each distinct value once) until its longest value is checked too, so a
small dictionary repeated over many rows cannot unpack either. See docs/limits.md.
"""

from __future__ import annotations

import io
import struct

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from eventset.inputs.seeds import MAX_SEED_BYTES
from eventset.inputs.yamlfile import DEFAULT_LIMITS
from eventset.release.files import ReleaseError

# The footer of a release file is a few kB (12 kB for the 32 columns of events); 1 MiB leaves
# room for hundreds of row groups and is never allocated for a file that declares more.
MAX_FOOTER_BYTES = 1024 * 1024
# A string cell comes from one YAML string (DEFAULT_LIMITS.max_string characters, 4 bytes each
# at most in UTF-8) plus its 4-byte length; a document's text from one seed file.
MAX_STRING_CELL = 4 * DEFAULT_LIMITS.max_string + 4
MAX_TEXT_CELL = MAX_SEED_BYTES + 4
TEXT_COLUMNS = {("documents", "text")}
# The longest list the annotation and registry models allow (aliases: 500 names).
MAX_LIST_ITEMS = 500
# Page headers, dictionary page of a vocabulary, levels: a few hundred bytes in practice.
CHUNK_OVERHEAD = 64 * 1024
# Every table has a primary key, so no two rows are alike: a file cannot hold more distinct rows
# than 8 per byte (one bit each). Without this, a file of nulls in run-length encoding could
# declare a billion rows in a few kB, and every fixed-width column would unpack to gigabytes.
MAX_ROWS_PER_BYTE = 8

_WIDTH = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
_MAGIC = b"PAR1"


def cell_bound(table: str, column: str, physical_type: str, length: int) -> int:
    """The most bytes one value of a column can take uncompressed, levels included."""
    if physical_type == "BYTE_ARRAY":
        return MAX_TEXT_CELL if (table, column) in TEXT_COLUMNS else MAX_STRING_CELL
    if physical_type == "FIXED_LEN_BYTE_ARRAY":
        return max(length, 0) + 1
    return _WIDTH.get(physical_type, 8) + 1


def footer_problem(data: bytes) -> str | None:
    """Why the bytes cannot be a Parquet file with a footer of a size we parse, or None."""
    if len(data) < 12 or data[:4] != _MAGIC or data[-4:] != _MAGIC:
        return "is not a Parquet file (no PAR1 at both ends; encrypted files are not read)"
    (length,) = struct.unpack("<I", data[-8:-4])
    if length > MAX_FOOTER_BYTES:
        return f"declares a footer of {length:,} bytes; the limit is {MAX_FOOTER_BYTES:,}"
    if length + 12 > len(data):
        return f"declares a footer of {length:,} bytes in a file of {len(data):,}"
    return None


def declared_problem(metadata: pq.FileMetaData, table: str, rows: int, size: int) -> str | None:
    """Why the sizes a footer declares are more than `rows` rows of the table can need, in a
    file of `size` bytes."""
    if metadata.num_rows != rows:
        return f"declares {metadata.num_rows:,} rows; the manifest says {rows:,}"
    if rows > MAX_ROWS_PER_BYTE * size:
        return (
            f"declares {rows:,} rows in {size:,} bytes; distinct rows take at least one bit "
            "each (see docs/limits.md)"
        )
    groups = metadata.num_row_groups
    schema = metadata.schema
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
            cell = cell_bound(table, name, column.physical_type, column.length or 0)
            bound = CHUNK_OVERHEAD + chunk.num_values * cell
            size = chunk.total_uncompressed_size
            if not 0 <= size <= bound:
                return (
                    f"column {column.path} declares {size:,} bytes uncompressed; {chunk.num_values:,} "
                    f"values may take at most {bound:,} ({cell:,} per value plus "
                    f"{CHUNK_OVERHEAD:,}; see docs/limits.md)"
                )
    return None


def _longest(column: pa.ChunkedArray) -> int:
    """The longest value of a dictionary-encoded string column, lists flattened: measured on
    the distinct values, never on the column unpacked."""
    longest = 0
    for chunk in column.chunks:
        while pa.types.is_list(chunk.type) or pa.types.is_large_list(chunk.type):
            chunk = chunk.flatten()
        if isinstance(chunk, pa.DictionaryArray) and len(chunk.dictionary):
            found = pc.max(pc.binary_length(chunk.dictionary)).as_py()
            longest = max(longest, found or 0)
    return longest


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
        parquet = pq.ParquetFile(io.BytesIO(data))
        metadata = parquet.metadata
        problem = declared_problem(metadata, table, rows, len(data))
        if problem is not None:
            raise ReleaseError(f"{shown} {problem}.")
        target = parquet.schema_arrow
        strings = [
            (column.path, column.path.split(".")[0])
            for column in metadata.schema
            if column.physical_type == "BYTE_ARRAY"
        ]
        arrow = pq.read_table(io.BytesIO(data), read_dictionary=[path for path, _ in strings])
        for path, name in strings:
            longest = _longest(arrow.column(name))
            bound = cell_bound(table, name, "BYTE_ARRAY", 0) - 4
            if longest > bound:
                raise ReleaseError(
                    f"{shown}: column {path} holds a value of {longest:,} bytes; the limit is "
                    f"{bound:,} (see docs/limits.md)."
                )
        return arrow.cast(target)
    except (OSError, ValueError, TypeError, pa.ArrowException) as err:
        raise ReleaseError(f"{shown} cannot be read as Parquet: {err}") from None
