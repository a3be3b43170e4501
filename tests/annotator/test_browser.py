"""The annotate page in Debian's headless Chromium (Playwright, never a downloaded browser).

The seed's Kalsu Bridge bombing is annotated from an empty annotation by clicks and keys only,
and the written file must hold exactly the gold's event and no-claim claim, and mentions of the
very words the gold marks; a hand edit on disk while the page is open is noticed and never
overwritten; no page ever logs a console error. The tests skip only when chromium is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventset.annotator.server import AnnotateServer
from eventset.inputs.parse import parse_model
from eventset.schema.annotation import Annotation, Claim, Event
from eventset.schema.fields import Selector
from eventset.validation.quotes import Span, find_quote
from tests.annotator.conftest import GOLD, post
from tests.annotator.kalsu import CLAIM_ID, EVENT_ID, MENTIONS, Counted, annotate_kalsu
from tests.conftest import SEED_ID

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: AnnotateServer) -> Iterator[tuple[Any, list[str]]]:
    """The annotate page, with every console error and page exception recorded; requests to
    anything but the server are refused."""
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    origin = server.url.split("/?")[0]
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort()
    )
    opened = context.new_page()
    opened.set_default_timeout(5000)
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.goto(server.url)
    opened.wait_for_selector("#doc-text mark")
    yield opened, errors
    context.close()


def _annotation(root: Path) -> Annotation:
    path = root / "data" / "annotations" / f"{SEED_ID}.yaml"
    annotation, _, problems = parse_model(path.read_bytes(), path.name, Annotation)
    assert annotation is not None, problems
    return annotation


def _spans(annotation: Annotation, text: str) -> set[tuple[str, str, Span]]:
    found: set[tuple[str, str, Span]] = set()
    for block in annotation.actors:
        found |= {("actor", block.actor, _span(text, s)) for s in block.mentions}
    for place in annotation.places:
        found |= {("place", place.place, _span(text, s)) for s in place.mentions}
    return found


def _span(text: str, selector: Selector) -> Span:
    span = find_quote(text, selector)
    assert isinstance(span, Span), span
    return span


def test_kalsu_bridge_bombing_by_clicks_and_keys(
    page: tuple[Any, list[str]], server: AnnotateServer
) -> None:
    opened, errors = page
    counted = Counted(opened)
    annotate_kalsu(counted)
    written = _annotation(server.session.root)
    gold = _annotation(GOLD.parent.parent.parent)
    gold_event = next(e for e in gold.events if e.id == EVENT_ID)
    gold_claim = next(c for c in gold.claims if c.id == CLAIM_ID)
    assert written.events == [gold_event]
    assert written.claims == [gold_claim]
    text = server.session.seed.text
    mentions = _spans(written, text)
    assert mentions <= _spans(gold, text)
    assert {(kind, target, text[s.start : s.end]) for kind, target, s in mentions} == set(MENTIONS)
    # Everything written validates: no problem is left on the page.
    opened.wait_for_function("() => document.querySelector('#problems li.ok') !== null")
    assert errors == []
    assert isinstance(Event, type) and isinstance(Claim, type)
    print(f"\nannotate: {counted.keys} keys and {counted.clicks} clicks")


def test_a_hand_edit_while_the_page_is_open_is_reloaded_never_overwritten(
    page: tuple[Any, list[str]], server: AnnotateServer
) -> None:
    opened, errors = page
    counted = Counted(opened)
    counted.press("t")
    path = server.session.paths[0]
    before = opened.evaluate("() => state.version")
    # The page's version is now stale: the annotator edits the file by hand...
    edited = path.read_text(encoding="utf-8").replace(
        "places: []",
        "places:  # written by hand\n  - place: kalsu-bridge\n    mentions: [Kalsu Bridge]",
    )
    path.write_text(edited, encoding="utf-8")
    # ...and the page notices by itself, without any action.
    opened.wait_for_function(
        "() => document.getElementById('status').textContent.includes('changed on disk')"
    )
    assert opened.locator("#doc-text mark.k-place", has_text="Kalsu Bridge").count() == 1
    # An action sent with the version from before the edit is refused (409) and writes nothing.
    status, _ = post(
        server,
        "/api/action",
        {"version": before, "action": {"action": "delete", "item": "event", "id": "x"}},
    )
    assert status == 409
    assert path.read_text(encoding="utf-8") == edited
    # The next action builds on the hand edit and keeps its comment.
    counted.find("Babil Province")
    counted.press("m")
    counted.press("Enter")
    counted.written("Linked")
    after = path.read_text(encoding="utf-8")
    assert (
        "places:  # written by hand\n  - place: kalsu-bridge\n    mentions: [Kalsu Bridge]\n"
        in after
    )
    assert "  - place: babil-governorate\n" in after
    assert errors == []


def test_keys_reach_every_control_and_focus_stays_visible(
    page: tuple[Any, list[str]],
) -> None:
    opened, errors = page
    counted = Counted(opened)
    counted.press("?")
    assert opened.locator("#keys").is_visible()
    documented = opened.locator("#keys dt").all_inner_texts()
    for key in ("m", "e", "c", "v", "d", "p", "r", "f", "a", "x", "/"):
        assert any(key in shown.split() for shown in documented), key
    counted.press("t")
    counted.press("ArrowRight")
    assert opened.evaluate("() => document.activeElement.id") == "doc-text"
    outline = opened.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    counted.press("e")  # a form opens with its first field focused, labelled for screen readers
    label = opened.evaluate(
        "() => document.querySelector(`label[for='${document.activeElement.id}']`).textContent"
    )
    assert label.startswith("Type")
    counted.press("Escape")
    assert opened.locator("#form-pane").is_hidden()
    assert opened.get_attribute("#status", "role") == "status"
    assert errors == []


def test_a_new_registry_entry_is_checked_as_typed_and_written_with_its_mention(
    page: tuple[Any, list[str]], server: AnnotateServer
) -> None:
    opened, errors = page
    counted = Counted(opened)
    counted.press("t")
    counted.find("Karbala Operation")
    counted.press("m")
    counted.press("Alt+N")  # a new actor for the words
    counted.replace_field("Karbala Operation")  # not a slug: refused as you type
    opened.wait_for_function(
        "() => document.getElementById('form-problems').textContent.includes('E205')"
    )
    counted.replace_field("karbala-operation")
    counted.press("Tab", 2)
    counted.type("armed")  # kind: armed_group
    opened.wait_for_function("() => document.getElementById('form-problems').textContent === ''")
    counted.press("Enter")
    counted.written("Added actor karbala-operation")
    actors = server.session.paths[1].read_text(encoding="utf-8")
    assert actors.endswith(
        "\n\n  - id: karbala-operation\n    name: Karbala Operation\n    kind: armed_group\n"
    )
    annotation = server.session.paths[0].read_text(encoding="utf-8")
    assert "  - actor: karbala-operation\n    mentions:\n      - Karbala Operation\n" in annotation
    assert errors == []


def test_a_problem_is_fixed_in_one_click_and_a_proposal_rejected_in_one_key(
    page: tuple[Any, list[str]], server: AnnotateServer
) -> None:
    opened, errors = page
    counted = Counted(opened)
    path = server.session.paths[0]
    # A quote that occurs several times, written by hand: E302 at its words, with its fixes.
    text = path.read_text(encoding="utf-8").replace(
        "actors: []", "actors:\n  - actor: united-states\n    mentions: [US]"
    )
    path.write_text(text, encoding="utf-8")
    opened.wait_for_selector("#problems li.error button.fix")
    assert "E302" in opened.inner_text("#problems")
    counted.click("#problems button.fix >> nth=1")
    opened.wait_for_selector("#problems li.ok")
    assert "    mentions: [{quote: US, " in path.read_text(encoding="utf-8")  # still a flow list
    # The first proposal, rejected with one key: it leaves the page, never the file.
    counted.press("t")
    first = opened.evaluate("() => state.proposals.length")
    counted.press("j")
    counted.press("x")
    counted.written("Rejected")
    assert opened.evaluate("() => state.proposals.length") == first - 1
    assert errors == []
