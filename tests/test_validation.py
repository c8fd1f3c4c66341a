"""`portcap validate`: the 2005-to-2023 changes against the ports' published figures.

Published figures (``published.csv`` of the packaged baseline, each with its source):
POLA 2023 vs 2005 DPM -91 %, NOx -74 %, SOx -98 %, GHG -24 %; POLB DPM -92 %, NOx -71 %,
SOx -98 %, GHG -17 %; both ports DPM -91 %, NOx -72 %, SOx -98 %. Tolerance: +-5
percentage points (issue 3). Long Beach 2005 DPM by source: OGV 605, trucks 205, CHE 47
short tons; POLA 2005 totals DPM 891, NOx 16,331, SOx 5,306 and POLB 2005 DPM 1,040 short
tons (tolerance 25 %: the published values are of older report vintages).
"""

from __future__ import annotations

import pandas as pd
import pytest

from portcap import validation


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return validation.reconcile()


def test_every_change_and_throughput_check_passes(table: pd.DataFrame) -> None:
    checked = table[
        table["check"].isin(["change", "teu", "tonnage_ogv", "tonnage_truck", "tonnage_total"])
    ]
    failed = checked[~checked["passed"]]
    assert failed.empty, failed[["check", "port", "pollutant", "modelled", "published"]]
    assert len(checked) == 11 + 6 + 2 + 4


@pytest.mark.xfail(
    strict=True,
    reason="known miss: modelled POLB 2005 cargo-handling DPM is about twice the published "
    "47 short tons (NONROAD Tier 0-2 factors with deterioration on CARB load factors and "
    "hours; see docs/methodology/whole-port.md)",
)
def test_long_beach_2005_cargo_handling_dpm(table: pd.DataFrame) -> None:
    row = table[table["check"] == "tonnage_cargo_handling"].iloc[0]
    assert row["passed"], (row["modelled"], row["published"])


def test_changes_cover_both_ports_and_the_complex(table: pd.DataFrame) -> None:
    changes = table[table["check"] == "change"]
    assert set(changes["port"]) == {"POLA", "POLB", "all"}
    assert set(changes["pollutant"]) == {"dpm", "nox", "sox", "co2e"}
    assert (changes["modelled"] < 0).all()
    assert (changes["difference"].abs() <= 5).all()


def test_verdict_follows_the_tolerance(table: pd.DataFrame) -> None:
    assert (table["passed"] == (table["difference"].abs() <= table["tolerance"])).all()
