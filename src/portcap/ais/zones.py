"""Geofences: berth, anchorage and maneuvering zones, and the North American ECA.

A zone file is a GeoJSON ``FeatureCollection`` of ``Polygon``/``MultiPolygon`` features with
the properties ``zone_id`` (unique), ``kind`` in {``berth``, ``anchorage``, ``maneuvering``}
and, on berths, ``terminal`` (a stable terminal code). The San Pedro Bay set ships with
portcap (``portcap/data/geo/san-pedro-bay-zones.geojson``, sources in the ``SOURCES.md``
beside it); users may pass their own file with the same properties.

Points are assigned to zones with :func:`assign_zones` (strings) or :func:`zone_index` (integer
codes, for large tables; :func:`zone_columns` turns them into compact polars ``Enum`` columns).
Both look points up in a raster of the zones (about 10 m cells, built once per :class:`Zones`)
and run the exact ``shapely.intersects_xy`` test only for points in cells that a polygon
boundary passes through, so the result is that of the exact test. When zones overlap, the kind
with the higher precedence wins (berth > anchorage > maneuvering, see :data:`ZONE_KINDS`);
between zones of the same kind the smaller polygon wins (for example Sub-Anchorage B-7 inside
Anchorage B).

:func:`in_eca` tells whether points lie in the North American Emission Control Area
(MARPOL Annex VI, Appendix VII), packaged as ``portcap/data/geo/north-american-eca.geojson``.
"""

from __future__ import annotations

import functools
import json
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

__all__ = [
    "DEFAULT_ECA_FILE",
    "DEFAULT_ZONES_FILE",
    "ZONE_KINDS",
    "ZONE_KIND_DTYPE",
    "ZoneAssignment",
    "ZoneFileError",
    "Zones",
    "assign_zones",
    "in_eca",
    "load_eca",
    "load_zones",
    "zone_columns",
    "zone_index",
]

#: Allowed values of the ``kind`` property, in order of precedence (first wins on overlap).
ZONE_KINDS: tuple[str, ...] = ("berth", "anchorage", "maneuvering")

#: Polars dtype of ``zone_kind`` columns: an ``Enum`` whose physical codes index :data:`ZONE_KINDS`.
ZONE_KIND_DTYPE = pl.Enum(ZONE_KINDS)

#: File name of the packaged San Pedro Bay zones (in ``portcap/data/geo``).
DEFAULT_ZONES_FILE = "san-pedro-bay-zones.geojson"

#: File name of the packaged North American ECA polygons (in ``portcap/data/geo``).
DEFAULT_ECA_FILE = "north-american-eca.geojson"

_POLYGONAL = ("Polygon", "MultiPolygon")

# string properties copied into Zones.table (missing ones become null)
_TABLE_COLUMNS = (
    "zone_id",
    "kind",
    "name",
    "terminal",
    "terminal_name",
    "terminal_type",
    "port",
    "operator",
    "authority",
    "source_ref",
)

GeoSource = str | Path | Mapping[str, Any]


class ZoneFileError(ValueError):
    """A zone or ECA GeoJSON file that does not meet portcap's requirements."""


