r"""Ocean-going vessel (OGV) physics after the EPA Ports Emissions Inventory Guidance (2022).

One small, vectorised function per physical step of EPA-420-B-22-011 (April 2022),
chapter 3, as implemented in EPA's reference R packages ``ShipEF`` and
``ShipPowerModel`` (https://github.com/USEPA/Marine_Emissions_Tools). For one engine
and one activity interval

.. math::

    E_p\,[\mathrm{g}] = P\,[\mathrm{kW}] \cdot t\,[\mathrm{h}] \cdot EF_p\,[\mathrm{g/kWh}]
    \cdot LLAF_p(LF),

with :math:`P = MCR \cdot LF` for propulsion and default kW by ship type, size and mode
for auxiliary engines and boilers.

Every formula function is pure: it accepts a scalar, a list, a NumPy array or a pandas
Series (keeping the Series index), uses only ufunc arithmetic, ``np.where`` and
``np.clip``, and never reads files. Look-ups of packaged factor tables (emission
factors, default power, fuel by location, tier breakpoints) go through
:mod:`portcap.factors` only.

Vocabularies (see :mod:`portcap.factors`):

* ``engine``: ``propulsion``, ``auxiliary``, ``boiler``.
* ``engine_type``: ``SSD``, ``MSD``, ``HSD`` (auxiliary only), ``ST``, ``GT``, ``LNG``,
  ``MSD-ED``, ``GT-ED`` (electric drive), ``boiler``.
* ``fuel``: ``mgo`` (MGO/MDO distillate), ``hfo`` (RM/HFO residual), ``lng``.
* ``tier``: 0, 1, 2, 3 (IMO NOx tiers; non-tiered engines use 0).
* ``mode``: ``transit``, ``maneuvering``, ``berth``, ``anchorage``.
* ``ship_type`` (IMO GHG3 / EPA 2022 Appendix E names): ``bulk_carrier``,
  ``chemical_tanker``, ``container``, ``cruise``, ``ferry_pax``, ``ferry_ro_pax``,
  ``fishing``, ``general_cargo``, ``liquefied_gas_tanker``, ``misc``, ``offshore``,
  ``oil_tanker``, ``other_tanker``, ``reefer``, ``ro_ro``, ``service_other``,
  ``service_tug``, ``vehicle_carrier``, ``yacht``; plus the Starcrest 2016 classes
  ``tanker`` and ``cruise_ed`` (diesel-electric cruise, sized by passengers), accepted by
  ``method="starcrest2016"`` only. For ``starcrest2016`` the IMO names are mapped to
  Starcrest classes by the packaged ``ship_type_crosswalk`` (after EPA's ``shipMap``).
* ``size_unit`` per ship type: ``teu`` (container), ``dwt`` (bulk, tankers, general
  cargo, reefer, vehicle carrier), ``gt`` (cruise, ferries, ro-ro, yacht, tug,
  fishing, offshore, service, misc), ``passengers`` (Starcrest ``cruise_ed``).
* pollutants: ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e``.

References
----------
.. [1] U.S. EPA (2022). Ports Emissions Inventory Guidance: Methodologies for Estimating
   Port-Related and Goods Movement Mobile Source Emissions. EPA-420-B-22-011.
   https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
.. [2] U.S. EPA (2022). Marine_Emissions_Tools (ShipEF, ShipPowerModel), Beta 0.2,
   commit 752696e. https://github.com/USEPA/Marine_Emissions_Tools
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from portcap import factors
from portcap.sources._arrays import (
    MISSING_CODE,
    BoolInput,
    CodeInput,
    FloatInput,
    FloatOutput,
    bool_array,
    check_codes,
    check_range,
    checked_product,
    code_array,
    common_index,
    float_array,
    lookup,
    require_codes,
    unknown_combinations,
    wrap,
)
from portcap.sources.fuels import so2_from_fuel_g

__all__ = [
    "BSFC_LOAD_CURVE_COEFFICIENTS",
    "LLAF_COEFFICIENTS",
    "LLAF_SO2_FUEL_CURVE_G_PER_KWH",
    "LLAFCoefficients",
    "apply_shore_power",
    "auxiliary_power_kw",
    "boiler_power_kw",
    "bsfc_g_per_kwh",
    "co2_ef_g_per_kwh",
    "co2_equivalent",
    "emission_factors_g_per_kwh",
    "emissions_g",
    "electric_drive_for_engine_type",
    "energy_kwh",
    "engine_type_from_stroke_rpm",
    "fuel_for_location",
    "load_dependent_bsfc_g_per_kwh",
    "low_load_adjustment",
    "low_load_adjustment_table",
    "main_engine_load_factor",
    "nox_tier_for_load",
    "pm10_ef_g_per_kwh",
    "pm25_from_pm10",
    "propulsion_power_kw",
    "so2_ef_g_per_kwh",
    "sulfur_pct_mass_for_location",
    "tier_from_keel_year",
]


def _lookup(
    frame: pd.DataFrame, table: pd.DataFrame, on: list[str], what: str, *, required: bool = True
) -> pd.DataFrame:
    """:func:`~portcap.sources._arrays.lookup` (m:1 left join), without a join when it can.

    When the key columns have the same dtypes on both sides, the table's keys are unique
    and every key of ``frame`` is in the table, the join is the table's value columns
    taken at the matching rows, which is done here by position (a dict of the table's
    keys; the tables and frames are small). In every other case (a key missing,
    duplicate keys, missing values in keys, other dtypes) the join itself runs, with its
    errors and its missing values, so the result is always that of ``lookup``.
    """
    value_columns = [c for c in table.columns if c not in on]
    if any(c in frame.columns for c in value_columns) or any(
        frame[c].dtype != table[c].dtype for c in on
    ):
        return lookup(frame, table, on, what, required=required)
    rows: dict[tuple[Any, ...], int] = {}
    for position, key in enumerate(zip(*(table[c].tolist() for c in on), strict=True)):
        rows.setdefault(key, position)
    positions = [rows.get(key, -1) for key in zip(*(frame[c].tolist() for c in on), strict=True)]
    if len(rows) < len(table) or -1 in positions:
        return lookup(frame, table, on, what, required=required)
    values = table[value_columns].take(positions)
    values.index = frame.index
    return pd.concat([frame, values], axis=1)


# Physical upper bound on fuel sulfur for input checking: residual fuels before the 2012
# MARPOL global cap of 3.5 % m/m rarely exceeded 4.5 %; 5 % is a guard against percent /
# fraction mix-ups, not a regulatory value.
MAX_SULFUR_PCT_MASS = 5.0


class LLAFCoefficients(NamedTuple):
    r"""Coefficients of the low-load adjustment :math:`(a\,LF^{-x} + b)`.

    For the SO2 form ``x`` is unused (NaN).
    """

    a: float
    x: float
    b: float


# EPA C3 RIA (2009) Eq. 3-26, as tabulated in ShipEF data ``LLAFCoeff`` and packaged in
# ``llaf_coefficients.csv`` (tests assert the two agree). PM2.5 and DPM use PM10's.
LLAF_COEFFICIENTS: Mapping[str, LLAFCoefficients] = {
    "nox": LLAFCoefficients(0.1255, 1.5, 10.4496),
    "hc": LLAFCoefficients(0.0667, 1.5, 0.3859),
    "co": LLAFCoefficients(0.8378, 1.0, 0.1548),
    "pm10": LLAFCoefficients(0.0059, 1.5, 0.2551),
    "so2": LLAFCoefficients(2.3735, float("nan"), -0.4792),
    "co2": LLAFCoefficients(44.1, 1.0, 648.6),
}
"""EPA 2022 default low-load adjustment coefficients by pollutant (EPA C3 RIA 2009)."""

# Fuel curve inside the SO2 LLAF: 14.1205 / LF + 205.7169 g/kWh (EPA C3 RIA 2009 Eq. 3-26;
# ShipEF calcLLAF.r); packaged as parameters llaf_so2_bsfc_*.
LLAF_SO2_FUEL_CURVE_G_PER_KWH: tuple[float, float] = (14.1205, 205.7169)
"""(inverse-load term, constant term) of the SO2 low-load fuel curve [g/kWh]."""

# Jalkanen et al. (2012) / IMO GHG3 (2014) parabola, ShipEF calcLoadBSFC.r; packaged in
# bsfc_load_curve.csv (quadratic, linear, constant).
BSFC_LOAD_CURVE_COEFFICIENTS: tuple[float, float, float] = (0.455, -0.71, 1.28)
"""(quadratic, linear, constant) coefficients of the load-dependent BSFC curve [-]."""

_POLLUTANT_LLAF_SOURCE: Mapping[str, str] = {
    # pollutant of the emissions table -> pollutant whose LLAF it takes
    "nox": "nox",
    "hc": "hc",
    "co": "co",
    "pm10": "pm10",
    "pm25": "pm10",  # same coefficients as PM10 (ShipEF LLAFCoeff pm2.5 row)
    "dpm": "pm10",  # DPM is a share of PM10
    "sox": "so2",
    "so2": "so2",
    "co2": "co2",
    # CH4 and N2O factors are fuel-based, so they follow CO2 (fuel use); co2e then
    # has exactly CO2's adjustment (portcap convention, see docs/methodology/ships.md)
    "ch4": "co2",
    "n2o": "co2",
    "co2e": "co2",
}


# --------------------------------------------------------------------------------------
# Propulsion load and power
# --------------------------------------------------------------------------------------
def main_engine_load_factor(
    speed_kn: FloatInput,
    max_speed_kn: FloatInput,
    *,
    speed_exponent: float = 3.0,
    service_margin_pct: float = 0.0,
    speed_reference: str = "max",
    service_to_max_speed_ratio: float = 0.94,
    min_load_factor: float = 0.02,
    max_load_factor: float = 1.0,
) -> FloatOutput:
    r"""Propulsion-engine load factor from speed by the propeller law.

    Parameters
    ----------
    speed_kn : float, list, ndarray or Series
        Actual speed through the water (speed over ground in practice) [kn]; >= 0.
    max_speed_kn : float, list, ndarray or Series
        Reference speed [kn]; the maximum speed when ``speed_reference='max'``, the
        service speed when ``speed_reference='service'``; > 0.
    speed_exponent : float, default 3.0
        Exponent of the propeller law [-].
    service_margin_pct : float, default 0.0
        Sea/service margin added to the power demand [%]. The guidance equation has none
        (0); EPA's ShipPowerModel ``calcPropPwr`` defaults to 15.
    speed_reference : {'max', 'service'}, default 'max'
        Whether ``max_speed_kn`` is the maximum or the service speed.
    service_to_max_speed_ratio : float, default 0.94
        Service speed as a fraction of maximum speed, used to convert a service
        reference speed [-] (ShipPowerModel).
    min_load_factor : float, default 0.02
        Floor of the load factor for a moving ship [-].
    max_load_factor : float, default 1.0
        Cap of the load factor [-].

    Returns
    -------
    float, ndarray or Series
        Load factor :math:`LF` as a fraction of maximum continuous rating [-]; 0 where
        the speed is 0; NaN where an input is NaN.

    Notes
    -----
    .. math::

        LF = \min\left(LF_{max}, \max\left(LF_{min},
        \left(\frac{V}{V_{max}}\right)^{n} \left(1 + \frac{m}{100}\right)\right)\right),
        \qquad V_{max} = V_{service} / 0.94 \text{ if a service speed is given},

        LF = 0 \text{ when } V = 0.

    Valid for displacement ships in transit and maneuvering; the cube law overstates
    load at very low speed, which the guidance treats with low-load adjustments (see
    :func:`low_load_adjustment`).

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3, OGV propulsion power
    (propeller law :math:`LF = (AS/MS)^3`); ShipPowerModel ``calcPropPwr.r`` (2 % floor,
    MCR cap, 0.94 service/max ratio, optional 15 % service margin); IMO Fourth GHG Study
    2020, Eq. 8.

    Examples
    --------
    >>> main_engine_load_factor(12.0, 26.5)
    0.09286
    >>> main_engine_load_factor([0.0, 0.2, 9.0, 20.0], 10.0, service_margin_pct=15.0)
    array([0.     , 0.02   , 0.83835, 1.     ])
    """
    index = common_index(speed_kn, max_speed_kn)
    factors.check_choice(speed_reference, ("max", "service"), "speed_reference")
    speed = float_array(speed_kn, "speed_kn")
    reference = float_array(max_speed_kn, "max_speed_kn")
    check_range(speed, "speed_kn", 0.0)
    check_range(reference, "max_speed_kn", 0.0, low_inclusive=False)
    check_range(
        np.asarray(service_to_max_speed_ratio, dtype=float),
        "service_to_max_speed_ratio",
        0.0,
        1.0,
        low_inclusive=False,
    )
    check_range(np.asarray(service_margin_pct), "service_margin_pct", 0.0, 100.0)
    ratio = {"max": 1.0, "service": service_to_max_speed_ratio}[speed_reference]
    max_speed = reference / ratio
    demand = (speed / max_speed) ** speed_exponent * (1.0 + service_margin_pct / 100.0)
    load = np.clip(demand, min_load_factor, max_load_factor)
    load = np.where(speed == 0.0, 0.0, load)
    return wrap(load, index, "load_factor")


def propulsion_power_kw(main_engine_kw: FloatInput, load_factor: FloatInput) -> FloatOutput:
    r"""Propulsion power from installed power and load factor.

    Parameters
    ----------
    main_engine_kw : float, list, ndarray or Series
        Installed propulsion power, maximum continuous rating (MCR) [kW]; >= 0.
    load_factor : float, list, ndarray or Series
        Propulsion load factor [-], in [0, 1].

    Returns
    -------
    float, ndarray or Series
        Propulsion power [kW].

    Notes
    -----
    .. math:: P = MCR \cdot LF

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3, OGV propulsion power;
    ShipPowerModel ``calcPropPwr.r``.

    Examples
    --------
    >>> propulsion_power_kw(55800.0, 0.092856)
    5181.36
    """
    return checked_product(
        main_engine_kw, "main_engine_kw", load_factor, "load_factor", "power_kw", right_max=1.0
    )


# --------------------------------------------------------------------------------------
# Low-load adjustment
# --------------------------------------------------------------------------------------
def low_load_adjustment(
    load_factor: FloatInput,
    pollutant: str,
    *,
    sulfur_pct_mass: FloatInput | None = None,
    coefficients: Mapping[str, LLAFCoefficients] | None = None,
    threshold: float = 0.20,
    electric_drive: BoolInput = False,
) -> FloatOutput:
    r"""Low-load adjustment factor (LLAF) of a propulsion-engine emission factor.

    Parameters
    ----------
    load_factor : float, list, ndarray or Series
        Propulsion load factor [-], in [0, 1].
    pollutant : str
        One of ``nox, hc, co, pm10, pm25, dpm, sox`` (or ``so2``), ``co2, ch4, n2o,
        co2e``. PM2.5 and DPM use PM10's coefficients; CH4, N2O and CO2e follow CO2
        (portcap convention: their factors are fuel-based).
    sulfur_pct_mass : float, list, ndarray or Series, optional
        Fuel sulfur content [% m/m], in [0, 5]; required for ``sox``/``so2``.
    coefficients : mapping, optional
        ``{pollutant: LLAFCoefficients(a, x, b)}``; defaults to
        :data:`LLAF_COEFFICIENTS` (EPA 2022).
    threshold : float, default 0.20
        Load factor at and above which no adjustment applies; also the normalising
        load [-].
    electric_drive : bool, list, ndarray or Series, default False
        True for diesel- or turbine-electric drive (``MSD-ED``, ``GT-ED``), which
        switch engines off instead of running at low load: LLAF = 1 [-].

    Returns
    -------
    float, ndarray or Series
        Multiplier on the emission factor [-]; 1 where ``load_factor > threshold``,
        ``load_factor == 0`` (hoteling) or electric drive; NaN where the load is NaN.

    Notes
    -----
    .. math::

        LLAF_p(LF) = \frac{a\,LF^{-x} + b}{a\,0.2^{-x} + b},
        \qquad
        LLAF_{SO_2}(LF) = \frac{a\,(14.1205/LF + 205.7169)\,S + b}
                               {a\,(14.1205/0.2 + 205.7169)\,S + b}

    for :math:`0 < LF \le 0.2`, with S the fuel sulfur content in % m/m. Applies to
    propulsion engines only; auxiliary engines and boilers are never adjusted.
    If BSFC is made load-dependent (:func:`load_dependent_bsfc_g_per_kwh`), do not also
    apply the CO2 and SO2 adjustments (see :func:`low_load_adjustment_table`).

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Table 3.10; EPA (2009)
    Regulatory Impact Analysis for Category 3 marine engines, EPA-420-R-09-019,
    Eq. 3-26; ShipEF ``calcLLAF.r``.

    Examples
    --------
    >>> round(low_load_adjustment(0.02, "nox"), 2)
    4.63
    >>> low_load_adjustment([0.0, 0.02, 0.5], "sox", sulfur_pct_mass=0.1).round(2)
    array([1.  , 3.32, 1.  ])
    """
    key = _llaf_pollutant(pollutant)
    coefficient_set = LLAF_COEFFICIENTS if coefficients is None else coefficients
    factors.check_choice(key, tuple(coefficient_set), "low-load coefficient set")
    a, x, b = coefficient_set[key]
    index = common_index(load_factor, sulfur_pct_mass, electric_drive)
    load = float_array(load_factor, "load_factor")
    check_range(load, "load_factor", 0.0, 1.0)
    check_range(np.asarray(threshold, dtype=float), "threshold", 0.0, 1.0, low_inclusive=False)
    drive = bool_array(electric_drive, "electric_drive")
    # a zero load is hoteling (no adjustment); replace it before dividing
    safe_load = np.where(load > 0.0, load, threshold)
    if key == "so2":
        if sulfur_pct_mass is None:
            raise ValueError("sulfur_pct_mass is required for the SO2 low-load adjustment")
        sulfur = float_array(sulfur_pct_mass, "sulfur_pct_mass")
        check_range(sulfur, "sulfur_pct_mass", 0.0, MAX_SULFUR_PCT_MASS)
        inverse_term, constant_term = LLAF_SO2_FUEL_CURVE_G_PER_KWH
        numerator = a * (inverse_term / safe_load + constant_term) * sulfur + b
        denominator = a * (inverse_term / threshold + constant_term) * sulfur + b
    else:
        numerator = a * safe_load ** (-x) + b
        denominator = a * threshold ** (-x) + b
    adjustment = numerator / denominator
    unadjusted = (load > threshold) | (load == 0.0) | drive
    adjustment = np.where(unadjusted, 1.0, adjustment)
    adjustment = np.where(np.isnan(load), np.nan, adjustment)
    return wrap(adjustment, index, f"{pollutant}_llaf")


def _llaf_pollutant(pollutant: str) -> str:
    factors.check_choice(pollutant, tuple(_POLLUTANT_LLAF_SOURCE), "pollutant")
    return _POLLUTANT_LLAF_SOURCE[pollutant]


def low_load_adjustment_table(
    load_factor: FloatInput,
    *,
    sulfur_pct_mass: FloatInput,
    electric_drive: BoolInput = False,
    threshold: float = 0.20,
    coefficients: Mapping[str, LLAFCoefficients] | None = None,
    fuel_based_via_bsfc: bool = False,
) -> pd.DataFrame:
    r"""Low-load adjustment factors of all pollutants, one column per pollutant.

    Parameters
    ----------
    load_factor : float, list, ndarray or Series
        Propulsion load factor [-], in [0, 1].
    sulfur_pct_mass : float, list, ndarray or Series
        Fuel sulfur content [% m/m], in [0, 5] (used by the SOx column).
    electric_drive : bool, list, ndarray or Series, default False
        True for electric-drive propulsion (LLAF = 1) [-].
    threshold : float, default 0.20
        Load factor above which no adjustment applies [-].
    coefficients : mapping, optional
        Coefficient set; defaults to :data:`LLAF_COEFFICIENTS`.
    fuel_based_via_bsfc : bool, default False
        Set the fuel-based pollutants (``sox, co2, ch4, n2o, co2e``) to 1 because
        their low-load increase is already carried by a load-dependent BSFC (the
        Starcrest/POLA convention). Use it with
        ``emission_factors_g_per_kwh(..., bsfc_method='load_dependent')``.

    Returns
    -------
    pandas.DataFrame
        Columns ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e`` [-], indexed
        like a Series input (else a RangeIndex).

    Notes
    -----
    EPA applies low-load adjustments to NOx, HC, CO, PM, SO2 and CO2 (Table 3.10).
    PM2.5 and DPM take the PM10 factor. CH4 and N2O take CO2's factor in portcap,
    because their factors are fuel-based; CO2e therefore has exactly CO2's factor. See
    :func:`low_load_adjustment` for the equations.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Table 3.10; ShipEF
    ``calcLLAF.r``.

    Examples
    --------
    >>> low_load_adjustment_table([0.02, 0.5], sulfur_pct_mass=0.1)[["nox", "pm25", "sox"]].round(2)
        nox  pm25   sox
    0  4.63  7.29  3.32
    1  1.00  1.00  1.00
    """
    index = common_index(load_factor, sulfur_pct_mass, electric_drive)
    load = float_array(load_factor, "load_factor")
    sulfur = float_array(sulfur_pct_mass, "sulfur_pct_mass")
    drive = bool_array(electric_drive, "electric_drive")
    load, sulfur, drive = np.broadcast_arrays(np.atleast_1d(load), sulfur, drive)
    fuel_based = ("sox", "co2", "ch4", "n2o", "co2e")
    columns = {}
    for pollutant in factors.POLLUTANTS:  # eleven columns, not rows: no row loop
        adjustment = low_load_adjustment(
            load,
            pollutant,
            sulfur_pct_mass=sulfur,
            coefficients=coefficients,
            threshold=threshold,
            electric_drive=drive,
        )
        skip = fuel_based_via_bsfc and pollutant in fuel_based
        columns[pollutant] = np.where(skip & ~np.isnan(load), 1.0, adjustment)
    frame = pd.DataFrame(columns)
    if index is not None:
        frame.index = index
    return frame


# --------------------------------------------------------------------------------------
# Engine type, tier, fuel and sulfur
# --------------------------------------------------------------------------------------
def electric_drive_for_engine_type(engine_type: CodeInput) -> Any:
    r"""Whether an engine type is an electric drive (low-load adjustment = 1).

    Parameters
    ----------
    engine_type : str, list, ndarray or Series
        Engine type code (``SSD, MSD, HSD, ST, GT, LNG, MSD-ED, GT-ED, boiler``).

    Returns
    -------
    bool, ndarray of bool or Series
        True for ``MSD-ED`` and ``GT-ED`` (packaged ``engine_types.csv``).

    Raises
    ------
    ValueError
        For a missing or unknown engine type.

    Notes
    -----
    Diesel- and turbine-electric ships switch generator sets off instead of running
    them at low load, so EPA sets their low-load adjustment to 1. Pass the result as
    ``electric_drive`` to :func:`low_load_adjustment` or
    :func:`low_load_adjustment_table`.

    References
    ----------
    ShipEF ``calcLLAF.r`` (electric-drive exclusion); EPA Ports Emissions Inventory
    Guidance (2022), Table 3.10.

    Examples
    --------
    >>> electric_drive_for_engine_type(["SSD", "MSD-ED", "GT-ED"])
    array([False,  True,  True])
    """
    index = common_index(engine_type)
    codes = code_array(engine_type)
    require_codes(codes, factors.ENGINE_TYPES, "engine_type")
    engine_types = factors.load_table("engine_types")
    flags = pd.Series(
        engine_types["electric_drive"].to_numpy(dtype=bool), index=engine_types["engine_type"]
    )
    values = flags.reindex(codes.ravel().astype(str)).to_numpy(dtype=bool).reshape(codes.shape)
    if index is not None:
        return pd.Series(values, index=index, name="electric_drive")
    return bool(values) if values.ndim == 0 else values


def tier_from_keel_year(keel_year: FloatInput, engine_type: CodeInput) -> FloatOutput:
    r"""IMO NOx tier of an engine from the ship's keel-laid year and engine type.

    Parameters
    ----------
    keel_year : float, list, ndarray or Series
        Year the keel was laid (or the engine was built) [year]; NaN if unknown.
    engine_type : str, list, ndarray or Series
        Engine type code (``SSD, MSD, HSD, ST, GT, LNG, MSD-ED, GT-ED, boiler``); None
        or NaN if unknown.

    Returns
    -------
    float, ndarray or Series
        Tier 0-3 as float [-]. Non-tiered engines (ST, GT, GT-ED, LNG, boiler) get 0
        whatever the year; tiered engines with an unknown year, and rows with an
        unknown engine type, get NaN.

    Raises
    ------
    ValueError
        For an engine type code that is not in the vocabulary.

    Notes
    -----
    Breakpoint table ``tier_breakpoints.csv``: keel laid before 2000 -> Tier 0;
    2000-2010 -> Tier 1; 2011-2015 -> Tier 2; 2016 and later -> Tier 3. Tier III
    applies under MARPOL only inside NOx ECAs; the EPA method assigns it to every
    post-2016 Category 3 engine.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3 and §3.5.1; ShipEF ``calcTier.r``;
    MARPOL Annex VI Regulation 13; EPA (2009) C3 RIA pp. 3-118 to 3-119.

    Examples
    --------
    >>> tier_from_keel_year(
    ...     [1985, 2004, 2012, 2016, 2020, np.nan], ["MSD", "SSD", "SSD", "SSD", "LNG", "SSD"]
    ... )
    array([ 0.,  1.,  2.,  3.,  0., nan])
    """
    index = common_index(keel_year, engine_type)
    year = float_array(keel_year, "keel_year")
    codes = code_array(engine_type)
    year, codes = np.broadcast_arrays(year, codes)
    check_range(year, "keel_year", 1800.0, 2200.0)
    check_codes(codes, factors.ENGINE_TYPES, "engine_type")
    engine_types = factors.load_table("engine_types")
    tiered_by_type = pd.Series(
        engine_types["nox_tiered"].to_numpy(dtype=bool), index=engine_types["engine_type"]
    )
    known = ~pd.isna(codes)
    tiered = (
        tiered_by_type.reindex(codes.ravel().astype(str)).fillna(False).to_numpy(dtype=bool)
    ).reshape(codes.shape)
    breakpoints = factors.load_table("tier_breakpoints").sort_values("keel_year_min")
    upper_edges = breakpoints["keel_year_max"].to_numpy()
    tiers = breakpoints["tier"].to_numpy(dtype=float)
    position = np.searchsorted(upper_edges, np.where(np.isnan(year), 0.0, year), side="right")
    by_year = np.where(np.isnan(year), np.nan, tiers[np.clip(position, 0, len(tiers) - 1)])
    tier = np.where(tiered, by_year, 0.0)
    tier = np.where(known, tier, np.nan)
    return wrap(tier.astype(float), index, "tier")


def engine_type_from_stroke_rpm(
    stroke: FloatInput, rpm: FloatInput, *, rpm_cutoff: float = 500.0
) -> Any:
    r"""Propulsion engine type (SSD or MSD) from stroke count or rated speed.

    Parameters
    ----------
    stroke : float, list, ndarray or Series
        Number of strokes per cycle, 2 or 4 [-]; NaN if unknown.
    rpm : float, list, ndarray or Series
        Rated engine speed [rpm]; NaN if unknown.
    rpm_cutoff : float, default 500
        Rated speed at or below which an engine is slow-speed [rpm].

    Returns
    -------
    str, None, ndarray of object or Series
        ``'SSD'`` or ``'MSD'``; None (NaN in a Series) when both stroke and rpm are
        unknown.

    Raises
    ------
    ValueError
        If a stroke is neither 2 nor 4, or an rpm is not positive.

    Notes
    -----
    2-stroke -> SSD, 4-stroke -> MSD (table ``engine_type_by_stroke.csv``); otherwise
    :math:`rpm \le 500` -> SSD, :math:`rpm > 500` -> MSD. Stroke takes precedence over
    rpm. Steam and gas turbines and electric drive are identified from the propulsion
    description, not here. IMO uses 300 and 900 rpm boundaries instead.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3; ShipEF ``calcEngineType.r``
    (``MSD_SSD_RPM_CutOff = 500``).

    Examples
    --------
    >>> engine_type_from_stroke_rpm(
    ...     [2, 4, np.nan, np.nan, np.nan], [np.nan, 1500, 120, 720, np.nan]
    ... )
    array(['SSD', 'MSD', 'SSD', 'MSD', None], dtype=object)
    """
    index = common_index(stroke, rpm)
    strokes = float_array(stroke, "stroke")
    speeds = float_array(rpm, "rpm")
    strokes, speeds = np.broadcast_arrays(strokes, speeds)
    check_range(speeds, "rpm", 0.0, low_inclusive=False)
    by_stroke_table = factors.load_table("engine_type_by_stroke")
    valid_strokes = by_stroke_table["stroke"].to_numpy(dtype=float)
    bad = ~np.isnan(strokes) & ~np.isin(strokes, valid_strokes)
    if bad.any():
        raise ValueError(f"stroke must be 2 or 4 (or NaN); got {strokes[bad].ravel()[0]!r}")
    by_stroke = (
        pd.Series(by_stroke_table["engine_type"].to_numpy(dtype=object), index=valid_strokes)
        .reindex(strokes.ravel())
        .to_numpy(dtype=object)
        .reshape(strokes.shape)
    )
    by_rpm = np.where(speeds <= rpm_cutoff, "SSD", "MSD").astype(object)
    by_rpm = np.where(np.isnan(speeds), MISSING_CODE, by_rpm)
    engine_type = np.where(pd.isna(by_stroke), by_rpm, by_stroke)
    if index is not None:
        return pd.Series(engine_type, index=index, name="engine_type", dtype="str")
    return wrap(engine_type, None)


def fuel_for_location(
    engine_type: CodeInput, in_eca: BoolInput, *, engine: CodeInput = "propulsion"
) -> Any:
    r"""Default fuel of an engine inside or outside an Emission Control Area.

    Parameters
    ----------
    engine_type : str, list, ndarray or Series
        Engine type code.
    in_eca : bool, list, ndarray or Series
        True inside an ECA (the North American ECA covers US waters to 200 nmi; the
        EPA method also treats the Great Lakes as ECA).
    engine : str, list, ndarray or Series, default 'propulsion'
        ``propulsion``, ``auxiliary`` or ``boiler``.

    Returns
    -------
    str, ndarray of object or Series
        ``'mgo'``, ``'hfo'`` or ``'lng'``.

    Raises
    ------
    ValueError
        For an engine/engine-type combination without a default.

    Notes
    -----
    Inside an ECA all oil-fired engines and boilers burn distillate (MGO/MDO); outside,
    diesel engines and boilers burn residual fuel (RM/HFO) while steam and gas turbines
    burn distillate; LNG engines burn LNG. Ships with scrubbers may burn HFO in an ECA;
    override the fuel for them.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3; ShipEF data
    ``MainFuelMixTable``, ``AuxFuelMixTable``, ``BoilerFuelMixTable``.

    Examples
    --------
    >>> fuel_for_location(["SSD", "SSD", "ST", "LNG"], [True, False, False, False])
    array(['mgo', 'hfo', 'mgo', 'lng'], dtype=object)
    >>> fuel_for_location("boiler", False, engine="boiler")
    'hfo'
    """
    index = common_index(engine_type, in_eca, engine)
    codes = code_array(engine_type)
    eca = bool_array(in_eca, "in_eca")
    engines = code_array(engine)
    codes, eca, engines = np.broadcast_arrays(codes, eca, engines)
    require_codes(codes, factors.ENGINE_TYPES, "engine_type")
    require_codes(engines, factors.ENGINES, "engine")
    keys = pd.DataFrame(
        {
            "engine": engines.ravel(),
            "engine_type": codes.ravel(),
            "location": np.where(eca.ravel(), "eca", "outside_eca"),
        }
    ).astype("str")
    table = factors.load_table("fuel_by_location")[["engine", "engine_type", "location", "fuel"]]
    fuel = _lookup(keys, table, ["engine", "engine_type", "location"], "default fuel")["fuel"]
    values = fuel.to_numpy(dtype=object).reshape(codes.shape)
    if index is not None:
        return pd.Series(values, index=index, name="fuel", dtype="str")
    return wrap(values, None)


def sulfur_pct_mass_for_location(
    in_eca: BoolInput,
    *,
    eca_sulfur_pct_mass: float = 0.1,
    global_sulfur_pct_mass: float = 0.5,
) -> FloatOutput:
    r"""Default fuel sulfur content inside or outside an Emission Control Area.

    Parameters
    ----------
    in_eca : bool, list, ndarray or Series
        True inside an ECA.
    eca_sulfur_pct_mass : float, default 0.1
        ECA fuel sulfur limit [% m/m], in force since 1 January 2015.
    global_sulfur_pct_mass : float, default 0.5
        Global fuel sulfur limit [% m/m], in force since 1 January 2020.

    Returns
    -------
    float, ndarray or Series
        Fuel sulfur content [% m/m].

    Notes
    -----
    :math:`S = S_{ECA}` inside an ECA, else :math:`S_{global}`. The defaults are the
    MARPOL limits (packaged with their dates in ``sulfur_defaults.csv``); for years
    before 2020 pass the historical limit (3.5 % from 2012) or measured values.

    References
    ----------
    MARPOL Annex VI Regulation 14; EPA Ports Emissions Inventory Guidance (2022), chapter 3;
    ShipEF ``calcEF_SO2.r`` (``ECAfuelSulfurPercentage``, ``GlobalfuelSulfurPercentage``).

    Examples
    --------
    >>> sulfur_pct_mass_for_location([True, False])
    array([0.1, 0.5])
    """
    index = common_index(in_eca)
    eca = bool_array(in_eca, "in_eca")
    for name, value in (
        ("eca_sulfur_pct_mass", eca_sulfur_pct_mass),
        ("global_sulfur_pct_mass", global_sulfur_pct_mass),
    ):
        check_range(np.asarray(value, dtype=float), name, 0.0, MAX_SULFUR_PCT_MASS)
    sulfur = np.where(eca, eca_sulfur_pct_mass, global_sulfur_pct_mass).astype(float)
    return wrap(sulfur, index, "sulfur_pct_mass")


def nox_tier_for_load(
    tier: FloatInput,
    load_factor: FloatInput,
    engine: CodeInput,
    *,
    scr_min_load_factor: float = 0.25,
) -> FloatOutput:
    r"""Tier whose NOx factor applies, given the Tier III low-load rule.

    Parameters
    ----------
    tier : float, list, ndarray or Series
        Engine NOx tier 0-3 [-].
    load_factor : float, list, ndarray or Series
        Propulsion load factor [-], in [0, 1]; NaN if unknown (tier kept).
    engine : str, list, ndarray or Series
        ``propulsion``, ``auxiliary`` or ``boiler``.
    scr_min_load_factor : float, default 0.25
        Load below which aftertreatment (SCR) is assumed inactive [-].

    Returns
    -------
    float, ndarray or Series
        Tier to use for the NOx factor [-]: 2 for a Tier 3 propulsion engine below
        the threshold load, else the input tier.

    Notes
    -----
    .. math:: tier_{NOx} = 2 \text{ if } engine = propulsion \wedge tier = 3
              \wedge LF < 0.25, \text{ else } tier.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), §3.5.1 (new in the 2022 edition);
    ShipEF ``calcEF_NOx.r`` (``scrThreshold <- 0.25``).

    Examples
    --------
    >>> engines = ["propulsion", "propulsion", "auxiliary", "propulsion"]
    >>> nox_tier_for_load([3, 3, 3, 2], [0.10, 0.30, 0.10, 0.10], engines)
    array([2., 3., 3., 2.])
    """
    index = common_index(tier, load_factor, engine)
    tiers = float_array(tier, "tier")
    load = float_array(load_factor, "load_factor")
    engines = code_array(engine)
    check_range(load, "load_factor", 0.0, 1.0)
    require_codes(engines, factors.ENGINES, "engine")
    low_load_tier3 = (engines == "propulsion") & (tiers == 3.0) & (load < scr_min_load_factor)
    return wrap(np.where(low_load_tier3, 2.0, tiers).astype(float), index, "nox_tier")


# --------------------------------------------------------------------------------------
# Fuel consumption and fuel-based emission factors
# --------------------------------------------------------------------------------------
def bsfc_g_per_kwh(engine: CodeInput, engine_type: CodeInput, fuel: CodeInput) -> FloatOutput:
    r"""Baseline brake-specific fuel consumption by engine, engine type and fuel.

    Parameters
    ----------
    engine : str, list, ndarray or Series
        ``propulsion``, ``auxiliary`` or ``boiler``.
    engine_type : str, list, ndarray or Series
        Engine type code.
    fuel : str, list, ndarray or Series
        ``mgo``, ``hfo`` or ``lng``.

    Returns
    -------
    float, ndarray or Series
        BSFC [g fuel/kWh].

    Raises
    ------
    ValueError
        Naming the combinations that have no BSFC.

    Notes
    -----
    Table look-up (``bsfc.csv``); e.g. SSD 185 (MGO) / 195 (HFO), MSD 205 / 215,
    ST and GT 300 / 305, LNG 166, auxiliary 217 / 227, boiler 300 / 305 g/kWh.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Table 3.6; ShipEF data
    ``MainBSFC``, ``AuxBSFC``, ``BoilerBSFC`` (IMO GHG3 2014; IVL 2004).

    Examples
    --------
    >>> bsfc_g_per_kwh(["propulsion", "auxiliary", "boiler"], ["SSD", "MSD", "boiler"], "mgo")
    array([185., 217., 300.])
    """
    index = common_index(engine, engine_type, fuel)
    arrays = np.broadcast_arrays(code_array(engine), code_array(engine_type), code_array(fuel))
    for codes, valid, name in zip(
        arrays,
        (factors.ENGINES, factors.ENGINE_TYPES, factors.FUELS),
        ("engine", "engine_type", "fuel"),
        strict=True,
    ):
        require_codes(codes, valid, name)
    keys = pd.DataFrame(
        {name: a.ravel() for name, a in zip(("engine", "engine_type", "fuel"), arrays, strict=True)}
    ).astype("str")
    table = factors.load_table("bsfc")[["engine", "engine_type", "fuel", "bsfc_g_per_kwh"]]
    values = _lookup(keys, table, ["engine", "engine_type", "fuel"], "BSFC")["bsfc_g_per_kwh"]
    return wrap(values.to_numpy(dtype=float).reshape(arrays[0].shape), index, "bsfc_g_per_kwh")


def load_dependent_bsfc_g_per_kwh(
    bsfc_base_g_per_kwh: FloatInput,
    load_factor: FloatInput,
    *,
    coefficients: tuple[float, float, float] = BSFC_LOAD_CURVE_COEFFICIENTS,
) -> FloatOutput:
    r"""Propulsion BSFC at a given engine load (parabolic load curve).

    Parameters
    ----------
    bsfc_base_g_per_kwh : float, list, ndarray or Series
        Baseline BSFC [g/kWh].
    load_factor : float, list, ndarray or Series
        Propulsion load factor [-], in [0, 1].
    coefficients : tuple of float, default (0.455, -0.71, 1.28)
        (quadratic, linear, constant) coefficients [-].

    Returns
    -------
    float, ndarray or Series
        BSFC at load [g/kWh]; NaN where the load is NaN.

    Notes
    -----
    .. math:: BSFC(LF) = BSFC_{base}\,(0.455\,LF^2 - 0.71\,LF + 1.28)

    The curve is 1.0 near 80 % load and rises to 1.28 at zero load. Valid for load
    factors in [0, 1]. EPA's ShipEF applies it to every propulsion engine when a load
    is given (as :func:`emission_factors_g_per_kwh` does), never to auxiliary engines
    or boilers; IMO GHG4 applies it to diesel and LNG engines only, not to turbines.

    References
    ----------
    Jalkanen et al. (2012), Atmos. Chem. Phys. 12, 2641-2659,
    doi:10.5194/acp-12-2641-2012; IMO Third GHG Study (2014); ShipEF
    ``calcLoadBSFC.r``.

    Examples
    --------
    >>> load_dependent_bsfc_g_per_kwh(195.0, 0.80)
    195.624
    """
    index = common_index(bsfc_base_g_per_kwh, load_factor)
    base = float_array(bsfc_base_g_per_kwh, "bsfc_base_g_per_kwh")
    load = float_array(load_factor, "load_factor")
    check_range(base, "bsfc_base_g_per_kwh", 0.0)
    check_range(load, "load_factor", 0.0, 1.0)
    quadratic, linear, constant = coefficients
    bsfc = base * (quadratic * load**2 + linear * load + constant)
    return wrap(bsfc, index, "bsfc_g_per_kwh")


def co2_ef_g_per_kwh(
    bsfc_g_per_kwh: FloatInput, carbon_factor_g_per_g_fuel: FloatInput
) -> FloatOutput:
    r"""CO2 emission factor from fuel consumption and the fuel's carbon factor.

    Parameters
    ----------
    bsfc_g_per_kwh : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/kWh].
    carbon_factor_g_per_g_fuel : float, list, ndarray or Series
        CO2 per fuel burned [g CO2/g fuel]: 3.206 MGO/MDO, 3.114 RM/HFO, 2.750 LNG.

    Returns
    -------
    float, ndarray or Series
        CO2 emission factor [g/kWh].

    Notes
    -----
    .. math:: EF_{CO_2} = BSFC \cdot C_f

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Table 3.6 (BSFC); ShipEF
    ``calcEF_CO2.r`` and data ``CO2ConversionFactor`` (IMO GHG3; MEPC 63/28 Annex 8).

    Examples
    --------
    >>> co2_ef_g_per_kwh(185.0, 3.206)
    593.11
    """
    return checked_product(
        bsfc_g_per_kwh,
        "bsfc_g_per_kwh",
        carbon_factor_g_per_g_fuel,
        "carbon_factor_g_per_g_fuel",
        "co2_ef_g_per_kwh",
        right_max=4.0,
    )


def so2_ef_g_per_kwh(
    bsfc_g_per_kwh: FloatInput,
    sulfur_pct_mass: FloatInput,
    fuel: CodeInput,
    *,
    so2_to_sulfur_mass_ratio: float = 2.0,
    sulfur_to_so2_fraction: float = 0.97753,
    lng_so2_g_per_g_fuel: float = 2e-4,
) -> FloatOutput:
    r"""SO2 (SOx) emission factor from fuel consumption and fuel sulfur.

    Parameters
    ----------
    bsfc_g_per_kwh : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/kWh].
    sulfur_pct_mass : float, list, ndarray or Series
        Fuel sulfur content [% m/m], in [0, 5]; ignored (may be NaN) for LNG.
    fuel : str, list, ndarray or Series
        ``mgo``, ``hfo`` or ``lng``.
    so2_to_sulfur_mass_ratio : float, default 2.0
        Molecular-weight ratio SO2/S = 64/32 [-].
    sulfur_to_so2_fraction : float, default 0.97753
        Fraction of fuel sulfur emitted as SO2; the remaining 2.247 % forms sulfate PM [-].
    lng_so2_g_per_g_fuel : float, default 2e-4
        SO2 per LNG burned [g/g fuel].

    Returns
    -------
    float, ndarray or Series
        SO2 emission factor [g/kWh].

    Notes
    -----
    .. math:: EF_{SO_2} = BSFC \cdot 2 \cdot 0.97753 \cdot S / 100, \qquad
              EF_{SO_2, LNG} = BSFC \cdot 2 \times 10^{-4}

    References
    ----------
    EPA Ports Emissions Inventory Guidance, §3.5.7 (SO2; section number of the 2020
    edition as cited by ShipEF ``calcEF_SO2.r``).

    Examples
    --------
    >>> so2_ef_g_per_kwh([185.0, 195.0, 166.0], [0.1, 0.5, np.nan], ["mgo", "hfo", "lng"]).round(4)
    array([0.3617, 1.9062, 0.0332])
    """
    index = common_index(bsfc_g_per_kwh, sulfur_pct_mass, fuel)
    bsfc = float_array(bsfc_g_per_kwh, "bsfc_g_per_kwh")
    sulfur = float_array(sulfur_pct_mass, "sulfur_pct_mass")
    fuels = code_array(fuel)
    check_range(bsfc, "bsfc_g_per_kwh", 0.0)
    check_range(sulfur, "sulfur_pct_mass", 0.0, MAX_SULFUR_PCT_MASS)
    require_codes(fuels, factors.FUELS, "fuel")
    oil = so2_from_fuel_g(
        bsfc,
        sulfur * 1e4,  # % m/m to ppm
        sulfur_to_so2_fraction=sulfur_to_so2_fraction,
        so2_to_sulfur_mass_ratio=so2_to_sulfur_mass_ratio,
    )
    gas = bsfc * lng_so2_g_per_g_fuel
    return wrap(np.where(fuels == "lng", gas, oil).astype(float), index, "so2_ef_g_per_kwh")


def pm10_ef_g_per_kwh(
    bsfc_g_per_kwh: FloatInput,
    sulfur_pct_mass: FloatInput,
    pm_nominal_g_per_kwh: FloatInput,
    *,
    sulfate_conversion_pct: FloatInput = 2.247,
    sulfate_to_sulfur_mass_ratio: FloatInput = 7.0,
) -> FloatOutput:
    r"""PM10 emission factor of a diesel engine or boiler burning oil, from fuel sulfur.

    Parameters
    ----------
    bsfc_g_per_kwh : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/kWh].
    sulfur_pct_mass : float, list, ndarray or Series
        Fuel sulfur content [% m/m], in [0, 5].
    pm_nominal_g_per_kwh : float, list, ndarray or Series
        Sulfur-independent PM term [g/kWh]: 0.1545 (MGO/MDO), 0.5761 (RM/HFO).
    sulfate_conversion_pct : float or array-like, default 2.247
        Share of fuel sulfur converted to sulfate [%] (FSC).
    sulfate_to_sulfur_mass_ratio : float or array-like, default 7.0
        Mass of hydrated sulfate PM per mass of sulfur [-] (MWR, 224/32).

    Returns
    -------
    float, ndarray or Series
        PM10 emission factor [g/kWh].

    Notes
    -----
    .. math:: EF_{PM_{10}} = PM_{nom} + S \cdot BSFC \cdot FSC \cdot MWR \cdot 10^{-4}

    (S and FSC in %). Steam turbines, gas turbines and LNG engines use fixed factors
    instead (``pm10_fixed_ef.csv``), as :func:`emission_factors_g_per_kwh` does.

    References
    ----------
    EPA Ports Emissions Inventory Guidance, §3.5.3 (PM; as cited by ShipEF); EPA (2009) C3
    RIA; ShipEF ``calcEF_PM.r`` and data ``EFSulfurEQCoefficients``.

    Examples
    --------
    >>> pm10_ef_g_per_kwh(185.0, 0.1, 0.1545)
    0.1836
    """
    index = common_index(bsfc_g_per_kwh, sulfur_pct_mass, pm_nominal_g_per_kwh)
    bsfc = float_array(bsfc_g_per_kwh, "bsfc_g_per_kwh")
    sulfur = float_array(sulfur_pct_mass, "sulfur_pct_mass")
    nominal = float_array(pm_nominal_g_per_kwh, "pm_nominal_g_per_kwh")
    check_range(bsfc, "bsfc_g_per_kwh", 0.0)
    check_range(sulfur, "sulfur_pct_mass", 0.0, MAX_SULFUR_PCT_MASS)
    check_range(nominal, "pm_nominal_g_per_kwh", 0.0)
    conversion = float_array(sulfate_conversion_pct, "sulfate_conversion_pct")
    mass_ratio = float_array(sulfate_to_sulfur_mass_ratio, "sulfate_to_sulfur_mass_ratio")
    check_range(conversion, "sulfate_conversion_pct", 0.0, 100.0)
    check_range(mass_ratio, "sulfate_to_sulfur_mass_ratio", 0.0)
    # S [%] x FSC [%] -> fraction x fraction: 1e-4
    sulfate = sulfur * bsfc * conversion * mass_ratio * 1e-4
    return wrap(nominal + sulfate, index, "pm10_ef_g_per_kwh")


def pm25_from_pm10(pm10: FloatInput, *, pm25_to_pm10_ratio: float = 0.92) -> FloatOutput:
    r"""PM2.5 from PM10 (emission factor or mass, in the same unit).

    Parameters
    ----------
    pm10 : float, list, ndarray or Series
        PM10 emission factor [g/kWh] or mass [any mass unit].
    pm25_to_pm10_ratio : float, default 0.92
        Ratio PM2.5/PM10 [-]. The EPA code uses 0.92; a third-party transcription of
        the 2022 guidance implies 0.97.

    Returns
    -------
    float, ndarray or Series
        PM2.5 in the unit of ``pm10``.

    Notes
    -----
    .. math:: PM_{2.5} = 0.92 \cdot PM_{10}

    References
    ----------
    ShipEF ``calcEF_PM.r`` (``0.92*pm10``); EPA Ports Emissions Inventory Guidance
    (2022), §3.5.3 (PM).

    Examples
    --------
    >>> pm25_from_pm10(0.1836)
    0.16891
    """
    index = common_index(pm10)
    values = float_array(pm10, "pm10")
    check_range(values, "pm10", 0.0)
    check_range(np.asarray(pm25_to_pm10_ratio, dtype=float), "pm25_to_pm10_ratio", 0.0, 1.0)
    return wrap(values * pm25_to_pm10_ratio, index, "pm25")


def co2_equivalent(
    co2: FloatInput,
    ch4: FloatInput,
    n2o: FloatInput,
    *,
    gwp_ch4: float = 28.0,
    gwp_n2o: float = 265.0,
) -> FloatOutput:
    r"""CO2-equivalent of CO2, CH4 and N2O (emission factors or masses, same unit).

    Parameters
    ----------
    co2, ch4, n2o : float, list, ndarray or Series
        Emission factors [g/kWh] or masses [any mass unit] of each gas.
    gwp_ch4 : float, default 28.0
        100-year GWP of CH4 [kg CO2e/kg]; 28 in IPCC AR5, 29.8 (fossil) in AR6.
    gwp_n2o : float, default 265.0
        100-year GWP of N2O [kg CO2e/kg]; 265 in IPCC AR5, 273 in AR6.

    Returns
    -------
    float, ndarray or Series
        CO2e in the unit of the inputs.

    Notes
    -----
    .. math:: CO_2e = CO_2 + GWP_{CH_4}\,CH_4 + GWP_{N_2O}\,N_2O

    References
    ----------
    IPCC AR5 WG I (Myhre et al. 2013), Table 8.7; IPCC AR6 WG I (Forster et al. 2021),
    Table 7.15, doi:10.1017/9781009157896.009.

    Examples
    --------
    >>> co2_equivalent(593.11, 0.012, 0.029)
    601.131
    """
    index = common_index(co2, ch4, n2o)
    carbon = float_array(co2, "co2")
    methane = float_array(ch4, "ch4")
    nitrous = float_array(n2o, "n2o")
    for name, values in (("co2", carbon), ("ch4", methane), ("n2o", nitrous)):
        check_range(values, name, 0.0)
    return wrap(carbon + gwp_ch4 * methane + gwp_n2o * nitrous, index, "co2e")


# --------------------------------------------------------------------------------------
# The high-level factor look-up
# --------------------------------------------------------------------------------------
def emission_factors_g_per_kwh(
    keys: pd.DataFrame,
    *,
    bsfc_method: str = "base",
    gwp_set: str = "ar5_100",
    pm25_to_pm10_ratio: float = 0.92,
) -> pd.DataFrame:
    r"""Emission factors of every pollutant for rows of engine keys.

    Parameters
    ----------
    keys : pandas.DataFrame
        One row per engine and activity record, with columns ``engine``
        (propulsion|auxiliary|boiler), ``engine_type``, ``fuel`` (mgo|hfo|lng),
        ``tier`` (0-3; may be NaN for non-tiered engine types), ``sulfur_pct_mass``
        [% m/m] (may be NaN for LNG) and optionally ``load_factor`` [-] (propulsion
        load, used only for the Tier III low-load NOx rule and load-dependent BSFC).
    bsfc_method : {'base', 'load_dependent'}, default 'base'
        ``'base'``: EPA 2022 Table 3.6 BSFC. ``'load_dependent'``: propulsion BSFC from
        :func:`load_dependent_bsfc_g_per_kwh` where a load factor is given (CO2, SOx,
        PM and CO2e then vary with load; do not also apply CO2/SO2 low-load factors).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        GWP set for ``co2e``.
    pm25_to_pm10_ratio : float, default 0.92
        PM2.5/PM10 ratio [-] (EPA code).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``keys.index``, columns ``nox, hc, co, pm10, pm25, dpm, sox, co2,
        ch4, n2o, co2e`` [g/kWh], before any low-load adjustment.

    Raises
    ------
    ValueError
        For missing columns, out-of-range inputs, unknown names, or key combinations
        without a factor (the message names them).

    Notes
    -----
    Factor look-ups are m:1 joins on the packaged tables: NOx (engine, engine type,
    fuel, tier), HC/CO (engine, engine type), BSFC (engine, engine type, fuel), CH4/N2O
    (engine, fuel), DPM share (engine type, fuel). Then

    .. math::

        EF_{CO_2} = BSFC\,C_f,\quad
        EF_{SO_2} = 2 \cdot 0.97753\,BSFC\,S/100,\quad
        EF_{PM_{10}} = PM_{nom} + S\,BSFC\,FSC\,MWR\,10^{-4}\ \text{(fixed for ST, GT, LNG)},

        EF_{PM_{2.5}} = 0.92\,EF_{PM_{10}},\quad EF_{DPM} = r_{DPM}\,EF_{PM_{10}},\quad
        EF_{CO_2e} = EF_{CO_2} + GWP_{CH_4} EF_{CH_4} + GWP_{N_2O} EF_{N_2O}.

    A Tier 3 propulsion engine below 25 % load takes Tier 2 NOx (§3.5.1).

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), §3.5.1 (NOx), §3.5.3 (PM), §3.5.7
    (SO2), Table 3.5 (auxiliary NOx) and Table 3.6 (BSFC); ShipEF
    ``calcEF_*.r``; CH4/N2O: EPA factors as transcribed by USLCI-marine (ERG 2025),
    LNG CH4 from IMO GHG4 (2020) methane slip (see ``SOURCES.md``).

    Examples
    --------
    >>> keys = pd.DataFrame({"engine": ["propulsion", "auxiliary"], "engine_type": ["SSD", "MSD"],
    ...                      "fuel": ["mgo", "mgo"], "tier": [2, 2], "sulfur_pct_mass": [0.1, 0.1]})
    >>> emission_factors_g_per_kwh(keys)[["nox", "pm10", "sox", "co2"]].round(4)
        nox    pm10     sox     co2
    0  14.4  0.1836  0.3617  593.11
    1  10.5  0.1886  0.4242  695.70
    """
    factors.check_choice(bsfc_method, ("base", "load_dependent"), "bsfc_method")
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    required = ["engine", "engine_type", "fuel", "tier", "sulfur_pct_mass"]
    missing_columns = [c for c in required if c not in keys.columns]
    if missing_columns:
        raise ValueError(f"keys is missing column(s) {missing_columns}; required: {required}")

    frame = pd.DataFrame(
        {
            "engine": code_array(keys["engine"]),
            "engine_type": code_array(keys["engine_type"]),
            "fuel": code_array(keys["fuel"]),
        },
        index=keys.index,
    )
    for column, valid in (
        ("engine", factors.ENGINES),
        ("engine_type", factors.ENGINE_TYPES),
        ("fuel", factors.FUELS),
    ):
        require_codes(frame[column].to_numpy(dtype=object), valid, f"keys column {column!r}")
    frame = frame.astype("str")
    tier = float_array(keys["tier"], "tier")
    sulfur = float_array(keys["sulfur_pct_mass"], "sulfur_pct_mass")
    load = (
        float_array(keys["load_factor"], "load_factor")
        if "load_factor" in keys.columns
        else np.full(len(keys), np.nan)
    )
    check_range(sulfur, "sulfur_pct_mass", 0.0, MAX_SULFUR_PCT_MASS)
    check_range(load, "load_factor", 0.0, 1.0)
    oil = (frame["fuel"] != "lng").to_numpy()
    if (oil & np.isnan(sulfur)).any():
        raise ValueError("sulfur_pct_mass is missing for oil-fuelled rows (mgo/hfo)")

    # tier: non-tiered engine types take Tier 0; tiered ones must be given
    engine_types = factors.load_table("engine_types")[["engine_type", "nox_tiered"]]
    tiered = _lookup(frame, engine_types, ["engine_type"], "engine type")["nox_tiered"]
    tier = np.where(np.isnan(tier) & ~tiered.to_numpy(dtype=bool), 0.0, tier)
    bad_tier = np.isnan(tier) | ~np.isin(tier, np.asarray(factors.TIERS, dtype=float))
    if bad_tier.any():
        raise ValueError(
            f"tier must be one of {factors.TIERS} for tiered engine types; "
            f"got {tier[bad_tier][0]!r}"
        )
    nox_tier = np.asarray(nox_tier_for_load(tier, load, frame["engine"].to_numpy(dtype=object)))
    frame["tier"] = nox_tier.astype("int64")

    engine_keys = ["engine", "engine_type"]
    fuel_keys = ["engine", "engine_type", "fuel"]
    nox = factors.load_table("nox_ef")[[*fuel_keys, "tier", "nox_ef_g_per_kwh"]]
    hc_co = (
        factors.load_table("hc_co_ef")
        .pivot(index=engine_keys, columns="pollutant", values="ef_g_per_kwh")
        .reset_index()
        .rename(columns={"hc": "hc_ef_g_per_kwh", "co": "co_ef_g_per_kwh"})
    )
    hc_co.columns.name = None
    ghg = (
        factors.load_table("ghg_ef")
        .pivot(index=["engine", "fuel"], columns="pollutant", values="ef_g_per_kwh")
        .reset_index()
        .rename(columns={"ch4": "ch4_ef_g_per_kwh", "n2o": "n2o_ef_g_per_kwh"})
    )
    ghg.columns.name = None
    bsfc = factors.load_table("bsfc")[[*fuel_keys, "bsfc_g_per_kwh"]]
    carbon = factors.load_table("carbon_factors")[["fuel", "co2_g_per_g_fuel"]]
    pm_sulfur = factors.load_table("pm_sulfur_coefficients")[
        ["fuel", "pm_nominal_g_per_kwh", "sulfate_conversion_pct", "sulfate_to_sulfur_mass_ratio"]
    ]
    pm_fixed = factors.load_table("pm10_fixed_ef")[[*fuel_keys, "pm10_ef_g_per_kwh"]]
    dpm = factors.load_table("dpm_ratio")[["engine_type", "fuel", "dpm_to_pm10_ratio"]]

    merged = _lookup(frame, nox, [*fuel_keys, "tier"], "NOx emission factor")
    merged = _lookup(merged, hc_co, engine_keys, "HC/CO emission factor")
    merged = _lookup(merged, ghg, ["engine", "fuel"], "CH4/N2O emission factor")
    merged = _lookup(merged, bsfc, fuel_keys, "BSFC")
    merged = _lookup(merged, carbon, ["fuel"], "carbon factor")
    merged = _lookup(merged, dpm, ["engine_type", "fuel"], "DPM share")
    merged = _lookup(merged, pm_sulfur, ["fuel"], "PM sulfur coefficients", required=False)
    merged = _lookup(merged, pm_fixed, fuel_keys, "fixed PM10 factor", required=False)
    no_pm = merged["pm_nominal_g_per_kwh"].isna() & merged["pm10_ef_g_per_kwh"].isna()
    if no_pm.any():
        raise ValueError(
            f"no PM10 method for key combination(s): "
            f"{unknown_combinations(merged, no_pm, fuel_keys)}"
        )

    base_bsfc = merged["bsfc_g_per_kwh"].to_numpy(dtype=float)
    propulsion_with_load = (merged["engine"] == "propulsion").to_numpy() & ~np.isnan(load)
    use_load_curve = (bsfc_method == "load_dependent") & propulsion_with_load
    curve = load_dependent_bsfc_g_per_kwh(base_bsfc, np.where(np.isnan(load), 0.0, load))
    bsfc_used = np.where(use_load_curve, curve, base_bsfc)

    fuels = merged["fuel"].to_numpy(dtype=object)
    co2 = co2_ef_g_per_kwh(bsfc_used, merged["co2_g_per_g_fuel"].to_numpy(dtype=float))
    sox = so2_ef_g_per_kwh(bsfc_used, sulfur, fuels)
    pm10_formula = pm10_ef_g_per_kwh(
        bsfc_used,
        sulfur,
        merged["pm_nominal_g_per_kwh"].to_numpy(dtype=float),
        sulfate_conversion_pct=merged["sulfate_conversion_pct"].to_numpy(dtype=float),
        sulfate_to_sulfur_mass_ratio=merged["sulfate_to_sulfur_mass_ratio"].to_numpy(dtype=float),
    )
    fixed_pm10 = merged["pm10_ef_g_per_kwh"].to_numpy(dtype=float)
    pm10 = np.where(np.isnan(fixed_pm10), pm10_formula, fixed_pm10)
    ch4 = merged["ch4_ef_g_per_kwh"].to_numpy(dtype=float)
    n2o = merged["n2o_ef_g_per_kwh"].to_numpy(dtype=float)
    result = pd.DataFrame(
        {
            "nox": merged["nox_ef_g_per_kwh"].to_numpy(dtype=float),
            "hc": merged["hc_ef_g_per_kwh"].to_numpy(dtype=float),
            "co": merged["co_ef_g_per_kwh"].to_numpy(dtype=float),
            "pm10": pm10,
            "pm25": pm25_from_pm10(pm10, pm25_to_pm10_ratio=pm25_to_pm10_ratio),
            "dpm": merged["dpm_to_pm10_ratio"].to_numpy(dtype=float) * pm10,
            "sox": sox,
            "co2": co2,
            "ch4": ch4,
            "n2o": n2o,
            "co2e": co2_equivalent(
                co2, ch4, n2o, gwp_ch4=float(gwp["ch4"]), gwp_n2o=float(gwp["n2o"])
            ),
        },
        index=keys.index,
    )
    return result[list(factors.POLLUTANTS)]


# --------------------------------------------------------------------------------------
# Auxiliary engines and boilers
# --------------------------------------------------------------------------------------
def _binned_power_kw(
    table_name: str,
    ship_type: CodeInput,
    size_value: FloatInput,
    mode: CodeInput,
    method: str,
    size_unit: CodeInput | None,
) -> FloatOutput:
    factors.check_choice(method, factors.POWER_METHODS, "method")
    index = common_index(ship_type, size_value, mode, size_unit)
    types = code_array(ship_type)
    sizes = float_array(size_value, "size_value")
    modes = code_array(mode)
    units = code_array(size_unit)
    types, sizes, modes, units = np.broadcast_arrays(types, sizes, modes, units)
    shape = types.shape
    check_range(sizes, "size_value", 0.0)
    require_codes(modes, factors.MODES, "mode")
    require_codes(types, factors.SHIP_TYPES, "ship_type")
    check_codes(units, factors.SIZE_UNITS, "size_unit")
    frame = pd.DataFrame(
        {
            "row": np.arange(types.size),
            "ship_type": types.ravel(),
            "size_value": sizes.ravel(),
            "mode": modes.ravel(),
            "size_unit_given": units.ravel(),
        }
    ).astype({"ship_type": "str", "mode": "str"})
    crosswalk = factors.load_table("ship_type_crosswalk")
    crosswalk = crosswalk.loc[crosswalk["method"] == method, ["ship_type", "table_ship_type"]]
    frame = _lookup(frame, crosswalk, ["ship_type"], f"{method} ship-type class")
    table = factors.load_table(table_name)
    table = table.loc[
        table["method"] == method,
        ["ship_type", "size_min", "size_max", "size_unit", "mode", "power_kw"],
    ].rename(columns={"ship_type": "table_ship_type"})
    # ship types with a single open bin [0, inf) do not depend on size (NaN size allowed)
    bins_per_type = table.groupby("table_ship_type")["size_min"].transform("nunique")
    table = table.assign(size_independent=(bins_per_type == 1) & np.isinf(table["size_max"]))
    candidates = frame.merge(table, on=["table_ship_type", "mode"], how="inner")
    size = candidates["size_value"]
    in_bin = candidates["size_independent"] | (
        (size >= candidates["size_min"]) & (size < candidates["size_max"])
    )
    unit_mismatch = (
        candidates["size_unit_given"].notna()
        & ~candidates["size_independent"]
        & (candidates["size_unit_given"].astype(object) != candidates["size_unit"].astype(object))
    )
    if unit_mismatch.any():
        raise ValueError(
            f"size_unit does not match the {method} table for: "
            + unknown_combinations(
                candidates, unit_mismatch, ["ship_type", "size_unit_given", "size_unit"]
            )
        )
    matched = candidates.loc[in_bin.to_numpy(), ["row", "power_kw"]]
    power = np.full(types.size, np.nan)
    power[matched["row"].to_numpy(dtype=int)] = matched["power_kw"].to_numpy(dtype=float)
    return wrap(power.reshape(shape), index, "power_kw")


def auxiliary_power_kw(
    ship_type: CodeInput,
    size_value: FloatInput,
    mode: CodeInput,
    *,
    method: str = "epa2022",
    size_unit: CodeInput | None = None,
) -> FloatOutput:
    r"""Default auxiliary-engine power by ship type, size and operating mode.

    Parameters
    ----------
    ship_type : str, list, ndarray or Series
        Normalised ship type (see the module docstring).
    size_value : float, list, ndarray or Series
        Ship size in the unit of the method's table for that ship type (TEU, dwt, GT
        or passengers) [size unit]; NaN allowed for size-independent ship types.
    mode : str, list, ndarray or Series
        ``transit``, ``maneuvering``, ``berth`` or ``anchorage``.
    method : {'epa2022', 'starcrest2016'}, default 'epa2022'
        Parameter set: EPA 2022 Table E.1 (= IMO GHG3) or Starcrest's Port of Los
        Angeles 2016 inventory values.
    size_unit : str, list, ndarray or Series, optional
        Unit of ``size_value`` (``teu, dwt, gt, passengers``). When given, it is checked
        against the table's unit for size-dependent ship types.

    Returns
    -------
    float, ndarray or Series
        Auxiliary-engine power [kW]; NaN where the size is unknown for a size-dependent
        ship type.

    Raises
    ------
    ValueError
        For an unknown method, mode or ship type, a negative size or a unit mismatch.

    Notes
    -----
    Binned join: :math:`P_{aux} = P(\text{ship type}, \text{mode})` for the bin with
    :math:`size_{min} \le size < size_{max}`. For ``starcrest2016`` ship types are mapped
    to the Starcrest classes first (``ship_type_crosswalk.csv``). Shore power is applied
    separately (:func:`apply_shore_power`).

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Appendix E, Table E.1; IMO Third
    GHG Study (2014); ShipPowerModel data ``IMOGHG3_AuxLoadFactor`` and
    ``Starcrest2016_AuxLoadFactor``.

    Examples
    --------
    >>> auxiliary_power_kw("container", [9000, 9000], ["berth", "transit"])
    array([1000., 1630.])
    >>> auxiliary_power_kw("container", 8500, "berth", method="starcrest2016")
    902.0
    """
    return _binned_power_kw("auxiliary_power", ship_type, size_value, mode, method, size_unit)


def boiler_power_kw(
    ship_type: CodeInput,
    size_value: FloatInput,
    mode: CodeInput,
    *,
    method: str = "epa2022",
    size_unit: CodeInput | None = None,
) -> FloatOutput:
    r"""Default auxiliary-boiler power by ship type, size and operating mode.

    Parameters
    ----------
    ship_type : str, list, ndarray or Series
        Normalised ship type (see the module docstring).
    size_value : float, list, ndarray or Series
        Ship size in the unit of the method's table for that ship type [size unit].
    mode : str, list, ndarray or Series
        ``transit``, ``maneuvering``, ``berth`` or ``anchorage``.
    method : {'epa2022', 'starcrest2016'}, default 'epa2022'
        Parameter set: EPA 2022 Table E.2 (= IMO GHG3) or Starcrest 2016.
    size_unit : str, list, ndarray or Series, optional
        Unit of ``size_value``, checked against the table when given.

    Returns
    -------
    float, ndarray or Series
        Boiler power [kW]; NaN where the size is unknown for a size-dependent ship type.

    Raises
    ------
    ValueError
        For an unknown method, mode or ship type, a negative size or a unit mismatch.

    Notes
    -----
    Same binned join as :func:`auxiliary_power_kw`. In the EPA 2022 set most boilers are
    off in transit (main-engine exhaust-gas economisers supply heat). Boilers keep
    running when a ship is on shore power.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), Appendix E, Table E.2; IMO Third
    GHG Study (2014); ShipPowerModel data ``IMOGHG3_BoilerLoadFactor`` and
    ``Starcrest2016_BoilerLoadFactor``.

    Examples
    --------
    >>> boiler_power_kw("container", 9000, ["transit", "berth"])
    array([  0., 520.])
    """
    return _binned_power_kw("boiler_power", ship_type, size_value, mode, method, size_unit)


def apply_shore_power(
    auxiliary_power_kw: FloatInput, mode: CodeInput, shore_power_connected: BoolInput
) -> FloatOutput:
    r"""Switch auxiliary engines off at berth while a ship is connected to shore power.

    Parameters
    ----------
    auxiliary_power_kw : float, list, ndarray or Series
        Auxiliary-engine power before shore power [kW].
    mode : str, list, ndarray or Series
        Operating mode.
    shore_power_connected : bool, list, ndarray or Series
        True while the ship is plugged in.

    Returns
    -------
    float, ndarray or Series
        Auxiliary-engine power on board [kW]: 0 at berth when connected.

    Notes
    -----
    .. math:: P_{aux}' = 0 \text{ if } mode = berth \wedge connected, \text{ else } P_{aux}

    Boilers are *not* switched off: shore power replaces electrical generation, while
    boilers supply heat (fuel heating, hot water) and keep running at berth. Apply this
    to auxiliary power only; connection and disconnection periods, during which the
    engines run, should be modelled as unconnected time.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3 (hoteling emissions of
    auxiliary engines and boilers); keeping boilers on is a portcap convention.

    Examples
    --------
    >>> modes = ["berth", "berth", "transit"]
    >>> apply_shore_power([1000.0, 1000.0, 1630.0], modes, [True, False, True])
    array([   0., 1000., 1630.])
    """
    index = common_index(auxiliary_power_kw, mode, shore_power_connected)
    power = float_array(auxiliary_power_kw, "auxiliary_power_kw")
    modes = code_array(mode)
    connected = bool_array(shore_power_connected, "shore_power_connected")
    check_range(power, "auxiliary_power_kw", 0.0)
    require_codes(modes, factors.MODES, "mode")
    on_shore_power = (modes == "berth") & connected
    return wrap(np.where(on_shore_power, 0.0, power).astype(float), index, "power_kw")


# --------------------------------------------------------------------------------------
# Energy and emissions
# --------------------------------------------------------------------------------------
def energy_kwh(power_kw: FloatInput, duration_h: FloatInput) -> FloatOutput:
    r"""Engine energy output over an interval.

    Parameters
    ----------
    power_kw : float, list, ndarray or Series
        Engine power [kW]; >= 0.
    duration_h : float, list, ndarray or Series
        Duration of the interval [h]; >= 0.

    Returns
    -------
    float, ndarray or Series
        Energy [kWh].

    Notes
    -----
    .. math:: E = P \cdot t

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3 (OGV emissions =
    energy x emission factor x low-load adjustment).

    Examples
    --------
    >>> energy_kwh(1000.0, 30.0)
    30000.0
    """
    return checked_product(power_kw, "power_kw", duration_h, "duration_h", "energy_kwh")


def emissions_g(
    energy_kwh: FloatInput, ef_g_per_kwh: FloatInput, adjustment: FloatInput = 1.0
) -> FloatOutput:
    r"""Compute emitted mass from energy, emission factor and low-load adjustment.

    Parameters
    ----------
    energy_kwh : float, list, ndarray or Series
        Engine energy output [kWh]; >= 0.
    ef_g_per_kwh : float, list, ndarray or Series
        Emission factor [g/kWh]; >= 0.
    adjustment : float, list, ndarray or Series, default 1.0
        Low-load (or other) multiplier [-]; >= 0.

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = E \cdot EF \cdot LLAF

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 3 (OGV emissions =
    energy x emission factor x low-load adjustment).

    Examples
    --------
    >>> emissions_g(5181.3, 14.4, 1.2558)
    93696.1
    """
    index = common_index(energy_kwh, ef_g_per_kwh, adjustment)
    energy = float_array(energy_kwh, "energy_kwh")
    factor = float_array(ef_g_per_kwh, "ef_g_per_kwh")
    multiplier = float_array(adjustment, "adjustment")
    for name, values in (
        ("energy_kwh", energy),
        ("ef_g_per_kwh", factor),
        ("adjustment", multiplier),
    ):
        check_range(values, name, 0.0)
    return wrap(energy * factor * multiplier, index, "mass_g")
