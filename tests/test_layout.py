"""The shape of the house: no folder a standard .gitignore hides, imports that flow one way."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from tests.conftest import REPO

# The folder rules of GitHub's Python.gitignore template (the one most contributors have as a
# global excludes file): a package folder with one of these names silently drops out of `git add`.
IGNORED_FOLDERS = {
    "build",
    "develop-eggs",
    "dist",
    "downloads",
    "eggs",
    ".eggs",
    "lib",
    "lib64",
    "parts",
    "sdist",
    "var",
    "wheels",
    "share",
    "htmlcov",
    ".tox",
    ".nox",
    "target",
    "instance",
    ".venv",
    "env",
    "venv",
    "ENV",
    "env.bak",
    "venv.bak",
    "site",
    "__pypackages__",
    "cover",
}


def _tracked(*paths: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "--", *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


def test_no_tracked_code_sits_in_a_folder_the_standard_gitignore_hides() -> None:
    files = _tracked("eventset", "tests", "benchmarks")
    assert files, "not a git checkout"
    hidden = [f for f in files if set(Path(f).parts[:-1]) & IGNORED_FOLDERS]
    assert hidden == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Module -> the eventset modules it imports, at the top or inside a function."""
    modules = {_module_name(p): p for p in (REPO / "eventset").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` imports the module; anything else, the package.
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = [s for s in subs if s in modules]
                if len(targets) < len(subs):
                    targets.append(node.module)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def test_imports_have_no_cycle() -> None:
    graph = _imports()
    assert "eventset.release.load" in graph
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_schema_imports_nothing_else_of_the_project_and_testing_only_schema() -> None:
    graph = _imports()
    for module, targets in graph.items():
        if module.startswith("eventset.schema"):
            assert all(t.startswith("eventset.schema") for t in targets), (module, targets)
        if module.startswith("eventset.testing"):
            allowed = ("eventset.schema", "eventset.testing")
            assert all(t.startswith(allowed) for t in targets), (module, targets)
