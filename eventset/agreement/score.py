"""Agreement over aligned codings: Krippendorff's alpha per field, span F1, match rates.

Each aligned unit (align.py) is one unit of the reliability data of each of its fields; each
coder is one column. A coder who coded the document but not the unit gives the value
`(not coded)` in the nominal fields, so a unit only one coder found counts as a disagreement
there; interval and ratio fields have no place for "not coded" on their scale, so such a unit
is missing there and shows in the `identified` rows and the match rates instead (both are
reported, docs/agreement.md). A coder who did not code the document is missing, as
Krippendorff's alpha allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from eventset.agreement.align import Alignment, Span
from eventset.agreement.alpha import (
    BOOTSTRAP_RESAMPLES,
    FieldAlpha,
    Level,
    Reliability,
    bootstrap,
    reliability,
    scored,
)

NOT_CODED = "(not coded)"
NONE = "(none)"  # a field left empty is a coding choice too ("the text gives no place")


@dataclass(frozen=True)
class FieldSpec:
    table: str
    name: str
    level: Level
    description: str


# The fields scored, with their level of measurement. Ids (actor, place, aligned event) and
# vocabulary codes are nominal; dates are day numbers (interval); counts and figures are ratio.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("events", "event_type", "nominal", "PLOVER event type"),
    FieldSpec("events", "mode", "nominal", "PLOVER mode"),
    FieldSpec("events", "date_start", "interval", "first possible day (day number)"),
    FieldSpec("events", "date_end", "interval", "last possible day (day number)"),
    FieldSpec("events", "date_precision", "nominal", "how precisely the text dates it"),
    FieldSpec("events", "place_id", "nominal", "registry place"),
    FieldSpec("events", "geo_precision", "nominal", "how closely the text locates it"),
    FieldSpec("events", "fatalities_low", "ratio", "lowest death toll"),
    FieldSpec("events", "fatalities_best", "ratio", "best death toll"),
    FieldSpec("events", "fatalities_high", "ratio", "highest death toll"),
    FieldSpec("events", "certainty", "nominal", "how firmly the text establishes it"),
    FieldSpec("event_actors", "role", "nominal", "role(s) of each actor in a matched event"),
    FieldSpec("claims", "claimant_id", "nominal", "registry actor making the claim"),
    FieldSpec("claims", "kind", "nominal", "claim kind"),
    FieldSpec("claims", "polarity", "nominal", "asserted or negated"),
    FieldSpec("claims", "modality", "nominal", "asserted, hedged or hypothetical"),
    FieldSpec("claims", "explicit", "nominal", "stated or implied"),
    FieldSpec("claims", "event_id", "nominal", "the (aligned) event it is about"),
    FieldSpec("claims", "about_actor_id", "nominal", "registry actor it is about"),
    FieldSpec("claims", "value", "ratio", "the figure of a casualty_figure claim"),
    FieldSpec("claims", "date_start", "interval", "when the claim was made (day number)"),
)


@dataclass(frozen=True)
class FieldScore:
    """A field's alpha over every aligned unit (a unit some coder did not code is a
    disagreement in a nominal field), and over the units every coder coded (`matched`): the
    second shows how well coders agree on a unit's values once they agree it exists."""

    spec: FieldSpec
    score: FieldAlpha
    matched: FieldAlpha


@dataclass(frozen=True)
class SpanScore:
    """Mention spans of each pair of coders of a document, summed over documents: F1 of exact
    matches and of overlapping spans (each span counted once however many facts it supports)."""

    pairs: int
    exact_f1: float | None
    overlap_f1: float | None


@dataclass(frozen=True)
class MatchRate:
    """Aligned units, and those that every coder of their document coded."""

    units: int
    matched: int

    @property
    def rate(self) -> float | None:
        return self.matched / self.units if self.units else None


@dataclass
class Agreement:
    coders: tuple[str, ...] = ()
    documents: int = 0  # documents with two or more valid codings (the ones scored)
    fields: list[FieldScore] = field(default_factory=list)
    mentions: SpanScore = SpanScore(0, None, None)
    events: MatchRate = MatchRate(0, 0)
    participants: MatchRate = MatchRate(0, 0)
    claims: MatchRate = MatchRate(0, 0)

    def field(self, table: str, name: str) -> FieldScore:
        return next(f for f in self.fields if (f.spec.table, f.spec.name) == (table, name))


class _Data:
    """Reliability data of one field being collected: the values of every unit, one column per
    coder, kept flat while units come in and made a matrix once (a list per unit cost more
    than the rest of the scoring at 10,000 documents). Nominal values are numbered by repr, so
    True and 1 stay apart."""

    def __init__(self, spec: FieldSpec, coders: dict[str, int]) -> None:
        self.spec, self.width = spec, len(coders)
        self.units = 0
        self.cells: list[int] = []  # unit * width + coder column
        self.values: list[Any] = []

    def add(self, values: list[tuple[int, Any]]) -> None:
        """One unit: (coder column, value) for each coder of its document."""
        base = self.units * self.width
        self.units += 1
        for at, value in values:
            self.cells.append(base + at)
            self.values.append(value)

    def matrix(self) -> npt.NDArray[np.float64]:
        flat = np.full(self.units * self.width, np.nan)
        if self.spec.level == "nominal":
            codes: dict[str, int] = {}
            numbers = [
                codes.setdefault(repr(NONE if v is None else v), len(codes)) for v in self.values
            ]
            flat[self.cells] = numbers
        else:
            flat[self.cells] = [
                math.nan if v is None or v is NOT_CODED else float(v) for v in self.values
            ]
        return flat.reshape(self.units, self.width)

    def reliability(self) -> Reliability:
        return reliability(self.spec.level, self.matrix())


