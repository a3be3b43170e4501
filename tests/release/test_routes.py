"""Rows routed where they are made (release/routes.py): each label's rows, read back from the
routed chunk files (after the snapshot's, shuffled), are exactly the rows one pass of the
shuffle over the whole frame gives that label, in the same order."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.release import months
from eventset.release.partitions import BY_DOCUMENT, BY_EVENT, PART, UNDATED, month_label
from eventset.release.routes import FINE_BUCKETS, bucket_groups, fine_bucket
from eventset.release.tasks import Local
from eventset.validation.cache import KEY
from eventset.validation.spooled import Spooled
from tests.property.helpers import workspace
from tests.release.routed import route_chunk, write_routed

TABLES = (*BY_DOCUMENT, *BY_EVENT)
_BY = {"documents": "published", "events": "event_id", "event_actors": "event_id"}

# A document: its published date (None: undated), its claims, its mentions, and the events it
# reports (ids from a small pool, so documents share events) with the actors of each.
documents = st.lists(
    st.tuples(
        st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2020, 6, 30)),
        st.integers(0, 3),
        st.integers(0, 4),
        st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2)), max_size=3),
    ),
    min_size=1,
    max_size=24,
)


def _frames(
    docs: list[tuple[dt.date | None, int, int, list[tuple[int, int]]]], first: int
) -> dict[str, pl.DataFrame]:
    """The documents' rows, numbered (`n`) in the order they were made. A claim of every fifth
    document names a document that no document is: it goes to `undated`."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for number, (published, claims, mentions, events) in enumerate(docs, first):
        key, document_id = f"k{number}", f"d{number}"
        rows["documents"].append({KEY: key, "document_id": document_id, "published": published})
        for c in range(claims):
            orphan = number % 5 == 0 and c == 0
            rows["claims"].append({KEY: key, "document_id": "nowhere" if orphan else document_id})
        rows["mentions"] += [{KEY: key, "document_id": document_id}] * mentions
        for event, actors in events:
            row: dict[str, object] = {KEY: key, "document_id": document_id, "event_id": f"e{event}"}
            rows["events"].append(row)
            rows["event_actors"] += [row] * actors
    schema = {KEY: pl.Categorical(), "document_id": pl.String(), "published": pl.Date()}
    out = {}
    for name, found in rows.items():
        columns = {c: t for c, t in schema.items() if name == "documents" or c != "published"}
        if name in BY_EVENT:
            columns["event_id"] = pl.String()
        frame = pl.DataFrame(found, schema=columns)
        out[name] = frame.with_columns(pl.int_range(pl.len()).alias("n") + 1000 * first)
    return out


def _one_pass(frames: dict[str, pl.DataFrame]) -> dict[str, dict[str, list[int]]]:
    """The oracle: the shuffle's routing of the whole frame, a pass in order (global labels of
    documents, the first of each id)."""
    labels = (
        frames["documents"]
        .select("document_id", month_label(pl.col("published")))
        .unique("document_id", keep="first", maintain_order=True)
    )
    out = {}
    for name, frame in frames.items():
        if name == "documents":
            labelled = frame.with_columns(month_label(pl.col("published")))
        elif name in BY_EVENT:
            labelled = frame.with_columns(fine_bucket(pl.col("event_id")))
        else:
            labelled = frame.join(labels, on="document_id", how="left", maintain_order="left")
        labelled = labelled.with_columns(pl.col(PART).fill_null(UNDATED))
        out[name] = {
            str(label): rows.get_column("n").to_list()
            for (label,), rows in labelled.partition_by(PART, as_dict=True).items()
        }
    return out


@settings(max_examples=20)
@given(
    docs=documents,
    in_snapshot=st.integers(0, 24),
    kept_every=st.integers(1, 3),
    chunk=st.integers(1, 9),
    batch=st.integers(1, 5),
)
def test_routed_chunks_read_by_label_are_one_pass_of_the_shuffle(
    docs: list[tuple[dt.date | None, int, int, list[tuple[int, int]]]],
    in_snapshot: int,
    kept_every: int,
    chunk: int,
    batch: int,
) -> None:
    """The snapshot's documents (some no longer current), then chunks of `chunk` documents."""
    in_snapshot = min(in_snapshot, len(docs) - 1)
    with workspace() as tmp:
        old = _frames(docs[:in_snapshot], 0)
        keep = pl.Series(KEY, [f"k{i}" for i in range(0, in_snapshot, kept_every)], pl.String())
        chunks = [_frames(docs[at : at + chunk], at) for at in range(in_snapshot, len(docs), chunk)]
        parts: dict[str, Spooled] = {}
        for name in TABLES:
            files, routes = [], []
            for number, frames in enumerate(chunks):
                frame, route = route_chunk(frames)[name]
                path = tmp / f"{number}.{name}.arrow"
                write_routed(frame, route, str(path))
                files.append(str(path))
                routes.append(route)
            snapshot = None
            if in_snapshot:
                snapshot = str(tmp / f"snapshot.{name}.arrow")
                frame = old[name]
                cut = [frame.slice(at, batch) for at in range(0, frame.height, batch)]
                pl.concat(cut or [frame], rechunk=False).write_ipc(snapshot)
            parts[name] = Spooled(
                old[name].schema, tuple(files), snapshot, keep if snapshot else None, tuple(routes)
            )
        current = {
            name: frame.filter(pl.col(KEY).cast(pl.String).is_in(keep.implode()))
            for name, frame in old.items()
        }
        whole = {name: pl.concat([current[name], *(f[name] for f in chunks)]) for name in TABLES}
        local = Local(None)
        shuffled = {
            **months._shuffle_by_document(parts, tmp / "documents", local),
            **months._submit_slices(parts, BY_EVENT, tmp / "buckets", local),
        }
        read = {
            name: {
                label: months._read(pieces, None).get_column("n").to_list()
                for label, pieces in months._routed(parts[name], shuffled[name]).items()
            }
            for name in TABLES
        }
        assert read == _one_pass(whole)
        # Read with a few columns (the span check's documents), the same rows of those columns.
        for name in TABLES:
            for pieces in months._routed(parts[name], shuffled[name]).values():
                [narrow] = months._read_months([pieces], None, ["n", "document_id"])
                assert narrow.equals(months._read(pieces, None).select("n", "document_id"))


def test_the_fine_buckets_group_into_runs_of_equal_length() -> None:
    """A merge a worker at least, about a merge per `per_merge` rows, never more than the fine
    buckets: every fine bucket in exactly one run, in order."""
    every = [str(n).zfill(2) for n in range(FINE_BUCKETS)]
    for reported, workers, runs in [(0, 2, 1), (9, 2, 1), (10, 2, 2), (250, 3, 4), (501, 1, 8)]:
        groups = bucket_groups(reported, 100, workers)
        assert len(groups) == runs, (reported, workers)
        assert [label for group in groups for label in group] == every
        assert len({len(group) for group in groups}) == 1
    assert len(bucket_groups(10**9, 100, 2)) == FINE_BUCKETS
