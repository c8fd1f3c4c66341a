"""The orchestrator: the one module that knows the whole chain of a run.

:func:`run` runs a scenario from end to end (forecast, inventory, policy, diversion,
leakage, economy) and returns :class:`Results`; :func:`run_ships` runs the ship inventory
alone: AIS or calls in, the tidy ship emissions table out, with the vessel table, the
quarantine and the counts of everything that was dropped or changed on the way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import polars as pl
from pydantic import BaseModel
from tqdm.auto import tqdm

from portcap import __version__, _heap, inventory, vessels, writers
from portcap import calls as calls_module
from portcap.ais import intervals, partitioned, schema, stream, zones
from portcap.baseline import ActivitySet, load_activity_set
from portcap.errors import InputError
from portcap.policy.base import (
    PAYMENT_COLUMNS,
    NoPolicy,
    Regime,
    RegimeContext,
    measure_table,
)
from portcap.port_inventory import port_inventory
from portcap.scenario import Scenario, load_scenario, regime_parameter_model, scenario_hash

if TYPE_CHECKING:
    from portcap.diversion.leakage import LeakageMatrix
    from portcap.forecast import ForecastParameters


@dataclass
class ShipsRun:
    """Everything a ship-inventory run produced."""

    emissions: pd.DataFrame
    """Tidy table ``mmsi, date, mode, engine, terminal, pollutant, energy_kwh, mass_kg``
    plus the vessel's ``ship_type, size_value, size_unit, filled``."""
    vessels: pd.DataFrame
    """Characteristics used for each ocean-going vessel, with the fills recorded."""
    excluded_vessels: pd.DataFrame
    """Vessels set aside (not ocean-going, no type, ...) with the reason."""
    quarantine_path: Path | None
    """The quarantine file: every row dropped or value changed, with its reason (or
    ``None`` when the run was asked to keep counts only)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Quarantine counts: ``"<action>: <reason>"`` -> number of rows dropped or changed."""
    input_counts: dict[str, int] = field(default_factory=dict)
    """Tallies of the input: files and rows read, reports kept, NMEA messages."""
    gaps: dict[str, float] = field(default_factory=dict)
    """AIS gaps: bridged and cut gaps (count and hours), speeds implied from positions."""
    cut_gaps: pl.DataFrame | None = None
    """One row per AIS gap too long to bridge (not counted as activity)."""
    method: str = "ais"
    """``ais`` or ``calls``."""
    timings_s: dict[str, float] = field(default_factory=dict)
    """Wall time of each stage [s]."""
    gridded: pd.DataFrame | None = None
    """With ``grid_deg``: ``cell_lat_deg, cell_lon_deg, pollutant, mass_kg``, the
    emissions of all vessels by grid cell (cell centres) [kg]; ``None`` otherwise."""


_CALLS_QUARANTINE_COLUMNS = ("source_file", "source_row", "reason", "field", "original_value")
# The gap tallies a ship run reports: those of the partitions but the total (observed +
# bridged hours)
_GAP_KEYS = tuple(key for key in partitioned.GAP_KEYS if key != "total_duration_h")


