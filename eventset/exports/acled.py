"""ACLED export layout: the 31 columns of ACLED's exports, in ACLED's order and types.

Rows: by default the events ACLED itself would hold: an ACLED event type (political violence,
demonstrations and strategic developments) on a known day or period (every ACLED row has an
event_date); an event whose participants do not decide its ACLED type is left out rather than
given a guessed one. `--all` adds the undated ones. `fatalities` follows ACLED's convention:
0 when no source reports a death (ACLED never leaves it empty), else the most conservative
(low) figure. ACLED's own region, admin3, source scale, tags and timestamps have no
counterpart in the dataset and stay empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import pyarrow as pa

from eventset.exports.columns import (
    EventFacts,
    ExportColumn,
    Participant,
    country_field,
    event_facts,
    export_table,
)
from eventset.schema.vocab import vocabulary

INT, STR, FLOAT, DATE = pa.int64(), pa.string(), pa.float64(), pa.date32()

COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(
        "event_id_cnty", STR, source="events.event_id (not ACLED's country prefix + number)"
    ),
    ExportColumn("event_date", DATE, source="events.date_start"),
    ExportColumn("year", INT, source="year of events.date_start"),
    ExportColumn("time_precision", INT, source="events.acled_time_precision"),
    ExportColumn(
        "disorder_type", STR, source="from the ACLED event and sub-event type, as ACLED groups them"
    ),
    ExportColumn("event_type", STR, source="events.acled_event_type"),
    ExportColumn("sub_event_type", STR, source="events.acled_sub_event_type"),
    ExportColumn(
        "actor1",
        STR,
        source="the first actor (by actor_id) in a role ACLED puts in actor1 (perpetrator, initiator); for a clash with only participants, the first participant",
    ),
    ExportColumn(
        "assoc_actor_1",
        STR,
        source="the other actor1-side actors and the supporters, '; '-separated",
    ),
    ExportColumn(
        "inter1",
        INT,
        source="the acled_inter actor1's registry entry states, else its kind's; state forces outside their own country are 8; 0 when there is no actor1",
    ),
    ExportColumn(
        "actor2",
        STR,
        source="the first actor in a role ACLED puts in actor2 (target, victim, recipient); for a clash, the second participant",
    ),
    ExportColumn("assoc_actor_2", STR, source="the other actor2-side actors, '; '-separated"),
    ExportColumn("inter2", INT, source="as inter1, for actor2"),
    ExportColumn(
        "interaction",
        INT,
        source="the two inter codes, smaller first (10 x smaller + larger; a single actor gives 10 x its code)",
    ),
    ExportColumn(
        "civilian_targeting",
        STR,
        source="'Civilian targeting' when events.acled_civilian_targeting is true; empty otherwise, including where the kinds do not decide it",
    ),
    ExportColumn(
        "iso", INT, source="ISO 3166-1 numeric code of events.country (countries vocabulary)"
    ),
    ExportColumn("region", STR, empty="ACLED's world regions are ACLED's own grouping"),
    ExportColumn("country", STR, source="English name of events.country"),
    ExportColumn("admin1", STR, source="events.admin1"),
    ExportColumn("admin2", STR, source="events.admin2"),
    ExportColumn("admin3", STR, empty="the place registry records no third administrative level"),
    ExportColumn("location", STR, source="events.location"),
    ExportColumn("latitude", FLOAT, source="events.latitude"),
    ExportColumn("longitude", FLOAT, source="events.longitude"),
    ExportColumn("geo_precision", INT, source="events.acled_geo_precision"),
    ExportColumn("source", STR, source="names of the reporting documents' outlets, '; '-separated"),
    ExportColumn(
        "source_scale",
        STR,
        empty="ACLED's classification of sources (national, subnational, ...) is not recorded",
    ),
    ExportColumn("notes", STR, source="events.summary"),
    ExportColumn(
        "fatalities",
        INT,
        source="events.fatalities_low (ACLED keeps the most conservative figure), else fatalities_best; 0 when no source reports a death, as ACLED codes it",
    ),
    ExportColumn("tags", STR, empty="ACLED's tags (crowd size, ...) are not recorded"),
    ExportColumn(
        "timestamp",
        INT,
        empty="rows have no last-change time of their own; the release's version says when it was built",
    ),
)
ROWS = (
    "ACLED's rows: events with an ACLED event type and a start date, in event_id order; "
    "`--all` adds the undated ones"
)

ACTOR1_ROLES = ("perpetrator", "initiator")
ACTOR2_ROLES = ("target", "victim", "recipient")
DISORDER_BY_SUB_EVENT = {
    "Peaceful protest": "Demonstrations",
    "Protest with intervention": "Demonstrations",
    "Violent demonstration": "Demonstrations",
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence",
}
DISORDER_BY_EVENT = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Strategic developments": "Strategic developments",
}


def disorder_type(event_type: str | None, sub_event_type: str | None) -> str | None:
    if sub_event_type in DISORDER_BY_SUB_EVENT:
        return DISORDER_BY_SUB_EVENT[sub_event_type]
    return DISORDER_BY_EVENT.get(event_type or "")


def inter_code(actor: Participant | None, event_country: str | None) -> int | None:
    if actor is None:
        return 0
    code: object = actor.acled_inter
    if code is None:
        code = vocabulary("actor_kinds")[actor.kind].fields.get("acled_inter")
    if code != 1:
        return code if isinstance(code, int) else None
    if actor.country is None or event_country is None:
        return None  # state forces: at home (1) or abroad (8) cannot be told
    return 1 if actor.country == event_country else 8


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    if inter1 is None or inter2 is None:
        return None
    low, high = sorted((inter1, inter2))
    return high * 10 if low == 0 else low * 10 + high


def _sides(facts: EventFacts) -> tuple[list[Participant], list[Participant], list[Participant]]:
    side1 = [p for p in facts.participants if p.role in ACTOR1_ROLES]
    side2 = [p for p in facts.participants if p.role in ACTOR2_ROLES]
    clash = [p for p in facts.participants if p.role == "participant"]
    if not side1 and not side2 and clash:
        side1, side2 = clash[:1], clash[1:2]
    supporters = [p for p in facts.participants if p.role == "supporter"]
    return side1, side2, supporters


def _joined(names: list[str]) -> str | None:
    return "; ".join(dict.fromkeys(names)) if names else None


def _row(facts: EventFacts) -> dict[str, Any]:
    e = facts.row
    side1, side2, supporters = _sides(facts)
    actor1 = side1[0] if side1 else None
    actor2 = side2[0] if side2 else None
    inter1, inter2 = inter_code(actor1, e["country"]), inter_code(actor2, e["country"])
    outlets = [r.outlet for r in facts.reports if r.outlet]
    return {
        "event_id_cnty": e["event_id"],
        "event_date": e["date_start"],
        "year": e["date_start"].year if e["date_start"] else None,
        "time_precision": e["acled_time_precision"],
        "disorder_type": disorder_type(e["acled_event_type"], e["acled_sub_event_type"]),
        "event_type": e["acled_event_type"],
        "sub_event_type": e["acled_sub_event_type"],
        "actor1": actor1.name if actor1 else None,
        "assoc_actor_1": _joined([p.name for p in side1[1:] + supporters]),
        "inter1": inter1 if actor1 else None,
        "actor2": actor2.name if actor2 else None,
        "assoc_actor_2": _joined([p.name for p in side2[1:]]),
        "inter2": inter2,
        "interaction": interaction(inter1, inter2) if actor1 else None,
        "civilian_targeting": "Civilian targeting" if e["acled_civilian_targeting"] else None,
        "iso": country_field(e["country"], "numeric"),
        "country": country_field(e["country"], "name"),
        "admin1": e["admin1"],
        "admin2": e["admin2"],
        "location": e["location"],
        "latitude": e["latitude"],
        "longitude": e["longitude"],
        "geo_precision": e["acled_geo_precision"],
        "source": _joined(outlets),
        "notes": e["summary"],
        "fatalities": _fatalities(e["fatalities_low"], e["fatalities_best"]),
    }


def _fatalities(low: int | None, best: int | None) -> int:
    return low if low is not None else best if best is not None else 0


def acled(tables: Mapping[str, pl.DataFrame], *, everything: bool = False) -> pa.Table:
    """ACLED's rows (an ACLED event type and a date); with `everything` the undated too."""
    rows = [
        _row(f)
        for f in event_facts(tables)
        if f.row["acled_event_type"] is not None and (everything or f.row["date_start"] is not None)
    ]
    return export_table(COLUMNS, rows)
