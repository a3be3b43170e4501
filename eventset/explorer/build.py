"""Writing the site: a release in (through the verified loader), static pages out.

Every page is plain HTML that works from `file://` and any static host. The events list is the
only page that needs script for more than decoration: its rows ship as JavaScript data files in
parts (a `<script src>` loads from `file://`, where `fetch` may not), and its first page is
written into the HTML so it reads without script too. Long lists elsewhere are capped or split
into pages so no page grows with the corpus.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from hashlib import sha256
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import polars.selectors as cs
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from eventset.explorer.charts import timeline_svg, type_colours
from eventset.explorer.geo import (
    Location,
    MapPoint,
    Place,
    bbox_outlines,
    country_outlines,
    locations,
    map_svg,
)
from eventset.explorer.text import Span, category, highlighted_html
from eventset.release.load import load
from eventset.release.manifest import read_manifest
from eventset.schema.hierarchy import lineage
from eventset.schema.vocab import vocabulary

T = TypeVar("T")
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*")
MARKER = "eventset-site.json"  # written into every site; only a directory with it is replaced
EVENTS_PER_PART = 2000  # rows per events data file: ~0.5 MB each, whatever the corpus size
LIST_FIRST_PAGE = 100  # events written into the list's HTML for readers without script
DOCUMENTS_PER_PAGE = 500
ROLE_CAP = 500  # events per role on an actor page; the filtered list has the rest
CLAIMS_PER_PAGE = 200
PLACE_EVENTS_CAP = 500
NAMED_IN_CAP = 100
CATEGORIES = ("actor", "place", "event", "claim", "date", "figure")
CATEGORY_LABELS = {
    "actor": "Actor named",
    "place": "Place named",
    "event": "Event reported",
    "claim": "Claim made",
    "date": "Date",
    "figure": "Figure",
}


class SiteError(Exception):
    """The site cannot be written where asked (the release itself is checked by the loader)."""


@dataclass
class SiteResult:
    out: Path
    pages: int
    bytes: int
    largest_page: tuple[str, int]
    seconds: float
    texts_from_seeds: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Vocabulary columns as plain strings, whether the release stores them as Enum or not."""
    return frame.with_columns((cs.enum() | cs.categorical()).cast(pl.String))


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("eventset.explorer", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = _date
    env.filters["number"] = lambda n: f"{n:,}"
    return env


@dataclass
class _Site:
    """Everything the pages need, indexed once."""

    release: Path
    manifest: dict[str, Any]
    documents: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    places: dict[str, dict[str, Any]]
    events: dict[str, dict[str, Any]]
    event_location: dict[str, Location]
    participants: dict[str, list[dict[str, Any]]]
    actor_events: dict[str, list[dict[str, Any]]]
    claims: dict[str, dict[str, Any]]
    claims_by_event: dict[str, list[dict[str, Any]]]
    claims_by_claimant: dict[str, list[dict[str, Any]]]
    claims_about_actor: dict[str, list[dict[str, Any]]]
    mentions_by_document: dict[str, list[dict[str, Any]]]
    mentions_by_target: dict[tuple[str, str], list[dict[str, Any]]]
    documents_by_actor: dict[str, list[str]]
    events_by_place: dict[str, list[str]]
    children: dict[str, list[str]]
    place_parents: dict[str, str | None]
    claim_page: dict[str, int] = field(default_factory=dict)


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def _index(tables: Mapping[str, pl.DataFrame], release: Path) -> _Site:
    t = {name: _plain(frame) for name, frame in tables.items()}
    documents = {r["document_id"]: r for r in _rows(t["documents"])}
    actors = {r["actor_id"]: r for r in _rows(t["actors"])}
    places = {r["place_id"]: r for r in _rows(t["places"])}
    events = {r["event_id"]: r for r in _rows(t["events"].sort("date_start", "event_id"))}

    located = "latitude" in t["events"].columns and "longitude" in t["events"].columns
    place_locations = locations(
        {
            pid: Place(pid, p["name"], p["country"], p["parent_id"], p["latitude"], p["longitude"])
            for pid, p in places.items()
        }
    )
    event_location: dict[str, Location] = {}
    for event_id, event in events.items():
        if located:  # the events table locates its rows itself: trust its coordinates
            # The dot is drawn for the place that lent them: the nearest up the chain.
            lent = place_locations.get(event["place_id"] or "")
            point = lent.point_place_id if lent is not None else None
            event_location[event_id] = Location(
                event.get("country"),
                event["place_id"],
                (point or event["place_id"]) if event["latitude"] is not None else None,
                event["latitude"],
                event["longitude"],
            )
        else:
            event_location[event_id] = place_locations.get(
                event["place_id"] or "", Location(None, event["place_id"], None, None, None)
            )

    participants: dict[str, list[dict[str, Any]]] = defaultdict(list)
    actor_events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(t["event_actors"]):
        participants[row["event_id"]].append(row)
        actor_events[row["actor_id"]].append(row)

    claim_rows = _rows(t["claims"])
    claims: dict[str, dict[str, Any]] = {}
    claims_by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims_by_claimant: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims_about_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claim_rows:
        # A claim with no date of its own is dated by its document ("no group has claimed" is
        # true as of the day it was published).
        own = claim["date_start"] or claim["date_end"]
        claim["when"] = own or documents[claim["document_id"]]["published"]
        claim["dated_by_document"] = own is None
        claims[claim["claim_id"]] = claim
        if claim["event_id"] is not None:
            claims_by_event[claim["event_id"]].append(claim)
        claims_by_claimant[claim["claimant_id"]].append(claim)
        if claim["about_actor_id"] is not None:
            claims_about_actor[claim["about_actor_id"]].append(claim)
    claim_page: dict[str, int] = {}
    for claimant_claims in claims_by_claimant.values():
        claimant_claims.sort(key=lambda c: (c["when"], c["claim_id"]))
        for i, claim in enumerate(claimant_claims):
            claim_page[claim["claim_id"]] = i // CLAIMS_PER_PAGE + 1

    mentions_by_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
    mentions_by_target: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    documents_by_actor: dict[str, list[str]] = defaultdict(list)
    for mention in _rows(t["mentions"].sort("document_id", "char_start", "mention_id")):
        mentions_by_document[mention["document_id"]].append(mention)
        mentions_by_target[(mention["target_kind"], mention["target_id"])].append(mention)
        if mention["target_kind"] == "actor":
            named_in = documents_by_actor[mention["target_id"]]
            if not named_in or named_in[-1] != mention["document_id"]:
                named_in.append(mention["document_id"])

    events_by_place: dict[str, list[str]] = defaultdict(list)
    for event_id, event in events.items():
        if event["place_id"] is not None:
            events_by_place[event["place_id"]].append(event_id)
    children: dict[str, list[str]] = defaultdict(list)
    for pid, place in sorted(places.items()):
        if place["parent_id"] is not None:
            children[place["parent_id"]].append(pid)

    return _Site(
        release=release,
        manifest=read_manifest(release),
        documents=documents,
        actors=actors,
        places=places,
        events=events,
        event_location=event_location,
        participants=participants,
        actor_events=actor_events,
        claims=claims,
        claims_by_event=claims_by_event,
        claims_by_claimant=claims_by_claimant,
        claims_about_actor=claims_about_actor,
        mentions_by_document=mentions_by_document,
        mentions_by_target=mentions_by_target,
        documents_by_actor=documents_by_actor,
        events_by_place=events_by_place,
        children=children,
        place_parents={pid: p["parent_id"] for pid, p in places.items()},
        claim_page=claim_page,
    )


class _Links:
    """Relative links from a page `depth` folders below the site root."""

    def __init__(self, site: _Site, depth: int) -> None:
        self.site = site
        self.root = "../" * depth

    def event(self, event_id: str) -> str:
        return f"{self.root}events/{event_id}.html"

    def actor(self, actor_id: str) -> str:
        return f"{self.root}actors/{actor_id}.html"

    def place(self, place_id: str) -> str:
        return f"{self.root}places/{place_id}.html"

    def document(self, document_id: str) -> str:
        return f"{self.root}documents/{document_id}.html"

    def mention(self, mention: Mapping[str, Any]) -> str:
        return f"{self.document(mention['document_id'])}#{mention['mention_id']}"

    def claims_page(self, actor_id: str, page: int) -> str:
        if page <= 1:
            return self.actor(actor_id)
        return f"{self.root}actors/{actor_id}/claims-{page}.html"

    def claim(self, claim_id: str) -> str:
        claim = self.site.claims[claim_id]
        if claim["event_id"] is not None:
            return f"{self.event(claim['event_id'])}#{claim_id}"
        return (
            f"{self.claims_page(claim['claimant_id'], self.site.claim_page[claim_id])}#{claim_id}"
        )

    def target(self, kind: str, target_id: str) -> str:
        if kind == "actor":
            return self.actor(target_id)
        if kind == "place":
            return self.place(target_id)
        if kind == "event":
            return self.event(target_id)
        return self.claim(target_id)


def _actor_name(site: _Site, actor_id: str | None) -> str:
    if actor_id is None:
        return ""
    actor = site.actors.get(actor_id)
    return str(actor["name"]) if actor else actor_id


def _place_name(site: _Site, place_id: str | None) -> str:
    if place_id is None:
        return ""
    place = site.places.get(place_id)
    return str(place["name"]) if place else place_id


def _target_label(site: _Site, kind: str, target_id: str) -> str:
    if kind == "actor":
        return _actor_name(site, target_id)
    if kind == "place":
        return _place_name(site, target_id)
    if kind == "event":
        event = site.events.get(target_id)
        return str(event["summary"]) if event else target_id
    claim = site.claims.get(target_id)
    if claim is None:
        return target_id
    return f"{_actor_name(site, claim['claimant_id'])} ({claim['kind']}): {claim['summary']}"


class _Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.pages = 0
        self.bytes = 0
        self.largest = ("", 0)

    def write(self, relative: str, content: str) -> None:
        # File names come from row ids: a release that was never checked could hold an id such
        # as "../x", and the site must not write outside its folder.
        parts = Path(relative).parts
        if not SAFE_NAME.fullmatch(relative) or ".." in parts:
            raise SiteError(f"refusing to write {relative!r}: an id is not a plain slug.")
        data = content.encode("utf-8")
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.pages += 1
        self.bytes += len(data)
        if len(data) > self.largest[1]:
            self.largest = (relative, len(data))


def _seed_text(seeds: Path | None, document: Mapping[str, Any]) -> str | None:
    """A withheld text from the local seed file, only when its bytes are the released ones."""
    if seeds is None:
        return None
    path = seeds / f"{document['document_id']}.txt"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if "sha256:" + sha256(raw).hexdigest() != document["text_sha256"]:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) == document["char_count"] else None


