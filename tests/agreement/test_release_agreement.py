"""Every release carries its agreement: agreement.json, the card's and the codebook's table,
documents.coding_count, and `eventset diff` reports how agreement moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from eventset.release.agreement_card import agreement_changes, changes_markdown
from eventset.release.diff import diff_directories
from eventset.release.load import load
from eventset.release.manifest import read_manifest
from eventset.release.publish import publish
from eventset.release.write import manifest_of, write_manifest
from eventset.synth import SynthCodings, write_corpus


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agreement") / "synthetic"
    write_corpus(root, 8, seed=11, codings=SynthCodings(coders=2, rate=0.3, share=0.5))
    published = publish(root, root / "dist", "1.0.0")
    assert published.build is not None and published.build.written is not None
    return published.build.written.path


def test_the_release_carries_the_agreement_table(release: Path) -> None:
    data = json.loads((release / "agreement.json").read_text(encoding="utf-8"))
    doubly = data["documents"]["doubly_coded"]
    assert 0 < doubly < 8 and data["documents_scored"] == doubly
    assert "random sample" in data["documents"]["selection"]
    by_field = {(f["table"], f["field"]): f for f in data["fields"]}
    assert by_field[("events", "date_start")]["level"] == "interval"
    assert by_field[("claims", "value")]["level"] == "ratio"
    card = (release / "README.md").read_text(encoding="utf-8")
    section = card.split("## Intercoder agreement", 1)[1].split("\n## ", 1)[0]
    assert f"{doubly:,} of 8 documents were coded independently" in section
    assert "| events | `event_type` | nominal |" in section
    assert "random sample" in section
    codebook = (release / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "| events | `event_type` | nominal |" in codebook
    listed = {entry["path"] for entry in read_manifest(release)["files"]}
    assert "agreement.json" in listed


def test_codings_are_never_built_but_counted(release: Path) -> None:
    tables = load(path=release)
    events = tables["events"].get_column("event_id").to_list()
    # The synthetic coders renamed every id (a-..., b-...): none of theirs is in the tables.
    assert events and all(e.startswith("synthetic-event-") for e in events)
    counts = tables["documents"].get_column("coding_count").to_list()
    assert sorted(set(counts)) == [0, 2]
    assert tables["documents"].schema["coding_count"] == pl.Int32


def test_diff_reports_agreement_changes(release: Path, tmp_path: Path) -> None:
    later = tmp_path / "eventset-1.0.1"
    shutil.copytree(release, later)
    path = later / "agreement.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    field = next(f for f in data["fields"] if f["field"] == "event_type")
    field["alpha"] = 0.5
    path.write_text(json.dumps(data), encoding="utf-8")
    manifest = read_manifest(later)
    (later / "manifest.json").unlink()
    write_manifest(later, manifest_of(later, "1.0.1", manifest.get("provenance", {})))
    changes = diff_directories(release, later)
    moved = changes.agreement["fields"]
    assert [(f["field"], f["new"]) for f in moved] == [("event_type", 0.5)]
    assert "### Intercoder agreement" in changes.markdown()
    assert "| events | `event_type` |" in changes.markdown()
    assert changes.to_json()["agreement"]["fields"] == moved


def test_agreement_changes_between_no_coding_and_some() -> None:
    new = {"documents_scored": 3, "fields": [{"table": "events", "field": "mode", "alpha": 0.9}]}
    changes = agreement_changes(None, new)
    assert changes["documents_scored"] == {"old": 0, "new": 3}
    assert changes["fields"] == [{"table": "events", "field": "mode", "old": None, "new": 0.9}]
    assert changes_markdown(agreement_changes(new, new), "###") == []
