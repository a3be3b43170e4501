"""The fast YAML path (rapidyaml) against the reference (libyaml): never a different verdict.

`load_yaml` takes rapidyaml's data only when `fast_data` vouches for it; every other file is
read by libyaml alone. So the one thing that could go wrong is the fast path accepting a file
that libyaml reads differently or refuses. These properties feed both paths the same hostile
inputs (generated YAML shapes, the fuzzer's mutations of the gold annotation, odd scalars,
arbitrary text) and require: whenever the fast path answers, libyaml accepts the file with
exactly the same data and types; and `load_yaml` gives the same data and problems whether the
fast path is allowed or `EVENTSET_YAML=libyaml` keeps it out.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.inputs import yaml_fast, yamlfile
from eventset.inputs.yaml_fast import PARSER_ENV, fast_data
from eventset.inputs.yaml_libyaml import load_with_libyaml
from eventset.inputs.yaml_text import DEFAULT_LIMITS, Limits, decode_text
from eventset.inputs.yamlfile import load_yaml
from eventset.problems import Problem
from eventset.synth import iter_documents
from tests.conftest import REPO
from tests.security.test_fuzz import _SCALARS, ANNOTATION, FUZZ, _mutated
from tests.security.yaml_shapes import UNICODE_SPACES, YAML_SHAPES


def _exact(data: Any) -> str:
    """A rendering that tells 1 from 1.0 from True (Python's == does not)."""
    return json.dumps(data, ensure_ascii=False)


def _agrees(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Checks the property for one input; True when the fast path answered."""
    text, problems = decode_text(raw, "f.yaml", limits)
    if text is None:
        return False
    fast = fast_data(raw, text, limits)
    if fast is None:
        return False
    doc, problems = load_with_libyaml(text, "f.yaml", limits)
    assert problems == [], f"fast path accepted what libyaml refuses: {problems}"
    assert doc is not None and _exact(doc.data) == _exact(fast)
    return True


def test_the_gold_annotation_takes_the_fast_path() -> None:
    assert _agrees(ANNOTATION)


def test_every_repository_yaml_file_reads_the_same() -> None:
    files = sorted((REPO / "data").rglob("*.yaml"))
    assert files
    fast = [path for path in files if _agrees(path.read_bytes())]
    assert len(fast) >= len(files) // 2, "most real files should take the fast path"


@pytest.mark.parametrize(
    "raw",
    [
        b"a: 1\na: 2\n",  # duplicate key
        b"\"a\": 1\n'a': 2\n",
        b": x\n",  # empty key: rapidyaml accepts it, libyaml does not
        b"a: &x 1\nb: *x\n",
        b"a: *x\n",  # rapidyaml would make the alias a string
        b"a: !!str 1\n",
        b"a: !foo 1\n",
        b"--- \na: 1\n--- \nb: 2\n",
        b"%YAML 1.1\n---\na: 1\n",
        b'a: "\\ud800\\udc00"\n',  # a surrogate pair escape: rapidyaml decodes it, libyaml refuses
        b"a: Null\n",  # plain: None for us, a string in rapidyaml's JSON
        b"a: True\n",
        b"a: ~\n",
        b"a: nan\n",  # rapidyaml writes ".nan"
        b'a: "1"\n',  # quoted: indistinguishable from plain 1 in the JSON
        b"a: +1\n",
        b"- 1\n- 2\n",
        b"just a string\n",
        b"",
        b"a: " + b"[" * 40 + b"]" * 40 + b"\n",  # deeper than the limit
        b"a: " + b"x" * 20_001 + b"\n",  # longer than the string limit
        b'a: "x\ry"\n',  # a lone carriage return: a line break for libyaml only
        b"a: x\r  y\n",
        "a: x\u2028y\n".encode(),  # line separator: a line break in YAML 1.1 (libyaml) only
        "a: x\ufffey\n".encode(),  # a non-character libyaml refuses
        b"]" + ANNOTATION,  # a stray closing bracket rapidyaml accepted before the gate
        # issue 22: a block scalar ending the file without a line feed (rapidyaml "b\n")
        b"a: |\n  b",
        b"a: >\n  b",
        b"a: " + b"k" * 1025 + b": 1\n",  # a key over libyaml's 1,024 characters
        b"k" * 1025 + b": 1\n",
        "a: {b: ?\u3000}\n".encode(),  # `?` then an ideographic space in a flow mapping
        b"{k #c: 1}\n",  # ` #` inside a flow collection: a comment for libyaml
        b"a: {k #c: 1}\n",
        # found by the shape generator against the old prefilter
        b"a: [?x]\n",  # libyaml: a mapping {x: null}; rapidyaml: the string "?x"
        b"a: [:x]\n",
        b"a: [x:]\n",
        b"...\nc:\n  d: 1\n",  # a document end marker first
        # found by the shape generator against the first subset: rapidyaml read the deeper line
        # as a key " - key" of the item's mapping; libyaml refuses it (E116)
        b"c:\n- c:\n  - [  ]\n   - key: 0\n# c\n- suffix: 0\n",
    ],
)
def test_the_fast_path_leaves_the_unusual_to_libyaml(raw: bytes) -> None:
    assert not _agrees(raw)
    # and the verdict is libyaml's: load_yaml gives what load_with_libyaml gives
    text, _ = decode_text(raw, "f.yaml")
    assert text is not None
    ours, ours_problems = load_yaml(raw, "f.yaml")
    ref, ref_problems = load_with_libyaml(text, "f.yaml")
    assert ours_problems == ref_problems
    assert (ours is None) == (ref is None)
    if ours is not None and ref is not None:
        assert _exact(ours.data) == _exact(ref.data)


def test_positions_come_from_libyaml_on_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "FEW_BYTES", 0)  # past the first files: the fast path
    doc, problems = load_yaml(b"a:\n  b: [1, 2]\n", "f.yaml")
    assert doc is not None and not problems and doc.root is None  # no tree composed yet
    mark = doc.mark(("a", "b", 1))
    assert (mark.line, mark.column) == (2, 10)


def _fast_parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The files rapidyaml will be asked to parse, in order (parse_and_emit counted)."""
    asked: list[bytes] = []
    parse = yaml_fast.parse_and_emit

    def counted(raw: bytes) -> tuple[Any, bytearray]:
        asked.append(raw)
        return parse(raw)

    monkeypatch.setattr(yaml_fast, "parse_and_emit", counted)
    return asked


def test_a_process_reads_its_first_small_files_with_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The subset's pattern is compiled only once the files read add up to more than libyaml's
    extra cost (yamlfile.FEW_BYTES), or for a file that large; the data is the same either way."""
    monkeypatch.setattr(yamlfile, "_read_by_libyaml", 0)
    monkeypatch.setattr(yaml_fast, "subset", functools.cache(yaml_fast.subset.__wrapped__))
    asked = _fast_parses(monkeypatch)
    monkeypatch.setattr(yamlfile, "FEW_BYTES", 3 * len(ANNOTATION))
    docs = [load_yaml(ANNOTATION, "f.yaml")[0] for _ in range(3)]
    assert asked == [] and not yaml_fast.subset_compiled()  # libyaml, nothing compiled
    docs.append(load_yaml(ANNOTATION, "f.yaml")[0])  # past the few bytes: the fast path
    assert asked == [ANNOTATION] and yaml_fast.subset_compiled()
    docs.append(load_yaml(b"a: 1\n", "f.yaml")[0])  # compiled: the fast path from now on
    assert len(asked) == 2
    assert all(doc is not None for doc in docs)
    assert len({_exact(doc.data) for doc in docs[:4] if doc is not None}) == 1


@FUZZ
@given(_mutated())
def test_mutations_of_the_gold_annotation(raw: bytes) -> None:
    _agrees(raw)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "a b"]), _SCALARS), max_size=6))
def test_odd_scalars(pairs: list[tuple[str, str]]) -> None:
    _agrees("".join(f"{key}: {value}\n" for key, value in pairs).encode("utf-8", "surrogatepass"))


# The characters where YAML parsers tend to differ: line breaks, quotes, flow and block
# indicators, escapes, separators and non-characters.
_TRICKY = st.text(
    alphabet=st.sampled_from(list("ab1 :-?|>\n\r\"'[]{},#&*!%.~\\\u2028\u2029\ufffe\x85é")),
    max_size=60,
)


@FUZZ
@given(st.lists(_TRICKY, max_size=8))
def test_tricky_characters(lines: list[str]) -> None:
    _agrees("\n".join(lines).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_text(text: str) -> None:
    _agrees(("a: 1\n" + text).encode("utf-8", "surrogatepass"))


def test_synthetic_annotations_take_the_fast_path() -> None:
    documents = list(iter_documents(20, seed=3))
    assert all(_agrees(annotation.encode()) for _, _, annotation in documents)


@pytest.mark.parametrize(
    "raw",
    [b"a: [x, -]\n", b"a: 'b'c\n", b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n"],
    ids=["flow", "quote", "deep"],
)
def test_rapidyaml_errors_never_reach_stderr(raw: bytes, capfd: pytest.CaptureFixture[str]) -> None:
    """rapidyaml's C++ error handler prints before raising; a user sees only our problems."""
    load_yaml(raw, "f.yaml")
    assert capfd.readouterr().err == ""


def test_eventset_yaml_libyaml_keeps_every_file_from_rapidyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Untrusted files (a pull request) can be kept to libyaml alone, with the same data."""
    fast_doc, _ = load_yaml(PLACES, "f.yaml")
    asked = _fast_parses(monkeypatch)
    monkeypatch.setenv(PARSER_ENV, "libyaml")
    doc, problems = load_yaml(PLACES, "f.yaml")
    assert problems == [] and doc is not None and fast_doc is not None
    assert _exact(doc.data) == _exact(fast_doc.data)
    assert asked == []
    monkeypatch.delenv(PARSER_ENV)
    load_yaml(PLACES, "f.yaml")
    assert asked == [PLACES]


PLACES = (REPO / "data" / "places.yaml").read_bytes()


def _verdict(doc: Any, problems: list[Problem]) -> tuple[str | None, list[Problem]]:
    return (_exact(doc.data) if doc is not None else None), problems


def _both_verdicts(raw: bytes) -> tuple[Any, Any]:
    """`load_yaml`'s verdict with the fast path allowed, and under EVENTSET_YAML=libyaml."""
    with mock.patch.dict(os.environ):
        os.environ.pop(PARSER_ENV, None)
        fast = _verdict(*load_yaml(raw, "f.yaml"))
        os.environ[PARSER_ENV] = "libyaml"
        reference = _verdict(*load_yaml(raw, "f.yaml"))
    return fast, reference


# A shape costs about 3 ms (mostly Hypothesis drawing its pieces) and needs no corpus: 200 times
# the profile's examples (ci: 2,000, thorough: 40,000); EVENTSET_SHAPE_EXAMPLES sets the number.
SHAPES = settings(
    FUZZ,
    max_examples=int(
        os.environ.get(
            "EVENTSET_SHAPE_EXAMPLES", 200 * (settings.default or settings()).max_examples
        )
    ),
)


@SHAPES
@given(YAML_SHAPES)
def test_generated_shapes_get_one_verdict_whichever_parser_may_read(raw: bytes) -> None:
    """Issue 22: block scalars at the end of the file, long keys, flow collections with comments
    and odd spaces, every Unicode space: the same data and the same located problems."""
    fast, reference = _both_verdicts(raw)
    assert fast == reference


@pytest.mark.parametrize("space", UNICODE_SPACES, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    "template",
    [
        "a: {{b: ?{s}}}\n",
        "a: [x,{s}y]\n",
        "a: {s}x\n",
        "a: x{s}#c\n",
        "a{s}: x\n",
        "{s}a: x\n",
        "a: [{s}]\n",
        "a: |\n  x{s}\n",
        "a: >-\n  {s}x\n",
        "- {s}\n",
        "a:\n  -{s}x\n",
    ],
)
def test_every_unicode_space_in_every_position(template: str, space: str) -> None:
    raw = template.format(s=space).encode("utf-8")
    fast, reference = _both_verdicts(raw)
    assert fast == reference


@pytest.mark.parametrize("length", [1022, 1023, 1024, 1025, 1026, 5000])
@pytest.mark.parametrize(
    "template", ["{k}: 1\n", "a:\n  {k}: 1\n", "a: {{{k}: 1}}\n", "- {k}: 1\n"]
)
def test_long_keys(template: str, length: int) -> None:
    fast, reference = _both_verdicts(template.format(k="k" * length).encode())
    assert fast == reference


@pytest.mark.parametrize("header", ["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-"])
@pytest.mark.parametrize("end", ["", "\n", "\n\n", "\n  ", "\r\n"])
def test_block_scalars_at_the_end_of_the_file(header: str, end: str) -> None:
    raw = f"a: 1\nb: {header}\n  x\n  y{end}".encode()
    fast, reference = _both_verdicts(raw)
    assert fast == reference


def test_a_block_scalar_without_a_final_line_feed_is_read_by_libyaml() -> None:
    """The issue's E305 case: rapidyaml read "b\\n", libyaml "b"; the quote then failed only
    on the fast path."""
    doc, problems = load_yaml(b"a: 1\nquote: |\n  b", "f.yaml")
    assert problems == [] and doc is not None and doc.data["quote"] == "b"


def test_the_subset_still_covers_the_real_and_synthetic_files() -> None:
    """Not a correctness property: without it the fast path could vouch for nothing and every
    test above would still pass."""
    for path in sorted((REPO / "data").rglob("*.yaml")):
        assert yaml_fast.in_fast_subset(path.read_text(encoding="utf-8")), path
    assert all(yaml_fast.in_fast_subset(text) for _, _, text in iter_documents(20, seed=3))


def test_a_line_separator_in_a_refused_file_is_located_without_a_traceback() -> None:
    """Found by the shape generator: libyaml counts U+2029 as a line break, so its error line
    was past the end of the text split at line feeds (an IndexError)."""
    raw = "key: [x, ?x\u2029#c x\u2029#c]\n\n".encode()
    doc, problems = load_yaml(raw, "f.yaml")
    assert doc is None and [p.code for p in problems] in (["E106"], ["E116"])


@pytest.mark.parametrize(
    ("raw", "column"),
    [
        (b"k" * 1025 + b": 1\n", 1),
        (b"a:\n  - " + b"k" * 1025 + b": 1\n", 5),
        (b'"' + b"k" * 1030 + b'": 1\n', 1),
    ],
)
def test_a_key_over_libyamls_limit_is_named_as_such(raw: bytes, column: int) -> None:
    """libyaml said "mapping values are not allowed here", and the hint then was to quote the
    value; the problem is the key's length."""
    doc, problems = load_yaml(raw, "f.yaml")
    assert doc is None and [(p.code, p.column) for p in problems] == [("E106", column)]
    assert "1,024" in problems[0].message


def test_a_key_of_1024_characters_is_read() -> None:
    doc, problems = load_yaml(b"k" * 1024 + b": 1\n", "f.yaml")
    assert problems == [] and doc is not None and doc.data == {"k" * 1024: 1}


_LINE_KINDS = [
    "k{n}:",
    "k{n}: v",
    "- v",
    "- k{n}: v",
    "- k{n}:",
    "k{n}: [x]",
    "- [x]",
    "-   k{n}: v",
]


def test_every_three_line_indentation_shape() -> None:
    """Exhaustive where the generator samples: every kind of line at every indentation up to 4,
    three lines deep (12,800 files). A run over four lines and indentations up to 6 (1.4
    million files, 13,307 of them on the fast path) found no disagreement either."""
    on_fast_path = 0
    for kinds in itertools.product(_LINE_KINDS, repeat=3):
        for indents in itertools.product(range(5), repeat=2):
            lines = [kinds[0].format(n=0)] + [
                " " * indent + kind.format(n=n)
                for n, (indent, kind) in enumerate(zip(indents, kinds[1:], strict=True), 1)
            ]
            raw = ("\n".join(lines) + "\n").encode()
            on_fast_path += _agrees(raw)
    assert on_fast_path > 500


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z]{1,8}", fullmatch=True),
            st.text(alphabet='ab \u00e9\u4e2d"\\', max_size=3000),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda kv: kv[0],
    )
)
@settings(max_examples=40)
def test_the_json_emitted_into_our_buffer_is_rapidyamls_own(pairs: list[tuple[str, str]]) -> None:
    """The fast path emits into a buffer of its own (rapidyaml's malloc'ed one is never freed):
    the same JSON, also when the first guess of its size (from the node count) is short."""
    import ryml

    raw = "".join(f"{key}: {json.dumps(value)}\n" for key, value in pairs).encode()
    tree, emitted = yaml_fast.parse_and_emit(raw)
    assert emitted.decode() == ryml.emit_json_malloc(tree, tree.root_id())


