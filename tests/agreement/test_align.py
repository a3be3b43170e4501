"""Alignment: identical codings match perfectly; ids and order never matter; hostile codings
stay bounded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.agreement import align as aligning
from eventset.agreement.align import Unit, align, match
from eventset.agreement.report import agreement_json
from eventset.agreement.score import score
from eventset.agreement.synthetic import synthetic_coding
from tests.agreement.helpers import coding, documents, renamed_and_shuffled


def _document(seed: int) -> tuple[str, str, object]:
    return next(documents(1, seed))


@settings(max_examples=5)
@given(seed=st.integers(0, 10_000))
def test_identical_codings_match_every_unit_and_agree_perfectly(seed: int) -> None:
    doc_id, text, annotation = next(documents(1, seed))
    twin = renamed_and_shuffled(annotation, seed)
    aligned = align(
        doc_id, [coding("a", doc_id, text, annotation), coding("b", doc_id, text, twin)]
    )
    assert all(len(group) == 2 for group in aligned.events + aligned.claims)
    found = score([aligned], resamples=0)
    assert found.events.rate == 1 and found.participants.rate in (1, None)
    assert found.mentions.exact_f1 == 1 and found.mentions.overlap_f1 == 1
    for field in found.fields:
        assert field.score.alpha in (1.0, None), field


@settings(max_examples=5)
@given(seed=st.integers(0, 10_000), rate=st.sampled_from([0.2, 0.5]), shuffle=st.integers(0, 99))
def test_scores_do_not_depend_on_ids_or_the_order_of_units(
    seed: int, rate: float, shuffle: int
) -> None:
    doc_id, text, annotation = next(documents(1, seed))
    other = synthetic_coding(annotation, rate, seed, "synthetic-coder-b")
    a = coding("a", doc_id, text, annotation)
    before = score([align(doc_id, [a, coding("b", doc_id, text, other)])], resamples=50)
    moved = renamed_and_shuffled(other, shuffle)
    after = score([align(doc_id, [a, coding("b", doc_id, text, moved)])], resamples=50)
    assert agreement_json(after) == agreement_json(before)


def _unit(uid: str, span: tuple[int, int], kind: str) -> Unit:
    return Unit(uid, (span,), (("event_type", kind), ("date_start", 1), ("place_id", None)))


def test_a_unit_only_one_coder_found_stays_a_unit_of_its_own() -> None:
    left = [_unit("x", (0, 10), "ASSAULT"), _unit("y", (50, 60), "PROTEST")]
    right = [_unit("p", (0, 10), "ASSAULT")]
    assert match(left, right, aligning.event_weight) == [(0, 0)]
    a = aligning.Coding("a", tuple(left), {}, (), frozenset())
    b = aligning.Coding("b", tuple(right), {}, (), frozenset())
    aligned = align("doc", [a, b])
    assert sorted(len(g) for g in aligned.events) == [1, 2]


def test_the_heavier_overlap_wins_and_type_breaks_a_tie() -> None:
    left = [_unit("x", (0, 20), "ASSAULT")]
    right = [_unit("p", (10, 30), "ASSAULT"), _unit("q", (0, 18), "PROTEST")]
    assert match(left, right, aligning.event_weight) == [(0, 1)]
    tied = [_unit("p", (0, 20), "PROTEST"), _unit("q", (0, 20), "ASSAULT")]
    assert match(left, tied, aligning.event_weight) == [(0, 1)]


def test_a_flood_of_units_on_the_same_words_is_bounded() -> None:
    n = 2000
    calls = 0
    weight = aligning.event_weight

    def counted(a: Unit, b: Unit) -> float:
        nonlocal calls
        calls += 1
        return weight(a, b)

    # Same words, different types: no pair is identical, every pair overlaps.
    left = [_unit(f"l{i}", (0, 40), "ASSAULT") for i in range(n)]
    right = [_unit(f"r{i}", (0, 40), "PROTEST") for i in range(n)]
    pairs = match(left, right, counted)
    # Time and memory grow with the units, not with their pairs (n * n = 4,000,000): each unit
    # weighs a bounded number of partners and keeps at most MAX_CANDIDATES of them.
    assert calls <= 4 * aligning.MAX_CANDIDATES * n
    assert len(pairs) >= aligning.MAX_CANDIDATES
    # Identical duplicates pair off by content without any search.
    calls = 0
    assert len(match(left, list(left), counted)) == n
    assert calls == 0
