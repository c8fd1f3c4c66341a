"""Science and contract tests of portcap.sources.cargo_handling (cargo-handling equipment).

Kinds of expected values (STYLE P11):

1. published: values read in EPA's NONROAD2008a data files (USEPA/EPA_MOVES_Model,
   NONROAD/NR08a/DATA, commit 274cb89): the packaged tables must carry them exactly;
2. worked case [D]: the yard-tractor NOx vector of the project's inventory notes (200 hp x
   0.39 x 2,000 h; published to two decimals in short tons);
3. hand calculations written out in the test, with every constant typed in place.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from portcap import factors
from portcap.sources import cargo_handling as che
from portcap.units import G_PER_SHORT_TON, KW_PER_HP

# Constants of the hand calculations, typed here on purpose (not imported from the module).
LB_TO_G = 453.59237  # NIST, exact
DIESEL_BSFC_G_PER_HP_HR = 0.367 * LB_TO_G  # NONROAD2008a BSFC.EMF, 175-300 hp
DIESEL_CARBON = 0.87  # NR-009d section 9
SOXCNV = 0.02247  # NR-009d section 8
CERT_SULFUR_TIER0_3 = 2000.0  # assumption, che_fuel_use
GWP_AR5 = {"ch4": 28.0, "n2o": 265.0}  # IPCC AR5 WG I Table 8.7
GWP_AR6 = {"ch4": 29.8, "n2o": 273.0}  # IPCC AR6 WG I Table 7.15
TIGHT = {"rel": 1e-12}  # the same arithmetic in another order: rounding error only


# ============================================================================ published values
# NONROAD2008a EXHNOX/EXHTHC/EXHCO/EXHPM.EMF, 175-300 hp rows without transient adjustment
# (SCC 2270003040 NOx, 2270002006 THC and CO, 2270003060 PM); tolerance: exact transcription.
NONROAD_DIESEL_175_300 = [
    # tier, NONROAD tech type, NOx, THC, CO, PM (g/hp-hr)
    ("tier0", "T0", 8.38, 0.68, 2.70, 0.40),
    ("tier1", "T1", 5.58, 0.31, 0.75, 0.25),
    ("tier2", "T2", 4.00, 0.31, 0.75, 0.13),
    ("tier3", "T3", 2.50, 0.18, 0.75, 0.15),
    ("tier4f", "T4N", 0.28, 0.13, 0.07, 0.0092),
]


@pytest.mark.parametrize(("tier", "tech", "nox", "hc", "co", "pm10"), NONROAD_DIESEL_175_300)
def test_diesel_zero_hour_factors_are_nonroad2008a(tier, tech, nox, hc, co, pm10):
    for pollutant, expected in (("nox", nox), ("hc", hc), ("co", co), ("pm10", pm10)):
        assert che.zero_hour_ef_g_per_hp_hr(pollutant, "diesel", tier) == expected, tech


# Generic LSI rows above 25 hp: LPG 2267000000 (LGT25*), CNG 2268000000 (NGT25*), gasoline
# 4-stroke 2265000000 (G4GT25*); exact transcription.
NONROAD_LSI = [
    ("propane", "nox", (11.99, 3.15, 0.85)),
    ("propane", "hc", (2.18, 0.725, 0.10)),
    ("propane", "co", (40.93, 35.51, 3.92)),
    ("natural_gas", "nox", (11.99, 3.15, 0.89)),
    ("natural_gas", "hc", (32.03, 10.70, 1.57)),
    ("gasoline", "nox", (8.43, 2.114, 0.69)),
    ("gasoline", "co", (155.5, 50.76, 11.94)),
]


@pytest.mark.parametrize(("fuel", "pollutant", "values"), NONROAD_LSI)
def test_lsi_zero_hour_factors_are_nonroad2008a(fuel, pollutant, values):
    tiers = ["lsi_uncontrolled", "lsi_phase1", "lsi_phase2"]
    got = che.zero_hour_ef_g_per_hp_hr(pollutant, fuel, tiers)
    np.testing.assert_array_equal(got, values)


# NONROAD2008a DETFAC/EXH*.DET: A coefficients (b = 1, cap 1 median life); exact.
NONROAD_DETERIORATION_A = [
    ("diesel", "tier0", {"nox": 0.024, "hc": 0.047, "co": 0.185, "pm10": 0.473}),
    ("diesel", "tier1", {"nox": 0.024, "hc": 0.036, "co": 0.101, "pm10": 0.473}),
    ("diesel", "tier2", {"nox": 0.009, "hc": 0.034, "co": 0.101, "pm10": 0.473}),
    ("diesel", "tier3", {"nox": 0.008, "hc": 0.027, "co": 0.151, "pm10": 0.473}),
    ("diesel", "tier4f", {"nox": 0.008, "hc": 0.027, "co": 0.151, "pm10": 0.473}),
    ("propane", "lsi_uncontrolled", {"nox": 0.03, "hc": 0.26, "co": 0.35, "pm10": 0.26}),
    ("natural_gas", "lsi_phase2", {"nox": 0.15, "hc": 0.64, "co": 0.36, "pm10": 0.26}),
]


@pytest.mark.parametrize(("fuel", "tier", "a_by_pollutant"), NONROAD_DETERIORATION_A)
def test_deterioration_coefficients_are_nonroad2008a(fuel, tier, a_by_pollutant):
    table = factors.load_table("che_deterioration").set_index(["fuel", "tier", "pollutant"])
    for pollutant, a in a_by_pollutant.items():
        row = table.loc[(fuel, tier, pollutant)]
        assert (row["deterioration_a"], row["deterioration_b"], row["max_age_fraction"]) == (
            a,
            1.0,
            1.0,
        )


def test_bsfc_is_nonroad_pounds_converted_to_grams():
    # BSFC.EMF: diesel 175-300 hp 0.367 lb/hp-hr; LPG/CNG phase 1-2 0.406; gasoline 0.484
    # lb/hp-hr. Tolerance 1e-4 g/hp-hr: the table stores four decimals.
    got = che.bsfc_g_per_hp_hr(
        ["diesel", "propane", "natural_gas", "gasoline"],
        ["tier2", "lsi_phase1", "lsi_phase2", "lsi_phase2"],
    )
    expected = np.array([0.367, 0.406, 0.406, 0.484]) * LB_TO_G
    np.testing.assert_allclose(got, expected, atol=1e-4)


# ============================================================================ worked case (b)
# 200 hp x 0.39 x 2,000 h = 156,000 hp-hr; NOx short tons = hp-hr x EF / 907,184.74 g, for the
# certification-level EFs of the notes. Published to 2 decimals: tolerance 0.005 short tons.
WORKED_CASE_B = [(9.0, 1.55), (6.9, 1.19), (4.9, 0.84), (3.0, 0.52), (0.3, 0.05)]


@pytest.mark.parametrize(("ef_g_per_hp_hr", "short_tons"), WORKED_CASE_B)
def test_yard_tractor_worked_case_b(ef_g_per_hp_hr, short_tons):
    energy = che.energy_hp_hr(200.0, 0.39, 2000.0)
    assert energy == pytest.approx(156_000.0, rel=1e-12)
    mass = che.emissions_g(energy, ef_g_per_hp_hr)
    assert mass / G_PER_SHORT_TON == pytest.approx(short_tons, abs=0.005)


def test_yard_tractor_defaults_are_the_worked_case_activity():
    row = che.default_characteristics("yard_tractor").iloc[0]
    assert (row["rated_hp"], row["load_factor"], row["annual_hours"]) == (200.0, 0.39, 2000.0)


@pytest.mark.parametrize(
    ("tier", "ef_g_per_hp_hr"),
    # portcap's factors differ from the notes' 9.0 and 0.3: hand calculation with NONROAD's
    [("tier0", 8.38), ("tier4f", 0.28)],
)
def test_yard_tractor_worked_case_b_with_packaged_factors(tier, ef_g_per_hp_hr):
    fleet = pd.DataFrame(
        {
            "equipment_type": ["yard_tractor"],
            "fuel": ["diesel"],
            "tier": [tier],
            "model_year": [2023],  # new engine: deterioration factor 1
            "count": [1],
        }
    )
    out = che.fleet_emissions(fleet, year=2023)
    nox = out.loc[out["pollutant"] == "nox"].iloc[0]
    hand_g = 200.0 * 0.39 * 2000.0 * ef_g_per_hp_hr  # 1,307,280 g (Tier 0), 43,680 g (4f)
    assert nox["mass_g"] == pytest.approx(hand_g, **TIGHT)
    assert nox["energy_kwh"] == pytest.approx(156_000.0 * 0.745699872, **TIGHT)


def test_in_use_sensitivity_of_the_worked_case():
    # LF x 0.5 and NOx x 2.7, PM x 2.2 (the 2024 POLA/POLB in-use study), new Tier 0 engine
    fleet = pd.DataFrame(
        {
            "equipment_type": ["yard_tractor"],
            "fuel": ["diesel"],
            "tier": ["tier0"],
            "model_year": [2005],
            "count": [1],
        }
    )
    out = che.fleet_emissions(
        fleet,
        year=2005,
        load_factor_scale=0.5,
        in_use_nox_multiplier=2.7,
        in_use_pm_multiplier=2.2,
    ).set_index("pollutant")
    energy = 200.0 * 0.39 * 0.5 * 2000.0
    pm10_ef = 0.40 + DIESEL_BSFC_G_PER_HP_HR * 7.0 * SOXCNV * (15.0 - 2000.0) * 1e-6
    assert out.loc["nox", "mass_g"] == pytest.approx(energy * 8.38 * 2.7, **TIGHT)
    # 1e-6 relative: BSFC is stored with four decimals in the table
    assert out.loc["pm10", "mass_g"] == pytest.approx(energy * pm10_ef * 2.2, rel=1e-6)
    assert out.loc["dpm", "mass_g"] == pytest.approx(energy * pm10_ef * 2.2, rel=1e-6)
    assert out.loc["co", "mass_g"] == pytest.approx(energy * 2.70, **TIGHT)  # no multiplier
    assert out.loc["nox", "energy_kwh"] == pytest.approx(energy * 0.745699872, **TIGHT)


# ============================================================================ hand calculations
def test_deterioration_hand_calculation():
    # Tier 2 NOx (A 0.009): 5 years x 2,000 h x 0.39 / 4,667 h = 0.83566; DF = 1.0075209
    fraction = 5 * 2000.0 * 0.39 / 4667.0
    got = che.deterioration_factor("nox", "tier2", 5, 2000.0, 0.39, 4667.0)
    assert got == pytest.approx(1.0 + 0.009 * fraction, **TIGHT)
    # capped at one median life: 20 years -> fraction 1.671, DF = 1 + A
    assert che.deterioration_factor("co", "tier0", 20, 2000.0, 0.39, 4667.0) == pytest.approx(
        1.185, **TIGHT
    )
    # PM2.5 and DPM use PM10's A, CH4 uses HC's; N2O, SOx, CO2 do not deteriorate
    for pollutant, a in (("pm25", 0.473), ("dpm", 0.473), ("ch4", 0.047)):
        got = che.deterioration_factor(pollutant, "tier0", 1, 2000.0, 0.39, 4667.0)
        assert got == pytest.approx(1.0 + a * 780.0 / 4667.0, **TIGHT)
    for pollutant in ("n2o", "sox", "co2"):
        assert che.deterioration_factor(pollutant, "tier0", 30, 2000.0, 0.39, 4667.0) == 1.0


def test_deterioration_depends_on_fuel_for_shared_tier_codes():
    diesel = che.deterioration_factor("nox", "onroad2010", 30, 2000.0, 0.39, 4667.0)
    gas = che.deterioration_factor(
        "nox", "onroad2010", 30, 2000.0, 0.39, 4667.0, fuel="natural_gas"
    )
    assert (diesel, gas) == (pytest.approx(1.008), pytest.approx(1.15))


def test_fuel_based_factors_hand_calculation():
    bsfc = DIESEL_BSFC_G_PER_HP_HR
    so2 = (bsfc * (1 - SOXCNV) - 0.68) * 15.0e-6 * 2.0
    co2 = (bsfc - 0.68) * DIESEL_CARBON * 44.0 / 12.0
    pm10 = 0.40 + bsfc * 7.0 * SOXCNV * (15.0 - CERT_SULFUR_TIER0_3) * 1e-6
    ef = che.emission_factors_g_per_hp_hr("diesel", "tier0").iloc[0]
    # 1e-6 relative: BSFC is stored with four decimals in the table
    assert ef["sox"] == pytest.approx(so2, rel=1e-6)
    assert ef["co2"] == pytest.approx(co2, rel=1e-6)
    assert ef["pm10"] == pytest.approx(pm10, rel=1e-6)
    assert ef["pm25"] == pytest.approx(0.97 * pm10, rel=1e-6)
    assert ef["dpm"] == pytest.approx(pm10, rel=1e-6)
    assert ef["co2e"] == pytest.approx(co2 + 28.0 * 0.0060 + 265.0 * 0.0216, rel=1e-6)


def test_sulfur_changes_only_diesel_sox_and_diesel_pm():
    low = che.emission_factors_g_per_hp_hr(["diesel", "propane"], ["tier2", "lsi_phase2"])
    high = che.emission_factors_g_per_hp_hr(
        ["diesel", "propane"], ["tier2", "lsi_phase2"], fuel_sulfur_ppm=500.0
    )
    delta_pm = DIESEL_BSFC_G_PER_HP_HR * 7.0 * SOXCNV * 485.0e-6
    assert high.loc[0, "pm10"] - low.loc[0, "pm10"] == pytest.approx(delta_pm, rel=1e-6)
    assert high.loc[0, "sox"] / low.loc[0, "sox"] == pytest.approx(500.0 / 15.0, rel=1e-9)
    pd.testing.assert_series_equal(high.loc[1], low.loc[1])


def test_tier4_interim_nox_is_the_phase_in_average():
    # [D] 0.5 x 2.50 (NONROAD T4) + 0.5 x 0.28 (T4N)
    assert che.zero_hour_ef_g_per_hp_hr("nox", "diesel", "tier4i") == pytest.approx(1.39)


def test_electric_equipment_has_energy_but_no_emissions():
    ef = che.emission_factors_g_per_hp_hr("electric", "ze").iloc[0]
    assert (ef == 0.0).all()


# ============================================================================ frame function
@pytest.fixture
def fleet():
    return pd.DataFrame(
        {
            "source_row": [101, 102, 103],
            "equipment_type": ["yard_tractor", "rtg_crane", "forklift"],
            "fuel": ["diesel", "diesel", "electric"],
            "tier": ["tier0", "tier4f", "ze"],
            "model_year": [2013, 2020, None],
            "count": [2, 1, 4.0],
            "rated_hp": [None, 650.0, None],
            "annual_hours": [None, None, None],
            "load_factor": [None, None, None],
        },
        index=["a", "b", "c"],
    )


def _hand_masses():
    """Per-row masses of the fleet fixture, year 2023, AR5 (g)."""
    bsfc = DIESEL_BSFC_G_PER_HP_HR
    # row 0: 2 yard tractors, Tier 0, age 10 -> age fraction 1.67 capped at 1: DF = 1 + A
    w0 = 2 * 200.0 * 0.39 * 2000.0
    pm0 = 0.40 + bsfc * 7.0 * SOXCNV * (15.0 - 2000.0) * 1e-6
    row0 = {
        "nox": w0 * 8.38 * 1.024,
        "hc": w0 * 0.68 * 1.047,
        "co": w0 * 2.70 * 1.185,
        "pm10": w0 * pm0 * 1.473,
        "pm25": w0 * 0.97 * pm0 * 1.473,
        "dpm": w0 * pm0 * 1.473,
        "sox": w0 * (bsfc * (1 - SOXCNV) - 0.68) * 15e-6 * 2,
        "co2": w0 * (bsfc - 0.68) * 0.87 * 44 / 12,
        "ch4": w0 * 0.0060 * 1.047,
        "n2o": w0 * 0.0216,
    }
    # row 1: 1 RTG crane, 650 hp given, Tier 4 final, age 3: fraction 3 x 2500 x 0.20 / 7000
    w1 = 650.0 * 0.20 * 2500.0
    f1 = 3 * 2500.0 * 0.20 / 7000.0
    row1 = {
        "nox": w1 * 0.28 * (1 + 0.008 * f1),
        "hc": w1 * 0.13 * (1 + 0.027 * f1),
        "co": w1 * 0.07 * (1 + 0.151 * f1),
        "pm10": w1 * 0.0092 * (1 + 0.473 * f1),
        "pm25": w1 * 0.97 * 0.0092 * (1 + 0.473 * f1),
        "dpm": w1 * 0.0092 * (1 + 0.473 * f1),
        "sox": w1 * (bsfc * (1 - SOXCNV) - 0.13) * 15e-6 * 2,
        "co2": w1 * (bsfc - 0.13) * 0.87 * 44 / 12,
        "ch4": w1 * 0.0060 * (1 + 0.027 * f1),
        "n2o": w1 * 0.0216,
    }
    row2 = dict.fromkeys(row0, 0.0)  # 4 battery-electric forklifts
    rows = [row0, row1, row2]
    for row in rows:
        row["co2e"] = row["co2"] + GWP_AR5["ch4"] * row["ch4"] + GWP_AR5["n2o"] * row["n2o"]
    energy_hp_hr = [w0, w1, 4 * 175.0 * 0.30 * 1000.0]
    return rows, energy_hp_hr


def test_fleet_emissions_has_every_pollutant_for_every_row(fleet):
    out = che.fleet_emissions(fleet, year=2023)
    assert list(out.columns) == list(che.FLEET_EMISSIONS_COLUMNS)
    assert len(out) == 3 * len(factors.POLLUTANTS)
    for row in range(3):
        block = out.loc[out["row"] == row]
        assert list(block["pollutant"]) == list(factors.POLLUTANTS)
        assert block["energy_kwh"].nunique() == 1
    assert out["mass_g"].notna().all()
    assert (out["mass_g"] >= 0).all()
    assert list(out.loc[out["pollutant"] == "nox", "fuel"]) == ["diesel", "diesel", "electric"]


def test_fleet_emissions_equal_the_hand_calculation(fleet):
    rows, energy_hp_hr = _hand_masses()
    out = che.fleet_emissions(fleet, year=2023)
    for row, (expected, energy) in enumerate(zip(rows, energy_hp_hr, strict=True)):
        block = out.loc[out["row"] == row].set_index("pollutant")
        for pollutant, mass in expected.items():
            # 1e-6 relative: BSFC is stored with four decimals in the table
            assert block.loc[pollutant, "mass_g"] == pytest.approx(mass, rel=1e-6), (
                row,
                pollutant,
            )
        assert block["energy_kwh"].iloc[0] == pytest.approx(energy * KW_PER_HP, **TIGHT)
    totals = out.groupby("pollutant")["mass_g"].sum()
    assert totals["nox"] == pytest.approx(rows[0]["nox"] + rows[1]["nox"], rel=1e-9)


def test_zero_emission_rows_give_zero_tailpipe_mass(fleet):
    out = che.fleet_emissions(fleet, year=2023, in_use_nox_multiplier=2.7)
    electric = out.loc[out["row"] == 2]
    assert (electric["mass_g"] == 0.0).all()
    np.testing.assert_allclose(electric["energy_kwh"], 4 * 175.0 * 0.30 * 1000.0 * KW_PER_HP)


def test_gwp_set_changes_only_co2e(fleet):
    ar5 = che.fleet_emissions(fleet, year=2023).set_index(["row", "pollutant"])["mass_g"]
    ar6 = che.fleet_emissions(fleet, year=2023, gwp_set="ar6_100").set_index(["row", "pollutant"])[
        "mass_g"
    ]
    pd.testing.assert_series_equal(ar5.drop("co2e", level=1), ar6.drop("co2e", level=1))
    expected = ar6[(0, "co2")] + GWP_AR6["ch4"] * ar6[(0, "ch4")] + GWP_AR6["n2o"] * ar6[(0, "n2o")]
    assert ar6[(0, "co2e")] == pytest.approx(expected, **TIGHT)


def test_missing_model_year_means_no_deterioration(fleet):
    new = che.fleet_emissions(fleet.assign(model_year=[2023, 2023, None]), year=2023)
    unknown = che.fleet_emissions(fleet.assign(model_year=[None, None, None]), year=2023)
    pd.testing.assert_frame_equal(new, unknown)


def test_fleet_without_optional_columns_uses_defaults():
    fleet = pd.DataFrame(
        {"equipment_type": ["top_handler"], "fuel": ["diesel"], "tier": ["tier3"], "count": [1]}
    )
    out = che.fleet_emissions(fleet, year=2010).set_index("pollutant")
    assert out.loc["nox", "mass_g"] == pytest.approx(300.0 * 0.59 * 2000.0 * 2.50, **TIGHT)


def test_empty_fleet_gives_an_empty_table(fleet):
    out = che.fleet_emissions(fleet.iloc[0:0], year=2023)
    assert list(out.columns) == list(che.FLEET_EMISSIONS_COLUMNS)
    assert len(out) == 0


def test_fleet_emissions_does_not_modify_its_input(fleet):
    before = fleet.copy()
    che.fleet_emissions(fleet, year=2023)
    pd.testing.assert_frame_equal(fleet, before)


BAD_FLEETS = [
    ({"equipment_type": ["yard_tractor", "crane", "forklift"]}, 1, "equipment_type", "crane"),
    ({"equipment_type": ["yard_tractor", None, "forklift"]}, 1, "equipment_type", "missing value"),
    ({"fuel": ["diesel", "hydrogen", "electric"]}, 1, "fuel", "hydrogen"),
    ({"tier": ["tier0", "tier9", "ze"]}, 1, "tier", "tier9"),
    ({"tier": ["tier0", "lsi_phase2", "ze"]}, 1, "tier", "lsi_phase2"),
    ({"tier": ["tier0", "tier4f", "tier4f"]}, 2, "tier", "'ze' for fuel 'electric'"),
    ({"tier": ["ze", "tier4f", "ze"]}, 0, "tier", "'ze' for fuel 'electric'"),
    ({"count": [2, -1, 4]}, 1, "count", "-1"),
    ({"count": [2, None, 4]}, 1, "count", "missing value"),
    ({"count": [2, "many", 4]}, 1, "count", "many"),
    ({"model_year": [2013, 2030, None]}, 1, "model_year", "2030"),
    ({"model_year": [2013.5, 2020, None]}, 0, "model_year", "integer"),
    ({"rated_hp": [None, -650.0, None]}, 1, "rated_hp", "-650"),
    ({"rated_hp": [None, 0.0, None]}, 1, "rated_hp", "> 0"),
    ({"annual_hours": [None, 9000.0, None]}, 1, "annual_hours", "9000"),
    ({"load_factor": [1.2, None, None]}, 0, "load_factor", "1.2"),
    ({"load_factor": ["high", None, None]}, 0, "load_factor", "high"),
]


@pytest.mark.parametrize(("change", "row", "column", "fragment"), BAD_FLEETS)
def test_bad_fleet_rows_are_named(fleet, change, row, column, fragment):
    bad = fleet.assign(**change)
    with pytest.raises(ValueError, match=r"fleet row") as error:
        che.fleet_emissions(bad, year=2023)
    message = str(error.value)
    assert f"fleet row {row} (source_row {101 + row})" in message
    assert f"column {column!r}" in message
    assert fragment in message
    assert "expected" in message


def test_bad_row_without_source_row_names_the_position(fleet):
    bad = fleet.drop(columns="source_row").assign(count=[1, 1, -2])
    with pytest.raises(ValueError, match=r"fleet row 2, column 'count'"):
        che.fleet_emissions(bad, year=2023)


def test_scaled_load_factor_above_one_is_named(fleet):
    bad = fleet.assign(load_factor=[0.7, None, None])
    with pytest.raises(ValueError, match=r"fleet row 0 \(source_row 101\), column 'load_factor'"):
        che.fleet_emissions(bad, year=2023, load_factor_scale=1.5)


def test_missing_required_columns_are_listed(fleet):
    with pytest.raises(ValueError, match=r"missing required column\(s\) \['count'\]"):
        che.fleet_emissions(fleet.drop(columns="count"), year=2023)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"year": 2023.5}, "year must be an integer"),
        ({"year": True}, "year must be an integer"),
        ({"year": 1800}, "year must be in"),
        ({"year": 2023, "load_factor_scale": 0.0}, "load_factor_scale"),
        ({"year": 2023, "in_use_nox_multiplier": -1.0}, "in_use_nox_multiplier"),
        ({"year": 2023, "in_use_pm_multiplier": -0.1}, "in_use_pm_multiplier"),
        ({"year": 2023, "fuel_sulfur_ppm": -5.0}, "fuel_sulfur_ppm"),
        ({"year": 2023, "gwp_set": "ar4_100"}, "unknown gwp_set"),
    ],
)
def test_bad_options_raise(fleet, options, message):
    with pytest.raises(ValueError, match=message):
        che.fleet_emissions(fleet, **options)


# ============================================================================ fill_defaults
def test_fill_defaults_fills_and_records(fleet):
    filled = che.fill_defaults(fleet)
    assert list(filled.index) == ["a", "b", "c"]
    assert list(filled.columns) == [*fleet.columns, "median_life_h", "filled"]
    assert list(filled["rated_hp"]) == [200.0, 650.0, 175.0]
    assert list(filled["median_life_h"]) == [4667.0, 7000.0, 4667.0]
    assert list(filled["filled"]) == [
        "rated_hp,annual_hours,load_factor,median_life_h",
        "annual_hours,load_factor,median_life_h",
        "rated_hp,annual_hours,load_factor,median_life_h",
    ]
    assert fleet["rated_hp"].isna().sum() == 2  # input untouched


def test_fill_defaults_records_nothing_when_complete():
    fleet = pd.DataFrame(
        {
            "equipment_type": ["other"],
            "rated_hp": [120.0],
            "annual_hours": [800.0],
            "load_factor": [0.4],
            "median_life_h": [5000.0],
        }
    )
    filled = che.fill_defaults(fleet)
    assert filled["filled"].iloc[0] == ""
    assert filled.loc[0, "rated_hp"] == 120.0


# ============================================================================ input contract
FUNCTIONS = [
    (che.energy_hp_hr, ([200.0, 300.0], [0.39, 0.5], [2000.0, 100.0]), [156000.0, 15000.0]),
    (che.age_fraction, ([3.0, 0.0], 2000.0, 0.39, 4667.0), [3 * 780.0 / 4667.0, 0.0]),
    (che.emissions_g, ([1000.0, 10.0], [2.0, 3.0]), [2000.0, 30.0]),
    (che.co2_ef_g_per_hp_hr, ([100.0, 200.0], 0.87), [100 * 0.87 * 44 / 12, 200 * 0.87 * 44 / 12]),
    (
        che.so2_ef_g_per_hp_hr,
        ([100.0, 200.0], 15.0),
        [100 * (1 - SOXCNV) * 30e-6, 200 * (1 - SOXCNV) * 30e-6],
    ),
    (
        che.pm_sulfur_adjustment_g_per_hp_hr,
        ([100.0, 200.0], 15.0, [2000.0, np.nan]),
        [100 * 7 * SOXCNV * (15 - 2000) * 1e-6, 0.0],
    ),
]


@pytest.mark.parametrize(("function", "args", "expected"), FUNCTIONS)
@pytest.mark.parametrize("kind", ["scalar", "list", "ndarray", "series"])
def test_input_kinds(function, args, expected, kind):
    index = pd.Index(["x", "y"])
    if kind == "scalar":
        scalar_args = [a[0] if isinstance(a, list) else a for a in args]
        got = function(*scalar_args)
        assert isinstance(got, float)
        assert got == pytest.approx(expected[0], **TIGHT)
        return
    convert = {
        "list": lambda a: a,
        "ndarray": np.asarray,
        "series": lambda a: pd.Series(a, index=index),
    }[kind]
    got = function(*[convert(a) if isinstance(a, list) else a for a in args])
    if kind == "series":
        assert isinstance(got, pd.Series)
        assert got.index.equals(index)
    else:
        assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=1e-12)


@pytest.mark.parametrize("kind", ["scalar", "list", "ndarray", "series"])
def test_code_inputs_of_look_ups(kind):
    tiers = ["tier0", "tier4f"]
    index = pd.Index([10, 20])
    value = {
        "scalar": "tier0",
        "list": tiers,
        "ndarray": np.asarray(tiers, dtype=object),
        "series": pd.Series(tiers, index=index),
    }[kind]
    nox = che.zero_hour_ef_g_per_hp_hr("nox", "diesel", value)
    df = che.deterioration_factor("pm10", value, 3, 2000.0, 0.39, 4667.0)
    ef = che.emission_factors_g_per_hp_hr("diesel", value)
    if kind == "scalar":
        assert nox == 8.38
        assert isinstance(df, float)
        assert len(ef) == 1
        return
    np.testing.assert_array_equal(np.asarray(nox), [8.38, 0.28])
    np.testing.assert_allclose(np.asarray(df), 1 + 0.473 * 3 * 780.0 / 4667.0)
    if kind == "series":
        assert nox.index.equals(index)
        assert df.index.equals(index)
        assert ef.index.equals(index)


def test_default_characteristics_keeps_the_series_index():
    types = pd.Series(["forklift", "straddle_carrier"], index=[5, 9])
    got = che.default_characteristics(types)
    assert got.index.equals(types.index)
    assert list(got["median_life_h"]) == [4667.0, 7000.0]


def test_nan_inputs_propagate_or_mean_unknown():
    assert np.isnan(che.energy_hp_hr(np.nan, 0.39, 2000.0))
    got = che.deterioration_factor("nox", "tier0", [np.nan, 0.0], 2000.0, 0.39, 4667.0)
    np.testing.assert_array_equal(got, [1.0, 1.0])  # unknown age: no deterioration


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: che.energy_hp_hr(-1.0, 0.39, 2000.0), "rated_hp must be in"),
        (lambda: che.energy_hp_hr(200.0, 1.5, 2000.0), "load_factor must be in"),
        (lambda: che.energy_hp_hr(200.0, 0.39, -1.0), "hours must be in"),
        (lambda: che.age_fraction(-1, 2000.0, 0.39, 4667.0), "age_years must be in"),
        (lambda: che.age_fraction(1, 2000.0, 0.39, 0.0), "median_life_h must be in"),
        (lambda: che.zero_hour_ef_g_per_hp_hr("sox", "diesel", "tier0"), "unknown pollutant"),
        (lambda: che.zero_hour_ef_g_per_hp_hr("nox", "coal", "tier0"), "unknown fuel"),
        (lambda: che.zero_hour_ef_g_per_hp_hr("nox", "diesel", "tier5"), "unknown tier"),
        (lambda: che.zero_hour_ef_g_per_hp_hr("nox", "diesel", "lsi_phase1"), "no CHE emission"),
        (lambda: che.zero_hour_ef_g_per_hp_hr("nox", "electric", "tier4f"), "no CHE emission"),
        (lambda: che.deterioration_factor("co2e", "tier0", 1, 1, 0.5, 1), "unknown pollutant"),
        (lambda: che.default_characteristics("crane"), "unknown equipment_type"),
        (lambda: che.co2_ef_g_per_hp_hr(10.0, 0.87, 20.0), "must not exceed"),
        (lambda: che.so2_ef_g_per_hp_hr(100.0, 6000.0), "sulfur_ppm_mass must be in"),
        (lambda: che.emissions_g(100.0, -1.0), "ef_g_per_hp_hr must be in"),
        (lambda: che.emission_factors_g_per_hp_hr("diesel", "tier0", fuel_sulfur_ppm=-1), "fuel"),
        (lambda: che.fill_defaults(pd.DataFrame({"fuel": ["diesel"]})), "equipment_type"),
    ],
)
def test_out_of_range_or_unknown_inputs_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ============================================================================ tables and code
def test_module_vocabularies_match_the_tables():
    types = factors.load_table("che_types")
    assert tuple(types["equipment_type"]) == che.EQUIPMENT_TYPES
    assert factors.table_spec("che_types").columns[0].allowed == che.EQUIPMENT_TYPES
    assert tuple(factors.load_table("che_fuels")["fuel"]) == che.FUELS
    ef = factors.load_table("che_ef")
    assert set(ef["tier"]) == set(che.TIERS)
    assert set(ef["fuel"]) == set(che.FUELS)


def test_every_fuel_tier_pair_is_complete():
    ef = factors.load_table("che_ef")
    pairs = ef[["fuel", "tier"]].drop_duplicates()
    assert (ef.groupby(["fuel", "tier"]).size() == 6).all()  # nox hc co pm10 ch4 n2o
    use = factors.load_table("che_fuel_use")
    assert set(zip(use["fuel"], use["tier"], strict=True)) == set(
        zip(pairs["fuel"], pairs["tier"], strict=True)
    )
    det = factors.load_table("che_deterioration")
    assert (det.groupby(["fuel", "tier"]).size() == 4).all()
    assert set(zip(det["fuel"], det["tier"], strict=True)) == set(
        zip(pairs["fuel"], pairs["tier"], strict=True)
    )
    assert list(pairs.loc[pairs["fuel"] == "electric", "tier"]) == ["ze"]
    assert "ze" not in set(pairs.loc[pairs["fuel"] != "electric", "tier"])


def test_diesel_sulfur_default_equals_the_fuel_table():
    diesel = factors.load_table("che_fuels").set_index("fuel").loc["diesel"]
    for function in (che.fleet_emissions, che.emission_factors_g_per_hp_hr):
        default = inspect.signature(function).parameters["fuel_sulfur_ppm"].default
        assert default == diesel["default_sulfur_ppm_mass"]


def test_sulfur_constants_equal_the_ship_method():
    # the same EPA sulfate-conversion convention is used for ships (2.247 %, MWR 7)
    from portcap.sources import ships

    pm = inspect.signature(ships.pm10_ef_g_per_kwh).parameters
    assert (
        pytest.approx(pm["sulfate_conversion_pct"].default) == che.SULFATE_CONVERSION_FRACTION * 100
    )
    assert pm["sulfate_to_sulfur_mass_ratio"].default == che.SULFATE_TO_SULFUR_MASS_RATIO
