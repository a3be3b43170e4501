"""No path derived from the data or the command line reads outside the repository."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.validation.repository import validate_repository
from tests.conftest import SEED_ID

ANNOTATION = f"data/annotations/{SEED_ID}.yaml"
SEED = f"seeds/{SEED_ID}.txt"


def _codes(repo: Path, targets: list[Path] | None = None) -> list[tuple[str, str]]:
    return [(p.code, p.file) for p in validate_repository(repo, targets).problems]


def test_annotation_symlink_is_e111(seed_annotation: Path, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.move(seed_annotation, outside)
    seed_annotation.symlink_to(outside)
    assert _codes(repo) == [("E111", ANNOTATION)]


def test_symlink_to_a_file_inside_the_repository_is_refused_too(
    seed_annotation: Path, repo: Path
) -> None:
    inside = repo / "data" / "copy.yaml.txt"
    shutil.move(seed_annotation, inside)
    seed_annotation.symlink_to(inside)
    assert _codes(repo) == [("E111", ANNOTATION)]


def test_seed_symlink_is_e111(repo: Path, tmp_path: Path) -> None:
    seed = repo / SEED
    outside = tmp_path / "outside.txt"
    shutil.move(seed, outside)
    seed.symlink_to(outside)
    codes = _codes(repo)
    assert ("E111", SEED) in codes
    assert all(code in {"E111", "E405"} for code, _ in codes)


def test_symlinked_annotations_directory_is_e111(repo: Path, tmp_path: Path) -> None:
    annotations = repo / "data" / "annotations"
    outside = tmp_path / "elsewhere"
    shutil.move(annotations, outside)
    annotations.symlink_to(outside, target_is_directory=True)
    # Reported once, at the folder: nothing inside a symlinked folder is read.
    assert _codes(repo) == [("E111", "data/annotations")]


def test_symlinked_registry_is_e111(repo: Path, tmp_path: Path) -> None:
    actors = repo / "data" / "actors.yaml"
    outside = tmp_path / "actors.yaml"
    shutil.move(actors, outside)
    actors.symlink_to(outside)
    assert ("E111", "data/actors.yaml") in _codes(repo)


def test_dotdot_target_leaving_the_repository_is_e111(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("format: 1\n", encoding="utf-8")
    target = repo / "data" / ".." / ".." / "secret.yaml"
    problems = validate_repository(repo, [target]).problems
    assert [(p.code, p.file) for p in problems] == [("E417", "data/../../secret.yaml")]


@pytest.mark.parametrize("how", ["dotdot", "absolute"])
def test_cli_path_outside_the_root_is_refused_and_not_shown(
    how: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("format: 1  # SECRET-CONTENT\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    arg = "../secret.yaml" if how == "dotdot" else str(secret)
    result = CliRunner().invoke(app, ["validate", "--root", str(repo), arg])
    assert result.exit_code == 1
    assert "E417" in result.output or "E111" in result.output
    assert "SECRET-CONTENT" not in result.output  # the reporter never echoes outside files


@pytest.mark.parametrize(
    "bad_id", ["../../etc/passwd", "/etc/passwd", "sub/dir", "..", "a\\..\\b", "%2e%2e"]
)
def test_document_id_cannot_traverse(
    bad_id: str, seed_annotation: Path, repo: Path, tmp_path: Path
) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(text.replace(f'id: "{SEED_ID}"', f"id: {bad_id!r}"), "utf-8")
    problems = validate_repository(repo).problems
    assert problems and all(p.file == ANNOTATION for p in problems)
    assert "E205" in {p.code for p in problems}  # not a slug: refused before any path is made


def test_annotation_file_name_that_is_not_an_id_is_e205(seed_annotation: Path, repo: Path) -> None:
    seed_annotation.rename(seed_annotation.with_name("Bad Name.yaml"))
    assert ("E205", "data/annotations/Bad Name.yaml") in _codes(repo)


def test_fifo_in_annotations_does_not_hang(repo: Path) -> None:
    os.mkfifo(repo / "data" / "annotations" / "pipe_0001.yaml")
    assert ("E111", "data/annotations/pipe_0001.yaml") in _codes(repo)
