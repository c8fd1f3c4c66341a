r"""Fuel accounting shared by the source categories: biogenic carbon of renewable diesel.

Renewable diesel (hydrotreated vegetable oil and similar) replaces fossil diesel one for
one in diesel engines. Its combustion CO2 is biogenic: by the convention of greenhouse-gas
inventories it is reported apart from, and not counted in, fossil CO2 and CO2e (IPCC 2006
Guidelines, Vol. 2, ch. 1, §1.2 and ch. 3, §3.2.1.1; the US EPA GHG Reporting Program,
40 CFR 98.3(c)(4)(ii)). portcap's ``co2`` and ``co2e`` are fossil. The other pollutants
are left unchanged here (published renewable-diesel NOx and PM effects vary with engine
and blend; not modelled).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"row": [0, 0, 0], "pollutant": ["nox", "co2", "co2e"],
...                       "mass_g": [10.0, 1000.0, 1012.0]})
>>> exclude_biogenic_co2(table, 0.25)["mass_g"].tolist()
[10.0, 750.0, 762.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["exclude_biogenic_co2", "fossil_co2_share", "so2_from_fuel_g"]


def fossil_co2_share(renewable_share: float) -> float:
    r"""Share of combustion CO2 that is fossil when a share of the diesel is renewable.

    Parameters
    ----------
    renewable_share : float
        Renewable diesel as a share of the diesel burned (energy basis) [0-1].

    Returns
    -------
    float
        :math:`1 - s`.

    Notes
    -----
    Renewable and fossil diesel have nearly the same carbon per unit of energy, so the
    fossil share of CO2 is the fossil share of the fuel's energy.

    References
    ----------
    IPCC (2006) Guidelines for National Greenhouse Gas Inventories, Vol. 2, ch. 1, §1.2.

    Examples
    --------
    >>> fossil_co2_share(0.5)
    0.5
    """
    share = float(renewable_share)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"renewable_share must be in [0, 1]; got {renewable_share!r}")
    return 1.0 - share


def exclude_biogenic_co2(
    emissions: pd.DataFrame, renewable_share: float, *, mass_column: str = "mass_g"
) -> pd.DataFrame:
    r"""Remove the biogenic CO2 of renewable diesel from ``co2`` and ``co2e`` rows.

    Parameters
    ----------
    emissions : DataFrame
        A long table from a source module's ``fleet_emissions``: one row per input row
        (and part) and pollutant, with a ``pollutant`` column and ``mass_column``. Rows
        that differ only in ``pollutant`` and ``mass_column`` belong together.
    renewable_share : float
        Renewable diesel as a share of the diesel burned [0-1].
    mass_column : str, default 'mass_g'
        The mass column.

    Returns
    -------
    DataFrame
        A copy with :math:`CO_2 \leftarrow (1-s)\,CO_2` and
        :math:`CO_2e \leftarrow CO_2e - s\,CO_2`; other pollutants unchanged.

    References
    ----------
    IPCC (2006) Guidelines, Vol. 2, ch. 1, §1.2; 40 CFR 98.3(c)(4)(ii).
    """
    keep = fossil_co2_share(renewable_share)
    out = emissions.copy()
    if keep == 1.0 or out.empty:
        return out
    keys = [c for c in out.columns if c not in ("pollutant", mass_column)]
    co2 = out[out["pollutant"] == "co2"].set_index(keys)[mass_column]
    is_co2e = (out["pollutant"] == "co2e").to_numpy()
    co2e_keys = pd.MultiIndex.from_frame(out.loc[is_co2e, keys]) if len(keys) > 1 else None
    matched = (
        co2.reindex(co2e_keys).to_numpy(dtype=float)
        if co2e_keys is not None
        else co2.reindex(out.loc[is_co2e, keys[0]]).to_numpy(dtype=float)
    )
    mass = out[mass_column].to_numpy(dtype=float).copy()
    mass[is_co2e] -= (1.0 - keep) * np.nan_to_num(matched)
    mass[(out["pollutant"] == "co2").to_numpy()] *= keep
    out[mass_column] = mass
    return out


def so2_from_fuel_g(
    fuel_g: np.ndarray | float,
    sulfur_ppm_mass: np.ndarray | float,
    *,
    sulfur_to_so2_fraction: float = 0.97753,
    so2_to_sulfur_mass_ratio: float = 2.0,
) -> np.ndarray:
    r"""SO2 from the fuel burned and its sulfur: the one formula every source uses.

    Parameters
    ----------
    fuel_g : float or ndarray
        Fuel burned [g] (or per unit of activity: g/kWh, g/gal ...).
    sulfur_ppm_mass : float or ndarray
        Fuel sulfur [ppm m/m] (1 % m/m = 10,000 ppm).
    sulfur_to_so2_fraction : float, default 0.97753
        Share of the sulfur emitted as SO2 (the rest, 2.247 %, as sulfate PM: EPA ShipEF
        ``calcEF_SO2.r``, EPA NONROAD ``soxcnv``); 1 where all sulfur is counted as SO2.
    so2_to_sulfur_mass_ratio : float, default 2.0
        Molar-mass ratio SO2/S (2 as EPA rounds it; 64.058/32.06 exactly).

    Returns
    -------
    ndarray
        SO2 in the unit of ``fuel_g``.

    Notes
    -----
    .. math:: SO_2 = m_{fuel} \cdot S_{ppm} \cdot 10^{-6} \cdot f_{SO_2} \cdot r_{SO_2/S}

    References
    ----------
    EPA Ports Emissions Inventory Guidance (2022) §3.5.7; EPA (2010) NR-009d §9.

    Examples
    --------
    >>> float(so2_from_fuel_g(185.0, 1000.0).round(4))   # MGO 0.1 % S, 185 g/kWh
    0.3617
    """
    return (
        np.asarray(fuel_g, dtype=float)
        * np.asarray(sulfur_ppm_mass, dtype=float)
        * 1e-6
        * sulfur_to_so2_fraction
        * so2_to_sulfur_mass_ratio
    )
