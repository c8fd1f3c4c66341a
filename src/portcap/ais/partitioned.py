"""Year-long AIS in partitions: bounded memory on one machine, or a Dask cluster.

:func:`run_partitioned` gives the ship activity of a folder of AIS files (MarineCadastre
daily files, for instance) as the single pass of :mod:`portcap.engine` would, but reads
and works the files a *partition* (consecutive files in name order: ``files_per_partition``
files, or up to :data:`PARTITION_BYTES` on disk) at a time, so that memory follows the size
of a partition, not of the input.
Partitions run one after the other in this process or, with ``scheduler``, as tasks on
a Dask cluster; their small results are stitched together in order.

What a partition does (in a worker)
    It reads and cleans its files with the row rules, duplicates and order of
    :func:`portcap.ais.stream.load_clean_ais` (the position-jump filter aside), writes
    its quarantine rows to a part file, runs the jump filter on its own reports, and
    turns the reports that lie at least ``reach`` kept reports from both of its ends
    into activity intervals, grouped by vessel, day, zone, ECA flag, speed and
    shore-power window with the hours summed. It returns those groups, its counts and
    static vessel data, and, for each vessel, its first and last reports (the *head*
    and the *tail*, with ``context`` = 2 ``reach`` settled neighbours each).

The midnight carry (in the client, partition by partition, in order)
    Each vessel's tail is carried forward until the vessel's next reports arrive. The
    reports around the boundary (the previous tail and the new head, between their
    settled neighbours) then go through the jump filter again, and the intervals from
    the vessel's last settled report (carried forward) to its first settled report of
    the new partition are built, so the interval across midnight is the one a single
    pass builds. A vessel with too few reports in a partition has all of them carried.
    Berth visits that cross a boundary are carried too (the open visit's hours so far
    and the records whose shore-power window depends on when the visit ends).

Why the carry gives the single-pass result
    Every cross-report rule depends on a bounded neighbourhood: an interval on the next
    report, the jump filter's decision on a report on at most ``_CONTEXT_REACH`` reports
    either side per round (:func:`portcap.ais.clean._jump_round`), so a difference at an
    end of a window (a missing neighbour) moves at most
    ``_CONTEXT_REACH + _CORE_REACH`` kept reports inwards per round and at most
    :func:`jump_reach` kept reports in all. A decision further than that from both ends
    of a window is the one of the single pass; the reports nearer an end are decided
    again in the next window, which has that many settled reports on both sides.
    Duplicates and out-of-order reports stay exact because a vessel's reports must be
    in time order across partitions (checked; the error names the vessel and files).

The quarantine is one file, like the single pass: the partitions' part files (read,
row, duplicate, order and value-change rows), less the value changes of reports the
jump filter dropped later, plus the jump rows, are streamed into it at the end. The part
files sit in a scratch folder beside the quarantine file, which on a cluster must be
on storage the workers share (as must the input files).
"""

from __future__ import annotations

import inspect
import math
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl
from tqdm.auto import tqdm

from portcap.ais import clean, intervals, modes, stream, zones
from portcap.ais.read import _ais_files
from portcap.ais.schema import QUARANTINE_REASONS, empty_quarantine, quarantine_rows
from portcap.errors import InputError

__all__ = [
    "ACTIVITY_COLUMNS",
    "GAP_KEYS",
    "PARTITION_BYTES",
    "PartitionedAis",
    "at_berth",
    "jump_reach",
    "plan_partitions",
    "run_partitioned",
    "shore_power_timing",
]

#: Columns of :attr:`PartitionedAis.activity`: one row per vessel, day (``start``, the
#: midnight that starts it), zone kind, terminal, ECA flag, speed and shore-power window,
#: with the hours of activity summed. ``portcap.inventory.ogv_emissions`` takes it as
#: activity records (its result is linear in the hours of records that share these).
ACTIVITY_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "start",
    "zone_kind",
    "terminal",
    "in_eca",
    "speed_over_ground_kn",
    "shore_power_timing",
    "duration_h",
)
_GROUP_KEYS = ACTIVITY_COLUMNS[:-1]
#: Gap tallies of :func:`portcap.ais.intervals.build_intervals` summed over the pieces.
GAP_KEYS: tuple[str, ...] = (
    "n_bridged_gaps",
    "bridged_duration_h",
    "n_cut_gaps",
    "cut_duration_h",
    "n_speed_implied",
    "n_speed_missing",
    "observed_duration_h",
    "total_duration_h",
)
_ROW_COLUMNS: tuple[str, ...] = (*stream.PING_COLUMNS,)
_US_PER_H = 3_600_000_000
_BERTH = modes.OPERATING_MODES.index("berth")
# Clean-stage "changed" rows are recorded on the reports kept only: the ones of a report
# the jump filter drops later are taken out of the part files at the end.
_CHANGES_OF_KEPT = tuple(
    r.code for r in QUARANTINE_REASONS.values() if r.stage == "clean" and r.action == "changed"
)
# Role of a report in a stitching window: settled context before, reports to settle,
# settled context after.
_BEFORE, _SETTLE, _AFTER = 0, 1, 2
# Role of a shore-power record whose window is not known yet: in the piece's first berth
# run (waits for the hours before), in its last (waits for the end of the visit), or in a
# run that spans the whole piece (waits for both).
_START, _END, _WHOLE = 0, 1, 2
#: Largest partition on disk when files are grouped by size [bytes]. A worker peaks at about
#: 2.3 times its partition above the interpreter (``bench/bench_ships_memory.py``: 423 MB
#: for a 115 MB partition of CSV, 164 MB of it the interpreter and libraries), so 128 MiB
#: keep a worker under 1 GB. An assumption on memory, not on the result, which is the same
#: for any grouping. Compressed files count at their size on disk.
PARTITION_BYTES = 128 * 2**20
_PIECE_ROWS = 200_000  # reports per slice of activity (about 50 MB of temporaries)
_GROUPS_KEPT = 32  # activity pieces kept before they are summed into one table
_JUMP_ROWS_KEPT = 100_000  # jump quarantine rows kept before they are written to a part


def jump_reach(max_jump_rounds: int) -> int:
    """Kept reports a missing neighbour can change the jump filter's decisions by.

    Parameters
    ----------
    max_jump_rounds : int
        Rounds of the jump filter (:func:`portcap.ais.clean.clean_pings`) [-].

    Returns
    -------
    int
        ``(_CONTEXT_REACH + _CORE_REACH) * (max_jump_rounds + 1)`` [reports]: in each of
        the ``max_jump_rounds + 1`` rounds a decision reads at most ``_CONTEXT_REACH``
        reports either side of a re-examined one, itself at most ``_CORE_REACH`` from a
        report that changed in the round before.

    Examples
    --------
    >>> jump_reach(3)
    40
    """
    return (clean._CONTEXT_REACH + clean._CORE_REACH) * (max_jump_rounds + 1)


