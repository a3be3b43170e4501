"""The registries form a real hierarchy (docs/hierarchy.md): one tiny bad registry per case of
issue 18, each reported with its own code, line and column, and nothing else.

Cycles are the cases that could hang a careless walk, so they run under a time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventset.schema.hierarchy import MAX_DEPTH
from eventset.validation.repository import validate_repository
from tests.validation.test_error_codes import ANNOTATION, _codes, _position

ACTORS = "data/actors.yaml"
PLACES = "data/places.yaml"
# A validation of the repository takes well under a second; a hang would take forever.
TIME_LIMIT = 10.0


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    file: str
    edits: tuple[tuple[str, str], ...]
    at: str  # the problem points at this text's first character (plus `offset`)
    offset: int = 0
    names: tuple[str, ...] = ()  # ids the message must name


CASES = [
    Case(
        "actor cycle",
        "E418",
        ACTORS,
        (("    wikidata: Q30\n", "    wikidata: Q30\n    parent: us-armed-forces\n"),),
        "parent: united-states",
        offset=8,
        names=("us-armed-forces -> united-states -> us-armed-forces",),
    ),
    Case(
        "place is its own parent",
        "E418",
        PLACES,
        (("parent: babil-governorate", "parent: kalsu-bridge"),),
        "parent: kalsu-bridge",
        offset=8,
        names=("kalsu-bridge",),
    ),
    Case(
        "place cycle",
        "E418",
        PLACES,
        (("    kind: country\n", "    kind: country\n    parent: kalsu-bridge\n"),),
        "parent: babil-governorate",
        offset=8,
        names=("kalsu-bridge -> babil-governorate -> iraq -> kalsu-bridge",),
    ),
    Case(
        "admin1 inside a bridge",
        "E419",
        PLACES,
        (
            ("    parent: iraq\n", "    parent: kalsu-bridge\n"),
            ("    parent: babil-governorate\n", "    parent: iraq\n"),
        ),
        "kalsu-bridge\n",
        names=("babil-governorate", "admin1", "kalsu-bridge", "infrastructure"),
    ),
    Case(
        "country differs from the parent's",
        "E420",
        PLACES,
        (
            (
                "country: IQ\n    admin1: Babil\n    parent: babil-governorate",
                "country: SY\n    admin1: Babil\n    parent: babil-governorate",
            ),
        ),
        "SY\n",
        names=("kalsu-bridge", "SY", "babil-governorate", "IQ"),
    ),
    Case(
        "latitude 200 does not cascade",
        "E208",
        PLACES,
        (("latitude: 32.4833", "latitude: 200"),),
        "200",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_hierarchy_defect_is_reported_once_at_its_place(
    case: Case, repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    path = repo / case.file
    for old, new in case.edits:
        edit(path, old, new)
    started = time.perf_counter()
    result = validate_repository(repo)
    assert time.perf_counter() - started < TIME_LIMIT
    assert _codes(result.problems) == [case.code], result.problems
    [found] = result.problems
    line, column = _position(path.read_text(encoding="utf-8"), case.at, 1, case.offset)
    assert (found.file, found.line, found.column) == (case.file, line, column), found
    for name in case.names:
        assert name in found.message


def test_a_chain_deeper_than_any_walk_is_refused_once(repo: Path) -> None:
    # synthetic-0 <- synthetic-1 <- ... : synthetic-65 has 65 ancestors, one more than a walk
    # follows; the entries below it are not reported again.
    chain = "".join(
        f"\n  - id: synthetic-{i}\n    name: SYNTHETIC actor {i}\n    kind: person\n"
        + (f"    parent: synthetic-{i - 1}\n" if i else "")
        for i in range(MAX_DEPTH + 3)
    )
    path = repo / ACTORS
    path.write_text(path.read_text(encoding="utf-8") + chain, encoding="utf-8")
    started = time.perf_counter()
    problems = validate_repository(repo).problems
    assert time.perf_counter() - started < TIME_LIMIT
    assert [p.code for p in problems] == ["E421"], problems
    line, column = _position(path.read_text(encoding="utf-8"), f"synthetic-{MAX_DEPTH}\n", 2, 0)
    assert (problems[0].line, problems[0].column) == (line, column)
    assert f"synthetic-{MAX_DEPTH + 1}" in problems[0].message


def test_a_reason_allows_another_country(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    edit(
        repo / PLACES,
        "country: IQ\n    admin1: Babil\n    parent: babil-governorate",
        "country: SY\n    admin1: Babil\n    parent: babil-governorate\n"
        "    cross_border: Synthetic test of a bridge on the border.",
    )
    assert validate_repository(repo).problems == []


def test_an_entry_with_an_invalid_id_is_listed_before_its_consequences(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    # The one cascade left: an entry whose id is not a slug defines nothing, so the references
    # to it are unknown. Its own problem comes first, although "data/annotations/..." sorts
    # before "data/places.yaml".
    edit(repo / PLACES, "id: babil-governorate", "id: Babil-Governorate")
    problems = validate_repository(repo).problems
    assert problems[0].code == "E205"
    assert problems[0].file == PLACES
    assert {p.code for p in problems[1:]} == {"E402", "E414"}
    assert any(p.file == ANNOTATION for p in problems[1:])


def test_an_invalid_entry_does_not_hide_the_others_problems(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    edit(repo / PLACES, "latitude: 32.4833", "latitude: 200")
    edit(repo / PLACES, "parent: babil-governorate", "parent: kalsu-bridge")
    assert _codes(validate_repository(repo).problems) == ["E208", "E418"]


def test_an_unreadable_registry_is_reported_alone(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    edit(repo / ACTORS, "format: 1", "format: 2")
    problems = validate_repository(repo).problems
    assert [(p.code, p.file) for p in problems] == [("E207", ACTORS)]
