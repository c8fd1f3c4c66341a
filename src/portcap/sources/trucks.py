r"""Drayage trucks: truck legs from container throughput, running and idling exhaust.

Drayage trucks are the heavy-heavy-duty (Class 8, GVWR above 33,000 lb) tractors that carry
containers between the marine terminals and rail yards, warehouses and distribution centres.
In San Pedro Bay inventories they are counted to the edge of the South Coast Air Basin.
For one truck (or one group of identical trucks) and one pollutant

.. math::

    E_p\,[\mathrm{g}] = VMT\,[\mathrm{mi}] \cdot R^{run}_p\,[\mathrm{g/mi}]
    + t_{idle}\,[\mathrm{h}] \cdot R^{idle}_p\,[\mathrm{g/h}],

with rates by fuel and model-year group. This is the structure of the EPA Ports Emissions
Inventory Guidance (2022) for on-road port trucks (running exhaust x VMT + idling x idle
hours, with the rates taken from MOVES, or EMFAC in California). Starts are not
modelled separately.

Activity: truck legs follow from container throughput with
:func:`legs_per_teu` / :func:`drayage_legs` (NCFRP Report 11: about 2.5 drayage legs
per container moved, less the on-dock rail share); miles are legs x miles per leg
(:func:`drayage_miles`).

Rates are packaged tables read through :mod:`portcap.factors`:

* ``truck_running_rates`` [g/mi] and ``truck_idle_rates`` [g/h] for ``nox, hc, co, pm10,
  co2, ch4, n2o`` by ``fuel`` and ``model_year_group``;
* ``truck_fuel_properties``: CO2 per gram of fuel (for SOx by mass balance) and the DPM
  share of exhaust PM10.

The other pollutants are derived: PM2.5 = ratio x PM10; DPM = exhaust PM10 of diesel
engines; SOx from fuel sulfur (:func:`so2_from_fuel_sulfur`); CO2e with a named GWP set.
No public EMFAC/MOVES rate table was available, so most rates are documented
assumptions (``source_id = portcap_assumption``; values and literature ranges in the table
and in ``docs/methodology/trucks.md``). Tire and brake wear are not included.

Vocabularies:

* ``fuel``: ``diesel``, ``natural_gas``, ``electric`` (battery-electric), ``hydrogen``
  (fuel-cell electric).
* ``model_year_group``: diesel ``pre1994``, ``1994_2006``, ``2007_2009``, ``2010_plus``;
  natural gas ``2010_plus`` (0.2 g/bhp-hr NOx engines) and ``low_nox`` (0.02 g/bhp-hr
  engines); electric and hydrogen ``ze``.
* pollutants: ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``
  (``hc`` = total hydrocarbons including methane).

References
----------
.. [1] U.S. EPA (2022). Ports Emissions Inventory Guidance. EPA-420-B-22-011, chapter on
   on-road vehicles. https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
.. [2] Transportation Research Board (2011). NCFRP Report 11: Truck Drayage Productivity
   Guide. http://www.nap.edu/openbook.php?record_id=14536&page=1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
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
from portcap.sources.fuels import so2_from_fuel_g
from portcap.sources.ships import co2_equivalent

__all__ = [
    "DEFAULT_DIESEL_SULFUR_PPM",
    "DEFAULT_NATURAL_GAS_SULFUR_PPM",
    "FUELS",
    "MODEL_YEAR_GROUPS",
    "PROCESSES",
    "RATE_POLLUTANTS",
    "SO2_PER_SULFUR_MASS",
    "drayage_legs",
    "drayage_miles",
    "fleet_emissions",
    "idle_emissions_g",
    "idle_rate_g_per_hour",
    "legs_per_teu",
    "running_emissions_g",
    "running_rate_g_per_mile",
    "so2_from_fuel_sulfur",
]

FUELS: tuple[str, ...] = factors.TRUCK_FUELS
"""Truck fuels: diesel, natural gas (CNG or LNG), battery-electric, hydrogen fuel cell."""

MODEL_YEAR_GROUPS: tuple[str, ...] = factors.TRUCK_MODEL_YEAR_GROUPS
"""Engine model-year groups: the US heavy-duty standards eras (1994 PM 0.10 g/bhp-hr; 2007 PM
0.01 with diesel particulate filters; 2010 NOx 0.2 g/bhp-hr with SCR), ``low_nox`` natural-gas
engines certified to 0.02 g/bhp-hr NOx, and ``ze`` (no tailpipe)."""

PROCESSES: tuple[str, ...] = ("running", "idling")
"""Emission processes of the frame output: running exhaust [per mile] and idling [per hour]."""

RATE_POLLUTANTS: tuple[str, ...] = ("nox", "hc", "co", "pm10", "co2", "ch4", "n2o")
"""Pollutants tabulated in the rate tables; PM2.5, DPM, SOx and CO2e are derived."""

# Molar masses from the IUPAC standard atomic weights (S 32.06, O 15.999 g/mol):
# SO2 64.058 g/mol per 32.06 g/mol of sulfur. All fuel sulfur is taken to leave as SO2.
SO2_PER_SULFUR_MASS: float = (32.06 + 2 * 15.999) / 32.06
"""Mass of SO2 formed per mass of fuel sulfur burned [g/g] (= 1.998)."""

DEFAULT_DIESEL_SULFUR_PPM: float = 15.0
"""California on-road diesel sulfur limit since 2006 (13 CCR 2281; retail 1 Sep 2006)
[ppm m/m]. It was 500 ppm from 1993; the 2003 statewide average was about 140 ppm."""

DEFAULT_NATURAL_GAS_SULFUR_PPM: float = 5.0
"""Assumed sulfur of pipeline natural gas used as truck fuel [ppm m/m]; range 0 (LNG) to about
30 (a 16 ppmv motor-fuel limit). A portcap assumption."""

# Guard against unit mix-ups (% or fraction entered as ppm): pre-1993 diesel held up to
# about 5,000 ppm (0.5 % m/m); 10,000 ppm = 1 % is accepted as the upper bound.
MAX_SULFUR_PPM = 10_000.0

# Heaviest common box: 45 ft = 2.25 TEU; smallest: 20 ft = 1 TEU.
_MIN_TEU_PER_BOX = 1.0
_MAX_TEU_PER_BOX = 2.25

_RATE_TABLES: Mapping[str, tuple[str, str]] = {
    "running": ("truck_running_rates", "running_g_per_mile"),
    "idling": ("truck_idle_rates", "idle_g_per_hour"),
}


# --------------------------------------------------------------------------------------
# Activity
# --------------------------------------------------------------------------------------
def legs_per_teu(
    teu_per_box: FloatInput, on_dock_share: FloatInput, legs_per_box: FloatInput = 2.5
) -> FloatOutput:
    r"""Drayage truck legs per TEU handled at a container terminal.

    Parameters
    ----------
    teu_per_box : float, list, ndarray or Series
        Average container size [TEU per box], in [1, 2.25] (20 ft = 1, 40 ft = 2,
        45 ft = 2.25).
    on_dock_share : float, list, ndarray or Series
        Share of boxes moved by on-dock rail, which need no truck [-], in [0, 1].
    legs_per_box : float, list, ndarray or Series, default 2.5
        Drayage truck legs per box moved by truck [-], > 0. 2.5 is the NCFRP Report 11
        average ("slightly more than one round trip": bobtail and empty-repositioning
        legs included).

    Returns
    -------
    float, ndarray or Series
        Truck legs per TEU [-].

    Notes
    -----
    .. math:: \frac{legs}{TEU} = \frac{L_{box}\,(1 - s_{on\text{-}dock})}{TEU/box}

    A leg is one one-way truck trip. Boxes moved by near-dock or off-dock rail still
    need a truck leg to the rail yard and are not part of the on-dock share.

    References
    ----------
    Transportation Research Board (2011), NCFRP Report 11, *Truck Drayage Productivity
    Guide*, p. 1 (2.5 legs per container moved); Pacific Maritime Association, 2023
    Annual Report, p. 59 (POLB 8,017,999 TEU in 4,249,049 boxes = 1.887 TEU/box).

    Examples
    --------
    >>> round(legs_per_teu(1.887, 0.28), 3)
    0.954
    >>> legs_per_teu([1.8, 2.0], [0.25, 0.0]).round(4)
    array([1.0417, 1.25  ])
    """
    index = common_index(teu_per_box, on_dock_share, legs_per_box)
    box = float_array(teu_per_box, "teu_per_box")
    on_dock = float_array(on_dock_share, "on_dock_share")
    legs = float_array(legs_per_box, "legs_per_box")
    check_range(box, "teu_per_box", _MIN_TEU_PER_BOX, _MAX_TEU_PER_BOX)
    check_range(on_dock, "on_dock_share", 0.0, 1.0)
    check_range(legs, "legs_per_box", 0.0, low_inclusive=False)
    return wrap(legs * (1.0 - on_dock) / box, index, "legs_per_teu")


def drayage_legs(
    teu: FloatInput,
    teu_per_box: FloatInput,
    on_dock_share: FloatInput,
    legs_per_box: FloatInput = 2.5,
) -> FloatOutput:
    r"""Drayage truck legs generated by a container throughput.

    Parameters
    ----------
    teu : float, list, ndarray or Series
        Container throughput [TEU], >= 0.
    teu_per_box : float, list, ndarray or Series
        Average container size [TEU per box], in [1, 2.25].
    on_dock_share : float, list, ndarray or Series
        Share of boxes moved by on-dock rail [-], in [0, 1].
    legs_per_box : float, list, ndarray or Series, default 2.5
        Drayage truck legs per box moved by truck [-] (NCFRP Report 11).

    Returns
    -------
    float, ndarray or Series
        Truck legs (one-way trips) [-].

    Notes
    -----
    .. math:: legs = TEU \cdot \frac{L_{box}\,(1 - s_{on\text{-}dock})}{TEU/box}

    See :func:`legs_per_teu`.

    References
    ----------
    NCFRP Report 11 (2011), p. 1; PMA 2023 Annual Report, p. 59.

    Examples
    --------
    >>> round(drayage_legs(8_017_999, 1.887, 0.28) / 1e6, 2)
    7.65
    """
    index = common_index(teu, teu_per_box, on_dock_share, legs_per_box)
    throughput = float_array(teu, "teu")
    check_range(throughput, "teu", 0.0)
    per_teu = np.asarray(
        legs_per_teu(
            float_array(teu_per_box, "teu_per_box"),
            float_array(on_dock_share, "on_dock_share"),
            float_array(legs_per_box, "legs_per_box"),
        ),
        dtype=float,
    )
    return wrap(throughput * per_teu, index, "legs")


def drayage_miles(legs: FloatInput, miles_per_leg: FloatInput) -> FloatOutput:
    r"""Vehicle miles travelled by drayage trucks inside the inventory boundary.

    Parameters
    ----------
    legs : float, list, ndarray or Series
        Truck legs (one-way trips) [-], >= 0.
    miles_per_leg : float, list, ndarray or Series
        Average leg length inside the inventory boundary [mi], >= 0. No default: about
        20-25 mi per leg in the South Coast Air Basin is a recalled range (near- and
        off-dock rail yards 5-25 mi, Inland Empire warehouses 50-60 mi, capped at the
        basin boundary).

    Returns
    -------
    float, ndarray or Series
        Vehicle miles travelled [mi].

    Notes
    -----
    .. math:: VMT = legs \cdot \bar{d}_{leg}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles (VMT from trips and
    trip length).

    Examples
    --------
    >>> drayage_miles([1000.0, 0.0], 22.5)
    array([22500.,     0.])
    """
    return checked_product(legs, "legs", miles_per_leg, "miles_per_leg", "miles")


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------
def so2_from_fuel_sulfur(
    co2: FloatInput, co2_g_per_g_fuel: FloatInput, fuel_sulfur_ppm: FloatInput
) -> FloatOutput:
    r"""SO2 from fuel sulfur by carbon and sulfur mass balance.

    Parameters
    ----------
    co2 : float, list, ndarray or Series
        CO2 emitted, as a rate [g/mi or g/h] or a mass [g], >= 0.
    co2_g_per_g_fuel : float, list, ndarray or Series
        CO2 formed per gram of fuel burned [g/g], > 0 (e.g. 3.186 diesel, 2.693 natural
        gas, 3.070 gasoline; IPCC 2006).
    fuel_sulfur_ppm : float, list, ndarray or Series
        Fuel sulfur content [ppm m/m], in [0, 10000].

    Returns
    -------
    float, ndarray or Series
        SO2 in the unit of ``co2`` [g/mi, g/h or g].

    Notes
    -----
    .. math::

        SO_2 = \frac{CO_2}{C_f} \cdot S \cdot 10^{-6} \cdot \frac{M_{SO_2}}{M_S},
        \qquad \frac{M_{SO_2}}{M_S} = \frac{64.058}{32.06} = 1.998

    Fuel burned is recovered from CO2 (all fuel carbon leaves as CO2); all fuel sulfur is
    taken to leave as SO2 (the 1-3 % that forms sulfate particulate is neglected, which
    overstates SO2 by at most that much). SOx is reported as SO2.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), SO2 from fuel sulfur content (mass
    balance); IPCC (2006) Guidelines Vol. 2 ch. 1, Tables 1.2 and 1.4 (carbon factors).

    Examples
    --------
    >>> round(so2_from_fuel_sulfur(1851.0, 3.186, 15.0), 5)
    0.01741
    """
    index = common_index(co2, co2_g_per_g_fuel, fuel_sulfur_ppm)
    carbon_dioxide = float_array(co2, "co2")
    carbon_factor = float_array(co2_g_per_g_fuel, "co2_g_per_g_fuel")
    sulfur = float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm")
    check_range(carbon_dioxide, "co2", 0.0)
    check_range(carbon_factor, "co2_g_per_g_fuel", 0.0, low_inclusive=False)
    check_range(sulfur, "fuel_sulfur_ppm", 0.0, MAX_SULFUR_PPM)
    fuel_g = carbon_dioxide / carbon_factor
    so2 = so2_from_fuel_g(
        fuel_g, sulfur, sulfur_to_so2_fraction=1.0, so2_to_sulfur_mass_ratio=SO2_PER_SULFUR_MASS
    )
    return wrap(so2, index, "sox")


def running_rate_g_per_mile(
    pollutant: CodeInput,
    model_year_group: CodeInput,
    fuel: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput = DEFAULT_DIESEL_SULFUR_PPM,
    natural_gas_sulfur_ppm: float = DEFAULT_NATURAL_GAS_SULFUR_PPM,
    gwp_set: str = "ar5_100",
    pm25_to_pm10_ratio: float = 0.92,
) -> FloatOutput:
    r"""Running-exhaust emission rate of a drayage truck.

    Parameters
    ----------
    pollutant : str, list, ndarray or Series
        One of ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.
    model_year_group : str, list, ndarray or Series
        One of :data:`MODEL_YEAR_GROUPS` valid for the fuel.
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    fuel_sulfur_ppm : float, list, ndarray or Series, default 15.0
        Sulfur content of the **diesel** fuel [ppm m/m]; 15 since 2006 in California
        (13 CCR 2281). For 2005 use about 140 (statewide average under the 500 ppm
        limit).
    natural_gas_sulfur_ppm : float, default 5.0
        Sulfur content of natural-gas fuel [ppm m/m] (portcap assumption, range 0-30).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming potentials for CO2e.
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5 share of exhaust PM10 [-] (portcap assumption for engine exhaust, range
        0.92-0.97; the EPA ShipEF code uses 0.92).

    Returns
    -------
    float, ndarray or Series
        Running emission rate [g/mi].

    Raises
    ------
    ValueError
        For an unknown pollutant, fuel or model-year group, or a fuel/model-year-group
        combination without rates (e.g. ``diesel`` with ``low_nox``).

    Notes
    -----
    .. math::

        R_{PM_{2.5}} = r \cdot R_{PM_{10}}, \quad
        R_{DPM} = \delta_{diesel} R_{PM_{10}}, \quad
        R_{SO_2} = \frac{R_{CO_2}}{C_f} S \, 10^{-6} \frac{M_{SO_2}}{M_S}, \quad
        R_{CO_2e} = R_{CO_2} + GWP_{CH_4} R_{CH_4} + GWP_{N_2O} R_{N_2O}

    The tabulated rates (``truck_running_rates``) are fleet-average in-use rates for
    drayage duty, mostly documented assumptions: see ``docs/methodology/trucks.md``.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles; FHWA Freight Facts
    and Figures 2004, Table 5-10 (HC and CO of pre-2007 trucks); IPCC AR5 WG I Table
    8.7 and AR6 WG I Table 7.15 (GWPs).

    Examples
    --------
    >>> running_rate_g_per_mile("nox", ["pre1994", "2010_plus"], "diesel")
    array([22.5 ,  2.75])
    >>> running_rate_g_per_mile("nox", "low_nox", "natural_gas")
    0.2
    >>> running_rate_g_per_mile(["pm10", "pm25", "dpm"], "2010_plus", "diesel").round(5)
    array([0.0163, 0.015 , 0.0163])
    """
    return _public_rate(
        "running",
        pollutant,
        model_year_group,
        fuel,
        fuel_sulfur_ppm=fuel_sulfur_ppm,
        natural_gas_sulfur_ppm=natural_gas_sulfur_ppm,
        gwp_set=gwp_set,
        pm25_to_pm10_ratio=pm25_to_pm10_ratio,
        name="running_g_per_mile",
    )


def idle_rate_g_per_hour(
    pollutant: CodeInput,
    model_year_group: CodeInput,
    fuel: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput = DEFAULT_DIESEL_SULFUR_PPM,
    natural_gas_sulfur_ppm: float = DEFAULT_NATURAL_GAS_SULFUR_PPM,
    gwp_set: str = "ar5_100",
    pm25_to_pm10_ratio: float = 0.92,
) -> FloatOutput:
    r"""Idling-exhaust emission rate of a drayage truck.

    Parameters
    ----------
    pollutant : str, list, ndarray or Series
        One of ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.
    model_year_group : str, list, ndarray or Series
        One of :data:`MODEL_YEAR_GROUPS` valid for the fuel.
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    fuel_sulfur_ppm : float, list, ndarray or Series, default 15.0
        Sulfur content of the diesel fuel [ppm m/m] (see
        :func:`running_rate_g_per_mile`).
    natural_gas_sulfur_ppm : float, default 5.0
        Sulfur content of natural-gas fuel [ppm m/m].
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming potentials for CO2e.
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5 share of exhaust PM10 [-].

    Returns
    -------
    float, ndarray or Series
        Idling emission rate [g/h].

    Raises
    ------
    ValueError
        For unknown codes or a fuel/model-year-group combination without rates.

    Notes
    -----
    Same derived pollutants as :func:`running_rate_g_per_mile`, per hour of idling.
    Tabulated (``truck_idle_rates``): diesel NOx from the literature ranges (pre-2007
    80-150 g/h, 2010+ 20-60 g/h); CO2 from 0.8 gal/h of diesel; the other pollutants as
    the running rate times the miles of running fuel burned per idle hour
    (0.8 gal/h x 5.5 mpg = 4.4 mi/h), i.e. the same emissions per gallon as running.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles (idling emissions
    = idle hours x idle rate); EPA-420-F-23-014 (10,180 g CO2 per gallon of diesel).

    Examples
    --------
    >>> idle_rate_g_per_hour("nox", ["1994_2006", "2010_plus"], "diesel")
    array([115.,  40.])
    >>> idle_rate_g_per_hour("co2", "ze", ["electric", "hydrogen"])
    array([0., 0.])
    """
    return _public_rate(
        "idling",
        pollutant,
        model_year_group,
        fuel,
        fuel_sulfur_ppm=fuel_sulfur_ppm,
        natural_gas_sulfur_ppm=natural_gas_sulfur_ppm,
        gwp_set=gwp_set,
        pm25_to_pm10_ratio=pm25_to_pm10_ratio,
        name="idle_g_per_hour",
    )


# --------------------------------------------------------------------------------------
# Emissions
# --------------------------------------------------------------------------------------
def running_emissions_g(miles: FloatInput, running_g_per_mile: FloatInput) -> FloatOutput:
    r"""Running-exhaust mass from vehicle miles and a running rate.

    Parameters
    ----------
    miles : float, list, ndarray or Series
        Vehicle miles travelled [mi], >= 0.
    running_g_per_mile : float, list, ndarray or Series
        Running emission rate [g/mi], >= 0.

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = VMT \cdot R^{run}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> running_emissions_g(22.5, 2.75)
    61.875
    """
    return checked_product(miles, "miles", running_g_per_mile, "running_g_per_mile", "mass_g")


def idle_emissions_g(idle_h: FloatInput, idle_g_per_hour: FloatInput) -> FloatOutput:
    r"""Idling-exhaust mass from idle hours and an idle rate.

    Parameters
    ----------
    idle_h : float, list, ndarray or Series
        Idling time [h], >= 0 (recalled ranges: 0.5-1.0 h per terminal visit in 2005,
        0.3-0.5 h in 2023).
    idle_g_per_hour : float, list, ndarray or Series
        Idling emission rate [g/h], >= 0.

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = t_{idle} \cdot R^{idle}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> idle_emissions_g([0.5, 0.3], 40.0)
    array([20., 12.])
    """
    return checked_product(idle_h, "idle_h", idle_g_per_hour, "idle_g_per_hour", "mass_g")


def fleet_emissions(
    trips: pd.DataFrame,
    *,
    gwp_set: str = "ar5_100",
    fuel_sulfur_ppm: float = DEFAULT_DIESEL_SULFUR_PPM,
    natural_gas_sulfur_ppm: float = DEFAULT_NATURAL_GAS_SULFUR_PPM,
    pm25_to_pm10_ratio: float = 0.92,
) -> pd.DataFrame:
    r"""Compute running and idling emissions of every pollutant for rows of truck activity.

    Parameters
    ----------
    trips : pandas.DataFrame
        One row per truck (or group of identical trucks) and period, with columns
        ``model_year_group`` and ``fuel`` (codes, see the module docstring), ``miles``
        (vehicle miles travelled [mi], >= 0) and ``idle_h`` (idling time [h], >= 0).
        Optional: ``fuel_sulfur_ppm`` [ppm m/m] overriding the fuel's default sulfur
        for that row (empty = default), and ``source_row`` (named in error messages).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming potentials for CO2e.
    fuel_sulfur_ppm : float, default 15.0
        Sulfur content of diesel fuel [ppm m/m] for rows without their own value;
        15 since 2006 in California; about 140 for 2005 (500 ppm limit).
    natural_gas_sulfur_ppm : float, default 5.0
        Sulfur content of natural-gas fuel [ppm m/m] (assumption, range 0-30).
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5 share of exhaust PM10 [-].

    Returns
    -------
    pandas.DataFrame
        Long table with one row per input row x process x pollutant, in input order,
        ``running`` before ``idling`` and pollutants in ``factors.POLLUTANTS`` order:
        ``row`` (0-based position of the input row), ``model_year_group``, ``fuel``,
        ``process`` (``running`` or ``idling``), ``pollutant``, ``activity`` (miles
        for ``running`` [mi], hours for ``idling`` [h]) and ``mass_g`` [g].

    Raises
    ------
    ValueError
        For a missing column, or a row with a missing or unknown code, a missing,
        non-numeric or negative number, or a fuel/model-year-group combination
        without rates; the message names the row (and its ``source_row``), the
        column and what was expected.

    Notes
    -----
    .. math::

        m_{i,running,p} = VMT_i \cdot R^{run}_p(g_i, f_i), \qquad
        m_{i,idling,p} = t_{idle,i} \cdot R^{idle}_p(g_i, f_i)

    with the rates of :func:`running_rate_g_per_mile` and :func:`idle_rate_g_per_hour`.
    Battery-electric and fuel-cell trucks (``ze``) get zero tailpipe mass.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), on-road vehicles.

    Examples
    --------
    >>> trips = pd.DataFrame({"model_year_group": ["2010_plus", "ze"],
    ...                       "fuel": ["diesel", "electric"],
    ...                       "miles": [22.5, 30.0], "idle_h": [0.5, 0.5]})
    >>> out = fleet_emissions(trips)
    >>> out.query("pollutant == 'nox'")[["row", "process", "activity", "mass_g"]]
        row  process  activity  mass_g
    0     0  running      22.5  61.875
    11    0   idling       0.5  20.000
    22    1  running      30.0   0.000
    33    1   idling       0.5   0.000
    """
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    check_range(np.asarray(fuel_sulfur_ppm, dtype=float), "fuel_sulfur_ppm", 0.0, MAX_SULFUR_PPM)
    check_range(
        np.asarray(natural_gas_sulfur_ppm, dtype=float),
        "natural_gas_sulfur_ppm",
        0.0,
        MAX_SULFUR_PPM,
    )
    require_frame_columns(
        trips,
        ["model_year_group", "fuel", "miles", "idle_h"],
        "trips",
        optional=["fuel_sulfur_ppm", "source_row"],
    )
    groups = frame_codes(trips, "model_year_group", MODEL_YEAR_GROUPS, what="trips")
    fuels = frame_codes(trips, "fuel", FUELS, what="trips")
    miles = frame_numbers(trips, "miles", what="trips", required=True)
    idle_h = frame_numbers(trips, "idle_h", what="trips", required=True)
    row_sulfur = frame_numbers(trips, "fuel_sulfur_ppm", what="trips", maximum=MAX_SULFUR_PPM)
    check_frame_pairs(
        trips,
        ("fuel", "model_year_group"),
        fuels,
        groups,
        factors.load_table("truck_running_rates"),
        what="trips",
        table_what="truck emission rates",
        order=MODEL_YEAR_GROUPS,
    )
    sulfur = _default_sulfur_ppm(fuels, fuel_sulfur_ppm, natural_gas_sulfur_ppm)
    sulfur = np.where(np.isnan(row_sulfur), sulfur, row_sulfur)
    activity = np.column_stack([miles, idle_h]).astype(float)
    rates = np.stack(
        [
            _rate_frame(
                process,
                groups,
                fuels,
                sulfur,
                gwp_set=gwp_set,
                pm25_to_pm10_ratio=pm25_to_pm10_ratio,
            ).to_numpy(dtype=float)
            for process in PROCESSES
        ],
        axis=1,
    )  # shape (rows, processes, pollutants)
    mass = activity[:, :, np.newaxis] * rates
    return _long_table(
        {"model_year_group": groups, "fuel": fuels},
        parts={"process": PROCESSES},
        activity=activity,
        activity_column="activity",
        mass_g=mass,
    )


# --------------------------------------------------------------------------------------
# Output table shared by the on-road modules (trucks, light_duty)
# --------------------------------------------------------------------------------------
def _long_table(
    keys: Mapping[str, npt.NDArray[np.object_]],
    *,
    parts: Mapping[str, Sequence[str]] | None,
    activity: npt.NDArray[np.float64],
    activity_column: str,
    mass_g: npt.NDArray[np.float64],
) -> pd.DataFrame:
    """Build the long emissions table: input row x part x pollutant.

    Parameters
    ----------
    keys : mapping
        Key columns of the input rows (copied to every output row of that input row).
    parts : mapping, optional
        ``{column: names}`` of the activity parts (e.g. ``process``); None for one part.
    activity : ndarray
        Activity per input row and part, shape (rows, parts).
    activity_column : str
        Name of the activity column of the output.
    mass_g : ndarray
        Mass per input row, part and pollutant [g], shape (rows, parts, pollutants).

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, the key columns, the part column (if any), ``pollutant``,
        the activity column and ``mass_g``.

    Raises
    ------
    ValueError
        If a mass is NaN, infinite or negative (an inconsistent factor table).
    """
    rows, n_parts, n_pollutants = mass_g.shape
    per_row = n_parts * n_pollutants
    if not (np.isfinite(mass_g).all() and (mass_g >= 0.0).all()):
        raise ValueError("emission factor tables gave a NaN, infinite or negative mass")
    columns: dict[str, object] = {"row": np.repeat(np.arange(rows, dtype=np.int64), per_row)}
    for name, values in keys.items():
        columns[name] = np.repeat(np.asarray(values, dtype=object), per_row)
    if parts is not None:
        ((part_column, part_names),) = parts.items()
        columns[part_column] = np.tile(
            np.repeat(np.asarray(part_names, dtype=object), n_pollutants), rows
        )
    columns["pollutant"] = np.tile(np.asarray(factors.POLLUTANTS, dtype=object), rows * n_parts)
    columns[activity_column] = np.repeat(activity.reshape(-1), n_pollutants)
    columns["mass_g"] = mass_g.reshape(-1)
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------
def _default_sulfur_ppm(
    fuels: npt.NDArray[np.object_],
    diesel_ppm: float | npt.NDArray[np.float64],
    natural_gas_ppm: float,
) -> npt.NDArray[np.float64]:
    # fuels without fuel sulfur (electric, hydrogen) get 0
    diesel = np.broadcast_to(np.asarray(diesel_ppm, dtype=float), fuels.shape)
    by_fuel = np.where(fuels == "natural_gas", natural_gas_ppm, 0.0)
    return np.where(fuels == "diesel", diesel, by_fuel).astype(float)


def _rate_frame(
    process: str,
    groups: npt.NDArray[np.object_],
    fuels: npt.NDArray[np.object_],
    sulfur_ppm: npt.NDArray[np.float64],
    *,
    gwp_set: str,
    pm25_to_pm10_ratio: float,
) -> pd.DataFrame:
    """Rates of all pollutants (``factors.POLLUTANTS`` columns) for 1-D key arrays."""
    check_range(
        np.asarray(pm25_to_pm10_ratio, dtype=float),
        "pm25_to_pm10_ratio",
        0.0,
        1.0,
        low_inclusive=False,
    )
    table_name, value_column = _RATE_TABLES[process]
    table = factors.load_table(table_name)
    wide = table.pivot(
        index=["fuel", "model_year_group"], columns="pollutant", values=value_column
    ).reset_index()
    wide.columns.name = None
    keys = pd.DataFrame({"fuel": fuels.astype(str), "model_year_group": groups.astype(str)})
    merged = lookup(keys, wide, ["fuel", "model_year_group"], f"truck {process} rates")
    properties = factors.load_table("truck_fuel_properties")[
        ["fuel", "co2_g_per_g_fuel", "dpm_to_pm10_ratio"]
    ]
    merged = lookup(merged, properties, ["fuel"], "truck fuel properties")
    return _derived_rates(
        merged,
        sulfur_ppm,
        gwp_set=gwp_set,
        pm25_to_pm10_ratio=pm25_to_pm10_ratio,
    )


def _derived_rates(
    merged: pd.DataFrame,
    sulfur_ppm: npt.NDArray[np.float64],
    *,
    gwp_set: str,
    pm25_to_pm10_ratio: float,
) -> pd.DataFrame:
    """Complete tabulated rates with PM2.5, DPM, SOx and CO2e.

    Parameters
    ----------
    merged : pandas.DataFrame
        Columns ``nox, hc, co, pm10, co2, ch4, n2o`` (rates), ``co2_g_per_g_fuel``
        (NaN for fuels without carbon, whose CO2 must be 0) and ``dpm_to_pm10_ratio``.
    sulfur_ppm : ndarray
        Fuel sulfur per row [ppm m/m].
    gwp_set : str
        Named GWP set.
    pm25_to_pm10_ratio : float
        PM2.5 share of PM10 [-].

    Returns
    -------
    pandas.DataFrame
        One column per pollutant of ``factors.POLLUTANTS``, same index as ``merged``.
    """
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    pm10 = merged["pm10"].to_numpy(dtype=float)
    co2 = merged["co2"].to_numpy(dtype=float)
    ch4 = merged["ch4"].to_numpy(dtype=float)
    n2o = merged["n2o"].to_numpy(dtype=float)
    carbon = merged["co2_g_per_g_fuel"].to_numpy(dtype=float)
    # no carbon fuel (electric, hydrogen): no CO2, so no fuel burned and no SO2
    no_fuel = np.isnan(carbon) & (co2 == 0.0)
    sox = np.where(
        no_fuel,
        0.0,
        so2_from_fuel_sulfur(co2, np.where(no_fuel, 1.0, carbon), sulfur_ppm),
    )
    result = pd.DataFrame(
        {
            "nox": merged["nox"].to_numpy(dtype=float),
            "hc": merged["hc"].to_numpy(dtype=float),
            "co": merged["co"].to_numpy(dtype=float),
            "pm10": pm10,
            "pm25": pm25_to_pm10_ratio * pm10,
            "dpm": merged["dpm_to_pm10_ratio"].to_numpy(dtype=float) * pm10,
            "sox": sox,
            "co2": co2,
            "ch4": ch4,
            "n2o": n2o,
            "co2e": co2_equivalent(
                co2, ch4, n2o, gwp_ch4=float(gwp["ch4"]), gwp_n2o=float(gwp["n2o"])
            ),
        },
        index=merged.index,
    )
    return result[list(factors.POLLUTANTS)]


def _public_rate(
    process: str,
    pollutant: CodeInput,
    model_year_group: CodeInput,
    fuel: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput,
    natural_gas_sulfur_ppm: float,
    gwp_set: str,
    pm25_to_pm10_ratio: float,
    name: str,
) -> FloatOutput:
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    index = common_index(pollutant, model_year_group, fuel, fuel_sulfur_ppm)
    pollutants = code_array(pollutant)
    groups = code_array(model_year_group)
    fuels = code_array(fuel)
    diesel_sulfur = float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm")
    require_codes(pollutants, factors.POLLUTANTS, "pollutant")
    require_codes(groups, MODEL_YEAR_GROUPS, "model_year_group")
    require_codes(fuels, FUELS, "fuel")
    check_range(diesel_sulfur, "fuel_sulfur_ppm", 0.0, MAX_SULFUR_PPM)
    check_range(
        np.asarray(natural_gas_sulfur_ppm, dtype=float),
        "natural_gas_sulfur_ppm",
        0.0,
        MAX_SULFUR_PPM,
    )
    pollutants, groups, fuels, diesel_sulfur = np.broadcast_arrays(
        pollutants, groups, fuels, diesel_sulfur
    )
    shape = pollutants.shape
    flat_fuels = fuels.ravel()
    sulfur = _default_sulfur_ppm(flat_fuels, diesel_sulfur.ravel(), natural_gas_sulfur_ppm)
    rates = _rate_frame(
        process,
        groups.ravel(),
        flat_fuels,
        sulfur,
        gwp_set=gwp_set,
        pm25_to_pm10_ratio=pm25_to_pm10_ratio,
    ).to_numpy(dtype=float)
    column = pd.Index(factors.POLLUTANTS).get_indexer(pd.Index(pollutants.ravel().astype(str)))
    values = rates[np.arange(rates.shape[0]), column]
    return wrap(values.reshape(shape), index, name)
