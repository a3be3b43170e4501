"""Layer 4, meaning: does the evidence say what the fact it supports says? (warnings W601-W607)

Per document and pure, like the other checks: a participant or claimant is named at its
evidence, a claim's kind and an event's type fit cue words there, a figure is written there,
a place is named there. The cue words are data (`evidence_cues.yaml`, read through
`eventset.schema.cues`).

What this document alone cannot settle goes on as `references` rows for the corpus stage
(`corpus_checks.py`), which knows the registries: a participant, claimant or place that no
mention of this document names near its evidence may still be named there by a registry name
or alias, a place by one of its ancestors or descendants, and an actor may be of a kind that no
text names (unidentified). Those rows carry the words to search (`detail`, JSON), so a
registry edit never invalidates a document's cached result.

An annotator who knows better acknowledges a warning on the item (`accept: {W603: "why"}`);
an acknowledgement of a warning that does not fire is itself reported (W607).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from eventset.inputs.parse import Located
from eventset.inputs.yamlfile import YamlPath
from eventset.problems import WARNING_CODES, Problem
from eventset.schema.annotation import Annotation
from eventset.schema.cues import claim_kind_fits, event_type_fits, numbers_in
from eventset.schema.vocab import EvidenceCues, NumberWords, evidence_cues
from eventset.validation.evidence import EvidenceItem
from eventset.validation.quotes import Span, sentence_index, sentence_starts

# The kinds of the `references` rows that this module leaves to the corpus stage: the code
# that fires when the registries do not settle them either.
PENDING_KINDS = {"W601": "meaning_W601", "W602": "meaning_W602", "W606": "meaning_W606"}

_OPENERS = {"\u201c": "\u201d", "\u00ab": "\u00bb"}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}


@dataclass
class Pending:
    """`references` columns (kind, id, path, detail) of the checks left to the corpus stage."""

    kinds: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


@dataclass
class _Acks:
    """The `accept` entries of the items checked, and which of them some warning used."""

    where: Located
    entries: list[tuple[YamlPath, Mapping[str, str]]] = field(default_factory=list)
    used: set[tuple[YamlPath, str]] = field(default_factory=set)

    def item(self, path: YamlPath, accept: Mapping[str, str]) -> None:
        if accept:
            self.entries.append((path, accept))

    def warn(
        self,
        problems: list[Problem],
        item: YamlPath,
        accept: Mapping[str, str],
        code: str,
        at: YamlPath,
        message: str,
        hint: str | None = None,
    ) -> None:
        if code in accept:
            self.used.add((item, code))
        else:
            problems.append(self.where.at(code, at, message, hint))

    def stale(self) -> list[Problem]:
        out = []
        for path, accept in self.entries:
            for code in accept:
                if (path, code) in self.used:
                    continue
                what = "no such warning" if code not in WARNING_CODES else "it does not fire here"
                out.append(
                    self.where.at(
                        "W607",
                        (*path, "accept", code),
                        f"accept acknowledges {code}, but {what}.",
                    )
                )
        return out


class _Text:
    """The document text with its sentences, for windows around evidence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: tuple[int, ...] | None = None

    @property
    def starts(self) -> tuple[int, ...]:
        # Found on first use: most evidence settles without reading its sentences.
        if self._starts is None:
            self._starts = sentence_starts(self.text)
        return self._starts

    def sentences(self, span: Span) -> tuple[int, int]:
        """The sentences `span` lies in, as one span of the text."""
        first = sentence_index(self.starts, span.start)
        last = sentence_index(self.starts, max(span.start, span.end - 1))
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end

    def quotation(self, span: Span) -> tuple[int, int]:
        """The sentences of `span`, widened to the whole quotation when `span` lies inside one
        that runs across sentences: its speaker is named where it opens or closes."""
        start, end = self.sentences(span)
        opened = _open_quotation(self.text, span.start)
        if opened is None:
            return start, end
        closed = _close_quotation(self.text, span.end, self.text[opened])
        first = self.sentences(Span(opened, opened + 1))[0]
        last = self.sentences(Span(closed, closed + 1))[1] if closed is not None else end
        return min(start, first), max(end, last)


