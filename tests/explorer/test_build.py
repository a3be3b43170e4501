"""The site's files: one page per row, offline, atomic, and honest about withheld texts."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest

from eventset.explorer.build import MARKER, SiteError, build_site
from eventset.release.load import load
from tests.conftest import SEED_ID

MAX_PAGE_BYTES = 2_000_000


def test_every_row_has_its_page(seed_release: Path, public_site: Path) -> None:
    tables = load(path=seed_release)
    for table, key, folder in (
        ("events", "event_id", "events"),
        ("documents", "document_id", "documents"),
        ("actors", "actor_id", "actors"),
        ("places", "place_id", "places"),
    ):
        for row_id in tables[table][key].to_list():
            assert (public_site / folder / f"{row_id}.html").is_file(), (table, row_id)
    assert (public_site / "index.html").is_file()
    assert (public_site / MARKER).is_file()


def test_nothing_points_off_the_site_and_no_page_is_over_2_mb(public_site: Path) -> None:
    for path in public_site.rglob("*"):
        if not path.is_file():
            continue
        assert path.stat().st_size <= MAX_PAGE_BYTES, path
        text = path.read_text(encoding="utf-8")
        # Scripts, styles, images and fonts are all relative: no CDN, no tiles, no web fonts.
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), path
        assert "@import" not in text and "url(http" not in text, path


def test_a_withheld_text_shows_the_quotes_and_says_why(
    seed_release: Path, public_site: Path
) -> None:
    document = load(path=seed_release)["documents"].row(0, named=True)
    assert document["text"] is None, "the seed's licence withholds its text"
    page = (public_site / "documents" / f"{SEED_ID}.html").read_text(encoding="utf-8")
    assert "The text is withheld." in page
    assert "does not allow the text to be redistributed" in page
    assert 'class="doc-quotes"' in page and 'class="doc-text"' not in page


def test_the_review_site_shows_the_seed_text_and_warns(review_site: Path) -> None:
    page = (review_site / "documents" / f"{SEED_ID}.html").read_text(encoding="utf-8")
    assert "Not for publication." in page
    assert 'class="doc-text"' in page


def test_a_seed_that_does_not_match_the_release_is_not_shown(
    seed_release: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / f"{SEED_ID}.txt").write_text("not the released text\n", encoding="utf-8")
    result = build_site(seed_release, tmp_path / "site", seeds=seeds, jobs=1)
    assert result.texts_from_seeds == 0
    page = (tmp_path / "site" / "documents" / f"{SEED_ID}.html").read_text(encoding="utf-8")
    assert "The text is withheld." in page


def test_refuses_a_directory_that_is_not_a_site_and_replaces_one_that_is(
    seed_release: Path, public_site: Path, tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(SiteError, match="not an eventset site"):
        build_site(seed_release, precious)
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"

    site = tmp_path / "site"
    build_site(seed_release, site, jobs=1)
    (site / "stale.html").write_text("old", encoding="utf-8")
    build_site(seed_release, site, jobs=2)
    assert not (site / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # Two workers write the same site as one.
    assert _contents(site) == _contents(public_site)


def _contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_map_draws_located_events_over_country_outlines(public_site: Path) -> None:
    page = (public_site / "index.html").read_text(encoding="utf-8")
    svg = page[
        page.index('<svg class="map"') : page.index("</svg>", page.index('<svg class="map"'))
    ]
    assert svg.count('class="land"') >= 3  # Iraq and its neighbours
    assert '<circle class="dot"' in svg
    assert "places/babil-governorate.html" in svg


def test_the_command_writes_the_site_and_refuses_a_missing_release(
    seed_release: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from eventset.cli import app

    done = CliRunner().invoke(
        app, ["site", str(seed_release), "--out", str(tmp_path / "s"), "--jobs", "1"]
    )
    assert done.exit_code == 0, done.output
    assert "wrote" in done.output and (tmp_path / "s" / "index.html").is_file()
    missing = CliRunner().invoke(
        app, ["site", str(tmp_path / "nope"), "--out", str(tmp_path / "t")]
    )
    assert missing.exit_code == 1
    assert "no manifest.json" in missing.output and "Traceback" not in missing.output


def test_an_id_that_climbs_out_of_the_site_is_refused(tmp_path: Path) -> None:
    from eventset.explorer.writer import Writer

    writer = Writer(tmp_path / "site")
    writer.write("events/ok-1.html", "fine")
    for bad in ("events/../../x.html", "/etc/x.html", "events/A B.html"):
        with pytest.raises(SiteError, match="plain slug"):
            writer.write(bad, "bad")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


OPEN_START = "iq-us-2021-troop-withdrawal-agreement"


def test_an_open_start_reads_until_its_end_and_sorts_by_it(public_site: Path) -> None:
    page = (public_site / "events" / f"{OPEN_START}.html").read_text(encoding="utf-8")
    assert 'until <time datetime="2021-09-07">2021-09-07</time>' in page
    listing = (public_site / "events" / "index.html").read_text(encoding="utf-8")
    assert '<td data-label="Date">until 2021-09-07</td>' in listing
    # Sorted by what is known (its end), after the events of 2021-09-06, not first.
    order = re.findall(r'<a href="([a-z0-9-]+)\.html">', listing.split("<tbody>")[1])
    assert order.index(OPEN_START) == len(order) - 1
    events = (public_site / "data" / "events-0.js").read_text(encoding="utf-8")
    assert events.index("2021-09-06") < events.index(OPEN_START)


def test_the_checksum_table_is_collapsed(public_site: Path) -> None:
    page = (public_site / "index.html").read_text(encoding="utf-8")
    details = page[page.index('<details class="checksums">') :]
    assert details.index('<table class="checksums') < details.index("</details>")
    assert '<details class="checksums" open' not in page


def test_claims_name_their_document_by_title_and_link_their_words(
    seed_release: Path, public_site: Path
) -> None:
    title = load(path=seed_release)["documents"]["title"][0]
    page = (public_site / "actors" / "united-states.html").read_text(encoding="utf-8")
    claims = page[page.index('id="claims-h"') :]
    assert f'dir="auto">{escape(title)}</a>' in claims
    assert f">{SEED_ID}</a>" not in claims
    # Each claim made and each passage naming the actor links to its words in the document.
    assert f'class="evidence" href="../documents/{SEED_ID}.html#' in claims
    named = page[page.index('id="named-h"') :]
    assert named.count('class="evidence"') >= 2


def test_a_place_page_shows_a_map_and_the_words_naming_it(public_site: Path) -> None:
    page = (public_site / "places" / "babil-governorate.html").read_text(encoding="utf-8")
    assert '<svg class="map"' in page and '<circle class="dot"' in page
    named = page[page.index('id="named-h"') :]
    assert f'href="../documents/{SEED_ID}.html#' in named and "“Babil Province”" in named


def test_the_search_data_holds_summaries_names_and_aliases(public_site: Path) -> None:
    data = (public_site / "data" / "search-0.js").read_text(encoding="utf-8")
    entries = json.loads(data[data.index("concat(") + 7 : data.rindex(");")])
    kinds = {kind for kind, *_ in entries}
    assert kinds == {"actor", "event", "claim"}
    us = next(e for e in entries if e[0] == "actor" and e[1] == "United States")
    assert "Washington" in us[3] and us[2] == "actors/united-states.html"
    for _, _, href, _ in entries:
        assert (public_site / href.split("#")[0]).is_file(), href
    assert 'action="search.html"' in (public_site / "index.html").read_text(encoding="utf-8")


def test_each_timeline_bar_links_to_its_month_and_type(public_site: Path) -> None:
    page = (public_site / "index.html").read_text(encoding="utf-8")
    bars = re.findall(r'<a class="bar" href="([^"]+)" aria-label="([^"]+)">', page)
    assert bars
    for href, label in bars:
        month, event_type, _ = re.split(r"[ :]+", label, maxsplit=2)
        assert href == f"events/index.html?type={event_type}&amp;month={month}"
