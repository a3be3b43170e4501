"""The dataset card and codebook an analyst works from: limitations with true counts,
crosswalk tables, where to report an error."""

from __future__ import annotations

import polars as pl

from eventset.release.load import load
from eventset.schema.codebook import codebook
from eventset.schema.vocab import vocabulary
from tests.release.conftest import Releases


def test_the_card_counts_its_limitations_from_the_tables(releases: Releases) -> None:
    card = (releases.v1 / "README.md").read_text(encoding="utf-8")
    tables = load(path=releases.v1)
    events, docs = tables["events"], tables["documents"]
    unplaced = events.filter(pl.col("place_id").is_null()).height
    withheld = docs.filter(pl.col("text").is_null()).height
    assert f"| events without a place | {unplaced:,} | {events.height:,} |" in card
    assert (
        f"| documents whose text is withheld (licence) | {withheld:,} | {docs.height:,} |" in card
    )
    for heading in (
        "## Sources and inclusion criteria",
        "## Annotation and review",
        "## Events reported by several documents",
        "## Known limitations",
        "## Other formats",
        "## Reporting an error",
        "## How to cite",
    ):
        assert heading in card


def test_the_codebook_has_a_crosswalk_row_for_every_code() -> None:
    text = codebook()
    crosswalks = text.split("## Crosswalks", 1)[1]
    assert "| ASSAULT | `targeted` | 18 | Violence against civilians | Attack | 1 |" in crosswalks
    for kind in vocabulary("actor_kinds").values():
        assert f"| `{kind}` |" in crosswalks
    assert "| `military` | no | government | 1 | 4 |" in crosswalks


def test_without_double_coding_the_card_and_codebook_say_so_plainly(releases: Releases) -> None:
    for name in ("README.md", "CODEBOOK.md"):
        text = (releases.v1 / name).read_text(encoding="utf-8")
        section = text.split("## Intercoder agreement", 1)[1]
        assert "No document of this release was coded independently" in section
        assert "| table | field |" not in section
    assert load(path=releases.v1)["documents"].get_column("coding_count").to_list() == [0]
