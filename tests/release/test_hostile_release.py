"""A hostile release handed to `eventset check`, `load(path=)`, `diff`, `site` and `export`:
symlinks inside it, Parquet bombs, JSON nested 200,000 levels deep. Each is refused with the
project's release error (a sentence naming the file), never a traceback, never read silently.

The attacks keep the manifest consistent (checksums and sizes rewritten as a forger would), so
only the new refusals can stop them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventset.cli import app
from eventset.explorer.build import build_site
from eventset.exports.write import export_release
from eventset.pipeline import BuildResult
from eventset.release.check import check_release
from eventset.release.diff import diff_directories
from eventset.release.files import MAX_JSON_DEPTH, json_too_deep, parse_json
from eventset.release.load import load
from eventset.release.manifest import MANIFEST, ReleaseError
from eventset.release.parquet_limits import (
    MAX_FOOTER_BYTES,
    MAX_LIST_ITEM_CELL,
    MAX_STRING_CELL,
    footer_problem,
    read_table_file,
)
from eventset.schema.registry import Alias
from tests.conftest import REPO

EVENTS = "events/part-2021-09.parquet"
DEEP = 200_000


@pytest.fixture
def release(gold_build: BuildResult, tmp_path: Path) -> Path:
    assert gold_build.written is not None
    copy = tmp_path / "release" / gold_build.written.path.name
    shutil.copytree(gold_build.written.path, copy)
    return copy


def rehash(release: Path, relative: str) -> None:
    """The manifest entry of `relative` rewritten to match the file (as a forger would)."""
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    raw = (release / relative).read_bytes()
    for entry in manifest["files"]:
        if entry["path"] == relative:
            entry["sha256"] = "sha256:" + hashlib.sha256(raw).hexdigest()
            entry["bytes"] = len(raw)
    (release / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def with_summaries(release: Path, value: Callable[[int], str], **options: object) -> None:
    """The events file rewritten with every summary replaced (a bomb when they are long)."""
    path = release / EVENTS
    arrow = pq.read_table(path)
    field = arrow.schema.field("summary")
    column = pa.array([value(i) for i in range(arrow.num_rows)], type=field.type)
    arrow = arrow.set_column(arrow.schema.get_field_index("summary"), field, column)
    pq.write_table(arrow, path, compression="zstd", **options)
    rehash(release, EVENTS)


def refusals(release: Path) -> list[str]:
    """What each reader says of the release: check's problems, and the errors of load, diff,
    site and export (each must raise ReleaseError)."""
    said = check_release(release)
    for read in (
        lambda: load(path=release),
        lambda: diff_directories(release, release),
        lambda: build_site(release, release.parent / "site", jobs=1),
        lambda: export_release(release, "acled", release.parent / "acled.csv"),
    ):
        with pytest.raises(ReleaseError) as raised:
            read()
        said.append(str(raised.value))
    return said


# Symlinks ------------------------------------------------------------------------------------


def _link_file(release: Path) -> str:
    """A table file moved out of the release and linked back: its bytes still match."""
    outside = release.parent / "outside.parquet"
    (release / EVENTS).rename(outside)
    (release / EVENTS).symlink_to(outside)
    return EVENTS


def _link_table_folder(release: Path) -> str:
    outside = release.parent / "events-outside"
    (release / "events").rename(outside)
    (release / "events").symlink_to(outside, target_is_directory=True)
    return "events"


def _link_partition_folder(release: Path) -> str:
    """A hive-style partition folder that is a link: the manifest names a file below it."""
    outside = release.parent / "year-outside"
    outside.mkdir()
    (release / EVENTS).rename(outside / "part-0.parquet")
    (release / "events" / "year=2021").symlink_to(outside, target_is_directory=True)
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == EVENTS:
            entry["path"] = "events/year=2021/part-0.parquet"
    (release / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return "events/year=2021"


def _link_manifest(release: Path) -> str:
    outside = release.parent / "manifest-outside.json"
    (release / MANIFEST).rename(outside)
    (release / MANIFEST).symlink_to(outside)
    return MANIFEST


@pytest.mark.parametrize(
    "plant", [_link_file, _link_table_folder, _link_partition_folder, _link_manifest]
)
def test_a_symlink_inside_the_release_is_refused_by_every_reader(
    release: Path, plant: Callable[[Path], str]
) -> None:
    link = plant(release)
    said = refusals(release)
    assert any(f"{link} is a symbolic link" in text for text in said[:-4]), said  # check
    assert all("symbolic link" in text for text in said[-4:]), said[-4:]  # load, diff, ...


@pytest.mark.parametrize("command", ["check", "diff", "site", "export"])
def test_every_command_says_so_in_a_sentence(release: Path, command: str) -> None:
    _link_file(release)
    site, acled = str(release.parent / "site"), str(release.parent / "acled.csv")
    args = {
        "check": ["check", str(release)],
        "diff": ["diff", str(release), str(release)],
        "site": ["site", str(release), "--out", site, "--jobs", "1"],
        "export": ["export", str(release), "--format", "acled", "--out", acled],
    }[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{EVENTS} is a symbolic link" in result.output


def test_the_release_directory_itself_may_be_a_link(release: Path) -> None:
    """The path the user gives is theirs (dist/eventset-dev may be a link they made)."""
    link = release.parent / "via-link"
    link.symlink_to(release, target_is_directory=True)
    assert check_release(link) == []
    assert load(path=link)["events"].height > 0


def test_a_fifo_planted_as_a_table_file_does_not_hang(release: Path) -> None:
    (release / EVENTS).unlink()
    os.mkfifo(release / EVENTS)
    assert any(f"{EVENTS} is not a regular file" in p for p in check_release(release))


def test_a_file_longer_than_the_manifest_says_is_not_read_past_it(release: Path) -> None:
    with (release / EVENTS).open("ab") as handle:
        handle.write(b"\0" * 1_000_000)
    size = (release / EVENTS).stat().st_size - 1_000_000
    assert f"{EVENTS} has more than {size:,} bytes, the size the manifest says." in (
        check_release(release)
    )


# Parquet bombs -------------------------------------------------------------------------------


def test_a_declared_bomb_is_refused_before_its_pages_are_read(release: Path) -> None:
    """Summaries of 1 MB each: the footer declares more than the rows can need."""
    with_summaries(release, lambda i: "a" * 1_000_000 + str(i), use_dictionary=False)
    said = refusals(release)
    assert all("column summary declares" in text and "uncompressed" in text for text in said), said


def _varint(value: int, length: int = 0) -> bytes:
    """`value` as a Thrift compact i64 (zigzag varint), padded with continuation bytes to
    `length` (readers accept the padding, so a number can be replaced in place)."""
    raw, value = bytearray(), value << 1
    while True:
        raw.append(value & 0x7F | (0x80 if value >> 7 else 0))
        value >>= 7
        if not value:
            break
    while len(raw) < length:
        raw[-1] |= 0x80
        raw.append(0)
    return bytes(raw)


def test_a_footer_that_understates_its_pages_is_refused(release: Path) -> None:
    """The footer's uncompressed totals rewritten to 1,000 bytes: pyarrow would still unpack
    every page as its header says (measured: 428 MB for 100 MB of pages in a 3 kB file), so the
    page headers are read too."""
    with_summaries(release, lambda i: "d" * 1_000_000 + str(i), use_dictionary=False)
    path = release / EVENTS
    data = bytearray(path.read_bytes())
    metadata = pq.read_metadata(path)
    summary = metadata.schema.names.index("summary")
    total = metadata.row_group(0).column(summary).total_uncompressed_size
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    honest = _varint(total)
    at = data.index(honest, footer)
    while at >= 0:  # the column's total, and the row group's if they are equal
        data[at : at + len(honest)] = _varint(1000, len(honest))
        at = data.find(honest, at)
    path.write_bytes(data)
    rehash(release, EVENTS)
    assert pq.read_metadata(path).row_group(0).column(summary).total_uncompressed_size == 1000
    said = refusals(release)
    assert all(re.search(r"column summary declares 2,000,0\d\d bytes", text) for text in said), said


def test_a_long_value_repeated_from_a_dictionary_is_refused(release: Path) -> None:
    """One 150 kB value shared by every row: declared small (one dictionary entry), but each
    row would unpack it; it is over the string limit, measured on the dictionary."""
    with_summaries(release, lambda i: "b" * 150_000)
    said = refusals(release)
    assert all(f"the limit is {MAX_STRING_CELL - 4:,}" in text for text in said), said


def test_list_items_are_held_to_the_longest_alias(release: Path) -> None:
    """Every actor given 500 aliases of 300 four-byte characters passes (the most the models
    allow); one character more is refused."""
    path = release / "actors" / "part-0.parquet"
    arrow = pq.read_table(path)
    field = arrow.schema.field("aliases")
    index = arrow.schema.get_field_index("aliases")

    def aliases(length: int) -> None:
        names = [[chr(0x1F600 + n % 64) * length for n in range(500)]] * arrow.num_rows
        column = pa.array(names, type=field.type)
        pq.write_table(arrow.set_column(index, field, column), path, compression="zstd")
        rehash(release, "actors/part-0.parquet")

    aliases(300)
    assert load(path=release)["actors"].get_column("aliases").list.len().min() == 500
    aliases(301)
    with pytest.raises(ReleaseError, match=r"column aliases\.list\.element holds a value of 1,204"):
        load(path=release)


def test_the_longest_alias_is_the_models_limit() -> None:
    adapter = pydantic.TypeAdapter(Alias)
    assert adapter.validate_python("a" * 300)
    with pytest.raises(pydantic.ValidationError):
        adapter.validate_python("a" * 301)
    assert MAX_LIST_ITEM_CELL == 4 * 300 + 4


def test_rows_the_manifest_does_not_say_are_refused(release: Path) -> None:
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == EVENTS:
            entry["rows"] += 1_000_000
    (release / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert any("rows; the manifest says" in text for text in refusals(release))


def test_a_million_rows_of_nothing_in_a_tiny_file_are_refused(tmp_path: Path) -> None:
    """Run-length encoding packs a million equal values into bytes; unpacked, they are 8 MB per
    column, and a table has dozens of columns."""
    path = tmp_path / "nothing.parquet"
    pq.write_table(pa.table({"fatalities_best": pa.array([0] * 1_000_000)}), path)
    assert path.stat().st_size < 20_000
    with pytest.raises(ReleaseError, match="cannot be packed tighter than 8 per byte"):
        read_table_file(path.read_bytes(), "events", 1_000_000, "events/part-0.parquet")


def _parquet(release: Path) -> bytes:
    return (release / EVENTS).read_bytes()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda raw: raw[:-4] + b"PARE", "is not a Parquet file"),
        (lambda raw: raw[:-8] + (2**31).to_bytes(4, "little") + b"PAR1", "declares a footer"),
        (
            lambda raw: raw[:-8] + (MAX_FOOTER_BYTES + 1).to_bytes(4, "little") + b"PAR1",
            f"the limit is {MAX_FOOTER_BYTES:,}",
        ),
        (lambda raw: raw[:5], "is not a Parquet file"),
        (lambda raw: raw[:100] + raw[-8:], "declares a footer"),
        (lambda raw: raw[:-200] + raw[-8:], "malformed footer|cannot be read as Parquet"),
    ],
)
def test_a_footer_that_cannot_be_trusted_is_refused(
    release: Path, damage: Callable[[bytes], bytes], said: str
) -> None:
    with pytest.raises(ReleaseError, match=said):
        read_table_file(damage(_parquet(release)), "events", 2, EVENTS)


_READ = """
import sys
from pathlib import Path
from eventset.release.manifest import ReleaseError
from eventset.release.parquet_limits import read_table_file
try:
    read_table_file(Path(sys.argv[1]).read_bytes(), "events", int(sys.argv[2]), "events")
