"""Operating modes of ocean-going vessels from speed, engine load and geofence (EPA 2022).

:func:`operating_mode` returns mode names; :func:`operating_mode_code` returns the same modes as
``int8`` codes (indices into :data:`OPERATING_MODES`, ``-1`` for no mode) and accepts zone kinds
as codes too, so that millions of activity records need no Python string per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import polars as pl

from portcap.ais.zones import ZONE_KINDS

__all__ = ["NO_MODE", "OPERATING_MODES", "operating_mode", "operating_mode_code"]

#: Operating modes of the ship emissions tables (``DESIGN.md``), from sea to quay. The codes of
#: :func:`operating_mode_code` index this tuple.
OPERATING_MODES: tuple[str, ...] = ("transit", "maneuvering", "anchorage", "berth")

#: Code of "no mode" (an input needed by the rules is missing) in :func:`operating_mode_code`.
NO_MODE = -1

_TRANSIT, _MANEUVERING, _ANCHORAGE, _BERTH = range(4)
_ZONE_BERTH, _ZONE_ANCHORAGE = ZONE_KINDS.index("berth"), ZONE_KINDS.index("anchorage")
_MODE_NAMES = np.array([*OPERATING_MODES, None], dtype=object)


def _series_index(*values: object) -> pd.Index | None:
    indexes = [value.index for value in values if isinstance(value, pd.Series)]
    if not indexes:
        return None
    first = indexes[0]
    for other in indexes[1:]:
        if not first.equals(other):
            msg = "pandas Series inputs must share the same index"
            raise ValueError(msg)
    return first


def _unknown_kinds(bad: set[str]) -> ValueError:
    msg = f"unknown zone_kind {sorted(bad)}; expected one of {list(ZONE_KINDS)} or None"
    return ValueError(msg)


def _kind_codes_from_objects(zone_kind: object) -> npt.NDArray[np.int8]:
    """Codes of zone kinds given as strings; ``None``, NaN and ``""`` mean no zone."""
    kinds = np.array(zone_kind, dtype=object)  # a copy: missing values become ""
    kinds[np.asarray(pd.isna(kinds), dtype=bool)] = ""
    codes = np.full(kinds.shape, -1, dtype=np.int8)
    known = np.asarray(kinds == "", dtype=bool)
    for code, kind in enumerate(ZONE_KINDS):
        is_kind = np.asarray(kinds == kind, dtype=bool)
        codes[is_kind] = code
        known |= is_kind
    if not np.all(known):
        raise _unknown_kinds({str(value) for value in kinds[~known]})
    return codes


def _kind_codes_from_integers(codes: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.int8]:
    """Validate integer zone-kind codes (indices into ``ZONE_KINDS``, negative: no zone)."""
    if codes.size and codes.max() >= len(ZONE_KINDS):
        msg = (
            f"unknown zone_kind code {int(codes.max())}; codes index {list(ZONE_KINDS)} "
            "(negative: no zone)"
        )
        raise ValueError(msg)
    return np.maximum(codes, -1).astype(np.int8)


def _kind_codes_from_polars(zone_kind: pl.Series) -> npt.NDArray[np.int8]:
    dtype = zone_kind.dtype
    if isinstance(dtype, pl.Enum) and tuple(dtype.categories) == ZONE_KINDS:
        physical = zone_kind.to_physical().cast(pl.Int8).fill_null(-1)
        return physical.to_numpy().astype(np.int8, copy=False)
    if dtype.is_integer():
        return _kind_codes_from_integers(zone_kind.fill_null(-1).to_numpy())
    text = zone_kind.cast(pl.String)
    mapping = {"": -1} | {kind: code for code, kind in enumerate(ZONE_KINDS)}
    codes = text.replace_strict(mapping, default=None, return_dtype=pl.Int8)
    unknown = codes.is_null() & text.is_not_null()
    if unknown.any():
        raise _unknown_kinds(set(text.filter(unknown).unique().to_list()))
    return codes.fill_null(-1).to_numpy().astype(np.int8, copy=False)


def _zone_kind_codes(zone_kind: object) -> npt.NDArray[np.int8]:
    """Zone kinds as int8 indices into ``ZONE_KINDS`` (``-1``: no zone)."""
    if isinstance(zone_kind, pl.Series):
        return _kind_codes_from_polars(zone_kind)
    values = zone_kind.to_numpy() if isinstance(zone_kind, pd.Series) else zone_kind
    if isinstance(values, int) and not isinstance(values, bool):
        values = np.asarray(values)
    elif isinstance(values, list | tuple):
        values = np.asarray(values, dtype=None if values else object)
    if isinstance(values, np.ndarray | np.integer) and values.dtype.kind in "iu":
        return _kind_codes_from_integers(np.asarray(values))
    return _kind_codes_from_objects(values)


def _check_thresholds(
    berth_max_speed_kn: float,
    anchorage_max_speed_kn: float,
    maneuvering_max_load_factor: float,
    transit_min_speed_kn: float,
) -> None:
    for name, value in (
        ("berth_max_speed_kn", berth_max_speed_kn),
        ("anchorage_max_speed_kn", anchorage_max_speed_kn),
        ("transit_min_speed_kn", transit_min_speed_kn),
    ):
        if not np.isfinite(value) or value < 0:
            msg = f"{name} must be a finite number >= 0, got {value!r}"
            raise ValueError(msg)
    if not 0.0 <= maneuvering_max_load_factor <= 1.0:
        msg = f"maneuvering_max_load_factor must be in [0, 1], got {maneuvering_max_load_factor!r}"
        raise ValueError(msg)


def _mode_codes(
    speed_over_ground_kn: Any,
    load_factor: Any,
    zone_kind: Any,
    *,
    berth_max_speed_kn: float,
    anchorage_max_speed_kn: float,
    maneuvering_max_load_factor: float,
    transit_min_speed_kn: float,
) -> tuple[npt.NDArray[np.int8], pd.Index | None]:
    """Mode codes of the broadcast inputs, and the index of the pandas Series inputs."""
    _check_thresholds(
        berth_max_speed_kn,
        anchorage_max_speed_kn,
        maneuvering_max_load_factor,
        transit_min_speed_kn,
    )
    index = _series_index(speed_over_ground_kn, load_factor, zone_kind)
    speed = np.asarray(speed_over_ground_kn, dtype=float)
    load = np.asarray(load_factor, dtype=float)
    shape = np.broadcast_shapes(speed.shape, load.shape, np.shape(zone_kind))
    if np.any(speed < 0):  # NaN compares False
        msg = "speed_over_ground_kn must be >= 0"
        raise ValueError(msg)
    if np.any(load < 0):
        msg = "load_factor must be >= 0"
        raise ValueError(msg)
    kind = _zone_kind_codes(zone_kind)
    speed, load, kind = np.broadcast_to(speed, shape), np.broadcast_to(load, shape), kind
    kind = np.broadcast_to(kind, shape)

    # the EPA rules in order, the first that holds wins, so they are written last to first;
    # a NaN speed or load factor fails every comparison, so a rule that needs it does not hold
    mode = np.full(shape, NO_MODE, dtype=np.int8)
    slow = speed <= transit_min_speed_kn
    mode[slow] = _ANCHORAGE  # rule 5
    under_way = speed > transit_min_speed_kn
    mode[under_way & (load > maneuvering_max_load_factor)] = _TRANSIT  # rule 4
    mode[under_way & (load <= maneuvering_max_load_factor)] = _MANEUVERING  # rule 3
    mode[(kind == _ZONE_BERTH) & (speed <= berth_max_speed_kn)] = _BERTH  # rule 2
    mode[(kind == _ZONE_ANCHORAGE) & (speed <= anchorage_max_speed_kn)] = _ANCHORAGE  # rule 1
    return mode, index


def operating_mode_code(
    speed_over_ground_kn: npt.ArrayLike | pd.Series | pl.Series,
    load_factor: npt.ArrayLike | pd.Series | pl.Series,
    zone_kind: npt.ArrayLike | pd.Series | pl.Series | str | None,
    *,
    berth_max_speed_kn: float = 1.0,
    anchorage_max_speed_kn: float = 3.0,
    maneuvering_max_load_factor: float = 0.20,
    transit_min_speed_kn: float = 1.0,
) -> npt.NDArray[np.int8]:
    """EPA operating mode as a small integer code, for large tables.

    The rules, thresholds and errors are those of :func:`operating_mode`; only the input
    forms of ``zone_kind`` are wider and the result is a code array.

    Parameters
    ----------
    speed_over_ground_kn : array_like, pandas.Series or polars.Series
        Vessel speed over ground [kn]; must be >= 0 (NaN or null gives no mode).
    load_factor : array_like, pandas.Series or polars.Series
        Main-engine load factor [-]; must be >= 0 (NaN allowed where not needed).
    zone_kind : array_like, pandas.Series, polars.Series, str or None
        Kind of the geofence: strings as in :func:`operating_mode`; an integer array (numpy,
        pandas or polars) of codes indexing :data:`portcap.ais.zones.ZONE_KINDS` (negative:
        no zone); or a polars ``Enum`` Series of dtype
        :data:`portcap.ais.zones.ZONE_KIND_DTYPE` (the ``zone_kind`` column of
        :func:`portcap.ais.intervals.build_intervals`), read through its codes.
    berth_max_speed_kn : float, default 1.0
        Highest speed counted as at berth inside a berth area [kn].
    anchorage_max_speed_kn : float, default 3.0
        Highest speed counted as at anchor inside an anchorage area [kn].
    maneuvering_max_load_factor : float, default 0.20
        Highest main-engine load factor of maneuvering [-].
    transit_min_speed_kn : float, default 1.0
        Speed above which a ship is under way [kn].

    Returns
    -------
    numpy.ndarray of int8
        Index into :data:`OPERATING_MODES` (0 transit, 1 maneuvering, 2 anchorage, 3 berth),
        or :data:`NO_MODE` (``-1``) where an input needed by the rules is missing; broadcast
        shape of the inputs (0-d for scalars; a pandas index is not kept).

    Raises
    ------
    ValueError
        As :func:`operating_mode`, and on an integer zone-kind code beyond
        :data:`portcap.ais.zones.ZONE_KINDS`.

    Examples
    --------
    >>> codes = operating_mode_code([0.0, 12.0, 0.5, 5.0], [0.0, 0.25, 0.0, float("nan")],
    ...                             [0, -1, 1, -1])
    >>> codes.tolist()
    [3, 0, 2, -1]
    >>> [OPERATING_MODES[c] if c >= 0 else None for c in codes]
    ['berth', 'transit', 'anchorage', None]
    """
    mode, _ = _mode_codes(
        speed_over_ground_kn,
        load_factor,
        zone_kind,
        berth_max_speed_kn=berth_max_speed_kn,
        anchorage_max_speed_kn=anchorage_max_speed_kn,
        maneuvering_max_load_factor=maneuvering_max_load_factor,
        transit_min_speed_kn=transit_min_speed_kn,
    )
    return mode


def operating_mode(
    speed_over_ground_kn: npt.ArrayLike | pd.Series,
    load_factor: npt.ArrayLike | pd.Series,
    zone_kind: npt.ArrayLike | pd.Series | str | None,
    *,
    berth_max_speed_kn: float = 1.0,
    anchorage_max_speed_kn: float = 3.0,
    maneuvering_max_load_factor: float = 0.20,
    transit_min_speed_kn: float = 1.0,
) -> str | None | npt.NDArray[np.object_] | pd.Series:
    r"""Assign the EPA operating mode (transit, maneuvering, anchorage or berth).

    Parameters
    ----------
    speed_over_ground_kn : array_like or pandas.Series
        Vessel speed over ground [kn]; must be >= 0 (NaN gives no mode).
    load_factor : array_like or pandas.Series
        Main-engine load factor, fraction of maximum continuous rating [-] (for example from
        the propeller law, :math:`(v / v_{max})^3`); must be >= 0. NaN is allowed where the
        speed and zone decide the mode without it.
    zone_kind : array_like, pandas.Series, str or None
        Kind of the geofence the vessel is in: ``"berth"``, ``"anchorage"``,
        ``"maneuvering"``, or ``None``/NaN/``""`` outside every zone (see
        :func:`portcap.ais.zones.assign_zones`).
    berth_max_speed_kn : float, default 1.0
        Highest speed counted as at berth inside a berth area [kn] (EPA 2022, §3.2 rules).
    anchorage_max_speed_kn : float, default 3.0
        Highest speed counted as at anchor inside an anchorage area [kn] (EPA 2022).
    maneuvering_max_load_factor : float, default 0.20
        Highest main-engine load factor of maneuvering; above it a moving ship is in transit
        [-] (EPA 2022; the 20 % load below which the low-load adjustment applies).
    transit_min_speed_kn : float, default 1.0
        Speed above which a ship is under way, in maneuvering or transit [kn]. EPA 2022
        Table 3.11 set transit to speeds above 1 kn (3 kn in the 2020 edition).

    Returns
    -------
    str, None, numpy.ndarray or pandas.Series
        The mode code (``"transit"``, ``"maneuvering"``, ``"anchorage"``, ``"berth"``) or
        ``None`` where an input needed by the rules is missing. A ``str``/``None`` for scalar
        inputs, an object ndarray of the broadcast shape for array inputs, and a Series
        (index kept) if any input is a Series.

    Raises
    ------
    ValueError
        On a negative speed or load factor, an unknown ``zone_kind``, Series inputs with
        different indexes, or a threshold out of range.

    Notes
    -----
    The rules are evaluated in order; the first that holds gives the mode
    (:math:`v` speed over ground, :math:`LF` load factor, default thresholds shown):

    ====  ======================  ====================================================
    Rule  Mode                    Condition
    ====  ======================  ====================================================
    1     anchorage               in an anchorage area and :math:`v \le 3` kn
    2     berth (hoteling)        in a berth area and :math:`v \le 1` kn
    3     maneuvering             :math:`v > 1` kn and :math:`LF \le 0.20`
    4     transit                 :math:`v > 1` kn and :math:`LF > 0.20`
    5     anchorage (fallback)    :math:`v \le 1` kn, not assigned above
    ====  ======================  ====================================================

    Rule 5 is EPA's fallback "speed at most 1 kn and LF at most 0.20, not in a berth area":
    with the default thresholds every slow point in a berth area was already taken by rule
    2 and :math:`LF \le 0.20` holds by the propeller law at 1 kn, so the two forms agree; the
    simpler form also covers user thresholds with ``berth_max_speed_kn <
    transit_min_speed_kn``. A slow ship inside the harbor but outside berth and anchorage
    polygons (kind ``"maneuvering"``, or no zone) is therefore counted at anchorage, as in
    the guidance; maneuvering zones do not change the mode and serve to flag such time.

    Valid range: speeds 0-40 kn and load factors 0-1 are typical; larger values are
    accepted (a load factor above 1 is transit).

    References
    ----------
    .. [1] US EPA (2022). Port Emissions Inventory Guidance: Methodologies for Estimating
       Port-Related and Goods Movement Mobile Source Emissions, EPA-420-B-22-011, §3
       (ocean-going vessels) and Table 3.11 (transit defined as speed > 1 kn).
       https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
    .. [2] US EPA, Marine_Emissions_Tools, ``ShipPowerModel/R/calcOperatingMode.r``
       (speed/load-only simplification of the same rules).
    .. [3] IMO (2014). Third IMO GHG Study 2014, Annex 1 (operating phases by speed and
       main-engine load).

    Examples
    --------
    >>> operating_mode([0.0, 0.5, 2.0, 12.0, 0.3, 2.5],
    ...                [0.0, 0.0, 0.01, 0.25, 0.0, 0.01],
    ...                ["berth", None, None, None, "maneuvering", "anchorage"]).tolist()
    ['berth', 'anchorage', 'maneuvering', 'transit', 'anchorage', 'anchorage']
    >>> operating_mode(0.8, 0.001, "berth")
    'berth'
    """
    mode, index = _mode_codes(
        speed_over_ground_kn,
        load_factor,
        zone_kind,
        berth_max_speed_kn=berth_max_speed_kn,
        anchorage_max_speed_kn=anchorage_max_speed_kn,
        maneuvering_max_load_factor=maneuvering_max_load_factor,
        transit_min_speed_kn=transit_min_speed_kn,
    )
    if mode.ndim == 0 and index is None:
        value = _MODE_NAMES[int(mode)]  # code -1 picks the trailing None
        return None if value is None else str(value)
    names = _MODE_NAMES[mode.reshape(-1)].reshape(mode.shape)
    if index is not None:
        return pd.Series(names.reshape(-1), index=index, name="operating_mode", dtype=object)
    return names
