"""Random registries either form a real hierarchy or are refused (docs/hierarchy.md): valid
random hierarchies pass; an injected cycle, inversion or border crossing without a reason is
reported once, at its entry; and the checks stay within docs/limits.md on any registry, even
one with a cycle of every entry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.inputs.parse import Located, parse_model
from eventset.inputs.yamlfile import YamlDocument
from eventset.problems import Problem
from eventset.schema.hierarchy import MAX_DEPTH, ancestors
from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry, Retired
from eventset.schema.vocab import place_kind_rank, vocabulary
from eventset.testing import dump_yaml, words
from eventset.validation.registry_checks import Section, check_actor_registry, check_place_registry
from tests.property.defects import locate
from tests.property.helpers import scaled

Data = dict[str, Any]
KINDS = vocabulary("place_kinds").values()
NARROWEST = max(map(place_kind_rank, KINDS))
# A check of a few hundred entries takes milliseconds; the limit only catches a hang or a
# quadratic walk, with a wide margin for a loaded machine.
TIME_LIMIT = 5.0
# docs/limits.md: a 2 MiB registry file holds at most about 40,000 entries (of some 50 bytes);
# the checks of each registry below take about 0.2 s on a 2-core machine loaded by others.
LARGE = 40_000
LARGE_TIME_LIMIT = 5.0


@st.composite
def place_hierarchies(draw: st.DrawFn, min_size: int = 1, max_size: int = 80) -> list[Data]:
    """A valid place hierarchy: each parent an earlier, wider place in the same country, except
    about one child in ten that lies across a border and says why."""
    places: list[Data] = []
    for i in range(draw(st.integers(min_size, max_size))):
        wider = [p for p in places if place_kind_rank(p["kind"]) < NARROWEST]
        parent: Data | None = None
        if draw(st.integers(0, 3)) and wider:
            parent = draw(st.sampled_from(wider))
        floor = place_kind_rank(parent["kind"]) if parent else 0
        place: Data = {
            "id": f"synthetic-place-{i}",
            "name": f"SYNTHETIC place {i}",
            "kind": draw(st.sampled_from([k for k in KINDS if place_kind_rank(k) > floor])),
            "country": draw(st.sampled_from(words.COUNTRIES)),
        }
        if parent is not None:
            place["parent"] = parent["id"]
            if draw(st.integers(0, 9)):
                place["country"] = parent["country"]
            elif place["country"] != parent["country"]:
                place["cross_border"] = "SYNTHETIC border crossing."
        places.append(place)
    return places


@st.composite
def actor_forests(draw: st.DrawFn, max_size: int = 80) -> list[Data]:
    """A valid actor hierarchy: each parent an earlier actor, of any kind."""
    actors: list[Data] = []
    for i in range(draw(st.integers(1, max_size))):
        actor: Data = {
            "id": f"synthetic-actor-{i}",
            "name": f"SYNTHETIC actor {i}",
            "kind": draw(st.sampled_from(vocabulary("actor_kinds").values())),
        }
        if i and draw(st.booleans()):
            actor["parent"] = f"synthetic-actor-{draw(st.integers(0, i - 1))}"
        actors.append(actor)
    return actors


def _checked(section: str, entries: list[Data]) -> tuple[list[Problem], str]:
    """The registry checks' problems for these entries, written as a registry file, and the file."""
    file = f"data/{section}.yaml"
    text = dump_yaml({"format": 1, section: entries})
    raw = text.encode("utf-8")
    if section == "actors":
        actors, doc, problems = parse_model(raw, file, ActorRegistry)
        assert actors is not None and doc is not None, problems
        checks = check_actor_registry(
            Section.whole(actors.actors), Section.whole(actors.retired), Located(file, doc)
        )
    else:
        places, doc, problems = parse_model(raw, file, PlaceRegistry)
        assert places is not None and doc is not None, problems
        checks = check_place_registry(
            Section.whole(places.places), Section.whole(places.retired), Located(file, doc)
        )
    started = time.perf_counter()
    found = list(checks)
    assert time.perf_counter() - started < TIME_LIMIT
    return found, text


def _only(problems: list[Problem], code: str, text: str, path: tuple[str | int, ...]) -> Problem:
    assert [p.code for p in problems] == [code], problems
    assert (problems[0].line, problems[0].column) == locate(text, path)
    return problems[0]


def _loop(entries: list[Data], members: list[int]) -> None:
    for child, parent in zip(members, members[1:] + members[:1], strict=True):
        entries[child]["parent"] = entries[parent]["id"]


