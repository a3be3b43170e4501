"""Hypothesis strategies that generate whole valid eventset corpora, for testing analyses.

Every generated document is synthetic and labelled so (ids `synthetic_*`, titles `SYNTHETIC
...`); write corpora to a temporary directory, never into the dataset's `seeds/` or `data/`.

    from hypothesis import given
    from eventset.testing import corpora, write_corpus
    from eventset.pipeline import build

    @given(corpora(max_documents=2))
    def test_my_analysis(corpus):
        with tempfile.TemporaryDirectory() as tmp:
            root = write_corpus(corpus, Path(tmp))
            tables = build(root, root / "dist", "dev").tables
            ...  # assert what your analysis must hold for any valid corpus

Requires Hypothesis: install eventset with its testing extra, `pip install "eventset[testing]"`.
"""

from __future__ import annotations

from eventset.schema.yaml_writer import model_data
from eventset.testing.corpus import (
    Corpus,
    SyntheticDocument,
    dump_yaml,
    model_yaml,
    write_corpus,
    write_files,
)
from eventset.testing.strategies import actor_registries, corpora, place_registries
from eventset.testing.texts import SyntheticText, selector_for, texts

__all__ = [
    "Corpus",
    "SyntheticDocument",
    "SyntheticText",
    "actor_registries",
    "corpora",
    "dump_yaml",
    "model_data",
    "model_yaml",
    "place_registries",
    "selector_for",
    "texts",
    "write_corpus",
    "write_files",
]
