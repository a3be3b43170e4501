"""Validating a repository's inputs, layers 1-3: files, models, semantics, across documents.

This is the edge that lists and reads files (through `inputs.files`, which refuses any path
that leaves the repository); the per-document work it runs (`document.process_document`) and
the corpus checks (`corpus_checks.check_corpus`) are pure.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from eventset.inputs.files import list_folder, read_inside, refused_in_folder
from eventset.inputs.layout import Layout
from eventset.inputs.parse import Located, parse_items
from eventset.inputs.scan import Entries
from eventset.inputs.yamlfile import YamlDocument, load_yaml
from eventset.problems import Problem, problem
from eventset.schema.fields import DOCUMENT_ID_PATTERN, FORMAT_VERSION
from eventset.schema.registry import Actor, ActorRegistry, Place, PlaceRegistry, Retired
from eventset.validation.cache import MISSING, code_version, default_cache_dir
from eventset.validation.codings import validate_codings
from eventset.validation.corpus_checks import Names, Registries, SuggestEvent, check_corpus
from eventset.validation.ids import did_you_mean
from eventset.validation.registry_cache import parse_registry
from eventset.validation.registry_checks import (
    Section,
    check_actor_registry,
    check_place_registry,
)
from eventset.validation.runner import (
    FILES_SCHEMA,
    Batch,
    ChunkMap,
    DocumentTask,
    empty_frames,
    run_documents,
)
from eventset.validation.spooled import Spooled

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

M = TypeVar("M", ActorRegistry, PlaceRegistry)
E = TypeVar("E", Actor, Place)


@dataclass
class Validation:
    problems: list[Problem] = field(default_factory=list)
    actors: ActorRegistry | None = None
    places: PlaceRegistry | None = None
    # Per-document rows, plus `references` and `event_facts`, over the whole corpus (runner.py);
    # empty with a spool.
    frames: dict[str, pl.DataFrame] = field(default_factory=empty_frames)
    annotation_files: list[str] = field(default_factory=list)
    # The annotation file of each document key in `frames` (KEY, file).
    files: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FILES_SCHEMA))
    files_checked: int = 0
    processed: int = 0  # documents parsed this run; the others came from the cache
    # With a spool (validate_repository(spool=...)): every per-document frame as files on
    # disk (spooled.py), which the corpus checks read a batch at a time.
    parts: dict[str, Spooled] = field(default_factory=dict)
    saving: Future[None] | None = None  # runner.Batch.saving

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class Locator:
    """Line and column of a YAML path in a repository file, parsing each file once while its
    problems are being located. Only files that corpus checks find a problem in are read again.

    The parsed files kept are the last few only: problems come file by file, and a corpus with
    a warning in every file (30,000 at 10,000 documents) held every file's node tree, over a
    gigabyte."""

    KEPT = 32

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.docs: OrderedDict[str, YamlDocument | None] = OrderedDict()

    def __call__(self, file: str, path: tuple[str | int, ...]) -> tuple[int, int]:
        if file in self.docs:
            self.docs.move_to_end(file)
        else:
            raw = read_inside(self.layout, self.layout.root / file)
            self.docs[file] = None if isinstance(raw, Problem) else load_yaml(raw, file)[0]
            if len(self.docs) > self.KEPT:
                self.docs.popitem(last=False)
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
    registry, doc, problems = parse_registry(raw, file, model)
    result.problems += problems
    if doc is None or (registry is None and doc.data.get("format") != FORMAT_VERSION):
        return None, None  # not YAML, or a format we cannot read: nothing in it is defined
    return registry, Located(file, doc)


def _sections(
    registry: ActorRegistry | PlaceRegistry | None, where: Located, name: str, model: type[E]
) -> tuple[Section[E], Section[Retired]]:
    """The registry's entries and retired ids; when the file failed its model, the entries that
    pass on their own, so one bad entry neither hides the others' problems nor makes the
    references to it look unknown."""
    if registry is not None:
        entries: list[E] = getattr(registry, name)
        return Section.whole(entries), Section.whole(registry.retired)
    valid, ids = parse_items(where.doc.data, name, model)
    retired, retired_ids = parse_items(where.doc.data, "retired", Retired)
    return Section(tuple(valid), tuple(ids)), Section(tuple(retired), tuple(retired_ids))


def load_registries(layout: Layout, result: Validation) -> Registries:
    """Both registries, checked. A registry that cannot be read at all (missing, not YAML, an
    unknown format) defines nothing, and references to it are not checked: they would all be
    consequences of that one problem."""
    actor_ids = place_ids = None
    valid_actors: list[Actor] | None = None
    valid_places: list[Place] | None = None
    actors, where = _registry(layout, layout.actors, ActorRegistry, result)
    if where is not None:
        entries, retired = _sections(actors, where, "actors", Actor)
        found = list(check_actor_registry(entries, retired, where))
        result.problems += found
        result.actors, actor_ids = actors, entries.defined
        # The meaning checks read names only from a registry without problems: a broken one
        # would give warnings that are consequences of its problems.
        valid_actors = None if found else [entry for _, entry in entries.entries]
    places, where = _registry(layout, layout.places, PlaceRegistry, result)
    if where is not None:
        sites, retired = _sections(places, where, "places", Place)
        found = list(check_place_registry(sites, retired, where))
        result.problems += found
        result.places, place_ids = places, sites.defined
        valid_places = None if found else [entry for _, entry in sites.entries]
    return Registries(
        actors=actor_ids, places=place_ids, names=Names.of(valid_actors, valid_places)
    )


def list_tasks(layout: Layout, result: Validation) -> list[DocumentTask]:
    """(shown name, annotation, seed or None) for every annotation that may be read, in name order."""
    return tasks_of(list_inputs(layout, result))


def tasks_of(listing: pl.DataFrame) -> list[DocumentTask]:
    return listing.select("file", "annotation", "seed").rows()


def list_inputs(layout: Layout, result: Validation) -> pl.DataFrame:
    """Every annotation that may be read, with its seed and their stat signature
    (runner.LISTING_SCHEMA).

    Column by column: at 100,000 documents a loop over the names costs a fifth of a second."""
    annotations, refused = list_folder(layout, layout.annotations, ANNOTATION_SUFFIXES)
    seeds, refused_seeds = list_folder(layout, layout.seeds, SEED_SUFFIXES)
    result.problems += refused + refused_seeds
    # The seed is seeds/<document_id>.txt and nowhere else; without it the document gets E405.
    return (
        _valid_annotations(layout, annotations, result)
        .join(
            seeds.files.rename({"name": "seed_name", "signature": "seed_signature"}),
            on="seed_name",
            how="left",
            # In name order, which is file order: "file" is one folder before the name.
            maintain_order="left",
        )
        .select(
            *_names(layout),
            pl.when(pl.col("seed_signature").is_not_null())
            .then(pl.lit(f"{layout.seeds}/") + pl.col("seed_name"))
            .alias("seed"),
            pl.concat_str(
                pl.lit(code_version()),
                pl.col("annotation_signature"),
                pl.col("seed_signature").fill_null(MISSING),
                separator=":",
            ).alias("signature"),
        )
    )


@dataclass(frozen=True)
class Annotations:
    """`list_annotations`: the listing without the seeds' stat signatures."""

    # runner.LISTING_SCHEMA, but each `signature` is the part of list_inputs' that the
    # annotation decides (the code version and the annotation's signature, then ":"), and
    # `seed` the path the seed would have, whatever the seeds folder holds (`with_seeds`).
    listing: pl.DataFrame
    seeds_listed: bool  # False: the seeds folder is missing or refused, so no seed is read


