"""A document's text with its mentions highlighted: pure functions, no I/O.

Mentions may overlap or nest (an event's occurrence span often contains an actor's name). The
text is cut at every mention boundary into segments; each highlighted segment carries the ids of
all the mentions that cover it, so overlapping mentions never lose a word and no element ever
crosses another's boundary.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Span:
    mention_id: str
    start: int  # code points, end exclusive, as in the mentions table
    end: int
    category: str  # what the legend colours: actor, place, event, claim, date, figure


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    spans: tuple[Span, ...]  # covering mentions, shortest first (it gives the colour)


FIGURE_ASPECTS = frozenset({"fatalities", "value"})


def category(target_kind: str, aspect: str) -> str:
    """The legend's category of a mention: dates and figures stand out from their target."""
    if aspect == "date":
        return "date"
    if aspect in FIGURE_ASPECTS:
        return "figure"
    return target_kind


def segments(length: int, spans: Iterable[Span]) -> list[Segment]:
    """The text [0, length) cut at every boundary of a span inside it, in order; segments that no
    span covers have no spans. Spans outside the text are clipped (a release that checks out
    never has them)."""
    clipped = [s for s in spans if 0 <= s.start < s.end <= length]
    cuts = sorted({0, length, *(s.start for s in clipped), *(s.end for s in clipped)})
    by_start: dict[int, list[Span]] = {}
    for span in clipped:
        by_start.setdefault(span.start, []).append(span)
    active: list[Span] = []
    result: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        active = [s for s in active if s.end > start] + by_start.get(start, [])
        covering = tuple(sorted(active, key=lambda s: (s.end - s.start, s.mention_id)))
        result.append(Segment(start, end, covering))
    return result


def highlighted_html(text: str, spans: Sequence[Span]) -> str:
    """The text as HTML: each covered segment a focusable <mark> with `data-mention-id` (the
    covering mentions' ids, space-separated), and an empty anchor with the mention's id where
    each mention starts, so `#<mention_id>` links land on its first word."""
    starts: dict[int, list[str]] = {}
    for span in spans:
        starts.setdefault(span.start, []).append(span.mention_id)
    parts: list[str] = []
    for seg in segments(len(text), spans):
        for mention_id in sorted(starts.pop(seg.start, [])):
            parts.append(f'<span class="anchor" id="{escape(mention_id)}"></span>')
        words = escape(text[seg.start : seg.end], quote=False)
        if not seg.spans:
            parts.append(words)
            continue
        ids = escape(" ".join(s.mention_id for s in seg.spans))
        kinds = " ".join(sorted({s.category for s in seg.spans}))
        overlap = " overlap" if len(seg.spans) > 1 else ""
        parts.append(
            f'<mark class="k-{seg.spans[0].category}{overlap}" tabindex="0" '
            f'data-mention-id="{ids}" data-kinds="{kinds}">{words}</mark>'
        )
    return "".join(parts)
