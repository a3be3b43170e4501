"""Controlled vocabularies of the dataset, loaded from the YAML files in ``vocabularies/``.

Each file holds one vocabulary: a name, a description and a list of codes, each code with a
description and vocabulary-specific fields (crosswalks to PLOVER, CAMEO, ACLED, UCDP, GTD).
The files are the source of truth; this module only reads and checks them.

>>> "ASSAULT" in vocabulary("event_types")
True
>>> event_crosswalk("ASSAULT", "explosives").acled_sub_event_type
'Remote explosive/landmine/IED'
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

__all__ = [
    "VOCABULARY_DIR",
    "Code",
    "EventCrosswalk",
    "Vocabulary",
    "bbox_contains",
    "event_crosswalk",
    "event_modes",
    "place_kind_rank",
    "vocabulary",
    "vocabulary_names",
]

VOCABULARY_DIR = Path(__file__).resolve().with_name("vocabularies")


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
    with path.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=yaml.CSafeLoader)
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
