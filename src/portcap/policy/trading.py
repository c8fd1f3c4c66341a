r"""Emissions trading (cap-and-trade) among the container terminals.

The container terminals form one market for the yearly mass of one pollutant (NOx by
default). Each year the regulator hands out allowances (one allowance = one tonne) that
add up to a cap path: a percentage below the terminals' emissions in a reference year,
reached at milestone years, by default along a linear glide path from a start year. The
allowances are shared among the terminals by base-year emissions (``grandfathered``) or by
the year's TEU (``teu``). A terminal whose emissions exceed its allowances either abates
(the clean-technology measures of :mod:`portcap.policy.technology`) or buys allowances
from terminals that abate more than they must; the market clears at the price where the
marginal abatement cost curves of all terminals together deliver the cut the cap asks:

1. **Clearing.** Each measure at a terminal is a step of ``reduction_tonnes`` of the
   pollutant at its cost per tonne. With the required cut
   :math:`R = \max(0, E - A - B)` (emissions :math:`E`, the year's allowances :math:`A`,
   banked allowances :math:`B`), the price is the cost per tonne of the last step needed
   (:func:`clearing_price`). Steps below the price are taken whole, the last in part;
   the terminals then trade allowances at that price (payments ``allowance_purchase`` and
   ``allowance_sale``, sales negative).
2. **Ceiling (backstop).** If the price would exceed the ceiling, the price is the
   ceiling: steps above it are not taken, and the shortfall (tonnes above the cap) is
   covered by allowances the regulator sells at the ceiling price. No cargo is turned
   away.
3. **Turn-away.** Only when there is no ceiling and every step of every terminal is taken
   and the market is still over the cap is cargo turned away: the shortfall is passed to
   the cap regime's turn-away (:func:`portcap.policy.cap.apply_caps`, ``complex`` scope),
   so every container terminal turns away the same share of its cargo.
4. **Banking** (optional). Allowances not used in a year are carried to later years (for
   ``bank_life_years`` if given) and used, oldest first, as soon as a year's allowances
   fall short (myopic terminals).

Method, defaults and what is left out: ``docs/methodology/trading.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from portcap import factors
from portcap.errors import InputError
from portcap.policy.base import (
    PolicyOutcome,
    RegimeContext,
    empty_payments,
    measure_table,
    no_policy_terminals,
    reduce_emissions,
    taken_table,
)
from portcap.policy.cap import apply_caps
from portcap.units import SHORT_TONS_PER_TONNE

__all__ = [
    "ALLOCATION_RULES",
    "CAP_COLUMNS",
    "INDICATORS",
    "LEDGER_COLUMNS",
    "TradingParameters",
    "TradingRegime",
    "allocate_allowances",
    "allowance_path_pct_below",
    "clearing_price",
    "make_regime",
    "market_curves",
]

ALLOCATION_RULES: tuple[str, ...] = ("grandfathered", "teu")
"""How the year's allowances are shared among the container terminals."""

INDICATORS: tuple[str, ...] = (
    "market_in_force",
    "cap_pct_below",
    "allowances_tonnes",
    "bank_used_tonnes",
    "bank_expired_tonnes",
    "banked_tonnes",
    "covered_emissions_tonnes",
    "required_cut_tonnes",
    "abatement_tonnes",
    "abatement_cost_usd",
    "allowance_price_usd_per_tonne",
    "allowances_traded_tonnes",
    "shortfall_tonnes",
    "ceiling_purchase_tonnes",
    "turn_away_tonnes",
)
"""Keys of :attr:`PolicyOutcome.indicators` of every trading step (see
``docs/methodology/trading.md``)."""

CAP_COLUMNS: tuple[str, ...] = (
    "scope",
    "target",
    "port",
    "pollutant",
    "cap_tonnes",
    "before_tonnes",
    "after_tonnes",
    "met",
    "year",
)
"""Columns of :attr:`PolicyOutcome.caps` under trading (one ``market`` row a year)."""

LEDGER_COLUMNS: tuple[str, ...] = (
    "year",
    "port",
    "terminal",
    "allocation_share",
    "allocated_tonnes",
    "bank_used_tonnes",
    "emissions_before_tonnes",
    "abatement_tonnes",
    "turn_away_tonnes",
    "emissions_after_tonnes",
    "net_purchase_tonnes",
    "allowance_price_usd_per_tonne",
)
"""Columns of :meth:`TradingRegime.ledger` (one row per year and container terminal)."""

MARKET = "market"
"""``scope`` of the market row of :attr:`PolicyOutcome.caps`."""

