"""clean_pings: every rule on a tiny hand-made frame, the accounting, and the real snapshot.

Expected values of the rule tests follow from the AIS standard (ITU-R M.1371-5 codes),
the MMSI format (ITU-R M.585-9) and the haversine formula; the real-snapshot counts at
the end are a golden regression of this function itself (kind 3 in STYLE P11).
"""

from __future__ import annotations

import datetime as dt
import math
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from portcap.ais import clean as clean_module
from portcap.ais.clean import (
    EARTH_MEAN_RADIUS_NMI,
    clean_pings,
    haversine_distance_nmi,
    write_quarantine,
)
from portcap.ais.read import read_ais
from portcap.ais.schema import QUARANTINE_REASONS, ais_ping_schema, quarantine_schema

T0 = dt.datetime(2022, 1, 3)
SHIP = 366000001
OTHER = 366000002
HOME = (33.70, -118.20)  # San Pedro Bay
SNAPSHOT = Path(str(files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"))
CLEAN_REASONS = {r.code for r in QUARANTINE_REASONS.values() if r.stage == "clean"}


def ping(minute: float = 0.0, mmsi: int | None = SHIP, lat=HOME[0], lon=HOME[1], **values):
    """One report as a dict; ``minute`` is the time after T0."""
    row = {
        "mmsi": mmsi,
        "timestamp": None if minute is None else T0 + dt.timedelta(minutes=minute),
        "latitude_deg": lat,
        "longitude_deg": lon,
        "speed_over_ground_kn": 5.0,
        "course_over_ground_deg": 90.0,
        "heading_deg": 91.0,
        "length_m": 200.0,
        "width_m": 32.0,
        "draft_m": 9.5,
        "transceiver_class": "A",
    }
    row.update(values)
    return row


def frame(*rows: dict) -> pl.DataFrame:
    """Canonical pings from row dicts, with source_file 'test.csv' and rows 1..n."""
    data = [{**r, "source_file": "test.csv", "source_row": i} for i, r in enumerate(rows, start=1)]
    return pl.DataFrame(data, schema=ais_ping_schema())


def dropped(result) -> pl.DataFrame:
    return result.quarantine.filter(pl.col("action") == "dropped")


def assert_accounted(pings: pl.DataFrame, result) -> None:
    """Nothing disappears silently: input rows = kept + dropped, counts match the table."""
    assert pings.height == result.pings.height + dropped(result).height
    by_reason = dict(result.quarantine.group_by("reason").len().iter_rows())
    assert {k: v for k, v in result.counts.items() if v} == by_reason
    assert set(result.counts) == CLEAN_REASONS


def rows_of(result, *columns: str) -> list[tuple]:
    return result.quarantine.select(*columns).rows()


# --- value rules: set to null, row kept ----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("speed_over_ground_kn", 102.3, "sog_not_available"),
        ("speed_over_ground_kn", -1.0, "sog_out_of_range"),
        ("speed_over_ground_kn", math.nan, "sog_out_of_range"),
        ("course_over_ground_deg", 360.0, "cog_not_available"),
        ("course_over_ground_deg", 409.5, "cog_out_of_range"),
        ("heading_deg", 511.0, "heading_not_available"),
        ("heading_deg", 360.0, "heading_out_of_range"),
        ("draft_m", 0.0, "draft_zero"),
        ("length_m", 0.0, "length_zero"),
        ("width_m", 0.0, "width_zero"),
        ("draft_m", -2.0, "dimension_negative"),
    ],
)
def test_not_available_and_impossible_values_are_nulled(column, value, reason):
    pings = frame(ping(0), ping(1, **{column: value}))
    result = clean_pings(pings)
    assert result.pings.height == 2
    assert result.pings.get_column(column).to_list()[1] is None
    assert result.pings.get_column(column).to_list()[0] is not None
    assert rows_of(result, "source_row", "reason", "action", "field") == [
        (2, reason, "changed", column)
    ]
    expected = "NaN" if math.isnan(value) else str(value)
    assert result.quarantine.get_column("original_value").item() == expected
    assert result.counts[reason] == 1
    assert_accounted(pings, result)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("speed_over_ground_kn", 0.0),
        ("speed_over_ground_kn", 50.0),
        ("course_over_ground_deg", 0.0),
        ("course_over_ground_deg", 359.9),
        ("heading_deg", 0.0),
        ("heading_deg", 359.0),
        ("draft_m", 0.1),
        ("draft_m", None),
    ],
)
def test_valid_values_are_kept(column, value):
    result = clean_pings(frame(ping(0, **{column: value})))
    assert result.pings.get_column(column).item() == value
    assert result.quarantine.height == 0