class _Cleaning(NamedTuple):
    """Cleaning parameters (those of :func:`portcap.ais.stream.load_clean_ais`)."""

    batch_rows: int
    max_speed_kn: float
    max_implied_speed_kn: float
    ship_mmsi_range: tuple[int, int]
    min_jump_distance_nmi: float
    max_jump_rounds: int

    @property
    def reach(self) -> int:
        """Reports from a window's end whose jump decisions may still change."""
        return jump_reach(self.max_jump_rounds)

    @property
    def context(self) -> int:
        """Settled kept reports given as context on each side of a window (twice reach)."""
        return 2 * self.reach


def _default_cleaning() -> _Cleaning:
    """Return the defaults of :func:`~portcap.ais.stream.load_clean_ais` (the single pass's)."""
    parameters = inspect.signature(stream.load_clean_ais).parameters
    return _Cleaning(*(parameters[name].default for name in _Cleaning._fields))


class _Timing(NamedTuple):
    """Shore-power window of a berth visit [us]: after connecting, before disconnecting."""

    connect_us: int
    disconnect_us: int


def _timing(connect_h: float, disconnect_h: float) -> _Timing:
    return _Timing(round(connect_h * _US_PER_H), round(disconnect_h * _US_PER_H))


# --------------------------------------------------------------------------------------
# Berth visits and the shore-power window
# --------------------------------------------------------------------------------------
def at_berth(
    speed_over_ground_kn: npt.ArrayLike | pl.Series, zone_kind: pl.Series | npt.ArrayLike
) -> npt.NDArray[np.bool_]:
    """Whether each activity record is in operating mode ``berth`` (EPA 2022 §3.2).

    Parameters
    ----------
    speed_over_ground_kn : array_like or polars.Series
        Record speed [kn]; null or NaN is not at berth.
    zone_kind : polars.Series or array_like
        Zone kind of the record, as :func:`portcap.ais.modes.operating_mode_code` takes it.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the mode is ``berth``. The berth rule (inside a berth zone at
        1 kn or less) comes before the rules that need the load factor, so no vessel
        data is needed.

    Examples
    --------
    >>> at_berth([0.0, 0.5, 4.0, float("nan")], ["berth", None, "berth", "berth"]).tolist()
    [True, False, False, False]
    """
    speed = np.asarray(
        speed_over_ground_kn.to_numpy()
        if isinstance(speed_over_ground_kn, pl.Series)
        else speed_over_ground_kn,
        dtype=float,
    )
    code = modes.operating_mode_code(speed, np.zeros(speed.shape), zone_kind)
    return np.asarray(code == _BERTH, dtype=bool)


class _Runs(NamedTuple):
    """Berth runs of records sorted by vessel and time (see :func:`_berth_runs`)."""

    elapsed_us: npt.NDArray[np.int64]  # run hours before the record
    total_us: npt.NDArray[np.int64]  # hours of the record's run
    is_first: npt.NDArray[np.bool_]  # berth record in its vessel's first run
    is_last: npt.NDArray[np.bool_]  # berth record in its vessel's last run
    vessel_start: npt.NDArray[np.intp]  # first record of each vessel
    vessel_end: npt.NDArray[np.intp]  # last record of each vessel
    first_total_us: npt.NDArray[np.int64]  # per vessel: hours of its first run
    last_total_us: npt.NDArray[np.int64]  # per vessel: hours of its last run
    single_run: npt.NDArray[np.bool_]  # per vessel: first run is last run


def _berth_runs(
    mmsi: npt.NDArray[Any], berth: npt.NDArray[np.bool_], duration_us: npt.NDArray[np.int64]
) -> _Runs:
    """Find runs of consecutive berth (or other) records per vessel, hours exact in us."""
    n = len(mmsi)
    new_vessel = np.ones(n, dtype=bool)
    new_vessel[1:] = mmsi[1:] != mmsi[:-1]
    new_run = new_vessel.copy()
    new_run[1:] |= berth[1:] != berth[:-1]
    starts = np.flatnonzero(new_run)
    run = np.cumsum(new_run) - 1
    before = np.cumsum(duration_us) - duration_us
    run_total = np.add.reduceat(duration_us, starts) if n else np.zeros(0, dtype=np.int64)
    vessel_start = np.flatnonzero(new_vessel)
    vessel_end = np.append(vessel_start[1:], n) - 1
    vessel = np.cumsum(new_vessel) - 1
    first_run, last_run = run[vessel_start], run[vessel_end]
    return _Runs(
        elapsed_us=before - before[starts][run],
        total_us=run_total[run],
        is_first=berth & (run == first_run[vessel]),
        is_last=berth & (run == last_run[vessel]),
        vessel_start=vessel_start,
        vessel_end=vessel_end,
        first_total_us=run_total[first_run],
        last_total_us=run_total[last_run],
        single_run=first_run == last_run,
    )


def _in_window(
    elapsed_us: Any, duration_us: Any, total_us: Any, timing: _Timing
) -> npt.NDArray[np.bool_]:
    """Whether a berth record lies in its visit's shore-power window (exact integers)."""
    return np.asarray(
        (elapsed_us >= timing.connect_us)
        & (elapsed_us + duration_us <= total_us - timing.disconnect_us),
        dtype=bool,
    )


def shore_power_timing(
    mmsi: npt.ArrayLike,
    berth: npt.ArrayLike,
    duration_us: npt.ArrayLike,
    *,
    connect_h: float = 2.0,
    disconnect_h: float = 1.0,
) -> npt.NDArray[np.bool_]:
    r"""Whether each berth record falls in its visit's shore-power window.

    Parameters
    ----------
    mmsi : array_like
        Vessel of each record; records sorted by vessel and time.
    berth : array_like of bool
        Record in operating mode ``berth`` (see :func:`at_berth`).
    duration_us : array_like of int
        Record duration [us] (``end - start`` of the interval, exact).
    connect_h : float, default 2.0
        Hours at berth before a shore-power vessel is connected [h]
        (:class:`portcap.inventory.ShipMethod`).
    disconnect_h : float, default 1.0
        Hours before the end of the visit with auxiliary engines back on [h].

    Returns
    -------
    numpy.ndarray of bool
        ``True`` for a berth record inside the window; the caller combines it with the
        vessel's ``shore_power`` flag.

    Notes
    -----
    A visit is a run of consecutive berth records of one vessel (a cut gap inside it does
    not end it), as in ``portcap.inventory._shore_power_connected``. With :math:`e` the
    visit hours before the record, :math:`d` its hours and :math:`T` the visit's hours,
    the record is in the window when :math:`e \ge t_c` and :math:`e + d \le T - t_d`.
    The hours are summed as integer microseconds, so a record that starts exactly
    :math:`t_c` into the visit is in the window whatever the order of summation (the
    single pass and the partitions agree).

    Examples
    --------
    >>> minute = 60_000_000
    >>> shore_power_timing([1] * 5, [True] * 5, [60 * minute] * 5).tolist()
    [False, False, True, True, False]
    """
    vessel = np.asarray(mmsi)
    at = np.asarray(berth, dtype=bool)
    hours = np.asarray(duration_us, dtype=np.int64)
    if vessel.size == 0:
        return np.zeros(0, dtype=bool)
    runs = _berth_runs(vessel, at, hours)
    timing = _timing(connect_h, disconnect_h)
    return at & _in_window(runs.elapsed_us, hours, runs.total_us, timing)


