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


def cuts_word(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` starts or ends inside a word, which the validator refuses
    as a quote (E308): "itnesses" out of "witnesses"."""
    inside_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return inside_start or inside_end


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _near(text: str, starts: list[int], length: int) -> list[Occurrence]:
    """Near misses: each match widened to whole words, once per span."""
    spans = sorted({_whole_word(text, s, s + length) for s in starts})
    return [_occurrence(text, text[s:e], s, exact=False) for s, e in spans]


def find_phrase(text: str, phrase: str) -> list[Occurrence]:
    """Every exact match of `phrase` that is whole words; when there is none, the near misses:
    matches ignoring case, and matches inside words widened to the words they cut (never one
    that starts or ends inside a word: the validator refuses it, E308)."""
    if not phrase:
        return []
    raw = occurrences(text, phrase)
    whole = [s for s in raw if not cuts_word(text, s, s + len(phrase))]
    if whole:
        return [_occurrence(text, phrase, s, exact=True) for s in whole]
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths: offsets would drift
        return _near(text, raw, len(phrase))
    return _near(text, occurrences(folded, phrase.casefold()), len(phrase))


def render(phrase: str, found: list[Occurrence], file: str) -> str:
    """The human listing: location, context and the selector line to paste."""
    if not found:
        return f"{phrase!r} does not occur in {file}, not even ignoring case."
    lines = []
    if not found[0].exact:
        lines.append(f"{phrase!r} does not occur in {file} as whole words; these words are close:")
    for item in found:
        lines.append(f"{file}:{item.line}:{item.column}: {item.context}")
        lines.append(f"  - {flow_yaml(item.selector)}")
    return "\n".join(lines)
