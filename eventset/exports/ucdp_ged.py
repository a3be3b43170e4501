"""UCDP Georeferenced Event Dataset (GED) layout: all 49 columns in UCDP's order and types.

Rows: by default the events GED itself would hold, by UCDP's inclusion rule: organised violence
(a type of violence the participants decide: state-based, non-state or one-sided) with at least
one death (`best` >= 1), on a known day or period (a start date). `--all` exports every ASSAULT
event, with the columns UCDP never leaves empty empty where the dataset cannot fill them.
UCDP's own registries (conflict, dyad, side and country ids), the split of deaths by side and
Gleditsch-Ward numbers are not in the dataset, so those columns are empty.

UCDP's estimates: `low` is the lowest and `high` the highest reasonable figure and `best` the
most likely; where the sources state only some of them, the others follow UCDP's practice of
never leaving one empty: `best` is the stated best, else the low figure (a count that sources
agree on at least), `low` the stated low else `best`, and `high` the stated high else `best`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl
import pyarrow as pa

from eventset.exports.columns import (
    EventFacts,
    ExportColumn,
    country_field,
    event_facts,
    export_table,
)
from eventset.schema.vocab import vocabulary

INT, STR, FLOAT, DATE = pa.int64(), pa.string(), pa.float64(), pa.date32()
UCDP_REGISTRY = "UCDP's own conflict, dyad and actor registry ids are assigned by UCDP; eventset has no such ids"
NO_SIDE_SPLIT = (
    "0: the sources' figures are not split by side, so no death is attributed to it "
    "(all are in deaths_unknown); empty when best is"
)

COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(
        "id",
        INT,
        empty="UCDP's integer event ids are assigned by UCDP; the eventset event_id is in relid",
    ),
    ExportColumn("relid", STR, source="events.event_id"),
    ExportColumn("year", INT, source="year of events.date_start"),
    ExportColumn(
        "active_year",
        INT,
        empty="whether the conflict-year passed UCDP's 25-death threshold is UCDP's judgement",
    ),
    ExportColumn("code_status", STR, empty="UCDP's internal coding status"),
    ExportColumn(
        "type_of_violence",
        INT,
        source="events.ucdp_type_of_violence (from the participants' actor kinds; empty where they do not decide it)",
    ),
    ExportColumn("conflict_dset_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("conflict_new_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("conflict_name", STR, empty=UCDP_REGISTRY),
    ExportColumn("dyad_dset_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("dyad_new_id", INT, empty=UCDP_REGISTRY),
    ExportColumn(
        "dyad_name", STR, source="side_a and side_b joined with ' - ', when both are known"
    ),
    ExportColumn("side_a_dset_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("side_a_new_id", INT, empty=UCDP_REGISTRY),
    ExportColumn(
        "side_a",
        STR,
        source="names of the perpetrators (event_actors role perpetrator), '; '-separated",
    ),
    ExportColumn("side_b_dset_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("side_b_new_id", INT, empty=UCDP_REGISTRY),
    ExportColumn("side_b", STR, source="names of the targets and victims, '; '-separated"),
    ExportColumn("number_of_sources", INT, source="events.document_count"),
    ExportColumn(
        "source_article", STR, source="document ids of the reporting documents, ';'-separated"
    ),
    ExportColumn(
        "source_office", STR, source="names of the reporting documents' outlets, ';'-separated"
    ),
    ExportColumn(
        "source_date", STR, source="publication dates of the reporting documents, ';'-separated"
    ),
    ExportColumn("source_headline", STR, source="titles of the reporting documents, ';'-separated"),
    ExportColumn(
        "source_original",
        STR,
        empty="the original sources the outlets quote are claims (claims table), not a field",
    ),
    ExportColumn("where_prec", INT, source="events.ucdp_where_prec (from geo_precision)"),
    ExportColumn("where_coordinates", STR, source="events.location (the place's name)"),
    ExportColumn(
        "where_description",
        STR,
        empty="UCDP's free-text description of the location is not recorded",
    ),
    ExportColumn("adm_1", STR, source="events.admin1"),
    ExportColumn("adm_2", STR, source="events.admin2"),
    ExportColumn("latitude", FLOAT, source="events.latitude"),
    ExportColumn("longitude", FLOAT, source="events.longitude"),
    ExportColumn("geom_wkt", STR, source="'POINT (longitude latitude)' when coordinates are known"),
    ExportColumn("priogrid_gid", INT, source="the PRIO-GRID 0.5-degree cell of the coordinates"),
    ExportColumn("country", STR, source="English name of events.country"),
    ExportColumn(
        "country_id",
        INT,
        empty="Gleditsch-Ward country numbers are not in the countries vocabulary",
    ),
    ExportColumn("region", STR, empty="UCDP's world regions are not in the countries vocabulary"),
    ExportColumn("event_clarity", INT, source="ucdp_event_clarity of events.certainty"),
    ExportColumn("date_prec", INT, source="events.ucdp_date_prec"),
    ExportColumn("date_start", DATE, source="events.date_start"),
    ExportColumn("date_end", DATE, source="events.date_end"),
    ExportColumn("deaths_a", INT, source=NO_SIDE_SPLIT),
    ExportColumn("deaths_b", INT, source=NO_SIDE_SPLIT),
    ExportColumn("deaths_civilians", INT, source=NO_SIDE_SPLIT),
    ExportColumn(
        "deaths_unknown",
        INT,
        source="best: the dead are of unknown status, as the sources do not say whose side they "
        "were on, so the four deaths_ columns add up to best as in GED",
    ),
    ExportColumn(
        "best", INT, source="events.fatalities_best; the low figure when only that is stated"
    ),
    ExportColumn("high", INT, source="events.fatalities_high; best when no high is stated"),
    ExportColumn("low", INT, source="events.fatalities_low; best when no low is stated"),
    ExportColumn("gwnoa", INT, empty="Gleditsch-Ward numbers of the sides are not in the dataset"),
    ExportColumn("gwnob", INT, empty="Gleditsch-Ward numbers of the sides are not in the dataset"),
)
ROWS = (
    "UCDP's inclusion rule: events of type ASSAULT whose participants decide a type of violence "
    "(organised violence) with best >= 1 death and a start date, in event_id order; "
    "`--all` gives every ASSAULT event"
)


def estimates(low: int | None, best: int | None, high: int | None) -> tuple[Any, Any, Any]:
    """(low, best, high) the UCDP way: none left empty when any figure is stated."""
    best = best if best is not None else low if low is not None else high
    return (low if low is not None else best, best, high if high is not None else best)


def included(facts: EventFacts) -> bool:
    """UCDP's inclusion rule: organised violence, at least one death, a dated event."""
    e = facts.row
    best = estimates(e["fatalities_low"], e["fatalities_best"], e["fatalities_high"])[1]
    return (
        e["event_type"] == "ASSAULT"
        and e["ucdp_type_of_violence"] is not None
        and best is not None
        and best >= 1
        and e["date_start"] is not None
    )


