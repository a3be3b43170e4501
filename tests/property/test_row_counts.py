"""Row counts equal what the annotations declare, counted here from the models directly."""

from __future__ import annotations

from hypothesis import given

from eventset.schema.vocab import vocabulary
from eventset.testing import Corpus, corpora
from tests.property.helpers import built, selectors


@given(corpora())
def test_row_counts_match_the_annotations(corpus: Corpus) -> None:
    annotations = [d.annotation for d in corpus.documents]
    events = {e.id for a in annotations for e in a.events}
    participants = {
        (e.id, p.actor, p.role) for a in annotations for e in a.events for p in e.participants
    }
    with built(corpus) as (_, result):
        heights = {name: frame.height for name, frame in result.tables.items()}
    assert heights == {
        "documents": len(corpus.documents),
        "actors": len(corpus.actors.actors),
        "places": len(corpus.places.places),
        "events": len(events),
        "event_actors": len(participants),
        "claims": sum(len(a.claims) for a in annotations),
        "mentions": sum(len(selectors(a)) for a in annotations),
        "countries": len(vocabulary("countries").codes),  # every country, whatever the corpus
    }
