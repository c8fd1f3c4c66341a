r"""Locomotive physics: line haul to the air-basin boundary and switching, fuel-based.

The method is EPA's fuel-based locomotive method (EPA-420-F-09-025, "Emission Factors
for Locomotives", April 2009): fuel burned is turned into engine work with a conversion
factor per duty, and work is multiplied by a g/bhp-hr emission factor per duty and tier,

.. math::

    E_p\,[\mathrm{g}] = F\,[\mathrm{gal}] \cdot CF_{duty}\,[\mathrm{bhp\text{-}hr/gal}]
    \cdot EF_{p,\,duty,\,tier}\,[\mathrm{g/bhp\text{-}hr}].

Fuel comes either from the railroads, or from activity: for line haul from containers,
route miles to the South Coast Air Basin boundary and a gross-ton-miles-per-gallon
intensity (:func:`line_haul_fuel_gal`); for switching from locomotive hours, rated power
and the duty-cycle load factor of 40 CFR 1033.530 (:func:`switch_fuel_gal`).

Every formula function is pure: it accepts a scalar, a list, a NumPy array or a pandas
Series (keeping the Series index), uses only ufunc arithmetic and never reads files.
Factor tables (``locomotive_ef``, ``locomotive_fuel``, ``locomotive_fuel_ef``,
``locomotive_tiers``, ``locomotive_duty_cycle``, ``locomotive_parameters``) are looked up
through :mod:`portcap.factors` only. :func:`fleet_emissions` is the frame-level entry
point of the inventory.

Vocabularies:

* ``duty``: ``line_haul``, ``switch`` (:data:`DUTIES`).
* ``tier``: ``uncontrolled`` (pre-1973), ``tier0``, ``tier0plus``, ``tier1``,
  ``tier1plus``, ``tier2``, ``tier2plus``, ``tier3``, ``tier4`` and ``ze``
  (zero-emission: battery-electric or fuel cell, no tailpipe emissions) (:data:`TIERS`).
  ``plus`` = remanufactured to the 2008 rule's standards.
* pollutants: ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.

References
----------
.. [1] U.S. EPA (2009). Emission Factors for Locomotives. EPA-420-F-09-025, Tables 1-3.
   https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P100500B.txt
.. [2] 40 CFR Part 1033 (Control of Emissions from Locomotives), §1033.101 and
   §1033.530. https://www.ecfr.gov/current/title-40/chapter-I/subchapter-U/part-1033
.. [3] U.S. EPA GHG Emission Factors Hub (2025), Tables 2 and 5.
   https://www.epa.gov/climateleadership/ghg-emission-factors-hub
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from portcap import factors
from portcap.sources._arrays import (
    CodeInput,
    FloatInput,
    FloatOutput,
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

__all__ = [
    "DUTIES",
    "MAX_FUEL_SULFUR_PPM",
    "TIERS",
    "duty_cycle_load_factor",
    "emission_factor_g_per_hp_hr",
    "emission_factors_g_per_hp_hr",
    "emissions_g",
    "fleet_emissions",
    "line_haul_fuel_gal",
    "locomotive_parameter",
    "per_gallon_to_per_hp_hr",
    "so2_ef_g_per_gal",
    "switch_fuel_gal",
    "work_hp_hr",
]

DUTIES: tuple[str, ...] = factors.RAIL_DUTIES
"""Locomotive duties (EPA-420-F-09-025 Tables 1-3; 40 CFR 1033.530 duty cycles)."""

TIERS: tuple[str, ...] = factors.RAIL_TIERS
"""Locomotive emission tiers (EPA-420-F-09-025 Tables 1-2) plus ``ze`` (zero-emission)."""

# Guard against ppm / percent mix-ups, not a regulatory value: before 2007 locomotives
# could burn high-sulfur distillate (up to about 5,000 ppm); ULSD is 15 ppm.
MAX_FUEL_SULFUR_PPM = 5000.0
"""Largest fuel sulfur content accepted [ppm m/m]."""

_TABLE_POLLUTANTS: tuple[str, ...] = ("nox", "hc", "co", "pm10")
"""Pollutants with a g/bhp-hr row per duty and tier in ``locomotive_ef``."""


# --------------------------------------------------------------------------------------
# Look-up helpers (packaged tables via portcap.factors only)
# --------------------------------------------------------------------------------------
def locomotive_parameter(name: str) -> float:
    """Return a named scalar of the locomotive method from ``locomotive_parameters``.

    Parameters
    ----------
    name : str
        Parameter name: ``pm25_to_pm10_ratio``, ``dpm_to_pm10_ratio``,
        ``diesel_density_g_per_gal``, ``sulfur_to_so2_fraction``,
        ``so2_to_sulfur_mass_ratio`` or ``route_miles_to_basin_boundary``.

    Returns
    -------
    float
        The value, in the unit given by the table's ``unit`` column.

    Raises
    ------
    ValueError
        If ``name`` is not a parameter of the table; the message lists the valid names.

    References
    ----------
    ``portcap/data/factors/locomotive_parameters.csv``; each row names its source.

    Examples
    --------
    >>> locomotive_parameter("pm25_to_pm10_ratio")
    0.97
    >>> locomotive_parameter("route_miles_to_basin_boundary")
    90.0
    """
    table = factors.load_table("locomotive_parameters")
    factors.check_choice(name, tuple(table["parameter"]), "locomotive parameter")
    return float(table.loc[table["parameter"] == name, "value"].iloc[0])


def _duty_lookup(
    duties: npt.NDArray[np.object_], column: str, table: pd.DataFrame
) -> npt.NDArray[np.float64]:
    frame = pd.DataFrame({"duty": duties.ravel().astype(str)})
    merged = lookup(frame, table[["duty", column]], ["duty"], f"locomotive {column}")
    return merged[column].to_numpy(dtype=float).reshape(duties.shape)


def _cycle_load_factors() -> pd.DataFrame:
    cycle = factors.load_table("locomotive_duty_cycle")
    weighted = cycle.assign(load_factor=cycle["weighting_factor"] * cycle["power_fraction"])
    return weighted.groupby("duty")["load_factor"].sum().reset_index()


# --------------------------------------------------------------------------------------
# Activity: fuel and work
# --------------------------------------------------------------------------------------
def work_hp_hr(fuel_gal: FloatInput, duty: CodeInput) -> FloatOutput:
    r"""Locomotive engine work from diesel burned, by duty.

    Parameters
    ----------
    fuel_gal : float, list, ndarray or Series
        Diesel burned [gal] (US gallons); >= 0. For ``ze`` locomotives pass the
        diesel-equivalent gallons of the work they do.
    duty : str, list, ndarray or Series
        ``line_haul`` or ``switch``.

    Returns
    -------
    float, ndarray or Series
        Brake work [bhp-hr]; NaN where the fuel is NaN.

    Notes
    -----
    .. math:: W = F \cdot CF_{duty}, \qquad CF_{line\,haul} = 20.8,\; CF_{switch} = 15.2
        \ \mathrm{bhp\text{-}hr/gal}

    The conversion factors are averages over EPA's line-haul and switch duty cycles,
    idle fuel included; EPA gives 18.2 for small (Class II/III) line-haul railroads,
    which is not a duty here.

    References
    ----------
    EPA-420-F-09-025 (2009), Table 3 ("Large Line Haul and Passenger" 20.8,
    "Switching" 15.2 bhp-hr/gal); packaged as ``locomotive_fuel``.

    Examples
    --------
    >>> work_hp_hr(1000.0, "line_haul")
    20800.0
    >>> work_hp_hr([1000.0, 1000.0], ["line_haul", "switch"])
    array([20800., 15200.])
    """
    index = common_index(fuel_gal, duty)
    fuel = float_array(fuel_gal, "fuel_gal")
    duties = code_array(duty)
    check_range(fuel, "fuel_gal", 0.0)
    require_codes(duties, DUTIES, "duty")
    fuel, duties = np.broadcast_arrays(fuel, duties)
    conversion = _duty_lookup(duties, "work_hp_hr_per_gal", factors.load_table("locomotive_fuel"))
    return wrap(fuel * conversion, index, "work_hp_hr")


def duty_cycle_load_factor(duty: CodeInput) -> FloatOutput:
    r"""Average load of a locomotive over the regulatory duty cycle of its duty.

    Parameters
    ----------
    duty : str, list, ndarray or Series
        ``line_haul`` or ``switch``.

    Returns
    -------
    float, ndarray or Series
        Cycle-weighted propulsion power as a fraction of rated power [-].

    Notes
    -----
    .. math:: LF_{duty} = \sum_{n} w_{n,duty} \cdot \frac{P_n}{P_{rated}}

    over idle, dynamic brake and notches 1-8, with the single-idle weighting factors
    :math:`w` of §1033.530 Table 2 and the standard notch power levels of Table 3
    (idle and dynamic brake 0 % propulsion power): 0.0827 for switch and 0.2689 for line
    haul. The certification cycle stands in for in-use operation, which varies by yard
    and railroad.

    References
    ----------
    40 CFR 1033.530, Tables 2 and 3 (packaged as ``locomotive_duty_cycle``).

    Examples
    --------
    >>> duty_cycle_load_factor(["line_haul", "switch"]).round(4)
    array([0.2689, 0.0827])
    """
    index = common_index(duty)
    duties = code_array(duty)
    require_codes(duties, DUTIES, "duty")
    load = _duty_lookup(duties, "load_factor", _cycle_load_factors())
    return wrap(load, index, "load_factor")


def line_haul_fuel_gal(
    containers: FloatInput,
    route_miles: FloatInput,
    *,
    gross_short_tons_per_container: float = 22.0,
    gross_short_ton_miles_per_gal: float = 800.0,
) -> FloatOutput:
    r"""Line-haul diesel burned moving intermodal containers over a rail route.

    Parameters
    ----------
    containers : float, list, ndarray or Series
        Containers (boxes, not TEU) carried over the route [-]; >= 0. Count each
        direction a box travels; include empties if they move by rail.
    route_miles : float, list, ndarray or Series
        Rail miles inside the inventory boundary, e.g. port to the South Coast Air
        Basin boundary (default assumption 90 mi, range 80-100:
        ``locomotive_parameter("route_miles_to_basin_boundary")``) [mi]; >= 0.
    gross_short_tons_per_container : float, default 22.0
        Gross trailing weight per container: cargo + container tare + its share of the
        well-car tare [short ton]; > 0. Assumption, range 15-30 (see Notes).
    gross_short_ton_miles_per_gal : float, default 800.0
        Fuel intensity of intermodal trains [gross short ton-miles/gal]; > 0.
        Assumption, range 600-1,000 (see Notes).

    Returns
    -------
    float, ndarray or Series
        Diesel burned [gal].

    Notes
    -----
    .. math:: F = \frac{N \cdot m_{gross} \cdot d}{GTM/gal}

    Both defaults are portcap assumptions (docs/methodology/rail.md):

    * 22 short tons per box: a loaded 40-ft box carries about 10-13 short tons of
      cargo plus about 4 short tons of tare, and a double-stack well-car slot adds about
      6-9 short tons of car tare; a share of empty boxes brings the average down.
    * 800 gross ton-miles per gallon: US Class I railroads move about 470-480
      *revenue* ton-miles per gallon over all freight (AAR); gross ton-miles are about
      twice revenue ton-miles for intermodal traffic, which is less fuel-efficient than
      bulk unit trains. The implied net intensity, 800 x 11/22 = 400 cargo ton-miles
      per gallon, lies below the all-freight average, as expected.

    Light-engine moves and helper locomotives on the grades are not counted.

    References
    ----------
    Association of American Railroads, freight-rail fuel efficiency (revenue
    ton-miles per gallon); route miles from the BNSF (Cajon Pass) and UP (Beaumont
    Pass) routes; portcap assumptions (``portcap_assumption``).

    Examples
    --------
    >>> line_haul_fuel_gal(1000.0, 90.0)
    2475.0
    """
    index = common_index(containers, route_miles)
    boxes = float_array(containers, "containers")
    miles = float_array(route_miles, "route_miles")
    check_range(boxes, "containers", 0.0)
    check_range(miles, "route_miles", 0.0)
    check_range(
        np.asarray(gross_short_tons_per_container, dtype=float),
        "gross_short_tons_per_container",
        0.0,
        low_inclusive=False,
    )
    check_range(
        np.asarray(gross_short_ton_miles_per_gal, dtype=float),
        "gross_short_ton_miles_per_gal",
        0.0,
        low_inclusive=False,
    )
    fuel = boxes * gross_short_tons_per_container * miles / gross_short_ton_miles_per_gal
    return wrap(fuel, index, "fuel_gal")


def switch_fuel_gal(
    locomotive_hours: FloatInput,
    rated_hp: FloatInput,
    *,
    load_factor: FloatInput | None = None,
) -> FloatOutput:
    r"""Switcher diesel burned from operating hours, rated power and load.

    Parameters
    ----------
    locomotive_hours : float, list, ndarray or Series
        Hours the switcher is in service (engine running, idle included) [h]; >= 0.
    rated_hp : float, list, ndarray or Series
        Rated power of the locomotive (all engines of a genset unit together) [hp];
        >= 0. Pacific Harbor Line's MP20 units are rated 2,000 hp.
    load_factor : float, list, ndarray or Series, optional
        Average load as a fraction of rated power [-], in [0, 1]. Defaults to the switch
        duty-cycle load factor of 40 CFR 1033.530 (0.0827, :func:`duty_cycle_load_factor`).

    Returns
    -------
    float, ndarray or Series
        Diesel burned [gal].

    Notes
    -----
    .. math:: F = \frac{t \cdot P_{rated} \cdot LF}{CF_{switch}}, \qquad
        CF_{switch} = 15.2\ \mathrm{bhp\text{-}hr/gal}

    EPA derived the 15.2 bhp-hr/gal factor over the same switch duty cycle, idle fuel
    included, so the two are consistent. A 2,000 hp switcher then burns about 10.9 gal
    per hour in service.

    References
    ----------
    40 CFR 1033.530 Tables 2-3 (switch cycle); EPA-420-F-09-025 (2009), Table 3.

    Examples
    --------
    >>> round(switch_fuel_gal(1.0, 2000.0), 2)
    10.88
    """
    index = common_index(locomotive_hours, rated_hp, load_factor)
    hours = float_array(locomotive_hours, "locomotive_hours")
    power = float_array(rated_hp, "rated_hp")
    check_range(hours, "locomotive_hours", 0.0)
    check_range(power, "rated_hp", 0.0)
    if load_factor is None:
        load = np.asarray(duty_cycle_load_factor("switch"), dtype=float)
    else:
        load = float_array(load_factor, "load_factor")
        check_range(load, "load_factor", 0.0, 1.0)
    conversion = factors.load_table("locomotive_fuel").set_index("duty")["work_hp_hr_per_gal"]
    fuel = hours * power * load / float(conversion["switch"])
    return wrap(fuel, index, "fuel_gal")


# --------------------------------------------------------------------------------------
# Emission factors
# --------------------------------------------------------------------------------------
def so2_ef_g_per_gal(
    fuel_sulfur_ppm: FloatInput,
    *,
    diesel_density_g_per_gal: float = 3204.76,
    sulfur_to_so2_fraction: float = 0.97753,
    so2_to_sulfur_mass_ratio: float = 2.0,
) -> FloatOutput:
    r"""SO2 (reported as SOx) emitted per gallon of diesel from its sulfur content.

    Parameters
    ----------
    fuel_sulfur_ppm : float, list, ndarray or Series
        Fuel sulfur content [ppm m/m], in [0, 5000]; 15 for ULSD.
    diesel_density_g_per_gal : float, default 3204.76
        Diesel density [g/gal]: 0.1346 t/bbl (40 CFR 98 Table MM-1) / 42 gal/bbl.
    sulfur_to_so2_fraction : float, default 0.97753
        Share of fuel sulfur emitted as SO2 [-]; the rest forms sulfate PM (EPA).
    so2_to_sulfur_mass_ratio : float, default 2.0
        Molar-mass ratio SO2/S, 64/32 [-].

    Returns
    -------
    float, ndarray or Series
        SO2 emission factor [g/gal].

    Notes
    -----
    .. math:: EF_{SO_2} = \rho \cdot S \cdot 10^{-6} \cdot f_{SO_2} \cdot 2

    References
    ----------
    40 CFR 98 Subpart MM, Table MM-1 (density); EPA ShipEF ``calcEF_SO2.r`` and EPA
    NONROAD (2.247 % of fuel sulfur to sulfate); packaged in ``locomotive_parameters``.

    Examples
    --------
    >>> round(so2_ef_g_per_gal(15.0), 5)
    0.09398
    """
    index = common_index(fuel_sulfur_ppm)
    sulfur = float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm")
    check_range(sulfur, "fuel_sulfur_ppm", 0.0, MAX_FUEL_SULFUR_PPM)
    check_range(np.asarray(sulfur_to_so2_fraction, dtype=float), "sulfur_to_so2_fraction", 0.0, 1.0)
    so2 = so2_from_fuel_g(
        diesel_density_g_per_gal,
        sulfur,
        sulfur_to_so2_fraction=sulfur_to_so2_fraction,
        so2_to_sulfur_mass_ratio=so2_to_sulfur_mass_ratio,
    )
    return wrap(so2, index, "so2_ef_g_per_gal")


def per_gallon_to_per_hp_hr(
    ef_g_per_gal: FloatInput, work_hp_hr_per_gal: FloatInput
) -> FloatOutput:
    r"""Convert a fuel-based emission factor to a work-based one.

    Parameters
    ----------
    ef_g_per_gal : float, list, ndarray or Series
        Emission factor per gallon of diesel [g/gal]; >= 0.
    work_hp_hr_per_gal : float, list, ndarray or Series
        Conversion factor of the duty [bhp-hr/gal]; > 0.

    Returns
    -------
    float, ndarray or Series
        Emission factor [g/bhp-hr].

    Notes
    -----
    .. math:: EF_{g/bhp\text{-}hr} = EF_{g/gal} / CF_{duty}

    References
    ----------
    EPA-420-F-09-025 (2009), Table 3 (conversion factors).

    Examples
    --------
    >>> round(per_gallon_to_per_hp_hr(10210.0, 20.8), 3)
    490.865
    """
    index = common_index(ef_g_per_gal, work_hp_hr_per_gal)
    factor = float_array(ef_g_per_gal, "ef_g_per_gal")
    conversion = float_array(work_hp_hr_per_gal, "work_hp_hr_per_gal")
    check_range(factor, "ef_g_per_gal", 0.0)
    check_range(conversion, "work_hp_hr_per_gal", 0.0, low_inclusive=False)
    return wrap(factor / conversion, index, "ef_g_per_hp_hr")


def emission_factors_g_per_hp_hr(
    duty: CodeInput,
    tier: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput = 15.0,
    gwp_set: str = "ar5_100",
) -> pd.DataFrame:
    r"""All eleven emission factors of locomotives by duty and tier.

    Parameters
    ----------
    duty : str, list, ndarray or Series
        ``line_haul`` or ``switch``.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`.
    fuel_sulfur_ppm : float, list, ndarray or Series, default 15.0
        Fuel sulfur content [ppm m/m], in [0, 5000]; 15 = ULSD, required for
        locomotives from 2012 (40 CFR 80.510). Use 300-3,000 for 2005-era
        interstate locomotive fuel.
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set for ``co2e``.

    Returns
    -------
    pandas.DataFrame
        One row per input element (index of the Series input, or 0..n-1), columns
        ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e`` [g/bhp-hr].

    Raises
    ------
    ValueError
        For an unknown duty, tier or GWP set, or a sulfur content outside [0, 5000].

    Notes
    -----
    .. math::

        EF_{nox,hc,co,pm10} &= \text{table}(duty, tier) \\
        EF_{pm2.5} = 0.97\,EF_{pm10}, &\quad EF_{dpm} = EF_{pm10} \\
        EF_{sox} = EF_{SO_2}(S)/CF_{duty}, &\quad EF_{co2,ch4,n2o} = EF_{g/gal}/CF_{duty} \\
        EF_{co2e} &= EF_{co2} + GWP_{CH_4} EF_{ch4} + GWP_{N_2O} EF_{n2o}

    The per-gallon factors apply to diesel-burning tiers only; every factor of ``ze`` is
    0. PM10 factors are EPA's and do not vary with fuel sulfur here.

    References
    ----------
    EPA-420-F-09-025 (2009), Tables 1-3 and p. 4 (PM2.5 = 0.97 PM10); EPA GHG Emission
    Factors Hub (2025), Tables 2 and 5; IPCC AR5 WG I Table 8.7, AR6 WG I Table 7.15.

    Examples
    --------
    >>> ef = emission_factors_g_per_hp_hr(["line_haul", "switch"], ["tier2", "tier3"])
    >>> ef[["nox", "pm10", "co"]]
        nox  pm10    co
    0  4.95  0.18  1.28
    1  4.50  0.08  1.83
    """
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    index = common_index(duty, tier, fuel_sulfur_ppm)
    duties = code_array(duty)
    tiers = code_array(tier)
    sulfur = float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm")
    require_codes(duties, DUTIES, "duty")
    require_codes(tiers, TIERS, "tier")
    check_range(sulfur, "fuel_sulfur_ppm", 0.0, MAX_FUEL_SULFUR_PPM)
    duties, tiers, sulfur = np.broadcast_arrays(duties, tiers, sulfur)
    frame = _factor_frame(
        duties.ravel().astype(str), tiers.ravel().astype(str), sulfur.ravel(), gwp_set
    )
    if index is not None:
        frame.index = index
    return frame


def emission_factor_g_per_hp_hr(
    pollutant: str,
    duty: CodeInput,
    tier: CodeInput,
    *,
    fuel_sulfur_ppm: FloatInput = 15.0,
    gwp_set: str = "ar5_100",
) -> FloatOutput:
    r"""One locomotive emission factor by pollutant, duty and tier.

    Parameters
    ----------
    pollutant : str
        One of ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.
    duty : str, list, ndarray or Series
        ``line_haul`` or ``switch``.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`.
    fuel_sulfur_ppm : float, list, ndarray or Series, default 15.0
        Fuel sulfur content [ppm m/m], in [0, 5000]; used for ``sox`` only.
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set; used for ``co2e`` only.

    Returns
    -------
    float, ndarray or Series
        Emission factor [g/bhp-hr].

    Raises
    ------
    ValueError
        For an unknown pollutant, duty, tier or GWP set.

    Notes
    -----
    See :func:`emission_factors_g_per_hp_hr` for the equations. For example, line-haul
    CO2 = 10,210 g/gal / 20.8 bhp-hr/gal = 490.9 g/bhp-hr.

    References
    ----------
    EPA-420-F-09-025 (2009), Tables 1 (line haul), 2 (switch) and 3 (conversion);
    EPA GHG Emission Factors Hub (2025), Table 2 (CO2) and Table 5 (CH4, N2O).

    Examples
    --------
    >>> emission_factor_g_per_hp_hr("nox", "line_haul", "tier2")
    4.95
    >>> emission_factor_g_per_hp_hr("nox", "switch", ["tier0", "tier3", "ze"])
    array([12.6,  4.5,  0. ])
    >>> round(emission_factor_g_per_hp_hr("co2", "line_haul", "tier4"), 2)
    490.87
    """
    factors.check_choice(pollutant, factors.POLLUTANTS, "pollutant")
    index = common_index(duty, tier, fuel_sulfur_ppm)
    shape = np.broadcast_shapes(
        code_array(duty).shape,
        code_array(tier).shape,
        float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm").shape,
    )
    table = emission_factors_g_per_hp_hr(
        duty, tier, fuel_sulfur_ppm=fuel_sulfur_ppm, gwp_set=gwp_set
    )
    values = table[pollutant].to_numpy(dtype=float).reshape(shape)
    return wrap(values, index, f"{pollutant}_ef_g_per_hp_hr")


def _factor_frame(
    duties: npt.NDArray[np.object_],
    tiers: npt.NDArray[np.object_],
    sulfur_ppm: npt.NDArray[np.float64],
    gwp_set: str,
) -> pd.DataFrame:
    """Eleven emission factors [g/bhp-hr] per (duty, tier, sulfur) element; inputs checked."""
    keys = pd.DataFrame({"duty": duties, "tier": tiers})
    table = factors.load_table("locomotive_ef")
    per_tier = table.pivot(index=["duty", "tier"], columns="pollutant", values="ef_g_per_hp_hr")
    per_tier = per_tier[list(_TABLE_POLLUTANTS)].reset_index()
    per_tier.columns.name = None
    merged = lookup(keys, per_tier, ["duty", "tier"], "locomotive emission factor")
    conversion_table = factors.load_table("locomotive_fuel")[["duty", "work_hp_hr_per_gal"]]
    merged = lookup(merged, conversion_table, ["duty"], "locomotive conversion factor")
    tier_table = factors.load_table("locomotive_tiers")[["tier", "diesel_combustion"]]
    merged = lookup(merged, tier_table, ["tier"], "locomotive tier")

    conversion = merged["work_hp_hr_per_gal"].to_numpy(dtype=float)
    burns_diesel = merged["diesel_combustion"].to_numpy(dtype=bool)
    per_gal = factors.load_table("locomotive_fuel_ef").set_index("pollutant")["ef_g_per_gal"]
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]

    def fuel_based(ef_g_per_gal: npt.NDArray[np.float64] | float) -> npt.NDArray[np.float64]:
        factor = np.asarray(per_gallon_to_per_hp_hr(ef_g_per_gal, conversion), dtype=float)
        return np.where(burns_diesel, factor, 0.0)

    so2_g_per_gal = so2_ef_g_per_gal(
        sulfur_ppm,
        diesel_density_g_per_gal=locomotive_parameter("diesel_density_g_per_gal"),
        sulfur_to_so2_fraction=locomotive_parameter("sulfur_to_so2_fraction"),
        so2_to_sulfur_mass_ratio=locomotive_parameter("so2_to_sulfur_mass_ratio"),
    )
    pm10 = merged["pm10"].to_numpy(dtype=float)
    co2 = fuel_based(float(per_gal["co2"]))
    ch4 = fuel_based(float(per_gal["ch4"]))
    n2o = fuel_based(float(per_gal["n2o"]))
    result = pd.DataFrame(
        {
            "nox": merged["nox"].to_numpy(dtype=float),
            "hc": merged["hc"].to_numpy(dtype=float),
            "co": merged["co"].to_numpy(dtype=float),
            "pm10": pm10,
            "pm25": pm10 * locomotive_parameter("pm25_to_pm10_ratio"),
            "dpm": pm10 * locomotive_parameter("dpm_to_pm10_ratio"),
            "sox": fuel_based(np.asarray(so2_g_per_gal, dtype=float)),
            "co2": co2,
            "ch4": ch4,
            "n2o": n2o,
            "co2e": co2 + float(gwp["ch4"]) * ch4 + float(gwp["n2o"]) * n2o,
        }
    )
    return result[list(factors.POLLUTANTS)]


# --------------------------------------------------------------------------------------
# Emissions
# --------------------------------------------------------------------------------------
def emissions_g(work_hp_hr: FloatInput, ef_g_per_hp_hr: FloatInput) -> FloatOutput:
    r"""Compute emitted mass from locomotive work and a work-based emission factor.

    Parameters
    ----------
    work_hp_hr : float, list, ndarray or Series
        Brake work [bhp-hr]; >= 0.
    ef_g_per_hp_hr : float, list, ndarray or Series
        Emission factor [g/bhp-hr]; >= 0.

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = W \cdot EF

    References
    ----------
    EPA-420-F-09-025 (2009): emissions = fuel x conversion factor x emission factor.

    Examples
    --------
    >>> emissions_g(20800.0, 4.95)
    102960.0
    """
    return checked_product(work_hp_hr, "work_hp_hr", ef_g_per_hp_hr, "ef_g_per_hp_hr", "mass_g")


_OUTPUT_COLUMNS: tuple[str, ...] = ("row", "duty", "tier", "pollutant", "work_hp_hr", "mass_g")


def fleet_emissions(
    work: pd.DataFrame,
    *,
    gwp_set: str = "ar5_100",
    fuel_sulfur_ppm: float = 15.0,
) -> pd.DataFrame:
    r"""Emissions of a table of locomotive activity, long by pollutant.

    Parameters
    ----------
    work : pandas.DataFrame
        One row per locomotive group and period with columns ``duty`` (``line_haul`` or
        ``switch``), ``tier`` (one of :data:`TIERS`) and ``fuel_gal`` (diesel burned
        [gal], >= 0; diesel-equivalent gallons for ``ze``). Optional: ``fuel_sulfur_ppm``
        per row [ppm m/m] (empty cells take the keyword default) and ``source_row``
        (named in error messages). Other columns are ignored.
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set for ``co2e``.
    fuel_sulfur_ppm : float, default 15.0
        Fuel sulfur content of rows without their own value [ppm m/m], in [0, 5000].

    Returns
    -------
    pandas.DataFrame
        One row per input row and pollutant (``nox, hc, co, pm10, pm25, dpm, sox, co2,
        ch4, n2o, co2e`` in that order), columns ``row`` (0-based position of the input
        row), ``duty``, ``tier``, ``pollutant``, ``work_hp_hr`` [bhp-hr] and ``mass_g``
        [g] (>= 0, no NaN).

    Raises
    ------
    ValueError
        For a missing column, or a row with an unknown or missing code, a missing,
        non-numeric, infinite or negative number, or a sulfur content outside
        [0, 5000]; the message names the row (0-based position and ``source_row``), the
        column and what was expected. Also for an unknown ``gwp_set``.

    Notes
    -----
    .. math:: m_{r,p} = F_r \cdot CF_{duty_r} \cdot EF_{p}(duty_r, tier_r, S_r)

    with the factors of :func:`emission_factors_g_per_hp_hr`. Zero-emission rows keep
    their work and have zero tailpipe mass.

    References
    ----------
    EPA-420-F-09-025 (2009), Tables 1-3; EPA GHG Emission Factors Hub (2025).

    Examples
    --------
    >>> work = pd.DataFrame({"duty": ["line_haul", "switch"], "tier": ["tier2", "ze"],
    ...                      "fuel_gal": [1000.0, 500.0]})
    >>> out = fleet_emissions(work)
    >>> out.pivot(index="row", columns="pollutant", values="mass_g")[["nox", "co2"]]
    pollutant       nox         co2
    row
    0          102960.0  10210000.0
    1               0.0         0.0
    """
    require_frame_columns(
        work, ["duty", "tier", "fuel_gal"], "work", optional=["fuel_sulfur_ppm", "source_row"]
    )
    factors.check_choice(gwp_set, factors.GWP_SETS, "gwp_set")
    check_range(
        np.asarray(fuel_sulfur_ppm, dtype=float), "fuel_sulfur_ppm", 0.0, MAX_FUEL_SULFUR_PPM
    )
    duties = frame_codes(work, "duty", DUTIES, what="work")
    tiers = frame_codes(work, "tier", TIERS, what="work")
    fuel = frame_numbers(work, "fuel_gal", what="work", required=True)
    sulfur = frame_numbers(work, "fuel_sulfur_ppm", what="work", maximum=MAX_FUEL_SULFUR_PPM)
    sulfur = np.where(np.isnan(sulfur), float(fuel_sulfur_ppm), sulfur)

    factor_frame = _factor_frame(duties, tiers, sulfur, gwp_set)
    work_per_row = np.asarray(work_hp_hr(fuel, duties), dtype=float)
    pollutants = list(factors.POLLUTANTS)
    n_rows, n_pollutants = len(work), len(pollutants)
    mass = work_per_row[:, None] * factor_frame.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(n_rows, dtype=np.int64), n_pollutants),
            "duty": np.repeat(duties.astype(object), n_pollutants),
            "tier": np.repeat(tiers.astype(object), n_pollutants),
            "pollutant": np.tile(np.asarray(pollutants, dtype=object), n_rows),
            "work_hp_hr": np.repeat(work_per_row, n_pollutants),
            "mass_g": mass.ravel(),
        },
        columns=list(_OUTPUT_COLUMNS),
    )
