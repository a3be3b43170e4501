"""Release tables -> annotations and registries: the inverse of the build.

`decompile(tables, texts)` rebuilds, for every document, an annotation that compiles back to
the same rows, and the two registries. Useful for bulk edits (load a release, change frames,
write annotations back) and as the other half of the round-trip property test.

What the tables do not keep is rebuilt as the simplest equivalent:
- selectors are the quote plus, when it repeats, the `occurrence` of the mention's start;
- an event reported by several documents gets its merged values (fatality range, certainty,
  summary, geo precision, derived flag) in every reporting document, which merge back to the
  same row; participants go to the documents whose evidence names them, and those without
  evidence are spread so that each (event, actor, role) keeps its document count;
- `scheduled` is set where a date lies after the document's publication; a claim's date is not
  marked `derived` (the claims table does not say), which compiles to the same rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from eventset.schema.annotation import (
    About,
    ActorMentions,
    Annotation,
    Claim,
    DateSpec,
    DocumentBlock,
    Event,
    Fatalities,
    Participant,
    PlaceMentions,
    PlaceRef,
)
from eventset.schema.fields import FORMAT_VERSION, Selector
from eventset.schema.registry import REGISTRY_FIELDS, Actor, ActorRegistry, Place, PlaceRegistry
from eventset.schema.selectors import occurrences, shortest_selector
from eventset.schema.yaml_writer import model_yaml
from eventset.tables.compile import parse_accepted
from eventset.validation.quotes import QuoteError, Span, find_quote

M = TypeVar("M", Actor, Place)


class DecompileError(Exception):
    """The tables cannot be turned back into annotations (e.g. a text does not hold a quote)."""


@dataclass(frozen=True)
class Decompiled:
    actors: ActorRegistry
    places: PlaceRegistry
    annotations: dict[str, Annotation]  # by document id

    def files(self) -> dict[str, str]:
        """Repository-relative path -> YAML text of every data file."""
        out = {
            "data/actors.yaml": model_yaml(self.actors),
            "data/places.yaml": model_yaml(self.places),
        }
        for document_id, annotation in sorted(self.annotations.items()):
            out[f"data/annotations/{document_id}.yaml"] = model_yaml(annotation)
        return out

    def write(self, root: Path) -> list[Path]:
        """Write data/ under `root` (seeds are never written: they are the sources)."""
        written = []
        for name, text in self.files().items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
        return written


def read_texts(root: Path, document_ids: list[str]) -> dict[str, str]:
    """Seed texts exactly as stored (no newline translation), by document id."""
    return {
        doc_id: (root / "seeds" / f"{doc_id}.txt").read_bytes().decode("utf-8")
        for doc_id in document_ids
    }


# --- tables -> models -------------------------------------------------------------------------


def selector_for(text: str, quote: str, start: int) -> Selector:
    """The selector an annotator would write for the quote at `start`."""
    if start not in occurrences(text, quote):
        raise DecompileError(f"the text has no {quote!r} at offset {start}")
    selector = Selector.model_validate(shortest_selector(text, quote, start))
    found = find_quote(text, selector)
    if isinstance(found, QuoteError) or found != Span(start, start + len(quote)):
        raise DecompileError(f"{quote!r} at {start} cannot be selected: {found}")
    return selector


_Key = tuple[str, str, str, str, str | None, str | None]  # doc, kind, target, aspect, actor, role


def _evidence(
    tables: Mapping[str, pl.DataFrame], texts: Mapping[str, str]
) -> dict[_Key, list[Selector]]:
    found: dict[_Key, list[Selector]] = defaultdict(list)
    mentions = tables["mentions"].sort("document_id", "char_start", "char_end", "mention_id")
    for row in mentions.iter_rows(named=True):
        key = (
            row["document_id"],
            row["target_kind"],
            row["target_id"],
            row["aspect"],
            row["actor_id"],
            row["role"],
        )
        found[key].append(selector_for(texts[row["document_id"]], row["quote"], row["char_start"]))
    return found


def _entries(frame: pl.DataFrame, model: type[M]) -> list[M]:
    """Registry entries from a registry table: the inverse of assemble's registry frames."""
    return [
        model(**{REGISTRY_FIELDS.get(name, name): value for name, value in row.items()})
        for row in frame.iter_rows(named=True)
    ]