class ZoneAssignment(NamedTuple):
    """Zone of each point; ``None`` where a point lies in no zone.

    Attributes
    ----------
    zone_id : numpy.ndarray
        ``zone_id`` of the winning zone (object array of ``str`` or ``None``).
    zone_kind : numpy.ndarray
        Its ``kind``: ``"berth"``, ``"anchorage"``, ``"maneuvering"`` or ``None``.
    terminal : numpy.ndarray
        Its ``terminal`` code (berths only; ``None`` elsewhere).
    """

    zone_id: npt.NDArray[np.object_]
    zone_kind: npt.NDArray[np.object_]
    terminal: npt.NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class Zones:
    """A validated set of zones, ready for point-in-polygon assignment.

    Build it with :func:`load_zones`; do not mutate its arrays.

    Attributes
    ----------
    table : polars.DataFrame
        One row per zone, in file order, with the string columns ``zone_id, kind, name,
        terminal, terminal_name, terminal_type, port, operator, authority, source_ref``
        (null where a feature lacks the property).
    geometry : numpy.ndarray
        Shapely polygons in longitude/latitude degrees (WGS84), prepared, in file order.
    source : str
        Where the zones came from (a path, or the packaged file's name).
    """

    table: pl.DataFrame
    geometry: npt.NDArray[np.object_]
    source: str

    def __len__(self) -> int:
        return len(self.geometry)

    @functools.cached_property
    def bounds(self) -> npt.NDArray[np.float64]:
        """Bounding boxes ``(lon_min, lat_min, lon_max, lat_max)``, shape ``(n, 4)`` [deg]."""
        return np.asarray(shapely.bounds(self.geometry), dtype=float).reshape(-1, 4)

    @functools.cached_property
    def precedence_order(self) -> npt.NDArray[np.intp]:
        """Zone indices from lowest to highest precedence (the last match wins).

        Ordered by kind (maneuvering, anchorage, berth), then by decreasing area, so that a
        smaller zone nested in a larger one of the same kind wins.
        """
        rank = {kind: len(ZONE_KINDS) - i for i, kind in enumerate(ZONE_KINDS)}
        kinds = self.table["kind"].to_list()
        areas = shapely.area(self.geometry)
        keys = [(rank[k], -a) for k, a in zip(kinds, areas, strict=True)]
        return np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)

    @functools.cached_property
    def kind_index(self) -> npt.NDArray[np.int8]:
        """Kind of each zone as an index into :data:`ZONE_KINDS`, shape ``(n,)``."""
        return np.asarray(
            [ZONE_KINDS.index(kind) for kind in self.table["kind"].to_list()], dtype=np.int8
        )

    @functools.cached_property
    def terminal_categories(self) -> tuple[str, ...]:
        """Distinct ``terminal`` codes, in order of first appearance in the file."""
        terminals = self.table["terminal"].to_list()
        return tuple(dict.fromkeys(t for t in terminals if t is not None))

    @functools.cached_property
    def terminal_index(self) -> npt.NDArray[np.int32]:
        """Terminal of each zone as an index into :attr:`terminal_categories` (``-1``: none)."""
        position = {terminal: i for i, terminal in enumerate(self.terminal_categories)}
        terminals = self.table["terminal"].to_list()
        return np.asarray([position.get(t, -1) for t in terminals], dtype=np.int32)

    @functools.cached_property
    def zone_id_dtype(self) -> pl.Enum:
        """Polars ``Enum`` of the ``zone_id`` values; its physical codes are zone indices."""
        return pl.Enum(self.table["zone_id"].to_list())

    @functools.cached_property
    def terminal_dtype(self) -> pl.Enum:
        """Polars ``Enum`` of the terminal codes (:attr:`terminal_categories`)."""
        return pl.Enum(list(self.terminal_categories))

    @functools.cached_property
    def _raster(self) -> _Raster | None:
        """Raster index of the zones (built on first use; ``None`` if not polygonal)."""
        if len(self) == 0:
            return None
        return _rasterise(self.geometry, self.precedence_order, cell_m=_ZONE_CELL_M)

    def terminals(self) -> pl.DataFrame:
        """Berth terminals: one row per ``terminal`` with its name, port and type."""
        return (
            self.table.filter(pl.col("kind") == "berth")
            .group_by("terminal", maintain_order=True)
            .agg(
                pl.col("terminal_name").first(),
                pl.col("port").first(),
                pl.col("terminal_type").first(),
                pl.col("zone_id").alias("zone_ids"),
            )
        )


# ---------------------------------------------------------------------------- reading files


def _packaged_text(name: str) -> str:
    return (files("portcap.data") / "geo" / name).read_text(encoding="utf-8")


def _read_feature_collection(source: GeoSource | None, default: str) -> tuple[dict[str, Any], str]:
    """Return the parsed GeoJSON object and a label for error messages."""
    if source is None:
        label = f"portcap/data/geo/{default}"
        text = _packaged_text(default)
    elif isinstance(source, Mapping):
        return dict(source), "<GeoJSON mapping>"
    else:
        label = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ZoneFileError(f"{label}: cannot read the file ({exc})") from exc
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ZoneFileError(f"{label}: not valid JSON ({exc})") from exc
    return obj, label


def _features(obj: Any, label: str) -> list[Any]:
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        raise ZoneFileError(f"{label}: expected a GeoJSON FeatureCollection")
    features = obj.get("features")
    if not isinstance(features, list) or not features:
        raise ZoneFileError(f"{label}: the FeatureCollection has no features")
    return features


