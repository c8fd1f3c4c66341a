"""What every policy regime returns, and the interface the engine calls each year.

A regime (cap, technology funding, points and fee, trading, infrastructure agreement) is a
small object made from its parameters; the engine calls :meth:`Regime.step` once per year,
in order, with that year's projected emissions, so a regime may carry state from year to
year (banked allowances, funded projects that last their life, missed milestones). Each
step returns a :class:`PolicyOutcome` with the same tables for every regime, so that
``summary.json`` and the comparison read the same whatever the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

__all__ = [
    "MEASURE_COLUMNS",
    "NoPolicy",
    "PAYMENT_COLUMNS",
    "PAYMENT_KINDS",
    "TERMINAL_COLUMNS",
    "PolicyOutcome",
    "Regime",
    "RegimeContext",
    "cut_emissions",
    "empty_payments",
    "measure_table",
    "no_policy_terminals",
    "reduce_emissions",
    "taken_table",
]

TERMINAL_COLUMNS: tuple[str, ...] = (
    "year",
    "port",
    "terminal",
    "teu_demand",
    "teu_handled",
    "teu_turned_away",
    "allowed_share",
    "binding_date",
    "binding_cap",
)
"""Columns of :attr:`PolicyOutcome.terminals` (one row per container terminal)."""

MEASURE_COLUMNS: tuple[str, ...] = (
    "year",
    "terminal",
    "measure",
    "share_taken",
    "pollutant",
    "reduction_tonnes",
    "cost_usd",
)
"""Columns of :attr:`PolicyOutcome.measures` (cost of the measure, repeated per pollutant)."""

PAYMENT_KINDS: tuple[str, ...] = (
    "fee",
    "allowance_purchase",
    "allowance_sale",
    "penalty",
    "public_funding",
)
"""Kinds of money that change hands under a regime (besides the measures' own cost)."""

PAYMENT_COLUMNS: tuple[str, ...] = ("year", "terminal", "kind", "usd")
"""Columns of :attr:`PolicyOutcome.payments` (``usd`` > 0: paid by the terminal or the public;
allowance sales are negative)."""


@dataclass(frozen=True)
class PolicyOutcome:
    """What a regime does in one year.

    Attributes
    ----------
    terminals : DataFrame
        :data:`TERMINAL_COLUMNS`: TEU demand, handled and turned away per container
        terminal, the share handled and the date a limit bound (ISO date or None).
    emissions : DataFrame
        The year's emissions table after the regime (same columns as the input).
    measures : DataFrame
        :data:`MEASURE_COLUMNS`: clean-technology measures taken (by terminals or bought
        with public money), share of each taken, reductions by pollutant, annualised cost.
    caps : DataFrame
        Limits in force (if any): ``scope, target, port, pollutant, cap_tonnes,
        before_tonnes, after_tonnes, met``.
    payments : DataFrame
        :data:`PAYMENT_COLUMNS`: fees, allowance trades, penalties, public funding.
    indicators : dict
        Regime-specific figures of the year, e.g. ``allowance_price_usd_per_tonne``,
        ``shortfall_tonnes``, ``points_required``, ``budget_spent_usd``,
        ``milestones_missed``. ``terminal_measures_cost_usd``, when given, is what the
        terminals themselves pay for the measures (default: all of their cost); the
        engine adds fees, allowances and penalties to it for the compliance cost.
    """

    terminals: pd.DataFrame
    emissions: pd.DataFrame
    measures: pd.DataFrame
    caps: pd.DataFrame
    payments: pd.DataFrame = field(default_factory=lambda: empty_payments())
    indicators: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RegimeContext:
    """What a regime may know when it is made (besides its own parameters).

    Attributes
    ----------
    base_year : int
        The observed year the forecast starts from.
    reference : dict of int to DataFrame
        Observed emissions tables (the base year at least; also the reference years of
        caps), for limits and allocations defined relative to an observed year.
    container_terminals : DataFrame
        ``port, terminal`` of the container terminals.
    """

    base_year: int
    reference: dict[int, pd.DataFrame]
    container_terminals: pd.DataFrame


class Regime(Protocol):
    """A policy regime: made from its parameters, stepped once per year in order."""

    name: str

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Apply the regime to one year.

        Parameters
        ----------
        year : int
            The year (steps come in increasing years).
        emissions : DataFrame
            The year's projected emissions table under the rules in force (``year, port,
            terminal, source, mode, engine, pollutant, mass_tonnes``).
        teu : DataFrame
            TEU demand of the container terminals: ``port, terminal, teu``.
        profile : Series
            Share of the year's activity on each day (sums to one).
        options : DataFrame
            Clean-technology measures available this year
            (:func:`portcap.policy.technology.abatement_options`: ``year, port, terminal,
            measure, source, unit, units, pollutant, reduction_tonnes, cost_usd,
            cost_per_tonne_usd``; ``cost_usd`` is the annualised cost of the whole
            measure, repeated on each pollutant row).

        Returns
        -------
        PolicyOutcome
        """
        ...


class NoPolicy:
    """The regime of the rules in force only: every year passes unchanged."""

    name = "none"

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Return the year as projected: nothing turned away, no measures, no payments."""
        return PolicyOutcome(
            no_policy_terminals(year, teu),
            emissions,
            taken_table(measure_table(None), {}, year),
            pd.DataFrame(columns=["scope", "target", "port", "pollutant", "cap_tonnes"]),
        )


