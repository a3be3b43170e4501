"""A starter annotation for a new seed: the document block filled from the seed itself."""

from __future__ import annotations

import json
import re

from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import INVISIBLE
from eventset.schema.fields import FORMAT_VERSION

SCHEMA_MODELINE = "# yaml-language-server: $schema=../../schema/annotation.schema.json"
_BYLINE = re.compile(r"^[ \t]*(By [^\n]{1,200}?)[ \t]*$", re.MULTILINE)


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid ones): non-ASCII stays readable, but
    invisible characters are written as escapes, which the validator requires (E114)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def starter_annotation(seed: Seed) -> str:
    """YAML text of a valid, empty annotation for `seed`; the annotator fills in the rest."""
    byline = _BYLINE.search(seed.text[:2000])
    published = (
        seed.published.isoformat() if seed.published else "YYYY-MM-DD  # not in the header: fill in"
    )
    title = _q(seed.title) if seed.title else '""  # not in the header: fill in'
    lines = [
        SCHEMA_MODELINE,
        f"format: {FORMAT_VERSION}",
        "document:",
        f"  id: {_q(seed.document_id)}",
        f"  sha256: {_q(seed.sha256)}",
        f"  published: {published}",
        f"  title: {title}",
        f"  byline: {_q(byline.group(1)) if byline else 'null'}",
        "  outlet: null  # registry actor id of the outlet, when the text or source says",
        '  language: "en"  # ISO 639-1; check it',
        "  licence: unknown  # decides whether the release may carry the text",
        'actors: []  # each: {actor: <registry id>, mentions: ["exact words"]}',
        "places: []",
        "events: []",
        "claims: []",
    ]
    return "\n".join(lines) + "\n"