def list_annotations(layout: Layout, result: Validation) -> Annotations:
    """list_inputs without a stat of every seed, for a command that reads a few documents only
    (`validate FILE` against the cache's index, indexed.py): the annotations with their own
    signatures, and the same problems (the seeds folder's entries that are not regular files
    are refused as list_inputs refuses them, from its listing of names and kinds alone)."""
    annotations, refused = list_folder(layout, layout.annotations, ANNOTATION_SUFFIXES)
    seeds_listed, refused_seeds = refused_in_folder(layout, layout.seeds, SEED_SUFFIXES)
    result.problems += refused + refused_seeds
    listing = _valid_annotations(layout, annotations, result).select(
        *_names(layout),
        (pl.lit(f"{layout.seeds}/") + pl.col("seed_name")).alias("seed"),
        pl.concat_str(
            pl.lit(code_version()), pl.col("annotation_signature"), pl.lit(""), separator=":"
        ).alias("signature"),
    )
    return Annotations(listing, seeds_listed)


def with_seeds(tasks: list[DocumentTask], seeds_listed: bool) -> list[DocumentTask]:
    """Tasks of `list_annotations`' listing, read as list_inputs' would be: no seed at all when
    the seeds folder is not listed (missing, or refused: a link); otherwise each at its path,
    where reading refuses anything but a regular file (O_NOFOLLOW, then fstat:
    files.read_bounded), as the listing would have left it out: either way the document has no
    seed (E405)."""
    return tasks if seeds_listed else [(file, annotation, None) for file, annotation, _ in tasks]