class _Stages:
    """Time each stage of a run, and show them on a progress bar when asked."""

    def __init__(self, names: tuple[str, ...], *, progress: bool) -> None:
        self.timings: dict[str, float] = {}
        self._bar = tqdm(total=len(names), desc="portcap ships", unit="stage", disable=not progress)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._bar.set_postfix_str(name)
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def _split_counts(counts: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Split reader counts into quarantine reasons (``"<action>: <reason>"``) and tallies."""
    reasons: dict[str, int] = {}
    tallies: dict[str, int] = {}
    for key, n in counts.items():
        reason = schema.QUARANTINE_REASONS.get(key)
        if reason is None:
            tallies[key] = int(n)
        elif n:
            reasons[f"{reason.action}: {key}"] = int(n)
    return dict(sorted(reasons.items())), tallies


def _is_calls_file(path: Path) -> bool:
    if path.is_dir() or path.suffix.lower() != ".csv":
        return False
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline().strip().lower().split(",")
    return "vessel_id" in header and "arrival" in header


def run_ships(
    input_path: str | Path,
    *,
    vessels_path: str | Path | None = None,
    zones_path: str | Path | None = None,
    quarantine_path: str | Path | None = None,
    method: inventory.ShipMethod | None = None,
    call_parameters: calls_module.CallLegParameters | None = None,
    vessel_defaults: vessels.VesselDefaults | None = None,
    partition_files: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
    grid_deg: float | None = None,
) -> ShipsRun:
    """Ship (OGV) emissions from AIS position reports or from a list of vessel calls.

    INPUT is an AIS file (MarineCadastre CSV of either header generation, plain or
    zipped; Parquet; raw NMEA) or a folder of them, or a calls file (CSV with the columns
    ``vessel_id, terminal, arrival, departure, anchorage_h, shore_power``). AIS is read
    and cleaned (every dropped or changed row goes to the quarantine with its reason),
    each report's interval becomes time in an operating mode (EPA 2022 rules with the
    zones), vessels are described from ``--vessels`` or AIS static data and EPA 2022
    defaults (each fill recorded), and emissions follow EPA 2022 chapter 3. Calls are
    expanded into approach legs, anchorage and berth time with named, sourced
    parameters.

    A folder of AIS files (a year of MarineCadastre daily files, say) is read in
    partitions of consecutive files (``--partition-files N``, default: up to 128 MiB on
    disk each) in bounded memory, with the same result as one pass: ships crossing
    midnight are carried from one partition to the next. ``--scheduler local`` runs the
    partitions on a Dask cluster of local processes, ``--scheduler tcp://host:8786`` on a
    running Dask cluster.

    Parameters
    ----------
    input_path : str or Path
        AIS file or folder, or calls file.
    vessels_path : str or Path, optional
        ``vessels.csv`` with characteristics that override AIS and defaults (required in
        practice for calls, which carry no ship type).
    zones_path : str or Path, optional
        GeoJSON zones; the packaged San Pedro Bay set by default.
    quarantine_path : str or Path, optional
        Where to write the quarantine (``.csv`` or ``.parquet``): one row per input row
        dropped or value changed, with file, row, field, original value and reason. It is
        written batch by batch, never held in memory. ``None``: counts only.
    method : ShipMethod, optional
        Power, BSFC and GWP methods and fuel-sulfur parameters.
    call_parameters : CallLegParameters, optional
        Approach legs and VSR parameters for the calls method.
    vessel_defaults : VesselDefaults, optional
        Assumed keel year and shore-power status where unknown.
    partition_files : int, optional
        AIS files per partition of a folder
        (:func:`portcap.ais.partitioned.run_partitioned`); ``None``: consecutive files up
        to :data:`portcap.ais.partitioned.PARTITION_BYTES` on disk; ``0``: the folder in
        one pass. A vessel's reports must be in time order from one partition to the
        next. A single file is read in one pass (unless ``scheduler`` is given).
    scheduler : str, optional
        Run the partitions on Dask: ``"local"`` (a ``LocalCluster`` of processes sized
        to the machine) or a scheduler address (``tcp://host:8786``: workers with portcap
        installed that see the input and quarantine folders). ``None``: in this process.
    progress : bool
        Show progress bars on large inputs.
    report : callable, optional
        Receives one line per stage (for a command-line log).
    grid_deg : float, optional
        AIS read in one pass only: also give the emissions by cell of a
        longitude-latitude grid of this size [deg] (``ShipsRun.gridded``; the positions
        of the reports place the emissions, :func:`portcap.inventory.ogv_emissions`).

    Returns
    -------
    ShipsRun

    Raises
    ------
    InputError
        When nothing usable remains (no readable rows, no ocean-going vessel), or a
        vessel's reports go back in time from one partition to the next.
    """
    path = Path(input_path)
    if not path.exists():
        raise InputError("no such file or folder", path=path)
    if partition_files is not None and partition_files < 0:
        raise InputError(f"partition_files must be 0 or more, got {partition_files}")
    if partition_files == 0 and scheduler is not None:
        raise InputError("a scheduler runs partitions: partition_files must be 1 or more")
    say = report or (lambda _line: None)
    user_vessels = vessels.read_vessels(vessels_path) if vessels_path else None
    target = None if quarantine_path is None else Path(quarantine_path)
    if grid_deg is not None and (
        _is_calls_file(path) or scheduler is not None or (path.is_dir() and partition_files != 0)
    ):
        raise InputError(
            "a grid of emissions needs AIS read in one pass (a file, or a folder with "
            "partition_files=0): calls have no positions",
            path=path,
        )
    if _is_calls_file(path):
        if scheduler is not None or partition_files:
            raise InputError("partitions and schedulers apply to AIS input, not calls", path=path)
        return _run_calls(path, user_vessels, method, call_parameters, vessel_defaults, target, say)
    if scheduler is not None or (path.is_dir() and partition_files != 0):
        return _run_ais_partitioned(
            path,
            user_vessels,
            zones_path,
            method,
            vessel_defaults,
            target,
            partition_files,
            scheduler,
            progress,
            say,
        )
    return _run_ais(
        path, user_vessels, zones_path, method, vessel_defaults, target, progress, say, grid_deg
    )


def _run_ais(
    path: Path,
    user_vessels: pd.DataFrame | None,
    zones_path: str | Path | None,
    method: inventory.ShipMethod | None,
    vessel_defaults: vessels.VesselDefaults | None,
    quarantine_path: Path | None,
    progress: bool,
    say: Callable[[str], None],
    grid_deg: float | None = None,
) -> ShipsRun:
    stages = _Stages(
        ("read and clean", "vessels", "intervals and activity", "emissions", "quarantine"),
        progress=progress,
    )
    method = method or inventory.ShipMethod()
    loaded: stream.StreamResult | None = None
    try:
        with stages.stage("read and clean"):
            # the quarantine file is written by a thread while the next stages run
            loaded = stream.load_clean_ais(
                path,
                quarantine_path=quarantine_path,
                progress=progress,
                skip_bad_files=path.is_dir(),
                quarantine_in_background=True,
            )
        _heap.trim()  # the blocks of text read (each stage's free memory: portcap._heap)
        counts, input_counts = _split_counts(loaded.counts)
        say(f"read {input_counts.get('rows_read', 0):,} rows, kept {loaded.pings.height:,}")
        pings = loaded.pings
        if pings.height == 0:
            raise InputError("no usable AIS reports remain after cleaning", path=path)
        with stages.stage("vessels"):
            table = _ais_vessel_table(loaded.static, user_vessels, vessel_defaults, path)
        with stages.stage("intervals and activity"):
            zone_set = zones.load_zones(zones_path) if zones_path else None
            activity = _ais_activity_groups(pings, zone_set, table.vessels, method, grid_deg)
            gaps, cut_gaps = activity.gaps, activity.cut_gaps
            # the pings are not needed any more: let their memory go (the quarantine writer
            # keeps the columns it reads)
            del pings
            loaded = dataclasses.replace(loaded, pings=loaded.pings.clear())
        _heap.trim()  # the arrays of the slices
        with stages.stage("emissions"):
            result = inventory.ogv_emissions_from_groups(
                activity.groups, table.vessels, method=method
            )
            gridded = None
            if activity.cells is not None:
                cells = inventory.ogv_emissions_from_groups(
                    activity.cells, table.vessels, method=method
                ).emissions
                gridded = cells.groupby(
                    ["cell_lat_deg", "cell_lon_deg", "pollutant"], as_index=False
                ).agg(mass_kg=("mass_kg", "sum"))
            del activity
        _heap.trim()  # before the caller writes the tables
        with stages.stage("quarantine"):  # waiting for the end of its writing, if any
            loaded.wait()
    finally:
        if loaded is not None:
            loaded.close()  # after an error: the writer has finished when we return
        stages.close()
    return ShipsRun(
        emissions=result.emissions,
        vessels=table.vessels,
        excluded_vessels=table.excluded,
        quarantine_path=loaded.quarantine_path,
        counts=counts,
        input_counts=input_counts,
        gaps=gaps,
        cut_gaps=cut_gaps,
        method="ais",
        timings_s=stages.timings,
        gridded=gridded,
    )


def _ais_vessel_table(
    static: pl.DataFrame,
    user_vessels: pd.DataFrame | None,
    defaults: vessels.VesselDefaults | None,
    path: Path,
) -> vessels.VesselTable:
    """Build the vessel table of an AIS run from the static data of its vessels.

    Raises
    ------
    InputError
        When none of the vessels is an ocean-going vessel with known characteristics.
    """
    frame = static.to_pandas()
    table = vessels.build_vessel_table(
        frame["mmsi"], ais_static=frame, user_vessels=user_vessels, defaults=defaults
    )
    if table.vessels.empty:
        raise InputError(
            f"none of the {len(frame)} vessels is an ocean-going vessel with known "
            "characteristics (see the excluded vessels)",
            path=path,
        )
    return table


#: Cleaned reports per slice of :func:`_ais_activity_groups` (whole vessels; about 60 MB of
#: temporaries: intervals, zones and the arrays of the grouping).
_ACTIVITY_SLICE_ROWS = 250_000


class _ActivityGroups(NamedTuple):
    """Activity of an AIS run summed into emission groups, with the gap tallies."""

    groups: pd.DataFrame  # inventory.ogv_activity_groups of all slices
    cells: pd.DataFrame | None  # the same with grid cells, when a grid is asked for
    gaps: dict[str, float]  # _GAP_KEYS summed over the slices
    cut_gaps: pl.DataFrame  # gaps_report["cut_gaps"] of all slices


def _ais_activity_groups(
    pings: pl.DataFrame,
    zone_set: zones.Zones | None,
    fleet: pd.DataFrame,
    method: inventory.ShipMethod,
    grid_deg: float | None,
) -> _ActivityGroups:
    """Intervals, modes and emission groups of cleaned reports, in slices of whole vessels.

    Intervals, shore-power windows and groups of a vessel depend on its own reports only
    (:func:`portcap.ais.intervals.build_intervals`,
    :func:`portcap.inventory.ogv_activity_groups`), so each slice of about
    :data:`_ACTIVITY_SLICE_ROWS` reports is taken from reports to groups and let go: the
    memory is that of one slice's intervals, not of all of them, and the groups are
    those of the whole table. The tallies of the gaps are sums over the slices.
    """
    groups: list[pd.DataFrame] = []
    cells: list[pd.DataFrame] = []
    cut_gaps: list[pl.DataFrame] = []
    gaps = dict.fromkeys(_GAP_KEYS, 0.0)
    columns = ["mmsi", "timestamp", "latitude_deg", "longitude_deg", "speed_over_ground_kn"]
    positions = ("latitude_deg", "longitude_deg") if grid_deg is not None else ()
    for start, end in stream.vessel_slices(pings.get_column("mmsi"), _ACTIVITY_SLICE_ROWS):
        built = intervals.build_intervals(pings.slice(start, end - start).select(columns), zone_set)
        report = built.gaps_report
        for key in _GAP_KEYS:
            gaps[key] += float(report[key])
        cut_gaps.append(report["cut_gaps"])
        activity = built.intervals.select(
            "mmsi",
            "start",
            "duration_h",
            "speed_over_ground_kn",
            "zone_kind",
            "terminal",
            "in_eca",
            *positions,
        ).with_columns(shore_power_connected=_shore_power_connected(built.intervals, fleet, method))
        del built
        groups.append(inventory.ogv_activity_groups(activity, fleet, method=method))
        if grid_deg is not None:
            cells.append(
                inventory.ogv_activity_groups(activity, fleet, method=method, grid_deg=grid_deg)
            )
    return _ActivityGroups(
        groups=_concat_groups(groups),
        cells=_concat_groups(cells) if grid_deg is not None else None,
        gaps=gaps,
        cut_gaps=pl.concat(cut_gaps),
    )


def _concat_groups(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the groups of slices (empty slices, with no known vessel, left out)."""
    kept = [piece for piece in pieces if not piece.empty]
    return pd.concat(kept, ignore_index=True) if kept else pieces[0]


