"""Seed documents: verbatim source texts whose first line is a `date YYYY-MM-DD Title` header."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from eventset.inputs.yaml_text import CONTROL, PLAIN_ASCII, clean_ascii, decode_utf8, position
from eventset.problems import Problem, problem

_HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]+(\S.*?)[ \t]*\r?$", re.MULTILINE)
MAX_SEED_BYTES = 5 * 1024 * 1024
# ASCII that CONTROL never matches: the file rules' plain characters and the tab.
_SEED_ASCII = PLAIN_ASCII + b"\t"


@dataclass(frozen=True)
class Seed:
    """A seed document. `text` is the whole file decoded as stored: offsets index into it."""

    document_id: str
    text: str
    sha256: str  # "sha256:<hex>" of the file's bytes
    published: dt.date | None
    title: str | None
    byte_count: int


def sha256_of(raw: bytes, digest: bytes | None = None) -> str:
    """'sha256:<hex>' of `raw`; `digest`: its SHA-256 digest when the caller has it already."""
    return "sha256:" + (hashlib.sha256(raw).digest() if digest is None else digest).hex()


def parse_seed(
    document_id: str, raw: bytes, file: str, digest: bytes | None = None
) -> tuple[Seed | None, list[Problem]]:
    """Decode a seed and read its header. Seeds are never changed, so problems here are reported
    against the seed file and stop the annotation that depends on it. `digest`: the SHA-256
    digest of `raw`, when the caller has it already (the runner, which keys its cache by it)."""
    if len(raw) > MAX_SEED_BYTES:  # the edge reads at most MAX_SEED_BYTES + 1 bytes
        return None, [
            problem("E101", file, 1, 1, f"More than {MAX_SEED_BYTES:,} bytes (the limit).")
        ]
    # A BOM would be character 0 of the text and shift every offset by one.
    text, refused = decode_utf8(raw, file, "The seed starts with a byte-order mark.")
    if text is None:
        return None, [refused] if refused else []
    # Tabs, CR and LF are ordinary in a verbatim text and stay (offsets count them); NUL and other
    # control characters are not text and would be invisible in every review tool.
    bad = None if clean_ascii(raw, _SEED_ASCII) else CONTROL.search(text)
    if bad:
        at = position(text, bad.start())
        return None, [
            problem(
                "E104",
                file,
                at.line,
                at.column,
                f"Control character U+{ord(bad.group()):04X} in the seed.",
                "Seeds are verbatim texts: fix the source file's encoding before adding it.",
            )
        ]
    published: dt.date | None = None
    title: str | None = None
    # The first line without splitting off (and copying) the rest of the text.
    end = text.find("\n")
    header = _HEADER.match(text if end < 0 else text[:end])
    if header:
        try:
            published = dt.date.fromisoformat(header.group(1))
        except ValueError:
            published = None
        title = header.group(2)
    return Seed(document_id, text, sha256_of(raw, digest), published, title, len(raw)), []
