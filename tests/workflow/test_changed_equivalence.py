"""`validate --changed` without a cache reports exactly what a full `validate` reports.

`validate_changed` parses only the files that share an id with a change (found with git grep);
`validate_all_changed` is the reference: the whole corpus, then the same restriction. On a
generated corpus (SYNTHETIC documents, test-only) committed to git, random edits (documents
added, edited or deleted; registry entries renamed or removed) must get the same problems and
the same set of affected files from both.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.problems import Problem
from eventset.validation.changed import (
    changes_since,
    resolve_commit,
    validate_all_changed,
    validate_changed,
    validate_files,
)
from eventset.validation.indexed import validate_with_index
from eventset.validation.repository import validate_repository
from tests.workflow.edits import (
    DOCS,
    EDITS,
    SEED_EDITS,
    annotation_files,
    edit,
    edit_seed,
    replace_first,
    seed_files,
    write_base,
)
from tests.workflow.helpers import commit_all, git


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changed") / "repo"
    write_base(root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "synthetic corpus")
    return root


@given(latent=EDITS, edits=EDITS)
def test_changed_reports_what_a_full_validate_reports(
    base_repo: Path, latent: list[tuple[str, int]], edits: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(base_repo, root)
        # Problems already on main: a file the change affects must still be checked against
        # every file it shares an id with, changed or not.
        for kind, pick in latent:
            edit(root, base_repo.parent / "held", kind, pick)
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "latent problems")
        for kind, pick in edits:
            edit(root, base_repo.parent / "held", kind, pick)
        fast = validate_changed(root, "HEAD", cache=False)
        commit = resolve_commit(root, "HEAD")
        full = validate_all_changed(root, commit, changes_since(root, commit), cache=False)
        assert fast.affected == full.affected
        assert fast.validation.problems == full.validation.problems
        assert fast.validation.processed <= full.validation.processed
        # `validate FILE`: the same for one annotation, parsing only around it
        docs = annotation_files(root)
        if docs:
            target = [docs[len(edits) * 7 % len(docs)]]
            assert validate_files(root, target).problems == (
                validate_repository(root, target).problems
            )


@given(latent=EDITS, edits=EDITS, pick=st.integers(min_value=0, max_value=10_000))
def test_validate_file_against_the_cache_reports_what_a_full_validate_reports(
    base_repo: Path, latent: list[tuple[str, int]], edits: list[tuple[str, int]], pick: int
) -> None:
    """`validate FILE` with a warm cache checks the file against the snapshot's index; files
    changed since the snapshot (added, edited, deleted, registries too) are parsed again."""
    with _latent_copy(base_repo, latent) as root:
        validate_repository(root, cache=True)  # the snapshot
        for kind, at in edits:
            edit(root, base_repo.parent / "held", kind, at)
        docs = annotation_files(root)
        target = docs[pick % len(docs)] if docs else root / "data" / "annotations" / "x.yaml"
        wanted = {f"data/annotations/{target.name}"}
        indexed = validate_with_index(root, wanted, [target])
        assert indexed is not None
        assert indexed.problems == validate_repository(root, [target]).problems
        assert indexed.processed <= 1 + len(edits)


OWN_SEED_EDITS = st.sampled_from([None, "append", "rewrite", "delete", "link", "folder", "fifo"])


@given(latent=EDITS, seed_edits=SEED_EDITS, pick=st.integers(min_value=0), own=OWN_SEED_EDITS)
def test_validate_file_against_the_cache_needs_no_other_seed(
    base_repo: Path,
    latent: list[tuple[str, int]],
    seed_edits: list[tuple[str, int]],
    pick: int,
    own: str | None,
) -> None:
    """`validate FILE` with a warm cache lists no seed's stat signature, only the annotations'
    (indexed.py): the file's verdict cannot depend on another document's seed. After the
    snapshot, other documents' seeds are edited, removed or replaced by what is not a file:
    the full validation's problems in the file stay the same, and the check against the index
    reports what the full validation reports (the refused entries of the seeds folder too);
    then the file's own seed is edited, and that is seen."""
    with _latent_copy(base_repo, latent) as root:
        docs = annotation_files(root)
        if not docs:
            return
        target = docs[pick % len(docs)]
        shown = f"data/annotations/{target.name}"
        full = validate_repository(root, [target], cache=True)  # the snapshot
        own_problems = [p for p in full.problems if p.file == shown]
        own_seed = root / "seeds" / f"{target.stem}.txt"
        for kind, at in seed_edits:
            seeds = seed_files(root)
            if kind == "orphan" or (seeds and seeds[at % len(seeds)] != own_seed):
                edit_seed(root, kind, at)  # the others' seeds only, this time
        full = validate_repository(root, [target])
        assert [p for p in full.problems if p.file == shown] == own_problems
        assert _indexed(root, target) == full.problems
        if own is not None and own_seed.is_file():
            edit_seed(root, own, seed_files(root).index(own_seed))
            _check_with_index(root, target)


@contextlib.contextmanager
def _latent_copy(base_repo: Path, latent: list[tuple[str, int]]) -> Iterator[Path]:
    """A copy of the base repository with the `latent` edits made, and a cache of its own."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(base_repo, root)
        with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": f"{scratch}/cache"}):
            for kind, at in latent:
                edit(root, base_repo.parent / "held", kind, at)
            yield root


def _indexed(root: Path, target: Path) -> list[Problem]:
    """FILE's problems as `validate FILE` with a warm cache finds them (against the index)."""
    indexed = validate_with_index(root, {f"data/annotations/{target.name}"}, [target])
    assert indexed is not None
    return list(indexed.problems)


def _events_by_file(root: Path) -> dict[str, list[str]]:
    return {
        doc.name: re.findall(r"- id: (synthetic-event-\d+)\n", doc.read_text(encoding="utf-8"))
        for doc in annotation_files(root)
    }


