"""UCDP GED, ACLED and PLOVER exports: the peers' columns, in their order and types, and
nothing invented for a column the dataset cannot fill."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.exports import acled, plover, ucdp_ged
from eventset.exports.ucdp_ged import priogrid_gid
from eventset.pipeline import build
from eventset.release.load import load
from tests.conftest import REPO

PEERS = REPO.parent / "shared" / "reference" / "peers"
MANUAL = REPO.parent / "shared" / "reference" / "PLOVER_MANUAL.tex"
SOLEIMANI = "iq-2020-01-03-soleimani-muhandis-killing"
BOMBING = "iq-2021-09-06-kalsu-bridge-convoy-bombing"


def _reference(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared reference files live beside the repository)")
    return path


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = build(root, root / "dist", "dev", cache=False)
    assert result.written is not None, result.failures
    return result.written.path


def _logical(dtype: pa.DataType) -> str:
    return "string" if dtype in (pa.string(), pa.large_string()) else str(dtype)


def test_ucdp_ged_has_ucdps_49_columns_in_order_and_type(release: Path, tmp_path: Path) -> None:
    sample = pq.read_schema(_reference(PEERS / "ucdp-ged-23.1-sample.parquet"))
    out = tmp_path / "ged.parquet"
    args = ["export", str(release), "-f", "ucdp-ged", "--out", str(out), "--all"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    ours = pq.read_schema(out)
    assert len(sample) == 49
    assert ours.names == sample.names
    assert [_logical(t) for t in ours.types] == [_logical(t) for t in sample.types]
    rows = {row["relid"]: row for row in pq.read_table(out).to_pylist()}
    assert set(rows) == {SOLEIMANI, BOMBING}  # the ASSAULT events
    assert rows[SOLEIMANI]["type_of_violence"] is None  # victims of unstated affiliation
    assert rows[SOLEIMANI]["low"] == 2 and rows[SOLEIMANI]["date_prec"] == 1
    # only a low figure is stated: UCDP's best and high are not left empty
    assert rows[SOLEIMANI]["best"] == rows[SOLEIMANI]["high"] == 2
    bombing = rows[BOMBING]
    assert bombing["adm_1"] == "Babil" and bombing["where_prec"] == 4
    assert bombing["priogrid_gid"] == priogrid_gid(bombing["latitude"], bombing["longitude"])


def test_priogrid_matches_ucdps_own_cells() -> None:
    sample = pq.read_table(_reference(PEERS / "ucdp-ged-23.1-sample.parquet")).to_pylist()
    for row in sample:
        assert priogrid_gid(row["latitude"], row["longitude"]) == row["priogrid_gid"], row["id"]


def _acled_layout() -> list[tuple[str, str]]:
    """ACLED's columns from the peers README: the table's left column, then its right one."""
    readme = _reference(PEERS / "README.md").read_text(encoding="utf-8")
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for line in readme.split("## ACLED", 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("column", "---"):
            continue
        for side, (name, kind) in ((left, cells[:2]), (right, cells[2:])):
            if name:
                side.append((name, kind.split(" ")[0]))
    return left + right


def test_acled_has_acleds_31_columns_in_order_and_type(release: Path, tmp_path: Path) -> None:
    layout = _acled_layout()
    assert len(layout) == 31
    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
    }
    assert [(c.name, c.dtype) for c in acled.COLUMNS] == [(n, types[t]) for n, t in layout]
    out = tmp_path / "acled.csv"
    result = CliRunner().invoke(app, ["export", str(release), "-f", "acled", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = pacsv.read_csv(out).to_pylist()
    by_id = {row["event_id_cnty"]: row for row in rows}
    assert SOLEIMANI not in by_id  # its ACLED type is not decided by its participants
    assert by_id[BOMBING]["inter2"] == 8  # US forces in Iraq: external forces
    assert by_id[BOMBING]["civilian_targeting"] is None
    # ACLED's conventions: 0 when no death is reported; iso is the ISO 3166-1 numeric code
    assert by_id[BOMBING]["fatalities"] == 0 and by_id[BOMBING]["iso"] == 368


def _manual_table(caption: str) -> set[str]:
    tex = _reference(MANUAL).read_text(encoding="utf-8")
    chapter = tex.split(r"\chapter{Data Fields}", 1)[1].split(r"\chapter{", 1)[0]
    block = chapter.split(caption, 1)[1].split(r"\end{tabular}", 1)[0]
    return {
        m.group(1).replace("\\_", "_")
        for m in re.finditer(r"^([a-z\\_]+) &", block, flags=re.MULTILINE)
    }


def test_plover_records_use_the_manuals_field_names(release: Path, tmp_path: Path) -> None:
    fields = _manual_table("caption{PLOVER JSON }")
    entity = _manual_table("caption{Information object for entities }")
    text_info = _manual_table("caption{Information object for text }")
    cite = _manual_table("caption{Information object for citations }")
    location = _manual_table("caption{Location object")
    assert {"id", "actor", "recipient", "event_loc", "text_info"} <= fields
    declared = {name for name, _ in plover.FIELDS} | {name for name, _ in plover.EMPTY_FIELDS}
    added = {"size", "date_basis"}  # named fields beyond the manual's, which it allows
    assert declared - added <= fields and fields <= declared
    out = tmp_path / "events.jsonl"
    result = CliRunner().invoke(app, ["export", str(release), "-f", "plover", "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == load(path=release)["events"].height
    for rec in records:
        assert set(rec) - added <= fields
        # the manual requires a date, also for an event known only as an interval
        assert rec["date"] is not None and rec["date_basis"] in ("event", "publication")
        for entity_object in rec["actor"] + rec["recipient"]:
            assert set(entity_object) - {"kind"} <= entity
            # PLOVER's sector codes, not eventset's kind names
            assert entity_object["sector"] is None or re.fullmatch(
                "[A-Z]{3}", entity_object["sector"]
            )
        assert rec["text_info"] is None or set(rec["text_info"]) <= text_info
        assert rec["cite_info"] is None or set(rec["cite_info"]) <= cite
        assert rec["event_loc"] is None or set(rec["event_loc"]) <= location
    killing = next(r for r in records if r["id"] == SOLEIMANI)
    assert [a["entity_text"] for a in killing["actor"]] == ["the US assassinated"]
    assert killing["event"] == ["ASSAULT"] and killing["mode"] == ["targeted"]
    assert killing["text"] is None  # the seed's licence does not allow redistribution
    assert [a["sector"] for a in killing["actor"]] == ["GOV"]  # the United States, a state


def test_declared_empty_columns_are_empty(release: Path) -> None:
    tables = load(path=release)
    exported = (
        (ucdp_ged, ucdp_ged.ucdp_ged(tables, everything=True)),
        (acled, acled.acled(tables, everything=True)),
    )
    for module, table in exported:
        for col in module.COLUMNS:
            if col.empty is not None:
                assert table.column(col.name).null_count == table.num_rows, col.name


def test_a_wrong_extension_is_refused(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "ged.xlsx"
    result = CliRunner().invoke(app, ["export", str(release), "-f", "ucdp-ged", "--out", str(out)])
    assert result.exit_code == 1 and "parquet" in result.output and not out.exists()


def test_a_registry_entry_states_what_its_kind_cannot_decide(tmp_path: Path) -> None:
    """Persons and unidentified actors decide no UCDP party or ACLED inter code by kind; an
    entry that states its own fills GED's type of violence and ACLED's inter codes."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    registry = root / "data" / "actors.yaml"
    text = registry.read_text(encoding="utf-8")
    for actor in ("qassem-soleimani", "abu-mahdi-al-muhandis"):
        text = text.replace(
            f"  - id: {actor}\n",
            f"  - id: {actor}\n    ucdp_party: government\n    acled_inter: 1\n",
        )
    text = text.replace(
        "  - id: unidentified-iq\n", "  - id: unidentified-iq\n    acled_inter: 3\n"
    )
    registry.write_text(text, encoding="utf-8")
    built = build(root, root / "dist", "dev", cache=False)
    assert built.written is not None, built.failures
    actors = load(path=built.written.path)["actors"]
    stated = actors.filter(pl.col("actor_id") == "qassem-soleimani").row(0, named=True)
    assert (stated["ucdp_party"], stated["acled_inter"]) == ("government", 1)
    ged = {r["relid"]: r for r in ucdp_ged.ucdp_ged(load(path=built.written.path)).to_pylist()}
    # state forces on both sides: state-based violence, with UCDP's best from the low figure
    assert ged[SOLEIMANI]["type_of_violence"] == 1 and ged[SOLEIMANI]["best"] == 2
    rows = {r["event_id_cnty"]: r for r in acled.acled(load(path=built.written.path)).to_pylist()}
    assert (rows[BOMBING]["inter1"], rows[BOMBING]["inter2"]) == (3, 8)
    assert rows[BOMBING]["interaction"] == 38
