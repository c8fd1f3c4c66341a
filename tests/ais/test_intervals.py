from __future__ import annotations

import datetime as dt
from importlib.resources import files

import numpy as np
import polars as pl
import pytest
import shapely
from shapely.geometry import box

from portcap.ais import intervals as intervals_module
from portcap.ais import zones as zones_module
from portcap.ais.intervals import INTERVAL_COLUMNS, build_intervals
from portcap.ais.zones import ZONE_KIND_DTYPE, assign_zones, in_eca, load_zones

T0 = dt.datetime(2022, 1, 3, 0, 0, 0)
LBCT = (33.7574, -118.2142)  # moored at Long Beach Container Terminal (berth)
ANCHORAGE_B = (33.7212, -118.2265)  # Commercial Anchorage B
OFFSHORE = (33.50, -118.40)  # open sea, inside the ECA, in no zone
MID_PACIFIC = (30.00, -140.00)  # outside the ECA


def pings_frame(rows, **extra):
    """rows: (mmsi, minutes after T0, (lat, lon), sog or None)."""
    data = {
        "mmsi": [r[0] for r in rows],
        "timestamp": [T0 + dt.timedelta(minutes=r[1]) for r in rows],
        "latitude_deg": [r[2][0] for r in rows],
        "longitude_deg": [r[2][1] for r in rows],
        "speed_over_ground_kn": [r[3] for r in rows],
        **extra,
    }
    return pl.DataFrame(
        data,
        schema_overrides={"timestamp": pl.Datetime("us"), "speed_over_ground_kn": pl.Float64},
    )


@pytest.fixture(scope="module")
def zones():
    return load_zones()


def spans_h(pings):
    return (
        pings.group_by("mmsi")
        .agg((pl.col("timestamp").max() - pl.col("timestamp").min()).dt.total_seconds())
        .get_column("timestamp")
        .sum()
        / 3600
    )


def test_columns_and_forward_durations(zones):
    pings = pings_frame(
        [(1, 0, LBCT, 0.0), (1, 10, LBCT, 0.1), (1, 30, LBCT, 0.0), (1, 50, LBCT, 0.2)]
    )
    intervals, report = build_intervals(pings, zones)
    assert intervals.columns == list(INTERVAL_COLUMNS)
    assert intervals["duration_h"].to_list() == pytest.approx([10 / 60, 20 / 60, 20 / 60, 0.0])
    assert intervals["duration_h"].sum() == pytest.approx(50 / 60)
    assert report["total_duration_h"] == pytest.approx(50 / 60)
    assert intervals["start"].to_list() == pings["timestamp"].to_list()
    assert intervals["end"][:3].to_list() == pings["timestamp"][1:].to_list()
    assert intervals["terminal"].unique().to_list() == ["POLB_LBCT_PIERE"]
    assert not intervals["interpolated"].any()


def test_last_report_has_zero_duration(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 5, LBCT, 0.4)])
    intervals, _ = build_intervals(pings, zones)
    last = intervals.row(-1, named=True)
    assert last["duration_h"] == 0.0
    assert last["start"] == last["end"] == T0 + dt.timedelta(minutes=5)
    assert last["speed_over_ground_kn"] == 0.4  # the report's own speed


def test_forward_attribution_of_state(zones):
    # at anchor, then 20 min later alongside: the interval belongs to the anchorage report
    pings = pings_frame([(1, 0, ANCHORAGE_B, 0.0), (1, 20, LBCT, 0.0)])
    intervals, _ = build_intervals(pings, zones)
    assert intervals["zone_kind"].to_list() == ["anchorage", "berth"]
    assert intervals["zone_id"][0] == "cfr-anchorage-b"
    assert intervals["duration_h"].to_list() == pytest.approx([1 / 3, 0.0])


@pytest.mark.parametrize(
    ("sog", "expected_kn"),
    [
        ((10.0, 12.0), 11.0),  # mean of the two reports
        ((10.0, None), 10.0),  # the one known
        ((None, 12.0), 12.0),
        ((None, None), 10.0),  # 1 arc-minute of latitude (~1 nmi) in 6 min
    ],
)
def test_interval_speed(zones, sog, expected_kn):
    north = (OFFSHORE[0] + 1 / 60, OFFSHORE[1])
    pings = pings_frame([(1, 0, OFFSHORE, sog[0]), (1, 6, north, sog[1])])
    intervals, report = build_intervals(pings, zones)
    # tolerance: sphere of mean radius vs the nautical mile (1 nmi = 1 arc-minute only on
    # average), 0.1 %
    assert intervals["speed_over_ground_kn"][0] == pytest.approx(expected_kn, rel=1e-3)
    assert report["n_speed_implied"] == (1 if sog == (None, None) else 0)


