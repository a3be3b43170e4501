"""The release tables, described once.

Each table is a `Table` of `Column`s: name, type, nullability, constraints, description and
keys. The Pandera contracts (`contracts.py`), the Arrow schema with field metadata, the
codebook and `datapackage.json` are all generated from these descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from eventset.schema.fields import (
    DOCUMENT_ID_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    WIKIDATA_PATTERN,
)

SCHEMA_VERSION = "1.1.0"

DType = Literal["string", "int32", "int64", "float64", "bool", "date", "list[string]"]


def _accepted(what: str) -> Column:
    """Provenance of the warnings annotators acknowledged on a row's facts (issue 23)."""
    return Column(
        "accepted_warnings",
        "list[string]",
        f"Warnings of the meaning checks that the annotators acknowledged on {what}, each as "
        "'<code> <document_id> <item>: <reason>' (item: event, place, fatalities, participant "
        "or claim), sorted; empty when none was. The codes are in docs/error-codes.md.",
    )


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType
    description: str
    nullable: bool = False
    unique: bool = False
    pattern: str | None = None
    vocabulary: str | None = None
    ge: float | None = None
    le: float | None = None
    references: tuple[str, str] | None = None  # (table, column) this column is a foreign key to
    # Computed when the rows that several documents give for one key are merged (counts,
    # crosswalks), so no single document's rows carry it.
    merged: bool = False


@dataclass(frozen=True)
class RowCheck:
    """A rule over several columns of one row, written as a SQL-like sentence for the codebook
    and implemented in `contracts.py` under the same name."""

    name: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    row_checks: tuple[RowCheck, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)


def _id(
    name: str,
    what: str,
    pattern: str = SLUG_PATTERN,
    *,
    unique: bool = False,
    nullable: bool = False,
    references: tuple[str, str] | None = None,
) -> Column:
    """An id column: a string under the id pattern, optionally a key or a reference."""
    return Column(
        name,
        "string",
        what,
        nullable=nullable,
        unique=unique,
        pattern=pattern,
        references=references,
    )


DOCUMENTS = Table(
    "documents",
    "One row per source document (a seed file and its annotation).",
    ("document_id",),
    (
        _id("document_id", "Document id: the seed file's stem.", DOCUMENT_ID_PATTERN, unique=True),
        Column("published", "date", "Publication date, from the seed's header line."),
        Column("title", "string", "Headline, from the seed's header line."),
        Column("byline", "string", "Byline as printed.", nullable=True),
        _id(
            "outlet_id",
            "Actor id of the publishing outlet; null when not known.",
            nullable=True,
            references=("actors", "actor_id"),
        ),
        Column("language", "string", "ISO 639-1 language of the text.", vocabulary="languages"),
        Column("url", "string", "Where the document was published, if known.", nullable=True),
        Column("licence", "string", "Licence of the text.", vocabulary="licences"),
        Column(
            "origin",
            "string",
            "Where the text comes from: published (a report), original (written by a "
            "contributor) or synthetic (invented; reports nothing real). Filter on it to study "
            "published reporting only.",
            vocabulary="document_origins",
        ),
        Column("rights_holder", "string", "Who holds the rights to the text.", nullable=True),
        Column(
            "text_sha256",
            "string",
            "SHA-256 of the seed file's bytes ('sha256:<hex>').",
            pattern=SHA256_PATTERN,
        ),
        Column("char_count", "int64", "Length of the text in Unicode code points.", ge=0),
        Column("byte_count", "int64", "Size of the seed file in bytes.", ge=0),
        Column(
            "text",
            "string",
            "The full text exactly as stored, when the licence allows redistribution; "
            "otherwise null and only the evidence quotes are published.",
            nullable=True,
        ),
        Column(
            "annotation_sha256",
            "string",
            "SHA-256 of the annotation file the rows come from.",
            pattern=SHA256_PATTERN,
        ),
        Column(
            "coding_count",
            "int32",
            "Independent codings of the document beside its canonical annotation "
            "(data/codings/<coder>/); 0 when it was coded once. Documents with two or more are "
            "the ones the agreement table of the release card (agreement.json) is computed from.",
            ge=0,
            merged=True,
        ),
    ),
    (RowCheck("text_matches_length", "when text is present, its length equals char_count"),),
)