def priogrid_gid(latitude: float, longitude: float) -> int:
    """PRIO-GRID cell id: 0.5-degree cells numbered row by row from (-90, -180)."""
    row = min(math.floor((latitude + 90) / 0.5), 359)
    col = min(math.floor((longitude + 180) / 0.5), 719)
    return row * 720 + col + 1


def _names(names: list[str]) -> str | None:
    return "; ".join(names) if names else None


def _row(facts: EventFacts) -> dict[str, Any]:
    e = facts.row
    side_a = _names([p.name for p in facts.participants if p.role == "perpetrator"])
    side_b = _names([p.name for p in facts.participants if p.role in ("target", "victim")])
    lat, lon = e["latitude"], e["longitude"]
    located = lat is not None and lon is not None
    reports = facts.reports
    low, best, high = estimates(e["fatalities_low"], e["fatalities_best"], e["fatalities_high"])
    return {
        "relid": e["event_id"],
        "year": e["date_start"].year if e["date_start"] else None,
        "type_of_violence": e["ucdp_type_of_violence"],
        "dyad_name": f"{side_a} - {side_b}" if side_a and side_b else None,
        "side_a": side_a,
        "side_b": side_b,
        "number_of_sources": e["document_count"],
        "source_article": ";".join(r.document_id for r in reports) or None,
        "source_office": ";".join(r.outlet or "" for r in reports)
        if any(r.outlet for r in reports)
        else None,
        "source_date": ";".join(r.published.isoformat() for r in reports) or None,
        "source_headline": ";".join(r.title for r in reports) or None,
        "where_prec": e["ucdp_where_prec"],
        "where_coordinates": e["location"],
        "adm_1": e["admin1"],
        "adm_2": e["admin2"],
        "latitude": lat,
        "longitude": lon,
        "geom_wkt": f"POINT ({lon} {lat})" if located else None,
        "priogrid_gid": priogrid_gid(lat, lon) if located else None,
        "country": country_field(e["country"], "name"),
        "event_clarity": vocabulary("certainty_levels")[e["certainty"]].fields.get(
            "ucdp_event_clarity"
        ),
        "date_prec": e["ucdp_date_prec"],
        "date_start": e["date_start"],
        "date_end": e["date_end"],
        **dict.fromkeys(
            ("deaths_a", "deaths_b", "deaths_civilians"), 0 if best is not None else None
        ),
        "deaths_unknown": best,
        "best": best,
        "high": high,
        "low": low,
    }


def ucdp_ged(tables: Mapping[str, pl.DataFrame], *, everything: bool = False) -> pa.Table:
    """The GED rows: those UCDP's rule includes, or with `everything` every ASSAULT event."""
    facts = event_facts(tables)
    chosen = [f for f in facts if f.row["event_type"] == "ASSAULT" and (everything or included(f))]
    return export_table(COLUMNS, [_row(f) for f in chosen])
