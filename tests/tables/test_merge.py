"""Merging one event reported by several documents (assemble.merge_events), against a plain-Python
reference: the fatality range, certainty, the earliest document's summary, the crosswalks."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.vocab import event_crosswalk, vocabulary
from eventset.tables.assemble import events_table, merge_events
from eventset.tables.compile import row_schema
from tests.property.helpers import scaled

CERTAINTY = tuple(vocabulary("certainty_levels"))  # most certain first
Figures = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class Report:
    """One document's row for an event."""

    document_id: str
    published: dt.date
    figures: Figures = (None, None, None)
    certainty: str = "reported"
    summary: str = "A summary."
    event_id: str = "ev-1"
    event_type: str = "ASSAULT"
    mode: str | None = "explosives"
    date_precision: str = "day"
    geo_precision: str | None = "admin2"
    date_derived: bool = False


def rows(reports: list[Report]) -> pl.DataFrame:
    data: list[dict[str, Any]] = []
    for r in reports:
        low, best, high = r.figures
        data.append(
            {
                "event_id": r.event_id,
                "event_type": r.event_type,
                "mode": r.mode,
                "date_start": dt.date(2021, 9, 6),
                "date_end": dt.date(2021, 9, 6),
                "date_precision": r.date_precision,
                "date_derived": r.date_derived,
                "place_id": "kalsu" if r.geo_precision else None,
                "geo_precision": r.geo_precision,
                "fatalities_low": low,
                "fatalities_best": best,
                "fatalities_high": high,
                "certainty": r.certainty,
                "summary": r.summary,
                "document_id": r.document_id,
                "published": r.published,
            }
        )
    return pl.DataFrame(data, schema=row_schema("events"), orient="row")


def reference(reports: list[Report]) -> dict[str, dict[str, Any]]:
    """The merge rules of assemble.py's docstring, written out in plain Python."""
    merged: dict[str, dict[str, Any]] = {}
    for event_id in sorted({r.event_id for r in reports}):
        mine = sorted(
            (r for r in reports if r.event_id == event_id),
            key=lambda r: (r.published, r.document_id),
        )
        every = [v for r in mine for v in r.figures if v is not None]
        bests = [r.figures[1] for r in mine if r.figures[1] is not None]
        upper_given = any(r.figures[1] is not None or r.figures[2] is not None for r in mine)
        merged[event_id] = {
            "fatalities_low": min(every) if every else None,
            "fatalities_best": min(bests) if bests else None,
            "fatalities_high": max(every) if every and upper_given else None,
            "certainty": min((r.certainty for r in mine), key=CERTAINTY.index),
            "summary": mine[0].summary,
            "document_count": len({r.document_id for r in mine}),
            "date_derived": all(r.date_derived for r in mine),
        }
    return merged


def merged_by_id(reports: list[Report]) -> dict[str, dict[str, Any]]:
    frame = merge_events(rows(reports))
    assert frame.get_column("event_id").is_unique().all(), "one row per event"
    columns = ["fatalities_low", "fatalities_best", "fatalities_high", "certainty", "summary"]
    columns += ["document_count", "date_derived"]
    return {row["event_id"]: {c: row[c] for c in columns} for row in frame.iter_rows(named=True)}


DAY = dt.date(2021, 9, 1)
FULL: Figures = (3, 5, 9)
PARTIAL_LOW: Figures = (2, None, None)  # "at least 2"
PARTIAL_BEST: Figures = (None, 7, None)
PARTIAL_HIGH: Figures = (None, None, 12)  # "up to 12"
MISSING: Figures = (None, None, None)


def test_three_documents_in_every_order_give_one_range() -> None:
    figures = [FULL, PARTIAL_LOW, MISSING]
    for order in itertools.permutations(range(3)):
        reports = [Report(f"d{i}", DAY + dt.timedelta(days=i), figures[i]) for i in order]
        got = merged_by_id(reports)["ev-1"]
        assert (got["fatalities_low"], got["fatalities_best"], got["fatalities_high"]) == (
            2,
            5,
            9,
        ), order
        assert got["document_count"] == 3
        assert got["summary"] == "A summary."


def test_low_best_and_high_come_from_different_documents() -> None:
    reports = [
        Report("d0", DAY, PARTIAL_HIGH),
        Report("d1", DAY, PARTIAL_BEST),
        Report("d2", DAY, (4, None, None)),
        Report("d3", DAY, (1, 2, None)),
    ]
    for order in itertools.permutations(reports):
        got = merged_by_id(list(order))["ev-1"]
        assert (got["fatalities_low"], got["fatalities_best"], got["fatalities_high"]) == (
            1,
            2,
            12,
        )


def test_high_stays_null_while_only_lower_bounds_are_given() -> None:
    reports = [Report("d0", DAY, (2, None, None)), Report("d1", DAY, (6, None, None))]
    reports.append(Report("d2", DAY, MISSING))
    got = merged_by_id(reports)["ev-1"]
    assert (got["fatalities_low"], got["fatalities_best"], got["fatalities_high"]) == (
        2,
        None,
        None,
    )


def test_a_best_figure_alone_sets_the_upper_end() -> None:
    got = merged_by_id([Report("d0", DAY, (None, 4, None)), Report("d1", DAY, (10, None, None))])
    assert (got["ev-1"]["fatalities_low"], got["ev-1"]["fatalities_high"]) == (4, 10)


