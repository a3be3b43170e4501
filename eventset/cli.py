"""The `eventset` command: parse arguments, call one function, render the result."""

from __future__ import annotations

import atexit
import copy
import gc
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from eventset.collector import collect_less_often

# pydantic looks for plugins in every installed distribution's entry points when the first model
# is made: about 55 ms of each command's start-up in an environment of 120 packages, for plugins
# (observability) this command has no use for. Set before any model is imported; a user who
# wants them sets PYDANTIC_DISABLE_PLUGINS to an empty value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

if TYPE_CHECKING:
    from eventset.inputs.layout import Layout
    from eventset.inputs.seeds import Seed
    from eventset.schema.registry import ActorRegistry, PlaceRegistry

# typer 0.29 renders help in two ways. Its Rich panels (rich_utils) print a value type after
# every option, flags included (`--register <bool>`, `--help <bool>`), so a flag reads as taking
# a value; its plain formatter (TyperOption.get_help_record) leaves flags bare, as click does.
# typer vendors its own click (typer._click), so the installed click's version plays no part.
# Hence rich_markup_mode=None: the plain formatter, which renders every kind of option right.
app = typer.Typer(
    name="eventset",
    help="Build, validate and use the eventset dataset of events, actors and claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, as click writes it: typer's rich help imports rich, markdown-it and pygments
    # (about 0.35 s), more than the whole start-up budget of `eventset --help` (0.25 s).
    rich_markup_mode=None,
)


class PlainUsageCommand(TyperCommand):
    """A command whose usage line names positional arguments plainly, as click does:
    `eventset diff [OPTIONS] OLD NEW`. typer 0.29 writes a required argument as `{old}`, which
    reads like a set of choices to pick from."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.display_name_raw
                piece = name if param.required else f"[{name}]"
                pieces.append(piece + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class BuildEngine(StrEnum):
    local = "local"
    dask = "dask"


class Format(StrEnum):
    human = "human"
    github = "github"
    json = "json"
    sarif = "sarif"


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` that holds `data/` or `seeds/`."""
    for candidate in (start, *start.parents):
        if (candidate / "data").is_dir() or (candidate / "seeds").is_dir():
            return candidate
    return start


RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root", help="Repository root (default: nearest directory with data/ or seeds/)."
    ),
]


def _root(root: Path | None) -> Path:
    return (root or find_root(Path.cwd())).resolve()


def _walk_inputs_meanwhile(root: Path, files: Sequence[Path] = ()) -> None:
    """Start listing the corpus folders in another process before the heavy imports of a
    command that reads the corpus (inputs/find.py): at 100,000 documents the walk then costs
    nothing the command waits for. `files`: those `validate` reports on, when only they are
    checked against the cache's index, which needs no seed's stat signature: of the seeds
    folder only the entries that are not regular files are listed (validation/indexed.py)."""
    from eventset.inputs.find import prefetch  # imports no polars: find starts at once
    from eventset.inputs.layout import Layout

    layout = Layout(root)
    prefetch(layout.annotations)
    prefetch(layout.seeds, kinds=bool(files) and not layout.needs_corpus(files))


def _source_lines(root: Path) -> Callable[[str], list[str] | None]:
    def lines(file: str) -> list[str] | None:
        from eventset.inputs.files import read_bounded, refusal
        from eventset.inputs.layout import Layout
        from eventset.inputs.seeds import MAX_SEED_BYTES

        path = root / file
        # Show only files the validator itself may read (inside the repository, no symlinks),
        # and never more than the largest input allowed: a 100 MB file must not be loaded here.
        if refusal(Layout(root), path) is not None:
            return None
        try:
            raw = read_bounded(path, MAX_SEED_BYTES)
        except OSError:
            return None
        return raw.decode("utf-8", errors="replace").split("\n")

    return lines


