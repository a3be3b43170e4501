"""Hypothesis strategies for whole valid corpora: registries, texts, annotations.

Everything is built from small integer and `sampled_from` draws over the word lists, so
Hypothesis shrinks a failure to a short corpus: one or two documents, few actors, a single
event. Every document is synthetic and says so: its id starts with `synthetic_` and its title
with `SYNTHETIC`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from eventset.schema.annotation import Annotation
from eventset.schema.registry import ActorRegistry, PlaceRegistry
from eventset.schema.selectors import occurrences
from eventset.schema.vocab import event_modes, evidence_cues, place_kind_rank, vocabulary
from eventset.testing import words
from eventset.testing.corpus import SYNTHETIC_PREFIX, Corpus, SyntheticDocument, sha256_text
from eventset.testing.texts import SyntheticText, quotes, selector_for, texts

Data = dict[str, Any]


def _codes(name: str) -> tuple[str, ...]:
    return vocabulary(name).values()


_OPEN_LICENCES = tuple(
    code
    for code in _codes("licences")
    if vocabulary("licences")[code].fields.get("redistribute_text") is True
)


@st.composite
def actor_registries(draw: st.DrawFn, min_size: int = 2, max_size: int = 5) -> ActorRegistry:
    """A valid actor registry: unique ids, parents that exist, typed kinds.

    >>> actor_registries().example().format
    1
    """
    picks = draw(
        st.lists(
            st.integers(0, len(words.ACTOR_NAMES) - 1),
            min_size=min_size,
            max_size=max_size,
            unique=True,
        )
    )
    actors: list[Data] = []
    for i, pick in enumerate(picks):
        slug, name, aliases = words.ACTOR_NAMES[pick]
        actor: Data = {
            "id": slug,
            "name": name,
            "kind": draw(st.sampled_from(_codes("actor_kinds"))),
        }
        if draw(st.booleans()):
            actor["country"] = draw(st.sampled_from(words.COUNTRIES))
        if draw(st.booleans()):
            actor["aliases"] = list(aliases)
        if i and draw(st.booleans()):
            actor["parent"] = actors[draw(st.integers(0, i - 1))]["id"]
        if draw(st.booleans()):
            actor["wikidata"] = f"Q{draw(st.integers(1, 999_999))}"
        if draw(st.booleans()):
            actor["description"] = "A SYNTHETIC actor,\n  made up  for tests."
        actors.append(actor)
    return ActorRegistry.model_validate({"format": 1, "actors": actors})


@st.composite
def place_registries(draw: st.DrawFn, min_size: int = 1, max_size: int = 3) -> PlaceRegistry:
    """A valid place registry: coordinates, when given, inside the place's country; a parent,
    when given, of a wider kind and in the same country (docs/hierarchy.md)."""
    picks = draw(
        st.lists(
            st.integers(0, len(words.PLACE_NAMES) - 1),
            min_size=min_size,
            max_size=max_size,
            unique=True,
        )
    )
    countries = vocabulary("countries")
    places: list[Data] = []
    kinds = _codes("place_kinds")
    narrowest = max(map(place_kind_rank, kinds))
    for pick in picks:
        slug, name, aliases = words.PLACE_NAMES[pick]
        # A parent must leave a narrower kind for its child.
        wider = [p for p in places if place_kind_rank(p["kind"]) < narrowest]
        parent: Data | None = None
        if draw(st.booleans()) and wider:
            parent = draw(st.sampled_from(wider))
        floor = place_kind_rank(parent["kind"]) if parent else 0
        country = parent["country"] if parent else draw(st.sampled_from(words.COUNTRIES))
        place: Data = {
            "id": slug,
            "name": name,
            "kind": draw(st.sampled_from([k for k in kinds if place_kind_rank(k) > floor])),
            "country": country,
            "aliases": list(aliases),
        }
        if parent is not None:
            place["parent"] = parent["id"]
        if draw(st.booleans()):
            place["admin1"] = "SYNTHETIC Province"
        if draw(st.booleans()):
            bbox: tuple[float, float, float, float] = countries[country].fields["bbox"]  # type: ignore[assignment]
            min_lon, min_lat, max_lon, max_lat = bbox
            along, across = draw(st.integers(10, 90)), draw(st.integers(10, 90))
            place["latitude"] = round(min_lat + (max_lat - min_lat) * along / 100, 4)
            place["longitude"] = round(min_lon + (max_lon - min_lon) * across / 100, 4)
        if draw(st.booleans()):
            place["geonames_id"] = draw(st.integers(1, 99_999_999))
        places.append(place)
    return PlaceRegistry.model_validate({"format": 1, "places": places})


@dataclass
class _Draft:
    """A document being generated: its text and the blocks of its annotation so far."""

    number: int
    text: SyntheticText
    actors: list[Data] = field(default_factory=list)
    places: list[Data] = field(default_factory=list)
    events: list[Data] = field(default_factory=list)
    claims: list[Data] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{SYNTHETIC_PREFIX}{self.number:03d}"


def _evidence(
    draw: st.DrawFn, text: str, min_size: int, max_size: int, *, avoid_weekdays: bool = False
) -> list[Any]:
    """Distinct spans (the same span twice for one fact is an error) and their selectors."""
    found: list[Any] = []
    used: set[int] = set()
    for _ in range(draw(st.integers(min_size, max_size))):
        start, _end, selector = draw(
            quotes(text, avoid_weekdays=avoid_weekdays, exclude=frozenset(used))
        )
        used.add(start)
        found.append(selector)
    return found


def _name_mentions(draw: st.DrawFn, text: str, names: tuple[str, ...]) -> list[Any]:
    """Selectors for the places where the text writes one of `names`."""
    spans = sorted({(s, s + len(n)) for n in names for s in occurrences(text, n)})
    if not spans:
        return []
    chosen = draw(st.lists(st.sampled_from(spans), min_size=1, max_size=2, unique=True))
    return [draw(selector_for(text, start, end)) for start, end in sorted(chosen)]


@st.composite
def _dates(draw: st.DrawFn, latest: dt.date, earliest_published: dt.date) -> Data:
    """Event date facts shared by every reporting document: a day or an interval ending by the
    earliest publication, or (one time in ten) a planned day after the latest one."""
    precision = draw(st.sampled_from(_codes("date_precisions")))
    if draw(st.integers(0, 9)) == 0:  # a planned event, dated after publication
        start: dt.date | None = latest + dt.timedelta(days=draw(st.integers(1, 10)))
        assert start is not None
        end = start + dt.timedelta(days=draw(st.integers(0, 3)))
    else:
        end = earliest_published - dt.timedelta(days=draw(st.integers(0, 20)))
        start = end - dt.timedelta(days=draw(st.integers(0, 5)))
        if precision == "interval" and draw(st.booleans()):
            start = None  # "recently": no lower bound
    date: Data = {"start": start, "precision": precision}
    if start is None or end != start or draw(st.booleans()):
        date["end"] = end
    return date


def _fatalities(draw: st.DrawFn, complete: bool) -> Data:
    """low <= best <= high; unless `complete`, some of them unstated (at least one stated).

    Events reported by several documents get complete figures: partial ones from two documents
    (one says best 12, the other high 0) merge into an unordered range, a known build defect
    pinned by tests/property/test_build.py."""
    low = draw(st.integers(0, 20))
    best = low + draw(st.integers(0, 5))
    high = best + draw(st.integers(0, 5))
    figures = {"low": low, "best": best, "high": high}
    if complete:
        return figures
    keep = draw(st.lists(st.sampled_from(sorted(figures)), min_size=1, max_size=3, unique=True))
    return {name: figures[name] for name in sorted(keep)}


def _triggers(event_type: str) -> tuple[str, ...]:
    """Words that report an event of the type, as the cue vocabulary lists them (a stem's `*`
    dropped), so generated evidence fits its type (warning W605 never fires)."""
    cues = evidence_cues("en")
    assert cues is not None
    return tuple(
        t.rstrip("*") for t in cues.event_types[event_type] if "..." not in t and "*" not in t[:-1]
    )


def _name(draw: st.DrawFn, names: dict[str, tuple[str, ...]], ident: str) -> str:
    return draw(st.sampled_from(names[ident]))


@dataclass
class _Report:
    """What one document says of one event, planned before its text is written: the sentence
    that reports it names the participants, a trigger word of the type, the figures and the
    place, so that every quote of the annotation fits the fact it supports. Parts are kept
    with their offsets in the sentence (a name may also occur inside another)."""

    sentence: str
    trigger: tuple[int, int]
    names: dict[str, tuple[int, int]]  # participant actor -> where the sentence names it
    place: tuple[int, int] | None
    figures: Data | None
    figure_words: tuple[int, int] | None


@dataclass
class _EventPlan:
    number: int
    event_type: str
    mode: str | None
    date: Data
    place: str | None
    reports: dict[int, tuple[list[tuple[str, str]], _Report]]  # draft number -> report


@st.composite
def _event_plan(
    draw: st.DrawFn,
    number: int,
    published: list[dt.date],
    actors: ActorRegistry,
    places: PlaceRegistry,
    names: dict[str, tuple[str, ...]],
    min_reporters: int,
) -> _EventPlan:
    """One event, reported by some documents with the same type, mode, date and place (so the
    documents agree), each with its own participants, figures and sentence."""
    reporters = draw(
        st.lists(
            st.integers(0, len(published) - 1),
            min_size=min_reporters,
            max_size=len(published),
            unique=True,
        )
    )
    event_type = draw(st.sampled_from(_codes("event_types")))
    modes = event_modes(event_type).values()
    mode = draw(st.none() | st.sampled_from(modes)) if modes else None
    date = draw(_dates(max(published[i] for i in reporters), min(published[i] for i in reporters)))
    place = draw(st.none() | st.sampled_from([p.id for p in places.places]))
    actor_ids = [a.id for a in actors.actors]
    reports: dict[int, tuple[list[tuple[str, str]], _Report]] = {}
    for i in sorted(reporters):
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(actor_ids), st.sampled_from(_codes("participant_roles"))),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        sentence = ""
        named: dict[str, tuple[int, int]] = {}
        for actor in dict.fromkeys(actor for actor, _ in pairs):
            sentence += " and " if sentence else ""
            name = _name(draw, names, actor)
            named[actor] = (len(sentence), len(sentence) + len(name))
            sentence += name
        trigger = draw(st.sampled_from(_triggers(event_type)))
        trigger_at = (len(sentence) + 1, len(sentence) + 1 + len(trigger))
        sentence += f" {trigger} {draw(st.sampled_from(words.OBJECTS))}"
        figures = _fatalities(draw, complete=len(reporters) > 1) if draw(st.booleans()) else None
        figures_at = None
        if figures is not None:
            numbers = [
                words.spelled(v) if draw(st.booleans()) else str(v) for v in figures.values()
            ]
            clause = f"with {' or '.join(numbers)} killed"
            figures_at = (len(sentence) + 2, len(sentence) + 2 + len(clause))
            sentence += f", {clause}"
        place_at = None
        if place is not None and draw(st.booleans()):
            place_name = _name(draw, names, place)
            place_at = (len(sentence) + 6, len(sentence) + 6 + len(place_name))
            sentence += f" near {place_name}"
        sentence += "."
        reports[i] = (pairs, _Report(sentence, trigger_at, named, place_at, figures, figures_at))
    return _EventPlan(number, event_type, mode, date, place, reports)


def _located(text: str, sentence: str, part: tuple[int, int]) -> tuple[int, int]:
    """Where a part of `sentence` (its offsets there) is in `text`, at the sentence's first
    occurrence."""
    at = text.index(sentence)
    return at + part[0], at + part[1]


def _event_blocks(draw: st.DrawFn, plan: _EventPlan, drafts: list[_Draft]) -> None:
    """Each reporting document's block of a planned event, quoting its own sentence."""
    for i, (pairs, report) in plan.reports.items():
        draft = drafts[i]
        text = draft.text.text
        last_day = plan.date.get("end", plan.date["start"])
        block_date: Data = dict(plan.date)
        if last_day is not None and last_day > draft.text.published:
            block_date["scheduled"] = True
        block_date["evidence"] = _evidence(draw, text, 0, 1, avoid_weekdays=True)
        if block_date["evidence"] and draw(st.booleans()):
            block_date["derived"] = True
        sentence = report.sentence

        def quote(part: tuple[int, int], sentence: str = sentence, text: str = text) -> Any:
            start, end = _located(text, sentence, part)
            return draw(selector_for(text, start, end))

        evidence = [quote(report.trigger)]
        if draw(st.booleans()):
            evidence.append(quote((0, len(sentence) - 1)))  # the sentence without its full stop
        participants = [
            {
                "actor": actor,
                "role": role,
                "evidence": [quote(report.names[actor])] if draw(st.booleans()) else [],
            }
            for actor, role in pairs
        ]
        event: Data = {
            "id": f"synthetic-event-{plan.number}",
            "type": plan.event_type,
            "mode": plan.mode,
            "date": block_date,
            "participants": participants,
            "certainty": draw(st.sampled_from(_codes("certainty_levels"))),
            "summary": draw(st.sampled_from(words.SUMMARIES)),
            "evidence": evidence,
        }
        if plan.place is not None:
            event["place"] = {
                "id": plan.place,
                "precision": draw(st.sampled_from(_codes("geo_precisions"))),
                "evidence": [quote(report.place)] if report.place else [],
            }
        if report.figures is not None and report.figure_words is not None:
            event["fatalities"] = {**report.figures, "evidence": [quote(report.figure_words)]}
        draft.events.append(event)


