"""The mutation-testing tool (tools/mutate.py): the mutants it makes, the import hook that runs
them, and the reviewed list it reads. A tool that reports scores must itself be able to fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tools.mutants import mutants
from tools.mutate import read_equivalent, resolve

SNIPPET = '''"""Docstring."""
LIMIT = 3


def pick(values: list[int], strict: bool) -> int | None:
    best = None
    for value in sorted(values):
        if value < LIMIT and not strict:
            yield value
        best = max(value, best or 0)
    return best
'''


def test_each_operator_makes_its_mutant() -> None:
    made = {m.key.split(" ", 1)[1] for m in mutants("x.py", SNIPPET)}
    assert {
        "3 -> 4",
        "3 -> 2",
        "`<` -> `<=`",
        "`and` -> `or`",
        "drop `not`",
        "max() -> min()",
        "drop sorted()",
        "remove the yield statement",
        "remove the if statement",
        "remove the for statement",
    } <= made
    # Annotations and the docstring are left alone.
    assert not any("None" in m or "|" in m for m in made)


def test_a_mutant_changes_only_its_own_span_and_still_parses() -> None:
    for mutant in mutants("x.py", SNIPPET):
        original = SNIPPET.splitlines()
        mutated = mutant.source.splitlines()
        changed = [i + 1 for i, (a, b) in enumerate(zip(original, mutated, strict=False)) if a != b]
        assert changed and changed[0] == mutant.line, mutant.key
        compile(mutant.source, "x.py", "exec")


def test_the_import_hook_runs_the_mutated_text_under_the_real_file_name(tmp_path: Path) -> None:
    (tmp_path / "target_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    mutant = tmp_path / "mutant.py"
    mutant.write_text("VALUE = 2\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import target_module as m; print(m.VALUE, m.__file__)"],
        env={
            "PYTHONPATH": f"{REPO / 'tools' / 'mutate_site'}:{tmp_path}",
            "EVENTSET_MUTANT_MODULE": "target_module",
            "EVENTSET_MUTANT_SOURCE": str(mutant),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["2", str(tmp_path / "target_module.py")]


def test_an_equivalent_mutant_needs_a_reason(tmp_path: Path) -> None:
    listed = tmp_path / "equivalent.txt"
    listed.write_text("# comment\na.py:1:1 3 -> 4 -- the constant is never read\n", "utf-8")
    assert read_equivalent(listed) == {"a.py:1:1 3 -> 4": "the constant is never read"}
    listed.write_text("a.py:1:1 3 -> 4\n", "utf-8")
    with pytest.raises(SystemExit, match="needs ' -- <reason>'"):
        read_equivalent(listed)


def test_modules_are_named_by_path_dotted_name_or_stem() -> None:
    expected = ["eventset/tables/assemble.py"] * 3
    assert (
        resolve(["eventset/tables/assemble.py", "eventset.tables.assemble", "assemble"]) == expected
    )
    with pytest.raises(SystemExit):
        resolve(["no_such_module"])
