"""Meaning checks on generated corpora: a warning never fires on a corpus whose evidence is
built to fit (the generator writes each fact's sentence), and always fires when one fit is
broken: a claim's kind, an event's type, a figure, a participant, a claimant or a place (and
an acknowledgement of a warning that does not fire is reported)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eventset.problems import WARNING_CODES
from eventset.schema.annotation import Annotation
from eventset.schema.cues import claim_kind_fits, event_type_fits
from eventset.schema.fields import Selector
from eventset.schema.vocab import evidence_cues, vocabulary
from eventset.testing import Corpus, SyntheticDocument, corpora, model_data, write_corpus
from eventset.validation.document_checks import disputing
from eventset.validation.quotes import Span, find_quote
from eventset.validation.repository import validate_repository
from tests.property.helpers import scaled, workspace

FITTING = corpora(max_documents=2, min_events=1, min_claims=1, max_claims=3)
# Words no generated text holds near them: the opening sentence's "was seen".
UNRELATED = "was seen"


def _warnings(corpus: Corpus) -> list[tuple[str, str]]:
    with workspace() as tmp:
        root = write_corpus(corpus, tmp / "repo")
        problems = validate_repository(root).problems
    assert all(p.severity == "warning" for p in problems), problems
    return [(p.code, p.message) for p in problems if p.code in WARNING_CODES]


@settings(max_examples=scaled(1.0))
@given(corpus=FITTING)
def test_no_warning_fires_on_evidence_built_to_fit(corpus: Corpus) -> None:
    assert _warnings(corpus) == []


Break = Callable[[dict[str, Any], SyntheticDocument, Corpus, st.DataObject], str]


def _text_of(document: SyntheticDocument, selector: Any) -> str:
    """The words a selector (as the YAML data writes it) picks in the document's text."""
    quote = selector if isinstance(selector, str) else selector["quote"]
    picked = Selector(
        quote=quote,
        **(
            {} if isinstance(selector, str) else {k: v for k, v in selector.items() if k != "quote"}
        ),
    )
    span = find_quote(document.text, picked)
    assert isinstance(span, Span), span
    return document.text[span.start : span.end]


def _claim_kind(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    cues = evidence_cues("en")
    assert cues is not None
    claim = data.draw(st.sampled_from(annotation.get("claims", [])))
    quote = _text_of(document, claim["evidence"][0])
    wrong = [
        k
        for k, spec in cues.claim_kinds.items()
        if spec.required and not claim_kind_fits(quote, k, cues)
    ]
    assume(wrong)
    claim.update(kind=data.draw(st.sampled_from(wrong)), explicit=True)
    claim.pop("value", None)
    # A disputed event's disagreement must be in its claims (E428, an error): a denial that
    # was all of it cannot become another kind without breaking that rule as well.
    changed = Annotation.model_validate(annotation)
    assume(
        all(
            disputing([c for c in changed.claims if c.about.event == event.id])
            for event in changed.events
            if event.certainty == "disputed"
        )
    )
    return "W603"


def _event_type(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    cues = evidence_cues("en")
    assert cues is not None
    # An event another document reports too must keep its type there (E501): not that one.
    shared = {e.id for d in corpus.documents if d is not document for e in d.annotation.events}
    own = [e for e in annotation.get("events", []) if e["id"] not in shared]
    assume(own)
    event = data.draw(st.sampled_from(own))
    # Only whole sentences as evidence, so the type is read from exactly these words.
    sentences = [
        s for s in (_text_of(document, q) for q in event["evidence"]) if len(s.split()) > 3
    ]
    assume(sentences)
    event["evidence"] = [q for q in event["evidence"] if len(_text_of(document, q).split()) > 3]
    wrong = [
        t
        for t in vocabulary("event_types")
        if not any(event_type_fits(s, t, None, cues) for s in sentences)
    ]
    assume(wrong)
    event.update(type=data.draw(st.sampled_from(wrong)), mode=None)
    return "W605"


def _figure(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    figured = [e for e in annotation.get("events", []) if e.get("fatalities")]
    assume(figured)
    figures = data.draw(st.sampled_from(figured))["fatalities"]
    for name in ("low", "best", "high"):
        if figures.get(name) is not None:
            figures[name] += 1000  # still ordered; no generated text writes such a number
    return "W604"


def _participant(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    named = [
        p
        for e in annotation.get("events", [])
        for p in e["participants"]
        if p.get("evidence") and _must_be_named(corpus, p["actor"])
    ]
    assume(named)
    data.draw(st.sampled_from(named))["evidence"] = [UNRELATED]
    return "W601"


def _claimant(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    claim = data.draw(st.sampled_from(annotation.get("claims", [])))
    voice = {annotation["document"].get("outlet")}
    others = [
        a.id
        for a in corpus.actors.actors
        if a.id != claim["claimant"] and a.id not in voice and _must_be_named(corpus, a.id)
    ]
    sentence = _sentence_of(document, claim["evidence"][0])
    others = [a for a in others if not any(n in sentence for n in _names(corpus, a))]
    assume(others)
    claim["claimant"] = data.draw(st.sampled_from(others))
    claim["via"] = [v for v in claim.get("via", []) if v != claim["claimant"]]
    return "W602"


def _place(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    placed = [e for e in annotation.get("events", []) if e.get("place", {}).get("evidence")]
    assume(placed)
    data.draw(st.sampled_from(placed))["place"]["evidence"] = [UNRELATED]
    return "W606"


def _stale(
    annotation: dict[str, Any], document: SyntheticDocument, corpus: Corpus, data: st.DataObject
) -> str:
    """An acknowledgement of a warning that does not fire: every generated claim fits."""
    claim = data.draw(st.sampled_from(annotation.get("claims", [])))
    claim["accept"] = {data.draw(st.sampled_from(["W602", "W603", "W604"])): "SYNTHETIC reason"}
    return "W607"


BREAKS: dict[str, Break] = {
    "stale acceptance": _stale,
    "claim kind": _claim_kind,
    "event type": _event_type,
    "figure": _figure,
    "participant": _participant,
    "claimant": _claimant,
    "place": _place,
}


def _must_be_named(corpus: Corpus, actor: str) -> bool:
    kind = next(a.kind for a in corpus.actors.actors if a.id == actor)
    return vocabulary("actor_kinds")[kind].fields.get("named_in_evidence") is True


def _names(corpus: Corpus, actor: str) -> tuple[str, ...]:
    entry = next(a for a in corpus.actors.actors if a.id == actor)
    return (entry.name, *entry.aliases)


def _sentence_of(document: SyntheticDocument, selector: Any) -> str:
    quote = _text_of(document, selector)
    at = document.text.index(quote)
    start = max(document.text.rfind(". ", 0, at), document.text.rfind("\n", 0, at)) + 1
    end = document.text.find(".", at + len(quote))
    return document.text[start : end if end >= 0 else None]


@settings(max_examples=scaled(1.0))
@given(corpus=FITTING, data=st.data())
def test_a_warning_fires_when_one_fit_is_broken(corpus: Corpus, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(BREAKS)))
    document = corpus.documents[0]
    annotation = model_data(document.annotation)
    annotation["document"]["language"] = "en"
    code = BREAKS[name](annotation, document, corpus, data)
    broken = SyntheticDocument(document.text, Annotation.model_validate(annotation))
    edited = Corpus(corpus.actors, corpus.places, (broken, *corpus.documents[1:]))
    assert code in {found for found, _ in _warnings(edited)}, name
