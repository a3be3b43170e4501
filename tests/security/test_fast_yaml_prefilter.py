"""The fast path's prefilters, restructured for speed, against the single patterns they replace.

`_libyaml_only` must send exactly the files `_LIBYAML_ONLY.search` sends to libyaml: a file it
let through that the pattern stops would reach rapidyaml with something only libyaml reads
right. The alphabet is every character either side looks at, plus filler.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs.yamlfile import (
    _LIBYAML_ONLY,
    _REFUSED_CHAR,
    CONTROL,
    INVISIBLE,
    _libyaml_only,
)
from eventset.synth import iter_documents
from tests.security.test_fuzz import FUZZ, _mutated

_PREFILTER_TEXT = st.text(
    alphabet=st.sampled_from(list("ab :-?]},@`[{\n\r &*!%\\\u2028\u2029\ufffe\uffff\x85é\"'#|>~.")),
    max_size=40,
)


@FUZZ
@given(_PREFILTER_TEXT)
def test_libyaml_only_matches_the_single_pattern(text: str) -> None:
    assert _libyaml_only(text) == (_LIBYAML_ONLY.search(text) is not None)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_libyaml_only_on_arbitrary_text(text: str) -> None:
    assert _libyaml_only(text) == (_LIBYAML_ONLY.search(text) is not None)


@FUZZ
@given(_mutated())
def test_libyaml_only_on_mutated_annotations(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    assert _libyaml_only(text) == (_LIBYAML_ONLY.search(text) is not None)


@pytest.mark.parametrize(
    "text",
    [
        "]",
        "  }",
        "a: ]",
        "a:  @x",
        "- `",
        "? ,",
        "a:]",
        "a\n]",
        "a\n   ,",
        "a\r]",
        "a\r\n]",
        "x ]",
        "a: 1\r",
        "a: 1\r\n",
        "a: [1, 2]\nb: {c: d}\n",
        "-\u2028]",
    ],
)
def test_libyaml_only_edge_cases(text: str) -> None:
    assert _libyaml_only(text) == (_LIBYAML_ONLY.search(text) is not None)


def test_libyaml_only_on_synthetic_annotations() -> None:
    for _, _, text in iter_documents(20, seed=3):
        assert _libyaml_only(text) == (_LIBYAML_ONLY.search(text) is not None)


def test_refused_char_is_the_union_of_the_file_rules() -> None:
    for code in range(0x110000):
        char = chr(code)
        either = bool(CONTROL.match(char) or INVISIBLE.match(char) or char == "\t")
        assert (_REFUSED_CHAR.match(char) is not None) == either, hex(code)
