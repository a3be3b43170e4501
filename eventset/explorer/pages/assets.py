"""The site's style sheet and scripts, copied from the package."""

from __future__ import annotations

from importlib.resources import files

from eventset.explorer.context import PageContext

ASSETS = ("site.css", "site.js", "events.js", "search.js")


def write(ctx: PageContext) -> None:
    if not ctx.share.first:
        return
    folder = files("eventset.explorer").joinpath("assets")
    for name in ASSETS:
        ctx.writer.write(f"assets/{name}", folder.joinpath(name).read_text(encoding="utf-8"))
