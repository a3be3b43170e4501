"""Scores over SYNTHETIC codings: agreement falls as injected disagreements grow, and units
that only one coder coded count against it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.agreement.align import align
from eventset.agreement.score import score, span_scores
from tests.agreement.helpers import coding, documents, recoded_pairs


@settings(max_examples=2)
@given(seed=st.integers(0, 10_000))
def test_alpha_falls_as_disagreements_grow(seed: int) -> None:
    rates = (0.0, 0.15, 0.5)
    pairs = recoded_pairs(16, seed, rates)
    found = [score(pairs[rate], resamples=0) for rate in rates]
    for table, field in [("events", "event_type"), ("event_actors", "role")]:
        alphas = [f.field(table, field).score.alpha or 0.0 for f in found]
        assert alphas[0] == 1.0
        assert alphas[0] > alphas[1] > alphas[2], (table, field, alphas)
    matched = [f.events.rate or 0.0 for f in found]
    assert matched[0] == 1.0 and matched[0] >= matched[1] >= matched[2]


def test_an_event_only_one_coder_coded_is_a_disagreement_not_dropped() -> None:
    doc_id, text, annotation = next(d for d in documents(20, 3) if len(d[2].events) > 1)
    dropped = annotation.model_copy(
        update={
            "events": annotation.events[1:],
            "claims": [c for c in annotation.claims if c.about.event != annotation.events[0].id],
        }
    )
    aligned = align(
        doc_id, [coding("a", doc_id, text, annotation), coding("b", doc_id, text, dropped)]
    )
    found = score([aligned], resamples=0)
    assert found.events.units == len(annotation.events)
    assert found.events.matched == len(annotation.events) - 1
    # In the nominal fields the missing event is a value "(not coded)" against the other's.
    assert found.field("events", "event_type").score.units == len(annotation.events)


def test_span_f1_counts_exact_and_overlapping_spans() -> None:
    a = frozenset({(0, 10), (20, 30), (40, 50)})
    b = frozenset({(0, 10), (22, 30), (60, 70)})
    found = span_scores([(a, b)])
    assert found.exact_f1 == 2 * 1 / 6
    # (0,10) and (20,30)/(22,30) overlap: 2 of 3 on each side.
    assert found.overlap_f1 == 2 / 3
    assert span_scores([]).exact_f1 is None
