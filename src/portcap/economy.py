r"""Economy: the jobs and output that move with cargo, and what compliance costs terminals.

Two questions of the rule's debate are answered here:

* **jobs and output** (:func:`jobs_change`): container TEU lost by the San Pedro Bay region
  (turned away) or gained by another gateway carry jobs and economic output with them, at
  a constant number per TEU taken from the published economic-impact studies of the ports
  (``portcap/data/economy/jobs_per_teu.csv``);
* **compliance cost** (:func:`compliance_cost`): the annualised cost of the clean-technology
  measures terminals take (:mod:`portcap.policy.technology`), summed per year and terminal.

The multipliers are averages, not marginal effects: a terminal that loses a share of its
cargo for part of a year will not shed the matching share of jobs at once, and the jobs of
the wider trade cluster (importers, warehouses) are not counted. Methods and sources:
``docs/methodology/economy.md``.

Examples
--------
>>> import pandas as pd
>>> change = pd.DataFrame({"year": [2031, 2031], "region": ["regional", "OAK"],
...                        "teu": [-100_000.0, 60_000.0]})
>>> jobs_change(change).round(1)
   year    region    jobs  direct_jobs   output_usd
0  2031  regional -1187.0       -400.0 -254500000.0
1  2031       OAK   712.2        240.0  152700000.0
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, TableSpec

__all__ = [
    "ECONOMY_TABLES",
    "REGIONAL",
    "EconomyParameters",
    "compliance_cost",
    "jobs_change",
    "load_economy_table",
]

REGIONAL = "regional"
"""Region code of the San Pedro Bay region (the five-county Southern California region)."""


def _optional_usd(name: str) -> ColumnSpec:
    return ColumnSpec(name, "float", minimum=0.0, maximum=1e13, nullable=True)


ECONOMY_TABLES: dict[str, TableSpec] = {
    "jobs_per_teu": TableSpec(
        "jobs_per_teu",
        "jobs_per_teu.csv",
        "Published jobs and output of container ports with the throughput they relate to.",
        key=("study",),
        columns=(
            ColumnSpec("study", "str"),
            ColumnSpec("gateway", "str"),
            ColumnSpec("scope", "str", allowed=("direct", "total")),
            ColumnSpec("jobs", "float", minimum=0.0, maximum=1e8),
            _optional_usd("output_usd"),
            _optional_usd("labor_income_usd"),
            _optional_usd("value_added_usd"),
            ColumnSpec("teu", "float", minimum=1.0, maximum=1e9),
            ColumnSpec("data_year", "int", unit="year", minimum=1990, maximum=2100),
            ColumnSpec("source_id", "str"),
            ColumnSpec("source_locator", "str"),
        ),
    )
}
"""Packaged tables of ``portcap/data/economy/``."""


def load_economy_table(name: str) -> pd.DataFrame:
    """Read and validate one packaged economy table.

    Parameters
    ----------
    name : str
        A name of :data:`ECONOMY_TABLES`.

    Returns
    -------
    pandas.DataFrame
        The table (a copy), checked by :func:`portcap.factors.read_table_csv`.

    Examples
    --------
    >>> studies = load_economy_table("jobs_per_teu").set_index("study")
    >>> round(float(1000 * studies.loc["ccje_2024", "jobs"] / studies.loc["ccje_2024", "teu"]), 2)
    11.87
    """
    factors.check_choice(name, ECONOMY_TABLES, "economy table")
    return _load_cached(name).copy()


@functools.cache
def _load_cached(name: str) -> pd.DataFrame:
    spec = ECONOMY_TABLES[name]
    path = Path(str(resources.files("portcap.data").joinpath("economy", spec.file)))
    return factors.read_table_csv(path, spec)


class EconomyParameters(BaseModel):
    """Jobs and output per TEU at San Pedro Bay and at the gateways cargo moves to."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    jobs_per_1000_teu: float = Field(
        default=11.87,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("ccje_2024", "spb_teu_2022"),
            "D",
            "226,000 regional jobs (direct, indirect and induced) from port operations / "
            "19.045 M TEU in 2022; the Northwest Seaport Alliance study gives 11.7 (4.0 direct "
            "x multiplier 2.9); range 4-16",
        ),
    )
    """Regional jobs (direct, indirect and induced) per 1,000 TEU a year [jobs per 1,000 TEU]."""

    direct_jobs_per_1000_teu: float = Field(
        default=4.0,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("nwsa_econ_2019", "oakland_martin_2012"),
            "D",
            "direct port jobs: 14,890 / 3.7 M TEU = 4.0 (Seattle/Tacoma, 2017); 8 per 1,000 "
            "boxes / 1.80 TEU per box = 4.4 (Oakland, 2010)",
        ),
    )
    """Direct port jobs per 1,000 TEU a year [jobs per 1,000 TEU]."""

    output_usd_per_teu: float = Field(
        default=2545.0,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("ccje_2024", "spb_teu_2022"),
            "D",
            "$48.47 B output of port operations / 19.045 M TEU in 2022 (2022 dollars); value "
            "added $1,454 and labour income $1,046 per TEU",
        ),
    )
    """Regional economic output per TEU (direct, indirect and induced) [USD of 2022 per TEU]."""

    gateway_jobs_per_1000_teu: float | None = Field(
        default=None,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("nwsa_econ_2019", "ccje_2024"),
            "D",
            "None = the San Pedro Bay value: port-operations studies of Seattle/Tacoma (11.7) "
            "and San Pedro Bay (11.9) agree; statewide 'port-related' studies (60-150) count "
            "importers' own staff and should not move with cargo",
        ),
    )
    """Jobs per 1,000 TEU at the gateways cargo moves to; None = ``jobs_per_1000_teu``."""

    gateway_direct_jobs_per_1000_teu: float | None = Field(
        default=None,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("nwsa_econ_2019",), "D", "None = ``direct_jobs_per_1000_teu``"
        ),
    )
    """Direct jobs per 1,000 TEU at other gateways; None = ``direct_jobs_per_1000_teu``."""

    gateway_output_usd_per_teu: float | None = Field(
        default=None,
        ge=0.0,
        json_schema_extra=factors.sourced(
            ("ccje_2024",), "R", "None = ``output_usd_per_teu`` (no gateway study with output)"
        ),
    )
    """Output per TEU at other gateways; None = ``output_usd_per_teu`` [USD per TEU]."""


