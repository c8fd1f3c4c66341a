"""The one loader and validator of portcap's packaged factor tables.

Every emission factor, default load and regulatory constant that the physics in
:mod:`portcap.sources` looks up lives in a tidy CSV file under
``portcap/data/factors/``. Each file has one row per key combination, snake_case
column names, units in the names of value columns, and a ``source_id`` column that
keys into ``sources.csv`` (the bibliography) plus a ``source_locator`` column naming
the table, page or file of that source. Provenance and licences are described in
``portcap/data/factors/SOURCES.md``.

The registry :data:`TABLE_SPECS` is data: for each table it names the file, the key
columns, and every column's type, unit, allowed codes and value range. :func:`load_table`
reads a table with explicit dtypes, checks it against its spec and raises
:class:`FactorTableError` naming the file, row and column when something is wrong. Results
are cached; callers always receive a copy.

Examples
--------
>>> from portcap import factors
>>> "nox_ef" in factors.available_tables()
True
>>> bsfc = factors.load_table("bsfc")
>>> float(bsfc.query("engine == 'propulsion' and engine_type == 'SSD' and fuel == 'mgo'")
...       ["bsfc_g_per_kwh"].iloc[0])
185.0
>>> factors.auxiliary_power_table(method="imo4")
Traceback (most recent call last):
...
ValueError: unknown method 'imo4'; valid names are: 'epa2022', 'starcrest2016'
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic.json_schema import JsonDict

from portcap.errors import InputError

__all__ = [
    "CHE_EQUIPMENT_TYPES",
    "CHE_FUELS",
    "HARBOR_CRAFT_TYPES",
    "HARBOR_CRAFT_ENGINES",
    "HARBOR_CRAFT_FUELS",
    "HARBOR_CRAFT_TIERS",
    "TRUCK_FUELS",
    "TRUCK_MODEL_YEAR_GROUPS",
    "RAIL_DUTIES",
    "RAIL_TIERS",
    "LIGHT_DUTY_FUELS",
    "LIGHT_DUTY_MODEL_YEAR_GROUPS",
    "ENGINES",
    "ENGINE_TYPES",
    "FUELS",
    "GWP_SETS",
    "KNOWN_UNITS",
    "LOCATIONS",
    "MODES",
    "POLLUTANTS",
    "POWER_METHODS",
    "SHIP_TYPES",
    "SIZE_UNITS",
    "TABLE_SPECS",
    "TIERS",
    "ColumnSpec",
    "FactorTableError",
    "TableSpec",
    "auxiliary_power_table",
    "available_tables",
    "boiler_power_table",
    "check_choice",
    "gwp_table",
    "load_table",
    "parameter_value",
    "read_factor_csv",
    "read_table_csv",
    "sourced",
    "sources",
    "table_spec",
    "vessel_defaults_table",
]

# --------------------------------------------------------------------------------------
# Controlled vocabularies (documented in docs/methodology/ships.md)
# --------------------------------------------------------------------------------------
ENGINES: tuple[str, ...] = ("propulsion", "auxiliary", "boiler")
"""Engine roles on a ship (EPA 2022 chapter 3: propulsion, auxiliary engines, boilers)."""

ENGINE_TYPES: tuple[str, ...] = (
    "SSD",
    "MSD",
    "HSD",
    "ST",
    "GT",
    "LNG",
    "MSD-ED",
    "GT-ED",
    "boiler",
)
"""Engine types of EPA 2022 chapter 3 and the EPA ShipEF package (``-ED`` = electric drive)."""

FUELS: tuple[str, ...] = ("mgo", "hfo", "lng")
"""Fuels: ``mgo`` = MGO/MDO distillate, ``hfo`` = RM/HFO residual, ``lng`` = liquefied gas."""

TIERS: tuple[int, ...] = (0, 1, 2, 3)
"""IMO MARPOL Annex VI NOx tiers (Tier 0 = pre-2000 or not tiered)."""

MODES: tuple[str, ...] = ("transit", "maneuvering", "berth", "anchorage")
"""Ship operating modes (EPA 2022 Table 3.11; ShipPowerModel ``calcOperatingMode``)."""

SIZE_UNITS: tuple[str, ...] = ("teu", "dwt", "gt", "passengers")
"""Units of ship size in the auxiliary/boiler power and vessel-default tables."""

LOCATIONS: tuple[str, ...] = ("eca", "outside_eca")
"""Fuel-regime locations: inside or outside an Emission Control Area."""

POWER_METHODS: tuple[str, ...] = ("epa2022", "starcrest2016")
"""Named auxiliary/boiler power parameter sets."""

GWP_SETS: tuple[str, ...] = ("ar5_100", "ar6_100")
"""Named global-warming-potential sets (IPCC AR5 and AR6, 100-year horizon)."""

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
"""Pollutant codes of the emissions table (DESIGN.md)."""

SHIP_TYPES: tuple[str, ...] = (
    "bulk_carrier",
    "chemical_tanker",
    "container",
    "cruise",
    "cruise_ed",
    "ferry_pax",
    "ferry_ro_pax",
    "fishing",
    "general_cargo",
    "liquefied_gas_tanker",
    "misc",
    "offshore",
    "oil_tanker",
    "other_tanker",
    "reefer",
    "ro_ro",
    "service_other",
    "service_tug",
    "tanker",
    "vehicle_carrier",
    "yacht",
)
"""Normalised ship types (IMO GHG3 / EPA 2022 Appendix E names; ``tanker`` and
``cruise_ed`` are Starcrest 2016 classes)."""

# Vocabularies of the other source categories (their modules in portcap.sources use these)
CHE_EQUIPMENT_TYPES: tuple[str, ...] = (
    "yard_tractor",
    "rtg_crane",
    "top_handler",
    "side_handler",
    "forklift",
    "straddle_carrier",
    "other",
)
"""Cargo-handling equipment types."""

CHE_FUELS: tuple[str, ...] = ("diesel", "natural_gas", "propane", "gasoline", "electric")
"""Fuels of cargo-handling equipment (``electric`` = battery)."""

HARBOR_CRAFT_TYPES: tuple[str, ...] = (
    "assist_tug",
    "ocean_tug",
    "ferry",
    "excursion",
    "crew_supply",
    "work_boat",
    "pilot_boat",
    "commercial_fishing",
    "government",
    "other",
)
"""Commercial harbor craft types."""

HARBOR_CRAFT_ENGINES: tuple[str, ...] = ("propulsion", "auxiliary")
"""Engine roles on harbor craft."""

HARBOR_CRAFT_FUELS: tuple[str, ...] = ("diesel", "electric")
"""Fuels of harbor craft."""

HARBOR_CRAFT_TIERS: tuple[str, ...] = ("tier0", "tier1", "tier2", "tier3", "tier4", "ze")
"""Marine engine tiers of harbor craft (``ze`` = electric)."""

TRUCK_FUELS: tuple[str, ...] = ("diesel", "natural_gas", "electric", "hydrogen")
"""Drayage truck fuels."""

TRUCK_MODEL_YEAR_GROUPS: tuple[str, ...] = (
    "pre1994",
    "1994_2006",
    "2007_2009",
    "2010_plus",
    "low_nox",
    "ze",
)
"""Drayage truck model-year groups."""

RAIL_DUTIES: tuple[str, ...] = ("line_haul", "switch")
"""Locomotive duties."""

RAIL_TIERS: tuple[str, ...] = (
    "uncontrolled",
    "tier0",
    "tier0plus",
    "tier1",
    "tier1plus",
    "tier2",
    "tier2plus",
    "tier3",
    "tier4",
    "ze",
)
"""Locomotive emission tiers (``ze`` = zero-emission)."""

LIGHT_DUTY_FUELS: tuple[str, ...] = ("gasoline", "diesel", "hybrid", "electric")
"""Light-duty vehicle fuels."""

LIGHT_DUTY_MODEL_YEAR_GROUPS: tuple[str, ...] = ("pre2004", "2004_2016", "2017_plus")
"""Light-duty model-year groups."""

KNOWN_UNITS: dict[str, str] = {
    "dimensionless": "ratio or coefficient without dimension [-]",
    "pct": "percent [%]",
    "pct_mass": "percent by mass [% m/m]",
    "g_per_kwh": "grams per kilowatt-hour of engine output [g/kWh]",
    "g_per_g_fuel": "grams per gram of fuel burned [g/g]",
    "kg_co2e_per_kg": "kilograms CO2-equivalent per kilogram of gas [kg/kg]",
    "kw": "kilowatt [kW]",
    "kn": "knot [kn]",
    "m": "metre [m]",
    "rpm": "revolutions per minute [1/min]",
    "year": "calendar year [a]",
    "size": "ship size in the unit named by the row's size_unit column",
    "hp": "horsepower (brake) [hp]",
    "h": "hour [h]",
    "g_per_hp_hr": "grams per brake horsepower-hour [g/bhp-hr]",
    "g_per_mile": "grams per vehicle mile travelled [g/mi]",
    "g_per_hour": "grams per hour of operation (e.g. idling) [g/h]",
    "g_per_gal": "grams per US gallon of fuel [g/gal]",
    "hp_hr_per_gal": "brake horsepower-hours per US gallon of fuel [bhp-hr/gal]",
    "mile": "statute mile [mi]",
    "ppm_mass": "parts per million by mass [ppm m/m]",
}
"""Unit codes a factor table may use, with their meaning."""

_DATA_PACKAGE = "portcap.data"
_DATA_FOLDER = "factors"

ColumnKind = Literal["str", "int", "float", "bool", "date"]


class FactorTableError(InputError):
    """A packaged factor table does not match its specification.

    The message names the file, the data row (1-based, header excluded) with its
    line number in the file, the column, and what was expected.
    """


@dataclass(frozen=True)
class ColumnSpec:
    """Specification of one column of a factor table.

    Parameters
    ----------
    name : str
        Column name (snake_case; value columns carry their unit in the name).
    kind : {'str', 'int', 'float', 'bool', 'date'}
        Type the column is parsed into.
    unit : str, optional
        Unit code from :data:`KNOWN_UNITS` for numeric value columns.
    allowed : tuple, optional
        Allowed values (codes) of the column.
    minimum, maximum : float, optional
        Inclusive range of numeric values.
    nullable : bool
        Whether empty cells are allowed.
    """

    name: str
    kind: ColumnKind
    unit: str | None = None
    allowed: tuple[object, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False


@dataclass(frozen=True)
class TableSpec:
    """Specification of one factor table.

    Parameters
    ----------
    name : str
        Table name used by :func:`load_table`.
    file : str
        CSV file name under ``portcap/data/factors``.
    description : str
        One-line description.
    key : tuple of str
        Columns that together identify a row; they must be unique.
    columns : tuple of ColumnSpec
        All columns in file order.
    bins : tuple, optional
        ``(group_columns, lower_column, upper_column)``: half-open bins
        ``[lower, upper)`` that must not overlap within each group.
    has_sources : bool
        Whether the table carries ``source_id`` and ``source_locator`` columns.
    """

    name: str
    file: str
    description: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    bins: tuple[tuple[str, ...], str, str] | None = None
    has_sources: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all columns in file order."""
        return tuple(column.name for column in self.columns)


