r"""The whole-port inventory: every mobile source of an activity set, by terminal.

:func:`port_inventory` turns an activity set (:mod:`portcap.baseline`) into the tidy
emissions table of ``DESIGN.md``::

    year, port, terminal, source, mode, engine, pollutant, mass_tonnes

for the five source categories of the ports' inventories (``ogv``, ``harbor_craft``,
``cargo_handling``, ``truck``, ``rail``) and, when asked, ``light_duty``. The physics of
each category lives in :mod:`portcap.sources`; this module only builds each category's
activity from the set and attributes the result to terminals:

* **ships** by the terminal of the call (container calls given for a port as a whole
  are shared among its container terminals by TEU share);
* **cargo-handling equipment** by the terminal it works at (port-level rows by TEU share);
* **assist tugs** by the terminals' share of the port's vessel calls; other harbor craft
  to ``other``;
* **trucks and trains** by the terminals' share of the port's container TEU;
* **workers' cars** by TEU share, **cruise passengers' cars** to the cruise terminals.

Nothing is dropped: activity without a terminal goes to terminal ``other`` and is
counted in :attr:`PortInventory.attribution`.

The columns ``mode`` and ``engine`` carry each category's natural split: for ships the
operating mode and the engine role; for harbor craft the craft type and engine role; for
cargo-handling equipment the equipment type and fuel; for trucks the process (running,
idling) and the fleet group; for rail the duty (line haul, switch) and the tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from portcap import calls as calls_module
from portcap import factors, inventory, units, vessels
from portcap.baseline import PORTS, ActivitySet, ActivitySetError, load_activity_set
from portcap.errors import InputError
from portcap.sources import cargo_handling, fuels, harbor_craft, light_duty, rail, trucks

__all__ = [
    "EMISSIONS_COLUMNS",
    "SOURCES",
    "InventoryOptions",
    "PortInventory",
    "port_inventory",
]

SOURCES: tuple[str, ...] = (
    "ogv",
    "harbor_craft",
    "cargo_handling",
    "truck",
    "rail",
    "light_duty",
)
"""Source categories of the emissions table (``DESIGN.md``)."""

DEFAULT_SOURCES: tuple[str, ...] = SOURCES[:5]
"""The ports' inventory categories; ``light_duty`` is off by default (outside their scope)."""

EMISSIONS_COLUMNS: tuple[str, ...] = (
    "year",
    "port",
    "terminal",
    "source",
    "mode",
    "engine",
    "pollutant",
    "mass_tonnes",
)
"""Columns of the emissions table (``DESIGN.md``); mass in metric tonnes."""

OTHER = "other"
"""Terminal label of activity that belongs to no terminal."""


