"""Corpus checks (validation/corpus_checks.py): ids across files, reported in the later file
(path order) and naming the first."""

from __future__ import annotations

from pathlib import Path

from eventset.validation.repository import validate_repository
from tests.validation.test_error_codes import ANNOTATION, _synthetic_document

SHARED_CLAIM = "c-000-e3ff-reports-incident-place-date"


def test_a_claim_id_used_in_two_files_is_reported_in_the_later_one(repo: Path) -> None:
    body = (
        "claims:\n"
        f"  - id: {SHARED_CLAIM}\n"
        "    claimant: unattributed-reports\n"
        "    kind: report\n"
        "    about: {event: iq-2021-09-06-kalsu-bridge-convoy-bombing}\n"
        "    summary: The cafe by the bridge was hit.\n"
        '    evidence: ["The café by the bridge was hit on Monday."]\n'
    )
    later = _synthetic_document(repo, body)
    [found] = validate_repository(repo).problems
    assert found.code == "E404"
    assert found.file == later.relative_to(repo).as_posix()
    assert found.message == f"Claim id {SHARED_CLAIM!r} is already used in {ANNOTATION}."
    assert (found.line, found.column) == (10, 9)


def test_unknown_ids_get_a_suggestion(repo: Path) -> None:
    body = (
        "actors:\n"
        "  - actor: united-state\n"
        '    mentions: ["bridge"]\n'
        "places:\n"
        "  - place: kalsu-bridg\n"
        '    mentions: ["café"]\n'
    )
    _synthetic_document(repo, body)
    found = {p.code: p for p in validate_repository(repo).problems}
    assert set(found) == {"E401", "E402"}
    assert found["E401"].message == "Actor 'united-state' is not in data/actors.yaml."
    assert (
        found["E401"].hint == "Did you mean 'united-states'? Otherwise add it to data/actors.yaml."
    )
    assert found["E402"].message == "Place 'kalsu-bridg' is not in data/places.yaml."
