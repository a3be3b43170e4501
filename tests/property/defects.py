"""Defects to inject into a valid generated corpus, one per error code, each in one way.

A defect takes the corpus and a Hypothesis `data` object (to choose where to break it) and
returns the corpus's files after the edit, plus where the problem must be reported. Locations
of YAML nodes are found with PyYAML's pure-Python composer, independently of the loader the
build uses.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from hypothesis import reject
from hypothesis import strategies as st

from eventset.schema.hierarchy import MAX_DEPTH, ancestors
from eventset.schema.vocab import event_modes, vocabulary
from eventset.testing import Corpus, SyntheticDocument, dump_yaml, model_data, words
from eventset.validation.document_checks import disputing

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Injected:
    files: dict[str, bytes]
    file: str  # where the problem must be reported
    line: int
    column: int


Defect = Callable[[Corpus, st.DataObject], Injected]


def locate(text: str, path: Path, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at `path` (or of its key)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    node: yaml.Node = root
    key_node: yaml.Node | None = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            key_node, node = next((k, v) for k, v in node.value if k.value == part)
        else:
            key_node, node = None, node.value[part]
    target = key_node if key and key_node is not None else node
    return target.start_mark.line + 1, target.start_mark.column + 1


def annotation_path(document_id: str) -> str:
    return f"data/annotations/{document_id}.yaml"


def _edited(
    corpus: Corpus, file: str, data: dict[str, Any], path: Path, key: bool = False
) -> Injected:
    """The corpus with one YAML file replaced by `data`; the problem is at `path` in it."""
    files = corpus.files()
    text = dump_yaml(data)
    files[file] = text.encode("utf-8")
    return Injected(files, file, *locate(text, path, key=key))


def _standalone(corpus: Corpus, document: SyntheticDocument) -> bool:
    """Whether the corpus stays valid without this document's references: a file that does not
    load defines no events, so claims elsewhere about events only it defines would fail too."""
    own = {e.id for e in document.annotation.events}
    defined_elsewhere = {
        e.id for d in corpus.documents if d is not document for e in d.annotation.events
    }
    used_elsewhere = {
        c.about.event for d in corpus.documents if d is not document for c in d.annotation.claims
    }
    return not (own - defined_elsewhere) & used_elsewhere


def _document(corpus: Corpus, data: st.DataObject, need: str | None = None) -> SyntheticDocument:
    """A document (with at least one claim or event when `need` says so) whose breaking breaks
    nothing else."""
    candidates = [
        d
        for d in corpus.documents
        if (need is None or getattr(d.annotation, need)) and _standalone(corpus, d)
    ]
    if not candidates:
        reject()
    return data.draw(st.sampled_from(candidates))


def _claim(corpus: Corpus, data: st.DataObject) -> tuple[SyntheticDocument, dict[str, Any], int]:
    document = _document(corpus, data, "claims")
    annotation = model_data(document.annotation)
    index = data.draw(st.integers(0, len(annotation["claims"]) - 1))
    return document, annotation, index


def _edit_claim(
    corpus: Corpus, data: st.DataObject, change: Callable[[dict[str, Any], SyntheticDocument], Path]
) -> Injected:
    """Change one claim; `change` edits it in place and returns the path (below the claim) at fault."""
    document, annotation, i = _claim(corpus, data)
    below = change(annotation["claims"][i], document)
    return _edited(corpus, annotation_path(document.id), annotation, ("claims", i, *below))


def _first_quote(selector: str | dict[str, Any]) -> str:
    return selector if isinstance(selector, str) else str(selector["quote"])


def _refrain(text: str) -> str:
    return next(r for r in words.REFRAINS if text.count(r) >= 2)


# --- layer 1: the bytes of a file ----------------------------------------------------------


def _raw_edit(edit: Callable[[bytes], bytes], where: Callable[[str], tuple[int, int]]) -> Defect:
    def inject(corpus: Corpus, data: st.DataObject) -> Injected:
        document = _document(corpus, data)
        file = annotation_path(document.id)
        files = corpus.files()
        before = files[file].decode("utf-8")
        files[file] = edit(files[file])
        return Injected(files, file, *where(before))

    return inject


def _format_line(text: str) -> int:
    return text.split("\n").index("format: 1") + 1


def _at_format(column: int, line_offset: int = 0) -> Callable[[str], tuple[int, int]]:
    return lambda text: (_format_line(text) + line_offset, column)


def _last_line(text: str) -> int:
    return text.count("\n") + 1


FILE_DEFECTS: dict[str, Defect] = {
    "E101": _raw_edit(lambda raw: raw + b"#" * (2 * 1024 * 1024 + 1), lambda _: (1, 1)),
    "E102": _raw_edit(
        lambda raw: raw.replace(b"format: 1\n", b"format: 1 # \xff\n"), _at_format(13)
    ),
    "E103": _raw_edit(lambda raw: b"\xef\xbb\xbf" + raw, lambda _: (1, 1)),
    "E104": _raw_edit(lambda raw: raw.replace(b"format: 1\n", b"format: 1\x00\n"), _at_format(10)),
    "E105": _raw_edit(lambda raw: raw.replace(b"format: 1\n", b"format:\t1\n"), _at_format(8)),
    "E106": _raw_edit(lambda raw: raw.replace(b"format: 1\n", b"format: a: b\n"), _at_format(10)),
    "E107": _raw_edit(lambda raw: raw.replace(b"format: 1\n", b"format: &a 1\n"), _at_format(9)),
    "E108": _raw_edit(
        lambda raw: raw.replace(b"format: 1\n", b"format: 1\nformat: 1\n"), _at_format(1, 1)
    ),
    # The 33rd bracket is the first node deeper than the limit of 32 levels.
    "E109": _raw_edit(
        lambda raw: raw + b"deep: " + b"[" * 40 + b"]" * 40 + b"\n",
        lambda text: (_last_line(text), len("deep: ") + 33),
    ),
    # A line that lost its indentation after the last block of the file collides with `format`.
    "E115": _raw_edit(lambda raw: raw + b"format: 1\n", lambda text: (_last_line(text), 1)),
    "E116": _raw_edit(
        lambda raw: raw.replace(b"\n  sha256:", b"\n sha256:", 1),
        lambda text: (
            text.split("\n").index(next(x for x in text.split("\n") if x.startswith("  sha256:")))
            + 1,
            2,
        ),
    ),
    "E110": _raw_edit(
        lambda raw: raw.replace(b"format: 1\n", b"format: !custom 1\n"), _at_format(9)
    ),
    "E113": _raw_edit(lambda raw: b"", lambda _: (1, 1)),
    "E114": _raw_edit(
        lambda raw: raw.replace(b"format: 1\n", "format: 1 # \u200d\n".encode()), _at_format(13)
    ),
}


def _long_byline(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data)
    annotation = model_data(document.annotation)
    annotation["document"]["byline"] = "x" * 20_001
    return _edited(corpus, annotation_path(document.id), annotation, ("document", "byline"))


# --- layer 2: models --------------------------------------------------------------------------


def _set(field: str, value: Any) -> Callable[[dict[str, Any], SyntheticDocument], Path]:
    def change(claim: dict[str, Any], _: SyntheticDocument) -> Path:
        claim[field] = value
        return (field,)

    return change


def _missing_summary(claim: dict[str, Any], _: SyntheticDocument) -> Path:
    del claim["summary"]
    return ()  # a missing field is reported at its parent mapping


def _unknown_field(corpus: Corpus, data: st.DataObject) -> Injected:
    document, annotation, i = _claim(corpus, data)
    annotation["claims"][i]["synthetic_unknown_field"] = 1
    return _edited(
        corpus,
        annotation_path(document.id),
        annotation,
        ("claims", i, "synthetic_unknown_field"),
        key=True,
    )


def _document_field(field: str, value: Callable[[Any], Any]) -> Defect:
    def inject(corpus: Corpus, data: st.DataObject) -> Injected:
        document = _document(corpus, data)
        annotation = model_data(document.annotation)
        # a field the file leaves out (url: null is not written) is None
        annotation["document"][field] = value(annotation["document"].get(field))
        return _edited(corpus, annotation_path(document.id), annotation, ("document", field))

    return inject


def _original_without_rights_holder(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data)
    annotation = model_data(document.annotation)
    annotation["document"]["origin"] = "original"  # generated texts carry an open licence
    annotation["document"].pop("rights_holder", None)
    return _edited(corpus, annotation_path(document.id), annotation, ("document", "origin"))


def _bad_format(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data)
    annotation = model_data(document.annotation)
    annotation["format"] = 2
    return _edited(corpus, annotation_path(document.id), annotation, ("format",))


def _bad_mode(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data, "events")
    annotation = model_data(document.annotation)
    i = data.draw(st.integers(0, len(annotation["events"]) - 1))
    event = annotation["events"][i]
    foreign = sorted(
        {m for t in vocabulary("event_types") for m in event_modes(t)}
        - set(event_modes(event["type"]))
    )
    event["mode"] = data.draw(st.sampled_from(foreign))
    return _edited(corpus, annotation_path(document.id), annotation, ("events", i, "mode"))


# --- layer 3: quotes --------------------------------------------------------------------------


def _evidence(replace: Callable[[str | dict[str, Any], str], tuple[Any, Path]]) -> Defect:
    """Replace the first evidence selector of a claim; `replace` gets the selector and the text
    and returns the new selector and the path below it where the problem points."""

    def change(claim: dict[str, Any], document: SyntheticDocument) -> Path:
        claim["evidence"][0], below = replace(claim["evidence"][0], document.text)
        return ("evidence", 0, *below)

    return lambda corpus, data: _edit_claim(corpus, data, change)


def _repeat_evidence(claim: dict[str, Any], _: SyntheticDocument) -> Path:
    claim["evidence"].append(copy.deepcopy(claim["evidence"][0]))
    return ("evidence", len(claim["evidence"]) - 1)


def _other_normal_form(selector: str | dict[str, Any], text: str) -> tuple[Any, Path]:
    """A marked word of the text in the normal form the text does not use anywhere (a text can
    hold both forms, e.g. "Zürich" in its opening and "Zu\u0308rich Square" later)."""
    for marked in (m for m in words.MARKED if m in text):
        form: Literal["NFC", "NFD"] = (
            "NFD" if unicodedata.normalize("NFC", marked) == marked else "NFC"
        )
        other = unicodedata.normalize(form, marked)
        if other not in text:
            return other, ()
    reject()


def _with_hidden_space(selector: str | dict[str, Any], text: str) -> tuple[Any, Path]:
    quote = _first_quote(selector)
    return quote[:1] + "\u200b" + quote[1:], ()


def _cut_word(selector: str | dict[str, Any], text: str) -> tuple[Any, Path]:
    """A word of the text without its first letter, where that part occurs once."""
    for word in sorted(set(re.findall(r"\b[^\W\d_]{4,}\b", text))):
        if text.count(word[1:]) == 1:
            return word[1:], ()
    reject()


def _other_case(selector: str | dict[str, Any], text: str) -> tuple[Any, Path]:
    quote = _first_quote(selector).swapcase()
    if quote in text or quote.casefold() != _first_quote(selector).casefold():
        reject()
    return quote, ()


# --- layer 3: references and semantics --------------------------------------------------------


def _unknown_place(corpus: Corpus, data: st.DataObject) -> Injected:
    document, annotation, i = _claim(corpus, data)
    quote = annotation["claims"][i]["evidence"][0]
    annotation["places"] = [
        *annotation.get("places", []),
        {"place": "synthetic-unknown-place", "mentions": [quote]},
    ]
    at = ("places", len(annotation["places"]) - 1, "place")
    return _edited(corpus, annotation_path(document.id), annotation, at)


def _about_unknown_event(claim: dict[str, Any], document: SyntheticDocument) -> Path:
    # A disputed event needs its dispute among the claims about it (E428): moving one of those
    # claims away would be a second defect.
    event = claim.get("about", {}).get("event")
    if any(e.id == event and e.certainty == "disputed" for e in document.annotation.events):
        reject()
    claim["about"] = {**claim.get("about", {}), "event": "synthetic-event-999"}
    return ("about", "event")


def _registry_duplicate(corpus: Corpus, data: st.DataObject) -> Injected:
    actors = model_data(corpus.actors)
    actors["actors"].append(copy.deepcopy(data.draw(st.sampled_from(actors["actors"]))))
    return _edited(corpus, "data/actors.yaml", actors, ("actors", len(actors["actors"]) - 1, "id"))


def _seed_missing(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data)
    files = corpus.files()
    del files[f"seeds/{document.id}.txt"]
    file = annotation_path(document.id)
    return Injected(files, file, *locate(files[file].decode("utf-8"), ("document", "id")))


def _published(document: SyntheticDocument) -> dt.date:
    return document.annotation.document.published


def _date(make: Callable[[SyntheticDocument], tuple[dict[str, Any], Path]]) -> Defect:
    def change(claim: dict[str, Any], document: SyntheticDocument) -> Path:
        claim["date"], below = make(document)
        return ("date", *below)

    return lambda corpus, data: _edit_claim(corpus, data, change)


def _wrong_weekday(document: SyntheticDocument) -> tuple[dict[str, Any], Path]:
    published = _published(document)
    weekday = next(w for w in words.WEEKDAYS if w in document.text)
    named = published - dt.timedelta(days=(published.weekday() - words.WEEKDAYS.index(weekday)) % 7)
    date = {
        "start": named - dt.timedelta(days=1),
        "precision": "day",
        "derived": True,
        "evidence": [weekday],
    }
    return date, ("evidence", 0)


def _outside_country(corpus: Corpus, data: st.DataObject) -> Injected:
    places = model_data(corpus.places)
    i = data.draw(st.integers(0, len(places["places"]) - 1))
    places["places"][i].update(latitude=-80.0, longitude=-170.0)  # Antarctica: no country used
    return _edited(corpus, "data/places.yaml", places, ("places", i, "latitude"))


def _unordered_fatalities(corpus: Corpus, data: st.DataObject) -> Injected:
    document = _document(corpus, data, "events")
    annotation = model_data(document.annotation)
    i = data.draw(st.integers(0, len(annotation["events"]) - 1))
    event = annotation["events"][i]
    event["fatalities"] = {"low": 5, "high": 1, "evidence": [event["evidence"][0]]}
    return _edited(
        corpus, annotation_path(document.id), annotation, ("events", i, "fatalities", "high")
    )


def _unknown_parent(corpus: Corpus, data: st.DataObject) -> Injected:
    actors = model_data(corpus.actors)
    i = data.draw(st.integers(0, len(actors["actors"]) - 1))
    actors["actors"][i]["parent"] = "synthetic-no-such-parent"
    return _edited(corpus, "data/actors.yaml", actors, ("actors", i, "parent"))


def _cycle(corpus: Corpus, data: st.DataObject) -> Injected:
    """Some entries of one registry, chained by their parents into a loop (one: its own parent).
    Reported once, at the parent of the loop's last entry in the file."""
    section = data.draw(st.sampled_from(["actors", "places"]))
    registry = model_data(corpus.actors if section == "actors" else corpus.places)
    entries = registry[section]
    members = data.draw(st.lists(st.integers(0, len(entries) - 1), min_size=1, unique=True))
    for child, parent in zip(members, members[1:] + members[:1], strict=True):
        entries[child]["parent"] = entries[parent]["id"]
    return _edited(corpus, f"data/{section}.yaml", registry, (section, max(members), "parent"))


