"""The search page: event summaries, claim summaries, actor names and aliases, searched in the
browser from `file://` (no server). The entries ship as script data files in parts, as the
events list's rows do, so no file grows with the corpus."""

from __future__ import annotations

from typing import Any

from eventset.explorer.context import PageContext
from eventset.explorer.index import actor_name, date_span, place_name
from eventset.explorer.links import Links

ENTRIES_PER_PART = 5000  # ~0.6 MB per data file


def entries(ctx: PageContext) -> list[list[Any]]:
    """[kind, label, link from the site root, words searched besides the label]."""
    site = ctx.site
    links = Links(site, 0)
    found: list[list[Any]] = []
    for actor_id, actor in site.actors.items():
        found.append(
            ["actor", actor["name"], links.actor(actor_id), " · ".join(actor["aliases"] or [])]
        )
    for event_id, event in site.events.items():
        where = place_name(site, event["place_id"])
        found.append(
            [
                "event",
                event["summary"],
                links.event(event_id),
                f"{event['event_type']} · {date_span(event['date_start'], event['date_end'])}"
                + (f" · {where}" if where else ""),
            ]
        )
    for claim_id, claim in site.claims.items():
        found.append(
            [
                "claim",
                claim["summary"],
                links.claim(claim_id),
                f"{claim['kind'].replace('_', ' ')} · {actor_name(site, claim['claimant_id'])}",
            ]
        )
    return found


def write(ctx: PageContext) -> None:
    if not ctx.share.first:
        return
    found = entries(ctx)
    parts = ctx.writer.write_data_parts("search", "EVENTSET_SEARCH", found, ENTRIES_PER_PART)
    ctx.render("search.html", "search.html", title="Search", parts=parts, total=len(found))
