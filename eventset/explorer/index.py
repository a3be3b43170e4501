"""Everything the pages need, read once from a release and indexed by id."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

from eventset.explorer.geo import Location, Place, locations
from eventset.release.manifest import read_manifest
from eventset.schema.vocab import vocabulary

CLAIMS_PER_PAGE = 200  # claims per page of an actor's claims; a claim's link needs its page


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Vocabulary columns as plain strings, whether the release stores them as Enum or not."""
    return frame.with_columns((cs.enum() | cs.categorical()).cast(pl.String))


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


@dataclass
class SiteIndex:
    """Everything the pages need, indexed once."""

    release: Path
    manifest: dict[str, Any]
    documents: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    places: dict[str, dict[str, Any]]
    events: dict[str, dict[str, Any]]
    event_location: dict[str, Location]
    participants: dict[str, list[dict[str, Any]]]
    actor_events: dict[str, list[dict[str, Any]]]
    claims: dict[str, dict[str, Any]]
    claims_by_event: dict[str, list[dict[str, Any]]]
    claims_by_claimant: dict[str, list[dict[str, Any]]]
    claims_about_actor: dict[str, list[dict[str, Any]]]
    mentions_by_document: dict[str, list[dict[str, Any]]]
    mentions_by_target: dict[tuple[str, str], list[dict[str, Any]]]
    documents_by_actor: dict[str, list[str]]
    events_by_place: dict[str, list[str]]
    children: dict[str, list[str]]
    place_parents: dict[str, str | None]
    place_location: dict[str, Location]
    claim_page: dict[str, int] = field(default_factory=dict)


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def index_site(tables: Mapping[str, pl.DataFrame], release: Path) -> SiteIndex:
    t = {name: plain(frame) for name, frame in tables.items()}
    documents = {r["document_id"]: r for r in _rows(t["documents"])}
    actors = {r["actor_id"]: r for r in _rows(t["actors"])}
    places = {r["place_id"]: r for r in _rows(t["places"])}
    # By what is known of the date: an open start sorts by its end ("until 2021-09-07"), and
    # undated events come last.
    known = pl.coalesce("date_start", "date_end")
    events = {
        r["event_id"]: r
        for r in _rows(t["events"].sort(known.is_null(), known, "event_id", maintain_order=True))
    }

    located = "latitude" in t["events"].columns and "longitude" in t["events"].columns
    place_locations = locations(
        {
            pid: Place(pid, p["name"], p["country"], p["parent_id"], p["latitude"], p["longitude"])
            for pid, p in places.items()
        }
    )
    event_location: dict[str, Location] = {}
    for event_id, event in events.items():
        if located:  # the events table locates its rows itself: trust its coordinates
            # The dot is drawn for the place that lent them: the nearest up the chain.
            lent = place_locations.get(event["place_id"] or "")
            point = lent.point_place_id if lent is not None else None
            event_location[event_id] = Location(
                event.get("country"),
                event["place_id"],
                (point or event["place_id"]) if event["latitude"] is not None else None,
                event["latitude"],
                event["longitude"],
            )
        else:
            event_location[event_id] = place_locations.get(
                event["place_id"] or "", Location(None, event["place_id"], None, None, None)
            )

    participants: dict[str, list[dict[str, Any]]] = defaultdict(list)
    actor_events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(t["event_actors"]):
        participants[row["event_id"]].append(row)
        actor_events[row["actor_id"]].append(row)

    claim_rows = _rows(t["claims"])
    claims: dict[str, dict[str, Any]] = {}
    claims_by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims_by_claimant: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims_about_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claim_rows:
        # A claim with no date of its own is dated by its document ("no group has claimed" is
        # true as of the day it was published).
        own = claim["date_start"] or claim["date_end"]
        claim["when"] = own or documents[claim["document_id"]]["published"]
        claim["dated_by_document"] = own is None
        claim["document_title"] = documents[claim["document_id"]]["title"]
        claims[claim["claim_id"]] = claim
        if claim["event_id"] is not None:
            claims_by_event[claim["event_id"]].append(claim)
        claims_by_claimant[claim["claimant_id"]].append(claim)
        if claim["about_actor_id"] is not None:
            claims_about_actor[claim["about_actor_id"]].append(claim)
    claim_page: dict[str, int] = {}
    for claimant_claims in claims_by_claimant.values():
        claimant_claims.sort(key=lambda c: (c["when"], c["claim_id"]))
        for i, claim in enumerate(claimant_claims):
            claim_page[claim["claim_id"]] = i // CLAIMS_PER_PAGE + 1

    mentions_by_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
    mentions_by_target: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    documents_by_actor: dict[str, list[str]] = defaultdict(list)
    for mention in _rows(t["mentions"].sort("document_id", "char_start", "mention_id")):
        mentions_by_document[mention["document_id"]].append(mention)
        mentions_by_target[(mention["target_kind"], mention["target_id"])].append(mention)
        if mention["target_kind"] == "actor":
            named_in = documents_by_actor[mention["target_id"]]
            if not named_in or named_in[-1] != mention["document_id"]:
                named_in.append(mention["document_id"])

    events_by_place: dict[str, list[str]] = defaultdict(list)
    for event_id, event in events.items():
        if event["place_id"] is not None:
            events_by_place[event["place_id"]].append(event_id)
    children: dict[str, list[str]] = defaultdict(list)
    for pid, place in sorted(places.items()):
        if place["parent_id"] is not None:
            children[place["parent_id"]].append(pid)

    return SiteIndex(
        release=release,
        manifest=read_manifest(release),
        documents=documents,
        actors=actors,
        places=places,
        events=events,
        event_location=event_location,
        participants=participants,
        actor_events=actor_events,
        claims=claims,
        claims_by_event=claims_by_event,
        claims_by_claimant=claims_by_claimant,
        claims_about_actor=claims_about_actor,
        mentions_by_document=mentions_by_document,
        mentions_by_target=mentions_by_target,
        documents_by_actor=documents_by_actor,
        events_by_place=events_by_place,
        children=children,
        place_parents={pid: p["parent_id"] for pid, p in places.items()},
        place_location=place_locations,
        claim_page=claim_page,
    )


