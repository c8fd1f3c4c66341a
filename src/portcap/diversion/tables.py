"""The packaged tables of the diversion model and their specifications.

Every fact the diversion model uses (gateways, their throughput, capacity and rail
service, the Asian loading regions, the destination zones of San Pedro Bay cargo, sea
distances, and the scalar parameters with their named alternative sets) lives in a tidy
CSV file under ``portcap/data/diversion/``. Each row carries a ``source_id`` into the
project's bibliography (``portcap/data/factors/sources.csv``) and a ``source_locator``
saying which figure of that source it takes, or, for ``portcap_assumption``, the range and
the reasoning. Provenance is described in ``portcap/data/diversion/SOURCES.md``.

Every file is read and checked by the one table loader of the project,
:func:`portcap.factors.read_table_csv`, against the :class:`~portcap.factors.TableSpec`
registered here in :data:`DIVERSION_TABLES`.

Examples
--------
>>> from portcap.diversion import tables
>>> sorted(tables.DIVERSION_TABLES)[:3]
['destinations', 'gateway_attributes', 'gateway_capacity']
>>> table = tables.load_diversion_table("origins")
>>> round(float(table["weight"].sum()), 6)
1.0
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import pandas as pd

from portcap import factors
from portcap.factors import ColumnSpec, TableSpec

__all__ = [
    "ALL_PORT_CODES",
    "ATTRIBUTES",
    "DIVERSION_TABLES",
    "GATEWAY_CODES",
    "LEAKAGE_POLLUTANTS",
    "PARAMETER_UNITS",
    "SAN_PEDRO_BAY_PORTS",
    "diversion_data_path",
    "load_diversion_table",
]

GATEWAY_CODES: tuple[str, ...] = (
    "USOAK",
    "NWSA",
    "CAVAN",
    "CAPRR",
    "MXESE",
    "MXZLO",
    "MXLZC",
    "USHOU",
    "USSAV",
    "USCHS",
    "USORF",
    "USNYC",
)
"""Alternative gateways for cargo turned away at San Pedro Bay (UN/LOCODE; ``NWSA`` is the
Northwest Seaport Alliance of Seattle and Tacoma)."""

SAN_PEDRO_BAY_PORTS: tuple[str, ...] = ("POLA", "POLB")
"""The two ports of the San Pedro Bay complex, as in :data:`portcap.baseline.PORTS`."""

ALL_PORT_CODES: tuple[str, ...] = (*SAN_PEDRO_BAY_PORTS, *GATEWAY_CODES)
"""San Pedro Bay ports and alternative gateways: the rows of ``gateways.csv``."""

ATTRIBUTES: dict[str, str] = {
    "rail_access": "flag",
    "rail_line_haul_speed_mph": "mph",
    "loaded_import_teu_per_month": "teu",
    "harbor_maintenance_fee": "flag",
}
"""Attributes of ``gateway_attributes.csv`` and their units."""

PARAMETER_UNITS: tuple[str, ...] = (
    "day",
    "dimensionless",
    "g_per_mile",
    "g_per_teu_nmi",
    "kn",
    "mile",
    "mile_per_day",
    "mile_per_gal",
    "nmi",
    "pct_mass",
    "per_usd_per_teu",
    "ppm_mass",
    "ton_mile_per_gal",
    "tonne",
    "usd_per_teu",
    "usd_per_teu_day",
    "usd_per_teu_mile",
    "usd_per_teu_nmi",
)
"""Unit codes allowed in the ``unit`` column of ``parameters.csv``."""

LEAKAGE_POLLUTANTS: tuple[str, ...] = ("nox", "pm10", "pm25", "dpm", "sox", "co2", "co2e")
"""Pollutants of the leakage table (and of ``port_of_call.csv``)."""

_DATA_PACKAGE = "portcap.data"
_DATA_FOLDER = "diversion"


def _src() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


_LON = ColumnSpec("lon", "float", unit="dimensionless", minimum=-180.0, maximum=180.0)
_LAT = ColumnSpec("lat", "float", unit="dimensionless", minimum=-90.0, maximum=90.0)
_TEU = ColumnSpec("teu", "float", unit="dimensionless", minimum=0.0, maximum=1e8)
_LOCODE_ORIGINS = ("CNSHA", "CNYTN", "KRPUS")

DIVERSION_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "gateways",
            "gateways.csv",
            "San Pedro Bay ports and alternative gateways with their searoute port points.",
            key=("code",),
            columns=(
                ColumnSpec("code", "str", allowed=ALL_PORT_CODES),
                ColumnSpec("name", "str"),
                ColumnSpec("country", "str", allowed=("US", "CA", "MX")),
                ColumnSpec("role", "str", allowed=("san_pedro_bay", "gateway")),
                ColumnSpec("locode", "str"),
                _LON,
                _LAT,
                *_src(),
            ),
        ),
        TableSpec(
            "gateway_throughput",
            "gateway_throughput.csv",
            "Annual container throughput of the gateways (loaded and empty TEU).",
            key=("code", "year"),
            columns=(
                ColumnSpec("code", "str", allowed=ALL_PORT_CODES),
                ColumnSpec("year", "int", unit="year", minimum=2000, maximum=2100),
                _TEU,
                *_src(),
            ),
        ),
        TableSpec(
            "gateway_capacity",
            "gateway_capacity.csv",
            "Stated capacities and the throughput they are compared with.",
            key=("code",),
            columns=(
                ColumnSpec("code", "str", allowed=GATEWAY_CODES),
                ColumnSpec("capacity_teu", "float", unit="dimensionless", minimum=0.0, maximum=1e8),
                ColumnSpec(
                    "throughput_teu", "float", unit="dimensionless", minimum=0.0, maximum=1e8
                ),
                ColumnSpec("throughput_year", "int", unit="year", minimum=2000, maximum=2100),
                *_src(),
            ),
        ),
        TableSpec(
            "gateway_attributes",
            "gateway_attributes.csv",
            "Rail access and speed, size (loaded imports) and fees, one attribute a row.",
            key=("code", "attribute"),
            columns=(
                ColumnSpec("code", "str", allowed=ALL_PORT_CODES),
                ColumnSpec("attribute", "str", allowed=tuple(ATTRIBUTES)),
                ColumnSpec("value", "float", unit="dimensionless", minimum=0.0, maximum=1e8),
                ColumnSpec("unit", "str", allowed=tuple(sorted(set(ATTRIBUTES.values())))),
                *_src(),
            ),
        ),
        TableSpec(
            "origins",
            "origins.csv",
            "Asian loading regions of San Pedro Bay imports with their weights.",
            key=("origin",),
            columns=(
                ColumnSpec("origin", "str", allowed=_LOCODE_ORIGINS),
                ColumnSpec("name", "str"),
                ColumnSpec("locode", "str", allowed=_LOCODE_ORIGINS),
                ColumnSpec("weight", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
                *_src(),
            ),
        ),
        TableSpec(
            "destinations",
            "destinations.csv",
            "Destination zones of San Pedro Bay cargo and their shares of its TEU.",
            key=("destination",),
            columns=(
                ColumnSpec("destination", "str"),
                ColumnSpec("name", "str"),
                ColumnSpec("market", "str", allowed=("local", "inland")),
                ColumnSpec("faf4_zone", "int", unit="dimensionless", minimum=0, maximum=999),
                _LON,
                _LAT,
                ColumnSpec("teu_share", "float", unit="dimensionless", minimum=0.0, maximum=1.0),
                *_src(),
            ),
        ),
        TableSpec(
            "sea_distances",
            "sea_distances.csv",
            "Sea distances from Asian origins to the gateways (searoute), with the ECA part.",
            key=("origin", "destination"),
            columns=(
                ColumnSpec("origin", "str", allowed=_LOCODE_ORIGINS),
                ColumnSpec("destination", "str"),
                ColumnSpec("distance_nmi", "float", unit="dimensionless", minimum=0, maximum=3e4),
                ColumnSpec("eca_nmi", "float", unit="dimensionless", minimum=0.0, maximum=3e4),
                ColumnSpec("passages", "str", nullable=True),
                ColumnSpec(
                    "distance_panama_closed_nmi",
                    "float",
                    unit="dimensionless",
                    minimum=0.0,
                    maximum=3e4,
                ),
                ColumnSpec(
                    "eca_panama_closed_nmi", "float", unit="dimensionless", minimum=0, maximum=3e4
                ),
                ColumnSpec("passages_panama_closed", "str", nullable=True),
                *_src(),
            ),
        ),
        TableSpec(
            "searoute_reference",
            "searoute-distances.csv",
            "Copy of the shared sea-distance table (searoute 1.6.0), kept to check ours.",
            key=("origin", "dest"),
            columns=(
                ColumnSpec("origin", "str"),
                ColumnSpec("origin_name", "str"),
                ColumnSpec("origin_lon", "float", unit="dimensionless"),
                ColumnSpec("origin_lat", "float", unit="dimensionless"),
                ColumnSpec("dest", "str"),
                ColumnSpec("dest_name", "str"),
                ColumnSpec("dest_lon", "float", unit="dimensionless"),
                ColumnSpec("dest_lat", "float", unit="dimensionless"),
                ColumnSpec("nm_network", "float", unit="dimensionless", minimum=0.0),
                ColumnSpec("nm_with_access_legs", "float", unit="dimensionless", minimum=0.0),
                ColumnSpec("km_with_access_legs", "float", unit="dimensionless", minimum=0.0),
                ColumnSpec("passages", "str", nullable=True),
                ColumnSpec(
                    "nm_panama_closed_with_access", "float", unit="dimensionless", minimum=0.0
                ),
                ColumnSpec("passages_panama_closed", "str", nullable=True),
                ColumnSpec("nm_great_circle", "float", unit="dimensionless", minimum=0.0),
            ),
            has_sources=False,
        ),
        TableSpec(
            "port_of_call",
            "port_of_call.csv",
            "Port-call emissions per TEU at San Pedro Bay (portcap 2023 baseline inventory).",
            key=("pollutant",),
            columns=(
                ColumnSpec("pollutant", "str", allowed=LEAKAGE_POLLUTANTS),
                ColumnSpec("g_per_teu", "float", unit="dimensionless", minimum=0.0, maximum=1e6),
                *_src(),
            ),
        ),
        TableSpec(
            "parameters",
            "parameters.csv",
            "Scalar parameters of the diversion model: the default set and named alternatives.",
            key=("parameter_set", "parameter"),
            columns=(
                ColumnSpec("parameter_set", "str"),
                ColumnSpec("parameter", "str"),
                ColumnSpec("value", "float", unit="dimensionless", minimum=-10.0, maximum=1e6),
                ColumnSpec("unit", "str", allowed=PARAMETER_UNITS),
                *_src(),
            ),
        ),
    )
}
"""Specifications of the packaged diversion tables, by table name."""


def diversion_data_path(file: str) -> Path:
    """Path of a packaged file under ``portcap/data/diversion``.

    Parameters
    ----------
    file : str
        File name, e.g. ``'gateways.csv'``.

    Returns
    -------
    pathlib.Path
        The file's path (it may not exist).

    Examples
    --------
    >>> diversion_data_path("gateways.csv").name
    'gateways.csv'
    """
    return Path(str(resources.files(_DATA_PACKAGE).joinpath(_DATA_FOLDER, file)))


def load_diversion_table(name: str) -> pd.DataFrame:
    """Read and validate one packaged diversion table.

    Parameters
    ----------
    name : str
        A key of :data:`DIVERSION_TABLES`.

    Returns
    -------
    pandas.DataFrame
        The validated table (a copy; the parsed file is cached).

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    portcap.factors.FactorTableError
        If the file does not match its specification (naming file, row and column).

    Examples
    --------
    >>> load_diversion_table("gateways").set_index("code").loc["USOAK", "locode"]
    'USOAK'
    """
    factors.check_choice(name, tuple(DIVERSION_TABLES), "diversion table")
    return _load_cached(name).copy()


@functools.cache
def _load_cached(name: str) -> pd.DataFrame:
    spec = DIVERSION_TABLES[name]
    return factors.read_table_csv(diversion_data_path(spec.file), spec)
