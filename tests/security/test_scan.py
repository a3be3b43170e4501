"""Listing an input folder through GNU find gives exactly what Python's own walk gives: the same
entries, kinds and stat signatures, whatever the names hold (eventset/inputs/scan.py, find.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs import find, scan


def _installed_find() -> tuple[str | None, bool]:
    """Where find is and whether it is GNU's, asked here rather than of the module under test."""
    found = shutil.which("find")
    if found is None:
        return None, False
    version = subprocess.run([found, "--version"], capture_output=True, check=False).stdout
    return found, b"GNU findutils" in version


FIND, GNU = _installed_find()
pytestmark = pytest.mark.skipif(not GNU, reason="GNU find is not installed: Python walks")


def test_gnu_find_is_used_where_it_is_installed() -> None:
    """Debian and Ubuntu (CI) ship GNU find: the fast walk must not be silently lost there."""
    assert find.gnu_find() == FIND


# Names a file system accepts: no "/" or NUL; "." and ".." are not entries.
NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/\x00"),
    min_size=1,
    max_size=40,
).filter(lambda name: name not in {".", ".."} and len(name.encode()) < 200)


def _plain(entries: scan.Entries) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    return dict(entries.files.iter_rows()), entries.unencodable, entries.others


def _by_find(folder: Path) -> scan.Entries:
    started = find.start(folder)
    assert started is not None
    out = started.records()
    assert out is not None
    entries = scan._parse(out)
    assert entries is not None
    return entries


def _entries(folder: Path, names: set[str], *, fifos: bool) -> Path:
    """`folder` with an entry of each name, of every kind in turn: a file of `at` bytes, a
    folder, a link (dangling), and with `fifos` a FIFO."""
    for at, name in enumerate(sorted(names)):
        path = folder / name
        if at % 4 == 1:
            path.mkdir()
        elif at % 4 == 2:
            path.symlink_to(folder / "elsewhere")
        elif at % 4 == 3 and fifos:
            os.mkfifo(path)
        else:
            path.write_bytes(b"x" * at)
    return folder


