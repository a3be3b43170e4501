"""Shared pieces of the property tests: building a generated corpus in a throwaway root."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import settings

from eventset.pipeline import BuildResult, build
from eventset.schema.annotation import Annotation, DateSpec
from eventset.schema.fields import Selector
from eventset.testing import Corpus, write_corpus


def scaled(factor: float) -> int:
    """A number of examples relative to the loaded profile (so `thorough` scales every test)."""
    return max(1, round(settings().max_examples * factor))


@contextmanager
def workspace() -> Iterator[Path]:
    """A temporary directory per Hypothesis example (pytest's tmp_path is per test)."""
    with tempfile.TemporaryDirectory(prefix="eventset-property-") as tmp:
        yield Path(tmp)


@contextmanager
def built(
    corpus: Corpus, *, jobs: int = 1, reverse: bool = False
) -> Iterator[tuple[Path, BuildResult]]:
    """The corpus written to a temporary repository and built; asserts the build succeeded."""
    with workspace() as tmp:
        root = write_corpus(corpus, tmp / "repo", reverse=reverse)
        result = build(root, tmp / "dist", "dev", jobs=jobs, cache=False)
        assert result.validation.ok, result.validation.problems
        assert not result.failures, result.failures
        assert result.written is not None
        yield root, result


def seed_text(root: Path, document_id: str) -> str:
    """A seed exactly as stored: read without newline translation."""
    with (root / "seeds" / f"{document_id}.txt").open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _date_selectors(date: DateSpec | None) -> list[Selector]:
    return list(date.evidence) if date is not None else []


def selectors(annotation: Annotation) -> list[Selector]:
    """Every selector of an annotation, walked here from the models (not with the build's own
    walk), so a quote the build drops or adds is noticed."""
    found = [s for a in annotation.actors for s in a.mentions]
    found += [s for p in annotation.places for s in p.mentions]
    for event in annotation.events:
        found += [*event.evidence, *_date_selectors(event.date)]
        found += event.place.evidence if event.place else []
        found += [s for p in event.participants for s in p.evidence]
        found += event.fatalities.evidence if event.fatalities else []
    for claim in annotation.claims:
        found += [*claim.evidence, *_date_selectors(claim.date)]
    return found