def _polygon(feature: Any, where: str, problems: list[str]) -> BaseGeometry | None:
    """Check one feature's geometry; record problems and return the shapely polygon."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.append(f"{where}: not a GeoJSON Feature")
        return None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        problems.append(f"{where}: has no geometry")
        return None
    if geometry.get("type") not in _POLYGONAL:
        problems.append(
            f"{where}: geometry type {geometry.get('type')!r} is not Polygon or MultiPolygon"
        )
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        problems.append(f"{where}: geometry cannot be read ({exc})")
        return None
    if geom.is_empty:
        problems.append(f"{where}: geometry is empty")
        return None
    if not geom.is_valid:
        problems.append(f"{where}: geometry is not valid ({explain_validity(geom)})")
        return None
    return geom


def _describe(index: int, props: Mapping[str, Any], label: str) -> str:
    zone_id = props.get("zone_id")
    suffix = f" (zone_id {zone_id!r})" if isinstance(zone_id, str) and zone_id else ""
    return f"{label}: feature {index}{suffix}"


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def load_zones(path: str | Path | Mapping[str, Any] | None = None) -> Zones:
    """Load and validate a zone GeoJSON file (default: the packaged San Pedro Bay zones).

    Parameters
    ----------
    path : str, pathlib.Path, mapping or None, default None
        A GeoJSON file, or an already parsed GeoJSON mapping. ``None`` loads the packaged
        ``portcap/data/geo/san-pedro-bay-zones.geojson`` (cached).

    Returns
    -------
    Zones
        The zones, with prepared geometries.

    Raises
    ------
    ZoneFileError
        If the file is not a FeatureCollection, or any feature has a geometry that is not a
        valid ``Polygon``/``MultiPolygon``, a missing or duplicate ``zone_id``, a missing or
        unknown ``kind``, or a berth without ``terminal``. The message names the file, the
        feature index and the property, and lists every problem found.

    Notes
    -----
    Coordinates are WGS84 longitude/latitude in degrees (RFC 7946 order). Extra properties are
    allowed and ignored; the string properties listed in :class:`Zones` are kept in
    ``Zones.table``.

    Examples
    --------
    >>> zones = load_zones()
    >>> sorted(set(zones.table["kind"]))
    ['anchorage', 'berth', 'maneuvering']
    """
    if path is None:
        return _default_zones()
    return _load_zones(path)


@functools.cache
def _default_zones() -> Zones:
    return _load_zones(None)


def _load_zones(path: GeoSource | None) -> Zones:
    obj, label = _read_feature_collection(path, DEFAULT_ZONES_FILE)
    features = _features(obj, label)
    problems: list[str] = []
    geoms: list[BaseGeometry | None] = []
    rows: list[dict[str, str | None]] = []
    first_seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        where = _describe(index, props, label)
        geoms.append(_polygon(feature, where, problems))

        zone_id = props.get("zone_id")
        if not isinstance(zone_id, str) or not zone_id.strip():
            problems.append(f"{where}: property 'zone_id' is missing or not a non-empty string")
        elif zone_id in first_seen:
            problems.append(f"{where}: property 'zone_id' duplicates feature {first_seen[zone_id]}")
        else:
            first_seen[zone_id] = index

        kind = props.get("kind")
        if kind is None:
            hint = (
                f" (found 'zone_type' = {props['zone_type']!r}; rename it to 'kind')"
                if "zone_type" in props
                else ""
            )
            problems.append(
                f"{where}: property 'kind' is missing; expected one of {list(ZONE_KINDS)}{hint}"
            )
        elif kind not in ZONE_KINDS:
            problems.append(
                f"{where}: property 'kind' is {kind!r}; expected one of {list(ZONE_KINDS)}"
            )
        elif kind == "berth":
            terminal = props.get("terminal")
            if not isinstance(terminal, str) or not terminal.strip():
                problems.append(f"{where}: property 'terminal' is required on berth zones")
        rows.append({column: _as_text(props.get(column)) for column in _TABLE_COLUMNS})

    if problems:
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ZoneFileError(
            f"{label}: {len(problems)} problem(s) in the zone file:\n  " + "\n  ".join(shown) + more
        )
    geometry = np.asarray(geoms, dtype=object)
    shapely.prepare(geometry)
    table = pl.DataFrame(rows, schema=dict.fromkeys(_TABLE_COLUMNS, pl.String))
    return Zones(table=table, geometry=geometry, source=label)


# ----------------------------------------------------------------------------- raster index
#
# A point-in-polygon test per point costs about a quarter of a microsecond even on prepared
# polygons; two million points in a harbor take several tenths of a second. The raster answers
# almost every point with integer arithmetic: the polygons are painted once onto a regular grid
# in longitude/latitude, cells that a polygon boundary passes through (or within _MARGIN cell
# of) are marked ambiguous, and only the points that fall in ambiguous cells get the exact
# test. A cell that is not ambiguous is crossed by no boundary, even allowing for the rounding
# of the lookup, so all its points have the winning polygon of its centre: the answer equals
# the exact test's.

_NONE = -1  # cell value: in no polygon
_AMBIGUOUS = -2  # cell value: near a boundary, test the point exactly

#: Target cell size of the zone raster [m] (capped by _MAX_CELLS).
_ZONE_CELL_M = 10.0
#: Most cells in a raster (int8 cells: 4 MiB).
_MAX_CELLS = 1 << 22
#: Most cells along one side, so that float32 grid coordinates err by under 0.01 cell.
_MAX_SIDE = 1 << 15
#: Length of one degree of latitude [m] (mean; only sets the cell size).
_M_PER_DEG = 111_320.0
#: Largest lookup error the raster tolerates [cells] (float32 grid coordinates err < 0.01).
_MARGIN = 0.02
#: Half the spacing of the boundary samples [cells].
_HALF_STEP = 0.05
_REACH = _HALF_STEP + _MARGIN
#: Boundary samples processed at once.
_SAMPLE_BATCH = 1 << 16
#: Calls with fewer points than this use the exact test unless the raster is already built.
_RASTER_MIN_POINTS = 20_000


@dataclass(frozen=True, eq=False)
class _Raster:
    """Winning polygon of each cell of a regular longitude/latitude grid.

    ``cells`` is the row-major ``(ny + 2, nx + 2)`` grid, flattened: the ``nx * ny`` interior
    cells (interior cell ``(i, j)`` spans longitude ``[x0 + j dx, x0 + (j + 1) dx)`` and latitude
    ``[y0 + i dy, y0 + (i + 1) dy)``) inside a one-cell border of ``_NONE``. Values: index of the
    winning polygon, ``_NONE`` or ``_AMBIGUOUS``.
    """

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int
    cells: npt.NDArray[np.signedinteger[Any]]

    def lookup(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.signedinteger[Any]]:
        """Cell value of each point; NaN and points off the grid get ``_NONE``."""
        buffer = np.empty(lat.shape, dtype=np.float32)
        flat = self._axis(lat, self.y0, self.dy, self.ny, buffer)
        flat *= self.nx + 2
        flat += self._axis(lon, self.x0, self.dx, self.nx, buffer)
        return self.cells[flat]

    @staticmethod
    def _axis(
        values: npt.NDArray[np.float64],
        origin: float,
        step: float,
        n: int,
        buffer: npt.NDArray[np.float32],
    ) -> npt.NDArray[np.int32]:
        # grid coordinate plus one (the border), clamped to [0, n + 1]: off-grid points land on
        # the border, and so does NaN (fmin/fmax return the number when one operand is NaN)
        np.subtract(values, origin - step, out=buffer, casting="same_kind")
        buffer *= np.float32(1.0 / step)
        np.fmin(buffer, n + 1, out=buffer)
        np.fmax(buffer, 0, out=buffer)
        return buffer.astype(np.int32)


def _grid_edges(
    geometry: BaseGeometry, x0: float, y0: float, dx: float, dy: float
) -> tuple[npt.NDArray[np.float64], ...]:
    """Edges ``(ua, va, ub, vb)`` of every ring of a (multi)polygon, in grid units."""
    rings = shapely.get_rings(shapely.get_parts(geometry))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    u = (coords[:, 0] - x0) / dx
    v = (coords[:, 1] - y0) / dy
    same = ring[1:] == ring[:-1]  # consecutive vertices of one (closed) ring
    return u[:-1][same], v[:-1][same], u[1:][same], v[1:][same]


def _runs(counts: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """For ``counts[e]`` items per element: the element of each item and its rank in it."""
    element = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return element, np.arange(element.size) - starts[element]


def _paint(
    interior: npt.NDArray[np.signedinteger[Any]],
    value: int,
    edges: tuple[npt.NDArray[np.float64], ...],
) -> None:
    """Set the interior cells whose centre lies inside the polygon to ``value``.

    Even-odd scanline fill along each row's centre line. A vertex belongs to the rows below
    ``ceil(v - 0.5)``, computed once per vertex, so every row crosses each closed ring an even
    number of times whatever the rounding.
    """
    ua, va, ub, vb = edges
    ka, kb = np.ceil(va - 0.5).astype(np.int64), np.ceil(vb - 0.5).astype(np.int64)
    low = np.minimum(ka, kb)
    edge, rank = _runs(np.abs(kb - ka))
    if edge.size == 0:
        return
    row = low[edge] + rank
    centre = row + 0.5
    x = ua[edge] + (centre - va[edge]) * ((ub - ua) / np.where(vb == va, 1.0, vb - va))[edge]
    order = np.lexsort((x, row))
    row, x = row[order][0::2], x[order]
    ny, nx = interior.shape
    col_in = np.clip(np.ceil(x[0::2] - 0.5), 0, nx).astype(np.int64)
    col_out = np.clip(np.ceil(x[1::2] - 0.5), 0, nx).astype(np.int64)
    keep = (col_out > col_in) & (row >= 0) & (row < ny)
    row, col_in, col_out = row[keep], col_in[keep], col_out[keep]
    if row.size == 0:
        return
    r0, c0 = int(row.min()), int(col_in.min())
    r1, c1 = int(row.max()) + 1, int(col_out.max())
    change = np.zeros((r1 - r0, c1 - c0 + 1), dtype=np.int8)
    np.add.at(change, (row - r0, col_in - c0), 1)
    np.add.at(change, (row - r0, col_out - c0), -1)
    inside = np.cumsum(change, axis=1, dtype=np.int8)[:, :-1] > 0
    interior[r0:r1, c0:c1][inside] = value


def _mark_boundaries(
    grid: npt.NDArray[np.signedinteger[Any]], edges: tuple[npt.NDArray[np.float64], ...]
) -> None:
    """Mark as ambiguous every cell that a boundary passes within ``_MARGIN`` cell of.

    Samples every edge at most ``2 * _HALF_STEP`` cell apart, so each boundary point is within
    ``_HALF_STEP`` of a sample (Chebyshev distance, in cells), and marks every cell within
    ``_REACH = _HALF_STEP + _MARGIN`` of a sample (its own cell and, near a cell edge, the
    neighbours across it). A cell left unmarked is thus more than ``_MARGIN`` away from every
    boundary: more than the float32 rounding of a lookup.
    """
    ua, va, ub, vb = edges
    du, dv = ub - ua, vb - va
    length = np.maximum(np.abs(du), np.abs(dv))
    counts = np.ceil(length / (2 * _HALF_STEP)).astype(np.int64) + 1
    # in batches of about _SAMPLE_BATCH samples, to bound the temporary arrays
    batch = np.cumsum(counts) // _SAMPLE_BATCH
    bounds = np.flatnonzero(np.diff(batch)) + 1
    for part in np.split(np.arange(counts.size), bounds):
        _mark_samples(grid, ua[part], va[part], du[part], dv[part], counts[part])


def _mark_samples(
    grid: npt.NDArray[np.signedinteger[Any]],
    ua: npt.NDArray[np.float64],
    va: npt.NDArray[np.float64],
    du: npt.NDArray[np.float64],
    dv: npt.NDArray[np.float64],
    counts: npt.NDArray[np.int64],
) -> None:
    edge, rank = _runs(counts)
    t = rank / np.maximum(counts - 1, 1)[edge]
    u = ua[edge] + t * du[edge]
    v = va[edge] + t * dv[edge]
    col, row = np.floor(u), np.floor(v)
    u -= col  # position inside the cell, in [0, 1)
    v -= row
    col_shift = np.where(u < _REACH, -1, np.where(u > 1 - _REACH, 1, 0))
    row_shift = np.where(v < _REACH, -1, np.where(v > 1 - _REACH, 1, 0))
    col_idx = col.astype(np.int64) + 1  # +1: the border
    row_idx = row.astype(np.int64) + 1
    height, width = grid.shape
    for d_row, d_col in ((0, 0), (1, 0), (0, 1), (1, 1)):
        r = np.clip(row_idx + d_row * row_shift, 0, height - 1)
        c = np.clip(col_idx + d_col * col_shift, 0, width - 1)
        grid[r, c] = _AMBIGUOUS


def _rasterise(
    geometries: npt.NDArray[np.object_],
    order: npt.NDArray[np.intp],
    *,
    cell_m: float | None = None,
    max_cells: int = _MAX_CELLS,
) -> _Raster | None:
    """Paint polygons onto a grid; ``order`` lists polygon indices, the last one wins.

    The grid covers the polygons' bounding box plus two cells. Cells are ``cell_m`` metres
    (square at the box's mean latitude) or, if that needs more than ``max_cells`` cells (or
    ``cell_m`` is None), as small as ``max_cells`` allows. Returns None unless every geometry
    is a valid, non-empty Polygon or MultiPolygon (the even-odd fill assumes validity).
    """
    kinds = shapely.get_type_id(geometries)
    polygonal = np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    if not (polygonal.all() and shapely.is_valid(geometries).all()):
        return None
    if shapely.is_empty(geometries).any():
        return None
    bounds = np.asarray(shapely.bounds(geometries), dtype=float).reshape(-1, 4)
    west, south = float(bounds[:, 0].min()), float(bounds[:, 1].min())
    east, north = float(bounds[:, 2].max()), float(bounds[:, 3].max())
    width, height = max(east - west, 1e-9), max(north - south, 1e-9)
    if cell_m is None:
        dx = dy = math.sqrt(width * height / max_cells)
    else:
        dy = cell_m / _M_PER_DEG
        dx = dy / max(math.cos(math.radians((south + north) / 2)), 0.01)
    scale = max(
        1.0,
        math.sqrt(width / dx * height / dy / max_cells),
        width / dx / (_MAX_SIDE - 8),
        height / dy / (_MAX_SIDE - 8),
    )
    dx, dy = dx * scale, dy * scale
    nx, ny = math.ceil(width / dx) + 4, math.ceil(height / dy) + 4
    x0, y0 = west - 2 * dx, south - 2 * dy
    n = len(geometries)
    dtype = np.int8 if n <= 127 else np.int16 if n <= 32_767 else np.int32
    grid = np.full((ny + 2, nx + 2), _NONE, dtype=dtype)
    edges = [_grid_edges(g, x0, y0, dx, dy) for g in geometries]
    for k in order:
        _paint(grid[1:-1, 1:-1], int(k), edges[k])
    _mark_boundaries(grid, tuple(np.concatenate(part) for part in zip(*edges, strict=True)))
    return _Raster(x0=x0, y0=y0, dx=dx, dy=dy, nx=nx, ny=ny, cells=grid.reshape(-1))


# ------------------------------------------------------------------------------- assignment


def _coordinates(
    latitude_deg: npt.ArrayLike, longitude_deg: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], tuple[int, ...]]:
    lat, lon = np.broadcast_arrays(
        np.asarray(latitude_deg, dtype=float), np.asarray(longitude_deg, dtype=float)
    )
    return lat.ravel(), lon.ravel(), lat.shape


def _index_dtype(n: int) -> type[np.signedinteger[Any]]:
    return np.int16 if n <= 32_767 else np.int32


def _zone_index_exact(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], zones: Zones
) -> npt.NDArray[np.intp]:
    """Index of the winning zone of each point (``-1`` outside every zone), exact test."""
    best = np.full(lat.shape, -1, dtype=np.intp)
    bounds = zones.bounds
    if len(zones) == 0 or lat.size == 0:
        return best
    lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
    lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
    candidate = np.flatnonzero(
        (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)
    )  # NaN compares False, so missing coordinates never match
    if candidate.size == 0:
        return best
    order = candidate[np.argsort(lon[candidate], kind="stable")]
    lon_sorted = lon[order]
    for k in zones.precedence_order:  # lowest precedence first; later matches overwrite
        x0, y0, x1, y1 = bounds[k]
        lo = int(np.searchsorted(lon_sorted, x0, side="left"))
        hi = int(np.searchsorted(lon_sorted, x1, side="right"))
        if hi <= lo:
            continue
        slab = order[lo:hi]
        slab = slab[(lat[slab] >= y0) & (lat[slab] <= y1)]
        if slab.size == 0:
            continue
        inside = shapely.intersects_xy(zones.geometry[k], lon[slab], lat[slab])
        best[slab[inside]] = k
    return best


def _distinct(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """Distinct positions and, for each point, the index of its position among them.

    Points near a boundary are mostly ships moored or at anchor, whose reports repeat a few
    positions: testing each distinct position once costs a sort and saves most exact tests.
    """
    key = np.empty(lat.size, dtype=np.complex128)
    key.real, key.imag = lat, lon
    distinct, inverse = np.unique(key, return_inverse=True)
    return np.ascontiguousarray(distinct.real), np.ascontiguousarray(distinct.imag), inverse


def _zone_index_near(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], zones: Zones
) -> npt.NDArray[np.intp]:
    """:func:`_zone_index_exact` for points near a boundary, testing each position once."""
    if lat.size < 1000:
        return _zone_index_exact(lat, lon, zones)
    lat_d, lon_d, inverse = _distinct(lat, lon)
    return _zone_index_exact(lat_d, lon_d, zones)[inverse]


def _zone_raster(zones: Zones, n_points: int) -> _Raster | None:
    """Return the zones' raster if worth using for ``n_points`` points (built on demand)."""
    if len(zones) and (n_points >= _RASTER_MIN_POINTS or "_raster" in zones.__dict__):
        return zones._raster
    return None


