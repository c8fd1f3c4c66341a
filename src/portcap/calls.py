"""The vessel-call method: activity from a list of port calls, for users without AIS.

The ports' own inventories are built from vessel calls (arrival, departure, berth, shift
and anchorage records from the Marine Exchange), with the transit and manoeuvring legs
derived from fixed approach distances and speeds. This module does the same: each row of
``calls.csv`` becomes activity records in the same table as the AIS intervals
(``mmsi, start, duration_h, speed_over_ground_kn, zone_kind, terminal, in_eca,
shore_power_connected, leg``), so that one emissions calculation serves both methods.

``calls.csv`` columns
---------------------
``vessel_id``
    The vessel's key in ``vessels.csv`` (its ``mmsi`` column).
``terminal``
    Terminal code of the berth (see ``portcap.ais.zones``) or a free label.
``arrival``, ``departure``
    Time the vessel is all fast at the berth and the time it leaves it (ISO 8601).
``anchorage_h``
    Hours at anchorage before berthing (0 if none).
``shore_power``
    Whether the vessel plugged in at berth (true/false, 1/0, yes/no).

Optional columns ``vsr_20nmi`` and ``vsr_40nmi`` (true/false) say whether the call slowed
to the Vessel Speed Reduction speed in each zone; where they are absent the compliance
rates of :class:`CallLegParameters` are applied as expected values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from portcap.errors import InputError
from portcap.textflags import parse_flags

CALL_COLUMNS = ("vessel_id", "terminal", "arrival", "departure", "anchorage_h", "shore_power")


class FairwayLeg(BaseModel):
    """One leg of the approach to (and, reversed, the departure from) the berth."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """Label of the leg, carried into the activity table."""
    distance_nmi: float = Field(gt=0)
    """Length of the leg, one way [nmi]."""
    speed_kn: float | None = Field(default=None, gt=0)
    """Fixed speed over ground on the leg [kn]; ``None`` means the vessel's cruise speed
    (``transit_speed_ratio`` x maximum speed) unless it complies with the VSR programme
    named in ``vsr_programme``."""
    vsr_programme: str | None = None
    """``"20nmi"`` or ``"40nmi"``: the Vessel Speed Reduction zone this leg lies in."""
    zone_kind: str | None = None
    """``"maneuvering"`` for legs inside the harbor, else ``None`` (mode by load factor)."""
    source: str
    """Where the distance and speed come from, or why they were assumed."""


def _default_legs() -> tuple[FairwayLeg, ...]:
    # Distances are measured along the approach to Point Fermin, the reference point of
    # the San Pedro Bay Vessel Speed Reduction programme (12 kn within 20 nmi since the
    # 2001 MOU; a 40-nmi option since 2009 at POLB and POLA).
    return (
        FairwayLeg(
            name="vsr_40nmi_zone",
            distance_nmi=20.0,
            vsr_programme="40nmi",
            source="VSR 40-nmi zone, 40 to 20 nmi from Point Fermin (POLB Green Flag, 2009; "
            "POLA VSRIP, 2009)",
        ),
        FairwayLeg(
            name="vsr_20nmi_zone",
            distance_nmi=14.0,
            vsr_programme="20nmi",
            source="VSR 20-nmi zone (2001 MOU) less the 6 nmi of the two legs below; assumption",
        ),
        FairwayLeg(
            name="precautionary_area",
            distance_nmi=4.0,
            speed_kn=9.0,
            source="LA/LB precautionary area to the breakwater; distance and speed assumed "
            "(pilot boarding and slow approach)",
        ),
        FairwayLeg(
            name="harbor",
            distance_nmi=2.0,
            speed_kn=5.0,
            zone_kind="maneuvering",
            source="breakwater to berth with tug assist; distance and speed assumed",
        ),
    )


class CallLegParameters(BaseModel):
    """Named, sourced parameters that turn a call into transit, manoeuvring and berth time.

    The defaults describe San Pedro Bay. Distances and speeds not found in a public source
    are marked as assumptions in each leg's ``source``; change them here, not in code.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    legs: tuple[FairwayLeg, ...] = Field(default_factory=_default_legs)
    """Approach legs from the outer boundary inward; departures run them in reverse."""
    vsr_speed_kn: float = Field(default=12.0, gt=0)
    """Vessel Speed Reduction target speed [kn] (San Pedro Bay VSR MOU, May 2001)."""
    vsr_20nmi_compliance: float = Field(default=0.95, ge=0, le=1)
    """Share of calls slowing down in the 20-nmi zone when the call does not say [-]
    (about 95 % in 2023: an assumption from the >90 % reported since 2009)."""
    vsr_40nmi_compliance: float = Field(default=0.85, ge=0, le=1)
    """Share of calls slowing down in the 40-nmi zone when the call does not say [-]
    (assumption; 63-70 % reported in 2009)."""
    transit_speed_ratio: float = Field(default=0.74, gt=0, le=1)
    """Cruise speed as a fraction of maximum speed [-]: EPA 2022 Table 3.12, container
    ships (0.74); used for legs without a fixed or VSR speed."""
    shore_power_connect_h: float = Field(default=2.0, ge=0)
    """Hours with auxiliary engines running after arrival on a shore-power call before
    the connection is made [h] (CARB At-Berth regulation practice; assumption)."""
    shore_power_disconnect_h: float = Field(default=1.0, ge=0)
    """Hours with auxiliary engines running before departure after disconnecting [h]
    (assumption)."""


