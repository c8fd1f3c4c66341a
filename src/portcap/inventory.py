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

from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from portcap import factors
from portcap.ais import modes
from portcap.sources import ships

POLLUTANTS: tuple[str, ...] = (
    "nox",
    "hc",
    "co",
    "pm10",
    "pm25",
    "dpm",
    "sox",
    "co2",
    "ch4",
    "n2o",
    "co2e",
)
"""Pollutants of the emissions tables (``DESIGN.md``)."""

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


def _shore_power_flag(frame: pl.DataFrame, method: ShipMethod) -> pl.Series:
    """Whether auxiliary engines are off for shore power on each record (AIS method).

    A berth visit is a run of consecutive berth records of one vessel. A vessel that uses
    shore power is connected from ``connect_h`` after the visit starts until
    ``disconnect_h`` before it ends.
    """
    at_berth = pl.col("mode") == "berth"
    visit = (at_berth != at_berth.shift(1).over("mmsi")).fill_null(True).cum_sum()
    flagged = frame.with_columns(_visit=visit).with_columns(
        _elapsed=(pl.col("duration_h").cum_sum() - pl.col("duration_h")).over("mmsi", "_visit"),
        _total=pl.col("duration_h").sum().over("mmsi", "_visit"),
    )
    connected = (
        at_berth
        & pl.col("shore_power")
        & (pl.col("_elapsed") >= method.shore_power_connect_h)
        & (
            pl.col("_elapsed") + pl.col("duration_h")
            <= pl.col("_total") - method.shore_power_disconnect_h
        )
    )
    return flagged.select(connected.alias("shore_power_connected")).to_series()


