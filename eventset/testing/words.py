"""Word lists the synthetic corpora are written from.

Small, fixed lists keep shrunk counterexamples readable: a failing case reads like a short
made-up news item, not like random code points. Every list deliberately carries the text
features that break naive code: curly quotes, Arabic script, combining marks (texts hold both
precomposed and decomposed forms), emoji (including ZWJ sequences and flags) and repeats.
"""

from __future__ import annotations

# (slug, canonical name, aliases): names appear in texts, so annotations can quote them.
ACTOR_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("river-brigade", "River Brigade", ("the Brigade",)),
    ("harbour-police", "Harbour Police", ()),
    ("al-nahr-front", "Jabhat al-Nahr", ("جبهة النهر",)),
    ("north-council", "North Council", ("the Council",)),
    ("cafe-collective", "Café Collective", ("Cafe\u0301 Collective",)),
    ("unnamed-source", "a security source", ()),
    ("valley-news", "Valley News", ("VN 📰",)),
    ("ministry-of-water", "وزارة المياه", ("Ministry of Water",)),
)

# (slug, canonical name, aliases)
PLACE_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("old-bridge", "Old Bridge", ("the bridge",)),
    ("zurich-square", "Zu\u0308rich Square", ("Zürich Square",)),
    ("al-souq", "السوق", ("the market",)),
    ("east-road", "East Road", ()),
    ("harbour", "the Harbour", ("Harbour",)),
)

# Places are put in countries whose bounding boxes are in the vocabulary, so coordinates can
# be drawn inside them.
COUNTRIES: tuple[str, ...] = ("IQ", "SY", "LB", "FR", "BR", "JP")

VERBS: tuple[str, ...] = (
    "attacked",
    "met",
    "said it saw",
    "denied hitting",
    "blamed",
    "announced",
    "protested against",
)

OBJECTS: tuple[str, ...] = (
    "a convoy carrying “medical supplies”",
    "the \u2018Karbala\u2019 checkpoint",
    "a café by the river",
    "a cafe\u0301 by the river",
    "the office in حي الجامعة",
    "a truck 🚚 on the highway",
    "crowds waving flags 🇮🇶",
    "a medic 👩🏽‍⚕️ at the clinic",
    "the Qa\u0304sim family",
    "reporters \u2018without elaborating\u2019",
)

# Phrases that every text repeats, so annotations need `occurrence`, `prefix` or `suffix`.
REFRAINS: tuple[str, ...] = ("the convoy", "reports said", "the delegation", "قالت المصادر")

# Every text opens with one of these: each differs between NFC and NFD, so a quote copied in
# the other normal form is findable only after normalisation (E306).
MARKED: tuple[str, ...] = ("Café Nūr", "Cafe\u0301 Nu\u0304r", "Zürich", "Zu\u0308rich", "Ḥilla")

TITLE_WORDS: tuple[str, ...] = (
    "Convoy",
    "Talks",
    "Bridge",
    "Market",
    "Statement",
    "“Truce”",
    "هدنة",
    "🚒",
)

SUMMARIES: tuple[str, ...] = (
    "A synthetic event happened.",
    "Something was reported  near the bridge.",  # two spaces: summaries are whitespace-normalised
    "A group said “it was not us”.",
    "حدث مصطنع",
    "A medic 👩🏽‍⚕️ was seen.",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

LANGUAGES: tuple[str, ...] = (
    "en",
    "ar",
    "fr",
    "no",
)  # "no" is YAML 1.1's false: it must stay a string

# Words a claim of each kind is made with, as a sentence "<claimant> <cue> <object>." writes
# them: every required kind's cue words (evidence_cues.yaml) are among them, so generated
# claims fit their kind (warning W603 never fires on a generated corpus). `{n}` is a number.
CLAIM_CUES: dict[str, tuple[str, ...]] = {
    "responsibility": ("claimed responsibility for", "claimed"),
    "denial": ("denied attacking", "denied any role in"),
    "accusation": ("accused", "blamed"),
    "announcement": ("announced", "declared"),
    "threat": ("threatened", "warned of attacks on"),
    "no_claim": ("did not claim", "has not claimed"),
    "casualty_figure": ("said {n} people were killed near", "counted {n} dead at"),
    "statement": ("said it saw",),
    "report": ("reported",),
}

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spelled(number: int) -> str:
    """A number below 100 in English words ("twenty-five"); larger ones in digits."""
    if number < 20:
        return _UNITS[number]
    if number < 100:
        tens, unit = divmod(number, 10)
        return _TENS[tens - 2] + (f"-{_UNITS[unit]}" if unit else "")
    return str(number)
