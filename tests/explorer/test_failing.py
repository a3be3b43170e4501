"""A failing annotation's quotes found again, and its problems placed at their words."""

from __future__ import annotations

from eventset.explorer.failing import annotation_quotes, closest_passage, failing_document
from eventset.problems import problem

TEXT = "On Monday the Green Front attacked a convoy near Kalsu Bridge. The army denied it."
ANNOTATION = """format: 1
actors:
  - actor: green-front
    mentions:
      - "Green Front"
      - quote: "the army"
        occurrence: 1
events:
  - id: e-1
    date:
      start: 2021-09-06
      evidence: ["On Monday"]
    place:
      evidence: &near ["near Kalsu Bridge"]
    evidence: [{quote: "attacked a convoy", prefix: "Front "}]
claims:
  - id: c-1
    evidence: *near
"""


def test_every_quote_is_found_with_its_lines_and_what_it_evidences() -> None:
    quotes = annotation_quotes(ANNOTATION)
    assert [(q.selector.quote, q.first_line, q.category) for q in quotes] == [
        ("Green Front", 5, "actor"),
        ("the army", 6, "actor"),
        ("On Monday", 12, "date"),
        ("near Kalsu Bridge", 14, "event"),
        ("attacked a convoy", 15, "event"),
    ]  # the claim's aliased list is the same node: walked once
    assert quotes[1].last_line == 7 and quotes[1].selector.occurrence == 1
    assert annotation_quotes("actors: [unclosed") == []


def test_the_closest_passage_to_a_misspelt_quote() -> None:
    start, end = closest_passage(TEXT, "Kalsu Brigde") or (0, 0)
    assert TEXT[start:end] == "Kalsu Bridge"
    assert closest_passage(TEXT, "xyz") is None and closest_passage("", "Kalsu") is None


def test_problems_are_placed_at_their_quote_or_listed() -> None:
    problems = [
        problem("E301", "a.yaml", 6, 9, "Quote 'the army' does not occur in the text."),
        problem("E201", "a.yaml", 9, 5, "Missing field."),
        problem("E309", "a.yaml", 5, 9, "Case."),
    ]
    document = failing_document("a", "a.yaml", ANNOTATION, TEXT, "A", problems)
    by_code = {p.problem.code: p for p in document.problems}
    assert [p.number for p in document.problems] == [1, 2, 3]  # in line order
    army = by_code["E301"]
    assert army.closest and army.start is not None and army.end is not None
    assert TEXT[army.start : army.end] == "The army"
    green = by_code["E309"]
    assert not green.closest and green.start is not None
    assert TEXT[green.start : green.end] == "Green Front"
    assert by_code["E201"].start is None and by_code["E201"].quote is None
    # Quotes without a problem are shown as found; those with one only as the problem.
    assert [q.quote for q in document.quotes] == [
        "On Monday",
        "near Kalsu Bridge",
        "attacked a convoy",
    ]
    no_text = failing_document("a", "a.yaml", ANNOTATION, None, None, problems)
    assert all(p.start is None for p in no_text.problems) and no_text.quotes == []
