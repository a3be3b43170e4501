"""Measured, not assumed: the meaning checks flag at least 90% of a catalogue of wrong-meaning
edits (meaning_catalogue.py), and nothing on the gold annotations they are made from."""

from __future__ import annotations

import functools

import polars as pl
import pytest

from eventset.inputs.layout import Layout
from eventset.inputs.seeds import sha256_of
from eventset.problems import Problem
from eventset.validation.corpus_checks import Registries, check_corpus
from eventset.validation.document import EVENT_FACT_COLUMNS, REFERENCE_COLUMNS, process_document
from eventset.validation.repository import Validation, load_registries
from tests.conftest import REPO, SEED_ID
from tests.validation.meaning_catalogue import (
    EDITS,
    SYNTHETIC_ANNOTATION,
    SYNTHETIC_ID,
    SYNTHETIC_TEXT,
    Edit,
)

GOLD_FILE = f"data/annotations/{SEED_ID}.yaml"


@functools.cache
def _registries() -> Registries:
    validation = Validation()
    registries = load_registries(Layout(REPO), validation)
    assert validation.problems == []
    return registries


def _sources(synthetic: bool) -> tuple[str, str, bytes]:
    if synthetic:
        seed = SYNTHETIC_TEXT.encode()
        annotation = SYNTHETIC_ANNOTATION.replace("{sha256}", sha256_of(seed))
        return f"data/annotations/{SYNTHETIC_ID}.yaml", annotation, seed
    annotation = (REPO / GOLD_FILE).read_text(encoding="utf-8")
    return GOLD_FILE, annotation, (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes()


def problems_of(file: str, annotation: str, seed: bytes) -> list[Problem]:
    """Every problem of one annotation: its own, and the corpus stage's against the registries."""
    result = process_document(file, annotation.encode(), seed)
    refs = pl.DataFrame(
        result.tables.get("references", {}), schema=dict.fromkeys(REFERENCE_COLUMNS, pl.String)
    )
    facts = pl.DataFrame(
        result.tables.get("event_facts", {}), schema=dict.fromkeys(EVENT_FACT_COLUMNS, pl.String)
    )
    corpus = check_corpus(refs, facts, _registries(), lambda _file, _path: (1, 1))
    return [*result.problems, *corpus]


def _edited(edit: Edit) -> list[Problem]:
    file, annotation, seed = _sources(edit.synthetic)
    assert annotation.count(edit.old) == 1, edit.description
    return problems_of(file, annotation.replace(edit.old, edit.new), seed)


@pytest.mark.parametrize("synthetic", [False, True], ids=["seed", "synthetic"])
def test_the_gold_annotations_give_no_warning(synthetic: bool) -> None:
    assert problems_of(*_sources(synthetic)) == []


def test_the_catalogue_is_at_least_thirty_edits() -> None:
    assert len(EDITS) >= 30
    assert len({edit.description for edit in EDITS}) == len(EDITS)


def test_at_least_90_percent_of_wrong_meaning_edits_are_flagged() -> None:
    flagged: list[Edit] = []
    missed: list[str] = []
    for edit in EDITS:
        problems = _edited(edit)
        # An edit must keep the form valid: only meaning may be wrong.
        assert all(p.severity == "warning" for p in problems), (edit.description, problems)
        if edit.expected in {p.code for p in problems}:
            flagged.append(edit)
        else:
            missed.append(f"{edit.description}: {[p.code for p in problems]}")
    rate = len(flagged) / len(EDITS)
    assert rate >= 0.9, f"{rate:.0%} flagged; missed:\n" + "\n".join(missed)
    # The misses, known and explained in docs/meaning.md; a new miss or a fixed one shows here.
    assert missed == KNOWN_MISSES, missed


KNOWN_MISSES = [
    # "The group has in the past repeatedly claimed attacks": "claimed" is a responsibility
    # cue, and telling a report of past claims from a claim needs more than cue words.
    "the statement of Ashab al-Kahf's past claims recoded as a responsibility claim: []",
    # The new claimant is named in the evidence ("against US interests"): named, but as the
    # object, not the speaker; telling the two apart needs a parser.
    "the Karbala Operation announcement attributed to the United States: []",
]
