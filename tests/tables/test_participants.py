"""The participant crosswalk columns of events (assemble._participant_frame), worked out per
distinct shape by polars, against the crosswalk applied event by event in Python."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from eventset.schema.crosswalk import participant_crosswalk
from eventset.schema.registry import Actor, ActorRegistry
from eventset.schema.vocab import event_modes, vocabulary
from eventset.tables.assemble import _PARTICIPANT_COLUMNS, _participant_frame

TYPES = sorted(vocabulary("event_types").values())
KINDS = sorted(vocabulary("actor_kinds").values())
ROLES = sorted(vocabulary("participant_roles").values())
PARTIES = sorted(vocabulary("ucdp_parties").values())


def _one_by_one(
    events: pl.DataFrame, event_actors: pl.DataFrame, actors: ActorRegistry
) -> list[tuple[Any, ...]]:
    """Each event's crosswalk from its own sorted (role, kind, party) tuples."""
    kinds = {actor.id: (actor.kind, actor.ucdp_party) for actor in actors.actors}
    taking: dict[str, list[tuple[str, str, str | None]]] = {}
    for event_id, actor_id, role in event_actors.iter_rows():
        if actor_id in kinds:
            taking.setdefault(event_id, []).append((role, *kinds[actor_id]))
    out = []
    for event_id, event_type, mode in events.iter_rows():
        shape = sorted(taking.get(event_id, []), key=lambda t: (t[0], t[1], t[2] or ""))
        walk = participant_crosswalk(event_type, mode, shape)
        out.append(
            (
                event_id,
                walk.acled_event_type,
                walk.acled_sub_event_type,
                walk.civilian_targeting,
                walk.ucdp_type_of_violence,
                walk.gtd_targtype,
            )
        )
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame, ActorRegistry]:
    actors = [
        Actor(
            id=f"actor-{number}",
            name=f"Actor {number}",
            kind=draw(st.sampled_from(KINDS)),
            ucdp_party=draw(st.none() | st.sampled_from(PARTIES)),
        )
        for number in range(draw(st.integers(0, 6)))
    ]
    events = []
    for number in range(draw(st.integers(0, 12))):
        event_type = draw(st.sampled_from(["ASSAULT", "ASSAULT", *TYPES]))
        modes = sorted(event_modes(event_type))
        mode = draw(st.none() | st.sampled_from(modes)) if modes else None
        events.append((f"event-{number}", event_type, mode))
    # Unknown actors (a foreign key the checks report) and events without a row are drawn too.
    ids = [f"event-{n}" for n in range(len(events) + 1)]
    actor_ids = [actor.id for actor in actors] + ["nobody"]
    event_actors = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(actor_ids), st.sampled_from(ROLES)),
            max_size=30,
        )
    )
    return (
        pl.DataFrame(events, schema=["event_id", "event_type", "mode"], orient="row"),
        pl.DataFrame(event_actors, schema=["event_id", "actor_id", "role"], orient="row"),
        ActorRegistry(format=1, actors=actors),
    )


@given(cases())
def test_each_shape_worked_out_once_is_each_event_worked_out(
    case: tuple[pl.DataFrame, pl.DataFrame, ActorRegistry],
) -> None:
    events, event_actors, actors = case
    found = _participant_frame(events, event_actors, actors)
    assert found.columns == ["event_id", *_PARTICIPANT_COLUMNS]
    assert found.rows() == _one_by_one(events, event_actors, actors)


def test_a_stated_party_and_the_order_of_the_rows_make_the_shape() -> None:
    # A person's stated UCDP party decides the type of violence; without it, nothing does.
    actors = ActorRegistry(
        format=1,
        actors=[
            Actor(id="commander", name="Commander", kind="person", ucdp_party="government"),
            Actor(id="someone", name="Someone", kind="person"),
            Actor(id="army", name="Army", kind="military"),
        ],
    )
    events = pl.DataFrame(
        {"event_id": ["e1", "e2", "e3"], "event_type": ["ASSAULT"] * 3, "mode": [None] * 3}
    )
    event_actors = pl.DataFrame(
        {
            "event_id": ["e1", "e1", "e2", "e2", "e3", "e3"],
            "actor_id": ["commander", "army", "army", "commander", "someone", "army"],
            "role": ["perpetrator", "victim", "victim", "perpetrator", "perpetrator", "victim"],
        }
    )
    found = _participant_frame(events, event_actors, actors)
    assert found.rows() == _one_by_one(events, event_actors, actors)
    assert found.get_column("ucdp_type_of_violence").to_list() == [1, 1, None]
