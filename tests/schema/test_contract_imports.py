"""What checking a table imports: pandera's polars backend without pandas (a second and more of
start-up on every build) or Hypothesis (a tenth of a second), with the same verdicts as an import
that loaded them first."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import polars as pl
{before}
from eventset.schema.contracts import validate_frame
bad = pl.DataFrame({{"actor_id": ["a", "a", "Not A Slug"]}})
failures = validate_frame("actors", bad)
print(json.dumps({{
    "pandas": "pandas" in sys.modules,
    "hypothesis": "hypothesis" in sys.modules,
    "failures": sorted(f.describe() for f in failures),
}}))
"""


def _probe(before: str = "") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(before=before)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def without_pandas() -> dict[str, object]:
    """The probe as a build runs it (nothing imported first): one interpreter start-up, read by
    every test here, since the three asked the same fresh process the same question."""
    return _probe()


def test_checking_a_table_does_not_import_pandas(without_pandas: dict[str, object]) -> None:
    assert without_pandas["pandas"] is False
    assert without_pandas["hypothesis"] is False
    assert without_pandas["failures"], "the bad frame must fail its contract"


def test_the_verdicts_are_those_of_pandera_with_pandas_loaded(
    without_pandas: dict[str, object],
) -> None:
    with_pandas = _probe("import pandas, hypothesis")
    assert with_pandas["pandas"] is True and with_pandas["hypothesis"] is True
    assert without_pandas["failures"] == with_pandas["failures"]


def test_pandas_and_hypothesis_import_normally_afterwards() -> None:
    code = (
        "from eventset.schema.contracts import validate_frame as v; import polars as pl; "
        "v('actors', pl.DataFrame({'actor_id': ['a']})); import pandas, hypothesis"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
