"""How faithfully PLOVER records survive import, build and export: per record, whether the
event category (2024 names) and the exact actor and recipient texts came back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventset.imports.plover import CATEGORIES


@dataclass(frozen=True)
class Comparison:
    record_id: str
    kept: bool
    reason: str  # empty when kept


def _texts(entities: object) -> list[str]:
    if not isinstance(entities, list):
        return []
    return sorted(
        str(e.get("actorText") if "actorText" in e else e.get("entity_text"))
        for e in entities
        if isinstance(e, Mapping)
    )


def compare(
    records: Sequence[Mapping[str, Any]], exported: Sequence[Mapping[str, Any]]
) -> list[Comparison]:
    """One comparison per event record (the file's header record is not an event)."""
    by_id = {str(rec["id"]).lower(): rec for rec in exported}
    seen: set[str] = set()
    out = []
    for record in records:
        if record.get("event") == "DOCUMENT":
            continue
        record_id = str(record.get("id"))
        key = record_id.lower()
        back = by_id.get(key) if key not in seen else None
        seen.add(key)
        if back is None:
            out.append(Comparison(record_id, False, "not imported"))
            continue
        name = str(record.get("event"))
        category = CATEGORIES.get(name, (name, None))[0]
        problems = []
        if back["event"] != [category]:
            problems.append(f"category {back['event']} instead of {category}")
        if sorted(set(_texts(record.get("source")))) != _texts(back["actor"]):
            problems.append("actor texts differ")
        if sorted(set(_texts(record.get("target")))) != _texts(back["recipient"]):
            problems.append("recipient texts differ")
        out.append(Comparison(record_id, not problems, "; ".join(problems)))
    return out
