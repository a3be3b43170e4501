"""Checks across the corpus: references resolve against the registries, ids are unique across
documents, documents that share an event agree on it, claims refer to events that exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from eventset.build.checks import Registries, did_you_mean
from eventset.build.document import DocumentResult, EventFacts, Ref
from eventset.build.evidence import Path as YamlPath
from eventset.problems import Problem, problem

# Finds the line and column of a YAML path in a file. Injected, so this module does no I/O and
# only the files with a problem are ever read again.
Locate = Callable[[str, YamlPath], tuple[int, int]]


class _Reporter:
    def __init__(self, locate: Locate) -> None:
        self.locate = locate

    def at(
        self, code: str, file: str, path: YamlPath, message: str, hint: str | None = None
    ) -> Problem:
        line, column = self.locate(file, path)
        return problem(code, file, line, column, message, hint)

    def unknown(
        self,
        file: str,
        refs: Iterable[Ref],
        known: Mapping[str, object],
        code: str,
        what: str,
        registry: str,
    ) -> Iterator[Problem]:
        for ref in refs:
            if ref.id not in known:
                guess = did_you_mean(ref.id, known)
                hint = f"Did you mean {guess!r}? Otherwise add it to {registry}." if guess else None
                yield self.at(
                    code, file, ref.path, f"{what} {ref.id!r} is not in {registry}.", hint
                )


def check_corpus(
    results: Sequence[DocumentResult], registries: Registries, locate: Locate
) -> Iterator[Problem]:
    """Files are visited in path order so "first defined" is stable whatever order they came in."""
    report = _Reporter(locate)
    ordered = sorted(results, key=lambda result: result.file)
    first_event: dict[str, tuple[EventFacts, str]] = {}
    first_claim: dict[str, str] = {}
    for result in ordered:
        refs, file = result.refs, result.file
        yield from report.unknown(
            file, refs.actors, registries.actors, "E401", "Actor", "data/actors.yaml"
        )
        yield from report.unknown(
            file, refs.places, registries.places, "E402", "Place", "data/places.yaml"
        )
        for ref in refs.via_self:
            yield report.at(
                "E416", file, ref.path, f"{ref.id!r} is the claimant itself, not an intermediary."
            )
        for ref in refs.claims_defined:
            if ref.id in first_claim and first_claim[ref.id] != file:
                message = f"Claim id {ref.id!r} is already used in {first_claim[ref.id]}."
                yield report.at("E404", file, ref.path, message)
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
                    message = (
                        f"Event {event.id!r}: {fact} is {mine} here but {theirs} in {other_file}."
                    )
                    yield report.at("E501", file, (*event.path, fact), message)
    for result in ordered:
        for ref in result.refs.events_used:
            if ref.id not in first_event:
                guess = did_you_mean(ref.id, first_event)
                yield report.at(
                    "E403",
                    result.file,
                    ref.path,
                    f"Event {ref.id!r} is not defined in any annotation.",
                    f"Did you mean {guess!r}?" if guess else None,
                )
