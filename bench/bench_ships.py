"""Benchmark: ``portcap ships`` on 2 million AIS reports against ``pandas.read_csv``.

Both are measured in the same run, alternately, and reported as ratios, because the
machines this runs on are noisy:

* time: the whole ship inventory (read, clean, quarantine, intervals and modes, vessels,
  emissions, write Parquet) through the public API, against ``pandas.read_csv`` of the
  same file, in this process (wall time, and CPU time of all threads as a second view
  that depends less on what else the machine runs); and the ``portcap ships`` command
  against a ``python -c "pandas.read_csv(...)"`` command, each in a fresh interpreter;
* the floor under the time: a *typed* read of the file and nothing else, every column
  converted to the type portcap checks it against (integers, floats, times, text), by
  polars (portcap's reader) and by pyarrow (the fastest typed CSV reader measured here).
  ``pandas.read_csv`` converts nothing to a time and checks no column against a type, so
  this read, which portcap cannot skip without letting malformed values through, is the
  least any validating run can take; it is measured alternately with the others;
* memory: peak resident memory of the ``portcap ships`` command against the file size
  (target: under 2x; both in MB of 10^6 bytes), and the same after subtracting the
  interpreter with portcap's libraries imported.

This process sets polars' allocator options as the command line does
(:mod:`portcap._allocator`) before polars loads, so that the run in process is the
command's run.

Usage: ``make bench`` or ``python bench/bench_ships.py [--reports N] [--repeat R]``.
The synthetic file (see ``synthetic_ais.py``) is cached under ``bench/_work/``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# before polars loads, as in the command line: its allocator options (the in-process run
# then measures what ``portcap ships`` does)
from portcap import _allocator  # noqa: F401  # isort: skip

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pa_csv  # noqa: E402

import synthetic_ais  # noqa: E402
from portcap import engine, output  # noqa: E402
from portcap.ais import read  # noqa: E402
from portcap.ais.schema import raw_column_map  # noqa: E402

WORK = Path(__file__).parent / "_work"


def _child_peak_rss_mb(command: list[str]) -> tuple[float, float]:
    """Run a command in a fresh process; return (wall seconds, peak RSS in MB)."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        # ru_maxrss is in KiB: in MB (10^6 bytes), as the file size
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6\n"
        "print(wall, peak)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *command], check=True, capture_output=True, text=True
    )
    wall, peak = out.stdout.split()
    return float(wall), float(peak)


# The time layout of the synthetic file (MarineCadastre 2015-2023: ``2023-01-26T19:57:28``).
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _typed_schema() -> dict[str, pl.DataType]:
    """The type portcap reads each raw MarineCadastre 2015 column as (times as text)."""
    return read.typed_csv_dtypes(raw_column_map("marinecadastre_2015"))