def _open_quotation(text: str, offset: int) -> int | None:
    """Where the quotation `offset` lies in opens, within its paragraph; None outside one."""
    paragraph = text.rfind("\n", 0, offset) + 1
    stack: list[int] = []
    straight: int | None = None
    for i in range(paragraph, offset):
        char = text[i]
        if char in _OPENERS:
            stack.append(i)
        elif char in _CLOSERS and stack:
            stack.pop()
        elif char == '"':
            straight = i if straight is None else None
    candidates = [i for i in (*stack[:1], straight) if i is not None]
    return min(candidates) if candidates else None


def _close_quotation(text: str, offset: int, opener: str) -> int | None:
    closer = _OPENERS.get(opener, '"')
    paragraph_end = text.find("\n", offset)
    found = text.find(closer, offset, paragraph_end if paragraph_end >= 0 else len(text))
    return found if found >= 0 else None


def _names_other(names: Mapping[tuple[str, str], list[Span]], actor: str, span: Span) -> bool:
    """Whether the span holds a mention of an actor other than `actor`."""
    start, end = span
    for (kind, ident), found in names.items():
        if kind == "actor" and ident != actor and _overlaps(found, start, end):
            return True
    return False


def _overlaps(spans: Iterable[Span], start: int, end: int) -> bool:
    """Whether one of the spans overlaps [start, end). A loop, not `any` over a generator:
    this runs for every participant, place and byline of every document, and the generator
    was most of its cost."""
    for first, stop in spans:  # noqa: SIM110 (a loop, on purpose: see above)
        if first < end and stop > start:
            return True
    return False


def names_in(window: str, forms: Iterable[str]) -> bool:
    """Whether one of the surface forms occurs in the window as whole words, ignoring case."""
    folded = window.casefold()
    for form in forms:
        key = form.casefold()
        at = folded.find(key)
        while at >= 0:
            before = folded[at - 1] if at > 0 else " "
            after = folded[at + len(key)] if at + len(key) < len(folded) else " "
            if not (before.isalnum() or after.isalnum()):
                return True
            at = folded.find(key, at + 1)
    return False


def _path(path: YamlPath) -> str:
    return json.dumps(list(path))


