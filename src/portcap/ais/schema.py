"""Column registry for AIS pings and for the AIS quarantine table.

The registry is data: one :class:`Column` record per attribute, with its dtype, unit,
description, whether it is required, its valid range and the names it has in the raw
file conventions we read. The readers in :mod:`portcap.ais.read` derive their header
mappings from it, :func:`check_ais_pings` validates frames against it, and
:func:`create_table_sql` and :func:`columns_table` turn it into DuckDB DDL and a glossary
table.

Raw header conventions
----------------------
``marinecadastre_2015``
    NOAA/BOEM MarineCadastre daily CSV files 2015-2023 (and AccessAIS orders):
    ``MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,
    Status,Length,Width,Draft,Cargo,TransceiverClass``. ``TransceiverClass`` only exists
    from 2018 on, so it is optional. Times look like ``2022-01-03T00:00:09``.
``marinecadastre_2024``
    The lower-case re-publication of the daily files (``ais-YYYY-MM-DD.csv.zst`` on
    NOAA's Azure store, 2024 onwards, and the 2024 GeoParquet daily files):
    ``mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,
    vessel_type,status,length,width,draft,cargo,transceiver``. Note that longitude comes
    *before* latitude. Times look like ``2025-12-31 00:00:00``. This header was checked
    against several independent public sources that read the files (test fixtures and
    loaders that quote the header verbatim, and a write-up of NOAA's 2025 data
    dictionary); the official dictionary itself is an image in
    https://github.com/ocm-marinecadastre/ais-vessel-traffic (``docs/data-dictionary-2025.png``).
``canonical``
    The names of this registry (what :func:`portcap.ais.read.read_ais` returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

__all__ = [
    "AIS_PING_COLUMNS",
    "CONVENTIONS",
    "QUARANTINE_ACTIONS",
    "QUARANTINE_COLUMNS",
    "QUARANTINE_REASONS",
    "Column",
    "QuarantineReason",
    "ais_ping_schema",
    "check_ais_pings",
    "columns_table",
    "conform_ais_pings",
    "create_table_sql",
    "empty_ais_pings",
    "empty_quarantine",
    "quarantine_rows",
    "quarantine_schema",
    "raw_column_map",
]

#: Raw header conventions known to the readers (see the module docstring).
CONVENTIONS: tuple[str, ...] = ("marinecadastre_2015", "marinecadastre_2024")


@dataclass(frozen=True)
class Column:
    """One attribute of a table: name, dtype, unit, meaning and raw-file names.

    Parameters
    ----------
    name
        Canonical snake_case name; carries the unit suffix where there is a dimension.
    dtype
        Polars dtype of the column.
    unit
        Unit string (``"kn"``, ``"deg"``, ``"m"``, ``"-"`` for codes and identifiers,
        ``"UTC"`` for times).
    description
        One-line meaning, used for the glossary.
    required
        Whether a frame must carry the column (optional columns are filled with nulls by
        :func:`conform_ais_pings`).
    valid_range
        Closed ``(low, high)`` interval of physically valid values, or ``None``.
    aliases
        Name of the column in each raw convention of :data:`CONVENTIONS`.
    optional_in_raw
        Conventions whose files may lack the column (it is then read as null).
    nullable
        Whether a *cleaned* table may hold nulls in the column (``NOT NULL`` in the DDL
        otherwise). Raw pings may hold nulls anywhere; cleaning removes them where this is
        ``False``.
    """

    name: str
    dtype: pl.DataType
    unit: str
    description: str
    required: bool = False
    valid_range: tuple[float, float] | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)
    optional_in_raw: tuple[str, ...] = ()
    nullable: bool = True


def _aliases(marinecadastre_2015: str, marinecadastre_2024: str) -> dict[str, str]:
    return {
        "marinecadastre_2015": marinecadastre_2015,
        "marinecadastre_2024": marinecadastre_2024,
    }


#: The canonical AIS ping table, in column order.
AIS_PING_COLUMNS: tuple[Column, ...] = (
    Column(
        "mmsi",
        pl.Int64(),
        "-",
        "Maritime Mobile Service Identity; 9 digits, the first three of a ship's are its "
        "MID (flag state).",
        required=True,
        nullable=False,
        aliases=_aliases("MMSI", "mmsi"),
    ),
    Column(
        "timestamp",
        pl.Datetime("us"),
        "UTC",
        "Time of the report (receiver or MarineCadastre time), UTC, stored without zone.",
        required=True,
        nullable=False,
        aliases=_aliases("BaseDateTime", "base_date_time"),
    ),
    Column(
        "latitude_deg",
        pl.Float64(),
        "deg",
        "Latitude, WGS84, north positive.",
        required=True,
        nullable=False,
        valid_range=(-90.0, 90.0),
        aliases=_aliases("LAT", "latitude"),
    ),
    Column(
        "longitude_deg",
        pl.Float64(),
        "deg",
        "Longitude, WGS84, east positive.",
        required=True,
        nullable=False,
        valid_range=(-180.0, 180.0),
        aliases=_aliases("LON", "longitude"),
    ),
    Column(
        "speed_over_ground_kn",
        pl.Float64(),
        "kn",
        "Speed over ground; AIS 102.3 means not available.",
        valid_range=(0.0, 102.2),
        aliases=_aliases("SOG", "sog"),
    ),
    Column(
        "course_over_ground_deg",
        pl.Float64(),
        "deg",
        "Course over ground, clockwise from true north; AIS 360 means not available.",
        valid_range=(0.0, 359.9),
        aliases=_aliases("COG", "cog"),
    ),
    Column(
        "heading_deg",
        pl.Float64(),
        "deg",
        "True heading; AIS 511 means not available.",
        valid_range=(0.0, 359.0),
        aliases=_aliases("Heading", "heading"),
    ),
    Column(
        "vessel_name",
        pl.String(),
        "-",
        "Vessel name as broadcast (or as corrected by NOAA from 2024).",
        aliases=_aliases("VesselName", "vessel_name"),
    ),
    Column(
        "call_sign",
        pl.String(),
        "-",
        "Radio call sign.",
        aliases=_aliases("CallSign", "call_sign"),
    ),
    Column(
        "imo",
        pl.Int64(),
        "-",
        "IMO ship identification number (7 digits, the last a check digit); null when unknown.",
        valid_range=(1_000_000.0, 9_999_999.0),
        aliases=_aliases("IMO", "imo"),
    ),
    Column(
        "vessel_type_code",
        pl.Int32(),
        "-",
        "AIS ship-and-cargo type code (ITU-R M.1371 table 53; 70-79 cargo, 80-89 tanker) "
        "or a USCG extended code 1001-1025 in early MarineCadastre years.",
        aliases=_aliases("VesselType", "vessel_type"),
    ),
    Column(
        "nav_status",
        pl.Int32(),
        "-",
        "AIS navigational status (0 under way using engine, 1 at anchor, 5 moored, "
        "15 undefined); null for Class B.",
        valid_range=(0.0, 15.0),
        aliases=_aliases("Status", "status"),
    ),
    Column(
        "length_m",
        pl.Float64(),
        "m",
        "Overall length (AIS dimensions A + B).",
        aliases=_aliases("Length", "length"),
    ),
    Column(
        "width_m",
        pl.Float64(),
        "m",
        "Beam (AIS dimensions C + D).",
        aliases=_aliases("Width", "width"),
    ),
    Column(
        "draft_m",
        pl.Float64(),
        "m",
        "Static draught as broadcast in the voyage data.",
        aliases=_aliases("Draft", "draft"),
    ),
    Column(
        "transceiver_class",
        pl.String(),
        "-",
        "AIS transceiver class, 'A' or 'B'.",
        aliases=_aliases("TransceiverClass", "transceiver"),
        optional_in_raw=("marinecadastre_2015",),
    ),
    Column(
        "source_file",
        pl.Categorical(),
        "-",
        "Path of the file the report was read from, as given to the reader.",
    ),
    Column(
        "source_row",
        pl.UInt32(),
        "-",
        "1-based data row of the report in its file (CSV: row after the header; NMEA: "
        "line number of the first fragment; Parquet: row).",
    ),
)


@dataclass(frozen=True)
class QuarantineReason:
    """A reason code of the quarantine table.

    Parameters
    ----------
    code
        The value written in the ``reason`` column.
    action
        ``"dropped"`` (the row is removed) or ``"changed"`` (a value is set to null or
        the row is moved; the row is kept).
    stage
        ``"read"`` or ``"clean"``: which step writes it.
    description
        What the code means.
    """

    code: str
    action: str
    stage: str
    description: str


_REASONS: tuple[QuarantineReason, ...] = (
    # --- read: CSV and Parquet -----------------------------------------------------------
    QuarantineReason(
        "wrong_field_count",
        "dropped",
        "read",
        "CSV row whose number of fields differs from the header's; original_value is the raw line.",
    ),
    QuarantineReason("blank_row", "dropped", "read", "Empty CSV line inside the data."),
    QuarantineReason(
        "malformed_value",
        "dropped",
        "read",
        "Value that cannot be parsed as the column's type (e.g. non-numeric LAT); field "
        "names the first such column of the row.",
    ),
    QuarantineReason(
        "truncated_row",
        "dropped",
        "read",
        "Last line of a file that was cut off (kept out only when allow_truncated=True; "
        "otherwise the file is rejected).",
    ),
    QuarantineReason(
        "imo_malformed",
        "changed",
        "read",
        "IMO text that is neither blank nor 'IMO' plus 7 digits; set to null.",
    ),
    QuarantineReason(
        "file_unusable",
        "dropped",
        "read",
        "Whole file rejected (skip_bad_files=True); original_value is the error message.",
    ),
    # --- read: NMEA ----------------------------------------------------------------------
    QuarantineReason(
        "nmea_malformed", "dropped", "read", "Line that is not an AIVDM/AIVDO sentence."
    ),
    QuarantineReason(
        "nmea_checksum_invalid",
        "dropped",
        "read",
        "Sentence whose NMEA checksum does not match.",
    ),
    QuarantineReason(
        "nmea_fragment_missing",
        "dropped",
        "read",
        "Fragment of a multi-sentence message whose other fragments are missing.",
    ),
    QuarantineReason(
        "nmea_decode_failed",
        "dropped",
        "read",
        "Complete message whose payload pyais cannot decode.",
    ),
    QuarantineReason(
        "nmea_timestamp_malformed",
        "changed",
        "read",
        "Receiver time prefix that cannot be parsed; timestamp set to null.",
    ),
    # --- clean: values set to null -------------------------------------------------------
    QuarantineReason(
        "sog_not_available", "changed", "clean", "SOG 102.3 kn (AIS 'not available')."
    ),
    QuarantineReason("sog_out_of_range", "changed", "clean", "SOG negative or NaN; set to null."),
    QuarantineReason("cog_not_available", "changed", "clean", "COG 360 deg (AIS 'not available')."),
    QuarantineReason(
        "cog_out_of_range",
        "changed",
        "clean",
        "COG outside [0, 360) other than 360; set to null.",
    ),
    QuarantineReason(
        "heading_not_available",
        "changed",
        "clean",
        "Heading 511 (AIS 'not available').",
    ),
    QuarantineReason(
        "heading_out_of_range",
        "changed",
        "clean",
        "Heading outside [0, 359] other than 511; set to null.",
    ),
    QuarantineReason("draft_zero", "changed", "clean", "Draft 0 m (MarineCadastre 'unknown')."),
    QuarantineReason("length_zero", "changed", "clean", "Length 0 m (MarineCadastre 'unknown')."),
    QuarantineReason("width_zero", "changed", "clean", "Width 0 m (MarineCadastre 'unknown')."),
    QuarantineReason(
        "dimension_negative",
        "changed",
        "clean",
        "Negative length, width or draft; set to null.",
    ),
    QuarantineReason(
        "out_of_order",
        "changed",
        "clean",
        "Report received after a later report of the same MMSI; moved by the sort. "
        "original_value is its 1-based position in the input frame.",
    ),
    # --- clean: rows dropped -------------------------------------------------------------
    QuarantineReason(
        "mmsi_invalid",
        "dropped",
        "clean",
        "MMSI null or not a 9-digit number (<= 0 or > 999999999).",
    ),
    QuarantineReason(
        "mmsi_not_ship",
        "dropped",
        "clean",
        "9-digit MMSI outside the ship range (coast stations 00MIDxxxx, group calls "
        "0MIDxxxxx, handhelds 8MIDxxxxx, auxiliary craft 98MIDxxxx, AtoN 99MIDxxxx, "
        "SART/MOB/EPIRB 97xxxxxxx) or a SAR aircraft 111MIDxxx.",
    ),
    QuarantineReason("timestamp_missing", "dropped", "clean", "No time for the report."),
    QuarantineReason(
        "latitude_not_available",
        "dropped",
        "clean",
        "Latitude null or 91 (AIS 'not available').",
    ),
    QuarantineReason(
        "latitude_out_of_range", "dropped", "clean", "Latitude outside [-90, 90] or NaN."
    ),
    QuarantineReason(
        "longitude_not_available",
        "dropped",
        "clean",
        "Longitude null or 181 (AIS 'not available').",
    ),
    QuarantineReason(
        "longitude_out_of_range",
        "dropped",
        "clean",
        "Longitude outside [-180, 180] or NaN.",
    ),
    QuarantineReason(
        "sog_above_max", "dropped", "clean", "SOG above max_speed_kn (after sentinels)."
    ),
    QuarantineReason(
        "duplicate_exact",
        "dropped",
        "clean",
        "Same MMSI, time and position as an earlier report; original_value is the kept "
        "report's source_row.",
    ),
    QuarantineReason(
        "duplicate_timestamp",
        "dropped",
        "clean",
        "Same MMSI and time as an earlier report but another position (first kept); "
        "original_value is the dropped position 'lat,lon'.",
    ),
    QuarantineReason(
        "implied_speed_above_max",
        "dropped",
        "clean",
        "Position jump: distance from the previous kept report over the time between "
        "them exceeds max_implied_speed_kn; original_value is the implied speed in kn.",
    ),
)

#: Reason code -> :class:`QuarantineReason`, for both the read and the clean stage.
QUARANTINE_REASONS: Mapping[str, QuarantineReason] = {r.code: r for r in _REASONS}

#: Values of the quarantine ``action`` column.
QUARANTINE_ACTIONS: tuple[str, ...] = ("dropped", "changed")

_PING_NAMES: tuple[str, ...] = tuple(c.name for c in AIS_PING_COLUMNS)

#: The quarantine table, in column order.
QUARANTINE_COLUMNS: tuple[Column, ...] = (
    Column(
        "source_file",
        pl.Categorical(),
        "-",
        "File the row came from.",
        required=True,
        nullable=False,
    ),
    Column(
        "source_row",
        pl.UInt32(),
        "-",
        "1-based data row (or NMEA line) in that file; null for whole-file reasons.",
        required=True,
    ),
    Column("mmsi", pl.Int64(), "-", "MMSI of the row, when known.", required=True),
    Column("timestamp", pl.Datetime("us"), "UTC", "Time of the row, when known.", required=True),
    Column(
        "reason",
        pl.Enum(list(QUARANTINE_REASONS)),
        "-",
        "Reason code, see QUARANTINE_REASONS.",
        required=True,
        nullable=False,
    ),
    Column(
        "action",
        pl.Enum(list(QUARANTINE_ACTIONS)),
        "-",
        "'dropped' (row removed) or 'changed' (row kept, value nulled or moved).",
        required=True,
        nullable=False,
    ),
    Column(
        "field",
        pl.Enum(list(_PING_NAMES)),
        "-",
        "Canonical column the reason concerns; null for row-level reasons.",
        required=True,
    ),
    Column(
        "original_value",
        pl.String(),
        "-",
        "The value before the change, or evidence for the drop, as text.",
        required=True,
    ),
)


def ais_ping_schema() -> pl.Schema:
    """Return the polars schema of the canonical AIS ping table.

    Returns
    -------
    polars.Schema
        Column name -> dtype, in registry order.

    Examples
    --------
    >>> schema = ais_ping_schema()
    >>> schema["speed_over_ground_kn"]
    Float64
    >>> list(schema)[:4]
    ['mmsi', 'timestamp', 'latitude_deg', 'longitude_deg']
    """
    return pl.Schema({c.name: c.dtype for c in AIS_PING_COLUMNS})


def quarantine_schema() -> pl.Schema:
    """Return the polars schema of the quarantine table.

    Returns
    -------
    polars.Schema
        Column name -> dtype, in registry order.

    Examples
    --------
    >>> list(quarantine_schema())  # doctest: +NORMALIZE_WHITESPACE
    ['source_file', 'source_row', 'mmsi', 'timestamp',
     'reason', 'action', 'field', 'original_value']
    """
    return pl.Schema({c.name: c.dtype for c in QUARANTINE_COLUMNS})


def empty_ais_pings() -> pl.DataFrame:
    """Return an AIS ping table with no rows.

    Returns
    -------
    polars.DataFrame
        Zero rows, canonical schema.

    Examples
    --------
    >>> empty_ais_pings().shape
    (0, 18)
    """
    return pl.DataFrame(schema=ais_ping_schema())


def empty_quarantine() -> pl.DataFrame:
    """Return a quarantine table with no rows.

    Returns
    -------
    polars.DataFrame
        Zero rows, quarantine schema.

    Examples
    --------
    >>> empty_quarantine().height
    0
    """
    return pl.DataFrame(schema=quarantine_schema())


def quarantine_rows(
    frame: pl.LazyFrame,
    *,
    reason: str | pl.Expr,
    field: str | pl.Expr | None = None,
    original_value: pl.Expr | None = None,
) -> pl.LazyFrame:
    """Turn rows of a ping-like frame into quarantine rows.

    Parameters
    ----------
    frame
        Rows to quarantine; must have ``source_file``, ``source_row``, ``mmsi`` and
        ``timestamp`` columns (of any castable dtype, nulls allowed).
    reason
        A code of :data:`QUARANTINE_REASONS`, or an expression giving one per row. The
        ``action`` column follows from the code.
    field
        Canonical column the reason concerns (name or per-row expression), or ``None``.
    original_value
        Expression for the value before the change or the evidence for the drop; cast
        to text. ``None`` gives nulls.

    Returns
    -------
    polars.LazyFrame
        Lazy quarantine rows in the :func:`quarantine_schema` layout.

    Raises
    ------
    ValueError
        If ``reason`` is a string that is not a known code.

    Examples
    --------
    >>> from datetime import datetime
    >>> pings = pl.DataFrame(
    ...     {
    ...         "source_file": ["a.csv"],
    ...         "source_row": [7],
    ...         "mmsi": [366000001],
    ...         "timestamp": [datetime(2022, 1, 3)],
    ...         "heading_deg": [511.0],
    ...     }
    ... )
    >>> rows = quarantine_rows(
    ...     pings.lazy(),
    ...     reason="heading_not_available",
    ...     field="heading_deg",
    ...     original_value=pl.col("heading_deg"),
    ... ).collect()
    >>> rows.select("source_row", "reason", "action", "original_value").row(0)
    (7, 'heading_not_available', 'changed', '511.0')
    """
    schema = quarantine_schema()
    if isinstance(reason, str):
        if reason not in QUARANTINE_REASONS:
            msg = f"unknown quarantine reason {reason!r}; valid: {', '.join(QUARANTINE_REASONS)}"
            raise ValueError(msg)
        reason_expr = pl.lit(reason)
    else:
        reason_expr = reason
    codes = [r.code for r in QUARANTINE_REASONS.values()]
    actions = [r.action for r in QUARANTINE_REASONS.values()]
    reason_text = reason_expr.cast(pl.String)
    field_expr = field if isinstance(field, pl.Expr) else pl.lit(field, dtype=pl.String)
    value_expr = pl.lit(None, dtype=pl.String) if original_value is None else original_value
    return frame.select(
        pl.col("source_file").cast(schema["source_file"]),
        pl.col("source_row").cast(schema["source_row"]),
        pl.col("mmsi").cast(schema["mmsi"]),
        pl.col("timestamp").cast(schema["timestamp"]),
        reason_text.cast(schema["reason"]).alias("reason"),
        reason_text.replace_strict(codes, actions, return_dtype=schema["action"]).alias("action"),
        field_expr.cast(pl.String).cast(schema["field"]).alias("field"),
        value_expr.cast(pl.String).alias("original_value"),
    )


def raw_column_map(convention: str) -> dict[str, str]:
    """Return the raw-name -> canonical-name map of a header convention.

    Parameters
    ----------
    convention
        One of :data:`CONVENTIONS`.

    Returns
    -------
    dict of str to str
        Raw column name -> canonical column name, for every column the convention has.

    Raises
    ------
    ValueError
        If the convention is unknown.

    Examples
    --------
    >>> raw_column_map("marinecadastre_2024")["base_date_time"]
    'timestamp'
    """
    if convention not in CONVENTIONS:
        msg = f"unknown AIS header convention {convention!r}; valid: {', '.join(CONVENTIONS)}"
        raise ValueError(msg)
    return {c.aliases[convention]: c.name for c in AIS_PING_COLUMNS if convention in c.aliases}


def conform_ais_pings(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing optional columns as typed nulls and put columns in registry order.

    Values are never cast or changed: a column that is present keeps its dtype, so
    :func:`check_ais_pings` can still report a wrong one. ``source_row`` is filled with
    the 1-based row number when absent; other missing columns become nulls.

    Parameters
    ----------
    frame
        A table with at least the required columns (``mmsi``, ``timestamp``,
        ``latitude_deg``, ``longitude_deg``); extra columns are dropped.

    Returns
    -------
    polars.DataFrame
        The same rows with exactly the canonical columns.

    Raises
    ------
    ValueError
        If a required column is missing.

    Examples
    --------
    >>> from datetime import datetime
    >>> frame = pl.DataFrame(
    ...     {
    ...         "mmsi": [366000001],
    ...         "timestamp": [datetime(2022, 1, 3)],
    ...         "latitude_deg": [33.7],
    ...         "longitude_deg": [-118.2],
    ...     }
    ... )
    >>> conform_ais_pings(frame).columns == list(ais_ping_schema())
    True
    """
    missing = [c.name for c in AIS_PING_COLUMNS if c.required and c.name not in frame.columns]
    if missing:
        msg = (
            f"AIS pings lack required column(s) {', '.join(missing)}; "
            f"expected columns: {', '.join(_PING_NAMES)}"
        )
        raise ValueError(msg)
    fill: list[pl.Expr] = []
    for c in AIS_PING_COLUMNS:
        if c.name in frame.columns:
            continue
        if c.name == "source_row":
            fill.append(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias(c.name))
        else:
            fill.append(pl.lit(None, dtype=c.dtype).alias(c.name))
    return frame.with_columns(fill).select(_PING_NAMES)


