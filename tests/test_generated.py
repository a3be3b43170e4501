"""Committed generated files must match what the code generates now."""

from __future__ import annotations

import json

from frictionless import Schema

from eventset.generated import generated_files, stale_generated
from eventset.problems import CODES
from eventset.schema.tables import TABLES
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


def test_every_table_has_a_valid_table_schema_in_schema_folder() -> None:
    for table in TABLES:
        descriptor = json.loads(
            (REPO / "schema" / f"{table.name}.tableschema.json").read_text(encoding="utf-8")
        )
        assert [e.message for e in Schema.metadata_validate(descriptor)] == []
        assert [f["name"] for f in descriptor["fields"]] == list(table.column_names)
        assert descriptor["primaryKey"] == list(table.primary_key)


def test_registry_files_carry_their_schema_modelines() -> None:
    for name in ("actors", "places"):
        first = (REPO / "data" / f"{name}.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"# yaml-language-server: $schema=../schema/{name}.schema.json"
        assert (REPO / "schema" / f"{name}.schema.json").is_file()