# JSON numbers as rapidyaml writes a plain number (its own text), short and long: the fast path
# decodes them with pydantic-core's parser (jiter), libyaml's builder with int() and float().
_JSON_NUMBERS = st.one_of(
    st.from_regex(r"-?(0|[1-9][0-9]{0,90})(\.[0-9]{1,90})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(
        [
            "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9e-324", "2e-324",
            "1.7976931348623157e308", "1.7976931348623159e308", "1e400", "-1e400",
            "9007199254740993", "9007199254740993.0", "0.1", "-0.0", "-0", "1" * 4300,
            "1" * 4301, "0." + "0" * 400 + "1", "1" + "0" * 300 + ".5",
        ]
    ),
)  # fmt: skip


@FUZZ
@given(st.lists(_JSON_NUMBERS, min_size=1, max_size=4))
def test_numbers_read_the_same_by_either_parser(numbers: list[str]) -> None:
    """Whatever the fast path takes of a number (any JSON number rapidyaml writes as it was
    written), libyaml reads as the same value and type."""
    raw = "".join(f"k{i}: {number}\n" for i, number in enumerate(numbers)).encode()
    fast, reference = _both_verdicts(raw)
    assert fast == reference
    _agrees(raw)


def _depth_and_nodes_in_python(data: Any, max_depth: int) -> tuple[int, int]:
    """The walk the fast path makes in C (`gc.get_referents`), written out in Python."""
    level, depth, nodes = [data], 0, 0
    while depth <= max_depth:
        below = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
        ]
        if not below:
            break
        depth, nodes, level = depth + 1, nodes + len(below), below
    return depth, nodes


