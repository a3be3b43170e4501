"""Agreement as JSON (machines, and the release's agreement.json), a terminal table, or
Markdown (the same table the release card shows, release/agreement_card.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eventset.agreement.alpha import BOOTSTRAP_RESAMPLES, FieldAlpha
from eventset.agreement.corpus import corpus_agreement
from eventset.agreement.score import Agreement, MatchRate
from eventset.inputs.layout import Layout
from eventset.release.agreement_card import (
    agreement_markdown,
    no_double_coding,
    summary_lines,
    table_rows,
    verdict,
)

# Where a repository says how its doubly coded documents were chosen (the card quotes it).
SELECTION_FILE = "README.md"


def _rate(rate: MatchRate) -> dict[str, Any]:
    return {"units": rate.units, "matched": rate.matched, "rate": rate.rate}


def _alpha(score: FieldAlpha) -> dict[str, Any]:
    return {
        "alpha": score.alpha,
        "ci95": None if score.low is None else [score.low, score.high],
        "units": score.units,
        "values": score.values,
        "coders": score.coders,
    }


def agreement_json(agreement: Agreement, documents: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agreement as plain data (the form of a release's agreement.json)."""
    m = agreement.mentions
    return {
        "coders": list(agreement.coders),
        "documents_scored": agreement.documents,
        **({"documents": documents} if documents is not None else {}),
        "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
        "fields": [
            {
                "table": f.spec.table,
                "field": f.spec.name,
                "level": f.spec.level,
                "description": f.spec.description,
                **_alpha(f.score),
                "verdict": verdict(f.score.alpha),
                "matched_units": _alpha(f.matched),
            }
            for f in agreement.fields
        ],
        "mentions": {"pairs": m.pairs, "exact_f1": m.exact_f1, "overlap_f1": m.overlap_f1},
        "events": _rate(agreement.events),
        "participants": _rate(agreement.participants),
        "claims": _rate(agreement.claims),
    }


def _selection(layout: Layout) -> str | None:
    """The first paragraph after the title of data/codings/README.md: how the documents were
    chosen for double coding."""
    path = layout.codings / SELECTION_FILE
    if not path.is_file() or path.is_symlink():
        return None
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
    text = [p for p in paragraphs if p and not p.startswith("#")]
    return " ".join(text[0].split()) if text else None


def release_agreement(root: Path, *, jobs: int = 1, cache: bool = True) -> dict[str, Any]:
    """agreement.json of a release of `root`. It depends on the codings alone (not on the
    annotations), so the build after an edit to annotations keeps it (rebuild.py)."""
    found = corpus_agreement(root, jobs=jobs, cache=cache)
    info = {
        "with_codings": len(found.coded),
        "doubly_coded": found.doubly_coded,
        "selection": _selection(Layout(root)),
    }
    return agreement_json(found.agreement, info)


def agreement_table(data: dict[str, Any]) -> str:
    """A plain text table for the terminal."""
    if no_double_coding(data):
        return "No document has two or more valid codings: nothing to score.\n"
    rows = table_rows(data)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        f"{data['documents_scored']} document(s) coded by 2+ of {len(data['coders'])} coder(s): "
        + ", ".join(data["coders"]),
        "",
    ]
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *summary_lines(data), ""])


def agreement_text(agreement: Agreement, fmt: str) -> str:
    data = agreement_json(agreement)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return agreement_markdown(data)
    return agreement_table(data)
