"""Registries: canonical actors and places, defined once and referenced by id everywhere."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from eventset.schema.fields import (
    WIKIDATA_PATTERN,
    ActorKind,
    Country,
    Model,
    PlaceKind,
    Slug,
    Text,
)

Alias = Annotated[str, Field(min_length=1, max_length=300)]


class Retired(Model):
    """An id that is no longer used, kept so releases can map old ids to new ones."""

    id: Slug = Field(description="The retired id; never reused.")
    replaced_by: Slug | None = Field(
        description="The id that replaces it; null when the entry was removed without successor."
    )
    reason: Text = Field(description="Why it was retired (merged, renamed, split, wrong).")


class Actor(Model):
    """A canonical actor: a state, organisation, group, person or typed anonymous source."""

    id: Slug = Field(description="Actor id, a lowercase slug, never reused.")
    name: Text = Field(description="Canonical English name.")
    kind: ActorKind = Field(description="What sort of actor it is.")
    country: Country | None = Field(
        default=None, description="ISO 3166-1 alpha-2 country the actor belongs to, if any."
    )
    aliases: list[Alias] = Field(
        default_factory=list,
        max_length=500,
        description="Other names and spellings seen in documents.",
    )
    parent: Slug | None = Field(
        default=None, description="Actor this one belongs to or is affiliated with."
    )
    wikidata: Annotated[str, Field(pattern=WIKIDATA_PATTERN)] | None = Field(
        default=None, description="Wikidata item (Q-number), when one is known."
    )
    description: str | None = Field(default=None, max_length=2000, description="Scope note.")


class Place(Model):
    """A canonical place with its administrative context and coordinates."""

    id: Slug = Field(description="Place id, a lowercase slug, never reused.")
    name: Text = Field(description="Canonical English name.")
    kind: PlaceKind = Field(description="Feature kind.")
    country: Country = Field(description="ISO 3166-1 alpha-2 country.")
    admin1: str | None = Field(default=None, max_length=200, description="First-level division.")
    admin2: str | None = Field(default=None, max_length=200, description="Second-level division.")
    latitude: float | None = Field(default=None, ge=-90, le=90, description="WGS84 latitude.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="WGS84 longitude.")
    geonames_id: int | None = Field(default=None, ge=1, description="GeoNames id, when known.")
    parent: Slug | None = Field(default=None, description="Enclosing place in this registry.")
    aliases: list[Alias] = Field(default_factory=list, max_length=500, description="Other names.")


class ActorRegistry(Model):
    """data/actors.yaml"""

    format: Literal[1] = Field(description="Registry format version.")
    actors: list[Actor] = Field(default_factory=list, max_length=1_000_000)
    retired: list[Retired] = Field(default_factory=list, max_length=1_000_000)


class PlaceRegistry(Model):
    """data/places.yaml"""

    format: Literal[1] = Field(description="Registry format version.")
    places: list[Place] = Field(default_factory=list, max_length=1_000_000)
    retired: list[Retired] = Field(default_factory=list, max_length=1_000_000)
