"""Clean AIS pings, and account for every row that is dropped or changed.

:func:`clean_pings` takes the canonical pings of :mod:`portcap.ais.read` and

1. sets AIS "not available" codes and impossible values to null (the row is kept and the
   change recorded): SOG 102.3 kn, COG 360 deg, heading 511, draft/length/width 0 m;
2. drops rows that cannot be used: invalid or non-ship MMSI, no time, position missing or
   out of range (including the 91/181 "not available" codes), SOG above a ceiling,
   duplicates, and position jumps that imply an impossible speed;
3. sorts by ``mmsi, timestamp`` and records the reports that were out of order.

Every change and every drop is one row of the quarantine table (reason codes in
:data:`portcap.ais.schema.QUARANTINE_REASONS`), and ``counts`` tallies them by reason, so
``len(input) == len(result.pings) + (result.quarantine["action"] == "dropped").sum()``.
Everything is vectorised polars; the only loop is over rounds of the jump filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl

from portcap.ais.schema import (
    QUARANTINE_REASONS,
    check_ais_pings,
    conform_ais_pings,
    empty_quarantine,
    quarantine_rows,
)

__all__ = [
    "COG_NOT_AVAILABLE_DEG",
    "EARTH_MEAN_RADIUS_NMI",
    "HEADING_NOT_AVAILABLE_DEG",
    "LATITUDE_NOT_AVAILABLE_DEG",
    "LONGITUDE_NOT_AVAILABLE_DEG",
    "SAR_AIRCRAFT_MMSI_PREFIX",
    "SHIP_MMSI_RANGE",
    "SOG_NOT_AVAILABLE_KN",
    "CleanResult",
    "clean_pings",
    "haversine_distance_nmi",
    "write_quarantine",
]

#: Mean Earth radius R1 = 6371.0088 km (IUGG; Moritz, 2000, "Geodetic Reference System
#: 1980", J. Geodesy 74, 128-133, doi:10.1007/s001900050278) in nautical miles
#: (1 nmi = 1852 m exactly).
EARTH_MEAN_RADIUS_NMI: float = 6371.0088 / 1.852

# "Not available" codes of the AIS position report, ITU-R M.1371-5 (2014), Annex 2,
# §3.3.8.2, Table 45 (message 1-3 fields): SOG 1023 (= 102.3 kn), longitude 181 deg,
# latitude 91 deg, COG 3600 (= 360.0 deg), true heading 511.
#: SOG meaning "not available" [kn].
SOG_NOT_AVAILABLE_KN: float = 102.3
#: COG meaning "not available" [deg].
COG_NOT_AVAILABLE_DEG: float = 360.0
#: True heading meaning "not available" [deg].
HEADING_NOT_AVAILABLE_DEG: float = 511.0
#: Latitude meaning "not available" [deg].
LATITUDE_NOT_AVAILABLE_DEG: float = 91.0
#: Longitude meaning "not available" [deg].
LONGITUDE_NOT_AVAILABLE_DEG: float = 181.0
# SOG and COG are sent in 0.1 units; values within half a unit of a code are that code.
_CODE_TOLERANCE = 0.05

#: MMSI range kept as ships. ITU-R M.585-9 (2022), Annex 1: ship stations are
#: ``MIDxxxxxx`` with an MID of 201-775 (first digit 2-7). Group calls (``0MIDxxxxx``)
#: and coast stations (``00MIDxxxx``) are below the range; handheld VHF (``8MIDxxxxx``),
#: auxiliary craft (``98MIDxxxx``), AtoN (``99MIDxxxx``) and AIS-SART/MOB/EPIRB
#: (``970``/``972``/``974xxxxxx``) above it. The lower bound is 100000000, not
#: 200000000, so that boats broadcasting a mis-configured MID starting with 1 (e.g. a
#: San Diego pilot boat in the bundled MarineCadastre snapshot, 122292919) are kept.
SHIP_MMSI_RANGE: tuple[int, int] = (100_000_000, 799_999_999)
#: SAR aircraft ``111MIDxxx`` (ITU-R M.585-9, Annex 1, §5): inside the range, not ships.
SAR_AIRCRAFT_MMSI_PREFIX: int = 111

_MMSI_MAX = 999_999_999  # 9 digits
_MICROSECONDS_PER_HOUR = 3.6e9
_POSITION = "_position"


@dataclass(frozen=True)
class CleanResult:
    """What :func:`clean_pings` returns.

    Attributes
    ----------
    pings
        Cleaned pings, canonical schema, sorted by ``mmsi, timestamp``.
    quarantine
        One row per dropped row and per changed value (schema
        :func:`~portcap.ais.schema.quarantine_schema`); not sorted.
    counts
        Reason code -> number of quarantine rows, for every clean-stage code (zeros
        included).
    """

    pings: pl.DataFrame
    quarantine: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def haversine_distance_nmi(
    latitude_1_deg: Any, longitude_1_deg: Any, latitude_2_deg: Any, longitude_2_deg: Any
) -> Any:
    r"""Great-circle distance between two points on a spherical Earth.

    Parameters
    ----------
    latitude_1_deg, longitude_1_deg
        First point [deg].
    latitude_2_deg, longitude_2_deg
        Second point [deg].

    Returns
    -------
    float, numpy.ndarray, pandas.Series, polars.Series or polars.Expr
        Distance [nmi], of the type of the inputs (only numpy ufuncs are used, so
        pandas indexes are kept and polars expressions stay lazy).

    Notes
    -----
    The haversine formula with the mean Earth radius :math:`R` =
    :data:`EARTH_MEAN_RADIUS_NMI`:

    .. math::

        d = 2 R \arcsin\sqrt{\sin^2\frac{\varphi_2-\varphi_1}{2}
            + \cos\varphi_1 \cos\varphi_2 \sin^2\frac{\lambda_2-\lambda_1}{2}}

    The sphere differs from the WGS84 ellipsoid by up to about 0.5 %, which is well
    inside what a speed plausibility test needs. Valid for any pair of points.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. Sky and Telescope 68(2), 159.

    Examples
    --------
    One degree of latitude is about 60 nmi:

    >>> print(f"{haversine_distance_nmi(0.0, 0.0, 1.0, 0.0):.3f}")
    60.041
    >>> import numpy as np
    >>> lon = np.array([-118.2, -118.1])
    >>> haversine_distance_nmi(33.7, -118.2, 33.7, lon).round(3)
    array([0.   , 4.995])
    """
    if any(
        isinstance(x, pl.Expr)
        for x in (latitude_1_deg, longitude_1_deg, latitude_2_deg, longitude_2_deg)
    ):
        return _haversine_expr(latitude_1_deg, longitude_1_deg, latitude_2_deg, longitude_2_deg)
    phi_1 = np.radians(latitude_1_deg)
    phi_2 = np.radians(latitude_2_deg)
    half_dphi = (phi_2 - phi_1) / 2.0
    half_dlambda = (np.radians(longitude_2_deg) - np.radians(longitude_1_deg)) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi_1) * np.cos(phi_2) * np.sin(half_dlambda) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_NMI * np.arcsin(np.sqrt(a))


def _haversine_expr(lat_1: Any, lon_1: Any, lat_2: Any, lon_2: Any) -> pl.Expr:
    """:func:`haversine_distance_nmi` with native polars expressions (no numpy round trip)."""
    lat_1, lon_1, lat_2, lon_2 = (
        x if isinstance(x, pl.Expr) else pl.lit(x, dtype=pl.Float64)
        for x in (lat_1, lon_1, lat_2, lon_2)
    )
    phi_1 = lat_1.radians()
    phi_2 = lat_2.radians()
    half_dphi = (phi_2 - phi_1) / 2.0
    half_dlambda = (lon_2.radians() - lon_1.radians()) / 2.0
    a = half_dphi.sin().pow(2) + phi_1.cos() * phi_2.cos() * half_dlambda.sin().pow(2)
    return 2.0 * EARTH_MEAN_RADIUS_NMI * a.sqrt().arcsin()


class _NullRule(NamedTuple):
    reason: str
    column: str
    condition: pl.Expr


def _near(column: str, code: float) -> pl.Expr:
    return (pl.col(column) - code).abs() < _CODE_TOLERANCE


def _null_rules() -> tuple[_NullRule, ...]:
    """Return the value-level rules in order; a value is changed by the first it meets."""
    sog, cog, heading = "speed_over_ground_kn", "course_over_ground_deg", "heading_deg"
    return (
        _NullRule("sog_not_available", sog, _near(sog, SOG_NOT_AVAILABLE_KN)),
        _NullRule("sog_out_of_range", sog, ~pl.col(sog).is_between(0.0, float("inf"))),
        _NullRule("cog_not_available", cog, _near(cog, COG_NOT_AVAILABLE_DEG)),
        _NullRule("cog_out_of_range", cog, ~pl.col(cog).is_between(0.0, 360.0, closed="left")),
        _NullRule("heading_not_available", heading, pl.col(heading) == HEADING_NOT_AVAILABLE_DEG),
        _NullRule(
            "heading_out_of_range", heading, ~pl.col(heading).is_between(0.0, 360.0, closed="left")
        ),
        _NullRule("draft_zero", "draft_m", pl.col("draft_m") == 0.0),
        _NullRule("length_zero", "length_m", pl.col("length_m") == 0.0),
        _NullRule("width_zero", "width_m", pl.col("width_m") == 0.0),
        _NullRule(
            "dimension_negative", "draft_m", ~pl.col("draft_m").is_between(0.0, float("inf"))
        ),
        _NullRule(
            "dimension_negative", "length_m", ~pl.col("length_m").is_between(0.0, float("inf"))
        ),
        _NullRule(
            "dimension_negative", "width_m", ~pl.col("width_m").is_between(0.0, float("inf"))
        ),
    )


def _rule_masks(rules: tuple[_NullRule, ...]) -> list[pl.Expr]:
    """Boolean mask per rule, true only for the first rule that matches a value."""
    masks: list[pl.Expr] = []
    earlier: dict[str, pl.Expr] = {}
    for rule in rules:
        mask = rule.condition.fill_null(False) & pl.col(rule.column).is_not_null()
        if rule.column in earlier:
            mask = mask & ~earlier[rule.column]
            earlier[rule.column] = earlier[rule.column] | mask
        else:
            earlier[rule.column] = mask
        masks.append(mask)
    return masks


def _row_reason(*, max_speed_kn: float, ship_mmsi_range: tuple[int, int]) -> pl.Expr:
    """Reason code of the first row-level drop rule a row meets, else null."""
    mmsi = pl.col("mmsi")
    lat = pl.col("latitude_deg")
    lon = pl.col("longitude_deg")
    sog = pl.col("speed_over_ground_kn")
    # polars orders NaN above every number, so NaN must not count as "too fast".
    sog_known = ~_near("speed_over_ground_kn", SOG_NOT_AVAILABLE_KN) & ~sog.is_nan()
    return (
        pl.when(mmsi.is_null() | (mmsi <= 0) | (mmsi > _MMSI_MAX))
        .then(pl.lit("mmsi_invalid"))
        .when(~mmsi.is_between(*ship_mmsi_range) | (mmsi // 1_000_000 == SAR_AIRCRAFT_MMSI_PREFIX))
        .then(pl.lit("mmsi_not_ship"))
        .when(pl.col("timestamp").is_null())
        .then(pl.lit("timestamp_missing"))
        .when(lat.is_null() | ((lat - LATITUDE_NOT_AVAILABLE_DEG).abs() < 1e-9))
        .then(pl.lit("latitude_not_available"))
        .when(~lat.is_between(-90.0, 90.0))
        .then(pl.lit("latitude_out_of_range"))
        .when(lon.is_null() | ((lon - LONGITUDE_NOT_AVAILABLE_DEG).abs() < 1e-9))
        .then(pl.lit("longitude_not_available"))
        .when(~lon.is_between(-180.0, 180.0))
        .then(pl.lit("longitude_out_of_range"))
        .when(sog_known.fill_null(True) & (sog > max_speed_kn).fill_null(False))
        .then(pl.lit("sog_above_max"))
    )


_ROW_REASON_FIELD: dict[str, str] = {
    "mmsi_invalid": "mmsi",
    "mmsi_not_ship": "mmsi",
    "timestamp_missing": "timestamp",
    "latitude_not_available": "latitude_deg",
    "latitude_out_of_range": "latitude_deg",
    "longitude_not_available": "longitude_deg",
    "longitude_out_of_range": "longitude_deg",
    "sog_above_max": "speed_over_ground_kn",
}


# Screening bound: the equirectangular distance with the larger cosine of the two
# latitudes is at least 1/sqrt(2) of the great-circle distance (the great circle is no
# longer than the path along that parallel and then the meridian), so legs below the
# limits divided by sqrt(2) cannot be jumps and need no haversine.
_SCREEN = 1.0 / np.sqrt(2.0)


def _legs(rows: pl.DataFrame, back: pl.Series, ahead: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Exact great-circle distance [nmi] and speed [kn] of the legs ``back`` -> ``ahead``."""
    start = rows.select("_phi", "_lambda", "_cos_phi", "_hours")[back]
    end = rows.select("_phi", "_lambda", "_cos_phi", "_hours")[ahead]
    half_dphi = (end.get_column("_phi") - start.get_column("_phi")) / 2.0
    half_dlambda = (end.get_column("_lambda") - start.get_column("_lambda")) / 2.0
    a = (
        half_dphi.sin() ** 2
        + start.get_column("_cos_phi") * end.get_column("_cos_phi") * half_dlambda.sin() ** 2
    )
    distance = 2.0 * EARTH_MEAN_RADIUS_NMI * a.sqrt().arcsin()
    return distance, distance / (end.get_column("_hours") - start.get_column("_hours"))