def test_bridged_gap_is_split_and_flagged(zones):
    pings = pings_frame(
        [(1, 0, ANCHORAGE_B, 0.0), (1, 180, LBCT, 0.0), (1, 190, LBCT, 0.0)],
        vessel_name=["A", "B", "C"],
    )
    intervals, report = build_intervals(pings, zones)
    assert intervals.height == 4
    assert intervals["interpolated"].to_list() == [True, True, False, False]
    assert intervals["duration_h"].to_list() == pytest.approx([1.5, 1.5, 1 / 6, 0.0])
    # first half in the earlier report's state, second half in the later one's
    assert intervals["zone_kind"].to_list() == ["anchorage", "berth", "berth", "berth"]
    assert intervals["vessel_name"].to_list() == ["A", "B", "B", "C"]
    assert intervals["end"][0] == intervals["start"][1] == T0 + dt.timedelta(minutes=90)
    assert report["n_bridged_gaps"] == 1
    assert report["bridged_duration_h"] == pytest.approx(3.0)
    assert report["observed_duration_h"] == pytest.approx(1 / 6)
    assert report["total_duration_h"] == pytest.approx(spans_h(pings))


def test_cut_gap_is_not_counted_and_reported(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 30 * 60, LBCT, 0.0), (1, 30 * 60 + 6, LBCT, 0.0)])
    intervals, report = build_intervals(pings, zones)
    assert intervals["duration_h"].to_list() == pytest.approx([0.0, 0.1, 0.0])
    assert not intervals["interpolated"].any()
    assert report["n_cut_gaps"] == 1
    assert report["cut_duration_h"] == pytest.approx(30.0)
    cut = report["cut_gaps"].row(0, named=True)
    assert cut["mmsi"] == 1
    assert cut["gap_h"] == pytest.approx(30.0)
    assert cut["end"] - cut["start"] == dt.timedelta(hours=30)
    assert report["total_duration_h"] + report["cut_duration_h"] == pytest.approx(spans_h(pings))


@pytest.mark.parametrize(
    ("gap_min", "category"),
    [
        (60, "observed"),  # == max_gap_h
        (61, "bridged"),
        (24 * 60, "bridged"),  # == max_bridge_h
        (24 * 60 + 1, "cut"),
    ],
)
def test_gap_thresholds(zones, gap_min, category):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, gap_min, LBCT, 0.0)])
    intervals, report = build_intervals(pings, zones, max_gap_h=1.0, max_bridge_h=24.0)
    counted = {"observed": gap_min / 60, "bridged": gap_min / 60, "cut": 0.0}[category]
    assert intervals["duration_h"].sum() == pytest.approx(counted)
    assert report["n_bridged_gaps"] == (category == "bridged")
    assert report["n_cut_gaps"] == (category == "cut")
    assert intervals["interpolated"].any() == (category == "bridged")


def test_custom_gap_parameters(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 30, LBCT, 0.0), (1, 150, LBCT, 0.0)])
    _, report = build_intervals(pings, zones, max_gap_h=0.25, max_bridge_h=1.0)
    assert report["n_bridged_gaps"] == 1  # 30 min
    assert report["n_cut_gaps"] == 1  # 2 h
    assert report["total_duration_h"] == pytest.approx(0.5)


def test_vessels_are_not_paired_with_each_other(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 10, LBCT, 0.0), (2, 20, OFFSHORE, 12.0)])
    intervals, report = build_intervals(pings, zones)
    assert intervals["duration_h"].to_list() == pytest.approx([1 / 6, 0.0, 0.0])
    assert report["n_vessels"] == 2


def test_duplicate_timestamps_give_zero_duration(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 0, LBCT, 0.0), (1, 6, LBCT, 0.0)])
    intervals, _ = build_intervals(pings, zones)
    assert intervals["duration_h"].to_list() == pytest.approx([0.0, 0.1, 0.0])


