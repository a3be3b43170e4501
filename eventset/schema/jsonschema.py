"""JSON Schemas of the input files, generated from the pydantic models for editors and CI.

They are written to the repository's top-level `schema/` folder by `eventset generate`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from eventset.schema.annotation import Annotation
from eventset.schema.fields import FORMAT_VERSION
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.retired import RetiredIds

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "annotation.schema.json": (Annotation, f"eventset annotation (format {FORMAT_VERSION})"),
    "actors.schema.json": (ActorRegistry, f"eventset actor registry (format {FORMAT_VERSION})"),
    "places.schema.json": (PlaceRegistry, f"eventset place registry (format {FORMAT_VERSION})"),
    "retired.schema.json": (RetiredIds, f"eventset retired ids (format {FORMAT_VERSION})"),
}


def json_schema(model: type[BaseModel], title: str, name: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://eventset.invalid/schema/{name}",
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