def _jump_candidate(*, limit_kn: float, min_distance_nmi: float) -> pl.Expr:
    """Cheap screen: whether the leg from the previous report may be a jump (see _jump_legs)."""
    segment = pl.col("_segment")
    same_previous = (segment.shift(1) == segment).fill_null(False)
    half_turn = np.pi
    dlambda = ((pl.col("_lambda") - pl.col("_lambda").shift(1) + half_turn) % (2 * half_turn)) - (
        half_turn
    )
    approx_distance = (
        EARTH_MEAN_RADIUS_NMI
        * (
            (pl.col("_phi") - pl.col("_phi").shift(1)).pow(2)
            + (pl.max_horizontal(pl.col("_cos_phi"), pl.col("_cos_phi").shift(1)) * dlambda).pow(2)
        ).sqrt()
    )
    approx_speed = approx_distance / (pl.col("_hours") - pl.col("_hours").shift(1))
    return (
        same_previous
        & (approx_speed > limit_kn * _SCREEN)
        & (approx_distance > min_distance_nmi * _SCREEN)
    ).fill_null(False)


def _jump_legs(
    rows: pl.DataFrame, *, limit_kn: float, min_distance_nmi: float
) -> tuple[pl.Series, pl.Series]:
    """Flag the legs that are jumps: each report's leg from the previous one of its segment.

    ``rows`` carry ``_phi``, ``_lambda``, ``_cos_phi``, ``_hours`` and ``_segment`` (see
    :func:`_jump_round`). Returns ``jump`` (the leg into the report is a jump) and
    ``speed_in`` (the exact implied speed of the leg [kn] where the cheap screen made it a
    candidate, null elsewhere). Each value depends only on the report and the one before.
    """
    candidate = _jump_candidate(limit_kn=limit_kn, min_distance_nmi=min_distance_nmi)
    candidates = rows.select(candidate.arg_true()).to_series().cast(pl.UInt32)
    distance, speed = _legs(rows, candidates - 1, candidates)
    is_jump = (speed > limit_kn) & (distance > min_distance_nmi)
    n_rows = rows.height
    jump = pl.repeat(False, n_rows, eager=True).scatter(candidates, is_jump)
    speed_in = pl.repeat(None, n_rows, dtype=pl.Float64, eager=True).scatter(candidates, speed)
    return jump, speed_in


