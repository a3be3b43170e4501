"""Writing a spooled frame into the snapshot in Arrow alone (spooled.Spooled.write): the rows,
their order and their document keys are exactly what the polars path it replaced wrote, for
frames cut into files at any point, read after a snapshot whose stale rows are dropped."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from eventset.validation.cache import KEY, SHARED, SHARED_KINDS, OneOf
from eventset.validation.chunk_rows import KEY_TYPE
from eventset.validation.snapshot_keys import KeyCodes
from eventset.validation.spooled import Spooled

SCHEMA = pl.Schema(
    {
        "file": pl.String(),
        "kind": pl.String(),
        "n": pl.Int64(),
        "warnings": pl.List(pl.String()),
        KEY: KEY_TYPE,
    }
)
KEYS = [f"k{number}" for number in range(8)]


def polars_write(part: Spooled, path: Path, keys: pl.Series, where: OneOf | None) -> None:
    """The write this replaced (commit dc79c07): every batch converted to polars, filtered,
    joined to the keys' positions and converted back."""
    schema = pl.DataFrame(schema=part.schema).to_arrow().schema
    key_type = schema.field(KEY).type
    dictionary = pa.array(keys.to_list(), type=key_type.value_type)
    positions = pl.DataFrame(
        {KEY: keys, "_position": pl.int_range(keys.len(), dtype=pl.UInt32, eager=True)}
    )
    with ipc.new_file(str(path), schema) as writer:
        for frame in part.batches():
            rows = (
                frame if where is None else frame.filter(pl.col(where.column).is_in(where.values))
            )
            found = rows.select(pl.col(KEY).cast(pl.String)).join(
                positions, on=KEY, how="left", maintain_order="left"
            )
            indices = found.get_column("_position").to_arrow().cast(key_type.index_type)
            table = rows.to_arrow()
            column = pa.DictionaryArray.from_arrays(indices, dictionary)
            table = table.set_column(table.schema.get_field_index(KEY), KEY, column)
            writer.write_table(table.cast(schema))


@st.composite
def rows(draw: st.DrawFn, keys: list[str]) -> pl.DataFrame:
    count = draw(st.integers(0, 12))
    text = st.text(min_size=0, max_size=20)  # some inline in a string view, some not
    return pl.DataFrame(
        {
            "file": draw(st.lists(st.none() | text, min_size=count, max_size=count)),
            "kind": draw(
                st.lists(
                    st.sampled_from([*SHARED_KINDS, "actor_used", None]),
                    min_size=count,
                    max_size=count,
                )
            ),
            "n": list(range(count)),
            "warnings": draw(st.lists(st.lists(text, max_size=2), min_size=count, max_size=count)),
            KEY: draw(st.lists(st.sampled_from(keys), min_size=count, max_size=count)),
        },
        schema=SCHEMA,
    )


def files_of(data: st.DataObject, frame: pl.DataFrame, folder: Path, name: str) -> tuple[str, ...]:
    """`frame` cut into files at any points (a file may be empty), each of one or two record
    batches, written by polars as the workers write their chunks."""
    cuts = sorted(data.draw(st.lists(st.integers(0, frame.height), max_size=3)))
    bounds = [0, *cuts, frame.height]
    paths = []
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        piece = frame.slice(start, end - start)
        middle = data.draw(st.integers(0, piece.height))
        batches = [piece.slice(0, middle), piece.slice(middle)]
        path = folder / f"{name}-{number}.arrow"
        pl.concat(batches, how="vertical", rechunk=False).write_ipc(path)
        paths.append(str(path))
    return tuple(paths)


def read_back(path: Path) -> pl.DataFrame:
    return pl.read_ipc(path).with_columns(pl.col(KEY).cast(pl.String))


def dictionary_of(path: Path) -> list[str] | None:
    """The one dictionary of the file's document keys (None without a record batch)."""
    reader = ipc.open_file(str(path))
    if not reader.num_record_batches:
        return None
    dictionaries = {
        tuple(reader.get_batch(i).column(KEY).dictionary.to_pylist())
        for i in range(reader.num_record_batches)
    }
    assert len(dictionaries) == 1
    return list(dictionaries.pop())


