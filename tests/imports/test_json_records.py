"""Hostile PLOVER records files: every one ends in a located problem (file:line:column in the
file, a stable code), never a traceback, and nothing is dropped without a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventset.cli import app
from eventset.imports.jsonfile import MAX_DEPTH, MAX_NUMBER_DIGITS, parse_records, read_records

RECORD = '{"id": "X-1", "event": "AGREE", "text": "Ruritania agreed.", "source": [{"actorText": "Ruritania"}]}'


def _problem(text: str) -> tuple[str, int, int]:
    records, problems = parse_records(text, "f.json")
    assert not records and len(problems) == 1, (records, problems)
    (found,) = problems
    return found.code, found.line, found.column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bad second line of JSON Lines is reported on that line (was "line 1 column 2")
        (f'{RECORD}\n{{"id": x}}\n', ("E211", 2, 8)),
        (f'{RECORD}\n\n\n  {{"id": "a",}}\n', ("E211", 4, 14)),
        # in an array spread over lines, the line of the fault
        (f"[\n{RECORD},\n{RECORD}\n{RECORD}\n]", ("E211", 4, 1)),
        (f"[{RECORD},]", ("E211", 1, len(RECORD) + 3)),
        (f"[{RECORD}] x", ("E211", 1, len(RECORD) + 4)),
        ('{"id": "a", "text": "unterminated', ("E211", 1, 21)),
        ('{"text": "a\x01b"}', ("E211", 1, 12)),
        ("", ("E211", 1, 1)),
        # deep nesting, at the bracket that goes over the limit, at any depth
        ("[" * 100_000 + "]" * 100_000, ("E212", 1, MAX_DEPTH + 1)),
        (f"{RECORD}\n" + '{"a": ' * 50 + "1" + "}" * 50, ("E212", 2, 6 * MAX_DEPTH + 1)),
        # Python's int() limit (4,300 digits) would raise ValueError; ours is lower, and located
        (f'[{{"id": {"9" * 5000}}}]', ("E213", 1, 9)),
        (f"{RECORD}\n[-{'1' * (MAX_NUMBER_DIGITS + 1)}.5e3]", ("E213", 2, 2)),
        ('{"dead": NaN}', ("E211", 1, 10)),
        ('{"dead": -Infinity}', ("E211", 1, 11)),
    ],
)
def test_a_bad_file_is_one_located_problem(text: str, expected: tuple[str, int, int]) -> None:
    assert _problem(text) == expected


def test_brackets_and_long_digits_inside_strings_are_text() -> None:
    text = json.dumps([{"id": "A", "text": "[" * 1000 + "9" * 5000 + "NaN"}])
    records, problems = parse_records(text, "f.json")
    assert not problems and records[0].value["text"].startswith("[[[")
    assert len(parse_records("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f")[0]) == 1


def test_records_carry_the_line_they_start_on() -> None:
    records, problems = parse_records(f"[\n {RECORD},\n\n  7\n]", "f.json")
    assert not problems
    assert [(r.line, r.column) for r in records] == [(2, 2), (4, 3)]
    records, _ = parse_records(f"{RECORD}\n\n{RECORD}\n", "f.jsonl")
    assert [r.line for r in records] == [1, 3]


def test_unreadable_files_are_problems(tmp_path: Path) -> None:
    assert read_records(tmp_path / "nope.json")[1][0].code == "E111"
    assert read_records(tmp_path)[1][0].code == "E111"
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'[{"id": "X"},\n {"text": "caf\xe9"}]')
    (found,) = read_records(bad)[1]
    assert (found.code, found.line, found.column) == ("E102", 2, 15)


@given(st.text(alphabet='[]{}",:0123456789-.eE \nNaInfitygrule\\x', max_size=60))
def test_any_text_gives_records_or_problems(text: str) -> None:
    records, problems = parse_records(text, "f.json")
    assert bool(records) != bool(problems) or text.strip() in ("[]",)
    for p in problems:
        assert p.line >= 1 and p.column >= 1


def _run(tmp_path: Path, content: str | bytes) -> tuple[int, str]:
    source = tmp_path / "records.jsonl"
    if isinstance(content, str):
        content = content.encode()
    source.write_bytes(content)
    result = CliRunner().invoke(
        app, ["import", "plover", str(source), "--out", str(tmp_path / "o")]
    )
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_the_command_reports_the_line_in_the_file(tmp_path: Path) -> None:
    code, output = _run(tmp_path, f'{RECORD}\n{{"id": "X-2", "text": ]}}\n')
    assert code == 1
    assert "error[E211] json-syntax: Expecting value." in output and "records.jsonl:2:23" in output
    assert ' 2 | {"id": "X-2", "text": ]}' in output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [("[" * 10_000 + "]" * 10_000, "E212"), ('[{"id": ' + "1" * 5000 + "}]", "E213")],
)
def test_the_command_refuses_hostile_files_with_their_code(
    tmp_path: Path, content: str, code: str
) -> None:
    status, output = _run(tmp_path, content)
    assert status == 1 and f"error[{code}]" in output and "records.jsonl:1:" in output


def test_values_that_are_not_records_are_refused_with_their_line(tmp_path: Path) -> None:
    status, output = _run(tmp_path, f'{RECORD}\n7\n"x"\n')
    assert status == 0
    assert "refused: line 2 column 1: a JSON number, not a record" in output
    assert "refused: line 3 column 1: a JSON string, not a record" in output
    assert "imported 1 record(s)" in output


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "o").write_text("x")
    status, output = _run(tmp_path, RECORD)
    assert status == 1 and "not an empty folder" in output
