"""`eventset validate --changed`: the files changed since a git ref and the files they affect."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import eventset.validation.cache as cache
import eventset.validation.runner as runner
from eventset.inputs.seeds import sha256_of
from eventset.schema.registry import ActorRegistry
from eventset.validation.changed import (
    Change,
    GitError,
    affected_files,
    changed_registry_ids,
    kind_of,
    validate_changed,
)
from eventset.validation.document import Digests, DocumentResult, process_document
from eventset.validation.repository import validate_repository
from eventset.validation.runner import empty_frames
from tests.workflow.helpers import (
    ANNOTATION,
    REPO,
    SEED_ID,
    commit_all,
    eventset,
    git,
    inputs_repo,
    replace_once,
)

BOMBING = "iq-2021-09-06-kalsu-bridge-convoy-bombing"
SECOND_ID = "synthetic_follow_up"
SECOND = f"data/annotations/{SECOND_ID}.yaml"
SECOND_TEXT = (
    " date 2021-09-08 Synthetic follow-up on the Kalsu Bridge bombing\n\n"
    "SYNTHETIC TEST DOCUMENT, not a real source. A security source said the bomb near the "
    "Kalsu Bridge was placed overnight.\n"
)


def _second_annotation(seed_raw: bytes) -> str:
    """A generated, test-only annotation whose claim is about the seed annotation's event."""
    return f"""format: 1
document:
  id: "{SECOND_ID}"
  sha256: "{sha256_of(seed_raw)}"
  published: 2021-09-08
  title: "Synthetic follow-up on the Kalsu Bridge bombing"
  language: "en"
  licence: cc0_1_0
actors:
  - actor: unnamed-security-source
    mentions: ["A security source"]
claims:
  - id: c-synthetic-follow-up-placed-overnight
    claimant: unnamed-security-source
    kind: statement
    about: {{event: {BOMBING}}}
    summary: The bomb was placed overnight.
    evidence: ["the bomb near the Kalsu Bridge was placed overnight"]
"""


def _add_second(root: Path) -> None:
    seed = root / "seeds" / f"{SECOND_ID}.txt"
    seed.write_text(SECOND_TEXT, encoding="utf-8", newline="")
    (root / SECOND).write_text(_second_annotation(seed.read_bytes()), encoding="utf-8")


Corpus = tuple[list[str], pl.DataFrame, pl.DataFrame]


def _corpus(root: Path, without: str | None = None) -> Corpus:
    """What affected_files needs of a corpus (optionally as if one annotation were gone)."""
    result = validate_repository(root)
    keep = pl.col("file") != (without or "")
    frames = result.frames
    files = [file for file in result.annotation_files if file != without]
    return files, frames["references"].filter(keep), frames["event_facts"].filter(keep)


NO_CORPUS: Corpus = ([], empty_frames()["references"], empty_frames()["event_facts"])


# --- the whole loop, as a contributor and CI run it ---------------------------------------------


def test_a_bad_annotation_on_a_branch_is_caught_and_the_fix_passes(tmp_path: Path) -> None:
    upstream = inputs_repo(tmp_path / "upstream")
    git(tmp_path, "clone", "-q", str(upstream), "clone")  # a local clone: offline, has origin/main
    clone = tmp_path / "clone"
    git(clone, "switch", "-q", "-c", "fix-event-type")
    annotation = clone / ANNOTATION
    replace_once(annotation, "type: THREATEN", "type: THREATENS")
    commit_all(clone, "a bad event type")

    bad = eventset(clone, "validate", "--changed", "--format", "github")
    assert bad.returncode == 1, bad.stderr
    errors = [line for line in bad.stdout.splitlines() if line.startswith("::error ")]
    assert errors, bad.stdout
    line = next(
        n for n, text in enumerate(annotation.read_text().splitlines(), 1) if "THREATENS" in text
    )
    assert any(f"::error file={ANNOTATION},line={line},col=11," in e for e in errors), errors
    assert any("E204" in e and "THREATEN" in e for e in errors)
    assert "1 changed" in bad.stderr  # the merge-base with origin/main is the default base

    replace_once(annotation, "type: THREATENS", "type: THREATEN")
    commit_all(clone, "fix the event type")
    good = eventset(clone, "validate", "--changed", "--format", "github")
    assert (good.returncode, good.stdout) == (0, ""), good.stdout + good.stderr


