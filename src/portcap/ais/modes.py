"""Operating modes of ocean-going vessels from speed, engine load and geofence (EPA 2022)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from portcap.ais.zones import ZONE_KINDS

__all__ = ["OPERATING_MODES", "operating_mode"]

#: Operating modes of the ship emissions tables (``DESIGN.md``), from sea to quay.
OPERATING_MODES: tuple[str, ...] = ("transit", "maneuvering", "anchorage", "berth")


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


def _zone_masks(
    zone_kind: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Berth and anchorage masks; raise on a zone kind that is not allowed."""
    zone_kind = np.array(zone_kind, dtype=object)  # a copy: missing values become ""
    zone_kind[np.asarray(pd.isna(zone_kind), dtype=bool)] = ""
    missing = zone_kind == ""
    berth = zone_kind == "berth"
    anchorage = zone_kind == "anchorage"
    known = missing | berth | anchorage | (zone_kind == "maneuvering")
    if not np.all(known):
        bad = sorted({str(value) for value in zone_kind[~known]})
        msg = f"unknown zone_kind {bad}; expected one of {list(ZONE_KINDS)} or None"
        raise ValueError(msg)
    return np.asarray(berth, dtype=bool), np.asarray(anchorage, dtype=bool)


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

    index = _series_index(speed_over_ground_kn, load_factor, zone_kind)
    speed, load, kind = np.broadcast_arrays(
        np.asarray(speed_over_ground_kn, dtype=float),
        np.asarray(load_factor, dtype=float),
        np.asarray(zone_kind, dtype=object),
    )
    with np.errstate(invalid="ignore"):
        if np.any(speed < 0):
            msg = "speed_over_ground_kn must be >= 0"
            raise ValueError(msg)
        if np.any(load < 0):
            msg = "load_factor must be >= 0"
            raise ValueError(msg)
    in_berth, in_anchorage = _zone_masks(kind)

    has_speed = ~np.isnan(speed)
    has_load = ~np.isnan(load)
    under_way = has_speed & (speed > transit_min_speed_kn)
    rules = (  # (mode, condition), in EPA order: the first rule that holds wins
        ("anchorage", has_speed & in_anchorage & (speed <= anchorage_max_speed_kn)),
        ("berth", has_speed & in_berth & (speed <= berth_max_speed_kn)),
        ("maneuvering", under_way & has_load & (load <= maneuvering_max_load_factor)),
        ("transit", under_way & has_load & (load > maneuvering_max_load_factor)),
        ("anchorage", has_speed & (speed <= transit_min_speed_kn)),
    )
    mode = np.full(speed.shape, None, dtype=object)
    for code, condition in reversed(rules):  # earlier rules overwrite later ones
        mode[condition] = code

    if index is not None:
        return pd.Series(mode.reshape(-1), index=index, name="operating_mode", dtype=object)
    if mode.ndim == 0:
        value = mode.item()
        return None if value is None else str(value)
    return mode