def _inverted_place(corpus: Corpus, data: st.DataObject) -> Injected:
    """A place put inside a new site of its country: a site is the narrowest kind there is."""
    places = model_data(corpus.places)
    i = data.draw(st.integers(0, len(places["places"]) - 1))
    child = places["places"][i]
    site = {"id": "synthetic-site", "name": "SYNTHETIC site", "kind": "site"}
    places["places"].append({**site, "country": child["country"]})
    child["parent"] = "synthetic-site"
    return _edited(corpus, "data/places.yaml", places, ("places", i, "parent"))


def _place_in_another_country(corpus: Corpus, data: st.DataObject) -> Injected:
    """A new site whose parent is a new country of another country code."""
    places = model_data(corpus.places)
    home, other = data.draw(
        st.lists(st.sampled_from(words.COUNTRIES), min_size=2, max_size=2, unique=True)
    )
    places["places"] += [
        {
            "id": "synthetic-country",
            "name": "SYNTHETIC country",
            "kind": "country",
            "country": home,
        },
        {
            "id": "synthetic-site",
            "name": "SYNTHETIC site",
            "kind": "site",
            "country": other,
            "parent": "synthetic-country",
        },
    ]
    return _edited(
        corpus, "data/places.yaml", places, ("places", len(places["places"]) - 1, "country")
    )


