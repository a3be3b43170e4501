"""Checking a few files against the cache's index of the corpus, instead of reading the corpus.

The snapshot of the last cached run (cache.py) already holds, for every annotation, the ids it
defines and uses (`references`) and the facts of the events it reports (`event_facts`), with
the stat signature of its files. `validate FILE` then needs to read only the files whose
signature changed since (those are parsed again, and their rows replace the snapshot's) and the
rows that share an id with the files asked about. Every corpus check about those files sees
every row it compares them with, so the report is what a full validation gives for them (a
property test compares the two).

When the snapshot is missing, damaged, from another version of the code, or out of date for
more than a few files (a fresh clone that restored someone else's cache), this declines and the
caller checks the files through the repository instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from eventset.inputs.layout import Layout
from eventset.validation.cache import KEY, code_version, default_cache_dir, snapshot_for
from eventset.validation.corpus_checks import check_corpus
from eventset.validation.document import problems_from_json
from eventset.validation.ids import did_you_mean
from eventset.validation.repository import (
    Locator,
    Validation,
    list_tasks,
    load_registries,
    restrict,
)
from eventset.validation.runner import (
    DocumentTask,
    empty_frames,
    run_documents,
    split_by_signature,
)

# Beyond this many files changed since the snapshot, parsing them costs more than the search
# through the repository that replaces the index.
MAX_STALE = 64
_SHARED_KINDS = ("event_used", "claim_defined")


def validate_with_index(root: Path, wanted: set[str], targets: Sequence[Path]) -> Validation | None:
    """What a full validation reports for the `wanted` annotations (repository-relative names),
    or None when the cache cannot vouch for the rest of the corpus."""
    layout = Layout(root)
    schemas = {name: frame.schema for name, frame in empty_frames().items()}
    snapshot = snapshot_for(default_cache_dir(), layout.root, schemas)
    index = snapshot.load_index()
    if index is None:
        return None
    result = Validation()
    registries = load_registries(layout, result)
    tasks = list_tasks(layout, result)
    result.annotation_files = [file for file, _, _ in tasks]
    unchanged, stale = split_by_signature(tasks, index, code_version(), use_signatures=True)
    if len(stale) > MAX_STALE:
        return None
    by_file: dict[str, DocumentTask] = {task[0]: task for task in tasks}
    # The files asked about are always parsed: their own problems come from their bytes.
    parse = {task[0] for task in stale} | (wanted & by_file.keys())
    batch = run_documents([by_file[file] for file in sorted(parse)], root=layout.root)
    kept = pl.Series(unchanged[KEY], dtype=pl.String).implode()
    reparsed = sorted(parse)
    fresh_refs, fresh_facts = batch.frames["references"], batch.frames["event_facts"]
    mine = fresh_refs.filter(pl.col("file").is_in(sorted(wanted)))
    ids = set(mine.filter(pl.col("kind").is_in(_SHARED_KINDS)).get_column("id").to_list())
    ids |= set(fresh_facts.filter(pl.col("file").is_in(sorted(wanted)))["event_id"].to_list())
    id_list = sorted(ids)
    # Rows of the unchanged documents only: a changed or deleted file's rows are out of date.
    current = pl.col(KEY).is_in(kept) & ~pl.col("file").is_in(reparsed)
    try:
        cached_refs, cached_facts, defined = pl.collect_all(
            [
                snapshot.scan("references").filter(
                    current & pl.col("kind").is_in(_SHARED_KINDS) & pl.col("id").is_in(id_list)
                ),
                snapshot.scan("event_facts").filter(current & pl.col("event_id").is_in(id_list)),
                snapshot.scan("event_facts").filter(current).select("event_id").unique(),
            ]
        )
    except (OSError, pl.exceptions.PolarsError):
        return None  # a damaged snapshot is never trusted
    refs = pl.concat([fresh_refs, cached_refs.select(fresh_refs.columns)], how="vertical")
    facts = pl.concat([fresh_facts, cached_facts.select(fresh_facts.columns)], how="vertical")
    every_event = set(defined.get_column("event_id").to_list()) | set(
        fresh_facts.get_column("event_id").to_list()
    )
    result.files_checked += len(parse)
    result.processed = batch.processed
    result.problems += batch.problems
    # A file that cannot be read is reported wherever it is, as a full validation does.
    unreadable = index.filter(
        pl.col(KEY).is_in(kept) & pl.col("problems").str.contains('"E111"', literal=True)
    )
    for text in unreadable.get_column("problems").to_list():
        result.problems += [p for p in problems_from_json(text) if p.code == "E111"]
    result.problems += check_corpus(
        refs,
        facts,
        registries,
        Locator(layout),
        # The hint of a full validation: the nearest id that any annotation defines.
        lambda wrong, _defined: did_you_mean(wrong, every_event),
    )
    restrict(result, root, targets)
    return result