@settings(max_examples=scaled(3))
@given(places=place_hierarchies(), actors=actor_forests())
def test_valid_random_hierarchies_pass(places: list[Data], actors: list[Data]) -> None:
    assert _checked("places", places)[0] == []
    assert _checked("actors", actors)[0] == []


@settings(max_examples=scaled(3))
@given(section=st.sampled_from(["places", "actors"]), data=st.data())
def test_an_injected_cycle_is_refused_once_at_its_last_entry(
    section: str, data: st.DataObject
) -> None:
    entries = data.draw(place_hierarchies() if section == "places" else actor_forests())
    members = data.draw(st.lists(st.integers(0, len(entries) - 1), min_size=1, unique=True))
    _loop(entries, members)
    problems, text = _checked(section, entries)
    found = _only(problems, "E418", text, (section, max(members), "parent"))
    if len(members) <= MAX_DEPTH:
        assert all(entries[member]["id"] in found.message for member in members)


@settings(max_examples=scaled(3))
@given(places=place_hierarchies(min_size=2), data=st.data())
def test_an_injected_inversion_is_refused_at_the_child(
    places: list[Data], data: st.DataObject
) -> None:
    child = data.draw(st.integers(0, len(places) - 1))
    parents = {p["id"]: p.get("parent") for p in places}
    here = places[child]
    # A place of the same country, not wider, and not below the child (that would be a cycle).
    narrower = [
        p["id"]
        for p in places
        if p is not here
        and p["country"] == here["country"]
        and place_kind_rank(p["kind"]) >= place_kind_rank(here["kind"])
        and here["id"] not in ancestors(p["id"], parents)
    ]
    if not narrower:
        places.append(
            {
                "id": "synthetic-site",
                "name": "SYNTHETIC",
                "kind": "site",
                "country": here["country"],
            }
        )
        narrower = ["synthetic-site"]
    here["parent"] = data.draw(st.sampled_from(narrower))
    problems, text = _checked("places", places)
    _only(problems, "E419", text, ("places", child, "parent"))


@settings(max_examples=scaled(3))
@given(places=place_hierarchies(), data=st.data())
def test_another_country_without_a_reason_is_refused(
    places: list[Data], data: st.DataObject
) -> None:
    wider = [p for p in places if place_kind_rank(p["kind"]) < NARROWEST]
    parent = data.draw(st.sampled_from(wider)) if wider else None
    if parent is None:
        parent = {"id": "synthetic-country", "name": "S", "kind": "country", "country": "IQ"}
        places.append(parent)
    elsewhere = data.draw(st.sampled_from([c for c in words.COUNTRIES if c != parent["country"]]))
    places.append(
        {
            "id": "synthetic-child",
            "name": "SYNTHETIC",
            "kind": "site",
            "country": elsewhere,
            "parent": parent["id"],
        }
    )
    problems, text = _checked("places", places)
    _only(problems, "E420", text, ("places", len(places) - 1, "country"))


def test_large_registries_are_checked_in_linear_time() -> None:
    """A valid place hierarchy, one cycle through every actor, and one chain through every
    actor: each is reported once, and checked within the limit."""
    kinds = ["country", "admin1", "admin2", "town", "neighbourhood", "site"]
    places = [
        Place(
            id=f"p-{i}",
            name="SYNTHETIC",
            kind=kinds[i % 6],
            country="IQ",
            parent=f"p-{i - 1}" if i % 6 else None,
        )
        for i in range(LARGE)
    ]
    loop = [
        Actor(id=f"a-{i}", name="S", kind="person", parent=f"a-{(i + 1) % LARGE}")
        for i in range(LARGE)
    ]
    line = [Actor(id=f"a-{i}", name="S", kind="person", parent=f"a-{i + 1}") for i in range(LARGE)]
    where = Located("data/registry.yaml", YamlDocument({}))
    none: Section[Retired] = Section((), ())

    def timed(problems: Iterator[Problem]) -> list[Problem]:
        started = time.perf_counter()
        found = list(problems)
        assert time.perf_counter() - started < LARGE_TIME_LIMIT
        return found

    assert timed(check_place_registry(Section.whole(places), none, where)) == []
    [cycle] = timed(check_actor_registry(Section.whole(loop), none, where))
    assert cycle.code == "E418" and len(cycle.message) < 1000
    chain = timed(check_actor_registry(Section.whole(line), none, where))
    assert [p.code for p in chain] == ["E414", "E421"]
