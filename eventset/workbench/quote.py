"""`eventset quote`: where a phrase occurs in a seed and the selector that picks each match,
ready to paste, or the near misses when the exact words are absent."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from eventset.inputs.yamlfile import position
from eventset.schema.selectors import occurrences, shortest_selector
from eventset.schema.yaml_writer import flow_yaml

CONTEXT = 30  # characters shown on each side of a match


@dataclass(frozen=True)
class Occurrence:
    start: int  # code points, end exclusive, as in the mentions table
    end: int
    line: int
    column: int
    context: str
    selector: dict[str, str | int]
    exact: bool = True  # False for a near miss (same words, other case)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    shown = f"{before}[{text[start:end]}]{after}"
    return " ".join(shown.split())


def _occurrence(text: str, quote: str, start: int, *, exact: bool) -> Occurrence:
    at = position(text, start)
    end = start + len(quote)
    return Occurrence(
        start,
        end,
        at.line,
        at.column,
        _context(text, start, end),
        shortest_selector(text, quote, start),
        exact,
    )


def find_phrase(text: str, phrase: str) -> list[Occurrence]:
    """Every exact match of `phrase`; when there is none, the matches ignoring case."""
    exact = occurrences(text, phrase)
    if exact:
        return [_occurrence(text, phrase, s, exact=True) for s in exact]
    folded = text.casefold()
    if len(folded) != len(text) or not phrase:  # casefold changed lengths: offsets would drift
        return []
    return [
        _occurrence(text, text[s : s + len(phrase)], s, exact=False)
        for s in occurrences(folded, phrase.casefold())
    ]


def render(phrase: str, found: list[Occurrence], file: str) -> str:
    """The human listing: location, context and the selector line to paste."""
    if not found:
        return f"{phrase!r} does not occur in {file}, not even ignoring case."
    lines = []
    if not found[0].exact:
        lines.append(f"{phrase!r} does not occur in {file}; ignoring case it does:")
    for item in found:
        lines.append(f"{file}:{item.line}:{item.column}: {item.context}")
        lines.append(f"  - {flow_yaml(item.selector)}")
    return "\n".join(lines)
