"""Builder of portcap's packaged sea distances for the diversion model (not part of the package).

Writes ``src/portcap/data/diversion/sea_distances.csv``: for every Asian origin of
``origins.csv`` and every port of ``gateways.csv`` (the two San Pedro Bay ports and the
alternative gateways), the shortest sea route of the ``searoute`` package (Panama open, and
Panama closed), its length with the access legs from each port point to the network, the
passages it uses, and the part of it inside the North American Emission Control Area
(``portcap/data/geo/north-american-eca.geojson``).

Run from the repository root:
    .venv/bin/python scripts/build_sea_distances.py

The result is checked against the shared table ``searoute-distances.csv`` (packaged beside it)
by ``tests/diversion/test_routes.py``.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
from importlib import resources
from pathlib import Path

import numpy as np
import searoute
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from portcap.ais.zones import load_eca
from portcap.diversion.tables import diversion_data_path, load_diversion_table

REPO = Path(__file__).resolve().parents[1]
OUT = diversion_data_path("sea_distances.csv")

EARTH_RADIUS_NMI = 3440.065
"""Mean Earth radius in nautical miles (6,371.0 km / 1.852), as in the shared table."""

# Northwest Passage is closed in searoute's default; the Panama-closed variant adds Panama.
RESTRICTIONS_OPEN = ["northwest"]
RESTRICTIONS_PANAMA_CLOSED = ["northwest", "panama"]


def port_points() -> dict[str, tuple[float, float]]:
    """Port points of searoute's port list by UN/LOCODE (the last listed point wins).

    For a code listed twice (CAVAN: 'Vancouver' and 'Vancouver Centerm Terminal') the last
    entry, the container terminal, is used, as in the shared table.
    """
    text = resources.files("searoute").joinpath("data/ports.geojson").read_text()
    points: dict[str, tuple[float, float]] = {}
    for feature in json.loads(text)["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        points[feature["properties"]["port"]] = (float(lon), float(lat))
    return points


def haversine_nmi(coordinates: np.ndarray) -> float:
    """Length of a polyline of (lon, lat) degrees on a sphere [nmi]."""
    if len(coordinates) < 2:
        return 0.0
    lon = np.radians(coordinates[:, 0])
    lat = np.radians(coordinates[:, 1])
    half = (
        np.sin(np.diff(lat) / 2) ** 2
        + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
    )
    return float(2 * EARTH_RADIUS_NMI * np.arcsin(np.sqrt(half)).sum())


def shifted_eca() -> BaseGeometry:
    """Return the ECA with copies shifted by +-360 degrees of longitude.

    searoute returns routes with continuous (unwrapped) longitudes: a route from Shanghai to
    Los Angeles ends at 241.7 degrees, not -118.3. The shifted copies meet such routes.
    """
    eca = load_eca()
    copies = [shapely.affinity.translate(eca, xoff=shift) for shift in (-360.0, 0.0, 360.0)]
    return shapely.unary_union(copies)


def length_inside_nmi(coordinates: np.ndarray, area: BaseGeometry) -> float:
    """Length of the part of a route inside an area [nmi], segment by segment."""
    pieces = LineString(coordinates).intersection(area)
    parts = getattr(pieces, "geoms", [pieces])
    return sum(
        haversine_nmi(np.asarray(part.coords)) for part in parts if part.geom_type == "LineString"
    )


def route(
    origin: tuple[float, float], destination: tuple[float, float], restrictions: list[str]
) -> tuple[float, np.ndarray, str]:
    """Length with access legs [nmi], coordinates and passages of a searoute route."""
    feature = searoute.searoute(
        list(origin),
        list(destination),
        units="naut",
        append_orig_dest=True,
        restrictions=restrictions,
        return_passages=True,
    )
    properties = feature["properties"]
    passages = ";".join(properties.get("traversed_passages", []))
    return float(properties["length"]), np.asarray(feature["geometry"]["coordinates"]), passages


def main() -> None:
    """Compute every origin-gateway route and write the CSV."""
    version = importlib.metadata.version("searoute")
    points = port_points()
    eca = shifted_eca()
    origins = load_diversion_table("origins")["locode"].tolist()
    destinations = load_diversion_table("gateways")["locode"].tolist()
    rows = []
    for origin in origins:
        for destination in destinations:
            distance, coordinates, passages = route(
                points[origin], points[destination], RESTRICTIONS_OPEN
            )
            closed, closed_coordinates, closed_passages = route(
                points[origin], points[destination], RESTRICTIONS_PANAMA_CLOSED
            )
            rows.append(
                {
                    "origin": origin,
                    "destination": destination,
                    "distance_nmi": round(distance, 1),
                    "eca_nmi": round(length_inside_nmi(coordinates, eca), 1),
                    "passages": passages,
                    "distance_panama_closed_nmi": round(closed, 1),
                    "eca_panama_closed_nmi": round(length_inside_nmi(closed_coordinates, eca), 1),
                    "passages_panama_closed": closed_passages,
                    "source_id": "searoute_2024",
                    "source_locator": (
                        f"searoute {version} searoute(units='naut', append_orig_dest=True); "
                        "ECA part: route inside north-american-eca.geojson (haversine)"
                    ),
                }
            )
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} routes to {OUT.relative_to(REPO)}")  # noqa: T201


if __name__ == "__main__":
    main()
