"""What changed between two releases: ids added, removed and changed per table, and the schema.

Both releases are read from their directories, every file checked against its manifest first.
A row is identified by its table's primary key; a row whose key is in both releases but whose
values differ is "changed", with the columns that differ and their values before and after. The
result renders as Markdown (it becomes CHANGELOG.md and a pull request's summary) or JSON, and
says which version bump the changes require under the policy in RELEASING.md.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from eventset.release.agreement_card import AGREEMENT_FILE, agreement_changes, changes_markdown
from eventset.release.files import parse_json
from eventset.release.manifest import (
    ReleaseError,
    manifest_entries,
    read_manifest,
    read_verified,
    table_files,
)
from eventset.release.parquet_limits import read_table_file
from eventset.release.version import Bump
from eventset.schema.tables import TABLES_BY_NAME

# Markdown lists at most this many ids per list; the JSON form always lists them all.
MARKDOWN_LIMIT = 100
KEY_SEPARATOR = " / "  # joins the parts of a composite key (event_actors) into one id
# What names a row to a reader, in the tables whose rows are facts with a name or a summary.
LABEL_COLUMNS = {
    "events": "summary",
    "claims": "summary",
    "actors": "name",
    "places": "name",
    "documents": "title",
}
VALUE_WIDTH = 160  # characters of a value shown in a Markdown cell


@dataclass(frozen=True)
class Release:
    """The tables of one release directory, verified, with their Arrow column types."""

    directory: Path
    version: str
    schema_version: str
    frames: dict[str, pl.DataFrame]
    types: dict[str, dict[str, str]]  # table -> column -> Arrow type
    agreement: dict[str, Any] | None = None  # agreement.json, in releases that carry one


@dataclass
class TableDiff:
    table: str
    status: Literal["added", "removed", "kept"]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> changed columns
    columns_added: dict[str, str] = field(default_factory=dict)  # column -> type
    columns_removed: dict[str, str] = field(default_factory=dict)
    columns_retyped: dict[str, tuple[str, str]] = field(default_factory=dict)  # (old, new)
    labels: dict[str, str] = field(default_factory=dict)  # added or removed id -> its name
    values: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> column

    @property
    def schema_changed(self) -> bool:
        return bool(self.columns_added or self.columns_removed or self.columns_retyped)

    @property
    def empty(self) -> bool:
        return (
            self.status == "kept"
            and not (self.added or self.removed or self.changed)
            and not self.schema_changed
        )


@dataclass
class ReleaseDiff:
    old_version: str
    new_version: str
    old_schema_version: str
    new_schema_version: str
    tables: list[TableDiff]
    # Intercoder agreement before and after (release/agreement_card.agreement_changes).
    agreement: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> TableDiff:
        return next(t for t in self.tables if t.table == name)

    @property
    def required_bump(self) -> Bump:
        """The smallest version bump the changes need (RELEASING.md): removing or retyping a
        column or table is major; adding data, columns or tables is minor; the rest is patch."""
        if any(
            t.status == "removed" or t.columns_removed or t.columns_retyped for t in self.tables
        ):
            return "major"
        if any(t.status == "added" or t.columns_added or t.added for t in self.tables):
            return "minor"
        return "patch"

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"version": self.old_version, "schema_version": self.old_schema_version},
            "new": {"version": self.new_version, "schema_version": self.new_schema_version},
            "required_bump": self.required_bump,
            "tables": {
                t.table: {
                    "status": t.status,
                    "added": t.added,
                    "removed": t.removed,
                    "changed": t.changed,
                    "values": {
                        row_id: {
                            c: {"old": _json_value(old), "new": _json_value(new)}
                            for c, (old, new) in columns.items()
                        }
                        for row_id, columns in t.values.items()
                    },
                    "labels": t.labels,
                    "columns_added": t.columns_added,
                    "columns_removed": t.columns_removed,
                    "columns_retyped": {
                        c: {"old": old, "new": new} for c, (old, new) in t.columns_retyped.items()
                    },
                }
                for t in self.tables
            },
            "agreement": self.agreement,
        }

    def markdown(self, heading_level: int = 2) -> str:
        return render_markdown(self, heading_level)


def read_release(directory: Path) -> Release:
    """A release's tables, each file verified against the manifest and read in bounded memory
    (parquet_limits.py); ReleaseError otherwise."""
    manifest = read_manifest(directory)
    entries = manifest_entries(manifest)
    arrows: dict[str, list[pa.Table]] = {}
    for table, paths in table_files(entries).items():
        for path in paths:
            entry = entries[path]
            data = read_verified(directory, entry)
            if isinstance(data, str):
                raise ReleaseError(f"{directory}: {data}")
            shown = f"{directory}/{path}"
            arrows.setdefault(table, []).append(read_table_file(data, table, entry.rows, shown))
    agreement = None
    if AGREEMENT_FILE in entries:
        data = read_verified(directory, entries[AGREEMENT_FILE])
        if isinstance(data, str):
            raise ReleaseError(f"{directory}: {data}")
        agreement = parse_json(data, f"{directory}/{AGREEMENT_FILE}")
    return _release(
        directory,
        arrows,
        str(manifest.get("version", "?")),
        str(manifest.get("schema_version", "?")),
        agreement,
    )


def _logical_type(arrow_type: object) -> str:
    """An Arrow type as the schema means it: 32- and 64-bit offsets are one type to a reader
    (pyarrow writes `string`, polars `large_string`), so they are not reported as a retype;
    nor is the index width of a dictionary-encoded column, which says nothing of its values."""
    if isinstance(arrow_type, pa.DictionaryType):
        arrow_type = pa.dictionary(pa.int32(), arrow_type.value_type)
    return str(arrow_type).replace("large_string", "string").replace("large_list", "list")


def release_from_files(
    directory: Path, files: dict[str, list[str]], version: str, schema_version: str
) -> Release:
    """The tables of a directory, {table: its Parquet files}, as a Release, unverified (a
    release being built, by this process)."""
    arrows = {
        table: [pq.read_table(directory / path) for path in paths] for table, paths in files.items()
    }
    agreement_file = directory / AGREEMENT_FILE
    agreement = (
        json.loads(agreement_file.read_text(encoding="utf-8")) if agreement_file.is_file() else None
    )
    return _release(directory, arrows, version, schema_version, agreement)


def _release(
    directory: Path,
    arrows: dict[str, list[pa.Table]],
    version: str,
    schema_version: str,
    agreement: dict[str, Any] | None,
) -> Release:
    frames: dict[str, pl.DataFrame] = {}
    types: dict[str, dict[str, str]] = {}
    for table, parts in arrows.items():
        arrow = pa.concat_tables(parts)
        types[table] = {f.name: _logical_type(f.type) for f in arrow.schema}
        frame = pl.from_arrow(arrow)
        assert isinstance(frame, pl.DataFrame)
        frames[table] = frame
    return Release(directory, version, schema_version, frames, types, agreement)


def _key_columns(table: str, old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    """The primary key from the current schema; for a table it no longer knows, the first
    column, which is the `<singular>_id` by the naming rule."""
    spec = TABLES_BY_NAME.get(table)
    key = list(spec.primary_key) if spec else [new.columns[0]]
    if not all(k in old.columns and k in new.columns for k in key):
        raise ReleaseError(f"{table}: the primary key {key} is not in both releases.")
    return key


def _ids(frame: pl.DataFrame, key: list[str]) -> pl.Expr:
    if len(key) == 1:
        return pl.col(key[0]).cast(pl.String)
    return pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=KEY_SEPARATOR)


def _sorted_ids(frame: pl.DataFrame, key: list[str]) -> list[str]:
    return sorted(frame.select(_ids(frame, key).alias("id"))["id"].to_list())


def _labels(table: str, frame: pl.DataFrame, key: list[str]) -> dict[str, str]:
    column = LABEL_COLUMNS.get(table)
    if column is None or column not in frame.columns or frame.is_empty():
        return {}
    rows = frame.select(_ids(frame, key).alias("id"), pl.col(column).cast(pl.String))
    return {row_id: label or "" for row_id, label in rows.iter_rows()}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def diff_table(
    table: str,
    old: pl.DataFrame,
    new: pl.DataFrame,
    old_types: dict[str, str],
    new_types: dict[str, str],
) -> TableDiff:
    result = TableDiff(table, "kept")
    result.columns_added = {c: t for c, t in new_types.items() if c not in old_types}
    result.columns_removed = {c: t for c, t in old_types.items() if c not in new_types}
    result.columns_retyped = {
        c: (old_types[c], t) for c, t in new_types.items() if c in old_types and old_types[c] != t
    }
    key = _key_columns(table, old, new)
    added = new.join(old.select(key), on=key, how="anti")
    removed = old.join(new.select(key), on=key, how="anti")
    result.added = _sorted_ids(added, key)
    result.removed = _sorted_ids(removed, key)
    result.labels = {**_labels(table, removed, key), **_labels(table, added, key)}
    # A retyped column differs everywhere; it is reported once as a schema change instead.
    compared = [
        c
        for c in new.columns
        if c in old_types and c not in result.columns_retyped and c not in key
    ]
    if not compared:
        return result
    joined = old.select(*key, *compared).join(
        new.select(*key, *compared), on=key, how="inner", suffix="__new"
    )
    differing = pl.concat_list(
        [pl.when(pl.col(c).ne_missing(pl.col(f"{c}__new"))).then(pl.lit(c)) for c in compared]
    ).list.drop_nulls()
    rows = (
        joined.select(
            _ids(joined, key).alias("id"),
            differing.alias("__columns"),
            *compared,
            *(f"{c}__new" for c in compared),
        )
        .filter(pl.col("__columns").list.len() > 0)
        .sort("id")
    )
    for row in rows.iter_rows(named=True):
        columns = row["__columns"]
        result.changed[row["id"]] = columns
        result.values[row["id"]] = {c: (row[c], row[f"{c}__new"]) for c in columns}
    return result


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    tables: list[TableDiff] = []
    for name in sorted(set(old.frames) | set(new.frames)):
        if name not in old.frames:
            tables.append(
                TableDiff(
                    name,
                    "added",
                    added=_sorted_ids(
                        new.frames[name], _key_columns(name, new.frames[name], new.frames[name])
                    ),
                    columns_added=dict(new.types[name]),
                    labels=_labels(
                        name,
                        new.frames[name],
                        _key_columns(name, new.frames[name], new.frames[name]),
                    ),
                )
            )
        elif name not in new.frames:
            frame = old.frames[name]
            tables.append(
                TableDiff(
                    name,
                    "removed",
                    removed=_sorted_ids(frame, _key_columns(name, frame, frame)),
                    columns_removed=dict(old.types[name]),
                    labels=_labels(name, frame, _key_columns(name, frame, frame)),
                )
            )
        else:
            tables.append(
                diff_table(
                    name, old.frames[name], new.frames[name], old.types[name], new.types[name]
                )
            )
    return ReleaseDiff(
        old.version,
        new.version,
        old.schema_version,
        new.schema_version,
        tables,
        agreement_changes(old.agreement, new.agreement),
    )


def diff_directories(old: Path, new: Path) -> ReleaseDiff:
    return diff_releases(read_release(old), read_release(new))


def _cell(value: Any) -> str:
    """A value in a Markdown table cell: one line, no pipe that would end the cell, bounded."""
    if value is None:
        text = "(none)"
    elif isinstance(value, list):
        text = "[" + ", ".join(_cell(v) for v in value) + "]"
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _id_list(ids: list[str], labels: dict[str, str] | None = None) -> str:
    labels = labels or {}
    shown = ", ".join(
        f"`{i}` ({_cell(labels[i])})" if labels.get(i) else f"`{i}`" for i in ids[:MARKDOWN_LIMIT]
    )
    more = len(ids) - MARKDOWN_LIMIT
    return shown + (f", and {more:,} more (see `eventset diff --format json`)" if more > 0 else "")


def render_markdown(diff: ReleaseDiff, heading_level: int = 2) -> str:
    h = "#" * heading_level
    agreement = changes_markdown(diff.agreement, f"{h}#") if diff.agreement else []
    if all(t.empty for t in diff.tables) and not agreement:
        renumbered = (
            f" Schema version {diff.old_schema_version} -> {diff.new_schema_version}."
            if diff.old_schema_version != diff.new_schema_version
            else ""
        )
        return f"{h} {diff.new_version}\n\nNo changes since {diff.old_version}.{renumbered}\n"
    lines = [
        f"{h} {diff.new_version}",
        "",
        f"Compared with {diff.old_version}. Schema version {diff.old_schema_version}"
        + (
            f" -> {diff.new_schema_version}."
            if diff.old_schema_version != diff.new_schema_version
            else " (unchanged)."
        )
        + f" These changes need at least a {diff.required_bump} version bump.",
        "",
        "| table | added | removed | changed |",
        "| --- | ---: | ---: | ---: |",
    ]
    for t in diff.tables:
        note = {"added": " (new table)", "removed": " (table removed)", "kept": ""}[t.status]
        lines.append(
            f"| {t.table}{note} | {len(t.added):,} | {len(t.removed):,} | {len(t.changed):,} |"
        )
    lines.append("")
    schema = [t for t in diff.tables if t.schema_changed and t.status == "kept"]
    if schema:
        lines += [f"{h}# Schema changes", ""]
        for t in schema:
            lines += [
                f"- {t.table}: column `{c}` added ({ty})" for c, ty in t.columns_added.items()
            ]
            lines += [
                f"- {t.table}: column `{c}` removed (was {ty})"
                for c, ty in t.columns_removed.items()
            ]
            lines += [
                f"- {t.table}: column `{c}` retyped from {old} to {new}"
                for c, (old, new) in t.columns_retyped.items()
            ]
        lines.append("")
    for t in diff.tables:
        if t.empty or not (t.added or t.removed or t.changed):
            continue
        lines += [f"{h}# {t.table}", ""]
        if t.added:
            lines.append(f"- added ({len(t.added):,}): {_id_list(t.added, t.labels)}")
        if t.removed:
            lines.append(f"- removed ({len(t.removed):,}): {_id_list(t.removed, t.labels)}")
        if t.changed:
            items = list(t.changed.items())
            shown = "; ".join(f"`{i}` ({', '.join(cols)})" for i, cols in items[:MARKDOWN_LIMIT])
            more = len(items) - MARKDOWN_LIMIT
            tail = f"; and {more:,} more (see `eventset diff --format json`)" if more > 0 else ""
            lines.append(f"- changed ({len(items):,}): {shown}{tail}")
            lines += ["", "| id | field | before | after |", "| --- | --- | --- | --- |"]
            for row_id, _ in items[:MARKDOWN_LIMIT]:
                for column, (old, new) in t.values.get(row_id, {}).items():
                    lines.append(f"| `{row_id}` | {column} | {_cell(old)} | {_cell(new)} |")
        lines.append("")
    return "\n".join(lines + agreement)
