"""Semantic checks of one annotation against its seed (layer 3): the document block matches the
seed, quotes are found, ids are unique in the file, dates and figures are plausible.

Each check is a pure function that yields problems; none reads files or prints. References to
the registries and to other documents are checked across the corpus (`corpus_checks.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

from eventset.inputs.parse import Located
from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem
from eventset.schema.annotation import Annotation, Claim, DateSpec
from eventset.schema.vocab import vocabulary
from eventset.validation.evidence import EvidenceItem, evidence_items
from eventset.validation.ids import duplicate_ids
from eventset.validation.quotes import QuoteError, Span, find_quote

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORD = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH = (
    r"(?P<{}>"
    + "|".join(f"{m[:3]}(?:{m[3:]}{'|t' if m == 'september' else ''})?" for m in MONTHS)
    + r")\.?"
)
# Only dates that name day, month and year: "2 March 2022", "March 2, 2022", "2022-03-02".
# A regex, not a date library, because this runs on every date of every annotation in a build
# and must not pay a heavy import or a fuzzy parse; partial dates ("March 2") are not compared.
_ABSOLUTE_DATE = re.compile(
    r"\b(?:(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH.format("m1")
    + r",?\s+(?P<y1>\d{4})"
    + r"|"
    + _MONTH.format("m2")
    + r"\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    + r"|(?P<y3>\d{4})-(?P<m3>[01]\d)-(?P<d3>[0-3]\d))\b",
    re.IGNORECASE,
)


_YEAR = re.compile(r"\d{4}")


def absolute_dates(quote: str) -> list[tuple[str, dt.date]]:
    """The calendar dates a quote writes out in full, with the words that give each."""
    return list(_date_words(quote).dates)


class _DateWords(NamedTuple):
    """What a date's evidence says: the weekdays it names (as written) and the full dates it
    writes out, with their words."""

    weekdays: tuple[str, ...]
    dates: tuple[tuple[str, dt.date], ...]


@functools.lru_cache(maxsize=4096)
def _date_words(quote: str) -> _DateWords:
    """Read once per distinct quote of a process: date evidence repeats across documents ("on
    Tuesday", "6 March 2022"), and these patterns were a fifth of the form checks' time."""
    if _YEAR.search(quote) is None:  # most evidence has no year: skip the long pattern
        dates: tuple[tuple[str, dt.date], ...] = ()
    else:
        dates = tuple((quote[start:end], day) for start, end, day in iter_absolute_dates(quote))
    return _DateWords(tuple(_WEEKDAY_WORD.findall(quote)), dates)


def iter_absolute_dates(text: str) -> Iterator[tuple[int, int, dt.date]]:
    """(start, end, date) of every calendar date written out in full in `text`."""
    for match in _ABSOLUTE_DATE.finditer(text):
        parts = match.groupdict()
        if parts["y3"]:
            year, month, day = int(parts["y3"]), int(parts["m3"]), int(parts["d3"])
        else:
            # casefold, as the pattern's IGNORECASE matches: the long s (U+017F) is an "s".
            name = (parts["m1"] or parts["m2"]).casefold()[:3]
            found = next((i for i, m in enumerate(MONTHS, 1) if m.startswith(name)), None)
            if found is None:
                continue  # a letter the pattern matched that no month name spells
            month = found
            year, day = int(parts["y1"] or parts["y2"]), int(parts["d1"] or parts["d2"])
        try:
            yield match.start(), match.end(), dt.date(year, month, day)
        except ValueError:
            continue  # "31 February 2022": not a date to compare against


def check_document(
    annotation: Annotation, seed: Seed, stem: str, where: Located
) -> Iterator[Problem]:
    """The document block against the seed it annotates."""
    block = annotation.document
    if block.id != stem:
        yield where.at(
            "E407",
            ("document", "id"),
            f"document.id is {block.id!r} but the file is named {stem!r}.yaml.",
        )
    if block.sha256 != seed.sha256:
        yield where.at(
            "E406",
            ("document", "sha256"),
            f"The seed's sha256 is {seed.sha256}, the annotation says {block.sha256}.",
        )
    if seed.published is not None and block.published != seed.published:
        yield where.at(
            "E408",
            ("document", "published"),
            f"published is {block.published}, the seed header says {seed.published}.",
        )
    if seed.title is not None and block.title != seed.title:
        yield where.at(
            "E408",
            ("document", "title"),
            f"title is {block.title!r}, the seed header says {seed.title!r}.",
        )
    if block.origin != "published" and not open_licence(block.licence):
        yield where.at(
            "E426",
            ("document", "licence"),
            f"The text is {block.origin!r} (origin) but its licence {block.licence!r} is not "
            "open; a release must be able to carry it in full and mark it.",
        )

    if block.origin == "original" and not (block.rights_holder or "").strip():
        yield where.at(
            "E214",
            ("document", "origin"),
            "The text is a contributor's original (origin: original) but rights_holder is "
            "missing; an open licence is granted by someone.",
        )


def open_licence(code: str) -> bool:
    """Whether a licence lets anyone copy and adapt the text, so a release may carry it."""
    return vocabulary("licences")[code].fields.get("redistribute_text") is True


# Where a quote problem points: the selector field the annotator has to change.
_FIELD_AT_FAULT = {"E303": "occurrence"}


def resolve_evidence(
    annotation: Annotation, text: str, where: Located
) -> tuple[list[tuple[EvidenceItem, Span]], list[Problem]]:
    """Find every quote. Returns the resolved spans and the problems of the unresolved ones."""
    resolved: list[tuple[EvidenceItem, Span]] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, int, str, str, str, str | None, str | None], YamlPath] = {}
    for item in evidence_items(annotation):
        found = find_quote(text, item.selector)
        if isinstance(found, QuoteError):
            field = _FIELD_AT_FAULT.get(found.code, "quote")
            problems.append(where.at(found.code, (*item.path, field), found.message, found.hint))
            continue
        # The span, then what the quote supports (target_kind, target_id, aspect, actor_id,
        # role: the item's fields after path and selector).
        key = (*found, *item[2:])
        if key in seen:
            problems.append(
                where.at(
                    "E304",
                    item.path,
                    f"Evidence {item.selector.quote!r} repeats an earlier entry for the same {item.aspect}.",
                )
            )
            continue
        seen[key] = item.path
        resolved.append((item, found))
    return resolved, problems


