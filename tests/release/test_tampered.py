"""`eventset check` on a tampered release whose manifest was rewritten to match: the checksums
agree, so only the table contracts and the cross-table checks can notice, and they must name the
broken rule.

Table files are found through the manifest (its `path` entries), whatever the release layout;
in a table split into several files (one per month) the first file holding the rows a change
needs is tampered with.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.pipeline import BuildResult
from eventset.release.check import check_release

Tamper = Callable[[pl.DataFrame], pl.DataFrame]


@pytest.fixture
def release(gold_build: BuildResult, tmp_path: Path) -> Path:
    assert gold_build.written is not None
    copy = tmp_path / gold_build.written.path.name
    shutil.copytree(gold_build.written.path, copy)
    assert check_release(copy) == []
    return copy


def _entry(
    manifest: dict[str, object],
    table: str,
    release: Path | None = None,
    holding: pl.Expr | None = None,
) -> dict[str, object]:
    """The manifest entry of the first file of `table` (with a row matching `holding`)."""
    files = manifest["files"]
    assert isinstance(files, list)
    for entry in files:
        path = PurePosixPath(entry["path"])
        if path.suffix == ".parquet" and table in (path.stem, path.parts[0]):
            assert isinstance(entry, dict)
            if holding is not None:
                assert release is not None
                if pl.read_parquet(release / path).filter(holding).is_empty():
                    continue
            return entry
    raise AssertionError(f"the manifest lists no file of table {table} holding {holding}")


def tamper(
    release: Path,
    table: str,
    change: Tamper,
    *,
    rehash: bool = True,
    holding: pl.Expr | None = None,
) -> None:
    """Rewrite one file of a table (the first, or the first with a row matching `holding`) with
    `change` applied, then (as a forger would) its manifest entry."""
    manifest_path = release / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = _entry(manifest, table, release, holding)
    path = release / str(entry["path"])
    arrow = pq.read_table(path)
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    changed = change(frame)
    pq.write_table(changed.to_arrow().cast(arrow.schema), path, compression="zstd")
    if not rehash:
        return
    raw = path.read_bytes()
    entry["sha256"] = "sha256:" + hashlib.sha256(raw).hexdigest()
    entry["bytes"] = len(raw)
    if entry.get("rows") is not None:
        entry["rows"] = changed.height
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def first_row(column: str, value: object) -> Tamper:
    def change(frame: pl.DataFrame) -> pl.DataFrame:
        values = frame.get_column(column).to_list()
        values[0] = value
        return frame.with_columns(pl.Series(column, values, dtype=frame.schema[column]))

    return change


# The rows `renamed_place` needs: events at a place.
PLACED = pl.col("place_id").is_not_null()


def renamed_place(frame: pl.DataFrame) -> pl.DataFrame:
    """Every event at the first event's place moved to a place that does not exist."""
    place = frame.get_column("place_id").drop_nulls().item(0)
    return frame.with_columns(
        pl.when(pl.col("place_id") == place)
        .then(pl.lit("nowhere"))
        .otherwise("place_id")
        .alias("place_id")
    )


def test_without_the_rewritten_manifest_the_checksum_catches_it(release: Path) -> None:
    tamper(release, "events", renamed_place, rehash=False, holding=PLACED)
    assert any("checksum" in p or "bytes" in p for p in check_release(release))


def test_a_dangling_foreign_key(release: Path) -> None:
    tamper(release, "events", renamed_place, holding=PLACED)
    assert check_release(release) == [
        "events.place_id: failed references places.place_id (value: nowhere)"
    ]


def test_a_span_past_the_end_of_its_document(release: Path) -> None:
    documents = pl.read_parquet(release / str(_entry(_manifest(release), "documents")["path"]))
    length = documents.item(0, "char_count")
    tamper(release, "mentions", first_row("char_end", length + 5))
    problems = check_release(release)
    assert any(
        p.startswith("mentions.char_end: failed inside its document (char_end <= char_count)")
        for p in problems
    ), problems


def test_a_row_rule(release: Path) -> None:
    def reversed_dates(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.col("date_start") - pl.duration(days=3))
            .otherwise(pl.col("date_end"))
            .alias("date_end")
        )

    tamper(release, "events", reversed_dates)
    problems = check_release(release)
    assert problems and all(p.startswith("events") and "dates_ordered" in p for p in problems)


def test_an_event_no_mention_supports(release: Path) -> None:
    events = pl.read_parquet(release / str(_entry(_manifest(release), "events")["path"]))
    event_id = events.item(0, "event_id")

    def unsupported(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(
            ~((pl.col("target_id") == event_id) & (pl.col("aspect") == "occurrence"))
        )

    tamper(release, "mentions", unsupported)
    assert check_release(release) == [
        f"events.event_id: failed supported by at least one mention (value: {event_id})"
    ]


def test_a_duplicated_primary_key(release: Path) -> None:
    tamper(release, "actors", lambda frame: pl.concat([frame, frame.head(1)]))
    problems = check_release(release)
    assert problems and all(p.startswith("actors") for p in problems), problems


def test_the_command_names_the_rule_and_fails(release: Path) -> None:
    tamper(release, "events", renamed_place, holding=PLACED)
    result = CliRunner().invoke(app, ["check", str(release)])
    assert result.exit_code != 0
    assert "references places.place_id" in result.output and "nowhere" in result.output


def _manifest(release: Path) -> dict[str, object]:
    manifest: dict[str, object] = json.loads((release / "manifest.json").read_text("utf-8"))
    return manifest