def check_ais_pings(frame: pl.DataFrame, *, strict: bool = True) -> list[str]:
    """Check that a frame has the canonical AIS ping columns and dtypes.

    Parameters
    ----------
    frame
        Table to check.
    strict
        Raise on the first check that fails instead of returning the problems.

    Returns
    -------
    list of str
        One message per problem (missing column, wrong dtype, null in ``mmsi`` is
        *not* a problem: cleaning handles it); empty when the frame conforms.

    Raises
    ------
    ValueError
        If ``strict`` and there is a problem.

    Examples
    --------
    >>> check_ais_pings(empty_ais_pings())
    []
    >>> bad = empty_ais_pings().with_columns(pl.col("mmsi").cast(pl.String))
    >>> check_ais_pings(bad, strict=False)
    ['column mmsi has dtype String, expected Int64']
    """
    problems: list[str] = []
    for c in AIS_PING_COLUMNS:
        if c.name not in frame.columns:
            problems.append(f"column {c.name} is missing")
        elif frame.schema[c.name] != c.dtype:
            problems.append(f"column {c.name} has dtype {frame.schema[c.name]}, expected {c.dtype}")
    if problems and strict:
        msg = "AIS pings do not conform to the schema: " + "; ".join(problems)
        raise ValueError(msg)
    return problems