def test_record_changes_false_counts_without_listing():
    pings = frame(ping(0, heading_deg=511.0), ping(1, mmsi=None))
    full = clean_pings(pings)
    short = clean_pings(pings, record_changes=False)
    assert short.counts == full.counts
    assert rows_of(short, "reason") == [("mmsi_invalid",)]
    assert_frame_equal(short.pings, full.pings)


def test_sog_not_available_is_never_too_fast():
    result = clean_pings(frame(ping(0), ping(1, speed_over_ground_kn=102.3)), max_speed_kn=50.0)
    assert result.pings.height == 2
    assert result.counts["sog_above_max"] == 0


# --- row rules: dropped --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "reason", "field", "original"),
    [
        ({"mmsi": None}, "mmsi_invalid", "mmsi", None),
        ({"mmsi": 1072211352}, "mmsi_invalid", "mmsi", "1072211352"),  # 10 digits (real row)
        ({"mmsi": 3669999}, "mmsi_not_ship", "mmsi", "3669999"),  # coast station 00MIDxxxx
        ({"mmsi": 36699999}, "mmsi_not_ship", "mmsi", "36699999"),  # group call 0MIDxxxxx
        ({"mmsi": 983105007}, "mmsi_not_ship", "mmsi", "983105007"),  # auxiliary craft (real)
        ({"mmsi": 993669999}, "mmsi_not_ship", "mmsi", "993669999"),  # AtoN 99MIDxxxx
        ({"mmsi": 970123456}, "mmsi_not_ship", "mmsi", "970123456"),  # AIS-SART
        ({"mmsi": 111366123}, "mmsi_not_ship", "mmsi", "111366123"),  # SAR aircraft
        ({"minute": None}, "timestamp_missing", "timestamp", None),
        ({"lat": 91.0}, "latitude_not_available", "latitude_deg", "91.0"),
        ({"lat": None}, "latitude_not_available", "latitude_deg", None),
        ({"lat": -90.5}, "latitude_out_of_range", "latitude_deg", "-90.5"),
        ({"lat": math.nan}, "latitude_out_of_range", "latitude_deg", "NaN"),
        ({"lon": 181.0}, "longitude_not_available", "longitude_deg", "181.0"),
        ({"lon": None}, "longitude_not_available", "longitude_deg", None),
        ({"lon": 200.0}, "longitude_out_of_range", "longitude_deg", "200.0"),
        ({"speed_over_ground_kn": 50.1}, "sog_above_max", "speed_over_ground_kn", "50.1"),
    ],
)
def test_unusable_rows_are_dropped_with_reason(values, reason, field, original):
    bad = ping(**{"minute": 1.5, **values})
    pings = frame(ping(0), ping(1), bad, ping(2))
    result = clean_pings(pings)
    assert result.pings.get_column("source_row").to_list() == [1, 2, 4]
    assert rows_of(result, "source_row", "reason", "action", "field", "original_value") == [
        (3, reason, "dropped", field, original)
    ]
    assert result.counts[reason] == 1
    assert_accounted(pings, result)


@pytest.mark.parametrize("mmsi", [100_000_000, 122_292_919, 367_702_220, 799_999_999])
def test_ship_mmsi_range_is_kept(mmsi):
    # 122292919 is the San Diego pilot boat of the bundled snapshot (MID 122 is unassigned).
    assert clean_pings(frame(ping(0, mmsi=mmsi))).pings.height == 1


