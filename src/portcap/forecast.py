r"""Forecast: cargo demand, fleet turnover under the rules in force, and the daily profile.

The rule engine needs, for every year from the base year to the horizon, the activity a
port complex would have without the rule under study. This module makes it from an
observed activity set (:mod:`portcap.baseline`):

* **demand** (:func:`teu_demand`): TEU per port and container terminal, grown from the
  base year at a constant rate (a sourced default a scenario can change);
* **activity** (:func:`project_activity`): the base year's activity tables moved to a
  later year: TEU, vessel calls, truck legs and equipment counts grown with demand, and
  the fleets moved along the rules already in force, each a named and dated parameter of
  :class:`ForecastParameters`:

  - CARB At-Berth Regulation: shore-power (or equivalent control) share of container,
    passenger and reefer calls from 2014 (2007 rule) and 2023 (2020 rule), of ro-ro
    and POLA/POLB tanker calls from 2025;
  - drayage trucks zero-emission by 2035 (CARB Advanced Clean Fleets; CAAP);
  - cargo-handling equipment zero-emission by 2030 (CAAP goal), older units first, the
    rest of the fleet renewed at a yearly rate;
  - ocean-going vessels: the fleet renews at a yearly rate, oldest keel years first;
    newbuilds carry the keel year they enter with, so from 2016 they are IMO Tier III
    (the tier follows from the keel year in :func:`portcap.sources.ships.tier_from_keel_year`);
    the North American ECA (2012) and its 0.10 % sulfur limit (2015);

* **seasonality** (:func:`daily_profile`): the share of a year's activity on each day,
  from real 2022 data of the Port of Los Angeles (daily container vessels at berth) and
  AIS visit counts (monthly), mapped onto any year.

A projected activity set is an ordinary :class:`portcap.baseline.ActivitySet` held in
memory: ``port_inventory(year, activity_set=project_activity(...))`` runs on it. The
methods, sources and assumptions are in ``docs/methodology/forecast.md``; the packaged
data in ``portcap/data/forecast/`` (provenance in its ``SOURCES.md``).

Examples
--------
>>> from portcap import baseline, forecast
>>> activity = baseline.load_activity_set()
>>> projected = forecast.project_activity(activity, 2031)
>>> projected.years
(2031,)
>>> growth = projected.parameter(2031, "POLB", "teu") / activity.parameter(2023, "POLB", "teu")
>>> round(growth, 4)   # 1.018 ** 8
1.1534
>>> profile = forecast.daily_profile(2031)
>>> len(profile), round(float(profile.sum()), 12)
(365, 1.0)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from portcap import factors
from portcap.baseline import PORTS, ActivitySet
from portcap.errors import InputError
from portcap.factors import ColumnSpec, TableSpec

__all__ = [
    "AT_BERTH_GROUPS",
    "FORECAST_TABLES",
    "PROFILE_METHODS",
    "DatedPath",
    "ForecastParameters",
    "daily_profile",
    "load_forecast_table",
    "project_activity",
    "teu_demand",
]

OTHER = "other"
"""Terminal label of TEU of a port without listed container terminals (as in the inventory)."""

PROFILE_METHODS: tuple[str, ...] = (
    "ais_monthly_pola_daily",
    "pola_daily",
    "ais_monthly",
    "uniform",
)
"""Methods of :func:`daily_profile`; the first is the default."""

AT_BERTH_GROUPS: dict[str, str] = {
    "container": "shore_power_container_cruise_reefer",
    "reefer": "shore_power_container_cruise_reefer",
    "cruise": "shore_power_container_cruise_reefer",
    "cruise_ed": "shore_power_container_cruise_reefer",
    "ro_ro": "shore_power_ro_ro",
    "vehicle_carrier": "shore_power_ro_ro",
    "oil_tanker": "shore_power_tanker",
    "chemical_tanker": "shore_power_tanker",
    "tanker": "shore_power_tanker",
    "other_tanker": "shore_power_tanker",
}
"""Ship types covered by the CARB At-Berth Regulation, each to the parameter of
:class:`ForecastParameters` holding its dated path (17 CCR 93130 et seq.: container, reefer
and passenger vessels from 2023; ro-ro including vehicle carriers, and tankers at POLA and
POLB, from 2025). Bulk carriers and general cargo only report; liquefied-gas carriers are
left out (no such terminal at San Pedro Bay)."""

_REPLACEMENT_TIER: dict[str, str] = {
    "diesel": "tier4f",
    "natural_gas": "lsi_phase2",
    "propane": "lsi_phase2",
    "gasoline": "lsi_phase2",
}
"""Tier of a new combustion unit bought to replace a retired one, by fuel: the newest
standard of the ``che_ef`` table (Tier 4 final diesel since 2014; large spark-ignition
Phase 2 since 2007, 40 CFR 1048; CARB CHE regulation 13 CCR 2479 requires new equipment
to meet them)."""

_TINY = 1e-9  # counts and shares below this are dropped (floating-point leftovers)


def _data_path(file: str) -> Path:
    return Path(str(resources.files("portcap.data").joinpath("forecast", file)))


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


def _count(name: str) -> ColumnSpec:
    return ColumnSpec(name, "int", unit="dimensionless", minimum=0, maximum=1000)


FORECAST_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "pola_container_vessel_activity_2022",
            "pola_container_vessel_activity_2022.csv",
            "Port of Los Angeles: container vessels at anchor, at berth and departed, "
            "weekdays of 2022.",
            key=("date",),
            columns=(
                ColumnSpec("date", "date"),
                _count("vessels_at_anchor"),
                _count("vessels_at_berth"),
                _count("vessels_departed"),
                *_sources(),
            ),
        ),
        TableSpec(
            "ais_monthly_visits_2022",
            "ais_monthly_visits_2022.csv",
            "AIS-derived vessel visits per month at the Ports of Los Angeles and Long "
            "Beach, 2022 (the two counts overlap: never add them).",
            key=("month", "port"),
            columns=(
                ColumnSpec("month", "int", unit="dimensionless", minimum=1, maximum=12),
                ColumnSpec("port", "str", allowed=PORTS),
                ColumnSpec("visits", "int", unit="dimensionless", minimum=0, maximum=100_000),
                *_sources(),
            ),
        ),
        TableSpec(
            "teu_history",
            "teu_history.csv",
            "Published container throughput of the San Pedro Bay ports ('all' = both).",
            key=("year", "port"),
            columns=(
                ColumnSpec("year", "int", unit="year", minimum=1990, maximum=2100),
                ColumnSpec("port", "str", allowed=(*PORTS, "all")),
                ColumnSpec("teu", "float", minimum=0.0, maximum=1e9),
                *_sources(),
            ),
        ),
    )
}
"""Packaged tables of ``portcap/data/forecast/`` (read by :func:`load_forecast_table`)."""


def load_forecast_table(name: str) -> pd.DataFrame:
    """Read and validate one packaged forecast table.

    Parameters
    ----------
    name : str
        A name of :data:`FORECAST_TABLES`.

    Returns
    -------
    pandas.DataFrame
        The table, checked by :func:`portcap.factors.read_table_csv` (a copy).

    Examples
    --------
    >>> history = load_forecast_table("teu_history")
    >>> int(history.query("year == 2023")["teu"].sum())
    16653165
    """
    factors.check_choice(name, FORECAST_TABLES, "forecast table")
    return _load_cached(name).copy()


@functools.cache
def _load_cached(name: str) -> pd.DataFrame:
    spec = FORECAST_TABLES[name]
    return factors.read_table_csv(_data_path(spec.file), spec)


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


class DatedPath(BaseModel):
    """A dated floor on a share (of calls, trucks or equipment) set by a rule.

    ``points`` are ``(year, share)`` pairs in increasing years. With ``interpolation =
    'step'`` the share of the latest point at or before a year applies from that year on
    (a rule with compliance dates); with ``'linear'`` the share moves in a straight line
    from the base year's observed share through the points (a phase-in towards a target
    year), and stays at the last point's share afterwards. The result is never below the
    base year's share: rules set floors, they do not undo what was already done.

    Examples
    --------
    >>> trucks = DatedPath(points=((2035, 1.0),), interpolation="linear")
    >>> trucks.share(2031, base_year=2023, base_share=0.02)   # 0.02 + 0.98 * 8 / 12
    array(0.67333333)
    >>> berth = DatedPath(points=((2025, 0.95),))
    >>> berth.share(2024, 2023, 0.05), berth.share(2025, 2023, 0.05)
    (array(0.05), array(0.95))
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    points: tuple[tuple[int, float], ...]
    """(year, share) pairs, years strictly increasing, shares in [0, 1] [year, -]."""
    interpolation: Literal["step", "linear"] = "step"
    """'step' (from each point's year on) or 'linear' (from the base year to the points)."""

    @field_validator("points")
    @classmethod
    def _check_points(cls, points: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
        if not points:
            raise ValueError("a dated path needs at least one (year, share) point")
        years = [year for year, _ in points]
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            raise ValueError(f"years of a dated path must increase strictly, got {years}")
        for year, share in points:
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"share {share} of year {year} is outside [0, 1]")
        return points

    def share(
        self, year: int, base_year: int, base_share: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Return the share in ``year`` given the share observed in ``base_year``.

        Parameters
        ----------
        year : int
            The projected year [year]; at or before ``base_year`` the base share is kept.
        base_year : int
            The year of the observed share [year].
        base_share : float or array_like
            Observed share(s) in the base year [-].

        Returns
        -------
        numpy.ndarray
            Shares in ``year`` [-], the shape of ``base_share``.
        """
        base = np.asarray(base_share, dtype=float)
        if year <= base_year:
            return base.copy()
        return np.asarray(self._share(year, base_year, base), dtype=float)

    def _share(
        self, year: int, base_year: int, base: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        years = np.array([p[0] for p in self.points], dtype=float)
        values = np.array([p[1] for p in self.points], dtype=float)
        if self.interpolation == "step":
            active = years <= year
            return np.maximum(base, values[active][-1]) if active.any() else base.copy()
        past = years <= base_year
        floor = values[past][-1] if past.any() else 0.0
        future_years, future_values = years[~past], values[~past]
        if future_years.size == 0 or year >= future_years[-1]:
            target: npt.NDArray[np.float64] | float = (
                future_values[-1] if future_years.size else floor
            )
        elif year < future_years[0]:
            fraction = (year - base_year) / (future_years[0] - base_year)
            target = base + (future_values[0] - base) * fraction
        else:
            target = float(np.interp(year, future_years, future_values))
        return np.maximum(np.maximum(base, target), floor)


class ForecastParameters(BaseModel):
    """Demand growth and the dated rules in force that move a port's fleets (each sourced).

    Every field carries its provenance in ``json_schema_extra`` (``source_ids`` into
    ``portcap/data/factors/sources.csv``, the tag of the reference notes and the
    reasoning); ``docs/methodology/forecast.md`` discusses the ranges.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    teu_growth_per_year: float = Field(
        default=0.018,
        ge=-0.5,
        le=0.5,
        json_schema_extra=factors.sourced(
            ("teu_pola_2005", "teu_polb_2005", "spb_teu_2024"),
            "D",
            "compound growth of San Pedro Bay TEU 2005-2024: (19.94 M / 14.19 M)^(1/19) - 1 "
            "= 1.8 %/yr; 2005-2023 gives 0.9 %/yr but 2023 was a trough (-13 % at POLA)",
        ),
    )
    """Growth of container demand per year from the base year [1/year]."""

    teu_per_call_growth_per_year: float = Field(
        default=0.0,
        ge=-0.5,
        le=0.5,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "container-ship upsizing; TEU per call grew about 4 %/yr 2005-2017 at POLA "
            "(+60 %), no public forecast found; 0 keeps calls in step with TEU",
        ),
    )
    """Growth of TEU per container call [1/year]: calls grow with TEU over (1 + this)."""

    non_container_call_growth_per_year: float = Field(
        default=0.0,
        ge=-0.5,
        le=0.5,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "tankers, ro-ro, bulk, break-bulk and cruise calls held at the base year "
            "(no public forecast found)",
        ),
    )
    """Growth of the calls of every other ship type [1/year]."""

    shore_power_container_cruise_reefer: DatedPath = Field(
        default=DatedPath(points=((2014, 0.5), (2017, 0.7), (2020, 0.8), (2023, 0.95))),
        json_schema_extra=factors.sourced(
            ("carb_at_berth_2007", "carb_at_berth_2020", "carb_at_berth_exceptions"),
            "V",
            "2007 rule: 50 % of visits from 2014, 70 % 2017, 80 % 2020; 2020 rule: every "
            "visit from 2023 less the vessel incident exceptions (5 % of a fleet's visits)",
        ),
    )
    """Floor on the shore-power share of container, reefer and cruise calls [-]."""

    shore_power_ro_ro: DatedPath = Field(
        default=DatedPath(points=((2025, 0.95),)),
        json_schema_extra=factors.sourced(
            ("carb_at_berth_2020", "carb_at_berth_exceptions"),
            "V",
            "ro-ro and vehicle carriers from 1 January 2025, less 5 % exceptions",
        ),
    )
    """Floor on the shore-power (or equivalent control) share of ro-ro calls [-]."""

    shore_power_tanker: DatedPath = Field(
        default=DatedPath(points=((2025, 0.95),)),
        json_schema_extra=factors.sourced(
            ("carb_at_berth_2020", "carb_at_berth_exceptions"),
            "V",
            "tankers at POLA/POLB from 1 January 2025 (a 2023-24 bill proposed 2027), "
            "controlled mostly by capture barges, counted here as shore power",
        ),
    )
    """Floor on the controlled share of tanker calls at berth [-]."""

    truck_ze_share: DatedPath = Field(
        default=DatedPath(points=((2035, 1.0),), interpolation="linear"),
        json_schema_extra=factors.sourced(
            ("carb_acf_drayage", "caap_ze_goals"),
            "V",
            "every drayage truck zero-emission by 2035 (Advanced Clean Fleets drayage "
            "provisions; CAAP goal; state order N-79-20); CARB withdrew its federal waiver "
            "request in January 2025, so the date is a goal more than a mandate",
        ),
    )
    """Floor on the zero-emission share of drayage truck legs [-]."""

    che_ze_share: DatedPath = Field(
        default=DatedPath(points=((2030, 1.0),), interpolation="linear"),
        json_schema_extra=factors.sourced(
            ("caap_ze_goals",),
            "V",
            "CAAP goal: 100 % zero-emission cargo-handling equipment by 2030",
        ),
    )
    """Floor on the zero-emission share of cargo-handling equipment, by type [-]."""

    che_renewal_share_per_year: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "1 / service life: yard tractors (over half of the units) about 10 years, "
            "top handlers about 15, RTG cranes 20-25; range 0.05-0.15",
        ),
    )
    """Share of combustion equipment replaced each year, oldest first [1/year]."""

    ogv_renewal_share_per_year: float = Field(
        default=0.04,
        ge=0.0,
        le=1.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "1 / service life of a container ship of about 25 years; range 0.03-0.05",
        ),
    )
    """Share of vessel calls moving from the oldest keel years to newbuilds each year [1/year]."""

    eca_from_year: int = Field(
        default=2013,
        ge=1990,
        le=2100,
        json_schema_extra=factors.sourced(
            ("marpol_annex_vi",),
            "V",
            "North American ECA enforceable from 1 August 2012; 2013 is its first full year",
        ),
    )
    """First year the approach lies in an Emission Control Area [year]."""

    eca_low_sulfur_from_year: int = Field(
        default=2015,
        ge=1990,
        le=2100,
        json_schema_extra=factors.sourced(
            ("marpol_annex_vi",), "V", "0.10 % sulfur in ECAs from 1 January 2015"
        ),
    )
    """First year of the ECA fuel-sulfur limit [year]."""

    eca_fuel_sulfur_pct_mass: float = Field(
        default=0.1,
        ge=0.0,
        le=5.0,
        json_schema_extra=factors.sourced(("marpol_annex_vi",), "V", "MARPOL Annex VI Reg. 14.4"),
    )
    """Ceiling on the sulfur of fuel burned in the ECA once the limit applies [% m/m]."""

    assist_tugs_follow_calls: bool = Field(
        default=True,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "assist tugs work per ship movement; other harbor craft are held at the base year",
        ),
    )
    """Scale the assist-tug fleet with the port's vessel calls."""


