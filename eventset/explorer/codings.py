"""Pages comparing the independent codings of each doubly coded document (`eventset site
--codings ROOT`): the codings side by side, disagreements highlighted.

Codings are inputs of a repository, not part of a release, so these pages are written from the
repository (its data/codings/) beside the release's pages: `codings/index.html` lists the
documents coded two or more times and `codings/<document_id>.html` shows, for each coder, the
text with that coder's evidence (words every coder quoted in one colour, words only this coder
quoted in another), then every aligned event, participant and claim with the fields the coders
disagree on marked. Units are aligned as `eventset agree` aligns them (agreement/align.py).
The text is shown only when the release carries it (its licence allows); otherwise only the
quoted words are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from eventset.agreement.align import CLAIM_FIELDS, EVENT_FIELDS, Alignment, Span, Unit
from eventset.agreement.corpus import corpus_agreement
from eventset.explorer.context import environment
from eventset.explorer.text import Span as TextSpan
from eventset.explorer.text import segments
from eventset.release.load import load

NOT_CODED = "not coded"


def compared_text(text: str, mine: frozenset[Span], everyone: frozenset[Span]) -> str:
    """The text as HTML with one coder's spans marked: `agree` where every coder quoted the
    same span, `only` where this coder's span is not every coder's."""
    spans = [
        TextSpan(f"{start}-{end}", start, end, "agree" if (start, end) in everyone else "only")
        for start, end in sorted(mine)
    ]
    parts: list[str] = []
    for seg in segments(len(text), spans):
        words = escape(text[seg.start : seg.end], quote=False)
        if not seg.spans:
            parts.append(words)
            continue
        kind = "only" if any(s.category == "only" for s in seg.spans) else "agree"
        parts.append(f'<mark class="c-{kind}">{words}</mark>')
    return "".join(parts)


def _shown(name: str, value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) and name.startswith("date_") and name != "date_precision":
        return dt.date.fromordinal(value).isoformat()  # dates are aligned as day numbers
    return str(value)


def _rows(
    groups: list[dict[str, Unit]], coders: tuple[str, ...], names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """One row per aligned unit: each coder's value of each field, and which fields differ."""
    rows = []
    for group in groups:
        values = {
            name: {c: _shown(name, group[c].get(name)) if c in group else NOT_CODED for c in coders}
            for name in names
        }
        rows.append(
            {
                "ids": {c: group[c].uid if c in group else NOT_CODED for c in coders},
                "complete": len(group) == len(coders),
                "fields": [
                    {
                        "name": name,
                        "values": values[name],
                        "differs": len(set(values[name].values())) > 1,
                    }
                    for name in names
                ],
            }
        )
    return rows


def _participants(alignment: Alignment) -> list[dict[str, Any]]:
    rows = []
    for n, (group, actors) in enumerate(zip(alignment.events, alignment.participants, strict=True)):
        for actor, roles in actors.items():
            shown = {c: " + ".join(roles[c]) if c in roles else NOT_CODED for c in alignment.coders}
            rows.append(
                {
                    "event": n + 1,
                    "actor": actor,
                    "roles": shown,
                    "differs": len(set(shown.values())) > 1,
                    "event_complete": len(group) == len(alignment.coders),
                }
            )
    return rows


def document_context(alignment: Alignment, text: str | None) -> dict[str, Any]:
    coders = alignment.coders
    everyone = frozenset.intersection(*(alignment.mentions[c] for c in coders))
    texts = {
        c: compared_text(text, alignment.mentions[c], everyone) if text is not None else None
        for c in coders
    }
    return {
        "document_id": alignment.document_id,
        "coders": coders,
        "texts": texts,
        "spans": {c: len(alignment.mentions[c]) for c in coders},
        "shared_spans": len(everyone),
        "events": _rows(alignment.events, coders, EVENT_FIELDS),
        "participants": _participants(alignment),
        "claims": _rows(alignment.claims, coders, CLAIM_FIELDS),
    }


def release_documents(release: Path) -> dict[str, dict[str, Any]]:
    """The release's documents rows by id (title, and text where the licence allows)."""
    frame = load(path=release)["documents"].select("document_id", "title", "text")
    return {row["document_id"]: row for row in frame.iter_rows(named=True)}


def write_coding_pages(
    out: Path, root: Path, documents: Mapping[str, Mapping[str, Any]], version: str
) -> int:
    """Write codings/index.html and a page per document of the release that `root` codes two
    or more times; returns the number of pages written."""
    found = corpus_agreement(root, resamples=0, cache=False)
    env = environment()
    page = env.get_template("codings.html")
    listed = []
    folder = out / "codings"
    folder.mkdir(parents=True, exist_ok=True)
    for alignment in found.alignments:
        document = documents.get(alignment.document_id)
        if document is None or len(alignment.coders) < 2:
            continue
        context = document_context(alignment, document.get("text"))
        (folder / f"{alignment.document_id}.html").write_text(
            page.render(version=version, title=document.get("title", ""), **context),
            encoding="utf-8",
        )
        listed.append(
            {
                "document_id": alignment.document_id,
                "title": document.get("title", ""),
                "coders": alignment.coders,
                "disagreements": sum(
                    f["differs"]
                    for row in context["events"] + context["claims"]
                    for f in row["fields"]
                )
                + sum(row["differs"] for row in context["participants"]),
            }
        )
    (folder / "index.html").write_text(
        env.get_template("codings_index.html").render(version=version, documents=listed),
        encoding="utf-8",
    )
    return len(listed) + 1
