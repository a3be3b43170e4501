"""Listing an input folder through GNU find gives exactly what Python's own walk gives: the same
entries, kinds and stat signatures, whatever the names hold (eventset/inputs/scan.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs import scan

pytestmark = pytest.mark.skipif(
    scan._gnu_find() is None, reason="GNU find is not installed: Python walks every folder"
)

# Names a file system accepts: no "/" or NUL; "." and ".." are not entries.
NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/\x00"),
    min_size=1,
    max_size=40,
).filter(lambda name: name not in {".", ".."} and len(name.encode()) < 200)


def _by_find(folder: Path) -> scan.Entries:
    started = scan._find(folder)
    assert started is not None
    entries = started.entries()
    assert entries is not None
    return entries


@given(names=st.sets(NAMES, max_size=12))
def test_find_and_python_list_the_same_entries(tmp_path_factory: pytest.TempPathFactory,
                                               names: set[str]) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("scan")
    for at, name in enumerate(sorted(names)):
        path = folder / name
        if at % 4 == 1:
            path.mkdir()
        elif at % 4 == 2:
            path.symlink_to(folder / "elsewhere")
        else:
            path.write_bytes(b"x" * at)
    assert _by_find(folder) == scan.walk_in_python(folder)
    python = scan.walk_in_python(folder)
    assert set(python.files["name"]) | set(python.others) == names


def test_odd_names_and_kinds(tmp_path: Path) -> None:
    (tmp_path / "line\nbreak.yaml").write_text("a")
    (tmp_path / "-rf.yaml").write_text("bb")
    (tmp_path / "tab\there.txt").write_text("")
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.yaml").symlink_to("/etc/passwd")
    found = _by_find(tmp_path)
    assert found == scan.walk_in_python(tmp_path)
    assert found.others == {"fifo.yaml": "o", "sub": "d", "link.yaml": "l"}
    st = os.lstat(tmp_path / "-rf.yaml")
    assert dict(found.files.iter_rows())["-rf.yaml"] == (
        f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names are bytes")
def test_a_name_that_is_not_utf8_is_named_as_python_names_it(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("a")
    os.close(os.open(os.fsencode(tmp_path) + b"/bad-\xff.yaml", os.O_CREAT | os.O_WRONLY))
    started = scan._find(tmp_path)
    assert started is not None and started.entries() is None  # find's reading declines ...
    assert scan.walk(tmp_path) == scan.walk_in_python(tmp_path)  # ... and Python walks
    assert "bad-\udcff.yaml" in scan.walk(tmp_path).unencodable


def test_a_prefetched_walk_is_used_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a")
    scan.prefetch(tmp_path)
    assert os.path.realpath(tmp_path) in scan._started
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml"}
    assert os.path.realpath(tmp_path) not in scan._started
    (tmp_path / "b.yaml").write_text("b")
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml", "b.yaml"}  # walked again


def test_a_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert scan.walk(tmp_path / "absent") == scan.Entries.none()


def test_walks_started_together_give_each_folder_its_own(tmp_path: Path) -> None:
    for folder, names in (("a", ["x.yaml", "y.yaml"]), ("b", []), ("c", ["x.yaml"])):
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text(folder)
    scan.prefetch(tmp_path / "a", tmp_path / "b", tmp_path / "c")
    walked = {folder: scan.walk(tmp_path / folder) for folder in "abc"}
    assert walked == {folder: scan.walk_in_python(tmp_path / folder) for folder in "abc"}
    assert set(walked["a"].files["name"]) == {"x.yaml", "y.yaml"}
    assert walked["b"] == scan.Entries.none()


def test_times_in_another_form_are_not_used() -> None:
    """Nanoseconds are read off find's ten-digit fraction; any other form is refused, not cut."""
    record = "\x00".join(["a.yaml", "f", "3", "{t}", "{t}", "7", ""])
    assert scan._parse(record.format(t="1700000000.1234567890").encode()) is not None
    for odd in ("1700000000", "1700000000.123456789", "1700000000.12345678901", "x.1234567890"):
        assert scan._parse(record.format(t=odd).encode()) is None


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names are bytes")
def test_an_annotation_named_in_bytes_that_are_not_utf8_is_refused(repo: Path) -> None:
    from eventset.validation.repository import validate_repository

    folder = os.fsencode(repo / "data" / "annotations")
    os.close(os.open(folder + b"/bad-\xff.yaml", os.O_CREAT | os.O_WRONLY))
    problems = validate_repository(repo).problems
    assert [p.code for p in problems if "bad-" in p.file] == ["E205"]