class InventoryOptions(BaseModel):
    """Choices of the whole-port inventory (each a documented method or assumption)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: tuple[str, ...] = DEFAULT_SOURCES
    """Source categories to include (``light_duty`` is off by default)."""
    gwp_set: str = "ar5_100"
    """Named GWP set for CO2e (``factors.GWP_SETS``)."""
    power_method: str = "epa2022"
    """Auxiliary/boiler power set for ships (``factors.POWER_METHODS``)."""
    tugs_per_call: float = Field(default=2.0, ge=0)
    """Assist tugs per ship movement (harbor_craft.assist_tug_hours)."""
    che_load_factor_scale: float = Field(default=1.0, gt=0)
    """Scale on CHE load factors (in-use studies measured about 0.5)."""
    che_in_use_nox_multiplier: float = Field(default=1.0, gt=0)
    """In-use over certification NOx of CHE (in-use study: 2.7)."""
    che_in_use_pm_multiplier: float = Field(default=1.0, gt=0)
    """In-use over certification PM of CHE (in-use study: 2.2)."""


@dataclass(frozen=True)
class PortInventory:
    """Result of :func:`port_inventory`.

    Attributes
    ----------
    emissions : DataFrame
        The emissions table (:data:`EMISSIONS_COLUMNS`).
    activity : DataFrame
        The activity behind it: ``year, port, source, quantity, value, unit``
        (TEU, calls, truck legs and miles, rail fuel, equipment count ...).
    attribution : dict
        Rows of activity attributed to ``other`` by reason (never dropped).
    fills : dict
        Counts of values filled from defaults, by table and field.
    fill_rows : dict
        The file rows (1-based data rows) of each fill in ``fills``, where the table has
        rows in a file.
    """

    emissions: pd.DataFrame
    activity: pd.DataFrame
    attribution: dict[str, int] = field(default_factory=dict)
    fills: dict[str, int] = field(default_factory=dict)
    fill_rows: dict[str, list[int]] = field(default_factory=dict)


def port_inventory(
    year: int,
    *,
    ports: Sequence[str] | str = "all",
    activity_set: ActivitySet | None = None,
    options: InventoryOptions | None = None,
    ships: pd.DataFrame | None = None,
) -> PortInventory:
    """Emissions of all mobile sources of the port complex in one year.

    Parameters
    ----------
    year : int
        A year the activity set covers (the packaged baseline: 2005 and 2023).
    ports : str or sequence of str, default 'all'
        ``'POLA'``, ``'POLB'``, ``'all'`` or a list of them.
    activity_set : ActivitySet, optional
        Default: the packaged San Pedro Bay baseline.
    options : InventoryOptions, optional
        Methods and assumptions.
    ships : DataFrame, optional
        A ship emissions table from ``portcap ships`` (AIS or calls: ``mmsi, mode,
        engine, pollutant, mass_kg, terminal``) to use for the ``ogv`` source instead of
        the activity set's vessel calls. Rows are given to the port of their terminal
        code (``POLA_...``, ``POLB_...``); rows without one (at sea, at anchorage) are
        shared between the ports in proportion to the ports' own ship emissions and
        counted in ``attribution``.

    Returns
    -------
    PortInventory

    Raises
    ------
    InputError
        If the year is not in the activity set or a port is unknown.

    Examples
    --------
    >>> result = port_inventory(2023)
    >>> sorted(result.emissions["source"].unique())
    ['cargo_handling', 'harbor_craft', 'ogv', 'rail', 'truck']
    """
    activity_set = activity_set or load_activity_set()
    options = options or InventoryOptions()
    for source in options.sources:
        factors.check_choice(source, SOURCES, "source")
    port_list = _ports(ports)
    if year not in activity_set.years:
        raise InputError(
            f"year {year} is not in the activity set at {activity_set.path}; "
            f"available years: {', '.join(str(y) for y in activity_set.years)}"
        )
    builders = {
        "ogv": _ogv,
        "harbor_craft": _harbor_craft,
        "cargo_handling": _cargo_handling,
        "truck": _trucks,
        "rail": _rail,
        "light_duty": _light_duty,
    }
    frames: list[pd.DataFrame] = []
    activity_rows: list[dict[str, object]] = []
    attribution: dict[str, int] = {}
    fills: dict[str, int] = {}
    fill_rows: dict[str, list[int]] = {}
    context = _Context(activity_set, year, options, activity_rows, attribution, fills, fill_rows)
    ships_by_port = _ships_by_port(ships, context) if ships is not None else None
    for port in port_list:
        if _has_parameter(context, port, "teu"):
            activity_rows.append(_activity_row(year, port, "all", "teu", context.teu(port), "teu"))
        for source in options.sources:
            if source == "ogv" and ships_by_port is not None:
                part = ships_by_port.get(port, pd.DataFrame())
            else:
                part = builders[source](context, port)
            if len(part):
                part = part.assign(year=year, port=port, source=source)
                frames.append(part)
    emissions = _finish(frames)
    return PortInventory(emissions, pd.DataFrame(activity_rows), attribution, fills, fill_rows)


# --------------------------------------------------------------------------------------
# Shared context
# --------------------------------------------------------------------------------------
@dataclass
class _Context:
    activity_set: ActivitySet
    year: int
    options: InventoryOptions
    activity_rows: list[dict[str, object]]
    attribution: dict[str, int]
    fills: dict[str, int]
    fill_rows: dict[str, list[int]]

    def parameter(self, port: str, name: str) -> float:
        return self.activity_set.parameter(self.year, port, name)

    def renewable_share(self, port: str, source: str) -> float:
        """Renewable diesel share of a source's diesel (0 when the set does not say)."""
        name = f"renewable_diesel_share_{source}"
        return self.parameter(port, name) if _has_parameter(self, port, name) else 0.0

    def teu(self, port: str) -> float:
        return self.parameter(port, "teu")

    def boxes(self, port: str) -> float:
        return self.teu(port) / self.parameter(port, "teu_per_box")

    def table(self, name: str, port: str | None = None) -> pd.DataFrame:
        table = self.activity_set[name]
        if table.empty:
            return table
        table = table[table["year"] == self.year]
        if port is not None:
            table = table[table["port"] == port]
        return table.reset_index(drop=True)

    def terminal_shares(self, port: str) -> pd.Series:
        shares = self.activity_set.terminal_shares(port)
        if shares.empty:
            self.count(f"{port}: no container terminals listed, TEU-based sources to other")
            return pd.Series([1.0], index=[OTHER], name="teu_share")
        return shares

    def count(self, reason: str, n: int = 1) -> None:
        self.attribution[reason] = self.attribution.get(reason, 0) + n

    def record(self, port: str, source: str, quantity: str, value: float, unit: str) -> None:
        self.activity_rows.append(_activity_row(self.year, port, source, quantity, value, unit))

    def note_fills(self, table: str, filled: pd.Series, rows: pd.Series | None = None) -> None:
        positions = np.flatnonzero((filled.astype(str) != "").to_numpy())
        for position in positions:
            for name in str(filled.iloc[position]).split(","):
                key = f"{table}: {name.strip()}"
                self.fills[key] = self.fills.get(key, 0) + 1
                if rows is not None:
                    self.fill_rows.setdefault(key, []).append(int(rows.iloc[position]))


