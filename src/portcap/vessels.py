"""Vessel characteristics: a user's ``vessels.csv``, AIS static data and EPA 2022 defaults.

Every vessel that appears in the activity gets one row of characteristics with the
columns of the ``vessels`` table in ``DESIGN.md``::

    mmsi, imo, ship_type, size_value, size_unit, main_engine_kw, max_speed_kn,
    engine_type, keel_year, shore_power

filled in this order of preference:

1. the user's ``vessels.csv`` (any subset of the columns; blanks mean unknown);
2. AIS static data: ``ship_type`` from the AIS ship-type code (ITU-R M.1371 Table 53,
   packaged table ``ais_ship_types``) and ``size_value`` from the reported length
   (packaged table ``size_from_length``);
3. EPA 2022 Table C.3 defaults by ship type and size class (``vessel_defaults``) for
   the engine type, installed power and maximum speed; a keel-laid year, shore-power
   flag and, when nothing else is known, the size from named parameters.

Each fill is recorded in the ``filled`` column (``field:how`` items separated by
``;``), so that a reader sees which numbers are the vessel's own and which are defaults.
Vessels that are not ocean-going (tugs, pilot boats, pleasure craft, small passenger
vessels: harbor craft and small craft, inventoried separately) are set aside with the
reason, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from portcap import factors
from portcap.errors import InputError
from portcap.sources import ships
from portcap.textflags import parse_flags

VESSEL_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "imo",
    "ship_type",
    "size_value",
    "size_unit",
    "main_engine_kw",
    "max_speed_kn",
    "engine_type",
    "keel_year",
    "shore_power",
)
"""Columns of the vessels table (``DESIGN.md``); only ``mmsi`` is required in a file."""

_NUMERIC = ("imo", "size_value", "main_engine_kw", "max_speed_kn", "keel_year")

#: Ship types without their own EPA 2022 Table C.3 row take the characteristics of a
#: similar type's class (portcap convention, documented in docs/methodology/ships.md).
DEFAULTS_ALIAS: dict[str, tuple[str, str | None]] = {
    "vehicle_carrier": ("ro_ro", "ro_ro_largest"),
    "ferry_pax": ("ferry_ro_pax", None),
    "tanker": ("oil_tanker", None),
    "cruise_ed": ("cruise", None),
}


class VesselDefaults(BaseModel):
    """Assumptions used where neither the user nor AIS says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keel_year: int = Field(default=2008, ge=1900, le=2100)
    """Keel-laid year of a vessel whose year is unknown [year]: 2008 gives Tier I, the
    tier of most of the container fleet calling at US West Coast ports around 2020
    (assumption; give ``keel_year`` in vessels.csv)."""
    shore_power: bool = False
    """Whether a vessel of unknown status plugs in at berth (conservative: no)."""