# --------------------------------------------------------------------------------------
# Pieces: settled reports -> grouped activity, with the visits left open at either end
# --------------------------------------------------------------------------------------
_UNSETTLED_SCHEMA = pl.Schema(
    {
        "mmsi": pl.Int64(),
        "start": pl.Datetime("us"),
        "zone_kind": zones.ZONE_KIND_DTYPE,
        "terminal": pl.String(),
        "in_eca": pl.Boolean(),
        "speed_over_ground_kn": pl.Float64(),
        "duration_h": pl.Float64(),
        "duration_us": pl.Int64(),
        "elapsed_us": pl.Int64(),
        "role": pl.Int8(),
    }
)
_SUMMARY_SCHEMA = pl.Schema(
    {
        "mmsi": pl.Int64(),
        "first_berth": pl.Boolean(),
        "last_berth": pl.Boolean(),
        "whole": pl.Boolean(),
        "start_run_us": pl.Int64(),
        "end_run_us": pl.Int64(),
    }
)


def _empty_activity() -> pl.DataFrame:
    known = {**_UNSETTLED_SCHEMA, "shore_power_timing": pl.Boolean()}
    return pl.DataFrame(schema=pl.Schema({name: known[name] for name in ACTIVITY_COLUMNS}))


def _group(records: pl.DataFrame) -> pl.DataFrame:
    """Sum the hours of records that share every key of :data:`ACTIVITY_COLUMNS`."""
    return records.group_by(_GROUP_KEYS).agg(pl.col("duration_h").sum()).select(ACTIVITY_COLUMNS)


def _empty_cut_gaps() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "mmsi": pl.Int64,
            "start": pl.Datetime("us"),
            "end": pl.Datetime("us"),
            "gap_h": pl.Float64,
        }
    )


@dataclass
class _Piece:
    """Activity of a run of settled reports per vessel (consecutive in each vessel's track)."""

    groups: pl.DataFrame  # records whose shore-power window is known, grouped
    summary: pl.DataFrame  # per vessel: berth at either end, hours of the end runs
    unsettled: pl.DataFrame  # records whose window waits for a neighbouring piece
    gaps: dict[str, float]
    cut_gaps: pl.DataFrame

    @classmethod
    def empty(cls) -> _Piece:
        return cls(
            _empty_activity(),
            pl.DataFrame(schema=_SUMMARY_SCHEMA),
            pl.DataFrame(schema=_UNSETTLED_SCHEMA),
            dict.fromkeys(GAP_KEYS, 0.0),
            _empty_cut_gaps(),
        )


def _activity_piece(
    reports: pl.DataFrame, zone_set: zones.Zones | None, timing: _Timing, *, keep_last: bool
) -> _Piece:
    """Intervals of settled kept reports (sorted by vessel and time) as a :class:`_Piece`.

    Each vessel's last report opens no interval here unless ``keep_last`` (the end of its
    track): its interval runs to a report of the next piece, and it is carried there.
    The reports are worked in slices of about :data:`_PIECE_ROWS` that never split a
    vessel, so the temporaries stay small whatever the partition size.
    """
    if reports.height <= _PIECE_ROWS:
        return _activity_slice(reports, zone_set, timing, keep_last=keep_last)
    pieces = [
        _activity_slice(reports.slice(start, end - start), zone_set, timing, keep_last=keep_last)
        for start, end in stream.vessel_slices(reports.get_column("mmsi"), _PIECE_ROWS)
    ]
    gaps = dict.fromkeys(GAP_KEYS, 0.0)
    for piece in pieces:
        for key, value in piece.gaps.items():
            gaps[key] += value
    return _Piece(
        _group(pl.concat([piece.groups for piece in pieces])),
        pl.concat([piece.summary for piece in pieces]),
        pl.concat([piece.unsettled for piece in pieces]),
        gaps,
        pl.concat([piece.cut_gaps for piece in pieces]),
    )


def _activity_slice(
    reports: pl.DataFrame, zone_set: zones.Zones | None, timing: _Timing, *, keep_last: bool
) -> _Piece:
    """:func:`_activity_piece` of one slice of whole vessels."""
    if reports.height == 0:
        return _Piece.empty()
    built = intervals.build_intervals(reports.select(intervals.REQUIRED_PING_COLUMNS), zone_set)
    table = built.intervals
    if not keep_last:
        table = table.filter((pl.col("mmsi") == pl.col("mmsi").shift(-1)).fill_null(False))
    gaps = {key: float(built.gaps_report[key]) for key in GAP_KEYS}
    cut_gaps = built.gaps_report["cut_gaps"]
    if table.height == 0:
        piece = _Piece.empty()
        piece.gaps, piece.cut_gaps = gaps, cut_gaps
        return piece
    records = table.select(
        pl.col("mmsi").cast(pl.Int64),
        pl.col("start").dt.truncate("1d"),
        "zone_kind",
        pl.col("terminal").cast(pl.String),
        "in_eca",
        "speed_over_ground_kn",
        "duration_h",
        (pl.col("end") - pl.col("start")).dt.total_microseconds().alias("duration_us"),
    )
    mmsi = records["mmsi"].to_numpy()
    berth = at_berth(records["speed_over_ground_kn"], records["zone_kind"])
    hours = records["duration_us"].to_numpy()
    runs = _berth_runs(mmsi, berth, hours)
    elapsed, total = runs.elapsed_us, runs.total_us
    after_ok = elapsed + hours <= total - timing.disconnect_us
    before_ok = elapsed >= timing.connect_us
    # Known windows: runs inside the piece; a first run's records once past the connect
    # hours (hours before the piece only add); a last run's records that end early
    # enough (hours after the piece only add) or start too early.
    inside = berth & ~runs.is_first & ~runs.is_last
    first_only = runs.is_first & ~runs.is_last
    last_only = runs.is_last & ~runs.is_first
    whole = runs.is_first & runs.is_last
    known = ~berth | inside
    known |= first_only & before_ok
    known |= last_only & (~before_ok | after_ok)
    known |= whole & before_ok & after_ok
    window = berth & before_ok & after_ok
    role = np.where(whole, _WHOLE, np.where(runs.is_first, _START, _END)).astype(np.int8)
    groups = _group(
        records.filter(pl.Series(known)).with_columns(shore_power_timing=pl.Series(window[known]))
    )
    unsettled = records.filter(pl.Series(~known)).with_columns(
        elapsed_us=pl.Series(elapsed[~known], dtype=pl.Int64),
        role=pl.Series(role[~known], dtype=pl.Int8),
    )
    starts, ends = runs.vessel_start, runs.vessel_end
    summary = pl.DataFrame(
        {
            "mmsi": mmsi[starts],
            "first_berth": berth[starts],
            "last_berth": berth[ends],
            "whole": berth[starts] & runs.single_run,
            "start_run_us": np.where(berth[starts], runs.first_total_us, 0),
            "end_run_us": np.where(berth[ends], runs.last_total_us, 0),
        },
        schema=_SUMMARY_SCHEMA,
    )
    return _Piece(groups, summary, unsettled.select(list(_UNSETTLED_SCHEMA)), gaps, cut_gaps)


