"""A faithful Parquet reader for frictionless, used to validate datapackage.json in tests.

frictionless 5.21 reads Parquet through pandas, which turns a nullable integer column into
floats with NaN and a list column into numpy arrays, and it reads the path itself, so the byte
count and sha256 it is asked to check are never measured. This parser reads the bytes through
frictionless's own loader (so `bytes` and `hash` are really checked) and the cells with pyarrow
(None stays None, lists stay lists, dates stay dates). Schema types, constraints, primary and
foreign keys are then checked by frictionless itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, ClassVar

import pyarrow.parquet as pq
from frictionless import Parser, Plugin, Resource, system


class ArrowParquetParser(Parser):
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


class ArrowParquetPlugin(Plugin):
    def create_parser(self, resource: Resource) -> Parser | None:
        return ArrowParquetParser(resource) if resource.format == "parquet" else None


def registered() -> Any:
    """Context manager: the faithful parser is used while inside it."""
    from contextlib import contextmanager

    @contextmanager
    def scope() -> Iterator[None]:
        system.register("eventset-arrow-parquet", ArrowParquetPlugin())
        try:
            yield
        finally:
            system.deregister("eventset-arrow-parquet")

    return scope()
