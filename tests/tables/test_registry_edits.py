"""Which rows an edit of the registries reaches (eventset/tables/registry_edits.py)."""

from __future__ import annotations

import polars as pl

from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry
from eventset.tables.registry_edits import places_reached, registry_edit


def _place(place_id: str, kind: str = "town", parent: str | None = None, **more: object) -> Place:
    return Place.model_validate(
        {"id": place_id, "name": place_id.title(), "kind": kind, "country": "IQ", "parent": parent}
        | more
    )


def _places(*places: Place) -> PlaceRegistry:
    return PlaceRegistry.model_validate({"format": 1, "places": [p.model_dump() for p in places]})


def _actors(*actors: Actor) -> ActorRegistry:
    return ActorRegistry.model_validate({"format": 1, "actors": [a.model_dump() for a in actors]})


def _actor(actor_id: str, kind: str = "military", **more: object) -> Actor:
    return Actor.model_validate({"id": actor_id, "name": actor_id.title(), "kind": kind} | more)


def test_an_edited_place_reaches_every_place_under_it_before_or_after() -> None:
    before = _places(
        _place("region", "admin1"),
        _place("town", parent="region"),
        _place("market", "site", parent="town"),
        _place("elsewhere"),
        _place("moved", parent="region"),
    )
    after = _places(
        _place("region", "admin1", latitude=33.0, longitude=44.0),
        _place("town", parent="region"),
        _place("market", "site", parent="town"),
        _place("elsewhere"),
        _place("moved"),  # no longer under the region: its location changes too
    )
    assert places_reached({"region", "moved"}, before, after) == {
        "region",
        "town",
        "market",
        "moved",
    }
    now_under = _places(_place("region", "admin1"), _place("elsewhere", parent="region"))
    assert places_reached({"region"}, before, now_under) == {
        "region",
        "town",
        "market",
        "moved",
        "elsewhere",
    }
    assert places_reached(set(), before, after) == set()


def test_the_events_an_edit_reaches() -> None:
    places = _places(_place("a"), _place("b"))
    edit = registry_edit(
        (_actors(_actor("x"), _actor("y"), _actor("gone")), places),
        (
            _actors(_actor("x"), _actor("y", kind="government")),
            _places(_place("a"), _place("b", latitude=1.0, longitude=2.0)),
        ),
    )
    assert edit.actors == {"y", "gone"} and edit.removed_actors == {"gone"}
    assert edit.places == {"b"} and not edit.removed_places
    events = pl.LazyFrame({"event_id": ["e1", "e2", "e3"], "place_id": ["a", "b", None]})
    event_actors = pl.LazyFrame({"event_id": ["e1", "e3", "e3"], "actor_id": ["x", "x", "y"]})
    assert edit.events(events, event_actors) == {"e2", "e3"}


def test_the_same_registries_reach_nothing() -> None:
    actors, places = _actors(_actor("x")), _places(_place("a"))
    edit = registry_edit((actors, places), (actors, places))
    assert edit.empty
    assert edit.events(pl.LazyFrame(), pl.LazyFrame()) == set()
