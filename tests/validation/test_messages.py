"""What the new problems say: where each match is, which selector picks it, which line moved."""

from __future__ import annotations

import datetime as dt

import pytest

from eventset.inputs.yamlfile import load_yaml
from eventset.schema.fields import Selector
from eventset.schema.selectors import shortest_selector, with_context
from eventset.validation.document_checks import absolute_dates
from eventset.validation.quotes import QuoteError, find_quote

TEXT = "Police said the police had left.\nIn Nairobi, police and Nairobi police met."


def test_e302_lists_every_occurrence_with_its_selector() -> None:
    found = find_quote(TEXT, Selector(quote="police"))
    assert isinstance(found, QuoteError) and found.code == "E302"
    assert "1:17; 2:13; 2:32" in found.message
    assert found.hint is not None
    assert '{quote: police, prefix: "the "}' in found.hint
    assert '{quote: police, suffix: " and"}' in found.hint
    assert '{quote: police, suffix: " met."}' in found.hint


@pytest.mark.parametrize("quote", ["police", "Nairobi", "Police", "the", "a"])
def test_shortest_selector_picks_exactly_its_occurrence(quote: str) -> None:
    starts = [i for i in range(len(TEXT)) if TEXT.startswith(quote, i)]
    for start in starts:
        chosen = shortest_selector(TEXT, quote, start)
        if "occurrence" in chosen:
            assert starts[int(chosen["occurrence"]) - 1] == start
            continue
        picked = with_context(
            TEXT,
            quote,
            starts,
            str_or_none(chosen.get("prefix")),
            str_or_none(chosen.get("suffix")),
        )
        assert picked == [start], chosen


def test_e309_case_only_mismatch_names_the_texts_form() -> None:
    found = find_quote(TEXT, Selector(quote="nairobi"))
    assert isinstance(found, QuoteError) and found.code == "E309"
    assert "'Nairobi'" in found.message and "2:4" in found.message


def test_e308_shows_the_whole_word() -> None:
    found = find_quote(TEXT, Selector(quote="olice said"))
    assert isinstance(found, QuoteError) and found.code == "E308"
    assert "reads 'Police said'" in found.message
    assert not isinstance(find_quote(TEXT, Selector(quote="Police said")), QuoteError)
    assert not isinstance(find_quote(TEXT, Selector(quote="police had")), QuoteError)


def test_absolute_dates_in_evidence() -> None:
    assert absolute_dates("On February 20, 2024, witnesses said") == [
        ("February 20, 2024", dt.date(2024, 2, 20))
    ]
    assert [d for _, d in absolute_dates("2 March 2022 and 2022-03-04")] == [
        dt.date(2022, 3, 2),
        dt.date(2022, 3, 4),
    ]
    assert absolute_dates("in March 2022, 12 people") == []
    assert absolute_dates("on 31 February 2022") == []


def test_syntax_errors_in_plain_words() -> None:
    raw = b"document:\n  id: a\n  list:\n    - one\n   - two\n"
    _, problems = load_yaml(raw, "f.yaml")
    [p] = problems
    assert (p.code, p.line, p.column) == ("E116", 5, 4)
    assert "start at column 5 (line 4), 3 (line 3), 1 (line 1)" in p.message

    _, problems = load_yaml(b'a: "open\nb: c\nd: "x"\n', "f.yaml")
    [p] = problems
    assert p.code == "E106" and (p.line, p.column) == (1, 4)
    assert "not closed" in p.message


def test_e115_names_the_line_that_moved_and_where_it_belongs() -> None:
    raw = b"event:\n  date:\n    start: 1\n  evidence: [a]\n  evidence: [b]\n"
    _, problems = load_yaml(raw, "f.yaml")
    [p] = problems
    assert (p.code, p.line, p.column) == ("E115", 4, 3)
    assert "column 5" in p.hint and "date:" in p.hint

    plain = b"event:\n  evidence: [a]\n  evidence: [b]\n"
    [p] = load_yaml(plain, "f.yaml")[1]
    assert (p.code, p.line) == ("E108", 3)


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def test_a_deeper_key_line_is_an_indentation_error_and_a_colon_in_a_value_is_not() -> None:
    [p] = load_yaml(b"document:\n  id: a\n   title: b\n", "f.yaml")[1]
    assert (p.code, p.line, p.column) == ("E116", 3, 4)
    [p] = load_yaml(b"document:\n  url: a: b\n", "f.yaml")[1]
    assert (p.code, p.line) == ("E106", 2)
    assert "double quotes" in p.hint


def test_an_entry_of_the_wrong_kind_at_the_right_column() -> None:
    [p] = load_yaml(b"document:\n  id: a\n  - b\n", "f.yaml")[1]
    assert (p.code, p.line, p.column) == ("E116", 3, 3)
    assert "list item" in p.message and "line 2 has keys" in p.message
    [p] = load_yaml(b"items:\n  - a\n  b: c\n", "f.yaml")[1]
    assert (p.code, p.line) == ("E116", 3)
    assert "`key:`" in p.message
