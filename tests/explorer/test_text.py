"""Highlighting: segments cover the text exactly, and each carries every mention over it."""

from __future__ import annotations

import itertools
import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from eventset.explorer.text import Span, category, highlighted_html, segments


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet="ab <&>\n\u2019\u0628\U0001f600", min_size=1, max_size=40))
    spans = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        kind = draw(st.sampled_from(["actor", "place", "event", "claim", "date", "figure"]))
        spans.append(Span(f"m{i:016x}", start, end, kind))
    return text, spans


@given(text_and_spans())
def test_segments_tile_the_text_and_carry_exactly_the_covering_mentions(
    case: tuple[str, list[Span]],
) -> None:
    text, spans = case
    cut = segments(len(text), spans)
    assert cut[0].start == 0 and cut[-1].end == len(text)
    for left, right in itertools.pairwise(cut):
        assert left.end == right.start
    for seg in cut:
        assert seg.start < seg.end
        covering = {s.mention_id for s in spans if s.start <= seg.start and seg.end <= s.end}
        assert {s.mention_id for s in seg.spans} == covering


@given(text_and_spans())
def test_html_gives_back_the_text_and_each_mention_its_words(
    case: tuple[str, list[Span]],
) -> None:
    text, spans = case
    html = highlighted_html(text, spans)
    assert unescape(re.sub(r"<[^>]*>", "", html)) == text
    for span in spans:
        words = "".join(
            unescape(inner)
            for ids, inner in re.findall(r'data-mention-id="([^"]*)"[^>]*>([^<]*)</mark>', html)
            if span.mention_id in ids.split()
        )
        assert words == text[span.start : span.end]
        assert f'id="{span.mention_id}"' in html


def test_dates_and_figures_have_their_own_colour() -> None:
    assert category("event", "date") == "date"
    assert category("claim", "value") == "figure"
    assert category("event", "fatalities") == "figure"
    assert category("event", "participant") == "event"
    assert category("actor", "name") == "actor"
