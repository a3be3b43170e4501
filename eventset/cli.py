"""The `eventset` command: parse arguments, call one function, render the result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="eventset",
    help="Build, validate and use the eventset dataset of events, actors and claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    human = "human"
    github = "github"
    json = "json"


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


def _source_lines(root: Path) -> Callable[[str], list[str] | None]:
    def lines(file: str) -> list[str] | None:
        path = root / file
        try:
            return path.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            return None

    return lines


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to report on (default: all).")
    ] = None,
    root: RootOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.human,
) -> None:
    """Check annotations and registries: YAML safety, models, quotes, references, dates."""
    from eventset.build.validate import validate_repository
    from eventset.report import render

    base = _root(root)
    result = validate_repository(base, paths or None)
    sys.stdout.write(render(fmt.value, result.problems, _source_lines(base), result.files_checked))
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def new(
    seed: Annotated[Path, typer.Argument(help="The seed file, e.g. seeds/<document_id>.txt.")],
    root: RootOption = None,
) -> None:
    """Write a starter annotation for a seed document (never overwrites)."""
    import re

    from eventset.build.seeds import parse_seed
    from eventset.build.starter import starter_annotation
    from eventset.build.validate import Layout, read_inside
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
    target = layout.annotation_of(parsed.document_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(starter_annotation(parsed))
    except FileExistsError:
        typer.echo(f"error: {layout.shown(target)} already exists; not overwritten.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {layout.shown(target)}")


@app.command()
def generate(
    root: RootOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale files; exit 1 if any.")
    ] = False,
) -> None:
    """Regenerate the committed files derived from the code (JSON Schemas, error-code reference)."""
    from eventset.generated import stale_generated, write_generated

    base = _root(root)
    if check:
        stale = stale_generated(base)
        for name in stale:
            typer.echo(f"stale: {name} (run `eventset generate`)")
        raise typer.Exit(1 if stale else 0)
    for name in write_generated(base):
        typer.echo(f"wrote {name}")


def main() -> None:
    app()
