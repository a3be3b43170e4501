"""One-click fixes follow the hint mechanically: the selector of the words meant, the whole
words, the text's capitalisation, the date the words say."""

from __future__ import annotations

from typing import Any

from eventset.annotator.actions import Files
from eventset.annotator.fixes import find_fixes
from eventset.inputs.seeds import parse_seed
from eventset.inputs.yamlfile import load_yaml
from eventset.schema.fields import Selector
from eventset.validation.quotes import QuoteError, find_quote
from eventset.workbench.starter import starter_annotation
from tests.conftest import REPO, SEED_ID

SEED, _ = parse_seed(SEED_ID, (REPO / "seeds" / f"{SEED_ID}.txt").read_bytes(), "seed")
assert SEED is not None


def _with_place_mention(mention: Any) -> dict[str, Any]:
    doc, _ = load_yaml(starter_annotation(SEED).encode(), "x")  # type: ignore[arg-type]
    assert doc is not None
    data: dict[str, Any] = doc.data
    data["places"] = [{"place": "kalsu-bridge", "mentions": [mention]}]
    return data


def _fixed(mention: Any) -> list[Any]:
    data = _with_place_mention(mention)
    fixes = find_fixes(data, SEED)  # type: ignore[arg-type]
    files = Files(data, {}, {})
    return [fix.apply(files).annotation["places"][0]["mentions"][0] for fix in fixes]


def _resolves(value: Any) -> bool:
    selector = Selector.model_validate({"quote": value} if isinstance(value, str) else value)
    return not isinstance(find_quote(SEED.text, selector), QuoteError)  # type: ignore[union-attr]


def test_a_quote_cutting_a_word_is_widened_to_whole_words() -> None:
    assert _fixed("Kalsu Brid") == ["Kalsu Bridge"]


def test_a_context_in_the_wrong_case_takes_the_texts_case() -> None:
    fixed = _fixed({"quote": "Kalsu Bridge", "prefix": "NEAR THE "})
    assert fixed == ["Kalsu Bridge"] and all(_resolves(f) for f in fixed)


def test_an_ambiguous_quote_offers_each_whole_word_occurrence() -> None:
    fixed = _fixed("US")
    assert len(fixed) == len(set(map(str, fixed))) > 5 and all(_resolves(f) for f in fixed)


def test_a_quote_that_resolves_has_no_fix() -> None:
    assert _fixed("Kalsu Bridge") == []
