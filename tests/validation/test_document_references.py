"""The per-document shortcuts in `document.py` against the plain code they stand for.

`collect_references` writes its columns directly and each path as literal JSON text; `_stem`
splits the name with string methods. Both must give exactly what the straightforward versions
give: the reference tables and the seed name feed the corpus checks and the cache.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from eventset.inputs.parse import parse_model
from eventset.inputs.yamlfile import YamlPath
from eventset.schema.annotation import Annotation
from eventset.synth import iter_documents
from eventset.tables.compile import Columns
from eventset.validation.document import (
    EVENT_FACT_COLUMNS,
    REFERENCE_COLUMNS,
    _path,
    _stem,
    collect_references,
)


def _plain_references(file: str, annotation: Annotation) -> dict[str, Columns]:
    """The straightforward version: one call per reference, the path through `_path`."""
    refs: Columns = {name: [] for name in REFERENCE_COLUMNS}
    facts: Columns = {name: [] for name in EVENT_FACT_COLUMNS}

    def ref(kind: str, ref_id: str, path: YamlPath) -> None:
        row = (file, kind, ref_id, _path(path), None)
        for name, value in zip(REFERENCE_COLUMNS, row, strict=True):
            refs[name].append(value)

    if annotation.document.outlet is not None:
        ref("actor", annotation.document.outlet, ("document", "outlet"))
    for i, mention in enumerate(annotation.actors):
        ref("actor", mention.actor, ("actors", i, "actor"))
    for i, pm in enumerate(annotation.places):
        ref("place", pm.place, ("places", i, "place"))
    for i, event in enumerate(annotation.events):
        base: YamlPath = ("events", i)
        if event.place is not None:
            ref("place", event.place.id, (*base, "place", "id"))
        for k, part in enumerate(event.participants):
            ref("actor", part.actor, (*base, "participants", k, "actor"))
        date = "/".join(
            "open" if v is None else str(v)
            for v in (event.date.start, event.date.last_day, event.date.precision)
        )
        row = (
            file,
            event.id,
            event.type,
            event.mode or "none",
            date,
            event.place.id if event.place else "none",
        )
        for name, value in zip(EVENT_FACT_COLUMNS, (*row, _path(base)), strict=True):
            facts[name].append(value)
    for i, claim in enumerate(annotation.claims):
        base = ("claims", i)
        ref("claim_defined", claim.id, (*base, "id"))
        ref("actor", claim.claimant, (*base, "claimant"))
        for k, via in enumerate(claim.via):
            ref("actor", via, (*base, "via", k))
        if claim.about.actor is not None:
            ref("actor", claim.about.actor, (*base, "about", "actor"))
        if claim.about.event is not None:
            ref("event_used", claim.about.event, (*base, "about", "event"))
    return {"references": refs, "event_facts": facts}


def test_collect_references_equals_the_plain_version() -> None:
    checked = 0
    for document_id, _, text in iter_documents(40, seed=5):
        annotation, _, problems = parse_model(text.encode(), "a.yaml", Annotation)
        assert annotation is not None, problems
        file = f"data/annotations/{document_id}.yaml"
        got = collect_references(file, annotation)
        assert got == _plain_references(file, annotation)
        assert [list(columns) for columns in got.values()] == [
            list(REFERENCE_COLUMNS),
            list(EVENT_FACT_COLUMNS),
        ]
        for path in got["references"]["path"]:
            assert _path(tuple(json.loads(path))) == path
        checked += len(got["references"]["path"])
    assert checked > 100


def test_collect_references_with_an_outlet_and_claims_about_actors() -> None:
    for document_id, _, text in iter_documents(40, seed=11):
        annotation, _, _ = parse_model(text.encode(), "a.yaml", Annotation)
        assert annotation is not None
        block = annotation.document.model_copy(update={"outlet": "some-outlet"})
        claims = [
            claim.model_copy(update={"about": claim.about.model_copy(update={"actor": "an-actor"})})
            for claim in annotation.claims
        ]
        # Open dates ("open" in event_facts) and an event without a place or mode.
        events = [
            event.model_copy(
                update={
                    "date": event.date.model_copy(update={"start": None, "end": None}),
                    "place": None,
                    "mode": None,
                }
            )
            for event in annotation.events[:1]
        ] + annotation.events[1:]
        changed = annotation.model_copy(
            update={"document": block, "claims": claims, "events": events}
        )
        file = f"data/annotations/{document_id}.yaml"
        assert collect_references(file, changed) == _plain_references(file, changed)


@given(st.text(alphabet=st.sampled_from(list("ab./ \\\x00é")), max_size=16))
def test_stem_equals_pure_posix_path(file: str) -> None:
    assert _stem(file) == PurePosixPath(file).stem


def test_stem_of_corpus_names() -> None:
    for file in ("data/annotations/a.yaml", "a.b.yaml", ".hidden", "a/..", "a/b/", "x", "a."):
        assert _stem(file) == PurePosixPath(file).stem
