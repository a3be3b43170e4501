"""Fuzzing the YAML -> models -> semantic checks path with the real seed.

`process_document` gets arbitrary bytes and structure-aware mutations of the gold annotation.
The only allowed outcomes are "valid" (rows, no problems) or located problems whose codes are in
the catalogue; never an exception, a hang or runaway memory. Each case runs under a generous
SIGALRM and a tracemalloc peak ceiling, so a hang or a blow-up fails the case, not the run.

Default: a small number of cases. EVENTSET_HYPOTHESIS_PROFILE=thorough runs 20x more.
"""

from __future__ import annotations

import json
import os
import signal
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventset.problems import CODES
from eventset.validation.cache import KEY
from eventset.validation.document import DocumentResult, digests_of, process_document
from eventset.validation.runner import frame_of
from tests.conftest import REPO, SEED_ID

FILE = f"data/annotations/{SEED_ID}.yaml"
ANNOTATION = (REPO / FILE).read_bytes()
SEED = (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes()
LINES = ANNOTATION.decode("utf-8").split("\n")

# The profiles in tests/conftest.py ("ci" by default, "thorough" before a release) set the
# examples for property tests that build whole corpora; a fuzz case costs milliseconds, so it
# runs 3x the profile's examples (ci: 30 per property, thorough: 600). EVENTSET_FUZZ_EXAMPLES
# sets the number directly for a long run.
CASES = int(
    os.environ.get("EVENTSET_FUZZ_EXAMPLES", 3 * (settings.default or settings()).max_examples)
)
SECONDS_PER_CASE = 20  # generous: a case takes milliseconds; this only catches a hang
PEAK_BYTES_PER_CASE = 256 * 1024 * 1024  # Python allocations while one case runs

FUZZ = settings(
    settings.default,
    max_examples=CASES,
    deadline=None,  # time is bounded by the alarm, not by Hypothesis' per-example deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class CaseTimeoutError(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeoutError(f"one fuzz case ran longer than {SECONDS_PER_CASE} s")


@contextmanager
def _bounded() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_PER_CASE)
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        assert peak < PEAK_BYTES_PER_CASE, f"one case allocated {peak:,} bytes at peak"
    finally:
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check(raw: bytes) -> DocumentResult:
    with _bounded():
        result = process_document(FILE, raw, SEED)
        # The runner hands over the files' digests it keys its cache by: the same result.
        assert process_document(FILE, raw, SEED, digests_of(raw, SEED)) == result
    for p in result.problems:
        assert p.code in CODES, p
        assert p.line >= 1 and p.column >= 1, p
        assert p.file in {FILE, f"seeds/{SEED_ID}.txt"}, p
        assert p.message, p
    if not any(p.severity == "error" for p in result.problems):
        assert result.tables, "a valid annotation must give rows"
        mentions = result.tables["mentions"]
        text = SEED.decode("utf-8")
        for start, end, quote in zip(
            mentions["char_start"], mentions["char_end"], mentions["quote"], strict=True
        ):
            assert text[start:end] == quote
    for name, columns in result.tables.items():  # what the cache stores must always fit its frame
        rows = len(next(iter(columns.values()), []))
        frame_of(name, {**columns, KEY: ["key"] * rows})
    return result


# --- strategies --------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.sampled_from(
        [
            "null", "~", "true", "no", "yes", "0", "-1", "1e309", "0x1f", ".inf", "[]", "{}",
            '""', "''", "2021-02-30", "9999-12-31", "&a x", "*a", "!!python/object:os.system",
            "! x", "|", ">-", "- x", "? x", "%YAML 1.1", "---", "...", "[[[[[", "{a: {b: {c: 1}}}",
            '"\\u200b"', '"\\x00"', "\t", "é" * 600, "x" * 20_001,
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=40).map(json.dumps),
    st.text(max_size=40),
)  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "scalar", "insert", "indent", "truncate", "bytes"]
            )
        )
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "scalar" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(_SCALARS)}"
        elif action == "insert":
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(min_size=1, max_size=8)) + lines[i][at:]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[i]
        elif action == "truncate":
            cut = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines = lines[:cut] or [""]
        elif action == "bytes":
            raw = "\n".join(lines).encode("utf-8")
            at = draw(st.integers(min_value=0, max_value=len(raw)))
            return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return "\n".join(lines).encode("utf-8")


# --- properties --------------------------------------------------------------------------------


def test_the_gold_annotation_is_valid_under_the_harness() -> None:
    result = _check(ANNOTATION)
    assert result.problems == [] and result.tables["mentions"]["quote"]


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(st.binary(max_size=64).map(lambda tail: ANNOTATION + tail))
def test_arbitrary_bytes_after_a_valid_annotation(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(_mutated())
def test_structure_aware_mutations(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_with_the_format_line(text: str) -> None:
    _check(("format: 1\n" + text).encode("utf-8", errors="surrogatepass"))