class _Visits:
    """Berth visits open at the end of the pieces seen so far, applied piece by piece."""

    def __init__(self, timing: _Timing) -> None:
        self.timing = timing
        self.open = pl.DataFrame(schema={"mmsi": pl.Int64, "open_us": pl.Int64})
        self.pending = pl.DataFrame(schema=_UNSETTLED_SCHEMA)

    def _settle(self, records: pl.DataFrame) -> pl.DataFrame:
        """Group records with ``elapsed_us`` and the visit's ``total_us`` known."""
        window = _in_window(
            records["elapsed_us"].to_numpy(),
            records["duration_us"].to_numpy(),
            records["total_us"].to_numpy(),
            self.timing,
        )
        return _group(records.with_columns(shore_power_timing=pl.Series(window, dtype=pl.Boolean)))

    def apply(self, piece: _Piece) -> list[pl.DataFrame]:
        """Join a piece (the next in each of its vessels' tracks); return settled groups."""
        if piece.summary.height == 0:
            return []
        ends = (
            piece.summary.join(self.open, on="mmsi", how="left")
            .with_columns(cont=pl.col("first_berth") & pl.col("open_us").is_not_null())
            .with_columns(offset=pl.when("cont").then("open_us").otherwise(0))
        )
        settled: list[pl.DataFrame] = []
        # visits that end before or inside this piece
        closing = ends.filter(pl.col("open_us").is_not_null() & ~(pl.col("cont") & pl.col("whole")))
        closing = closing.select(
            "mmsi",
            total_us=pl.when("cont")
            .then(pl.col("offset") + pl.col("start_run_us"))
            .otherwise("open_us"),
        )
        if self.pending.height and closing.height:
            ending = self.pending.join(closing, on="mmsi", how="inner")
            if ending.height:
                settled.append(self._settle(ending))
                self.pending = self.pending.join(closing, on="mmsi", how="anti")
        # the piece's records that were waiting for the hours before it
        unsettled = piece.unsettled.join(
            ends.select("mmsi", "offset", "start_run_us"), on="mmsi", how="left"
        )
        first = unsettled.filter(pl.col("role") == _START)
        if first.height:
            settled.append(
                self._settle(
                    first.with_columns(
                        elapsed_us=pl.col("elapsed_us") + pl.col("offset"),
                        total_us=pl.col("offset") + pl.col("start_run_us"),
                    )
                )
            )
        waiting = unsettled.filter(pl.col("role") != _START).with_columns(
            elapsed_us=pl.when(pl.col("role") == _WHOLE)
            .then(pl.col("elapsed_us") + pl.col("offset"))
            .otherwise("elapsed_us")
        )
        self.pending = pl.concat([self.pending, waiting.select(list(_UNSETTLED_SCHEMA))])
        now_open = ends.select(
            "mmsi",
            open_us=pl.when("whole")
            .then(pl.col("offset") + pl.col("start_run_us"))
            .when("last_berth")
            .then("end_run_us")
            .otherwise(None),
        ).filter(pl.col("open_us").is_not_null())
        self.open = pl.concat(
            [self.open.join(ends.select("mmsi"), on="mmsi", how="anti"), now_open]
        )
        return settled

    def close(self) -> list[pl.DataFrame]:
        """Settle the visits still open at the end of the input."""
        if self.pending.height == 0:
            return []
        ending = self.pending.join(
            self.open.rename({"open_us": "total_us"}), on="mmsi", how="inner"
        )
        self.pending = self.pending.clear()
        return [self._settle(ending)]


