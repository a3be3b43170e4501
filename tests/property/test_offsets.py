"""text[char_start:char_end] == quote for every mention, in code points of the text as stored."""

from __future__ import annotations

from hypothesis import given

from eventset.testing import Corpus, corpora
from tests.property.helpers import built, seed_text, selectors


@given(corpora(min_events=1, min_claims=1))
def test_every_mention_quotes_its_span_in_code_points(corpus: Corpus) -> None:
    with built(corpus) as (root, result):
        texts = {d.id: seed_text(root, d.id) for d in corpus.documents}
        mentions = result.tables["mentions"]
        assert mentions.height > 0  # events and claims always have evidence
        for row in mentions.iter_rows(named=True):
            text = texts[row["document_id"]]
            assert text == (root / "seeds" / f"{row['document_id']}.txt").read_bytes().decode()
            assert text[row["char_start"] : row["char_end"]] == row["quote"], row
            assert row["char_end"] - row["char_start"] == len(row["quote"])
        for document in corpus.documents:  # and the quotes are the annotator's, one row each
            quoted = mentions.filter(document_id=document.id).get_column("quote").to_list()
            assert sorted(quoted) == sorted(s.quote for s in selectors(document.annotation))