@dataclass
class VesselTable:
    """Characteristics of the ocean-going vessels and the vessels set aside."""

    vessels: pd.DataFrame
    excluded: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def read_vessels(path: str | Path) -> pd.DataFrame:
    """Read and validate a user ``vessels.csv``.

    Parameters
    ----------
    path : str or Path
        CSV with an ``mmsi`` column and any of the other columns of
        :data:`VESSEL_COLUMNS`; blank cells mean unknown.

    Returns
    -------
    DataFrame
        One row per vessel with typed columns (all of :data:`VESSEL_COLUMNS`).

    Raises
    ------
    InputError
        Naming the file, row and field: missing ``mmsi`` column, a non-numeric value in a
        numeric column, an unknown ship type, size unit or engine type, a duplicate MMSI.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise InputError("the file is empty; expected a header with 'mmsi'", path=path) from exc
    if "mmsi" not in raw.columns:
        raise InputError("no 'mmsi' column", path=path, row=0, field="mmsi")
    unknown = [c for c in raw.columns if c not in VESSEL_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {unknown}; expected some of {list(VESSEL_COLUMNS)}",
            path=path,
            row=0,
            field=unknown[0],
        )
    out = pd.DataFrame(index=raw.index)
    for column in VESSEL_COLUMNS:
        text = raw[column].str.strip() if column in raw.columns else pd.Series("", index=raw.index)
        blank = text == ""
        if column == "mmsi" or column in _NUMERIC:
            values = pd.to_numeric(text.where(~blank), errors="coerce")
            bad = values.isna() & ~blank
            if column == "mmsi":
                bad = bad | blank
            _raise_first(bad, path, column, text, "a number" if column != "mmsi" else "an MMSI")
            out[column] = values
        elif column == "shore_power":
            flags, _, bad = parse_flags(text)
            _raise_first(bad, path, column, text, "true or false")
            out[column] = flags.astype(object).where(~blank, None)
        else:
            allowed = {
                "ship_type": factors.SHIP_TYPES,
                "size_unit": factors.SIZE_UNITS,
                "engine_type": factors.ENGINE_TYPES,
            }[column]
            bad = ~(text.isin(list(allowed)) | blank)
            _raise_first(bad, path, column, text, f"one of {list(allowed)}")
            out[column] = text.where(~blank, None)
    duplicated = out["mmsi"].duplicated()
    _raise_first(duplicated, path, "mmsi", raw["mmsi"], "each MMSI once")
    out["mmsi"] = out["mmsi"].astype("int64")
    return out.reset_index(drop=True)


def _raise_first(bad: pd.Series, path: Path, column: str, text: pd.Series, expected: str) -> None:
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{text.iloc[position]!r} is not valid; expected {expected}",
            path=path,
            row=position + 1,
            field=column,
        )


def ais_ship_type(vessel_type_code: pd.Series, length_m: pd.Series) -> pd.DataFrame:
    """Ship type and ocean-going flag from the AIS ship-type code and length.

    Parameters
    ----------
    vessel_type_code : Series
        AIS ship-type code (ITU-R M.1371 Table 53), NaN if not given.
    length_m : Series
        Reported length overall [m], NaN if unknown.

    Returns
    -------
    DataFrame
        Aligned to the input, columns ``ship_type`` (None where the code names no
        type), ``ocean_going`` (bool) and ``description``.

    Notes
    -----
    Of the packaged rows covering a code, the one with the largest ``min_length_m``
    not above the vessel's length applies (so a passenger vessel of 100 m or more is a
    cruise ship, a shorter one a ferry). Unknown codes count as 0.

    Examples
    --------
    >>> ais_ship_type(pd.Series([70, 60, 60, 52]),
    ...               pd.Series([300.0, 290.0, 40.0, 30.0]))[["ship_type", "ocean_going"]]
           ship_type  ocean_going
    0      container         True
    1         cruise         True
    2      ferry_pax        False
    3  service_other        False
    """
    table = factors.load_table("ais_ship_types").sort_values("min_length_m")
    code = pd.to_numeric(vessel_type_code, errors="coerce").fillna(0).to_numpy()
    length = pd.to_numeric(length_m, errors="coerce").fillna(0).to_numpy()
    ship_type = np.full(len(code), None, dtype=object)
    ocean_going = np.zeros(len(code), dtype=bool)
    description = np.full(len(code), "AIS code outside 0-99", dtype=object)
    # Later (longer min_length) rows overwrite earlier ones where they apply.
    for row in table.itertuples(index=False):
        hit = (code >= row.code_min) & (code <= row.code_max) & (length >= row.min_length_m)
        ship_type[hit] = row.ship_type if isinstance(row.ship_type, str) else None
        ocean_going[hit] = bool(row.ocean_going)
        description[hit] = row.description
    return pd.DataFrame(
        {"ship_type": ship_type, "ocean_going": ocean_going, "description": description},
        index=vessel_type_code.index,
    )


def size_from_length(ship_type: pd.Series, length_m: pd.Series) -> pd.DataFrame:
    """Typical size (TEU, dwt or GT) of a ship from its type and length overall.

    Parameters
    ----------
    ship_type : Series
        Normalised ship type.
    length_m : Series
        Length overall [m]; NaN if unknown.

    Returns
    -------
    DataFrame
        Aligned to the input, columns ``size_value`` and ``size_unit`` (NaN/None where
        the type has no length table or the length is unknown).

    Examples
    --------
    >>> size_from_length(pd.Series(["container", "container", "fishing"]),
    ...                  pd.Series([366.0, np.nan, 60.0]))
       size_value size_unit
    0     13500.0       teu
    1         NaN       NaN
    2         NaN       NaN
    """
    table = factors.load_table("size_from_length")
    frame = pd.DataFrame(
        {
            "row": np.arange(len(ship_type)),
            "ship_type": ship_type.to_numpy(dtype=object),
            "length_m": pd.to_numeric(length_m, errors="coerce").to_numpy(),
        }
    )
    candidates = frame.merge(table, on="ship_type", how="inner")
    hit = candidates[
        (candidates["length_m"] >= candidates["length_min_m"])
        & (candidates["length_m"] < candidates["length_max_m"])
    ]
    size_value = np.full(len(frame), np.nan)
    size_unit = np.full(len(frame), None, dtype=object)
    rows = hit["row"].to_numpy(dtype=int)
    size_value[rows] = hit["size_value"].to_numpy(dtype=float)
    size_unit[rows] = hit["size_unit"].to_numpy(dtype=object)
    return pd.DataFrame({"size_value": size_value, "size_unit": size_unit}, index=ship_type.index)


def _typical_size(ship_type: pd.Series) -> pd.DataFrame:
    """Middle row of each type's length table: the size used when no length is known."""
    table = factors.load_table("size_from_length").sort_values(["ship_type", "length_min_m"])
    position = table.groupby("ship_type").cumcount()
    count = table.groupby("ship_type")["ship_type"].transform("size")
    middle = table[position == count // 2].set_index("ship_type")
    found = middle[["size_value", "size_unit"]].reindex(ship_type.to_numpy(dtype=object))
    found.index = ship_type.index
    return found


def _class_defaults(ship_type: pd.Series, size_value: pd.Series) -> pd.DataFrame:
    """EPA 2022 Table C.3 row for each vessel: its size bin, else the nearest bin."""
    table = factors.vessel_defaults_table()
    alias_type = ship_type.map(lambda t: DEFAULTS_ALIAS.get(t, (t, None))[0])
    alias_class = ship_type.map(lambda t: DEFAULTS_ALIAS.get(t, (t, None))[1])
    frame = pd.DataFrame(
        {
            "row": np.arange(len(ship_type)),
            "defaults_type": alias_type.to_numpy(dtype=object),
            "forced_class": alias_class.to_numpy(dtype=object),
            "size_value": pd.to_numeric(size_value, errors="coerce").to_numpy(),
        }
    )
    candidates = frame.merge(
        table.rename(columns={"ship_type": "defaults_type"}), on="defaults_type", how="inner"
    )
    size = candidates["size_value"].fillna(0.0)
    lower = candidates["size_min"]
    upper = candidates["size_max"]
    distance = np.where(size < lower, lower - size, np.where(size >= upper, size - upper, 0.0))
    forced = candidates["forced_class"].notna()
    distance = np.where(
        forced & (candidates["size_class"] != candidates["forced_class"]), np.inf, distance
    )
    candidates = candidates.assign(distance=distance).sort_values(["row", "distance"])
    best = candidates.drop_duplicates("row")
    columns = ["size_class", "engine_type", "main_engine_kw", "max_speed_kn"]
    out = pd.DataFrame(index=np.arange(len(frame)), columns=columns, dtype=object)
    out.loc[best["row"].to_numpy(), columns] = best[columns].to_numpy()
    out.index = ship_type.index
    return out


def _join_notes(notes: list[pd.Series], n_rows: int) -> npt.NDArray[np.object_]:
    """Join the non-empty notes of each row with ``;``, column by column (no row-wise apply).

    Examples
    --------
    >>> _join_notes([pd.Series(["a", "", ""]), pd.Series(["b", "c", ""])], 3).tolist()
    ['a;b', 'c', '']
    """
    joined = np.full(n_rows, "", dtype=object)
    for note in notes:
        text = note.to_numpy(dtype=object)
        has_text = text != ""
        both = has_text & (joined != "")
        joined[both] = joined[both] + ";" + text[both]
        only = has_text & ~both
        joined[only] = text[only]
    return joined


def build_vessel_table(
    mmsi: pd.Series,
    *,
    ais_static: pd.DataFrame | None = None,
    user_vessels: pd.DataFrame | None = None,
    defaults: VesselDefaults | None = None,
) -> VesselTable:
    """Characteristics of every vessel in the activity, with each fill recorded.

    Parameters
    ----------
    mmsi : Series
        The vessels to describe (duplicates allowed; one row per distinct MMSI results).
    ais_static : DataFrame, optional
        Static AIS data per MMSI: ``mmsi, imo, vessel_type_code, length_m`` (e.g. the
        last report of each vessel).
    user_vessels : DataFrame, optional
        From :func:`read_vessels`; wins over everything else.
    defaults : VesselDefaults, optional
        Assumptions for fields nobody gives.

    Returns
    -------
    VesselTable
        ``vessels`` (ocean-going vessels; :data:`VESSEL_COLUMNS` plus ``size_class``,
        ``vessel_type_code``, ``length_m`` and ``filled``), ``excluded`` (``mmsi,
        ship_type, reason``) and ``counts`` of excluded vessels by reason.
    """
    defaults = defaults or VesselDefaults()
    ids = pd.Series(pd.unique(pd.Series(mmsi, dtype="int64")), name="mmsi")
    base = pd.DataFrame({"mmsi": ids})
    if ais_static is not None and len(ais_static):
        static = ais_static.drop_duplicates("mmsi", keep="last")
        base = base.merge(
            static[[c for c in ("mmsi", "imo", "vessel_type_code", "length_m") if c in static]],
            on="mmsi",
            how="left",
            validate="1:1",
        )
    for column in ("imo", "vessel_type_code", "length_m"):
        if column not in base:
            base[column] = np.nan
    user = user_vessels if user_vessels is not None else pd.DataFrame(columns=list(VESSEL_COLUMNS))
    user = user.add_prefix("user_").rename(columns={"user_mmsi": "mmsi"})
    user["mmsi"] = user["mmsi"].astype("int64")
    base = base.merge(user, on="mmsi", how="left", validate="1:1")
    filled: list[pd.Series] = []

    def take(column: str, fallback: pd.Series, how: str | pd.Series) -> pd.Series:
        given = base[f"user_{column}"]
        use_fallback = given.isna() & fallback.notna()
        note = how if isinstance(how, pd.Series) else pd.Series(how, index=base.index)
        filled.append((f"{column}:" + note.astype(str)).where(use_fallback, ""))
        return given.where(given.notna(), fallback)

    # 1. ship type, and whether the vessel is ocean-going
    by_code = ais_ship_type(base["vessel_type_code"], base["length_m"])
    code_note = "ais_code_" + base["vessel_type_code"].fillna(0).astype("int64").astype(str)
    ship_type = take("ship_type", by_code["ship_type"], code_note)
    user_typed = base["user_ship_type"].notna()
    ocean_going = np.where(
        user_typed,
        ~ship_type.isin(["service_tug", "service_other", "yacht", "fishing", "ferry_pax"]),
        by_code["ocean_going"],
    )
    ocean_going = ocean_going | (
        user_typed & base["user_size_value"].notna() & base["user_main_engine_kw"].notna()
    )
    reason = np.where(
        ship_type.isna(),
        "no ship type (AIS code unknown and vessel shorter than 100 m)",
        np.where(
            ocean_going, "", "not an ocean-going vessel: " + by_code["description"].astype(str)
        ),
    )
    # 2. size
    from_length = size_from_length(ship_type, base["length_m"])
    typical = _typical_size(ship_type)
    size_fallback = from_length["size_value"].where(
        from_length["size_value"].notna(), typical["size_value"]
    )
    size_how = pd.Series(
        np.where(from_length["size_value"].notna(), "from_length", "type_default_no_length"),
        index=base.index,
    )
    size_value = take("size_value", size_fallback, size_how)
    unit_fallback = from_length["size_unit"].where(
        from_length["size_unit"].notna(), typical["size_unit"]
    )
    size_unit = take("size_unit", unit_fallback, size_how)
    # 3. EPA 2022 Table C.3 characteristics by class
    by_class = _class_defaults(ship_type.fillna(""), size_value)
    engine_type = take("engine_type", by_class["engine_type"], "epa2022_table_c3")
    main_engine_kw = take(
        "main_engine_kw", by_class["main_engine_kw"].astype(float), "epa2022_table_c3"
    )
    max_speed_kn = take("max_speed_kn", by_class["max_speed_kn"].astype(float), "epa2022_table_c3")
    keel_year = take(
        "keel_year", pd.Series(float(defaults.keel_year), index=base.index), "default_parameter"
    )
    shore_power = take(
        "shore_power",
        pd.Series(defaults.shore_power, index=base.index, dtype=object),
        "default_parameter",
    )
    imo = base["user_imo"].where(base["user_imo"].notna(), base["imo"])
    notes = pd.Series(_join_notes(filled, len(base)), index=base.index, dtype="str")
    table = pd.DataFrame(
        {
            "mmsi": base["mmsi"],
            "imo": pd.to_numeric(imo, errors="coerce").astype("Int64"),
            "ship_type": ship_type,
            "size_value": pd.to_numeric(size_value, errors="coerce"),
            "size_unit": size_unit,
            "size_class": by_class["size_class"],
            "main_engine_kw": pd.to_numeric(main_engine_kw, errors="coerce"),
            "max_speed_kn": pd.to_numeric(max_speed_kn, errors="coerce"),
            "engine_type": engine_type,
            "keel_year": pd.to_numeric(keel_year, errors="coerce"),
            "shore_power": shore_power.astype(bool),
            "vessel_type_code": base["vessel_type_code"],
            "length_m": base["length_m"],
            "filled": notes,
        }
    )
    missing_engine = (reason == "") & (
        table["main_engine_kw"].isna() | table["max_speed_kn"].isna() | table["engine_type"].isna()
    )
    reason = np.where(missing_engine, "no default characteristics for this ship type", reason)
    keep = reason == ""
    excluded = pd.DataFrame(
        {
            "mmsi": table["mmsi"][~keep],
            "ship_type": table["ship_type"][~keep],
            "vessel_type_code": table["vessel_type_code"][~keep],
            "reason": reason[~keep],
        }
    ).reset_index(drop=True)
    counts = {str(k): int(v) for k, v in excluded["reason"].value_counts().items()}
    vessels = table[keep].reset_index(drop=True)
    vessels["tier"] = ships.tier_from_keel_year(vessels["keel_year"], vessels["engine_type"])
    return VesselTable(vessels, excluded, counts)