_DUCKDB_TYPES: Mapping[type[pl.DataType], str] = {
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.UInt32: "UINTEGER",
    pl.Float64: "DOUBLE",
    pl.String: "VARCHAR",
    pl.Categorical: "VARCHAR",
    pl.Enum: "VARCHAR",
    pl.Datetime: "TIMESTAMP",
}


def create_table_sql(table: str, columns: tuple[Column, ...] = AIS_PING_COLUMNS) -> str:
    """Return a DuckDB ``CREATE TABLE`` statement for a column registry.

    Parameters
    ----------
    table
        Table name.
    columns
        Registry, e.g. :data:`AIS_PING_COLUMNS` or :data:`QUARANTINE_COLUMNS`.

    Returns
    -------
    str
        The DDL; columns that may not be null in a cleaned table are ``NOT NULL``.

    Examples
    --------
    >>> print(create_table_sql("ais_ping").splitlines()[1])
        mmsi BIGINT NOT NULL,
    """
    lines = []
    for c in columns:
        sql_type = _DUCKDB_TYPES[type(c.dtype)]
        not_null = "" if c.nullable else " NOT NULL"
        lines.append(f"    {c.name} {sql_type}{not_null}")
    return f"CREATE TABLE {table} (\n" + ",\n".join(lines) + "\n);"


def columns_table(columns: tuple[Column, ...] = AIS_PING_COLUMNS) -> pl.DataFrame:
    """Return the registry as a table (name, dtype, unit, required, description).

    Parameters
    ----------
    columns
        Registry, e.g. :data:`AIS_PING_COLUMNS`.

    Returns
    -------
    polars.DataFrame
        One row per column, for the glossary.

    Examples
    --------
    >>> columns_table().filter(pl.col("name") == "draft_m")["unit"].item()
    'm'
    """
    return pl.DataFrame(
        {
            "name": [c.name for c in columns],
            "dtype": [str(c.dtype) for c in columns],
            "unit": [c.unit for c in columns],
            "required": [c.required for c in columns],
            "description": [c.description for c in columns],
        }
    )
