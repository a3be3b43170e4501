"""A generated corpus of synthetic, test-only documents (never part of the dataset)."""

from __future__ import annotations

from pathlib import Path

from eventset.inputs.seeds import sha256_of

SENTENCE = "Synthetic sentence {k} says the convoy {k} passed the Kalsu Bridge {k}."


def add_synthetic_corpus(root: Path, documents: int, sentences: int) -> None:
    """`documents` generated seeds with annotations quoting each of their `sentences` sentences."""
    for n in range(documents):
        doc_id = f"synthetic_bulk_{n:05d}"
        body = " ".join(SENTENCE.format(k=f"{n}-{k}") for k in range(sentences))
        text = f"date 2021-09-07 Synthetic test document {n}\n\nSYNTHETIC TEST DOCUMENT. {body}\n"
        raw = text.encode("utf-8")
        (root / "seeds" / f"{doc_id}.txt").write_bytes(raw)
        quotes = ", ".join(f'"Kalsu Bridge {n}-{k}."' for k in range(sentences))
        (root / "data" / "annotations" / f"{doc_id}.yaml").write_text(
            "format: 1\n"
            "document:\n"
            f'  id: "{doc_id}"\n'
            f'  sha256: "{sha256_of(raw)}"\n'
            "  published: 2021-09-07\n"
            f'  title: "Synthetic test document {n}"\n'
            '  language: "en"\n'
            "  licence: cc0_1_0\n"
            "places:\n"
            "  - place: kalsu-bridge\n"
            f"    mentions: [{quotes}]\n",
            encoding="utf-8",
        )
