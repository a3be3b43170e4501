"""Hostile text in exports: a spreadsheet opening a CSV export runs no formula (OWASP's
neutralisation, reversible), numbers stay numbers, and Parquet and JSON Lines keep the text
byte for byte; an export to a folder that does not exist is a message, not a traceback."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventset.cli import app
from eventset.exports.formulas import TRIGGERS, needs_quote, neutralised
from eventset.pipeline import build
from tests.conftest import REPO

# Attacks from OWASP's CSV injection page and the issue, as actor names and a summary.
HOSTILE_NAMES = {
    "name: United States Armed Forces": 'name: "=HYPERLINK(\\"http://x\\",\\"y\\")"',
    "name: Ashab al-Kahf": "name: \"-2+3+cmd|' /C calc'!A0\"",
    "name: Islamic State": "name: \"@SUM(1+1)*cmd|' /C calc'!A0\"",
    "name: Iraq\n": 'name: "\\t=1+1"\n',
    "name: Popular Mobilization Units": 'name: "\\uFF1DHYPERLINK(1)"',
}
RAW_NAMES = {
    '=HYPERLINK("http://x","y")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\uff1dHYPERLINK(1)",
}


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    registry = root / "data" / "actors.yaml"
    text = registry.read_text(encoding="utf-8")
    for old, new in HOSTILE_NAMES.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    registry.write_text(text, encoding="utf-8")
    result = build(root, root / "dist", "dev", cache=False)
    assert result.written is not None, result.failures
    return result.written.path


def _export(release: Path, fmt: str, out: Path) -> None:
    args = ["export", str(release), "-f", fmt, "--out", str(out), "--all"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("fmt", ["ucdp-ged", "acled"])
def test_no_csv_cell_can_run_as_a_formula(hostile_release: Path, tmp_path: Path, fmt: str) -> None:
    _export(hostile_release, fmt, tmp_path / "out.csv")
    _export(hostile_release, fmt, tmp_path / "out.parquet")
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    table = pq.read_table(tmp_path / "out.parquet")
    assert len(rows) == table.num_rows > 0
    cells = [cell for row in rows for cell in row.values()]
    risky = (*TRIGGERS, "\t", "\r", "\n")
    assert not [c for c in cells if c and (c[0] in risky or c.lstrip()[:1] in risky)]
    # Every text cell is the Parquet cell, with one leading quote when it needed one; numbers
    # are written as numbers (a negative longitude keeps its minus sign).
    for name in table.column_names:
        kind = table.schema.field(name).type
        for row, value in zip(rows, table.column(name).to_pylist(), strict=True):
            if value is None:
                assert row[name] == ""
            elif pa.types.is_string(kind):
                assert row[name] == ("'" + value if needs_quote(value) else value)
            elif pa.types.is_floating(kind) or pa.types.is_integer(kind):
                assert float(row[name]) == value
    # the hostile names really reached the export, raw in Parquet
    texts = {v for col in table.columns if pa.types.is_string(col.type) for v in col.to_pylist()}
    assert any(n in v for n in RAW_NAMES for v in texts if v)


def test_json_lines_keep_the_text_as_written(hostile_release: Path, tmp_path: Path) -> None:
    _export(hostile_release, "plover", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    names = {
        e["identifier_text"]
        for line in lines
        for side in ("actor", "recipient")
        for e in json.loads(line)[side]
    }
    assert names & RAW_NAMES


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=20))
def test_arrow_and_python_agree_on_which_cells_to_quote(cells: list[str | None]) -> None:
    table = pa.table({"text": pa.array(cells, pa.string())})
    out = neutralised(table).column("text").to_pylist()
    for cell, written in zip(cells, out, strict=True):
        if cell is None:
            assert written is None
        else:
            assert written == ("'" + cell if needs_quote(cell) else cell)
            # reversible: one leading quote removed gives the data back
            assert (written[1:] if written.startswith("'") else written) == cell


def test_export_into_a_missing_folder_is_a_message(hostile_release: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "dir" / "x.csv"
    result = CliRunner().invoke(
        app, ["export", str(hostile_release), "-f", "acled", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "no such folder" in result.output and "Traceback" not in result.output
    assert not result.exception or isinstance(result.exception, SystemExit)
    # a folder given as the file is refused too, and nothing half-written is left behind
    folder = tmp_path / "x.csv"
    folder.mkdir()
    result = CliRunner().invoke(
        app, ["export", str(hostile_release), "-f", "acled", "-o", str(folder)]
    )
    assert result.exit_code == 1 and "is a folder" in result.output
    assert not list(tmp_path.glob(".*.partial"))