def _scores(
    collected: dict[tuple[str, str], _Data], resamples: int
) -> dict[tuple[str, str], FieldAlpha]:
    """Each field's alpha and interval; the fields of one table share their units, so they are
    resampled together (alpha.bootstrap)."""
    out: dict[tuple[str, str], FieldAlpha] = {}
    for table in dict.fromkeys(s.table for s in FIELDS):
        keys = [(s.table, s.name) for s in FIELDS if s.table == table]
        found = [collected[key].reliability() for key in keys]
        intervals = bootstrap(found, resamples)
        for key, field_found, interval in zip(keys, found, intervals, strict=True):
            out[key] = scored(field_found, interval)
    return out


def _overlapping(a: frozenset[Span], b: frozenset[Span]) -> int:
    """Spans of `a` that overlap some span of `b`, by one sweep over both sorted."""
    starts = sorted(b)
    if not starts:
        return 0
    hits = 0
    ends_so_far: list[int] = []
    top = -1
    for _, end in starts:
        top = max(top, end)
        ends_so_far.append(top)
    firsts = np.array([s for s, _ in starts])
    for start, end in a:
        # spans of b starting before `end`: the furthest any of them reaches
        k = int(np.searchsorted(firsts, end, side="left"))
        if k and ends_so_far[k - 1] > start:
            hits += 1
    return hits


def span_scores(pairs: Sequence[tuple[frozenset[Span], frozenset[Span]]]) -> SpanScore:
    """Exact and overlap F1 of mention spans over pairs of codings (micro-averaged)."""
    exact = sizes = hit_a = hit_b = len_a = len_b = 0
    for a, b in pairs:
        exact += len(a & b)
        sizes += len(a) + len(b)
        hit_a += _overlapping(a, b)
        hit_b += _overlapping(b, a)
        len_a, len_b = len_a + len(a), len_b + len(b)
    if not sizes:
        return SpanScore(len(pairs), None, None)
    recall = hit_a / len_a if len_a else 0.0
    precision = hit_b / len_b if len_b else 0.0
    overlap = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SpanScore(len(pairs), 2 * exact / sizes, overlap)


def score(alignments: Sequence[Alignment], resamples: int = BOOTSTRAP_RESAMPLES) -> Agreement:
    """Agreement over the alignments of every document coded at least twice."""
    coded = [a for a in alignments if len(a.coders) >= 2]
    coders = tuple(sorted({c for a in coded for c in a.coders}))
    column = {c: i for i, c in enumerate(coders)}
    data = {(s.table, s.name): _Data(s, column) for s in FIELDS}
    matched = {(s.table, s.name): _Data(s, column) for s in FIELDS}

    def add(key: tuple[str, str], values: list[tuple[int, Any]], full: bool) -> None:
        data[key].add(values)
        if full:
            matched[key].add(values)

    specs = {t: [s.name for s in FIELDS if s.table == t] for t in ("events", "claims")}

    events, participants, claims = [0, 0], [0, 0], [0, 0]
    pairs: list[tuple[frozenset[Span], frozenset[Span]]] = []
    for alignment in coded:
        doc_coders = alignment.coders
        for table, groups, count in (
            ("events", alignment.events, events),
            ("claims", alignment.claims, claims),
        ):
            for group in groups:
                full = len(group) == len(doc_coders)
                count[0] += 1
                count[1] += full
                coded_by = [
                    (column[c], group[c].values if c in group else None) for c in doc_coders
                ]
                for name in specs[table]:
                    values = [
                        (at, NOT_CODED if found is None else found.get(name))
                        for at, found in coded_by
                    ]
                    add((table, name), values, full)
        for group, actors in zip(alignment.events, alignment.participants, strict=True):
            # Participants are compared within events all coders found: an event one coder
            # missed is already a disagreement of its own.
            if len(group) != len(doc_coders):
                continue
            for roles in actors.values():
                full = len(roles) == len(doc_coders)
                participants[0] += 1
                participants[1] += full
                shown = [
                    (column[c], "+".join(roles[c]) if c in roles else NOT_CODED) for c in doc_coders
                ]
                add(("event_actors", "role"), shown, full)
        pairs += [
            (alignment.mentions[a], alignment.mentions[b]) for a, b in combinations(doc_coders, 2)
        ]
    overall, given = _scores(data, resamples), _scores(matched, resamples)
    return Agreement(
        coders=coders,
        documents=len(coded),
        fields=[
            FieldScore(s, overall[(s.table, s.name)], given[(s.table, s.name)]) for s in FIELDS
        ],
        mentions=span_scores(pairs),
        events=MatchRate(*events),
        participants=MatchRate(*participants),
        claims=MatchRate(*claims),
    )
