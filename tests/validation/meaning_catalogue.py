"""A catalogue of wrong-meaning edits: annotations whose every quote is found and every id
resolves, but whose evidence no longer says what the fact says (issue 23).

Each edit changes the gold annotation of the seed, or of a small synthetic document written
for the claim kinds and figures the seed lacks, in one way a careless or mistaken annotator
might. `test_meaning_catalogue.py` asserts that the meaning checks flag at least 90% of them
and lists the ones they miss; `expected` is the code a reviewer would want to see.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    description: str
    old: str
    new: str
    expected: str  # the warning code that should flag it
    synthetic: bool = False  # an edit of SYNTHETIC_ANNOTATION, not of the seed's gold


SYNTHETIC_ID = "synthetic_meaning_0001"
# A made-up report: one bombing, a claim, a denial, an accusation, a threat and two figures.
SYNTHETIC_TEXT = (
    " date 2021-09-07 SYNTHETIC Bridge Bombing\n"
    "\n"
    "Daesh claimed responsibility for the bombing near the Kalsu Bridge, which killed four "
    "soldiers of the Iraqi military. Ashab al-Kahf denied any involvement in the attack. "
    "The Popular Mobilization Units blamed Daesh for the blast. Ashab al-Kahf warned of "
    "further attacks on US forces.\n"
    "\n"
    "A security source said at least six people were wounded in Babil Province.\n"
)

SYNTHETIC_ANNOTATION = """format: 1
document:
  id: "synthetic_meaning_0001"
  sha256: "{sha256}"
  published: 2021-09-07
  title: "SYNTHETIC Bridge Bombing"
  language: "en"
  licence: cc0_1_0
  origin: synthetic
  rights_holder: "eventset tests"
actors:
  - actor: islamic-state
    mentions:
      - quote: "Daesh"
        occurrence: 1
      - quote: "Daesh"
        occurrence: 2
  - actor: ashab-al-kahf
    mentions:
      - quote: "Ashab al-Kahf"
        occurrence: 1
      - quote: "Ashab al-Kahf"
        occurrence: 2
  - actor: popular-mobilization-units
    mentions: ["The Popular Mobilization Units"]
  - actor: iraqi-armed-forces
    mentions: ["the Iraqi military"]
  - actor: us-armed-forces
    mentions: ["US forces"]
  - actor: unnamed-security-source
    mentions: ["A security source"]
places:
  - place: kalsu-bridge
    mentions: ["Kalsu Bridge"]
  - place: babil-governorate
    mentions: ["Babil Province"]
events:
  - id: synthetic-meaning-kalsu-bombing
    type: ASSAULT
    mode: explosives
    date:
      start: 2021-09-06
      precision: day
    place:
      id: kalsu-bridge
      precision: near
      evidence: ["near the Kalsu Bridge"]
    participants:
      - actor: islamic-state
        role: perpetrator
        evidence: ["Daesh claimed responsibility for the bombing"]
      - actor: iraqi-armed-forces
        role: victim
        evidence: ["soldiers of the Iraqi military"]
    fatalities:
      best: 4
      evidence: ["which killed four soldiers"]
    certainty: reported
    summary: A bombing near the Kalsu Bridge killed four soldiers.
    evidence: ["the bombing near the Kalsu Bridge"]
claims:
  - id: synthetic-meaning-daesh-claim
    claimant: islamic-state
    kind: responsibility
    about: {event: synthetic-meaning-kalsu-bombing}
    summary: Daesh carried out the bombing.
    evidence: ["Daesh claimed responsibility for the bombing"]
  - id: synthetic-meaning-kahf-denial
    claimant: ashab-al-kahf
    kind: denial
    about: {event: synthetic-meaning-kalsu-bombing}
    summary: Ashab al-Kahf was not involved.
    evidence: ["denied any involvement in the attack"]
  - id: synthetic-meaning-pmu-blame
    claimant: popular-mobilization-units
    kind: accusation
    about: {event: synthetic-meaning-kalsu-bombing, actor: islamic-state}
    summary: Daesh was behind the blast.
    evidence: ["blamed Daesh for the blast"]
  - id: synthetic-meaning-kahf-threat
    claimant: ashab-al-kahf
    kind: threat
    about: {actor: us-armed-forces}
    summary: More attacks on US forces will follow.
    evidence: ["warned of further attacks on US forces"]
  - id: synthetic-meaning-wounded
    claimant: unnamed-security-source
    kind: casualty_figure
    value: 6
    about: {event: synthetic-meaning-kalsu-bombing}
    summary: At least six people were wounded.
    evidence: ["A security source said at least six people were wounded"]
