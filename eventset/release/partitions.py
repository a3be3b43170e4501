"""Which file of its table a row goes in: one file per month, so an edit rewrites only its months.

A release keeps each table in its own folder. The tables that grow with the corpus are split by
month, in plain files (`events/part-2021-09.parquet`), not hive `year=` folders: every column
stays inside the files and no engine adds a column of its own, while each file's row-group
statistics still let an engine that filters on a date skip the files outside it. Months, not
years: a corpus's documents crowd into its recent years, and rewriting a year of 100,000
documents after one edit costs a second where a month costs a tenth of that.

- documents, claims, mentions: the month the document was published;
- events, event_actors: the month the event started (`part-undated.parquet` when no date);
- actors, places: one file (`part-0.parquet`), as they come from the registries; countries
  too, from the countries vocabulary.

Within a file rows are sorted by primary key; `eventset.load` sorts the whole table.
"""

from __future__ import annotations

import polars as pl

from eventset.release.manifest import TABLE_PART

PART = "_part"  # the column that names each row's file while a table is being split
UNDATED = "undated"

BY_DOCUMENT = ("documents", "claims", "mentions")
BY_EVENT = ("events", "event_actors")


def part_file(label: str) -> str:
    """`part-2021-09.parquet`; the registries' tables keep `part-0.parquet`."""
    return f"part-{label}.parquet"


def month_label(dates: pl.Expr) -> pl.Expr:
    """The label of a row's file from its date: `2021-09`, or `undated`."""
    return dates.dt.strftime("%Y-%m").fill_null(UNDATED).alias(PART)


def document_parts(documents: pl.DataFrame) -> pl.DataFrame:
    """document_id -> the label of its documents', claims' and mentions' files."""
    return documents.select("document_id", month_label(pl.col("published")))


def event_parts(events: pl.DataFrame) -> pl.DataFrame:
    """event_id -> the label of its events' and event_actors' files."""
    return events.select("event_id", month_label(pl.col("date_start")))


def labelled(
    name: str, frame: pl.DataFrame, documents: pl.DataFrame, events: pl.DataFrame
) -> pl.DataFrame:
    """`frame` (rows of table `name`) with the `_part` column, from the parts of the documents
    and events given (which must include every document and event the rows belong to)."""
    if name in BY_DOCUMENT:
        return frame.join(
            document_parts(documents), on="document_id", how="left", maintain_order="left"
        )
    if name in BY_EVENT:
        return frame.join(event_parts(events), on="event_id", how="left", maintain_order="left")
    return frame.with_columns(pl.lit("0").alias(PART))


def split(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """A labelled frame as {file name: its rows}, in the frame's order, without `_part`."""
    if frame.get_column(PART).null_count():
        raise ValueError("a row belongs to no document or event of the release")
    return {
        part_file(str(label)): rows.drop(PART)
        for (label,), rows in frame.partition_by(PART, as_dict=True, maintain_order=True).items()
    }


def table_parts(tables: dict[str, pl.DataFrame]) -> dict[str, dict[str, pl.DataFrame]]:
    """Every table of a release as {table: {file name: rows}}."""
    return {
        name: split(labelled(name, frame, tables["documents"], tables["events"]))
        if frame.height
        else {TABLE_PART: frame}
        for name, frame in tables.items()
    }
