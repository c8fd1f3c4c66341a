"""Economy: jobs and output per TEU from the published impact studies; compliance costs.

Published values (``src/portcap/data/economy/jobs_per_teu.csv``): CCJE 2024 Phase I
(226,000 regional jobs and $48.47 B output of port operations, 2022) over the ports'
19.045 M TEU of 2022; NWSA 2019 (14,890 direct jobs, 3.7 M TEU); Oakland 2012 (8 direct jobs
per 1,000 containers). The reference notes derive 11.9 total and 4.0 direct jobs per
1,000 TEU from them (diversion-inputs §7, domain §5.3).
"""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from portcap import economy, factors
from portcap.economy import REGIONAL, EconomyParameters, compliance_cost, jobs_change
from portcap.errors import InputError


@pytest.fixture(scope="module")
def studies() -> pd.DataFrame:
    return economy.load_economy_table("jobs_per_teu").set_index("study")


def test_defaults_are_the_published_ratios(studies: pd.DataFrame) -> None:
    defaults = EconomyParameters()
    spb = studies.loc["ccje_2024"]
    # 226,000 / 19,045 = 11.867 jobs per 1,000 TEU; default rounded to 0.01
    assert defaults.jobs_per_1000_teu == pytest.approx(1000 * spb["jobs"] / spb["teu"], abs=5e-3)
    assert defaults.jobs_per_1000_teu == pytest.approx(11.9, abs=0.05)  # domain §5.3
    # $48.47 B / 19.045 M TEU = $2,545 per TEU
    assert defaults.output_usd_per_teu == pytest.approx(spb["output_usd"] / spb["teu"], abs=0.5)
    # direct jobs: NWSA 4.02 and Oakland 4.44 per 1,000 TEU; the reference default is 4.0
    nwsa = 1000 * studies.loc["nwsa_2019", "jobs"] / studies.loc["nwsa_2019", "teu"]
    oakland = 1000 * studies.loc["oakland_2012", "jobs"] / studies.loc["oakland_2012", "teu"]
    assert nwsa == pytest.approx(4.02, abs=0.01)
    assert oakland == pytest.approx(4.44, abs=0.01)
    assert defaults.direct_jobs_per_1000_teu == pytest.approx(4.0)
    # NWSA direct x 2.9 job multiplier = 11.7, close to San Pedro Bay's 11.9
    assert nwsa * 2.9 == pytest.approx(defaults.jobs_per_1000_teu, rel=0.02)


def test_jobs_follow_the_teu_by_hand() -> None:
    change = pd.DataFrame(
        {
            "year": [2031, 2031, 2031, 2037, 2031],
            "region": [REGIONAL, "OAK", "SEA", REGIONAL, "OAK"],
            "teu": [-500_000.0, 200_000.0, 150_000.0, -1_000_000.0, 50_000.0],
        }
    )
    out = jobs_change(change)
    assert list(out.columns) == ["year", "region", "jobs", "direct_jobs", "output_usd"]
    assert list(zip(out["year"], out["region"], strict=True)) == [
        (2031, REGIONAL),
        (2031, "OAK"),
        (2031, "SEA"),
        (2037, REGIONAL),
    ]
    row = out.set_index(["year", "region"])
    assert row.loc[(2031, REGIONAL), "jobs"] == pytest.approx(-500 * 11.87)  # -5,935
    assert row.loc[(2031, REGIONAL), "direct_jobs"] == pytest.approx(-500 * 4.0)
    assert row.loc[(2031, REGIONAL), "output_usd"] == pytest.approx(-500_000 * 2545.0)
    assert row.loc[(2031, "OAK"), "jobs"] == pytest.approx(250 * 11.87)  # two rows added up
    assert row.loc[(2037, REGIONAL), "jobs"] == pytest.approx(-11_870.0)


def test_gateway_multipliers_can_differ() -> None:
    change = pd.DataFrame({"year": 2031, "region": [REGIONAL, "PRR"], "teu": [-1000.0, 1000.0]})
    params = EconomyParameters(gateway_jobs_per_1000_teu=1.5, gateway_output_usd_per_teu=800.0)
    out = jobs_change(change, params).set_index("region")
    assert out.loc[REGIONAL, "jobs"] == pytest.approx(-11.87)
    assert out.loc["PRR", "jobs"] == pytest.approx(1.5)
    assert out.loc["PRR", "direct_jobs"] == pytest.approx(4.0)  # not overridden
    assert out.loc["PRR", "output_usd"] == pytest.approx(800_000.0)


def test_no_change_gives_an_empty_table() -> None:
    out = jobs_change(pd.DataFrame(columns=["year", "region", "teu"]))
    assert out.empty
    assert list(out.columns) == ["year", "region", "jobs", "direct_jobs", "output_usd"]


def test_bad_teu_change_raises() -> None:
    with pytest.raises(InputError, match="missing column"):
        jobs_change(pd.DataFrame({"year": [2031], "teu": [1.0]}))
    with pytest.raises(InputError, match="row 2, field 'teu'"):
        jobs_change(pd.DataFrame({"year": 2031, "region": REGIONAL, "teu": [1.0, float("nan")]}))
    with pytest.raises(ValidationError, match="jobs_per_teu"):
        EconomyParameters(jobs_per_teu=12)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        EconomyParameters(jobs_per_1000_teu=-1.0)


def test_compliance_cost_counts_each_measure_once() -> None:
    # the cap module's table of measures taken: the cost of the share taken, repeated on
    # every pollutant row of the measure
    taken = pd.DataFrame(
        {
            "year": [2031, 2031, 2031, 2031, 2037],
            "terminal": ["T1", "T1", "T1", "T2", "T1"],
            "measure": [
                "ze_drayage_truck",
                "ze_drayage_truck",
                "at_berth_capture",
                "ze_drayage_truck",
                "ze_drayage_truck",
            ],
            "share_taken": [0.5, 0.5, 1.0, 1.0, 0.25],
            "pollutant": ["nox", "co2", "nox", "nox", "nox"],
            "reduction_tonnes": [1.0, 50.0, 2.0, 3.0, 0.5],
            "cost_usd": [100_000.0, 100_000.0, 30_000.0, 45_000.0, 7_000.0],
        }
    )
    out = compliance_cost(taken)
    assert out.to_dict("records") == [
        {"year": 2031, "terminal": "T1", "cost_usd": 130_000.0},
        {"year": 2031, "terminal": "T2", "cost_usd": 45_000.0},
        {"year": 2037, "terminal": "T1", "cost_usd": 7_000.0},
    ]
    empty = compliance_cost(taken.iloc[:0])
    assert empty.empty
    assert list(empty.columns) == ["year", "terminal", "cost_usd"]
    with pytest.raises(InputError, match="missing column"):
        compliance_cost(taken.drop(columns="measure"))


def test_every_default_is_sourced() -> None:
    known = set(factors.sources()["source_id"])
    for name, field in EconomyParameters.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict), name
        assert set(extra["source_ids"]) <= known, name  # type: ignore[arg-type]
        assert field.description, name
