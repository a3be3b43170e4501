"""Checks across the corpus: references resolve against the registries, ids are unique across
documents, documents that share an event agree on it, claims refer to events that exist.

They run as joins over the `references` and `event_facts` frames of every document, so they
cost the same whatever the corpus size in Python objects; only offending rows become problems.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem, problem
from eventset.validation.ids import did_you_mean


@dataclass(frozen=True)
class Registries:
    """The ids each registry defines, valid entries or not (an invalid entry reports its own
    problem, never its references). None: the registry could not be read at all, so its
    references are not checked; every one would be a consequence of that one problem."""

    actors: frozenset[str] | None
    places: frozenset[str] | None


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


def check_corpus(
    references: pl.DataFrame,
    event_facts: pl.DataFrame,
    registries: Registries,
    locate: Locate,
    suggest_event: SuggestEvent = did_you_mean,
) -> Iterator[Problem]:
    refs = references.sort("file", maintain_order=True)
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

    facts = event_facts.sort("file", maintain_order=True)
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
