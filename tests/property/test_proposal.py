"""The proposal of `eventset new` validates as written, whatever the text and registries."""

from __future__ import annotations

import re

from hypothesis import given, settings

from eventset.inputs.seeds import parse_seed
from eventset.testing import Corpus, corpora, write_corpus
from eventset.validation.repository import validate_repository
from eventset.workbench.starter import starter_annotation
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