def _deep_chain(corpus: Corpus, data: st.DataObject) -> Injected:
    """An existing actor at the top of a new chain one entry deeper than any walk follows."""
    actors = model_data(corpus.actors)
    top = data.draw(st.sampled_from(actors["actors"]))["id"]
    first = len(actors["actors"])
    for i in range(MAX_DEPTH + 1):
        parent = f"synthetic-deep-{i - 1}" if i else top
        actors["actors"].append(
            {"id": f"synthetic-deep-{i}", "name": "SYNTHETIC", "kind": "person", "parent": parent}
        )
    # synthetic-deep-i has the top's ancestors, the top and i more: the first past the limit
    # is the one with MAX_DEPTH + 1.
    parents = {a["id"]: a.get("parent") for a in actors["actors"]}
    deep = first + MAX_DEPTH - len(ancestors(top, parents))
    return _edited(corpus, "data/actors.yaml", actors, ("actors", deep, "parent"))


def _value_on_statement(claim: dict[str, Any], _: SyntheticDocument) -> Path:
    claim.update(kind="statement", value=3.0)
    return ("value",)


def _undisputed(corpus: Corpus, data: st.DataObject) -> Injected:
    """An event marked disputed in a document whose claims about it show no dispute."""
    document = _document(corpus, data, "events")
    annotation = model_data(document.annotation)
    i = data.draw(st.integers(0, len(annotation["events"]) - 1))
    event = annotation["events"][i]
    about = [c for c in document.annotation.claims if c.about.event == event["id"]]
    if disputing(about):
        reject()
    event["certainty"] = "disputed"
    return _edited(corpus, annotation_path(document.id), annotation, ("events", i, "certainty"))