_TOLERANCE_TONNES = 1e-9
"""Absolute tolerance on tonnes (float sums of steps) [t]."""


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------
class TradingParameters(BaseModel):
    """Design of a cap-and-trade market among the container terminals (each value sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    pollutant: str = Field(
        default="nox",
        json_schema_extra=factors.sourced(
            ("pmsa_pr2304_concept", "reclaim_amerex"),
            "V",
            "PR 2304 concept: NOx caps on terminals and ports; RECLAIM traded NOx (and SOx)",
        ),
    )
    """Pollutant the allowances are for (``factors.POLLUTANTS``)."""

    reference_year: int | None = Field(
        default=None,
        ge=1990,
        le=2100,
        json_schema_extra=factors.sourced(
            ("portcap_convention",), "V", "None = the run's base year (2023 by default)"
        ),
    )
    """Year whose emissions the cap path is a percentage below; None = the base year."""

    milestones: dict[int, float] = Field(
        default_factory=lambda: {2031: 50.0, 2037: 80.0},
        json_schema_extra=factors.sourced(
            ("pmsa_pr2304_concept", "portcap_assumption"),
            "R",
            "milestone years 2031 and 2037 and NOx cuts 'up to 80 %' [V-3p, PMSA]; the levels "
            "50 % and 80 % below 2023 are those of the pr2304-cap scenario (no draft rule "
            "language was published)",
        ),
    )
    """Percentage below the reference year's emissions [%] reached in each milestone year."""

    path: Literal["linear", "step"] = Field(
        default="linear",
        json_schema_extra=factors.sourced(
            ("crs_reclaim", "reclaim_amerex"),
            "V",
            "RECLAIM allocations declined every year towards the 2003 goal; 'step' gives the "
            "cap regime's path (each milestone's level from its year)",
        ),
    )
    """``linear``: the percentage rises linearly from ``glide_start_year`` (0 %) through the
    milestones, constant after the last; ``step``: each milestone's level from its year."""

    glide_start_year: int | None = Field(
        default=2027,
        ge=1990,
        le=2100,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "first full year after a rule adopted in 2025-2026 (range 2025-2031; 2031 = no "
            "glide); RECLAIM began with allocations at or above actual emissions",
        ),
    )
    """Year the linear glide path starts at 0 % below the reference (first year of the
    market); None = the market starts at the first milestone. Ignored for ``step``."""

    allocation: Literal["grandfathered", "teu"] = Field(
        default="grandfathered",
        json_schema_extra=factors.sourced(
            ("reclaim_amerex",),
            "V",
            "RECLAIM allocated by each facility's past peak production and the controls "
            "then in force, i.e. by history",
        ),
    )
    """``grandfathered``: shares of the reference year's emissions; ``teu``: shares of the
    year's TEU demand (output-based)."""

    banking: bool = Field(
        default=False,
        json_schema_extra=factors.sourced(
            ("reclaim_amerex", "scaqmd_reclaim_faq", "carb_cost_containment"),
            "V",
            "RECLAIM credits lived one compliance year (no carry-over); California's market "
            "allows banking within holding limits",
        ),
    )
    """Carry allowances not used in a year to later years."""

    bank_life_years: int | None = Field(
        default=None,
        ge=1,
        le=100,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "limited banking (range 1-5 years) was suggested to avoid RECLAIM's 2000 spike; "
            "None = banked allowances never expire",
        ),
    )
    """Years a banked allowance stays usable after its vintage year; None = no expiry."""

    ceiling_usd_per_tonne: float | None = Field(
        default=100_000.0 * SHORT_TONS_PER_TONNE,
        json_schema_extra=factors.sourced(
            ("portcap_assumption", "scaqmd_reclaim_2001", "carb_price_ceiling_95915"),
            "R",
            "$100,000 per short ton ($110,231 per tonne), the hard backstop suggested from "
            "RECLAIM's $15,000/ton Rule 2015 trigger, its $39,000/ton 2000 spike and "
            "California's unlimited ceiling-price sales (range $15,000-$1,000,000 per ton; "
            "None = no ceiling)",
        ),
    )
    """Price ceiling (backstop) [USD per tonne]: allowances are sold without limit at this
    price; None = no ceiling (then cargo is turned away if abatement runs out)."""

    @field_validator("pollutant")
    @classmethod
    def _check_pollutant(cls, value: str) -> str:
        factors.check_choice(value, factors.POLLUTANTS, "trading pollutant")
        return value

    @field_validator("milestones")
    @classmethod
    def _check_milestones(cls, value: dict[int, float]) -> dict[int, float]:
        if not value:
            msg = "milestones: give at least one {year: percent below the reference year}"
            raise ValueError(msg)
        ordered = dict(sorted(value.items()))
        for year, pct in ordered.items():
            if not 1990 <= year <= 2100:
                msg = f"milestone year {year} is outside 1990-2100"
                raise ValueError(msg)
            if not np.isfinite(pct) or pct < 0:
                msg = (
                    f"milestone {year}: a cut of {pct} % below the reference year is not "
                    "allowed (stringency must be a percentage >= 0)"
                )
                raise ValueError(msg)
            if pct >= 100:
                msg = (
                    f"milestone {year}: a cut of {pct} % allocates no allowances; a market "
                    "needs allowances (use the cap regime for a ban)"
                )
                raise ValueError(msg)
        levels = list(ordered.values())
        if any(later < earlier for earlier, later in zip(levels, levels[1:], strict=False)):
            msg = (
                f"milestones {ordered}: the cut must not fall from one milestone to the next "
                "(allowances decline to the cap)"
            )
            raise ValueError(msg)
        return ordered

    @field_validator("ceiling_usd_per_tonne")
    @classmethod
    def _check_ceiling(cls, value: float | None) -> float | None:
        if value is not None and not (np.isfinite(value) and value > 0):
            msg = (
                f"ceiling_usd_per_tonne must be a positive price in USD per tonne (or None "
                f"for no ceiling), got {value}"
            )
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _check_glide(self) -> TradingParameters:
        first = min(self.milestones)
        glide = self.glide_start_year
        if self.path == "linear" and glide is not None and glide >= first:
            msg = (
                f"glide_start_year {glide} must come before the first milestone ({first}); "
                "use None to start the market at the milestone"
            )
            raise ValueError(msg)
        if self.reference_year is not None and self.reference_year >= first:
            msg = (
                f"reference_year {self.reference_year} must come before the first milestone "
                f"({first})"
            )
            raise ValueError(msg)
        return self


