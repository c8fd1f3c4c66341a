from __future__ import annotations

import json
import re
from importlib.resources import files

import numpy as np
import polars as pl
import pytest
import shapely
from shapely.geometry import box, mapping

from portcap.ais import zones as zones_module
from portcap.ais.zones import (
    ZONE_KIND_DTYPE,
    ZONE_KINDS,
    ZoneFileError,
    assign_zones,
    in_eca,
    load_eca,
    load_zones,
    zone_columns,
    zone_index,
)

SNAPSHOT = files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"

# The 13 container terminals of the complex, working list for 2023 in
# shared/reference/inventory-inputs.md §1.1 (WBCT counted as two sites): port, a keyword of the
# terminal name, and the terminal code in the packaged zone file.
CONTAINER_TERMINALS = [
    ("POLA", "Pier 400", "POLA_APM_PIER400"),
    ("POLA", "Fenix Marine Services", "POLA_FMS_PIER300"),
    ("POLA", "TraPac", "POLA_TRAPAC_B136"),
    ("POLA", "Yusen", "POLA_YTI_B212"),
    ("POLA", "Everport", "POLA_EVERPORT_B226"),
    ("POLA", "Berths 100-102", "POLA_WBCT_B100"),
    ("POLA", "Berths 121-131", "POLA_WBCT_B121"),
    ("POLB", "Long Beach Container Terminal", "POLB_LBCT_PIERE"),
    ("POLB", "Total Terminals International", "POLB_TTI_PIERT"),
    ("POLB", "International Transportation Service", "POLB_ITS_PIERG"),
    ("POLB", "Pacific Container Terminal", "POLB_PCT_PIERJ"),
    ("POLB", "Pier A", "POLB_SSA_PIERA"),
    ("POLB", "Pier C", "POLB_SSA_PIERC"),
]


@pytest.fixture(scope="module")
def zones():
    return load_zones()


@pytest.fixture(scope="module")
def packaged_geojson():
    text = (files("portcap.data") / "geo" / "san-pedro-bay-zones.geojson").read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def snapshot():
    return pl.read_csv(SNAPSHOT.read_bytes())


# ------------------------------------------------------------------ the packaged zone file


def test_packaged_polygons_are_valid(zones):
    assert len(zones) > 30
    assert shapely.is_valid(zones.geometry).all()
    assert {g.geom_type for g in zones.geometry} <= {"Polygon", "MultiPolygon"}
    assert set(zones.table["kind"]) == set(ZONE_KINDS)
    assert zones.table["zone_id"].n_unique() == len(zones)


def test_packaged_properties(packaged_geojson):
    for feature in packaged_geojson["features"]:
        props = feature["properties"]
        assert props["source_ref"], props["zone_id"]
        assert props["authority"] in {"CFR", "OSM", "portcap"}, props["zone_id"]
        assert props["name"], props["zone_id"]
        if props["kind"] == "berth":
            assert re.fullmatch(r"(POLA|POLB)_[A-Z0-9_]+", props["terminal"])
            assert props["terminal"].startswith(props["port"] + "_")
            assert props["terminal_name"]
            assert props["terminal_type"] in {"container", "other"}
        else:
            assert props["terminal"] is None


def test_berth_polygons_do_not_overlap(zones):
    berths = zones.geometry[(zones.table["kind"] == "berth").to_numpy()]
    for i, a in enumerate(berths):
        for b in berths[i + 1 :]:
            # shared edges only: 1e-9 deg2 is about 10 m2 of coordinate-rounding sliver
            assert a.intersection(b).area < 1e-9


def test_breakwaters_are_not_zones(zones):
    assert not any(z.startswith("noaa-breakwater") for z in zones.table["zone_id"].to_list())


@pytest.mark.parametrize(("port", "keyword", "code"), CONTAINER_TERMINALS)
def test_every_container_terminal_has_a_berth_zone(zones, port, keyword, code):
    terminals = zones.terminals().filter(pl.col("terminal_type") == "container")
    named = terminals.filter(
        (pl.col("port") == port) & pl.col("terminal_name").str.contains(keyword, literal=True)
    )
    assert named["terminal"].to_list() == [code]
    assert len(named["zone_ids"][0]) >= 1


def test_thirteen_container_terminals(zones):
    container = zones.terminals().filter(pl.col("terminal_type") == "container")
    assert sorted(container["terminal"]) == sorted(c for _, _, c in CONTAINER_TERMINALS)


