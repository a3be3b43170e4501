"""Each kind of defect injected into a valid corpus is reported with its own code, at the right
file and line, and the build refuses to run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.pipeline import build
from eventset.problems import CODES
from eventset.testing import Corpus, corpora, write_files
from eventset.validation.repository import validate_repository
from tests.property.defects import DEFECTS, EXCLUDED
from tests.property.helpers import scaled, workspace

# Two documents sharing an event, with a claim: every defect finds what it needs to break.
BREAKABLE = corpora(min_documents=2, max_documents=3, min_events=1, min_claims=1, shared_event=True)


def test_every_code_is_injected_or_excluded_with_a_reason() -> None:
    assert set(DEFECTS) | set(EXCLUDED) == set(CODES)
    assert not set(DEFECTS) & set(EXCLUDED)


@pytest.mark.parametrize("code", sorted(DEFECTS))
@settings(max_examples=scaled(0.3))
@given(corpus=BREAKABLE, data=st.data())
def test_each_defect_is_reported_with_its_code_and_place(
    code: str, corpus: Corpus, data: st.DataObject
) -> None:
    injected = DEFECTS[code](corpus, data)
    with workspace() as tmp:
        root = tmp / "repo"
        write_files(root, injected.files)
        result = validate_repository(root)
        assert {p.code for p in result.problems} == {code}, result.problems
        places = {(p.file, p.line, p.column) for p in result.problems}
        assert (injected.file, injected.line, injected.column) in places, result.problems
        refused = build(root, tmp / "dist", "dev", cache=False)
        assert refused.written is None
        assert not (tmp / "dist").exists() or not any((tmp / "dist").iterdir())
