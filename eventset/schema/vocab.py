"""Controlled vocabularies of the dataset, loaded from the YAML files in ``vocabularies/``.

Each file holds one vocabulary: a name, a description and a list of codes, each code with a
description and vocabulary-specific fields (crosswalks to PLOVER, CAMEO, ACLED, UCDP, GTD).
The files are the source of truth; this module only reads and checks them. Every command
reads them at start-up, so `eventset generate` keeps a JSON mirror of their data beside them
(`vocabularies.json`, with the sha256 of each file's bytes): json reads it in a millisecond where
libyaml took about 25 ms of every command. A file whose bytes are not the ones mirrored (edited
since the last `eventset generate`) is read from its YAML, so the mirror is never wrong, only
slower when stale; `eventset generate --check` fails on a stale one.

>>> "ASSAULT" in vocabulary("event_types")
True
>>> event_crosswalk("ASSAULT", "explosives").acled_sub_event_type
'Remote explosive/landmine/IED'
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

__all__ = [
    "VOCABULARY_DIR",
    "ClaimKindCues",
    "Code",
    "EventCrosswalk",
    "EvidenceCues",
    "NumberWords",
    "Vocabulary",
    "bbox_contains",
    "event_crosswalk",
    "event_modes",
    "evidence_cues",
    "place_kind_rank",
    "vocabulary",
    "vocabulary_names",
]

VOCABULARY_DIR = Path(__file__).resolve().with_name("vocabularies")
MIRROR = VOCABULARY_DIR / "vocabularies.json"  # generated: mirror_text()


@dataclass(frozen=True)
class Code:
    """One code of a vocabulary: the code, what it means, and its extra fields (read-only)."""

    code: str
    description: str
    fields: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}), hash=False)


@dataclass(frozen=True)
class Vocabulary:
    """A named, ordered set of codes."""

    name: str
    description: str
    codes: tuple[Code, ...]
    _index: Mapping[str, Code] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, Code] = {}
        for code in self.codes:
            if code.code in index:
                raise ValueError(f"vocabulary {self.name!r}: duplicate code {code.code!r}")
            index[code.code] = code
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __getitem__(self, code: str) -> Code:
        try:
            return self._index[code]
        except KeyError:
            hint = self.closest(code) if isinstance(code, str) else None
            suffix = f"; did you mean {hint!r}?" if hint is not None else ""
            raise KeyError(f"{code!r} is not a code of vocabulary {self.name!r}{suffix}") from None

    def __iter__(self) -> Iterator[str]:
        """Iterate over the code strings, in file order (like ``values()``)."""
        return iter(self._index)

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> tuple[str, ...]:
        """The codes, in file order."""
        return tuple(self._index)

    def closest(self, code: str) -> str | None:
        """The code nearest to ``code`` (for "did you mean" hints), or None if nothing is close.

        Case, surrounding spaces, hyphens and inner spaces are ignored first, so
        ``"Suicide-Attack"`` finds ``suicide_attack`` and ``"assault"`` finds ``ASSAULT``.
        """
        if code in self._index:
            return code
        folded = {value.lower(): value for value in self._index}
        key = code.strip().lower().replace("-", "_").replace(" ", "_")
        if key in folded:
            return folded[key]
        matches = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
        return folded[matches[0]] if matches else None


def _freeze(value: object) -> object:
    """Deep read-only copy: mappings become MappingProxyType, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _codes(items: object, where: str) -> tuple[Code, ...]:
    if not isinstance(items, list):
        raise ValueError(f"{where}: 'codes' must be a list")
    codes: list[Code] = []
    for position, item in enumerate(items):
        at = f"{where}: codes[{position}]"
        if not isinstance(item, Mapping):
            raise ValueError(f"{at}: expected a mapping")
        extra = {str(k): v for k, v in item.items() if k not in ("code", "description")}
        codes.append(
            Code(
                code=_text(item.get("code"), f"{at}.code"),
                description=_text(item.get("description"), f"{at}.description"),
                fields=MappingProxyType({k: _freeze(v) for k, v in extra.items()}),
            )
        )
    return tuple(codes)


@functools.cache
def vocabulary_names() -> tuple[str, ...]:
    """Names of all vocabularies, sorted."""
    return tuple(sorted(path.stem for path in VOCABULARY_DIR.glob("*.yaml")))


