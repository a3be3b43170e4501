"""A starter annotation for a new seed: the document block filled from the seed itself, and a
proposal to review: the registry actors and places the text names, and the dates it gives.

Everything proposed validates as written, so the annotator's work is to delete what is wrong and
add what is missing. Dates are proposed as comments, ready to paste into an event's or claim's
`date:`, because a date belongs to an event the annotator has yet to define.
"""

from __future__ import annotations

import json
import re

from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import INVISIBLE, position
from eventset.schema.fields import FORMAT_VERSION
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.yaml_writer import flow_yaml
from eventset.workbench.dates import ProposedDate, propose_dates
from eventset.workbench.proposal import Mention, Target, propose_mentions, surface_forms

SCHEMA_MODELINE = "# yaml-language-server: $schema=../../schema/annotation.schema.json"
# Said only when there is a proposal: `eventset annotate` starts without one (its page proposes).
_PROPOSAL_NOTE = [
    "# Proposed from the registries: every actor and place name found in the text. Delete",
    "# what the text does not mean, and add what it names in other words.",
]
# An independent coding sits one folder deeper: data/codings/<coder>/<document_id>.yaml.
CODING_MODELINE = "# yaml-language-server: $schema=../../../schema/annotation.schema.json"
BLIND_NOTE = (
    "# Independent coding by {coder}: proposed from the registries and the text alone. Code the\n"
    "# document without looking at its annotation or anyone else's coding (CONTRIBUTING.md)."
)
_BYLINE = re.compile(r"^[ \t]*(By [^\n]{1,200}?)[ \t]*$", re.MULTILINE)


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid ones): non-ASCII stays readable, but
    invisible characters are written as escapes, which the validator requires (E114)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _flow(value: object) -> str:
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", flow_yaml(value))


def body_start(text: str) -> int:
    """Where the text after the header line begins."""
    newline = text.find("\n")
    return len(text) if newline == -1 else newline + 1


def _mention_blocks(kind: str, mentions: list[Mention]) -> list[str]:
    by_target: dict[Target, list[Mention]] = {}
    for mention in mentions:
        if mention.target[0] == kind:
            by_target.setdefault(mention.target, []).append(mention)
    if not by_target:
        return [f"{kind}s: []"]
    lines = [f"{kind}s:"]
    for (_, target_id), found in by_target.items():
        lines += [f"  - {kind}: {target_id}", "    mentions:"]
        noted: set[str] = set()
        for mention in found:
            note = ""
            if mention.others and mention.quote not in noted:
                noted.add(mention.quote)
                named = ", ".join(f"{k} {i}" for k, i in mention.others)
                note = f"  # also the name of {named}: keep the one the text means"
            lines.append(f"      - {_flow(mention.selector)}{note}")
    return lines


def _date_lines(text: str, dates: list[ProposedDate], published: str) -> list[str]:
    if not dates:
        return []
    lines = [
        "",
        f"# Dates the text gives, resolved against the publication date {published}. Review",
        "# each, then paste it under the `date:` of the event or claim it dates:",
    ]
    for date in dates:
        at = position(text, date.offset)
        lines.append(f"#   line {at.line}:{at.column}{': ' + date.note if date.note else ''}")
        lines.append(f"#     date: {_flow(date.as_data())}")
    return lines


def starter_annotation(
    seed: Seed,
    actors: ActorRegistry | None = None,
    places: PlaceRegistry | None = None,
    coder: str | None = None,
) -> str:
    """YAML text of a valid annotation for `seed` with the proposal; the annotator reviews it.
    With `coder`, the starter of that coder's independent coding (data/codings/<coder>/): the
    same proposal, which never reads any annotation or coding, only the registries and text."""
    byline = _BYLINE.search(seed.text[:2000])
    published = (
        seed.published.isoformat() if seed.published else "YYYY-MM-DD  # not in the header: fill in"
    )
    title = _q(seed.title) if seed.title else '""  # not in the header: fill in'
    mentions = propose_mentions(seed.text, surface_forms(actors, places))
    dates = (
        propose_dates(seed.text, seed.published, body_start(seed.text)) if seed.published else []
    )
    lines = [
        *(
            [SCHEMA_MODELINE]
            if coder is None
            else [CODING_MODELINE, BLIND_NOTE.format(coder=coder)]
        ),
        f"format: {FORMAT_VERSION}",
        "document:",
        f"  id: {_q(seed.document_id)}",
        f"  sha256: {_q(seed.sha256)}",
        f"  published: {published}",
        f"  title: {title}",
        f"  byline: {_q(byline.group(1)) if byline else 'null'}",
        "  outlet: null  # registry actor id of the outlet, when the text or source says",
        '  language: "en"  # ISO 639-1; check it',
        "  url: null  # where the text was published, when it was",
        "  licence: unknown  # decides whether the release may carry the text",
        "  origin: published  # or original (your own text) or synthetic (invented): both need",
        "  rights_holder: null  # an open licence such as cc_by_4_0; say who holds the rights",
        *(_PROPOSAL_NOTE if actors is not None or places is not None else []),
        *_mention_blocks("actor", mentions),
        *_mention_blocks("place", mentions),
        "events: []",
        "claims: []",
        *_date_lines(seed.text, dates, published),
    ]
    return "\n".join(lines) + "\n"
