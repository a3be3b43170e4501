"""What the annotator's page shows for the files as they are: the text with every mention and
piece of evidence highlighted (the explorer's rendering), the proposals still to review, the
events and claims with their words, the registries to search, and every problem the validator
finds, placed at its words with its hint and its one-click fixes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from eventset.annotator.actions import Files
from eventset.annotator.fixes import Fix
from eventset.annotator.proposed import dates_of
from eventset.explorer.text import Span, category, highlighted_html
from eventset.inputs.layout import Layout
from eventset.inputs.seeds import Seed
from eventset.inputs.yamlfile import YamlPath
from eventset.problems import Problem
from eventset.schema.annotation import Annotation
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.vocab import event_modes, vocabulary
from eventset.validation.evidence import evidence_items
from eventset.validation.quotes import QuoteError, find_quote
from eventset.workbench.proposal import propose_mentions, surface_forms


@dataclass(frozen=True)
class Shown:
    """What the page is drawn from: the session's files as they are on disk now."""

    seed: Seed
    root: Path
    paths: tuple[Path, Path, Path]  # annotation, actors, places
    annotation_text: bytes
    files: Files | None  # None when a file does not parse (its problems say why)
    load_problems: list[Problem]
    fixes: list[Fix]
    rejected: set[tuple[str, str, int, int]]  # proposals the annotator rejected
    history: tuple[int, int]  # how many steps can be undone, redone
    version: str


def _vocab() -> dict[str, Any]:
    names = {
        "types": "event_types",
        "roles": "participant_roles",
        "certainty": "certainty_levels",
        "claim_kinds": "claim_kinds",
        "modalities": "claim_modalities",
        "polarities": "claim_polarities",
        "date_precisions": "date_precisions",
        "geo_precisions": "geo_precisions",
        "actor_kinds": "actor_kinds",
        "place_kinds": "place_kinds",
    }
    found: dict[str, Any] = {
        key: [{"code": c.code, "description": c.description} for c in vocabulary(name).codes]
        for key, name in names.items()
    }
    found["modes"] = {t: list(event_modes(t).values()) for t in vocabulary("event_types").values()}
    return found


