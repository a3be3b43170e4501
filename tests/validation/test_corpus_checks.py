"""Corpus checks (validation/corpus_checks.py): ids across files, reported in the later file
(path order) and naming the first."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eventset.validation.document import EVENT_FACT_COLUMNS, REFERENCE_COLUMNS
from eventset.validation.meaning import PENDING_KINDS
from eventset.validation.repository import validate_repository
from eventset.validation.spooled import Spooled
from tests.validation.test_error_codes import ANNOTATION, _synthetic_document

SHARED_CLAIM = "c-000-e3ff-reports-incident-place-date"


def test_a_claim_id_used_in_two_files_is_reported_in_the_later_one(repo: Path) -> None:
    body = (
        "claims:\n"
        f"  - id: {SHARED_CLAIM}\n"
        "    claimant: unattributed-reports\n"
        "    kind: report\n"
        "    about: {event: iq-2021-09-06-kalsu-bridge-convoy-bombing}\n"
        "    summary: The cafe by the bridge was hit.\n"
        '    evidence: ["The café by the bridge was hit on Monday."]\n'
    )
    later = _synthetic_document(repo, body)
    # (The claim's evidence does not name its claimant: a warning, W602, beside the error.)
    [found] = [p for p in validate_repository(repo).problems if p.severity == "error"]
    assert found.code == "E404"
    assert found.file == later.relative_to(repo).as_posix()
    assert found.message == f"Claim id {SHARED_CLAIM!r} is already used in {ANNOTATION}."
    assert (found.line, found.column) == (10, 9)


def test_unknown_ids_get_a_suggestion(repo: Path) -> None:
    body = (
        "actors:\n"
        "  - actor: united-state\n"
        '    mentions: ["bridge"]\n'
        "places:\n"
        "  - place: kalsu-bridg\n"
        '    mentions: ["café"]\n'
    )
    _synthetic_document(repo, body)
    found = {p.code: p for p in validate_repository(repo).problems}
    assert set(found) == {"E401", "E402"}
    assert found["E401"].message == "Actor 'united-state' is not in data/actors.yaml."
    assert (
        found["E401"].hint == "Did you mean 'united-states'? Otherwise add it to data/actors.yaml."
    )
    assert found["E402"].message == "Place 'kalsu-bridg' is not in data/places.yaml."


def test_the_first_file_in_path_order_is_the_reference_whatever_order_frames_come_in() -> None:
    """check_corpus gets frames in any order (a cache, a pool, a partial check): the file that
    is first by path defines an event or claim, and later ones are reported against it."""
    from eventset.validation.corpus_checks import Registries, check_corpus

    def refs(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=["file", "kind", "id", "path"], orient="row")

    def facts(rows: list[tuple[str, ...]]) -> pl.DataFrame:
        columns = ["file", "event_id", "type", "mode", "date", "place", "path"]
        return pl.DataFrame(rows, schema=columns, orient="row")

    a, b = "data/annotations/a.yaml", "data/annotations/b.yaml"
    references = refs(
        [
            (b, "claim_defined", "c-1", '["claims",0,"id"]'),
            (b, "actor", "ghost", '["actors",0,"actor"]'),
            (a, "claim_defined", "c-1", '["claims",0,"id"]'),
            (a, "actor", "ghost", '["actors",0,"actor"]'),
        ]
    )
    event_facts = facts(
        [
            (b, "ev", "ASSAULT", "none", "2021-01-02/2021-01-02/day", "none", '["events",0]'),
            (a, "ev", "ASSAULT", "none", "2021-01-01/2021-01-01/day", "none", '["events",0]'),
        ]
    )
    for order in (references, references.reverse()):
        for fact_order in (event_facts, event_facts.reverse()):
            found = list(
                check_corpus(
                    order,
                    fact_order,
                    Registries(frozenset(), frozenset()),
                    lambda file, path: (1, 1),
                )
            )
            by_code = {(p.code, p.file): p.message for p in found}
            assert ("E404", b) in by_code and ("E404", a) not in by_code
            assert f"already used in {a}" in by_code[("E404", b)]
            assert ("E501", b) in by_code and ("E501", a) not in by_code
            assert by_code[("E501", b)].endswith(f"but 2021-01-01/2021-01-01/day in {a}.")
            # Unknown ids are reported in path order, a before b.
            assert [p.file for p in found if p.code == "E401"] == [a, b]


def test_an_event_defined_twice_in_one_file_is_not_also_a_conflict_with_itself() -> None:
    """Two entries of one event in one file are E404 (document checks); the corpus check compares
    other files with the first, and never a file with itself."""
    from eventset.validation.corpus_checks import Registries, check_corpus

    a = "data/annotations/a.yaml"
    facts = pl.DataFrame(
        [
            (a, "ev", "ASSAULT", "none", "open/open/interval", "none", '["events",0]'),
            (a, "ev", "PROTEST", "none", "open/open/interval", "none", '["events",1]'),
        ],
        schema=["file", "event_id", "type", "mode", "date", "place", "path"],
        orient="row",
    )
    references = pl.DataFrame(schema=dict.fromkeys(["file", "kind", "id", "path"], pl.String))
    found = list(
        check_corpus(references, facts, Registries(frozenset(), frozenset()), lambda f, p: (1, 1))
    )
    assert found == []


_FILES = [f"data/annotations/{name}.yaml" for name in ("d", "b", "c", "a", "a-1", "\u00e4")]
_IDS = ["x", "y", "z", "ev1", "ev2", "c1", "xx"]
_KINDS = ["actor", "place", "claim_defined", "event_used", *PENDING_KINDS.values()]
_PATHS = [
    '["actors",0,"actor"]',
    '["events",0,"participants",1,"actor"]',
    '["claims",0,"claimant"]',
]
_DETAIL = st.builds(
    lambda window, places, accepted: json.dumps(
        {"window": window, "places": places, "accepted": accepted, "role": "target"}
        | {"quote": "q", "claim": "c1"}
    ),
    st.sampled_from(["", "x y", "the Xname here", "xx"]),
    st.lists(st.sampled_from(_IDS), max_size=2),
    st.booleans(),
)
_REFERENCE = st.tuples(
    st.sampled_from(_FILES),
    st.sampled_from(_KINDS),
    st.sampled_from(_IDS),
    st.sampled_from(_PATHS),
    _DETAIL,
)
_FACT = st.tuples(
    st.sampled_from(_FILES),
    st.sampled_from(_IDS),
    st.sampled_from(["ASSAULT", "PROTEST"]),
    st.sampled_from(["none", "riot"]),
    st.sampled_from(["2021-01-01/2021-01-01/day", "open/open/interval"]),
    st.sampled_from(["none", "x", "z"]),
    st.just('["events",0]'),
)


def _split(
    frame: pl.DataFrame, files: list[str], cuts: list[int], folder: Path, name: str
) -> Spooled:
    """The frame's rows with their files in the order of `files` (each file's own rows in their
    order) as spooled files, one a slice between the cuts (as a pool's chunks are)."""
    rank = pl.col("file").replace_strict(files, range(len(files)))
    frame = frame.sort(rank, maintain_order=True)
    bounds = sorted({0, frame.height, *(min(cut, frame.height) for cut in cuts)})
    files = []
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        path = folder / f"{name}.{number}.arrow"
        frame.slice(start, end - start).write_ipc(path)
        files.append(str(path))
    return Spooled(frame.schema, tuple(files))


@settings(max_examples=60)
@given(
    st.lists(_REFERENCE, max_size=30),
    st.lists(_FACT, max_size=12),
    st.sets(st.sampled_from(_IDS)),
    st.sets(st.sampled_from(_IDS)),
    st.booleans(),
    st.permutations(_FILES),
    st.lists(st.integers(0, 30), max_size=4),
    st.lists(st.integers(0, 12), max_size=3),
)
def test_the_checks_read_a_batch_at_a_time_find_what_they_find_in_the_whole_frames(
    references: list[tuple[str, ...]],
    facts: list[tuple[str, ...]],
    actors: set[str],
    places: set[str],
    with_names: bool,
    files: list[str],
    cuts: list[int],
    fact_cuts: list[int],
) -> None:
    """A build's references and event facts are read from its spool a batch at a time, keeping
    only the rows compared across documents: the same problems, in the same order, as over
    the whole frames, wherever the batches are cut and in whatever order the files come."""
    from eventset.validation.corpus_checks import Names, Registries, check_corpus

    refs = pl.DataFrame(
        references, schema=dict.fromkeys(REFERENCE_COLUMNS, pl.String), orient="row"
    )
    pending = pl.col("kind").is_in(list(PENDING_KINDS.values()))
    refs = refs.with_columns(pl.when(pending).then(pl.col("detail")).alias("detail"))
    event_facts = pl.DataFrame(
        facts, schema=dict.fromkeys(EVENT_FACT_COLUMNS, pl.String), orient="row"
    )
    names = Names(
        actors={actor: (actor.upper() + "name",) for actor in actors},
        unnamed_actors=frozenset({"y"} & actors),
        places={place: (place,) for place in places},
        place_parents={place: "x" if place == "z" and "x" in places else None for place in places},
    )
    registries = Registries(frozenset(actors), frozenset(places), names if with_names else None)

    def locate(file: str, path: tuple[str | int, ...]) -> tuple[int, int]:
        return len(file), len(path)

    whole = list(check_corpus(refs, event_facts, registries, locate))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        batched = check_corpus(
            _split(refs, files, cuts, folder, "references"),
            _split(event_facts, files, fact_cuts, folder, "event_facts"),
            registries,
            locate,
        )
        assert list(batched) == whole