def test_day_boundary_joins_daily_files(zones):
    day1 = pings_frame([(1, -30, LBCT, 0.0), (1, -10, LBCT, 0.0), (2, -5, OFFSHORE, 11.0)])
    day2 = pings_frame([(1, 10, LBCT, 0.0), (1, 30, LBCT, 0.0), (2, 25, OFFSHORE, 13.0)])
    sorted_pings = pl.concat([day1, day2]).sort("mmsi", "timestamp")
    intervals, report = build_intervals(sorted_pings, zones)
    across = intervals.filter(pl.col("start") == T0 - dt.timedelta(minutes=10))
    assert across["end"].item() == T0 + dt.timedelta(minutes=10)
    assert across["duration_h"].item() == pytest.approx(1 / 3)
    assert not across["interpolated"].item()
    assert report["n_cut_gaps"] == report["n_bridged_gaps"] == 0
    assert not report["resorted"]
    # files concatenated in any order give the same intervals
    shuffled, report2 = build_intervals(pl.concat([day2, day1]), zones)
    assert report2["resorted"]
    assert shuffled.equals(intervals)


@pytest.mark.parametrize(
    ("position", "inside"),
    [(OFFSHORE, True), ((33.65, -118.25), True), (MID_PACIFIC, False)],
)
def test_eca_flag(zones, position, inside):
    pings = pings_frame([(1, 0, position, 12.0), (1, 30, position, 12.0)])
    intervals, _ = build_intervals(pings, zones)
    assert intervals["in_eca"].to_list() == [inside, inside]


def test_custom_eca_geometry(zones):
    pings = pings_frame([(1, 0, MID_PACIFIC, 12.0), (1, 30, OFFSHORE, 12.0)])
    intervals, _ = build_intervals(pings, zones, eca=box(-141, 29, -139, 31))
    assert intervals["in_eca"].to_list() == [True, False]


def test_passthrough_and_nan_speed(zones):
    pings = pings_frame(
        [(1, 0, LBCT, float("nan")), (1, 6, LBCT, 0.2)], vessel_type=[70, 70]
    ).with_columns(pl.col("mmsi").cast(pl.Int32))
    intervals, _ = build_intervals(pings, zones)
    assert intervals["vessel_type"].to_list() == [70, 70]
    assert intervals.schema["mmsi"] == pl.Int32
    assert intervals["speed_over_ground_kn"][0] == pytest.approx(0.2)  # NaN treated as missing


def test_empty_pings(zones):
    pings = pings_frame([])
    intervals, report = build_intervals(pings, zones)
    assert intervals.height == 0
    assert report["n_pings"] == report["n_vessels"] == report["n_cut_gaps"] == 0
    assert report["total_duration_h"] == 0.0


def test_random_tracks_conserve_time(zones):
    rng = np.random.default_rng(3)
    n = 5_000
    mmsi = np.sort(rng.integers(1, 40, n))
    minutes = rng.choice([1, 3, 10, 90, 600, 3000], size=n, p=[0.4, 0.3, 0.2, 0.05, 0.04, 0.01])
    times = np.cumsum(minutes)
    rows = [
        (int(m), int(t), (33.6 + rng.random() * 0.2, -118.3 + rng.random() * 0.2), 5.0)
        for m, t in zip(mmsi, times, strict=True)
    ]
    pings = pings_frame(rows)
    intervals, report = build_intervals(pings, zones)
    assert (intervals["duration_h"] >= 0).all()
    assert intervals.height == n + report["n_bridged_gaps"]
    assert report["total_duration_h"] + report["cut_duration_h"] == pytest.approx(spans_h(pings))
    assert report["total_duration_h"] == pytest.approx(
        report["observed_duration_h"] + report["bridged_duration_h"]
    )
    # intervals of a vessel tile its track without overlap
    starts = intervals.group_by("mmsi").agg(
        (pl.col("start").shift(-1) >= pl.col("end")).drop_nulls().all()
    )
    assert starts["start"].all()


