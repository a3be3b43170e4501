"""The agreement a release carries: `agreement.json` (written by the build from the codings,
eventset/agreement/), rendered for the card and the codebook, and compared between releases.

This module reads only the JSON, so a release's card and diff never need the scoring code.
"""

from __future__ import annotations

from typing import Any

AGREEMENT_FILE = "agreement.json"

# Krippendorff's own guidance (Content Analysis, 2004/2019): rely on variables with
# alpha >= .800, draw tentative conclusions only from .667 <= alpha < .800, discard the rest.
RELIABLE, TENTATIVE = 0.800, 0.667
# An alpha that moves less than this between releases is not reported as a change.
CHANGE = 0.005

_HEAD = ("table", "field", "level", "alpha", "95% CI", "units", "coders", "alpha (matched)")


def verdict(alpha: float | None) -> str:
    if alpha is None:
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def table_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    """The agreement table's header and rows, as text cells."""
    rows: list[tuple[str, ...]] = [_HEAD]
    for f in data.get("fields", []):
        ci = f.get("ci95")
        rows.append(
            (
                f["table"],
                f["field"],
                f["level"],
                _num(f["alpha"]),
                "n/a" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]",
                str(f["units"]),
                str(f["coders"]),
                _num(f["matched_units"]["alpha"]),
            )
        )
    return rows


def summary_lines(data: dict[str, Any]) -> list[str]:
    m, events, parts, claims = (data[k] for k in ("mentions", "events", "participants", "claims"))
    return [
        f"mentions: span F1 exact {_num(m['exact_f1'])}, overlapping {_num(m['overlap_f1'])} "
        f"({m['pairs']} pair(s) of codings)",
        f"events coded by every coder: {_pct(events['rate'])} "
        f"({events['matched']} of {events['units']})",
        f"participants coded by every coder (in events all found): {_pct(parts['rate'])} "
        f"({parts['matched']} of {parts['units']})",
        f"claims coded by every coder: {_pct(claims['rate'])} "
        f"({claims['matched']} of {claims['units']})",
    ]


def no_double_coding(data: dict[str, Any] | None) -> bool:
    return data is None or not data.get("documents_scored")


NONE_SENTENCE = (
    "No document of this release was coded independently by two or more coders, so no "
    "intercoder agreement can be reported: the reliability of its fields is unmeasured."
)


def agreement_markdown(data: dict[str, Any]) -> str:
    """The Markdown agreement table with its summary lines (or the sentence saying there is
    none)."""
    if no_double_coding(data):
        return NONE_SENTENCE + "\n"
    rows = table_rows(data)
    lines = [
        "| " + " | ".join(rows[0]) + " |",
        "| " + " | ".join("---" for _ in rows[0]) + " |",
        *("| " + " | ".join(f"`{c}`" if i == 1 else c for i, c in enumerate(r)) + " |"
          for r in rows[1:]),
        "",
        *(f"- {line}" for line in summary_lines(data)),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def agreement_section(
    data: dict[str, Any] | None, total: int | None = None, heading: str = "##"
) -> list[str]:
    """The card's and codebook's section on intercoder agreement; `total`: the documents of
    the release, when known."""
    lines = [f"{heading} Intercoder agreement", ""]
    if data is None or no_double_coding(data):
        return [*lines, NONE_SENTENCE, ""]
    documents = data["documents"]
    selection = documents.get("selection") or (
        "How they were chosen is not documented (data/codings/README.md is missing)."
    )
    of_total = f" of {total:,}" if total is not None else ""
    lines += [
        f"{documents['doubly_coded']:,}{of_total} documents were coded "
        f"independently by two or more of {len(data['coders'])} coders "
        f"({documents['with_codings']:,} have at least one independent coding; "
        "`documents.coding_count` says how many each has). " + selection,
        "",
        "Krippendorff's alpha per field, with a bootstrap 95% interval (1,000 resamples of "
        "units). Units are aligned across codings by the words they quote, never by ids. In "
        "nominal fields a unit that a coder did not code counts as a disagreement; `alpha "
        "(matched)` is computed over the units every coder coded. By Krippendorff's guidance, "
        f"rely on fields with alpha >= {RELIABLE:.3f} and draw only tentative conclusions from "
        f"those with {TENTATIVE:.3f} <= alpha < {RELIABLE:.3f}. `agreement.json` holds the "
        "same figures for machines.",
        "",
        agreement_markdown(data).rstrip("\n"),
        "",
    ]
    return lines


def agreement_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """How agreement moved between two releases: documents scored, and each field whose alpha
    changed by CHANGE or more (or became defined or undefined)."""
    before = {(f["table"], f["field"]): f["alpha"] for f in (old or {}).get("fields", [])}
    after = {(f["table"], f["field"]): f["alpha"] for f in (new or {}).get("fields", [])}
    fields = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if (a is None) != (b is None) or (a is not None and b is not None and abs(b - a) >= CHANGE):
            fields.append({"table": key[0], "field": key[1], "old": a, "new": b})
    return {
        "documents_scored": {
            "old": (old or {}).get("documents_scored", 0),
            "new": (new or {}).get("documents_scored", 0),
        },
        "fields": fields,
    }


def changes_markdown(changes: dict[str, Any], heading: str) -> list[str]:
    scored = changes["documents_scored"]
    if not changes["fields"] and scored["old"] == scored["new"]:
        return []
    lines = [
        f"{heading} Intercoder agreement",
        "",
        f"Documents coded by two or more coders: {scored['old']:,} -> {scored['new']:,}.",
        "",
    ]
    if changes["fields"]:
        lines += ["| table | field | alpha before | alpha now |", "| --- | --- | ---: | ---: |"]
        lines += [
            f"| {f['table']} | `{f['field']}` | {_num(f['old'])} | {_num(f['new'])} |"
            for f in changes["fields"]
        ]
        lines.append("")
    return lines
