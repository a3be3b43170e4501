"""`eventset new --update FILE`: the mentions a registry edit now allows, added to an annotation
the annotator has already worked on, without touching a character of what is there.

What the file already says wins (see `new_mentions`): a span it marks, or a name it has decided
on elsewhere, is left alone. New mentions of an entry the file lists go at the end of
its `mentions:`; new entries at the end of `actors:` or `places:`. Text is only inserted, after
the last line of what it extends (comments on that line stay on it), so `git diff` shows
additions only. Each added line carries a `# proposed` comment for the annotator to review.
Claims whose claimant only a new mention names, in clauses no claim of the file quotes, are
appended as commented proposals, as `eventset new` writes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import INVISIBLE
from eventset.schema.annotation import Annotation
from eventset.schema.fields import Selector
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.validation.quotes import Span, find_quote
from eventset.workbench.proposal import Mention, Target
from eventset.workbench.starter import claim_lines, propose

_KEYS = {"actor": "actors", "place": "places"}


@dataclass(frozen=True)
class Update:
    """The updated text and what was added: (target, quote) per new mention."""

    text: str
    added: tuple[tuple[Target, str], ...]
    claims: int = 0  # claims proposed (as comments) that the new mentions allow


def _flow(value: object) -> str:
    """A selector as a YAML flow value (JSON is one) that fits a block or a flow list."""
    shown = json.dumps(value, ensure_ascii=False)
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def _spans(text: str, evidence: Sequence[Selector]) -> list[Span]:
    found = [find_quote(text, selector) for selector in evidence]
    return [span for span in found if isinstance(span, Span)]


def _marked(text: str, annotation: Annotation) -> list[tuple[Target, Span]]:
    found: list[tuple[Target, Span]] = []
    groups = [(("actor", a.actor), a.mentions) for a in annotation.actors]
    groups += [(("place", p.place), p.mentions) for p in annotation.places]
    for target, selectors in groups:
        for selector in selectors:
            span = find_quote(text, selector)
            if isinstance(span, Span):
                found.append((target, span))
    return found


def new_mentions(text: str, annotation: Annotation, proposed: Sequence[Mention]) -> list[Mention]:
    """The proposed mentions the file has not decided on, one per entry they name.

    For an entry the file lists, a span it marks (under any entry) is decided, and so is a name
    it marks anywhere (the annotator left this occurrence out, or chose another entry for the
    name). What is left is what the registries now allow: a new name or alias of a listed
    entry, or an entry the file does not list yet (a new one for a name it knows: "Baghdad"
    the city beside `iraq` the state). An entry the annotator deleted whole comes back, with
    the note to check it: the file keeps no record of deletions."""
    marked = _marked(text, annotation)
    listed = {target for target, _ in marked}
    names: dict[str, set[Target]] = {}
    for target, span in marked:
        names.setdefault(text[span.start : span.end], set()).add(target)
    fresh = []
    for mention in proposed:
        decided = names.get(mention.quote, set())
        if any(s.start < mention.end and mention.start < s.end for _, s in marked):
            decided = listed
        for target in (mention.target, *mention.others):
            if target in listed and decided:
                continue
            fresh.append(
                Mention(target, mention.start, mention.end, mention.quote, mention.selector)
            )
    return fresh


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end == -1 else end


def _dash_column(text: str, node: yaml.Node) -> int:
    """The column of the `- ` that opens a block sequence item."""
    line_start = text.rfind("\n", 0, node.start_mark.index) + 1
    dash = text.rfind("-", line_start, node.start_mark.index)
    return dash - line_start if dash >= 0 else node.start_mark.column


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]  # PyYAML's nodes are untyped
    return None


def _after(text: str, node: yaml.Node) -> int:
    """Where a line after `node` goes: the end of the line of its last scalar or flow list (a
    comment on that line stays on it; a block's own end mark lies past the comments after it)."""
    while not (isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False)):
        if isinstance(node, yaml.MappingNode) and node.value:
            node = node.value[-1][1]
        elif isinstance(node, yaml.SequenceNode) and node.value:
            node = node.value[-1]
        else:
            break
    return _line_end(text, node.end_mark.index)


_NOTE = "  # proposed by --update: check"
Edit = tuple[int, int, str]  # replace text[start:end] (empty but for the starter's "[]")


