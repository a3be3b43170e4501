"""Reading cue words, negations and numbers in evidence, as `evidence_cues.yaml` defines them.

The meaning checks (is a claim's kind said by its evidence? is a figure written there?) and the
proposals of `eventset new` use the same functions, so what one proposes the other accepts.
Patterns are compiled once per list of cues and cached: these run on every quote of a build.

>>> from eventset.schema.vocab import evidence_cues
>>> en = evidence_cues("en")
>>> claim_kind_fits("No group has so far claimed responsibility", "no_claim", en)
True
>>> claim_kind_fits("No group has so far claimed responsibility", "responsibility", en)
False
>>> sorted(numbers_in("at least six dead and two dozen wounded, 1,200 displaced", en.numbers))
[6.0, 24.0, 1200.0]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from eventset.schema.vocab import EvidenceCues, NumberWords

__all__ = [
    "CueMatcher",
    "claim_kind_fits",
    "cue_hits",
    "cue_matcher",
    "cue_pattern",
    "event_type_fits",
    "is_negated",
    "numbers_in",
]

_WORD_END = r"[\w'\u2019-]*"
_GAP = r"(?:\W+\w+){0,4}?"  # "...": up to four words in between


def _word(word: str) -> str:
    stem = word[:-1] if word.endswith("*") else word
    text = "['\u2019]".join(re.escape(part) for part in re.split("['\u2019]", stem))
    return text + (_WORD_END if word.endswith("*") else "")


def _cue(cue: str) -> str:
    parts: list[str] = []
    for token in cue.split():
        if token == "...":
            parts.append(_GAP)
        else:
            if parts:
                parts.append(r"\W+")
            parts.append(_word(token))
    body = "".join(parts)
    # A cue that starts or ends with a letter or digit matches whole words only.
    before = r"(?<!\w)" if re.match(r"\w", cue) else ""
    after = r"(?![\w'\u2019])" if re.search(r"\w$", cue) else ""
    return before + body + after


@functools.cache
def cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for a list of cues (longest first, so "claimed
    responsibility" wins over "claimed"); None for an empty list."""
    if not cues:
        return None
    ordered = sorted(set(cues), key=lambda c: (-len(c), c))
    return re.compile("|".join(f"(?:{_cue(c)})" for c in ordered), re.IGNORECASE)


_CUE_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*")
_ONE_WORD = re.compile(r"\w+(?:'\w+)*\*?")