def _activity_row(
    year: int, port: str, source: str, quantity: str, value: float, unit: str
) -> dict[str, object]:
    return {
        "year": year,
        "port": port,
        "source": source,
        "quantity": quantity,
        "value": float(value),
        "unit": unit,
    }


def _ports(ports: Sequence[str] | str) -> list[str]:
    names = [ports] if isinstance(ports, str) else list(ports)
    out: list[str] = []
    for name in names:
        if name == "all":
            out.extend(PORTS)
        elif name in PORTS:
            out.append(name)
        else:
            raise InputError(f"unknown port {name!r}; valid names are: {', '.join(PORTS)}, all")
    return list(dict.fromkeys(out))


def _spread(frame: pd.DataFrame, weights: pd.Series, mass_column: str = "mass_g") -> pd.DataFrame:
    """Repeat every row once per terminal of ``weights`` with the mass scaled."""
    terminal = np.repeat(weights.index.to_numpy(dtype=object)[None, :], len(frame), axis=0)
    scale = np.repeat(weights.to_numpy(dtype=float)[None, :], len(frame), axis=0)
    out = frame.loc[frame.index.repeat(len(weights))].reset_index(drop=True)
    out["terminal"] = terminal.ravel()
    out[mass_column] = out[mass_column].to_numpy(dtype=float) * scale.ravel()
    return out