# --------------------------------------------------------------------------------------
# The cap path and the allocation
# --------------------------------------------------------------------------------------
def allowance_path_pct_below(
    year: int,
    milestones: Mapping[int, float],
    *,
    path: Literal["linear", "step"] = "linear",
    glide_start_year: int | None = None,
) -> float | None:
    r"""Percentage below the reference year's emissions that the year's allowances add up to.

    Parameters
    ----------
    year : int
        The year [year].
    milestones : mapping of int to float
        Milestone year -> cut below the reference year [%].
    path : {"linear", "step"}
        ``linear``: linear between the points ``(glide_start_year, 0)`` and the milestones,
        constant after the last; ``step``: the level of the latest milestone reached.
    glide_start_year : int, optional
        First year of a linear path (at 0 %); None: the path starts at the first milestone.

    Returns
    -------
    float or None
        The cut [%], or None before the market starts.

    Notes
    -----
    With points :math:`(y_0, 0), (y_1, p_1), \dots, (y_n, p_n)` the linear path is

    .. math:: p(y) = p_{k} + (p_{k+1} - p_k) \frac{y - y_k}{y_{k+1} - y_k},
        \quad y_k \le y < y_{k+1}; \qquad p(y) = p_n, \quad y \ge y_n

    Examples
    --------
    >>> points = {2031: 50.0, 2037: 80.0}
    >>> [allowance_path_pct_below(y, points, glide_start_year=2027) for y in (2026, 2029, 2034)]
    [None, 25.0, 65.0]
    >>> allowance_path_pct_below(2034, points, path="step")
    50.0
    """
    factors.check_choice(path, ("linear", "step"), "allowance path")
    ordered = sorted((int(y), float(p)) for y, p in milestones.items())
    if not ordered:
        msg = "milestones: give at least one {year: percent below the reference year}"
        raise ValueError(msg)
    if path == "step":
        reached = [pct for milestone, pct in ordered if milestone <= year]
        return reached[-1] if reached else None
    if glide_start_year is not None:
        ordered = [(int(glide_start_year), 0.0), *ordered]
    years = np.array([y for y, _ in ordered], dtype=float)
    if year < years[0]:
        return None
    return float(np.interp(year, years, [p for _, p in ordered]))


