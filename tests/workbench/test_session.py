"""A contributor session replayed: a new SYNTHETIC 250-word text, `eventset new`, then `validate`.

The text is invented for this test (it reports nothing that happened) and is written to a
temporary repository with copies of the registries, never into seeds/. What an annotator would
mark in it is written out below by hand; the test measures how much of that the proposal covers.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from eventset.cli import app
from eventset.inputs.parse import parse_model
from eventset.schema.annotation import Annotation
from eventset.validation.quotes import Span, find_quote
from eventset.workbench.dates import propose_dates
from eventset.workbench.starter import body_start
from tests.conftest import REPO

runner = CliRunner()
DOCUMENT_ID = "synthetic_session_0001"
PUBLISHED = dt.date(2024, 2, 22)  # a Thursday
TEXT = f""" date {PUBLISHED} SYNTHETIC Roadside bomb hits convoy near Kalsu Bridge

A roadside bomb struck a convoy of the Iraqi army near the Kalsu Bridge in Babil Province on \
Tuesday, police said, in the latest attack on supply routes south of Baghdad.

Two soldiers were wounded, according to a security source who spoke to Shafaq News Agency. The \
convoy was carrying fuel for a base used by the US-led coalition, the source added.

No group claimed responsibility. On February 20, 2024, the day of the blast, Ashab al-Kahf posted \
a statement threatening US interests, and the group has claimed similar attacks before.

Washington condemned the attack yesterday. A spokesman for the US embassy said American forces \
were not involved and that the United States would continue to support the Iraqi military.

The Popular Mobilization Units, also known as Hashd al-Shaabi, denied any role. A PMU commander \
told reporters that the attack served only Daesh, which still operates in parts of Iraq.

Iraqi officials said two days after the blast that an investigation had begun. A delegation from \
Baghdad is expected to visit Babil Province on Saturday to meet local leaders.

Iran, which backs several armed groups in Iraq, did not comment. Last week, Iraqi and US officials \
held talks in Baghdad on the future of the coalition, and further talks are planned for March 2024.

