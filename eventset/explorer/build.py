"""Writing the site: a release in (through the verified loader), static pages out.

Every page is plain HTML that works from `file://` and any static host. The events list is the
only page that needs script for more than decoration: its rows ship as JavaScript data files in
parts (a `<script src>` loads from `file://`, where `fetch` may not), and its first page is
written into the HTML so it reads without script too. Long lists elsewhere are capped or split
into pages so no page grows with the corpus. Each kind of page has its own module in `pages/`;
this module shares them out among worker processes and moves the finished site into place.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from eventset.explorer.context import PageContext, environment
from eventset.explorer.failing import FailingDocument
from eventset.explorer.index import counts, index_site
from eventset.explorer.pages import PAGE_KINDS
from eventset.explorer.writer import Share, SiteError, Writer
from eventset.problems import Problem
from eventset.release.load import load
from eventset.release.manifest import read_manifest

__all__ = ["MARKER", "SiteError", "SiteResult", "build_site"]

MARKER = "eventset-site.json"  # written into every site; only a directory with it is replaced


@dataclass
class SiteResult:
    out: Path
    pages: int
    bytes: int
    largest_page: tuple[str, int]
    seconds: float
    texts_from_seeds: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def build_site(
    release: Path,
    out: Path,
    *,
    seeds: Path | None = None,
    jobs: int | None = None,
    failing: Sequence[FailingDocument] = (),
    other_problems: Sequence[Problem] = (),
    codings: Path | None = None,
) -> SiteResult:
    """Write the site for `release` into `out`, whole or not at all.

    `out` must be absent, empty, or a site written before (it has eventset-site.json); the new
    site is written beside it and moved into place. `seeds`, a folder of seed files, fills in the
    text of documents whose licence keeps it out of the release, for reviewing annotations
    locally; such a site says so on every such page and must not be published. `jobs` worker
    processes (default: one per core, at most 4) each read the release and write every
    jobs-th page; the pages are the same whatever the number. `failing` documents (left out of
    the release for their problems) get a page showing each problem at its words, and every page
    links to the list of problems, `other_problems` (of registries) included. `codings`, a
    repository root, adds pages comparing its independent codings of each doubly coded document.
    """
    started = time.perf_counter()
    out = out.resolve()
    manifest = read_manifest(release)  # a missing or broken release fails here, before any work
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise SiteError(
            f"{out} exists and is not an eventset site (no {MARKER}); "
            "choose an empty or new directory."
        )
    jobs = jobs or min(4, os.cpu_count() or 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        if jobs == 1:
            tallies = [
                _write_share(
                    release, staging, seeds, 0, 1, failing, other_problems, codings is not None
                )
            ]
        else:
            # spawn, not fork: polars' thread pool does not survive a fork.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = [
                    pool.submit(
                        _write_share,
                        release,
                        staging,
                        seeds,
                        part,
                        jobs,
                        failing,
                        other_problems,
                        codings is not None,
                    )
                    for part in range(jobs)
                ]
                tallies = [future.result() for future in futures]
        largest = max((t.largest for t in tallies), key=lambda item: item[1])
        result = SiteResult(
            out=out,
            pages=sum(t.pages for t in tallies),
            bytes=sum(t.bytes for t in tallies),
            largest_page=largest,
            seconds=0.0,
            texts_from_seeds=sum(t.from_seeds for t in tallies),
            counts=tallies[0].counts,
        )
        if codings is not None:  # a repository's codings side by side (explorer/codings.py)
            from eventset.explorer.codings import release_documents, write_coding_pages

            version = str(manifest.get("version", ""))
            documents = release_documents(release)
            result.pages += write_coding_pages(staging, codings, documents, version)
        (staging / MARKER).write_text(
            json.dumps(
                {
                    "release": manifest.get("version"),
                    "inputs_sha256": manifest.get("inputs_sha256"),
                    "pages": result.pages,
                    "texts_from_seeds": result.texts_from_seeds,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        if out.exists():
            # Move the old site aside first, so `out` is never half old and half new.
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(old / "site")
            staging.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Tally:
    pages: int
    bytes: int
    largest: tuple[str, int]
    from_seeds: int
    counts: dict[str, int]


def _write_share(
    release: Path,
    staging: Path,
    seeds: Path | None,
    part: int,
    parts: int,
    failing: Sequence[FailingDocument] = (),
    other_problems: Sequence[Problem] = (),
    codings: bool = False,
) -> _Tally:
    """One worker's share of the site: pages part, part + parts, ... of every kind, and for
    part 0 the pages there is one of (overview, lists, assets)."""
    site = index_site(load(path=release), release)
    writer = Writer(staging)
    ctx = PageContext(
        site, writer, environment(), Share(part, parts), seeds, failing, other_problems, codings
    )
    for write_pages in PAGE_KINDS:
        write_pages(ctx)
    return _Tally(writer.pages, writer.bytes, writer.largest, writer.texts_from_seeds, counts(site))
