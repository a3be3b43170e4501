"""`read_bounded` reads what `read(limit + 1)` on the open file would: up to the end of the
file or limit + 1 bytes, whichever comes first, also when the file is larger than it was when
opened (its first read asks only for the size it had then)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eventset.inputs.files import read_bounded


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 1002, 5000])
def test_read_bounded_at_and_around_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f"
    data = bytes(range(256)) * (size // 256 + 1)
    path.write_bytes(data[:size])
    with path.open("rb") as handle:
        expected = handle.read(1001)
    assert read_bounded(path, 1000) == expected


@pytest.mark.parametrize("size", [3, 200_000])
def test_read_bounded_reads_on_past_the_size_seen_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """A file that grew after the size was taken: the reads go on to the end or the limit."""
    path = tmp_path / "f"
    data = os.urandom(size)
    path.write_bytes(data)
    real_fstat = os.fstat

    def shrunk(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        fields = list(status)
        fields[6] = 1  # st_size: the file had one byte when it was opened
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", shrunk)
    assert read_bounded(path, 10**6) == data
    assert read_bounded(path, 100_000) == data[:100_001]
    assert read_bounded(path, 2) == data[:3]


def test_a_file_read_to_its_end_at_once_takes_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read returns less than it asked for (the size plus one): that is the end of the
    file, and no second read is made to find it (one system call for every file of a corpus).
    A str path is read as a Path is."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * 5000)
    real_read = os.read
    sizes: list[int] = []

    def counted(fd: int, size: int) -> bytes:
        sizes.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", counted)
    assert read_bounded(str(path), 10**6) == b"x" * 5000
    assert sizes == [5001]


def test_short_reads_before_the_end_read_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system may return less than asked before the end: only a first read of exactly
    the size seen at open ends the file early, any other short read goes on to the end."""
    path = tmp_path / "f"
    data = os.urandom(5000)
    path.write_bytes(data)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, min(size, 700)))
    assert read_bounded(path, 10**6) == data
    assert read_bounded(path, 1000) == data[:1001]