def test_ship_mmsi_range_is_a_parameter():
    pings = frame(ping(0, mmsi=122_292_919), ping(0, mmsi=SHIP))
    result = clean_pings(pings, ship_mmsi_range=(200_000_000, 799_999_999))
    assert result.pings.get_column("mmsi").to_list() == [SHIP]
    assert result.counts["mmsi_not_ship"] == 1


def test_row_is_dropped_once_by_its_first_rule():
    result = clean_pings(frame(ping(None, mmsi=None, lat=91.0, speed_over_ground_kn=80.0)))
    assert rows_of(result, "reason") == [("mmsi_invalid",)]


def test_duplicates_keep_the_first_report_in_input_order():
    pings = frame(
        ping(1),  # 1: another time
        ping(0),  # 2: first at 00:00 -> kept
        ping(0),  # 3: same time and position -> duplicate_exact of row 2
        ping(0, lat=33.71),  # 4: same time, other position -> duplicate_timestamp
        ping(0, mmsi=OTHER),  # 5: other vessel at the same time -> kept
    )
    result = clean_pings(pings)
    assert result.pings.get_column("source_row").to_list() == [2, 1, 5]
    assert rows_of(result, "source_row", "reason", "original_value") == [
        (3, "duplicate_exact", "2"),
        (4, "duplicate_timestamp", "33.71,-118.2"),
        (2, "out_of_order", "2"),
    ]
    assert_accounted(pings, result)


def test_duplicate_of_a_dropped_row_is_kept():
    pings = frame(ping(0, speed_over_ground_kn=80.0), ping(0))
    result = clean_pings(pings)
    assert result.pings.get_column("source_row").to_list() == [2]
    assert rows_of(result, "reason") == [("sog_above_max",)]


# --- order ---------------------------------------------------------------------------------


def test_output_is_sorted_and_out_of_order_reports_are_recorded():
    pings = frame(ping(2), ping(0), ping(1), ping(0, mmsi=OTHER))
    result = clean_pings(pings)
    assert result.pings.select("mmsi", "source_row").rows() == [
        (SHIP, 2),
        (SHIP, 3),
        (SHIP, 1),
        (OTHER, 4),
    ]
    # rows 2 and 3 arrived after row 1, which is later in time: both were out of order.
    assert rows_of(result, "source_row", "reason", "action", "original_value") == [
        (2, "out_of_order", "changed", "2"),
        (3, "out_of_order", "changed", "3"),
    ]
    assert_accounted(pings, result)


def test_interleaved_vessels_in_time_order_are_not_out_of_order():
    # MarineCadastre daily files are sorted by time, not by vessel.
    pings = frame(ping(0), ping(0, mmsi=OTHER), ping(1), ping(1, mmsi=OTHER))
    result = clean_pings(pings)
    assert result.counts["out_of_order"] == 0
    assert result.pings.get_column("source_row").to_list() == [1, 3, 2, 4]


def test_sorted_clean_input_is_returned_without_copy():
    pings = frame(ping(0), ping(1), ping(2))
    result = clean_pings(pings)
    assert_frame_equal(result.pings, pings)
    assert result.quarantine.height == 0


# --- position jumps ------------------------------------------------------------------------

ONE_DEGREE_NMI = haversine_distance_nmi(0.0, 0.0, 1.0, 0.0)


@pytest.mark.parametrize(
    ("latitudes", "dropped_rows"),
    [
        # isolated bad fix: the jumped-to report only; C is then compared with A
        ([33.70, 34.70, 33.701, 33.702], [2]),
        # bad first report (stale position): the first report, not the whole track
        ([34.70, 33.70, 33.701, 33.702], [1]),
        # jump at the end of the track: the jumped-to last report
        ([33.70, 33.701, 33.702, 34.70], [4]),
        # two bad fixes in a row
        ([33.70, 34.70, 34.701, 33.701, 33.702], [2, 3]),
    ],
)
def test_jumps_drop_the_bad_reports(latitudes, dropped_rows):
    pings = frame(*(ping(minute, lat=lat) for minute, lat in enumerate(latitudes)))
    result = clean_pings(pings)
    jumps = result.quarantine.filter(pl.col("reason") == "implied_speed_above_max")
    assert sorted(jumps.get_column("source_row").to_list()) == dropped_rows
    assert_accounted(pings, result)


