"""Field types shared by the annotation and registry models.

Every custom check raises a `PydanticCustomError` whose type names the problem code family
(`unknown_code`, `bad_mode`, `bad_sha256`), so validation errors map to stable codes.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from eventset.schema.vocab import vocabulary

# The version of the annotation and registry file formats this code reads and writes; older
# formats are refused with a message (E207). One literal, so the models and messages agree.
FormatVersion = Literal[1]
FORMAT_VERSION: int = get_args(FormatVersion)[0]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"
# Document ids are seed file stems, which may contain "_" (e.g. 000_e3ff97cd28be607c); never "." or "/".
DOCUMENT_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,127}$"
SHA256_PATTERN = r"^sha256:[0-9a-f]{64}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"
URL_PATTERN = r"^https?://[^\s]+$"

_SHA256 = re.compile(SHA256_PATTERN)


class Model(BaseModel):
    """Strict base: unknown fields are errors, values are never coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, description="A lowercase slug id.")]
DocumentId = Annotated[str, Field(pattern=DOCUMENT_ID_PATTERN, description="A seed file's stem.")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
WARNING_CODE_PATTERN = r"^W[0-9]{3}$"
# Acknowledged warnings of one item: warning code -> why the annotator knows better.
Accept = Annotated[
    dict[Annotated[str, Field(pattern=WARNING_CODE_PATTERN)], Text],
    Field(
        max_length=20,
        description="Warnings the annotator acknowledges on this item, each with the reason "
        "(e.g. {W603: \"the outlet's framing; no cue word\"}); the reasons reach the tables' "
        "accepted_warnings column.",
    ),
]


def _check_sha256(value: str) -> str:
    if not _SHA256.fullmatch(value):
        raise PydanticCustomError(
            "bad_sha256", "expected 'sha256:' followed by 64 lowercase hex digits"
        )
    return value


Sha256 = Annotated[
    str,
    AfterValidator(_check_sha256),
    WithJsonSchema({"type": "string", "pattern": SHA256_PATTERN}),
]


def literal_message(message: str) -> str:
    """Escape a finished message for pydantic, which treats braces as template fields."""
    return message.replace("{", "{{").replace("}", "}}")


def in_vocabulary(vocabulary_name: str) -> AfterValidator:
    """A validator admitting only the codes of one vocabulary, with a did-you-mean hint."""
    vocab = vocabulary(vocabulary_name)
    # The codes as a set: the check runs for every coded value of every annotation, and a set
    # is looked up without a call into Python.
    codes = frozenset(code.code for code in vocab.codes)

    def check(value: str) -> str:
        if value not in codes:
            guess = vocab.closest(value)
            suggestion = f"; did you mean {guess!r}?" if guess else ""
            message = f"{value!r} is not a {vocabulary_name} code{suggestion}"
            raise PydanticCustomError("unknown_code", literal_message(message))
        return value

    return AfterValidator(check)


def vocabulary_schema(vocabulary_name: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(vocabulary(vocabulary_name).values())})


EventType = Annotated[str, in_vocabulary("event_types"), vocabulary_schema("event_types")]
ParticipantRole = Annotated[
    str, in_vocabulary("participant_roles"), vocabulary_schema("participant_roles")
]
ClaimKind = Annotated[str, in_vocabulary("claim_kinds"), vocabulary_schema("claim_kinds")]
ClaimPolarity = Annotated[
    str, in_vocabulary("claim_polarities"), vocabulary_schema("claim_polarities")
]
ClaimModality = Annotated[
    str, in_vocabulary("claim_modalities"), vocabulary_schema("claim_modalities")
]
DatePrecision = Annotated[
    str, in_vocabulary("date_precisions"), vocabulary_schema("date_precisions")
]
GeoPrecision = Annotated[str, in_vocabulary("geo_precisions"), vocabulary_schema("geo_precisions")]
Certainty = Annotated[str, in_vocabulary("certainty_levels"), vocabulary_schema("certainty_levels")]
ActorKind = Annotated[str, in_vocabulary("actor_kinds"), vocabulary_schema("actor_kinds")]
UcdpParty = Annotated[str, in_vocabulary("ucdp_parties"), vocabulary_schema("ucdp_parties")]
PlaceKind = Annotated[str, in_vocabulary("place_kinds"), vocabulary_schema("place_kinds")]
Language = Annotated[str, in_vocabulary("languages"), vocabulary_schema("languages")]
Licence = Annotated[str, in_vocabulary("licences"), vocabulary_schema("licences")]
DocumentOrigin = Annotated[
    str, in_vocabulary("document_origins"), vocabulary_schema("document_origins")
]
Country = Annotated[str, in_vocabulary("countries"), vocabulary_schema("countries")]


def _quote_shorthand(value: object) -> object:
    return {"quote": value} if isinstance(value, str) else value


class Selector(Model):
    """Exact words of the document (W3C TextQuoteSelector), optionally disambiguated."""

    quote: Text = Field(description="The exact words, as they appear in the text.")
    occurrence: int | None = Field(
        default=None, ge=1, description="Which match to use (1-based) when the quote repeats."
    )
    prefix: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Words immediately before the quote, to pick one of several matches.",
    )
    suffix: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Words immediately after the quote, to pick one of several matches.",
    )


QuoteRef = Annotated[
    Selector,
    # Shorthand: a bare string is the quote; the schema offers both forms to editors.
    BeforeValidator(_quote_shorthand, json_schema_input_type=str | Selector),
]
Evidence = Annotated[list[QuoteRef], Field(max_length=200)]
