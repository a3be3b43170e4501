"""One row per event, ACLED's shape without leaving the package: `eventset.flat(...)`.

The release is normalised (events, event_actors, actors, claims, countries); an analyst's first
table is flat. This view joins them once, with names that never collide:

- where and when: the events row's own place columns (resolved up the place hierarchy), plus
  the country's name and ISO codes from `countries`;
- who: the principal actor on each side and every actor of the side. Side 1 holds the roles
  ACLED puts in actor1 (perpetrator, initiator), side 2 those it puts in actor2 (target,
  victim, recipient); an event with only `participant`s (a clash) has its first participant on
  side 1 and the second on side 2. The principal actor is the side's first by actor_id, as in
  the ACLED export;
- who claimed it: the latest asserted claim of responsibility about the event (by the claim's
  date, else its document's publication date, then claim_id), with its claimant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

import polars as pl

from eventset.schema.tables import COUNTRIES, EVENTS, Column, Table

SIDE1_ROLES = ("perpetrator", "initiator")
SIDE2_ROLES = ("target", "victim", "recipient")
CLASH_ROLES = ("participant",)

# (column, meaning) of the view, in order; docs and tests read this list.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "events.event_id"),
    ("event_type", "PLOVER event type"),
    ("mode", "PLOVER mode"),
    ("date_start", "first possible day"),
    ("date_end", "last possible day"),
    ("date_precision", "precision of the dates"),
    ("country", "ISO 3166-1 alpha-2"),
    ("country_name", "countries.country_name"),
    ("iso_alpha3", "countries.iso_alpha3"),
    ("iso_numeric", "countries.iso_numeric (ACLED's iso)"),
    ("admin1", "first-level division"),
    ("admin2", "second-level division"),
    ("location", "place name"),
    ("latitude", "WGS84"),
    ("longitude", "WGS84"),
    ("geo_precision", "precision of the place"),
    ("fatalities_low", "lowest figure reported"),
    ("fatalities_best", "best figure"),
    ("fatalities_high", "highest figure"),
    ("certainty", "how certain the event is"),
    ("actor1_id", "principal actor of side 1 (perpetrator, initiator)"),
    ("actor1", "its name"),
    ("side1_actors", "names of every side-1 actor, '; '-separated, by actor_id"),
    ("actor2_id", "principal actor of side 2 (target, victim, recipient)"),
    ("actor2", "its name"),
    ("side2_actors", "names of every side-2 actor, '; '-separated"),
    ("claim_id", "the latest asserted claim of responsibility for the event"),
    ("claimed_by_id", "its claimant"),
    ("claimed_by", "the claimant's name"),
    ("claim_date", "the claim's date, else its document's publication date"),
    ("acled_event_type", "ACLED event type crosswalk"),
    ("ucdp_type_of_violence", "UCDP type of violence crosswalk"),
    ("summary", "the event's summary"),
    ("document_count", "documents that report it"),
)


def _sides(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    names = tables["actors"].select("actor_id", "name")
    taking = (
        tables["event_actors"]
        .select("event_id", "actor_id", pl.col("role").cast(pl.String))
        .join(names, on="actor_id", how="left")
        .unique(["event_id", "actor_id", "role"])
    )
    side = (
        pl.when(pl.col("role").is_in(SIDE1_ROLES))
        .then(1)
        .when(pl.col("role").is_in(SIDE2_ROLES))
        .then(2)
    )
    sided = taking.with_columns(side.cast(pl.Int64).alias("side"))
    # A clash (participants only): the first two participants face each other.
    clash = (
        sided.filter(pl.col("role").is_in(CLASH_ROLES))
        .sort("event_id", "actor_id")
        .with_columns((pl.int_range(pl.len()).over("event_id") + 1).cast(pl.Int64).alias("side"))
        .filter(pl.col("side") <= 2)
    )
    has_sides = sided.filter(pl.col("side").is_not_null()).select("event_id").unique()
    clash = clash.join(has_sides, on="event_id", how="anti")
    chosen = pl.concat([sided.filter(pl.col("side").is_not_null()), clash]).unique(
        ["event_id", "actor_id", "side"]
    )
    out = None
    for number in (1, 2):
        one = (
            chosen.filter(pl.col("side") == number)
            .sort("event_id", "actor_id")
            .group_by("event_id", maintain_order=True)
            .agg(
                pl.col("actor_id").first().alias(f"actor{number}_id"),
                pl.col("name").first().alias(f"actor{number}"),
                pl.col("name")
                .unique(maintain_order=True)
                .str.join("; ")
                .alias(f"side{number}_actors"),
            )
        )
        out = one if out is None else out.join(one, on="event_id", how="full", coalesce=True)
    assert out is not None
    return out


def _claims(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    published = tables["documents"].select("document_id", "published")
    names = tables["actors"].select(pl.col("actor_id").alias("claimed_by_id"), "name")
    return (
        tables["claims"]
        .filter(
            (pl.col("kind").cast(pl.String) == "responsibility")
            & (pl.col("polarity").cast(pl.String) == "asserted")
            & pl.col("event_id").is_not_null()
        )
        .join(published, on="document_id", how="left")
        .with_columns(pl.coalesce("date_start", "published").alias("claim_date"))
        .sort("event_id", "claim_date", "claim_id")
        .group_by("event_id", maintain_order=True)
        .last()
        .select("event_id", "claim_id", pl.col("claimant_id").alias("claimed_by_id"), "claim_date")
        .join(names, on="claimed_by_id", how="left")
        .rename({"name": "claimed_by"})
    )


def flat_events(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The flat view of polars tables as `eventset.load` returns them (see the module doc)."""
    countries = tables["countries"].select("country", "country_name", "iso_alpha3", "iso_numeric")
    view = (
        tables["events"]
        .join(countries, on="country", how="left")
        .join(_sides(tables), on="event_id", how="left")
        .join(_claims(tables), on="event_id", how="left")
    )
    return view.select([name for name, _ in COLUMNS]).sort("event_id")


def flat(
    version: str | None = None,
    *,
    path: Any = None,
    backend: Literal["polars", "pandas"] = "polars",
) -> Any:
    """One call: load a release (every file checked, as `eventset.load`) and return its flat
    view of events, as a polars or pandas DataFrame."""
    from eventset.release.load import load

    view = flat_events(load(version, path=path))
    return view if backend == "polars" else pandas_view(view)


def pandas_view(view: pl.DataFrame) -> Any:
    """The view in pandas, typed by the tables' rules: vocabulary columns as Categoricals,
    nullable integers, dates as datetime64."""
    from eventset.schema.contracts import pandas_frame

    known = {c.name: c for t in (EVENTS, COUNTRIES) for c in t.columns}
    columns = tuple(
        replace(known[name], nullable=True, unique=False)
        if name in known
        else Column(name, "date" if name == "claim_date" else "string", meaning, nullable=True)
        for name, meaning in COLUMNS
    )
    return pandas_frame(Table("flat", "The flat view of events.", ("event_id",), columns), view)