def _jump_round(
    rows: pl.DataFrame, *, limit_kn: float, min_distance_nmi: float, final: bool
) -> pl.DataFrame:
    """Run one round of the jump filter on a set of track windows.

    ``rows`` carry ``_phi``, ``_lambda`` (radians), ``_cos_phi``, ``_hours`` (time),
    ``_segment`` (contiguous reports of one vessel: legs never cross segments),
    ``_first`` (the report is its vessel's first) and ``_core`` (decisions may be taken
    here; the other reports are context). Adds ``_flagged`` (the leg from the previous
    report is a jump), ``_outlier`` (a clear outlier, see :func:`_jump_drops`), ``_drop``
    and ``_speed`` (the implied speed of the jump [kn], the evidence for the quarantine).
    """
    segment = pl.col("_segment")
    jump, speed_in = _jump_legs(rows, limit_kn=limit_kn, min_distance_nmi=min_distance_nmi)
    n_rows = rows.height
    scored = rows.with_columns(_jump=jump, _in=speed_in)

    # Legs that skip a report, only where a jump in is followed by a jump out.
    jump_col = pl.col("_jump")
    jump_out = jump_col.shift(-1, fill_value=False)
    both = scored.select((jump_col & jump_out).arg_true()).to_series().cast(pl.UInt32)
    skip_distance, skip_speed = _legs(scored, both - 1, both + 1)
    skip_is_jump = (skip_speed > limit_kn) & (skip_distance > min_distance_nmi)
    scored = scored.with_columns(
        _jump_skip=pl.repeat(False, n_rows, eager=True).scatter(both, skip_is_jump)
    )

    # The track goes on without a jump for the next three legs after the first one (one
    # leg at least), so the first report, not the rest, is the odd one out.
    after_next_ok = (segment.shift(-2) == segment).fill_null(False) & ~pl.any_horizontal(
        (jump_col.shift(-k) & (segment.shift(-k) == segment)).fill_null(False) for k in (2, 3, 4)
    )
    spike = jump_col & jump_out & ~pl.col("_jump_skip")
    bad_first = pl.col("_first") & jump_out & after_next_ok
    outlier = pl.col("_outlier")
    near_outlier = pl.any_horizontal(outlier.shift(k, fill_value=False) for k in (-2, -1, 1, 2))
    if final:
        drop = jump_col | outlier
    else:
        # Clear outliers, plus plain jumped-to reports away from any outlier (within two
        # reports, where dropping the outlier may resolve the jump) and with no other
        # jump in the three legs before (a jump back from a bad fix or two waits for the
        # next round, where the bad fixes are gone or stand out as outliers).
        jump_before = pl.any_horizontal(
            (jump_col.shift(k) & (segment.shift(k) == segment)).fill_null(False) for k in (1, 2, 3)
        )
        drop = outlier | (jump_col & ~jump_before & ~near_outlier)
    return (
        scored.lazy()
        .with_columns(
            _outlier=spike | bad_first,
            _speed=pl.when(bad_first).then(pl.col("_in").shift(-1)).otherwise(pl.col("_in")),
        )
        .with_columns(
            _flagged=jump_col & pl.col("_core"),
            _outlier=outlier & pl.col("_core"),
            _drop=drop & pl.col("_core"),
        )
        .collect()
    )


# Reports around a change that a round must re-examine (a decision looks two reports
# back and forth), and the context they need (a decision looks up to four reports ahead,
# and the "near an outlier" test at the decisions two reports away).
_CORE_REACH = 2
_CONTEXT_REACH = 8


