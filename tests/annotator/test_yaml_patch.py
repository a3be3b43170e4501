"""The patched file reads back as the new data, and keeps every line of the annotator's that the
change does not touch: comments, quoting, blank lines, key order."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from eventset.annotator.yaml_patch import patched_text, plain
from eventset.inputs.yamlfile import load_yaml
from tests.annotator.conftest import GOLD
from tests.conftest import REPO

TEXT = GOLD.read_text(encoding="utf-8")
DATA: dict[str, Any] = load_yaml(TEXT.encode(), "gold")[0].data  # type: ignore[union-attr]
ACTORS_TEXT = (REPO / "data" / "actors.yaml").read_text(encoding="utf-8")


def _reads_back(text: str, new: dict[str, Any]) -> None:
    doc, problems = load_yaml(text.encode(), "patched")
    assert doc is not None, problems
    assert doc.data == plain(new)


def _kept(old: str, new: str) -> bool:
    """Whether every line of `old` is in `new`, in order: lines were only added, or a flow
    list (`mentions: ["a"]`) got items at its end (`mentions: ["a", "b"]`)."""

    def same(line: str, other: str) -> bool:
        return line == other or (line.endswith("]") and other.startswith(line[:-1] + ", "))

    lines = iter(new.splitlines())
    return all(any(same(line, other) for other in lines) for line in old.splitlines())


WORDS = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12).map(
    lambda w: w + " x"
)
SELECTOR = st.one_of(
    WORDS, st.builds(lambda q, n: {"quote": q, "occurrence": n}, WORDS, st.integers(1, 3))
)


@st.composite
def appended(draw: st.DrawFn) -> dict[str, Any]:
    """The gold with mentions and evidence appended, and whole new items."""
    data = copy.deepcopy(DATA)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.sampled_from(["actor", "place", "event", "claim", "participant", "new"]))
        if where in {"actor", "place"}:
            block = draw(st.sampled_from(data[f"{where}s"]))
            block["mentions"].append(draw(SELECTOR))
        elif where == "event":
            draw(st.sampled_from(data["events"]))["evidence"].append(draw(SELECTOR))
        elif where == "claim":
            draw(st.sampled_from(data["claims"]))["evidence"].append(draw(SELECTOR))
        elif where == "participant":
            event = draw(st.sampled_from(data["events"]))
            event["participants"].append(
                {"actor": "iraq", "role": "target", "evidence": [draw(SELECTOR)]}
            )
        else:
            data["claims"].append(
                {
                    "id": f"c-new-{len(data['claims'])}",
                    "claimant": "iraq",
                    "kind": "statement",
                    "date": {"start": dt.date(2021, 9, 1), "precision": "day"},
                    "summary": draw(WORDS),
                    "evidence": [draw(SELECTOR)],
                }
            )
    return data


@given(appended())
def test_appending_keeps_every_line_of_the_file(new: dict[str, Any]) -> None:
    text = patched_text(TEXT, DATA, new)
    _reads_back(text, new)
    assert _kept(TEXT, text)


@st.composite
def edited(draw: st.DrawFn) -> dict[str, Any]:
    """The gold with items removed and values changed as well."""
    data = draw(appended())
    for _ in range(draw(st.integers(1, 4))):
        where = draw(
            st.sampled_from(
                ["drop-event", "drop-claim", "drop-mention", "summary", "about", "date"]
            )
        )
        if where == "drop-event" and data["events"]:
            data["events"].pop(draw(st.integers(0, len(data["events"]) - 1)))
        elif where == "drop-claim" and data["claims"]:
            data["claims"].pop(draw(st.integers(0, len(data["claims"]) - 1)))
        elif where == "drop-mention":
            block = draw(st.sampled_from(data["actors"]))
            block["mentions"] = block["mentions"][1:] or block["mentions"]
        elif where == "summary" and data["claims"]:
            draw(st.sampled_from(data["claims"]))["summary"] = draw(WORDS)
        elif where == "about" and data["claims"]:
            draw(st.sampled_from(data["claims"]))["about"] = {"actor": "iran"}
        elif where == "date" and data["events"]:
            event = draw(st.sampled_from(data["events"]))
            event["date"] = {
                "start": dt.date(2021, 1, 2),
                "precision": "day",
                "evidence": [draw(SELECTOR)],
            }
    return data


@given(edited())
def test_any_edit_reads_back_as_the_new_data(new: dict[str, Any]) -> None:
    _reads_back(patched_text(TEXT, DATA, new), new)


def test_a_new_mention_is_one_new_line_in_the_annotators_style() -> None:
    new = copy.deepcopy(DATA)
    new["actors"][3]["mentions"].append("Iraqi")  # iraq: mentions: ["the Arab country", "Baghdad"]
    new["actors"][0]["mentions"].append("Washington and Baghdad")
    text = patched_text(TEXT, DATA, new)
    assert '    mentions: ["the Arab country", "Baghdad", "Iraqi"]\n' in text
    assert '        suffix: " interests"\n      - Washington and Baghdad\n' in text
    assert len(text.splitlines()) == len(TEXT.splitlines()) + 1
    # Every comment of the file is still there.
    assert [line for line in TEXT.splitlines() if "#" in line] == [
        line for line in text.splitlines() if "#" in line
    ]


def test_a_new_key_goes_where_its_model_puts_it_and_a_removed_one_leaves_its_comment_lines() -> (
    None
):
    new = copy.deepcopy(DATA)
    event = new["events"][1]
    new["events"][1] = {
        **{k: v for k, v in event.items() if k in ("id", "type", "mode", "date")},
        "place": {"id": "iraq", "precision": "country", "evidence": ["Iraq"]},
        **{k: v for k, v in event.items() if k not in ("id", "type", "mode", "date")},
    }
    del new["document"]["outlet"]
    text = patched_text(TEXT, DATA, new)
    _reads_back(text, new)
    assert "  outlet: null  # the text does not name its outlet\n" not in text
    assert '      evidence: ["On Saturday"]\n    place:\n      id: iraq\n' in text


def test_registry_entries_stay_set_apart_by_blank_lines() -> None:
    old = load_yaml(ACTORS_TEXT.encode(), "actors")[0].data  # type: ignore[union-attr]
    new = copy.deepcopy(old)
    new["actors"].append({"id": "new-group", "name": "New group", "kind": "armed_group"})
    text = patched_text(ACTORS_TEXT, old, new)
    _reads_back(text, new)
    assert text.startswith(ACTORS_TEXT.rstrip("\n"))
    assert text.endswith("\n\n  - id: new-group\n    name: New group\n    kind: armed_group\n")
