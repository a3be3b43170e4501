"""A Frictionless plugin that reads Parquet faithfully, so `frictionless validate
datapackage.json` checks an eventset release as published.

frictionless 5.21 reads Parquet through pandas: a nullable integer column becomes floats with
NaN, a list column numpy arrays, and it opens the path itself, so the `bytes` and `hash` it is
asked to check are never measured. Frictionless loads any importable top-level module named
`frictionless_<name>` that defines `<Name>Plugin` (frictionless/system/system.py), and asks
such plugins before its own formats. This parser reads the bytes through frictionless's own
loader (so `bytes` and `hash` are really checked) and the cells with pyarrow (None stays None,
lists stay lists, dates stay dates, dictionary-encoded columns give their strings); types,
constraints, primary and foreign keys are then checked by frictionless itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, ClassVar

import pyarrow.parquet as pq
from frictionless import Parser, Plugin, Resource

__all__ = ["ArrowParquetParser", "EventsetPlugin"]


class ArrowParquetParser(Parser):  # type: ignore[misc]
    requires_loader = True
    supported_types: ClassVar[list[str]] = [
        "array",
        "boolean",
        "date",
        "integer",
        "number",
        "string",
    ]

    def read_cell_stream_create(self) -> Iterator[list[Any]]:
        # read1 is what frictionless's stats wrapper measures (bytes, md5, sha256) as it goes.
        stream: Any = self.loader.byte_stream
        data = b"".join(iter(lambda: stream.read1(1 << 20), b""))
        table = pq.read_table(io.BytesIO(data))
        yield list(table.column_names)
        columns = [table.column(name).to_pylist() for name in table.column_names]
        yield from (list(row) for row in zip(*columns, strict=True))


class EventsetPlugin(Plugin):  # type: ignore[misc]
    """Parquet resources are read by `ArrowParquetParser`."""

    def create_parser(self, resource: Resource) -> Parser | None:
        return ArrowParquetParser(resource) if resource.format == "parquet" else None
