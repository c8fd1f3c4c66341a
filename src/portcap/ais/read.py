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
* :func:`read_ais` -- dispatch by extension, or every file of a folder;
* :func:`iter_ais_batches` -- one file in batches of rows with the same rules, so that
  only about one batch is in memory (see :func:`portcap.ais.stream.load_clean_ais`, which
  reads and cleans in batches).

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
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

if TYPE_CHECKING:
    from pyais.messages import AISSentence

__all__ = [
    "CSV_SUFFIXES",
    "MARINECADASTRE_HEADERS",
    "NMEA_SUFFIXES",
    "PARQUET_SUFFIXES",
    "AisFormatError",
    "AisReadResult",
    "iter_ais_batches",
    "read_ais",
    "read_ais_parquet",
    "read_marinecadastre_csv",
    "read_nmea",
    "typed_csv_dtypes",
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


def _file_result(
    file: str, pings: pl.DataFrame, quarantine: pl.DataFrame, n_rows: int, *, strict: bool
) -> AisReadResult:
    """Count what one file gave; raise on the first dropped row when strict."""
    if strict:
        _raise_first_drop(file, quarantine)
    counts = _new_counts()
    counts["files_read"] = 1
    counts["rows_read"] = n_rows
    counts["pings"] = pings.height
    _count_reasons(counts, quarantine)
    return AisReadResult(pings, quarantine, counts)


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


def _zip_member(path: Path, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """Return the one ``.csv`` member of a MarineCadastre zip archive."""
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
    return members[0]


def _zip_error(path: Path, exc: Exception) -> AisFormatError:
    return AisFormatError(
        path,
        f"not a readable zip archive ({exc})",
        expected="a zip holding one MarineCadastre .csv",
    )


def _codec_error(path: Path, codec: str, exc: Exception) -> AisFormatError:
    return AisFormatError(
        path, f"cannot be decompressed as {codec} ({exc})", expected=f"a {codec} CSV"
    )


def _compression(path: Path) -> str | None:
    """``"zip"``, ``"gzip"``, ``"zstd"`` or ``None`` (plain text), from the file name."""
    name = path.name.lower()
    for suffix, codec in ((".zip", "zip"), (".gz", "gzip"), (".zst", "zstd")):
        if name.endswith(suffix):
            return codec
    return None


def _load_csv_source(path: Path) -> tuple[str | bytes, str]:
    """Return what polars reads (a path, or the decompressed bytes) and a description."""
    if not path.is_file():
        raise AisFormatError(path, "no such file", expected="a MarineCadastre .csv or .zip")
    codec = _compression(path)
    if codec == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                member = _zip_member(path, archive)
                return archive.read(member), f"{path} [{member.filename}]"
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise _zip_error(path, exc) from exc
    if codec is not None:
        try:
            with pa.CompressedInputStream(str(path), codec) as stream:
                return bytes(stream.read()), str(path)
        except (OSError, pa.ArrowException) as exc:
            raise _codec_error(path, codec, exc) from exc
    return str(path), str(path)


class _CsvByteStream:
    """The bytes of a CSV file read piece by piece: plain, one member of a zip, gzip, zstd.

    Decompression errors are raised as :class:`AisFormatError` with the same messages as
    when the whole file is read at once.
    """

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise AisFormatError(path, "no such file", expected="a MarineCadastre .csv or .zip")
        self.path = path
        self.codec = _compression(path)
        self.label = str(path)
        self._archive: zipfile.ZipFile | None = None
        self._stream: Any
        try:
            if self.codec == "zip":
                self._archive = zipfile.ZipFile(path)
                member = _zip_member(path, self._archive)
                self.label = f"{path} [{member.filename}]"
                self._stream = self._archive.open(member)
            elif self.codec is not None:
                self._stream = pa.CompressedInputStream(str(path), self.codec)
            else:
                self._stream = path.open("rb")
        except Exception as exc:
            self.close()
            if isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error):
                raise _zip_error(path, exc) from exc
            if self.codec not in (None, "zip") and isinstance(exc, OSError | pa.ArrowException):
                raise _codec_error(path, self.codec, exc) from exc
            raise

    def read(self, n_bytes: int) -> bytes:
        """Return up to ``n_bytes`` more bytes (``b""`` at the end)."""
        try:
            return bytes(self._stream.read(n_bytes))
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            if self.codec == "zip":
                raise _zip_error(self.path, exc) from exc
            raise
        except (OSError, pa.ArrowException) as exc:
            if self.codec not in (None, "zip"):
                raise _codec_error(self.path, str(self.codec), exc) from exc
            raise

    def close(self) -> None:
        """Close the file (and the archive)."""
        stream = getattr(self, "_stream", None)
        if stream is not None:
            stream.close()
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> _CsvByteStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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


def typed_csv_dtypes(columns: dict[str, str]) -> dict[str, pl.DataType]:
    """Return the type each raw CSV column is read as on the fast path: its canonical dtype.

    IMO and times are read as text (IMO is parsed once per run of equal texts, times
    with the file's layout). ``bench/bench_ships.py`` uses this for its typed-read floor.

    Parameters
    ----------
    columns
        Raw name -> canonical name, e.g. :func:`~portcap.ais.schema.raw_column_map`.

    Examples
    --------
    >>> from portcap.ais.schema import raw_column_map
    >>> dtypes = typed_csv_dtypes(raw_column_map("marinecadastre_2015"))
    >>> dtypes["MMSI"], dtypes["BaseDateTime"], dtypes["Length"], dtypes["IMO"]
    (Int64, String, Float64, String)
    """
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


def _fast_csv_plan(
    source: str | bytes,
    *,
    file: str,
    layout: _CsvLayout,
    keep: tuple[str, ...] = _DATA_COLUMNS,
    has_header: bool = True,
) -> pl.LazyFrame:
    """Plan the fast typed read of a clean file (one streaming pass, memory about the result).

    Collecting it raises :class:`polars.exceptions.PolarsError` when a value does not
    parse as its column's type, a row has too many fields or the text is not UTF-8; the
    caller then takes the tolerant path. Besides the canonical columns of ``keep`` (in
    that order; ``imo`` aside), ``source_file`` and ``source_row``, the rows carry
    ``_time_text`` (the time text, where the file's layout did not parse it),
    ``_imo_raw`` (the IMO text, parsed by :func:`_settle_fast_flags` once per run of
    equal texts), ``_short`` (null in the header's last column: maybe a short row) and
    ``_unused`` (to be dropped), resolved by :func:`_settle_fast_flags`. Columns left
    out of ``keep`` are still parsed with their dtype (so a malformed value still fails
    the pass), only not returned. With ``has_header=False`` the source holds only data
    lines, named after ``layout``.
    """
    header, columns, time_format = layout
    dtypes = typed_csv_dtypes(columns)
    last = header[-1]
    # Every header column must be read for polars to notice rows with too many fields;
    # the ones not needed (e.g. Cargo) are read as text and only looked at for nulls.
    unused = [name for name in header if name not in dtypes]
    dtypes.update(dict.fromkeys(unused, pl.String()))
    raw_of = {canonical: raw for raw, canonical in columns.items()}
    unused += [raw for raw, canonical in columns.items() if canonical not in keep]
    data: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    raw_time = pl.col(raw_of["timestamp"])
    time = raw_time.str.to_datetime(time_format, strict=False, time_unit="us", cache=False)
    values: list[pl.Expr] = []
    for name in keep:
        if name == "timestamp":
            values.append(time.alias(name))
        elif name == "imo":
            continue  # from the text, by _settle_fast_flags
        elif name in raw_of:
            values.append(pl.col(raw_of[name]).alias(name))
        else:
            values.append(pl.lit(None, dtype=_PING_COLUMNS[name].dtype).alias(name))
    naming: dict[str, Any] = (
        {"schema_overrides": dtypes}
        if has_header
        else {"has_header": False, "schema": {name: dtypes[name] for name in header}}
    )
    return pl.scan_csv(
        data,
        **naming,
        infer_schema=False,
        row_index_name=_ROW,
        row_index_offset=1,
        encoding="utf8",
        raise_if_empty=False,
    ).select(
        *values,
        pl.lit(file, dtype=pl.Categorical).alias("source_file"),
        pl.col(_ROW).cast(pl.UInt32),
        pl.when(raw_time.is_not_null() & time.is_null()).then(raw_time).alias("_time_text"),
        pl.col(raw_of["imo"]).alias("_imo_raw"),
        pl.col(last).is_null().alias("_short"),
        pl.any_horizontal(pl.lit(False), *(pl.col(c).is_null() for c in unused)).alias("_unused"),
    )


def _imo_from_text(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """IMO number of each row (null for 0 and odd text) and the odd text (else null).

    ``IMO`` + 7 digits is well formed; ``IMO0000000`` means unknown. Each run of rows
    with the same text (the rows of a vessel, in a file sorted by vessel) is parsed once.
    """
    run = raw.rle_id()
    texts = raw.gather((run.diff() != 0).fill_null(True).arg_true())
    digits = texts.str.strip_prefix("IMO")
    number = digits.cast(pl.Int64, strict=False)
    well_formed = number.is_not_null() & (digits.str.len_bytes() == _IMO_DIGITS)
    parsed = pl.select(
        pl.when(well_formed & (number != 0)).then(number).alias("imo"),
        pl.when(texts.is_not_null() & ~well_formed).then(texts).alias("_imo_text"),
    )
    return parsed.get_column("imo").gather(run), parsed.get_column("_imo_text").gather(run)


def _settle_fast_flags(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve the flags of :func:`_fast_csv_plan`: other time layouts, malformed times, odd IMOs.

    Works on any run of the plan's rows (a whole file or a batch). Returns the pings
    (without the flag columns, with ``imo``) and the quarantine of the rows flagged.
    """
    imo, odd_imo_text = _imo_from_text(frame.get_column("_imo_raw"))
    frame = frame.drop("_imo_raw").with_columns(imo, odd_imo_text)
    time_text, imo_text = pl.col("_time_text"), pl.col("_imo_text")
    flagged = frame.with_row_index("_index").filter(
        time_text.is_not_null() | imo_text.is_not_null()
    )
    pings = frame.drop("_time_text", "_imo_text", "_short", "_unused")
    if flagged.height == 0:
        return pings, empty_quarantine()
    times = flagged.get_column("_time_text")
    reparsed = _parse_times(times)
    malformed_time = (times.str.strip_chars() != "").fill_null(False) & reparsed.is_null()
    odd_imo = (flagged.get_column("_imo_text").str.strip_chars() != "").fill_null(False)
    parts = [
        flagged.filter(malformed_time)
        .lazy()
        .pipe(
            quarantine_rows,
            reason="malformed_value",
            field="timestamp",
            original_value=time_text,
        ),
        flagged.filter(odd_imo & ~malformed_time)
        .lazy()
        .pipe(quarantine_rows, reason="imo_malformed", field="imo", original_value=imo_text),
    ]
    # Times in another layout: write them in.
    fixed = flagged.select("_index", reparsed.alias("timestamp")).filter(
        pl.col("timestamp").is_not_null()
    )
    if fixed.height:
        pings = pings.with_columns(
            pings.get_column("timestamp").scatter(
                fixed.get_column("_index"), fixed.get_column("timestamp")
            )
        )
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
    layout = _csv_layout(label, head, size)
    pings, quarantine, n_rows = _parse_csv_block(source, file=file, label=label, layout=layout)
    quarantine = _settle_truncation(
        quarantine,
        label=label,
        n_rows=n_rows,
        tail=tail,
        n_fields=len(layout.header),
        allow_truncated=allow_truncated,
    )
    return _file_result(label, pings, quarantine, n_rows, strict=strict)


class _CsvLayout(NamedTuple):
    """What the header of a MarineCadastre CSV file says about how to read it."""

    header: list[str]  # raw column names, in file order
    columns: dict[str, str]  # raw name -> canonical name, for the columns present
    time_format: str  # layout of the file's first time


def _csv_layout(label: str, head: bytes, size: int) -> _CsvLayout:
    """Check the header in the first bytes of a file and return its layout."""
    header = _header_columns(label, head, size)
    convention = _detect_convention(label, header)
    columns = {
        raw: canonical for raw, canonical in raw_column_map(convention).items() if raw in header
    }
    time_format = _sniff_time_format(head, next(r for r, c in columns.items() if c == "timestamp"))
    return _CsvLayout(header, columns, time_format)


def _parse_csv_block(
    source: str | bytes,
    *,
    file: str,
    label: str,
    layout: _CsvLayout,
    keep: tuple[str, ...] = _DATA_COLUMNS,
    header_line: bytes | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Read a CSV text with its header line: pings, read quarantine, number of data rows.

    This is every row-level rule of :func:`read_marinecadastre_csv` (not the check of a
    truncated last line, which needs to know where the file ends). Each row is judged on
    its own, so a file cut into blocks at line breaks gives the same rows as the whole
    file, with ``source_row`` counted from 1 in each block.

    Parameters
    ----------
    source
        A path, or the bytes of the header line followed by data lines; or, with
        ``header_line``, of data lines only.
    file
        ``source_file`` of the rows.
    label
        Name of the file in error messages.
    layout
        Header, column map and time layout of the file.
    keep
        Canonical data columns of the returned pings (``source_file`` and
        ``source_row`` are always added). The other columns are still checked.
    header_line
        The file's header line, when ``source`` holds only data lines. The fast pass
        then reads them without a copy; the slower paths read the two joined.

    Returns
    -------
    pings, quarantine, n_rows
    """
    header, columns, _ = layout
    names = [*keep, "source_file", _ROW]
    read_keep = keep if "timestamp" in keep else (*keep, "timestamp")  # to settle times
    if isinstance(source, bytes) and header_line is not None and source[:1] in (b"\n", b"\r"):
        source, header_line = header_line + source, None  # a blank first line: as in the file
    pings: pl.DataFrame
    quarantine: pl.DataFrame
    try:
        fast = _fast_csv_plan(
            source, file=file, layout=layout, keep=read_keep, has_header=header_line is None
        ).collect(engine="streaming")
    except pl.exceptions.PolarsError:
        fast = None
    if (
        isinstance(source, bytes)
        and header_line is not None
        and (fast is None or fast.get_column("_short").any())
    ):
        source = header_line + source  # the slower paths read the header too
    if fast is not None:
        n_rows = fast.height
        problems = (
            _field_count_problems(source, len(header)) if fast.get_column("_short").any() else None
        )
        pings, quarantine = _settle_fast_flags(fast)
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
    pings = pings.select(names)
    if problems is not None and problems.height:
        quarantine = pl.concat([_line_quarantine(problems, file), quarantine], how="vertical")
    return pings, quarantine, n_rows


def _line_quarantine(problems: pl.DataFrame, file: str) -> pl.DataFrame:
    """Quarantine rows of the lines found by :func:`_field_count_problems`."""
    return (
        problems.lazy()
        .with_columns(
            source_file=pl.lit(file),
            mmsi=pl.lit(None, pl.Int64),
            timestamp=pl.lit(None, pl.Datetime("us")),
        )
        .pipe(quarantine_rows, reason=pl.col("reason"), original_value=pl.col("line"))
        .collect()
    )


def _settle_truncation(
    quarantine: pl.DataFrame,
    *,
    label: str,
    n_rows: int,
    tail: bytes,
    n_fields: int,
    allow_truncated: bool,
) -> pl.DataFrame:
    """Reject a file whose last line is cut off, or relabel that line ``truncated_row``.

    ``quarantine`` must hold the rows of the file's last line (``source_row == n_rows``);
    ``tail`` is the file's last byte.
    """
    truncated = tail not in (b"\n", b"\r") and n_rows > 0
    if not truncated:
        return quarantine
    last_problem = quarantine.filter((pl.col(_ROW) == n_rows) & (pl.col("action") == "dropped"))
    if last_problem.height == 0:
        return quarantine
    if not allow_truncated:
        detail = last_problem.row(0, named=True)
        raise AisFormatError(
            label,
            "file is truncated: the last line ends without a line break and is "
            f"incomplete ({detail['reason']}, {detail['original_value']!r}); "
            "download it again or pass allow_truncated=True",
            row=n_rows,
            field=detail["field"],
            expected=f"{n_fields} complete fields per line",
        )
    return quarantine.with_columns(
        reason=pl.when(pl.col(_ROW) == n_rows)
        .then(pl.lit("truncated_row"))
        .otherwise(pl.col("reason").cast(pl.String))
        .cast(quarantine_schema()["reason"])
    )


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
    columns, wanted, keep_lineage = _parquet_layout(path)
    try:
        frame = pl.read_parquet(path, columns=wanted)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AisFormatError(file, f"cannot read Parquet columns ({exc})") from exc
    n_rows = frame.height
    pings, quarantine = _parquet_pings(
        frame, columns, file=file, keep_lineage=keep_lineage, row_offset=0
    )
    return _file_result(file, pings, quarantine, n_rows, strict=strict)


def _parquet_layout(path: Path) -> tuple[dict[str, str], list[str], bool]:
    """Column map, columns to read and whether the file carries its own lineage."""
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
    return columns, wanted, keep_lineage


def _parquet_pings(
    frame: pl.DataFrame,
    columns: dict[str, str],
    *,
    file: str,
    keep_lineage: bool,
    row_offset: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Standardise raw Parquet rows; row ``i`` of ``frame`` is data row ``row_offset + i + 1``."""
    if keep_lineage:
        source_file = frame.get_column("source_file").cast(pl.String).cast(pl.Categorical)
    else:
        frame = frame.with_row_index(_ROW, offset=row_offset + 1)
        source_file = _constant_category(file, frame.height)
    return _standardise(frame, columns, file=file, source_file=source_file)


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
    # imported here: only NMEA input needs pyais (10 MB and 0.1 s to import)
    from pyais.exceptions import AISBaseException
    from pyais.messages import AISSentence

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


def _ais_files(path: Path) -> tuple[list[tuple[Path, str]], int]:
    """Return the files to read under ``path`` with their reader kind, and how many skipped.

    A folder's files (not sub-folders) in sorted name order, hidden files and unknown
    extensions skipped; a single file must have a known extension.
    """
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.is_file())
        files = [
            (p, kind)
            for p in candidates
            if not p.name.startswith(".") and (kind := _reader_for(p)) is not None
        ]
        return files, len(candidates) - len(files)
    if path.is_file():
        kind = _reader_for(path)
        if kind is None:
            raise AisFormatError(
                path,
                "unsupported file extension",
                expected=", ".join(CSV_SUFFIXES + PARQUET_SUFFIXES + NMEA_SUFFIXES),
            )
        return [(path, kind)], 0
    raise AisFormatError(path, "no such file or folder")


def _unusable_file_row(file: Path, exc: AisFormatError) -> pl.DataFrame:
    """Return the quarantine row of a file rejected with ``skip_bad_files``."""
    return (
        pl.DataFrame({"source_file": [str(file)], "source_row": [None], "message": [str(exc)]})
        .lazy()
        .with_columns(mmsi=pl.lit(None), timestamp=pl.lit(None))
        .pipe(quarantine_rows, reason="file_unusable", original_value=pl.col("message"))
        .collect()
    )


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
    files, skipped = _ais_files(path)
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
            quarantines.append(_unusable_file_row(file, exc))
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


# --------------------------------------------------------------------------------------
# Reading in batches
# --------------------------------------------------------------------------------------


def iter_ais_batches(
    path: str | Path,
    *,
    batch_rows: int = 500_000,
    columns: Iterable[str] | None = None,
) -> Iterator[AisReadResult]:
    """Read one AIS file in batches of rows, with the rules and reason codes of :func:`read_ais`.

    Concatenating the batches' pings and quarantines and summing their counts gives what
    :func:`read_ais` returns for the file (the pings restricted to ``columns``), whatever
    ``batch_rows`` is, while only about one batch is in memory at a time:

    * CSV (plain, ``.zip``, ``.csv.gz``, ``.csv.zst``) is decompressed and cut at line
      breaks into blocks of about ``batch_rows`` lines, and each block is read like a
      whole file by :func:`read_marinecadastre_csv`: one fast typed pass, and only for a
      block that fails it the tolerant row-by-row path. Cuts never fall next to a blank
      line, and rows are numbered across blocks, so ``source_row`` and every quarantine
      row are as for the whole file. A truncated last line is rejected as there;
    * Parquet is read ``batch_rows`` rows at a time
      (:meth:`pyarrow.parquet.ParquetFile.iter_batches`);
    * NMEA is decoded whole (it is a line-by-line Python decoder anyway; static data is
      merged over the whole log) and handed out in slices.

    Parameters
    ----------
    path
        One file, with an extension of :data:`CSV_SUFFIXES`, :data:`PARQUET_SUFFIXES` or
        :data:`NMEA_SUFFIXES`.
    batch_rows
        Rows per batch (for CSV, the block size in bytes is estimated from the first
        lines, so batches hold about this many rows).
    columns
        Canonical data columns of the pings (all by default); ``source_file`` and
        ``source_row`` are always added. Columns left out are still checked (a malformed
        value still drops its row), only not kept.

    Yields
    ------
    AisReadResult
        One batch: pings in file order, the read quarantine of its rows and its counts.
        At least one batch is yielded per file (maybe with no rows), and
        ``counts["files_read"]`` is 1 in exactly one of them (the last; the first for
        NMEA, which carries all counts).

    Raises
    ------
    AisFormatError
        As :func:`read_ais` for a single file (unsupported extension, empty, not AIS,
        truncated, unreadable archive); for CSV maybe only when the bad part is reached.
    ValueError
        If ``batch_rows`` is not positive or a column is not a canonical data column.

    Examples
    --------
    >>> from importlib.resources import files
    >>> sample = files("portcap.data") / "ais" / "marinecadastre-schema-sample.csv"
    >>> batches = list(iter_ais_batches(str(sample), batch_rows=20, columns=["mmsi"]))
    >>> [b.pings.height for b in batches], sum(b.counts["imo_malformed"] for b in batches)
    ([20, 20, 11], 1)
    >>> batches[1].pings.columns
    ['mmsi', 'source_file', 'source_row']
    """
    if batch_rows < 1:
        msg = f"batch_rows must be positive, got {batch_rows}"
        raise ValueError(msg)
    keep = _DATA_COLUMNS if columns is None else tuple(columns)
    unknown = [name for name in keep if name not in _DATA_COLUMNS]
    if unknown:
        msg = f"unknown AIS ping column(s) {', '.join(unknown)}; valid: {', '.join(_DATA_COLUMNS)}"
        raise ValueError(msg)
    path = Path(path)
    kind = _reader_for(path)
    if kind is None:
        raise AisFormatError(
            path,
            "unsupported file extension",
            expected=", ".join(CSV_SUFFIXES + PARQUET_SUFFIXES + NMEA_SUFFIXES),
        )
    if kind == "csv":
        yield from _csv_batches(path, batch_rows=batch_rows, keep=keep)
    elif kind == "parquet":
        yield from _parquet_batches(path, batch_rows=batch_rows, keep=keep)
    else:
        yield from _nmea_batches(path, batch_rows=batch_rows, keep=keep)


def _batch_counts(n_rows: int, pings: pl.DataFrame, quarantine: pl.DataFrame) -> dict[str, int]:
    counts = _new_counts()
    counts["rows_read"] = n_rows
    counts["pings"] = pings.height
    _count_reasons(counts, quarantine)
    return counts


def _read_exactly(stream: _CsvByteStream, n_bytes: int) -> bytes:
    """Read ``n_bytes`` (fewer only at the end of the data)."""
    parts: list[bytes] = []
    size = 0
    while size < n_bytes:
        piece = stream.read(n_bytes - size)
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def _is_blank(line: bytes) -> bool:
    return not line.strip()


def _cut_allowed(data: bytes, newline: int) -> bool:
    """Whether a block may end at the line break at ``data[newline]``.

    Only between two lines that are not blank (and whose first is whole in ``data``),
    so that no block starts or ends with a blank line: the CSV reader treats one at the
    edge of a text differently from one inside it.
    """
    start = data.rfind(b"\n", 0, newline) + 1
    if start == 0:
        return False
    after = data.find(b"\n", newline + 1)
    next_line = data[newline + 1 : len(data) if after < 0 else after]
    return not _is_blank(next_line) and not _is_blank(data[start:newline])


def _block_cut(data: bytes, limit: int) -> int:
    """Index just after the line break where a block of ``data`` should end; -1 if none.

    The last allowed break at or before ``limit`` bytes, else the first after it.
    """
    end = min(limit, len(data))
    while (newline := data.rfind(b"\n", 0, end)) >= 0:
        if _cut_allowed(data, newline):
            return newline + 1
        end = newline
    start = max(limit, 0)
    while (newline := data.find(b"\n", start)) >= 0:
        if _cut_allowed(data, newline):
            return newline + 1
        start = newline + 1
    return -1


def _line_blocks(
    stream: _CsvByteStream, pending: bytes, target_bytes: int
) -> Iterator[tuple[bytes, bool]]:
    """Cut the rest of a CSV text into blocks of whole lines of about ``target_bytes``.

    Yields ``(block, last)``; ``last`` marks the final block (the end of the data, maybe
    without a final line break), which is yielded even when empty.
    """
    parts: list[bytes] = [pending] if pending else []
    size = len(pending)
    want = target_bytes
    at_end = False
    while True:
        while size < want and not at_end:
            piece = stream.read(max(want - size, _HEAD_BYTES))
            if piece:
                parts.append(piece)
                size += len(piece)
            else:
                at_end = True
        if at_end and size <= target_bytes:
            yield b"".join(parts), True
            return
        last = parts[-1]
        before = size - len(last)  # the cut is searched in the last part when it can be
        cut = _block_cut(last, target_bytes - before) if target_bytes > before else -1
        if cut < 0 and len(parts) > 1:
            last = b"".join(parts)
            parts = [last]
            cut = _block_cut(last, target_bytes)
        if cut < 0:
            if at_end:
                yield b"".join(parts), True
                return
            want = size + target_bytes
            continue
        view = memoryview(last)
        yield b"".join([*parts[:-1], view[:cut]]), False
        parts = [bytes(view[cut:])]
        size = len(parts[0])
        want = target_bytes


def _file_blocks(path: Path, start: int, target_bytes: int) -> Iterator[tuple[bytes, bool]]:
    """:func:`_line_blocks` for a plain file from byte ``start``: each block is read once.

    The cut is looked for in a small window around the target size, so that each block
    is a single read of exactly its bytes (no copy in Python).
    """
    size = path.stat().st_size
    with path.open("rb", buffering=0) as handle:
        position = start
        while True:
            end = position + target_bytes
            cut = -1
            window = _HEAD_BYTES
            while end < size and cut < 0:
                low = max(position, end - window)
                handle.seek(low)
                data = handle.read(min(end + window, size) - low)
                found = _block_cut(data, end - low)
                if found >= 0 and low + found < size:
                    cut = low + found
                elif low == position and end + window >= size:
                    break
                window *= 4
            handle.seek(position)
            if cut < 0:
                yield handle.read(size - position), True
                return
            yield handle.read(cut - position), False
            position = cut


def _csv_batches(path: Path, *, batch_rows: int, keep: tuple[str, ...]) -> Iterator[AisReadResult]:
    """Batches of a MarineCadastre CSV file read by blocks (see :func:`iter_ais_batches`)."""
    with _CsvByteStream(path) as stream:
        head = _read_exactly(stream, _HEAD_BYTES)
        if len(head) < _HEAD_BYTES or head.strip():
            size = len(head) + (len(head) == _HEAD_BYTES)  # only compared with len(head)
        else:  # blank start: the size goes into the "empty" message
            size = len(head)
            while piece := stream.read(_HEAD_BYTES):
                size += len(piece)
        layout = _csv_layout(stream.label, head, size)
        header_line, pending = _split_header(head)
        target_bytes = _target_bytes(pending, batch_rows)
        blocks = (
            _file_blocks(path, len(header_line), target_bytes)
            if stream.codec is None
            else _line_blocks(stream, pending, target_bytes)
        )
        yield from _csv_blocks(
            blocks,
            file=str(path),
            label=stream.label,
            layout=layout,
            header_line=header_line,
            keep=keep,
        )


def _target_bytes(sample: bytes, batch_rows: int) -> int:
    """Bytes of about ``batch_rows`` lines, from the line length in ``sample``."""
    lines = sample.count(b"\n")
    line_bytes = len(sample) / lines if lines else 128.0
    return max(int(batch_rows * line_bytes), 1)


def _split_header(head: bytes) -> tuple[bytes, bytes]:
    """Split the first bytes into the header line (with its line break) and the data after it."""
    newline = head.find(b"\n")
    if newline < 0:
        return head, b""
    return head[: newline + 1], head[newline + 1 :]


def _csv_blocks(
    blocks: Iterator[tuple[bytes, bool]],
    *,
    file: str,
    label: str,
    layout: _CsvLayout,
    header_line: bytes,
    keep: tuple[str, ...],
) -> Iterator[AisReadResult]:
    """Batches of a CSV text cut into blocks of whole lines, each read like a whole file."""
    offset = 0
    for block, last in blocks:
        pings, quarantine, n_rows = _parse_csv_block(
            block, file=file, label=label, layout=layout, keep=keep, header_line=header_line
        )
        tail = block[-1:]
        del block
        if offset:
            pings = pings.with_columns(pl.col(_ROW) + offset)
            quarantine = quarantine.with_columns(pl.col(_ROW) + offset)
        offset += n_rows
        if last:
            quarantine = _settle_truncation(
                quarantine,
                label=label,
                n_rows=offset,
                tail=tail,
                n_fields=len(layout.header),
                allow_truncated=False,
            )
        counts = _batch_counts(n_rows, pings, quarantine)
        counts["files_read"] = int(last)
        yield AisReadResult(pings, quarantine, counts)


def _parquet_batches(
    path: Path, *, batch_rows: int, keep: tuple[str, ...]
) -> Iterator[AisReadResult]:
    """Batches of a Parquet file (see :func:`iter_ais_batches`)."""
    file = str(path)
    columns, wanted, keep_lineage = _parquet_layout(path)
    names = [*keep, "source_file", _ROW]
    try:
        reader = pq.ParquetFile(path)
        total = reader.metadata.num_rows
        batches = reader.iter_batches(batch_size=batch_rows, columns=wanted)
        offset = 0
        while True:
            batch = next(batches, None)
            table = (
                reader.schema_arrow.empty_table()
                if batch is None
                else pa.Table.from_batches([batch])
            )
            frame = pl.DataFrame(pl.from_arrow(table.select(wanted)))
            pings, quarantine = _parquet_pings(
                frame, columns, file=file, keep_lineage=keep_lineage, row_offset=offset
            )
            offset += frame.height
            last = batch is None or offset >= total
            counts = _batch_counts(frame.height, pings, quarantine)
            counts["files_read"] = int(last)
            yield AisReadResult(pings.select(names), quarantine, counts)
            if last:
                return
    except (pa.ArrowException, OSError) as exc:
        raise AisFormatError(file, f"cannot read Parquet columns ({exc})") from exc


def _nmea_batches(path: Path, *, batch_rows: int, keep: tuple[str, ...]) -> Iterator[AisReadResult]:
    """Batches of an NMEA log, decoded whole (see :func:`iter_ais_batches`)."""
    result = read_nmea(path)
    pings = result.pings.select(*keep, "source_file", _ROW)
    yield AisReadResult(pings.head(batch_rows), result.quarantine, result.counts)
    for start in range(batch_rows, pings.height, batch_rows):
        yield AisReadResult(pings.slice(start, batch_rows), empty_quarantine(), _new_counts())
