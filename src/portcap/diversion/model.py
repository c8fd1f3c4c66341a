r"""Where turned-away San Pedro Bay cargo goes, and what that does to emissions.

:func:`divert` takes the TEU each terminal turns away in each year, splits them by Asian
origin (``origins.csv``) and destination zone (``destinations.csv``: the local Southern
California market and inland markets), lets each part choose among the alternative
gateways with the multinomial logit of :mod:`portcap.diversion.choice`, caps every gateway at
its spare capacity for the year (shared by all terminals), and returns the flows, with what
no gateway can take as ``unserved``, and the leakage of :mod:`portcap.diversion.leakage`.

Examples
--------
>>> import pandas as pd
>>> from portcap.diversion import divert
>>> turned_away = pd.DataFrame({"year": [2031], "port": ["POLA"],
...     "terminal": ["POLA_APM_PIER400"], "teu": [100_000.0]})
>>> result = divert(turned_away)
>>> round(float(result.flows["teu"].sum()))
100000
>>> net = result.leakage.query("pollutant == 'co2e'")["change_tonnes"].sum()
>>> bool(net > 0)
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portcap.diversion.choice import allocate_with_capacity, alternatives, logit_shares
from portcap.diversion.gateways import (
    check_gateway_codes,
    destinations,
    gateways,
    origins,
)
from portcap.diversion.leakage import LeakageMatrix, leakage_matrix
from portcap.diversion.parameters import DiversionParameters
from portcap.diversion.tables import GATEWAY_CODES, SAN_PEDRO_BAY_PORTS

__all__ = [
    "FLOW_COLUMNS",
    "LEAKAGE_COLUMNS",
    "TURNED_AWAY_COLUMNS",
    "UNSERVED",
    "DiversionResult",
    "divert",
    "divert_matrix",
]

UNSERVED = "unserved"
"""Gateway code of the TEU that no gateway can take."""

TURNED_AWAY_COLUMNS: tuple[str, ...] = ("year", "port", "terminal", "teu")
"""Columns :func:`divert` needs in its input."""

FLOW_COLUMNS: tuple[str, ...] = ("year", "terminal", "gateway", "destination", "teu")
"""Columns of :attr:`DiversionResult.flows`."""

LEAKAGE_COLUMNS: tuple[str, ...] = (
    "year",
    "terminal",
    "gateway",
    "destination",
    "leg",
    "region",
    "pollutant",
    "change_tonnes",
    "new_tonnes",
    "old_tonnes",
)
"""Columns of :attr:`DiversionResult.leakage` (change = new routing minus old)."""


@dataclass(frozen=True)
class DiversionResult:
    """Result of :func:`divert`.

    Attributes
    ----------
    flows : pandas.DataFrame
        ``year, terminal, gateway, destination, teu``: TEU of each terminal and year that
        went to each gateway for each destination zone [TEU/yr]; gateway ``unserved`` for
        TEU no gateway could take. Rows with zero TEU are left out.
    leakage : pandas.DataFrame
        ``year, terminal, gateway, destination, leg, region, pollutant, change_tonnes``:
        emissions of the new routing minus the old (San Pedro Bay) routing of the diverted
        TEU [t]; ``leg`` in ``ocean, port_of_call, rail, truck``; ``region`` ``regional``
        (South Coast Air Basin) or ``elsewhere``. Unserved TEU have no rows. The regional
        rows include the removal of the cargo's San Pedro Bay port call, drayage and rail
        inside the basin, which a capped port inventory also counts: add only the
        ``elsewhere`` rows to such an inventory.
    """

    flows: pd.DataFrame
    leakage: pd.DataFrame


def divert(
    turned_away: pd.DataFrame,
    *,
    parameters: DiversionParameters | None = None,
    excluded_gateways: Sequence[str] = (),
) -> DiversionResult:
    r"""Send turned-away San Pedro Bay TEU to alternative gateways and count the leakage.

    Parameters
    ----------
    turned_away : pandas.DataFrame
        Columns ``year, port, terminal, teu``: one row per year and terminal, ``port``
        ``POLA`` or ``POLB``, ``teu`` >= 0 [TEU/yr]. Other columns are ignored.
    parameters : DiversionParameters, optional
        Port choice, capacity, route and intensity parameters; defaults when omitted.
    excluded_gateways : sequence of str, default ()
        Gateways (codes of :data:`GATEWAY_CODES`) that take no diverted cargo.

    Returns
    -------
    DiversionResult
        ``flows`` and ``leakage``; both empty when nothing is turned away.

    Raises
    ------
    ValueError
        If a column is missing, a port is not POLA/POLB, a TEU value is negative or not
        finite, a year and terminal appear twice, or an excluded gateway is unknown (the
        message names it and lists the valid codes).

    Notes
    -----
    For year :math:`y`, terminal :math:`k`, origin :math:`o` and destination :math:`d` the
    demand is :math:`T_{y,k}\,w_o\,w_d`. Each cell chooses gateway :math:`g` with the logit
    share :math:`P_{g|o,d}` (:func:`portcap.diversion.choice.alternatives`) over the gateways
    not excluded; :func:`portcap.diversion.choice.allocate_with_capacity` caps each gateway
    at its spare capacity for the year (``gateways(parameters)["spare_capacity_teu"]``),
    shared by all terminals, and redistributes the excess. For every cell, turned-away TEU
    = diverted + unserved.

    Examples
    --------
    >>> turned_away = pd.DataFrame({"year": [2031, 2031], "port": ["POLA", "POLB"],
    ...     "terminal": ["POLA_YTI_B212", "POLB_TTI_PIERT"], "teu": [0.0, 0.0]})
    >>> result = divert(turned_away)
    >>> result.flows.empty, result.leakage.empty
    (True, True)
    >>> divert(turned_away, excluded_gateways=["USLAX"])
    Traceback (most recent call last):
    ...
    ValueError: unknown gateway 'USLAX'; valid codes are: USOAK, NWSA, CAVAN, CAPRR, MXESE, MXZLO, MXLZC, USHOU, USSAV, USCHS, USORF, USNYC
    """  # noqa: E501
    flows, matrix = _divert(turned_away, parameters, excluded_gateways)
    if matrix is None:
        return DiversionResult(flows, _empty(LEAKAGE_COLUMNS))
    return DiversionResult(flows, matrix.table()[list(LEAKAGE_COLUMNS)])


def divert_matrix(
    turned_away: pd.DataFrame,
    *,
    parameters: DiversionParameters | None = None,
    excluded_gateways: Sequence[str] = (),
) -> tuple[pd.DataFrame, LeakageMatrix]:
    """Send turned-away TEU to alternative gateways; the leakage as matrices.

    :func:`divert` with the leakage in the wide form of
    :class:`portcap.diversion.leakage.LeakageMatrix` (its :meth:`~LeakageMatrix.table` is
    :attr:`DiversionResult.leakage`), for callers that only sum it.

    Parameters
    ----------
    turned_away : pandas.DataFrame
        As for :func:`divert`.
    parameters : DiversionParameters, optional
        Port choice, capacity, route and intensity parameters; defaults when omitted.
    excluded_gateways : sequence of str, default ()
        Gateways that take no diverted cargo.

    Returns
    -------
    tuple
        The flows (:attr:`DiversionResult.flows`) and the leakage matrix (no rows when
        nothing is diverted).

    Raises
    ------
    ValueError
        As :func:`divert`.
    """
    parameters = parameters or DiversionParameters()
    flows, matrix = _divert(turned_away, parameters, excluded_gateways)
    return flows, matrix if matrix is not None else leakage_matrix(flows, parameters)


def _divert(
    turned_away: pd.DataFrame,
    parameters: DiversionParameters | None,
    excluded_gateways: Sequence[str],
) -> tuple[pd.DataFrame, LeakageMatrix | None]:
    """Return the flows and the leakage matrix (None when nothing is turned away)."""
    parameters = parameters or DiversionParameters()
    excluded = check_gateway_codes(excluded_gateways)
    demand = _check_turned_away(turned_away)
    demand = demand[demand["teu"] > 0]
    if demand.empty:
        return _empty(FLOW_COLUMNS), None

    detail = _allocate(demand, parameters, excluded)
    flows = (
        detail.groupby(["year", "terminal", "gateway", "destination"])[["teu"]].sum().reset_index()
    )
    flows = flows[flows["teu"] > 0].reset_index(drop=True)
    return flows[list(FLOW_COLUMNS)], leakage_matrix(detail, parameters)


def _check_turned_away(turned_away: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in TURNED_AWAY_COLUMNS if c not in turned_away.columns]
    if missing:
        raise ValueError(
            f"turned_away lacks column(s) {missing}; expected {list(TURNED_AWAY_COLUMNS)}"
        )
    table = turned_away[list(TURNED_AWAY_COLUMNS)].copy()
    bad_port = ~table["port"].isin(SAN_PEDRO_BAY_PORTS)
    if bad_port.any():
        value = table.loc[bad_port, "port"].iloc[0]
        valid = ", ".join(SAN_PEDRO_BAY_PORTS)
        raise ValueError(f"turned_away: unknown port {value!r}; valid ports are: {valid}")
    teu = pd.to_numeric(table["teu"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(teu) | (teu < 0)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"turned_away row {position + 1}: teu must be a finite number >= 0, "
            f"got {table['teu'].iloc[position]!r}"
        )
    table["teu"] = teu
    table["year"] = table["year"].astype("int64")
    table["terminal"] = table["terminal"].astype(str)
    twice = table.duplicated(["year", "terminal"])
    if twice.any():
        row = table[twice].iloc[0]
        raise ValueError(
            f"turned_away has year {row['year']} and terminal {row['terminal']!r} twice; "
            "give one row per year and terminal"
        )
    return table.reset_index(drop=True)


def _allocate(
    demand: pd.DataFrame, parameters: DiversionParameters, excluded: tuple[str, ...]
) -> pd.DataFrame:
    weights_o, weights_d, routes, shares, capacity = _choice(parameters.model_dump_json(), excluded)
    cells = demand.merge(weights_o, how="cross").merge(weights_d, how="cross")
    cells["teu"] = cells["teu"] * cells["weight"] * cells["teu_share"]
    cells = cells.drop(columns=["weight", "teu_share"])
    row_of = routes.get_indexer(pd.MultiIndex.from_frame(cells[["origin", "destination"]]))

    # per year, every cell's TEU to each gateway (and unserved), gateway after gateway
    codes = np.array([*GATEWAY_CODES, UNSERVED], dtype=object)
    year = cells["year"].to_numpy()
    teu = cells["teu"].to_numpy(dtype=float)
    cell_parts, gateway_parts, teu_parts = [], [], []
    for value in np.unique(year):
        rows = np.flatnonzero(year == value)
        flows, unserved = allocate_with_capacity(teu[rows], shares[row_of[rows]], capacity)
        sent = np.column_stack([flows, unserved]).T.ravel()
        kept = sent > 0
        cell_parts.append(np.tile(rows, len(codes))[kept])
        gateway_parts.append(np.repeat(np.arange(len(codes)), len(rows))[kept])
        teu_parts.append(sent[kept])
    detail = cells.drop(columns="teu").iloc[np.concatenate(cell_parts)].reset_index(drop=True)
    detail["gateway"] = pd.array(codes[np.concatenate(gateway_parts)], dtype="str")
    detail["teu"] = np.concatenate(teu_parts)
    return detail


@functools.lru_cache(maxsize=16)
def _choice(
    parameters_json: str, excluded: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.MultiIndex, np.ndarray, np.ndarray]:
    """Return what the allocation needs besides the demand (cached; read-only).

    Cached by the parameters' content and the excluded gateways: the draws of an ensemble
    with the same diversion parameters share it. Returns the origins' weights, the
    destinations' shares, the (origin, destination) rows of the logit shares, the shares
    of every gateway on them and the gateways' spare capacity (zero where excluded).
    """
    parameters = DiversionParameters.model_validate_json(parameters_json)
    weights_o = origins()[["origin", "weight"]]
    weights_d = destinations(parameters)[["destination", "teu_share"]]
    codes = list(GATEWAY_CODES)
    table = alternatives(parameters)
    table = table[table["role"] == "gateway"]
    utility = table.pivot(index=["origin", "destination"], columns="port", values="utility")[codes]
    available = np.array([code not in excluded for code in codes])
    shares = logit_shares(utility.to_numpy(), np.broadcast_to(available, utility.shape))
    capacity = (
        gateways(parameters).set_index("code")["spare_capacity_teu"].reindex(codes).to_numpy()
    )
    capacity = np.where(available, capacity, 0.0)
    routes = utility.index
    assert isinstance(routes, pd.MultiIndex)
    for array in (shares, capacity):
        array.setflags(write=False)
    return weights_o, weights_d, routes, shares, capacity


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    numeric = {"year": "int64", "teu": "float64", "change_tonnes": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=numeric.get(c, "str")) for c in columns})