def _src() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


_TRUCK_RATE_KEYS = (
    ColumnSpec("fuel", "str", allowed=TRUCK_FUELS),
    ColumnSpec("model_year_group", "str", allowed=TRUCK_MODEL_YEAR_GROUPS),
    ColumnSpec("pollutant", "str", allowed=("nox", "hc", "co", "pm10", "co2", "ch4", "n2o")),
)
"""Key columns of the drayage-truck running and idling rate tables."""
_ENGINE = ColumnSpec("engine", "str", allowed=ENGINES)
_ENGINE_TYPE = ColumnSpec("engine_type", "str", allowed=ENGINE_TYPES)
_FUEL = ColumnSpec("fuel", "str", allowed=FUELS)
_TIER = ColumnSpec("tier", "int", allowed=TIERS)
_MODE = ColumnSpec("mode", "str", allowed=MODES)
_METHOD = ColumnSpec("method", "str", allowed=POWER_METHODS)
_SHIP_TYPE = ColumnSpec("ship_type", "str", allowed=SHIP_TYPES)
_SIZE_MIN = ColumnSpec("size_min", "float", unit="size", minimum=0.0)
_SIZE_MAX = ColumnSpec("size_max", "float", unit="size", minimum=0.0, maximum=math.inf)
_SIZE_UNIT = ColumnSpec("size_unit", "str", allowed=SIZE_UNITS)