_JSON_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=40,
)


@FUZZ
@given(_JSON_DATA, st.integers(min_value=0, max_value=6))
def test_the_depth_and_node_count_are_the_walks_over_every_value(data: Any, limit: int) -> None:
    from pydantic_core import from_json, to_json

    decoded = from_json(to_json(data))  # as the fast path has it: from a JSON parser
    assert yaml_fast._depth_and_nodes(decoded, limit) == _depth_and_nodes_in_python(decoded, limit)


# JSON itself: no NaN or infinity (the fast path refuses them), and strings and keys that
# repeat, as an annotation's do.
_JSON_TEXT = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["quote", "actor", "\u00e9t\u00e9", "x" * 70])
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["id", "quote", "k\u00e9"]) | st.text(max_size=3), inner)
    ),
    max_leaves=40,
)


@FUZZ
@given(_JSON_TEXT)
def test_the_json_decoded_through_the_string_cache_is_the_standard_librarys(data: Any) -> None:
    """`_decoded` takes its short strings from jiter's cache: read twice (the second time from
    the cache), the data is the standard library's, value for value and type for type."""
    emitted = bytearray(json.dumps(data, ensure_ascii=False).encode())
    expected = repr(json.loads(emitted))
    assert repr(yaml_fast._decoded(emitted, 20_000)) == expected
    assert repr(yaml_fast._decoded(emitted, 20_000)) == expected