def _zone_index(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    zones: Zones,
    *,
    use_raster: bool | None = None,
) -> npt.NDArray[np.signedinteger[Any]]:
    """Index of the winning zone of each point (``-1`` outside every zone).

    Looks points up in the zones' raster and tests exactly only those in ambiguous cells;
    ``use_raster=None`` decides by the number of points (small calls do not build the raster).
    """
    dtype = _index_dtype(len(zones))
    if use_raster is None:
        raster = _zone_raster(zones, lat.size)
    else:
        raster = zones._raster if use_raster and len(zones) else None
    if raster is None:
        return _zone_index_exact(lat, lon, zones).astype(dtype)
    index = raster.lookup(lat, lon).astype(dtype, copy=False)
    ambiguous = np.flatnonzero(index == _AMBIGUOUS)
    if ambiguous.size:
        index[ambiguous] = _zone_index_near(lat[ambiguous], lon[ambiguous], zones)
    return index


def zone_index(
    latitude_deg: npt.ArrayLike,
    longitude_deg: npt.ArrayLike,
    zones: Zones | None = None,
) -> npt.NDArray[np.signedinteger[Any]]:
    """Index of the zone that contains each point, as compact integer codes.

    The fast form of :func:`assign_zones`: no Python string is made per point.

    Parameters
    ----------
    latitude_deg : array_like
        Latitude, WGS84 [deg].
    longitude_deg : array_like
        Longitude, WGS84 [deg]; broadcast against ``latitude_deg``.
    zones : Zones or None, default None
        Zones from :func:`load_zones`; ``None`` uses the packaged San Pedro Bay zones.

    Returns
    -------
    numpy.ndarray
        Row of the winning zone in ``zones.table`` (file order), ``-1`` outside every zone or
        where a coordinate is NaN; broadcast shape of the inputs. ``int16`` for up to 32,767
        zones, ``int32`` beyond. Look the codes up with ``zones.table`` (row ``i``),
        ``zones.kind_index`` and ``zones.terminal_index``, or turn them into columns with
        :func:`zone_columns`.

    Notes
    -----
    Same result as :func:`assign_zones` (boundary inside, precedence berth > anchorage >
    maneuvering, then the smaller polygon). From 20,000 points on, or once built, a raster of
    the zones (about 10 m cells, built on first use in some 30 ms and cached on ``zones``)
    answers all points except those in cells a boundary passes through, which get the exact
    ``shapely.intersects_xy`` test.

    Examples
    --------
    >>> zones = load_zones()
    >>> index = zone_index([33.7574, 20.0], [-118.2142, -150.0], zones)
    >>> index.tolist()[1], zones.table["zone_id"][int(index[0])]
    (-1, 'polb-berth-lbct-pier-e')
    """
    zones = _default_zones() if zones is None else zones
    lat, lon, shape_ = _coordinates(latitude_deg, longitude_deg)
    return _zone_index(lat, lon, zones).reshape(shape_)


