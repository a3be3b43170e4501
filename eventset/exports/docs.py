"""`docs/exports.md`, generated from the export modules' column lists."""

from __future__ import annotations

from eventset.exports import acled, plover, ucdp_ged
from eventset.exports.columns import ExportColumn


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(columns: tuple[ExportColumn, ...]) -> list[str]:
    lines = ["| # | column | type | value |", "| --- | --- | --- | --- |"]
    for number, col in enumerate(columns, 1):
        value = col.source if col.source is not None else f"**empty**: {col.empty}"
        lines.append(f"| {number} | `{col.name}` | {col.dtype} | {_cell(value)} |")
    return lines


def exports_markdown() -> str:
    empty_ucdp = sum(c.empty is not None for c in ucdp_ged.COLUMNS)
    empty_acled = sum(c.empty is not None for c in acled.COLUMNS)
    lines = [
        "# Exports: the release in UCDP GED, ACLED and PLOVER form",
        "",
        "Generated from `eventset/exports/` by `eventset generate`; do not edit by hand.",
        "",
        "```",
        "eventset export dist/eventset-dev --format ucdp-ged --out ged.parquet   # or .csv",
        "eventset export dist/eventset-dev --format acled --out acled.csv",
        "eventset export dist/eventset-dev --format plover --out events.jsonl",
        "```",
        "",
        "A column the dataset cannot fill is left empty (null), never invented; the table says",
        "where each value comes from or why the column is empty. Crosswalked codes come from the",
        "vocabularies (`eventset/schema/vocabularies/`) and, where they depend on who took part,",
        "from the participants' actor kinds (`eventset/schema/crosswalk.py`).",
        "",
        "The file is written beside `--out` and renamed onto it when complete, so a failed",
        "export leaves no half-written file; the folder of `--out` must exist.",
        "",
        "## Which rows: each peer's own inclusion rules",
        "",
        "By default an export holds the rows the peer dataset itself would hold, so that it",
        "mixes with the real data; `--all` writes every event the layout can express.",
        "",
        "- **UCDP GED**: organised violence with at least one death, UCDP's own rule: an",
        "  ASSAULT event whose participants decide a type of violence (state-based, non-state,",
        "  one-sided), `best` >= 1, and a start date. UCDP's 25-deaths-per-dyad-year threshold",
        "  (`active_year`) needs UCDP's dyads and is not applied. `low`, `best` and `high` are",
        "  never empty in GED: when only some are stated, `best` is the stated best, else the",
        "  low figure; `low` and `high` fall back to `best`.",
        "- **ACLED**: an ACLED event type and a start date (every ACLED row has an",
        "  `event_date`); `fatalities` is 0 when no death is reported, as ACLED codes it.",
        "- **PLOVER**: every event; `date` is required by the manual, so an event known only as",
        "  an interval without a start is dated by its earliest report (`date_basis`).",
        "",
        "## Reading the exports with pandas",
        "",
        "Parquet exports carry pandas metadata: a plain `pd.read_parquet` gives nullable `Int64`",
        "integer columns, `string` text and Python dates, exactly as it reads the real UCDP GED",
        "Parquet file, so `pd.concat([ged, ours])` keeps every column's type. A CSV file has no",
        "types: pandas reads an integer column with an empty cell (UCDP's registry ids, which",
        "the dataset leaves empty, for example) as float64. Give it the types:",
        "",
        "```python",
        "from eventset.exports.write import csv_dtypes",
        "",
        'dates = ["date_start", "date_end"]',
        'ged = pd.read_csv("ged.csv", dtype=csv_dtypes("ucdp-ged"), parse_dates=dates)',
        "```",
        "",
        "## CSV files and spreadsheets (formula injection)",
        "",
        "Text is what the sources and annotators wrote, and a spreadsheet opening a CSV file runs",
        "a cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`,",
        "`-2+3+cmd|' /C calc'!A0`). Following OWASP's advice on CSV injection, the CSV exports",
        "put a single quote `'` in front of every **text** cell that starts with",
        "",
        "- `=`, `+`, `-`, `@`, or their fullwidth forms `U+FF1D`, `U+FF0B`, `U+FF0D`, `U+FF20`",
        "  (some spreadsheets fold them to ASCII), also after leading whitespace;",
        "- a tab, carriage return or line feed;",
        "- a single quote (so the rule can be undone exactly: remove one leading `'` from every",
        "  text cell that has one and you have the data).",
        "",
        "Numeric columns (`best`, `latitude`, `fatalities`, ...) are numbers and are written as",
        "numbers, minus sign included. A text column's `-5` is text and becomes `'-5`, as OWASP",
        "advises. Parquet and PLOVER JSON Lines exports, which no spreadsheet evaluates, carry the",
        "text byte for byte (`eventset/exports/formulas.py`).",
        "",
        f"## UCDP GED ({len(ucdp_ged.COLUMNS)} columns, {empty_ucdp} empty)",
        "",
        f"Rows: {ucdp_ged.ROWS}. Column names, order and types follow UCDP GED 23.1.",
        "",
        *_table(ucdp_ged.COLUMNS),
        "",
        f"## ACLED ({len(acled.COLUMNS)} columns, {empty_acled} empty)",
        "",
        f"Rows: {acled.ROWS}. Column names, order and types follow ACLED's export layout",
        "(`inter1`/`inter2` numeric).",
        "",
        *_table(acled.COLUMNS),
        "",
        "## PLOVER (JSON Lines)",
        "",
        f"Rows: {plover.ROWS}; one JSON object per line with the field names of the PLOVER",
        'manual\'s "Data Fields" chapter (2024).',
        "",
        "| field | value |",
        "| --- | --- |",
        *(f"| `{name}` | {_cell(text)} |" for name, text in plover.FIELDS),
        "",
        "Fields of the manual left out:",
        "",
        "| field | why |",
        "| --- | --- |",
        *(f"| `{name}` | {_cell(text)} |" for name, text in plover.EMPTY_FIELDS),
        "",
    ]
    return "\n".join(lines)
