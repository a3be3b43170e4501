"""Agreement as a table (terminal), JSON (machines, releases) or Markdown (card, codebook)."""

from __future__ import annotations

import json
from typing import Any

from eventset.agreement.alpha import FieldAlpha
from eventset.agreement.score import Agreement, MatchRate, SpanScore

# Krippendorff's own guidance (Content Analysis, 2004/2019): rely on variables with alpha >= .800,
# draw tentative conclusions only from .667 <= alpha < .800, and discard the rest.
RELIABLE, TENTATIVE = 0.800, 0.667


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _interval(score: FieldAlpha) -> str:
    if score.low is None or score.high is None:
        return "n/a"
    return f"[{score.low:.3f}, {score.high:.3f}]"


def verdict(alpha: float | None) -> str:
    if alpha is None:
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _rate(rate: MatchRate) -> dict[str, Any]:
    return {"units": rate.units, "matched": rate.matched, "rate": rate.rate}


def _spans(spans: SpanScore) -> dict[str, Any]:
    return {"pairs": spans.pairs, "exact_f1": spans.exact_f1, "overlap_f1": spans.overlap_f1}


def _alpha(score: FieldAlpha) -> dict[str, Any]:
    return {
        "alpha": score.alpha,
        "ci95": None if score.low is None else [score.low, score.high],
        "units": score.units,
        "values": score.values,
        "coders": score.coders,
    }


def agreement_json(agreement: Agreement, documents: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agreement as plain data (what releases carry in agreement.json)."""
    return {
        "coders": list(agreement.coders),
        "documents_scored": agreement.documents,
        **({"documents": documents} if documents is not None else {}),
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
        "mentions": _spans(agreement.mentions),
        "events": _rate(agreement.events),
        "participants": _rate(agreement.participants),
        "claims": _rate(agreement.claims),
    }


_HEAD = ("table", "field", "level", "alpha", "95% CI", "units", "coders", "alpha (matched)")


def _rows(agreement: Agreement) -> list[tuple[str, ...]]:
    return [
        (
            f.spec.table,
            f.spec.name,
            f.spec.level,
            _num(f.score.alpha),
            _interval(f.score),
            str(f.score.units),
            str(f.score.coders),
            _num(f.matched.alpha),
        )
        for f in agreement.fields
    ]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _summary_lines(agreement: Agreement) -> list[str]:
    m = agreement.mentions
    return [
        f"mentions: span F1 exact {_num(m.exact_f1)}, overlapping {_num(m.overlap_f1)} "
        f"({m.pairs} pair(s) of codings)",
        f"events coded by every coder: {_pct(agreement.events.rate)} "
        f"({agreement.events.matched} of {agreement.events.units})",
        f"participants coded by every coder (in matched events): "
        f"{_pct(agreement.participants.rate)} "
        f"({agreement.participants.matched} of {agreement.participants.units})",
        f"claims coded by every coder: {_pct(agreement.claims.rate)} "
        f"({agreement.claims.matched} of {agreement.claims.units})",
    ]


def agreement_table(agreement: Agreement) -> str:
    """A plain text table for the terminal."""
    if not agreement.documents:
        return "No document has two or more valid codings: nothing to score.\n"
    rows = [_HEAD, *_rows(agreement)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    lines = [
        f"{agreement.documents} document(s) coded by 2+ of {len(agreement.coders)} coder(s): "
        + ", ".join(agreement.coders),
        "",
    ]
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *_summary_lines(agreement), ""])


def agreement_markdown(agreement: Agreement) -> str:
    """The Markdown table of the card and the codebook."""
    if not agreement.documents:
        return "No document has two or more valid codings: nothing to score.\n"
    lines = [
        "| " + " | ".join(_HEAD) + " |",
        "| " + " | ".join("---" for _ in _HEAD) + " |",
        *("| " + " | ".join(f"`{c}`" if i == 1 else c for i, c in enumerate(r)) + " |"
          for r in _rows(agreement)),
        "",
        *(f"- {line}" for line in _summary_lines(agreement)),
        "",
    ]  # fmt: skip
    return "\n".join(lines)


def agreement_text(agreement: Agreement, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(agreement_json(agreement), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return agreement_markdown(agreement)
    return agreement_table(agreement)
