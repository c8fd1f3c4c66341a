"""Physics of each source category: pure, vectorised functions with units in their names."""

from __future__ import annotations