# The texts a plain scalar would have typed, as first written: one plain alternation.
_AMBIGUOUS_PLAIN = re.compile(f'"(?:{yaml_fast.AMBIGUOUS_TEXT})"'.encode())
# Every character the words and numbers are made of, one that is none of them, a quote, and a
# byte that is not ASCII (case folding of bytes patterns is ASCII's only).
_AMBIGUOUS_ALPHABET = [bytes([c]) for c in b'"0159+-.eEnNaAuUlLtTrRsSfFiI~x '] + [b"\xc4\xb1"]


def test_the_first_character_led_alternation_reads_the_plain_ones_words() -> None:
    """Every text of up to four characters of the alphabet, between quotes: the alternation the
    fast path searches (each alternative led by its first character) takes exactly those the
    plain alternation takes."""
    letters = _AMBIGUOUS_ALPHABET[1:]
    for size in range(5):
        for chars in itertools.product(letters, repeat=size):
            raw = b'"' + b"".join(chars) + b'"'
            led = yaml_fast.AMBIGUOUS_STRING.fullmatch(raw) is not None
            assert led == (_AMBIGUOUS_PLAIN.fullmatch(raw) is not None), raw


@FUZZ
@given(
    st.lists(st.sampled_from(_AMBIGUOUS_ALPHABET), max_size=30).map(b"".join),
    st.sampled_from(["null", "-1.5e3", ".NaN", "+.inf", "01", "1.", "-", "TRUE", "tRUE", "~"]),
)
def test_the_ambiguous_string_search_is_the_plain_alternations(raw: bytes, word: str) -> None:
    """Longer texts, and quotes anywhere: the two searches find a string or both do not."""
    for text in (raw, raw + f'"{word}"'.encode(), f'"{word}'.encode() + raw):
        led = yaml_fast.AMBIGUOUS_STRING.search(text) is not None
        assert led == (_AMBIGUOUS_PLAIN.search(text) is not None), text
