"""Proposed mentions for a new document: every registry actor and place named in the text.

The annotator reviews the proposal and deletes what is wrong, which is faster than finding and
quoting every name by hand. Names match as whole words and case-sensitively (registry names are
proper nouns); where names overlap the longest wins ("US-led coalition" over "US"); a surface form
that several registry entries share is one mention naming all of them (`target` and `others`),
which the starter writes under each entry with a note naming the others, never silently as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.selectors import shortest_selector

Target = tuple[str, str]  # ("actor" | "place", registry id)


@dataclass(frozen=True)
class Mention:
    """One proposed mention: where it is, what it names, and who else shares the name."""

    target: Target
    start: int
    end: int
    quote: str
    selector: dict[str, str | int]
    others: tuple[Target, ...] = ()
    note: str = ""  # why a mention found by description (not by name) is proposed


def surface_forms(
    actors: ActorRegistry | None, places: PlaceRegistry | None
) -> dict[str, list[Target]]:
    """Every name and alias -> the registry entries it names, places first: a name both of a
    state and of its territory ("Iraq") is more often the place in a news text, and the comment
    names the actor for the annotator to decide."""
    forms: dict[str, list[Target]] = {}
    entries: list[tuple[Target, Iterable[str]]] = []
    if places is not None:
        entries += [(("place", p.id), [p.name, *p.aliases]) for p in places.places]
    if actors is not None:
        entries += [(("actor", a.id), [a.name, *a.aliases]) for a in actors.actors]
    for target, names in entries:
        for name in names:
            name = name.strip()
            if name and target not in forms.setdefault(name, []):
                forms[name].append(target)
    return forms


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation, longest first, so at each position the longest name matches; the
    lookarounds keep matches to whole words ("Iran" not in "Iranian")."""
    ordered = sorted(forms, key=lambda form: (-len(form), form))
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def propose_mentions(text: str, forms: dict[str, list[Target]]) -> list[Mention]:
    """Leftmost-longest, non-overlapping matches of the registry's names in `text`."""
    pattern = _pattern(forms)
    if pattern is None:
        return []
    proposed = []
    for match in pattern.finditer(text):
        first, *others = forms[match.group()]
        proposed.append(
            Mention(
                first,
                match.start(),
                match.end(),
                match.group(),
                shortest_selector(text, match.group(), match.start()),
                tuple(others),
            )
        )
    return proposed