def zone_columns(
    index: npt.ArrayLike,
    zones: Zones | None = None,
) -> pl.DataFrame:
    """Columns ``zone_id, zone_kind, terminal`` as polars ``Enum`` from zone indices.

    Parameters
    ----------
    index : array_like of int
        Zone indices from :func:`zone_index` (``-1``: no zone), one-dimensional.
    zones : Zones or None, default None
        The zones the indices refer to; ``None`` uses the packaged San Pedro Bay zones.

    Returns
    -------
    polars.DataFrame
        ``zone_id`` (dtype ``zones.zone_id_dtype``), ``zone_kind`` (:data:`ZONE_KIND_DTYPE`)
        and ``terminal`` (``zones.terminal_dtype``), null where there is no zone (and, for
        ``terminal``, outside berths). Each value is a small integer code, not a string.

    Examples
    --------
    >>> zones = load_zones()
    >>> index = zone_index([33.7574, 20.0], [-118.2142, -150.0], zones)
    >>> zone_columns(index, zones).rows()
    [('polb-berth-lbct-pier-e', 'berth', 'POLB_LBCT_PIERE'), (None, None, None)]
    """
    zones = _default_zones() if zones is None else zones
    codes = np.asarray(index).reshape(-1)
    if codes.size and (codes.min() < -1 or codes.max() >= len(zones)):
        msg = f"zone indices must be -1 or in [0, {len(zones)}), got {codes.min()}..{codes.max()}"
        raise ValueError(msg)
    unsigned = np.uint8 if len(zones) < 255 else np.uint16 if len(zones) < 65_535 else np.uint32
    # -1 wraps to the largest unsigned value, which is no zone index: null below
    frame = pl.DataFrame([pl.Series("zone", codes.astype(unsigned))])
    zone = pl.when(pl.col("zone") < len(zones)).then(pl.col("zone"))
    kinds = pl.Series(zones.kind_index.astype(np.uint8))
    terminals = pl.Series(
        [None if t < 0 else t for t in zones.terminal_index.tolist()],
        dtype=pl.UInt8 if len(zones.terminal_categories) < 255 else pl.UInt32,
    )
    return frame.select(
        zone.cat.to(zones.zone_id_dtype).alias("zone_id"),
        pl.lit(kinds).gather(zone).cat.to(ZONE_KIND_DTYPE).alias("zone_kind"),
        pl.lit(terminals).gather(zone).cat.to(zones.terminal_dtype).alias("terminal"),
    )


