"""Documents whose annotation fails validation, shown anyway: the seed's text with each problem
at the words it concerns, so a contributor sees where a quote went wrong.

A failing annotation is not in the release, so its quotes are found again here: the file is
composed (nodes with lines, nothing constructed, aliases never expanded), every quote of a
`mentions` or `evidence` list is looked up in the text as validation does, and each problem is
placed at the quote whose node holds its line. A quote that is not in the text is shown at the
closest passage, labelled as such.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError

from eventset.problems import Problem
from eventset.schema.fields import Selector
from eventset.validation.quotes import QuoteError, find_quote

QUOTE_LISTS = frozenset({"mentions", "evidence"})
CATEGORY_OF_SECTION = {"actors": "actor", "places": "place", "events": "event", "claims": "claim"}
MAX_ANNOTATION_CHARS = 2_000_000  # beyond validation's own limit: such a file is never composed
MAX_NODES = 200_000
CLOSEST_TEXT_LIMIT = 500_000  # characters of text searched for the closest passage


@dataclass(frozen=True)
class Quote:
    """A quote of the annotation: its selector, the lines of its node, what it evidences."""

    selector: Selector
    first_line: int  # 1-based, of the YAML node
    last_line: int
    category: str


@dataclass(frozen=True)
class PlacedProblem:
    number: int  # 1-based on its page; the words carry the id problem-<number>
    problem: Problem
    quote: str | None = None  # the quote the problem's line belongs to
    start: int | None = None  # where it is shown in the text
    end: int | None = None
    closest: bool = False  # the quote is not in the text: shown at the closest passage

    @property
    def anchor(self) -> str:
        return f"problem-{self.number}"


@dataclass(frozen=True)
class FoundQuote:
    anchor: str
    quote: str
    line: int
    start: int
    end: int
    category: str


@dataclass(frozen=True)
class FailingDocument:
    document_id: str
    file: str  # the annotation file, relative to the repository
    title: str | None
    text: str | None  # the seed's text, when it exists and decodes
    problems: list[PlacedProblem] = field(default_factory=list)
    quotes: list[FoundQuote] = field(default_factory=list)  # the quotes that are found


def _scalar(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _selector(node: yaml.Node) -> Selector | None:
    try:
        if isinstance(node, yaml.ScalarNode):
            return Selector(quote=node.value)
        if isinstance(node, yaml.MappingNode):
            fields = {_scalar(k): _scalar(v) for k, v in node.value}
            return Selector.model_validate({k: v for k, v in fields.items() if k is not None})
    except ValidationError:
        return None
    return None


def _last_line(node: yaml.Node) -> int:
    """1-based; a block mapping ends at the start of the next line, which is not its own."""
    end = node.end_mark
    return end.line + 1 if end.column > 0 else max(end.line, node.start_mark.line + 1)


def _category(path: Sequence[str]) -> str:
    if "date" in path:
        return "date"
    if "fatalities" in path or "value" in path:
        return "figure"
    return CATEGORY_OF_SECTION.get(path[0], "event") if path else "event"


def annotation_quotes(annotation: str) -> list[Quote]:
    """Every quote of a `mentions` or `evidence` list, in file order; [] for a file that does not
    compose (its problems say why)."""
    if len(annotation) > MAX_ANNOTATION_CHARS:
        return []
    try:
        root = yaml.compose(annotation, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return []
    found: list[Quote] = []
    seen: set[int] = set()
    # Depth-first with an explicit stack: a deep file cannot exhaust the recursion limit, and a
    # node reached twice through an alias is walked once.
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())] if root is not None else []
    while stack and len(seen) < MAX_NODES:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                name = _scalar(key) or ""
                if name in QUOTE_LISTS and isinstance(value, yaml.SequenceNode):
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                    for item in value.value:
                        selector = _selector(item)
                        if selector is not None:
                            found.append(
                                Quote(
                                    selector,
                                    item.start_mark.line + 1,
                                    _last_line(item),
                                    _category(path),
                                )
                            )
                else:
                    stack.append((value, (*path, name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path) for item in reversed(node.value))
    return sorted(found, key=lambda q: (q.first_line, q.last_line))


def closest_passage(text: str, quote: str) -> tuple[int, int] | None:
    """Where the text comes closest to a quote that is not in it: around the longest stretch
    they share, from where the quote's first matching words fall to where its last ones do."""
    if not quote or not text:
        return None
    haystack = text[:CLOSEST_TEXT_LIMIT]
    anchor = difflib.SequenceMatcher(None, haystack, quote, autojunk=False).find_longest_match(
        0, len(haystack), 0, len(quote)
    )
    if anchor.size < min(4, len(quote)):
        return None
    # Align the whole quote within a window around that stretch.
    lo = max(0, anchor.a - anchor.b - len(quote))
    hi = min(len(haystack), anchor.a + len(quote) * 2)
    blocks = [
        b
        for b in difflib.SequenceMatcher(
            None, haystack[lo:hi], quote, autojunk=False
        ).get_matching_blocks()
        if b.size
    ]
    first, last = blocks[0], blocks[-1]
    start = max(0, lo + first.a - first.b)
    end = min(len(haystack), lo + last.a + last.size + (len(quote) - last.b - last.size))
    return (start, end) if start < end else None


def _innermost(quotes: Sequence[Quote], line: int) -> Quote | None:
    holding = [q for q in quotes if q.first_line <= line <= q.last_line]
    return min(holding, key=lambda q: q.last_line - q.first_line) if holding else None


def _spans(text: str, quotes: Sequence[Quote]) -> Iterator[tuple[Quote, int, int] | Quote]:
    for quote in quotes:
        found = find_quote(text, quote.selector)
        yield quote if isinstance(found, QuoteError) else (quote, found.start, found.end)


def failing_document(
    document_id: str,
    file: str,
    annotation: str | None,
    text: str | None,
    title: str | None,
    problems: Sequence[Problem],
) -> FailingDocument:
    quotes = annotation_quotes(annotation) if annotation is not None else []
    located: dict[int, tuple[int, int]] = {}
    if text is not None:
        for i, result in enumerate(_spans(text, quotes)):
            if isinstance(result, tuple):
                located[i] = (result[1], result[2])
    placed: list[PlacedProblem] = []
    blamed: set[int] = set()
    for number, p in enumerate(sorted(problems, key=lambda p: (p.line, p.column, p.code)), 1):
        quote = _innermost(quotes, p.line)
        if quote is None or text is None:
            placed.append(PlacedProblem(number, p, quote.selector.quote if quote else None))
            continue
        index = quotes.index(quote)
        blamed.add(index)
        if index in located:
            start, end = located[index]
            placed.append(PlacedProblem(number, p, quote.selector.quote, start, end))
            continue
        near = closest_passage(text, quote.selector.quote)
        placed.append(
            PlacedProblem(
                number,
                p,
                quote.selector.quote,
                near[0] if near else None,
                near[1] if near else None,
                closest=near is not None,
            )
        )
    found = [
        FoundQuote(f"quote-{i + 1}", q.selector.quote, q.first_line, *located[i], q.category)
        for i, q in enumerate(quotes)
        if i in located and i not in blamed
    ]
    return FailingDocument(document_id, file, title, text, placed, found)
