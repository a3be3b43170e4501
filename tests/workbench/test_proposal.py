"""`eventset new` proposes the registry names and dates of a text; measured against the gold.

The seed's gold annotation is set aside (the proposal is made for the seed as if it were new) and
compared with the proposal: a gold actor or place mention is found when a proposal names the same
registry entry on an overlapping span; a proposal is kept when such a gold mention exists.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from typer.testing import CliRunner

from eventset.cli import app
from eventset.inputs.parse import parse_model
from eventset.inputs.seeds import Seed, parse_seed
from eventset.schema.annotation import Annotation, Claim
from eventset.schema.cues import cue_pattern, is_negated
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.vocab import evidence_cues
from eventset.validation.quotes import Span, find_quote, sentence_index, sentence_starts
from eventset.workbench.dates import propose_dates
from eventset.workbench.proposal import Target, propose_mentions
from eventset.workbench.starter import Proposal, body_start, propose, starter_annotation
from tests.conftest import REPO, SEED_ID

runner = CliRunner()
Spans = list[tuple[Target, int, int]]


def _model(path: Path, model: type[ActorRegistry] | type[PlaceRegistry] | type[Annotation]):  # type: ignore[no-untyped-def]
    parsed, _, problems = parse_model(path.read_bytes(), path.name, model)
    assert parsed is not None, problems
    return parsed


def _gold(text: str, annotation: Annotation) -> Spans:
    spans: Spans = []
    groups = [(("actor", a.actor), a.mentions) for a in annotation.actors]
    groups += [(("place", p.place), p.mentions) for p in annotation.places]
    for target, selectors in groups:
        for selector in selectors:
            found = find_quote(text, selector)
            assert isinstance(found, Span)
            spans.append((target, found.start, found.end))
    return spans


def _matched(one: tuple[Target, int, int], others: Spans) -> bool:
    target, start, end = one
    return any(t == target and s < end and start < e for t, s, e in others)


def agreement(proposed: Spans, gold: Spans) -> tuple[float, float]:
    """(share of gold mentions found, share of proposals the gold keeps)."""
    recall = sum(_matched(g, proposed) for g in gold) / len(gold)
    precision = sum(_matched(p, gold) for p in proposed) / len(proposed)
    return recall, precision


def _seed() -> Seed:
    seed_path = REPO / "seeds" / f"{SEED_ID}.txt"
    seed, _ = parse_seed(SEED_ID, seed_path.read_bytes(), seed_path.name)
    assert seed is not None
    return seed


def _proposal() -> tuple[Seed, Proposal]:
    seed = _seed()
    actors = _model(REPO / "data" / "actors.yaml", ActorRegistry)
    places = _model(REPO / "data" / "places.yaml", PlaceRegistry)
    return seed, propose(seed, actors, places)


def seed_figures() -> tuple[float, float, int, int]:
    """Mention recall and precision; a name proposed under two entries counts twice."""
    seed, (mentions, *_) = _proposal()
    proposed = [(t, m.start, m.end) for m in mentions for t in (m.target, *m.others)]
    gold = _gold(seed.text, _model(REPO / "data" / "annotations" / f"{SEED_ID}.yaml", Annotation))
    return (*agreement(proposed, gold), len(proposed), len(gold))


def cue_named_claims(text: str, annotation: Annotation) -> list[Claim]:
    """The gold's explicit claims whose kind a cue word in their sentence names (not negated,
    or a no-claim's negated responsibility), leaving out the writer's own framing words."""
    cues = evidence_cues("en")
    assert cues is not None
    framing = cue_pattern(cues.framing)
    starts = sentence_starts(text)
    named = []
    for claim in annotation.claims:
        if not claim.explicit:
            continue
        found = find_quote(text, claim.evidence[0])
        assert isinstance(found, Span)
        index = sentence_index(starts, found.start)
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        spec = cues.claim_kinds[claim.kind]
        own = [(c, False) for c in spec.cues]
        if spec.negated_cues_of:
            own += [(c, True) for c in cues.claim_kinds[spec.negated_cues_of].cues]
        for cue, negated in own:
            pattern = cue_pattern((cue,))
            assert pattern is not None
            hits = pattern.finditer(text, starts[index], end)
            if any(
                is_negated(text, h.start(), cues) == negated
                and not (framing is not None and framing.fullmatch(h.group()))
                for h in hits
            ):
                named.append(claim)
                break
    return named


def claim_figures() -> tuple[int, int, int]:
    """(gold claims a cue names, those proposed with the gold's kind and claimant on an
    overlapping span, claims proposed)."""
    seed, (_, _, _, claims) = _proposal()
    annotation = _model(REPO / "data" / "annotations" / f"{SEED_ID}.yaml", Annotation)
    named = cue_named_claims(seed.text, annotation)
    found = 0
    for claim in named:
        span = find_quote(seed.text, claim.evidence[0])
        assert isinstance(span, Span)
        found += any(
            p.kind == claim.kind
            and p.claimant == claim.claimant
            and p.start < span.end
            and span.start < p.end
            for p in claims
        )
    return len(named), found, len(claims)


def test_proposal_against_the_gold_of_the_seed() -> None:
    recall, precision, proposed, gold = seed_figures()
    print(
        f"seed: recall {recall:.2f} of {gold} gold mentions, precision {precision:.2f} of {proposed}"
    )
    # Measured 2026-12 with names only: 26 of 38 gold mentions found (0.68). With descriptions
    # ("US occupation forces", "The group", "its troops", "the Arab country's parliament", "A
    # security source", "reports") and the byline's outlet: 37 of 38 (0.97); 38 of 49 proposals
    # kept (0.78: "Iraq" is proposed as the place and as the state, the gold keeps one). The
    # one missed is "Occupation" in the headline, the outlet's word for the US forces.
    assert recall >= 0.8
    assert precision >= 0.75


def test_claims_a_cue_word_names_are_proposed_with_the_golds_kind_and_claimant() -> None:
    named, found, proposed = claim_figures()
    print(f"seed: {found} of {named} cue-named gold claims proposed ({proposed} proposed)")
    # The no-claim, the announcement, the two attributed reports and the source's statement.
    assert named == 5
    assert found == named


def test_new_writes_a_proposal_that_validates_and_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    target = root / "data" / "annotations" / f"{SEED_ID}.yaml"
    target.unlink()  # the gold is set aside: the seed is annotated as if new
    result = runner.invoke(
        app, ["new", str(root / "seeds" / f"{SEED_ID}.txt"), "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    written = target.read_text(encoding="utf-8")
    assert "  - actor: united-states" in written and "      - Kalsu Bridge" in written
    assert (
        "#     date: {start: 2021-09-06, precision: day, derived: true, evidence: [on Monday]}"
        in written
    )
    assert "  url: null" in written and "  origin: published" in written
    checked = runner.invoke(app, ["validate", "--root", str(root)])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(app, ["new", str(root / "seeds" / f"{SEED_ID}.txt"), "--root", str(root)])
    assert again.exit_code == 1 and target.read_text(encoding="utf-8") == written


def test_dates_of_the_seed_resolved_against_publication() -> None:
    text = (REPO / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    found = {
        d.evidence["quote"]: d for d in propose_dates(text, dt.date(2021, 9, 7), body_start(text))
    }
    assert found["on Monday"].start == dt.date(2021, 9, 6) and found["on Monday"].derived
    assert found["On Saturday"].start == dt.date(2021, 9, 4)
    assert found["on January 5, 2020"].start == dt.date(2020, 1, 5)
    assert not found["on January 5, 2020"].derived
    assert found["two days after"].start == dt.date(2020, 1, 3)  # the gold's date


def test_future_weekday_is_scheduled_and_relative_words_resolve() -> None:
    text = (
        "SYNTHETIC\nThe minister is expected to visit the site on Wednesday. "
        "Two days ago a convoy was hit; last week talks failed; in March 2021 they began."
    )
    published = dt.date(2021, 9, 7)  # a Tuesday
    found = {d.evidence["quote"]: d for d in propose_dates(text, published, body_start(text))}
    assert found["on Wednesday"].start == dt.date(2021, 9, 8) and found["on Wednesday"].scheduled
    assert found["Two days ago"].start == dt.date(2021, 9, 5)
    assert (found["last week"].start, found["last week"].end) == (
        dt.date(2021, 8, 30),
        dt.date(2021, 9, 5),
    )
    assert found["in March 2021"].precision == "month" and not found["in March 2021"].derived


def test_whole_words_and_longest_match() -> None:
    forms = {
        "US": [("actor", "us")],
        "US-led coalition": [("actor", "coalition")],
        "Iran": [("place", "iran"), ("actor", "iran")],
    }
    text = "x\nThe US-led coalition and the US met Iranian and Iran officials."
    found = [(m.quote, m.target, m.others) for m in propose_mentions(text, forms)]
    assert found == [
        ("US-led coalition", ("actor", "coalition"), ()),
        ("US", ("actor", "us"), ()),
        ("Iran", ("place", "iran"), (("actor", "iran"),)),
    ]


def test_a_name_of_two_entries_is_proposed_under_both_with_a_note() -> None:
    seed, _ = _proposal()
    written = starter_annotation(
        seed,
        _model(REPO / "data" / "actors.yaml", ActorRegistry),
        _model(REPO / "data" / "places.yaml", PlaceRegistry),
    )
    actors, places = written.split("\nplaces:\n")
    place_note = "# also the name of actor iraq: keep the one the text means"
    actor_note = "# also the name of place iraq: keep the one the text means"
    assert (
        f'  - actor: iraq\n    mentions:\n      - {{quote: Iraq, prefix: "from "}}  {actor_note}'
        in actors
    )
    assert (
        f'  - place: iraq\n    mentions:\n      - {{quote: Iraq, prefix: "from "}}  {place_note}'
        in places
    )
