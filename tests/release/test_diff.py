"""`eventset diff` and the release rules built on it: two releases from two annotation states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventset.cli import app
from eventset.release.diff import diff_directories
from eventset.release.publish import ReleaseRefusedError, publish
from tests.release.conftest import (
    NEW_EVENT,
    OLD_EVENT,
    REWORDED_CLAIM,
    Releases,
    copy_repo,
    ok,
    rename_event,
)


def test_diff_lists_the_renamed_event_and_the_changed_claims(releases: Releases) -> None:
    diff = diff_directories(releases.v1, releases.v2)
    events = diff.table("events")
    assert events.added == [NEW_EVENT] and events.removed == [OLD_EVENT]
    assert events.changed == {}
    claims = diff.table("claims")
    assert claims.added == [] and claims.removed == []
    assert claims.changed[REWORDED_CLAIM] == ["summary"]
    about_event = [cid for cid, cols in claims.changed.items() if cols == ["event_id"]]
    assert about_event, claims.changed  # the claims about the renamed event now point to it
    pairs = diff.table("event_actors")
    assert pairs.added and all(i.startswith(NEW_EVENT + " / ") for i in pairs.added)
    assert [i.replace(OLD_EVENT, NEW_EVENT) for i in pairs.removed] == pairs.added
    for name in ("actors", "places"):
        assert diff.table(name).empty
    assert diff.table("documents").changed == {"000_e3ff97cd28be607c": ["annotation_sha256"]}
    assert diff.required_bump == "minor"


def test_diff_command_markdown_and_json(releases: Releases) -> None:
    runner = CliRunner()
    md = runner.invoke(app, ["diff", str(releases.v1), str(releases.v2)])
    assert md.exit_code == 0, md.output
    assert f"- added (1): `{NEW_EVENT}`" in md.output
    assert f"- removed (1): `{OLD_EVENT}`" in md.output
    assert f"`{REWORDED_CLAIM}` (summary)" in md.output
    js = runner.invoke(app, ["diff", str(releases.v1), str(releases.v2), "--format", "json"])
    data = json.loads(js.output)
    assert data["tables"]["events"]["added"] == [NEW_EVENT]
    assert data["tables"]["claims"]["changed"][REWORDED_CLAIM] == ["summary"]
    assert data["required_bump"] == "minor"


def test_diff_of_identical_releases_says_only_that_nothing_changed(releases: Releases) -> None:
    result = CliRunner().invoke(app, ["diff", str(releases.v1), str(releases.v1)])
    assert result.exit_code == 0, result.output
    assert result.output == "## 0.1.0\n\nNo changes since 0.1.0.\n"
    changed = CliRunner().invoke(app, ["diff", str(releases.v1), str(releases.v2)])
    assert "No changes" not in changed.output and "version bump" in changed.output


def test_the_second_release_changelog_comes_from_the_diff(releases: Releases) -> None:
    changelog = (releases.v2 / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.0") < changelog.index("## 0.1.0")  # newest first, history kept
    assert "Compared with 0.1.0" in changelog and NEW_EVENT in changelog
    assert releases.second.previous == releases.v1


def test_diff_reports_schema_changes(releases: Releases, tmp_path: Path) -> None:
    """A copy of 0.1.0 whose events lack a column and retype another: both are reported."""
    import shutil

    import polars as pl

    from eventset.release.manifest import sha256_file, table_files

    copy = tmp_path / "eventset-0.1.0-edited"
    shutil.copytree(releases.v1, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    parts = table_files(e["path"] for e in manifest["files"])["events"]
    assert len(parts) > 1  # every file of the table is edited alike
    for entry in manifest["files"]:
        if entry["path"] in parts:
            part = copy / entry["path"]
            events = pl.read_parquet(part)
            events.drop("cameo_code").with_columns(
                pl.col("document_count").cast(pl.Int64)
            ).write_parquet(part)
            entry["sha256"] = sha256_file(part)
            entry["bytes"] = part.stat().st_size
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    diff = diff_directories(releases.v1, copy).table("events")
    assert diff.columns_removed == {"cameo_code": "string"}
    assert diff.columns_retyped == {"document_count": ("int32", "int64")}
    assert diff.changed == {}  # a retyped column is a schema change, not a change of every row
    assert diff_directories(releases.v1, copy).required_bump == "major"


def test_a_removed_id_without_a_retirement_record_refuses_the_release(tmp_path: Path) -> None:
    root = copy_repo(tmp_path / "repo")
    ok(publish(root, root / "dist", "0.1.0"))
    rename_event(root)  # no data/retired.yaml this time
    runner = CliRunner()
    refused = runner.invoke(app, ["release", "0.2.0", "--root", str(root)])
    assert refused.exit_code == 1
    assert OLD_EVENT in refused.output and "no retirement record" in refused.output
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "eventset-0.1.0",
        "eventset-0.1.0.zip",
    ]
    # Recording the retirement is enough; a patch bump for new ids is not.
    (root / "data" / "retired.yaml").write_text(
        f"format: 1\nevents:\n  - {{id: {OLD_EVENT}, replaced_by: {NEW_EVENT}, reason: renamed}}\n",
        encoding="utf-8",
    )
    try:
        publish(root, root / "dist", "0.1.1")
        raise AssertionError("a patch bump for added ids was accepted")
    except ReleaseRefusedError as err:
        assert "minor bump" in str(err)
    ok(publish(root, root / "dist", "0.2.0"))


def test_a_bad_retirement_file_is_reported_with_its_location(tmp_path: Path) -> None:
    root = copy_repo(tmp_path / "repo")
    (root / "data" / "retired.yaml").write_text(
        "format: 1\nevents:\n  - {id: Not A Slug, replaced_by: null, reason: x}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["release", "0.1.0", "--root", str(root)])
    assert result.exit_code == 1
    assert "data/retired.yaml:3" in result.output
    assert not (root / "dist").exists()


def test_a_release_in_the_old_flat_layout_is_refused_not_diffed(
    releases: Releases, tmp_path: Path
) -> None:
    """Tables as top-level files (before one folder per table): a clear error, never a diff
    that calls every table new."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from eventset.release.check import check_release
    from eventset.release.manifest import MANIFEST, ReleaseError, read_manifest
    from eventset.release.write import manifest_of, write_manifest
    from eventset.schema.tables import TABLES

    flat = tmp_path / "eventset-0.0.9"
    shutil.copytree(releases.v1, flat)
    for table in TABLES:
        parts = sorted((flat / table.name).glob("*.parquet"))
        assert parts
        joined = pa.concat_tables([pq.read_table(part) for part in parts])
        pq.write_table(joined, flat / f"{table.name}.parquet")
        shutil.rmtree(flat / table.name)
    old = read_manifest(flat)
    (flat / MANIFEST).unlink()
    write_manifest(flat, manifest_of(flat, "0.0.9", {"built_from": old.get("built_from")}))
    with pytest.raises(ReleaseError, match=r"\.parquet', a table file at the top"):
        diff_directories(flat, releases.v1)
    assert "own folder" in check_release(flat)[0]


