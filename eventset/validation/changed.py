"""Incremental validation: the inputs changed since a git ref, and the inputs their change affects.

A file is only valid in context, so checking the changed files alone is not enough: an actor
removed from the registry breaks every annotation that uses it, and an event id shared by two
annotations can conflict in either. `affected_files` is the pure part (changes + every
document's references -> files to report on); `changes_since` is the git edge.

Without parsing the corpus: the ids a change touches are looked up with `git grep` (a file that
uses an id contains it as a word, unless it writes it with an escape, so every file with a
backslash is read too); only those files are parsed, then the ids of the files to report on are
looked up once more, so that every corpus check about them sees every file that shares them.
The result is what a full `validate` reports for the same files (a property test compares them).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, TypeVar

import polars as pl

from eventset.inputs.layout import Layout
from eventset.inputs.parse import parse_model
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.validation.document import process_document
from eventset.validation.indexed import validate_with_index
from eventset.validation.repository import (
    Validation,
    add_documents,
    list_tasks,
    load_registries,
    restrict,
    validate_repository,
)
from eventset.validation.runner import Batch, merge_batches, run_documents

Kind = Literal["annotation", "seed", "actors", "places", "coding", "data", "code", "other"]
R = TypeVar("R", ActorRegistry, PlaceRegistry)

# The tree of a repository with no commits: diffing against it lists every staged file as new.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class Change:
    """One changed file, repository-relative with forward slashes."""

    path: str
    before: bytes | None  # at the base; None when it did not exist there (or was not needed)
    after: bytes | None  # in the working tree; None when deleted


@dataclass
class Affected:
    """What to report on: the changed inputs and the inputs that depend on them."""

    changed: set[str] = field(default_factory=set)
    dependents: set[str] = field(default_factory=set)
    everything: bool = False  # the validator itself changed: every file is affected

    @property
    def files(self) -> set[str]:
        return self.changed | self.dependents


def kind_of(path: str) -> Kind:
    parts = PurePosixPath(path).parts
    suffix = PurePosixPath(path).suffix
    if len(parts) == 2 and parts[0] == "seeds" and suffix == ".txt":
        return "seed"
    if path == "data/actors.yaml":
        return "actors"
    if path == "data/places.yaml":
        return "places"
    if len(parts) == 3 and parts[:2] == ("data", "annotations") and suffix in {".yaml", ".yml"}:
        return "annotation"
    if len(parts) == 4 and parts[:2] == ("data", "codings") and suffix in {".yaml", ".yml"}:
        return "coding"
    if parts and parts[0] == "data" and suffix in {".yaml", ".yml"}:
        return "data"  # a YAML file in the wrong place: validation reports it (E417)
    if parts and parts[0] == "eventset":
        return "code"  # the validator or its vocabularies: any verdict may change
    return "other"


def _registry_entries(raw: bytes | None, file: str, model: type[R]) -> dict[str, object] | None:
    """id -> entry of a registry file's bytes; {} for no file, None when it does not parse."""
    if raw is None:
        return {}
    registry, _, problems = parse_model(raw, file, model)
    if registry is None or problems:
        return None
    entries = registry.actors if isinstance(registry, ActorRegistry) else registry.places
    found: dict[str, object] = {}
    for entry in entries:
        found[entry.id] = entry.model_dump()
    for retired in registry.retired:
        found[f"retired:{retired.id}"] = retired.model_dump()
    return found


def changed_registry_ids(change: Change, model: type[R]) -> set[str] | None:
    """Ids added, removed or edited between the two versions of a registry, or None when either
    version cannot be read as a registry (then every user of the registry is affected)."""
    before = _registry_entries(change.before, change.path, model)
    after = _registry_entries(change.after, change.path, model)
    if before is None or after is None:
        return None
    ids = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    return {key.removeprefix("retired:") for key in ids}


def _shared_ids(file: str, raw: bytes | None) -> tuple[set[str], set[str]]:
    """Event and claim ids an annotation's bytes define or use (nothing when it does not parse):
    other annotations may define or use them too."""
    if raw is None:
        return set(), set()
    tables = process_document(file, raw, None).tables
    if not tables:
        return set(), set()
    refs, facts = tables["references"], tables["event_facts"]
    pairs = list(zip(refs["kind"], refs["id"], strict=True))
    events = set(facts["event_id"]) | {ref_id for kind, ref_id in pairs if kind == "event_used"}
    return events, {ref_id for kind, ref_id in pairs if kind == "claim_defined"}


