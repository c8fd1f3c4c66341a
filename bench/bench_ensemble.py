"""Benchmark: `portcap ensemble` draws per second against `portcap run` in a loop.

Measured in the same run, as ratios, because the machines are noisy:

* per draw: ``run_ensemble`` of the uncertain PR 2304 scenario (years 2030-2037) in this
  process, after its first draw (which builds the two anchor projections per year that
  every later draw interpolates), against the ``portcap run`` command of the same scenario
  without uncertainty, run N times in a loop (each a fresh process; target: the ensemble at
  least 20x faster per draw);
* scaling: the same draws on a Dask ``LocalCluster`` with 1 and with 2 worker processes
  (the inventories the draws need are built once, one task each, spread over the workers,
  then handed to the chunks of draws); the best of ``--repeat`` runs of each, as the
  machines are shared.

Usage: ``python bench/bench_ensemble.py [--draws N] [--runs K] [--repeat R]``; writes
``bench/_work/bench_ensemble.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from portcap import ensemble

WORK = Path(__file__).parent / "_work"
SCENARIO = "extends: pr2304-cap-uncertain\nstart_year: 2030\nend_year: 2037\n"
PLAIN = "extends: pr2304-cap\nstart_year: 2030\nend_year: 2037\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        uncertain = Path(tmp) / "uncertain.yaml"
        uncertain.write_text(SCENARIO)
        plain = Path(tmp) / "plain.yaml"
        plain.write_text(PLAIN)

        stamps: list[float] = []
        start = time.perf_counter()
        ensemble.run_ensemble(
            str(uncertain),
            draws=args.draws,
            seed=1,
            progress=lambda n: stamps.append(time.perf_counter()),
        )
        first = stamps[0] - start
        per_draw = (stamps[-1] - stamps[0]) / max(len(stamps) - 1, 1)
        intervals = [b - a for a, b in zip(stamps, stamps[1:], strict=False)] or [per_draw]

        command = [
            sys.executable,
            "-m",
            "portcap.cli",
            "run",
            str(plain),
            "--quiet",
            "--out",
            str(Path(tmp) / "run"),
            "--store",
            str(Path(tmp) / "runs.duckdb"),
        ]
        loop: list[float] = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            loop.append(time.perf_counter() - t)
        per_run = sum(loop) / len(loop)

        from dask.distributed import LocalCluster

        scaling: dict[int, float] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(args.repeat):
                for workers in (1, 2):
                    # a fresh cluster each time: no worker keeps inventories from a run before
                    with LocalCluster(
                        n_workers=workers, processes=True, dashboard_address=None
                    ) as c:
                        t = time.perf_counter()
                        ensemble.run_ensemble(
                            str(uncertain), draws=args.draws, seed=1, scheduler=c.scheduler_address
                        )
                        elapsed = time.perf_counter() - t
                    scaling[workers] = min(scaling.get(workers, elapsed), elapsed)

    result = {
        "draws": args.draws,
        "years": "2030-2037",
        "first_draw_s": round(first, 2),
        "per_draw_s": round(per_draw, 3),
        "per_draw_median_s": round(statistics.median(intervals), 3),
        "draws_per_second": round(1.0 / per_draw, 2),
        "portcap_run_command_s": round(per_run, 2),
        "speedup_per_draw_vs_run_loop": round(per_run / per_draw, 1),
        "speedup_including_first_draw": round(per_run * args.draws / (stamps[-1] - start), 1),
        "dask_1_worker_s": round(scaling[1], 2),
        "dask_2_workers_s": round(scaling[2], 2),
        "scaling_1_to_2_workers": round(scaling[1] / scaling[2], 2),
        "cpu_count": os.cpu_count(),
    }
    (WORK / "bench_ensemble.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
