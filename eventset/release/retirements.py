"""Retired ids, read from the repository, and the rule that no id disappears without one.

Actors and places retire ids in their registries; events, claims and documents in
data/retired.yaml (eventset/schema/retired.py). The tables whose ids people cite are covered;
mentions (ids derived from the span) and event_actors (a composite of other ids) are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eventset.inputs.files import read_inside
from eventset.inputs.layout import Layout
from eventset.inputs.parse import parse_model
from eventset.problems import Problem
from eventset.release.diff import ReleaseDiff
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.retired import RetiredIds

RETIRABLE_TABLES = ("documents", "actors", "places", "events", "claims")
RETIRED_FILE = "data/retired.yaml"
MAX_CHAIN = 100  # replaced_by chains longer than this are treated as cycles


@dataclass
class Retirements:
    """table -> retired id -> the id replacing it (None: withdrawn without successor)."""

    tables: dict[str, dict[str, str | None]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0


def read_retirements(root: Path) -> Retirements:
    layout = Layout(root)
    result = Retirements({name: {} for name in RETIRABLE_TABLES})
    sources: list[tuple[Path, type[ActorRegistry] | type[PlaceRegistry] | type[RetiredIds]]] = [
        (layout.actors, ActorRegistry),
        (layout.places, PlaceRegistry),
    ]
    if layout.retired.exists():
        sources.append((layout.retired, RetiredIds))
    for path, model in sources:
        result.files_checked += 1
        raw = read_inside(layout, path)
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        parsed, _, problems = parse_model(raw, layout.shown(path), model)
        result.problems += problems
        if isinstance(parsed, ActorRegistry):
            result.tables["actors"] = {r.id: r.replaced_by for r in parsed.retired}
        elif isinstance(parsed, PlaceRegistry):
            result.tables["places"] = {r.id: r.replaced_by for r in parsed.retired}
        elif isinstance(parsed, RetiredIds):
            result.tables["events"] = {r.id: r.replaced_by for r in parsed.events}
            result.tables["claims"] = {r.id: r.replaced_by for r in parsed.claims}
            result.tables["documents"] = {r.id: r.replaced_by for r in parsed.documents}
    return result


def _successor(table: str, start: str, retired: dict[str, str | None]) -> str | None:
    """Follow replaced_by from a retired id to the id it ends at (None: withdrawn)."""
    current: str | None = start
    for _ in range(MAX_CHAIN):
        if current is None or current not in retired:
            return current
        current = retired[current]
    return current


def retirement_errors(
    diff: ReleaseDiff, retirements: Retirements, new_ids: dict[str, set[str]]
) -> list[str]:
    """Why the new release may not be published: removed ids without a retirement record,
    retired ids that reappear, and successors that are not in the new release."""
    errors: list[str] = []
    for table in RETIRABLE_TABLES:
        retired = retirements.tables.get(table, {})
        present = new_ids.get(table, set())
        try:
            removed = diff.table(table).removed
        except StopIteration:
            removed = []
        for old_id in removed:
            if old_id not in retired:
                errors.append(
                    f"{table}: {old_id!r} was in {diff.old_version} and is gone, with no retirement "
                    f"record. Ids are never dropped silently: add {{id: {old_id}, replaced_by: "
                    f"<new id or null>, reason: ...}} to {_where(table)}."
                )
                continue
            successor = _successor(table, old_id, retired)
            if successor is not None and successor not in present:
                errors.append(
                    f"{table}: {old_id!r} is retired in favour of {successor!r}, which is not "
                    f"in this release; fix replaced_by in {_where(table)}."
                )
        errors += [
            f"{table}: {reused!r} is retired in {_where(table)} but is in this release again; "
            "retired ids are never reused."
            for reused in sorted(set(retired) & present)
        ]
    return errors


def _where(table: str) -> str:
    return {"actors": "data/actors.yaml (retired:)", "places": "data/places.yaml (retired:)"}.get(
        table, f"{RETIRED_FILE} ({table}:)"
    )
