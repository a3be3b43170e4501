"""Every documented limit (docs/limits.md) is enforced with a located problem."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Literal

import pytest

from eventset.inputs.files import read_bounded
from eventset.inputs.seeds import MAX_SEED_BYTES
from eventset.inputs.yamlfile import DEFAULT_LIMITS, REGISTRY_LIMITS, load_yaml
from eventset.problems import Problem
from eventset.validation.document import process_document
from eventset.validation.repository import validate_repository
from tests.conftest import SEED_ID
from tests.security.helpers import HEADER_LINES, SYNTHETIC_ID, place_mention, synthetic_document

ANNOTATION = f"data/annotations/{SEED_ID}.yaml"
SYNTHETIC = f"data/annotations/{SYNTHETIC_ID}.yaml"
SYNTHETIC_SEED = f"seeds/{SYNTHETIC_ID}.txt"
HEADER = "date 2021-09-07 Synthetic test document\n"
QUOTE_LINE = HEADER_LINES + 3  # the `mentions: [...]` line of place_mention
QUOTE_COLUMN = len("    mentions: [") + 1


def _where(problems: list[Problem]) -> list[tuple[str, str, int, int]]:
    return [(p.code, p.file, p.line, p.column) for p in problems]


# --- file size ---------------------------------------------------------------------------------


def test_annotation_of_exactly_the_limit_is_read_one_byte_more_is_e101(
    seed_annotation: Path, repo: Path
) -> None:
    raw = seed_annotation.read_bytes()
    padding = DEFAULT_LIMITS.max_bytes - len(raw) - 1
    seed_annotation.write_bytes(raw + b"#" * padding + b"\n")
    assert seed_annotation.stat().st_size == DEFAULT_LIMITS.max_bytes
    assert validate_repository(repo).ok
    seed_annotation.write_bytes(raw + b"#" * (padding + 1) + b"\n")
    assert _where(validate_repository(repo).problems) == [("E101", ANNOTATION, 1, 1)]


def test_a_registry_has_room_of_its_own_and_over_its_limit_is_e101(repo: Path) -> None:
    """A registry grows with the corpus (50,000 actors for a million synthetic documents, 6.5
    MB): past an annotation's limit it is still read, past its own it is E101."""
    actors = repo / "data" / "actors.yaml"
    raw = actors.read_bytes()
    actors.write_bytes(raw + b"#" * DEFAULT_LIMITS.max_bytes + b"\n")
    assert validate_repository(repo).ok
    actors.write_bytes(raw + b"#" * REGISTRY_LIMITS.max_bytes)
    assert ("E101", "data/actors.yaml", 1, 1) in _where(validate_repository(repo).problems)


def test_seed_over_the_limit_is_e101_against_the_seed(repo: Path) -> None:
    seed = (HEADER + "x" * MAX_SEED_BYTES).encode()
    synthetic_document(repo, seed, place_mention('"x"'))
    assert _where(validate_repository(repo).problems) == [("E101", SYNTHETIC_SEED, 1, 1)]


def test_read_bounded_never_reads_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    assert len(read_bounded(big, 1000)) == 1001
    small = tmp_path / "small"
    small.write_bytes(b"abc")
    assert read_bounded(small, 1000) == b"abc"


def test_read_bounded_refuses_fifo_and_symlink_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        read_bounded(fifo, 10)  # O_NONBLOCK: opening a FIFO with no writer would hang otherwise
    target = tmp_path / "target"
    target.write_bytes(b"x")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        read_bounded(link, 10)


# --- structure ---------------------------------------------------------------------------------


def test_nesting_at_the_limit_parses_one_deeper_is_e109() -> None:
    depth = DEFAULT_LIMITS.max_depth  # the root mapping is level 0, the value of `a` level 1
    inside = "[" * depth + "]" * depth
    doc, problems = load_yaml(f"a: {inside}\n".encode(), "f.yaml")
    assert doc is not None and problems == []
    doc, problems = load_yaml(f"a: [{inside}]\n".encode(), "f.yaml")
    assert doc is None
    assert _where(problems) == [("E109", "f.yaml", 1, 4 + depth)]


