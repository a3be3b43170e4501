"""Where a quote selector can match in a text: the one occurrence finder that the validator,
the decompiler and the test strategies share, so they can never count matches differently.

Offsets are Unicode code points into the text exactly as stored. Overlapping occurrences count
("aa" occurs twice in "aaa"), as an annotator reading the text would count them.
"""

from __future__ import annotations


def occurrences(text: str, quote: str) -> list[int]:
    """Every start offset of `quote` in `text`, overlapping ones included."""
    found: list[int] = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def with_context(
    text: str, quote: str, starts: list[int], prefix: str | None, suffix: str | None
) -> list[int]:
    """The starts among `starts` whose surroundings are the given prefix and suffix (W3C
    TextQuoteSelector): the prefix ends right before the quote, the suffix starts right after."""
    if prefix is not None:
        starts = [s for s in starts if text[max(0, s - len(prefix)) : s] == prefix]
    if suffix is not None:
        end = len(quote)
        starts = [s for s in starts if text[s + end : s + end + len(suffix)] == suffix]
    return starts


# How far a disambiguating prefix or suffix may reach; beyond this `occurrence: N` is clearer.
_MAX_CONTEXT = 80


def _word_starts(text: str, stop: int, limit: int) -> list[int]:
    """Offsets in text[stop - limit : stop] where a word starts, nearest to `stop` first."""
    low = max(0, stop - limit)
    return [
        i
        for i in range(stop - 1, low - 1, -1)
        if not text[i].isspace() and (i == 0 or text[i - 1].isspace())
    ]


def _word_ends(text: str, start: int, limit: int) -> list[int]:
    """Offsets in text[start : start + limit] where a word ends, nearest to `start` first."""
    high = min(len(text), start + limit)
    return [
        i + 1
        for i in range(start, high)
        if not text[i].isspace() and (i + 1 == len(text) or text[i + 1].isspace())
    ]


def shortest_selector(text: str, quote: str, start: int) -> dict[str, str | int]:
    """The shortest selector that picks the occurrence of `quote` at `start`: nothing when it
    is unique, else the shortest prefix or suffix made of whole words, else `occurrence: N`.

    Whole words keep the selector readable and robust ("the police", not "e police")."""
    starts = occurrences(text, quote)
    if starts == [start]:
        return {"quote": quote}
    end = start + len(quote)
    candidates: list[tuple[int, str, str]] = []
    # Context across a line break reads badly in YAML ("\n\nBy"): it counts as much longer.
    for begin in _word_starts(text, start, _MAX_CONTEXT):
        prefix = text[begin:start]
        if with_context(text, quote, starts, prefix, None) == [start]:
            candidates.append((len(prefix) + _MAX_CONTEXT * ("\n" in prefix), "prefix", prefix))
            break
    for stop in _word_ends(text, end, _MAX_CONTEXT):
        suffix = text[end:stop]
        if with_context(text, quote, starts, None, suffix) == [start]:
            candidates.append((len(suffix) + _MAX_CONTEXT * ("\n" in suffix), "suffix", suffix))
            break
    if candidates:
        _, field, context = min(candidates)
        return {"quote": quote, field: context}
    return {"quote": quote, "occurrence": starts.index(start) + 1}
