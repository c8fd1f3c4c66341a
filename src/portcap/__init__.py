"""portcap: emissions caps on seaport complexes.

Inventories of a port's mobile sources, caps per terminal, cargo turned away, diversion to
other gateways, leakage, jobs and costs, and the alternatives to a cap.
"""

from __future__ import annotations

__version__ = "0.1.0"

from portcap.engine import Results, ShipsRun, run, run_ships  # noqa: E402
from portcap.scenario import load_scenario  # noqa: E402

__all__ = ["Results", "ShipsRun", "__version__", "load_scenario", "run", "run_ships"]
