"""`eventset agree` and `eventset adjudicate` as users meet them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eventset.cli import app
from eventset.validation.repository import validate_repository
from tests.agreement.conftest import DOCS, coding_file
from tests.conftest import SEED_ID

runner = CliRunner()


def test_agree_reports_each_format(coded: Path) -> None:
    table = runner.invoke(app, ["agree", "--root", str(coded)])
    assert table.exit_code == 0, table.output
    assert f"{DOCS} document(s) coded by 2+ of 2 coder(s)" in table.output
    assert "event_type" in table.output and "mentions: span F1 exact" in table.output
    data = json.loads(
        runner.invoke(app, ["agree", "--root", str(coded), "--format", "json"]).output
    )
    assert data["documents_scored"] == DOCS
    markdown = runner.invoke(app, ["agree", "--root", str(coded), "--format", "markdown"])
    assert "| events | `event_type` | nominal |" in markdown.output
    one = runner.invoke(app, ["agree", "--root", str(coded), str(coding_file(coded))])
    assert "1 document(s) coded by 2+" in one.output


def test_agree_without_codings_says_so(repo: Path) -> None:
    result = runner.invoke(app, ["agree", "--root", str(repo)])
    assert result.exit_code == 0
    assert "No document has two or more valid codings" in result.output


def test_agree_leaves_out_a_broken_coding_and_exits_1(coded: Path) -> None:
    path = coding_file(coded)
    path.write_text(path.read_text().replace("type: ", "type: NOT", 1), "utf-8")
    result = runner.invoke(app, ["agree", "--root", str(coded)])
    assert result.exit_code == 1
    assert f"{DOCS - 1} document(s) coded by 2+" in result.output
    assert "synthetic-coder-b/synthetic_0000000.yaml" in result.output
    assert "Traceback" not in result.output


def test_adjudicate_command(coded: Path) -> None:
    refused = runner.invoke(app, ["adjudicate", "synthetic_0000001", "--root", str(coded)])
    assert refused.exit_code == 1 and "already exists" in refused.output
    done = runner.invoke(app, ["adjudicate", "synthetic_0000001", "--root", str(coded), "--force"])
    assert done.exit_code == 0, done.output
    assert "wrote data/annotations/synthetic_0000001.yaml" in done.output


def test_new_blind_starts_a_coding_from_the_registries_and_text_only(repo: Path) -> None:
    seed = repo / "seeds" / f"{SEED_ID}.txt"
    result = runner.invoke(
        app, ["new", str(seed), "--root", str(repo), "--blind", "--coder", "coder-b"]
    )
    assert result.exit_code == 0, result.output
    written = repo / "data" / "codings" / "coder-b" / f"{SEED_ID}.yaml"
    text = written.read_text(encoding="utf-8")
    # The canonical annotation's events are not proposed: the second coder starts blind.
    assert "events: []" in text and "claims: []" in text
    assert text.startswith("# yaml-language-server: $schema=../../../schema/annotation.schema.json")
    assert "Independent coding by coder-b" in text
    assert [p.code for p in validate_repository(repo).problems] == []
    again = runner.invoke(
        app, ["new", str(seed), "--root", str(repo), "--blind", "--coder", "coder-b"]
    )
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(app, ["new", str(seed), "--root", str(repo), "--blind"])
    assert bad.exit_code == 2
