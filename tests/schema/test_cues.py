"""Tests of the cue words (vocabularies/evidence_cues.yaml), their loader and their matching."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.schema.cues import (
    _spelled_numbers,
    claim_kind_fits,
    cue_hits,
    cue_matcher,
    cue_pattern,
    event_type_fits,
    is_negated,
    numbers_in,
)
from eventset.schema.vocab import EvidenceCues, evidence_cues, vocabulary


def en() -> EvidenceCues:
    cues = evidence_cues("en")
    assert cues is not None
    return cues


def test_every_claim_kind_and_event_type_has_cues() -> None:
    cues = en()
    assert set(cues.claim_kinds) == set(vocabulary("claim_kinds"))
    assert set(cues.event_types) == set(vocabulary("event_types"))
    assert all(cues.event_types[t] for t in cues.event_types)
    assert all(spec.cues for spec in cues.claim_kinds.values())


def test_a_language_without_an_entry_has_no_cues() -> None:
    assert evidence_cues("fr") is None


@pytest.mark.parametrize(
    ("cue", "text", "found"),
    [
        ("claim*", "The group claimed it", "claimed"),
        ("claim*", "a disclaimer", None),
        ("claim* ... responsibility", "claimed full responsibility", "claimed full responsibility"),
        ("dragging its feet", "dragging  its feet", "dragging  its feet"),
        ("won't", "they won\u2019t", "won\u2019t"),
        ("talk", "talks", None),
    ],
)
def test_cue_syntax(cue: str, text: str, found: str | None) -> None:
    hits = [m.group() for m in cue_hits(text, (cue,))]
    assert hits == ([found] if found else [])


def test_longer_cues_win() -> None:
    pattern = cue_pattern(("claimed", "claimed responsibility"))
    assert pattern is not None
    match = pattern.search("Daesh claimed responsibility")
    assert match is not None and match.group() == "claimed responsibility"


@pytest.mark.parametrize(
    ("text", "kind", "fits"),
    [
        ("No group has so far claimed responsibility for the operation", "no_claim", True),
        ("No group has so far claimed responsibility for the operation", "responsibility", False),
        ("Islamic State claimed responsibility for the attack", "responsibility", True),
        ("Islamic State claimed responsibility for the attack", "no_claim", False),
        ("the group did not claim the attack", "responsibility", False),
        ("the group denied responsibility for the attack", "responsibility", False),
        ("the group denied responsibility for the attack", "denial", True),
        ("announced the beginning of a new round of armed attacks", "announcement", True),
        ("announced the beginning of a new round of armed attacks", "denial", False),
        ("the police said four people died", "casualty_figure", True),
        ("the police said people died", "casualty_figure", False),
        ("anything at all", "statement", True),
        ("The militia warned of further attacks", "threat", True),
        ("No one claimed it, but the army blamed the rebels", "accusation", True),
    ],
)
def test_claim_kind_fits(text: str, kind: str, fits: bool) -> None:
    assert claim_kind_fits(text, kind, en()) is fits


def test_negation_stops_at_a_clause_break() -> None:
    text = "Nobody was hurt, and the group claimed the attack"
    assert not is_negated(text, text.index("claimed"), en())
    assert is_negated("it did not claim", len("it did not "), en())
    assert is_negated("it didn\u2019t claim", len("it didn\u2019t "), en())


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("four soldiers", {4}),
        ("twenty-five wounded", {25}),
        ("two dozen", {24}),
        ("a dozen", {12}),
        ("at least 1,200 people and 3.5 tonnes", {1200, 3.5}),
        ("causing no casualties", {0}),
        ("in 2020, seven", {2020, 7}),
        ("no figure here", set()),
    ],
)
def test_numbers_in(text: str, numbers: set[float]) -> None:
    assert numbers_in(text, en().numbers) == numbers


@pytest.mark.parametrize(
    ("text", "event_type", "mode", "fits"),
    [
        ("A roadside bomb has targeted a convoy", "ASSAULT", "explosives", True),
        ("A roadside bomb has targeted a convoy", "PROTEST", "demo", False),
        ("Israel and Lebanon renewed negotiations", "CONSULT", None, True),
        ("announced a new round of armed attacks", "THREATEN", "violence", True),
        ("announced a new round of armed attacks", "THREATEN", "sanctions", False),
    ],
)
def test_event_type_fits(text: str, event_type: str, mode: str | None, fits: bool) -> None:
    assert event_type_fits(text, event_type, mode, en()) is fits


def test_every_cue_language_is_a_language() -> None:
    assert set(vocabulary("evidence_cues")) <= set(vocabulary("languages"))


_TRIGGERS = sorted(evidence_cues("en").event_types.items())  # type: ignore[union-attr]


@given(
    st.sampled_from(_TRIGGERS),
    st.lists(
        st.sampled_from(
            [
                "The",
                "army",
                "ATTACKED",
                "talks",
                "held",
                "don\u2019t",
                "-",
                ", ",
                "İSTANBUL",
                "Met",
                "'",
                "O'Neill",
                "talk's",
                "x''",
                "_",
                "9",
            ]
        ),
        max_size=12,
    ),
    st.integers(0, 40),
    st.integers(0, 80),
    st.sampled_from([str, str.upper, str.title]),
)
def test_search_is_whether_a_cue_starts_somewhere(
    triggers: tuple[str, tuple[str, ...]],
    words: list[str],
    start: int,
    end: int,
    case: Callable[[str], str],
) -> None:
    """`search` (the words as strings) says what `starts` (their positions) says, whatever
    the case the cue is written in."""
    matcher = cue_matcher(triggers[1])
    cue = triggers[1][len(words) % len(triggers[1])].rstrip("*").replace("...", "")
    text = " ".join([*words[:3], case(cue), *words[3:]])
    for window in ((0, None), (start, end)):
        assert matcher.search(text, *window) == (
            next(matcher.starts(text, *window), None) is not None
        )


@given(st.text(alphabet="0123456789,. x\u0663", max_size=20))
def test_numbers_in_digits_as_the_thousands_rule_reads_them(text: str) -> None:
    """Numbers in digits (no number words here): one without a comma is read whole, as the
    thousands rule and the split at commas both read it."""
    expected: set[float] = set()
    for number in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
        number = number.rstrip(",")
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number):
            expected.add(float(number.replace(",", "")))
        else:
            expected |= {float(part) for part in number.split(",") if part}
    assert numbers_in(text, en().numbers) == expected


def _numbers_one_phrase_at_a_time(text: str) -> set[float]:
    """numbers_in as first written: every phrase of zero looked for on its own, every word of
    the text read, whether or not a number word is among them."""
    words = en().numbers
    found = set(numbers_in(re.sub(r"[^\d,.]", " ", text), words))  # the digits alone
    lowered = text.lower()
    if any(phrase in lowered for phrase in words.zero_phrases):
        found.add(0.0)
    # Every word read: the walk itself is the one numbers_in uses (pinned by the examples above).
    return found | _spelled_numbers(re.findall(r"[^\W\d_]+", lowered), words)


@given(
    st.lists(
        st.sampled_from(
            [
                "No casualties",
                "no one",
                "was killed",
                "NOBODY",
                "unharmed",
                "twenty",
                "five",
                "Dozen",
                "a",
                "hundred",
                "people",
                "12",
                "1,200",
                "-",
                ", ",
                "\u0130",
            ]
        ),
        max_size=10,
    )
)
def test_numbers_in_reads_what_each_phrase_and_word_says(words: list[str]) -> None:
    """One search for all phrases of zero, and no walk over a text without number words, read
    the same numbers as each phrase looked for and each word read."""
    text = " ".join(words)
    assert numbers_in(text, en().numbers) == _numbers_one_phrase_at_a_time(text)


def test_every_number_word_is_found_as_every_word_read_finds_it() -> None:
    """Each unit and multiplier, alone, inside a sentence and capitalised: the pattern that
    decides whether a text's words are read at all (led by the words' first letters) lets
    through every one of them."""
    words = en().numbers
    for word in [*words.units, *words.multipliers]:
        for text in (word, f"about {word} people", f"{word.title()}!", f"x{word} {word}y"):
            assert numbers_in(text, words) == _numbers_one_phrase_at_a_time(text), text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("they HELD talks", True),
        ("held", True),
        ("x'held", False),  # one word, "x'held"
        ("heldx", False),
        ("x_held", False),
        ("re-talks", True),
        ("x'talks", False),
        ("'talks'", True),
        ("don't", True),
        ("Don't's", False),
        ("don'ts", False),
        ("don''t", False),
        ("uphold", False),
    ],
)
def test_search_finds_whole_words_and_stems_at_the_start_of_a_word(text: str, found: bool) -> None:
    matcher = cue_matcher(("held", "talk*", "don't"))
    assert matcher.search(text) is found
    assert (next(matcher.starts(text), None) is not None) is found
    assert matcher.search(f"\u00e9 {text}") is found  # the same, read word by word
