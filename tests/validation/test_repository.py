"""Reading the repository's inputs: seeds come from one place, and the cache sees every edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def test_a_snapshot_a_little_out_of_date_is_not_rewritten_and_still_right(
    repo: Path, seed_annotation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the drift threshold the snapshot stays as it was: the edited document is processed
    again on every run, and every run still reports what the files say."""
    import eventset.validation.runner as runner

    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(repo.parent / "cache"))
    assert validate_repository(repo, cache=True).ok
    [index] = (repo.parent / "cache" / "snapshots").glob("*/index.arrow")
    saved = index.stat().st_mtime_ns
    monkeypatch.setattr(runner, "_RESAVE_EVERY", 0)  # never out of date enough to rewrite
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(text.replace("\nformat: 1\n", "\nformat: 2\n"), encoding="utf-8")
    for _ in range(2):
        result = validate_repository(repo, cache=True)
        assert [p.code for p in result.problems] == ["E207"] and result.processed == 1
    assert index.stat().st_mtime_ns == saved
    seed_annotation.write_text(text, encoding="utf-8")  # back to the bytes the snapshot has
    result = validate_repository(repo, cache=True)
    assert result.ok and result.processed == 0
    monkeypatch.setattr(runner, "_RESAVE_EVERY", 100)
    seed_annotation.write_text(text.replace("\nformat: 1\n", "\nformat: 3\n"), "utf-8")
    assert validate_repository(repo, cache=True).processed == 1  # 1 of 1 out of date: saved
    assert index.stat().st_mtime_ns != saved
    assert validate_repository(repo, cache=True).processed == 0


def test_the_locator_keeps_a_few_parsed_files_and_still_finds_every_position(
    tmp_path: Path,
) -> None:
    """Problems in more files than the locator keeps, asked for out of order and again: every
    position is the one a fresh parse of the file gives, and at most KEPT trees are held (it
    held every file's tree, a gigabyte for a warning in each of 10,000 files)."""
    from eventset.inputs.layout import Layout
    from eventset.inputs.yamlfile import load_yaml
    from eventset.validation.repository import Locator

    folder = tmp_path / "data" / "annotations"
    folder.mkdir(parents=True)
    count = Locator.KEPT * 2 + 3
    for n in range(count):
        padding = "\n" * (n % 7)  # each file's key sits on its own line
        (folder / f"doc_{n:03d}.yaml").write_text(f"{padding}a:\n  b: [1, {n}]\n", "utf-8")
    locate = Locator(Layout(tmp_path))
    order = [*range(count), *reversed(range(count)), 0, count - 1, 0]
    for n in order:
        file = f"data/annotations/doc_{n:03d}.yaml"
        doc, _ = load_yaml((tmp_path / file).read_bytes(), file)
        assert doc is not None
        expected = doc.mark(("a", "b", 1))
        assert locate(file, ("a", "b", 1)) == (expected.line, expected.column)
        assert locate(file, ("a", "b", 1)) == (n % 7 + 2, 10)
        assert len(locate.docs) <= Locator.KEPT