def check_ids(annotation: Annotation, where: Located) -> Iterator[Problem]:
    yield from duplicate_ids(
        (e.id for e in annotation.events), "events", "Event", where, " in this file"
    )
    yield from duplicate_ids(
        (c.id for c in annotation.claims), "claims", "Claim", where, " in this file"
    )
    for i, event in enumerate(annotation.events):
        roles: set[tuple[str, str]] = set()
        for k, part in enumerate(event.participants):
            if (part.actor, part.role) in roles:
                yield where.at(
                    "E404",
                    ("events", i, "participants", k),
                    f"{part.actor!r} is listed twice as {part.role}.",
                )
            roles.add((part.actor, part.role))


def check_via(annotation: Annotation, where: Located) -> Iterator[Problem]:
    for i, claim in enumerate(annotation.claims):
        for k, via in enumerate(claim.via):
            if via == claim.claimant:
                message = f"{via!r} is the claimant itself, not an intermediary."
                yield where.at("E416", ("claims", i, "via", k), message)


def check_dates(annotation: Annotation, where: Located) -> list[Problem]:
    published = annotation.document.published
    problems: list[Problem] = []
    for i, event in enumerate(annotation.events):
        _check_date(problems, event.date, published, ("events", i, "date"), where)
    for i, claim in enumerate(annotation.claims):
        if claim.date is not None:
            _check_date(problems, claim.date, published, ("claims", i, "date"), where)
    return problems


def _check_date(
    problems: list[Problem], date: DateSpec, published: dt.date, path: YamlPath, where: Located
) -> None:
    """The problems of one date, added to `problems` (a list, not a generator: this runs for
    every date of a build and almost always finds nothing)."""
    start, end, last = date.start, date.end, date.last_day
    if start is not None and end is not None and end < start:
        problems.append(where.at("E409", (*path, "end"), f"end {end} is before start {start}."))
    if last is not None and last > published and not date.scheduled:
        problems.append(
            where.at(
                "E410",
                (*path, "end" if end is not None else "start"),
                f"{last} is after the publication date {published}.",
            )
        )
    if date.derived and not date.evidence:
        problems.append(
            where.at("E415", (*path, "derived"), "The date is marked derived but has no evidence.")
        )
    if not date.derived and start is not None and last is not None and start <= last:
        _check_stated(problems, start, last, path, date, where)
    # A weekday names one day: a range, or a month or year written as its first day, has none.
    if start is None or start != last or date.precision != "day":
        return
    for j, selector in enumerate(date.evidence):
        for word in _date_words(selector.quote).weekdays:
            named = WEEKDAYS.index(word.lower())
            if start.weekday() != named:
                problems.append(
                    where.at(
                        "E411",
                        (*path, "evidence", j),
                        f"The evidence says {word}, but {start} is a {WEEKDAYS[start.weekday()].title()}.",
                        f"The {word.title()} nearest before {published} is {_weekday_before(published, named)}.",
                    )
                )
            elif not date.scheduled and not 0 <= (published - start).days <= 7:
                problems.append(
                    where.at(
                        "E411",
                        (*path, "start"),
                        f"{start} is a {word.title()}, but not within the week before publication "
                        f"({published}).",
                        f"A bare weekday in a report means the last one: {_weekday_before(published, named)}.",
                    )
                )


