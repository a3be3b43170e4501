"""Each action turns the files' data into new data as the format and the models order it, and
refuses bad form input with the codes `eventset validate` gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.annotator.actions import Files, RefusedError, apply
from eventset.inputs.seeds import parse_seed
from eventset.inputs.yamlfile import load_yaml
from eventset.schema.fields import Selector
from eventset.validation.quotes import Span, find_quote
from eventset.workbench.starter import starter_annotation
from tests.conftest import REPO, SEED_ID

SEED, _ = parse_seed(SEED_ID, (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes(), "seed")
assert SEED is not None
TEXT = SEED.text


def _data(raw: bytes) -> dict[str, Any]:
    doc, problems = load_yaml(raw, "x")
    assert doc is not None, problems
    return doc.data  # type: ignore[no-any-return]


def _files() -> Files:
    return Files(
        _data(starter_annotation(SEED).encode()),  # type: ignore[arg-type]
        _data((REPO / "data" / "actors.yaml").read_bytes()),
        _data((REPO / "data" / "places.yaml").read_bytes()),
    )


def _at(words: str, nth: int = 0) -> dict[str, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return {"start": start, "end": start + len(words)}


EVENT = {
    "action": "event",
    "id": "e-1",
    "type": "ASSAULT",
    "mode": "explosives",
    "certainty": "reported",
    "summary": "A bomb.",
    "date": {"start": "2021-09-06", "precision": "day", "derived": True},
    "actor": "unidentified-iq",
    "role": "perpetrator",
    **_at("A roadside bomb"),
}


def _codes(action: dict[str, Any], files: Files | None = None) -> list[str]:
    with pytest.raises(RefusedError) as refused:
        apply(files or _files(), TEXT, action)
    return [p.code for p in refused.value.problems]


def test_a_mention_takes_the_shortest_selector_of_its_occurrence() -> None:
    files = apply(
        _files(),
        TEXT,
        {"action": "mention", "target": "actor", "id": "united-states", **_at("US", 2)},
    )
    files = apply(
        files,
        TEXT,
        {"action": "mention", "target": "place", "id": "kalsu-bridge", **_at("Kalsu Bridge")},
    )
    files = apply(
        files,
        TEXT,
        {"action": "mention", "target": "actor", "id": "united-states", **_at("Washington has")},
    )
    assert files.annotation["actors"] == [
        {
            "actor": "united-states",
            "mentions": [{"quote": "US", "suffix": "-led"}, "Washington has"],
        }
    ]
    assert files.annotation["places"] == [{"place": "kalsu-bridge", "mentions": ["Kalsu Bridge"]}]


def test_a_new_event_is_written_in_model_order_and_grows_by_its_actions() -> None:
    files = apply(_files(), TEXT, EVENT)
    steps = [
        {"action": "date", "item": "event", "id": "e-1", "date": EVENT["date"], **_at("on Monday")},
        {
            "action": "place",
            "id": "e-1",
            "place": "kalsu-bridge",
            "precision": "near",
            **_at("near the Kalsu Bridge"),
        },
        {
            "action": "place",
            "id": "e-1",
            "place": "kalsu-bridge",
            "precision": "near",
            **_at("Babil Province"),
        },
        {
            "action": "participant",
            "id": "e-1",
            "actor": "us-armed-forces",
            "role": "target",
            **_at("US occupation forces"),
        },
        {
            "action": "participant",
            "id": "e-1",
            "actor": "unidentified-iq",
            "role": "perpetrator",
            **_at("No group"),
        },
        {"action": "evidence", "item": "event", "id": "e-1", **_at("The incident took place")},
        {"action": "figure", "id": "e-1", "low": 0, "derived": True, **_at("without elaborating")},
    ]
    for step in steps:
        files = apply(files, TEXT, step)
    event = files.annotation["events"][0]
    assert list(event) == [
        "id",
        "type",
        "mode",
        "date",
        "place",
        "participants",
        "fatalities",
        "certainty",
        "summary",
        "evidence",
    ]
    assert event["date"]["evidence"] == ["on Monday"]
    assert event["place"]["evidence"] == ["near the Kalsu Bridge", "Babil Province"]
    assert event["participants"] == [
        {"actor": "unidentified-iq", "role": "perpetrator", "evidence": ["No group"]},
        {
            "actor": "us-armed-forces",
            "role": "target",
            "evidence": [{"quote": "US occupation forces", "prefix": "the "}],
        },
    ]
    assert event["evidence"] == ["A roadside bomb", "The incident took place"]
    # A changed date drops the evidence of the old one; the same date keeps it.
    other = apply(
        files,
        TEXT,
        {
            **steps[0],
            "date": {"start": "2021-09-05", "precision": "day", "derived": True},
            **_at("reports said"),
        },
    )
    assert other.annotation["events"][0]["date"]["evidence"] == ["reports said"]


def test_a_claim_and_a_new_registry_entry() -> None:
    files = apply(_files(), TEXT, EVENT)
    files = apply(
        files,
        TEXT,
        {
            "action": "claim",
            "id": "c-1",
            "claimant": "unidentified-outlet",
            "kind": "no_claim",
            "about_event": "e-1",
            "summary": "None so far.",
            **_at("No group has so far"),
        },
    )
    assert files.annotation["claims"] == [
        {
            "id": "c-1",
            "claimant": "unidentified-outlet",
            "kind": "no_claim",
            "about": {"event": "e-1"},
            "summary": "None so far.",
            "evidence": ["No group has so far"],
        }
    ]
    entry = {
        "id": "kalsu-convoy-route",
        "name": "Kalsu convoy route",
        "kind": "infrastructure",
        "country": "IQ",
        "parent": "babil-governorate",
    }
    files = apply(
        files, TEXT, {"action": "entry", "target": "place", "entry": entry, **_at("Kalsu Bridge")}
    )
    assert files.places["places"][-1] == entry
    assert files.annotation["places"] == [
        {"place": "kalsu-convoy-route", "mentions": ["Kalsu Bridge"]}
    ]


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({"id": "Not A Slug"}, ["E205"]),
        ({"type": "BOMBING"}, ["E204"]),
        ({"mode": "rockets"}, ["E209"]),
        ({"date": {"start": "2021-13-40", "precision": "day"}}, ["E206"]),
        ({"summary": ""}, ["E208"]),
        ({"actor": "nobody"}, ["E401"]),
        ({"start": 10, "end": 9}, ["E301"]),
        ({"start": _at("A roadside")["start"] - 1}, ["E305"]),
    ],
)
def test_bad_form_input_is_refused_with_the_validators_codes(
    change: dict[str, Any], codes: list[str]
) -> None:
    assert _codes({**EVENT, **change}) == codes


def test_a_form_is_refused_with_every_problem_at_once() -> None:
    bad = {**EVENT, "id": "Bad Id", "type": "BOMBING", "actor": "nobody", "start": 10, "end": 9}
    assert sorted(_codes(bad)) == ["E204", "E205", "E301", "E401"]


def test_refusals_of_references_and_duplicates() -> None:
    files = apply(_files(), TEXT, EVENT)
    assert _codes(EVENT, files) == ["E404"]
    assert _codes({"action": "mention", "target": "place", "id": "atlantis", **_at("Iraq")}) == [
        "E402"
    ]
    assert _codes({"action": "evidence", "item": "event", "id": "e-2", **_at("Iraq")}) == ["E403"]
    assert _codes(
        {"action": "evidence", "item": "event", "id": "e-1", **_at("A roadside bomb")}, files
    ) == ["E304"]
    entry = {"id": "iraq", "name": "Iraq again", "kind": "country", "country": "IQ"}
    assert _codes({"action": "entry", "target": "place", "entry": entry}) == ["E404"]
    entry = {"id": "x", "name": "X", "kind": "nowhere", "country": "QQ"}
    assert sorted(_codes({"action": "entry", "target": "place", "entry": entry})) == [
        "E204",
        "E204",
    ]
    assert _codes({"action": "format-disk"}) == ["E204"]


WORDS = [m.span() for m in re.finditer(r"[\w\u2019'-]+", TEXT)]


@given(st.integers(0, len(WORDS) - 1), st.integers(0, 12))
def test_any_words_become_a_selector_that_picks_exactly_them(first: int, more: int) -> None:
    start, end = WORDS[first][0], WORDS[min(first + more, len(WORDS) - 1)][1]
    files = apply(
        _files(),
        TEXT,
        {"action": "mention", "target": "actor", "id": "iraq", "start": start, "end": end},
    )
    [written] = files.annotation["actors"][0]["mentions"]
    found = find_quote(
        TEXT, Selector.model_validate({"quote": written} if isinstance(written, str) else written)
    )
    assert found == Span(start, end)


def test_an_event_is_deleted_and_only_an_existing_one() -> None:
    files = apply(_files(), TEXT, EVENT)
    assert (
        apply(files, TEXT, {"action": "delete", "item": "event", "id": "e-1"}).annotation["events"]
        == []
    )
    assert _codes({"action": "delete", "item": "event", "id": "e-2"}, files) == ["E403"]
