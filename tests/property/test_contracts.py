"""The Pandera contracts reject frames that break each constraint declared in tables.py.

The constraints are read from the table descriptions themselves, so a constraint added there is
tested here without a new test; a new row check needs a way to violate it (VIOLATIONS below).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.pipeline import build
from eventset.schema.contracts import polars_schema, validate_frame
from eventset.schema.tables import TABLES, TABLES_BY_NAME, Column
from eventset.schema.vocab import vocabulary
from tests.conftest import REPO
from tests.property.helpers import scaled

Frames = dict[str, pl.DataFrame]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> Frames:
    """The gold release's tables: valid, and every table has rows."""
    root = tmp_path_factory.mktemp("contracts") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = build(root, root / "dist", "dev", cache=False)
    assert result.written is not None and all(f.height for f in result.tables.values())
    return dict(result.tables)


def _set(frame: pl.DataFrame, row: int, **values: Any) -> pl.DataFrame:
    """The frame with the given columns of one row replaced."""
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value, dtype=frame.schema[name]))
        .otherwise(pl.col(name))
        .alias(name)
        for name, value in values.items()
    )


def _column_constraints() -> list[tuple[str, str, str]]:
    found = []
    for table in TABLES:
        for col in table.columns:
            kinds = [
                ("nullable", not col.nullable),
                ("pattern", col.pattern is not None),
                ("vocabulary", col.vocabulary is not None),
                ("ge", col.ge is not None),
                ("le", col.le is not None),
                ("unique", col.unique),
            ]
            found += [(table.name, col.name, kind) for kind, declared in kinds if declared]
    return found


def _bad_values(col: Column, kind: str) -> st.SearchStrategy[Any]:
    """Values that break one constraint of a column (and only need to break that one)."""
    if kind == "nullable":
        return st.none()
    if kind == "pattern":
        assert col.pattern is not None
        pattern = col.pattern
        return st.text(max_size=12).filter(lambda s: re.fullmatch(pattern, s) is None)
    if kind == "vocabulary":
        assert col.vocabulary is not None
        codes = set(vocabulary(col.vocabulary).values())
        return st.text(min_size=1, max_size=12).filter(lambda s: s not in codes)
    bound = col.ge if kind == "ge" else col.le
    assert bound is not None
    low, high = (None, bound) if kind == "ge" else (bound, None)
    if col.dtype == "float64":
        return st.floats(
            low,
            high,
            exclude_min=low is not None,
            exclude_max=high is not None,
            allow_nan=False,
            allow_infinity=False,
            width=32,
        )
    limit = 2**31 - 1
    return st.integers(
        int(low) + 1 if low is not None else -limit, int(high) - 1 if high is not None else limit
    )


_CHECK_NAMES = {
    "nullable": "not_nullable",
    "pattern": "str_matches",
    # A vocabulary column is an Enum of its codes: a string column holding another value can
    # only reach the contract as a column of the wrong type.
    "vocabulary": "dtype",
    "ge": "greater_than_or_equal_to",
    "le": "less_than_or_equal_to",
    "unique": "field_uniqueness",
}


@pytest.mark.parametrize(("table", "column", "kind"), _column_constraints())
@settings(max_examples=scaled(0.2))
@given(data=st.data())
def test_a_value_breaking_a_column_constraint_is_reported(
    valid: Frames, table: str, column: str, kind: str, data: st.DataObject
) -> None:
    frame = valid[table]
    row = data.draw(st.integers(0, frame.height - 1), label="row")
    if kind == "unique":
        broken = pl.concat([frame, frame.slice(row, 1)])
    else:
        value = data.draw(_bad_values(TABLES_BY_NAME[table].column(column), kind), label="value")
        if kind == "vocabulary":
            frame = frame.with_columns(pl.col(column).cast(pl.String))
            with pytest.raises(pl.exceptions.InvalidOperationError):
                _set(frame, row, **{column: value}).cast({column: valid[table].schema[column]})
        broken = _set(frame, row, **{column: value})
    failures = validate_frame(table, broken)
    assert any(f.column == column and f.check.startswith(_CHECK_NAMES[kind]) for f in failures), (
        failures
    )


