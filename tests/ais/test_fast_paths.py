"""The faster paths of ``portcap ships`` give the results of the straightforward ones.

Each test sets a fast path against the plain computation it replaces, on random or edge
inputs and on the real MarineCadastre snapshot: the numpy screen of the jump filter
against the exact legs, the union of window ranges against a set union, the per-column
flag chains against the rule masks, IMO parsing per run of rows against row by row, the
quarantine written in the background against the one written in place, look-ups by
position against the joins, the wide group-by of the emissions against the long one, and
the shore-power window on the vessels that use it against the whole table. These are
equivalence tests of our own code (kind 2 of STYLE P11, with the plain path as the
independent implementation): every comparison is exact.
"""

from __future__ import annotations

import datetime as dt
import threading
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from pandas.testing import assert_frame_equal as assert_pandas_equal
from polars.testing import assert_frame_equal

from portcap import engine, factors, inventory
from portcap.ais import clean, partitioned, read, stream
from portcap.errors import InputError
from portcap.sources import ships
from portcap.sources._arrays import lookup

SNAPSHOT = Path(str(files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"))
SNAPSHOT_LINES = SNAPSHOT.read_text().splitlines()
T0 = dt.datetime(2022, 1, 3)


# --- the jump filter ---------------------------------------------------------------------


def random_legs(seed: int) -> pl.DataFrame:
    """Sorted tracks with legs of every length and speed, anywhere on the globe.

    Positions hop by up to tens of degrees (or by metres), across the antimeridian and
    near the poles, with 1 s to 2 h between reports, so implied speeds cover the limits.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for vessel in range(int(rng.integers(1, 8))):
        n = int(rng.integers(2, 80))
        seconds = np.cumsum(rng.choice([1, 5, 30, 60, 600, 7200], n))
        scale = rng.choice([1e-5, 1e-3, 1e-2, 0.1, 1.0, 30.0])
        latitude = np.clip(rng.uniform(-85.0, 85.0) + np.cumsum(rng.normal(0.0, scale, n)), -90, 90)
        longitude = rng.uniform(-180.0, 180.0) + np.cumsum(rng.normal(0.0, scale, n))
        longitude = (longitude + 180.0) % 360.0 - 180.0
        if vessel == 0:
            longitude = np.where(rng.random(n) < 0.5, 179.999, -179.999)
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
    return pl.concat(parts)


def exact_jumps(rows: pl.DataFrame, limit_kn: float, min_distance_nmi: float) -> set[int]:
    """Positions of the reports whose leg from the report before is a jump (exact legs)."""
    track = clean._track_columns(rows)
    n = rows.height
    back = pl.Series(np.arange(n - 1), dtype=pl.UInt32)
    distance, speed = clean._legs(track, back, back + 1)
    same = rows.get_column("mmsi").to_numpy()
    jump = (
        (same[1:] == same[:-1])
        & (speed > limit_kn).to_numpy()
        & (distance > min_distance_nmi).to_numpy()
    )
    return set((np.flatnonzero(jump) + 1).tolist())


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("limit_kn", "min_distance_nmi"), [(60.0, 0.5), (60.0, 0.0), (5.0, 0.1)])
def test_jump_screen_keeps_every_exact_jump(seed, limit_kn, min_distance_nmi):
    rows = random_legs(seed)
    exact = exact_jumps(rows, limit_kn, min_distance_nmi)
    for chunk_rows in (7, 1_000_000):
        candidates = clean._screen_candidates(
            rows,
            None,
            limit_kn=limit_kn,
            min_distance_nmi=min_distance_nmi,
            chunk_rows=chunk_rows,
        )
        assert exact <= set(candidates.to_list())
    # only some rows taking part: the legs join the members
    members = np.flatnonzero(np.random.default_rng(seed).random(rows.height) < 0.7)
    subset = rows[pl.Series(members)]
    candidates = clean._screen_candidates(
        rows,
        members.astype(np.uint32),
        limit_kn=limit_kn,
        min_distance_nmi=min_distance_nmi,
        chunk_rows=11,
    )
    assert exact_jumps(subset, limit_kn, min_distance_nmi) <= set(candidates.to_list())


def test_jump_screen_with_an_infinite_limit_finds_nothing():
    rows = random_legs(3)
    found = clean._screen_candidates(
        rows, None, limit_kn=float("inf"), min_distance_nmi=0.0, chunk_rows=100
    )
    assert found.len() == 0


@pytest.mark.parametrize("seed", range(40))
def test_union_of_ranges_is_the_union_of_the_windows(seed):
    rng = np.random.default_rng(seed)
    n_rows = int(rng.integers(1, 80))
    reach = int(rng.integers(0, 10))
    centres = np.sort(rng.integers(0, n_rows, int(rng.integers(1, 25))))
    expected = sorted(
        {i for c in centres for i in range(c - reach, c + reach + 1) if 0 <= i < n_rows}
    )
    assert clean._union_of_ranges(centres, reach, n_rows).tolist() == expected


@pytest.mark.parametrize("chunk_rows", [1, 17, 40, 500])
def test_window_groups_split_touched_reports_into_bounded_windows(chunk_rows):
    rng = np.random.default_rng(chunk_rows)
    touched = pl.Series(np.unique(rng.integers(0, 5_000, 700)), dtype=pl.UInt32)
    groups = list(clean._window_groups(touched, chunk_rows))
    assert pl.concat(groups).to_list() == touched.to_list()
    width = 2 * clean._CONTEXT_REACH
    for group in groups:
        window = clean._union_of_ranges(
            group.to_numpy().astype(np.int64), clean._CONTEXT_REACH, 10_000
        )
        assert len(window) <= max(chunk_rows, width + 1) + width


@pytest.mark.parametrize("seed", range(6))
def test_windowed_jump_filter_in_any_chunk_size_drops_what_the_whole_filter_drops(seed):
    rows = random_legs(seed + 100).with_row_index("_position")
    kwargs = {"max_implied_speed_kn": 60.0, "min_distance_nmi": 0.5, "max_rounds": 3}
    whole = sorted(
        clean._jump_drops(rows, **kwargs).select("_position", "implied_speed_kn").iter_rows()
    )
    for chunk_rows in (1, 17, 64):
        windowed = clean._jump_drops_windowed(
            rows.drop("_position"), None, chunk_rows=chunk_rows, **kwargs
        )
        assert sorted(windowed.select("_row", "implied_speed_kn").iter_rows()) == whole


# --- flags and IMO of a batch ----------------------------------------------------------------


def test_value_flags_are_the_bits_of_the_rule_masks():
    values = {
        "speed_over_ground_kn": [None, float("nan"), -1.0, 102.3, 102.34, 102.36, 0.0, 12.0],
        "course_over_ground_deg": [None, 360.0, 359.97, 359.94, 400.0, -0.0, -1.0, 90.0],
        "heading_deg": [None, 511.0, 360.0, 359.0, -3.0, 0.0, float("nan"), 511.0],
        "draft_m": [None, 0.0, -0.0, -2.0, 9.5, float("nan"), 0.0, 1.0],
        "length_m": [0.0, None, -3.0, 200.0, float("inf"), 0.0, -0.0, 1.0],
        "width_m": [-0.0, 0.0, None, 32.0, -1.0, float("nan"), 3.0, 0.0],
    }
    frame = pl.DataFrame(values, schema=dict.fromkeys(values, pl.Float64))
    masks = clean._rule_masks(clean._null_rules())
    expected = frame.select(
        pl.sum_horizontal(m.cast(pl.UInt16) * (1 << i) for i, m in enumerate(masks))
        .cast(pl.UInt16)
        .alias("_flags")
    )
    assert_frame_equal(frame.select(stream._flags_expr()), expected)


def test_imo_from_text_parses_each_row_as_row_by_row():
    texts = [
        *["IMO9380738"] * 3,
        None,
        None,
        "IMO0000000",
        "IMO12",
        "IMO12",
        "",
        "9380738",
        "IMO-123456",
        "IMO+123456",
        "IMOabcdefg",
        "IMO93807380",
        "IMO9380738",
        None,
    ]
    raw = pl.Series("imo_text", texts, dtype=pl.String)
    digits = raw.str.strip_prefix("IMO")
    number = digits.cast(pl.Int64, strict=False)
    well_formed = number.is_not_null() & (digits.str.len_bytes() == 7)
    expected = pl.select(
        pl.when(well_formed & (number != 0)).then(number).alias("imo"),
        pl.when(raw.is_not_null() & ~well_formed).then(raw).alias("_imo_text"),
    )
    imo, odd = read._imo_from_text(raw)
    assert_frame_equal(pl.DataFrame([imo, odd]), expected)


# --- the quarantine in the background -----------------------------------------------------


def edge_file(folder: Path) -> Path:
    """The snapshot, unsorted, with value changes, drops and duplicates mixed in."""
    lines = list(SNAPSHOT_LINES)
    fields = lines[12].split(",")
    fields[4] = "102.3"  # SOG not available
    lines[12] = ",".join(fields)
    fields = lines[13].split(",")
    fields[5] = "359.97"  # COG not available, kept as text
    lines[13] = ",".join(fields)
    lines.insert(50, lines[49])  # an exact duplicate
    body = lines[1:]
    body.reverse()
    path = folder / "edge.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n")
    return path


def quarantine_set(path: Path) -> pl.DataFrame:
    table = pl.read_parquet(path)
    return table.with_columns(pl.col("source_file").cast(pl.String)).sort(pl.all(), nulls_last=True)


def test_quarantine_written_in_the_background_is_the_same(tmp_path):
    source = edge_file(tmp_path)
    in_place = stream.load_clean_ais(
        source, quarantine_path=tmp_path / "a" / "q.parquet", batch_rows=700
    )
    background = stream.load_clean_ais(
        source,
        quarantine_path=tmp_path / "b" / "q.parquet",
        batch_rows=700,
        quarantine_in_background=True,
    )
    assert background.wait() == tmp_path / "b" / "q.parquet"
    assert background.wait() == tmp_path / "b" / "q.parquet"  # waiting again is harmless
    assert_frame_equal(background.pings, in_place.pings)
    assert background.counts == in_place.counts
    assert background.counts["out_of_order"] > 0
    assert background.counts["sog_not_available"] > 0
    assert_frame_equal(
        quarantine_set(tmp_path / "b" / "q.parquet"), quarantine_set(tmp_path / "a" / "q.parquet")
    )
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["q.parquet"]


def test_an_error_of_the_background_writer_is_raised_by_wait(tmp_path, monkeypatch):
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(stream, "_write_quarantine", fail)
    result = stream.load_clean_ais(
        SNAPSHOT, quarantine_path=tmp_path / "q.parquet", quarantine_in_background=True
    )
    result.close()  # clean-up path: joins without raising
    with pytest.raises(OSError, match="disk full"):
        result.wait()
    assert result.wait() == tmp_path / "q.parquet"  # the error is raised once
    assert list(tmp_path.iterdir()) == []  # no scratch folder left


def test_run_ships_returns_with_the_quarantine_complete(tmp_path):
    target = tmp_path / "q.parquet"
    run = engine.run_ships(SNAPSHOT, quarantine_path=target)
    expected = stream.load_clean_ais(SNAPSHOT, quarantine_path=tmp_path / "expected.parquet")
    assert run.quarantine_path == target
    assert_frame_equal(quarantine_set(target), quarantine_set(expected.quarantine_path))
    assert "quarantine" in run.timings_s
    assert not any(t.name == "portcap-quarantine" for t in threading.enumerate())


def test_run_ships_that_fails_after_reading_leaves_a_complete_quarantine(tmp_path):
    # a sailing vessel (AIS type 36) alone: read and cleaned, then not an OGV
    header, rows = SNAPSHOT_LINES[0], SNAPSHOT_LINES[1:]
    sailing = [r for r in rows if r.split(",")[10] == "36"]
    mmsi = sailing[0].split(",")[0]
    source = tmp_path / "sailing.csv"
    source.write_text("\n".join([header, *(r for r in sailing if r.startswith(mmsi))]) + "\n")
    with pytest.raises(InputError, match="ocean-going"):
        engine.run_ships(source, quarantine_path=tmp_path / "out" / "q.parquet")
    expected = stream.load_clean_ais(source, quarantine_path=tmp_path / "expected.parquet")
    assert_frame_equal(
        quarantine_set(tmp_path / "out" / "q.parquet"), quarantine_set(expected.quarantine_path)
    )
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["q.parquet"]
    assert not any(t.name == "portcap-quarantine" for t in threading.enumerate())


# --- shore power, look-ups and the emissions table ------------------------------------------


def test_shore_power_window_on_the_vessels_that_use_it():
    rng = np.random.default_rng(7)
    n_vessels, per_vessel = 6, 40
    mmsi = np.repeat(np.arange(366_000_000, 366_000_000 + n_vessels), per_vessel)
    minutes = np.tile(np.cumsum(rng.integers(10, 90, per_vessel)), n_vessels)
    start = np.datetime64("2022-01-03T00:00:00", "us") + minutes.astype("timedelta64[m]")
    duration = rng.integers(5, 120, mmsi.size).astype("timedelta64[m]")
    activity = pl.DataFrame(
        {
            "mmsi": mmsi,
            "start": start,
            "end": start + duration,
            "speed_over_ground_kn": np.where(rng.random(mmsi.size) < 0.7, 0.2, 8.0),
            "zone_kind": pl.Series(
                rng.choice(["berth", "anchorage"], mmsi.size, p=[0.8, 0.2]),
                dtype=pl.Enum(["berth", "anchorage", "maneuvering"]),
            ),
        }
    )
    fleet = pd.DataFrame(
        {"mmsi": np.arange(366_000_000, 366_000_000 + n_vessels), "shore_power": [1, 0] * 3}
    )
    method = inventory.ShipMethod()
    whole = partitioned.shore_power_timing(
        mmsi,
        partitioned.at_berth(activity["speed_over_ground_kn"], activity["zone_kind"]),
        activity.select((pl.col("end") - pl.col("start")).dt.total_microseconds())
        .to_series()
        .to_numpy(),
        connect_h=method.shore_power_connect_h,
        disconnect_h=method.shore_power_disconnect_h,
    ) & np.isin(mmsi, fleet.loc[fleet["shore_power"] == 1, "mmsi"])
    got = engine._shore_power_connected(activity, fleet, method)
    assert got.name == "shore_power_connected"
    assert got.to_numpy().tolist() == whole.tolist()
    assert got.any()
    none = engine._shore_power_connected(activity, fleet.assign(shore_power=0), method)
    assert not none.any()
    assert none.len() == activity.height


def test_distinct_rows_are_drop_duplicates_with_an_inverse():
    frame = pd.DataFrame(
        {
            "engine": ["propulsion", "auxiliary", "propulsion", "boiler", "auxiliary"] * 3,
            "tier": [2.0, np.nan, 2.0, np.nan, np.nan] * 3,
            "size_value": [1.0, 1.0, 1.0, 2.0, 3.0] * 3,
        }
    )
    distinct, inverse = inventory._distinct_rows(frame)
    assert_pandas_equal(distinct, frame.drop_duplicates().reset_index(drop=True))
    assert_pandas_equal(distinct.take(inverse).reset_index(drop=True), frame)


def lookup_cases() -> list[tuple[pd.DataFrame, pd.DataFrame, list[str]]]:
    keys = pd.DataFrame(
        {
            "engine": ["propulsion", "auxiliary", "boiler", "propulsion"],
            "engine_type": ["SSD", "MSD", "boiler", "MSD"],
            "fuel": ["mgo", "hfo", "mgo", "hfo"],
            "tier": [2, 1, 0, 3],
        }
    ).astype({"engine": "str", "engine_type": "str", "fuel": "str"})
    nox = factors.load_table("nox_ef")[
        ["engine", "engine_type", "fuel", "tier", "nox_ef_g_per_kwh"]
    ]
    bsfc = factors.load_table("bsfc")[["engine", "engine_type", "fuel", "bsfc_g_per_kwh"]]
    carbon = factors.load_table("carbon_factors")[["fuel", "co2_g_per_g_fuel"]]
    return [
        (keys, nox, ["engine", "engine_type", "fuel", "tier"]),
        (keys, bsfc, ["engine", "engine_type", "fuel"]),
        (keys.iloc[[2, 0, 0]], carbon, ["fuel"]),
    ]


@pytest.mark.parametrize("case", range(3))
def test_lookup_by_position_is_the_join(case):
    frame, table, on = lookup_cases()[case]
    assert_pandas_equal(ships._lookup(frame, table, on, "x"), lookup(frame, table, on, "x"))


def test_lookup_falls_back_to_the_join_and_its_errors():
    frame, table, on = lookup_cases()[0]
    unknown = frame.assign(tier=[2, 1, 0, 9])
    with pytest.raises(ValueError, match=r"no NOx factor for key combination\(s\)") as fast:
        ships._lookup(unknown, table, on, "NOx factor")
    with pytest.raises(ValueError, match=r"no NOx factor") as join:
        lookup(unknown, table, on, "NOx factor")
    assert str(fast.value) == str(join.value)
    optional = ships._lookup(unknown, table, on, "NOx factor", required=False)
    assert_pandas_equal(optional, lookup(unknown, table, on, "NOx factor", required=False))
    other_dtype = frame.assign(tier=frame["tier"].astype(float))
    assert_pandas_equal(
        ships._lookup(other_dtype, table, on, "x"), lookup(other_dtype, table, on, "x")
    )


def long_table_reference(wide: pd.DataFrame, vessels: pd.DataFrame) -> pd.DataFrame:
    """The emissions table as melt, group-by of the long table and merge (the plain way)."""
    long = wide.melt(
        id_vars=["mmsi", "date", "mode", "terminal", "engine", "energy_kwh"],
        value_vars=list(inventory.POLLUTANTS),
        var_name="pollutant",
        value_name="mass_kg",
    )
    long = long.groupby(
        ["mmsi", "date", "mode", "engine", "terminal", "pollutant"],
        as_index=False,
        dropna=False,
        sort=True,
    ).agg(energy_kwh=("energy_kwh", "sum"), mass_kg=("mass_kg", "sum"))
    long = long.merge(
        vessels[["mmsi", "ship_type", "size_value", "size_unit", "filled"]],
        on="mmsi",
        how="left",
        validate="m:1",
    )
    extra = ["ship_type", "size_value", "size_unit", "filled"]
    return long[list(inventory.SHIP_EMISSIONS_COLUMNS) + extra]


def test_emissions_table_is_the_long_group_by(monkeypatch):
    seen: dict[str, pd.DataFrame] = {}
    tidy = inventory._tidy_emissions

    def capture(wide: pd.DataFrame, vessels: pd.DataFrame) -> pd.DataFrame:
        seen["wide"], seen["vessels"] = wide, vessels
        return tidy(wide, vessels)

    monkeypatch.setattr(inventory, "_tidy_emissions", capture)
    run = engine.run_ships(SNAPSHOT)
    assert run.emissions["terminal"].isna().any()  # groups without a terminal too
    expected = long_table_reference(seen["wide"], seen["vessels"])
    assert_pandas_equal(run.emissions, expected, check_exact=True)
