"""The overview (index.html): counts, the timeline, the map and the release's files."""

from __future__ import annotations

from collections import defaultdict

from eventset.explorer.charts import timeline_svg, type_colours
from eventset.explorer.context import PageContext
from eventset.explorer.geo import MapPoint, bbox_outlines, country_outlines, map_svg
from eventset.explorer.index import counts, place_name
from eventset.explorer.links import Links
from eventset.schema.vocab import vocabulary


def write(ctx: PageContext) -> None:
    if not ctx.share.first:
        return
    site = ctx.site
    types = [t for t in vocabulary("event_types").values()]
    colours = type_colours(types)
    dated = (
        (e["date_start"] or e["date_end"], e["event_type"])
        for e in site.events.values()
        if e["date_start"] or e["date_end"]
    )
    links = Links(site, 0)
    chart, months, month_counts = timeline_svg(
        dated, types, colours, lambda month, t: links.events_list(type=t, month=month)
    )
    used_types = [t for t in types if any(month_counts[(m, t)] for m in months)]
    undated = sum(1 for e in site.events.values() if not (e["date_start"] or e["date_end"]))

    by_point: dict[str, list[str]] = defaultdict(list)
    for event_id, location in site.event_location.items():
        if location.point_place_id is not None:
            by_point[location.point_place_id].append(event_id)
        elif location.latitude is not None and location.place_id is not None:
            by_point[location.place_id].append(event_id)
    points = []
    for place_id, event_ids in sorted(by_point.items()):
        first = site.event_location[event_ids[0]]
        assert first.latitude is not None and first.longitude is not None
        points.append(
            MapPoint(
                first.latitude,
                first.longitude,
                place_name(site, place_id),
                f"places/{place_id}.html",
                len(event_ids),
            )
        )
    outlines = country_outlines()
    countries = {loc.country for loc in site.event_location.values() if loc.country}
    outlines.update(bbox_outlines(c for c in countries if c not in outlines))
    unlocated = sum(1 for loc in site.event_location.values() if loc.latitude is None)

    ctx.render(
        "index.html",
        "overview.html",
        manifest=site.manifest,
        files=[f for f in site.manifest.get("files", []) if isinstance(f, dict)],
        counts=counts(site),
        timeline=chart,
        months=months,
        month_counts=month_counts,
        used_types=used_types,
        colours=colours,
        undated=undated,
        map=map_svg(points, outlines),
        located=len(site.events) - unlocated,
        unlocated=unlocated,
        map_points=sorted(points, key=lambda p: -p.count)[:20],
    )
