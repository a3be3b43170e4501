"""Each table's contract as a Frictionless Table Schema: language-neutral JSON, generated from
`tables.py`. The same schemas go into a release's datapackage.json and, one file per table,
into the repository's top-level `schema/` folder for tools that do not run Python."""

from __future__ import annotations

import json
from typing import Any

from eventset.schema.tables import TABLES, Column, Table
from eventset.schema.vocab import vocabulary

FRICTIONLESS_TYPES = {
    "string": "string",
    "int32": "integer",
    "int64": "integer",
    "float64": "number",
    "bool": "boolean",
    "date": "date",
    "list[string]": "array",
}


def _bound(column: Column, value: float) -> float | int:
    return int(value) if column.dtype.startswith("int") else value


def frictionless_field(column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": column.name,
        "type": FRICTIONLESS_TYPES[column.dtype],
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if not column.nullable:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.pattern is not None:
        # Frictionless patterns are XML Schema regexes, implicitly anchored at both ends.
        constraints["pattern"] = column.pattern.removeprefix("^").removesuffix("$")
    if column.vocabulary is not None:
        constraints["enum"] = list(vocabulary(column.vocabulary).values())
    if column.ge is not None:
        constraints["minimum"] = _bound(column, column.ge)
    if column.le is not None:
        constraints["maximum"] = _bound(column, column.le)
    if constraints:
        spec["constraints"] = constraints
    return spec


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless Table Schema of one table (fields, keys, foreign keys)."""
    schema: dict[str, Any] = {
        "fields": [frictionless_field(c) for c in table.columns],
        "primaryKey": list(table.primary_key),
    }
    foreign = [
        {
            # Lists, not bare strings: Table Schema 2.0 requires them and 1.0 accepts them.
            "fields": [c.name],
            # A reference to the same table is written with an empty resource name.
            "reference": {
                "resource": "" if c.references[0] == table.name else c.references[0],
                "fields": [c.references[1]],
            },
        }
        for c in table.columns
        if c.references is not None
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    schema["missingValues"] = [""]
    return schema


def table_schema_texts() -> dict[str, str]:
    """File name -> JSON text of every table's Table Schema, stable for a diff."""
    return {
        f"{table.name}.tableschema.json": json.dumps(
            {
                "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
                "title": f"eventset {table.name} table",
                "description": table.description,
                **table_schema(table),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
        for table in TABLES
    }
