"""Semantic checks of one annotation (document_checks.py) beyond the code: the message and hint
each gives, and the dates the weekday check must leave alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from eventset.problems import Problem
from eventset.validation.repository import validate_repository

Edit = Callable[[Path, str, str], None]
KALSU_DATE = "      start: 2021-09-06\n      precision: day\n      derived: true"


def problems(repo: Path) -> list[Problem]:
    return validate_repository(repo).problems


def test_the_gold_annotation_passes(repo: Path) -> None:
    assert problems(repo) == []


def test_a_wrong_weekday_names_the_real_one_and_the_right_date(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(seed_annotation, KALSU_DATE, KALSU_DATE.replace("09-06", "09-05"))
    [found] = problems(repo)
    assert found.code == "E411"
    assert found.message == "The evidence says Monday, but 2021-09-05 is a Sunday."
    assert found.hint == "The Monday nearest before 2021-09-07 is 2021-09-06."


def test_the_right_weekday_more_than_a_week_before_publication(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(seed_annotation, KALSU_DATE, KALSU_DATE.replace("09-06", "08-30"))
    [found] = problems(repo)
    assert found.code == "E411"
    assert "2021-08-30 is a Monday, but not within the week before publication" in found.message
    assert found.hint == "A bare weekday in a report means the last one: 2021-09-06."


def test_a_scheduled_weekday_may_lie_ahead(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    later = KALSU_DATE.replace("09-06", "09-13")  # the next Monday, after publication
    edit(seed_annotation, KALSU_DATE, later)
    assert sorted(p.code for p in problems(repo)) == ["E410", "E411"]
    edit(seed_annotation, later, later + "\n      scheduled: true")
    assert problems(repo) == []


def test_the_weekday_check_leaves_a_range_alone(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    # "on Monday" inside a range starting on a Wednesday: the range, not the weekday, is dated.
    edit(
        seed_annotation,
        KALSU_DATE,
        "      start: 2021-09-01\n      end: 2021-09-06\n      precision: interval\n      derived: true",
    )
    assert problems(repo) == []


def test_a_date_after_publication_points_at_end_when_there_is_one(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(
        seed_annotation,
        KALSU_DATE,
        "      start: 2021-09-06\n      end: 2021-09-08\n      precision: interval\n      derived: true",
    )
    [found] = problems(repo)
    assert (found.code, found.message) == (
        "E410",
        "2021-09-08 is after the publication date 2021-09-07.",
    )
    text = seed_annotation.read_text(encoding="utf-8")
    assert text.splitlines()[found.line - 1].strip() == "end: 2021-09-08"


def test_an_end_before_start(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(
        seed_annotation,
        KALSU_DATE,
        "      start: 2021-09-06\n      end: 2021-09-05\n      precision: interval\n      derived: true",
    )
    [found] = problems(repo)
    assert (found.code, found.message) == ("E409", "end 2021-09-05 is before start 2021-09-06.")


def test_figures_out_of_order_name_both(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(
        seed_annotation,
        "    fatalities: null  # the text reports no casualties either way",
        '    fatalities: {low: 5, best: 3, high: 4, evidence: ["A roadside bomb"]}',
    )
    found = [(p.code, p.message) for p in problems(repo)]
    assert found == [("E413", "low 5 is greater than best 3.")]


def test_the_weekday_check_leaves_a_month_alone(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    # A month-precision date is written as its first day, which need not be a Monday.
    edit(
        seed_annotation,
        KALSU_DATE,
        "      start: 2021-09-01\n      precision: month\n      derived: true",
    )
    assert problems(repo) == []


def _tuesday_report(repo: Path, start: str, weekday: str = "Tuesday") -> None:
    """A test-only document published on Tuesday 2021-09-07 that dates an event "on <weekday>"."""
    from eventset.inputs.seeds import sha256_of

    seed = repo / "seeds" / "synthetic_test_0002.txt"
    seed.write_text(
        f" date 2021-09-07 Synthetic test document\n\nThe bridge was closed on {weekday}.\n",
        encoding="utf-8",
        newline="",
    )
    (repo / "data" / "annotations" / "synthetic_test_0002.yaml").write_text(
        "format: 1\n"
        "document:\n"
        '  id: "synthetic_test_0002"\n'
        f'  sha256: "{sha256_of(seed.read_bytes())}"\n'
        "  published: 2021-09-07\n"
        '  title: "Synthetic test document"\n'
        '  language: "en"\n'
        "  licence: cc0_1_0\n"
        "events:\n"
        "  - id: iq-2021-synthetic-bridge-closure\n"
        "    type: COERCE\n"
        "    date:\n"
        f"      start: {start}\n"
        "      precision: day\n"
        "      derived: true\n"
        f'      evidence: ["on {weekday}"]\n'
        "    participants: [{actor: us-armed-forces, role: initiator}]\n"
        "    certainty: reported\n"
        "    summary: The bridge was closed.\n"
        f'    evidence: ["The bridge was closed on {weekday}."]\n',
        encoding="utf-8",
    )


def test_a_bare_weekday_may_be_the_publication_day_or_a_week_before(repo: Path) -> None:
    for start in ("2021-09-07", "2021-08-31"):
        _tuesday_report(repo, start)
        assert problems(repo) == [], start
    _tuesday_report(repo, "2021-08-24")  # two weeks before: not "the last Tuesday"
    assert [p.code for p in problems(repo)] == ["E411"]


def test_a_wrong_weekday_other_than_monday_names_the_right_date(
    repo: Path, seed_annotation: Path, edit: Edit
) -> None:
    edit(
        seed_annotation,
        '      start: 2021-09-04\n      precision: day\n      derived: true  # "On Saturday"',
        '      start: 2021-09-02\n      precision: day\n      derived: true  # "On Saturday"',
    )
    [found] = problems(repo)
    assert found.message == "The evidence says Saturday, but 2021-09-02 is a Thursday."
    assert found.hint == "The Saturday nearest before 2021-09-07 is 2021-09-04."


def test_an_event_id_twice_in_one_file(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(
        seed_annotation,
        "id: iq-2021-09-04-ashab-al-kahf-karbala-operation-announcement",
        "id: iq-2021-09-06-kalsu-bridge-convoy-bombing",
    )
    found = [(p.code, p.message) for p in problems(repo) if p.code == "E404"]
    assert len(found) == 1 and "in this file" in found[0][1]


def test_an_actor_twice_in_the_same_role(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(
        seed_annotation,
        "      - actor: united-states\n        role: recipient\n",
        "      - actor: ashab-al-kahf\n        role: initiator\n",
    )
    [found] = problems(repo)
    assert (found.code, found.message) == ("E404", "'ashab-al-kahf' is listed twice as initiator.")


def test_fatalities_with_no_figure(repo: Path, seed_annotation: Path, edit: Edit) -> None:
    edit(
        seed_annotation,
        "    fatalities: null  # the text reports no casualties either way",
        '    fatalities: {evidence: ["A roadside bomb"]}',
    )
    [found] = problems(repo)
    assert found.code == "E201"
    assert found.message.startswith("fatalities gives none of low, best, high")


def test_a_repeated_quote_is_resolved_once(seed_annotation: Path) -> None:
    from eventset.inputs.parse import Located, parse_model
    from eventset.schema.annotation import Annotation
    from eventset.validation.document_checks import resolve_evidence
    from tests.conftest import REPO, SEED_ID

    raw = seed_annotation.read_bytes().replace(
        b'["Popular Mobilization Units", "PMU", "Hashd al-Shaabi"]',
        b'["Popular Mobilization Units", "PMU", "Hashd al-Shaabi", "PMU"]',
    )
    annotation, doc, _ = parse_model(raw, "a.yaml", Annotation)
    assert annotation is not None and doc is not None
    with (REPO / "seeds" / f"{SEED_ID}.txt").open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    resolved, found = resolve_evidence(annotation, text, Located("a.yaml", doc))
    assert [p.code for p in found] == ["E304"]
    spans = [(item.target_id, span) for item, span in resolved]
    assert len(spans) == len(set(spans))


def test_a_bare_weekday_the_day_after_publication_is_not_the_last_one(repo: Path) -> None:
    _tuesday_report(repo, "2021-09-08", "Wednesday")
    assert sorted(p.code for p in problems(repo)) == ["E410", "E411"]


def test_a_month_spelt_with_letters_that_only_fold_to_it_is_read_not_a_crash() -> None:
    """IGNORECASE matches the long s (U+017F) and the Kelvin sign as "s" and "k": a quote with
    "2 <long s>ep 2022" in hostile input once raised StopIteration inside the generator."""
    import datetime as dt

    from eventset.validation.document_checks import absolute_dates

    sep = "\u017fep"
    assert absolute_dates(f"on 2 {sep} 2022 and 3 Oct 2022") == [
        (f"2 {sep} 2022", dt.date(2022, 9, 2)),
        ("3 Oct 2022", dt.date(2022, 10, 3)),
    ]


def test_date_words_are_read_once_per_exact_quote() -> None:
    """A date's evidence is read once per distinct quote of a process (cached): the weekday
    keeps its spelling, and a quote differing only in case is read on its own."""
    from eventset.validation.document_checks import _date_words

    said = _date_words("on Tuesday, 1 March 2022")
    assert said.weekdays == ("Tuesday",)
    assert said.dates == (("1 March 2022", dt.date(2022, 3, 1)),)
    assert _date_words("on Tuesday, 1 March 2022") is said
    assert _date_words("on TUESDAY, 1 MARCH 2022").weekdays == ("TUESDAY",)
    assert _date_words("on TUESDAY, 1 MARCH 2022").dates == (("1 MARCH 2022", dt.date(2022, 3, 1)),)
    assert _date_words("last week") == ((), ())