def _lookup(
    values: Sequence[str | None], index: npt.NDArray[np.signedinteger[Any]]
) -> npt.NDArray[np.object_]:
    table = np.asarray([*values, None], dtype=object)
    return table[np.where(index < 0, len(values), index)]


def assign_zones(
    latitude_deg: npt.ArrayLike,
    longitude_deg: npt.ArrayLike,
    zones: Zones | None = None,
) -> ZoneAssignment:
    """Assign each point to the zone that contains it.

    Parameters
    ----------
    latitude_deg : array_like
        Latitude, WGS84 [deg].
    longitude_deg : array_like
        Longitude, WGS84 [deg]; broadcast against ``latitude_deg``.
    zones : Zones or None, default None
        Zones from :func:`load_zones`; ``None`` uses the packaged San Pedro Bay zones.

    Returns
    -------
    ZoneAssignment
        ``(zone_id, zone_kind, terminal)``, object arrays of the broadcast shape holding
        ``str`` or ``None`` (outside every zone, or NaN coordinates).

    Notes
    -----
    A point on a polygon's boundary counts as inside (``shapely.intersects_xy`` on the
    prepared polygon). Where zones overlap, precedence is berth > anchorage > maneuvering;
    between zones of the same kind the one with the smaller area wins. The zones are looked up
    as in :func:`zone_index` (a cached raster, with the exact test for points near a
    boundary), then the codes are mapped to strings; for large tables prefer
    :func:`zone_index` and :func:`zone_columns`, which make no Python object per point (see
    ``docs/methodology/ais-activity.md``).

    Examples
    --------
    >>> zone = assign_zones([33.7574, 33.7212, 33.7441, 20.0],
    ...                     [-118.2142, -118.2265, -118.2267, -150.0])
    >>> zone.zone_kind.tolist()
    ['berth', 'anchorage', 'maneuvering', None]
    >>> zone.terminal[0]
    'POLB_LBCT_PIERE'
    """
    zones = _default_zones() if zones is None else zones
    lat, lon, shape_ = _coordinates(latitude_deg, longitude_deg)
    index = _zone_index(lat, lon, zones)
    return ZoneAssignment(
        zone_id=_lookup(zones.table["zone_id"].to_list(), index).reshape(shape_),
        zone_kind=_lookup(zones.table["kind"].to_list(), index).reshape(shape_),
        terminal=_lookup(zones.table["terminal"].to_list(), index).reshape(shape_),
    )


