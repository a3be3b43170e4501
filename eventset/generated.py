"""Files in the repository that are generated from the code, and a check that they are current."""

from __future__ import annotations

from pathlib import Path

from eventset.exports.docs import exports_markdown
from eventset.problems import CODES
from eventset.schema.codebook import codebook
from eventset.schema.jsonschema import json_schema_texts
from eventset.schema.table_schema import table_schema_texts
from eventset.schema.vocab import MIRROR, VOCABULARY_DIR, mirror_text


def error_code_reference() -> str:
    lines = [
        "# Error codes",
        "",
        "Generated from `eventset/problems.py` by `eventset generate`; do not edit by hand.",
        "Every problem `eventset validate` reports carries one of these codes, the file, line and",
        "column at fault, a message and a hint. Codes are stable: a code is never reused.",
        "",
    ]
    layers = {
        "file": "Files and YAML safety",
        "model": "Annotation models",
        "semantic": "Quotes, references and form",
        "meaning": "Meaning: evidence that fits the fact it supports (warnings)",
        "coders": "Codings and adjudication",
    }
    for layer, heading in layers.items():
        lines += [f"## {heading}", ""]
        if layer == "meaning":
            lines += [
                "These are warnings. `eventset validate` shows them and still succeeds; with",
                "`--strict` (as the pull-request workflow runs it) an unacknowledged warning",
                "fails. A build builds with them. Where the annotator knows better, the item",
                'says so: `accept: {W603: "the outlet\'s framing, no cue word"}`; the reason',
                "reaches the tables' `accepted_warnings` column. Cue words, negations and",
                "number words are data: `eventset/schema/vocabularies/evidence_cues.yaml`.",
                "",
            ]
        lines += [
            "| code | name | what is wrong | hint |",
            "| --- | --- | --- | --- |",
        ]
        for info in CODES.values():
            if info.layer == layer:
                hint = info.hint.replace("|", "\\|")
                lines.append(f"| {info.code} | `{info.name}` | {info.summary} | {hint} |")
        lines.append("")
    return "\n".join(lines)


def generated_files() -> dict[str, str]:
    """Repository-relative path -> the content it must have."""
    files = {f"schema/{name}": text for name, text in json_schema_texts().items()}
    files |= {f"schema/{name}": text for name, text in table_schema_texts().items()}
    files["docs/error-codes.md"] = error_code_reference()
    files["docs/codebook.md"] = codebook()
    files["docs/exports.md"] = exports_markdown()
    mirror = MIRROR.relative_to(VOCABULARY_DIR.parent.parent.parent).as_posix()
    files[mirror] = mirror_text()
    return files


def write_generated(root: Path) -> list[str]:
    changed = []
    for relative, content in generated_files().items():
        path = root / relative
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
            changed.append(relative)
    return changed


def stale_generated(root: Path) -> list[str]:
    return [
        relative
        for relative, content in generated_files().items()
        if not (root / relative).exists()
        or (root / relative).read_text(encoding="utf-8") != content
    ]