def test_too_many_nodes_is_e112() -> None:
    count = DEFAULT_LIMITS.max_nodes
    raw = ("a: [" + ",".join(["0"] * count) + "]\n").encode()
    assert len(raw) < DEFAULT_LIMITS.max_bytes
    doc, problems = load_yaml(raw, "f.yaml")
    assert doc is None
    # node count: root mapping, key scalars are not nodes of the tree, the list, then its items
    assert [p.code for p in problems] == ["E112"]
    assert (problems[0].line, problems[0].column) == (1, 5 + 2 * (count - 2))


def test_long_list_in_the_model_is_e208(seed_annotation: Path, repo: Path) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    old = '["Popular Mobilization Units", "PMU", "Hashd al-Shaabi"]'
    assert text.count(old) == 1
    many = ", ".join(['"PMU"'] * 201)  # Evidence lists hold at most 200 quotes
    seed_annotation.write_text(text.replace(old, f"[{many}]"), encoding="utf-8")
    codes = {p.code for p in validate_repository(repo).problems}
    assert "E208" in codes


# --- characters in annotation files ------------------------------------------------------------


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e"])
def test_raw_invisible_character_in_a_comment_is_e114(
    char: str, seed_annotation: Path, repo: Path
) -> None:
    lines = seed_annotation.read_text(encoding="utf-8").split("\n")
    lines[4] = f"format: 1  # ok{char}?"
    seed_annotation.write_text("\n".join(lines), encoding="utf-8")
    assert _where(validate_repository(repo).problems) == [("E114", ANNOTATION, 5, 16)]


def test_bidi_isolates_are_e114(seed_annotation: Path, repo: Path) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(
        text.replace("format: 1", "format: 1 #\u2066x\u2069"), encoding="utf-8"
    )
    assert _where(validate_repository(repo).problems) == [
        ("E114", ANNOTATION, 5, 12),
        ("E114", ANNOTATION, 5, 14),
    ]


def test_raw_invisible_character_in_a_quote_is_e114_even_when_the_text_has_it(repo: Path) -> None:
    seed = f"{HEADER}\nThe rah\u200cnama bridge.\n".encode()
    synthetic_document(repo, seed, place_mention('"rah\u200cnama"'))
    assert _where(validate_repository(repo).problems) == [
        ("E114", SYNTHETIC, QUOTE_LINE, QUOTE_COLUMN + 4)
    ]


def test_escaped_invisible_character_matches_exactly(repo: Path) -> None:
    seed = f"{HEADER}\nThe rah\u200cnama bridge.\n".encode()
    path = synthetic_document(repo, seed, place_mention('"rah\\u200cnama"'))
    result = process_document(SYNTHETIC, path.read_bytes(), seed)
    assert result.problems == []
    text = seed.decode()
    (start,), (end,), (quote,) = (
        result.tables["mentions"][c] for c in ("char_start", "char_end", "quote")
    )
    assert quote == "rah\u200cnama" == text[start:end]


def test_quote_without_the_texts_invisible_character_is_e307(repo: Path) -> None:
    seed = f"{HEADER}\nThe rah\u200cnama bridge.\n".encode()
    synthetic_document(repo, seed, place_mention('"rahnama"'))
    assert _where(validate_repository(repo).problems) == [
        ("E307", SYNTHETIC, QUOTE_LINE, QUOTE_COLUMN)
    ]


def test_quote_with_an_invisible_character_the_text_lacks_is_e307(repo: Path) -> None:
    seed = f"{HEADER}\nThe rahnama bridge.\n".encode()
    synthetic_document(repo, seed, place_mention('"rah\\u200bnama"'))
    assert _where(validate_repository(repo).problems) == [
        ("E307", SYNTHETIC, QUOTE_LINE, QUOTE_COLUMN)
    ]