# ------------------------------------------------------------------------------------- ECA


def load_eca(path: str | Path | Mapping[str, Any] | None = None) -> BaseGeometry:
    """Load an Emission Control Area as one prepared (multi)polygon.

    Parameters
    ----------
    path : str, pathlib.Path, mapping or None, default None
        A GeoJSON FeatureCollection of Polygon/MultiPolygon features (all are united), or a
        parsed mapping. ``None`` loads the packaged North American ECA (cached).

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        The union of the features, in longitude/latitude degrees.

    Raises
    ------
    ZoneFileError
        If the file is not a FeatureCollection of valid polygons.

    Notes
    -----
    The packaged file holds the three parts of the North American ECA of MARPOL Annex VI,
    Appendix VII, paragraph 2 (Pacific coast, Atlantic and Gulf coasts, Hawaiian Islands):
    the official boundary points joined by great circles and, for the two coastal parts,
    closed over land. See ``portcap/data/geo/SOURCES.md`` for the approximations.

    Examples
    --------
    >>> load_eca().geom_type
    'MultiPolygon'
    """
    if path is None:
        return _default_eca()
    return _load_eca(path)


@functools.cache
def _default_eca() -> BaseGeometry:
    return _load_eca(None)


def _load_eca(path: GeoSource | None) -> BaseGeometry:
    obj, label = _read_feature_collection(path, DEFAULT_ECA_FILE)
    features = _features(obj, label)
    problems: list[str] = []
    parts = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        where = _describe(index, props if isinstance(props, dict) else {}, label)
        geom = _polygon(feature, where, problems)
        if geom is not None:
            parts.append(geom)
    if problems:
        raise ZoneFileError(f"{label}: invalid ECA file:\n  " + "\n  ".join(problems))
    eca = shapely.union_all(parts)
    shapely.prepare(eca)
    return eca