def _window(active: pl.DataFrame, touched: pl.Series) -> pl.DataFrame:
    """Return the reports of ``active`` around the ``touched`` row indices, as windows.

    Each window is a run of consecutive reports of one vessel (``_segment``); reports
    within ``_CORE_REACH`` of a touched one are ``_core``, the others are context.
    """
    return _window_of(
        active.height,
        touched,
        rows=lambda index: active[index],
        mmsi=lambda index: active.get_column("mmsi").gather(index),
    )


def _window_of(
    n_rows: int,
    touched: pl.Series,
    *,
    rows: Callable[[pl.Series], pl.DataFrame],
    mmsi: Callable[[pl.Series], pl.Series],
) -> pl.DataFrame:
    """:func:`_window` over ``n_rows`` active reports given by accessors.

    ``rows(index)`` returns the active reports at the row indices ``index`` (with
    ``mmsi`` and the track columns), ``mmsi(index)`` only their MMSI.
    """
    centres = np.sort(touched.to_numpy().astype(np.int64))
    context_index = _union_of_ranges(centres, _CONTEXT_REACH, n_rows)
    core_index = _union_of_ranges(centres, _CORE_REACH, n_rows)
    in_core = np.zeros(len(context_index), dtype=bool)
    in_core[np.searchsorted(context_index, core_index)] = True  # the core is in the context
    context = pl.Series(context_index, dtype=pl.UInt32)
    previous_mmsi = mmsi((context.cast(pl.Int64) - 1).clip(0).cast(pl.UInt32)).alias("previous")
    window = rows(context).with_columns(
        _index=context,
        _core=pl.Series(in_core),
        _first=(context == 0) | (previous_mmsi != mmsi(context)),
    )
    index, mmsi_col = pl.col("_index"), pl.col("mmsi")
    return window.with_columns(
        _segment=((index != index.shift(1) + 1) | (mmsi_col.shift(1) != mmsi_col))
        .fill_null(True)
        .cum_sum()
    )


def _union_of_ranges(
    centres: npt.NDArray[np.int64], reach: int, n_rows: int
) -> npt.NDArray[np.int64]:
    """Sorted distinct rows within ``reach`` of the sorted ``centres``, inside ``[0, n_rows)``.

    The ranges ``[c - reach, c + reach]`` of sorted centres have sorted ends, so each
    adds the rows after the end of the one before it: no sort or hash of the rows.
    """
    low = np.clip(centres - reach, 0, None)
    high = np.clip(centres + reach, None, n_rows - 1)
    previous_high = np.concatenate(([-1], np.maximum.accumulate(high)[:-1]))
    start = np.maximum(low, previous_high + 1)
    count = np.clip(high - start + 1, 0, None)
    offset = np.cumsum(count) - count
    return np.repeat(start - offset, count) + np.arange(int(count.sum()), dtype=np.int64)


def _jump_drops(
    rows: pl.DataFrame, *, max_implied_speed_kn: float, min_distance_nmi: float, max_rounds: int
) -> pl.DataFrame:
    """Positions (and implied speeds) of the reports dropped by the jump filter.

    ``rows`` are sorted by mmsi and time, with strictly increasing times per MMSI. A
    report is *flagged* (a jump) when the implied speed from the previous report of its
    MMSI exceeds the limit and the two are more than ``min_distance_nmi`` apart. Each
    round drops the clear outliers:

    * a flagged report whose next report is also a jump away while its previous and
      next reports agree with each other (an isolated bad fix, A-B-C drops B);
    * a vessel's first report when the jump is away from it and the next three legs
      after the jump are not jumps (a bad or stale first fix, which otherwise would
      make every later report look like a jump).

    Each round also drops, away from clear outliers, the jumped-to reports with no other
    jump in the three legs before (the plain rule: "drop the jumped-to report"); the
    flagged reports shortly after them wait for the next round, where they are compared
    with the last report kept. The first round looks at every report; later rounds only at
    the reports within two of a flag or a drop (with their context), so the work
    follows the number of problems, not the number of reports. After ``max_rounds``
    rounds, all reports still flagged are dropped in one last pass, which bounds the
    work on pathological tracks (e.g. two vessels sharing an MMSI).
    """
    dropped: list[pl.DataFrame] = []
    mmsi = pl.col("mmsi")
    active = rows.select(
        _POSITION,
        "mmsi",
        pl.col("latitude_deg").radians().alias("_phi"),
        pl.col("longitude_deg").radians().alias("_lambda"),
        pl.col("latitude_deg").radians().cos().alias("_cos_phi"),
        (pl.col("timestamp").dt.epoch("us") / _MICROSECONDS_PER_HOUR).alias("_hours"),
    )
    window = active.with_columns(
        _index=pl.int_range(pl.len(), dtype=pl.UInt32),
        _segment=mmsi,
        _first=(mmsi.shift(1) != mmsi).fill_null(True),
        _core=pl.lit(True),
    )
    for round_number in range(max_rounds + 1):
        scored = _jump_round(
            window,
            limit_kn=max_implied_speed_kn,
            min_distance_nmi=min_distance_nmi,
            final=round_number == max_rounds,
        )
        events = scored.filter(pl.col("_flagged") | pl.col("_outlier"))
        if events.height == 0:
            break
        drops = events.filter(pl.col("_drop"))
        dropped.append(drops.select(_POSITION, pl.col("_speed").alias("implied_speed_kn")))
        # Reports to look at again: flags left standing and the neighbours of drops,
        # as row indices of ``active`` once the drops are removed.
        drop_index = drops.get_column("_index").sort()
        neighbours = pl.concat(
            [
                events.get_column("_index").cast(pl.Int64),
                drop_index.cast(pl.Int64) - 1,
                drop_index.cast(pl.Int64) + 1,
            ]
        )
        touched = neighbours.filter(
            ~neighbours.is_in(drop_index.cast(pl.Int64).implode()) & (neighbours >= 0)
        ).unique()
        shift_down = drop_index.cast(pl.Int64).search_sorted(touched, side="left")
        touched = (touched - shift_down.cast(pl.Int64)).cast(pl.UInt32)
        active = active.filter(
            pl.repeat(True, active.height, eager=True).scatter(drop_index, False)
        )
        window = _window(active, touched)
    if not dropped:
        return pl.DataFrame(schema={_POSITION: pl.UInt32, "implied_speed_kn": pl.Float64})
    return pl.concat(dropped)