def _lines(root: yaml.Node | None, path: YamlPath) -> tuple[int, int] | None:
    """The first and last line (1-based) of the node at `path`."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return None
    if node is None:
        return None
    return node.start_mark.line + 1, node.end_mark.line + (0 if node.end_mark.column == 0 else 1)


def _entries(registry: ActorRegistry | PlaceRegistry | None) -> list[dict[str, Any]]:
    if registry is None:
        return []
    items = registry.actors if isinstance(registry, ActorRegistry) else registry.places
    return [
        {
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "country": e.country,
            "parent": e.parent,
            "aliases": list(e.aliases),
        }
        for e in items
    ]


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "severity": p.severity,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "message": p.message,
        "hint": p.hint,
        "mentions": [],
        "fixes": [],
    }


def _validate(shown: Shown) -> list[Problem]:
    from eventset.validation.changed import validate_files

    layout = Layout(shown.root)
    mine = {layout.shown(path) for path in shown.paths}
    result = validate_files(shown.root, [shown.paths[0]])
    return [p for p in result.problems if p.file in mine]


def page_state(shown: Shown) -> dict[str, Any]:
    """The page's whole state as JSON-ready data."""
    files, load_problems, fixes = shown.files, shown.load_problems, shown.fixes
    text = shown.seed.text
    actors = places = annotation = None
    if files is not None:
        try:
            actors = ActorRegistry.model_validate(files.actors)
            places = PlaceRegistry.model_validate(files.places)
        except ValidationError:
            actors = places = None
        try:
            annotation = Annotation.model_validate(files.annotation)
        except ValidationError:
            annotation = None
    try:
        root = yaml.compose(shown.annotation_text.decode(), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        root = None

    spans: list[Span] = []
    mentions: dict[str, dict[str, Any]] = {}
    lines: dict[int, list[str]] = {}
    items: dict[tuple[str, str], list[str]] = {}
    taken: set[tuple[int, int]] = set()
    if annotation is not None:
        for n, item in enumerate(evidence_items(annotation)):
            found = find_quote(text, item.selector)
            if isinstance(found, QuoteError):
                continue
            mid = f"m{n}"
            spans.append(Span(mid, found.start, found.end, category(item.target_kind, item.aspect)))
            mentions[mid] = {
                "kind": item.target_kind,
                "id": item.target_id,
                "aspect": item.aspect,
                "actor": item.actor_id,
                "role": item.role,
                "index": item.path[-1],
                "start": found.start,
                "end": found.end,
                "words": text[found.start : found.end],
            }
            where = _lines(root, item.path)
            if where is not None:
                for line in range(where[0], where[1] + 1):
                    lines.setdefault(line, []).append(mid)
            items.setdefault((item.target_kind, item.target_id), []).append(mid)
            if item.aspect == "name":
                taken.add((found.start, found.end))
    proposals = []
    if annotation is not None:
        for n, m in enumerate(propose_mentions(text, surface_forms(actors, places))):
            key = (m.target[0], m.target[1], m.start, m.end)
            if (m.start, m.end) in taken or key in shown.rejected:
                continue
            mid = f"p{n}"
            spans.append(Span(mid, m.start, m.end, "proposal"))
            proposals.append(mid)
            mentions[mid] = {
                "kind": m.target[0],
                "id": m.target[1],
                "aspect": "proposal",
                "start": m.start,
                "end": m.end,
                "words": m.quote,
                "others": [list(o) for o in m.others],
            }

    problems = [_problem(p) for p in load_problems]
    if not load_problems:
        problems += [_problem(p) for p in _validate(shown)]
    annotation_file = Layout(shown.root).shown(shown.paths[0])
    for listed in problems:
        if listed["file"] == annotation_file:
            listed["mentions"] = lines.get(listed["line"], [])
            for fix in fixes:
                where = _lines(root, fix.path)
                if listed["code"] in fix.codes and where and where[0] <= listed["line"] <= where[1]:
                    listed["fixes"].append({"key": fix.key, "label": fix.label})

    published = shown.seed.published
    dates = []
    if published is not None:
        for d in dates_of(text, published):
            data = d.as_data()
            dates.append(
                {
                    "offset": d.offset,
                    "start": d.start.isoformat(),
                    "end": d.end.isoformat() if d.end and d.end != d.start else None,
                    "precision": d.precision,
                    "derived": d.derived,
                    "scheduled": d.scheduled,
                    "note": d.note,
                    "words": str(data["evidence"][0]["quote"]),  # type: ignore[index]
                }
            )
    return {
        "version": shown.version,
        "document": {
            "id": shown.seed.document_id,
            "title": shown.seed.title,
            "published": published.isoformat() if published else None,
            "file": annotation_file,
        },
        "html": highlighted_html(text, spans),
        "length": len(text),
        "mentions": mentions,
        "proposals": proposals,
        "events": [
            {
                "id": e.id,
                "type": e.type,
                "mode": e.mode,
                "summary": e.summary,
                "date": e.date.start.isoformat() if e.date.start else None,
                "place": e.place.id if e.place else None,
                "participants": [[p.actor, p.role] for p in e.participants],
                "mentions": items.get(("event", e.id), []),
            }
            for e in (annotation.events if annotation else [])
        ],
        "claims": [
            {
                "id": c.id,
                "kind": c.kind,
                "claimant": c.claimant,
                "summary": c.summary,
                "about": c.about.model_dump(exclude_none=True),
                "mentions": items.get(("claim", c.id), []),
            }
            for c in (annotation.claims if annotation else [])
        ],
        "actors": _entries(actors),
        "places": _entries(places),
        "dates": dates,
        "problems": problems,
        "editable": files is not None,
        "undo": shown.history[0],
        "redo": shown.history[1],
    }


VOCAB = _vocab  # computed once per page load (`/api/vocab`), never per action


def asset(name: str) -> Path | None:
    """One of the page's own files, or None: nothing else is ever served."""
    folder = Path(__file__).parent / "assets"
    allowed = {p.name: p for p in folder.iterdir() if p.is_file()}
    return allowed.get(name)
