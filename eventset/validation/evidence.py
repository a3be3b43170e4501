"""Every quote an annotation gives, with what it supports.

One walk over the annotation serves both the checks (is each quote found?) and the compiler
(one mentions row per quote), so the two can never disagree about what counts as evidence.
"""

from __future__ import annotations

from typing import NamedTuple

from eventset.inputs.yamlfile import YamlPath
from eventset.schema.annotation import Annotation, DateSpec
from eventset.schema.fields import Selector


class EvidenceItem(NamedTuple):
    """One quote and what it supports. A named tuple rather than a frozen dataclass: one is
    made per quote of every document, and a frozen dataclass sets each field through
    object.__setattr__ (three times the cost)."""

    path: YamlPath  # where the selector sits in the YAML, for locating problems
    selector: Selector
    target_kind: str  # actor | place | event | claim
    target_id: str
    aspect: str  # a mention_aspects code
    actor_id: str | None = None  # the participant, for aspect "participant"
    role: str | None = None


# EvidenceItem's own __new__ is a Python function (it fills the defaults); tuple.__new__ with
# every field given makes the same named tuple in half the time, for every quote of a build.
_new = tuple.__new__


def _date_items(
    items: list[EvidenceItem], date: DateSpec | None, path: YamlPath, kind: str, target: str
) -> None:
    if date is not None:
        for j, sel in enumerate(date.evidence):
            items.append(
                _new(
                    EvidenceItem,
                    ((*path, "date", "evidence", j), sel, kind, target, "date", None, None),
                )
            )


def evidence_items(annotation: Annotation) -> list[EvidenceItem]:
    """Every quote of the annotation and what it supports, in the order of the file."""
    items: list[EvidenceItem] = []
    add = items.append
    for i, actor in enumerate(annotation.actors):
        ident = actor.actor
        for j, sel in enumerate(actor.mentions):
            add(
                _new(
                    EvidenceItem,
                    (("actors", i, "mentions", j), sel, "actor", ident, "name", None, None),
                )
            )
    for i, place in enumerate(annotation.places):
        ident = place.place
        for j, sel in enumerate(place.mentions):
            add(
                _new(
                    EvidenceItem,
                    (("places", i, "mentions", j), sel, "place", ident, "name", None, None),
                )
            )
    for i, event in enumerate(annotation.events):
        ident = event.id
        for j, sel in enumerate(event.evidence):
            add(
                _new(
                    EvidenceItem,
                    (("events", i, "evidence", j), sel, "event", ident, "occurrence", None, None),
                )
            )
        _date_items(items, event.date, ("events", i), "event", ident)
        if event.place is not None:
            for j, sel in enumerate(event.place.evidence):
                add(
                    _new(
                        EvidenceItem,
                        (
                            ("events", i, "place", "evidence", j),
                            sel,
                            "event",
                            ident,
                            "place",
                            None,
                            None,
                        ),
                    )
                )
        for k, part in enumerate(event.participants):
            for j, sel in enumerate(part.evidence):
                add(
                    _new(
                        EvidenceItem,
                        (
                            ("events", i, "participants", k, "evidence", j),
                            sel,
                            "event",
                            ident,
                            "participant",
                            part.actor,
                            part.role,
                        ),
                    )
                )
        if event.fatalities is not None:
            for j, sel in enumerate(event.fatalities.evidence):
                add(
                    _new(
                        EvidenceItem,
                        (
                            ("events", i, "fatalities", "evidence", j),
                            sel,
                            "event",
                            ident,
                            "fatalities",
                            None,
                            None,
                        ),
                    )
                )
    for i, claim in enumerate(annotation.claims):
        ident = claim.id
        for j, sel in enumerate(claim.evidence):
            add(
                _new(
                    EvidenceItem,
                    (("claims", i, "evidence", j), sel, "claim", ident, "occurrence", None, None),
                )
            )
        _date_items(items, claim.date, ("claims", i), "claim", ident)
    return items
