"""The fast YAML path (rapidyaml) against the reference (libyaml): never a different verdict.

`load_yaml` takes rapidyaml's data only when `_fast_data` vouches for it; every other file is
read by libyaml alone. So the one thing that could go wrong is the fast path accepting a file
that libyaml reads differently or refuses. These properties feed both paths the same hostile
inputs (the fuzzer's mutations of the gold annotation, odd scalars, arbitrary text) and require:
whenever the fast path answers, libyaml accepts the file with exactly the same data and types.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs.yamlfile import (
    DEFAULT_LIMITS,
    Limits,
    _fast_data,
    decode_text,
    load_with_libyaml,
    load_yaml,
)
from eventset.synth import iter_documents
from tests.conftest import REPO
from tests.security.test_fuzz import _SCALARS, ANNOTATION, FUZZ, _mutated


def _exact(data: Any) -> str:
    """A rendering that tells 1 from 1.0 from True (Python's == does not)."""
    return json.dumps(data, ensure_ascii=False)


def _agrees(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Checks the property for one input; True when the fast path answered."""
    text, problems = decode_text(raw, "f.yaml", limits)
    if text is None:
        return False
    fast = _fast_data(raw, text, limits)
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


def test_positions_come_from_libyaml_on_demand() -> None:
    doc, problems = load_yaml(b"a:\n  b: [1, 2]\n", "f.yaml")
    assert doc is not None and not problems and doc.root is None  # no tree composed yet
    mark = doc.mark(("a", "b", 1))
    assert (mark.line, mark.column) == (2, 10)


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
    import eventset.inputs.yamlfile as yamlfile

    fast_doc, _ = load_yaml(ANNOTATION, "f.yaml")
    asked: list[bytes] = []
    parse = yamlfile._parse_and_emit

    def counted(raw: bytes) -> tuple[Any, str]:
        asked.append(raw)
        return parse(raw)

    monkeypatch.setattr(yamlfile, "_parse_and_emit", counted)
    monkeypatch.setenv(yamlfile.PARSER_ENV, "libyaml")
    doc, problems = load_yaml(ANNOTATION, "f.yaml")
    assert problems == [] and doc is not None and fast_doc is not None
    assert _exact(doc.data) == _exact(fast_doc.data)
    assert asked == []
    monkeypatch.delenv(yamlfile.PARSER_ENV)
    load_yaml(ANNOTATION, "f.yaml")
    assert asked == [ANNOTATION]