def test_two_report_vessel_drops_the_jumped_to_report():
    result = clean_pings(frame(ping(0), ping(1, lat=HOME[0] + 1.0)))
    assert result.pings.get_column("source_row").to_list() == [1]
    # 1 degree of latitude in 1 minute: 60.04 nmi * 60 / h
    evidence = float(result.quarantine.get_column("original_value").item())
    assert evidence == pytest.approx(ONE_DEGREE_NMI * 60.0, abs=0.05)  # rounded to 0.1 kn


@pytest.mark.parametrize(
    ("seconds", "degrees", "min_distance", "is_jump"),
    [
        (60, 0.0125, 0.5, False),  # 0.75 nmi in 1 min = 45 kn: a fast ship, not a jump
        (60, 0.0200, 0.5, True),  # 1.2 nmi in 1 min = 72 kn
        (5, 0.0050, 0.5, False),  # 0.3 nmi in 5 s = 216 kn, but shorter than the floor
        (5, 0.0050, 0.0, True),  # ... a jump without the floor
    ],
)
def test_jump_needs_speed_and_distance(seconds, degrees, min_distance, is_jump):
    pings = frame(ping(0), ping(seconds / 60.0, lat=HOME[0] + degrees))
    result = clean_pings(pings, min_jump_distance_nmi=min_distance)
    assert result.counts["implied_speed_above_max"] == int(is_jump)


def test_jump_limit_is_a_parameter():
    pings = frame(ping(0), ping(1, lat=HOME[0] + 0.02))  # 72 kn
    assert clean_pings(pings, max_implied_speed_kn=80.0).pings.height == 2


def test_mmsi_shared_by_two_vessels_terminates_and_is_accounted():
    # Two vessels 30 nmi apart broadcasting one MMSI, alternating every minute.
    latitudes = [HOME[0] + (0.5 if i % 2 else 0.0) for i in range(40)]
    pings = frame(*(ping(i, lat=lat) for i, lat in enumerate(latitudes)))
    result = clean_pings(pings, max_jump_rounds=2)
    assert result.counts["implied_speed_above_max"] > 0
    assert result.pings.height > 0
    assert_accounted(pings, result)


# --- contract ------------------------------------------------------------------------------


def test_minimal_frame_with_key_columns_only():
    pings = pl.DataFrame(
        {
            "mmsi": [SHIP, SHIP],
            "timestamp": [T0, T0 + dt.timedelta(minutes=1)],
            "latitude_deg": [33.7, 33.701],
            "longitude_deg": [-118.2, -118.2],
        }
    )
    result = clean_pings(pings)
    assert result.pings.schema == ais_ping_schema()
    assert result.pings.get_column("source_row").to_list() == [1, 2]
    assert result.quarantine.schema == quarantine_schema()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_speed_kn": 0.0}, "speed limits must be positive"),
        ({"max_implied_speed_kn": -1.0}, "speed limits must be positive"),
        ({"max_jump_rounds": -1}, "max_jump_rounds must be >= 0"),
    ],
)
def test_bad_parameters_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        clean_pings(frame(ping(0)), **kwargs)


def test_bad_frames_raise():
    with pytest.raises(ValueError, match="lack required column"):
        clean_pings(frame(ping(0)).drop("latitude_deg"))
    with pytest.raises(ValueError, match="column mmsi has dtype String, expected Int64"):
        clean_pings(frame(ping(0)).with_columns(pl.col("mmsi").cast(pl.String)))


def test_empty_frame():
    result = clean_pings(frame())
    assert result.pings.height == 0
    assert result.quarantine.height == 0


