"""Validation of a repository's inputs, layers 1-3: files, models, semantics.

The per-file work (`check_annotation_file`) is pure; this module's other functions are the
edge that reads files, and they refuse any path that leaves the repository.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from eventset.build.checks import Located, Registries, check_actor_registry, check_place_registry
from eventset.build.corpus import check_corpus
from eventset.build.parse import parse_model
from eventset.build.runner import default_cache_dir, empty_frames, read_bounded, run_documents
from eventset.build.yamlfile import DEFAULT_LIMITS, YamlDocument, load_yaml
from eventset.problems import Problem, problem
from eventset.schema.fields import DOCUMENT_ID_PATTERN
from eventset.schema.registry import ActorRegistry, PlaceRegistry

M = TypeVar("M", ActorRegistry, PlaceRegistry)


@dataclass(frozen=True)
class Layout:
    """Where inputs live under a repository root."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def annotations(self) -> Path:
        return self.root / "data" / "annotations"

    @property
    def actors(self) -> Path:
        return self.root / "data" / "actors.yaml"

    @property
    def places(self) -> Path:
        return self.root / "data" / "places.yaml"

    def seed_of(self, document_id: str) -> Path:
        return self.seeds / f"{document_id}.txt"

    def annotation_of(self, document_id: str) -> Path:
        return self.annotations / f"{document_id}.yaml"

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass
class Validation:
    problems: list[Problem] = field(default_factory=list)
    actors: ActorRegistry | None = None
    places: PlaceRegistry | None = None
    # Per-document rows, plus `references` and `event_facts`, over the whole corpus (runner.py).
    frames: dict[str, pl.DataFrame] = field(default_factory=empty_frames)
    annotation_files: list[str] = field(default_factory=list)
    files_checked: int = 0
    processed: int = 0  # documents parsed this run; the others came from the cache

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _leaves_repository(layout: Layout, path: Path) -> Problem | None:
    """Why `path` is not plainly inside the repository (outside it, or through a symlink)."""
    shown = layout.shown(path)
    root = os.path.realpath(layout.root)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        return problem("E111", shown, 1, 1, "The path leaves the repository.")
    # abspath, not resolve(): resolving would follow the very symlinks this loop looks for.
    base = Path(os.path.abspath(layout.root))  # noqa: PTH100
    probe = base
    for part in Path(os.path.relpath(os.path.abspath(path), base)).parts:  # noqa: PTH100
        probe = probe / part
        if probe.is_symlink():
            return problem("E111", shown, 1, 1, f"{layout.shown(probe)} is a symbolic link.")
    return None


def refusal(layout: Layout, path: Path) -> Problem | None:
    """Why a path may not be read, or None: it must be a regular file inside the repository.

    Symlinks are refused outright rather than resolved: a link inside seeds/ or data/ could
    point anywhere, and following it would let a pull request read files outside the checkout.
    """
    refused = _leaves_repository(layout, path)
    if refused is None and not path.is_file():
        return problem("E111", layout.shown(path), 1, 1, "No such regular file.")
    return refused


def _listing(
    layout: Layout, folder: Path, suffixes: set[str], result: Validation
) -> dict[str, os.DirEntry[str]]:
    """Regular files of a folder by name. The folder is vetted once and each entry's symlink
    flag comes from the directory listing itself, so a large corpus costs no stat per file."""
    if not folder.is_dir() and not folder.is_symlink():
        return {}
    refused = _leaves_repository(layout, folder)
    if refused is not None:
        result.problems.append(refused)
        return {}
    files: dict[str, os.DirEntry[str]] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                shown = layout.shown(folder / entry.name)
                result.problems.append(problem("E111", shown, 1, 1, f"{shown} is a symbolic link."))
            elif entry.is_file(follow_symlinks=False):
                files[entry.name] = entry
            elif (
                Path(entry.name).suffix in suffixes
            ):  # a folder, FIFO or device named like an input
                shown = layout.shown(folder / entry.name)
                result.problems.append(problem("E111", shown, 1, 1, "Not a regular file."))
    return files


def read_inside(layout: Layout, path: Path) -> bytes | Problem:
    """The bytes of a regular file inside the repository, or why not."""
    refused = refusal(layout, path)
    if refused is not None:
        return refused
    try:
        return read_bounded(path, DEFAULT_LIMITS.max_bytes)  # over the limit: E101 when parsed
    except OSError as err:
        return problem("E111", layout.shown(path), 1, 1, f"Cannot read the file: {err.strerror}.")