def _finite_numbers(table: pd.DataFrame, column: str, what: str) -> np.ndarray:
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{what}: expected a finite number, got {table[column].iloc[row]!r}",
            row=row + 1,
            field=column,
        )
    return values


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {missing}; expected {list(columns)}")


def jobs_change(
    teu_change: pd.DataFrame, parameters: EconomyParameters | None = None
) -> pd.DataFrame:
    r"""Jobs and output that move with a change of container throughput.

    Parameters
    ----------
    teu_change : pandas.DataFrame
        ``year, region, teu``: the change of TEU handled [TEU/year], negative for a loss.
        ``region`` is :data:`REGIONAL` (San Pedro Bay) or a gateway code; several rows of
        one year and region are added up.
    parameters : EconomyParameters, optional
        Multipliers; default :class:`EconomyParameters`.

    Returns
    -------
    pandas.DataFrame
        ``year, region, jobs, direct_jobs, output_usd``: jobs (direct, indirect and
        induced) [jobs], direct port jobs [jobs] and output [USD of 2022] gained (+) or lost
        (-), one row per year and region, the region first in each year.

    Raises
    ------
    InputError
        For a missing column or a TEU that is not a finite number.

    Notes
    -----
    .. math::

        J_{y,r} = \frac{\Delta TEU_{y,r}}{1000} \, j_r, \qquad
        O_{y,r} = \Delta TEU_{y,r} \, o_r

    with :math:`j_r` jobs per 1,000 TEU and :math:`o_r` output per TEU, the San Pedro Bay
    values for :data:`REGIONAL` and the gateway values elsewhere. Average multipliers of
    port-operations impact studies: a long-run view (jobs follow cargo fully); the trade
    cluster beyond port operations (CCJE's 8,000 jobs per point of US market share) is not
    counted.

    References
    ----------
    California Center for Jobs and the Economy (2024), Phase I report (2022 data); the
    Northwest Seaport Alliance economic impact study (2019); Martin Associates for the Port
    of Oakland (2012).
    """
    parameters = parameters or EconomyParameters()
    _require(teu_change, ("year", "region", "teu"), "teu_change")
    columns = ["year", "region", "jobs", "direct_jobs", "output_usd"]
    if teu_change.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c == "year" else object if c == "region" else float)
                for c in columns
            }
        )
    work = pd.DataFrame(
        {
            "year": pd.to_numeric(teu_change["year"]).astype("int64").to_numpy(),
            "region": teu_change["region"].astype(str).to_numpy(dtype=object),
            "teu": _finite_numbers(teu_change, "teu", "teu_change"),
        }
    )
    summed = work.groupby(["year", "region"], as_index=False, sort=False)["teu"].sum()
    regional = (summed["region"] == REGIONAL).to_numpy()

    def rate(local: float, gateway: float | None) -> np.ndarray:
        return np.where(regional, local, local if gateway is None else gateway)

    p = parameters
    teu = summed["teu"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "year": summed["year"].to_numpy(),
            "region": summed["region"].to_numpy(dtype=object),
            "jobs": teu / 1000.0 * rate(p.jobs_per_1000_teu, p.gateway_jobs_per_1000_teu),
            "direct_jobs": teu
            / 1000.0
            * rate(p.direct_jobs_per_1000_teu, p.gateway_direct_jobs_per_1000_teu),
            "output_usd": teu * rate(p.output_usd_per_teu, p.gateway_output_usd_per_teu),
            "_order": np.where(regional, 0, 1),
        }
    )
    out = out.sort_values(["year", "_order", "region"]).drop(columns="_order")
    return out.reset_index(drop=True)[columns]


