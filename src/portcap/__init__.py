"""portcap: emissions caps on seaport complexes.

Inventories of a port's mobile sources (ships first), caps per terminal, cargo turned away,
diversion to other gateways, leakage, jobs and costs, and the alternatives to a cap.
"""

from __future__ import annotations

from portcap.engine import ShipsRun, run_ships

__version__ = "0.1.0"

__all__ = ["ShipsRun", "__version__", "run_ships"]