def _via_claimant(claim: dict[str, Any], _: SyntheticDocument) -> Path:
    claim["via"] = [claim["claimant"]]
    return ("via", 0)


def _event_conflict(corpus: Corpus, data: st.DataObject) -> Injected:
    """The last document (in path order) that reports a shared event gives it another precision."""
    reporters: dict[str, list[SyntheticDocument]] = {}
    for document in sorted(corpus.documents, key=lambda d: d.id):
        for event in document.annotation.events:
            reporters.setdefault(event.id, []).append(document)
    shared = sorted(e for e, docs in reporters.items() if len(docs) > 1)
    event_id = data.draw(st.sampled_from(shared))
    document = reporters[event_id][-1]
    annotation = model_data(document.annotation)
    i = next(k for k, e in enumerate(annotation["events"]) if e["id"] == event_id)
    date = annotation["events"][i]["date"]
    others = [p for p in vocabulary("date_precisions") if p != date["precision"]]
    date["precision"] = data.draw(st.sampled_from(others))
    return _edited(corpus, annotation_path(document.id), annotation, ("events", i, "date"))


NOT_IN_ANY_TEXT = "SYNTHETIC words that no generated text contains"

DEFECTS: dict[str, Defect] = {
    **FILE_DEFECTS,
    "E112": _long_byline,
    "E201": lambda corpus, data: _edit_claim(corpus, data, _missing_summary),
    "E202": _unknown_field,
    "E203": lambda corpus, data: _edit_claim(corpus, data, _set("via", "not-a-list")),
    "E204": lambda corpus, data: _edit_claim(corpus, data, _set("kind", "rumour")),
    "E205": lambda corpus, data: _edit_claim(corpus, data, _set("id", "Synthetic_Claim")),
    "E206": _document_field("published", lambda _: "2021-02-30"),
    "E207": _bad_format,
    "E208": lambda corpus, data: _edit_claim(corpus, data, _set("value", -1.0)),
    "E209": _bad_mode,
    "E210": _document_field("url", lambda _: "ftp://synthetic.example/news"),
    "E301": _evidence(lambda selector, text: (NOT_IN_ANY_TEXT, ())),
    "E302": _evidence(lambda selector, text: (_refrain(text), ())),
    "E303": _evidence(
        lambda selector, text: (
            {"quote": _refrain(text), "occurrence": text.count(_refrain(text)) + 1},
            ("occurrence",),
        )
    ),
    "E304": lambda corpus, data: _edit_claim(corpus, data, _repeat_evidence),
    "E305": _evidence(lambda selector, text: (_first_quote(selector) + " ", ())),
    "E306": _evidence(_other_normal_form),
    "E307": _evidence(_with_hidden_space),
    "E308": _evidence(_cut_word),
    "E309": _evidence(_other_case),
    "E401": lambda corpus, data: _edit_claim(
        corpus, data, _set("claimant", "synthetic-unknown-actor")
    ),
    "E402": _unknown_place,
    "E403": lambda corpus, data: _edit_claim(corpus, data, _about_unknown_event),
    "E404": _registry_duplicate,
    "E405": _seed_missing,
    "E406": _document_field("sha256", lambda _: "sha256:" + "0" * 64),
    "E407": _document_field("id", lambda _: "synthetic_999"),
    "E408": _document_field("title", lambda title: title + " (edited)"),
    "E409": _date(
        lambda d: (
            {
                "start": _published(d),
                "end": _published(d) - dt.timedelta(days=1),
                "precision": "interval",
            },
            ("end",),
        )
    ),
    "E410": _date(
        lambda d: ({"start": _published(d) + dt.timedelta(days=1), "precision": "day"}, ("start",))
    ),
    "E411": _date(_wrong_weekday),
    "E412": _outside_country,
    "E413": _unordered_fatalities,
    "E414": _unknown_parent,
    "E415": _date(
        lambda d: ({"start": _published(d), "precision": "day", "derived": True}, ("derived",))
    ),
    "E416": lambda corpus, data: _edit_claim(corpus, data, _via_claimant),
    "E418": _cycle,
    "E419": _inverted_place,
    "E420": _place_in_another_country,
    "E421": _deep_chain,
    "E425": _date(
        lambda d: (
            {
                "start": _published(d) - dt.timedelta(days=1),
                "precision": "day",
                "evidence": [_published(d).isoformat()],  # the header's date
            },
            ("start",),
        )
    ),
    "E214": _original_without_rights_holder,
    "E426": _document_field("licence", lambda _: "all_rights_reserved"),
    "E427": lambda corpus, data: _edit_claim(corpus, data, _value_on_statement),
    "E428": _undisputed,
    "E501": _event_conflict,
}

# Codes no edit of a corpus's file contents can produce, each tested in tests/build/test_error_codes.py.
EXCLUDED: dict[str, str] = {
    "E111": "a symlink or non-regular file: a file-system condition, not file content",
    "E417": "reported only for a stray YAML file named as a validation target, not in a corpus run",
    **dict.fromkeys(
        ("E211", "E212", "E213"),
        "JSON records files of `eventset import plover`, not corpus files (tests/imports/)",
    ),
    "E701": "a choice left by `eventset adjudicate`: tests/agreement/test_adjudicate.py",
    "E702": "a file misplaced under data/codings/: tests/agreement/test_codings.py",
    **{
        code: "a warning, which does not refuse a build: broken into generated corpora by "
        "tests/property/test_meaning.py"
        for code in ("W601", "W602", "W603", "W604", "W605", "W606", "W607")
    },
}
