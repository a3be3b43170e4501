"""Registry files parsed once per content, as the documents are (cache.py).

Every command that reads the corpus reads both registries first, and at 100,000 documents
parsing them (YAML, then the models) is about 0.08 s of CPU a command, for files that change far
less often than the annotations. A registry that parsed without a problem is kept, beside the
document cache, as its model's JSON under a hash of its bytes and of the code version; the
next command with the same bytes validates that JSON into the model again (a fifth of the
cost) instead of parsing the YAML. A file with any problem is never kept: it is parsed each
time, so its problems keep their positions. The rebuild finds the last build's registries here
too (rebuild.py `_registry_edit`), parsed by the command that read them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from eventset.inputs.parse import parse_model
from eventset.inputs.yamlfile import REGISTRY_LIMITS, YamlDocument, decode_text
from eventset.problems import Problem
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.validation.cache import code_version, default_cache_dir

M = TypeVar("M", ActorRegistry, PlaceRegistry)

# Entries kept (the newest): the registries of today and of the last build, for a few
# checkouts; an entry is a few megabytes at most (REGISTRY_LIMITS).
KEPT = 8


def folder() -> Path:
    return default_cache_dir() / "registries"


def _entry(raw: bytes, model: type[M]) -> Path:
    digest = hashlib.sha256(f"{code_version()}\0{model.__name__}\0".encode())
    digest.update(raw)
    return folder() / f"{digest.hexdigest()}.json"


def parse_registry(
    raw: bytes, file: str, model: type[M]
) -> tuple[M | None, YamlDocument | None, list[Problem]]:
    """parse_model for a registry file: the same model and problems, from the cache when these
    bytes parsed without a problem before. The document of a cached parse holds the text only,
    for positions (its `data` is None: the model is what was kept)."""
    entry = _entry(raw, model)
    try:
        kept = model.model_validate_json(entry.read_bytes())
    except (OSError, ValidationError):
        kept = None  # no entry, or a damaged one: parsed again below
    if kept is not None:
        text, _ = decode_text(raw, file, REGISTRY_LIMITS)  # clean: these bytes were before
        return kept, YamlDocument(None, text=text), []
    registry, doc, problems = parse_model(raw, file, model)
    if registry is not None and not problems:
        content = registry.model_dump_json().encode()
        # Kept only when its JSON gives back the same model (a float JSON cannot hold, say, would
        # not): then a cached parse is the parse, by construction.
        try:
            same = model.model_validate_json(content) == registry
        except ValidationError:
            same = False
        if same:
            keep(entry, content)
    return registry, doc, problems


def keep(entry: Path, content: bytes) -> None:
    """Written beside and renamed into place (a reader sees a whole entry or none); the oldest
    entries beyond KEPT are dropped. A cache that cannot be written is only slower."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=".entry.", dir=entry.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        Path(staging).replace(entry)
    except OSError:
        Path(staging).unlink(missing_ok=True)
        return
    try:
        entries = sorted(entry.parent.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
        for old in entries[:-KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        return
