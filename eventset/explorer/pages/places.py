"""Place pages (where the place sits, what lies within, the events there) and the list."""

from __future__ import annotations

import functools
from typing import Any

from eventset.explorer.context import PageContext
from eventset.explorer.geo import MapPoint, Ring, bbox_outlines, country_outlines, map_svg
from eventset.explorer.index import SiteIndex, place_name, vocab_descriptions
from eventset.explorer.links import Links
from eventset.schema.hierarchy import lineage

PLACE_EVENTS_CAP = 500
NAMED_AT_CAP = 100  # passages naming the place


@functools.cache
def _outlines() -> dict[str, list[Ring]]:
    return country_outlines()


def _map(site: SiteIndex, place_id: str) -> str | None:
    """The place (drawn at its nearest located place up the chain) and the located places
    within it, over the country outlines; None when nothing of it has coordinates."""
    points = []
    for pid in (place_id, *site.children.get(place_id, [])):
        location = site.place_location.get(pid)
        if location is None or location.latitude is None or location.longitude is None:
            continue
        if pid != place_id and location.point_place_id != pid:
            continue  # a place within, drawn only at its own coordinates
        points.append(
            MapPoint(
                location.latitude,
                location.longitude,
                place_name(site, pid),
                f"{pid}.html",
                len(site.events_by_place.get(pid, [])),
            )
        )
    if not points:
        return None
    outlines = dict(_outlines())
    country = site.places[place_id]["country"]
    if country and country not in outlines:
        outlines.update(bbox_outlines([country]))
    return map_svg(points, outlines)


def _named_at(site: SiteIndex, place_id: str) -> list[dict[str, Any]]:
    """The words naming the place: as a place, and as where each event here happened."""
    found = list(site.mentions_by_target.get(("place", place_id), []))
    for event_id in site.events_by_place.get(place_id, []):
        found += [
            m
            for m in site.mentions_by_target.get(("event", event_id), [])
            if m["aspect"] == "place"
        ]
    return sorted(found, key=lambda m: (m["document_id"], m["char_start"], m["mention_id"]))


def write(ctx: PageContext) -> None:
    site = ctx.site
    links = Links(site, 1)
    for place_id in ctx.share.mine(site.places):
        place = site.places[place_id]
        event_ids = site.events_by_place.get(place_id, [])
        named_at = _named_at(site, place_id)
        ctx.render(
            f"places/{place_id}.html",
            "place.html",
            title=place["name"],
            place=place,
            chain=[
                {"place_id": pid, "name": place_name(site, pid)}
                for pid in lineage(place_id, site.place_parents)[1:]
                if pid in site.places
            ],
            children=[
                {"place_id": c, "name": place_name(site, c)}
                for c in site.children.get(place_id, [])
            ],
            events=[site.events[e] for e in event_ids[:PLACE_EVENTS_CAP]],
            events_total=len(event_ids),
            cap=PLACE_EVENTS_CAP,
            kind_description=vocab_descriptions("place_kinds").get(place["kind"], ""),
            map=_map(site, place_id),
            named_at=named_at[:NAMED_AT_CAP],
            named_total=len(named_at),
            document_titles={
                m["document_id"]: site.documents[m["document_id"]]["title"]
                for m in named_at[:NAMED_AT_CAP]
                if m["document_id"] in site.documents
            },
            links=links,
        )
    if not ctx.share.first:
        return
    ctx.render(
        "places/index.html",
        "places.html",
        title="Places",
        places=sorted(
            site.places.values(),
            key=lambda p: (p["country"], p["name"].casefold(), p["place_id"]),
        ),
        event_counts={p: len(e) for p, e in site.events_by_place.items()},
    )
