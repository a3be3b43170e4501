"""libyaml's syntax errors in plain words: the line at fault, and for indentation the columns
the blocks above it use (E116), or a hint for the usual cause (E106)."""

from __future__ import annotations

import re

import yaml

from eventset.problems import Problem, problem

# What libyaml counts as a line break (YAML 1.1): its marks number lines by these, so the line
# at fault is found by the same split (a U+2029 in a value once made it point past the end).
_LIBYAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


# libyaml's limit on an implicit key (one written without `?`), in characters.
MAX_IMPLICIT_KEY = 1024


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_DASHES = re.compile(r" *(?:- +)*")
_KEY = re.compile(r"[^\s#\"'\[{-][^:]*:(?:\s|$)")


def _open_levels(lines: list[str], before: int) -> list[tuple[int, int]]:
    """(indentation, 1-based line) of the blocks still open above line index `before`: walking
    up, each line less indented than every line below it opens a level; a `- key:` line opens
    two, the list item's dash and the keys of the mapping inside it."""
    levels: list[tuple[int, int]] = []
    for index in range(before - 1, -1, -1):
        content = lines[index].strip()
        if not content or content.startswith("#"):
            continue
        width = _indent(lines[index])
        columns = {width}
        dashes = _DASHES.match(lines[index])
        if dashes and _KEY.match(lines[index], dashes.end()):
            columns.add(dashes.end())
        for column in sorted(columns, reverse=True):
            if not levels or column < levels[-1][0]:
                levels.append((column, index + 1))
        if width == 0:
            break
    return levels


def _unclosed_quote(lines: list[str], first: int, last: int) -> tuple[int, int] | None:
    """(line, column), 1-based, of a double quote left open on its line between two lines."""
    for index in range(max(first, 0), min(last + 1, len(lines))):
        line = lines[index].replace("\\\\", "").replace('\\"', "")
        if line.lstrip().startswith("#"):
            continue
        if line.count('"') % 2:
            return index + 1, line.rfind('"') + 1
    return None


def _wrong_entry_kind(file: str, line: int, at_fault: str, opened: int, opener: str) -> Problem:
    """E116 for a line at the right column but of the wrong kind: a `- ` item among keys, or a
    key among `- ` items."""
    column = _indent(at_fault) + 1
    if at_fault.lstrip().startswith("-"):
        message = (
            f"Line {line} starts a list item (`- `) where the block of line {opened} has keys."
        )
        hint = f"Remove the `- `, or indent line {line} under the key whose value is the list."
    elif opener.lstrip().startswith("-"):
        message = f"Line {line} is a `key:` where the list of line {opened} has `- ` items."
        hint = f"Start line {line} with `- `, or indent it under the item it belongs to."
    else:
        message = f"Line {line} does not fit the block of line {opened} at column {column}."
        hint = f"Check the indentation of lines {opened} to {line}; indent with spaces."
    return problem("E116", file, line, column, message, hint)


def syntax_problem(text: str, file: str, err: yaml.MarkedYAMLError) -> Problem:
    """A libyaml error in plain words: the line at fault and, for indentation, the columns the
    blocks above it use (E116); other syntax errors stay E106 with a hint for their cause."""
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = " ".join(str(err.problem or err).split())
    if "nesting" in reason:
        return problem("E109", file, line, column, f"YAML: {reason}.")
    lines = _LIBYAML_BREAK.split(text)
    at_fault = lines[line - 1] if 0 < line <= len(lines) else ""
    key = at_fault[: column - 1].lstrip(" -")
    if at_fault[column - 1 : column] == ":" and len(key) > MAX_IMPLICIT_KEY:
        return problem(
            "E106",
            file,
            line,
            column - len(key),
            f"The key on line {line} is {len(key):,} characters long; YAML reads a key written "
            f"without `?` only up to {MAX_IMPLICIT_KEY:,}.",
            "Keys are field names: shorten it (a long text belongs in a value).",
        )
    indentation = reason.startswith("did not find expected")
    if reason.startswith("mapping values are not allowed") and line >= 2:
        # `key: value` on a line indented deeper than a `key: value` line above is read as
        # the continuation of that value, and its colon is then refused.
        levels = _open_levels(lines, line - 1)
        before = lines[levels[0][1] - 1] if levels else ""
        indentation = (
            bool(levels)
            and _indent(at_fault) > levels[0][0]
            and ": " in before.strip()
            and not before.rstrip().endswith(":")
            and column - 1 == at_fault.find(":")
        )
    if indentation and err.context_mark is not None:
        opened = _unclosed_quote(lines, err.context_mark.line, line - 1)
        if opened is not None:
            return problem(
                "E106",
                file,
                *opened,
                f"The double-quoted string opened at line {opened[0]}, column {opened[1]} is not "
                f"closed on its line, so YAML reads on to the next quote mark (line {line}).",
                'Add the closing quote; a quote inside a double-quoted string is written \\".',
            )
    if indentation:
        levels = _open_levels(lines, line - 1)
        shown = ", ".join(f"{width + 1} (line {number})" for width, number in levels) or "1"
        nearest = min(levels, key=lambda level: abs(level[0] - _indent(at_fault)), default=(0, 1))
        if nearest[0] == _indent(at_fault):
            return _wrong_entry_kind(file, line, at_fault, nearest[1], lines[nearest[1] - 1])
        return problem(
            "E116",
            file,
            line,
            _indent(at_fault) + 1,
            f"Line {line} starts at column {_indent(at_fault) + 1}, which lines up with no block "
            f"above it; the blocks open there start at column {shown}.",
            f"Move line {line} to start at column {nearest[0] + 1}, like line {nearest[1]}, or to "
            "the column of the block it belongs to; indent with spaces, two per level.",
        )
    if reason.startswith("mapping values are not allowed"):
        return problem(
            "E106",
            file,
            line,
            column,
            f"Line {line} has a second ': ' inside an unquoted value.",
            'Put the value in double quotes: key: "words: more words".',
        )
    if "quoted scalar" in str(err.context or "") and err.context_mark is not None:
        start = err.context_mark
        return problem(
            "E106",
            file,
            start.line + 1,
            start.column + 1,
            f"The quoted string opened at line {start.line + 1}, column {start.column + 1} is "
            "never closed.",
            'Add the closing quote; a quote inside a double-quoted string is written \\".',
        )
    return problem("E106", file, line, column, f"YAML: {reason}.")
