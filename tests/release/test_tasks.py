"""Where the tail's tasks run (release/tasks.py): the windowed submission keeps the results in
order and never more than its window of tasks out at once, whatever the cluster's size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from eventset.release import tasks


@dataclass
class _Pending:
    cluster: _Recorder
    value: Any
    done: bool = False

    def result(self) -> Any:
        if not self.done:
            self.done = True
            self.cluster.out -= 1
        return self.value


@dataclass
class _Recorder:
    """A cluster that runs each task at once but counts it as out until its result is taken."""

    workers: int
    out: int = 0
    most: int = 0
    submitted: list[Any] = field(default_factory=list)

    def submit(self, function: Callable[[Any], Any], argument: Any, /) -> _Pending:
        self.submitted.append(argument)
        self.out += 1
        self.most = max(self.most, self.out)
        return _Pending(self, function(argument))


@given(st.lists(st.integers()), st.integers(min_value=0, max_value=5))
def test_windowed_results_come_in_order_with_a_bounded_window(
    arguments: list[int], workers: int
) -> None:
    cluster = _Recorder(workers)
    results = tasks.windowed(cluster, lambda n: n * 2, iter(arguments))
    assert cluster.submitted == []  # nothing is sent before the first result is asked for
    assert list(results) == [n * 2 for n in arguments]
    assert cluster.submitted == arguments
    assert cluster.out == 0
    window = max(1, workers) * tasks._AHEAD_PER_WORKER
    assert cluster.most == min(window, len(arguments))


def test_local_without_a_pool_runs_the_task_here_and_now() -> None:
    ran: list[int] = []

    def task(n: int) -> int:
        ran.append(n)
        return n + 1

    future = tasks.Local(None).submit(task, 41)
    assert ran == [41]  # before its result is asked for
    assert future.result() == 42


def test_one_job_is_no_pool() -> None:
    with tasks.pool(1) as workers:
        assert workers is None


def _write_late(path: str) -> None:
    import time
    from pathlib import Path

    time.sleep(0.3)
    Path(path).write_text("done", encoding="utf-8")


def test_a_pool_left_by_an_error_waits_for_its_running_tasks(tmp_path: Any) -> None:
    """A build that fails removes its spool after the pool's exit: no task may still be
    writing there then. (A pool left normally does not wait for its workers' own exit: every
    task is done by then.)"""
    import pytest

    marker = tmp_path / "marker"
    with pytest.raises(RuntimeError), tasks.pool(2) as workers:
        assert workers is not None
        running = workers.submit(_write_late, str(marker))
        while not running.running():
            pass
        raise RuntimeError("the build failed")
    assert marker.read_text(encoding="utf-8") == "done"
