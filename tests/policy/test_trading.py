"""Emissions trading worked by hand: clearing price, ceiling, banking, allocation, turn-away.

The hand-checkable market: two terminals A and B with linear marginal abatement costs of
$1,000/t and $3,000/t per tonne cut, given as 1-tonne steps priced at their upper end
(step k of A costs 1,000 k USD/t, step k of B 3,000 k). A cut R shared at equal marginal
cost gives q_A = 3 R / 4, q_B = R / 4 and the price 1,000 q_A = 750 R; for R = 40 t:
q_A = 30 t, q_B = 10 t, price $30,000/t (exact on the 1-tonne grid).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap import factors
from portcap.errors import InputError
from portcap.policy.base import PAYMENT_KINDS, RegimeContext
from portcap.policy.trading import (
    INDICATORS,
    TradingParameters,
    allocate_allowances,
    allowance_path_pct_below,
    clearing_price,
    make_regime,
    market_curves,
)

DAYS = pd.date_range("2031-01-01", "2031-12-31")
FLAT = pd.Series(1.0 / len(DAYS), index=DAYS)
TERMINALS = pd.DataFrame({"port": ["POLB", "POLB"], "terminal": ["POLB_A", "POLB_B"]})
TEU = pd.DataFrame({"port": ["POLB", "POLB"], "terminal": ["POLB_A", "POLB_B"], "teu": [3e6, 1e6]})
SLOPES = {"POLB_A": 1_000.0, "POLB_B": 3_000.0}  # USD/t per tonne cut


def _emissions(tonnes: dict[str, float], year: int = 2031) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "year": year,
                "port": "POLB",
                "terminal": terminal,
                "source": "cargo_handling",
                "mode": "yard_tractor",
                "engine": "diesel",
                "pollutant": "nox",
                "mass_tonnes": value,
            }
            for terminal, value in tonnes.items()
        ]
    )


def _linear_options(steps: dict[str, int], year: int = 2031) -> pd.DataFrame:
    """1-tonne steps of the linear marginal cost curves, as abatement_options rows."""
    rows = [
        {
            "year": year,
            "port": "POLB",
            "terminal": terminal,
            "measure": f"step_{k:03d}",
            "pollutant": "nox",
            "reduction_tonnes": 1.0,
            "cost_usd": SLOPES[terminal] * k,  # whole step: 1 t at slope x k USD/t
        }
        for terminal, n in steps.items()
        for k in range(1, n + 1)
    ]
    columns = ["year", "port", "terminal", "measure", "pollutant", "reduction_tonnes", "cost_usd"]
    options = pd.DataFrame(rows, columns=columns)
    options["cost_per_tonne_usd"] = options["cost_usd"] / options["reduction_tonnes"]
    return options


def _context(reference: dict[str, float] | None = None) -> RegimeContext:
    return RegimeContext(
        base_year=2023,
        reference={2023: _emissions(reference or {"POLB_A": 60.0, "POLB_B": 60.0}, 2023)},
        container_terminals=TERMINALS,
    )


def _parameters(**changes: object) -> TradingParameters:
    # 50 % below 2023 from 2031 (step path): 60 t of allowances, 30 t to each terminal
    values: dict[str, object] = {
        "milestones": {2031: 50.0},
        "path": "step",
        "ceiling_usd_per_tonne": None,
    }
    values.update(changes)
    return TradingParameters.model_validate(values)


def _curves(cut_a: int = 40, cut_b: int = 40) -> pd.DataFrame:
    return market_curves(_linear_options({"POLB_A": cut_a, "POLB_B": cut_b}), list(SLOPES), "nox")


# --------------------------------------------------------------------------------------
# The clearing price
# --------------------------------------------------------------------------------------
def test_two_linear_terminals_clear_at_the_marginal_cost_of_the_cap() -> None:
    # 70 + 30 = 100 t against 60 t of allowances: a cut of 40 t
    regime = make_regime(_parameters(), _context())
    outcome = regime.step(
        2031,
        _emissions({"POLB_A": 70.0, "POLB_B": 30.0}),
        TEU,
        FLAT,
        _linear_options({"POLB_A": 40, "POLB_B": 40}),
    )
    indicators = outcome.indicators
    assert indicators["allowance_price_usd_per_tonne"] == pytest.approx(30_000.0)
    assert indicators["abatement_tonnes"] == pytest.approx(40.0)  # = the required cut
    assert indicators["required_cut_tonnes"] == pytest.approx(40.0)
    assert indicators["shortfall_tonnes"] == 0.0
    assert outcome.emissions["mass_tonnes"].sum() == pytest.approx(60.0)
    # equal marginal costs: A takes its steps 1-30 (last at $30,000), B its steps 1-10
    taken = outcome.measures.groupby("terminal")["reduction_tonnes"].sum()
    assert taken["POLB_A"] == pytest.approx(30.0)
    assert taken["POLB_B"] == pytest.approx(10.0)
    # cost: 1,000 x (1 + ... + 30) + 3,000 x (1 + ... + 10) = 465,000 + 165,000
    assert indicators["abatement_cost_usd"] == pytest.approx(630_000.0)
    # A emits 40 t against 30 t allocated: buys 10 t from B (20 t against 30 t) at $30,000
    payments = outcome.payments.set_index("terminal")
    assert payments.loc["POLB_A", "kind"] == "allowance_purchase"
    assert payments.loc["POLB_A", "usd"] == pytest.approx(300_000.0)
    assert payments.loc["POLB_B", "kind"] == "allowance_sale"
    assert payments.loc["POLB_B", "usd"] == pytest.approx(-300_000.0)
    assert set(outcome.payments["kind"]) <= set(PAYMENT_KINDS)
    assert outcome.terminals["teu_turned_away"].sum() == 0.0
    assert outcome.caps["met"].all()
    assert set(INDICATORS) <= set(indicators)


def test_trading_is_cheaper_than_each_terminal_meeting_its_own_allocation() -> None:
    # command and control: A cuts 40 t alone (1,000 x (1 + ... + 40) = 820,000), B nothing
    regime = make_regime(_parameters(), _context())
    outcome = regime.step(
        2031,
        _emissions({"POLB_A": 70.0, "POLB_B": 30.0}),
        TEU,
        FLAT,
        _linear_options({"POLB_A": 40, "POLB_B": 40}),
    )
    assert outcome.indicators["abatement_cost_usd"] == pytest.approx(630_000.0)
    assert outcome.indicators["abatement_cost_usd"] < 1_000 * sum(range(1, 41))


def test_allocation_by_teu_moves_money_not_the_price_or_the_abatement() -> None:
    # TEU 3:1 -> A holds 45 t and B 15 t; A emits 40 t (sells 5), B 20 t (buys 5)
    regime = make_regime(_parameters(allocation="teu"), _context())
    outcome = regime.step(
        2031,
        _emissions({"POLB_A": 70.0, "POLB_B": 30.0}),
        TEU,
        FLAT,
        _linear_options({"POLB_A": 40, "POLB_B": 40}),
    )
    assert outcome.indicators["allowance_price_usd_per_tonne"] == pytest.approx(30_000.0)
    assert outcome.indicators["abatement_tonnes"] == pytest.approx(40.0)
    payments = outcome.payments.set_index("terminal")["usd"]
    assert payments["POLB_A"] == pytest.approx(-5 * 30_000.0)
    assert payments["POLB_B"] == pytest.approx(5 * 30_000.0)
    ledger = regime.ledger().set_index("terminal")
    assert ledger.loc["POLB_A", "allocated_tonnes"] == pytest.approx(45.0)


def test_non_binding_cap_clears_at_zero() -> None:
    emissions = _emissions({"POLB_A": 30.0, "POLB_B": 20.0})  # 50 t under 60 t
    regime = make_regime(_parameters(), _context())
    outcome = regime.step(2031, emissions, TEU, FLAT, _linear_options({"POLB_A": 40}))
    assert outcome.indicators["allowance_price_usd_per_tonne"] == 0.0
    assert outcome.indicators["abatement_tonnes"] == 0.0
    assert outcome.measures.empty
    assert outcome.payments.empty
    pd.testing.assert_frame_equal(outcome.emissions, emissions)
    assert clearing_price(_curves(), 0.0, ceiling_usd_per_tonne=None) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("ceiling", "price", "shortfall"),
    [
        # steps at or below the ceiling c: floor(c / 1,000) of A and floor(c / 3,000) of B
        (5_000.0, 5_000.0, 40.0 - 5 - 1),
        (12_000.0, 12_000.0, 40.0 - 12 - 4),
        (29_999.0, 29_999.0, 40.0 - 29 - 9),
        (30_000.0, 30_000.0, 0.0),  # exactly the clearing price: met by abatement
        (50_000.0, 30_000.0, 0.0),  # a ceiling above the price does nothing
        (None, 30_000.0, 0.0),
    ],
)
def test_price_never_exceeds_the_ceiling_and_the_shortfall_is_reported(
    ceiling: float | None, price: float, shortfall: float
) -> None:
    assert clearing_price(_curves(), 40.0, ceiling_usd_per_tonne=ceiling) == (
        pytest.approx(price),
        pytest.approx(shortfall),
    )


def test_ceiling_in_the_regime_buys_the_shortfall_and_turns_nothing_away() -> None:
    regime = make_regime(_parameters(ceiling_usd_per_tonne=12_000.0), _context())
    outcome = regime.step(
        2031,
        _emissions({"POLB_A": 70.0, "POLB_B": 30.0}),
        TEU,
        FLAT,
        _linear_options({"POLB_A": 40, "POLB_B": 40}),
    )
    indicators = outcome.indicators
    assert indicators["allowance_price_usd_per_tonne"] == 12_000.0
    assert indicators["abatement_tonnes"] == pytest.approx(16.0)  # 12 t of A, 4 t of B
    assert indicators["shortfall_tonnes"] == pytest.approx(24.0)
    assert indicators["ceiling_purchase_tonnes"] == pytest.approx(24.0)
    assert indicators["turn_away_tonnes"] == 0.0
    assert outcome.terminals["teu_turned_away"].sum() == 0.0
    assert outcome.emissions["mass_tonnes"].sum() == pytest.approx(60.0 + 24.0)
    # the terminals pay the regulator the ceiling price for the shortfall
    assert outcome.payments["usd"].sum() == pytest.approx(12_000.0 * 24.0)
    assert not outcome.caps["met"].iloc[0]


def test_curves_without_terminals_and_in_any_order_of_terminals() -> None:
    curves = _curves().sample(frac=1.0, random_state=1)
    curves = curves.sort_values("cost_per_tonne_usd", kind="mergesort")  # monotone per row
    assert clearing_price(curves, 40.0, ceiling_usd_per_tonne=None)[0] == 30_000.0
    single = pd.DataFrame({"reduction_tonnes": [5.0, 5.0], "cost_per_tonne_usd": [10.0, 20.0]})
    assert clearing_price(single, 6.0, ceiling_usd_per_tonne=None) == (20.0, 0.0)
    # all abatement runs out and there is no ceiling: dearest step, shortfall left over
    assert clearing_price(single, 12.0, ceiling_usd_per_tonne=None) == (20.0, 2.0)


# --------------------------------------------------------------------------------------
# Banking
# --------------------------------------------------------------------------------------
def test_banking_carries_unused_allowances_to_a_later_year() -> None:
    options = _linear_options({"POLB_A": 40, "POLB_B": 40})
    banked = make_regime(_parameters(banking=True), _context())
    first = banked.step(2031, _emissions({"POLB_A": 30.0, "POLB_B": 20.0}), TEU, FLAT, options)
    assert first.indicators["banked_tonnes"] == pytest.approx(10.0)  # 60 - 50
    # 2032: 70 t against 60 t + 10 t banked: no cut needed
    second = banked.step(
        2032, _emissions({"POLB_A": 50.0, "POLB_B": 20.0}, 2032), TEU, FLAT, options
    )
    assert second.indicators["bank_used_tonnes"] == pytest.approx(10.0)
    assert second.indicators["allowance_price_usd_per_tonne"] == 0.0
    assert second.indicators["banked_tonnes"] == pytest.approx(0.0)

    unbanked = make_regime(_parameters(), _context())
    unbanked.step(2031, _emissions({"POLB_A": 30.0, "POLB_B": 20.0}), TEU, FLAT, options)
    without = unbanked.step(
        2032, _emissions({"POLB_A": 50.0, "POLB_B": 20.0}, 2032), TEU, FLAT, options
    )
    # a cut of 10 t: steps in cost order A1 1k, A2 2k, A3 3k, B1 3k, A4 4k, A5 5k, A6 6k,
    # B2 6k, A7 7k, A8 8k -> the 10th step sets the price
    assert without.indicators["banked_tonnes"] == 0.0
    assert without.indicators["allowance_price_usd_per_tonne"] == pytest.approx(8_000.0)
    assert without.indicators["abatement_tonnes"] == pytest.approx(10.0)


def test_banked_allowances_expire_after_their_life() -> None:
    regime = make_regime(_parameters(banking=True, bank_life_years=1), _context())
    low = {"POLB_A": 30.0, "POLB_B": 20.0}  # 10 t under the 60 t each year
    for year in (2031, 2032):
        outcome = regime.step(year, _emissions(low, year), TEU, FLAT, _linear_options({}))
    assert outcome.indicators["banked_tonnes"] == pytest.approx(20.0)
    outcome = regime.step(2033, _emissions(low, 2033), TEU, FLAT, _linear_options({}))
    # the 2031 vintage (2033 - 2031 = 2 > 1 year) expires; 2032's stays, 2033's is added
    assert outcome.indicators["bank_expired_tonnes"] == pytest.approx(10.0)
    assert outcome.indicators["banked_tonnes"] == pytest.approx(20.0)


# --------------------------------------------------------------------------------------
# Turn-away only when the whole market runs out of abatement and there is no ceiling
# --------------------------------------------------------------------------------------
def test_turn_away_only_when_all_abatement_is_exhausted_and_there_is_no_ceiling() -> None:
    # A has 10 one-tonne steps (up to $10,000/t), B none: 40 t needed, 10 t available
    emissions = pd.concat(
        [_emissions({"POLB_A": 70.0, "POLB_B": 30.0}), _emissions({"other": 50.0})],
        ignore_index=True,
    )
    regime = make_regime(_parameters(), _context())
    outcome = regime.step(2031, emissions, TEU, FLAT, _linear_options({"POLB_A": 10}))
    indicators = outcome.indicators
    assert indicators["abatement_tonnes"] == pytest.approx(10.0)
    assert indicators["shortfall_tonnes"] == pytest.approx(30.0)
    assert indicators["turn_away_tonnes"] == pytest.approx(30.0)
    assert indicators["allowance_price_usd_per_tonne"] == pytest.approx(10_000.0)
    # after abatement A 60 + B 30 = 90 t against 60 t: both keep 60 / 90 of their cargo
    result = outcome.terminals.set_index("terminal")
    assert result["allowed_share"].to_numpy() == pytest.approx([2 / 3, 2 / 3])
    assert result.loc["POLB_A", "teu_turned_away"] == pytest.approx(1e6)
    assert (result["binding_cap"] == "market nox").all()
    after = outcome.emissions.groupby("terminal")["mass_tonnes"].sum()
    assert after["other"] == pytest.approx(50.0)  # not in the market, not turned away
    assert after[["POLB_A", "POLB_B"]].sum() == pytest.approx(60.0)
    assert outcome.payments["usd"].sum() == pytest.approx(0.0, abs=1e-6)


def test_ceiling_instead_of_turn_away_when_abatement_runs_out() -> None:
    regime = make_regime(_parameters(ceiling_usd_per_tonne=50_000.0), _context())
    outcome = regime.step(
        2031,
        _emissions({"POLB_A": 70.0, "POLB_B": 30.0}),
        TEU,
        FLAT,
        _linear_options({"POLB_A": 10}),
    )
    assert outcome.indicators["allowance_price_usd_per_tonne"] == 50_000.0
    assert outcome.indicators["turn_away_tonnes"] == 0.0
    assert outcome.terminals["teu_turned_away"].sum() == 0.0


# --------------------------------------------------------------------------------------
# The cap path and the allocation
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "linear", "step"),
    [
        (2026, None, None),
        (2027, 0.0, None),
        (2029, 25.0, None),  # halfway from 0 % (2027) to 50 % (2031)
        (2031, 50.0, 50.0),
        (2034, 65.0, 50.0),  # halfway from 50 % (2031) to 80 % (2037)
        (2037, 80.0, 80.0),
        (2045, 80.0, 80.0),
    ],
)
def test_cap_path_linear_glide_and_steps(
    year: int, linear: float | None, step: float | None
) -> None:
    defaults = TradingParameters()
    assert defaults.milestones == {2031: 50.0, 2037: 80.0}
    assert (
        allowance_path_pct_below(
            year, defaults.milestones, glide_start_year=defaults.glide_start_year
        )
        == linear
    )
    assert allowance_path_pct_below(year, defaults.milestones, path="step") == step


def test_before_the_market_starts_nothing_happens() -> None:
    emissions = _emissions({"POLB_A": 70.0, "POLB_B": 30.0}, 2030)
    regime = make_regime(_parameters(), _context())
    outcome = regime.step(2030, emissions, TEU, FLAT, _linear_options({"POLB_A": 40}))
    assert outcome.indicators["market_in_force"] == 0.0
    assert outcome.measures.empty
    pd.testing.assert_frame_equal(outcome.emissions, emissions)


def test_grandfathered_allocation_follows_the_reference_year() -> None:
    reference = _emissions({"POLB_A": 90.0, "POLB_B": 30.0, "other": 500.0}, 2023)
    table = allocate_allowances(60.0, TERMINALS, reference_emissions=reference)
    assert table["allocated_tonnes"].to_numpy() == pytest.approx([45.0, 15.0])
    by_teu = allocate_allowances(60.0, TERMINALS, rule="teu", teu=TEU)
    assert by_teu["allocation_share"].to_numpy() == pytest.approx([0.75, 0.25])


def test_default_regime_allocates_50_percent_below_2023_in_2031() -> None:
    regime = make_regime(TradingParameters(), _context({"POLB_A": 90.0, "POLB_B": 30.0}))
    assert regime.allowances_tonnes(2031) == pytest.approx(60.0)
    assert regime.allowances_tonnes(2037) == pytest.approx(24.0)
    # default ceiling: $100,000 per short ton = 100,000 x 1.10231 per tonne
    assert TradingParameters().ceiling_usd_per_tonne == pytest.approx(110_231.13, abs=0.01)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ceiling_usd_per_tonne": -5.0}, "positive price"),
        ({"ceiling_usd_per_tonne": 0.0}, "positive price"),
        ({"milestones": {2031: -10.0}}, "stringency"),
        ({"milestones": {2031: 100.0}}, "allocates no allowances"),
        ({"milestones": {2031: 80.0, 2037: 50.0}}, "must not fall"),
        ({"milestones": {}}, "at least one"),
        ({"glide_start_year": 2031}, "before the first milestone"),
        ({"pollutant": "smog"}, "unknown trading pollutant"),
        ({"allocation": "auction"}, "allocation"),
        ({"bank_life_years": 0}, "bank_life_years"),
        ({"budget": 1.0}, "extra"),
    ],
)
def test_bad_parameters_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TradingParameters.model_validate(changes)


def test_no_allowances_allocated_is_refused_before_running() -> None:
    context = _context({"POLB_A": 0.0, "POLB_B": 0.0})
    with pytest.raises(InputError, match="no allowances allocated"):
        make_regime(TradingParameters(), context)
    empty = RegimeContext(2023, {2023: _emissions({}, 2023)}, TERMINALS.iloc[:0])
    with pytest.raises(InputError, match="no container terminals"):
        make_regime(TradingParameters(), empty)
    with pytest.raises(InputError, match="reference year 2020"):
        make_regime(TradingParameters(reference_year=2020), _context())
    with pytest.raises(InputError, match="no allowances allocated"):
        allocate_allowances(10.0, TERMINALS, rule="teu", teu=TEU.assign(teu=0.0))


def test_non_monotone_or_negative_curves_are_refused() -> None:
    falling = pd.DataFrame(
        {
            "terminal": ["A", "A", "B"],
            "reduction_tonnes": [1.0, 1.0, 1.0],
            "cost_per_tonne_usd": [200.0, 100.0, 50.0],
        }
    )
    with pytest.raises(InputError, match="terminal 'A' is not monotone"):
        clearing_price(falling, 1.0, ceiling_usd_per_tonne=None)
    negative = falling.assign(cost_per_tonne_usd=[-1.0, 0.0, 1.0])
    with pytest.raises(InputError, match="finite and >= 0"):
        clearing_price(negative, 1.0, ceiling_usd_per_tonne=None)
    with pytest.raises(InputError, match="required cut"):
        clearing_price(_curves(), -1.0, ceiling_usd_per_tonne=None)
    with pytest.raises(InputError, match="price ceiling"):
        clearing_price(_curves(), 1.0, ceiling_usd_per_tonne=-1.0)
    with pytest.raises(InputError, match="missing column"):
        clearing_price(falling.drop(columns="reduction_tonnes"), 1.0, ceiling_usd_per_tonne=None)


def test_steps_must_come_in_increasing_years() -> None:
    regime = make_regime(_parameters(), _context())
    regime.step(2031, _emissions({"POLB_A": 30.0}), TEU, FLAT, _linear_options({}))
    with pytest.raises(ValueError, match="increasing years"):
        regime.step(2031, _emissions({"POLB_A": 30.0}), TEU, FLAT, _linear_options({}))


def test_every_default_cites_a_known_source() -> None:
    known = set(factors.load_table("sources")["source_id"])
    for name, field in TradingParameters.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict), name
        assert set(extra["source_ids"]) <= known, name  # type: ignore[arg-type]
        assert field.description, name


# --------------------------------------------------------------------------------------
# On the packaged San Pedro Bay baseline (invariants, not values)
# --------------------------------------------------------------------------------------
def test_market_on_the_projected_2031_inventory_keeps_its_books() -> None:
    from portcap import forecast
    from portcap.baseline import load_activity_set
    from portcap.policy import technology
    from portcap.port_inventory import port_inventory

    activity = load_activity_set()
    terminals = activity["terminals"]
    container = terminals.loc[terminals["kind"] == "container", ["port", "terminal"]]
    context = RegimeContext(
        2023, {2023: port_inventory(2023, activity_set=activity).emissions}, container
    )
    projected = forecast.project_activity(
        activity, 2031, forecast.ForecastParameters(), base_year=2023
    )
    emissions = port_inventory(2031, activity_set=projected).emissions
    options = technology.abatement_options(emissions, year=2031)
    teu = forecast.teu_demand(activity, [2031], forecast.ForecastParameters())
    teu = teu[teu["terminal"].isin(container["terminal"])][["port", "terminal", "teu"]]
    parameters = TradingParameters()
    regime = make_regime(parameters, context)
    outcome = regime.step(2031, emissions, teu, forecast.daily_profile(2031), options)
    indicators = outcome.indicators
    ceiling = parameters.ceiling_usd_per_tonne
    assert ceiling is not None
    assert 0.0 <= indicators["allowance_price_usd_per_tonne"] <= ceiling
    covered = outcome.emissions["terminal"].isin(container["terminal"]) & (
        outcome.emissions["pollutant"] == "nox"
    )
    after = float(outcome.emissions.loc[covered, "mass_tonnes"].sum())
    # emissions after = allowances + what was bought at the ceiling (no bank by default)
    assert after <= indicators["allowances_tonnes"] + indicators["shortfall_tonnes"] + 1e-6
    assert indicators["covered_emissions_tonnes"] - indicators["abatement_tonnes"] == (
        pytest.approx(after)
    )
    # trades among terminals net out; only the ceiling purchases leave the market
    assert outcome.payments["usd"].sum() == pytest.approx(
        indicators["allowance_price_usd_per_tonne"] * indicators["ceiling_purchase_tonnes"],
        rel=1e-9,
    )
    assert outcome.terminals["teu_turned_away"].sum() == 0.0
    nox_supply = options.loc[
        (options["pollutant"] == "nox") & options["terminal"].isin(container["terminal"]),
        "reduction_tonnes",
    ].sum()
    assert indicators["abatement_tonnes"] <= nox_supply + 1e-6
    assert np.isfinite(list(indicators.values())).all()
