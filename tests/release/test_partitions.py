"""eventset/release/partitions.py: which file of its table each row of a release goes in.

documents, claims and mentions go by the month their document was published; events and
event_actors by the month the event started (`undated` without a start date); actors and places
are one `part-0.parquet`, as is any empty table. Every row lands in exactly one file, rows keep
the primary-key order of the assembled tables, and `eventset.load` gives the tables back.

The expected file of a row is worked out here from the documents and events directly, not with
the module's own expressions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from eventset.pipeline import BuildResult
from eventset.release.load import load
from eventset.release.manifest import read_manifest, table_files
from eventset.release.partitions import table_parts
from eventset.release.write import write_release
from eventset.schema.tables import TABLES, TABLES_BY_NAME
from eventset.testing import Corpus, corpora
from tests.property.helpers import built, scaled

BY_DOCUMENT = {"documents", "claims", "mentions"}
BY_EVENT = {"events", "event_actors"}
REGISTRIES = {"actors", "places", "countries"}  # one part-0 file each
DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31))


def _key(name: str) -> list[str]:
    return list(TABLES_BY_NAME[name].primary_key)


def expected_file(
    name: str,
    row: dict[str, object],
    published: dict[str, dt.date],
    started: dict[str, dt.date | None],
) -> str:
    """The file a row of table `name` belongs in."""
    if name in BY_DOCUMENT:
        return f"part-{published[str(row['document_id'])]:%Y-%m}.parquet"
    if name in BY_EVENT:
        start = started[str(row["event_id"])]
        return "part-undated.parquet" if start is None else f"part-{start:%Y-%m}.parquet"
    assert name in REGISTRIES, name
    return "part-0.parquet"


def assert_parts_hold_the_table(
    name: str,
    table: pl.DataFrame,
    parts: dict[str, pl.DataFrame],
    documents: pl.DataFrame,
    events: pl.DataFrame,
) -> None:
    """`parts` ({file name: rows}) hold exactly the rows of `table`, each in its file, in
    primary-key order within a file; an empty table is one empty `part-0.parquet`."""
    key = _key(name)
    if table.is_empty():
        assert list(parts) == ["part-0.parquet"], (name, list(parts))
        assert parts["part-0.parquet"].is_empty()
        assert parts["part-0.parquet"].schema == table.schema
        return
    published = dict(documents.select("document_id", "published").iter_rows())
    started = dict(events.select("event_id", "date_start").iter_rows())
    assert parts, name
    for file, rows in parts.items():
        assert not rows.is_empty(), (name, file)  # no empty file beside the others
        assert rows.schema == table.schema, (name, file)
        belong = {
            expected_file(name, row, published, started) for row in rows.iter_rows(named=True)
        }
        assert belong == {file}, (name, file)
        assert rows.equals(rows.sort(key)), (name, file, "not in primary-key order")
    # Every row in exactly one file: as many rows as the table, and the same rows.
    assert sum(rows.height for rows in parts.values()) == table.height, name
    together = pl.concat(list(parts.values())).sort(key)
    assert_frame_equal(together, table.sort(key), check_exact=True)


# --- table_parts on tables drawn directly ------------------------------------------------------


@st.composite
def release_tables(draw: st.DrawFn) -> dict[str, pl.DataFrame]:
    """Tables shaped like the assembled ones (sorted by primary key), with only the columns the
    split reads plus ones it must not read: a claim's own date and event say nothing of its file."""
    n_documents = draw(st.integers(0, 6))
    documents = pl.DataFrame(
        {
            "document_id": [f"doc-{i}" for i in range(n_documents)],
            "published": draw(st.lists(DAYS, min_size=n_documents, max_size=n_documents)),
        },
        schema={"document_id": pl.String, "published": pl.Date},
    )
    n_events = draw(st.integers(0, 6))
    events = pl.DataFrame(
        {
            "event_id": [f"event-{i}" for i in range(n_events)],
            "date_start": draw(st.lists(st.none() | DAYS, min_size=n_events, max_size=n_events)),
        },
        schema={"event_id": pl.String, "date_start": pl.Date},
    )
    document_ids = documents["document_id"].to_list()
    event_ids = events["event_id"].to_list()

    def of_documents(prefix: str) -> pl.DataFrame:
        count = draw(st.integers(0, 8)) if document_ids else 0
        return pl.DataFrame(
            {
                f"{prefix}_id": [f"{prefix}-{i:03d}" for i in range(count)],
                "document_id": [draw(st.sampled_from(document_ids)) for _ in range(count)],
                "event_id": [
                    draw(st.none() | st.sampled_from(event_ids or ["elsewhere"]))
                    for _ in range(count)
                ],
                "date_start": draw(st.lists(st.none() | DAYS, min_size=count, max_size=count)),
            },
            schema={
                f"{prefix}_id": pl.String,
                "document_id": pl.String,
                "event_id": pl.String,
                "date_start": pl.Date,
            },
        )

    roles = draw(
        st.sets(
            st.tuples(
                st.sampled_from(event_ids or ["none"]),
                st.sampled_from(["actor-a", "actor-b", "actor-c"]),
                st.sampled_from(["initiator", "target"]),
            ),
            max_size=10 if event_ids else 0,
        )
    )
    event_actors = pl.DataFrame(
        sorted(roles), schema=["event_id", "actor_id", "role"], orient="row"
    ).cast(pl.String)
    registry = draw(st.integers(0, 4))
    return {
        "documents": documents,
        "actors": pl.DataFrame({"actor_id": [f"actor-{i}" for i in range(registry)]}).cast(
            pl.String
        ),
        "places": pl.DataFrame({"place_id": ["place-0", "place-1"]}),
        "events": events,
        "event_actors": event_actors,
        "claims": of_documents("claim"),
        "mentions": of_documents("mention").drop("event_id", "date_start"),
    }


