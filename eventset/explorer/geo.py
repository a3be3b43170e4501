"""Where events happened, and the offline map that shows them.

Until the events table carries its own coordinates, an event is located at the nearest place up
its place's chain of parents that has coordinates (walked with schema.hierarchy, so a broken
registry can never hang the build). The basemap is Natural Earth's country outlines as shipped
in the `countryinfo` package; a country it has no outline for is drawn as its bounding box from
the countries vocabulary. Everything is drawn into an SVG at build time: no tiles, no network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from eventset.schema.hierarchy import lineage
from eventset.schema.vocab import vocabulary


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    country: str
    parent_id: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Location:
    """Where an event is shown: its country, the place it names, and the point drawn."""

    country: str | None
    place_id: str | None
    point_place_id: str | None  # the place whose coordinates are used
    latitude: float | None
    longitude: float | None


def locations(places: Mapping[str, Place]) -> dict[str, Location]:
    """Each place's location: its own coordinates, else those of the nearest place up its chain
    of parents that has some (an event at a market is drawn at its town)."""
    parents = {pid: p.parent_id for pid, p in places.items()}
    found: dict[str, Location] = {}
    for place_id, place in places.items():
        found[place_id] = Location(place.country, place_id, None, None, None)
        for candidate in lineage(place_id, parents):
            up = places.get(candidate)
            if up is not None and up.latitude is not None and up.longitude is not None:
                found[place_id] = Location(
                    place.country, place_id, candidate, up.latitude, up.longitude
                )
                break
    return found


Ring = list[tuple[float, float]]


def country_outlines() -> dict[str, list[Ring]]:
    """Outer rings (lon, lat) of each country by ISO alpha-2, from countryinfo's Natural Earth
    shapes; holes are left out (a map of dots does not need lakes)."""
    from countryinfo import CountryInfo

    outlines: dict[str, list[Ring]] = {}
    for entry in CountryInfo.all().values():
        data: Mapping[str, Any] = entry
        code = (data.get("ISO") or {}).get("alpha2")
        collection = data.get("geoJSON") or {}
        if not code or not collection:
            continue
        rings: list[Ring] = []
        for feature in collection.get("features", []):
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates", [])
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                if polygon:
                    rings.append([(float(x), float(y)) for x, y, *_ in polygon[0]])
        if rings:
            outlines[str(code).upper()] = rings
    return outlines


def bbox_outlines(codes: Iterable[str]) -> dict[str, list[Ring]]:
    """Bounding boxes from the countries vocabulary, for countries with no outline."""
    countries = vocabulary("countries")
    boxes: dict[str, list[Ring]] = {}
    for code in codes:
        if code not in countries:
            continue
        bbox = countries[code].fields.get("bbox")
        if not isinstance(bbox, Sequence) or len(bbox) != 4:
            continue
        x0, y0, x1, y1 = (float(v) for v in bbox)
        if x0 > x1:  # crosses the antimeridian: not worth a special case on an overview map
            continue
        boxes[code] = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]]
    return boxes


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    href: str
    count: int


WIDTH = 800.0


def _extent(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    if not points:
        return (-180.0, -60.0, 180.0, 85.0)
    lons = [p.longitude for p in points]
    lats = [p.latitude for p in points]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    # At least 12 degrees across, with a margin, so a single town still shows its country.
    pad_x = max(3.0, (12.0 - (x1 - x0)) / 2, (x1 - x0) * 0.15)
    pad_y = max(3.0, (8.0 - (y1 - y0)) / 2, (y1 - y0) * 0.15)
    return (
        max(-180.0, x0 - pad_x),
        max(-85.0, y0 - pad_y),
        min(180.0, x1 + pad_x),
        min(85.0, y1 + pad_y),
    )


def map_svg(points: Sequence[MapPoint], outlines: Mapping[str, list[Ring]]) -> str:
    """An SVG map (equirectangular, scaled by the cosine of the mid latitude) of the points over
    the country outlines that fall in their extent; each point a link with a text title."""
    x0, y0, x1, y1 = _extent(points)
    kx = math.cos(math.radians((y0 + y1) / 2))
    scale = WIDTH / ((x1 - x0) * kx)
    height = (y1 - y0) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - x0) * kx * scale, (y1 - lat) * scale)

    paths: list[str] = []
    for code in sorted(outlines):
        parts: list[str] = []
        for ring in outlines[code]:
            lons = [x for x, _ in ring]
            lats = [y for _, y in ring]
            if max(lons) < x0 or min(lons) > x1 or max(lats) < y0 or min(lats) > y1:
                continue
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in (project(*p) for p in ring))
            parts.append(f"M{coords}Z")
        if parts:
            paths.append(f'<path class="land" d="{"".join(parts)}"><title>{code}</title></path>')
    dots: list[str] = []
    busiest = max((p.count for p in points), default=1) or 1  # places with no event yet
    for point in sorted(points, key=lambda p: -p.count):
        px, py = project(point.longitude, point.latitude)
        # Area grows with the count, the busiest place 12 units across at most; a place with
        # no event yet still shows as a dot a finger can reach.
        radius = 4 + 8 * math.sqrt(point.count / busiest)
        label = escape(f"{point.label}: {point.count} event{'s' if point.count != 1 else ''}")
        dots.append(
            f'<a href="{escape(point.href)}"><circle class="dot" cx="{px:.1f}" cy="{py:.1f}" '
            f'r="{radius:.1f}"><title>{label}</title></circle></a>'
        )
    return (
        f'<svg class="map" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="map-title" preserveAspectRatio="xMidYMid meet">'
        f'<title id="map-title">Map of located events ({len(points)} places)</title>'
        f'<rect class="sea" width="{WIDTH:.0f}" height="{height:.0f}"/>'
        + "".join(paths)
        + "".join(dots)
        + "</svg>"
    )