def _registries(tables: Mapping[str, pl.DataFrame]) -> tuple[ActorRegistry, PlaceRegistry]:
    return (
        ActorRegistry(format=FORMAT_VERSION, actors=_entries(tables["actors"], Actor)),
        PlaceRegistry(format=FORMAT_VERSION, places=_entries(tables["places"], Place)),
    )


def _date(
    start: dt.date | None,
    end: dt.date | None,
    precision: str,
    published: dt.date,
    evidence: list[Selector],
    derived: bool = False,
) -> DateSpec:
    last = end if end is not None else start
    return DateSpec(
        start=start,
        end=end if end != start else None,
        precision=precision,
        derived=derived,
        scheduled=last is not None and last > published,
        evidence=evidence,
    )


def _participants(
    event: dict[str, Any],
    reporters: list[str],
    rows: list[dict[str, Any]],
    evidence: dict[_Key, list[Selector]],
) -> dict[str, list[tuple[str, str]]]:
    """(actor, role) pairs per reporting document, keeping each pair's document count.

    Documents whose evidence names a participant get it; every document then needs at least one
    participant; the rest of each count goes to the earliest documents that lack the pair. This
    always succeeds for tables built from valid annotations (their own assignment is one)."""
    assigned: dict[str, list[tuple[str, str]]] = {doc: [] for doc in reporters}
    remaining: dict[tuple[str, str], int] = {}
    for row in rows:
        pair = (row["actor_id"], row["role"])
        for doc in reporters:
            if (doc, "event", event["event_id"], "participant", *pair) in evidence:
                assigned[doc].append(pair)
        remaining[pair] = row["document_count"] - sum(pair in a for a in assigned.values())
    for doc in reporters:
        if not assigned[doc]:
            spare = next((p for p, left in remaining.items() if left > 0), None)
            if spare is None:
                raise DecompileError(f"event {event['event_id']!r}: too few participants")
            assigned[doc].append(spare)
            remaining[spare] -= 1
    for pair, left in remaining.items():
        for doc in reporters:
            if left > 0 and pair not in assigned[doc]:
                assigned[doc].append(pair)
                left -= 1
        if left != 0:
            raise DecompileError(f"event {event['event_id']!r}: {pair} count cannot be kept")
    return assigned


def _accepted(entries: Sequence[str] | None, doc: str, item: str) -> dict[str, str]:
    """The `accept` of one item of one document, from a row's `accepted_warnings`."""
    out: dict[str, str] = {}
    for entry in entries or ():
        parsed = parse_accepted(entry)
        if parsed is not None and parsed[1] == doc and parsed[2] == item:
            out[parsed[0]] = parsed[3]
    return out


def _event_quotes(
    evidence: dict[_Key, list[Selector]],
    doc: str,
    event_id: str,
    aspect: str,
    actor: str | None = None,
    role: str | None = None,
) -> list[Selector]:
    return evidence.get((doc, "event", event_id, aspect, actor, role), [])


def _events(
    tables: Mapping[str, pl.DataFrame],
    evidence: dict[_Key, list[Selector]],
    published: Mapping[str, dt.date],
) -> dict[str, list[Event]]:
    per_document: dict[str, list[Event]] = defaultdict(list)
    participants: dict[str, list[dict[str, Any]]] = defaultdict(list)
    part_accepted: dict[tuple[str, str, str], list[str]] = {}
    for row in tables["event_actors"].iter_rows(named=True):
        participants[row["event_id"]].append(row)
        part_accepted[(row["event_id"], row["actor_id"], row["role"])] = row["accepted_warnings"]
    reporters: dict[str, set[str]] = defaultdict(set)
    for doc, kind, target, aspect, _, _ in evidence:
        if kind == "event" and aspect == "occurrence":
            reporters[target].add(doc)
    for event in tables["events"].iter_rows(named=True):
        event_id = event["event_id"]
        docs = sorted(reporters[event_id], key=lambda d: (published[d], d))
        pairs = _participants(event, docs, participants[event_id], evidence)
        accepted = event["accepted_warnings"]
        for doc in docs:
            quotes = functools.partial(_event_quotes, evidence, doc, event_id)
            figures = quotes("fatalities")
            place = None
            if event["place_id"] is not None:
                place = PlaceRef(
                    id=event["place_id"],
                    precision=event["geo_precision"],
                    evidence=quotes("place"),
                    accept=_accepted(accepted, doc, "place"),
                )
            per_document[doc].append(
                Event(
                    id=event_id,
                    type=event["event_type"],
                    mode=event["mode"],
                    date=_date(
                        event["date_start"],
                        event["date_end"],
                        event["date_precision"],
                        published[doc],
                        quotes("date"),
                        event["date_derived"],
                    ),
                    place=place,
                    participants=[
                        Participant(
                            actor=actor,
                            role=role,
                            evidence=quotes("participant", actor, role),
                            accept=_accepted(
                                part_accepted.get((event_id, actor, role)), doc, "participant"
                            ),
                        )
                        for actor, role in pairs[doc]
                    ],
                    fatalities=Fatalities(
                        low=event["fatalities_low"],
                        best=event["fatalities_best"],
                        high=event["fatalities_high"],
                        evidence=figures,
                        accept=_accepted(accepted, doc, "fatalities"),
                    )
                    if figures
                    else None,
                    certainty=event["certainty"],
                    summary=event["summary"],
                    evidence=quotes("occurrence"),
                    accept=_accepted(accepted, doc, "event"),
                )
            )
    return per_document


