"""YAML file -> pydantic model, with every validation error mapped to a located problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from eventset.inputs.yamlfile import (
    DEFAULT_LIMITS,
    REGISTRY_LIMITS,
    Limits,
    YamlDocument,
    YamlPath,
    load_yaml,
)
from eventset.problems import Problem, problem
from eventset.schema.fields import FORMAT_VERSION, SLUG_PATTERN, URL_PATTERN, WIKIDATA_PATTERN
from eventset.schema.registry import ActorRegistry, PlaceRegistry

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located:
    """A file and the positions of its nodes, to turn a model path into file:line:column."""

    file: str
    doc: YamlDocument

    def at(self, code: str, path: YamlPath, message: str, hint: str | None = None) -> Problem:
        mark = self.doc.mark(path)
        return problem(code, self.file, mark.line, mark.column, message, hint)


# pydantic error types -> problem codes; anything not listed is a wrong type or shape (E203).
_CODE_OF_ERROR = {
    "missing": "E201",
    "extra_forbidden": "E202",
    "unknown_code": "E204",
    "bad_mode": "E209",
    "string_pattern_mismatch": "E205",
    "date_parsing": "E206",
    "date_from_datetime_parsing": "E206",
    "date_from_datetime_inexact": "E206",
    "date_type": "E206",
    "greater_than": "E208",
    "greater_than_equal": "E208",
    "less_than": "E208",
    "less_than_equal": "E208",
    "too_short": "E208",
    "too_long": "E208",
    "string_too_short": "E208",
    "string_too_long": "E208",
}


def _describe(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def model_problems(err: ValidationError, doc: YamlDocument, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for item in err.errors(include_url=False):
        path = tuple(item["loc"])
        kind = item["type"]
        code = _CODE_OF_ERROR.get(kind, "E203")
        hint = None
        if kind == "bad_sha256":
            code = "E203"
        pattern = item.get("ctx", {}).get("pattern")
        if kind == "string_pattern_mismatch" and pattern == URL_PATTERN:
            code = "E210"  # not an id: "ids use a-z, 0-9" would mislead
        elif kind == "string_pattern_mismatch" and pattern == WIKIDATA_PATTERN:
            hint = "A Wikidata id is Q and digits, e.g. Q1065 (the part after /wiki/ in its URL)."
        at = doc.key_mark(path) if kind == "extra_forbidden" else doc.mark(path)
        where = _describe(path)
        if kind == "missing":
            message = f"{where}: required field is missing."
        elif kind == "extra_forbidden":
            message = f"{where}: unknown field."
        else:
            message = f"{where}: {item['msg']}."
            if "input" in item and code in {"E203", "E205", "E206", "E208", "E210"}:
                shown = repr(item["input"])
                message += f" Got {shown[:80]}{'...' if len(shown) > 80 else ''}."
        problems.append(problem(code, file, at.line, at.column, message, hint))
    return problems


def parse_model(
    raw: bytes, file: str, model: type[M], limits: Limits | None = None
) -> tuple[M | None, YamlDocument | None, list[Problem]]:
    """Bytes of a YAML file -> a validated model (or None) plus its positions and problems.
    `limits`: by default a registry's (REGISTRY_LIMITS) or any other file's."""
    if limits is None:
        limits = REGISTRY_LIMITS if model in (ActorRegistry, PlaceRegistry) else DEFAULT_LIMITS
    doc, problems = load_yaml(raw, file, limits)
    if doc is None:
        return None, None, problems
    version = doc.data.get("format")
    if version != FORMAT_VERSION:
        at = doc.mark(("format",))
        shown = "missing" if "format" not in doc.data else repr(version)
        return (
            None,
            doc,
            [
                problem(
                    "E207",
                    file,
                    at.line,
                    at.column,
                    f"format is {shown}; this version of eventset reads format {FORMAT_VERSION}.",
                )
            ],
        )
    try:
        return model.model_validate(doc.data), doc, []
    except ValidationError as err:
        # A choice left by `eventset adjudicate` is a mapping where no model takes one, so it
        # always fails the model: only then is the tree searched for one (free for valid files).
        choices = list(_choices(doc.data, ()))
        problems = [_choice_problem(doc, file, path, options) for path, options in choices]
        inside = [path for path, _ in choices]
        problems += [
            p
            for p, loc in zip(model_problems(err, doc, file), _locs(err), strict=True)
            if not any(loc[: len(path)] == path for path in inside)
        ]
        return None, doc, sorted(problems)


# The key of an adjudication choice (docs/agreement.md): `choose: {coder: option, ...}`.
CHOICE_KEY = "choose"


def _choices(data: object, path: YamlPath) -> Iterator[tuple[YamlPath, object]]:
    if isinstance(data, dict):
        if CHOICE_KEY in data:
            yield path, data[CHOICE_KEY]
            return
        for key, value in data.items():
            yield from _choices(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _choices(value, (*path, i))


def _shown_option(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        found = value.get("id") or value.get("actor")
        return f"coded ({found})" if isinstance(found, str) else "coded"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _choice_problem(doc: YamlDocument, file: str, path: YamlPath, options: object) -> Problem:
    mark = doc.mark(path)
    if isinstance(options, dict) and options:
        listed = "; ".join(f"{coder}: {_shown_option(v)}" for coder, v in options.items())
        message = f"{_describe(path)}: unresolved choice between coders ({listed})."
    else:
        message = f"{_describe(path)}: unresolved choice between coders."
    return problem("E701", file, mark.line, mark.column, message)


def _locs(err: ValidationError) -> list[tuple[str | int, ...]]:
    return [tuple(item["loc"]) for item in err.errors(include_url=False)]


def parse_items(
    data: object, section: str, model: type[M]
) -> tuple[list[tuple[int, M]], list[str | None]]:
    """Each item of the top-level list `section` checked against `model` on its own, for a file
    that failed as a whole: (position, model) of the items that pass, and the id at every
    position (None where it is not a valid slug), so that an item that exists but is invalid
    still counts as defined. The file's own problems come from `parse_model`."""
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], []
    valid: list[tuple[int, M]] = []
    ids: list[str | None] = []
    for i, item in enumerate(items):
        found = item.get("id") if isinstance(item, dict) else None
        ids.append(found if isinstance(found, str) and re.fullmatch(SLUG_PATTERN, found) else None)
        try:
            valid.append((i, model.model_validate(item)))
        except ValidationError:
            continue
    return valid, ids
