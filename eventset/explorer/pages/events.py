"""Event pages (one per event: its facts with their evidence, participants, claims) and the
filterable events list, whose rows ship as script data files in parts so it works from file://."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from eventset.explorer.context import PageContext
from eventset.explorer.index import (
    SiteIndex,
    actor_name,
    date_text,
    place_name,
    vocab_descriptions,
)
from eventset.explorer.links import Links
from eventset.schema.hierarchy import lineage
from eventset.schema.vocab import vocabulary

EVENTS_PER_PART = 2000  # rows per events data file: ~0.5 MB each, whatever the corpus size
LIST_FIRST_PAGE = 100  # events written into the list's HTML for readers without script


def write(ctx: PageContext) -> None:
    if ctx.share.first:
        _write_list(ctx)
    links = Links(ctx.site, 1)
    for event_id in ctx.share.mine(ctx.site.events):
        ctx.render(
            f"events/{event_id}.html", "event.html", **_event_context(ctx.site, links, event_id)
        )


def _event_row(site: SiteIndex, event_id: str, actor_index: Mapping[str, int]) -> list[Any]:
    event = site.events[event_id]
    location = site.event_location[event_id]
    actor_ids = sorted({p["actor_id"] for p in site.participants.get(event_id, [])})
    return [
        event_id,
        event["event_type"],
        date_text(event["date_start"]),
        date_text(event["date_end"]),
        location.country or "",
        place_name(site, event["place_id"]),
        event["certainty"],
        event["summary"],
        [actor_index[a] for a in actor_ids if a in actor_index],
    ]


def _script(name: str, value: object) -> str:
    return f"window.{name}=" + json.dumps(value, ensure_ascii=False, separators=(",", ":")) + ";\n"


def _write_list(ctx: PageContext) -> None:
    site = ctx.site
    actor_ids = sorted(site.actors)
    actor_index = {a: i for i, a in enumerate(actor_ids)}
    rows = [_event_row(site, event_id, actor_index) for event_id in site.events]
    parts = ctx.writer.write_data_parts("events", "EVENTSET_EVENTS", rows, EVENTS_PER_PART)
    ctx.writer.write(
        "data/actors.js",
        _script(
            "EVENTSET_ACTORS",
            [[a, site.actors[a]["name"], site.actors[a]["aliases"] or []] for a in actor_ids],
        ),
    )
    countries = vocabulary("countries")
    used_countries = sorted({r[4] for r in rows if r[4]})
    ctx.render(
        "events/index.html",
        "events.html",
        parts=parts,
        total=len(rows),
        first=rows[:LIST_FIRST_PAGE],
        types=sorted({r[1] for r in rows}),
        certainties=[c for c in vocabulary("certainty_levels").values()],
        countries=[
            (c, countries[c].fields.get("name", c) if c in countries else c) for c in used_countries
        ],
    )


def _evidence(site: SiteIndex, kind: str, target_id: str) -> dict[str, list[dict[str, Any]]]:
    by_aspect: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in site.mentions_by_target.get((kind, target_id), []):
        by_aspect[str(mention["aspect"])].append(mention)
    return by_aspect


def _claim_groups(site: SiteIndex, claims: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims grouped by claimant, groups and claims in date order."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: (c["when"], c["claim_id"])):
        groups[claim["claimant_id"]].append(claim)
    return [
        {"claimant_id": claimant, "name": actor_name(site, claimant), "claims": items}
        for claimant, items in groups.items()
    ]


def _event_context(site: SiteIndex, links: Links, event_id: str) -> dict[str, Any]:
    event = site.events[event_id]
    location = site.event_location[event_id]
    evidence = _evidence(site, "event", event_id)
    participants = []
    for p in sorted(site.participants.get(event_id, []), key=lambda r: (r["role"], r["actor_id"])):
        participants.append(
            {
                **p,
                "name": actor_name(site, p["actor_id"]),
                "evidence": [
                    m
                    for m in evidence.get("participant", [])
                    if m["actor_id"] == p["actor_id"] and m["role"] == p["role"]
                ],
            }
        )
    place_chain = []
    if event["place_id"] is not None:
        place_chain = [
            {"place_id": pid, "name": place_name(site, pid)}
            for pid in lineage(event["place_id"], site.place_parents)
            if pid in site.places
        ]
    claims = site.claims_by_event.get(event_id, [])
    reporting = sorted({m["document_id"] for ms in evidence.values() for m in ms})
    return {
        "title": event["summary"],
        "event": event,
        "location": location,
        "place_chain": place_chain,
        "participants": participants,
        "evidence": evidence,
        "claim_groups": _claim_groups(site, claims),
        "claim_evidence": {
            c["claim_id"]: site.mentions_by_target.get(("claim", c["claim_id"]), []) for c in claims
        },
        "documents": reporting,
        "document_titles": {
            d: site.documents[d]["title"] for d in reporting if d in site.documents
        },
        "actor_names": {
            a: actor_name(site, a)
            for c in claims
            for a in (c["claimant_id"], *c["via"], c["about_actor_id"])
            if a
        },
        "type_description": vocab_descriptions("event_types").get(event["event_type"], ""),
        "links": links,
    }
