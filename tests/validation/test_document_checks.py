"""Semantic checks of one annotation (document_checks.py) beyond the code: the message and hint
each gives, and the dates the weekday check must leave alone."""

from __future__ import annotations

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
