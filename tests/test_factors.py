"""Tests of the factor-table loader: validation, caching, provenance and table contents."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portcap import factors
from portcap.sources import ships

FACTOR_DIR = Path(factors.__file__).parent / "data" / "factors"


# ----------------------------------------------------------------------------- loading
@pytest.mark.parametrize("name", factors.available_tables())
def test_every_table_loads_with_declared_columns(name):
    table = factors.load_table(name)
    spec = factors.table_spec(name)
    assert list(table.columns) == list(spec.column_names)
    assert len(table) > 0
    assert not table.duplicated(subset=list(spec.key)).any()


@pytest.mark.parametrize("name", factors.available_tables())
def test_every_column_unit_is_known(name):
    for column in factors.table_spec(name).columns:
        assert column.unit is None or column.unit in factors.KNOWN_UNITS


def test_value_columns_carry_units_in_their_names():
    # P4/P5: dimensional value columns end with their unit
    suffix_by_unit = {"g_per_kwh": "_g_per_kwh", "kw": "_kw", "kn": "_kn", "m": "_m"}
    for spec in factors.TABLE_SPECS.values():
        for column in spec.columns:
            if column.unit in suffix_by_unit and column.name not in {"size_min", "size_max"}:
                assert column.name.endswith(suffix_by_unit[column.unit]), column.name


def test_every_source_id_is_in_the_bibliography():
    known = set(factors.sources()["source_id"])
    for name in factors.available_tables():
        if factors.table_spec(name).has_sources:
            assert set(factors.load_table(name)["source_id"]) <= known


def test_load_table_returns_copies():
    first = factors.load_table("bsfc")
    first.loc[0, "bsfc_g_per_kwh"] = -1.0
    assert factors.load_table("bsfc").loc[0, "bsfc_g_per_kwh"] > 0


def test_explicit_dtypes():
    nox = factors.load_table("nox_ef")
    assert nox["tier"].dtype == np.dtype("int64")
    assert nox["nox_ef_g_per_kwh"].dtype == np.dtype("float64")
    assert pd.api.types.is_string_dtype(nox["engine"])
    assert factors.load_table("engine_types")["nox_tiered"].dtype == np.dtype(bool)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: factors.load_table("no_such_table"), "unknown table 'no_such_table'"),
        (lambda: factors.auxiliary_power_table("imo4"), "'epa2022', 'starcrest2016'"),
        (lambda: factors.boiler_power_table("x"), "valid names are"),
        (lambda: factors.gwp_table("ar4_100"), "'ar5_100', 'ar6_100'"),
        (lambda: factors.parameter_value("nope"), "unknown parameter"),
    ],
)
def test_unknown_names_raise_with_valid_names(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------- bad tables
def _corrupt(tmp_path: Path, name: str, edit) -> Path:
    source = FACTOR_DIR / factors.table_spec(name).file
    target = tmp_path / source.name
    shutil.copy(source, target)
    lines = target.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        pytest.param(
            "nox_ef",
            lambda lines: [*lines, lines[1]],
            ["nox_ef.csv", "row 81 (line 82)", "column 'engine'", "duplicate key"],
            id="duplicate-key",
        ),
        pytest.param(
            "bsfc",
            lambda lines: [lines[0], lines[1].replace("epa_met_2022", "nobody_2099"), *lines[2:]],
            ["bsfc.csv", "row 1 (line 2)", "column 'source_id'", "'nobody_2099'", "sources.csv"],
            id="unknown-source-id",
        ),
        pytest.param(
            "bsfc",
            lambda lines: [lines[0], lines[1], lines[2].replace(",205,", ",2050,"), *lines[3:]],
            ["bsfc.csv", "row 2 (line 3)", "column 'bsfc_g_per_kwh'", "[100.0, 400.0]"],
            id="out-of-range",
        ),
        pytest.param(
            "carbon_factors",
            lambda lines: [lines[0], lines[1].replace("mgo", "diesel", 1), *lines[2:]],
            ["carbon_factors.csv", "row 1 (line 2)", "column 'fuel'", "expected one of"],
            id="unknown-code",
        ),
        pytest.param(
            "carbon_factors",
            lambda lines: [lines[0], lines[1].replace("3.206", "3,2o6", 1), *lines[2:]],
            ["carbon_factors.csv", "row 1 (line 2)", "expected 4 fields, got 5"],
            id="shifted-columns",
        ),
        pytest.param(
            "carbon_factors",
            lambda lines: [lines[0].replace("co2_g_per_g_fuel", "co2"), *lines[1:]],
            ["carbon_factors.csv", "expected columns", "missing ['co2_g_per_g_fuel']"],
            id="renamed-column",
        ),
        pytest.param(
            "carbon_factors",
            lambda lines: [lines[0], lines[1].replace("3.206", "x3.2", 1), *lines[2:]],
            ["carbon_factors.csv", "row 1 (line 2)", "column 'co2_g_per_g_fuel'", "number"],
            id="not-a-number",
        ),
        pytest.param(
            "nox_ef",
            lambda lines: [lines[0], lines[1].replace(",0,", ",7,", 1), *lines[2:]],
            ["nox_ef.csv", "row 1 (line 2)", "column 'tier'", "expected one of 0, 1, 2, 3"],
            id="unknown-tier",
        ),
        pytest.param(
            "nox_ef",
            lambda lines: [lines[0], lines[1].replace(",0,", ",,", 1), *lines[2:]],
            ["nox_ef.csv", "row 1 (line 2)", "column 'tier'", "empty cell"],
            id="empty-cell",
        ),
        pytest.param(
            "auxiliary_power",
            lambda lines: [lines[0], lines[1].replace(",0,10000,", ",0,20000,", 1), *lines[2:]],
            ["auxiliary_power.csv", "column 'size_min'", "overlaps"],
            id="overlapping-bins",
        ),
        pytest.param(
            "parameters",
            lambda lines: [lines[0], lines[1].replace("dimensionless", "furlongs", 1), *lines[2:]],
            ["parameters.csv", "row 1 (line 2)", "column 'unit'"],
            id="unknown-unit",
        ),
    ],
)
def test_bad_table_error_names_file_row_and_column(tmp_path, name, edit, expected):
    path = _corrupt(tmp_path, name, edit)
    with pytest.raises(factors.FactorTableError) as error:
        factors.read_factor_csv(path, name)
    for fragment in expected:
        assert fragment in str(error.value)


def test_factor_table_error_is_a_value_error():
    assert issubclass(factors.FactorTableError, ValueError)


def test_missing_file_raises(tmp_path):
    with pytest.raises(factors.FactorTableError, match="not found"):
        factors.read_factor_csv(tmp_path / "nox_ef.csv", "nox_ef")


def test_packaged_files_pass_the_public_validator():
    for name in factors.available_tables():
        path = FACTOR_DIR / factors.table_spec(name).file
        pd.testing.assert_frame_equal(factors.read_factor_csv(path, name), factors.load_table(name))


# ----------------------------------------------------------------------------- contents
def test_codes_are_normalised():
    nox = factors.load_table("nox_ef")
    assert set(nox["fuel"]) == {"mgo", "hfo", "lng"}
    assert set(nox["tier"]) == {0, 1, 2, 3}
    # non-tiered engines are listed for every tier (documented convention)
    for engine_type in ("ST", "GT", "GT-ED", "LNG", "boiler"):
        rows = nox[nox["engine_type"] == engine_type]
        assert rows.groupby(["engine", "fuel"])["tier"].nunique().eq(4).all()
        assert rows.groupby(["engine", "fuel"])["nox_ef_g_per_kwh"].nunique().eq(1).all()


def test_bsfc_matches_published_table_3_6(read_published):
    # kind 1: EPA 2022 Table 3.6 as transcribed by uslci-marine; Set A must agree exactly
    published = read_published("epa2022_table_3_6_bsfc.csv")
    packaged = factors.load_table("bsfc")
    merged = published.merge(
        packaged, on=["engine", "engine_type", "fuel"], how="left", suffixes=("", "_pkg")
    )
    np.testing.assert_array_equal(merged["bsfc_g_per_kwh_pkg"], merged["bsfc_g_per_kwh"])


def test_gwp_sets():
    ar5 = factors.gwp_table("ar5_100").set_index("pollutant")["gwp_kg_co2e_per_kg"]
    ar6 = factors.gwp_table("ar6_100").set_index("pollutant")["gwp_kg_co2e_per_kg"]
    assert ar5.to_dict() == {"co2": 1.0, "ch4": 28.0, "n2o": 265.0}
    assert ar6.to_dict() == {"co2": 1.0, "ch4": 29.8, "n2o": 273.0}


def test_sulfur_defaults_are_dated():
    table = factors.load_table("sulfur_defaults").set_index("location")
    assert table.loc["eca", "sulfur_pct_mass"] == 0.1
    assert table.loc["outside_eca", "sulfur_pct_mass"] == 0.5
    assert str(table.loc["eca", "effective_from"].date()) == "2015-01-01"
    assert str(table.loc["outside_eca", "effective_from"].date()) == "2020-01-01"


def test_vessel_defaults_bins_join_the_epa2022_auxiliary_bins():
    defaults = factors.vessel_defaults_table()
    aux = factors.auxiliary_power_table("epa2022")
    keys = ["ship_type", "size_min", "size_max", "size_unit"]
    joined = defaults[keys].merge(aux[keys].drop_duplicates(), how="left", indicator=True)
    assert (joined["_merge"] == "both").all(), joined[joined["_merge"] != "both"]


def test_vessel_defaults_8000_teu_row():
    row = factors.vessel_defaults_table().query("ship_type == 'container' and size_min == 5000")
    assert row[["engine_type", "main_engine_kw", "max_speed_kn", "max_draft_m"]].iloc[
        0
    ].tolist() == [
        "SSD",
        55_800.0,
        26.5,
        13.9,
    ]


def test_every_crosswalk_class_exists_in_both_power_tables():
    crosswalk = factors.load_table("ship_type_crosswalk")
    for table_name in ("auxiliary_power", "boiler_power"):
        table = factors.load_table(table_name)
        for method, group in crosswalk.groupby("method"):
            classes = set(table.loc[table["method"] == method, "ship_type"])
            assert set(group["table_ship_type"]) <= classes
            # and every class of the table is reachable
            assert classes <= set(group["table_ship_type"])


def test_each_power_table_class_has_one_size_unit():
    for table_name in ("auxiliary_power", "boiler_power"):
        table = factors.load_table(table_name)
        assert table.groupby(["method", "ship_type"])["size_unit"].nunique().eq(1).all()


def test_every_power_class_covers_all_modes_and_sizes_from_zero():
    for table_name in ("auxiliary_power", "boiler_power"):
        table = factors.load_table(table_name)
        modes = table.groupby(["method", "ship_type", "size_min"])["mode"].nunique()
        assert modes.eq(4).all()
        lowest = table.groupby(["method", "ship_type"])["size_min"].min()
        highest = table.groupby(["method", "ship_type"])["size_max"].max()
        assert lowest.eq(0).all()
        assert np.isinf(highest).all()


# ----------------------------------------------------------------------------- one source of truth
def _default(function, name):
    return inspect.signature(function).parameters[name].default


@pytest.mark.parametrize(
    ("parameter", "function", "argument"),
    [
        ("propeller_law_exponent", ships.main_engine_load_factor, "speed_exponent"),
        ("guidance_service_margin_pct", ships.main_engine_load_factor, "service_margin_pct"),
        (
            "service_to_max_speed_ratio",
            ships.main_engine_load_factor,
            "service_to_max_speed_ratio",
        ),
        ("min_load_factor", ships.main_engine_load_factor, "min_load_factor"),
        ("max_load_factor", ships.main_engine_load_factor, "max_load_factor"),
        ("llaf_threshold_load_factor", ships.low_load_adjustment, "threshold"),
        ("tier3_scr_min_load_factor", ships.nox_tier_for_load, "scr_min_load_factor"),
        ("engine_type_rpm_cutoff", ships.engine_type_from_stroke_rpm, "rpm_cutoff"),
        ("so2_to_sulfur_mass_ratio", ships.so2_ef_g_per_kwh, "so2_to_sulfur_mass_ratio"),
        ("sulfur_to_so2_fraction", ships.so2_ef_g_per_kwh, "sulfur_to_so2_fraction"),
        ("lng_so2_g_per_g_fuel", ships.so2_ef_g_per_kwh, "lng_so2_g_per_g_fuel"),
        ("pm25_to_pm10_ratio", ships.pm25_from_pm10, "pm25_to_pm10_ratio"),
        ("pm25_to_pm10_ratio", ships.emission_factors_g_per_kwh, "pm25_to_pm10_ratio"),
    ],
)
def test_function_defaults_equal_packaged_parameters(parameter, function, argument):
    assert _default(function, argument) == factors.parameter_value(parameter)


def test_sulfur_defaults_equal_function_defaults():
    table = factors.load_table("sulfur_defaults").set_index("location")["sulfur_pct_mass"]
    function = ships.sulfur_pct_mass_for_location
    assert _default(function, "eca_sulfur_pct_mass") == table["eca"]
    assert _default(function, "global_sulfur_pct_mass") == table["outside_eca"]


def test_gwp_defaults_equal_ar5():
    ar5 = factors.gwp_table("ar5_100").set_index("pollutant")["gwp_kg_co2e_per_kg"]
    assert _default(ships.co2_equivalent, "gwp_ch4") == ar5["ch4"]
    assert _default(ships.co2_equivalent, "gwp_n2o") == ar5["n2o"]


def test_llaf_constants_equal_packaged_coefficients():
    table = factors.load_table("llaf_coefficients").set_index("pollutant")
    for pollutant, (a, x, b) in ships.LLAF_COEFFICIENTS.items():
        assert table.loc[pollutant, "a"] == a
        assert table.loc[pollutant, "b"] == b
        assert (np.isnan(x) and np.isnan(table.loc[pollutant, "x"])) or table.loc[
            pollutant, "x"
        ] == x
    # PM2.5 uses PM10's coefficients
    assert (
        table.loc["pm25", ["a", "x", "b"]].tolist() == table.loc["pm10", ["a", "x", "b"]].tolist()
    )
    inverse, constant = ships.LLAF_SO2_FUEL_CURVE_G_PER_KWH
    assert inverse == factors.parameter_value("llaf_so2_bsfc_inverse_load_g_per_kwh")
    assert constant == factors.parameter_value("llaf_so2_bsfc_constant_g_per_kwh")


def test_bsfc_curve_constants_equal_packaged_table():
    table = factors.load_table("bsfc_load_curve").set_index("term")["coefficient"]
    assert (
        table["quadratic"],
        table["linear"],
        table["constant"],
    ) == ships.BSFC_LOAD_CURVE_COEFFICIENTS
    assert _default(ships.load_dependent_bsfc_g_per_kwh, "coefficients") == (
        ships.BSFC_LOAD_CURVE_COEFFICIENTS
    )


def test_pm_formula_defaults_equal_packaged_coefficients():
    table = factors.load_table("pm_sulfur_coefficients")
    assert (
        table["sulfate_conversion_pct"]
        == _default(ships.pm10_ef_g_per_kwh, "sulfate_conversion_pct")
    ).all()
    assert (
        table["sulfate_to_sulfur_mass_ratio"]
        == _default(ships.pm10_ef_g_per_kwh, "sulfate_to_sulfur_mass_ratio")
    ).all()
    # sulfate share of fuel S (FSC) and the SO2 share add up to 100 %
    assert table["sulfate_conversion_pct"].iloc[0] / 100 + factors.parameter_value(
        "sulfur_to_so2_fraction"
    ) == pytest.approx(1.0)
