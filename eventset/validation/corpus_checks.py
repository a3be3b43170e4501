"""Checks across the corpus: references resolve against the registries, ids are unique across
documents, documents that share an event agree on it, claims refer to events that exist.

They run as joins over the `references` and `event_facts` frames of every document, so they
cost the same whatever the corpus size in Python objects; only offending rows become problems.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem, problem
from eventset.schema.hierarchy import ancestors
from eventset.schema.registry import Actor, Place
from eventset.schema.vocab import vocabulary
from eventset.validation.ids import did_you_mean
from eventset.validation.meaning import PENDING_KINDS, names_in


@dataclass(frozen=True)
class Names:
    """What the meaning checks need of the registries: every name and alias of each actor and
    place, the actors that no text has to name (their kind says so), and the place hierarchy.
    A registry with problems gives none (None): its names would give warnings that are only
    consequences of those problems."""

    actors: Mapping[str, tuple[str, ...]] | None = None
    unnamed_actors: frozenset[str] = frozenset()
    places: Mapping[str, tuple[str, ...]] | None = None
    place_parents: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, actors: Sequence[Actor] | None, places: Sequence[Place] | None) -> Names:
        kinds = vocabulary("actor_kinds")
        return cls(
            actors=None if actors is None else {a.id: (a.name, *a.aliases) for a in actors},
            unnamed_actors=frozenset(
                a.id for a in actors or () if kinds[a.kind].fields.get("named_in_evidence") is False
            ),
            places=None if places is None else {p.id: (p.name, *p.aliases) for p in places},
            place_parents={p.id: p.parent for p in places or ()},
        )

    @functools.cached_property
    def _descendants(self) -> Mapping[str, frozenset[str]]:
        below: dict[str, set[str]] = {}
        for place in self.place_parents:
            for above in ancestors(place, self.place_parents):
                below.setdefault(above, set()).add(place)
        return {place: frozenset(found) for place, found in below.items()}

    def related_places(self, place: str) -> set[str]:
        """The place, its ancestors and its descendants."""
        return {place, *ancestors(place, self.place_parents), *self._descendants.get(place, ())}


@dataclass(frozen=True)
class Registries:
    """The ids each registry defines, valid entries or not (an invalid entry reports its own
    problem, never its references). None: the registry could not be read at all, so its
    references are not checked; every one would be a consequence of that one problem.
    `names`: the valid entries' names for the meaning checks; None, those are not made."""

    actors: frozenset[str] | None
    places: frozenset[str] | None
    names: Names | None = None


# Finds the line and column of a YAML path in a file. Injected, so this module does no I/O and
# only the files with a problem are ever read again.
Locate = Callable[[str, YamlPath], tuple[int, int]]

# The nearest event id that some annotation defines, for the hint of E403; given the ids the
# checked frames define. Injected, so a check of part of the corpus can search the rest.
SuggestEvent = Callable[[str, set[str]], str | None]

_FACTS = ("type", "mode", "date", "place")


def _path(text: str, *more: str) -> YamlPath:
    return (*json.loads(text), *more)


def _unknown(
    refs: pl.DataFrame,
    kind: str,
    known: frozenset[str] | None,
    code: str,
    what: str,
    registry: str,
    locate: Locate,
) -> Iterator[Problem]:
    if known is None:
        return
    missing = refs.filter((pl.col("kind") == kind) & ~pl.col("id").is_in(list(known)))
    for file, ref_id, path in missing.select("file", "id", "path").iter_rows():
        guess = did_you_mean(ref_id, known)
        hint = f"Did you mean {guess!r}? Otherwise add it to {registry}." if guess else None
        line, column = locate(file, _path(path))
        yield problem(code, file, line, column, f"{what} {ref_id!r} is not in {registry}.", hint)


