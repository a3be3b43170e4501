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


def _events_with_actor(seed_release: Path, actor_id: str) -> set[str]:
    pairs = load(path=seed_release)["event_actors"].filter(actor_id=actor_id)
    return set(pairs["event_id"].to_list())


def _listed_ids(page: Any) -> list[str]:
    ids: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('#event-list tbody a')]
            .map(a => a.getAttribute('href').replace(/\\.html$/, ''))"""
    )
    return ids


def test_search_finds_actors_by_alias_events_and_claims(
    review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    # The header's search box on any page sends the words to the search page.
    page.goto((review_site / "events" / "iq-2021-09-06-kalsu-bridge-convoy-bombing.html").as_uri())
    page.fill("#nav-q", "washington")
    page.press("#nav-q", "Enter")
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith("/search.html")
    results = page.locator("#results li")
    labels = results.all_inner_texts()
    assert any(text.startswith("Actor") and "United States" in text for text in labels)
    assert any(text.startswith("Claim") for text in labels)
    # Every word must match, case and accents aside; a result opens its page.
    page.fill("#q", "KALSU convoy")
    labels = results.all_inner_texts()
    assert len(labels) == 1 and labels[0].startswith("Event")
    results.first.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/events/iq-2021-09-06-kalsu-bridge-convoy-bombing.html")
    assert traffic.errors == []


def test_the_actor_filter_matches_aliases(
    seed_release: Path, review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    page.goto((review_site / "events" / "index.html").as_uri())
    page.fill("#f-actor", "Washington")
    expected = _events_with_actor(seed_release, "united-states")
    assert expected and set(_listed_ids(page)) == expected
    page.fill("#f-actor", "داعش")  # Islamic State's Arabic alias
    assert set(_listed_ids(page)) == _events_with_actor(seed_release, "islamic-state")
    assert traffic.errors == []


def test_lists_sort_by_any_column(
    seed_release: Path, review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    events = load(path=seed_release)["events"]
    known = {
        row["event_id"]: (row["date_start"] or row["date_end"]).isoformat()
        for row in events.iter_rows(named=True)
    }
    page.goto((review_site / "events" / "index.html").as_uri())
    date_heading = page.locator("#event-list th[data-key=date] button")
    date_heading.click()
    ascending = [known[i] for i in _listed_ids(page)]
    assert ascending == sorted(ascending)
    date_heading.click()
    descending = [known[i] for i in _listed_ids(page)]
    assert descending == sorted(ascending, reverse=True) and descending != ascending
    assert page.get_attribute("#event-list th[data-key=date]", "aria-sort") == "descending"
    # An open start sorts by its end: the withdrawal agreement (until 2021-09-07) comes first.
    assert _listed_ids(page)[0] == "iq-us-2021-troop-withdrawal-agreement"
    assert "sort=-date" in page.url

    page.goto((review_site / "actors" / "index.html").as_uri())
    page.locator("th", has_text="Events").locator("button").click()
    page.locator("th", has_text="Events").locator("button").click()
    counts = [int(c) for c in page.locator("tbody td:nth-child(4)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert traffic.errors == []


def test_a_timeline_bar_opens_the_list_of_its_month_and_type(
    review_site: Path, watched: tuple[Any, Traffic]
) -> None:
    page, traffic = watched
    page.goto((review_site / "index.html").as_uri())
    bars = page.locator("svg.timeline a.bar")
    assert bars.count() >= 3
    for i in range(bars.count()):
        page.goto((review_site / "index.html").as_uri())
        bar = page.locator("svg.timeline a.bar").nth(i)
        month, event_type, count = bar.get_attribute("aria-label").replace(":", "").split(" ")
        bar.click()
        page.wait_for_load_state("load")
        assert page.input_value("#f-month") == month
        assert page.input_value("#f-type") == event_type
        rows = _listed(page)
        assert len(rows) == int(count)
        assert all(row[1] == event_type and month in row[0] for row in rows)
    assert traffic.errors == []


def test_on_a_phone_every_column_is_on_screen_and_the_timeline_readable(
    review_site: Path, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    off_screen = """() => [...document.querySelectorAll('table.stack tbody td')]
        .map(td => [td.getAttribute('data-label'), td.getBoundingClientRect()])
        .filter(([, box]) => box.width === 0 || box.left < 0 || box.right > innerWidth)
        .map(([label]) => label)"""
    for relative in ("events/index.html", "actors/index.html", "actors/united-states.html"):
        page.goto((review_site / relative).as_uri())
        assert page.locator("table.stack tbody td").count() > 0
        assert page.evaluate(off_screen) == [], relative
        # The headings stay as sort buttons above the cards.
        assert page.locator("table.stack th button.sort").first.is_visible()
    page.goto((review_site / "index.html").as_uri())
    label_heights = page.evaluate(
        "[...document.querySelectorAll('svg.timeline text.axis')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert label_heights and min(label_heights) >= 10, label_heights
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()


def test_a_failing_document_shows_its_problem_at_the_words(
    failing_review: Any, watched: tuple[Any, Traffic]
) -> None:
    from tests.review.conftest import BROKEN, MISSPELT

    page, traffic = watched
    page.goto((failing_review.site.out / "documents" / f"{BROKEN}.html").as_uri())
    marks = page.locator("#doc-text mark.k-problem")
    assert marks.count() == 1 and marks.first.inner_text() == MISSPELT[0]
    # The list's link lands on the words and marks them; focus shows what is wrong there.
    page.get_by_role("link", name=f"Show the closest passage to “{MISSPELT[1]}”").click()
    assert page.evaluate("location.hash") == "#problem-1"
    assert "current" in (marks.first.get_attribute("class") or "")
    marks.first.focus()
    popup = page.locator("#mention-popup")
    assert popup.is_visible() and "E301" in popup.inner_text()
    assert "does not occur in the text" in popup.inner_text()
    # Every page of the site says there are problems and links to them.
    page.goto((failing_review.site.out / "events" / "index.html").as_uri())
    page.locator(".problems-banner a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/problems.html")
    assert page.locator(f'a[href="documents/{BROKEN}.html"]').count() == 1
    assert traffic.errors == []