def _check_stated(
    problems: list[Problem],
    start: dt.date,
    last: dt.date,
    path: YamlPath,
    date: DateSpec,
    where: Located,
) -> None:
    """E425: a stated date must agree with a full date its evidence writes out. Evidence may
    name other dates too ("approved on 5 January 2020 after the vote of 3 January 2020"), so
    only evidence none of whose dates fall in the range is a contradiction."""
    for selector in date.evidence:
        written = _date_words(selector.quote).dates
        if written and not any(start <= day <= last for _, day in written):
            words, day = written[0]
            span = f"{start}" if start == last else f"{start} to {last}"
            problems.append(
                where.at(
                    "E425",
                    (*path, "start"),
                    f"The date is {span}, but its evidence {selector.quote!r} says {words!r} ({day}).",
                    f"Write start: {day} (the evidence's date), or quote the words the date "
                    "really comes from and mark it `derived: true` if it is worked out.",
                )
            )
            return


def _weekday_before(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def check_fatalities(annotation: Annotation, where: Located) -> Iterator[Problem]:
    for i, event in enumerate(annotation.events):
        figures = event.fatalities
        if figures is None:
            continue
        given = [
            (name, value)
            for name, value in (
                ("low", figures.low),
                ("best", figures.best),
                ("high", figures.high),
            )
            if value is not None
        ]
        if not given:
            yield where.at(
                "E201",
                ("events", i, "fatalities"),
                "fatalities gives none of low, best, high; use `fatalities: null` when "
                "the text gives no figure.",
            )
        for (name_a, a), (name_b, b) in itertools.pairwise(given):
            if a > b:
                yield where.at(
                    "E413",
                    ("events", i, "fatalities", name_b),
                    f"{name_a} {a} is greater than {name_b} {b}.",
                )


def check_claim_values(annotation: Annotation, where: Located) -> Iterator[Problem]:
    """E427: a figure belongs to a casualty_figure claim; on any other claim it would be read
    as a count of dead or wounded that nobody gave."""
    for i, claim in enumerate(annotation.claims):
        if claim.value is not None and claim.kind != "casualty_figure":
            yield where.at(
                "E427",
                ("claims", i, "value"),
                f"value {claim.value:g} on a {claim.kind} claim; only casualty_figure claims "
                "carry a figure.",
            )


def disputing(claims: list[Claim]) -> bool:
    """Whether claims record a dispute: a denial or negated claim, or two claimants."""
    return (
        any(c.kind == "denial" or c.polarity == "negated" for c in claims)
        or len({c.claimant for c in claims}) >= 2
    )


def check_disputed(annotation: Annotation, where: Located) -> Iterator[Problem]:
    """E428: `disputed` says sources disagree, so the disagreement must be in the claims."""
    for i, event in enumerate(annotation.events):
        if event.certainty != "disputed":
            continue
        about = [c for c in annotation.claims if c.about.event == event.id]
        if not disputing(about):
            yield where.at(
                "E428",
                ("events", i, "certainty"),
                f"Event {event.id!r} is disputed, but no two claimants (or a denial) about it "
                f"are recorded here ({len(about)} claim(s) about it).",
            )


def check_annotation(
    annotation: Annotation, seed: Seed, stem: str, where: Located
) -> tuple[list[tuple[EvidenceItem, Span]], list[Problem]]:
    """All single-file semantic checks. Returns resolved evidence for the compiler and problems.

    References to registries and other documents are checked corpus-wide (corpus_checks.py)."""
    problems = list(check_document(annotation, seed, stem, where))
    resolved, quote_problems = resolve_evidence(annotation, seed.text, where)
    problems += quote_problems
    problems += check_ids(annotation, where)
    problems += check_via(annotation, where)
    problems += check_dates(annotation, where)
    problems += check_fatalities(annotation, where)
    problems += check_claim_values(annotation, where)
    problems += check_disputed(annotation, where)
    return resolved, problems
