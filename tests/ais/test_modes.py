from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

from portcap.ais.modes import NO_MODE, OPERATING_MODES, operating_mode, operating_mode_code
from portcap.ais.zones import ZONE_KIND_DTYPE, ZONE_KINDS

NAN = math.nan

# Expected modes from the EPA 2022 rules in order (shared/reference/domain.md §3.2; transit
# above 1 kn per EPA-420-B-22-011 Table 3.11): one case per rule and each side of every
# threshold (1.0 kn berth, 3.0 kn anchorage, 1.0 kn under way, LF 0.20).
CASES = [
    # speed_kn, load_factor, zone_kind, expected
    (0.0, 0.0, "berth", "berth"),  # rule 2
    (1.0, 0.001, "berth", "berth"),  # rule 2, at the 1.0 kn boundary
    (1.01, 0.001, "berth", "maneuvering"),  # just above: rule 3
    (12.0, 0.30, "berth", "transit"),  # fast through a berth polygon: rule 4
    (0.0, 0.0, "anchorage", "anchorage"),  # rule 1
    (3.0, 0.02, "anchorage", "anchorage"),  # rule 1, at the 3.0 kn boundary
    (3.01, 0.02, "anchorage", "maneuvering"),  # just above: rule 3
    (2.0, 0.50, "anchorage", "anchorage"),  # rule 1 comes before transit
    (3.5, 0.25, "anchorage", "transit"),  # rule 4
    (1.5, 0.20, None, "maneuvering"),  # rule 3, at the LF 0.20 boundary
    (1.5, 0.2001, None, "transit"),  # just above: rule 4
    (14.0, 0.35, None, "transit"),  # rule 4
    (6.0, 0.05, "maneuvering", "maneuvering"),  # rule 3 inside the harbor
    (1.0, 0.0, None, "anchorage"),  # rule 5 fallback, at the 1.0 kn boundary
    (0.2, 0.0, "maneuvering", "anchorage"),  # rule 5: slow inside harbor, no berth polygon
    (0.2, 0.0, "", "anchorage"),  # empty string = no zone
    (0.5, NAN, None, "anchorage"),  # load factor not needed when slow
    (2.0, NAN, "anchorage", "anchorage"),  # load factor not needed in an anchorage
    (5.0, NAN, None, None),  # under way, load factor unknown
    (NAN, 0.1, "berth", None),  # speed unknown
    (NAN, NAN, None, None),
]


@pytest.mark.parametrize(("speed", "load", "zone", "expected"), CASES)
def test_rules_scalar(speed, load, zone, expected):
    assert operating_mode(speed, load, zone) == expected


def test_rules_vectorised_match_scalars():
    speed, load, zone, expected = zip(*CASES, strict=True)
    result = operating_mode(np.array(speed), np.array(load), np.array(zone, dtype=object))
    assert isinstance(result, np.ndarray)
    assert result.tolist() == list(expected)


def test_codes_are_the_design_modes():
    speed, load, zone, _ = zip(*CASES, strict=True)
    result = operating_mode(list(speed), list(load), list(zone))
    assert {m for m in result.tolist() if m is not None} == set(OPERATING_MODES)


# --------------------------------------------------------------------------- input contract


def test_scalar_returns_str():
    result = operating_mode(12.0, 0.3, None)
    assert result == "transit"
    assert isinstance(result, str)


def test_list():
    result = operating_mode([0.0, 12.0], [0.0, 0.3], ["berth", None])
    assert isinstance(result, np.ndarray)
    assert result.dtype == object
    assert result.tolist() == ["berth", "transit"]


def test_ndarray_broadcast_and_shape():
    speed = np.array([[0.0, 12.0], [2.0, 0.5]])
    result = operating_mode(speed, 0.1, "anchorage")
    assert result.shape == (2, 2)
    assert result.tolist() == [["anchorage", "maneuvering"], ["anchorage", "anchorage"]]


def test_series_keeps_index():
    index = pd.Index([10, 20, 30], name="report")
    speed = pd.Series([0.0, 12.0, 0.5], index=index)
    zone = pd.Series(["berth", None, np.nan], index=index)
    result = operating_mode(speed, np.array([0.0, 0.3, 0.0]), zone)
    assert isinstance(result, pd.Series)
    assert result.index.equals(index)
    assert result.name == "operating_mode"
    assert result.tolist() == ["berth", "transit", "anchorage"]


def test_series_with_scalar_inputs():
    speed = pd.Series([0.0, 2.0], index=["a", "b"])
    result = operating_mode(speed, 0.01, None)
    assert result.to_dict() == {"a": "anchorage", "b": "maneuvering"}


def test_series_index_mismatch_raises():
    with pytest.raises(ValueError, match="same index"):
        operating_mode(pd.Series([1.0], index=[0]), pd.Series([0.1], index=[1]), None)


@pytest.mark.parametrize(
    ("speed", "load", "zone", "match"),
    [
        (-0.1, 0.0, None, "speed_over_ground_kn must be >= 0"),
        (1.0, -0.01, None, "load_factor must be >= 0"),
        (1.0, 0.1, "harbor", "unknown zone_kind"),
        ([1.0, 2.0], [0.1, 0.1, 0.1], None, "shape mismatch|broadcast"),
    ],
)
def test_invalid_inputs_raise(speed, load, zone, match):
    with pytest.raises(ValueError, match=match):
        operating_mode(speed, load, zone)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"berth_max_speed_kn": -1.0},
        {"anchorage_max_speed_kn": math.nan},
        {"transit_min_speed_kn": math.inf},
        {"maneuvering_max_load_factor": 1.5},
    ],
)
def test_invalid_thresholds_raise(kwargs):
    with pytest.raises(ValueError, match="must be"):
        operating_mode(1.0, 0.1, None, **kwargs)