@given(release_tables())
def test_every_row_lands_in_exactly_one_file_named_by_its_month(
    tables: dict[str, pl.DataFrame],
) -> None:
    parts = table_parts(tables)
    assert list(parts) == list(tables)
    for name, table in tables.items():
        assert_parts_hold_the_table(name, table, parts[name], tables["documents"], tables["events"])


def test_an_empty_table_is_one_empty_part_0() -> None:
    documents = pl.DataFrame(
        {"document_id": ["a", "b"], "published": [dt.date(2019, 5, 1), dt.date(2021, 1, 2)]}
    )
    events = pl.DataFrame(
        {"event_id": [], "date_start": []}, schema={"event_id": pl.String, "date_start": pl.Date}
    )
    claims = pl.DataFrame(
        {"claim_id": [], "document_id": []},
        schema={"claim_id": pl.String, "document_id": pl.String},
    )
    parts = table_parts({"documents": documents, "events": events, "claims": claims})
    assert list(parts["documents"]) == ["part-2019-05.parquet", "part-2021-01.parquet"]
    for name in ("events", "claims"):
        assert list(parts[name]) == ["part-0.parquet"]
        assert parts[name]["part-0.parquet"].is_empty()


def test_a_row_of_no_document_of_the_release_is_refused() -> None:
    documents = pl.DataFrame({"document_id": ["a"], "published": [dt.date(2021, 1, 2)]})
    events = pl.DataFrame({"event_id": ["e"], "date_start": [dt.date(2020, 3, 4)]})
    mentions = pl.DataFrame({"mention_id": ["m"], "document_id": ["not-a-document"]})
    with pytest.raises(ValueError, match="no document or event"):
        table_parts({"documents": documents, "events": events, "mentions": mentions})


# --- a release built and written ---------------------------------------------------------------


def assert_release_files(release: Path, tables: Mapping[str, pl.DataFrame]) -> None:
    """The files of a written release hold the assembled tables, each row in the file of its
    month, and `eventset.load` gives back each table as assembled."""
    files = table_files(entry["path"] for entry in read_manifest(release)["files"])
    assert set(files) == {t.name for t in TABLES}
    on_disk = {
        name: {path.split("/", 1)[1]: pl.read_parquet(release / path) for path in paths}
        for name, paths in files.items()
    }
    # Only table files, each directly in its table's folder.
    assert all("/" not in file for parts in on_disk.values() for file in parts)
    loaded = load(path=release)
    for table in TABLES:
        frame = tables[table.name]
        parts = {
            file: rows.cast(dict(frame.schema))  # type: ignore[arg-type]
            for file, rows in on_disk[table.name].items()
        }
        assert_parts_hold_the_table(table.name, frame, parts, tables["documents"], tables["events"])
        for path in files[table.name]:  # row counts of the manifest are per file
            assert (
                pq.read_metadata(release / path).num_rows
                == on_disk[table.name][path.split("/", 1)[1]].height
            )
        assert_frame_equal(loaded[table.name], frame.sort(_key(table.name)), check_exact=True)


def test_the_seed_release_is_split_by_month_and_loads_as_assembled(
    gold_build: BuildResult,
) -> None:
    assert gold_build.written is not None
    assert_release_files(gold_build.written.path, gold_build.tables)


@settings(max_examples=scaled(0.5))
@given(corpora(max_documents=2))
def test_a_built_corpus_is_split_by_month_and_loads_as_assembled(corpus: Corpus) -> None:
    with built(corpus) as (_, result):
        assert result.written is not None
        assert_release_files(result.written.path, result.tables)


def test_a_release_over_several_months_with_an_empty_table(
    gold_build: BuildResult, tmp_path: Path
) -> None:
    """The seed's tables with their document moved to 2019 and no claims: the document's rows
    follow it to part-2019-09, and the empty claims table is one part-0 file with no rows."""
    tables = dict(gold_build.tables)
    tables["documents"] = tables["documents"].with_columns(pl.col("published").dt.offset_by("-2y"))
    tables["claims"] = tables["claims"].clear()
    release = write_release(tables, tmp_path, "0.0.1", {}).path
    files = table_files(entry["path"] for entry in read_manifest(release)["files"])
    assert files["claims"] == ["claims/part-0.parquet"]
    assert pq.read_metadata(release / "claims" / "part-0.parquet").num_rows == 0
    assert files["documents"] == ["documents/part-2019-09.parquet"]
    assert files["mentions"] == ["mentions/part-2019-09.parquet"]
    assert files["events"] == [
        "events/part-2020-01.parquet",
        "events/part-2021-09.parquet",
        "events/part-undated.parquet",
    ]
    assert_release_files(release, tables)
