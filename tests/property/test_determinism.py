"""The same corpus, written in another file order and built with another number of processes,
gives byte-identical release files."""

from __future__ import annotations

import json

from hypothesis import given

from eventset.testing import Corpus, corpora
from tests.property.helpers import built


@given(corpora(min_documents=2))
def test_builds_are_byte_identical_whatever_the_order_and_jobs(corpus: Corpus) -> None:
    with built(corpus, jobs=1) as (_, first), built(corpus, jobs=2, reverse=True) as (_, second):
        assert first.written is not None and second.written is not None
        manifests = [
            json.loads((w.path / "manifest.json").read_bytes())
            for w in (first.written, second.written)
        ]
        assert manifests[0] == manifests[1]
        for entry in manifests[0]["files"]:
            name = entry["path"]
            assert (first.written.path / name).read_bytes() == (
                second.written.path / name
            ).read_bytes(), name
