r"""Port choice: generalized cost, multinomial logit and the capacity-limited allocation.

Cargo of one Asian origin bound for one destination zone chooses a port :math:`g` with the
probability of a multinomial logit (MNL) on generalized cost,

.. math::

    V_g = \beta_c\, GC_g + \theta \ln S_g, \qquad
    P_g = \frac{e^{V_g}}{\sum_{h \in A} e^{V_h}},

    GC_g = c_o D_g + \mathrm{VOT}\,(t^{ocean}_g + t^{land}_g) + c^{land}_g + F_g,

with :math:`D_g` the sea distance [nmi], :math:`c_o` the marginal ocean freight
[USD/(TEU nmi)], VOT the value of a day of a loaded TEU [USD/(TEU d)], :math:`t` the
ocean and landside times [d], :math:`c^{land}_g` the rail or truck cost to the destination
[USD/TEU], :math:`F_g` port charges (the US Harbor Maintenance Fee) and :math:`S_g` the
port's size (its loaded imports per month), whose log stands for the many services a
gateway aggregates. Constants common to all ports cancel in the logit, so only cost
differences matter.

:math:`\beta_c` is calibrated so that the model's own elasticity reproduces the published
San Pedro Bay studies (Leachman et al. 2005: at most 4 % of imports lost for a
$100/TEU charge; Corbett and Winebrake 2007: below 1.5 % for $30/TEU):
:func:`calibrate_beta_cost` and :func:`san_pedro_bay_share_lost`.

Capacity: turned-away TEU are allocated by the logit shares; a gateway whose load exceeds
its spare capacity takes only its capacity (pro rata), the excess is offered to the gateways
with room by the same logit renormalised over them, and so on; what no gateway can take is
unserved (:func:`allocate_with_capacity`).

Examples
--------
>>> import numpy as np
>>> shares = logit_shares(np.array([0.0, np.log(3.0)]))
>>> shares.round(2).tolist()
[0.25, 0.75]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from portcap.diversion.gateways import destinations, ports
from portcap.diversion.parameters import DiversionParameters
from portcap.diversion.routes import landside_legs, ocean_legs
from portcap.diversion.tables import GATEWAY_CODES, SAN_PEDRO_BAY_PORTS
from portcap.sources._arrays import FloatInput, FloatOutput

__all__ = [
    "allocate_with_capacity",
    "alternatives",
    "calibrate_beta_cost",
    "generalized_cost_usd_per_teu",
    "logit_shares",
    "retained_share_ratio",
    "san_pedro_bay_share_lost",
]


def generalized_cost_usd_per_teu(
    ocean_nmi: FloatInput,
    ocean_days: FloatInput,
    landside_cost_usd_per_teu: FloatInput,
    landside_days: FloatInput,
    port_charges_usd_per_teu: FloatInput = 0.0,
    *,
    ocean_cost_usd_per_teu_nmi: float,
    value_of_time_usd_per_teu_day: float,
) -> FloatOutput:
    r"""Generalized cost of moving a loaded TEU from its Asian origin to its destination.

    Parameters
    ----------
    ocean_nmi : float, list, ndarray or Series
        Sea distance [nmi].
    ocean_days : float, list, ndarray or Series
        Time at sea [d].
    landside_cost_usd_per_teu : float, list, ndarray or Series
        Rail or truck cost from the port to the destination [USD/TEU].
    landside_days : float, list, ndarray or Series
        Landside time [d].
    port_charges_usd_per_teu : float, list, ndarray or Series, default 0
        Charges that differ between ports (fees) [USD/TEU].
    ocean_cost_usd_per_teu_nmi : float
        Marginal ocean freight [USD/(TEU nmi)].
    value_of_time_usd_per_teu_day : float
        Value of time of a loaded TEU [USD/(TEU d)].

    Returns
    -------
    float, ndarray or Series
        Generalized cost [USD/TEU].

    Notes
    -----
    .. math:: GC = c_o D + \mathrm{VOT}\,(t_{ocean} + t_{land}) + c_{land} + F

    Examples
    --------
    >>> generalized_cost_usd_per_teu(1000.0, 2.0, 500.0, 3.0, 68.0,
    ...     ocean_cost_usd_per_teu_nmi=0.1, value_of_time_usd_per_teu_day=40.0)
    868.0
    """
    ocean = np.asarray(ocean_nmi, dtype=float)
    cost = (
        ocean_cost_usd_per_teu_nmi * ocean
        + value_of_time_usd_per_teu_day
        * (np.asarray(ocean_days, dtype=float) + np.asarray(landside_days, dtype=float))
        + np.asarray(landside_cost_usd_per_teu, dtype=float)
        + np.asarray(port_charges_usd_per_teu, dtype=float)
    )
    if isinstance(ocean_nmi, pd.Series):
        return pd.Series(cost, index=ocean_nmi.index)
    return cost if np.ndim(cost) else float(cost)


def logit_shares(
    utility: npt.ArrayLike, available: npt.ArrayLike | None = None, *, axis: int = -1
) -> npt.NDArray[np.float64]:
    r"""Multinomial-logit choice probabilities along an axis.

    Parameters
    ----------
    utility : array-like
        Systematic utilities [-]; alternatives along ``axis``.
    available : array-like of bool, optional
        Which alternatives may be chosen (same shape as ``utility``); unavailable ones get
        probability 0. Rows without any available alternative get all zeros.
    axis : int, default -1
        Axis of the alternatives.

    Returns
    -------
    numpy.ndarray
        Probabilities [-], summing to one along ``axis`` where any alternative is available.

    Notes
    -----
    .. math:: P_i = \frac{e^{V_i - \max_j V_j}}{\sum_j e^{V_j - \max_j V_j}}

    (the maximum is subtracted for numerical stability; it cancels).

    Examples
    --------
    >>> logit_shares([[0.0, 0.0], [1.0, 1.0]]).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    >>> logit_shares([0.0, 5.0, 1.0], [True, False, True]).round(4).tolist()
    [0.2689, 0.0, 0.7311]
    """
    values = np.asarray(utility, dtype=float)
    mask = np.ones(values.shape, dtype=bool) if available is None else np.asarray(available, bool)
    masked = np.where(mask, values, -np.inf)
    top = np.max(masked, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    weights = np.where(mask, np.exp(masked - top), 0.0)
    total = weights.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, weights / total, 0.0)
    return shares


def allocate_with_capacity(
    demand_teu: npt.ArrayLike,
    shares: npt.ArrayLike,
    capacity_teu: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Allocate demand to alternatives by logit shares within capacity limits.

    Parameters
    ----------
    demand_teu : array-like, shape (n_cells,)
        TEU of each demand cell (terminal x origin x destination) [TEU], >= 0.
    shares : array-like, shape (n_cells, n_alternatives)
        Logit shares of each cell [-]; a zero marks an alternative the cell cannot use.
    capacity_teu : array-like, shape (n_alternatives,)
        Spare capacity shared by all cells [TEU], >= 0.

    Returns
    -------
    flows : numpy.ndarray, shape (n_cells, n_alternatives)
        TEU each cell sends to each alternative.
    unserved : numpy.ndarray, shape (n_cells,)
        TEU of each cell that no alternative can take.

    Notes
    -----
    Each round offers the remaining demand of every cell to the open alternatives in
    proportion to its logit shares renormalised over them (the IIA property of the logit).
    An alternative whose offered load :math:`L_g` exceeds its remaining capacity
    :math:`C_g` accepts the fraction :math:`C_g / L_g` of every offer and closes; the others
    accept their offers in full. The rejected TEU are offered again in the next round. Each
    round closes at least one alternative, so at most ``n_alternatives`` rounds are needed.
    Demand = flows + unserved for every cell, and no alternative exceeds its capacity.

    Examples
    --------
    >>> flows, unserved = allocate_with_capacity([100.0], [[0.5, 0.5]], [20.0, 100.0])
    >>> flows.tolist(), unserved.tolist()
    ([[20.0, 80.0]], [0.0])
    >>> flows, unserved = allocate_with_capacity([100.0], [[0.5, 0.5]], [20.0, 30.0])
    >>> flows.tolist(), unserved.tolist()
    ([[20.0, 30.0]], [50.0])
    """
    demand = np.asarray(demand_teu, dtype=float)
    remaining = demand.copy()
    base = np.asarray(shares, dtype=float)
    room = np.asarray(capacity_teu, dtype=float).copy()
    if base.shape != (remaining.size, room.size):
        raise ValueError(
            f"shares must have shape {(remaining.size, room.size)} (cells, alternatives), "
            f"got {base.shape}"
        )
    if (remaining < 0).any() or (room < 0).any() or (base < 0).any():
        raise ValueError("demand, shares and capacity must be >= 0")
    flows = np.zeros_like(base)
    unserved = np.zeros_like(remaining)
    open_ = room > 0
    for _ in range(room.size + 1):
        offered_shares = base * open_
        row_total = offered_shares.sum(axis=1)
        stuck = (row_total <= 0) & (remaining > 0)
        unserved[stuck] += remaining[stuck]
        remaining[stuck] = 0.0
        if not (remaining > 0).any():
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            offered_shares = np.where(
                row_total[:, None] > 0, offered_shares / row_total[:, None], 0.0
            )
        offers = remaining[:, None] * offered_shares
        load = offers.sum(axis=0)
        # relative tolerance: loads within 1e-12 of capacity count as fitting
        over = load > room * (1.0 + 1e-12)
        with np.errstate(invalid="ignore", divide="ignore"):
            accept = np.where(over, room / load, 1.0)
        accepted = offers * accept
        flows += accepted
        remaining = np.maximum(remaining - accepted.sum(axis=1), 0.0)
        # round-off leftovers (below 1e-12 of a cell's demand) are not demand
        remaining[remaining <= 1e-12 * demand] = 0.0
        room = np.where(over, 0.0, np.maximum(room - accepted.sum(axis=0), 0.0))
        open_ &= ~over & (room > 0)
    unserved += remaining
    return flows, unserved


