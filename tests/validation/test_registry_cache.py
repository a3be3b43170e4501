"""Registry files parsed once per content (validation/registry_cache.py): a cached parse gives
the same models, problems and positions as parsing the file, and only a clean file is kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eventset.inputs.layout import Layout
from eventset.inputs.parse import parse_model
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.validation import registry_cache
from eventset.validation.repository import Validation, load_registries


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))


def _entries() -> list[Path]:
    return sorted(registry_cache.folder().glob("*.json"))


def _load(repo: Path) -> tuple[Validation, object]:
    result = Validation()
    registries = load_registries(Layout(repo), result)
    return result, registries


def test_a_cached_parse_is_the_parse(repo: Path) -> None:
    first, registries = _load(repo)
    assert len(_entries()) == 2  # both registries were clean: both kept
    again, cached = _load(repo)
    assert again.problems == first.problems == []
    assert again.actors == first.actors and again.places == first.places
    assert cached == registries
    assert again.files_checked == first.files_checked
    raw = (repo / "data" / "actors.yaml").read_bytes()
    actors, doc, problems = registry_cache.parse_registry(raw, "actors.yaml", ActorRegistry)
    assert (actors, problems) == (parse_model(raw, "actors.yaml", ActorRegistry)[0], [])
    assert doc is not None and doc.data is None  # positions only
    raw = (repo / "data" / "places.yaml").read_bytes()
    places, _, problems = registry_cache.parse_registry(raw, "places.yaml", PlaceRegistry)
    assert (places, problems) == (parse_model(raw, "places.yaml", PlaceRegistry)[0], [])


def test_problems_found_after_a_cached_parse_keep_their_positions(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    """A registry that parses but fails its checks (a repeated id) is kept; its checks' problems
    are located from the text alone, as from a parse."""
    places = repo / "data" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    first_id = text.split("- id: ", 1)[1].split("\n", 1)[0]
    again_entry = f"  - id: {first_id}\n    name: Again\n    kind: country\n    country: IQ\n"
    places.write_text(text + again_entry, "utf-8")
    first, _ = _load(repo)
    assert [p.code for p in first.problems]  # the repeated id, at its line
    assert len(_entries()) == 2
    again, _ = _load(repo)
    assert again.problems == first.problems


def test_a_registry_with_parse_problems_is_never_kept(
    repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    actors = repo / "data" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "unknown_field: 1\n", "utf-8")
    first, _ = _load(repo)
    assert "E202" in {p.code for p in first.problems}
    assert len(_entries()) == 1  # the places only
    again, _ = _load(repo)
    assert again.problems == first.problems


def test_a_damaged_entry_is_parsed_again(repo: Path) -> None:
    first, _ = _load(repo)
    for entry in _entries():
        entry.write_bytes(b'{"format": 1, "actors": [')
    again, _ = _load(repo)
    assert (again.problems, again.actors, again.places) == (
        first.problems,
        first.actors,
        first.places,
    )


def test_another_code_version_does_not_read_the_entry(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(repo)
    monkeypatch.setattr(registry_cache, "code_version", lambda: "another")
    path = repo / "data" / "places.yaml"
    assert not registry_cache._entry(path.read_bytes(), PlaceRegistry).exists()


def test_only_the_newest_entries_are_kept(repo: Path) -> None:
    places = repo / "data" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    for n in range(registry_cache.KEPT + 3):
        raw = f"{text}\n# edit {n}\n".encode()
        registry_cache.parse_registry(raw, "places.yaml", PlaceRegistry)
    assert len(_entries()) == registry_cache.KEPT
