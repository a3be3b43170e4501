"""Loaded at start-up by every Python process of a mutant's test run (tools/mutate.py puts this
folder on PYTHONPATH): module EVENTSET_MUTANT_MODULE is compiled from EVENTSET_MUTANT_SOURCE
instead of its file, in the pytest process and in any process it spawns. `__file__` stays the
real path, so data files beside the module are found as usual; no bytecode is written."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types
from collections.abc import Sequence
from pathlib import Path


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, source: str) -> None:
        self.source = source

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        text = Path(self.source).read_text(encoding="utf-8")
        code = compile(text, module.__file__ or self.source, "exec")
        exec(code, module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            real = finder.find_spec(fullname, path, target)
            if real is not None and real.origin:
                spec = importlib.machinery.ModuleSpec(
                    fullname, _MutantLoader(self.source), origin=real.origin
                )
                spec.has_location = True
                return spec
        return None


def _install() -> None:
    name = os.environ.get("EVENTSET_MUTANT_MODULE")
    source = os.environ.get("EVENTSET_MUTANT_SOURCE")
    if name and source:
        sys.meta_path.insert(0, _MutantFinder(name, source))


_install()
