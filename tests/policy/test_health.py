"""Health benefits per tonne: values by hand from the published EPA tables.

Published values (EPA BenMAP sector benefit-per-ton pages, read in the policy notes §6.1):
2018 update (2015 $, 3 %): locomotives and marine vessels Direct PM $260,000, SO2 $89,000,
NOx $7,800 per ton; 2012 tables (2010 $, 3 %): ocean-going vessels 2005 NOx $1,300, on-road
mobile 2005 NOx $4,400, non-road mobile 2005 Direct PM $210,000. EPA's tons are short tons:
1 tonne = 1 / 0.90718474 short tons (exact). The values are whole dollars as published, so
the sums below are exact up to float rounding (rel 1e-12).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap.errors import InputError
from portcap.policy.health import (
    VALUED_POLLUTANTS,
    HealthParameters,
    benefit_per_tonne_table,
    health_benefit_usd_by_row,
    health_benefits_usd,
)

SHORT_TONS_PER_TONNE = 1 / 0.90718474
NATIONAL = HealthParameters(regional_multiplier=1.0)


def test_default_values_by_hand() -> None:
    changes = pd.DataFrame(
        {"pollutant": ["nox", "pm25", "sox", "co2", "dpm"], "tonnes": [-10.0, -1.0, -2.0, -1e4, -1]}
    )
    # 2018 update, locomotives and marine vessels; CO2 and DPM (part of PM2.5) not valued
    hand = (10 * 7_800 + 1 * 260_000 + 2 * 89_000) * SHORT_TONS_PER_TONNE
    assert health_benefits_usd(changes, NATIONAL) == pytest.approx(hand, rel=1e-12)
    # the South Coast multiplier (x3, an assumption of the policy notes §6.2)
    assert health_benefits_usd(changes) == pytest.approx(3 * hand, rel=1e-12)


def test_increases_are_disbenefits_and_rows_keep_their_index() -> None:
    changes = pd.DataFrame(
        {
            "source": ["ogv", "truck", "cargo_handling"],
            "pollutant": ["nox", "nox", "pm25"],
            "tonnes": [-1.0, 2.0, -0.5],
        },
        index=[4, 8, 15],
    )
    by_row = health_benefit_usd_by_row(
        changes, HealthParameters(edition="epa_bpt_2012", regional_multiplier=1.0)
    )
    expected = np.array([1 * 1_300, -2 * 4_400, 0.5 * 210_000]) * SHORT_TONS_PER_TONNE
    np.testing.assert_allclose(by_row.to_numpy(), expected, rtol=1e-12)
    assert by_row.index.tolist() == [4, 8, 15]
    assert by_row.name == "health_benefit_usd"


def test_one_sector_for_every_row_and_dollar_scale() -> None:
    changes = pd.DataFrame(
        {"source": ["ogv", "truck"], "pollutant": ["nox", "nox"], "tonnes": [-1.0, -1.0]}
    )
    area = HealthParameters(sector="area_sources_2016", regional_multiplier=1.0, dollar_scale=1.5)
    assert health_benefits_usd(changes, area) == pytest.approx(
        2 * 8_600 * SHORT_TONS_PER_TONNE * 1.5, rel=1e-12
    )


def test_table_converts_short_tons_once_and_states_the_dollar_year() -> None:
    table = benefit_per_tonne_table(NATIONAL)
    assert set(table["pollutant"]) == set(VALUED_POLLUTANTS)
    assert set(table["dollar_year"]) == {2015}
    np.testing.assert_allclose(
        table["usd_per_tonne"], table["usd_per_short_ton"] * SHORT_TONS_PER_TONNE, rtol=1e-12
    )
    old = benefit_per_tonne_table(HealthParameters(edition="epa_bpt_2012"))
    assert set(old["dollar_year"]) == {2010}


def test_nothing_changes_nothing_is_worth() -> None:
    assert health_benefits_usd(pd.DataFrame({"pollutant": [], "tonnes": []})) == 0.0
    assert health_benefits_usd(pd.DataFrame({"pollutant": ["hc"], "tonnes": [-5.0]})) == 0.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (pd.DataFrame({"pollutant": ["nox"]}), "missing column"),
        (pd.DataFrame({"pollutant": ["nox2"], "tonnes": [1.0]}), "unknown pollutant 'nox2'"),
        (pd.DataFrame({"pollutant": ["nox"], "tonnes": [np.nan]}), "finite number of tonnes"),
        (
            pd.DataFrame({"source": ["ship"], "pollutant": ["nox"], "tonnes": [1.0]}),
            "unknown source",
        ),
    ],
)
def test_bad_changes_are_refused(changes: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        health_benefits_usd(changes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"regional_multiplier": -1.0}, "must be a finite number >= 0"),
        ({"dollar_scale": -0.5}, "must be a finite number >= 0"),
        ({"edition": "epa_bpt_2030"}, "unknown benefit-per-ton edition"),
        ({"sector": "ocean_going_vessels_2005"}, "unknown sector of edition 'epa_bpt_2018'"),
        ({"discount_rate": 0.07}, "Extra inputs"),
    ],
)
def test_bad_parameters_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HealthParameters(**arguments)  # type: ignore[arg-type]
