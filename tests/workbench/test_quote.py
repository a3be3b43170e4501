"""`eventset quote`: every match located, with a selector that picks exactly it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eventset.cli import app
from eventset.schema.fields import Selector
from eventset.validation.quotes import Span, find_quote
from eventset.workbench.quote import find_phrase
from tests.conftest import REPO, SEED_ID

runner = CliRunner()
SEED = REPO / "seeds" / f"{SEED_ID}.txt"


def test_json_lists_every_occurrence_and_each_selector_resolves_to_it() -> None:
    result = runner.invoke(app, ["quote", str(SEED), "US", "--format", "json", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    text = SEED.read_bytes().decode("utf-8")
    assert len(found) == text.count("US") == 9
    for item in found:
        assert set(item) >= {"start", "end", "line", "column", "context", "selector"}
        assert text[item["start"] : item["end"]] == "US"
        assert find_quote(text, Selector.model_validate(item["selector"])) == Span(
            item["start"], item["end"]
        )
    assert found[7]["selector"] == {"quote": "US", "prefix": "after the "}
    assert (found[0]["line"], found[0]["column"]) == (1, 18)


def test_human_output_is_ready_to_paste() -> None:
    result = runner.invoke(app, ["quote", str(SEED), "Kalsu Bridge", "--root", str(REPO)])
    assert result.exit_code == 0
    assert f"seeds/{SEED_ID}.txt:7:" in result.output
    assert "[Kalsu Bridge]" in result.output
    assert "  - Kalsu Bridge" in result.output


def test_near_misses_ignoring_case_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["quote", str(SEED), "kalsu bridge", "--root", str(REPO)])
    assert result.exit_code == 1
    assert "these words are close" in result.output
    assert "  - Kalsu Bridge" in result.output
    missing = runner.invoke(app, ["quote", str(SEED), "Mosul", "--root", str(REPO)])
    assert missing.exit_code == 1 and "not even ignoring case" in missing.output


def test_find_phrase_offsets_are_code_points() -> None:
    text = " date 2021-01-01 T\n\n«Café» Café café"
    found = find_phrase(text, "Café")
    assert [(o.start, o.selector) for o in found] == [
        (21, {"quote": "Café", "prefix": "«"}),
        (27, {"quote": "Café", "suffix": " café"}),
    ]


def test_a_match_inside_a_word_is_never_offered() -> None:
    text = " date 2021-01-01 T\n\nTwo witnesses saw it; the witness and US forces left the USA."
    assert find_phrase(text, "witness")[0].exact  # the whole word "witness" is offered ...
    assert [o.start for o in find_phrase(text, "witness")] == [text.index("witness ")]
    near = find_phrase(text, "itnesses")  # ... a cut one never: E308 would refuse it
    assert [(o.exact, o.selector) for o in near] == [(False, {"quote": "witnesses"})]
    assert [text[o.start : o.end] for o in find_phrase(text, "US")] == ["US"]
    result = runner.invoke(app, ["quote", str(SEED), "ogistical", "--root", str(REPO)])
    assert result.exit_code == 1 and '  - {quote: logistical, suffix: " support"}' in result.output