def _deleted(change: Change) -> bool:
    """Gone since the base. A named file that never existed is not "deleted": it is reported."""
    return change.after is None and change.before is not None


@dataclass
class Touched:
    """What the changes themselves touch, read from the changed files alone."""

    affected: Affected = field(default_factory=Affected)
    actors: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    all_actor_users: bool = False  # a registry that does not parse: every user is affected
    all_place_users: bool = False
    events: set[str] = field(default_factory=set)  # defined or used, before or after
    claims: set[str] = field(default_factory=set)

    @property
    def ids(self) -> set[str]:
        return self.actors | self.places | self.events | self.claims


def touched_by(changes: Iterable[Change], files: Sequence[str]) -> Touched:
    """The changed inputs and the ids their change can affect elsewhere. Pure.

    `files` are the corpus's annotation files (a changed seed affects its annotation)."""
    touched = Touched()
    affected = touched.affected
    by_id = {PurePosixPath(file).stem: file for file in files}
    for change in changes:
        kind = kind_of(change.path)
        if kind == "code":
            affected.everything = True
        elif kind == "seed":
            annotation = by_id.get(PurePosixPath(change.path).stem)
            if annotation is not None:
                affected.dependents.add(annotation)
        elif kind in {"actors", "places"}:
            if not _deleted(change):
                affected.changed.add(change.path)
            if kind == "actors":
                ids = changed_registry_ids(change, ActorRegistry)
                touched.all_actor_users |= ids is None
                touched.actors |= ids or set()
            else:
                ids = changed_registry_ids(change, PlaceRegistry)
                touched.all_place_users |= ids is None
                touched.places |= ids or set()
        elif kind in {"annotation", "coding", "data"}:
            if not _deleted(change):
                affected.changed.add(change.path)
            if kind == "annotation":
                for raw in (change.before, change.after):
                    events, claims = _shared_ids(change.path, raw)
                    touched.events |= events
                    touched.claims |= claims
    return touched


def dependents(touched: Touched, references: pl.DataFrame, event_facts: pl.DataFrame) -> Affected:
    """`touched.affected` plus every annotation in the frames whose verdict the touched ids can
    alter. Pure; the frames must hold every annotation that uses or defines a touched id."""
    affected = Affected(
        set(touched.affected.changed),
        set(touched.affected.dependents),
        touched.affected.everything,
    )
    ref_kind, ref_id = pl.col("kind"), pl.col("id")
    hit = references.filter(
        (
            (ref_kind == "actor")
            & (pl.lit(touched.all_actor_users) | ref_id.is_in(list(touched.actors)))
        )
        | (
            (ref_kind == "place")
            & (pl.lit(touched.all_place_users) | ref_id.is_in(list(touched.places)))
        )
        | ((ref_kind == "event_used") & ref_id.is_in(list(touched.events)))
        | ((ref_kind == "claim_defined") & ref_id.is_in(list(touched.claims)))
    )
    sharing = event_facts.filter(pl.col("event_id").is_in(list(touched.events)))
    affected.dependents |= set(hit.get_column("file").to_list()) | set(
        sharing.get_column("file").to_list()
    )
    affected.dependents -= affected.changed
    return affected


def affected_files(
    changes: Iterable[Change],
    files: Sequence[str],
    references: pl.DataFrame,
    event_facts: pl.DataFrame,
) -> Affected:
    """The changed inputs plus every annotation whose verdict their change can alter. Pure.

    `files` are the corpus's annotation files; `references` and `event_facts` are the corpus
    frames of validate_repository (what each annotation uses and defines)."""
    return dependents(touched_by(changes, files), references, event_facts)


# --- the git edge -------------------------------------------------------------------------------


class GitError(Exception):
    """git is missing, the root is not in a work tree, or a ref does not name a commit."""


