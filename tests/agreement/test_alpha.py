"""Krippendorff's alpha: the package against Krippendorff's own worked example, and the
vectorised form the bootstrap uses against the package."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventset.agreement import alpha as ka

NAN = math.nan
# "Computing Krippendorff's Alpha-Reliability" (Krippendorff, 2011), section C: four observers,
# twelve units, values 1-5, missing values blank. Rows are observers.
WORKED_EXAMPLE = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", sorted(PUBLISHED))
def test_the_package_gives_krippendorffs_published_values(level: str) -> None:
    assert ka.reference_alpha(WORKED_EXAMPLE, level) == pytest.approx(PUBLISHED[level], abs=5e-4)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["nominal", "interval", "ratio"])
def test_field_alpha_gives_the_published_values_with_an_interval(level: ka.Level) -> None:
    found = ka.field_alpha(level, WORKED_EXAMPLE.T)
    assert found.alpha == pytest.approx(PUBLISHED[level], abs=5e-4)
    # Unit 12 has one value only: it is not pairable.
    assert (found.units, found.values, found.coders) == (11, 40, 4)
    assert found.alpha is not None and found.low is not None and found.high is not None
    assert -1 <= found.low <= found.alpha <= found.high <= 1


def test_the_sparse_form_equals_the_package_where_the_package_would_not_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    levels: tuple[ka.Level, ...] = ("nominal", "interval", "ratio")
    for level in levels:
        dense = ka.reliability(level, WORKED_EXAMPLE.T).alpha()
        monkeypatch.setattr(ka, "DENSE_CELLS", 0)
        sparse = ka.reliability(level, WORKED_EXAMPLE.T).alpha()
        monkeypatch.undo()
        assert sparse == pytest.approx(dense, abs=1e-12)


MATRICES = st.integers(2, 4).flatmap(
    lambda coders: st.lists(
        st.lists(
            st.one_of(st.just(NAN), st.integers(0, 6).map(float)),
            min_size=coders,
            max_size=coders,
        ),
        min_size=1,
        max_size=25,
    )
)


@given(rows=MATRICES, level=st.sampled_from(["nominal", "interval", "ratio"]))
def test_the_per_unit_sums_give_the_packages_alpha(
    rows: list[list[float]], level: ka.Level
) -> None:
    data = np.array(rows)
    found = ka.reliability(level, data)
    point = found.alpha()
    if point is None:
        return
    by_sums = 1 - (found.values - 1) * found.within.sum() / found.expected
    assert by_sums == pytest.approx(ka.reference_alpha(data.T, level), abs=1e-9)
    assert point == pytest.approx(by_sums, abs=1e-9)


def test_no_variation_is_undefined_not_perfect() -> None:
    found = ka.field_alpha("nominal", np.array([[1.0, 1.0], [1.0, 1.0], [1.0, NAN]]))
    assert found.alpha is None and found.low is None
    assert found.units == 2


def test_the_interval_is_reproducible_and_narrows_with_more_units() -> None:
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 5, 2000).astype(float)
    coded = np.where(rng.random(2000) < 0.2, rng.integers(0, 5, 2000), truth)
    data = np.column_stack([truth, coded])
    big = ka.field_alpha("nominal", data)
    assert big == ka.field_alpha("nominal", data)
    small = ka.field_alpha("nominal", data[:100])
    assert big.low is not None and big.high is not None
    assert small.low is not None and small.high is not None
    assert big.high - big.low < small.high - small.low
    assert big.low <= big.alpha <= big.high  # type: ignore[operator]
