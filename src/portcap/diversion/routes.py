"""Routes of diverted cargo: the ocean leg from Asia and the landside leg to the destination.

Ocean legs come from the packaged sea-distance table (``sea_distances.csv``, computed with the
``searoute`` package by ``scripts/build_sea_distances.py``): the route length from each
Asian origin to each port point with the access legs, and the part of it inside the North
American Emission Control Area. Landside legs from a port to a destination zone are
great-circle distances times a circuity factor (rail 1.27, calibrated on BNSF
Los Angeles-Chicago 2,232 mi; road 1.12), by rail where the port has rail service and the
rail route is at least ``rail_min_miles`` (550 mi) long, otherwise by truck.

Examples
--------
>>> from portcap.diversion import routes
>>> round(float(routes.great_circle_miles(-118.2833, 33.7167, -87.6298, 41.8781)))
1755
>>> legs = routes.landside_legs().set_index(["port", "destination"])
>>> legs.loc[("POLA", "chicago"), "mode"], legs.loc[("MXESE", "chicago"), "mode"]
('rail', 'truck')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portcap.diversion.gateways import destinations, origins, ports
from portcap.diversion.parameters import DiversionParameters
from portcap.diversion.tables import load_diversion_table
from portcap.sources._arrays import FloatInput, FloatOutput

__all__ = [
    "EARTH_RADIUS_MILES",
    "great_circle_miles",
    "landside_legs",
    "landside_time_days",
    "ocean_legs",
]

EARTH_RADIUS_MILES: float = 6371.0 / 1.609344
"""Mean Earth radius, 6,371.0 km (IUGG mean radius, rounded), in statute miles [mi]."""


def great_circle_miles(
    lon_from: FloatInput, lat_from: FloatInput, lon_to: FloatInput, lat_to: FloatInput
) -> FloatOutput:
    r"""Great-circle distance between points on a sphere (haversine formula).

    Parameters
    ----------
    lon_from, lat_from : float, list, ndarray or Series
        Start point, longitude and latitude [degrees, WGS84].
    lon_to, lat_to : float, list, ndarray or Series
        End point [degrees].

    Returns
    -------
    float, ndarray or Series
        Distance [mi] (statute miles); a Series keeps the index of ``lon_from``.

    Notes
    -----
    .. math:: d = 2R \arcsin\sqrt{\sin^2\frac{\Delta\varphi}{2}
              + \cos\varphi_1\cos\varphi_2\sin^2\frac{\Delta\lambda}{2}}

    with :math:`R` = 6,371.0 km. The sphere differs from the WGS84 ellipsoid by up to
    0.5 %, far below the uncertainty of a circuity factor.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. Sky and Telescope 68(2), 159.

    Examples
    --------
    >>> round(float(great_circle_miles(0.0, 0.0, 1.0, 0.0)), 2)
    69.09
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon_from, lat_from, lon_to, lat_to)
    )
    half = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    distance = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))
    if isinstance(lon_from, pd.Series):
        return pd.Series(distance, index=lon_from.index)
    return distance if np.ndim(distance) else float(distance)