def _track_exprs() -> list[pl.Expr]:
    """Columns of the jump filter for sorted reports: MMSI and track in radians and hours."""
    return [
        pl.col("mmsi"),
        pl.col("latitude_deg").radians().alias("_phi"),
        pl.col("longitude_deg").radians().alias("_lambda"),
        pl.col("latitude_deg").radians().cos().alias("_cos_phi"),
        (pl.col("timestamp").dt.epoch("us") / _MICROSECONDS_PER_HOUR).alias("_hours"),
    ]


def _track_columns(rows: pl.DataFrame) -> pl.DataFrame:
    """Return :func:`_track_exprs` of ``rows``."""
    return rows.select(_track_exprs())


def _jump_drops_windowed(
    table: pl.DataFrame,
    members: pl.Series | None,
    *,
    max_implied_speed_kn: float,
    min_distance_nmi: float,
    max_rounds: int,
    chunk_rows: int = 200_000,
) -> pl.DataFrame:
    """:func:`_jump_drops` in memory bounded by ``chunk_rows``, with the same result.

    The reports are the rows ``members`` (row indices, ascending; ``None`` for all) of
    ``table``, which is sorted by mmsi and time and has ``mmsi``, ``latitude_deg``,
    ``longitude_deg`` and ``timestamp``; nothing of it is copied whole. Returns ``_row``
    (the row of ``table``) and ``implied_speed_kn`` of the dropped reports.

    :func:`_jump_drops` scores every report in its first round. A report's scores only
    depend on the reports up to four before and six after it (see :func:`_jump_round`),
    and a report can only be flagged, an outlier or dropped when it or the next report
    is a jump, so here the first round finds the jumps (a screen in numpy over slices of
    ``chunk_rows`` reports, :func:`_screen_candidates`, then the exact legs of
    :func:`_jump_legs` for the candidates) and scores only the windows around them,
    exactly as the later rounds of :func:`_jump_drops` do. Windows are scored for groups
    of touched reports whose windows hold at most about ``chunk_rows`` reports
    (:func:`_window_groups`); a report in the core of two windows is scored the same in
    both, and counted once.
    """
    limit = {"limit_kn": max_implied_speed_kn, "min_distance_nmi": min_distance_nmi}
    columns = table.select("mmsi", "latitude_deg", "longitude_deg", "timestamp")
    active = (
        pl.int_range(columns.height, dtype=pl.UInt32, eager=True) if members is None else members
    )

    def rows(index: pl.Series) -> pl.DataFrame:
        table_rows = active.gather(index)
        return _track_columns(columns[table_rows]).with_columns(_row=table_rows)

    def mmsi(index: pl.Series) -> pl.Series:
        return columns.get_column("mmsi").gather(active.gather(index))

    # Round 0: the jumps. A screen in numpy over slices of the reports finds the legs
    # that may be jumps (a superset, see _screen_candidates); the exact legs of
    # _jump_legs are computed for those only.
    candidates = _screen_candidates(
        columns, None if members is None else members.to_numpy(), chunk_rows=chunk_rows, **limit
    )
    jumps: list[pl.Series] = []
    for start in range(0, candidates.len(), chunk_rows):
        ahead = candidates.slice(start, chunk_rows)
        pairs = rows(pl.concat([ahead - 1, ahead]))
        back = pl.int_range(ahead.len(), dtype=pl.UInt32, eager=True)
        distance, speed = _legs(pairs, back, back + ahead.len())
        is_jump = (speed > max_implied_speed_kn) & (distance > min_distance_nmi)
        jumps.append(ahead.filter(is_jump))
    touched = pl.concat(jumps) if jumps else pl.Series(dtype=pl.UInt32)

    dropped: list[pl.DataFrame] = []
    for round_number in range(max_rounds + 1):
        if touched.len() == 0:
            break
        scored = [
            _jump_round(
                _window_of(active.len(), group, rows=rows, mmsi=mmsi),
                **limit,
                final=round_number == max_rounds,
            ).filter(pl.col("_flagged") | pl.col("_outlier"))
            for group in _window_groups(touched, chunk_rows)
        ]
        events = pl.concat(scored).unique("_index", keep="first").sort("_index")
        if events.height == 0:
            break
        drops = events.filter(pl.col("_drop"))
        dropped.append(drops.select("_row", pl.col("_speed").alias("implied_speed_kn")))
        drop_index = drops.get_column("_index").sort()
        neighbours = pl.concat(
            [
                events.get_column("_index").cast(pl.Int64),
                drop_index.cast(pl.Int64) - 1,
                drop_index.cast(pl.Int64) + 1,
            ]
        )
        touched = neighbours.filter(
            ~neighbours.is_in(drop_index.cast(pl.Int64).implode()) & (neighbours >= 0)
        ).unique()
        shift_down = drop_index.cast(pl.Int64).search_sorted(touched, side="left")
        touched = (touched - shift_down.cast(pl.Int64)).cast(pl.UInt32).sort()
        active = active.filter(pl.repeat(True, active.len(), eager=True).scatter(drop_index, False))
    if not dropped:
        return pl.DataFrame(schema={"_row": pl.UInt32, "implied_speed_kn": pl.Float64})
    return pl.concat(dropped)


# The screen's margin for rounding: the exact legs are computed from radians and float
# hours, the screen from degrees and integer microseconds; a margin of 0.1 % keeps the
# screen a superset of the exact test whatever the last digits (it only lets a few more
# legs through to the exact test).
_SCREEN_MARGIN = 0.999
# Nautical miles per degree of great circle (the mean Earth radius in nmi times pi/180).
_NMI_PER_DEG = EARTH_MEAN_RADIUS_NMI * np.pi / 180.0