@app.command(cls=PlainUsageCommand)
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATHS", help="Files to report on (default: all)."),
    ] = None,
    root: RootOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.human,
    changed: Annotated[
        bool,
        typer.Option(
            "--changed",
            help="Report on the files changed since --base (staged, unstaged and untracked; "
            "or PATHS, as a pre-commit hook passes them) and on every file that depends on "
            "what they define.",
        ),
    ] = False,
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Git ref for --changed (default: the merge-base with origin/main, else HEAD).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail on warnings too (evidence that may not fit its fact, W6xx) unless the "
            "item acknowledges them with `accept`; pull requests are checked this way.",
        ),
    ] = False,
) -> None:
    """Check annotations and registries: YAML safety, models, quotes, references, dates, and
    whether the evidence fits what it supports (warnings)."""
    base = _root(root)
    if not changed:
        _walk_inputs_meanwhile(base, paths or ())
    from eventset.report import render
    from eventset.validation.repository import validate_repository

    if changed:
        from eventset.validation.changed import GitError, validate_changed

        try:
            run = validate_changed(base, base_ref, paths or ())
        except GitError as err:
            typer.echo(f"error: --changed: {err}", err=True)
            raise typer.Exit(2) from None
        result = run.validation
        scope = (
            "every file (the validator changed)"
            if run.affected.everything
            else f"{len(run.affected.changed)} changed and "
            f"{len(run.affected.dependents)} dependent file(s)"
        )
        typer.echo(f"--changed since {run.base[:12]}: reporting on {scope}.", err=True)
    elif base_ref is not None:
        typer.echo("error: --base needs --changed.", err=True)
        raise typer.Exit(2)
    elif paths:
        from eventset.validation.changed import validate_files

        # Only the named files and those sharing an id with them are parsed (found with git grep).
        result = validate_files(base, paths)
    else:
        # The cache lives outside the checkout (runner.default_cache_dir): re-runs are fast.
        result = validate_repository(base, None, cache=True)
    sys.stdout.write(render(fmt.value, result.problems, _source_lines(base), result.files_checked))
    failed = not result.ok or (strict and bool(result.problems))
    raise typer.Exit(1 if failed else 0)


