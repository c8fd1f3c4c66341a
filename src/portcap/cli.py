"""The ``portcap`` command line: one subcommand per public entry point, nothing else.

Each subcommand's help is the docstring of the function it calls; the command parses
its arguments, makes that call and writes what it returns.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portcap import (
    __version__,
    _allocator,  # noqa: F401  (polars' allocator options; before polars loads)
    baseline,
    factors,
    output,
    store,
)
from portcap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from portcap.port_inventory import InventoryOptions

# The model's modules are imported by the subcommand that needs them, so that the command
# starts quickly (scipy, plotly and openpyxl are not loaded to compute ship emissions).

_DOC_PREFIX = "@doc:"


def _doc(target: str) -> str:
    """Mark a description as the docstring of ``module:function``, read only for --help."""
    return _DOC_PREFIX + target


class _DocFormatter(argparse.RawDescriptionHelpFormatter):
    """Help formatter that replaces a :func:`_doc` marker by the function's docstring."""

    def add_text(self, text: str | None) -> None:
        if text and text.startswith(_DOC_PREFIX):
            module, _, name = text.removeprefix(_DOC_PREFIX).partition(":")
            text = _help(getattr(importlib.import_module(module), name))
        super().add_text(text)


def _help(function: object) -> str:
    doc = inspect.getdoc(function) or ""
    return doc.split("\n\nParameters")[0]


def _ships(args: argparse.Namespace) -> int:
    from portcap import engine, inventory

    method = inventory.ShipMethod(
        power_method=args.power_method, bsfc_method=args.bsfc, gwp_set=args.gwp
    )
    run = engine.run_ships(
        args.input,
        method=method,
        vessels_path=args.vessels,
        zones_path=args.zones,
        quarantine_path=args.quarantine or output.default_quarantine_path(args.out),
        partition_files=args.partition_files,
        scheduler=args.scheduler,
        progress=not args.quiet,
        report=None if args.quiet else lambda line: print(f"portcap: {line}", file=sys.stderr),
        grid_deg=args.grid,
    )
    written = output.write_ships_run(run, args.out, file_format=args.format)
    print(output.ships_summary_text(run))
    for label, path in written.items():
        print(f"wrote {label}: {path}")
    return 0


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def _inventory_options(args: argparse.Namespace) -> InventoryOptions:
    from portcap import port_inventory as port_inventory_module

    sources = port_inventory_module.DEFAULT_SOURCES
    if args.light_duty:
        sources = (*sources, "light_duty")
    return port_inventory_module.InventoryOptions(
        sources=sources,
        gwp_set=args.gwp,
        power_method=args.power_method,
        che_load_factor_scale=args.che_load_factor_scale,
        che_in_use_nox_multiplier=args.che_in_use_nox,
        che_in_use_pm_multiplier=args.che_in_use_pm,
    )


def _emit(table: pd.DataFrame, args: argparse.Namespace) -> None:
    """Write a table to --out, or to standard output in --format (csv or json)."""
    from portcap import writers

    if args.out is not None:
        print(f"wrote {writers.write_table(table, args.out, args.format)}")
    elif args.format == "parquet":
        raise InputError("--format parquet needs --out FILE")
    elif args.format == "json":
        print(table.to_json(orient="records", indent=1))
    else:
        print(table.to_csv(index=False), end="")


