"""Independent codings of a document: listing and validating them like annotations.

A coding is a second (third, ...) annotation of one document by one coder, written without
seeing the others, at `data/codings/<coder>/<document_id>.yaml` in the annotation format. It is
checked like an annotation (every code applies, references must resolve against the
registries), but it is never built into the tables: the canonical annotation in
`data/annotations/` is what a release publishes, and the codings are what `eventset agree`
scores (docs/agreement.md). Ids a coder chooses need not match anyone else's, so the corpus
checks that compare ids across files (E404, E501) do not apply to codings; a claim of a coding
may be about an event its own coding defines or one the canonical annotations define.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eventset.inputs.files import list_folder
from eventset.inputs.layout import Layout
from eventset.problems import Problem, problem
from eventset.schema.fields import DOCUMENT_ID_PATTERN, SLUG_PATTERN
from eventset.tables.compile import COLUMNS, Columns
from eventset.validation.cache import KEY, default_cache_dir
from eventset.validation.corpus_checks import Locate, Registries, check_corpus
from eventset.validation.runner import Batch, DocumentTask, empty_frames, run_documents

_SUFFIXES = {".yaml", ".yml"}


@dataclass(frozen=True)
class CodingFile:
    coder: str
    document_id: str
    file: str  # as messages show it: data/codings/<coder>/<document_id>.yaml
    path: Path


def _misplaced(shown: str, message: str) -> Problem:
    return problem("E702", shown, 1, 1, message)


def list_codings(layout: Layout) -> tuple[list[CodingFile], list[Problem]]:
    """Every coding file, in (document, coder) order, and the entries refused: symlinks (E111),
    files outside a coder's folder, coder folders or file names that are not ids (E702)."""
    top, problems = list_folder(layout, layout.codings, _SUFFIXES)
    for name in sorted(top.files.get_column("name").to_list()):
        if Path(name).suffix not in _SUFFIXES:
            continue  # a README (how the documents were chosen) belongs here
        shown = layout.shown(layout.codings / name)
        problems.append(_misplaced(shown, "A file directly in data/codings/ belongs to no coder."))
    found: list[CodingFile] = []
    for coder, kind in sorted(top.others.items()):
        folder = layout.codings / coder
        if kind != "d":
            if kind == "l":
                problems.append(
                    problem("E111", layout.shown(folder), 1, 1, "A symbolic link.")
                )  # list_folder reports only links named like an input
            continue
        if not re.fullmatch(SLUG_PATTERN, coder):
            problems.append(
                _misplaced(layout.shown(folder), f"Coder folder {coder!r} is not a coder id.")
            )
            continue
        entries, refused = list_folder(layout, folder, _SUFFIXES)
        problems += refused
        for name in sorted(entries.files.get_column("name").to_list()):
            path = folder / name
            stem, suffix = path.stem, path.suffix
            if suffix not in _SUFFIXES:
                continue
            if not re.fullmatch(DOCUMENT_ID_PATTERN, stem):
                problems.append(
                    problem(
                        "E205",
                        layout.shown(path),
                        1,
                        1,
                        f"File name {name!r} is not a valid document id.",
                    )
                )
                continue
            found.append(CodingFile(coder, stem, layout.shown(path), path))
        for name, kind in sorted(entries.others.items()):
            if kind == "d":
                shown = layout.shown(folder / name)
                problems.append(_misplaced(shown, "Codings are not nested below a coder's folder."))
    found.sort(key=lambda c: (c.document_id, c.coder))
    return found, sorted(problems)


