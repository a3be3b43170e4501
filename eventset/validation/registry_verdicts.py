"""What the registries define and what is wrong with them, kept by content for `validate FILE`.

Checking a few files against the cache's index (indexed.py) needs of the registries only what
the corpus checks read (`Registries`: the ids each defines, the valid entries' names) and the
registries' own problems; not their models. Validating the models again from their kept JSON
(registry_cache.py), checking them and gathering their names was about 0.06 s of that command's
CPU at 100,000 documents, for files that rarely change. So the outcome itself is kept as JSON,
beside the document cache, under a hash of both files' bytes, their names and the code version:
the same bytes under the same code give the same ids, names and problems (positions included).
A registry that cannot be read (missing, refused) is never kept: its problem is found again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from eventset.inputs.files import read_inside
from eventset.inputs.layout import Layout
from eventset.problems import Problem
from eventset.validation.cache import code_version, default_cache_dir
from eventset.validation.corpus_checks import Names, Registries
from eventset.validation.registry_cache import keep
from eventset.validation.repository import Validation, load_registries


def folder() -> Path:
    return default_cache_dir() / "registry-verdicts"


def _entry(layout: Layout) -> Path | None:
    """The entry for both registries as they are now, or None when one cannot be read."""
    digest = hashlib.sha256(code_version().encode())
    for path in (layout.actors, layout.places):
        raw = read_inside(layout, path)
        if isinstance(raw, Problem):
            return None
        for part in (layout.shown(path).encode(), raw):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
    return folder() / f"{digest.hexdigest()}.json"


def checked_registries(layout: Layout, result: Validation) -> Registries:
    """`load_registries` without the models (`result.actors` and `result.places` stay None):
    the same registries, problems and files checked, from the cache when both files' bytes were
    checked before."""
    entry = _entry(layout)
    if entry is not None:
        try:
            kept = json.loads(entry.read_bytes())
            registries = _registries(kept["registries"])
            problems = [Problem(**item) for item in kept["problems"]]
            checked = int(kept["files_checked"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no entry, or a damaged one: checked again below
        else:
            result.problems += problems
            result.files_checked += checked
            return registries
    found = Validation()
    registries = load_registries(layout, found)
    result.problems += found.problems
    result.files_checked += found.files_checked
    # Kept only when the files are still the bytes the entry names (neither was edited while
    # they were checked).
    if entry is not None and _entry(layout) == entry:
        content = {
            "registries": _as_json(registries),
            "problems": [vars(p) for p in found.problems],
            "files_checked": found.files_checked,
        }
        keep(entry, json.dumps(content, ensure_ascii=False).encode())
    return registries


def _as_json(registries: Registries) -> dict[str, Any]:
    names = registries.names
    return {
        "actors": None if registries.actors is None else sorted(registries.actors),
        "places": None if registries.places is None else sorted(registries.places),
        "names": None
        if names is None
        else {
            "actors": None if names.actors is None else dict(names.actors),
            "unnamed_actors": sorted(names.unnamed_actors),
            "places": None if names.places is None else dict(names.places),
            "place_parents": dict(names.place_parents),
        },
    }


def _registries(data: dict[str, Any]) -> Registries:
    names = data["names"]
    return Registries(
        actors=None if data["actors"] is None else frozenset(data["actors"]),
        places=None if data["places"] is None else frozenset(data["places"]),
        names=None
        if names is None
        else Names(
            actors=_named(names["actors"]),
            unnamed_actors=frozenset(names["unnamed_actors"]),
            places=_named(names["places"]),
            place_parents=dict(names["place_parents"]),
        ),
    )


def _named(data: dict[str, list[str]] | None) -> dict[str, tuple[str, ...]] | None:
    return None if data is None else {key: tuple(value) for key, value in data.items()}