def _git(root: Path, *args: str, stdin: bytes | None = None, nothing_found: bool = False) -> bytes:
    """git's output; with `nothing_found`, exit status 1 (git grep found nothing) is no error."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            check=False,
            # A pager or a prompt would hang a hook or CI; no user config may change the output.
            env={**os.environ, "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError as err:
        raise GitError(f"cannot run git: {err.strerror}") from None
    if nothing_found and done.returncode == 1 and not done.stderr:
        return b""
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def resolve_commit(root: Path, ref: str) -> str:
    """The commit a ref names; `--end-of-options` keeps a ref like `--output=x` from being an option."""
    try:
        out = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        )
    except GitError:
        raise GitError(f"{ref!r} does not name a commit in this repository") from None
    return out.decode().strip()


def default_base(root: Path) -> str:
    """Where a branch left main: the merge-base with origin/main if there is one, else HEAD (so a
    pre-commit run checks what is staged), else the empty tree of a repository with no commits."""
    try:
        return _git(root, "merge-base", "HEAD", "origin/main").decode().strip()
    except GitError:
        pass
    try:
        return resolve_commit(root, "HEAD")
    except GitError:
        _git(root, "rev-parse", "--git-dir")  # not a repository at all: say so
        return EMPTY_TREE


def _split(out: bytes) -> list[str]:
    return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]


def _relative(root: Path, paths: Sequence[Path]) -> list[str]:
    """Paths as repository-relative names. Directories on the way are resolved (the working
    directory may be reached through a symlink) but the file itself is not followed."""
    top = Path(os.path.realpath(root))
    names = []
    for path in paths:
        absolute = Path(os.path.abspath(path))  # noqa: PTH100
        if absolute.is_dir():
            located = Path(os.path.realpath(absolute))
        else:
            located = Path(os.path.realpath(absolute.parent)) / absolute.name
        try:
            names.append(located.relative_to(top).as_posix())
        except ValueError:
            raise GitError(f"{path} is outside the repository root {root}") from None
    return names


def _listed(root: Path, paths: Sequence[Path]) -> list[str]:
    """The files named by `paths`: a directory stands for the files git knows or would add under
    it; a file is itself, whether it exists or not (a deleted or mistyped file counts too)."""
    names = set()
    for name in _relative(root, paths):
        if (root / name).is_dir():
            spec = f":(literal){name}" if name != "." else "."
            out = _git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z", spec)
            names |= set(_split(out))
        else:
            names.add(name)
    return sorted(names)


def _blobs_at(root: Path, base: str, paths: Sequence[str]) -> dict[str, bytes]:
    """The bytes of `paths` in commit `base` (absent paths are left out), in one git call."""
    if not paths or base == EMPTY_TREE:
        return {}
    paths = [p for p in paths if "\n" not in p]  # one request per line; such names are invalid
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    request = b"".join(f"{base}:{prefix}{p}\n".encode() for p in paths)
    out = _git(root, "cat-file", "--batch=%(objecttype) %(objectsize)", stdin=request)
    blobs: dict[str, bytes] = {}
    at = 0
    for path in paths:
        end = out.index(b"\n", at)
        header = out[at:end]
        at = end + 1
        if header.endswith(b" missing") or header.endswith(b" ambiguous"):
            continue  # the path did not exist at the base
        kind, size = header.split(b" ")
        if kind == b"blob":
            blobs[path] = out[at : at + int(size)]
        at += int(size) + 1  # the object is followed by a newline
    return blobs


def changes_since(root: Path, base: str, paths: Sequence[Path] = ()) -> list[Change]:
    """Files under `root` that differ from commit `base`: staged, unstaged and untracked.

    With `paths` (as a pre-commit hook passes the staged files), those files are the changes,
    compared with their version at `base`, whether or not git sees a difference.
    """
    if paths:
        names = _listed(root, paths)
    else:
        tracked = _git(root, "diff", "--name-only", "--no-renames", "-z", "--relative", base)
        untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
        names = sorted(set(_split(tracked)) | set(_split(untracked)))
    # Only annotations and registries need their old bytes (to see which ids they defined).
    needed = [n for n in names if kind_of(n) in {"annotation", "actors", "places"}]
    before = _blobs_at(root, base, needed)
    changes = []
    for name in names:
        path = root / name
        after = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        changes.append(Change(name, before.get(name), after))
    return changes


# git grep over the working tree: tracked, untracked and ignored files alike, as listing sees them.
_GREP = ("grep", "--untracked", "--no-exclude-standard")
# The value of an `id` key on its line (plain or quoted, block or flow style), and the files that
# write one otherwise (on the next line, as a block scalar, with an anchor or a tag).
_ID_VALUE = r"(^|[[:space:]{,])[\"']?id[\"']?[[:space:]]*:[[:space:]]*[^][:space:],{}#]+"
_ODD_ID = r"(^|[[:space:]{,])[\"']?id[\"']?[[:space:]]*:[[:space:]]*($|#|[][|>&!*?{}])"
_ID_KEY = re.compile(r"^[\s{,]*[\"']?id[\"']?\s*:\s*")  # what git grep -o prints before the value


def files_mentioning(root: Path, words: Iterable[str], folder: str) -> set[str]:
    """Files under `folder` that contain one of `words` as a whole word, plus every file with a
    backslash: a YAML escape can spell an id without containing it, so those are always read."""
    common = [*_GREP, "-l", "-z", "-F"]
    searches = [[*common, "-e", "\\", "--", folder]]
    patterns = sorted(set(words))
    for at in range(0, len(patterns), 2000):  # bounded command lines
        args = [arg for word in patterns[at : at + 2000] for arg in ("-e", word)]
        searches.append([*common, "-w", *args, "--", folder])
    # The searches run side by side: each reads the whole folder, and the reads overlap.
    with ThreadPoolExecutor(len(searches)) as pool:
        outputs = pool.map(lambda args: _git(root, *args, nothing_found=True), searches)
        return {name for out in outputs for name in _split(out)}


def _facts_and_uses(batch: Batch, files: set[str]) -> set[str]:
    """Event and claim ids that `files` define or use, from their frames."""
    refs, facts = batch.frames["references"], batch.frames["event_facts"]
    mine = pl.col("file").is_in(list(files))
    used = refs.filter(mine & pl.col("kind").is_in(["event_used", "claim_defined"]))
    return set(used.get_column("id").to_list()) | set(
        facts.filter(mine).get_column("event_id").to_list()
    )


class _Subset:
    """Parsing a few of a repository's annotations, and the corpus checks over just those."""

    def __init__(self, root: Path, jobs: int) -> None:
        self.root, self.jobs = root, jobs
        self.layout = Layout(root)
        self.result = Validation()
        self.registries = load_registries(self.layout, self.result)
        tasks = list_tasks(self.layout, self.result)
        self.result.annotation_files = [file for file, _, _ in tasks]
        self.by_file = {task[0]: task for task in tasks}
        self.folder = self.layout.shown(self.layout.annotations)
        self.parsed: set[str] = set()
        self.batch: Batch | None = None
        self._ids: set[str] | None = None
        # Unreadable files are always "parsed": a full validation reports them (E111) wherever
        # they are.
        self.unreadable = {file for file, path, _ in tasks if not os.access(path, os.R_OK)}

    def mentioning(self, ids: set[str]) -> set[str]:
        return files_mentioning(self.root, ids, self.folder) if ids else set()

    def parse(self, files: set[str]) -> Batch:
        new = sorted(file for file in files - self.parsed if file in self.by_file)
        self.parsed |= set(new)
        tasks = [self.by_file[file] for file in new]
        batch = run_documents(tasks, root=self.layout.root, jobs=self.jobs, cache_dir=None)
        self.batch = batch if self.batch is None else merge_batches(self.batch, batch)
        return self.batch

    def with_sharers(self, reported: set[str], searched: set[str]) -> None:
        """Parse every file that shares an event or claim id with `reported` (already parsed), so
        that each corpus check about those files sees every file it compares them with."""
        assert self.batch is not None
        shared = _facts_and_uses(self.batch, reported)
        self.parse(self.mentioning(shared - searched))

    def suggest_event(self, wrong: str, defined: set[str]) -> str | None:
        """The hint a full validation gives for an undefined event: the closest id that any
        annotation defines. `defined` holds only the parsed files' ids, so the candidates are
        every value of an `id` key in the corpus (a superset, found with git grep), plus the
        ids of files that write one some other way, tried from the closest down until one is
        an event some file really defines."""
        found = set(defined) | self._id_values()
        for guess in difflib.get_close_matches(wrong, list(found), n=len(found)):
            if guess in defined:
                return guess
            facts = self.parse(self.mentioning({guess})).frames["event_facts"]
            if facts.filter(pl.col("event_id") == guess).height:
                return guess
        return None

    def _id_values(self) -> set[str]:
        if self._ids is None:
            out = _git(
                self.root, *_GREP, "-h", "-o", "-E", _ID_VALUE, "--", self.folder,
                nothing_found=True,
            )  # fmt: skip
            values = {
                _ID_KEY.sub("", line).strip("\"'")
                for line in out.decode("utf-8", "replace").splitlines()
            }
            odd = _split(
                _git(self.root, *_GREP, "-l", "-z", "-E", _ODD_ID, "--", self.folder,
                     nothing_found=True)
            )  # fmt: skip
            escaped = files_mentioning(self.root, (), self.folder)  # every file with a backslash
            facts = self.parse(set(odd) | escaped).frames["event_facts"]
            self._ids = values | set(facts.get_column("event_id").to_list())
        return self._ids

    def finish(self, targets: Sequence[Path]) -> Validation:
        batch = self.batch if self.batch is not None else self.parse(set())
        add_documents(
            self.result, self.layout, self.registries, batch, len(self.parsed), self.suggest_event
        )
        restrict(self.result, self.root, targets)
        return self.result


