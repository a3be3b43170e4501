"""Crosswalks that depend on the participants' actor kinds, null where the kinds do not decide."""

from __future__ import annotations

import pytest

from eventset.schema.crosswalk import participant_crosswalk
from eventset.schema.vocab import vocabulary


def test_killing_a_military_commander_is_not_violence_against_civilians() -> None:
    # The seed's Soleimani killing: a state kills two people of unstated affiliation.
    walk = participant_crosswalk(
        "ASSAULT", "targeted", [("perpetrator", "state"), ("victim", "person")]
    )
    assert walk.acled_event_type is None and walk.acled_sub_event_type is None
    assert walk.civilian_targeting is None and walk.ucdp_type_of_violence is None
    military = participant_crosswalk(
        "ASSAULT", "targeted", [("perpetrator", "armed_group"), ("victim", "military")]
    )
    assert military.acled_event_type is None and military.civilian_targeting is False
    assert military.ucdp_type_of_violence == 1 and military.gtd_targtype == 4


def test_killing_civilians_is_one_sided_violence_against_civilians() -> None:
    walk = participant_crosswalk(
        "ASSAULT", "targeted", [("perpetrator", "armed_group"), ("victim", "civilians")]
    )
    assert (walk.acled_event_type, walk.acled_sub_event_type) == (
        "Violence against civilians",
        "Attack",
    )
    assert walk.civilian_targeting is True
    assert walk.ucdp_type_of_violence == 3 and walk.gtd_targtype == 14


@pytest.mark.parametrize(
    ("pairs", "acled", "ucdp"),
    [
        ([("participant", "military"), ("participant", "armed_group")], "Battles", 1),
        ([("participant", "armed_group"), ("participant", "armed_group")], "Battles", 2),
        ([("perpetrator", "police"), ("victim", "civilians")], "Violence against civilians", 3),
        ([("perpetrator", "unidentified"), ("target", "military")], None, None),
        ([("perpetrator", "military")], None, None),
    ],
)
def test_firearms_are_battles_only_between_armed_sides(
    pairs: list[tuple[str, str]], acled: str | None, ucdp: int | None
) -> None:
    walk = participant_crosswalk("ASSAULT", "firearms", pairs)
    assert walk.acled_event_type == acled and walk.ucdp_type_of_violence == ucdp


def test_crosswalks_that_need_no_participants_are_kept() -> None:
    walk = participant_crosswalk("ASSAULT", "explosives", [])
    assert walk.acled_sub_event_type == "Remote explosive/landmine/IED"
    assert walk.ucdp_type_of_violence is None and walk.gtd_targtype is None
    protest = participant_crosswalk("PROTEST", "demo", [("initiator", "protesters")])
    assert protest.acled_event_type == "Protests" and protest.civilian_targeting is None


def test_every_actor_kind_says_what_it_decides() -> None:
    for code in vocabulary("actor_kinds").codes:
        assert set(code.fields) == {
            "civilian",
            "ucdp_party",
            "acled_inter",
            "gtd_targtype",
            "plover_sector",
            "named_in_evidence",
        }
        assert isinstance(code.fields["named_in_evidence"], bool)
        assert code.fields["civilian"] in (True, False, None)
        assert code.fields["ucdp_party"] in ("government", "non_state", "civilian", None)
        inter = code.fields["acled_inter"]
        assert inter is None or (isinstance(inter, int) and 0 <= inter <= 8)
        targ = code.fields["gtd_targtype"]
        assert targ is None or (isinstance(targ, int) and 1 <= targ <= 22)
        # the sector codes table of the PLOVER manual (2024)
        sectors = "COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK AGR BUS CRM CVL EDU ELI JRN LAB MED REF OPP PRE REL SOC"
        assert code.fields["plover_sector"] in (None, *sectors.split())