def _typed_read_polars(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Every column in its type (times parsed), with polars' multi-threaded reader."""
    return pl.read_csv(path, schema_overrides=schema).with_columns(
        pl.col("BaseDateTime").str.to_datetime(_TIME_FORMAT, time_unit="us")
    )


def _typed_read_arrow(path: Path, schema: dict[str, pl.DataType]) -> pa.Table:
    """Every column in its type (times parsed), with pyarrow's multi-threaded reader."""
    # polars' own mapping of its types to Arrow's (text as large_string, which pyarrow's
    # CSV reader converts to; its newer string_view it does not)
    arrow = pl.Schema(schema).to_arrow(compat_level=pl.CompatLevel.oldest())
    types = {field.name: field.type for field in arrow}
    types["BaseDateTime"] = pa.timestamp("us")
    return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(column_types=types))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = synthetic_ais.write(WORK / f"synthetic-ais-{args.reports}.csv", args.reports)
    size_mb = path.stat().st_size / 1e6
    print(f"input: {path.name}, {args.reports:,} reports, {size_mb:,.1f} MB")

    print(f"load average before the runs: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    pandas_s: list[float] = []
    portcap_s: list[float] = []
    pandas_cpu_s: list[float] = []
    portcap_cpu_s: list[float] = []
    schema = _typed_schema()
    typed_s: dict[str, list[float]] = {"polars": [], "pyarrow": []}
    typed_reads = {
        "polars": lambda: _typed_read_polars(path, schema),
        "pyarrow": lambda: _typed_read_arrow(path, schema),
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ships.parquet"
        for _ in range(args.repeat):
            t, cpu = time.perf_counter(), time.process_time()
            frame = pd.read_csv(path)
            pandas_s.append(time.perf_counter() - t)
            pandas_cpu_s.append(time.process_time() - cpu)
            del frame
            for name, typed_read in typed_reads.items():
                t = time.perf_counter()
                table = typed_read()
                typed_s[name].append(time.perf_counter() - t)
                del table
            t, cpu = time.perf_counter(), time.process_time()
            run = engine.run_ships(path, quarantine_path=output.default_quarantine_path(out))
            output.write_ships_run(run, out)
            portcap_s.append(time.perf_counter() - t)
            portcap_cpu_s.append(time.process_time() - cpu)
        stages = run.timings_s
        rows = len(run.emissions)
    in_process = min(portcap_s) / min(pandas_s)
    cpu_ratio = min(portcap_cpu_s) / min(pandas_cpu_s)
    print(
        f"in process: pandas.read_csv {min(pandas_s):.2f} s, portcap ships {min(portcap_s):.2f} s"
        f" -> ratio {in_process:.2f} (target <= 1.0); CPU time {min(pandas_cpu_s):.2f} s and "
        f"{min(portcap_cpu_s):.2f} s -> ratio {cpu_ratio:.2f}"
    )
    typed = {name: min(seconds) for name, seconds in typed_s.items()}
    floor = min(typed.values())
    print(
        f"  floor: typed read of every column, polars {typed['polars']:.2f} s, pyarrow "
        f"{typed['pyarrow']:.2f} s = {floor / min(pandas_s):.2f} x pandas.read_csv; "
        f"portcap ships = {min(portcap_s) / floor:.2f} x the faster typed read"
    )
    print(
        "  stages: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
        + f"; {rows:,} emission rows"
    )

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cli = [
            python,
            "-m",
            "portcap.cli",
            "ships",
            str(path),
            "--out",
            str(Path(tmp) / "ships.parquet"),
            "--quiet",
        ]
        read_only = [python, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]
        imports = [python, "-c", "import portcap.engine, portcap.output, portcap.cli"]
        cli_runs = [_child_peak_rss_mb(cli) for _ in range(args.repeat)]
        pandas_runs = [_child_peak_rss_mb(read_only) for _ in range(args.repeat)]
        import_runs = [_child_peak_rss_mb(imports) for _ in range(2)]
    cli_wall = min(r[0] for r in cli_runs)
    pandas_wall = min(r[0] for r in pandas_runs)
    peak = max(r[1] for r in cli_runs)
    pandas_peak = max(r[1] for r in pandas_runs)
    baseline = max(r[1] for r in import_runs)
    import_wall = min(r[0] for r in import_runs)
    print(
        f"commands: python -c pandas.read_csv {pandas_wall:.2f} s, portcap ships "
        f"{cli_wall:.2f} s -> ratio {cli_wall / pandas_wall:.2f} (of which starting the "
        f"interpreter and importing portcap's command line: {import_wall:.2f} s)"
    )
    print(
        f"memory: portcap ships peak {peak:,.0f} MB = {peak / size_mb:.2f} x file size "
        f"(target < 2); above the {baseline:,.0f} MB of the interpreter with imports: "
        f"{(peak - baseline) / size_mb:.2f} x; pandas.read_csv peak {pandas_peak:,.0f} MB = "
        f"{pandas_peak / size_mb:.2f} x"
    )
    result = {
        "reports": args.reports,
        "file_mb": round(size_mb, 1),
        "time_ratio_in_process": round(in_process, 3),
        "seconds_in_process": {
            "pandas_read_csv": round(min(pandas_s), 3),
            "portcap_ships": round(min(portcap_s), 3),
        },
        "cpu_ratio_in_process": round(cpu_ratio, 3),
        "seconds_typed_read": {name: round(seconds, 3) for name, seconds in typed.items()},
        "typed_read_ratio_to_pandas": round(floor / min(pandas_s), 3),
        "time_ratio_to_typed_read": round(min(portcap_s) / floor, 3),
        "time_ratio_commands": round(cli_wall / pandas_wall, 3),
        "seconds_commands": {
            "pandas_read_csv": round(pandas_wall, 3),
            "portcap_ships": round(cli_wall, 3),
            "interpreter_with_imports": round(import_wall, 3),
        },
        "peak_memory_ratio": round(peak / size_mb, 3),
        "peak_memory_ratio_above_imports": round((peak - baseline) / size_mb, 3),
        "peak_memory_mb": {
            "portcap_ships": round(peak, 1),
            "interpreter_with_imports": round(baseline, 1),
            "pandas_read_csv": round(pandas_peak, 1),
        },
        "load_average": round(os.getloadavg()[0], 2),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "cpu_count": os.cpu_count(),
        "max_rss_self_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6, 1
        ),
    }
    WORK.mkdir(exist_ok=True)
    (WORK / "bench_ships.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
