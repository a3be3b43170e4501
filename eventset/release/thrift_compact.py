"""Just enough of Thrift's compact protocol to read a Parquet footer or page header ourselves.

Parquet's metadata is Thrift. pyarrow reads it too, but it trusts it: it allocates what a page
header says, and it aborts the whole process (a C++ exception it does not catch) on some
inconsistent footers. Decoding the structures here first, as plain data bounded by the bytes
given, lets parquet_limits.py refuse such a file with a sentence.

A struct decodes to {field id: value}; a value is an int, bool, float bytes, list or struct.
"""

from __future__ import annotations

from typing import Any

MAX_NESTING = 32  # Parquet's structures nest about 6 deep


class ThriftError(ValueError):
    """The bytes are not the compact Thrift they should be."""


class Reader:
    """Decodes from data[at:end]; never reads past `end`, so a length cannot make it allocate
    more than the bytes it is given."""

    def __init__(self, data: bytes, at: int, end: int) -> None:
        self.data, self.at, self.end = data, at, end

    def byte(self) -> int:
        if self.at >= self.end:
            raise ThriftError("runs past its end")
        self.at += 1
        return self.data[self.at - 1]

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > self.end:
            raise ThriftError("runs past its end")
        self.at += count
        return self.data[self.at - count : self.at]

    def varint(self) -> int:
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
            if shift > 63:
                raise ThriftError("holds a malformed number")

    def integer(self) -> int:
        raw = self.varint()
        return (raw >> 1) ^ -(raw & 1)  # zigzag

    def struct(self, depth: int = 0) -> dict[int, Any]:
        if depth > MAX_NESTING:
            raise ThriftError("nests too deep")
        found: dict[int, Any] = {}
        field = 0
        while True:
            head = self.byte()
            if head == 0:
                return found
            delta = head >> 4
            field = field + delta if delta else self.integer()
            found[field] = self.value(head & 0x0F, depth)

    def value(self, kind: int, depth: int) -> Any:
        if kind in (1, 2):  # a boolean in a field header: 1 true, 2 false
            return kind == 1
        if kind == 3:
            return self.byte()
        if kind in (4, 5, 6):
            return self.integer()
        if kind == 7:
            return self.take(8)
        if kind == 8:
            return self.take(self.varint())
        if kind in (9, 10):
            head = self.byte()
            size = head >> 4 if head >> 4 != 15 else self.varint()
            element = head & 0x0F
            if element in (1, 2):
                element = 3  # booleans in a list are one byte each
            items = []
            for _ in range(size):  # each item takes a byte at least: bounded by `end`
                items.append(self.value(element, depth + 1))
            return items
        if kind == 11:
            size = self.varint()
            types = self.byte() if size else 0
            key_kind, value_kind = (3 if k in (1, 2) else k for k in (types >> 4, types & 0x0F))
            pairs = []
            for _ in range(size):
                key = self.value(key_kind, depth + 1)
                pairs.append((key, self.value(value_kind, depth + 1)))
            return pairs
        if kind == 12:
            return self.struct(depth + 1)
        raise ThriftError(f"holds an unknown type {kind}")