def test_snapshot_cargo_ships_at_berth_in_both_ports_and_at_anchorage(zones, snapshot):
    # Real AIS, 2022-01-03 00-01 UTC, during the queue: moored cargo ships at the terminals,
    # many more at anchor. VesselType 70-79 = cargo (incl. container), SOG < 1 kn.
    slow_cargo = snapshot.filter(pl.col("VesselType").is_between(70, 79) & (pl.col("SOG") < 1))
    zone = assign_zones(slow_cargo["LAT"].to_numpy(), slow_cargo["LON"].to_numpy(), zones)
    ports = dict(zip(zones.table["terminal"], zones.table["port"], strict=True))
    located = slow_cargo.with_columns(
        zone_kind=pl.Series(zone.zone_kind.tolist(), dtype=pl.String),
        terminal=pl.Series(zone.terminal.tolist(), dtype=pl.String),
    ).with_columns(port=pl.col("terminal").replace_strict(ports, default=None))
    at_berth = located.filter(pl.col("zone_kind") == "berth")
    berth_ships = at_berth.group_by("port").agg(pl.col("MMSI").n_unique())
    counts = dict(berth_ships.iter_rows())
    assert counts.get("POLA", 0) >= 10
    assert counts.get("POLB", 0) >= 5
    assert at_berth.filter(pl.col("port") == "POLB")["terminal"].n_unique() >= 4
    at_anchor = located.filter(pl.col("zone_kind") == "anchorage")["MMSI"].n_unique()
    assert at_anchor >= 15
    # moored ships (AIS status 5) in the bay mostly sit in berth zones
    moored = located.filter((pl.col("Status") == 5) & pl.col("zone_kind").is_not_null())
    assert (moored["zone_kind"] == "berth").mean() > 0.8


# ------------------------------------------------------------- assignment and precedence


def _feature(zone_id, kind, geometry, **extra):
    props = {"zone_id": zone_id, "kind": kind, **extra}
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry)}


@pytest.fixture(scope="module")
def toy_zones():
    collection = {
        "type": "FeatureCollection",
        "features": [
            _feature("harbor", "maneuvering", box(0, 0, 10, 10)),
            _feature("anchorage-big", "anchorage", box(1, 1, 6, 6)),
            _feature("anchorage-small", "anchorage", box(2, 2, 3, 3)),
            _feature("quay", "berth", box(5, 5, 8, 8), terminal="T1"),
        ],
    }
    return load_zones(collection)


@pytest.mark.parametrize(
    ("lon", "lat", "zone_id", "kind"),
    [
        (9.0, 9.0, "harbor", "maneuvering"),
        (1.5, 1.5, "anchorage-big", "anchorage"),  # anchorage > maneuvering
        (2.5, 2.5, "anchorage-small", "anchorage"),  # nested: smaller wins
        (5.5, 5.5, "quay", "berth"),  # berth > anchorage
        (7.0, 7.0, "quay", "berth"),  # berth > maneuvering
        (10.0, 5.0, "harbor", "maneuvering"),  # boundary counts as inside
        (11.0, 5.0, None, None),
        (float("nan"), 5.0, None, None),
    ],
)
def test_precedence(toy_zones, lon, lat, zone_id, kind):
    zone = assign_zones(lat, lon, toy_zones)
    assert zone.zone_id.item() == zone_id
    assert zone.zone_kind.item() == kind
    assert zone.terminal.item() == ("T1" if kind == "berth" else None)


def test_assign_keeps_shape(toy_zones):
    lat = np.array([[1.5, 9.0], [5.5, 20.0]])
    lon = np.array([[1.5, 9.0], [5.5, 20.0]])
    zone = assign_zones(lat, lon, toy_zones)
    assert zone.zone_kind.shape == (2, 2)
    assert zone.zone_kind.tolist() == [["anchorage", "maneuvering"], ["berth", None]]
    assert assign_zones(1.5, 1.5, toy_zones).zone_id.shape == ()


