"""AIS in partitions: the same result as one pass, on one machine and on a Dask cluster.

The expected values are those of the one-pass run on the same files (the existing
``load_clean_ais`` -> ``build_intervals`` -> ``ogv_emissions`` path): emission totals by
vessel, mode, engine and pollutant to floating-point tolerance (sums are taken in
another order), counts and quarantine rows exactly. The test data are daily files made
from the benchmark's synthetic generator, with position jumps put near midnight, a
vessel that reports every ten minutes at berth for five days (too few reports per day to
settle inside a partition: its reports are carried from day to day), a vessel absent
for two days, and static data that only arrive on a later day.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from portcap import cli, engine, inventory, vessels
from portcap.ais import partitioned
from portcap.errors import InputError

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import synthetic_ais  # noqa: E402

SNAPSHOT = Path(str(files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"))
SHORE_POWER = vessels.VesselDefaults(shore_power=True)  # so that berth visits matter
KEYS = ["mmsi", "mode", "engine", "pollutant"]
MIDNIGHT_MINUTES = 40  # jumps are put within this many minutes of midnight
MARINECADASTRE_COLUMNS = [
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
]


def _rows(
    mmsi: int,
    times: list[dt.datetime],
    lat: np.ndarray,
    lon: np.ndarray,
    sog: np.ndarray,
    *,
    vessel_type: int | None,
    length_m: float | None,
) -> pl.DataFrame:
    """Reports of one vessel in the MarineCadastre layout (all columns text)."""
    n = len(times)
    text = pl.String
    return pl.DataFrame(
        {
            "MMSI": [str(mmsi)] * n,
            "BaseDateTime": [t.strftime("%Y-%m-%dT%H:%M:%S") for t in times],
            "LAT": [f"{v:.5f}" for v in lat],
            "LON": [f"{v:.5f}" for v in lon],
            "SOG": [f"{v:.1f}" for v in sog],
            "COG": ["360.0"] * n,
            "Heading": ["511.0"] * n,
            "VesselName": [f"CRAFTED {mmsi}"] * n,
            "IMO": [None] * n,
            "CallSign": [None] * n,
            "VesselType": [None if vessel_type is None else str(vessel_type)] * n,
            "Status": ["5"] * n,
            "Length": [None if length_m is None else f"{length_m:.1f}"] * n,
            "Width": [None] * n,
            "Draft": [None] * n,
            "Cargo": [None] * n,
            "TransceiverClass": ["A"] * n,
        },
        schema=dict.fromkeys(MARINECADASTRE_COLUMNS, text),
    )


def _crafted(first_day: dt.date, rng: np.random.Generator) -> pl.DataFrame:
    t0 = dt.datetime.combine(first_day, dt.time())
    # at berth (LBCT) for five days, a report every ten minutes, bad fixes around midnight
    times = [
        t0 + dt.timedelta(minutes=10 * i, seconds=int(rng.integers(0, 59))) for i in range(720)
    ]
    lat = 33.7507 + rng.normal(0, 2e-5, 720)
    bad = np.array([t.hour in (23, 0) for t in times]) & (rng.random(720) < 0.2)
    lat[bad] += 0.8
    sparse = _rows(
        366_999_001,
        times,
        lat,
        -118.2150 + rng.normal(0, 2e-5, 720),
        np.abs(rng.normal(0, 0.05, 720)),
        vessel_type=70,
        length_m=300.0,
    )
    # at anchor on the first and the fourth day only; type and length known on the fourth
    frames = [sparse]
    for day, vessel_type, length in ((0, None, 0.0), (3, 80, 250.0)):
        times = [
            t0 + dt.timedelta(days=day, minutes=i, seconds=int(rng.integers(0, 59)))
            for i in range(1440)
        ]
        lat = 33.70 + rng.normal(0, 2e-5, 1440)
        lat[-3:] += 1.0 if day == 0 else 0.0  # bad fixes just before midnight
        frames.append(
            _rows(
                366_999_002,
                times,
                lat,
                -118.15 + rng.normal(0, 2e-5, 1440),
                np.full(1440, 0.2),
                vessel_type=vessel_type,
                length_m=length,
            )
        )
    # at anchor before midnight; a minute after it the reports jump 0.5 deg away and stay
    # there (two vessels on one MMSI): the day-2 reports alone would make the first one a
    # bad first fix, with the day-1 reports the jump is into the second
    times = [t0 + dt.timedelta(hours=23, minutes=i, seconds=30) for i in range(120)]
    lat = np.where(np.arange(120) < 66, 33.69, 34.19) + rng.normal(0, 2e-5, 120)
    frames.append(
        _rows(
            366_999_003,
            times,
            lat,
            -118.18 + rng.normal(0, 2e-5, 120),
            np.full(120, 0.1),
            vessel_type=70,
            length_m=200.0,
        )
    )
    return pl.concat(frames)


def write_days(folder: Path, *, seed: int = 7, n_days: int = 5, reports: int = 300_000) -> Path:
    """Daily files: synthetic calls with jumps near midnight, plus the crafted vessels."""
    rng = np.random.default_rng(seed)
    frame = synthetic_ais.generate(reports, seed=seed).with_columns(pl.all().cast(pl.String))
    time = pl.col("BaseDateTime").str.to_datetime()
    frame = frame.with_columns(_day=time.dt.date(), _minute=time.dt.hour() * 60 + time.dt.minute())
    days = sorted(frame["_day"].unique().to_list())[40 : 40 + n_days]
    frame = frame.filter(pl.col("_day").is_in(days))
    near = frame.select(
        (pl.col("_minute") < MIDNIGHT_MINUTES) | (pl.col("_minute") >= 1440 - MIDNIGHT_MINUTES)
    ).to_series()
    jump = near.to_numpy() & (rng.random(frame.height) < 0.1)
    lat = frame["LAT"].cast(pl.Float64).to_numpy().copy()
    lat[jump] += rng.choice([1.0, -0.7, 0.3], int(jump.sum()))
    frame = frame.with_columns(LAT=pl.Series([f"{v:.5f}" for v in lat]))
    crafted = _crafted(days[0], rng).with_columns(
        _day=pl.col("BaseDateTime").str.to_datetime().dt.date()
    )
    folder.mkdir(parents=True, exist_ok=True)
    for day in days:
        rows = pl.concat(
            [
                frame.filter(pl.col("_day") == day).drop("_day", "_minute"),
                crafted.filter(pl.col("_day") == day).drop("_day"),
            ]
        )
        rows.write_csv(folder / f"AIS_{day:%Y_%m_%d}.csv")
    return folder


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_days(tmp_path_factory.mktemp("ais") / "days")


@pytest.fixture(scope="module")
def one_pass(days: Path, tmp_path_factory: pytest.TempPathFactory) -> engine.ShipsRun:
    out = tmp_path_factory.mktemp("one-pass")
    return engine.run_ships(
        days,
        quarantine_path=out / "q.parquet",
        partition_files=0,
        vessel_defaults=SHORE_POWER,
    )


def _totals(run: engine.ShipsRun) -> pd.DataFrame:
    return run.emissions.groupby(KEYS)[["energy_kwh", "mass_kg"]].sum()


def _quarantine(path: Path | None) -> pl.DataFrame:
    assert path is not None
    table = pl.read_csv(path) if path.suffix == ".csv" else pl.read_parquet(path)
    table = table.with_columns(pl.all().cast(pl.String))
    return table.sort(table.columns, nulls_last=True)


def assert_same_run(partitioned_run: engine.ShipsRun, reference: engine.ShipsRun) -> None:
    """The partitioned run has the one-pass results: totals, counts, gaps, quarantine."""
    left, right = _totals(partitioned_run), _totals(reference)
    assert left.index.equals(right.index)
    # rel 1e-9: the same terms summed in another order (float64 rounding, ~1e-15 each)
    np.testing.assert_allclose(left.to_numpy(), right.to_numpy(), rtol=1e-9, atol=1e-9)
    assert partitioned_run.counts == reference.counts
    expected_inputs = {k: v for k, v in partitioned_run.input_counts.items() if k != "partitions"}
    assert expected_inputs == reference.input_counts
    assert partitioned_run.gaps == pytest.approx(reference.gaps, rel=1e-9, abs=1e-9)
    assert partitioned_run.cut_gaps is not None
    assert reference.cut_gaps is not None
    assert partitioned_run.cut_gaps.sort("mmsi", "start").equals(
        reference.cut_gaps.sort("mmsi", "start")
    )
    pd.testing.assert_frame_equal(partitioned_run.vessels, reference.vessels)
    assert _quarantine(partitioned_run.quarantine_path).equals(
        _quarantine(reference.quarantine_path)
    )


def test_the_test_data_cross_midnight(one_pass: engine.ShipsRun) -> None:
    # jumps near midnight are dropped, vessels lie at berth across midnight with shore
    # power, and the sparse vessel is in the inventory
    assert one_pass.counts["dropped: implied_speed_above_max"] > 100
    nox = one_pass.emissions[one_pass.emissions["pollutant"] == "nox"]
    berth_days = nox[(nox["mode"] == "berth")].groupby("mmsi")["date"].nunique()
    assert (berth_days >= 2).sum() >= 3
    assert 366_999_001 in set(nox["mmsi"])
    assert set(one_pass.vessels.loc[one_pass.vessels["mmsi"] == 366_999_002, "ship_type"]) == {
        "oil_tanker"  # AIS type 80 arrives on the fourth day only
    }


@pytest.mark.parametrize(
    ("files_per_partition", "expected", "slice_rows"),
    [(None, 1, None), (1, 5, None), (2, 3, 5000), (3, 2, 5000)],
)
def test_partitions_give_the_one_pass_result(
    days: Path,
    one_pass: engine.ShipsRun,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files_per_partition: int | None,
    expected: int,
    slice_rows: int | None,
) -> None:
    if slice_rows is not None:  # activity worked in slices of a few vessels
        monkeypatch.setattr(partitioned, "_PIECE_ROWS", slice_rows)
    run = engine.run_ships(
        days,
        quarantine_path=tmp_path / "q.parquet",
        partition_files=files_per_partition,
        vessel_defaults=SHORE_POWER,
    )
    assert run.input_counts["partitions"] == expected  # five daily files (a few MB)
    assert_same_run(run, one_pass)


def test_without_the_carry_the_results_differ(
    days: Path, one_pass: engine.ShipsRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each day read alone (partitions without the carry): the intervals across midnight
    # are lost, and a jump just after midnight is judged without the reports before it
    # (vessel 366999003: alone, its first report of the day is a bad first fix).
    alone = [engine.run_ships(day, vessel_defaults=SHORE_POWER) for day in sorted(days.iterdir())]
    hours = sum(run.gaps["observed_duration_h"] for run in alone)
    drops = sum(run.counts["dropped: implied_speed_above_max"] for run in alone)
    assert one_pass.gaps["observed_duration_h"] - hours > 0.5  # about a minute per vessel
    assert drops != one_pass.counts["dropped: implied_speed_above_max"]
    # a carry cut to nothing (no report near an end is decided again) gives just that
    monkeypatch.setattr(partitioned, "jump_reach", lambda _rounds: 0)
    run = engine.run_ships(days, partition_files=1, vessel_defaults=SHORE_POWER)
    assert run.gaps["observed_duration_h"] == pytest.approx(hours, rel=1e-12)
    assert run.counts["dropped: implied_speed_above_max"] == drops


def test_dask_cluster_gives_the_one_pass_result(
    days: Path, one_pass: engine.ShipsRun, tmp_path: Path
) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for files_per_partition in (1, 2):
            run = engine.run_ships(
                days,
                quarantine_path=tmp_path / f"q{files_per_partition}.parquet",
                partition_files=files_per_partition,
                scheduler=cluster.scheduler_address,
                vessel_defaults=SHORE_POWER,
            )
            assert_same_run(run, one_pass)


def test_the_real_snapshot_in_three_files(tmp_path: Path) -> None:
    # The MarineCadastre snapshot (2022-01-03, hours 00, 14 and 23) cut by hour into
    # files in time order: the same as reading the file.
    folder = tmp_path / "snapshot"
    folder.mkdir()
    raw = pl.read_csv(SNAPSHOT, infer_schema_length=0)
    hour = pl.col("BaseDateTime").str.slice(11, 2)
    for i, (low, high) in enumerate((("00", "00"), ("01", "14"), ("15", "23"))):
        raw.filter(hour.is_between(pl.lit(low), pl.lit(high))).write_csv(folder / f"part-{i}.csv")
    whole = engine.run_ships(folder, quarantine_path=tmp_path / "q0.parquet", partition_files=0)
    split = engine.run_ships(folder, quarantine_path=tmp_path / "q1.parquet", partition_files=1)
    assert split.input_counts["partitions"] == 3
    assert_same_run(split, whole)


def test_out_of_order_files_are_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "swapped"
    folder.mkdir()
    raw = pl.read_csv(SNAPSHOT, infer_schema_length=0)
    late = pl.col("BaseDateTime").str.slice(11, 2) == "23"
    raw.filter(late).write_csv(folder / "a.csv")  # sorts first, holds the later hour
    raw.filter(~late).write_csv(folder / "b.csv")
    with pytest.raises(InputError, match=r"time order.*--partition-files 0"):
        engine.run_ships(folder, partition_files=1)
    # read in one pass, the reports are sorted (and counted out_of_order)
    run = engine.run_ships(folder, partition_files=0)
    assert run.input_counts["reports_kept"] > 0


def test_unusable_file_in_a_folder_is_recorded_as_in_one_pass(tmp_path: Path) -> None:
    folder = tmp_path / "with-bad"
    folder.mkdir()
    (folder / "a.csv").write_text("name,colour\nA,red\n")
    (folder / "b.csv").write_bytes(SNAPSHOT.read_bytes())
    whole = engine.run_ships(folder, quarantine_path=tmp_path / "q0.csv", partition_files=0)
    split = engine.run_ships(folder, quarantine_path=tmp_path / "q1.csv", partition_files=1)
    assert split.counts["dropped: file_unusable"] == 1
    assert_same_run(split, whole)


def test_command_line_with_partitions_and_a_scheduler(
    days: Path, one_pass: engine.ShipsRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "local" starts one worker process per CPU: two here, whatever the machine
    monkeypatch.setattr(partitioned.os, "cpu_count", lambda: 2)
    vessels_csv = tmp_path / "vessels.csv"
    mmsis = sorted(one_pass.vessels["mmsi"])
    vessels_csv.write_text("mmsi,shore_power\n" + "".join(f"{m},true\n" for m in mmsis))
    out = tmp_path / "ships.csv"
    args = ["ships", str(days), "--vessels", str(vessels_csv), "--out", str(out), "--quiet"]
    assert cli.main([*args, "--partition-files", "2", "--scheduler", "local"]) == 0
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    assert summary["input_counts"]["partitions"] == 3
    table = pd.read_csv(out)
    assert table["mass_kg"].sum() == pytest.approx(one_pass.emissions["mass_kg"].sum(), rel=1e-9)
    quarantine = pl.read_parquet(out.with_name("ships.quarantine.parquet"))
    assert quarantine.height == sum(summary["quarantine_counts"].values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partition_files": -1}, "0 or more"),
        ({"partition_files": 0, "scheduler": "local"}, "1 or more"),
    ],
)
def test_bad_partition_arguments(days: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        engine.run_ships(days, **kwargs)  # type: ignore[arg-type]


def test_calls_take_no_partitions() -> None:
    calls = Path(__file__).parents[1] / "data" / "calls"
    with pytest.raises(InputError, match="AIS input"):
        engine.run_ships(calls / "calls.csv", vessels_path=calls / "vessels.csv", partition_files=2)


def test_plan_partitions_by_count_or_by_size(days: Path) -> None:
    assert [len(p) for p in partitioned.plan_partitions(days, 2)] == [2, 2, 1]
    sizes = [f.stat().st_size for f in sorted(days.iterdir())]
    # by size: files are added while the partition stays within max_bytes
    limit = sizes[0] + sizes[1]
    planned = partitioned.plan_partitions(days, max_bytes=limit)
    assert planned[0] == sorted(days.iterdir())[:2]
    assert all(sum(f.stat().st_size for f in p) <= limit or len(p) == 1 for p in planned)
    # the default puts these few MB in one partition
    assert len(partitioned.plan_partitions(days)) == 1
    with pytest.raises(ValueError, match="at least 1"):
        partitioned.plan_partitions(days, 0)


# -- the shore-power window -------------------------------------------------------------
def _inventory_rule(
    mmsi: np.ndarray, berth: np.ndarray, hours: np.ndarray, method: inventory.ShipMethod
) -> np.ndarray:
    vessel_row = np.unique(mmsi, return_inverse=True)[1]
    return inventory._shore_power_connected(
        vessel_row, berth, hours, np.ones(len(mmsi), dtype=bool), method
    )


def test_shore_power_window_is_the_inventory_rule() -> None:
    # Random durations in microseconds (no record ends exactly on a threshold): the
    # exact-integer window equals the float rule of portcap.inventory record by record.
    rng = np.random.default_rng(3)
    n = 5000
    mmsi = np.sort(rng.integers(1, 40, n))
    berth = rng.random(n) < 0.8
    duration_us = rng.integers(0, 90 * 60 * 1_000_000, n)
    method = inventory.ShipMethod()
    window = partitioned.shore_power_timing(
        mmsi,
        berth,
        duration_us,
        connect_h=method.shore_power_connect_h,
        disconnect_h=method.shore_power_disconnect_h,
    )
    expected = _inventory_rule(mmsi, berth, duration_us / 3.6e9, method)
    assert window.sum() > 100
    np.testing.assert_array_equal(window, expected)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        # hand calculation: a 5 h visit in 1 h records; connected from 2 h in until 1 h
        # before the end, so records 3 and 4 (2-3 h and 3-4 h)
        ([60] * 5, [False, False, True, True, False]),
        # a cut gap (0 h) does not end the visit; 20+100 min = 2 h exactly: in
        ([20, 100, 0, 120, 60], [False, False, True, True, False]),
    ],
)
def test_shore_power_window_by_hand(minutes: list[int], expected: list[bool]) -> None:
    us = [m * 60_000_000 for m in minutes]
    window = partitioned.shore_power_timing([9] * len(us), [True] * len(us), us)
    assert window.tolist() == expected


def test_at_berth_needs_a_berth_zone_and_a_low_speed() -> None:
    speed = pl.Series([0.0, 1.0, 1.1, None, 0.5])
    kinds = ["berth", "berth", "berth", "berth", "anchorage"]
    assert partitioned.at_berth(speed, kinds).tolist() == [True, True, False, False, False]


@pytest.mark.parametrize("rounds", [0, 3])
def test_jump_reach_grows_with_the_rounds(rounds: int) -> None:
    # hand calculation: (context 8 + core 2) reports per round, rounds + 1 rounds
    assert partitioned.jump_reach(rounds) == 10 * (rounds + 1)


def test_partition_results_are_small(
    days: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a partition hands back is a fraction of its reports: the grouped activity and
    # the reports near its ends, not every report.
    sizes: list[tuple[int, int]] = []
    task: Callable[..., partitioned._PartitionOutput] = partitioned._partition_task

    def measured(spec: partitioned._Task) -> partitioned._PartitionOutput:
        out = task(spec)
        carried = out.head.height + out.tail.height + out.body.height + out.piece.groups.height
        sizes.append((carried, out.counts["pings"]))
        return out

    monkeypatch.setattr(partitioned, "_partition_task", measured)
    engine.run_ships(days, quarantine_path=tmp_path / "q.parquet", partition_files=1)
    carried = sum(c for c, _ in sizes)
    read = sum(r for _, r in sizes)
    assert carried < 0.5 * read
