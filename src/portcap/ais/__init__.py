"""AIS: read, clean (with a quarantine), operating modes and activity intervals."""

from __future__ import annotations
