"""The subset the fast path vouches for (`in_fast_subset`), and the byte scans before it.

Each construct of the subset is accepted and each shape the two parsers were seen to read
differently is refused; whether the parsers then agree is tests/security/test_fast_yaml.py's.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs import yaml_fast
from eventset.inputs.seeds import _SEED_ASCII
from eventset.inputs.yaml_fast import in_fast_subset
from eventset.inputs.yaml_text import CONTROL, INVISIBLE, REFUSED_CHAR, clean_ascii
from eventset.synth import iter_documents
from tests.security.test_fuzz import FUZZ
from tests.security.yaml_shapes import UNICODE_SPACES


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n",
        "# comment\n\na: x  # comment\n",
        "a:\n  b: c d\n  e:\n    - f\n    - g: h\n      i: j\n",
        'a: "double \' quoted # not a comment"\n',
        "a: 'single '' quoted'\n",
        "a: sha256:abc http://x.y/z x#y 2021-09-07 -1 +0.5 US-led it's\n",
        "a: Occupation\u2019s Withdrawal, from Iraq\n",
        'a: ["x", y z, {quote: "q", suffix: s}]\n',
        "a: {b: c, d: 'e'}\n",
        "a: []\nb: {}\n",
        "a:\n  b: >-\n    folded\n    text\n  c: |\n    literal\n",
        "k" * 128 + ": 1\n",
        'a: "\u3000 inside quotes \u00a0"\n',
    ],
)
def test_the_subset_holds(text: str) -> None:
    assert in_fast_subset(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1",  # no final line feed
        "a: |\n  b",  # issue 22: the block scalar ending the file
        "a: >\n  b",
        "a: 1\r\n",  # CR is a line break of its own for libyaml
        "k" * 129 + ": 1\n",  # keys stay far below libyaml's 1,024 characters
        "k" * 1025 + ": 1\n",
        "a: {b: ?\u3000}\n",  # issue 22
        "{k #c: 1}\n",  # issue 22
        "a: {k #c: 1}\n",
        "a: [?x]\n",
        "a: [:x]\n",
        "a: [x:]\n",
        "a: [x, -]\n",
        "a: [x,\n  y]\n",  # a flow collection over two lines
        'a: "x\n  y"\n',  # a quoted scalar over two lines
        "a: x\n  y\n",  # a plain scalar over two lines
        'a: "\\u00e9"\n',  # an escape
        "a: &x 1\n",
        "a: *x\n",
        "a: !!str 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "---\na: 1\n",
        "...\na: 1\n",
        "? a\n: 1\n",
        '"a": 1\n',  # quoted keys
        ": 1\n",
        "a: |+\n  b\n",  # keep chomping
        "a: |2\n  b\n",  # an indentation indicator
        "a: > # c\n  b\n",
        "a: >\n  b\n\n  c\n",  # a blank line inside a block scalar
        "a: >\n  b\n   c\n",  # lines indented unlike
        "a: >\n  b \n",  # trailing space
        "- a: |\n    b\n",  # a block scalar after `- `
        "a: x]\n",
        "a: ]\n",
        "a: x\u2028y\n",
        "# x\u2029\na: 1\n",
        "a: x\ufffe\n",
    ],
)
def test_outside_the_subset(text: str) -> None:
    assert not in_fast_subset(text)


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("a:\n  b: 1\n", True),  # deeper after `key:`: a block
        ("- a: 1\n  b: 2\n", True),  # the item's mapping goes on at its key
        ("-   a: 1\n    b: 2\n", True),
        ("a: 1\n  # c\nb: 2\n", True),  # comments may sit anywhere
        ("a:\n- b\n- c: 1\n  d: 2\n", True),
        ("a: >-\n  x\n\nb: 1\n", True),
        ("a:\n  b: >-\n    x\n  c: 1\n", True),
        ("a: 1\n  b: 2\n", False),  # deeper after a value: a continuation or an error
        ("a: 1\n\n  # c\n\n  b: 2\n", False),
        ("- a: 1\n   b: 2\n", False),
        ("-   a: 1\n     b: 2\n", False),
        ("- x\n  y: 1\n", False),
        ("c:\n- c:\n  - [  ]\n   - key: 0\n", False),  # the generator's find
        ("a: >-\n  x\n\n  b: 1\n", False),  # still the block scalar's, after a blank line
        ("a: >-\n    x\n  b: 1\n", False),
        ("a: >-\n    x\n  # c\n", False),
    ],
)
def test_a_line_is_deeper_than_the_one_before_only_under_a_key_that_opens_a_block(
    text: str, inside: bool
) -> None:
    assert in_fast_subset(text) is inside


# The subset sees only decoded text, where the invisible U+200B is already refused (E114).
_SPACES = [c for c in UNICODE_SPACES if not c.isascii() and not INVISIBLE.match(c)]


@pytest.mark.parametrize("space", _SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_no_space_but_the_ascii_one_outside_quotes(space: str) -> None:
    for text in (
        f"a: x{space}y\n",
        f"a:{space}x\n",
        f"a{space}: x\n",
        f"{space}a: x\n",
        f"a: [x{space}]\n",
        f"a: {{b: {space}x}}\n",
        f"- {space}\n",
        f"a: x {space}\n",
    ):
        assert not in_fast_subset(text), repr(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab :-?#,[]{}'\"|>\n\r\u3000\u2028é")), max_size=40))
def test_what_the_subset_admits_never_holds_a_line_break_libyaml_reads_alone(text: str) -> None:
    if in_fast_subset(text):
        assert text.endswith("\n")
        assert not any(char in text for char in "\r\u2028\u2029\ufffe\uffff")


def test_refused_char_is_the_union_of_the_file_rules() -> None:
    for code in range(0x110000):
        char = chr(code)
        either = bool(CONTROL.match(char) or INVISIBLE.match(char) or char == "\t")
        assert (REFUSED_CHAR.match(char) is not None) == either, hex(code)


def test_clean_ascii_is_the_refused_char_scan_on_ascii() -> None:
    """Deleting allowed bytes works character by character, so agreeing on every single ASCII
    character is agreeing on every ASCII text; non-ASCII input is never called clean."""
    for code in range(0x80):
        refused = REFUSED_CHAR.search(chr(code)) is not None
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
        assert REFUSED_CHAR.search(raw.decode("utf-8")) is None
    if clean_ascii(raw, _SEED_ASCII):
        assert CONTROL.search(raw.decode("utf-8")) is None


# The scalars as first written: one character per turn of the loop. The module takes a run of
# ordinary characters at once (cheaper); both must match exactly the same text.
_PLAIN_ONE_AT_A_TIME = re.compile(
    f"(?:{yaml_fast._PLAIN_FIRST}|[-+](?=[0-9.]))"
    f"(?:{yaml_fast._PLAIN_INNER}|#|:(?={yaml_fast._PLAIN_INNER})"
    f"| ++(?={yaml_fast._PLAIN_INNER}))*+"
)
_SINGLE_ONE_AT_A_TIME = re.compile(f"'(?:[^'{yaml_fast._NOT_IN_ANY}]|'')*+'")


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab1 :-+.#'\"[]{}\\&\n\u3000\u00e9")), max_size=30))
def test_runs_of_ordinary_characters_match_as_one_character_at_a_time(text: str) -> None:
    for fast, reference in (
        (yaml_fast._PLAIN, _PLAIN_ONE_AT_A_TIME),
        (yaml_fast._SINGLE, _SINGLE_ONE_AT_A_TIME),
    ):
        found, expected = re.match(fast, text), reference.match(text)
        assert (found and found.group()) == (expected and expected.group())


# Lines of the subset's kinds, with values of any ASCII characters (the controls too, which the
# file rules refuse before the subset is asked, and `\s`'s ASCII members among them).
_ASCII_VALUE = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12)
_ASCII_LINE = st.builds(
    lambda indent, dash, key, gap, value, end: f"{' ' * indent}{dash}{key}{gap}{value}{end}",
    st.integers(0, 4),
    st.sampled_from(["", "- ", "-  "]),
    st.sampled_from(["", "a:", "key_1:", "b-c:"]),
    st.sampled_from(["", " ", "  "]),
    st.one_of(
        _ASCII_VALUE,
        _ASCII_VALUE.map(lambda v: f'"{v}"'),
        _ASCII_VALUE.map(lambda v: f"'{v}'"),
        _ASCII_VALUE.map(lambda v: f"[{v}]"),
        _ASCII_VALUE.map(lambda v: f"{{a: {v}}}"),
        st.sampled_from([">-", "|", "# c"]),
    ),
    st.sampled_from(["\n", "\n", " # c\n", "\r\n", ""]),
)


@given(st.lists(_ASCII_LINE, max_size=8).map("".join))
def test_the_ascii_pattern_matches_as_the_subset_on_ascii_text(text: str) -> None:
    """`in_fast_subset` reads an ASCII text with the subset's pattern for ASCII
    (yaml_fast.for_ascii): the same verdict as the pattern itself."""
    full = yaml_fast.subset()
    ascii_only = re.compile(yaml_fast.for_ascii(full.pattern))
    assert (ascii_only.fullmatch(text) is None) == (full.fullmatch(text) is None)
    assert in_fast_subset(text) is (full.fullmatch(text) is not None)


def test_the_ascii_pattern_keeps_every_ascii_character_of_each_class() -> None:
    """Character by character, in the subset's kinds of value: each ASCII character (the
    whitespace `\\s` names among them) is admitted by both patterns or by neither; and the
    corpus's generated annotations are in both."""
    full = yaml_fast.subset()
    ascii_only = re.compile(yaml_fast.for_ascii(full.pattern))
    for code in range(0x80):
        char = chr(code)
        for text in (
            f"a: x{char}y\n",
            f"a: {char}\n",
            f'a: "x{char}"\n',
            f"a: 'x{char}'\n",
            f"a: [x{char}y]\n",
            f"a: |\n  x{char}\n",
            f"a: x {char}\n",
            f"a: x #{char}\n",
        ):
            assert (ascii_only.fullmatch(text) is None) == (full.fullmatch(text) is None), text
    for _, _, text in iter_documents(20, seed=5):
        assert text.isascii() and ascii_only.fullmatch(text) and full.fullmatch(text)