# ------------------------------------------------------------------------------ thresholds


def test_epa_2020_transit_threshold():
    # EPA 2020 guidance: transit above 3 kn; between 1 and 3 kn a ship counts at anchorage
    # (as in ShipPowerModel calcOperatingMode.r)
    assert operating_mode(2.0, 0.01, None) == "maneuvering"
    assert operating_mode(2.0, 0.01, None, transit_min_speed_kn=3.0) == "anchorage"
    assert operating_mode(3.5, 0.3, None, transit_min_speed_kn=3.0) == "transit"


def test_custom_thresholds():
    assert operating_mode(1.5, 0.01, "berth", berth_max_speed_kn=2.0) == "berth"
    assert operating_mode(4.0, 0.01, "anchorage", anchorage_max_speed_kn=5.0) == "anchorage"
    assert operating_mode(2.0, 0.15, None, maneuvering_max_load_factor=0.10) == "transit"


def test_gap_between_berth_and_transit_thresholds_is_filled():
    # berth_max < transit_min: a slow ship in a berth area above berth_max still gets a mode
    result = operating_mode(0.8, 0.0, "berth", berth_max_speed_kn=0.5)
    assert result == "anchorage"


def test_missing_zone_markers():
    zone = pd.Series(["berth", pd.NA, None, np.nan, ""], dtype=object)
    result = operating_mode(pd.Series([0.5] * 5), 0.0, zone)
    assert result.tolist() == ["berth"] + ["anchorage"] * 4


# ------------------------------------------------------------------------- integer codes


def _names(codes):
    return [OPERATING_MODES[c] if c != NO_MODE else None for c in np.asarray(codes).tolist()]


def _kind_codes(zones):
    return np.array([ZONE_KINDS.index(z) if z else -1 for z in zones], dtype=np.int8)


def test_codes_match_names_on_every_case():
    speed, load, zone, expected = zip(*CASES, strict=True)
    codes = operating_mode_code(np.array(speed), np.array(load), np.array(zone, dtype=object))
    assert codes.dtype == np.int8
    assert _names(codes) == list(expected)
    # zone kinds as codes, as a polars Enum and as polars strings give the same modes
    as_codes = operating_mode_code(np.array(speed), np.array(load), _kind_codes(zone))
    enum = pl.Series([z or None for z in zone], dtype=ZONE_KIND_DTYPE)
    as_enum = operating_mode_code(pl.Series(speed), pl.Series(load), enum)
    as_text = operating_mode_code(np.array(speed), np.array(load), pl.Series(list(zone)))
    for result in (as_codes, as_enum, as_text):
        assert result.tolist() == codes.tolist()


def test_codes_index_operating_modes():
    assert OPERATING_MODES == ("transit", "maneuvering", "anchorage", "berth")
    assert NO_MODE == -1
    assert operating_mode_code(12.0, 0.3, None).item() == 0
    assert operating_mode_code(0.2, 0.0, 0).item() == OPERATING_MODES.index("berth")
    assert operating_mode_code(np.nan, 0.0, None).item() == NO_MODE


def test_codes_scalar_and_shape():
    result = operating_mode_code(0.5, 0.0, "berth")
    assert isinstance(result, np.ndarray)
    assert result.shape == ()
    speed = np.array([[0.0, 12.0], [2.0, 0.5]])
    assert operating_mode_code(speed, 0.1, "anchorage").shape == (2, 2)
    series = operating_mode_code(pd.Series([0.0, 12.0], index=[5, 6]), 0.3, None)
    assert isinstance(series, np.ndarray)
    assert _names(series) == ["anchorage", "transit"]


def test_codes_large_vectorised_input():
    rng = np.random.default_rng(0)
    n = 200_000
    speed = rng.uniform(0, 20, n)
    speed[rng.random(n) < 0.01] = np.nan
    load = rng.uniform(0, 0.6, n)
    kind = rng.integers(-1, 3, n).astype(np.int8)
    strings = np.array([*ZONE_KINDS, None], dtype=object)[kind]
    codes = operating_mode_code(speed, load, kind)
    assert codes.tolist() == operating_mode_code(speed, load, strings).tolist()
    assert _names(codes[:500]) == operating_mode(speed[:500], load[:500], strings[:500]).tolist()


@pytest.mark.parametrize(
    ("zone", "match"),
    [
        (np.array([0, 3]), "unknown zone_kind code 3"),
        (pl.Series([0, 5], dtype=pl.Int16), "unknown zone_kind code 5"),
        (pl.Series(["berth", "harbor"]), "unknown zone_kind \\['harbor'\\]"),
        (np.array(["berth", "quay"], dtype=object), "unknown zone_kind \\['quay'\\]"),
    ],
)
def test_codes_reject_unknown_zone_kinds(zone, match):
    with pytest.raises(ValueError, match=match):
        operating_mode_code([1.0, 1.0], [0.1, 0.1], zone)


def test_codes_validate_like_names():
    with pytest.raises(ValueError, match="speed_over_ground_kn must be >= 0"):
        operating_mode_code(-1.0, 0.1, None)
    with pytest.raises(ValueError, match="must be in \\[0, 1\\]"):
        operating_mode_code(1.0, 0.1, None, maneuvering_max_load_factor=2.0)
    assert operating_mode_code(2.0, 0.01, None, transit_min_speed_kn=3.0).item() == 2
