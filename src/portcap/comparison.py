"""Scenarios side by side on one baseline: `portcap compare`.

Every scenario runs through the same chain (:func:`portcap.engine.run`) on the same
projected inventories, so the comparison differs only by the policy. For each scenario
and milestone year the table gives:

* the regional cut against the rules-in-force baseline of NOx, PM2.5 and DPM [t];
* TEU turned away, diverted and unserved;
* emissions elsewhere (leakage) of NOx and CO2e, and net CO2e [t];
* the regional jobs change;
* costs: the resource cost of the clean technology taken (whoever pays), what terminals pay
  (measures, fees, allowances, penalties) and what the public pays;
* dollars per tonne of regional NOx cut and per tonne of net NOx cut (the regional cut
  less the NOx added elsewhere; empty where the net cut is not positive);
* monetised health benefits of the regional cuts (:mod:`portcap.policy.health`).

Costs per tonne count the technology's annualised cost only: the cost of cargo turned away
(lost output and jobs) is reported in its own columns, not priced in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from portcap.engine import Results, run
from portcap.scenario import MILESTONES, Scenario

__all__ = [
    "COMPARISON_COLUMNS",
    "DEFAULT_SCENARIOS",
    "MILESTONES",
    "comparison_table",
    "compare",
]

DEFAULT_SCENARIOS: tuple[str, ...] = (
    "baseline",
    "pr2304-cap",
    "funding",
    "points-fee",
    "trading",
    "agreement",
)
"""The built-in set compared by ``portcap compare`` with no argument."""


COMPARISON_COLUMNS: tuple[str, ...] = (
    "scenario",
    "policy",
    "year",
    "nox_cut_tonnes",
    "pm25_cut_tonnes",
    "dpm_cut_tonnes",
    "teu_turned_away",
    "teu_diverted",
    "teu_unserved",
    "nox_elsewhere_change_tonnes",
    "co2e_elsewhere_change_tonnes",
    "net_co2e_change_tonnes",
    "regional_jobs_change",
    "technology_cost_usd",
    "terminal_cost_usd",
    "public_cost_usd",
    "usd_per_tonne_regional_nox_cut",
    "usd_per_tonne_net_nox_cut",
    "health_benefits_usd",
)
"""Columns of the comparison table."""


def comparison_table(results: Sequence[Results], years: Sequence[int] = MILESTONES) -> pd.DataFrame:
    """Build the comparison table from finished runs.

    Parameters
    ----------
    results : sequence of Results
        Runs of :func:`portcap.engine.run`.
    years : sequence of int
        Years to show (those a run does not cover are left out).

    Returns
    -------
    DataFrame
        :data:`COMPARISON_COLUMNS`, one row per scenario and year.
    """
    from portcap.policy import health

    rows: list[dict[str, object]] = []
    for result in results:
        for year in result.summary["years"]:  # type: ignore[attr-defined]
            if year["year"] not in years:
                continue
            regional = year["regional_emissions_tonnes"]
            baseline = year["baseline_regional_emissions_tonnes"]
            cut = {p: baseline[p] - regional[p] for p in ("nox", "pm25", "dpm", "sox")}
            elsewhere = year["emissions_elsewhere_change_tonnes"]
            technology = float(year.get("technology_cost_usd", 0.0))
            net_nox_cut = cut["nox"] - elsewhere["nox"]
            changes = pd.DataFrame(
                {
                    "pollutant": ["nox", "pm25", "sox"],
                    "tonnes": [-cut["nox"], -cut["pm25"], -cut["sox"]],
                }
            )
            rows.append(
                {
                    "scenario": result.scenario.name,
                    "policy": result.scenario.policy,
                    "year": year["year"],
                    "nox_cut_tonnes": cut["nox"],
                    "pm25_cut_tonnes": cut["pm25"],
                    "dpm_cut_tonnes": cut["dpm"],
                    "teu_turned_away": year["teu_turned_away"],
                    "teu_diverted": sum(year["teu_diverted_by_port"].values()),
                    "teu_unserved": year["teu_unserved"],
                    "nox_elsewhere_change_tonnes": elsewhere["nox"],
                    "co2e_elsewhere_change_tonnes": elsewhere["co2e"],
                    "net_co2e_change_tonnes": year["net_co2e_change_tonnes"],
                    "regional_jobs_change": year["regional_jobs_change"],
                    "technology_cost_usd": technology,
                    "terminal_cost_usd": year["compliance_cost_usd"],
                    "public_cost_usd": float(year.get("public_cost_usd", 0.0)),
                    "usd_per_tonne_regional_nox_cut": technology / cut["nox"]
                    if cut["nox"] > 0 and technology > 0
                    else None,
                    "usd_per_tonne_net_nox_cut": technology / net_nox_cut
                    if net_nox_cut > 0 and technology > 0
                    else None,
                    "health_benefits_usd": health.health_benefits_usd(changes),
                }
            )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def compare(
    scenarios: Sequence[str | Path | Scenario] = DEFAULT_SCENARIOS,
    *,
    years: Sequence[int] = MILESTONES,
    progress: bool = False,
    on_run: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, list[Results]]:
    """Run scenarios on the same baseline and return the comparison table and the runs.

    Parameters
    ----------
    scenarios : sequence
        Built-in names, YAML files or scenarios (default :data:`DEFAULT_SCENARIOS`).
    years : sequence of int
        Years of the table (default the milestones 2031 and 2037).
    progress : bool
        Show a progress bar per run.
    on_run : callable, optional
        Called as ``on_run(done, total)`` after each scenario has run.

    Returns
    -------
    (DataFrame, list of Results)
    """
    results = []
    for scenario in scenarios:
        results.append(run(scenario, progress=progress))
        if on_run is not None:
            on_run(len(results), len(scenarios))
    return comparison_table(results, years), results
