"""Events and claims a text reports, proposed from the cue words the meaning checks read.

The knowledge is `evidence_cues.yaml` (through `eventset.schema.cues`), so what is proposed here
fits the warnings W601-W606 by construction:

- an event candidate per sentence whose words trigger a PLOVER type: the type with most
  trigger words, the others named for the annotator to choose; fatalities from a number next to
  a killing word ("four people were killed", "causing no casualties" is 0);
- a claim per clause holding a claim kind's cue word: the kind from the cue (a negated
  responsibility cue is a `no_claim`), the claimant from the nearest actor named before the cue
  in its sentence, `about` from the event candidate of the same or the previous sentence, the
  whole clause as its evidence (the sentence, when the clause ends with its cue: "...,
  reports said"). A
  figure's claim takes the number next to its killing word as its value. Where no actor is
  named before the cue, only a no-claim or a figure is the document's own voice (its outlet);
  any other kind is left to the annotator, as are cues of the writer's own framing
  ("assassinated", "under the guise of").

These are proposals: the starter writes them as comments, each marked for checking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventset.schema.cues import cue_pattern, is_negated, numbers_in
from eventset.schema.selectors import shortest_selector
from eventset.schema.vocab import EvidenceCues
from eventset.validation.quotes import sentence_starts
from eventset.workbench.proposal import Mention

# Kinds a writer states in its own voice when no speaker is named ("No group has claimed",
# "Four people were killed"); any other kind needs a speaker named before its cue.
_VOICE_KINDS = ("no_claim", "casualty_figure")
_SPEAKER_WORDS = 3  # "the source added": a clause of a speaker and a cue, quoting its sentence
_WINDOW = 4  # words on each side of a killing word where its number may stand
_CLAUSE_MARK = re.compile(r"[;:!?]|[.,](?!\d)")  # a number across one counts something else
_WORD = re.compile(r"[\w'\u2019-]+")


@dataclass(frozen=True)
class ProposedEvent:
    """An event candidate: the sentence reporting it and the type its trigger words suggest."""

    id: str
    type: str
    mode: str | None
    triggers: tuple[str, ...]
    other_types: tuple[str, ...]
    trigger_spans: tuple[tuple[int, int], ...]
    sentence: int
    start: int
    end: int
    selector: dict[str, str | int]
    fatalities: dict[str, object] | None = None


@dataclass(frozen=True)
class ProposedClaim:
    """A claim candidate: kind, claimant and evidence, and the event it may be about."""

    kind: str
    claimant: str
    cue: str
    start: int
    end: int
    selector: dict[str, str | int]
    about_event: str | None = None
    value: float | None = None
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Sentence:
    index: int
    start: int
    end: int


def _sentences(text: str, body_start: int) -> list[_Sentence]:
    starts = sentence_starts(text)
    found = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        start, end = _trim(text, max(start, body_start), end)
        if start < end:
            found.append(_Sentence(index, start, end))
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _evidence(text: str, start: int, end: int) -> dict[str, str | int]:
    return shortest_selector(text, text[start:end], start)


def _figure(text: str, start: int, end: int, cues: EvidenceCues) -> tuple[str, float] | None:
    """The number next to a killing or wounding word, within its clause, and the bound it is
    ("at least six" is a low figure); None when no single number stands there."""
    lead = _CLAUSE_MARK.split(text[max(0, start - 80) : start])[-1]
    tail = _CLAUSE_MARK.split(text[end : end + 80])[0]
    for piece, before in ((lead, True), (tail, False)):
        words = _WORD.findall(piece)
        window = " ".join(words[-_WINDOW:] if before else words[:_WINDOW])
        found = numbers_in(window, cues.numbers)
        if len(found) == 1:
            # The bound words stand just before the number: "at least six soldiers were".
            near = " ".join(words[-_WINDOW - 2 :] if before else words[: _WINDOW + 2])
            low = cue_pattern(cues.numbers.low_bounds)
            high = cue_pattern(cues.numbers.high_bounds)
            bound = "best"
            if low is not None and low.search(near):
                bound = "low"
            elif high is not None and high.search(near):
                bound = "high"
            return bound, found.pop()
    return None


def _fatalities(text: str, sentence: _Sentence, cues: EvidenceCues) -> dict[str, object] | None:
    chunk = text[sentence.start : sentence.end].lower()
    if any(phrase in chunk for phrase in cues.numbers.zero_phrases):
        return {"best": 0, "evidence": [_evidence(text, sentence.start, sentence.end)]}
    killed = cue_pattern(cues.casualties.get("killed", ()))
    if killed is None:
        return None
    for hit in killed.finditer(text, sentence.start, sentence.end):
        found = _figure(text, hit.start(), hit.end(), cues)
        if found is not None:
            bound, number = found
            return {bound: int(number), "evidence": [_evidence(text, sentence.start, sentence.end)]}
    return None


def propose_events(
    text: str,
    body_start: int,
    names: Sequence[Mention],
    cues: EvidenceCues,
    dated: Sequence[tuple[int, str]] = (),
) -> list[ProposedEvent]:
    """An event candidate per sentence whose words (outside names) trigger an event type.

    `dated`: (offset, ISO date) of the dates proposed for the text, to name the candidates."""
    spans = [(m.start, m.end) for m in names]
    proposed = []
    for sentence in _sentences(text, body_start):
        scores: dict[str, list[str]] = {}
        spans_of: dict[str, list[tuple[int, int]]] = {}
        modes_of: dict[str, dict[str, int]] = {}
        for event_type, own in cues.event_types.items():
            # A mode's triggers count for its type ("armed attacks" is a threat of violence),
            # and then the candidate names the mode, which is what lets them fit (W605).
            sources = [(None, own)] + [
                (mode, more) for (t, mode), more in cues.event_modes.items() if t == event_type
            ]
            for mode, words in sources:
                pattern = cue_pattern(words)
                if pattern is None:
                    continue
                for hit in pattern.finditer(text, sentence.start, sentence.end):
                    if _inside(spans, hit.start(), hit.end()):
                        continue
                    scores.setdefault(event_type, []).append(hit.group())
                    spans_of.setdefault(event_type, []).append(hit.span())
                    counts = modes_of.setdefault(event_type, {})
                    counts[mode or ""] = counts.get(mode or "", 0) + 1
        if not scores:
            continue
        ranked = sorted(scores, key=lambda t: (-len(set(scores[t])), -max(map(len, scores[t]))))
        best = ranked[0]
        named_modes = {m: n for m, n in modes_of[best].items() if m}
        mode = max(sorted(named_modes), key=named_modes.__getitem__) if named_modes else None
        day = next((d for at, d in dated if sentence.start <= at < sentence.end), "undated")
        proposed.append(
            ProposedEvent(
                id=f"{day}-{best.lower()}-{sentence.index}",
                type=best,
                mode=mode,
                triggers=tuple(dict.fromkeys(scores[best])),
                other_types=tuple(ranked[1:]),
                trigger_spans=tuple(spans_of[best]),
                sentence=sentence.index,
                start=sentence.start,
                end=sentence.end,
                selector=_evidence(text, sentence.start, sentence.end),
                fatalities=_fatalities(text, sentence, cues),
            )
        )
    return proposed


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    value: float | None = None


def _claim_hits(
    text: str, sentence: _Sentence, names: Sequence[tuple[int, int]], cues: EvidenceCues
) -> list[_Hit]:
    framing = cue_pattern(cues.framing)
    negated_kind = {s.negated_cues_of: k for k, s in cues.claim_kinds.items() if s.negated_cues_of}
    hits: list[_Hit] = []
    for kind, spec in cues.claim_kinds.items():
        pattern = cue_pattern(spec.cues)
        if pattern is None:
            continue
        for hit in pattern.finditer(text, sentence.start, sentence.end):
            if _inside(names, hit.start(), hit.end()):
                continue  # "News" in "Shafaq News Agency" is a name, not a cue
            if kind == "accusation" and framing is not None and framing.fullmatch(hit.group()):
                continue  # the writer's framing ("assassinated"), left to the annotator
            value = None
            if spec.number:
                found = _figure(text, hit.start(), hit.end(), cues)
                if found is None:
                    continue
                value = found[1]
            claimed = kind
            if is_negated(text, hit.start(), cues):
                if kind not in negated_kind:
                    continue  # "did not deny" says no denial; the annotator decides what it says
                claimed = negated_kind[kind]
            hits.append(_Hit(hit.start(), hit.end(), claimed, value))
    # The longest cue wins where cues overlap ("reports said" over "said").
    chosen: list[_Hit] = []
    for one in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if all(one.end <= c.start or c.end <= one.start for c in chosen):
            chosen.append(one)
    return sorted(chosen, key=lambda h: h.start)


def _clause(
    text: str, sentence: _Sentence, at: int, stop: int, cues: EvidenceCues
) -> tuple[int, int, int]:
    """(start, end) of the quote for a cue at `at`..`stop`: its clause or, for a clause that is
    only a speaker and its cue ("..., reports said."), its sentence; and where the cue's clause
    begins."""
    breaks = cue_pattern(cues.clause_breaks)
    start, end = sentence.start, sentence.end
    if breaks is not None:
        for found in breaks.finditer(text, sentence.start, sentence.end):
            if found.end() <= at:
                start = found.end()
            elif found.start() >= at:
                end = found.start()
                break
    start, end = _trim(text, start, end)
    said_after = len(_WORD.findall(text, start, at)) <= _SPEAKER_WORDS
    if said_after and not _WORD.search(text, stop, max(stop, end)):
        return sentence.start, sentence.end, start
    return start, end, start


def propose_claims(
    text: str,
    body_start: int,
    actor_mentions: Sequence[Mention],
    name_spans: Sequence[tuple[int, int]],
    cues: EvidenceCues,
    events: Sequence[ProposedEvent] = (),
    voice: str | None = None,
) -> list[ProposedClaim]:
    """A claim per clause that holds a claim kind's cue word (see the module's docstring).

    `voice`: the actor whose claims are the document's own (its outlet), or None."""
    by_sentence = {e.sentence: e for e in events}
    proposed: list[ProposedClaim] = []
    for sentence in _sentences(text, body_start):
        taken: list[tuple[int, int]] = []
        placed = [
            (hit, *_clause(text, sentence, hit.start, hit.end, cues))
            for hit in _claim_hits(text, sentence, name_spans, cues)
        ]
        # One claim per clause: the first cue of a checked kind ("a source said four were
        # killed" is a casualty figure), else its first cue; claims in text order.
        placed.sort(key=lambda p: (p[3], not cues.claim_kinds[p[0].kind].required, p[0].start))
        chosen: dict[int, tuple[_Hit, int, int, int]] = {}
        for one in placed:
            chosen.setdefault(one[3], one)
        for hit, start, end, clause in sorted(chosen.values(), key=lambda p: p[0].start):
            if any(s < end and start < e for s, e in taken):
                continue  # a clause that ends with its cue quotes its sentence, once
            speakers = [
                m for m in actor_mentions if clause <= m.start <= hit.start and m.end <= hit.end
            ]
            if not speakers and not _WORD.search(text, clause, hit.start):
                # "The PMU, also known as Hashd al-Shaabi, denied": the clause opens with its
                # cue, so its speaker is the actor named before it in the sentence.
                speakers = [m for m in actor_mentions if sentence.start <= m.start < clause]
            notes = []
            if speakers:
                speaker = max(speakers, key=lambda m: m.start)
                claimant = speaker.target[1]
                start = min(start, speaker.start)
                notes.append(
                    f"claimant: the nearest actor named before {text[hit.start : hit.end]!r}"
                )
            elif hit.kind in _VOICE_KINDS and voice is not None:
                claimant = voice
                notes.append("claimant: no one is named before it, so the document's own voice")
            else:
                continue
            event = by_sentence.get(sentence.index)
            if event is None or all(
                hit.start <= a and b <= hit.end for a, b in event.trigger_spans
            ):
                # Its own cue ("No group claimed") reports no event: the one before may.
                event = by_sentence.get(sentence.index - 1)
            taken.append((start, end))
            proposed.append(
                ProposedClaim(
                    kind=hit.kind,
                    claimant=claimant,
                    cue=text[hit.start : hit.end],
                    start=start,
                    end=end,
                    selector=_evidence(text, start, end),
                    about_event=event.id if event else None,
                    value=hit.value,
                    notes=tuple(notes),
                )
            )
    return proposed