def test_assign_matches_plain_shapely(zones):
    rng = np.random.default_rng(7)
    lat = rng.uniform(33.62, 33.80, 5_000)
    lon = rng.uniform(-118.30, -118.10, 5_000)
    zone = assign_zones(lat, lon, zones)
    points = shapely.points(lon, lat)
    order = zones.precedence_order
    for i in range(0, 5_000, 97):
        hits = [k for k in order if zones.geometry[k].covers(points[i])]
        expected = zones.table["zone_id"][int(hits[-1])] if hits else None
        assert zone.zone_id[i] == expected


# ------------------------------------------------------------------ user files and errors


def _write(tmp_path, features, name="user-zones.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_user_file_missing_kind_names_the_feature(tmp_path):
    features = [
        _feature("a", "anchorage", box(0, 0, 1, 1)),
        {
            "type": "Feature",
            "properties": {"zone_id": "b"},
            "geometry": mapping(box(2, 2, 3, 3)),
        },
    ]
    path = _write(tmp_path, features)
    with pytest.raises(ZoneFileError) as info:
        load_zones(path)
    message = str(info.value)
    assert "user-zones.geojson" in message
    assert "feature 1 (zone_id 'b')" in message
    assert "property 'kind' is missing" in message


@pytest.mark.parametrize(
    ("feature", "fragment"),
    [
        (_feature("x", "harbor", box(0, 0, 1, 1)), "property 'kind' is 'harbor'"),
        (_feature("x", "berth", box(0, 0, 1, 1)), "property 'terminal' is required"),
        (
            {
                "type": "Feature",
                "properties": {"zone_id": "x", "kind": "berth", "terminal": "T"},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
            "geometry type 'Point' is not Polygon or MultiPolygon",
        ),
        (
            {
                "type": "Feature",
                "properties": {"zone_id": "x", "kind": "anchorage"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                },
            },
            "geometry is not valid",
        ),
        (
            {"type": "Feature", "properties": {"kind": "anchorage"}, "geometry": None},
            "has no geometry",
        ),
        (
            {
                "type": "Feature",
                "properties": {"kind": "anchorage"},
                "geometry": mapping(box(0, 0, 1, 1)),
            },
            "property 'zone_id' is missing",
        ),
        (
            {
                "type": "Feature",
                "properties": {"zone_id": "x", "zone_type": "anchorage"},
                "geometry": mapping(box(0, 0, 1, 1)),
            },
            "rename it to 'kind'",
        ),
    ],
)
def test_user_file_errors(tmp_path, feature, fragment):
    path = _write(tmp_path, [_feature("ok", "anchorage", box(5, 5, 6, 6)), feature])
    with pytest.raises(ZoneFileError, match=re.escape(fragment)) as info:
        load_zones(path)
    assert str(path) in str(info.value)
    assert "feature 1" in str(info.value)


def test_duplicate_zone_id(tmp_path):
    path = _write(
        tmp_path,
        [_feature("a", "anchorage", box(0, 0, 1, 1)), _feature("a", "anchorage", box(2, 2, 3, 3))],
    )
    with pytest.raises(ZoneFileError, match="duplicates feature 0"):
        load_zones(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
    ],
)
def test_bad_files(tmp_path, text, fragment):
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(ZoneFileError, match=fragment):
        load_zones(path)


def test_missing_file(tmp_path):
    with pytest.raises(ZoneFileError, match="cannot read"):
        load_zones(tmp_path / "nope.geojson")


# ---------------------------------------------------------------------------------- ECA


@pytest.mark.parametrize(
    ("lat", "lon", "inside", "where"),
    [
        (33.65, -118.25, True, "off San Pedro Bay"),
        (33.74, -118.22, True, "inside the Los Angeles-Long Beach breakwaters"),
        (30.00, -140.00, False, "mid-Pacific"),
        (45.00, -135.00, False, "beyond the 200 nmi line off Oregon"),
        (48.30, -123.50, True, "Strait of Juan de Fuca"),
        (31.85, -116.65, False, "Ensenada, Mexico"),
        (21.30, -157.90, True, "off Honolulu"),
        (29.30, -94.70, True, "Galveston Bay entrance"),
        (40.45, -73.85, True, "New York approaches"),
        (32.00, -80.50, True, "off Savannah"),
        (24.50, -90.00, False, "central Gulf of Mexico"),
        (35.00, -60.00, False, "mid-Atlantic"),
        (42.00, -87.50, False, "Lake Michigan (not MARPOL ECA)"),
    ],
)
def test_in_eca(lat, lon, inside, where):
    assert in_eca(lat, lon).item() is inside, where


def test_in_eca_vectorised_and_nan():
    result = in_eca([33.65, np.nan, 30.0], [-118.25, -118.25, -140.0])
    assert result.dtype == bool
    assert result.tolist() == [True, False, False]


def test_in_eca_custom_area(tmp_path):
    area = box(-119.0, 33.0, -118.0, 34.0)
    assert in_eca([33.5, 35.0], [-118.5, -118.5], eca=area).tolist() == [True, False]
    path = tmp_path / "eca.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": mapping(area)}],
            }
        )
    )
    assert in_eca(33.5, -118.5, eca=path).item()


