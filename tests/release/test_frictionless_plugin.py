"""`frictionless validate datapackage.json` says valid, through the shipped plugin, with the
real `frictionless` command, also where pandas cannot be imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.release.conftest import Releases

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
# Runs the frictionless command as if pandas were not installed: importing it fails.
WITHOUT_PANDAS = """
import sys

class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not installed")
        return None

sys.meta_path.insert(0, NoPandas())
from frictionless.console import console
sys.argv = ["frictionless", "validate", "--json", sys.argv[1]]
console()
"""


def _report(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_the_frictionless_command_says_valid(releases: Releases) -> None:
    package = releases.v1 / "datapackage.json"
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(package)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = _report(done)
    assert report["valid"] is True, done.stdout[:3000]
    assert done.returncode == 0
    tasks = report["tasks"]
    assert isinstance(tasks, list)
    stats = {task["name"]: task["stats"] for task in tasks}
    assert all(stat["bytes"] > 0 and stat["sha256"] for stat in stats.values()), stats


def test_valid_without_pandas_and_invalid_when_a_byte_changes(
    releases: Releases, tmp_path: Path
) -> None:
    copy = tmp_path / "release"
    shutil.copytree(releases.v1, copy)

    def validate() -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", WITHOUT_PANDAS, str(copy / "datapackage.json")],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return _report(done)

    assert validate()["valid"] is True
    # A table of one file, whose resource carries that file's hash and size (a table split into
    # several files has its checksums in manifest.json only).
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    documents = next(r for r in package["resources"] if r["name"] == "documents")
    assert documents["path"] == ["documents/part-2021-09.parquet"] and "hash" in documents
    target = copy / documents["path"][0]
    raw = bytearray(target.read_bytes())
    # One letter of a metadata key in the footer: still readable, no longer the published bytes.
    raw[raw.rindex(b"eventset_version")] ^= 0x20
    target.write_bytes(bytes(raw))
    report = validate()
    assert report["valid"] is False
    tasks = report["tasks"]
    assert isinstance(tasks, list)
    errors = {(t["name"], e["type"]) for t in tasks for e in t["errors"]}
    assert ("documents", "hash-count") in errors, errors


def test_a_changed_byte_in_any_part_of_any_table_is_invalid(
    releases: Releases, tmp_path: Path
) -> None:
    """Tables split into monthly files included: one byte that leaves each Parquet file
    readable (a letter of a footer key) is changed in one part of every table, and frictionless
    reports the hash of every table as wrong."""
    copy = tmp_path / "release"
    shutil.copytree(releases.v1, copy)
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    resources = package["resources"]
    assert any(len(r["path"]) > 1 for r in resources)  # monthly parts are covered too
    for resource in resources:
        # the last part of a split table, so the flip is past the first part's bytes
        target = copy / resource["path"][-1]
        raw = bytearray(target.read_bytes())
        raw[raw.rindex(b"eventset_version")] ^= 0x20
        target.write_bytes(bytes(raw))
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(copy / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = _report(done)
    assert report["valid"] is False and done.returncode != 0
    tasks = report["tasks"]
    assert isinstance(tasks, list)
    hashed = {t["name"] for t in tasks for e in t["errors"] if e["type"] == "hash-count"}
    assert hashed == {r["name"] for r in resources}
