"""The command line as users meet it: exit codes, formats, `new`, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eventset.cli import app
from tests.conftest import REPO, SEED_ID

runner = CliRunner()


def test_validate_clean_repository_exits_0(repo: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert "All clear" in result.output


def test_validate_shows_warnings_and_fails_on_them_only_when_strict(
    repo: Path, seed_annotation: Path
) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(text.replace("kind: no_claim", "kind: responsibility"), "utf-8")
    local = runner.invoke(app, ["validate", "--root", str(repo)])
    assert local.exit_code == 0, local.output
    assert "warning[W603] claim-kind-not-in-evidence" in local.output
    assert "0 error(s), 1 warning(s)" in local.output
    strict = runner.invoke(app, ["validate", "--root", str(repo), "--strict", "-f", "github"])
    assert strict.exit_code == 1
    assert strict.output.startswith(f"::warning file=data/annotations/{SEED_ID}.yaml,line=")
    # Acknowledged on the claim, with the reason: strict passes.
    acknowledged = text.replace(
        "kind: no_claim\n",
        'kind: responsibility\n    accept: {W603: "testing an acknowledgement"}\n',
    )
    seed_annotation.write_text(acknowledged, encoding="utf-8")
    assert runner.invoke(app, ["validate", "--root", str(repo), "--strict"]).exit_code == 0


def test_validate_reports_each_format_and_exits_1(repo: Path, seed_annotation: Path) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(text.replace("type: THREATEN", "type: THREATENS"), encoding="utf-8")
    human = runner.invoke(app, ["validate", "--root", str(repo)])
    assert human.exit_code == 1
    assert "error[E204] unknown-code" in human.output
    assert f"--> data/annotations/{SEED_ID}.yaml:" in human.output
    assert "did you mean 'THREATEN'?" in human.output
    assert "Traceback" not in human.output

    github = runner.invoke(app, ["validate", "--root", str(repo), "--format", "github"])
    assert github.exit_code == 1
    assert github.output.startswith(f"::error file=data/annotations/{SEED_ID}.yaml,line=")

    as_json = runner.invoke(app, ["validate", "--root", str(repo), "--format", "json"])
    rows = json.loads(as_json.output)
    assert [row["code"] for row in rows] == ["E204"]
    assert set(rows[0]) == {"code", "name", "severity", "file", "line", "column", "message", "hint"}


def test_usage_error_exits_2(repo: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(repo), "--format", "xml"])
    assert result.exit_code == 2


def test_garbage_annotation_gets_a_located_error_not_a_traceback(
    repo: Path, seed_annotation: Path
) -> None:
    seed_annotation.write_bytes(b"\x00\x01garbage: [\n")
    result = runner.invoke(app, ["validate", "--root", str(repo)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"data/annotations/{SEED_ID}.yaml:1:1" in result.output


def test_new_writes_a_valid_starter_and_never_overwrites(repo: Path) -> None:
    seed = repo / "seeds" / "synthetic_new_doc.txt"
    seed.write_text(
        "  date 2024-03-01 SYNTHETIC Starter test\n\nBy Test Desk\n\nSynthetic body text.\n",
        encoding="utf-8",
    )
    first = runner.invoke(app, ["new", str(seed), "--root", str(repo)])
    assert first.exit_code == 0, first.output
    target = repo / "data" / "annotations" / "synthetic_new_doc.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["document"]["published"].isoformat() == "2024-03-01"
    assert data["document"]["title"] == "SYNTHETIC Starter test"
    assert data["document"]["byline"] == "By Test Desk"
    assert runner.invoke(app, ["validate", "--root", str(repo)]).exit_code == 0

    target.write_text(target.read_text(encoding="utf-8") + "# my work\n", encoding="utf-8")
    second = runner.invoke(app, ["new", str(seed), "--root", str(repo)])
    assert second.exit_code == 1
    assert "not overwritten" in second.output
    assert target.read_text(encoding="utf-8").endswith("# my work\n")


def test_annotation_json_schema_accepts_the_gold_annotation() -> None:
    """What an editor's YAML 1.2 parser sees (our loader reads the same core schema) fits the schema."""
    import jsonschema

    from eventset.inputs.yamlfile import load_yaml

    schema = json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
    path = REPO / "data" / "annotations" / f"{SEED_ID}.yaml"
    doc, problems = load_yaml(path.read_bytes(), path.name)
    assert doc is not None and problems == []
    jsonschema.validate(doc.data, schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid(dict(doc.data, format=2))
    assert not validator.is_valid(dict(doc.data, extra_field=True))


def test_check_command_exit_codes(repo: Path) -> None:
    built = runner.invoke(app, ["build", "--root", str(repo)])
    assert built.exit_code == 0, built.output
    release = repo / "dist" / "eventset-dev"
    assert runner.invoke(app, ["check", str(release)]).exit_code == 0
    claims = sorted((release / "claims").glob("*.parquet"))[0]  # a real file of the table
    claims.write_bytes(b"not parquet")
    broken = runner.invoke(app, ["check", str(release)])
    assert broken.exit_code == 1
    assert f"claims/{claims.name}" in broken.output
    assert "not in the manifest" not in broken.output


def test_new_escapes_invisible_characters_of_the_title(repo: Path) -> None:
    seed = repo / "seeds" / "synthetic_zwnj_title.txt"
    seed.write_text(
        " date 2024-03-01 SYNTHETIC Persian mi\u200cravad title\n\nBody.\n", encoding="utf-8"
    )
    assert runner.invoke(app, ["new", str(seed), "--root", str(repo)]).exit_code == 0
    written = (repo / "data" / "annotations" / "synthetic_zwnj_title.yaml").read_text(
        encoding="utf-8"
    )
    assert "\u200c" not in written and "mi\\u200cravad" in written
    result = runner.invoke(app, ["validate", "--root", str(repo)])
    assert result.exit_code == 0, result.output


def test_a_refused_release_says_how_many_files_it_checked(
    repo: Path, seed_annotation: Path, tmp_path: Path
) -> None:
    text = seed_annotation.read_text(encoding="utf-8")
    seed_annotation.write_text(text.replace("type: THREATEN", "type: THREATENS"), encoding="utf-8")
    out = tmp_path / "dist"
    refused = runner.invoke(app, ["release", "0.1.0", "--root", str(repo), "--out", str(out)])
    assert refused.exit_code == 1
    assert "1 error(s), 0 warning(s) in 3 file(s) checked." in refused.output

    seed_annotation.write_text(text, encoding="utf-8")
    (repo / "data" / "retired.yaml").write_text("format: 1\nevents: nope\n", encoding="utf-8")
    refused = runner.invoke(app, ["release", "0.1.0", "--root", str(repo), "--out", str(out)])
    assert refused.exit_code == 1
    assert "error[E203]" in refused.output
    assert "in 3 file(s) checked." in refused.output
    assert not out.exists() or not any(out.glob("eventset-0.1.0*"))


def _help(command: str) -> str:
    result = runner.invoke(app, [command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_help_of_every_command_shows_flags_as_flags_and_arguments_plainly() -> None:
    """Boolean flags take no value and say so; options that take one show a placeholder; the
    usage line names positional arguments in capitals, as click does, never `{name}`."""
    import re

    from typer.core import TyperArgument, TyperOption
    from typer.main import get_command

    group = get_command(app)
    commands = getattr(group, "commands", {})
    assert set(commands) >= {"validate", "build", "check", "new", "release", "diff", "generate"}
    flags_seen = 0
    for name, command in commands.items():
        text = _help(name)
        assert "<bool>" not in text and "{" not in text, (name, text)
        assert re.search(r"^  --help +Show this message", text, re.M), (name, text)
        usage = text.splitlines()[0]
        assert usage.startswith(f"Usage: eventset {name} [OPTIONS]"), usage
        for param in command.params:
            if isinstance(param, TyperArgument):
                assert param.metavar is not None and param.metavar.isupper(), (name, param.name)
                assert re.search(rf" \[?{param.metavar}\]?(\.\.\.)?( |$)", usage), (name, usage)
                assert re.search(rf"^  {param.metavar} ", text, re.M), (name, param.metavar)
            elif isinstance(param, TyperOption):
                option = max(param.opts, key=len)
                line = next(
                    ln for ln in text.splitlines() if re.match(rf" +(-\w, )?{option}\b", ln)
                )
                if param.is_flag:
                    flags_seen += 1
                    assert re.search(rf"{option}( |$)(?! *<)", line), (name, line)
                    assert "<" not in line.split(option, 1)[1].split("  ", 1)[0], (name, line)
                else:
                    assert re.search(rf"{option} <[^>]+>", line), (name, line)
    # --changed, --strict, --check, --register, export --all, --no-browser, --blind, --force
    assert flags_seen == 8
    top = runner.invoke(app, ["--help"]).output
    assert "<bool>" not in top and "--help  Show this message" in top


def test_a_flag_given_a_value_is_not_mistaken_for_the_version() -> None:
    """`--register true`: the help shows --register as a flag, so `true` is the positional
    VERSION, and it is refused as a version rather than silently taken as "register"."""
    result = runner.invoke(app, ["release", "--register", "true"])
    assert result.exit_code == 2
    assert "'true'" in result.output and "X.Y.Z" in result.output


_PLUGINS_PROBE = """
import importlib.metadata, json, os
scanned = []
real = importlib.metadata.entry_points
importlib.metadata.entry_points = lambda **kw: scanned.append(kw.get("group")) or real(**kw)
import eventset.cli
from eventset.schema.annotation import Annotation
print(json.dumps({"setting": os.environ.get("PYDANTIC_DISABLE_PLUGINS"), "scanned": scanned}))
"""


@pytest.mark.parametrize(
    ("given", "setting", "scans"),
    [(None, "__all__", False), ("", "", True)],
    ids=["plugins off by default", "a user's empty setting kept"],
)
def test_the_command_does_not_look_for_pydantic_plugins_unless_asked(
    given: str | None, setting: str, scans: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    done = subprocess.run(
        [sys.executable, "-c", _PLUGINS_PROBE], capture_output=True, text=True, env=env, check=True
    )
    found = json.loads(done.stdout)
    assert found["setting"] == setting
    assert ("pydantic" in found["scanned"]) is scans


@pytest.mark.parametrize(
    ("args", "walked"),
    [
        # one file against the cache's index: the seeds folder's kinds, not its signatures
        (["validate", "--root", "ROOT", "x.yaml"], "kinds"),
        (["validate", "--format", "json", "--root=ROOT", "--", "-x.yaml"], "kinds"),
        (["validate", "--root", "ROOT", "ROOT/data"], "signatures"),  # a folder: the corpus
        (["validate", "--root", "ROOT", "--format", "json"], "signatures"),
        (["build", "--root=ROOT", "--jobs", "2"], "signatures"),
        (["build", "--root", "ROOT", "--out", "x.yaml"], "signatures"),
        (["validate", "--changed", "--root", "ROOT"], None),  # lists no corpus
        (["build", "--root", "ROOT", "--help"], None),
        (["diff", "a", "b"], None),
        ([], None),
    ],
)
def test_the_corpus_walk_starts_before_the_arguments_are_parsed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], walked: str | None
) -> None:
    """`main` starts listing the corpus folders of `build` and `validate` first thing (typer's
    parsing takes a tenth of a second the walk can use), at the root the arguments name; for
    `validate FILE` the seeds folder's entries that are not regular files only."""
    import gc

    from eventset import cli
    from eventset.inputs import find

    started: list[tuple[Path, bool]] = []

    def prefetch(*folders: Path, kinds: bool = False) -> None:
        started.extend((folder, kinds) for folder in folders)

    monkeypatch.setattr(find, "prefetch", prefetch)
    monkeypatch.setattr(cli, "_app_for", lambda args: lambda: None)
    monkeypatch.setattr(
        sys,
        "argv",
        ["eventset", *[arg.replace("ROOT", str(repo)) for arg in args]],
    )
    threshold = gc.get_threshold()
    try:
        cli.main()
    finally:
        gc.set_threshold(*threshold)
    folders = [repo.resolve() / "data" / "annotations", repo.resolve() / "seeds"]
    expected = {
        None: [],
        "kinds": [(folders[0], False), (folders[1], True)],
        "signatures": [(folders[0], False), (folders[1], False)],
    }[walked]
    assert started == expected


def test_the_command_collects_garbage_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from eventset import cli
    from eventset.collector import GC_THRESHOLDS

    before = gc.get_threshold()
    monkeypatch.setattr(cli, "_app_for", lambda args: lambda: None)
    monkeypatch.setattr(sys, "argv", ["eventset", "--help"])
    try:
        gc.set_threshold(700, 10, 10)  # Python's default
        cli.main()
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)


_FROZEN_AT_EXIT = """
import atexit, gc, sys
# Registered before the command, so run after every handler the command registers.
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
import eventset.cli
sys.argv = ["eventset", "--help"]
eventset.cli.main()
"""


def test_the_command_leaves_its_objects_out_of_the_collections_at_shutdown() -> None:
    """The interpreter's shutdown would traverse every object of the command's libraries in
    several collections (about 0.2 s of a rebuild); the command freezes them first, once every
    other exit handler has run."""
    done = subprocess.run(
        [sys.executable, "-c", _FROZEN_AT_EXIT], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "frozen at exit: True"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--help"],
        ["build", "--help"],
        ["validate", "--format", "yaml", "x.yaml"],  # a usage error
        ["diff", "only-one"],
        ["review-site", "--help"],
        ["import", "plover", "--help"],
        ["validat"],  # an unknown command: suggestions from every command
        ["--help"],
    ],
)
def test_a_call_builds_only_the_command_it_names(args: list[str]) -> None:
    """`main` runs the app with the named command alone registered (typer builds every
    registered command on each call): the same output and exit as the whole app."""
    from eventset import cli

    narrowed = cli._app_for(args)
    if args[0] in {info.callback.__name__ for info in cli.app.registered_commands if info.callback}:
        assert len(narrowed.registered_commands) == 1
    whole, one = runner.invoke(cli.app, args), runner.invoke(narrowed, args)
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)


def test_every_command_runs_through_the_narrowed_app() -> None:
    from eventset import cli

    for info in cli.app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        one = runner.invoke(cli._app_for([name, "--help"]), [name, "--help"])
        assert one.exit_code == 0, (name, one.output)
        assert one.output == runner.invoke(cli.app, [name, "--help"]).output


def test_the_early_walk_knows_every_option_of_build_and_validate_that_takes_a_value() -> None:
    """`_walk_before_parsing` reads the words of `build` and `validate` before typer does: the
    word after an option that takes a value is that value, not a file to report on. Its list
    must be exactly those options (`--root` it reads itself), or an option added later would
    have its value taken for a file."""
    from typer.core import TyperOption
    from typer.main import get_command

    from eventset import cli

    commands = getattr(get_command(app), "commands", {})
    taking = {
        name
        for command in ("build", "validate")
        for param in commands[command].params
        if isinstance(param, TyperOption) and not param.is_flag and not param.count
        for name in (*param.opts, *param.secondary_opts)
    }
    assert taking - {"--root"} == cli._TAKES_A_VALUE