def test_base_must_name_a_commit_and_needs_changed(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    done = eventset(root, "validate", "--changed", "--base", "--output=x")  # not an option to git
    assert done.returncode == 2 and "does not name a commit" in done.stderr
    done = eventset(root, "validate", "--base", "HEAD")
    assert done.returncode == 2 and "--base needs --changed" in done.stderr


def test_outside_a_git_repository_is_a_clear_error(repo: Path) -> None:
    done = eventset(repo, "validate", "--changed")
    assert done.returncode == 2
    assert "error: --changed:" in done.stderr and "Traceback" not in done.stderr


# --- which files are affected (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (ANNOTATION, "annotation"),
        ("data/annotations/x.yml", "annotation"),
        (f"seeds/{SEED_ID}.txt", "seed"),
        ("data/actors.yaml", "actors"),
        ("data/places.yaml", "places"),
        ("data/annotations/sub/x.yaml", "data"),
        ("data/stray.yaml", "data"),
        ("eventset/schema/vocabularies/event_types.yaml", "code"),
        ("README.md", "other"),
        ("seeds/notes.md", "other"),
    ],
)
def test_kind_of(path: str, kind: str) -> None:
    assert kind_of(path) == kind


def test_an_edited_actor_rechecks_the_annotations_that_use_it(repo: Path) -> None:
    raw = (repo / "data" / "actors.yaml").read_bytes()
    renamed = raw.replace(b"- id: ashab-al-kahf\n", b"- id: ashab-al-kahf-group\n")
    assert renamed != raw
    change = Change("data/actors.yaml", raw, renamed)
    assert changed_registry_ids(change, ActorRegistry) == {"ashab-al-kahf", "ashab-al-kahf-group"}
    affected = affected_files([change], *_corpus(repo))
    assert affected.changed == {"data/actors.yaml"} and affected.dependents == {ANNOTATION}


def test_an_actor_nobody_uses_rechecks_only_the_registry(repo: Path) -> None:
    raw = (repo / "data" / "actors.yaml").read_bytes()
    entry = b"actors:\n  - id: new-actor\n    name: New actor\n    kind: armed_group\n\n"
    added = raw.replace(b"actors:\n", entry, 1)
    change = Change("data/actors.yaml", raw, added)
    assert changed_registry_ids(change, ActorRegistry) == {"new-actor"}
    affected = affected_files([change], *_corpus(repo))
    assert affected.files == {"data/actors.yaml"}


def test_an_unreadable_registry_rechecks_every_user(repo: Path) -> None:
    raw = (repo / "data" / "places.yaml").read_bytes()
    change = Change("data/places.yaml", raw, b"format: 1\nplaces: [\n")
    assert affected_files([change], *_corpus(repo)).dependents == {ANNOTATION}


def test_a_seed_rechecks_its_annotation(repo: Path) -> None:
    change = Change(f"seeds/{SEED_ID}.txt", None, b"changed")
    affected = affected_files([change], *_corpus(repo))
    assert (affected.changed, affected.dependents) == (set(), {ANNOTATION})


def test_annotations_sharing_an_event_recheck_each_other(repo: Path) -> None:
    _add_second(repo)
    assert validate_repository(repo).ok
    corpus = _corpus(repo)
    seed_side = Change(ANNOTATION, b"", (repo / ANNOTATION).read_bytes())
    assert affected_files([seed_side], *corpus).dependents == {SECOND}
    second_side = Change(SECOND, None, (repo / SECOND).read_bytes())
    assert affected_files([second_side], *corpus).dependents == {ANNOTATION}


def test_a_deleted_annotation_rechecks_the_users_of_its_events(repo: Path) -> None:
    _add_second(repo)
    gone = Change(ANNOTATION, (repo / ANNOTATION).read_bytes(), None)
    affected = affected_files([gone], *_corpus(repo, without=ANNOTATION))
    assert (affected.changed, affected.dependents) == (set(), {SECOND})