def compliance_cost(abatement_taken: pd.DataFrame) -> pd.DataFrame:
    """Cost of the clean-technology measures taken, per year and terminal.

    Parameters
    ----------
    abatement_taken : pandas.DataFrame
        ``year, terminal, measure, cost_usd`` (other columns ignored): the measures taken
        and the annualised cost of what was taken [USD/year], as
        :func:`portcap.policy.technology.abatement_options` rows (or the part of them a
        terminal took). The cost of a measure is repeated on each of its pollutant rows and
        counted once per year, terminal and measure.

    Returns
    -------
    pandas.DataFrame
        ``year, terminal, cost_usd`` [USD/year], sorted; empty with these columns when
        nothing was taken.

    Raises
    ------
    InputError
        For a missing column or a cost that is not a finite number.

    Notes
    -----
    Costs are in the dollars of their sources (2022-2025 prices, not indexed); capital is
    annualised over each measure's life (:func:`portcap.policy.technology.annualised_cost_usd`).
    Incentives and grants are transfers and are not subtracted.

    Examples
    --------
    >>> import pandas as pd
    >>> taken = pd.DataFrame({
    ...     "year": 2031, "terminal": ["T1", "T1", "T1", "T2"],
    ...     "measure": ["ze_drayage_truck", "ze_drayage_truck", "tier3_vessel_calls",
    ...                 "ze_drayage_truck"],
    ...     "pollutant": ["nox", "co2", "nox", "nox"],
    ...     "cost_usd": [1000.0, 1000.0, 250.0, 400.0]})
    >>> compliance_cost(taken)
       year terminal  cost_usd
    0  2031       T1    1250.0
    1  2031       T2     400.0
    """
    columns = ["year", "terminal", "cost_usd"]
    _require(abatement_taken, ("year", "terminal", "measure", "cost_usd"), "abatement_taken")
    if abatement_taken.empty:
        return pd.DataFrame(
            {
                "year": pd.Series(dtype="int64"),
                "terminal": pd.Series(dtype=object),
                "cost_usd": pd.Series(dtype=float),
            }
        )
    work = pd.DataFrame(
        {
            "year": pd.to_numeric(abatement_taken["year"]).astype("int64").to_numpy(),
            "terminal": abatement_taken["terminal"].astype(str).to_numpy(dtype=object),
            "measure": abatement_taken["measure"].astype(str).to_numpy(dtype=object),
            "cost_usd": _finite_numbers(abatement_taken, "cost_usd", "abatement_taken"),
        }
    )
    per_measure = work.groupby(["year", "terminal", "measure"], as_index=False)["cost_usd"].max()
    out = per_measure.groupby(["year", "terminal"], as_index=False)["cost_usd"].sum()
    return out.sort_values(["year", "terminal"]).reset_index(drop=True)[columns]
