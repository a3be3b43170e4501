"""Located events: country, admin levels, name and coordinates up the place hierarchy."""

from __future__ import annotations

import polars as pl

from eventset.schema.registry import Place
from eventset.tables.locate import locate, located_events


def _place(id: str, kind: str, parent: str | None = None, **extra: object) -> Place:
    return Place.model_validate(
        {"id": id, "name": id.title(), "kind": kind, "country": "IQ", "parent": parent, **extra}
    )


PLACES = {
    "iraq": _place("iraq", "country"),
    "babil": _place("babil", "admin1", "iraq", latitude=32.48, longitude=44.43),
    "hilla-district": _place("hilla-district", "admin2", "babil"),
    "bridge": _place("bridge", "infrastructure", "hilla-district"),
    "market": _place("market", "site", "hilla-district", latitude=32.4, longitude=44.4),
}


def test_coordinates_come_from_the_nearest_place_that_has_them() -> None:
    bridge = locate("bridge", PLACES)
    assert (bridge.latitude, bridge.longitude) == (32.48, 44.43)
    assert bridge.coordinates_precision == "admin1"
    assert (bridge.admin1, bridge.admin2, bridge.location) == ("Babil", "Hilla-District", "Bridge")
    market = locate("market", PLACES)
    assert (market.latitude, market.coordinates_precision) == (32.4, None)


def test_geo_precision_is_coherent_with_the_location() -> None:
    events = pl.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "place_id": ["bridge", "market", None, "iraq"],
            "geo_precision": ["near", "exact", None, "unknown"],
        }
    )
    located = located_events(events, list(PLACES.values())).sort("event_id")
    assert located["geo_precision"].to_list() == ["admin1", "exact", "unknown", "country"]
    assert located["latitude"].to_list() == [32.48, 32.4, None, None]
    assert located["country"].to_list() == ["IQ", "IQ", None, "IQ"]


def test_a_cycle_in_an_unchecked_registry_ends_the_walk() -> None:
    places = {
        "a": _place("a", "town", "b"),
        "b": _place("b", "admin1", "a"),
    }
    where = locate("a", places)
    assert where.latitude is None and where.admin1 == "B"
