"""Seed documents: verbatim source texts whose first line is a `date YYYY-MM-DD Title` header."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from eventset.problems import Problem, problem

_HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]+(\S.*?)[ \t]*\r?$", re.MULTILINE)
MAX_SEED_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Seed:
    """A seed document. `text` is the whole file decoded as stored: offsets index into it."""

    document_id: str
    text: str
    sha256: str  # "sha256:<hex>" of the file's bytes
    published: dt.date | None
    title: str | None
    byte_count: int


def sha256_of(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_seed(document_id: str, raw: bytes, file: str) -> tuple[Seed | None, list[Problem]]:
    """Decode a seed and read its header. Seeds are never changed, so problems here are reported
    against the seed file and stop the annotation that depends on it."""
    if len(raw) > MAX_SEED_BYTES:
        return None, [
            problem(
                "E101", file, 1, 1, f"{len(raw):,} bytes; seeds are limited to {MAX_SEED_BYTES:,}."
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [problem("E102", file, 1, 1, f"Byte offset {err.start} is not valid UTF-8.")]
    published: dt.date | None = None
    title: str | None = None
    first_line = text.split("\n", 1)[0]
    header = _HEADER.match(first_line)
    if header:
        try:
            published = dt.date.fromisoformat(header.group(1))
        except ValueError:
            published = None
        title = header.group(2)
    return Seed(document_id, text, sha256_of(raw), published, title, len(raw)), []
