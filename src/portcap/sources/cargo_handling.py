r"""Cargo-handling equipment (CHE) physics after the EPA NONROAD method.

Yard tractors, rubber-tired gantry (RTG) cranes, top and side handlers, forklifts,
straddle carriers and other terminal equipment are nonroad engines. Their emissions follow
the population x power x activity x factor equation of EPA's NONROAD model (EPA 2010,
NR-009d), which the EPA Ports Emissions Inventory Guidance (2022) and the San Pedro Bay
ports' inventories use for CHE:

.. math::

    E_p\,[\mathrm{g}] = N \cdot P_{rated}\,[\mathrm{hp}] \cdot LF \cdot t\,[\mathrm{h}]
    \cdot EF_{p,0}\,[\mathrm{g/hp\text{-}hr}] \cdot DF_p(age) \cdot M_p,

with the zero-hour factor :math:`EF_{p,0}` by fuel, tier and pollutant, the NONROAD
deterioration factor :math:`DF_p = 1 + A_p\,\min(f_{age}, c)^{b_p}` of the age fraction
:math:`f_{age} = age \cdot t \cdot LF / L_{median}`, and an optional in-use multiplier
:math:`M_p` (in-use over certification emissions). Battery-electric equipment emits
nothing at the tailpipe; its shaft energy is still reported.

Every formula function is pure: it accepts a scalar, a list, a NumPy array or a pandas
Series (keeping the Series index) and never reads files; factor look-ups go through
:mod:`portcap.factors` only (tables ``che_types``, ``che_ef``, ``che_fuel_use``,
``che_deterioration``, ``che_fuels``; provenance in ``portcap/data/factors/SOURCES.md``
and ``docs/methodology/cargo-handling.md``).

Vocabularies:

* ``equipment_type``: :data:`EQUIPMENT_TYPES`.
* ``fuel``: :data:`FUELS`.
* ``tier``: :data:`TIERS`. Diesel: ``tier0`` (pre-Tier 1, NONROAD "T0"), ``tier1``,
  ``tier2``, ``tier3``, ``tier4i`` (Tier 4 interim), ``tier4f`` (Tier 4 final),
  ``onroad2007`` and ``onroad2010`` (on-road certified engines in yard tractors).
  Spark ignition (natural gas, propane, gasoline): ``lsi_uncontrolled``, ``lsi_phase1``,
  ``lsi_phase2`` (large spark-ignition engines); natural gas also ``onroad2010`` and
  ``onroad_low_nox``. Electric: ``ze`` only.
* pollutants: ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e`` (``hc`` is total
  hydrocarbons as in NONROAD, methane included).

References
----------
.. [1] U.S. EPA (2010). Exhaust and Crankcase Emission Factors for Nonroad Engine
   Modeling - Compression-Ignition. NR-009d, EPA-420-R-10-018.
   https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P10081UI.txt
.. [2] U.S. EPA (2009). NONROAD2008a data files (``EMSFAC/*.EMF``, ``DETFAC/*.DET``), in
   https://github.com/USEPA/EPA_MOVES_Model, folder ``NONROAD/NR08a/DATA``.
.. [3] U.S. EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011, chapter on
   cargo-handling equipment. https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from portcap import factors
from portcap.sources._arrays import (
    CodeInput,
    FloatInput,
    FloatOutput,
    check_frame_pairs,
    check_frame_zero_emission,
    check_range,
    code_array,
    common_index,
    float_array,
    frame_codes,
    frame_numbers,
    frame_row_error,
    lookup,
    require_codes,
    require_frame_columns,
    wrap,
)
from portcap.sources.fuels import so2_from_fuel_g
from portcap.units import KW_PER_HP

__all__ = [
    "CO2_TO_CARBON_MASS_RATIO",
    "DEFAULT_FIELDS",
    "EQUIPMENT_TYPES",
    "FLEET_EMISSIONS_COLUMNS",
    "FUELS",
    "SO2_TO_SULFUR_MASS_RATIO",
    "SULFATE_CONVERSION_FRACTION",
    "SULFATE_TO_SULFUR_MASS_RATIO",
    "TIERS",
    "age_fraction",
    "bsfc_g_per_hp_hr",
    "co2_ef_g_per_hp_hr",
    "default_characteristics",
    "deterioration_factor",
    "emission_factors_g_per_hp_hr",
    "emissions_g",
    "energy_hp_hr",
    "fill_defaults",
    "fleet_emissions",
    "pm_sulfur_adjustment_g_per_hp_hr",
    "so2_ef_g_per_hp_hr",
    "zero_hour_ef_g_per_hp_hr",
]

EQUIPMENT_TYPES: tuple[str, ...] = factors.CHE_EQUIPMENT_TYPES
"""CHE equipment types (rows of the packaged ``che_types`` table)."""

FUELS: tuple[str, ...] = factors.CHE_FUELS
"""CHE fuels; ``electric`` is battery-electric (tier ``ze``)."""

TIERS: tuple[str, ...] = (
    "tier0",
    "tier1",
    "tier2",
    "tier3",
    "tier4i",
    "tier4f",
    "onroad2007",
    "onroad2010",
    "onroad_low_nox",
    "lsi_uncontrolled",
    "lsi_phase1",
    "lsi_phase2",
    "ze",
)
"""Emission tiers; the valid fuel/tier pairs are the rows of the ``che_ef`` table."""

DEFAULT_FIELDS: tuple[str, ...] = ("rated_hp", "annual_hours", "load_factor", "median_life_h")
"""Fleet columns that :func:`fill_defaults` fills from the equipment-type defaults."""

FLEET_EMISSIONS_COLUMNS: tuple[str, ...] = (
    "row",
    "equipment_type",
    "fuel",
    "pollutant",
    "energy_kwh",
    "mass_g",
)
"""Columns of the long table returned by :func:`fleet_emissions`."""

# NONROAD: 2.247 % of fuel sulfur leaves as sulfate PM (soxcnv = 0.02247), the rest as SO2
# (NR-009d sections 8-9; the same value as the EPA C3 marine method in ships.py).
SULFATE_CONVERSION_FRACTION: float = 0.02247
"""Fraction of fuel sulfur converted to sulfate PM [-] (NONROAD ``soxcnv``; NR-009d §8)."""

# Hydrated sulfate (H2SO4 + 6.5 H2O, 224 g/mol) per sulfur (32 g/mol): NR-009d section 8.
SULFATE_TO_SULFUR_MASS_RATIO: float = 7.0
"""Mass of hydrated sulfate PM per mass of sulfur [-] (NR-009d §8)."""

# M(SO2)/M(S) = 64/32, as written in NONROAD's SO2 equation (NR-009d section 9).
SO2_TO_SULFUR_MASS_RATIO: float = 2.0
"""Mass of SO2 per mass of sulfur [-] (NR-009d §9)."""

# M(CO2)/M(C) = 44/12, as written in NONROAD's CO2 equation (NR-009d section 9).
CO2_TO_CARBON_MASS_RATIO: float = 44.0 / 12.0
"""Mass of CO2 per mass of carbon [-] (NR-009d §9)."""

_PPM = 1.0e-6
_EF_POLLUTANTS: tuple[str, ...] = ("nox", "hc", "co", "pm10", "ch4", "n2o")
# pollutant of the emissions table -> pollutant whose deterioration coefficients it takes;
# None: no deterioration (fuel-based SOx and CO2; N2O has none in NONROAD).
_DETERIORATION_SOURCE: Mapping[str, str | None] = {
    "nox": "nox",
    "hc": "hc",
    "co": "co",
    "pm10": "pm10",
    "pm25": "pm10",  # a share of PM10
    "dpm": "pm10",  # a share of PM10
    "ch4": "hc",  # a share of total hydrocarbons
    "sox": None,
    "co2": None,
    "n2o": None,
}
_PM_POLLUTANTS: tuple[str, ...] = ("pm10", "pm25", "dpm")
_MAX_HOURS_PER_YEAR = 8784.0  # hours in a leap year: a physical bound for annual hours
_MAX_SULFUR_PPM = 5000.0  # above any diesel sold since the 1990s; guards unit mix-ups


# --------------------------------------------------------------------------------------
# Defaults and factor look-ups
# --------------------------------------------------------------------------------------
def default_characteristics(equipment_type: CodeInput) -> pd.DataFrame:
    r"""Default rated power, annual hours, load factor and median life by equipment type.

    Parameters
    ----------
    equipment_type : str, list, ndarray or Series
        One of :data:`EQUIPMENT_TYPES`.

    Returns
    -------
    pandas.DataFrame
        One row per input, indexed like a Series input (else 0..n-1), with columns
        ``equipment_type``, ``rated_hp`` [hp], ``annual_hours`` [h/year],
        ``load_factor`` [-] and ``median_life_h`` [h at full load].

    Raises
    ------
    ValueError
        For a missing or unknown equipment type.

    Notes
    -----
    Table look-up (``che_types``). Rated power, hours and load factors are
    assumptions inside the ranges of the San Pedro Bay inventories (yard tractor
    175-250 hp, 2,000-3,000 h, load factor 0.39; RTG crane 0.20; top and side handlers
    0.59; forklift 0.30; straddle carrier 0.39); median lives are EPA NONROAD values for
    diesel engines (4,667 h at 50-300 hp, 7,000 h above). See
    ``docs/methodology/cargo-handling.md`` for the ranges.

    References
    ----------
    EPA (2002) NR-005b, *Median Life, Annual Activity, and Load Factor Values for
    Nonroad Engine Emissions Modeling*; CARB 13 CCR 2479 CHE inventories and the Starcrest
    San Pedro Bay inventories (load factors, recalled).

    Examples
    --------
    >>> default_characteristics(["yard_tractor", "rtg_crane"])[["rated_hp", "load_factor"]]
       rated_hp  load_factor
    0     200.0         0.39
    1     600.0         0.20
    """
    index = common_index(equipment_type)
    codes = np.atleast_1d(code_array(equipment_type))
    require_codes(codes, EQUIPMENT_TYPES, "equipment_type")
    keys = pd.DataFrame({"equipment_type": codes.astype(str)})
    table = factors.load_table("che_types")[["equipment_type", *DEFAULT_FIELDS]]
    result = lookup(keys, table, ["equipment_type"], "CHE equipment defaults")
    result.index = index if index is not None else pd.RangeIndex(len(result))
    return result


def _pair_lookup(
    fuel: CodeInput, tier: CodeInput, table: pd.DataFrame, columns: list[str], what: str
) -> tuple[pd.DataFrame, tuple[int, ...], pd.Index | None]:
    index = common_index(fuel, tier)
    fuels, tiers = np.broadcast_arrays(code_array(fuel), code_array(tier))
    require_codes(fuels, FUELS, "fuel")
    require_codes(tiers, TIERS, "tier")
    keys = pd.DataFrame({"fuel": fuels.ravel().astype(str), "tier": tiers.ravel().astype(str)})
    found = lookup(keys, table[["fuel", "tier", *columns]], ["fuel", "tier"], what)
    return found, fuels.shape, index


def _wide_ef_table() -> pd.DataFrame:
    table = factors.load_table("che_ef").pivot(
        index=["fuel", "tier"], columns="pollutant", values="ef_g_per_hp_hr"
    )
    table = table.reindex(columns=list(_EF_POLLUTANTS)).reset_index()
    table.columns.name = None
    return table


def zero_hour_ef_g_per_hp_hr(pollutant: str, fuel: CodeInput, tier: CodeInput) -> FloatOutput:
    r"""Zero-hour (new-engine) emission factor of one pollutant by fuel and tier.

    Parameters
    ----------
    pollutant : {'nox', 'hc', 'co', 'pm10', 'ch4', 'n2o'}
        Pollutant with a tabulated factor. PM10 is at the certification-fuel sulfur
        level (see :func:`pm_sulfur_adjustment_g_per_hp_hr`); fuel-based SOx and CO2 and
        the derived PM2.5, DPM and CO2e come from :func:`emission_factors_g_per_hp_hr`.
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`; the pair must be a row of the ``che_ef`` table.

    Returns
    -------
    float, ndarray or Series
        Zero-hour emission factor [g/hp-hr].

    Raises
    ------
    ValueError
        For an unknown pollutant, fuel or tier, or a fuel/tier pair without factors.

    Notes
    -----
    Table look-up (``che_ef``): diesel factors are the NONROAD2008a zero-hour factors of
    175-300 hp engines (``T0`` ... ``T4N`` technology types), spark-ignition factors those
    of NONROAD's large spark-ignition (LSI) engines above 25 hp. The ``tier4i`` NOx value
    is the average of NONROAD's ``T4`` and ``T4N`` types (50 % phase-in, 2011-2013);
    on-road tiers use the certification standards. Valid for 100-750 hp diesel equipment
    (the 175-300 hp values differ from other ranges by less than 10 % for NOx of Tier 1+).

    References
    ----------
    EPA (2010) NR-009d, §4; NONROAD2008a ``EMSFAC/EXHNOX.EMF``, ``EXHTHC.EMF``,
    ``EXHCO.EMF``, ``EXHPM.EMF``; 40 CFR 86.007-11 (on-road standards).

    Examples
    --------
    >>> zero_hour_ef_g_per_hp_hr("nox", "diesel", ["tier0", "tier2", "tier4f"])
    array([8.38, 4.  , 0.28])
    >>> zero_hour_ef_g_per_hp_hr("nox", "electric", "ze")
    0.0
    """
    factors.check_choice(pollutant, _EF_POLLUTANTS, "pollutant")
    found, shape, index = _pair_lookup(
        fuel, tier, _wide_ef_table(), [pollutant], "CHE emission factor"
    )
    values = found[pollutant].to_numpy(dtype=float).reshape(shape)
    return wrap(values, index, f"{pollutant}_ef_g_per_hp_hr")


def bsfc_g_per_hp_hr(fuel: CodeInput, tier: CodeInput) -> FloatOutput:
    r"""Brake-specific fuel consumption by fuel and tier.

    Parameters
    ----------
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`.

    Returns
    -------
    float, ndarray or Series
        BSFC [g fuel/hp-hr]; 0 for electric equipment.

    Raises
    ------
    ValueError
        For unknown codes or a fuel/tier pair without a value.

    Notes
    -----
    Table look-up (``che_fuel_use``): NONROAD2008a BSFC in lb/hp-hr times 453.59237 g/lb,
    e.g. diesel 175-300 hp 0.367 lb/hp-hr = 166.47 g/hp-hr.

    References
    ----------
    EPA (2010) NR-009d, §4.2; NONROAD2008a ``EMSFAC/BSFC.EMF``.

    Examples
    --------
    >>> bsfc_g_per_hp_hr(["diesel", "propane"], ["tier4f", "lsi_phase2"])
    array([166.4684, 184.1585])
    """
    table = factors.load_table("che_fuel_use")
    found, shape, index = _pair_lookup(fuel, tier, table, ["bsfc_g_per_hp_hr"], "CHE BSFC")
    values = found["bsfc_g_per_hp_hr"].to_numpy(dtype=float).reshape(shape)
    return wrap(values, index, "bsfc_g_per_hp_hr")


# --------------------------------------------------------------------------------------
# Activity, deterioration and fuel-based factors
# --------------------------------------------------------------------------------------
def energy_hp_hr(rated_hp: FloatInput, load_factor: FloatInput, hours: FloatInput) -> FloatOutput:
    r"""Engine output of one piece of equipment over a period.

    Parameters
    ----------
    rated_hp : float, list, ndarray or Series
        Rated (maximum) engine power [hp]; >= 0.
    load_factor : float, list, ndarray or Series
        Average power as a fraction of rated power [-], in [0, 1].
    hours : float, list, ndarray or Series
        Operating hours in the period [h]; >= 0.

    Returns
    -------
    float, ndarray or Series
        Energy [hp-hr]; multiply by ``portcap.units.KW_PER_HP`` for kWh.

    Notes
    -----
    .. math:: W = P_{rated} \cdot LF \cdot t

    References
    ----------
    EPA (2002) NR-005b (NONROAD emissions = population x power x load factor x
    activity x emission factor); EPA Ports Emissions Inventory Guidance (2022), CHE
    chapter.

    Examples
    --------
    >>> energy_hp_hr(200.0, 0.39, 2000.0)
    156000.0
    """
    index = common_index(rated_hp, load_factor, hours)
    power = float_array(rated_hp, "rated_hp")
    load = float_array(load_factor, "load_factor")
    duration = float_array(hours, "hours")
    check_range(power, "rated_hp", 0.0)
    check_range(load, "load_factor", 0.0, 1.0)
    check_range(duration, "hours", 0.0)
    return wrap(power * load * duration, index, "energy_hp_hr")


def age_fraction(
    age_years: FloatInput,
    annual_hours: FloatInput,
    load_factor: FloatInput,
    median_life_h: FloatInput,
) -> FloatOutput:
    r"""NONROAD age of an engine as a fraction of its median life (uncapped).

    Parameters
    ----------
    age_years : float, list, ndarray or Series
        Inventory year minus model year [year]; >= 0; NaN if unknown.
    annual_hours : float, list, ndarray or Series
        Operating hours per year [h]; >= 0.
    load_factor : float, list, ndarray or Series
        Load factor [-], in [0, 1].
    median_life_h : float, list, ndarray or Series
        Median life in hours at full load [h]; > 0.

    Returns
    -------
    float, ndarray or Series
        Age fraction [-]; NaN where the age is unknown.

    Notes
    -----
    .. math:: f_{age} = \frac{age \cdot t_{annual} \cdot LF}{L_{median}}

    Cumulative hours at load divided by the median life at full load.

    References
    ----------
    EPA (2010) NR-009d, §7; NONROAD2008a ``DETFAC/*.DET`` file headers ("age = cum.
    hours * load factor / median life in hours").

    Examples
    --------
    >>> round(age_fraction(3, 2000.0, 0.39, 4667.0), 5)
    0.50139
    """
    index = common_index(age_years, annual_hours, load_factor, median_life_h)
    age = float_array(age_years, "age_years")
    hours = float_array(annual_hours, "annual_hours")
    load = float_array(load_factor, "load_factor")
    life = float_array(median_life_h, "median_life_h")
    check_range(age, "age_years", 0.0)
    check_range(hours, "annual_hours", 0.0)
    check_range(load, "load_factor", 0.0, 1.0)
    check_range(life, "median_life_h", 0.0, low_inclusive=False)
    return wrap(age * hours * load / life, index, "age_fraction")


def deterioration_factor(
    pollutant: str,
    tier: CodeInput,
    age_years: FloatInput,
    annual_hours: FloatInput,
    load_factor: FloatInput,
    median_life_h: FloatInput,
    *,
    fuel: CodeInput = "diesel",
) -> FloatOutput:
    r"""NONROAD deterioration factor of an engine's emission factor.

    Parameters
    ----------
    pollutant : str
        One of ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o``. PM2.5 and DPM take
        PM10's coefficients, CH4 those of total hydrocarbons; SOx, CO2 and N2O do not
        deteriorate (factor 1). CO2e is computed from its components and is refused.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`.
    age_years : float, list, ndarray or Series
        Inventory year minus model year [year]; >= 0; NaN if unknown (factor 1).
    annual_hours : float, list, ndarray or Series
        Operating hours per year [h]; >= 0.
    load_factor : float, list, ndarray or Series
        Load factor [-], in [0, 1].
    median_life_h : float, list, ndarray or Series
        Median life in hours at full load [h]; > 0.
    fuel : str, list, ndarray or Series, default 'diesel'
        One of :data:`FUELS` (coefficients are keyed by fuel and tier).

    Returns
    -------
    float, ndarray or Series
        Multiplier on the zero-hour factor [-], >= 1; 1 where the age is unknown.

    Raises
    ------
    ValueError
        For unknown names, out-of-range inputs or a fuel/tier pair without coefficients.

    Notes
    -----
    .. math::

        DF = 1 + A \cdot \min(f_{age}, c)^{b}, \qquad
        f_{age} = \frac{age \cdot t_{annual} \cdot LF}{L_{median}}

    with A, b and the cap c (in median-life units, 1 for all packaged rows) from
    ``che_deterioration``. Diesel A: NOx 0.024 (Tier 0-1), 0.009 (Tier 2), 0.008 (Tier 3+);
    HC 0.047 / 0.036 / 0.034 / 0.027; CO 0.185 / 0.101 / 0.101 / 0.151; PM 0.473; b = 1.

    References
    ----------
    EPA (2010) NR-009d, §7 (deterioration factors); NONROAD2008a ``DETFAC/EXHNOX.DET``,
    ``EXHTHC.DET``, ``EXHCO.DET``, ``EXHPM.DET``.

    Examples
    --------
    >>> deterioration_factor("pm10", "tier0", [0, 3, 10], 2000.0, 0.39, 4667.0).round(4)
    array([1.    , 1.2372, 1.473 ])
    >>> deterioration_factor("co2", "tier0", 10, 2000.0, 0.39, 4667.0)
    1.0
    """
    factors.check_choice(pollutant, tuple(_DETERIORATION_SOURCE), "pollutant")
    index = common_index(tier, age_years, annual_hours, load_factor, median_life_h, fuel)
    fraction = np.asarray(age_fraction(age_years, annual_hours, load_factor, median_life_h))
    fuels, tiers, fraction = np.broadcast_arrays(code_array(fuel), code_array(tier), fraction)
    require_codes(fuels, FUELS, "fuel")
    require_codes(tiers, TIERS, "tier")
    source = _DETERIORATION_SOURCE[pollutant]
    if source is None:
        factor = np.ones(fraction.shape)
    else:
        table = factors.load_table("che_deterioration")
        table = table.loc[table["pollutant"] == source]
        keys = pd.DataFrame({"fuel": fuels.ravel().astype(str), "tier": tiers.ravel().astype(str)})
        coefficients = lookup(
            keys,
            table[["fuel", "tier", "deterioration_a", "deterioration_b", "max_age_fraction"]],
            ["fuel", "tier"],
            f"CHE deterioration coefficients ({source})",
        )
        a = coefficients["deterioration_a"].to_numpy(dtype=float).reshape(fraction.shape)
        b = coefficients["deterioration_b"].to_numpy(dtype=float).reshape(fraction.shape)
        cap = coefficients["max_age_fraction"].to_numpy(dtype=float).reshape(fraction.shape)
        known = ~np.isnan(fraction)
        capped = np.minimum(np.where(known, fraction, 0.0), cap)
        factor = np.where(known, 1.0 + a * capped**b, 1.0)
    return wrap(factor.astype(float), index, f"{pollutant}_deterioration_factor")


def co2_ef_g_per_hp_hr(
    bsfc_g_per_hp_hr: FloatInput,
    carbon_mass_fraction: FloatInput,
    hc_ef_g_per_hp_hr: FloatInput = 0.0,
    *,
    co2_to_carbon_mass_ratio: float = CO2_TO_CARBON_MASS_RATIO,
) -> FloatOutput:
    r"""CO2 emission factor from fuel use by carbon balance.

    Parameters
    ----------
    bsfc_g_per_hp_hr : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/hp-hr]; >= 0.
    carbon_mass_fraction : float, list, ndarray or Series
        Carbon mass fraction of the fuel [-], in [0, 1] (diesel 0.87).
    hc_ef_g_per_hp_hr : float, list, ndarray or Series, default 0.0
        Unburned hydrocarbons [g/hp-hr], in [0, BSFC]; their carbon is not CO2.
    co2_to_carbon_mass_ratio : float, default 44/12
        Mass of CO2 per mass of carbon [-].

    Returns
    -------
    float, ndarray or Series
        CO2 emission factor [g/hp-hr].

    Notes
    -----
    .. math:: EF_{CO_2} = (BSFC - EF_{HC}) \cdot w_C \cdot \frac{44}{12}

    References
    ----------
    EPA (2010) NR-009d, §9 (CO2 = (BSFC x 453.6 - HC) x 0.87 x 44/12 for diesel).

    Examples
    --------
    >>> round(co2_ef_g_per_hp_hr(166.4684, 0.87, 0.68), 1)
    528.9
    """
    index = common_index(bsfc_g_per_hp_hr, carbon_mass_fraction, hc_ef_g_per_hp_hr)
    bsfc = float_array(bsfc_g_per_hp_hr, "bsfc_g_per_hp_hr")
    carbon = float_array(carbon_mass_fraction, "carbon_mass_fraction")
    hc = float_array(hc_ef_g_per_hp_hr, "hc_ef_g_per_hp_hr")
    check_range(bsfc, "bsfc_g_per_hp_hr", 0.0)
    check_range(carbon, "carbon_mass_fraction", 0.0, 1.0)
    check_range(hc, "hc_ef_g_per_hp_hr", 0.0)
    _check_not_above(hc, bsfc, "hc_ef_g_per_hp_hr", "bsfc_g_per_hp_hr")
    co2 = (bsfc - hc) * carbon * co2_to_carbon_mass_ratio
    return wrap(co2, index, "co2_ef_g_per_hp_hr")


def so2_ef_g_per_hp_hr(
    bsfc_g_per_hp_hr: FloatInput,
    sulfur_ppm_mass: FloatInput,
    hc_ef_g_per_hp_hr: FloatInput = 0.0,
    *,
    sulfate_conversion_fraction: float = SULFATE_CONVERSION_FRACTION,
    so2_to_sulfur_mass_ratio: float = SO2_TO_SULFUR_MASS_RATIO,
) -> FloatOutput:
    r"""SO2 (SOx) emission factor from fuel use and fuel sulfur.

    Parameters
    ----------
    bsfc_g_per_hp_hr : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/hp-hr]; >= 0.
    sulfur_ppm_mass : float, list, ndarray or Series
        Fuel sulfur [ppm by mass], in [0, 5000]; 15 for ultra-low-sulfur diesel.
    hc_ef_g_per_hp_hr : float, list, ndarray or Series, default 0.0
        Unburned hydrocarbons [g/hp-hr]; their sulfur is not emitted as SO2.
    sulfate_conversion_fraction : float, default 0.02247
        Fraction of fuel sulfur emitted as sulfate PM instead of SO2 [-].
    so2_to_sulfur_mass_ratio : float, default 2.0
        Mass of SO2 per mass of sulfur [-].

    Returns
    -------
    float, ndarray or Series
        SO2 emission factor [g/hp-hr].

    Notes
    -----
    .. math::

        EF_{SO_2} = \left(BSFC\,(1 - f_{SO_4}) - EF_{HC}\right) \cdot S \cdot 10^{-6}
        \cdot 2

    (NONROAD writes S in weight percent and the factor 0.01.)

    References
    ----------
    EPA (2010) NR-009d, §9 (SO2 = (BSFC x 453.6 x (1 - soxcnv) - HC) x 0.01 x soxdsl x 2).

    Examples
    --------
    >>> round(so2_ef_g_per_hp_hr(166.4684, 15.0), 5)
    0.00488
    """
    index = common_index(bsfc_g_per_hp_hr, sulfur_ppm_mass, hc_ef_g_per_hp_hr)
    bsfc = float_array(bsfc_g_per_hp_hr, "bsfc_g_per_hp_hr")
    sulfur = float_array(sulfur_ppm_mass, "sulfur_ppm_mass")
    hc = float_array(hc_ef_g_per_hp_hr, "hc_ef_g_per_hp_hr")
    check_range(bsfc, "bsfc_g_per_hp_hr", 0.0)
    check_range(sulfur, "sulfur_ppm_mass", 0.0, _MAX_SULFUR_PPM)
    check_range(hc, "hc_ef_g_per_hp_hr", 0.0)
    check_range(
        np.asarray(sulfate_conversion_fraction, dtype=float), "sulfate_conversion_fraction", 0, 1
    )
    # NONROAD: sulfate sulfur leaves first, then the unburned HC (in fuel mass) is taken off
    burned = np.maximum(bsfc * (1.0 - sulfate_conversion_fraction) - hc, 0.0)
    so2 = so2_from_fuel_g(
        burned,
        sulfur,
        sulfur_to_so2_fraction=1.0,
        so2_to_sulfur_mass_ratio=so2_to_sulfur_mass_ratio,
    )
    return wrap(so2, index, "so2_ef_g_per_hp_hr")


def pm_sulfur_adjustment_g_per_hp_hr(
    bsfc_g_per_hp_hr: FloatInput,
    sulfur_ppm_mass: FloatInput,
    cert_sulfur_ppm_mass: FloatInput,
    *,
    sulfate_conversion_fraction: float = SULFATE_CONVERSION_FRACTION,
    sulfate_to_sulfur_mass_ratio: float = SULFATE_TO_SULFUR_MASS_RATIO,
) -> FloatOutput:
    r"""Change of diesel PM from certification-fuel sulfur to in-use fuel sulfur.

    Parameters
    ----------
    bsfc_g_per_hp_hr : float, list, ndarray or Series
        Brake-specific fuel consumption [g fuel/hp-hr]; >= 0.
    sulfur_ppm_mass : float, list, ndarray or Series
        In-use fuel sulfur [ppm by mass], in [0, 5000].
    cert_sulfur_ppm_mass : float, list, ndarray or Series
        Sulfur of the fuel the zero-hour PM factor refers to [ppm by mass]; NaN for
        engines without a sulfur adjustment (spark ignition, electric): adjustment 0.
    sulfate_conversion_fraction : float, default 0.02247
        Fraction of fuel sulfur converted to sulfate PM [-].
    sulfate_to_sulfur_mass_ratio : float, default 7.0
        Mass of hydrated sulfate per mass of sulfur [-].

    Returns
    -------
    float, ndarray or Series
        PM adjustment [g/hp-hr], negative when the in-use fuel has less sulfur; add it to
        the zero-hour PM10 factor.

    Notes
    -----
    .. math::

        \Delta PM = BSFC \cdot 7.0 \cdot f_{SO_4} \cdot (S - S_{cert}) \cdot 10^{-6}

    Tier 0-3 factors refer to about 2,000 ppm certification diesel (assumption), so
    15 ppm fuel lowers their PM by about 0.052 g/hp-hr.

    References
    ----------
    EPA (2010) NR-009d, §8 (sulfur adjustment for PM: BSFC x 453.6 x 7.0 x soxcnv x 0.01
    x (soxbas - soxdsl)).

    Examples
    --------
    >>> round(pm_sulfur_adjustment_g_per_hp_hr(166.4684, 15.0, 2000.0), 5)
    -0.05198
    """
    index = common_index(bsfc_g_per_hp_hr, sulfur_ppm_mass, cert_sulfur_ppm_mass)
    bsfc = float_array(bsfc_g_per_hp_hr, "bsfc_g_per_hp_hr")
    sulfur = float_array(sulfur_ppm_mass, "sulfur_ppm_mass")
    cert = float_array(cert_sulfur_ppm_mass, "cert_sulfur_ppm_mass")
    check_range(bsfc, "bsfc_g_per_hp_hr", 0.0)
    check_range(sulfur, "sulfur_ppm_mass", 0.0, _MAX_SULFUR_PPM)
    check_range(cert, "cert_sulfur_ppm_mass", 0.0, _MAX_SULFUR_PPM)
    delta = (
        bsfc
        * sulfate_to_sulfur_mass_ratio
        * sulfate_conversion_fraction
        * (sulfur - np.where(np.isnan(cert), sulfur, cert))
        * _PPM
    )
    return wrap(delta, index, "pm_sulfur_adjustment_g_per_hp_hr")


def emission_factors_g_per_hp_hr(
    fuel: CodeInput,
    tier: CodeInput,
    *,
    fuel_sulfur_ppm: float = 15.0,
    gwp_set: str = "ar5_100",
) -> pd.DataFrame:
    r"""Zero-hour emission factors of all eleven pollutants by fuel and tier.

    Parameters
    ----------
    fuel : str, list, ndarray or Series
        One of :data:`FUELS`.
    tier : str, list, ndarray or Series
        One of :data:`TIERS`; the pair must be a row of ``che_ef``.
    fuel_sulfur_ppm : float, default 15.0
        Sulfur of the diesel burned [ppm by mass], in [0, 5000]; 15 ppm ultra-low-sulfur
        diesel (CARB diesel since 2006, EPA nonroad diesel since 2010). Other fuels use
        the ``che_fuels`` defaults (gasoline and propane 10, natural gas 5 ppm).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set for ``co2e``.

    Returns
    -------
    pandas.DataFrame
        Columns ``nox, hc, co, pm10, pm25, dpm, sox, co2, ch4, n2o, co2e`` [g/hp-hr],
        indexed like a Series input (else 0..n-1), before deterioration.

    Raises
    ------
    ValueError
        For unknown codes, a fuel/tier pair without factors or an out-of-range sulfur.

    Notes
    -----
    Joins on ``che_ef``, ``che_fuel_use`` and ``che_fuels``, then

    .. math::

        EF_{PM_{10}} = \max\!\left(0, EF_{PM_{10},cert} + \Delta PM(S)\right),\quad
        EF_{PM_{2.5}} = r_{2.5}\,EF_{PM_{10}},\quad EF_{DPM} = r_{DPM}\,EF_{PM_{10}},

        EF_{SO_2} = (BSFC\,(1-f_{SO_4}) - EF_{HC})\,S\,10^{-6}\cdot 2,\quad
        EF_{CO_2} = (BSFC - EF_{HC})\,w_C\,44/12,

        EF_{CO_2e} = EF_{CO_2} + GWP_{CH_4} EF_{CH_4} + GWP_{N_2O} EF_{N_2O},

    with :math:`r_{2.5}` = 0.97 (diesel) or 0.92 (spark ignition) and :math:`r_{DPM}` = 1
    for diesel, 0 otherwise.

    References
    ----------
    EPA (2010) NR-009d, §4 (zero-hour factors), §8 (PM sulfur), §9 (CO2, SO2), §11
    (PM2.5 fraction); IPCC AR5 WG I Table 8.7 and AR6 WG I Table 7.15 (GWPs).

    Examples
    --------
    >>> ef = emission_factors_g_per_hp_hr(["diesel", "electric"], ["tier0", "ze"])
    >>> ef[["nox", "pm10", "dpm", "sox", "co2"]].round(4)
        nox   pm10    dpm     sox      co2
    0  8.38  0.348  0.348  0.0049  528.865
    1  0.00  0.000  0.000  0.0000    0.000
    """
    check_range(np.asarray(fuel_sulfur_ppm, dtype=float), "fuel_sulfur_ppm", 0, _MAX_SULFUR_PPM)
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    found, _, index = _pair_lookup(
        fuel, tier, _wide_ef_table(), list(_EF_POLLUTANTS), "CHE emission factor"
    )
    use = factors.load_table("che_fuel_use")[
        ["fuel", "tier", "bsfc_g_per_hp_hr", "cert_sulfur_ppm_mass"]
    ]
    found = lookup(found, use, ["fuel", "tier"], "CHE BSFC")
    properties = factors.load_table("che_fuels").drop(columns=["source_id", "source_locator"])
    found = lookup(found, properties, ["fuel"], "CHE fuel properties")

    def column(name: str) -> npt.NDArray[np.float64]:
        return found[name].to_numpy(dtype=float)

    diesel = (found["fuel"] == "diesel").to_numpy()
    sulfur = np.where(diesel, fuel_sulfur_ppm, column("default_sulfur_ppm_mass"))
    bsfc = column("bsfc_g_per_hp_hr")
    hc = column("hc")
    adjustment = pm_sulfur_adjustment_g_per_hp_hr(bsfc, sulfur, column("cert_sulfur_ppm_mass"))
    pm10 = np.maximum(column("pm10") + adjustment, 0.0)
    co2 = np.asarray(co2_ef_g_per_hp_hr(bsfc, column("carbon_mass_fraction"), hc))
    ch4 = column("ch4")
    n2o = column("n2o")
    result = pd.DataFrame(
        {
            "nox": column("nox"),
            "hc": hc,
            "co": column("co"),
            "pm10": pm10,
            "pm25": column("pm25_to_pm10_ratio") * pm10,
            "dpm": column("dpm_to_pm10_ratio") * pm10,
            "sox": np.asarray(so2_ef_g_per_hp_hr(bsfc, sulfur, hc)),
            "co2": co2,
            "ch4": ch4,
            "n2o": n2o,
            "co2e": co2 + float(gwp["ch4"]) * ch4 + float(gwp["n2o"]) * n2o,
        }
    )
    result.index = index if index is not None else pd.RangeIndex(len(result))
    return result[list(factors.POLLUTANTS)]


def emissions_g(
    energy_hp_hr: FloatInput,
    ef_g_per_hp_hr: FloatInput,
    deterioration: FloatInput = 1.0,
    in_use_multiplier: FloatInput = 1.0,
) -> FloatOutput:
    r"""Compute emitted mass from engine output, zero-hour factor and deterioration.

    Parameters
    ----------
    energy_hp_hr : float, list, ndarray or Series
        Engine output [hp-hr]; >= 0.
    ef_g_per_hp_hr : float, list, ndarray or Series
        Zero-hour emission factor [g/hp-hr]; >= 0.
    deterioration : float, list, ndarray or Series, default 1.0
        Deterioration factor [-]; >= 0 (see :func:`deterioration_factor`).
    in_use_multiplier : float, list, ndarray or Series, default 1.0
        In-use over certification emissions [-]; >= 0 (e.g. 2.7 for NOx in the 2024
        POLA/POLB in-use study).

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = W \cdot EF_0 \cdot DF \cdot M

    References
    ----------
    EPA (2002) NR-005b and (2010) NR-009d (NONROAD emission equation); Sci. Total
    Environ. 927:172084 (2024) for in-use multipliers.

    Examples
    --------
    >>> emissions_g(156000.0, 8.38)
    1307280.0
    """
    index = common_index(energy_hp_hr, ef_g_per_hp_hr, deterioration, in_use_multiplier)
    energy = float_array(energy_hp_hr, "energy_hp_hr")
    factor = float_array(ef_g_per_hp_hr, "ef_g_per_hp_hr")
    df = float_array(deterioration, "deterioration")
    multiplier = float_array(in_use_multiplier, "in_use_multiplier")
    for name, values in (
        ("energy_hp_hr", energy),
        ("ef_g_per_hp_hr", factor),
        ("deterioration", df),
        ("in_use_multiplier", multiplier),
    ):
        check_range(values, name, 0.0)
    return wrap(energy * factor * df * multiplier, index, "mass_g")


# --------------------------------------------------------------------------------------
# Fleet tables
# --------------------------------------------------------------------------------------
def fill_defaults(fleet: pd.DataFrame) -> pd.DataFrame:
    r"""Fill missing rated power, hours, load factor and median life from type defaults.

    Parameters
    ----------
    fleet : pandas.DataFrame
        One row per equipment group with column ``equipment_type`` and, optionally,
        ``rated_hp`` [hp] (> 0), ``annual_hours`` [h/year] (0-8,784), ``load_factor``
        [-] (0-1) and ``median_life_h`` [h] (> 0); missing cells (NaN/None) or missing
        columns are filled. An optional ``source_row`` column is quoted in errors.

    Returns
    -------
    pandas.DataFrame
        A copy of ``fleet`` (same index and columns; the four columns added at the end
        where absent) with the four columns complete (float) and a last column
        ``filled``: the comma-separated names of the filled fields of each row, ``""``
        if none.

    Raises
    ------
    ValueError
        Naming the row (0-based position and ``source_row``), the column and what was
        expected, for an unknown or missing equipment type, a non-numeric value or a
        value out of range.

    Notes
    -----
    :math:`x_i = x_i` if given, else :math:`x(\text{equipment type}_i)` from
    ``che_types`` (see :func:`default_characteristics`).

    References
    ----------
    EPA (2002) NR-005b (median lives); San Pedro Bay CHE inventory practice for
    power, hours and load factors (see ``docs/methodology/cargo-handling.md``).

    Examples
    --------
    >>> fleet = pd.DataFrame({"equipment_type": ["yard_tractor", "forklift"],
    ...                       "rated_hp": [230.0, None]})
    >>> fill_defaults(fleet)[["rated_hp", "annual_hours", "filled"]]
       rated_hp  annual_hours                                           filled
    0     230.0        2000.0              annual_hours,load_factor,median_life_h
    1     175.0        1000.0  rated_hp,annual_hours,load_factor,median_life_h
    """
    types = frame_codes(fleet, "equipment_type", EQUIPMENT_TYPES, what="fleet")
    result = fleet.copy()
    defaults = default_characteristics(types)
    bounds = {
        "rated_hp": (0.0, np.inf, False),
        "annual_hours": (0.0, _MAX_HOURS_PER_YEAR, True),
        "load_factor": (0.0, 1.0, True),
        "median_life_h": (0.0, np.inf, False),
    }
    filled = np.full(len(fleet), "", dtype="<U64")
    for name in DEFAULT_FIELDS:  # four named fields, not rows
        low, high, low_inclusive = bounds[name]
        given = frame_numbers(
            fleet,
            name,
            what="fleet",
            minimum=low,
            maximum=high,
            minimum_inclusive=low_inclusive,
        )
        missing = np.isnan(given)
        result[name] = np.where(missing, defaults[name].to_numpy(dtype=float), given)
        filled = np.char.add(filled, np.where(missing, name + ",", ""))
    result["filled"] = pd.array(np.char.rstrip(filled, ","), dtype="str")
    return result


def fleet_emissions(
    fleet: pd.DataFrame,
    *,
    year: int,
    gwp_set: str = "ar5_100",
    load_factor_scale: float = 1.0,
    in_use_nox_multiplier: float = 1.0,
    in_use_pm_multiplier: float = 1.0,
    fuel_sulfur_ppm: float = 15.0,
) -> pd.DataFrame:
    r"""Annual emissions of a CHE fleet: one row per input row and pollutant.

    Parameters
    ----------
    fleet : pandas.DataFrame
        One row per group of identical equipment, with columns ``equipment_type``,
        ``fuel``, ``tier``, ``count`` (>= 0, may be fractional) and, optionally,
        ``model_year`` (integer, <= ``year``; missing: no deterioration), ``rated_hp``
        [hp], ``annual_hours`` [h/year], ``load_factor`` [-] and ``median_life_h`` [h]
        (missing: equipment-type defaults, see :func:`fill_defaults`), ``source_row``
        (quoted in error messages).
    year : int
        Inventory year [year]; ages are ``year - model_year``.
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set for ``co2e``.
    load_factor_scale : float, default 1.0
        Multiplier on every load factor [-], > 0 (0.5 reproduces the in-use finding
        that load factors are about half of CARB's inventory values). Scaled load
        factors must stay <= 1.
    in_use_nox_multiplier : float, default 1.0
        Multiplier on NOx [-], >= 0 (2.7 in the 2024 POLA/POLB in-use study).
    in_use_pm_multiplier : float, default 1.0
        Multiplier on PM10, PM2.5 and DPM [-], >= 0 (2.2 in the same study).
    fuel_sulfur_ppm : float, default 15.0
        Sulfur of the diesel burned [ppm by mass] (ultra-low-sulfur diesel).

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (0-based position of the input row), ``equipment_type``,
        ``fuel``, ``pollutant`` (all eleven of ``factors.POLLUTANTS``, in that order,
        for every input row), ``energy_kwh`` (shaft energy of the row, the same on each
        of its pollutant rows) and ``mass_g`` (>= 0, no NaN). Electric rows have
        energy and zero mass.

    Raises
    ------
    ValueError
        For missing required columns, or naming the row (0-based position and
        ``source_row``), the column and what was expected for an unknown or missing
        code, a fuel/tier pair without factors, electric equipment not of tier ``ze``
        (or ``ze`` on a fuel), a missing or negative count, a non-integer or future
        model year, or an out-of-range number; for out-of-range options.

    Notes
    -----
    For row *i* and pollutant *p*

    .. math::

        E_{i,p} = N_i\,P_i\,LF_i s\,t_i \cdot EF_{p,0}(fuel_i, tier_i)
        \cdot DF_p(age_i) \cdot M_p,\qquad
        energy\_kwh_i = N_i\,P_i\,LF_i s\,t_i \cdot 0.7457,

    with :math:`s` = ``load_factor_scale``, :math:`age_i = year - model\_year_i`,
    the factors of :func:`emission_factors_g_per_hp_hr` and the deterioration of
    :func:`deterioration_factor` (PM2.5 and DPM as PM10, CH4 as HC; SOx, CO2 and N2O
    none), :math:`M` the in-use multipliers (NOx; PM10, PM2.5, DPM), and
    :math:`CO_2e = CO_2 + GWP_{CH_4} CH_4 + GWP_{N_2O} N_2O` from the masses.

    References
    ----------
    EPA (2010) NR-009d; EPA (2002) NR-005b; EPA Ports Emissions Inventory Guidance
    (2022), CHE chapter; Sci. Total Environ. 927:172084 (2024) (in-use multipliers).

    Examples
    --------
    >>> fleet = pd.DataFrame({"equipment_type": ["yard_tractor", "yard_tractor"],
    ...                       "fuel": ["diesel", "electric"], "tier": ["tier0", "ze"],
    ...                       "model_year": [2023, 2020], "count": [1, 1]})
    >>> out = fleet_emissions(fleet, year=2023)
    >>> out.loc[out["pollutant"] == "nox", ["row", "fuel", "energy_kwh", "mass_g"]]
        row      fuel     energy_kwh     mass_g
    0     0    diesel  116329.180032  1307280.0
    11    1  electric  116329.180032        0.0
    """
    _check_options(
        year, load_factor_scale, in_use_nox_multiplier, in_use_pm_multiplier, fuel_sulfur_ppm
    )
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    require_frame_columns(
        fleet,
        ["equipment_type", "fuel", "tier", "count"],
        "fleet",
        optional=[*DEFAULT_FIELDS, "model_year", "source_row"],
    )
    frame = fill_defaults(fleet)
    fuels = frame_codes(fleet, "fuel", FUELS, what="fleet")
    tiers = frame_codes(fleet, "tier", TIERS, what="fleet")
    check_frame_zero_emission(fleet, fuels, tiers, what="fleet")
    check_frame_pairs(
        fleet,
        ("fuel", "tier"),
        fuels,
        tiers,
        factors.load_table("che_ef"),
        what="fleet",
        table_what="factors",
    )
    count = frame_numbers(fleet, "count", what="fleet", required=True)
    model_year = frame_numbers(
        fleet,
        "model_year",
        what="fleet",
        minimum=1900.0,
        maximum=float(year),
        expected=f"a model year from 1900 to the inventory year {year}",
    )
    fractional = ~np.isnan(model_year) & (np.mod(model_year, 1.0) != 0.0)
    if fractional.any():
        raise frame_row_error(fleet, fractional, "model_year", "an integer year", what="fleet")

    load = frame["load_factor"].to_numpy(dtype=float) * load_factor_scale
    if (load > 1.0).any():
        raise frame_row_error(
            fleet,
            load > 1.0,
            "load_factor",
            f"load_factor x load_factor_scale ({load_factor_scale}) <= 1",
            what="fleet",
            values=frame["load_factor"],
        )
    hours = frame["annual_hours"].to_numpy(dtype=float)
    life = frame["median_life_h"].to_numpy(dtype=float)
    per_unit = np.asarray(energy_hp_hr(frame["rated_hp"].to_numpy(dtype=float), load, hours))
    energy = count * per_unit
    age = year - model_year

    ef = emission_factors_g_per_hp_hr(
        fuels, tiers, fuel_sulfur_ppm=fuel_sulfur_ppm, gwp_set=gwp_set
    )
    multiplier = {"nox": in_use_nox_multiplier} | dict.fromkeys(
        _PM_POLLUTANTS, in_use_pm_multiplier
    )
    masses = {}
    for pollutant in factors.POLLUTANTS[:-1]:  # ten pollutant columns, not rows
        df = deterioration_factor(pollutant, tiers, age, hours, load, life, fuel=fuels)
        masses[pollutant] = np.asarray(
            emissions_g(energy, ef[pollutant].to_numpy(), df, multiplier.get(pollutant, 1.0)),
            dtype=float,
        )
    masses["co2e"] = (
        masses["co2"] + float(gwp["ch4"]) * masses["ch4"] + float(gwp["n2o"]) * masses["n2o"]
    )
    mass = np.column_stack([masses[p] for p in factors.POLLUTANTS])
    return _long_table(fleet, fuels, energy * KW_PER_HP, mass)


# --------------------------------------------------------------------------------------
# Internals: option checks and the long table
# --------------------------------------------------------------------------------------
def _long_table(
    fleet: pd.DataFrame,
    fuels: npt.NDArray[np.object_],
    energy_kwh: npt.NDArray[np.float64],
    mass: npt.NDArray[np.float64],
) -> pd.DataFrame:
    n_rows = len(fleet)
    n_pollutants = len(factors.POLLUTANTS)
    types = code_array(fleet["equipment_type"]) if n_rows else np.array([], dtype=object)
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(n_rows, dtype=np.int64), n_pollutants),
            "equipment_type": pd.array(np.repeat(types, n_pollutants), dtype="str"),
            "fuel": pd.array(np.repeat(fuels, n_pollutants), dtype="str"),
            "pollutant": pd.array(np.tile(factors.POLLUTANTS, n_rows), dtype="str"),
            "energy_kwh": np.repeat(energy_kwh, n_pollutants).astype(float),
            "mass_g": mass.reshape(-1).astype(float),
        },
        columns=list(FLEET_EMISSIONS_COLUMNS),
    )


def _check_options(
    year: int,
    load_factor_scale: float,
    in_use_nox_multiplier: float,
    in_use_pm_multiplier: float,
    fuel_sulfur_ppm: float,
) -> None:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be an integer calendar year, got {year!r}")
    check_range(np.asarray(float(year)), "year", 1900.0, 2200.0)
    check_range(
        np.asarray(load_factor_scale, dtype=float), "load_factor_scale", 0.0, low_inclusive=False
    )
    for name, value in (
        ("in_use_nox_multiplier", in_use_nox_multiplier),
        ("in_use_pm_multiplier", in_use_pm_multiplier),
    ):
        check_range(np.asarray(value, dtype=float), name, 0.0)
    check_range(np.asarray(fuel_sulfur_ppm, dtype=float), "fuel_sulfur_ppm", 0, _MAX_SULFUR_PPM)


def _check_not_above(
    values: npt.NDArray[np.float64],
    limit: npt.NDArray[np.float64],
    name: str,
    limit_name: str,
) -> None:
    values, limit = np.broadcast_arrays(values, limit)
    bad = values > limit
    if bad.any():
        raise ValueError(
            f"{name} must not exceed {limit_name}; got {values[bad].ravel()[0]!r} > "
            f"{limit[bad].ravel()[0]!r}"
        )
