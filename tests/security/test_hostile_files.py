"""`eventset validate` on hostile files: a located error, bounded memory, no hang.

Each case runs the real command in a subprocess; its peak RSS comes from os.wait4 for that one
child, spawned from a small helper process (see _MEASURE). The bounds are generous ceilings (the measured figures are in docs/limits.md), and the
timeout only stops a hang: nothing here is a benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

MEMORY_CEILING_MB = 300
HANG_TIMEOUT_S = 60


def _big(path: Path) -> None:
    with path.open("wb") as handle:  # real bytes, not a sparse file: 100 MiB of comment lines
        handle.write(b"format: 1\n")
        line = b"# " + b"x" * 1021 + b"\n"
        block = line * 1024
        for _ in range(100):
            handle.write(block)


def _deep(path: Path) -> None:
    path.write_bytes(b"format: 1\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n")


def _alias_bomb(path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path.write_text("format: 1\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _invalid_utf8(path: Path) -> None:
    path.write_bytes(b'format: 1\ndocument:\n  title: "caf\xc3\xa9 \xff\xfe"\n')


CASES: dict[str, tuple[Callable[[Path], None], str, int, int]] = {
    "100mb": (_big, "E101", 1, 1),
    "deep-10000": (_deep, "E109", 2, 4 + 1000 - 1),  # libyaml stops at its 1000-level limit
    "alias-bomb": (_alias_bomb, "E107", 2, 4),
    "invalid-utf8": (_invalid_utf8, "E102", 3, 16),
}


# Runs argv[2:] with its stdout in the file argv[1], then prints the exit code and the peak RSS
# (KiB) of that one child. The command must be forked from this small process: Linux keeps a
# process's RSS high-water mark across exec, so a child forked straight from a large pytest
# process would report pytest's size, not its own.
_MEASURE = """
import os, sys
out = (os.POSIX_SPAWN_OPEN, 1, sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ, file_actions=[out])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _measured(args: list[str], stdout: Path) -> tuple[int, int]:
    """Exit code and peak RSS in MB of `args`, whose output goes to `stdout`."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(stdout), *args],
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT_S,  # only stops a hang
        check=True,
    )
    code, rss_kib = done.stdout.split()
    return int(code), int(rss_kib) // 1024


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_gives_a_located_error_in_bounded_memory(
    case: str, repo: Path, tmp_path: Path
) -> None:
    make, code, line, column = CASES[case]
    path = repo / "data" / "annotations" / f"hostile_{case.replace('-', '_')}.yaml"
    make(path)
    eventset = Path(sys.executable).with_name("eventset")
    output = tmp_path / "report.json"
    args = [str(eventset), "validate", "--root", str(repo), "--format", "json", str(path)]
    code_returned, peak_rss_mb = _measured(args, output)
    found = [(p["code"], p["line"], p["column"]) for p in _problems(json.loads(output.read_text()))]
    assert code_returned == 1
    assert (code, line, column) in found, found
    assert 0 < peak_rss_mb < MEMORY_CEILING_MB, peak_rss_mb


def _problems(report: object) -> list[dict[str, object]]:
    if isinstance(report, dict):
        items = report.get("problems", [])
        assert isinstance(items, list)
        return items
    assert isinstance(report, list)
    return report
