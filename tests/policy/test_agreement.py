"""The infrastructure agreement worked by hand: plan, adoption, costs, milestones, penalties.

The hand case is one container terminal with ten combustion yard tractors (827.8 t of
fossil CO2 = 10 x 82.78 t, the CO2 of one tractor-year in portcap's equipment model) and
1 t of NOx. The clean-technology options offer 20 % of the tractors a year
(``availability_share_per_year`` of ``ze_yard_tractor``) at $150,000 of incremental capital
over 10 years; at a 1 % discount rate that is 150,000 x 0.10558 = $15,837 a tractor-year
(the Carl Moyer capital recovery factor of the policy notes §2.1, tested in
``test_technology.py``). Phase 1's plan is due on 31 Dec 2027 (Cooperative Agreement), so
adoption starts in 2028 and, with the packaged target (every container-terminal machine
zero-emission by 2030, the CAAP goal), the plan is 1/3, 2/3 and 1 of the fleet in 2028-2030.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from portcap.errors import InputError
from portcap.policy import technology
from portcap.policy.agreement import (
    AgreementParameters,
    agreement_schedule,
    make_regime,
    planned_share,
)
from portcap.policy.base import MEASURE_COLUMNS, PAYMENT_COLUMNS, PolicyOutcome, RegimeContext

ONE_PERCENT = technology.TechnologyParameters(discount_rate=0.01)
TRACTOR_YEAR_USD = 150_000 * 0.01 * 1.01**10 / (1.01**10 - 1)  # 15,837.31 (CRF 1 %, 10 y)
FLEET = 10  # tractors: 827.8 t CO2 / 82.78 t each
AVAILABLE = 0.2  # share of the tractors convertible in a year
NOX = 1.0  # t of NOx of the fleet in a year
PROFILE = pd.Series(dtype=float)


def _emissions(year: int, terminal: str = "POLB_A", *, other_source: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "year": year,
            "port": terminal.split("_")[0],
            "terminal": terminal,
            "source": "cargo_handling",
            "mode": "yard_tractor",
            "engine": "diesel",
            "pollutant": ["nox", "co2"],
            "mass_tonnes": [NOX, FLEET * 82.78],
        }
    )
    if other_source:  # a ship at berth at the same terminal: phase 3, not touched by phase 1
        ship = frame.assign(source="ogv", mode="berth", engine="auxiliary", mass_tonnes=[5.0, 0])
        frame = pd.concat([frame, ship[ship["pollutant"] == "nox"]], ignore_index=True)
    return frame


def _context(terminal: str = "POLB_A", *, container: bool = True) -> RegimeContext:
    terminals = (
        pd.DataFrame({"port": [terminal.split("_")[0]], "terminal": [terminal]})
        if container
        else pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_C"]})
    )
    return RegimeContext(base_year=2023, reference={}, container_terminals=terminals)


def _teu(terminal: str = "POLB_A") -> pd.DataFrame:
    return pd.DataFrame({"port": [terminal.split("_")[0]], "terminal": [terminal], "teu": [1e6]})


def _run(
    parameters: AgreementParameters,
    years: range,
    *,
    terminal: str = "POLB_A",
    container: bool = True,
    other_source: bool = False,
) -> dict[int, PolicyOutcome]:
    regime = make_regime(parameters, _context(terminal, container=container))
    outcomes = {}
    for year in years:
        emissions = _emissions(year, terminal, other_source=other_source)
        options = technology.abatement_options(emissions, year=year, parameters=ONE_PERCENT)
        options = options[options["measure"] == "ze_yard_tractor"]
        outcomes[year] = regime.step(year, emissions, _teu(terminal), PROFILE, options)
    return outcomes


def _schedule_file(tmp_path: Path, target_share: float, target_year: int) -> str:
    path = tmp_path / "schedule.csv"
    path.write_text(
        "phase,source,terminal_kind,target_share,target_year\n"
        f"1,cargo_handling,container,{target_share},{target_year}\n",
        encoding="utf-8",
    )
    return str(path)


def _kind(outcome: PolicyOutcome, kind: str) -> float:
    payments = outcome.payments
    return float(payments.loc[payments["kind"] == kind, "usd"].sum())


def test_planned_share_is_a_straight_line_to_the_target() -> None:
    np.testing.assert_allclose(
        planned_share(np.arange(2027, 2033), 2028, 2030, 1.0), [0, 1 / 3, 2 / 3, 1, 1, 1]
    )
    # a target year before the start: the whole target at once
    assert planned_share(2028, 2028, 2025, 0.5) == pytest.approx(0.5)
    years = pd.Series([2035, 2028], index=[7, 9])
    np.testing.assert_allclose(planned_share(years, 2028, 2035, 1.0), [1.0, 0.125])


def test_packaged_schedule_follows_the_agreement_dates() -> None:
    schedule = agreement_schedule().set_index(["phase", "source", "terminal_kind"])
    # plans due 31 Dec 2027, 2028 and 2029 (Cooperative Agreement, Board approval 7 Nov 2025)
    assert schedule.loc[(1, "cargo_handling", "container"), "plan_due"] == "2027-12-31"
    assert schedule.loc[(1, "truck", "any"), "plan_due"] == "2027-12-31"
    assert schedule.loc[(2, "rail", "any"), "plan_due"] == "2028-12-31"
    assert schedule.loc[(3, "ogv", "any"), "plan_due"] == "2029-12-31"
    # CAAP goals: all equipment by 2030, all drayage trucks by 2035
    assert schedule.loc[(1, "truck", "any"), "yearly_share"] == pytest.approx(1 / 8)
    delayed = agreement_schedule(AgreementParameters(plan_delay_years=2, start_lag_years=0))
    assert set(delayed["start_year"] - delayed["plan_year"]) == {2}


def test_one_phase_one_terminal_by_hand() -> None:
    out = _run(AgreementParameters(), range(2027, 2034))
    # adoption: 20 % of the fleet a year from 2028, as long as the plan asks for more
    adopted = {
        y: float(o.measures["share_taken"].max()) if len(o.measures) else 0.0
        for y, o in out.items()
    }
    assert adopted == pytest.approx(
        {2027: 0.0, 2028: 0.2, 2029: 0.4, 2030: 0.6, 2031: 0.8, 2032: 1.0, 2033: 1.0}
    )
    for year, outcome in out.items():
        share = adopted[year]
        emissions = outcome.emissions.set_index("pollutant")["mass_tonnes"]
        assert emissions["nox"] == pytest.approx(NOX * (1 - share))
        assert emissions["co2"] == pytest.approx(FLEET * 82.78 * (1 - share))
        # the adopted tractors cost their annuity every year, counted once per measure
        cost = share * FLEET * TRACTOR_YEAR_USD
        assert outcome.measures.groupby("measure")["cost_usd"].first().sum() == pytest.approx(cost)
        assert outcome.indicators["measures_cost_usd"] == pytest.approx(cost)
        assert _kind(outcome, "public_funding") == pytest.approx(0.64 * cost)
        assert outcome.indicators["adopted_share_phase_1"] == pytest.approx(share)
        # nothing is turned away
        assert outcome.terminals["teu_turned_away"].sum() == 0
    # the plan asks 1/3, 2/3, 1 in 2028-2030 and only 0.2, 0.4, 0.6 can be had: three defaults
    missed = {y: o.indicators["milestones_missed"] for y, o in out.items()}
    assert missed == {2027: 0, 2028: 1, 2029: 1, 2030: 1, 2031: 0, 2032: 0, 2033: 0}
    # due: Phase 1 plan (2027); Phase 1 adoption 2028-2030; plans of phases 2 and 3 (2028, 2029)
    due = {y: o.indicators["milestones_due"] for y, o in out.items()}
    assert due == {2027: 1, 2028: 2, 2029: 2, 2030: 1, 2031: 0, 2032: 0, 2033: 0}
    for year in (2028, 2029, 2030):
        penalty = out[year].payments[out[year].payments["kind"] == "penalty"]
        assert penalty["terminal"].tolist() == ["POLB"]  # paid by the port
        assert penalty["usd"].tolist() == [125_000.0]
    assert out[2030].indicators["planned_share_phase_1"] == pytest.approx(1.0)


def test_outcome_tables_have_the_common_columns() -> None:
    outcome = _run(AgreementParameters(), range(2028, 2029))[2028]
    assert tuple(outcome.measures.columns) == MEASURE_COLUMNS
    assert tuple(outcome.payments.columns) == PAYMENT_COLUMNS
    assert outcome.caps.empty
    assert set(outcome.payments["kind"]) == {"public_funding", "penalty"}


def test_a_missed_milestone_costs_exactly_one_penalty(tmp_path: Path) -> None:
    # plan: 30 % of the fleet in 2028, one milestone; the options offer 20 %
    parameters = AgreementParameters(
        schedule_file=_schedule_file(tmp_path, 0.3, 2028), penalty_usd_per_default=50_000
    )
    out = _run(parameters, range(2027, 2031))
    assert out[2028].indicators["milestones_missed"] == 1
    penalties = out[2028].payments[out[2028].payments["kind"] == "penalty"]
    assert len(penalties) == 1
    assert penalties["usd"].iloc[0] == 50_000
    assert out[2028].indicators["penalties_usd"] == 50_000
    # 2029 catches up to the 30 % target; no milestone is due after the target year
    assert out[2029].measures["share_taken"].max() == pytest.approx(0.3)
    assert out[2029].indicators["milestones_due"] == 0
    assert _kind(out[2029], "penalty") == 0
    assert out[2030].measures["share_taken"].max() == pytest.approx(0.3)  # stays adopted


def test_a_reachable_plan_has_no_defaults(tmp_path: Path) -> None:
    # 40 % by 2029: 20 % a year, as much as the options offer
    parameters = AgreementParameters(schedule_file=_schedule_file(tmp_path, 0.4, 2029))
    out = _run(parameters, range(2027, 2031))
    assert sum(o.indicators["milestones_missed"] for o in out.values()) == 0
    assert sum(o.indicators["milestones_due"] for o in out.values()) == 3  # plan + 2028 + 2029
    assert out[2029].measures["share_taken"].max() == pytest.approx(0.4)


def test_partial_delivery_misses_every_milestone(tmp_path: Path) -> None:
    parameters = AgreementParameters(
        schedule_file=_schedule_file(tmp_path, 0.4, 2029), delivery_share=0.5
    )
    out = _run(parameters, range(2028, 2031))
    # half of the plan: 0.1, 0.2, then stays at half of the 0.4 target
    shares = [float(o.measures["share_taken"].max()) for o in out.values()]
    assert shares == pytest.approx([0.1, 0.2, 0.2])
    assert [o.indicators["milestones_missed"] for o in out.values()] == [1, 1, 0]


def test_late_plans_are_defaults_and_delay_the_start(tmp_path: Path) -> None:
    parameters = AgreementParameters(
        schedule_file=_schedule_file(tmp_path, 0.4, 2030), plan_delay_years=1
    )
    out = _run(parameters, range(2027, 2031))
    assert out[2027].indicators["milestones_missed"] == 1  # plan due, not delivered
    assert out[2028].indicators["milestones_missed"] == 0  # delivered a year late
    assert out[2028].measures.empty  # adoption starts in 2029 (2027 + lag 1 + delay 1)
    assert out[2029].measures["share_taken"].max() == pytest.approx(0.2)
    assert out[2030].measures["share_taken"].max() == pytest.approx(0.4)


def test_exit_stops_adoption_and_milestones_but_keeps_what_was_adopted() -> None:
    out = _run(AgreementParameters(exit_year=2030), range(2028, 2032))
    assert [o.indicators["agreement_in_force"] for o in out.values()] == [1, 1, 0, 0]
    assert out[2030].measures["share_taken"].max() == pytest.approx(0.4)
    assert out[2031].measures["share_taken"].max() == pytest.approx(0.4)
    assert out[2030].indicators["milestones_due"] == 0
    assert _kind(out[2031], "penalty") == 0
    assert out[2031].indicators["measures_cost_usd"] == pytest.approx(
        0.4 * FLEET * TRACTOR_YEAR_USD
    )


def test_non_container_equipment_belongs_to_phase_two() -> None:
    # a non-container terminal: plan due 31 Dec 2028, adoption from 2029
    out = _run(AgreementParameters(), range(2028, 2031), terminal="POLB_AUTO", container=False)
    assert out[2028].measures.empty
    assert out[2029].measures["share_taken"].max() == pytest.approx(0.2)
    assert out[2029].indicators["adopted_share_phase_2"] == pytest.approx(0.2)
    assert out[2029].indicators["adopted_share_phase_1"] == 0


def test_only_the_measure_source_is_cut() -> None:
    out = _run(AgreementParameters(), range(2028, 2029), other_source=True)[2028]
    emissions = out.emissions
    ship = emissions[emissions["source"] == "ogv"]
    assert ship["mass_tonnes"].tolist() == [5.0]
    tractors = emissions[
        (emissions["source"] == "cargo_handling") & (emissions["pollutant"] == "nox")
    ]
    assert tractors["mass_tonnes"].sum() == pytest.approx(NOX * 0.8)


def test_years_must_increase() -> None:
    regime = make_regime(AgreementParameters(), _context())
    emissions = _emissions(2028)
    options = technology.abatement_options(emissions, year=2028, parameters=ONE_PERCENT)
    regime.step(2028, emissions, _teu(), PROFILE, options)
    with pytest.raises(ValueError, match="increasing years"):
        regime.step(2028, emissions, _teu(), PROFILE, options)


def test_no_options_gives_the_projected_emissions() -> None:
    regime = make_regime(AgreementParameters(), _context())
    emissions = _emissions(2029)
    out = regime.step(
        2029,
        emissions,
        _teu(),
        PROFILE,
        technology.abatement_options(emissions.iloc[0:0], year=2029),
    )
    pd.testing.assert_frame_equal(out.emissions, emissions)
    assert out.measures.empty
    assert out.indicators["milestones_due"] == 1  # the phase 3 plan of POLB


def test_options_of_another_table_are_refused() -> None:
    regime = make_regime(AgreementParameters(), _context())
    options = technology.abatement_options(_emissions(2028), year=2028)
    other = _emissions(2028).assign(terminal="POLB_B")  # no tractors at POLB_A
    with pytest.raises(InputError, match="not in the clean-technology options"):
        regime.step(2028, other, _teu(), PROFILE, options)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("penalty_usd_per_default", -50_000.0, "penalty per default must be a finite amount >= 0"),
        ("public_cost_share", -0.1, "share between 0 and 1"),
        ("delivery_share", 1.5, "share between 0 and 1"),
        ("plan_delay_years", -1, "number of years >= 0"),
    ],
)
def test_bad_parameters_are_refused(field: str, value: float, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AgreementParameters(**{field: value})
    with pytest.raises(ValidationError, match="Extra inputs"):
        AgreementParameters(penalty=1.0)  # type: ignore[call-arg]


def test_bad_schedule_file_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(
        "phase,source,terminal_kind,target_share,target_year\n"
        "1,cargo_handling,container,1.5,2030\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"schedule.csv, row 1 .*'target_share'"):
        AgreementParameters(schedule_file=str(path))
    path.write_text(
        "phase,source,terminal_kind,target_share,target_year\n"
        "1,truck,any,1,2035\n"
        "1,truck,container,1,2035\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="must belong to one phase"):
        AgreementParameters(schedule_file=str(path))


def test_realistic_years_cut_emissions_and_turn_nothing_away() -> None:
    # the packaged San Pedro Bay baseline projected to 2028-2029, all options
    from portcap import forecast
    from portcap.baseline import load_activity_set
    from portcap.port_inventory import port_inventory

    activity = load_activity_set()
    parameters = forecast.ForecastParameters()
    terminals = activity["terminals"]
    container = terminals.loc[terminals["kind"] == "container", ["port", "terminal"]]
    regime = make_regime(
        AgreementParameters(), RegimeContext(2023, {}, container_terminals=container)
    )
    teu = container.assign(teu=1e5)
    for year in (2028, 2029):
        projected = forecast.project_activity(activity, year, parameters, base_year=2023)
        emissions = port_inventory(year, activity_set=projected).emissions
        options = technology.abatement_options(emissions, year=year)
        out = regime.step(year, emissions, teu, PROFILE, options)
        before = emissions.groupby("pollutant")["mass_tonnes"].sum()
        after = out.emissions.groupby("pollutant")["mass_tonnes"].sum()
        assert (after <= before + 1e-9).all()
        # what leaves the emissions table is what the measures report
        cut = out.measures.groupby("pollutant")["reduction_tonnes"].sum()
        assert (before - after)["nox"] == pytest.approx(cut["nox"], rel=1e-9)
        assert out.terminals["teu_turned_away"].sum() == 0
        assert (
            0 < out.indicators["adopted_share_phase_1"] <= out.indicators["planned_share_phase_1"]
        )
