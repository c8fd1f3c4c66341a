from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portcap import vessels
from portcap.errors import InputError

DATA = Path(__file__).parent / "data" / "calls"


def test_read_vessels_parses_types_and_blanks() -> None:
    table = vessels.read_vessels(DATA / "vessels.csv")
    assert list(table.columns) == list(vessels.VESSEL_COLUMNS)
    assert table.loc[0, "main_engine_kw"] == 55800.0
    assert np.isnan(table.loc[1, "main_engine_kw"])
    assert table.loc[0, "shore_power"] is True or table.loc[0, "shore_power"] == True  # noqa: E712


@pytest.mark.parametrize(
    ("text", "field", "row"),
    [
        ("mmsi,ship_type\n1,container\n2,spaceship\n", "ship_type", 2),
        ("mmsi,main_engine_kw\n1,lots\n", "main_engine_kw", 1),
        ("mmsi,shore_power\n1,maybe\n", "shore_power", 1),
        ("mmsi\n1\n1\n", "mmsi", 2),
        ("ship_type\ncontainer\n", "mmsi", 0),
        ("mmsi,colour\n1,red\n", "colour", 0),
    ],
)
def test_read_vessels_errors_name_row_and_field(
    tmp_path: Path, text: str, field: str, row: int
) -> None:
    path = tmp_path / "vessels.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        vessels.read_vessels(path)
    assert info.value.field == field
    assert info.value.row == row
    assert str(path) in str(info.value)


def test_ais_static_fills_are_recorded() -> None:
    static = pd.DataFrame(
        {
            "mmsi": [1, 2, 3, 4, 5],
            "imo": [np.nan] * 5,
            "vessel_type_code": [70, 80, 52, 37, np.nan],
            "length_m": [366.0, np.nan, 30.0, 12.0, 20.0],
        }
    )
    table = vessels.build_vessel_table(static["mmsi"], ais_static=static)
    kept = table.vessels.set_index("mmsi")
    assert list(kept.index) == [1, 2]
    assert kept.loc[1, "ship_type"] == "container"
    assert kept.loc[1, "size_value"] == 13500.0  # 366 m: New Panamax class
    assert kept.loc[1, "size_class"] == "container_14500_teu"
    assert kept.loc[1, "main_engine_kw"] == 65000.0  # EPA 2022 Table C.3, 14,500 TEU
    assert "size_value:from_length" in kept.loc[1, "filled"]
    assert "ship_type:ais_code_70" in kept.loc[1, "filled"]
    assert "size_value:type_default_no_length" in kept.loc[2, "filled"]
    assert kept.loc[1, "tier"] == 1.0  # default keel year 2008
    excluded = table.excluded.set_index("mmsi")
    assert set(excluded.index) == {3, 4, 5}
    assert excluded.loc[5, "reason"].startswith("no ship type")
    assert sum(table.counts.values()) == 3


def test_user_values_win_over_ais_and_defaults() -> None:
    static = pd.DataFrame(
        {"mmsi": [1], "imo": [np.nan], "vessel_type_code": [70], "length_m": [366.0]}
    )
    user = vessels.read_vessels(DATA / "vessels.csv").iloc[[0]].assign(mmsi=1)
    table = vessels.build_vessel_table(static["mmsi"], ais_static=static, user_vessels=user)
    row = table.vessels.iloc[0]
    assert row["size_value"] == 9000.0
    assert row["main_engine_kw"] == 55800.0
    assert row["tier"] == 2.0  # keel 2012
    assert row["filled"] == ""


def test_sizes_outside_the_table_bins_take_the_nearest_class() -> None:
    user = pd.DataFrame(
        {"mmsi": [7], "ship_type": ["oil_tanker"], "size_value": [5000.0], "size_unit": ["dwt"]}
    )
    for column in vessels.VESSEL_COLUMNS:
        if column not in user:
            user[column] = None
    table = vessels.build_vessel_table(user["mmsi"], user_vessels=user)
    assert table.vessels.loc[0, "size_class"] == "oil_tanker_handymax"
