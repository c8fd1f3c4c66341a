"""Clean-technology measures: annualised cost, the test vectors of the policy notes, hand cases.

Published values: the capital recovery factors of the policy notes §2.1 (the Carl Moyer
annuity, rounded to 5 decimals) and the cost-per-ton test vectors of §1.7
(``/work/shared/reference/policy-inputs.md``: derived from the Orange EV yard-truck prices,
the mhwmag per-tractor emissions, the Pacific Harbor Line and CSX switcher grants and the
POLA Clean Ports package; rounded to $100 or three significant figures).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap import baseline, factors, forecast
from portcap.errors import InputError
from portcap.policy import technology
from portcap.policy.technology import (
    OPTION_COLUMNS,
    TechnologyParameters,
    abatement_options,
    annualised_cost_usd,
    capital_recovery_factor,
    measure_table,
)
from portcap.port_inventory import port_inventory
from portcap.sources import cargo_handling, harbor_craft, rail, trucks

ONE_PERCENT = TechnologyParameters(discount_rate=0.01)


@pytest.mark.parametrize(
    ("rate", "years", "published"),
    [
        (0.01, 5, 0.20604),
        (0.01, 10, 0.10558),
        (0.01, 12, 0.08885),
        (0.01, 20, 0.05542),
        (0.02, 10, 0.11133),
        (0.02, 25, 0.05122),
        (0.03, 15, 0.08377),
        (0.07, 7, 0.18555),
        (0.07, 25, 0.08581),
    ],
)
def test_capital_recovery_factor_matches_the_published_table(
    rate: float, years: int, published: float
) -> None:
    # the table gives 5 decimals: half a unit of the last place
    assert capital_recovery_factor(rate, years) == pytest.approx(published, abs=5e-6)


def test_capital_recovery_factor_input_contract() -> None:
    rates = pd.Series([0.01, 0.02])
    out = capital_recovery_factor(rates, [10, 10])
    np.testing.assert_allclose(out, [0.10558, 0.11133], atol=5e-6)
    assert capital_recovery_factor(0.0, 5) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="discount_rate"):
        capital_recovery_factor(-0.01, 10)
    with pytest.raises(ValueError, match="life_years"):
        capital_recovery_factor(0.01, 0)


# (capital USD, life years, rate, tonnes per year, published USD per tonne, tolerance):
# tolerances follow the rounding of the published figure (to $100 or 3 significant figures)
COST_PER_TON_VECTORS = [
    # e-yard tractor vs diesel, NOx only and NOx + 20 x PM (0.0951 + 20 x 0.000786)
    (150_000, 10, 0.01, 0.0951, 166_600, 1e-3),
    (150_000, 10, 0.01, 0.0951 + 20 * 0.000786, 143_000, 2e-3),
    (150_000, 10, 0.02, 0.0951, 175_600, 1e-3),
    (150_000, 10, 0.02, 0.0951 + 20 * 0.000786, 150_700, 1e-3),
    # ZE switchers at Pacific Harbor Line: 5/8 of $34.2 M and all of it, 17 t NOx
    (21.4e6, 20, 0.01, 17.0, 69_700, 2e-3),
    (34.2e6, 20, 0.01, 17.0, 111_500, 1e-3),
    # ZE switchers at CSX Baltimore: $23.2 M, 71 t NOx
    (23.2e6, 20, 0.01, 71.0, 18_100, 2e-3),
    # POLA Clean Ports package: $644 M over 12 years, 55 t NOx; weighted 55 + 20 x 1.5
    (644e6, 12, 0.01, 55.0, 1.04e6, 5e-3),
    (644e6, 12, 0.01, 55.0 + 20 * 1.5, 673_000, 1e-3),
]


@pytest.mark.parametrize(
    ("capital", "years", "rate", "tonnes", "published", "tolerance"), COST_PER_TON_VECTORS
)
def test_cost_per_ton_vectors(
    capital: float, years: int, rate: float, tonnes: float, published: float, tolerance: float
) -> None:
    per_tonne = float(annualised_cost_usd(capital, years, rate)) / tonnes
    assert per_tonne == pytest.approx(published, rel=tolerance)


def _yard_tractors(nox_per_tractor: float, tractors: float, terminal: str = "T1") -> pd.DataFrame:
    """Emission rows of ``tractors`` diesel yard tractors (co2 as in portcap's CHE model)."""
    co2 = 82.78 * tractors
    return pd.DataFrame(
        {
            "year": 2031,
            "port": "POLB",
            "terminal": terminal,
            "source": "cargo_handling",
            "mode": "yard_tractor",
            "engine": ["diesel", "diesel", "diesel", "electric", "electric"],
            "pollutant": ["nox", "pm25", "co2", "nox", "co2"],
            "mass_tonnes": [nox_per_tractor * tractors, 0.000786 * tractors, co2, 0.0, 0.0],
        }
    )


def test_yard_tractor_hand_case_gives_the_published_cost_per_ton() -> None:
    # 50 diesel tractors at 0.0951 t NOx each (policy notes §1.7), $150,000 incremental,
    # 10 years at 1 %: $15,837 / 0.0951 t = $166,600 per tonne whatever the fleet size
    emissions = _yard_tractors(0.0951, 50)
    options = abatement_options(emissions, year=2031, parameters=ONE_PERCENT)
    tractor = options[options["measure"] == "ze_yard_tractor"].set_index("pollutant")
    # 20 % of the 50 tractors convertible in a year
    assert tractor.loc["nox", "units"] == pytest.approx(10.0)
    assert tractor.loc["nox", "reduction_tonnes"] == pytest.approx(0.2 * 0.0951 * 50)
    assert tractor.loc["co2", "reduction_tonnes"] == pytest.approx(0.2 * 82.78 * 50)
    assert tractor.loc["nox", "cost_usd"] == pytest.approx(10 * 15_837.3, rel=1e-5)
    assert tractor.loc["nox", "cost_per_tonne_usd"] == pytest.approx(166_600, rel=1e-3)
    assert set(tractor.index) == {"nox", "pm25", "co2"}


def test_cost_per_tonne_follows_the_cap_pollutant() -> None:
    emissions = _yard_tractors(0.0951, 50)
    pm = abatement_options(
        emissions, year=2031, parameters=ONE_PERCENT.model_copy(update={"cap_pollutant": "pm25"})
    )
    assert pm["cost_per_tonne_usd"].iloc[0] == pytest.approx(15_837.3 / 0.000786, rel=1e-5)


def test_options_across_terminals_and_measures_are_sorted() -> None:
    dirty = _yard_tractors(0.39, 10, "DIRTY")  # Tier 3 tractors: cheaper per tonne
    clean = _yard_tractors(0.044, 10, "CLEAN")  # Tier 4 final
    capture = pd.DataFrame(
        {
            "year": 2031,
            "port": "POLB",
            "terminal": "CLEAN",
            "source": "ogv",
            "mode": ["berth"] * 4 + ["transit"] * 2,
            "engine": ["auxiliary"] * 3 + ["boiler"] + ["propulsion"] * 2,
            "pollutant": ["nox", "co2", "dpm", "nox", "nox", "co2"],
            "mass_tonnes": [2.0, 98.6, 0.02, 5.0, 7.0, 203.0],
        }
    )
    options = abatement_options(
        pd.concat([dirty, clean, capture], ignore_index=True), year=2031, parameters=ONE_PERCENT
    )
    assert list(options.columns) == list(OPTION_COLUMNS)
    per_tonne = options.drop_duplicates(["terminal", "measure"])["cost_per_tonne_usd"]
    assert per_tonne.is_monotonic_increasing
    berth = options[options["measure"] == "at_berth_capture"].set_index("pollutant")
    # 98.6 t CO2 / 0.986 t per berth-hour = 100 h, half of them served, $1,500 an hour
    assert berth.loc["nox", "units"] == pytest.approx(50.0)
    assert berth.loc["nox", "cost_usd"] == pytest.approx(75_000.0)
    # only the auxiliary engines at berth, 95 % of NOx and 99 % of DPM of the half served
    assert berth.loc["nox", "reduction_tonnes"] == pytest.approx(0.5 * 0.95 * 2.0)
    assert berth.loc["dpm", "reduction_tonnes"] == pytest.approx(0.5 * 0.99 * 0.02)
    assert "co2" not in berth.index
    # Tier III calls: propulsion and auxiliary rows, not the boiler; (98.6 + 203) t CO2 /
    # 60.56 t per call = 4.98 calls, 10 % of them at $9,000; 70 % of 10 % of (2 + 7) t NOx
    calls = options[options["measure"] == "tier3_vessel_calls"].set_index("pollutant")
    assert calls.loc["nox", "reduction_tonnes"] == pytest.approx(9.0 * 0.1 * 0.7)
    assert calls.loc["nox", "cost_usd"] == pytest.approx(0.1 * 301.6 / 60.56 * 9000)
    assert list(calls.index) == ["nox"]
    tractors = options[options["measure"] == "ze_yard_tractor"].set_index("terminal")
    nox = tractors[tractors["pollutant"] == "nox"]
    assert nox.loc["DIRTY", "cost_per_tonne_usd"] < nox.loc["CLEAN", "cost_per_tonne_usd"]


def test_rows_without_co2_give_no_option() -> None:
    # units are counted from CO2: NOx without CO2 (an inconsistent table) cannot be priced
    emissions = _yard_tractors(0.0951, 50)
    emissions.loc[emissions["pollutant"] == "co2", "mass_tonnes"] = 0.0
    assert abatement_options(emissions, year=2031).empty


def test_measures_not_yet_available_are_left_out() -> None:
    emissions = pd.DataFrame(
        {
            "terminal": "T1",
            "source": "cargo_handling",
            "mode": "top_handler",
            "engine": "diesel",
            "pollutant": ["nox", "co2"],
            "mass_tonnes": [1.0, 187.84],
        }
    )
    assert abatement_options(emissions, year=2023).empty  # first commercial units: 2024
    options = abatement_options(emissions, year=2024)
    assert set(options["measure"]) == {"ze_top_handler"}
    assert options["port"].iloc[0] == "T1"  # no port column: the terminal code's prefix


def test_parameters_restrict_and_scale() -> None:
    emissions = _yard_tractors(0.0951, 50)
    base = abatement_options(emissions, year=2031, parameters=ONE_PERCENT)
    scaled = abatement_options(
        emissions,
        year=2031,
        parameters=ONE_PERCENT.model_copy(
            update={"capital_cost_scale": 2.0, "availability_scale": 2.5}
        ),
    )
    # availability 0.2 x 2.5 = 0.5; capital doubled
    assert scaled["units"].iloc[0] == pytest.approx(base["units"].iloc[0] * 2.5)
    assert scaled["cost_per_tonne_usd"].iloc[0] == pytest.approx(
        2 * base["cost_per_tonne_usd"].iloc[0]
    )
    none = TechnologyParameters(measures=("ze_drayage_truck",))
    assert abatement_options(emissions, year=2031, parameters=none).empty


def test_bad_input_raises() -> None:
    emissions = _yard_tractors(0.0951, 50)
    with pytest.raises(InputError, match="no 'co2' rows"):
        abatement_options(emissions[emissions["pollutant"] != "co2"], year=2031)
    with pytest.raises(InputError, match="missing column"):
        abatement_options(emissions.drop(columns="engine"), year=2031)
    with pytest.raises(ValidationError, match="unknown measure 'ze_crane'"):
        TechnologyParameters(measures=("ze_crane",))
    with pytest.raises(ValidationError, match="unknown cap pollutant"):
        TechnologyParameters(cap_pollutant="ozone")
    with pytest.raises(ValidationError, match="discount"):
        TechnologyParameters(discount=0.03)  # type: ignore[call-arg]


def _one_unit_co2(frame: pd.DataFrame) -> float:
    return float(frame.loc[frame["pollutant"] == "co2", "mass_g"].sum()) / 1e6


@pytest.mark.parametrize("kind", cargo_handling.EQUIPMENT_TYPES)
def test_unit_co2_of_equipment_matches_the_che_model(kind: str) -> None:
    measure = {"yard_tractor": "ze_yard_tractor", "rtg_crane": "rtg_electrification"}.get(
        kind, f"ze_{kind}" if kind != "other" else "ze_other_equipment"
    )
    unit = measure_table().set_index("measure").loc[measure, "unit_co2_tonnes"]
    fleet = pd.DataFrame(
        {"equipment_type": [kind], "fuel": ["diesel"], "tier": ["tier4f"], "count": [1.0]}
    )
    co2 = _one_unit_co2(cargo_handling.fleet_emissions(fleet, year=2031))
    assert unit == pytest.approx(co2, rel=1e-3)  # the table rounds to 0.01 t


def test_unit_co2_of_trucks_switchers_and_tugs_match_the_source_models() -> None:
    units = measure_table().set_index("measure")["unit_co2_tonnes"]
    truck = pd.DataFrame(
        {
            "model_year_group": ["2010_plus"],
            "fuel": ["diesel"],
            "miles": [70_000.0],
            "idle_h": [70_000 / 22 * 0.4],
        }
    )
    assert units["ze_drayage_truck"] == pytest.approx(
        _one_unit_co2(trucks.fleet_emissions(truck)), rel=1e-3
    )
    work = pd.DataFrame(
        {"duty": ["switch"], "tier": ["tier3"], "fuel_gal": [rail.switch_fuel_gal(4000, 2000)]}
    )
    assert units["ze_switcher_locomotive"] == pytest.approx(
        _one_unit_co2(rail.fleet_emissions(work)), rel=1e-3
    )
    tug = pd.DataFrame(
        {
            "craft_type": ["assist_tug"] * 2,
            "engine": ["propulsion", "auxiliary"],
            "fuel": ["diesel"] * 2,
            "tier": ["tier3"] * 2,
            "count": [1.0, 1.0],
        }
    )
    assert units["electric_assist_tug"] == pytest.approx(
        _one_unit_co2(harbor_craft.fleet_emissions(tug)), rel=1e-3
    )


def test_unit_co2_of_ship_measures_match_the_2023_inventory() -> None:
    activity = baseline.load_activity_set()
    emissions = port_inventory(2023).emissions
    calls = activity["vessel_calls"].query("year == 2023 and ship_type == 'container'")
    terminals = activity["terminals"].query("kind == 'container'")["terminal"]
    ships = emissions[
        (emissions["source"] == "ogv")
        & emissions["terminal"].isin(terminals)
        & (emissions["pollutant"] == "co2")
    ]
    units = measure_table().set_index("measure")["unit_co2_tonnes"]
    per_call = ships[ships["engine"] != "boiler"]["mass_tonnes"].sum() / calls["calls"].sum()
    assert units["tier3_vessel_calls"] == pytest.approx(per_call, rel=1e-3)
    unplugged_h = (calls["calls"] * calls["berth_h"] * (1 - calls["shore_power_share"])).sum()
    at_berth = ships[(ships["mode"] == "berth") & (ships["engine"] == "auxiliary")]
    assert units["at_berth_capture"] == pytest.approx(
        at_berth["mass_tonnes"].sum() / unplugged_h, rel=1e-3
    )


def test_options_on_the_projected_2031_inventory() -> None:
    activity = forecast.project_activity(baseline.load_activity_set(), 2031)
    emissions = port_inventory(2031, activity_set=activity).emissions
    options = abatement_options(emissions, year=2031)
    assert not options.empty
    nox = options[options["pollutant"] == "nox"]
    assert (nox["cost_per_tonne_usd"] > 0).all()
    # no measure removes more than its availability share of the terminal's source NOx
    source_nox = (
        emissions[emissions["pollutant"] == "nox"]
        .groupby(["terminal", "source"])["mass_tonnes"]
        .sum()
    )
    taken = nox.groupby(["terminal", "source"])["reduction_tonnes"].sum()
    assert (taken <= source_nox.reindex(taken.index) + 1e-9).all()
    # equipment is all zero-emission by 2030 (forecast): no equipment measure is left
    assert not options["source"].eq("cargo_handling").any()


def test_every_value_is_sourced() -> None:
    known = set(factors.sources()["source_id"])
    for name, field in TechnologyParameters.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict), name
        assert set(extra["source_ids"]) <= known, name  # type: ignore[arg-type]
        assert field.description, name
    # the packaged tables are read by the one loader, which checks every source_id
    measures = measure_table()
    assert len(measures) == len(set(measures["measure"])) >= 10
    assert set(technology.QUANTITIES) >= {"capital_cost_usd_per_unit", "reduction_fraction"}


