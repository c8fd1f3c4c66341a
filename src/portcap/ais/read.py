"""Read AIS position reports into one canonical polars table.

Every reader returns an :class:`AisReadResult`: the pings in the schema of
:data:`portcap.ais.schema.AIS_PING_COLUMNS` (names with units, ``source_file`` and
``source_row`` for traceability), a quarantine table of the rows that could not be read
(with a reason code, see :data:`portcap.ais.schema.QUARANTINE_REASONS`) and counts.

* :func:`read_marinecadastre_csv` -- NOAA MarineCadastre CSV in both header generations
  (2015-2023 ``MMSI,BaseDateTime,LAT,LON,...`` and the 2024+ lower-case
  ``mmsi,base_date_time,longitude,latitude,...``), plain or in a ``.zip`` holding one
  CSV, or compressed as ``.csv.gz`` / ``.csv.zst``;
* :func:`read_ais_parquet` -- Parquet in either header convention or already canonical;
* :func:`read_nmea` -- raw ``!AIVDM``/``!AIVDO`` sentences decoded with pyais;
* :func:`read_ais` -- dispatch by extension, or every file of a folder.

A file that cannot be used at all (wrong header, empty, truncated, not a zip, ...)
raises :class:`AisFormatError` naming the file, and where it applies the row and field.
A bad *row* inside a usable file goes to the quarantine and reading goes on; pass
``strict=True`` to raise on it instead.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl
import pyarrow as pa
from pyais.exceptions import AISBaseException
from pyais.messages import AISSentence
from tqdm import tqdm

from portcap.ais.schema import (
    AIS_PING_COLUMNS,
    CONVENTIONS,
    QUARANTINE_REASONS,
    Column,
    ais_ping_schema,
    empty_ais_pings,
    empty_quarantine,
    quarantine_rows,
    quarantine_schema,
    raw_column_map,
)
from portcap.errors import InputError

__all__ = [
    "CSV_SUFFIXES",
    "MARINECADASTRE_HEADERS",
    "NMEA_SUFFIXES",
    "PARQUET_SUFFIXES",
    "AisFormatError",
    "AisReadResult",
    "read_ais",
    "read_ais_parquet",
    "read_marinecadastre_csv",
    "read_nmea",
]

#: The full header line of each MarineCadastre generation (``Cargo`` is not read).
MARINECADASTRE_HEADERS: dict[str, str] = {
    "marinecadastre_2015": (
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
        "Status,Length,Width,Draft,Cargo,TransceiverClass"
    ),
    "marinecadastre_2024": (
        "mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,"
        "vessel_type,status,length,width,draft,cargo,transceiver"
    ),
}

#: File name endings read as MarineCadastre CSV (plain, zipped or compressed).
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".zip", ".csv.gz", ".csv.zst")
#: File name endings read as Parquet.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".pq")
#: File name endings read as raw NMEA sentences.
NMEA_SUFFIXES: tuple[str, ...] = (".nmea", ".txt", ".ais", ".nm4")

_PING_COLUMNS: dict[str, Column] = {c.name: c for c in AIS_PING_COLUMNS}
_DATA_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in AIS_PING_COLUMNS if c.name not in ("source_file", "source_row")
)
_ROW = "source_row"
_IMO_DIGITS = 7
_HEAD_BYTES = 1 << 16
_LINE_EXCERPT = 500
# Time layouts of MarineCadastre files: 2015-2023 with "T", 2024+ with a space. The
# layout of a file is taken from its first time (parsing with an exact layout is several
# times faster than letting the CSV reader infer it); the layouts with a fraction of a
# second are tried only for values the exact layout did not parse.
_TIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
)
_TIME_PATTERNS: tuple[str, ...] = (
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$",
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
)

#: Read-stage count keys present in every :class:`AisReadResult` (zeros included).
_COUNT_KEYS: tuple[str, ...] = (
    "files_read",
    "files_skipped",
    "files_unusable",
    "rows_read",
    "pings",
    "nmea_blank_lines",
    "nmea_messages_decoded",
    "nmea_position_reports",
    "nmea_static_reports",
    "nmea_other_message_types",
    "nmea_non_ais_sentences",
    *(r.code for r in QUARANTINE_REASONS.values() if r.stage == "read"),
)


class AisFormatError(InputError):
    """An AIS file that cannot be read, with where and what was expected.

    A :class:`portcap.errors.InputError` (hence a :class:`ValueError`), so the command
    line reports it as a usage error.

    Parameters
    ----------
    file
        The file (as given to the reader).
    problem
        What is wrong.
    row
        1-based data row (CSV row after the header, NMEA line), if the problem is in one.
    field
        Column or part of the line concerned, if any.
    expected
        What a valid file has there.

    Examples
    --------
    >>> err = AisFormatError(
    ...     "day.csv", "'abc' is not a number", row=3, field="LAT", expected="decimal degrees"
    ... )
    >>> str(err)
    "day.csv, row 3, field 'LAT': 'abc' is not a number; expected decimal degrees"
    >>> err.row, err.field
    (3, 'LAT')
    """

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.expected = expected
        message = f"{problem}; expected {expected}" if expected else problem
        super().__init__(message, path=self.file, row=row, field=field)


@dataclass(frozen=True)
class AisReadResult:
    """What a reader returns.

    Attributes
    ----------
    pings
        Position reports in the canonical schema (:func:`~portcap.ais.schema.ais_ping_schema`),
        in file order (not yet cleaned or sorted).
    quarantine
        Rows that were dropped or changed while reading, in the quarantine schema.
    counts
        ``files_read``, ``files_skipped`` (unsupported extension in a folder),
        ``files_unusable`` (rejected with ``skip_bad_files=True``), ``rows_read`` (CSV
        and Parquet data rows, NMEA lines), ``pings``, the ``nmea_*`` message tallies and
        one entry per read-stage reason code. For CSV and Parquet,
        ``rows_read == pings + number of quarantine rows with action 'dropped'``.
    """

    pings: pl.DataFrame
    quarantine: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def _constant_category(value: str, n: int) -> pl.Series:
    """Return a Categorical column repeating one value (4 bytes a row)."""
    return pl.Series("source_file", [value], dtype=pl.Categorical).new_from_index(0, n)


def _new_counts() -> dict[str, int]:
    return dict.fromkeys(_COUNT_KEYS, 0)


def _count_reasons(counts: dict[str, int], quarantine: pl.DataFrame) -> None:
    if quarantine.height == 0:
        return
    for reason, n in quarantine.group_by("reason").len().iter_rows():
        counts[str(reason)] = counts.get(str(reason), 0) + int(n)


def _raise_first_drop(file: str, quarantine: pl.DataFrame) -> None:
    """Raise :class:`AisFormatError` for the first dropped row (``strict=True``)."""
    dropped = quarantine.filter(pl.col("action") == "dropped").sort(_ROW, nulls_last=True)
    if dropped.height == 0:
        return
    row = dropped.row(0, named=True)
    reason = QUARANTINE_REASONS[row["reason"]]
    raise AisFormatError(
        file,
        f"{row['reason']}: {reason.description} (value {row['original_value']!r})",
        row=row[_ROW],
        field=row["field"],
    )


# --------------------------------------------------------------------------------------
# Column standardisation shared by the CSV and Parquet readers
# --------------------------------------------------------------------------------------


class _Parsed(NamedTuple):
    value: pl.Series
    bad: pl.Series | None  # value present but unusable -> row dropped (malformed_value)
    changed: pl.Series | None  # value present but nulled -> row kept (imo_malformed)


def _keep_where(values: pl.Series, mask: pl.Series) -> pl.Series:
    """``values`` where ``mask`` is true, null elsewhere."""
    return pl.select(pl.when(mask).then(values)).to_series().alias(values.name)


def _as_integer(values: pl.Series, target: pl.DataType) -> pl.Series:
    """Cast floats to an integer dtype; non-integral or out-of-range values become null."""
    integral = values.is_finite() & (values == values.round(0))
    return _keep_where(values, integral).cast(target, strict=False)


def _present_but_null(raw: pl.Series, value: pl.Series) -> pl.Series | None:
    """Mask of non-blank raw text whose parsed value is null; None when there is none."""
    if value.null_count() == raw.null_count():
        return None
    return raw.is_not_null() & (raw.str.strip_chars() != "") & value.is_null()


def _parse_times(text: pl.Series) -> pl.Series:
    """Parse MarineCadastre time text to ``Datetime("us")``; unparseable text gives null."""
    first = text.drop_nulls().head(1).to_list()
    primary = _TIME_FORMATS[0]
    for layout, pattern in zip(_TIME_FORMATS, _TIME_PATTERNS, strict=False):
        if first and re.match(pattern, first[0]):
            primary = layout
    parsed = text.str.to_datetime(primary, strict=False, time_unit="us", cache=False)
    if parsed.null_count() > text.null_count():
        stripped = text.str.strip_chars()
        parsed = pl.select(
            pl.coalesce(
                parsed,
                *(stripped.str.to_datetime(f, strict=False, time_unit="us") for f in _TIME_FORMATS),
            )
        ).to_series()
    return parsed


def _parse_imo(file: str, raw: pl.Series) -> _Parsed:
    """IMO as ``IMO1234567`` text or as a number; 0 and blank mean unknown (null)."""
    dtype = raw.dtype
    if dtype == pl.String:
        digits = raw.str.strip_prefix("IMO")
        number = digits.cast(pl.Int64, strict=False)
        well_formed = number.is_not_null() & (digits.str.len_bytes() == _IMO_DIGITS)
        changed = raw.is_not_null() & ~well_formed
        if changed.any():
            changed = changed & (raw.str.strip_chars() != "")
        return _Parsed(_keep_where(number, well_formed & (number != 0)), None, changed)
    if dtype.is_integer() or dtype.is_float():
        number = _as_integer(raw, pl.Int64()) if dtype.is_float() else raw.cast(pl.Int64)
        return _Parsed(_keep_where(number, number != 0), None, None)
    raise AisFormatError(
        file, f"column has dtype {dtype}", field=raw.name, expected="IMO1234567 text"
    )


def _parse_column(file: str, raw: pl.Series, column: Column) -> _Parsed:
    """Convert raw column ``raw`` (any dtype) to ``column``'s dtype, flagging bad values."""
    target = column.dtype
    dtype = raw.dtype
    if column.name == "imo":
        return _parse_imo(file, raw)
    if dtype == target:
        return _Parsed(raw, None, None)
    if dtype == pl.String:
        if target == pl.String:
            return _Parsed(raw, None, None)
        if isinstance(target, pl.Datetime):
            value = _parse_times(raw)
        else:
            text = raw.str.strip_chars()
            value = (
                _as_integer(text.cast(pl.Float64, strict=False), target)
                if target.is_integer()
                else text.cast(target, strict=False)
            )
        return _Parsed(value, _present_but_null(raw, value), None)
    if isinstance(target, pl.Datetime) and isinstance(dtype, pl.Datetime):
        value = raw
        if dtype.time_zone is not None:
            value = value.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return _Parsed(value.dt.cast_time_unit("us"), None, None)
    if isinstance(target, pl.Datetime) and dtype == pl.Date:
        return _Parsed(raw.cast(target), None, None)
    if target.is_numeric() and dtype.is_numeric():
        value = (
            _as_integer(raw, target)
            if target.is_integer() and dtype.is_float()
            else raw.cast(target, strict=False)
        )
        return _Parsed(value, raw.is_not_null() & value.is_null(), None)
    if target == pl.String and isinstance(dtype, pl.Categorical | pl.Enum):
        return _Parsed(raw.cast(pl.String), None, None)
    raise AisFormatError(
        file,
        f"column has dtype {dtype}",
        field=raw.name,
        expected=f"{target} (or text convertible to it) for {column.name}",
    )


