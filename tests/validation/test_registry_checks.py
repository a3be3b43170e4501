"""Registry checks (validation/registry_checks.py) on retired ids: a retired id is never defined
again, and its replacement exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventset.problems import Problem
from eventset.validation.repository import validate_repository

REGISTRIES = [("actors", "united-states", "us-armed-forces"), ("places", "kalsu-bridge", "iraq")]


def retire(repo: Path, registry: str, entries: str) -> Path:
    path = repo / "data" / f"{registry}.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nretired:\n" + entries)
    return path


def problems(repo: Path) -> list[Problem]:
    return validate_repository(repo).problems


@pytest.mark.parametrize(("registry", "live", "other"), REGISTRIES)
def test_retired_entries_with_live_replacements_pass(
    repo: Path, registry: str, live: str, other: str
) -> None:
    retire(
        repo,
        registry,
        f"  - {{id: old-{live}, replaced_by: {live}, reason: renamed}}\n"
        f"  - {{id: withdrawn-{other}, replaced_by: null, reason: wrong}}\n",
    )
    assert problems(repo) == []


@pytest.mark.parametrize(("registry", "live", "other"), REGISTRIES)
def test_a_retired_id_that_is_still_defined(
    repo: Path, registry: str, live: str, other: str
) -> None:
    path = retire(repo, registry, f"  - {{id: {live}, replaced_by: {other}, reason: merged}}\n")
    [found] = problems(repo)
    assert found.code == "E404"
    assert found.message == (
        f"Retired id {live!r} is still defined in {registry}; ids are never reused."
    )
    line = path.read_text(encoding="utf-8").splitlines()[found.line - 1]
    assert line[found.column - 1 :].startswith(live)


@pytest.mark.parametrize(("registry", "live", "other"), REGISTRIES)
def test_a_replacement_that_is_not_defined(
    repo: Path, registry: str, live: str, other: str
) -> None:
    retire(repo, registry, f"  - {{id: old-{live}, replaced_by: nobody-here, reason: merged}}\n")
    [found] = problems(repo)
    assert found.code == "E414"
    assert found.message == f"Replacement 'nobody-here' is not defined in {registry}."