def _shore_power_connected(
    activity: pl.DataFrame, fleet: pd.DataFrame, method: inventory.ShipMethod | None
) -> pl.Series:
    """Auxiliary engines off for shore power on each AIS interval (sorted by vessel, time).

    The rule of :class:`portcap.inventory.ShipMethod` (connected from
    ``shore_power_connect_h`` into a berth visit until ``shore_power_disconnect_h`` before
    its end, for a vessel that uses shore power), with the visit hours summed in exact
    microseconds (:func:`portcap.ais.partitioned.shore_power_timing`), so that a run in
    partitions gives the same records.
    """
    method = method or inventory.ShipMethod()
    users = fleet.loc[fleet["shore_power"].astype(bool), "mmsi"].to_numpy(dtype="int64")
    uses = activity["mmsi"].cast(pl.Int64).is_in(pl.Series(users, dtype=pl.Int64).implode())
    if not uses.any():
        return uses.alias("shore_power_connected")
    # The visits of each vessel are its own (runs never cross vessels), so only the
    # records of the vessels that use shore power are looked at.
    records = activity.filter(uses)
    window = partitioned.shore_power_timing(
        records["mmsi"].to_numpy(),
        partitioned.at_berth(records["speed_over_ground_kn"], records["zone_kind"]),
        records.select((pl.col("end") - pl.col("start")).dt.total_microseconds())
        .to_series()
        .to_numpy(),
        connect_h=method.shore_power_connect_h,
        disconnect_h=method.shore_power_disconnect_h,
    )
    connected = pl.repeat(False, activity.height, eager=True).scatter(
        uses.arg_true(), pl.Series(window, dtype=pl.Boolean)
    )
    return connected.alias("shore_power_connected")


def _run_ais_partitioned(
    path: Path,
    user_vessels: pd.DataFrame | None,
    zones_path: str | Path | None,
    method: inventory.ShipMethod | None,
    vessel_defaults: vessels.VesselDefaults | None,
    quarantine_path: Path | None,
    files_per_partition: int | None,
    scheduler: str | None,
    progress: bool,
    say: Callable[[str], None],
) -> ShipsRun:
    method = method or inventory.ShipMethod()
    loaded = partitioned.run_partitioned(
        path,
        zones_path=zones_path,
        quarantine_path=quarantine_path,
        files_per_partition=files_per_partition,
        scheduler=scheduler,
        shore_power_connect_h=method.shore_power_connect_h,
        shore_power_disconnect_h=method.shore_power_disconnect_h,
        progress=progress,
        report=say,
    )
    timings = dict(loaded.timings_s)
    counts, input_counts = _split_counts(loaded.counts)
    input_counts["partitions"] = loaded.partitions
    if input_counts.get("reports_kept", 0) == 0:
        raise InputError("no usable AIS reports remain after cleaning", path=path)
    start = time.perf_counter()
    table = _ais_vessel_table(loaded.static, user_vessels, vessel_defaults, path)
    timings["vessels"] = time.perf_counter() - start
    start = time.perf_counter()
    users = table.vessels.loc[table.vessels["shore_power"].astype(bool), "mmsi"]
    activity = loaded.activity.with_columns(
        shore_power_connected=pl.col("shore_power_timing")
        & pl.col("mmsi").is_in(pl.Series(users.to_numpy(dtype="int64"), dtype=pl.Int64).implode())
    )
    result = inventory.ogv_emissions(activity, table.vessels, method=method)
    timings["emissions"] = time.perf_counter() - start
    return ShipsRun(
        emissions=result.emissions,
        vessels=table.vessels,
        excluded_vessels=table.excluded,
        quarantine_path=loaded.quarantine_path,
        counts=counts,
        input_counts=input_counts,
        gaps={key: float(loaded.gaps[key]) for key in _GAP_KEYS},
        cut_gaps=loaded.cut_gaps,
        method="ais",
        timings_s=timings,
    )


