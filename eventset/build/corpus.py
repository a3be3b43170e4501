"""Checks across the corpus: references resolve against the registries, ids are unique across
documents, documents that share an event agree on it, claims refer to events that exist."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from eventset.build.checks import Registries, did_you_mean
from eventset.build.document import DocumentResult, EventFacts, Ref
from eventset.problems import Problem, problem


def _at(code: str, file: str, ref: Ref, message: str, hint: str | None = None) -> Problem:
    return problem(code, file, ref.line, ref.column, message, hint)


def _unknown(
    file: str, refs: Iterable[Ref], known: Mapping[str, object], code: str, what: str, registry: str
) -> Iterator[Problem]:
    for ref in refs:
        if ref.id not in known:
            guess = did_you_mean(ref.id, known)
            hint = f"Did you mean {guess!r}? Otherwise add it to {registry}." if guess else None
            yield _at(code, file, ref, f"{what} {ref.id!r} is not in {registry}.", hint)


def check_corpus(results: Sequence[DocumentResult], registries: Registries) -> Iterator[Problem]:
    """Files are visited in path order so "first defined" is stable whatever order they came in."""
    ordered = sorted(results, key=lambda result: result.file)
    first_event: dict[str, tuple[EventFacts, str]] = {}
    first_claim: dict[str, str] = {}
    for result in ordered:
        refs, file = result.refs, result.file
        yield from _unknown(
            file, refs.actors, registries.actors, "E401", "Actor", "data/actors.yaml"
        )
        yield from _unknown(
            file, refs.places, registries.places, "E402", "Place", "data/places.yaml"
        )
        for ref in refs.via_self:
            yield _at("E416", file, ref, f"{ref.id!r} is the claimant itself, not an intermediary.")
        for ref in refs.claims_defined:
            if ref.id in first_claim and first_claim[ref.id] != file:
                yield _at(
                    "E404",
                    file,
                    ref,
                    f"Claim id {ref.id!r} is already used in {first_claim[ref.id]}.",
                )
            first_claim.setdefault(ref.id, file)
        for event in refs.events_defined:
            if event.id not in first_event:
                first_event[event.id] = (event, file)
                continue
            other, other_file = first_event[event.id]
            if other_file == file:
                continue  # a repeat inside one file is reported by check_ids
            for fact, mine in event.facts.items():
                theirs = other.facts[fact]
                if mine != theirs:
                    line, column = event.marks[fact]
                    yield problem(
                        "E501",
                        file,
                        line,
                        column,
                        f"Event {event.id!r}: {fact} is {mine} here but {theirs} in {other_file}.",
                    )
    for result in ordered:
        for ref in result.refs.events_used:
            if ref.id not in first_event:
                guess = did_you_mean(ref.id, first_event)
                yield _at(
                    "E403",
                    result.file,
                    ref,
                    f"Event {ref.id!r} is not defined in any annotation.",
                    f"Did you mean {guess!r}?" if guess else None,
                )
