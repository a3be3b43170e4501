"""Aligning the codings of one document unit by unit, before anything is compared.

Ids chosen by different coders never need to agree, so units are matched by what they point
at in the text:

- mentions by character span (exact match and overlap);
- events by their evidence spans (the `occurrence` quotes), with type, date and place as
  tie-breakers, as a maximum-weight bipartite matching;
- participants of matched events by actor;
- claims by evidence span and claimant (and the event they are about, through the event
  matching).

A unit that finds no partner stays a unit of its own (one coder coded it, the others did not):
unmatched units count as disagreement, they are never dropped.

Matching is bounded for hostile input (thousands of events on the same words): units whose
spans and fields are identical pair off by hashing first, each remaining unit keeps at most
`MAX_CANDIDATES` partners (the heaviest), and a connected group of candidates larger than
`MAX_DENSE` cells is matched greedily (heaviest pair first) instead of optimally. Units are
sorted by content before matching, so the result does not depend on their order or ids.
With more than two coders, each coding is matched in turn against the units found so far
(represented by their first coder's unit).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from eventset.tables.compile import Columns

MAX_CANDIDATES = 16  # partners kept per unit (the heaviest)
MAX_DENSE = 250_000  # cells of a group matched optimally; larger groups are matched greedily
TIE = 0.01  # weight of each agreeing tie-breaker: never outweighs a difference in overlap

Span = tuple[int, int]


@dataclass(frozen=True)
class Unit:
    """One coder's event or claim: its spans, its fields, and the key that orders units by
    content (never by id). What matching reads again and again is computed once, here (a
    cached_property costs a lock per read in Python 3.11)."""

    uid: str  # the coder's own id
    spans: tuple[Span, ...]  # merged, sorted, non-overlapping
    fields: tuple[tuple[str, Any], ...]
    values: dict[str, Any] = field(init=False, compare=False, repr=False)
    key: tuple[Any, ...] = field(init=False, compare=False, repr=False)
    covered: int = field(init=False, compare=False, repr=False)  # characters the spans cover

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", dict(self.fields))
        key = (self.spans, tuple((k, repr(v)) for k, v in self.fields))
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "covered", sum(b - a for a, b in self.spans))

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class Coding:
    """One coder's coding of one document, as units."""

    coder: str
    events: tuple[Unit, ...]
    # event id -> actor -> roles
    participants: dict[str, dict[str, tuple[str, ...]]]
    claims: tuple[Unit, ...]
    mentions: frozenset[Span]


@dataclass
class Aligned:
    """Units matched across the codings: each a mapping coder -> that coder's unit."""

    members: list[dict[str, Unit]] = field(default_factory=list)


@dataclass
class Alignment:
    """The alignment of one document's codings."""

    document_id: str
    coders: tuple[str, ...]
    events: list[dict[str, Unit]]
    # per aligned event: actor -> coder -> roles (a coder absent: did not code the actor there)
    participants: list[dict[str, dict[str, tuple[str, ...]]]]
    claims: list[dict[str, Unit]]
    mentions: dict[str, frozenset[Span]]


def _day(value: object) -> int | None:
    return value.toordinal() if isinstance(value, dt.date) else None


def _merge(spans: Sequence[Span]) -> tuple[Span, ...]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def _shared(a: tuple[Span, ...], b: tuple[Span, ...]) -> int:
    """Characters inside both (each merged and sorted)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low < high:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def span_overlap(a: Unit, b: Unit) -> float:
    """Jaccard overlap of the characters two units' spans cover (0 when none are shared)."""
    shared = _shared(a.spans, b.spans)
    if not shared:
        return 0.0
    return shared / (a.covered + b.covered - shared)


EVENT_FIELDS = (
    "event_type",
    "mode",
    "date_start",
    "date_end",
    "date_precision",
    "place_id",
    "geo_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "certainty",
)
CLAIM_FIELDS = (
    "claimant_id",
    "kind",
    "polarity",
    "modality",
    "explicit",
    "event_id",
    "about_actor_id",
    "value",
    "date_start",
)


def _rows(columns: Columns, *names: str) -> Iterator[tuple[Any, ...]]:
    """The named columns' values, row by row."""
    return zip(*(columns[name] for name in names), strict=True)


