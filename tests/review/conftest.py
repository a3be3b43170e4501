"""A pull request with one failing document: a small synthetic corpus, one quote misspelt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from eventset.explorer.build import SiteResult
from eventset.review.partial import PartialBuild, review_site
from eventset.synth import write_corpus

BROKEN = "synthetic_0000000"
MISSPELT = ("Hana Haddad 000000", "Hana Hadad 000000")


@dataclass(frozen=True)
class FailingReview:
    root: Path
    partial: PartialBuild
    site: SiteResult


@pytest.fixture(scope="session")
def failing_review(tmp_path_factory: pytest.TempPathFactory) -> FailingReview:
    root = tmp_path_factory.mktemp("failing-pr") / "repo"
    write_corpus(root, 4, 1)
    annotation = root / "data" / "annotations" / f"{BROKEN}.yaml"
    text = annotation.read_text(encoding="utf-8")
    assert f'mentions: ["{MISSPELT[0]}"]' in text
    annotation.write_text(text.replace(*MISSPELT, 1), encoding="utf-8")
    partial, site = review_site(root, root.parent / "site", root.parent / "dist")
    assert site is not None, partial.reason
    return FailingReview(root, partial, site)
