"""A chunk's rows written in Arrow straight from the compiler's tuples (validation/chunk_rows.py)
hold what the plain way made of them: the documents' column lists joined, polars frames
(runner.frame_of), routed and written by tests/release/routed.py (route_chunk, write_routed),
record batch for record batch, with the same routes and the same types."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.release import routes
from eventset.release.routes import ROUTED
from eventset.tables.compile import Columns
from eventset.testing import corpora
from eventset.testing.corpus import Corpus, model_yaml
from eventset.validation.cache import KEY
from eventset.validation.chunk_rows import (
    FRAME_NAMES,
    ChunkRows,
    _arrow_array,
    arrow_schema,
    table_schema,
)
from eventset.validation.document import DocumentResult, process_document
from eventset.validation.runner import frame_of
from tests.conftest import REPO
from tests.property.helpers import scaled
from tests.release.routed import route_chunk, write_routed

Document = tuple[str, bytes, bytes | None]


def _repository_documents() -> list[Document]:
    """The repository's own annotations, one with its seed missing (references, no rows) and
    one that does not parse (nothing)."""
    out: list[Document] = []
    for path in sorted((REPO / "data" / "annotations").glob("*.yaml")):
        seed = REPO / "seeds" / f"{path.stem}.txt"
        out.append((f"data/annotations/{path.name}", path.read_bytes(), seed.read_bytes()))
    file, raw, _ = out[0]
    out.append((file.replace(".yaml", "_unseeded.yaml"), raw, None))
    out.append(("data/annotations/broken.yaml", b"document: [", None))
    return out


REPOSITORY = _repository_documents()


def _documents(corpus: Corpus) -> list[Document]:
    return [
        (f"data/annotations/{d.id}.yaml", model_yaml(d.annotation).encode(), d.raw)
        for d in corpus.documents
    ]


def _plain(results: list[tuple[str, DocumentResult]]) -> dict[str, pl.DataFrame]:
    """The frames of the documents' column lists joined, as polars makes them."""
    joined: dict[str, Columns] = {}
    for key, result in results:
        for name, columns in result.tables.items():
            rows = len(next(iter(columns.values()), []))
            into = joined.setdefault(name, {c: [] for c in [*table_schema(name), KEY]})
            for column, values in columns.items():
                into[column] += values
            into[KEY] += [key] * rows
    return {name: frame_of(name, columns) for name, columns in joined.items() if columns[KEY]}


def _batches(data: bytes) -> tuple[pa.Schema, list[pl.DataFrame]]:
    reader = ipc.open_file(pa.BufferReader(data))
    frames = []
    for i in range(reader.num_record_batches):
        frame = pl.from_arrow(reader.get_batch(i))
        assert isinstance(frame, pl.DataFrame)
        frames.append(frame.with_columns(pl.col(KEY).cast(pl.String)))
    return reader.schema, frames


@settings(max_examples=scaled(0.5))
@given(
    corpus=corpora(max_documents=3, max_events=3, shared_event=True),
    order=st.randoms(use_true_random=False),
)
def test_a_chunks_arrow_files_are_the_plain_frames_routed(corpus: Corpus, order: Any) -> None:
    documents = _documents(corpus) + REPOSITORY
    order.shuffle(documents)
    results = [(f"k{n}", process_document(*document)) for n, document in enumerate(documents)]
    rows = ChunkRows()
    for key, result in results:
        rows.add(key, result)
    plain = _plain(results)
    routed = route_chunk(plain)
    assert list(rows.names()) == [name for name in FRAME_NAMES if name in plain]
    for name in rows.names():
        sink = io.BytesIO()
        route = rows.write_arrow(name, sink)
        expected = io.BytesIO()
        if name in ROUTED:
            frame, expected_route = routed[name]
            write_routed(frame, expected_route, expected)
            assert route == expected_route, name
        else:
            assert route is None
            pa_table = plain[name].to_arrow()
            with ipc.new_file(expected, pa_table.schema) as writer:
                writer.write_table(pa_table)
        schema, made = _batches(sink.getvalue())
        expected_schema, wanted = _batches(expected.getvalue())
        assert schema.equals(expected_schema, check_metadata=True), name
        assert schema.equals(arrow_schema(name)), name
        assert len(made) == len(wanted), name
        for got, want in zip(made, wanted, strict=True):
            assert got.equals(want), name
        # A validation's frames (no pyarrow): the same rows in the documents' order.
        whole = frame_of(name, rows.columns_of(name))
        assert whole.schema == plain[name].schema
        assert whole.with_columns(pl.col(KEY).cast(pl.String)).equals(
            plain[name].with_columns(pl.col(KEY).cast(pl.String))
        ), name
        # The key dictionary is the chunk's documents with rows, the same for every file.
        dictionary = ipc.open_file(pa.BufferReader(sink.getvalue())).get_batch(0).column(KEY)
        assert dictionary.dictionary.to_pylist() == rows.keys


