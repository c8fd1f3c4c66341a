"""Tests of the packaged diversion tables and the parameter model.

Kinds of expected value (STYLE P11): 1 = published (source named next to the value),
D = hand calculation written out in the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pydantic
import pytest

from portcap import factors
from portcap.diversion import GATEWAY_CODES, DiversionParameters, parameter_sets
from portcap.diversion.tables import (
    ALL_PORT_CODES,
    ATTRIBUTES,
    DIVERSION_TABLES,
    diversion_data_path,
    load_diversion_table,
)


@pytest.mark.parametrize("name", sorted(DIVERSION_TABLES))
def test_every_table_loads_and_cites_known_sources(name):
    table = load_diversion_table(name)
    assert len(table) > 0
    if DIVERSION_TABLES[name].has_sources:
        known = set(factors.load_table("sources")["source_id"])
        assert set(table["source_id"]) <= known


def test_unknown_table_name_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown diversion table 'gateway'; valid names"):
        load_diversion_table("gateway")


def test_gateway_rows_are_the_gateway_codes():
    table = load_diversion_table("gateways")
    assert tuple(table.loc[table["role"] == "gateway", "code"]) == GATEWAY_CODES
    assert set(table["code"]) == set(ALL_PORT_CODES)


@pytest.mark.parametrize("attribute", ["rail_access", "loaded_import_teu_per_month"])
def test_every_port_has_rail_access_and_size(attribute):
    table = load_diversion_table("gateway_attributes")
    assert set(table.loc[table["attribute"] == attribute, "code"]) == set(ALL_PORT_CODES)


def test_attribute_units_match_the_registry():
    table = load_diversion_table("gateway_attributes")
    assert (table["unit"] == table["attribute"].map(ATTRIBUTES)).all()


def test_rail_speed_only_where_there_is_rail():
    table = load_diversion_table("gateway_attributes").pivot(
        index="code", columns="attribute", values="value"
    )
    with_rail = table["rail_access"] == 1
    assert table.loc[with_rail, "rail_line_haul_speed_mph"].notna().all()
    assert table.loc[~with_rail, "rail_line_haul_speed_mph"].isna().all()


def test_sea_distances_cover_every_origin_and_port():
    sea = load_diversion_table("sea_distances")
    origins = load_diversion_table("origins")["locode"]
    ports = load_diversion_table("gateways")["locode"]
    expected = {(o, p) for o in origins for p in ports}
    assert set(zip(sea["origin"], sea["destination"], strict=True)) == expected
    assert (sea["eca_nmi"] <= sea["distance_nmi"]).all()


def test_a_bad_cell_names_file_row_and_column(tmp_path: Path):
    path = tmp_path / "gateways.csv"
    shutil.copy(diversion_data_path("gateways.csv"), path)
    text = path.read_text().replace("USOAK,Oakland,US,gateway", "USOAK,Oakland,XX,gateway")
    path.write_text(text)
    with pytest.raises(factors.FactorTableError, match=r"gateways.csv, row 3 .*'country'"):
        factors.read_table_csv(path, DIVERSION_TABLES["gateways"])


def test_parameters_csv_and_model_fields_agree():
    table = load_diversion_table("parameters")
    fields = DiversionParameters.model_fields
    assert set(table["parameter"]) <= set(fields)
    defaults = table[table["parameter_set"] == "default"].set_index("parameter")["value"]
    values = DiversionParameters().model_dump()
    for name, value in defaults.items():
        assert values[name] == pytest.approx(value), name


def test_every_field_is_documented():
    for name, field in DiversionParameters.model_fields.items():
        assert field.description, name


def test_named_sets_override_only_their_values():
    assert parameter_sets()[0] == "default"
    puget = DiversionParameters.from_set("leachman2008_puget")
    default = DiversionParameters()
    assert puget.beta_cost_per_usd == -0.013  # 1: BST review of Leachman (2008), D via §6.2
    assert puget.model_dump() | {"beta_cost_per_usd": default.beta_cost_per_usd} == (
        default.model_dump()
    )
    assert DiversionParameters.from_set("default", ocean_speed_kn=18.0).ocean_speed_kn == 18.0


def test_unknown_set_and_bad_values_are_refused():
    with pytest.raises(ValueError, match="unknown parameter set 'puget'"):
        DiversionParameters.from_set("puget")
    with pytest.raises(pydantic.ValidationError, match="beta_cost_per_usd"):
        DiversionParameters(beta_cost_per_usd=0.01)
    with pytest.raises(pydantic.ValidationError, match="extra"):
        DiversionParameters(beta_cost=0.01)
    with pytest.raises(pydantic.ValidationError, match="unknown locomotive_tier"):
        DiversionParameters(locomotive_tier="tier9")
    with pytest.raises(pydantic.ValidationError, match="port code in rail_circuity_by_gateway"):
        DiversionParameters(rail_circuity_by_gateway={"XXX": 1.3})
    with pytest.raises(pydantic.ValidationError, match="needs a value >= 0 for each"):
        DiversionParameters(san_pedro_bay_port_of_call_g_per_teu={"nox": 1.0})


def test_parameters_are_frozen():
    parameters = DiversionParameters()
    with pytest.raises(pydantic.ValidationError):
        parameters.ocean_speed_kn = 20.0  # type: ignore[misc]


def test_ship_nox_tier_is_an_integer():
    assert isinstance(DiversionParameters().ship_nox_tier, int)


def test_value_of_time_derivation():
    # D: $54,500 per TEU (PEMP, world 2020) x 25 %/yr carrying cost / 365 days
    assert DiversionParameters().value_of_time_usd_per_teu_day == pytest.approx(
        54_500 * 0.25 / 365, abs=0.01
    )


def test_harbor_maintenance_fee_derivation():
    # D: 0.125 % of cargo value (zcytsc_fees) x $54,500 per TEU
    assert DiversionParameters().harbor_maintenance_fee_usd_per_teu == pytest.approx(
        0.00125 * 54_500
    )


def test_ocean_cost_derivation():
    # D: $600/TEU all-water premium (Drewry 2024-25 spreads $1,076-1,445/FEU) over the
    # 10,686 - 5,762 = 4,924 extra nmi of Shanghai-New York vs Shanghai-Los Angeles (searoute)
    assert DiversionParameters().ocean_cost_usd_per_teu_nmi == pytest.approx(
        600 / (10_686 - 5_762), abs=5e-4
    )


def test_destination_and_origin_tables_are_complete():
    destinations = load_diversion_table("destinations")
    assert destinations["teu_share"].sum() == pytest.approx(1.0)
    assert (destinations["market"] == "local").sum() == 1
    origins = load_diversion_table("origins")
    assert origins["weight"].sum() == pytest.approx(1.0)
    assert isinstance(destinations, pd.DataFrame)
