"""Where an event happened, in the columns analysts filter on: country, admin1, admin2, the
place's name and coordinates, resolved up the place hierarchy.

Coordinates come from the nearest place up the chain (the place itself first) that has them;
when that is an enclosing place, `geo_precision` becomes as coarse as that place's kind, so the
precision always describes the coordinates a user gets. Nothing is estimated: a chain without
coordinates leaves them null. Every walk goes through `schema/hierarchy.py`, which ends on a
cycle or an over-long chain, so a registry that was never validated cannot hang the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from eventset.schema.hierarchy import lineage
from eventset.schema.registry import Place
from eventset.schema.vocab import vocabulary

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Location:
    country: str
    admin1: str | None
    admin2: str | None
    location: str
    latitude: float | None
    longitude: float | None
    coordinates_precision: str | None  # precision implied by the place that gave them
    kind_precision: str  # precision implied by the place itself


def _admin(chain: Sequence[Place], level: str) -> str | None:
    for place in chain:
        named = place.admin1 if level == "admin1" else place.admin2
        if named is not None:
            return named
        if place.kind == level:
            return place.name
    return None


def locate(
    place_id: str, places: dict[str, Place], parents: dict[str, str | None] | None = None
) -> Location:
    """Where a place is; `parents` (place id -> parent id) may be passed to save rebuilding it."""
    if parents is None:
        parents = {pid: place.parent for pid, place in places.items()}
    chain = [places[pid] for pid in lineage(place_id, parents) if pid in places]
    place = chain[0]
    source = next((p for p in chain if p.latitude is not None and p.longitude is not None), None)
    kinds = vocabulary("place_kinds")
    coarser = None
    if source is not None and source is not place:
        coarser = str(kinds[source.kind].fields["default_geo_precision"])
    return Location(
        country=place.country,
        admin1=_admin(chain, "admin1"),
        admin2=_admin(chain, "admin2"),
        location=place.name,
        latitude=source.latitude if source else None,
        longitude=source.longitude if source else None,
        coordinates_precision=coarser,
        kind_precision=str(kinds[place.kind].fields["default_geo_precision"]),
    )


def coarsest(*precisions: str | None) -> str:
    order = vocabulary("geo_precisions").values()
    given = [p for p in precisions if p is not None]
    return max(given, key=order.index) if given else UNKNOWN


LOCATION_COLUMNS = ("country", "admin1", "admin2", "location", "latitude", "longitude")


def located_events(events: pl.DataFrame, places: Sequence[Place]) -> pl.DataFrame:
    """`events` (place_id, geo_precision as the sources give it) with the location columns and a
    geo_precision that is coherent with them: 'unknown' without a place."""
    by_id = {place.id: place for place in places}
    parents = {pid: place.parent for pid, place in by_id.items()}
    rows = []
    for place_id, precision in events.select("place_id", "geo_precision").unique().iter_rows():
        if place_id is None or place_id not in by_id:
            # An unknown id is reported by the corpus checks; the row keeps no location.
            rows.append(
                (
                    place_id,
                    precision,
                    UNKNOWN if place_id is None else precision,
                    *(None,) * len(LOCATION_COLUMNS),
                )
            )
            continue
        where = locate(place_id, by_id, parents)
        rows.append(
            (
                place_id,
                precision,
                # A place given with precision 'unknown' is located as its kind implies.
                coarsest(
                    where.kind_precision if precision in (None, UNKNOWN) else precision,
                    where.coordinates_precision,
                ),
                where.country,
                where.admin1,
                where.admin2,
                where.location,
                where.latitude,
                where.longitude,
            )
        )
    schema = {
        "place_id": pl.String,
        "geo_precision": pl.String,
        "_geo_precision": pl.String,
        "country": pl.String,
        "admin1": pl.String,
        "admin2": pl.String,
        "location": pl.String,
        "latitude": pl.Float64,
        "longitude": pl.Float64,
    }
    found = pl.DataFrame(rows, schema=schema, orient="row")
    return (
        events.join(found, on=["place_id", "geo_precision"], how="left", nulls_equal=True)
        .drop("geo_precision")
        .rename({"_geo_precision": "geo_precision"})
    )