@dataclass(frozen=True)
class CueMatcher:
    """A list of cues, split for speed: one-word cues are looked up per word of the text (a
    set, and the stems by their first letter for `str.startswith`), and only the phrases
    ("claimed responsibility", "claim* ... responsibility") go through a regular expression.
    One large alternation of every cue was three quarters of the meaning checks' time."""

    words: frozenset[str]
    phrases: re.Pattern[str] | None
    # The stems by their first letter: a word can only start with the stems of its own first
    # letter, and trying all of them (thirty for some event types) was most of `search`.
    initials: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # For a window of ASCII text, lowered: the words and stems as one pattern that matches
    # where a word of `starts` begins (not after a letter, nor after a letter and an
    # apostrophe) and is a word cue (ending where that word ends) or begins with a stem. One
    # search, three times faster than listing the window's words. None: no ASCII cue.
    ascii_cues: re.Pattern[str] | None = None

    def _is_cue(self, word: str) -> bool:
        stems = self.initials.get(word[0])
        return word in self.words or (stems is not None and word.startswith(stems))

    def starts(self, text: str, start: int = 0, end: int | None = None) -> Iterator[int]:
        """Where a cue begins in text[start:end]."""
        stop = len(text) if end is None else end
        is_cue = self._is_cue
        for match in _CUE_TOKEN.finditer(text, start, stop):
            if is_cue(match.group().lower().replace("\u2019", "'")):
                yield match.start()
        if self.phrases is not None:
            for hit in self.phrases.finditer(text, start, stop):
                yield hit.start()

    def search(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether a cue occurs in text[start:end]: `starts` without the positions, so the
        words come as strings, not match objects (every event's evidence is searched)."""
        stop = len(text) if end is None else end
        window = text[start:stop]
        if window.isascii():
            # Lowering ASCII changes no length and no word boundary, and it has no curly
            # apostrophe: the words of `starts` are those of the lowered window.
            if self.ascii_cues is not None and self.ascii_cues.search(window.lower()):
                return True
        elif any(
            self._is_cue(token.lower().replace("\u2019", "'"))
            for token in _CUE_TOKEN.findall(window)
        ):
            return True
        return self.phrases is not None and self.phrases.search(text, start, stop) is not None


@functools.cache
def cue_matcher(cues: tuple[str, ...]) -> CueMatcher:
    """The matcher of a list of cues (compiled once per list)."""
    words: set[str] = set()
    stems: set[str] = set()
    phrases: list[str] = []
    for cue in cues:
        if _ONE_WORD.fullmatch(cue):
            (stems if cue.endswith("*") else words).add(cue.rstrip("*"))
        else:
            phrases.append(cue)
    initials: dict[str, list[str]] = {}
    for stem in sorted(stems):
        initials.setdefault(stem[0], []).append(stem)
    return CueMatcher(
        frozenset(words),
        cue_pattern(tuple(phrases)),
        MappingProxyType({initial: tuple(group) for initial, group in initials.items()}),
        _ascii_cues(words, stems),
    )


def _ascii_cues(words: set[str], stems: set[str]) -> re.Pattern[str] | None:
    """CueMatcher.ascii_cues. A cue with a letter outside ASCII never matches a word of ASCII
    text, so only the ASCII cues are in it; \\w is ASCII's own there (re.ASCII)."""

    def alternatives(cues: set[str]) -> str:
        ordered = sorted((c for c in cues if c.isascii()), key=lambda c: (-len(c), c))
        return "|".join(map(re.escape, ordered))

    branches = []
    if whole := alternatives(words):
        branches.append(rf"(?:{whole})(?!\w)(?!'\w)")
    if begun := alternatives(stems):
        branches.append(f"(?:{begun})")
    if not branches:
        return None
    # The cues' first characters first: a position where none can start fails there, before
    # the two look behinds and the cues are tried (most of a window's positions).
    ascii_cues = [c for c in (*words, *stems) if c.isascii()]
    initials = "".join(sorted({re.escape(c[0]) for c in ascii_cues}))
    return re.compile(rf"(?=[{initials}])(?<!\w)(?<!\w')(?:{'|'.join(branches)})", re.ASCII)


# (id of the cues, event type, mode) -> the cues (kept, so the id stays theirs) and the matcher.
# By identity: EvidenceCues holds mappings and has no hash.
_TYPE_MATCHERS: dict[tuple[int, str, str | None], tuple[EvidenceCues, CueMatcher]] = {}


def _type_matcher(cues: EvidenceCues, event_type: str, mode: str | None) -> CueMatcher:
    """The matcher of an event type's triggers (and its mode's), found once per type and mode
    rather than by joining and hashing the list of its triggers for every event."""
    key = (id(cues), event_type, mode)
    known = _TYPE_MATCHERS.get(key)
    if known is None or known[0] is not cues:
        known = _TYPE_MATCHERS[key] = (cues, cue_matcher(cues.event_triggers(event_type, mode)))
    return known[1]


def cue_hits(text: str, cues: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """Every place a cue occurs in `text`."""
    pattern = cue_pattern(cues)
    if pattern is not None:
        yield from pattern.finditer(text)


@functools.cache
def _clause_break(breaks: tuple[str, ...]) -> re.Pattern[str]:
    marks = [re.escape(b) for b in breaks if not re.match(r"\w", b)]
    words = [rf"(?<!\w){re.escape(b)}(?!\w)" for b in breaks if re.match(r"\w", b)]
    return re.compile("|".join([*marks, *words]) or r"(?!)", re.IGNORECASE)


_TOKENS = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)


def is_negated(text: str, start: int, cues: EvidenceCues) -> bool:
    """Whether a negation comes before position `start` in the same clause, within the
    language's negation window ("No group has so far claimed": "claimed" is negated)."""
    before = text[:start]
    breaks = list(_clause_break(cues.clause_breaks).finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    words = _TOKENS.findall(before)[-cues.negation_window :]
    if any(word.lower().endswith(("n't", "n\u2019t")) for word in words):
        return True
    pattern = cue_pattern(cues.negations)
    return pattern is not None and pattern.search(" ".join(words)) is not None


def _fits(
    text: str, own: tuple[str, ...], cues: EvidenceCues, negated: bool, start: int, end: int
) -> bool:
    matcher = cue_matcher(own)
    return any(is_negated(text, at, cues) == negated for at in matcher.starts(text, start, end))


def claim_kind_fits(
    text: str, kind: str, cues: EvidenceCues, start: int = 0, end: int | None = None
) -> bool:
    """Whether `text[start:end]` says a claim of `kind`: one of the kind's cues, not negated
    (or a cue of `negated_cues_of` under a negation), or for a figure kind, a number. True for
    kinds whose cues are not required. A negation is looked for in the whole `text` before the
    cue, so quoting "claimed responsibility" out of "No group has claimed responsibility" does
    not make a responsibility claim."""
    stop = len(text) if end is None else end
    spec = cues.claim_kinds[kind]
    if not spec.required:
        return True
    if spec.number:
        return bool(numbers_in(text[start:stop], cues.numbers))
    if _fits(text, spec.cues, cues, False, start, stop):
        return True
    if spec.negated_cues_of is not None:
        other = cues.claim_kinds[spec.negated_cues_of].cues
        return _fits(text, other, cues, True, start, stop)
    return False


def event_type_fits(
    text: str,
    event_type: str,
    mode: str | None,
    cues: EvidenceCues,
    start: int = 0,
    end: int | None = None,
) -> bool:
    """Whether `text[start:end]` holds a trigger word of the event type (or of its mode)."""
    return _type_matcher(cues, event_type, mode).search(text, start, end)


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _digits(text: str) -> Iterator[float]:
    """Numbers written in digits: "1,200" is 1200, "3.5" is 3.5, "4,5" is 4 and 5."""
    for number in _DIGITS.findall(text):
        if "," not in number:  # the most frequent case, and what the branches below make of it
            yield float(number)
            continue
        number = number.rstrip(",")
        if _THOUSANDS.fullmatch(number):
            yield float(number.replace(",", ""))
        else:
            yield from (float(part) for part in number.split(",") if part)


_NUMBER_TOKENS = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def _zero_phrases(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for every phrase of zero: whether any is in a text, as `phrase in text` for
    each would say."""
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


# id of a language's number words -> them (kept, so the id stays theirs) and the pattern of
# `_number_word`. By identity: NumberWords holds mappings and has no hash.
_NUMBER_WORDS: dict[int, tuple[NumberWords, re.Pattern[str]]] = {}


def _number_word(words: NumberWords) -> re.Pattern[str]:
    """A pattern that finds a unit or multiplier written as a whole word (a whole run of
    letters, as `_number_tokens` reads them): whether the walk over the words can find one."""
    known = _NUMBER_WORDS.get(id(words))
    if known is None or known[0] is not words:
        ordered = sorted({*words.units, *words.multipliers}, key=lambda w: (-len(w), w))
        body = "|".join(map(re.escape, ordered)) or "(?!)"
        # Their first letters first: a position where no word can start fails there, before
        # the look behind and the words are tried (most of a quote's positions).
        initials = "".join(sorted({re.escape(word[0]) for word in ordered})) or "^\\s\\S"
        pattern = re.compile(rf"(?=[{initials}])(?<![^\W\d_])(?:{body})(?![^\W\d_])")
        known = _NUMBER_WORDS[id(words)] = (words, pattern)
    return known[1]


def numbers_in(text: str, words: NumberWords) -> set[float]:
    """The numbers written in `text`: digits ("1,200", "4"), number words ("four",
    "twenty-five", "two dozen", "a hundred") and phrases of zero ("no casualties")."""
    found = set(_digits(text))
    lowered = text.lower()
    zero = _zero_phrases(words.zero_phrases)
    if zero is not None and zero.search(lowered) is not None:
        found.add(0.0)
    if _number_word(words).search(lowered) is None:
        return found  # no number written in words (most evidence): nothing below would add one
    return found | _spelled_numbers(_number_tokens(lowered), words)


def _spelled_numbers(tokens: Iterable[str], words: NumberWords) -> set[float]:
    """The numbers that a text's words (runs of letters, lowered) write out: a unit ("four"),
    tens and a unit ("twenty", "five": 25), a multiplier after its number or alone ("two
    dozen", "hundred")."""
    found: set[float] = set()
    current: int | None = None
    units, multipliers = words.units, words.multipliers
    for token in tokens:
        if token in units:
            unit = units[token]
            if current is not None and 20 <= current < 100 and current % 10 == 0 and unit < 10:
                current += unit
                continue
            if current is not None:
                found.add(float(current))
            current = unit
        elif token in multipliers:
            current = (1 if current is None else current) * multipliers[token]
        else:
            if current is not None:
                found.add(float(current))
            current = None
    if current is not None:
        found.add(float(current))
    return found


def _number_tokens(text: str) -> Sequence[str]:
    return _NUMBER_TOKENS.findall(text)