def _finish(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EMISSIONS_COLUMNS})
    table = pd.concat(frames, ignore_index=True)
    table["mass_tonnes"] = table["mass_g"].to_numpy(dtype=float) / units.G_PER_TONNE
    table["terminal"] = table["terminal"].fillna(OTHER).astype(str)
    keys = [c for c in EMISSIONS_COLUMNS if c != "mass_tonnes"]
    table = table.groupby(keys, as_index=False, sort=True).agg(mass_tonnes=("mass_tonnes", "sum"))
    pollutant_order = {p: i for i, p in enumerate(factors.POLLUTANTS)}
    table["_p"] = table["pollutant"].map(pollutant_order)
    table = table.sort_values(["year", "port", "terminal", "source", "mode", "engine", "_p"])
    return table.drop(columns="_p").reset_index(drop=True)[list(EMISSIONS_COLUMNS)]


# --------------------------------------------------------------------------------------
# Ships (EPA 2022 call method through portcap.calls and portcap.inventory)
# --------------------------------------------------------------------------------------
def _call_classes(context: _Context, port: str) -> pd.DataFrame:
    """Vessel-call classes with their terminal, keel year and shore-power split."""
    table = context.table("vessel_calls", port)
    if table.empty:
        return table
    given = table[table["terminal"].notna()]
    shared = table[table["terminal"].isna()]
    pieces = [given]
    if len(shared):
        not_container = shared[shared["ship_type"] != "container"]
        if len(not_container):
            context.count(
                "vessel_calls rows without terminal (not container ships): to other",
                len(not_container),
            )
            pieces.append(not_container.assign(terminal=OTHER))
        container = shared[shared["ship_type"] == "container"]
        if len(container):
            spread = _spread(container, context.terminal_shares(port), mass_column="calls")
            pieces.append(spread)
    classes = pd.concat(pieces, ignore_index=True)
    fleet = context.table("ogv_fleet")
    if fleet.empty:
        raise ActivitySetError(
            f"{context.activity_set.path / 'ogv_fleet.csv'}: no keel-year mix for {context.year}"
        )
    own = fleet[fleet["ship_type"] != "all"]
    generic = fleet[fleet["ship_type"] == "all"]
    with_own = classes[classes["ship_type"].isin(own["ship_type"])]
    without = classes[~classes["ship_type"].isin(own["ship_type"])]
    merged = pd.concat(
        [
            with_own.merge(own[["ship_type", "keel_year", "share"]], on="ship_type"),
            without.merge(generic[["keel_year", "share"]], how="cross"),
        ],
        ignore_index=True,
    )
    if len(merged) == 0 and len(classes):
        raise ActivitySetError(
            f"{context.activity_set.path / 'ogv_fleet.csv'}: no keel-year mix covers the "
            f"ship types of {context.year}"
        )
    merged["calls"] = merged["calls"] * merged["share"]
    plugged = merged.assign(shore_power=True, calls=merged["calls"] * merged["shore_power_share"])
    unplugged = merged.assign(
        shore_power=False, calls=merged["calls"] * (1.0 - merged["shore_power_share"])
    )
    out = pd.concat([plugged, unplugged], ignore_index=True)
    return out[out["calls"] > 0].reset_index(drop=True)


