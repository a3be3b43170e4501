"""The bytes of a YAML file to text, under the file rules, and the bounds on one file.

UTF-8 without a byte-order mark; no control character, tab or invisible character written raw.
Both parsers read only text that passed here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from eventset.problems import Problem, problem


@dataclass(frozen=True)
class Limits:
    """Bounds on one YAML file; see docs/limits.md for the reasons behind each number."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 32
    max_nodes: int = 200_000
    max_string: int = 20_000
    max_reported: int = 20  # repeated byte-level problems (tabs) reported per file


DEFAULT_LIMITS = Limits()
# The registries grow with the corpus (a million synthetic documents name 50,000 actors: 6.5 MB,
# a million nodes), and every document is read against them, so they get room of their own,
# still bounded: a contributed registry costs CI at most these.
REGISTRY_LIMITS = Limits(max_bytes=32 * 1024 * 1024, max_nodes=4_000_000)


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based, in code points


def position(text: str, index: int) -> Mark:
    """1-based line and column (in code points) of a character index."""
    line = text.count("\n", 0, index) + 1
    return Mark(line, index - (text.rfind("\n", 0, index) + 1) + 1)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Characters that render as nothing, or reorder what is shown (Trojan Source, CVE-2021-42574):
# zero-width space/non-joiner/joiner, LRM/RLM, word joiner, BOM as ZWNBSP, Arabic letter mark,
# bidi embeddings/overrides (U+202A-E) and isolates (U+2066-9). Raw in a file a reviewer cannot
# see them; written as an escape ("\u200c") they are visible and allowed.
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u061c\u202a-\u202e\u2066-\u2069]")
# Any character of CONTROL, INVISIBLE or a tab: one scan clears a clean file, instead of three.
REFUSED_CHAR = re.compile(f"[{CONTROL.pattern[1:-1]}\t{INVISIBLE.pattern[1:-1]}]")
# The ASCII characters that are none of those. An ASCII file with nothing left after deleting
# them is clean, found by a byte translation that costs a seventh of the scan above.
PLAIN_ASCII = bytes([0x0A, 0x0D, *range(0x20, 0x7F)])


def clean_ascii(raw: bytes, allowed: bytes = PLAIN_ASCII) -> bool:
    """Whether `raw` is ASCII made only of `allowed` bytes."""
    return raw.isascii() and not raw.translate(None, allowed)


def decode_utf8(raw: bytes, file: str, bom_message: str) -> tuple[str | None, Problem | None]:
    """UTF-8 without a byte-order mark, or the located reason why not (E103, E102)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, problem("E103", file, 1, 1, bom_message)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        prefix = raw[: err.start].decode("utf-8", errors="replace")
        at = position(prefix, len(prefix))
        message = f"Byte 0x{raw[err.start]:02x} at offset {err.start} is not valid UTF-8."
        return None, problem("E102", file, at.line, at.column, message)


def decode_text(
    raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[str | None, list[Problem]]:
    """Bytes to text under the file rules (UTF-8, no BOM, no control, invisible or tab characters)."""
    if len(raw) > limits.max_bytes:
        return None, [
            # "more than": the edge reads at most max_bytes + 1 bytes of an over-large file
            problem("E101", file, 1, 1, f"More than {limits.max_bytes:,} bytes (the limit).")
        ]
    text, refused = decode_utf8(
        raw, file, "The file starts with a UTF-8 byte-order mark (EF BB BF)."
    )
    if text is None:
        return None, [refused] if refused else []
    if clean_ascii(raw) or REFUSED_CHAR.search(text) is None:
        return text, []
    problems: list[Problem] = []
    bad = CONTROL.search(text)
    if bad:
        at = position(text, bad.start())
        problems.append(
            problem(
                "E104",
                file,
                at.line,
                at.column,
                f"Control character U+{ord(bad.group()):04X} in the file.",
            )
        )
    for count, tab in enumerate(re.finditer("\t", text)):
        if count == limits.max_reported:
            break
        at = position(text, tab.start())
        problems.append(problem("E105", file, at.line, at.column, "Tab character."))
    for count, hidden in enumerate(INVISIBLE.finditer(text)):
        if count == limits.max_reported:
            break
        at = position(text, hidden.start())
        char = hidden.group()
        problems.append(
            problem(
                "E114",
                file,
                at.line,
                at.column,
                f"Invisible character U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')}).",
            )
        )
    return (None if problems else text), problems
