"""Records of another dataset, read from a JSON array or JSON Lines file with limits.

The file is untrusted: the standard `json` module recurses once per nesting level (a
`[[[[...` file ends in RecursionError) and refuses integers of more than 4,300 digits with a
bare ValueError. So the text is scanned once, in C through a regular expression that steps
over whole strings, for nesting depth, over-long numbers and the non-JSON constants `NaN` and
`Infinity` before anything is decoded; and values are decoded one at a time with `raw_decode`
against the whole text, so every position (a syntax error, a record) is a line and column of
the file, not of one line of it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventset.inputs.files import read_bounded
from eventset.inputs.yamlfile import position
from eventset.problems import Problem, problem

MAX_BYTES = 64 * 1024 * 1024  # the PLOVER gold-standard file is 0.3 MB
MAX_DEPTH = 32  # levels of arrays and objects; PLOVER records nest 3 deep inside the array
MAX_NUMBER_DIGITS = 100  # digits in one number literal; no field of a record needs more

# One token per match: a whole string (its brackets are not structure), a bracket, a number,
# a bare word, or a lone quote (an unterminated string: decoding reports it, scanning stops).
_TOKEN = re.compile(
    r'"(?:[^"\\\n]+|\\.)*"'
    r"|(?P<open>[\[{])|(?P<close>[\]}])"
    r"|(?P<number>-?[0-9][0-9.eE+-]*)"
    r"|(?P<word>[A-Za-z]+)"
    r'|(?P<quote>")'
)
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Record:
    """One top-level value of the file (a record when it is an object) and where it starts."""

    value: Any
    line: int
    column: int


class _Lines:
    """Line and column of increasing positions, counting each newline once (a file of many
    records would otherwise be scanned from the start for every record)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> tuple[int, int]:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1


def _skip(text: str, pos: int) -> int:
    """The position after any whitespace at `pos`."""
    found = _WHITESPACE.match(text, pos)
    return found.end() if found is not None else pos


def _scan(text: str, file: str) -> Problem | None:
    """The first nesting, number or constant the decoder must not be given, located."""
    depth = 0
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                at = position(text, token.start())
                return problem(
                    "E212",
                    file,
                    at.line,
                    at.column,
                    f"arrays and objects nest deeper than {MAX_DEPTH} levels here.",
                )
        elif kind == "close":
            depth -= 1
        elif kind == "number":
            digits = sum(ch.isdigit() for ch in token[0].split("e")[0].split("E")[0])
            if digits > MAX_NUMBER_DIGITS:
                at = position(text, token.start())
                return problem(
                    "E213",
                    file,
                    at.line,
                    at.column,
                    f"a number of {digits} digits; at most {MAX_NUMBER_DIGITS} are read.",
                )
        elif kind == "word" and token[0] in ("NaN", "Infinity"):
            at = position(text, token.start())
            return problem(
                "E211",
                file,
                at.line,
                at.column,
                f"{token[0]} is not JSON.",
                "Write null for a missing number; JSON has no NaN or Infinity.",
            )
        elif kind == "quote":
            return None  # an unterminated string: the decoder reports it where it starts
    return None


def _syntax(text: str, file: str, pos: int, message: str) -> Problem:
    at = position(text, pos)
    return problem("E211", file, at.line, at.column, message)


def _decode(text: str, pos: int, file: str) -> tuple[Any, int] | Problem:
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as err:
        # raw_decode reports positions in the whole text, so err.pos is a file position.
        return _syntax(text, file, err.pos, f"{err.msg.removesuffix(' at')}.")


def parse_records(text: str, file: str) -> tuple[list[Record], list[Problem]]:
    """The top-level values of a JSON array, or of JSON Lines (any whitespace between values),
    each with its position; or the first problem, located in the file."""
    if (found := _scan(text, file)) is not None:
        return [], [found]
    records: list[Record] = []
    lines = _Lines(text)
    pos = _skip(text, 0)
    if pos == len(text):
        return [], [_syntax(text, file, pos, "the file holds no records.")]
    if text[pos] == "[":
        # A JSON array: its items are decoded one by one, each with the position it starts at.
        pos = _skip(text, pos + 1)
        if text.startswith("]", pos):
            pos += 1
        else:
            while True:
                decoded = _decode(text, pos, file)
                if isinstance(decoded, Problem):
                    return [], [decoded]
                records.append(Record(decoded[0], *lines.at(pos)))
                pos = _skip(text, decoded[1])
                if text.startswith("]", pos):
                    pos += 1
                    break
                if not text.startswith(",", pos):
                    return [], [_syntax(text, file, pos, "expecting ',' or ']' after an item.")]
                pos = _skip(text, pos + 1)
        pos = _skip(text, pos)
        if pos < len(text):
            return [], [_syntax(text, file, pos, "more data after the array.")]
        return records, []
    while pos < len(text):
        decoded = _decode(text, pos, file)
        if isinstance(decoded, Problem):
            return [], [decoded]
        records.append(Record(decoded[0], *lines.at(pos)))
        pos = _skip(text, decoded[1])
    return records, []


def read_records(path: Path, file: str | None = None) -> tuple[list[Record], list[Problem]]:
    """The records of a file (at most MAX_BYTES), or located problems; never raises for the
    file's content. `file` is the name problems carry (the path as given by default)."""
    name = str(path) if file is None else file
    try:
        raw = read_bounded(path, MAX_BYTES)
    except OSError as err:
        return [], [problem("E111", name, 1, 1, f"cannot read the file: {err.strerror or err}.")]
    if len(raw) > MAX_BYTES:
        return [], [problem("E101", name, 1, 1, f"the file has more than {MAX_BYTES} bytes.")]
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM is harmless before JSON
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start].decode("utf-8", "replace")
        at = position(before, len(before))
        return [], [problem("E102", name, at.line, at.column, "the file is not valid UTF-8 here.")]
    return parse_records(text, name)
