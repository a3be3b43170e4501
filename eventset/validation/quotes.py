"""Finding quotes in a document: stand-off evidence anchored by exact words.

Offsets are Unicode code points into the text exactly as stored, end exclusive, so
`text[start:end] == quote` holds for every span.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from eventset.inputs.yamlfile import INVISIBLE
from eventset.schema.fields import Selector
from eventset.schema.selectors import occurrences, with_context


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class QuoteError:
    code: str  # a problem code: E301, E302, E303, E305, E306 or E307
    message: str


def find_quote(text: str, selector: Selector) -> Span | QuoteError:
    """The one span the selector picks, or why it picks none."""
    quote = selector.quote
    if quote != quote.strip():
        return QuoteError("E305", f"Quote {quote!r} starts or ends with whitespace.")
    starts = occurrences(text, quote)
    if not starts:
        return _explain_missing(text, quote)
    starts = with_context(text, quote, starts, selector.prefix, selector.suffix)
    if not starts:
        return QuoteError(
            "E301", f"Quote {quote!r} occurs, but never with the given prefix/suffix."
        )
    if selector.occurrence is not None:
        if selector.occurrence > len(starts):
            return QuoteError(
                "E303",
                f"occurrence {selector.occurrence} asked, but {quote!r} matches {len(starts)} time(s).",
            )
        start = starts[selector.occurrence - 1]
    elif len(starts) > 1:
        return QuoteError("E302", f"Quote {quote!r} occurs {len(starts)} times.")
    else:
        start = starts[0]
    return Span(start, start + len(quote))


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
        return QuoteError("E301", f"Quote {quote!r} not found; it matches ignoring case.")
    for straight, curly in (("'", "\u2019"), ('"', "\u201d")):
        if straight in quote and quote.replace(straight, curly) in text:
            return QuoteError(
                "E301", f"Quote {quote!r} not found; the text uses curly quotes ({curly})."
            )
    return QuoteError("E301", f"Quote {quote!r} does not occur in the text.")


_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d\]\)]*\s+|\n\s*")


def sentence_starts(text: str) -> list[int]:
    """Start offsets of sentences: after terminal punctuation plus space, or after a line break."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def sentence_index(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1