def empty_payments() -> pd.DataFrame:
    """Return an empty payments table."""
    return pd.DataFrame(
        {c: pd.Series(dtype=float if c == "usd" else object) for c in PAYMENT_COLUMNS}
    )


def no_policy_terminals(year: int, teu: pd.DataFrame) -> pd.DataFrame:
    """Return the terminals table of a year in which nothing is turned away.

    Examples
    --------
    >>> teu = pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_A"], "teu": [10.0]})
    >>> no_policy_terminals(2031, teu)[["teu_handled", "teu_turned_away", "binding_date"]]
       teu_handled  teu_turned_away binding_date
    0         10.0              0.0         None
    """
    demand = teu["teu"].astype(float).to_numpy()
    return pd.DataFrame(
        {
            "year": year,
            "port": teu["port"].to_numpy(),
            "terminal": teu["terminal"].to_numpy(),
            "teu_demand": demand,
            "teu_handled": demand,
            "teu_turned_away": 0.0,
            "allowed_share": 1.0,
            "binding_date": None,
            "binding_cap": None,
        }
    )[list(TERMINAL_COLUMNS)]


def measure_table(options: pd.DataFrame | None) -> pd.DataFrame:
    """Return the clean-technology options in the columns the regimes use.

    ``port, terminal, measure, source, pollutant, reduction_tonnes, cost_usd``; an empty
    table for None.
    """
    columns = ["port", "terminal", "measure", "source", "pollutant", "reduction_tonnes", "cost_usd"]
    if options is None or options.empty:
        return pd.DataFrame(columns=columns)
    table = options.copy()
    if "port" not in table:
        table["port"] = table["terminal"].astype(str).str.split("_").str[0]
    if "source" not in table:
        table["source"] = None
    return table[columns].reset_index(drop=True)


def reduce_emissions(
    work: pd.DataFrame, measures: pd.DataFrame, terminal: str, measure: str, share: float
) -> None:
    """Remove ``share`` of a measure's reductions from the terminal's emissions, in place.

    Per pollutant, the rows of the measure's source (all the terminal's rows when the
    measure names no source) are scaled down together by the reduction, never below zero.
    """
    rows = measures[(measures["terminal"] == terminal) & (measures["measure"] == measure)]
    for pollutant, reduction, source in zip(
        rows["pollutant"], rows["reduction_tonnes"], rows["source"], strict=True
    ):
        mask = (work["terminal"] == terminal) & (work["pollutant"] == pollutant)
        if source is not None and not pd.isna(source):
            mask &= work["source"] == source  # the measure cuts its own source only
        total = float(work.loc[mask, "mass_tonnes"].sum())
        if total <= 0:
            continue
        cut = min(float(reduction) * share, total)
        work.loc[mask, "mass_tonnes"] *= 1.0 - cut / total


