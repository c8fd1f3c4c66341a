from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from portcap import calls
from portcap.errors import InputError

DATA = Path(__file__).parent / "data" / "calls"


def test_read_calls_keeps_good_rows() -> None:
    result = calls.read_calls(DATA / "calls.csv")
    assert len(result.calls) == 3
    assert result.quarantine.empty
    assert result.calls["shore_power"].tolist() == [True, False, False]


def test_bad_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "vessel_id,terminal,arrival,departure,anchorage_h,shore_power\n"
        "1,T,2023-01-01T00:00,2023-01-02T00:00,0,true\n"
        "x,T,2023-01-01T00:00,2023-01-02T00:00,0,true\n"
        "2,T,2023-01-02T00:00,2023-01-01T00:00,0,true\n"
        "3,T,2023-01-01T00:00,2023-01-02T00:00,-4,true\n"
        "4,T,2023-01-01T00:00,2023-01-02T00:00,0,perhaps\n"
    )
    result = calls.read_calls(path)
    assert result.calls["vessel_id"].tolist() == [1]
    assert result.counts == {
        "vessel_id_not_a_number": 1,
        "departure_not_after_arrival": 1,
        "anchorage_h_not_a_non_negative_number": 1,
        "shore_power_not_a_boolean": 1,
    }
    assert sorted(result.quarantine["source_row"].tolist()) == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("vessel_id,terminal\n1,T\n", "arrival"),
        ("", None),
    ],
)
def test_unusable_calls_file_raises(tmp_path: Path, text: str, field: str | None) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        calls.read_calls(path)
    assert info.value.field == field


def _one_call(**overrides: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "vessel_id": 1,
        "terminal": "T",
        "arrival": pd.Timestamp("2023-01-02T00:00"),
        "departure": pd.Timestamp("2023-01-03T00:00"),
        "anchorage_h": 5.0,
        "shore_power": False,
        "source_row": 1,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_call_activity_hours_add_up() -> None:
    params = calls.CallLegParameters(vsr_20nmi_compliance=1.0, vsr_40nmi_compliance=0.0)
    activity = calls.call_activity(_one_call(), pd.Series({1: 20.0}), params)
    by_leg = activity.groupby("leg")["duration_h"].sum()
    assert by_leg["berth"] == pytest.approx(24.0)
    assert by_leg["anchorage"] == pytest.approx(5.0)
    cruise = 20.0 * 0.74  # EPA 2022 Table 3.12 container transit speed ratio
    # 40-nmi zone at cruise speed both ways (no compliance); 20-nmi zone at 12 kn
    assert by_leg["inbound_vsr_40nmi_zone"] == pytest.approx(20.0 / cruise)
    assert by_leg["outbound_vsr_20nmi_zone_vsr"] == pytest.approx(14.0 / 12.0)
    assert by_leg["inbound_harbor"] == pytest.approx(2.0 / 5.0)
    assert set(activity["zone_kind"].dropna()) == {"berth", "anchorage", "maneuvering"}
    assert activity["in_eca"].all()


def test_vsr_compliance_splits_time_as_expected_value() -> None:
    params = calls.CallLegParameters(vsr_20nmi_compliance=0.5)
    activity = calls.call_activity(_one_call(), pd.Series({1: 20.0}), params)
    legs = activity.set_index("leg")["duration_h"]
    assert legs["inbound_vsr_20nmi_zone_vsr"] == pytest.approx(0.5 * 14.0 / 12.0)
    assert legs["inbound_vsr_20nmi_zone"] == pytest.approx(0.5 * 14.0 / 14.8)


def test_per_call_vsr_flag_overrides_rate() -> None:
    activity = calls.call_activity(_one_call(vsr_20nmi=0.0), pd.Series({1: 20.0}))
    assert "inbound_vsr_20nmi_zone_vsr" not in set(activity["leg"])


def test_shore_power_call_runs_engines_for_connection_time_only() -> None:
    activity = calls.call_activity(_one_call(shore_power=True), pd.Series({1: 20.0}))
    berth = activity[activity["zone_kind"] == "berth"].set_index("leg")
    assert berth.loc["berth", "duration_h"] == pytest.approx(3.0)
    assert berth.loc["berth_shore_power", "duration_h"] == pytest.approx(21.0)
    assert bool(berth.loc["berth_shore_power", "shore_power_connected"])
