"""Problems found in inputs: a stable code, a location, a message and a hint.

Checks yield problems; they never print and never raise for bad input. Reporters only format
them. The catalogue below is the single list of codes: the error-code reference
(`docs/error-codes.md`) is generated from it, and a code is never reused for another meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eventset.schema.fields import FORMAT_VERSION

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class CodeInfo:
    code: str
    name: str
    layer: str
    summary: str
    hint: str


def _catalogue(*entries: tuple[str, str, str, str, str]) -> dict[str, CodeInfo]:
    return {
        code: CodeInfo(code, name, layer, summary, hint)
        for code, name, layer, summary, hint in entries
    }


CODES: dict[str, CodeInfo] = _catalogue(
    # Layer 1: files and YAML safety.
    (
        "E101",
        "file-too-large",
        "file",
        "The file is larger than the size limit.",
        "Split the annotation or raise the limit in docs/limits.md only after review.",
    ),
    (
        "E102",
        "not-utf8",
        "file",
        "The file is not valid UTF-8.",
        "Re-save the file as UTF-8 (without a byte-order mark).",
    ),
    (
        "E103",
        "byte-order-mark",
        "file",
        "The file starts with a UTF-8 byte-order mark.",
        "Re-save the file as UTF-8 without BOM; most editors have this option.",
    ),
    (
        "E104",
        "control-character",
        "file",
        "The file contains a NUL or other control character.",
        "Remove the character; write it as an escape in a double-quoted string if it is meant.",
    ),
    (
        "E105",
        "tab-character",
        "file",
        "The file contains a tab character.",
        "Indent with spaces; inside a double-quoted string write a tab as \\t.",
    ),
    (
        "E106",
        "yaml-syntax",
        "file",
        "The file is not well-formed YAML.",
        "Check indentation and quoting near the position shown.",
    ),
    (
        "E107",
        "yaml-alias",
        "file",
        "YAML anchors and aliases (&name, *name) are not allowed.",
        "Write the value out in full; annotations are read by people and must not expand.",
    ),
    (
        "E108",
        "duplicate-key",
        "file",
        "A mapping has the same key twice.",
        "Keep one of the two entries; YAML would silently drop the first.",
    ),
    (
        "E109",
        "too-deep",
        "file",
        "The YAML nests deeper than the limit.",
        "Annotations are shallow; look for a runaway list or mapping.",
    ),
    (
        "E110",
        "yaml-tag",
        "file",
        "An explicit YAML tag (!!python/..., !custom) is not allowed.",
        "Remove the tag; values are plain strings, numbers, booleans, lists and mappings.",
    ),
    (
        "E111",
        "not-a-file",
        "file",
        "A path does not exist, is not a regular file, or leaves the repository.",
        "Give a path inside the repository to a regular file (symlinks are not followed).",
    ),
    (
        "E112",
        "too-many-items",
        "file",
        "The file has more nodes or a longer string than the limit.",
        "Split the annotation; limits are documented in docs/limits.md.",
    ),
    (
        "E113",
        "empty-file",
        "file",
        "The file is empty or holds no mapping at the top.",
        "Start from `eventset new seeds/<file>`, which writes a valid starter annotation.",
    ),
    (
        "E114",
        "invisible-character",
        "file",
        "The file contains an invisible or bidirectional-control character (zero-width space, "
        "joiner, BOM, LRM/RLM, bidi override or isolate).",
        "Delete it, or if a quote needs it write it visibly as an escape in a double-quoted "
        'string, e.g. "\\u200c"; see docs/limits.md.',
    ),
    (
        "E115",
        "duplicate-key-indentation",
        "file",
        "A key appears twice because one entry lost its indentation and now collides with a key "
        "of the block around it.",
        "Indent the line shown to the column of the block it follows; do not delete it.",
    ),
    (
        "E116",
        "yaml-indentation",
        "file",
        "A line is indented to a column that lines up with no block above it.",
        "Line it up with the keys or `- ` items of the block it belongs to (spaces, two per level).",
    ),
    # Layer 2: annotation models.
    (
        "E201",
        "missing-field",
        "model",
        "A required field is missing.",
        "Add the field; the JSON Schema in schema/ lists what each block needs.",
    ),
    (
        "E202",
        "unknown-field",
        "model",
        "A field is not part of the format.",
        "Check the spelling; the JSON Schema in schema/ lists the allowed fields.",
    ),
    (
        "E203",
        "wrong-type",
        "model",
        "A value has the wrong type or shape.",
        "Compare with the seed annotation in data/annotations/ for a worked example.",
    ),
    (
        "E204",
        "unknown-code",
        "model",
        "A value is not in its controlled vocabulary.",
        "Use one of the codes listed in docs/codebook.md (CODEBOOK.md in a release).",
    ),
    (
        "E205",
        "bad-id",
        "model",
        "An id is not a lowercase slug.",
        "Ids use a-z, 0-9 and '-', start with a letter or digit, and are at most 100 characters.",
    ),
    (
        "E206",
        "bad-date",
        "model",
        "A date is not a valid YYYY-MM-DD calendar date.",
        "Write dates as YYYY-MM-DD, e.g. 2021-09-06.",
    ),
    (
        "E207",
        "unsupported-format",
        "model",
        "The `format` version is missing or not supported.",
        f"Write `format: {FORMAT_VERSION}` at the top of the file.",
    ),
    (
        "E208",
        "out-of-range",
        "model",
        "A number or string is outside its allowed range.",
        "See the field's description in the JSON Schema for its range.",
    ),
    (
        "E209",
        "bad-mode",
        "model",
        "The mode does not belong to the event type.",
        "Each event type has its own modes; see 'event modes' in docs/codebook.md.",
    ),
    (
        "E210",
        "bad-url",
        "model",
        "A URL is not an absolute http:// or https:// address without spaces.",
        "Write the full address as a browser shows it, starting with https:// or http:// "
        "(no other scheme is allowed) and with spaces written as %20.",
    ),
    # Records imported from other formats (`eventset import`): JSON and JSON Lines files.
    (
        "E211",
        "json-syntax",
        "model",
        "The file is not a JSON array of records or JSON Lines.",
        "Fix the JSON at the place shown; JSON Lines files hold one record per line.",
    ),
    (
        "E212",
        "json-too-deep",
        "model",
        "Arrays and objects in the file nest deeper than the limit (32 levels).",
        "Records of event data nest a few levels deep; a file that nests deeper is not records.",
    ),
    (
        "E213",
        "json-number-too-long",
        "model",
        "A number in the file has more digits than the limit (100).",
        "Write the value as a string if it is an identifier; no count or code needs 100 digits.",
    ),
    (
        "E214",
        "rights-holder-missing",
        "model",
        "A contributor's original text (origin: original) does not say who holds its rights.",
        "Write rights_holder: the name you wish to be credited with, as CONTRIBUTING.md says; "
        "the release credits the text to it.",
    ),
    # Layer 3: quotes (stand-off evidence).
    (
        "E301",
        "quote-not-found",
        "semantic",
        "A quote does not occur in the document text.",
        "Copy the words exactly from the seed, including curly quotes and accents.",
    ),
    (
        "E302",
        "quote-ambiguous",
        "semantic",
        "A quote occurs more than once and nothing says which.",
        "Add `occurrence: N` (1-based) or a `prefix`/`suffix` with the words around it.",
    ),
    (
        "E303",
        "occurrence-out-of-range",
        "semantic",
        "`occurrence` is larger than the number of matches.",
        "Count the matches of the quote in the text (after prefix/suffix filtering).",
    ),
    (
        "E304",
        "duplicate-evidence",
        "semantic",
        "The same span is given twice as evidence of the same thing.",
        "Remove the repeated evidence entry.",
    ),
    (
        "E305",
        "quote-whitespace",
        "semantic",
        "A quote starts or ends with whitespace.",
        "Trim the quote; evidence spans start and end on words.",
    ),
    (
        "E306",
        "quote-normalization",
        "semantic",
        "A quote matches the text only after Unicode normalisation.",
        "Copy the words from the seed file itself; the text and quote use different Unicode forms.",
    ),
    (
        "E307",
        "quote-invisible-character",
        "semantic",
        "A quote matches the text only if invisible characters are ignored.",
        'Write exactly the invisible characters the text has, as escapes (e.g. "\\u200b"); '
        "quotes are never normalised.",
    ),
    (
        "E308",
        "quote-inside-word",
        "semantic",
        "A quote starts or ends inside a word of the text.",
        "Extend the quote to whole words; `eventset quote SEED PHRASE` shows the words around it.",
    ),
    (
        "E309",
        "quote-case-mismatch",
        "semantic",
        "A quote differs from the text only in upper and lower case.",
        "Copy the capitalisation of the text exactly; quotes are matched case-sensitively.",
    ),
    # Layer 3: references and semantics.
    (
        "E401",
        "unknown-actor",
        "semantic",
        "An actor id is not in data/actors.yaml.",
        "Add the actor to the registry or use an existing id.",
    ),
    (
        "E402",
        "unknown-place",
        "semantic",
        "A place id is not in data/places.yaml.",
        "Add the place to the registry or use an existing id.",
    ),
    (
        "E403",
        "unknown-event",
        "semantic",
        "A claim refers to an event id defined nowhere.",
        "Define the event in this or another annotation, or fix the id.",
    ),
    (
        "E404",
        "duplicate-id",
        "semantic",
        "An id is defined twice.",
        "Ids are unique in their table across the whole dataset; pick a new one.",
    ),
    (
        "E405",
        "seed-missing",
        "semantic",
        "The seed document of the annotation does not exist.",
        "The annotation file name and document.id must be the seed file's stem.",
    ),
    (
        "E406",
        "sha256-mismatch",
        "semantic",
        "The seed file's sha256 does not match the annotation.",
        "Seeds are never edited; if the seed is new, copy the sha256 from `eventset new`.",
    ),
    (
        "E407",
        "id-file-mismatch",
        "semantic",
        "document.id differs from the annotation's file name.",
        "Name the file data/annotations/<document.id>.yaml.",
    ),
    (
        "E408",
        "header-mismatch",
        "semantic",
        "A document field disagrees with the seed's header line.",
        "The header `date YYYY-MM-DD Title` is the source of truth for published date and title.",
    ),
    (
        "E409",
        "date-order",
        "semantic",
        "A date range ends before it starts.",
        "Swap start and end, or fix the wrong one.",
    ),
    (
        "E410",
        "date-after-publication",
        "semantic",
        "A date lies after the document's publication.",
        "Reports describe the past; mark planned events with `scheduled: true`.",
    ),
    (
        "E411",
        "weekday-mismatch",
        "semantic",
        "A weekday word in the evidence disagrees with the date.",
        "Recompute the date from the publication date and the weekday named in the text.",
    ),
    (
        "E412",
        "latlon-outside-country",
        "semantic",
        "A place's coordinates lie outside its country.",
        "Check the sign and order of latitude/longitude, and the country code.",
    ),
    (
        "E413",
        "fatalities-order",
        "semantic",
        "Fatality figures are not ordered low <= best <= high.",
        "Give the lowest figure as low and the highest as high.",
    ),
    (
        "E414",
        "unknown-parent",
        "semantic",
        "A registry entry refers to a parent or replacement that does not exist.",
        "Fix the id or add the missing registry entry.",
    ),
    (
        "E415",
        "derived-without-evidence",
        "semantic",
        "A value is marked derived but gives no evidence.",
        'Quote the words the value is derived from (e.g. "on Monday").',
    ),
    (
        "E416",
        "via-names-claimant",
        "semantic",
        "A claim's via chain names the claimant itself.",
        "`via` lists the intermediaries between the claimant and the document, not the claimant.",
    ),
    (
        "E417",
        "wrong-location",
        "semantic",
        "An annotation file is outside data/annotations/.",
        "Annotations live at data/annotations/<document_id>.yaml.",
    ),
    # Layer 3, the registries' hierarchies (docs/hierarchy.md).
    (
        "E418",
        "parent-cycle",
        "semantic",
        "A registry entry is its own ancestor: its parent chain returns to where it started.",
        "Break the loop: give the widest entry of the cycle the parent it really has, or none.",
    ),
    (
        "E419",
        "place-kind-order",
        "semantic",
        "A place's kind is not narrower than its parent's kind.",
        "A parent encloses its child: country > admin1 > admin2 > locality > site "
        "(docs/hierarchy.md). Fix the parent or the kind.",
    ),
    (
        "E420",
        "place-country-mismatch",
        "semantic",
        "A place's country differs from its parent's country and no reason is given.",
        "Fix the country or the parent; a place that really lies across a border says why in "
        "`cross_border`.",
    ),
    (
        "E421",
        "hierarchy-too-deep",
        "semantic",
        "A registry entry has more ancestors than any walk up the hierarchy follows (64).",
        "Attach the entry higher up: no real chain of places or affiliations is that deep.",
    ),
    (
        "E425",
        "date-contradicts-evidence",
        "semantic",
        "A stated date disagrees with the absolute date written in its own evidence.",
        "Write the date the evidence gives, or quote the words the date really comes from.",
    ),
    (
        "E426",
        "licence-not-open",
        "semantic",
        "A contributor's original or synthetic text does not carry an open licence.",
        "Give an open licence (e.g. cc_by_4_0 or cc0_1_0) and a rights_holder; the release "
        "carries such texts in full.",
    ),
    (
        "E427",
        "value-not-a-figure",
        "semantic",
        "A claim that is not a casualty_figure carries a value.",
        "Make the claim `kind: casualty_figure`, or remove `value`; a figure of nobody killed is "
        "0, not missing.",
    ),
    (
        "E428",
        "disputed-without-claims",
        "semantic",
        "An event is `disputed` but the dispute is not recorded as claims.",
        "Record each side's account as a claim about the event (two claimants, or a denial), "
        "or use `reported` or `alleged`; see CONTRIBUTING.md, 'Hard cases'.",
    ),
    # Layer 3, across documents.
    (
        "E501",
        "event-conflict",
        "semantic",
        "Two documents give the same event different facts.",
        "Agree on type, mode, date and place, or split the event into two ids.",
    ),
    # Layer 4: meaning. Warnings: the evidence does not say what the fact it supports says.
    # Cue words are data (eventset/schema/vocabularies/evidence_cues.yaml). An annotator who
    # knows better acknowledges one on the item: `accept: {W603: "why"}`.
    (
        "W601",
        "participant-not-named",
        "meaning",
        "A participant's evidence neither holds nor shares a sentence with a mention of that "
        "actor (its mentions in this document, or a name or alias in data/actors.yaml).",
        'Quote the words that name the actor in its part ("the US assassinated"), add the '
        "surface form to the document's `actors` mentions or the registry's aliases, or "
        'acknowledge with `accept: {W601: "why"}`.',
    ),
    (
        "W602",
        "claimant-not-named",
        "meaning",
        "A claim's claimant is not named in or next to its evidence (the same sentence, or the "
        "sentence that opens a quotation the evidence continues), and is not the document's "
        "own voice (its outlet, or the actor its byline names).",
        "Quote the sentence that names who says it, attribute the claim to the actor the "
        'evidence names, or acknowledge with `accept: {W602: "why"}`.',
    ),
    (
        "W603",
        "claim-kind-not-in-evidence",
        "meaning",
        "The claim's kind is not said by its evidence: none of the kind's cue words is there, "
        'or only under a negation ("no group has claimed" is a no_claim, not a '
        "responsibility claim).",
        "Choose the kind the evidence's words say (the message names the kinds whose cues "
        "are there), quote the words that say it, mark an implied claim `explicit: false`, or "
        'acknowledge with `accept: {W603: "why"}`.',
    ),
    (
        "W604",
        "figure-not-in-evidence",
        "meaning",
        "A figure (fatalities low, best or high, or a claim's value) is not a number written "
        'in its evidence, in digits or in words ("four", "two dozen", "at least six").',
        "Write the number the evidence gives (the message lists them), quote the words that "
        "give it, mark a figure counted from the text `derived: true`, or acknowledge with "
        '`accept: {W604: "why"}`.',
    ),
    (
        "W605",
        "event-type-not-in-evidence",
        "meaning",
        "No quote of the event's evidence holds a trigger word of its type or mode (a roadside "
        "bombing coded PROTEST).",
        "Choose the type the evidence reports (the message names the types whose triggers are "
        "there), quote the words that report the event, or acknowledge with "
        '`accept: {W605: "why"}`; missing trigger words belong in evidence_cues.yaml.',
    ),
    (
        "W606",
        "place-not-named",
        "meaning",
        "A quote of an event's place evidence names neither the place nor one of its "
        "ancestors or descendants in data/places.yaml (by a mention in this document, a name "
        "or an alias).",
        "Quote the words that name the place, add the surface form to the document's `places` "
        'mentions or the registry\'s aliases, or acknowledge with `accept: {W606: "why"}`.',
    ),
    (
        "W607",
        "stale-acceptance",
        "meaning",
        "An `accept` acknowledges a warning that does not fire on its item (or no such "
        "warning code exists).",
        "Remove the entry: the evidence now fits, so the acknowledgement would hide a future "
        "problem there.",
    ),
    # Layer 8: across coders (docs/agreement.md).
    (
        "E701",
        "unresolved-choice",
        "coders",
        "Coders disagree here and nobody has chosen yet: an adjudication `choose:` block.",
        "Replace the whole `choose:` block by the value the text supports (one coder's, or "
        "another); where a coder's option is null, the unit was not in their coding: keep it "
        "by writing it out, or delete the item.",
    ),
    (
        "E702",
        "coding-misplaced",
        "coders",
        "A file under data/codings/ is not at data/codings/<coder>/<document_id>.yaml.",
        "Put each coding in its coder's folder (a lowercase slug such as `coder-a`), named "
        "after the document it codes.",
    ),
)

# Codes whose problems are warnings: the evidence may not fit. `eventset validate` shows them
# without failing unless `--strict` (as the pull-request workflow runs it); a build builds.
WARNING_CODES = frozenset(code for code, info in CODES.items() if info.layer == "meaning")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    @property
    def name(self) -> str:
        return CODES[self.code].name


def problem(
    code: str, file: str, line: int, column: int, message: str, hint: str | None = None
) -> Problem:
    """A problem with the catalogue's default hint unless a more specific one is given."""
    info = CODES[code]  # KeyError here is a programming error: every code must be catalogued
    severity: Severity = "warning" if code in WARNING_CODES else "error"
    return Problem(file, line, column, code, message, info.hint if hint is None else hint, severity)
