"""Exports that mix with the real thing: our GED rows follow UCDP's inclusion rule and
concatenate with the real UCDP GED sample (pandas defaults) without a column changing type;
the ACLED export concatenates with an ACLED-shaped frame the same way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from eventset.exports import acled
from eventset.exports.write import csv_dtypes, export_release
from tests.conftest import REPO

GED_SAMPLE = REPO.parent / "shared" / "reference" / "peers" / "ucdp-ged-23.1-sample.parquet"


@pytest.fixture(scope="module")
def ged_sample() -> pd.DataFrame:
    if not GED_SAMPLE.exists():
        pytest.skip(f"{GED_SAMPLE} is absent (shared reference files)")
    return pd.read_parquet(GED_SAMPLE)


def test_ged_rows_follow_ucdps_inclusion_rule(synthetic_release: Path, tmp_path: Path) -> None:
    ours = tmp_path / "ged.parquet"
    everything = tmp_path / "all.parquet"
    rows = export_release(synthetic_release, "ucdp-ged", ours)
    assert 0 < rows < export_release(synthetic_release, "ucdp-ged", everything, everything=True)
    ged = pd.read_parquet(ours)
    for column in ("type_of_violence", "best", "low", "high", "year", "date_start"):
        assert ged[column].notna().all(), column
    assert ged["type_of_violence"].isin([1, 2, 3]).all() and (ged["best"] >= 1).all()
    assert ((ged["low"] <= ged["best"]) & (ged["best"] <= ged["high"])).all()
    # as in GED, the deaths by side add up to best (all of unknown side here)
    deaths = ged[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].sum(axis=1)
    assert (deaths == ged["best"]).all()


def test_ged_parquet_concatenates_with_the_real_sample(
    synthetic_release: Path, tmp_path: Path, ged_sample: pd.DataFrame
) -> None:
    export_release(synthetic_release, "ucdp-ged", tmp_path / "ged.parquet")
    ours = pd.read_parquet(tmp_path / "ged.parquet")  # pandas defaults, nothing asked
    mixed = pd.concat([ged_sample, ours], ignore_index=True)
    assert mixed.dtypes.to_dict() == ged_sample.dtypes.to_dict()
    assert (mixed["best"] == mixed["best"].astype("Int64")).all()


def test_ged_csv_reads_filled_integer_columns_as_integers(
    synthetic_release: Path, tmp_path: Path, ged_sample: pd.DataFrame
) -> None:
    export_release(synthetic_release, "ucdp-ged", tmp_path / "ged.csv")
    ours = pd.read_csv(tmp_path / "ged.csv")
    mixed = pd.concat([ged_sample, ours], ignore_index=True)
    filled = ("year", "type_of_violence", "best", "low", "high", "number_of_sources")
    for column in (*filled, "deaths_a", "deaths_unknown", "date_prec", "event_clarity"):
        assert pd.api.types.is_integer_dtype(mixed[column]), (column, mixed[column].dtype)


def test_acled_parquet_concatenates_with_an_acled_shaped_frame(
    synthetic_release: Path, tmp_path: Path
) -> None:
    export_release(synthetic_release, "acled", tmp_path / "acled.parquet")
    ours = pd.read_parquet(tmp_path / "acled.parquet")
    assert len(ours) > 0
    # ACLED's layout (reference/peers/README.md) as an analyst's frame of numpy dtypes.
    numpy_types = {"int64": 0, "string": "x", "double": 0.5, "date32[day]": pd.Timestamp(0).date()}
    shaped = pd.DataFrame([{c.name: numpy_types[str(c.dtype)] for c in acled.COLUMNS}])
    mixed = pd.concat([shaped, ours], ignore_index=True)
    integers = [c.name for c in acled.COLUMNS if str(c.dtype) == "int64"]
    for column in integers:
        assert pd.api.types.is_integer_dtype(mixed[column]), (column, mixed[column].dtype)
    assert (ours["fatalities"] >= 0).all() and ours["iso"].notna().all()


def test_csv_dtypes_read_every_integer_column_as_integers(
    synthetic_release: Path, tmp_path: Path, ged_sample: pd.DataFrame
) -> None:
    export_release(synthetic_release, "ucdp-ged", tmp_path / "ged.csv")
    ours = pd.read_csv(tmp_path / "ged.csv", dtype=csv_dtypes("ucdp-ged"))
    mixed = pd.concat([ged_sample, ours], ignore_index=True)
    integers = [name for name, dtype in ged_sample.dtypes.items() if str(dtype) == "Int64"]
    assert len(integers) == 27
    assert all(str(mixed[name].dtype) == "Int64" for name in integers)
