r"""Technology funding: a yearly public budget buys clean-technology projects.

The alternative to a cap that its opponents ask for is money: grants for zero-emission
trucks and equipment, capture at berth, cleaner locomotives and vessel incentives, paid
for by the public (the ports' Clean Truck Fund, state and federal grants). This module
models such a programme the way the Carl Moyer Program judges projects:

1. **Projects.** Each year's clean-technology options
   (:func:`portcap.policy.technology.abatement_options`: one row per terminal, measure
   and pollutant) are the projects on offer. A project's **weighted reduction** is
   :math:`w = \sum_p k_p \Delta_p` with the Moyer weights :math:`k` (NOx + ROG + 20 x
   PM10; ``funding_moyer_weights.csv``); its **cost-effectiveness** is its annualised
   cost over :math:`w` (USD per weighted tonne a year, the Moyer definition).
2. **Eligibility.** Projects above the cost-effectiveness limit (a parameter; default
   the Moyer optional limit for zero-emission projects, ``funding_moyer_limits.csv``,
   converted from short tons to tonnes) or without weighted reductions are left out.
3. **Allocation.** The budget pays a **grant** per project: the present value of its
   annualised cost over its life (capital plus recurring costs, the whole incremental
   cost). The projects bought maximise the weighted tonnes over their lives (discounted
   at the grant's rate) that the budget buys: a linear programme (a 0-1 programme if
   projects are indivisible) solved with HiGHS (:func:`scipy.optimize.milp`), in
   :func:`allocate_budget`. Its solution takes projects in order of cost-effectiveness.
4. **Lives.** A project bought in year :math:`y` with life :math:`L` cuts emissions in
   :math:`y, \dots, y + L - 1` (:class:`ProjectPortfolio`). The units converted are kept;
   in later years they cut what the same units emit in that year's projected inventory,
   and what they cover is taken out of later years' options (no reduction is bought
   twice).

No cargo is turned away. The grants are ``public_funding`` payments; the measures'
annualised costs are their resource cost, in ``measures`` each year of their lives (the
grant and the annualised costs are the same money counted two ways: never add them).

Methods, values and ranges: ``docs/methodology/funding.md``.

Examples
--------
Two projects and $1 M: the one with more weighted tonnes per dollar is bought whole,
the other in part with what is left.

>>> import pandas as pd
>>> options = pd.DataFrame({
...     "terminal": ["T1", "T1", "T2"], "measure": ["a", "a", "b"],
...     "pollutant": ["nox", "pm10", "nox"], "reduction_tonnes": [4.0, 0.1, 5.0],
...     "cost_usd": [600_000.0, 600_000.0, 1_000_000.0]})
>>> allocate_budget(options, 1_000_000, limit_usd_per_weighted_tonne=None,
...                 weights={"nox": 1.0, "pm10": 20.0})
  terminal measure  share_taken  cost_usd  weighted_tonnes  grant_usd
0       T1       a          1.0  600000.0              6.0   600000.0
1       T2       b          0.4  400000.0              2.0   400000.0
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from scipy.optimize import Bounds, LinearConstraint, milp

from portcap import factors, units
from portcap.errors import InputError
from portcap.factors import ColumnSpec, TableSpec
from portcap.policy import technology
from portcap.policy.base import (
    MEASURE_COLUMNS,
    PAYMENT_COLUMNS,
    PolicyOutcome,
    RegimeContext,
    cut_emissions,
    empty_payments,
    no_policy_terminals,
)

__all__ = [
    "ALLOCATION_COLUMNS",
    "FUNDING_TABLES",
    "FundingParameters",
    "FundingRegime",
    "ProjectPortfolio",
    "YearLedger",
    "allocate_budget",
    "check_discount_rate",
    "check_non_negative",
    "check_weights",
    "empty_caps",
    "make_regime",
    "measure_rows",
    "moyer_limit_usd_per_weighted_tonne",
    "moyer_weights",
    "payments_by_terminal",
    "weighted_tonnes",
    "with_grants",
]

ALLOCATION_COLUMNS: tuple[str, ...] = (
    "terminal",
    "measure",
    "share_taken",
    "cost_usd",
    "weighted_tonnes",
    "grant_usd",
)
"""Columns of :func:`allocate_budget`."""

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

_FULL_AVAILABILITY = 1e9
"""Availability multiplier that makes every unit of a fleet convertible (min(a x s, 1) = 1)."""

_SHARE_TOLERANCE = 1e-9
"""Shares of a project below this are read as zero (solver round-off)."""


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


FUNDING_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "funding_moyer_weights",
            "funding_moyer_weights.csv",
            "Weights of the pollutants in a Moyer weighted tonne.",
            key=("pollutant",),
            columns=(
                ColumnSpec("pollutant", "str", allowed=factors.POLLUTANTS),
                ColumnSpec("weight", "float", unit="dimensionless", minimum=0.0, maximum=100.0),
                *_sources(),
            ),
        ),
        TableSpec(
            "funding_moyer_limits",
            "funding_moyer_limits.csv",
            "Moyer Program cost-effectiveness limits in USD per weighted short ton.",
            key=("limit",),
            columns=(
                ColumnSpec("limit", "str"),
                ColumnSpec("description", "str"),
                ColumnSpec("limit_usd_per_weighted_short_ton", "float", minimum=0.0, maximum=1e7),
                ColumnSpec("guidelines_year", "int", minimum=1998, maximum=2100),
                *_sources(),
            ),
        ),
    )
}
"""Packaged tables of the funding regime (``portcap/data/policy/funding_*.csv``)."""


def _data_path(file: str) -> Path:
    return Path(str(resources.files("portcap.data").joinpath("policy", file)))


@functools.cache
def _table(name: str) -> pd.DataFrame:
    spec = FUNDING_TABLES[name]
    return factors.read_table_csv(_data_path(spec.file), spec)


def moyer_weights() -> dict[str, float]:
    """Return the Moyer weights of the pollutants in a weighted tonne.

    Returns
    -------
    dict
        Pollutant code to weight [-] (``funding_moyer_weights.csv``); pollutants not
        listed weigh nothing.

    Examples
    --------
    >>> moyer_weights()
    {'nox': 1.0, 'hc': 1.0, 'pm10': 20.0}
    """
    table = _table("funding_moyer_weights")
    return {str(p): float(w) for p, w in zip(table["pollutant"], table["weight"], strict=True)}


def moyer_limit_usd_per_weighted_tonne(limit: str = "off_road_zero_emission") -> float:
    """Return a Moyer cost-effectiveness limit per metric tonne.

    Parameters
    ----------
    limit : str
        Name of the limit in ``funding_moyer_limits.csv`` (``base``,
        ``off_road_zero_emission``, ``on_road_zero_emission``,
        ``on_road_advanced_technology``).

    Returns
    -------
    float
        The limit [USD per weighted tonne a year]: the published value per short ton
        times the short tons in a tonne (1.10231).

    Raises
    ------
    ValueError
        For an unknown name (listing the valid ones).

    Examples
    --------
    >>> round(moyer_limit_usd_per_weighted_tonne("base"))
    37479
    >>> round(moyer_limit_usd_per_weighted_tonne())
    575407
    """
    table = _table("funding_moyer_limits")
    limits = dict(zip(table["limit"], table["limit_usd_per_weighted_short_ton"], strict=True))
    factors.check_choice(limit, tuple(limits), "Moyer limit")
    per_short_ton = float(limits[limit])
    return per_short_ton * units.SHORT_TONS_PER_TONNE


def check_non_negative(value: float | None, what: str) -> None:
    """Raise ``ValueError`` naming ``what`` unless ``value`` is None or a number >= 0."""
    if value is not None and not value >= 0:
        msg = f"{what} must be a number >= 0; got {value}"
        raise ValueError(msg)


def check_weights(weights: Mapping[str, float]) -> None:
    """Raise ``ValueError`` unless every weight is a known pollutant's, >= 0, one above 0."""
    for pollutant, weight in weights.items():
        factors.check_choice(pollutant, factors.POLLUTANTS, "pollutant of a weight")
        check_non_negative(weight, f"weight of {pollutant}")
    if not any(w > 0 for w in weights.values()):
        msg = "weights: at least one pollutant must weigh more than zero"
        raise ValueError(msg)