ACTORS = Table(
    "actors",
    "One row per canonical actor from the actor registry (data/actors.yaml).",
    ("actor_id",),
    (
        _id("actor_id", "Actor id, a lowercase slug, never reused.", unique=True),
        Column("name", "string", "Canonical English name."),
        Column("kind", "string", "What sort of actor it is.", vocabulary="actor_kinds"),
        Column(
            "country",
            "string",
            "ISO 3166-1 alpha-2 country, if any.",
            nullable=True,
            vocabulary="countries",
        ),
        Column("aliases", "list[string]", "Other names and spellings seen in documents."),
        _id(
            "parent_id",
            "Actor this one belongs to or is affiliated with.",
            nullable=True,
            references=("actors", "actor_id"),
        ),
        Column(
            "wikidata",
            "string",
            "Wikidata item (Q-number), when known.",
            nullable=True,
            pattern=WIKIDATA_PATTERN,
        ),
        Column("description", "string", "Scope note.", nullable=True),
        Column(
            "acled_inter",
            "int32",
            "ACLED inter code (0-8) the registry entry states for itself where its kind cannot "
            "decide one (an armed group: rebels 2, political militia 3, identity militia 4); "
            "null to follow the kind (actor_kinds.acled_inter).",
            nullable=True,
            ge=0,
            le=8,
        ),
        Column(
            "ucdp_party",
            "string",
            "UCDP party the registry entry states for itself where its kind cannot decide one; "
            "null to follow the kind (actor_kinds.ucdp_party).",
            nullable=True,
            vocabulary="ucdp_parties",
        ),
    ),
)

PLACES = Table(
    "places",
    "One row per canonical place from the place registry (data/places.yaml).",
    ("place_id",),
    (
        _id("place_id", "Place id, a lowercase slug, never reused.", unique=True),
        Column("name", "string", "Canonical English name."),
        Column("kind", "string", "Feature kind.", vocabulary="place_kinds"),
        Column("country", "string", "ISO 3166-1 alpha-2 country.", vocabulary="countries"),
        Column("admin1", "string", "First-level administrative division.", nullable=True),
        Column("admin2", "string", "Second-level administrative division.", nullable=True),
        Column("latitude", "float64", "WGS84 latitude.", nullable=True, ge=-90, le=90),
        Column("longitude", "float64", "WGS84 longitude.", nullable=True, ge=-180, le=180),
        Column("geonames_id", "int64", "GeoNames id, when known.", nullable=True, ge=1),
        _id("parent_id", "Enclosing place.", nullable=True, references=("places", "place_id")),
        Column("aliases", "list[string]", "Other names."),
    ),
    (RowCheck("coordinates_paired", "latitude and longitude are both given or both null"),),
)