def allocate_allowances(
    total_tonnes: float,
    terminals: pd.DataFrame,
    *,
    rule: str = "grandfathered",
    reference_emissions: pd.DataFrame | None = None,
    teu: pd.DataFrame | None = None,
    pollutant: str = "nox",
) -> pd.DataFrame:
    r"""Share a year's allowances among the container terminals.

    Parameters
    ----------
    total_tonnes : float
        Allowances of the year [t].
    terminals : DataFrame
        ``port, terminal`` of the terminals in the market.
    rule : {"grandfathered", "teu"}
        ``grandfathered``: in proportion to each terminal's emissions of ``pollutant`` in
        ``reference_emissions``; ``teu``: in proportion to ``teu``.
    reference_emissions : DataFrame, optional
        Emissions table of the reference year (``terminal, pollutant, mass_tonnes``);
        required for ``grandfathered``.
    teu : DataFrame, optional
        ``terminal, teu`` [TEU/year]; required for ``teu``.
    pollutant : str
        Pollutant of the allowances.

    Returns
    -------
    DataFrame
        ``port, terminal, allocation_share`` [-] and ``allocated_tonnes`` [t], in the order
        of ``terminals``; the allocations add up to ``total_tonnes``.

    Raises
    ------
    InputError
        For a negative or non-finite total, an unknown rule, a missing input of the rule,
        or weights that add up to zero while allowances are to be handed out (no
        allowances allocated).

    Notes
    -----
    .. math:: A_t = A \, \frac{w_t}{\sum_s w_s}

    with :math:`w_t` the terminal's reference-year emissions or TEU.

    Examples
    --------
    >>> terminals = pd.DataFrame({"port": ["POLB", "POLB"], "terminal": ["A", "B"]})
    >>> reference = pd.DataFrame({"terminal": ["A", "B"], "pollutant": "nox",
    ...                           "mass_tonnes": [300.0, 100.0]})
    >>> allocate_allowances(200.0, terminals, reference_emissions=reference)
       port terminal  allocation_share  allocated_tonnes
    0  POLB        A              0.75             150.0
    1  POLB        B              0.25              50.0
    """
    if not np.isfinite(total_tonnes) or total_tonnes < 0:
        raise InputError(
            f"allowances: the year's total must be a number of tonnes >= 0, got {total_tonnes}"
        )
    factors.check_choice(rule, ALLOCATION_RULES, "allocation rule")
    names = terminals["terminal"].astype(str)
    if rule == "grandfathered":
        if reference_emissions is None:
            raise InputError("allocation 'grandfathered' needs the reference-year emissions")
        mine = reference_emissions[reference_emissions["pollutant"] == pollutant]
        weights = mine.groupby("terminal")["mass_tonnes"].sum()
        basis = f"{pollutant} emissions of the reference year"
    else:
        if teu is None:
            raise InputError("allocation 'teu' needs the TEU of the terminals")
        weights = teu.groupby("terminal")["teu"].sum()
        basis = "TEU"
    weight = weights.reindex(names).fillna(0.0).to_numpy(dtype=float)
    if np.any(weight < 0) or not np.all(np.isfinite(weight)):
        raise InputError(f"allocation by {basis}: weights must be finite and >= 0")
    total_weight = float(weight.sum())
    if total_weight <= 0:
        if total_tonnes > 0:
            raise InputError(
                f"no allowances allocated: the {len(names)} container terminal(s) of the "
                f"market have no {basis} to share {total_tonnes:,.1f} t of allowances by"
            )
        share = np.zeros(len(names))
    else:
        share = weight / total_weight
    return pd.DataFrame(
        {
            "port": terminals["port"].to_numpy(),
            "terminal": names.to_numpy(),
            "allocation_share": share,
            "allocated_tonnes": total_tonnes * share,
        }
    )


# --------------------------------------------------------------------------------------
# The market
# --------------------------------------------------------------------------------------
def market_curves(
    options: pd.DataFrame | None, terminals: Sequence[str], pollutant: str
) -> pd.DataFrame:
    """Marginal abatement cost curves of the terminals from the clean-technology options.

    Parameters
    ----------
    options : DataFrame or None
        :func:`portcap.policy.technology.abatement_options` (``terminal, measure,
        pollutant, reduction_tonnes, cost_usd``).
    terminals : sequence of str
        Terminals in the market (others' options are left out).
    pollutant : str
        Pollutant of the allowances.

    Returns
    -------
    DataFrame
        ``terminal, measure, reduction_tonnes`` [t] of the pollutant and
        ``cost_per_tonne_usd`` [USD/t] = ``cost_usd / reduction_tonnes`` (the whole
        measure's cost charged to the traded pollutant; a measure that saves money is a
        step at zero), sorted by terminal then cost: each terminal's curve is
        non-decreasing.
    """
    table = measure_table(options)
    table = table[
        (table["pollutant"] == pollutant)
        & table["terminal"].isin(list(terminals))
        & (table["reduction_tonnes"].astype(float) > 0)
    ]
    reduction = table["reduction_tonnes"].astype(float)
    curves = pd.DataFrame(
        {
            "terminal": table["terminal"].astype(str).to_numpy(),
            "measure": table["measure"].astype(str).to_numpy(),
            "reduction_tonnes": reduction.to_numpy(),
            "cost_per_tonne_usd": np.maximum(
                table["cost_usd"].astype(float).to_numpy() / reduction.to_numpy(), 0.0
            ),
        }
    )
    return curves.sort_values(
        ["terminal", "cost_per_tonne_usd", "measure"], kind="mergesort"
    ).reset_index(drop=True)