def ogv_emissions(
    activity: pd.DataFrame | pl.DataFrame,
    vessels: pd.DataFrame,
    *,
    method: ShipMethod | None = None,
) -> ShipEmissions:
    """Emissions of ocean-going vessels from activity records.

    Parameters
    ----------
    activity : DataFrame (pandas or polars)
        One row per activity record: ``mmsi, start (datetime), duration_h [h],
        speed_over_ground_kn [kn], zone_kind (berth|anchorage|maneuvering|None),
        terminal, in_eca (bool)``; optionally ``shore_power_connected`` (bool; derived
        from the vessel's ``shore_power`` flag when absent). Records of vessels missing
        from ``vessels`` are ignored here (the caller reports them).
    vessels : pandas.DataFrame
        From :func:`portcap.vessels.build_vessel_table`: ``mmsi, ship_type, size_value,
        size_unit, main_engine_kw, max_speed_kn, engine_type, tier, shore_power,
        filled``.
    method : ShipMethod, optional
        Power and BSFC methods, GWP set, sulfur levels, shore-power timing.

    Returns
    -------
    ShipEmissions
        The tidy emissions table and hours by vessel and mode.
    """
    method = method or ShipMethod()
    factors.check_choice(method.bsfc_method, ("base", "load_dependent"), "bsfc_method")
    frame = _as_polars(activity)
    vessel_columns = ["mmsi", "main_engine_kw", "max_speed_kn", "shore_power"]
    vessel_pl = pl.from_pandas(vessels[vessel_columns].astype({"shore_power": bool}))
    frame = frame.join(vessel_pl, on="mmsi", how="inner")
    if frame.height == 0:
        return ShipEmissions(_empty_emissions(), pd.DataFrame(columns=["mmsi", "mode", "hours"]))

    speed = frame["speed_over_ground_kn"].fill_null(0.0).to_numpy()
    max_speed = frame["max_speed_kn"].to_numpy()
    load_factor = np.asarray(ships.main_engine_load_factor(speed, max_speed), dtype=float)
    zone_kind = frame["zone_kind"].to_numpy() if "zone_kind" in frame.columns else None
    mode = np.asarray(modes.operating_mode(speed, load_factor, zone_kind), dtype=object)
    underway = (mode == "transit") | (mode == "maneuvering")
    load_factor = np.where(underway, load_factor, 0.0)
    propulsion_kwh = (
        frame["main_engine_kw"].to_numpy() * load_factor * frame["duration_h"].to_numpy()
    )
    frame = frame.with_columns(
        pl.Series("mode", mode.astype(str)),
        pl.Series("load_factor", load_factor),
        pl.Series("propulsion_kwh", propulsion_kwh),
        pl.col("start").dt.date().alias("date"),
    )
    if "shore_power_connected" not in frame.columns:
        frame = frame.with_columns(_shore_power_flag(frame, method))

    in_eca = frame["in_eca"].to_numpy()
    sulfur = np.where(in_eca, method.eca_sulfur_pct_mass, method.global_sulfur_pct_mass)
    adjusted: dict[str, np.ndarray] = {}
    for llaf_class in _LLAF_CLASSES:
        if method.bsfc_method == "load_dependent" and llaf_class in ("co2", "so2"):
            base = np.ones_like(load_factor)
            curve = ships.load_dependent_bsfc_g_per_kwh(base, np.where(underway, load_factor, 1.0))
            adjustment = np.where(underway, np.asarray(curve, dtype=float), 1.0)
        else:
            adjustment = np.asarray(
                ships.low_load_adjustment(load_factor, llaf_class, sulfur_pct_mass=sulfur),
                dtype=float,
            )
        adjusted[f"propulsion_kwh_{llaf_class}"] = propulsion_kwh * adjustment
    frame = frame.with_columns(
        [pl.Series(name, values) for name, values in adjusted.items()]
        + [
            # Tier III engines below 25 % load run as Tier II (EPA 2022 §3.5.1)
            (pl.col("load_factor") < 0.25).alias("low_load"),
        ]
    )
    if "terminal" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("terminal"))
    keys = ["mmsi", "date", "mode", "terminal", "in_eca", "low_load", "shore_power_connected"]
    sums = [pl.col("duration_h").sum(), pl.col("propulsion_kwh").sum()] + [
        pl.col(name).sum() for name in adjusted
    ]
    grouped = frame.group_by(keys).agg(sums).to_pandas()
    hours = grouped.groupby(["mmsi", "mode"], as_index=False).agg(hours=("duration_h", "sum"))
    emissions = _group_emissions(grouped, vessels, method)
    return ShipEmissions(emissions, hours)


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
    aux_kw = ships.auxiliary_power_kw(
        groups["ship_type"], groups["size_value"], groups["mode"], method=method.power_method
    )
    boiler_kw = ships.boiler_power_kw(
        groups["ship_type"], groups["size_value"], groups["mode"], method=method.power_method
    )
    aux_kw = ships.apply_shore_power(aux_kw, groups["mode"], groups["shore_power_connected"])
    hours = groups["duration_h"]
    in_eca = groups["in_eca"].to_numpy(dtype=bool)
    sulfur = ships.sulfur_pct_mass_for_location(
        in_eca,
        eca_sulfur_pct_mass=method.eca_sulfur_pct_mass,
        global_sulfur_pct_mass=method.global_sulfur_pct_mass,
    )
    engines: list[pd.DataFrame] = []
    for engine, engine_type, energy in (
        ("propulsion", groups["engine_type"], groups["propulsion_kwh"]),
        (
            "auxiliary",
            pd.Series(AUXILIARY_ENGINE_TYPE, index=groups.index),
            pd.Series(np.asarray(aux_kw, dtype=float), index=groups.index).fillna(0.0) * hours,
        ),
        (
            "boiler",
            pd.Series(BOILER_ENGINE_TYPE, index=groups.index),
            pd.Series(np.asarray(boiler_kw, dtype=float), index=groups.index).fillna(0.0) * hours,
        ),
    ):
        fuel = ships.fuel_for_location(engine_type, in_eca, engine=engine)
        tier = groups["tier"]
        if engine == "propulsion":
            tier = ships.nox_tier_for_load(
                tier, np.where(groups["low_load"], 0.1, 0.5), engine=engine
            )
        keys = pd.DataFrame(
            {
                "engine": engine,
                "engine_type": engine_type.to_numpy(dtype=object),
                "fuel": np.asarray(fuel, dtype=object),
                "tier": np.asarray(tier, dtype=float),
                "sulfur_pct_mass": np.asarray(sulfur, dtype=float),
            },
            index=groups.index,
        )
        ef = _factors_for_keys(keys, method.gwp_set)
        block = groups[["mmsi", "date", "mode", "terminal"]].copy()
        block["engine"] = engine
        block["energy_kwh"] = energy.to_numpy(dtype=float)
        for pollutant in POLLUTANTS:
            if engine == "propulsion":
                adjusted = groups[f"propulsion_kwh_{_LLAF_CLASS[pollutant]}"]
            else:
                adjusted = energy
            block[pollutant] = adjusted.to_numpy(dtype=float) * ef[pollutant].to_numpy() / 1000.0
        engines.append(block)
    wide = pd.concat(engines, ignore_index=True)
    wide = wide[wide["energy_kwh"] > 0]
    long = wide.melt(
        id_vars=["mmsi", "date", "mode", "terminal", "engine", "energy_kwh"],
        value_vars=list(POLLUTANTS),
        var_name="pollutant",
        value_name="mass_kg",
    )
    long = long.groupby(
        ["mmsi", "date", "mode", "engine", "terminal", "pollutant"],
        as_index=False,
        dropna=False,
        sort=True,
    ).agg(energy_kwh=("energy_kwh", "sum"), mass_kg=("mass_kg", "sum"))
    long = long.merge(
        vessels[["mmsi", "ship_type", "size_value", "size_unit", "filled"]],
        on="mmsi",
        how="left",
        validate="m:1",
    )
    return long[list(SHIP_EMISSIONS_COLUMNS) + ["ship_type", "size_value", "size_unit", "filled"]]


def _factors_for_keys(keys: pd.DataFrame, gwp_set: str) -> pd.DataFrame:
    """Emission factors for many rows, looked up once per distinct key combination."""
    columns = list(keys.columns)
    distinct = keys.drop_duplicates().reset_index(drop=True)
    ef = ships.emission_factors_g_per_kwh(distinct, gwp_set=gwp_set)
    table = pd.concat([distinct, ef], axis=1)
    merged = keys.merge(table, on=columns, how="left", validate="m:1")
    merged.index = keys.index
    return merged[list(POLLUTANTS)]


def _empty_emissions() -> pd.DataFrame:
    return pd.DataFrame(
        columns=list(SHIP_EMISSIONS_COLUMNS) + ["ship_type", "size_value", "size_unit", "filled"]
    )
