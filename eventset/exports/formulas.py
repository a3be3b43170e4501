"""CSV cells that a spreadsheet cannot run: formula injection neutralised (OWASP).

A name such as `=HYPERLINK("http://x","y")` or `-2+3+cmd|' /C calc'!A0` is valid data (it is
what a source wrote), but Excel, LibreOffice and Google Sheets read a cell that starts with
`=`, `+`, `-` or `@` as a formula, and a tab or carriage return before one is skipped. So
every text cell of a CSV export that starts with one of those characters (or with their
fullwidth forms U+FF1D, U+FF0B, U+FF0D, U+FF20, which some spreadsheets fold to ASCII, or with
whitespace before any of them) gets a single quote in front: the spreadsheet shows it as text.
Cells that already start with a single quote get one too, so removing one leading quote from
every cell that has one gives back the data exactly. Numeric columns are Arrow numbers and are
never touched; a text cell such as "-5" is text and is neutralised, as OWASP advises. Parquet
and JSON Lines are not read by spreadsheets as formulas and stay byte-faithful.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"
# RE2 syntax (Arrow): what str.isspace calls whitespace, then a trigger; or a leading tab, CR,
# LF or single quote. `needs_quote` says the same in Python (a property test holds them equal).
_NEEDS_QUOTE = r"^(?:[\s\p{Z}\x0b\x1c-\x1f\x85]*[=+\-@\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}]|[\t\r\n'])"


def needs_quote(cell: str) -> bool:
    """Whether a spreadsheet could read `cell` as a formula (or it starts with a quote)."""
    stripped = cell.lstrip()
    return cell[:1] in ("\t", "\r", "\n", "'") or stripped[:1] in tuple(TRIGGERS)


def neutralised(table: pa.Table) -> pa.Table:
    """`table` with every risky text cell prefixed with a single quote; other cells as given."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, _NEEDS_QUOTE)
            quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, "")
            column = pc.if_else(risky, quoted, column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)
