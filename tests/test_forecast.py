"""Forecast: demand growth, the dated rules in force, fleet renewal and the daily profile.

Expected values are hand calculations from the packaged 2023 San Pedro Bay baseline
(``src/portcap/data/baseline/san_pedro_bay``) and the published TEU of
``src/portcap/data/forecast/teu_history.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap import baseline, factors, forecast
from portcap.errors import InputError
from portcap.forecast import DatedPath, ForecastParameters, project_activity
from portcap.port_inventory import port_inventory

BASE = 2023


@pytest.fixture(scope="module")
def activity() -> baseline.ActivitySet:
    return baseline.load_activity_set()


@pytest.fixture(scope="module")
def projected_2031(activity: baseline.ActivitySet) -> baseline.ActivitySet:
    return project_activity(activity, 2031)


def test_base_year_projection_is_the_base_activity(activity: baseline.ActivitySet) -> None:
    same = project_activity(activity, BASE)
    assert same.years == (BASE,)
    for name, table in activity.tables.items():
        expected = table if name in ("terminals", "published") else table[table["year"] == BASE]
        pd.testing.assert_frame_equal(same.tables[name], expected.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        port_inventory(BASE, activity_set=same).emissions, port_inventory(BASE).emissions
    )


def test_demand_growth_compounds(
    activity: baseline.ActivitySet, projected_2031: baseline.ActivitySet
) -> None:
    # 1.8 %/yr over 8 years: 1.018 ** 8 = 1.15329...
    factor = 1.018**8
    for port in baseline.PORTS:
        base_teu = activity.parameter(BASE, port, "teu")
        assert projected_2031.parameter(2031, port, "teu") == pytest.approx(base_teu * factor)
    demand = forecast.teu_demand(activity, [BASE, 2031])
    totals = demand.groupby("year")["teu"].sum()
    assert totals[2031] / totals[BASE] == pytest.approx(factor)
    # terminal TEU are the port totals times the acreage shares
    polb = demand[(demand["year"] == 2031) & (demand["port"] == "POLB")]
    assert polb["teu"].sum() == pytest.approx(projected_2031.parameter(2031, "POLB", "teu"))
    tti = polb.set_index("terminal").loc["POLB_TTI_PIERT", "teu"]
    assert tti == pytest.approx(8_018_668 * factor * 0.2641, rel=1e-9)


def test_calls_grow_with_demand_only_for_container_ships(
    activity: baseline.ActivitySet, projected_2031: baseline.ActivitySet
) -> None:
    base = activity["vessel_calls"].query("year == @BASE").reset_index(drop=True)
    new = projected_2031["vessel_calls"]
    ratio = new["calls"].to_numpy() / base["calls"].to_numpy()
    container = (base["ship_type"] == "container").to_numpy()
    np.testing.assert_allclose(ratio[container], 1.018**8)
    np.testing.assert_allclose(ratio[~container], 1.0)


def test_default_growth_is_the_published_2005_2024_rate() -> None:
    history = forecast.load_forecast_table("teu_history")
    teu_2005 = history.query("year == 2005")["teu"].sum()  # 7.48 M + 6,709,818
    teu_2024 = history.query("year == 2024")["teu"].sum()  # 19.94 M
    cagr = (teu_2024 / teu_2005) ** (1 / 19) - 1  # = 0.01807
    # the default is rounded to 0.1 percentage point
    assert ForecastParameters().teu_growth_per_year == pytest.approx(cagr, abs=5e-4)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, 0.02 + 0.98 * 1 / 12),
        (2029, 0.02 + 0.98 * 6 / 12),
        (2035, 1.0),
        (2040, 1.0),
    ],
)
def test_truck_zero_emission_share_follows_the_path(
    activity: baseline.ActivitySet, year: int, expected: float
) -> None:
    # 2 % zero-emission legs in 2023, 100 % by 2035, linear in between
    fleet = project_activity(activity, year)["truck_fleet"]
    for port, rows in fleet.groupby("port"):
        assert rows["share"].sum() == pytest.approx(1.0), port
        ze = rows.loc[rows["model_year_group"] == "ze", "share"].sum()
        assert ze == pytest.approx(expected), port


def test_trucks_without_zero_emission_rows_get_one(activity: baseline.ActivitySet) -> None:
    tables = {name: table.copy() for name, table in activity.tables.items()}
    trucks = tables["truck_fleet"]
    trucks = trucks[(trucks["year"] == BASE) & (trucks["model_year_group"] != "ze")].copy()
    trucks["share"] = trucks["share"] / trucks.groupby("port")["share"].transform("sum")
    tables["truck_fleet"] = trucks
    fleet = project_activity(baseline.ActivitySet(activity.path, tables), 2029)["truck_fleet"]
    ze = fleet[fleet["model_year_group"] == "ze"]
    assert set(ze["fuel"]) == {"electric"}
    np.testing.assert_allclose(ze["share"], 6 / 12)  # from 0 to 1 in 12 years, 6 years on


def test_equipment_zero_emission_path_and_oldest_first(activity: baseline.ActivitySet) -> None:
    # 2023: 5 % of every equipment type is battery-electric; 100 % by 2030, linear
    equipment = project_activity(activity, 2026)["equipment"]
    base = activity["equipment"].query("year == @BASE")
    growth = 1.018**3
    for (port, kind), rows in equipment.groupby(["port", "equipment_type"]):
        base_rows = base[(base["port"] == port) & (base["equipment_type"] == kind)]
        assert rows["count"].sum() == pytest.approx(base_rows["count"].sum() * growth)
        ze_share = rows.loc[rows["fuel"] == "electric", "count"].sum() / rows["count"].sum()
        assert ze_share == pytest.approx(0.05 + 0.95 * 3 / 7), (port, kind)
    # 3/7 - 0.05 of the units retire: the 2009 (tier3), 2012 (tier4i) and 2016 (onroad2010)
    # cohorts (25 % of the units) go first, the 2018 tier4f cohort keeps the rest
    diesel = equipment[equipment["fuel"] == "diesel"]
    assert set(diesel["tier"]) == {"tier4f"}
    assert (diesel["model_year"] == 2018).all()


def test_equipment_all_zero_emission_from_2030(activity: baseline.ActivitySet) -> None:
    equipment = project_activity(activity, 2030)["equipment"]
    assert set(equipment["fuel"]) == {"electric"}
    assert equipment["count"].sum() == pytest.approx(
        activity["equipment"].query("year == @BASE")["count"].sum() * 1.018**7
    )


def test_equipment_renewal_without_a_zero_emission_goal(activity: baseline.ActivitySet) -> None:
    no_goal = ForecastParameters(che_ze_share=DatedPath(points=((2023, 0.0),)))
    equipment = project_activity(activity, 2025, no_goal)["equipment"]
    base = activity["equipment"].query("year == @BASE")
    # of 100 forklifts 95 burn diesel: 5 tier3 (2009), 10 tier4i (2012), 10 onroad2010 (2016),
    # 70 tier4f (2018). 10 %/yr x 2 years = 19 units retire oldest first: the tier3 and
    # tier4i cohorts (15) and 4 of the onroad2010 units; they come back as new tier4f units
    # of model year 2025
    for port in baseline.PORTS:
        rows = equipment[(equipment["port"] == port) & (equipment["equipment_type"] == "forklift")]
        combustion = base.query("port == @port and equipment_type == 'forklift'")
        combustion = combustion[combustion["fuel"] == "diesel"]["count"].sum() * 1.018**2
        by_tier = rows.groupby(["tier", "model_year"])["count"].sum()
        assert ("tier3", 2009) not in by_tier.index
        assert ("tier4i", 2012) not in by_tier.index
        assert by_tier[("onroad2010", 2016)] == pytest.approx(combustion * 6 / 95)
        assert by_tier[("tier4f", 2025)] == pytest.approx(combustion * 0.2)


@pytest.mark.parametrize(
    ("ship_type", "year", "expected"),
    [
        ("container", 2024, 0.95),  # 2020 rule: every visit less 5 % exceptions from 2023
        ("cruise", 2024, 0.95),
        ("reefer", 2024, 0.95),
        ("oil_tanker", 2024, 0.05),  # tankers at POLA/POLB only from 2025
        ("oil_tanker", 2025, 0.95),
        ("ro_ro", 2025, 0.95),
        ("bulk_carrier", 2031, 0.0),  # reporting only
    ],
)
def test_shore_power_follows_the_at_berth_regulation(
    activity: baseline.ActivitySet, ship_type: str, year: int, expected: float
) -> None:
    calls = project_activity(activity, year)["vessel_calls"]
    shares = calls.loc[calls["ship_type"] == ship_type, "shore_power_share"]
    np.testing.assert_allclose(shares, expected)


def test_ogv_fleet_renews_oldest_first(projected_2031: baseline.ActivitySet) -> None:
    fleet = projected_2031["ogv_fleet"].set_index("keel_year")["share"]
    assert fleet.sum() == pytest.approx(1.0)
    # 4 %/yr x 8 years = 32 % renewed: the 1997 cohort (5 %) and 27 of the 45 % of 2006
    assert 1997 not in fleet.index
    assert fleet[2006] == pytest.approx(0.45 - 0.27)
    assert fleet[2013] == pytest.approx(0.38)
    np.testing.assert_allclose(fleet.loc[2024:2031], 0.04)
    # Tier III (keel laid from 2016): 12 % in 2023, 44 % in 2031
    assert fleet[fleet.index >= 2016].sum() == pytest.approx(0.12 + 0.32)


def test_projected_tables_keep_unique_keys(projected_2031: baseline.ActivitySet) -> None:
    for name, spec in baseline.ACTIVITY_TABLES.items():
        table = projected_2031.tables[name]
        assert not table.duplicated(list(spec.key)).any(), name
        assert (table["source_row"] >= 0).all(), name


def test_eca_rules_apply_when_projecting_from_2005(activity: baseline.ActivitySet) -> None:
    projected = project_activity(activity, 2016, base_year=2005)
    for port in baseline.PORTS:
        assert projected.parameter(2016, port, "ogv_in_eca") == 1.0
        assert projected.parameter(2016, port, "ogv_fuel_sulfur_pct_mass") == pytest.approx(0.1)
    before = project_activity(activity, 2012, base_year=2005)
    assert before.parameter(2012, "POLA", "ogv_in_eca") == 0.0
    assert before.parameter(2012, "POLA", "ogv_fuel_sulfur_pct_mass") == pytest.approx(2.7)


def test_projected_2031_nox_is_below_2023(projected_2031: baseline.ActivitySet) -> None:
    nox_2023 = port_inventory(BASE).emissions.query("pollutant == 'nox'")["mass_tonnes"].sum()
    emissions = port_inventory(2031, activity_set=projected_2031).emissions
    nox_2031 = emissions.query("pollutant == 'nox'")["mass_tonnes"].sum()
    assert nox_2031 < nox_2023
    by_source = emissions.query("pollutant == 'nox'").groupby("source")["mass_tonnes"].sum()
    assert by_source["cargo_handling"] == pytest.approx(0.0, abs=1e-9)  # CAAP 2030 goal


def test_teu_demand_observed_and_projected_years(activity: baseline.ActivitySet) -> None:
    demand = forecast.teu_demand(activity, [2005, 2024])
    totals = demand.groupby("year")["teu"].sum()
    assert totals[2005] == pytest.approx(7_480_000 + 6_709_818)
    assert totals[2024] == pytest.approx((8_634_497 + 8_018_668) * 1.018)
    with pytest.raises(InputError, match="before the base year"):
        forecast.teu_demand(activity, [2010])


def test_bad_years_raise(activity: baseline.ActivitySet) -> None:
    with pytest.raises(InputError, match="before base year"):
        project_activity(activity, 2020)
    with pytest.raises(InputError, match="base year 2010 is not in the activity set"):
        project_activity(activity, 2031, base_year=2010)


@pytest.mark.parametrize(
    "points",
    [(), ((2030, 1.0), (2025, 0.5)), ((2030, 1.5),)],
)
def test_bad_dated_paths_raise(points: tuple[tuple[int, float], ...]) -> None:
    with pytest.raises(ValidationError):
        DatedPath(points=points)


def test_misspelt_parameter_raises() -> None:
    with pytest.raises(ValidationError, match="truck_ze_shares"):
        ForecastParameters(truck_ze_shares={"points": [[2035, 1.0]]})  # type: ignore[call-arg]


def test_parameters_from_yaml_like_input() -> None:
    params = ForecastParameters(
        truck_ze_share={"points": [[2030, 0.5], [2040, 1.0]], "interpolation": "linear"}
    )
    # 2023 -> 2030 from 0.02 to 0.5, then on to 1.0 in 2040
    assert params.truck_ze_share.share(2035, 2023, 0.02) == pytest.approx(0.75)


def test_parameter_provenance_is_in_the_bibliography() -> None:
    known = set(factors.sources()["source_id"])
    for name, field in ForecastParameters.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict), name
        assert extra["tag"] in ("V", "V-3p", "D", "R"), name
        assert set(extra["source_ids"]) <= known, name  # type: ignore[arg-type]
        assert field.description, name


@pytest.mark.parametrize("method", forecast.PROFILE_METHODS)
@pytest.mark.parametrize(("year", "days"), [(2031, 365), (2032, 366)])
def test_daily_profile_sums_to_one(method: str, year: int, days: int) -> None:
    profile = forecast.daily_profile(year, method=method)
    assert len(profile) == days
    assert profile.index[0] == pd.Timestamp(f"{year}-01-01")
    assert profile.index.is_monotonic_increasing
    assert profile.sum() == pytest.approx(1.0, abs=1e-12)
    assert (profile > 0).all()


def test_daily_profile_keeps_the_monthly_ais_shares() -> None:
    visits = forecast.load_forecast_table("ais_monthly_visits_2022")
    by_port = visits.pivot(index="month", columns="port", values="visits")
    expected = (by_port / by_port.sum()).mean(axis=1)
    assert expected[1] == pytest.approx((341 / 3237 + 349 / 3210) / 2)  # January
    for year in (2031, 2032):
        profile = forecast.daily_profile(year)
        monthly = profile.groupby(profile.index.month).sum()
        np.testing.assert_allclose(monthly.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_daily_profile_follows_vessels_at_berth_within_a_month() -> None:
    # Monday 3 and Tuesday 4 January 2022: 17 and 16 container vessels at berth
    profile = forecast.daily_profile(2022, method="pola_daily")
    assert profile["2022-01-03"] / profile["2022-01-04"] == pytest.approx(17 / 16)
    # Saturday 8 January is interpolated between Friday 7 (17) and Monday 10 (14)
    assert profile["2022-01-08"] / profile["2022-01-07"] == pytest.approx(16 / 17)


def test_unknown_profile_method_raises() -> None:
    with pytest.raises(ValueError, match="unknown profile method 'weekly'"):
        forecast.daily_profile(2031, method="weekly")
