"""What the annotator's page asks for, as pure functions from the files' data to new data.

An action names words by their code-point offsets in the seed text; the words become a selector
through `shortest_selector`, so they are written as `eventset new` and `eventset quote` write
them. Every new item is built through its model (events, claims, registry entries, selectors)
and written as its model orders its fields; anything a model refuses is refused with the codes
`eventset validate` gives, and nothing reaches a file that would not validate at the form level.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from eventset.inputs.parse import model_problems
from eventset.inputs.yamlfile import YamlDocument
from eventset.problems import Problem, problem
from eventset.schema.annotation import (
    Annotation,
    Claim,
    DateSpec,
    Event,
    Fatalities,
    Participant,
    PlaceRef,
)
from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry
from eventset.schema.selectors import shortest_selector
from eventset.schema.yaml_writer import model_data

FORM = "form"  # the `file` of a problem in what the annotator typed, not in a file


@dataclass(frozen=True)
class Files:
    """The plain data of the three files the annotator writes, as the project's loader reads
    them (dates are strings until a model parses them)."""

    annotation: dict[str, Any]
    actors: dict[str, Any]
    places: dict[str, Any]


class RefusedError(Exception):
    """An action that would write something invalid, with the problems that say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.code} {p.message}" for p in problems))
        self.problems = problems


def _refuse(code: str, message: str, hint: str | None = None) -> RefusedError:
    return RefusedError([problem(code, FORM, 1, 1, message, hint)])


