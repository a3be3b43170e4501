"""PLOVER JSON records (one per event, JSON Lines), with the field names of the PLOVER
manual's "Data Fields" chapter.

The text of the reporting document goes into `text` only when its licence allows
redistribution (documents.text is null otherwise); spans (`text_info`) and the exact words that
name each actor (`entity_text`) are published either way, as the evidence quotes are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from eventset.exports.columns import EventFacts, Participant, country_field, event_facts
from eventset.schema.vocab import vocabulary

QUADS = {
    "verbal_cooperation": 1,
    "material_cooperation": 2,
    "verbal_conflict": 3,
    "material_conflict": 4,
}

# (field, where its value comes from, or why it is empty), in the manual's table order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "events.event_id"),
    (
        "date",
        "required by the manual: events.date_start (YYYY-MM-DD); for an event known only as an interval without a start, the publication date of the earliest reporting document, as automated PLOVER coders date an event by its story (date_basis says which)",
    ),
    ("enddate", "events.date_end"),
    (
        "actor",
        "entity objects of the participants whose role is a PLOVER actor (participant_roles.plover_role): entity_text is the exact quote naming them in the earliest reporting document, identifier_text the registry name, identifier_id the Wikidata item, code the actor country's ISO alpha-3, sector the PLOVER sector code of the actor kind (GOV, MIL, COP, REB, CVL, ...; actor_kinds.plover_sector, null where the kind does not decide it), kind the eventset actor kind",
    ),
    (
        "recipient",
        "entity objects, as for actor, of the participants whose role is a PLOVER recipient",
    ),
    ("event", "[events.event_type]"),
    (
        "event_loc",
        "location object: resolved_place, lat, lon, province (admin1), district (admin2), country, country_code (alpha-3); null without a place",
    ),
    ("event_text", "the occurrence quotes of the earliest reporting document"),
    ("quad_code", "quad of the event type (1 verbal cooperation ... 4 material conflict)"),
    ("mode", "[events.mode], or [] when the text gives none"),
    ("context", "always []: the dataset does not code PLOVER contexts"),
    (
        "text",
        "the earliest reporting document's full text when its licence allows redistribution, else null",
    ),
    (
        "text_info",
        "sequence, start, end of the earliest occurrence quote (code points, sentence index)",
    ),
    (
        "cite_info",
        "title, url, publication (outlet), license, language of the earliest reporting document; corpus 'eventset'",
    ),
    ("size", "{dead: events.fatalities_best, else fatalities_low}"),
    (
        "date_basis",
        "an added field (the manual allows named fields beyond its own): 'event' when date is the event's start, 'publication' when it is the earliest report's date",
    ),
)
EMPTY_FIELDS: tuple[tuple[str, str], ...] = (
    ("time", "events carry dates, not times"),
    ("endtime", "events carry dates, not times"),
    ("event_scale", "PLOVER's numeric scale is not assigned"),
    ("link", "related-event links are not recorded"),
    ("has_event", "every record is a coded event"),
    ("coder", "the annotation's author is not published per record"),
    ("coded_date", "not recorded per event"),
    ("coded_time", "not recorded per event"),
    ("comment", "no free-text comment is kept"),
)
ROWS = "every event, in event_id order"


def _entity(p: Participant) -> dict[str, Any]:
    return {
        "entity_text": p.text,
        "identifier_text": p.name,
        "identifier_id": p.wikidata,
        "code": country_field(p.country, "alpha3"),
        "sector": _kind(p.kind, "plover_sector"),
        "kind": p.kind,
    }


def _kind(kind: str, field: str) -> Any:
    return vocabulary("actor_kinds")[kind].fields.get(field)


def record(facts: EventFacts) -> dict[str, Any]:
    e = facts.row
    first = facts.reports[0] if facts.reports else None
    occurrence = facts.occurrence
    event_loc = None
    if e["place_id"] is not None:
        event_loc = {
            "resolved_place": e["location"],
            "lat": e["latitude"],
            "lon": e["longitude"],
            "province": e["admin1"],
            "district": e["admin2"],
            "country": country_field(e["country"], "name"),
            "country_code": country_field(e["country"], "alpha3"),
        }
    quad = vocabulary("event_types")[e["event_type"]].fields.get("quad")
    dead = e["fatalities_best"] if e["fatalities_best"] is not None else e["fatalities_low"]
    date, basis = e["date_start"], "event"
    if date is None and first is not None:
        date, basis = first.published, "publication"
    return {
        "id": e["event_id"],
        "date": date.isoformat() if date else None,
        "enddate": e["date_end"].isoformat() if e["date_end"] else None,
        "actor": [_entity(p) for p in facts.by_plover_role("actor")],
        "recipient": [_entity(p) for p in facts.by_plover_role("recipient")],
        "event": [e["event_type"]],
        "event_loc": event_loc,
        "event_text": [occurrence["quote"]] if occurrence else [],
        "quad_code": QUADS.get(str(quad)),
        "mode": [e["mode"]] if e["mode"] else [],
        "context": [],
        "text": first.text if first else None,
        "text_info": {
            "sequence": occurrence["sentence_index"],
            "start": occurrence["char_start"],
            "end": occurrence["char_end"],
        }
        if occurrence
        else None,
        "cite_info": {
            "corpus": "eventset",
            "citation": first.document_id,
            "title": first.title,
            "url": first.url,
            "publication": first.outlet,
            "license": first.licence,
            "language": first.language,
        }
        if first
        else None,
        "size": {"dead": dead},
        "date_basis": basis if date else None,
    }


def plover(tables: Mapping[str, pl.DataFrame]) -> list[dict[str, Any]]:
    return [record(f) for f in event_facts(tables)]
