"""Actors a text names by description rather than by name, proposed with a note to check.

Registry names find "Ashab al-Kahf" but not "The group" a sentence later, "its troops" after
"the US", "US occupation forces" or "a security source". The nouns that name an actor of a kind
are data (`actor_nouns` in `evidence_cues.yaml`); the registry's kinds and parents say which
actor a description can mean:

- a name (or a demonym of one: "American" for "America") followed by at most one lowercase
  modifier and a kind's noun is the one registry actor of that kind whose parent the name names ("US
  occupation forces", "the Arab country's parliament");
- "its" or "their" and a kind's noun is the child of that kind of the nearest actor named before
  in the sentence ("the US intends to keep its troops");
- "the" and a kind's noun is the nearest actor of that kind named before ("The group");
- a source noun just before a speech cue is the registry's anonymous source whose name holds the
  same words ("A security source told", "reports said").

Each is a guess from nearness, so each carries a note; the annotator keeps or deletes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from eventset.schema.cues import cue_pattern
from eventset.schema.registry import Actor, ActorRegistry
from eventset.schema.selectors import shortest_selector
from eventset.schema.vocab import EvidenceCues
from eventset.workbench.proposal import Mention, Target

_SENTENCE_END = re.compile(r"[.!?\n]")
_LOWER_WORD = r"[a-z][\w'\u2019-]*"
# Words that end a name's noun phrase rather than modify its noun.
_NOT_A_MODIFIER = re.compile(
    r"its|their|his|her|our|and|or|of|to|in|on|at|as|is|are|was|were|has|have|had"
)


def _nouns(words: Iterable[str]) -> str:
    ordered = sorted(words, key=lambda w: (-len(w), w))
    # A noun ends its word; a possessive may follow ("the Arab country's parliament").
    return "(?:" + "|".join(re.escape(w) for w in ordered) + r")(?![\w-])(?!['\u2019](?!s\b))"


def _sentence_start(text: str, offset: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, offset)]
    return ends[-1] if ends else 0


def _actor_ids(mention: Mention) -> list[str]:
    return [i for k, i in (mention.target, *mention.others) if k == "actor"]


def _mention(text: str, start: int, end: int, actor: str, note: str) -> Mention:
    quote = text[start:end]
    return Mention(
        ("actor", actor), start, end, quote, shortest_selector(text, quote, start), (), note
    )


class _Registry:
    """The registry's kinds and parents, read the ways descriptions need."""

    def __init__(self, actors: ActorRegistry) -> None:
        self.by_id: dict[str, Actor] = {a.id: a for a in actors.actors}
        self.children: dict[tuple[str, str], list[str]] = {}
        for actor in actors.actors:
            if actor.parent is not None:
                self.children.setdefault((actor.parent, actor.kind), []).append(actor.id)

    def child(self, parent: str, kind: str) -> str | None:
        found = self.children.get((parent, kind), [])
        return found[0] if len(found) == 1 else None

    def kind(self, actor: str) -> str | None:
        entry = self.by_id.get(actor)
        return entry.kind if entry else None


def _demonyms(actors: ActorRegistry) -> dict[str, str]:
    """Adjectives of states' names ("American" from "America", "Iraqi" from "Iraq"): a name of
    at least four letters and the same word with an ending of one to three letters."""
    found: dict[str, str] = {}
    for actor in actors.actors:
        if actor.kind != "state":
            continue
        for name in (actor.name, *actor.aliases):
            if re.fullmatch(r"[A-Z][a-z]{3,}", name):
                found[name] = actor.id
    return found