@dataclass
class CodingBatch:
    """The codings' per-document results (validation/runner.py): problems, and the rows of
    every coding that has none."""

    codings: list[CodingFile]
    batch: Batch

    @property
    def problems(self) -> list[Problem]:
        return self.batch.problems

    def invalid(self) -> set[str]:
        return {p.file for p in self.batch.problems if p.severity == "error"}

    def tables(self) -> dict[str, dict[str, Columns]]:
        """file -> that coding's rows (tables/compile.py), for the codings without problems."""
        file_of = dict(self.batch.files.iter_rows())
        by_file: dict[str, dict[str, Columns]] = defaultdict(dict)
        for name in ("events", "event_actors", "claims", "mentions"):
            # One pass over each table's rows: a frame per coding costs ten times more.
            frame = self.batch.frames[name].sort(KEY, maintain_order=True)
            keys = frame.get_column(KEY).to_list()
            columns = {c: frame.get_column(c).to_list() for c in frame.columns if c != KEY}
            start = 0
            while start < len(keys):
                end = start
                while end < len(keys) and keys[end] == keys[start]:
                    end += 1
                by_file[file_of[keys[start]]][name] = {
                    c: values[start:end] for c, values in columns.items()
                }
                start = end
        bad = self.invalid()
        out: dict[str, dict[str, Columns]] = {}
        for coding in self.codings:
            if coding.file in bad:
                continue
            found = by_file.get(coding.file, {})
            out[coding.file] = {
                name: found.get(name) or {column: [] for column in COLUMNS[name]}
                for name in ("events", "event_actors", "claims", "mentions")
            }
        return out


def process_codings(
    layout: Layout, codings: Sequence[CodingFile], *, jobs: int = 1, cache: bool = False
) -> CodingBatch:
    """Layers 1-3 of each coding on its own (the per-document work of an annotation), in the
    runner: a process pool with `jobs`, and with `cache` the user cache, in a snapshot of its
    own (keyed by the codings folder, so it never displaces the annotations' snapshot)."""
    if not codings:  # no snapshot of nothing in the user's cache
        return CodingBatch([], Batch([], empty_frames(), 0))
    tasks: list[DocumentTask] = []
    for coding in codings:
        seed = layout.seeds / f"{coding.document_id}.txt"
        tasks.append((coding.file, str(coding.path), str(seed) if seed.is_file() else None))
    batch = run_documents(
        tasks,
        root=layout.codings,
        jobs=jobs,
        cache_dir=default_cache_dir() if cache else None,
    )
    return CodingBatch(list(codings), batch)


def check_coding_references(
    results: CodingBatch,
    registries: Registries,
    corpus_events: Callable[[], pl.Series],
    locate: Locate,
) -> list[Problem]:
    """References of the codings against the registries (E401, E402), and each claim's event
    against its own coding's events and the canonical annotations' (E403). `corpus_events`:
    every event id the annotations define, read only when a coding uses one it does not
    define itself."""
    refs = results.batch.frames["references"]
    event_facts = results.batch.frames["event_facts"]
    own = event_facts.select("file", pl.col("event_id").alias("id"))
    used = refs.filter(pl.col("kind") == "event_used").join(own, on=["file", "id"], how="anti")
    if used.height:
        # An anti-join, not `is_in` of a Python set: the corpus's event ids (1.2 million for a
        # million documents) as a set and then a literal series took 4 GB of the build.
        defined = corpus_events().rename("id").to_frame().unique()
        used = used.join(defined, on="id", how="anti", maintain_order="left")
    registry_refs = refs.filter(pl.col("kind").is_in(["actor", "place"]))
    problems = list(check_corpus(registry_refs, event_facts.clear(), registries, locate))
    # Undefined events, per coding: E403 with that coding's own events as the defined ones.
    for (file,), group in used.group_by("file", maintain_order=True):
        own_facts = event_facts.filter(pl.col("file") == file)
        problems += check_corpus(group, own_facts, Registries(None, None), locate)
    return problems


def validate_codings(
    layout: Layout,
    registries: Registries,
    corpus_events: Callable[[], pl.Series],
    locate: Locate,
    only: set[str] | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
) -> tuple[list[Problem], int]:
    """The problems of every coding (or of those whose shown name is in `only`), and how many
    files were checked."""
    codings, problems = list_codings(layout)
    if only is not None:
        codings = [c for c in codings if c.file in only]
        problems = [p for p in problems if p.file in only or p.code == "E111"]
    results = process_codings(layout, codings, jobs=jobs, cache=cache)
    problems += results.problems
    problems += check_coding_references(results, registries, corpus_events, locate)
    return problems, len(codings)
