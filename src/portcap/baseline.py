"""Activity sets: the packaged San Pedro Bay baseline, or a user's own activity folder.

An *activity set* is a folder of tidy CSV files that describe what happens at a port
complex in given years: terminals, scalar activity parameters (TEU, truck legs, fuel
sulfur ...), vessel calls, the OGV fleet's keel years, cargo-handling equipment, harbor
craft, the drayage fleet and the locomotive fleet. portcap ships one, the San Pedro Bay
baseline for 2005 and 2023 (``portcap/data/baseline/san_pedro_bay/``); a user passes
their own folder in the same formats (any file left out is taken as empty). Every row
of the packaged set carries a ``source_id`` into ``portcap/data/factors/sources.csv``;
values without a public source are marked ``portcap_assumption`` with their reasoning.

The formats are documented in ``docs/inventory.md``. Every file is read and checked by
the one table loader, :func:`portcap.factors.read_table_csv`: bad codes, missing values
and out-of-range numbers raise :class:`portcap.factors.FactorTableError` naming the file,
row and column; shares that do not add up raise :class:`ActivitySetError` naming the
file and the group.

Examples
--------
>>> from portcap import baseline
>>> sets = baseline.load_activity_set()
>>> sets.years
(2005, 2023)
>>> round(sets.parameter(2023, "POLB", "teu"))
8018668
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, TableSpec
from portcap.sources import cargo_handling, harbor_craft, light_duty, rail, trucks

__all__ = [
    "ACTIVITY_TABLES",
    "PARAMETERS",
    "PORTS",
    "TERMINAL_KINDS",
    "ActivitySet",
    "ActivitySetError",
    "ParameterSpec",
    "default_activity_path",
    "load_activity_set",
]

PORTS: tuple[str, ...] = ("POLA", "POLB")
"""Ports of the San Pedro Bay complex (Port of Los Angeles, Port of Long Beach)."""

TERMINAL_KINDS: tuple[str, ...] = (
    "container",
    "auto",
    "liquid_bulk",
    "dry_bulk",
    "break_bulk",
    "cruise",
    "other",
)
"""Kinds of terminals (container terminals one by one; other cargo as groups)."""


class ActivitySetError(InputError):
    """An activity set is inconsistent (shares that do not sum to one, unknown terminal)."""


@dataclass(frozen=True)
class ParameterSpec:
    """A scalar activity parameter of ``parameters.csv``.

    Parameters
    ----------
    unit : str
        Unit code the row must give.
    minimum, maximum : float
        Inclusive range of valid values.
    description : str
        What the parameter means.
    """

    unit: str
    minimum: float
    maximum: float
    description: str


PARAMETERS: dict[str, ParameterSpec] = {
    "teu": ParameterSpec("teu", 0, 1e9, "containers handled, twenty-foot equivalent units"),
    "teu_per_box": ParameterSpec("teu_per_box", 1, 2.5, "TEU per container (box-size mix)"),
    "truck_legs_per_box": ParameterSpec(
        "legs_per_box", 0, 10, "drayage trip legs per container moved"
    ),
    "truck_legs": ParameterSpec(
        "legs", 0, 1e9, "drayage trip legs counted at the gates (replaces the TEU-based estimate)"
    ),
    "truck_miles_per_leg": ParameterSpec(
        "mile", 0, 500, "average leg length inside the inventory boundary (air basin)"
    ),
    "truck_idle_h_per_leg": ParameterSpec("h", 0, 24, "idling per leg (queues, terminal)"),
    "on_dock_rail_share": ParameterSpec(
        "fraction", 0, 1, "share of TEU loaded on trains at the terminal (no truck leg)"
    ),
    "off_dock_rail_share": ParameterSpec(
        "fraction", 0, 1, "share of TEU drayed to a rail yard outside the terminal"
    ),
    "rail_line_haul_miles": ParameterSpec(
        "mile", 0, 1000, "line-haul distance from the port to the inventory boundary"
    ),
    "rail_switch_locomotives": ParameterSpec("count", 0, 1e4, "switch locomotives serving"),
    "rail_switch_hours_per_locomotive": ParameterSpec(
        "h", 0, 8784, "engine-hours per switch locomotive and year"
    ),
    "rail_switch_rated_hp": ParameterSpec("hp", 0, 10000, "rated power of a switch locomotive"),
    "ogv_fuel_sulfur_pct_mass": ParameterSpec(
        "pct_mass", 0, 5, "sulfur content of the fuel ships burn in the inventory area"
    ),
    "ogv_in_eca": ParameterSpec(
        "flag", 0, 1, "1 when the approach lies in an Emission Control Area, else 0"
    ),
    "ogv_transit_speed_ratio": ParameterSpec(
        "fraction", 0.3, 1, "cruise speed over maximum speed on legs without VSR speed"
    ),
    "vsr_20nmi_compliance": ParameterSpec(
        "fraction", 0, 1, "share of calls at 12 kn within 20 nmi of Point Fermin"
    ),
    "vsr_40nmi_compliance": ParameterSpec(
        "fraction", 0, 1, "share of calls at 12 kn from 40 to 20 nmi of Point Fermin"
    ),
    "diesel_sulfur_ppm_truck": ParameterSpec(
        "ppm_mass", 0, 5000, "sulfur in the diesel of drayage trucks"
    ),
    "diesel_sulfur_ppm_che": ParameterSpec(
        "ppm_mass", 0, 5000, "sulfur in the diesel of cargo-handling equipment"
    ),
    "diesel_sulfur_ppm_harbor_craft": ParameterSpec(
        "ppm_mass", 0, 5000, "sulfur in the diesel of harbor craft"
    ),
    "diesel_sulfur_ppm_locomotive": ParameterSpec(
        "ppm_mass", 0, 5000, "sulfur in the diesel of locomotives (line haul and switch)"
    ),
    **{
        f"renewable_diesel_share_{kind}": ParameterSpec(
            "fraction", 0, 1, f"renewable diesel as a share of the diesel of {what}"
        )
        for kind, what in (
            ("truck", "drayage trucks"),
            ("che", "cargo-handling equipment"),
            ("harbor_craft", "harbor craft"),
            ("locomotive", "locomotives"),
        )
    },
    "light_duty_worker_jobs": ParameterSpec("count", 0, 1e6, "workers driving to terminals"),
    "light_duty_miles_per_trip": ParameterSpec(
        "mile", 0, 500, "one-way car trip inside the inventory boundary"
    ),
    "light_duty_cruise_passengers": ParameterSpec(
        "count", 0, 1e8, "cruise passengers embarking plus disembarking"
    ),
}
"""Scalar parameters an activity set may give in ``parameters.csv``."""

_PARAMETER_UNITS = tuple(sorted({spec.unit for spec in PARAMETERS.values()}))
_PORT_OR_ALL = (*PORTS, "all")


def _src() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


_YEAR = ColumnSpec("year", "int", unit="year", minimum=1990, maximum=2100)
_PORT = ColumnSpec("port", "str", allowed=PORTS)
_TERMINAL = ColumnSpec("terminal", "str", nullable=True)
_SHARE = ColumnSpec("share", "float", unit="dimensionless", minimum=0.0, maximum=1.0)


def _optional(name: str, unit: str, maximum: float = 1e9) -> ColumnSpec:
    return ColumnSpec(name, "float", unit=unit, minimum=0.0, maximum=maximum, nullable=True)


ACTIVITY_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "terminals",
            "terminals.csv",
            "Terminals: container terminals one by one, other cargo as groups per port.",
            key=("terminal",),
            columns=(
                ColumnSpec("terminal", "str"),
                ColumnSpec("name", "str"),
                _PORT,
                ColumnSpec("kind", "str", allowed=TERMINAL_KINDS),
                ColumnSpec("berths", "str", nullable=True),
                _optional("acres", "dimensionless"),
                ColumnSpec(
                    "teu_share",
                    "float",
                    unit="dimensionless",
                    minimum=0.0,
                    maximum=1.0,
                    nullable=True,
                ),
                ColumnSpec("share_method", "str", nullable=True),
                *_src(),
            ),
        ),
        TableSpec(
            "parameters",
            "parameters.csv",
            "Scalar activity parameters by year and port ('all' = both ports).",
            key=("year", "port", "parameter"),
            columns=(
                _YEAR,
                ColumnSpec("port", "str", allowed=_PORT_OR_ALL),
                ColumnSpec("parameter", "str", allowed=tuple(PARAMETERS)),
                ColumnSpec("value", "float", minimum=0.0),
                ColumnSpec("unit", "str", allowed=_PARAMETER_UNITS),
                *_src(),
            ),
        ),
        TableSpec(
            "vessel_calls",
            "vessel_calls.csv",
            "Vessel calls by year, port, terminal (empty: container calls shared among the "
            "port's container terminals by TEU share), ship type and size.",
            key=("year", "port", "terminal", "ship_type", "size_value"),
            columns=(
                _YEAR,
                _PORT,
                _TERMINAL,
                ColumnSpec("ship_type", "str", allowed=factors.SHIP_TYPES),
                ColumnSpec("size_value", "float", unit="size", minimum=0.0),
                ColumnSpec("size_unit", "str", allowed=factors.SIZE_UNITS),
                ColumnSpec("calls", "float", unit="dimensionless", minimum=0.0),
                ColumnSpec("berth_h", "float", unit="h", minimum=0.0, maximum=8784.0),
                ColumnSpec("anchorage_h", "float", unit="h", minimum=0.0, maximum=8784.0),
                ColumnSpec(
                    "shore_power_share", "float", unit="dimensionless", minimum=0.0, maximum=1.0
                ),
                *_src(),
            ),
        ),
        TableSpec(
            "ogv_fleet",
            "ogv_fleet.csv",
            "Share of calls by keel-laid year (hence IMO NOx tier), by year and ship type "
            "('all' = every type without its own rows).",
            key=("year", "ship_type", "keel_year"),
            columns=(
                _YEAR,
                ColumnSpec("ship_type", "str", allowed=(*factors.SHIP_TYPES, "all")),
                ColumnSpec("keel_year", "int", unit="year", minimum=1900, maximum=2100),
                _SHARE,
                *_src(),
            ),
        ),
        TableSpec(
            "equipment",
            "equipment.csv",
            "Cargo-handling equipment by year, port, terminal (empty: the port's container "
            "terminals by TEU share), type, fuel and tier.",
            key=("year", "port", "terminal", "equipment_type", "fuel", "tier", "model_year"),
            columns=(
                _YEAR,
                _PORT,
                _TERMINAL,
                ColumnSpec("equipment_type", "str", allowed=cargo_handling.EQUIPMENT_TYPES),
                ColumnSpec("fuel", "str", allowed=cargo_handling.FUELS),
                ColumnSpec("tier", "str", allowed=cargo_handling.TIERS),
                ColumnSpec(
                    "model_year", "int", unit="year", minimum=1950, maximum=2100, nullable=True
                ),
                ColumnSpec("count", "float", unit="dimensionless", minimum=0.0),
                _optional("rated_hp", "hp", 5000.0),
                _optional("annual_hours", "h", 8784.0),
                _optional("load_factor", "dimensionless", 1.0),
                *_src(),
            ),
        ),
        TableSpec(
            "harbor_craft",
            "harbor_craft.csv",
            "Commercial harbor craft by year, port, type, engine role, fuel and tier.",
            key=("year", "port", "craft_type", "engine", "fuel", "tier"),
            columns=(
                _YEAR,
                _PORT,
                ColumnSpec("craft_type", "str", allowed=harbor_craft.CRAFT_TYPES),
                ColumnSpec("engine", "str", allowed=harbor_craft.ENGINES),
                ColumnSpec("fuel", "str", allowed=harbor_craft.FUELS),
                ColumnSpec("tier", "str", allowed=harbor_craft.TIERS),
                ColumnSpec("count", "float", unit="dimensionless", minimum=0.0),
                _optional("engines_per_craft", "dimensionless", 10.0),
                _optional("rated_kw", "kw", 20000.0),
                _optional("annual_hours", "h", 8784.0),
                _optional("load_factor", "dimensionless", 1.0),
                *_src(),
            ),
        ),
        TableSpec(
            "truck_fleet",
            "truck_fleet.csv",
            "Drayage fleet: share of truck legs by model-year group and fuel.",
            key=("year", "port", "model_year_group", "fuel"),
            columns=(
                _YEAR,
                _PORT,
                ColumnSpec("model_year_group", "str", allowed=trucks.MODEL_YEAR_GROUPS),
                ColumnSpec("fuel", "str", allowed=trucks.FUELS),
                _SHARE,
                *_src(),
            ),
        ),
        TableSpec(
            "rail_fleet",
            "rail_fleet.csv",
            "Locomotive fleet: share of fuel burned by duty and tier.",
            key=("year", "port", "duty", "tier"),
            columns=(
                _YEAR,
                _PORT,
                ColumnSpec("duty", "str", allowed=rail.DUTIES),
                ColumnSpec("tier", "str", allowed=rail.TIERS),
                _SHARE,
                *_src(),
            ),
        ),
        TableSpec(
            "light_duty_fleet",
            "light_duty_fleet.csv",
            "Workers' and cruise passengers' cars: share of trips by fuel and model-year group.",
            key=("year", "port", "fuel", "model_year_group"),
            columns=(
                _YEAR,
                _PORT,
                ColumnSpec("fuel", "str", allowed=light_duty.FUELS),
                ColumnSpec("model_year_group", "str", allowed=light_duty.MODEL_YEAR_GROUPS),
                _SHARE,
                *_src(),
            ),
        ),
        TableSpec(
            "published",
            "published.csv",
            "Published figures the model is reconciled with by `portcap validate`.",
            key=("check", "port", "pollutant", "year_from", "year_to"),
            columns=(
                ColumnSpec("check", "str"),
                ColumnSpec("port", "str", allowed=_PORT_OR_ALL),
                ColumnSpec("pollutant", "str", allowed=factors.POLLUTANTS, nullable=True),
                ColumnSpec("year_from", "int", unit="year", minimum=1990, maximum=2100),
                ColumnSpec("year_to", "int", unit="year", minimum=1990, maximum=2100),
                ColumnSpec("published", "float"),
                ColumnSpec("unit", "str", allowed=("pct", "teu", "short_tons")),
                ColumnSpec("tolerance", "float", minimum=0.0),
                *_src(),
            ),
        ),
    )
}
"""Specifications of the files of an activity set (all optional in a user's folder)."""

# groups whose shares must add up to one: table -> group columns
_SHARE_GROUPS: dict[str, tuple[str, ...]] = {
    "ogv_fleet": ("year", "ship_type"),
    "truck_fleet": ("year", "port"),
    "rail_fleet": ("year", "port", "duty"),
    "light_duty_fleet": ("year", "port"),
}
_SHARE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ActivitySet:
    """The tables of an activity set (empty DataFrames for files a folder leaves out).

    Attributes
    ----------
    path : pathlib.Path
        The folder read.
    tables : dict of str to DataFrame
        One validated table per name of :data:`ACTIVITY_TABLES`, each with a
        ``source_row`` column (1-based data row in its file).
    """

    path: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return a copy of table ``name``."""
        factors.check_choice(name, ACTIVITY_TABLES, "activity table")
        return self.tables[name].copy()

    @property
    def years(self) -> tuple[int, ...]:
        """Years for which the set gives activity (sorted)."""
        years: set[int] = set()
        for name, table in self.tables.items():
            if name not in ("terminals", "published") and len(table):
                years.update(int(y) for y in table["year"].unique())
        return tuple(sorted(years))

    def parameter(self, year: int, port: str, name: str) -> float:
        """Return a scalar parameter for a year and port (port-specific, else ``all``).

        Raises
        ------
        ActivitySetError
            When neither the port nor ``all`` gives the parameter for that year.
        """
        table = self.tables["parameters"]
        rows = table[(table["year"] == year) & (table["parameter"] == name)]
        for candidate in (port, "all"):
            match = rows[rows["port"] == candidate]
            if len(match):
                return float(match["value"].iloc[0])
        raise ActivitySetError(
            f"{self.path / 'parameters.csv'}: no value of parameter {name!r} for year {year} "
            f"and port {port!r} (or 'all'); add a row: {year},{port},{name},<value>,"
            f"{PARAMETERS[name].unit},<source_id>,<where>"
        )

    def terminal_shares(self, port: str) -> pd.Series:
        """Container terminals of a port and their share of its TEU (sums to one)."""
        terminals = self.tables["terminals"]
        mine = terminals[(terminals["port"] == port) & (terminals["kind"] == "container")]
        return pd.Series(
            mine["teu_share"].to_numpy(dtype=float), index=mine["terminal"], name="teu_share"
        )


def default_activity_path() -> Path:
    """Return the folder of the packaged San Pedro Bay baseline."""
    return Path(str(resources.files("portcap.data").joinpath("baseline", "san_pedro_bay")))


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, user: bool, stamp: tuple[tuple[str, int, int], ...]) -> ActivitySet:
    # ``stamp`` (file names, modification times and sizes) makes an edited file reload
    tables: dict[str, pd.DataFrame] = {}
    for name, spec in ACTIVITY_TABLES.items():
        file = path / spec.file
        if file.is_file():
            table = factors.read_table_csv(file, spec, user_file=user)
        else:
            table = pd.DataFrame({c.name: pd.Series(dtype=object) for c in spec.columns})
        table.insert(len(table.columns), "source_row", range(1, len(table) + 1))
        tables[name] = table
    activity = ActivitySet(path, tables)
    _check(activity)
    return activity


def load_activity_set(path: str | Path | None = None) -> ActivitySet:
    """Read and check an activity set.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A folder with any of the files of :data:`ACTIVITY_TABLES`. Default: the packaged
        San Pedro Bay baseline.

    Returns
    -------
    ActivitySet

    Raises
    ------
    InputError
        If the folder does not exist or holds none of the files.
    portcap.factors.FactorTableError
        For a bad cell (naming file, row and column).
    ActivitySetError
        For shares that do not sum to one, units that do not match a parameter, or
        terminals not listed in ``terminals.csv``.
    """
    user = path is not None
    folder = Path(path) if path is not None else default_activity_path()
    if not folder.is_dir():
        raise InputError(f"{folder}: activity folder not found")
    known = {spec.file for spec in ACTIVITY_TABLES.values()}
    present = {p.name for p in folder.iterdir()} & known
    if not present:
        raise InputError(
            f"{folder}: none of the activity files found; expected any of {sorted(known)}"
        )
    stamp = tuple(
        (name, (folder / name).stat().st_mtime_ns, (folder / name).stat().st_size)
        for name in sorted(present)
    )
    return _load_cached(folder.resolve(), user, stamp)


def _check(activity: ActivitySet) -> None:
    folder = activity.path
    parameters = activity.tables["parameters"]
    for row in parameters.to_dict("records"):
        spec = PARAMETERS[str(row["parameter"])]
        where = f"{folder / 'parameters.csv'}, row {row['source_row']}: parameter"
        if row["unit"] != spec.unit:
            raise ActivitySetError(
                f"{where} {row['parameter']!r} must be given in {spec.unit!r}, got {row['unit']!r}"
            )
        if not spec.minimum <= float(row["value"]) <= spec.maximum:
            raise ActivitySetError(
                f"{where} {row['parameter']!r} = {row['value']} is outside "
                f"[{spec.minimum}, {spec.maximum}]"
            )
    for name, groups in _SHARE_GROUPS.items():
        table = activity.tables[name]
        if table.empty:
            continue
        sums = table.groupby(list(groups))["share"].sum()
        bad = sums[(sums - 1.0).abs() > _SHARE_TOLERANCE]
        if len(bad):
            first = bad.index[0] if len(groups) > 1 else (bad.index[0],)
            key = dict(zip(groups, first, strict=True))
            raise ActivitySetError(
                f"{folder / ACTIVITY_TABLES[name].file}: shares for {key} add up to "
                f"{bad.iloc[0]:.4f}, expected 1"
            )
    terminals = activity.tables["terminals"]
    container = terminals[terminals["kind"] == "container"]
    for port, shares in container.groupby("port")["teu_share"]:
        if shares.isna().any() or abs(float(shares.sum()) - 1.0) > _SHARE_TOLERANCE:
            raise ActivitySetError(
                f"{folder / 'terminals.csv'}: container terminals of {port} need a teu_share "
                f"each, adding up to 1 (got {float(shares.sum()):.4f})"
            )
    known = set(terminals["terminal"])
    for name in ("vessel_calls", "equipment"):
        table = activity.tables[name]
        named = table[table["terminal"].notna()] if len(table) else table
        unknown = named[~named["terminal"].isin(known)] if len(named) else named
        if len(unknown):
            first_row = unknown.to_dict("records")[0]
            raise ActivitySetError(
                f"{folder / ACTIVITY_TABLES[name].file}, row {first_row['source_row']}, column "
                f"'terminal': terminal {first_row['terminal']!r} is not in terminals.csv"
            )