def _standardise(
    frame: pl.DataFrame,
    columns: dict[str, str],
    *,
    file: str,
    source_file: pl.Series,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Turn raw columns into the canonical pings and quarantine unusable rows.

    Parameters
    ----------
    frame
        Raw table with the columns of ``columns`` and a ``source_row`` column.
    columns
        Raw name -> canonical name.
    file
        Name for error messages.
    source_file
        ``source_file`` of each row (Categorical).

    Returns
    -------
    pings, quarantine
    """
    parsed = {
        canonical: _parse_column(file, frame.get_column(raw), _PING_COLUMNS[canonical])
        for raw, canonical in columns.items()
    }
    pings = pl.DataFrame(
        [
            (
                parsed[name].value.cast(_PING_COLUMNS[name].dtype)
                if name in parsed
                else pl.repeat(None, frame.height, dtype=_PING_COLUMNS[name].dtype, eager=True)
            ).alias(name)
            for name in _DATA_COLUMNS
        ]
        + [source_file.alias("source_file"), frame.get_column(_ROW).cast(pl.UInt32)]
    )
    raw_of = {canonical: raw for raw, canonical in columns.items()}
    parts: list[pl.LazyFrame] = []
    keep: pl.Series | None = None
    bad = [(name, p.bad) for name, p in parsed.items() if p.bad is not None and p.bad.any()]
    if bad:
        any_bad = pl.select(pl.any_horizontal([b for _, b in bad])).to_series()
        bad_field = pl.select(
            pl.coalesce([pl.when(b).then(pl.lit(name)) for name, b in bad])
        ).to_series()
        bad_value = pl.select(
            pl.coalesce(
                [pl.when(b).then(frame.get_column(raw_of[name]).cast(pl.String)) for name, b in bad]
            )
        ).to_series()
        parts.append(
            pings.lazy()
            .with_columns(_field=bad_field, _value=bad_value)
            .filter(any_bad)
            .pipe(
                quarantine_rows,
                reason="malformed_value",
                field=pl.col("_field"),
                original_value=pl.col("_value"),
            )
        )
        keep = ~any_bad
    for name, p in parsed.items():
        if p.changed is None or not p.changed.any():
            continue
        changed = p.changed if keep is None else p.changed & keep
        parts.append(
            pings.lazy()
            .with_columns(_value=frame.get_column(raw_of[name]).cast(pl.String))
            .filter(changed)
            .pipe(
                quarantine_rows, reason="imo_malformed", field=name, original_value=pl.col("_value")
            )
        )
    quarantine = pl.concat(pl.collect_all(parts), how="vertical") if parts else empty_quarantine()
    if keep is not None:
        pings = pings.filter(keep)
    return pings, quarantine


# --------------------------------------------------------------------------------------
# MarineCadastre CSV
# --------------------------------------------------------------------------------------


def _load_csv_source(path: Path) -> tuple[str | bytes, str]:
    """Return what polars reads (a path, or the decompressed bytes) and a description."""
    name = path.name.lower()
    if not path.is_file():
        raise AisFormatError(path, "no such file", expected="a MarineCadastre .csv or .zip")
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [
                    m
                    for m in archive.infolist()
                    if not m.is_dir()
                    and not m.filename.startswith("__MACOSX/")
                    and m.filename.lower().endswith(".csv")
                ]
                if len(members) != 1:
                    names = ", ".join(m.filename for m in members) or "none"
                    raise AisFormatError(
                        path,
                        f"zip archive holds {len(members)} .csv files ({names})",
                        expected="exactly one MarineCadastre .csv in the archive",
                    )
                return archive.read(members[0]), f"{path} [{members[0].filename}]"
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise AisFormatError(
                path,
                f"not a readable zip archive ({exc})",
                expected="a zip holding one MarineCadastre .csv",
            ) from exc
    for suffix, codec in ((".gz", "gzip"), (".zst", "zstd")):
        if name.endswith(suffix):
            try:
                with pa.CompressedInputStream(str(path), codec) as stream:
                    return bytes(stream.read()), str(path)
            except (OSError, pa.ArrowException) as exc:
                raise AisFormatError(
                    path, f"cannot be decompressed as {codec} ({exc})", expected=f"a {codec} CSV"
                ) from exc
    return str(path), str(path)


def _head_and_tail(source: str | bytes) -> tuple[bytes, bytes, int]:
    """Return the first bytes, the last byte and the size of the data."""
    if isinstance(source, bytes):
        return source[:_HEAD_BYTES], source[-1:], len(source)
    with Path(source).open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        size = handle.seek(0, io.SEEK_END)
        tail = b""
        if size:
            handle.seek(size - 1)
            tail = handle.read(1)
    return head, tail, size


def _header_columns(file: str, head: bytes, size: int) -> list[str]:
    expected = " or ".join(MARINECADASTRE_HEADERS.values())
    if size == 0 or not head.strip():
        raise AisFormatError(file, f"file is empty ({size} bytes)", expected=f"a header {expected}")
    first, newline, _ = head.partition(b"\n")
    if not newline and size > len(head):
        raise AisFormatError(
            file,
            f"first line is longer than {_HEAD_BYTES} bytes, so it is not a CSV header",
            expected=expected,
        )
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    return [name.strip() for name in next(csv.reader([text]))]


def _detect_convention(file: str, columns: Iterable[str]) -> str:
    """Return the header convention of a set of raw column names."""
    present = set(columns)
    overlap = {conv: present & set(raw_column_map(conv)) for conv in CONVENTIONS}
    best = max(CONVENTIONS, key=lambda conv: len(overlap[conv]))
    keys = {c.aliases[best] for c in AIS_PING_COLUMNS if c.required and best in c.aliases}
    if not keys <= present:
        shown = ",".join(list(columns)[:20])
        raise AisFormatError(
            file,
            f"not a MarineCadastre AIS table: the header is {shown!r}",
            row=None,
            field=next(
                c.aliases[best]
                for c in AIS_PING_COLUMNS
                if c.required and c.aliases.get(best) not in present
            ),
            expected=" or ".join(MARINECADASTRE_HEADERS.values()),
        )
    missing = [
        raw
        for raw, canonical in raw_column_map(best).items()
        if raw not in present and best not in _PING_COLUMNS[canonical].optional_in_raw
    ]
    if missing:
        raise AisFormatError(
            file,
            f"header lacks column(s) {', '.join(missing)}",
            field=missing[0],
            expected=MARINECADASTRE_HEADERS[best],
        )
    return best


def _typed_csv_dtypes(columns: dict[str, str]) -> dict[str, pl.DataType]:
    """Dtypes for the fast path: the canonical dtypes, IMO and times as text."""
    return {
        raw: (pl.String() if canonical in ("imo", "timestamp") else _PING_COLUMNS[canonical].dtype)
        for raw, canonical in columns.items()
    }


def _read_csv_as_text(source: str | bytes, names: list[str]) -> pl.DataFrame:
    """Read the given columns as text, tolerantly (the path for files with bad rows).

    Invalid UTF-8 bytes are replaced and rows with too many fields are cut (they are
    found and quarantined by :func:`_field_count_problems`).
    """
    data: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    return pl.read_csv(
        data,
        columns=names,
        schema_overrides=dict.fromkeys(names, pl.String()),
        infer_schema=False,
        row_index_name=_ROW,
        row_index_offset=1,
        encoding="utf8-lossy",
        raise_if_empty=False,
        truncate_ragged_lines=True,
    )


def _field_count_problems(source: str | bytes, n_fields: int) -> pl.DataFrame:
    """Rows whose number of fields differs from the header's: ``source_row``, ``line``, ``reason``.

    Counts commas per line in one multithreaded pass; lines with quotes are checked again
    with the :mod:`csv` module (a quoted comma is not a separator). Quoted fields that
    span lines are not supported (MarineCadastre never writes them).
    """
    data: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    lines = (
        pl.scan_csv(
            data,
            has_header=False,
            separator="\x1f",
            quote_char=None,
            schema={"line": pl.String},
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
            row_index_name=_ROW,
        )
        .filter(pl.col(_ROW) > 0)
        .filter(pl.col("line").str.count_matches(",", literal=True).fill_null(-1) != n_fields - 1)
        .collect()
    )
    rows: list[int] = []
    texts: list[str] = []
    reasons: list[str] = []
    for row, line in lines.iter_rows():
        text = (line or "").rstrip("\r")
        if not text.strip():
            reason = "blank_row"
        elif '"' in text and len(next(csv.reader([text]))) == n_fields:
            continue
        else:
            reason = "wrong_field_count"
        rows.append(row)
        texts.append(text[:_LINE_EXCERPT])
        reasons.append(reason)
    return pl.DataFrame(
        {_ROW: rows, "line": texts, "reason": reasons},
        schema={_ROW: pl.UInt32, "line": pl.String, "reason": pl.String},
    )


def _sniff_time_format(head: bytes, raw_time: str) -> str:
    """Return the time layout of the first times in the file (default: the 2015 one)."""
    try:
        sample = pl.read_csv(
            io.BytesIO(head),
            columns=[raw_time],
            schema_overrides={raw_time: pl.String},
            infer_schema=False,
            n_rows=100,
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
        ).get_column(raw_time)
    except pl.exceptions.PolarsError:
        return _TIME_FORMATS[0]
    first = sample.drop_nulls().head(1).to_list()
    for layout, pattern in zip(_TIME_FORMATS, _TIME_PATTERNS, strict=False):
        if first and re.match(pattern, first[0].strip()):
            return layout
    return _TIME_FORMATS[0]


def _read_csv_fast(
    source: str | bytes,
    *,
    file: str,
    columns: dict[str, str],
    header: list[str],
    time_format: str,
) -> pl.DataFrame:
    """Read and convert a clean file in one streaming pass (memory: about the result).

    Raises :class:`polars.exceptions.PolarsError` when a value does not parse as its
    column's type or a row has too many fields; the caller then takes the tolerant path.
    Besides the canonical columns, the result has the flags ``_time_unparsed`` (time text
    that the file's layout did not parse), ``_imo_odd`` (IMO text that is not
    ``IMO`` + 7 digits) and ``_short`` (null in the header's last column: maybe a short
    row).
    """
    dtypes = _typed_csv_dtypes(columns)
    last = header[-1]
    # Every header column must be read for polars to notice rows with too many fields;
    # the ones not needed (e.g. Cargo) are read as text and only looked at for nulls.
    unused = [name for name in header if name not in dtypes]
    dtypes.update(dict.fromkeys(unused, pl.String()))
    raw_of = {canonical: raw for raw, canonical in columns.items()}
    data: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    raw_time = pl.col(raw_of["timestamp"])
    time = raw_time.str.to_datetime(time_format, strict=False, time_unit="us", cache=False)
    raw_imo = pl.col(raw_of["imo"])
    digits = raw_imo.str.strip_prefix("IMO")
    number = digits.cast(pl.Int64, strict=False)
    imo_ok = number.is_not_null() & (digits.str.len_bytes() == _IMO_DIGITS)
    values: list[pl.Expr] = []
    for name in _DATA_COLUMNS:
        if name == "timestamp":
            values.append(time.alias(name))
        elif name == "imo":
            values.append(pl.when(imo_ok & (number != 0)).then(number).alias(name))
        elif name in raw_of:
            values.append(pl.col(raw_of[name]).alias(name))
        else:
            values.append(pl.lit(None, dtype=_PING_COLUMNS[name].dtype).alias(name))
    return (
        pl.scan_csv(
            data,
            schema_overrides=dtypes,
            infer_schema=False,
            row_index_name=_ROW,
            row_index_offset=1,
            encoding="utf8",
            raise_if_empty=False,
        )
        .select(
            *values,
            pl.lit(file, dtype=pl.Categorical).alias("source_file"),
            pl.col(_ROW).cast(pl.UInt32),
            (raw_time.is_not_null() & time.is_null()).alias("_time_unparsed"),
            (raw_imo.is_not_null() & ~imo_ok).alias("_imo_odd"),
            pl.col(last).is_null().alias("_short"),
            pl.any_horizontal(pl.lit(False), *(pl.col(c).is_null() for c in unused)).alias(
                "_unused"
            ),
        )
        .collect(engine="streaming")
        .drop("_unused")
    )


def _settle_fast_flags(
    frame: pl.DataFrame, source: str | bytes, *, file: str, columns: dict[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve the fast path's flags: other time layouts, malformed times, odd IMOs.

    Only the flagged rows' raw text is read again, so this costs nothing on clean files.
    """
    flagged = frame.filter(pl.col("_time_unparsed") | pl.col("_imo_odd"))
    pings = frame.drop("_time_unparsed", "_imo_odd", "_short")
    if flagged.height == 0:
        return pings, empty_quarantine()
    raw_of = {canonical: raw for raw, canonical in columns.items()}
    data: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    raw = (
        pl.scan_csv(
            data,
            schema_overrides={raw_of["timestamp"]: pl.String, raw_of["imo"]: pl.String},
            infer_schema=False,
            row_index_name=_ROW,
            row_index_offset=1,
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
        )
        .select(pl.col(_ROW).cast(pl.UInt32), raw_of["timestamp"], raw_of["imo"])
        .filter(pl.col(_ROW).is_in(flagged.get_column(_ROW).implode()))
        .collect(engine="streaming")
    )
    flagged = flagged.join(raw, on=_ROW, how="left")
    time_text = flagged.get_column(raw_of["timestamp"])
    reparsed = _parse_times(time_text)
    malformed_time = (
        flagged.get_column("_time_unparsed")
        & (time_text.str.strip_chars() != "").fill_null(False)
        & reparsed.is_null()
    )
    imo_text = flagged.get_column(raw_of["imo"])
    odd_imo = flagged.get_column("_imo_odd") & (imo_text.str.strip_chars() != "").fill_null(False)
    parts = [
        flagged.filter(malformed_time)
        .lazy()
        .pipe(
            quarantine_rows,
            reason="malformed_value",
            field="timestamp",
            original_value=pl.col(raw_of["timestamp"]),
        ),
        flagged.filter(odd_imo & ~malformed_time)
        .lazy()
        .pipe(
            quarantine_rows,
            reason="imo_malformed",
            field="imo",
            original_value=pl.col(raw_of["imo"]),
        ),
    ]
    # Times in another layout: write them in (row i of the frame is source_row i + 1).
    fixed = flagged.select(_ROW, reparsed.alias("timestamp")).filter(
        pl.col("timestamp").is_not_null()
    )
    if fixed.height:
        times = pings.get_column("timestamp").scatter(
            fixed.get_column(_ROW) - 1, fixed.get_column("timestamp")
        )
        pings = pings.with_columns(times)
    if malformed_time.any():
        pings = pings.filter(
            ~pl.col(_ROW).is_in(flagged.filter(malformed_time).get_column(_ROW).implode())
        )
    return pings, pl.concat(pl.collect_all(parts), how="vertical")


def read_marinecadastre_csv(
    path: str | Path, *, strict: bool = False, allow_truncated: bool = False
) -> AisReadResult:
    """Read a NOAA MarineCadastre AIS CSV file into canonical pings.

    Both header generations are recognised by name (column order does not matter):
    2015-2023 ``MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,
    VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass`` (``TransceiverClass``
    may be absent, as before 2018) and 2024+ ``mmsi,base_date_time,longitude,latitude,
    sog,cog,heading,vessel_name,imo,call_sign,vessel_type,status,length,width,draft,cargo,
    transceiver``. ``Cargo`` is not read.

    Parameters
    ----------
    path
        A ``.csv`` file, a ``.zip`` holding exactly one ``.csv`` (decompressed in memory,
        nothing is extracted to disk), or a ``.csv.gz`` / ``.csv.zst`` file.
    strict
        Raise :class:`AisFormatError` on the first row that would be dropped instead of
        quarantining it (values that are only nulled, like a malformed IMO, still are).
    allow_truncated
        Accept a file whose last line was cut off (quarantined as ``truncated_row``)
        instead of rejecting the whole file.

    Returns
    -------
    AisReadResult
        Pings in file order with ``source_row`` = 1-based data row (the header is row
        0); quarantine rows ``wrong_field_count``, ``blank_row``, ``malformed_value``,
        ``truncated_row`` (dropped) and ``imo_malformed`` (changed).

    Raises
    ------
    AisFormatError
        If the file is empty, its header is not a MarineCadastre header, it is truncated
        (unless ``allow_truncated``), it is not a readable archive, or with ``strict``
        a row is bad.

    Notes
    -----
    Speed and memory: a clean file is read in one streaming pass of polars'
    multithreaded CSV reader with the canonical dtypes, the times parsed with the layout
    of the file's first time and the IMO text converted on the fly, so memory stays
    close to the size of the result. Only when that pass fails (a non-numeric value, a
    row with extra fields, invalid UTF-8) or the header's last column has nulls (maybe a
    short row) are the lines scanned for field counts, and in the first case the columns
    re-read as text to find the offending rows. Times in another layout (e.g. with
    fractions of a second) and odd IMO text are settled from the raw text of those rows
    only. ``IMO0000000`` and blank IMO become null (they mean "unknown" in
    MarineCadastre); on the tolerant path invalid UTF-8 bytes are replaced, not fatal.

    Examples
    --------
    >>> from importlib.resources import files
    >>> sample = files("portcap.data") / "ais" / "marinecadastre-schema-sample.csv"
    >>> result = read_marinecadastre_csv(str(sample))
    >>> result.pings.height, result.counts["rows_read"]
    (51, 51)
    >>> result.pings.select("mmsi", "latitude_deg", "imo").row(1)
    (671226100, 25.77626, 9221322)
    """
    path = Path(path)
    file = str(path)
    source, label = _load_csv_source(path)
    head, tail, size = _head_and_tail(source)
    header = _header_columns(label, head, size)
    convention = _detect_convention(label, header)
    columns = {
        raw: canonical for raw, canonical in raw_column_map(convention).items() if raw in header
    }
    time_format = _sniff_time_format(head, next(r for r, c in columns.items() if c == "timestamp"))
    pings: pl.DataFrame
    quarantine: pl.DataFrame
    try:
        fast = _read_csv_fast(
            source, file=file, columns=columns, header=header, time_format=time_format
        )
    except pl.exceptions.PolarsError:
        fast = None
    if fast is not None:
        n_rows = fast.height
        problems = (
            _field_count_problems(source, len(header)) if fast.get_column("_short").any() else None
        )
        pings, quarantine = _settle_fast_flags(fast, source, file=file, columns=columns)
        del fast
        if problems is not None and problems.height:
            bad_rows = problems.get_column(_ROW).implode()
            pings = pings.filter(~pl.col(_ROW).is_in(bad_rows))
            quarantine = quarantine.filter(~pl.col(_ROW).is_in(bad_rows))
    else:
        problems = _field_count_problems(source, len(header))
        try:
            frame = _read_csv_as_text(source, list(columns))
        except pl.exceptions.PolarsError as exc:
            raise AisFormatError(label, f"cannot be parsed as CSV ({exc})") from exc
        n_rows = frame.height
        if problems.height:
            frame = frame.filter(~pl.col(_ROW).is_in(problems.get_column(_ROW).implode()))
        pings, quarantine = _standardise(
            frame, columns, file=label, source_file=_constant_category(file, frame.height)
        )
    if problems is not None and problems.height:
        line_quarantine = (
            problems.lazy()
            .with_columns(
                source_file=pl.lit(file),
                mmsi=pl.lit(None, pl.Int64),
                timestamp=pl.lit(None, pl.Datetime("us")),
            )
            .pipe(quarantine_rows, reason=pl.col("reason"), original_value=pl.col("line"))
            .collect()
        )
        quarantine = pl.concat([line_quarantine, quarantine], how="vertical")

    truncated = tail not in (b"\n", b"\r") and n_rows > 0
    if truncated:
        last_problem = quarantine.filter((pl.col(_ROW) == n_rows) & (pl.col("action") == "dropped"))
        if last_problem.height:
            if not allow_truncated:
                detail = last_problem.row(0, named=True)
                raise AisFormatError(
                    label,
                    "file is truncated: the last line ends without a line break and is "
                    f"incomplete ({detail['reason']}, {detail['original_value']!r}); "
                    "download it again or pass allow_truncated=True",
                    row=n_rows,
                    field=detail["field"],
                    expected=f"{len(header)} complete fields per line",
                )
            quarantine = quarantine.with_columns(
                reason=pl.when(pl.col(_ROW) == n_rows)
                .then(pl.lit("truncated_row"))
                .otherwise(pl.col("reason").cast(pl.String))
                .cast(quarantine_schema()["reason"])
            )
    if strict:
        _raise_first_drop(label, quarantine)
    counts = _new_counts()
    counts["files_read"] = 1
    counts["rows_read"] = n_rows
    counts["pings"] = pings.height
    _count_reasons(counts, quarantine)
    return AisReadResult(pings, quarantine, counts)


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------


def read_ais_parquet(path: str | Path, *, strict: bool = False) -> AisReadResult:
    """Read AIS pings from a Parquet file in any of the known column conventions.

    The columns may use the canonical names (e.g. a table written from a previous read),
    the 2015-2023 MarineCadastre names (``MMSI``, ``BaseDateTime``, ``LAT``, ...) or the
    2024+ names (``mmsi``, ``base_date_time``, ``latitude``, ... as in NOAA's 2024
    GeoParquet daily files, whose ``geometry`` column is not read). Text columns are
    parsed as in :func:`read_marinecadastre_csv`; time-zone-aware times are converted to
    UTC and stored without zone.

    Parameters
    ----------
    path
        The ``.parquet`` file.
    strict
        Raise :class:`AisFormatError` on the first row that would be dropped instead of
        quarantining it (values that are only nulled, like a malformed IMO, still are).

    Returns
    -------
    AisReadResult
        If the file already has ``source_file`` and ``source_row`` columns (a canonical
        table written earlier), they are kept, so quarantine entries still point at the
        original raw file; otherwise they are this file and its 1-based row.

    Raises
    ------
    AisFormatError
        If the file is not Parquet, lacks the key columns, or has a column whose dtype
        cannot be converted.

    Examples
    --------
    >>> import tempfile
    >>> from importlib.resources import files
    >>> sample = files("portcap.data") / "ais" / "marinecadastre-schema-sample.csv"
    >>> pings = read_marinecadastre_csv(str(sample)).pings
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "pings.parquet"
    ...     pings.write_parquet(target)
    ...     back = read_ais_parquet(target).pings
    >>> back.equals(pings)
    True
    """
    path = Path(path)
    file = str(path)
    try:
        schema = pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AisFormatError(file, f"not a readable Parquet file ({exc})") from exc
    canonical_keys = {c.name for c in AIS_PING_COLUMNS if c.required}
    if canonical_keys <= set(schema):
        columns = {name: name for name in _DATA_COLUMNS if name in schema}
    else:
        columns = {
            raw: canonical
            for raw, canonical in raw_column_map(_detect_convention(file, schema)).items()
            if raw in schema
        }
    keep_lineage = (
        set(columns.values()) == set(columns)  # canonical names
        and "source_file" in schema
        and "source_row" in schema
    )
    wanted = list(columns) + (["source_file", "source_row"] if keep_lineage else [])
    try:
        frame = pl.read_parquet(path, columns=wanted)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AisFormatError(file, f"cannot read Parquet columns ({exc})") from exc
    if keep_lineage:
        source_file = frame.get_column("source_file").cast(pl.String).cast(pl.Categorical)
    else:
        frame = frame.with_row_index(_ROW, offset=1)
        source_file = _constant_category(file, frame.height)
    n_rows = frame.height
    pings, quarantine = _standardise(frame, columns, file=file, source_file=source_file)
    if strict:
        _raise_first_drop(file, quarantine)
    counts = _new_counts()
    counts["files_read"] = 1
    counts["rows_read"] = n_rows
    counts["pings"] = pings.height
    _count_reasons(counts, quarantine)
    return AisReadResult(pings, quarantine, counts)


# --------------------------------------------------------------------------------------
# NMEA
# --------------------------------------------------------------------------------------

_ISO_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_UNIX_TIME = r"\d{13}|\d{9,10}(?:\.\d+)?"
_SEPARATOR = r"\s*[,;|\t ]\s*"
_LEADING_TIME = re.compile(rf"^(?P<time>{_ISO_TIME}|{_UNIX_TIME}){_SEPARATOR}(?P<nmea>[!$\\].*)$")
_TRAILING_TIME = re.compile(
    rf"^(?P<nmea>!.*\*[0-9A-Fa-f]{{2}}){_SEPARATOR}(?P<time>{_UNIX_TIME}|{_ISO_TIME})$"
)
_TAG_TIME = re.compile(r"(?:^|,)c:(\d+)")
_UNIX_MS_DIGITS = 13

#: AIS message types that carry a position, and the transceiver class they imply.
_POSITION_TYPES: dict[int, str | None] = {1: "A", 2: "A", 3: "A", 18: "B", 19: "B", 27: None}
#: AIS message types that carry static (vessel) data: 5 (Class A), 19 and 24 (Class B).
_STATIC_TYPES: frozenset[int] = frozenset({5, 19, 24})
# ITU-R M.1371-5, message 27: SOG 63 and COG 511 mean "not available". They are mapped
# onto the message 1-3 codes (102.3 kn, 360 deg) so that clean_pings treats them alike.
_LONG_RANGE_TYPE = 27
_TYPE27_SOG_NOT_AVAILABLE = 63.0
_TYPE27_COG_NOT_AVAILABLE = 511.0
_SOG_NOT_AVAILABLE = 102.3
_COG_NOT_AVAILABLE = 360.0

_STATIC_FIELDS: tuple[str, ...] = (
    "vessel_name",
    "call_sign",
    "imo",
    "vessel_type_code",
    "length_m",
    "width_m",
    "draft_m",
)


@dataclass
class _Fragment:
    line: int
    text: str
    time_us: int | None
    sentence: AISSentence


@dataclass
class _NmeaRecords:
    positions: dict[str, list[Any]] = field(
        default_factory=lambda: {
            k: []
            for k in (
                "mmsi",
                "timestamp_us",
                "latitude_deg",
                "longitude_deg",
                "speed_over_ground_kn",
                "course_over_ground_deg",
                "heading_deg",
                "nav_status",
                "transceiver_class",
                _ROW,
            )
        }
    )
    statics: dict[str, list[Any]] = field(
        default_factory=lambda: {k: [] for k in ("mmsi", _ROW, *_STATIC_FIELDS)}
    )
    bad_rows: list[int] = field(default_factory=list)
    bad_reasons: list[str] = field(default_factory=list)
    bad_values: list[str] = field(default_factory=list)
    bad_mmsi: list[int | None] = field(default_factory=list)
    bad_times: list[int | None] = field(default_factory=list)

    def reject(
        self, line: int, reason: str, text: str, mmsi: int | None = None, time_us: int | None = None
    ) -> None:
        self.bad_rows.append(line)
        self.bad_reasons.append(reason)
        self.bad_values.append(text[:_LINE_EXCERPT])
        self.bad_mmsi.append(mmsi)
        self.bad_times.append(time_us)

    def reject_fragment(self, fragment: _Fragment) -> None:
        self.reject(fragment.line, "nmea_fragment_missing", fragment.text, time_us=fragment.time_us)


def _parse_time_us(text: str) -> int | None:
    """Receiver time (unix seconds, unix milliseconds or ISO 8601) -> µs since 1970, UTC."""
    if text.replace(".", "", 1).isdigit():
        if "." not in text and len(text) == _UNIX_MS_DIGITS:
            return int(text) * 1000
        return round(float(text) * 1e6)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1e6)