def test_real_snapshot(zones):
    path = files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"
    raw = pl.read_csv(path.read_bytes())
    pings = raw.select(
        pl.col("MMSI").alias("mmsi"),
        pl.col("BaseDateTime").str.to_datetime("%Y-%m-%dT%H:%M:%S").alias("timestamp"),
        pl.col("LAT").alias("latitude_deg"),
        pl.col("LON").alias("longitude_deg"),
        pl.col("SOG").alias("speed_over_ground_kn"),
        pl.col("VesselType").alias("vessel_type"),
    ).sort("mmsi", "timestamp")
    intervals, report = build_intervals(pings, zones)
    assert report["n_pings"] == pings.height
    assert intervals.height == pings.height + report["n_bridged_gaps"]
    assert report["total_duration_h"] + report["cut_duration_h"] == pytest.approx(spans_h(pings))
    # the snapshot holds 00-01 and 23-24 UTC only: the ~22 h holes are bridged by default
    # (ships at berth or anchor at both ends) and cut with a shorter max_bridge_h
    assert report["n_bridged_gaps"] > 100
    _, strict = build_intervals(pings, zones, max_bridge_h=12.0)
    assert strict["n_cut_gaps"] > 100
    assert strict["n_bridged_gaps"] < report["n_bridged_gaps"]
    berth = intervals.filter(
        (pl.col("zone_kind") == "berth") & pl.col("vessel_type").is_between(70, 79)
    )
    assert set(berth["terminal"].cast(pl.String).str.slice(0, 4)) == {"POLA", "POLB"}
    assert berth["duration_h"].sum() > 5


@pytest.mark.parametrize(
    ("mutate", "error", "match"),
    [
        (lambda p: p.drop("speed_over_ground_kn"), ValueError, "lack the column"),
        (lambda p: p.with_columns(pl.col("timestamp").cast(pl.String)), TypeError, "Datetime"),
        (lambda p: p.with_columns(pl.lit(None).cast(pl.Int64).alias("mmsi")), ValueError, "null"),
        (lambda p: p.with_columns(zone_id=pl.lit("x")), ValueError, "zone_id"),
        (lambda p: p.to_pandas(), TypeError, "polars DataFrame"),
    ],
)
def test_invalid_pings(zones, mutate, error, match):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 6, LBCT, 0.0)])
    with pytest.raises(error, match=match):
        build_intervals(mutate(pings), zones)


@pytest.mark.parametrize(
    ("max_gap_h", "max_bridge_h"), [(0.0, 24.0), (-1.0, 24.0), (2.0, 1.0), (float("nan"), 2.0)]
)
def test_invalid_gap_parameters(zones, max_gap_h, max_bridge_h):
    pings = pings_frame([(1, 0, LBCT, 0.0)])
    with pytest.raises(ValueError, match="max_"):
        build_intervals(pings, zones, max_gap_h=max_gap_h, max_bridge_h=max_bridge_h)


# ------------------------------------------------------------- compact output, fast path


def test_zone_columns_are_enums(zones):
    pings = pings_frame([(1, 0, LBCT, 0.0), (1, 10, ANCHORAGE_B, 0.0), (1, 20, OFFSHORE, 9.0)])
    intervals, _ = build_intervals(pings, zones)
    assert intervals.schema["zone_kind"] == ZONE_KIND_DTYPE
    assert intervals.schema["zone_id"] == zones.zone_id_dtype
    assert intervals.schema["terminal"] == zones.terminal_dtype
    assert intervals["zone_kind"].to_list() == ["berth", "anchorage", None]
    assert intervals["terminal"].to_list() == ["POLB_LBCT_PIERE", None, None]
    assert intervals.filter(pl.col("zone_kind") == "berth").height == 1


