"""The page kinds of the site, one module each. To add a kind of page, write a module with
`write(ctx: PageContext) -> None` (it writes its share of pages, `ctx.share.mine(...)`, and,
when `ctx.share.first`, the pages there is one of) and add it to PAGE_KINDS."""

from __future__ import annotations

from collections.abc import Callable

from eventset.explorer.context import PageContext
from eventset.explorer.pages import (
    actors,
    assets,
    documents,
    events,
    overview,
    places,
    problems,
    search,
)

PageWriter = Callable[[PageContext], None]

PAGE_KINDS: tuple[PageWriter, ...] = (
    assets.write,
    overview.write,
    events.write,
    documents.write,
    actors.write,
    places.write,
    search.write,
    problems.write,
)
