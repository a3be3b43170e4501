"""The fast path's prefilters, restructured for speed, against the single patterns they replace.

`_libyaml_only` must send exactly the files `_LIBYAML_ONLY.search` sends to libyaml: a file it
let through that the pattern stops would reach rapidyaml with something only libyaml reads
right. The alphabet is every character either side looks at, plus filler.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs.seeds import _SEED_ASCII
from eventset.inputs.yamlfile import (
    _AMBIGUOUS_STRING,
    _EMPTY_KEY,
    _EMPTY_OR_AMBIGUOUS,
    _LIBYAML_ONLY,
    _REFUSED_CHAR,
    CONTROL,
    INVISIBLE,
    _libyaml_only,
    clean_ascii,
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


def test_clean_ascii_is_the_refused_char_scan_on_ascii() -> None:
    """Deleting allowed bytes works character by character, so agreeing on every single ASCII
    character is agreeing on every ASCII text; non-ASCII input is never called clean."""
    for code in range(0x80):
        refused = _REFUSED_CHAR.search(chr(code)) is not None
        assert clean_ascii(bytes([code])) is not refused, hex(code)
        control = CONTROL.search(chr(code)) is not None
        assert clean_ascii(bytes([code]), _SEED_ASCII) is not control, hex(code)
    assert clean_ascii(b"")
    assert not clean_ascii("a: é\n".encode())
    assert not clean_ascii("\u200b".encode(), _SEED_ASCII)


@FUZZ
@given(st.binary(max_size=60))
def test_clean_ascii_never_hides_a_refused_character(raw: bytes) -> None:
    if clean_ascii(raw):
        assert _REFUSED_CHAR.search(raw.decode("utf-8")) is None
    if clean_ascii(raw, _SEED_ASCII):
        assert CONTROL.search(raw.decode("utf-8")) is None


@FUZZ
@given(
    st.text(
        alphabet=st.sampled_from(list('"":, \n\t1-+.eE~nNtTfFiIaluserx[]{}\\')),
        max_size=40,
    )
)
def test_empty_or_ambiguous_is_either_pattern(emitted: str) -> None:
    either = bool(_EMPTY_KEY.search(emitted) or _AMBIGUOUS_STRING.search(emitted))
    assert (_EMPTY_OR_AMBIGUOUS.search(emitted) is not None) == either
