"""Locating events: the nearest place up the chain with coordinates, safe on a broken registry;
the events table's own columns win once it has them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from eventset.explorer.geo import Place, bbox_outlines, country_outlines, locations
from eventset.explorer.index import index_site
from eventset.release.load import load

BOMBING = "iq-2021-09-06-kalsu-bridge-convoy-bombing"


def test_a_place_without_coordinates_is_drawn_at_its_nearest_located_parent() -> None:
    places = {
        "market": Place("market", "Market", "IQ", "town", None, None),
        "town": Place("town", "Town", "IQ", "province", None, None),
        "province": Place("province", "Province", "IQ", None, 32.5, 44.4),
    }
    found = locations(places)["market"]
    assert (found.point_place_id, found.latitude, found.longitude) == ("province", 32.5, 44.4)
    assert found.country == "IQ" and found.place_id == "market"


def test_a_cycle_of_parents_ends_without_coordinates() -> None:
    places = {
        "a": Place("a", "A", "IQ", "b", None, None),
        "b": Place("b", "B", "IQ", "a", None, None),
    }
    assert locations(places)["a"].latitude is None


def test_outlines_come_from_the_package_and_boxes_fill_the_gaps() -> None:
    outlines = country_outlines()
    assert {"IQ", "SY", "IR", "FR"} <= set(outlines)
    assert len(outlines) > 150
    boxes = bbox_outlines(["IQ", "ZZ"])
    assert set(boxes) == {"IQ"}


def test_the_seed_bombing_is_located_at_babil(seed_release: Path) -> None:
    site = index_site(load(path=seed_release), seed_release)
    where = site.event_location[BOMBING]
    assert where.place_id == "kalsu-bridge" and where.point_place_id == "babil-governorate"
    assert where.country == "IQ" and where.latitude is not None


def test_the_events_table_locates_its_rows_when_it_can(seed_release: Path) -> None:
    tables = load(path=seed_release)
    tables["events"] = tables["events"].with_columns(
        pl.lit(1.5).alias("latitude"),
        pl.lit(2.5).alias("longitude"),
        pl.lit("IQ").cast(pl.Enum(["IQ"])).alias("country"),  # vocabularies may become Enums
    )
    where = index_site(tables, seed_release).event_location[BOMBING]
    assert (where.latitude, where.longitude, where.country) == (1.5, 2.5, "IQ")
