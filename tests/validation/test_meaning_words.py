"""How many words a quote has, as the meaning checks count them (validation/meaning.py): a
quote of three words or fewer is read with its sentence."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from eventset.validation.meaning import _BARE_VERB_WORDS, _few_words
from eventset.validation.quotes import Span


@given(
    st.text(alphabet="ab \u00e9\u0661_-,.\u2019\n", max_size=30),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_few_words_counts_runs_of_word_characters(text: str, a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    words = re.findall(r"\w+", text[start:end])
    assert _few_words(text, Span(start, end)) == (len(words) <= _BARE_VERB_WORDS)


def test_the_fourth_word_makes_a_clause() -> None:
    text = "They said so, twice."
    assert _few_words(text, Span(0, len("They said so,")))
    assert not _few_words(text, Span(0, len(text)))
