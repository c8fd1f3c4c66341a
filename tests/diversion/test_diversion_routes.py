"""Tests of portcap.diversion.routes and of the packaged sea distances.

Kinds of expected value (STYLE P11): 1 = published (source named next to the value),
D = hand calculation written out in the test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portcap.diversion import (
    DiversionParameters,
    great_circle_miles,
    landside_legs,
    ocean_legs,
)
from portcap.diversion.routes import landside_time_days
from portcap.diversion.tables import load_diversion_table

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_sea_distances.py"


@pytest.fixture(scope="module")
def sea():
    return load_diversion_table("sea_distances")


@pytest.fixture(scope="module")
def reference():
    return load_diversion_table("searoute_reference")


# ================================================================ sea distances vs shared table
def test_sea_distances_match_the_shared_searoute_table(sea, reference):
    """Our script's distances against the shared searoute-distances.csv (searoute 1.6.0).

    Tolerance 0.5 %: with the same searoute version the two agree to the 0.1 nmi rounding;
    the margin allows a later searoute release with small network edits.
    """
    merged = sea.merge(
        reference,
        left_on=["origin", "destination"],
        right_on=["origin", "dest"],
        how="inner",
        validate="1:1",
        suffixes=("", "_shared"),
    )
    # the shared table holds 15 destinations per Asian origin: all 14 of our ports (NWSA is
    # its USSEA point) for each of the 3 origins
    assert len(merged) == 42
    assert merged["distance_nmi"].to_numpy() == pytest.approx(
        merged["nm_with_access_legs"].to_numpy(), rel=0.005
    )
    assert merged["distance_panama_closed_nmi"].to_numpy() == pytest.approx(
        merged["nm_panama_closed_with_access"].to_numpy(), rel=0.005
    )
    assert (merged["passages"].fillna("") == merged["passages_shared"].fillna("")).all()


def test_sea_distances_agree_with_published_transit_times(sea):
    # 1: casualnavigation.com: Shanghai-Los Angeles 17 days, Shanghai-New York via Panama
    # 32 days at 14 kn -> 5,712 and 10,752 nmi (domain reference §5.2, D). Day-rounded
    # transit times: tolerance 2 %.
    table = sea.set_index(["origin", "destination"])["distance_nmi"]
    assert table[("CNSHA", "USLAX")] == pytest.approx(17 * 24 * 14, rel=0.02)
    assert table[("CNSHA", "USNYC")] == pytest.approx(32 * 24 * 14, rel=0.02)


def test_panama_closed_routes_are_longer(sea):
    through_panama = sea["passages"].fillna("").str.contains("panama")
    assert (
        sea.loc[through_panama, "distance_panama_closed_nmi"]
        > sea.loc[through_panama, "distance_nmi"]
    ).all()
    legs = ocean_legs(DiversionParameters(panama_open=False)).set_index(["origin", "port"])
    assert legs.loc[("CNSHA", "USNYC"), "distance_nmi"] == pytest.approx(12_400.2)
    assert "suez" in legs.loc[("CNSHA", "USNYC"), "passages"]


def test_eca_part_of_routes(sea):
    table = sea.set_index(["origin", "destination"])
    # Mexican ports lie outside the North American ECA; their routes only pass by it, less
    # than US and Canadian ports' routes reach into it
    assert table.loc[("CNSHA", "MXZLO"), "eca_nmi"] < table.loc[("CNSHA", "USLAX"), "eca_nmi"]
    # the ECA reaches 200 nmi offshore (MARPOL Annex VI App. VII): an arrival at a US port
    # spends at least 200 nmi in it
    us = sea[sea["destination"].str.startswith("US")]
    assert (us["eca_nmi"] >= 200).all()


def test_build_script_reproduces_one_route(sea):
    """Rerun the script's route function for Shanghai -> Los Angeles (searoute, live)."""
    spec = importlib.util.spec_from_file_location("build_sea_distances", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_sea_distances"] = module
    spec.loader.exec_module(module)
    points = module.port_points()
    distance, coordinates, passages = module.route(
        points["CNSHA"], points["USLAX"], module.RESTRICTIONS_OPEN
    )
    row = sea.set_index(["origin", "destination"]).loc[("CNSHA", "USLAX")]
    assert distance == pytest.approx(row["distance_nmi"], abs=0.05)
    assert module.length_inside_nmi(coordinates, module.shifted_eca()) == pytest.approx(
        row["eca_nmi"], abs=0.05
    )
    assert passages == ""


# ====================================================================== great-circle distances
@pytest.mark.parametrize(
    ("port", "destination", "expected"),
    [
        # 1 (D in the notes): diversion inputs §3.2, great circle from the sea-distance port
        # points to city centres. Our zones are FAF4 metro centroids (Chicago's lies 35 mi
        # west of the Loop): tolerance 4 %.
        ("POLA", "chicago", 1_755),
        ("POLA", "dallas", 1_241),
        ("POLA", "atlanta", 1_939),
        ("USOAK", "chicago", 1_847),
        ("NWSA", "memphis", 1_863),
        ("CAPRR", "chicago", 2_110),
        ("USHOU", "chicago", 941),
        ("USNYC", "columbus", 476),
        ("USSAV", "memphis", 556),
        ("MXLZC", "dallas", 1_079),
        ("USOAK", "inland_empire", 368),
    ],
)
def test_great_circle_to_destinations(port, destination, expected):
    legs = landside_legs().set_index(["port", "destination"])
    assert legs.loc[(port, destination), "great_circle_miles"] == pytest.approx(expected, rel=0.04)


def test_great_circle_one_degree_of_equator():
    # D: 2 pi R / 360 with R = 6,371.0 km = 3,958.76 mi
    assert great_circle_miles(0.0, 0.0, 1.0, 0.0) == pytest.approx(2 * np.pi * 3958.756 / 360)


@pytest.mark.parametrize(
    "kind", ["scalar", "list", "ndarray", "series"], ids=lambda kind: f"input-{kind}"
)
def test_great_circle_input_types(kind):
    lons = [-118.28, -122.29]
    values = {
        "scalar": (lons[0], 33.72, -87.63, 41.88),
        "list": (lons, [33.72, 37.83], [-87.63, -87.63], [41.88, 41.88]),
        "ndarray": tuple(np.array(v) for v in (lons, [33.72, 37.83], [-87.63] * 2, [41.88] * 2)),
        "series": (
            pd.Series(lons, index=["la", "oak"]),
            [33.72, 37.83],
            [-87.63, -87.63],
            [41.88, 41.88],
        ),
    }[kind]
    result = great_circle_miles(*values)
    if kind == "series":
        assert list(result.index) == ["la", "oak"]
    assert np.all(np.asarray(result) > 1_700)


def test_great_circle_zero_and_nan():
    assert great_circle_miles(-118.0, 34.0, -118.0, 34.0) == 0.0
    assert np.isnan(great_circle_miles(np.nan, 34.0, -118.0, 34.0))


# =============================================================================== landside legs
def test_rail_circuity_reproduces_the_bnsf_transcon():
    # 1: BNSF Los Angeles-Chicago 2,232 rail miles (Trains, 2014) = great circle 1,755 x 1.27
    assert 1_755 * DiversionParameters().rail_circuity == pytest.approx(2_232, rel=0.002)


def test_prince_rupert_circuity_override():
    # 1 (R in the notes): Prince Rupert-Chicago about 3,000 rail miles with circuity 1.42
    legs = landside_legs(DiversionParameters(rail_circuity_by_gateway={"CAPRR": 1.42}))
    row = legs.set_index(["port", "destination"]).loc[("CAPRR", "chicago")]
    assert row["distance_miles"] == pytest.approx(3_000, rel=0.02)


def test_modes():
    legs = landside_legs().set_index(["port", "destination"])
    assert legs.loc[("POLA", "inland_empire"), "mode"] == "truck"  # 48 mi < 550
    assert legs.loc[("POLA", "chicago"), "mode"] == "rail"
    assert legs.loc[("CAPRR", "inland_empire"), "mode"] == "rail"
    assert (legs.loc["MXESE", "mode"] == "truck").all()  # no rail at Ensenada
    # Savannah-Atlanta: 218 mi great circle x 1.27 < 550 -> truck (road 1.12 x)
    row = legs.loc[("USSAV", "atlanta")]
    assert row["mode"] == "truck"
    assert row["distance_miles"] == pytest.approx(row["great_circle_miles"] * 1.12)


def test_regional_miles():
    parameters = DiversionParameters()
    legs = landside_legs(parameters).set_index(["port", "destination"])
    spb_local = legs.loc[("POLB", "inland_empire")]
    assert spb_local["regional_miles"] == spb_local["distance_miles"]
    assert legs.loc[("POLA", "chicago"), "regional_miles"] == parameters.rail_regional_miles
    assert legs.loc[("USOAK", "inland_empire"), "regional_miles"] == parameters.basin_entry_miles
    assert legs.loc[("USOAK", "chicago"), "regional_miles"] == 0.0


def test_landside_time_hand_calculation():
    # D: 1 terminal day + 2,232 mi / (24 h x 46.5 mph) = 3.0 days (UP Los Angeles-Chicago)
    assert landside_time_days(2_232.0, True, 46.5) == pytest.approx(3.0, abs=1e-3)
    # D: 412 mi / 500 mi a day
    assert landside_time_days(412.0, False, np.nan) == pytest.approx(0.824)
    series = landside_time_days(pd.Series([500.0, 1000.0], index=["a", "b"]), [False, False], 0)
    assert list(series.index) == ["a", "b"]


def test_landside_cost_is_rate_times_miles():
    parameters = DiversionParameters()
    legs = landside_legs(parameters)
    rate = np.where(
        legs["mode"] == "rail",
        parameters.rail_cost_usd_per_teu_mile,
        parameters.truck_cost_usd_per_teu_mile,
    )
    assert legs["cost_usd_per_teu"].to_numpy() == pytest.approx(legs["distance_miles"] * rate)


# ================================================================================= ocean legs
def test_ocean_legs_time_and_cost():
    parameters = DiversionParameters()
    row = ocean_legs(parameters).set_index(["origin", "port"]).loc[("CNSHA", "POLA")]
    # D: 5,761.9 nmi / (16 kn x 24 h) = 15.0 days
    assert row["days"] == pytest.approx(5_761.9 / (16 * 24))
    assert row["cost_usd_per_teu"] == pytest.approx(5_761.9 * parameters.ocean_cost_usd_per_teu_nmi)
    assert bool(row["port_in_eca"])
    mexico = ocean_legs(parameters).set_index(["origin", "port"]).loc[("CNSHA", "MXZLO")]
    assert not bool(mexico["port_in_eca"])
