"""Assembling the release tables (tables/assemble.py): registry rows as the registries say."""

from __future__ import annotations

import polars as pl
import yaml

from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.tables.assemble import assemble_tables
from eventset.tables.compile import PER_DOCUMENT_TABLES, row_schema
from tests.conftest import REPO


def registries() -> tuple[ActorRegistry, PlaceRegistry]:
    actors = yaml.safe_load((REPO / "data" / "actors.yaml").read_text(encoding="utf-8"))
    places = yaml.safe_load((REPO / "data" / "places.yaml").read_text(encoding="utf-8"))
    return ActorRegistry.model_validate(actors), PlaceRegistry.model_validate(places)


def tables(actors: ActorRegistry, places: PlaceRegistry) -> dict[str, pl.DataFrame]:
    empty = {name: pl.DataFrame(schema=row_schema(name)) for name in PER_DOCUMENT_TABLES}
    return assemble_tables(empty, actors, places)


def test_registry_rows_carry_every_entry_with_its_aliases() -> None:
    actors, places = registries()
    built = tables(actors, places)
    rows = {row["actor_id"]: row for row in built["actors"].iter_rows(named=True)}
    assert sorted(rows) == sorted(a.id for a in actors.actors)
    for actor in actors.actors:
        assert rows[actor.id]["aliases"] == list(actor.aliases)
        assert rows[actor.id]["parent_id"] == actor.parent
    assert built["places"].height == len(places.places)
    assert built["actors"].get_column("actor_id").to_list() == sorted(rows)  # primary-key order


def test_a_scope_note_written_over_several_lines_becomes_one_line() -> None:
    actors, places = registries()
    first = actors.actors[0].model_copy(update={"description": "Line one,\n  line  two.\n"})
    built = tables(actors.model_copy(update={"actors": [first, *actors.actors[1:]]}), places)
    row = built["actors"].filter(pl.col("actor_id") == first.id)
    assert row.item(0, "description") == "Line one, line two."
