"""A failing pull request still gets its site: what validates is built, and each failing
document's page shows its problems at its words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from eventset.release.load import load
from eventset.review.partial import build_what_validates
from tests.review.conftest import BROKEN, MISSPELT, FailingReview


def test_what_validates_is_built_and_the_failing_document_left_out(
    failing_review: FailingReview,
) -> None:
    partial = failing_review.partial
    assert partial.left_out == [BROKEN]
    assert [p.code for p in partial.problems] == ["E301"]
    assert partial.release is not None
    documents = load(path=partial.release)["documents"]["document_id"].to_list()
    assert sorted(documents) == [f"synthetic_000000{i}" for i in (1, 2, 3)]


def test_the_failing_document_shows_its_problem_at_the_closest_words(
    failing_review: FailingReview,
) -> None:
    site = failing_review.site.out
    page = (site / "documents" / f"{BROKEN}.html").read_text(encoding="utf-8")
    assert "Not in this build." in page
    assert f"data/annotations/{BROKEN}.yaml:" in page and "E301 quote-not-found" in page
    # The misspelt quote is marked where the text has the right words.
    assert re.search(
        r'<mark class="k-problem[^"]*" tabindex="0" data-mention-id="problem-1[^"]*" '
        rf'data-kinds="[^"]*problem[^"]*">{MISSPELT[0]}</mark>',
        page,
    )
    assert f'Show the closest passage to “<span dir="auto">{MISSPELT[1]}</span>”' in page
    # The other quotes of the file are found and highlighted as in any document page.
    assert page.count('data-mention-id="quote-') > 10
    listing = (site / "problems.html").read_text(encoding="utf-8")
    assert f'href="documents/{BROKEN}.html"' in listing
    assert 'href="problems.html">see each problem at its words' in (site / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_broken_registry_builds_nothing_and_says_which_file(
    failing_review: FailingReview, tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(failing_review.root / "data", root / "data")
    shutil.copytree(failing_review.root / "seeds", root / "seeds")
    actors = root / "data" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n  - oops: [\n", encoding="utf-8")
    partial = build_what_validates(root, tmp_path / "dist")
    assert partial.release is None
    assert "data/actors.yaml must validate before anything can be built" in partial.reason
    assert not (tmp_path / "dist" / "eventset-dev").exists()


def test_when_everything_validates_it_is_the_ordinary_build_reused(
    failing_review: FailingReview, tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(failing_review.root / "data", root / "data")
    shutil.copytree(failing_review.root / "seeds", root / "seeds")
    annotation = root / "data" / "annotations" / f"{BROKEN}.yaml"
    annotation.write_text(
        annotation.read_text(encoding="utf-8").replace(MISSPELT[1], MISSPELT[0]), encoding="utf-8"
    )
    first = build_what_validates(root, root / "dist")
    assert first.left_out == [] and first.release == root / "dist" / "eventset-dev"
    manifest = (first.release / "manifest.json").stat()
    again = build_what_validates(root, root / "dist")
    assert again.release == first.release
    assert (again.release / "manifest.json").stat().st_mtime_ns == manifest.st_mtime_ns