class Locator:
    """Line and column of a YAML path in a repository file, parsing each file at most once.
    Only files that corpus checks find a problem in are read again."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.docs: dict[str, YamlDocument | None] = {}

    def __call__(self, file: str, path: tuple[str | int, ...]) -> tuple[int, int]:
        if file not in self.docs:
            raw = read_inside(self.layout, self.layout.root / file)
            self.docs[file] = None if isinstance(raw, Problem) else load_yaml(raw, file)[0]
        doc = self.docs[file]
        if doc is None:
            return 1, 1
        mark = doc.mark(path)
        return mark.line, mark.column


def _registry(
    layout: Layout, path: Path, model: type[M], result: Validation
) -> tuple[M | None, Located | None]:
    result.files_checked += 1
    raw = read_inside(layout, path)
    if isinstance(raw, Problem):
        result.problems.append(raw)
        return None, None
    file = layout.shown(path)
    registry, doc, problems = parse_model(raw, file, model)
    result.problems += problems
    return registry, (Located(file, doc) if doc is not None else None)


def _load_registries(layout: Layout, result: Validation) -> Registries:
    actors, where = _registry(layout, layout.actors, ActorRegistry, result)
    if actors is not None and where is not None:
        result.problems += check_actor_registry(actors, where)
        result.actors = actors
    places, where = _registry(layout, layout.places, PlaceRegistry, result)
    if places is not None and where is not None:
        result.problems += check_place_registry(places, where)
        result.places = places
    return Registries(
        actors={a.id: a for a in actors.actors} if actors else {},
        places={p.id: p for p in places.places} if places else {},
    )


def _tasks(layout: Layout, result: Validation) -> list[tuple[str, Path, Path]]:
    """(shown name, annotation, seed) for every annotation that may be read, in name order."""
    annotations = _listing(layout, layout.annotations, {".yaml", ".yml"}, result)
    seeds = _listing(layout, layout.seeds, {".txt"}, result)
    missing = layout.root / ".missing-seed"
    tasks = []
    for name in sorted(annotations):
        path = layout.annotations / name
        if path.suffix not in {".yaml", ".yml"}:
            continue
        if not re.fullmatch(DOCUMENT_ID_PATTERN, path.stem):
            result.problems.append(
                problem(
                    "E205",
                    layout.shown(path),
                    1,
                    1,
                    f"File name {name!r} is not a valid document id.",
                )
            )
            continue
        seed = f"{path.stem}.txt"
        tasks.append((layout.shown(path), path, layout.seeds / seed if seed in seeds else missing))
    return tasks


def validate_repository(
    root: Path,
    targets: Sequence[Path] | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    progress: bool = False,
) -> Validation:
    """Validate every input under `root`; with `targets`, report only problems in those files.

    The whole corpus is always read, because a file is only valid in context: its references
    must resolve and its ids must be unique across every other file. With `cache`, per-document
    results are reused from the user cache (see runner.default_cache_dir) when neither file changed.
    """
    layout = Layout(root)
    result = Validation()
    registries = _load_registries(layout, result)
    tasks = _tasks(layout, result)
    batch = run_documents(
        tasks,
        root=layout.root,
        jobs=jobs,
        cache_dir=default_cache_dir() if cache else None,
        progress=progress,
    )
    result.frames, result.processed = batch.frames, batch.processed
    result.annotation_files = [file for file, _, _ in tasks]
    result.files_checked += len(tasks)
    result.problems += batch.problems
    result.problems += check_corpus(
        batch.frames["references"], batch.frames["event_facts"], registries, Locator(layout)
    )
    if targets is not None:
        restrict(result, root, targets)
    result.problems.sort()
    return result


def restrict(result: Validation, root: Path, targets: Sequence[Path]) -> None:
    """Keep only the problems in `targets` (and every E111: a refused path is always reported)."""
    wanted = _target_files(Layout(root), targets, result)
    result.problems = sorted(p for p in result.problems if p.file in wanted or p.code == "E111")


def _target_files(layout: Layout, targets: Sequence[Path], result: Validation) -> set[str]:
    """Repository-relative names of the files the user asked about (a seed stands for its annotation)."""
    wanted: set[str] = set()
    for target in targets:
        path = target if target.is_absolute() else Path.cwd() / target
        if path.is_dir():
            wanted |= {layout.shown(p) for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}}
            continue
        shown = layout.shown(path)
        if not path.exists():
            result.problems.append(problem("E111", shown, 1, 1, "No such file."))
        if path.parent == layout.seeds:
            wanted.add(layout.shown(layout.annotation_of(path.stem)))
        elif (
            path.suffix in {".yaml", ".yml"}
            and path.parent != layout.annotations
            and path not in {layout.actors, layout.places}
        ):
            result.problems.append(
                problem(
                    "E417", shown, 1, 1, "Not an annotation or registry file of this repository."
                )
            )
        wanted.add(shown)
    return wanted
