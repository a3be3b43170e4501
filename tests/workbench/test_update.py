"""`eventset new --update FILE`: what a registry edit now allows is added; nothing written is
touched, comments included."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from typer.testing import CliRunner

from eventset.cli import app
from tests.conftest import REPO, SEED_ID

runner = CliRunner()


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    return root


def _only_insertions(before: str, after: str) -> bool:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(op in {"equal", "insert"} for op, *_ in matcher.get_opcodes())


def _edit_registries(root: Path) -> None:
    actors = root / "data" / "actors.yaml"
    actors.write_text(
        actors.read_text(encoding="utf-8")
        + "\n  - id: social-media-users\n    name: Social media users\n    kind: community\n"
        '    aliases: ["social media"]\n'
        "\n  - id: convoy-crew\n    name: Convoy crew\n    kind: civilians\n"
        '    aliases: ["the convoy"]\n',
        encoding="utf-8",
    )
    places = root / "data" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace('aliases: ["Kalsu Bridge"]', 'aliases: ["Kalsu Bridge", "Kalsu"]')
    text += "\n  - id: baghdad\n    name: Baghdad\n    kind: city\n    country: IQ\n"
    places.write_text(text, encoding="utf-8")


def test_update_adds_what_registry_edits_allow_and_only_inserts(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    target = root / "data" / "annotations" / f"{SEED_ID}.yaml"
    gold = target.read_text(encoding="utf-8")
    unchanged = runner.invoke(app, ["new", "--update", str(target), "--root", str(root)])
    # Every name the gold left out ("US" in the headline, "Iraq" as the state) was decided.
    assert unchanged.exit_code == 0 and "nothing new" in unchanged.output, unchanged.output
    assert target.read_text(encoding="utf-8") == gold

    _edit_registries(root)
    result = runner.invoke(app, ["new", "--update", str(target), "--root", str(root)])
    assert result.exit_code == 0, result.output
    updated = target.read_text(encoding="utf-8")
    assert _only_insertions(gold, updated)
    assert "added actor social-media-users: 'social media'" in result.output
    assert "added place baghdad: 'Baghdad'" in result.output  # a new entry for a known name
    assert "Kalsu'" not in result.output  # "Kalsu" lies inside the marked "Kalsu Bridge"
    assert "  - place: baghdad  # proposed by --update: check" in updated
    # "the convoy was carrying ..." is quoted by a gold claim already: no claim is proposed.
    assert "1 proposed claims" not in result.output
    assert runner.invoke(app, ["validate", "--root", str(root)]).exit_code == 0
    again = runner.invoke(app, ["new", "--update", str(target), "--root", str(root)])
    assert "nothing new" in again.output and target.read_text(encoding="utf-8") == updated


def test_update_of_a_starter_adds_to_block_flow_and_empty_lists(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    target = root / "data" / "annotations" / f"{SEED_ID}.yaml"
    document = (REPO / "data" / "annotations" / f"{SEED_ID}.yaml").read_text(encoding="utf-8")
    target.write_text(
        "# my notes stay\n"
        + document.split("\nactors:")[0]
        + "\nactors:\n  - actor: ashab-al-kahf\n    mentions: [The group]\n"
        + "  - actor: iran\n    mentions:\n      - Iran  # mine\n\n"
        + "# between the lists\nplaces: []\n",
        encoding="utf-8",
    )
    before = target.read_text(encoding="utf-8")
    result = runner.invoke(app, ["new", "--update", str(target), "--root", str(root)])
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert _only_insertions(before.replace("places: []", "places:"), after)
    assert '    mentions: [The group, {"quote": "Ashab al-Kahf", "prefix": "as "}' in after
    assert "      - Iran  # mine\n  - actor: " in after  # new entries after the last one
    assert "  - place: kalsu-bridge  # proposed by --update: check" in after
    assert after.startswith("# my notes stay\n")
    # The file has no claims: those the new mentions' actors make are proposed, as comments.
    assert "#     claimant: unnamed-security-source\n#     kind: statement" in after
    assert "#     claimant: unidentified-outlet\n#     kind: no_claim" in after
    assert "proposed claims (comments at the end)" in result.output
    checked = runner.invoke(app, ["validate", "--root", str(root)])
    assert checked.exit_code == 0, checked.output


def test_update_refuses_a_file_that_is_not_the_seeds_annotation(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    stray = root / "data" / "annotations" / "other.yaml"
    stray.write_text("format: 1\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "new",
            str(root / "seeds" / f"{SEED_ID}.txt"),
            "--update",
            str(stray),
            "--root",
            str(root),
        ],
    )
    assert result.exit_code == 2 and "is not the annotation of" in result.output
