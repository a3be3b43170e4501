"""Checks of the registries (data/actors.yaml, data/places.yaml) on their own: unique ids,
parents and replacements that exist, coordinates inside the country, and a real hierarchy: no
entry is its own ancestor or deeper than any walk follows, a place is narrower than its parent
and in its parent's country (docs/hierarchy.md). Pure.

The checks run over the entries that passed their model. An entry that failed it still counts
as defined, so its own model problem is the only one reported: a parent, a replacement or a
reference naming it is not reported as unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Generic, TypeVar

from eventset.inputs.parse import Located
from eventset.problems import Problem
from eventset.schema.hierarchy import MAX_DEPTH, cycles, depths
from eventset.schema.registry import Actor, Place, Retired
from eventset.schema.vocab import bbox_contains, place_kind_rank, vocabulary
from eventset.validation.ids import duplicate_ids

E = TypeVar("E", Actor, Place, Retired)
H = TypeVar("H", Actor, Place)  # entries with a parent


@dataclass(frozen=True)
class Section(Generic[E]):
    """One list of a registry file (`actors`, `places` or `retired`)."""

    # (position in the list, entry) of each entry that passed its model.
    entries: tuple[tuple[int, E], ...]
    # The id at every position of the list; None where there is no valid id.
    ids: tuple[str | None, ...]

    @classmethod
    def whole(cls, entries: Sequence[E]) -> Section[E]:
        """A list whose entries all passed their model."""
        return cls(tuple(enumerate(entries)), tuple(entry.id for entry in entries))

    @property
    def defined(self) -> frozenset[str]:
        """Every id the list defines, valid entry or not."""
        return frozenset(item for item in self.ids if item is not None)


def check_actor_registry(
    actors: Section[Actor], retired: Section[Retired], where: Located
) -> Iterator[Problem]:
    yield from duplicate_ids(actors.ids, "actors", "Actor", where)
    yield from _check_retired(retired, actors.defined, "actors", where)
    yield from _check_parents(actors, "actors", "actor", where)
    parents = _parents(actors)
    loops = list(cycles(parents))
    yield from _check_chains(parents, loops, _positions(actors), "actors", "actor", where)


def check_place_registry(
    places: Section[Place], retired: Section[Retired], where: Located
) -> Iterator[Problem]:
    yield from duplicate_ids(places.ids, "places", "Place", where)
    countries = vocabulary("countries")
    for i, place in places.entries:
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
    yield from _check_retired(retired, places.defined, "places", where)
    yield from _check_parents(places, "places", "place", where)
    parents = _parents(places)
    loops = list(cycles(parents))
    yield from _check_chains(parents, loops, _positions(places), "places", "place", where)
    yield from _check_nesting(places, frozenset(chain.from_iterable(loops)), where)


def _parents(section: Section[H]) -> dict[str, str | None]:
    # The first definition of an id wins, as for the duplicate check (E404 at the later one).
    parents: dict[str, str | None] = {}
    for _, entry in section.entries:
        parents.setdefault(entry.id, entry.parent)
    return parents


def _positions(section: Section[H]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, entry in section.entries:
        positions.setdefault(entry.id, i)
    return positions


def _check_parents(section: Section[H], name: str, what: str, where: Located) -> Iterator[Problem]:
    defined = section.defined
    for i, entry in section.entries:
        if entry.parent is not None and entry.parent not in defined:
            yield where.at(
                "E414", (name, i, "parent"), f"Parent {what} {entry.parent!r} is not defined."
            )


def _check_chains(
    parents: dict[str, str | None],
    loops: list[list[str]],
    positions: dict[str, int],
    name: str,
    what: str,
    where: Located,
) -> Iterator[Problem]:
    """E418 once per cycle, at the `parent` of the cycle's last entry in the file: the entry
    whose parent closed the loop when the file was written top to bottom. E421 at the first
    entry of a chain beyond MAX_DEPTH, where every walk up the hierarchy stops."""
    for loop in loops:
        closer = max(loop, key=positions.__getitem__)
        if len(loop) == 1:
            message = f"{what.title()} {closer!r} is its own parent."
        else:
            start = loop.index(closer)
            message = (
                f"{what.title()} {closer!r} is its own ancestor: "
                f"{_chain([*loop[start:], *loop[:start], closer])}."
            )
        yield where.at("E418", (name, positions[closer], "parent"), message)
    for entry_id, depth in depths(parents).items():
        if depth == MAX_DEPTH + 1:
            yield where.at(
                "E421",
                (name, positions[entry_id], "parent"),
                f"{what.title()} {entry_id!r} has more than {MAX_DEPTH} ancestors.",
            )


def _chain(ids: list[str]) -> str:
    # A cycle no longer than a real hierarchy is named whole; a longer one (a generated or
    # broken registry) by its ends, so that one message stays readable.
    if len(ids) <= MAX_DEPTH:
        return " -> ".join(ids)
    return f"{' -> '.join(ids[:8])} -> ... ({len(ids) - 16} more) -> {' -> '.join(ids[-8:])}"


def _check_nesting(
    places: Section[Place], on_cycles: frozenset[str], where: Located
) -> Iterator[Problem]:
    """E419 when a place is not narrower than its parent, E420 when it lies in another country
    without saying why. Entries on a cycle are left to E418: around a loop some parent is
    always narrower than its child, so that inversion is the cycle's consequence."""
    by_id: dict[str, Place] = {}
    for _, place in places.entries:
        by_id.setdefault(place.id, place)
    rank = {kind: place_kind_rank(kind) for kind in vocabulary("place_kinds")}
    for i, place in places.entries:
        parent = by_id.get(place.parent) if place.parent is not None else None
        if parent is None or place.id in on_cycles:
            continue  # no parent, or one that is unknown or invalid: reported on its own
        if rank[place.kind] <= rank[parent.kind]:
            yield where.at(
                "E419",
                ("places", i, "parent"),
                f"Place {place.id!r} ({place.kind}) cannot lie inside {parent.id!r} "
                f"({parent.kind}): a parent must be a wider kind of place.",
            )
        if place.country != parent.country and place.cross_border is None:
            yield where.at(
                "E420",
                ("places", i, "country"),
                f"Place {place.id!r} is in {place.country} but its parent {parent.id!r} is in "
                f"{parent.country}.",
            )


def _inside(bbox: Sequence[float], latitude: float, longitude: float, margin: float = 0.1) -> bool:
    # The bounding boxes are coarse outlines; the margin keeps border towns from failing.
    min_lon, min_lat, max_lon, max_lat = bbox
    grown = (min_lon - margin, min_lat - margin, max_lon + margin, max_lat + margin)
    return bbox_contains(grown, longitude, latitude)


def _check_retired(
    retired: Section[Retired], live: frozenset[str], table: str, where: Located
) -> Iterator[Problem]:
    for i, entry in retired.entries:
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
