r"""Activity and source physics to the emissions table.

For ocean-going vessels (OGVs), :func:`ogv_emissions` takes activity records (AIS
intervals from :mod:`portcap.ais` or call legs from :mod:`portcap.calls`, one table
shape for both) and the vessels' characteristics (:mod:`portcap.vessels`) and applies
the EPA 2022 chain of :mod:`portcap.sources.ships` record by record:

.. math::

    LF = \min\!\left(1, \max\!\left(0.02, (V/V_{max})^3\right)\right), \quad
    P_{prop} = MCR \cdot LF,\quad
    E_{p} = \sum_{records} P\,t\,EF_p\,LLAF_p(LF).

The operating mode of a record follows EPA 2022 §3.2 (zone, speed and load factor).
Main engines are off at berth and at anchorage; auxiliary engines and boilers run at the
default power of the ship type, size class and mode; auxiliary engines are off while a
vessel is connected to shore power. Because :math:`EF_p` is constant for a vessel,
engine and fuel regime, the sums of energy (and of low-load-adjusted energy) are taken
first and the factors applied once per group, which is exact and fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from portcap import factors
from portcap.ais import modes
from portcap.sources import ships

POLLUTANTS: tuple[str, ...] = factors.POLLUTANTS
"""Pollutants of the emissions tables (``DESIGN.md``), from :mod:`portcap.factors`."""

#: Low-load adjustment class of each pollutant (which LLAF curve it takes), after
#: ``portcap.sources.ships`` (CH4, N2O and CO2e follow fuel use, i.e. CO2).
_LLAF_CLASS: dict[str, str] = {
    "nox": "nox",
    "hc": "hc",
    "co": "co",
    "pm10": "pm10",
    "pm25": "pm10",
    "dpm": "pm10",
    "sox": "so2",
    "co2": "co2",
    "ch4": "co2",
    "n2o": "co2",
    "co2e": "co2",
}
_LLAF_CLASSES: tuple[str, ...] = ("nox", "hc", "co", "pm10", "so2", "co2")
ENGINES: tuple[str, ...] = ("propulsion", "auxiliary", "boiler")
_MODE_CODE = {name: code for code, name in enumerate(modes.OPERATING_MODES)}

#: Engine codes of auxiliary engines and boilers when the vessel record does not say:
#: EPA 2022 §3.4 (ShipEF ``calcEngineType``): auxiliary engines default to MSD.
AUXILIARY_ENGINE_TYPE = "MSD"
BOILER_ENGINE_TYPE = "boiler"

SHIP_EMISSIONS_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "date",
    "mode",
    "engine",
    "terminal",
    "pollutant",
    "energy_kwh",
    "mass_kg",
)
"""Key columns of the ship emissions table from AIS or calls (``DESIGN.md``)."""


class ShipMethod(BaseModel):
    """Method choices and regulatory parameters for OGV emissions (named, sourced)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    power_method: str = "epa2022"
    """Auxiliary and boiler power parameter set: ``epa2022`` (EPA 2022 Tables E.1/E.2 =
    IMO GHG3) or ``starcrest2016`` (Port of Los Angeles 2016 inventory)."""
    bsfc_method: str = "base"
    """``base`` (EPA 2022 Table 3.6) or ``load_dependent`` (Jalkanen 2012 / IMO GHG3
    curve for propulsion; CO2, SOx and the GHGs then follow the curve instead of the
    CO2/SO2 low-load factors)."""
    gwp_set: str = "ar5_100"
    """Global-warming-potential set for CO2e (``ar5_100`` or ``ar6_100``)."""
    eca_sulfur_pct_mass: float = Field(default=0.1, gt=0, le=5)
    """Fuel sulfur inside the North American ECA [% m/m]: 0.10 % from 1 January 2015
    (MARPOL Annex VI Reg. 14; CARB OGV fuel rule 0.1 % from 1 January 2014)."""
    global_sulfur_pct_mass: float = Field(default=0.5, gt=0, le=5)
    """Fuel sulfur outside ECAs [% m/m]: 0.50 % global cap from 1 January 2020."""
    shore_power_connect_h: float = Field(default=2.0, ge=0)
    """AIS method: hours at berth before a shore-power vessel is connected [h]
    (assumption, as :class:`portcap.calls.CallLegParameters`)."""
    shore_power_disconnect_h: float = Field(default=1.0, ge=0)
    """AIS method: hours before departure with auxiliary engines back on [h]."""


