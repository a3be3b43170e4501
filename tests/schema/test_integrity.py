"""Cross-table integrity (schema/integrity.py): one broken table per check, and each is named.

The tables are the gold annotation's, built once; every test copies them and breaks one thing.
"""

from __future__ import annotations

import polars as pl
import pytest

from eventset.pipeline import BuildResult
from eventset.schema.contracts import TableFailure
from eventset.schema.integrity import cross_table_failures
from eventset.schema.tables import TABLES
from tests.conftest import REPO, SEED_ID

Tables = dict[str, pl.DataFrame]
GONE = "no-such-id"
FOREIGN_KEYS = [
    (table.name, col.name, col.references)
    for table in TABLES
    for col in table.columns
    if col.references is not None
]


@pytest.fixture
def tables(gold_build: BuildResult) -> Tables:
    return dict(gold_build.tables)


def with_text(tables: Tables) -> Tables:
    """The gold document's licence keeps its text out of the release; put the seed back, as a
    redistributable document would have it, so the quote check has something to compare."""
    with (REPO / "seeds" / f"{SEED_ID}.txt").open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    documents = tables["documents"].with_columns(pl.lit(text).alias("text"))
    return {**tables, "documents": documents}


def set_cell(frame: pl.DataFrame, column: str, row: int, value: object) -> pl.DataFrame:
    values = frame.get_column(column).to_list()
    values[row] = value
    return frame.with_columns(pl.Series(column, values, dtype=frame.schema[column]))


def test_the_gold_tables_pass(tables: Tables) -> None:
    assert cross_table_failures(tables) == []
    assert cross_table_failures(with_text(tables)) == []


def test_every_foreign_key_column_is_checked() -> None:
    # Guards the parametrisation below against a spec without references.
    assert ("mentions", "document_id", ("documents", "document_id")) in FOREIGN_KEYS
    assert len(FOREIGN_KEYS) >= 10


@pytest.mark.parametrize(("table", "column", "target"), FOREIGN_KEYS)
def test_a_dangling_foreign_key_is_named(
    tables: Tables, table: str, column: str, target: tuple[str, str]
) -> None:
    broken = {**tables, table: set_cell(tables[table], column, 0, GONE)}
    failures = cross_table_failures(broken)
    check = f"references {target[0]}.{target[1]}"
    assert TableFailure(table, column, check, None, GONE) in failures
    # A null is "no reference", never a dangling one.
    if next(c for t in TABLES if t.name == table for c in t.columns if c.name == column).nullable:
        nulled = {**tables, table: set_cell(tables[table], column, 0, None)}
        assert [f for f in cross_table_failures(nulled) if f.column == column] == []


@pytest.mark.parametrize(
    ("kind", "target"),
    [("actor", "actors"), ("place", "places"), ("event", "events"), ("claim", "claims")],
)
def test_a_mention_of_a_missing_target_is_named(tables: Tables, kind: str, target: str) -> None:
    mentions = tables["mentions"]
    row = mentions.with_row_index().filter(pl.col("target_kind") == kind).item(0, "index")
    broken = {**tables, "mentions": set_cell(mentions, "target_id", row, GONE)}
    expected = TableFailure("mentions", "target_id", f"{kind} target in {target}", None, GONE)
    assert expected in cross_table_failures(broken)


def test_a_target_id_is_looked_up_in_its_own_kind_s_table(tables: Tables) -> None:
    """An actor mention whose id is a place's id is dangling, though the id exists."""
    mentions = tables["mentions"]
    place_id = tables["places"].item(0, "place_id")
    row = mentions.with_row_index().filter(pl.col("target_kind") == "actor").item(0, "index")
    broken = {**tables, "mentions": set_cell(mentions, "target_id", row, place_id)}
    expected = TableFailure("mentions", "target_id", "actor target in actors", None, place_id)
    assert expected in cross_table_failures(broken)


@pytest.mark.parametrize(
    ("table", "key", "kind"), [("events", "event_id", "event"), ("claims", "claim_id", "claim")]
)
def test_an_event_or_claim_without_an_occurrence_mention_is_named(
    tables: Tables, table: str, key: str, kind: str
) -> None:
    target = tables[table].item(0, key)
    mentions = tables["mentions"]
    occurrence = (
        (pl.col("target_kind") == kind)
        & (pl.col("target_id") == target)
        & (pl.col("aspect") == "occurrence")
    )
    assert mentions.filter(occurrence).height > 0
    expected = TableFailure(table, key, "supported by at least one mention", None, target)
    # Dropped altogether, or kept as another aspect (a date quote does not attest the event).
    dropped = {**tables, "mentions": mentions.filter(~occurrence)}
    assert cross_table_failures(dropped) == [expected]
    other_aspect = mentions.with_columns(
        pl.when(occurrence).then(pl.lit("date")).otherwise(pl.col("aspect")).alias("aspect")
    )
    assert expected in cross_table_failures({**tables, "mentions": other_aspect})


