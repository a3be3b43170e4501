"""The `./dev` entry point says what it does without needing the environment first."""

from __future__ import annotations

import subprocess

from tests.conftest import REPO


def test_dev_help_prints_the_task_list_and_nothing_of_the_script() -> None:
    done = subprocess.run(
        [str(REPO / "dev"), "help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Project entry point")
    assert [line.split()[1] for line in lines[1:]] == ["build", "test", "check", "mutate", "<cmd>"]
    assert "set -euo" not in done.stdout and "#" not in done.stdout
