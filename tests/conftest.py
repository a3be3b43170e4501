"""Shared fixtures: a throwaway copy of the repository's inputs to break in one way at a time."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from eventset.pipeline import BuildResult

REPO = Path(__file__).resolve().parent.parent

# Hypothesis profiles: "ci" (the default) keeps the whole suite fast on 2 cores; "thorough"
# (EVENTSET_HYPOTHESIS_PROFILE=thorough) runs 20x the examples before a release. Property tests
# build whole corpora, so examples are slow by design: no deadline, no too-slow health check.
settings.register_profile(
    "ci", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=200)
# ./dev mutate: a failing example only has to fail, not be shrunk, and no example database is
# shared between mutants.
settings.register_profile(
    "mutate",
    settings.get_profile("ci"),
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile(os.environ.get("EVENTSET_HYPOTHESIS_PROFILE", "ci"))

SEED_ID = "000_e3ff97cd28be607c"
# The Parquet files of a release built from the repository: the seed document was published in
# 2021 (its documents, claims and mentions), its events started in 2020, in 2021 or on no date
# (events and event_actors), and the registries' tables are one file each.
SEED_TABLE_FILES = (
    "actors/part-0.parquet",
    "claims/part-2021-09.parquet",
    "countries/part-0.parquet",
    "documents/part-2021-09.parquet",
    "event_actors/part-2020-01.parquet",
    "event_actors/part-2021-09.parquet",
    "event_actors/part-undated.parquet",
    "events/part-2020-01.parquet",
    "events/part-2021-09.parquet",
    "events/part-undated.parquet",
    "mentions/part-2021-09.parquet",
    "places/part-0.parquet",
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (as `./dev test` runs pytest): one test file, or tests of one file, run in this
    process, where the output reads as without xdist and no worker start-up is paid; anything
    wider gets xdist's own count (a worker per core)."""
    named = {str(arg).partition("::")[0] for arg in config.args}
    if len(named) == 1 and Path(named.pop()).is_file():
        return 0
    return None


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of seeds/ and data/ in a temporary root."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    return root


@pytest.fixture
def seed_annotation(repo: Path) -> Path:
    return repo / "data" / "annotations" / f"{SEED_ID}.yaml"


@pytest.fixture
def edit(repo: Path) -> Callable[[Path, str, str], None]:
    """Replace exactly one occurrence of `old` with `new` in a file of the temporary repo."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        path.write_text(text.replace(old, new), encoding="utf-8", newline="")

    return replace


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's document cache."""
    import os

    os.environ["EVENTSET_CACHE_DIR"] = str(tmp_path_factory.mktemp("eventset-cache"))


@pytest.fixture(scope="session")
def gold_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The repository's annotations built once into a throwaway release directory; tests copy
    its tables or its directory before breaking them."""
    from eventset.pipeline import build

    root = tmp_path_factory.mktemp("gold") / "repo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "data", root / "data")
    result = build(root, root.parent / "dist", "0.1.0", cache=False)
    assert result.ok, (result.validation.problems, result.failures)
    return result


@pytest.fixture(scope="session")
def synthetic_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of a small synthetic corpus (openly licensed texts, every actor kind, dated
    and undated events), built once for the tests of what analysts read."""
    from eventset.pipeline import build
    from eventset.synth import write_corpus

    root = tmp_path_factory.mktemp("synthetic") / "repo"
    write_corpus(root, 25, 7)
    result = build(root, root / "dist", "dev", cache=False)
    assert result.written is not None, result.failures
    return result.written.path
