"""A pull request's summary in Markdown: the checks' verdict, every problem linked to its
file and line, the fact-level diff against the base branch's build, and where the site is.

CI writes it to the job summary and, where the repository allows, into one comment that it
updates; it is plain Markdown, so it reads the same pasted anywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventset.problems import CODES, Problem, Severity
from eventset.release.diff import ReleaseDiff

MARKER = "<!-- eventset-review -->"  # finds the comment to update
ANNOTATIONS = "data/annotations/"
PROBLEMS_SHOWN = 200  # problems listed one by one; the rest are counted (all are in the log)


def read_problems(path: Path) -> list[Problem]:
    """Problems as `eventset validate --format json` writes them."""
    rows: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a JSON list of problems")
    problems = []
    for r in rows:
        if r["code"] not in CODES:
            raise ValueError(f"{path}: unknown problem code {r['code']!r}")
        severity: Severity = "warning" if r.get("severity") == "warning" else "error"
        problems.append(
            Problem(
                str(r["file"]),
                int(r["line"]),
                int(r["column"]),
                str(r["code"]),
                str(r["message"]),
                str(r.get("hint", "")),
                severity,
            )
        )
    return problems


@dataclass
class Review:
    checks: dict[str, str]  # check -> "success" | "failure" | "skipped" | ...
    problems: list[Problem] = field(default_factory=list)
    diff: ReleaseDiff | None = None
    source_url: str = ""  # where file links point: .../blob/<commit>/
    site_url: str = ""  # the site's download (the run's artifact)
    titles: Mapping[str, str] = field(default_factory=dict)  # document id -> title


def _escape(text: str) -> str:
    """Text from a contributor's file, shown as text: no Markdown or HTML of its own."""
    out = " ".join(text.split())
    for char in "\\`*_[]<>|":
        out = out.replace(char, "\\" + char)
    return out


def passed(review: Review) -> bool:
    errors = [p for p in review.problems if p.severity == "error"]
    return not errors and all(o in ("success", "skipped") for o in review.checks.values())


def changed_documents(review: Review) -> list[str]:
    """Documents whose page a reviewer should open: added or re-annotated, or failing."""
    ids: set[str] = set()
    if review.diff is not None:
        documents = next((t for t in review.diff.tables if t.table == "documents"), None)
        if documents is not None:
            ids.update(documents.added)
            ids.update(documents.changed)
    for p in review.problems:
        if p.file.startswith(ANNOTATIONS) and p.file.endswith(".yaml"):
            ids.add(p.file.removeprefix(ANNOTATIONS).removesuffix(".yaml"))
    return sorted(ids)


def _location(review: Review, p: Problem) -> str:
    where = f"{p.file}:{p.line}:{p.column}"
    if not review.source_url:
        return f"`{where}`"
    return f"[`{where}`]({review.source_url.rstrip('/')}/{p.file}#L{p.line})"


def render(review: Review, *, max_chars: int | None = None) -> str:
    ok = passed(review)
    errors = sum(p.severity == "error" for p in review.problems)
    warnings = len(review.problems) - errors
    verdict = (
        "passed"
        if ok
        else "failed"
        + (f": {errors} error(s)" if errors else "")
        + (f", {warnings} warning(s)" if warnings else "")
    )
    lines = [MARKER, f"## eventset review: {'✅' if ok else '❌'} {verdict}", ""]
    if review.checks:
        lines += ["| check | result |", "| --- | --- |"]
        lines += [f"| {name} | {outcome} |" for name, outcome in review.checks.items()]
        lines.append("")
    if review.problems:
        lines += [f"### Problems ({len(review.problems)})", ""]
        for p in review.problems[:PROBLEMS_SHOWN]:
            hint = f" Hint: {_escape(p.hint)}" if p.hint else ""
            lines.append(
                f"- {_location(review, p)} **{p.code}** {p.name} ({p.severity}): "
                f"{_escape(p.message)}{hint}"
            )
        if len(review.problems) > PROBLEMS_SHOWN:
            lines.append(
                f"- and {len(review.problems) - PROBLEMS_SHOWN} more: see the job's log "
                "(every problem is an annotation on the diff)."
            )
        lines.append("")
    lines += ["### What changes, fact by fact", ""]
    if review.diff is None:
        lines += ["No build to compare: the pull request's data does not build.", ""]
    else:
        if any(p.severity == "error" for p in review.problems):
            # A build with errors is one of what validates (review-site): say what it lacks.
            lines += [
                "Only the documents that validate are built; the failing ones are left out of "
                "this comparison.",
                "",
            ]
        body = review.diff.markdown(heading_level=4)
        lines += [body.split("\n", 1)[1].lstrip("\n") if body.startswith("####") else body, ""]
    lines += ["### The site", ""]
    if review.site_url:
        lines.append(
            f"- [Download the site]({review.site_url}) (a zip): unzip it and open `index.html`."
        )
    documents = changed_documents(review)
    if documents:
        lines.append("- The documents this pull request touches, in the site:")
        for d in documents:
            title = review.titles.get(d)
            lines.append(f"  - `documents/{d}.html`" + (f": {_escape(title)}" if title else ""))
    lines.append("")
    text = "\n".join(lines)
    if max_chars is not None and len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars - 200)
        text = text[:cut] + "\n\n… cut here: the job summary of the run has everything.\n"
    return text


def outcomes(pairs: Sequence[str]) -> dict[str, str]:
    """`name=outcome` pairs, as the workflow passes its steps' outcomes."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, outcome = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"{pair!r} is not name=outcome")
        found[name] = outcome or "skipped"
    return found
