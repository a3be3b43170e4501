"""What an edit of the registries changes in the tables, so a build after it rewrites only that.

The tables read the registries in three places (assemble.py): the actors and places tables
hold every entry; an event's location columns come from its place and the places up its
parent chain (locate.py); its ACLED, UCDP and GTD participant columns come from the kinds of
the actors taking part (crosswalk.py). So an entry's edit reaches the registry's own table,
and the events at a place whose chain, before or after, runs through an edited place, or in
which an edited actor takes part. Any other row is the same before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from eventset.schema.hierarchy import lineage
from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry


def _entries(registry: ActorRegistry | PlaceRegistry) -> dict[str, Actor | Place]:
    entries: Sequence[Actor | Place] = (
        registry.actors if isinstance(registry, ActorRegistry) else registry.places
    )
    return {entry.id: entry for entry in entries}


def edited_ids(
    before: ActorRegistry | PlaceRegistry, after: ActorRegistry | PlaceRegistry
) -> set[str]:
    """Ids of the entries added, removed or changed in any field."""
    old, new = _entries(before), _entries(after)
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def removed_ids(
    before: ActorRegistry | PlaceRegistry, after: ActorRegistry | PlaceRegistry
) -> set[str]:
    return set(_entries(before)) - set(_entries(after))


def _parents(places: Sequence[Place]) -> dict[str, str | None]:
    return {place.id: place.parent for place in places}


def places_reached(edited: set[str], before: PlaceRegistry, after: PlaceRegistry) -> set[str]:
    """The places whose location, as an event's, can change: each place whose parent chain
    before or after the edit holds an edited place (the place itself included)."""
    if not edited:
        return set()
    reached = set()
    for parents in (_parents(before.places), _parents(after.places)):
        for place_id in parents:
            if edited.intersection(lineage(place_id, parents)):
                reached.add(place_id)
    return reached | edited


@dataclass(frozen=True)
class RegistryEdit:
    """The entries edited between the registries a release was built from and today's."""

    actors: set[str]  # ids of the actors added, removed or changed
    places: set[str]
    places_reached: set[str]  # places whose events' locations may change
    removed_actors: set[str]
    removed_places: set[str]

    @property
    def empty(self) -> bool:
        return not self.actors and not self.places

    def events(self, events: pl.LazyFrame, event_actors: pl.LazyFrame) -> set[str]:
        """Ids of the events whose rows the edit can change, from a release's events
        (event_id, place_id) and event_actors (event_id, actor_id)."""
        if self.empty:
            return set()
        at = events.filter(pl.col("place_id").is_in(sorted(self.places_reached)))
        by = event_actors.filter(pl.col("actor_id").is_in(sorted(self.actors)))
        found = pl.concat([at.select("event_id"), by.select("event_id")]).collect()
        return set(found.get_column("event_id").to_list())


def registry_edit(
    before: tuple[ActorRegistry, PlaceRegistry], after: tuple[ActorRegistry, PlaceRegistry]
) -> RegistryEdit:
    places = edited_ids(before[1], after[1])
    return RegistryEdit(
        actors=edited_ids(before[0], after[0]),
        places=places,
        places_reached=places_reached(places, before[1], after[1]),
        removed_actors=removed_ids(before[0], after[0]),
        removed_places=removed_ids(before[1], after[1]),
    )
