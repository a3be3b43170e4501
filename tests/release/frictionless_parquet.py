"""The shipped Frictionless plugin (`frictionless_eventset`), registered explicitly for tests
that must not depend on frictionless having discovered it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from frictionless import system

from frictionless_eventset import ArrowParquetParser, EventsetPlugin

__all__ = ["ArrowParquetParser", "registered"]


def registered() -> Any:
    """Context manager: the faithful parser is used while inside it."""

    @contextmanager
    def scope() -> Iterator[None]:
        system.register("eventset-arrow-parquet", EventsetPlugin())
        try:
            yield
        finally:
            system.deregister("eventset-arrow-parquet")

    return scope()