# --------------------------------------------------------------------------------------
# The jump filter on a window of reports
# --------------------------------------------------------------------------------------
def _jump_filter(
    rows: pl.DataFrame, cleaning: _Cleaning
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Kept flag and implied speed of the dropped reports [kn] of rows sorted by mmsi, time."""
    n = rows.height
    alive = np.ones(n, dtype=bool)
    speed = np.full(n, np.nan)
    if n == 0:
        return alive, speed
    jumps = clean._jump_drops_windowed(
        rows.select("mmsi", "latitude_deg", "longitude_deg", "timestamp"),
        None,
        max_implied_speed_kn=cleaning.max_implied_speed_kn,
        min_distance_nmi=cleaning.min_jump_distance_nmi,
        max_rounds=cleaning.max_jump_rounds,
        chunk_rows=stream._JUMP_ROWS,
    )
    at = jumps["_row"].to_numpy().astype(np.intp)
    alive[at] = False
    speed[at] = jumps["implied_speed_kn"].to_numpy()
    return alive, speed


def _kept_around(
    mmsi: npt.NDArray[Any], alive: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Kept reports of the same vessel strictly before and strictly after each report."""
    n = len(mmsi)
    kept = alive.astype(np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = mmsi[1:] != mmsi[:-1]
    vessel = np.cumsum(new) - 1
    before_all = np.cumsum(kept) - kept
    before = before_all - before_all[new][vessel]
    total = np.add.reduceat(kept, np.flatnonzero(new)) if n else np.zeros(0, dtype=np.int64)
    return before, total[vessel] - before - kept


def _jump_quarantine(rows: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows of reports dropped by the jump filter (``_speed``: implied speed)."""
    return (
        rows.lazy()
        .with_columns(_value=pl.col("_speed").round(1).cast(pl.String))
        .pipe(quarantine_rows, reason="implied_speed_above_max", original_value=pl.col("_value"))
        .collect()
    )


def _empty_rows(*, alive: bool = False) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "mmsi": pl.Int64,
        "timestamp": pl.Datetime("us"),
        "latitude_deg": pl.Float64,
        "longitude_deg": pl.Float64,
        "speed_over_ground_kn": pl.Float64,
        "source_file": pl.String,
        "source_row": pl.UInt32,
    }
    if alive:
        schema["_alive"] = pl.Boolean
    return pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------------------
# A partition (a task: pure, runs in any process)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Task:
    """What a partition task needs (plain data: it travels to Dask workers)."""

    index: int
    files: tuple[tuple[str, str], ...]  # (path, reader kind) in name order
    part: str  # quarantine part file
    can_skip: bool  # record unusable files and go on (a folder), else raise
    zones_path: str | None
    cleaning: _Cleaning
    timing: _Timing


@dataclass
class _PartitionOutput:
    """What a partition task returns: small tables, whatever the size of the partition."""

    index: int
    counts: dict[str, int] = field(default_factory=dict)
    static: pl.DataFrame = field(default_factory=stream._empty_static)
    head: pl.DataFrame = field(default_factory=lambda: _empty_rows(alive=True))
    tail: pl.DataFrame = field(default_factory=lambda: _empty_rows(alive=True))
    body: pl.DataFrame = field(default_factory=_empty_rows)
    piece: _Piece = field(default_factory=_Piece.empty)
    kept: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"mmsi": pl.Int64, "n_kept": pl.UInt32})
    )
    drops: pl.DataFrame = field(default_factory=empty_quarantine)
    error: str | None = None  # an InputError's message (exceptions travel badly)


@cache
def _zones(path: str | None) -> zones.Zones | None:
    """Load the zones of a task once per process (``None``: the packaged set)."""
    return None if path is None else zones.load_zones(path)


def _clean_files(files: list[tuple[Path, str]], target: Path, task: _Task) -> stream.StreamResult:
    """:func:`~portcap.ais.stream.load_clean_ais` on a list of files, jump filter aside.

    The jump filter runs later on windows that reach across partitions; with it off
    here, the reports it will drop still carry their value-change quarantine rows, which
    :func:`_write_quarantine` takes out.
    """
    cleaning = task.cleaning
    spool = stream._Spool(target.parent)
    try:
        kept = stream._read_and_reduce(
            files,
            spool,
            can_skip=task.can_skip,
            batch_rows=cleaning.batch_rows,
            progress=False,
            max_speed_kn=cleaning.max_speed_kn,
            ship_mmsi_range=cleaning.ship_mmsi_range,
            keep_values=True,
        )
        kept.counts["files_skipped"] = 0
        return stream._finish(
            kept,
            spool,
            target,
            slice_rows=min(cleaning.batch_rows, stream._SLICE_ROWS),
            max_implied_speed_kn=math.inf,
            min_jump_distance_nmi=cleaning.min_jump_distance_nmi,
            max_jump_rounds=cleaning.max_jump_rounds,
            record_changes=True,
        )
    finally:
        spool.remove()


def _partition_task(task: _Task) -> _PartitionOutput:
    """Read, clean and inventory one partition; return its small results (see module)."""
    try:
        result = _clean_files([(Path(p), kind) for p, kind in task.files], Path(task.part), task)
    except InputError as exc:
        return _PartitionOutput(task.index, error=str(exc))
    reach, context = task.cleaning.reach, task.cleaning.context
    counts, static, rows = result.counts, result.static, result.pings
    del result
    alive, speed = _jump_filter(rows, task.cleaning)
    mmsi = rows["mmsi"].to_numpy()
    before, after = _kept_around(mmsi, alive)
    del mmsi
    settled = (before >= reach) & (after >= reach)
    vessel = rows.select(pl.col("mmsi").rle_id()).to_series().to_numpy()
    settled_kept = np.bincount(vessel, weights=settled & alive)
    # vessels with enough settled reports for context on both sides; others are carried
    whole = settled_kept[vessel] >= context if rows.height else np.zeros(0, dtype=bool)
    head = whole & (before < reach)
    tail = whole & (after < reach)
    middle = whole & settled
    after_context = middle & (before - reach < context)
    before_context = middle & (after - reach < context)
    del before, after, settled, vessel

    def lineage(mask: npt.NDArray[np.bool_], *extra: pl.Series) -> pl.DataFrame:
        """Return the (few) rows at ``mask`` with their file as text, and ``extra``."""
        at = pl.Series(mask)
        return rows.filter(at).with_columns(
            pl.col("source_file").cast(pl.String), *(column.filter(at) for column in extra)
        )

    flags = pl.Series("_alive", alive)
    kept = rows.select(intervals.REQUIRED_PING_COLUMNS).filter(pl.Series(middle & alive))
    return _PartitionOutput(
        index=task.index,
        counts=counts,
        static=static,
        head=lineage(head | after_context, flags, pl.Series("_context", after_context)),
        tail=lineage(before_context | tail, flags, pl.Series("_context", before_context)),
        body=lineage(~whole),
        piece=_activity_piece(kept, _zones(task.zones_path), task.timing, keep_last=False),
        kept=kept.group_by("mmsi").agg(pl.len().cast(pl.UInt32).alias("n_kept")),
        drops=_jump_quarantine(lineage(middle & ~alive, pl.Series("_speed", speed))),
    )


# --------------------------------------------------------------------------------------
# The stitch: partition results in order -> one result
# --------------------------------------------------------------------------------------
def _by_vessel(frame: pl.DataFrame) -> pl.DataFrame:
    """Sort rows by vessel, keeping the order of each vessel's rows."""
    return frame.sort("mmsi", maintain_order=True)


def _among(frame: pl.DataFrame, vessels: pl.DataFrame) -> pl.DataFrame:
    """Return the rows of ``vessels`` (a frame with ``mmsi``), in their order."""
    return frame.filter(pl.col("mmsi").is_in(vessels["mmsi"].implode()))


def _without(frame: pl.DataFrame, vessels: pl.DataFrame) -> pl.DataFrame:
    """Return the rows of the other vessels, in their order."""
    return frame.filter(~pl.col("mmsi").is_in(vessels["mmsi"].implode()))


class _Stitch:
    """Partition results, in order, to one result: the midnight carry (see module)."""

    def __init__(
        self, cleaning: _Cleaning, timing: _Timing, zone_set: zones.Zones | None, scratch: Path
    ) -> None:
        self.cleaning, self.timing, self.zone_set = cleaning, timing, zone_set
        self.scratch = scratch
        self.settled = _empty_rows(alive=True)  # per vessel: its last settled reports
        self.carried = _empty_rows()  # per vessel: reports not settled yet
        self.last_seen = pl.DataFrame(
            schema={"mmsi": pl.Int64, "timestamp": pl.Datetime("us"), "source_file": pl.String}
        )
        self.visits = _Visits(timing)
        self.groups: list[pl.DataFrame] = []
        self.kept: list[pl.DataFrame] = []
        self.static = stream._empty_static()
        self.counts: dict[str, int] = {}
        self.gaps = dict.fromkeys(GAP_KEYS, 0.0)
        self.cut_gaps: list[pl.DataFrame] = []
        self.jump_rows: list[pl.DataFrame] = []
        self.jump_parts: list[Path] = []
        self.dropped: list[pl.DataFrame] = []  # (source_file, source_row) of jump drops
        self.offsets: list[tuple[int, int]] = []  # partition -> input position offset
        self.positions = 0

    # -- bookkeeping ------------------------------------------------------------------
    def _add_piece(self, piece: _Piece) -> None:
        self.groups.append(piece.groups)
        self.groups.extend(self.visits.apply(piece))
        for key, value in piece.gaps.items():
            self.gaps[key] += value
        if piece.cut_gaps.height:
            self.cut_gaps.append(piece.cut_gaps)
        if len(self.groups) > _GROUPS_KEPT:
            self.groups = [_group(pl.concat(self.groups))]

    def _add_drops(self, rows: pl.DataFrame) -> None:
        if rows.height == 0:
            return
        self.jump_rows.append(rows)
        self.dropped.append(
            rows.select(pl.col("source_file").cast(pl.String), pl.col("source_row"))
        )
        if sum(frame.height for frame in self.jump_rows) >= _JUMP_ROWS_KEPT:
            self._write_jumps()

    def _write_jumps(self) -> None:
        if not self.jump_rows:
            return
        part = self.scratch / f"jumps-{len(self.jump_parts):06d}.parquet"
        pl.concat(self.jump_rows).write_parquet(part)
        self.jump_parts.append(part)
        self.jump_rows = []

    def _settle_window(self, window: pl.DataFrame, settle: npt.NDArray[np.bool_]) -> pl.DataFrame:
        """Record the jump drops and kept counts of the ``settle`` rows of a window.

        ``window`` carries ``_kept`` (after the jump filter on the window).
        """
        rows = window.filter(pl.Series(settle))
        self._add_drops(_jump_quarantine(rows.filter(~pl.col("_kept"))))
        kept = rows.filter(pl.col("_kept"))
        self.kept.append(kept.group_by("mmsi").agg(pl.len().cast(pl.UInt32).alias("n_kept")))
        return kept

    # -- a partition ------------------------------------------------------------------
    def add(self, out: _PartitionOutput) -> None:
        """Take the next partition's result."""
        if out.error is not None:
            raise InputError(out.error)
        self.offsets.append((out.index, self.positions))
        self.positions += int(out.counts.get("pings", 0))
        for key, n in out.counts.items():
            self.counts[key] = self.counts.get(key, 0) + int(n)
        self.static = stream._last_known([self.static, out.static])
        self._check_order(out)
        if out.head.height:
            self._join_head(out)
        self._add_piece(out.piece)
        self.kept.append(out.kept)
        if len(self.kept) > _GROUPS_KEPT:
            self.kept = [pl.concat(self.kept).group_by("mmsi").agg(pl.col("n_kept").sum())]
        self._add_drops(out.drops)
        if out.tail.height:
            vessels = out.tail.select(pl.col("mmsi").unique())
            self.settled = pl.concat(
                [
                    _without(self.settled, vessels),
                    out.tail.filter("_context").select(*_ROW_COLUMNS, "_alive"),
                ]
            )
            self.carried = pl.concat(
                [
                    _without(self.carried, vessels),
                    out.tail.filter(~pl.col("_context")).select(_ROW_COLUMNS),
                ]
            )
        if out.body.height:
            self.carried = pl.concat([self.carried, out.body])
            counts = self.carried.group_by("mmsi").len()
            long = counts.filter(pl.col("len") >= 4 * self.cleaning.context).select("mmsi")
            if long.height:
                self._settle_carried(long, final=False)

    def _check_order(self, out: _PartitionOutput) -> None:
        """Raise if a vessel's reports in this partition are not after its earlier ones."""
        incoming = pl.concat(
            [out.head.select(self.last_seen.columns), out.body.select(self.last_seen.columns)]
        )
        if incoming.height == 0:
            return
        first = incoming.group_by("mmsi").agg(pl.all().sort_by("timestamp").first())
        clash = first.join(self.last_seen, on="mmsi", how="inner", suffix="_before").filter(
            pl.col("timestamp") <= pl.col("timestamp_before")
        )
        if clash.height:
            row = clash.sort("mmsi").row(0, named=True)
            raise InputError(
                f"vessel {row['mmsi']} has a report at {row['timestamp']} that is not later "
                f"than its report at {row['timestamp_before']} in {row['source_file_before']}: "
                "partitions need each vessel's reports in time order from file to file "
                "(daily files named so that they sort by date). Read the folder in one "
                "partition instead (--partition-files 0, partition_files=0)",
                path=row["source_file"],
            )
        latest = pl.concat(
            [out.tail.select(self.last_seen.columns), out.body.select(self.last_seen.columns)]
        )
        latest = latest.group_by("mmsi").agg(pl.all().sort_by("timestamp").last())
        self.last_seen = pl.concat(
            [self.last_seen.join(latest.select("mmsi"), on="mmsi", how="anti"), latest]
        )

    def _window(self, vessels: pl.DataFrame, *parts: pl.DataFrame) -> pl.DataFrame:
        """Return the settled and carried reports of ``vessels``, then ``parts``, filtered."""
        frames = [
            _among(self.settled, vessels).with_columns(_role=pl.lit(_BEFORE, dtype=pl.Int8)),
            _among(self.carried, vessels).with_columns(
                _alive=pl.lit(None, dtype=pl.Boolean), _role=pl.lit(_SETTLE, dtype=pl.Int8)
            ),
            *parts,
        ]
        window = _by_vessel(pl.concat(frames, how="vertical"))
        kept, speed = _jump_filter(window, self.cleaning)
        return window.with_columns(_kept=pl.Series(kept), _speed=pl.Series(speed))

    def _join_head(self, out: _PartitionOutput) -> None:
        """Settle the carried reports of the vessels with a head in this partition."""
        vessels = out.head.select(pl.col("mmsi").unique())
        window = self._window(
            vessels,
            out.head.filter(~pl.col("_context"))
            .with_columns(
                _alive=pl.lit(None, dtype=pl.Boolean), _role=pl.lit(_SETTLE, dtype=pl.Int8)
            )
            .select(*_ROW_COLUMNS, "_alive", "_role"),
            out.head.filter("_context")
            .with_columns(_role=pl.lit(_AFTER, dtype=pl.Int8))
            .select(*_ROW_COLUMNS, "_alive", "_role"),
        )
        role = window["_role"].to_numpy()
        settle = role == _SETTLE
        self._settle_window(window, settle)
        self._add_piece(self._sequence(window, settle, successor=True, end=False))
        self.settled = _without(self.settled, vessels)
        self.carried = _without(self.carried, vessels)

    def _sequence(
        self, window: pl.DataFrame, settle: npt.NDArray[np.bool_], *, successor: bool, end: bool
    ) -> _Piece:
        """Activity of the settled kept reports of a window, from the carried-forward one.

        The carried-forward report is each vessel's last kept report before the window's
        settled ones (its interval was left open). With ``successor``, the first kept
        report after them (settled in the partition, which has its interval) closes the
        last interval; else the last settled report is carried forward in turn, unless
        ``end`` (the end of the input: its interval has no length).
        """
        indexed = window.with_row_index("_i")
        role = pl.col("_role")
        picks = [
            indexed.filter((role == _BEFORE) & pl.col("_alive"))
            .group_by("mmsi")
            .agg(pl.col("_i").last()),
            indexed.filter(pl.Series(settle) & pl.col("_kept")).select("mmsi", "_i"),
        ]
        if successor:
            picks.append(
                indexed.filter((role == _AFTER) & pl.col("_alive"))
                .group_by("mmsi")
                .agg(pl.col("_i").first())
            )
        chosen = pl.concat([p.select("_i") for p in picks]).to_series().sort()
        reports = window.select(_ROW_COLUMNS)[chosen]
        return _activity_piece(reports, self.zone_set, self.timing, keep_last=end)

    def _settle_carried(self, vessels: pl.DataFrame, *, final: bool) -> None:
        """Settle carried reports of ``vessels``.

        All of them at the end of the input (``final``), else those with enough kept
        reports after them.
        """
        window = self._window(vessels)
        role = window["_role"].to_numpy()
        settle = role == _SETTLE
        if not final:
            _, after = _kept_around(window["mmsi"].to_numpy(), window["_kept"].to_numpy())
            settle &= after >= self.cleaning.context
        self._settle_window(window, settle)
        self._add_piece(self._sequence(window, settle, successor=False, end=final))
        # the new settled context: the last ``context`` kept reports and what follows
        done = window.filter(pl.Series((role == _BEFORE) | settle)).with_columns(
            _alive=pl.when(pl.col("_role") == _BEFORE).then("_alive").otherwise("_kept")
        )
        _, after = _kept_around(done["mmsi"].to_numpy(), done["_alive"].to_numpy())
        done = done.filter(pl.Series(after < self.cleaning.context))
        self.settled = pl.concat(
            [
                _without(self.settled, vessels),
                done.select(*_ROW_COLUMNS, "_alive"),
            ]
        )
        self.carried = pl.concat(
            [
                _without(self.carried, vessels),
                window.filter(pl.Series((role == _SETTLE) & ~settle)).select(_ROW_COLUMNS),
            ]
        )

    def finish(self) -> None:
        """Settle every carried report and every open berth visit (the end of the input)."""
        vessels = pl.concat([self.settled.select("mmsi"), self.carried.select("mmsi")]).unique()
        if vessels.height:
            self._settle_carried(vessels, final=True)
        self.groups.extend(self.visits.close())
        self._write_jumps()


# --------------------------------------------------------------------------------------
# The quarantine file
# --------------------------------------------------------------------------------------
def _write_quarantine(
    target: Path | None,
    parts: list[tuple[Path, int]],
    jump_parts: list[Path],
    dropped: pl.DataFrame,
) -> dict[str, int]:
    """Stream the part files into the quarantine file; return the rows taken out by reason.

    ``parts`` are the partitions' part files with the input position of their first
    report (``out_of_order`` rows give positions in the whole input). The clean-stage
    changes of the reports in ``dropped`` (the jump filter dropped them) are taken out:
    the single pass records changes on the reports it keeps only.
    """
    schema = empty_quarantine().schema
    keys = ["source_file", "source_row"]
    dropped = dropped.unique()
    removed: dict[str, int] = {}
    frames: list[pl.LazyFrame] = []
    written = [(str(part), offset) for part, offset in parts if part.exists()]
    if written:
        rows = pl.scan_parquet([part for part, _ in written], include_file_paths="_part")
        rows = rows.with_columns(pl.col("source_file").cast(pl.String))
        if dropped.height:
            changed = pl.col("reason").is_in(_CHANGES_OF_KEPT)
            taken = (
                rows.filter(changed)
                .join(dropped.lazy(), on=keys, how="semi")
                .group_by("reason")
                .agg(pl.len())
                .collect()
            )
            removed = {str(reason): int(n) for reason, n in taken.iter_rows()}
            rows = pl.concat(
                [
                    rows.filter(~changed),
                    rows.filter(changed).join(dropped.lazy(), on=keys, how="anti"),
                ]
            )
        offsets = pl.DataFrame(
            {"_part": [part for part, _ in written], "_offset": [offset for _, offset in written]},
            schema={"_part": pl.String, "_offset": pl.Int64},
        )
        position = pl.col("original_value").cast(pl.Int64, strict=False) + pl.col("_offset")
        rows = (
            rows.join(offsets.lazy(), on="_part", how="left")
            .with_columns(
                original_value=pl.when(
                    (pl.col("reason") == "out_of_order") & (pl.col("_offset") > 0)
                )
                .then(position.cast(pl.String))
                .otherwise("original_value"),
                source_file=pl.col("source_file").cast(pl.Categorical),
            )
            .drop("_part", "_offset")
        )
        frames.append(rows)
    frames += [pl.scan_parquet(part) for part in jump_parts]
    if target is not None:
        plan = pl.concat([empty_quarantine().lazy(), *frames], how="vertical_relaxed").cast(schema)
        stream.sink_quarantine(plan, target)
    return removed


# --------------------------------------------------------------------------------------
# Running the partitions: in this process or on a Dask cluster
# --------------------------------------------------------------------------------------
@contextmanager
def _dask_client(scheduler: str) -> Iterator[Any]:
    """Open a ``dask.distributed`` client: a local cluster of processes, or an address."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise InputError(
            "a scheduler needs dask.distributed: pip install 'dask[distributed]'"
        ) from exc
    if scheduler == "local":
        workers = os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def _run_tasks(tasks: list[_Task], scheduler: str | None) -> Iterator[_PartitionOutput]:
    """Run the tasks and yield their results in order (with a scheduler: on Dask).

    On Dask, at most two tasks per worker thread are submitted ahead of the one the
    stitch waits for, so finished results do not pile up in the workers' memory.
    """
    if scheduler is None:
        for task in tasks:
            yield _partition_task(task)
        return
    with _dask_client(scheduler) as client:
        ahead = 2 * max(sum(client.nthreads().values()), 1)
        queue: deque[Any] = deque()
        pending = iter(tasks)
        for task in pending:
            queue.append(client.submit(_partition_task, task, pure=False))
            if len(queue) >= ahead:
                break
        while queue:
            future = queue.popleft()
            result: _PartitionOutput = future.result()
            future.release()
            following = next(pending, None)
            if following is not None:
                queue.append(client.submit(_partition_task, following, pure=False))
            yield result


def plan_partitions(
    path: str | Path, files_per_partition: int | None = None, *, max_bytes: int = PARTITION_BYTES
) -> list[list[Path]]:
    r"""Group the AIS files of a folder into partitions of consecutive files in name order.

    Parameters
    ----------
    path : str or Path
        An AIS folder (its files as :func:`portcap.ais.read.read_ais` takes them: sorted
        by name, hidden files and unknown extensions skipped) or one file.
    files_per_partition : int, optional
        Files per partition [-]. ``None``: consecutive files up to ``max_bytes`` on disk
        together (one file at least).
    max_bytes : int, default PARTITION_BYTES
        Largest partition on disk when ``files_per_partition`` is ``None`` [bytes].

    Returns
    -------
    list of list of Path
        The partitions, in order.

    Raises
    ------
    ValueError
        If ``files_per_partition`` is below 1.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for day in ("AIS_2023_01_03.csv", "AIS_2023_01_01.csv", "AIS_2023_01_02.csv"):
    ...         _ = (Path(folder) / day).write_text("MMSI\n")  # 5 bytes each
    ...     by_count = plan_partitions(folder, 2)
    ...     by_size = plan_partitions(folder, max_bytes=12)
    >>> [[p.name[-6:] for p in part] for part in by_count]
    [['01.csv', '02.csv'], ['03.csv']]
    >>> [len(part) for part in by_size]
    [2, 1]
    """
    if files_per_partition is not None and files_per_partition < 1:
        msg = f"files_per_partition must be at least 1, got {files_per_partition}"
        raise ValueError(msg)
    files, _ = _ais_files(Path(path))
    paths = [file for file, _kind in files]
    if files_per_partition is not None:
        return [
            paths[start : start + files_per_partition]
            for start in range(0, len(paths), files_per_partition)
        ]
    partitions: list[list[Path]] = []
    size = 0
    for file in paths:
        file_bytes = file.stat().st_size
        if not partitions or size + file_bytes > max_bytes:
            partitions.append([])
            size = 0
        partitions[-1].append(file)
        size += file_bytes
    return partitions


@dataclass(frozen=True)
class PartitionedAis:
    """What :func:`run_partitioned` returns."""

    activity: pl.DataFrame
    """Activity of every vessel, columns :data:`ACTIVITY_COLUMNS` (hours summed by vessel,
    day, zone, terminal, ECA flag, speed and shore-power window)."""
    static: pl.DataFrame
    """Static AIS data of the vessels with a report kept, as
    :attr:`portcap.ais.stream.StreamResult.static`."""
    counts: dict[str, int]
    """Read and clean counts, as :attr:`portcap.ais.stream.StreamResult.counts`."""
    gaps: dict[str, float]
    """Gap tallies of :func:`portcap.ais.intervals.build_intervals` (:data:`GAP_KEYS`)."""
    cut_gaps: pl.DataFrame
    """One row per gap too long to bridge: ``mmsi, start, end, gap_h``."""
    quarantine_path: Path | None
    """The quarantine file written, or ``None``."""
    partitions: int
    """Number of partitions."""
    timings_s: dict[str, float] = field(default_factory=dict)
    """Wall time of the partitions (with the stitch) and of the quarantine file [s]."""


def run_partitioned(
    path: str | Path,
    *,
    zones_path: str | Path | None = None,
    quarantine_path: str | Path | None = None,
    files_per_partition: int | None = None,
    scheduler: str | None = None,
    shore_power_connect_h: float = 2.0,
    shore_power_disconnect_h: float = 1.0,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
) -> PartitionedAis:
    """Ship activity of a folder of AIS files, a partition of files at a time.

    The result is that of reading the folder in one pass
    (:func:`portcap.ais.stream.load_clean_ais`, then
    :func:`portcap.ais.intervals.build_intervals`): the same reports kept and dropped, the
    same intervals (across midnight too), counts and quarantine rows, with the hours
    summed by :data:`ACTIVITY_COLUMNS`. See the module docstring for how.

    Parameters
    ----------
    path : str or Path
        AIS folder (or file), as for :func:`portcap.ais.stream.load_clean_ais`. A vessel's
        reports must be in time order from one file to the next (daily files).
    zones_path : str or Path, optional
        GeoJSON zones; the packaged San Pedro Bay set by default.
    quarantine_path : str or Path, optional
        ``.parquet`` or ``.csv`` quarantine file, written at the end from part files kept
        in a scratch folder beside it. ``None``: counts only (the parts go to a
        temporary folder, which a Dask cluster on other machines cannot see).
    files_per_partition : int, optional
        Files per partition [-]; ``None``: consecutive files up to
        :data:`PARTITION_BYTES` on disk (:func:`plan_partitions`). Memory follows the
        largest partition.
    scheduler : str, optional
        ``None``: partitions run one after the other in this process. ``"local"``: a
        Dask ``LocalCluster`` of one single-threaded worker process per CPU. Else the
        address of a Dask scheduler (``tcp://host:8786``), whose workers have portcap
        installed and see the input and quarantine folders.
    shore_power_connect_h, shore_power_disconnect_h : float
        Shore-power window of a berth visit [h] (:class:`portcap.inventory.ShipMethod`).
    progress : bool
        Show a progress bar of the partitions.
    report : callable, optional
        Receives one line per step.

    Returns
    -------
    PartitionedAis

    Raises
    ------
    InputError
        On an unusable file (for a single file; a folder's are recorded and skipped) or
        a vessel whose reports go back in time from one partition to the next.
    ValueError
        On ``files_per_partition`` below 1 or a quarantine file that is neither
        ``.csv`` nor ``.parquet``.
    """
    say = report or (lambda _line: None)
    path = Path(path)
    target = None if quarantine_path is None else Path(quarantine_path)
    if target is not None and target.suffix.lower() not in stream._QUARANTINE_SUFFIXES:
        msg = f"quarantine file must end in .csv or .parquet, got {target.name!r}"
        raise ValueError(msg)
    partitions = plan_partitions(path, files_per_partition)
    _, skipped = _ais_files(path)
    files, _ = _ais_files(path)
    kinds = dict(files)
    cleaning = _default_cleaning()
    timing = _timing(shore_power_connect_h, shore_power_disconnect_h)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(
        tempfile.mkdtemp(
            prefix=".portcap-partitions-", dir=None if target is None else target.parent
        )
    )
    zones_text = None if zones_path is None else str(zones_path)
    tasks = [
        _Task(
            index=i,
            files=tuple((str(file), kinds[file]) for file in partition),
            part=str(scratch / f"part-{i:06d}.parquet"),
            can_skip=path.is_dir(),
            zones_path=zones_text,
            cleaning=cleaning,
            timing=timing,
        )
        for i, partition in enumerate(partitions)
    ]
    where = "in this process" if scheduler is None else f"on Dask ({scheduler})"
    plural = "" if len(tasks) == 1 else "s"
    say(f"{len(files):,} files in {len(tasks):,} partition{plural}, {where}")
    timings: dict[str, float] = {}
    try:
        start = time.perf_counter()
        stitch = _Stitch(cleaning, timing, _zones(zones_text), scratch)
        bar = tqdm(total=len(tasks), desc="AIS partitions", unit="part", disable=not progress)
        try:
            for out in _run_tasks(tasks, scheduler):
                stitch.add(out)
                bar.update(1)
        finally:
            bar.close()
        stitch.finish()
        timings["partitions"] = time.perf_counter() - start
        start = time.perf_counter()
        dropped = (
            pl.concat(stitch.dropped)
            if stitch.dropped
            else pl.DataFrame(schema={"source_file": pl.String, "source_row": pl.UInt32})
        )
        removed = _write_quarantine(
            target,
            [
                (Path(task.part), offset)
                for task, (_, offset) in zip(tasks, stitch.offsets, strict=True)
            ],
            stitch.jump_parts,
            dropped,
        )
        timings["quarantine"] = time.perf_counter() - start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    kept = (
        pl.concat(stitch.kept).group_by("mmsi").agg(pl.col("n_kept").sum())
        if stitch.kept
        else pl.DataFrame(schema={"mmsi": pl.Int64, "n_kept": pl.UInt32})
    )
    counts = stitch.counts
    for reason, n in removed.items():
        counts[reason] -= n
    counts["implied_speed_above_max"] = dropped.height
    counts["reports_kept"] = int(kept["n_kept"].sum())
    counts["files_skipped"] = skipped
    activity = (
        _group(pl.concat(stitch.groups)).sort(_GROUP_KEYS, nulls_last=True)
        if stitch.groups
        else _empty_activity()
    )
    static = stitch.static.join(kept.select("mmsi"), on="mmsi", how="semi").sort("mmsi")
    cut_gaps = (
        pl.concat(stitch.cut_gaps).sort("mmsi", "start") if stitch.cut_gaps else _empty_cut_gaps()
    )
    say(f"read {counts.get('rows_read', 0):,} rows, kept {counts['reports_kept']:,}")
    return PartitionedAis(
        activity=activity,
        static=static,
        counts=counts,
        gaps=stitch.gaps,
        cut_gaps=cut_gaps,
        quarantine_path=target,
        partitions=len(tasks),
        timings_s=timings,
    )
