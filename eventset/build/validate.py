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

from eventset.build.checks import (
    Located,
    Registries,
    check_actor_registry,
    check_annotation,
    check_corpus,
    check_place_registry,
)
from eventset.build.evidence import EvidenceItem
from eventset.build.parse import parse_model
from eventset.build.quotes import Span
from eventset.build.seeds import Seed, parse_seed
from eventset.problems import Problem, problem
from eventset.schema.annotation import Annotation
from eventset.schema.fields import DOCUMENT_ID_PATTERN
from eventset.schema.registry import ActorRegistry, PlaceRegistry


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


@dataclass(frozen=True)
class CheckedAnnotation:
    file: str
    annotation: Annotation
    seed: Seed
    evidence: tuple[tuple[EvidenceItem, Span], ...]


@dataclass
class Validation:
    problems: list[Problem] = field(default_factory=list)
    actors: ActorRegistry | None = None
    places: PlaceRegistry | None = None
    annotations: list[CheckedAnnotation] = field(default_factory=list)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def read_inside(layout: Layout, path: Path) -> bytes | Problem:
    """The bytes of a regular file inside the repository, or why not.

    Symlinks are refused outright rather than resolved: a link inside seeds/ or data/ could
    point anywhere, and following it would let a pull request read files outside the checkout.
    """
    shown = layout.shown(path)
    root = os.path.realpath(layout.root)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        return problem("E111", shown, 1, 1, "The path leaves the repository.")
    # abspath, not resolve(): resolving would follow the very symlinks this loop looks for.
    base = Path(os.path.abspath(layout.root))  # noqa: PTH100
    relative = Path(os.path.relpath(os.path.abspath(path), base))  # noqa: PTH100
    probe = base
    for part in relative.parts:
        probe = probe / part
        if probe.is_symlink():
            return problem("E111", shown, 1, 1, f"{layout.shown(probe)} is a symbolic link.")
    if not path.is_file():
        return problem("E111", shown, 1, 1, "No such regular file.")
    return path.read_bytes()


def check_annotation_file(
    file: str, raw: bytes, seed_raw: bytes | Problem, registries: Registries
) -> tuple[CheckedAnnotation | None, Located | None, list[Problem]]:
    """One annotation file, layers 1-3 without the corpus-wide checks. Pure."""
    annotation, doc, problems = parse_model(raw, file, Annotation)
    if annotation is None or doc is None:
        return None, None, problems
    where = Located(file, doc)
    stem = Path(file).stem
    if isinstance(seed_raw, Problem):
        return (
            None,
            where,
            [
                where.at(
                    "E405",
                    ("document", "id"),
                    f"No seed document seeds/{stem}.txt ({seed_raw.message})",
                )
            ],
        )
    seed, seed_problems = parse_seed(stem, seed_raw, f"seeds/{stem}.txt")
    if seed is None:
        return None, where, seed_problems
    evidence, problems = check_annotation(annotation, seed, stem, registries, where)
    return CheckedAnnotation(file, annotation, seed, tuple(evidence)), where, problems


def _load_registries(layout: Layout, result: Validation) -> Registries:
    actors_raw = read_inside(layout, layout.actors)
    places_raw = read_inside(layout, layout.places)
    result.problems += [raw for raw in (actors_raw, places_raw) if isinstance(raw, Problem)]
    if not isinstance(actors_raw, Problem):
        file = layout.shown(layout.actors)
        actors, doc, problems = parse_model(actors_raw, file, ActorRegistry)
        result.problems += problems
        if actors is not None and doc is not None:
            result.actors = actors
            result.problems += check_actor_registry(actors, Located(file, doc))
    if not isinstance(places_raw, Problem):
        file = layout.shown(layout.places)
        places, doc, problems = parse_model(places_raw, file, PlaceRegistry)
        result.problems += problems
        if places is not None and doc is not None:
            result.places = places
            result.problems += check_place_registry(places, Located(file, doc))
    result.files_checked += 2
    return Registries(
        actors={a.id: a for a in result.actors.actors} if result.actors else {},
        places={p.id: p for p in result.places.places} if result.places else {},
    )


def annotation_files(layout: Layout) -> list[Path]:
    if not layout.annotations.is_dir():
        return []
    return sorted(p for p in layout.annotations.iterdir() if p.suffix in {".yaml", ".yml"})


def validate_repository(root: Path, targets: Sequence[Path] | None = None) -> Validation:
    """Validate every input under `root`; with `targets`, report only problems in those files.

    The whole corpus is always read, because a file is only valid in context: its references
    must resolve and its ids must be unique across every other file.
    """
    layout = Layout(root)
    result = Validation()
    registries = _load_registries(layout, result)
    entries: list[tuple[Annotation, Located]] = []
    for path in annotation_files(layout):
        file = layout.shown(path)
        raw = read_inside(layout, path)
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        if not re.fullmatch(DOCUMENT_ID_PATTERN, path.stem):
            result.problems.append(
                problem("E205", file, 1, 1, f"File name {path.name!r} is not a valid document id.")
            )
            continue
        seed_raw = read_inside(layout, layout.seed_of(path.stem))
        checked, where, problems = check_annotation_file(file, raw, seed_raw, registries)
        result.problems += problems
        result.files_checked += 1
        if checked is not None and where is not None:
            result.annotations.append(checked)
            entries.append((checked.annotation, where))
    result.problems += check_corpus(entries)
    if targets is not None:
        wanted = _target_files(layout, targets, result)
        result.problems = [p for p in result.problems if p.file in wanted or p.code == "E111"]
    result.problems.sort()
    return result


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