def _run_calls(
    path: Path,
    user_vessels: pd.DataFrame | None,
    method: inventory.ShipMethod | None,
    call_parameters: calls_module.CallLegParameters | None,
    vessel_defaults: vessels.VesselDefaults | None,
    quarantine_path: Path | None,
    say: Callable[[str], None],
) -> ShipsRun:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    parsed = calls_module.read_calls(path)
    counts = {f"dropped: {k}": v for k, v in parsed.counts.items()}
    say(f"read {len(parsed.calls):,} calls ({len(parsed.quarantine):,} rejected)")
    if user_vessels is None:
        raise InputError(
            "the calls method needs --vessels (a vessels.csv with at least ship_type and "
            "size_value for each vessel_id)",
            path=path,
        )
    known = parsed.calls["vessel_id"].isin(user_vessels["mmsi"])
    if not known.all():
        missing = parsed.calls.loc[~known]
        counts["dropped: vessel_not_in_vessels_file"] = len(missing)
        extra = pl.DataFrame(
            {
                "source_file": str(path),
                "source_row": missing["source_row"].to_numpy(),
                "reason": "vessel_not_in_vessels_file",
                "field": "vessel_id",
                "original_value": missing["vessel_id"].astype(str).to_numpy(),
            }
        )
    else:
        extra = None
    table = vessels.build_vessel_table(
        parsed.calls.loc[known, "vessel_id"], user_vessels=user_vessels, defaults=vessel_defaults
    )
    if table.vessels.empty:
        raise InputError("no call has a vessel with usable characteristics", path=path)
    activity = calls_module.call_activity(
        parsed.calls[parsed.calls["vessel_id"].isin(table.vessels["mmsi"])],
        table.vessels.set_index("mmsi")["max_speed_kn"],
        call_parameters,
    )
    result = inventory.ogv_emissions(activity, table.vessels, method=method)
    timings["emissions"] = time.perf_counter() - t0
    frames = [pl.from_pandas(parsed.quarantine.astype(str))] if len(parsed.quarantine) else []
    if extra is not None:
        frames.append(extra.with_columns(pl.col("source_row").cast(pl.Utf8)))
    if quarantine_path is not None:
        quarantine = (
            pl.concat(frames, how="diagonal_relaxed")
            if frames
            else pl.DataFrame(schema=dict.fromkeys(_CALLS_QUARANTINE_COLUMNS, pl.Utf8))
        )
        writers.write_table(quarantine.with_columns(action=pl.lit("dropped")), quarantine_path)
    return ShipsRun(
        emissions=result.emissions,
        vessels=table.vessels,
        excluded_vessels=table.excluded,
        quarantine_path=quarantine_path,
        counts=counts,
        input_counts={"calls_read": len(parsed.calls) + len(parsed.quarantine)},
        method="calls",
        timings_s=timings,
    )


# --------------------------------------------------------------------------------------
# The scenario run: forecast -> inventory -> policy -> diversion -> economy
# --------------------------------------------------------------------------------------
SUMMARY_POLLUTANTS: tuple[str, ...] = ("nox", "pm25", "dpm", "sox", "co2e")
"""Pollutants of the per-year emission figures of ``summary.json``."""


