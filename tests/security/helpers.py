"""Synthetic, test-only documents for the security tests (never part of the dataset)."""

from __future__ import annotations

from pathlib import Path

from eventset.inputs.seeds import sha256_of

SYNTHETIC_ID = "synthetic_security_0001"


def synthetic_document(
    root: Path, seed_raw: bytes, body: str = "", *, doc_id: str = SYNTHETIC_ID
) -> Path:
    """Write seeds/<doc_id>.txt with exactly `seed_raw` and a matching annotation; returns it.

    The seed's header line must be `date 2021-09-07 Synthetic test document`."""
    seed = root / "seeds" / f"{doc_id}.txt"
    seed.write_bytes(seed_raw)
    header = (
        "format: 1\n"
        "document:\n"
        f'  id: "{doc_id}"\n'
        f'  sha256: "{sha256_of(seed_raw)}"\n'
        "  published: 2021-09-07\n"
        '  title: "Synthetic test document"\n'
        '  language: "en"\n'
        "  licence: cc0_1_0\n"
    )
    path = root / "data" / "annotations" / f"{doc_id}.yaml"
    path.write_bytes((header + body).encode("utf-8"))
    return path


def place_mention(quote_yaml: str) -> str:
    """An annotation body naming one registry place by the given (YAML-written) quote."""
    return f"places:\n  - place: kalsu-bridge\n    mentions: [{quote_yaml}]\n"


HEADER_LINES = 8  # lines written by synthetic_document before the body