# --- Unicode normalisation: never applied, always reported -------------------------------------


@pytest.mark.parametrize(("text_form", "quote_form"), [("NFC", "NFD"), ("NFD", "NFC")])
def test_quote_in_another_normal_form_is_e306(
    text_form: Literal["NFC", "NFD"], quote_form: Literal["NFC", "NFD"], repo: Path
) -> None:
    word = "Café Ḥasan"
    text = unicodedata.normalize(text_form, f"{HEADER}\nThe {word} bridge.\n")
    quote = unicodedata.normalize(quote_form, word)
    assert quote not in text
    synthetic_document(repo, text.encode(), place_mention(f'"{quote}"'))
    assert _where(validate_repository(repo).problems) == [
        ("E306", SYNTHETIC, QUOTE_LINE, QUOTE_COLUMN)
    ]


def test_quote_in_the_same_normal_form_keeps_exact_offsets(repo: Path) -> None:
    word = unicodedata.normalize("NFD", "Café")  # 5 code points, offsets count all of them
    text = f"{HEADER}\nThe {word} bridge.\n"
    path = synthetic_document(repo, text.encode(), place_mention(f'"{word}"'))
    result = process_document(SYNTHETIC, path.read_bytes(), text.encode())
    assert result.problems == []
    start, end = (
        result.tables["mentions"]["char_start"][0],
        result.tables["mentions"]["char_end"][0],
    )
    assert end - start == 5 and text[start:end] == word


# --- seeds: verbatim text, exact offsets, located refusals -------------------------------------


def test_seed_with_tabs_and_crlf_is_read_verbatim(repo: Path) -> None:
    text = f"{HEADER.rstrip()}\r\n\r\nThe\tcafé\r\nbridge was hit.\r\n"
    path = synthetic_document(repo, text.encode(), place_mention('"café\\r\\nbridge"'))
    result = process_document(SYNTHETIC, path.read_bytes(), text.encode())
    assert result.problems == []
    start, end = (
        result.tables["mentions"]["char_start"][0],
        result.tables["mentions"]["char_end"][0],
    )
    assert text[start:end] == "café\r\nbridge"
    assert start == text.index("café")


@pytest.mark.parametrize(
    ("raw", "code", "line", "column"),
    [
        (f"{HEADER}\nThe café\x00 bridge.\n".encode(), "E104", 3, 9),
        (f"{HEADER}\nThe\x1b bridge.\n".encode(), "E104", 3, 4),
        (f"{HEADER}\nThe café".encode() + b"\xff bridge.\n", "E102", 3, 9),
        (f"{HEADER}\nThe caf".encode() + b"\xc3 bridge.\n", "E102", 3, 8),
        (b"\xef\xbb\xbf" + f"{HEADER}\nThe bridge.\n".encode(), "E103", 1, 1),
    ],
    ids=["nul", "escape", "invalid-byte", "truncated-sequence", "bom"],
)
def test_bad_seed_bytes_are_located_against_the_seed(
    raw: bytes, code: str, line: int, column: int, repo: Path
) -> None:
    synthetic_document(repo, raw, place_mention('"bridge"'))
    assert _where(validate_repository(repo).problems) == [(code, SYNTHETIC_SEED, line, column)]


def test_an_integer_over_pythons_digits_is_e112_not_a_traceback() -> None:
    """A plain integer longer than int() of text takes (4,300 digits) is refused where it is,
    by either parser, instead of a ValueError ending the build."""
    raw = b"format: 1\nn: 12\nk: " + b"7" * 4301 + b"\n"
    doc, problems = load_yaml(raw, "f.yaml")
    assert doc is None
    assert [(p.code, p.line, p.column) for p in problems] == [("E112", 3, 4)]
    assert "4,301 digits" in problems[0].message
    doc, problems = load_yaml(raw.replace(b"7" * 4301, b"7" * 4300), "f.yaml")
    assert doc is not None and doc.data["k"] == int("7" * 4300)