def coding_units(coder: str, tables: dict[str, Columns]) -> Coding:
    """A coding's units from its compiled per-document rows (tables/compile.py)."""
    spans: dict[tuple[str, str], list[Span]] = defaultdict(list)
    mentions: set[Span] = set()
    for start, end, kind, target, aspect in _rows(
        tables["mentions"], "char_start", "char_end", "target_kind", "target_id", "aspect"
    ):
        mentions.add((start, end))
        if (kind == "event" and aspect == "occurrence") or kind == "claim":
            spans[(kind, target)].append((start, end))

    def units(kind: str, key: str, rows: Columns, names: tuple[str, ...]) -> tuple[Unit, ...]:
        days = [n.startswith("date_") and n != "date_precision" for n in names]
        return tuple(
            Unit(
                uid,
                _merge(spans[(kind, uid)]),
                tuple(
                    (name, _day(value) if day else value)
                    for name, value, day in zip(names, values, days, strict=True)
                ),
            )
            for uid, *values in _rows(rows, key, *names)
        )

    events = units("event", "event_id", tables["events"], EVENT_FIELDS)
    claims = units("claim", "claim_id", tables["claims"], CLAIM_FIELDS)
    roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for event_id, actor_id, role in _rows(tables["event_actors"], "event_id", "actor_id", "role"):
        roles[event_id][actor_id].append(role)
    participants = {
        event: {actor: tuple(sorted(r)) for actor, r in actors.items()}
        for event, actors in roles.items()
    }
    return Coding(coder, events, participants, claims, frozenset(mentions))


Weight = Callable[[Unit, Unit], float]


def event_weight(a: Unit, b: Unit) -> float:
    overlap = span_overlap(a, b)
    if not overlap:
        return 0.0
    ties = sum(
        bool(a.get(name) == b.get(name)) for name in ("event_type", "date_start", "place_id")
    )
    return overlap + TIE * ties


def claim_weight(a: Unit, b: Unit) -> float:
    overlap = span_overlap(a, b)
    if not overlap:
        return 0.0
    ties = int(a.get("event_id") == b.get("event_id")) + int(a.get("kind") == b.get("kind"))
    same_claimant = float(a.get("claimant_id") == b.get("claimant_id"))
    # The claimant separates two claims on the same words ("X claimed it; Y denied it").
    return overlap + same_claimant + TIE * ties


def _candidates(
    left: Sequence[Unit], right: Sequence[Unit], weight: Weight
) -> list[tuple[float, int, int]]:
    """(weight, i, j) of the pairs whose spans overlap, at most MAX_CANDIDATES per left unit."""
    starts: list[tuple[int, int, int]] = sorted(
        (start, end, j) for j, unit in enumerate(right) for start, end in unit.spans
    )
    firsts = [s[0] for s in starts]
    # The longest span bounds how far left of a span's end an overlapping span can start.
    longest = max((end - start for start, end, _ in starts), default=0)
    pairs: list[tuple[float, int, int]] = []
    for i, unit in enumerate(left):
        seen: dict[int, float] = {}
        for start, end in unit.spans:
            lo = bisect_left(firsts, start - longest)
            hi = bisect_left(firsts, end)
            examined = 0
            for at in range(lo, hi):
                _, s_end, j = starts[at]
                if s_end <= start or j in seen:
                    continue
                examined += 1
                if examined > 4 * MAX_CANDIDATES:
                    break  # hostile: the same words coded as a flood of units
                seen[j] = weight(unit, right[j])
        best = sorted(((w, j) for j, w in seen.items() if w > 0), key=lambda p: (-p[0], p[1]))
        pairs += [(w, i, j) for w, j in best[:MAX_CANDIDATES]]
    return pairs


def _components(pairs: list[tuple[float, int, int]]) -> list[list[tuple[float, int, int]]]:
    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, i, j in pairs:
        a, b = find(("l", i)), find(("r", j))
        if a != b:
            parent[a] = b
    groups: dict[Hashable, list[tuple[float, int, int]]] = defaultdict(list)
    for pair in pairs:
        groups[find(("l", pair[1]))].append(pair)
    return list(groups.values())


