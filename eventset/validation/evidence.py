"""Every quote an annotation gives, with what it supports.

One walk over the annotation serves both the checks (is each quote found?) and the compiler
(one mentions row per quote), so the two can never disagree about what counts as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def _date_items(
    date: DateSpec | None, path: YamlPath, kind: str, target: str
) -> Iterator[EvidenceItem]:
    if date is not None:
        for j, sel in enumerate(date.evidence):
            yield EvidenceItem((*path, "date", "evidence", j), sel, kind, target, "date")


def iter_evidence(annotation: Annotation) -> Iterator[EvidenceItem]:
    for i, actor in enumerate(annotation.actors):
        for j, sel in enumerate(actor.mentions):
            yield EvidenceItem(("actors", i, "mentions", j), sel, "actor", actor.actor, "name")
    for i, place in enumerate(annotation.places):
        for j, sel in enumerate(place.mentions):
            yield EvidenceItem(("places", i, "mentions", j), sel, "place", place.place, "name")
    for i, event in enumerate(annotation.events):
        base: YamlPath = ("events", i)
        for j, sel in enumerate(event.evidence):
            yield EvidenceItem((*base, "evidence", j), sel, "event", event.id, "occurrence")
        yield from _date_items(event.date, base, "event", event.id)
        if event.place is not None:
            for j, sel in enumerate(event.place.evidence):
                yield EvidenceItem((*base, "place", "evidence", j), sel, "event", event.id, "place")
        for k, part in enumerate(event.participants):
            for j, sel in enumerate(part.evidence):
                yield EvidenceItem(
                    (*base, "participants", k, "evidence", j),
                    sel,
                    "event",
                    event.id,
                    "participant",
                    part.actor,
                    part.role,
                )
        if event.fatalities is not None:
            for j, sel in enumerate(event.fatalities.evidence):
                yield EvidenceItem(
                    (*base, "fatalities", "evidence", j), sel, "event", event.id, "fatalities"
                )
    for i, claim in enumerate(annotation.claims):
        for j, sel in enumerate(claim.evidence):
            yield EvidenceItem(("claims", i, "evidence", j), sel, "claim", claim.id, "occurrence")
        yield from _date_items(claim.date, ("claims", i), "claim", claim.id)
