"""Reading the repository's inputs: seeds come from one place, and the cache sees every edit."""

from __future__ import annotations

import os
from pathlib import Path

from eventset.validation.repository import validate_repository
from tests.conftest import SEED_ID


def test_a_missing_seed_is_always_e405_even_with_a_file_where_a_placeholder_used_to_point(
    repo: Path,
) -> None:
    seed = repo / "seeds" / f"{SEED_ID}.txt"
    # An earlier version read a missing seed from <root>/.missing-seed: a file planted there
    # made an annotation without its seed validate and build.
    (repo / ".missing-seed").write_bytes(seed.read_bytes())
    seed.unlink()
    result = validate_repository(repo)
    assert [p.code for p in result.problems] == ["E405"]
    assert result.problems[0].file == f"data/annotations/{SEED_ID}.yaml"
    assert not result.ok


def test_an_in_place_edit_that_keeps_size_and_mtime_is_not_served_from_the_cache(
    repo: Path, seed_annotation: Path
) -> None:
    assert validate_repository(repo, cache=True).ok
    before = seed_annotation.stat()
    text = seed_annotation.read_bytes()
    assert b"\nformat: 1\n" in text
    # Same size, same inode, and the modification time set back as an editor or tool may do.
    with seed_annotation.open("r+b") as handle:
        handle.write(text.replace(b"\nformat: 1\n", b"\nformat: 2\n"))
    os.utime(seed_annotation, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = seed_annotation.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    result = validate_repository(repo, cache=True)
    assert [p.code for p in result.problems] == ["E207"]
    assert result.processed == 1