def _quote_list(words: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")


_SPACE = re.compile(r"\s+")


def _short(text: str, limit: int = 80) -> str:
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def check_meaning(
    annotation: Annotation,
    text: str,
    resolved: Sequence[tuple[EvidenceItem, Span]],
    where: Located,
) -> tuple[list[Problem], Pending]:
    """The warnings this document alone can give, and the checks left to the corpus stage."""
    problems: list[Problem] = []
    pending = Pending()
    acks = _Acks(where)
    doc = _Text(text)
    cues = evidence_cues(annotation.document.language)

    # One pass over the quotes, sorted by what they support (ids are unique in a file whose
    # form is valid, which is when this runs).
    names: dict[tuple[str, str], list[Span]] = {}  # (actor|place, id) -> mention spans
    occurrences: dict[tuple[str, str], list[Span]] = {}  # (event|claim, id) -> its quotes
    located: dict[tuple[str, ...], list[tuple[YamlPath, Span]]] = {}  # participants, places
    figures_at: dict[str, list[Span]] = {}
    for item, found in resolved:
        aspect = item.aspect
        if aspect == "name":
            names.setdefault((item.target_kind, item.target_id), []).append(found)
        elif aspect == "occurrence":
            occurrences.setdefault((item.target_kind, item.target_id), []).append(found)
        elif aspect == "participant":
            key = (item.target_id, item.actor_id or "", item.role or "")
            located.setdefault(key, []).append((item.path, found))
        elif aspect == "place":
            located.setdefault((item.target_id,), []).append((item.path, found))
        elif aspect == "fatalities":
            figures_at.setdefault(item.target_id, []).append(found)

    def fits_name(kind: str, ident: str, start: int, end: int) -> bool:
        mentions = names.get((kind, ident), ())
        if _overlaps(mentions, start, end):
            return True
        # The same words elsewhere: a name annotated once may recur unannotated.
        return names_in(text[start:end], {text[m.start : m.end] for m in mentions})

    numbers: dict[Span, set[float]] = {}

    def written_in(span: Span, words: NumberWords) -> set[float]:
        """The numbers the quote at `span` writes (an event's figures and a claim's value
        often rest on the same quote)."""
        found = numbers.get(span)
        if found is None:
            found = numbers[span] = numbers_in(text[span.start : span.end], words)
        return found

    def kind_fits(kind: str, cues: EvidenceCues, span: Span) -> bool:
        """claim_kind_fits of the quote at `span`; for a figure kind (a number is its cue),
        with the numbers already read there for the figures."""
        spec = cues.claim_kinds[kind]
        if spec.required and spec.number:
            return bool(written_in(span, cues.numbers))
        return claim_kind_fits(text, kind, cues, span.start, span.end)

    def leave(code: str, ident: str, at: YamlPath, accepted: bool, **detail: object) -> None:
        pending.kinds.append(PENDING_KINDS[code])
        pending.ids.append(ident)
        pending.paths.append(_path(at))
        pending.details.append(json.dumps({"accepted": accepted, **detail}, ensure_ascii=False))

    voice = _document_voice(annotation, text, names)

    for i, event in enumerate(annotation.events):
        base: YamlPath = ("events", i)
        acks.item(base, event.accept)
        quotes = occurrences.get(("event", event.id), [])
        # A quote of a few words may be the bare verb ("said", as PLOVER's coders mark it)
        # whose object says what happened: its trigger may sit anywhere in its sentences.
        # A longer quote is the clause the annotator chose, and must say it itself.
        windows = [doc.sentences(s) if _few_words(text, s) else (s.start, s.end) for s in quotes]
        if (
            cues is not None
            and windows
            and not _type_fits(text, event.type, event.mode, cues, windows)
        ):
            said = [t for t in cues.event_types if _type_fits(text, t, None, cues, windows)]
            kind = f"{event.type}/{event.mode}" if event.mode else event.type
            message = (
                f"Event {event.id!r} is {kind}, but its evidence holds none of its trigger "
                "words (a quote of three words or fewer is read with its sentence)."
            )
            hint = (
                f"The evidence's words fit {_quote_list(said)}; choose one, quote the words that "
                'report the event, or acknowledge with `accept: {W605: "why"}`.'
                if said
                else None
            )
            acks.warn(problems, base, event.accept, "W605", (*base, "type"), message, hint)

        for k, part in enumerate(event.participants):
            ppath: YamlPath = (*base, "participants", k)
            acks.item(ppath, part.accept)
            for qpath, span in located.get((event.id, part.actor, part.role), ()):
                if fits_name("actor", part.actor, span.start, span.end):
                    continue
                # A quote that names other actors and not this one is about them ("the US
                # assassinated" as Iran's evidence): only the quote itself can name it then.
                # Otherwise the actor may be named anywhere in the quote's sentences.
                start, end = (
                    (span.start, span.end)
                    if _names_other(names, part.actor, span)
                    else doc.sentences(span)
                )
                if (start, end) != (span.start, span.end) and fits_name(
                    "actor", part.actor, start, end
                ):
                    continue
                accepted = "W601" in part.accept
                if accepted:
                    acks.used.add((ppath, "W601"))
                leave(
                    "W601",
                    part.actor,
                    qpath,
                    accepted,
                    window=text[start:end],
                    role=part.role,
                    quote=_short(text[span.start : span.end]),
                )

        if event.place is not None:
            place = event.place
            ppath = (*base, "place")
            acks.item(ppath, place.accept)
            for qpath, span in located.get((event.id,), ()):
                if fits_name("place", place.id, span.start, span.end):
                    continue
                accepted = "W606" in place.accept
                if accepted:
                    acks.used.add((ppath, "W606"))
                others = sorted(
                    ident
                    for (kind, ident), found in names.items()
                    if kind == "place" and _overlaps(found, span.start, span.end)
                )
                leave(
                    "W606",
                    place.id,
                    qpath,
                    accepted,
                    window=text[span.start : span.end],
                    places=others,
                )

        figures = event.fatalities
        if figures is not None and cues is not None:
            fpath: YamlPath = (*base, "fatalities")
            acks.item(fpath, figures.accept)
            if not figures.derived:
                quotes = figures_at.get(event.id, [])
                if quotes:
                    written: set[float] = set()
                    for s in quotes:
                        written |= written_in(s, cues.numbers)
                    for name in ("low", "best", "high"):
                        value = getattr(figures, name)
                        if value is not None and float(value) not in written:
                            acks.warn(
                                problems,
                                fpath,
                                figures.accept,
                                "W604",
                                (*fpath, name),
                                _figure_message(f"fatalities {name}", value, written),
                            )

    for i, claim in enumerate(annotation.claims):
        base = ("claims", i)
        acks.item(base, claim.accept)
        quotes = occurrences.get(("claim", claim.id), [])
        if not quotes:
            continue
        if claim.claimant not in voice:
            windows = [doc.quotation(s) for s in quotes]
            if not any(fits_name("actor", claim.claimant, a, b) for a, b in windows):
                accepted = "W602" in claim.accept
                if accepted:
                    acks.used.add((base, "W602"))
                leave(
                    "W602",
                    claim.claimant,
                    (*base, "claimant"),
                    accepted,
                    window="\n".join(text[a:b] for a, b in windows),
                    claim=claim.id,
                )
        if cues is None:
            continue
        if claim.explicit and not any(kind_fits(claim.kind, cues, s) for s in quotes):
            said = [
                kind
                for kind, spec in cues.claim_kinds.items()
                if spec.required and any(kind_fits(kind, cues, s) for s in quotes)
            ]
            spec = cues.claim_kinds[claim.kind]
            lacking = "no number" if spec.number else "none of its cue words (or only negated)"
            message = (
                f"Claim {claim.id!r} is a {claim.kind} claim, but its evidence holds {lacking}."
            )
            hint = (
                f"The evidence's words say {_quote_list(said)}; choose that kind, quote the "
                "words that say the claim, mark an implied claim `explicit: false`, or "
                'acknowledge with `accept: {W603: "why"}`.'
                if said
                else None
            )
            acks.warn(problems, base, claim.accept, "W603", (*base, "kind"), message, hint)
        if claim.value is not None:
            written = set()
            for s in quotes:
                written |= written_in(s, cues.numbers)
            if claim.value not in written:
                acks.warn(
                    problems,
                    base,
                    claim.accept,
                    "W604",
                    (*base, "value"),
                    _figure_message("value", claim.value, written),
                )

    problems += acks.stale()
    return problems, pending


_BARE_VERB_WORDS = 3
# A quote of at most that many words (runs of \w). Possessive, so a longer quote fails at its
# fourth word, without backtracking and without listing the words of every event's quotes.
_FEW_WORDS = re.compile(rf"\W*+(?:\w++\W*+){{0,{_BARE_VERB_WORDS}}}+")


def _few_words(text: str, span: Span) -> bool:
    return _FEW_WORDS.fullmatch(text, span.start, span.end) is not None


def _type_fits(
    text: str,
    event_type: str,
    mode: str | None,
    cues: EvidenceCues,
    windows: Sequence[tuple[int, int]],
) -> bool:
    return any(event_type_fits(text, event_type, mode, cues, a, b) for a, b in windows)


def _figure_message(what: str, value: float, written: set[float]) -> str:
    numbers = ", ".join(f"{n:g}" for n in sorted(written))
    found = f"the numbers there are {numbers}" if written else "it holds no number"
    return f"{what} is {value:g}, but its evidence does not write it ({found})."


def _document_voice(
    annotation: Annotation, text: str, names: Mapping[tuple[str, str], list[Span]]
) -> set[str]:
    """Actors whose claims are the document's own voice: its outlet, and an actor named in its
    byline ("By Staff, Agencies" names the unidentified outlet)."""
    block = annotation.document
    voice = {block.outlet} if block.outlet else set()
    if block.byline:
        at = text.find(block.byline)
        if at >= 0:
            end = at + len(block.byline)
            voice |= {
                ident
                for (kind, ident), found in names.items()
                if kind == "actor" and _overlaps(found, at, end)
            }
    return voice
