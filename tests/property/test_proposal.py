"""The proposal of `eventset new` validates as written, whatever the text and registries."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.inputs.seeds import Seed, parse_seed
from eventset.schema.cues import claim_kind_fits, event_type_fits, numbers_in
from eventset.schema.vocab import evidence_cues
from eventset.testing import Corpus, corpora, write_corpus
from eventset.validation.repository import validate_repository
from eventset.workbench.quote import cuts_word, find_phrase
from eventset.workbench.starter import propose, starter_annotation
from tests.property.helpers import workspace


@settings(max_examples=25)
@given(corpora(max_documents=1))
def test_the_proposal_for_any_generated_text_validates(corpus: Corpus) -> None:
    with workspace() as tmp:
        root = write_corpus(corpus, tmp)
        [document] = corpus.documents
        seed_path = root / "seeds" / f"{document.id}.txt"
        seed, _ = parse_seed(document.id, seed_path.read_bytes(), seed_path.name)
        assert seed is not None
        proposal = starter_annotation(seed, corpus.actors, corpus.places)
        (root / "data" / "annotations" / f"{document.id}.yaml").write_text(
            proposal, encoding="utf-8"
        )
        result = validate_repository(root)
    assert result.problems == [], proposal
    names = [n for a in corpus.actors.actors for n in (a.name, *a.aliases)]
    if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", document.text) for name in names):
        assert "actors:\n  - actor: " in proposal


@settings(max_examples=15)
@given(corpora(max_documents=1, min_events=1, min_claims=1, max_claims=3))
def test_what_the_proposal_says_the_meaning_checks_accept(corpus: Corpus) -> None:
    """Proposed claims fit their kind, events their type, figures their evidence, as the
    warnings W603-W605 read them: the two share `evidence_cues.yaml` and `schema.cues`."""
    cues = evidence_cues("en")
    assert cues is not None
    [document] = corpus.documents
    text = document.text
    seed = Seed(document.id, text, "sha256:" + "0" * 64, None, None, len(text))
    _, _, events, claims = propose(seed, corpus.actors, corpus.places)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.selector["quote"]
        assert claim_kind_fits(text, claim.kind, cues, claim.start, claim.end), claim
        if claim.value is not None:
            assert claim.value in numbers_in(text[claim.start : claim.end], cues.numbers)
    for event in events:
        assert event_type_fits(text, event.type, event.mode, cues, event.start, event.end), event
        if event.fatalities is not None:
            written = numbers_in(text[event.start : event.end], cues.numbers)
            figures = [v for k, v in event.fatalities.items() if k != "evidence"]
            assert all(isinstance(v, int) and v in written for v in figures), event


@given(st.text(alphabet="ab ,.-é", max_size=40), st.text(alphabet="ab é", min_size=1, max_size=4))
def test_quote_never_offers_a_match_inside_a_word(text: str, phrase: str) -> None:
    for found in find_phrase(text, phrase):
        assert not cuts_word(text, found.start, found.end)
        assert text[found.start : found.end] == found.selector["quote"]
