"""Shared fixtures: named parameter sets of published OGV cases and the published-data reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

PUBLISHED = Path(__file__).parent / "data" / "published"


def _read_published(name: str) -> pd.DataFrame:
    return pd.read_csv(PUBLISHED / name, comment="#")


@pytest.fixture
def read_published() -> Callable[[str], pd.DataFrame]:
    """Reader of published-value CSVs (lines starting with '#' are the citation header)."""
    return _read_published


@pytest.fixture
def transit_8000teu() -> dict[str, object]:
    """EPA 2022 Table C.3 '8,000 TEU' container ship at 12 kn in the ECA (domain.md §3.7 b)."""
    return {
        "main_engine_kw": 55_800.0,
        "max_speed_kn": 26.5,
        "speed_kn": 12.0,
        "engine_type": "SSD",
        "tier": 2,
        "fuel": "mgo",
        "sulfur_pct_mass": 0.1,
        "duration_h": 1.0,
    }


@pytest.fixture
def hoteling_container_12000() -> dict[str, object]:
    """8,000-12,000 TEU container ship at berth 30 h, aux MSD MGO Tier 2 (domain.md §3.7 b)."""
    return {
        "ship_type": "container",
        "size_teu": 10_000.0,
        "duration_h": 30.0,
        "aux_engine_type": "MSD",
        "tier": 2,
        "fuel": "mgo",
        "sulfur_pct_mass": 0.1,
    }
