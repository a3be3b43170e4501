"""Typed columns: vocabularies as Enums (pandas Categoricals), nullable integers and booleans,
dates as dates, whatever the data; DuckDB and plain pyarrow still read the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventset.pipeline import build
from eventset.release.load import load
from eventset.schema.contracts import pandas_frame, polars_schema
from eventset.schema.tables import TABLES, TABLES_BY_NAME
from eventset.schema.vocab import vocabulary
from tests.conftest import REPO


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("typed") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = build(root, root / "dist", "dev", cache=False)
    assert result.written is not None, result.failures
    return result.written.path


def _files(release: Path, table: str) -> list[Path]:
    """The table's Parquet files (its folder holds one per month for a table that grows)."""
    found = sorted((release / table).rglob("*.parquet"))
    assert found, table
    return found


def test_vocabulary_columns_load_as_enums_of_the_whole_vocabulary(release: Path) -> None:
    tables = load(path=release)
    for table in TABLES:
        assert tables[table.name].schema == polars_schema(table)
        for col in table.columns:
            if col.vocabulary is not None:
                dtype = tables[table.name].schema[col.name]
                assert isinstance(dtype, pl.Enum), (table.name, col.name)
                assert dtype.categories.to_list() == list(vocabulary(col.vocabulary).values())
    events = tables["events"]
    event_type = events.schema["event_type"]
    assert isinstance(event_type, pl.Enum) and "ASSAULT" in event_type.categories
    assert events.filter(pl.col("event_type") == "ASSAULT").height == 2


def test_vocabulary_columns_are_stored_dictionary_encoded(release: Path) -> None:
    for table in TABLES:
        for path in _files(release, table.name):
            schema = pq.read_schema(path)
            for col in table.columns:
                dictionary = pa.types.is_dictionary(schema.field(col.name).type)
                assert dictionary == (col.vocabulary is not None), (path, col.name)


def test_pandas_dtypes_depend_on_the_table_not_the_data(release: Path) -> None:
    tables = load(path=release, backend="pandas")
    events = tables["events"]
    assert str(events["fatalities_low"].dtype) == "Int64"
    assert str(events["ucdp_date_prec"].dtype) == "Int32"
    assert str(events["date_derived"].dtype) == "boolean"
    assert str(events["date_start"].dtype) == "datetime64[us]"
    assert list(events["event_type"].cat.categories) == list(vocabulary("event_types").values())
    soleimani = events[events["event_id"] == "iq-2020-01-03-soleimani-muhandis-killing"]
    assert soleimani["fatalities_low"].tolist() == [2]
    # The same dtypes on a frame with no rows, and on one where every value is null.
    loaded = load(path=release)["events"]
    for frame in (loaded.clear(), loaded.select(pl.all().first()).clear(3)):
        empty = pandas_frame(TABLES_BY_NAME["events"], frame)
        assert dict(empty.dtypes) == dict(events.dtypes)


def test_pandas_dates_work_with_the_usual_date_code(release: Path) -> None:
    events = load(path=release, backend="pandas")["events"]
    start = events["date_start"]
    assert start.isna().sum() == load(path=release)["events"]["date_start"].null_count()
    # periods, resampling and comparison with a string or a Timestamp (date32[pyarrow] broke all)
    months = start.dt.to_period("M").dropna().astype(str)
    assert "2021-09" in set(months) and "2020-01" in set(months)
    per_month = events.dropna(subset=["date_start"]).set_index("date_start").resample("MS").size()
    assert per_month.sum() == start.notna().sum() and per_month.index.freqstr == "MS"
    assert (start >= "2021-01-01").sum() == (start >= pd.Timestamp("2021-01-01")).sum() > 0
    assert (start.dt.year == 2020).any()


def test_duckdb_and_pyarrow_read_the_files(release: Path) -> None:
    import duckdb

    assaults = [
        "iq-2020-01-03-soleimani-muhandis-killing",
        "iq-2021-09-06-kalsu-bridge-convoy-bombing",
    ]
    relation = duckdb.sql(
        f"SELECT event_id FROM read_parquet('{release / 'events'}/*.parquet') "
        "WHERE event_type = 'ASSAULT' ORDER BY event_id"
    )
    assert relation is not None
    rows = relation.fetchall()
    assert [r[0] for r in rows] == assaults
    found = []
    for path in _files(release, "events"):
        table = pq.read_table(path)
        found += [
            event_id
            for event_id, event_type in zip(
                table.column("event_id").to_pylist(),
                table.column("event_type").to_pylist(),
                strict=True,
            )
            if event_type == "ASSAULT"
        ]
    assert sorted(found) == assaults


def test_the_seed_events_are_located_and_crosswalked_from_their_participants(
    release: Path,
) -> None:
    events = load(path=release)["events"]
    by_id = {row["event_id"]: row for row in events.to_dicts()}
    killing = by_id["iq-2020-01-03-soleimani-muhandis-killing"]
    assert killing["acled_event_type"] is None and killing["acled_civilian_targeting"] is None
    assert killing["gtd_attacktype"] == 1  # an assassination, whoever the victims are
    bombing = by_id["iq-2021-09-06-kalsu-bridge-convoy-bombing"]
    assert (bombing["country"], bombing["admin1"], bombing["location"]) == (
        "IQ",
        "Babil",
        "Kalsu Bridge",
    )
    assert bombing["latitude"] is not None and bombing["gtd_targtype"] == 4
    assert bombing["acled_civilian_targeting"] is False
    unplaced = events.filter(pl.col("place_id").is_null())
    assert unplaced.height > 0
    assert set(unplaced["geo_precision"].cast(pl.String)) == {"unknown"}