@app.command(cls=PlainUsageCommand)
def build(
    root: RootOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default: <root>/dist).")
    ] = None,
    version: Annotated[
        str, typer.Option("--version", help="Dataset version, X.Y.Z; `dev` is a scratch build.")
    ] = "dev",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, metavar="<int>", help="Worker processes.")
    ] = 1,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Format of validation problems.")
    ] = Format.human,
    engine: Annotated[
        BuildEngine,
        typer.Option(
            "--engine",
            help="Where the per-document work and the event merging run: this machine's "
            "processes, or a Dask cluster (docs/scaling.md).",
        ),
    ] = BuildEngine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="<address>",
            help="With --engine dask: the scheduler (tcp://host:8786); default: a LocalCluster "
            "of --jobs workers.",
        ),
    ] = None,
    corpus_url: Annotated[
        str | None,
        typer.Option(
            "--corpus-url",
            metavar="<url>",
            help="With --engine dask: where workers read the repository (an fsspec URL such as "
            "s3://bucket/corpus); default: the same paths as here.",
        ),
    ] = None,
) -> None:
    """Validate the inputs and compile them into dist/eventset-<version>/ (Parquet + codebook + manifest)."""
    _walk_inputs_meanwhile(_root(root))
    from functools import partial

    from eventset.engines.dask_cluster import EngineError, dask_engine  # Dask only once started
    from eventset.pipeline import build as run_build
    from eventset.release.version import DEV_VERSION, Version
    from eventset.release.write import ReleaseExistsError
    from eventset.report import render

    if version != DEV_VERSION and not Version.is_valid(version):
        typer.echo(f"error: version {version!r} is not X.Y.Z (or {DEV_VERSION}).", err=True)
        raise typer.Exit(2)
    if engine is BuildEngine.local and (scheduler is not None or corpus_url is not None):
        typer.echo("error: --scheduler and --corpus-url need --engine dask.", err=True)
        raise typer.Exit(2)
    base = _root(root)
    cluster = None
    if engine is BuildEngine.dask:
        cluster = partial(dask_engine, scheduler, jobs, str(base.resolve()), corpus_url)
    try:
        result = run_build(
            base,
            (out or base / "dist").resolve(),
            version,
            jobs=jobs,
            progress=True,
            engine=cluster,
        )
    except (ReleaseExistsError, EngineError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    if not result.validation.ok:
        sys.stdout.write(
            render(
                fmt.value,
                result.validation.problems,
                _source_lines(base),
                result.validation.files_checked,
            )
        )
        typer.echo("Build refused: fix the problems above first.", err=True)
        raise typer.Exit(1)
    if result.failures:
        for failure in result.failures:
            typer.echo(f"error: {failure.describe()}", err=True)
        typer.echo(
            "Build refused: the tables break their contracts (a bug in the build; please report).",
            err=True,
        )
        raise typer.Exit(1)
    assert result.written is not None
    _print_tables(result.rows)
    if result.changed == 0 and result.written.unchanged:
        typer.echo("No document changed since the last build.", err=True)
    elif result.changed == 0:
        typer.echo(
            "The registries changed since the last build: only their tables and the months of "
            "the events they reach were rewritten.",
            err=True,
        )
    elif result.changed is not None:
        typer.echo(
            f"{result.changed} document(s) changed since the last build: only the months they "
            "touch were rewritten.",
            err=True,
        )
    state = "unchanged" if result.written.unchanged else "written"
    typer.echo(f"{state}: {result.written.path}")


def _print_tables(rows: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    from eventset.schema.tables import TABLES_BY_NAME

    summary = Table("table", "rows", "columns", title="eventset release")
    for name, count in rows.items():
        summary.add_row(name, f"{count:,}", str(len(TABLES_BY_NAME[name].columns)))
    Console(stderr=True).print(summary)


@app.command(cls=PlainUsageCommand)
def check(
    release: Annotated[
        Path, typer.Argument(metavar="RELEASE", help="A release directory, e.g. dist/eventset-dev.")
    ],
) -> None:
    """Re-validate a release: checksums, table contracts and cross-table integrity."""
    from eventset.release.check import check_release

    problems = check_release(release)
    for text in problems:
        typer.echo(f"error: {text}")
    if problems:
        typer.echo(f"{len(problems)} problem(s): {release} does not check out.")
        raise typer.Exit(1)
    typer.echo(f"ok: {release} checks out (checksums, contracts, cross-table integrity).")


def _seed(seed: Path, root: Path | None) -> tuple[Seed, Layout]:
    """The parsed seed file (a .txt in seeds/) and the layout, or exit with the reason."""
    import re

    from eventset.inputs.files import read_inside
    from eventset.inputs.layout import Layout
    from eventset.inputs.seeds import parse_seed
    from eventset.problems import Problem
    from eventset.schema.fields import DOCUMENT_ID_PATTERN

    layout = Layout(_root(root))
    path = seed if seed.is_absolute() else Path.cwd() / seed
    if path.parent.resolve() != layout.seeds.resolve() or path.suffix != ".txt":
        typer.echo(f"error: {seed} is not a .txt file in {layout.shown(layout.seeds)}/", err=True)
        raise typer.Exit(2)
    if not re.fullmatch(DOCUMENT_ID_PATTERN, path.stem):
        typer.echo(
            f"error: {path.stem!r} is not a valid document id (a-z, 0-9, '-', '_').", err=True
        )
        raise typer.Exit(1)
    raw = read_inside(layout, path)
    if isinstance(raw, Problem):
        typer.echo(f"error[{raw.code}]: {raw.file}: {raw.message}", err=True)
        raise typer.Exit(1)
    parsed, problems = parse_seed(path.stem, raw, layout.shown(path))
    if parsed is None:
        for p in problems:
            typer.echo(f"error[{p.code}]: {p.file}: {p.message}", err=True)
        raise typer.Exit(1)
    return parsed, layout


class QuoteFormat(StrEnum):
    human = "human"
    json = "json"


@app.command(cls=PlainUsageCommand)
def quote(
    seed: Annotated[
        Path, typer.Argument(metavar="SEED", help="The seed file, e.g. seeds/<document_id>.txt.")
    ],
    phrase: Annotated[str, typer.Argument(metavar="PHRASE", help="The exact words to find.")],
    output: Annotated[
        QuoteFormat, typer.Option("--format", help="human (default) or json.")
    ] = QuoteFormat.human,
    root: RootOption = None,
) -> None:
    """Every occurrence of a phrase in a seed, with line:column, context and the selector that
    picks it; exits 1 when the exact phrase is absent (near misses ignoring case are listed)."""
    import json

    from eventset.workbench.quote import find_phrase, render

    parsed, layout = _seed(seed, root)
    found = find_phrase(parsed.text, phrase)
    if output is QuoteFormat.json:
        typer.echo(json.dumps([item.as_json() for item in found], ensure_ascii=False, indent=2))
    else:
        typer.echo(render(phrase, found, layout.shown(layout.seeds / f"{parsed.document_id}.txt")))
    if not found or not found[0].exact:
        raise typer.Exit(1)


@app.command(cls=PlainUsageCommand)
def new(
    seed: Annotated[
        Path | None,
        typer.Argument(
            metavar="SEED",
            help="The seed file, e.g. seeds/<document_id>.txt (not needed with --update).",
        ),
    ] = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            metavar="<file>",
            help="Add to this existing annotation the mentions the registries now allow, "
            "changing nothing it holds.",
        ),
    ] = None,
    root: RootOption = None,
    blind: Annotated[
        bool,
        typer.Option(
            "--blind",
            help="Start an independent coding at data/codings/<coder>/ (with --coder), "
            "proposed from the registries and the text only, never from another coding.",
        ),
    ] = False,
    coder: Annotated[
        str | None, typer.Option("--coder", help="Your coder id (a lowercase slug).")
    ] = None,
) -> None:
    """Write a starter annotation for a seed document (never overwrites), or with --update add
    the new proposals to an existing one."""
    import re

    from eventset.schema.fields import SLUG_PATTERN
    from eventset.workbench.registries import read_registries
    from eventset.workbench.starter import starter_annotation

    if blind != (coder is not None) or (
        coder is not None and not re.fullmatch(SLUG_PATTERN, coder)
    ):
        typer.echo("error: --blind needs --coder ID (a lowercase slug such as coder-a).", err=True)
        raise typer.Exit(2)
    if seed is None and update is None:
        typer.echo("error: give a SEED, or --update FILE.", err=True)
        raise typer.Exit(2)
    if update is not None and blind:
        typer.echo("error: --update adds to an annotation; a blind coding starts afresh.", err=True)
        raise typer.Exit(2)
    if seed is None:
        assert update is not None
        seed = Path(_root(root)) / "seeds" / f"{update.stem}.txt"
    parsed, layout = _seed(seed, root)
    actors, places, problems = read_registries(layout)
    for p in problems:
        typer.echo(f"warning[{p.code}]: {p.file}:{p.line}:{p.column}: {p.message}", err=True)
    if update is not None:
        _update(update, parsed, layout, actors, places)
        return
    target = (
        layout.annotation_of(parsed.document_id)
        if coder is None
        else layout.coding_of(coder, parsed.document_id)
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(starter_annotation(parsed, actors, places, coder))
    except FileExistsError:
        typer.echo(
            f"error: {layout.shown(target)} already exists; not overwritten "
            "(--update adds new proposals to it).",
            err=True,
        )
        raise typer.Exit(1) from None
    typer.echo(f"wrote {layout.shown(target)}")


def _update(
    path: Path,
    seed: Seed,
    layout: Layout,
    actors: ActorRegistry | None,
    places: PlaceRegistry | None,
) -> None:
    """`new --update`: the file must be the seed's valid annotation; only insertions follow."""
    from eventset.inputs.files import read_inside
    from eventset.inputs.parse import parse_model
    from eventset.problems import Problem
    from eventset.schema.annotation import Annotation
    from eventset.workbench.update import update_annotation

    path = path if path.is_absolute() else Path.cwd() / path
    if path.resolve() != layout.annotation_of(seed.document_id).resolve():
        typer.echo(
            f"error: {path} is not the annotation of {seed.document_id} "
            f"({layout.shown(layout.annotation_of(seed.document_id))}).",
            err=True,
        )
        raise typer.Exit(2)
    raw = read_inside(layout, path)
    if isinstance(raw, Problem):
        typer.echo(f"error[{raw.code}]: {raw.file}: {raw.message}", err=True)
        raise typer.Exit(1)
    annotation, _, problems = parse_model(raw, layout.shown(path), Annotation)
    if annotation is None:
        for p in problems:
            typer.echo(f"error[{p.code}]: {p.file}:{p.line}:{p.column}: {p.message}", err=True)
        typer.echo("error: fix the file first (eventset validate); nothing was added.", err=True)
        raise typer.Exit(1)
    existing = raw.decode("utf-8")
    result = update_annotation(existing, seed, actors, places, annotation)
    if not result.added:
        typer.echo(f"{layout.shown(path)}: nothing new to propose.")
        return
    temporary = path.with_name(f".{path.name}.update")
    temporary.write_text(result.text, encoding="utf-8", newline="")
    temporary.replace(path)  # whole or not at all
    for (kind, ident), quote in result.added:
        typer.echo(f"added {kind} {ident}: {quote!r}")
    claims = f" and {result.claims} proposed claims (comments at the end)" if result.claims else ""
    typer.echo(
        f"updated {layout.shown(path)}: {len(result.added)} proposed mentions{claims} to check"
    )


@app.command(cls=PlainUsageCommand)
def annotate(
    seed: Annotated[
        Path, typer.Argument(metavar="SEED", help="The seed file, e.g. seeds/<document_id>.txt.")
    ],
    root: RootOption = None,
    port: Annotated[int, typer.Option("--port", help="Port (default: any free one).")] = 0,
    host: Annotated[
        str,
        typer.Option("--host", help="Interface to listen on; anything but 127.0.0.1 is your risk."),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the page's URL instead of opening it.")
    ] = False,
) -> None:
    """Annotate a seed in the browser: every action writes the annotation and registries."""
    import webbrowser

    from eventset.annotator.server import serve
    from eventset.annotator.session import SessionError

    parsed, layout = _seed(seed, root)
    try:
        server = serve(layout.root, parsed.document_id, host, port)
    except (SessionError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"annotating {layout.shown(server.session.paths[0])} at {server.url}")
    typer.echo("the URL holds this session's token: do not share it. Ctrl+C stops.")
    if not no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped.")
    finally:
        server.server_close()


@app.command(cls=PlainUsageCommand)
def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write the synthetic corpus into.")
    ],
    docs: Annotated[
        int, typer.Option("--docs", min=1, metavar="<int>", help="Number of documents.")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives the same corpus.")
    ] = 0,
    coders: Annotated[
        int,
        typer.Option(
            "--coders", min=0, max=26, help="Independent SYNTHETIC codings per sampled document."
        ),
    ] = 0,
    disagreement: Annotated[
        float,
        typer.Option(
            "--disagreement", min=0, max=1, help="Chance that a further coder departs per value."
        ),
    ] = 0.1,
    coded_share: Annotated[
        float, typer.Option("--coded-share", min=0, max=1, help="Share of documents coded.")
    ] = 1.0,
) -> None:
    """Write a deterministic SYNTHETIC corpus (seeds/ + data/) for benchmarks; never for the dataset."""
    from eventset.synth import SynthCodings, write_corpus

    if (out / "seeds").exists() and any((out / "seeds").iterdir()):
        typer.echo(
            f"error: {out}/seeds is not empty; synth writes into a fresh directory.", err=True
        )
        raise typer.Exit(1)
    written = write_corpus(out, docs, seed, SynthCodings(coders, disagreement, coded_share))
    typer.echo(f"wrote {docs:,} synthetic documents ({written / 1e6:.1f} MB) to {out}")