def _screen_candidates(
    columns: pl.DataFrame,
    members: npt.NDArray[np.uint32] | None,
    *,
    limit_kn: float,
    min_distance_nmi: float,
    chunk_rows: int,
) -> pl.Series:
    r"""Positions (in the reports) of the legs from the report before that may be jumps.

    The reports are the rows ``members`` of ``columns`` (``mmsi``, ``latitude_deg``,
    ``longitude_deg``, ``timestamp``; all rows for ``None``), sorted by mmsi and time.
    A leg is a candidate when both reports are of one vessel and the bound below exceeds
    ``min_distance_nmi`` and ``limit_kn`` times its hours, each divided by sqrt(2) (and
    by the margin). The bound is the flat distance :math:`R\sqrt{\Delta\varphi^2 +
    \Delta\lambda^2}` (longitude difference across the antimeridian), which is at
    least the equirectangular distance with either cosine, hence at least
    :math:`1/\sqrt{2}` of the great-circle distance (see ``_SCREEN``): every leg the
    exact test of :func:`_jump_legs` finds is a candidate. Worked in slices of
    ``chunk_rows`` reports, with numpy (no trigonometry).
    """
    mmsi = columns.get_column("mmsi").to_numpy()
    latitude = columns.get_column("latitude_deg").to_numpy()
    longitude = columns.get_column("longitude_deg").to_numpy()
    time_us = columns.get_column("timestamp").dt.epoch("us").to_numpy()
    n_reports = len(mmsi) if members is None else len(members)
    if not np.isfinite(limit_kn):  # no speed is above an infinite limit
        return pl.Series(dtype=pl.UInt32)
    distance_bound = (min_distance_nmi * _SCREEN * _SCREEN_MARGIN / _NMI_PER_DEG) ** 2
    speed_bound = limit_kn * _SCREEN * _SCREEN_MARGIN / _NMI_PER_DEG / _MICROSECONDS_PER_HOUR
    found: list[npt.NDArray[np.int64]] = []
    step = max(chunk_rows, 1)
    for start in range(0, max(n_reports - 1, 0), step):
        end = min(start + step + 1, n_reports)  # the slice's legs end at start + 1 .. end - 1
        if members is None:
            part = slice(start, end)
            ids, lat, lon, times = mmsi[part], latitude[part], longitude[part], time_us[part]
        else:
            at = members[start:end]
            ids, lat, lon, times = mmsi[at], latitude[at], longitude[at], time_us[at]
        dlat = lat[1:] - lat[:-1]
        dlon = np.abs(lon[1:] - lon[:-1])
        dlon = np.minimum(dlon, 360.0 - dlon)
        square = dlat * dlat + dlon * dlon  # [deg^2]
        reach = speed_bound * (times[1:] - times[:-1]).astype(np.float64)  # [deg]
        candidate = (ids[1:] == ids[:-1]) & (square > distance_bound) & (square > reach * reach)
        found.append(np.flatnonzero(candidate) + (start + 1))
    if not found:
        return pl.Series(dtype=pl.UInt32)
    return pl.Series(np.concatenate(found), dtype=pl.UInt32)


def _window_groups(touched: pl.Series, chunk_rows: int) -> Iterator[pl.Series]:
    """Split sorted ``touched`` reports into groups whose windows hold about ``chunk_rows``.

    A touched report adds at most ``2 * _CONTEXT_REACH + 1`` reports to a window, fewer
    when it is near the touched report before it (the windows overlap), so the window
    of a group is bounded by the sum of ``min(gap, 2 * _CONTEXT_REACH + 1)`` over it.
    """
    width = 2 * _CONTEXT_REACH + 1
    index = touched.to_numpy().astype(np.int64)
    added = np.minimum(np.diff(index, prepend=index[:1] - width), width)
    group = (np.cumsum(added) - 1) // max(chunk_rows, width)
    bounds = np.flatnonzero(np.diff(group, prepend=-1))
    for at, end in zip(bounds, [*bounds[1:], len(index)], strict=True):
        yield touched.slice(int(at), int(end - at))


def _check_parameters(
    max_speed_kn: float, max_implied_speed_kn: float, max_jump_rounds: int
) -> None:
    """Raise ValueError for the parameters :func:`clean_pings` cannot take."""
    if max_speed_kn <= 0 or max_implied_speed_kn <= 0:
        msg = (
            f"speed limits must be positive, got max_speed_kn={max_speed_kn}, "
            f"max_implied_speed_kn={max_implied_speed_kn}"
        )
        raise ValueError(msg)
    if max_jump_rounds < 0:
        msg = f"max_jump_rounds must be >= 0, got {max_jump_rounds}"
        raise ValueError(msg)