def _into_list(text: str, listed: yaml.SequenceNode, found: list[Mention]) -> Edit:
    if listed.flow_style:
        closing = listed.end_mark.index - 1  # the "]"
        return closing, closing, "".join(f", {_flow(m.selector)}" for m in found)
    last = listed.value[-1]
    indent = " " * _dash_column(text, last)
    at = _after(text, last)
    return at, at, "".join(f"\n{indent}- {_flow(m.selector)}{_NOTE}" for m in found)


def _new_entries(
    text: str, entries: yaml.SequenceNode, kind: str, blocks: list[tuple[str, str]]
) -> Edit:
    if entries.flow_style and entries.value:  # "[...]" with entries: add in the same style
        closing = entries.end_mark.index - 1
        added = "".join(f", {{{kind}: {i}, mentions: [{q}]}}" for i, q in blocks)
        return closing, closing, added
    if entries.flow_style:  # "[]", as the starter writes an empty list: a block replaces it
        lines = "".join(f"\n  - {kind}: {i}{_NOTE}\n    mentions: [{q}]" for i, q in blocks)
        start = entries.start_mark.index
        start -= text[:start].endswith(" ")  # "places: []" becomes "places:" and a block
        return start, entries.end_mark.index, lines
    last = entries.value[-1]
    indent = " " * _dash_column(text, last)
    at = _after(text, last)
    lines = "".join(f"\n{indent}- {kind}: {i}{_NOTE}\n{indent}  mentions: [{q}]" for i, q in blocks)
    return at, at, lines


def update_annotation(
    existing: str,
    seed: Seed,
    actors: ActorRegistry | None,
    places: PlaceRegistry | None,
    annotation: Annotation,
) -> Update:
    """`existing` (the text of `annotation`, a valid file) with the new proposals inserted."""
    mentions, _, _, claims = propose(seed, actors, places)
    fresh = new_mentions(seed.text, annotation, mentions)
    root = yaml.compose(existing, Loader=yaml.SafeLoader) if fresh else None
    if not isinstance(root, yaml.MappingNode):
        return Update(existing, ())
    # Claims whose claimant only a new mention names, where the file has no claim yet.
    claimed = [s for c in annotation.claims for s in _spans(seed.text, c.evidence)]
    newly_named = {m.target for m in fresh if m.target[0] == "actor"}
    new_claims = [
        c
        for c in claims
        if ("actor", c.claimant) in newly_named
        and not any(s.start < c.end and c.start < s.end for s in claimed)
    ]
    edits: list[Edit] = []
    added: list[tuple[Target, str]] = []
    for kind, key in _KEYS.items():
        wanted: dict[str, list[Mention]] = {}
        for mention in fresh:
            if mention.target[0] == kind:
                wanted.setdefault(mention.target[1], []).append(mention)
        entries = _value(root, key)
        if not wanted or not isinstance(entries, yaml.SequenceNode):
            continue  # nothing new, or no list to add to (not the starter's shape)
        listed: dict[str, yaml.Node] = {}
        for entry in entries.value:
            named = _value(entry, kind) if isinstance(entry, yaml.MappingNode) else None
            if isinstance(named, yaml.ScalarNode):
                listed.setdefault(str(named.value), entry)
        blocks = []
        for ident, found in wanted.items():
            added += [((kind, ident), m.quote) for m in found]
            item = listed.get(ident)
            own = _value(item, "mentions") if isinstance(item, yaml.MappingNode) else None
            if isinstance(own, yaml.SequenceNode) and own.value:
                edits.append(_into_list(existing, own, found))
            else:
                blocks.append((ident, ", ".join(_flow(m.selector) for m in found)))
        if blocks:
            edits.append(_new_entries(existing, entries, kind, blocks))
    text = existing
    for start, end, insert in sorted(edits, reverse=True):
        text = text[:start] + insert + text[end:]
    if new_claims:
        lines = claim_lines(new_claims, seed.document_id, len(annotation.claims) + 1)
        lines[1] = (
            "# Claims the new mentions allow (added by --update; cue words of evidence_cues.yaml)."
        )
        text += ("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n"
    return Update(text, tuple(added), len(new_claims))