@dataclass(frozen=True)
class Results:
    """Everything a scenario run produced (see :func:`run`)."""

    scenario: Scenario
    """The resolved scenario."""
    scenario_hash: str
    """Hash of the resolved scenario."""
    summary: dict[str, object]
    """The contents of ``summary.json``."""
    emissions: pd.DataFrame
    """Regional emissions per year under the scenario: ``year, port, terminal, source,
    pollutant, mass_tonnes`` (the ports' categories, after technology and turn-away)."""
    baseline_emissions: pd.DataFrame
    """The same without the scenario's policy (rules in force only)."""
    terminals: pd.DataFrame
    """Per year and container terminal: TEU demand, handled, turned away, binding date."""
    diversion: pd.DataFrame
    """Per year, terminal, gateway and destination: TEU and emission changes by leg."""
    measures: pd.DataFrame
    """Clean-technology measures taken, with reductions and costs."""
    caps: pd.DataFrame
    """Caps in force per year, their limits and the emissions before and after."""
    payments: pd.DataFrame
    """Money that changed hands besides the measures' cost: ``year, terminal, kind, usd``
    (fees, allowance purchases and sales, penalties, public funding)."""


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    activity_set: ActivitySet | None = None,
    progress: bool = False,
    on_year: Callable[[int, int], None] | None = None,
) -> Results:
    """Run a scenario: forecast, inventory, policy, diversion, leakage and economy per year.

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        A scenario, a built-in scenario name or a YAML file. Default: ``pr2304-cap``.
    activity_set : ActivitySet, optional
        The observed activity (default: the packaged San Pedro Bay baseline); the
        scenario's ``base_year`` must be one of its years.
    progress : bool
        Show a progress bar over the years.
    on_year : callable, optional
        Called as ``on_year(done, total)`` after each modelled year (the dashboard's
        progress); ``done == total`` once the whole run, diversion included, is finished.

    Returns
    -------
    Results

    Notes
    -----
    For each year the activity of the base year is projected (:mod:`portcap.forecast`:
    demand growth and the rules in force), inventoried (:mod:`portcap.port_inventory`),
    and, under a cap regime, passed through :func:`portcap.policy.cap.apply_caps` (clean
    technology from :mod:`portcap.policy.technology`, then turn-away on the daily ledger
    of :func:`portcap.forecast.daily_profile`). Turned-away TEU go to
    :func:`portcap.diversion.divert`; regional emissions are the inventory after the
    policy plus the legs of the new routings that lie inside the South Coast Air Basin;
    emissions elsewhere change by the legs outside it (new minus old); jobs and output
    follow the cargo (:mod:`portcap.economy`).
    """
    from portcap import diversion, economy, forecast
    from portcap.policy import technology

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    activity_set = activity_set or load_activity_set()
    if scenario.base_year not in activity_set.years:
        raise InputError(
            f"base_year {scenario.base_year} is not in the activity set "
            f"({', '.join(str(y) for y in activity_set.years)})"
        )
    forecast_parameters = forecast.ForecastParameters(**scenario.forecast)
    reference = {
        year: _reference_inventory(activity_set, year)
        for year in sorted(_reference_years(scenario))
    }
    terminals_table = activity_set["terminals"]
    container = terminals_table.loc[terminals_table["kind"] == "container", ["port", "terminal"]]
    teu_all = forecast.teu_demand(activity_set, scenario.years, forecast_parameters)

    context = RegimeContext(scenario.base_year, reference, container.reset_index(drop=True))
    regime = _make_regime(scenario, context)
    technology_parameters = technology.TechnologyParameters(**scenario.technology)
    frames: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("baseline", "policy", "terminals", "measures", "caps", "payments")
    }
    indicators: dict[int, dict[str, float]] = {}
    years = tqdm(scenario.years, desc="portcap run", unit="year", disable=not progress)
    for year in years:
        emissions, measures = _projected_year(
            activity_set, year, scenario.base_year, forecast_parameters, technology_parameters
        )
        frames["baseline"].append(emissions)
        teu = teu_all[(teu_all["year"] == year) & teu_all["terminal"].isin(container["terminal"])]
        if scenario.policy == "none":
            measures = measure_table(None)
        outcome = regime.step(
            year,
            emissions,
            teu[["port", "terminal", "teu"]].reset_index(drop=True),
            forecast.daily_profile(year),
            measures,
        )
        frames["policy"].append(outcome.emissions)
        frames["terminals"].append(outcome.terminals)
        frames["measures"].append(outcome.measures)
        if len(outcome.caps):
            frames["caps"].append(outcome.caps.assign(year=year))
        if len(outcome.payments):
            frames["payments"].append(outcome.payments.assign(year=year))
        indicators[year] = dict(outcome.indicators)
        if on_year is not None:
            on_year(len(indicators), len(scenario.years) + 1)

    policy_emissions = pd.concat(frames["policy"], ignore_index=True)
    baseline_emissions = pd.concat(frames["baseline"], ignore_index=True)
    terminals = pd.concat(frames["terminals"], ignore_index=True)
    measures_taken = pd.concat(frames["measures"], ignore_index=True)
    caps_table = _concat(frames["caps"], ["year", "scope", "target", "port", "pollutant"])
    payments = _concat(frames["payments"], list(PAYMENT_COLUMNS))
    turned_away = terminals.loc[
        terminals["teu_turned_away"] > 0, ["year", "port", "terminal", "teu_turned_away"]
    ].rename(columns={"teu_turned_away": "teu"})
    # the leakage as matrices: the run only sums it (the long table is not made)
    flows, leakage = diversion.divert_matrix(
        turned_away,
        parameters=diversion.DiversionParameters(**scenario.diversion),
        excluded_gateways=scenario.excluded_gateways,
    )
    economy_parameters = economy.EconomyParameters(**scenario.economy)
    jobs = economy.jobs_change(_teu_changes(flows), economy_parameters)
    costs = economy.compliance_cost(measures_taken)
    summary = _summary(
        scenario,
        policy_emissions,
        baseline_emissions,
        terminals,
        flows,
        leakage,
        jobs,
        costs,
        caps_table,
        payments,
        indicators,
    )
    if on_year is not None:
        on_year(len(scenario.years) + 1, len(scenario.years) + 1)
    return Results(
        scenario=scenario,
        scenario_hash=scenario_hash(scenario),
        summary=summary,
        emissions=_by_source(policy_emissions),
        baseline_emissions=_by_source(baseline_emissions),
        terminals=terminals,
        diversion=_diversion_table(flows, leakage),
        measures=measures_taken,
        caps=caps_table,
        payments=payments,
    )


# --------------------------------------------------------------------------------------
# What a run computes once per process: observed and projected inventories, options
# --------------------------------------------------------------------------------------
_PROJECTION_CACHE: dict[tuple[str, ...], object] = {}
"""Inventories, interpolation weights, option plans and options, keyed by the content
of what they are computed from (see :func:`_activity_key`), never by object identity:
keys are the same in every process, so entries built in one process can be used in
another (:func:`export_projections`, :func:`import_projections`)."""
_PROJECTION_CACHE_SIZE = 64
_KEPT = ("reference", "projection")
"""Kinds of entries exported to other processes (the dear ones: inventories)."""


def _cache_put(key: tuple[str, ...], value: object) -> None:
    # projections and reference inventories are few and dear: keep them; options (one
    # set per year and technology parameters, e.g. per ensemble draw) are evicted oldest first
    if key[0] == "options":
        options = [k for k in _PROJECTION_CACHE if k[0] == "options"]
        if len(options) >= _PROJECTION_CACHE_SIZE:
            _PROJECTION_CACHE.pop(options[0], None)
    _PROJECTION_CACHE[key] = value


_ACTIVITY_KEYS: dict[int, tuple[dict[str, pd.DataFrame], str]] = {}


def _activity_key(activity_set: ActivitySet) -> str:
    """Return a digest of an activity set's tables: the same content gives the same key.

    The digest covers every table's name, columns, dtypes and values (pandas' row hashes),
    so a cached inventory is found again in another process, or for another object with
    the same tables, and never for a set whose tables differ. It is computed once per
    tables object (a few milliseconds).
    """
    tables = activity_set.tables
    known = _ACTIVITY_KEYS.get(id(tables))
    if known is not None and known[0] is tables:
        return known[1]
    digest = hashlib.sha256()
    for name in sorted(tables):
        table = tables[name]
        digest.update(repr((name, list(table.columns), [str(t) for t in table.dtypes])).encode())
        digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    key = digest.hexdigest()[:32]
    if len(_ACTIVITY_KEYS) >= 16:
        _ACTIVITY_KEYS.pop(next(iter(_ACTIVITY_KEYS)), None)
    # the tables are kept with their key, so their id cannot be reused by another object
    _ACTIVITY_KEYS[id(tables)] = (tables, key)
    return key


def _reference_key(activity_set: ActivitySet, year: int) -> tuple[str, ...]:
    return ("reference", _activity_key(activity_set), str(year))


def _reference_inventory(activity_set: ActivitySet, year: int) -> pd.DataFrame:
    """Return the observed inventory of a year (cached per process)."""
    key = _reference_key(activity_set, year)
    cached = _PROJECTION_CACHE.get(key)
    if cached is None:
        cached = port_inventory(year, activity_set=activity_set).emissions
        _cache_put(key, cached)
    assert isinstance(cached, pd.DataFrame)
    return cached.copy()


_ANCHOR_STEP = 0.01
"""Second growth rate of the interpolation, above the first (see :func:`_projected_emissions`)."""


