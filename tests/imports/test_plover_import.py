"""PLOVER records in: the 322 gold-standard records imported, built and exported back keep
their category (2024 names) and exact actor and recipient texts; refusals carry reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.exports.write import export_release
from eventset.imports.jsonfile import read_records
from eventset.imports.plover import PLACEHOLDER_DATE, markup_spans
from eventset.imports.roundtrip import compare
from eventset.pipeline import build
from eventset.release.load import load
from tests.conftest import REPO

GOLD = REPO.parent / "shared" / "reference" / "peers" / "PLOVER_GSR_CAMEO.txt"


def test_markup_spans_are_located_in_the_text() -> None:
    text = "Senior Hungarian and Romanian officials agreed on Wednesday."
    markup = (
        "Senior (SRC/TAR: Hungarian) and (SRC/TAR: Romanian) officials (EVT: agreed) on Wednesday."
    )
    spans = markup_spans(markup, text)
    assert [(s.tag, s.quote, text[s.start : s.start + len(s.quote)]) for s in spans] == [
        ("SRC/TAR", "Hungarian", "Hungarian"),
        ("SRC/TAR", "Romanian", "Romanian"),
        ("EVT", "agreed", "agreed"),
    ]


def test_a_record_that_cannot_be_imported_faithfully_is_reported(tmp_path: Path) -> None:
    records = [
        {
            "id": "X-0001",
            "event": "AGREE",
            "text": "Ruritania agreed.",
            "source": [{"actorText": "Ruritania"}],
        },
        {
            "id": "X-0002",
            "event": "AGREE",
            "text": "They agreed.",
            "source": [{"actorText": "Ruritanians"}],
        },
        {
            "id": "X-0003",
            "event": "GOSSIP",
            "text": "Ruritania gossiped.",
            "source": [{"actorText": "Ruritania"}],
        },
        {
            "id": "X-0001",
            "event": "AGREE",
            "text": "Ruritania agreed.",
            "source": [{"actorText": "Ruritania"}],
        },
    ]
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["import", "plover", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 1 record(s)" in result.output
    assert (
        "refused: X-0002: the source actor text 'Ruritanians' is not in the text" in result.output
    )
    assert "refused: X-0003: event category 'GOSSIP'" in result.output
    assert "refused: X-0001: an earlier record has the same id" in result.output
    assert build(out, out / "dist", "dev", cache=False).written is not None


# The gold records whose event type the meaning checks question (W605), and why: coding
# nobody here wrote, read against trigger words written from PLOVER's categories and CAMEO's
# verbs. At most 5% of the records may get a warning (issue 23); each is listed here.
PLOVER_WARNINGS = {
    "plover-gsr01-concede-0002": "CONCEDE from 'taken ... steps to enhance political freedoms'",
    "plover-gsr01-concede-0011": "CONCEDE from 'approved a special law recognizing victories'",
    "plover-gsr01-disapprove-0009": "ACCUSE coded from an arrest ('was arrested in')",
    "plover-gsr01-fight-0015": "ASSAULT coded from 'guilty of violating the ceasefire'",
    "plover-gsr01-reject-0006": "REJECT coded from 'imposed a ... information blackout'",
    "plover-gsr01-retreat-0009": "RETREAT coded from 'received a mission of observers'",
    "plover-gsr01-retreat-0010": "RETREAT coded from peacekeeping troops arriving",
    "plover-gsr01-retreat-0012": "RETREAT coded from 'Humanitarian access ... has improved'",
    "plover-gsr01-retreat-0013": "RETREAT coded from 'opened the Friendship Bridge'",
    "plover-gsr01-sanction-0014": "'forced ... out' with five words between (cues bridge four)",
    "plover-gsr01-threaten-0027": "THREATEN coded from 'claims to be manufacturing ... weapons'",
}


@pytest.mark.skipif(not GOLD.exists(), reason=f"{GOLD} is absent (shared reference files)")
def test_the_gold_standard_records_survive_import_build_and_export(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["import", "plover", str(GOLD), "--out", str(out)])
    assert result.exit_code == 0, result.output
    built = build(out, out / "dist", "dev", cache=False)
    assert built.validation.ok, built.validation.problems[:5]
    assert built.written is not None and not built.failures
    # Meaning, measured on coding nobody here wrote: every warning is a W605 listed above.
    warned = {Path(p.file).stem: p.code for p in built.validation.problems}
    assert warned == dict.fromkeys(PLOVER_WARNINGS, "W605")
    assert len(warned) <= 0.05 * len(list((out / "data" / "annotations").glob("*.yaml")))
    exported = tmp_path / "events.jsonl"
    export_release(built.written.path, "plover", exported)
    back = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    records, problems = read_records(GOLD)
    assert not problems
    comparisons = compare([r.value for r in records], back)
    assert len(comparisons) == 322
    kept = [c for c in comparisons if c.kept]
    assert len(kept) >= 250, [c for c in comparisons if not c.kept][:10]
    # every record that did not come back was refused with a reason the import printed
    for lost in (c for c in comparisons if not c.kept):
        assert lost.reason == "not imported" and f"refused: {lost.record_id}:" in result.output
    # placeholder dates: documents keep 2000-01-01 and say so; events have no invented day
    tables = load(path=built.written.path)
    assert set(tables["documents"]["published"]) == {PLACEHOLDER_DATE}
    assert tables["documents"]["byline"].str.contains("placeholder").all()
    assert tables["events"]["date_start"].null_count() == tables["events"].height
    assert str(tables["events"]["date_precision"].cast(str).unique().to_list()) == "['interval']"
