"""Row counts equal what the annotations declare, counted here from the models directly."""

from __future__ import annotations

from hypothesis import given

from eventset.schema.annotation import Annotation, DateSpec
from eventset.testing import Corpus, corpora
from tests.property.helpers import built


def _date_quotes(date: DateSpec | None) -> int:
    return len(date.evidence) if date is not None else 0


def _quotes(annotation: Annotation) -> int:
    """Every selector of the annotation: one mention each."""
    count = sum(len(a.mentions) for a in annotation.actors)
    count += sum(len(p.mentions) for p in annotation.places)
    for event in annotation.events:
        count += len(event.evidence) + _date_quotes(event.date)
        count += len(event.place.evidence) if event.place else 0
        count += sum(len(p.evidence) for p in event.participants)
        count += len(event.fatalities.evidence) if event.fatalities else 0
    for claim in annotation.claims:
        count += len(claim.evidence) + _date_quotes(claim.date)
    return count


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
        "mentions": sum(_quotes(a) for a in annotations),
    }