def actor_name(site: SiteIndex, actor_id: str | None) -> str:
    if actor_id is None:
        return ""
    actor = site.actors.get(actor_id)
    return str(actor["name"]) if actor else actor_id


def place_name(site: SiteIndex, place_id: str | None) -> str:
    if place_id is None:
        return ""
    place = site.places.get(place_id)
    return str(place["name"]) if place else place_id


def target_label(site: SiteIndex, kind: str, target_id: str) -> str:
    if kind == "actor":
        return actor_name(site, target_id)
    if kind == "place":
        return place_name(site, target_id)
    if kind == "event":
        event = site.events.get(target_id)
        return str(event["summary"]) if event else target_id
    claim = site.claims.get(target_id)
    if claim is None:
        return target_id
    return f"{actor_name(site, claim['claimant_id'])} ({claim['kind']}): {claim['summary']}"


@functools.cache
def date_span(start: dt.date | str | None, end: dt.date | str | None) -> str:
    """A date range as a reader says it: one day, a range, "until" an end or "from" a start
    (events.js says it the same way)."""
    first = date_text(start) if isinstance(start, dt.date) else (start or "")
    last = date_text(end) if isinstance(end, dt.date) else (end or "")
    if not first and not last:
        return "undated"
    if not first:
        return f"until {last}"
    if not last:
        return f"from {first}"
    return first if first == last else f"{first} \u2013 {last}"  # an en dash


def vocab_descriptions(name: str) -> dict[str, str]:
    vocab = vocabulary(name)
    return {code.code: code.description for code in vocab.codes}


def counts(site: SiteIndex) -> dict[str, int]:
    return {
        "documents": len(site.documents),
        "events": len(site.events),
        "actors": len(site.actors),
        "places": len(site.places),
        "claims": len(site.claims),
        "mentions": sum(len(ms) for ms in site.mentions_by_document.values()),
    }
