"""The cap regime worked by hand: binding day, turn-away share, technology before turn-away."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from portcap.policy.cap import active_caps, apply_caps, binding_date
from portcap.scenario import CapRecord

DAYS = pd.date_range("2031-01-01", "2031-12-31")
FLAT = pd.Series(1.0 / len(DAYS), index=DAYS)


def _emissions(tonnes: dict[str, float], pollutant: str = "nox") -> pd.DataFrame:
    rows = [
        {
            "year": 2031,
            "port": terminal.split("_")[0],
            "terminal": terminal,
            "source": "cargo_handling",
            "mode": "yard_tractor",
            "engine": "diesel",
            "pollutant": pollutant,
            "mass_tonnes": value,
        }
        for terminal, value in tonnes.items()
    ]
    return pd.DataFrame(rows)


def _caps(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"scope": s, "target": t, "port": t.split("_")[0], "pollutant": "nox", "cap_tonnes": c}
            for s, t, c in rows
        ]
    )


TEU = pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_A"], "teu": [1_000_000.0]})


@pytest.mark.parametrize(("daily", "cap"), [(1.0, 100.0), (2.0, 101.0), (0.7, 250.0)])
def test_constant_emissions_bind_on_day_ceil_cap_over_daily(daily: float, cap: float) -> None:
    # one terminal, constant daily emissions E and cap C: binds on day ceil(C / E)
    outcome = apply_caps(
        _emissions({"POLB_A": daily * len(DAYS)}), TEU, _caps([("terminal", "POLB_A", cap)]), FLAT
    )
    day = math.ceil(cap / daily)
    assert outcome.terminals["binding_date"].iloc[0] == DAYS[day - 1].date().isoformat()
    share = cap / (daily * len(DAYS))
    assert outcome.terminals["teu_turned_away"].iloc[0] == pytest.approx(1e6 * (1 - share))
    assert outcome.emissions["mass_tonnes"].sum() == pytest.approx(cap)


def test_zero_cap_turns_all_cargo_away() -> None:
    outcome = apply_caps(
        _emissions({"POLB_A": 365.0}), TEU, _caps([("terminal", "POLB_A", 0)]), FLAT
    )
    assert outcome.terminals["teu_turned_away"].iloc[0] == pytest.approx(1e6)
    assert outcome.terminals["teu_handled"].iloc[0] == 0
    assert outcome.terminals["binding_date"].iloc[0] == "2031-01-01"


def test_cap_that_never_binds_gives_the_baseline() -> None:
    emissions = _emissions({"POLB_A": 365.0})
    outcome = apply_caps(emissions, TEU, _caps([("terminal", "POLB_A", 1000.0)]), FLAT)
    assert outcome.terminals["teu_turned_away"].iloc[0] == 0
    assert outcome.terminals["binding_date"].iloc[0] is None
    pd.testing.assert_frame_equal(outcome.emissions, emissions)


def test_technology_is_taken_cheapest_first_before_turn_away() -> None:
    options = pd.DataFrame(
        {
            "terminal": ["POLB_A", "POLB_A"],
            "measure": ["expensive", "cheap"],
            "pollutant": ["nox", "nox"],
            "reduction_tonnes": [100.0, 50.0],
            "cost_usd": [1_000_000.0, 100_000.0],  # $10,000/t and $2,000/t
        }
    )
    # 365 t against a cap of 250: cheap 50 t whole, then 65 t of the expensive one
    outcome = apply_caps(
        _emissions({"POLB_A": 365.0}),
        TEU,
        _caps([("terminal", "POLB_A", 250.0)]),
        FLAT,
        options=options,
    )
    assert outcome.terminals["teu_turned_away"].iloc[0] == pytest.approx(0.0, abs=1e-6)
    taken = outcome.measures.set_index("measure")
    assert taken.loc["cheap", "share_taken"] == pytest.approx(1.0)
    assert taken.loc["expensive", "share_taken"] == pytest.approx(0.65)
    assert outcome.measures["cost_usd"].sum() == pytest.approx(100_000 + 650_000)
    assert outcome.emissions["mass_tonnes"].sum() == pytest.approx(250.0)


def test_complex_cap_takes_the_rest_from_container_terminals_only() -> None:
    emissions = pd.concat(
        [_emissions({"POLB_A": 300.0, "POLB_B": 100.0}), _emissions({"other": 100.0})]
    )
    emissions.loc[emissions["terminal"] == "other", "port"] = "POLB"
    teu = pd.DataFrame(
        {"port": ["POLB", "POLB"], "terminal": ["POLB_A", "POLB_B"], "teu": [3e6, 1e6]}
    )
    outcome = apply_caps(emissions, teu, _caps([("complex", "complex", 300.0)]), FLAT)
    # 'other' keeps its 100 t; the two terminals share the remaining 200 t pro rata (factor 0.5)
    result = outcome.terminals.set_index("terminal")
    assert result.loc["POLB_A", "allowed_share"] == pytest.approx(0.5)
    assert result.loc["POLB_B", "teu_turned_away"] == pytest.approx(0.5e6)
    assert outcome.emissions["mass_tonnes"].sum() == pytest.approx(300.0)
    assert outcome.caps["met"].all()


def test_active_caps_take_the_latest_milestone_and_the_reference_year() -> None:
    reference = {2023: _emissions({"POLB_A": 400.0, "POLB_B": 100.0})}
    terminals = pd.DataFrame({"port": ["POLB", "POLB"], "terminal": ["POLB_A", "POLB_B"]})
    caps = [
        CapRecord(scope="each_container_terminal", pct_below=50, effective_year=2031),
        CapRecord(scope="each_container_terminal", pct_below=80, effective_year=2037),
        CapRecord(scope="complex", limit_tonnes=123.0, effective_year=2031),
    ]
    in_2031 = active_caps(caps, 2031, reference, terminals, base_year=2023)
    assert in_2031.set_index("target").loc["POLB_A", "cap_tonnes"] == pytest.approx(200.0)
    assert in_2031.set_index("target").loc["complex", "cap_tonnes"] == pytest.approx(123.0)
    in_2037 = active_caps(caps, 2037, reference, terminals, base_year=2023)
    assert in_2037.set_index("target").loc["POLB_B", "cap_tonnes"] == pytest.approx(20.0)
    assert active_caps(caps, 2030, reference, terminals, base_year=2023).empty


def test_binding_date_of_an_uneven_profile() -> None:
    weights = pd.Series(range(1, len(DAYS) + 1), index=DAYS, dtype=float)
    profile = weights / weights.sum()
    # half the year's activity is reached late in the year when activity grows
    assert binding_date(profile, 0.5) > "2031-08-01"
    assert binding_date(profile, 1.0) is None


def test_binding_cap_names_the_cap_that_bound() -> None:
    emissions = _emissions({"POLB_A": 300.0, "POLB_B": 100.0, "POLB_C": 10.0})
    teu = pd.DataFrame(
        {"port": "POLB", "terminal": ["POLB_A", "POLB_B", "POLB_C"], "teu": [3e6, 1e6, 1e5]}
    )
    caps = _caps(
        [
            ("terminal", "POLB_A", 200.0),
            ("terminal", "POLB_B", 150.0),
            ("terminal", "POLB_C", 50.0),
            ("complex", "complex", 250.0),
        ]
    )
    result = apply_caps(emissions, teu, caps, FLAT).terminals.set_index("terminal")
    # A is cut by its own cap first; B and C only by the complex cap (260 t > 250 t)
    assert result.loc["POLB_A", "binding_cap"] == "terminal POLB_A nox"
    assert result.loc["POLB_B", "binding_cap"] == "complex complex nox"
    assert result.loc["POLB_C", "binding_cap"] == "complex complex nox"
    loose = apply_caps(emissions, teu, _caps([("complex", "complex", 1e6)]), FLAT).terminals
    assert loose["binding_cap"].isna().all()


def test_measures_of_one_source_cut_its_rows_together_and_carry_over_between_caps() -> None:
    emissions = pd.DataFrame(
        {
            "year": 2031,
            "port": "POLB",
            "terminal": "POLB_A",
            "source": "truck",
            "mode": ["drayage", "idle"],
            "engine": "diesel",
            "pollutant": "nox",
            "mass_tonnes": [60.0, 40.0],
        }
    )
    options = pd.DataFrame(
        {
            "port": "POLB",
            "terminal": "POLB_A",
            "measure": ["cheap", "dear"],
            "source": "truck",
            "pollutant": "nox",
            "reduction_tonnes": [30.0, 20.0],
            "cost_usd": [30_000.0, 100_000.0],
        }
    )
    caps = _caps([("terminal", "POLB_A", 80.0), ("complex", "complex", 60.0)])
    outcome = apply_caps(emissions, TEU, caps, FLAT, options=options)
    # the terminal cap takes 'cheap' in part (20 of 30 t); the complex cap takes the rest of
    # it (10 t) and half of 'dear' (10 t): 40 t from the truck rows, in proportion to them
    taken = outcome.measures.set_index("measure")["share_taken"]
    assert taken["cheap"] == pytest.approx(1.0)
    assert taken["dear"] == pytest.approx(0.5)
    assert outcome.emissions["mass_tonnes"].tolist() == pytest.approx([36.0, 24.0])
    assert outcome.terminals["teu_turned_away"].iloc[0] == pytest.approx(0.0, abs=1e-6)
    assert outcome.measures["cost_usd"].sum() == pytest.approx(30_000 + 50_000)
