"""One tiny defect per error code: validation reports exactly that code at the right place.

Each case edits the gold annotation (or a registry) in one way and names the text whose first
character is where the problem must point (its `nth` occurrence, plus `offset` characters).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventset.problems import CODES, WARNING_CODES, Problem
from eventset.validation.repository import validate_repository
from tests.conftest import SEED_ID

ANNOTATION = f"data/annotations/{SEED_ID}.yaml"


@dataclass(frozen=True)
class Case:
    code: str
    old: str
    new: str
    at: str
    nth: int = 1
    offset: int = 0
    file: str = ANNOTATION


CASES = [
    Case("E105", "format: 1", "format:\t1", "\t1"),
    Case("E106", "  url: null", "  url: a: b", ": b"),
    Case("E107", '  language: "en"', '  language: &lang "en"', "&lang"),
    Case("E108", '  language: "en"', '  language: "en"\n  language:  "en"', 'language:  "en"'),
    Case(
        "E115",
        '      evidence: ["The incident took place near the Kalsu Bridge on Monday"]',
        '    evidence: ["The incident took place near the Kalsu Bridge on Monday"]',
        'evidence: ["The incident took place near the Kalsu Bridge on Monday"]',
    ),
    Case(
        "E116", '      - "American military"', '     - "American military"', '- "American military"'
    ),
    Case("E109", "  url: null", "  url: " + "[" * 40 + "]" * 40, "[", offset=31),
    Case("E110", "  url: null", "  url: !!python/object:os.system null", "!!python"),
    Case("E112", '  byline: "By Staff, Agencies"', '  byline: "' + "x" * 20_001 + '"', '"xxx'),
    Case(
        "E201",
        "    certainty: reported\n    summary: >-\n      A roadside bomb",
        "    summary: >-\n      A roadside bomb",
        "id: iq-2021-09-06-kalsu-bridge-convoy-bombing",
    ),
    Case("E202", "  url: null", "  url: null\n  urll: x", "urll"),
    Case(
        "E203", "    fatalities: null  # the text", "    fatalities: 3  # the text", "3  # the text"
    ),
    Case("E204", "type: THREATEN", "type: THREATENS", "THREATENS"),
    Case(
        "E205",
        "id: iq-2020-01-05-parliament-foreign-troops-resolution",
        "id: Iq-2020-01-05-parliament-foreign-troops-resolution",
        "Iq-2020",
    ),
    Case("E206", "start: 2020-01-05", "start: 2020-02-30", "2020-02-30"),
    Case("E210", "  url: null", '  url: "javascript:alert(1)"', '"javascript:'),
    Case("E207", "format: 1\ndocument", "format: 2\ndocument", "2\ndocument"),
    Case("E208", "low: 2  #", "low: -2  #", "-2  #"),
    Case("E209", "mode: violence", "mode: firearms", "firearms"),
    Case("E301", '"Daesh", "ISIS/ISIL"', '"Daesh", "ISIS/ISSIL"', '"ISIS/ISSIL"'),
    Case(
        "E302",
        '      - quote: "Ashab al-Kahf"\n        prefix: "On Saturday, "',
        '      - "Ashab al-Kahf"',
        '"Ashab al-Kahf"',
    ),
    Case(
        "E303",
        '        occurrence: 3\n      - "American forces"',
        '        occurrence: 4\n      - "American forces"',
        '4\n      - "American forces"',
    ),
    Case(
        "E304",
        '["Popular Mobilization Units", "PMU", "Hashd al-Shaabi"]',
        '["Popular Mobilization Units", "PMU", "Hashd al-Shaabi", "PMU"]',
        '"PMU"]',
    ),
    Case("E305", '"A security source"', '"A security source "', '"A security source "'),
    Case("E308", '"Daesh", "ISIS/ISIL"', '"aesh", "ISIS/ISIL"', '"aesh"'),
    Case("E309", 'mentions: ["Kalsu Bridge"]', 'mentions: ["kalsu bridge"]', '"kalsu bridge"'),
    Case(
        "E309",
        '      - quote: "Ashab al-Kahf"\n        prefix: "On Saturday, "',
        '      - quote: "Ashab al-Kahf"\n        prefix: "on saturday, "',
        '"Ashab al-Kahf"\n        prefix: "on',
    ),
    Case("E401", "via: [shafaq-news]", "via: [shafak-news]", "shafak-news"),
    Case("E402", "place: babil-governorate", "place: babil-province", "babil-province"),
    Case(
        "E403",
        "about: {event: iq-2020-01-03-soleimani-muhandis-killing, actor: united-states}",
        "about: {event: iq-2020-01-03-soleimani-muhandis-killng, actor: united-states}",
        "iq-2020-01-03-soleimani-muhandis-killng",
    ),
    Case(
        "E404",
        "id: c-000-e3ff-daesh-terrorist",
        "id: c-000-e3ff-us-dragging-feet",
        "c-000-e3ff-us-dragging-feet",
        nth=2,
    ),
    Case("E406", '"sha256:fb30f17', '"sha256:fb30f18', '"sha256:fb30f18'),
    Case(
        "E407", 'id: "000_e3ff97cd28be607c"', 'id: "000_e3ff97cd28be607d"', '"000_e3ff97cd28be607d"'
    ),
    Case("E408", "published: 2021-09-07", "published: 2021-09-08", "2021-09-08"),
    Case(
        "E409",
        "start: 2020-01-05\n      precision: day",
        "start: 2020-01-05\n      end: 2020-01-04\n      precision: day",
        "2020-01-04",
    ),
    Case(
        "E410",
        '      start: 2021-09-07\n      precision: day\n      derived: true  # "so far"',
        '      start: 2021-09-09\n      precision: day\n      derived: true  # "so far"',
        "2021-09-09",
    ),
    Case(
        "E411",
        '      start: 2021-09-04\n      precision: day\n      derived: true  # "On Saturday"',
        '      start: 2021-09-05\n      precision: day\n      derived: true  # "On Saturday"',
        '["On Saturday"]',
        offset=1,
    ),
    Case("E425", "start: 2020-01-05", "start: 2020-01-06", "2020-01-06"),
    Case(
        "E214",
        "  licence: unknown",
        "  licence: cc_by_4_0\n  origin: original",
        "original",
    ),
    Case(
        "E426",
        "  licence: unknown",
        '  licence: unknown\n  origin: original\n  rights_holder: "A. Contributor"',
        "unknown",
    ),
    Case(
        "E427",
        "    summary: The incident took place near the Kalsu Bridge on Monday.\n",
        "    value: 1\n    summary: The incident took place near the Kalsu Bridge on Monday.\n",
        "1\n    summary: The incident",
    ),
    Case(
        "E428",
        '        evidence: ["Baghdad"]\n    certainty: reported',
        '        evidence: ["Baghdad"]\n    certainty: disputed',
        "disputed",
    ),
    Case(
        "E412",
        "latitude: 32.4833\n    longitude: 44.4333",
        "latitude: 44.4333\n    longitude: 32.4833",
        "44.4333\n",
        file="data/places.yaml",
    ),
    Case(
        "E413",
        "      low: 2  # two named people killed; the text gives no total\n",
        "      low: 2  # two named people killed; the text gives no total\n      high: 1\n",
        "1\n      derived",
    ),
    Case(
        "E414",
        "parent: popular-mobilization-units",
        "parent: popular-mobilisation-units",
        "popular-mobilisation-units",
        file="data/actors.yaml",
    ),
    Case(
        "E415",
        '      derived: true  # "so far": as of the report\'s publication\n      evidence: ["so far"]\n',
        '      derived: true  # "so far": as of the report\'s publication\n',
        'true  # "so far"',
    ),
    Case(
        "E416",
        "via: [shafaq-news]",
        "via: [unnamed-security-source]",
        "unnamed-security-source]",
    ),
    # Layer 4, meaning: warnings (the form is valid, the evidence does not fit).
    Case(
        "W601",
        '        evidence: ["a convoy carrying logistical equipment belonging to the US occupation forces"]',
        '        evidence: ["near the Kalsu Bridge"]',
        '"near the Kalsu Bridge"',
        nth=2,
    ),
    Case(
        "W602",
        "  - id: c-000-e3ff-ashab-al-kahf-video\n    claimant: ashab-al-kahf",
        "  - id: c-000-e3ff-ashab-al-kahf-video\n    claimant: popular-mobilization-units",
        "popular-mobilization-units",
        nth=2,
    ),
    Case(
        "W603",
        "    kind: no_claim\n",
        "    kind: responsibility\n",
        "kind: responsibility",
        offset=6,
    ),
    Case(
        "W604",
        "      low: 2  # two named people killed; the text gives no total\n      derived: true",
        "      low: 5  # two named people killed; the text gives no total",
        "5  # two named",
    ),
    Case(
        "W605",
        "    type: ASSAULT\n    mode: explosives",
        "    type: PROTEST\n    mode: demo",
        "PROTEST",
    ),
    Case(
        "W606",
        '      evidence: ["near the Kalsu Bridge", ',
        '      evidence: ["without elaborating", ',
        '"without elaborating"',
    ),
    Case(
        "W607",
        "    kind: no_claim\n",
        '    kind: no_claim\n    accept: {W603: "it was stale"}\n',
        '"it was stale"',
    ),
]


def _position(text: str, needle: str, nth: int, offset: int) -> tuple[int, int]:
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _codes(problems: list[Problem]) -> list[str]:
    return sorted({p.code for p in problems})


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_each_defect_is_reported_with_its_code_and_place(
    case: Case, repo: Path, edit: Callable[[Path, str, str], None]
) -> None:
    path = repo / case.file
    edit(path, case.old, case.new)
    result = validate_repository(repo)
    line, column = _position(path.read_text(encoding="utf-8"), case.at, case.nth, case.offset)
    assert _codes(result.problems) == [case.code], result.problems
    found = [(p.file, p.line, p.column) for p in result.problems]
    assert (case.file, line, column) in found, result.problems
    # Warnings show but do not fail validation (CI fails on them with --strict).
    assert result.ok is (case.code in WARNING_CODES)


def _write(path: Path, raw: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)


BYTE_CASES: dict[str, tuple[Callable[[bytes], bytes], tuple[int, int]]] = {
    "E101": (lambda raw: raw + b"#" * (2 * 1024 * 1024), (1, 1)),
    "E102": (lambda raw: raw.replace(b"format: 1", b"format: 1 # \xff"), (5, 13)),
    "E103": (lambda raw: b"\xef\xbb\xbf" + raw, (1, 1)),
    "E104": (lambda raw: raw.replace(b"format: 1", b"format: 1\x00"), (5, 10)),
    "E113": (lambda raw: b"", (1, 1)),
}


@pytest.mark.parametrize("code", sorted(BYTE_CASES))
def test_byte_level_defects(code: str, seed_annotation: Path, repo: Path) -> None:
    change, where = BYTE_CASES[code]
    assert seed_annotation.read_bytes().split(b"\n")[4] == b"format: 1"
    _write(seed_annotation, change(seed_annotation.read_bytes()))
    result = validate_repository(repo)
    assert _codes(result.problems) == [code]
    assert (result.problems[0].line, result.problems[0].column) == where


def test_e111_symlink_is_refused(seed_annotation: Path, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(seed_annotation.read_bytes())
    seed_annotation.unlink()
    seed_annotation.symlink_to(outside)
    result = validate_repository(repo)
    assert _codes(result.problems) == ["E111"]
    assert result.problems[0].file == ANNOTATION


def test_e405_annotation_without_seed(seed_annotation: Path, repo: Path) -> None:
    moved = seed_annotation.with_name("no_such_seed.yaml")
    text = seed_annotation.read_text(encoding="utf-8").replace(SEED_ID, "no_such_seed")
    moved.write_text(text, encoding="utf-8")
    seed_annotation.unlink()
    result = validate_repository(repo)
    assert _codes(result.problems) == ["E405"]
    problem = result.problems[0]
    line, column = _position(text, '"no_such_seed"', 1, 0)
    assert (problem.file, problem.line, problem.column) == (
        "data/annotations/no_such_seed.yaml",
        line,
        column,
    )


def test_e417_yaml_outside_the_annotation_folder(repo: Path) -> None:
    stray = repo / "data" / "notes.yaml"
    stray.write_text("format: 1\n", encoding="utf-8")
    result = validate_repository(repo, [stray])
    assert _codes(result.problems) == ["E417"]
    assert result.problems[0].file == "data/notes.yaml"


SYNTHETIC_TEXT = (
    " date 2021-09-07 Synthetic test document\n\nThe café by the bridge was hit on Monday.\n"
)


def _synthetic_document(repo: Path, body: str) -> Path:
    """A generated, test-only document (never part of the dataset) and its annotation."""
    from eventset.inputs.seeds import sha256_of

    seed = repo / "seeds" / "synthetic_test_0001.txt"
    seed.write_text(SYNTHETIC_TEXT, encoding="utf-8", newline="")
    header = (
        "format: 1\n"
        "document:\n"
        '  id: "synthetic_test_0001"\n'
        f'  sha256: "{sha256_of(seed.read_bytes())}"\n'
        "  published: 2021-09-07\n"
        '  title: "Synthetic test document"\n'
        '  language: "en"\n'
        "  licence: cc0_1_0\n"
    )
    path = repo / "data" / "annotations" / "synthetic_test_0001.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_e306_quote_in_another_normal_form(repo: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "café")
    path = _synthetic_document(
        repo, f'places:\n  - place: kalsu-bridge\n    mentions: ["{decomposed}"]\n'
    )
    result = validate_repository(repo)
    assert _codes(result.problems) == ["E306"]
    assert result.problems[0].file == "data/annotations/synthetic_test_0001.yaml"
    assert (result.problems[0].line, result.problems[0].column) == (11, 16)
    assert path.exists()


def test_e501_shared_event_with_conflicting_date(repo: Path) -> None:
    body = (
        "events:\n"
        "  - id: iq-2021-09-06-kalsu-bridge-convoy-bombing\n"
        "    type: ASSAULT\n"
        "    mode: explosives\n"
        "    date:\n"
        "      start: 2021-09-05\n"
        "      precision: day\n"
        '      evidence: ["was hit"]\n'
        "    place: {id: kalsu-bridge, precision: near}\n"
        "    participants:\n"
        "      - actor: us-armed-forces\n"
        "        role: target\n"
        "    certainty: reported\n"
        "    summary: Synthetic report of the same event with another date.\n"
        '    evidence: ["The café by the bridge was hit on Monday."]\n'
    )
    _synthetic_document(repo, body)
    result = validate_repository(repo)
    assert _codes(result.problems) == ["E501"]
    conflict = result.problems[0]
    assert conflict.file == "data/annotations/synthetic_test_0001.yaml"
    assert (conflict.line, conflict.column) == (14, 7)
    assert "2021-09-06" in conflict.message


def test_every_code_has_a_test() -> None:
    tested = (
        {case.code for case in CASES}
        | set(BYTE_CASES)
        | {"E111", "E405", "E417", "E306", "E501"}
        # tests/security/test_limits.py: invisible characters in files and quotes
        | {"E114", "E307"}
        # tests/validation/test_hierarchy_codes.py: the registries' hierarchy
        | {"E418", "E419", "E420", "E421"}
        # tests/imports/test_json_records.py: PLOVER records files
        | {"E211", "E212", "E213"}
        # tests/agreement/: adjudication choices and misplaced codings
        | {"E701", "E702"}
    )
    assert tested == set(CODES)


def test_a_bad_url_is_not_called_an_id(repo: Path, edit: Callable[[Path, str, str], None]) -> None:
    edit(repo / ANNOTATION, "  url: null", '  url: "www.example.org/news"')
    (found,) = validate_repository(repo).problems
    assert (found.code, found.name) == ("E210", "bad-url")
    assert "https://" in found.hint and "http://" in found.hint
    assert "Ids use" not in found.hint
    assert "'www.example.org/news'" in found.message
