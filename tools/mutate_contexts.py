"""pytest plugin for the coverage run of tools/mutate.py: names every line's coverage context
after the test that ran it, or after the fixture whose setup ran it (a session fixture runs once
but serves every test that requests it), and records each test's fixtures and duration."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import coverage
import pytest

_contexts: list[str] = [""]
_tests: dict[str, dict[str, Any]] = {}
_fixtures: dict[str, float] = {}


def _switch(context: str) -> None:
    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(context)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    _tests[item.nodeid] = {"fixtures": sorted(getattr(item, "fixturenames", ())), "seconds": 0.0}
    _contexts.append(item.nodeid)
    _switch(item.nodeid)
    yield
    _contexts.pop()
    _switch(_contexts[-1])


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None]:
    context = f"fixture:{fixturedef.argname}"
    _contexts.append(context)
    _switch(context)
    started = time.perf_counter()
    yield
    _fixtures[fixturedef.argname] = _fixtures.get(fixturedef.argname, 0.0) + (
        time.perf_counter() - started
    )
    _contexts.pop()
    _switch(_contexts[-1])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid in _tests:
        _tests[report.nodeid]["seconds"] += report.duration


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = os.environ.get("EVENTSET_MUTATE_TESTS_JSON")
    if out:
        Path(out).write_text(json.dumps({"tests": _tests, "fixtures": _fixtures}), "utf-8")
