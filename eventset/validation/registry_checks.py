"""Checks of the registries (data/actors.yaml, data/places.yaml) on their own: unique ids,
parents and replacements that exist, coordinates inside the country. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from eventset.inputs.parse import Located
from eventset.problems import Problem
from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry, Retired
from eventset.schema.vocab import bbox_contains, vocabulary
from eventset.validation.ids import duplicate_ids


def check_actor_registry(registry: ActorRegistry, where: Located) -> Iterator[Problem]:
    yield from duplicate_ids((a.id for a in registry.actors), "actors", "Actor", where)
    live = {a.id for a in registry.actors}
    yield from _check_retired(registry.retired, live, "actors", where)
    yield from _check_parents(registry.actors, live, "actors", "actor", where)


def check_place_registry(registry: PlaceRegistry, where: Located) -> Iterator[Problem]:
    yield from duplicate_ids((p.id for p in registry.places), "places", "Place", where)
    countries = vocabulary("countries")
    for i, place in enumerate(registry.places):
        if (place.latitude is None) != (place.longitude is None):
            yield where.at("E203", ("places", i), "Give both latitude and longitude, or neither.")
        elif place.latitude is not None and place.longitude is not None:
            bbox = countries[place.country].fields.get("bbox")
            if isinstance(bbox, tuple | list) and not _inside(
                bbox, place.latitude, place.longitude
            ):
                yield where.at(
                    "E412",
                    ("places", i, "latitude"),
                    f"({place.latitude}, {place.longitude}) is outside {place.country}'s bounding box "
                    f"(lon {bbox[0]}..{bbox[2]}, lat {bbox[1]}..{bbox[3]}).",
                )
    live = {p.id for p in registry.places}
    yield from _check_retired(registry.retired, live, "places", where)
    yield from _check_parents(registry.places, live, "places", "place", where)


def _check_parents(
    entries: Sequence[Actor | Place],
    live: set[str],
    section: str,
    what: str,
    where: Located,
) -> Iterator[Problem]:
    for i, entry in enumerate(entries):
        if entry.parent is not None and entry.parent not in live:
            yield where.at(
                "E414", (section, i, "parent"), f"Parent {what} {entry.parent!r} is not defined."
            )
        if entry.parent == entry.id:
            yield where.at(
                "E414", (section, i, "parent"), f"{what.title()} {entry.id!r} is its own parent."
            )


def _inside(bbox: Sequence[float], latitude: float, longitude: float, margin: float = 0.1) -> bool:
    # The bounding boxes are coarse outlines; the margin keeps border towns from failing.
    min_lon, min_lat, max_lon, max_lat = bbox
    grown = (min_lon - margin, min_lat - margin, max_lon + margin, max_lat + margin)
    return bbox_contains(grown, longitude, latitude)


def _check_retired(
    retired: Sequence[Retired], live: Mapping[str, object] | set[str], table: str, where: Located
) -> Iterator[Problem]:
    for i, entry in enumerate(retired):
        if entry.id in live:
            yield where.at(
                "E404",
                ("retired", i, "id"),
                f"Retired id {entry.id!r} is still defined in {table}; ids are never reused.",
            )
        if entry.replaced_by is not None and entry.replaced_by not in live:
            yield where.at(
                "E414",
                ("retired", i, "replaced_by"),
                f"Replacement {entry.replaced_by!r} is not defined in {table}.",
            )