def match(left: Sequence[Unit], right: Sequence[Unit], weight: Weight) -> list[tuple[int, int]]:
    """A maximum-weight matching of overlapping units (pairs of positions)."""
    matched: list[tuple[int, int]] = []
    # Identical units (same spans, same fields) pair off first: identical codings, and floods
    # of duplicates, cost no search.
    waiting: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for j, unit in enumerate(right):
        waiting[unit.key].append(j)
    rest_left: list[int] = []
    for i, unit in enumerate(left):
        same = waiting.get(unit.key)
        if same and unit.spans:
            matched.append((i, same.pop(0)))
        else:
            rest_left.append(i)
    rest_right = sorted(j for js in waiting.values() for j in js)
    sub_left = [left[i] for i in rest_left]
    sub_right = [right[j] for j in rest_right]
    for group in _components(_candidates(sub_left, sub_right, weight)):
        rows = sorted({i for _, i, _ in group})
        cols = sorted({j for _, _, j in group})
        if len(rows) * len(cols) <= MAX_DENSE:
            grid = np.zeros((len(rows), len(cols)))
            at_row = {i: k for k, i in enumerate(rows)}
            at_col = {j: k for k, j in enumerate(cols)}
            for w, i, j in group:
                grid[at_row[i], at_col[j]] = w
            found = zip(*linear_sum_assignment(grid, maximize=True), strict=True)
            pairs = [(rows[r], cols[c]) for r, c in found if grid[r, c] > 0]
        else:
            pairs, used_l, used_r = [], set(), set()
            for _w, i, j in sorted(group, key=lambda p: (-p[0], p[1], p[2])):
                if i not in used_l and j not in used_r:
                    used_l.add(i)
                    used_r.add(j)
                    pairs.append((i, j))
        matched += [(rest_left[i], rest_right[j]) for i, j in pairs]
    return sorted(matched)


def _by_content(units: Sequence[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: u.key)


def _align_units(
    codings: Sequence[tuple[str, Sequence[Unit]]], weight: Weight
) -> list[dict[str, Unit]]:
    aligned: list[dict[str, Unit]] = []
    for coder, units in codings:
        ordered = _by_content(units)
        representatives = [next(iter(group.values())) for group in aligned]
        pairs = dict(match(representatives, ordered, weight))
        taken = set(pairs.values())
        for k, j in pairs.items():
            aligned[k][coder] = ordered[j]
        aligned += [{coder: unit} for j, unit in enumerate(ordered) if j not in taken]
    return aligned


def _with_event(unit: Unit, event_of: dict[str, int], document_id: str) -> Unit:
    """The claim with its event id replaced by the aligned event it points at, so that claims of
    different coders about the same event agree whatever ids they chose. (An event the
    canonical annotations define keeps its id: every coder refers to it by that id.)"""
    values = tuple(
        (
            k,
            (f"{document_id}/event-{event_of[v]}" if v in event_of else v)
            if k == "event_id"
            else v,
        )
        for k, v in unit.fields
    )
    return Unit(unit.uid, unit.spans, values)


def align(document_id: str, codings: Sequence[Coding]) -> Alignment:
    """The alignment of one document's codings (each by a different coder)."""
    coders = tuple(sorted(c.coder for c in codings))
    ordered = sorted(codings, key=lambda c: c.coder)
    events = _align_units([(c.coder, c.events) for c in ordered], event_weight)
    # Aligned events in content order, numbered: claims refer to them by number.
    events.sort(key=lambda group: min(u.key for u in group.values()))
    event_of: dict[str, dict[str, int]] = defaultdict(dict)
    for n, group in enumerate(events):
        for coder, unit in group.items():
            event_of[coder][unit.uid] = n
    participants: list[dict[str, dict[str, tuple[str, ...]]]] = []
    by_coder = {c.coder: c for c in ordered}
    for group in events:
        actors: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
        for coder, unit in group.items():
            for actor, roles in by_coder[coder].participants.get(unit.uid, {}).items():
                actors[actor][coder] = roles
        participants.append(dict(sorted(actors.items())))
    claims = _align_units(
        [
            (c.coder, [_with_event(u, event_of[c.coder], document_id) for u in c.claims])
            for c in ordered
        ],
        claim_weight,
    )
    claims.sort(key=lambda group: min(u.key for u in group.values()))
    mentions = {c.coder: c.mentions for c in ordered}
    return Alignment(document_id, coders, events, participants, claims, mentions)
