"""Retired ids (release/retirements.py): read from the registries' `retired:` lists and
data/retired.yaml, and the rule that no id leaves a release without a retirement record."""

from __future__ import annotations

from pathlib import Path

from eventset.release.diff import ReleaseDiff, TableDiff
from eventset.release.retirements import (
    RETIRABLE_TABLES,
    Retirements,
    read_retirements,
    retirement_errors,
)

RETIRED_YAML = """format: 1
events:
  - {id: ev-old, replaced_by: ev-new, reason: renamed}
claims:
  - {id: c-old, replaced_by: null, reason: wrong}
documents:
  - {id: "001_aaaaaaaaaaaaaaaa", replaced_by: "002_bbbbbbbbbbbbbbbb", reason: duplicate}
"""


def test_every_source_of_retired_ids_is_read(repo: Path) -> None:
    for registry, entry in (
        ("actors", "  - {id: old-actor, replaced_by: united-states, reason: renamed}\n"),
        ("places", "  - {id: old-place, replaced_by: null, reason: wrong}\n"),
    ):
        with (repo / "data" / f"{registry}.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\nretired:\n" + entry)
    (repo / "data" / "retired.yaml").write_text(RETIRED_YAML, encoding="utf-8")
    found = read_retirements(repo)
    assert found.problems == []
    assert found.files_checked == 3
    assert found.tables == {
        "documents": {"001_aaaaaaaaaaaaaaaa": "002_bbbbbbbbbbbbbbbb"},
        "actors": {"old-actor": "united-states"},
        "places": {"old-place": None},
        "events": {"ev-old": "ev-new"},
        "claims": {"c-old": None},
    }


def test_without_retired_yaml_only_the_registries_are_read(repo: Path) -> None:
    found = read_retirements(repo)
    assert (found.problems, found.files_checked) == ([], 2)
    assert found.tables == {name: {} for name in RETIRABLE_TABLES}


def test_a_broken_retired_yaml_is_a_located_problem(repo: Path) -> None:
    (repo / "data" / "retired.yaml").write_text("format: 1\nevents: nope\n", encoding="utf-8")
    found = read_retirements(repo)
    assert [(p.file, p.line) for p in found.problems] == [("data/retired.yaml", 2)]


def diff(removed: list[str], table: str = "events") -> ReleaseDiff:
    return ReleaseDiff("1.0.0", "1.1.0", "1", "1", [TableDiff(table, "kept", removed=removed)])


def retired(events: dict[str, str | None]) -> Retirements:
    return Retirements({**{name: {} for name in RETIRABLE_TABLES}, "events": events})


def test_a_removed_id_needs_a_record() -> None:
    [error] = retirement_errors(diff(["ev-old"]), retired({}), {"events": {"ev-new"}})
    assert error.startswith("events: 'ev-old' was in 1.0.0 and is gone, with no retirement record")
    assert "data/retired.yaml (events:)" in error


def test_a_record_whose_successor_is_present_passes() -> None:
    assert (
        retirement_errors(diff(["ev-old"]), retired({"ev-old": "ev-new"}), {"events": {"ev-new"}})
        == []
    )
    assert retirement_errors(diff(["ev-old"]), retired({"ev-old": None}), {"events": set()}) == []


def test_a_chain_of_successors_is_followed_to_its_end() -> None:
    chain = retired({"ev-a": "ev-b", "ev-b": "ev-c"})
    assert retirement_errors(diff(["ev-a"]), chain, {"events": {"ev-c"}}) == []
    [error] = retirement_errors(diff(["ev-a"]), chain, {"events": {"ev-x"}})
    assert error == (
        "events: 'ev-a' is retired in favour of 'ev-c', which is not in this release; "
        "fix replaced_by in data/retired.yaml (events:)."
    )


def test_a_cycle_of_successors_ends() -> None:
    cycle = retired({"ev-a": "ev-b", "ev-b": "ev-a"})
    errors = retirement_errors(diff(["ev-a"]), cycle, {"events": set()})
    assert len(errors) == 1 and "is retired in favour of" in errors[0]


def test_a_retired_id_may_not_come_back() -> None:
    [error] = retirement_errors(
        diff([]), retired({"ev-old": "ev-new"}), {"events": {"ev-new", "ev-old"}}
    )
    assert error == (
        "events: 'ev-old' is retired in data/retired.yaml (events:) but is in this release "
        "again; retired ids are never reused."
    )


def test_registry_tables_point_at_their_registry() -> None:
    retirements = Retirements({name: {} for name in RETIRABLE_TABLES})
    [error] = retirement_errors(diff(["old-actor"], "actors"), retirements, {"actors": set()})
    assert "data/actors.yaml (retired:)" in error


def test_a_chain_as_long_as_the_limit_is_followed_and_a_longer_one_is_not() -> None:
    def chain(links: int) -> Retirements:
        return retired({f"ev-{i}": f"ev-{i + 1}" for i in range(links)})

    limit = 100  # MAX_CHAIN: replaced_by chains longer than this are treated as cycles
    assert retirement_errors(diff(["ev-0"]), chain(limit), {"events": {f"ev-{limit}"}}) == []
    [error] = retirement_errors(diff(["ev-0"]), chain(limit + 1), {"events": {f"ev-{limit + 1}"}})
    assert f"in favour of 'ev-{limit}'" in error


def test_reused_ids_are_listed_in_order() -> None:
    again = retired({"ev-c": None, "ev-a": None, "ev-b": None})
    errors = retirement_errors(diff([]), again, {"events": {"ev-b", "ev-c", "ev-a", "ev-new"}})
    assert [e.split("'")[1] for e in errors] == ["ev-a", "ev-b", "ev-c"]