@dataclass
class CallsReadResult:
    """Calls that passed validation, the rows that did not, and counts by reason."""

    calls: pd.DataFrame
    quarantine: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def read_calls(path: str | Path) -> CallsReadResult:
    """Read and validate a ``calls.csv`` file.

    Parameters
    ----------
    path : str or Path
        CSV file with the columns ``vessel_id, terminal, arrival, departure, anchorage_h,
        shore_power`` (optionally ``vsr_20nmi``, ``vsr_40nmi``).

    Returns
    -------
    CallsReadResult
        ``calls`` with parsed types and a ``source_row`` column (1-based data row), the
        ``quarantine`` of rejected rows with ``source_file, source_row, reason, field,
        original_value``, and ``counts`` by reason.

    Raises
    ------
    InputError
        If the file is empty or a required column is missing.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise InputError("the file is empty; expected a header and call rows", path=path) from exc
    missing = [c for c in CALL_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            f"missing column(s) {missing}; a calls file needs {list(CALL_COLUMNS)}",
            path=path,
            row=0,
            field=missing[0],
        )
    n = len(raw)
    rows = pd.Series(np.arange(1, n + 1), index=raw.index)
    problems: list[pd.DataFrame] = []

    def flag(mask: pd.Series, reason: str, column: str) -> None:
        if mask.any():
            problems.append(
                pd.DataFrame(
                    {
                        "source_file": str(path),
                        "source_row": rows[mask].to_numpy(),
                        "reason": reason,
                        "field": column,
                        "original_value": raw.loc[mask, column].to_numpy(),
                    }
                )
            )

    vessel_id = pd.to_numeric(raw["vessel_id"], errors="coerce")
    flag(vessel_id.isna(), "vessel_id_not_a_number", "vessel_id")
    arrival = pd.to_datetime(raw["arrival"], errors="coerce", format="ISO8601")
    departure = pd.to_datetime(raw["departure"], errors="coerce", format="ISO8601")
    flag(arrival.isna(), "arrival_not_a_time", "arrival")
    flag(departure.isna(), "departure_not_a_time", "departure")
    flag(
        arrival.notna() & departure.notna() & (departure <= arrival),
        "departure_not_after_arrival",
        "departure",
    )
    anchorage_h = pd.to_numeric(raw["anchorage_h"].replace("", "0"), errors="coerce")
    flag(
        anchorage_h.isna() | (anchorage_h < 0),
        "anchorage_h_not_a_non_negative_number",
        "anchorage_h",
    )
    shore_power, _, bad_shore = parse_flags(raw["shore_power"])
    flag(bad_shore, "shore_power_not_a_boolean", "shore_power")
    calls = pd.DataFrame(
        {
            "vessel_id": vessel_id.astype("Int64"),
            "terminal": raw["terminal"].replace("", pd.NA),
            "arrival": arrival,
            "departure": departure,
            "anchorage_h": anchorage_h,
            "shore_power": shore_power,
            "source_row": rows,
        }
    )
    for column in ("vsr_20nmi", "vsr_40nmi"):
        if column in raw.columns:
            parsed, _, bad = parse_flags(raw[column])
            empty = raw[column].str.strip() == ""
            calls[column] = parsed.where(~empty, np.nan)
            flag(bad & ~empty, f"{column}_not_a_boolean", column)
    quarantine = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(
            columns=["source_file", "source_row", "reason", "field", "original_value"]
        )
    )
    bad_rows = set(quarantine["source_row"].tolist())
    keep = ~rows.isin(bad_rows)
    counts = quarantine["reason"].value_counts().to_dict() if len(quarantine) else {}
    return CallsReadResult(
        calls[keep].reset_index(drop=True), quarantine, {str(k): int(v) for k, v in counts.items()}
    )


def _leg_speed_kn(
    leg: FairwayLeg,
    cruise_kn: np.ndarray,
    vsr_speed_kn: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (slow speed, normal speed) for the leg; equal where no VSR applies."""
    if leg.speed_kn is not None:
        fixed = np.full_like(cruise_kn, leg.speed_kn)
        return fixed, fixed
    if leg.vsr_programme is None:
        return cruise_kn, cruise_kn
    return np.minimum(cruise_kn, vsr_speed_kn), cruise_kn