@given(names=st.sets(NAMES, max_size=12))
def test_find_and_python_list_the_same_entries(tmp_path_factory: pytest.TempPathFactory,
                                               names: set[str]) -> None:  # fmt: skip
    folder = _entries(tmp_path_factory.mktemp("scan"), names, fifos=False)
    assert _plain(_by_find(folder)) == _plain(scan.walk_in_python(folder))
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
    assert _plain(found) == _plain(scan.walk_in_python(tmp_path))
    assert found.others == {"fifo.yaml": "o", "sub": "d", "link.yaml": "l"}
    st = os.lstat(tmp_path / "-rf.yaml")
    mtime, ctime = (f"{ns // 10**9}.{ns % 10**9:09d}0" for ns in (st.st_mtime_ns, st.st_ctime_ns))
    assert dict(found.files.iter_rows())["-rf.yaml"] == f"{st.st_size}.{mtime}.{ctime}.{st.st_ino}"


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names are bytes")
def test_a_name_that_is_not_utf8_is_named_as_python_names_it(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("a")
    os.close(os.open(os.fsencode(tmp_path) + b"/bad-\xff.yaml", os.O_CREAT | os.O_WRONLY))
    started = find.start(tmp_path)
    assert started is not None
    out = started.records()
    assert out is not None and scan._parse(out) is None  # find's reading declines ...
    assert _plain(scan.walk(tmp_path)) == _plain(scan.walk_in_python(tmp_path))  # Python walks
    assert "bad-\udcff.yaml" in scan.walk(tmp_path).unencodable


def test_a_prefetched_walk_is_used_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a")
    find.prefetch(tmp_path)
    assert (os.path.realpath(tmp_path), False) in find._started
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml"}
    assert (os.path.realpath(tmp_path), False) not in find._started
    (tmp_path / "b.yaml").write_text("b")
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml", "b.yaml"}  # walked again


@given(names=st.sets(NAMES, max_size=12))
def test_the_walk_of_kinds_gives_the_entries_that_are_not_files(
    tmp_path_factory: pytest.TempPathFactory, names: set[str]
) -> None:
    """`scan.others` (find without a stat of each file, or Python's listing) gives exactly the
    `others` of the whole walk."""
    folder = _entries(tmp_path_factory.mktemp("kinds"), names, fifos=True)
    whole = scan.walk_in_python(folder).others
    started = find.start(folder, kinds=True)
    assert started is not None
    out = started.records()
    assert out is not None
    assert scan._parse_kinds(out) == whole
    assert scan.others_in_python(folder) == whole
    assert scan.others(folder) == whole


def test_a_prefetched_walk_of_kinds_is_used_once_and_apart(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a")
    (tmp_path / "link.yaml").symlink_to("a.yaml")
    find.prefetch(tmp_path, kinds=True)
    assert (os.path.realpath(tmp_path), True) in find._started
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml"}  # not the walk of kinds
    assert scan.others(tmp_path) == {"link.yaml": "l"}
    assert (os.path.realpath(tmp_path), True) not in find._started


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names are bytes")
def test_kinds_named_in_bytes_that_are_not_utf8_are_named_as_python_names_them(
    tmp_path: Path,
) -> None:
    os.symlink("x", os.fsencode(tmp_path) + b"/bad-\xff.txt")  # noqa: PTH211 (a name in bytes)
    started = find.start(tmp_path, kinds=True)
    assert started is not None
    out = started.records()
    assert out is not None and scan._parse_kinds(out) is None  # find's reading declines ...
    assert scan.others(tmp_path) == {"bad-\udcff.txt": "l"} == scan.walk_in_python(tmp_path).others


@pytest.mark.parametrize(
    "out",
    [b"a\x00l\x00b\x00", b"a\x00l", b"a\x00f\x00", b"a\x00ld\x00", b"bad-\xff\x00l\x00"],
)
def test_records_of_kinds_that_are_not_whole_are_not_used(out: bytes) -> None:
    assert scan._parse_kinds(out) is None


def test_a_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert _plain(scan.walk(tmp_path / "absent")) == ({}, {}, {})


def test_walks_started_together_give_each_folder_its_own(tmp_path: Path) -> None:
    for folder, names in (("a", ["x.yaml", "y.yaml"]), ("b", []), ("c", ["x.yaml"])):
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text(folder)
    find.prefetch(tmp_path / "a", tmp_path / "b", tmp_path / "c")
    walked = {folder: scan.walk(tmp_path / folder) for folder in "abc"}
    for folder in "abc":
        assert _plain(walked[folder]) == _plain(scan.walk_in_python(tmp_path / folder))
    assert set(walked["a"].files["name"]) == {"x.yaml", "y.yaml"}
    assert _plain(walked["b"]) == ({}, {}, {})


def _record(name: str, size: str = "3", mtime: str = "1700000000.1234567890",
            ctime: str = "1700000001.1234567890", inode: str = "7", kind: str = "f") -> str:  # fmt: skip
    return f"{name}\x00{kind} {size}.{mtime}.{ctime}.{inode}\x00"


def test_find_records_read_as_stat_signatures() -> None:
    parsed = scan._parse((_record("a.yaml") + _record("b.yaml", "40")).encode())
    assert parsed is not None
    assert dict(parsed.files.iter_rows()) == {
        "a.yaml": "3.1700000000.1234567890.1700000001.1234567890.7",
        "b.yaml": "40.1700000000.1234567890.1700000001.1234567890.7",
    }


def test_a_signature_is_what_find_prints() -> None:
    """Python's walk writes a signature in find's own form, negative times included (before
    1970: find's records of those are not read, so Python walks)."""

    class Stat:
        st_size, st_ino = 3, 7
        st_mtime_ns, st_ctime_ns = 1_700_000_000_123_456_789, -1_500_000_000

    assert scan.signature_of(Stat()) == "3.1700000000.1234567890.-2.5000000000.7"  # type: ignore[arg-type]


def test_records_of_other_kinds_are_named_by_kind() -> None:
    out = "".join(
        [
            _record("a.yaml"),
            _record("link.yaml", kind="l"),
            _record("sub", kind="d"),
            _record("fifo.yaml", kind="p"),
        ]
    )
    parsed = scan._parse(out.encode())
    assert parsed is not None
    assert dict(parsed.files.iter_rows()) == {
        "a.yaml": "3.1700000000.1234567890.1700000001.1234567890.7"
    }
    assert parsed.others == {"link.yaml": "l", "sub": "d", "fifo.yaml": "o"}


@pytest.mark.parametrize(
    "field, odd",
    [
        ("mtime", "1700000000"),
        ("mtime", "1700000000.123456789"),
        ("ctime", "1700000000.12345678901"),
        ("ctime", "x.1234567890"),
        ("size", "3k"),
        ("inode", "-7"),
    ],
)
def test_records_in_another_form_are_not_used(field: str, odd: str) -> None:
    """Nanoseconds are read off find's ten-digit fraction; a record in any other form makes the
    whole walk fall back to Python, even when the other records are fine."""
    good = _record("a.yaml")
    bad = _record("b.yaml", **{field: odd})
    assert scan._parse((good + bad).encode()) is None
    assert scan._parse((bad + good).encode()) is None


@pytest.mark.parametrize(
    "out",
    [
        b"a.yaml\x00f 3.1\x00b.yaml\x00",  # a record cut short
        _record("a.yaml").encode()[:-1],  # the last field not ended
        b"bad-\xff.yaml" + _record("").encode(),  # a name that is not UTF-8
    ],
)
def test_output_that_is_not_whole_records_is_not_used(out: bytes) -> None:
    assert scan._parse(out) is None


def test_a_walk_find_cannot_read_is_done_by_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text("a")
    monkeypatch.setattr(scan, "_parse", lambda out: None)
    assert _plain(scan.walk(tmp_path)) == _plain(scan.walk_in_python(tmp_path))
    assert set(scan.walk(tmp_path).files["name"]) == {"a.yaml"}


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names are bytes")
def test_an_annotation_named_in_bytes_that_are_not_utf8_is_refused(repo: Path) -> None:
    from eventset.validation.repository import validate_repository

    folder = os.fsencode(repo / "data" / "annotations")
    os.close(os.open(folder + b"/bad-\xff.yaml", os.O_CREAT | os.O_WRONLY))
    problems = validate_repository(repo).problems
    assert [p.code for p in problems if "bad-" in p.file] == ["E205"]