def propose_descriptions(
    text: str, named: Sequence[Mention], actors: ActorRegistry, cues: EvidenceCues
) -> list[Mention]:
    """Mentions by description, none overlapping a name mention except the name it extends."""
    registry = _Registry(actors)
    nouns = {kind: _nouns(words) for kind, words in cues.actor_nouns.items() if words}
    proposed: list[Mention] = []
    taken = [(m.start, m.end) for m in named]

    def free(start: int, end: int, but: tuple[int, int] | None = None) -> bool:
        return all(not (s < end and start < e) or (s, e) == but for s, e in taken)

    def add(mention: Mention, but: tuple[int, int] | None = None) -> None:
        if free(mention.start, mention.end, but):
            proposed.append(mention)
            taken.append((mention.start, mention.end))

    # A name (or a state's demonym) extended by a kind's noun: the child of that kind.
    heads: list[tuple[int, int, str]] = [(m.start, m.end, i) for m in named for i in _actor_ids(m)]
    demonyms = _demonyms(actors)
    if demonyms:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, demonyms)) + r")[a-z]{1,3}(?!\w)"
        )
        for match in pattern.finditer(text):
            stem = next(d for d in demonyms if match.group().startswith(d))
            heads.append((match.start(), match.end(), demonyms[stem]))

    speech = cue_pattern(cues.claim_kinds["statement"].cues + cues.claim_kinds["report"].cues)

    def extend(start: int, end: int, actor: str, note: str) -> None:
        for kind, noun in nouns.items():
            child = registry.child(actor, kind)
            if child is None:
                continue
            tail = re.compile(rf"(?:['\u2019]s)?(?:\s+(?P<word>{_LOWER_WORD}))?\s+{noun}")
            match = tail.match(text, end)
            word = match.group("word") if match else None
            if word and (_NOT_A_MODIFIER.fullmatch(word) or (speech and speech.fullmatch(word))):
                continue  # "Fredville said its troops": a verb or a pronoun, not a modifier
            if match:
                add(
                    _mention(text, start, match.end(), child, f"{note}{kind} of {actor}: check"),
                    but=(start, end),
                )
                return

    for start, end, actor in sorted(heads):
        extend(start, end, actor, "")

    # "its troops": the child of the nearest actor named before in the sentence.
    for kind, noun in nouns.items():
        for match in re.finditer(rf"(?<!\w)(?:its|their)\s+{noun}", text, re.IGNORECASE):
            begin = _sentence_start(text, match.start())
            before = [h for h in heads if begin <= h[0] and h[1] <= match.start()]
            for _, _, actor in sorted(before, reverse=True):
                child = registry.child(actor, kind)
                if child is not None:
                    add(
                        _mention(
                            text,
                            match.start(),
                            match.end(),
                            child,
                            f"the {kind} of {actor}, named before it: check",
                        )
                    )
                    break

    # "The group": the nearest actor of that kind named before.
    for kind, noun in nouns.items():
        article = re.compile(rf"(?<!\w)[Tt]he(?:\s+(?:{_LOWER_WORD}|[A-Z][a-z]+)){{0,2}}?\s+{noun}")
        for match in article.finditer(text):
            words = match.group().split()[1:-1]
            if any(w[0].isupper() and any(w.startswith(d) for d in demonyms) for w in words):
                continue  # "the Iraqi military" names its state: the extension above reads it
            before = [h for h in heads if h[1] <= match.start() and registry.kind(h[2]) == kind]
            if before:
                actor = max(before)[2]
                mention = _mention(
                    text, match.start(), match.end(), actor, f"the nearest {kind} named before"
                )
                add(mention)
                if mention in proposed:
                    heads.append((mention.start, mention.end, actor))
                    extend(mention.start, mention.end, actor, "the ")

    # "A security source told": the anonymous source whose name holds those words.
    source_noun = nouns.get("anonymous_source")
    sources = [a for a in actors.actors if a.kind == "anonymous_source"]
    if speech is not None and source_noun is not None and sources:
        for match in re.finditer(rf"(?<!\w){source_noun}", text, re.IGNORECASE):
            if text[match.end() : match.end() + 1] != " " or not speech.match(
                text, match.end() + 1
            ):
                continue
            found = _source(text, match.start(), match.end(), sources)
            if found is not None:
                begin, actor = found
                note = "an anonymous source, by the words of its registry name"
                add(_mention(text, begin, match.end(), actor, note))
    return proposed


def _in_name(word: str, name: str) -> bool:
    """Whether a word, singular or plural, is one of a registry name's words."""
    return any(
        word in (n, n + "s", n + "es") or n in (word + "s", word + "es")
        for n in name.lower().split()
    )


def _source(text: str, start: int, end: int, sources: Sequence[Actor]) -> tuple[int, str] | None:
    """The widest phrase ending in the source noun at `start` (words joined by single spaces,
    at most three before it) whose words all occur in exactly one anonymous source's registry
    name: "A security source" for "Unnamed security source"."""
    best: tuple[int, str] | None = None
    begin = start
    for _ in range(4):
        content = {w.lower() for w in text[begin:end].split()} - {"a", "an", "the"}
        fits = [a.id for a in sources if all(_in_name(w, a.name) for w in content)]
        if len(fits) != 1:
            break
        best = (begin, fits[0])
        previous = re.search(r"(?<![\w'\u2019-])[\w'\u2019-]+ $", text[max(0, begin - 40) : begin])
        if previous is None:
            break
        begin -= len(previous.group())
    return best


def without_extended(named: Sequence[Mention], described: Sequence[Mention]) -> list[Mention]:
    """The name mentions that no description extends ("US" inside "US occupation forces")."""
    return [
        m for m in named if not any(d.start <= m.start and m.end <= d.end for d in described)
    ] + list(described)


__all__ = ["Target", "propose_descriptions", "without_extended"]