@dataclass
class _ClaimPlan:
    number: int
    claimant: str
    kind: str
    value: int | None
    sentence: str
    quote: str  # the claimant's name and the cue: what the claim quotes


@st.composite
def _claim_plan(
    draw: st.DrawFn, number: int, actor_ids: list[str], names: dict[str, tuple[str, ...]]
) -> _ClaimPlan:
    """A claim and the sentence that makes it: its claimant's name, then a cue word of its kind
    (and the figure, for a casualty figure)."""
    claimant = draw(st.sampled_from(actor_ids))
    kind = draw(st.sampled_from(_codes("claim_kinds")))
    value = draw(st.integers(0, 500))
    cue = draw(st.sampled_from(words.CLAIM_CUES[kind])).format(n=words.spelled(value))
    said = f"{_name(draw, names, claimant)} {cue}"
    sentence = f"{said} {draw(st.sampled_from(words.OBJECTS))}."
    keep_value = kind == "casualty_figure" and draw(st.booleans())
    return _ClaimPlan(number, claimant, kind, value if keep_value else None, sentence, said)


def _claim(
    draw: st.DrawFn, draft: _Draft, plan: _ClaimPlan, actor_ids: list[str], event_ids: list[str]
) -> Data:
    text = draft.text
    claimant = plan.claimant
    others = [a for a in actor_ids if a != claimant]
    start, end = _located(text.text, plan.sentence, (0, len(plan.quote)))
    claim: Data = {
        "id": f"synthetic-claim-{draft.number}-{plan.number}",
        "claimant": claimant,
        "via": draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else [],
        "kind": plan.kind,
        "polarity": draw(st.sampled_from(_codes("claim_polarities"))),
        "modality": draw(st.sampled_from(_codes("claim_modalities"))),
        "explicit": draw(st.booleans()),
        "about": {
            "event": draw(st.none() | st.sampled_from(event_ids)) if event_ids else None,
            "actor": draw(st.none() | st.sampled_from(actor_ids)),
        },
        "summary": draw(st.sampled_from(words.SUMMARIES)),
        "evidence": [draw(selector_for(text.text, start, end))],
    }
    if plan.value is not None:
        claim["value"] = float(plan.value)
    when = draw(st.sampled_from(("none", "weekday", "stated")))
    if when == "weekday":  # "On Monday": derived from the weekday the text names
        weekday_at = occurrences(text.text, text.weekday)
        start = weekday_at[0]
        claim["date"] = {
            "start": text.weekday_date,
            "precision": "day",
            "derived": True,
            "evidence": [draw(selector_for(text.text, start, start + len(text.weekday)))],
        }
    elif when == "stated":
        claim["date"] = {
            "start": text.published - dt.timedelta(days=draw(st.integers(0, 30))),
            "precision": "day",
        }
    return claim


