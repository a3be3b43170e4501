"""A starter annotation for a new seed: the document block filled from the seed itself, and a
proposal to review: the registry actors and places the text names (by name, or by description
with a note), the dates it gives, and the events and claims its cue words suggest.

Everything proposed validates as written, so the annotator's work is to delete what is wrong and
add what is missing. Dates, events and claims are proposed as comments, ready to paste or
uncomment, because each needs the annotator's judgement (which event a date belongs to, the
participants of an event, whether a claim is what its cue word says).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import INVISIBLE, position
from eventset.schema.fields import FORMAT_VERSION
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.selectors import shortest_selector
from eventset.schema.vocab import evidence_cues
from eventset.schema.yaml_writer import flow_yaml
from eventset.workbench.dates import ProposedDate, propose_dates
from eventset.workbench.descriptions import propose_descriptions, without_extended
from eventset.workbench.facts import ProposedClaim, ProposedEvent, propose_claims, propose_events
from eventset.workbench.proposal import Mention, Target, propose_mentions, surface_forms

# The registry's actor for the voice of a document whose outlet is not known (data/actors.yaml).
UNIDENTIFIED_OUTLET = "unidentified-outlet"
SCHEMA_MODELINE = "# yaml-language-server: $schema=../../schema/annotation.schema.json"
# Said only when there is a proposal: `eventset annotate` starts without one (its page proposes).
_PROPOSAL_NOTE = [
    "# Proposed from the registries: every actor and place name found in the text, and actors",
    "# named by description (with a note). Delete what the text does not mean, and add what",
    "# it names in other words.",
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
    """Mentions grouped by what they name; a name the registry holds for several entries is
    listed under each of them, with a note naming the others."""
    by_target: dict[Target, list[tuple[Mention, str]]] = {}
    for mention in mentions:
        targets = (mention.target, *mention.others)
        for target in targets:
            if target[0] != kind:
                continue
            note = mention.note
            if len(targets) > 1:
                others = ", ".join(f"{k} {i}" for k, i in targets if (k, i) != target)
                note = f"also the name of {others}: keep the one the text means"
            by_target.setdefault(target, []).append((mention, note))
    if not by_target:
        return [f"{kind}s: []"]
    lines = [f"{kind}s:"]
    for (_, target_id), found in by_target.items():
        lines += [f"  - {kind}: {target_id}", "    mentions:"]
        noted: set[tuple[str, str]] = set()
        for mention, note in sorted(found, key=lambda f: f[0].start):
            shown = ""
            if note and (mention.quote, note) not in noted:
                noted.add((mention.quote, note))
                shown = f"  # {note}"
            lines.append(f"      - {_flow(mention.selector)}{shown}")
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


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _event_lines(events: list[ProposedEvent]) -> list[str]:
    if not events:
        return []
    lines = [
        "",
        "# Events the text may report: one candidate per sentence whose words trigger an event",
        "# type (evidence_cues.yaml). Check the type, keep one candidate per event, add its date,",
        "# place, participants, certainty and summary, then move it under `events:`.",
    ]
    for event in events:
        others = f"; or {', '.join(event.other_types[:3])}" if event.other_types else ""
        triggers = ", ".join(repr(t) for t in event.triggers[:4])
        lines.append(f"#   - id: {event.id}  # proposed: check the type ({triggers}{others})")
        lines.append(f"#     type: {event.type}")
        if event.mode is not None:
            lines.append(f"#     mode: {event.mode}")
        if event.fatalities is not None:
            lines.append(f"#     fatalities: {_flow(event.fatalities)}")
        lines.append(f"#     evidence: [{_flow(event.selector)}]")
    return lines


def claim_lines(claims: list[ProposedClaim], document_id: str, first: int = 1) -> list[str]:
    """Proposed claims as comments, numbered from `first` in their ids."""
    if not claims:
        return []
    lines = [
        "",
        "# Claims the text may make, from the cue words of each claim kind (evidence_cues.yaml).",
        "# Check the kind, claimant and `about` of each, then move it under `claims:`.",
    ]
    prefix = f"c-{_slug(document_id)[:13]}"
    for number, claim in enumerate(claims, first):
        notes = "; ".join((f"kind from {claim.cue!r}", *claim.notes))
        lines.append(f"#   - id: {prefix}-{number}  # proposed: {notes}")
        lines.append(f"#     claimant: {claim.claimant}")
        lines.append(f"#     kind: {claim.kind}")
        if claim.about_event is not None:
            lines.append(
                f"#     about: {{event: {claim.about_event}}}  # the event of its sentence or the one before"
            )
        if claim.value is not None:
            lines.append(f"#     value: {claim.value:g}")
        lines.append(f"#     summary: {_q(str(claim.selector['quote']))}  # say it in one line")
        lines.append(f"#     evidence: [{_flow(claim.selector)}]")
    return lines


def _byline_voice(
    text: str, byline: re.Match[str] | None, mentions: list[Mention], actors: ActorRegistry | None
) -> tuple[str | None, Mention | None]:
    """Whose voice the document speaks in: an actor the byline names, else the registry's
    unidentified outlet (proposed as what the byline's words name), else nobody."""
    if byline is None:
        return None, None
    start, end = byline.span(1)
    for mention in mentions:
        if start <= mention.start and mention.end <= end and mention.target[0] == "actor":
            return mention.target[1], None
    if actors is None or not any(a.id == UNIDENTIFIED_OUTLET for a in actors.actors):
        return None, None
    words = start + len("By ")
    quote = text[words:end]
    selector = shortest_selector(text, quote, words)
    note = "the byline names no registry outlet: the document's voice is the unidentified one"
    return UNIDENTIFIED_OUTLET, Mention(
        ("actor", UNIDENTIFIED_OUTLET), words, end, quote, selector, (), note
    )


Proposal = tuple[list[Mention], list[ProposedDate], list[ProposedEvent], list[ProposedClaim]]


def propose(
    seed: Seed, actors: ActorRegistry | None = None, places: PlaceRegistry | None = None
) -> Proposal:
    """Everything the starter proposes for `seed`, as data (the measurements read it)."""
    text = seed.text
    names = propose_mentions(text, surface_forms(actors, places))
    cues = evidence_cues("en")  # the starter's language until the annotator says otherwise
    mentions = list(names)
    if actors is not None and cues is not None:
        mentions = without_extended(names, propose_descriptions(text, names, actors, cues))
    voice, byline_mention = _byline_voice(text, _BYLINE.search(text[:2000]), mentions, actors)
    if byline_mention is not None:
        mentions.append(byline_mention)
    mentions.sort(key=lambda m: m.start)
    dates = propose_dates(text, seed.published, body_start(text)) if seed.published else []
    if cues is None:
        return mentions, dates, [], []
    byline = _BYLINE.search(text[:2000])
    begin = max(body_start(text), byline.end() if byline else 0)  # the byline reports nothing
    spans = [(m.start, m.end) for m in names]
    dated = [(d.offset, d.start.isoformat()) for d in dates]
    events = propose_events(text, begin, mentions, cues, dated)
    # A speaker is an actor: a name shared with a place ("Iraq") speaks as the actor.
    actor_mentions = [
        replace(m, target=next(t for t in (m.target, *m.others) if t[0] == "actor"))
        for m in mentions
        if any(k == "actor" for k, _ in (m.target, *m.others))
    ]
    claims = propose_claims(text, begin, actor_mentions, spans, cues, events, voice)
    return mentions, dates, events, claims


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
    mentions, dates, events, claims = propose(seed, actors, places)
    if actors is None and places is None:
        events, claims = [], []  # no registries, no proposal (`eventset annotate`'s page proposes)
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
        *_event_lines(events),
        *claim_lines(claims, seed.document_id),
    ]
    return "\n".join(lines) + "\n"
