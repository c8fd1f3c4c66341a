r"""Monetised health benefits of emission cuts: EPA benefit-per-ton values.

A tonne of directly emitted PM2.5, or of a precursor of secondary PM2.5 (NOx forms
nitrate, SO2 sulfate), causes a roughly constant amount of premature mortality and illness
where it is emitted; EPA's *benefit-per-ton* (BPT) values give its monetised value by
emission sector, from BenMAP runs over the whole United States (Fann, Baker and Fulcher
2012 method). portcap multiplies the tonnes cut by these values:

.. math::

    B = -\,m \, s \sum_r \Delta E_r \; v_{\sigma(r), p(r)} \, k_{t}

with :math:`\Delta E_r` the change of row :math:`r` [t] (negative: a cut), :math:`v` the
BPT of the row's sector :math:`\sigma` and pollutant :math:`p` [USD per short ton],
:math:`k_t = 1.10231` short tons per tonne, the regional multiplier :math:`m` (the South
Coast Air Basin is denser and more inversion-prone than the national average behind the
BPTs) and a dollar-year scale :math:`s`. Only ``pm25`` (direct PM2.5), ``nox`` and ``sox``
(valued at EPA's SO2 rate) are valued; ``dpm`` is part of ``pm25`` and ``pm10`` mostly of
it, so neither is counted again; CO2 and other gases are not health values here.

The tables are packaged in ``portcap/data/policy/`` (``health_benefit_per_tonne.csv``, as
published, per short ton, with the dollar year and discount rate of each edition, and
``health_sector_map.csv``, which portcap source category uses which EPA sector), read
through the one table loader. Method, values and what is left out:
``docs/methodology/health.md``.

Examples
--------
>>> import pandas as pd
>>> cuts = pd.DataFrame({"pollutant": ["nox", "pm25"], "tonnes": [-10.0, -1.0]})
>>> round(health_benefits_usd(cuts, HealthParameters(regional_multiplier=1.0)))
372581

Ten tonnes of NOx at $7,800 and one of direct PM2.5 at $260,000 per short ton (EPA 2018
update, locomotives and marine vessels, 2015 dollars), times 1.10231 short tons per tonne.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, FactorTableError, TableSpec
from portcap.port_inventory import SOURCES
from portcap.units import SHORT_TONS_PER_TONNE

__all__ = [
    "HEALTH_TABLES",
    "VALUED_POLLUTANTS",
    "HealthParameters",
    "benefit_per_tonne_table",
    "health_benefit_usd_by_row",
    "health_benefits_usd",
]

VALUED_POLLUTANTS: tuple[str, ...] = ("pm25", "sox", "nox")
"""Pollutants with a benefit per tonne: direct PM2.5 and the precursors SO2 (as ``sox``)
and NOx (EPA sector BPT tables, columns Direct PM, SO2, NOx)."""

_DEFAULT_SOURCE = "default"
"""Row of ``health_sector_map.csv`` used for change rows without a source."""


def _data_path(file: str) -> Path:
    return Path(str(resources.files("portcap.data").joinpath("policy", file)))


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


HEALTH_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "health_benefit_per_tonne",
            "health_benefit_per_tonne.csv",
            "EPA benefit-per-ton values by edition, sector and pollutant, as published.",
            key=("edition", "sector", "pollutant"),
            columns=(
                ColumnSpec("edition", "str"),
                ColumnSpec("sector", "str"),
                ColumnSpec("emission_year", "int", unit="year", minimum=1990, maximum=2100),
                ColumnSpec("pollutant", "str", allowed=VALUED_POLLUTANTS),
                # EPA's $/ton are per short ton (U.S. ton); converted once, below
                ColumnSpec("usd_per_short_ton", "float", minimum=0.0, maximum=1e8),
                ColumnSpec("dollar_year", "int", unit="year", minimum=1990, maximum=2100),
                ColumnSpec("discount_rate_pct", "float", unit="pct", minimum=0.0, maximum=20.0),
                *_sources(),
            ),
        ),
        TableSpec(
            "health_sector_map",
            "health_sector_map.csv",
            "EPA sector whose benefit per ton values each portcap source category.",
            key=("edition", "source"),
            columns=(
                ColumnSpec("edition", "str"),
                ColumnSpec("source", "str", allowed=(*SOURCES, _DEFAULT_SOURCE)),
                ColumnSpec("sector", "str"),
                *_sources(),
            ),
        ),
    )
}
"""Packaged health tables of ``portcap/data/policy/``."""


@functools.cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    values_spec = HEALTH_TABLES["health_benefit_per_tonne"]
    map_spec = HEALTH_TABLES["health_sector_map"]
    values = factors.read_table_csv(_data_path(values_spec.file), values_spec)
    sector_map = factors.read_table_csv(_data_path(map_spec.file), map_spec)
    known = set(zip(values["edition"], values["sector"], strict=True))
    for row, key in enumerate(zip(sector_map["edition"], sector_map["sector"], strict=True)):
        if key not in known:
            raise FactorTableError(
                f"file {map_spec.file}, row {row + 1}, column 'sector': {key[1]!r} is not a "
                f"sector of edition {key[0]!r} in {values_spec.file}"
            )
    complete = values.groupby(["edition", "sector"])["pollutant"].nunique()
    short = complete[complete < len(VALUED_POLLUTANTS)]
    if len(short):
        raise FactorTableError(
            f"file {values_spec.file}: sectors {list(short.index)} lack one of "
            f"{list(VALUED_POLLUTANTS)}"
        )
    no_default = sorted(
        set(values["edition"])
        - set(sector_map.loc[sector_map["source"] == _DEFAULT_SOURCE, "edition"])
    )
    if no_default:
        raise FactorTableError(
            f"file {map_spec.file}: editions {no_default} need a {_DEFAULT_SOURCE!r} row"
        )
    return values, sector_map


class HealthParameters(BaseModel):
    """Choices of the benefit-per-tonne valuation (each sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    edition: str = Field(
        default="epa_bpt_2018",
        json_schema_extra=factors.sourced(
            ("epa_bpt_2018",),
            "V",
            "EPA recommends the February 2018 update over the 2012/2013 tables; 2015 dollars, "
            "3 % discount rate, Krewski et al. 2009 mortality",
        ),
    )
    """Edition of the EPA tables: ``epa_bpt_2018`` (2015 $) or ``epa_bpt_2012`` (2010 $)."""

    sector: str | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "None: each change row's source category through health_sector_map.csv",
        ),
    )
    """One EPA sector for every row (e.g. ``locomotives_marine_2016``); None = by source."""

    regional_multiplier: float = Field(
        default=3.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "national BPTs understate benefits in the dense, inversion-prone South Coast Air "
            "Basin; x3 on the national mobile-source values (policy notes §6.2, not found in a "
            "public source); 1 = the national average, higher for the basin",
        ),
    )
    """Multiplier from national-average to South Coast benefits per tonne [-]."""

    dollar_scale: float = Field(
        default=1.0,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "1 = the edition's own dollars (2015 $ for epa_bpt_2018); a CPI-U ratio converts "
            "to another dollar year",
        ),
    )
    """Multiplier from the edition's dollar year to the reporting dollars [-]."""

    @field_validator("regional_multiplier", "dollar_scale")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"must be a finite number >= 0 (a scale on benefits per tonne), got {value}"
            )
        return value

    @field_validator("edition")
    @classmethod
    def _check_edition(cls, value: str) -> str:
        factors.check_choice(value, sorted(set(_tables()[0]["edition"])), "benefit-per-ton edition")
        return value

    @model_validator(mode="after")
    def _check_sector(self) -> HealthParameters:
        if self.sector is not None:
            values = _tables()[0]
            sectors = sorted(set(values.loc[values["edition"] == self.edition, "sector"]))
            factors.check_choice(self.sector, sectors, f"sector of edition {self.edition!r}")
        return self