def _annotation(draft: _Draft, actors: ActorRegistry, draw: st.DrawFn) -> Annotation:
    text = draft.text
    document: Data = {
        "id": draft.id,
        "sha256": sha256_text(text.raw),
        "published": text.published,
        "title": text.title,
        "language": draw(st.sampled_from(words.LANGUAGES)),
        # Generated texts report nothing real: they are marked synthetic, which needs an open
        # licence (E426), so releases built from them always carry the text.
        "licence": draw(st.sampled_from(_OPEN_LICENCES)),
        "origin": "synthetic",
    }
    if draw(st.booleans()):
        document["byline"] = "By SYNTHETIC Staff"
    if draw(st.booleans()):
        document["outlet"] = draw(st.sampled_from([a.id for a in actors.actors]))
    if draw(st.booleans()):
        document["url"] = f"https://example.org/synthetic/{draft.number}"
    return Annotation.model_validate(
        {
            "format": 1,
            "document": document,
            "actors": draft.actors,
            "places": draft.places,
            "events": draft.events,
            "claims": draft.claims,
        }
    )


def _disputing(claims: list[Data]) -> bool:
    """The validator's rule for `disputed` (E428), on draft claims."""
    return (
        any(c["kind"] == "denial" or c.get("polarity") == "negated" for c in claims)
        or len({c["claimant"] for c in claims}) >= 2
    )