def test_partial_figures_of_one_kind_span_the_range() -> None:
    """Each document gives only one kind of figure: the range still runs from the lowest to the
    highest figure given, whichever kind it is."""
    bests = [Report("d0", DAY, (None, 6, None)), Report("d1", DAY, (None, 2, None))]
    assert _range(bests) == (2, 2, 6)
    highs = [Report("d0", DAY, (None, None, 10)), Report("d1", DAY, (None, None, 3))]
    assert _range(highs) == (3, None, 10)
    lows = [Report("d0", DAY, (10, None, None)), Report("d1", DAY, (2, None, None))]
    assert _range([*lows, Report("d2", DAY, (None, 4, None))]) == (2, 4, 10)


def _range(reports: list[Report]) -> tuple[int | None, int | None, int | None]:
    got = merged_by_id(reports)["ev-1"]
    return got["fatalities_low"], got["fatalities_best"], got["fatalities_high"]


def test_no_figures_at_all_stay_null() -> None:
    got = merged_by_id([Report(f"d{i}", DAY, MISSING) for i in range(3)])["ev-1"]
    assert [got[f"fatalities_{n}"] for n in ("low", "best", "high")] == [None, None, None]


def test_the_earliest_document_s_summary_wins_whatever_the_document_ids() -> None:
    # Ids sort against publication order: z-late was published first.
    reports = [
        Report("a-late", DAY + dt.timedelta(days=3), summary="Late."),
        Report("m-middle", DAY + dt.timedelta(days=1), summary="Middle."),
        Report("z-early", DAY, summary="Early."),
    ]
    for order in itertools.permutations(reports):
        assert merged_by_id(list(order))["ev-1"]["summary"] == "Early."


def test_documents_published_the_same_day_fall_back_to_document_id() -> None:
    reports = [Report("b", DAY, summary="B."), Report("a", DAY, summary="A.")]
    assert merged_by_id(reports)["ev-1"]["summary"] == "A."


def test_the_most_certain_level_wins() -> None:
    for levels in itertools.permutations(["alleged", "reported", "disputed"]):
        reports = [Report(f"d{i}", DAY, certainty=c) for i, c in enumerate(levels)]
        assert merged_by_id(reports)["ev-1"]["certainty"] == "reported"


def test_a_date_is_derived_only_when_every_document_derives_it() -> None:
    both = [Report("d0", DAY, date_derived=True), Report("d1", DAY, date_derived=True)]
    assert merged_by_id(both)["ev-1"]["date_derived"] is True
    one = [Report("d0", DAY, date_derived=True), Report("d1", DAY, date_derived=False)]
    assert merged_by_id(one)["ev-1"]["date_derived"] is False


def test_events_sharing_type_mode_and_precisions_each_get_their_crosswalk_once() -> None:
    reports = [
        Report("d0", DAY, event_id="ev-1"),
        Report("d1", DAY, event_id="ev-2"),
        Report("d2", DAY, event_id="ev-2"),
        Report("d0", DAY, event_id="ev-3", event_type="PROTEST", mode=None, geo_precision=None),
    ]
    # The crosswalk is joined where the events table is finished (after locating the events).
    per_document = rows(reports)
    no_one = (
        per_document.select("event_id")
        .head(0)
        .with_columns(
            pl.lit(None, pl.String).alias("actor_id"), pl.lit(None, pl.String).alias("role")
        )
    )
    merged = events_table(
        per_document, no_one, ActorRegistry(format=1), PlaceRegistry(format=1)
    ).sort("event_id")
    assert merged.get_column("event_id").to_list() == ["ev-1", "ev-2", "ev-3"]
    walk = event_crosswalk("ASSAULT", "explosives")
    by_id = {row["event_id"]: row for row in merged.iter_rows(named=True)}
    for event_id in ("ev-1", "ev-2"):
        assert by_id[event_id]["cameo_code"] == walk.cameo_code
        assert by_id[event_id]["acled_event_type"] == walk.acled_event_type
        assert by_id[event_id]["gtd_attacktype"] == walk.gtd_attacktype
    dates = vocabulary("date_precisions")["day"].fields
    geos = vocabulary("geo_precisions")["admin2"].fields
    assert by_id["ev-1"]["ucdp_date_prec"] == dates.get("ucdp_date_prec")
    assert by_id["ev-1"]["acled_geo_precision"] == geos.get("acled_geo_precision")
    assert by_id["ev-3"]["acled_event_type"] == event_crosswalk("PROTEST", None).acled_event_type
    assert by_id["ev-3"]["acled_geo_precision"] is None


# Figures as a document may give them: any subset of low <= best <= high (validation, E413,
# rejects a decreasing pair).
figures = st.lists(st.integers(0, 50), min_size=3, max_size=3).flatmap(
    lambda values: st.tuples(*(st.sampled_from([None, v]) for v in sorted(values)))
)


@st.composite
def reports(draw: st.DrawFn) -> list[Report]:
    out = []
    for event_id in ("ev-1", "ev-2"):
        for k in range(draw(st.integers(1, 5))):
            out.append(
                Report(
                    f"d{k}",
                    DAY + dt.timedelta(days=draw(st.integers(0, 3))),
                    draw(figures),
                    draw(st.sampled_from(CERTAINTY)),
                    f"Summary {event_id} {k}.",
                    event_id,
                    date_derived=draw(st.booleans()),
                )
            )
    return draw(st.permutations(out))


@settings(max_examples=scaled(20))  # a merge takes milliseconds: afford many examples
@given(reports())
def test_merge_matches_the_reference(reports: list[Report]) -> None:
    assert merged_by_id(reports) == reference(reports)
