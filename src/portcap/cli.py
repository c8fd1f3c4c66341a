"""The ``portcap`` command line: one subcommand per public entry point, nothing else.

Each subcommand's help is the docstring of the function it calls; the command parses
its arguments, makes that call and writes what it returns.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path

from portcap import __version__, engine, factors, inventory, output
from portcap.errors import InputError


def _help(function: object) -> str:
    doc = inspect.getdoc(function) or ""
    return doc.split("\n\nParameters")[0]


def _ships(args: argparse.Namespace) -> int:
    method = inventory.ShipMethod(
        power_method=args.power_method, bsfc_method=args.bsfc, gwp_set=args.gwp
    )
    run = engine.run_ships(
        args.input,
        method=method,
        vessels_path=args.vessels,
        zones_path=args.zones,
        quarantine_path=args.quarantine or output.default_quarantine_path(args.out),
        progress=not args.quiet,
        report=None if args.quiet else lambda line: print(f"portcap: {line}", file=sys.stderr),
    )
    written = output.write_ships_run(run, args.out, file_format=args.format)
    print(output.ships_summary_text(run))
    for label, path in written.items():
        print(f"wrote {label}: {path}")
    return 0


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
        description=_help(engine.run_ships),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    ships.add_argument("--quiet", action="store_true", help="no progress bars or log lines")
    ships.set_defaults(handler=_ships)
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
