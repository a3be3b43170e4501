"""Actor pages (events by role, claims made and about, documents naming the actor), further
pages of an actor's claims, and the list of actors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from eventset.explorer.context import PageContext
from eventset.explorer.index import (
    CLAIMS_PER_PAGE,
    SiteIndex,
    actor_name,
    date_text,
    vocab_descriptions,
)
from eventset.explorer.links import Links

ROLE_CAP = 500  # events per role on an actor page; the filtered list has the rest
NAMED_IN_CAP = 100
QUOTES_PER_DOCUMENT = 20  # of the words naming the actor in one document


def _claim_evidence(site: SiteIndex, claims: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Each claim's evidence: the words that make it, so a reader can check them."""
    return {
        c["claim_id"]: site.mentions_by_target.get(("claim", c["claim_id"]), []) for c in claims
    }


def _names(site: SiteIndex, claims: Iterable[dict[str, Any]]) -> dict[str, str]:
    return {
        a: actor_name(site, a)
        for c in claims
        for a in (c["claimant_id"], *c["via"], c["about_actor_id"])
        if a
    }


def write(ctx: PageContext) -> None:
    site = ctx.site
    links = Links(site, 1)
    for actor_id in ctx.share.mine(site.actors):
        actor = site.actors[actor_id]
        by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in site.actor_events.get(actor_id, []):
            if row["event_id"] in site.events:
                by_role[row["role"]].append(site.events[row["event_id"]])
        roles = [
            {
                "role": role,
                "total": len(events),
                "events": sorted(events, key=lambda e: (date_text(e["date_start"]), e["event_id"]))[
                    :ROLE_CAP
                ],
            }
            for role, events in sorted(by_role.items())
        ]
        made = site.claims_by_claimant.get(actor_id, [])
        about = sorted(
            site.claims_about_actor.get(actor_id, []), key=lambda c: (c["when"], c["claim_id"])
        )
        named_in = site.documents_by_actor.get(actor_id, [])
        quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        shown_in = set(named_in[:NAMED_IN_CAP])
        for mention in site.mentions_by_target.get(("actor", actor_id), []):
            if mention["document_id"] in shown_in:
                quotes[mention["document_id"]].append(mention)
        ctx.render(
            f"actors/{actor_id}.html",
            "actor.html",
            title=actor["name"],
            actor=actor,
            roles=roles,
            role_cap=ROLE_CAP,
            claims=made[:CLAIMS_PER_PAGE],
            claims_total=len(made),
            claim_pages=max(1, -(-len(made) // CLAIMS_PER_PAGE)),
            about=about[:CLAIMS_PER_PAGE],
            about_total=len(about),
            named_in=[site.documents[d] for d in named_in[:NAMED_IN_CAP]],
            named_total=len(named_in),
            named_quotes={d: ms[:QUOTES_PER_DOCUMENT] for d, ms in quotes.items()},
            claim_evidence=_claim_evidence(site, made[:CLAIMS_PER_PAGE] + about[:CLAIMS_PER_PAGE]),
            parent_name=actor_name(site, actor["parent_id"]),
            kind_description=vocab_descriptions("actor_kinds").get(actor["kind"], ""),
            actor_names=_names(site, made[:CLAIMS_PER_PAGE] + about[:CLAIMS_PER_PAGE]),
            links=links,
        )
    _write_claim_pages(ctx)
    if ctx.share.first:
        ctx.render(
            "actors/index.html",
            "actors.html",
            title="Actors",
            actors=sorted(
                site.actors.values(), key=lambda a: (a["name"].casefold(), a["actor_id"])
            ),
            event_counts={
                a: len({r["event_id"] for r in rows}) for a, rows in site.actor_events.items()
            },
            claim_counts={a: len(c) for a, c in site.claims_by_claimant.items()},
        )


def _write_claim_pages(ctx: PageContext) -> None:
    # Further pages of claims are shared out one by one: one outlet may make most claims.
    site = ctx.site
    nested = Links(site, 2)
    further = [
        (actor_id, number)
        for actor_id, made in site.claims_by_claimant.items()
        if actor_id in site.actors
        for number in range(2, -(-len(made) // CLAIMS_PER_PAGE) + 1)
    ]
    for actor_id, number in ctx.share.mine(further):
        actor = site.actors[actor_id]
        made = site.claims_by_claimant[actor_id]
        chunk = made[(number - 1) * CLAIMS_PER_PAGE : number * CLAIMS_PER_PAGE]
        ctx.render(
            f"actors/{actor_id}/claims-{number}.html",
            "actor_claims.html",
            title=f"Claims by {actor['name']}, page {number}",
            actor=actor,
            claims=chunk,
            page=number,
            pages=-(-len(made) // CLAIMS_PER_PAGE),
            total=len(made),
            actor_names=_names(site, chunk),
            claim_evidence=_claim_evidence(site, chunk),
            links=nested,
        )
