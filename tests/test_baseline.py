"""Activity sets: the packaged San Pedro Bay baseline and users' folders, with bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from port_sets import TERMINALS, parameters, write_set
from portcap import baseline, factors
from portcap.errors import InputError


def test_packaged_baseline_loads_and_every_row_is_sourced() -> None:
    activity = baseline.load_activity_set()
    assert activity.years == (2005, 2023)
    known = set(factors.sources()["source_id"])
    for name in baseline.ACTIVITY_TABLES:
        table = activity[name]
        assert len(table), name
        assert table["source_id"].isin(known).all(), name
        assert (table["source_locator"].str.len() > 0).all(), name


def test_baseline_facts() -> None:
    activity = baseline.load_activity_set()
    # published TEU (domain.md §2.3)
    assert activity.parameter(2005, "POLB", "teu") == 6_709_818
    assert activity.parameter(2023, "POLA", "teu") == 8_634_497
    # 13 container terminals, shares summing to one per port
    terminals = activity["terminals"]
    container = terminals[terminals["kind"] == "container"]
    assert len(container) == 13
    for port in baseline.PORTS:
        assert activity.terminal_shares(port).sum() == pytest.approx(1.0, abs=1e-3)
    # POLB 2005 container calls: 1,332 (PMM 2014)
    calls = activity["vessel_calls"]
    polb = calls[(calls["year"] == 2005) & (calls["port"] == "POLB")]
    assert polb.loc[polb["ship_type"] == "container", "calls"].sum() == pytest.approx(1332)
    # a port-wide parameter falls back to 'all'
    assert activity.parameter(2005, "POLA", "rail_switch_locomotives") == 18


def test_missing_parameter_names_file_and_the_row_to_add(tmp_path: Path) -> None:
    folder = write_set(tmp_path / "s", {"parameters.csv": "year,port,parameter,value,unit\n"})
    activity = baseline.load_activity_set(folder)
    with pytest.raises(baseline.ActivitySetError, match=r"parameters.csv: no value of .*'teu'"):
        activity.parameter(2023, "POLB", "teu")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "year,port,equipment_type,fuel,tier,count\n2023,POLB,crane_truck,diesel,tier4f,3\n",
            r"equipment.csv, row 1 \(line 2\), column 'equipment_type': expected one of",
        ),
        (
            "year,port,equipment_type,fuel,tier,count,annual_hours\n"
            "2023,POLB,forklift,diesel,tier4f,3,-10\n",
            r"equipment.csv, row 1 \(line 2\), column 'annual_hours': expected a value in",
        ),
        (
            "year,port,equipment_type,fuel,tier,count\n2023,POLB,forklift,diesel,tier4f,\n",
            r"equipment.csv, row 1 \(line 2\), column 'count': expected a value",
        ),
        (
            "year,port,equipment_type,fuel,tier,count,horsepower\n"
            "2023,POLB,forklift,diesel,tier4f,1,100\n",
            r"equipment.csv: unknown column\(s\) \['horsepower'\]",
        ),
    ],
)
def test_bad_equipment_rows_name_file_row_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    folder = write_set(tmp_path / "s", {"equipment.csv": text})
    with pytest.raises(factors.FactorTableError, match=message):
        baseline.load_activity_set(folder)


def test_unknown_terminal_is_named(tmp_path: Path) -> None:
    folder = write_set(
        tmp_path / "s",
        {
            "terminals.csv": TERMINALS,
            "equipment.csv": "year,port,terminal,equipment_type,fuel,tier,count\n"
            "2023,POLB,POLB_NOPE,forklift,diesel,tier4f,2\n",
        },
    )
    with pytest.raises(baseline.ActivitySetError, match="row 1.*'POLB_NOPE' is not in terminals"):
        baseline.load_activity_set(folder)


TRUCKS_SHORT = "year,port,model_year_group,fuel,share\n2023,POLB,2010_plus,diesel,0.7\n"


def test_shares_must_add_up(tmp_path: Path) -> None:
    folder = write_set(
        tmp_path / "s",
        {"truck_fleet.csv": TRUCKS_SHORT},
    )
    with pytest.raises(baseline.ActivitySetError, match="add up to 0.7000, expected 1"):
        baseline.load_activity_set(folder)


def test_parameter_unit_is_checked(tmp_path: Path) -> None:
    text = parameters(2023, sulfur=0.1, in_eca=1).replace(
        "truck_miles_per_leg,20.0,mile", "truck_miles_per_leg,20.0,h"
    )
    folder = write_set(tmp_path / "s", {"parameters.csv": text})
    with pytest.raises(baseline.ActivitySetError, match="'truck_miles_per_leg' must be given in"):
        baseline.load_activity_set(folder)


def test_empty_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="activity folder not found"):
        baseline.load_activity_set(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="none of the activity files found"):
        baseline.load_activity_set(tmp_path / "empty")
