"""Adjudication: one canonical annotation written from two or more codings of a document.

What the coders agree on is written as it is; each disagreement is written as a choice,

    certainty:
      choose:
        coder-a: reported
        coder-b: alleged

and a unit that only some coders coded as a choice between it and `null` (not coded). A choice
fails validation (E701, inputs/parse.py) until a person replaces it by the value the text
supports, so nothing unresolved can be built. Units are matched as `eventset agree` matches
them (align.py); the canonical annotation takes the ids of the first coder (by coder id) that
coded each unit, and claims point at those ids. Evidence quotes are pooled: a quote any coder
gave for an agreed unit stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eventset.agreement.align import Alignment, align, coding_units
from eventset.inputs.files import read_inside
from eventset.inputs.layout import Layout
from eventset.inputs.parse import CHOICE_KEY, parse_model
from eventset.problems import Problem
from eventset.schema.annotation import Annotation, Claim, Event
from eventset.schema.yaml_writer import dump_yaml, model_data
from eventset.validation.codings import list_codings, process_codings

HEADER = """\
# yaml-language-server: $schema=../../schema/annotation.schema.json
# Adjudicated by `eventset adjudicate` from the codings in data/codings/*/{document}.yaml.
# Every `choose:` block is a disagreement between coders: replace the whole block by the value
# the text supports (an option marked null means that coder did not code the unit). The file
# fails validation (E701) until every choice is resolved.
"""


class AdjudicationError(Exception):
    """Adjudication cannot start: too few valid codings, or the annotation exists."""


@dataclass(frozen=True)
class Adjudicated:
    file: str
    agreed: int
    choices: int


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return model_data(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _pooled(*lists: Sequence[Any]) -> list[Any]:
    """Evidence quotes of every coder, each once, in the order first given."""
    out: list[Any] = []
    for items in lists:
        for item in items:
            if item not in out:
                out.append(item)
    return out


class _Writer:
    """Builds the plain data of the canonical annotation, counting agreements and choices."""

    def __init__(self) -> None:
        self.agreed = 0
        self.choices = 0

    def choose(self, options: dict[str, Any]) -> dict[str, Any]:
        self.choices += 1
        return {CHOICE_KEY: {coder: _plain(value) for coder, value in options.items()}}

    def field(self, options: dict[str, Any]) -> Any:
        """One value when every coder gave it, else a choice."""
        values = list(options.values())
        if all(v == values[0] for v in values[1:]):
            self.agreed += 1
            return _plain(values[0])
        return self.choose(options)

    def with_evidence(self, options: dict[str, Any]) -> Any:
        """A sub-object that carries evidence (a date, place, fatalities): agreed when all but
        the evidence agree, and then written once with everyone's evidence."""
        present = [v for v in options.values() if v is not None]
        if len(present) == len(options) and present:
            bare = [v.model_dump(exclude={"evidence"}) for v in present]
            if all(b == bare[0] for b in bare[1:]):
                self.agreed += 1
                pooled = _pooled(*(v.evidence for v in present))
                return _plain(present[0].model_copy(update={"evidence": pooled}))
        if not present:
            self.agreed += 1
            return None
        return self.choose(options)


