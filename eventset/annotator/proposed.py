"""The dates `eventset new` proposes for a text, read once per text: dateparser is slow, and
the page's state and its date fixes ask for them after every action."""

from __future__ import annotations

import datetime as dt
import functools

from eventset.workbench.dates import ProposedDate, propose_dates
from eventset.workbench.starter import body_start


@functools.lru_cache(maxsize=8)
def dates_of(text: str, published: dt.date) -> tuple[ProposedDate, ...]:
    return tuple(propose_dates(text, published, body_start(text)))
