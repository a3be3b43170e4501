"""The registries' outcome kept by content (validation/registry_verdicts.py): a kept outcome is
what `load_registries` finds (the ids, the names, the problems with their positions, the files
checked), and any other bytes, names or code are another entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventset.inputs.layout import Layout
from eventset.validation import registry_verdicts
from eventset.validation.corpus_checks import Registries
from eventset.validation.repository import Validation, load_registries


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))


def _entries() -> list[Path]:
    return sorted(registry_verdicts.folder().glob("*.json"))


def _reference(repo: Path) -> tuple[Validation, Registries]:
    result = Validation()
    return result, load_registries(Layout(repo), result)


def _checked(repo: Path) -> tuple[Validation, Registries]:
    result = Validation()
    return result, registry_verdicts.checked_registries(Layout(repo), result)


def _same(repo: Path) -> None:
    """Checked twice (the second from the entry), each is what load_registries gives."""
    expected, registries = _reference(repo)
    for _ in range(2):
        found, kept = _checked(repo)
        assert kept == registries
        assert found.problems == expected.problems
        assert found.files_checked == expected.files_checked
    assert kept.names is not None and registries.names is not None
    assert kept.names.related_places("x") == registries.names.related_places("x")


def test_a_kept_outcome_is_the_outcome(repo: Path) -> None:
    _same(repo)
    assert len(_entries()) == 1


def test_problems_and_a_registry_left_out_of_the_names_are_kept_as_found(repo: Path) -> None:
    """A repeated place id: the problem at its line, and no place names for the meaning checks."""
    places = repo / "data" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    first_id = text.split("- id: ", 1)[1].split("\n", 1)[0]
    again_entry = f"  - id: {first_id}\n    name: Again\n    kind: country\n    country: IQ\n"
    places.write_text(text + again_entry, "utf-8")
    _same(repo)
    found, registries = _checked(repo)
    assert [p.code for p in found.problems]
    assert registries.names is not None and registries.names.places is None


def test_a_registry_that_does_not_parse_is_kept_with_its_problems(repo: Path) -> None:
    actors = repo / "data" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "unknown_field: 1\n", "utf-8")
    _same(repo)
    assert "E202" in {p.code for p in _checked(repo)[0].problems}


def test_other_bytes_are_another_entry(repo: Path) -> None:
    _checked(repo)
    places = repo / "data" / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + "# a comment\n", "utf-8")
    _same(repo)
    assert len(_entries()) == 2


def test_another_code_version_does_not_read_the_entry(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _checked(repo)
    monkeypatch.setattr(registry_verdicts, "code_version", lambda: "another")
    _checked(repo)
    assert len(_entries()) == 2


def test_a_damaged_entry_is_checked_again(repo: Path) -> None:
    _checked(repo)
    for entry in _entries():
        entry.write_bytes(b'{"registries": {"actors": [')
    _same(repo)


def test_a_registry_that_cannot_be_read_is_never_kept(repo: Path) -> None:
    (repo / "data" / "actors.yaml").unlink()
    _same(repo)
    assert _entries() == []
    assert "E111" in {p.code for p in _checked(repo)[0].problems}
