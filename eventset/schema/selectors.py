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
