"""SYNTHETIC independent codings: a valid annotation recoded with a chosen disagreement rate.

For tests and benchmarks only (`eventset synth --codings`): the second coder here is a random
process, not a person, and nothing it writes may enter the dataset. Every unit is kept, changed
or dropped by independent draws, each with probability `rate`; ids are always renamed (a real
second coder chooses their own), so alignment can never lean on them. Only changes that leave
the coding valid are made (a new value from the field's vocabulary, a field emptied, a unit
dropped), never a date or figure that its quoted evidence would contradict.
"""

from __future__ import annotations

import random
from typing import Any

from eventset.schema.annotation import Annotation, Claim, Event, Participant
from eventset.schema.vocab import vocabulary

SYNTHETIC_CODER_PREFIX = "synthetic-coder-"


def _other(rng: random.Random, value: str, codes: tuple[str, ...]) -> str:
    choices = [c for c in codes if c != value]
    return rng.choice(choices) if choices else value


def _renamed(prefix: str, value: str) -> str:
    return f"{prefix}-{value}"[:100]


def _event(rng: random.Random, event: Event, rate: float, prefix: str) -> Event:
    changes: dict[str, Any] = {"id": _renamed(prefix, event.id)}
    if rng.random() < rate:
        changes["type"] = _other(rng, event.type, vocabulary("event_types").values())
        changes["mode"] = None  # a mode belongs to its type
    if rng.random() < rate:
        # "disputed" needs the dispute recorded as claims (E428): never chosen here.
        levels = tuple(c for c in vocabulary("certainty_levels").values() if c != "disputed")
        changes["certainty"] = _other(rng, event.certainty, levels)
    if rng.random() < rate:
        changes["place"] = None
    if rng.random() < rate:
        changes["fatalities"] = None
    roles = vocabulary("participant_roles").values()
    participants: list[Participant] = []
    for part in event.participants:
        if len(event.participants) > 1 and rng.random() < rate / 2:
            continue  # this coder left the actor out
        if rng.random() < rate:
            part = part.model_copy(update={"role": _other(rng, part.role, roles)})
        participants.append(part)
    changes["participants"] = participants or list(event.participants[:1])
    return event.model_copy(update=changes)


def _claim(
    rng: random.Random, claim: Claim, rate: float, prefix: str, events: dict[str, str]
) -> Claim:
    changes: dict[str, Any] = {"id": _renamed(prefix, claim.id)}
    about = claim.about
    if about.event is not None:
        about = about.model_copy(update={"event": events.get(about.event)})
    changes["about"] = about
    if rng.random() < rate and claim.kind != "casualty_figure":
        # A casualty figure keeps its kind: any other kind may not carry a value (E427).
        kinds = tuple(c for c in vocabulary("claim_kinds").values() if c != "casualty_figure")
        changes["kind"] = _other(rng, claim.kind, kinds)
    if rng.random() < rate:
        changes["modality"] = _other(rng, claim.modality, vocabulary("claim_modalities").values())
    return claim.model_copy(update=changes)


def synthetic_coding(
    annotation: Annotation, rate: float, seed: int | str, coder: str
) -> Annotation:
    """A SYNTHETIC recoding of `annotation` by `coder` with disagreement rate `rate` (0..1)."""
    rng = random.Random(f"{seed}-{coder}-{annotation.document.id}")
    prefix = coder.removeprefix(SYNTHETIC_CODER_PREFIX)
    events: list[Event] = []
    renamed: dict[str, str] = {}
    for event in annotation.events:
        if len(annotation.events) > 1 and rng.random() < rate / 2:
            continue  # this coder did not code the event
        recoded = _event(rng, event, rate, prefix)
        renamed[event.id] = recoded.id
        events.append(recoded)
    # An event defined by another document keeps its id: every coder refers to it by that id.
    defined = {e.id for e in annotation.events}
    claims: list[Claim] = []
    for claim in annotation.claims:
        if rng.random() < rate / 2:
            continue
        target = claim.about.event
        if target is not None and target in defined and target not in renamed:
            continue  # its event was dropped
        keep = {e: e for e in ((target,) if target and target not in defined else ())}
        claims.append(_claim(rng, claim, rate, prefix, renamed | keep))
    return annotation.model_copy(update={"events": events, "claims": claims})