"""

EDITS: tuple[Edit, ...] = (
    # Claim kinds on the seed.
    Edit(
        "the no_claim ('No group has so far claimed responsibility') recoded as responsibility",
        "    kind: no_claim\n",
        "    kind: responsibility\n",
        "W603",
    ),
    Edit(
        "the no_claim recoded as a denial",
        "    kind: no_claim\n",
        "    kind: denial\n",
        "W603",
    ),
    Edit(
        "the no_claim recoded as an accusation",
        "    kind: no_claim\n",
        "    kind: accusation\n",
        "W603",
    ),
    Edit(
        "Ashab al-Kahf's announcement recoded as a denial",
        "    kind: announcement\n",
        "    kind: denial\n",
        "W603",
    ),
    Edit(
        "the announcement recoded as a threat",
        "    kind: announcement\n",
        "    kind: threat\n",
        "W603",
    ),
    Edit(
        "the announcement recoded as a responsibility claim",
        "    kind: announcement\n",
        "    kind: responsibility\n",
        "W603",
    ),
    Edit(
        "the security source's statement recoded as a responsibility claim",
        "    via: [shafaq-news]\n    kind: statement\n",
        "    via: [shafaq-news]\n    kind: responsibility\n",
        "W603",
    ),
    Edit(
        "the security source's statement recoded as a casualty figure (no number)",
        "    via: [shafaq-news]\n    kind: statement\n",
        "    via: [shafaq-news]\n    kind: casualty_figure\n",
        "W603",
    ),
    Edit(
        "the statement of Ashab al-Kahf's past claims recoded as a responsibility claim",
        "    kind: statement\n    about: {actor: ashab-al-kahf}\n",
        "    kind: responsibility\n    about: {actor: ashab-al-kahf}\n",
        "W603",
    ),
    Edit(
        "the outlet's 'dragging its feet' accusation recoded as a threat",
        "    kind: accusation\n    about: {actor: united-states}\n    summary: Washington has been dragging",
        "    kind: threat\n    about: {actor: united-states}\n    summary: Washington has been dragging",
        "W603",
    ),
    # Participants on the seed.
    Edit(
        "the target's evidence replaced by 'near the Kalsu Bridge'",
        '        evidence: ["a convoy carrying logistical equipment belonging to the US '
        'occupation forces"]',
        '        evidence: ["near the Kalsu Bridge"]',
        "W601",
    ),
    Edit(
        "the perpetrator of 'the US assassinated' changed to Iran",
        "      - actor: united-states\n        role: perpetrator",
        "      - actor: iran\n        role: perpetrator",
        "W601",
    ),
    Edit(
        "Soleimani's evidence replaced by al-Muhandis's name",
        '        evidence: ["Lieutenant General Qassem Soleimani"]',
        '        evidence: ["Abu Mahdi al-Muhandis"]',
        "W601",
    ),
    Edit(
        "Iraq's part in the agreement quoted as 'Washington'",
        '        evidence: ["Baghdad"]\n    certainty: reported',
        '        evidence:\n          - quote: "Washington"\n            suffix: " and Baghdad"\n'
        "    certainty: reported",
        "W601",
    ),
    Edit(
        "the recipient of the Karbala Operation announcement changed to Iraq",
        "      - actor: united-states\n        role: recipient",
        "      - actor: iraq\n        role: recipient",
        "W601",
    ),
    Edit(
        "the parliament's resolution initiated by the Iraqi military",
        "      - actor: iraq-parliament\n        role: initiator",
        "      - actor: iraqi-armed-forces\n        role: initiator",
        "W601",
    ),
    # Claimants on the seed.
    Edit(
        "the video released by Ashab al-Kahf attributed to the PMU",
        "  - id: c-000-e3ff-ashab-al-kahf-video\n    claimant: ashab-al-kahf",
        "  - id: c-000-e3ff-ashab-al-kahf-video\n    claimant: popular-mobilization-units",
        "W602",
    ),
    Edit(
        "the security source's statement attributed to the Iraqi military",
        "    claimant: unnamed-security-source",
        "    claimant: iraqi-armed-forces",
        "W602",
    ),
    Edit(
        "the implied link to Ashab al-Kahf (explicit: false) attributed to Daesh",
        "  - id: c-000-e3ff-implied-ashab-al-kahf-link\n    claimant: unidentified-outlet",
        "  - id: c-000-e3ff-implied-ashab-al-kahf-link\n    claimant: islamic-state",
        "W602",
    ),
    Edit(
        "the Karbala Operation announcement attributed to the United States",
        "    claimant: ashab-al-kahf\n    kind: announcement",
        "    claimant: united-states\n    kind: announcement",
        "W602",
    ),
    # Figures on the seed.
    Edit(
        "fatalities {low: 4} on the bombing, whose evidence holds no figure",
        "    fatalities: null  # the text reports no casualties either way",
        '    fatalities:\n      low: 4\n      evidence: ["A roadside bomb has targeted a convoy"]',
        "W604",
    ),
    Edit(
        "the two named dead counted as five, not marked derived",
        "      low: 2  # two named people killed; the text gives no total\n      derived: true",
        "      low: 5",
        "W604",
    ),
    # Event types on the seed.
    Edit(
        "the roadside bombing recoded as PROTEST/demo",
        "    type: ASSAULT\n    mode: explosives",
        "    type: PROTEST\n    mode: demo",
        "W605",
    ),
    Edit(
        "the roadside bombing recoded as CONSULT",
        "    type: ASSAULT\n    mode: explosives",
        "    type: CONSULT\n    mode: null",
        "W605",
    ),
    Edit(
        "the killing of Soleimani recoded as SUPPORT",
        "    type: ASSAULT\n    mode: targeted",
        "    type: SUPPORT\n    mode: null",
        "W605",
    ),
    Edit(
        "the troop withdrawal agreement recoded as ASSAULT",
        "    type: AGREE\n",
        "    type: ASSAULT\n",
        "W605",
    ),
    Edit(
        "the parliament's resolution recoded as SANCTION",
        "    type: REQUEST\n    mode: change",
        "    type: SANCTION\n    mode: null",
        "W605",
    ),
    Edit(
        "the Karbala Operation announcement recoded as CONSULT",
        "    type: THREATEN\n    mode: violence",
        "    type: CONSULT\n    mode: null",
        "W605",
    ),
    # Places on the seed.
    Edit(
        "place evidence that names no place",
        '      evidence: ["near the Kalsu Bridge", "Iraq\u2019s central Babil Province"]',
        '      evidence: ["without elaborating", "Iraq\u2019s central Babil Province"]',
        "W606",
    ),
    Edit(
        "place evidence quoting the date instead of the place",
        '      evidence: ["near the Kalsu Bridge", "Iraq\u2019s central Babil Province"]',
        '      evidence: ["on Monday, reports said", "Iraq\u2019s central Babil Province"]',
        "W606",
    ),
    # The synthetic document: responsibility, denial, accusation, threat and figures.
    Edit(
        "a responsibility claim recoded as a denial",
        "    kind: responsibility\n",
        "    kind: denial\n",
        "W603",
        synthetic=True,
    ),
    Edit(
        "a denial recoded as a responsibility claim",
        "    kind: denial\n",
        "    kind: responsibility\n",
        "W603",
        synthetic=True,
    ),
    Edit(
        "a denial recoded as a no_claim",
        "    kind: denial\n",
        "    kind: no_claim\n",
        "W603",
        synthetic=True,
    ),
    Edit(
        "a threat recoded as an announcement",
        "    kind: threat\n",
        "    kind: announcement\n",
        "W603",
        synthetic=True,
    ),
    Edit(
        "an accusation recoded as a denial",
        "    kind: accusation\n",
        "    kind: denial\n",
        "W603",
        synthetic=True,
    ),
    Edit(
        "fatalities best 5 where the quote says 'four'",
        "      best: 4\n",
        "      best: 5\n",
        "W604",
        synthetic=True,
    ),
    Edit(
        "a casualty figure of 7 where the quote says 'at least six'",
        "    value: 6\n",
        "    value: 7\n",
        "W604",
        synthetic=True,
    ),
    Edit(
        "the perpetrator changed from Daesh to Ashab al-Kahf",
        "      - actor: islamic-state\n        role: perpetrator",
        "      - actor: ashab-al-kahf\n        role: perpetrator",
        "W601",
        synthetic=True,
    ),
    Edit(
        "the denial attributed to Daesh",
        "    claimant: ashab-al-kahf\n    kind: denial",
        "    claimant: islamic-state\n    kind: denial",
        "W602",
        synthetic=True,
    ),
    Edit(
        "the bombing recoded as AGREE",
        "    type: ASSAULT\n    mode: explosives",
        "    type: AGREE\n    mode: null",
        "W605",
        synthetic=True,
    ),
    Edit(
        "the bombing's place evidence replaced by 'the attack'",
        '      evidence: ["near the Kalsu Bridge"]',
        '      evidence: ["in the attack"]',
        "W606",
        synthetic=True,
    ),
)
