"""Validate and build open no network connection (a pull request cannot make CI phone home)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from eventset.pipeline import build


def test_validate_and_build_use_no_network(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access during the build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = build(repo, repo / "dist", "dev", cache=False)
    assert result.ok, result.validation.problems
    assert attempts == []