def _claims(
    tables: Mapping[str, pl.DataFrame],
    evidence: dict[_Key, list[Selector]],
    published: Mapping[str, dt.date],
) -> dict[str, list[Claim]]:
    per_document: dict[str, list[Claim]] = defaultdict(list)
    for row in tables["claims"].iter_rows(named=True):
        doc, claim_id = row["document_id"], row["claim_id"]
        date = None
        if row["date_precision"] is not None:
            date = _date(
                row["date_start"],
                row["date_end"],
                row["date_precision"],
                published[doc],
                evidence.get((doc, "claim", claim_id, "date", None, None), []),
            )
        per_document[doc].append(
            Claim(
                id=claim_id,
                claimant=row["claimant_id"],
                via=row["via"],
                kind=row["kind"],
                polarity=row["polarity"],
                modality=row["modality"],
                explicit=row["explicit"],
                about=About(event=row["event_id"], actor=row["about_actor_id"]),
                value=row["value"],
                date=date,
                summary=row["summary"],
                evidence=evidence.get((doc, "claim", claim_id, "occurrence", None, None), []),
                accept=_accepted(row["accepted_warnings"], doc, "claim"),
            )
        )
    return per_document


def _names(
    evidence: dict[_Key, list[Selector]], kind: str
) -> dict[str, list[tuple[str, list[Selector]]]]:
    found: dict[str, list[tuple[str, list[Selector]]]] = defaultdict(list)
    for (doc, target_kind, target, aspect, _, _), selectors in sorted(evidence.items(), key=str):
        if target_kind == kind and aspect == "name":
            found[doc].append((target, selectors))
    return found


def decompile(tables: Mapping[str, pl.DataFrame], texts: Mapping[str, str]) -> Decompiled:
    """Annotations and registries that build back into `tables` (given the same seed texts)."""
    evidence = _evidence(tables, texts)
    published = {
        row["document_id"]: row["published"] for row in tables["documents"].iter_rows(named=True)
    }
    events = _events(tables, evidence, published)
    claims = _claims(tables, evidence, published)
    actor_names = _names(evidence, "actor")
    place_names = _names(evidence, "place")
    annotations: dict[str, Annotation] = {}
    for row in tables["documents"].iter_rows(named=True):
        doc = row["document_id"]
        annotations[doc] = Annotation(
            format=FORMAT_VERSION,
            document=DocumentBlock(
                id=doc,
                sha256=row["text_sha256"],
                published=row["published"],
                title=row["title"],
                byline=row["byline"],
                outlet=row["outlet_id"],
                language=row["language"],
                url=row["url"],
                licence=row["licence"],
                origin=row["origin"],
                rights_holder=row["rights_holder"],
            ),
            actors=[ActorMentions(actor=a, mentions=m) for a, m in actor_names[doc]],
            places=[PlaceMentions(place=p, mentions=m) for p, m in place_names[doc]],
            events=events[doc],
            claims=claims[doc],
        )
    actors, places = _registries(tables)
    return Decompiled(actors, places, annotations)
