"""Geofences: berth, anchorage and maneuvering zones, and the North American ECA.

A zone file is a GeoJSON ``FeatureCollection`` of ``Polygon``/``MultiPolygon`` features with
the properties ``zone_id`` (unique), ``kind`` in {``berth``, ``anchorage``, ``maneuvering``}
and, on berths, ``terminal`` (a stable terminal code). The San Pedro Bay set ships with
portcap (``portcap/data/geo/san-pedro-bay-zones.geojson``, sources in the ``SOURCES.md``
beside it); users may pass their own file with the same properties.

Points are assigned to zones with :func:`assign_zones` (vectorised: a bounding-box prefilter on
coordinates sorted by longitude, then ``shapely.intersects_xy`` on prepared polygons). When zones
overlap, the kind with the higher precedence wins (berth > anchorage > maneuvering, see
:data:`ZONE_KINDS`); between zones of the same kind the smaller polygon wins (for example
Sub-Anchorage B-7 inside Anchorage B).

:func:`in_eca` tells whether points lie in the North American Emission Control Area
(MARPOL Annex VI, Appendix VII), packaged as ``portcap/data/geo/north-american-eca.geojson``.
"""

from __future__ import annotations

import functools
import json
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
    "ZoneAssignment",
    "ZoneFileError",
    "Zones",
    "assign_zones",
    "in_eca",
    "load_eca",
    "load_zones",
]

#: Allowed values of the ``kind`` property, in order of precedence (first wins on overlap).
ZONE_KINDS: tuple[str, ...] = ("berth", "anchorage", "maneuvering")

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


# ------------------------------------------------------------------------------- assignment


def _coordinates(
    latitude_deg: npt.ArrayLike, longitude_deg: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], tuple[int, ...]]:
    lat, lon = np.broadcast_arrays(
        np.asarray(latitude_deg, dtype=float), np.asarray(longitude_deg, dtype=float)
    )
    return lat.ravel(), lon.ravel(), lat.shape


def _zone_index(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], zones: Zones
) -> npt.NDArray[np.intp]:
    """Index of the winning zone of each point (``-1`` outside every zone)."""
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


def _lookup(values: Sequence[str | None], index: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
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
    between zones of the same kind the one with the smaller area wins. The work is a
    longitude-sorted bounding-box prefilter followed by ``shapely.intersects_xy`` on prepared
    polygons, so points far from every zone cost only the prefilter (2 million points take
    well under a second; see ``docs/methodology/ais-activity.md``).

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

    References
    ----------
    .. [1] IMO, MARPOL Annex VI, Appendix VII, para. 2 "North American area", as amended by
       resolution MEPC.190(60) (2010).

    Examples
    --------
    >>> in_eca([33.70, 30.0], [-118.25, -140.0]).tolist()
    [True, False]
    """
    if eca is None:
        geometry = _default_eca()
    elif isinstance(eca, BaseGeometry):
        geometry = eca
        if not shapely.is_prepared(geometry):
            shapely.prepare(geometry)
    else:
        geometry = load_eca(eca)
    lat, lon, shape_ = _coordinates(latitude_deg, longitude_deg)
    x0, y0, x1, y1 = geometry.bounds
    result = np.zeros(lat.shape, dtype=bool)
    candidate = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    if candidate.size:
        result[candidate] = shapely.intersects_xy(geometry, lon[candidate], lat[candidate])
    return result.reshape(shape_)
