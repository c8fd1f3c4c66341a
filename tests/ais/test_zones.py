from __future__ import annotations

import json
import re
from importlib.resources import files

import numpy as np
import polars as pl
import pytest
import shapely
from shapely.geometry import box, mapping

from portcap.ais.zones import (
    ZONE_KINDS,
    ZoneFileError,
    assign_zones,
    in_eca,
    load_eca,
    load_zones,
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