ANNOTATION_SUFFIXES = {".yaml", ".yml"}
SEED_SUFFIXES = {".txt"}


def _names(layout: Layout) -> tuple[pl.Expr, pl.Expr]:
    """The listing's file (as shown) and annotation (its path) columns."""
    name = pl.col("name")
    return (
        (pl.lit(f"{layout.shown(layout.annotations)}/") + name).alias("file"),
        (pl.lit(f"{layout.annotations}/") + name).alias("annotation"),
    )


def _valid_annotations(layout: Layout, annotations: Entries, result: Validation) -> pl.DataFrame:
    """The annotations whose names are document ids (name, annotation_signature, seed_name),
    in name order; E205 for the others."""
    shown_folder = layout.shown(layout.annotations)
    name = pl.col("name")
    # As Path.suffix reads it: the part after the last dot, and something before that dot.
    stem = (
        pl.when(name.str.ends_with(".yaml") & (name.str.len_chars() > len(".yaml")))
        .then(name.str.head(-len(".yaml")))
        .when(name.str.ends_with(".yml") & (name.str.len_chars() > len(".yml")))
        .then(name.str.head(-len(".yml")))
    )
    listed = (
        annotations.files.rename({"signature": "annotation_signature"})
        .with_columns(stem.alias("stem"))
        .drop_nulls("stem")
        .sort("name")
    )
    valid = pl.col("stem").str.contains(DOCUMENT_ID_PATTERN)
    refused_names = listed.filter(~valid).get_column("name").to_list()
    # A name that is not UTF-8 is never a valid id (and a seed so named belongs to no document).
    refused_names += [
        odd
        for odd in annotations.unencodable
        if odd.rpartition(".")[0] and odd.rpartition(".")[2] in ("yaml", "yml")
    ]
    for refused_name in sorted(refused_names):
        result.problems.append(
            problem(
                "E205",
                f"{shown_folder}/{refused_name}",
                1,
                1,
                f"File name {refused_name!r} is not a valid document id.",
            )
        )
    return listed.filter(valid).select(
        "name", "annotation_signature", (pl.col("stem") + ".txt").alias("seed_name")
    )


