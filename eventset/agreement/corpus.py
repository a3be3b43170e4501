"""A repository's codings read, checked, aligned and scored: what `eventset agree` reports.

This is the edge that reads files (through validation/codings.py); aligning and scoring are
pure functions of the codings' rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventset.agreement.align import Alignment, Coding, align, coding_units
from eventset.agreement.alpha import BOOTSTRAP_RESAMPLES
from eventset.agreement.score import Agreement, score
from eventset.inputs.layout import Layout
from eventset.problems import Problem
from eventset.validation.codings import CodingFile, list_codings, process_codings


@dataclass
class CorpusAgreement:
    """Agreement over a repository's codings, and what went into it."""

    agreement: Agreement
    alignments: list[Alignment] = field(default_factory=list)
    # document id -> coders whose coding of it is valid (what was scored)
    coded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # codings left out because they have problems (`eventset validate` shows them)
    invalid: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def doubly_coded(self) -> int:
        return sum(len(coders) >= 2 for coders in self.coded.values())


def _selected(codings: list[CodingFile], layout: Layout, paths: Sequence[Path]) -> list[CodingFile]:
    """The codings of the documents that `paths` name (a coding, an annotation or a seed file,
    or a coder's folder), or all of them without paths."""
    if not paths:
        return codings
    documents: set[str] = set()
    coders: set[str] = set()
    for path in paths:
        absolute = path if path.is_absolute() else Path.cwd() / path
        if absolute.is_dir() and absolute.parent == layout.codings:
            coders.add(absolute.name)
        else:
            documents.add(absolute.stem)
    return [c for c in codings if c.document_id in documents or c.coder in coders]


def corpus_agreement(
    root: Path,
    paths: Sequence[Path] = (),
    resamples: int = BOOTSTRAP_RESAMPLES,
    *,
    jobs: int = 1,
    cache: bool = True,
) -> CorpusAgreement:
    """Read, check, align and score the codings under `root` (or those `paths` select)."""
    layout = Layout(root)
    codings, problems = list_codings(layout)
    selected = _selected(codings, layout, paths)
    results = process_codings(layout, selected, jobs=jobs, cache=cache)
    tables = results.tables()
    by_document: dict[str, list[Coding]] = defaultdict(list)
    for coding in selected:
        if coding.file in tables:
            by_document[coding.document_id].append(coding_units(coding.coder, tables[coding.file]))
    alignments = [align(doc, found) for doc, found in sorted(by_document.items())]
    return CorpusAgreement(
        agreement=score(alignments, resamples),
        alignments=alignments,
        coded={a.document_id: a.coders for a in alignments},
        invalid=sorted(c.file for c in selected if c.file not in tables),
        # Warnings (W6xx: evidence that may not fit) leave a coding in: it is scored as coded.
        problems=problems + [p for p in results.problems if p.severity == "error"],
    )
