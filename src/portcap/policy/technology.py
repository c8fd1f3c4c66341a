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
    "TechnologyParameters",
    "abatement_options",
    "annualised_cost_usd",
    "capital_recovery_factor",
    "measure_table",
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

    References
    ----------
    CARB, Carl Moyer Program Guidelines (cost-effectiveness with capital recovery
    factors); measure values in ``portcap/data/policy/SOURCES.md``.
    """
    parameters = parameters or TechnologyParameters()
    missing = [c for c in _REQUIRED if c not in emissions.columns]
    if missing:
        raise InputError(
            f"emissions table: missing column(s) {missing}; expected the port_inventory "
            f"emissions table ({', '.join(_REQUIRED)})"
        )
    measures = measure_table(parameters)
    measures = measures[measures["available_from_year"] <= int(year)]
    if emissions.empty or measures.empty:
        return _empty()
    if not (emissions["pollutant"] == "co2").any():
        raise InputError(
            "emissions table: no 'co2' rows; the units of each measure are counted from "
            "fossil CO2, so pass the whole emissions table (all pollutants)"
        )
    work = emissions.copy()
    if "port" not in work.columns:
        work["port"] = work["terminal"].astype(str).str.split("_").str[0]
    fractions = _reduction_fractions()
    pieces: list[pd.DataFrame] = []
    # one pass per measure (a dozen), each vectorised over the emission rows
    for measure in measures.to_dict("records"):
        matched = work[
            (work["source"] == measure["source"])
            & work["mode"].astype(str).str.fullmatch(str(measure["mode_pattern"]))
            & work["engine"].astype(str).str.fullmatch(str(measure["engine_pattern"]))
        ]
        if matched.empty:
            continue
        mass = matched.groupby(["port", "terminal", "pollutant"], as_index=False)[
            "mass_tonnes"
        ].sum()
        co2 = mass[mass["pollutant"] == "co2"].set_index(["port", "terminal"])["mass_tonnes"]
        share = float(measure["availability_share_per_year"])
        units = share * co2 / float(measure["unit_co2_tonnes"])
        mine = fractions[fractions["measure"] == measure["measure"]]
        mass = mass.merge(mine[["pollutant", "reduction_fraction"]], on="pollutant", validate="m:1")
        mass["reduction_tonnes"] = share * mass["reduction_fraction"] * mass["mass_tonnes"]
        keys = pd.MultiIndex.from_frame(mass[["port", "terminal"]])
        mass["units"] = units.reindex(keys).fillna(0.0).to_numpy(dtype=float)
        mass["cost_usd"] = mass["units"] * float(measure["annualised_cost_usd_per_unit"])
        mass = mass.assign(
            measure=measure["measure"], source=measure["source"], unit=measure["unit"]
        )
        # rows without CO2 cannot be counted in units, hence not priced: no option
        pieces.append(mass[(mass["reduction_tonnes"] > 0) & (mass["units"] > 0)])
    if not pieces:
        return _empty()
    options = pd.concat(pieces, ignore_index=True)
    options["year"] = int(year)
    cap = options[options["pollutant"] == parameters.cap_pollutant].set_index(
        ["terminal", "measure"]
    )
    per_tonne = cap["cost_usd"] / cap["reduction_tonnes"]
    keys = pd.MultiIndex.from_frame(options[["terminal", "measure"]])
    options["cost_per_tonne_usd"] = per_tonne.reindex(keys).to_numpy(dtype=float)
    order = {p: i for i, p in enumerate(factors.POLLUTANTS)}
    options["_p"] = options["pollutant"].map(order)
    options = options.sort_values(
        ["cost_per_tonne_usd", "terminal", "measure", "_p"], na_position="last"
    )
    return options[list(OPTION_COLUMNS)].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    numeric = {"units", "reduction_tonnes", "cost_usd", "cost_per_tonne_usd"}
    columns = {
        c: pd.Series(dtype="int64" if c == "year" else "float64" if c in numeric else "object")
        for c in OPTION_COLUMNS
    }
    return pd.DataFrame(columns)
