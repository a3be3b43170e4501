"""The seed release and its sites, built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eventset.explorer.build import build_site
from eventset.pipeline import build
from tests.conftest import REPO


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site-release") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = build(root, root / "dist", "dev")
    assert result.validation.ok, result.validation.problems
    assert result.written is not None
    return result.written.path


@pytest.fixture(scope="session")
def review_site(seed_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site a contributor looks at: withheld texts filled in from the seed files."""
    out = tmp_path_factory.mktemp("site") / "review"
    build_site(seed_release, out, seeds=REPO / "seeds", jobs=1)
    return out


@pytest.fixture(scope="session")
def public_site(seed_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as it may be published: only what the release holds."""
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(seed_release, out, jobs=1)
    return out


# A pull request's site with one failing document (built once; shared with tests/review).
from tests.review.conftest import failing_review  # noqa: E402, F401
