"""Codings are validated like annotations (every code applies) and never built."""

from __future__ import annotations

import shutil
from pathlib import Path

from eventset.validation.changed import kind_of, validate_changed, validate_files
from eventset.validation.repository import validate_repository
from tests.agreement.conftest import DOCS, coding_file
from tests.agreement.helpers import errors
from tests.conftest import SEED_ID
from tests.workflow.helpers import inputs_repo


def test_a_coded_corpus_validates(coded: Path) -> None:
    result = validate_repository(coded)
    assert errors(result.problems) == []
    # six annotations, two registries, twelve codings
    assert result.files_checked == DOCS + 2 + 2 * DOCS


def test_a_coding_is_checked_like_an_annotation(coded: Path) -> None:
    path = coding_file(coded)
    text = path.read_text(encoding="utf-8")
    actor = text.split("- actor: ", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(f"- actor: {actor}", "- actor: no-such-actor", 1), "utf-8")
    result = validate_repository(coded)
    assert [(p.code, p.file) for p in errors(result.problems)] == [
        ("E401", "data/codings/synthetic-coder-b/synthetic_0000000.yaml")
    ]
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if "no-such" in row)
    assert result.problems[0].line == line
    # `validate FILE` on the coding reports the same.
    again = validate_files(coded, [path])
    assert [p.code for p in errors(again.problems)] == ["E401"]


def test_codings_in_the_wrong_place_are_reported(coded: Path) -> None:
    codings = coded / "data" / "codings"
    shutil.copy(coding_file(coded), codings / "synthetic_0000000.yaml")
    (codings / "Not A Coder").mkdir()
    shutil.copy(coding_file(coded), codings / "Not A Coder" / "synthetic_0000000.yaml")
    found = {(p.code, p.file) for p in errors(validate_repository(coded).problems)}
    assert found == {
        ("E702", "data/codings/synthetic_0000000.yaml"),
        ("E702", "data/codings/Not A Coder"),
    }
    assert kind_of("data/codings/synthetic-coder-a/synthetic_0000000.yaml") == "coding"


def test_a_broken_coding_fails_validation_and_so_the_build(coded: Path) -> None:
    path = coding_file(coded)
    path.write_text(path.read_text().replace("type: ", "type: NOT", 1), "utf-8")
    result = validate_repository(coded)
    assert [p.code for p in errors(result.problems)] == ["E204"]
    assert not result.ok  # `eventset build` stops here (tests/agreement/test_release_agreement.py)


def test_validate_changed_sees_a_new_coding(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    coding = root / "data" / "codings" / "coder-b" / f"{SEED_ID}.yaml"
    coding.parent.mkdir(parents=True)
    text = (root / "data" / "annotations" / f"{SEED_ID}.yaml").read_text(encoding="utf-8")
    coding.write_text(text.replace("type: THREATEN", "type: THREATENS", 1), encoding="utf-8")
    found = validate_changed(root, "HEAD")
    assert [(p.code, p.file) for p in found.validation.problems] == [
        ("E204", f"data/codings/coder-b/{SEED_ID}.yaml")
    ]
    assert found.affected.changed == {f"data/codings/coder-b/{SEED_ID}.yaml"}


def test_a_codings_claim_may_be_about_an_event_an_annotation_defines(
    coded: Path, tmp_path: Path
) -> None:
    """The corpus's event ids are read for the codings only when a coding's claim is about an
    event it does not define itself: from the frames in memory, or from a build's spool."""
    path = coding_file(coded)
    text = path.read_text(encoding="utf-8")
    spool = tmp_path / "spool"
    for event, expected in (("synthetic-event-4", []), ("no-such-event", ["E403"])):
        path.write_text(text.replace("event: b-synthetic-event-2", f"event: {event}"), "utf-8")
        for where in (None, spool):
            if where is not None:
                shutil.rmtree(where, ignore_errors=True)
                where.mkdir()
            result = validate_repository(coded, spool=where)
            assert [p.code for p in errors(result.problems)] == expected
