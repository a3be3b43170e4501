"""What every page writer gets: the indexed release, the file writer, the templates and its
share of the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from eventset.explorer.failing import FailingDocument
from eventset.explorer.index import SiteIndex, date_span, date_text
from eventset.explorer.writer import Share, Writer
from eventset.problems import Problem

CATEGORIES = ("actor", "place", "event", "claim", "date", "figure")
CATEGORY_LABELS = {
    "actor": "Actor named",
    "place": "Place named",
    "event": "Event reported",
    "claim": "Claim made",
    "date": "Date",
    "figure": "Figure",
}


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("eventset.explorer", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = date_text
    env.filters["span"] = date_span
    env.filters["number"] = lambda n: f"{n:,}"
    return env


@dataclass
class PageContext:
    site: SiteIndex
    writer: Writer
    env: Environment
    share: Share
    seeds: Path | None = None  # withheld texts are shown from here when their sha256 matches
    # A pull request's site: documents left out of the build for their problems, and the
    # problems of other files (registries).
    failing: Sequence[FailingDocument] = ()
    other_problems: Sequence[Problem] = ()
    # `eventset site --codings`: the doubly coded documents have a page comparing their codings.
    codings: bool = False

    @property
    def common(self) -> dict[str, Any]:
        """What every template reads."""
        return {
            "version": str(self.site.manifest.get("version", "")),
            "categories": CATEGORIES,
            "category_labels": CATEGORY_LABELS,
            "problem_files": len(self.failing) + len({p.file for p in self.other_problems}),
        }

    def render(self, relative: str, template: str, **context: Any) -> None:
        depth = relative.count("/")
        self.writer.write(
            relative,
            self.env.get_template(template).render(self.common, root="../" * depth, **context),
        )