def _check_curves(curves: pd.DataFrame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return (cost per tonne, reduction) of valid curves; raise on bad ones."""
    missing = [c for c in ("reduction_tonnes", "cost_per_tonne_usd") if c not in curves]
    if missing:
        raise InputError(
            f"abatement curves: missing column(s) {missing}; expected reduction_tonnes and "
            "cost_per_tonne_usd (and optionally terminal)"
        )
    price = curves["cost_per_tonne_usd"].to_numpy(dtype=float)
    reduction = curves["reduction_tonnes"].to_numpy(dtype=float)
    for name, values in (("cost_per_tonne_usd", price), ("reduction_tonnes", reduction)):
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
        if len(bad):
            raise InputError(
                f"abatement curves: {name} must be finite and >= 0, got {values[bad[0]]}",
                row=int(bad[0]) + 1,
                field=name,
            )
    group = curves["terminal"] if "terminal" in curves else pd.Series(0, index=curves.index)
    step = pd.Series(price, index=curves.index).groupby(group.to_numpy()).diff().to_numpy()
    falling = np.flatnonzero(step < 0)
    if len(falling):
        row = int(falling[0])
        where = f" of terminal {group.iloc[row]!r}" if "terminal" in curves else ""
        raise InputError(
            f"abatement curves: the marginal cost curve{where} is not monotone: "
            f"{price[row]:,.2f} USD/t after {price[row] - step[row]:,.2f} USD/t; give each "
            "curve's steps in order of increasing cost",
            row=row + 1,
            field="cost_per_tonne_usd",
        )
    return price, reduction


def _clear(
    price: npt.NDArray[np.float64],
    reduction: npt.NDArray[np.float64],
    required_cut_tonnes: float,
    ceiling_usd_per_tonne: float | None,
) -> tuple[float, float, npt.NDArray[np.float64]]:
    """Clear the market on checked steps: (price, shortfall, tonnes taken of each step)."""
    taken = np.zeros(len(price))
    if required_cut_tonnes <= _TOLERANCE_TONNES:
        return 0.0, 0.0, taken
    order = np.argsort(price, kind="stable")
    sorted_price, sorted_reduction = price[order], reduction[order]
    eligible = (
        np.ones(len(price), dtype=bool)
        if ceiling_usd_per_tonne is None
        else sorted_price <= ceiling_usd_per_tonne
    )
    supply = np.where(eligible, sorted_reduction, 0.0)
    cumulative = np.cumsum(supply)
    available = float(cumulative[-1]) if len(cumulative) else 0.0
    tolerance = _TOLERANCE_TONNES * max(1.0, required_cut_tonnes)
    if available >= required_cut_tonnes - tolerance:
        last = int(np.searchsorted(cumulative, required_cut_tonnes - tolerance, side="left"))
        clearing = float(sorted_price[last])
        shortfall = 0.0
        cut = min(required_cut_tonnes, available)
    else:
        cut = available
        shortfall = required_cut_tonnes - available
        if ceiling_usd_per_tonne is not None:
            clearing = float(ceiling_usd_per_tonne)
        else:
            clearing = float(sorted_price[supply > 0].max()) if available > 0 else 0.0
    step_taken = np.clip(cut - (cumulative - supply), 0.0, supply)
    taken[order] = step_taken
    return clearing, shortfall, taken


def clearing_price(
    curves: pd.DataFrame,
    required_cut_tonnes: float,
    *,
    ceiling_usd_per_tonne: float | None,
) -> tuple[float, float]:
    r"""Price at which the terminals' abatement cost curves deliver the cut the cap asks.

    Parameters
    ----------
    curves : DataFrame
        Steps of the marginal abatement cost curves: ``reduction_tonnes`` [t] at
        ``cost_per_tonne_usd`` [USD/t], optionally with ``terminal``; each terminal's
        steps in order of non-decreasing cost (as :func:`market_curves` gives them).
    required_cut_tonnes : float
        Emissions above the allowances available [t], >= 0.
    ceiling_usd_per_tonne : float or None
        Price ceiling [USD/t]; None for none.

    Returns
    -------
    tuple of float
        ``(price, shortfall)``: the allowance price [USD/t] and the tonnes the cut is
        not met by abatement [t] (bought at the ceiling, or turned away when there is
        no ceiling).

    Raises
    ------
    InputError
        For a negative cut or ceiling, a missing column, a negative or non-finite step,
        or a curve whose cost falls from one step to the next (not monotone).

    Notes
    -----
    With the steps of all terminals sorted by cost :math:`c_1 \le c_2 \le \dots` and their
    cumulative reduction :math:`Q_k = \sum_{j \le k} q_j`, the price is
    :math:`p = c_k` for the first :math:`k` with :math:`Q_k \ge R` (the marginal cost of
    the last step needed); :math:`p = 0` when :math:`R = 0`. With a ceiling :math:`\bar p`
    only the steps with :math:`c_j \le \bar p` count; if they fall short,
    :math:`p = \bar p` and the shortfall is :math:`R - \sum_{c_j \le \bar p} q_j`. Without
    a ceiling and with every step taken, the price is the cost of the dearest step and the
    shortfall :math:`R - Q_n` is met by turning cargo away.

    References
    ----------
    RECLAIM: declining allocations traded among facilities, with the Rule 2015 review
    trigger at $15,000/ton (SCAQMD Governing Board, 19 January 2001, Agenda No. 23);
    California cap-and-trade price ceiling (17 CCR 95915).

    Examples
    --------
    Two terminals with linear marginal costs of $1,000/t and $3,000/t per tonne cut, in
    steps of 1 t priced at their upper end; a cut of 40 t clears at
    :math:`1000 \cdot 3000 \cdot 40 / 4000 = \$30{,}000` per tonne:

    >>> q = np.arange(1.0, 41.0)
    >>> curves = pd.DataFrame({"terminal": ["A"] * 40 + ["B"] * 40,
    ...                        "reduction_tonnes": 1.0,
    ...                        "cost_per_tonne_usd": np.r_[1000 * q, 3000 * q]})
    >>> clearing_price(curves, 40.0, ceiling_usd_per_tonne=None)
    (30000.0, 0.0)
    >>> clearing_price(curves, 40.0, ceiling_usd_per_tonne=12_000.0)   # 12 + 4 t below it
    (12000.0, 24.0)
    """
    if not np.isfinite(required_cut_tonnes) or required_cut_tonnes < 0:
        raise InputError(f"required cut must be a number of tonnes >= 0, got {required_cut_tonnes}")
    if ceiling_usd_per_tonne is not None and not (
        np.isfinite(ceiling_usd_per_tonne) and ceiling_usd_per_tonne > 0
    ):
        raise InputError(
            f"price ceiling must be a positive price in USD per tonne, got {ceiling_usd_per_tonne}"
        )
    price, reduction = _check_curves(curves)
    clearing, shortfall, _ = _clear(
        price, reduction, float(required_cut_tonnes), ceiling_usd_per_tonne
    )
    return clearing, shortfall


# --------------------------------------------------------------------------------------
# The regime
# --------------------------------------------------------------------------------------
class TradingRegime:
    """Cap-and-trade among the container terminals as a :class:`~portcap.policy.base.Regime`.

    Made by :func:`make_regime`; keeps the bank of allowances from year to year, so its
    :meth:`step` must be called once per year in increasing order.

    Parameters
    ----------
    parameters : TradingParameters
        The market design.
    context : RegimeContext
        Base year, reference inventories, container terminals.
    reference_tonnes : float
        Emissions of the pollutant of the container terminals in the reference year [t].
    """

    name = "trading"

    def __init__(
        self, parameters: TradingParameters, context: RegimeContext, reference_tonnes: float
    ) -> None:
        self.parameters = parameters
        self.context = context
        self.reference_year = parameters.reference_year or context.base_year
        self.reference_tonnes = reference_tonnes
        self.terminals = context.container_terminals[["port", "terminal"]].reset_index(drop=True)
        self.bank: dict[int, float] = {}
        """Banked allowances by vintage year [t]."""
        self.last_year: int | None = None
        self._ledger: list[pd.DataFrame] = []

    def ledger(self) -> pd.DataFrame:
        """Return the allowance ledger of the years stepped so far (:data:`LEDGER_COLUMNS`)."""
        if not self._ledger:
            return pd.DataFrame(columns=list(LEDGER_COLUMNS))
        return pd.concat(self._ledger, ignore_index=True)

    def allowances_tonnes(self, year: int) -> float | None:
        """Return the year's allowances [t] (None before the market starts)."""
        parameters = self.parameters
        pct = allowance_path_pct_below(
            year,
            parameters.milestones,
            path=parameters.path,
            glide_start_year=parameters.glide_start_year,
        )
        return None if pct is None else self.reference_tonnes * (1.0 - pct / 100.0)

    def _draw_bank(self, year: int, need: float) -> tuple[float, float]:
        """Expire old vintages, then use banked allowances oldest first: (used, expired)."""
        life = self.parameters.bank_life_years
        expired = 0.0
        if life is not None:
            for vintage in [v for v in self.bank if year - v > life]:
                expired += self.bank.pop(vintage)
        used = 0.0
        for vintage in sorted(self.bank):
            if need - used <= _TOLERANCE_TONNES:
                break
            take = min(self.bank[vintage], need - used)
            self.bank[vintage] -= take
            used += take
        self.bank = {v: t for v, t in self.bank.items() if t > _TOLERANCE_TONNES}
        return used, expired

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Clear the year's market: abatement, trades, ceiling purchases or turn-away.

        See :class:`portcap.policy.base.Regime` for the arguments and the module docstring
        for the rules.
        """
        if self.last_year is not None and year <= self.last_year:
            msg = f"trading steps must come in increasing years: {year} after {self.last_year}"
            raise ValueError(msg)
        self.last_year = year
        parameters = self.parameters
        pollutant = parameters.pollutant
        covered = self.terminals["terminal"].astype(str)
        container_teu = teu[teu["terminal"].isin(covered)]
        allowances = self.allowances_tonnes(year)
        if allowances is None:
            return PolicyOutcome(
                no_policy_terminals(year, container_teu),
                emissions,
                taken_table(measure_table(None), {}, year),
                pd.DataFrame(columns=list(CAP_COLUMNS)),
                empty_payments(),
                dict.fromkeys(INDICATORS, 0.0),
            )
        allocation = allocate_allowances(
            allowances,
            self.terminals,
            rule=parameters.allocation,
            reference_emissions=self.context.reference[self.reference_year],
            teu=container_teu,
            pollutant=pollutant,
        )
        work = emissions.copy()
        work["mass_tonnes"] = work["mass_tonnes"].astype(float)
        in_market = work["terminal"].isin(covered) & (work["pollutant"] == pollutant)
        before = _by_terminal(work, in_market, covered)
        total_before = float(before.sum())

        # allowances available: the year's, then the bank if they fall short
        bank_used, expired = self._draw_bank(year, max(0.0, total_before - allowances))
        available = allowances + bank_used
        required = max(0.0, total_before - available)

        # clearing on the terminals' marginal abatement cost curves
        measures = measure_table(options)
        curves = market_curves(options, list(covered), pollutant)
        price_steps, reduction_steps = _check_curves(curves)
        price, _, step_taken = _clear(
            price_steps, reduction_steps, required, parameters.ceiling_usd_per_tonne
        )
        taken: dict[str, float] = {}
        share_taken = step_taken / np.where(reduction_steps > 0, reduction_steps, 1.0)
        for terminal, measure, share in zip(
            curves["terminal"], curves["measure"], share_taken, strict=True
        ):
            if share > 0:
                taken[f"{terminal}|{measure}"] = float(share)
                reduce_emissions(work, measures, terminal, measure, float(share))
        abated = _by_terminal(work, in_market, covered)
        total_abated = float(abated.sum())
        # shortfall from the realised emissions (measures on the same rows may overlap)
        shortfall = max(0.0, total_abated - available)
        if shortfall <= _TOLERANCE_TONNES * max(1.0, available):
            shortfall = 0.0
        ceiling = parameters.ceiling_usd_per_tonne
        ceiling_purchase = shortfall if ceiling is not None else 0.0
        turn_away = shortfall if ceiling is None else 0.0
        if ceiling is not None and shortfall > 0:
            price = float(ceiling)

        if turn_away > 0:
            total_all = float(work.loc[work["pollutant"] == pollutant, "mass_tonnes"].sum())
            complex_cap = pd.DataFrame(
                {
                    "scope": ["complex"],
                    "target": ["complex"],
                    "port": [""],
                    "pollutant": [pollutant],
                    "cap_tonnes": [total_all - turn_away],
                }
            )
            curtailed = apply_caps(work, container_teu, complex_cap, profile, options=None)
            work = curtailed.emissions
            terminals = curtailed.terminals.copy()
            curtailed_rows = terminals["allowed_share"].to_numpy(dtype=float) < 1.0
            terminals["binding_cap"] = [
                f"{MARKET} {pollutant}" if c else None for c in curtailed_rows
            ]
        else:
            terminals = no_policy_terminals(year, container_teu)
        after = _by_terminal(work, in_market, covered)
        total_after = float(after.sum())

        # each terminal's position: what it emits against what it holds
        holdings = allocation["allocated_tonnes"].to_numpy() + bank_used * (
            allocation["allocation_share"].to_numpy()
        )
        net = after - holdings
        payments = _payments(year, covered.to_numpy(), net, price)

        # unused allowances: banked (or lost)
        surplus = max(0.0, available - total_after)
        if parameters.banking and surplus > _TOLERANCE_TONNES:
            self.bank[year] = self.bank.get(year, 0.0) + surplus
        measures_taken = taken_table(measures, taken, year)
        abatement_cost = float(
            measures_taken.drop_duplicates(["terminal", "measure"])["cost_usd"].sum()
        )
        indicators = {
            "market_in_force": 1.0,
            "cap_pct_below": 100.0 * (1.0 - allowances / self.reference_tonnes),
            "allowances_tonnes": allowances,
            "bank_used_tonnes": bank_used,
            "bank_expired_tonnes": expired,
            "banked_tonnes": float(sum(self.bank.values())),
            "covered_emissions_tonnes": total_before,
            "required_cut_tonnes": required,
            "abatement_tonnes": total_before - total_abated,
            "abatement_cost_usd": abatement_cost,
            "allowance_price_usd_per_tonne": float(price),
            "allowances_traded_tonnes": float(np.clip(net, 0.0, None).sum()),
            "shortfall_tonnes": shortfall,
            "ceiling_purchase_tonnes": ceiling_purchase,
            "turn_away_tonnes": turn_away,
        }
        caps = pd.DataFrame(
            {
                "scope": [MARKET],
                "target": ["container_terminals"],
                "port": [""],
                "pollutant": [pollutant],
                "cap_tonnes": [allowances],
                "before_tonnes": [total_before],
                "after_tonnes": [total_after],
                "met": [shortfall == 0.0 or ceiling is None],
                "year": [year],
            }
        )
        self._ledger.append(
            pd.DataFrame(
                {
                    "year": year,
                    "port": allocation["port"].to_numpy(),
                    "terminal": covered.to_numpy(),
                    "allocation_share": allocation["allocation_share"].to_numpy(),
                    "allocated_tonnes": allocation["allocated_tonnes"].to_numpy(),
                    "bank_used_tonnes": bank_used * allocation["allocation_share"].to_numpy(),
                    "emissions_before_tonnes": before,
                    "abatement_tonnes": before - abated,
                    "turn_away_tonnes": abated - after,
                    "emissions_after_tonnes": after,
                    "net_purchase_tonnes": net,
                    "allowance_price_usd_per_tonne": float(price),
                }
            )
        )
        return PolicyOutcome(terminals, work, measures_taken, caps, payments, indicators)


def _by_terminal(
    work: pd.DataFrame, mask: pd.Series, terminals: pd.Series
) -> npt.NDArray[np.float64]:
    """Return the mass of the masked rows of each terminal, in the order given [t]."""
    mass = work.loc[mask].groupby("terminal")["mass_tonnes"].sum()
    return mass.reindex(terminals.to_numpy()).fillna(0.0).to_numpy(dtype=float)


def _payments(
    year: int, terminals: npt.NDArray[np.object_], net_tonnes: npt.NDArray[np.float64], price: float
) -> pd.DataFrame:
    """Return allowance purchases (net buyers, > 0) and sales (net sellers, < 0) at a price."""
    usd = net_tonnes * price
    keep = np.abs(usd) > 0
    if not keep.any():
        return empty_payments()
    return pd.DataFrame(
        {
            "year": year,
            "terminal": terminals[keep],
            "kind": np.where(net_tonnes[keep] > 0, "allowance_purchase", "allowance_sale"),
            "usd": usd[keep],
        }
    )


def make_regime(parameters: TradingParameters, context: RegimeContext) -> TradingRegime:
    """Make the trading regime of a run (checked before anything runs).

    Parameters
    ----------
    parameters : TradingParameters
        The market design.
    context : RegimeContext
        Base year, reference inventories (the market's reference year among them) and
        container terminals (the market).

    Returns
    -------
    TradingRegime

    Raises
    ------
    InputError
        If the reference year has no inventory, there are no container terminals, or they
        emitted none of the pollutant in the reference year while the cap path asks for a
        cut (no allowances would be allocated).
    """
    reference_year = parameters.reference_year or context.base_year
    if reference_year not in context.reference:
        raise InputError(
            f"trading: no inventory of the reference year {reference_year} (have "
            f"{sorted(context.reference)})"
        )
    terminals = context.container_terminals
    if terminals.empty:
        raise InputError("trading: no container terminals, so no allowances can be allocated")
    reference = context.reference[reference_year]
    mask = reference["terminal"].isin(terminals["terminal"]) & (
        reference["pollutant"] == parameters.pollutant
    )
    reference_tonnes = float(reference.loc[mask, "mass_tonnes"].sum())
    if not reference_tonnes > 0:
        raise InputError(
            f"trading: no allowances allocated: the {len(terminals)} container terminal(s) "
            f"emitted {reference_tonnes} t of {parameters.pollutant} in {reference_year}, so "
            f"the cap path {parameters.milestones} (% below {reference_year}) gives zero "
            "allowances"
        )
    return TradingRegime(parameters, context, reference_tonnes)