def clean_pings(
    pings: pl.DataFrame,
    *,
    max_speed_kn: float = 50.0,
    max_implied_speed_kn: float = 60.0,
    ship_mmsi_range: tuple[int, int] = SHIP_MMSI_RANGE,
    min_jump_distance_nmi: float = 0.5,
    max_jump_rounds: int = 3,
    record_changes: bool = True,
) -> CleanResult:
    """Clean AIS pings: null "not available" codes, drop unusable rows, sort.

    Parameters
    ----------
    pings
        Canonical pings (:func:`~portcap.ais.schema.ais_ping_schema`); only ``mmsi``,
        ``timestamp``, ``latitude_deg`` and ``longitude_deg`` are required, missing
        optional columns are taken as null.
    max_speed_kn
        Reports with a SOG above this are dropped (``sog_above_max``) [kn]. The default
        is above the service speed of any merchant ship (container ships reach about
        25 kn, fast ferries 40 kn) with a margin.
    max_implied_speed_kn
        A report is dropped as a position jump (``implied_speed_above_max``) when the
        great-circle distance from the previous kept report of the same MMSI, divided by
        the time between them, exceeds this [kn]. It is above ``max_speed_kn`` because
        two 10 m GPS errors on reports a few seconds apart already imply several knots.
    min_jump_distance_nmi
        A jump must also cover more than this distance [nmi]. Over shorter legs the
        implied speed is dominated by errors rather than by the ship: MarineCadastre
        times are whole seconds of reception, so two reports a few seconds apart carry
        a relative time error of tens of percent, and position fixes scatter by tens of
        metres. 0.5 nmi is what a 30-kn ship covers in one minute, the MarineCadastre
        reporting interval.
    ship_mmsi_range
        Closed MMSI range kept as ships (see :data:`SHIP_MMSI_RANGE`); SAR aircraft
        ``111MIDxxx`` are dropped even inside it.
    max_jump_rounds
        Rounds of the jump filter before the last one-pass drop (see Notes) [-].
    record_changes
        Write one quarantine row per changed value (the default). With ``False`` the
        changes are still made and counted, but not listed row by row: in
        MarineCadastre data most reports carry heading 511 or COG 360, so the list can
        be longer than the input (about 1.8 rows per report on the benchmark file).
        Dropped rows are always listed.

    Returns
    -------
    CleanResult
        ``pings`` sorted by ``mmsi, timestamp`` (ties cannot remain: duplicates are
        dropped), the quarantine and the counts by reason.

    Raises
    ------
    ValueError
        If a speed limit is not positive, ``max_jump_rounds`` is negative, or ``pings``
        does not conform to the schema (missing key column, wrong dtype).

    Notes
    -----
    Value rules, applied to the rows that are kept (action ``changed``, the value is set
    to null): ``sog_not_available`` (102.3), ``sog_out_of_range`` (negative or NaN),
    ``cog_not_available`` (360), ``cog_out_of_range``, ``heading_not_available`` (511),
    ``heading_out_of_range``, ``draft_zero``, ``length_zero``, ``width_zero``,
    and ``dimension_negative``.

    Row rules (action ``dropped``); a row is dropped once, by the first rule it meets:

    1. ``mmsi_invalid`` (null, <= 0, more than 9 digits), ``mmsi_not_ship``,
       ``timestamp_missing``, ``latitude_not_available`` (null or 91),
       ``latitude_out_of_range``, ``longitude_not_available`` (null or 181),
       ``longitude_out_of_range``, ``sog_above_max`` (SOG 102.3 is "not available",
       never "too fast");
    2. among the rest, for each MMSI and time the first report in input order is kept:
       later ones at the same position are ``duplicate_exact``, at another position
       ``duplicate_timestamp``;
    3. the rest is sorted (stable) by ``mmsi, timestamp``; each report that had been
       received after a later report of its MMSI is recorded as ``out_of_order``
       (action ``changed``: it is kept, only moved);
    4. ``implied_speed_above_max``: on the sorted reports, the leg from the previous
       report of the same MMSI is a *jump* when its implied speed (haversine distance
       over time, vectorised with polars ``shift``) exceeds ``max_implied_speed_kn`` and
       it is longer than ``min_jump_distance_nmi``. The jumped-to report is dropped,
       with two refinements that keep one bad fix from costing a whole track: an
       isolated bad fix (A-B-C where A and C agree) drops B only, and C is then
       compared with A; a bad *first* report (MarineCadastre daily files often open
       with a stale midnight position) is dropped itself when the reports after it
       agree with each other. This runs in rounds that only revisit the reports around
       a change, for at most ``max_jump_rounds`` rounds; a last pass then drops every
       report still flagged.

    The whole input is in memory (the quarantine can be longer than the input);
    :func:`portcap.ais.stream.load_clean_ais` reads and cleans in batches with the same
    result.

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t0 = datetime(2022, 1, 3)
    >>> pings = pl.DataFrame(
    ...     {
    ...         "mmsi": [366000001, 366000001, 366000001, 993660001],
    ...         "timestamp": [t0 + timedelta(minutes=m) for m in (2, 0, 1, 0)],
    ...         "latitude_deg": [33.72, 33.70, 34.70, 33.70],
    ...         "longitude_deg": [-118.2, -118.2, -118.2, -118.2],
    ...         "heading_deg": [511.0, 90.0, 90.0, 0.0],
    ...     }
    ... )
    >>> result = clean_pings(pings)
    >>> result.pings.select("latitude_deg", "heading_deg").rows()
    [(33.7, 90.0), (33.72, None)]
    >>> for reason, n in result.counts.items():
    ...     if n:
    ...         print(reason, n)
    heading_not_available 1
    out_of_order 1
    mmsi_not_ship 1
    implied_speed_above_max 1
    """
    _check_parameters(max_speed_kn, max_implied_speed_kn, max_jump_rounds)
    frame = conform_ais_pings(pings)
    check_ais_pings(frame, strict=True)
    n_rows = frame.height

    # 1. Row-level rules on the key columns only.
    narrow = frame.select(
        pl.int_range(n_rows, dtype=pl.UInt32).alias(_POSITION),
        "mmsi",
        "timestamp",
        "latitude_deg",
        "longitude_deg",
        _row_reason(max_speed_kn=max_speed_kn, ship_mmsi_range=ship_mmsi_range).alias("_reason"),
    )
    invalid = narrow.filter(pl.col("_reason").is_not_null()).select(_POSITION, "_reason")
    valid = narrow.filter(pl.col("_reason").is_null()).drop("_reason")
    del narrow

    # 2-3. Sort (stable, so ties stay in input order) unless already sorted.
    in_order = valid.select(
        (
            (pl.col("mmsi").diff() > 0)
            | (
                (pl.col("mmsi").diff() == 0)
                & (pl.col("timestamp").diff().dt.total_microseconds() >= 0)
            )
        )
        .fill_null(True)
        .all()
    ).item()
    if not in_order:
        valid = valid.sort("mmsi", "timestamp", maintain_order=True)

    valid = valid.with_columns(
        _duplicate=_duplicate_reason(), _kept_position=_first_of_key(_POSITION)
    )
    duplicates = valid.filter(pl.col("_duplicate").is_not_null()).select(
        _POSITION, "_duplicate", "_kept_position", "latitude_deg", "longitude_deg"
    )
    kept = valid.filter(pl.col("_duplicate").is_null()).drop("_duplicate", "_kept_position")
    del valid

    if in_order:
        out_of_order = pl.Series(_POSITION, [], dtype=pl.UInt32)
    else:
        out_of_order = kept.filter(_out_of_order()).get_column(_POSITION)

    # 4. Position jumps.
    jumps = _jump_drops(
        kept,
        max_implied_speed_kn=max_implied_speed_kn,
        min_distance_nmi=min_jump_distance_nmi,
        max_rounds=max_jump_rounds,
    )
    if jumps.height:
        alive = pl.repeat(True, n_rows, eager=True).scatter(jumps.get_column(_POSITION), False)
        kept = kept.filter(alive.gather(kept.get_column(_POSITION)))
        out_of_order = out_of_order.filter(alive.gather(out_of_order))

    # Rows kept, in output order; no copy at all when nothing moves or goes.
    positions = kept.get_column(_POSITION)
    if not in_order:
        cleaned = frame[positions]
    elif positions.len() < n_rows:  # a mask filter is cheaper than a gather
        cleaned = frame.filter(pl.repeat(False, n_rows, eager=True).scatter(positions, True))
    else:
        cleaned = frame

    # Value rules on the kept rows.
    rules = _null_rules()
    masks = _rule_masks(rules)
    flags = cleaned.select(m.alias(f"_rule_{i}") for i, m in enumerate(masks))
    changed_parts = (
        []
        if not record_changes
        else [
            cleaned.select("source_file", "source_row", "mmsi", "timestamp", rule.column)
            .filter(flags.get_column(f"_rule_{i}"))
            .lazy()
            .pipe(
                quarantine_rows,
                reason=rule.reason,
                field=rule.column,
                original_value=pl.col(rule.column),
            )
            for i, rule in enumerate(rules)
            if flags.get_column(f"_rule_{i}").any()
        ]
    )
    nulled: dict[str, pl.Series] = {}
    for i, rule in enumerate(rules):
        mask = flags.get_column(f"_rule_{i}")
        nulled[rule.column] = nulled[rule.column] | mask if rule.column in nulled else mask
    cleaned = cleaned.with_columns(
        pl.when(mask).then(None).otherwise(pl.col(column)).alias(column)
        for column, mask in nulled.items()
        if mask.any()
    )

    # Quarantine rows for drops and moves, with the evidence as text.
    lineage = frame.select("source_file", "source_row", "mmsi", "timestamp")
    invalid_reasons = invalid.get_column("_reason")
    drop_parts = [
        _quarantine_at(
            lineage,
            invalid.get_column(_POSITION),
            reason=invalid_reasons,
            field=invalid_reasons.replace_strict(_ROW_REASON_FIELD),
            original_value=_row_evidence(
                frame.select(list(dict.fromkeys(_ROW_REASON_FIELD.values())))[
                    invalid.get_column(_POSITION)
                ],
                invalid_reasons,
            ),
        ),
        _quarantine_at(
            lineage,
            duplicates.get_column(_POSITION),
            reason=duplicates.get_column("_duplicate"),
            field=None,
            original_value=pl.select(
                pl.when(duplicates.get_column("_duplicate") == "duplicate_exact")
                .then(
                    frame.get_column("source_row")
                    .gather(duplicates.get_column("_kept_position"))
                    .cast(pl.String)
                )
                .otherwise(
                    pl.concat_str(
                        duplicates.get_column("latitude_deg").cast(pl.String),
                        duplicates.get_column("longitude_deg").cast(pl.String),
                        separator=",",
                    )
                )
            ).to_series(),
        ),
        _quarantine_at(
            lineage,
            jumps.get_column(_POSITION),
            reason="implied_speed_above_max",
            field=None,
            original_value=jumps.get_column("implied_speed_kn").round(1).cast(pl.String),
        ),
        _quarantine_at(
            lineage,
            out_of_order,
            reason="out_of_order",
            field=None,
            original_value=(out_of_order + 1).cast(pl.String),
        ),
    ]
    parts = [p for p in drop_parts if p is not None] + changed_parts
    quarantine = pl.concat(pl.collect_all(parts), how="vertical") if parts else empty_quarantine()

    counts = dict.fromkeys((r.code for r in QUARANTINE_REASONS.values() if r.stage == "clean"), 0)
    for i, rule in enumerate(rules):
        counts[rule.reason] += int(flags.get_column(f"_rule_{i}").sum())
    value_reasons = {rule.reason for rule in rules}
    for reason, n in quarantine.group_by("reason").len().iter_rows():
        if reason not in value_reasons:
            counts[str(reason)] = int(n)
    return CleanResult(cleaned, quarantine, counts)


