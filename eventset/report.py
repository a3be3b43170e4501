"""Formatting problems for people (human), GitHub Actions (github) and tools (json, sarif)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from urllib.parse import quote

from eventset.problems import CODES, Problem

SourceLines = Callable[[str], Sequence[str] | None]


def human(problems: Sequence[Problem], source: SourceLines, files_checked: int) -> str:
    """Compiler-style: location first, the offending line with a caret, one hint."""
    blocks: list[str] = []
    for p in problems:
        lines = source(p.file)
        block = [
            f"{p.severity}[{p.code}] {CODES[p.code].name}: {p.message}",
            f"  --> {p.file}:{p.line}:{p.column}",
        ]
        if lines is not None and 1 <= p.line <= len(lines):
            number = str(p.line)
            pad = " " * len(number)
            text = lines[p.line - 1].rstrip("\r\n")
            block += [f" {pad} |", f" {number} | {text}", f" {pad} | {' ' * (p.column - 1)}^"]
        if p.hint:
            block.append(f"  = hint: {p.hint}")
        blocks.append("\n".join(block))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        summary = f"{errors} error(s), {warnings} warning(s) in {files_checked} file(s) checked."
    else:
        summary = f"All clear: {files_checked} file(s) checked, no problems."
    return "\n\n".join([*blocks, summary]) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands: each problem shows inline on the pull request's diff."""
    out = []
    for p in problems:
        title = _escape_property(f"{p.code} {CODES[p.code].name}")
        message = _escape_data(f"{p.message} Hint: {p.hint}" if p.hint else p.message)
        out.append(
            f"::{p.severity} file={_escape_property(p.file)},line={p.line},col={p.column},"
            f"title={title}::{message}"
        )
    return "".join(line + "\n" for line in out)


def as_json(problems: Sequence[Problem]) -> str:
    rows = [
        {
            "code": p.code,
            "name": CODES[p.code].name,
            "severity": p.severity,
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eventset")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def as_sarif(problems: Sequence[Problem]) -> str:
    """SARIF 2.1.0 for code-scanning services: every code is a rule, every problem a result."""
    index = {code: i for i, code in enumerate(CODES)}
    rules = [
        {
            "id": info.code,
            "name": info.name,
            "shortDescription": {"text": info.summary},
            "help": {"text": info.hint},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": [info.layer]},
        }
        for info in CODES.values()
    ]
    results = [
        {
            "ruleId": p.code,
            "ruleIndex": index[p.code],
            "level": p.severity,  # "error" and "warning" are SARIF levels too
            "message": {"text": f"{p.message} Hint: {p.hint}" if p.hint else p.message},
            "locations": [
                {
                    "physicalLocation": {
                        # Relative to the repository root, which code scanning resolves against.
                        "artifactLocation": {"uri": quote(p.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)},
                    }
                }
            ],
        }
        for p in problems
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "eventset", "version": _tool_version(), "rules": rules}
                },
                # YAML marks count characters, not UTF-16 units: say so, or columns drift.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def render(fmt: str, problems: Sequence[Problem], source: SourceLines, files_checked: int) -> str:
    if fmt == "github":
        return github(problems)
    if fmt == "json":
        return as_json(problems)
    if fmt == "sarif":
        return as_sarif(problems)
    return human(problems, source, files_checked)
