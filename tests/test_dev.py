"""The `./dev` entry point says what it does without needing the environment first, and runs
the suite on a worker per core but a single test file in one process."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace
from typing import cast

import pytest

from tests.conftest import REPO, pytest_xdist_auto_num_workers


def test_dev_help_prints_the_task_list_and_nothing_of_the_script() -> None:
    done = subprocess.run(
        [str(REPO / "dev"), "help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Project entry point")
    assert [line.split()[1] for line in lines[1:]] == ["build", "test", "check", "mutate", "<cmd>"]
    assert "set -euo" not in done.stdout and "#" not in done.stdout


@pytest.mark.parametrize(
    ("args", "workers"),
    [
        (["tests/test_dev.py"], 0),  # one file: in this process
        (["tests/test_dev.py::test_dev_help_prints_the_task_list_and_nothing_of_the_script"], 0),
        (["tests/test_dev.py::a", "tests/test_dev.py::b"], 0),  # tests of one file
        (["tests/test_dev.py", "tests/test_layout.py"], None),  # xdist's count: a worker per core
        (["tests/release"], None),
        (["tests"], None),
    ],
)
def test_dev_test_runs_one_file_in_process_and_more_on_workers(
    args: list[str], workers: int | None
) -> None:
    config = cast(pytest.Config, SimpleNamespace(args=[str(REPO / arg) for arg in args]))
    assert pytest_xdist_auto_num_workers(config) == workers