# --- agreement across coders (eventset/agreement/, docs/agreement.md) -----------------------


class AgreeFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


@app.command(cls=PlainUsageCommand)
def agree(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
            help="Documents (coding, annotation or seed files) or coder folders.",
        ),
    ] = None,
    root: RootOption = None,
    fmt: Annotated[AgreeFormat, typer.Option("--format", help="Output format.")] = (
        AgreeFormat.table
    ),
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
) -> None:
    """Intercoder agreement of the codings in data/codings/: Krippendorff's alpha per field."""
    from eventset.agreement.corpus import corpus_agreement
    from eventset.agreement.report import agreement_text

    found = corpus_agreement(_root(root), paths or (), jobs=jobs)
    sys.stdout.write(agreement_text(found.agreement, fmt.value))
    if found.invalid or found.problems:
        left_out = ", ".join(found.invalid) or "none"
        typer.echo(
            f"error: codings with problems are left out ({left_out}); "
            "run `eventset validate` to see them.",
            err=True,
        )
        raise typer.Exit(1)


@app.command(cls=PlainUsageCommand)
def adjudicate(
    document: Annotated[
        str, typer.Argument(metavar="DOCUMENT", help="Document id (or its seed or coding file).")
    ],
    root: RootOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing canonical annotation.")
    ] = False,
) -> None:
    """Write data/annotations/<document>.yaml from its codings; disagreements become choices (E701)."""
    from eventset.agreement.adjudicate import AdjudicationError, write_adjudication

    try:
        written = write_adjudication(_root(root), Path(document).stem, force=force)
    except AdjudicationError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"wrote {written.file}: {written.agreed} agreed value(s), {written.choices} choice(s) "
        "to resolve (eventset validate shows each as E701)"
    )