def _greppable(root: Path) -> bool:
    """Whether git grep sees every annotation: the root is in a work tree and the annotations
    are not in a repository of their own (git grep does not enter one)."""
    layout = Layout(root)
    if any(
        (folder / ".git").exists() for folder in (layout.annotations, layout.annotations.parent)
    ):
        return False
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        return False
    return True


def _validate_affected(
    root: Path, changes: list[Change], jobs: int
) -> tuple[Validation, Affected] | None:
    """Validate only the files a change can affect, and the files sharing ids with them; None
    when every annotation may be affected (then the whole corpus is validated)."""
    if not _greppable(root):
        return None
    if any(kind_of(change.path) == "coding" for change in changes) or (
        Layout(root).codings.is_dir()
        and any(kind_of(change.path) in {"actors", "places"} for change in changes)
    ):
        return None  # codings are read whole (validation/codings.py): the full path sees them
    subset = _Subset(root, jobs)
    touched = touched_by(changes, subset.result.annotation_files)
    if touched.affected.everything or touched.all_actor_users or touched.all_place_users:
        return None
    batch = subset.parse(
        subset.mentioning(touched.ids) | touched.affected.files | subset.unreadable
    )
    affected = dependents(touched, batch.frames["references"], batch.frames["event_facts"])
    subset.with_sharers(affected.files, touched.ids)
    result = subset.finish([root / name for name in sorted(affected.files)])
    return result, affected


