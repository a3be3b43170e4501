"""Annotation format 1: one YAML file per seed document, stand-off and anchored by quotes.

Annotators write exact words of the text; the build finds them and computes offsets. Actors and
places are referenced by registry id; events may be shared by several documents (same id).
The JSON Schema in `schemas/annotation.schema.json` is generated from these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from eventset.schema.fields import (
    URL_PATTERN,
    Accept,
    Certainty,
    ClaimKind,
    ClaimModality,
    ClaimPolarity,
    DatePrecision,
    DocumentId,
    DocumentOrigin,
    EventType,
    Evidence,
    FormatVersion,
    GeoPrecision,
    Language,
    Licence,
    Model,
    ParticipantRole,
    Sha256,
    Slug,
    Text,
    literal_message,
)
from eventset.schema.vocab import event_modes


class DocumentBlock(Model):
    """What the document is; published date and title must agree with the seed's header line."""

    id: DocumentId = Field(description="The seed file's stem; also this annotation's file name.")
    sha256: Sha256 = Field(description="sha256 of the seed file's bytes, as 'sha256:<hex>'.")
    published: dt.date = Field(description="Publication date, from the seed header (YYYY-MM-DD).")
    title: Text = Field(description="Headline, from the seed header.")
    byline: str | None = Field(default=None, max_length=500, description="Byline as printed.")
    outlet: Slug | None = Field(
        default=None,
        description="Registry actor id of the publishing outlet; null when the text does not say.",
    )
    language: Language = Field(description="ISO 639-1 language of the text.")
    url: Annotated[str, Field(pattern=URL_PATTERN, max_length=2000)] | None = Field(
        default=None, description="Where the document was published, if known."
    )
    licence: Licence = Field(
        description="Licence of the text; decides whether a release may carry the text."
    )
    origin: DocumentOrigin = Field(
        default="published",
        description="Where the text comes from: a published report, a contributor's original "
        "or a synthetic text; originals and synthetic texts need an open licence.",
    )
    rights_holder: str | None = Field(
        default=None,
        max_length=500,
        description="Who holds the rights to the text (the outlet, or the contributor of an "
        "original), as they wish to be credited.",
    )


class ActorMentions(Model):
    """The surface forms by which this document names one registry actor."""

    actor: Slug = Field(description="Registry actor id (data/actors.yaml).")
    mentions: Evidence = Field(min_length=1, description="Quotes naming the actor in this text.")


class PlaceMentions(Model):
    """The surface forms by which this document names one registry place."""

    place: Slug = Field(description="Registry place id (data/places.yaml).")
    mentions: Evidence = Field(min_length=1, description="Quotes naming the place in this text.")


class DateSpec(Model):
    """When something happened: a day or an interval, with how precisely the text says it."""

    start: dt.date | None = Field(
        description="First possible day; null when the text gives no lower bound ('recently')."
    )
    end: dt.date | None = Field(default=None, description="Last possible day; defaults to start.")
    precision: DatePrecision = Field(description="How precisely the text dates it.")
    derived: bool = Field(
        default=False,
        description="True when the text implies the date ('on Monday') rather than stating it.",
    )
    scheduled: bool = Field(
        default=False, description="True for a planned event dated after publication."
    )
    evidence: Evidence = Field(
        default_factory=list, description="Quotes the date is read or derived from."
    )

    @property
    def last_day(self) -> dt.date | None:
        return self.end if self.end is not None else self.start


class PlaceRef(Model):
    """Where an event happened, as a registry place and how close the text gets to it."""

    id: Slug = Field(description="Registry place id (data/places.yaml).")
    precision: GeoPrecision = Field(description="How closely the text locates the event.")
    evidence: Evidence = Field(default_factory=list, description="Quotes that locate the event.")
    accept: Accept = Field(default_factory=dict)


class Participant(Model):
    """An actor taking part in an event, in one role."""

    actor: Slug = Field(description="Registry actor id.")
    role: ParticipantRole = Field(description="The actor's part in the event.")
    evidence: Evidence = Field(
        default_factory=list, description="Quotes that say the actor took this part."
    )
    accept: Accept = Field(default_factory=dict)


