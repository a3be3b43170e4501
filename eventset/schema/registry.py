"""Registries: canonical actors and places, defined once and referenced by id everywhere.

An entry's fields are the columns of the `actors` and `places` tables (`tables.py`), so their
descriptions and bounds are taken from there; only the names differ (`id` is the table's key,
`parent` its `parent_id`), as `REGISTRY_FIELDS` records.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from eventset.schema.fields import (
    WIKIDATA_PATTERN,
    ActorKind,
    Country,
    FormatVersion,
    Model,
    PlaceKind,
    Slug,
    Text,
    UcdpParty,
)
from eventset.schema.tables import ACTORS, PLACES, Table

Alias = Annotated[str, Field(min_length=1, max_length=300)]

# Table column -> registry field, where the names differ.
REGISTRY_FIELDS = {"actor_id": "id", "place_id": "id", "parent_id": "parent"}


def _column(table: Table, field: str, **kwargs: Any) -> Any:
    """A pydantic Field with the description and bounds of the table column behind `field`."""
    name = next(
        (c for c, f in REGISTRY_FIELDS.items() if f == field and c in table.column_names), field
    )
    col = table.column(name)
    return Field(description=col.description, ge=col.ge, le=col.le, **kwargs)


class Retired(Model):
    """An id that is no longer used, kept so releases can map old ids to new ones."""

    id: Slug = Field(description="The retired id; never reused.")
    replaced_by: Slug | None = Field(
        description="The id that replaces it; null when the entry was removed without successor."
    )
    reason: Text = Field(description="Why it was retired (merged, renamed, split, wrong).")


class Actor(Model):
    """A canonical actor: a state, organisation, group, person or typed anonymous source."""

    id: Slug = _column(ACTORS, "id")
    name: Text = _column(ACTORS, "name")
    kind: ActorKind = _column(ACTORS, "kind")
    country: Country | None = _column(ACTORS, "country", default=None)
    aliases: list[Alias] = _column(ACTORS, "aliases", default_factory=list, max_length=500)
    parent: Slug | None = _column(ACTORS, "parent", default=None)
    wikidata: Annotated[str, Field(pattern=WIKIDATA_PATTERN)] | None = _column(
        ACTORS, "wikidata", default=None
    )
    description: str | None = _column(ACTORS, "description", default=None, max_length=2000)
    acled_inter: int | None = _column(ACTORS, "acled_inter", default=None)
    ucdp_party: UcdpParty | None = _column(ACTORS, "ucdp_party", default=None)


class Place(Model):
    """A canonical place with its administrative context and coordinates."""

    id: Slug = _column(PLACES, "id")
    name: Text = _column(PLACES, "name")
    kind: PlaceKind = _column(PLACES, "kind")
    country: Country = _column(PLACES, "country")
    admin1: str | None = _column(PLACES, "admin1", default=None, max_length=200)
    admin2: str | None = _column(PLACES, "admin2", default=None, max_length=200)
    latitude: float | None = _column(PLACES, "latitude", default=None)
    longitude: float | None = _column(PLACES, "longitude", default=None)
    geonames_id: int | None = _column(PLACES, "geonames_id", default=None)
    parent: Slug | None = _column(PLACES, "parent", default=None)
    aliases: list[Alias] = _column(PLACES, "aliases", default_factory=list, max_length=500)
    # Not a table column: it only tells validation why the parent's country may differ.
    cross_border: Text | None = Field(
        default=None,
        description="Why this place's country differs from its parent's (a border crossing, "
        "a disputed area); without it the two countries must be equal.",
    )


class ActorRegistry(Model):
    """data/actors.yaml"""

    format: FormatVersion = Field(description="Registry format version.")
    actors: list[Actor] = Field(default_factory=list, max_length=1_000_000)
    retired: list[Retired] = Field(default_factory=list, max_length=1_000_000)


class PlaceRegistry(Model):
    """data/places.yaml"""

    format: FormatVersion = Field(description="Registry format version.")
    places: list[Place] = Field(default_factory=list, max_length=1_000_000)
    retired: list[Retired] = Field(default_factory=list, max_length=1_000_000)