def _ogv(context: _Context, port: str) -> pd.DataFrame:
    classes = _call_classes(context, port)
    if classes.empty:
        return pd.DataFrame()
    context.record(port, "ogv", "vessel_calls", float(classes["calls"].sum()), "calls")
    design = ["ship_type", "size_value", "size_unit", "keel_year"]
    designs = classes[design].drop_duplicates().reset_index(drop=True)
    designs["mmsi"] = np.arange(1, len(designs) + 1, dtype=np.int64)
    classes = classes.merge(designs, on=design, how="left")
    user = pd.DataFrame(dict.fromkeys(vessels.VESSEL_COLUMNS, np.nan), index=designs.index)
    user = user.astype(object)
    for column in ("mmsi", "ship_type", "size_value", "size_unit", "keel_year"):
        user[column] = designs[column].to_numpy()
    for column in ("size_value", "keel_year", "imo", "main_engine_kw", "max_speed_kn"):
        user[column] = pd.to_numeric(user[column]).astype(float)
    user["mmsi"] = designs["mmsi"].to_numpy()
    user["shore_power"] = None
    fleet = vessels.build_vessel_table(designs["mmsi"], user_vessels=user).vessels
    context.note_fills("ogv vessel designs", fleet["filled"].astype(str).str.replace(";", ","))

    arrival = pd.Timestamp(f"{context.year}-07-01")
    hour = pd.Timedelta(hours=1)
    call_table = pd.DataFrame(
        {
            "vessel_id": classes["mmsi"].to_numpy(),
            "terminal": classes["terminal"].to_numpy(dtype=object),
            "arrival": arrival,
            "departure": arrival + classes["berth_h"].to_numpy(dtype=float) * hour,
            "anchorage_h": classes["anchorage_h"].to_numpy(dtype=float),
            "shore_power": classes["shore_power"].to_numpy(dtype=bool),
            "source_row": np.arange(len(classes)),
        }
    )
    legs = calls_module.CallLegParameters(
        vsr_20nmi_compliance=context.parameter(port, "vsr_20nmi_compliance"),
        vsr_40nmi_compliance=context.parameter(port, "vsr_40nmi_compliance"),
        transit_speed_ratio=(
            context.parameter(port, "ogv_transit_speed_ratio")
            if _has_parameter(context, port, "ogv_transit_speed_ratio")
            else calls_module.CallLegParameters().transit_speed_ratio
        ),
    )
    max_speed = fleet.set_index("mmsi")["max_speed_kn"]
    activity = calls_module.call_activity(call_table, max_speed, legs)
    # one representative call per class, weighted by the number of calls (emissions are
    # linear in time at a given speed, so scaling the durations is exact)
    weight = classes["calls"].to_numpy(dtype=float)[activity["call_row"].to_numpy(dtype=int)]
    activity["duration_h"] = activity["duration_h"].to_numpy(dtype=float) * weight
    in_eca = context.parameter(port, "ogv_in_eca") >= 0.5
    activity["in_eca"] = in_eca
    sulfur = context.parameter(port, "ogv_fuel_sulfur_pct_mass")
    method = inventory.ShipMethod(
        power_method=context.options.power_method,
        gwp_set=context.options.gwp_set,
        eca_sulfur_pct_mass=sulfur,
        global_sulfur_pct_mass=sulfur,
    )
    result = inventory.ogv_emissions(activity, fleet, method=method)
    ships = result.emissions
    return pd.DataFrame(
        {
            "terminal": ships["terminal"].to_numpy(dtype=object),
            "mode": ships["mode"].to_numpy(dtype=object),
            "engine": ships["engine"].to_numpy(dtype=object),
            "pollutant": ships["pollutant"].to_numpy(dtype=object),
            "mass_g": ships["mass_kg"].to_numpy(dtype=float) * 1000.0,
        }
    )


def _ships_by_port(ships: pd.DataFrame, context: _Context) -> dict[str, pd.DataFrame]:
    """Split a ``portcap ships`` emissions table by port (see :func:`port_inventory`)."""
    required = {"mode", "engine", "pollutant", "mass_kg"}
    missing = sorted(required - set(ships.columns))
    if missing:
        raise InputError(
            f"ships table: missing column(s) {missing}; expected the output of portcap ships "
            "(mmsi, mode, engine, pollutant, energy_kwh, mass_kg, terminal)"
        )
    terminal = (
        ships["terminal"].astype(object)
        if "terminal" in ships.columns
        else pd.Series(None, index=ships.index, dtype=object)
    )
    prefix = terminal.fillna("").astype(str).str.split("_").str[0]
    frame = pd.DataFrame(
        {
            "terminal": terminal.where(terminal.notna(), OTHER).to_numpy(dtype=object),
            "mode": ships["mode"].to_numpy(dtype=object),
            "engine": ships["engine"].to_numpy(dtype=object),
            "pollutant": ships["pollutant"].to_numpy(dtype=object),
            "mass_g": pd.to_numeric(ships["mass_kg"]).to_numpy(dtype=float) * 1000.0,
            "port": prefix.where(prefix.isin(PORTS), "").to_numpy(dtype=object),
        }
    )
    known = frame[frame["port"] != ""]
    unknown = frame[frame["port"] == ""]
    weights = known.groupby("port")["mass_g"].sum()
    if weights.sum() <= 0:
        weights = pd.Series(1.0, index=list(PORTS))
    weights = weights / weights.sum()
    if len(unknown):
        context.count(
            "ships rows without a port terminal: shared by the ports' ship emissions", len(unknown)
        )
    out: dict[str, pd.DataFrame] = {}
    for port in PORTS:
        mine = known[known["port"] == port]
        shared = unknown.assign(mass_g=unknown["mass_g"] * float(weights.get(port, 0.0)))
        out[port] = pd.concat([mine, shared], ignore_index=True).drop(columns="port")
    return out