def _split_line(text: str) -> tuple[str | None, str]:
    """Split a log line into (receiver time text or None, NMEA sentence)."""
    time_text: str | None = None
    match = _LEADING_TIME.match(text) or _TRAILING_TIME.match(text)
    if match:
        time_text, text = match.group("time"), match.group("nmea")
    if text.startswith("\\"):
        end = text.find("\\", 1)
        if end > 0:
            tag, text = text[1:end], text[end + 1 :]
            tag_time = _TAG_TIME.search(tag.split("*", 1)[0])
            if time_text is None and tag_time:
                time_text = tag_time.group(1)
    return time_text, text


def _text(value: object) -> str | None:
    cleaned = str(value).strip(" @") if value is not None else ""
    return cleaned or None


def _dimension(first: Any, second: Any) -> float | None:
    if first is None or second is None:
        return None
    return float(int(first) + int(second))


def _record_message(
    records: _NmeaRecords, message: Any, fragments: list[_Fragment], time_us: int | None
) -> str:
    """Store a decoded message; return 'position', 'static', 'both' or 'other'."""
    msg_type = int(message.msg_type)
    data = message.asdict()
    line = fragments[0].line
    kind = "other"
    if msg_type in _POSITION_TYPES:
        speed = data.get("speed")
        course = data.get("course")
        if msg_type == _LONG_RANGE_TYPE:
            speed = _SOG_NOT_AVAILABLE if speed == _TYPE27_SOG_NOT_AVAILABLE else speed
            course = _COG_NOT_AVAILABLE if course == _TYPE27_COG_NOT_AVAILABLE else course
        status = data.get("status")
        p = records.positions
        p["mmsi"].append(int(data["mmsi"]))
        p["timestamp_us"].append(time_us)
        p["latitude_deg"].append(data.get("lat"))
        p["longitude_deg"].append(data.get("lon"))
        p["speed_over_ground_kn"].append(speed)
        p["course_over_ground_deg"].append(course)
        p["heading_deg"].append(data.get("heading"))
        p["nav_status"].append(int(status) if status is not None else None)
        p["transceiver_class"].append(_POSITION_TYPES[msg_type])
        p[_ROW].append(line)
        kind = "position"
    if msg_type in _STATIC_TYPES:
        s = records.statics
        imo = data.get("imo")
        ship_type = data.get("ship_type")
        draught = data.get("draught")
        s["mmsi"].append(int(data["mmsi"]))
        s[_ROW].append(line)
        s["vessel_name"].append(_text(data.get("shipname")))
        s["call_sign"].append(_text(data.get("callsign")))
        s["imo"].append(int(imo) if imo else None)
        s["vessel_type_code"].append(int(ship_type) if ship_type is not None else None)
        s["length_m"].append(_dimension(data.get("to_bow"), data.get("to_stern")))
        s["width_m"].append(_dimension(data.get("to_port"), data.get("to_starboard")))
        s["draft_m"].append(float(draught) if draught is not None else None)
        kind = "both" if kind == "position" else "static"
    return kind


