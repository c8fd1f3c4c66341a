"""Points and fee worked by hand: WAIRE's worked example, the fee when no action is cheaper,
actions before the fee, and the fee revenue spent next year within the limit."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from portcap.baseline import load_activity_set
from portcap.errors import InputError
from portcap.policy.base import RegimeContext
from portcap.policy.points_fee import (
    PointsFeeParameters,
    annual_variable,
    choose_compliance,
    make_regime,
    points_obligation,
    waire_annual_variables,
)

CONTEXT = RegimeContext(
    base_year=2023,
    reference={},
    container_terminals=pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_T"]}),
)
NO_DAYS = pd.Series(dtype=float)


def _teu(teu: float) -> pd.DataFrame:
    return pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_T"], "teu": [teu]})


def _emissions(year: int, terminals: tuple[str, ...] = ("POLB_T",)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": year,
            "port": "POLB",
            "terminal": list(terminals),
            "source": "truck",
            "mode": "running",
            "engine": "diesel_2010",
            "pollutant": "nox",
            "mass_tonnes": 100.0,
        }
    )


def _option(terminal: str, measure: str, nox: float, cost: float, life: float = 5.0) -> dict:
    return {
        "terminal": terminal,
        "measure": measure,
        "source": "truck",
        "pollutant": "nox",
        "reduction_tonnes": nox,
        "cost_usd": cost,
        "life_years": life,
    }


# 24,000 TEU x 1 trip per TEU x 2.5 = 60,000 WATTs: the WAIRE worked example
WAIRE_EXAMPLE = {"truck_trips_per_teu": 1.0, "first_compliance_year": 2022}


@pytest.mark.parametrize(
    ("year", "points", "fee_only", "with_admin"),
    # policy notes §3 worked example [D]: 49.5 / 100.5 / 150 points; fee-only $49,500 /
    # $100,500 / $150,000; with the 6.25 % administrative fee $52,594 / $106,781 / $159,375
    [
        (2022, 49.5, 49_500.0, 52_594.0),
        (2023, 100.5, 100_500.0, 106_781.0),
        (2024, 150.0, 150_000.0, 159_375.0),
    ],
)
def test_waire_worked_example(year: int, points: float, fee_only: float, with_admin: float) -> None:
    parameters = PointsFeeParameters(**WAIRE_EXAMPLE)
    obligation = points_obligation(_teu(24_000.0), year, parameters, first_year=2022)
    assert obligation["weighted_truck_trips"].iloc[0] == pytest.approx(60_000.0)
    assert obligation["points_required"].iloc[0] == pytest.approx(points)
    # fee only (no options): the terminal pays points x fee x 1.0625
    regime = make_regime(parameters, CONTEXT)
    outcome = regime.step(year, _emissions(year), _teu(24_000.0), NO_DAYS, pd.DataFrame())
    fee = outcome.payments.loc[outcome.payments["kind"] == "fee", "usd"].sum()
    assert fee == pytest.approx(with_admin, abs=0.5)  # the notes round to the dollar
    assert outcome.indicators["fee_revenue_usd"] == pytest.approx(fee_only)


def test_fee_cost_is_points_times_fee_when_no_action_is_cheaper() -> None:
    # 100 points owed at $1,000 + 6.25 %; the action costs $2,000 a point (1 t NOx, 100
    # points per tonne, $200,000 a year): the fee is cheaper for every point
    options = pd.DataFrame([_option("POLB_T", "m", 1.0, 200_000.0)])
    obligation = pd.DataFrame({"terminal": ["POLB_T"], "points_required": [100.0]})
    actions, balance = choose_compliance(
        options,
        obligation,
        price_usd_per_point=1_062.5,
        points_per_weighted_tonne=100.0,
        weights={"nox": 1.0},
    )
    assert actions.empty
    assert balance["points_from_fee"].iloc[0] == pytest.approx(100.0)
    assert balance["fee_usd"].iloc[0] == pytest.approx(100.0 * 1_062.5)
    assert balance["action_cost_usd"].iloc[0] == 0.0


def test_actions_cheaper_than_the_fee_are_taken_first() -> None:
    # 100 points owed; fee $1,000 a point; 100 points per tonne. Actions:
    #   cheap:  0.3 t ->  30 points at $300 a point ($9,000)  -> taken whole
    #   middle: 1.0 t -> 100 points at $600 a point ($60,000) -> 70 points of it
    #   dear:   1.0 t -> 100 points at $1,500 a point         -> not taken
    # cost: 9,000 + 0.7 x 60,000 = $51,000; no fee
    options = pd.DataFrame(
        [
            _option("POLB_T", "dear", 1.0, 150_000.0),
            _option("POLB_T", "middle", 1.0, 60_000.0),
            _option("POLB_T", "cheap", 0.3, 9_000.0),
        ]
    )
    obligation = pd.DataFrame({"terminal": ["POLB_T"], "points_required": [100.0]})
    actions, balance = choose_compliance(
        options,
        obligation,
        price_usd_per_point=1_000.0,
        points_per_weighted_tonne=100.0,
        weights={"nox": 1.0},
    )
    shares = dict(zip(actions["measure"], actions["share_taken"], strict=True))
    assert shares == pytest.approx({"cheap": 1.0, "middle": 0.7})
    assert list(actions["measure"]) == ["cheap", "middle"]
    assert balance["action_cost_usd"].iloc[0] == pytest.approx(51_000.0)
    assert balance["fee_usd"].iloc[0] == 0.0
    # 250 points owed: both cheaper actions whole (130 points, $69,000), 120 points of fee
    obligation["points_required"] = 250.0
    actions, balance = choose_compliance(
        options,
        obligation,
        price_usd_per_point=1_000.0,
        points_per_weighted_tonne=100.0,
        weights={"nox": 1.0},
    )
    assert set(actions["measure"]) == {"cheap", "middle"}
    assert balance["action_cost_usd"].iloc[0] == pytest.approx(69_000.0)
    assert balance["fee_usd"].iloc[0] == pytest.approx(120_000.0)


def test_fee_revenue_is_spent_next_year_within_the_limit() -> None:
    # POLB_T owes 150 points (60,000 WATTs, third compliance year) and its only action costs
    # more than the fee: it pays 150 x $1,000 (+ admin). The fund gets $150,000 and spends it
    # the next year on projects at a terminal without an obligation (POLB_U): the one under
    # the $50,000-a-tonne limit (1 t, $40,000 a year, grant $200,000 over 5 years at 0 %),
    # not the one above it (2 t, $120,000 a year, $60,000 a tonne).
    parameters = PointsFeeParameters(
        **WAIRE_EXAMPLE,
        points_per_weighted_tonne=100.0,
        limit_usd_per_weighted_tonne=50_000.0,
        discount_rate=0.0,
        weights={"nox": 1.0},
    )
    options = pd.DataFrame(
        [
            _option("POLB_T", "dear", 1.0, 200_000.0),
            _option("POLB_U", "within", 1.0, 40_000.0),
            _option("POLB_U", "above", 2.0, 120_000.0),
        ]
    )
    regime = make_regime(parameters, CONTEXT)
    emissions = _emissions(2024, ("POLB_T", "POLB_U"))
    first = regime.step(2024, emissions, _teu(24_000.0), NO_DAYS, options)
    assert first.indicators["points_from_fee"] == pytest.approx(150.0)
    assert first.indicators["fee_revenue_usd"] == pytest.approx(150_000.0)
    assert first.indicators["budget_spent_usd"] == 0.0  # nothing to spend in the first year
    assert set(first.payments["kind"]) == {"fee"}

    second = regime.step(2025, emissions.assign(year=2025), _teu(24_000.0), NO_DAYS, options)
    grants = second.payments[second.payments["kind"] == "public_funding"]
    assert second.indicators["fund_available_usd"] == pytest.approx(150_000.0)
    assert grants["usd"].sum() == pytest.approx(150_000.0)  # 0.75 of the $200,000 grant
    assert list(grants["terminal"]) == ["POLB_U"]
    funded = second.measures[second.measures["terminal"] == "POLB_U"]
    assert list(funded["measure"]) == ["within"]
    assert funded["cost_usd"].iloc[0] / funded["reduction_tonnes"].iloc[0] <= 50_000.0
    assert funded["reduction_tonnes"].iloc[0] == pytest.approx(0.75)
    # the fund holds the 2025 fees for 2026
    assert second.indicators["fund_balance_usd"] == pytest.approx(150_000.0)


def test_no_obligation_before_the_first_compliance_year_and_below_de_minimis() -> None:
    parameters = PointsFeeParameters(**WAIRE_EXAMPLE)
    before = points_obligation(_teu(24_000.0), 2021, parameters, first_year=2022)
    assert before["points_required"].iloc[0] == 0.0
    # 1,000 TEU -> 2,500 WATTs -> 6.25 points in the third year: below 10, owes nothing
    small = points_obligation(_teu(1_000.0), 2024, parameters, first_year=2022)
    assert small["points_required"].iloc[0] == 0.0


def test_annual_variable_follows_the_phase_in() -> None:
    assert waire_annual_variables() == (0.33, 0.67, 1.0)
    years = [annual_variable(y, first_year=2031) for y in range(2029, 2036)]
    assert years == [0.0, 0.0, 0.33, 0.67, 1.0, 1.0, 1.0]


def test_truck_trips_per_teu_matches_the_baseline() -> None:
    # default = legs per box x (1 - on-dock rail share) / TEU per box of the 2023 baseline
    activity = load_activity_set()
    expected = (
        activity.parameter(2023, "POLB", "truck_legs_per_box")
        * (1.0 - activity.parameter(2023, "POLB", "on_dock_rail_share"))
        / activity.parameter(2023, "POLB", "teu_per_box")
    )
    assert PointsFeeParameters().truck_trips_per_teu == pytest.approx(expected)


def test_default_points_per_tonne_prices_a_point_at_the_moyer_zero_emission_limit() -> None:
    parameters = PointsFeeParameters()
    # $522,000 per weighted short ton / $1,000 per point
    assert parameters.points_per_weighted_tonne == pytest.approx(522_000 / 0.90718474 / 1_000)
    assert parameters.fee_usd_per_point == 1_000.0
    assert parameters.stringency_points_per_weighted_trip == 0.0025


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stringency_points_per_weighted_trip": -0.001}, "stringency_points_per_weighted_trip"),
        ({"fee_usd_per_point": -1.0}, "fee_usd_per_point"),
        ({"limit_usd_per_weighted_tonne": -1.0}, "limit_usd_per_weighted_tonne"),
        ({"points_per_weighted_tonne": 0.0}, "points_per_weighted_tonne must be > 0"),
        ({"annual_variable": (0.33, 1.0, 0.67)}, "must not decrease"),
        ({"annual_variable": (0.5, 1.5)}, "between 0 and 1"),
        ({"admin_fee_share": 1.5}, "admin_fee_share"),
        ({"fee": 1.0}, "Extra inputs"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PointsFeeParameters(**kwargs)


def test_negative_price_is_refused() -> None:
    with pytest.raises(InputError, match="price_usd_per_point"):
        choose_compliance(
            pd.DataFrame([_option("POLB_T", "m", 1.0, 1.0)]),
            pd.DataFrame({"terminal": ["POLB_T"], "points_required": [1.0]}),
            price_usd_per_point=-1.0,
            points_per_weighted_tonne=1.0,
            weights={"nox": 1.0},
        )
