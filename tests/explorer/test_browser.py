"""The site in a real browser: Debian's headless Chromium, driven by Playwright, from file://.

Every page loads with no console error and no request other than file://; every mention of the
seed document is highlighted with its own words; the events list opens an event's page and its
filters narrow it; the keyboard reaches a mention and what it supports. The tests skip only
when the system chromium is absent (`.ci/run` installs it); Playwright never downloads one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from eventset.release.load import load
from tests.conftest import REPO, SEED_ID

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = REPO / "docs" / "images" / "site-document.png"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)",
)


@dataclass
class Traffic:
    """What the pages did: every request's URL and every console error or page exception."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, Traffic]]:
    """A page whose requests and console errors are recorded; requests off file:// are
    refused as well as recorded, so a failing test never reaches the network."""
    traffic = Traffic()
    context = browser.new_context(viewport={"width": 1000, "height": 1300})

    def route(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on(
        "console",
        lambda message: traffic.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: traffic.errors.append(str(error)))
    yield page, traffic
    context.close()


def test_every_page_loads_offline_without_console_errors(
    review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    pages = sorted(review_site.rglob("*.html"))
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        traffic.pages += 1
    assert traffic.pages == len(pages) >= 30
    assert traffic.errors == []
    assert traffic.requests and all(url.startswith("file://") for url in traffic.requests), [
        url for url in traffic.requests if not url.startswith("file://")
    ]
    print(
        f"\nbrowser: {traffic.pages} pages loaded, {len(traffic.requests)} requests "
        f"(all file://), {len(traffic.errors)} console errors"
    )


def _mark_words(page: Any) -> dict[str, str]:
    """Each mention id on the page and the words of the marks that carry it, in order."""
    words: dict[str, str] = page.evaluate(
        """() => {
            const words = {};
            for (const mark of document.querySelectorAll('#doc-text mark[data-mention-id]')) {
                for (const id of mark.dataset.mentionId.split(' ')) {
                    words[id] = (words[id] || '') + mark.textContent;
                }
            }
            return words;
        }"""
    )
    return words


@pytest.mark.parametrize("site", ["review_site", "public_site"])
def test_every_mention_of_the_seed_document_is_highlighted(
    site: str, request: pytest.FixtureRequest, seed_release: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    root: Path = request.getfixturevalue(site)
    page.goto((root / "documents" / f"{SEED_ID}.html").as_uri())
    mentions = load(path=seed_release)["mentions"].filter(document_id=SEED_ID)
    expected = dict(zip(mentions["mention_id"], mentions["quote"], strict=True))
    assert len(expected) > 50
    assert _mark_words(page) == expected
    assert page.evaluate("document.querySelector('#doc-text').lang") == "en"
    assert traffic.errors == []


def test_keyboard_reaches_a_mention_and_what_it_supports(
    review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    page.goto((review_site / "documents" / f"{SEED_ID}.html").as_uri())
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
    else:
        pytest.fail("Tab never reached a highlighted mention")
    popup = page.locator("#mention-popup")
    assert popup.is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused mention has no visible focus ring"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#mention-popup') !== null")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href.startswith("../") and href.split("#")[0].endswith(".html")
    assert traffic.errors == []


def test_the_screenshot_of_the_seed_document(
    review_site: Path, watched: tuple[Any, Traffic], tmp_path: Path
) -> None:
    """The README's picture, made here; EVENTSET_UPDATE_SCREENSHOT=1 writes it into docs/."""
    page, _ = watched
    page.goto((review_site / "documents" / f"{SEED_ID}.html").as_uri())
    # The legend first, then the text with one mention focused and what it supports shown.
    page.locator("#legend-h").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('#legend-h').offsetTop - 10)")
    page.locator("#doc-text mark.k-place").first.focus()
    assert page.locator("#mention-popup").is_visible()
    target = SCREENSHOT if os.environ.get("EVENTSET_UPDATE_SCREENSHOT") else tmp_path / "s.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def test_a_click_on_an_event_in_the_list_opens_its_page(
    review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    page.goto((review_site / "events" / "index.html").as_uri())
    link = page.locator("#event-list tbody a").first
    title = link.inner_text()
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/events/{href}")
    assert page.locator("h1").inner_text() == title
    assert traffic.errors == []


def _listed(page: Any) -> list[list[str]]:
    rows: list[list[str]] = page.evaluate(
        """() => [...document.querySelectorAll('#event-list tbody tr')]
            .map(tr => [...tr.cells].map(td => td.textContent))"""
    )
    return rows


def test_filters_narrow_the_list(
    seed_release: Path, review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    events = load(path=seed_release)["events"]
    page.goto((review_site / "events" / "index.html").as_uri())
    assert len(_listed(page)) == events.height

    page.select_option("#f-type", "ASSAULT")
    rows = _listed(page)
    assert 0 < len(rows) < events.height
    assert len(rows) == events.filter(event_type="ASSAULT").height
    assert {row[1] for row in rows} == {"ASSAULT"}

    page.click("#f-reset")
    page.fill("#f-from", "2021-09-01")
    dated = events.filter(events["date_end"].cast(str) >= "2021-09-01")
    assert len(_listed(page)) == dated.height < events.height

    # An actor page links to the list filtered by that actor, through the address.
    page.goto((review_site / "events" / "index.html").as_uri() + "?actor=united-states")
    assert page.input_value("#f-actor") == "united-states"
    rows = _listed(page)
    assert 0 < len(rows) < events.height
    assert traffic.errors == []


CONTRAST = """(selector) => {
    const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const luminance = (value) => {
        const [r, g, b] = rgb(value).map((c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (node) => {
        for (; node; node = node.parentElement) {
            const colour = getComputedStyle(node).backgroundColor;
            if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { return colour; }
        }
        return 'rgb(255, 255, 255)';
    };
    return [...document.querySelectorAll(selector)].map((node) => {
        const a = luminance(getComputedStyle(node).color);
        const b = luminance(background(node));
        return [node.textContent.slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}"""


def test_text_contrast_meets_wcag_aa(review_site: Path, watched: tuple[Any, Traffic]) -> None:
    page, _ = watched
    for path, selector in (
        (review_site / "documents" / f"{SEED_ID}.html", "mark, a, p, td, dd, dt, h1, h2"),
        (review_site / "index.html", "a, p, li, figcaption, th, td"),
        (review_site / "events" / "index.html", "a, label, td, .status"),
    ):
        page.goto(path.as_uri())
        ratios = page.evaluate(CONTRAST, selector)
        assert ratios
        low = [(words, round(ratio, 2)) for words, ratio in ratios if ratio < 4.5]
        assert low == [], f"{path.name}: below 4.5:1"


def test_readable_on_a_phone(review_site: Path, browser: Any) -> None:
    """At a phone's width no page scrolls sideways (wide tables scroll inside their box)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for relative in (
        f"documents/{SEED_ID}.html",
        "index.html",
        "events/index.html",
        "events/iq-2021-09-06-kalsu-bridge-convoy-bombing.html",
        "actors/united-states.html",
    ):
        page.goto((review_site / relative).as_uri())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{relative} is {overflow}px wider than the screen"
    context.close()