EVENTS = Table(
    "events",
    "One row per event, merged across every document that reports it.",
    ("event_id",),
    (
        _id("event_id", "Event id; documents reporting the same event share it.", unique=True),
        Column("event_type", "string", "PLOVER event type.", vocabulary="event_types"),
        Column("mode", "string", "PLOVER mode of the type, when the text says.", nullable=True),
        Column(
            "date_start",
            "date",
            "First possible day; null when no lower bound is given.",
            nullable=True,
        ),
        Column(
            "date_end",
            "date",
            "Last possible day; null when no upper bound is given.",
            nullable=True,
        ),
        Column(
            "date_precision",
            "string",
            "How precisely the sources date it.",
            vocabulary="date_precisions",
        ),
        Column("date_derived", "bool", "True when the date is implied by the text, not stated."),
        _id(
            "place_id",
            "Where it happened; null when no source says.",
            nullable=True,
            references=("places", "place_id"),
        ),
        Column(
            "geo_precision",
            "string",
            "How precisely the location columns place it: the sources' precision, made coarser "
            "when the coordinates come from an enclosing place; 'unknown' exactly when place_id "
            "is null.",
            vocabulary="geo_precisions",
        ),
        Column(
            "country",
            "string",
            "ISO 3166-1 alpha-2 country of the place; null without a place.",
            nullable=True,
            vocabulary="countries",
            merged=True,
        ),
        Column(
            "admin1",
            "string",
            "First-level administrative division of the place, from the place or the nearest "
            "enclosing admin1 place of the registry.",
            nullable=True,
            merged=True,
        ),
        Column(
            "admin2",
            "string",
            "Second-level administrative division, found the same way as admin1.",
            nullable=True,
            merged=True,
        ),
        Column("location", "string", "Name of the place.", nullable=True, merged=True),
        Column(
            "latitude",
            "float64",
            "WGS84 latitude of the nearest place up the place hierarchy (the place itself first) "
            "that has coordinates; never estimated.",
            nullable=True,
            ge=-90,
            le=90,
            merged=True,
        ),
        Column(
            "longitude",
            "float64",
            "WGS84 longitude, from the same place as latitude.",
            nullable=True,
            ge=-180,
            le=180,
            merged=True,
        ),
        Column(
            "fatalities_low",
            "int64",
            "Lowest death figure any source states.",
            nullable=True,
            ge=0,
        ),
        Column(
            "fatalities_best",
            "int64",
            "Best single figure: the lowest of the sources' best figures (conservative).",
            nullable=True,
            ge=0,
        ),
        Column(
            "fatalities_high",
            "int64",
            "Highest death figure any source states; null when no source gives an upper "
            "figure (only 'at least N').",
            nullable=True,
            ge=0,
        ),
        Column(
            "certainty",
            "string",
            "The most certain level any source gives.",
            vocabulary="certainty_levels",
        ),
        Column("summary", "string", "One neutral line, from the earliest reporting document."),
        Column(
            "document_count",
            "int32",
            "Number of documents that report the event.",
            ge=1,
            merged=True,
        ),
        Column(
            "acled_event_type", "string", "ACLED event_type crosswalk.", nullable=True, merged=True
        ),
        Column(
            "acled_sub_event_type",
            "string",
            "ACLED sub_event_type crosswalk.",
            nullable=True,
            merged=True,
        ),
        Column(
            "cameo_code",
            "string",
            "CAMEO code crosswalk (most specific that fits).",
            nullable=True,
            merged=True,
        ),
        Column(
            "gtd_attacktype",
            "int32",
            "GTD attacktype crosswalk.",
            nullable=True,
            ge=1,
            le=9,
            merged=True,
        ),
        Column(
            "acled_time_precision",
            "int32",
            "ACLED time_precision crosswalk.",
            nullable=True,
            ge=1,
            le=3,
            merged=True,
        ),
        Column(
            "ucdp_date_prec",
            "int32",
            "UCDP GED date_prec crosswalk.",
            nullable=True,
            ge=1,
            le=5,
            merged=True,
        ),
        Column(
            "acled_geo_precision",
            "int32",
            "ACLED geo_precision crosswalk.",
            nullable=True,
            ge=1,
            le=3,
            merged=True,
        ),
        Column(
            "ucdp_where_prec",
            "int32",
            "UCDP GED where_prec crosswalk.",
            nullable=True,
            ge=1,
            le=7,
            merged=True,
        ),
        Column(
            "acled_civilian_targeting",
            "bool",
            "ACLED civilian_targeting, from the participants' actor kinds: true when every "
            "target and victim is a civilian kind, false when none is; null for a non-violent "
            "event or when the kinds do not decide it (a person of unstated affiliation).",
            nullable=True,
            merged=True,
        ),
        Column(
            "ucdp_type_of_violence",
            "int32",
            "UCDP GED type_of_violence from the participants' actor kinds (1 state-based, "
            "2 non-state, 3 one-sided); null for a non-violent event or when the kinds do not "
            "decide it (an unidentified perpetrator, a person of unstated affiliation).",
            nullable=True,
            ge=1,
            le=3,
            merged=True,
        ),
        Column(
            "gtd_targtype",
            "int32",
            "GTD targtype1 from the kinds of the targets and victims, when they all give the same "
            "code; null otherwise or for a non-violent event.",
            nullable=True,
            ge=1,
            le=22,
            merged=True,
        ),
        _accepted("the event, its place or its figures"),
    ),
    (
        RowCheck("dates_ordered", "date_start <= date_end when both are given"),
        RowCheck("fatalities_ordered", "fatalities_low <= fatalities_best <= fatalities_high"),
        RowCheck(
            "place_matches_precision", "geo_precision is 'unknown' exactly when place_id is null"
        ),
        RowCheck("coordinates_paired", "latitude and longitude are both given or both null"),
    ),
)

EVENT_ACTORS = Table(
    "event_actors",
    "One row per (event, actor, role): who took part in an event, and how.",
    ("event_id", "actor_id", "role"),
    (
        _id("event_id", "The event.", references=("events", "event_id")),
        _id("actor_id", "The participating actor.", references=("actors", "actor_id")),
        Column("role", "string", "The actor's part in the event.", vocabulary="participant_roles"),
        Column(
            "document_count",
            "int32",
            "Number of documents that name the actor in this role.",
            ge=1,
            merged=True,
        ),
        _accepted("the actor's part"),
    ),
)