def validate_files(root: Path, targets: Sequence[Path], *, jobs: int = 1) -> Validation:
    """`validate FILE...`: what a full validation reports for those files, parsing only them and
    the files that share an id with them: from the cache's index when it can vouch for the
    corpus, else found with git grep. A directory among the targets, or a root outside a git
    work tree, validates the whole corpus with the cache instead."""
    layout = Layout(root)
    if layout.needs_corpus(targets):
        return validate_repository(root, targets, jobs=jobs, cache=True)
    wanted: set[str] = set()
    for target in targets:
        path = target if target.is_absolute() else Path.cwd() / target
        if path.parent == layout.seeds:  # a seed stands for its annotation
            path = layout.annotation_of(path.stem)
        wanted.add(layout.shown(path))
    indexed = validate_with_index(root, wanted, targets)  # needs no git (a process less)
    if indexed is not None:
        return indexed
    if not _greppable(root):
        return validate_repository(root, targets, jobs=jobs, cache=True)
    subset = _Subset(root, jobs)
    subset.parse(wanted | subset.unreadable)
    subset.with_sharers(wanted, set())
    return subset.finish(targets)


@dataclass
class ChangedValidation:
    validation: Validation
    base: str
    affected: Affected


def validate_changed(
    root: Path,
    base: str | None = None,
    paths: Sequence[Path] = (),
    *,
    jobs: int = 1,
    cache: bool = True,
) -> ChangedValidation:
    """Report on what the changes affect, parsing only the files that share an id with them
    (or, when the validator itself or a registry's shape changed, the whole corpus)."""
    commit = resolve_commit(root, base) if base is not None else default_base(root)
    changes = changes_since(root, commit, paths)
    partial = _validate_affected(root, changes, jobs)
    if partial is not None:
        return ChangedValidation(partial[0], commit, partial[1])
    return validate_all_changed(root, commit, changes, jobs=jobs, cache=cache)


def validate_all_changed(
    root: Path, commit: str, changes: list[Change], *, jobs: int = 1, cache: bool = True
) -> ChangedValidation:
    """The reference: validate the whole corpus, then report only on what the changes affect."""
    result = validate_repository(root, None, jobs=jobs, cache=cache)
    affected = affected_files(
        changes, result.annotation_files, result.frames["references"], result.frames["event_facts"]
    )
    if not affected.everything:
        restrict(result, root, [root / name for name in sorted(affected.files)])
    return ChangedValidation(result, commit, affected)
