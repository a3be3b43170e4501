"""A session writes through the files on disk: undo and redo are file versions, a hand edit wins
over the page's stale version, the annotator's comments survive, and problems come with their
words and one-click fixes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from eventset.annotator.actions import RefusedError
from eventset.annotator.session import ConflictError, Session
from tests.annotator.conftest import GOLD
from tests.conftest import SEED_ID


@pytest.fixture
def session(empty_repo: Path) -> Session:
    return Session.open(empty_repo, SEED_ID)


def _at(session: Session, words: str) -> dict[str, int]:
    start = session.seed.text.index(words)
    return {"start": start, "end": start + len(words)}


def _mention(session: Session, words: str, target: str, entry: str) -> dict[str, Any]:
    return {"action": "mention", "target": target, "id": entry, **_at(session, words)}


def test_a_new_session_writes_the_starter_without_proposals(session: Session) -> None:
    written = session.paths[0].read_text(encoding="utf-8")
    assert "actors: []" in written and "places: []" in written and "events: []" in written
    assert "Proposed from the registries" not in written
    state = session.state()
    assert state["problems"] == [] and state["editable"]
    assert len(state["proposals"]) > 20  # the page proposes; the file holds only what is accepted
    assert {"start": "2021-09-06", "words": "on Monday"}.items() <= state["dates"][0].items()


def test_undo_and_redo_restore_whole_file_versions(session: Session) -> None:
    empty = session.paths[0].read_bytes()
    state = session.perform(
        _mention(session, "Kalsu Bridge", "place", "kalsu-bridge"), session.state()["version"]
    )
    one = session.paths[0].read_bytes()
    state = session.perform(
        _mention(session, "Babil Province", "place", "babil-governorate"), state["version"]
    )
    assert (state["undo"], state["redo"]) == (2, 0)
    state = session.step(True, state["version"])
    assert session.paths[0].read_bytes() == one
    state = session.step(True, state["version"])
    assert session.paths[0].read_bytes() == empty and (state["undo"], state["redo"]) == (0, 2)
    state = session.step(False, state["version"])
    assert session.paths[0].read_bytes() == one
    # A new action forgets what could be redone.
    state = session.perform(
        _mention(session, "US-led coalition", "actor", "us-led-coalition"), state["version"]
    )
    assert (state["undo"], state["redo"]) == (2, 0)


def test_a_hand_edit_refuses_the_stale_version_and_clears_the_history(session: Session) -> None:
    state = session.perform(
        _mention(session, "Kalsu Bridge", "place", "kalsu-bridge"), session.state()["version"]
    )
    path = session.paths[0]
    edited = path.read_text(encoding="utf-8").replace(
        "events: []", "events: []  # none yet, by hand"
    )
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(ConflictError):
        session.perform(
            _mention(session, "Babil Province", "place", "babil-governorate"), state["version"]
        )
    with pytest.raises(ConflictError):
        session.step(True, state["version"])
    assert path.read_text(encoding="utf-8") == edited
    fresh = session.state()
    assert fresh["undo"] == 0  # undoing now would also undo the hand edit
    session.perform(
        _mention(session, "Babil Province", "place", "babil-governorate"), fresh["version"]
    )
    assert "events: []  # none yet, by hand\n" in path.read_text(encoding="utf-8")


def test_the_gold_keeps_every_comment_through_an_action(empty_repo: Path) -> None:
    path = empty_repo / "data" / "annotations" / f"{SEED_ID}.yaml"
    shutil.copyfile(GOLD, path)
    session = Session.open(empty_repo, SEED_ID)
    state = session.state()
    assert state["problems"] == [] and len(state["events"]) == 5
    session.perform(
        {
            "action": "evidence",
            "item": "event",
            "id": "iq-2021-09-06-kalsu-bridge-convoy-bombing",
            **_at(session, "reports said"),
        },
        state["version"],
    )
    old, new = (
        GOLD.read_text(encoding="utf-8").splitlines(),
        path.read_text(encoding="utf-8").splitlines(),
    )
    assert [line for line in old if "#" in line] == [line for line in new if "#" in line]
    assert len(new) == len(old) + 1


def test_a_problem_is_shown_at_its_words_with_its_fixes(session: Session) -> None:
    path = session.paths[0]
    text = path.read_text(encoding="utf-8").replace(
        "places: []", 'places:\n  - place: iraq\n    mentions: ["Iraq"]'
    )
    path.write_text(text, encoding="utf-8")
    state = session.state()
    [problem] = [p for p in state["problems"] if p["code"] == "E302"]
    assert (
        problem["hint"]
        and len(problem["fixes"]) == len(re.findall(r"\bIraq\b", session.seed.text)) == 6
    )
    third = problem["fixes"][2]
    state = session.perform({"action": "fix", "fix": third["key"]}, state["version"])
    assert not [p for p in state["problems"] if p["code"] == "E302"]
    assert third["label"] in path.read_text(encoding="utf-8").replace("\n      ", " ").replace(
        "- ", ""
    )
    with pytest.raises(RefusedError):
        session.perform({"action": "fix", "fix": third["key"]}, state["version"])


def test_a_date_that_contradicts_its_words_gets_the_date_they_say(session: Session) -> None:
    state = session.state()
    event = {
        "action": "event",
        "id": "e-1",
        "type": "ASSAULT",
        "certainty": "reported",
        "summary": "A bomb.",
        "date": {"start": "2021-09-05", "precision": "day", "derived": True},
        "actor": "unidentified-iq",
        "role": "perpetrator",
        **_at(session, "A roadside bomb"),
    }
    state = session.perform(event, state["version"])
    date = {
        "action": "date",
        "item": "event",
        "id": "e-1",
        "date": event["date"],
        **_at(session, "on Monday"),
    }
    state = session.perform(date, state["version"])
    [problem] = [p for p in state["problems"] if p["code"] == "E411"]
    assert problem["mentions"]  # shown at "on Monday"
    [fix] = problem["fixes"]
    state = session.perform({"action": "fix", "fix": fix["key"]}, state["version"])
    assert state["problems"] == [] and state["events"][0]["date"] == "2021-09-06"


def test_a_file_that_does_not_parse_is_shown_read_only_with_its_problems(session: Session) -> None:
    path = session.paths[0]
    path.write_text(path.read_text(encoding="utf-8") + "events: [\n", encoding="utf-8")
    state = session.state()
    assert not state["editable"] and [p["code"] for p in state["problems"]] == ["E116"]
    broken = path.read_bytes()
    with pytest.raises(RefusedError):
        session.perform(
            _mention(session, "Kalsu Bridge", "place", "kalsu-bridge"), state["version"]
        )
    assert path.read_bytes() == broken