def landside_time_days(
    distance_miles: FloatInput,
    is_rail: FloatInput,
    rail_line_haul_speed_mph: FloatInput,
    *,
    rail_terminal_days: float = 1.0,
    truck_miles_per_day: float = 500.0,
) -> FloatOutput:
    r"""Door-to-door time of a landside leg by rail or truck.

    Parameters
    ----------
    distance_miles : float, list, ndarray or Series
        Route miles of the leg [mi], >= 0.
    is_rail : bool, list, ndarray or Series
        True for intermodal rail, False for truck.
    rail_line_haul_speed_mph : float, list, ndarray or Series
        Average line-haul speed of the rail service [mph] (ignored for truck legs).
    rail_terminal_days : float, default 1.0
        Days at the two rail terminals [d].
    truck_miles_per_day : float, default 500.0
        Miles a truck covers a day [mi/d].

    Returns
    -------
    float, ndarray or Series
        Time [d].

    Notes
    -----
    .. math:: t_{rail} = t_{term} + \frac{L}{24\,v_{rail}},\qquad
              t_{truck} = \frac{L}{L_{day}}

    Line-haul speeds are derived from published door-to-door times less one terminal day
    (e.g. Los Angeles-Chicago 3 days on 2,232 mi: 46.5 mph).

    Examples
    --------
    >>> round(float(landside_time_days(2232.0, True, 46.5)), 3)
    3.0
    >>> float(landside_time_days(250.0, False, np.nan))
    0.5
    """
    distance = np.asarray(distance_miles, dtype=float)
    rail = np.asarray(is_rail, dtype=bool)
    speed = np.asarray(rail_line_haul_speed_mph, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rail_days = rail_terminal_days + distance / (24.0 * speed)
    days = np.where(rail, rail_days, distance / truck_miles_per_day)
    if isinstance(distance_miles, pd.Series):
        return pd.Series(days, index=distance_miles.index)
    return days if np.ndim(days) else float(days)


def landside_legs(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    """Landside legs from every port (San Pedro Bay and gateways) to every destination zone.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        Circuities, the rail threshold, speeds and costs; defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per port and destination: ``port, destination, market,
        great_circle_miles, mode`` (``rail`` | ``truck``), ``distance_miles`` (route miles),
        ``regional_miles`` (miles inside the South Coast Air Basin), ``days``,
        ``cost_usd_per_teu``, ``transload_share``.

    Notes
    -----
    Rail is used when the port has rail service and great circle x rail circuity >=
    ``rail_min_miles``; otherwise the leg goes by road (great circle x road circuity).
    Miles inside the basin: all of a leg from San Pedro Bay to the local zone; the first
    ``rail_regional_miles`` of a leg from San Pedro Bay inland; the last
    ``basin_entry_miles`` of a leg from another port to the local zone; none otherwise.

    Examples
    --------
    >>> legs = landside_legs().set_index(["port", "destination"])
    >>> row = legs.loc[("USOAK", "inland_empire")]
    >>> row["mode"], round(float(row["distance_miles"]))
    ('truck', 412)
    """
    parameters = parameters or DiversionParameters()
    port_table = ports()
    zones = destinations(parameters)
    pairs = port_table.merge(zones, how="cross", suffixes=("_port", "_zone"))
    gc = great_circle_miles(
        pairs["lon_port"].to_numpy(),
        pairs["lat_port"].to_numpy(),
        pairs["lon_zone"].to_numpy(),
        pairs["lat_zone"].to_numpy(),
    )
    circuity = (
        pairs["code"].map(parameters.rail_circuity_by_gateway).fillna(parameters.rail_circuity)
    ).to_numpy()
    rail_miles = gc * circuity
    road_miles = gc * parameters.road_circuity
    by_rail = pairs["rail_access"].to_numpy() & (rail_miles >= parameters.rail_min_miles)
    distance = np.where(by_rail, rail_miles, road_miles)

    in_basin_port = (pairs["role"] == "san_pedro_bay").to_numpy()
    local = (pairs["market"] == "local").to_numpy()
    regional = np.select(
        [in_basin_port & local, in_basin_port, local],
        [
            distance,
            np.minimum(parameters.rail_regional_miles, distance),
            np.minimum(parameters.basin_entry_miles, distance),
        ],
        default=0.0,
    )
    days = landside_time_days(
        distance,
        by_rail,
        pairs["rail_line_haul_speed_mph"].to_numpy(),
        rail_terminal_days=parameters.rail_terminal_days,
        truck_miles_per_day=parameters.truck_miles_per_day,
    )
    cost = distance * np.where(
        by_rail, parameters.rail_cost_usd_per_teu_mile, parameters.truck_cost_usd_per_teu_mile
    )
    return pd.DataFrame(
        {
            "port": pairs["code"],
            "destination": pairs["destination"],
            "market": pairs["market"],
            "great_circle_miles": gc,
            "mode": np.where(by_rail, "rail", "truck"),
            "distance_miles": distance,
            "regional_miles": regional,
            "days": days,
            "cost_usd_per_teu": cost,
            "transload_share": pairs["transload_share"],
        }
    )


def ocean_legs(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    """Ocean legs from every Asian origin to every port, with the part inside the ECA.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        ``panama_open`` chooses the route set; ``ocean_speed_kn`` and
        ``ocean_cost_usd_per_teu_nmi`` give time and cost.

    Returns
    -------
    pandas.DataFrame
        One row per origin and port: ``origin, port, origin_weight, distance_nmi``
        (searoute length with access legs), ``eca_nmi`` (inside the North American ECA),
        ``passages``, ``days``, ``cost_usd_per_teu``, ``port_in_eca`` (the port lies in the
        ECA: US and Canadian ports).

    Raises
    ------
    ValueError
        If a route of an origin to a port is missing from ``sea_distances.csv``.

    Examples
    --------
    >>> legs = ocean_legs().set_index(["origin", "port"])
    >>> float(legs.loc[("CNSHA", "POLA"), "distance_nmi"])
    5761.9
    >>> legs.loc[("CNSHA", "USNYC"), "passages"]
    'panama'
    """
    parameters = parameters or DiversionParameters()
    port_table = ports()[["code", "locode", "country"]]
    weights = origins()[["origin", "weight"]]
    sea = load_diversion_table("sea_distances")
    if not parameters.panama_open:
        sea["distance_nmi"] = sea["distance_panama_closed_nmi"]
        sea["eca_nmi"] = sea["eca_panama_closed_nmi"]
        sea["passages"] = sea["passages_panama_closed"]
    pairs = weights.merge(port_table, how="cross").merge(
        sea[["origin", "destination", "distance_nmi", "eca_nmi", "passages"]],
        left_on=["origin", "locode"],
        right_on=["origin", "destination"],
        how="left",
        validate="1:1",
    )
    missing = pairs["distance_nmi"].isna()
    if missing.any():
        first = pairs[missing].iloc[0]
        raise ValueError(
            f"sea_distances.csv has no route {first['origin']} -> {first['locode']}; "
            "rerun scripts/build_sea_distances.py"
        )
    distance = pairs["distance_nmi"].to_numpy()
    return pd.DataFrame(
        {
            "origin": pairs["origin"],
            "port": pairs["code"],
            "origin_weight": pairs["weight"],
            "distance_nmi": distance,
            "eca_nmi": pairs["eca_nmi"],
            "passages": pairs["passages"].fillna(""),
            "days": distance / (parameters.ocean_speed_kn * 24.0),
            "cost_usd_per_teu": distance * parameters.ocean_cost_usd_per_teu_nmi,
            "port_in_eca": pairs["country"].isin(["US", "CA"]).to_numpy(),
        }
    )
