"""A small SYNTHETIC corpus (eventset synth) coded twice by synthetic coders."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventset.synth import SynthCodings, write_corpus

DOCS = 6


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    root = tmp_path / "synthetic"
    write_corpus(root, DOCS, seed=7, codings=SynthCodings(coders=2, rate=0.3))
    return root


def coding_file(root: Path, coder: str = "synthetic-coder-b", n: int = 0) -> Path:
    return root / "data" / "codings" / coder / f"synthetic_{n:07d}.yaml"