# --------------------------------------------------------------------------------------
# Harbor craft
# --------------------------------------------------------------------------------------
def _harbor_craft(context: _Context, port: str) -> pd.DataFrame:
    fleet = context.table("harbor_craft", port)
    if fleet.empty:
        return pd.DataFrame()
    filled = harbor_craft.fill_defaults(fleet)
    context.note_fills("harbor_craft.csv", filled["filled"], fleet["source_row"])
    propulsion = fleet["engine"] == "propulsion"
    context.record(
        port, "harbor_craft", "vessels", float(fleet.loc[propulsion, "count"].sum()), "craft"
    )
    sulfur = context.parameter(port, "diesel_sulfur_ppm_harbor_craft")
    long = harbor_craft.fleet_emissions(
        fleet, gwp_set=context.options.gwp_set, fuel_sulfur_ppm=sulfur
    )
    long = fuels.exclude_biogenic_co2(long, context.renewable_share(port, "harbor_craft"))
    long = long.rename(columns={"craft_type": "mode"})
    assist = long[long["mode"] == "assist_tug"]
    others = long[long["mode"] != "assist_tug"].assign(terminal=OTHER)
    n_other = int((fleet["craft_type"] != "assist_tug").sum())
    if n_other:
        context.count("harbor_craft rows other than assist tugs (serve no one terminal)", n_other)
    pieces = [others]
    if len(assist):
        calls = _calls_by_terminal(context, port)
        if calls.sum() > 0:
            pieces.append(_spread(assist, calls / calls.sum()))
        else:
            context.count(f"{port}: assist tugs without vessel calls, to other")
            pieces.append(assist.assign(terminal=OTHER))
    out = pd.concat(pieces, ignore_index=True)
    return out[["terminal", "mode", "engine", "pollutant", "mass_g"]]


def _calls_by_terminal(context: _Context, port: str) -> pd.Series:
    classes = _call_classes(context, port)
    if classes.empty:
        return pd.Series(dtype=float)
    return classes.groupby("terminal")["calls"].sum()


# --------------------------------------------------------------------------------------
# Cargo-handling equipment
# --------------------------------------------------------------------------------------
def _cargo_handling(context: _Context, port: str) -> pd.DataFrame:
    fleet = context.table("equipment", port)
    if fleet.empty:
        return pd.DataFrame()
    context.note_fills(
        "equipment.csv", cargo_handling.fill_defaults(fleet)["filled"], fleet["source_row"]
    )
    context.record(port, "cargo_handling", "equipment", float(fleet["count"].sum()), "pieces")
    long = cargo_handling.fleet_emissions(
        fleet,
        year=context.year,
        gwp_set=context.options.gwp_set,
        load_factor_scale=context.options.che_load_factor_scale,
        in_use_nox_multiplier=context.options.che_in_use_nox_multiplier,
        in_use_pm_multiplier=context.options.che_in_use_pm_multiplier,
        fuel_sulfur_ppm=context.parameter(port, "diesel_sulfur_ppm_che"),
    )
    long = fuels.exclude_biogenic_co2(long, context.renewable_share(port, "che"))
    long["terminal"] = fleet["terminal"].to_numpy(dtype=object)[long["row"].to_numpy(dtype=int)]
    long = long.rename(columns={"equipment_type": "mode", "fuel": "engine"})
    given = long[long["terminal"].notna()]
    shared = long[long["terminal"].isna()]
    pieces = [given]
    if len(shared):
        pieces.append(_spread(shared, context.terminal_shares(port)))
    out = pd.concat(pieces, ignore_index=True)
    return out[["terminal", "mode", "engine", "pollutant", "mass_g"]]


