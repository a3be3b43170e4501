"""Krippendorff's alpha for one field, with a bootstrap interval.

The point estimate comes from the `krippendorff` package (a well-kept implementation, checked
in the tests against Krippendorff's own worked example); where its dense arrays would not fit
(dates have as many values as distinct days), the same formula is evaluated from sparse
per-unit sums, and the tests hold the two equal.

The interval follows Hayes & Krippendorff (2007, "Answering the call for a standard reliability
measure for coding data"): the expected disagreement is held at its value in the data and the
observed disagreement is resampled; here by resampling units with replacement, so the
disagreements within a unit stay together. Each unit's share of the observed disagreement is
one number, so a resample of every field of a table is one matrix product: a thousand
resamples of tens of thousands of units take a fraction of a second.

Values are a units x coders matrix of floats with NaN for "this coder gave no value"; nominal
codes are integers standing for categories (see `score.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
# The package builds a units x values x values array (its coincidences, krippendorff 0.9); above
# this many cells (80 MB) the same formula is evaluated from sparse per-unit sums instead (tests
# hold the two equal): dates have as many values as distinct days.
DENSE_CELLS = 10_000_000
_CHUNK = 50  # resamples drawn at once: bounds memory at CHUNK x units numbers
_PATTERNS = 5000  # up to this many distinct units, resamples are drawn as pattern counts


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


def _expected(level: Level, n: Matrix, domain: Matrix) -> float:
    """Sum over value pairs c, k of n_c n_k delta(c, k), for the value totals n."""
    total = n.sum()
    if level == "nominal":
        return float(total**2 - (n**2).sum())
    if level == "interval":
        return float(2 * (total * (n @ domain**2) - (n @ domain) ** 2))
    out = 0.0
    step = max(1, 2_000_000 // max(1, len(domain)))
    for start in range(0, len(domain), step):
        block = _delta(level, domain[start : start + step, None], domain[None, :])
        out += float(n[start : start + step] @ block @ n)
    return out


@dataclass(frozen=True)
class Reliability:
    """One field's reliability data reduced to what alpha needs, row by row of the input (a
    unit with fewer than two values has none of either)."""

    level: Level
    pairable: Matrix  # m_u: values in the unit when it has two or more, else 0
    within: Matrix  # disagreement in the unit: sum of delta over its ordered pairs / (m_u - 1)
    expected: float  # sum over value pairs c, k of n_c n_k delta(c, k)
    counts: sparse.csr_matrix  # pairable units x values
    domain: Matrix
    coders: int

    @property
    def values(self) -> int:
        return int(self.pairable.sum())

    @property
    def units(self) -> int:
        return int((self.pairable > 0).sum())

    def alpha(self) -> float | None:
        """The point estimate; None when undefined (no variation, or no pairable values)."""
        units, values = self.counts.shape
        if values < 2 or self.expected <= 0:
            return None
        if units * values * values <= DENSE_CELLS:
            value = krippendorff.alpha(
                value_counts=self.counts.toarray(),
                value_domain=self.domain,
                level_of_measurement=self.level,
            )
            return None if math.isnan(value) else float(value)
        n = self.values
        return float(1 - (n - 1) * self.within.sum() / self.expected)


def reliability(level: Level, data: Matrix) -> Reliability:
    """A units x coders matrix (NaN = no value) reduced for alpha and its bootstrap."""
    present = ~np.isnan(data)
    m = present.sum(axis=1).astype(np.float64)
    keep = m >= 2
    within = np.zeros(len(data))
    for i in range(data.shape[1]):
        for j in range(i + 1, data.shape[1]):
            both = keep & present[:, i] & present[:, j]
            within[both] += 2 * _delta(level, data[both, i], data[both, j])
    within[keep] /= m[keep] - 1
    rows, cols = np.nonzero(present[keep])
    kept = data[keep]
    domain, index = np.unique(kept[rows, cols], return_inverse=True)
    counts = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, index.ravel())), shape=(len(kept), len(domain))
    )
    totals = np.asarray(counts.sum(axis=0)).ravel()
    return Reliability(
        level,
        np.where(keep, m, 0.0),
        within,
        _expected(level, totals, domain) if len(domain) else 0.0,
        counts,
        domain,
        int(present[keep].any(axis=0).sum()),
    )


def bootstrap(
    fields: Sequence[Reliability], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> list[tuple[float, float] | None]:
    """The 95% bootstrap interval of each field's alpha, all fields over the same units (rows)
    and the same resamples; None where alpha is undefined."""
    if not fields or resamples < 1:
        return [None] * len(fields)
    rows = len(fields[0].pairable)
    defined = [f.expected > 0 and f.values > 1 for f in fields]
    if not any(defined):
        return [None] * len(fields)
    # Per field: alpha_b = 1 - within_b * n (n - 1) / (values_b * expected), with n the field's
    # pairable values in the data (the expected disagreement is held, Hayes & Krippendorff).
    columns = np.column_stack([f.pairable for f in fields] + [f.within for f in fields])
    scale = np.array(
        [
            f.values * (f.values - 1) / f.expected if ok else 0.0
            for f, ok in zip(fields, defined, strict=True)
        ]
    )
    # Units alike in every field (most: two coders agreeing) are one pattern; drawing units with
    # replacement is drawing patterns with the units' shares, a multinomial over far fewer
    # categories than units.
    patterns, counts = np.unique(columns, axis=0, return_counts=True)
    rng = np.random.default_rng(seed)
    found: list[Matrix] = []
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        if len(patterns) <= _PATTERNS:
            weights = rng.multinomial(rows, counts / rows, size=size)
            sums = weights.astype(np.float64) @ patterns
        else:
            drawn = rng.integers(0, rows, size=(size, rows)) + rows * np.arange(size)[:, None]
            weights = np.bincount(drawn.ravel(), minlength=size * rows).reshape(size, rows)
            sums = weights.astype(np.float64) @ columns
        values, within = sums[:, : len(fields)], sums[:, len(fields) :]
        with np.errstate(divide="ignore", invalid="ignore"):
            # Holding the expected disagreement fixed, a resample can fall below alpha's
            # floor of -1; as Hayes & Krippendorff do, such values count as -1.
            resampled = np.maximum(1 - within * scale / values, -1.0)
            found.append(np.where(values > 0, resampled, np.nan))
    spread = np.vstack(found)
    out: list[tuple[float, float] | None] = []
    for k, ok in enumerate(defined):
        column = spread[:, k]
        column = column[~np.isnan(column)]
        if not ok or not len(column):
            out.append(None)
            continue
        low, high = np.percentile(column, [2.5, 97.5])
        out.append((float(low), float(high)))
    return out


def scored(found: Reliability, interval: tuple[float, float] | None) -> FieldAlpha:
    point = found.alpha()
    low, high = interval if interval is not None and point is not None else (None, None)
    return FieldAlpha(point, low, high, found.units, found.values, found.coders)


def field_alpha(
    level: Level,
    data: Matrix,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> FieldAlpha:
    """Alpha of a units x coders matrix (NaN = no value), with a bootstrap 95% interval."""
    found = reliability(level, data)
    return scored(found, bootstrap([found], resamples, seed)[0])


def reference_alpha(
    data: Matrix, level: Literal["nominal", "ordinal", "interval", "ratio"]
) -> float:
    """The package's alpha of a coders x units reliability matrix, as Krippendorff lays it out."""
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