def test_packaged_eca_keeps_official_points():
    text = (files("portcap.data") / "geo" / "north-american-eca.geojson").read_text("utf-8")
    parts = {f["properties"]["part"]: f for f in json.loads(text)["features"]}
    assert set(parts) == {"pacific", "atlantic_gulf", "hawaii"}
    counts = {"pacific": 47, "atlantic_gulf": 206, "hawaii": 45}
    eca = load_eca()
    for part, feature in parts.items():
        points = feature["properties"]["appendix_vii_points_lon_lat"]
        assert len(points) == counts[part]
        # every official point is a vertex of the polygon boundary (to 1e-5 deg)
        boundary = shapely.boundary(shapely.geometry.shape(feature["geometry"]))
        assert max(boundary.distance(shapely.Point(p)) for p in points) < 2e-5
    assert eca.is_valid


# ----------------------------------------------------------- raster index and integer codes


def _near_boundaries(geometries, raster, rng, n_random=20_000):
    """Points on and near every edge, where edges cross grid lines, and at vertices.

    Where an edge crosses a cell edge it may clip a cell's corner: points a little to each
    side there are the cases a raster that misses a touched cell gets wrong.
    """
    rings = shapely.get_rings(shapely.get_parts(geometries))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    cell = np.array([raster.dx, raster.dy])
    origin = np.array([raster.x0, raster.y0])
    ua, ub = (a - origin) / cell, (b - origin) / cell
    points = [coords, a + rng.random((len(a), 1)) * (b - a)]
    for axis in (0, 1):  # crossings of grid lines u = k (axis 0) and v = k (axis 1)
        low = np.minimum(ua[:, axis], ub[:, axis])
        high = np.maximum(ua[:, axis], ub[:, axis])
        count = np.floor(high).astype(int) - np.ceil(low).astype(int) + 1
        count = np.clip(count, 0, 50)
        edge = np.repeat(np.arange(len(a)), count)
        k = np.ceil(low)[edge] + (np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count))
        span = (ub - ua)[edge, axis]
        t = np.divide(k - ua[edge, axis], span, out=np.zeros(edge.size), where=span != 0)
        points.append(a[edge] + t[:, None] * (b - a)[edge])
    base = np.vstack(points)
    shifted = [base]
    for size in (1e-9, 1e-4, 0.01, 0.05, 0.3):  # in cells
        for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            shifted.append(base + np.array([sx, sy]) * size * cell)
    lo, hi = shapely.total_bounds(geometries).reshape(2, 2)
    shifted.append(rng.uniform(lo - 0.01, hi + 0.01, (n_random, 2)))
    shifted.append(np.array([[np.nan, lo[1]], [lo[0], np.nan], [np.inf, np.inf]]))
    points = np.vstack(shifted)
    return points[:, 1], points[:, 0]


def _square_ring(x, y, size):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


@pytest.fixture(scope="module")
def tricky_zones():
    """Holes, a multipolygon, slanted edges, shared edges and nesting."""
    donut = shapely.Polygon(_square_ring(0.0, 0.0, 1.0), [_square_ring(0.3, 0.3, 0.4)])
    multi = shapely.MultiPolygon(
        [shapely.Polygon(_square_ring(2.0, 0.0, 0.5)), shapely.Polygon(_square_ring(2.6, 0.1, 0.3))]
    )
    slanted = shapely.Polygon([(0.1, 1.2), (1.9, 1.25), (1.2, 2.3), (0.13, 1.9)])
    collection = {
        "type": "FeatureCollection",
        "features": [
            _feature("harbor", "maneuvering", box(-0.2, -0.2, 3.2, 2.5)),
            _feature("donut", "anchorage", donut),
            _feature("pair", "anchorage", multi),
            _feature("slanted", "anchorage", slanted),
            _feature("quay-a", "berth", box(0.4, 1.3, 0.8, 1.6), terminal="A"),
            _feature("quay-b", "berth", box(0.8, 1.3, 1.1, 1.6), terminal="B"),  # shares an edge
            _feature("in-hole", "berth", box(0.4, 0.4, 0.6, 0.6), terminal="A"),
        ],
    }
    return load_zones(collection)