@functools.cache
def vocabulary(name: str) -> Vocabulary:
    """Load the vocabulary ``name``.

    Raises ValueError if there is no such vocabulary or its file is malformed.
    """
    if name not in vocabulary_names():
        hint = difflib.get_close_matches(name, vocabulary_names(), n=1)
        suffix = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(f"unknown vocabulary {name!r}{suffix}")
    path = VOCABULARY_DIR / f"{name}.yaml"
    data = _data(name, path.read_bytes())
    where = path.name
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected a mapping at the top level")
    if data.get("name") != name:
        raise ValueError(f"{where}: 'name' is {data.get('name')!r}, expected {name!r}")
    return Vocabulary(
        name=name,
        description=_text(data.get("description"), f"{where}: description"),
        codes=_codes(data.get("codes"), where),
    )


def _digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@functools.cache
def _mirrored() -> dict[str, object]:
    try:
        mirrored = json.loads(MIRROR.read_bytes())
    except (OSError, ValueError):
        return {}
    return mirrored if isinstance(mirrored, dict) else {}


def _data(name: str, raw: bytes) -> object:
    """The data of a vocabulary file: from the mirror when it holds these very bytes' data."""
    kept = _mirrored().get(name)
    if isinstance(kept, dict) and kept.get("sha256") == _digest(raw):
        return kept.get("data")
    return yaml.load(raw, Loader=yaml.CSafeLoader)


def mirror_text() -> str:
    """The JSON mirror of every vocabulary file (written by `eventset generate`): each file's
    data and the sha256 of its bytes. A file whose data JSON cannot hold exactly (a date, a key
    that is not a string) is left out, and read from its YAML."""
    mirrored: dict[str, object] = {}
    for name in vocabulary_names():
        raw = (VOCABULARY_DIR / f"{name}.yaml").read_bytes()
        data = yaml.load(raw, Loader=yaml.CSafeLoader)
        try:
            exact = json.loads(json.dumps(data)) == data and _same_types(data)
        except (TypeError, ValueError):
            exact = False
        if exact:
            mirrored[name] = {"sha256": _digest(raw), "data": data}
    return json.dumps(mirrored, ensure_ascii=False, separators=(",", ":")) + "\n"


def _same_types(value: object) -> bool:
    """Whether JSON gives `value` back with the same types (== holds 1 == 1.0 == True)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _same_types(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_same_types(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(v for v in value if isinstance(v, str))
    return ()


@functools.cache
def event_modes(event_type: str) -> Vocabulary:
    """The modes of one PLOVER event type, as a vocabulary named ``modes_<TYPE>``.

    Empty for types without modes (AGREE, SUPPORT, ...); KeyError for an unknown type.
    """
    parent = vocabulary("event_types")[event_type]
    codes: list[Code] = []
    modes = parent.fields.get("modes", ())
    if not isinstance(modes, Sequence):
        raise ValueError(f"event_types.yaml: modes of {event_type} must be a list")
    for item in modes:
        if not isinstance(item, Mapping):
            raise ValueError(f"event_types.yaml: a mode of {event_type} is not a mapping")
        where = f"event_types.yaml: {event_type} modes"
        codes.append(
            Code(
                code=_text(item.get("code"), f"{where}.code"),
                description=_text(item.get("description"), f"{where}.description"),
                fields=MappingProxyType(
                    {str(k): v for k, v in item.items() if k not in ("code", "description")}
                ),
            )
        )
    return Vocabulary(
        name=f"modes_{event_type}",
        description=f"Modes of the PLOVER event type {event_type}: {parent.description}",
        codes=tuple(codes),
    )


@dataclass(frozen=True)
class EventCrosswalk:
    """Codes of other schemes for one PLOVER type and mode, as the vocabulary defines them."""

    plover_type: str
    plover_mode: str | None
    cameo_code: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    gtd_attacktype: int | None


def _common_prefix(codes: Sequence[str]) -> str:
    prefix = codes[0]
    for code in codes[1:]:
        while not code.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def _cameo_code(mode_codes: Sequence[str], roots: Sequence[str]) -> str | None:
    """The most specific CAMEO code covering every code mapped to a mode.

    One mapped code: that code. Several: their common CAMEO parent when it is more specific
    than a root (1832 and 1833 give 183), or a shared root of the type. Otherwise, or with none
    mapped, the type's first (principal) root.
    """
    first_root = roots[0] if roots else None
    if not mode_codes:
        return first_root
    prefix = _common_prefix(mode_codes)
    if len(prefix) >= 3 or (len(prefix) == 2 and prefix in roots):
        return prefix
    return first_root


def event_crosswalk(event_type: str, mode: str | None) -> EventCrosswalk:
    """Crosswalk of a PLOVER type and (optional) mode; KeyError for an unknown type or mode.

    ACLED values come from the mode when it defines an ACLED event type, else from the type.
    The GTD attack type is defined for modes only.
    """
    parent = vocabulary("event_types")[event_type]
    roots = _str_tuple(parent.fields.get("cameo_roots"))
    acled_type = _str_or_none(parent.fields.get("acled_event_type"))
    acled_sub = _str_or_none(parent.fields.get("acled_sub_event_type"))
    if mode is None:
        return EventCrosswalk(
            plover_type=event_type,
            plover_mode=None,
            cameo_code=roots[0] if roots else None,
            acled_event_type=acled_type,
            acled_sub_event_type=acled_sub,
            gtd_attacktype=None,
        )
    entry = event_modes(event_type)[mode]
    mode_acled_type = _str_or_none(entry.fields.get("acled_event_type"))
    if mode_acled_type is not None:
        acled_type = mode_acled_type
        acled_sub = _str_or_none(entry.fields.get("acled_sub_event_type"))
    return EventCrosswalk(
        plover_type=event_type,
        plover_mode=mode,
        cameo_code=_cameo_code(_str_tuple(entry.fields.get("cameo")), roots),
        acled_event_type=acled_type,
        acled_sub_event_type=acled_sub,
        gtd_attacktype=_int_or_none(entry.fields.get("gtd_attacktype")),
    )


def place_kind_rank(kind: str) -> int:
    """How wide a place kind is, from 1 (a country) to the narrowest (a site): a place's kind
    must rank higher than its parent's. KeyError for an unknown kind."""
    rank = vocabulary("place_kinds")[kind].fields.get("rank")
    if not isinstance(rank, int) or isinstance(rank, bool):
        raise ValueError(f"place_kinds.yaml: {kind} has no integer rank")
    return rank