Count = Annotated[int, Field(ge=0, le=10_000_000)]


class Fatalities(Model):
    """Deaths in the event as the text gives them; null fields are not stated."""

    low: Count | None = Field(default=None, description="Lowest figure the text supports.")
    best: Count | None = Field(default=None, description="Best single figure.")
    high: Count | None = Field(default=None, description="Highest figure the text supports.")
    derived: bool = Field(
        default=False, description="True when counted from the text rather than stated as a number."
    )
    evidence: Evidence = Field(min_length=1, description="Quotes the figures come from.")
    accept: Accept = Field(default_factory=dict)


class Event(Model):
    """Something that happened, PLOVER-typed, with its time, place, participants and evidence."""

    id: Slug = Field(description="Event id; documents reporting the same event share it.")
    type: EventType = Field(description="PLOVER event type.")
    mode: str | None = Field(
        default=None, description="PLOVER mode of the type, when the text says."
    )
    date: DateSpec
    place: PlaceRef | None = Field(
        default=None, description="Where; null when the text does not say."
    )
    participants: list[Participant] = Field(min_length=1, max_length=200)
    fatalities: Fatalities | None = Field(
        default=None, description="Deaths; null when the text gives no figure."
    )
    certainty: Certainty = Field(description="How firmly the text establishes the event.")
    summary: Text = Field(description="One neutral line saying what happened.")
    evidence: Evidence = Field(min_length=1, description="Quotes that report the event.")
    accept: Accept = Field(default_factory=dict)

    @field_validator("mode")
    @classmethod
    def _mode_of_type(cls, mode: str | None, info: ValidationInfo) -> str | None:
        event_type = info.data.get("type")
        if mode is None or event_type is None:
            return mode
        modes = event_modes(event_type)
        if mode not in modes:
            guess = modes.closest(mode)
            suggestion = f"; did you mean {guess!r}?" if guess else ""
            message = f"{mode!r} is not a mode of {event_type}{suggestion}"
            raise PydanticCustomError("bad_mode", literal_message(message))
        return mode


class About(Model):
    """What a claim is about: an event, an actor, or both."""

    event: Slug | None = Field(default=None, description="Event id the claim is about.")
    actor: Slug | None = Field(default=None, description="Actor id the claim is about.")


class Claim(Model):
    """An assertion attributed to a claimant, possibly relayed through intermediaries."""

    id: Slug = Field(description="Claim id, unique across the dataset.")
    claimant: Slug = Field(
        description="Registry actor id of who asserts it (typed, never free text)."
    )
    via: list[Slug] = Field(
        default_factory=list,
        max_length=20,
        description="Intermediaries the claim reached the document through, nearest the claimant first.",
    )
    kind: ClaimKind = Field(description="What sort of assertion it is.")
    polarity: ClaimPolarity = Field(default="asserted", description="Asserted or negated.")
    modality: ClaimModality = Field(
        default="asserted", description="How firmly the claimant asserts it."
    )
    explicit: bool = Field(
        default=True, description="False when the text implies the claim rather than stating it."
    )
    about: About = Field(
        default_factory=About, description="The event and/or actor the claim is about."
    )
    value: float | None = Field(
        default=None, ge=0, description="The figure, for a casualty_figure claim."
    )
    date: DateSpec | None = Field(
        default=None, description="When the claim was made; null when the text does not say."
    )
    summary: Text = Field(description="One line: what is claimed, in the claimant's terms.")
    evidence: Evidence = Field(min_length=1, description="Quotes that carry the claim.")
    accept: Accept = Field(default_factory=dict)


class Annotation(Model):
    """One annotation file: data/annotations/<document_id>.yaml."""

    format: FormatVersion = Field(description="Annotation format version.")
    document: DocumentBlock
    actors: list[ActorMentions] = Field(default_factory=list, max_length=5000)
    places: list[PlaceMentions] = Field(default_factory=list, max_length=5000)
    events: list[Event] = Field(default_factory=list, max_length=5000)
    claims: list[Claim] = Field(default_factory=list, max_length=5000)
