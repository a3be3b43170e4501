"""Quote finding (validation/quotes.py): the span found, and for a quote that is not found the
diagnosis each hint branch gives, plus sentence numbers against a reference splitter."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.schema.fields import Selector
from eventset.schema.selectors import occurrences, with_context
from eventset.validation.quotes import (
    QuoteError,
    Span,
    _ambiguous,
    _explain_context,
    _explain_missing,
    _inside_word,
    find_quote,
    sentence_index,
    sentence_starts,
)

TEXT = "The army\u2019s convoy was hit near the bridge.\nThe army said the convoy was hit twice."


def found(text: str, quote: str, **context: object) -> Span | QuoteError:
    return find_quote(text, Selector.model_validate({"quote": quote, **context}))


def test_a_unique_quote_gives_its_span() -> None:
    span = found(TEXT, "near the bridge")
    assert span == Span(TEXT.index("near the bridge"), TEXT.index("near the bridge") + 15)


def test_a_repeated_quote_needs_context_or_an_occurrence() -> None:
    error = found(TEXT, "convoy")
    assert isinstance(error, QuoteError) and error.code == "E302"
    assert error.message == "Quote 'convoy' occurs 2 times in the text, at line:column 1:12; 2:19."
    # The hint offers one ready selector per match.
    assert error.hint is not None
    assert 'prefix: "army\u2019s "' in error.hint and 'prefix: "the "' in error.hint
    second = TEXT.rindex("convoy")
    assert found(TEXT, "convoy", occurrence=2) == Span(second, second + 6)
    assert found(TEXT, "convoy", occurrence=1) == Span(
        TEXT.index("convoy"), TEXT.index("convoy") + 6
    )
    assert found(TEXT, "convoy", prefix="the ") == Span(second, second + 6)
    assert found(TEXT, "convoy", suffix=" was hit twice") == Span(second, second + 6)
    assert found(TEXT, "convoy", prefix="army\u2019s ") == Span(
        TEXT.index("convoy"), TEXT.index("convoy") + 6
    )


def test_an_occurrence_past_the_last_match() -> None:
    assert found(TEXT, "convoy", occurrence=3) == QuoteError(
        "E303", "occurrence 3 asked, but 'convoy' matches 2 time(s)."
    )


def test_an_occurrence_counts_only_the_matches_with_the_context() -> None:
    assert found(TEXT, "convoy", prefix="the ", occurrence=2) == QuoteError(
        "E303", "occurrence 2 asked, but 'convoy' matches 1 time(s)."
    )


def test_context_that_never_surrounds_the_quote() -> None:
    error = found(TEXT, "convoy", prefix="a ")
    assert isinstance(error, QuoteError) and error.code == "E301"
    assert (
        error.message == "Quote 'convoy' occurs 2 time(s), but never with the given prefix/suffix."
    )
    assert error.hint is not None and 'prefix: "the "' in error.hint


@pytest.mark.parametrize("quote", [" near the bridge", "near the bridge\n", "\tnear"])
def test_whitespace_at_either_end(quote: str) -> None:
    error = found(TEXT, quote)
    assert error == QuoteError("E305", f"Quote {quote!r} starts or ends with whitespace.")


# (quote, code, the diagnosis the message must give)
DIAGNOSES = [
    ("bridge.  The army", "E301", "it matches if line breaks and spaces are ignored"),
    ("the army said", "E309", "it matches only ignoring case"),
    ("The army's convoy", "E301", "the text uses curly quotes (\u2019)"),
    ("a tank", "E301", "does not occur in the text"),
    ("the army's tank", "E301", "does not occur in the text"),  # an apostrophe, but no match
    ("near the\u200b bridge", "E307", "has invisible U+200B that the text lacks"),
]


@pytest.mark.parametrize(("quote", "code", "diagnosis"), DIAGNOSES)
def test_each_missing_quote_gets_its_diagnosis(quote: str, code: str, diagnosis: str) -> None:
    error = found(TEXT, quote)
    assert isinstance(error, QuoteError)
    assert error.code == code
    assert error.message.startswith(f"Quote {quote!r}")
    assert diagnosis in error.message
    others = [d for _, _, d in DIAGNOSES if d != diagnosis]
    assert not any(other in error.message for other in others)


def test_curly_double_quotes() -> None:
    text = "He called it \u201danti-terror\u201d operations."
    error = found(text, 'it "anti-terror" operations')
    assert isinstance(error, QuoteError)
    assert "the text uses curly quotes (\u201d)" in error.message


def test_each_invisible_character_of_a_quote_is_named_once_in_code_point_order() -> None:
    quote = "near\u2060 the\u200d\u200b bridge\ufeff\u200c\u200b"
    error = found(TEXT, quote)
    assert isinstance(error, QuoteError)
    assert (
        "has invisible U+200B, U+200C, U+200D, U+2060, U+FEFF that the text lacks" in error.message
    )


def test_invisible_characters_in_the_text() -> None:
    text = "The con\u200bvoy was hit."
    error = found(text, "The convoy was hit")
    assert isinstance(error, QuoteError)
    assert error.code == "E307"
    assert "matches only if invisible characters in the text are ignored" in error.message


def test_invisible_characters_on_both_sides_are_not_confused_with_a_missing_quote() -> None:
    text = "The con\u200bvoy was hit."
    error = found(text, "The \u200dtank")
    assert error == QuoteError("E301", "Quote 'The \\u200dtank' does not occur in the text.")


@pytest.mark.parametrize(("text_form", "quote_form"), [("NFC", "NFD"), ("NFD", "NFC")])
def test_another_normal_form(text_form: str, quote_form: str) -> None:
    text = unicodedata.normalize(text_form, "The café by the bridge.")  # type: ignore[arg-type]
    quote = unicodedata.normalize(quote_form, "café")  # type: ignore[arg-type]
    error = found(text, quote)
    assert isinstance(error, QuoteError)
    assert error.code == "E306"
    assert "normalisation of text and quote" in error.message


def test_a_quote_inside_a_composed_character_is_reported_as_nfd() -> None:
    error = found("Caf\u00e9", "Cafe")
    assert error == QuoteError(
        "E306", "Quote 'Cafe' matches only after NFD normalisation of text and quote."
    )
    assert found(unicodedata.normalize("NFD", "Café"), "Caf\u00e9") == QuoteError(
        "E306", "Quote 'Café' matches only after NFC normalisation of text and quote."
    )


# Sentence numbers. The reference walks the text character by character: a sentence ends after
# ., ! or ? (plus closing quotes and brackets) followed by whitespace, or at a line break; the
# next one starts after that whitespace.
CLOSERS = "\"'\u2019\u201d])"


def reference_starts(text: str) -> list[int]:
    starts = [0]
    i = 0
    while i < len(text):
        if text[i] in ".!?":
            j = i + 1
            while j < len(text) and text[j] in CLOSERS:
                j += 1
            k = j
            while k < len(text) and text[k].isspace():
                k += 1
            if k > j:
                starts.append(k)
                i = k
                continue
        elif text[i] == "\n":
            k = i + 1
            while k < len(text) and text[k].isspace():
                k += 1
            starts.append(k)
            i = k
            continue
        i += 1
    return starts


def reference_index(text: str, offset: int) -> int:
    return sum(1 for start in reference_starts(text) if start <= offset) - 1


def test_sentence_numbers_of_a_small_text() -> None:
    text = 'One. "Two!" Three?\n  Four (five.) Six\nSeven'
    starts = sentence_starts(text)
    assert starts == (0, 5, 12, 21, 34, 38)
    assert [sentence_index(starts, text.index(w)) for w in ("One", "Two", "Three", "Four")] == [
        0,
        1,
        2,
        3,
    ]
    assert sentence_index(starts, text.index("Six")) == 4
    assert sentence_index(starts, text.index("Seven")) == 5
    assert sentence_index(starts, 4) == 0  # the space after "One." is still the first sentence


@given(st.text(alphabet="ab .!?\n\t\"')\u2019", max_size=40))
def test_sentence_numbers_match_the_reference_splitter(text: str) -> None:
    starts = sentence_starts(text)
    assert list(starts) == reference_starts(text)
    for offset in range(len(text)):
        assert sentence_index(starts, offset) == reference_index(text, offset)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Gunmen attacked Ainburj", "Gunmen"),  # at the very start; the text ends in a letter
        ("Gunmen attacked Ainburj", "Ainburj"),  # at the very end; the text starts with one
        ("Gunmen", "Gunmen"),  # the whole text
        ("a b", "b"),
    ],
)
def test_a_quote_at_either_edge_of_the_text_cuts_no_word(text: str, quote: str) -> None:
    start = text.index(quote)
    assert found(text, quote) == Span(start, start + len(quote))


@pytest.mark.parametrize(
    ("text", "quote", "side", "word"),
    [
        ("The witnesses said so.", "itnesses said", "starts", "witnesses said"),
        ("The witnesses said so.", "The witness", "ends", "The witnesses"),
        ("witnesses", "itness", "starts", "witnesses"),
        ("Xwitnesses", "Xwitness", "ends", "Xwitnesses"),
        ("two witnesses", "witnesse", "ends", "witnesses"),
    ],
)
def test_a_cut_word_is_named_whole(text: str, quote: str, side: str, word: str) -> None:
    """E308 names the side that cuts and the quote widened to whole words of the text, however
    far the cut word reaches."""
    result = found(text, quote)
    assert isinstance(result, QuoteError) and result.code == "E308"
    assert f"{side} inside a word" in result.message
    assert result.message.endswith(f"reads {word!r}.")


def _found_by_every_occurrence(text: str, selector: Selector) -> Span | QuoteError:
    """find_quote as it was before its shortcut for a quote that occurs once in its context: every
    occurrence listed, then narrowed by the context and the occurrence, for every selector."""
    quote = selector.quote
    if quote != quote.strip():
        return QuoteError("E305", f"Quote {quote!r} starts or ends with whitespace.")
    every = occurrences(text, quote)
    if not every:
        return _explain_missing(text, quote)
    starts = with_context(text, quote, every, selector.prefix, selector.suffix)
    if not starts:
        return _explain_context(text, selector, every)
    if selector.occurrence is not None:
        if selector.occurrence > len(starts):
            return find_quote(text, selector)  # E303, whose wording is not the point here
        start = starts[selector.occurrence - 1]
    elif len(starts) > 1:
        return _ambiguous(text, quote, starts)
    else:
        start = starts[0]
    return _inside_word(text, quote, start) or Span(start, start + len(quote))


@given(
    st.text(alphabet="ab .\u00e9", max_size=30),
    st.text(alphabet="ab .\u00e9", min_size=1, max_size=4),
    st.none() | st.text(alphabet="ab ", min_size=1, max_size=3),
    st.none() | st.text(alphabet="ab .", min_size=1, max_size=3),
    st.none() | st.integers(1, 3),
)
def test_a_quote_found_once_in_its_context_is_found_as_from_every_occurrence(
    text: str, quote: str, prefix: str | None, suffix: str | None, occurrence: int | None
) -> None:
    """The shortcut (two searches for prefix + quote + suffix) gives the span, or the E308 of
    a cut word, that the list of every occurrence narrowed by its context gives; with an
    occurrence, or a whole that repeats, the list decides as before."""
    fields: dict[str, object] = {"quote": quote}
    for name, value in (("prefix", prefix), ("suffix", suffix), ("occurrence", occurrence)):
        if value is not None:
            fields[name] = value
    selector = Selector.model_validate(fields)
    assert find_quote(text, selector) == _found_by_every_occurrence(text, selector)