# --- the real MarineCadastre snapshot ------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot():
    read = read_ais(SNAPSHOT)
    return read, clean_pings(read.pings)


def test_snapshot_nothing_disappears(snapshot):
    read, result = snapshot
    assert read.counts["rows_read"] == 4946
    assert_accounted(read.pings, result)
    keys = result.pings.select("mmsi", "timestamp")
    assert keys.is_duplicated().sum() == 0
    assert keys.equals(keys.sort("mmsi", "timestamp"))
    assert result.pings.schema == ais_ping_schema()


def test_snapshot_counts_golden_regression(snapshot):
    # Golden regression: counts produced by this function on the bundled snapshot
    # (checked by hand for the jumps below); it guards against unnoticed changes.
    _, result = snapshot
    assert {k: v for k, v in result.counts.items() if v} == {
        "sog_not_available": 3,
        "cog_not_available": 1116,
        "heading_not_available": 3609,
        "draft_zero": 102,
        "length_zero": 191,
        "width_zero": 205,
        "mmsi_invalid": 5,
        "mmsi_not_ship": 8,
        "duplicate_exact": 2,
        "duplicate_timestamp": 51,
        "implied_speed_above_max": 24,
    }


def test_snapshot_stale_first_report_does_not_cost_the_track(snapshot):
    # NATOMA (338272000): row 1123 at 00:00:00 is at a Long Beach berth, rows 1124-1129
    # are a consistent track off Point Mugu, 45 nmi away, from 4 s later.
    _, result = snapshot
    natoma = result.pings.filter(pl.col("mmsi") == 338272000)
    assert natoma.get_column("source_row").to_list() == [1124, 1125, 1126, 1127, 1128, 1129]
    jump = result.quarantine.filter(pl.col("source_row") == 1123).row(0, named=True)
    assert jump["reason"] == "implied_speed_above_max"


# --- haversine -----------------------------------------------------------------------------


def test_haversine_known_value():
    # One degree of arc on the mean-radius sphere: pi / 180 * R.
    assert haversine_distance_nmi(0.0, 0.0, 1.0, 0.0) == pytest.approx(
        math.pi / 180.0 * EARTH_MEAN_RADIUS_NMI, rel=1e-12
    )
    # across the antimeridian the short way round
    assert haversine_distance_nmi(0.0, 179.5, 0.0, -179.5) == pytest.approx(
        math.pi / 180.0 * EARTH_MEAN_RADIUS_NMI, rel=1e-12
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda v: v,
        np.asarray,
        lambda v: pd.Series(v, index=[10, 20]),
        pl.Series,
    ],
    ids=["list", "ndarray", "pandas", "polars"],
)
def test_haversine_input_types(make):
    latitudes = make([33.7, math.nan])
    result = haversine_distance_nmi(latitudes, -118.2, 34.7, -118.2)
    values = np.asarray(result, dtype=float)
    assert values[0] == pytest.approx(math.pi / 180.0 * EARTH_MEAN_RADIUS_NMI)
    assert math.isnan(values[1])
    if isinstance(latitudes, pd.Series):
        assert list(result.index) == [10, 20]


def test_haversine_polars_expression():
    frame_ = pl.DataFrame({"lat": [0.0, 1.0]})
    out = frame_.select(
        haversine_distance_nmi(pl.col("lat").shift(1), 0.0, pl.col("lat"), 0.0).alias("d")
    )
    assert out.get_column("d").to_list()[1] == pytest.approx(ONE_DEGREE_NMI)


# --- writing the quarantine ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_write_quarantine_round_trip(tmp_path, snapshot, suffix):
    _, result = snapshot
    path = write_quarantine(result.quarantine, tmp_path / "out" / f"quarantine{suffix}")
    assert path.exists()
    if suffix == ".parquet":
        assert_frame_equal(pl.read_parquet(path), result.quarantine)
    else:
        back = pl.read_csv(path, infer_schema=False)
        assert back.columns == list(quarantine_schema())
        assert back.height == result.quarantine.height


