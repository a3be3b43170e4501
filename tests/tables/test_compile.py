"""Compiling the gold annotation into rows (tables/compile.py), checked against the seed itself."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from eventset.pipeline import BuildResult
from eventset.schema.fields import Selector
from eventset.tables.compile import COLUMNS, _mention_columns, columns_of, mention_id, mention_ids
from eventset.validation.evidence import EvidenceItem
from eventset.validation.quotes import Span, sentence_index, sentence_starts
from tests.conftest import REPO, SEED_ID
from tests.validation.test_quotes import reference_index


def seed() -> tuple[str, bytes]:
    raw = (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes()
    return raw.decode("utf-8"), raw


def test_every_mention_says_its_quote_in_its_sentence(gold_build: BuildResult) -> None:
    text, _ = seed()
    mentions = gold_build.tables["mentions"]
    assert mentions.height > 50
    sentences = set()
    for row in mentions.iter_rows(named=True):
        assert text[row["char_start"] : row["char_end"]] == row["quote"]
        assert row["sentence_index"] == reference_index(text, row["char_start"]), row["quote"]
        sentences.add(row["sentence_index"])
    assert len(sentences) > 5  # the gold quotes span many sentences, not just the first


def test_the_document_row_measures_the_seed(gold_build: BuildResult) -> None:
    text, raw = seed()
    [row] = gold_build.tables["documents"].iter_rows(named=True)
    assert row["document_id"] == SEED_ID
    assert row["char_count"] == len(text)
    assert row["byte_count"] == len(raw)
    assert row["text_sha256"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert row["text"] is None  # licence "unknown": the text is not redistributed


def test_a_mention_id_is_the_hash_of_its_span_and_what_it_supports() -> None:
    """Pinned: a mention's id is in every release; changing how it is made renames them all."""
    item = EvidenceItem(("events", 0, "evidence", 0), Selector(quote="x"), "event", "e1", "place")
    key = "doc-1\x1f3\x1f9\x1fevent\x1fe1\x1fplace\x1fNone\x1fNone"
    expected = "m" + hashlib.sha256(key.encode()).hexdigest()[:16]
    assert mention_id("doc-1", item, Span(3, 9)) == expected == "m466b9eef736fefe0"
    participant = item._replace(aspect="participant", actor_id="a1", role="target")
    assert mention_ids("doc-1", [(item, Span(3, 9)), (participant, Span(0, 2))]) == [
        expected,
        mention_id("doc-1", participant, Span(0, 2)),
    ]


def _mention_rows(
    document_id: str, text: str, evidence: list[tuple[EvidenceItem, Span]], shared: bool
) -> list[tuple[object, ...]]:
    """The mentions rows written out one at a time, as the compiler first did."""
    starts = sentence_starts(text)
    rows: list[tuple[object, ...]] = []
    for item, span in evidence:
        first = sentence_index(starts, span.start)
        last = sentence_index(starts, max(span.start, span.end - 1))
        end = starts[last + 1] if last + 1 < len(starts) else len(text)
        sentence = text[starts[first] : end].strip() if shared else None
        rows.append(
            (
                mention_id(document_id, item, span),
                document_id,
                span.start,
                span.end,
                text[span.start : span.end],
                first,
                sentence,
                item.target_kind,
                item.target_id,
                item.aspect,
                item.actor_id,
                item.role,
            )
        )
    return rows


_ITEMS = st.builds(
    EvidenceItem,
    st.just(("actors", 0, "mentions", 0)),
    st.just(Selector(quote="x")),
    st.sampled_from(["actor", "place", "event", "claim"]),
    st.sampled_from(["a1", "p-2", "e3"]),
    st.sampled_from(["name", "occurrence", "participant", "date"]),
    st.none() | st.just("a1"),
    st.none() | st.just("target"),
)


@given(
    text=st.text(alphabet="ab .!?\n\"'\u201d)", min_size=1, max_size=60),
    picks=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), _ITEMS), max_size=8),
    shared=st.booleans(),
)
def test_mention_columns_are_the_rows_one_at_a_time(
    text: str, picks: list[tuple[int, int, EvidenceItem]], shared: bool
) -> None:
    # Spans that start and end anywhere, sentence boundaries included (a span that ends
    # where a sentence starts lies in the sentence before).
    bounds = sorted({*sentence_starts(text), len(text)})
    evidence = []
    for a, b, item in picks:
        start = a % len(text)
        end = max(start + 1, b % (len(text) + 1))
        if b % 2:
            end = next((x for x in bounds if x > start), len(text))
        evidence.append((item, Span(start, end)))
    columns = _mention_columns("doc", text, evidence, shared)
    assert tuple(columns) == COLUMNS["mentions"]
    rows = list(zip(*columns.values(), strict=True))
    assert rows == _mention_rows("doc", text, evidence, shared)


@given(rows=st.lists(st.tuples(*[st.integers()] * len(COLUMNS["event_actors"])), max_size=4))
def test_columns_are_the_rows_transposed(rows: list[tuple[int, ...]]) -> None:
    """`columns_of` (one row taken apart directly, more rows through zip) against each column
    read off the rows by position."""
    names = COLUMNS["event_actors"]
    expected = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    columns = columns_of("event_actors", list(rows))
    assert columns == expected and tuple(columns) == names