def _first_file(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Each row with the first file (in path order) that has its key."""
    return frame.with_columns(pl.col("file").min().over(key).alias("first_file"))


def _by_file(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in file order, keeping each file's own order. A build's frames usually come in that
    order already, and a sorted copy of the references was a third of a full build's peak
    memory at 100,000 documents."""
    if frame.get_column("file").is_sorted():
        return frame
    return frame.sort("file", maintain_order=True)


def check_corpus(
    references: pl.DataFrame,
    event_facts: pl.DataFrame,
    registries: Registries,
    locate: Locate,
    suggest_event: SuggestEvent = did_you_mean,
) -> Iterator[Problem]:
    refs = _by_file(references)
    yield from _unknown(
        refs, "actor", registries.actors, "E401", "Actor", "data/actors.yaml", locate
    )
    yield from _unknown(
        refs, "place", registries.places, "E402", "Place", "data/places.yaml", locate
    )

    claims = _first_file(refs.filter(pl.col("kind") == "claim_defined"), "id")
    for file, claim_id, path, first in (
        claims.filter(pl.col("file") != pl.col("first_file"))
        .select("file", "id", "path", "first_file")
        .iter_rows()
    ):
        line, column = locate(file, _path(path))
        yield problem(
            "E404", file, line, column, f"Claim id {claim_id!r} is already used in {first}."
        )

    facts = _by_file(event_facts)
    first = facts.unique("event_id", keep="first", maintain_order=True).select(
        "event_id",
        pl.col("file").alias("first_file"),
        *[pl.col(f).alias(f"first_{f}") for f in _FACTS],
    )
    later = facts.join(first, on="event_id").filter(pl.col("file") != pl.col("first_file"))
    for fact in _FACTS:
        differing = later.filter(pl.col(fact) != pl.col(f"first_{fact}"))
        for file, event_id, path, mine, theirs, other in differing.select(
            "file", "event_id", "path", fact, f"first_{fact}", "first_file"
        ).iter_rows():
            line, column = locate(file, _path(path, fact))
            message = f"Event {event_id!r}: {fact} is {mine} here but {theirs} in {other}."
            yield problem("E501", file, line, column, message)

    yield from _meaning(refs, registries.names, locate)

    defined = set(facts.get_column("event_id").to_list())
    used = refs.filter((pl.col("kind") == "event_used") & ~pl.col("id").is_in(list(defined)))
    for file, event_id, path in used.select("file", "id", "path").iter_rows():
        guess = suggest_event(event_id, defined)
        line, column = locate(file, _path(path))
        yield problem(
            "E403",
            file,
            line,
            column,
            f"Event {event_id!r} is not defined in any annotation.",
            f"Did you mean {guess!r}?" if guess else None,
        )


def _meaning(refs: pl.DataFrame, names: Names | None, locate: Locate) -> Iterator[Problem]:
    """W601, W602, W606 that a document left to the registries (meaning.py): the words near
    the evidence may name the actor or place by a registry name or alias, a place by one of
    its ancestors or descendants, or the actor is of a kind no text has to name."""
    if names is None:
        return
    pending = refs.filter(pl.col("kind").is_in(list(PENDING_KINDS.values())))
    for file, kind, ident, path, detail_text in pending.select(
        "file", "kind", "id", "path", "detail"
    ).iter_rows():
        detail = json.loads(detail_text)
        window: str = detail["window"]
        code = kind.removeprefix("meaning_")
        if code == "W606":
            known = names.places
            if known is None or ident not in known:
                continue  # E402 or a problem of the registry says so
            related = names.related_places(ident)
            fits = bool(related & set(detail["places"])) or names_in(
                window, [n for p in related for n in known.get(p, ())]
            )
        else:
            actors = names.actors
            if actors is None or ident not in actors:
                continue  # E401 or a problem of the registry says so
            fits = ident in names.unnamed_actors or names_in(window, actors[ident])
        accepted = bool(detail["accepted"])
        if fits == accepted:
            where = _path(path)
            if accepted:
                code, where = "W607", (*where[: _item_depth(code, where)], "accept", code)
            line, column = locate(file, where)
            yield problem(code, file, line, column, _meaning_message(code, ident, detail))


def _item_depth(code: str, path: YamlPath) -> int:
    """How much of a pending row's path is the item that carries `accept`: a participant or
    place (their evidence quote is two steps deeper), or a claim (its claimant one)."""
    return len(path) - (1 if code == "W602" else 2)


def _meaning_message(code: str, ident: str, detail: Mapping[str, object]) -> str:
    if code == "W607":
        return "accept acknowledges a warning that does not fire here: the registry names it."
    if code == "W601":
        return (
            f"The {detail['role']} {ident!r} is not named in or beside its evidence "
            f"{detail['quote']!r} (no mention, registry name or alias in that sentence)."
        )
    if code == "W602":
        return (
            f"Claim {detail['claim']!r}: the claimant {ident!r} is not named in or beside its "
            "evidence, nor is it the document's own voice (outlet or byline)."
        )
    return (
        f"The place evidence {detail['window']!r} names neither {ident!r} nor a place above "
        "or below it in data/places.yaml."
    )