# --------------------------------------------------------------------------------------
# Drayage trucks
# --------------------------------------------------------------------------------------
def _trucks(context: _Context, port: str) -> pd.DataFrame:
    fleet = context.table("truck_fleet", port)
    if fleet.empty:
        return pd.DataFrame()
    if _has_parameter(context, port, "truck_legs"):
        legs = context.parameter(port, "truck_legs")  # counted at the gates
    else:
        legs = float(
            trucks.drayage_legs(
                context.teu(port),
                context.parameter(port, "teu_per_box"),
                context.parameter(port, "on_dock_rail_share"),
                legs_per_box=context.parameter(port, "truck_legs_per_box"),
            )
        )
    miles = legs * context.parameter(port, "truck_miles_per_leg")
    idle_h = legs * context.parameter(port, "truck_idle_h_per_leg")
    context.record(port, "truck", "truck_legs", legs, "legs")
    context.record(port, "truck", "truck_miles", miles, "mile")
    trips = pd.DataFrame(
        {
            "model_year_group": fleet["model_year_group"].to_numpy(dtype=object),
            "fuel": fleet["fuel"].to_numpy(dtype=object),
            "miles": miles * fleet["share"].to_numpy(dtype=float),
            "idle_h": idle_h * fleet["share"].to_numpy(dtype=float),
            "source_row": fleet["source_row"].to_numpy(),
        }
    )
    long = trucks.fleet_emissions(
        trips,
        gwp_set=context.options.gwp_set,
        fuel_sulfur_ppm=context.parameter(port, "diesel_sulfur_ppm_truck"),
    )
    long = fuels.exclude_biogenic_co2(long, context.renewable_share(port, "truck"))
    long["mode"] = long["process"]
    long["engine"] = long["fuel"].astype(str) + "_" + long["model_year_group"].astype(str)
    out = _spread(long, context.terminal_shares(port))
    return out[["terminal", "mode", "engine", "pollutant", "mass_g"]]


# --------------------------------------------------------------------------------------
# Rail
# --------------------------------------------------------------------------------------
def _rail(context: _Context, port: str) -> pd.DataFrame:
    fleet = context.table("rail_fleet", port)
    if fleet.empty:
        return pd.DataFrame()
    rail_share = context.parameter(port, "on_dock_rail_share") + context.parameter(
        port, "off_dock_rail_share"
    )
    containers = context.boxes(port) * rail_share
    line_haul_gal = float(
        rail.line_haul_fuel_gal(containers, context.parameter(port, "rail_line_haul_miles"))
    )
    # switch locomotives serve both ports: this port's share by TEU
    total_teu = sum(context.teu(p) for p in PORTS if _has_parameter(context, p, "teu"))
    locomotives = context.parameter(port, "rail_switch_locomotives") * context.teu(port) / total_teu
    switch_gal = float(
        rail.switch_fuel_gal(
            locomotives * context.parameter(port, "rail_switch_hours_per_locomotive"),
            context.parameter(port, "rail_switch_rated_hp"),
        )
    )
    context.record(port, "rail", "rail_containers", containers, "containers")
    context.record(port, "rail", "line_haul_fuel", line_haul_gal, "gal")
    context.record(port, "rail", "switch_fuel", switch_gal, "gal")
    fuel_by_duty = {"line_haul": line_haul_gal, "switch": switch_gal}
    work = pd.DataFrame(
        {
            "duty": fleet["duty"].to_numpy(dtype=object),
            "tier": fleet["tier"].to_numpy(dtype=object),
            "fuel_gal": fleet["duty"].map(fuel_by_duty).to_numpy(dtype=float)
            * fleet["share"].to_numpy(dtype=float),
            "source_row": fleet["source_row"].to_numpy(),
        }
    )
    long = rail.fleet_emissions(
        work,
        gwp_set=context.options.gwp_set,
        fuel_sulfur_ppm=context.parameter(port, "diesel_sulfur_ppm_locomotive"),
    )
    long = fuels.exclude_biogenic_co2(long, context.renewable_share(port, "locomotive"))
    long = long.rename(columns={"duty": "mode", "tier": "engine"})
    out = _spread(long, context.terminal_shares(port))
    return out[["terminal", "mode", "engine", "pollutant", "mass_g"]]


