"""Writing the site's files: only plain slugs under the site folder, with a tally of what was
written; and how the pages are shared out among worker processes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*")


class SiteError(Exception):
    """The site cannot be written where asked (the release itself is checked by the loader)."""


class Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.pages = 0
        self.bytes = 0
        self.largest = ("", 0)
        self.texts_from_seeds = 0

    def write(self, relative: str, content: str) -> None:
        # File names come from row ids: a release that was never checked could hold an id such
        # as "../x", and the site must not write outside its folder.
        parts = Path(relative).parts
        if not SAFE_NAME.fullmatch(relative) or ".." in parts:
            raise SiteError(f"refusing to write {relative!r}: an id is not a plain slug.")
        data = content.encode("utf-8")
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.pages += 1
        self.bytes += len(data)
        if len(data) > self.largest[1]:
            self.largest = (relative, len(data))

    def write_data_parts(
        self, stem: str, variable: str, rows: Sequence[object], per_part: int
    ) -> int:
        """`rows` as scripts data/<stem>-0.js, -1.js, ..., each adding its share to the global
        array `variable` (scripts, not JSON, so the site works from file://); returns the count."""
        parts = max(1, -(-len(rows) // per_part))
        for part in range(parts):
            chunk = rows[part * per_part : (part + 1) * per_part]
            self.write(
                f"data/{stem}-{part}.js",
                f"window.{variable}=(window.{variable}||[]).concat("
                + json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
                + ");\n",
            )
        return parts


@dataclass(frozen=True)
class Share:
    """Worker `part` of `parts` writes every parts-th page of each kind; part 0 also writes the
    pages there is one of (overview, lists, assets)."""

    part: int
    parts: int

    @property
    def first(self) -> bool:
        return self.part == 0

    def mine(self, items: Iterable[T]) -> Iterator[T]:
        for i, item in enumerate(items):
            if i % self.parts == self.part:
                yield item