@pytest.mark.parametrize("table", [t.name for t in TABLES if len(t.primary_key) > 1])
@settings(max_examples=scaled(0.2))
@given(data=st.data())
def test_a_repeated_composite_key_is_reported(
    valid: Frames, table: str, data: st.DataObject
) -> None:
    frame = valid[table]
    row = data.draw(st.integers(0, frame.height - 1))
    failures = validate_frame(table, pl.concat([frame, frame.slice(row, 1)]))
    assert {f.check for f in failures} == {"multiple_fields_uniqueness"}
    assert {f.row for f in failures} == {row, frame.height}


Violation = Callable[[pl.DataFrame, int, st.DataObject], pl.DataFrame]


def _unordered(*names: str) -> Violation:
    """Two of the given columns out of order (the later one smaller)."""

    def violate(frame: pl.DataFrame, row: int, data: st.DataObject) -> pl.DataFrame:
        i = data.draw(st.integers(0, len(names) - 2))
        j = data.draw(st.integers(i + 1, len(names) - 1))
        if frame.schema[names[i]] == pl.Date():
            day = data.draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
            return _set(frame, row, **{names[i]: day + dt.timedelta(days=1), names[j]: day})
        value = data.draw(st.integers(0, 1000))
        return _set(frame, row, **{names[i]: value + 1, names[j]: value})

    return violate


def _text_longer(frame: pl.DataFrame, row: int, data: st.DataObject) -> pl.DataFrame:
    text = data.draw(st.text(max_size=20))
    return _set(frame, row, text=text, char_count=len(text) + data.draw(st.integers(1, 5)))


def _one_coordinate(frame: pl.DataFrame, row: int, data: st.DataObject) -> pl.DataFrame:
    given = data.draw(st.sampled_from(("latitude", "longitude")))
    other = "longitude" if given == "latitude" else "latitude"
    return _set(frame, row, **{given: data.draw(st.floats(-90, 90)), other: None})


def _place_without_precision(frame: pl.DataFrame, row: int, data: st.DataObject) -> pl.DataFrame:
    if data.draw(st.booleans()):
        return _set(frame, row, place_id="kalsu-bridge", geo_precision="unknown")
    return _set(frame, row, place_id=None, geo_precision="exact")


def _wrong_span(frame: pl.DataFrame, row: int, data: st.DataObject) -> pl.DataFrame:
    quote = frame["quote"][row]
    start = frame["char_start"][row]
    shift = data.draw(st.integers(1, 5) | st.integers(-len(quote), -1))
    return _set(frame, row, char_end=start + len(quote) + shift)


VIOLATIONS: dict[tuple[str, str], Violation] = {
    ("documents", "text_matches_length"): _text_longer,
    ("places", "coordinates_paired"): _one_coordinate,
    ("events", "dates_ordered"): _unordered("date_start", "date_end"),
    ("events", "fatalities_ordered"): _unordered(
        "fatalities_low", "fatalities_best", "fatalities_high"
    ),
    ("events", "place_matches_precision"): _place_without_precision,
    ("events", "coordinates_paired"): _one_coordinate,
    ("claims", "dates_ordered"): _unordered("date_start", "date_end"),
    ("mentions", "span_matches_quote"): _wrong_span,
}
ROW_CHECKS = [(t.name, c.name) for t in TABLES for c in t.row_checks]


def test_every_row_check_has_a_violation() -> None:
    assert set(VIOLATIONS) == set(ROW_CHECKS)


@pytest.mark.parametrize(("table", "check"), ROW_CHECKS)
@settings(max_examples=scaled(0.5))
@given(data=st.data())
def test_a_row_breaking_a_row_check_is_reported(
    valid: Frames, table: str, check: str, data: st.DataObject
) -> None:
    frame = valid[table]
    row = data.draw(st.integers(0, frame.height - 1), label="row")
    failures = validate_frame(table, VIOLATIONS[(table, check)](frame, row, data))
    assert any(f.check == check and f.row == row for f in failures), failures


def test_the_base_frames_are_valid(valid: Frames) -> None:
    for name, frame in valid.items():
        assert validate_frame(name, frame) == [], name
        assert frame.schema == polars_schema(TABLES_BY_NAME[name])
