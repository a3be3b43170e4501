"""The corpus's files asked into the page cache ahead of the workers (inputs/read_ahead.py): only
files missing from the cache are advised, a chunk at a time in the order given, and the probes
and advice neither follow a link, nor wait on a FIFO, nor fail on what is not a regular file."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs import read_ahead
from eventset.inputs.read_ahead import PROBES, ReadAhead, advise, cached, missing

pytestmark = pytest.mark.skipif(not read_ahead.AVAILABLE, reason="Linux's RWF_NOWAIT, fadvise")


def _evict(path: Path) -> None:
    """`path` written to disk and its pages dropped from the page cache, where the file system
    lets a clean file's pages go (not tmpfs)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _written(folder: Path, names: list[str]) -> list[str]:
    paths = []
    for name in names:
        path = folder / name
        path.write_bytes(b"id: x\n" * 2000)
        paths.append(str(path))
    return paths


def test_a_file_just_written_is_cached(tmp_path: Path) -> None:
    [path] = _written(tmp_path, ["a.yaml"])
    assert cached(path)


def _resident(paths: list[str]) -> list[int]:
    """Each file's bytes in the page cache, by util-linux's fincore (mincore(2)), which unlike
    a probe does not start a read."""
    shown = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(line) for line in shown.stdout.split()]


def test_a_chunk_dropped_from_the_cache_is_found_missing_and_read_ahead(tmp_path: Path) -> None:
    """The probe's read fails rather than wait, and the advice brings back every file of the
    chunk, not only the few probed (a probe that misses starts the kernel's read of its file)."""
    [sentinel, *paths] = _written(tmp_path, [f"d{n:02d}.yaml" for n in range(41)])
    _evict(Path(sentinel))
    # Whether eviction works is told by fincore where there is one, not by the probe under test.
    kept = _resident([sentinel])[0] if shutil.which("fincore") else cached(sentinel)
    if kept:
        pytest.skip("this file system keeps a clean file's pages (tmpfs)")
    for path in paths:  # not probed here: that would read them
        _evict(Path(path))
    if shutil.which("fincore"):
        assert not any(_resident(paths))
    with ReadAhead() as ahead:
        ahead.add(paths)
        ahead.wait()
    assert ahead.advised == len(paths)
    if shutil.which("fincore"):
        deadline = time.monotonic() + 10
        while not all(_resident(paths)) and time.monotonic() < deadline:
            time.sleep(0.02)  # the advice queues the reads; it does not wait for them
        assert all(_resident(paths))


def test_a_link_to_a_file_dropped_from_the_cache_is_not_followed(tmp_path: Path) -> None:
    """A link in the corpus is the worker's to report (files.read_bounded refuses it): the probe
    and the advice open it without following it, so the file it points to, dropped from the
    page cache, is neither found missing nor read in through it."""
    [target] = _written(tmp_path, ["target.yaml"])
    _evict(Path(target))
    if not shutil.which("fincore") or _resident([target])[0]:
        pytest.skip("needs fincore, and a file system that drops a clean file's pages")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert cached(str(link))
    advise(str(link))
    time.sleep(0.3)  # an advice queues its read: give a wrong one time to land
    assert _resident([target]) == [0]


def test_what_is_not_a_regular_file_is_neither_probed_nor_advised(tmp_path: Path) -> None:
    """A link (not followed), a FIFO with no writer (not waited on), a folder and a missing
    file count as cached and advising them does nothing: the worker reports each."""
    [target] = _written(tmp_path, ["target.yaml"])
    (tmp_path / "link.yaml").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder.yaml").mkdir()
    odd = [str(tmp_path / name) for name in ("link.yaml", "fifo.yaml", "folder.yaml", "gone")]
    done = threading.Event()

    def probe() -> None:
        for path in odd:
            assert cached(path)
            advise(path)
        done.set()

    threading.Thread(target=probe, daemon=True).start()
    assert done.wait(10), "a probe waited"


@given(st.integers(0, 5000))
def test_a_chunk_is_probed_on_a_few_files_spread_over_it(size: int) -> None:
    """At most PROBES files of a chunk are probed, evenly from its first to within a step of
    its last: a corpus in the cache costs a few probes a chunk, not one a file."""
    probed: list[int] = []

    def probe(path: str) -> bool:
        probed.append(int(path))
        return True

    original = read_ahead.cached
    read_ahead.cached = probe
    try:
        assert not missing([str(n) for n in range(size)])
    finally:
        read_ahead.cached = original
    assert len(probed) == min(size, PROBES)
    assert probed == sorted(set(probed))
    if size:
        assert probed[0] == 0
        assert size - 1 - probed[-1] <= size // PROBES


def test_only_chunks_found_missing_are_advised_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are advised in the order added, every file of a missing chunk (seeds that do not
    exist skipped), none of a cached one."""
    missing_chunks = {"b0", "d0"}
    advised: list[str] = []
    monkeypatch.setattr(read_ahead, "missing", lambda paths: paths[0] in missing_chunks)
    monkeypatch.setattr(read_ahead, "advise", advised.append)
    with ReadAhead() as ahead:
        for name in "abcd":
            ahead.add([f"{name}0", None, f"{name}1"])
        ahead.wait()
    assert advised == ["b0", "b1", "d0", "d1"]
    assert ahead.advised == 4


def test_leaving_stops_the_thread_at_the_next_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that fails or is interrupted does not wait for the rest of the corpus's advice."""
    started, release = threading.Event(), threading.Event()
    advised: list[str] = []

    def slow(path: str) -> None:
        advised.append(path)
        started.set()
        release.wait(10)

    monkeypatch.setattr(read_ahead, "missing", lambda paths: True)
    monkeypatch.setattr(read_ahead, "advise", slow)
    ahead = ReadAhead()
    with ahead:
        ahead.add([f"f{n}" for n in range(1000)])
        assert started.wait(10)
        threading.Timer(0.2, release.set).start()
    assert advised == ["f0"]


def test_probes_and_advice_leave_no_file_open(tmp_path: Path) -> None:
    """Each probe and advice closes what it opened, whatever it found: a million documents are
    two million files, far more than a process may hold open."""
    [regular] = _written(tmp_path, ["a.yaml"])
    (tmp_path / "folder.yaml").mkdir()
    paths = [regular, str(tmp_path / "folder.yaml"), str(tmp_path / "gone")]
    before = _open_files()
    for _ in range(20):
        for path in paths:
            cached(path)
            advise(path)
    assert _open_files() == before


def _open_files() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())
