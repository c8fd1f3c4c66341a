"""Diversion of cargo turned away at San Pedro Bay: port choice, routes and leakage.

When a terminal's emissions cap binds it turns cargo away for the rest of the year. This
package follows that cargo: it splits the turned-away TEU by Asian origin and by
destination zone (the local Southern California market and inland markets), lets each part
choose among alternative gateways (Oakland, Seattle/Tacoma, Vancouver, Prince Rupert,
Ensenada, Manzanillo, Lázaro Cárdenas, Houston, Savannah, Charleston, Virginia, New
York/New Jersey) with a multinomial logit on generalized cost calibrated to the published
San Pedro Bay elasticities, limits each gateway to its spare capacity, and counts the
emissions of the new routings minus the old, leg by leg and inside or outside the South
Coast Air Basin. The method is in ``docs/methodology/diversion.md``.

Public API
----------
- :func:`divert` and :class:`DiversionResult`: the model; :func:`divert_matrix` with the
  leakage as a :class:`LeakageMatrix`;
- :class:`DiversionParameters`: its parameters (sourced defaults in ``parameters.csv``);
- :func:`gateways` and :data:`GATEWAY_CODES`: the alternative gateways;
- :func:`calibrate_beta_cost`, :func:`san_pedro_bay_share_lost`: the calibration;
- :func:`leg_intensities`, :func:`routing_emissions`: emissions per TEU and distance.

Examples
--------
>>> from portcap.diversion import GATEWAY_CODES, gateways
>>> len(GATEWAY_CODES), list(gateways()["code"]) == list(GATEWAY_CODES)
(12, True)
"""

from __future__ import annotations

from portcap.diversion.choice import (
    allocate_with_capacity,
    alternatives,
    calibrate_beta_cost,
    generalized_cost_usd_per_teu,
    logit_shares,
    retained_share_ratio,
    san_pedro_bay_share_lost,
)
from portcap.diversion.gateways import (
    check_gateway_codes,
    destinations,
    gateways,
    origins,
    ports,
)
from portcap.diversion.leakage import (
    LEGS,
    REGIONS,
    LeakageMatrix,
    leakage_matrix,
    leakage_table,
    leg_intensities,
    port_of_call_from_inventory,
    routing_emissions,
)
from portcap.diversion.model import (
    FLOW_COLUMNS,
    LEAKAGE_COLUMNS,
    UNSERVED,
    DiversionResult,
    divert,
    divert_matrix,
)
from portcap.diversion.parameters import DiversionParameters, parameter_sets
from portcap.diversion.routes import great_circle_miles, landside_legs, ocean_legs
from portcap.diversion.tables import GATEWAY_CODES, LEAKAGE_POLLUTANTS, SAN_PEDRO_BAY_PORTS

__all__ = [
    "FLOW_COLUMNS",
    "GATEWAY_CODES",
    "LEAKAGE_COLUMNS",
    "LEAKAGE_POLLUTANTS",
    "LEGS",
    "REGIONS",
    "SAN_PEDRO_BAY_PORTS",
    "UNSERVED",
    "DiversionParameters",
    "DiversionResult",
    "LeakageMatrix",
    "allocate_with_capacity",
    "alternatives",
    "calibrate_beta_cost",
    "check_gateway_codes",
    "destinations",
    "divert",
    "divert_matrix",
    "gateways",
    "generalized_cost_usd_per_teu",
    "great_circle_miles",
    "landside_legs",
    "leakage_matrix",
    "leakage_table",
    "leg_intensities",
    "logit_shares",
    "ocean_legs",
    "origins",
    "parameter_sets",
    "port_of_call_from_inventory",
    "ports",
    "retained_share_ratio",
    "routing_emissions",
    "san_pedro_bay_share_lost",
]
