"""Checks across the corpus: references resolve against the registries, ids are unique across
documents, documents that share an event agree on it, claims refer to events that exist.

They run over the `references` and `event_facts` frames of every document, read a batch at a
time (a full build keeps them on disk, validation/spooled.py): a reference that names a registry
entry, or that a meaning check left to the registries, is checked in its batch; only the rows
compared across documents (claim ids, the events that claims are about, the event facts) are
kept, copied out of their batch, and joined. Only offending rows become problems.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem, problem
from eventset.schema.hierarchy import ancestors
from eventset.schema.registry import Actor, Place
from eventset.schema.vocab import vocabulary
from eventset.validation.document import EVENT_FACT_COLUMNS, REFERENCE_COLUMNS
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


class Batched(Protocol):
    """A frame read a batch at a time, of it only `columns` (spooled.Spooled: the spool of a
    full build)."""

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]: ...


# What the checks read: a frame, or one kept on disk and read a batch at a time.
Rows = pl.DataFrame | Batched


def _batches(rows: Rows, columns: Sequence[str]) -> Iterator[pl.DataFrame]:
    if isinstance(rows, pl.DataFrame):
        yield rows
    else:
        yield from rows.batches(columns)


# Columns with a different value on almost every row (the others repeat: a document's file on
# its rows, kinds, paths, event types, dates).
_DISTINCT = frozenset({"id", "event_id"})


def _kept(frame: pl.DataFrame) -> pl.DataFrame:
    """A few rows of a batch, kept past it, copied out of it: a string column filtered from a
    batch still points into the whole batch's buffers (polars' string views), so keeping the
    claims of every batch kept every reference of the corpus. A column of repeated values
    becomes a categorical (each value once); ids are copied (`+ ""` writes new strings), as a
    categorical costs about 200 bytes a distinct value in polars' global categories (polars
    2.1): at a million documents, 1.18 GB for the whole check against 1.43 GB with every column
    copied and 1.23 GB with every column a categorical."""
    return frame.with_columns(
        (pl.col(name) + "") if name in _DISTINCT else pl.col(name).cast(pl.Categorical())
        for name in frame.columns
    )


def _concat(frames: list[pl.DataFrame], columns: Sequence[str]) -> pl.DataFrame:
    empty = _kept(pl.DataFrame(schema=dict.fromkeys(columns, pl.String())))
    return pl.concat([empty, *frames], how="vertical")


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems made batch by batch, in the order of the rows sorted by file (stably): what a
    check over the whole frame sorted by file (_by_file) gives."""
    return sorted(problems, key=lambda p: p.file)


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
    """Rows in file order, keeping each file's own order."""
    return frame.sort("file", maintain_order=True)


def _facts(event_facts: Rows) -> pl.DataFrame:
    """Every event fact (a row per event of each document: few), kept."""
    batches = _batches(event_facts, EVENT_FACT_COLUMNS)
    return _concat(
        [_kept(batch.select(EVENT_FACT_COLUMNS)) for batch in batches], EVENT_FACT_COLUMNS
    )


@dataclass
class _Gathered:
    """What the checks keep of the references while reading them a batch at a time: the
    problems each batch gives on its own (unknown registry ids, the meaning checks), and the
    rows that are compared across documents (claim ids, the events claims are about)."""

    actors: list[Problem] = field(default_factory=list)
    places: list[Problem] = field(default_factory=list)
    meaning: list[Problem] = field(default_factory=list)
    claims: list[pl.DataFrame] = field(default_factory=list)
    used: list[pl.DataFrame] = field(default_factory=list)


def _gather(references: Rows, registries: Registries, locate: Locate) -> _Gathered:
    found = _Gathered()
    for refs in _batches(references, REFERENCE_COLUMNS):
        found.actors += _unknown(
            refs, "actor", registries.actors, "E401", "Actor", "data/actors.yaml", locate
        )
        found.places += _unknown(
            refs, "place", registries.places, "E402", "Place", "data/places.yaml", locate
        )
        found.meaning += _meaning(refs, registries.names, locate)
        for kind, kept in (("claim_defined", found.claims), ("event_used", found.used)):
            rows = refs.filter(pl.col("kind") == kind).select("file", "id", "path")
            if rows.height:
                kept.append(_kept(rows))
    return found


def check_corpus(
    references: Rows,
    event_facts: Rows,
    registries: Registries,
    locate: Locate,
    suggest_event: SuggestEvent = did_you_mean,
) -> Iterator[Problem]:
    """The problems across documents. The frames are read a batch at a time (a full build's
    references are about 17 rows a document, too many to hold at a million documents): what a
    row says on its own is checked in its batch, and only the rows compared across documents
    are kept (_kept). The problems come in the order of a check over the whole frames sorted
    by file: by code, then by file, then by row."""
    found = _gather(references, registries, locate)
    yield from _in_file_order(found.actors)
    yield from _in_file_order(found.places)

    claims = _first_file(_by_file(_concat(found.claims, ("file", "id", "path"))), "id")
    for file, claim_id, path, first in (
        claims.filter(pl.col("file") != pl.col("first_file"))
        .select("file", "id", "path", "first_file")
        .iter_rows()
    ):
        line, column = locate(file, _path(path))
        yield problem(
            "E404", file, line, column, f"Claim id {claim_id!r} is already used in {first}."
        )
    del claims

    facts = _by_file(_facts(event_facts))
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
    del first, later

    yield from _in_file_order(found.meaning)

    # An anti-join, not `is_in` of a Python set of every event id (1.2 million at a million
    # documents); the set is made for the hint only once an event is undefined.
    used = _by_file(_concat(found.used, ("file", "id", "path"))).join(
        facts.select(pl.col("event_id").alias("id")).unique(),
        on="id",
        how="anti",
        maintain_order="left",
    )
    defined: set[str] | None = None
    for file, event_id, path in used.iter_rows():
        if defined is None:
            defined = set(facts.get_column("event_id").cast(pl.String).to_list())
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
    if not pending.height:
        return
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
