"""Synthetic seed texts and selectors that pick words out of them.

A text is a seed file as stored: a header line ` date YYYY-MM-DD SYNTHETIC <title>`, a blank
line and short sentences built from the word lists. `selector_for` turns a span of a text into
the W3C TextQuoteSelector an annotator would write, disambiguated exactly as much as needed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from eventset.schema.selectors import occurrences, with_context
from eventset.testing import words

_TOKEN = re.compile(r"\S+")
WEEKDAY_WORD = re.compile(r"\b(" + "|".join(words.WEEKDAYS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class SyntheticText:
    """A generated seed text and the facts the generator put into it."""

    text: str
    published: dt.date
    title: str
    weekday_date: dt.date  # the day the opening sentence names by its weekday
    weekday: str  # that weekday's name, as written in the text
    refrain: str  # a phrase the text repeats, so quoting it needs disambiguation
    names: tuple[str, ...]  # actor and place names the sentences use

    @property
    def raw(self) -> bytes:
        return self.text.encode("utf-8")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def word_spans(text: str, *, avoid_weekdays: bool = False) -> list[tuple[int, int]]:
    """Candidate quotes: runs of one to four whole words on one line."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans: list[tuple[int, int]] = []
    for i, (start, _) in enumerate(tokens):
        for end_token in tokens[i : i + 4]:
            end = end_token[1]
            if "\n" in text[start:end] or "\r" in text[start:end]:
                break
            # Date evidence must not name a weekday or a full date the drawn date would
            # contradict (E411, E425): the header's "2021-09-01" is such a date.
            if avoid_weekdays and (
                WEEKDAY_WORD.search(text[start:end]) or _ISO_DATE.search(text[start:end])
            ):
                continue
            spans.append((start, end))
    return spans


@st.composite
def selector_for(draw: st.DrawFn, text: str, start: int, end: int) -> str | dict[str, Any]:
    """The selector for text[start:end]: the bare quote when it is unique, else the quote with
    an `occurrence`, a `prefix` or a `suffix` (plus `occurrence` when context is not enough)."""
    quote = text[start:end]
    starts = occurrences(text, quote)
    if len(starts) == 1:
        return quote
    selector: dict[str, Any] = {"quote": quote}
    way = draw(st.sampled_from(("occurrence", "prefix", "suffix")))
    if way == "prefix" and start > 0:
        size = draw(st.integers(1, min(12, start)))
        selector["prefix"] = text[start - size : start]
    elif way == "suffix" and end < len(text):
        size = draw(st.integers(1, min(12, len(text) - end)))
        selector["suffix"] = text[end : end + size]
    starts = with_context(text, quote, starts, selector.get("prefix"), selector.get("suffix"))
    if len(starts) > 1:
        selector["occurrence"] = starts.index(start) + 1
    return selector


@st.composite
def quotes(
    draw: st.DrawFn,
    text: str,
    *,
    avoid_weekdays: bool = False,
    exclude: frozenset[int] = frozenset(),
) -> tuple[int, int, str | dict[str, Any]]:
    """A span of whole words of `text` (not starting at an offset in `exclude`) and its selector."""
    spans = [s for s in word_spans(text, avoid_weekdays=avoid_weekdays) if s[0] not in exclude]
    start, end = draw(st.sampled_from(spans))
    return start, end, draw(selector_for(text, start, end))


def _sentence(subject: str, verb: str, obj: str, place: str | None) -> str:
    return f"{subject} {verb} {obj}" + (f" near {place}." if place else ".")


@st.composite
def texts(
    draw: st.DrawFn,
    names: tuple[str, ...] = ("River Brigade", "Old Bridge"),
    *,
    published: dt.date | None = None,
    extra: tuple[str, ...] = (),
) -> SyntheticText:
    """A synthetic seed text whose sentences name the given actors and places; the `extra`
    sentences (the ones annotations quote as evidence of events and claims) come after the
    opening, among the others.

    >>> from hypothesis import given
    >>> @given(texts())
    ... def test_header(t):
    ...     assert t.text.startswith(f" date {t.published.isoformat()} SYNTHETIC")
    >>> test_header()
    """
    if published is None:
        published = dt.date(2021, 9, 1) + dt.timedelta(days=draw(st.integers(0, 60)))
    title = "SYNTHETIC " + " ".join(
        draw(st.lists(st.sampled_from(words.TITLE_WORDS), min_size=1, max_size=3))
    )
    weekday_date = published - dt.timedelta(days=draw(st.integers(0, 6)))
    weekday = words.WEEKDAYS[weekday_date.weekday()]
    refrain = draw(st.sampled_from(words.REFRAINS))
    marked = draw(st.sampled_from(words.MARKED))
    opening = f"{marked} — On {weekday}, {refrain} was seen; later {refrain} returned."
    sentences = [opening]
    for _ in range(draw(st.integers(0, 4))):
        subject = draw(st.sampled_from(names))
        verb = draw(st.sampled_from(words.VERBS))
        obj = draw(st.sampled_from(words.OBJECTS))
        place = draw(st.none() | st.sampled_from(names))
        sentences.append(_sentence(subject, verb, obj, place))
    for sentence in extra:
        sentences.insert(draw(st.integers(1, len(sentences))), sentence)
    newline = draw(st.sampled_from(("\n", "\r\n")))
    # Sentences share a line or start a new paragraph: both are sentence boundaries.
    body = ""
    for i, sentence in enumerate(sentences):
        if i:
            body += draw(st.sampled_from((" ", newline + newline)))
        body += sentence
    text = f" date {published.isoformat()} {title}{newline}{newline}{body}{newline}"
    return SyntheticText(text, published, title, weekday_date, weekday, refrain, names)
