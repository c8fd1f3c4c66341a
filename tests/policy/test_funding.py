"""Technology funding worked by hand: the allocation against brute force, the budget, the
limit, grants, and projects that last their lives without being bought twice."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap.errors import InputError
from portcap.policy import technology
from portcap.policy.base import RegimeContext
from portcap.policy.funding import (
    FundingParameters,
    allocate_budget,
    make_regime,
    moyer_limit_usd_per_weighted_tonne,
    moyer_weights,
    weighted_tonnes,
    with_grants,
)

NOX_ONLY = {"nox": 1.0}
CONTEXT = RegimeContext(
    base_year=2023,
    reference={},
    container_terminals=pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_T"]}),
)
TEU = pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_T"], "teu": [1_000_000.0]})


def _options(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """One-pollutant options: (measure, NOx cut [t/year], cost [USD/year]) at one terminal."""
    return pd.DataFrame(
        {
            "terminal": "POLB_T",
            "measure": [r[0] for r in rows],
            "pollutant": "nox",
            "reduction_tonnes": [r[1] for r in rows],
            "cost_usd": [r[2] for r in rows],
        }
    )


# four projects, cost-effectiveness 100, 150, 200, 400 USD per tonne
FOUR = [("a", 10.0, 1_000.0), ("b", 20.0, 3_000.0), ("c", 5.0, 1_000.0), ("d", 8.0, 3_200.0)]


def _best_divisible(projects: list[tuple[str, float, float]], budget: float) -> float:
    """Brute force over the vertices of {sum c x <= B, 0 <= x <= 1}: every subset taken
    whole, plus at most one more project taken in part with what is left."""
    best = 0.0
    for size in range(len(projects) + 1):
        for subset in itertools.combinations(range(len(projects)), size):
            cost = sum(projects[i][2] for i in subset)
            if cost > budget:
                continue
            tonnes = sum(projects[i][1] for i in subset)
            best = max(best, tonnes)
            for j in set(range(len(projects))) - set(subset):
                share = min(1.0, (budget - cost) / projects[j][2])
                best = max(best, tonnes + share * projects[j][1])
    return best


def _best_whole(projects: list[tuple[str, float, float]], budget: float) -> float:
    """Brute force over all 2^n subsets of whole projects."""
    best = 0.0
    for size in range(len(projects) + 1):
        for subset in itertools.combinations(range(len(projects)), size):
            if sum(projects[i][2] for i in subset) <= budget:
                best = max(best, sum(projects[i][1] for i in subset))
    return best


@pytest.mark.parametrize("budget", [0.0, 500.0, 1_000.0, 2_500.0, 4_000.0, 6_100.0, 1e6])
def test_divisible_allocation_equals_brute_force(budget: float) -> None:
    allocation = allocate_budget(
        _options(FOUR), budget, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY
    )
    best = _best_divisible(FOUR, budget)
    # solver tolerance: HiGHS primal feasibility 1e-7 on a problem scaled to the budget
    assert allocation["weighted_tonnes"].sum() == pytest.approx(best, rel=1e-7, abs=1e-9)
    assert allocation["grant_usd"].sum() <= budget * (1 + 1e-12)


def test_divisible_allocation_takes_projects_in_merit_order() -> None:
    # $4,500: a ($1,000, 10 t) and b ($3,000, 20 t) whole, then half of c ($1,000, 5 t)
    allocation = allocate_budget(
        _options(FOUR), 4_500.0, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY
    )
    shares = dict(zip(allocation["measure"], allocation["share_taken"], strict=True))
    assert shares == pytest.approx({"a": 1.0, "b": 1.0, "c": 0.5})
    assert list(allocation["measure"]) == ["a", "b", "c"]
    assert allocation["weighted_tonnes"].sum() == pytest.approx(32.5)


def test_whole_projects_beat_the_greedy_order() -> None:
    # budget 10: greedy by tonnes per dollar takes x (1.5 t/$) and then nothing fits: 9 t;
    # the 0-1 optimum is y + z: 14 t
    projects = [("x", 9.0, 6.0), ("y", 7.0, 5.0), ("z", 7.0, 5.0)]
    allocation = allocate_budget(
        _options(projects),
        10.0,
        limit_usd_per_weighted_tonne=None,
        weights=NOX_ONLY,
        divisible=False,
    )
    assert set(allocation["measure"]) == {"y", "z"}
    assert allocation["weighted_tonnes"].sum() == pytest.approx(_best_whole(projects, 10.0))
    assert set(allocation["share_taken"]) == {1.0}


@pytest.mark.parametrize("budget", [0.0, 999.0, 1_000.0, 4_000.0, 4_200.0, 7_300.0, 1e6])
def test_whole_project_allocation_equals_brute_force(budget: float) -> None:
    allocation = allocate_budget(
        _options(FOUR), budget, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY, divisible=False
    )
    assert allocation["weighted_tonnes"].sum() == pytest.approx(_best_whole(FOUR, budget))
    assert allocation["grant_usd"].sum() <= budget


@pytest.mark.parametrize("budget", [0.0, 1.0, 1234.5, 5e4, 3e6, 1e12])
@pytest.mark.parametrize("divisible", [True, False])
def test_budget_is_never_exceeded(budget: float, divisible: bool) -> None:
    rng = np.random.default_rng(7)
    options = pd.DataFrame(
        {
            "terminal": [f"T{i % 5}" for i in range(40)],
            "measure": [f"m{i}" for i in range(40)],
            "pollutant": "nox",
            "reduction_tonnes": rng.uniform(0.1, 50.0, 40),
            "cost_usd": rng.uniform(1e3, 1e6, 40),
        }
    )
    options["grant_usd"] = options["cost_usd"] * rng.uniform(5.0, 15.0, 40)
    allocation = allocate_budget(
        options, budget, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY, divisible=divisible
    )
    assert allocation["grant_usd"].sum() <= budget
    assert (allocation["share_taken"] > 0).all()
    assert (allocation["share_taken"] <= 1).all()


def test_limit_excludes_projects_above_it() -> None:
    # limit $200/t: a (100), b (150), c (200, exactly at the limit) eligible; d (400) not
    allocation = allocate_budget(
        _options(FOUR), 1e9, limit_usd_per_weighted_tonne=200.0, weights=NOX_ONLY
    )
    assert set(allocation["measure"]) == {"a", "b", "c"}
    assert (allocation["cost_usd"] / allocation["weighted_tonnes"] <= 200.0 + 1e-9).all()
    # with no limit the money buys d too
    unlimited = allocate_budget(
        _options(FOUR), 1e9, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY
    )
    assert set(unlimited["measure"]) == {"a", "b", "c", "d"}


def test_weighted_tonnes_follow_the_moyer_formula() -> None:
    # hand: 1 t NOx + 0.5 t HC + 20 x 0.05 t PM10 = 2.5 weighted t; CO2 weighs nothing
    options = pd.DataFrame(
        {
            "terminal": "T",
            "measure": "m",
            "pollutant": ["nox", "hc", "pm10", "pm25", "co2"],
            "reduction_tonnes": [1.0, 0.5, 0.05, 0.045, 90.0],
            "cost_usd": 25_000.0,
        }
    )
    projects = weighted_tonnes(options, moyer_weights())
    assert projects["weighted_tonnes"].iloc[0] == pytest.approx(2.5)
    assert projects["usd_per_weighted_tonne"].iloc[0] == pytest.approx(10_000.0)


def test_moyer_limits_are_converted_from_short_tons() -> None:
    # policy notes §2.1: $34,000 and $522,000 per weighted short ton (2022 update);
    # 1 tonne = 1 / 0.90718474 short tons
    assert moyer_limit_usd_per_weighted_tonne("base") == pytest.approx(34_000 / 0.90718474)
    assert moyer_limit_usd_per_weighted_tonne() == pytest.approx(522_000 / 0.90718474)
    with pytest.raises(ValueError, match="valid names"):
        moyer_limit_usd_per_weighted_tonne("platinum")


@pytest.mark.parametrize(
    ("measure", "rate", "crf"),
    # policy notes §2.1, CRF table (5 decimals): switcher 20 years, yard tractor 10 years
    [("ze_switcher_locomotive", 0.01, 0.05542), ("ze_yard_tractor", 0.07, 0.14238)],
)
def test_grant_is_the_present_value_of_the_annualised_cost(
    measure: str, rate: float, crf: float
) -> None:
    options = pd.DataFrame({"measure": [measure], "cost_usd": [10_000.0]})
    grant = with_grants(options, discount_rate=rate)["grant_usd"].iloc[0]
    assert grant == pytest.approx(10_000.0 / crf, rel=1e-4)  # CRF given to 5 decimals


def test_with_grants_refuses_a_measure_without_a_life() -> None:
    with pytest.raises(InputError, match="no life"):
        with_grants(pd.DataFrame({"measure": ["mystery"], "cost_usd": [1.0]}), discount_rate=0.03)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget_usd_per_year": -1.0}, "budget_usd_per_year"),
        ({"limit_usd_per_weighted_tonne": -5.0}, "limit_usd_per_weighted_tonne"),
        ({"weights": {"nox": -1.0}}, "weight of nox"),
        ({"weights": {"smoke": 1.0}}, "valid names"),
        ({"discount_rate": 0.5}, "discount_rate"),
        ({"first_year": 2030, "last_year": 2029}, "before first_year"),
        ({"budget": 1.0}, "Extra inputs"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        FundingParameters(**kwargs)


def test_negative_budget_is_refused_by_the_allocation() -> None:
    with pytest.raises(InputError, match="budget_usd must be a number >= 0"):
        allocate_budget(_options(FOUR), -1.0, limit_usd_per_weighted_tonne=None, weights=NOX_ONLY)


def test_defaults_are_the_sourced_values() -> None:
    parameters = FundingParameters()
    assert parameters.budget_usd_per_year == 90e6  # Clean Truck Fund, year 1, both ports
    assert parameters.weights == {"nox": 1.0, "hc": 1.0, "pm10": 20.0}
    assert parameters.limit_usd_per_weighted_tonne == pytest.approx(522_000 / 0.90718474)


# --------------------------------------------------------------------------------------
# The regime: lives and no double counting
# --------------------------------------------------------------------------------------
def _truck_emissions(year: int, nox: float = 5.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": year,
            "port": "POLB",
            "terminal": "POLB_T",
            "source": "truck",
            "mode": "running",
            "engine": "diesel_2010",
            "pollutant": ["nox"],
            "mass_tonnes": [nox],
        }
    )


def _nox(frame: pd.DataFrame) -> float:
    return float(frame.loc[frame["pollutant"] == "nox", "mass_tonnes"].sum())


def test_projects_last_their_life_and_are_not_bought_twice() -> None:
    # one option: 1 t NOx a year for $100 a year, life 2 years, grant (rate 0) $200
    options = pd.DataFrame(
        {
            "terminal": ["POLB_T"],
            "measure": ["m"],
            "source": ["truck"],
            "pollutant": ["nox"],
            "reduction_tonnes": [1.0],
            "cost_usd": [100.0],
            "life_years": [2.0],
        }
    )
    regime = make_regime(
        FundingParameters(
            budget_usd_per_year=1_000.0, limit_usd_per_weighted_tonne=None, discount_rate=0.0
        ),
        CONTEXT,
    )
    spent, nox, cost = [], [], []
    for year in (2031, 2032, 2033):
        outcome = regime.step(year, _truck_emissions(year), TEU, pd.Series(dtype=float), options)
        spent.append(outcome.payments["usd"].sum())
        nox.append(_nox(outcome.emissions))
        cost.append(outcome.measures["cost_usd"].max())
        assert outcome.terminals["teu_turned_away"].sum() == 0  # no cargo turned away
    # bought in 2031 (grant 2 x $100), in service in 2032 (nothing left to buy), bought again
    # in 2033 when its life has ended; it cuts 1 t every year and costs $100 a year
    assert spent == pytest.approx([200.0, 0.0, 200.0])
    assert nox == pytest.approx([4.0, 4.0, 4.0])
    assert cost == pytest.approx([100.0, 100.0, 100.0])


def test_yard_tractor_fleet_is_converted_once() -> None:
    # ten diesel yard tractors (827.8 t CO2 / 82.78 t each), 0.951 t NOx; 20 % of them
    # offered each year (two tractors, $150,000 each): five years convert the fleet
    year = 2031
    emissions = pd.DataFrame(
        {
            "year": year,
            "port": "POLB",
            "terminal": "POLB_T",
            "source": "cargo_handling",
            "mode": "yard_tractor",
            "engine": "diesel",
            "pollutant": ["nox", "co2"],
            "mass_tonnes": [0.951, 827.8],
        }
    )
    tech = technology.TechnologyParameters(discount_rate=0.01, measures=("ze_yard_tractor",))
    regime = make_regime(
        FundingParameters(
            budget_usd_per_year=1e9, limit_usd_per_weighted_tonne=None, discount_rate=0.01
        ),
        CONTEXT,
    )
    grants, nox, share = [], [], []
    for step in range(7):
        # the projection does not know about the conversions: the same fleet every year
        options = technology.abatement_options(emissions, year=year + step, parameters=tech)
        frame = emissions.assign(year=year + step)
        outcome = regime.step(year + step, frame, TEU, pd.Series(dtype=float), options)
        grants.append(outcome.payments["usd"].sum())
        nox.append(_nox(outcome.emissions))
        share.append(outcome.measures["share_taken"].max() if len(outcome.measures) else 0.0)
    # two tractors a year at $150,000 each (the grant at the 1 % rate of the annualised cost)
    assert grants == pytest.approx([300_000.0] * 5 + [0.0, 0.0], rel=1e-9)
    assert nox == pytest.approx([0.951 * (1 - 0.2 * k) for k in (1, 2, 3, 4, 5, 5, 5)], abs=1e-12)
    assert share == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0])
    # in service: ten tractors at $15,837 a year (policy notes §1.7)
    assert outcome.measures["cost_usd"].max() == pytest.approx(10 * 15_837, rel=1e-4)


def test_budget_years_and_carry_over() -> None:
    options = pd.DataFrame(
        {
            "terminal": ["POLB_T"],
            "measure": ["m"],
            "source": ["truck"],
            "pollutant": ["nox"],
            "reduction_tonnes": [1.0],
            "cost_usd": [100.0],
            "life_years": [1.0],
        }
    )
    nothing = options.iloc[:0]
    regime = make_regime(
        FundingParameters(
            budget_usd_per_year=60.0,
            limit_usd_per_weighted_tonne=None,
            discount_rate=0.0,
            carry_over_unspent=True,
            first_year=2032,
            last_year=2033,
        ),
        CONTEXT,
    )
    available, spent = [], []
    for year, offer in ((2031, options), (2032, nothing), (2033, options), (2034, options)):
        outcome = regime.step(year, _truck_emissions(year), TEU, pd.Series(dtype=float), offer)
        available.append(outcome.indicators["budget_usd"])
        spent.append(outcome.indicators["budget_spent_usd"])
    # no budget in 2031; $60 kept in 2032 (nothing to buy); $120 in 2033 buys the $100
    # project; the $20 left is all there is in 2034 (after the last budget year)
    assert available == pytest.approx([0.0, 60.0, 120.0, 20.0])
    assert spent == pytest.approx([0.0, 0.0, 100.0, 20.0])