def validate_repository(
    root: Path,
    targets: Sequence[Path] | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    progress: bool = False,
    chunk_map: ChunkMap | None = None,
    spool: Path | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Validation:
    """Validate every input under `root`; with `targets`, report only problems in those files.
    `chunk_map`: the per-document work on another engine; `spool`: a folder the caller owns
    where the per-document frames stay, scanned lazily; `pool`: the caller's worker processes,
    already started (runner.run_documents).

    The whole corpus is always read, because a file is only valid in context: its references
    must resolve and its ids must be unique across every other file. With `cache`, per-document
    results are reused from the user cache (see cache.default_cache_dir) when neither file changed.
    """
    layout = Layout(root)
    result = Validation()
    listing = list_inputs(layout, result)
    result.annotation_files = listing.get_column("file").to_list()
    # The per-document work needs no registry; the corpus checks after it do. So they are
    # read and checked in a thread while this one hands out the documents and waits for
    # them (their problems are sorted with the rest at the end): first, they held up the
    # first chunk of a cold build by 0.3 to 0.5 s at 100,000 documents, its workers
    # waiting. (Beside the listing, whose Python wants the interpreter lock too, they
    # held it up as long.)
    with ThreadPoolExecutor(1, thread_name_prefix="registries") as beside:
        reading = beside.submit(load_registries, layout, result)
        batch = run_documents(
            listing,  # a frame, not tuples: a kilobyte a document less (runner.chunks_of)
            root=layout.root,
            jobs=jobs,
            cache_dir=default_cache_dir() if cache else None,
            progress=progress,
            chunk_map=chunk_map,
            spool=spool,
            pool=pool,
        )
        registries = reading.result()
    add_documents(result, layout, registries, batch, listing.height)
    add_codings(result, layout, registries, jobs=jobs, cache=cache)
    if targets is not None:
        restrict(result, root, targets)
    result.problems = root_causes_first(result.problems, layout)
    return result


def root_causes_first(problems: Sequence[Problem], layout: Layout) -> list[Problem]:
    """The registries' problems first, then by file, line and column. Every annotation is read
    against the registries, so a registry problem can cause annotation problems (an entry
    whose id is not a valid slug leaves the references to it unknown), never the other way
    round; within a registry, a problem is located at its cause (docs/hierarchy.md)."""
    registries = {layout.shown(layout.actors), layout.shown(layout.places)}
    return sorted(problems, key=lambda p: (p.file not in registries, p))


def add_documents(
    result: Validation,
    layout: Layout,
    registries: Registries,
    batch: Batch,
    checked: int,
    suggest_event: SuggestEvent = did_you_mean,
) -> None:
    """The `checked` documents' own problems, and the corpus checks over their frames."""
    result.frames, result.processed, result.files = batch.frames, batch.processed, batch.files
    result.parts, result.saving = batch.parts, batch.saving
    result.files_checked += checked
    result.problems += batch.problems
    result.problems += check_corpus(
        batch.rows("references"),
        batch.rows("event_facts"),
        registries,
        Locator(layout),
        suggest_event,
    )


def add_codings(
    result: Validation,
    layout: Layout,
    registries: Registries,
    *,
    jobs: int = 1,
    cache: bool = False,
) -> None:
    """The independent codings' problems: checked like annotations, never built
    (validation/codings.py)."""

    def corpus_events() -> pl.Series:
        if "event_facts" in result.parts:
            facts = result.parts["event_facts"].columns(pl.col("event_id") + "")  # a copy
            return facts.get_column("event_id")
        return result.frames["event_facts"].get_column("event_id")

    problems, checked = validate_codings(
        layout, registries, corpus_events, Locator(layout), jobs=jobs, cache=cache
    )
    result.problems += problems
    result.files_checked += checked


def restrict(result: Validation, root: Path, targets: Sequence[Path]) -> None:
    """Keep only the problems in `targets` (and every E111: a refused path is always reported)."""
    layout = Layout(root)
    wanted = _target_files(layout, targets, result)
    kept = [p for p in result.problems if p.file in wanted or p.code == "E111"]
    result.problems = root_causes_first(kept, layout)


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
            and path.parent.parent != layout.codings
            and path not in {layout.actors, layout.places}
        ):
            result.problems.append(
                problem(
                    "E417", shown, 1, 1, "Not an annotation or registry file of this repository."
                )
            )
        wanted.add(shown)
    return wanted