@pytest.fixture(scope="module")
def inventory_2023() -> pd.DataFrame:
    return port_inventory(2023).emissions


@pytest.mark.parametrize(
    "parameters",
    [
        TechnologyParameters(),
        TechnologyParameters(capital_cost_scale=1.7, availability_scale=0.6, discount_rate=0.07),
        TechnologyParameters(cap_pollutant="pm25", measures=("ze_drayage_truck", "ze_forklift")),
    ],
)
def test_a_plan_prices_other_masses_of_its_rows_as_a_fresh_computation(
    inventory_2023: pd.DataFrame, parameters: TechnologyParameters
) -> None:
    # the plan is kept for every draw of an ensemble: it must hold no masses (a stale plan
    # would price the masses of the table it was made from)
    plan = technology.option_plan(inventory_2023)
    rng = np.random.default_rng(5)
    other = inventory_2023.assign(
        mass_tonnes=inventory_2023["mass_tonnes"] * rng.uniform(0.0, 3.0, len(inventory_2023))
    )
    other.loc[other.index[::7], "mass_tonnes"] = 0.0
    for table in (inventory_2023, other):
        from_plan = technology.options_from_plan(
            plan, table["mass_tonnes"].to_numpy(), year=2031, parameters=parameters
        )
        pd.testing.assert_frame_equal(
            from_plan, abatement_options(table, year=2031, parameters=parameters)
        )
    fresh = abatement_options(other, year=2031, parameters=parameters)
    assert not fresh["reduction_tonnes"].equals(
        abatement_options(inventory_2023, year=2031, parameters=parameters)["reduction_tonnes"]
    )


def test_a_plan_needs_one_mass_per_row(inventory_2023: pd.DataFrame) -> None:
    plan = technology.option_plan(inventory_2023)
    with pytest.raises(ValueError, match="one value per row"):
        technology.options_from_plan(plan, np.ones(3), year=2031)