def build_site(
    release: Path,
    out: Path,
    *,
    seeds: Path | None = None,
    jobs: int | None = None,
    codings: Path | None = None,
) -> SiteResult:
    """Write the site for `release` into `out`, whole or not at all.

    `out` must be absent, empty, or a site written before (it has eventset-site.json); the new
    site is written beside it and moved into place. `seeds`, a folder of seed files, fills in the
    text of documents whose licence keeps it out of the release, for reviewing annotations
    locally; such a site says so on every such page and must not be published. `jobs` worker
    processes (default: one per core, at most 4) each read the release and write every
    jobs-th page; the pages are the same whatever the number. `codings`, a repository root,
    adds pages comparing its independent codings of each doubly coded document.
    """
    started = time.perf_counter()
    out = out.resolve()
    manifest = read_manifest(release)  # a missing or broken release fails here, before any work
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise SiteError(
            f"{out} exists and is not an eventset site (no {MARKER}); "
            "choose an empty or new directory."
        )
    jobs = jobs or min(4, os.cpu_count() or 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        if jobs == 1:
            tallies = [_write_share(release, staging, seeds, 0, 1)]
        else:
            # spawn, not fork: polars' thread pool does not survive a fork.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = [
                    pool.submit(_write_share, release, staging, seeds, part, jobs)
                    for part in range(jobs)
                ]
                tallies = [future.result() for future in futures]
        largest = max((t.largest for t in tallies), key=lambda item: item[1])
        result = SiteResult(
            out=out,
            pages=sum(t.pages for t in tallies),
            bytes=sum(t.bytes for t in tallies),
            largest_page=largest,
            seconds=0.0,
            texts_from_seeds=sum(t.from_seeds for t in tallies),
            counts=tallies[0].counts,
        )
        if codings is not None:  # a repository's codings side by side (explorer/codings.py)
            from eventset.explorer.codings import release_documents, write_coding_pages

            version = str(manifest.get("version", ""))
            documents = release_documents(release)
            result.pages += write_coding_pages(staging, codings, documents, version)
        (staging / MARKER).write_text(
            json.dumps(
                {
                    "release": manifest.get("version"),
                    "inputs_sha256": manifest.get("inputs_sha256"),
                    "pages": result.pages,
                    "texts_from_seeds": result.texts_from_seeds,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        if out.exists():
            # Move the old site aside first, so `out` is never half old and half new.
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(old / "site")
            staging.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Tally:
    pages: int
    bytes: int
    largest: tuple[str, int]
    from_seeds: int
    counts: dict[str, int]


def _write_share(release: Path, staging: Path, seeds: Path | None, part: int, parts: int) -> _Tally:
    """One worker's share of the site: pages part, part + parts, ... of every kind, and for
    part 0 the pages there is one of (overview, lists, assets)."""
    site = _index(load(path=release), release)
    writer = _Writer(staging)
    from_seeds = _write_pages(site, writer, _environment(), seeds, _Share(part, parts))
    return _Tally(
        writer.pages,
        writer.bytes,
        writer.largest,
        from_seeds,
        {name: len(rows) for name, rows in _counts(site).items()},
    )


@dataclass(frozen=True)
class _Share:
    part: int
    parts: int

    @property
    def first(self) -> bool:
        return self.part == 0

    def mine(self, items: Iterable[T]) -> Iterator[T]:
        for i, item in enumerate(items):
            if i % self.parts == self.part:
                yield item


def _counts(site: _Site) -> dict[str, Sequence[object]]:
    return {
        "documents": list(site.documents),
        "events": list(site.events),
        "actors": list(site.actors),
        "places": list(site.places),
        "claims": list(site.claims),
        "mentions": [m for ms in site.mentions_by_document.values() for m in ms],
    }


def _write_assets(writer: _Writer) -> None:
    assets = files("eventset.explorer").joinpath("assets")
    for name in ("site.css", "site.js", "events.js"):
        writer.write(f"assets/{name}", assets.joinpath(name).read_text(encoding="utf-8"))


def _write_pages(
    site: _Site, writer: _Writer, env: Environment, seeds: Path | None, share: _Share
) -> int:
    version = str(site.manifest.get("version", ""))
    common = {"version": version, "categories": CATEGORIES, "category_labels": CATEGORY_LABELS}
    if share.first:
        _write_assets(writer)
        _write_overview(site, writer, env, common)
        _write_event_list(site, writer, env, common)
    event_page = env.get_template("event.html")
    links = _Links(site, 1)
    for event_id in share.mine(site.events):
        writer.write(
            f"events/{event_id}.html",
            event_page.render(common, root="../", **_event_context(site, links, event_id)),
        )
    from_seeds = _write_documents(site, writer, env, common, seeds, share)
    _write_actors(site, writer, env, common, share)
    _write_places(site, writer, env, common, share)
    return from_seeds


@functools.cache
def _vocab_descriptions(name: str) -> dict[str, str]:
    vocab = vocabulary(name)
    return {code.code: code.description for code in vocab.codes}


def _write_overview(site: _Site, writer: _Writer, env: Environment, common: dict[str, Any]) -> None:
    types = [t for t in vocabulary("event_types").values()]
    colours = type_colours(types)
    dated = (
        (e["date_start"] or e["date_end"], e["event_type"])
        for e in site.events.values()
        if e["date_start"] or e["date_end"]
    )
    chart, months, counts = timeline_svg(dated, types, colours)
    used_types = [t for t in types if any(counts[(m, t)] for m in months)]
    undated = sum(1 for e in site.events.values() if not (e["date_start"] or e["date_end"]))

    by_point: dict[str, list[str]] = defaultdict(list)
    for event_id, location in site.event_location.items():
        if location.point_place_id is not None:
            by_point[location.point_place_id].append(event_id)
        elif location.latitude is not None and location.place_id is not None:
            by_point[location.place_id].append(event_id)
    points = []
    for place_id, event_ids in sorted(by_point.items()):
        first = site.event_location[event_ids[0]]
        assert first.latitude is not None and first.longitude is not None
        points.append(
            MapPoint(
                first.latitude,
                first.longitude,
                _place_name(site, place_id),
                f"places/{place_id}.html",
                len(event_ids),
            )
        )
    outlines = country_outlines()
    countries = {loc.country for loc in site.event_location.values() if loc.country}
    outlines.update(bbox_outlines(c for c in countries if c not in outlines))
    unlocated = sum(1 for loc in site.event_location.values() if loc.latitude is None)

    files_ = [f for f in site.manifest.get("files", []) if isinstance(f, dict)]
    writer.write(
        "index.html",
        env.get_template("overview.html").render(
            common,
            root="",
            manifest=site.manifest,
            files=files_,
            counts={name: len(rows) for name, rows in _counts(site).items()},
            timeline=chart,
            months=months,
            month_counts=counts,
            used_types=used_types,
            colours=colours,
            undated=undated,
            map=map_svg(points, outlines),
            located=len(site.events) - unlocated,
            unlocated=unlocated,
            map_points=sorted(points, key=lambda p: -p.count)[:20],
        ),
    )


def _event_row(site: _Site, event_id: str, actor_index: Mapping[str, int]) -> list[Any]:
    event = site.events[event_id]
    location = site.event_location[event_id]
    actor_ids = sorted({p["actor_id"] for p in site.participants.get(event_id, [])})
    return [
        event_id,
        event["event_type"],
        _date(event["date_start"]),
        _date(event["date_end"]),
        location.country or "",
        _place_name(site, event["place_id"]),
        event["certainty"],
        event["summary"],
        [actor_index[a] for a in actor_ids if a in actor_index],
    ]


def _write_event_list(
    site: _Site, writer: _Writer, env: Environment, common: dict[str, Any]
) -> None:
    actor_ids = sorted(site.actors)
    actor_index = {a: i for i, a in enumerate(actor_ids)}
    rows = [_event_row(site, event_id, actor_index) for event_id in site.events]
    parts = max(1, -(-len(rows) // EVENTS_PER_PART))
    for part in range(parts):
        chunk = rows[part * EVENTS_PER_PART : (part + 1) * EVENTS_PER_PART]
        writer.write(
            f"data/events-{part}.js",
            "window.EVENTSET_EVENTS=(window.EVENTSET_EVENTS||[]).concat("
            + json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
            + ");\n",
        )
    writer.write(
        "data/actors.js",
        "window.EVENTSET_ACTORS="
        + json.dumps(
            [[a, site.actors[a]["name"]] for a in actor_ids],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + ";\n",
    )
    countries = vocabulary("countries")
    used_countries = sorted({r[4] for r in rows if r[4]})
    writer.write(
        "events/index.html",
        env.get_template("events.html").render(
            common,
            root="../",
            parts=parts,
            total=len(rows),
            first=rows[:LIST_FIRST_PAGE],
            types=sorted({r[1] for r in rows}),
            certainties=[c for c in vocabulary("certainty_levels").values()],
            countries=[
                (c, countries[c].fields.get("name", c) if c in countries else c)
                for c in used_countries
            ],
        ),
    )


def _evidence(site: _Site, kind: str, target_id: str) -> dict[str, list[dict[str, Any]]]:
    by_aspect: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mention in site.mentions_by_target.get((kind, target_id), []):
        by_aspect[str(mention["aspect"])].append(mention)
    return by_aspect


def _claim_groups(site: _Site, claims: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims grouped by claimant, groups and claims in date order."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: (c["when"], c["claim_id"])):
        groups[claim["claimant_id"]].append(claim)
    return [
        {"claimant_id": claimant, "name": _actor_name(site, claimant), "claims": items}
        for claimant, items in groups.items()
    ]


def _event_context(site: _Site, links: _Links, event_id: str) -> dict[str, Any]:
    event = site.events[event_id]
    location = site.event_location[event_id]
    evidence = _evidence(site, "event", event_id)
    participants = []
    for p in sorted(site.participants.get(event_id, []), key=lambda r: (r["role"], r["actor_id"])):
        participants.append(
            {
                **p,
                "name": _actor_name(site, p["actor_id"]),
                "evidence": [
                    m
                    for m in evidence.get("participant", [])
                    if m["actor_id"] == p["actor_id"] and m["role"] == p["role"]
                ],
            }
        )
    place_chain = []
    if event["place_id"] is not None:
        place_chain = [
            {"place_id": pid, "name": _place_name(site, pid)}
            for pid in lineage(event["place_id"], site.place_parents)
            if pid in site.places
        ]
    claims = site.claims_by_event.get(event_id, [])
    reporting = sorted({m["document_id"] for ms in evidence.values() for m in ms})
    return {
        "title": event["summary"],
        "event": event,
        "location": location,
        "place_chain": place_chain,
        "participants": participants,
        "evidence": evidence,
        "claim_groups": _claim_groups(site, claims),
        "claim_evidence": {
            c["claim_id"]: site.mentions_by_target.get(("claim", c["claim_id"]), []) for c in claims
        },
        "documents": reporting,
        "document_titles": {
            d: site.documents[d]["title"] for d in reporting if d in site.documents
        },
        "actor_names": {
            a: _actor_name(site, a)
            for c in claims
            for a in (c["claimant_id"], *c["via"], c["about_actor_id"])
            if a
        },
        "type_description": _vocab_descriptions("event_types").get(event["event_type"], ""),
        "links": links,
    }


def _write_documents(
    site: _Site,
    writer: _Writer,
    env: Environment,
    common: dict[str, Any],
    seeds: Path | None,
    share: _Share,
) -> int:
    licences = vocabulary("licences")
    languages = vocabulary("languages")
    page = env.get_template("document.html")
    links = _Links(site, 1)
    from_seeds = 0
    for document_id in share.mine(site.documents):
        document = site.documents[document_id]
        mentions = site.mentions_by_document.get(document_id, [])
        text = document["text"]
        text_source = "release"
        if text is None:
            text = _seed_text(seeds, document)
            text_source = "seed" if text is not None else "withheld"
            from_seeds += text is not None
        spans = [
            Span(
                m["mention_id"],
                m["char_start"],
                m["char_end"],
                category(m["target_kind"], m["aspect"]),
            )
            for m in mentions
        ]
        licence = licences[document["licence"]] if document["licence"] in licences else None  # noqa: SIM401
        language = document["language"]
        writer.write(
            f"documents/{document_id}.html",
            page.render(
                common,
                root="../",
                title=document["title"],
                document=document,
                body=highlighted_html(text, spans) if text is not None else None,
                text_source=text_source,
                mentions=mentions,
                categories_of={
                    m["mention_id"]: category(m["target_kind"], m["aspect"]) for m in mentions
                },
                actor_names={m["actor_id"]: _actor_name(site, m["actor_id"]) for m in mentions},
                target_labels={
                    m["mention_id"]: _target_label(site, m["target_kind"], m["target_id"])
                    for m in mentions
                },
                licence_title=(licence.fields.get("title") if licence else None)
                or document["licence"],
                licence_description=licence.description if licence else "",
                language_name=(
                    languages[language].fields.get("name") if language in languages else language
                ),
                outlet=_actor_name(site, document["outlet_id"]),
                links=links,
            ),
        )
    if not share.first:
        return from_seeds
    ids = list(site.documents)
    pages = max(1, -(-len(ids) // DOCUMENTS_PER_PAGE))
    listing = env.get_template("documents.html")
    for number in range(1, pages + 1):
        chunk = ids[(number - 1) * DOCUMENTS_PER_PAGE : number * DOCUMENTS_PER_PAGE]
        writer.write(
            "documents/index.html" if number == 1 else f"documents/page-{number}.html",
            listing.render(
                common,
                root="../",
                title="Documents",
                documents=[site.documents[d] for d in chunk],
                mention_counts={d: len(site.mentions_by_document.get(d, [])) for d in chunk},
                page=number,
                pages=pages,
                total=len(ids),
            ),
        )
    return from_seeds


def _write_actors(
    site: _Site, writer: _Writer, env: Environment, common: dict[str, Any], share: _Share
) -> None:
    page = env.get_template("actor.html")
    claims_page = env.get_template("actor_claims.html")
    for actor_id in share.mine(site.actors):
        actor = site.actors[actor_id]
        by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in site.actor_events.get(actor_id, []):
            if row["event_id"] in site.events:
                by_role[row["role"]].append(site.events[row["event_id"]])
        roles = [
            {
                "role": role,
                "total": len(events),
                "events": sorted(events, key=lambda e: (_date(e["date_start"]), e["event_id"]))[
                    :ROLE_CAP
                ],
            }
            for role, events in sorted(by_role.items())
        ]
        made = site.claims_by_claimant.get(actor_id, [])
        pages = max(1, -(-len(made) // CLAIMS_PER_PAGE))
        about = sorted(
            site.claims_about_actor.get(actor_id, []), key=lambda c: (c["when"], c["claim_id"])
        )
        named_in = site.documents_by_actor.get(actor_id, [])
        links = _Links(site, 1)
        context = {
            "title": actor["name"],
            "actor": actor,
            "roles": roles,
            "role_cap": ROLE_CAP,
            "claims": made[:CLAIMS_PER_PAGE],
            "claims_total": len(made),
            "claim_pages": pages,
            "about": about[:CLAIMS_PER_PAGE],
            "about_total": len(about),
            "named_in": [site.documents[d] for d in named_in[:NAMED_IN_CAP]],
            "named_total": len(named_in),
            "parent_name": _actor_name(site, actor["parent_id"]),
            "kind_description": _vocab_descriptions("actor_kinds").get(actor["kind"], ""),
            "actor_names": {
                a: _actor_name(site, a)
                for c in made[:CLAIMS_PER_PAGE] + about[:CLAIMS_PER_PAGE]
                for a in (c["claimant_id"], *c["via"], c["about_actor_id"])
                if a
            },
            "links": links,
        }
        writer.write(f"actors/{actor_id}.html", page.render(common, root="../", **context))
    # Further pages of claims are shared out one by one: one outlet may make most claims.
    nested = _Links(site, 2)
    further = [
        (actor_id, number)
        for actor_id, made in site.claims_by_claimant.items()
        if actor_id in site.actors
        for number in range(2, -(-len(made) // CLAIMS_PER_PAGE) + 1)
    ]
    for actor_id, number in share.mine(further):
        actor = site.actors[actor_id]
        made = site.claims_by_claimant[actor_id]
        pages = -(-len(made) // CLAIMS_PER_PAGE)
        chunk = made[(number - 1) * CLAIMS_PER_PAGE : number * CLAIMS_PER_PAGE]
        writer.write(
            f"actors/{actor_id}/claims-{number}.html",
            claims_page.render(
                common,
                root="../../",
                title=f"Claims by {actor['name']}, page {number}",
                actor=actor,
                claims=chunk,
                page=number,
                pages=pages,
                total=len(made),
                actor_names={
                    a: _actor_name(site, a)
                    for c in chunk
                    for a in (c["claimant_id"], *c["via"], c["about_actor_id"])
                    if a
                },
                links=nested,
            ),
        )
    if not share.first:
        return
    writer.write(
        "actors/index.html",
        env.get_template("actors.html").render(
            common,
            root="../",
            title="Actors",
            actors=sorted(
                site.actors.values(), key=lambda a: (a["name"].casefold(), a["actor_id"])
            ),
            event_counts={
                a: len({r["event_id"] for r in rows}) for a, rows in site.actor_events.items()
            },
            claim_counts={a: len(c) for a, c in site.claims_by_claimant.items()},
        ),
    )


def _write_places(
    site: _Site, writer: _Writer, env: Environment, common: dict[str, Any], share: _Share
) -> None:
    parents = site.place_parents
    page = env.get_template("place.html")
    links = _Links(site, 1)
    for place_id in share.mine(site.places):
        place = site.places[place_id]
        event_ids = site.events_by_place.get(place_id, [])
        writer.write(
            f"places/{place_id}.html",
            page.render(
                common,
                root="../",
                title=place["name"],
                place=place,
                chain=[
                    {"place_id": pid, "name": _place_name(site, pid)}
                    for pid in lineage(place_id, parents)[1:]
                    if pid in site.places
                ],
                children=[
                    {"place_id": c, "name": _place_name(site, c)}
                    for c in site.children.get(place_id, [])
                ],
                events=[site.events[e] for e in event_ids[:PLACE_EVENTS_CAP]],
                events_total=len(event_ids),
                cap=PLACE_EVENTS_CAP,
                kind_description=_vocab_descriptions("place_kinds").get(place["kind"], ""),
                links=links,
            ),
        )
    if not share.first:
        return
    writer.write(
        "places/index.html",
        env.get_template("places.html").render(
            common,
            root="../",
            title="Places",
            places=sorted(
                site.places.values(),
                key=lambda p: (p["country"], p["name"].casefold(), p["place_id"]),
            ),
            event_counts={p: len(e) for p, e in site.events_by_place.items()},
        ),
    )
