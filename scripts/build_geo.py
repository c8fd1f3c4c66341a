"""One-off builder of portcap's packaged geofences (not part of the package).

Writes src/portcap/data/geo/san-pedro-bay-zones.geojson and north-american-eca.geojson.
Run from the repository root, with the shared reference data beside it:
    .venv/bin/python scripts/build_geo.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon, mapping, shape

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared/data/geo/san-pedro-bay-zones.geojson"
OUT_ZONES = REPO / "src/portcap/data/geo/san-pedro-bay-zones.geojson"
OUT_ECA = REPO / "src/portcap/data/geo/north-american-eca.geojson"

# --- local metric frame (equirectangular about the harbour; error < 0.1 % at 2 km) ----------
LAT0 = 33.74
LON0 = -118.22
_phi = math.radians(LAT0)
M_PER_DEG_LON = 111412.84 * math.cos(_phi) - 93.5 * math.cos(3 * _phi)
M_PER_DEG_LAT = 111132.92 - 559.82 * math.cos(2 * _phi) + 1.175 * math.cos(4 * _phi)


def to_m(geom):
    return shapely.transform(
        geom, lambda c: np.c_[(c[:, 0] - LON0) * M_PER_DEG_LON, (c[:, 1] - LAT0) * M_PER_DEG_LAT]
    )


def to_deg(geom):
    return shapely.transform(
        geom, lambda c: np.c_[c[:, 0] / M_PER_DEG_LON + LON0, c[:, 1] / M_PER_DEG_LAT + LAT0]
    )


def rounded(geom, ndigits=6):
    g = shapely.set_precision(geom, 10 ** (-ndigits))
    return shapely.make_valid(g) if not g.is_valid else g


BUFFER_M = 150.0

# --- terminal table --------------------------------------------------------------------
LA_TERMINALS = {
    "osm-relation-9256990": dict(
        terminal="POLA_APM_PIER400",
        terminal_name="APM Terminals Pier 400",
        operator="APM Terminals",
        berths="401-406",
    ),
    "osm-way-666016405": dict(
        terminal="POLA_FMS_PIER300",
        terminal_name="Fenix Marine Services Pier 300",
        operator="Fenix Marine Services",
        berths="302-306",
    ),
    "osm-way-667288516": dict(
        terminal="POLA_TRAPAC_B136",
        terminal_name="TraPac Los Angeles",
        operator="TraPac",
        berths="136-147",
    ),
    "osm-relation-14285489": dict(
        terminal="POLA_YTI_B212",
        terminal_name="Yusen Terminals (YTI)",
        operator="Yusen Terminals",
        berths="212-224",
    ),
    "osm-relation-14285488": dict(
        terminal="POLA_EVERPORT_B226",
        terminal_name="Everport Terminal Services",
        operator="Everport Terminal Services",
        berths="226-236",
    ),
    "osm-way-667263478": dict(
        terminal="POLA_WBCT_B100",
        terminal_name="West Basin Container Terminal, Berths 100-102 (former China Shipping)",
        operator="West Basin Container Terminal",
        berths="100-102",
    ),
    "osm-way-667288015": dict(
        terminal="POLA_WBCT_B121",
        terminal_name="West Basin Container Terminal, Berths 121-131 (former Yang Ming)",
        operator="West Basin Container Terminal",
        berths="121-131",
    ),
}

EOBR = "https://github.com/byungklee/EOBR-server/blob/0a6589ddaaa0558b6e00b0699fcfab648d06701a/dataUtil.js"
GUIDE = "POLB 2016 Facilities Guide (https://paperzz.com/doc/9093228/facilities-guide---port-of-long-beach)"
AIS_CHECK = (
    "checked against moored (AIS status 5, SOG < 1 kn) container ships in the MarineCadastre "
    "2022-01-03 snapshot packaged in portcap.data.ais"
)

# Wharf lines (lon, lat), the side of the line where the water is, and strip widths.
# Each berth polygon is a strip: `water_m` into the water, `land_m` behind the wharf face,
# extended by `end_m` beyond both ends of the line.
POLB_WHARVES = [
    dict(
        zone_id="polb-berth-lbct-pier-e",
        terminal="POLB_LBCT_PIERE",
        terminal_name="Long Beach Container Terminal (Middle Harbor, Piers E and F)",
        operator="Long Beach Container Terminal",
        berths="E24-E26",
        lines=[[(-118.21374, 33.75093), (-118.21374, 33.76263)]],
        water="left",  # west of a south->north line
        water_m=150.0,
        land_m=50.0,
        end_m=60.0,
        source_ref=(
            "Wharf length 4,200-4,250 ft on the west side of Pier E, three berths: "
            "http://polb.com/news/displaynews.asp?NewsID=1529&TargetID=1 ; "
            + GUIDE
            + ". Line placed along the west-facing Middle Harbor wharf at 118.2137 W, "
            "33.751-33.763 N"
        ),
        geometry_note=(
            "Approximate wharf-side strip drawn by hand for portcap (accuracy about +-100 m). "
            "The EOBR Pier F polygon (c. 2014) predates the Middle Harbor fill and was not "
            "used. The line agrees within about 30 m with a third-party OpenStreetMap-derived "
            "harbour sketch (repository not recorded) and is " + AIS_CHECK + "."
        ),
    ),
    dict(
        zone_id="polb-berth-tti-pier-t",
        terminal="POLB_TTI_PIERT",
        terminal_name="Total Terminals International (Pier T)",
        operator="Total Terminals International",
        berths="T132-T140",
        lines=[[(-118.24500, 33.75099), (-118.22550, 33.75666)]],
        water="right",  # south of a west->east line
        water_m=150.0,
        land_m=50.0,
        end_m=0.0,
        source_ref=(
            "South-west edge of the EOBR polygon 'Total Terminals International, Pier T' "
            "(" + EOBR + ", variable seaSideFwy); wharf length 5,000 ft: " + GUIDE
        ),
        geometry_note=(
            "Approximate wharf-side strip along the south-west edge of a hand-drawn c. 2014 "
            "truck geofence (accuracy about +-100 m); " + AIS_CHECK + "."
        ),
    ),
    dict(
        zone_id="polb-berth-its-pier-g",
        terminal="POLB_ITS_PIERG",
        terminal_name="International Transportation Service (Pier G)",
        operator="International Transportation Service",
        berths="G230-G236",
        lines=[[(-118.20360, 33.74371), (-118.19247, 33.74382)]],
        water="right",  # south of a west->east line
        water_m=140.0,
        land_m=50.0,
        end_m=50.0,
        source_ref=(
            "South edge of the EOBR polygon 'International Transportation Service' (" + EOBR
            + ", variable pierG); Berth G236 wharf extension: "
            "https://pacificlt.com/en/2023/03/30/wharf-at-long-beach-its-terminal-extended"
        ),
        geometry_note=(
            "Approximate wharf-side strip on the south face of Pier G, which shares a slip "
            "with the north face of Pier J (accuracy about +-100 m); " + AIS_CHECK + "."
        ),
    ),
    dict(
        zone_id="polb-berth-pct-pier-j",
        terminal="POLB_PCT_PIERJ",
        terminal_name="Pacific Container Terminal (Pier J)",
        operator="Pacific Container Terminal",
        berths="J243-J247, J266-J270",
        lines=[
            [(-118.19540, 33.74050), (-118.20240, 33.74064)],  # north face, east->west
            [(-118.18680, 33.73634), (-118.19450, 33.73634)],  # Pier J slip, east->west
        ],
        water="right",  # north of an east->west line
        water_m=140.0,
        land_m=50.0,
        end_m=40.0,
        source_ref=(
            "North edge of the EOBR polygon 'PIER J BERTHS J243-J247, J266-J270' (" + EOBR
            + ", variable harborScienic) for the north face; the Pier J slip wharf placed at "
            "33.7363 N, 118.187-118.195 W"
        ),
        geometry_note=(
            "Two approximate wharf-side strips (north face of Pier J; south side of the Pier J "
            "slip). The slip wharf is placed from a third-party OpenStreetMap-derived harbour "
            "sketch (repository not recorded) and is " + AIS_CHECK + " (accuracy about "
            "+-150 m)."
        ),
    ),
    dict(
        zone_id="polb-berth-ssa-pier-a",
        terminal="POLB_SSA_PIERA",
        terminal_name="SSA Marine Pier A",
        operator="SSA Marine",
        berths="A88-A96",
        lines=[[(-118.23942, 33.76731), (-118.22691, 33.77006)]],
        water="right",  # south of a west->east line
        water_m=140.0,
        land_m=50.0,
        end_m=50.0,
        source_ref=(
            "South-west edge of the EOBR polygon 'SSA Terminal, Pier A' (" + EOBR
            + ", variable terminalIsland); wharf length 3,600 ft: " + GUIDE
        ),
        geometry_note=(
            "Approximate wharf-side strip (accuracy about +-100 m); " + AIS_CHECK + "."
        ),
    ),
    dict(
        zone_id="polb-berth-ssa-pier-c",
        terminal="POLB_SSA_PIERC",
        terminal_name="SSA Marine Pier C (Matson)",
        operator="SSA Marine",
        berths="C60-C62",
        lines=[[(-118.21898, 33.76928), (-118.21361, 33.77138)]],
        water="right",  # south of a west->east line
        water_m=120.0,
        land_m=50.0,
        end_m=30.0,
        source_ref=(
            "Western 550 m (1,800 ft, " + GUIDE + ") of the south-west edge of the EOBR "
            "polygon 'PIER C BERTHS C60-C62' (" + EOBR + ", variable pico)"
        ),
        geometry_note=(
            "Approximate wharf-side strip (accuracy about +-150 m); where along the EOBR edge "
            "the 550 m wharf lies follows a third-party OpenStreetMap-derived harbour sketch "
            "(repository not recorded). No ship was at Pier C in the AIS snapshot, so this "
            "polygon is not checked against AIS."
        ),
    ),
]


def strip(line, water, water_m, land_m, end_m):
    (x0, y0), (x1, y1) = [
        ((lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT) for lon, lat in line
    ]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    # left normal of the direction of travel
    nx, ny = -uy, ux
    if water == "right":
        nx, ny = -nx, -ny
    ax, ay = x0 - end_m * ux, y0 - end_m * uy
    bx, by = x1 + end_m * ux, y1 + end_m * uy
    ring = [
        (ax - land_m * nx, ay - land_m * ny),
        (bx - land_m * nx, by - land_m * ny),
        (bx + water_m * nx, by + water_m * ny),
        (ax + water_m * nx, ay + water_m * ny),
    ]
    return to_deg(Polygon(ring).normalize())


# --- maneuvering zones ----------------------------------------------------------------------
# Breakwater line (lon, lat), west to east: San Pedro Breakwater and Middle Breakwater centre
# lines simplified from the NOAA ENC US5LGBCD buffers in the shared zone file; Long Beach Light
# (east end of the Middle Breakwater at Queen's Gate); Long Beach Breakwater from the west end
# named in 33 CFR 167.501(a) (33 deg 43.40' N, 118 deg 10.80' W) to its east end.
BREAKWATER_LINE = [
    (-118.27500, 33.70677),
    (-118.26984, 33.70430),
    (-118.26703, 33.70391),
    (-118.25140, 33.70855),  # Angels Gate (Los Angeles Harbor Light)
    (-118.24491, 33.71075),  # Middle Breakwater, west end
    (-118.20690, 33.72294),
    (-118.20000, 33.72324),
    (-118.18682, 33.72324),  # Long Beach Light, Queen's Gate
    (-118.18000, 33.72333),  # Long Beach Breakwater, west end (33 CFR 167.501(a))
    (-118.13500, 33.72333),  # Long Beach Breakwater, east end (approximate)
]
HARBOR_NORTH = [
    (-118.13500, 33.76000),
    (-118.17500, 33.76400),
    (-118.19000, 33.77500),
    (-118.20000, 33.79500),
    (-118.23000, 33.79500),
    (-118.25000, 33.78500),
    (-118.27000, 33.78500),
    (-118.29500, 33.77500),
    (-118.29500, 33.72000),
    (-118.28000, 33.71000),
]


def dm(deg, minutes):
    return deg + minutes / 60.0


POINT_FERMIN = (-dm(118, 17.60), dm(33, 42.30))
PRECAUTIONARY_CFR = [
    (-dm(118, 17.60), dm(33, 35.50)),
    (-dm(118, 9.00), dm(33, 35.50)),
    (-dm(118, 6.50), dm(33, 37.70)),
    (-dm(118, 10.80), dm(33, 43.40)),
]


def build_zones():
    shared = json.loads(SHARED.read_text())
    features = []

    # anchorages
    for f in shared["features"]:
        p = f["properties"]
        if p["zone_type"] != "anchorage":
            continue
        features.append(
            dict(
                properties=dict(
                    zone_id=p["zone_id"],
                    kind="anchorage",
                    name=p["name"],
                    terminal=None,
                    terminal_name=None,
                    terminal_type=None,
                    port=None,
                    operator=None,
                    berths=None,
                    authority="CFR",
                    source_ref=p["source_ref"] + " (https://www.ecfr.gov/current/title-33/section-110.214)",
                    geometry_note="Polygon as compiled from the CFR coordinates in the upstream file; unchanged.",
                ),
                geometry=shape(f["geometry"]),
            )
        )

    # Los Angeles berths: OSM land polygons buffered outward, overlaps split by nearest land
    la = [f for f in shared["features"] if f["properties"]["zone_type"] == "berth"]
    cores_m = [to_m(shape(f["geometry"])) for f in la]
    buffers_m = [c.buffer(BUFFER_M) for c in cores_m]
    # nearest-core partition: Voronoi cells of densely sampled core boundaries
    pts, owner = [], []
    for i, c in enumerate(cores_m):
        ring = shapely.segmentize(c.exterior, 5.0)
        coords = np.asarray(ring.coords)[:-1]
        pts.append(coords)
        owner.extend([i] * len(coords))
    pts = np.vstack(pts)
    owner = np.asarray(owner)
    # remove exact duplicate points (shared vertices of adjacent polygons)
    _, uniq = np.unique(np.round(pts, 3), axis=0, return_index=True)
    uniq.sort()
    pts, owner = pts[uniq], owner[uniq]
    x0, y0 = pts.min(axis=0) - 2000.0
    x1, y1 = pts.max(axis=0) + 2000.0
    env = shapely.box(x0, y0, x1, y1)
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=env, ordered=True)
    cells = np.asarray(cells.geoms)
    regions = [shapely.union_all(cells[owner == i]) for i in range(len(la))]
    for i, f in enumerate(la):
        p = f["properties"]
        g_m = buffers_m[i]
        # only cut where another buffer overlaps
        others = [j for j in range(len(la)) if j != i and buffers_m[j].intersects(g_m)]
        if others:
            g_m = g_m.intersection(regions[i])
        g = rounded(to_deg(g_m))
        taken = [ff["geometry"] for ff in features if ff["properties"]["kind"] == "berth"]
        if taken:
            g = shapely.difference(g, shapely.union_all(taken, grid_size=1e-6), grid_size=1e-6)
        if g.geom_type != "Polygon":
            g = max(g.geoms, key=lambda x: x.area)
        info = LA_TERMINALS.get(p["zone_id"])
        if info is not None:
            props = dict(
                zone_id=p["zone_id"],
                kind="berth",
                name=p["name"],
                terminal=info["terminal"],
                terminal_name=info["terminal_name"],
                terminal_type="container",
                port="POLA",
                operator=info["operator"],
                berths=info["berths"],
            )
        else:
            props = dict(
                zone_id=p["zone_id"],
                kind="berth",
                name=p["name"] or f"Unnamed OSM berth polygon ({p['zone_id']})",
                terminal="POLA_OTHER",
                terminal_name="Other Port of Los Angeles berth (not a container terminal)",
                terminal_type="other",
                port="POLA",
                operator=p.get("operator"),
                berths=None,
            )
        props.update(
            authority="OSM",
            source_ref=p["source_ref"] + " (OpenStreetMap contributors, ODbL)",
            geometry_note=(
                f"OSM land polygon buffered outward by {BUFFER_M:.0f} m so that ships moored "
                "alongside fall inside; where buffers of two berth polygons overlap, the "
                "overlap goes to the nearer land polygon."
            ),
        )
        features.append(dict(properties=props, geometry=g))

    # Long Beach berths: wharf-side strips
    for w in POLB_WHARVES:
        parts = [strip(line, w["water"], w["water_m"], w["land_m"], w["end_m"]) for line in w["lines"]]
        g = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        g = rounded(g)
        features.append(
            dict(
                properties=dict(
                    zone_id=w["zone_id"],
                    kind="berth",
                    name=w["terminal_name"],
                    terminal=w["terminal"],
                    terminal_name=w["terminal_name"],
                    terminal_type="container",
                    port="POLB",
                    operator=w["operator"],
                    berths=w["berths"],
                    authority="portcap",
                    source_ref=w["source_ref"],
                    geometry_note=w["geometry_note"],
                    wharf_lines=[[list(pt) for pt in line] for line in w["lines"]],
                    wharf_water_side_m=w["water_m"],
                    wharf_land_side_m=w["land_m"],
                    wharf_end_extension_m=w["end_m"],
                ),
                geometry=g,
            )
        )

    # maneuvering: inside the breakwaters
    harbor = Polygon(BREAKWATER_LINE + HARBOR_NORTH)
    assert harbor.is_valid, shapely.validation.explain_validity(harbor)
    harbor = rounded(harbor)
    features.append(
        dict(
            properties=dict(
                zone_id="harbor-inside-breakwaters",
                kind="maneuvering",
                name="Los Angeles-Long Beach harbor inside the breakwaters",
                terminal=None,
                terminal_name=None,
                terminal_type=None,
                port=None,
                operator=None,
                berths=None,
                authority="portcap",
                source_ref=(
                    "Southern edge: San Pedro and Middle Breakwater centre lines from NOAA ENC "
                    "US5LGBCD (as in the shared zone file); Long Beach Light 33.723237 N "
                    "118.186821 W; Long Beach Breakwater west end 33 43.40' N 118 10.80' W "
                    "(33 CFR 167.501(a)); east end at about 118.135 W (approximate). Northern "
                    "edge drawn coarsely over land behind the inner harbours."
                ),
                geometry_note=(
                    "Approximate. Includes land behind the shoreline (harmless for vessel "
                    "positions). East of the Long Beach Breakwater the boundary is a meridian "
                    "from its east end to the shore."
                ),
            ),
            geometry=harbor,
        )
    )
    raw = Polygon(
        [POINT_FERMIN, *PRECAUTIONARY_CFR, (-118.18, 33.74), (-118.2933, 33.74), POINT_FERMIN]
    )
    precautionary = rounded(raw.difference(harbor))
    if precautionary.geom_type == "MultiPolygon":
        precautionary = max(precautionary.geoms, key=lambda x: x.area)
    features.append(
        dict(
            properties=dict(
                zone_id="cfr-precautionary-area",
                kind="maneuvering",
                name="Los Angeles/Long Beach precautionary area (outside the breakwaters)",
                terminal=None,
                terminal_name=None,
                terminal_type=None,
                port=None,
                operator=None,
                berths=None,
                authority="CFR",
                source_ref=(
                    "33 CFR 167.501(a): Point Fermin Light 33 42.30' N 118 17.60' W; "
                    "33 35.50' N 118 17.60' W; 33 35.50' N 118 09.00' W; 33 37.70' N "
                    "118 06.50' W; 33 43.40' N 118 10.80' W; and the breakwater "
                    "(https://www.ecfr.gov/current/title-33/section-167.501)"
                ),
                geometry_note=(
                    "CFR vertices exact; the breakwater side follows the harbor polygon "
                    "(approximate) so the two maneuvering zones do not overlap."
                ),
            ),
            geometry=precautionary,
        )
    )

    # sanity
    ids = [f["properties"]["zone_id"] for f in features]
    assert len(ids) == len(set(ids))
    berths = [(f["properties"]["zone_id"], f["geometry"]) for f in features if f["properties"]["kind"] == "berth"]
    for a in range(len(berths)):
        for b in range(a + 1, len(berths)):
            inter = berths[a][1].intersection(berths[b][1]).area
            if inter > 1e-10:
                print("berth overlap", berths[a][0], berths[b][0], inter)
    for f in features:
        assert f["geometry"].is_valid, f["properties"]["zone_id"]

    collection = {
        "type": "FeatureCollection",
        "name": "san-pedro-bay-zones",
        "crs_note": "WGS84 longitude/latitude (RFC 7946)",
        "features": [
            {"type": "Feature", "properties": f["properties"], "geometry": mapping(f["geometry"])}
            for f in features
        ],
    }
    OUT_ZONES.parent.mkdir(parents=True, exist_ok=True)
    OUT_ZONES.write_text(json.dumps(collection, indent=1, ensure_ascii=False) + "\n")
    print("zones:", len(features), OUT_ZONES.stat().st_size, "bytes")


# --- ECA ----------------------------------------------------------------------------------
def dms(d, m, s):
    return d + m / 60.0 + s / 3600.0


# MARPOL Annex VI Appendix VII, North American ECA (MEPC.190(60)), paragraph .1 (Pacific).
# (lat d m s N, lon d m s W)
PACIFIC = """
32 32 10 117 06 11
32 32 04 117 07 29
32 31 39 117 14 20
32 33 13 117 15 50
32 34 21 117 22 01
32 35 23 117 27 53
32 37 38 117 49 34
31 07 59 118 36 21
30 33 25 121 47 29
31 46 11 123 17 22
32 21 58 123 50 44
32 56 39 124 11 47
33 40 12 124 27 15
34 31 28 125 16 52
35 14 38 125 43 23
35 43 60 126 18 53
36 16 25 126 45 30
37 01 35 127 07 18
37 45 39 127 38 02
38 25 08 127 52 60
39 25 05 128 31 23
40 18 47 128 45 46
41 13 39 128 40 22
42 12 49 129 00 38
42 47 34 129 05 42
43 26 22 129 01 26
44 24 43 128 41 23
45 30 43 128 40 02
46 11 01 128 49 01
46 33 55 129 04 29
47 39 55 131 15 41
48 32 32 132 41 00
48 57 47 133 14 47
49 22 39 134 15 51
50 01 52 135 19 01
51 03 18 136 45 45
51 54 04 137 41 54
52 45 12 138 20 14
53 29 20 138 40 36
53 40 39 138 48 53
54 13 45 139 32 38
54 39 25 139 56 19
55 20 18 140 55 45
56 07 12 141 36 18
56 28 32 142 17 19
56 37 19 142 48 57
58 51 04 153 15 03
"""

ATLANTIC = """
60 00 00 64 09 36
60 00 00 56 43 00
58 54 01 55 38 05
57 50 52 55 03 47
57 35 13 54 00 59
57 14 20 53 07 58
56 48 09 52 23 29
56 18 13 51 49 42
54 23 21 50 17 44
53 44 54 50 07 17
53 04 59 50 10 05
52 20 06 49 57 09
51 34 20 48 52 45
50 40 15 48 16 04
50 02 28 48 07 03
49 24 03 48 09 35
48 39 22 47 55 17
47 24 25 47 46 56
46 35 12 48 00 54
45 19 45 48 43 28
44 43 38 49 16 50
44 16 38 49 51 23
43 53 15 50 34 01
43 36 06 51 20 41
43 23 59 52 17 22
43 19 50 53 20 13
43 21 14 54 09 20
43 29 41 55 07 41
42 40 12 55 31 44
41 58 19 56 09 34
41 20 21 57 05 13
40 55 34 58 02 55
40 41 38 59 05 18
40 38 33 60 12 20
40 45 46 61 14 03
41 04 52 62 17 49
40 36 55 63 10 49
40 17 32 64 08 37
40 07 46 64 59 31
40 05 44 65 53 07
39 58 05 65 59 51
39 28 24 66 21 14
39 01 54 66 48 33
38 39 16 67 20 59
38 19 20 68 02 01
38 05 29 68 46 55
37 58 14 69 34 07
37 57 47 70 24 09
37 52 46 70 37 50
37 18 37 71 08 33
36 32 25 71 33 59
35 34 58 71 26 02
34 33 10 71 37 04
33 54 49 71 52 35
33 19 23 72 17 12
32 45 31 72 54 05
31 55 13 74 12 02
31 27 14 75 15 20
31 03 16 75 51 18
30 45 42 76 31 38
30 12 48 77 18 29
29 25 17 76 56 42
28 36 59 76 47 60
28 17 13 76 40 10
28 17 12 79 11 23
27 52 56 79 28 35
27 26 01 79 31 38
27 16 13 79 34 18
27 11 54 79 34 56
27 05 59 79 35 19
27 00 28 79 35 17
26 55 16 79 34 39
26 53 58 79 34 27
26 45 46 79 32 41
26 44 30 79 32 23
26 43 40 79 32 20
26 41 12 79 32 01
26 38 13 79 31 32
26 36 30 79 31 06
26 35 21 79 30 50
26 34 51 79 30 46
26 34 11 79 30 38
26 31 12 79 30 15
26 29 05 79 29 53
26 25 31 79 29 58
26 23 29 79 29 55
26 23 21 79 29 54
26 18 57 79 31 55
26 15 26 79 33 17
26 15 13 79 33 23
26 08 09 79 35 53
26 07 47 79 36 09
26 06 59 79 36 35
26 02 52 79 38 22
25 59 30 79 40 03
25 59 16 79 40 08
25 57 48 79 40 38
25 56 18 79 41 06
25 54 04 79 41 38
25 53 24 79 41 46
25 51 54 79 41 59
25 49 33 79 42 16
25 48 24 79 42 23
25 48 20 79 42 24
25 46 26 79 42 44
25 46 16 79 42 45
25 43 40 79 42 59
25 42 31 79 42 48
25 40 37 79 42 27
25 37 24 79 42 27
25 37 08 79 42 27
25 31 03 79 42 12
25 27 59 79 42 11
25 24 04 79 42 12
25 22 21 79 42 20
25 21 29 79 42 08
25 16 52 79 41 24
25 15 57 79 41 31
25 10 39 79 41 31
25 09 51 79 41 36
25 09 03 79 41 45
25 03 55 79 42 29
25 02 60 79 42 56
25 00 30 79 44 05
24 59 03 79 44 48
24 55 28 79 45 57
24 44 18 79 49 24
24 43 04 79 49 38
24 42 36 79 50 50
24 41 47 79 52 57
24 38 32 79 59 58
24 36 27 80 03 51
24 33 18 80 12 43
24 33 05 80 13 21
24 32 13 80 15 16
24 31 27 80 16 55
24 30 57 80 17 47
24 30 14 80 19 21
24 30 06 80 19 44
24 29 38 80 21 05
24 28 18 80 24 35
24 28 06 80 25 10
24 27 23 80 27 20
24 26 30 80 29 30
24 25 07 80 32 22
24 23 30 80 36 09
24 22 33 80 38 56
24 22 07 80 39 51
24 19 31 80 45 21
24 19 16 80 45 47
24 18 38 80 46 49
24 18 35 80 46 54
24 09 51 80 59 47
24 09 48 80 59 51
24 08 58 81 01 07
24 08 30 81 01 51
24 08 26 81 01 57
24 07 28 81 03 06
24 02 20 81 09 05
23 59 60 81 11 16
23 55 32 81 12 55
23 53 52 81 19 43
23 50 52 81 29 59
23 50 02 81 39 59
23 49 05 81 49 59
23 49 05 82 00 11
23 49 42 82 09 59
23 51 14 82 24 59
23 51 14 82 39 59
23 49 42 82 48 53
23 49 32 82 51 11
23 49 24 82 59 59
23 49 52 83 14 59
23 51 22 83 25 49
23 52 27 83 33 01
23 54 04 83 41 35
23 55 47 83 48 11
23 58 38 83 59 59
24 09 37 84 29 27
24 13 20 84 38 39
24 16 41 84 46 07
24 23 30 84 59 59
24 26 37 85 06 19
24 38 57 85 31 54
24 44 17 85 43 11
24 53 57 85 59 59
25 10 44 86 30 07
25 43 15 86 21 14
26 13 13 86 06 45
26 27 22 86 13 15
26 33 46 86 37 07
26 01 24 87 29 35
25 42 25 88 33 00
25 46 54 90 29 41
25 44 39 90 47 05
25 51 43 91 52 50
26 17 44 93 03 59
25 59 55 93 33 52
26 00 32 95 39 27
26 00 33 96 48 30
25 58 32 96 55 28
25 58 15 96 58 41
25 57 58 97 01 54
25 57 41 97 05 08
25 57 24 97 08 21
25 57 24 97 08 47
"""

HAWAII = """
22 32 54 153 00 33
23 06 05 153 28 36
23 32 11 154 02 12
23 51 47 154 36 48
24 21 49 155 51 13
24 41 47 156 27 27
24 57 33 157 22 17
25 13 41 157 54 13
25 25 31 158 30 36
25 31 19 159 09 47
25 30 31 159 54 21
25 21 53 160 39 53
25 00 06 161 38 33
24 40 49 162 13 13
24 15 53 162 43 08
23 40 50 163 13 00
23 03 20 163 32 58
22 20 09 163 44 41
21 36 45 163 46 03
20 55 26 163 37 44
20 13 34 163 19 13
19 39 03 162 53 48
19 09 43 162 20 35
18 39 16 161 19 14
18 30 31 160 38 30
18 29 31 159 56 17
18 10 41 159 14 08
17 31 17 158 56 55
16 54 06 158 30 29
16 25 49 157 59 25
15 59 57 157 17 35
15 40 37 156 21 06
15 37 36 155 22 16
15 43 46 154 46 37
15 55 32 154 13 05
16 46 27 152 49 11
17 33 42 152 00 32
18 30 16 151 30 24
19 02 47 151 22 17
19 34 46 151 19 47
20 07 42 151 22 58
20 38 43 151 31 36
21 29 09 151 59 50
22 06 58 152 31 25
22 32 54 153 00 33
"""


def parse(block):
    out = []
    for line in block.strip().splitlines():
        a = [int(x) for x in line.split()]
        out.append((round(-dms(a[3], a[4], a[5]), 6), round(dms(a[0], a[1], a[2]), 6)))
    return out  # (lon, lat)


def great_circle(p, q, max_km=20.0):
    """Points from p to q (lon, lat in degrees) along the great circle, excluding q."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*p, *q))
    a = np.array([math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1)])
    b = np.array([math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2)])
    omega = math.acos(max(-1.0, min(1.0, float(a @ b))))
    dist_km = omega * 6371.0
    n = max(1, math.ceil(dist_km / max_km))
    out = []
    for k in range(n):
        t = k / n
        if omega < 1e-12:
            v = a
        else:
            v = (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)
        out.append((math.degrees(math.atan2(v[1], v[0])), math.degrees(math.asin(v[2]))))
    return out


