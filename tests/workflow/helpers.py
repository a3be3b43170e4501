"""Temporary git repositories of the inputs, and the real `eventset` command run on them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEED_ID = "000_e3ff97cd28be607c"
ANNOTATION = f"data/annotations/{SEED_ID}.yaml"


def git_env() -> dict[str, str]:
    """No user or system git config (signing, hooks, templates) leaks into a test repository."""
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=git_env(), check=True
    )
    return done.stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def inputs_repo(root: Path) -> Path:
    """A git repository holding a copy of seeds/ and data/, everything committed on main."""
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "inputs")
    return root


def eventset(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a contributor or CI runs it, in `root`."""
    return subprocess.run(
        [str(BIN / "eventset"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=git_env(),
        check=False,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