# --------------------------------------------------------------------------------------
# Demand
# --------------------------------------------------------------------------------------
def _base_year(activity_set: ActivitySet, base_year: int | None) -> int:
    if not activity_set.years:
        raise InputError(f"the activity set at {activity_set.path} has no years")
    base = max(activity_set.years) if base_year is None else int(base_year)
    if base not in activity_set.years:
        raise InputError(
            f"base year {base} is not in the activity set at {activity_set.path}; "
            f"available years: {', '.join(str(y) for y in activity_set.years)}"
        )
    return base


def _teu_factor(parameters: ForecastParameters, base_year: int, year: int) -> float:
    """Growth of demand from the base year: :math:`(1 + g)^{year - base}` [-]."""
    return float((1.0 + parameters.teu_growth_per_year) ** (year - base_year))


def teu_demand(
    activity_set: ActivitySet,
    years: Sequence[int],
    parameters: ForecastParameters | None = None,
    *,
    base_year: int | None = None,
) -> pd.DataFrame:
    r"""Container demand per year, port and container terminal.

    Parameters
    ----------
    activity_set : ActivitySet
        Gives each port's TEU (``parameters.csv``) and the terminals' TEU shares
        (``terminals.csv``).
    years : sequence of int
        Years wanted [year]. Years after the base year are projected; the base year and
        earlier years of the set are the observed values.
    parameters : ForecastParameters, optional
        Default: :class:`ForecastParameters` (growth 1.8 %/yr).
    base_year : int, optional
        Year the projection starts from; default the latest year of the set.

    Returns
    -------
    pandas.DataFrame
        ``year, port, terminal, teu`` [TEU/year], one row per year and container terminal
        (``other`` for a port without listed container terminals), sorted.

    Raises
    ------
    InputError
        For a year before the base year that the set does not cover, or a base year not
        in the set.

    Notes
    -----
    .. math:: TEU_{y,t} = TEU_{b,port(t)} \, (1 + g)^{y - b} \, s_t

    with the base year :math:`b`, the growth rate :math:`g` and the terminal's share
    :math:`s_t` of its port's container TEU (constant).

    Examples
    --------
    >>> from portcap import baseline
    >>> demand = teu_demand(baseline.load_activity_set(), [2023, 2024])
    >>> totals = demand.groupby("year")["teu"].sum()
    >>> round(float(totals[2024] / totals[2023]), 6)
    1.018
    """
    parameters = parameters or ForecastParameters()
    base = _base_year(activity_set, base_year)
    table = activity_set.tables["parameters"]
    teu_rows = table[table["parameter"] == "teu"]
    port_shares: dict[str, pd.Series] = {}  # the same for every year
    frames: list[pd.DataFrame] = []
    for year in sorted({int(y) for y in years}):
        if year > base:
            source_year, factor = base, _teu_factor(parameters, base, year)
        elif year in activity_set.years:
            source_year, factor = year, 1.0
        else:
            raise InputError(
                f"year {year} is before the base year {base} and not in the activity set; "
                f"available years: {', '.join(str(y) for y in activity_set.years)}"
            )
        rows = teu_rows[teu_rows["year"] == source_year]
        for port, teu in zip(rows["port"], rows["value"], strict=True):
            if port not in PORTS:
                continue
            if port not in port_shares:
                shares = activity_set.terminal_shares(str(port))
                port_shares[port] = shares if len(shares) else pd.Series([1.0], index=[OTHER])
            shares = port_shares[port]
            frames.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "port": port,
                        "terminal": shares.index.to_numpy(dtype=object),
                        "teu": float(teu) * factor * shares.to_numpy(dtype=float),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(
            {
                "year": pd.Series(dtype="int64"),
                "port": pd.Series(dtype=object),
                "terminal": pd.Series(dtype=object),
                "teu": pd.Series(dtype=float),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["year", "port", "terminal"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Activity
# --------------------------------------------------------------------------------------
def project_activity(
    activity_set: ActivitySet,
    year: int,
    parameters: ForecastParameters | None = None,
    *,
    base_year: int | None = None,
) -> ActivitySet:
    r"""Project an activity set to a later year: demand grown, fleets moved by the rules in force.

    Parameters
    ----------
    activity_set : ActivitySet
        The observed activity (default packaged San Pedro Bay baseline: 2005 and 2023).
    year : int
        The year to project to [year], at or after the base year.
    parameters : ForecastParameters, optional
        Growth and dated rules; default :class:`ForecastParameters`.
    base_year : int, optional
        The observed year to start from; default the latest year of the set.

    Returns
    -------
    ActivitySet
        In memory (same ``path``), the same tables holding only rows of ``year``
        (``terminals`` and ``published`` unchanged). ``port_inventory(year,
        activity_set=...)`` runs on it. For ``year == base_year`` the rows are those of
        the base year, unchanged. Rows made by the projection carry ``source_row = 0``
        and a ``source_locator`` naming the rule; changed rows say so in theirs.

    Raises
    ------
    InputError
        If the base year is not in the set or ``year`` is before it.

    Notes
    -----
    With :math:`n = year - b` years after the base year :math:`b` and the demand factor
    :math:`G = (1 + g)^n`:

    * ``parameters``: ``teu``, ``truck_legs`` (if given) and
      ``light_duty_worker_jobs`` times :math:`G`; ``ogv_in_eca`` set to 1 from
      ``eca_from_year``; ``ogv_fuel_sulfur_pct_mass`` capped at
      ``eca_fuel_sulfur_pct_mass`` from ``eca_low_sulfur_from_year``.
    * ``vessel_calls``: container calls times :math:`G / (1 + u)^n` (``u`` the growth of
      TEU per call), other calls times :math:`(1 + c)^n`; shore-power shares raised to
      the dated floors of the At-Berth Regulation (:data:`AT_BERTH_GROUPS`).
    * ``ogv_fleet``: newbuild cohorts of share :math:`r` enter each year (keel year = the
      year they enter) and the same share leaves from the oldest keel years, per ship
      type: :math:`\min(1, rn)` of the base fleet is renewed by year :math:`b + n`.
    * ``truck_fleet``: the zero-emission share of legs follows ``truck_ze_share``; the
      other groups keep their proportions.
    * ``equipment``: counts times :math:`G`. In each port, terminal and equipment type
      the zero-emission share follows ``che_ze_share``; combustion units retire oldest
      model year first, at least :math:`\min(1, rn)` of them (``che_renewal_share_per_year``)
      and at least as many as the new zero-emission units need; retired units not
      replaced by zero-emission ones are replaced by new units of the newest tier of
      their fuel, model year ``year``.
    * ``harbor_craft``: assist tugs scale with the port's vessel calls (if
      ``assist_tugs_follow_calls``); other craft, ``rail_fleet`` and ``light_duty_fleet``
      are carried over.

    What is not moved: harbor-craft and locomotive tiers (CARB's 2022 harbor-craft
    amendments, Tier 4 and zero-emission switchers), truck model years within diesel,
    terminal TEU shares, berth and anchorage hours.

    Examples
    --------
    >>> from portcap import baseline
    >>> activity = baseline.load_activity_set()
    >>> trucks = project_activity(activity, 2035)["truck_fleet"]
    >>> trucks.groupby("model_year_group")["share"].sum().round(6).to_dict()
    {'ze': 2.0}
    """
    parameters = parameters or ForecastParameters()
    base = _base_year(activity_set, base_year)
    year = int(year)
    if year < base:
        raise InputError(f"cannot project back in time: year {year} is before base year {base}")
    tables: dict[str, pd.DataFrame] = {}
    for name, table in activity_set.tables.items():
        if name in ("terminals", "published") or table.empty:
            tables[name] = table.copy()
            continue
        rows = table[table["year"] == base].copy()
        rows["year"] = np.full(len(rows), year, dtype=np.int64)
        tables[name] = rows.reset_index(drop=True)
    if year == base:
        return ActivitySet(activity_set.path, tables)

    growth = _teu_factor(parameters, base, year)
    context = _Projection(base, year, parameters, growth)
    base_calls = _calls_by_port(tables["vessel_calls"])
    tables["parameters"] = context.parameters(tables["parameters"])
    tables["vessel_calls"] = context.vessel_calls(tables["vessel_calls"])
    tables["ogv_fleet"] = context.ogv_fleet(tables["ogv_fleet"])
    tables["truck_fleet"] = context.truck_fleet(tables["truck_fleet"])
    tables["equipment"] = context.equipment(tables["equipment"])
    if parameters.assist_tugs_follow_calls:
        call_factor = _calls_by_port(tables["vessel_calls"]) / base_calls
        tables["harbor_craft"] = context.assist_tugs(tables["harbor_craft"], call_factor)
    return ActivitySet(activity_set.path, tables)


def _calls_by_port(calls: pd.DataFrame) -> pd.Series:
    if calls.empty:
        return pd.Series(dtype=float)
    return calls.groupby("port")["calls"].sum().astype(float)


def _note(locator: pd.Series, changed: npt.NDArray[np.bool_], text: str) -> pd.Series:
    """Append ``text`` to the source locator of the changed rows."""
    notes = locator.astype(str).to_numpy(dtype=object)
    notes[changed] = notes[changed] + f"; {text}"
    return pd.Series(notes, index=locator.index, dtype=object)


def _retire_oldest(
    amount: npt.NDArray[np.float64],
    size: npt.NDArray[np.float64],
    group: npt.NDArray[np.int64],
    age_rank: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """How much of each row retires when ``amount`` (per group) leaves oldest first.

    ``amount`` is given on every row of its group; ``age_rank`` orders rows from oldest
    (smallest) to newest. Returns the part of each row's ``size`` that retires.
    """
    order = np.lexsort((age_rank, group))
    sizes = size[order]
    before = pd.Series(sizes).groupby(group[order]).cumsum().to_numpy() - sizes
    removed_sorted = np.clip(amount[order] - before, 0.0, sizes)
    removed = np.empty_like(sizes)
    removed[order] = removed_sorted
    return removed


class _Projection:
    """The table-by-table rules of :func:`project_activity` for one base year and year."""

    def __init__(self, base: int, year: int, parameters: ForecastParameters, growth: float) -> None:
        self.base = base
        self.year = year
        self.n = year - base
        self.p = parameters
        self.growth = growth

    def _tag(self, rule: str) -> str:
        return f"projected {self.base}->{self.year} by portcap.forecast ({rule})"

    def parameters(self, table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        out = table.copy()
        name = out["parameter"].astype(str)
        value = out["value"].to_numpy(dtype=float).copy()
        grown = name.isin(["teu", "truck_legs", "light_duty_worker_jobs"]).to_numpy()
        value[grown] *= self.growth
        eca = (name == "ogv_in_eca").to_numpy() & (self.year >= self.p.eca_from_year)
        value[eca] = np.maximum(value[eca], 1.0)
        sulfur = (name == "ogv_fuel_sulfur_pct_mass").to_numpy() & (
            self.year >= max(self.p.eca_low_sulfur_from_year, self.p.eca_from_year)
        )
        value[sulfur] = np.minimum(value[sulfur], self.p.eca_fuel_sulfur_pct_mass)
        changed = value != out["value"].to_numpy(dtype=float)
        out["value"] = value
        out["source_locator"] = _note(
            out["source_locator"], changed, self._tag("demand growth and ECA rules")
        )
        return out

    def vessel_calls(self, table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        out = table.copy()
        container = (out["ship_type"] == "container").to_numpy()
        factor = np.where(
            container,
            self.growth / (1.0 + self.p.teu_per_call_growth_per_year) ** self.n,
            (1.0 + self.p.non_container_call_growth_per_year) ** self.n,
        )
        out["calls"] = out["calls"].to_numpy(dtype=float) * factor
        share = out["shore_power_share"].to_numpy(dtype=float).copy()
        group = out["ship_type"].map(AT_BERTH_GROUPS).to_numpy(dtype=object)
        for field_name in dict.fromkeys(AT_BERTH_GROUPS.values()):
            mask = group == field_name
            if mask.any():
                path: DatedPath = getattr(self.p, field_name)
                share[mask] = path.share(self.year, self.base, share[mask])
        changed = (factor != 1.0) | (share != out["shore_power_share"].to_numpy(dtype=float))
        out["shore_power_share"] = share
        out["source_locator"] = _note(
            out["source_locator"], changed, self._tag("calls with demand; At-Berth Regulation")
        )
        return out

    def ogv_fleet(self, table: pd.DataFrame) -> pd.DataFrame:
        rate = self.p.ogv_renewal_share_per_year
        if table.empty or rate == 0.0:
            return table
        types = table["ship_type"].drop_duplicates().to_numpy(dtype=object)
        keels = np.arange(self.base + 1, self.year + 1, dtype=np.int64)
        new = pd.DataFrame(
            {
                "year": np.int64(self.year),
                "ship_type": np.repeat(types, len(keels)),
                "keel_year": np.tile(keels, len(types)),
                "share": rate,
                "source_id": "portcap_assumption",
                "source_locator": self._tag(
                    f"newbuilds entering each year at ogv_renewal_share_per_year = {rate}"
                ),
                "source_row": np.int64(0),
            }
        )
        fleet = pd.concat([table, new], ignore_index=True)
        group = pd.factorize(fleet["ship_type"])[0].astype(np.int64)
        share = fleet["share"].to_numpy(dtype=float)
        removed = _retire_oldest(
            np.full(len(fleet), rate * self.n),
            share,
            group,
            fleet["keel_year"].to_numpy(dtype=float),
        )
        fleet["share"] = share - removed
        fleet["source_locator"] = _note(
            fleet["source_locator"],
            (removed > 0) & (fleet["source_row"].to_numpy() > 0),
            self._tag("share reduced by fleet renewal, oldest keel years first"),
        )
        fleet = fleet[fleet["share"] > _TINY]
        # a newbuild cohort can share its keel year with a base row: one row per key
        keys = ["year", "ship_type", "keel_year"]
        summed = fleet.groupby(keys, as_index=False, sort=False).agg(
            share=("share", "sum"),
            source_id=("source_id", "first"),
            source_locator=("source_locator", "first"),
            source_row=("source_row", "max"),
        )
        return summed.sort_values(keys).reset_index(drop=True)[list(table.columns)]

    def truck_fleet(self, table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        out = table.copy()
        ze = (out["model_year_group"] == "ze").to_numpy()
        share = out["share"].to_numpy(dtype=float)
        port_ze = pd.Series(np.where(ze, share, 0.0)).groupby(out["port"].to_numpy()).sum()
        target = pd.Series(
            self.p.truck_ze_share.share(self.year, self.base, port_ze.to_numpy()),
            index=port_ze.index,
        )
        base_row = port_ze.reindex(out["port"]).to_numpy()
        target_row = target.reindex(out["port"]).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(
                ze,
                np.where(base_row > 0, target_row / base_row, 1.0),
                np.where(base_row < 1, (1.0 - target_row) / (1.0 - base_row), 1.0),
            )
        out["share"] = share * scale
        out["source_locator"] = _note(
            out["source_locator"], scale != 1.0, self._tag("truck_ze_share")
        )
        missing = target[(port_ze == 0) & (target > 0)]
        if len(missing):
            added = pd.DataFrame(
                {
                    "year": np.int64(self.year),
                    "port": missing.index.to_numpy(dtype=object),
                    "model_year_group": "ze",
                    "fuel": "electric",
                    "share": missing.to_numpy(dtype=float),
                    "source_id": "carb_acf_drayage",
                    "source_locator": self._tag("zero-emission legs added along truck_ze_share"),
                    "source_row": np.int64(0),
                }
            )
            out = pd.concat([out, added], ignore_index=True)
        out = out[out["share"] > _TINY]
        return out.sort_values(["port", "model_year_group", "fuel"]).reset_index(drop=True)

    def equipment(self, table: pd.DataFrame) -> pd.DataFrame:
        if table.empty:
            return table
        out = table.copy()
        count = out["count"].to_numpy(dtype=float) * self.growth
        terminal = out["terminal"].astype(object).where(out["terminal"].notna(), "")
        group = pd.factorize(
            out["port"].astype(str) + "|" + terminal.astype(str) + "|" + out["equipment_type"]
        )[0].astype(np.int64)
        ze = (out["fuel"] == "electric").to_numpy()
        by_group = pd.Series(count).groupby(group)
        total = by_group.transform("sum").to_numpy()
        ze_count = pd.Series(np.where(ze, count, 0.0)).groupby(group).transform("sum").to_numpy()
        base_share = np.divide(ze_count, total, out=np.zeros_like(total), where=total > 0)
        target = self.p.che_ze_share.share(self.year, self.base, base_share)
        need = (target - base_share) * total  # new zero-emission units, per group
        combustion = total - ze_count
        renew = min(1.0, self.p.che_renewal_share_per_year * self.n) * combustion
        retire = np.clip(np.maximum(renew, need), 0.0, combustion)
        model_year = pd.to_numeric(out["model_year"], errors="coerce").to_numpy(dtype=float)
        removed = _retire_oldest(
            np.where(ze, 0.0, retire),
            np.where(ze, 0.0, count),
            group,
            np.nan_to_num(model_year, nan=-np.inf),
        )
        # retired units not replaced by zero-emission ones come back as new combustion units
        replace_share = np.divide(
            retire - need, retire, out=np.zeros_like(retire), where=retire > _TINY
        )
        ze_scale = np.divide(ze_count + need, ze_count, out=np.ones_like(total), where=ze_count > 0)
        new_count = np.where(ze, count * ze_scale, count - removed)
        changed = new_count != out["count"].to_numpy(dtype=float)
        out["count"] = new_count
        out["source_locator"] = _note(
            out["source_locator"],
            changed,
            self._tag("counts with demand; che_ze_share and che_renewal_share_per_year"),
        )
        pieces = [out]
        first_of_group = ~pd.Series(group).duplicated().to_numpy()
        new_ze = first_of_group & (ze_count == 0) & (need > _TINY)
        if new_ze.any():
            pieces.append(
                out[new_ze].assign(
                    fuel="electric",
                    tier="ze",
                    model_year=self.year,
                    count=need[new_ze],
                    source_id="caap_ze_goals",
                    source_locator=self._tag("zero-emission units added along che_ze_share"),
                    source_row=np.int64(0),
                )
            )
        replaced = removed * replace_share
        if (replaced > _TINY).any():
            rows = out[replaced > _TINY].assign(count=replaced[replaced > _TINY])
            rows = rows.assign(tier=rows["fuel"].map(_REPLACEMENT_TIER))
            keys = ["port", "terminal", "equipment_type", "fuel", "tier"]
            new_units = rows.groupby(keys, as_index=False, sort=False, dropna=False).agg(
                count=("count", "sum"),
                rated_hp=("rated_hp", "first"),
                annual_hours=("annual_hours", "first"),
                load_factor=("load_factor", "first"),
            )
            pieces.append(
                new_units.assign(
                    year=np.int64(self.year),
                    model_year=self.year,
                    source_id="portcap_assumption",
                    source_locator=self._tag(
                        "retired units replaced by new units of the newest tier of their fuel"
                    ),
                    source_row=np.int64(0),
                )[list(out.columns)]
            )
        result = pd.concat(pieces, ignore_index=True)
        result["model_year"] = result["model_year"].astype(out["model_year"].dtype)
        result = result[result["count"] > _TINY]
        return result.reset_index(drop=True)

    def assist_tugs(self, table: pd.DataFrame, call_factor: pd.Series) -> pd.DataFrame:
        if table.empty or call_factor.empty:
            return table
        out = table.copy()
        tug = (out["craft_type"] == "assist_tug").to_numpy()
        factor = np.where(
            tug, call_factor.reindex(out["port"]).fillna(1.0).to_numpy(dtype=float), 1.0
        )
        out["count"] = out["count"].to_numpy(dtype=float) * factor
        out["source_locator"] = _note(
            out["source_locator"], factor != 1.0, self._tag("assist tugs with vessel calls")
        )
        return out


# --------------------------------------------------------------------------------------
# Seasonality
# --------------------------------------------------------------------------------------
_REFERENCE_YEAR = 2022


@functools.cache
def _reference_daily() -> pd.Series:
    """POLA container vessels at berth on every day of 2022, keyed by ``month * 100 + day``.

    Weekends, holidays and missing days are interpolated in time between the neighbouring
    weekdays (vessels at berth is a count of ships alongside, which carries on over a
    weekend); the days before the first and after the last observation take the nearest.
    """
    table = load_forecast_table("pola_container_vessel_activity_2022")
    observed = pd.Series(
        table["vessels_at_berth"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(table["date"]),
    )
    days = pd.date_range(f"{_REFERENCE_YEAR}-01-01", f"{_REFERENCE_YEAR}-12-31", freq="D")
    daily = observed.reindex(days).interpolate(method="time").bfill().ffill()
    return pd.Series(daily.to_numpy(), index=days.month * 100 + days.day)


@functools.cache
def _reference_monthly() -> pd.Series:
    """Share of the year's AIS visits in each month of 2022 (mean of the ports' shares)."""
    table = load_forecast_table("ais_monthly_visits_2022")
    visits = table.pivot(index="month", columns="port", values="visits").astype(float)
    shares = visits / visits.sum()
    return shares.mean(axis=1)


def _profile_values(method: str, dates: pd.DatetimeIndex) -> npt.NDArray[np.float64]:
    key = np.where((dates.month == 2) & (dates.day == 29), 228, dates.month * 100 + dates.day)
    month = dates.month.to_numpy()

    def daily() -> npt.NDArray[np.float64]:
        return _reference_daily().reindex(key).to_numpy(dtype=float)

    def monthly() -> npt.NDArray[np.float64]:
        days_in_month = pd.Series(month).groupby(month).transform("size").to_numpy()
        return _reference_monthly().reindex(month).to_numpy(dtype=float) / days_in_month

    def combined() -> npt.NDArray[np.float64]:
        shape = daily()
        within = shape / pd.Series(shape).groupby(month).transform("sum").to_numpy()
        return within * _reference_monthly().reindex(month).to_numpy(dtype=float)

    methods: dict[str, Callable[[], npt.NDArray[np.float64]]] = {
        "ais_monthly_pola_daily": combined,
        "pola_daily": daily,
        "ais_monthly": monthly,
        "uniform": lambda: np.ones(len(dates)),
    }
    return methods[method]()


def daily_profile(year: int, *, method: str = "ais_monthly_pola_daily") -> pd.Series:
    r"""Share of a year's port activity on each day, from real 2022 data.

    Parameters
    ----------
    year : int
        Calendar year [year].
    method : str, default 'ais_monthly_pola_daily'
        One of :data:`PROFILE_METHODS`:

        * ``'ais_monthly_pola_daily'``: each month's share from the AIS visit counts of
          2022 at the two ports (mean of the ports' monthly shares), spread over the
          month's days in proportion to the POLA container vessels at berth that day;
        * ``'pola_daily'``: in proportion to the POLA container vessels at berth;
        * ``'ais_monthly'``: the monthly AIS shares, equal on every day of a month;
        * ``'uniform'``: every day alike.

    Returns
    -------
    pandas.Series
        ``activity_share`` [-], index every date of ``year`` (365 or 366), summing to one.

    Raises
    ------
    ValueError
        For an unknown method.

    Notes
    -----
    The 2022 day of the same month and day stands for each date of ``year``; 29 February
    takes 28 February's value. With the default method

    .. math:: f_d = \frac{V_{m(d)}}{\sum_m V_m} \cdot \frac{B_d}{\sum_{d' \in m(d)} B_{d'}}

    where :math:`V_m` are the AIS visits of month :math:`m` (each port's series
    normalised, then averaged) and :math:`B_d` the vessels at berth on day :math:`d`
    (weekdays observed, other days interpolated). 2022 began with the pandemic queue
    and ended with a cargo slump: January carries about 10.5 % of the year's visits,
    December 7 %, so a cap binds earlier in the year than with a flat profile. The
    profile applies to every terminal and source alike.

    References
    ----------
    Port of Los Angeles, Historical Container Vessel Activity (2022); monthly AIS visits
    per USACE principal port (2022) computed from MarineCadastre AIS. Provenance in
    ``portcap/data/forecast/SOURCES.md``.

    Examples
    --------
    >>> profile = daily_profile(2032)
    >>> len(profile), round(float(profile.sum()), 12)
    (366, 1.0)
    >>> round(float(daily_profile(2031, method="uniform").iloc[0]) * 365, 12)
    1.0
    """
    factors.check_choice(method, PROFILE_METHODS, "profile method")
    dates = pd.date_range(f"{int(year)}-01-01", f"{int(year)}-12-31", freq="D", name="date")
    values = _profile_values(method, dates)
    return pd.Series(values / values.sum(), index=dates, name="activity_share")
