"""Acknowledging a warning: `accept: {CODE: "why"}` on the item silences exactly that warning
there, the reason reaches the tables' `accepted_warnings` and survives decompiling, and an
acknowledgement of a warning that does not fire is reported (W607)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from eventset.pipeline import build
from eventset.tables.decompile import decompile
from eventset.validation.repository import validate_repository
from tests.conftest import SEED_ID

Edit = Callable[[Path, str, str], None]


def _codes(repo: Path) -> list[tuple[str, str]]:
    return [(p.code, p.severity) for p in validate_repository(repo).problems]


def test_an_acknowledged_warning_is_silent_and_its_reason_reaches_the_tables(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(seed_annotation, "    kind: no_claim\n", "    kind: responsibility\n")
    assert _codes(repo) == [("W603", "warning")]
    edit(
        seed_annotation,
        "    kind: responsibility\n",
        '    kind: responsibility\n    accept: {W603: "read as a claim: testing"}\n',
    )
    edit(
        seed_annotation,
        "      - actor: unidentified-iq\n        role: perpetrator\n",
        "      - actor: unidentified-iq\n        role: perpetrator\n"
        '        accept: {W601: "no text names an unknown perpetrator"}\n',
    )
    # The participant's acknowledgement is stale: unidentified actors need no name (W607).
    assert _codes(repo) == [("W607", "warning")]
    built = build(repo, repo / "dist", "dev", cache=False)
    assert built.validation.ok and built.written is not None
    claims = built.tables["claims"].filter(
        pl.col("claim_id") == "c-000-e3ff-no-claim-of-responsibility"
    )
    assert claims["accepted_warnings"].to_list() == [
        [f"W603 {SEED_ID} claim: read as a claim: testing"]
    ]
    actors = built.tables["event_actors"].filter(pl.col("actor_id") == "unidentified-iq")
    assert actors["accepted_warnings"].to_list() == [
        [f"W601 {SEED_ID} participant: no text names an unknown perpetrator"]
    ]
    assert built.tables["events"]["accepted_warnings"].list.len().sum() == 0
    # Decompiled, each acknowledgement is back on its item of its document.
    text = (repo / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    back = decompile(built.tables, {SEED_ID: text}).annotations[SEED_ID]
    [claim] = [c for c in back.claims if c.id == "c-000-e3ff-no-claim-of-responsibility"]
    assert dict(claim.accept) == {"W603": "read as a claim: testing"}
    [event] = [e for e in back.events if e.id == "iq-2021-09-06-kalsu-bridge-convoy-bombing"]
    [part] = [p for p in event.participants if p.actor == "unidentified-iq"]
    assert dict(part.accept) == {"W601": "no text names an unknown perpetrator"}


def test_an_acknowledgement_of_another_code_does_not_silence_a_warning(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(
        seed_annotation,
        "    type: ASSAULT\n    mode: explosives\n",
        '    type: PROTEST\n    mode: demo\n    accept: {W604: "wrong code"}\n',
    )
    assert sorted(_codes(repo)) == [("W605", "warning"), ("W607", "warning")]


def test_an_unknown_code_in_accept_is_reported(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(
        seed_annotation,
        "    kind: no_claim\n",
        '    kind: no_claim\n    accept: {W699: "no such warning"}\n',
    )
    [found] = validate_repository(repo).problems
    assert found.code == "W607" and "no such warning" in found.message


def test_accept_takes_warning_codes_only(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(seed_annotation, "    kind: no_claim\n", '    kind: no_claim\n    accept: {E301: "x"}\n')
    assert [p.code for p in validate_repository(repo).problems] == ["E205"]