def in_eca(
    latitude_deg: npt.ArrayLike,
    longitude_deg: npt.ArrayLike,
    *,
    eca: BaseGeometry | str | Path | Mapping[str, Any] | None = None,
) -> npt.NDArray[np.bool_]:
    """Tell whether points lie inside an Emission Control Area.

    Parameters
    ----------
    latitude_deg : array_like
        Latitude, WGS84 [deg].
    longitude_deg : array_like
        Longitude, WGS84 [deg], in [-180, 180]; broadcast against ``latitude_deg``.
    eca : shapely geometry, str, pathlib.Path, mapping or None, default None
        The ECA polygon(s), or a GeoJSON file or mapping for :func:`load_eca`. ``None`` uses
        the packaged North American ECA (MARPOL Annex VI, Appendix VII).

    Returns
    -------
    numpy.ndarray of bool
        ``True`` inside the ECA (boundary included), ``False`` outside or where a coordinate
        is NaN; broadcast shape of the inputs.

    Notes
    -----
    Fuel sulphur in the ECA is limited to 0.10 % m/m since 1 January 2015 (MARPOL Annex VI,
    regulation 14.4.3). The packaged polygon approximates the geodesic boundary lines by great
    circles and closes the coastal parts over land; inland waters cut off by that closure
    (Great Lakes, Hudson Bay, Gulf of California) count as outside.

    From 20,000 points on, or once built for this geometry, a raster of the area (about
    2 million cells, some 5 km for the North American ECA; cached per geometry object) answers
    points far from the boundary; the others get the exact ``shapely.intersects_xy`` test, so
    the result is that of the exact test.

    References
    ----------
    .. [1] IMO, MARPOL Annex VI, Appendix VII, para. 2 "North American area", as amended by
       resolution MEPC.190(60) (2010).

    Examples
    --------
    >>> in_eca([33.70, 30.0], [-118.25, -140.0]).tolist()
    [True, False]
    """
    geometry = _eca_geometry(eca)
    lat, lon, shape_ = _coordinates(latitude_deg, longitude_deg)
    return _in_eca(lat, lon, geometry).reshape(shape_)


def _eca_geometry(eca: BaseGeometry | str | Path | Mapping[str, Any] | None) -> BaseGeometry:
    """Return the prepared ECA geometry for the ``eca`` argument of :func:`in_eca`."""
    if eca is None:
        return _default_eca()
    if isinstance(eca, BaseGeometry):
        if not shapely.is_prepared(eca):
            shapely.prepare(eca)
        return eca
    return load_eca(eca)


#: Most cells in an ECA raster: about 5.5 km cells over the North American ECA's bounding box.
_ECA_MAX_CELLS = 1 << 21
#: Rasters of the ECA geometries used so far, by ``id`` (with a weak reference to check it).
_ECA_RASTERS: dict[int, tuple[weakref.ref[BaseGeometry], _Raster | None]] = {}


def _eca_raster(geometry: BaseGeometry, *, build: bool = True) -> _Raster | None:
    """Raster of an ECA geometry, cached (``None``: not built yet, or not polygonal).

    Values: 0 inside, ``_NONE`` outside, ``_AMBIGUOUS`` near the boundary.
    """
    key = id(geometry)
    hit = _ECA_RASTERS.get(key)
    if hit is not None and hit[0]() is geometry:
        return hit[1]
    if not build:
        return None
    single = np.empty(1, dtype=object)
    single[0] = geometry
    raster = _rasterise(single, np.zeros(1, dtype=np.intp), max_cells=_ECA_MAX_CELLS)
    while len(_ECA_RASTERS) >= 8:
        del _ECA_RASTERS[next(iter(_ECA_RASTERS))]
    _ECA_RASTERS[key] = (weakref.ref(geometry), raster)
    return raster


def _in_eca_exact(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geometry: BaseGeometry
) -> npt.NDArray[np.bool_]:
    x0, y0, x1, y1 = geometry.bounds
    result = np.zeros(lat.shape, dtype=bool)
    candidate = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    if candidate.size:
        result[candidate] = shapely.intersects_xy(geometry, lon[candidate], lat[candidate])
    return result


def _in_eca_near(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geometry: BaseGeometry
) -> npt.NDArray[np.bool_]:
    """:func:`_in_eca_exact` for points near the boundary, testing each position once."""
    if lat.size < 1000:
        return _in_eca_exact(lat, lon, geometry)
    lat_d, lon_d, inverse = _distinct(lat, lon)
    return _in_eca_exact(lat_d, lon_d, geometry)[inverse]


def _in_eca(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    geometry: BaseGeometry,
    *,
    use_raster: bool | None = None,
) -> npt.NDArray[np.bool_]:
    """ECA flag of each point: raster lookup, exact test near the boundary."""
    if use_raster is None:
        use_raster = lat.size >= _RASTER_MIN_POINTS
    raster = _eca_raster(geometry, build=use_raster)
    if raster is None:
        return _in_eca_exact(lat, lon, geometry)
    codes = raster.lookup(lat, lon)
    result = codes == 0
    ambiguous = np.flatnonzero(codes == _AMBIGUOUS)
    if ambiguous.size:
        result[ambiguous] = _in_eca_near(lat[ambiguous], lon[ambiguous], geometry)
    return result