_VALUE = (
    st.none()
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    | st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1))
    | st.text(max_size=3)
    | st.integers(-5, 5)
    | st.lists(st.none() | st.text(max_size=3) | st.integers(0, 3), max_size=3)
)


@settings(max_examples=scaled(6))
@given(values=st.lists(_VALUE, max_size=8), dtype=st.sampled_from(["date", "list"]))
def test_a_column_converted_by_pyarrow_is_what_polars_makes_of_it(
    values: list[Any], dtype: str
) -> None:
    """Dates and lists of strings go through pyarrow (faster), unless a value is not of the
    type: then through polars, as runner.frame_of makes the plain frames (or both refuse the
    column)."""
    polars_type = pl.Date() if dtype == "date" else pl.List(pl.String())
    arrow_type = pa.date32() if dtype == "date" else pa.large_list(pa.large_string())
    try:
        expected = pl.DataFrame({"": values}, schema={"": polars_type}, strict=False).to_series()
    except Exception:  # polars refuses it: so must the Arrow path
        try:
            _arrow_array(values, polars_type, arrow_type)
        except Exception:
            return
        raise AssertionError("converted a column polars refuses") from None
    made = pl.from_arrow(_arrow_array(values, polars_type, arrow_type))
    assert isinstance(made, pl.Series)
    assert made.dtype == polars_type
    assert made.to_list() == expected.to_list()


def test_a_tables_rows_give_the_columns_the_document_had() -> None:
    """DocumentResult.tables (the column lists other callers read) from the compiler's rows."""
    file, raw, seed = REPOSITORY[0]
    result = process_document(file, raw, seed)
    tables = result.tables
    assert set(tables) == set(FRAME_NAMES)
    assert tables["mentions"] == result.columns["mentions"]
    for name, rows in result.rows.items():
        columns = tables[name]
        assert list(columns) == list(table_schema(name))
        assert [tuple(row) for row in zip(*columns.values(), strict=True)] == rows


@given(
    published=st.lists(
        st.none() | st.dates(dt.date(1999, 11, 1), dt.date(2000, 3, 1)), max_size=30
    ),
    ids=st.lists(st.integers(0, 40), max_size=60),
)
def test_the_order_of_the_labels_is_polars_stable_sort(
    published: list[dt.date | None], ids: list[int]
) -> None:
    """routes.order_of (ranks sorted by numpy) against route_chunk (polars' stable sort of the
    labels), on documents of few months, claims of those and other documents, and events."""
    documents = pl.DataFrame(
        {"document_id": [f"d{i % 7}" for i in range(len(published))], "published": published},
        schema={"document_id": pl.String(), "published": pl.Date()},
    ).with_row_index("n")
    claims = pl.DataFrame(
        {"document_id": [f"d{i % 9}" for i in ids]}, schema={"document_id": pl.String()}
    ).with_row_index("n")
    events = pl.DataFrame(
        {"event_id": [f"e{i}" for i in ids]}, schema={"event_id": pl.String()}
    ).with_row_index("n")
    frames = {"documents": documents, "claims": claims, "events": events}
    labels = routes.document_labels(documents)
    for name, (frame, route) in route_chunk(frames).items():
        if not frames[name].height:
            continue
        order, made = routes.order_of(name, frames[name], labels)
        assert made == route, name
        assert frames[name][order].equals(frame), name
