"""The pre-commit hook blocks a commit of a bad annotation with the located error, offline.

pre-commit cannot clone this repository without a network, so the test installs the hook that
`.pre-commit-hooks.yaml` publishes as a `repo: local` hook running the installed `eventset`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.workflow.helpers import (
    ANNOTATION,
    BIN,
    REPO,
    commit_all,
    git,
    git_env,
    inputs_repo,
    replace_once,
)


def _hooks(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = [hook for repo in data["repos"] for hook in repo["hooks"]]
    assert isinstance(data, list)
    return data


def _published_hook() -> dict[str, Any]:
    [hook] = [h for h in _hooks(REPO / ".pre-commit-hooks.yaml") if h["id"] == "eventset-validate"]
    return hook


def _pre_commit(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**git_env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=root, capture_output=True, text=True, env=env
    )


def test_both_files_are_valid_pre_commit_files(tmp_path: Path) -> None:
    config = _pre_commit(REPO, tmp_path, "validate-config", ".pre-commit-config.yaml")
    manifest = _pre_commit(REPO, tmp_path, "validate-manifest", ".pre-commit-hooks.yaml")
    assert (config.returncode, manifest.returncode) == (0, 0), config.stdout + manifest.stdout


def test_this_repositorys_hook_matches_the_published_one() -> None:
    published = _published_hook()
    [own] = [h for h in _hooks(REPO / ".pre-commit-config.yaml") if h["id"] == "eventset-validate"]
    assert own["entry"] == f"./dev {published['entry']}"  # the same command, in the locked env
    assert own["files"] == published["files"]


def test_a_commit_of_a_bad_annotation_is_blocked_with_the_located_error(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    hook = {**_published_hook(), "language": "unsupported"}  # run the installed eventset
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    commit_all(root, "pre-commit config")
    home = tmp_path / "pre-commit-home"
    installed = _pre_commit(root, home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    annotation = root / ANNOTATION
    replace_once(annotation, "type: THREATEN", "type: THREATENS")
    line = next(n for n, t in enumerate(annotation.read_text().splitlines(), 1) if "THREATENS" in t)
    git(root, "add", ANNOTATION)
    env = {**git_env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    blocked = subprocess.run(
        ["git", "commit", "-m", "bad type"], cwd=root, capture_output=True, text=True, env=env
    )
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "error[E204] unknown-code" in output
    assert f"--> {ANNOTATION}:{line}:11" in output
    assert git(root, "log", "--format=%s", "-1").strip() == "pre-commit config"

    replace_once(annotation, "type: THREATENS", "type: THREATEN  # fixed")
    git(root, "add", ANNOTATION)
    passed = subprocess.run(
        ["git", "commit", "-m", "fixed"], cwd=root, capture_output=True, text=True, env=env
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    ran = passed.stdout + passed.stderr
    assert "eventset validate" in ran and "Passed" in ran  # the hook ran, and passed
    assert git(root, "log", "--format=%s", "-1").strip() == "fixed"
