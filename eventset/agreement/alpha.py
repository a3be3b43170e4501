"""Krippendorff's alpha for one field, with a bootstrap interval.

The point estimate comes from the `krippendorff` package (a well-kept implementation, checked
in the tests against Krippendorff's own worked example). The bootstrap resamples units with
replacement; each resample's alpha is computed from per-unit sums (the disagreement within a
unit and its value counts), which is the same formula the package evaluates, vectorised over
the resamples: a thousand resamples of tens of thousands of units then take a fraction of a
second instead of a thousand calls on a dense units-by-values matrix. The tests hold the two
computations equal.

Values are a units x coders matrix of floats with NaN for "this coder gave no value"; nominal
codes are integers standing for categories (see `score.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np
import numpy.typing as npt
from scipy import sparse

Level = Literal["nominal", "interval", "ratio"]
Matrix = npt.NDArray[np.float64]

# Resamples of the bootstrap, and the seed that makes a release's interval reproducible.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20110101
# Above this many cells the package's dense units x values matrix is not built; the same formula
# is evaluated from sparse per-unit sums instead (tests hold the two equal).
DENSE_CELLS = 4_000_000
_CHUNK = 50  # resamples evaluated at once: bounds memory at CHUNK x (units + values) floats


@dataclass(frozen=True)
class FieldAlpha:
    """Alpha of one field: None when undefined (fewer than two pairable values, or no variation
    in the values at all, where agreement cannot be told from chance)."""

    alpha: float | None
    low: float | None  # bootstrap 95% interval (2.5th and 97.5th percentiles)
    high: float | None
    units: int  # units with at least two values (pairable)
    values: int  # pairable values
    coders: int  # coders giving at least one pairable value


def _delta(level: Level, a: Matrix, b: Matrix) -> Matrix:
    """Squared difference function of the level of measurement, elementwise."""
    if level == "nominal":
        return np.asarray(a != b, dtype=np.float64)
    if level == "interval":
        return np.asarray((a - b) ** 2, dtype=np.float64)
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total == 0, 0.0, (a - b) / np.where(total == 0, 1.0, total))
    return np.asarray(ratio**2, dtype=np.float64)


@dataclass(frozen=True)
class _Sums:
    """Per-unit sums from which alpha (of the data or of a resample) follows."""

    pairable: npt.NDArray[np.float64]  # m_u: values in the unit
    within: npt.NDArray[np.float64]  # sum of delta over ordered pairs of the unit / (m_u - 1)
    counts: sparse.csr_matrix  # units x domain value counts
    domain: npt.NDArray[np.float64]


def _sums(level: Level, data: Matrix) -> _Sums:
    present = ~np.isnan(data)
    m = present.sum(axis=1).astype(np.float64)
    keep = m >= 2
    data, present, m = data[keep], present[keep], m[keep]
    within = np.zeros(len(data))
    coders = data.shape[1]
    for i in range(coders):
        for j in range(i + 1, coders):
            both = present[:, i] & present[:, j]
            d = np.zeros(len(data))
            d[both] = _delta(level, data[both, i], data[both, j])
            within += 2 * d
    within = within / np.where(m > 1, m - 1, 1)
    rows, cols = np.nonzero(present)
    domain, index = np.unique(data[rows, cols], return_inverse=True)
    counts = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, index.ravel())), shape=(len(data), len(domain))
    )
    return _Sums(m, within, counts, domain)


def _expected(level: Level, n: Matrix, domain: npt.NDArray[np.float64]) -> Matrix:
    """sum over value pairs c, k of n_c n_k delta(c, k), for each row of value totals n."""
    total = n.sum(axis=1)
    if level == "nominal":
        return np.asarray(total**2 - (n**2).sum(axis=1), dtype=np.float64)
    if level == "interval":
        first, second = n @ domain, n @ domain**2
        return np.asarray(2 * (total * second - first**2), dtype=np.float64)
    out = np.zeros(len(n))
    step = max(1, 2_000_000 // max(1, len(domain)))
    for start in range(0, len(domain), step):
        block = _delta(level, domain[start : start + step, None], domain[None, :])
        out += ((n[:, start : start + step] @ block) * n).sum(axis=1)
    return out


def _alphas(level: Level, sums: _Sums, weights: Matrix) -> Matrix:
    """Alpha of each resample given as unit weights (rows of `weights`)."""
    total = weights @ sums.pairable
    observed = weights @ sums.within
    n = np.asarray((sums.counts.T @ weights.T).T)
    expected = _expected(level, n, sums.domain)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (total - 1) * observed / expected, np.nan)


def _point(level: Level, sums: _Sums) -> float | None:
    units, values = sums.counts.shape
    if values < 2:
        return None
    if units * values <= DENSE_CELLS:
        counts = sums.counts.toarray()
        value = krippendorff.alpha(
            value_counts=counts, value_domain=sums.domain, level_of_measurement=level
        )
    else:
        value = float(_alphas(level, sums, np.ones((1, units)))[0])
    return None if math.isnan(value) else float(value)


def field_alpha(
    level: Level,
    data: Matrix,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> FieldAlpha:
    """Alpha of a units x coders matrix (NaN = no value), with a bootstrap 95% interval."""
    sums = _sums(level, data)
    units = len(sums.pairable)
    present = ~np.isnan(data)
    coders = int(present[present.sum(axis=1) >= 2].any(axis=0).sum())
    point = _point(level, sums) if units else None
    low = high = None
    if point is not None and resamples > 0:
        rng = np.random.default_rng(seed)
        found: list[Matrix] = []
        for start in range(0, resamples, _CHUNK):
            size = min(_CHUNK, resamples - start)
            weights = rng.multinomial(units, np.full(units, 1 / units), size=size)
            found.append(_alphas(level, sums, weights.astype(np.float64)))
        spread = np.concatenate(found)
        spread = spread[~np.isnan(spread)]
        if len(spread):
            low, high = (float(x) for x in np.percentile(spread, [2.5, 97.5]))
    return FieldAlpha(point, low, high, units, int(sums.pairable.sum()), coders)


def reference_alpha(
    data: Matrix, level: Literal["nominal", "ordinal", "interval", "ratio"]
) -> float:
    """The package's alpha of a coders x units reliability matrix, as Krippendorff lays it out."""
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