def taken_table(measures: pd.DataFrame, taken: dict[str, float], year: int) -> pd.DataFrame:
    """Return :data:`MEASURE_COLUMNS` for the measures taken.

    ``taken`` maps ``"<terminal>|<measure>"`` to the share of the measure taken.
    """
    columns = [*MEASURE_COLUMNS]
    if not taken or measures.empty:
        return pd.DataFrame(columns=columns)
    keys = measures["terminal"].astype(str) + "|" + measures["measure"].astype(str)
    share = keys.map(taken).to_numpy(dtype=float)  # NaN: not taken
    picked = ~np.isnan(share)
    if not picked.any():
        return pd.DataFrame(columns=columns)
    rows = measures.loc[picked, ["terminal", "measure", "pollutant"]].reset_index(drop=True)
    share = share[picked]
    # the cost of the whole measure, whatever row carries it
    cost = (
        pd.Series(measures["cost_usd"].to_numpy(dtype=float)[picked])
        .groupby(keys.to_numpy(dtype=object)[picked])
        .transform("max")
        .to_numpy(dtype=float)
    )
    rows["year"] = year
    rows["share_taken"] = share
    rows["reduction_tonnes"] = measures["reduction_tonnes"].to_numpy(dtype=float)[picked] * share
    rows["cost_usd"] = cost * share
    return rows[columns]


def cut_emissions(emissions: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Return the emissions less the reductions of the measures in place.

    Parameters
    ----------
    emissions : DataFrame
        The year's emissions table.
    measures : DataFrame
        ``terminal, measure, source, pollutant, reduction_tonnes``.

    Returns
    -------
    DataFrame
        A copy. Per terminal, source and pollutant, the rows are scaled down together by
        the sum of the reductions of the measures of that source, never below zero (as
        :func:`portcap.policy.base.reduce_emissions` does one measure at a time); a
        measure without a source cuts all the terminal's rows of the pollutant.

    Examples
    --------
    >>> emissions = pd.DataFrame({"terminal": "T", "source": ["truck", "truck", "rail"],
    ...     "pollutant": "nox", "mass_tonnes": [3.0, 1.0, 5.0]})
    >>> measures = pd.DataFrame({"terminal": "T", "measure": "m", "source": "truck",
    ...     "pollutant": "nox", "reduction_tonnes": [2.0]})
    >>> cut_emissions(emissions, measures)["mass_tonnes"].tolist()
    [1.5, 0.5, 5.0]
    """
    work = emissions.copy()
    work["mass_tonnes"] = work["mass_tonnes"].astype(float)
    if measures.empty:
        return work
    keys = ["terminal", "source", "pollutant"]
    has_source = measures["source"].notna()
    sourced = measures[has_source]
    if len(sourced):
        cuts = sourced.groupby(keys)["reduction_tonnes"].sum()
        totals = work.groupby(keys)["mass_tonnes"].sum().reindex(cuts.index).fillna(0.0)
        kept = (1.0 - np.minimum(cuts, totals) / totals.where(totals > 0)).fillna(1.0)
        row_keys = pd.MultiIndex.from_frame(work[keys].astype(object))
        kept.index = pd.MultiIndex.from_frame(kept.index.to_frame(index=False).astype(object))
        factor = kept.reindex(row_keys).fillna(1.0).to_numpy(dtype=float)
        work["mass_tonnes"] = work["mass_tonnes"].to_numpy(dtype=float) * factor
    # measures that name no source (hand-made options): one at a time
    for terminal, measure in (
        measures.loc[~has_source, ["terminal", "measure"]].drop_duplicates().itertuples(index=False)
    ):
        reduce_emissions(work, measures[~has_source], str(terminal), str(measure), 1.0)
    return work