except ReleaseError as err:
    print(err)
"""
# Spawned from a small helper process: Linux keeps a process's peak RSS across exec, so a child
# forked straight from pytest would report pytest's size (see tests/security/test_hostile_files.py).
_MEASURE = """
import os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _peak_mb(path: Path, rows: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-c", _READ, str(path), str(rows)],
        capture_output=True,
        text=True,
        timeout=120,  # only stops a hang
        check=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    code, rss_kib = done.stdout.split("\n")[-2].split()
    assert int(code) == 0, done.stderr  # a child killed by a signal says why here, if anywhere
    return int(rss_kib) // 1024


@given(damage=st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 255)), max_size=8))
def test_damaged_bytes_are_read_or_refused_never_a_traceback(
    gold_build: BuildResult, damage: list[tuple[int, int]]
) -> None:
    """Bytes anywhere in a table file (pages, page headers, footer) overwritten: the bounded
    reader returns a table or raises ReleaseError, nothing else."""
    assert gold_build.written is not None
    data = bytearray((gold_build.written.path / EVENTS).read_bytes())
    for at, value in damage:
        data[at % len(data)] = value
    with contextlib.suppress(ReleaseError):
        read_table_file(bytes(data), "events", 2, EVENTS)


_ABORTS = """
import sys
import pyarrow.parquet as pq
metadata = pq.read_metadata(sys.argv[1])
for c in range(metadata.num_columns):
    metadata.row_group(0).column(c)
"""


