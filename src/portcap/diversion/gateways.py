"""Alternative gateways for San Pedro Bay cargo: throughput, spare capacity, rail and size.

The gateways are the container ports that cargo turned away at San Pedro Bay (the Ports of
Los Angeles and Long Beach) can use instead: Oakland, the Northwest Seaport Alliance
(Seattle and Tacoma), Vancouver and Prince Rupert, Ensenada, Manzanillo and Lázaro Cárdenas,
Houston, and the East Coast ports Savannah, Charleston, Virginia and New York/New Jersey
(:data:`GATEWAY_CODES`). :func:`gateways` puts together, for each, what the packaged tables
say: annual TEU, spare capacity (demonstrated or stated), rail access and speed, size (its
loaded imports) and whether the US Harbor Maintenance Fee applies.

Spare capacity has two proxies (diversion inputs §1.3): the *demonstrated headroom*, the
peak annual throughput before 2023 minus the 2023 throughput (what the gateway physically
handled, at a congested service level in 2021-22), and the *stated headroom*, a capacity the
operator or authority states minus a recent throughput. No gateway publishes an audited
port-wide capacity.

Examples
--------
>>> from portcap.diversion import gateways
>>> table = gateways().set_index("code")
>>> int(table.loc["USNYC", "spare_capacity_teu"])
1683659
>>> table.loc["MXESE", "spare_capacity_basis"]
'stated'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portcap.diversion.parameters import DiversionParameters
from portcap.diversion.tables import (
    GATEWAY_CODES,
    SAN_PEDRO_BAY_PORTS,
    load_diversion_table,
)

__all__ = [
    "GATEWAY_CODES",
    "REFERENCE_YEAR",
    "SAN_PEDRO_BAY_PORTS",
    "check_gateway_codes",
    "destinations",
    "gateways",
    "origins",
    "ports",
]

REFERENCE_YEAR: int = 2023
"""Year whose throughput the demonstrated headroom is measured from (diversion inputs §1.3)."""


def check_gateway_codes(codes: object) -> tuple[str, ...]:
    """Check gateway codes and return them as a tuple.

    Parameters
    ----------
    codes : str or iterable of str
        Gateway codes of :data:`GATEWAY_CODES`; a single string is one code.

    Returns
    -------
    tuple of str
        The codes, in the order given, without duplicates.

    Raises
    ------
    ValueError
        Naming the first unknown code and listing the valid ones.

    Examples
    --------
    >>> check_gateway_codes(["USOAK", "NWSA"])
    ('USOAK', 'NWSA')
    >>> check_gateway_codes("XXLAX")
    Traceback (most recent call last):
    ...
    ValueError: unknown gateway 'XXLAX'; valid codes are: USOAK, NWSA, CAVAN, CAPRR, MXESE, MXZLO, MXLZC, USHOU, USSAV, USCHS, USORF, USNYC
    """  # noqa: E501
    items = (codes,) if isinstance(codes, str) else tuple(codes)  # type: ignore[arg-type]
    for code in items:
        if code not in GATEWAY_CODES:
            valid = ", ".join(GATEWAY_CODES)
            raise ValueError(f"unknown gateway {code!r}; valid codes are: {valid}")
    return tuple(dict.fromkeys(str(code) for code in items))


def ports() -> pd.DataFrame:
    """All ports of the model: the two San Pedro Bay ports and the gateways, with attributes.

    Returns
    -------
    pandas.DataFrame
        One row per port (``POLA``, ``POLB``, then :data:`GATEWAY_CODES`), columns ``code,
        name, country, role, locode, lon, lat, rail_access`` (bool),
        ``rail_line_haul_speed_mph`` (NaN without rail), ``loaded_import_teu_per_month``,
        ``harbor_maintenance_fee`` (bool).

    Examples
    --------
    >>> table = ports().set_index("code")
    >>> bool(table.loc["MXESE", "rail_access"]), bool(table.loc["CAPRR", "rail_access"])
    (False, True)
    """
    table = load_diversion_table("gateways")
    attributes = load_diversion_table("gateway_attributes").pivot(
        index="code", columns="attribute", values="value"
    )
    table = table.drop(columns=["source_id", "source_locator"]).merge(
        attributes, left_on="code", right_index=True, how="left", validate="1:1"
    )
    table["rail_access"] = table["rail_access"].fillna(0).astype(bool)
    table["harbor_maintenance_fee"] = table["harbor_maintenance_fee"].fillna(0).astype(bool)
    table["rail_line_haul_speed_mph"] = table["rail_line_haul_speed_mph"].where(
        table["rail_access"]
    )
    order = {code: position for position, code in enumerate((*SAN_PEDRO_BAY_PORTS, *GATEWAY_CODES))}
    return table.sort_values("code", key=lambda codes: codes.map(order)).reset_index(drop=True)


def gateways(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    r"""Return the alternative gateways with throughput, spare capacity and landside data.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        Chooses the capacity basis (``capacity_basis``) and the usable share of spare
        capacity (``spare_capacity_share``); defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per gateway in the order of :data:`GATEWAY_CODES`, columns:

        - ``code, name, country, locode, lon, lat`` (port point of the sea routes);
        - ``teu_<year>`` for every year with a published throughput [TEU];
        - ``peak_teu`` (largest throughput before the reference year 2023) and
          ``demonstrated_spare_teu`` = ``peak_teu - teu_2023`` (>= 0; NaN where 2023 or an
          earlier year is missing) [TEU];
        - ``stated_capacity_teu``, ``stated_spare_teu`` = stated capacity minus the
          throughput it is compared with (NaN where no capacity is stated) [TEU];
        - ``spare_capacity_basis`` (``demonstrated`` or ``stated``: the chosen basis, or the
          other where the chosen one is missing), ``spare_capacity_teu`` = the headroom on
          that basis x ``spare_capacity_share`` [TEU/yr], ``capacity_teu`` = current
          throughput (2023, else the stated comparison year) + ``spare_capacity_teu``;
        - ``rail_access``, ``rail_line_haul_speed_mph``, ``loaded_import_teu_per_month``,
          ``harbor_maintenance_fee``.

    Notes
    -----
    .. math:: \text{spare}_g = s \cdot \max(0,\ \max_{y<2023} TEU_{g,y} - TEU_{g,2023})

    on the demonstrated basis, or :math:`s (C_g - TEU_{g,y_c})` on the stated basis, with
    :math:`s` the usable share. Both are proxies; see ``docs/methodology/diversion.md``.

    Examples
    --------
    >>> table = gateways().set_index("code")
    >>> int(table.loc["USOAK", "demonstrated_spare_teu"])  # 2,546,351 (2018) - 2,066,019
    480332
    >>> int(table.loc["USOAK", "stated_spare_teu"])  # 3.0 M ceiling - 2.26 M (2024)
    740000
    """
    parameters = parameters or DiversionParameters()
    table = ports()
    table = table[table["role"] == "gateway"].drop(columns="role").reset_index(drop=True)
    throughput = load_diversion_table("gateway_throughput")
    wide = throughput.pivot(index="code", columns="year", values="teu")
    wide.columns = pd.Index([f"teu_{year}" for year in wide.columns])
    table = table.merge(wide, left_on="code", right_index=True, how="left", validate="1:1")

    before = throughput[throughput["year"] < REFERENCE_YEAR].groupby("code")["teu"].max()
    reference = throughput[throughput["year"] == REFERENCE_YEAR].set_index("code")["teu"]
    table["peak_teu"] = table["code"].map(before)
    current = table["code"].map(reference)
    table["demonstrated_spare_teu"] = np.maximum(table["peak_teu"] - current, 0.0)

    stated = load_diversion_table("gateway_capacity").set_index("code")
    table["stated_capacity_teu"] = table["code"].map(stated["capacity_teu"])
    stated_throughput = table["code"].map(stated["throughput_teu"])
    table["stated_spare_teu"] = np.maximum(table["stated_capacity_teu"] - stated_throughput, 0.0)

    first, second = (
        ("demonstrated", "stated")
        if parameters.capacity_basis == "demonstrated"
        else ("stated", "demonstrated")
    )
    use_first = table[f"{first}_spare_teu"].notna()
    spare = table[f"{first}_spare_teu"].where(use_first, table[f"{second}_spare_teu"])
    table["spare_capacity_basis"] = np.where(use_first, first, second)
    table["spare_capacity_teu"] = spare.fillna(0.0) * parameters.spare_capacity_share
    basis_throughput = current.where(current.notna(), stated_throughput)
    table["capacity_teu"] = basis_throughput + table["spare_capacity_teu"]
    return table


def origins() -> pd.DataFrame:
    """Asian loading regions of San Pedro Bay imports and their weights.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin`` (UN/LOCODE of the representative port), ``name``, ``weight``
        (share of TEU [-], summing to one).

    Raises
    ------
    ValueError
        If the weights do not sum to one (within 1e-9).

    Examples
    --------
    >>> origins()["origin"].tolist()
    ['CNSHA', 'CNYTN', 'KRPUS']
    """
    table = load_diversion_table("origins")[["origin", "name", "weight"]]
    total = float(table["weight"].sum())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"origins.csv: weights sum to {total}, expected 1")
    return table


def destinations(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    """Destination zones of San Pedro Bay cargo and their shares of its TEU.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        ``local_share``, when given, replaces the packaged share of the local zone and the
        inland zones are rescaled to ``1 - local_share`` in their packaged proportions.

    Returns
    -------
    pandas.DataFrame
        Columns ``destination, name, market`` (``local`` | ``inland``), ``faf4_zone, lon,
        lat, teu_share`` (summing to one) and ``transload_share``: the share of the zone's
        TEU transloaded near the port before moving inland [-] (0 for the local zone).

    Raises
    ------
    ValueError
        If the shares do not sum to one, or the transload share exceeds the inland share.

    Examples
    --------
    >>> table = destinations().set_index("destination")
    >>> float(table.loc["inland_empire", "teu_share"]), float(table["teu_share"].sum())
    (0.25, 1.0)
    """
    parameters = parameters or DiversionParameters()
    table = load_diversion_table("destinations").drop(columns=["source_id", "source_locator"])
    local = table["market"] == "local"
    if parameters.local_share is not None:
        inland_total = float(table.loc[~local, "teu_share"].sum())
        table.loc[local, "teu_share"] = parameters.local_share / max(int(local.sum()), 1)
        table.loc[~local, "teu_share"] *= (1.0 - parameters.local_share) / inland_total
    total = float(table["teu_share"].sum())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"destinations.csv: teu_share sums to {total}, expected 1")
    inland_share = float(table.loc[~local, "teu_share"].sum())
    if parameters.transload_share > inland_share + 1e-12:
        raise ValueError(
            f"transload_share {parameters.transload_share} exceeds the inland share "
            f"{inland_share:.3f} of the TEU"
        )
    fraction = parameters.transload_share / inland_share if inland_share > 0 else 0.0
    table["transload_share"] = np.where(local, 0.0, fraction)
    return table.reset_index(drop=True)