def _anchors(
    activity_set: ActivitySet, year: int, base_year: int, forecast_parameters: ForecastParameters
) -> list[tuple[tuple[str, ...], ForecastParameters]]:
    """Cache keys and parameters of the anchor projections of a year (one or two)."""
    from portcap import forecast

    growth = float(forecast_parameters.teu_growth_per_year)
    anchor_1 = forecast_parameters.model_copy(
        update={"teu_growth_per_year": forecast.ForecastParameters().teu_growth_per_year}
    )
    g1 = float(anchor_1.teu_growth_per_year)
    anchors = [anchor_1, anchor_1.model_copy(update={"teu_growth_per_year": g1 + _ANCHOR_STEP})]
    if growth == g1:
        anchors = anchors[:1]  # the default growth: no interpolation needed
    activity = _activity_key(activity_set)
    return [
        (
            ("projection", activity, str(year), str(base_year), anchor.model_dump_json()),
            anchor,
        )
        for anchor in anchors
    ]


def _anchor_table(
    activity_set: ActivitySet,
    key: tuple[str, ...],
    anchor: ForecastParameters,
    year: int,
    base_year: int,
) -> pd.DataFrame:
    """Return an anchor projection's emissions table (cached; do not modify it)."""
    from portcap import forecast

    cached = _PROJECTION_CACHE.get(key)
    if cached is None:
        projected = forecast.project_activity(activity_set, year, anchor, base_year=base_year)
        cached = port_inventory(year, activity_set=projected).emissions
        _cache_put(key, cached)
    assert isinstance(cached, pd.DataFrame)
    return cached


