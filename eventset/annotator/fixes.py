"""One-click fixes: where a problem's hint is mechanical, the value that follows it.

A quote that occurs several times (E302) gets the selector of each occurrence to choose from; a
quote that cuts a word (E308) the selector of the whole words; a quote whose prefix or suffix
matches only ignoring case (E309) the text's own capitalisation; a date that disagrees with its
evidence (E411, E425) the date `eventset new` reads from those words. The page is offered the
fixes by key and sends back only the key, so a fix can write nothing but what was offered.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from eventset.annotator.actions import Files
from eventset.annotator.proposed import dates_of
from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import YamlPath
from eventset.schema.annotation import Annotation, DateSpec
from eventset.schema.selectors import occurrences, shortest_selector
from eventset.schema.yaml_writer import flow_yaml
from eventset.validation.evidence import evidence_items
from eventset.validation.quotes import QuoteError, find_quote

MAX_CHOICES = 10  # occurrences offered for an ambiguous quote, as E302's hint lists them


@dataclass(frozen=True)
class Fix:
    key: str
    codes: tuple[str, ...]  # the problems it answers
    path: YamlPath  # the value it replaces
    label: str
    value: Any

    def apply(self, files: Files) -> Files:
        data = copy.deepcopy(files.annotation)
        node: Any = data
        for part in self.path[:-1]:
            node = node[part]
        node[self.path[-1]] = self.value
        return replace(files, annotation=data)


def _compact(found: dict[str, str | int]) -> Any:
    return found["quote"] if set(found) == {"quote"} else found


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _selector_fixes(annotation: Annotation, text: str) -> list[Fix]:
    fixes: list[Fix] = []
    for item in evidence_items(annotation):
        found = find_quote(text, item.selector)
        if not isinstance(found, QuoteError):
            continue
        quote = item.selector.quote
        choices: list[dict[str, str | int]] = []
        if found.code == "E302":  # the occurrences that are whole words: the others are E308
            starts = occurrences(text, quote)
            whole = [
                s for s in starts if _word_bounds(text, s, s + len(quote)) == (s, s + len(quote))
            ]
            choices = [shortest_selector(text, quote, s) for s in whole]
        elif found.code == "E308":
            for s in occurrences(text, quote)[:MAX_CHOICES]:
                begin, stop = _word_bounds(text, s, s + len(quote))
                choices.append(shortest_selector(text, text[begin:stop], begin))
        elif found.code == "E309":
            folded = text.casefold()
            if len(folded) == len(text):
                for s in occurrences(folded, quote.casefold())[:MAX_CHOICES]:
                    choices.append(shortest_selector(text, text[s : s + len(quote)], s))
        for n, choice in enumerate(choices[:MAX_CHOICES]):
            path = "/".join(map(str, item.path))
            fixes.append(
                Fix(f"{path}#{n}", (found.code,), item.path, flow_yaml(choice), _compact(choice))
            )
    return fixes


def _date_fixes(annotation: Annotation, seed: Seed) -> list[Fix]:
    if seed.published is None:
        return []
    proposed = dates_of(seed.text, seed.published)
    fixes: list[Fix] = []
    dated: list[tuple[YamlPath, DateSpec | None]] = [
        (("events", i, "date"), e.date) for i, e in enumerate(annotation.events)
    ]
    dated += [(("claims", i, "date"), c.date) for i, c in enumerate(annotation.claims)]
    for path, date in dated:
        if date is None:
            continue
        for selector in date.evidence:
            span = find_quote(seed.text, selector)
            if isinstance(span, QuoteError):
                continue
            inside = [p for p in proposed if span.start <= p.offset < span.end]
            if not inside:
                continue
            best = inside[0]
            end = best.end if best.end != best.start else None
            if (best.start, end or best.start, best.precision) == (
                date.start,
                date.last_day,
                date.precision,
            ):
                continue
            # The date the words say, keeping the evidence the annotator quoted.
            value: dict[str, Any] = {
                k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in best.as_data().items()
            }
            value["evidence"] = [_compact(e.model_dump(exclude_none=True)) for e in date.evidence]
            shown = best.start.isoformat() + (f" to {end}" if end else "")
            key = "/".join(map(str, path))
            fixes.append(
                Fix(key, ("E411", "E425", "E410"), path, f"date {shown} ({best.precision})", value)
            )
            break
    return fixes


def find_fixes(annotation: dict[str, Any], seed: Seed) -> list[Fix]:
    """Every mechanical fix the annotation's problems have, for the file as it is now."""
    try:
        model = Annotation.model_validate(annotation)
    except ValidationError:
        return []
    return _selector_fixes(model, seed.text) + _date_fixes(model, seed)
