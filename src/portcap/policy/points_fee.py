r"""Points and fee: a WAIRE-like obligation for container terminals, actions or a fee.

The South Coast AQMD's warehouse rule (Rule 2305, the WAIRE Program) gives each large
warehouse a yearly obligation of points, from its truck traffic, that it meets with
actions from a menu (zero-emission trucks and equipment, chargers ...) or by paying a
mitigation fee per point; the fees fund clean-air projects. A "WAIRE-like" rule for the
ports is a hypothetical design option (no such rule text was published). This module
applies the WAIRE structure to each container terminal:

1. **Obligation.** Points required
   :math:`P_t = A_t \times s \times v(k)`, with the activity :math:`A_t` in **weighted
   annual truck trips** as in WAIRE (WATTs: drayage tractors are Class 8, each trip
   counts 2.5), estimated from the terminal's TEU demand with the truck trips per TEU of
   the 2023 baseline; the stringency :math:`s` = 0.0025 points per WATT; the annual
   variable :math:`v(k)` = 0.33, 0.67, 1.0 in compliance years :math:`k` = 1, 2, 3 and
   later (``points_fee_phase_in.csv``). Terminals at or below the de minimis (10
   points) owe nothing.
2. **Menu.** The terminal's clean-technology options
   (:func:`portcap.policy.technology.abatement_options`) earn points in proportion to
   their Moyer-weighted reductions: ``points_per_weighted_tonne`` points per weighted
   tonne a year (WAIRE's menu point values were not found; the default makes a point
   worth what the Moyer zero-emission limit pays for its weighted tonnes).
3. **Choice.** Each terminal takes its actions cheapest per point first (annualised
   cost over points) while they cost less than the fee per point (mitigation fee plus
   the 6.25 % administrative fee), the last one in part, up to its obligation; it pays
   the fee for the points left. Actions are yearly, as in the cap regime: a terminal
   pays a measure's annualised cost in each year it counts it.
4. **Revenue.** The mitigation fees (not the administrative fee) go to a fund that buys
   projects through :func:`portcap.policy.funding.allocate_budget` in the **next** year
   (WAIRE reports and fees for a compliance year are due on 31 January after it), from
   the options the terminals did not take, within the cost-effectiveness limit; the
   projects last their lives (:class:`portcap.policy.funding.ProjectPortfolio`).

No cargo is turned away. Payments: ``fee`` (mitigation plus administrative fee, per
terminal) and ``public_funding`` (the fund's grants, by the terminal of the project).

Methods, values and ranges: ``docs/methodology/points-fee.md``.

Examples
--------
The WAIRE worked example: 10,000 Class 2b-7 and 20,000 Class 8 trips are 60,000 WATTs;
at a stringency of 0.0025 and annual variables 0.33, 0.67, 1.0 the obligation is 49.5,
100.5 and 150 points:

>>> [round(60_000 * 0.0025 * annual_variable(y, first_year=2022), 1)
...  for y in (2022, 2023, 2024, 2030)]
[49.5, 100.5, 150.0, 150.0]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, TableSpec
from portcap.policy import funding
from portcap.policy.base import (
    PolicyOutcome,
    RegimeContext,
    cut_emissions,
    empty_payments,
    no_policy_terminals,
)

__all__ = [
    "BALANCE_COLUMNS",
    "POINTS_FEE_TABLES",
    "PointsFeeParameters",
    "PointsFeeRegime",
    "annual_variable",
    "choose_compliance",
    "make_regime",
    "points_obligation",
    "waire_annual_variables",
    "weighted_truck_trips",
]

BALANCE_COLUMNS: tuple[str, ...] = (
    "terminal",
    "points_required",
    "points_from_actions",
    "points_from_fee",
    "action_cost_usd",
    "fee_usd",
)
"""Columns of the balance returned by :func:`choose_compliance`."""

ACTION_COLUMNS: tuple[str, ...] = (
    "terminal",
    "measure",
    "share_taken",
    "points",
    "cost_usd",
    "usd_per_point",
)


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


POINTS_FEE_TABLES: dict[str, TableSpec] = {
    "points_fee_phase_in": TableSpec(
        "points_fee_phase_in",
        "points_fee_phase_in.csv",
        "WAIRE annual variable by compliance year (Rule 2305 Table 2).",
        key=("compliance_year",),
        columns=(
            ColumnSpec("compliance_year", "int", minimum=1, maximum=50),
            ColumnSpec("annual_variable", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
            *_sources(),
        ),
    )
}
"""Packaged tables of the points-and-fee regime (``portcap/data/policy/points_fee_*.csv``)."""


@functools.cache
def _phase_in_table() -> pd.DataFrame:
    spec = POINTS_FEE_TABLES["points_fee_phase_in"]
    path = Path(str(resources.files("portcap.data").joinpath("policy", spec.file)))
    return factors.read_table_csv(path, spec).sort_values("compliance_year")


def waire_annual_variables() -> tuple[float, ...]:
    """Return WAIRE's annual variable of compliance years 1, 2, 3 (and later).

    Returns
    -------
    tuple of float
        Annual variable [-] of each compliance year; the last applies to every later year.

    Examples
    --------
    >>> waire_annual_variables()
    (0.33, 0.67, 1.0)
    """
    return tuple(float(v) for v in _phase_in_table()["annual_variable"])


def _default_points_per_weighted_tonne() -> float:
    return funding.moyer_limit_usd_per_weighted_tonne("off_road_zero_emission") / 1000.0


class PointsFeeParameters(BaseModel):
    """Parameters of the points-and-fee regime (each default sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    stringency_points_per_weighted_trip: float = Field(
        default=0.0025,
        json_schema_extra=factors.sourced(
            ("waire_formula_2021",), "V", "Rule 2305 stringency, 0.0025 points per WATT"
        ),
    )
    """Points owed per weighted annual truck trip at an annual variable of 1 [points/WATT]."""

    class8_trip_weight: float = Field(
        default=2.5,
        json_schema_extra=factors.sourced(
            ("waire_ptr_energy",),
            "V-3p",
            "WATTs count a Class 8 trip 2.5 times (a Class 2b-7 trip once); drayage tractors "
            "are Class 8",
        ),
    )
    """Weight of a drayage (Class 8) truck trip in weighted trips [WATT per trip]."""

    truck_trips_per_teu: float = Field(
        default=2.5 * (1.0 - 0.28) / 1.887,
        json_schema_extra=factors.sourced(
            ("ncfrp_11", "joc_2025_rail", "pma_2023"),
            "D",
            "2023 baseline: 2.5 truck legs per container x (1 - 0.28 on-dock rail) / 1.887 "
            "TEU per container = 0.954 one-way trips per TEU; range 0.8-1.1 (on-dock share "
            "25-35 %, 1.8-1.9 TEU per box)",
        ),
    )
    """One-way drayage truck trips per TEU handled [trips/TEU]."""

    annual_variable: tuple[float, ...] = Field(
        default_factory=waire_annual_variables,
        json_schema_extra=factors.sourced(
            ("waire_formula_2021", "waire_usgain"),
            "V",
            "0.33, 0.67, 1.0 in compliance years 1, 2, 3+ (endpoints verified, middle value "
            "from a third-party transcription)",
        ),
    )
    """Annual variable of compliance years 1, 2, ... [-]; the last applies to every later
    year; non-decreasing, each 0-1."""

    first_compliance_year: int | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "None = the first modelled year (no port rule text sets a date)",
        ),
    )
    """First compliance year (annual variable of year 1); None: the first modelled year."""

    fee_usd_per_point: float = Field(
        default=1000.0,
        json_schema_extra=factors.sourced(
            ("waire_all4_2021",),
            "V",
            "WAIRE mitigation fee $1,000 per point (2021 dollars; CPI indexation not found, "
            "and portcap's costs are not indexed either)",
        ),
    )
    """Mitigation fee [USD/point], >= 0."""

    admin_fee_share: float = Field(
        default=0.0625,
        json_schema_extra=factors.sourced(
            ("waire_ptr_energy",), "V-3p", "administrative fee of 6.25 % of the mitigation fee"
        ),
    )
    """Administrative fee as a share of the mitigation fee [-], 0-1 (paid by the terminal,
    not spent on projects)."""

    de_minimis_points: float = Field(
        default=10.0,
        json_schema_extra=factors.sourced(
            ("waire_cresa",), "V-3p", "operators owing 10 points or less need not earn points"
        ),
    )
    """Obligations at or below this owe nothing [points]."""

    points_per_weighted_tonne: float = Field(
        default_factory=_default_points_per_weighted_tonne,
        json_schema_extra=factors.sourced(
            ("moyer_2022_update", "waire_its4logistics", "portcap_assumption"),
            "D",
            "WAIRE menu values not found: a point is worth the weighted tonnes the Moyer "
            "zero-emission limit buys for the fee, 575,407 / 1,000 = 575 points per weighted "
            "tonne; third-party menu claims (14 points per 100 ZE loads) against portcap's "
            "2023 truck emissions (about 82 g weighted per one-way trip) give about 850; "
            "range 300-1,700",
        ),
    )
    """Points a clean-technology action earns per Moyer-weighted tonne it cuts in a year
    [points/(t/year)], > 0."""

    weights: dict[str, float] = Field(
        default_factory=funding.moyer_weights,
        json_schema_extra=factors.sourced(
            ("moyer_advisory_05_001", "portcap_assumption"),
            "R",
            "Moyer weighted emissions NOx + ROG + 20 x PM10 (hc stands for ROG)",
        ),
    )
    """Weight of each pollutant in a weighted tonne [-], for points and for the fund."""

    limit_usd_per_weighted_tonne: float | None = Field(
        default_factory=lambda: funding.moyer_limit_usd_per_weighted_tonne(
            "off_road_zero_emission"
        ),
        json_schema_extra=factors.sourced(
            ("moyer_2022_update",),
            "V",
            "Moyer optional zero-emission limit, $522,000 per weighted short ton",
        ),
    )
    """Cost-effectiveness limit of the projects the fee revenue funds [USD/(t/year)];
    None: no limit."""

    discount_rate: float = Field(
        default=0.03,
        json_schema_extra=factors.sourced(
            ("epa_bpt_2012", "moyer_guidelines"),
            "R",
            "the technology module's default rate (grants as present values)",
        ),
    )
    """Rate that turns a funded project's annualised cost into its grant [1/year], 0-0.3."""

    divisible: bool = Field(
        default=True,
        json_schema_extra=factors.sourced(("portcap_convention",), "V", "as the funding regime"),
    )
    """Funded projects may be taken in part."""

    carry_over_unspent: bool = Field(
        default=True,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "fee revenue is a dedicated fund: what is not granted stays in it",
        ),
    )
    """Fee revenue not granted in a year stays in the fund for later years."""

    @field_validator(
        "stringency_points_per_weighted_trip",
        "class8_trip_weight",
        "truck_trips_per_teu",
        "fee_usd_per_point",
        "de_minimis_points",
        "limit_usd_per_weighted_tonne",
    )
    @classmethod
    def _non_negative(cls, value: float | None, info: object) -> float | None:
        name = getattr(info, "field_name", "value")
        funding.check_non_negative(value, str(name))
        return value

    @field_validator("points_per_weighted_tonne")
    @classmethod
    def _positive(cls, value: float) -> float:
        if not value > 0:
            msg = f"points_per_weighted_tonne must be > 0; got {value}"
            raise ValueError(msg)
        return value

    @field_validator("admin_fee_share")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            msg = f"admin_fee_share must be between 0 and 1; got {value}"
            raise ValueError(msg)
        return value

    @field_validator("annual_variable")
    @classmethod
    def _phase_in(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            msg = "annual_variable needs at least one value"
            raise ValueError(msg)
        if any(not 0.0 <= v <= 1.0 for v in value):
            msg = f"annual_variable values must be between 0 and 1; got {list(value)}"
            raise ValueError(msg)
        if any(b < a for a, b in zip(value, value[1:], strict=False)):
            msg = (
                "annual_variable must not decrease from year to year (a phase-in); "
                f"got {list(value)}"
            )
            raise ValueError(msg)
        return value

    @field_validator("weights")
    @classmethod
    def _valid_weights(cls, value: dict[str, float]) -> dict[str, float]:
        funding.check_weights(value)
        return value

    @field_validator("discount_rate")
    @classmethod
    def _rate(cls, value: float) -> float:
        funding.check_discount_rate(value)
        return value


# --------------------------------------------------------------------------------------
# The obligation
# --------------------------------------------------------------------------------------
def annual_variable(
    year: int, *, first_year: int, phase_in: Sequence[float] | None = None
) -> float:
    """Return the annual variable of a year.

    Parameters
    ----------
    year : int
        The year.
    first_year : int
        First compliance year.
    phase_in : sequence of float, optional
        Annual variable of compliance years 1, 2, ... [-]; default WAIRE's
        (:func:`waire_annual_variables`).

    Returns
    -------
    float
        0 before the first compliance year; then the value of compliance year
        ``year - first_year + 1``, the last value for every later year.

    Examples
    --------
    >>> [annual_variable(y, first_year=2031) for y in (2030, 2031, 2032, 2033, 2040)]
    [0.0, 0.33, 0.67, 1.0, 1.0]
    """
    values = tuple(phase_in) if phase_in is not None else waire_annual_variables()
    index = int(year) - int(first_year)
    if index < 0:
        return 0.0
    return float(values[min(index, len(values) - 1)])


def weighted_truck_trips(
    teu: npt.ArrayLike, *, truck_trips_per_teu: float, class8_trip_weight: float
) -> npt.NDArray[np.float64]:
    r"""Return weighted annual truck trips (WATTs) from TEU handled.

    Parameters
    ----------
    teu : float or array_like
        TEU handled in the year [TEU].
    truck_trips_per_teu : float
        One-way drayage trips per TEU [trips/TEU].
    class8_trip_weight : float
        Weight of a Class 8 trip [WATT/trip].

    Returns
    -------
    numpy.ndarray
        :math:`A = TEU \times n_{trip} \times 2.5` [WATT/year].

    Examples
    --------
    >>> weighted_truck_trips([1_000_000], truck_trips_per_teu=0.954, class8_trip_weight=2.5)
    array([2385000.])
    """
    values = np.asarray(teu, dtype=float)
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        msg = "teu must be finite numbers >= 0"
        raise InputError(msg)
    return np.asarray(values * truck_trips_per_teu * class8_trip_weight, dtype=float)


def points_obligation(
    teu: pd.DataFrame, year: int, parameters: PointsFeeParameters, *, first_year: int
) -> pd.DataFrame:
    r"""Return each container terminal's points obligation of a year.

    Parameters
    ----------
    teu : DataFrame
        ``port, terminal, teu``: TEU demand of the container terminals [TEU].
    year : int
        The year.
    parameters : PointsFeeParameters
        Stringency, trip weights, annual variable, de minimis.
    first_year : int
        First compliance year.

    Returns
    -------
    DataFrame
        ``port, terminal, teu, weighted_truck_trips, annual_variable, points_required``
        [points/year; 0 at or below the de minimis].

    Notes
    -----
    .. math:: P_t = TEU_t \, n_{trip} \, w_8 \; s \; v(y - y_0 + 1)

    (Rule 2305: WPCO = WATTs x stringency x annual variable.)
    """
    missing = [c for c in ("port", "terminal", "teu") if c not in teu.columns]
    if missing:
        msg = f"teu table: missing column(s) {missing}; expected port, terminal, teu"
        raise InputError(msg)
    trips = weighted_truck_trips(
        teu["teu"].to_numpy(dtype=float),
        truck_trips_per_teu=parameters.truck_trips_per_teu,
        class8_trip_weight=parameters.class8_trip_weight,
    )
    variable = annual_variable(year, first_year=first_year, phase_in=parameters.annual_variable)
    points = trips * parameters.stringency_points_per_weighted_trip * variable
    points = np.where(points > parameters.de_minimis_points, points, 0.0)
    return pd.DataFrame(
        {
            "port": teu["port"].to_numpy(),
            "terminal": teu["terminal"].astype(str).to_numpy(),
            "teu": teu["teu"].to_numpy(dtype=float),
            "weighted_truck_trips": trips,
            "annual_variable": variable,
            "points_required": points,
        }
    )


# --------------------------------------------------------------------------------------
# The terminals' choice
# --------------------------------------------------------------------------------------
def choose_compliance(
    options: pd.DataFrame,
    obligation: pd.DataFrame,
    *,
    price_usd_per_point: float,
    points_per_weighted_tonne: float,
    weights: Mapping[str, float],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Meet each terminal's points with actions cheaper than the fee, the rest with the fee.

    Parameters
    ----------
    options : DataFrame
        The clean-technology options open to the terminals (``terminal, measure,
        pollutant, reduction_tonnes, cost_usd``; cost annualised, repeated per
        pollutant row).
    obligation : DataFrame
        ``terminal, points_required`` (:func:`points_obligation`).
    price_usd_per_point : float
        What a point costs a terminal in fees [USD/point] (mitigation plus
        administrative fee).
    points_per_weighted_tonne : float
        Points an action earns per weighted tonne a year [points/(t/year)].
    weights : mapping
        Pollutant weights of a weighted tonne [-].

    Returns
    -------
    actions : DataFrame
        ``terminal, measure, share_taken, points, cost_usd, usd_per_point``: the actions
        taken (share of the option, points earned and annualised cost of that share).
    balance : DataFrame
        :data:`BALANCE_COLUMNS`, one row per terminal of the obligation.

    Notes
    -----
    For each terminal, actions :math:`j` with cost per point :math:`c_j / (\pi w_j) <
    f` are taken in increasing cost per point until the points reach the obligation
    (the last one in part); the fee :math:`f` pays for the rest:
    :math:`\text{fee} = f \max(0, P_t - \sum_j x_j \pi w_j)`. This is the least-cost
    way to meet the obligation when actions are divisible. An action that costs exactly
    the fee per point is not taken.

    Examples
    --------
    One terminal owes 100 points; an action earning 60 points at $300 a point is
    taken, the 40 points left are paid at $1,000:

    >>> options = pd.DataFrame({"terminal": "T", "measure": "m", "pollutant": "nox",
    ...     "reduction_tonnes": [0.6], "cost_usd": [18_000.0]})
    >>> obligation = pd.DataFrame({"terminal": ["T"], "points_required": [100.0]})
    >>> actions, balance = choose_compliance(options, obligation, price_usd_per_point=1000,
    ...     points_per_weighted_tonne=100, weights={"nox": 1})
    >>> balance[["points_from_actions", "points_from_fee", "action_cost_usd", "fee_usd"]]
       points_from_actions  points_from_fee  action_cost_usd  fee_usd
    0                 60.0             40.0          18000.0  40000.0
    """
    if not price_usd_per_point >= 0:
        msg = f"price_usd_per_point must be a number >= 0; got {price_usd_per_point}"
        raise InputError(msg)
    if not points_per_weighted_tonne > 0:
        msg = f"points_per_weighted_tonne must be > 0; got {points_per_weighted_tonne}"
        raise InputError(msg)
    required = (
        obligation.groupby(obligation["terminal"].astype(str))["points_required"]
        .sum()
        .astype(float)
    )
    if options.empty:
        projects = pd.DataFrame(
            columns=["terminal", "measure", "cost_usd", "grant_usd", "weighted_tonnes"]
        )
    else:
        projects = funding.weighted_tonnes(options, weights)
    projects = projects.assign(
        terminal=projects["terminal"].astype(str),
        points=projects["weighted_tonnes"].astype(float) * points_per_weighted_tonne,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_point = np.where(
            projects["points"] > 0, projects["cost_usd"].astype(float) / projects["points"], np.inf
        )
    projects["usd_per_point"] = per_point
    projects["need"] = projects["terminal"].map(required).astype(float).fillna(0.0)
    cheaper = projects[
        (projects["points"] > 0)
        & (projects["usd_per_point"] < price_usd_per_point)
        & (projects["need"] > 0)
    ]
    cheaper = cheaper.sort_values(["terminal", "usd_per_point", "measure"], kind="stable")
    earned_before = cheaper.groupby("terminal")["points"].cumsum() - cheaper["points"]
    share = np.clip((cheaper["need"] - earned_before) / cheaper["points"], 0.0, 1.0)
    actions = cheaper.assign(share_taken=share)
    actions = actions[actions["share_taken"] > 0].copy()
    actions["points"] = actions["points"] * actions["share_taken"]
    actions["cost_usd"] = actions["cost_usd"].astype(float) * actions["share_taken"]
    actions = actions[list(ACTION_COLUMNS)].reset_index(drop=True)

    earned = actions.groupby("terminal")["points"].sum().reindex(required.index).fillna(0.0)
    action_cost = actions.groupby("terminal")["cost_usd"].sum().reindex(required.index)
    need = required.to_numpy(dtype=float)
    from_actions = np.minimum(earned.to_numpy(dtype=float), need)
    from_fee = np.maximum(need - from_actions, 0.0)
    from_fee = np.where(from_fee > 1e-9 * np.maximum(need, 1.0), from_fee, 0.0)  # round-off
    balance = pd.DataFrame(
        {
            "terminal": required.index.astype(str),
            "points_required": need,
            "points_from_actions": from_actions,
            "points_from_fee": from_fee,
            "action_cost_usd": action_cost.fillna(0.0).to_numpy(dtype=float),
            "fee_usd": from_fee * price_usd_per_point,
        }
    )
    return actions, balance[list(BALANCE_COLUMNS)]


# --------------------------------------------------------------------------------------
# The regime
# --------------------------------------------------------------------------------------
class PointsFeeRegime:
    """Points and fee as a :class:`portcap.policy.base.Regime` (keeps its fund and projects).

    Parameters
    ----------
    parameters : PointsFeeParameters
        Obligation, menu, fee and fund parameters.
    context : RegimeContext
        Base year, reference inventories, container terminals.
    """

    name = "points_fee"

    def __init__(self, parameters: PointsFeeParameters, context: RegimeContext) -> None:
        self.parameters = parameters
        self.context = context
        self.portfolio = funding.ProjectPortfolio()
        self.fund_usd = 0.0
        self.first_year: int | None = parameters.first_compliance_year

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Apply one compliance year: obligations, actions, fees, last year's fees spent."""
        p = self.parameters
        if self.first_year is None:
            self.first_year = int(year)
        obligation = points_obligation(teu, year, p, first_year=self.first_year)
        ledger = self.portfolio.ledger(year, emissions, options)
        remaining = ledger.remaining
        price = p.fee_usd_per_point * (1.0 + p.admin_fee_share)
        actions, balance = choose_compliance(
            remaining,
            obligation,
            price_usd_per_point=price,
            points_per_weighted_tonne=p.points_per_weighted_tonne,
            weights=p.weights,
        )
        taken = _taken_share(remaining, actions)
        action_pieces = remaining.assign(
            units=remaining["units"] * taken,
            reduction_tonnes=remaining["reduction_tonnes"] * taken,
            cost_usd=remaining["cost_usd"] * taken,
        )
        action_pieces = action_pieces[taken > 0]
        left = remaining.assign(
            units=remaining["units"] * (1.0 - taken),
            reduction_tonnes=remaining["reduction_tonnes"] * (1.0 - taken),
            cost_usd=remaining["cost_usd"] * (1.0 - taken),
        )
        left = left[left["units"] > 0]

        # last years' fees buy projects from what the terminals did not take
        candidates = funding.with_grants(left, discount_rate=p.discount_rate)
        available = self.fund_usd
        allocation = funding.allocate_budget(
            candidates,
            available,
            limit_usd_per_weighted_tonne=p.limit_usd_per_weighted_tonne,
            weights=p.weights,
            divisible=p.divisible,
        )
        new = self.portfolio.add(year, candidates, allocation)
        spent = float(allocation["grant_usd"].sum())
        revenue = float(balance["points_from_fee"].sum()) * p.fee_usd_per_point
        kept = max(available - spent, 0.0) if p.carry_over_unspent else 0.0
        self.fund_usd = kept + revenue

        measures = funding.measure_rows(
            year, [ledger.in_service, action_pieces, new], ledger.fleet_units
        )
        fees = balance.set_index("terminal")["fee_usd"]
        grants = allocation.groupby("terminal")["grant_usd"].sum()
        payments = [
            funding.payments_by_terminal(year, fees, "fee"),
            funding.payments_by_terminal(year, grants, "public_funding"),
        ]
        payments = [f for f in payments if len(f)]
        weights = pd.Series(p.weights, dtype=float)

        def weighted(frame: pd.DataFrame) -> float:
            if frame.empty:
                return 0.0
            k = frame["pollutant"].map(weights).astype(float).fillna(0.0)
            return float((k * frame["reduction_tonnes"].astype(float)).sum())

        fee_total = float(balance["fee_usd"].sum())
        indicators = {
            "annual_variable": float(obligation["annual_variable"].max())
            if len(obligation)
            else 0.0,
            "points_required": float(balance["points_required"].sum()),
            "points_from_actions": float(balance["points_from_actions"].sum()),
            "points_from_fee": float(balance["points_from_fee"].sum()),
            "action_cost_usd": float(balance["action_cost_usd"].sum()),
            "fee_usd": fee_total,
            "admin_fee_usd": fee_total - revenue,
            "fee_revenue_usd": revenue,
            "fund_available_usd": available,
            "budget_spent_usd": spent,
            "fund_balance_usd": self.fund_usd,
            "weighted_tonnes_actions": weighted(action_pieces),
            "weighted_tonnes_funded": float(allocation["weighted_tonnes"].sum()),
            "weighted_tonnes_in_service": weighted(ledger.in_service),
            # terminals pay for their own actions (the fund's projects are paid by the fees)
            "terminal_measures_cost_usd": float(balance["action_cost_usd"].sum()),
        }
        return PolicyOutcome(
            terminals=no_policy_terminals(year, teu),
            emissions=cut_emissions(emissions, measures),
            measures=measures,
            caps=funding.empty_caps(year),
            payments=pd.concat(payments, ignore_index=True) if payments else empty_payments(),
            indicators=indicators,
        )


def _taken_share(options: pd.DataFrame, actions: pd.DataFrame) -> np.ndarray:
    """Share of each option row (terminal, measure) the terminals took."""
    if options.empty or actions.empty:
        return np.zeros(len(options))
    share = actions.set_index(["terminal", "measure"])["share_taken"]
    keys = pd.MultiIndex.from_arrays(
        [options["terminal"].astype(str), options["measure"].astype(str)]
    )
    share.index = pd.MultiIndex.from_arrays(
        [share.index.get_level_values(0).astype(str), share.index.get_level_values(1).astype(str)]
    )
    return share.reindex(keys).fillna(0.0).to_numpy(dtype=float)


def make_regime(parameters: PointsFeeParameters, context: RegimeContext) -> PointsFeeRegime:
    """Make the points-and-fee regime.

    Parameters
    ----------
    parameters : PointsFeeParameters
        The regime's parameters.
    context : RegimeContext
        Base year, reference inventories, container terminals.

    Returns
    -------
    PointsFeeRegime
        Stepped once per year in increasing order; it keeps its fund and the projects
        the fund bought.
    """
    return PointsFeeRegime(parameters, context)
