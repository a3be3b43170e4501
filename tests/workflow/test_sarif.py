"""`--format sarif`: SARIF 2.1.0 that code-scanning services accept.

The official SARIF 2.1.0 JSON Schema is not available offline here (check-jsonschema vendors no
copy), so SCHEMA below transcribes the parts of it that this output uses: the required
properties, the value sets and the shapes of rules, results and locations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from eventset.problems import CODES, problem
from eventset.report import as_sarif, render
from tests.workflow.helpers import ANNOTATION, eventset, replace_once

_MESSAGE = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1}},
    "required": ["text"],
}
_REGION = {
    "type": "object",
    "properties": {
        "startLine": {"type": "integer", "minimum": 1},
        "startColumn": {"type": "integer", "minimum": 1},
    },
    "required": ["startLine"],
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "help": _MESSAGE,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {
                                                            "uri": {
                                                                "type": "string",
                                                                "format": "uri-reference",
                                                            },
                                                            "uriBaseId": {"type": "string"},
                                                        },
                                                        "required": ["uri"],
                                                    },
                                                    "region": _REGION,
                                                },
                                                "required": ["artifactLocation", "region"],
                                            }
                                        },
                                        "required": ["physicalLocation"],
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "required": ["version", "runs"],
}


def _check(log: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(
        SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(log)


def test_every_code_is_a_rule_and_every_problem_a_located_result() -> None:
    problems = [
        problem("E301", "data/annotations/a b.yaml", 12, 7, "Quote not found.", "Copy it."),
        problem("E401", "data/annotations/x.yaml", 3, 1, "Unknown actor."),
    ]
    log = json.loads(as_sarif(problems))
    _check(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    assert rules[0]["name"] == CODES[rules[0]["id"]].name and rules[0]["help"]["text"]
    first, second = run["results"]
    assert first["ruleId"] == "E301" and rules[first["ruleIndex"]]["id"] == "E301"
    assert first["level"] == "error"
    assert first["message"]["text"] == "Quote not found. Hint: Copy it."
    where = first["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "data/annotations/a%20b.yaml"
    assert where["region"] == {"startLine": 12, "startColumn": 7}
    assert second["message"]["text"] == f"Unknown actor. Hint: {CODES['E401'].hint}"


def test_no_problems_is_a_valid_empty_run() -> None:
    log = json.loads(render("sarif", [], lambda _: None, 3))
    _check(log)
    assert log["runs"][0]["results"] == []


def test_validate_writes_sarif_for_a_bad_annotation(repo: Path) -> None:
    replace_once(repo / ANNOTATION, "type: THREATEN", "type: THREATENS")
    done = eventset(repo, "validate", "--format", "sarif")
    assert done.returncode == 1
    log = json.loads(done.stdout)
    _check(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "E204"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == ANNOTATION
    assert location["region"]["startLine"] > 1
