r"""Light-duty vehicles: port workers' commutes and cruise passengers' cars.

Cars and light trucks that bring port workers to the terminals and cruise passengers to the
cruise terminals are not part of the five source categories of the San Pedro Bay inventories
(ocean-going vessels, harbor craft, cargo-handling equipment, locomotives, heavy-duty
vehicles); portcap can add them as a sixth, ``light_duty``. For one group of vehicle trips
and one pollutant

.. math::

    E_p\,[\mathrm{g}] = N_{trips} \cdot \bar{d}_{trip}\,[\mathrm{mi}]
    \cdot R_p\,[\mathrm{g/mi}],

with running rates by fuel and model-year group that include cold-start emissions averaged
over the mile (no separate starts term). EPA's MOVES and CARB's EMFAC were not available
offline; the rates are documented assumptions anchored on public fleet averages (table
``light_duty_rates``; ``docs/methodology/light-duty.md``).

Vocabularies:

* ``fuel``: ``gasoline``, ``diesel``, ``hybrid`` (gasoline-electric), ``electric``
  (battery-electric).
* ``model_year_group``: ``pre2004`` (Tier 0/Tier 1, LEV I), ``2004_2016`` (Tier 2, LEV II),
  ``2017_plus`` (Tier 3, LEV III).
* pollutants: ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``
  (``hc`` = exhaust total hydrocarbons; evaporative HC not included).

References
----------
.. [1] U.S. EPA (2022). Ports Emissions Inventory Guidance. EPA-420-B-22-011.
   https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
.. [2] U.S. Bureau of Transportation Statistics (2001). National Transportation Statistics,
   Table 4-38 (MOBILE6 national average g/mi by vehicle type).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portcap import factors
from portcap.sources._arrays import (
    CodeInput,
    FloatInput,
    FloatOutput,
    check_frame_pairs,
    check_range,
    checked_product,
    code_array,
    common_index,
    float_array,
    frame_codes,
    frame_numbers,
    lookup,
    require_codes,
    require_frame_columns,
    wrap,
)
from portcap.sources.trucks import MAX_SULFUR_PPM, _derived_rates, _long_table

__all__ = [
    "FUELS",
    "MODEL_YEAR_GROUPS",
    "fleet_emissions",
    "passenger_trips",
    "running_emissions_g",
    "running_rate_g_per_mile",
    "vehicle_miles",
    "worker_trips",
]

FUELS: tuple[str, ...] = factors.LIGHT_DUTY_FUELS
"""Light-duty fuels: gasoline, diesel, gasoline-electric hybrid, battery-electric."""

MODEL_YEAR_GROUPS: tuple[str, ...] = factors.LIGHT_DUTY_MODEL_YEAR_GROUPS
"""Model-year groups by emission-standard era: before Tier 2/LEV II (pre-2004), Tier 2/LEV II
(2004-2016), Tier 3/LEV III (2017 and later)."""


# --------------------------------------------------------------------------------------
# Activity
# --------------------------------------------------------------------------------------
def worker_trips(
    jobs: FloatInput, trips_per_job_day: FloatInput = 2.0, work_days: FloatInput = 250.0
) -> FloatOutput:
    r"""Annual one-way vehicle trips of port workers commuting by car.

    Parameters
    ----------
    jobs : float, list, ndarray or Series
        Jobs filled on site (full-time equivalents) [-], >= 0.
    trips_per_job_day : float, list, ndarray or Series, default 2.0
        One-way vehicle trips per job and work day [-], >= 0. Assumption: one trip to work
        and one home, everyone driving alone; divide by the vehicle occupancy (about
        1.1 for commutes) to allow for car-pooling, multiply by the drive-alone share
        to leave out transit and walking.
    work_days : float, list, ndarray or Series, default 250.0
        Work days per job and year [d], in [0, 366]. Assumption: 5 days x 50 weeks; 24/7
        terminal operations run more shifts, which is counted in ``jobs``.

    Returns
    -------
    float, ndarray or Series
        Vehicle trips per year [-].

    Notes
    -----
    .. math:: N_{trips} = J \cdot n_{day} \cdot D

    The defaults are portcap assumptions (no public survey of San Pedro Bay port-worker
    travel was found); see ``docs/methodology/light-duty.md``.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles (activity from trip
    counts and trip length).

    Examples
    --------
    >>> worker_trips(1000)
    500000.0
    >>> worker_trips([100, 200], trips_per_job_day=2 / 1.1).round(1)
    array([45454.5, 90909.1])
    """
    index = common_index(jobs, trips_per_job_day, work_days)
    count = float_array(jobs, "jobs")
    per_day = float_array(trips_per_job_day, "trips_per_job_day")
    days = float_array(work_days, "work_days")
    check_range(count, "jobs", 0.0)
    check_range(per_day, "trips_per_job_day", 0.0)
    check_range(days, "work_days", 0.0, 366.0)
    return wrap(count * per_day * days, index, "trips")


def passenger_trips(
    passengers: FloatInput, party_size: FloatInput = 2.0, trips_per_party: FloatInput = 1.0
) -> FloatOutput:
    r"""One-way vehicle trips of cruise passengers arriving or leaving by car.

    Parameters
    ----------
    passengers : float, list, ndarray or Series
        Passenger movements [-], >= 0: each embarkation and each disembarkation counted
        once, as ports report cruise passenger throughput.
    party_size : float, list, ndarray or Series, default 2.0
        Passengers per car [-], >= 1. Assumption (cruise passengers mostly travel as
        couples or families; range 1.5-3).
    trips_per_party : float, list, ndarray or Series, default 1.0
        One-way vehicle trips per party and movement [-], >= 0: 1 for a car parked at the
        terminal for the cruise (one trip in at embarkation, one out at disembarkation),
        2 for a drop-off or pick-up (the car arrives and leaves), less than 1 where part
        of the passengers come by coach, shuttle or rail.

    Returns
    -------
    float, ndarray or Series
        Vehicle trips [-].

    Notes
    -----
    .. math:: N_{trips} = \frac{P}{s_{party}} \cdot n_{party}

    Assumed values; no public survey of cruise-passenger ground access at San Pedro Bay
    was found (see ``docs/methodology/light-duty.md``).

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles (activity from trip
    counts and trip length).

    Examples
    --------
    >>> passenger_trips(1_000_000)
    500000.0
    >>> passenger_trips(1_000, party_size=2.5, trips_per_party=[1.0, 2.0])
    array([400., 800.])
    """
    index = common_index(passengers, party_size, trips_per_party)
    movements = float_array(passengers, "passengers")
    size = float_array(party_size, "party_size")
    per_party = float_array(trips_per_party, "trips_per_party")
    check_range(movements, "passengers", 0.0)
    check_range(size, "party_size", 1.0)
    check_range(per_party, "trips_per_party", 0.0)
    return wrap(movements / size * per_party, index, "trips")


def vehicle_miles(trips: FloatInput, miles_per_trip: FloatInput) -> FloatOutput:
    r"""Vehicle miles travelled from vehicle trips and trip length.

    Parameters
    ----------
    trips : float, list, ndarray or Series
        One-way vehicle trips [-], >= 0.
    miles_per_trip : float, list, ndarray or Series
        Average trip length inside the inventory boundary [mi], >= 0 (no default; a
        regional commute is typically 10-20 mi one way).

    Returns
    -------
    float, ndarray or Series
        Vehicle miles travelled [mi].

    Notes
    -----
    .. math:: VMT = N_{trips} \cdot \bar{d}_{trip}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> vehicle_miles(500_000, 15.0)
    7500000.0
    """
    return checked_product(trips, "trips", miles_per_trip, "miles_per_trip", "vehicle_miles")


# --------------------------------------------------------------------------------------
# Rates and emissions
# --------------------------------------------------------------------------------------
def running_rate_g_per_mile(
    pollutant: CodeInput,
    model_year_group: CodeInput,
    fuel: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput | None = None,
    gwp_set: str = "ar5_100",
    pm25_to_pm10_ratio: float = 0.92,
) -> FloatOutput:
    r"""Running-exhaust emission rate of a light-duty vehicle (starts included).

    Parameters
    ----------
    pollutant : str, list, ndarray or Series
        One of ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.
    model_year_group : str, list, ndarray or Series
        One of :data:`MODEL_YEAR_GROUPS`.
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    fuel_sulfur_ppm : float, list, ndarray or Series, optional
        Fuel sulfur content [ppm m/m], in [0, 10000]; NaN or None = the fuel's default
        from ``light_duty_fuel_properties`` (gasoline and hybrid 15, California Phase 3
        gasoline averaging limit; diesel 15, California diesel since 2006).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming potentials for CO2e.
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5 share of exhaust PM10 [-] (portcap assumption, range 0.92-0.97).

    Returns
    -------
    float, ndarray or Series
        Emission rate [g/mi].

    Raises
    ------
    ValueError
        For an unknown pollutant, fuel or model-year group.

    Notes
    -----
    .. math::

        R_{PM_{2.5}} = r \cdot R_{PM_{10}}, \quad
        R_{DPM} = \delta_{diesel} R_{PM_{10}}, \quad
        R_{SO_2} = \frac{R_{CO_2}}{C_f} S \, 10^{-6} \frac{M_{SO_2}}{M_S}, \quad
        R_{CO_2e} = R_{CO_2} + GWP_{CH_4} R_{CH_4} + GWP_{N_2O} R_{N_2O}

    ``pre2004`` gasoline NOx, HC and CO are the MOBILE6 national fleet averages of
    passenger cars in 2001 (starts included); the other rates are documented
    assumptions within the ranges given in ``light_duty_rates``. Light trucks (pickups,
    SUVs) emit about 30 % more per mile than the passenger-car rates used here.

    References
    ----------
    BTS National Transportation Statistics 2001, Table 4-38; EPA-420-F-00-013 (21.5 mpg
    in-use fuel economy); EPA-420-F-23-014 (8,887 g CO2/gal gasoline, 10,180 diesel);
    IPCC (2006) Guidelines Vol. 2 ch. 1, Tables 1.2 and 1.4.

    Examples
    --------
    >>> running_rate_g_per_mile("nox", ["pre2004", "2017_plus"], "gasoline")
    array([1.35, 0.03])
    >>> running_rate_g_per_mile("co2", "2004_2016", ["hybrid", "electric"]).round(1)
    array([222.2,   0. ])
    """
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    index = common_index(pollutant, model_year_group, fuel, fuel_sulfur_ppm)
    pollutants = code_array(pollutant)
    groups = code_array(model_year_group)
    fuels = code_array(fuel)
    sulfur = float_array(np.nan if fuel_sulfur_ppm is None else fuel_sulfur_ppm, "fuel_sulfur_ppm")
    require_codes(pollutants, factors.POLLUTANTS, "pollutant")
    require_codes(groups, MODEL_YEAR_GROUPS, "model_year_group")
    require_codes(fuels, FUELS, "fuel")
    check_range(sulfur, "fuel_sulfur_ppm", 0.0, MAX_SULFUR_PPM)
    pollutants, groups, fuels, sulfur = np.broadcast_arrays(pollutants, groups, fuels, sulfur)
    shape = pollutants.shape
    rates = _rate_frame(
        groups.ravel(),
        fuels.ravel(),
        sulfur.ravel(),
        gwp_set=gwp_set,
        pm25_to_pm10_ratio=pm25_to_pm10_ratio,
    ).to_numpy(dtype=float)
    column = pd.Index(factors.POLLUTANTS).get_indexer(pd.Index(pollutants.ravel().astype(str)))
    values = rates[np.arange(rates.shape[0]), column]
    return wrap(values.reshape(shape), index, "running_g_per_mile")


def running_emissions_g(vehicle_miles: FloatInput, running_g_per_mile: FloatInput) -> FloatOutput:
    r"""Compute the emitted mass from vehicle miles and a running rate.

    Parameters
    ----------
    vehicle_miles : float, list, ndarray or Series
        Vehicle miles travelled [mi], >= 0.
    running_g_per_mile : float, list, ndarray or Series
        Emission rate [g/mi], >= 0.

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = VMT \cdot R

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> running_emissions_g(7_500_000.0, 0.1)
    750000.0
    """
    return checked_product(
        vehicle_miles, "vehicle_miles", running_g_per_mile, "running_g_per_mile", "mass_g"
    )


def fleet_emissions(
    trips: pd.DataFrame, *, gwp_set: str = "ar5_100", pm25_to_pm10_ratio: float = 0.92
) -> pd.DataFrame:
    r"""Compute emissions of every pollutant for rows of light-duty vehicle trips.

    Parameters
    ----------
    trips : pandas.DataFrame
        One row per group of trips with columns ``fuel`` and ``model_year_group`` (codes,
        see the module docstring), ``trips`` (one-way vehicle trips [-], >= 0) and
        ``miles_per_trip`` (average trip length [mi], >= 0). Optional:
        ``fuel_sulfur_ppm`` [ppm m/m] overriding the fuel's default (empty = default)
        and ``source_row`` (named in error messages).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming potentials for CO2e.
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5 share of exhaust PM10 [-].

    Returns
    -------
    pandas.DataFrame
        Long table with one row per input row x pollutant (``factors.POLLUTANTS`` order):
        ``row`` (0-based position of the input row), ``fuel``, ``model_year_group``,
        ``pollutant``, ``vehicle_miles`` [mi] and ``mass_g`` [g].

    Raises
    ------
    ValueError
        For a missing column, or a row with a missing or unknown code or a missing,
        non-numeric or negative number; the message names the row (and its
        ``source_row``), the column and what was expected.

    Notes
    -----
    .. math:: m_{i,p} = N_{trips,i} \cdot \bar{d}_{trip,i} \cdot R_p(g_i, f_i)

    with the rates of :func:`running_rate_g_per_mile`. Battery-electric cars get zero
    tailpipe mass.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> trips = pd.DataFrame({"fuel": ["gasoline", "electric"],
    ...                       "model_year_group": ["2017_plus", "2017_plus"],
    ...                       "trips": [1000, 500], "miles_per_trip": [15.0, 15.0]})
    >>> out = fleet_emissions(trips)
    >>> out.query("pollutant == 'nox'")[["row", "fuel", "vehicle_miles", "mass_g"]]
        row      fuel  vehicle_miles  mass_g
    0     0  gasoline        15000.0   450.0
    11    1  electric         7500.0     0.0
    """
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    require_frame_columns(
        trips,
        ["fuel", "model_year_group", "trips", "miles_per_trip"],
        "trips",
        optional=["fuel_sulfur_ppm", "source_row"],
    )
    fuels = frame_codes(trips, "fuel", FUELS, what="trips")
    groups = frame_codes(trips, "model_year_group", MODEL_YEAR_GROUPS, what="trips")
    count = frame_numbers(trips, "trips", what="trips", required=True)
    miles_per_trip = frame_numbers(trips, "miles_per_trip", what="trips", required=True)
    sulfur = frame_numbers(trips, "fuel_sulfur_ppm", what="trips", maximum=MAX_SULFUR_PPM)
    check_frame_pairs(
        trips,
        ("fuel", "model_year_group"),
        fuels,
        groups,
        factors.load_table("light_duty_rates"),
        what="trips",
        table_what="light-duty emission rates",
        order=MODEL_YEAR_GROUPS,
    )
    miles = (count * miles_per_trip).astype(float)
    rates = _rate_frame(
        groups, fuels, sulfur, gwp_set=gwp_set, pm25_to_pm10_ratio=pm25_to_pm10_ratio
    ).to_numpy(dtype=float)
    return _long_table(
        {"fuel": fuels, "model_year_group": groups},
        parts=None,
        activity=miles[:, np.newaxis],
        activity_column="vehicle_miles",
        mass_g=(miles[:, np.newaxis] * rates)[:, np.newaxis, :],
    )


# --------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------
def _rate_frame(
    groups: np.ndarray,
    fuels: np.ndarray,
    sulfur_ppm: np.ndarray,
    *,
    gwp_set: str,
    pm25_to_pm10_ratio: float,
) -> pd.DataFrame:
    """Rates of all pollutants for 1-D key arrays; NaN sulfur = the fuel's default."""
    check_range(
        np.asarray(pm25_to_pm10_ratio, dtype=float),
        "pm25_to_pm10_ratio",
        0.0,
        1.0,
        low_inclusive=False,
    )
    table = factors.load_table("light_duty_rates")
    wide = table.pivot(
        index=["fuel", "model_year_group"], columns="pollutant", values="running_g_per_mile"
    ).reset_index()
    wide.columns.name = None
    keys = pd.DataFrame({"fuel": fuels.astype(str), "model_year_group": groups.astype(str)})
    merged = lookup(keys, wide, ["fuel", "model_year_group"], "light-duty rates")
    properties = factors.load_table("light_duty_fuel_properties")[
        ["fuel", "co2_g_per_g_fuel", "fuel_sulfur_ppm", "dpm_to_pm10_ratio"]
    ]
    merged = lookup(merged, properties, ["fuel"], "light-duty fuel properties")
    default_sulfur = merged["fuel_sulfur_ppm"].fillna(0.0).to_numpy(dtype=float)
    sulfur = np.where(np.isnan(sulfur_ppm), default_sulfur, sulfur_ppm)
    return _derived_rates(merged, sulfur, gwp_set=gwp_set, pm25_to_pm10_ratio=pm25_to_pm10_ratio)