def _projection(
    activity_set: ActivitySet, year: int, base_year: int, forecast_parameters: ForecastParameters
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Return a year's projected emissions table and the key of its rows' layout.

    Every projection of a year under the same forecast but for the growth rate has the
    rows of the first anchor, in its order (the key returned).
    """
    from portcap import forecast

    anchors = _anchors(activity_set, year, base_year, forecast_parameters)
    tables = [_anchor_table(activity_set, key, a, year, base_year) for key, a in anchors]
    layout = anchors[0][0]
    if len(tables) == 1:
        return tables[0].copy(), layout
    aligned_key = ("aligned", *layout, *anchors[1][0][1:])
    aligned = _PROJECTION_CACHE.get(aligned_key)
    if aligned is None:
        keys = [c for c in tables[0].columns if c != "mass_tonnes"]
        first = tables[0].set_index(keys)["mass_tonnes"]
        second = tables[1].set_index(keys)["mass_tonnes"].reindex(first.index).fillna(0.0)
        # the two anchors' masses on the rows of the first
        aligned = np.stack([first.to_numpy(dtype=float), second.to_numpy(dtype=float)])
        _cache_put(aligned_key, aligned)
    assert isinstance(aligned, np.ndarray)
    first_tonnes, second_tonnes = aligned[0], aligned[1]
    growth = float(forecast_parameters.teu_growth_per_year)
    g1 = float(forecast.ForecastParameters().teu_growth_per_year)
    n = year - base_year
    big_g1, big_g2, big_g = (1 + g1) ** n, (1 + g1 + _ANCHOR_STEP) ** n, (1 + growth) ** n
    weight = (big_g - big_g1) / (big_g2 - big_g1) if big_g2 != big_g1 else 0.0
    mass = first_tonnes + (second_tonnes - first_tonnes) * weight
    # clipped at zero as pandas' clip does (NaN kept)
    mass = np.where((mass >= 0.0) | np.isnan(mass), mass, 0.0)
    table = tables[0].copy()
    table["mass_tonnes"] = mass
    return table, layout


def _projected_emissions(
    activity_set: ActivitySet, year: int, base_year: int, forecast_parameters: ForecastParameters
) -> pd.DataFrame:
    """Return a year's projected emissions table (cached per process).

    Demand growth enters the projection only through the growth factor
    :math:`G = (1 + g)^{year - b}`, and every activity that grows is linear in it, so the
    inventory is affine in :math:`G`: :math:`E(G) = E_1 + (E_2 - E_1)(G - G_1)/(G_2 - G_1)`
    with two anchor projections at growth rates :math:`g_1` (the default) and
    :math:`g_1 + 0.01`. Projections that differ only in the growth rate (the draws of an
    ensemble) then cost two inventories per year instead of one per draw; the tests check
    the interpolation against a direct projection.
    """
    return _projection(activity_set, year, base_year, forecast_parameters)[0]


def _projected_year(
    activity_set: ActivitySet,
    year: int,
    base_year: int,
    forecast_parameters: ForecastParameters,
    technology_parameters: BaseModel,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a year's projected inventory and its clean-technology options (cached).

    The same year under the same forecast is the same for every scenario of a comparison
    or draw of an ensemble, so it is computed once per process (keyed by the content of
    the activity set, the years and the parameters; callers get copies). The options are
    priced from the year's option plan (:func:`portcap.policy.technology.option_plan`),
    made once for all the projections that share the year's rows.
    """
    from portcap.policy import technology

    key = (
        "options",
        _activity_key(activity_set),
        str(year),
        str(base_year),
        forecast_parameters.model_dump_json(),
        technology_parameters.model_dump_json(),
    )
    cached = _PROJECTION_CACHE.get(key)
    if cached is None:
        emissions, layout = _projection(activity_set, year, base_year, forecast_parameters)
        plan_key = ("plan", *layout)
        plan = _PROJECTION_CACHE.get(plan_key)
        if plan is None:
            plan = technology.option_plan(emissions)
            _cache_put(plan_key, plan)
        assert isinstance(plan, technology.OptionPlan)
        options = technology.options_from_plan(
            plan,
            emissions["mass_tonnes"].to_numpy(dtype=float),
            year=year,
            parameters=technology_parameters,  # type: ignore[arg-type]
        )
        cached = (emissions, options)
        _cache_put(key, cached)
    emissions, options = cached  # type: ignore[misc]
    return emissions.copy(), options.copy()


def projection_keys(
    scenario: Scenario, activity_set: ActivitySet | None = None
) -> list[tuple[str, ...]]:
    """Return the keys of the inventories :func:`run` of a scenario computes, in order.

    The observed inventories of the base and reference years and the anchor projections
    of every year (see :func:`_projected_emissions`). An ensemble builds them once, in
    parallel, and hands them to every worker (:func:`build_projection`,
    :func:`import_projections`).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    activity_set : ActivitySet, optional
        Default: the packaged San Pedro Bay baseline.

    Returns
    -------
    list of tuple
        Cache keys (content-based: the same in every process).
    """
    from portcap import forecast

    activity_set = activity_set or load_activity_set()
    parameters = forecast.ForecastParameters(**scenario.forecast)
    keys = [_reference_key(activity_set, year) for year in sorted(_reference_years(scenario))]
    for year in scenario.years:
        keys += [key for key, _ in _anchors(activity_set, year, scenario.base_year, parameters)]
    return list(dict.fromkeys(keys))


def build_projection(
    key: tuple[str, ...], activity_set: ActivitySet | None = None
) -> tuple[tuple[str, ...], pd.DataFrame]:
    """Compute (or take from this process's cache) the inventory of a key.

    Parameters
    ----------
    key : tuple of str
        From :func:`projection_keys`.
    activity_set : ActivitySet, optional
        The activity set the key was made from (default: the packaged baseline).

    Returns
    -------
    tuple
        The key and the emissions table.

    Raises
    ------
    ValueError
        If the key was made from another activity set.
    """
    from portcap import forecast

    activity_set = activity_set or load_activity_set()
    if key[1] != _activity_key(activity_set):
        msg = "the key was made from another activity set"
        raise ValueError(msg)
    if key[0] == "reference":
        return key, _reference_inventory(activity_set, int(key[2]))
    year, base_year = int(key[2]), int(key[3])
    anchor = forecast.ForecastParameters.model_validate_json(key[4])
    return key, _anchor_table(activity_set, key, anchor, year, base_year).copy()


def export_projections(
    keys: list[tuple[str, ...]] | None = None,
) -> dict[tuple[str, ...], pd.DataFrame]:
    """Return this process's cached inventories (all, or those of ``keys`` it holds)."""
    wanted = _PROJECTION_CACHE.keys() if keys is None else keys
    return {
        key: value
        for key in wanted
        if key[0] in _KEPT and isinstance(value := _PROJECTION_CACHE.get(key), pd.DataFrame)
    }


def import_projections(entries: dict[tuple[str, ...], pd.DataFrame]) -> int:
    """Add inventories built elsewhere (:func:`export_projections`) to this process's cache.

    Keys are content-based, so an entry is only ever used for the activity set, years and
    parameters it was computed from. Returns the number of entries added.
    """
    added = 0
    for key, table in entries.items():
        if key[0] not in _KEPT:
            msg = f"not an inventory key: {key[0]!r}"
            raise ValueError(msg)
        if key not in _PROJECTION_CACHE:
            _cache_put(tuple(key), table)
            added += 1
    return added


def _reference_years(scenario: Scenario) -> set[int]:
    return {scenario.base_year} | {
        c.reference_year for c in scenario.caps if c.reference_year is not None
    }


def _make_regime(scenario: Scenario, context: RegimeContext) -> Regime:
    """Make the scenario's policy regime (each module imported only when used)."""
    if scenario.policy == "none":
        return NoPolicy()
    if scenario.policy == "cap":
        from portcap.policy.cap import CapRegime

        return CapRegime(
            scenario.caps,
            context,
            technology_first=scenario.technology_first,
            turn_away=scenario.turn_away,
        )
    module = importlib.import_module(f"portcap.policy.{scenario.policy}")
    parameters = getattr(scenario, scenario.policy)
    model = regime_parameter_model(scenario.policy)
    regime: Regime = module.make_regime(model(**parameters), context)
    return regime


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _by_source(emissions: pd.DataFrame) -> pd.DataFrame:
    keys = ["year", "port", "terminal", "source", "pollutant"]
    return emissions.groupby(keys, as_index=False, sort=True).agg(
        mass_tonnes=("mass_tonnes", "sum")
    )


def _teu_changes(flows: pd.DataFrame) -> pd.DataFrame:
    """TEU lost by the region and gained by each gateway, per year."""
    if flows.empty:
        return pd.DataFrame(columns=["year", "region", "teu"])
    lost = flows.groupby("year", as_index=False).agg(teu=("teu", "sum"))
    lost = lost.assign(region="regional", teu=-lost["teu"])
    served = flows[flows["gateway"] != "unserved"]
    gained = served.groupby(["year", "gateway"], as_index=False).agg(teu=("teu", "sum"))
    gained = gained.rename(columns={"gateway": "region"})
    return pd.concat([lost, gained], ignore_index=True)[["year", "region", "teu"]]


def _diversion_table(flows: pd.DataFrame, leakage: LeakageMatrix) -> pd.DataFrame:
    """Flows with their change of emissions by leg, region and pollutant, wide.

    One column ``<leg>_<region>_<pollutant>_tonnes`` per leg, region and pollutant whose
    change is not zero somewhere (in their sorted order), zero where a flow changes
    nothing (or is unserved).
    """
    keys = ["year", "terminal", "gateway", "destination"]
    if flows.empty:
        return pd.DataFrame(columns=[*keys, "teu"])
    change = leakage.change_tonnes
    some = change != 0.0
    present = some.any(axis=0)
    names = [
        f"{leg}_{region}_{pollutant}_tonnes" for leg, region, pollutant in leakage.columns[present]
    ]
    values = np.zeros((len(flows), len(names)))
    if len(leakage.keys):
        row = pd.MultiIndex.from_frame(leakage.keys[keys]).get_indexer(
            pd.MultiIndex.from_frame(flows[keys])
        )
        hit = row >= 0
        hit[hit] = some[row[hit]].any(axis=1)
        values[hit] = change[row[hit]][:, present]
    by_leg = pd.DataFrame(values, columns=names)
    return pd.concat([flows.reset_index(drop=True), by_leg], axis=1).fillna(0.0)


def _sums(frame: pd.DataFrame, keys: list[str], column: str) -> dict[tuple[object, ...], float]:
    """Return the sums of a column by keys (a groupby's: compensated, in row order)."""
    if frame.empty:
        return {}
    sums = frame.groupby(keys)[column].sum()
    return {(k if isinstance(k, tuple) else (k,)): float(v) for k, v in sums.items()}


def _leakage_sums(leakage: LeakageMatrix) -> dict[tuple[object, ...], tuple[float, float]]:
    """Change and new-routing emissions by year, region and pollutant [t].

    Summed over the non-zero changes in the order of the long leakage table (the rows
    of :meth:`portcap.diversion.leakage.LeakageMatrix.table`), as a groupby of it would.
    """
    change = leakage.change_tonnes.ravel()
    if not len(change):
        return {}
    n_columns = len(leakage.columns)
    kept = np.flatnonzero(change != 0.0)
    column = kept % n_columns
    # integer codes of (year, region, pollutant): a groupby of the long table's rows
    years, year_labels = pd.factorize(leakage.keys["year"].to_numpy())
    regions, region_labels = pd.factorize(leakage.columns.get_level_values("region"))
    pollutants, pollutant_labels = pd.factorize(leakage.columns.get_level_values("pollutant"))
    n_regions, n_pollutants = len(region_labels), len(pollutant_labels)
    code = (years[kept // n_columns] * n_regions + regions[column]) * n_pollutants + pollutants[
        column
    ]
    sums = (
        pd.DataFrame({"change": change[kept], "new": leakage.new_tonnes.ravel()[kept]})
        .groupby(code)
        .sum()
    )
    out: dict[tuple[object, ...], tuple[float, float]] = {}
    for value, c, n in zip(sums.index, sums["change"], sums["new"], strict=True):
        rest, pollutant = divmod(int(value), n_pollutants)
        year, region = divmod(rest, n_regions)
        key = (int(year_labels[year]), str(region_labels[region]), str(pollutant_labels[pollutant]))
        out[key] = (float(c), float(n))
    return out


def _summary(
    scenario: Scenario,
    policy_emissions: pd.DataFrame,
    baseline_emissions: pd.DataFrame,
    terminals: pd.DataFrame,
    flows: pd.DataFrame,
    leakage: LeakageMatrix,
    jobs: pd.DataFrame,
    costs: pd.DataFrame,
    caps: pd.DataFrame,
    payments: pd.DataFrame,
    indicators: dict[int, dict[str, float]],
) -> dict[str, object]:
    # every sum once, by year (the same sums, in the same order, as year by year)
    policy_sums = _sums(policy_emissions, ["year", "pollutant"], "mass_tonnes")
    baseline_sums = _sums(baseline_emissions, ["year", "pollutant"], "mass_tonnes")
    leak = _leakage_sums(leakage)

    def totals(sums: dict[tuple[object, ...], float], year: int) -> dict[str, float]:
        return {p: round(sums.get((year, p), 0.0), 6) for p in SUMMARY_POLLUTANTS}

    def leg_sums(year: int, region: str, part: int) -> dict[str, float]:
        return {str(k[2]): v[part] for k, v in leak.items() if k[0] == year and k[1] == region}

    def by_year(frame: pd.DataFrame) -> dict[object, pd.DataFrame]:
        return dict(iter(frame.groupby("year", sort=False))) if len(frame) else {}

    terminals_by_year = by_year(terminals)
    flows_by_year = by_year(flows)
    jobs_by_year = by_year(jobs[jobs["region"] == "regional"]) if len(jobs) else {}
    costs_by_year = by_year(costs)
    payments_by_year = by_year(payments)
    complex_by_year = by_year(caps[caps["scope"] == "complex"]) if len(caps) else {}
    per_year = []
    for year in scenario.years:
        rows = terminals_by_year.get(year, terminals.iloc[:0])
        year_flows = flows_by_year.get(year, flows.iloc[:0])
        regional = totals(policy_sums, year)
        new_regional = leg_sums(year, "regional", 1)
        regional = {p: round(v + new_regional.get(p, 0.0), 6) for p, v in regional.items()}
        baseline = totals(baseline_sums, year)
        elsewhere = leg_sums(year, "elsewhere", 0)
        net_co2e = regional["co2e"] - baseline["co2e"] + elsewhere.get("co2e", 0.0)
        complex_caps = complex_by_year.get(year, caps.iloc[:0])
        cap_tonnes = {
            p: (
                round(
                    float(complex_caps.loc[complex_caps["pollutant"] == p, "cap_tonnes"].min()), 6
                )
                if (complex_caps["pollutant"] == p).any()
                else None
            )
            for p in SUMMARY_POLLUTANTS
        }
        year_jobs = jobs_by_year.get(year, jobs.iloc[:0])
        year_costs = costs_by_year.get(year, costs.iloc[:0])
        measures_cost = float(year_costs["cost_usd"].sum()) if len(year_costs) else 0.0
        year_payments = payments_by_year.get(year, payments.iloc[:0])
        paid = (
            {str(k): float(v) for k, v in year_payments.groupby("kind")["usd"].sum().items()}
            if len(year_payments)
            else {}
        )
        # money terminals pay beyond their measures: fees, allowances (net), penalties
        transfers = sum(v for k, v in paid.items() if k != "public_funding")
        diverted_by_port = (
            year_flows[year_flows["gateway"] != "unserved"].groupby("gateway")["teu"].sum()
            if len(year_flows)
            else pd.Series(dtype=float)
        )
        unserved = (
            float(year_flows.loc[year_flows["gateway"] == "unserved", "teu"].sum())
            if len(year_flows)
            else 0.0
        )
        per_year.append(
            {
                "year": year,
                "teu_demand": round(float(rows["teu_demand"].sum()), 3),
                "teu_handled": round(float(rows["teu_handled"].sum()), 3),
                "teu_turned_away": round(float(rows["teu_turned_away"].sum()), 3),
                "teu_diverted_by_port": {
                    str(k): round(float(v), 3) for k, v in diverted_by_port.items()
                },
                "teu_unserved": round(unserved, 3),
                "regional_emissions_tonnes": regional,
                "baseline_regional_emissions_tonnes": baseline,
                "cap_tonnes": cap_tonnes
                if any(v is not None for v in cap_tonnes.values())
                else None,
                "emissions_elsewhere_change_tonnes": {
                    p: round(elsewhere.get(p, 0.0), 6) for p in SUMMARY_POLLUTANTS
                },
                "net_co2e_change_tonnes": round(net_co2e, 6),
                "regional_jobs_change": round(float(year_jobs["jobs"].sum()), 3),
                "compliance_cost_usd": round(
                    indicators.get(year, {}).get("terminal_measures_cost_usd", measures_cost)
                    + transfers,
                    2,
                ),
                "cap_binding_dates": {
                    str(t): d for t, d in zip(rows["terminal"], rows["binding_date"], strict=True)
                },
                "technology_cost_usd": round(measures_cost, 2),
                "public_cost_usd": round(paid.get("public_funding", 0.0), 2),
                "payments_usd": {k: round(v, 2) for k, v in sorted(paid.items())},
                "regional_output_change_usd": round(float(year_jobs["output_usd"].sum()), 2)
                if "output_usd" in year_jobs
                else 0.0,
                "indicators": {k: float(v) for k, v in indicators.get(year, {}).items()},
            }
        )
    return {
        "scenario": scenario.name,
        "policy": scenario.policy,
        "base_year": scenario.base_year,
        "years": per_year,
        "provenance": {
            "portcap_version": __version__,
            "scenario_hash": scenario_hash(scenario),
            "scenario": scenario.model_dump(mode="json"),
            "data_sources": [
                "src/portcap/data/baseline/SOURCES.md",
                "src/portcap/data/factors/SOURCES.md",
                "src/portcap/data/diversion/SOURCES.md",
                "src/portcap/data/forecast/SOURCES.md",
                "src/portcap/data/policy/SOURCES.md",
                "src/portcap/data/economy/SOURCES.md",
            ],
        },
    }