CLAIMS = Table(
    "claims",
    "One row per attributed assertion in a document: who claims what, through whom, about what.",
    ("claim_id",),
    (
        _id("claim_id", "Claim id, unique across the dataset.", unique=True),
        _id(
            "document_id",
            "The document that carries the claim.",
            DOCUMENT_ID_PATTERN,
            references=("documents", "document_id"),
        ),
        _id(
            "claimant_id",
            "Who asserts it (a typed actor, never free text).",
            references=("actors", "actor_id"),
        ),
        Column(
            "via", "list[string]", "Actor ids of the intermediaries, nearest the claimant first."
        ),
        Column("kind", "string", "What sort of assertion it is.", vocabulary="claim_kinds"),
        Column("polarity", "string", "Asserted or negated.", vocabulary="claim_polarities"),
        Column("modality", "string", "How firmly it is asserted.", vocabulary="claim_modalities"),
        Column("explicit", "bool", "False when the text implies the claim without stating it."),
        _id(
            "event_id",
            "The event the claim is about, if any.",
            nullable=True,
            references=("events", "event_id"),
        ),
        _id(
            "about_actor_id",
            "The actor the claim is about, if any.",
            nullable=True,
            references=("actors", "actor_id"),
        ),
        Column("value", "float64", "The figure, for a casualty_figure claim.", nullable=True, ge=0),
        Column("date_start", "date", "When the claim was made: first possible day.", nullable=True),
        Column("date_end", "date", "When the claim was made: last possible day.", nullable=True),
        Column(
            "date_precision",
            "string",
            "Precision of the claim's date.",
            nullable=True,
            vocabulary="date_precisions",
        ),
        Column("summary", "string", "What is claimed, in the claimant's terms."),
        Column(
            "gtd_claimed",
            "int32",
            "GTD `claimed` crosswalk of the claim kind.",
            nullable=True,
            ge=0,
            le=1,
        ),
        _accepted("the claim"),
    ),
    (RowCheck("dates_ordered", "date_start <= date_end when both are given"),),
)

MENTIONS = Table(
    "mentions",
    "One row per evidence span: the exact words of a document that support a fact.",
    ("mention_id",),
    (
        Column(
            "mention_id",
            "string",
            "Stable id from the document, span, target and aspect ('m' + 16 hex digits).",
            unique=True,
            pattern=r"^m[0-9a-f]{16}$",
        ),
        _id(
            "document_id",
            "The document the words are in.",
            DOCUMENT_ID_PATTERN,
            references=("documents", "document_id"),
        ),
        Column(
            "char_start",
            "int64",
            "Start offset in Unicode code points into the text as stored.",
            ge=0,
        ),
        Column(
            "char_end",
            "int64",
            "End offset (exclusive), in code points: text[char_start:char_end] == quote.",
            ge=1,
        ),
        Column("quote", "string", "The exact words."),
        Column("sentence_index", "int32", "0-based sentence number (the header line is 0).", ge=0),
        Column(
            "sentence",
            "string",
            "The sentence (or sentences) the words sit in, whitespace at its ends removed; null "
            "where the document's licence does not allow its text to be redistributed.",
            nullable=True,
        ),
        Column(
            "target_kind",
            "string",
            "Which table the supported fact is in.",
            vocabulary="mention_targets",
        ),
        Column("target_id", "string", "Id of the supported row in that table."),
        Column(
            "aspect",
            "string",
            "What about the target the words support.",
            vocabulary="mention_aspects",
        ),
        _id(
            "actor_id",
            "For participant evidence: the participating actor.",
            nullable=True,
            references=("actors", "actor_id"),
        ),
        Column(
            "role",
            "string",
            "For participant evidence: the role.",
            nullable=True,
            vocabulary="participant_roles",
        ),
    ),
    (
        RowCheck(
            "span_matches_quote", "char_end - char_start equals the quote's length in code points"
        ),
    ),
)

COUNTRIES = Table(
    "countries",
    "One row per country or territory of ISO 3166-1 (and Kosovo, XK): its names and codes, so "
    "the `country` columns of the other tables read without the repository. Generated at build "
    "time from the countries vocabulary, itself generated from pycountry 26.2.16 (LGPL-2.1), "
    "whose ISO 3166-1 tables come from Debian's iso-codes.",
    ("country",),
    (
        Column(
            "country",
            "string",
            "ISO 3166-1 alpha-2 code, as in the other tables' country columns.",
            unique=True,
            vocabulary="countries",
        ),
        Column("country_name", "string", "Short English name."),
        Column("iso_alpha3", "string", "ISO 3166-1 alpha-3 code.", pattern=r"^[A-Z]{3}$"),
        Column(
            "iso_numeric",
            "int32",
            "ISO 3166-1 numeric code (ACLED's iso); null for Kosovo, which has none.",
            nullable=True,
            ge=1,
            le=999,
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    DOCUMENTS,
    ACTORS,
    PLACES,
    EVENTS,
    EVENT_ACTORS,
    CLAIMS,
    MENTIONS,
    COUNTRIES,
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