@app.command(cls=PlainUsageCommand)
def generate(
    root: RootOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale files; exit 1 if any.")
    ] = False,
) -> None:
    """Regenerate the committed files derived from the code (JSON Schemas, error codes, codebook)."""
    from eventset.generated import stale_generated, write_generated

    base = _root(root)
    if check:
        stale = stale_generated(base)
        for name in stale:
            typer.echo(f"stale: {name} (run `eventset generate`)")
        raise typer.Exit(1 if stale else 0)
    for name in write_generated(base):
        typer.echo(f"wrote {name}")


@app.command(cls=PlainUsageCommand)
def site(
    release_dir: Annotated[
        Path, typer.Argument(metavar="RELEASE", help="A release directory, e.g. dist/eventset-dev.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the site into.")],
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            help="Show withheld texts from these seed files (when their sha256 matches) to "
            "review annotations locally; such a site must not be published.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core)."),
    ] = None,
    codings: Annotated[
        Path | None,
        typer.Option(
            "--codings",
            help="Repository root whose data/codings/ to compare side by side (codings/ pages).",
        ),
    ] = None,
) -> None:
    """Write a static, offline explorer of a release: overview, events, documents, actors, places."""
    from eventset.explorer.build import SiteError, build_site
    from eventset.release.manifest import ReleaseError

    try:
        result = build_site(release_dir, out, seeds=seeds, jobs=jobs, codings=codings)
    except (ReleaseError, SiteError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    page, size = result.largest_page
    typer.echo(
        f"wrote {result.pages:,} files ({result.bytes / 1e6:.1f} MB; largest {page}, "
        f"{size / 1e3:.0f} kB) in {result.seconds:.1f} s to {result.out}"
    )
    if result.texts_from_seeds:
        typer.echo(
            f"note: {result.texts_from_seeds} withheld text(s) shown from {seeds}: "
            "do not publish this site.",
            err=True,
        )
    typer.echo(f"open {result.out / 'index.html'}")


@app.command("review-site", cls=PlainUsageCommand)
def review_site(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the site into.")],
    root: RootOption = None,
    dist: Annotated[
        Path | None,
        typer.Option(
            "--dist", help="Where the build of what validates goes (default: <root>/dist-review)."
        ),
    ] = None,
    problems: Annotated[
        Path | None,
        typer.Option("--problems", help="Also write every problem here, as JSON (pr-summary)."),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, metavar="<int>", help="Worker processes.")
    ] = 1,
) -> None:
    """A pull request's site: what validates, built; each failing document shown with its problems at its words."""
    from eventset.explorer.build import SiteError
    from eventset.release.manifest import ReleaseError
    from eventset.report import as_json
    from eventset.review.partial import review_site as write_review_site

    base = _root(root)
    try:
        partial, site = write_review_site(
            base, out.resolve(), (dist or base / "dist-review").resolve(), jobs=jobs
        )
    except (ReleaseError, SiteError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    if problems is not None:
        problems.write_text(as_json(partial.problems), encoding="utf-8")
    for document_id in partial.left_out:
        typer.echo(f"left out: {document_id} (its problems are on its page)")
    if site is None:
        typer.echo(f"error: no site: {partial.reason}.", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"wrote {site.pages:,} files to {site.out} from {partial.release}; "
        f"{len(partial.problems)} problem(s), {len(partial.left_out)} document(s) left out"
    )
    typer.echo(f"open {site.out / 'index.html'}")


class DiffFormat(StrEnum):
    markdown = "markdown"
    json = "json"


@app.command(cls=PlainUsageCommand)
def release(
    version: Annotated[
        str, typer.Argument(metavar="VERSION", help="Dataset version, X.Y.Z (see RELEASING.md).")
    ],
    root: RootOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default: <root>/dist).")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Previous release directory (default: the newest older release in --out).",
        ),
    ] = None,
    previous_version: Annotated[
        str | None,
        typer.Option(
            "--previous-version",
            help="Compare with this published version (downloaded, sha256-checked), or "
            "`latest`: the newest published before VERSION. For a fresh checkout, as in CI.",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Publication date, YYYY-MM-DD, for CITATION.cff, Croissant and the BibTeX "
            "entry (default: the date of the inputs' git commit).",
        ),
    ] = None,
    doi: Annotated[
        str | None,
        typer.Option("--doi", help="The release's DOI (10.NNNN/...), once one is reserved."),
    ] = None,
    register: Annotated[
        bool, typer.Option("--register", help="Add the release to the registry of published ones.")
    ] = False,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry", help="Registry file (default: eventset/release/published.json)."
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, metavar="<int>", help="Worker processes.")
    ] = 1,
) -> None:
    """Build release VERSION with datapackage.json, croissant.json, card, CITATION.cff, CHANGELOG.md and a zip."""
    import datetime as dt
    import json
    import re

    from eventset.release.manifest import ReleaseError
    from eventset.release.metadata import DOI_PATTERN
    from eventset.release.publish import ReleaseRefusedError, publish
    from eventset.release.published import register as add_to_registry
    from eventset.release.published import registry_entry
    from eventset.release.version import Version
    from eventset.release.write import ReleaseExistsError
    from eventset.report import render

    try:
        Version.parse(version)
        released = dt.date.fromisoformat(date) if date is not None else None
        if doi is not None and not re.fullmatch(DOI_PATTERN, doi):
            raise ValueError(f"{doi!r} is not a DOI; write it as 10.NNNN/suffix, no https://.")
    except ValueError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    base = _root(root)
    if previous_version is not None:
        try:
            previous = _published_release(previous_version, version)
        except ReleaseError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1) from None
    try:
        result = publish(
            base,
            (out or base / "dist").resolve(),
            version,
            previous=previous.resolve() if previous else None,
            jobs=jobs,
            progress=True,
            released=released,
            doi=doi,
        )
    except ReleaseRefusedError as err:
        for text in err.errors:
            typer.echo(f"error: {text}", err=True)
        typer.echo(f"Release {version} refused: nothing was written.", err=True)
        raise typer.Exit(1) from None
    except (ReleaseExistsError, ReleaseError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    problems = result.problems or (result.build.validation.problems if result.build else [])
    if result.build is None or not result.build.validation.ok:
        sys.stdout.write(render("human", problems, _source_lines(base), result.files_checked))
        typer.echo("Release refused: fix the problems above first.", err=True)
        raise typer.Exit(1)
    if result.build.failures or result.build.written is None:
        for failure in result.build.failures:
            typer.echo(f"error: {failure.describe()}", err=True)
        typer.echo("Release refused: the tables break their contracts.", err=True)
        raise typer.Exit(1)
    _print_tables(result.build.rows)
    written = result.build.written
    typer.echo(f"{'unchanged' if written.unchanged else 'written'}: {written.path}")
    typer.echo(f"zip: {result.zip_path}")
    if result.diff is not None:
        typer.echo(f"changes against {result.diff.old_version}: see {written.path}/CHANGELOG.md")
    else:
        typer.echo("first release (no previous release to compare with)")
    entry = add_to_registry(written.path, registry) if register else registry_entry(written.path)
    typer.echo(("registered" if register else "registry entry (add with --register)") + ":")
    typer.echo(json.dumps({entry["version"]: {"files": entry["files"]}}, indent=2))


def _published_release(wanted: str, version: str) -> Path | None:
    """The directory of a published release: `wanted`, or with `latest` the newest published
    before `version` (None when there is none: a first release)."""
    from eventset.release.published import fetch_release, versions
    from eventset.release.version import Version

    if wanted == "latest":
        older = [v for v in versions() if Version.parse(v) < Version.parse(version)]
        if not older:
            return None
        wanted = older[-1]
    return fetch_release(wanted)


@app.command("stage-release", cls=PlainUsageCommand)
def stage_release(
    version: Annotated[str, typer.Argument(metavar="VERSION", help="The version to stage, X.Y.Z.")],
    out: Annotated[Path, typer.Option("--out", help="An empty folder to stage into.")],
    root: RootOption = None,
    dist: Annotated[
        Path | None,
        typer.Option("--dist", help="Where `eventset release` wrote it (default: <root>/dist)."),
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry", help="Registry file (default: eventset/release/published.json)."
        ),
    ] = None,
) -> None:
    """Stage everything publishing VERSION uploads (assets, checksums, registry, notes, Zenodo metadata) into a folder: the dry run."""
    from eventset.release.assets import stage_release as stage
    from eventset.release.manifest import ReleaseError

    release_dir = (dist or _root(root) / "dist") / f"eventset-{version}"
    try:
        staged = stage(release_dir, out, registry=registry)
    except (ReleaseError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    if staged.version != version:
        typer.echo(f"error: {release_dir} holds version {staged.version}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"staged {len(staged.files)} assets in {staged.assets}")
    typer.echo(f"registry with {version}: {out / 'published.json'}")
    typer.echo(
        f"try it: serve {out} over HTTP, then EVENTSET_BASE_URL="
        "http://HOST/releases/download/v{version}/ with that registry"
    )


@app.command(cls=PlainUsageCommand)
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The older release directory.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The newer release directory.")],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.markdown,
) -> None:
    """What changed between two releases: ids added, removed and changed per table, schema changes."""
    import json

    from eventset.release.diff import diff_directories
    from eventset.release.manifest import ReleaseError

    try:
        changes = diff_directories(old, new)
    except ReleaseError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    if fmt is DiffFormat.json:
        typer.echo(json.dumps(changes.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(changes.markdown(), nl=False)


@app.command("pr-summary", cls=PlainUsageCommand)
def pr_summary(
    problems: Annotated[
        Path | None,
        typer.Option(
            "--problems", help="Problems as `eventset validate --format json` wrote them."
        ),
    ] = None,
    base_release: Annotated[
        Path | None, typer.Option("--base-release", help="The base branch's build.")
    ] = None,
    release_dir: Annotated[
        Path | None, typer.Option("--release", help="The pull request's build.")
    ] = None,
    check: Annotated[
        list[str] | None,
        typer.Option("--check", help="A check's outcome, name=success|failure|skipped; repeat."),
    ] = None,
    source_url: Annotated[
        str, typer.Option("--source-url", help="Prefix of file links, e.g. .../blob/<commit>/.")
    ] = "",
    site_url: Annotated[str, typer.Option("--site-url", help="Where the site downloads.")] = "",
    max_chars: Annotated[
        int | None, typer.Option("--max-chars", min=1000, help="Cut the text to this length.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """A pull request's summary in Markdown: verdict, problems with links, fact-level diff, site."""
    from eventset.release.diff import diff_directories
    from eventset.release.load import load
    from eventset.release.manifest import ReleaseError
    from eventset.review.summary import Review, outcomes, read_problems, render

    try:
        review = Review(
            outcomes(check or []),
            read_problems(problems) if problems is not None else [],
            source_url=source_url,
            site_url=site_url,
        )
        if release_dir is not None and (release_dir / "manifest.json").is_file():
            if base_release is not None and (base_release / "manifest.json").is_file():
                review.diff = diff_directories(base_release, release_dir)
            documents = load(path=release_dir)["documents"]
            review.titles = dict(zip(documents["document_id"], documents["title"], strict=True))
    except (OSError, ValueError, KeyError, ReleaseError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    text = render(review, max_chars=max_chars)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


class ExportFormat(StrEnum):
    ucdp_ged = "ucdp-ged"
    acled = "acled"
    plover = "plover"


@app.command(cls=PlainUsageCommand)
def export(
    release: Annotated[
        Path, typer.Argument(metavar="RELEASE", help="A release directory, e.g. dist/eventset-dev.")
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="The layout to write.")],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="File to write: .parquet or .csv; .jsonl for PLOVER."),
    ],
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every event the layout can express, not only those the peer's own "
            "inclusion rules admit (UCDP: organised violence with a death; ACLED: dated).",
        ),
    ] = False,
) -> None:
    """Write a release in UCDP GED, ACLED or PLOVER form (see docs/exports.md)."""
    from eventset.exports.write import ExportError, export_release
    from eventset.release.manifest import ReleaseError

    try:
        rows = export_release(release, fmt.value, out, everything=everything)
    except (ExportError, ReleaseError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {rows} {fmt.value} row(s) to {out}")


import_app = typer.Typer(
    help="Turn records of other event formats into a repository folder.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")


@import_app.command("plover", cls=PlainUsageCommand)
def import_plover(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="PLOVER records: a JSON array or JSON Lines.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The repository folder to write.")],
) -> None:
    """PLOVER records -> seeds, annotations and registries that validate and build."""
    from eventset.imports.jsonfile import MAX_BYTES, read_records
    from eventset.imports.plover import import_records
    from eventset.inputs.files import read_bounded
    from eventset.report import human

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        typer.echo(f"error: {out} is not an empty folder; import into a new folder.", err=True)
        raise typer.Exit(1)
    records, problems = read_records(file)
    if problems:
        # The records file is the user's own, given on the command line: the line at fault is
        # shown unless it is too long to read (minified JSON is one line).
        def lines(name: str) -> list[str] | None:
            try:
                text = read_bounded(file, MAX_BYTES).decode("utf-8", "replace").splitlines()
            except OSError:
                return None
            at = [p.line - 1 for p in problems if p.line - 1 < len(text)]
            return text if all(len(text[i]) <= 300 for i in at) else None

        typer.echo(human(problems, lines, 1), err=True, nl=False)
        raise typer.Exit(1)
    try:
        result = import_records(records, out)
    except OSError as err:
        typer.echo(f"error: cannot write {out}: {err.strerror or err}.", err=True)
        raise typer.Exit(1) from None
    for record_id, reason in result.notes:
        typer.echo(f"note: {record_id}: {reason}")
    for record_id, reason in result.refused:
        typer.echo(f"refused: {record_id}: {reason}")
    typer.echo(
        f"imported {len(result.documents)} record(s) into {out}; "
        f"refused {len(result.refused)}, each listed above with the reason."
    )


def _walk_before_parsing(args: list[str]) -> None:
    """Start the corpus walk (`_walk_inputs_meanwhile`) before typer parses the arguments: its
    parameter types import pydantic and build validators, about a tenth of a second that the
    walk runs through instead of waiting for. Only for `build` and `validate` (not `--changed`,
    which does not list the corpus), at the root the arguments name or the default one, and
    for the files `validate` names; a wrong guess only walks folders the command does not
    read (it starts its own walk)."""
    if not args or args[0] not in ("build", "validate") or {"--changed", "--help"} & set(args):
        return
    root: str | None = None
    files: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--root":
            root = next(rest, None)
        elif arg.startswith("--root="):
            root = arg.removeprefix("--root=")
        elif arg in _TAKES_A_VALUE:
            next(rest, None)
        elif arg == "--":
            files += rest
        elif not arg.startswith("-"):
            files.append(arg)
    named = [Path(file) for file in files] if args[0] == "validate" else []
    _walk_inputs_meanwhile(_root(Path(root) if root else None), named)


# The options of `build` and `validate` that take a value (the word after them is not a file).
_TAKES_A_VALUE = frozenset(
    {"--out", "--version", "--jobs", "-j", "--format", "-f", "--engine", "--scheduler",
     "--corpus-url", "--base"}
)  # fmt: skip


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name registered: typer turns every registered
    command and its parameters into a click command on each call (about 20 ms for the 18
    commands here), though a call runs one. No arguments, an option first (`--help`), a group
    (`import`) or an unknown name: the whole app, which lists or suggests the commands."""
    if not args or args[0].startswith("-"):
        return app
    named = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == args[0]
    ]
    if len(named) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = named
    one.registered_groups = []
    # A group with a callback that does nothing: typer makes a lone command without one the
    # whole program, which would read the command's name as its first argument.
    one.registered_callback = None
    one.callback()(_group)
    return one


def _group() -> None:
    """Nothing to do before the command (see `_app_for`)."""


def _freeze_at_exit() -> None:
    """Python's shutdown collects cycles several times while it tears the modules down, each a
    traversal of every object polars, pyarrow, pydantic and pandera made: about 0.2 s of a
    rebuild's or `validate FILE`'s wall time after its output was written, for memory the
    process hands back whole a moment later. Frozen, those objects are left out of the
    traversals; the collector still runs, over what is made after."""
    gc.freeze()


def main() -> None:
    collect_less_often()
    # Registered before the command runs, so it runs after every exit handler registered by then
    # (thread pools joined, temporary folders removed, logs flushed): the last thing before the
    # interpreter's own shutdown.
    atexit.unregister(_freeze_at_exit)
    atexit.register(_freeze_at_exit)
    _walk_before_parsing(sys.argv[1:])
    _app_for(sys.argv[1:])()