def test_a_change_to_the_validator_rechecks_everything(repo: Path) -> None:
    assert affected_files([Change("eventset/build/checks.py", b"", b"")], *NO_CORPUS).everything
    assert not affected_files([Change("README.md", b"", b"x")], *_corpus(repo)).files


# --- the git edge --------------------------------------------------------------------------------


def test_unstaged_staged_and_untracked_files_all_count(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    replace_once(root / ANNOTATION, "type: THREATEN", "type: THREATENS")  # unstaged
    (root / "data" / "stray.yaml").write_text("format: 1\n", encoding="utf-8")  # untracked
    _add_second(root)
    git(root, "add", SECOND, f"seeds/{SECOND_ID}.txt")  # staged
    run = validate_changed(root)
    assert run.affected.changed == {ANNOTATION, SECOND, "data/stray.yaml"}
    codes = {(p.file, p.code) for p in run.validation.problems}
    # The broken annotation defines no event, so the staged one's claim about it fails too.
    assert codes == {(ANNOTATION, "E204"), ("data/stray.yaml", "E417"), (SECOND, "E403")}


def test_a_renamed_actor_is_reported_where_it_is_used(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    replace_once(root / "data" / "actors.yaml", "- id: ashab-al-kahf\n", "- id: ashab-kahf\n")
    run = validate_changed(root, "HEAD")
    assert run.affected.dependents == {ANNOTATION}
    unknown = [p for p in run.validation.problems if p.code == "E401"]
    assert unknown and {p.file for p in unknown} == {ANNOTATION}
    assert all("ashab-al-kahf" in p.message for p in unknown)


def test_given_paths_are_the_changes(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    replace_once(root / ANNOTATION, "type: THREATEN", "type: THREATENS")  # not among the paths
    run = validate_changed(root, None, [root / "data" / "actors.yaml"])
    assert run.affected.files == {"data/actors.yaml"} and run.validation.ok
    run = validate_changed(root, None, [root / "data"])  # a directory: the files under it
    assert ANNOTATION in run.affected.changed and not run.validation.ok
    missing = validate_changed(root, None, [root / "data" / "annotations" / "nope.yaml"])
    assert [(p.code, p.file) for p in missing.validation.problems] == [
        ("E111", "data/annotations/nope.yaml")
    ]


def test_a_repository_without_commits_counts_every_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "data").mkdir()
    (root / "data" / "actors.yaml").write_text("format: 1\nactors: []\n", encoding="utf-8")
    run = validate_changed(root)
    assert "data/actors.yaml" in run.affected.changed


def test_not_a_repository_or_a_bad_ref_raises(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(GitError):
        validate_changed(repo)
    root = inputs_repo(tmp_path / "git")
    with pytest.raises(GitError, match="does not name a commit"):
        validate_changed(root, "main~5")


def test_changed_parses_only_what_shares_an_id_with_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventset.synth import write_corpus

    root = tmp_path / "repo"
    write_corpus(root, 40, 7)  # SYNTHETIC documents (eventset synth), test-only
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "synthetic corpus")
    monkeypatch.setenv("EVENTSET_CACHE_DIR", str(tmp_path / "cache"))  # empty, as on CI
    calls: list[str] = []
    real = process_document

    def counting(
        file: str, raw: bytes, seed_raw: bytes | None, digests: Digests | None = None
    ) -> DocumentResult:
        calls.append(file)
        return real(file, raw, seed_raw, digests)

    monkeypatch.setattr(runner, "process_document", counting)
    annotations = sorted((root / "data" / "annotations").glob("*.yaml"))
    edited = annotations[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    first = validate_changed(root)
    assert first.validation.ok and f"data/annotations/{edited.name}" in first.affected.changed
    assert f"data/annotations/{edited.name}" in calls
    assert len(calls) < len(annotations) // 2  # never the whole corpus
    assert len(calls) == len(set(calls)) == first.validation.processed


def test_cache_never_lives_in_the_checkout() -> None:
    assert REPO not in cache.default_cache_dir().resolve().parents
