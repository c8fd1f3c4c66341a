"""Science and contract tests of portcap.sources.light_duty (workers' and passengers' cars).

Kinds of expected value (STYLE P11): (1) published numbers, cited next to each value with the
tolerance of their rounding; (H) hand calculations written out in the test from the rates of
the packaged tables (quoted with their origin).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portcap import factors
from portcap.sources import light_duty

# IUPAC standard atomic weights: S 32.06, O 15.999 -> SO2 64.058 g/mol
SO2_PER_S = 64.058 / 32.06


# ============================================================================ activity
def test_worker_trips_by_hand():
    # H: 1,000 jobs x 2 one-way trips per day x 250 days
    assert light_duty.worker_trips(1000) == pytest.approx(500_000.0)
    # car-pooling at 1.1 persons per car, 7-day shifts
    assert light_duty.worker_trips(1000, trips_per_job_day=2 / 1.1, work_days=365) == pytest.approx(
        1000 * 2 / 1.1 * 365
    )


def test_passenger_trips_by_hand():
    # H: 1,000,000 passenger movements / 2 per car x 1 trip per party and movement
    assert light_duty.passenger_trips(1_000_000) == pytest.approx(500_000.0)
    # drop-off: the car arrives and leaves (2 trips); party of 2.5
    assert light_duty.passenger_trips(1000, party_size=2.5, trips_per_party=2.0) == (
        pytest.approx(800.0)
    )


def test_vehicle_miles_by_hand():
    assert light_duty.vehicle_miles(500_000, 15.0) == pytest.approx(7_500_000.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: light_duty.worker_trips(-1), "jobs"),
        (lambda: light_duty.worker_trips(10, work_days=400), "work_days"),
        (lambda: light_duty.worker_trips(10, trips_per_job_day=-2), "trips_per_job_day"),
        (lambda: light_duty.passenger_trips(100, party_size=0.5), "party_size"),
        (lambda: light_duty.passenger_trips(-100), "passengers"),
        (lambda: light_duty.passenger_trips(100, trips_per_party=-1), "trips_per_party"),
        (lambda: light_duty.vehicle_miles(100, -1.0), "miles_per_trip"),
        (lambda: light_duty.running_emissions_g(-1.0, 0.1), "vehicle_miles"),
    ],
)
def test_activity_rejects_out_of_range(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ============================================================================ input contract
CONTRACT_CASES = [
    (lambda x: light_duty.worker_trips(x), [1000.0, 10.0], [500_000.0, 5000.0]),
    (lambda x: light_duty.passenger_trips(x), [1000.0, 3.0], [500.0, 1.5]),
    (lambda x: light_duty.vehicle_miles(x, 15.0), [2.0, 0.0], [30.0, 0.0]),
    (lambda x: light_duty.running_emissions_g(x, 0.1), [10.0, 20.0], [1.0, 2.0]),
    (
        lambda x: light_duty.running_rate_g_per_mile("nox", x, "gasoline"),
        ["pre2004", "2017_plus"],
        [1.35, 0.03],
    ),
    (
        lambda x: light_duty.running_rate_g_per_mile("co2", "2017_plus", x),
        ["electric", "gasoline"],
        [0.0, 317.4],
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
    series = pd.Series(inputs, index=[10, 20])
    result = function(series)
    assert isinstance(result, pd.Series)
    assert list(result.index) == [10, 20]
    np.testing.assert_allclose(result.to_numpy(), expected)


def test_nan_propagates():
    assert np.isnan(light_duty.vehicle_miles(np.nan, 10.0))
    assert np.isnan(light_duty.worker_trips(np.nan))


# ============================================================================ rates
def test_pre2004_gasoline_rates_are_the_published_2001_fleet_averages():
    # kind 1: BTS National Transportation Statistics 2001, Table 4-38 (EPA MOBILE6), gasoline
    # light-duty vehicles, estimated 2001: exhaust HC 1.41, CO 19.23, NOx 1.35 g/mi (2 decimals;
    # stored unchanged -> exact)
    rate = light_duty.running_rate_g_per_mile
    assert rate("hc", "pre2004", "gasoline") == 1.41
    assert rate("co", "pre2004", "gasoline") == 19.23
    assert rate("nox", "pre2004", "gasoline") == 1.35


def test_gasoline_co2_from_published_grams_per_gallon_and_mpg():
    # kind 1: EPA-420-F-23-014 8,887 g CO2/gal gasoline; EPA-420-F-00-013 in-use passenger-car
    # fuel economy 21.5 mpg -> 413.35 g/mi; table holds 4 significant figures (413.3) -> 0.05
    assert light_duty.running_rate_g_per_mile("co2", "pre2004", "gasoline") == pytest.approx(
        8887 / 21.5, abs=0.05
    )


def test_derived_pollutants_by_hand():
    rate = light_duty.running_rate_g_per_mile
    # SOx, 2017+ gasoline: 317.4 g CO2/mi / 3.07 g CO2/g fuel x 15 ppm x 64.058/32.06
    expected = 317.4 / 3.07 * 15e-6 * SO2_PER_S
    assert round(expected, 6) == 0.003099
    assert rate("sox", "2017_plus", "gasoline") == pytest.approx(expected, rel=1e-9)
    # per-vehicle sulfur: 10 ppm (federal Tier 3 average)
    assert rate("sox", "2017_plus", "gasoline", fuel_sulfur_ppm=10.0) == pytest.approx(
        expected * 10 / 15
    )
    # DPM: diesel PM10 0.01 g/mi is DPM; gasoline PM is not
    assert rate("dpm", "2004_2016", "diesel") == pytest.approx(0.01)
    assert rate("dpm", "2004_2016", "gasoline") == 0.0
    assert rate("pm25", "2004_2016", "gasoline") == pytest.approx(0.92 * 0.006)
    # CO2e AR5, 2004-2016 gasoline: 370.3 + 28 x 0.01 + 265 x 0.008 = 372.7 g/mi
    assert rate("co2e", "2004_2016", "gasoline") == pytest.approx(370.3 + 0.28 + 2.12)


def test_hybrids_burn_less_fuel_than_gasoline_cars():
    rate = light_duty.running_rate_g_per_mile
    for group in light_duty.MODEL_YEAR_GROUPS:
        assert rate("co2", group, "hybrid") < rate("co2", group, "gasoline")
        # H: 8,887 g/gal / 40 mpg (assumed) = 222.2 g/mi (4 s.f.)
        assert rate("co2", group, "hybrid") == pytest.approx(8887 / 40, abs=0.05)


@pytest.mark.parametrize("pollutant", factors.POLLUTANTS)
@pytest.mark.parametrize("group", ["pre2004", "2004_2016", "2017_plus"])
def test_electric_cars_have_zero_tailpipe_rates(pollutant, group):
    assert light_duty.running_rate_g_per_mile(pollutant, group, "electric") == 0.0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("nox", "2010_plus", "gasoline"), {}, "model_year_group"),
        (("nox", "pre2004", "lpg"), {}, "fuel"),
        (("voc", "pre2004", "gasoline"), {}, "pollutant"),
        (("co2e", "pre2004", "gasoline"), {"gwp_set": "ar4"}, "gwp_set"),
        (("sox", "pre2004", "gasoline"), {"fuel_sulfur_ppm": -1.0}, "fuel_sulfur_ppm"),
    ],
)
def test_rate_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        light_duty.running_rate_g_per_mile(*args, **kwargs)


# ============================================================================ tables
def test_table_vocabularies_match_the_module():
    columns = {c.name: c for c in factors.table_spec("light_duty_rates").columns}
    assert columns["fuel"].allowed == light_duty.FUELS
    assert columns["model_year_group"].allowed == light_duty.MODEL_YEAR_GROUPS
    assert set(factors.load_table("light_duty_fuel_properties")["fuel"]) == set(light_duty.FUELS)


def test_rate_table_is_complete():
    table = factors.load_table("light_duty_rates")
    counts = table.groupby(["fuel", "model_year_group"])["pollutant"].nunique()
    assert len(counts) == len(light_duty.FUELS) * len(light_duty.MODEL_YEAR_GROUPS)
    assert (counts == 7).all()
    assumed = table[table["source_id"] == "portcap_assumption"]
    assert assumed["source_locator"].str.contains("range").all()


# ============================================================================ frame function
@pytest.fixture
def trips():
    return pd.DataFrame(
        {
            "source_row": ["w1", "w2", "c1"],
            "fuel": ["gasoline", "diesel", "electric"],
            "model_year_group": ["2004_2016", "pre2004", "2017_plus"],
            "trips": [500_000, 1000, 20_000],
            "miles_per_trip": [15.0, 12.0, 20.0],
        }
    )


def test_frame_output_structure(trips):
    out = light_duty.fleet_emissions(trips)
    assert list(out.columns) == [
        "row",
        "fuel",
        "model_year_group",
        "pollutant",
        "vehicle_miles",
        "mass_g",
    ]
    assert len(out) == len(trips) * len(factors.POLLUTANTS)
    for _, group in out.groupby("row"):
        assert list(group["pollutant"]) == list(factors.POLLUTANTS)
    assert np.isfinite(out["mass_g"]).all()
    assert (out["mass_g"] >= 0).all()
    np.testing.assert_allclose(
        out.groupby("row")["vehicle_miles"].first(), [7_500_000.0, 12_000.0, 400_000.0]
    )


def test_frame_sums_equal_hand_calculation(trips):
    out = light_duty.fleet_emissions(trips).set_index(["row", "pollutant"])["mass_g"]
    # row 0: 500,000 trips x 15 mi = 7.5 M mi; NOx 0.10 g/mi -> 750,000 g; CO2 370.3 g/mi
    assert out[0, "nox"] == pytest.approx(750_000.0)
    assert out[0, "co2"] == pytest.approx(7_500_000 * 370.3)
    # row 1: 1,000 x 12 mi = 12,000 mi of pre-2004 diesel: PM10 0.1 g/mi = DPM -> 1,200 g
    assert out[1, "pm10"] == pytest.approx(1200.0)
    assert out[1, "dpm"] == pytest.approx(1200.0)
    # SOx row 1: 12,000 x 407.2 / 3.186 x 15 ppm x 1.998
    assert out[1, "sox"] == pytest.approx(12_000 * 407.2 / 3.186 * 15e-6 * SO2_PER_S)
    # sum over rows of NOx: 750,000 + 12,000 x 1.0 + 0
    assert out.xs("nox", level="pollutant").sum() == pytest.approx(762_000.0)


def test_frame_matches_the_rate_function(trips):
    out = light_duty.fleet_emissions(trips, gwp_set="ar6_100").set_index(["row", "pollutant"])
    for position, row in trips.iterrows():
        miles = row["trips"] * row["miles_per_trip"]
        for pollutant in factors.POLLUTANTS:
            rate = light_duty.running_rate_g_per_mile(
                pollutant, row["model_year_group"], row["fuel"], gwp_set="ar6_100"
            )
            assert out.loc[(position, pollutant), "mass_g"] == pytest.approx(miles * rate)


def test_frame_electric_rows_are_zero(trips):
    out = light_duty.fleet_emissions(trips)
    assert (out.loc[out["row"] == 2, "mass_g"] == 0.0).all()


def test_frame_sulfur_override(trips):
    base = light_duty.fleet_emissions(trips).set_index(["row", "pollutant"])["mass_g"]
    changed = light_duty.fleet_emissions(
        trips.assign(fuel_sulfur_ppm=[30.0, np.nan, np.nan])
    ).set_index(["row", "pollutant"])["mass_g"]
    assert changed[0, "sox"] == pytest.approx(base[0, "sox"] * 2)
    assert changed[1, "sox"] == pytest.approx(base[1, "sox"])


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("fuel", "cng", "expected one of gasoline"),
        ("model_year_group", None, "missing value"),
        ("trips", -10, "expected a finite number >= 0"),
        ("miles_per_trip", "far", "expected a finite number >= 0"),
        ("miles_per_trip", np.nan, "missing value"),
    ],
)
def test_frame_bad_row(trips, column, value, expected):
    bad = trips.astype({column: object})
    bad.loc[1, column] = value
    with pytest.raises(ValueError, match=expected) as error:
        light_duty.fleet_emissions(bad)
    assert "row 1 (source_row 'w2')" in str(error.value)
    assert repr(column) in str(error.value)


def test_frame_missing_column(trips):
    with pytest.raises(ValueError, match="miles_per_trip"):
        light_duty.fleet_emissions(trips.drop(columns="miles_per_trip"))