def _event(
    writer: _Writer, events: dict[str, Event], coders: tuple[str, ...], new_id: str
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": new_id}
    for name in ("type", "mode"):
        data[name] = writer.field({c: getattr(events[c], name) for c in coders})
    for name in ("date", "place", "fatalities"):
        data[name] = writer.with_evidence({c: getattr(events[c], name) for c in coders})
    participants: list[Any] = []
    actors = sorted({p.actor for c in coders for p in events[c].participants})
    for actor in actors:
        by_coder = {c: [p for p in events[c].participants if p.actor == actor] for c in coders}
        roles = {c: sorted(p.role for p in parts) for c, parts in by_coder.items()}
        if all(r == roles[coders[0]] and r for r in roles.values()):
            writer.agreed += 1
            for part in by_coder[coders[0]]:
                same = [q for c in coders for q in by_coder[c] if q.role == part.role]
                pooled = _pooled(*(q.evidence for q in same))
                participants.append(_plain(part.model_copy(update={"evidence": pooled})))
        else:
            options = {
                c: (parts[0] if len(parts) == 1 else parts) if parts else None
                for c, parts in by_coder.items()
            }
            participants.append(writer.choose(options))
    data["participants"] = participants
    data["certainty"] = writer.field({c: events[c].certainty for c in coders})
    data["summary"] = writer.field({c: events[c].summary for c in coders})
    data["evidence"] = _plain(_pooled(*(events[c].evidence for c in coders)))
    return {k: v for k, v in data.items() if v is not None}


def _claim(
    writer: _Writer, claims: dict[str, Claim], coders: tuple[str, ...], new_id: str
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": new_id}
    for name in ("claimant", "via", "kind", "polarity", "modality", "explicit", "about", "value"):
        data[name] = writer.field({c: getattr(claims[c], name) for c in coders})
    data["date"] = writer.with_evidence({c: claims[c].date for c in coders})
    data["summary"] = writer.field({c: claims[c].summary for c in coders})
    data["evidence"] = _plain(_pooled(*(claims[c].evidence for c in coders)))
    return {k: v for k, v in data.items() if v is not None and v != []}


def adjudication(
    models: dict[str, Annotation], alignment: Alignment
) -> tuple[dict[str, Any], int, int]:
    """The canonical annotation's plain data from valid codings (coder -> annotation) and their
    alignment, with the number of agreed values and of choices left. Pure."""
    coders = tuple(sorted(models))
    writer = _Writer()
    events_by = {c: {e.id: e for e in models[c].events} for c in coders}
    claims_by = {c: {k.id: k for k in models[c].claims} for c in coders}
    used: set[str] = set()

    def fresh(wanted: str) -> str:
        new, n = wanted, 2
        while new in used:
            new, n = f"{wanted[:95]}-{n}", n + 1
        used.add(new)
        return new

    # Each coder's event id -> the canonical id of its aligned event.
    renamed: dict[str, dict[str, str]] = {c: {} for c in coders}
    events: list[Any] = []
    for group in alignment.events:
        present = tuple(c for c in coders if c in group)
        new_id = fresh(group[present[0]].uid)
        for c in present:
            renamed[c][group[c].uid] = new_id
        chosen = {c: events_by[c][group[c].uid] for c in present}
        if len(present) == len(coders):
            events.append(_event(writer, chosen, coders, new_id))
        else:
            options: dict[str, Any] = {
                c: chosen[c].model_copy(update={"id": new_id}) if c in chosen else None
                for c in coders
            }
            events.append(writer.choose(options))
    claims: list[Any] = []
    for group in alignment.claims:
        present = tuple(c for c in coders if c in group)
        new_id = fresh(group[present[0]].uid)
        picked: dict[str, Claim] = {}
        for c in present:
            claim = claims_by[c][group[c].uid]
            target = claim.about.event
            if target is not None and target in renamed[c]:
                about = claim.about.model_copy(update={"event": renamed[c][target]})
                claim = claim.model_copy(update={"about": about})
            picked[c] = claim.model_copy(update={"id": new_id})
        if len(present) == len(coders):
            claims.append(_claim(writer, picked, coders, new_id))
        else:
            claims.append(writer.choose({c: picked.get(c) for c in coders}))

    first = models[coders[0]]
    document = {
        name: writer.field({c: getattr(models[c].document, name) for c in coders})
        for name in type(first.document).model_fields
    }
    data: dict[str, Any] = {
        "format": first.format,
        "document": {k: v for k, v in document.items() if v is not None},
        "actors": _mentions(models, coders, "actors", "actor"),
        "places": _mentions(models, coders, "places", "place"),
        "events": events,
        "claims": claims,
    }
    return {k: v for k, v in data.items() if v != []}, writer.agreed, writer.choices


def _mentions(
    models: dict[str, Annotation], coders: tuple[str, ...], section: str, key: str
) -> list[dict[str, Any]]:
    """The document's surface forms of each registry id, pooled over the coders."""
    pooled: dict[str, list[Any]] = {}
    for c in coders:
        for item in getattr(models[c], section):
            pooled[getattr(item, key)] = _pooled(pooled.get(getattr(item, key), []), item.mentions)
    return [{key: ident, "mentions": _plain(found)} for ident, found in sorted(pooled.items())]


def write_adjudication(root: Path, document_id: str, *, force: bool = False) -> Adjudicated:
    """Write data/annotations/<document_id>.yaml from the document's codings."""
    layout = Layout(root)
    target = layout.annotation_of(document_id)
    if target.exists() and not force:
        raise AdjudicationError(
            f"{layout.shown(target)} already exists; pass --force to replace it."
        )
    codings = [c for c in list_codings(layout)[0] if c.document_id == document_id]
    results = process_codings(layout, codings)
    tables = results.tables()
    bad = [c.file for c in codings if c.file not in tables]
    if bad:
        raise AdjudicationError(
            f"fix these codings first (eventset validate shows why): {', '.join(bad)}"
        )
    if len(codings) < 2:
        raise AdjudicationError(
            f"{document_id} has {len(codings)} coding(s) in data/codings/; adjudication needs two or more."
        )
    models: dict[str, Annotation] = {}
    for coding in codings:
        raw = read_inside(layout, coding.path)
        assert not isinstance(raw, Problem)  # it was just read and checked
        model, _, _ = parse_model(raw, coding.file, Annotation)
        assert model is not None
        models[coding.coder] = model
    units = [coding_units(c.coder, tables[c.file]) for c in codings]
    data, agreed, choices = adjudication(models, align(document_id, units))
    text = dump_yaml(data, HEADER.format(document=document_id))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return Adjudicated(layout.shown(target), agreed, choices)