@pytest.mark.parametrize("which", ["packaged", "toy", "tricky"])
def test_raster_matches_exact_test(zones, toy_zones, tricky_zones, which):
    zone_set = {"packaged": zones, "toy": toy_zones, "tricky": tricky_zones}[which]
    raster = zone_set._raster
    assert raster is not None
    lat, lon = _near_boundaries(zone_set.geometry, raster, np.random.default_rng(1))
    exact = zones_module._zone_index_exact(lat, lon, zone_set)
    # the raster alone: every cell it does not flag as ambiguous must be right
    codes = raster.lookup(lat, lon)
    decided = codes != zones_module._AMBIGUOUS
    assert np.array_equal(codes[decided], exact[decided])
    assert 0 < (~decided).sum() < lat.size  # the fallback is exercised, not everything
    # with the exact fallback: the exact answer everywhere
    fast = zones_module._zone_index(lat, lon, zone_set, use_raster=True)
    assert np.array_equal(fast, exact)


def test_raster_decides_most_bay_points(zones):
    rng = np.random.default_rng(2)
    lat, lon = rng.uniform(33.62, 33.80, 100_000), rng.uniform(-118.30, -118.10, 100_000)
    codes = zones._raster.lookup(lat, lon)
    assert (codes == zones_module._AMBIGUOUS).mean() < 0.02
    assert zones._raster.cells.dtype == np.int8  # 39 zones: one byte a cell


def test_eca_raster_matches_exact_test():
    eca = load_eca()
    raster = zones_module._eca_raster(eca)
    assert raster is not None
    rng = np.random.default_rng(3)
    lat, lon = _near_boundaries(np.array([eca], dtype=object), raster, rng, n_random=200_000)
    exact = zones_module._in_eca_exact(lat, lon, eca)
    codes = raster.lookup(lat, lon)
    decided = codes != zones_module._AMBIGUOUS
    assert np.array_equal(codes[decided] == 0, exact[decided])
    fast = zones_module._in_eca(lat, lon, eca, use_raster=True)
    assert np.array_equal(fast, exact)
    assert exact.any()
    assert not exact.all()


def test_eca_raster_of_a_user_geometry_is_cached():
    area = box(-119.0, 33.0, -118.0, 34.0)
    first = zones_module._eca_raster(area)
    assert zones_module._eca_raster(area) is first
    assert zones_module._eca_raster(box(-119.0, 33.0, -118.0, 34.0), build=False) is None


def test_non_polygonal_eca_uses_the_exact_test():
    line = shapely.LineString([(0, 0), (1, 1)])
    assert zones_module._eca_raster(line) is None
    assert in_eca(np.full(30_000, 0.5), np.full(30_000, 0.5), eca=line).all()


def test_large_inputs_use_the_raster(monkeypatch, toy_zones):
    calls = []
    exact = zones_module._zone_index_exact

    def spy(lat, lon, zones):
        calls.append(lat.size)
        return exact(lat, lon, zones)

    monkeypatch.setattr(zones_module, "_zone_index_exact", spy)
    rng = np.random.default_rng(4)
    lat, lon = rng.uniform(0, 10, 50_000), rng.uniform(0, 10, 50_000)
    zone = assign_zones(lat, lon, toy_zones)
    assert calls
    assert max(calls) < 5_000  # only the points near a boundary
    monkeypatch.setattr(zones_module, "_zone_index_exact", exact)
    expected = assign_zones(lat[::10], lon[::10], toy_zones)  # small call: exact test
    assert zone.zone_id[::10].tolist() == expected.zone_id.tolist()


def test_zone_index_codes(zones):
    lat = np.array([[33.7574, 33.7212], [33.7441, np.nan]])
    lon = np.array([[-118.2142, -118.2265], [-118.2267, -118.2]])
    index = zone_index(lat, lon, zones)
    assert index.shape == (2, 2)
    assert index.dtype == np.int16
    assert index[1, 1] == -1
    zone = assign_zones(lat, lon, zones)
    ids = zones.table["zone_id"].to_list()
    assert [ids[i] if i >= 0 else None for i in index.ravel()] == zone.zone_id.ravel().tolist()
    assert zone_index(33.7574, -118.2142).shape == ()


