"""SYNTHETIC codings for the agreement tests: documents from `eventset synth`, recoded by random
processes (eventset/agreement/synthetic.py). Nothing here is a real coding of a real document."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from eventset.agreement.align import Alignment, Coding, align, coding_units
from eventset.agreement.synthetic import synthetic_coding
from eventset.problems import Problem
from eventset.schema.annotation import Annotation
from eventset.schema.yaml_writer import model_yaml
from eventset.synth import iter_documents
from eventset.tables.compile import Columns
from eventset.validation.document import process_document


def documents(count: int, seed: int) -> Iterator[tuple[str, str, Annotation]]:
    """(document id, seed text, annotation) of synthetic documents."""
    for doc_id, text, annotation in iter_documents(count, seed):
        yield doc_id, text, Annotation.model_validate(yaml.safe_load(annotation))


def compiled(doc_id: str, text: str, annotation: Annotation) -> dict[str, Columns]:
    """A coding's rows, through the same per-document work as an annotation's."""
    file = f"data/codings/x/{doc_id}.yaml"
    result = process_document(file, model_yaml(annotation).encode(), text.encode())
    assert not errors(result.problems), result.problems
    return result.tables


def coding(coder: str, doc_id: str, text: str, annotation: Annotation) -> Coding:
    return coding_units(coder, compiled(doc_id, text, annotation))


def recoded_pairs(count: int, seed: int, rates: tuple[float, ...]) -> dict[float, list[Alignment]]:
    """Each synthetic document coded by coder a (as annotated, ids renamed) and by coder b
    departing from it at each of `rates`, aligned: rate -> alignments."""
    out: dict[float, list[Alignment]] = {rate: [] for rate in rates}
    for doc_id, text, annotation in documents(count, seed):
        a = coding("a", doc_id, text, synthetic_coding(annotation, 0.0, seed, "synthetic-coder-a"))
        for rate in rates:
            b = synthetic_coding(annotation, rate, seed, "synthetic-coder-b")
            out[rate].append(align(doc_id, [a, coding("b", doc_id, text, b)]))
    return out


def renamed_and_shuffled(annotation: Annotation, seed: int) -> Annotation:
    """The same coding with every id a coder chooses renamed and every list shuffled."""
    rng = random.Random(seed)
    events = {e.id: f"renamed-{rng.randrange(10**9)}-{i}" for i, e in enumerate(annotation.events)}
    claims = {
        c.id: f"renamed-claim-{i}-{rng.randrange(10**9)}" for i, c in enumerate(annotation.claims)
    }

    def shuffled(items: list[Any]) -> list[Any]:
        items = list(items)
        rng.shuffle(items)
        return items

    new_events = [
        e.model_copy(update={"id": events[e.id], "participants": shuffled(e.participants)})
        for e in annotation.events
    ]
    new_claims = []
    for claim in annotation.claims:
        about = claim.about
        if about.event in events:
            about = about.model_copy(update={"event": events[about.event]})
        new_claims.append(claim.model_copy(update={"id": claims[claim.id], "about": about}))
    return annotation.model_copy(
        update={
            "events": shuffled(new_events),
            "claims": shuffled(new_claims),
            "actors": shuffled(annotation.actors),
        }
    )


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The errors among `problems`: a synthetic second coder who changes an event's type or a
    claim's kind keeps the evidence, so the meaning checks warn (W603, W605), as they would on
    a person's coding that reads the words differently; these tests are about errors."""
    return [p for p in problems if p.severity == "error"]
