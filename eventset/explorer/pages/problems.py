"""A pull request's problems in the site: one page per document left out of the build, its
text with each problem at the words it concerns, and the list of every file's problems."""

from __future__ import annotations

from collections import defaultdict

from eventset.explorer.context import PageContext
from eventset.explorer.text import Span, highlighted_html
from eventset.problems import Problem


def write(ctx: PageContext) -> None:
    for document in ctx.share.mine(ctx.failing):
        if document.document_id in ctx.site.documents:
            continue  # in the release after all: its own page stands
        spans = [Span(q.anchor, q.start, q.end, q.category) for q in document.quotes]
        spans += [
            Span(p.anchor, p.start, p.end, "problem")
            for p in document.problems
            if p.start is not None and p.end is not None
        ]
        ctx.render(
            f"documents/{document.document_id}.html",
            "failing_document.html",
            title=document.title or document.document_id,
            document=document,
            body=highlighted_html(document.text, spans) if document.text is not None else None,
        )
    if not ctx.share.first or not (ctx.failing or ctx.other_problems):
        return
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in ctx.other_problems:
        by_file[problem.file].append(problem)
    ctx.render(
        "problems.html",
        "problems.html",
        title="Problems",
        failing=sorted(ctx.failing, key=lambda d: d.file),
        others=sorted(by_file.items()),
    )
