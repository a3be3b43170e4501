"""The release workflow: valid (check-jsonschema, actionlint), safe (zizmor as an auditor), least
privilege per job, and a dry run (workflow_dispatch) that publishes nothing."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import yaml

from tests.workflow.helpers import BIN, REPO

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def _load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_valid_for_github_and_actionlint() -> None:
    schema = _run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    lint = _run(str(BIN / "actionlint"), "-no-color", str(WORKFLOW))
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_zizmor_finds_nothing_even_as_an_auditor() -> None:
    done = _run(
        str(BIN / "zizmor"), "--offline", "--persona", "auditor", "--format", "json", str(WORKFLOW)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_each_job_has_only_the_permissions_it_needs() -> None:
    data = _load()
    assert data["permissions"] == {}
    jobs = data["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "build": {"contents": "read"},
        "publish": {"contents": "write", "actions": "read"},
        "registry": {"contents": "write", "pull-requests": "write", "actions": "read"},
        "zenodo": {"contents": "read", "actions": "read"},
    }
    # The Zenodo token is an environment's secret, read by that job alone.
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.count("secrets.") == 1 and jobs["zenodo"]["environment"] == "zenodo"
    for job in jobs.values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}", step["uses"])
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_a_tag_publishes_and_a_manual_run_is_a_dry_run() -> None:
    data = _load()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict)
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert triggers["push"] == {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}
    jobs = data["jobs"]
    assert jobs["publish"]["if"] == "github.event_name == 'push'"
    for name in ("registry", "zenodo"):
        assert "publish" in jobs[name]["needs"]  # skipped with it in a dry run
    build = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    order = [
        'eventset release "$VERSION" --previous-version latest',
        'eventset check "dist/eventset-$VERSION"',
        'eventset stage-release "$VERSION" --out upload',
    ]
    assert [build.index(s) for s in order] == sorted(build.index(s) for s in order)
    upload = jobs["build"]["steps"][-1]
    assert upload["with"]["path"] == "upload/" and upload["with"]["name"] == "release-upload"
    publish = jobs["publish"]["steps"][-1]["run"]
    assert publish.index("sha256sum --check") < publish.index("gh release create")
    assert "--verify-tag" in publish
    assert "python3 eventset/release/zenodo.py upload" in jobs["zenodo"]["steps"][-1]["run"]