def bbox_contains(bbox: Sequence[float], lon: float, lat: float) -> bool:
    """Whether a ``[min_lon, min_lat, max_lon, max_lat]`` box (as in countries.yaml) holds a point.

    A box with min_lon greater than max_lon crosses the antimeridian (RFC 7946, 5.2).
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    if not min_lat <= lat <= max_lat:
        return False
    if min_lon <= max_lon:
        return min_lon <= lon <= max_lon
    return lon >= min_lon or lon <= max_lon


@dataclass(frozen=True)
class ClaimKindCues:
    """The cue words of one claim kind in one language (`evidence_cues.yaml`).

    `required`: a claim of the kind must hold one of its cues (statements and reports can be
    made in any words; their cues only help proposals). `number`: the evidence must hold a
    number instead (a casualty figure). `negated_cues_of`: another kind whose cues, under a
    negation, also fit ("no group has claimed" is a no_claim made of responsibility's words).
    """

    kind: str
    required: bool
    cues: tuple[str, ...]
    number: bool = False
    negated_cues_of: str | None = None


@dataclass(frozen=True)
class NumberWords:
    """How one language writes numbers in words: units ("four" 4), multipliers ("dozen" 12,
    "hundred" 100, which multiply the number before them), approximations ("at least") that
    leave the number as it is, and phrases that state zero ("no casualties")."""

    units: Mapping[str, int]
    multipliers: Mapping[str, int]
    approximations: tuple[str, ...]
    zero_phrases: tuple[str, ...]
    # For proposals only: approximations that make a figure a range's low or high end.
    low_bounds: tuple[str, ...] = ()
    high_bounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceCues:
    """The cue words of one language: what evidence of each claim kind and event type says.

    Cues are patterns (syntax in `vocabularies/README.md`, compiled by
    `eventset.schema.cues.cue_pattern`): lowercase words matched whole and case-insensitively,
    `*` at the end of a word for any ending, `...` for up to four words in between.
    """

    language: str
    negations: tuple[str, ...]
    negation_window: int
    clause_breaks: tuple[str, ...]
    claim_kinds: Mapping[str, ClaimKindCues]
    event_types: Mapping[str, tuple[str, ...]]
    event_modes: Mapping[tuple[str, str], tuple[str, ...]]
    numbers: NumberWords
    casualties: Mapping[str, tuple[str, ...]]
    # For proposals only: accusation cues that are the writer's framing, not a report of
    # speech; nouns that name an actor of a kind (actor_kinds.yaml) without its name.
    framing: tuple[str, ...] = ()
    actor_nouns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def event_triggers(self, event_type: str, mode: str | None) -> tuple[str, ...]:
        """Trigger words of a type, plus those of its mode."""
        own = self.event_types.get(event_type, ())
        if mode is None:
            return own
        return own + self.event_modes.get((event_type, mode), ())


def _words(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ValueError(f"{where}: expected a list of words")
    words = tuple(_text(v, where) for v in value)
    for word in words:
        if word != word.lower():
            raise ValueError(f"{where}: {word!r} must be lowercase (matching ignores case)")
    return words


def _numbers(value: object, where: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected a mapping of words to numbers")
    out: dict[str, int] = {}
    for word, number in value.items():
        if _int_or_none(number) is None:
            raise ValueError(f"{where}: {word!r} must map to an integer")
        out[_text(word, where)] = int(number)
    return MappingProxyType(out)


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    return value


@functools.cache
def evidence_cues(language: str) -> EvidenceCues | None:
    """The cue words for texts in `language` (ISO 639-1), or None when the vocabulary has no
    entry for it (the meaning checks then say nothing rather than guess).

    Raises ValueError when the entry is malformed or misses a claim kind or event type.
    """
    cues = vocabulary("evidence_cues")
    if language not in cues:
        return None
    entry = cues[language].fields
    where = f"evidence_cues.yaml: {language}"
    kinds: dict[str, ClaimKindCues] = {}
    for kind, spec in _mapping(entry.get("claim_kinds"), f"{where}.claim_kinds").items():
        at = f"{where}.claim_kinds.{kind}"
        spec = _mapping(spec, at)
        if kind not in vocabulary("claim_kinds"):
            raise ValueError(f"{at}: {kind!r} is not a claim kind")
        negated_of = _str_or_none(spec.get("negated_cues_of"))
        kinds[kind] = ClaimKindCues(
            kind=kind,
            required=spec.get("required") is True,
            cues=_words(spec.get("cues", []), f"{at}.cues"),
            number=spec.get("number") is True,
            negated_cues_of=negated_of,
        )
    missing = set(vocabulary("claim_kinds")) - set(kinds)
    if missing:
        raise ValueError(f"{where}.claim_kinds: no entry for {sorted(missing)}")
    for spec in kinds.values():
        if spec.negated_cues_of is not None and spec.negated_cues_of not in kinds:
            raise ValueError(f"{where}: {spec.kind}.negated_cues_of is not a claim kind")
    types: dict[str, tuple[str, ...]] = {}
    modes: dict[tuple[str, str], tuple[str, ...]] = {}
    for event_type, spec in _mapping(entry.get("event_types"), f"{where}.event_types").items():
        at = f"{where}.event_types.{event_type}"
        spec = _mapping(spec, at)
        if event_type not in vocabulary("event_types"):
            raise ValueError(f"{at}: {event_type!r} is not an event type")
        types[event_type] = _words(spec.get("triggers"), f"{at}.triggers")
        for mode, words in _mapping(spec.get("modes", {}), f"{at}.modes").items():
            if mode not in event_modes(event_type):
                raise ValueError(f"{at}.modes: {mode!r} is not a mode of {event_type}")
            modes[(event_type, mode)] = _words(words, f"{at}.modes.{mode}")
    missing = set(vocabulary("event_types")) - set(types)
    if missing:
        raise ValueError(f"{where}.event_types: no entry for {sorted(missing)}")
    numbers = _mapping(entry.get("numbers"), f"{where}.numbers")
    window = _int_or_none(entry.get("negation_window"))
    if window is None or window < 1:
        raise ValueError(f"{where}.negation_window: expected a positive integer")
    casualties = _mapping(entry.get("casualties"), f"{where}.casualties")
    nouns = _mapping(entry.get("actor_nouns", {}), f"{where}.actor_nouns")
    for kind in nouns:
        if kind not in vocabulary("actor_kinds"):
            raise ValueError(f"{where}.actor_nouns: {kind!r} is not an actor kind")
    return EvidenceCues(
        language=language,
        negations=_words(entry.get("negations"), f"{where}.negations"),
        negation_window=window,
        clause_breaks=_words(entry.get("clause_breaks"), f"{where}.clause_breaks"),
        claim_kinds=MappingProxyType(kinds),
        event_types=MappingProxyType(types),
        event_modes=MappingProxyType(modes),
        numbers=NumberWords(
            units=_numbers(numbers.get("units"), f"{where}.numbers.units"),
            multipliers=_numbers(numbers.get("multipliers"), f"{where}.numbers.multipliers"),
            approximations=_words(numbers.get("approximations"), f"{where}.numbers"),
            zero_phrases=_words(numbers.get("zero_phrases"), f"{where}.numbers"),
            low_bounds=_words(numbers.get("low_bounds", []), f"{where}.numbers.low_bounds"),
            high_bounds=_words(numbers.get("high_bounds", []), f"{where}.numbers.high_bounds"),
        ),
        casualties=MappingProxyType(
            {
                str(what): _words(words, f"{where}.casualties.{what}")
                for what, words in casualties.items()
            }
        ),
        framing=_words(entry.get("framing", []), f"{where}.framing"),
        actor_nouns=MappingProxyType(
            {
                str(kind): _words(words, f"{where}.actor_nouns.{kind}")
                for kind, words in nouns.items()
            }
        ),
    )
