"""CONTRIBUTING.md: its links, commands and codes are real, and its steps work for a new document.

The walkthrough adds a SYNTHETIC, test-only document (never part of the dataset) to a temporary
git repository exactly as the guide says: seed with a header line, `eventset new`, registry
entries, annotation, `eventset validate --changed`.
"""

from __future__ import annotations

import re
from pathlib import Path

from eventset.cli import app
from eventset.problems import CODES
from eventset.schema.vocab import vocabulary
from tests.workflow.helpers import ANNOTATION, REPO, eventset, inputs_repo, replace_once

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
DOC_ID = "001_synthetic-walkthrough"
SEED_TEXT = (
    "date 2021-09-10 Rocket hits near Baghdad airport, no casualties reported\n\n"
    "By Synthetic Desk\n\n"
    "SYNTHETIC TEST DOCUMENT, not a real source. A rocket landed near Baghdad International "
    "Airport on Thursday, a police official said, adding that no one was hurt.\n\n"
    "No group has claimed responsibility for the attack. The Popular Mobilization Units "
    "condemned what they called a \u201ccowardly act\u201d.\n"
)
NEW_ACTOR = """  - id: unnamed-police-official
    name: Unnamed police official
    kind: anonymous_source
    country: IQ

"""
NEW_PLACE = """
  - id: baghdad-international-airport
    name: Baghdad International Airport
    kind: infrastructure
    country: IQ
    parent: iraq
"""
BODY = """actors:
  - actor: unidentified-outlet
    mentions: ["Synthetic Desk"]
  - actor: unnamed-police-official
    mentions: ["a police official"]
  - actor: popular-mobilization-units
    mentions: ["The Popular Mobilization Units"]
places:
  - place: baghdad-international-airport
    mentions: ["Baghdad International Airport"]
events:
  - id: iq-2021-09-09-baghdad-airport-rocket
    type: ASSAULT
    mode: heavy_weapons
    date:
      start: 2021-09-09
      precision: day
      derived: true  # "on Thursday" in a report published on Friday 2021-09-10
      evidence: ["on Thursday"]
    place:
      id: baghdad-international-airport
      precision: near
      evidence: ["near Baghdad International Airport"]
    participants:
      - actor: unidentified-iq
        role: perpetrator
        evidence: ["No group has claimed responsibility for the attack"]
    fatalities:
      low: 0
      best: 0
      high: 0
      evidence: ["no one was hurt"]
    certainty: reported
    summary: A rocket landed near Baghdad International Airport.
    evidence: ["A rocket landed near Baghdad International Airport on Thursday"]
  - id: iq-2021-09-pmu-condemns-airport-rocket
    type: ACCUSE
    date:
      start: 2021-09-09
      end: 2021-09-10
      precision: interval
      derived: true
      evidence: ["condemned"]
    participants:
      - actor: popular-mobilization-units
        role: initiator
        evidence: ["The Popular Mobilization Units condemned"]
      - actor: unidentified-iq
        role: recipient
    certainty: reported
    summary: The Popular Mobilization Units condemned the rocket attack.
    evidence: ["The Popular Mobilization Units condemned what they called a \u201ccowardly act\u201d"]
claims:
  - id: c-001-synthetic-police-no-one-hurt
    claimant: unnamed-police-official
    kind: statement
    about: {event: iq-2021-09-09-baghdad-airport-rocket}
    summary: A rocket landed near Baghdad airport on Thursday and no one was hurt.
    evidence: ["A rocket landed near Baghdad International Airport on Thursday, a police official said, adding that no one was hurt."]
  - id: c-001-synthetic-no-claim
    claimant: unidentified-outlet
    kind: no_claim
    about: {event: iq-2021-09-09-baghdad-airport-rocket}
    summary: No group has claimed responsibility for the attack.
    evidence: ["No group has claimed responsibility for the attack."]
  - id: c-001-synthetic-pmu-cowardly-act
    claimant: popular-mobilization-units
    kind: accusation
    about: {event: iq-2021-09-09-baghdad-airport-rocket}
    summary: The attack was a cowardly act.
    evidence: ["what they called a \u201ccowardly act\u201d"]
"""


def test_a_new_document_added_by_following_the_guide_validates(tmp_path: Path) -> None:
    root = inputs_repo(tmp_path / "repo")
    (root / "seeds" / f"{DOC_ID}.txt").write_text(SEED_TEXT, encoding="utf-8")
    made = eventset(root, "new", f"seeds/{DOC_ID}.txt")
    assert made.returncode == 0, made.stderr
    annotation = root / "data" / "annotations" / f"{DOC_ID}.yaml"
    starter = eventset(root, "validate", "--changed")
    assert starter.returncode == 0, starter.stdout  # the starter alone is valid

    text = annotation.read_text(encoding="utf-8")
    # The proposal names the registry's actors and gives the date of "on Thursday".
    assert (
        "  - actor: popular-mobilization-units\n    mentions:\n      - Popular Mobilization Units"
        in text
    )
    assert (
        "#     date: {start: 2021-09-09, precision: day, derived: true, evidence: [on Thursday]}"
        in text
    )
    replace_once(annotation, "licence: unknown", "licence: cc0_1_0")
    replace_once(annotation, "origin: published", "origin: synthetic")
    text = annotation.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^# Proposed from the registries.*", BODY, text)
    annotation.write_text(text, encoding="utf-8")
    replace_once(
        root / "data" / "actors.yaml",
        "  - id: unattributed-reports\n",
        NEW_ACTOR + "  - id: unattributed-reports\n",
    )
    places = root / "data" / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + NEW_PLACE, encoding="utf-8")
    done = eventset(root, "validate", "--changed")
    assert done.returncode == 0, done.stdout
    assert "All clear" in done.stdout

    # The guide's first example of a mistake: a quote that is not in the text, located.
    replace_once(annotation, '["a police official"]', '["a police officer"]')
    bad = eventset(root, "validate", "--changed")
    assert bad.returncode == 1
    assert "error[E301] quote-not-found" in bad.stdout
    assert f"--> data/annotations/{DOC_ID}.yaml:" in bad.stdout


def test_relative_links_point_at_files() -> None:
    for target in re.findall(r"\]\(([^)#:]+)\)", GUIDE):
        assert (REPO / target).exists(), target


def test_commands_and_codes_it_names_exist() -> None:
    commands = {
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    }
    for name in re.findall(r"eventset (\w+)", GUIDE):
        if name not in {"validate", "new", "check"} and name not in commands:
            raise AssertionError(f"`eventset {name}` in CONTRIBUTING.md is not a command")
    for code in re.findall(r"`(E\d{3})`", GUIDE):
        assert code in CODES, code


def test_vocabulary_codes_in_the_examples_exist() -> None:
    for field, vocab in [
        ("type", "event_types"),
        ("role", "participant_roles"),
        ("kind", "claim_kinds"),
        ("licence", "licences"),
        ("precision", "date_precisions"),
    ]:
        for value in re.findall(rf"^\s*{field}: (\w+)", GUIDE, re.M):
            if field == "kind" and value in vocabulary("actor_kinds"):
                continue
            if field == "precision" and value in vocabulary("geo_precisions"):
                continue
            assert value in vocabulary(vocab), (field, value)


def test_the_sample_error_is_what_validate_prints(repo: Path) -> None:
    sample = re.search(r"```text\n(error\[E204\].*?)\n```", GUIDE, re.S)
    assert sample is not None
    replace_once(repo / ANNOTATION, "type: THREATEN", "type: THREATENS")
    done = eventset(repo, "validate")
    assert done.stdout.startswith(sample.group(1) + "\n"), done.stdout