def benefit_per_tonne_table(parameters: HealthParameters | None = None) -> pd.DataFrame:
    """Return the benefit per metric tonne of each sector and pollutant of an edition.

    Parameters
    ----------
    parameters : HealthParameters, optional
        Edition, regional multiplier and dollar scale; default :class:`HealthParameters`.

    Returns
    -------
    pandas.DataFrame
        ``sector, emission_year, pollutant, usd_per_short_ton`` (as published),
        ``usd_per_tonne`` [USD per metric tonne, times the regional multiplier and the
        dollar scale], ``dollar_year``, ``discount_rate_pct``.

    Examples
    --------
    >>> table = benefit_per_tonne_table(HealthParameters(regional_multiplier=1.0))
    >>> row = table.query("sector == 'locomotives_marine_2016' and pollutant == 'nox'")
    >>> round(float(row["usd_per_tonne"].iloc[0]), 2), int(row["dollar_year"].iloc[0])
    (8598.03, 2015)
    """
    parameters = parameters or HealthParameters()
    values, _ = _tables()
    table = values[values["edition"] == parameters.edition].drop(
        columns=["edition", "source_id", "source_locator"]
    )
    table["usd_per_tonne"] = (
        table["usd_per_short_ton"]
        * SHORT_TONS_PER_TONNE
        * parameters.regional_multiplier
        * parameters.dollar_scale
    )
    columns = [
        "sector",
        "emission_year",
        "pollutant",
        "usd_per_short_ton",
        "usd_per_tonne",
        "dollar_year",
        "discount_rate_pct",
    ]
    return table[columns].reset_index(drop=True)