def test_write_quarantine_rejects_other_extensions(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.csv or \.parquet"):
        write_quarantine(clean_pings(frame()).quarantine, tmp_path / "q.xlsx")


# --- the jump filter in bounded memory (used by portcap.ais.stream) ----------------------


def random_tracks(seed: int) -> pl.DataFrame:
    """Sorted tracks of a few vessels with many position jumps, some across the antimeridian."""
    rng = np.random.default_rng(seed)
    parts = []
    for vessel in range(int(rng.integers(1, 12))):
        n = int(rng.integers(1, 60))
        seconds = np.cumsum(rng.integers(1, 120, n))
        latitude = 33.7 + np.cumsum(rng.normal(0.0, 0.003, n))
        longitude = -118.2 + np.cumsum(rng.normal(0.0, 0.003, n))
        jumps = rng.random(n) < rng.choice([0.0, 0.05, 0.2, 0.5])
        latitude = np.where(jumps, latitude + rng.choice([-1.0, 1.0], n), latitude)
        if vessel == 0 and seed % 3 == 0:
            longitude = np.where(rng.random(n) < 0.5, 179.99, -179.99)
        parts.append(
            pl.DataFrame(
                {
                    "mmsi": np.full(n, 366_000_000 + vessel, dtype=np.int64),
                    "timestamp": [T0 + dt.timedelta(seconds=int(s)) for s in seconds],
                    "latitude_deg": latitude,
                    "longitude_deg": longitude,
                }
            )
        )
    return pl.concat(parts).with_row_index("_position")


def drops_by_row(frame: pl.DataFrame, column: str) -> list[tuple[int, float]]:
    return sorted(frame.select(column, "implied_speed_kn").iter_rows())


@pytest.mark.parametrize("seed", range(8))
def test_windowed_jump_filter_drops_what_the_whole_table_filter_drops(seed):
    rows = random_tracks(seed)
    kwargs = {
        "max_implied_speed_kn": 60.0,
        "min_distance_nmi": 0.5 if seed % 2 else 0.0,
        "max_rounds": seed % 4,
    }
    whole = clean_module._jump_drops(rows, **kwargs)
    for chunk_rows in (40, 1_000_000):  # 40: windows of 2 touched reports
        windowed = clean_module._jump_drops_windowed(
            rows.drop("_position"), None, chunk_rows=chunk_rows, **kwargs
        )
        assert drops_by_row(windowed, "_row") == drops_by_row(whole, "_position")
    # only some rows taking part (the others as if they were not there)
    members = pl.Series(np.arange(0, rows.height, dtype=np.uint32)).filter(
        pl.Series(np.random.default_rng(seed).random(rows.height) < 0.8)
    )
    whole = clean_module._jump_drops(rows[members], **kwargs)
    windowed = clean_module._jump_drops_windowed(
        rows.drop("_position"), members, chunk_rows=90, **kwargs
    )
    assert drops_by_row(windowed, "_row") == drops_by_row(whole, "_position")


def test_windowed_jump_filter_on_the_snapshot(snapshot):
    read, _ = snapshot
    valid = (
        read.pings.filter(
            clean_module._row_reason(
                max_speed_kn=50.0, ship_mmsi_range=clean_module.SHIP_MMSI_RANGE
            ).is_null()
        )
        .sort("mmsi", "timestamp", maintain_order=True)
        .unique(["mmsi", "timestamp"], keep="first", maintain_order=True)
        .with_row_index("_position")
    )
    kwargs = {"max_implied_speed_kn": 60.0, "min_distance_nmi": 0.5, "max_rounds": 3}
    whole = clean_module._jump_drops(valid, **kwargs)
    assert whole.height == 24
    for chunk_rows in (100, 1_000_000):
        windowed = clean_module._jump_drops_windowed(valid, None, chunk_rows=chunk_rows, **kwargs)
        assert drops_by_row(windowed, "_row") == drops_by_row(whole, "_position")
