"""Id helpers shared by the checks: duplicates within one list, and the nearest known id."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from eventset.inputs.parse import Located
from eventset.problems import Problem


def duplicate_ids(
    ids: Iterable[str | None], section: str, what: str, where: Located, context: str = ""
) -> Iterator[Problem]:
    """E404 at every id of `section` (a top-level list of the file) that an earlier entry
    already defines. `what` names the entry ("Actor"), `context` ends the sentence; None
    stands for an entry without a valid id, which its own model problem reports."""
    seen: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id is None:
            continue
        if item_id in seen:
            yield where.at(
                "E404",
                (section, i, "id"),
                f"{what} id {item_id!r} is defined twice{context} "
                f"(first as {section}[{seen[item_id]}]).",
            )
        seen.setdefault(item_id, i)


def did_you_mean(wrong: str, known: Iterable[str]) -> str | None:
    """The closest known id, for a hint."""
    close = difflib.get_close_matches(wrong, list(known), n=1)
    return close[0] if close else None
