r"""Commercial harbor craft (marine Category 1 and 2 engines): energy and emissions.

Harbor craft are the non-ocean-going, non-recreational vessels that work in and around a
port: assist and ocean tugs, ferries, excursion boats, crew and supply boats, work boats,
pilot boats, commercial and passenger fishing vessels, government vessels and others (CARB
definition). Their engines are EPA marine Category 1 (< 7 L/cyl) and Category 2
(7-30 L/cyl) diesels, or electric drives.

For one fleet row (``count`` craft of one type, one engine role) the annual emissions are

.. math::

    E_p\,[\mathrm{g}] = N \cdot n_{eng} \cdot P_{rated}\,[\mathrm{kW}] \cdot LF
    \cdot t\,[\mathrm{h}] \cdot EF_p(tier)\,[\mathrm{g/kWh}] \cdot DF,

the method of the CARB commercial harbor craft inventory (vessels x engines x power x
hours x load x emission factor x deterioration) and of EPA's port guidance (chapter 4).
Battery-electric engines (``fuel = 'electric'``, ``tier = 'ze'``) deliver energy but emit
nothing on board.

Every formula function is pure and vectorised: it accepts a scalar, a list, a NumPy array
or a pandas Series (keeping the Series index). Factor tables are read only through
:mod:`portcap.factors` (``harbor_craft_types``, ``harbor_craft_ef``,
``harbor_craft_tier_years``, ``harbor_craft_fuel_parameters``); their provenance is in
``portcap/data/factors/SOURCES.md`` and ``docs/methodology/harbor-craft.md``.

Vocabularies: :data:`CRAFT_TYPES`, :data:`ENGINES`, :data:`FUELS`, :data:`TIERS`;
pollutants are those of :data:`portcap.factors.POLLUTANTS`.

References
----------
.. [1] U.S. EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011, chapter 4
   (harbor craft). https://nepis.epa.gov/Exe/ZyPURL.cgi?Dockey=P1014J1S.txt
.. [2] California Air Resources Board (2007). Commercial harbor craft emissions inventory
   methodology, Appendix A flow chart (third-party copy):
   https://vdocuments.net/appendix-a-california-air-resources-board-commercial-harbor-craft-are-vessels.html
.. [3] 40 CFR Part 1042 (marine compression-ignition engines), sections 1042.1 and
   1042.101; U.S. EPA Emission Standards Reference Guide, Federal Marine CI Engines,
   http://www.epa.gov/otaq/standards/nonroad/marineci.htm
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from portcap import factors
from portcap.sources._arrays import (
    MISSING_CODE,
    CodeInput,
    FloatInput,
    FloatOutput,
    check_codes,
    check_frame_zero_emission,
    check_range,
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
    "CRAFT_TYPES",
    "DEFAULT_FUEL_SULFUR_PPM",
    "ENGINES",
    "FILLABLE_COLUMNS",
    "FUELS",
    "TIERS",
    "assist_tug_hours",
    "emission_factor_g_per_kwh",
    "emission_factor_table",
    "emissions_g",
    "energy_kwh",
    "fill_defaults",
    "fleet_emissions",
    "sox_ef_g_per_kwh",
    "tier_from_model_year",
]

CRAFT_TYPES: tuple[str, ...] = factors.HARBOR_CRAFT_TYPES
"""Harbor-craft types (after the CARB vessel types; tugs split into assist and ocean)."""

ENGINES: tuple[str, ...] = factors.HARBOR_CRAFT_ENGINES
"""Engine roles on a harbor craft."""

FUELS: tuple[str, ...] = factors.HARBOR_CRAFT_FUELS
"""Fuels: ``diesel`` (ULSD in California since 2006) and ``electric`` (battery-electric)."""

TIERS: tuple[str, ...] = factors.HARBOR_CRAFT_TIERS
"""EPA marine Category 1/2 tiers (``tier0`` = uncontrolled) and ``ze`` (zero-emission)."""

FILLABLE_COLUMNS: tuple[str, ...] = ("engines_per_craft", "rated_kw", "annual_hours", "load_factor")
"""Fleet columns that :func:`fill_defaults` fills by craft type and engine."""

DEFAULT_FUEL_SULFUR_PPM: float = 15.0
"""Fuel sulfur [ppm m/m]: CARB ULSD, required for harbor craft in the South Coast from
1 January 2006 (13 CCR 2299; 15 ppm limit of CARB diesel)."""

# Zero-emission engines run on electricity; every other tier is a diesel engine.
_FUEL_OF_TIER: Mapping[str, str] = {
    tier: "electric" if tier == "ze" else "diesel" for tier in TIERS
}

# Upper guard on fuel sulfur input [ppm m/m]: 5 % m/m, far above any marine distillate;
# it catches percent / ppm mix-ups, it is not a regulatory value.
_MAX_SULFUR_PPM = 50_000.0
_MAX_HOURS_PER_YEAR = 8784.0  # hours in a leap year
_MIN_MODEL_YEAR, _MAX_MODEL_YEAR = 1900.0, 2100.0


# --------------------------------------------------------------------------------------
# Tiers
# --------------------------------------------------------------------------------------
def tier_from_model_year(model_year: FloatInput, rated_kw: FloatInput) -> FloatOutput:
    r"""EPA marine Category 1/2 tier of a diesel engine from its model year and rated power.

    Parameters
    ----------
    model_year : float, list, ndarray or Series
        Engine model year (year of manufacture, or of the repower engine) [year], in
        [1900, 2100]; NaN if unknown.
    rated_kw : float, list, ndarray or Series
        Rated (maximum) engine power [kW], >= 0; NaN if unknown.

    Returns
    -------
    str, ndarray or Series
        Tier code ``tier0`` ... ``tier4``; None where the year or the power is unknown.
        Zero-emission (``ze``) is never inferred: set it for electric engines.

    Raises
    ------
    ValueError
        For a model year outside [1900, 2100] or a negative power.

    Notes
    -----
    The tier is the highest tier whose first model year has been reached in the engine's
    power band (breakpoint table ``harbor_craft_tier_years``):

    .. math::

        tier(y, P) = \max\{\,k : y \ge y_k(P)\,\}

    ==============  =======  =======  =======  =======
    band [kW]       Tier 1   Tier 2   Tier 3   Tier 4
    ==============  =======  =======  =======  =======
    < 75            --       2005     2009     --
    75 - 600        --       2004     2014     --
    600 - 1,400     2004     2007     2012     2017
    1,400 - 2,000   2004     2007     2012     2016
    2,000 - 3,700   2004     2007     2013     2014
    >= 3,700        2004     2007     --       2014
    ==============  =======  =======  =======  =======

    Earlier model years are Tier 0. The regulation sets the years by displacement per
    cylinder and power; portcap assigns each power band the displacement class typical of
    harbor-craft engines of that power (an assumption, see the methodology page). An
    engine rebuilt to a remanufacture kit or repowered takes the tier of its certification,
    which the user should give directly.

    References
    ----------
    40 CFR 1042.1(a) (first model years of the Tier 3/4 program by power and displacement)
    and 1042.101 (Tier 4 table); U.S. EPA, Emission Standards Reference Guide, Federal
    Marine CI Engines (Tier 1 from 2004 for engines >= 2.5 L/cyl; Tier 2 2004-2007).

    Examples
    --------
    >>> tier_from_model_year([1995, 2005, 2010, 2015, 2020], 1800.0)
    array(['tier0', 'tier1', 'tier2', 'tier3', 'tier4'], dtype=object)
    >>> tier_from_model_year(2020, 400.0)
    'tier3'
    """
    index = common_index(model_year, rated_kw)
    year = float_array(model_year, "model_year")
    power = float_array(rated_kw, "rated_kw")
    year, power = np.broadcast_arrays(year, power)
    check_range(year, "model_year", _MIN_MODEL_YEAR, _MAX_MODEL_YEAR)
    check_range(power, "rated_kw", 0.0)
    table = factors.load_table("harbor_craft_tier_years")
    rank = pd.Categorical(table["tier"], categories=TIERS).codes.astype(int)
    low = table["min_rated_kw"].to_numpy(dtype=float)
    high = table["max_rated_kw"].to_numpy(dtype=float)
    first_year = table["first_model_year"].to_numpy(dtype=float)
    in_force = (
        (power[..., np.newaxis] >= low)
        & (power[..., np.newaxis] < high)
        & (year[..., np.newaxis] >= first_year)
    )
    best = np.where(in_force, rank, -1).max(axis=-1, initial=-1)
    codes = np.asarray(TIERS, dtype=object)[np.clip(best, 0, None)]
    unknown = np.isnan(year) | np.isnan(power) | (best < 0)
    return wrap(np.where(unknown, MISSING_CODE, codes), index, "tier")


# --------------------------------------------------------------------------------------
# Emission factors
# --------------------------------------------------------------------------------------
def sox_ef_g_per_kwh(
    fuel_sulfur_ppm: FloatInput,
    bsfc_g_per_kwh: FloatInput,
    *,
    sulfur_to_so2_fraction: float | None = None,
    so2_to_sulfur_mass_ratio: float | None = None,
) -> FloatOutput:
    r"""SO2 emission factor of a diesel engine from fuel sulfur and fuel consumption.

    Parameters
    ----------
    fuel_sulfur_ppm : float, list, ndarray or Series
        Fuel sulfur content [ppm m/m], in [0, 50000]; 15 for ULSD.
    bsfc_g_per_kwh : float, list, ndarray or Series
        Brake-specific fuel consumption [g/kWh], >= 0 (0 for electric drive).
    sulfur_to_so2_fraction : float, optional
        Share of fuel sulfur emitted as SO2 [-]; default from ``parameters.csv``
        (0.97753, EPA ShipEF; the rest forms sulfate PM).
    so2_to_sulfur_mass_ratio : float, optional
        Molar-mass ratio SO2/S [-]; default from ``parameters.csv`` (2, EPA ShipEF).

    Returns
    -------
    float, ndarray or Series
        SO2 emission factor [g/kWh] (reported as ``sox``).

    Notes
    -----
    .. math:: EF_{SO_2} = BSFC \cdot r_{SO_2/S} \cdot f_{SO_2} \cdot S_{ppm} \cdot 10^{-6}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), §3.5.7 (SO2 from fuel sulfur and
    BSFC; EPA ShipEF ``calcEF_SO2.r``), applied to distillate with the sulfur in ppm.

    Examples
    --------
    >>> round(sox_ef_g_per_kwh(15.0, 217.0), 6)
    0.006364
    """
    index = common_index(fuel_sulfur_ppm, bsfc_g_per_kwh)
    sulfur = float_array(fuel_sulfur_ppm, "fuel_sulfur_ppm")
    bsfc = float_array(bsfc_g_per_kwh, "bsfc_g_per_kwh")
    check_range(sulfur, "fuel_sulfur_ppm", 0.0, _MAX_SULFUR_PPM)
    check_range(bsfc, "bsfc_g_per_kwh", 0.0)
    fraction = (
        factors.parameter_value("sulfur_to_so2_fraction")
        if sulfur_to_so2_fraction is None
        else sulfur_to_so2_fraction
    )
    ratio = (
        factors.parameter_value("so2_to_sulfur_mass_ratio")
        if so2_to_sulfur_mass_ratio is None
        else so2_to_sulfur_mass_ratio
    )
    check_range(np.asarray(fraction, dtype=float), "sulfur_to_so2_fraction", 0.0, 1.0)
    check_range(np.asarray(ratio, dtype=float), "so2_to_sulfur_mass_ratio", 0.0)
    so2 = so2_from_fuel_g(
        bsfc, sulfur, sulfur_to_so2_fraction=fraction, so2_to_sulfur_mass_ratio=ratio
    )
    return wrap(so2, index, "sox_ef_g_per_kwh")


def emission_factor_table(
    *, gwp_set: str = "ar5_100", fuel_sulfur_ppm: float = DEFAULT_FUEL_SULFUR_PPM
) -> pd.DataFrame:
    r"""Emission factors of every pollutant for every harbor-craft tier.

    Parameters
    ----------
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        Global-warming-potential set for ``co2e``.
    fuel_sulfur_ppm : float, default 15.0
        Diesel sulfur content [ppm m/m], in [0, 50000] (CARB ULSD = 15).

    Returns
    -------
    pandas.DataFrame
        Index ``tier`` (:data:`TIERS`), columns :data:`portcap.factors.POLLUTANTS`
        [g/kWh]. The ``ze`` row is all zero.

    Raises
    ------
    ValueError
        For an unknown GWP set, an out-of-range sulfur content, or a tier/pollutant
        combination missing from the packaged table.

    Notes
    -----
    NOx, HC, CO, PM10, CH4 and N2O come from ``harbor_craft_ef`` by tier; the others are
    derived with the fuel parameters of ``harbor_craft_fuel_parameters`` (``ze`` tiers use
    the ``electric`` fuel, all others ``diesel``):

    .. math::

        EF_{PM_{2.5}} = r_{2.5}\,EF_{PM_{10}},\quad EF_{DPM} = r_{DPM}\,EF_{PM_{10}},\quad
        EF_{CO_2} = BSFC\,C_f,\quad
        EF_{SO_x} = BSFC \cdot 2 \cdot 0.97753 \cdot S_{ppm}\,10^{-6},

        EF_{CO_2e} = EF_{CO_2} + GWP_{CH_4} EF_{CH_4} + GWP_{N_2O} EF_{N_2O},

    with :math:`BSFC` = 217 g/kWh, :math:`C_f` = 3.206 g/g, :math:`r_{2.5}` = 0.97 and
    :math:`r_{DPM}` = 1 for diesel.

    References
    ----------
    Tier factors: see ``harbor_craft_ef.csv`` (assumptions anchored on 40 CFR 1042.101,
    the EPA marine CI standards reference guide and EPA 2022 Table 3.5). BSFC: EPA Ports
    Emissions Inventory Guidance (2022), Table 3.6 (auxiliary engines, distillate).
    Carbon factor: EPA ShipEF ``CO2ConversionFactor``. GWPs: IPCC AR5 Table 8.7, AR6
    Table 7.15.

    Examples
    --------
    >>> table = emission_factor_table()
    >>> table.loc[["tier2", "ze"], ["nox", "pm10", "pm25", "sox", "co2"]].round(4)
           nox  pm10    pm25     sox      co2
    tier
    tier2  7.0  0.25  0.2425  0.0064  695.702
    ze     0.0  0.00  0.0000  0.0000    0.000
    """
    gwp = factors.gwp_table(gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    check_range(np.asarray(fuel_sulfur_ppm, dtype=float), "fuel_sulfur_ppm", 0.0, _MAX_SULFUR_PPM)
    table_pollutants = ["nox", "hc", "co", "pm10", "ch4", "n2o"]
    base = (
        factors.load_table("harbor_craft_ef")
        .pivot(index="tier", columns="pollutant", values="ef_g_per_kwh")
        .reindex(index=list(TIERS), columns=table_pollutants)
    )
    fuel_names = [_FUEL_OF_TIER[tier] for tier in TIERS]
    fuel = (
        factors.load_table("harbor_craft_fuel_parameters")
        .pivot(index="fuel", columns="parameter", values="value")
        .reindex(index=fuel_names)
    )
    fuel.index = pd.Index(TIERS)
    for what, frame in (("emission factor", base), ("fuel parameter", fuel)):
        gaps = np.argwhere(frame.isna().to_numpy())
        if len(gaps):
            tier_position, column_position = gaps[0]
            raise ValueError(
                f"harbor-craft {what} table has no value for tier "
                f"{TIERS[tier_position]!r}, {frame.columns[column_position]!r}"
            )
    bsfc = fuel["bsfc_g_per_kwh"]
    co2 = bsfc * fuel["co2_g_per_g_fuel"]
    result = pd.DataFrame(
        {
            **{p: base[p] for p in ("nox", "hc", "co", "pm10")},
            "pm25": fuel["pm25_to_pm10_ratio"] * base["pm10"],
            "dpm": fuel["dpm_to_pm10_ratio"] * base["pm10"],
            "sox": sox_ef_g_per_kwh(fuel_sulfur_ppm, bsfc),
            "co2": co2,
            "ch4": base["ch4"],
            "n2o": base["n2o"],
            "co2e": co2 + float(gwp["ch4"]) * base["ch4"] + float(gwp["n2o"]) * base["n2o"],
        },
        index=pd.Index(TIERS, name="tier"),
    )
    return result[list(factors.POLLUTANTS)]


def emission_factor_g_per_kwh(
    pollutant: CodeInput,
    tier: CodeInput,
    *,
    gwp_set: str = "ar5_100",
    fuel_sulfur_ppm: float = DEFAULT_FUEL_SULFUR_PPM,
) -> FloatOutput:
    r"""Emission factor of a harbor-craft engine by pollutant and tier.

    Parameters
    ----------
    pollutant : str, list, ndarray or Series
        Pollutant code(s) of :data:`portcap.factors.POLLUTANTS`.
    tier : str, list, ndarray or Series
        Tier code(s) of :data:`TIERS`; None gives NaN.
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        GWP set for ``co2e``.
    fuel_sulfur_ppm : float, default 15.0
        Diesel sulfur content [ppm m/m] for ``sox``.

    Returns
    -------
    float, ndarray or Series
        Emission factor [g/kWh]; 0 for ``ze``.

    Raises
    ------
    ValueError
        For an unknown pollutant or tier code (the message lists the valid names).

    Notes
    -----
    Look-up in :func:`emission_factor_table`; the inputs broadcast against each other.

    References
    ----------
    See :func:`emission_factor_table`.

    Examples
    --------
    >>> emission_factor_g_per_kwh("nox", ["tier0", "tier2", "tier4", "ze"])
    array([12. ,  7. ,  1.8,  0. ])
    >>> round(emission_factor_g_per_kwh("co2e", "tier3", gwp_set="ar6_100"), 3)
    703.857
    """
    index = common_index(pollutant, tier)
    pollutants = code_array(pollutant)
    tiers = code_array(tier)
    pollutants, tiers = np.broadcast_arrays(pollutants, tiers)
    require_codes(pollutants, factors.POLLUTANTS, "pollutant")
    check_codes(tiers, TIERS, "tier")
    table = emission_factor_table(gwp_set=gwp_set, fuel_sulfur_ppm=fuel_sulfur_ppm)
    row = pd.Index(TIERS).get_indexer(pd.Index(tiers.ravel())).reshape(tiers.shape)
    column = (
        pd.Index(factors.POLLUTANTS).get_indexer(pd.Index(pollutants.ravel())).reshape(tiers.shape)
    )
    values = table.to_numpy(dtype=float)[np.clip(row, 0, None), column]
    return wrap(np.where(row < 0, np.nan, values), index, "ef_g_per_kwh")


# --------------------------------------------------------------------------------------
# Activity, energy and emissions
# --------------------------------------------------------------------------------------
def energy_kwh(rated_kw: FloatInput, load_factor: FloatInput, hours: FloatInput) -> FloatOutput:
    r"""Energy delivered by one engine from rated power, load factor and operating hours.

    Parameters
    ----------
    rated_kw : float, list, ndarray or Series
        Rated engine power [kW], >= 0.
    load_factor : float, list, ndarray or Series
        Average load as a fraction of rated power [-], in [0, 1].
    hours : float, list, ndarray or Series
        Operating hours [h], >= 0.

    Returns
    -------
    float, ndarray or Series
        Energy [kWh].

    Notes
    -----
    .. math:: E = P_{rated} \cdot LF \cdot t

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 4 (harbor craft: power x load
    factor x hours); CARB commercial harbor craft inventory method (hp x load x hours).

    Examples
    --------
    >>> energy_kwh(2240.0, 0.40, 2250.0)
    2016000.0
    >>> energy_kwh(pd.Series([100.0, 50.0], index=["a", "b"]), 0.43, 1000.0)
    a    43000.0
    b    21500.0
    Name: energy_kwh, dtype: float64
    """
    index = common_index(rated_kw, load_factor, hours)
    power = float_array(rated_kw, "rated_kw")
    load = float_array(load_factor, "load_factor")
    duration = float_array(hours, "hours")
    check_range(power, "rated_kw", 0.0)
    check_range(load, "load_factor", 0.0, 1.0)
    check_range(duration, "hours", 0.0)
    return wrap(power * load * duration, index, "energy_kwh")


def emissions_g(
    energy_kwh: FloatInput, ef_g_per_kwh: FloatInput, deterioration_factor: FloatInput = 1.0
) -> FloatOutput:
    r"""Compute emitted mass from engine energy, emission factor and deterioration factor.

    Parameters
    ----------
    energy_kwh : float, list, ndarray or Series
        Engine energy output [kWh], >= 0.
    ef_g_per_kwh : float, list, ndarray or Series
        Emission factor [g/kWh], >= 0.
    deterioration_factor : float, list, ndarray or Series, default 1.0
        Multiplier for in-use deterioration [-], >= 0 (1 = none).

    Returns
    -------
    float, ndarray or Series
        Emitted mass [g].

    Notes
    -----
    .. math:: m = E \cdot EF \cdot DF

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 4; CARB commercial harbor
    craft inventory method (emission factors and deterioration rates).

    Examples
    --------
    >>> emissions_g(2016000.0, 7.0)
    14112000.0
    """
    index = common_index(energy_kwh, ef_g_per_kwh, deterioration_factor)
    energy = float_array(energy_kwh, "energy_kwh")
    factor = float_array(ef_g_per_kwh, "ef_g_per_kwh")
    deterioration = float_array(deterioration_factor, "deterioration_factor")
    for name, values in (
        ("energy_kwh", energy),
        ("ef_g_per_kwh", factor),
        ("deterioration_factor", deterioration),
    ):
        check_range(values, name, 0.0)
    return wrap(energy * factor * deterioration, index, "mass_g")


def assist_tug_hours(
    calls: FloatInput,
    tugs_per_call: FloatInput = 2.0,
    hours_per_assist: FloatInput = 1.5,
    *,
    assists_per_call: float = 2.0,
) -> FloatOutput:
    r"""Tug-hours of ship assists for a number of vessel calls.

    Used to attribute assist-tug activity (and so emissions) to terminals in proportion
    to their calls.

    Parameters
    ----------
    calls : float, list, ndarray or Series
        Vessel calls (one arrival and one departure each) [-], >= 0.
    tugs_per_call : float, list, ndarray or Series, default 2.0
        Tugs attending each assisted movement [-], >= 0.
    hours_per_assist : float, list, ndarray or Series, default 1.5
        Hours each tug works per assisted movement, including the run to and from the
        ship [h], >= 0.
    assists_per_call : float, default 2.0
        Assisted movements per call [-]: 2 = arrival (to the berth) and departure (from
        the berth); add one for each shift between berths.

    Returns
    -------
    float, ndarray or Series
        Tug-hours [h].

    Notes
    -----
    .. math:: H_{tug} = N_{calls} \cdot a \cdot n_{tug} \cdot t_{assist}

    Convention: a call counts its arrival and its departure as separate assists, each
    with ``tugs_per_call`` tugs for ``hours_per_assist`` hours. The defaults (2 tugs,
    1.5 h, 2 assists) are portcap assumptions: large container ships often take 2-3
    tugs, and an assist lasts about 1-2 h including transit from the tug base.

    References
    ----------
    Assumptions documented in ``docs/methodology/harbor-craft.md``; method after EPA
    Ports Emissions Inventory Guidance (2022), chapter 4 (harbor craft activity).

    Examples
    --------
    >>> assist_tug_hours(100.0)
    600.0
    >>> assist_tug_hours([10, 20], tugs_per_call=3.0, hours_per_assist=1.0)
    array([ 60., 120.])
    """
    index = common_index(calls, tugs_per_call, hours_per_assist)
    call_count = float_array(calls, "calls")
    tugs = float_array(tugs_per_call, "tugs_per_call")
    hours = float_array(hours_per_assist, "hours_per_assist")
    for name, values in (
        ("calls", call_count),
        ("tugs_per_call", tugs),
        ("hours_per_assist", hours),
        ("assists_per_call", np.asarray(assists_per_call, dtype=float)),
    ):
        check_range(values, name, 0.0)
    return wrap(call_count * assists_per_call * tugs * hours, index, "tug_hours")


# --------------------------------------------------------------------------------------
# Fleet tables
# --------------------------------------------------------------------------------------
_FILLABLE_LIMITS: Mapping[str, tuple[float, str | None]] = {
    # column -> (maximum, unit) for the row checks of fleet frames (minimum 0)
    "engines_per_craft": (np.inf, None),
    "rated_kw": (np.inf, "kW"),
    "annual_hours": (_MAX_HOURS_PER_YEAR, "h"),
    "load_factor": (1.0, None),
}


def fill_defaults(fleet: pd.DataFrame) -> pd.DataFrame:
    r"""Fill missing engine characteristics of a harbor-craft fleet by craft type and engine.

    Parameters
    ----------
    fleet : pandas.DataFrame
        One row per group of craft and engine role, with columns ``craft_type``
        (:data:`CRAFT_TYPES`) and ``engine`` (:data:`ENGINES`), and optionally
        ``engines_per_craft`` [-], ``rated_kw`` [kW], ``annual_hours`` [h] and
        ``load_factor`` [-]; missing columns or empty cells are filled.

    Returns
    -------
    pandas.DataFrame
        A copy of ``fleet`` (same index and columns) with the four columns complete, and a
        column ``filled`` listing the filled fields of each row, comma-separated (``""``
        if none).

    Raises
    ------
    ValueError
        For an unknown or missing craft type or engine, a non-numeric or negative value,
        an hours value above 8784 or a load factor above 1; the message names the row
        (0-based position, and ``source_row`` when the frame has that column), the column
        and what was expected.

    Notes
    -----
    Defaults are the ``harbor_craft_types`` table (m:1 join on craft type and engine),
    portcap assumptions inside the ranges given in the methodology page, e.g. an assist
    tug has 2 propulsion engines of 2,240 kW at load factor 0.40 for 2,250 h/yr.

    References
    ----------
    ``harbor_craft_types.csv`` (portcap assumptions; CARB 2007 harbor craft method for
    the structure: engines per vessel, hp, hours and load by vessel type).

    Examples
    --------
    >>> fleet = pd.DataFrame({"craft_type": ["assist_tug", "ferry"],
    ...                       "engine": ["propulsion", "auxiliary"],
    ...                       "engines_per_craft": [2, 2], "rated_kw": [2500.0, None],
    ...                       "load_factor": [0.35, None]})
    >>> filled = fill_defaults(fleet)
    >>> filled[["rated_kw", "annual_hours", "load_factor"]]
       rated_kw  annual_hours  load_factor
    0    2500.0        2250.0         0.35
    1      75.0        2000.0         0.43
    >>> filled["filled"].tolist()
    ['annual_hours', 'rated_kw,annual_hours,load_factor']
    """
    frame = fleet.copy()
    keys = pd.DataFrame(
        {
            "craft_type": frame_codes(fleet, "craft_type", CRAFT_TYPES, what="fleet"),
            "engine": frame_codes(fleet, "engine", ENGINES, what="fleet"),
        },
        index=fleet.index,
    )
    defaults = lookup(
        keys.astype(str),
        factors.load_table("harbor_craft_types")[["craft_type", "engine", *FILLABLE_COLUMNS]],
        ["craft_type", "engine"],
        "harbor-craft defaults",
    )
    missing_by_column = []
    for column in FILLABLE_COLUMNS:
        maximum, unit = _FILLABLE_LIMITS[column]
        values = frame_numbers(fleet, column, what="fleet", maximum=maximum, unit=unit)
        missing = np.isnan(values)
        frame[column] = np.where(missing, defaults[column].to_numpy(dtype=float), values)
        missing_by_column.append(missing)
    # one label per combination of filled columns (2**4 labels), indexed by a bit code
    labels = np.asarray(
        [
            ",".join(c for bit, c in enumerate(FILLABLE_COLUMNS) if code >> bit & 1)
            for code in range(2 ** len(FILLABLE_COLUMNS))
        ],
        dtype=object,
    )
    code = np.zeros(len(fleet), dtype=int)
    for bit, missing in enumerate(missing_by_column):
        code |= missing.astype(int) << bit
    frame["filled"] = labels[code]
    return frame


def fleet_emissions(
    fleet: pd.DataFrame,
    *,
    gwp_set: str = "ar5_100",
    fuel_sulfur_ppm: float = DEFAULT_FUEL_SULFUR_PPM,
) -> pd.DataFrame:
    r"""Annual emissions of a harbor-craft fleet, one row per fleet row and pollutant.

    Parameters
    ----------
    fleet : pandas.DataFrame
        One row per group of identical craft and engine role, with columns
        ``craft_type`` (:data:`CRAFT_TYPES`), ``engine`` (:data:`ENGINES`), ``fuel``
        (:data:`FUELS`), ``tier`` (:data:`TIERS`; ``ze`` exactly for electric rows),
        ``count`` (number of craft) [-]; and ``engines_per_craft`` [-], ``rated_kw``
        [kW], ``annual_hours`` [h], ``load_factor`` [-], each optional or nullable
        (filled by :func:`fill_defaults`). Optional ``deterioration_factor`` [-]
        (empty = 1) and ``source_row`` (quoted in error messages).
    gwp_set : {'ar5_100', 'ar6_100'}, default 'ar5_100'
        GWP set for ``co2e``.
    fuel_sulfur_ppm : float, default 15.0
        Diesel sulfur content [ppm m/m] (CARB ULSD).

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``row`` (0-based position of the fleet row),
        ``craft_type``, ``engine``, ``pollutant`` (all of
        :data:`portcap.factors.POLLUTANTS`, in that order for each row), ``energy_kwh``
        (energy of all engines of the row [kWh]) and ``mass_g`` [g], >= 0.

    Raises
    ------
    ValueError
        For a missing column, an unknown or missing code, a missing ``count``, a
        non-numeric, negative or out-of-range number, or an electric row whose tier is
        not ``ze`` (or a diesel row with tier ``ze``); the message names the row
        (0-based position, and ``source_row`` if present), the column and what was
        expected.

    Notes
    -----
    .. math::

        E_{row} = N \cdot n_{eng} \cdot P_{rated} \cdot LF \cdot t, \qquad
        m_{row,p} = E_{row} \cdot EF_p(tier) \cdot DF

    with :math:`EF_p` from :func:`emission_factor_table`. Zero-emission rows keep their
    energy and have zero mass. Deterioration is not modelled by default (DF = 1): the
    packaged factors are meant as fleet-average in-use values.

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022), chapter 4; CARB commercial harbor
    craft inventory method (Appendix A flow chart).

    Examples
    --------
    >>> fleet = pd.DataFrame({"craft_type": ["assist_tug", "ferry"],
    ...                       "engine": ["propulsion", "propulsion"],
    ...                       "fuel": ["diesel", "electric"], "tier": ["tier2", "ze"],
    ...                       "count": [1, 1], "engines_per_craft": [2, 2],
    ...                       "rated_kw": [2240.0, 1500.0], "annual_hours": [2250, 2000],
    ...                       "load_factor": [0.40, 0.45]})
    >>> result = fleet_emissions(fleet)
    >>> result[result["pollutant"] == "nox"]
        row  craft_type      engine pollutant  energy_kwh      mass_g
    0     0  assist_tug  propulsion       nox   4032000.0  28224000.0
    11    1       ferry  propulsion       nox   2700000.0         0.0
    """
    require_frame_columns(
        fleet,
        ["craft_type", "engine", "fuel", "tier", "count"],
        "fleet",
        optional=[*FILLABLE_COLUMNS, "deterioration_factor", "source_row"],
    )
    fuels = frame_codes(fleet, "fuel", FUELS, what="fleet")
    tiers = frame_codes(fleet, "tier", TIERS, what="fleet")
    check_frame_zero_emission(
        fleet, fuels, tiers, what="fleet", combustion="a diesel tier (tier0-tier4)"
    )
    count = frame_numbers(fleet, "count", what="fleet", required=True)
    deterioration = frame_numbers(fleet, "deterioration_factor", what="fleet")
    deterioration = np.where(np.isnan(deterioration), 1.0, deterioration)
    filled = fill_defaults(fleet)
    energy = count * energy_kwh(
        filled["engines_per_craft"].to_numpy(dtype=float)
        * filled["rated_kw"].to_numpy(dtype=float),
        filled["load_factor"].to_numpy(dtype=float),
        filled["annual_hours"].to_numpy(dtype=float),
    )
    table = emission_factor_table(gwp_set=gwp_set, fuel_sulfur_ppm=fuel_sulfur_ppm)
    factor = lookup(
        pd.DataFrame({"tier": tiers.astype(str)}),
        table.reset_index(),
        ["tier"],
        "harbor-craft emission factor",
    )[list(factors.POLLUTANTS)].to_numpy(dtype=float)
    n_pollutants = len(factors.POLLUTANTS)
    mass = emissions_g(
        np.repeat(energy, n_pollutants),
        factor.ravel(),
        np.repeat(deterioration, n_pollutants),
    )
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(len(fleet), dtype="int64"), n_pollutants),
            "craft_type": np.repeat(code_array(fleet["craft_type"]), n_pollutants),
            "engine": np.repeat(code_array(fleet["engine"]), n_pollutants),
            "pollutant": np.tile(np.asarray(factors.POLLUTANTS, dtype=object), len(fleet)),
            "energy_kwh": np.repeat(energy, n_pollutants),
            "mass_g": np.asarray(mass, dtype=float),
        }
    )