def _decode_lines(lines: Iterable[bytes], counts: dict[str, int]) -> _NmeaRecords:
    """Assemble and decode sentences line by line (pyais is a pure-Python decoder)."""
    records = _NmeaRecords()
    pending: dict[tuple[Any, ...], list[_Fragment]] = {}
    for number, raw in enumerate(lines, start=1):
        counts["rows_read"] += 1
        text = raw.decode("utf-8", errors="replace").strip()
        if not text:
            counts["nmea_blank_lines"] += 1
            continue
        time_text, sentence_text = _split_line(text)
        if sentence_text.startswith("$"):
            counts["nmea_non_ais_sentences"] += 1
            continue
        time_us = None
        if time_text is not None:
            time_us = _parse_time_us(time_text)
            if time_us is None:
                records.reject(number, "nmea_timestamp_malformed", time_text)
        if not sentence_text.startswith("!"):
            records.reject(number, "nmea_malformed", text, time_us=time_us)
            continue
        try:
            sentence = AISSentence(sentence_text.encode("ascii", errors="replace"))
        except AISBaseException:
            records.reject(number, "nmea_malformed", text, time_us=time_us)
            continue
        if not sentence.is_valid:
            records.reject(number, "nmea_checksum_invalid", text, time_us=time_us)
            continue
        fragment = _Fragment(number, text, time_us, sentence)
        if sentence.frag_cnt == 1:
            complete = [fragment]
        else:
            key = (sentence.seq_id, sentence.channel, sentence.talker, sentence.frag_cnt)
            if sentence.frag_num == 1:
                for stale in pending.pop(key, []):
                    records.reject_fragment(stale)
                pending[key] = [fragment]
            else:
                parts = pending.get(key)
                if parts is None or parts[-1].sentence.frag_num != sentence.frag_num - 1:
                    for stale in [*pending.pop(key, []), fragment]:
                        records.reject_fragment(stale)
                    continue
                parts.append(fragment)
            if len(pending[key]) < sentence.frag_cnt:
                continue
            complete = pending.pop(key)
        message_time = next((f.time_us for f in complete if f.time_us is not None), None)
        try:
            assembled = (
                complete[0].sentence
                if len(complete) == 1
                else AISSentence.assemble_from_iterable([f.sentence for f in complete])
            )
            message = assembled.decode()
            if getattr(message, "mmsi", None) is None:
                msg = "payload too short"
                raise ValueError(msg)
        except (AISBaseException, ValueError, IndexError, TypeError, KeyError) as exc:
            records.reject(
                complete[0].line,
                "nmea_decode_failed",
                f"{complete[0].text} ({exc})",
                time_us=message_time,
            )
            continue
        counts["nmea_messages_decoded"] += 1
        kind = _record_message(records, message, complete, message_time)
        if kind in ("position", "both"):
            counts["nmea_position_reports"] += 1
        if kind in ("static", "both"):
            counts["nmea_static_reports"] += 1
        if kind == "other":
            counts["nmea_other_message_types"] += 1
    for parts in pending.values():
        for stale in parts:
            records.reject_fragment(stale)
    return records


