"""A cold build's snapshot written by the pool's workers, its frames shared among them
(cache.Snapshot.write_in, cache.shares): the same snapshot, file for file, as one written in
one piece, and shares that keep every frame once and the workers about equally busy."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.validation.cache import shares


@dataclass(frozen=True)
class _Frame:
    """Enough of a spooled frame for `shares`: its files."""

    files: tuple[str, ...]

    def write(self, keys: object, targets: object) -> None:  # never called here
        raise AssertionError


@given(
    st.dictionaries(
        st.sampled_from(["documents", "events", "mentions", "claims", "references", "facts"]),
        st.lists(st.integers(0, 5_000), max_size=3),
    ),
    st.integers(1, 4),
)
def test_shares_hold_every_frame_once_and_keep_the_workers_about_equally_busy(
    sizes: dict[str, list[int]], count: int
) -> None:
    """Every frame in one share; as many shares as workers, or as frames with bytes to
    write; and the largest frames dealt first, each to the lightest share, so the heaviest
    share less its smallest frame is no heavier than the lightest share (no frame could move
    to make the two nearer)."""
    with tempfile.TemporaryDirectory() as folder:
        frames = {}
        for name, files in sizes.items():
            paths = []
            for n, size in enumerate(files):
                path = Path(folder) / f"{name}.{n}"
                path.write_bytes(b"x" * size)
                paths.append(str(path))
            frames[name] = _Frame(tuple(paths))
        made = shares(frames, count)
    names = [name for share in made for name in share]
    assert sorted(names) == sorted(frames)
    assert 1 <= len(made) <= max(1, min(count, len(frames)))
    assert all(made) or made == [{}]
    bytes_of = {name: sum(files) for name, files in sizes.items()}
    assert len(made) >= min(count, sum(1 for bytes_ in bytes_of.values() if bytes_))
    held = [sum(bytes_of[name] for name in share) for share in made]
    heaviest = made[held.index(max(held))]
    assert max(held) - min((bytes_of[name] for name in heaviest), default=0) <= min(held)


def test_a_snapshot_written_by_two_workers_is_the_one_written_in_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same corpus validated cold twice: its snapshot written by a pool's two workers (a
    build's way), then by a thread of this process. Every file of the two is the same bytes."""
    from eventset.release.tasks import pool
    from eventset.synth import write_corpus
    from eventset.validation import runner
    from eventset.validation.repository import validate_repository

    root = tmp_path / "repo"
    write_corpus(root, 60, seed=3)
    monkeypatch.setattr(runner, "_CHUNK", 8)  # chunks enough for the pool, from 60 documents
    written: list[dict[str, bytes]] = []
    for shared in (True, False):
        cache = tmp_path / f"cache-{shared}"
        monkeypatch.setenv("EVENTSET_CACHE_DIR", str(cache))
        spool = tmp_path / f"spool-{shared}"
        spool.mkdir()
        with pool(2) as workers:
            validation = validate_repository(
                root, jobs=2, cache=True, spool=spool, pool=workers if shared else None
            )
            assert validation.saving is not None
            validation.saving.result()
        assert validation.ok, validation.problems[:3]
        [snapshot] = (cache / "snapshots").iterdir()
        written.append({path.name: path.read_bytes() for path in sorted(snapshot.iterdir())})
        assert not [p for p in (cache / "snapshots").iterdir() if p.name.startswith(".")]
    assert sorted(written[0]) == sorted(written[1])
    assert "index.arrow" in written[0] and "mentions.arrow" in written[0]
    assert written[0] == written[1]