_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "sources",
        "sources.csv",
        "Bibliography: one row per source_id.",
        key=("source_id",),
        columns=(
            ColumnSpec("source_id", "str"),
            ColumnSpec("citation", "str"),
            ColumnSpec("url", "str", nullable=True),
            ColumnSpec("edition", "str"),
            ColumnSpec("accessed", "date"),
        ),
        has_sources=False,
    ),
    TableSpec(
        "engine_types",
        "engine_types.csv",
        "Engine-type vocabulary with NOx-tier and electric-drive flags.",
        key=("engine_type",),
        columns=(
            _ENGINE_TYPE,
            ColumnSpec("description", "str"),
            ColumnSpec("nox_tiered", "bool"),
            ColumnSpec("electric_drive", "bool"),
            *_src(),
        ),
    ),
    TableSpec(
        "nox_ef",
        "nox_ef.csv",
        "NOx emission factors by engine, engine type, fuel and tier (EPA 2022 §3.5.1, Table 3.5).",
        key=("engine", "engine_type", "fuel", "tier"),
        columns=(
            _ENGINE,
            _ENGINE_TYPE,
            _FUEL,
            _TIER,
            ColumnSpec("nox_ef_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=30.0),
            *_src(),
        ),
    ),
    TableSpec(
        "hc_co_ef",
        "hc_co_ef.csv",
        "HC and CO emission factors by engine and engine type (EPA 2022 chapter 3).",
        key=("engine", "engine_type", "pollutant"),
        columns=(
            _ENGINE,
            _ENGINE_TYPE,
            ColumnSpec("pollutant", "str", allowed=("hc", "co")),
            ColumnSpec("ef_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=10.0),
            *_src(),
        ),
    ),
    TableSpec(
        "pm10_fixed_ef",
        "pm10_fixed_ef.csv",
        "Fixed PM10 emission factors for steam turbines, gas turbines and LNG engines.",
        key=("engine", "engine_type", "fuel"),
        columns=(
            _ENGINE,
            _ENGINE_TYPE,
            _FUEL,
            ColumnSpec("pm10_ef_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=5.0),
            *_src(),
        ),
    ),
    TableSpec(
        "ghg_ef",
        "ghg_ef.csv",
        "CH4 and N2O emission factors by engine and fuel.",
        key=("engine", "fuel", "pollutant"),
        columns=(
            _ENGINE,
            _FUEL,
            ColumnSpec("pollutant", "str", allowed=("ch4", "n2o")),
            ColumnSpec("ef_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=20.0),
            *_src(),
        ),
    ),
    TableSpec(
        "bsfc",
        "bsfc.csv",
        "Brake-specific fuel consumption by engine, engine type and fuel (EPA 2022 Table 3.6).",
        key=("engine", "engine_type", "fuel"),
        columns=(
            _ENGINE,
            _ENGINE_TYPE,
            _FUEL,
            ColumnSpec("bsfc_g_per_kwh", "float", unit="g_per_kwh", minimum=100.0, maximum=400.0),
            *_src(),
        ),
    ),
    TableSpec(
        "bsfc_load_curve",
        "bsfc_load_curve.csv",
        "Coefficients of the load-dependent BSFC parabola (Jalkanen et al. 2012; IMO GHG3).",
        key=("term",),
        columns=(
            ColumnSpec("term", "str", allowed=("quadratic", "linear", "constant")),
            ColumnSpec("coefficient", "float", unit="dimensionless", minimum=-5.0, maximum=5.0),
            *_src(),
        ),
    ),
    TableSpec(
        "carbon_factors",
        "carbon_factors.csv",
        "CO2 emitted per mass of fuel burned, by fuel.",
        key=("fuel",),
        columns=(
            _FUEL,
            ColumnSpec("co2_g_per_g_fuel", "float", unit="g_per_g_fuel", minimum=2.0, maximum=3.5),
            *_src(),
        ),
    ),
    TableSpec(
        "pm_sulfur_coefficients",
        "pm_sulfur_coefficients.csv",
        "Coefficients of the sulfur-dependent PM10 equation for oil fuels.",
        key=("fuel",),
        columns=(
            _FUEL,
            ColumnSpec("pm_nominal_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=2.0),
            ColumnSpec("sulfate_conversion_pct", "float", unit="pct", minimum=0.0, maximum=100.0),
            ColumnSpec(
                "sulfate_to_sulfur_mass_ratio", "float", unit="dimensionless", minimum=1, maximum=10
            ),
            ColumnSpec("nominal_sulfur_pct_mass", "float", unit="pct_mass", minimum=0, maximum=5),
            *_src(),
        ),
    ),
    TableSpec(
        "llaf_coefficients",
        "llaf_coefficients.csv",
        "Low-load adjustment coefficients a, x, b by pollutant (EPA C3 RIA 2009 Eq. 3-26).",
        key=("pollutant",),
        columns=(
            ColumnSpec(
                "pollutant", "str", allowed=("nox", "hc", "co", "pm10", "pm25", "so2", "co2")
            ),
            ColumnSpec("form", "str", allowed=("power", "so2")),
            ColumnSpec("a", "float", unit="dimensionless", minimum=0.0, maximum=1000.0),
            ColumnSpec("x", "float", unit="dimensionless", minimum=0.0, maximum=5.0, nullable=True),
            ColumnSpec("b", "float", unit="dimensionless", minimum=-1000.0, maximum=1000.0),
            *_src(),
        ),
    ),
    TableSpec(
        "fuel_by_location",
        "fuel_by_location.csv",
        "Default fuel by engine, engine type and location (inside or outside an ECA).",
        key=("engine", "engine_type", "location"),
        columns=(
            _ENGINE,
            _ENGINE_TYPE,
            ColumnSpec("location", "str", allowed=LOCATIONS),
            _FUEL,
            *_src(),
        ),
    ),
    TableSpec(
        "sulfur_defaults",
        "sulfur_defaults.csv",
        "Default fuel sulfur content by location, with the date each limit took effect.",
        key=("location",),
        columns=(
            ColumnSpec("location", "str", allowed=LOCATIONS),
            ColumnSpec("sulfur_pct_mass", "float", unit="pct_mass", minimum=0.0, maximum=5.0),
            ColumnSpec("effective_from", "date"),
            *_src(),
        ),
    ),
    TableSpec(
        "dpm_ratio",
        "dpm_ratio.csv",
        "Diesel particulate matter as a fraction of PM10, by engine type and fuel.",
        key=("engine_type", "fuel"),
        columns=(
            _ENGINE_TYPE,
            _FUEL,
            ColumnSpec("dpm_to_pm10_ratio", "float", unit="dimensionless", minimum=0, maximum=1),
            *_src(),
        ),
    ),
    TableSpec(
        "gwp",
        "gwp.csv",
        "Global warming potentials by named set and gas.",
        key=("gwp_set", "pollutant"),
        columns=(
            ColumnSpec("gwp_set", "str", allowed=GWP_SETS),
            ColumnSpec("pollutant", "str", allowed=("co2", "ch4", "n2o")),
            ColumnSpec(
                "gwp_kg_co2e_per_kg", "float", unit="kg_co2e_per_kg", minimum=1.0, maximum=1000.0
            ),
            *_src(),
        ),
    ),
    TableSpec(
        "parameters",
        "parameters.csv",
        "Named scalar parameters of the OGV method, each with unit and citation.",
        key=("parameter",),
        columns=(
            ColumnSpec("parameter", "str"),
            ColumnSpec("value", "float", minimum=-1e6, maximum=1e6),
            ColumnSpec("unit", "str", allowed=tuple(KNOWN_UNITS)),
            ColumnSpec("effective_from", "date", nullable=True),
            *_src(),
        ),
    ),
    TableSpec(
        "tier_breakpoints",
        "tier_breakpoints.csv",
        "NOx tier by keel-laid year for tiered (diesel) engines: [keel_year_min, keel_year_max).",
        key=("tier",),
        columns=(
            ColumnSpec("keel_year_min", "float", unit="year", minimum=-math.inf, maximum=math.inf),
            ColumnSpec("keel_year_max", "float", unit="year", minimum=-math.inf, maximum=math.inf),
            _TIER,
            *_src(),
        ),
        bins=((), "keel_year_min", "keel_year_max"),
    ),
    TableSpec(
        "engine_type_by_stroke",
        "engine_type_by_stroke.csv",
        "Propulsion engine type from the engine's stroke count.",
        key=("stroke",),
        columns=(
            ColumnSpec("stroke", "int", allowed=(2, 4)),
            _ENGINE_TYPE,
            *_src(),
        ),
    ),
    TableSpec(
        "auxiliary_power",
        "auxiliary_power.csv",
        "Auxiliary-engine power by method, ship type, size bin and mode (EPA 2022 Table E.1).",
        key=("method", "ship_type", "size_min", "mode"),
        columns=(
            _METHOD,
            _SHIP_TYPE,
            ColumnSpec("size_class", "str"),
            _SIZE_MIN,
            _SIZE_MAX,
            _SIZE_UNIT,
            _MODE,
            ColumnSpec("power_kw", "float", unit="kw", minimum=0.0, maximum=30000.0),
            *_src(),
        ),
        bins=(("method", "ship_type", "mode"), "size_min", "size_max"),
    ),
    TableSpec(
        "boiler_power",
        "boiler_power.csv",
        "Auxiliary-boiler power by method, ship type, size bin and mode (EPA 2022 Table E.2).",
        key=("method", "ship_type", "size_min", "mode"),
        columns=(
            _METHOD,
            _SHIP_TYPE,
            ColumnSpec("size_class", "str"),
            _SIZE_MIN,
            _SIZE_MAX,
            _SIZE_UNIT,
            _MODE,
            ColumnSpec("power_kw", "float", unit="kw", minimum=0.0, maximum=10000.0),
            *_src(),
        ),
        bins=(("method", "ship_type", "mode"), "size_min", "size_max"),
    ),
    TableSpec(
        "ship_type_crosswalk",
        "ship_type_crosswalk.csv",
        "Input ship type to the ship-type class of each power method's table.",
        key=("method", "ship_type"),
        columns=(
            _METHOD,
            _SHIP_TYPE,
            ColumnSpec("table_ship_type", "str", allowed=SHIP_TYPES),
            *_src(),
        ),
    ),
    TableSpec(
        "vessel_defaults",
        "vessel_defaults.csv",
        "Default propulsion characteristics by ship type and size bin (EPA 2022 Table C.3).",
        key=("ship_type", "size_min"),
        columns=(
            _SHIP_TYPE,
            ColumnSpec("size_class", "str"),
            _SIZE_MIN,
            _SIZE_MAX,
            _SIZE_UNIT,
            ColumnSpec("engine_category", "int", allowed=(1, 2, 3)),
            _ENGINE_TYPE,
            ColumnSpec("main_engine_kw", "float", unit="kw", minimum=100.0, maximum=150000.0),
            ColumnSpec("max_speed_kn", "float", unit="kn", minimum=5.0, maximum=40.0),
            ColumnSpec("max_draft_m", "float", unit="m", minimum=1.0, maximum=30.0),
            *_src(),
        ),
        bins=(("ship_type",), "size_min", "size_max"),
    ),
    TableSpec(
        "ais_ship_types",
        "ais_ship_types.csv",
        "AIS ship-type code (ITU-R M.1371 Table 53) to ship type and ocean-going flag.",
        key=("code_min", "code_max", "min_length_m"),
        columns=(
            ColumnSpec("code_min", "int", minimum=0, maximum=99),
            ColumnSpec("code_max", "int", minimum=0, maximum=99),
            ColumnSpec("ship_type", "str", allowed=SHIP_TYPES, nullable=True),
            ColumnSpec("ocean_going", "bool"),
            ColumnSpec("min_length_m", "float", unit="m", minimum=0.0, maximum=500.0),
            ColumnSpec("description", "str"),
            *_src(),
        ),
    ),
    TableSpec(
        "size_from_length",
        "size_from_length.csv",
        "Typical ship size (TEU, dwt or GT) by ship type and length overall (assumption).",
        key=("ship_type", "length_min_m"),
        columns=(
            _SHIP_TYPE,
            ColumnSpec("length_min_m", "float", unit="m", minimum=0.0),
            ColumnSpec("length_max_m", "float", unit="m", minimum=0.0, maximum=math.inf),
            ColumnSpec("size_value", "float", unit="size", minimum=0.0),
            _SIZE_UNIT,
            *_src(),
        ),
        bins=(("ship_type",), "length_min_m", "length_max_m"),
    ),
    # ---- harbor craft tables (portcap.sources.harbor_craft) ----
    TableSpec(
        "harbor_craft_types",
        "harbor_craft_types.csv",
        "Default engines per craft, rated power, annual hours and load factor by craft type "
        "and engine (assumptions).",
        key=("craft_type", "engine"),
        columns=(
            ColumnSpec(
                "craft_type",
                "str",
                allowed=HARBOR_CRAFT_TYPES,
            ),
            ColumnSpec("engine", "str", allowed=HARBOR_CRAFT_ENGINES),
            ColumnSpec("engines_per_craft", "float", unit="dimensionless", minimum=0, maximum=10),
            ColumnSpec("rated_kw", "float", unit="kw", minimum=1.0, maximum=10000.0),
            ColumnSpec("annual_hours", "float", unit="h", minimum=0.0, maximum=8760.0),
            ColumnSpec("load_factor", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
            *_src(),
        ),
    ),
    TableSpec(
        "harbor_craft_ef",
        "harbor_craft_ef.csv",
        "Harbor-craft (marine Category 1/2) emission factors by tier and pollutant.",
        key=("tier", "pollutant"),
        columns=(
            ColumnSpec("tier", "str", allowed=HARBOR_CRAFT_TIERS),
            ColumnSpec("pollutant", "str", allowed=("nox", "hc", "co", "pm10", "ch4", "n2o")),
            ColumnSpec("ef_g_per_kwh", "float", unit="g_per_kwh", minimum=0.0, maximum=30.0),
            *_src(),
        ),
    ),
    TableSpec(
        "harbor_craft_tier_years",
        "harbor_craft_tier_years.csv",
        "First model year of each EPA marine Category 1/2 tier by rated-power band "
        "[min_rated_kw, max_rated_kw).",
        key=("min_rated_kw", "tier"),
        columns=(
            ColumnSpec("min_rated_kw", "float", unit="kw", minimum=0.0),
            ColumnSpec("max_rated_kw", "float", unit="kw", minimum=0.0, maximum=math.inf),
            ColumnSpec("tier", "str", allowed=("tier0", "tier1", "tier2", "tier3", "tier4")),
            ColumnSpec("first_model_year", "float", unit="year", minimum=-math.inf, maximum=2100.0),
            *_src(),
        ),
        bins=(("tier",), "min_rated_kw", "max_rated_kw"),
    ),
    TableSpec(
        "harbor_craft_fuel_parameters",
        "harbor_craft_fuel_parameters.csv",
        "Fuel-based parameters of harbor-craft engines (BSFC, carbon factor, PM ratios) by fuel.",
        key=("fuel", "parameter"),
        columns=(
            ColumnSpec("fuel", "str", allowed=HARBOR_CRAFT_FUELS),
            ColumnSpec(
                "parameter",
                "str",
                allowed=(
                    "bsfc_g_per_kwh",
                    "co2_g_per_g_fuel",
                    "pm25_to_pm10_ratio",
                    "dpm_to_pm10_ratio",
                ),
            ),
            ColumnSpec("value", "float", minimum=0.0, maximum=1000.0),
            ColumnSpec("unit", "str", allowed=tuple(KNOWN_UNITS)),
            *_src(),
        ),
    ),
    # ---- cargo-handling equipment tables (portcap.sources.cargo_handling) ----
    TableSpec(
        "che_types",
        "che_types.csv",
        "Default rated power, annual hours, load factor and median life by CHE equipment type.",
        key=("equipment_type",),
        columns=(
            ColumnSpec(
                "equipment_type",
                "str",
                allowed=CHE_EQUIPMENT_TYPES,
            ),
            ColumnSpec("rated_hp", "float", unit="hp", minimum=1.0, maximum=3000.0),
            ColumnSpec("annual_hours", "float", unit="h", minimum=0.0, maximum=8784.0),
            ColumnSpec("load_factor", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
            ColumnSpec("median_life_h", "float", unit="h", minimum=100.0, maximum=50000.0),
            *_src(),
        ),
    ),
    TableSpec(
        "che_ef",
        "che_ef.csv",
        "CHE zero-hour emission factors by fuel, tier and pollutant (EPA NONROAD2008a).",
        key=("fuel", "tier", "pollutant"),
        columns=(
            ColumnSpec("fuel", "str", allowed=CHE_FUELS),
            ColumnSpec("tier", "str"),
            ColumnSpec("pollutant", "str", allowed=("nox", "hc", "co", "pm10", "ch4", "n2o")),
            ColumnSpec("ef_g_per_hp_hr", "float", unit="g_per_hp_hr", minimum=0.0, maximum=500.0),
            *_src(),
        ),
    ),
    TableSpec(
        "che_fuel_use",
        "che_fuel_use.csv",
        "CHE brake-specific fuel consumption and certification-fuel sulfur by fuel and tier.",
        key=("fuel", "tier"),
        columns=(
            ColumnSpec("fuel", "str", allowed=CHE_FUELS),
            ColumnSpec("tier", "str"),
            ColumnSpec("bsfc_g_per_hp_hr", "float", unit="g_per_hp_hr", minimum=0.0, maximum=500.0),
            ColumnSpec(
                "cert_sulfur_ppm_mass",
                "float",
                unit="ppm_mass",
                minimum=0.0,
                maximum=5000.0,
                nullable=True,
            ),
            *_src(),
        ),
    ),
    TableSpec(
        "che_deterioration",
        "che_deterioration.csv",
        "CHE deterioration DF = 1 + A * min(age fraction, cap)^b by fuel, tier and pollutant.",
        key=("fuel", "tier", "pollutant"),
        columns=(
            ColumnSpec("fuel", "str", allowed=CHE_FUELS),
            ColumnSpec("tier", "str"),
            ColumnSpec("pollutant", "str", allowed=("nox", "hc", "co", "pm10")),
            ColumnSpec("deterioration_a", "float", unit="dimensionless", minimum=0.0, maximum=10.0),
            ColumnSpec("deterioration_b", "float", unit="dimensionless", minimum=0.1, maximum=5.0),
            ColumnSpec("max_age_fraction", "float", unit="dimensionless", minimum=0.0, maximum=5.0),
            *_src(),
        ),
    ),
    TableSpec(
        "che_fuels",
        "che_fuels.csv",
        "CHE fuel properties: carbon fraction, default sulfur, PM2.5 and DPM shares of PM10.",
        key=("fuel",),
        columns=(
            ColumnSpec("fuel", "str", allowed=CHE_FUELS),
            ColumnSpec("carbon_mass_fraction", "float", unit="dimensionless", minimum=0, maximum=1),
            ColumnSpec(
                "default_sulfur_ppm_mass", "float", unit="ppm_mass", minimum=0.0, maximum=5000.0
            ),
            ColumnSpec("pm25_to_pm10_ratio", "float", unit="dimensionless", minimum=0, maximum=1),
            ColumnSpec("dpm_to_pm10_ratio", "float", unit="dimensionless", minimum=0, maximum=1),
            *_src(),
        ),
    ),
    # ---- truck tables (portcap.sources.trucks) ----
    TableSpec(
        "truck_running_rates",
        "truck_running_rates.csv",
        "Drayage-truck running-exhaust rates by fuel, model-year group and pollutant [g/mi].",
        key=("fuel", "model_year_group", "pollutant"),
        columns=(
            *_TRUCK_RATE_KEYS,
            ColumnSpec(
                "running_g_per_mile", "float", unit="g_per_mile", minimum=0.0, maximum=5000.0
            ),
            *_src(),
        ),
    ),
    TableSpec(
        "truck_idle_rates",
        "truck_idle_rates.csv",
        "Drayage-truck idling-exhaust rates by fuel, model-year group and pollutant [g/h].",
        key=("fuel", "model_year_group", "pollutant"),
        columns=(
            *_TRUCK_RATE_KEYS,
            ColumnSpec("idle_g_per_hour", "float", unit="g_per_hour", minimum=0.0, maximum=20000.0),
            *_src(),
        ),
    ),
    TableSpec(
        "truck_fuel_properties",
        "truck_fuel_properties.csv",
        "Drayage-truck fuels: CO2 per mass of fuel (for SOx) and DPM share of exhaust PM10.",
        key=("fuel",),
        columns=(
            ColumnSpec("fuel", "str", allowed=TRUCK_FUELS),
            ColumnSpec(
                "co2_g_per_g_fuel",
                "float",
                unit="g_per_g_fuel",
                minimum=2.0,
                maximum=3.5,
                nullable=True,
            ),
            ColumnSpec("dpm_to_pm10_ratio", "float", unit="dimensionless", minimum=0, maximum=1),
            *_src(),
        ),
    ),
    # ---- rail tables (portcap.sources.rail) ----
    TableSpec(
        "locomotive_tiers",
        "locomotive_tiers.csv",
        "Locomotive emission tiers (EPA 2009 / 40 CFR 1033) and whether the unit burns diesel.",
        key=("tier",),
        columns=(
            ColumnSpec(
                "tier",
                "str",
                allowed=RAIL_TIERS,
            ),
            ColumnSpec("description", "str"),
            ColumnSpec("diesel_combustion", "bool"),
            *_src(),
        ),
    ),
    TableSpec(
        "locomotive_ef",
        "locomotive_ef.csv",
        "Locomotive NOx, HC, CO, PM10 factors by duty and tier (EPA-420-F-09-025 Tables 1-2).",
        key=("duty", "tier", "pollutant"),
        columns=(
            ColumnSpec("duty", "str", allowed=RAIL_DUTIES),
            ColumnSpec(
                "tier",
                "str",
                allowed=RAIL_TIERS,
            ),
            ColumnSpec("pollutant", "str", allowed=("nox", "hc", "co", "pm10")),
            ColumnSpec("ef_g_per_hp_hr", "float", unit="g_per_hp_hr", minimum=0.0, maximum=30.0),
            *_src(),
        ),
    ),
    TableSpec(
        "locomotive_fuel",
        "locomotive_fuel.csv",
        "Locomotive work per gallon of diesel by duty (EPA-420-F-09-025 Table 3).",
        key=("duty",),
        columns=(
            ColumnSpec("duty", "str", allowed=RAIL_DUTIES),
            ColumnSpec(
                "work_hp_hr_per_gal", "float", unit="hp_hr_per_gal", minimum=5.0, maximum=30.0
            ),
            *_src(),
        ),
    ),
    TableSpec(
        "locomotive_fuel_ef",
        "locomotive_fuel_ef.csv",
        "Locomotive CO2, CH4 and N2O per gallon of diesel burned.",
        key=("pollutant",),
        columns=(
            ColumnSpec("pollutant", "str", allowed=("co2", "ch4", "n2o")),
            ColumnSpec("ef_g_per_gal", "float", unit="g_per_gal", minimum=0.0, maximum=20000.0),
            *_src(),
        ),
    ),
    TableSpec(
        "locomotive_duty_cycle",
        "locomotive_duty_cycle.csv",
        "Locomotive test-cycle weighting factors and notch power (40 CFR 1033.530 Tables 2-3).",
        key=("duty", "notch"),
        columns=(
            ColumnSpec("duty", "str", allowed=RAIL_DUTIES),
            ColumnSpec(
                "notch",
                "str",
                allowed=(
                    "idle",
                    "dynamic_brake",
                    "notch1",
                    "notch2",
                    "notch3",
                    "notch4",
                    "notch5",
                    "notch6",
                    "notch7",
                    "notch8",
                ),
            ),
            ColumnSpec("weighting_factor", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
            ColumnSpec("power_fraction", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
            *_src(),
        ),
    ),
    TableSpec(
        "locomotive_parameters",
        "locomotive_parameters.csv",
        "Named scalar parameters of the locomotive method, each with unit and citation.",
        key=("parameter",),
        columns=(
            ColumnSpec("parameter", "str"),
            ColumnSpec("value", "float", minimum=0.0, maximum=1e5),
            ColumnSpec("unit", "str", allowed=tuple(KNOWN_UNITS)),
            *_src(),
        ),
    ),
    # ---- light-duty vehicle tables (portcap.sources.light_duty) ----
    TableSpec(
        "light_duty_rates",
        "light_duty_rates.csv",
        "Light-duty running-exhaust rates by fuel, model-year group and pollutant [g/mi].",
        key=("fuel", "model_year_group", "pollutant"),
        columns=(
            ColumnSpec("fuel", "str", allowed=LIGHT_DUTY_FUELS),
            ColumnSpec("model_year_group", "str", allowed=LIGHT_DUTY_MODEL_YEAR_GROUPS),
            ColumnSpec(
                "pollutant", "str", allowed=("nox", "hc", "co", "pm10", "co2", "ch4", "n2o")
            ),
            ColumnSpec(
                "running_g_per_mile", "float", unit="g_per_mile", minimum=0.0, maximum=2000.0
            ),
            *_src(),
        ),
    ),
    TableSpec(
        "light_duty_fuel_properties",
        "light_duty_fuel_properties.csv",
        "Light-duty fuels: CO2 per mass of fuel, default fuel sulfur and DPM share of PM10.",
        key=("fuel",),
        columns=(
            ColumnSpec("fuel", "str", allowed=LIGHT_DUTY_FUELS),
            ColumnSpec(
                "co2_g_per_g_fuel",
                "float",
                unit="g_per_g_fuel",
                minimum=2.0,
                maximum=3.5,
                nullable=True,
            ),
            ColumnSpec(
                "fuel_sulfur_ppm",
                "float",
                unit="ppm_mass",
                minimum=0.0,
                maximum=10000.0,
                nullable=True,
            ),
            ColumnSpec("dpm_to_pm10_ratio", "float", unit="dimensionless", minimum=0, maximum=1),
            *_src(),
        ),
    ),
)

TABLE_SPECS: dict[str, TableSpec] = {spec.name: spec for spec in _SPECS}
"""Registry of factor tables: name -> :class:`TableSpec`."""


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def available_tables() -> list[str]:
    """Return the names of all packaged factor tables.

    Returns
    -------
    list of str
        Table names accepted by :func:`load_table`, sorted.

    Examples
    --------
    >>> available_tables()[:3]
    ['ais_ship_types', 'auxiliary_power', 'boiler_power']
    """
    return sorted(TABLE_SPECS)


def table_spec(name: str) -> TableSpec:
    """Return the specification of a factor table.

    Parameters
    ----------
    name : str
        Table name, one of :func:`available_tables`.

    Returns
    -------
    TableSpec
        File, key columns and column specifications of the table.

    Raises
    ------
    ValueError
        If ``name`` is not a known table.
    """
    check_choice(name, TABLE_SPECS, "table")
    return TABLE_SPECS[name]


def load_table(name: str) -> pd.DataFrame:
    """Read, validate and return one packaged factor table.

    Parameters
    ----------
    name : str
        Table name, one of :func:`available_tables`.

    Returns
    -------
    pandas.DataFrame
        The table with explicit dtypes (``str`` codes, ``int64`` tiers, ``float64``
        values, ``bool`` flags). A fresh copy is returned on every call; the validated
        table itself is cached.

    Raises
    ------
    ValueError
        If ``name`` is not a known table.
    FactorTableError
        If the packaged file does not match its specification.

    Examples
    --------
    >>> load_table("carbon_factors")[["fuel", "co2_g_per_g_fuel"]]
      fuel  co2_g_per_g_fuel
    0  mgo             3.206
    1  hfo             3.114
    2  lng             2.750
    """
    check_choice(name, TABLE_SPECS, "table")
    return _load_table_cached(name).copy()


def sources() -> pd.DataFrame:
    """Return the bibliography of the factor tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id, citation, url, edition, accessed``.

    Examples
    --------
    >>> "epa2022_guidance" in set(sources()["source_id"])
    True
    """
    return load_table("sources")


def read_factor_csv(
    path: str | Path, name: str, *, source_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Read and validate a CSV file against the specification of a named table.

    This is the uncached worker behind :func:`load_table`; it is public so that a
    user-supplied replacement table can be checked with the same rules.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV file to read (UTF-8, header row, comma-separated).
    name : str
        Name of the table specification to validate against.
    source_ids : iterable of str, optional
        Known source identifiers. Defaults to those of the packaged ``sources.csv``.

    Returns
    -------
    pandas.DataFrame
        The validated table with explicit dtypes.

    Raises
    ------
    FactorTableError
        Naming the file, row and column of the first problem found.
    """
    spec = table_spec(name)
    path = Path(path)
    if source_ids is None and spec.has_sources:
        source_ids = set(_load_table_cached("sources")["source_id"])
    return _read_and_validate(path, spec, None if source_ids is None else set(source_ids))


def read_table_csv(
    path: str | Path,
    spec: TableSpec,
    *,
    source_ids: Iterable[str] | None = None,
    user_file: bool = False,
) -> pd.DataFrame:
    """Read and validate any CSV file against a :class:`TableSpec`.

    The same rules as the packaged factor tables (types, units, codes, ranges, unique
    keys, bins, source IDs) apply to other tables that portcap reads, such as the
    activity tables of :mod:`portcap.baseline`.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV file to read (UTF-8, header row, comma-separated).
    spec : TableSpec
        The specification to validate against.
    source_ids : iterable of str, optional
        Known source identifiers; defaults to those of the packaged ``sources.csv``.
    user_file : bool, default False
        A file written by a user: columns may come in any order, nullable columns may be
        left out (they are read as empty), and ``source_id``/``source_locator`` may be
        left out or empty. Unknown columns are still an error (they are usually typos).

    Returns
    -------
    pandas.DataFrame
        The validated table with explicit dtypes, columns in the order of ``spec``.

    Raises
    ------
    FactorTableError
        Naming the file, row and column of the first problem found.
    """
    path = Path(path)
    if user_file:
        spec = _user_spec(spec)
    if source_ids is None and spec.has_sources:
        source_ids = set(_load_table_cached("sources")["source_id"])
    return _read_and_validate(
        path,
        spec,
        None if source_ids is None else set(source_ids),
        reorder=user_file,
    )


def _user_spec(spec: TableSpec) -> TableSpec:
    columns = tuple(
        ColumnSpec(c.name, c.kind, c.unit, c.allowed, c.minimum, c.maximum, nullable=True)
        if c.name in ("source_id", "source_locator")
        else c
        for c in spec.columns
    )
    return TableSpec(spec.name, spec.file, spec.description, spec.key, columns, spec.bins, False)


def sourced(source_ids: Sequence[str], tag: str, basis: str) -> JsonDict:
    """Describe where a parameter's default comes from (for ``json_schema_extra``).

    Parameters
    ----------
    source_ids : sequence of str
        Keys into ``sources.csv`` (``portcap_assumption`` for an assumption).
    tag : str
        The reference tag: ``V`` verified, ``V-3p`` third-party copy, ``D`` derived,
        ``R`` recalled (an assumption to confirm).
    basis : str
        The figure taken, the arithmetic, or the range and reasoning of an assumption.

    Returns
    -------
    dict
        ``{"source_ids": [...], "tag": ..., "basis": ...}``.

    Examples
    --------
    >>> sourced(("portcap_assumption",), "R", "range 1-2")["source_ids"]
    ['portcap_assumption']
    """
    return {"source_ids": list(source_ids), "tag": tag, "basis": basis}


def check_choice(value: object, valid: Iterable[object], what: str) -> None:
    """Raise a ``ValueError`` listing the valid names when ``value`` is not one of them.

    Parameters
    ----------
    value : object
        The name given by the caller.
    valid : iterable
        The valid names.
    what : str
        What the name selects (used in the message), e.g. ``"method"``.

    Raises
    ------
    ValueError
        If ``value`` is not in ``valid``.

    Examples
    --------
    >>> check_choice("epa2022", POWER_METHODS, "method")
    >>> check_choice("x", ("a", "b"), "method")
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'x'; valid names are: 'a', 'b'
    """
    valid = tuple(valid)
    if value not in valid:
        names = ", ".join(repr(v) for v in valid)
        raise ValueError(f"unknown {what} {value!r}; valid names are: {names}")


def auxiliary_power_table(method: str = "epa2022") -> pd.DataFrame:
    """Return the auxiliary-engine power table of a named parameter set.

    Parameters
    ----------
    method : {'epa2022', 'starcrest2016'}
        ``'epa2022'``: EPA 2022 Table E.1 (= IMO GHG3 defaults). ``'starcrest2016'``:
        Starcrest, Port of Los Angeles Inventory of Air Emissions 2016.

    Returns
    -------
    pandas.DataFrame
        Rows of ``auxiliary_power`` for that method: ``ship_type, size_class, size_min
        (inclusive), size_max (exclusive), size_unit, mode, power_kw``, sources.

    Raises
    ------
    ValueError
        If ``method`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> table = auxiliary_power_table("epa2022")
    >>> row = table.query("ship_type == 'container' and size_min == 8000 and mode == 'berth'")
    >>> float(row["power_kw"].iloc[0])
    1000.0
    """
    return _method_rows("auxiliary_power", method)


def boiler_power_table(method: str = "epa2022") -> pd.DataFrame:
    """Return the auxiliary-boiler power table of a named parameter set.

    Parameters
    ----------
    method : {'epa2022', 'starcrest2016'}
        ``'epa2022'``: EPA 2022 Table E.2 (= IMO GHG3 defaults). ``'starcrest2016'``:
        Starcrest, Port of Los Angeles Inventory of Air Emissions 2016.

    Returns
    -------
    pandas.DataFrame
        Rows of ``boiler_power`` for that method.

    Raises
    ------
    ValueError
        If ``method`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> table = boiler_power_table("epa2022")
    >>> row = table.query("ship_type == 'container' and size_min == 8000 and mode == 'berth'")
    >>> float(row["power_kw"].iloc[0])
    520.0
    """
    return _method_rows("boiler_power", method)


def vessel_defaults_table() -> pd.DataFrame:
    """Return EPA 2022 Table C.3 default vessel characteristics by ship type and size bin.

    Returns
    -------
    pandas.DataFrame
        Columns ``ship_type, size_class, size_min, size_max, size_unit,
        engine_category, engine_type, main_engine_kw, max_speed_kn, max_draft_m``,
        sources. Size bins are those of the ``epa2022`` auxiliary power table, so a
        vessel can be joined to both on ``ship_type`` and size.

    Examples
    --------
    >>> table = vessel_defaults_table()
    >>> row = table.query("ship_type == 'container' and size_min == 5000")
    >>> float(row["main_engine_kw"].iloc[0]), float(row["max_speed_kn"].iloc[0])
    (55800.0, 26.5)
    """
    return load_table("vessel_defaults")


def gwp_table(gwp_set: str = "ar5_100") -> pd.DataFrame:
    """Return the global warming potentials of a named set.

    Parameters
    ----------
    gwp_set : {'ar5_100', 'ar6_100'}
        IPCC AR5 (Myhre et al. 2013, Table 8.7) or AR6 (Forster et al. 2021,
        Table 7.15) 100-year GWPs.

    Returns
    -------
    pandas.DataFrame
        Columns ``gwp_set, pollutant, gwp_kg_co2e_per_kg``, sources.

    Raises
    ------
    ValueError
        If ``gwp_set`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> gwp_table("ar6_100").set_index("pollutant")["gwp_kg_co2e_per_kg"].to_dict()
    {'co2': 1.0, 'ch4': 29.8, 'n2o': 273.0}
    """
    check_choice(gwp_set, GWP_SETS, "gwp_set")
    table = load_table("gwp")
    return table[table["gwp_set"] == gwp_set].reset_index(drop=True)


def parameter_value(name: str) -> float:
    """Return the value of a named scalar parameter from ``parameters.csv``.

    Parameters
    ----------
    name : str
        Parameter name, e.g. ``'pm25_to_pm10_ratio'``.

    Returns
    -------
    float
        The value, in the unit given by the table's ``unit`` column.

    Raises
    ------
    ValueError
        If ``name`` is not a parameter of the table.

    Examples
    --------
    >>> parameter_value("engine_type_rpm_cutoff")
    500.0
    """
    table = load_table("parameters")
    check_choice(name, tuple(table["parameter"]), "parameter")
    return float(table.loc[table["parameter"] == name, "value"].iloc[0])


# --------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------
def _method_rows(table_name: str, method: str) -> pd.DataFrame:
    check_choice(method, POWER_METHODS, "method")
    table = load_table(table_name)
    return table[table["method"] == method].reset_index(drop=True)


def _packaged_path(spec: TableSpec) -> Path:
    traversable = resources.files(_DATA_PACKAGE).joinpath(_DATA_FOLDER, spec.file)
    return Path(str(traversable))


@functools.cache
def _load_table_cached(name: str) -> pd.DataFrame:
    spec = TABLE_SPECS[name]
    source_ids = set(_load_table_cached("sources")["source_id"]) if spec.has_sources else None
    return _read_and_validate(_packaged_path(spec), spec, source_ids)


def _fail(path: Path, message: str, row: int | None = None, column: str | None = None) -> None:
    where = [f"file {path.name}"]
    if row is not None:
        # row is the 0-based position in the data; the header is line 1
        where.append(f"row {row + 1} (line {row + 2})")
    if column is not None:
        where.append(f"column {column!r}")
    raise FactorTableError(f"{', '.join(where)}: {message}")


def _read_and_validate(
    path: Path, spec: TableSpec, source_ids: set[str] | None, *, reorder: bool = False
) -> pd.DataFrame:
    for column in spec.columns:
        if column.unit is not None and column.unit not in KNOWN_UNITS:
            _fail(path, f"unknown unit {column.unit!r} in table spec", column=column.name)
    if not path.is_file():
        _fail(path, f"file not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    if not records:
        _fail(path, "file is empty")
    header = records[0]
    for position, record in enumerate(records[1:]):
        if len(record) != len(header):
            _fail(path, f"expected {len(header)} fields, got {len(record)}", row=position)
    raw = pd.DataFrame(records[1:], columns=header, dtype=str)
    expected = list(spec.column_names)
    if reorder:
        # user files: any column order; nullable columns may be left out
        header_clean = [name.strip() for name in raw.columns]
        raw.columns = pd.Index(header_clean)
        extra = [c for c in header_clean if c not in expected]
        if extra:
            _fail(path, f"unknown column(s) {extra}; expected columns are {expected}")
        for column in spec.columns:
            if column.name not in raw.columns:
                if not column.nullable:
                    _fail(path, f"required column {column.name!r} is missing")
                raw[column.name] = ""
        raw = raw[expected]
    if list(raw.columns) != expected:
        missing = [c for c in expected if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected]
        _fail(
            path,
            f"expected columns {expected}, got {list(raw.columns)} "
            f"(missing {missing}, unexpected {extra})",
        )
    table = pd.DataFrame(
        {column.name: _parse_column(path, raw[column.name], column) for column in spec.columns}
    )
    _check_unique_key(path, table, spec.key)
    if spec.bins is not None:
        _check_bins(path, table, *spec.bins)
    if spec.has_sources and source_ids is not None:
        unknown = ~table["source_id"].isin(source_ids)
        if unknown.any():
            row = int(np.flatnonzero(unknown.to_numpy())[0])
            _fail(
                path,
                f"source_id {table['source_id'].iloc[row]!r} is not in sources.csv",
                row=row,
                column="source_id",
            )
    return table


def _parse_column(path: Path, text: pd.Series, column: ColumnSpec) -> pd.Series:
    stripped = text.str.strip()
    empty = (stripped == "").to_numpy()
    if empty.any() and not column.nullable:
        _fail(
            path, "expected a value, got an empty cell", int(np.flatnonzero(empty)[0]), column.name
        )
    values: pd.Series
    if column.kind == "str":
        values = stripped.where(~empty, None).astype("str")
    elif column.kind == "bool":
        mapping = {"true": True, "false": False}
        not_bool = ~stripped.str.lower().isin(list(mapping)).to_numpy()
        _fail_first(path, not_bool, stripped, column, "expected 'true' or 'false'")
        values = stripped.str.lower().map(mapping).astype(bool)
    elif column.kind == "date":
        parsed = pd.to_datetime(stripped.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        not_date = parsed.isna().to_numpy() & ~empty
        _fail_first(path, not_date, stripped, column, "expected an ISO date YYYY-MM-DD")
        values = parsed.astype("datetime64[s]")
    else:
        numbers = pd.to_numeric(stripped.where(~empty, None), errors="coerce").astype(float)
        not_number = numbers.isna().to_numpy() & ~empty
        _fail_first(path, not_number, stripped, column, f"expected a number ({column.kind})")
        if column.kind == "int":
            non_integral = np.isfinite(numbers.to_numpy()) & (numbers.to_numpy() % 1 != 0)
            non_integral |= np.isinf(numbers.to_numpy())
            _fail_first(path, non_integral, stripped, column, "expected an integer")
            values = numbers.astype("Int64" if column.nullable else "int64")
        else:
            values = numbers
        _check_range(path, numbers, stripped, column)
    if column.allowed is not None:
        present = values.notna().to_numpy()
        not_allowed = present & ~values.isin(list(column.allowed)).to_numpy()
        allowed = ", ".join(repr(v) for v in column.allowed)
        _fail_first(path, not_allowed, stripped, column, f"expected one of {allowed}")
    return values


def _fail_first(
    path: Path, bad: np.ndarray, text: pd.Series, column: ColumnSpec, expected: str
) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        _fail(path, f"{expected}, got {text.iloc[row]!r}", row, column.name)


def _check_range(path: Path, numbers: pd.Series, text: pd.Series, column: ColumnSpec) -> None:
    values = numbers.to_numpy()
    present = ~np.isnan(values)
    low = -math.inf if column.minimum is None else column.minimum
    high = math.inf if column.maximum is None else column.maximum
    # infinities are accepted only when the range explicitly reaches them
    bad = present & ((values < low) | (values > high))
    if column.maximum is None:
        bad |= present & np.isposinf(values)
    if column.minimum is None:
        bad |= present & np.isneginf(values)
    unit = f" {column.unit}" if column.unit else ""
    _fail_first(path, bad, text, column, f"expected a value in [{low}, {high}]{unit}")


def _check_unique_key(path: Path, table: pd.DataFrame, key: Sequence[str]) -> None:
    duplicated = table.duplicated(subset=list(key), keep="first").to_numpy()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated)[0])
        values = {k: table[k].iloc[row] for k in key}
        _fail(path, f"duplicate key {values} (key columns {list(key)})", row, key[0])


def _check_bins(
    path: Path, table: pd.DataFrame, groups: tuple[str, ...], lower: str, upper: str
) -> None:
    lo = table[lower].to_numpy()
    hi = table[upper].to_numpy()
    empty_bin = ~(lo < hi)
    if empty_bin.any():
        row = int(np.flatnonzero(empty_bin)[0])
        _fail(path, f"expected {lower} < {upper}, got [{lo[row]}, {hi[row]})", row, upper)
    order = table.sort_values([*groups, lower], kind="stable")
    previous_upper = (
        order.groupby(list(groups))[upper].shift(1) if groups else order[upper].shift(1)
    )
    overlap = (order[lower] < previous_upper).to_numpy()
    if overlap.any():
        row = int(order.index[np.flatnonzero(overlap)[0]])
        _fail(path, f"bin [{lo[row]}, {hi[row]}) overlaps the previous bin", row, lower)
