"""portcap: emissions caps on seaport complexes.

Inventories of a port's mobile sources, caps per terminal, cargo turned away, diversion to
other gateways, leakage, jobs and costs, and the alternatives to a cap.

The names below are loaded on first use (PEP 562), so that ``import portcap.factors`` or
the command line's start does not import the whole model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Results", "ShipsRun", "__version__", "load_scenario", "run", "run_ships"]

_LAZY = {
    "Results": "portcap.engine",
    "ShipsRun": "portcap.engine",
    "run": "portcap.engine",
    "run_ships": "portcap.engine",
    "load_scenario": "portcap.scenario",
}

if TYPE_CHECKING:
    from portcap.engine import Results, ShipsRun, run, run_ships
    from portcap.scenario import load_scenario


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'portcap' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