def test_zone_columns(zones):
    lat = [33.7574, 33.7212, 33.7441, 20.0]
    lon = [-118.2142, -118.2265, -118.2267, -150.0]
    columns = zone_columns(zone_index(lat, lon, zones), zones)
    assert columns.schema == pl.Schema(
        {
            "zone_id": zones.zone_id_dtype,
            "zone_kind": ZONE_KIND_DTYPE,
            "terminal": zones.terminal_dtype,
        }
    )
    zone = assign_zones(lat, lon, zones)
    assert columns["zone_id"].to_list() == zone.zone_id.tolist()
    assert columns["zone_kind"].to_list() == zone.zone_kind.tolist()
    assert columns["terminal"].to_list() == zone.terminal.tolist()
    assert columns["zone_kind"].to_physical().to_list()[:3] == [0, 1, 2]  # ZONE_KINDS order
    with pytest.raises(ValueError, match="zone indices"):
        zone_columns(np.array([len(zones)]), zones)
    with pytest.raises(ValueError, match="zone indices"):
        zone_columns(np.array([-2]), zones)
    assert zone_columns(np.array([], dtype=np.int16), zones).height == 0


def test_code_tables(zones):
    kinds = zones.table["kind"].to_list()
    assert [ZONE_KINDS[k] for k in zones.kind_index] == kinds
    terminals = zones.table["terminal"].to_list()
    decoded = [zones.terminal_categories[t] if t >= 0 else None for t in zones.terminal_index]
    assert decoded == terminals
    assert len(set(zones.terminal_categories)) == len(zones.terminal_categories) == 14
    assert list(zones.zone_id_dtype.categories) == zones.table["zone_id"].to_list()


def _collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_raster_with_vertices_on_cell_centres_and_grid_lines():
    # The grid depends only on the zones' bounding box: build it once, then draw polygons whose
    # vertices sit exactly on row centre lines (where the scanline fill must count each vertex
    # once) and on grid lines, with horizontal edges along row centres.
    outer = _feature("outer", "maneuvering", box(0.0, 0.0, 10.0, 10.0))
    grid = load_zones(_collection(outer))._raster

    def at(col, row, dcol=0.5, drow=0.5):
        return (grid.x0 + (col + dcol) * grid.dx, grid.y0 + (row + drow) * grid.dy)

    star = shapely.Polygon(
        [at(100, 100), at(300, 100, 0.0), at(350, 400, 0.5, 0.0), at(200, 600), at(120, 420, 0, 0)]
    )
    zigzag = shapely.Polygon(
        [at(500, 100), at(900, 100), at(900, 300), at(700, 300), at(700, 500), at(500, 500)]
    )
    diamond = shapely.Polygon([at(1500, 1000), at(1700, 1200), at(1500, 1400), at(1300, 1200)])
    zone_set = load_zones(
        _collection(
            outer,
            _feature("star", "anchorage", star),
            _feature("zigzag", "berth", zigzag, terminal="Z"),
            _feature("diamond", "anchorage", diamond),
        )
    )
    raster = zone_set._raster
    assert (raster.x0, raster.y0, raster.dx, raster.dy) == (grid.x0, grid.y0, grid.dx, grid.dy)
    rng = np.random.default_rng(5)
    lat, lon = _near_boundaries(zone_set.geometry, raster, rng, n_random=100_000)
    # and points along the row centre lines through the vertices
    vertex_y = np.unique(shapely.get_coordinates(zone_set.geometry[1:])[:, 1])
    along_x = rng.uniform(0.0, 10.0, (vertex_y.size, 2_000))
    lat = np.concatenate([lat, np.repeat(vertex_y, 2_000)])
    lon = np.concatenate([lon, along_x.ravel()])
    exact = zones_module._zone_index_exact(lat, lon, zone_set)
    codes = raster.lookup(lat, lon)
    decided = codes != zones_module._AMBIGUOUS
    assert np.array_equal(codes[decided], exact[decided])
    assert np.array_equal(zones_module._zone_index(lat, lon, zone_set, use_raster=True), exact)