def test_a_mention_past_the_end_of_its_document_is_named(tables: Tables) -> None:
    documents = tables["documents"]
    length = documents.item(0, "char_count")
    mentions = tables["mentions"]
    assert mentions.get_column("char_end").max() <= length
    # Ending exactly at the last character is inside.
    at_end = set_cell(mentions, "char_end", 0, length)
    at_end = set_cell(at_end, "char_start", 0, length - len(at_end.item(0, "quote")))
    assert [
        f for f in cross_table_failures({**tables, "mentions": at_end}) if f.column == "char_end"
    ] == []
    past = set_cell(mentions, "char_end", 0, length + 1)
    start = mentions.item(0, "char_start")
    doc = mentions.item(0, "document_id")
    expected = TableFailure(
        "mentions",
        "char_end",
        "inside its document (char_end <= char_count)",
        None,
        f"{doc}:{start}-{length + 1}",
    )
    assert expected in cross_table_failures({**tables, "mentions": past})


def test_a_span_that_does_not_say_its_quote_is_named_when_the_text_is_published(
    tables: Tables,
) -> None:
    mentions = tables["mentions"]
    shifted = set_cell(mentions, "char_start", 0, mentions.item(0, "char_start") + 1)
    shifted = set_cell(shifted, "char_end", 0, mentions.item(0, "char_end") + 1)
    expected = TableFailure(
        "mentions",
        "quote",
        "text[char_start:char_end] == quote",
        None,
        mentions.item(0, "mention_id"),
    )
    published = with_text(tables)
    assert cross_table_failures({**published, "mentions": shifted}) == [expected]
    # Without the text (licence withholds it) the words cannot be compared.
    assert cross_table_failures({**tables, "mentions": shifted}) == []


# Enough rows that polars' hash-partitioned unique() would scramble them (at 50,000 it does):
# the report must still name the first offending rows, in row order.
MANY = 60_000


@pytest.mark.parametrize("count", [20, 21, MANY])
def test_many_failures_are_sampled_in_row_order_and_counted(tables: Tables, count: int) -> None:
    actors = tables["event_actors"]
    many = pl.concat([actors] * (count // actors.height + 1)).head(count)
    many = many.with_columns(
        pl.format("gone-{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(6)).alias("actor_id")
    )
    failures = cross_table_failures({**tables, "event_actors": many})
    named = [f.value for f in failures if f.column == "actor_id"]
    first = [f"gone-{i:06d}" for i in range(20)]
    assert named == (first if count == 20 else [*first, f"... and {count - 20} more"])


def test_a_dangling_value_is_named_once_however_many_rows_hold_it(tables: Tables) -> None:
    claims = set_cell(set_cell(tables["claims"], "claimant_id", 0, GONE), "claimant_id", 1, GONE)
    mentions = tables["mentions"]
    rows = mentions.with_row_index().filter(pl.col("target_kind") == "actor").get_column("index")
    for row in rows.head(2).to_list():
        mentions = set_cell(mentions, "target_id", row, GONE)
    failures = cross_table_failures({**tables, "claims": claims, "mentions": mentions})
    assert [(f.table, f.column, f.value) for f in failures] == [
        ("claims", "claimant_id", GONE),
        ("mentions", "target_id", GONE),
    ]


def test_dangling_mention_targets_are_named_in_row_order(tables: Tables) -> None:
    mentions = pl.concat([tables["mentions"]] * (MANY // tables["mentions"].height + 1))
    renamed = mentions.with_columns(
        pl.lit("actor").alias("target_kind"),
        pl.format("gone-{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(6)).alias(
            "target_id"
        ),
    )
    failures = cross_table_failures({**tables, "mentions": renamed})
    named = [f.value for f in failures if f.check == "actor target in actors"]
    first = [f"gone-{i:06d}" for i in range(20)]
    assert named == [*first, f"... and {renamed.height - 20} more"]


def test_spans_past_the_end_are_named_in_row_order(tables: Tables) -> None:
    mentions = pl.concat([tables["mentions"]] * (MANY // tables["mentions"].height + 1))
    length = tables["documents"].item(0, "char_count")
    past = mentions.with_columns(
        pl.lit(0, dtype=mentions.schema["char_start"]).alias("char_start"),
        (pl.int_range(pl.len()) + length + 1).cast(mentions.schema["char_end"]).alias("char_end"),
    )
    failures = cross_table_failures({**tables, "mentions": past})
    named = [f.value for f in failures if f.column == "char_end"]
    first = [f"{SEED_ID}:0-{length + 1 + i}" for i in range(20)]
    assert named == [*first, f"... and {past.height - 20} more"]
