"""The codebook (Markdown), generated from the table specs and the vocabularies."""

from __future__ import annotations

from eventset.schema.tables import SCHEMA_VERSION, TABLES, Column
from eventset.schema.vocab import event_crosswalk, event_modes, evidence_cues, vocabulary

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
    lines += crosswalk_tables()
    lines += cue_word_tables()
    return "\n".join(lines)


def cue_word_tables() -> list[str]:
    """The words the meaning checks read in evidence (`evidence_cues.yaml`), per language."""
    vocab = vocabulary("evidence_cues")
    lines = ["## Evidence cue words", "", _cell(vocab.description), ""]
    lines += [
        "Patterns match whole words ignoring case; `*` ends a stem, `...` bridges up to four",
        "words. A kind marked 'not checked' may be said in any words; its cues serve proposals.",
        "",
    ]
    for language in vocab.values():
        cues = evidence_cues(language)
        assert cues is not None
        lines += [
            f"### {language}: claim kinds",
            "",
            f"Negations (up to {cues.negation_window} words before a cue, same clause): "
            f"{_words(cues.negations)}.",
            "",
            "| claim kind | checked | cue words |",
            "| --- | --- | --- |",
        ]
        for kind, spec in cues.claim_kinds.items():
            checked = "a number" if spec.number else "yes" if spec.required else "not checked"
            extra = f"; or {spec.negated_cues_of}'s, negated" if spec.negated_cues_of else ""
            lines.append(f"| `{kind}` | {checked} | {_words(spec.cues)}{extra} |")
        lines += [
            "",
            f"### {language}: event types",
            "",
            "| type | trigger words |",
            "| --- | --- |",
        ]
        for event_type, words in cues.event_types.items():
            modes = [
                f"mode `{mode}`: {_words(more)}"
                for (owner, mode), more in cues.event_modes.items()
                if owner == event_type
            ]
            lines.append(
                f"| {event_type} | {_words(words)}{'; ' if modes else ''}{'; '.join(modes)} |"
            )
        lines += [
            "",
            f"### {language}: for proposals (`eventset new`)",
            "",
            f"Framing, from which no claim is proposed: {_words(cues.framing)}.",
            "",
            "| actor kind | nouns that name one without its name |",
            "| --- | --- |",
        ]
        lines += [f"| `{kind}` | {_words(nouns)} |" for kind, nouns in cues.actor_nouns.items()]
        lines.append("")
    return lines


def _words(words: tuple[str, ...]) -> str:
    return _cell(", ".join(words))


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _cell(str(value))


def _field_table(name: str, fields: tuple[tuple[str, str], ...], intro: str) -> list[str]:
    lines = [f"### {name}", "", intro, ""]
    lines.append("| code | " + " | ".join(header for _, header in fields) + " |")
    lines.append("| --- |" + " --- |" * len(fields))
    for code in vocabulary(name).codes:
        cells = " | ".join(_value(code.fields.get(key)) for key, _ in fields)
        lines.append(f"| `{code.code}` | {cells} |")
    lines.append("")
    return lines


def crosswalk_tables() -> list[str]:
    """Each code with its counterparts in ACLED, UCDP GED, GTD, CAMEO and PLOVER."""
    lines = [
        "## Crosswalks",
        "",
        "Each code with its counterpart in the schemes analysts already use. An empty cell means",
        "no counterpart exists or the code alone does not decide it; it is never a guess. The",
        "`events` table carries the crosswalked columns; `eventset export` writes whole rows in",
        "UCDP GED, ACLED and PLOVER form (`docs/exports.md` lists every export column's source).",
        "",
        "### event types and modes",
        "",
        "PLOVER is the dataset's own scheme. ACLED's type for violence against civilians and for",
        "battles, UCDP's type of violence and GTD's target type also depend on who took part; the",
        "build computes them from the participants' actor kinds (next table), so the defaults",
        "below are refined or emptied per event (`acled_event_type`, `acled_civilian_targeting`,",
        "`ucdp_type_of_violence`, `gtd_targtype`).",
        "",
        "| PLOVER type | PLOVER mode | CAMEO | ACLED event type | ACLED sub-event type | GTD attacktype |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for event_type in vocabulary("event_types").values():
        for mode in (None, *event_modes(event_type).values()):
            walk = event_crosswalk(event_type, mode)
            lines.append(
                f"| {event_type} | {f'`{mode}`' if mode else '(none)'} | {_value(walk.cameo_code)} "
                f"| {_value(walk.acled_event_type)} | {_value(walk.acled_sub_event_type)} "
                f"| {_value(walk.gtd_attacktype)} |"
            )
    lines.append("")
    lines += _field_table(
        "actor_kinds",
        (
            ("civilian", "civilian (ACLED)"),
            ("ucdp_party", "UCDP party"),
            ("acled_inter", "ACLED inter"),
            ("gtd_targtype", "GTD targtype"),
            ("plover_sector", "PLOVER sector"),
        ),
        "What an actor kind decides: whether targeting it is civilian targeting (ACLED), which "
        "side it is in UCDP's type of violence (government, non-state, civilian), its ACLED "
        "inter code (state forces outside their own country are 8 in the ACLED export), "
        "its GTD target type and its PLOVER sector code.",
    )
    lines += _field_table(
        "participant_roles",
        (("plover_role", "PLOVER"), ("acled_actor", "ACLED")),
        "Where a participant's role puts it in PLOVER (actor or recipient) and ACLED.",
    )
    lines += _field_table(
        "date_precisions",
        (("acled_time_precision", "ACLED time_precision"), ("ucdp_date_prec", "UCDP date_prec")),
        "Date precision in ACLED and UCDP GED.",
    )
    lines += _field_table(
        "geo_precisions",
        (("acled_geo_precision", "ACLED geo_precision"), ("ucdp_where_prec", "UCDP where_prec")),
        "Location precision in ACLED and UCDP GED.",
    )
    lines += _field_table(
        "certainty_levels",
        (("ucdp_event_clarity", "UCDP event_clarity"),),
        "Certainty in UCDP GED.",
    )
    lines += _field_table(
        "claim_kinds", (("gtd_claimed", "GTD claimed"),), "Claim kinds in GTD's `claimed`."
    )
    return lines
