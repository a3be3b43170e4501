"""Nothing is lost: a killed build, a tampered release file, `eventset new` on an existing file."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.pipeline import build
from eventset.release.load import load
from eventset.release.manifest import ReleaseError, read_manifest, sha256_file, table_files
from eventset.release.swap import remove_leftovers
from tests.conftest import REPO, SEED_ID
from tests.security.corpus import add_synthetic_corpus

KILL_TIMEOUT_S = 120  # only stops a hang


def _checksums(directory: Path) -> dict[str, str]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {p.relative_to(directory).as_posix(): sha256_file(p) for p in files}


def _releases(dist: Path) -> list[str]:
    """What a user or a release tool sees as releases: visible eventset-* directories."""
    return sorted(p.name for p in dist.iterdir() if p.name.startswith("eventset-"))


def _staging(dist: Path) -> list[Path]:
    return sorted(p for p in dist.iterdir() if p.name.endswith(".partial"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temp repository with a synthetic corpus and a previous release 0.9.0 in dist/."""
    root = tmp_path_factory.mktemp("killed") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    add_synthetic_corpus(root, documents=20, sentences=100)  # ~2,000 mention rows to write
    result = build(root, root / "dist", "0.9.0")  # also fills the document cache
    assert result.ok, result.validation.problems[:3]
    return root


def _kill_mid_write(root: Path, version: str) -> list[str]:
    """Start `eventset build`, SIGKILL it once its staging directory holds a file; returns the
    names the staging directory held at that moment (empty if the build finished first)."""
    dist = root / "dist"
    eventset = Path(sys.executable).with_name("eventset")
    child = subprocess.Popen(
        [str(eventset), "build", "--root", str(root), "--version", version],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: list[str] = []
    deadline = time.monotonic() + KILL_TIMEOUT_S
    try:
        while child.poll() is None and time.monotonic() < deadline:
            for staging in _staging(dist):
                names = [p.name for p in staging.iterdir()] if staging.is_dir() else []
                if names:
                    child.send_signal(signal.SIGKILL)
                    seen = names
                    break
            if seen:
                break
            time.sleep(0.001)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    return seen


def test_a_build_killed_mid_write_loses_nothing(corpus: Path) -> None:
    dist = corpus / "dist"
    before = _checksums(dist / "eventset-0.9.0")
    killed_while_writing: list[str] = []
    for attempt in range(5):  # the write phase lasts a fraction of a second; retry if missed
        version = f"1.0.{attempt}"
        killed_while_writing = _kill_mid_write(corpus, version)
        if killed_while_writing:
            break
    assert killed_while_writing, "never caught the build while it was writing"
    assert "manifest.json" not in killed_while_writing or len(killed_while_writing) > 1
    # The previous release is untouched, byte for byte.
    assert _checksums(dist / "eventset-0.9.0") == before
    assert load(path=dist / "eventset-0.9.0")["mentions"].height > 2000
    # The half-written directory is hidden (dot-prefixed, .partial), never a release.
    assert f"eventset-{version}" not in _releases(dist)
    leftovers = _staging(dist)
    assert leftovers and all(p.name.startswith(".eventset-") for p in leftovers)
    # The next build removes what the killed one left and writes the release whole.
    result = build(corpus, dist, version)
    assert result.ok
    assert _staging(dist) == []
    assert f"eventset-{version}" in _releases(dist)
    assert load(path=dist / f"eventset-{version}")["mentions"].height > 2000
    assert _checksums(dist / "eventset-0.9.0") == before


def test_stale_staging_of_a_live_build_is_kept(tmp_path: Path) -> None:
    live = tmp_path / f".eventset-2.0.0.{os.getpid()}.abc_123.partial"
    dead_pid = _dead_pid()
    dead = tmp_path / f".eventset-2.0.0.{dead_pid}.xyz_789.partial"
    unrelated = tmp_path / ".eventset-notes.partial"
    for path in (live, dead, unrelated):
        path.mkdir()
    assert remove_leftovers(tmp_path) == [dead]
    assert live.is_dir() and unrelated.is_dir() and not dead.exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # reaped: no process has this id now (pid reuse within a test is negligible)


# --- the loader never returns a file that does not match its checksum --------------------------


@pytest.mark.parametrize("damage", ["flip-byte", "truncate", "swap-files", "manifest-lies"])
def test_loader_refuses_a_release_that_does_not_match(
    damage: str, corpus: Path, tmp_path: Path
) -> None:
    release = tmp_path / "eventset-0.9.0"
    shutil.copytree(corpus / "dist" / "eventset-0.9.0", release)
    # One of the events table's files (one per month), named by the manifest.
    name = table_files(f["path"] for f in read_manifest(release)["files"])["events"][-1]
    events = release / name
    if damage == "flip-byte":
        raw = bytearray(events.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        events.write_bytes(bytes(raw))
    elif damage == "truncate":
        events.write_bytes(events.read_bytes()[:-10])
    elif damage == "swap-files":
        shutil.copyfile(release / "places" / "part-0.parquet", events)
    else:
        manifest = release / "manifest.json"
        text = manifest.read_text(encoding="utf-8")
        entry = next(f for f in read_manifest(release)["files"] if f["path"] == name)
        manifest.write_text(text.replace(entry["sha256"], "sha256:" + "0" * 64), "utf-8")
    with pytest.raises(ReleaseError, match=re.escape(name)):
        load(path=release)


# --- eventset new never overwrites -------------------------------------------------------------


def test_new_never_overwrites_an_existing_annotation(repo: Path) -> None:
    annotation = repo / "data" / "annotations" / f"{SEED_ID}.yaml"
    before = annotation.read_bytes()
    result = CliRunner().invoke(
        app, ["new", str(repo / "seeds" / f"{SEED_ID}.txt"), "--root", str(repo)]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert annotation.read_bytes() == before


def test_new_does_not_write_through_a_symlinked_annotation(repo: Path, tmp_path: Path) -> None:
    annotation = repo / "data" / "annotations" / f"{SEED_ID}.yaml"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    annotation.unlink()
    annotation.symlink_to(victim)  # dangling-or-not, "x" mode refuses an existing name
    result = CliRunner().invoke(
        app, ["new", str(repo / "seeds" / f"{SEED_ID}.txt"), "--root", str(repo)]
    )
    assert result.exit_code == 1
    assert victim.read_text(encoding="utf-8") == "precious\n"
