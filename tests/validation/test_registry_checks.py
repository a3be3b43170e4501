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


IRAQ = (38.7735, 29.0636, 48.5465, 37.3719)  # min lon, min lat, max lon, max lat (countries.yaml)
COORDINATES = "latitude: 32.4833\n    longitude: 44.4333"


def place_at(repo: Path, latitude: float, longitude: float) -> None:
    path = repo / "data" / "places.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(COORDINATES) == 1
    path.write_text(
        text.replace(COORDINATES, f"latitude: {latitude}\n    longitude: {longitude}"), "utf-8"
    )


def test_the_country_box_is_the_one_in_the_vocabulary() -> None:
    from eventset.schema.vocab import vocabulary

    assert tuple(vocabulary("countries")["IQ"].fields["bbox"]) == IRAQ  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (IRAQ[1] + 0.05, 44.0),  # just inside each edge
        (IRAQ[3] - 0.05, 44.0),
        (32.0, IRAQ[0] + 0.05),
        (32.0, IRAQ[2] - 0.05),
        (IRAQ[1] - 0.05, 44.0),  # just outside: a border town within the margin
        (32.0, IRAQ[2] + 0.05),
    ],
)
def test_places_near_the_border_pass(repo: Path, latitude: float, longitude: float) -> None:
    place_at(repo, latitude, longitude)
    assert problems(repo) == []


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(IRAQ[1] - 0.2, 44.0), (IRAQ[3] + 0.2, 44.0), (32.0, IRAQ[0] - 0.2), (32.0, IRAQ[2] + 0.2)],
)
def test_places_beyond_the_margin_are_outside(
    repo: Path, latitude: float, longitude: float
) -> None:
    place_at(repo, latitude, longitude)
    [found] = problems(repo)
    assert found.code == "E412"
    assert found.message.startswith(f"({latitude}, {longitude}) is outside IQ's bounding box")


def test_half_a_coordinate_pair(repo: Path) -> None:
    path = repo / "data" / "places.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n    longitude: 44.4333", ""), "utf-8")
    [found] = problems(repo)
    assert (found.code, found.message) == ("E203", "Give both latitude and longitude, or neither.")


def test_an_actor_that_is_its_own_parent(repo: Path) -> None:
    path = repo / "data" / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("parent: united-states", "parent: us-armed-forces", 1), "utf-8")
    found = problems(repo)
    # A self-parent is a cycle of one (E418), named as such.
    assert [p.code for p in found] == ["E418"]
    assert "us-armed-forces" in found[0].message


def test_a_place_id_twice(repo: Path) -> None:
    path = repo / "data" / "places.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  - id: babil-governorate\n") == 1
    path.write_text(text.replace("  - id: babil-governorate\n", "  - id: iraq\n"), "utf-8")
    found = problems(repo)
    assert "E404" in {p.code for p in found}
    assert any("'iraq'" in p.message for p in found if p.code == "E404")


def test_a_place_whose_parent_is_not_defined(repo: Path) -> None:
    path = repo / "data" / "places.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    parent: iraq\n", "    parent: irak\n", 1), "utf-8")
    found = [(p.code, p.message) for p in problems(repo)]
    assert ("E414", "Parent place 'irak' is not defined.") in found
