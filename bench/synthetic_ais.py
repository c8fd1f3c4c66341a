"""Synthetic San Pedro Bay AIS in MarineCadastre format, for benchmarks.

What it makes
-------------
``n_reports`` position reports (default 2 million) of container ships, tankers and
vehicle carriers calling at the San Pedro Bay terminals, in the 17-column MarineCadastre
2015-2023 CSV layout. Each call follows the pattern seen in the real ports' data:

1. inbound transit from 40 nmi out at 12-20 kn to the precautionary area,
2. for about a third of the calls a stay at anchorage (6-48 h, drifting at < 0.5 kn),
3. manoeuvring at 3-7 kn from the precautionary area to a terminal berth,
4. hoteling at berth for 20-100 h (the POLA 2022 departure-weighted average is 131 h
   including the queue months, 87-90 h after it; see the project reference),
5. manoeuvring out and outbound transit.

Reports are one a minute (MarineCadastre's national files are down-sampled to one
report per minute), with positions jittered by a few metres. Realistic faults are mixed
in so that cleaning has work to do: SOG 102.3 (not available, 0.2 %), heading 511
(most rows at berth), draft 0 (2 % of vessels), exact duplicate rows (0.1 %) and
position jumps of a degree (0.05 %).

The generator is seeded, so a given ``(n_reports, seed)`` always gives the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

#: Berth points (lat, lon) near the terminals' wharves (centroids from the project's
#: reference, nudged to the water side); only the pattern matters for a benchmark.
BERTHS: tuple[tuple[float, float], ...] = (
    (33.7300, -118.2600),  # APMT Pier 400
    (33.7400, -118.2620),  # Fenix Pier 300
    (33.7656, -118.2760),  # TraPac
    (33.7552, -118.2650),  # YTI
    (33.7433, -118.2750),  # Everport
    (33.7529, -118.2760),  # WBCT 100
    (33.7604, -118.2770),  # WBCT 121
    (33.7507, -118.2150),  # LBCT
    (33.7483, -118.2030),  # ITS
    (33.7376, -118.1990),  # PCT
    (33.7566, -118.2370),  # TTI
    (33.7748, -118.2330),  # SSA A
    (33.7726, -118.2190),  # SSA C
)
ANCHORAGES: tuple[tuple[float, float], ...] = (
    (33.7000, -118.1500),
    (33.6850, -118.1800),
    (33.6950, -118.1200),
)
PRECAUTIONARY_AREA = (33.6600, -118.2200)
NMI_PER_DEG_LAT = 60.0

SHIP_CLASSES = (
    # vessel type code, length m, width m, draft m, share
    (70, 366.0, 51.0, 14.5, 0.45),
    (70, 300.0, 40.0, 13.5, 0.25),
    (80, 250.0, 44.0, 14.0, 0.15),
    (70, 200.0, 32.0, 9.5, 0.15),
)


@dataclass
class _Segment:
    lat0: float
    lon0: float
    lat1: float
    lon1: float
    speed_kn: float
    minutes: int


def _travel_minutes(lat0: float, lon0: float, lat1: float, lon1: float, speed_kn: float) -> int:
    dlat = (lat1 - lat0) * NMI_PER_DEG_LAT
    dlon = (lon1 - lon0) * NMI_PER_DEG_LAT * np.cos(np.radians(lat0))
    distance_nmi = float(np.hypot(dlat, dlon))
    return max(1, int(distance_nmi / speed_kn * 60.0))


def _call_segments(rng: np.random.Generator) -> list[_Segment]:
    berth = BERTHS[rng.integers(len(BERTHS))]
    bearing = np.radians(rng.uniform(180.0, 290.0))
    start = (
        PRECAUTIONARY_AREA[0] + 40.0 / NMI_PER_DEG_LAT * np.cos(bearing),
        PRECAUTIONARY_AREA[1] + 40.0 / NMI_PER_DEG_LAT * np.sin(bearing) / np.cos(np.radians(33.7)),
    )
    cruise_kn = rng.uniform(12.0, 20.0)
    manoeuvre_kn = rng.uniform(3.0, 7.0)
    pa = PRECAUTIONARY_AREA
    segs = [_Segment(*start, *pa, cruise_kn, _travel_minutes(*start, *pa, cruise_kn))]
    if rng.random() < 0.33:
        anch = ANCHORAGES[rng.integers(len(ANCHORAGES))]
        segs.append(_Segment(*pa, *anch, 8.0, _travel_minutes(*pa, *anch, 8.0)))
        segs.append(_Segment(*anch, *anch, 0.2, int(rng.uniform(6, 48) * 60)))
        segs.append(_Segment(*anch, *pa, 8.0, _travel_minutes(*anch, *pa, 8.0)))
    segs.append(_Segment(*pa, *berth, manoeuvre_kn, _travel_minutes(*pa, *berth, manoeuvre_kn)))
    segs.append(_Segment(*berth, *berth, 0.0, int(rng.uniform(20, 100) * 60)))
    segs.append(_Segment(*berth, *pa, manoeuvre_kn, _travel_minutes(*berth, *pa, manoeuvre_kn)))
    segs.append(_Segment(*pa, *start, cruise_kn, _travel_minutes(*pa, *start, cruise_kn)))
    return segs


def generate(n_reports: int = 2_000_000, *, seed: int = 2304) -> pl.DataFrame:
    """Return ``n_reports`` synthetic reports as a MarineCadastre-layout DataFrame."""
    rng = np.random.default_rng(seed)
    lat_parts: list[np.ndarray] = []
    lon_parts: list[np.ndarray] = []
    sog_parts: list[np.ndarray] = []
    cog_parts: list[np.ndarray] = []
    min_parts: list[np.ndarray] = []
    call_parts: list[np.ndarray] = []
    total = 0
    call = 0
    while total < n_reports:
        t0 = int(rng.integers(0, 60 * 24 * 60))  # start within 60 days, in minutes
        for seg in _call_segments(rng):
            frac = np.arange(seg.minutes) / seg.minutes
            lat_parts.append(seg.lat0 + (seg.lat1 - seg.lat0) * frac)
            lon_parts.append(seg.lon0 + (seg.lon1 - seg.lon0) * frac)
            moving = seg.lat0 != seg.lat1 or seg.lon0 != seg.lon1
            sog = np.full(seg.minutes, seg.speed_kn)
            sog += rng.normal(0.0, 0.3 if moving else 0.05, seg.minutes)
            sog_parts.append(np.clip(sog, 0.0, None))
            course = np.degrees(np.arctan2(seg.lon1 - seg.lon0, seg.lat1 - seg.lat0)) % 360.0
            cog_parts.append(np.full(seg.minutes, course if moving else 360.0))
            min_parts.append(t0 + np.arange(seg.minutes))
            call_parts.append(np.full(seg.minutes, call))
            t0 += seg.minutes
            total += seg.minutes
        call += 1
    n_calls = call
    lat = np.concatenate(lat_parts)[:n_reports]
    lon = np.concatenate(lon_parts)[:n_reports]
    sog = np.concatenate(sog_parts)[:n_reports]
    cog = np.concatenate(cog_parts)[:n_reports]
    minute = np.concatenate(min_parts)[:n_reports]
    call_id = np.concatenate(call_parts)[:n_reports]

    # Each vessel makes two calls on average: calls map onto vessels.
    n_vessels = max(1, n_calls // 2)
    vessel_of_call = rng.integers(0, n_vessels, n_calls)
    vessel = vessel_of_call[call_id]
    # Separate a vessel's calls in time so that its tracks do not overlap.
    minute = minute + (call_id % 7) * 60 * 24 * 70
    mmsi = 366_000_000 + vessel * 37 % 99_999_999
    cls_index = rng.choice(len(SHIP_CLASSES), n_vessels, p=[c[4] for c in SHIP_CLASSES])
    classes = np.array([c[:4] for c in SHIP_CLASSES])[cls_index][vessel]
    draft = classes[:, 3].copy()
    draft[(vessel % 50) == 0] = 0.0  # 2 % of vessels report draft 0

    jitter = 3.0 / 111_000.0  # a few metres
    lat = lat + rng.normal(0.0, jitter, n_reports)
    lon = lon + rng.normal(0.0, jitter, n_reports)
    heading = np.where(sog > 0.5, np.round(cog), 511.0)

    faults = rng.random(n_reports)
    sog = np.where(faults < 0.002, 102.3, np.round(sog, 1))
    jump = (faults >= 0.002) & (faults < 0.0025)
    lat = np.where(jump, lat + 1.0, lat)

    start = np.datetime64("2023-01-01T00:00:00", "s")
    seconds = rng.integers(0, 59, n_reports)
    timestamp = (start + (minute * 60 + seconds).astype("timedelta64[s]")).astype("datetime64[ms]")
    status = np.where(sog < 0.5, 5, 0)
    frame = pl.DataFrame(
        {
            "MMSI": mmsi,
            "BaseDateTime": timestamp,
            "LAT": np.round(lat, 5),
            "LON": np.round(lon, 5),
            "SOG": sog,
            "COG": np.round(cog, 1),
            "Heading": heading,
            "VesselName": pl.Series(vessel).cast(pl.Utf8).str.replace(r"^", "SYNTH "),
            "IMO": pl.Series(9_000_000 + vessel).cast(pl.Utf8).str.replace(r"^", "IMO"),
            "CallSign": pl.Series(vessel).cast(pl.Utf8).str.replace(r"^", "S"),
            "VesselType": classes[:, 0].astype(np.int64),
            "Status": status,
            "Length": classes[:, 1],
            "Width": classes[:, 2],
            "Draft": draft,
            "Cargo": classes[:, 0].astype(np.int64),
            "TransceiverClass": "A",
        }
    ).with_columns(pl.col("BaseDateTime").dt.strftime("%Y-%m-%dT%H:%M:%S"))
    duplicates = frame.filter(pl.Series(faults > 0.999))
    frame = pl.concat([frame, duplicates]).sort("MMSI", "BaseDateTime")
    return frame.head(n_reports)


def write(path: Path, n_reports: int = 2_000_000, *, seed: int = 2304) -> Path:
    """Write the synthetic file to ``path`` (CSV) unless it exists already; return it."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate(n_reports, seed=seed).write_csv(path)
    return path
