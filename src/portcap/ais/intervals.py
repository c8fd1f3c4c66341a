"""AIS activity intervals: the time between consecutive reports, with zone, ECA and gap flags.

Each cleaned AIS report opens an interval that runs to the next report of the same vessel
(forward attribution): the interval takes that report's position, zone and ECA flag, and the
mean of the two reports' speeds. Gaps between reports longer than ``max_gap_h`` are bridged
(flagged ``interpolated``) up to ``max_bridge_h``; longer gaps are cut and reported. The
convention is described in ``docs/methodology/ais-activity.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import polars as pl
from shapely.geometry.base import BaseGeometry

from portcap.ais.zones import (
    Zones,
    _default_zones,  # the packaged zones, cached
    _zone_index,  # integer zone index per point: avoids building 2 million Python strings
    in_eca,
)

__all__ = [
    "INTERVAL_COLUMNS",
    "REQUIRED_PING_COLUMNS",
    "IntervalResult",
    "build_intervals",
]

#: Columns a ping table must have (others pass through to the intervals).
REQUIRED_PING_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "timestamp",
    "latitude_deg",
    "longitude_deg",
    "speed_over_ground_kn",
)

#: Leading columns of the interval table, in order (pass-through columns follow).
INTERVAL_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "start",
    "end",
    "duration_h",
    "speed_over_ground_kn",
    "latitude_deg",
    "longitude_deg",
    "zone_id",
    "zone_kind",
    "terminal",
    "in_eca",
    "interpolated",
)

#: Mean Earth radius (IUGG, 6,371.0088 km) in nautical miles of 1,852 m [nmi].
EARTH_RADIUS_NMI = 6371.0088 / 1.852

_US_PER_H = 3.6e9
_INTERNAL = (
    "_row",
    "_next_ts",
    "_gap_h",
    "_pair_speed",
    "_category",
    "_implied",
    "_key",
    "_prev_category",
    "_prev_mid",
    "_prev_speed",
    "_prev_implied",
)


class IntervalResult(NamedTuple):
    """Activity intervals and the report on gaps.

    Attributes
    ----------
    intervals : polars.DataFrame
        One row per interval, columns :data:`INTERVAL_COLUMNS` then the pass-through columns
        of the pings; sorted by ``mmsi, start``.
    gaps_report : dict
        Counts and hours: ``n_pings, n_vessels, n_intervals, max_gap_h, max_bridge_h,
        observed_duration_h, n_bridged_gaps, bridged_duration_h, n_cut_gaps,
        cut_duration_h, total_duration_h, n_speed_implied, n_speed_missing, resorted``, and
        ``cut_gaps``, a DataFrame ``mmsi, start, end, gap_h`` of the gaps not counted.
    """

    intervals: pl.DataFrame
    gaps_report: dict[str, Any]


def _haversine_nmi(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Great-circle distance on a sphere of radius :data:`EARTH_RADIUS_NMI` [nmi]."""
    phi1, phi2 = lat1.radians(), lat2.radians()
    half_dphi = (lat2 - lat1).radians() / 2
    half_dlambda = (lon2 - lon1).radians() / 2
    a = half_dphi.sin().pow(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().pow(2)
    return 2 * EARTH_RADIUS_NMI * a.sqrt().clip(upper_bound=1.0).arcsin()


def _check_pings(pings: pl.DataFrame) -> None:
    if not isinstance(pings, pl.DataFrame):
        msg = f"pings must be a polars DataFrame, got {type(pings).__name__}"
        raise TypeError(msg)
    missing = [c for c in REQUIRED_PING_COLUMNS if c not in pings.columns]
    if missing:
        msg = f"pings lack the column(s) {missing}; required: {list(REQUIRED_PING_COLUMNS)}"
        raise ValueError(msg)
    reserved = set(INTERVAL_COLUMNS).union(_INTERNAL) - set(REQUIRED_PING_COLUMNS)
    clash = sorted(reserved.intersection(pings.columns))
    if clash:
        msg = f"pings have column(s) {clash} that build_intervals writes; rename or drop them"
        raise ValueError(msg)
    if not isinstance(pings.schema["timestamp"], pl.Datetime):
        msg = f"pings column 'timestamp' must be a Datetime, got {pings.schema['timestamp']}"
        raise TypeError(msg)
    nulls = pings.select(pl.col("mmsi", "timestamp").null_count()).row(0)
    if any(nulls):
        msg = "pings have null mmsi or timestamp values; clean them first"
        raise ValueError(msg)


def _is_sorted(pings: pl.DataFrame) -> bool:
    if pings.height < 2:
        return True
    same = pl.col("mmsi") == pl.col("mmsi").shift(1)
    ordered = (pl.col("mmsi") > pl.col("mmsi").shift(1)) | (
        same & (pl.col("timestamp") >= pl.col("timestamp").shift(1))
    )
    return bool(pings.select(ordered.slice(1).all()).item())


def build_intervals(
    pings: pl.DataFrame,
    zones: Zones | None = None,
    *,
    eca: BaseGeometry | str | Path | None = None,
    max_gap_h: float = 1.0,
    max_bridge_h: float = 24.0,
) -> IntervalResult:
    r"""Turn cleaned AIS reports into activity intervals with zone, ECA and gap flags.

    Parameters
    ----------
    pings : polars.DataFrame
        Cleaned reports with the columns ``mmsi``, ``timestamp`` (Datetime, UTC),
        ``latitude_deg`` [deg], ``longitude_deg`` [deg] and ``speed_over_ground_kn`` [kn]
        (null where unknown), sorted by ``mmsi, timestamp`` (sorted here if not). Other
        columns pass through. Reports of consecutive days belong in one table: concatenate
        the daily files before calling, so that intervals run across midnight.
    zones : Zones or None, default None
        Geofences from :func:`portcap.ais.zones.load_zones`; ``None`` uses the packaged San
        Pedro Bay zones.
    eca : shapely geometry, str, pathlib.Path or None, default None
        Emission Control Area (see :func:`portcap.ais.zones.in_eca`); ``None`` uses the
        packaged North American ECA.
    max_gap_h : float, default 1.0
        Longest time between two reports counted as observed activity [h]. Class A
        transponders report every 2-10 s under way and every 3 min at anchor or moored
        (ITU-R M.1371-5, Table 1), and MarineCadastre keeps one report a minute, so a gap of
        more than an hour inside receiver coverage means lost data.
    max_bridge_h : float, default 24.0
        Longest gap bridged by interpolation [h]; longer gaps are cut (not counted) and
        reported. One day keeps a bridge within a berth or anchorage stay (a San Pedro Bay
        container call lasts 2-5 days) while a gap long enough to hide a coastwise
        round trip is not counted as port activity.

    Returns
    -------
    IntervalResult
        ``(intervals, gaps_report)``. ``intervals`` has one row per report plus one per
        bridged gap, with the columns ``mmsi, start, end, duration_h [h],
        speed_over_ground_kn [kn], latitude_deg, longitude_deg, zone_id, zone_kind,
        terminal, in_eca, interpolated``, followed by the pass-through columns.

    Raises
    ------
    TypeError
        If ``pings`` is not a polars DataFrame or ``timestamp`` is not a Datetime.
    ValueError
        If a required column is missing, ``mmsi``/``timestamp`` have nulls, ``pings`` already
        has an output column, or ``max_gap_h``/``max_bridge_h`` are out of order.

    Notes
    -----
    For consecutive reports :math:`i` and :math:`j = i + 1` of one vessel with gap
    :math:`\Delta t = t_j - t_i`:

    - :math:`\Delta t \le` ``max_gap_h``: one interval :math:`[t_i, t_j]` with report
      :math:`i`'s position, zone and ECA flag (forward attribution, as the time-weighted
      speeds of the Third IMO GHG Study, Annex 1; EPA's national inventory attributes the
      interval to the *following* report instead).
    - ``max_gap_h`` :math:`< \Delta t \le` ``max_bridge_h``: two intervals flagged
      ``interpolated``, :math:`[t_i, t_m]` in report :math:`i`'s state and
      :math:`[t_m, t_j]` in report :math:`j`'s, split at the midpoint :math:`t_m`. The
      position is thus interpolated to the nearer report in time; no synthetic reports are
      created.
    - :math:`\Delta t >` ``max_bridge_h``: the gap is cut; report :math:`i` gets a
      zero-length interval and the gap is listed in ``gaps_report["cut_gaps"]``.
    - The last report of each vessel has no following report: a zero-length interval.

    The interval speed is the mean of the two reports' speeds over ground (the time mean of
    a speed varying linearly between them), the one known speed if the other is missing, or
    the great-circle distance over :math:`\Delta t` if both are missing. Zero-length
    intervals carry the report's own speed.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> t0 = dt.datetime(2022, 1, 3)
    >>> pings = pl.DataFrame({
    ...     "mmsi": [1, 1, 1],
    ...     "timestamp": [t0, t0 + dt.timedelta(minutes=30), t0 + dt.timedelta(hours=4)],
    ...     "latitude_deg": [33.7574, 33.7574, 33.7574],
    ...     "longitude_deg": [-118.2142, -118.2142, -118.2142],
    ...     "speed_over_ground_kn": [0.0, 0.2, 0.0],
    ... })
    >>> intervals, report = build_intervals(pings)
    >>> intervals.select("duration_h", "terminal", "interpolated").rows()
    [(0.5, 'POLB_LBCT_PIERE', False), (1.75, 'POLB_LBCT_PIERE', True),
     (1.75, 'POLB_LBCT_PIERE', True), (0.0, 'POLB_LBCT_PIERE', False)]
    >>> report["n_bridged_gaps"], report["total_duration_h"]
    (1, 4.0)
    """
    if not (np.isfinite(max_gap_h) and max_gap_h > 0):
        msg = f"max_gap_h must be a positive number of hours, got {max_gap_h!r}"
        raise ValueError(msg)
    if not max_bridge_h >= max_gap_h:
        msg = f"max_bridge_h ({max_bridge_h!r}) must be >= max_gap_h ({max_gap_h!r})"
        raise ValueError(msg)
    _check_pings(pings)
    zones = _default_zones() if zones is None else zones

    resorted = not _is_sorted(pings)
    df = pings.sort(["mmsi", "timestamp"], maintain_order=True) if resorted else pings
    df = df.with_columns(
        pl.col("latitude_deg", "longitude_deg", "speed_over_ground_kn")
        .cast(pl.Float64)
        .fill_nan(None)
    )

    # state of each report: zone and ECA flag of its position
    lat = df["latitude_deg"].to_numpy(allow_copy=True).astype(float, copy=False)
    lon = df["longitude_deg"].to_numpy(allow_copy=True).astype(float, copy=False)
    index = _zone_index(lat, lon, zones)
    index = np.where(index < 0, len(zones), index)

    def lookup(column: str) -> pl.Series:
        values = pl.Series(column, [*zones.table[column].to_list(), None], dtype=pl.String)
        return values.gather(index)

    df = df.with_columns(
        lookup("zone_id").alias("zone_id"),
        lookup("kind").alias("zone_kind"),
        lookup("terminal").alias("terminal"),
        pl.Series("in_eca", in_eca(lat, lon, eca=eca)),
    ).with_row_index("_row")

    # pair each report with the next report of the same vessel
    def following(column: str) -> pl.Expr:
        return pl.col(column).shift(-1).over("mmsi")

    sog, sog_next = pl.col("speed_over_ground_kn"), following("speed_over_ground_kn")
    gap_h = (following("timestamp") - pl.col("timestamp")).dt.total_microseconds() / _US_PER_H
    implied = (
        pl.when(pl.col("_gap_h") > 0)
        .then(
            _haversine_nmi(
                pl.col("latitude_deg"),
                pl.col("longitude_deg"),
                following("latitude_deg"),
                following("longitude_deg"),
            )
            / pl.col("_gap_h")
        )
        .otherwise(None)
    )
    df = df.with_columns(_next_ts=following("timestamp"), _gap_h=gap_h).with_columns(
        _category=pl.when(pl.col("_gap_h").is_null())
        .then(pl.lit("last"))
        .when(pl.col("_gap_h") <= max_gap_h)
        .then(pl.lit("observed"))
        .when(pl.col("_gap_h") <= max_bridge_h)
        .then(pl.lit("bridged"))
        .otherwise(pl.lit("cut")),
        _implied=sog.is_null() & sog_next.is_null() & implied.is_not_null(),
        _pair_speed=pl.when(sog.is_not_null() & sog_next.is_not_null())
        .then((sog + sog_next) / 2)
        .otherwise(pl.coalesce(sog, sog_next, implied)),
    )

    category = pl.col("_category")
    counted = category.is_in(["observed", "bridged"])
    midpoint = pl.col("timestamp") + (pl.col("_next_ts") - pl.col("timestamp")) / 2
    passthrough = [c for c in pings.columns if c not in REQUIRED_PING_COLUMNS]
    tail = ["zone_id", "zone_kind", "terminal", "in_eca"]

    forward = df.select(
        pl.col("mmsi"),
        pl.col("timestamp").alias("start"),
        pl.when(category == "observed")
        .then(pl.col("_next_ts"))
        .when(category == "bridged")
        .then(midpoint)
        .otherwise(pl.col("timestamp"))
        .alias("end"),
        pl.when(counted).then(pl.col("_pair_speed")).otherwise(sog).alias("speed_over_ground_kn"),
        pl.col("latitude_deg", "longitude_deg", *tail),
        (category == "bridged").alias("interpolated"),
        *passthrough,
        (pl.col("_row").cast(pl.Int64) * 2).alias("_key"),
        (counted & pl.col("_implied")).alias("_implied"),
    )
    # second halves of bridged gaps, in the state of the later report
    previous = df.with_columns(
        _prev_category=category.shift(1).over("mmsi"),
        _prev_mid=midpoint.shift(1).over("mmsi"),
        _prev_speed=pl.col("_pair_speed").shift(1).over("mmsi"),
        _prev_implied=pl.col("_implied").shift(1).over("mmsi"),
    ).filter(pl.col("_prev_category") == "bridged")
    second = previous.select(
        pl.col("mmsi"),
        pl.col("_prev_mid").alias("start"),
        pl.col("timestamp").alias("end"),
        pl.col("_prev_speed").alias("speed_over_ground_kn"),
        pl.col("latitude_deg", "longitude_deg", *tail),
        pl.lit(value=True).alias("interpolated"),
        *passthrough,
        (pl.col("_row").cast(pl.Int64) * 2 - 1).alias("_key"),
        pl.col("_prev_implied").alias("_implied"),
    )
    intervals = (
        pl.concat([forward, second], how="vertical")
        .sort("_key")
        .with_columns(
            ((pl.col("end") - pl.col("start")).dt.total_microseconds() / _US_PER_H).alias(
                "duration_h"
            )
        )
    )
    n_speed_implied = int(intervals["_implied"].sum())
    intervals = intervals.select(*INTERVAL_COLUMNS, *passthrough)

    cut = df.filter(category == "cut")
    cut_gaps = cut.select(
        pl.col("mmsi"),
        pl.col("timestamp").alias("start"),
        pl.col("_next_ts").alias("end"),
        pl.col("_gap_h").alias("gap_h"),
    )
    interpolated = intervals["interpolated"]
    durations = intervals["duration_h"]
    report: dict[str, Any] = {
        "n_pings": pings.height,
        "n_vessels": int(df["mmsi"].n_unique()) if df.height else 0,
        "n_intervals": intervals.height,
        "max_gap_h": float(max_gap_h),
        "max_bridge_h": float(max_bridge_h),
        "observed_duration_h": float(durations.filter(~interpolated).sum()),
        "n_bridged_gaps": int((df["_category"] == "bridged").sum()),
        "bridged_duration_h": float(durations.filter(interpolated).sum()),
        "n_cut_gaps": cut.height,
        "cut_duration_h": float(cut_gaps["gap_h"].sum()),
        "total_duration_h": float(durations.sum()),
        "n_speed_implied": n_speed_implied,
        "n_speed_missing": int(
            intervals.filter(
                (pl.col("duration_h") > 0) & pl.col("speed_over_ground_kn").is_null()
            ).height
        ),
        "resorted": resorted,
        "cut_gaps": cut_gaps,
    }
    return IntervalResult(intervals=intervals, gaps_report=report)