def alternatives(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    """Generalized cost and utility of every port for every origin and destination zone.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        Costs, value of time and coefficients; defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per origin, destination and port (San Pedro Bay ports and gateways):
        ``origin, origin_weight, destination, destination_share, market, port, role,
        ocean_nmi, ocean_days, landside_mode, landside_miles, landside_days,
        port_charges_usd_per_teu, generalized_cost_usd_per_teu, size_teu, utility``.

    Examples
    --------
    All-water to New York is cheaper to Chicago than Los Angeles and rail at $37 per
    TEU-day, but not when a day is worth $327 (Davies 2013: lower transport cost via the
    East Coast, offset by the inventory cost of the longer transit):

    >>> def new_york_minus_los_angeles(parameters):
    ...     table = alternatives(parameters).set_index(["origin", "destination", "port"])
    ...     cost = table["generalized_cost_usd_per_teu"]
    ...     return cost[("CNSHA", "chicago", "USNYC")] - cost[("CNSHA", "chicago", "POLA")]
    >>> bool(new_york_minus_los_angeles(DiversionParameters()) < 0)
    True
    >>> slow = DiversionParameters.from_set("hummels_schaur2013")
    >>> bool(new_york_minus_los_angeles(slow) > 0)
    True
    """
    parameters = parameters or DiversionParameters()
    port_table = ports()[
        ["code", "role", "loaded_import_teu_per_month", "harbor_maintenance_fee"]
    ].rename(columns={"code": "port"})
    ocean = ocean_legs(parameters)
    land = landside_legs(parameters)
    zones = destinations(parameters)[["destination", "teu_share"]]
    table = (
        ocean.merge(land, on="port", how="inner", validate="m:m")
        .merge(port_table, on="port", how="left", validate="m:1")
        .merge(zones, on="destination", how="left", validate="m:1")
    )
    charges = np.where(
        table["harbor_maintenance_fee"], parameters.harbor_maintenance_fee_usd_per_teu, 0.0
    )
    cost = generalized_cost_usd_per_teu(
        table["distance_nmi"].to_numpy(),
        table["days_x"].to_numpy(),
        table["cost_usd_per_teu_y"].to_numpy(),
        table["days_y"].to_numpy(),
        charges,
        ocean_cost_usd_per_teu_nmi=parameters.ocean_cost_usd_per_teu_nmi,
        value_of_time_usd_per_teu_day=parameters.value_of_time_usd_per_teu_day,
    )
    size = table["loaded_import_teu_per_month"].to_numpy(dtype=float)
    utility = parameters.beta_cost_per_usd * cost + parameters.size_coefficient * np.log(size)
    return pd.DataFrame(
        {
            "origin": table["origin"],
            "origin_weight": table["origin_weight"],
            "destination": table["destination"],
            "destination_share": table["teu_share"],
            "market": table["market"],
            "port": table["port"],
            "role": table["role"],
            "ocean_nmi": table["distance_nmi"],
            "ocean_days": table["days_x"],
            "landside_mode": table["mode"],
            "landside_miles": table["distance_miles"],
            "landside_days": table["days_y"],
            "port_charges_usd_per_teu": charges,
            "generalized_cost_usd_per_teu": cost,
            "size_teu": size,
            "utility": utility,
        }
    )


def retained_share_ratio(
    share: FloatInput, cost_increase_usd_per_teu: FloatInput, beta_cost_per_usd: FloatInput
) -> FloatOutput:
    r"""Ratio of an alternative's logit share after a cost increase to its share before.

    Parameters
    ----------
    share : float, list, ndarray or Series
        Share of the alternative before the increase [-], in (0, 1].
    cost_increase_usd_per_teu : float, list, ndarray or Series
        Increase of its generalized cost [USD/TEU].
    beta_cost_per_usd : float, list, ndarray or Series
        Cost coefficient [1/(USD/TEU)].

    Returns
    -------
    float, ndarray or Series
        :math:`s'/s` [-].

    Notes
    -----
    .. math:: \frac{s'}{s} = \frac{e^{\beta\Delta}}{s\,e^{\beta\Delta} + 1 - s}

    (diversion inputs §6.2). Solved for :math:`\beta` at :math:`s'/s = 0.96`,
    :math:`\Delta = 100`, :math:`s = 0.4` this gives -0.00067 per $/TEU (Leachman 2005).

    Examples
    --------
    >>> round(float(retained_share_ratio(0.4, 100.0, -0.000672)), 4)
    0.96
    """
    s = np.asarray(share, dtype=float)
    factor = np.exp(
        np.asarray(beta_cost_per_usd, dtype=float) * np.asarray(cost_increase_usd_per_teu, float)
    )
    ratio = factor / (s * factor + 1.0 - s)
    if isinstance(share, pd.Series):
        return pd.Series(ratio, index=share.index)
    return ratio if np.ndim(ratio) else float(ratio)


def san_pedro_bay_share_lost(
    cost_increase_usd_per_teu: float,
    parameters: DiversionParameters | None = None,
    *,
    port: str = "san_pedro_bay",
) -> float:
    r"""Share of a port's TEU that the model sends elsewhere when its cost rises.

    Parameters
    ----------
    cost_increase_usd_per_teu : float
        Increase of the generalized cost of the port (a fee, say) [USD/TEU].
    parameters : DiversionParameters, optional
        Model parameters; defaults when omitted.
    port : str, default 'san_pedro_bay'
        ``'san_pedro_bay'`` (both POLA and POLB) or one gateway code.

    Returns
    -------
    float
        :math:`1 - T'/T` [-], where :math:`T` is the port's TEU of the San Pedro Bay market
        (all origins and destination zones with their weights) chosen among all ports
        without capacity limits, before and after the increase.

    Notes
    -----
    .. math:: T = \sum_{o,d} w_o\, w_d\, \sum_{g \in port} P_{g|o,d}

    Examples
    --------
    >>> 0.0 < san_pedro_bay_share_lost(100.0) < 0.1
    True
    """
    parameters = parameters or DiversionParameters()
    table = alternatives(parameters)
    members = SAN_PEDRO_BAY_PORTS if port == "san_pedro_bay" else (port,)
    if port != "san_pedro_bay" and port not in GATEWAY_CODES:
        valid = ", ".join(("san_pedro_bay", *GATEWAY_CODES))
        raise ValueError(f"unknown port {port!r}; valid names are: {valid}")
    is_member = table["port"].isin(members).to_numpy()
    weight = (table["origin_weight"] * table["destination_share"]).to_numpy()
    groups = table.groupby(["origin", "destination"], sort=False).ngroup().to_numpy()
    before = _grouped_logit(table["utility"].to_numpy(), groups)
    after = _grouped_logit(
        table["utility"].to_numpy()
        + is_member * parameters.beta_cost_per_usd * cost_increase_usd_per_teu,
        groups,
    )
    total_before = float((weight * before * is_member).sum())
    total_after = float((weight * after * is_member).sum())
    return 1.0 - total_after / total_before


def calibrate_beta_cost(
    share_lost: float = 0.04,
    cost_increase_usd_per_teu: float = 100.0,
    parameters: DiversionParameters | None = None,
    *,
    port: str = "san_pedro_bay",
) -> float:
    r"""Cost coefficient at which the model loses a given share of a port's TEU.

    Parameters
    ----------
    share_lost : float, default 0.04
        Target share of the port's TEU lost [-], in (0, 1). Default: Leachman et al.
        (2005), at most 4 % of San Pedro Bay imports for a $200/FEU ($100/TEU) fee.
    cost_increase_usd_per_teu : float, default 100.0
        The cost increase [USD/TEU], > 0.
    parameters : DiversionParameters, optional
        All other parameters (their ``beta_cost_per_usd`` is replaced).
    port : str, default 'san_pedro_bay'
        As in :func:`san_pedro_bay_share_lost`.

    Returns
    -------
    float
        :math:`\beta_c` [1/(USD/TEU)], < 0.

    Raises
    ------
    ValueError
        If the target cannot be reached with a coefficient in [-0.1, -1e-9].

    Notes
    -----
    The share lost increases with :math:`|\beta_c|` over [1e-9, 0.1] (beyond, the choice
    becomes deterministic and the response to a fixed fee collapses); the root is found by
    bisection on :math:`\log|\beta_c|` to a relative precision of 1e-10.

    Examples
    --------
    >>> beta = calibrate_beta_cost(0.04, 100.0)
    >>> p = DiversionParameters(beta_cost_per_usd=beta)
    >>> round(san_pedro_bay_share_lost(100.0, p), 6)
    0.04
    """
    if not 0.0 < share_lost < 1.0 or cost_increase_usd_per_teu <= 0:
        raise ValueError("share_lost must be in (0, 1) and the cost increase > 0")
    base = (parameters or DiversionParameters()).model_dump()

    def lost(log_magnitude: float) -> float:
        trial = DiversionParameters(**{**base, "beta_cost_per_usd": -np.exp(log_magnitude)})
        return san_pedro_bay_share_lost(cost_increase_usd_per_teu, trial, port=port)

    low, high = np.log(1e-9), np.log(0.1)
    if not lost(low) <= share_lost <= lost(high):
        raise ValueError(f"a share lost of {share_lost} is out of reach for beta in [-0.1, -1e-9]")
    for _ in range(200):
        middle = 0.5 * (low + high)
        if lost(middle) < share_lost:
            low = middle
        else:
            high = middle
        if high - low < 1e-10:
            break
    return float(-np.exp(0.5 * (low + high)))


def _grouped_logit(utility: npt.NDArray[np.float64], groups: npt.ArrayLike) -> np.ndarray:
    keys = np.asarray(groups)
    top = pd.Series(utility).groupby(keys).transform("max").to_numpy()
    weights = np.exp(utility - top)
    total = pd.Series(weights).groupby(keys).transform("sum").to_numpy()
    return weights / total