def test_position_and_passthrough_columns_are_shared_with_the_pings(zones):
    rng = np.random.default_rng(5)
    n = 1_000
    pings = pl.DataFrame(
        {
            "mmsi": np.repeat([1, 2], n // 2),
            "timestamp": np.tile(np.arange(n // 2) * 60_000_000, 2).astype("datetime64[us]"),
            "latitude_deg": rng.uniform(33.70, 33.76, n),
            "longitude_deg": rng.uniform(-118.28, -118.20, n),
            "speed_over_ground_kn": rng.uniform(0, 5, n),
            "draft_m": rng.uniform(5, 15, n),
        }
    )
    intervals, report = build_intervals(pings, zones)
    assert report["n_bridged_gaps"] == 0
    for column in ("latitude_deg", "longitude_deg", "draft_m"):
        assert np.shares_memory(intervals[column].to_numpy(), pings[column].to_numpy())


def _reference_intervals(pings, zones, max_gap_h=1.0, max_bridge_h=24.0):
    """The polars-expression implementation that build_intervals replaced (for comparison)."""
    df = pings.sort(["mmsi", "timestamp"], maintain_order=True).with_columns(
        pl.col("latitude_deg", "longitude_deg", "speed_over_ground_kn")
        .cast(pl.Float64)
        .fill_nan(None)
    )
    lat = df["latitude_deg"].to_numpy().astype(float)
    lon = df["longitude_deg"].to_numpy().astype(float)
    zone = assign_zones(lat, lon, zones)
    df = df.with_columns(
        pl.Series("zone_id", zone.zone_id.tolist(), dtype=pl.String),
        pl.Series("zone_kind", zone.zone_kind.tolist(), dtype=pl.String),
        pl.Series("terminal", zone.terminal.tolist(), dtype=pl.String),
        pl.Series("in_eca", in_eca(lat, lon)),
    ).with_row_index("_row")

    def following(column):
        return pl.col(column).shift(-1).over("mmsi")

    sog, sog_next = pl.col("speed_over_ground_kn"), following("speed_over_ground_kn")
    gap_h = (following("timestamp") - pl.col("timestamp")).dt.total_microseconds() / 3.6e9
    implied = (
        pl.when(pl.col("_gap_h") > 0)
        .then(
            intervals_module._haversine_nmi(
                pl.col("latitude_deg"),
                pl.col("longitude_deg"),
                following("latitude_deg"),
                following("longitude_deg"),
            )
            / pl.col("_gap_h")
        )
        .otherwise(None)
    )
    df = df.with_columns(_next_ts=following("timestamp"), _gap_h=gap_h).with_columns(
        _category=pl.when(pl.col("_gap_h").is_null())
        .then(pl.lit("last"))
        .when(pl.col("_gap_h") <= max_gap_h)
        .then(pl.lit("observed"))
        .when(pl.col("_gap_h") <= max_bridge_h)
        .then(pl.lit("bridged"))
        .otherwise(pl.lit("cut")),
        _implied=sog.is_null() & sog_next.is_null() & implied.is_not_null(),
        _pair_speed=pl.when(sog.is_not_null() & sog_next.is_not_null())
        .then((sog + sog_next) / 2)
        .otherwise(pl.coalesce(sog, sog_next, implied)),
    )
    category = pl.col("_category")
    counted = category.is_in(["observed", "bridged"])
    midpoint = pl.col("timestamp") + (pl.col("_next_ts") - pl.col("timestamp")) / 2
    passthrough = [c for c in pings.columns if c not in intervals_module.REQUIRED_PING_COLUMNS]
    tail = ["zone_id", "zone_kind", "terminal", "in_eca"]
    forward = df.select(
        pl.col("mmsi"),
        pl.col("timestamp").alias("start"),
        pl.when(category == "observed")
        .then(pl.col("_next_ts"))
        .when(category == "bridged")
        .then(midpoint)
        .otherwise(pl.col("timestamp"))
        .alias("end"),
        pl.when(counted).then(pl.col("_pair_speed")).otherwise(sog).alias("speed_over_ground_kn"),
        pl.col("latitude_deg", "longitude_deg", *tail),
        (category == "bridged").alias("interpolated"),
        *passthrough,
        (pl.col("_row").cast(pl.Int64) * 2).alias("_key"),
        (counted & pl.col("_implied")).alias("_implied"),
    )
    second = (
        df.with_columns(
            _prev_category=category.shift(1).over("mmsi"),
            _prev_mid=midpoint.shift(1).over("mmsi"),
            _prev_speed=pl.col("_pair_speed").shift(1).over("mmsi"),
            _prev_implied=pl.col("_implied").shift(1).over("mmsi"),
        )
        .filter(pl.col("_prev_category") == "bridged")
        .select(
            pl.col("mmsi"),
            pl.col("_prev_mid").alias("start"),
            pl.col("timestamp").alias("end"),
            pl.col("_prev_speed").alias("speed_over_ground_kn"),
            pl.col("latitude_deg", "longitude_deg", *tail),
            pl.lit(value=True).alias("interpolated"),
            *passthrough,
            (pl.col("_row").cast(pl.Int64) * 2 - 1).alias("_key"),
            pl.col("_prev_implied").alias("_implied"),
        )
    )
    intervals = (
        pl.concat([forward, second])
        .sort("_key")
        .with_columns(
            ((pl.col("end") - pl.col("start")).dt.total_microseconds() / 3.6e9).alias("duration_h")
        )
    )
    n_implied = int(intervals["_implied"].sum())
    intervals = intervals.select(*INTERVAL_COLUMNS, *passthrough)
    cut = df.filter(category == "cut").select(
        pl.col("mmsi"),
        pl.col("timestamp").alias("start"),
        pl.col("_next_ts").alias("end"),
        pl.col("_gap_h").alias("gap_h"),
    )
    return intervals, n_implied, cut


def random_pings(seed, n, *, time_unit="us"):
    """Tracks with every gap category, missing speeds and positions, near zone edges."""
    rng = np.random.default_rng(seed)
    mmsi = np.sort(rng.integers(1, 60, n))
    minutes = rng.choice([0, 1, 3, 10, 61, 90, 600, 1500, 3000], size=n)
    seconds = np.cumsum(minutes * 60 + rng.integers(0, 60, n))
    coords = shapely.get_coordinates(load_zones().geometry)
    near = coords[rng.integers(0, len(coords), n)] + rng.normal(0, 2e-5, (n, 2))
    bay = np.column_stack([rng.uniform(-118.30, -118.10, n), rng.uniform(33.62, 33.80, n)])
    position = np.where(rng.random((n, 1)) < 0.5, near, bay)
    sog = rng.uniform(0, 15, n)
    sog[rng.random(n) < 0.2] = np.nan
    lat = position[:, 1].copy()
    lat[rng.random(n) < 0.01] = np.nan
    frame = pl.DataFrame(
        {
            "mmsi": mmsi,
            "timestamp": (seconds * 1_000_000 + rng.integers(0, 1000, n)).astype("datetime64[us]"),
            "latitude_deg": lat,
            "longitude_deg": position[:, 0],
            "speed_over_ground_kn": sog,
            "vessel_name": [f"V{m}" for m in mmsi],
        }
    )
    return frame.with_columns(pl.col("timestamp").cast(pl.Datetime(time_unit)))


def _as_strings(intervals):
    return intervals.with_columns(pl.col("zone_id", "zone_kind", "terminal").cast(pl.String))


@pytest.mark.parametrize(
    ("block_rows", "shared_pieces", "min_points", "time_unit"),
    [
        (1 << 17, 64, 10**9, "us"),  # one block, exact zone test, pieces shared
        (7, 64, 0, "us"),  # tiny blocks: gaps and bridges across block edges; rasters
        (1000, 0, 0, "ns"),  # second halves gathered, not shared; nanoseconds
        (64, 10**6, 0, "ms"),
    ],
)
def test_matches_reference_implementation(
    zones, monkeypatch, block_rows, shared_pieces, min_points, time_unit
):
    monkeypatch.setattr(intervals_module, "_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(intervals_module, "_MAX_SHARED_PIECES", shared_pieces)
    monkeypatch.setattr(zones_module, "_RASTER_MIN_POINTS", min_points)
    pings = random_pings(11, 3_000, time_unit=time_unit)
    intervals, report = build_intervals(pings, zones)
    expected, n_implied, cut = _reference_intervals(pings, zones)
    assert report["n_bridged_gaps"] > 50
    assert report["n_cut_gaps"] > 50
    assert report["n_speed_implied"] == n_implied > 0
    assert _as_strings(intervals).equals(expected)  # bit for bit
    assert report["cut_gaps"].equals(cut)
    assert report["total_duration_h"] == pytest.approx(expected["duration_h"].sum(), rel=1e-12)
    assert (
        report["n_speed_missing"]
        == expected.filter(
            (pl.col("duration_h") > 0) & pl.col("speed_over_ground_kn").is_null()
        ).height
    )


def test_unsorted_input_matches_reference(zones, monkeypatch):
    monkeypatch.setattr(intervals_module, "_BLOCK_ROWS", 100)
    pings = random_pings(12, 2_000)
    shuffled = pings.sample(fraction=1.0, shuffle=True, seed=1)
    intervals, report = build_intervals(shuffled, zones)
    assert report["resorted"]
    expected, _, _ = _reference_intervals(shuffled, zones)
    assert _as_strings(intervals).equals(expected)


def test_string_mmsi(zones):
    pings = random_pings(13, 500).with_columns(pl.col("mmsi").cast(pl.String).str.zfill(9))
    intervals, _ = build_intervals(pings, zones)
    expected, _, _ = _reference_intervals(pings, zones)
    assert _as_strings(intervals).equals(expected)
