"""Adjudication writes what coders agree on, and every disagreement as a choice that fails
validation (E701) until a person resolves it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from eventset.agreement.adjudicate import AdjudicationError, write_adjudication
from eventset.inputs.parse import CHOICE_KEY
from eventset.validation.repository import validate_repository
from tests.agreement.conftest import DOCS, coding_file
from tests.agreement.helpers import errors


def _resolve(data: Any) -> Any:
    """Every choice resolved as a person might: coder a's option (a unit only b coded is
    dropped)."""
    if isinstance(data, dict):
        if CHOICE_KEY in data:
            return _resolve(next(iter(data[CHOICE_KEY].values())))
        return {k: _resolve(v) for k, v in data.items()}
    if isinstance(data, list):
        items = [_resolve(item) for item in data]
        flat: list[Any] = []
        for item in items:
            if item is None:
                continue
            flat += (
                item if isinstance(item, list) and data and isinstance(data[0], dict) else [item]
            )
        return flat
    return data


def _choices(data: Any) -> int:
    if isinstance(data, dict):
        return (CHOICE_KEY in data) + sum(_choices(v) for v in data.values())
    if isinstance(data, list):
        return sum(_choices(v) for v in data)
    return 0


def test_disagreements_become_choices_that_fail_until_resolved(coded: Path) -> None:
    annotations = coded / "data" / "annotations"
    written = []
    for n in range(DOCS):
        target = annotations / f"synthetic_{n:07d}.yaml"
        target.unlink()
        written.append(write_adjudication(coded, target.stem))
    assert sum(w.choices for w in written) > 0  # rate 0.3: the coders disagree somewhere
    found = errors(validate_repository(coded).problems)
    assert {p.code for p in found} == {"E701"}
    assert len(found) == sum(w.choices for w in written)
    first = found[0]
    lines = (coded / first.file).read_text(encoding="utf-8").splitlines()
    assert lines[first.line - 1][first.column - 1 :].startswith(CHOICE_KEY)
    assert "synthetic-coder-a:" in first.message and "synthetic-coder-b:" in first.message
    for w in written:
        path = coded / w.file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _choices(data) == w.choices
        path.write_text(yaml.safe_dump(_resolve(data), allow_unicode=True), encoding="utf-8")
    assert errors(validate_repository(coded).problems) == []


def test_identical_codings_leave_nothing_to_choose(coded: Path) -> None:
    b = coding_file(coded, "synthetic-coder-b")
    shutil.copy(coding_file(coded, "synthetic-coder-a"), b)
    target = coded / "data" / "annotations" / "synthetic_0000000.yaml"
    target.unlink()
    written = write_adjudication(coded, "synthetic_0000000")
    assert written.choices == 0 and written.agreed > 0
    assert errors(validate_repository(coded).problems) == []


def test_adjudication_refuses_to_overwrite_or_to_work_from_one_coding(coded: Path) -> None:
    with pytest.raises(AdjudicationError, match="already exists"):
        write_adjudication(coded, "synthetic_0000000")
    coding_file(coded, "synthetic-coder-b").unlink()
    with pytest.raises(AdjudicationError, match="needs two or more"):
        write_adjudication(coded, "synthetic_0000000", force=True)
