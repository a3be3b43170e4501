"""The pull-request workflow (and the main-branch one that saves the document cache it restores):
valid for GitHub (check-jsonschema) and safe (zizmor), offline."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.workflow.helpers import BIN, REPO

WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"
CACHE_WORKFLOW = REPO / ".github" / "workflows" / "document-cache.yml"
BOTH = pytest.mark.parametrize("workflow", [WORKFLOW, CACHE_WORKFLOW], ids=lambda p: p.name)


def _load(workflow: Path = WORKFLOW) -> dict[Any, Any]:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@BOTH
def test_structure_matches_the_github_workflow_schema(workflow: Path) -> None:
    done = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@BOTH
def test_actionlint_finds_nothing(workflow: Path) -> None:
    done = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@BOTH
def test_zizmor_finds_nothing_offline(workflow: Path) -> None:
    done = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--pedantic", "--format", "json", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_untrusted_code_gets_no_write_token_and_no_injected_text() -> None:
    data = _load()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers is not None and set(triggers) == {"pull_request"}
    assert data["permissions"] == {"contents": "read"}
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "pull_request_target" not in text
    for name, job in data["jobs"].items():
        if name == "comment":
            # The one job that may write: one comment, no checkout, no code of the pull request.
            assert job["permissions"] == {"pull-requests": "write"}
            assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
            assert not any("uses" in step or "./dev" in step["run"] for step in job["steps"])
        else:
            assert "permissions" not in job or job["permissions"] in ({}, {"contents": "read"})
        assert job["timeout-minutes"] <= 30
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step  # no template expansion in scripts
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}", step["uses"])
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line  # version comment
    assert "concurrency" in data


def test_it_validates_the_changes_in_github_format_then_builds_and_checks() -> None:
    steps = _load()["jobs"]["validate"]["steps"]
    joined = "\n".join(step.get("run", "") for step in steps)
    changed = "eventset validate --changed --base HEAD^1 --format github --strict"
    assert changed in joined
    assert joined.index(changed) < joined.index("./dev build")
    assert joined.index("./dev build") < joined.index("eventset check dist/eventset-dev")
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 2  # HEAD^1, the base branch, must be there


def test_a_pull_request_only_restores_the_cache_that_main_saves() -> None:
    uses = [step.get("uses", "") for step in _load()["jobs"]["validate"]["steps"]]
    assert any(u.startswith("actions/cache/restore@") for u in uses)
    assert not any(u.startswith(("actions/cache@", "actions/cache/save@")) for u in uses)
    saver = _load(CACHE_WORKFLOW)
    assert saver.get("on", saver.get(True)) == {"push": {"branches": ["main"]}}
    assert saver["permissions"] == {"contents": "read"}
    steps = saver["jobs"]["cache"]["steps"]
    save = [s for s in steps if s.get("uses", "").startswith("actions/cache/save@")]
    assert len(save) == 1 and save[0]["with"]["path"] == "~/.cache/eventset"
    for step in steps:
        assert "${{" not in step.get("run", ""), step
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_it_builds_the_site_and_uploads_it_for_reviewers() -> None:
    steps = _load()["jobs"]["validate"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert runs.index("eventset check dist/eventset-dev") < runs.index("eventset review-site")
    assert "eventset review-site --out site --dist dist --problems problems.json" in runs
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) == 1 and uploads[0]["with"]["path"] == "site/"


def test_a_failing_pull_request_still_gets_its_site_summary_and_a_failing_verdict() -> None:
    steps = {s.get("id", s["name"]): s for s in _load()["jobs"]["validate"]["steps"]}
    for checked in ("validate", "build", "check", "site"):
        assert steps[checked]["continue-on-error"] is True
    assert steps["summary"]["if"] == "always()"
    assert "eventset pr-summary" in steps["summary"]["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in steps["summary"]["run"]
    verdict = steps["Verdict"]
    assert verdict["if"] == "always()" and "exit 1" in verdict["run"]
    assert set(verdict["env"]) == {"VALIDATE", "BUILD", "CHECK"}
    assert list(steps)[-1] == "Verdict"


def test_a_pull_request_is_parsed_by_libyaml_alone() -> None:
    assert _load()["jobs"]["validate"]["env"]["EVENTSET_YAML"] == "libyaml"
