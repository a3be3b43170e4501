"""A build after an edit updates the last release in place of a full build (eventset/rebuild.py):
it must write byte for byte what a full build writes, or decline and let the full build run.

On a generated corpus (SYNTHETIC documents, test-only) in a git repository, random edits
(documents added, edited, deleted or moved to another year; registry entries renamed or removed;
broken YAML), each round committed or not (a commit may change no document), are made after a
first build; the second build, from the cache, is compared byte for byte, every file of the
release including the manifest and its provenance, with a full build of the same inputs into
another directory without any cache.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.pipeline import BuildResult, build
from eventset.rebuild import _same_rows, rebuild, state_directory
from eventset.release.manifest import MANIFEST
from eventset.schema.contracts import TableFailure
from tests.workflow.edits import (
    EDITS,
    ENTRY_EDITS,
    annotation_files,
    edit,
    replace_first,
    write_base,
)
from tests.workflow.helpers import git

REGISTRY_EDITS = {"rename_actor", "remove_actor", "rename_place", "remove_place"}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rebuild") / "repo"
    write_base(root)
    git(root, "init", "-q", "-b", "main")
    _commit(root)
    return root


def _commit(root: Path) -> None:
    """Everything committed; with nothing changed, a commit that changes no file."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "edits")


@pytest.fixture
def root(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the base corpus, built with its own cache (tmp_path / "cache")."""
    copy = tmp_path / "repo"
    shutil.copytree(base, copy)
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))
    return copy


def _release_bytes(result: BuildResult) -> dict[str, bytes]:
    assert result.written is not None
    final = result.written.path
    return {
        path.relative_to(final).as_posix(): path.read_bytes()
        for path in sorted(final.rglob("*"))
        if path.is_file()
    }


def _builds(root: Path, scratch: Path) -> tuple[BuildResult, BuildResult]:
    """The build from the cache after the edits, and a full build of the same inputs."""
    again = build(root, scratch / "out", "dev")
    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(scratch / "no-cache")}):
        full = build(root, scratch / "full", "dev", cache=False)
    return again, full


@given(rounds=st.lists(st.tuples(EDITS, st.booleans()), min_size=1, max_size=2))
def test_a_build_after_edits_writes_what_a_full_build_writes(
    base: Path, rounds: list[tuple[list[tuple[str, int]], bool]]
) -> None:
    """Each round of edits (committed or not) is followed by a build from the cache (so a second
    round builds on an updated release and the state it left), compared with a full build."""
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        root = scratch / "repo"
        shutil.copytree(base, root)
        with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(scratch / "cache")}):
            first = build(root, scratch / "out", "dev")
            assert first.ok and first.changed is None
            for edits, commit in rounds:
                for kind, pick in edits:
                    edit(root, base.parent / "held", kind, pick)
                if commit:
                    _commit(root)
                again, full = _builds(root, scratch)
                assert again.ok == full.ok
                assert again.validation.problems == full.validation.problems
                if not full.ok:
                    return
                assert _release_bytes(again) == _release_bytes(full)
                assert again.rows == full.rows
                if first.ok and not REGISTRY_EDITS & {kind for kind, _ in edits}:
                    assert again.changed is not None  # the release was updated, not rebuilt
                first = again


def test_a_deleted_document_no_longer_reports_its_events(base: Path, tmp_path: Path) -> None:
    """Every event the document reported is merged again from the documents left (or goes)."""
    for pick in range(len(annotation_files(base))):
        root = tmp_path / f"repo-{pick}"
        shutil.copytree(base, root)
        with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / f"cache-{pick}")}):
            build(root, tmp_path / f"out-{pick}", "dev")
            annotation_files(root)[pick].unlink()
            again = build(root, tmp_path / f"out-{pick}", "dev")
            if not again.ok:
                continue  # another document used one of its events
            with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "none")}):
                full = build(root, tmp_path / f"full-{pick}", "dev", cache=False)
            assert again.changed == 1
            assert _release_bytes(again) == _release_bytes(full)
            return
    pytest.fail("no document of the corpus can be deleted without a problem")


def test_only_the_months_an_edit_touches_are_written(root: Path, tmp_path: Path) -> None:
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    final = first.written.path
    before = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
    replace_first(annotation_files(root)[3], r'summary: "', lambda m: 'summary: "Edited. ')
    again = build(root, tmp_path / "out", "dev")
    assert again.changed == 1
    after = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
    kept = [p for p in after if before.get(p) == after[p]]
    rewritten = [p for p in after if before.get(p) != after[p]]
    assert rewritten and kept  # some files linked unchanged, the edited month's files new
    assert {p.parent.name for p in rewritten} <= {"documents", "claims", "mentions", "events",
                                                  "event_actors"}  # fmt: skip


def test_a_month_whose_rows_come_out_the_same_is_linked(root: Path, tmp_path: Path) -> None:
    """A comment added to an annotation changes its document's row (the annotation's sha256)
    and nothing else: the other tables' files of its month are linked, not written again (nor
    checked again), and the release is still the full build's."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    final = first.written.path
    before = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
    replace_first(annotation_files(root)[3], r"format: 1", lambda m: "format: 1\n# a comment")
    again, full = _builds(root, tmp_path)
    assert again.changed == 1
    after = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
    assert {p.parent.name for p in after if before.get(p) != after[p]} == {"documents"}
    assert _release_bytes(again) == _release_bytes(full)