def _row_evidence(rows: pl.DataFrame, reasons: pl.Series) -> pl.Series:
    """Return the offending value of each row-level drop, as text."""
    return rows.select(_row_evidence_expr(pl.lit(reasons)).alias("original_value")).to_series()


def _row_evidence_expr(reason: pl.Expr) -> pl.Expr:
    """Offending value of a row-level drop with reason code ``reason``, as text."""
    value = pl.lit(None, dtype=pl.String)
    for code, column in _ROW_REASON_FIELD.items():
        value = pl.when(reason == code).then(pl.col(column).cast(pl.String)).otherwise(value)
    return value


def _same_key() -> pl.Expr:
    """Whether a report has the MMSI and time of the one before (on sorted reports)."""
    return (
        (pl.col("mmsi") == pl.col("mmsi").shift(1))
        & (pl.col("timestamp") == pl.col("timestamp").shift(1))
    ).fill_null(False)


def _first_of_key(column: str) -> pl.Expr:
    """``column`` of the first report of each MMSI and time (on sorted reports)."""
    return pl.when(~_same_key()).then(column).forward_fill()


def _duplicate_reason() -> pl.Expr:
    """``duplicate_exact``/``duplicate_timestamp`` for all but the first of a key, else null.

    On reports sorted (stably) by MMSI and time, so the first of a key is the first in
    input order.
    """
    same_key = _same_key()
    return (
        pl.when(
            same_key
            & (pl.col("latitude_deg") == _first_of_key("latitude_deg"))
            & (pl.col("longitude_deg") == _first_of_key("longitude_deg"))
        )
        .then(pl.lit("duplicate_exact"))
        .when(same_key)
        .then(pl.lit("duplicate_timestamp"))
    )


def _out_of_order(order: str = _POSITION) -> pl.Expr:
    """Whether a later report of the MMSI (in time) came earlier in the input.

    On reports sorted by MMSI and time, with a column ``order`` that grows with the input
    position: a report is out of order when its ``order`` exceeds the minimum ``order``
    of the reports after it. mmsi < 2**30 and ``order`` < 2**32 pack into one key, so the
    suffix minimum needs no group-by (reports of larger MMSIs have larger keys).
    """
    key = pl.col("mmsi").cast(pl.UInt64) * 2**32 + pl.col(order).cast(pl.UInt64)
    return (key > key.reverse().cum_min().reverse().shift(-1)).fill_null(False)


def _quarantine_at(
    lineage: pl.DataFrame,
    positions: pl.Series,
    *,
    reason: str | pl.Series,
    field: str | pl.Series | None,
    original_value: pl.Series | None = None,
) -> pl.LazyFrame | None:
    """Quarantine rows for the input rows at ``positions`` (None when there are none)."""
    if positions.len() == 0:
        return None
    rows = lineage[positions]
    extra: dict[str, pl.Series] = {}
    if isinstance(reason, pl.Series):
        extra["_reason"] = reason
    if isinstance(field, pl.Series):
        extra["_field"] = field
    if original_value is not None:
        extra["_value"] = original_value
    return (
        rows.with_columns(**extra)
        .lazy()
        .pipe(
            quarantine_rows,
            reason=pl.col("_reason") if isinstance(reason, pl.Series) else reason,
            field=pl.col("_field") if isinstance(field, pl.Series) else field,
            original_value=pl.col("_value") if original_value is not None else None,
        )
    )


def write_quarantine(quarantine: pl.DataFrame, path: str | Path) -> Path:
    """Write a quarantine table to CSV or Parquet, chosen by the file extension.

    Parameters
    ----------
    quarantine
        Table in the quarantine schema (from a reader or :func:`clean_pings`).
    path
        Target ``.csv`` or ``.parquet`` file; parent folders are created.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If the extension is neither ``.csv`` nor ``.parquet``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = write_quarantine(empty_quarantine(), Path(folder) / "q.csv")
    ...     target.read_text().strip()
    'source_file,source_row,mmsi,timestamp,reason,action,field,original_value'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        msg = f"quarantine file must end in .csv or .parquet, got {path.name!r}"
        raise ValueError(msg)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        quarantine.write_csv(path)
    else:
        quarantine.write_parquet(path)
    return path
