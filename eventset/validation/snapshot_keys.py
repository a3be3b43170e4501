"""The document key column of a snapshot file, written from files whose key dictionaries are
their own: an Arrow IPC file holds one dictionary a column for all its record batches, so a
snapshot's is every key of its index, and each source's codes are mapped onto it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import pyarrow as pa


class KeyCodes:
    """The document key column of a file written against `keys` (its one dictionary), from
    source files with dictionaries of their own (a cold build's chunk file: its 256 documents'
    keys; a snapshot: every key of the corpus). Each source dictionary's codes are mapped by one
    lookup array, made once per dictionary: a Python dict of every key's position is searched
    only for the dictionary's entries, never for a row. A row whose key is not in `keys`, or
    not kept (`begin`), is dropped: its lookup entry is null. One KeyCodes serves every frame
    written against the same keys (the dict costs about half a second a million keys)."""

    def __init__(self, keys: pl.Series) -> None:
        strings = keys.cast(pl.String)
        self.keys = strings
        self.positions = {key: at for at, key in enumerate(strings.to_list())}
        self.type: pa.DictionaryType | None = None
        self.dictionary: pa.Array | None = None
        self.keeping = False  # whether the rows of the current source are filtered by `kept`
        self.kept_of: pl.Series | None = None
        self.kept = bytearray()  # 1 at the position of each key of `kept_of`
        self.source: tuple[int, ...] = ()
        self.lookup: pa.Array | None = None
        # The lookups made for the dictionaries of sources not filtered by `kept`, by content.
        self.made: dict[tuple[str, int, int, bytes], pa.Array] = {}

    def of_type(self, dtype: pa.DictionaryType) -> None:
        """The key columns made from now on are of `dtype` (the file's)."""
        if self.dictionary is None or self.dictionary.type != dtype.value_type:
            self.dictionary = self.keys.to_arrow().cast(dtype.value_type)
        if dtype != self.type:
            self.made.clear()
        self.type, self.lookup = dtype, None

    def begin(self, keep: pl.Series | None) -> None:
        """A new source file, whose rows are kept when their keys are in `keep` (None: every
        key). Its dictionary's lookup is made anew: a file mapped after another was closed can
        have its dictionary at the same address."""
        self.lookup, self.keeping = None, keep is not None
        if keep is not None and keep is not self.kept_of:  # the frames share one `keep`
            self.kept_of, self.kept = keep, bytearray(len(self.positions))
            for key in keep.cast(pl.String).to_list():
                at = self.positions.get(key)
                if at is not None:
                    self.kept[at] = 1

    def column(self, column: pa.Array) -> tuple[pa.DictionaryArray, pa.BooleanArray | None]:
        """A source's key column coded against `keys`, and which of its rows are kept (None:
        every row)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not pa.types.is_dictionary(column.type):  # plain strings: their own dictionary
            column = pc.dictionary_encode(column.cast(pa.large_string()))
        codes = pc.take(self._lookup(column.dictionary), column.indices)
        kept = None
        if codes.null_count:
            kept = pc.is_valid(codes)
            codes = codes.filter(kept)
        return pa.DictionaryArray.from_arrays(codes, self.dictionary), kept

    def _lookup(self, dictionary: pa.Array) -> pa.Array:
        # The same dictionary is the same buffers: compared by address, never by content.
        source = (len(dictionary), *(b.address for b in dictionary.buffers() if b is not None))
        if self.lookup is None or source != self.source:
            content = None if self.keeping else _content_of(dictionary)
            lookup = self.made.get(content) if content is not None else None
            if lookup is None:
                lookup = self._made(dictionary)
                if content is not None:
                    self.made[content] = lookup
            self.source, self.lookup = source, lookup
        return self.lookup

    def _made(self, dictionary: pa.Array) -> pa.Array:
        import pyarrow as pa

        assert self.type is not None, "of_type first"
        positions, kept = self.positions, self.kept
        found = [positions.get(key) for key in dictionary.to_pylist()]
        if self.keeping:
            found = [at if at is not None and kept[at] else None for at in found]
        return pa.array(found, self.type.index_type)


def _content_of(dictionary: pa.Array) -> tuple[str, int, int, bytes]:
    """What a dictionary holds, as a digest of its buffers: a chunk's frames are seven files of
    the same documents, and their key dictionaries are byte for byte the same."""
    digest = hashlib.blake2b(digest_size=16)
    for buffer in dictionary.buffers():
        if buffer is not None:
            digest.update(buffer)
    return str(dictionary.type), dictionary.offset, len(dictionary), digest.digest()
