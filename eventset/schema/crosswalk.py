"""Crosswalks that depend on who took part: ACLED civilian targeting and event type, UCDP type
of violence, GTD target type.

A type and mode alone cannot say whether an attack targeted civilians: the killing of a
military commander and the shooting of villagers are both ASSAULT/targeted. These values are
computed from the participants' actor kinds (the `civilian`, `ucdp_party` and `gtd_targtype`
fields of actor_kinds.yaml) and are null whenever the kinds do not decide them, never guessed.
A registry entry may state its own UCDP party where its kind cannot (a person commanding state
forces is `government`): a participant is then (role, kind, party).

>>> walk = participant_crosswalk("ASSAULT", "targeted", [("perpetrator", "state"), ("victim", "person")])
>>> walk.acled_event_type, walk.civilian_targeting, walk.ucdp_type_of_violence
(None, None, None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eventset.schema.vocab import event_crosswalk, vocabulary

VIOLENT_TYPES = frozenset({"ASSAULT"})
ATTACKER_ROLES = frozenset({"perpetrator", "initiator"})
ATTACKED_ROLES = frozenset({"target", "victim"})
SIDE_ROLES = frozenset({"participant"})  # a clash: every side acts, none is the clear initiator
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
BATTLES = "Battles"


@dataclass(frozen=True)
class ParticipantCrosswalk:
    acled_event_type: str | None
    acled_sub_event_type: str | None
    civilian_targeting: bool | None
    ucdp_type_of_violence: int | None
    gtd_targtype: int | None


def _kind_field(kind: str, name: str) -> object:
    return vocabulary("actor_kinds")[kind].fields.get(name)


def _all(values: list[object]) -> object:
    """The one value every entry shares, else None (an empty list decides nothing)."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _civilian(kinds: list[str]) -> bool | None:
    value = _all([_kind_field(kind, "civilian") for kind in kinds])
    return value if isinstance(value, bool) else None


Taking = tuple[str, str] | tuple[str, str, str | None]  # (role, kind[, stated UCDP party])


def _party(taking: Taking) -> object:
    stated = taking[2] if len(taking) == 3 else None
    return stated if stated is not None else _kind_field(taking[1], "ucdp_party")


def _ucdp_type(attackers: list[Taking], attacked: list[Taking], sides: list[Taking]) -> int | None:
    if attackers and attacked:
        a = {_party(p) for p in attackers}
        b = {_party(p) for p in attacked}
    elif len(sides) >= 2:
        a = b = {_party(p) for p in sides}
    else:
        return None
    if None in a or None in b or "civilian" in a:
        return None
    if b == {"civilian"}:
        return 3  # one-sided: an organised armed actor against civilians
    if "civilian" in b:
        return None  # civilians and armed actors attacked together: the kinds do not decide it
    return 1 if "government" in a | b else 2


def participant_crosswalk(
    event_type: str, mode: str | None, participants: Iterable[Taking]
) -> ParticipantCrosswalk:
    """The crosswalks of one event from its type, mode and (role, actor kind) pairs, each with
    the UCDP party its registry entry states, if any."""
    walk = event_crosswalk(event_type, mode)
    acled = (walk.acled_event_type, walk.acled_sub_event_type)
    if event_type not in VIOLENT_TYPES:
        return ParticipantCrosswalk(*acled, None, None, None)
    pairs = list(participants)
    attackers = [p[1] for p in pairs if p[0] in ATTACKER_ROLES]
    attacked = [p[1] for p in pairs if p[0] in ATTACKED_ROLES]
    sides = [p[1] for p in pairs if p[0] in SIDE_ROLES]
    if attacked:
        civilian_targeting = _civilian(attacked)
    elif len(sides) >= 2 and _civilian(sides) is False:
        civilian_targeting = False
    else:
        civilian_targeting = None
    armed_both_sides = (attackers and attacked and _civilian(attackers + attacked) is False) or (
        len(sides) >= 2 and _civilian(sides) is False
    )
    civilian_attackers = bool(attackers) and _civilian(attackers) is True  # a mob: ACLED riots
    if acled[0] == VIOLENCE_AGAINST_CIVILIANS and (
        civilian_targeting is not True or civilian_attackers
    ):
        acled = (None, None)
    elif acled[0] == BATTLES and not armed_both_sides:
        attack = civilian_targeting is True and not civilian_attackers
        acled = (VIOLENCE_AGAINST_CIVILIANS, "Attack") if attack else (None, None)
    targtype = _all([_kind_field(kind, "gtd_targtype") for kind in attacked])
    return ParticipantCrosswalk(
        acled[0],
        acled[1],
        civilian_targeting,
        _ucdp_type(
            [p for p in pairs if p[0] in ATTACKER_ROLES],
            [p for p in pairs if p[0] in ATTACKED_ROLES],
            [p for p in pairs if p[0] in SIDE_ROLES],
        ),
        targtype if isinstance(targtype, int) else None,
    )
