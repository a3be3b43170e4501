"""A pull request's summary: verdict, every problem linked to its line, the diff, the site."""

from __future__ import annotations

import json
from pathlib import Path

from eventset.release.diff import ReleaseDiff, TableDiff
from eventset.review.summary import (
    MARKER,
    Review,
    changed_documents,
    outcomes,
    read_problems,
    render,
)

BLOB = "https://github.com/eventset/eventset/blob/0123abcd/"


def _problems(tmp_path: Path) -> Path:
    path = tmp_path / "problems.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "E301",
                    "name": "quote-not-found",
                    "severity": "error",
                    "file": "data/annotations/doc-1.yaml",
                    "line": 12,
                    "column": 14,
                    "message": "Quote 'the *bold* <b>' does not occur in the text.",
                    "hint": "Copy the words | exactly.",
                },
                {
                    "code": "E421",
                    "name": "hierarchy-too-deep",
                    "severity": "warning",
                    "file": "data/actors.yaml",
                    "line": 3,
                    "column": 5,
                    "message": "Not named.",
                    "hint": "",
                },
            ]
        ),
        encoding="utf-8",
    )
    return path


def _diff() -> ReleaseDiff:
    events = TableDiff("events", "kept", added=["e-new"], labels={"e-new": "A new event."})
    events.changed = {"e-old": ["summary"]}
    events.values = {"e-old": {"summary": ("Before.", "After.")}}
    documents = TableDiff("documents", "kept", changed={"doc-2": ["annotation_sha256"]})
    documents.values = {"doc-2": {"annotation_sha256": ("sha256:aa", "sha256:bb")}}
    return ReleaseDiff("dev", "dev", "1.0.0", "1.0.0", [documents, events])


def test_a_failing_pull_request_lists_every_problem_with_a_link_to_its_line(
    tmp_path: Path,
) -> None:
    review = Review(
        outcomes(["validate=failure", "build=failure", "check=skipped"]),
        read_problems(_problems(tmp_path)),
        diff=_diff(),
        source_url=BLOB,
        site_url="https://github.com/eventset/eventset/actions/runs/1/artifacts/2",
        titles={"doc-2": "Second document"},
    )
    text = render(review)
    assert text.startswith(MARKER + "\n## eventset review: ❌ failed: 1 error(s), 1 warning(s)")
    assert "| validate | failure |" in text and "| check | skipped |" in text
    assert (
        f"- [`data/annotations/doc-1.yaml:12:14`]({BLOB}data/annotations/doc-1.yaml#L12) "
        "**E301** quote-not-found (error): Quote 'the \\*bold\\* \\<b\\>' does not occur in the "
        "text. Hint: Copy the words \\| exactly."
    ) in text
    assert f"({BLOB}data/actors.yaml#L3) **E421**" in text
    # The fact-level diff, field by field, and the pages to open (the failing document too).
    assert "| `e-old` | summary | Before. | After. |" in text
    assert "`e-new` (A new event.)" in text
    assert "Only the documents that validate are built" in text
    assert (
        "[Download the site](https://github.com/eventset/eventset/actions/runs/1/artifacts/2)"
        in text
    )
    assert "  - `documents/doc-1.html`\n  - `documents/doc-2.html`: Second document" in text
    assert changed_documents(review) == ["doc-1", "doc-2"]


def test_a_passing_pull_request_says_so_and_a_long_summary_is_cut(tmp_path: Path) -> None:
    review = Review(outcomes(["validate=success", "build=success"]), diff=_diff())
    text = render(review)
    assert "✅ passed" in text and "### Problems" not in text
    warned = Review({"validate": "success"}, read_problems(_problems(tmp_path))[1:])
    assert "✅ passed" in render(warned)  # a warning alone does not fail the checks
    many = Review({"validate": "failure"}, read_problems(_problems(tmp_path)) * 400)
    cut = render(many, max_chars=5000)
    assert len(cut) <= 5000 and cut.endswith("the job summary of the run has everything.\n")
    assert "and 600 more" not in cut
    assert "- and 600 more: see the job's log" in render(many)


def test_the_command_writes_the_summary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from eventset.cli import app

    done = CliRunner().invoke(
        app,
        [
            "pr-summary",
            "--problems",
            str(_problems(tmp_path)),
            "--check",
            "validate=failure",
            "--release",
            str(tmp_path / "missing"),
            "--out",
            str(tmp_path / "summary.md"),
        ],
    )
    assert done.exit_code == 0, done.output
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "`data/annotations/doc-1.yaml:12:14` **E301**" in text
    assert "the pull request's data does not build" in text
    bad = CliRunner().invoke(app, ["pr-summary", "--check", "validate"])
    assert bad.exit_code == 1 and "not name=outcome" in bad.output
