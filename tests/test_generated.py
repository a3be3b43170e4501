"""Committed generated files must match what the code generates now."""

from __future__ import annotations

from eventset.generated import generated_files, stale_generated
from eventset.problems import CODES
from tests.conftest import REPO


def test_committed_generated_files_are_current() -> None:
    assert stale_generated(REPO) == [], "run `./dev eventset generate` and commit the result"


def test_error_code_reference_lists_every_code() -> None:
    page = generated_files()["docs/error-codes.md"]
    for code, info in CODES.items():
        assert f"| {code} | `{info.name}` |" in page


def test_annotation_files_carry_the_schema_modeline() -> None:
    for path in (REPO / "data" / "annotations").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == "# yaml-language-server: $schema=../../schema/annotation.schema.json"
