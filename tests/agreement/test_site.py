"""The site's comparison of codings: both side by side, disagreements highlighted."""

from __future__ import annotations

from pathlib import Path

from eventset.agreement.align import align
from eventset.agreement.synthetic import synthetic_coding
from eventset.explorer.build import build_site
from eventset.explorer.codings import compared_text, document_context
from eventset.explorer.context import environment
from eventset.pipeline import build
from eventset.release.version import DEV_VERSION
from tests.agreement.helpers import coding, documents


def test_words_only_one_coder_quoted_are_marked() -> None:
    html = compared_text("abcdefghij", frozenset({(0, 3), (5, 8)}), frozenset({(0, 3)}))
    assert html == '<mark class="c-agree">abc</mark>de<mark class="c-only">fgh</mark>ij'


def test_a_document_page_shows_both_codings_and_marks_disagreements() -> None:
    doc_id, text, annotation = next(documents(1, 5))
    changed = annotation.model_copy(
        update={"events": [annotation.events[0].model_copy(update={"certainty": "alleged"})]}
    )
    a = coding("coder-a", doc_id, text, synthetic_coding(annotation, 0.0, 1, "coder-a"))
    b = coding("coder-b", doc_id, text, synthetic_coding(changed, 0.0, 1, "coder-b"))
    context = document_context(align(doc_id, [a, b]), text)
    first = context["events"][0]
    certainty = next(f for f in first["fields"] if f["name"] == "certainty")
    assert certainty["differs"] and certainty["values"] == {
        "coder-a": "reported",
        "coder-b": "alleged",
    }
    date = next(f for f in first["fields"] if f["name"] == "date_start")
    assert not date["differs"] and date["values"]["coder-a"].count("-") == 2  # an ISO date
    page = environment().get_template("codings.html").render(version="dev", title="t", **context)
    assert page.count("<article>") == 2
    assert '<td class="differs">alleged</td>' in page
    # Events only coder a coded (annotation has more than one) are shown as not coded by b.
    if len(annotation.events) > 1:
        assert any(not row["complete"] for row in context["events"])
        assert "not coded by every coder" in page


def test_a_doubly_coded_document_page_links_its_comparison(coded: Path, tmp_path: Path) -> None:
    """`eventset site --codings`: the page of a document coded twice links the page comparing
    its codings, and that page exists; without --codings no page links one."""
    release = build(coded, tmp_path / "dist", DEV_VERSION, jobs=1).written
    assert release is not None
    with_codings, without = tmp_path / "site", tmp_path / "plain"
    build_site(release.path, with_codings, jobs=1, codings=coded)
    build_site(release.path, without, jobs=1)
    linked = [
        page
        for page in (with_codings / "documents").glob("*.html")
        if "../codings/" in page.read_text(encoding="utf-8")
    ]
    assert linked, "no document page links its codings"
    for page in linked:
        assert (with_codings / "codings" / page.name).is_file()
    assert not any(
        "../codings/" in page.read_text(encoding="utf-8")
        for page in (without / "documents").glob("*.html")
    )