def _has_parameter(context: _Context, port: str, name: str) -> bool:
    try:
        context.parameter(port, name)
    except ActivitySetError:
        return False
    return True


# --------------------------------------------------------------------------------------
# Light-duty vehicles (off by default)
# --------------------------------------------------------------------------------------
def _light_duty(context: _Context, port: str) -> pd.DataFrame:
    fleet = context.table("light_duty_fleet", port)
    if fleet.empty:
        return pd.DataFrame()
    total_teu = sum(context.teu(p) for p in PORTS if _has_parameter(context, p, "teu"))
    share = context.teu(port) / total_teu
    worker_trips = float(
        light_duty.worker_trips(context.parameter(port, "light_duty_worker_jobs") * share)
    )
    passenger_trips = float(
        light_duty.passenger_trips(
            context.parameter(port, "light_duty_cruise_passengers") * _cruise_share(context, port)
        )
    )
    context.record(port, "light_duty", "worker_trips", worker_trips, "trips")
    context.record(port, "light_duty", "passenger_trips", passenger_trips, "trips")
    pieces = []
    for purpose, trips_total, where in (
        ("worker", worker_trips, context.terminal_shares(port)),
        ("cruise_passenger", passenger_trips, _cruise_terminals(context, port)),
    ):
        trips = pd.DataFrame(
            {
                "fuel": fleet["fuel"].to_numpy(dtype=object),
                "model_year_group": fleet["model_year_group"].to_numpy(dtype=object),
                "trips": trips_total * fleet["share"].to_numpy(dtype=float),
                "miles_per_trip": context.parameter(port, "light_duty_miles_per_trip"),
                "source_row": fleet["source_row"].to_numpy(),
            }
        )
        long = light_duty.fleet_emissions(trips, gwp_set=context.options.gwp_set)
        long["mode"] = purpose
        long["engine"] = long["fuel"].astype(str) + "_" + long["model_year_group"].astype(str)
        pieces.append(_spread(long, where))
    out = pd.concat(pieces, ignore_index=True)
    return out[["terminal", "mode", "engine", "pollutant", "mass_g"]]


def _cruise_terminals(context: _Context, port: str) -> pd.Series:
    terminals = context.activity_set["terminals"]
    cruise = terminals[(terminals["port"] == port) & (terminals["kind"] == "cruise")]
    if cruise.empty:
        context.count(f"{port}: cruise passengers without a cruise terminal, to other")
        return pd.Series([1.0], index=[OTHER])
    return pd.Series(1.0 / len(cruise), index=cruise["terminal"].to_numpy())


def _cruise_share(context: _Context, port: str) -> float:
    calls = {p: _cruise_calls(context, p) for p in PORTS}
    total = sum(calls.values())
    return calls[port] / total if total > 0 else 1.0 / len(PORTS)


def _cruise_calls(context: _Context, port: str) -> float:
    table = context.table("vessel_calls", port)
    if table.empty:
        return 0.0
    return float(table.loc[table["ship_type"].isin(["cruise", "cruise_ed"]), "calls"].sum())
