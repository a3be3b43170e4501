"""The codebook (Markdown), generated from the table specs and the vocabularies."""

from __future__ import annotations

from eventset.schema.tables import SCHEMA_VERSION, TABLES, Column
from eventset.schema.vocab import event_crosswalk, event_modes, vocabulary

_LIST_LIMIT = 30  # vocabularies longer than this (countries, languages) are referenced, not listed


def _constraints(col: Column) -> str:
    parts = []
    if col.unique:
        parts.append("unique")
    if col.pattern:
        parts.append(f"matches `{col.pattern}`")
    if col.vocabulary:
        parts.append(f"code of [{col.vocabulary}](#vocabulary-{col.vocabulary.replace('_', '-')})")
    if col.ge is not None:
        parts.append(f">= {col.ge:g}")
    if col.le is not None:
        parts.append(f"<= {col.le:g}")
    if col.references:
        parts.append(f"-> `{col.references[0]}.{col.references[1]}`")
    return ", ".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def codebook() -> str:
    lines = [
        "# eventset codebook",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from `eventset/schema/tables.py` and the",
        "vocabularies in `eventset/schema/vocabularies/`; do not edit by hand.",
        "",
        "Offsets (`mentions.char_start`, `mentions.char_end`) count Unicode code points into the document text",
        "exactly as stored (no newline or normalisation changes), end exclusive: in Python,",
        "`open(path, encoding='utf-8', newline='').read()[char_start:char_end] == quote`.",
        "",
        "## Tables",
        "",
    ]
    for table in TABLES:
        lines += [
            f"### {table.name}",
            "",
            _cell(table.description),
            "",
            f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.",
            "",
            "| column | type | null | constraints | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for col in table.columns:
            lines.append(
                f"| `{col.name}` | {col.dtype} | {'yes' if col.nullable else 'no'} | {_cell(_constraints(col))} "
                f"| {_cell(col.description)} |"
            )
        if table.row_checks:
            lines += ["", "Row rules:", ""]
            lines += [f"- `{check.name}`: {check.description}." for check in table.row_checks]
        lines.append("")
    lines += ["## Vocabularies", ""]
    used = sorted({col.vocabulary for table in TABLES for col in table.columns if col.vocabulary})
    for name in used:
        vocab = vocabulary(name)
        lines += [f"### vocabulary: {name}", "", _cell(vocab.description), ""]
        if len(vocab.codes) > _LIST_LIMIT:
            lines += [
                f"{len(vocab.codes)} codes; see `eventset/schema/vocabularies/{name}.yaml`.",
                "",
            ]
            continue
        lines += ["| code | description |", "| --- | --- |"]
        lines += [f"| `{code.code}` | {_cell(code.description)} |" for code in vocab.codes]
        lines.append("")
    lines += [
        "### event modes",
        "",
        "`events.mode` is one of the modes of the event's type, with the crosswalk it implies.",
        "",
        "| type | mode | description | ACLED sub-event type | CAMEO | GTD attacktype |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for event_type in vocabulary("event_types").values():
        for mode in event_modes(event_type).codes:
            walk = event_crosswalk(event_type, mode.code)
            lines.append(
                f"| {event_type} | `{mode.code}` | {_cell(mode.description)} | {walk.acled_sub_event_type or ''} "
                f"| {walk.cameo_code or ''} | {walk.gtd_attacktype or ''} |"
            )
    lines.append("")
    return "\n".join(lines)
