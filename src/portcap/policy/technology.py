r"""Clean-technology measures a terminal can take before it turns cargo away, with their cost.

Each measure replaces or controls one kind of emission source at a terminal: battery-
electric cargo-handling equipment and drayage trucks, grid-powered RTG cranes, capture
barges for ships at berth that do not plug in, incentives for IMO Tier III ships,
battery-electric switcher locomotives and assist tugs. The packaged tables in
``portcap/data/policy/`` give, per measure, the rows of the emissions table it applies to,
its unit (a yard tractor, a truck, a berth-hour, a call ...), the capital and recurring
cost of a unit, its life, the share of a terminal's fleet that can be converted in a year,
the first year it is available and the share of each pollutant it removes; every value
has its own ``source_id`` (provenance in ``portcap/data/policy/SOURCES.md``).

:func:`abatement_options` turns a year's emissions table into the reductions each measure
offers at each terminal, with their annualised cost, sorted by cost per tonne of the cap
pollutant: the merit order a terminal climbs before it turns cargo away
(:mod:`portcap.policy.cap`).

How many units a terminal has is read from the emissions themselves: the fossil CO2 of the
rows a measure applies to, divided by the CO2 of one unit of that activity in portcap's own
source models (``unit_co2_tonnes``; e.g. 82.8 t for a yard tractor-year). The count is exact
for fleets on the models' default activity and fossil diesel; where renewable diesel is
burned its biogenic CO2 is left out of the inventory, so the units, and the cost, are
understated by the renewable share (10-30 % for the equipment of the 2023 baseline).

Methods, values and ranges: ``docs/methodology/economy.md``.

Examples
--------
>>> import pandas as pd
>>> emissions = pd.DataFrame({
...     "year": 2031, "port": "POLB", "terminal": "POLB_T",
...     "source": "cargo_handling", "mode": "yard_tractor", "engine": "diesel",
...     "pollutant": ["nox", "co2"], "mass_tonnes": [0.951, 827.8]})
>>> options = abatement_options(
...     emissions, year=2031,
...     parameters=TechnologyParameters(discount_rate=0.01, measures=("ze_yard_tractor",)))
>>> options[["measure", "pollutant", "units", "reduction_tonnes", "cost_usd"]].round(2)
           measure pollutant  units  reduction_tonnes  cost_usd
0  ze_yard_tractor       nox    2.0              0.19  31674.62
1  ze_yard_tractor       co2    2.0            165.56  31674.62

Ten tractors (827.8 t CO2 / 82.78 t each), 20 % convertible in a year: two, at
$15,837 a year each ($150,000 over 10 years at 1 %).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, FactorTableError, TableSpec
from portcap.port_inventory import SOURCES

__all__ = [
    "OPTION_COLUMNS",
    "QUANTITIES",
    "TECHNOLOGY_TABLES",
    "OptionPlan",
    "TechnologyParameters",
    "abatement_options",
    "annualised_cost_usd",
    "capital_recovery_factor",
    "measure_table",
    "option_plan",
    "options_from_plan",
]

QUANTITIES: dict[str, tuple[float, float, str]] = {
    "capital_cost_usd_per_unit": (0.0, 1e9, "capital cost of one unit [USD]"),
    "recurring_cost_usd_per_unit": (
        -1e8,
        1e8,
        "cost of one unit per accounting period beyond capital: O&M change for equipment "
        "(per year), the price of a berth-hour or of a call [USD]",
    ),
    "life_years": (1.0, 100.0, "service life over which capital is annualised [year]"),
    "unit_co2_tonnes": (
        1e-6,
        1e6,
        "fossil CO2 of the activity of one unit in portcap's source models (a unit-year, a "
        "berth-hour, a call) [t]",
    ),
    "availability_share_per_year": (
        0.0,
        1.0,
        "share of the units a terminal has that it can convert in one year [-]",
    ),
    "available_from_year": (1990.0, 2100.0, "first year the measure can be taken [year]"),
    "reduction_fraction": (
        0.0,
        1.0,
        "share of the pollutant's emissions of a converted unit removed [-]; empty "
        "pollutant = every pollutant not listed on its own",
    ),
}
"""Quantities of ``technology_values.csv``: (minimum, maximum, meaning [unit])."""

OPTION_COLUMNS: tuple[str, ...] = (
    "year",
    "port",
    "terminal",
    "measure",
    "source",
    "unit",
    "units",
    "pollutant",
    "reduction_tonnes",
    "cost_usd",
    "cost_per_tonne_usd",
)
"""Columns of :func:`abatement_options`."""


def _data_path(file: str) -> Path:
    return Path(str(resources.files("portcap.data").joinpath("policy", file)))


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


TECHNOLOGY_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "technology_measures",
            "technology_measures.csv",
            "Clean-technology measures: the emission rows each applies to and its unit.",
            key=("measure",),
            columns=(
                ColumnSpec("measure", "str"),
                ColumnSpec("description", "str"),
                ColumnSpec("source", "str", allowed=SOURCES),
                ColumnSpec("mode_pattern", "str"),
                ColumnSpec("engine_pattern", "str"),
                ColumnSpec("unit", "str"),
                *_sources(),
            ),
        ),
        TableSpec(
            "technology_values",
            "technology_values.csv",
            "Costs, life, unit activity, availability and reductions of each measure.",
            key=("measure", "quantity", "pollutant"),
            columns=(
                ColumnSpec("measure", "str"),
                ColumnSpec("quantity", "str", allowed=tuple(QUANTITIES)),
                ColumnSpec("pollutant", "str", allowed=factors.POLLUTANTS, nullable=True),
                ColumnSpec("value", "float"),
                *_sources(),
            ),
        ),
    )
}
"""Packaged tables of ``portcap/data/policy/``."""

_SCALAR_QUANTITIES = tuple(q for q in QUANTITIES if q != "reduction_fraction")


# --------------------------------------------------------------------------------------
# Annualised cost
# --------------------------------------------------------------------------------------
def capital_recovery_factor(
    discount_rate: npt.ArrayLike, life_years: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    r"""Share of a capital cost paid each year over a life at a discount rate (annuity).

    Parameters
    ----------
    discount_rate : float or array_like
        Real discount rate per year [1/year], >= 0.
    life_years : float or array_like
        Years over which the capital is recovered [year], > 0.

    Returns
    -------
    numpy.ndarray
        Capital recovery factor [1/year].

    Raises
    ------
    ValueError
        For a negative rate or a life that is not positive.

    Notes
    -----
    .. math:: CRF(i, n) = \frac{i (1 + i)^n}{(1 + i)^n - 1}, \qquad CRF(0, n) = 1 / n

    References
    ----------
    CARB, Carl Moyer Program Guidelines, Appendix G (capital recovery factors); the table
    of the policy notes §2.1 (``policy-inputs.md``).

    Examples
    --------
    >>> capital_recovery_factor([0.01, 0.02, 0.07], 10).round(5)
    array([0.10558, 0.11133, 0.14238])
    >>> capital_recovery_factor(0.0, 4)
    array(0.25)
    """
    rate = np.asarray(discount_rate, dtype=float)
    life = np.asarray(life_years, dtype=float)
    if np.any(rate < 0) or np.any(~(life > 0)):
        raise ValueError("discount_rate must be >= 0 and life_years > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = (1.0 + rate) ** life
        crf = np.where(rate > 0, rate * growth / (growth - 1.0), 1.0 / life)
    return np.asarray(crf, dtype=float)


def annualised_cost_usd(
    capital_usd: npt.ArrayLike,
    life_years: npt.ArrayLike,
    discount_rate: npt.ArrayLike,
    recurring_usd: npt.ArrayLike = 0.0,
) -> npt.NDArray[np.float64]:
    r"""Cost of a measure per accounting period: annualised capital plus recurring cost.

    Parameters
    ----------
    capital_usd : float or array_like
        Capital cost [USD].
    life_years : float or array_like
        Service life [year].
    discount_rate : float or array_like
        Discount rate [1/year].
    recurring_usd : float or array_like, default 0
        Cost per period beyond capital (O&M change, service price) [USD]; negative for
        savings.

    Returns
    -------
    numpy.ndarray
        :math:`K \cdot CRF(i, n) + R` [USD per period].

    Examples
    --------
    The e-yard-tractor test vector of the policy notes (§1.7): $150,000 more than a
    diesel tractor, 10 years at 1 %:

    >>> float(annualised_cost_usd(150_000, 10, 0.01).round(0))
    15837.0
    """
    crf = capital_recovery_factor(discount_rate, life_years)
    return np.asarray(
        np.asarray(capital_usd, dtype=float) * crf + np.asarray(recurring_usd, dtype=float),
        dtype=float,
    )


# --------------------------------------------------------------------------------------
# Parameters and the measure table
# --------------------------------------------------------------------------------------
class TechnologyParameters(BaseModel):
    """Choices of the clean-technology merit order (each sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    discount_rate: float = Field(
        default=0.03,
        ge=0.0,
        le=0.3,
        json_schema_extra=factors.sourced(
            ("epa_bpt_2012", "moyer_guidelines"),
            "R",
            "3 % social rate (EPA's benefit-per-ton variants use 3 % and 7 %); the Carl "
            "Moyer Program's capital recovery factors use 1-2 %",
        ),
    )
    """Real discount rate that annualises capital [1/year]."""

    cap_pollutant: str = Field(
        default="nox",
        json_schema_extra=factors.sourced(
            ("portcap_convention",), "V", "PR 2304 concept: NOx caps on terminals and ports"
        ),
    )
    """Pollutant the cost per tonne is reckoned on."""

    measures: tuple[str, ...] | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",), "V", "None = every packaged measure"
        ),
    )
    """Measures terminals may take (names of ``technology_measures.csv``); None = all."""

    capital_cost_scale: float = Field(
        default=1.0,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "sensitivity: capital costs of zero-emission equipment span a factor of 2-3 "
            "(e.g. yard tractor $150,000 incremental to $530,000 all-in)",
        ),
    )
    """Multiplier on every capital cost [-]."""

    availability_scale: float = Field(
        default=1.0,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",), "R", "sensitivity on the yearly availability limits"
        ),
    )
    """Multiplier on every yearly availability share (capped at 1) [-]."""

    @field_validator("cap_pollutant")
    @classmethod
    def _check_pollutant(cls, value: str) -> str:
        factors.check_choice(value, factors.POLLUTANTS, "cap pollutant")
        return value

    @field_validator("measures")
    @classmethod
    def _check_measures(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            known = tuple(_measures_cached()["measure"])
            for name in value:
                factors.check_choice(name, known, "measure")
        return value


def measure_table(parameters: TechnologyParameters | None = None) -> pd.DataFrame:
    """Return the packaged measures, one row per measure, with their annualised unit cost.

    Parameters
    ----------
    parameters : TechnologyParameters, optional
        Discount rate, capital scale and the measures kept; default
        :class:`TechnologyParameters`.

    Returns
    -------
    pandas.DataFrame
        ``measure, description, source, mode_pattern, engine_pattern, unit`` and the
        quantities of :data:`QUANTITIES` except the reductions, plus
        ``annualised_cost_usd_per_unit`` [USD per unit and period].

    Examples
    --------
    >>> table = measure_table(TechnologyParameters(discount_rate=0.01))
    >>> round(float(table.set_index("measure").loc["ze_yard_tractor",
    ...       "annualised_cost_usd_per_unit"]))
    15837
    """
    parameters = parameters or TechnologyParameters()
    table = _measures_cached().copy()
    if parameters.measures is not None:
        table = table[table["measure"].isin(parameters.measures)]
    table["capital_cost_usd_per_unit"] *= parameters.capital_cost_scale
    table["availability_share_per_year"] = np.minimum(
        table["availability_share_per_year"] * parameters.availability_scale, 1.0
    )
    table["annualised_cost_usd_per_unit"] = annualised_cost_usd(
        table["capital_cost_usd_per_unit"].to_numpy(),
        table["life_years"].to_numpy(),
        parameters.discount_rate,
        table["recurring_cost_usd_per_unit"].to_numpy(),
    )
    return table.reset_index(drop=True)


@functools.cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    measures_spec = TECHNOLOGY_TABLES["technology_measures"]
    values_spec = TECHNOLOGY_TABLES["technology_values"]
    measures_path = _data_path(measures_spec.file)
    values_path = _data_path(values_spec.file)
    measures = factors.read_table_csv(measures_path, measures_spec)
    values = factors.read_table_csv(values_path, values_spec)
    for row, (name, pattern_mode, pattern_engine) in enumerate(
        zip(measures["measure"], measures["mode_pattern"], measures["engine_pattern"], strict=True)
    ):
        for column, pattern in (("mode_pattern", pattern_mode), ("engine_pattern", pattern_engine)):
            try:
                re.compile(pattern)
            except re.error as error:
                raise FactorTableError(
                    f"file {measures_path.name}, row {row + 1}, column {column!r}: measure "
                    f"{name!r} has an invalid pattern {pattern!r} ({error})"
                ) from error
    unknown = sorted(set(values["measure"]) - set(measures["measure"]))
    if unknown:
        raise FactorTableError(
            f"file {values_path.name}: measures {unknown} are not in {measures_path.name}"
        )
    for quantity, (low, high, _) in QUANTITIES.items():
        rows = values[values["quantity"] == quantity]
        bad = rows[(rows["value"] < low) | (rows["value"] > high)]
        if len(bad):
            first = bad.iloc[0]
            raise FactorTableError(
                f"file {values_path.name}: {quantity} of {first['measure']!r} = "
                f"{first['value']} is outside [{low}, {high}]"
            )
    return measures, values


@functools.cache
def _measures_cached() -> pd.DataFrame:
    measures, values = _tables()
    scalars = values[values["quantity"].isin(_SCALAR_QUANTITIES)]
    wide = scalars.pivot(index="measure", columns="quantity", values="value")
    missing = [
        (name, quantity)
        for name in measures["measure"]
        for quantity in _SCALAR_QUANTITIES
        if name not in wide.index or pd.isna(wide.loc[name].get(quantity, np.nan))
    ]
    if missing:
        raise FactorTableError(
            f"file {TECHNOLOGY_TABLES['technology_values'].file}: missing values {missing}"
        )
    defaults = values[(values["quantity"] == "reduction_fraction") & values["pollutant"].isna()]
    without = sorted(set(measures["measure"]) - set(defaults["measure"]))
    if without:
        raise FactorTableError(
            f"file {TECHNOLOGY_TABLES['technology_values'].file}: measures {without} need a "
            "reduction_fraction with an empty pollutant (the default for all pollutants)"
        )
    table = measures.drop(columns=["source_id", "source_locator"]).merge(
        wide[list(_SCALAR_QUANTITIES)].reset_index(), on="measure", how="left", validate="1:1"
    )
    table["available_from_year"] = table["available_from_year"].astype("int64")
    return table


@functools.cache
def _reduction_fractions() -> pd.DataFrame:
    """Reduction fraction of every measure for every pollutant (specific, else default)."""
    _, values = _tables()
    rows = values[values["quantity"] == "reduction_fraction"]
    default = rows[rows["pollutant"].isna()].set_index("measure")["value"]
    grid = pd.MultiIndex.from_product(
        [default.index, factors.POLLUTANTS], names=["measure", "pollutant"]
    ).to_frame(index=False)
    grid["reduction_fraction"] = grid["measure"].map(default)
    specific = rows[rows["pollutant"].notna()].set_index(["measure", "pollutant"])["value"]
    keys = pd.MultiIndex.from_frame(grid[["measure", "pollutant"]])
    override = specific.reindex(keys).to_numpy(dtype=float)
    grid["reduction_fraction"] = np.where(
        np.isnan(override), grid["reduction_fraction"].to_numpy(dtype=float), override
    )
    return grid


# --------------------------------------------------------------------------------------
# The options
# --------------------------------------------------------------------------------------
_REQUIRED = ("terminal", "source", "mode", "engine", "pollutant", "mass_tonnes")


@dataclass(frozen=True)
class OptionPlan:
    """Where each packaged measure applies in the rows of one emissions table.

    The part of :func:`abatement_options` that depends on the table's rows, not on their
    masses or the parameters. An ensemble's draws project the same rows of a year with
    other masses (another growth rate) and price them with other parameters (cost and
    availability scales): the plan matches the measures' patterns and groups the rows
    once, and :func:`options_from_plan` only sums masses and prices, in arrays. Make one
    with :func:`option_plan`.

    Attributes
    ----------
    n_rows : int
        Rows of the emissions table.
    has_co2 : bool
        Whether the table has ``co2`` rows (the units are counted from them).
    rows : numpy.ndarray
        Positions of the rows each measure applies to, measure after measure (a row
        appears once per measure that applies to it).
    codes : numpy.ndarray
        Group of each of ``rows``: one group per measure, port, terminal and pollutant.
    measure, port, terminal, pollutant, source, unit : numpy.ndarray
        Labels of each group (object arrays).
    fraction : numpy.ndarray
        Reduction fraction of the group's measure for its pollutant [-] (NaN: the
        pollutant is not one of ``factors.POLLUTANTS``, no option).
    co2_group : numpy.ndarray
        Group holding the CO2 of the same measure, port and terminal (-1: none).
    by_measure : dict of str to slice
        Groups of each measure (contiguous, in the order of ``port, terminal, pollutant``).
    """

    n_rows: int
    has_co2: bool
    rows: npt.NDArray[np.intp]
    codes: npt.NDArray[np.intp]
    measure: npt.NDArray[np.object_]
    port: npt.NDArray[np.object_]
    terminal: npt.NDArray[np.object_]
    pollutant: npt.NDArray[np.object_]
    source: npt.NDArray[np.object_]
    unit: npt.NDArray[np.object_]
    fraction: npt.NDArray[np.float64]
    co2_group: npt.NDArray[np.intp]
    by_measure: dict[str, slice]


def _check_columns(emissions: pd.DataFrame) -> None:
    missing = [c for c in _REQUIRED if c not in emissions.columns]
    if missing:
        raise InputError(
            f"emissions table: missing column(s) {missing}; expected the port_inventory "
            f"emissions table ({', '.join(_REQUIRED)})"
        )


def option_plan(emissions: pd.DataFrame) -> OptionPlan:
    """Match every packaged measure to the rows of an emissions table (see :class:`OptionPlan`).

    Parameters
    ----------
    emissions : pandas.DataFrame
        An emissions table of one year, as for :func:`abatement_options` (its masses are
        not read).

    Returns
    -------
    OptionPlan

    Raises
    ------
    InputError
        If a required column is missing.

    Examples
    --------
    >>> emissions = pd.DataFrame({
    ...     "terminal": "POLB_T", "source": "cargo_handling", "mode": "yard_tractor",
    ...     "engine": "diesel", "pollutant": ["nox", "co2"], "mass_tonnes": [0.951, 827.8]})
    >>> plan = option_plan(emissions)
    >>> plan.measure.tolist(), plan.pollutant.tolist()
    (['ze_yard_tractor', 'ze_yard_tractor'], ['co2', 'nox'])
    """
    _check_columns(emissions)
    keys = emissions[["terminal", "source", "mode", "engine", "pollutant"]].copy()
    keys["port"] = (
        emissions["port"]
        if "port" in emissions.columns
        else keys["terminal"].astype(str).str.split("_").str[0]
    )
    keys["_row"] = np.arange(len(keys))
    fractions = _reduction_fractions().set_index(["measure", "pollutant"])["reduction_fraction"]
    pieces: list[pd.DataFrame] = []
    row_parts: list[npt.NDArray[np.intp]] = []
    code_parts: list[npt.NDArray[np.intp]] = []
    by_measure: dict[str, slice] = {}
    start = 0
    for measure in _measures_cached().to_dict("records"):
        matched = keys[
            (keys["source"] == measure["source"])
            & keys["mode"].astype(str).str.fullmatch(str(measure["mode_pattern"]))
            & keys["engine"].astype(str).str.fullmatch(str(measure["engine_pattern"]))
        ]
        if matched.empty:
            continue
        grouped = matched.groupby(["port", "terminal", "pollutant"], sort=True)
        labels = grouped.size().index.to_frame(index=False)
        labels["measure"] = measure["measure"]
        labels["source"] = measure["source"]
        labels["unit"] = measure["unit"]
        row_parts.append(matched["_row"].to_numpy(dtype=np.intp))
        code_parts.append(grouped.ngroup().to_numpy(dtype=np.intp) + start)
        by_measure[str(measure["measure"])] = slice(start, start + len(labels))
        start += len(labels)
        pieces.append(labels)
    if not pieces:
        empty = np.array([], dtype=object)
        return OptionPlan(
            len(emissions),
            bool((emissions["pollutant"] == "co2").any()),
            np.array([], dtype=np.intp),
            np.array([], dtype=np.intp),
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            np.array([], dtype=float),
            np.array([], dtype=np.intp),
            {},
        )
    groups = pd.concat(pieces, ignore_index=True)
    rows = np.concatenate(row_parts)
    codes = np.concatenate(code_parts)
    fraction = fractions.reindex(
        pd.MultiIndex.from_frame(groups[["measure", "pollutant"]].astype(object))
    ).to_numpy(dtype=float)
    # the group with the CO2 of the same measure, port and terminal (units are counted on it)
    owner = pd.MultiIndex.from_frame(groups[["measure", "port", "terminal"]].astype(object))
    is_co2 = (groups["pollutant"] == "co2").to_numpy()
    co2_of = pd.Series(np.flatnonzero(is_co2), index=owner[is_co2])
    co2_group = co2_of.reindex(owner).fillna(-1).to_numpy(dtype=np.intp)

    def column(name: str) -> npt.NDArray[np.object_]:
        return groups[name].astype(object).to_numpy(dtype=object)

    plan = OptionPlan(
        n_rows=len(emissions),
        has_co2=bool((emissions["pollutant"] == "co2").any()),
        rows=rows,
        codes=codes,
        measure=column("measure"),
        port=column("port"),
        terminal=column("terminal"),
        pollutant=column("pollutant"),
        source=column("source"),
        unit=column("unit"),
        fraction=fraction,
        co2_group=co2_group,
        by_measure=by_measure,
    )
    for array in (plan.rows, plan.codes, plan.fraction, plan.co2_group):
        array.setflags(write=False)  # plans are kept and shared: read-only
    return plan


def abatement_options(
    emissions: pd.DataFrame,
    *,
    year: int,
    parameters: TechnologyParameters | None = None,
) -> pd.DataFrame:
    r"""Reductions each clean-technology measure offers at each terminal in a year, with cost.

    Parameters
    ----------
    emissions : pandas.DataFrame
        An emissions table of one year (``port_inventory`` rows: ``terminal, source,
        mode, engine, pollutant, mass_tonnes``; ``port`` optional), one terminal or many.
        It must hold the ``co2`` rows: the units of each measure are counted from them.
    year : int
        The year [year]: measures not yet available (``available_from_year``) are left
        out.
    parameters : TechnologyParameters, optional
        Discount rate, cap pollutant, measures allowed, sensitivities.

    Returns
    -------
    pandas.DataFrame
        :data:`OPTION_COLUMNS`, one row per terminal, measure and pollutant reduced:
        ``units`` converted (of ``unit``), ``reduction_tonnes`` [t/year] of the
        pollutant, ``cost_usd`` [USD/year] of taking the whole measure (the same on every
        pollutant row of a terminal's measure: count it once) and ``cost_per_tonne_usd``
        [USD per tonne of the cap pollutant; NaN if the measure does not reduce it].
        Sorted by cost per tonne, then terminal, measure and pollutant. Empty (with these
        columns) when nothing applies.

    Raises
    ------
    InputError
        If a required column is missing, or the table has emissions but no ``co2`` rows.

    Notes
    -----
    For measure :math:`m` at terminal :math:`t`, with :math:`M_{t,m,p}` the mass of
    pollutant :math:`p` on the emission rows the measure applies to (its ``source``, and
    ``mode`` and ``engine`` matching its patterns):

    .. math::

        N_{t,m} = a_m \, \frac{M_{t,m,CO_2}}{c_m}, \qquad
        \Delta_{t,m,p} = a_m \, f_{m,p} \, M_{t,m,p}, \qquad
        C_{t,m} = N_{t,m} \left( K_m \, CRF(i, L_m) + R_m \right)

    with the yearly availability share :math:`a_m`, the CO2 of one unit :math:`c_m`, the
    reduction fraction :math:`f_{m,p}`, the capital :math:`K_m`, the recurring cost
    :math:`R_m`, the life :math:`L_m` and the discount rate :math:`i`. The cost per tonne
    is :math:`C_{t,m} / \Delta_{t,m,q}` for the cap pollutant :math:`q` (the Carl Moyer
    definition: annualised cost over annual reduction). Valid for the yearly inventory of
    one year: the availability is a share per year of what is left that year.

    The work is split in two: :func:`option_plan` matches the measures to the rows, and
    :func:`options_from_plan` prices the masses; callers that price the same rows many
    times (an ensemble) keep the plan.

    References
    ----------
    CARB, Carl Moyer Program Guidelines (cost-effectiveness with capital recovery
    factors); measure values in ``portcap/data/policy/SOURCES.md``.
    """
    _check_columns(emissions)
    return options_from_plan(
        option_plan(emissions),
        emissions["mass_tonnes"].to_numpy(dtype=float),
        year=year,
        parameters=parameters,
    )


def options_from_plan(
    plan: OptionPlan,
    mass_tonnes: npt.ArrayLike,
    *,
    year: int,
    parameters: TechnologyParameters | None = None,
) -> pd.DataFrame:
    """Price the measures of a plan on the masses of its table's rows.

    Parameters
    ----------
    plan : OptionPlan
        From :func:`option_plan` of a table with these rows.
    mass_tonnes : array_like
        Mass of each row of that table, in its order [t].
    year : int
        The year [year].
    parameters : TechnologyParameters, optional
        Discount rate, cap pollutant, measures allowed, sensitivities.

    Returns
    -------
    pandas.DataFrame
        As :func:`abatement_options` of the table with these masses.

    Raises
    ------
    InputError
        If the table has rows but no ``co2`` rows.
    ValueError
        If the masses are not one per row of the plan's table.
    """
    parameters = parameters or TechnologyParameters()
    mass = np.asarray(mass_tonnes, dtype=float)
    if mass.shape != (plan.n_rows,):
        msg = (
            f"mass_tonnes must have one value per row of the plan ({plan.n_rows}), got {mass.shape}"
        )
        raise ValueError(msg)
    measures = _priced_measures(parameters.model_dump_json())
    measures = measures[measures["available_from_year"] <= int(year)]
    if plan.n_rows == 0 or measures.empty:
        return _empty()
    if not plan.has_co2:
        raise InputError(
            "emissions table: no 'co2' rows; the units of each measure are counted from "
            "fossil CO2, so pass the whole emissions table (all pollutants)"
        )
    if not plan.by_measure:
        return _empty()
    # the same grouped (compensated) sums as a groupby of the table, on integer codes
    sums = (
        pd.Series(mass[plan.rows])
        .groupby(plan.codes, sort=True)
        .sum()
        .reindex(np.arange(len(plan.measure)), fill_value=0.0)
        .to_numpy(dtype=float)
    )
    chosen: list[npt.NDArray[np.intp]] = []
    units_parts: list[npt.NDArray[np.float64]] = []
    reduction_parts: list[npt.NDArray[np.float64]] = []
    cost_parts: list[npt.NDArray[np.float64]] = []
    for name, share, unit_co2, unit_cost in zip(
        measures["measure"],
        measures["availability_share_per_year"],
        measures["unit_co2_tonnes"],
        measures["annualised_cost_usd_per_unit"],
        strict=True,
    ):
        span = plan.by_measure.get(str(name))
        if span is None:
            continue
        groups = np.arange(span.start, span.stop)
        groups = groups[~np.isnan(plan.fraction[groups])]
        share = float(share)
        co2 = plan.co2_group[groups]
        units = np.where(co2 >= 0, share * sums[np.maximum(co2, 0)] / float(unit_co2), 0.0)
        reduction = share * plan.fraction[groups] * sums[groups]
        cost = units * float(unit_cost)
        # rows without CO2 cannot be counted in units, hence not priced: no option
        keep = (reduction > 0) & (units > 0)
        chosen.append(groups[keep])
        units_parts.append(units[keep])
        reduction_parts.append(reduction[keep])
        cost_parts.append(cost[keep])
    index = np.concatenate(chosen) if chosen else np.array([], dtype=np.intp)
    if not len(index):
        return _empty()
    units = np.concatenate(units_parts)
    reduction = np.concatenate(reduction_parts)
    cost = np.concatenate(cost_parts)
    measure, port, terminal = plan.measure[index], plan.port[index], plan.terminal[index]
    pollutant = plan.pollutant[index]
    # cost per tonne of the cap pollutant, on every row of the terminal's measure
    owner = pd.MultiIndex.from_arrays([measure, port, terminal])
    is_cap = pollutant == parameters.cap_pollutant
    per_tonne_of = pd.Series(cost[is_cap] / reduction[is_cap], index=owner[is_cap])
    per_tonne = per_tonne_of.reindex(owner).to_numpy(dtype=float)
    order = {p: i for i, p in enumerate(factors.POLLUTANTS)}
    rank_p = np.array([order.get(str(p), len(order)) for p in pollutant])
    _, rank_measure = np.unique(measure.astype(str), return_inverse=True)
    _, rank_terminal = np.unique(terminal.astype(str), return_inverse=True)
    sort = np.lexsort((rank_p, rank_measure, rank_terminal, per_tonne))
    options = pd.DataFrame(
        {
            "year": np.full(len(index), int(year), dtype="int64"),
            "port": port[sort],
            "terminal": terminal[sort],
            "measure": measure[sort],
            "source": plan.source[index][sort],
            "unit": plan.unit[index][sort],
            "units": units[sort],
            "pollutant": pollutant[sort],
            "reduction_tonnes": reduction[sort],
            "cost_usd": cost[sort],
            "cost_per_tonne_usd": per_tonne[sort],
        }
    )
    return options[list(OPTION_COLUMNS)]


@functools.lru_cache(maxsize=64)
def _priced_measures(parameters_json: str) -> pd.DataFrame:
    """:func:`measure_table` of the parameters (cached by their content; do not modify)."""
    return measure_table(TechnologyParameters.model_validate_json(parameters_json))


def _empty() -> pd.DataFrame:
    numeric = {"units", "reduction_tonnes", "cost_usd", "cost_per_tonne_usd"}
    columns = {
        c: pd.Series(dtype="int64" if c == "year" else "float64" if c in numeric else "object")
        for c in OPTION_COLUMNS
    }
    return pd.DataFrame(columns)
