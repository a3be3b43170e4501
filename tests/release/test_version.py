"""Release numbers: one type parses and orders them, pre-releases included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventset.release.published import versions
from eventset.release.version import Version, sort_versions


def test_semantic_version_precedence() -> None:
    ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0"]
    ordered += ["1.0.1", "1.2.0", "2.0.0"]
    assert sorted(ordered, key=Version.parse) == ordered
    assert sorted(reversed(ordered), key=Version.parse) == ordered
    assert Version.parse("1.0.0-rc.10") > Version.parse("1.0.0-rc.9")  # numbers, not text
    assert str(Version.parse("1.0.0-rc.1")) == "1.0.0-rc.1"


@pytest.mark.parametrize("text", ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0-rc..1", "dev", ""])
def test_what_is_not_a_version(text: str) -> None:
    assert not Version.is_valid(text)
    with pytest.raises(ValueError, match=r"is not X\.Y\.Z"):
        Version.parse(text)


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("1.0.0", "2.0.0", "major"),
        ("1.0.0", "1.1.0", "minor"),
        ("1.0.0", "1.0.1", "patch"),
        ("1.9.9", "1.10.0", "minor"),
        ("1.0.0-rc.1", "1.0.0", "major"),  # a pre-release promises nothing
        ("1.0.0-rc.1", "1.0.0-rc.2", "major"),
        ("1.0.0", "1.0.0", None),
        ("1.0.1", "1.0.0", None),
        ("1.0.0", "1.0.0-rc.1", None),
    ],
)
def test_bump_kinds(old: str, new: str, bump: str | None) -> None:
    assert Version.parse(new).bump_from(Version.parse(old)) == bump


def test_versions_lists_a_registry_with_a_pre_release(tmp_path: Path) -> None:
    registry = tmp_path / "published.json"
    releases: dict[str, dict[str, dict[str, str]]] = {
        v: {"files": {}} for v in ("1.0.0", "1.0.0-rc1", "0.9.0")
    }
    registry.write_text(json.dumps({"releases": releases}), encoding="utf-8")
    assert versions(registry) == ["0.9.0", "1.0.0-rc1", "1.0.0"]


def test_sort_versions_keeps_names_that_are_not_versions_at_the_end() -> None:
    assert sort_versions(["1.0.0", "latest", "0.1.0"]) == ["0.1.0", "1.0.0", "latest"]
