"""Two real releases built from a temporary copy of the repository in two annotation states.

0.1.0 is the repository as it is. 0.2.0 renames one event (recorded in data/retired.yaml) and
rewords one claim summary, so the diff between them has known added, removed and changed ids.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventset.release.publish import Publication, publish
from tests.conftest import REPO, SEED_ID

OLD_EVENT = "iq-us-2021-troop-withdrawal-agreement"
NEW_EVENT = "iq-us-2021-withdrawal-agreement"
REWORDED_CLAIM = "c-000-e3ff-us-dragging-feet"
OLD_SUMMARY = "summary: Washington has been dragging its feet on the troop pullout."
NEW_SUMMARY = "summary: Washington is slow to withdraw its troops."
RETIRED_YAML = f"""format: 1
events:
  - id: {OLD_EVENT}
    replaced_by: {NEW_EVENT}
    reason: renamed to a shorter slug
"""


@dataclass(frozen=True)
class Releases:
    root: Path
    dist: Path
    first: Publication
    second: Publication

    @property
    def v1(self) -> Path:
        return self.dist / "eventset-0.1.0"

    @property
    def v2(self) -> Path:
        return self.dist / "eventset-0.2.0"


def copy_repo(target: Path) -> Path:
    shutil.copytree(REPO / "seeds", target / "seeds")
    shutil.copytree(REPO / "data", target / "data")
    return target


def rename_event(root: Path) -> None:
    """Second annotation state: one event renamed (and retired), one claim reworded."""
    path = root / "data" / "annotations" / f"{SEED_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(OLD_EVENT) >= 2  # the event and the claims about it
    text = text.replace(OLD_EVENT, NEW_EVENT)
    assert text.count(OLD_SUMMARY) == 1
    text = text.replace(OLD_SUMMARY, NEW_SUMMARY)
    path.write_text(text, encoding="utf-8", newline="")


def ok(publication: Publication) -> Publication:
    assert publication.build is not None and publication.build.ok, publication
    return publication


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    root = copy_repo(tmp_path_factory.mktemp("releases") / "repo")
    dist = root / "dist"
    first = ok(publish(root, dist, "0.1.0"))
    rename_event(root)
    (root / "data" / "retired.yaml").write_text(RETIRED_YAML, encoding="utf-8")
    second = ok(publish(root, dist, "0.2.0"))
    return Releases(root, dist, first, second)
