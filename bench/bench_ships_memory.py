"""Benchmark: ``portcap ships`` on a folder of daily AIS files, in partitions.

Two measurements, each reported as a ratio because the machines this runs on are noisy:

* memory: peak resident memory of the ``portcap ships FOLDER`` command (defaults:
  partitions of consecutive files up to 128 MiB) on 1 and on 4 million synthetic reports
  written as daily MarineCadastre CSV files (target: the 4 M input needs less than twice
  the memory of the 1 M input); the same for ``--partition-files 0`` (one pass) to show
  what the partitions save;
* scaling: wall time of ``portcap.run_ships`` on the 4 M folder on a Dask
  ``LocalCluster`` of 1 and of 2 single-threaded worker processes (cluster start-up not
  counted), and their ratio.

The 1 M folder holds ``synthetic_ais.generate(1_000_000)`` (about 390 daily files over
16 months); the 4 M folder holds four such blocks (seeds 2304 to 2307), each shifted
500 days after the one before, so that a day holds as many reports in both folders and
the 4 M input is four times as long, as a year of daily files is longer than a quarter.
The folders are cached under ``bench/_work/``.

Usage: ``python bench/bench_ships_memory.py [--repeat R]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import synthetic_ais  # noqa: E402
from bench_ships import _child_peak_rss_mb  # noqa: E402
from portcap import engine  # noqa: E402

WORK = Path(__file__).parent / "_work"
BLOCK_REPORTS = 1_000_000
BLOCK_SHIFT_DAYS = 500  # longer than the generator's ~485-day span


def write_daily(folder: Path, blocks: int) -> Path:
    """Write ``blocks`` synthetic blocks as daily files (cached: a marker file says done)."""
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for block in range(blocks):
        frame = synthetic_ais.generate(BLOCK_REPORTS, seed=2304 + block)
        time_ = pl.col("BaseDateTime").str.to_datetime() + pl.duration(
            days=block * BLOCK_SHIFT_DAYS
        )
        frame = frame.with_columns(
            BaseDateTime=time_.dt.strftime("%Y-%m-%dT%H:%M:%S"), _day=time_.dt.strftime("%Y_%m_%d")
        )
        for (day,), rows in frame.group_by("_day"):
            rows.drop("_day").sort("MMSI", "BaseDateTime").write_csv(folder / f"AIS_{day}.csv")
    done.write_text("")
    return folder


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.glob("*.csv")) / 1e6


def ships_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "portcap.cli",
        "ships",
        str(folder),
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def dask_wall_s(folder: Path, workers: int, repeat: int) -> float:
    from dask.distributed import LocalCluster

    times = []
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        tempfile.TemporaryDirectory() as tmp,
    ):
        for _ in range(repeat):
            start = time.perf_counter()
            engine.run_ships(
                folder,
                quarantine_path=Path(tmp) / "q.parquet",
                scheduler=cluster.scheduler_address,
            )
            times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    small = write_daily(WORK / "daily-1000000", 1)
    large = write_daily(WORK / "daily-4000000", 4)
    sizes = {"1M": folder_mb(small), "4M": folder_mb(large)}
    files = {"1M": len(list(small.glob("*.csv"))), "4M": len(list(large.glob("*.csv")))}
    for key in sizes:
        print(f"input {key}: {files[key]} daily files, {sizes[key]:,.1f} MB")

    peaks: dict[str, float] = {}
    walls: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ships.parquet"
        for key, folder in (("1M", small), ("4M", large)):
            for mode, extra in (("partitions", ()), ("one_pass", ("--partition-files", "0"))):
                runs = [
                    _child_peak_rss_mb(ships_command(folder, out, *extra))
                    for _ in range(args.repeat)
                ]
                walls[f"{key}_{mode}"] = min(r[0] for r in runs)
                peaks[f"{key}_{mode}"] = max(r[1] for r in runs)
        imports = max(
            _child_peak_rss_mb([sys.executable, "-c", "import portcap.engine, portcap.cli"])[1]
            for _ in range(2)
        )
    ratio = peaks["4M_partitions"] / peaks["1M_partitions"]
    one_pass_ratio = peaks["4M_one_pass"] / peaks["1M_one_pass"]
    print(
        f"memory, partitions: 1M {peaks['1M_partitions']:,.0f} MB, 4M "
        f"{peaks['4M_partitions']:,.0f} MB -> ratio {ratio:.2f} (target < 2)"
    )
    print(
        f"memory, one pass:   1M {peaks['1M_one_pass']:,.0f} MB, 4M "
        f"{peaks['4M_one_pass']:,.0f} MB -> ratio {one_pass_ratio:.2f}; interpreter with "
        f"imports {imports:,.0f} MB"
    )
    print(
        "wall time of the commands: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(walls.items()))
    )

    one = dask_wall_s(large, 1, args.repeat)
    two = dask_wall_s(large, 2, args.repeat)
    print(
        f"Dask on 4M: 1 worker {one:.1f} s, 2 workers {two:.1f} s -> speed-up {one / two:.2f} "
        f"(ideal 2; {os.cpu_count()} CPUs, the stitch runs in the client)"
    )
    result = {
        "reports": {"small": BLOCK_REPORTS, "large": 4 * BLOCK_REPORTS},
        "input_mb": {k: round(v, 1) for k, v in sizes.items()},
        "daily_files": files,
        "peak_rss_mb": {k: round(v, 1) for k, v in peaks.items()},
        "peak_memory_ratio_4m_over_1m": round(ratio, 3),
        "peak_memory_ratio_4m_over_1m_one_pass": round(one_pass_ratio, 3),
        "interpreter_with_imports_mb": round(imports, 1),
        "command_wall_s": {k: round(v, 2) for k, v in walls.items()},
        "dask_wall_s": {"1_worker": round(one, 2), "2_workers": round(two, 2)},
        "dask_speedup_2_over_1": round(one / two, 3),
        "cpu_count": os.cpu_count(),
    }
    WORK.mkdir(exist_ok=True)
    (WORK / "bench_ships_memory.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