def check_discount_rate(rate: float) -> None:
    """Raise ``ValueError`` unless the discount rate lies in 0-0.3 per year."""
    if not 0.0 <= rate <= 0.3:
        msg = f"discount_rate must be between 0 and 0.3 per year; got {rate}"
        raise ValueError(msg)


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------
class FundingParameters(BaseModel):
    """Parameters of the technology-funding regime (each default sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    budget_usd_per_year: float = Field(
        default=90e6,
        json_schema_extra=factors.sourced(
            ("ctf_rate_2020",),
            "V",
            "the Clean Truck Fund's expected first-year revenue, both ports ($10 per TEU); "
            "POLA collected about $41 M a year in 2022-2025; range 40-150 M",
        ),
    )
    """Public money granted each year [USD/year], >= 0."""

    limit_usd_per_weighted_tonne: float | None = Field(
        default_factory=lambda: moyer_limit_usd_per_weighted_tonne("off_road_zero_emission"),
        json_schema_extra=factors.sourced(
            ("moyer_2022_update",),
            "V",
            "Moyer optional limit for zero-emission projects, $522,000 per weighted short "
            "ton (2022 update) = $575,407 per tonne; the base limit $34,000 per short ton "
            "($37,479 per tonne) admits few port projects",
        ),
    )
    """Highest annualised cost per weighted tonne a year of a funded project
    [USD/(t/year)]; None: no limit."""

    weights: dict[str, float] = Field(
        default_factory=moyer_weights,
        json_schema_extra=factors.sourced(
            ("moyer_advisory_05_001", "portcap_assumption"),
            "R",
            "Moyer weighted emissions NOx + ROG + 20 x PM10 (hc stands for ROG)",
        ),
    )
    """Weight of each pollutant in a weighted tonne [-] (pollutants not listed weigh 0)."""

    discount_rate: float = Field(
        default=0.03,
        json_schema_extra=factors.sourced(
            ("epa_bpt_2012", "moyer_guidelines"),
            "R",
            "the technology module's default rate, so that a grant (present value) and the "
            "annualised cost describe the same money; Moyer's own rate is 1-2 %",
        ),
    )
    """Rate at which the annualised cost is turned into the grant [1/year], 0-0.3; set it to
    the discount rate of the technology parameters of the scenario."""

    divisible: bool = Field(
        default=True,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "a project is a share of a terminal's fleet (units are counted continuously), "
            "as in the cap regime",
        ),
    )
    """Projects may be funded in part (linear programme); False: whole projects only
    (0-1 programme)."""

    carry_over_unspent: bool = Field(
        default=False,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",), "R", "a yearly appropriation lapses when not granted"
        ),
    )
    """Budget not granted in a year is added to the next year's."""

    first_year: int | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",), "V", "None = every modelled year"
        ),
    )
    """First year with a budget; None: from the first modelled year."""

    last_year: int | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "None = no end (the Clean Truck Fund rate expires 31 Dec 2034)",
        ),
    )
    """Last year with a budget; None: no end."""

    eligible_measures: tuple[str, ...] | None = Field(
        default=None,
        json_schema_extra=factors.sourced(("portcap_convention",), "V", "None = every measure"),
    )
    """Measures the budget may fund (e.g. ``("ze_drayage_truck",)`` for a truck fund);
    None: all."""

    @field_validator("budget_usd_per_year")
    @classmethod
    def _check_budget(cls, value: float) -> float:
        check_non_negative(value, "budget_usd_per_year (a yearly public budget in USD)")
        return value

    @field_validator("limit_usd_per_weighted_tonne")
    @classmethod
    def _check_limit(cls, value: float | None) -> float | None:
        check_non_negative(value, "limit_usd_per_weighted_tonne (USD per weighted tonne)")
        return value

    @field_validator("weights")
    @classmethod
    def _valid_weights(cls, value: dict[str, float]) -> dict[str, float]:
        check_weights(value)
        return value

    @field_validator("discount_rate")
    @classmethod
    def _check_rate(cls, value: float) -> float:
        check_discount_rate(value)
        return value

    @field_validator("eligible_measures")
    @classmethod
    def _known_measures(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            known = tuple(_packaged_lives())
            for name in value:
                factors.check_choice(name, known, "measure")
        return value

    @model_validator(mode="after")
    def _check_years(self) -> FundingParameters:
        if (
            self.first_year is not None
            and self.last_year is not None
            and self.last_year < self.first_year
        ):
            msg = f"last_year {self.last_year} is before first_year {self.first_year}"
            raise ValueError(msg)
        return self


# --------------------------------------------------------------------------------------
# Projects and the allocation
# --------------------------------------------------------------------------------------
_OPTION_REQUIRED = ("terminal", "measure", "pollutant", "reduction_tonnes", "cost_usd")


def _check_options(options: pd.DataFrame) -> None:
    missing = [c for c in _OPTION_REQUIRED if c not in options.columns]
    if missing:
        msg = (
            f"options table: missing column(s) {missing}; expected the clean-technology "
            f"options ({', '.join(_OPTION_REQUIRED)}), as from technology.abatement_options"
        )
        raise InputError(msg)
    for column in ("reduction_tonnes", "cost_usd", "units", "grant_usd", "life_years"):
        if column in options.columns and len(options):
            values = pd.to_numeric(options[column], errors="coerce").to_numpy(dtype=float)
            if not np.isfinite(values).all():
                msg = f"options table: column {column!r} holds values that are not finite numbers"
                raise InputError(msg)


def weighted_tonnes(options: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Return each project's cost, grant and weighted reduction.

    Parameters
    ----------
    options : DataFrame
        Clean-technology options: ``terminal, measure, pollutant, reduction_tonnes,
        cost_usd`` (``cost_usd`` the annualised cost of the whole measure, repeated on each
        pollutant row); optional ``grant_usd`` (money a budget pays for the whole measure;
        default ``cost_usd``).
    weights : mapping
        Pollutant to weight [-].

    Returns
    -------
    DataFrame
        One row per ``terminal, measure``: ``cost_usd`` [USD/year], ``grant_usd`` [USD],
        ``weighted_tonnes`` [t/year], ``usd_per_weighted_tonne`` [USD/(t/year); inf where
        nothing weighted is cut]. In the order of the options' first rows.

    Examples
    --------
    >>> options = pd.DataFrame({"terminal": "T", "measure": "m",
    ...     "pollutant": ["nox", "pm10", "co2"], "reduction_tonnes": [1.0, 0.05, 80.0],
    ...     "cost_usd": 20_000.0})
    >>> weighted_tonnes(options, {"nox": 1, "pm10": 20})[["weighted_tonnes",
    ...     "usd_per_weighted_tonne"]]
       weighted_tonnes  usd_per_weighted_tonne
    0              2.0                 10000.0
    """
    _check_options(options)
    keys = ["terminal", "measure"]
    work = options[keys].copy()
    weight = options["pollutant"].map(dict(weights)).astype(float).fillna(0.0)
    work["weighted"] = weight.to_numpy() * options["reduction_tonnes"].astype(float).to_numpy()
    work["cost_usd"] = options["cost_usd"].astype(float).to_numpy()
    grant = options["grant_usd"] if "grant_usd" in options.columns else options["cost_usd"]
    work["grant_usd"] = grant.astype(float).to_numpy()
    projects = work.groupby(keys, sort=False, as_index=False).agg(
        cost_usd=("cost_usd", "max"),
        grant_usd=("grant_usd", "max"),
        weighted_tonnes=("weighted", "sum"),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_tonne = np.where(
            projects["weighted_tonnes"] > 0,
            projects["cost_usd"] / projects["weighted_tonnes"],
            np.inf,
        )
    projects["usd_per_weighted_tonne"] = per_tonne
    return projects


def allocate_budget(
    options: pd.DataFrame,
    budget_usd: float,
    *,
    limit_usd_per_weighted_tonne: float | None,
    weights: Mapping[str, float],
    divisible: bool = True,
) -> pd.DataFrame:
    r"""Buy the projects that give the most weighted reductions for a budget (HiGHS).

    Parameters
    ----------
    options : DataFrame
        Clean-technology options (:func:`portcap.policy.technology.abatement_options`):
        ``terminal, measure, pollutant, reduction_tonnes`` [t/year], ``cost_usd``
        [USD/year, annualised cost of the whole measure, repeated per pollutant row];
        optional ``grant_usd`` [USD]: what the budget pays for the whole measure
        (:func:`with_grants`: the present value of the annualised cost over the
        measure's life). Without it the budget pays ``cost_usd``.
    budget_usd : float
        Money to grant [USD], >= 0.
    limit_usd_per_weighted_tonne : float or None
        Highest cost-effectiveness of a funded project [USD/(t/year)]: annualised cost
        over weighted tonnes a year; None: no limit.
    weights : mapping
        Weight of each pollutant in a weighted tonne [-] (Moyer: ``moyer_weights()``).
    divisible : bool, default True
        Projects may be funded in part (linear programme); False: whole projects only
        (0-1 programme).

    Returns
    -------
    DataFrame
        :data:`ALLOCATION_COLUMNS`, one row per project funded (share > 0), by
        cost-effectiveness: ``share_taken`` [-], ``cost_usd`` [USD/year] and
        ``weighted_tonnes`` [t/year] of the share taken, ``grant_usd`` [USD] paid from
        the budget. The grants never sum to more than the budget.

    Raises
    ------
    InputError
        For a negative or non-finite budget or limit, negative weights, a missing column.

    Notes
    -----
    With :math:`x_j \in [0, 1]` the share of project :math:`j` (or :math:`x_j \in \{0,
    1\}`), weighted reduction :math:`w_j = \sum_p k_p \Delta_{j,p}`, annualised cost
    :math:`c_j` and grant :math:`g_j`:

    .. math::

        \max_x \sum_j w_j \frac{g_j}{c_j} x_j \quad \text{s.t.} \quad
        \sum_j \max(g_j, 0) \, x_j \le B, \qquad
        x_j = 0 \text{ if } w_j \le 0 \text{ or } c_j > \lambda w_j

    :math:`w_j g_j / c_j` is the weighted reduction over the project's life, discounted
    at the grant's rate (:math:`g_j / c_j` is the annuity factor :math:`1/CRF`; it is 1
    when the budget pays :math:`c_j`, and is taken as 1 where :math:`c_j \le 0`). The
    linear programme's optimum takes the projects by cost-effectiveness
    :math:`c_j / w_j`, the last one in part: the Moyer merit order. Solved with HiGHS
    (:func:`scipy.optimize.milp`, exact gap for the 0-1 case). A project that saves
    money (:math:`g_j \le 0`) needs no grant.

    References
    ----------
    CARB, Carl Moyer Program (cost-effectiveness = annualised grant / weighted annual
    reductions; weighting NOx, ROG, PM10 since AB 923); limits of the 2022 update.
    """
    try:
        check_non_negative(budget_usd, "budget_usd")
        check_non_negative(limit_usd_per_weighted_tonne, "limit_usd_per_weighted_tonne")
        check_weights(weights)
    except ValueError as error:
        raise InputError(str(error)) from error
    if not np.isfinite(budget_usd):
        msg = f"budget_usd must be finite; got {budget_usd}"
        raise InputError(msg)
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype=object if c in ("terminal", "measure") else float)
            for c in ALLOCATION_COLUMNS
        }
    )
    if options.empty:
        return empty
    projects = weighted_tonnes(options, weights)
    eligible = projects["weighted_tonnes"] > 0
    if limit_usd_per_weighted_tonne is not None:
        eligible &= projects["cost_usd"] <= limit_usd_per_weighted_tonne * projects[
            "weighted_tonnes"
        ] * (1 + 1e-12)
    candidates = projects[eligible].reset_index(drop=True)
    if candidates.empty:
        return empty
    cost = candidates["cost_usd"].to_numpy(dtype=float)
    grant = candidates["grant_usd"].to_numpy(dtype=float)
    spend = np.maximum(grant, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where((cost > 0) & (grant > 0), grant / cost, 1.0)
    value = candidates["weighted_tonnes"].to_numpy(dtype=float) * annuity
    scale_value = float(value.max())
    scale_money = max(float(budget_usd), float(spend.max()), 1.0)
    result = milp(
        c=-value / scale_value,
        constraints=LinearConstraint(
            spend[np.newaxis, :] / scale_money, -np.inf, budget_usd / scale_money
        ),
        bounds=Bounds(0.0, 1.0),
        integrality=np.zeros(len(value)) if divisible else np.ones(len(value)),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.x is None:  # pragma: no cover - a bounded feasible programme always solves
        msg = f"the budget allocation did not solve: {result.message}"
        raise RuntimeError(msg)
    share = np.clip(np.asarray(result.x, dtype=float), 0.0, 1.0)
    share[share < _SHARE_TOLERANCE] = 0.0
    share[share > 1.0 - _SHARE_TOLERANCE] = 1.0
    if not divisible:
        share = np.round(share)
    spent = float(spend @ share)
    if spent > budget_usd and spent > 0:  # solver round-off: never exceed the budget
        share *= budget_usd / spent
    candidates["share_taken"] = share
    taken = candidates[candidates["share_taken"] > 0].copy()
    taken["cost_usd"] = taken["cost_usd"] * taken["share_taken"]
    taken["weighted_tonnes"] = taken["weighted_tonnes"] * taken["share_taken"]
    taken["grant_usd"] = np.maximum(taken["grant_usd"], 0.0) * taken["share_taken"]
    taken = taken.sort_values(["usd_per_weighted_tonne", "terminal", "measure"], kind="stable")
    return taken[list(ALLOCATION_COLUMNS)].reset_index(drop=True)


@functools.cache
def _packaged_lives() -> dict[str, float]:
    table = technology.measure_table(technology.TechnologyParameters())
    return {
        str(m): float(life) for m, life in zip(table["measure"], table["life_years"], strict=True)
    }


def with_grants(options: pd.DataFrame, *, discount_rate: float) -> pd.DataFrame:
    r"""Return the options with each measure's life and the grant that pays for it.

    Parameters
    ----------
    options : DataFrame
        Clean-technology options (``measure, cost_usd`` at least); a ``life_years``
        column, if present, is kept, else lives come from the packaged measures
        (``technology_values.csv``).
    discount_rate : float
        Rate of the annuity [1/year].

    Returns
    -------
    DataFrame
        A copy with ``life_years`` [year] and ``grant_usd`` [USD]: the present value of
        the annualised cost over the life, :math:`g = c / CRF(i, L)`.

    Raises
    ------
    InputError
        For a measure without a life (not packaged and no ``life_years`` column).

    Examples
    --------
    The e-yard tractor at 1 % over 10 years: $15,837 a year is a $150,000 grant.

    >>> options = pd.DataFrame({"measure": ["ze_yard_tractor"], "cost_usd": [15_837.0]})
    >>> round(float(with_grants(options, discount_rate=0.01)["grant_usd"].iloc[0]), -1)
    150000.0
    """
    work = options.copy()
    if "life_years" not in work.columns:
        lives = _packaged_lives()
        work["life_years"] = work["measure"].map(lives).astype(float)
        unknown = sorted(set(work.loc[work["life_years"].isna(), "measure"].astype(str)))
        if unknown:
            msg = (
                f"options table: measures {unknown} have no life; give a life_years column "
                f"or use the packaged measures ({', '.join(sorted(lives))})"
            )
            raise InputError(msg)
    crf = technology.capital_recovery_factor(discount_rate, work["life_years"].to_numpy(float))
    work["grant_usd"] = work["cost_usd"].astype(float).to_numpy() / crf
    return work


# --------------------------------------------------------------------------------------
# Projects kept over their lives
# --------------------------------------------------------------------------------------
_KEYS = ["terminal", "measure"]
_PROJECT_COLUMNS = (
    "year_funded",
    "last_year",
    "terminal",
    "measure",
    "source",
    "units",
    "cost_usd_per_unit",
)
_PER_UNIT_COLUMNS = ("year_funded", "terminal", "measure", "pollutant", "reduction_tonnes_per_unit")
_PIECE_COLUMNS = (
    "terminal",
    "measure",
    "source",
    "pollutant",
    "units",
    "reduction_tonnes",
    "cost_usd",
)


def _normalise_options(options: pd.DataFrame) -> pd.DataFrame:
    if options.empty:  # no options (any columns): nothing on offer
        extra = [c for c in options.columns if c not in _OPTION_COLUMNS]
        return _empty([*_OPTION_COLUMNS, *extra])
    _check_options(options)
    work = options.copy()
    if "units" not in work.columns:
        work["units"] = 1.0  # the option is one unit: shares of it are counted
    if "source" not in work.columns:
        work["source"] = None
    if "port" not in work.columns:
        work["port"] = work["terminal"].astype(str).str.split("_").str[0]
    for column in ("units", "reduction_tonnes", "cost_usd"):
        work[column] = work[column].astype(float)
    return work.reset_index(drop=True)


_OPTION_COLUMNS = ("port", *_OPTION_REQUIRED, "source", "units")


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    text = {"terminal", "measure", "source", "pollutant", "port", "kind"}
    return pd.DataFrame({c: pd.Series(dtype=object if c in text else float) for c in columns})


def _fleet(emissions: pd.DataFrame, year: int, options: pd.DataFrame) -> pd.DataFrame:
    """All units of each measure's fleet in the year's emissions, and what they emit.

    ``terminal, measure, pollutant, fleet_units, fleet_reduction_tonnes``: the options
    with every unit convertible. Empty when the options carry no unit counts or the
    emissions cannot be read for units (no CO2 rows).
    """
    columns = ["terminal", "measure", "pollutant", "fleet_units", "fleet_reduction_tonnes"]
    needed = ("terminal", "source", "mode", "engine", "pollutant", "mass_tonnes")
    if (
        "units" not in options.columns
        or emissions.empty
        or any(c not in emissions.columns for c in needed)
        or not (emissions["pollutant"] == "co2").any()
    ):
        return pd.DataFrame(columns=columns)
    full = technology.abatement_options(
        emissions,
        year=year,
        parameters=technology.TechnologyParameters(availability_scale=_FULL_AVAILABILITY),
    )
    full = full.rename(
        columns={"units": "fleet_units", "reduction_tonnes": "fleet_reduction_tonnes"}
    )
    return full[columns]


@dataclass(frozen=True)
class YearLedger:
    """What the projects of earlier years do in a year, and what is left to buy.

    Attributes
    ----------
    in_service : DataFrame
        ``terminal, measure, source, pollutant, units, reduction_tonnes, cost_usd``:
        units in service, the year's reductions [t/year] and annualised cost [USD/year]
        of the projects still in their lives (cost repeated per pollutant row).
    remaining : DataFrame
        The year's options less what the projects in service already cover (same
        columns as the options, ``units``, ``reduction_tonnes`` and ``cost_usd`` scaled).
    fleet_units : Series
        Units of each ``(terminal, measure)`` fleet in the year (index: terminal,
        measure): all units where the emissions show them, else the year's offer or
        the units in service.
    """

    in_service: pd.DataFrame
    remaining: pd.DataFrame
    fleet_units: pd.Series


class ProjectPortfolio:
    """Clean-technology projects bought with public money, kept over their lives.

    A project is a number of units of a measure at a terminal (e.g. 4.2 yard tractors),
    funded in a year and in service for its life. :meth:`ledger` says what the projects
    in service cut in a year and what of the year's options is left;
    :meth:`add` records a year's purchases.
    """

    def __init__(self) -> None:
        self.projects = _empty(_PROJECT_COLUMNS)
        self.per_unit = _empty(_PER_UNIT_COLUMNS)

    def ledger(self, year: int, emissions: pd.DataFrame, options: pd.DataFrame) -> YearLedger:
        r"""Return the year's reductions of the projects in service and the options left.

        Parameters
        ----------
        year : int
            The year.
        emissions : DataFrame
            The year's projected emissions (the fleet of each measure is counted from
            them, as in :func:`portcap.policy.technology.abatement_options`).
        options : DataFrame
            The year's clean-technology options.

        Returns
        -------
        YearLedger

        Notes
        -----
        For a terminal and measure with :math:`U` units in service and a fleet of
        :math:`N` units of which :math:`u` are offered this year, the projects cut
        :math:`\min(U, N) \\, \Delta^{full}_p / N` of pollutant :math:`p` (what the
        converted units emit in this year's inventory) and :math:`\\max(0, \min(u,
        N - U))` units are left on offer. The per-unit reductions come from the whole
        fleet where the emissions show it, else from the year's offer, else from the
        year the project was funded.
        """
        work = _normalise_options(options)
        active = self.projects[self.projects["last_year"] >= year]
        fleet = _fleet(emissions, year, options)
        fleet_units = fleet.groupby(_KEYS)["fleet_units"].max() if len(fleet) else None
        offered = work.groupby(_KEYS)["units"].max()
        in_service_units = (
            active.groupby(_KEYS)["units"].sum()
            if len(active)
            else pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=_KEYS))
        )
        keys = offered.index.union(in_service_units.index)
        n_units = pd.Series(np.nan, index=keys, dtype=float)
        if fleet_units is not None:
            n_units = n_units.fillna(fleet_units.reindex(keys))
        n_units = n_units.fillna(offered.reindex(keys))
        n_units = n_units.fillna(in_service_units.reindex(keys)).fillna(0.0)

        # options left: max(0, min(u, N - U)) units
        covered = in_service_units.reindex(offered.index).fillna(0.0)
        left = np.clip(np.minimum(offered, n_units.reindex(offered.index) - covered), 0.0, None)
        factor = (left / offered.where(offered > 0)).fillna(0.0)
        row_keys = pd.MultiIndex.from_frame(work[_KEYS])
        row_factor = factor.reindex(row_keys).to_numpy(dtype=float)
        remaining = work.copy()
        for column in ("units", "reduction_tonnes", "cost_usd"):
            remaining[column] = remaining[column].to_numpy(dtype=float) * row_factor
        remaining = remaining[remaining["units"] > 0].reset_index(drop=True)

        in_service = self._in_service(active, work, fleet, n_units)
        return YearLedger(in_service, remaining, n_units)

    def _in_service(
        self,
        active: pd.DataFrame,
        options: pd.DataFrame,
        fleet: pd.DataFrame,
        n_units: pd.Series,
    ) -> pd.DataFrame:
        if active.empty:
            return _empty(_PIECE_COLUMNS)
        active = active.assign(cost_usd=active["units"] * active["cost_usd_per_unit"])
        summary = active.groupby(_KEYS, as_index=False).agg(
            units=("units", "sum"), cost_usd=("cost_usd", "sum"), source=("source", "first")
        )
        # per-unit reductions of the year: whole fleet > the year's offer > at funding
        candidates = []
        if len(fleet):
            per = fleet[fleet["fleet_units"] > 0]
            candidates.append(
                per.assign(rate=per["fleet_reduction_tonnes"] / per["fleet_units"], priority=0)[
                    [*_KEYS, "pollutant", "rate", "priority"]
                ]
            )
        offered = options[options["units"] > 0]
        candidates.append(
            offered.assign(rate=offered["reduction_tonnes"] / offered["units"], priority=1)[
                [*_KEYS, "pollutant", "rate", "priority"]
            ]
        )
        stored = self.per_unit.merge(
            active[["year_funded", *_KEYS, "units"]], on=["year_funded", *_KEYS], validate="m:1"
        )
        stored = stored.assign(amount=stored["units"] * stored["reduction_tonnes_per_unit"])
        stored = stored.groupby([*_KEYS, "pollutant"], as_index=False).agg(amount=("amount", "sum"))
        stored = stored.merge(summary[[*_KEYS, "units"]], on=_KEYS, validate="m:1")
        candidates.append(
            stored.assign(rate=stored["amount"] / stored["units"], priority=2)[
                [*_KEYS, "pollutant", "rate", "priority"]
            ]
        )
        rates = pd.concat(candidates, ignore_index=True)
        rates = rates.merge(summary[_KEYS], on=_KEYS, validate="m:1")
        best = rates.groupby(_KEYS)["priority"].transform("min")
        rates = rates[rates["priority"] == best]
        rows = summary.merge(rates[[*_KEYS, "pollutant", "rate"]], on=_KEYS, validate="1:m")
        keys = pd.MultiIndex.from_frame(rows[_KEYS])
        fleet_n = n_units.reindex(keys).to_numpy(dtype=float)
        effective = np.minimum(rows["units"].to_numpy(dtype=float), fleet_n)
        rows["reduction_tonnes"] = effective * rows["rate"].to_numpy(dtype=float)
        return rows[list(_PIECE_COLUMNS)].reset_index(drop=True)

    def add(self, year: int, options: pd.DataFrame, allocation: pd.DataFrame) -> pd.DataFrame:
        """Record the projects funded in a year and return their reductions that year.

        Parameters
        ----------
        year : int
            The year of funding.
        options : DataFrame
            The options the allocation was made from, with ``life_years``
            (:func:`with_grants`).
        allocation : DataFrame
            :func:`allocate_budget` of those options.

        Returns
        -------
        DataFrame
            ``terminal, measure, source, pollutant, units, reduction_tonnes, cost_usd``
            of the new projects in their first year.
        """
        if allocation.empty:
            return _empty(_PIECE_COLUMNS)
        work = _normalise_options(options)
        if "life_years" not in work.columns:
            msg = "options table: a life_years column is needed to keep projects (with_grants)"
            raise InputError(msg)
        rows = work.merge(
            allocation[[*_KEYS, "share_taken"]], on=_KEYS, how="inner", validate="m:1"
        )
        rows["units"] = rows["units"] * rows["share_taken"]
        rows["reduction_tonnes"] = rows["reduction_tonnes"] * rows["share_taken"]
        rows["cost_usd"] = rows["cost_usd"] * rows["share_taken"]
        projects = rows.groupby(_KEYS, as_index=False, sort=False).agg(
            units=("units", "max"),
            cost_usd=("cost_usd", "max"),
            source=("source", "first"),
            life_years=("life_years", "max"),
        )
        projects = projects[projects["units"] > 0]
        new = pd.DataFrame(
            {
                "year_funded": int(year),
                "last_year": int(year) + np.ceil(projects["life_years"]).astype(int) - 1,
                "terminal": projects["terminal"],
                "measure": projects["measure"],
                "source": projects["source"],
                "units": projects["units"],
                "cost_usd_per_unit": projects["cost_usd"] / projects["units"],
            }
        )
        rows = rows[rows["units"] > 0]
        per_unit = pd.DataFrame(
            {
                "year_funded": int(year),
                "terminal": rows["terminal"],
                "measure": rows["measure"],
                "pollutant": rows["pollutant"],
                "reduction_tonnes_per_unit": rows["reduction_tonnes"] / rows["units"],
            }
        )
        if len(new):
            frames = [f for f in (self.projects, new[list(_PROJECT_COLUMNS)]) if len(f)]
            self.projects = pd.concat(frames, ignore_index=True)
            frames = [f for f in (self.per_unit, per_unit) if len(f)]
            self.per_unit = pd.concat(frames, ignore_index=True)
        return rows[list(_PIECE_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Shared outcome helpers
# --------------------------------------------------------------------------------------
def measure_rows(year: int, pieces: Sequence[pd.DataFrame], fleet_units: pd.Series) -> pd.DataFrame:
    """Return :data:`~portcap.policy.base.MEASURE_COLUMNS` for the measures in place.

    Parameters
    ----------
    year : int
        The year.
    pieces : sequence of DataFrame
        Measures in place (``terminal, measure, source, pollutant, units,
        reduction_tonnes, cost_usd``; cost of the piece repeated per pollutant row), e.g.
        projects in service, projects funded this year, terminals' own actions.
    fleet_units : Series
        Fleet units by ``(terminal, measure)`` (:attr:`YearLedger.fleet_units`).

    Returns
    -------
    DataFrame
        One row per terminal, measure and pollutant: reductions summed, ``cost_usd``
        the summed cost of the measure's pieces (repeated per pollutant row, counted once
        per year, terminal and measure as in :func:`portcap.economy.compliance_cost`),
        ``share_taken`` the share of the fleet in place (units in place / fleet units,
        at most 1), plus ``units`` and ``source``.
    """
    frames = [p for p in pieces if len(p)]
    columns = [*MEASURE_COLUMNS, "units", "source"]
    if not frames:
        return _empty(columns).astype({"year": "int64"})
    rows = pd.concat(frames, ignore_index=True)
    piece_cost = (
        pd.concat(
            [
                f.groupby(_KEYS, as_index=False).agg(
                    cost_usd=("cost_usd", "max"), units=("units", "max")
                )
                for f in frames
            ],
            ignore_index=True,
        )
        .groupby(_KEYS, as_index=False)
        .sum()
    )
    reductions = rows.groupby([*_KEYS, "pollutant"], as_index=False, sort=True).agg(
        reduction_tonnes=("reduction_tonnes", "sum"), source=("source", "first")
    )
    out = reductions.merge(piece_cost, on=_KEYS, validate="m:1")
    keys = pd.MultiIndex.from_frame(out[_KEYS])
    fleet = fleet_units.reindex(keys).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(fleet > 0, np.minimum(out["units"].to_numpy(float) / fleet, 1.0), 1.0)
    out["share_taken"] = share
    out["year"] = int(year)
    return out[columns].reset_index(drop=True)


def empty_caps(year: int) -> pd.DataFrame:
    """Return the caps table of a regime without caps."""
    return _empty(CAP_COLUMNS).astype({"met": bool, "year": "int64"}).assign(year=year).iloc[:0]


def payments_by_terminal(year: int, usd: pd.Series, kind: str) -> pd.DataFrame:
    """Return :data:`~portcap.policy.base.PAYMENT_COLUMNS` rows of one kind (usd > 0)."""
    usd = usd[usd.abs() > 0]
    if usd.empty:
        return empty_payments()
    return pd.DataFrame(
        {"year": int(year), "terminal": usd.index.astype(str), "kind": kind, "usd": usd.to_numpy()}
    )[list(PAYMENT_COLUMNS)]


# --------------------------------------------------------------------------------------
# The regime
# --------------------------------------------------------------------------------------
class FundingRegime:
    """Technology funding as a :class:`portcap.policy.base.Regime` (keeps its projects).

    Parameters
    ----------
    parameters : FundingParameters
        Budget, limit, weights, grant rate.
    context : RegimeContext
        Base year, reference inventories, container terminals.
    """

    name = "funding"

    def __init__(self, parameters: FundingParameters, context: RegimeContext) -> None:
        self.parameters = parameters
        self.context = context
        self.portfolio = ProjectPortfolio()
        self.carried_usd = 0.0

    def budget(self, year: int) -> float:
        """Return the budget of a year [USD] (without any carry-over)."""
        p = self.parameters
        if (p.first_year is not None and year < p.first_year) or (
            p.last_year is not None and year > p.last_year
        ):
            return 0.0
        return float(p.budget_usd_per_year)

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Fund the year's projects and apply those in service (no cargo turned away)."""
        p = self.parameters
        ledger = self.portfolio.ledger(year, emissions, options)
        candidates = ledger.remaining
        if p.eligible_measures is not None:
            candidates = candidates[candidates["measure"].isin(p.eligible_measures)]
        candidates = with_grants(candidates, discount_rate=p.discount_rate)
        available = self.budget(year) + self.carried_usd
        allocation = allocate_budget(
            candidates,
            available,
            limit_usd_per_weighted_tonne=p.limit_usd_per_weighted_tonne,
            weights=p.weights,
            divisible=p.divisible,
        )
        new = self.portfolio.add(year, candidates, allocation)
        spent = float(allocation["grant_usd"].sum())
        self.carried_usd = max(available - spent, 0.0) if p.carry_over_unspent else 0.0
        measures = measure_rows(year, [ledger.in_service, new], ledger.fleet_units)
        weights = pd.Series(p.weights, dtype=float)

        def weighted(frame: pd.DataFrame) -> float:
            if frame.empty:
                return 0.0
            k = frame["pollutant"].map(weights).astype(float).fillna(0.0)
            return float((k * frame["reduction_tonnes"].astype(float)).sum())

        grants = allocation.groupby("terminal")["grant_usd"].sum()
        indicators = {
            "budget_usd": available,
            "budget_spent_usd": spent,
            "budget_unspent_usd": max(available - spent, 0.0),
            "projects_funded": float(len(allocation)),
            "weighted_tonnes_funded": float(allocation["weighted_tonnes"].sum()),
            "weighted_tonnes_in_service": weighted(ledger.in_service),
            "weighted_tonnes_total": weighted(measures),
            "annualised_cost_in_place_usd": _cost_once(measures),
            # the public pays for every project: terminals pay nothing for these measures
            "terminal_measures_cost_usd": 0.0,
        }
        return PolicyOutcome(
            terminals=no_policy_terminals(year, teu),
            emissions=cut_emissions(emissions, measures),
            measures=measures,
            caps=empty_caps(year),
            payments=payments_by_terminal(year, grants, "public_funding"),
            indicators=indicators,
        )


def _cost_once(measures: pd.DataFrame) -> float:
    if measures.empty:
        return 0.0
    return float(measures.groupby(_KEYS)["cost_usd"].max().sum())


def make_regime(parameters: FundingParameters, context: RegimeContext) -> FundingRegime:
    """Make the technology-funding regime.

    Parameters
    ----------
    parameters : FundingParameters
        The regime's parameters.
    context : RegimeContext
        Base year, reference inventories, container terminals.

    Returns
    -------
    FundingRegime
        Stepped once per year in increasing order; it keeps the projects it funded.
    """
    return FundingRegime(parameters, context)