def call_activity(
    calls: pd.DataFrame,
    max_speed_kn: pd.Series,
    params: CallLegParameters | None = None,
) -> pd.DataFrame:
    """Turn port calls into activity records (the same table as AIS intervals).

    Parameters
    ----------
    calls : DataFrame
        Validated calls from :func:`read_calls`.
    max_speed_kn : Series
        Maximum speed of each vessel [kn], indexed by ``vessel_id`` (the cruise speed on
        the outer legs is ``transit_speed_ratio`` times this).
    params : CallLegParameters, optional
        Legs, VSR speed and compliance, shore-power connection times.

    Returns
    -------
    DataFrame
        One row per call and leg (inbound and outbound fairway legs, compliant and
        non-compliant shares of VSR legs as separate rows weighted into ``duration_h``,
        anchorage, berth with and without shore power) with the columns ``mmsi, start,
        duration_h, speed_over_ground_kn, zone_kind, terminal, in_eca,
        shore_power_connected, leg, call_row``.

    Notes
    -----
    Fairway time is distance / speed, run inbound before the anchorage stay and
    outbound after departure. Where a leg lies in a VSR zone, a compliant call runs at
    ``min(cruise, vsr_speed_kn)``; without per-call flags the time is split between a
    compliant and a non-compliant record in the ratio of the compliance rate, which gives
    the expected energy because emissions are linear in time at a given speed. At berth,
    a shore-power call runs its auxiliary engines for ``min(berth_h, connect_h +
    disconnect_h)`` and is connected for the rest. The whole approach lies inside the
    North American ECA (200 nmi).
    """
    params = params or CallLegParameters()
    if calls.empty:
        return _empty_activity()
    vessel = calls["vessel_id"].astype("int64").to_numpy()
    top = max_speed_kn.reindex(calls["vessel_id"].astype("int64")).to_numpy(dtype=float)
    cruise = top * params.transit_speed_ratio
    arrival = calls["arrival"].to_numpy()
    departure = calls["departure"].to_numpy()
    anchorage_h = calls["anchorage_h"].to_numpy(dtype=float)
    terminal = calls["terminal"].to_numpy(dtype=object)
    call_row = calls["source_row"].to_numpy()
    pieces: list[pd.DataFrame] = []

    def add(
        start: np.ndarray,
        duration_h: np.ndarray,
        speed: np.ndarray,
        leg: str,
        *,
        zone_kind: str | None = None,
        shore: np.ndarray | bool = False,
    ) -> None:
        pieces.append(
            pd.DataFrame(
                {
                    "mmsi": vessel,
                    "start": start,
                    "duration_h": duration_h,
                    "speed_over_ground_kn": speed,
                    "zone_kind": zone_kind,
                    "terminal": terminal,
                    "in_eca": True,
                    "shore_power_connected": shore,
                    "leg": leg,
                    "call_row": call_row,
                }
            )
        )

    hour = np.timedelta64(3600, "s")
    for direction in ("inbound", "outbound"):
        # Inbound legs end at anchorage (or berth); outbound legs start at departure.
        cursor = departure.copy() if direction == "outbound" else None
        legs = params.legs if direction == "outbound" else tuple(reversed(params.legs))
        inbound_end = arrival - (anchorage_h * 3600).astype("timedelta64[s]")
        total_in_h = np.zeros(len(calls))
        for leg in legs:
            slow, normal = _leg_speed_kn(leg, cruise, params.vsr_speed_kn)
            share = _compliance(calls, leg, params)
            for label, speed, weight in (("vsr", slow, share), ("", normal, 1.0 - share)):
                if leg.vsr_programme is None and label == "vsr":
                    weight = np.ones(len(calls))
                elif leg.vsr_programme is None:
                    continue
                hours = leg.distance_nmi / speed
                if direction == "inbound":
                    start = inbound_end - ((total_in_h + hours) * 3600).astype("timedelta64[s]")
                else:
                    start = cursor
                name = f"{direction}_{leg.name}" + ("_vsr" if label and leg.vsr_programme else "")
                add(start, hours * weight, speed, name, zone_kind=leg.zone_kind)
            mean_h = leg.distance_nmi / slow * share + leg.distance_nmi / normal * (1 - share)
            if direction == "inbound":
                total_in_h = total_in_h + mean_h
            else:
                cursor = cursor + (mean_h * 3600).astype("timedelta64[s]")
    add(
        arrival - (anchorage_h * 3600).astype("timedelta64[s]"),
        anchorage_h,
        np.zeros(len(calls)),
        "anchorage",
        zone_kind="anchorage",
    )
    berth_h = (departure - arrival) / hour
    shore = calls["shore_power"].to_numpy(dtype=bool)
    engines_on_h = np.where(
        shore,
        np.minimum(berth_h, params.shore_power_connect_h + params.shore_power_disconnect_h),
        berth_h,
    )
    add(arrival, engines_on_h, np.zeros(len(calls)), "berth", zone_kind="berth", shore=False)
    add(
        arrival + (params.shore_power_connect_h * 3600 * shore).astype("timedelta64[s]"),
        berth_h - engines_on_h,
        np.zeros(len(calls)),
        "berth_shore_power",
        zone_kind="berth",
        shore=True,
    )
    activity = pd.concat(pieces, ignore_index=True)
    activity = activity[activity["duration_h"] > 0].reset_index(drop=True)
    return activity


def _compliance(calls: pd.DataFrame, leg: FairwayLeg, params: CallLegParameters) -> np.ndarray:
    """Per-call probability of slowing down on ``leg`` (1 or 0 where the call says)."""
    if leg.vsr_programme is None:
        return np.ones(len(calls))
    default = (
        params.vsr_20nmi_compliance if leg.vsr_programme == "20nmi" else params.vsr_40nmi_compliance
    )
    column = f"vsr_{leg.vsr_programme}"
    if column not in calls.columns:
        return np.full(len(calls), default)
    flags = pd.to_numeric(calls[column], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(flags), default, flags)


def _empty_activity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mmsi": pd.Series(dtype="int64"),
            "start": pd.Series(dtype="datetime64[us]"),
            "duration_h": pd.Series(dtype=float),
            "speed_over_ground_kn": pd.Series(dtype=float),
            "zone_kind": pd.Series(dtype=object),
            "terminal": pd.Series(dtype=object),
            "in_eca": pd.Series(dtype=bool),
            "shore_power_connected": pd.Series(dtype=bool),
            "leg": pd.Series(dtype=object),
            "call_row": pd.Series(dtype="int64"),
        }
    )
