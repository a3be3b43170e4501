"""Finding quotes in a document: stand-off evidence anchored by exact words.

Offsets are Unicode code points into the text exactly as stored, end exclusive, so
`text[start:end] == quote` holds for every span.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from eventset.inputs.yamlfile import INVISIBLE, position
from eventset.schema.fields import Selector
from eventset.schema.selectors import occurrences, shortest_selector, with_context
from eventset.schema.yaml_writer import flow_yaml


class Span(NamedTuple):
    """A named tuple rather than a frozen dataclass: one is made per quote of every document,
    and a frozen dataclass sets each field through object.__setattr__."""

    start: int
    end: int


@dataclass(frozen=True)
class QuoteError:
    code: str  # a problem code: E301 to E303, E305 to E309
    message: str
    hint: str | None = None  # None: the catalogue's hint


def find_quote(text: str, selector: Selector) -> Span | QuoteError:
    """The one span the selector picks, or why it picks none."""
    quote = selector.quote
    if quote != quote.strip():
        return QuoteError("E305", f"Quote {quote!r} starts or ends with whitespace.")
    prefix, suffix = selector.prefix, selector.suffix
    if selector.occurrence is None:
        # Most quotes occur once with the context they give (none, most often): two searches
        # for prefix + quote + suffix decide, without the list of every occurrence of the
        # quote and the context of each (this runs for every quote of every document). A
        # place where the whole occurs is a place where the quote occurs in its context.
        whole = (
            quote if prefix is None and suffix is None else f"{prefix or ''}{quote}{suffix or ''}"
        )
        at = text.find(whole)
        if at != -1 and text.find(whole, at + 1) == -1:
            start = at + len(prefix or "")
            end = start + len(quote)
            # _inside_word's own test first, written out: the span cuts no word (almost every
            # quote) and needs no call.
            if not (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) and not (
                end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
            ):
                return Span(start, end)
            return _inside_word(text, quote, start) or Span(start, end)
    starts = occurrences(text, quote)
    if not starts:
        return _explain_missing(text, quote)
    every = starts
    starts = with_context(text, quote, starts, prefix, suffix)
    if not starts:
        return _explain_context(text, selector, every)
    if selector.occurrence is not None:
        if selector.occurrence > len(starts):
            return QuoteError(
                "E303",
                f"occurrence {selector.occurrence} asked, but {quote!r} matches {len(starts)} time(s).",
            )
        start = starts[selector.occurrence - 1]
    elif len(starts) > 1:
        return _ambiguous(text, quote, starts)
    else:
        start = starts[0]
    return _inside_word(text, quote, start) or Span(start, start + len(quote))


def _is_word(char: str) -> bool:
    return char.isalnum()


def _inside_word(text: str, quote: str, start: int) -> QuoteError | None:
    """E308 when the span cuts a word of the text in two ("itnesses" out of "witnesses")."""
    end = start + len(quote)
    # _is_word written out: this runs for every quote, and four calls were most of its time.
    cut_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cut_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    if not (cut_start or cut_end):
        return None
    begin, stop = start, end
    while begin > 0 and _is_word(text[begin - 1]):
        begin -= 1
    while stop < len(text) and _is_word(text[stop]):
        stop += 1
    at = position(text, start)
    side = "starts" if cut_start else "ends"
    whole = text[begin:stop]
    return QuoteError(
        "E308",
        f"Quote {quote!r} {side} inside a word: the text at line {at.line}:{at.column} reads "
        f"{whole!r}.",
        f"Quote whole words: {flow_yaml(shortest_selector(text, whole, begin))}",
    )


def _ambiguous(text: str, quote: str, starts: list[int]) -> QuoteError:
    """E302 with every match, where it is and the selector that picks it."""
    shown = starts[:10]
    places = "; ".join(f"{position(text, s).line}:{position(text, s).column}" for s in shown)
    more = f" (and {len(starts) - len(shown)} more)" if len(starts) > len(shown) else ""
    choices = "\n".join(f"  - {flow_yaml(shortest_selector(text, quote, s))}" for s in shown)
    return QuoteError(
        "E302",
        f"Quote {quote!r} occurs {len(starts)} times in the text, at line:column {places}{more}.",
        f"Replace it with the selector of the one you mean:\n{choices}",
    )


def _explain_context(text: str, selector: Selector, starts: list[int]) -> QuoteError:
    """Why a quote that occurs is never surrounded by the given prefix/suffix: E309 when the
    quote and context match ignoring case, else E301 with what surrounds each match."""
    quote = selector.quote
    folded = text.casefold()
    if len(folded) == len(text):  # casefold can change lengths (ß -> ss); offsets must hold
        near = with_context(
            folded,
            quote.casefold(),
            occurrences(folded, quote.casefold()),
            None if selector.prefix is None else selector.prefix.casefold(),
            None if selector.suffix is None else selector.suffix.casefold(),
        )
        if near:
            start, end = near[0], near[0] + len(quote)
            found = text[start:end]
            before = len(selector.prefix or "")
            after = len(selector.suffix or "")
            written = (selector.prefix or "") + quote + (selector.suffix or "")
            at = position(text, start)
            return QuoteError(
                "E309",
                f"Quote {quote!r} with its prefix/suffix matches only ignoring case: you wrote "
                f"{written!r}, the text at line {at.line}:{at.column} reads "
                f"{text[start - before : end + after]!r}.",
                f"Copy the capitalisation of the text: {flow_yaml(shortest_selector(text, found, start))}",
            )
    choices = "\n".join(f"  - {flow_yaml(shortest_selector(text, quote, s))}" for s in starts[:10])
    return QuoteError(
        "E301",
        f"Quote {quote!r} occurs {len(starts)} time(s), but never with the given prefix/suffix.",
        f"The prefix must end right before the quote and the suffix start right after it; "
        f"the matches are:\n{choices}",
    )


def _invisible_mismatch(text: str, quote: str) -> QuoteError | None:
    """E307 when the quote would match if invisible characters were ignored on either side."""
    bare = INVISIBLE.sub("", quote)
    if bare == quote and not INVISIBLE.search(text):
        return None
    in_quote = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(quote)})
    if bare != quote and bare and bare in text:
        return QuoteError(
            "E307", f"Quote {quote!r} has invisible {', '.join(in_quote)} that the text lacks."
        )
    if bare and bare in INVISIBLE.sub("", text):
        return QuoteError(
            "E307",
            f"Quote {quote!r} matches only if invisible characters in the text are ignored; "
            "write them in the quote as escapes.",
        )
    return None


def _explain_missing(text: str, quote: str) -> QuoteError:
    invisible = _invisible_mismatch(text, quote)
    if invisible is not None:
        return invisible
    for form in ("NFC", "NFD"):
        if unicodedata.normalize(form, quote) in unicodedata.normalize(form, text):
            return QuoteError(
                "E306",
                f"Quote {quote!r} matches only after {form} normalisation of text and quote.",
            )
    squeezed = " ".join(quote.split())
    if squeezed and squeezed in " ".join(text.split()):
        return QuoteError(
            "E301",
            f"Quote {quote!r} not found; it matches if line breaks and "
            "spaces are ignored, so copy the whitespace exactly.",
        )
    folded = quote.casefold()
    if folded in text.casefold():
        where = text.casefold().find(folded)
        found = text[where : where + len(quote)] if len(text.casefold()) == len(text) else None
        at = position(text, where)
        reads = f": the text at line {at.line}:{at.column} reads {found!r}" if found else ""
        hint = None
        if found:
            hint = f"Copy the text's capitals: {flow_yaml(shortest_selector(text, found, where))}"
        return QuoteError(
            "E309", f"Quote {quote!r} not found; it matches only ignoring case{reads}.", hint
        )
    for straight, curly in (("'", "\u2019"), ('"', "\u201d")):
        if straight in quote and quote.replace(straight, curly) in text:
            return QuoteError(
                "E301", f"Quote {quote!r} not found; the text uses curly quotes ({curly})."
            )
    return QuoteError("E301", f"Quote {quote!r} does not occur in the text.")


# After terminal punctuation (and closing quotes or brackets) plus space, or after a line break.
# One leading character class, then the branch that character allows: the regex engine skips
# to the candidates, twice as fast as trying both branches at every character.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)\s*|[\"'\u2019\u201d\]\)]*\s+)")


@functools.lru_cache(maxsize=8)
def sentence_starts(text: str) -> tuple[int, ...]:
    """Start offsets of sentences: after terminal punctuation plus space, or after a line break.
    Kept for the last few texts (a tuple, as it is shared): the meaning checks and the compiler
    read the sentences of the same seed, one after the other."""
    return (0, *map(re.Match.end, _SENTENCE_END.finditer(text)))


def sentence_index(starts: Sequence[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1