def densify(points, closed=False):
    out = []
    seq = list(points)
    for p, q in zip(seq[:-1], seq[1:]):
        out.extend(great_circle(p, q))
    if not closed:
        out.append(seq[-1])
    return [(round(x, 5), round(y, 5)) for x, y in out]


PACIFIC_CLOSURE = [(-153.25, 62.5), (-110.0, 62.5), (-110.0, 32.8), (-114.72, 32.72)]
ATLANTIC_CLOSURE = [
    (-99.5, 26.0),
    (-99.5, 38.0),
    (-80.0, 38.0),
    (-75.5, 42.5),
    (-74.8, 44.9),
    (-75.5, 47.0),
    (-70.0, 51.5),
    (-66.5, 57.0),
    (-64.5, 58.0),
]


def build_eca():
    pac = parse(PACIFIC)
    atl = parse(ATLANTIC)
    haw = parse(HAWAII)
    assert len(pac) == 47 and len(atl) == 206 and len(haw) == 45
    parts = []
    src = (
        "MARPOL Annex VI, Appendix VII, paragraph 2 (North American area; MEPC.190(60), "
        "26 March 2010, in force 1 August 2011; ECA requirements from 1 August 2012). "
        "Coordinates transcribed from the French transposition, Arrete du 23 novembre 1987, "
        "Division 213, Annexe 213-6.A.7 "
        "(https://github.com/etalab/lois-non-codifiees-et-reglements-francais, file "
        "arrete/1988/arrete-du-23-novembre-1987-merr8700184a/reglement-general/livre-ii/"
        "division-213/chapitre-213-6/annexes/article-annexe-213-6-a-7.md, commit "
        "87e994bd7800bdcbb4db31efa22454526e7fa448); Pacific points 33-47 cross-checked "
        "against MARPOL Consolidated Edition 2017, p. 453."
    )
    for key, official, closure, para in (
        ("pacific", pac, PACIFIC_CLOSURE, ".1"),
        ("atlantic_gulf", atl, ATLANTIC_CLOSURE, ".2"),
        ("hawaii", haw, None, ".3"),
    ):
        if closure is None:
            ring = densify(official, closed=True)
            note = "Closed ring of the official points; geodesic lines approximated by great circles (<= 20 km spacing)."
        else:
            ring = densify(official) + [(round(x, 5), round(y, 5)) for x, y in closure]
            note = (
                "Official seaward boundary points joined by great circles (<= 20 km spacing, "
                "spherical approximation of the WGS84 geodesics), closed landward by the listed "
                "closure points, which lie on land. Waters cut off by the closure (e.g. the "
                "Great Lakes, Hudson Bay, Ungava Bay, the Gulf of California, the Bering Sea) "
                "are outside this polygon; whether inland waters are ECA is a matter of "
                "national law, not of this file."
            )
        poly = Polygon(ring)
        if not poly.is_valid:
            raise SystemExit(f"{key}: {shapely.validation.explain_validity(poly)}")
        poly = poly.normalize()
        parts.append(
            {
                "type": "Feature",
                "properties": {
                    "part": key,
                    "name": f"North American Emission Control Area ({key.replace('_', ' and ')})",
                    "appendix_vii_paragraph": para,
                    "authority": "IMO",
                    "source_ref": src,
                    "effective_from": "2012-08-01",
                    "geometry_note": note,
                    "appendix_vii_points_lon_lat": [list(p) for p in official],
                    "landward_closure_points_lon_lat": [list(p) for p in closure] if closure else [],
                },
                "geometry": mapping(poly),
            }
        )
    collection = {"type": "FeatureCollection", "name": "north-american-eca", "features": parts}
    OUT_ECA.write_text(json.dumps(collection, indent=None, separators=(",", ":")) + "\n")
    print("eca:", OUT_ECA.stat().st_size, "bytes", [len(shape(f["geometry"]).exterior.coords) for f in parts])


if __name__ == "__main__":
    build_zones()
    build_eca()
