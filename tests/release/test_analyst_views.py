"""What an analyst reads first: the flat view of events, the countries table, the sentence of
each mention, and the joins the README documents (with the column names they produce)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import eventset
from eventset.pipeline import BuildResult
from eventset.release.flat import COLUMNS, flat_events
from eventset.release.load import load
from eventset.schema.vocab import vocabulary

BOMBING = "iq-2021-09-06-kalsu-bridge-convoy-bombing"
SOLEIMANI = "iq-2020-01-03-soleimani-muhandis-killing"


@pytest.fixture(scope="module")
def gold(gold_build: BuildResult) -> Path:
    assert gold_build.written is not None
    return gold_build.written.path


def test_the_flat_view_has_one_row_per_event_and_no_clashing_names(gold: Path) -> None:
    view = eventset.flat(path=gold)
    events = load(path=gold)["events"]
    assert view.columns == [name for name, _ in COLUMNS]
    assert view["event_id"].to_list() == sorted(events["event_id"].to_list())
    assert not [c for c in view.columns if c.endswith("_right")]
    bombing = view.filter(pl.col("event_id") == BOMBING).row(0, named=True)
    assert bombing["actor1_id"] == "unidentified-iq" and bombing["actor2_id"] == "us-armed-forces"
    assert bombing["country_name"] == "Iraq" and bombing["iso_numeric"] == 368
    assert bombing["location"] and bombing["latitude"] is not None
    soleimani = view.filter(pl.col("event_id") == SOLEIMANI).row(0, named=True)
    assert soleimani["fatalities_low"] == 2 and soleimani["actor1"] == "United States"
    # a "no claim" is not a claim of responsibility
    assert view["claim_id"].null_count() == view.height


def test_the_flat_view_takes_the_latest_asserted_claim_of_responsibility(gold: Path) -> None:
    tables = dict(load(path=gold))
    claims = tables["claims"]
    template = claims.row(0, named=True)

    def claim(claim_id: str, claimant: str, day: int, polarity: str) -> dict[str, object]:
        row = dict(template)
        row.update(
            claim_id=claim_id,
            claimant_id=claimant,
            kind="responsibility",
            polarity=polarity,
            event_id=BOMBING,
            date_start=dt.date(2021, 9, day),
            date_end=dt.date(2021, 9, day),
        )
        return row

    extra = pl.DataFrame(
        [
            claim("c-early", "islamic-state", 7, "asserted"),
            claim("c-late", "ashab-al-kahf", 8, "asserted"),
            claim("c-denied", "popular-mobilization-units", 9, "negated"),
        ],
        schema=claims.schema,
    )
    tables["claims"] = pl.concat([claims, extra])
    row = flat_events(tables).filter(pl.col("event_id") == BOMBING).row(0, named=True)
    assert (row["claim_id"], row["claimed_by_id"]) == ("c-late", "ashab-al-kahf")
    assert row["claimed_by"] == "Ashab al-Kahf" and row["claim_date"] == dt.date(2021, 9, 8)


def test_the_flat_view_in_pandas_is_typed(gold: Path) -> None:
    view = eventset.flat(path=gold, backend="pandas")
    assert isinstance(view, pd.DataFrame) and list(view.columns) == [n for n, _ in COLUMNS]
    assert str(view["fatalities_low"].dtype) == "Int64"
    assert str(view["date_start"].dtype) == "datetime64[us]"
    assert isinstance(view["event_type"].dtype, pd.CategoricalDtype)
    assert view["date_start"].dt.to_period("M").notna().any()


def test_countries_carry_names_and_iso_codes(gold: Path) -> None:
    countries = load(path=gold)["countries"]
    assert countries.height == len(vocabulary("countries").codes)
    by_code = {row["country"]: row for row in countries.iter_rows(named=True)}
    assert by_code["IQ"] == {
        "country": "IQ",
        "country_name": "Iraq",
        "iso_alpha3": "IRQ",
        "iso_numeric": 368,
    }
    assert by_code["AF"]["iso_numeric"] == 4 and by_code["XK"]["iso_numeric"] is None
    # every country column of the release reads through it
    events = load(path=gold)["events"].join(countries, on="country", how="left")
    assert events.filter(pl.col("country").is_not_null())["country_name"].null_count() == 0


def test_mentions_carry_their_sentence_where_the_text_is_published(
    gold: Path, synthetic_release: Path
) -> None:
    # The seed's licence does not allow its text: no sentence either.
    assert load(path=gold)["mentions"]["sentence"].null_count() > 0
    assert load(path=gold)["mentions"]["sentence"].drop_nulls().len() == 0
    tables = load(path=synthetic_release)
    texts = dict(tables["documents"].select("document_id", "text").iter_rows())
    mentions = tables["mentions"]
    assert mentions["sentence"].null_count() == 0
    for row in mentions.iter_rows(named=True):
        text = texts[row["document_id"]]
        assert row["quote"] in row["sentence"]
        at = text.index(row["sentence"])
        assert at <= row["char_start"] and row["char_end"] <= at + len(row["sentence"])
        assert row["sentence"] == row["sentence"].strip()


def test_the_documented_joins_give_the_documented_names(gold: Path) -> None:
    tables = load(path=gold)
    events, places, claims = tables["events"], tables["places"], tables["claims"]
    # README: events already carry their place's columns; a naive join duplicates five of them.
    naive = events.join(places, on="place_id", how="left")
    assert sorted(c for c in naive.columns if c.endswith("_right")) == [
        "admin1_right",
        "admin2_right",
        "country_right",
        "latitude_right",
        "longitude_right",
    ]
    # README: take only what events lack, named for the place.
    located = events.join(
        places.select("place_id", "geonames_id", place_kind="kind"), on="place_id", how="left"
    )
    assert located.columns == [*events.columns, "geonames_id", "place_kind"]
    # README: claims with their event, the event's columns suffixed "_event".
    joined = claims.join(events, on="event_id", how="left", suffix="_event")
    shared = sorted(set(claims.columns) & set(events.columns) - {"event_id"})
    assert shared == ["accepted_warnings", "date_end", "date_precision", "date_start", "summary"]
    assert all(f"{name}_event" in joined.columns for name in shared)