def test_the_markdown_shows_each_changed_fact_field_by_field(releases: Releases) -> None:
    from tests.release.conftest import NEW_SUMMARY, OLD_SUMMARY

    diff = diff_directories(releases.v1, releases.v2)
    old = OLD_SUMMARY.removeprefix("summary: ")
    new = NEW_SUMMARY.removeprefix("summary: ")
    assert diff.table("claims").values[REWORDED_CLAIM] == {"summary": (old, new)}
    md = diff.markdown()
    assert f"| `{REWORDED_CLAIM}` | summary | {old} | {new} |" in md
    # Added and removed facts are named, not only listed by id.
    summary = "The United States and Iraq reached an agreement"
    assert f"- added (1): `{NEW_EVENT}` ({summary}" in md
    assert f"- removed (1): `{OLD_EVENT}` ({summary}" in md
    data = diff.to_json()["tables"]["claims"]
    assert data["values"][REWORDED_CLAIM] == {"summary": {"old": old, "new": new}}


def test_a_value_in_a_markdown_cell_stays_in_its_cell() -> None:
    from eventset.release.diff import VALUE_WIDTH, _cell

    assert _cell("a | b\nc") == "a \\| b c"
    assert _cell(None) == "(none)" and _cell(["x", None]) == "[x, (none)]"
    long = _cell("w" * 1000)
    assert len(long) == VALUE_WIDTH and long.endswith("…")


def test_the_pull_request_summary_of_two_builds(releases: Releases, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    done = CliRunner().invoke(
        app,
        [
            "pr-summary",
            "--base-release",
            str(releases.v1),
            "--release",
            str(releases.v2),
            "--check",
            "validate=success",
            "--site-url",
            "https://example.org/site.zip",
            "--out",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert "✅ passed" in text and f"`{REWORDED_CLAIM}` | summary |" in text
    assert "`documents/000_e3ff97cd28be607c.html`: US Logistics Convoy" in text
