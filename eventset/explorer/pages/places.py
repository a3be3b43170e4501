"""Place pages (where the place sits, what lies within, the events there) and the list."""

from __future__ import annotations

from eventset.explorer.context import PageContext
from eventset.explorer.index import place_name, vocab_descriptions
from eventset.explorer.links import Links
from eventset.schema.hierarchy import lineage

PLACE_EVENTS_CAP = 500


def write(ctx: PageContext) -> None:
    site = ctx.site
    links = Links(site, 1)
    for place_id in ctx.share.mine(site.places):
        place = site.places[place_id]
        event_ids = site.events_by_place.get(place_id, [])
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
