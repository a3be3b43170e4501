"""JSON Schemas of the input files, generated from the pydantic models for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from eventset.schema.annotation import Annotation
from eventset.schema.registry import ActorRegistry, PlaceRegistry

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "annotation.schema.json": (Annotation, "eventset annotation (format 1)"),
    "actors.schema.json": (ActorRegistry, "eventset actor registry (format 1)"),
    "places.schema.json": (PlaceRegistry, "eventset place registry (format 1)"),
}


def json_schema(model: type[BaseModel], title: str, name: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://eventset.invalid/schemas/{name}",
        **schema,
        "title": title,
    }


def json_schema_texts() -> dict[str, str]:
    """File name -> JSON text, stable (sorted keys) so a stale committed copy shows in a diff."""
    return {
        name: json.dumps(
            json_schema(model, title, name), indent=2, sort_keys=True, ensure_ascii=False
        )
        + "\n"
        for name, (model, title) in SCHEMAS.items()
    }