def built(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """`data` validated by `model` and written back as the annotator would write it; refused
    with the validator's codes (E201 missing field, E204 unknown code, E205 bad id, ...)."""
    try:
        return model_data(model.model_validate(data))
    except ValidationError as err:
        raise RefusedError(model_problems(err, YamlDocument(data), FORM)) from None


def selector(text: str, start: Any, end: Any) -> Any:
    """The shortest selector of text[start:end], in the shorthand form when it is a bare quote;
    refused unless the words are a non-empty span of the text without edge spaces."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise _refuse("E301", f"The words [{start}, {end}) are not a span of the text.")
    quote = text[start:end]
    if quote != quote.strip():
        raise _refuse("E305", f"The words {quote!r} start or end with whitespace.")
    found = shortest_selector(text, quote, start)
    return found["quote"] if set(found) == {"quote"} else found


def _ordered(data: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Keys in the model's field order (a key the model does not know keeps its place last)."""
    order = list(model.model_fields)
    return dict(sorted(data.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))


def _registry_ids(files: Files, kind: str) -> set[str]:
    section = files.actors if kind == "actor" else files.places
    return {str(e.get("id")) for e in section.get(f"{kind}s") or [] if isinstance(e, dict)}


def _known(files: Files, kind: str, entry_id: Any) -> str:
    if not isinstance(entry_id, str) or entry_id not in _registry_ids(files, kind):
        code = "E401" if kind == "actor" else "E402"
        raise _refuse(code, f"{entry_id!r} is not in the {kind} registry (data/{kind}s.yaml).")
    return entry_id


def _item(annotation: dict[str, Any], section: str, item_id: Any) -> dict[str, Any]:
    for item in annotation.get(section) or []:
        if isinstance(item, dict) and item.get("id") == item_id:
            return item
    raise _refuse("E403", f"No {section[:-1]} {item_id!r} in this annotation.")


def _add_evidence(items: list[Any], value: Any) -> list[Any]:
    if value in items:
        raise _refuse("E304", "These words are already evidence for it.")
    return [*items, value]


# ---- actions ---------------------------------------------------------------------------------


def add_mention(files: Files, text: str, a: dict[str, Any]) -> Files:
    """Link words to a registry actor or place: appended to its block, or a new block last."""
    kind = a.get("target")
    if kind not in {"actor", "place"}:
        raise _refuse("E204", f"target {kind!r} is neither actor nor place.")
    target = _known(files, kind, a.get("id"))
    words = selector(text, a.get("start"), a.get("end"))
    data = copy.deepcopy(files.annotation)
    blocks = data.setdefault(f"{kind}s", [])
    block = next((b for b in blocks if isinstance(b, dict) and b.get(kind) == target), None)
    if block is None:
        blocks.append({kind: target, "mentions": [words]})
    else:
        block["mentions"] = _add_evidence(list(block.get("mentions") or []), words)
    return replace(files, annotation=data)


def remove_mention(files: Files, text: str, a: dict[str, Any]) -> Files:
    """Drop one mention (a proposal the annotator rejects); an emptied block goes too."""
    kind = a.get("target")
    data = copy.deepcopy(files.annotation)
    blocks = data.get(f"{kind}s") or []
    for block in blocks:
        if isinstance(block, dict) and block.get(kind) == a.get("id"):
            mentions = block.get("mentions") or []
            index = a.get("index")
            if not isinstance(index, int) or not 0 <= index < len(mentions):
                break
            del mentions[index]
            if not mentions:
                blocks.remove(block)
            return replace(files, annotation=data)
    raise _refuse("E403", f"No mention {a.get('index')!r} of {kind} {a.get('id')!r}.")


def _date(text: str, a: dict[str, Any], evidence: list[Any]) -> dict[str, Any]:
    if not isinstance(a.get("date"), dict):
        raise _refuse("E201", "date: required field is missing.")
    return built(DateSpec, {**_date_fields(a), "evidence": evidence})


class _Problems:
    """The problems of a whole form, gathered field by field, so the annotator sees them all
    at once rather than one per attempt."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def check(self, run: Callable[[], Any], fallback: Any = None) -> Any:
        try:
            return run()
        except RefusedError as refused:
            self.found += refused.problems
            return fallback

    def built(self, model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
        item = self.check(lambda: built(model, data), {})
        if self.found:
            raise RefusedError(self.found)
        return item  # type: ignore[no-any-return]


def _words(problems: _Problems, text: str, a: dict[str, Any]) -> Any:
    # A stand-in quote lets the model check the other fields; the words' problem is kept.
    return problems.check(lambda: selector(text, a.get("start"), a.get("end")), "words")


def _date_fields(a: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = a["date"] if isinstance(a.get("date"), dict) else {}
    data = {k: fields.get(k) for k in ("start", "end", "precision", "derived", "scheduled")}
    return {k: v for k, v in data.items() if v not in (None, "", False) or k == "start"}


def add_event(files: Files, text: str, a: dict[str, Any]) -> Files:
    """A new event with the selected words as its evidence, its date (proposed on the page)
    and its first participant: the least the format requires of an event."""
    problems = _Problems()
    words = _words(problems, text, a)
    problems.check(lambda: _known(files, "actor", a.get("actor")))
    data = {
        "id": a.get("id"),
        "type": a.get("type"),
        "mode": a.get("mode") or None,
        "date": _date_fields(a),
        "participants": [{"actor": a.get("actor"), "role": a.get("role")}],
        "certainty": a.get("certainty"),
        "summary": a.get("summary"),
        "evidence": [words],
    }
    return _append(files, "events", problems.built(Event, data))


def add_claim(files: Files, text: str, a: dict[str, Any]) -> Files:
    """A new claim with the selected words as its evidence."""
    problems = _Problems()
    words = _words(problems, text, a)
    about = {k: a.get(f"about_{k}") or None for k in ("event", "actor")}
    if about["event"] is not None:
        problems.check(lambda: _item(files.annotation, "events", about["event"]))
    if about["actor"] is not None:
        problems.check(lambda: _known(files, "actor", about["actor"]))
    problems.check(lambda: _known(files, "actor", a.get("claimant")))
    data = {
        "id": a.get("id"),
        "claimant": a.get("claimant"),
        "kind": a.get("kind"),
        "polarity": a.get("polarity") or "asserted",
        "modality": a.get("modality") or "asserted",
        "explicit": a.get("explicit", True) is not False,
        "about": {k: v for k, v in about.items() if v is not None},
        "summary": a.get("summary"),
        "evidence": [words],
    }
    if a.get("value") not in (None, ""):
        data["value"] = a.get("value")
    return _append(files, "claims", problems.built(Claim, data))


def _append(files: Files, section: str, item: dict[str, Any]) -> Files:
    data = copy.deepcopy(files.annotation)
    items = data.setdefault(section, [])
    if any(isinstance(i, dict) and i.get("id") == item["id"] for i in items):
        raise _refuse("E404", f"{section[:-1]} id {item['id']!r} is already used in this file.")
    items.append(item)
    return replace(files, annotation=data)


def _edit(files: Files, a: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> Files:
    """Change one event or claim in place; the item keeps its model's field order."""
    data = copy.deepcopy(files.annotation)
    section = "claims" if a.get("item") == "claim" else "events"
    item = _item(data, section, a.get("id"))
    change(item)
    ordered = _ordered(item, Claim if section == "claims" else Event)
    item.clear()
    item.update(ordered)
    return replace(files, annotation=data)


def add_evidence(files: Files, text: str, a: dict[str, Any]) -> Files:
    """The selected words as more evidence of an event or claim."""
    words = selector(text, a.get("start"), a.get("end"))
    return _edit(
        files,
        a,
        lambda item: item.update(evidence=_add_evidence(list(item.get("evidence") or []), words)),
    )


def set_date(files: Files, text: str, a: dict[str, Any]) -> Files:
    """The selected words as the date evidence of an event or claim, with its date values;
    the evidence already there stays when the values are unchanged."""
    words = selector(text, a.get("start"), a.get("end"))

    def change(item: dict[str, Any]) -> None:
        old: dict[str, Any] = item["date"] if isinstance(item.get("date"), dict) else {}
        new = _date(text, a, [])
        same = all(str(old.get(k)) == str(new.get(k)) for k in ("start", "end", "precision"))
        kept = list(old.get("evidence") or []) if same else []
        item["date"] = _date(text, a, _add_evidence(kept, words))

    return _edit(files, a, change)


def set_place(files: Files, text: str, a: dict[str, Any]) -> Files:
    """The selected words locate an event: more evidence of its place, or its (new) place."""
    words = selector(text, a.get("start"), a.get("end"))
    place = _known(files, "place", a.get("place"))

    def change(item: dict[str, Any]) -> None:
        old = item.get("place") if isinstance(item.get("place"), dict) else None
        if old is not None and old.get("id") == place:
            evidence = _add_evidence(list(old.get("evidence") or []), words)
            item["place"] = built(PlaceRef, {**old, "evidence": evidence})
        else:
            precision = a.get("precision")
            item["place"] = built(
                PlaceRef, {"id": place, "precision": precision, "evidence": [words]}
            )

    return _edit(files, {**a, "item": "event"}, change)


def add_participant(files: Files, text: str, a: dict[str, Any]) -> Files:
    """The selected words as evidence of an actor's part in an event, in one role."""
    words = selector(text, a.get("start"), a.get("end"))
    actor = _known(files, "actor", a.get("actor"))

    def change(item: dict[str, Any]) -> None:
        parts = list(item.get("participants") or [])
        for i, part in enumerate(parts):
            if part.get("actor") == actor and part.get("role") == a.get("role"):
                evidence = _add_evidence(list(part.get("evidence") or []), words)
                parts[i] = built(Participant, {**part, "evidence": evidence})
                break
        else:
            parts.append(
                built(Participant, {"actor": actor, "role": a.get("role"), "evidence": [words]})
            )
        item["participants"] = parts

    return _edit(files, {**a, "item": "event"}, change)


def set_figure(files: Files, text: str, a: dict[str, Any]) -> Files:
    """The selected words as the fatality figures of an event (low, best, high)."""
    words = selector(text, a.get("start"), a.get("end"))

    def change(item: dict[str, Any]) -> None:
        old: dict[str, Any] = item["fatalities"] if isinstance(item.get("fatalities"), dict) else {}
        figures = {k: a.get(k) for k in ("low", "best", "high") if a.get(k) not in (None, "")}
        same = all(old.get(k) == figures.get(k) for k in ("low", "best", "high"))
        evidence = _add_evidence(list(old.get("evidence") or []) if same else [], words)
        data: dict[str, Any] = {**figures, "evidence": evidence}
        if a.get("derived"):
            data["derived"] = True
        item["fatalities"] = built(Fatalities, data)

    return _edit(files, {**a, "item": "event"}, change)


def delete_item(files: Files, text: str, a: dict[str, Any]) -> Files:
    """Remove an event or a claim."""
    data = copy.deepcopy(files.annotation)
    section = "claims" if a.get("item") == "claim" else "events"
    doomed = _item(data, section, a.get("id"))
    data[section] = [item for item in data[section] if item is not doomed]
    return replace(files, annotation=data)


def new_entry(files: Files, text: str, a: dict[str, Any]) -> Files:
    """A new registry actor or place, appended to its registry; the words, when given, become
    its first mention in this document."""
    kind = a.get("target")
    if kind not in {"actor", "place"}:
        raise _refuse("E204", f"target {kind!r} is neither actor nor place.")
    fields = a.get("entry")
    if not isinstance(fields, dict):
        raise _refuse("E201", "entry: required field is missing.")
    fields = {k: v for k, v in fields.items() if v not in (None, "", [])}
    entry = built(Actor if kind == "actor" else Place, fields)
    if entry["id"] in _registry_ids(files, kind):
        raise _refuse("E404", f"{kind} id {entry['id']!r} is already in the registry.")
    if entry.get("parent") is not None:
        _known(files, kind, entry["parent"])
    source = files.actors if kind == "actor" else files.places
    registry = copy.deepcopy(source)
    registry.setdefault(f"{kind}s", []).append(entry)
    files = replace(files, **{f"{kind}s": registry})
    if a.get("start") is None:
        return files
    return add_mention(
        files, text, {"target": kind, "id": entry["id"], "start": a["start"], "end": a["end"]}
    )


ACTIONS: dict[str, Callable[[Files, str, dict[str, Any]], Files]] = {
    "mention": add_mention,
    "unmention": remove_mention,
    "event": add_event,
    "claim": add_claim,
    "evidence": add_evidence,
    "date": set_date,
    "place": set_place,
    "participant": add_participant,
    "figure": set_figure,
    "delete": delete_item,
    "entry": new_entry,
}


def apply(files: Files, text: str, action: dict[str, Any]) -> Files:
    """The files after `action`, checked whole against their models, or RefusedError."""
    run = ACTIONS.get(action.get("action"))  # type: ignore[arg-type]
    if run is None:
        raise _refuse("E204", f"Unknown action {action.get('action')!r}.")
    return checked(run(files, text, action))


def checked(files: Files) -> Files:
    """The files, if each still validates against its model as a whole."""
    for model, data in (
        (Annotation, files.annotation),
        (ActorRegistry, files.actors),
        (PlaceRegistry, files.places),
    ):
        try:
            model.model_validate(data)
        except ValidationError as err:
            raise RefusedError(model_problems(err, YamlDocument(data), FORM)) from None
    return files