def _inventory(args: argparse.Namespace) -> int:
    from portcap import port_inventory as port_inventory_module
    from portcap.report import charts

    activity_set = baseline.load_activity_set(args.activity)
    ships = _read_table(args.ships) if args.ships is not None else None
    result = port_inventory_module.port_inventory(
        args.year,
        ports=args.port,
        activity_set=activity_set,
        options=_inventory_options(args),
        ships=ships,
    )
    if args.chart is not None:
        figure = charts.inventory_chart(result.emissions, by=args.by or "source")
        print(f"wrote {charts.write_chart(figure, args.chart)}", file=sys.stderr)
    if args.out is None and args.format is None:
        print(output.inventory_text(result, by=args.by or "source"))
        return 0
    _emit(output.inventory_by(result.emissions, args.by), args)
    if args.out is not None:
        summary = Path(args.out).with_suffix("").with_suffix(".summary.json")
        summary.write_text(json.dumps(output.inventory_summary(result), indent=2) + "\n")
        print(f"wrote {summary}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from portcap import port_inventory as port_inventory_module
    from portcap import validation
    from portcap.report import charts

    activity_set = baseline.load_activity_set(args.activity)
    options = port_inventory_module.InventoryOptions(gwp_set=args.gwp)
    table = validation.reconcile(activity_set, options)
    if args.chart is not None:
        figure = charts.reconciliation_chart(table)
        print(f"wrote {charts.write_chart(figure, args.chart)}", file=sys.stderr)
    if args.out is None and args.format is None:
        print(output.reconciliation_text(table))
    else:
        _emit(table, args)
    return 0 if bool(table["passed"].all()) else 1


def _run(args: argparse.Namespace) -> int:
    from portcap import engine

    results = engine.run(args.scenario, progress=not args.quiet)
    written = output.write_run(results, args.out)
    run_id = store.record_run(
        args.store,
        scenario=results.scenario.name,
        scenario_hash=results.scenario_hash,
        resolved_yaml=results.scenario.to_yaml(),
        summary=results.summary,
        tables=output.run_tables(results),
    )
    print(output.run_summary_text(results))
    for label, path in written.items():
        print(f"wrote {label}: {path}")
    print(f"recorded run {run_id} in {args.store}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from portcap import comparison

    names = args.scenarios or list(comparison.DEFAULT_SCENARIOS)
    table, results = comparison.compare(names, progress=not args.quiet)
    for result in results:
        store.record_run(
            args.store,
            scenario=result.scenario.name,
            scenario_hash=result.scenario_hash,
            resolved_yaml=result.scenario.to_yaml(),
            summary=result.summary,
            tables=output.run_tables(result),
        )
    written = output.write_comparison(table, args.out, results)
    print(output.comparison_text(table))
    for label, path in written.items():
        print(f"wrote {label}: {path}")
    return 0


def _ensemble(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from portcap import ensemble

    bar = tqdm(total=args.draws, desc="portcap ensemble", unit="draw", disable=args.quiet)

    def advance(done: int) -> None:
        bar.update(done - bar.n)

    result = ensemble.run_ensemble(
        args.scenario,
        draws=args.draws,
        seed=args.seed,
        method=args.method,
        scheduler=None if args.scheduler == "none" else args.scheduler,
        progress=advance,
    )
    bar.close()
    written = output.write_ensemble(result, args.out)
    print(output.ensemble_text(result))
    for label, path in written.items():
        print(f"wrote {label}: {path}")
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from portcap import scenario as scenario_module

    for name, description in sorted(scenario_module.builtin_scenarios().items()):
        print(f"{name:<16} {description}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from portcap.web import create_app

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"portcap: warning: serving on {args.host}: anyone who can reach this address "
            "can use the dashboard (it has no login)",
            file=sys.stderr,
        )
    print(f"portcap dashboard on http://{args.host}:{args.port}/ (Ctrl+C stops it)")
    uvicorn.run(
        create_app(start_default_run=not args.no_default_run),
        host=args.host,
        port=args.port,
        log_level="warning",
        limit_concurrency=64,
    )
    return 0


def _runs(args: argparse.Namespace) -> int:
    import pandas as pd

    table = store.list_runs(args.store)
    if table.empty:
        print(f"no runs recorded in {args.store}")
        return 0
    with pd.option_context("display.width", 140):
        print(table.to_string(index=False))
    return 0


def _add_output_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--format",
        choices=("csv", "parquet", "json"),
        default=None,
        help=f"write the {what} in this format (default: a readable table on screen)",
    )
    parser.add_argument("--out", type=Path, default=None, help=f"file to write the {what} to")
    parser.add_argument(
        "--chart", type=Path, default=None, help="also write a chart (self-contained HTML)"
    )
    parser.add_argument(
        "--activity",
        type=Path,
        default=None,
        help="folder of activity CSV files (default: the packaged San Pedro Bay baseline)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``portcap`` command."""
    parser = argparse.ArgumentParser(
        prog="portcap",
        description="Emissions caps on seaport complexes: inventories, caps, diversion.",
    )
    parser.add_argument("--version", action="version", version=f"portcap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ships = sub.add_parser(
        "ships",
        help="ship (OGV) emissions from AIS or vessel calls",
        description=_doc("portcap.engine:run_ships"),
        formatter_class=_DocFormatter,
    )
    ships.add_argument("input", type=Path, help="AIS file or folder, or a calls CSV")
    ships.add_argument("--vessels", type=Path, help="vessels.csv with known characteristics")
    ships.add_argument("--zones", type=Path, help="GeoJSON zones (default: San Pedro Bay)")
    ships.add_argument(
        "--out",
        type=Path,
        default=Path("out/ships.csv"),
        help="emissions table to write (default: out/ships.csv)",
    )
    ships.add_argument(
        "--format",
        choices=("csv", "parquet", "json"),
        default=None,
        help="output format (default: from the --out extension, else csv)",
    )
    ships.add_argument(
        "--quarantine",
        type=Path,
        default=None,
        help="quarantine file, .parquet or .csv (default: <stem>.quarantine.parquet beside --out)",
    )
    ships.add_argument(
        "--power-method",
        choices=factors.POWER_METHODS,
        default="epa2022",
        help="auxiliary and boiler power set: EPA 2022 Tables E.1/E.2 (IMO GHG3) or the "
        "Port of Los Angeles 2016 inventory (Starcrest)",
    )
    ships.add_argument(
        "--bsfc",
        choices=("base", "load_dependent"),
        default="base",
        help="propulsion fuel consumption: EPA 2022 Table 3.6, or the load-dependent curve",
    )
    ships.add_argument(
        "--gwp", choices=factors.GWP_SETS, default="ar5_100", help="GWP set for co2e"
    )
    ships.add_argument(
        "--partition-files",
        type=int,
        default=None,
        metavar="N",
        help="AIS files per partition of a folder (default: consecutive files up to "
        "128 MiB on disk); 0 reads the folder in one pass",
    )
    ships.add_argument(
        "--scheduler",
        default=None,
        metavar="local|ADDRESS",
        help="run the partitions on Dask: 'local' (processes on this machine) or a "
        "scheduler address such as tcp://scheduler:8786",
    )
    ships.add_argument(
        "--grid",
        type=float,
        default=None,
        metavar="DEG",
        help="also write the emissions by cell of a longitude-latitude grid of DEG degrees "
        "(<stem>.grid.csv; AIS read in one pass)",
    )
    ships.add_argument("--quiet", action="store_true", help="no progress bars or log lines")
    ships.set_defaults(handler=_ships)

    inv = sub.add_parser(
        "inventory",
        help="the whole-port inventory: ships, harbor craft, equipment, trucks, rail",
        description=_doc("portcap.port_inventory:port_inventory"),
        formatter_class=_DocFormatter,
    )
    inv.add_argument("--year", type=int, default=2023, help="inventory year (default: 2023)")
    inv.add_argument(
        "--port", choices=(*baseline.PORTS, "all"), default="all", help="port (default: all)"
    )
    inv.add_argument(
        "--by",
        choices=output.INVENTORY_BY,
        default=None,
        help="group by terminal, source or mode (printed default: source; files: no grouping)",
    )
    _add_output_options(inv, "emissions table")
    inv.add_argument(
        "--ships",
        type=Path,
        default=None,
        help="ship emissions from `portcap ships` (CSV or Parquet) to use instead of the "
        "activity set's vessel calls",
    )
    inv.add_argument(
        "--light-duty",
        action="store_true",
        help="add workers' and cruise passengers' cars (outside the ports' inventories)",
    )
    inv.add_argument(
        "--power-method",
        choices=factors.POWER_METHODS,
        default="epa2022",
        help="auxiliary and boiler power set for ships",
    )
    inv.add_argument("--gwp", choices=factors.GWP_SETS, default="ar5_100", help="GWP set")
    inv.add_argument(
        "--che-load-factor-scale",
        type=float,
        default=1.0,
        help="scale on cargo-handling load factors (in-use study 2024: about 0.5)",
    )
    inv.add_argument(
        "--che-in-use-nox",
        type=float,
        default=1.0,
        help="in-use over certification NOx of cargo-handling equipment (in-use study: 2.7)",
    )
    inv.add_argument(
        "--che-in-use-pm",
        type=float,
        default=1.0,
        help="in-use over certification PM of cargo-handling equipment (in-use study: 2.2)",
    )
    inv.set_defaults(handler=_inventory)

    val = sub.add_parser(
        "validate",
        help="reconcile the modelled inventory with the ports' published figures",
        description=_doc("portcap.validation:reconcile"),
        formatter_class=_DocFormatter,
    )
    _add_output_options(val, "reconciliation table")
    val.add_argument("--gwp", choices=factors.GWP_SETS, default="ar5_100", help="GWP set")
    val.set_defaults(handler=_validate)

    run_parser = sub.add_parser(
        "run",
        help="run a scenario: forecast, caps, turn-away, diversion, leakage, jobs",
        description=_doc("portcap.engine:run"),
        formatter_class=_DocFormatter,
    )
    run_parser.add_argument(
        "scenario",
        nargs="?",
        default="pr2304-cap",
        help="built-in scenario name or YAML file (default: pr2304-cap; see portcap scenarios)",
    )
    run_parser.add_argument(
        "--out", type=Path, default=Path("out/run"), help="output folder (default: out/run)"
    )
    run_parser.add_argument(
        "--store",
        type=Path,
        default=store.DEFAULT_STORE,
        help="DuckDB results store (default: portcap.duckdb in the working folder)",
    )
    run_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    run_parser.set_defaults(handler=_run)

    cmp_parser = sub.add_parser(
        "compare",
        help="compare scenarios side by side (default: the built-in set)",
        description=_doc("portcap.comparison:compare"),
        formatter_class=_DocFormatter,
    )
    cmp_parser.add_argument(
        "scenarios", nargs="*", help="scenario names or YAML files (default: the built-in set)"
    )
    cmp_parser.add_argument(
        "--out", type=Path, default=Path("out/compare"), help="output folder (default: out/compare)"
    )
    cmp_parser.add_argument(
        "--store", type=Path, default=store.DEFAULT_STORE, help="DuckDB results store"
    )
    cmp_parser.add_argument("--quiet", action="store_true", help="no progress bars")
    cmp_parser.set_defaults(handler=_compare)

    ens = sub.add_parser(
        "ensemble",
        help="Monte Carlo draws of a scenario's uncertain parameters",
        description=_doc("portcap.ensemble:run_ensemble"),
        formatter_class=_DocFormatter,
    )
    ens.add_argument(
        "scenario",
        nargs="?",
        default="pr2304-cap-uncertain",
        help="scenario with an uncertainty section (default: pr2304-cap-uncertain)",
    )
    ens.add_argument("--draws", type=int, default=32, help="number of draws (default 32)")
    ens.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    ens.add_argument(
        "--method", choices=("lhs", "sobol"), default="lhs", help="sampling design (default lhs)"
    )
    ens.add_argument(
        "--scheduler",
        default="none",
        help="none (this process), local (Dask worker processes) or a Dask scheduler address",
    )
    ens.add_argument(
        "--out", type=Path, default=Path("out/ensemble"), help="output folder (out/ensemble)"
    )
    ens.add_argument("--quiet", action="store_true", help="no progress bar")
    ens.set_defaults(handler=_ensemble)

    serve = sub.add_parser(
        "serve",
        help="the web dashboard (works offline; binds to 127.0.0.1 unless told otherwise)",
        description="Serve the dashboard: overview, inventory, cap, diversion, compare, "
        "uncertainty and a scenario editor. The default scenario starts running at once.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--no-default-run",
        action="store_true",
        help="do not run the default scenario at start (pages wait for a run from the editor)",
    )
    serve.set_defaults(handler=_serve)

    scenarios = sub.add_parser("scenarios", help="list the built-in scenarios")
    scenarios.set_defaults(handler=_scenarios)

    runs = sub.add_parser("runs", help="list the runs recorded in the results store")
    runs.add_argument("--store", type=Path, default=store.DEFAULT_STORE, help="DuckDB store")
    runs.set_defaults(handler=_runs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``portcap`` command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as exc:
        print(f"portcap: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