def test_a_footer_pyarrow_would_abort_on_is_refused(
    gold_build: BuildResult, tmp_path: Path
) -> None:
    """An empty repetition level histogram (SizeStatistics field 2: bytes 0x19 0x06) made to
    claim two entries: pyarrow 26 aborts the whole process on such a footer (found by fuzzing),
    so the footer's own Thrift is read first."""
    assert gold_build.written is not None
    data = (gold_build.written.path / EVENTS).read_bytes()
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    for at in range(footer + 1, len(data) - 8):
        if data[at - 1 : at + 1] == b"\x19\x06":
            damaged = data[:at] + b"\x26" + data[at + 1 :]
            if "histograms" in (footer_problem(damaged) or ""):
                break
    else:
        pytest.fail("no empty repetition level histogram in the footer")
    with pytest.raises(ReleaseError, match="level histograms that do not fit its schema"):
        read_table_file(damaged, "events", 2, EVENTS)
    (tmp_path / "aborts.parquet").write_bytes(damaged)
    done = subprocess.run(
        [sys.executable, "-c", _ABORTS, str(tmp_path / "aborts.parquet")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode < 0 and "histogram size mismatch" in done.stderr, done


def test_a_bomb_is_refused_in_the_memory_of_a_clean_file(release: Path) -> None:
    """The bounded reader on 2 x 16 MB of summaries packed into kilobytes takes no more memory
    than on the clean file (reading the pages would take about 64 MB more: pages and arrays);
    `eventset check` and `load` on a larger bomb are measured in docs/limits.md."""
    rows = pq.read_metadata(release / EVENTS).num_rows
    clean = _peak_mb(release / EVENTS, rows)
    with_summaries(release, lambda i: "c" * 16_000_000 + str(i), use_dictionary=False)
    assert (release / EVENTS).stat().st_size < 100_000
    assert _peak_mb(release / EVENTS, rows) < clean + 16


# JSON ----------------------------------------------------------------------------------------


def test_a_manifest_200000_levels_deep_is_refused_not_a_recursion_error(release: Path) -> None:
    (release / MANIFEST).write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    said = refusals(release)
    where = f"{MANIFEST}:1:{MAX_JSON_DEPTH + 1}: arrays or objects nested more than"
    assert all(where in text for text in said), said


def test_a_deep_manifest_in_the_cli_is_a_sentence(release: Path) -> None:
    (release / MANIFEST).write_text('{"files": ' + "[" * DEEP + "]" * DEEP + "}", "utf-8")
    for args in (["check", str(release)], ["diff", str(release), str(release)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "levels deep" in result.output


def test_the_first_bracket_too_deep_is_located() -> None:
    text = '{"files": [\n  {"a": "[[[[", "b": [\n    [1]]}]}'
    assert json_too_deep(text, 3) == (2, 22)
    assert json_too_deep(text, 4) == (3, 5)
    assert json_too_deep(text, 5) is None


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"files": [{"path": "[" * 10_000 + '\\"{' * 1000}]})
    assert json_too_deep(text, 3) is None
    assert parse_json(text.encode(), "m.json")["files"][0]["path"].startswith("[[")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(value=JSON_VALUES, limit=st.integers(min_value=0, max_value=6))
def test_the_depth_scan_agrees_with_the_parsed_value(value: object, limit: int) -> None:
    assert (json_too_deep(json.dumps(value), limit) is not None) == (_depth(value) > limit)


def test_a_manifest_over_the_size_limit_is_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("eventset.release.files.MAX_JSON_BYTES", 1000)
    assert any("more than 1,000 bytes" in p for p in check_release(release))


def test_the_release_limits_are_documented_with_their_numbers() -> None:
    """docs/limits.md and SECURITY.md give each limit's number next to its name in the code."""
    from eventset.release import files, parquet_limits

    limits = (REPO / "docs" / "limits.md").read_text(encoding="utf-8")
    security = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    stated = {
        "MAX_JSON_BYTES": (files.MAX_JSON_BYTES, "16 MiB"),
        "MAX_JSON_DEPTH": (files.MAX_JSON_DEPTH, "64 levels"),
        "MAX_FOOTER_BYTES": (parquet_limits.MAX_FOOTER_BYTES, "1 MiB"),
        "MAX_ROWS_PER_BYTE": (parquet_limits.MAX_ROWS_PER_BYTE, "8 per byte"),
        "CHUNK_OVERHEAD": (parquet_limits.CHUNK_OVERHEAD, "64 KiB"),
        "MAX_STRING_CELL": (parquet_limits.MAX_STRING_CELL, "80,004"),
        "MAX_LIST_ITEMS": (parquet_limits.MAX_LIST_ITEMS, "500 values per row"),
        "MAX_LIST_ITEM_CELL": (parquet_limits.MAX_LIST_ITEM_CELL, "1,204 bytes"),
    }
    numbers = {"16 MiB": 16 << 20, "64 levels": 64, "1 MiB": 1 << 20, "8 per byte": 8}
    numbers |= {"64 KiB": 64 << 10, "80,004": 80_004, "500 values per row": 500}
    numbers |= {"1,204 bytes": 1204}
    for name, (value, text) in stated.items():
        assert value == numbers[text], name
        assert text in limits and f"`{name}`" in limits, name
    for name in ("MAX_JSON_BYTES", "MAX_JSON_DEPTH", "MAX_FOOTER_BYTES", "MAX_ROWS_PER_BYTE"):
        assert f"`{name}`" in security, name
