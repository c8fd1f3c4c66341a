"""The orchestrator: the one module that knows the whole chain of a run.

For now it runs the ship inventory (:func:`run_ships`): AIS or calls in, the tidy ship
emissions table out, with the vessel table, the quarantine and the counts of everything
that was dropped or changed on the way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import polars as pl
from tqdm.auto import tqdm

from portcap import calls as calls_module
from portcap import inventory, vessels, writers
from portcap.ais import intervals, schema, stream, zones
from portcap.errors import InputError


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


_CALLS_QUARANTINE_COLUMNS = ("source_file", "source_row", "reason", "field", "original_value")
_GAP_KEYS = (
    "n_bridged_gaps",
    "bridged_duration_h",
    "n_cut_gaps",
    "cut_duration_h",
    "n_speed_implied",
    "n_speed_missing",
    "observed_duration_h",
)


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
    progress: bool = False,
    report: Callable[[str], None] | None = None,
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
    progress : bool
        Show progress bars on large inputs.
    report : callable, optional
        Receives one line per stage (for a command-line log).

    Returns
    -------
    ShipsRun

    Raises
    ------
    InputError
        When nothing usable remains (no readable rows, no ocean-going vessel).
    """
    path = Path(input_path)
    if not path.exists():
        raise InputError("no such file or folder", path=path)
    say = report or (lambda _line: None)
    user_vessels = vessels.read_vessels(vessels_path) if vessels_path else None
    target = None if quarantine_path is None else Path(quarantine_path)
    if _is_calls_file(path):
        return _run_calls(path, user_vessels, method, call_parameters, vessel_defaults, target, say)
    return _run_ais(path, user_vessels, zones_path, method, vessel_defaults, target, progress, say)


def _run_ais(
    path: Path,
    user_vessels: pd.DataFrame | None,
    zones_path: str | Path | None,
    method: inventory.ShipMethod | None,
    vessel_defaults: vessels.VesselDefaults | None,
    quarantine_path: Path | None,
    progress: bool,
    say: Callable[[str], None],
) -> ShipsRun:
    stages = _Stages(("read and clean", "intervals", "vessels", "emissions"), progress=progress)
    try:
        with stages.stage("read and clean"):
            loaded = stream.load_clean_ais(
                path,
                quarantine_path=quarantine_path,
                progress=progress,
                skip_bad_files=path.is_dir(),
            )
        counts, input_counts = _split_counts(loaded.counts)
        say(f"read {input_counts.get('rows_read', 0):,} rows, kept {loaded.pings.height:,}")
        pings = loaded.pings
        if pings.height == 0:
            raise InputError("no usable AIS reports remain after cleaning", path=path)
        with stages.stage("intervals"):
            zone_set = zones.load_zones(zones_path) if zones_path else None
            built = intervals.build_intervals(
                pings.select(
                    "mmsi", "timestamp", "latitude_deg", "longitude_deg", "speed_over_ground_kn"
                ),
                zone_set,
            )
        with stages.stage("vessels"):
            static = loaded.static.to_pandas()
            table = vessels.build_vessel_table(
                static["mmsi"],
                ais_static=static,
                user_vessels=user_vessels,
                defaults=vessel_defaults,
            )
        if table.vessels.empty:
            raise InputError(
                f"none of the {len(static)} vessels is an ocean-going vessel with known "
                "characteristics (see the excluded vessels)",
                path=path,
            )
        with stages.stage("emissions"):
            activity = built.intervals.select(
                "mmsi",
                "start",
                "duration_h",
                "speed_over_ground_kn",
                "zone_kind",
                "terminal",
                "in_eca",
            )
            result = inventory.ogv_emissions(activity, table.vessels, method=method)
    finally:
        stages.close()
    report = built.gaps_report
    gaps = {key: float(report[key]) for key in _GAP_KEYS if key in report}
    return ShipsRun(
        emissions=result.emissions,
        vessels=table.vessels,
        excluded_vessels=table.excluded,
        quarantine_path=loaded.quarantine_path,
        counts=counts,
        input_counts=input_counts,
        gaps=gaps,
        cut_gaps=report.get("cut_gaps"),
        method="ais",
        timings_s=stages.timings,
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