def _check_with_index(root: Path, target: Path) -> list[Problem]:
    """`_indexed`, held to the full validation's problems for the file."""
    problems = _indexed(root, target)
    assert problems == validate_repository(root, [target]).problems
    return problems


def test_a_deleted_document_no_longer_disagrees(base_repo: Path, tmp_path: Path) -> None:
    """The snapshot's rows of a file deleted since are not compared with the target."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    events = _events_by_file(root)
    shared = next(
        (first, later, event)
        for first in sorted(events)
        for later in sorted(events)
        if first < later
        for event in set(events[first]) & set(events[later])
    )
    first_doc, later_doc = (root / "data" / "annotations" / name for name in shared[:2])
    event = shared[2]
    replace_first(
        first_doc,
        rf"(- id: {event}\n(?:    .*\n)*?      start: )\d{{4}}",
        lambda m: f"{m[1]}1999",
    )
    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "cache")}):
        before = validate_repository(root, [later_doc], cache=True)
        assert any(p.code == "E501" for p in before.problems)
        first_doc.unlink()
        assert not any(p.code == "E501" for p in _check_with_index(root, later_doc))


def test_the_hint_for_an_unknown_event_searches_every_document(
    base_repo: Path, tmp_path: Path
) -> None:
    """E403's hint names the nearest event any annotation defines, not only the target's."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    events = _events_by_file(root)
    target = next(
        doc for doc in annotation_files(root) if "event: synthetic-event-" in doc.read_text()
    )
    elsewhere = sorted(
        {e for name, ids in events.items() if name != target.name for e in ids}
        - set(events[target.name])
    )[0]
    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "cache")}):
        validate_repository(root, cache=True)
        replace_first(target, r"event: synthetic-event-\d+", lambda m: f"event: {elsewhere}x")
        problems = _check_with_index(root, target)
    assert any(p.code == "E403" and elsewhere in str(p.hint) for p in problems)


def test_validate_file_declines_a_cache_of_another_corpus(base_repo: Path, tmp_path: Path) -> None:
    """A snapshot out of date for many files (a restored cache, another checkout) is not used."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "cache")}):
        target = annotation_files(root)[0]
        assert validate_with_index(root, {f"data/annotations/{target.name}"}, [target]) is None
        validate_repository(root, cache=True)
        for doc in annotation_files(root):
            doc.write_bytes(doc.read_bytes())  # same bytes, every signature changed
        with mock.patch("eventset.validation.indexed.MAX_STALE", 3):
            assert validate_with_index(root, {"data/annotations/x.yaml"}, [target]) is None


def test_one_changed_document_parses_a_few_documents(base_repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    edit(root, base_repo.parent / "held", "event_date", 3)
    run = validate_changed(root, "HEAD", cache=False)
    assert run.affected.changed and not run.validation.ok
    assert 0 < run.validation.processed < DOCS // 2


def test_an_id_written_with_an_escape_is_still_found(base_repo: Path, tmp_path: Path) -> None:
    """git grep cannot see `synthetic\\x2dactor-5` as the id it spells: files with a backslash
    are always read, so renaming the actor still reports the annotation that uses it."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    doc = annotation_files(root)[0]
    actor = re.findall(r"actor: (synthetic-actor-\d+)", doc.read_text(encoding="utf-8"))[0]
    escaped = '"' + actor.replace("-", "\\x2d", 1) + '"'
    text = re.sub(rf"(?<![\w-]){actor}(?![\w-])", lambda m: escaped, doc.read_text("utf-8"))
    assert actor not in text
    doc.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "an escaped reference")
    registry = root / "data" / "actors.yaml"
    replace_first(registry, rf"- id: {actor}\n", lambda m: f"- id: {actor}-renamed\n")
    fast = validate_changed(root, "HEAD", cache=False)
    assert f"data/annotations/{doc.name}" in fast.affected.dependents
    assert any(p.code == "E401" and p.file.endswith(doc.name) for p in fast.validation.problems)


def test_annotations_in_a_repository_of_their_own_are_validated_whole(
    base_repo: Path, tmp_path: Path
) -> None:
    """git grep does not enter a nested repository: then every annotation is parsed."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    git(root / "data" / "annotations", "init", "-q")
    target = [annotation_files(root)[0]]
    result = validate_files(root, target)
    assert result.problems == validate_repository(root, target).problems
    assert result.files_checked >= DOCS


def test_validate_file_against_the_cache_walks_no_seed_signature(
    base_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the annotations folder is walked with every file's stat signature; of the seeds
    folder, only its entries that are not regular files are listed."""
    from eventset.inputs import files, scan

    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    target = annotation_files(root)[0]
    walked: list[Path] = []

    def walk(folder: Path) -> scan.Entries:
        walked.append(folder)
        return scan.walk(folder)

    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "cache")}):
        validate_repository(root, cache=True)
        monkeypatch.setattr(files, "walk", walk)
        _indexed(root, target)
    assert walked == [root / "data" / "annotations"]


def test_validate_file_against_the_cache_reads_no_seed_through_a_linked_folder(
    base_repo: Path, tmp_path: Path
) -> None:
    """A seeds folder that is a link is refused (E111) and no seed is read through it (E405),
    as the full validation says, though the file's own seed path would read."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root)
    target = annotation_files(root)[0]
    with mock.patch.dict(os.environ, {"EVENTSET_CACHE_DIR": str(tmp_path / "cache")}):
        validate_repository(root, cache=True)
        (root / "seeds").rename(root / "kept-seeds")
        (root / "seeds").symlink_to("kept-seeds")
        problems = _check_with_index(root, target)
    assert {"E111", "E405"} <= {p.code for p in problems}
