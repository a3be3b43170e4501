"""Dates a text gives, resolved against its publication date, as proposals for the annotator.

Finding the words is ours (a few precise patterns, so every proposal has an exact evidence span);
resolving relative words ("on Saturday", "three days ago", "last week") is `dateparser`'s, with
the publication date as its base. Absolute dates are read by the validator's own pattern, so a
proposal can never contradict its evidence (E425). "N days after/before" names no base of its own:
it is resolved against the nearest full date written before it, and says so in its note.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from eventset.schema.selectors import shortest_selector
from eventset.validation.document_checks import MONTHS, WEEKDAYS, iter_absolute_dates

_NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_COUNT = r"(?i:\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
_WEEKDAY = "|".join(w.title() for w in WEEKDAYS)
_WEEKDAY_PHRASE = re.compile(
    rf"\b(?:(?:[Oo]n|[Ll]ast|[Tt]his|[Nn]ext)\s+)?(?:{_WEEKDAY})"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b"
)
_AGO = re.compile(
    rf"\b(?:[Yy]esterday|{_COUNT}\s+(?:days?|weeks?)\s+ago|[Ll]ast\s+(?:week|month)"
    r"|[Ee]arlier\s+this\s+(?:week|month))\b"
)
_AFTER = re.compile(rf"\b(?P<count>{_COUNT})\s+(?P<unit>days?|weeks?)\s+(?P<way>after|before)\b")
_MONTH_YEAR = re.compile(
    r"\b(?:[Ii]n\s+)?(?P<month>" + "|".join(m.title() for m in MONTHS) + r")\s+(?P<year>\d{4})\b"
)
# Words that put the rest of their sentence in the future: "is expected to meet on Wednesday".
_FUTURE = re.compile(
    r"\b(?:will|is|are)\s+(?:expected|due|scheduled|set|planned)\s+to\b|\bwill\b|\bplans?\s+to\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


@dataclass(frozen=True)
class ProposedDate:
    """A date the text gives, in the annotation's `date:` shape, with the span it comes from."""

    start: dt.date
    end: dt.date | None
    precision: str
    derived: bool
    scheduled: bool
    evidence: dict[str, str | int]
    offset: int
    note: str = field(default="")

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {"start": self.start}
        if self.end is not None and self.end != self.start:
            data["end"] = self.end
        data["precision"] = self.precision
        if self.derived:
            data["derived"] = True
        if self.scheduled:
            data["scheduled"] = True
        data["evidence"] = [self.evidence]
        return data


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS.index(word.lower()) + 1


def _sentence_of(text: str, offset: int) -> tuple[int, str]:
    for match in _SENTENCE.finditer(text):
        if match.start() <= offset < max(match.end(), match.start() + 1):
            return match.start(), match.group()
    return offset, ""


def _is_future(text: str, start: int) -> bool:
    """Whether a future phrase precedes the date words in their sentence."""
    begin, _ = _sentence_of(text, start)
    return _FUTURE.search(text, begin, start) is not None


def _resolve(words: str, published: dt.date, future: bool) -> dt.date | None:
    import dateparser  # imported here: only `eventset new` pays for it, never validate or build

    settings = {
        "RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(words, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def _week(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def propose_dates(text: str, published: dt.date, body_start: int = 0) -> list[ProposedDate]:
    """Every date expression after `body_start` (the header's own date is not news), in text order."""
    found: list[ProposedDate] = []
    taken: list[tuple[int, int]] = []

    def add(begin: int, stop: int, **values: object) -> None:
        if any(s < stop and begin < e for s, e in taken):
            return  # words already read as part of an earlier, more precise expression
        taken.append((begin, stop))
        selector = shortest_selector(text, text[begin:stop], begin)
        found.append(ProposedDate(evidence=selector, offset=begin, **values))  # type: ignore[arg-type]

    absolute = [(s, e, d) for s, e, d in iter_absolute_dates(text) if s >= body_start]
    for start, end, day in absolute:
        on = re.search(r"\b[Oo]n\s+$", text[max(0, start - 4) : start])
        start = start - len(on.group()) if on else start
        found_scheduled = day > published
        add(
            start,
            end,
            start=day,
            end=None,
            precision="day",
            derived=False,
            scheduled=found_scheduled,
        )
    for match in _MONTH_YEAR.finditer(text, body_start):
        month = MONTHS.index(match.group("month").lower()) + 1
        year = int(match.group("year"))
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        add(
            match.start(),
            match.end(),
            start=first,
            end=last,
            precision="month",
            derived=False,
            scheduled=first > published,
        )
    for match in _WEEKDAY_PHRASE.finditer(text, body_start):
        future = _is_future(text, match.start()) or match.group().lower().startswith("next")
        bare = re.sub(r"^(?:on|this)\s+", "", match.group(), flags=re.IGNORECASE)
        bare = re.sub(r"\s+(?:morning|afternoon|evening|night)$", "", bare)
        resolved = _resolve(bare, published, future)
        if resolved is None:
            continue
        day = resolved
        add(
            match.start(),
            match.end(),
            start=day,
            end=None,
            precision="day",
            derived=True,
            scheduled=day > published,
        )
    for match in _AGO.finditer(text, body_start):
        words = match.group().lower()
        if words.startswith("earlier this"):
            unit = words.rsplit(" ", 1)[1]
            first = published.replace(day=1) if unit == "month" else _week(published)[0]
            add(
                match.start(),
                match.end(),
                start=first,
                end=published,
                precision="interval",
                derived=True,
                scheduled=False,
            )
            continue
        resolved = _resolve(words, published, future=False)
        if resolved is None:
            continue
        day = resolved
        if words == "last week":
            first, last = _week(published - dt.timedelta(days=7))
            add(
                match.start(),
                match.end(),
                start=first,
                end=last,
                precision="week",
                derived=True,
                scheduled=False,
            )
        elif words == "last month":
            first = (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            last = published.replace(day=1) - dt.timedelta(days=1)
            add(
                match.start(),
                match.end(),
                start=first,
                end=last,
                precision="month",
                derived=True,
                scheduled=False,
            )
        else:
            add(
                match.start(),
                match.end(),
                start=day,
                end=None,
                precision="day",
                derived=True,
                scheduled=False,
            )
    for match in _AFTER.finditer(text, body_start):
        anchors = [d for s, _, d in absolute if s < match.start()]
        if not anchors:
            continue
        anchor = anchors[-1]
        days = _count(match.group("count")) * (7 if match.group("unit").startswith("week") else 1)
        # "It was approved two days after X": the anchor dates the sentence's subject, so X
        # lies `days` before it (and after it for "before").
        sign = -1 if match.group("way") == "after" else 1
        day = anchor + dt.timedelta(days=sign * days)
        add(
            match.start(),
            match.end(),
            start=day,
            end=None,
            precision="day",
            derived=True,
            scheduled=day > published,
            note=f"counted from {anchor} (the nearest full date before it): check that this "
            "is the date of what the sentence's subject did",
        )
    return sorted(found, key=lambda d: d.offset)