@dataclass
class ShipEmissions:
    """Emissions by vessel, day, mode, engine and pollutant, with the records' modes."""

    emissions: pd.DataFrame
    """Tidy: ``mmsi, date, mode, engine, terminal, pollutant, energy_kwh, mass_kg`` plus
    the vessel's ``ship_type, size_value, size_unit, filled``."""
    activity_hours: pd.DataFrame
    """Hours by vessel and mode (with the records that had no vessel data counted)."""


def _as_polars(activity: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    if isinstance(activity, pl.DataFrame):
        return activity
    return pl.from_pandas(activity)


def _shore_power_connected(
    vessel_row: npt.NDArray[np.intp],
    at_berth: npt.NDArray[np.bool_],
    duration_h: npt.NDArray[np.float64],
    uses_shore_power: npt.NDArray[np.bool_],
    method: ShipMethod,
) -> npt.NDArray[np.bool_]:
    """Whether auxiliary engines are off for shore power on each record (AIS method).

    Records must be in time order within each vessel. A berth visit is a run of
    consecutive berth records of one vessel; a vessel that uses shore power is connected
    from ``shore_power_connect_h`` after the visit starts until
    ``shore_power_disconnect_h`` before it ends.
    """
    n = len(at_berth)
    connected = np.zeros(n, dtype=bool)
    candidate = at_berth & uses_shore_power
    if not candidate.any():
        return connected
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = (vessel_row[1:] != vessel_row[:-1]) | (at_berth[1:] != at_berth[:-1])
    run = np.cumsum(new_run) - 1
    ends = np.cumsum(duration_h)
    run_start = np.flatnonzero(new_run)
    before_run = np.concatenate(([0.0], ends))[run_start]
    elapsed = ends - duration_h - before_run[run]
    total = np.bincount(run, weights=duration_h)[run]
    connected = (
        candidate
        & (elapsed >= method.shore_power_connect_h)
        & (elapsed + duration_h <= total - method.shore_power_disconnect_h)
    )
    return np.asarray(connected, dtype=bool)


def _codes(series: pl.Series) -> tuple[npt.NDArray[np.int64], list[str | None]]:
    """Integer codes (0..k-1) and labels of a text or categorical column; nulls coded."""
    if isinstance(series.dtype, pl.Enum):
        labels: list[str | None] = [*series.dtype.categories.to_list(), None]
        physical = series.to_physical().cast(pl.Int64).fill_null(len(labels) - 1)
        return physical.to_numpy(), labels
    as_text = series.cast(pl.Utf8)
    unique = as_text.unique(maintain_order=True)
    lookup = pl.DataFrame({"label": unique, "code": np.arange(len(unique), dtype=np.int64)})
    codes = (
        pl.DataFrame({"label": as_text})
        .join(lookup, on="label", how="left", nulls_equal=True, maintain_order="left")["code"]
        .to_numpy()
    )
    return codes, unique.to_list()


def ogv_emissions(
    activity: pd.DataFrame | pl.DataFrame,
    vessels: pd.DataFrame,
    *,
    method: ShipMethod | None = None,
    grid_deg: float | None = None,
) -> ShipEmissions:
    """Emissions of ocean-going vessels from activity records.

    Parameters
    ----------
    activity : DataFrame (pandas or polars)
        One row per activity record, in time order within each vessel: ``mmsi, start
        (datetime), duration_h [h], speed_over_ground_kn [kn], zone_kind
        (berth|anchorage|maneuvering|None), terminal, in_eca (bool)``; optionally
        ``shore_power_connected`` (bool; derived from the vessel's ``shore_power`` flag
        when absent). Records of vessels missing from ``vessels`` are ignored here (the
        caller reports them).
    vessels : pandas.DataFrame
        From :func:`portcap.vessels.build_vessel_table`: ``mmsi, ship_type, size_value,
        size_unit, main_engine_kw, max_speed_kn, engine_type, tier, shore_power,
        filled``.
    method : ShipMethod, optional
        Power and BSFC methods, GWP set, sulfur levels, shore-power timing.
    grid_deg : float, optional
        Also split the emissions by cells of a longitude-latitude grid of this size [deg]
        (the activity then needs ``latitude_deg`` and ``longitude_deg``, the position of
        each record): the table gains ``cell_lat_deg`` and ``cell_lon_deg``, the centre of
        the record's cell (:func:`grid_cell_centre_deg`). Summed over the cells, the
        emissions are those without the grid.

    Returns
    -------
    ShipEmissions
        The tidy emissions table and hours by vessel and mode (records without a mode,
        e.g. without a speed, are counted under mode ``none``).

    Notes
    -----
    This is :func:`ogv_activity_groups` followed by :func:`ogv_emissions_from_groups`.
    Records are reduced to groups (vessel, day, mode, terminal, ECA or not, load below
    25 % or not, shore power or not) with sums of time, propulsion energy and propulsion
    energy times each low-load adjustment factor (``np.bincount`` over group codes);
    factors are then applied per group. The result equals the record-by-record sum.
    """
    method = method or ShipMethod()
    groups = ogv_activity_groups(activity, vessels, method=method, grid_deg=grid_deg)
    return ogv_emissions_from_groups(groups, vessels, method=method)


def ogv_activity_groups(
    activity: pd.DataFrame | pl.DataFrame,
    vessels: pd.DataFrame,
    *,
    method: ShipMethod | None = None,
    grid_deg: float | None = None,
) -> pd.DataFrame:
    """Sum activity records into the groups that the emission factors apply to.

    The first half of :func:`ogv_emissions` (same parameters). The groups of a vessel
    depend on its records only, so the records of a long AIS run can be grouped in
    slices of whole vessels and the groups concatenated (in vessel order) before
    :func:`ogv_emissions_from_groups`: the result is the same to the last bit as with
    all records at once, with the memory of one slice.

    Returns
    -------
    pandas.DataFrame
        One row per group in order of first appearance: ``mmsi, date, mode, terminal,
        in_eca, low_load, shore_power_connected, duration_h [h], propulsion_kwh [kWh]``,
        ``propulsion_kwh_<class>`` (propulsion energy times the low-load adjustment of
        each pollutant class, or times the relative BSFC), and with ``grid_deg`` the
        cell centres ``cell_lat_deg, cell_lon_deg`` [deg]. Mode ``none`` holds the
        records without a mode. Empty (no rows) when no record's vessel is known.
    """
    method = method or ShipMethod()
    factors.check_choice(method.bsfc_method, ("base", "load_dependent"), "bsfc_method")
    frame = _as_polars(activity)
    if grid_deg is not None:
        if not 0 < grid_deg <= 10:
            msg = f"grid_deg must lie in (0, 10] degrees, got {grid_deg}"
            raise ValueError(msg)
        missing = {"latitude_deg", "longitude_deg"} - set(frame.columns)
        if missing:
            msg = f"a gridded inventory needs the activity's {', '.join(sorted(missing))}"
            raise ValueError(msg)
    fleet = vessels.sort_values("mmsi").reset_index(drop=True)
    fleet_mmsi = fleet["mmsi"].to_numpy(dtype=np.int64)
    mmsi = frame["mmsi"].cast(pl.Int64).to_numpy()
    row = np.clip(np.searchsorted(fleet_mmsi, mmsi), 0, max(len(fleet_mmsi) - 1, 0))
    known = (fleet_mmsi[row] == mmsi) if len(fleet_mmsi) else np.zeros(len(mmsi), dtype=bool)
    if not known.any():
        return pd.DataFrame(columns=list(_group_columns(grid_deg)))
    if not known.all():
        frame = frame.filter(pl.Series(known))
        row = row[known]

    duration_h = frame["duration_h"].cast(pl.Float64).to_numpy()
    speed = frame["speed_over_ground_kn"].cast(pl.Float64).to_numpy()
    load_factor = np.asarray(
        ships.main_engine_load_factor(
            np.nan_to_num(speed, nan=0.0), fleet["max_speed_kn"].to_numpy(dtype=float)[row]
        ),
        dtype=float,
    )
    zone_kind = frame["zone_kind"] if "zone_kind" in frame.columns else None
    mode = modes.operating_mode_code(speed, load_factor, zone_kind)
    del speed, zone_kind
    underway = (mode == _MODE_CODE["transit"]) | (mode == _MODE_CODE["maneuvering"])
    load_factor[~underway] = 0.0
    propulsion_kwh = fleet["main_engine_kw"].to_numpy(dtype=float)[row]
    propulsion_kwh *= load_factor
    propulsion_kwh *= duration_h
    in_eca = frame["in_eca"].cast(pl.Boolean).fill_null(True).to_numpy()
    if "shore_power_connected" in frame.columns:
        shore = frame["shore_power_connected"].cast(pl.Boolean).fill_null(False).to_numpy()
    else:
        shore = _shore_power_connected(
            row,
            mode == _MODE_CODE["berth"],
            duration_h,
            fleet["shore_power"].to_numpy(dtype=bool)[row],
            method,
        )
    # Tier III engines below 25 % load run as Tier II (EPA 2022 §3.5.1)
    low_load = load_factor < 0.25
    day = frame["start"].cast(pl.Date).to_physical().to_numpy()
    terminal_code, terminal_labels = _codes(
        frame["terminal"] if "terminal" in frame.columns else pl.Series([None] * len(row))
    )
    cell_keys: list[tuple[npt.NDArray[np.int64], int, int]] = []
    if grid_deg is not None:
        cells = [
            np.floor(frame[c].cast(pl.Float64).to_numpy() / grid_deg).astype(np.int64)
            for c in ("latitude_deg", "longitude_deg")
        ]
        cell_keys = [(c, -int(c.min()), int(c.max() - c.min()) + 1) for c in cells]

    # one integer per group (built in place), then group codes 0..g-1
    day0 = int(day.min())
    key = row.astype(np.int64)
    for values, offset, size in (
        (day, -day0, int(day.max()) - day0 + 1),
        (mode, 1, len(modes.OPERATING_MODES) + 1),
        (terminal_code, 0, max(len(terminal_labels), 1)),
        (in_eca, 0, 2),
        (low_load, 0, 2),
        (shore, 0, 2),
        *cell_keys,
    ):
        key *= size
        key += values
        key += offset
    # pandas.factorize numbers groups in order of first appearance, so a group's first
    # record is where the running maximum of the codes rises
    group = pd.factorize(key)[0]
    del key
    n_groups = int(group.max()) + 1
    rises = np.ones(len(group), dtype=bool)
    rises[1:] = group[1:] > np.maximum.accumulate(group)[:-1]
    first = np.flatnonzero(rises)

    sums: dict[str, npt.NDArray[Any]] = {
        "duration_h": np.bincount(group, weights=duration_h, minlength=n_groups),
        "propulsion_kwh": np.bincount(group, weights=propulsion_kwh, minlength=n_groups),
    }
    # Low-load factors differ from 1 only for 0 < LF <= 0.20 (EPA 2022 §3.5.3): evaluate
    # them on those records alone.
    # ... and not for electric-drive engines (MSD-ED, GT-ED; ShipEF calcLLAF).
    # (once per distinct engine type of the fleet: the fleet is the same for every slice)
    electric = _per_distinct(
        lambda types: np.asarray(
            ships.electric_drive_for_engine_type(types["engine_type"]), dtype=bool
        ),
        fleet[["engine_type"]],
    )[row]
    low = np.flatnonzero(underway & ~electric & (load_factor > 0) & (load_factor <= 0.20))
    low_lf = load_factor[low]
    low_sulfur = np.where(in_eca[low], method.eca_sulfur_pct_mass, method.global_sulfur_pct_mass)
    moving = np.flatnonzero(underway)
    for llaf_class in _LLAF_CLASSES:
        # sum of E x factor = sum of E + sum over the adjusted records of E x (factor - 1)
        if method.bsfc_method == "load_dependent" and llaf_class in ("co2", "so2"):
            where = moving
            factor = np.asarray(
                ships.load_dependent_bsfc_g_per_kwh(np.ones(len(moving)), load_factor[moving]),
                dtype=float,
            )
        else:
            where = low
            factor = np.asarray(
                ships.low_load_adjustment(low_lf, llaf_class, sulfur_pct_mass=low_sulfur),
                dtype=float,
            )
        extra = np.bincount(
            group[where], weights=propulsion_kwh[where] * (factor - 1.0), minlength=n_groups
        )
        sums[f"propulsion_kwh_{llaf_class}"] = sums["propulsion_kwh"] + extra
    mode_names = np.array([*modes.OPERATING_MODES, "none"], dtype=object)
    grouped = pd.DataFrame(
        {
            "mmsi": fleet_mmsi[row[first]],
            "date": pd.to_datetime(day[first], unit="D").date,
            "mode": mode_names[mode[first]],
            "terminal": np.array(terminal_labels, dtype=object)[terminal_code[first]],
            "in_eca": in_eca[first],
            "low_load": low_load[first],
            "shore_power_connected": shore[first],
            **sums,
        }
    )
    if grid_deg is not None:
        for name, (cell, _offset, _size) in zip(_CELL_COLUMNS, cell_keys, strict=True):
            grouped[name] = grid_cell_centre_deg(cell[first], grid_deg)
    return grouped


def _group_columns(grid_deg: float | None) -> tuple[str, ...]:
    """Columns of :func:`ogv_activity_groups`."""
    return (
        "mmsi",
        "date",
        "mode",
        "terminal",
        "in_eca",
        "low_load",
        "shore_power_connected",
        "duration_h",
        "propulsion_kwh",
        *(f"propulsion_kwh_{llaf_class}" for llaf_class in _LLAF_CLASSES),
        *(_CELL_COLUMNS if grid_deg is not None else ()),
    )


def ogv_emissions_from_groups(
    groups: pd.DataFrame, vessels: pd.DataFrame, *, method: ShipMethod | None = None
) -> ShipEmissions:
    """Emissions of activity groups: the second half of :func:`ogv_emissions`.

    Parameters
    ----------
    groups : pandas.DataFrame
        From :func:`ogv_activity_groups` (or several of its results for disjoint sets of
        vessels, concatenated).
    vessels : pandas.DataFrame
        The vessel table the groups were made with.
    method : ShipMethod, optional
        The method the groups were made with.

    Returns
    -------
    ShipEmissions
    """
    method = method or ShipMethod()
    if groups.empty:
        return ShipEmissions(_empty_emissions(), pd.DataFrame(columns=["mmsi", "mode", "hours"]))
    hours = groups.groupby(["mmsi", "mode"], as_index=False).agg(hours=("duration_h", "sum"))
    emissions = _group_emissions(groups[groups["mode"] != "none"], vessels, method)
    return ShipEmissions(emissions, hours)


_CELL_COLUMNS = ("cell_lat_deg", "cell_lon_deg")


def grid_cell_centre_deg(cell: npt.ArrayLike, grid_deg: float) -> npt.NDArray[np.float64]:
    """Return the centre of grid cells numbered ``floor(coordinate / grid_deg)`` [deg].

    Examples
    --------
    >>> grid_cell_centre_deg([-11868, 3374], 0.01).round(3).tolist()
    [-118.675, 33.745]
    """
    return (np.asarray(cell, dtype=float) + 0.5) * grid_deg


def _group_emissions(
    grouped: pd.DataFrame, vessels: pd.DataFrame, method: ShipMethod
) -> pd.DataFrame:
    """Apply power by mode and the emission factors to grouped activity."""
    groups = grouped.merge(
        vessels[["mmsi", "ship_type", "size_value", "size_unit", "engine_type", "tier"]],
        on="mmsi",
        how="left",
        validate="m:1",
    )
    power = _power_by_mode(groups, method.power_method)
    aux_kw = ships.apply_shore_power(
        power["auxiliary_kw"], groups["mode"], groups["shore_power_connected"]
    )
    hours = groups["duration_h"].to_numpy(dtype=float)
    in_eca = groups["in_eca"].to_numpy(dtype=bool)
    sulfur = np.asarray(
        ships.sulfur_pct_mass_for_location(
            in_eca,
            eca_sulfur_pct_mass=method.eca_sulfur_pct_mass,
            global_sulfur_pct_mass=method.global_sulfur_pct_mass,
        ),
        dtype=float,
    )
    n = len(groups)
    engine_types = {
        "propulsion": groups["engine_type"].to_numpy(dtype=object),
        "auxiliary": np.full(n, AUXILIARY_ENGINE_TYPE, dtype=object),
        "boiler": np.full(n, BOILER_ENGINE_TYPE, dtype=object),
    }
    energies = {
        "propulsion": groups["propulsion_kwh"].to_numpy(dtype=float),
        "auxiliary": np.nan_to_num(np.asarray(aux_kw, dtype=float)) * hours,
        "boiler": np.nan_to_num(power["boiler_kw"].to_numpy(dtype=float)) * hours,
    }
    tiers = {
        "propulsion": np.asarray(
            ships.nox_tier_for_load(
                groups["tier"], np.where(groups["low_load"], 0.1, 0.5), engine="propulsion"
            ),
            dtype=float,
        ),
        "auxiliary": groups["tier"].to_numpy(dtype=float),
        "boiler": groups["tier"].to_numpy(dtype=float),
    }
    keys = pd.concat(
        [
            pd.DataFrame(
                {
                    "engine": engine,
                    "engine_type": engine_types[engine],
                    "tier": tiers[engine],
                    "sulfur_pct_mass": sulfur,
                    "in_eca": in_eca,
                }
            )
            for engine in ENGINES
        ],
        ignore_index=True,
    )
    # the default fuel of each (engine, engine type, ECA or not), looked up once each
    fuel = _per_distinct(
        lambda rows: np.asarray(
            ships.fuel_for_location(
                rows["engine_type"].to_numpy(dtype=object),
                rows["in_eca"].to_numpy(dtype=bool),
                engine=rows["engine"].to_numpy(dtype=object),
            ),
            dtype=object,
        ),
        keys[["engine", "engine_type", "in_eca"]],
    )
    keys.insert(2, "fuel", fuel)
    keys = keys.drop(columns="in_eca")
    ef = _factors_for_keys(keys, method.gwp_set)
    engines: list[pd.DataFrame] = []
    for position, engine in enumerate(ENGINES):
        cell_columns = [c for c in _CELL_COLUMNS if c in groups.columns]
        block = groups[["mmsi", "date", "mode", "terminal", *cell_columns]].copy()
        block["engine"] = engine
        block["energy_kwh"] = energies[engine]
        rows = slice(position * n, (position + 1) * n)
        for pollutant in POLLUTANTS:
            if engine == "propulsion":
                adjusted = groups[f"propulsion_kwh_{_LLAF_CLASS[pollutant]}"].to_numpy(dtype=float)
            else:
                adjusted = energies[engine]
            block[pollutant] = adjusted * ef[pollutant].to_numpy()[rows] / 1000.0
        engines.append(block)
    wide = pd.concat(engines, ignore_index=True)
    wide = wide[wide["energy_kwh"] > 0]
    return _tidy_emissions(wide, vessels)


def _tidy_emissions(wide: pd.DataFrame, vessels: pd.DataFrame) -> pd.DataFrame:
    """Sum the wide records by vessel, day, mode, engine and terminal; one row per pollutant.

    The sums are taken on the wide table (one column per pollutant), then each group is
    repeated once per pollutant in sorted order. This is the group-by of the long table
    (sorted by ``mmsi, date, mode, engine, terminal, pollutant``) without building it:
    each sum adds the same values in the same order (pandas' compensated group sum), so
    the numbers are the same to the last bit, and the vessel columns are taken by
    position instead of merged.
    """
    keys = ["mmsi", "date", "mode", "engine", "terminal"]
    keys += [c for c in _CELL_COLUMNS if c in wide.columns]
    sums = wide.groupby(keys, as_index=False, dropna=False, sort=True)[
        ["energy_kwh", *POLLUTANTS]
    ].sum()
    order = sorted(POLLUTANTS)
    n_groups, n_pollutants = len(sums), len(order)
    rows = np.repeat(np.arange(n_groups), n_pollutants)
    extra = ["ship_type", "size_value", "size_unit", "filled"]
    position = pd.Index(vessels["mmsi"]).get_indexer(sums["mmsi"])
    if (position < 0).any() or not vessels["mmsi"].is_unique:
        # not reached from ogv_emissions (records of unknown vessels are dropped first)
        found = sums[["mmsi"]].merge(vessels[["mmsi", *extra]], on="mmsi", how="left")
        vessel_columns = found[extra]
    else:
        vessel_columns = vessels[extra].take(position)
    long = sums[keys].take(rows).reset_index(drop=True)
    long["pollutant"] = pd.Series(np.tile(np.array(order, dtype=object), n_groups))
    long["energy_kwh"] = np.repeat(sums["energy_kwh"].to_numpy(dtype=float), n_pollutants)
    long["mass_kg"] = sums[order].to_numpy(dtype=float).ravel()
    for column in extra:
        long[column] = vessel_columns[column].take(rows).reset_index(drop=True)
    cells = [c for c in _CELL_COLUMNS if c in long.columns]
    return long[list(SHIP_EMISSIONS_COLUMNS) + extra + cells]


def _power_by_mode(groups: pd.DataFrame, power_method: str) -> pd.DataFrame:
    """Auxiliary and boiler power of each group, looked up once per (type, size, mode)."""
    columns = ["ship_type", "size_value", "mode"]
    distinct, inverse = _distinct_rows(groups[columns])
    distinct["auxiliary_kw"] = np.asarray(
        ships.auxiliary_power_kw(
            distinct["ship_type"], distinct["size_value"], distinct["mode"], method=power_method
        ),
        dtype=float,
    )
    distinct["boiler_kw"] = np.asarray(
        ships.boiler_power_kw(
            distinct["ship_type"], distinct["size_value"], distinct["mode"], method=power_method
        ),
        dtype=float,
    )
    merged = distinct[["auxiliary_kw", "boiler_kw"]].take(inverse)
    merged.index = groups.index
    return merged


def _factors_for_keys(keys: pd.DataFrame, gwp_set: str) -> pd.DataFrame:
    """Emission factors for many rows, looked up once per distinct key combination."""
    distinct, inverse = _distinct_rows(keys)
    ef = ships.emission_factors_g_per_kwh(distinct, gwp_set=gwp_set)
    merged = ef[list(POLLUTANTS)].take(inverse)
    merged.index = keys.index
    return merged


def _distinct_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """Distinct rows of ``frame`` in order of first appearance, and each row's distinct row.

    ``frame.drop_duplicates()`` (missing values equal to each other, as there) with a
    fresh index, and the inverse: ``distinct.take(inverse)`` gives ``frame``'s values.
    A join back on the key columns is what this replaces: look-ups run once per distinct
    key and are taken back by position.
    """
    n_rows = len(frame)
    code = np.zeros(n_rows, dtype=np.int64)
    for column in frame.columns:
        values, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        code = pd.factorize(code * len(uniques) + values)[0].astype(np.int64)
    # pandas.factorize numbers in order of first appearance
    first = np.full(int(code.max()) + 1 if n_rows else 0, n_rows, dtype=np.intp)
    np.minimum.at(first, code, np.arange(n_rows, dtype=np.intp))
    distinct = frame.iloc[first].reset_index(drop=True)
    return distinct, code.astype(np.intp)


def _per_distinct(
    function: Callable[[pd.DataFrame], npt.NDArray[Any]], frame: pd.DataFrame
) -> npt.NDArray[Any]:
    """``function(frame)`` for a row-wise ``function``, evaluated once per distinct row."""
    distinct, inverse = _distinct_rows(frame)
    return np.asarray(function(distinct))[inverse]


def _empty_emissions() -> pd.DataFrame:
    return pd.DataFrame(
        columns=list(SHIP_EMISSIONS_COLUMNS) + ["ship_type", "size_value", "size_unit", "filled"]
    )