The Kalsu Bridge area has seen several attacks on convoys since January 5, 2020, when Iraq's \
parliament voted for foreign troops to leave.
"""

# What an annotator marks: (kind, registry id, quote, occurrence of the quote in the text).
MENTIONS = [
    ("actor", "iraqi-armed-forces", "the Iraqi army", 1),
    ("actor", "iraqi-armed-forces", "the Iraqi military", 1),
    ("actor", "unnamed-security-source", "a security source", 1),
    ("actor", "unnamed-security-source", "the source", 1),  # "the source added"
    ("actor", "shafaq-news", "Shafaq News Agency", 1),
    ("actor", "us-led-coalition", "US-led coalition", 1),
    ("actor", "us-led-coalition", "the coalition", 1),
    ("actor", "ashab-al-kahf", "Ashab al-Kahf", 1),
    ("actor", "ashab-al-kahf", "the group", 1),
    ("actor", "united-states", "US", 2),  # US interests
    ("actor", "united-states", "US", 3),  # US embassy
    ("actor", "united-states", "US", 4),  # US officials
    ("actor", "united-states", "Washington", 1),
    ("actor", "united-states", "the United States", 1),
    ("actor", "us-armed-forces", "American forces", 1),
    ("actor", "popular-mobilization-units", "Popular Mobilization Units", 1),
    ("actor", "popular-mobilization-units", "Hashd al-Shaabi", 1),
    ("actor", "popular-mobilization-units", "PMU", 1),
    ("actor", "islamic-state", "Daesh", 1),
    ("actor", "iran", "Iran", 1),
    ("actor", "iraq", "Baghdad", 2),  # a delegation from Baghdad
    ("actor", "iraq-parliament", "Iraq's parliament", 1),
    ("place", "kalsu-bridge", "Kalsu Bridge", 1),
    ("place", "kalsu-bridge", "Kalsu Bridge", 2),
    ("place", "kalsu-bridge", "Kalsu Bridge", 3),
    ("place", "babil-governorate", "Babil Province", 1),
    ("place", "babil-governorate", "Babil Province", 2),
    ("place", "iraq", "Iraq", 1),
    ("place", "iraq", "Iraq", 2),
]
# The dates an annotator works out: (evidence words, start, end).
DATES = [
    ("on Tuesday", dt.date(2024, 2, 20), None),
    ("On February 20, 2024", dt.date(2024, 2, 20), None),
    ("yesterday", dt.date(2024, 2, 21), None),
    ("two days after", dt.date(2024, 2, 22), None),  # after the blast of the 20th
    ("on Saturday", dt.date(2024, 2, 24), None),  # scheduled
    ("Last week", dt.date(2024, 2, 12), dt.date(2024, 2, 18)),
    ("March 2024", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    ("January 5, 2020", dt.date(2020, 1, 5), None),
]


def _nth(text: str, quote: str, n: int) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(quote), text)]
    return starts[n - 1], starts[n - 1] + len(quote)


def session(root: Path) -> tuple[Annotation, str]:
    """Replay the guide's steps: copy the registries, add the seed, `eventset new`, validate."""
    (root / "seeds").mkdir(parents=True)
    (root / "data").mkdir()
    for name in ("actors.yaml", "places.yaml"):
        shutil.copy(REPO / "data" / name, root / "data" / name)
    seed = root / "seeds" / f"{DOCUMENT_ID}.txt"
    seed.write_text(TEXT, encoding="utf-8", newline="")
    made = runner.invoke(app, ["new", str(seed), "--root", str(root)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(app, ["validate", "--root", str(root)])
    assert checked.exit_code == 0, checked.output
    path = root / "data" / "annotations" / f"{DOCUMENT_ID}.yaml"
    annotation, _, problems = parse_model(path.read_bytes(), path.name, Annotation)
    assert annotation is not None, problems
    return annotation, path.read_text(encoding="utf-8")


def coverage(annotation: Annotation) -> tuple[int, int, int]:
    """(marked mentions the proposal covers, proposals an annotator keeps, proposals). A name
    proposed under two registry entries (the note says: keep the one the text means) is one
    proposal, kept when the annotator keeps either."""
    proposed: list[tuple[tuple[str, str], int, int]] = []
    groups = [(("actor", a.actor), a.mentions) for a in annotation.actors]
    groups += [(("place", p.place), p.mentions) for p in annotation.places]
    for target, selectors in groups:
        for selector in selectors:
            found = find_quote(TEXT, selector)
            assert isinstance(found, Span)
            proposed.append((target, found.start, found.end))
    marked = [((kind, ident), *_nth(TEXT, quote, n)) for kind, ident, quote, n in MENTIONS]

    def hit(
        one: tuple[tuple[str, str], int, int], others: list[tuple[tuple[str, str], int, int]]
    ) -> bool:
        return any(t == one[0] and s < one[2] and one[1] < e for t, s, e in others)

    spans: dict[tuple[int, int], list[tuple[tuple[str, str], int, int]]] = {}
    for one in proposed:
        spans.setdefault((one[1], one[2]), []).append(one)
    return (
        sum(hit(m, proposed) for m in marked),
        sum(any(hit(p, marked) for p in same) for same in spans.values()),
        len(spans),
    )


def dates_right() -> int:
    proposals = propose_dates(TEXT, PUBLISHED, body_start(TEXT))
    right = 0
    for words, start, end in DATES:
        begin = TEXT.index(words)
        for date in proposals:
            quote = str(date.evidence["quote"])
            overlaps = date.offset < begin + len(words) and begin < date.offset + len(quote)
            if overlaps and date.start == start and (date.end or date.start) == (end or start):
                right += 1
                break
    return right


def test_contributor_session_on_a_new_250_word_text(tmp_path: Path) -> None:
    assert 240 <= len(TEXT.split()) <= 270
    annotation, written = session(tmp_path / "repo")
    covered, kept, proposed = coverage(annotation)
    right = dates_right()
    print(
        f"session: {covered}/{len(MENTIONS)} marked mentions covered, {kept}/{proposed} "
        f"proposals kept, {right}/{len(DATES)} dates proposed with the right value"
    )
    # Measured 2026-12 with names only: 21/28 mentions (misses: words no registry holds), 21/25
    # proposals kept ("Baghdad" the place, "US" in "US-led"). With descriptions ("the source",
    # "the group", "Iraq's parliament"): 25/29, 25/29 spans kept ("Baghdad" the city, proposed
    # as the state by its alias, and "Iraq" where the text means the state). 7/8 dates ("two days after the blast" is counted
    # from the wrong side: the proposal's note asks the annotator to check it).
    assert covered >= 0.7 * len(MENTIONS)
    assert kept >= 0.8 * proposed
    assert right >= 7
    assert "scheduled: true" in written  # "is expected to visit ... on Saturday"
