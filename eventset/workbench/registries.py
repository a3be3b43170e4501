"""Reading the registries for the workbench: what `eventset new` proposes names from."""

from __future__ import annotations

from eventset.inputs.files import read_inside
from eventset.inputs.layout import Layout
from eventset.inputs.parse import parse_model
from eventset.problems import Problem
from eventset.schema.registry import ActorRegistry, PlaceRegistry


def read_registries(
    layout: Layout,
) -> tuple[ActorRegistry | None, PlaceRegistry | None, list[Problem]]:
    """Both registries, or None for one that cannot be read (its problems say why); the
    proposal then simply names nothing from it."""
    problems: list[Problem] = []
    actors = places = None
    raw = read_inside(layout, layout.actors)
    if isinstance(raw, Problem):
        problems.append(raw)
    else:
        actors, _, found = parse_model(raw, layout.shown(layout.actors), ActorRegistry)
        problems += found
    raw = read_inside(layout, layout.places)
    if isinstance(raw, Problem):
        problems.append(raw)
    else:
        places, _, found = parse_model(raw, layout.shown(layout.places), PlaceRegistry)
        problems += found
    return actors, places, problems