def test_rows_are_the_same_only_value_for_value_as_written() -> None:
    """-0.0 and 0.0 are equal numbers but not the same bytes in a file: a month whose only
    difference is one of them is written again."""
    zero = pl.DataFrame({"id": ["a", "b"], "latitude": [0.0, None], "tags": [["x"], []]})
    assert _same_rows(zero, zero.clone())
    negative = zero.with_columns(pl.Series("latitude", [-0.0, None]))
    assert zero.equals(negative)  # what polars alone would say
    assert not _same_rows(negative, zero)
    assert not _same_rows(zero.with_columns(pl.Series("tags", [["x"], None])), zero)
    assert not _same_rows(zero.reverse(), zero)


def test_a_touched_release_is_built_again_whole(root: Path, tmp_path: Path) -> None:
    """The last release is the base of an update only while nobody has changed it."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    manifest = first.written.path / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8"), encoding="utf-8")
    replace_first(annotation_files(root)[0], r'summary: "', lambda m: 'summary: "Edited. ')
    again, full = _builds(root, tmp_path)
    assert again.changed is None  # a full build
    assert _release_bytes(again) == _release_bytes(full)


def test_nothing_changed_writes_nothing(root: Path, tmp_path: Path) -> None:
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    for doc in annotation_files(root):
        doc.write_bytes(doc.read_bytes())  # new signatures, the same bytes
    again = build(root, tmp_path / "out", "dev")
    assert again.changed == 0
    assert again.written is not None and again.written.unchanged
    assert state_directory(root, first.written.path).is_dir()


def test_a_commit_that_changes_no_document_names_the_new_commit(root: Path, tmp_path: Path) -> None:
    """The update rewrites the manifest (tables linked, not rebuilt) with the new HEAD, as a full
    build would; before, it kept the commit of the last build."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    final = first.written.path
    before = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
    _commit(root)
    head = git(root, "rev-parse", "HEAD").strip()
    again, full = _builds(root, tmp_path)
    assert again.changed == 0 and again.written is not None and not again.written.unchanged
    manifest = json.loads((final / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source_commit"] == head
    assert _release_bytes(again) == _release_bytes(full)
    assert {p: p.stat().st_ino for p in final.rglob("*.parquet")} == before  # linked
    third = build(root, tmp_path / "out", "dev")  # and the state it left is a base again
    assert third.changed == 0 and third.written is not None and third.written.unchanged


def test_two_edits_in_a_row_are_both_updates(root: Path, tmp_path: Path) -> None:
    """The state the first update leaves is the base of the second."""
    build(root, tmp_path / "out", "dev")
    for doc in (annotation_files(root)[2], annotation_files(root)[7]):
        replace_first(doc, r'summary: "', lambda m: 'summary: "Edited. ')
        again, full = _builds(root, tmp_path)
        assert again.changed == 1
        assert again.written is not None and not again.written.unchanged
        assert _release_bytes(again) == _release_bytes(full)
        assert (again.written.path.stat().st_mode & 0o777) == 0o755


@pytest.mark.parametrize("damage", ["state.json", "documents.arrow", "format", "snapshot"])
def test_a_state_or_cache_that_cannot_be_read_means_a_full_build(
    root: Path, tmp_path: Path, damage: str
) -> None:
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    state = state_directory(root, first.written.path)
    if damage == "format":
        meta = json.loads((state / "state.json").read_text(encoding="utf-8"))
        (state / "state.json").write_text(json.dumps({**meta, "format": 0}), "utf-8")
    elif damage == "snapshot":
        shutil.rmtree(tmp_path / "cache" / "snapshots")
    else:
        (state / damage).write_bytes(b"not what it was")
    replace_first(annotation_files(root)[0], r'summary: "', lambda m: 'summary: "Edited. ')
    again, full = _builds(root, tmp_path)
    assert again.changed is None  # the full build ran
    assert _release_bytes(again) == _release_bytes(full)


def test_a_table_that_empties_and_fills_again(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty table is one empty part-0 file, as a full build writes it, and its months come
    back when it has rows again."""
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))
    annotation = next((repo / "data" / "annotations").glob("*.yaml"))
    text = annotation.read_text(encoding="utf-8")
    build(repo, tmp_path / "out", "dev")
    annotation.write_text(text[: text.index("\nclaims:\n") + 1], encoding="utf-8")
    emptied, full = _builds(repo, tmp_path)
    assert emptied.ok and emptied.changed == 1 and emptied.rows["claims"] == 0
    assert _release_bytes(emptied) == _release_bytes(full)
    assert [p for p in _release_bytes(emptied) if p.startswith("claims/")] == [
        "claims/part-0.parquet"
    ]
    annotation.write_text(text, encoding="utf-8")
    filled, full = _builds(repo, tmp_path)
    assert filled.changed == 1 and filled.rows["claims"] > 0
    assert _release_bytes(filled) == _release_bytes(full)


@pytest.mark.parametrize("kind", ["unknown_actor", "claim_id"])
def test_a_problem_only_the_corpus_checks_see_refuses_the_update(
    base: Path, root: Path, tmp_path: Path, kind: str
) -> None:
    """An unknown actor (E401) or a claim id another document uses (E404): no document is wrong
    alone, and the update must refuse as the full build does, with the same problems."""
    build(root, tmp_path / "out", "dev")
    edit(root, base.parent / "held", kind, 5)
    again, full = _builds(root, tmp_path)
    assert not full.ok
    assert {p.code for p in full.validation.problems} & {"E401", "E404"}
    assert not again.ok
    assert again.validation.problems == full.validation.problems


def test_a_contract_that_fails_refuses_the_update_and_keeps_the_last_one(
    root: Path, tmp_path: Path
) -> None:
    """The contracts are checked while the update's files are written (rebuild._write): when
    one fails, nothing is replaced, no staging is left, and the last release and its state stay
    the base of the next update."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    final = first.written.path
    before = {p.relative_to(final): p.read_bytes() for p in final.rglob("*") if p.is_file()}
    replace_first(annotation_files(root)[0], r'summary: "', lambda m: 'summary: "Edited. ')
    failure = TableFailure("mentions", None, "schema", None, "planted")
    with mock.patch("eventset.rebuild.validate_frame", return_value=[failure]):
        assert rebuild(root, tmp_path / "out", "dev") is None
    assert {p.relative_to(final): p.read_bytes() for p in final.rglob("*") if p.is_file()} == (
        before
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [final.name]
    assert state_directory(root, final).is_dir()
    again, full = _builds(root, tmp_path)
    assert again.changed == 1  # an update from the state kept
    assert _release_bytes(again) == _release_bytes(full)


def test_registry_entry_edits_update_the_release(root: Path, tmp_path: Path) -> None:
    """Each kind of entry edit, one after another: an update (no document changed), not a full
    build, byte-identical to the full build, rewriting its registry's table and no month of the
    documents' tables."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    final = first.written.path
    for pick, kind in enumerate(ENTRY_EDITS):
        before = {p: p.stat().st_ino for p in final.rglob("*.parquet")}
        edit(root, tmp_path / "held", kind, pick)
        again, full = _builds(root, tmp_path)
        assert full.ok, (kind, full.validation.problems)
        assert again.changed == 0, kind  # the release was updated, not built again
        assert again.written is not None and not again.written.unchanged
        assert _release_bytes(again) == _release_bytes(full), kind
        rewritten = {
            p.parent.name for p in final.rglob("*.parquet") if before.get(p) != p.stat().st_ino
        }
        assert f"{ENTRY_EDITS[kind][0]}s" in rewritten, kind
        assert not rewritten & {"documents", "claims", "mentions"}, kind


def test_a_comment_in_a_registry_changes_the_inputs_hash_only(root: Path, tmp_path: Path) -> None:
    """No entry changed: no table file is written again, but the manifest names the inputs it
    was built from, as the full build's does."""
    first = build(root, tmp_path / "out", "dev")
    assert first.written is not None
    parquet = {p: p.stat().st_ino for p in first.written.path.rglob("*.parquet")}
    edit(root, tmp_path / "held", "registry_comment", 1)
    again, full = _builds(root, tmp_path)
    assert again.changed == 0 and again.written is not None and not again.written.unchanged
    assert _release_bytes(again) == _release_bytes(full)
    assert {p: p.stat().st_ino for p in first.written.path.rglob("*.parquet")} == parquet