@st.composite
def corpora(
    draw: st.DrawFn,
    *,
    min_documents: int = 1,
    max_documents: int = 3,
    min_events: int = 0,
    max_events: int = 3,
    min_claims: int = 0,
    max_claims: int = 2,
    shared_event: bool = False,
) -> Corpus:
    """A whole valid corpus: registries, synthetic seed texts and their annotations.

    Events may be reported by several documents (one id, agreeing facts); claims carry `via`
    chains and may be about events of other documents; quotes are drawn from the texts and
    disambiguated where a phrase repeats. `min_claims` is per corpus, `max_claims` per
    document; `shared_event` asks for at least one event reported by two documents (when there
    are two).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from hypothesis import given, settings
    >>> from eventset.testing import write_corpus
    >>> @settings(max_examples=3, deadline=None)
    ... @given(corpora(max_documents=2))
    ... def test_my_analysis(corpus):
    ...     with tempfile.TemporaryDirectory() as tmp:
    ...         root = write_corpus(corpus, Path(tmp))
    ...         assert len(list((root / "seeds").glob("synthetic_*.txt"))) == len(corpus.documents)
    >>> test_my_analysis()
    """
    actors = draw(actor_registries())
    places = draw(place_registries())
    names = tuple(
        name
        for registry in (actors.actors, places.places)
        for item in registry
        for name in (item.name, *item.aliases)
    )
    names_of = {
        item.id: (item.name, *item.aliases)
        for registry in (actors.actors, places.places)
        for item in registry
    }
    count = draw(st.integers(min_documents, max_documents))
    # Documents are published first, then events and claims are planned, so that each text
    # can be written with the sentences its annotation quotes as evidence.
    published = [
        dt.date(2021, 9, 1) + dt.timedelta(days=draw(st.integers(0, 60))) for _ in range(count)
    ]
    n_events = draw(st.integers(min_events, max(min_events, max_events)))
    plans = [
        draw(
            _event_plan(
                number,
                published,
                actors,
                places,
                names_of,
                2 if shared_event and number == 0 and count >= 2 else 1,
            )
        )
        for number in range(n_events)
    ]
    actor_ids = [a.id for a in actors.actors]
    claim_plans: list[list[_ClaimPlan]] = []
    for i in range(count):
        least = min_claims if i == 0 else 0
        claim_plans.append(
            [
                draw(_claim_plan(number, actor_ids, names_of))
                for number in range(draw(st.integers(least, max(least, max_claims))))
            ]
        )
    drafts = []
    for i in range(count):
        extra = [plan.reports[i][1].sentence for plan in plans if i in plan.reports]
        extra += [claim.sentence for claim in claim_plans[i]]
        drafts.append(_Draft(i, draw(texts(names, published=published[i], extra=tuple(extra)))))
    for plan in plans:
        _event_blocks(draw, plan, drafts)
    event_ids = [f"synthetic-event-{number}" for number in range(n_events)]
    for draft in drafts:
        for claim_plan in claim_plans[draft.number]:
            draft.claims.append(_claim(draw, draft, claim_plan, actor_ids, event_ids))
        for i, event in enumerate(draft.events):
            about = [c for c in draft.claims if c.get("about", {}).get("event") == event["id"]]
            if event["certainty"] == "disputed" and not _disputing(about):
                # disputed needs the dispute among the claims (E428)
                draft.events[i] = {**event, "certainty": "reported"}
        registry_names = [(a.id, (a.name, *a.aliases)) for a in actors.actors]
        for actor_id, actor_names in registry_names:
            mentions = _name_mentions(draw, draft.text.text, actor_names)
            keep: bool = bool(mentions) and draw(st.booleans())
            if keep:
                draft.actors.append({"actor": actor_id, "mentions": mentions})
        for place in places.places:
            mentions = _name_mentions(draw, draft.text.text, (place.name, *place.aliases))
            keep = bool(mentions) and draw(st.booleans())
            if keep:
                draft.places.append({"place": place.id, "mentions": mentions})
    documents = tuple(
        SyntheticDocument(draft.text.text, _annotation(draft, actors, draw)) for draft in drafts
    )
    return Corpus(actors, places, documents)
