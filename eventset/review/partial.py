"""A pull request's build from whatever validates, and its site.

A failing annotation must not hide the rest of a pull request from its reviewers: the documents
whose annotation (or seed) has an error are left out, the rest is built into a release as
`eventset build` would, and the site shows the failing documents with their problems at their
words. Leaving a document out can break another that shares an event with it, so the build is
retried, leaving out what newly fails, a few rounds at most. A broken registry (actors, places,
retirements) breaks every document: then nothing is built.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventset.explorer.build import SiteResult, build_site
from eventset.explorer.failing import FailingDocument, failing_document
from eventset.inputs.files import read_bounded
from eventset.inputs.seeds import parse_seed
from eventset.pipeline import build
from eventset.problems import Problem
from eventset.validation.repository import validate_repository

ANNOTATIONS = "data/annotations/"
SEEDS = "seeds/"
ROUNDS = 3
RELEASE_NAME = "eventset-dev"
MAX_FILE_BYTES = 2_000_000  # a failing file larger than this is listed, not shown


@dataclass
class PartialBuild:
    problems: list[Problem]  # of the repository as it is
    left_out: list[str] = field(default_factory=list)  # document ids
    release: Path | None = None
    reason: str = ""  # why nothing was built


def _document_of(file: str) -> str | None:
    for folder, suffix in ((ANNOTATIONS, ".yaml"), (SEEDS, ".txt")):
        if file.startswith(folder) and file.endswith(suffix) and "/" not in file[len(folder) :]:
            return file[len(folder) : -len(suffix)]
    return None


def _errors(problems: Sequence[Problem]) -> tuple[set[str], list[Problem]]:
    """The documents with an error, and the errors of files that are no document's."""
    documents: set[str] = set()
    others: list[Problem] = []
    for p in problems:
        if p.severity != "error":
            continue
        document = _document_of(p.file)
        if document is None:
            others.append(p)
        else:
            documents.add(document)
    return documents, others


def _copy_without(root: Path, work: Path, left_out: set[str]) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        if here == root / "data" / "annotations":
            return {n for n in names if n.removesuffix(".yaml") in left_out}
        if here == root / "seeds":
            return {n for n in names if n.removesuffix(".txt") in left_out}
        return set()

    # Files are copied, never linked: the validator refuses symlinks.
    for name in ("seeds", "data"):
        if (root / name).is_dir():
            shutil.copytree(root / name, work / name, ignore=ignore, symlinks=True)


def build_what_validates(root: Path, out: Path, *, jobs: int = 1) -> PartialBuild:
    """Validate `root`; build `out`/eventset-dev from every document without an error."""
    validation = validate_repository(root, jobs=jobs, cache=True)
    result = PartialBuild(list(validation.problems))
    failing, others = _errors(validation.problems)
    if others:
        files = ", ".join(sorted({p.file for p in others}))
        result.reason = f"{files} must validate before anything can be built"
        return result
    left_out = set(failing)
    out.mkdir(parents=True, exist_ok=True)
    if not left_out:
        # Everything validates: the ordinary build, which reuses a release it already wrote
        # there (CI passes the `dist` that `eventset build` has just filled).
        built = build(root, out, "dev", jobs=jobs)
        if built.written is not None and not built.failures:
            result.release = built.written.path
        else:
            result.reason = "the build failed"
        return result
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=out) as scratch:
        for _ in range(ROUNDS):
            work = Path(scratch) / f"round-{len(left_out)}"
            _copy_without(root, work, left_out)
            # A fresh output folder: the incremental rebuild never sees another tree's release.
            built = build(work, work / "dist", "dev", jobs=jobs)
            if built.written is not None and not built.failures:
                target = out / RELEASE_NAME
                if target.exists():
                    shutil.rmtree(target)
                shutil.move(built.written.path, target)
                result.release = target
                result.left_out = sorted(left_out)
                return result
            more, others = _errors(built.validation.problems)
            if others or built.failures or not more - left_out:
                break
            left_out |= more
    result.left_out = sorted(left_out)
    result.reason = "what validates does not build on its own"
    return result


def failing_documents(root: Path, build: PartialBuild) -> list[FailingDocument]:
    """The left-out documents with their problems placed at their words."""
    by_document: dict[str, list[Problem]] = defaultdict(list)
    for p in build.problems:
        document = _document_of(p.file)
        if document is not None:
            by_document[document].append(p)
    found = []
    for document_id in build.left_out:
        annotation_file = f"{ANNOTATIONS}{document_id}.yaml"
        annotation = _read_text(root / annotation_file)
        raw = _read_bytes(root / SEEDS / f"{document_id}.txt")
        seed = parse_seed(document_id, raw, f"{SEEDS}{document_id}.txt")[0] if raw else None
        found.append(
            failing_document(
                document_id,
                annotation_file,
                annotation,
                seed.text if seed is not None else None,
                seed.title if seed is not None else None,
                by_document.get(document_id, []),
            )
        )
    return found


def _read_bytes(path: Path) -> bytes | None:
    """A contributor's file, bounded and never through a symlink; None past the limit."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except OSError:
        return None
    return raw if len(raw) <= MAX_FILE_BYTES else None


def _read_text(path: Path) -> str | None:
    raw = _read_bytes(path)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def review_site(
    root: Path, out: Path, dist: Path, *, jobs: int = 1
) -> tuple[PartialBuild, SiteResult | None]:
    """The site of a pull request: what validates, and the failing documents at their words.
    The site shows withheld texts from the seeds, for review: it is not for publication."""
    partial = build_what_validates(root, dist, jobs=jobs)
    if partial.release is None:
        return partial, None
    others = [p for p in partial.problems if _document_of(p.file) is None]
    site = build_site(
        partial.release,
        out,
        seeds=root / "seeds",
        jobs=jobs,
        failing=failing_documents(root, partial),
        other_problems=others,
    )
    return partial, site
