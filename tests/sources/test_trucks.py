"""Science and contract tests of portcap.sources.trucks (drayage trucks).

Kinds of expected value (STYLE P11): (1) published numbers, cited next to each value with the
tolerance of their rounding; (H) hand calculations written out in the test from the rates of
the packaged tables (quoted with their origin), which check that the module assembles rates,
activity and derived pollutants correctly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portcap import factors
from portcap.sources import trucks

# IUPAC standard atomic weights: S 32.06, O 15.999 -> SO2 64.058 g/mol
SO2_PER_S = 64.058 / 32.06
# packaged carbon factor of diesel: IPCC 2006 74,100 kg/TJ x 43.0 TJ/Gg
DIESEL_CO2_G_PER_G = 3.186
# IPCC AR5 WG I Table 8.7 GWP100
GWP_CH4_AR5, GWP_N2O_AR5 = 28.0, 265.0


# ============================================================================ activity
def test_legs_per_teu_polb_2023_published_vector():
    # kind 1/[D]: inventory-inputs §8(c): POLB 2023 = 2.5 x (1 - 0.28) / 1.887 = 0.954
    # (NCFRP Report 11 p. 1: 2.5 legs per box; PMA 2023 Annual Report p. 59: 8,017,999 TEU in
    # 4,249,049 boxes = 1.887 TEU/box). Published to 3 decimals -> tolerance 5e-4.
    assert trucks.legs_per_teu(1.887, 0.28) == pytest.approx(0.954, abs=5e-4)
    teu_per_box = 8_017_999 / 4_249_049
    assert teu_per_box == pytest.approx(1.887, abs=5e-4)


def test_legs_per_teu_2005_vector():
    # kind 1/[D]: §8(c) 2005 case 2.5 x 0.75 / 1.80 = 1.04 (2 decimals -> tolerance 5e-3)
    assert trucks.legs_per_teu(1.80, 0.25) == pytest.approx(1.04, abs=5e-3)


def test_drayage_legs_polb_2023():
    # kind 1/[D]: §5.3 "≈ 7.6 M truck legs/yr at POLB" (2 significant figures -> 0.05 M)
    legs = trucks.drayage_legs(8_017_999, 1.887, 0.28)
    assert legs / 1e6 == pytest.approx(7.6, abs=0.05)
    # H: 8,017,999 x 2.5 x 0.72 / 1.887
    assert legs == pytest.approx(8_017_999 * 2.5 * 0.72 / 1.887, rel=1e-12)


def test_legs_per_box_is_a_parameter():
    # H: one round trip per box, no on-dock rail, 40-ft boxes -> 2 x 1 / 2 = 1
    assert trucks.legs_per_teu(2.0, 0.0, legs_per_box=2.0) == pytest.approx(1.0)
    assert trucks.drayage_legs(100.0, 2.0, 0.5, 3.0) == pytest.approx(100 * 3.0 * 0.5 / 2.0)


def test_drayage_miles():
    # H: 1,000 legs x 22.5 mi
    assert trucks.drayage_miles(1000.0, 22.5) == pytest.approx(22_500.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"teu_per_box": 0.5, "on_dock_share": 0.2}, "teu_per_box"),
        ({"teu_per_box": 2.5, "on_dock_share": 0.2}, "teu_per_box"),
        ({"teu_per_box": 1.9, "on_dock_share": 1.2}, "on_dock_share"),
        ({"teu_per_box": 1.9, "on_dock_share": -0.1}, "on_dock_share"),
        ({"teu_per_box": 1.9, "on_dock_share": 0.2, "legs_per_box": 0.0}, "legs_per_box"),
    ],
)
def test_legs_per_teu_rejects_out_of_range(kwargs, match):
    with pytest.raises(ValueError, match=match):
        trucks.legs_per_teu(**kwargs)


def test_drayage_rejects_negative_activity():
    with pytest.raises(ValueError, match="teu"):
        trucks.drayage_legs(-1.0, 1.9, 0.2)
    with pytest.raises(ValueError, match="miles_per_leg"):
        trucks.drayage_miles(10.0, -1.0)


# ============================================================================ input contract
CONTRACT_CASES = [
    (lambda x: trucks.legs_per_teu(x, 0.28), [1.887, 2.0], [2.5 * 0.72 / 1.887, 0.9]),
    (lambda x: trucks.drayage_miles(x, 20.0), [1.0, 2.5], [20.0, 50.0]),
    (lambda x: trucks.running_emissions_g(x, 2.75), [1.0, 22.5], [2.75, 61.875]),
    (lambda x: trucks.idle_emissions_g(x, 40.0), [0.5, 0.0], [20.0, 0.0]),
    (
        lambda x: trucks.so2_from_fuel_sulfur(x, DIESEL_CO2_G_PER_G, 15.0),
        [1851.0, 0.0],
        [1851.0 / DIESEL_CO2_G_PER_G * 15e-6 * SO2_PER_S, 0.0],
    ),
    (
        lambda x: trucks.running_rate_g_per_mile("nox", x, "diesel"),
        ["pre1994", "2010_plus"],
        [22.5, 2.75],
    ),
    (
        lambda x: trucks.idle_rate_g_per_hour("nox", x, "diesel"),
        ["1994_2006", "2010_plus"],
        [115.0, 40.0],
    ),
]


@pytest.mark.parametrize(("function", "inputs", "expected"), CONTRACT_CASES)
def test_scalar_list_array_series(function, inputs, expected):
    scalar = function(inputs[0])
    assert isinstance(scalar, float)
    assert scalar == pytest.approx(expected[0])
    as_list = function(inputs)
    assert isinstance(as_list, np.ndarray)
    np.testing.assert_allclose(as_list, expected)
    np.testing.assert_allclose(function(np.asarray(inputs)), expected)
    series = pd.Series(inputs, index=["b", "a"])
    result = function(series)
    assert isinstance(result, pd.Series)
    assert list(result.index) == ["b", "a"]
    np.testing.assert_allclose(result.to_numpy(), expected)


def test_nan_propagates_through_formulas():
    assert np.isnan(trucks.running_emissions_g(np.nan, 2.0))
    assert np.isnan(trucks.legs_per_teu(1.9, np.nan))


def test_series_with_different_indexes_raise():
    with pytest.raises(ValueError, match="same index"):
        trucks.running_emissions_g(pd.Series([1.0], index=[0]), pd.Series([1.0], index=[1]))


# ============================================================================ rates
def test_diesel_nox_rates_are_the_midpoints_of_the_documented_ranges():
    # kind H: inventory-inputs §5.4 ranges (recalled): pre-1994 20-25, 1994-2006 14-20,
    # 2007-2009 8-12, 2010+ 1.5-4 g/mi; low-NOx NG 0.1-0.3 -> midpoints
    groups = ["pre1994", "1994_2006", "2007_2009", "2010_plus"]
    np.testing.assert_allclose(
        trucks.running_rate_g_per_mile("nox", groups, "diesel"), [22.5, 17.0, 10.0, 2.75]
    )
    assert trucks.running_rate_g_per_mile("nox", "low_nox", "natural_gas") == pytest.approx(0.2)


def test_pre1994_nox_agrees_with_the_1990_national_fleet_average():
    # kind 1 (cross-check): FHWA Freight Facts and Figures 2004, Table 5-10 (EPA MOBILE6):
    # diesel heavy-duty vehicles, exhaust NOx 23.34 g/mi in 1990, when almost every truck was
    # pre-1994. The assumption (22.5) must lie within 10 %, the spread of the §5.4 range.
    assert trucks.running_rate_g_per_mile("nox", "pre1994", "diesel") == pytest.approx(
        23.34, rel=0.10
    )


def test_pre2007_hc_co_are_the_published_fleet_averages():
    # kind 1: FHWA FFF 2004 Table 5-10, diesel HDV exhaust HC/CO: 1990 2.21/10.06, 2003
    # 0.61/3.37 g/mi (published to 2 decimals; stored unchanged -> exact)
    assert trucks.running_rate_g_per_mile("hc", "pre1994", "diesel") == 2.21
    assert trucks.running_rate_g_per_mile("co", "pre1994", "diesel") == 10.06
    assert trucks.running_rate_g_per_mile("hc", "1994_2006", "diesel") == 0.61
    assert trucks.running_rate_g_per_mile("co", "1994_2006", "diesel") == 3.37


def test_diesel_co2_matches_epa_grams_per_gallon():
    # kind 1: EPA-420-F-23-014: 10,180 g CO2 per gallon of diesel. Running rate = 10,180 /
    # fuel economy (assumed by model-year group: 5.0, 5.3, 5.5 and 6.0 mpg); table rounded to
    # whole g/mi -> rel 3e-4.
    for group, mpg in (
        ("pre1994", 5.0),
        ("1994_2006", 5.3),
        ("2007_2009", 5.5),
        ("2010_plus", 6.0),
    ):
        running = trucks.running_rate_g_per_mile("co2", group, "diesel")
        assert running * mpg == pytest.approx(10_180.0, rel=3e-4)
    # idle: 0.8 gal/h x 10,180 g/gal = 8,144 g/h
    assert trucks.idle_rate_g_per_hour("co2", "pre1994", "diesel") == pytest.approx(8144.0)


def test_derived_pollutants_by_hand():
    # H: 2010+ diesel running PM10 = 0.015 / 0.92 = 0.0163 g/mi (table, 4 s.f.)
    pm10 = trucks.running_rate_g_per_mile("pm10", "2010_plus", "diesel")
    assert pm10 == pytest.approx(0.0163)
    assert trucks.running_rate_g_per_mile("pm25", "2010_plus", "diesel") == pytest.approx(
        0.92 * 0.0163
    )
    assert trucks.running_rate_g_per_mile("dpm", "2010_plus", "diesel") == pytest.approx(0.0163)
    # natural gas: no diesel particulate
    assert trucks.running_rate_g_per_mile("dpm", "low_nox", "natural_gas") == 0.0
    assert trucks.running_rate_g_per_mile("pm10", "low_nox", "natural_gas") > 0.0
    # SOx: 1697 g CO2/mi / 3.186 g CO2/g fuel x 15 ppm x 64.058/32.06 = 0.015964 g/mi
    expected_sox = 1697.0 / 3.186 * 15e-6 * SO2_PER_S
    assert round(expected_sox, 6) == 0.015964
    assert trucks.running_rate_g_per_mile("sox", "2010_plus", "diesel") == pytest.approx(
        expected_sox, rel=1e-9
    )
    # CO2e (AR5): 1697 + 28 x 0.0095 + 265 x 0.0431 = 1708.6875 g/mi
    assert trucks.running_rate_g_per_mile("co2e", "2010_plus", "diesel") == pytest.approx(
        1708.6875, rel=1e-9
    )
    # AR6: 1697 + 29.8 x 0.0095 + 273 x 0.0431 g/mi
    assert trucks.running_rate_g_per_mile(
        "co2e", "2010_plus", "diesel", gwp_set="ar6_100"
    ) == pytest.approx(1697 + 29.8 * 0.0095 + 273 * 0.0431, rel=1e-9)


def test_2005_diesel_sulfur_raises_sox_proportionally():
    # H: 140 ppm (2005 California average under the 500 ppm limit) vs 15 ppm
    low = trucks.running_rate_g_per_mile("sox", "1994_2006", "diesel")
    high = trucks.running_rate_g_per_mile("sox", "1994_2006", "diesel", fuel_sulfur_ppm=140.0)
    assert high / low == pytest.approx(140.0 / 15.0)
    # the diesel sulfur keyword does not touch natural gas
    ng = trucks.running_rate_g_per_mile("sox", "2010_plus", "natural_gas", fuel_sulfur_ppm=140.0)
    assert ng == pytest.approx(trucks.running_rate_g_per_mile("sox", "2010_plus", "natural_gas"))
    # natural gas: CO2 / 2.693 x 5 ppm x 1.998
    co2 = trucks.running_rate_g_per_mile("co2", "2010_plus", "natural_gas")
    assert ng == pytest.approx(co2 / 2.693 * 5e-6 * SO2_PER_S, rel=1e-9)


@pytest.mark.parametrize("pollutant", factors.POLLUTANTS)
@pytest.mark.parametrize("fuel", ["electric", "hydrogen"])
def test_zero_emission_trucks_have_zero_rates(pollutant, fuel):
    assert trucks.running_rate_g_per_mile(pollutant, "ze", fuel) == 0.0
    assert trucks.idle_rate_g_per_hour(pollutant, "ze", fuel) == 0.0


def test_idle_rates_follow_fuel_use():
    # H: non-NOx idle rates = running rate x 0.8 gal/h x 5.5 mpg = 4.4 mi/h (4 s.f.)
    for pollutant in ("pm10", "hc", "co", "ch4", "n2o"):
        running = trucks.running_rate_g_per_mile(pollutant, "pre1994", "diesel")
        idle = trucks.idle_rate_g_per_hour(pollutant, "pre1994", "diesel")
        assert idle == pytest.approx(running * 4.4, rel=1e-3), pollutant


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("nox", "low_nox", "diesel"), "low_nox"),
        (("nox", "pre1994", "electric"), "pre1994"),
        (("nox", "2010", "diesel"), "model_year_group"),
        (("nox", "2010_plus", "gasoline"), "fuel"),
        (("so2", "2010_plus", "diesel"), "pollutant"),
        (("nox", None, "diesel"), "missing"),
    ],
)
def test_rate_lookup_rejects_bad_codes(args, match):
    with pytest.raises(ValueError, match=match):
        trucks.running_rate_g_per_mile(*args)


def test_rate_options_are_checked():
    with pytest.raises(ValueError, match="gwp_set"):
        trucks.idle_rate_g_per_hour("co2e", "2010_plus", "diesel", gwp_set="ar4")
    with pytest.raises(ValueError, match="fuel_sulfur_ppm"):
        trucks.running_rate_g_per_mile("sox", "2010_plus", "diesel", fuel_sulfur_ppm=-1.0)
    with pytest.raises(ValueError, match="pm25_to_pm10_ratio"):
        trucks.running_rate_g_per_mile("pm25", "2010_plus", "diesel", pm25_to_pm10_ratio=1.5)
    with pytest.raises(ValueError, match="co2_g_per_g_fuel"):
        trucks.so2_from_fuel_sulfur(100.0, 0.0, 15.0)


# ============================================================================ tables
def test_table_vocabularies_match_the_module():
    for name in ("truck_running_rates", "truck_idle_rates"):
        columns = {c.name: c for c in factors.table_spec(name).columns}
        assert columns["fuel"].allowed == trucks.FUELS
        assert columns["model_year_group"].allowed == trucks.MODEL_YEAR_GROUPS
        assert columns["pollutant"].allowed == trucks.RATE_POLLUTANTS
    assert set(factors.load_table("truck_fuel_properties")["fuel"]) == set(trucks.FUELS)


def test_every_rate_combination_is_complete_and_consistent():
    running = factors.load_table("truck_running_rates")
    idle = factors.load_table("truck_idle_rates")
    for table in (running, idle):
        counts = table.groupby(["fuel", "model_year_group"])["pollutant"].nunique()
        assert (counts == len(trucks.RATE_POLLUTANTS)).all()
    keys = ["fuel", "model_year_group"]
    assert set(map(tuple, running[keys].to_numpy())) == set(map(tuple, idle[keys].to_numpy()))
    # zero-emission fuels only in group 'ze' and with zero rates
    ze = running[running["fuel"].isin(["electric", "hydrogen"])]
    assert set(ze["model_year_group"]) == {"ze"}
    assert (ze["running_g_per_mile"] == 0.0).all()


def test_assumptions_carry_their_reasoning():
    for name in ("truck_running_rates", "truck_idle_rates"):
        table = factors.load_table(name)
        assumed = table[table["source_id"] == "portcap_assumption"]
        assert len(assumed) > 0
        assert assumed["source_locator"].str.contains("range").all(), name


# ============================================================================ frame function
@pytest.fixture
def trips():
    return pd.DataFrame(
        {
            "source_row": [11, 12, 13, 14],
            "model_year_group": ["2010_plus", "pre1994", "low_nox", "ze"],
            "fuel": ["diesel", "diesel", "natural_gas", "electric"],
            "miles": [22.5, 10.0, 40.0, 30.0],
            "idle_h": [0.5, 1.0, 0.25, 0.5],
        }
    )


def test_frame_output_structure(trips):
    out = trucks.fleet_emissions(trips)
    assert list(out.columns) == [
        "row",
        "model_year_group",
        "fuel",
        "process",
        "pollutant",
        "activity",
        "mass_g",
    ]
    assert len(out) == len(trips) * 2 * len(factors.POLLUTANTS)
    assert out["mass_g"].dtype == np.float64
    assert np.isfinite(out["mass_g"]).all()
    assert (out["mass_g"] >= 0).all()
    for (_, _), group in out.groupby(["row", "process"]):
        assert list(group["pollutant"]) == list(factors.POLLUTANTS)
    assert list(out["row"].unique()) == [0, 1, 2, 3]
    running = out[(out["row"] == 1) & (out["process"] == "running")]
    idling = out[(out["row"] == 1) & (out["process"] == "idling")]
    assert (running["activity"] == 10.0).all()
    assert (idling["activity"] == 1.0).all()
    assert (out.loc[out["row"] == 2, "fuel"] == "natural_gas").all()


def test_frame_sums_equal_hand_calculation(trips):
    out = trucks.fleet_emissions(trips).set_index(["row", "process", "pollutant"])["mass_g"]
    # row 0: 2010+ diesel, 22.5 mi, 0.5 h: NOx 22.5 x 2.75 + 0.5 x 40 = 81.875 g
    assert out[0, "running", "nox"] + out[0, "idling", "nox"] == pytest.approx(81.875)
    # row 1: pre-1994 diesel, 10 mi, 1 h: NOx 10 x 22.5 + 1 x 115 = 340 g;
    # CO2 10 x 2036 + 8144 = 28,504 g; PM10 10 x 1.359 + 5.978 = 19.568 g
    assert out[1, "running", "nox"] + out[1, "idling", "nox"] == pytest.approx(340.0)
    assert out[1, "running", "co2"] + out[1, "idling", "co2"] == pytest.approx(28_504.0)
    assert out[1, "running", "pm10"] + out[1, "idling", "pm10"] == pytest.approx(19.568)
    assert out[1, "running", "dpm"] + out[1, "idling", "dpm"] == pytest.approx(19.568)
    # SOx of row 1: 28,504 g CO2 / 3.186 x 15 ppm x 1.998
    assert out[1, "running", "sox"] + out[1, "idling", "sox"] == pytest.approx(
        28_504.0 / 3.186 * 15e-6 * SO2_PER_S
    )
    # row 2: low-NOx natural gas, 40 mi, 0.25 h: NOx 40 x 0.2 + 0.25 x 0.88 = 8.22 g; no DPM
    assert out[2, "running", "nox"] + out[2, "idling", "nox"] == pytest.approx(8.22)
    assert out[2, "running", "dpm"] + out[2, "idling", "dpm"] == 0.0


def test_frame_matches_the_rate_functions_for_every_pollutant(trips):
    out = trucks.fleet_emissions(trips, gwp_set="ar6_100").set_index(
        ["row", "process", "pollutant"]
    )["mass_g"]
    for position, row in trips.iterrows():
        for pollutant in factors.POLLUTANTS:
            run = trucks.running_rate_g_per_mile(
                pollutant, row["model_year_group"], row["fuel"], gwp_set="ar6_100"
            )
            idle = trucks.idle_rate_g_per_hour(
                pollutant, row["model_year_group"], row["fuel"], gwp_set="ar6_100"
            )
            assert out[position, "running", pollutant] == pytest.approx(row["miles"] * run)
            assert out[position, "idling", pollutant] == pytest.approx(row["idle_h"] * idle)


def test_frame_zero_emission_rows_are_zero(trips):
    out = trucks.fleet_emissions(trips)
    ze = out[out["row"] == 3]
    assert len(ze) == 2 * len(factors.POLLUTANTS)
    assert (ze["mass_g"] == 0.0).all()
    assert (out[out["row"] != 3].groupby("row")["mass_g"].sum() > 0).all()


def test_frame_sulfur_keyword_and_row_override(trips):
    base = trucks.fleet_emissions(trips).set_index(["row", "process", "pollutant"])["mass_g"]
    year_2005 = trucks.fleet_emissions(trips, fuel_sulfur_ppm=140.0).set_index(
        ["row", "process", "pollutant"]
    )["mass_g"]
    assert year_2005[1, "running", "sox"] == pytest.approx(base[1, "running", "sox"] * 140 / 15)
    assert year_2005[2, "running", "sox"] == pytest.approx(base[2, "running", "sox"])
    with_column = trips.assign(fuel_sulfur_ppm=[np.nan, 500.0, 0.0, np.nan])
    override = trucks.fleet_emissions(with_column).set_index(["row", "process", "pollutant"])
    sox = override["mass_g"]
    assert sox[0, "running", "sox"] == pytest.approx(base[0, "running", "sox"])
    assert sox[1, "idling", "sox"] == pytest.approx(base[1, "idling", "sox"] * 500 / 15)
    assert sox[2, "running", "sox"] == 0.0


def test_frame_with_no_rows():
    empty = pd.DataFrame(
        {"model_year_group": [], "fuel": [], "miles": [], "idle_h": []}, dtype=object
    )
    out = trucks.fleet_emissions(empty)
    assert len(out) == 0
    assert "mass_g" in out.columns


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("fuel", "gasoline", "expected one of diesel"),
        ("fuel", None, "missing value"),
        ("model_year_group", "2012", "expected one of pre1994"),
        ("miles", -3.0, "expected a finite number >= 0"),
        ("miles", np.nan, "missing value"),
        ("idle_h", "half an hour", "expected a finite number >= 0"),
        ("idle_h", np.inf, "expected a finite number >= 0"),
    ],
)
def test_frame_bad_row_names_row_source_row_and_column(trips, column, value, expected):
    bad = trips.astype({column: object})
    bad.loc[2, column] = value
    with pytest.raises(ValueError, match=expected) as error:
        trucks.fleet_emissions(bad)
    message = str(error.value)
    assert "row 2" in message
    assert "source_row 13" in message
    assert repr(column) in message


def test_frame_bad_combination(trips):
    bad = trips.copy()
    bad.loc[1, "model_year_group"] = "low_nox"
    pattern = r"row 1 \(source_row 12\).*fuel 'diesel' \(pre1994, 1994.*got 'low_nox'"
    with pytest.raises(ValueError, match=pattern):
        trucks.fleet_emissions(bad)


def test_frame_without_source_row_names_position(trips):
    bad = trips.drop(columns="source_row")
    bad.loc[3, "miles"] = -1.0
    with pytest.raises(ValueError, match=r"row 3, column 'miles'"):
        trucks.fleet_emissions(bad)


def test_frame_bad_sulfur_column_and_missing_column(trips):
    with pytest.raises(ValueError, match=r"row 0 .*'fuel_sulfur_ppm'"):
        trucks.fleet_emissions(trips.assign(fuel_sulfur_ppm=[-5.0, 15.0, 15.0, 15.0]))
    with pytest.raises(ValueError, match="idle_h"):
        trucks.fleet_emissions(trips.drop(columns="idle_h"))
    with pytest.raises(ValueError, match="DataFrame"):
        trucks.fleet_emissions(trips.to_dict())
    with pytest.raises(ValueError, match="gwp_set"):
        trucks.fleet_emissions(trips, gwp_set="sar")
