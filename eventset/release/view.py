"""A written release's tables as a mapping read on demand: what a full build returns, so a
caller (a test, a script) can look at a table without the build ever holding them all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import polars as pl

from eventset.release.load import read_table
from eventset.release.manifest import MANIFEST, ReleaseError, manifest_entries, read_manifest
from eventset.schema.tables import TABLES, TABLES_BY_NAME


class ReleaseTables(Mapping[str, pl.DataFrame]):
    """{table name: its rows} of the release in `directory`, each table read (checked against
    the manifest, typed, sorted by key) when first asked for and then kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._manifest = (directory / MANIFEST).read_bytes()
        self._read: dict[str, pl.DataFrame] = {}

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in self._read:
            table = TABLES_BY_NAME[name]  # KeyError for a name that is no table, as a dict's
            if (self.directory / MANIFEST).read_bytes() != self._manifest:
                raise ReleaseError(f"{self.directory} was replaced since it was built")
            entries = manifest_entries(read_manifest(self.directory))
            self._read[name] = read_table(self.directory, table, entries)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return (table.name for table in TABLES)

    def __len__(self) -> int:
        return len(TABLES)