@settings(max_examples=40)  # a few small files an example: milliseconds
@given(data=st.data())
def test_the_arrow_write_yields_the_rows_and_keys_of_the_polars_write(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        snapshot: str | None = None
        keep: pl.Series | None = None
        kept: list[str] = []
        if data.draw(st.booleans(), label="after a snapshot"):
            old = data.draw(rows(KEYS[:5]), label="snapshot rows")
            old_keys = pl.Series(data.draw(st.permutations(KEYS[:5])))
            path = folder / "snapshot.arrow"
            if data.draw(st.booleans(), label="snapshot written by polars (Snapshot.save)"):
                old.write_ipc(path)
            else:
                cut = Spooled(SCHEMA, files_of(data, old, folder, "old"))
                cut.write(KeyCodes(old_keys), {path: None})
            snapshot = str(path)
            kept = data.draw(st.lists(st.sampled_from(KEYS[:5]), unique=True), label="kept")
            keep = None if data.draw(st.booleans(), label="all kept") else pl.Series(kept)
            kept = KEYS[:5] if keep is None else kept
        new = data.draw(rows(KEYS[5:]), label="new rows")
        files = files_of(data, new, folder, "chunk")
        # Every key the rows may carry, in any order, and some no row carries (even a
        # snapshot entry's not kept: its rows are dropped all the same).
        others = data.draw(st.lists(st.sampled_from(KEYS[:5]), unique=True), label="others")
        every = list(dict.fromkeys([*kept, *others, *KEYS[5:]]))
        keys = pl.Series(data.draw(st.permutations(every)), dtype=pl.String)
        part = Spooled(SCHEMA, files, snapshot, keep)

        targets: dict[Path, OneOf | None] = {folder / "all.arrow": None}
        targets[folder / "shared.arrow"] = SHARED
        part.write(KeyCodes(keys), targets)

        for path, where in targets.items():
            expected = folder / f"expected-{path.name}"
            polars_write(part, expected, keys, where)
            assert_frame_equal(read_back(path), read_back(expected))
            wanted = part.collect().with_columns(pl.col(KEY).cast(pl.String))
            if where is not None:
                wanted = wanted.filter(pl.col(where.column).is_in(where.values))
            assert_frame_equal(read_back(path), wanted)
            written = dictionary_of(path)
            assert written is None or written == keys.to_list()
            # Read back as a snapshot, by the spooled reader, after its rows of other keys.
            again = Spooled(SCHEMA, (), str(path), pl.Series(kept[:1]))
            assert_frame_equal(
                again.collect().with_columns(pl.col(KEY).cast(pl.String)),
                wanted.filter(pl.col(KEY).is_in(kept[:1])),
            )


def test_a_snapshot_entry_not_kept_is_dropped_even_when_its_key_is_written(tmp_path: Path) -> None:
    """The rows of a snapshot entry outside `keep` go, whether or not the new file's keys hold
    its key; a source whose key column is plain strings (not dictionary-encoded) is coded
    against the same keys."""
    old = pl.DataFrame(
        {"file": ["a", "b"], "kind": ["actor_used"] * 2, "n": [0, 1], "warnings": [[], []],
         KEY: ["k0", "k1"]},
        schema=SCHEMA,
    )  # fmt: skip
    snapshot = tmp_path / "snapshot.arrow"
    old.write_ipc(snapshot)
    plain = old.with_columns(pl.lit("k5").alias(KEY), pl.lit(2).alias("n")).head(1)
    chunk = tmp_path / "chunk.arrow"
    table = plain.cast({KEY: pl.String}).to_arrow()
    with ipc.new_file(str(chunk), table.schema) as writer:
        writer.write_table(table)
    assert not pa.types.is_dictionary(ipc.open_file(str(chunk)).schema.field(KEY).type)
    part = Spooled(SCHEMA, (str(chunk),), str(snapshot), pl.Series(["k0"]))
    out = tmp_path / "out.arrow"
    part.write(KeyCodes(pl.Series(["k0", "k1", "k5"])), {out: None})
    got = read_back(out)
    assert got.get_column(KEY).to_list() == ["k0", "k5"]
    assert got.get_column("n").to_list() == [0, 2]
    assert dictionary_of(out) == ["k0", "k1", "k5"]