def health_benefit_usd_by_row(
    changes: pd.DataFrame, parameters: HealthParameters | None = None
) -> pd.Series:
    r"""Monetised health benefit of each row of a table of emission changes.

    Parameters
    ----------
    changes : pandas.DataFrame
        ``pollutant`` (codes of the emissions table) and ``tonnes`` [t], the change of
        emissions (negative = a cut); optional ``source`` (``ogv``, ``truck`` ...) to value
        each row at its own EPA sector (else the edition's ``default`` sector).
    parameters : HealthParameters, optional
        Edition, sector, regional multiplier, dollar scale.

    Returns
    -------
    pandas.Series
        ``health_benefit_usd`` [USD of the edition's dollar year, times the dollar scale],
        on the index of ``changes``: positive where emissions fall, negative where they
        rise, zero for pollutants without a value (see :data:`VALUED_POLLUTANTS`).

    Raises
    ------
    InputError
        For a missing column, a pollutant or source code that is not known, or a change
        that is not a finite number.

    Notes
    -----
    .. math:: b_r = -\,\Delta E_r \; v_{\sigma(r), p(r)} \, k_t \, m \, s

    (module docstring). Linear in the tonnes: valid for changes small against the
    emissions of the basin, as the BPTs are marginal values.

    References
    ----------
    U.S. EPA, Sector-based PM2.5 benefit per ton estimates (2012 tables, 2010 $; February
    2018 update, 2015 $), BenMAP; Fann, Baker and Fulcher (2012), Air Qual. Atmos. Health
    5, 269-279, :doi:`10.1007/s11869-011-0162-3`.

    Examples
    --------
    >>> changes = pd.DataFrame({"source": ["ogv", "truck"], "pollutant": ["nox", "nox"],
    ...                         "tonnes": [-1.0, 2.0]}, index=[10, 11])
    >>> health_benefit_usd_by_row(
    ...     changes, HealthParameters(edition="epa_bpt_2012", regional_multiplier=1.0)
    ... ).round(1)
    10     1433.0
    11    -9700.3
    Name: health_benefit_usd, dtype: float64
    """
    parameters = parameters or HealthParameters()
    missing = [c for c in ("pollutant", "tonnes") if c not in changes.columns]
    if missing:
        raise InputError(
            f"emission changes: missing column(s) {missing}; expected 'pollutant, tonnes' "
            "(negative tonnes = a cut) and optionally 'source'"
        )
    pollutant = changes["pollutant"].astype(str).to_numpy(dtype=object)
    unknown = ~np.isin(pollutant, factors.POLLUTANTS)
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise InputError(
            f"unknown pollutant {pollutant[row]!r}; valid codes are "
            f"{', '.join(factors.POLLUTANTS)}",
            row=row + 1,
            field="pollutant",
        )
    tonnes = pd.to_numeric(changes["tonnes"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(tonnes)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"expected a finite number of tonnes, got {changes['tonnes'].iloc[row]!r}",
            row=row + 1,
            field="tonnes",
        )
    sector = _row_sectors(changes, parameters)
    table = benefit_per_tonne_table(parameters).set_index(["sector", "pollutant"])
    keys = pd.MultiIndex.from_arrays([sector, pollutant])
    per_tonne = table["usd_per_tonne"].reindex(keys).to_numpy(dtype=float)
    per_tonne = np.where(np.isnan(per_tonne), 0.0, per_tonne)  # unvalued pollutants
    return pd.Series(-tonnes * per_tonne, index=changes.index, name="health_benefit_usd")


def _row_sectors(changes: pd.DataFrame, parameters: HealthParameters) -> np.ndarray:
    """EPA sector of each change row: the chosen one, else by source, else the default."""
    if parameters.sector is not None:
        return np.full(len(changes), parameters.sector, dtype=object)
    _, sector_map = _tables()
    mine = sector_map[sector_map["edition"] == parameters.edition].set_index("source")["sector"]
    if "source" not in changes.columns:
        return np.full(len(changes), mine[_DEFAULT_SOURCE], dtype=object)
    source = changes["source"].astype(object).where(changes["source"].notna(), _DEFAULT_SOURCE)
    source_codes = source.astype(str).to_numpy(dtype=object)
    unknown = ~np.isin(source_codes, mine.index.to_numpy(dtype=object))
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise InputError(
            f"unknown source {source_codes[row]!r}; valid codes are {', '.join(SOURCES)}",
            row=row + 1,
            field="source",
        )
    return mine.reindex(source_codes).to_numpy(dtype=object)


def health_benefits_usd(changes: pd.DataFrame, parameters: HealthParameters | None = None) -> float:
    """Monetised health benefit of a set of emission changes (positive when emissions fall).

    Parameters
    ----------
    changes : pandas.DataFrame
        ``pollutant, tonnes`` [t] (negative = a cut), optionally ``source``; e.g. the
        regional emissions of a scenario minus those of the baseline.
    parameters : HealthParameters, optional
        Edition, sector, South Coast multiplier, dollar scale.

    Returns
    -------
    float
        The sum of :func:`health_benefit_usd_by_row` [USD of the edition's dollar year
        times the dollar scale; 2015 $ by default].

    Examples
    --------
    A hundred tonnes of NOx cut at the default (EPA 2018 locomotives and marine vessels,
    $7,800 per short ton, x3 for the South Coast):

    >>> round(health_benefits_usd(pd.DataFrame({"pollutant": ["nox"], "tonnes": [-100.0]})))
    2579408
    """
    return float(health_benefit_usd_by_row(changes, parameters).sum())