def _merge_static(positions: pl.DataFrame, statics: pl.DataFrame) -> pl.DataFrame:
    """Attach static data to positions by MMSI, as known at each report's line."""
    if statics.height == 0:
        return positions.with_columns(
            pl.lit(None).cast(_PING_COLUMNS[f].dtype).alias(f) for f in _STATIC_FIELDS
        )
    by_vessel = statics.sort("mmsi", _ROW)
    known = by_vessel.with_columns(pl.col(_STATIC_FIELDS).forward_fill().over("mmsi")).sort(_ROW)
    later = by_vessel.with_columns(pl.col(_STATIC_FIELDS).backward_fill().over("mmsi")).sort(_ROW)
    joined = positions.join_asof(
        known, on=_ROW, by="mmsi", strategy="backward", check_sortedness=False
    ).join_asof(
        later, on=_ROW, by="mmsi", strategy="forward", suffix="_later", check_sortedness=False
    )
    return joined.with_columns(pl.coalesce(f, f"{f}_later").alias(f) for f in _STATIC_FIELDS).drop(
        f"{f}_later" for f in _STATIC_FIELDS
    )


def read_nmea(path: str | Path, *, strict: bool = False) -> AisReadResult:
    r"""Decode raw AIS NMEA sentences (``!AIVDM``/``!AIVDO``) with pyais into canonical pings.

    Supported line layouts (one sentence per line; blank lines and non-AIS ``$``
    sentences are counted and skipped):

    * plain ``!AIVDM,1,1,,A,15M2oPEP01GRs60CB8H>4?v1P000,0*75`` -- no receiver time,
      so ``timestamp`` is null (and :func:`~portcap.ais.clean.clean_pings` drops the
      report as ``timestamp_missing``);
    * a receiver time, then a separator (space, tab, ``,``, ``;`` or ``|``), then the
      sentence; the time is unix seconds (``1641168009`` or ``1641168009.25``), unix
      milliseconds (13 digits) or ISO 8601 (``2022-01-03T00:00:09Z``,
      ``2022-01-03 00:00:09``; no zone means UTC);
    * the sentence, a separator and a unix or ISO time after the checksum;
    * an NMEA 4.10 tag block with a ``c:`` unix time:
      ``\s:rcv1,c:1641168009*hh\!AIVDM,...``.

    Multi-sentence messages (e.g. a 2-part type 5) are joined by sequence id, channel and
    talker; they take the first fragment's time and line number. Position reports are
    message types 1, 2, 3 (Class A), 18, 19 (Class B) and 27 (long range; its 'not
    available' codes SOG 63 and COG 511 are mapped to 102.3 kn and 360 deg). Static and
    voyage data (types 5, 19 and 24 parts A and B) are merged by MMSI: each report gets,
    field by field, the latest value broadcast **at or before its line** in the file;
    fields not yet broadcast then take the first value broadcast later (a vessel's
    identity does not change within a log, and static messages come only every 6 min).
    Length is A + B and width C + D from the reference-point dimensions; draught comes
    from type 5. Other message types (base stations, AtoN, binary) are counted as
    ``nmea_other_message_types``.

    Parameters
    ----------
    path
        Text file of sentences.
    strict
        Raise :class:`AisFormatError` on the first line that fails instead of
        quarantining it.

    Returns
    -------
    AisReadResult
        Pings in line order, ``source_row`` = line number. Failures are quarantined as
        ``nmea_malformed``, ``nmea_checksum_invalid``, ``nmea_fragment_missing``,
        ``nmea_decode_failed`` (dropped) or ``nmea_timestamp_malformed`` (changed).

    Raises
    ------
    AisFormatError
        If the file does not exist, or with ``strict`` a line fails.

    Notes
    -----
    Decoding runs in Python, one sentence at a time (about 100 000 single-sentence
    position reports a second on one core), so NMEA logs are far slower to read than
    MarineCadastre CSV.

    Examples
    --------
    >>> import tempfile
    >>> line = "1641168009 !AIVDM,1,1,,A,15M2oPEP01GRs60CB8H>4?v1P000,0*75\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     log = Path(folder) / "log.nmea"
    ...     _ = log.write_text(line)
    ...     result = read_nmea(log)
    >>> result.pings.select("mmsi", "timestamp", "latitude_deg", "heading_deg").row(0)
    (366000001, datetime.datetime(2022, 1, 3, 0, 0, 9), 33.7, 511.0)
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise AisFormatError(file, "no such file", expected="a text file of AIVDM sentences")
    counts = _new_counts()
    with path.open("rb") as handle:
        records = _decode_lines(handle, counts)

    position_schema = {
        "mmsi": pl.Int64,
        "timestamp_us": pl.Int64,
        "latitude_deg": pl.Float64,
        "longitude_deg": pl.Float64,
        "speed_over_ground_kn": pl.Float64,
        "course_over_ground_deg": pl.Float64,
        "heading_deg": pl.Float64,
        "nav_status": pl.Int32,
        "transceiver_class": pl.String,
        _ROW: pl.UInt32,
    }
    static_schema: dict[str, pl.DataType] = {
        "mmsi": pl.Int64(),
        _ROW: pl.UInt32(),
        **{f: _PING_COLUMNS[f].dtype for f in _STATIC_FIELDS},
    }
    positions = pl.DataFrame(records.positions, schema=position_schema, strict=False)
    statics = pl.DataFrame(records.statics, schema=static_schema, strict=False)
    pings = (
        _merge_static(positions, statics)
        .with_columns(
            timestamp=pl.from_epoch("timestamp_us", time_unit="us"),
            source_file=pl.lit(file).cast(pl.Categorical),
        )
        .select(ais_ping_schema().names())
        .cast(dict(ais_ping_schema()))  # type: ignore[arg-type]
    )
    quarantine = (
        pl.DataFrame(
            {
                _ROW: records.bad_rows,
                "reason": records.bad_reasons,
                "original_value": records.bad_values,
                "mmsi": records.bad_mmsi,
                "timestamp_us": records.bad_times,
            },
            schema={
                _ROW: pl.UInt32,
                "reason": pl.String,
                "original_value": pl.String,
                "mmsi": pl.Int64,
                "timestamp_us": pl.Int64,
            },
        )
        .lazy()
        .with_columns(
            source_file=pl.lit(file),
            timestamp=pl.from_epoch("timestamp_us", time_unit="us"),
        )
        .pipe(quarantine_rows, reason=pl.col("reason"), original_value=pl.col("original_value"))
        .collect()
    )
    if records.bad_rows and "nmea_timestamp_malformed" in records.bad_reasons:
        quarantine = quarantine.with_columns(
            field=pl.when(pl.col("reason") == "nmea_timestamp_malformed")
            .then(pl.lit("timestamp"))
            .otherwise(pl.col("field").cast(pl.String))
            .cast(quarantine_schema()["field"])
        )
    if strict:
        _raise_first_drop(file, quarantine)
    counts["files_read"] = 1
    counts["pings"] = pings.height
    _count_reasons(counts, quarantine)
    return AisReadResult(pings, quarantine, counts)


# --------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------


def _reader_for(path: Path) -> str | None:
    name = path.name.lower()
    for kind, suffixes in (
        ("csv", CSV_SUFFIXES),
        ("parquet", PARQUET_SUFFIXES),
        ("nmea", NMEA_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def _read_one(path: Path, kind: str, *, strict: bool) -> AisReadResult:
    if kind == "csv":
        return read_marinecadastre_csv(path, strict=strict)
    if kind == "parquet":
        return read_ais_parquet(path, strict=strict)
    return read_nmea(path, strict=strict)


def read_ais(
    path: str | Path,
    *,
    progress: bool = False,
    strict: bool = False,
    skip_bad_files: bool = False,
) -> AisReadResult:
    """Read one AIS file or every AIS file of a folder, choosing the reader by extension.

    ``.csv``, ``.zip``, ``.csv.gz``, ``.csv.zst`` -> :func:`read_marinecadastre_csv`;
    ``.parquet``, ``.pq`` -> :func:`read_ais_parquet`; ``.nmea``, ``.txt``, ``.ais``,
    ``.nm4`` -> :func:`read_nmea` (case-insensitive).

    Parameters
    ----------
    path
        A file, or a folder whose files (not sub-folders) are read one by one in sorted
        name order. In a folder, hidden files and files with other extensions are
        skipped and counted as ``files_skipped``.
    progress
        Show a tqdm progress bar over the files.
    strict
        Passed to the readers: raise on the first bad row.
    skip_bad_files
        In a folder, record an unusable file in the quarantine (``file_unusable``, with
        the error message) and go on, instead of raising.

    Returns
    -------
    AisReadResult
        Pings and quarantine of all files concatenated, counts summed.

    Raises
    ------
    AisFormatError
        If ``path`` does not exist, a single file has an unsupported extension, or a file
        is unusable (unless ``skip_bad_files``).

    Examples
    --------
    >>> from importlib.resources import files
    >>> folder = files("portcap.data") / "ais"
    >>> result = read_ais(str(folder))
    >>> result.counts["files_read"], result.counts["files_skipped"], result.pings.height
    (2, 1, 4997)
    """
    path = Path(path)
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.is_file())
        files = [
            (p, kind)
            for p in candidates
            if not p.name.startswith(".") and (kind := _reader_for(p)) is not None
        ]
        skipped = len(candidates) - len(files)
    elif path.is_file():
        kind = _reader_for(path)
        if kind is None:
            raise AisFormatError(
                path,
                "unsupported file extension",
                expected=", ".join(CSV_SUFFIXES + PARQUET_SUFFIXES + NMEA_SUFFIXES),
            )
        files, skipped = [(path, kind)], 0
    else:
        raise AisFormatError(path, "no such file or folder")

    counts = _new_counts()
    counts["files_skipped"] = skipped
    pings: list[pl.DataFrame] = []
    quarantines: list[pl.DataFrame] = []
    for file, kind in tqdm(files, desc="AIS files", unit="file", disable=not progress):
        try:
            result = _read_one(file, kind, strict=strict)
        except AisFormatError as exc:
            if not skip_bad_files or not path.is_dir():
                raise
            counts["files_unusable"] += 1
            counts["file_unusable"] += 1
            quarantines.append(
                pl.DataFrame(
                    {"source_file": [str(file)], "source_row": [None], "message": [str(exc)]}
                )
                .lazy()
                .with_columns(mmsi=pl.lit(None), timestamp=pl.lit(None))
                .pipe(quarantine_rows, reason="file_unusable", original_value=pl.col("message"))
                .collect()
            )
            continue
        pings.append(result.pings)
        quarantines.append(result.quarantine)
        for key, value in result.counts.items():
            if key != "files_skipped":
                counts[key] = counts.get(key, 0) + value
    return AisReadResult(
        pl.concat(pings, how="vertical", rechunk=False) if pings else empty_ais_pings(),
        pl.concat(quarantines, how="vertical") if quarantines else empty_quarantine(),
        counts,
    )
