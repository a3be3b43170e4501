"""Compiling the gold annotation into rows (tables/compile.py), checked against the seed itself."""

from __future__ import annotations

import hashlib

from eventset.pipeline import BuildResult
from tests.conftest import REPO, SEED_ID
from tests.validation.test_quotes import reference_index


def seed() -> tuple[str, bytes]:
    raw = (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes()
    return raw.decode("utf-8"), raw


def test_every_mention_says_its_quote_in_its_sentence(gold_build: BuildResult) -> None:
    text, _ = seed()
    mentions = gold_build.tables["mentions"]
    assert mentions.height > 50
    sentences = set()
    for row in mentions.iter_rows(named=True):
        assert text[row["char_start"] : row["char_end"]] == row["quote"]
        assert row["sentence_index"] == reference_index(text, row["char_start"]), row["quote"]
        sentences.add(row["sentence_index"])
    assert len(sentences) > 5  # the gold quotes span many sentences, not just the first


def test_the_document_row_measures_the_seed(gold_build: BuildResult) -> None:
    text, raw = seed()
    [row] = gold_build.tables["documents"].iter_rows(named=True)
    assert row["document_id"] == SEED_ID
    assert row["char_count"] == len(text)
    assert row["byte_count"] == len(raw)
    assert row["text_sha256"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert row["text"] is None  # licence "unknown": the text is not redistributed
