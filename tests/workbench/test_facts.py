"""Events, claims, figures and descriptions proposed from the cue words, on small texts."""

from __future__ import annotations

from eventset.schema.registry import Actor, ActorRegistry
from eventset.schema.vocab import EvidenceCues, evidence_cues
from eventset.workbench.descriptions import propose_descriptions
from eventset.workbench.facts import propose_claims, propose_events
from eventset.workbench.proposal import Mention, propose_mentions, surface_forms


def _cues() -> EvidenceCues:
    cues = evidence_cues("en")
    assert cues is not None
    return cues


ACTORS = ActorRegistry(
    format=1,
    actors=[
        Actor(id="freedonia", name="Freedonia", kind="state", country="IQ", aliases=["Fredville"]),
        Actor(id="freedonian-army", name="Freedonian Army", kind="military", parent="freedonia"),
        Actor(id="red-hand", name="Red Hand", kind="armed_group"),
        Actor(id="police-source", name="Unnamed police source", kind="anonymous_source"),
        Actor(id="desk", name="Desk", kind="media_outlet"),
    ],
)


def _mentions(text: str) -> list[Mention]:
    names = propose_mentions(text, surface_forms(ACTORS, None))
    return sorted(names + propose_descriptions(text, names, ACTORS, _cues()), key=lambda m: m.start)


def _claims(text: str, voice: str | None = "desk") -> list[tuple[str, str, float | None, str]]:
    mentions = _mentions(text)
    events = propose_events(text, 0, mentions, _cues())
    spans = [(m.start, m.end) for m in mentions]
    found = propose_claims(text, 0, mentions, spans, _cues(), events, voice)
    return [(c.kind, c.claimant, c.value, text[c.start : c.end]) for c in found]


def test_figures_next_to_killing_words() -> None:
    cues = _cues()
    cases = {
        "A car bomb killed four people in the market.": {"best": 4},
        "At least six soldiers were killed in the ambush.": {"low": 6},
        "Two dozen people died when the shells hit.": {"best": 24},
        "The blast destroyed a truck, causing no casualties.": {"best": 0},
        "The rocket attack on the base left up to 12 dead.": {"high": 12},
    }
    for text, figure in cases.items():
        [event] = propose_events(text, 0, [], cues)
        assert event.fatalities is not None, text
        assert {k: v for k, v in event.fatalities.items() if k != "evidence"} == figure, text
    [quiet] = propose_events("Gunmen attacked the checkpoint on 5 June 2021.", 0, [], cues)
    assert quiet.type == "ASSAULT" and quiet.fatalities is None  # a date is no death toll


def test_claims_kind_claimant_and_quote() -> None:
    text = (
        "Red Hand claimed responsibility for the bombing. Fredville denied any role, "
        "and a police source said four people were killed. No group has claimed the attack. "
        "Fredville did not deny the raid. The Freedonian Army assassinated the leader."
    )
    assert _claims(text) == [
        ("responsibility", "red-hand", None, "Red Hand claimed responsibility for the bombing"),
        ("denial", "freedonia", None, "Fredville denied any role"),
        ("casualty_figure", "police-source", 4.0, "a police source said four people were killed"),
        ("no_claim", "desk", None, "No group has claimed the attack"),
    ]  # "did not deny" says no denial; "assassinated" is the writer's framing
    assert _claims("The convoy was hit near the bridge, police sources said.") == [
        (
            "statement",
            "police-source",
            None,
            "The convoy was hit near the bridge, police sources said.",
        )
    ]  # a clause of only a speaker and its cue quotes its sentence


def test_a_figure_claim_takes_its_number_and_a_voice_needs_no_speaker() -> None:
    assert _claims("Nine civilians were killed in the shelling.") == [
        ("casualty_figure", "desk", 9.0, "Nine civilians were killed in the shelling")
    ]
    assert _claims("Nine civilians were killed in the shelling.", voice=None) == []
    assert _claims("Warned by the army, they left.", voice="desk") == []  # a threat needs a speaker


def test_descriptions_name_the_actor_nearness_and_the_registry_say() -> None:
    text = (
        "Red Hand attacked a Freedonian army post. The group later left. "
        "Fredville said its troops would stay; a police source told reporters that."
    )
    found = {(m.quote, m.target[1]) for m in _mentions(text) if m.note}
    assert found == {
        ("Freedonian army", "freedonian-army"),
        ("The group", "red-hand"),
        ("its troops", "freedonian-army"),
        ("a police source", "police-source"),
    }
