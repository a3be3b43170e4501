"""Tests of the controlled vocabularies (eventset/schema/vocabularies/*.yaml) and their loader."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
import yaml

from eventset.schema.vocab import (
    VOCABULARY_DIR,
    Code,
    bbox_contains,
    event_crosswalk,
    event_modes,
    place_kind_rank,
    vocabulary,
    vocabulary_names,
)

EXPECTED_NAMES = {
    "event_types",
    "participant_roles",
    "claim_kinds",
    "claim_polarities",
    "document_origins",
    "claim_modalities",
    "date_precisions",
    "geo_precisions",
    "certainty_levels",
    "actor_kinds",
    "place_kinds",
    "mention_aspects",
    "mention_targets",
    "licences",
    "countries",
    "languages",
    "ucdp_parties",
    "evidence_cues",
}

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PATTERNS = {
    "event_types": re.compile(r"^[A-Z]+$"),
    "countries": re.compile(r"^[A-Z]{2}$"),
    "languages": re.compile(r"^[a-z]{2}$"),
    "evidence_cues": re.compile(r"^[a-z]{2}$"),
}

PLOVER_TYPES = [
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]

ASSAULT_MODES = [
    "abduct",
    "beat",
    "torture",
    "sexual",
    "targeted",
    "destroy",
    "primitive",
    "firearms",
    "explosives",
    "suicide_attack",
    "aerial",
    "drone",
    "heavy_weapons",
    "crowd_control",
    "unconventional",
]

# ACLED's 6 event types and 25 sub-event types, spelled as in shared/reference/README.md.
ACLED: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}


def _reference_dir() -> Path | None:
    """shared/reference, beside the repository (also in CI), or $EVENTSET_REFERENCE_DIR."""
    override = os.environ.get("EVENTSET_REFERENCE_DIR")
    candidates = [Path(override)] if override else []
    repo = Path(__file__).resolve().parents[2]
    candidates += [repo.parent / "shared" / "reference", repo / "shared" / "reference"]
    return next((p for p in candidates if (p / "CAMEO2PLOVER-2021.txt").is_file()), None)


REFERENCE = _reference_dir()
needs_reference = pytest.mark.skipif(REFERENCE is None, reason="shared/reference not found")


def _all_modes() -> Iterator[tuple[str, Code]]:
    for event_type in vocabulary("event_types").values():
        for mode in event_modes(event_type).codes:
            yield event_type, mode


def _cameo_table() -> tuple[dict[str, str], dict[str, list[str]]]:
    """CAMEO2PLOVER-2021: code -> PLOVER type (DEMAND read as REQUEST), and roots per type."""
    assert REFERENCE is not None
    line = re.compile(r"^(\d{2,4}):\s*([A-Za-z]+)\s*(,?)")
    code_type: dict[str, str] = {}
    roots: dict[str, list[str]] = {}
    for raw in (REFERENCE / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        match = line.match(raw.strip())
        if not match:
            continue
        code, ptype, comma = match.group(1), match.group(2).upper(), match.group(3)
        ptype = "REQUEST" if ptype == "DEMAND" else ptype
        if len(code) == 2 and not comma:
            roots.setdefault(ptype, []).append(code)
        else:
            code_type.setdefault(code, ptype)
    return code_type, roots


# ---------------------------------------------------------------------------------------------
# Every vocabulary


def test_all_expected_vocabularies_exist() -> None:
    assert set(vocabulary_names()) == EXPECTED_NAMES
    # the kinds' UCDP parties are the vocabulary a registry entry states its own from
    parties = {c.fields["ucdp_party"] for c in vocabulary("actor_kinds").codes} - {None}
    assert parties == set(vocabulary("ucdp_parties").values())


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_vocabulary_loads(name: str) -> None:
    vocab = vocabulary(name)
    assert vocab.name == name
    assert vocab.description.strip()
    assert len(vocab.codes) > 0
    assert vocab.values() == tuple(code.code for code in vocab.codes)
    assert vocabulary(name) is vocab  # cached


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_codes_have_descriptions_and_match_pattern(name: str) -> None:
    vocab = vocabulary(name)
    pattern = PATTERNS.get(name, SNAKE)
    values = vocab.values()
    assert len(values) == len(set(values)), "duplicate codes"
    for code in vocab.codes:
        assert pattern.match(code.code), f"{name}: bad code {code.code!r}"
        assert code.description.strip(), f"{name}: {code.code} has no description"


def test_modes_have_descriptions_and_match_pattern() -> None:
    for event_type, mode in _all_modes():
        assert SNAKE.match(mode.code), f"{event_type}: bad mode {mode.code!r}"
        assert mode.description.strip(), f"{event_type}/{mode.code} has no description"


def _mapping_nodes(node: yaml.Node) -> Iterator[yaml.MappingNode]:
    if isinstance(node, yaml.MappingNode):
        yield node
        for key, value in node.value:
            yield from _mapping_nodes(key)
            yield from _mapping_nodes(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _mapping_nodes(item)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_yaml_has_no_duplicate_keys_and_quotes_every_code(name: str) -> None:
    text = (VOCABULARY_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    assert "\t" not in text
    assert not text.startswith("\ufeff")
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert root is not None
    for mapping in _mapping_nodes(root):
        keys = [key.value for key, _ in mapping.value]
        assert len(keys) == len(set(keys)), f"{name}: duplicate keys near line {mapping.start_mark}"
        for key, value in mapping.value:
            if key.value == "code":
                assert isinstance(value, yaml.ScalarNode)
                assert value.style in ('"', "'"), f"{name}: unquoted code {value.value!r}"


def test_fields_are_read_only() -> None:
    code = vocabulary("event_types")["ASSAULT"]
    with pytest.raises(TypeError):
        code.fields["group"] = "cooperative"  # type: ignore[index]
    modes = code.fields["modes"]
    assert isinstance(modes, tuple)
    assert isinstance(modes[0], Mapping)


# ---------------------------------------------------------------------------------------------
# Loader behaviour


def test_unknown_vocabulary_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown vocabulary"):
        vocabulary("event_type")
    with pytest.raises(ValueError):
        vocabulary("../pyproject")


def test_contains_getitem_and_closest() -> None:
    types = vocabulary("event_types")
    assert "ASSAULT" in types
    assert "assault" not in types
    assert 18 not in types
    assert types["PROTEST"].code == "PROTEST"
    with pytest.raises(KeyError, match="ASSAULT"):
        types["ASSALT"]
    assert types.closest("assault") == "ASSAULT"
    assert types.closest("ASSALT") == "ASSAULT"
    assert types.closest("qwertyuiop") is None
    assert event_modes("ASSAULT").closest("suicide-attack") == "suicide_attack"
    assert vocabulary("claim_kinds").closest("responsability") == "responsibility"


def test_event_modes() -> None:
    modes = event_modes("ASSAULT")
    assert modes.name == "modes_ASSAULT"
    assert modes.values() == tuple(ASSAULT_MODES)
    assert event_modes("AGREE").values() == ()
    with pytest.raises(KeyError):
        event_modes("DEMAND")


def test_event_crosswalk_unknown_type_or_mode() -> None:
    with pytest.raises(KeyError):
        event_crosswalk("BOMB", None)
    with pytest.raises(KeyError):
        event_crosswalk("ASSAULT", "bombing")
    with pytest.raises(KeyError):
        event_crosswalk("ASSAULT", "demo")


# ---------------------------------------------------------------------------------------------
# event_types


def test_event_types_are_the_16_plover_types() -> None:
    types = vocabulary("event_types")
    assert types.values() == tuple(PLOVER_TYPES)
    for code in types.codes:
        assert code.fields["group"] in ("cooperative", "conflictual")
        assert code.fields["quad"] in (
            "verbal_cooperation",
            "material_cooperation",
            "verbal_conflict",
            "material_conflict",
        )
        assert str(code.fields["quad"]).endswith(
            "cooperation" if code.fields["group"] == "cooperative" else "conflict"
        )
        assert isinstance(code.fields["requires_recipient"], bool)
        roots = code.fields["cameo_roots"]
        assert isinstance(roots, tuple) and roots
        assert all(isinstance(r, str) and re.fullmatch(r"\d{2}", r) for r in roots)


def test_every_mode_has_all_crosswalk_fields() -> None:
    for event_type, mode in _all_modes():
        assert set(mode.fields) == {
            "cameo",
            "acled_event_type",
            "acled_sub_event_type",
            "gtd_attacktype",
        }, f"{event_type}/{mode.code}"
        cameo = mode.fields["cameo"]
        assert isinstance(cameo, tuple)
        assert all(isinstance(c, str) and re.fullmatch(r"\d{3,4}", c) for c in cameo)
        assert len(cameo) == len(set(cameo))
        gtd = mode.fields["gtd_attacktype"]
        assert gtd is None or (type(gtd) is int and 1 <= gtd <= 9)


def _acled_pairs() -> Iterator[tuple[str, object, object]]:
    for code in vocabulary("event_types").codes:
        fields = code.fields
        yield code.code, fields["acled_event_type"], fields["acled_sub_event_type"]
    for event_type, mode in _all_modes():
        fields = mode.fields
        where = f"{event_type}/{mode.code}"
        yield where, fields["acled_event_type"], fields["acled_sub_event_type"]


def test_acled_values_exist_and_sub_type_belongs_to_type() -> None:
    assert len(ACLED) == 6
    assert sum(len(subs) for subs in ACLED.values()) == 25
    for where, event_type, sub_type in _acled_pairs():
        if event_type is None:
            assert sub_type is None, f"{where}: sub-event type without event type"
            continue
        assert event_type in ACLED, f"{where}: unknown ACLED event type {event_type!r}"
        assert sub_type is None or sub_type in ACLED[str(event_type)], (
            f"{where}: {sub_type!r} is not a sub-event type of {event_type!r}"
        )


@needs_reference
def test_acled_constant_matches_reference_readme() -> None:
    assert REFERENCE is not None
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    flat = " ".join(readme.split())
    for event_type, subs in ACLED.items():
        assert f"{event_type}: {'; '.join(subs)}." in flat, event_type


@needs_reference
def test_plover_manual_modes_are_all_present() -> None:
    assert REFERENCE is not None
    tex = (REFERENCE / "PLOVER_MANUAL.tex").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for match in re.finditer(
        r"\\caption\{(?:\\plcat\{)?([A-Z]+)\}? modes(.*?)\\end\{tabular\}", tex, flags=re.S
    ):
        event_type, body = match.group(1), match.group(2)
        names: list[str] = []
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith(("%", "\\")) or "&" not in line:
                continue
            first = line.split("&", 1)[0].strip()
            if first and first != "Name":
                names.append(first.replace("-", "_"))
        found[event_type] = names
    assert set(found) == {
        "CONSULT",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    }
    for event_type in PLOVER_TYPES:
        assert event_modes(event_type).values() == tuple(found.get(event_type, [])), event_type


@needs_reference
def test_cameo_codes_map_to_their_type() -> None:
    code_type, roots = _cameo_table()
    types = vocabulary("event_types")
    for code in types.codes:
        cameo_roots = code.fields["cameo_roots"]
        assert isinstance(cameo_roots, tuple)
        assert set(cameo_roots) == set(roots[code.code]), code.code
    for event_type, mode in _all_modes():
        cameo = mode.fields["cameo"]
        assert isinstance(cameo, Sequence)
        for cameo_code in cameo:
            assert code_type.get(cameo_code) == event_type, (
                f"{event_type}/{mode.code}: CAMEO {cameo_code} maps to {code_type.get(cameo_code)}"
            )


@needs_reference
def test_crosswalk_cameo_code_maps_to_the_type() -> None:
    code_type, roots = _cameo_table()
    for event_type in PLOVER_TYPES:
        for mode in (None, *event_modes(event_type).values()):
            crosswalk = event_crosswalk(event_type, mode)
            cameo = crosswalk.cameo_code
            assert cameo is not None
            assert code_type.get(cameo) == event_type or cameo in roots[event_type], (
                f"{event_type}/{mode}: {cameo}"
            )


def test_assault_explosives_crosswalk() -> None:
    crosswalk = event_crosswalk("ASSAULT", "explosives")
    assert crosswalk.plover_type == "ASSAULT"
    assert crosswalk.plover_mode == "explosives"
    assert crosswalk.acled_event_type == "Explosions/Remote violence"
    assert crosswalk.acled_sub_event_type == "Remote explosive/landmine/IED"
    assert crosswalk.gtd_attacktype == 3
    assert crosswalk.cameo_code is not None and crosswalk.cameo_code.startswith("183")
    explosives = event_modes("ASSAULT")["explosives"].fields["cameo"]
    assert isinstance(explosives, tuple) and "1833" in explosives  # roadside bombing


def test_crosswalk_fallbacks() -> None:
    # No mode: the type's defaults and its principal CAMEO root.
    assert event_crosswalk("ASSAULT", None).cameo_code == "18"
    assert event_crosswalk("ACCUSE", None).cameo_code == "11"
    assert event_crosswalk("ASSAULT", None).gtd_attacktype is None
    # One CAMEO code for the mode: that code.
    assert event_crosswalk("COERCE", "arrest").cameo_code == "173"
    assert event_crosswalk("COERCE", "arrest").acled_sub_event_type == "Arrests"
    # Codes under a shared root: the root.
    assert event_crosswalk("ACCUSE", "investigate").cameo_code == "09"
    # Codes across roots, or none: the principal root.
    assert event_crosswalk("ASSAULT", "targeted").cameo_code == "18"
    assert event_crosswalk("ASSAULT", "drone").cameo_code == "18"
    # A mode without its own ACLED type takes the type's.
    strike = event_crosswalk("PROTEST", "strike")
    assert (strike.acled_event_type, strike.acled_sub_event_type) == ("Protests", None)
    riot = event_crosswalk("PROTEST", "riot")
    assert (riot.acled_event_type, riot.acled_sub_event_type) == ("Riots", "Violent demonstration")
    assert event_crosswalk("AGREE", None).acled_event_type is None


def test_assassinate_folds_into_targeted() -> None:
    targeted = event_modes("ASSAULT")["targeted"].fields["cameo"]
    assert isinstance(targeted, tuple)
    assert {"185", "186"} <= set(targeted)
    assert event_crosswalk("ASSAULT", "targeted").gtd_attacktype == 1


# ---------------------------------------------------------------------------------------------
# Other vocabularies


def test_participant_roles() -> None:
    roles = vocabulary("participant_roles")
    for required in ("perpetrator", "target", "victim", "claimant", "initiator", "recipient"):
        assert required in roles
    for code in roles.codes:
        assert code.fields["plover_role"] in ("actor", "recipient", None)
        assert code.fields["acled_actor"] in ("actor1", "actor2", "associated", None)
    assert roles["perpetrator"].fields["plover_role"] == "actor"
    assert roles["victim"].fields["plover_role"] == "recipient"


def test_claim_vocabularies() -> None:
    kinds = vocabulary("claim_kinds")
    assert set(kinds.values()) == {
        "responsibility",
        "denial",
        "accusation",
        "announcement",
        "threat",
        "casualty_figure",
        "statement",
        "report",
        "no_claim",
    }
    for code in kinds.codes:
        assert code.fields["gtd_claimed"] in (1, 0, None)
    assert kinds["responsibility"].fields["gtd_claimed"] == 1
    assert kinds["no_claim"].fields["gtd_claimed"] == 0
    assert vocabulary("claim_polarities").values() == ("asserted", "negated")
    assert vocabulary("claim_modalities").values() == ("asserted", "hedged", "hypothetical")


def test_precisions_and_certainty() -> None:
    dates = vocabulary("date_precisions")
    assert dates.values()[:4] == ("day", "week", "month", "year")
    assert [dates[c].fields["acled_time_precision"] for c in ("day", "week", "month", "year")] == [
        1,
        2,
        3,
        None,
    ]
    for code in dates.codes:
        assert code.fields["acled_time_precision"] in (1, 2, 3, None)
    for code in dates.codes:
        assert code.fields["ucdp_date_prec"] in (1, 2, 3, 4, 5, None)
    geo = vocabulary("geo_precisions")
    assert set(geo.values()) == {
        "exact",
        "near",
        "admin2",
        "admin1",
        "country",
        "region",
        "unknown",
    }
    for code in geo.codes:
        assert code.fields["acled_geo_precision"] in (1, 2, 3, None)
        assert code.fields["ucdp_where_prec"] in (1, 2, 3, 4, 5, 6, 7, None)
    assert geo["exact"].fields["acled_geo_precision"] == 1
    certainty = vocabulary("certainty_levels")
    assert certainty.values() == ("confirmed", "reported", "alleged", "disputed")
    for code in certainty.codes:
        assert code.fields["ucdp_event_clarity"] in (1, 2)


def test_actor_place_and_mention_vocabularies() -> None:
    actors = vocabulary("actor_kinds")
    for required in [
        "state",
        "government",
        "military",
        "security_forces",
        "police",
        "armed_group",
        "political_party",
        "legislature",
        "judiciary",
        "international_organization",
        "media_outlet",
        "news_agency",
        "person",
        "civilians",
        "anonymous_source",
        "unidentified",
        "coalition",
    ]:
        assert required in actors
    places = vocabulary("place_kinds")
    geo = vocabulary("geo_precisions")
    for required in [
        "country",
        "admin1",
        "admin2",
        "city",
        "town",
        "village",
        "neighbourhood",
        "site",
        "infrastructure",
        "road",
        "water",
        "region",
    ]:
        assert required in places
    for code in places.codes:
        assert code.fields["default_geo_precision"] in geo
    assert vocabulary("mention_aspects").values() == (
        "name",
        "occurrence",
        "date",
        "place",
        "participant",
        "fatalities",
        "value",
    )


def test_place_kinds_rank_from_country_to_site() -> None:
    """country > admin1 > admin2 > locality > site, every kind placed in that order."""
    order = ["country", "admin1", "admin2", "town", "site"]
    assert [place_kind_rank(k) for k in order] == sorted({place_kind_rank(k) for k in order})
    assert place_kind_rank("city") == place_kind_rank("village") == place_kind_rank("town")
    assert place_kind_rank("infrastructure") == place_kind_rank("site")
    assert place_kind_rank("town") < place_kind_rank("neighbourhood") < place_kind_rank("site")
    for code in vocabulary("place_kinds").values():
        assert place_kind_rank("country") <= place_kind_rank(code) <= place_kind_rank("site")
    with pytest.raises(KeyError):
        place_kind_rank("continent")


def test_licences() -> None:
    licences = vocabulary("licences")
    for required in (
        "cc_by_4_0",
        "cc_by_sa_4_0",
        "cc0_1_0",
        "public_domain",
        "all_rights_reserved",
        "unknown",
    ):
        assert required in licences
    assert licences["unknown"].fields["redistribute_text"] is False
    assert licences["all_rights_reserved"].fields["redistribute_text"] is False
    assert licences["cc_by_4_0"].fields["redistribute_text"] is True
    for code in licences.codes:
        assert isinstance(code.fields["redistribute_text"], bool)
        assert isinstance(code.fields["title"], str) and code.fields["title"]
        url = code.fields["url"]
        assert url is None or (isinstance(url, str) and url.startswith("https://"))


def test_countries() -> None:
    countries = vocabulary("countries")
    assert len(countries) >= 249
    for code in countries.codes:
        assert isinstance(code.fields["name"], str) and code.fields["name"]
        bbox = code.fields["bbox"]
        if bbox is None:
            continue
        assert isinstance(bbox, tuple) and len(bbox) == 4, code.code
        min_lon, min_lat, max_lon, max_lat = bbox
        assert all(isinstance(v, float) for v in bbox), code.code
        assert -180 <= min_lon <= 180 and -180 <= max_lon <= 180, code.code
        assert -90 <= min_lat <= max_lat <= 90, code.code
    iraq = countries["IQ"].fields["bbox"]
    assert isinstance(iraq, tuple)
    min_lon, min_lat, max_lon, max_lat = iraq
    assert min_lon <= 44.36 <= max_lon and min_lat <= 33.31 <= max_lat  # Baghdad


@pytest.mark.parametrize(
    ("country", "lon", "lat", "inside"),
    [
        ("IQ", 44.36, 33.31, True),  # Baghdad
        ("IQ", 2.35, 48.86, False),  # Paris
        ("FJ", 178.44, -18.14, True),  # Suva, east of the antimeridian split
        ("FJ", -179.9, -16.5, True),  # Fijian islands west of it
        ("FJ", 0.0, -18.0, False),
        ("US", -77.04, 38.91, True),  # Washington
        ("US", -149.9, 61.22, True),  # Anchorage
        ("RU", 131.9, 43.12, True),  # Vladivostok
        ("RU", 37.62, 55.75, True),  # Moscow
        ("XK", 21.17, 42.66, True),  # Pristina
    ],
)
def test_country_bbox_contains(country: str, lon: float, lat: float, inside: bool) -> None:
    bbox = vocabulary("countries")[country].fields["bbox"]
    assert isinstance(bbox, tuple)
    assert bbox_contains(bbox, lon, lat) is inside


def test_languages_survive_the_yaml_1_1_boolean_trap() -> None:
    languages = vocabulary("languages")
    assert "no" in languages
    assert languages["no"].fields["name"] == "Norwegian"
    assert all(isinstance(code, str) for code in languages.values())
    assert {"en", "fr", "ar", "es"} <= set(languages.values())


def test_every_vocabulary_is_read_from_its_json_mirror() -> None:
    """The generated mirror (vocab.MIRROR, kept current by `eventset generate --check`) holds
    every vocabulary, and gives exactly what its YAML gives."""
    from eventset.schema import vocab

    for name in vocab.vocabulary_names():
        raw = (vocab.VOCABULARY_DIR / f"{name}.yaml").read_bytes()
        kept = vocab._mirrored().get(name)
        assert isinstance(kept, dict) and kept["sha256"] == vocab._digest(raw), name
        assert vocab._data(name, raw) == yaml.load(raw, Loader=yaml.CSafeLoader)


def test_a_vocabulary_edited_since_the_mirror_is_read_from_its_yaml() -> None:
    from eventset.schema import vocab

    raw = (vocab.VOCABULARY_DIR / "claim_kinds.yaml").read_bytes()
    edited = raw.replace(b"codes:", b"description_extra: 1\ncodes:", 1)
    assert edited != raw
    data = vocab._data("claim_kinds", edited)
    assert isinstance(data, dict) and data["description_extra"] == 1


def test_data_json_cannot_hold_is_left_out_of_the_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from eventset.schema import vocab

    (tmp_path / "plain.yaml").write_text('name: "plain"\ncodes: [{code: "a", n: 1.5}]\n')
    (tmp_path / "dated.yaml").write_text('name: "dated"\nsince: 2021-01-02\n')
    (tmp_path / "keyed.yaml").write_text('name: "keyed"\nodd: {1: "one"}\n')
    monkeypatch.setattr(vocab, "VOCABULARY_DIR", tmp_path)
    monkeypatch.setattr(vocab, "vocabulary_names", lambda: ("dated", "keyed", "plain"))
    assert set(json.loads(vocab.mirror_text())) == {"plain"}
