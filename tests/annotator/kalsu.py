"""The seed's Kalsu Bridge bombing annotated in the browser by clicks and keys only, from an
empty annotation: its mentions, the event (type, mode, date, place, participants, evidence) and
the no-claim claim. Every key and click goes through `Counted`, so the browser test and the
effort benchmark (benchmarks/annotate_effort.py) replay the same gestures and count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVENT_ID = "iq-2021-09-06-kalsu-bridge-convoy-bombing"
CLAIM_ID = "c-000-e3ff-no-claim-of-responsibility"
EVENT_SUMMARY = (
    "A roadside bomb targeted a convoy carrying logistical equipment of US forces near the "
    "Kalsu Bridge in Babil Province, Iraq."
)
CLAIM_SUMMARY = "No group has claimed responsibility for the attack so far."
# (registry kind, id, words) of the name mentions annotated here; the gold has each of them.
MENTIONS = [
    ("place", "kalsu-bridge", "Kalsu Bridge"),
    ("place", "babil-governorate", "Babil Province"),
    ("actor", "us-armed-forces", "US occupation forces"),
    ("actor", "unidentified-outlet", "Staff, Agencies"),
]


@dataclass
class Counted:
    """A Playwright page whose keys and clicks are counted: a typed character is a key, a
    chord (Shift+ArrowRight) is one key, a click or a mouse selection is one click."""

    page: Any
    keys: int = 0
    clicks: int = 0
    log: list[str] = field(default_factory=list)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
        self.keys += times
        self.log.append(f"{key} x{times}")

    def type(self, words: str) -> None:
        """Each character counts as a key. Into a drop-down the keys are pressed one by one (its
        type-ahead needs the key events); into a text box the text arrives as one input."""
        if self.page.evaluate("() => document.activeElement.tagName") == "SELECT":
            self.page.keyboard.type(words)
        else:
            self.page.keyboard.insert_text(words)
        self.keys += len(words)
        self.log.append(f"type {words!r}")

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1
        self.log.append(f"click {selector}")

    def find(self, words: str) -> None:
        """`/`, the first words of the span, Enter: the words are selected."""
        self.press("/")
        self.type(words)
        self.press("Enter")

    def replace_field(self, words: str) -> None:
        self.press("Control+A")
        self.type(words)

    def written(self, status: str) -> None:
        """Wait until the page says what it did (the server answered and the page redrew)."""
        self.page.wait_for_function(
            "s => document.getElementById('status').textContent.includes(s)", arg=status
        )
        self.page.wait_for_selector("#form-pane", state="hidden")
        # The next wait must see the next message, not this one.
        self.page.evaluate("() => { document.getElementById('status').textContent = ''; }")


def click_proposal(counted: Counted, words: str) -> None:
    mark = counted.page.locator("#doc-text mark.proposal", has_text=words).first
    mark.click()
    counted.clicks += 1
    counted.log.append(f"click proposal {words!r}")


def annotate_kalsu(counted: Counted) -> None:
    """The whole annotation, as an annotator at the keyboard would do it."""
    page = counted.page
    page.wait_for_selector("#doc-text mark")
    counted.press("t")
    # Mentions: two proposals accepted, two names linked by search.
    for _, _, words in MENTIONS[:2]:
        click_proposal(counted, words)
        counted.press("a")
        counted.written("Accepted")
    counted.find("US occupation forces")
    counted.press("m")
    counted.replace_field("US armed")  # tab to the search box, which the place/actor guess filled
    counted.press("Enter")
    counted.written("Linked")
    counted.find("Staff, Agencies")
    counted.press("m")
    counted.replace_field("unidentified-o")
    counted.press("Enter")
    counted.written("Linked")

    # The event: its words, then the form (type, mode, certainty and date are proposed).
    counted.find("A roadside bomb")
    counted.press("Shift+ArrowRight", 7)
    counted.press("e")
    counted.press("Tab")  # type ASSAULT is proposed
    counted.type("ex")  # mode: explosives
    counted.press("Tab", 7)  # certainty (reported), the date proposed from "on Monday"
    counted.type("unidentified-iq")
    counted.press("Tab", 2)  # role: perpetrator is proposed
    counted.replace_field(EVENT_SUMMARY)
    counted.press("Tab")
    counted.replace_field(EVENT_ID)
    counted.press("Enter")
    page.wait_for_selector(f'button.item[data-id="{EVENT_ID}"][aria-pressed="true"]')

    counted.find("The incident took place")  # the date's own evidence
    counted.press("Shift+ArrowRight", 6)
    counted.press("d")
    counted.press("Enter")
    counted.written("Current event")
    counted.find("The incident took place")  # the whole sentence reports the event
    counted.press("Shift+End")
    counted.press("v")
    counted.written("as evidence")
    counted.find("near the Kalsu")
    counted.press("Shift+ArrowRight")
    counted.press("p")  # kalsu-bridge is named in the words, "near" read from them
    counted.press("Enter")
    counted.written("Current event")
    counted.find("Iraq\u2019s central")
    counted.press("Shift+ArrowRight", 2)
    counted.press("p")  # the event's place is proposed again
    counted.press("Enter")
    counted.written("Current event")
    counted.find("No group has so far")
    counted.press("Shift+ArrowRight", 5)
    counted.press("r")
    counted.type("unidentified-iq")
    counted.press("Enter")  # role perpetrator is proposed
    counted.written("Current event")
    counted.find("a convoy carrying")
    counted.press("Shift+ArrowRight", 8)
    counted.press("r")
    counted.replace_field("US armed")
    counted.press("Tab")
    counted.type("ta")  # role: target
    counted.press("Enter")
    counted.written("Current event")

    # The no-claim claim, dated by "so far" as of publication.
    counted.find("No group has so far")
    counted.press("Shift+ArrowRight", 5)
    counted.press("c")
    counted.type("no")  # kind: no_claim
    counted.press("Tab")
    counted.type("unidentified-o")
    counted.press("Tab", 7)  # about the current event; asserted, explicit
    counted.replace_field(CLAIM_SUMMARY)
    counted.press("Tab")
    counted.replace_field(CLAIM_ID)
    counted.press("Enter")
    page.wait_for_selector(f'button.item[data-id="{CLAIM_ID}"][aria-pressed="true"]')
    counted.find("so far")
    counted.press("d")  # the publication date, derived, is proposed
    counted.press("Enter")
    counted.written("Current claim")
