"""Replacing the dev release is one atomic step (eventset/release/swap.py): a build killed at any
moment of the swap leaves a complete release at `eventset-dev`, the old or the new one, and the
next build cleans what it left.

Each kill is real: a child process runs `swap` with SIGKILL sent to itself at one step (no
`finally` runs, as with a kill from outside), on the exchange path and on the fallback for
systems without `renameat2(RENAME_EXCHANGE)`.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import eventset.release.swap as swap_module
from eventset.pipeline import build
from eventset.release.swap import exchange, remove_leftovers

# argv: step, prepared new release, final. The new release is moved to a staging name carrying
# this process's id (as a build names it), then swapped in with a SIGKILL at `step`.
_CHILD = """
import os, shutil, signal, sys
from pathlib import Path
import eventset.release.swap as swap

step, prepared, final = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
staging = final.parent / f".eventset-dev.{os.getpid()}.k1ll_me.partial"
prepared.rename(staging)

def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)

real_exchange, real_rename, real_unlink = swap.exchange, Path.rename, os.unlink
if step.startswith("fallback"):
    swap.exchange = lambda a, b: False
if step == "before-exchange":
    swap.exchange = die
elif step == "after-exchange":
    swap.exchange = lambda a, b: real_exchange(a, b) and die()
elif step.endswith("mid-removal"):
    calls = []
    def unlink(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            die()
        return real_unlink(*args, **kwargs)
    os.unlink = unlink
elif step in ("fallback-after-retire", "fallback-after-replace"):
    renames = []
    def rename(self, target):
        done = real_rename(self, target)
        renames.append(target)
        if len(renames) == (1 if step == "fallback-after-retire" else 2):
            die()
        return done
    Path.rename = rename
swap.swap(staging, final)
"""

# step -> (which release `eventset-dev` holds right after the kill (None: absent), after the
# next build's cleaning)
STEPS = {
    "before-exchange": ("old", "old"),
    "after-exchange": ("new", "new"),
    "mid-removal": ("new", "new"),
    "fallback-after-retire": (None, "old"),
    "fallback-after-replace": ("new", "new"),
    "fallback-mid-removal": ("new", "new"),
}


def _release(folder: Path, label: str) -> dict[str, str]:
    """A stand-in release: a few folders of files whose bytes say which release they are of."""
    for table in ("events", "mentions", "actors"):
        (folder / table).mkdir(parents=True)
        for month in range(4):
            (folder / table / f"part-{month}.parquet").write_text(f"{label} {table} {month}")
    (folder / "manifest.json").write_text(f'{{"release": "{label}"}}')
    return _contents(folder)


def _contents(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_kill_at_any_step_of_the_swap_leaves_a_whole_release(step: str, tmp_path: Path) -> None:
    if not step.startswith("fallback") and not _exchange_works(tmp_path):
        pytest.skip("this file system cannot exchange two paths atomically")
    out = tmp_path / "dist"
    final = out / "eventset-dev"
    releases = {"old": _release(final, "old"), "new": _release(tmp_path / "new", "new")}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, step, str(tmp_path / "new"), str(final)],
        capture_output=True,
        text=True,
        timeout=60,  # only stops a hang
        check=False,
    )
    assert child.returncode == -9, child.stderr  # killed at the step, not failed before it
    right_after, after_cleaning = STEPS[step]
    if right_after is None:
        assert not final.exists()
    else:
        assert _contents(final) == releases[right_after]
    assert sorted(p.name for p in out.iterdir() if p.name != final.name)  # something was left
    remove_leftovers(out)  # what the next build does first
    assert sorted(p.name for p in out.iterdir()) == [final.name]
    assert _contents(final) == releases[after_cleaning]


def _exchange_works(tmp_path: Path) -> bool:
    (tmp_path / "probe-a").mkdir()
    (tmp_path / "probe-b").mkdir()
    try:
        return exchange(tmp_path / "probe-a", tmp_path / "probe-b")
    finally:
        shutil.rmtree(tmp_path / "probe-a")
        shutil.rmtree(tmp_path / "probe-b")


def test_a_build_replaces_the_dev_release_by_the_exchange(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system can, the build's swap is the one atomic exchange, and leaves nothing."""
    if not _exchange_works(tmp_path):
        pytest.skip("this file system cannot exchange two paths atomically")
    build(repo, tmp_path / "dist", "dev", cache=False)
    exchanged: list[bool] = []
    real = swap_module.exchange

    def recorded(a: Path, b: Path) -> bool:
        exchanged.append(real(a, b))
        return exchanged[-1]

    monkeypatch.setattr(swap_module, "exchange", recorded)
    annotation = sorted((repo / "data" / "annotations").glob("*.yaml"))[0]
    annotation.write_text(annotation.read_text(encoding="utf-8") + "# edited\n", "utf-8")
    again = build(repo, tmp_path / "dist", "dev", cache=False)
    assert again.written is not None and not again.written.unchanged
    assert exchanged == [True]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["eventset-dev"]


def test_the_next_build_puts_back_what_an_older_build_left(repo: Path, tmp_path: Path) -> None:
    """Builds before the exchange left `eventset-dev.old` and no `eventset-dev` when killed
    between their two renames: the next build renames it back, then replaces it whole."""
    dist = tmp_path / "dist"
    first = build(repo, dist, "dev", cache=False)
    assert first.written is not None
    expected = _contents(first.written.path)
    first.written.path.rename(dist / "eventset-dev.old")
    again = build(repo, dist, "dev", cache=False)
    assert again.written is not None and again.written.unchanged  # the old one was put back
    assert sorted(p.name for p in dist.iterdir()) == ["eventset-dev"]
    assert _contents(again.written.path) == expected
