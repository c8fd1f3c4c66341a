"""Read and clean AIS in batches, in bounded memory: :func:`load_clean_ais`.

:func:`load_clean_ais` gives the cleaned pings of :func:`~portcap.ais.read.read_ais`
followed by :func:`~portcap.ais.clean.clean_pings`, with the same rules, reason codes,
counts and quarantine rows, but without ever holding the raw table or the quarantine in
memory:

1. each file is read in batches (:func:`~portcap.ais.read.iter_ais_batches`: CSV cut at
   line breaks, Parquet ``batch_rows`` rows at a time, NMEA decoded whole) with only the
   columns cleaning needs;
2. each batch goes through the row-level rules at once: the rows dropped by them
   (``mmsi_invalid`` ... ``sog_above_max``) and the read quarantine are spooled to disk;
   the value rules (COG 360, heading 511, draft 0, ...) are recorded as one bit each in a
   16-bit flag per kept row; the static vessel data is reduced to the last value per
   MMSI; and only a compact table of the kept rows is kept: MMSI, time, position, SOG,
   lineage and flags, 46 bytes a row;
3. the compact rows of all batches are sorted by ``mmsi, timestamp`` (unless they already
   are) and the cross-row rules run on them: duplicates and reports out of order vessel
   by vessel, the position-jump filter on windows around the jumps
   (:func:`~portcap.ais.clean._jump_drops_windowed`);
4. the quarantine file is written in one streaming pass: the spooled rows, the cross-row
   rows and, from the flags, one row per value changed on a report that is kept -- as
   :func:`~portcap.ais.clean.clean_pings` records changes only on the kept rows, these
   can only be known at the end. With ``quarantine_in_background=True`` a thread writes
   it from the kept reports' lineage and flags while the caller goes on
   (:meth:`StreamResult.wait`).

Memory is about the compact table plus a batch; the quarantine (often longer than the
input: most MarineCadastre reports carry COG 360 or heading 511) is never in memory.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple

import polars as pl
from polars.io.plugins import register_io_source
from tqdm import tqdm

from portcap.ais.clean import (
    _ROW_REASON_FIELD,
    COG_NOT_AVAILABLE_DEG,
    HEADING_NOT_AVAILABLE_DEG,
    SHIP_MMSI_RANGE,
    _check_parameters,
    _duplicate_reason,
    _first_of_key,
    _jump_drops_windowed,
    _null_rules,
    _out_of_order,
    _row_evidence_expr,
    _row_reason,
    _same_key,
)
from portcap.ais.read import (
    AisFormatError,
    _ais_files,
    _new_counts,
    _unusable_file_row,
    iter_ais_batches,
)
from portcap.ais.schema import QUARANTINE_REASONS, empty_quarantine, quarantine_rows

__all__ = [
    "PING_COLUMNS",
    "STATIC_COLUMNS",
    "StreamResult",
    "load_clean_ais",
    "sink_quarantine",
    "vessel_slices",
]

#: Columns of :attr:`StreamResult.pings`, in order.
PING_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "timestamp",
    "latitude_deg",
    "longitude_deg",
    "speed_over_ground_kn",
    "source_file",
    "source_row",
)
#: Columns of :attr:`StreamResult.static`, in order.
STATIC_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "imo",
    "vessel_name",
    "vessel_type_code",
    "length_m",
    "width_m",
    "draft_m",
)
# What the batches are read with: the pings, the columns of the value rules and the
# static data.
_READ_COLUMNS: tuple[str, ...] = (
    "mmsi",
    "timestamp",
    "latitude_deg",
    "longitude_deg",
    "speed_over_ground_kn",
    "course_over_ground_deg",
    "heading_deg",
    "vessel_name",
    "imo",
    "vessel_type_code",
    "length_m",
    "width_m",
    "draft_m",
)
_SOG = "speed_over_ground_kn"
_FLAGS = "_flags"  # UInt16: bit i set when value rule i changed the row
_INPUT = "_input"  # UInt32: the row's index in the compact table before sorting
_ROW = "_row"  # UInt32: a row index of the (sorted) compact table
_RULES = _null_rules()
# Value rules whose original value is a known constant when the value equals it exactly
# (and, for 0, is not -0.0): their quarantine text needs no storage. The rules on SOG take
# it from the SOG kept in the compact table; the others keep the value of each change.
_CONSTANT_VALUE: dict[str, float] = {
    "cog_not_available": COG_NOT_AVAILABLE_DEG,
    "heading_not_available": HEADING_NOT_AVAILABLE_DEG,
    "draft_zero": 0.0,
    "length_zero": 0.0,
    "width_zero": 0.0,
}
_SPOOL_ROWS = 100_000  # quarantine rows per spool part
# Rows per slice of the compact table at the end (duplicates, quarantine rows), and per
# slice or group of windows of the jump filter: more is a little faster, less uses less
# memory (each costs about 150-250 bytes a row while it is worked on).
_SLICE_ROWS = 200_000
_JUMP_ROWS = 100_000
_STATIC_PARTS = 64  # static partials kept before they are merged
_QUARANTINE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class StreamResult:
    """What :func:`load_clean_ais` returns.

    Attributes
    ----------
    pings
        The cleaned reports, sorted by ``mmsi, timestamp``, in the columns of
        :data:`PING_COLUMNS`: ``mmsi`` Int64, ``timestamp`` Datetime(us),
        ``latitude_deg``, ``longitude_deg``, ``speed_over_ground_kn`` Float64 (SOG null
        where :func:`~portcap.ais.clean.clean_pings` nulls it), ``source_file``
        Categorical and ``source_row`` UInt32. The same rows and values as
        ``clean_pings(read_ais(path).pings).pings`` restricted to these columns.
    static
        One row per MMSI of ``pings`` (sorted): :data:`STATIC_COLUMNS` with their
        canonical dtypes, each the last non-null value in input order among the reports
        kept by the row-level rules, after the value rules (so a length of 0 is not a
        length).
    counts
        The counts of :func:`~portcap.ais.read.read_ais` (``files_read``, ``rows_read``,
        ``pings`` = reports after reading, read reason codes, ...) and of
        :func:`~portcap.ais.clean.clean_pings` (every clean reason code), plus
        ``reports_kept`` (rows of ``pings``).
    quarantine_path
        The quarantine file written, or ``None``. With
        ``load_clean_ais(..., quarantine_in_background=True)`` it may still be being
        written: call :meth:`wait` before reading it.
    """

    pings: pl.DataFrame
    static: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    quarantine_path: Path | None = None
    writer: _Writer | None = field(default=None, repr=False, compare=False)

    def wait(self) -> Path | None:
        """Wait until the quarantine file is complete; return its path.

        Returns at once when it was written before :func:`load_clean_ais` returned.

        Raises
        ------
        Exception
            Whatever writing the quarantine raised (the file is then removed).
        """
        if self.writer is not None:
            self.writer.wait()
        return self.quarantine_path

    def close(self) -> None:
        """Wait for the quarantine writer without raising its error (for clean-up paths)."""
        if self.writer is not None:
            self.writer.join()


class _Writer:
    """Run a function in a thread (the quarantine writer); hand on what it raised."""

    def __init__(self, function: Callable[[], None]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                function()
            except BaseException as exc:  # handed to the waiting thread
                self._error = exc

        self._thread = threading.Thread(target=run, name="portcap-quarantine", daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def wait(self) -> None:
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error


def _empty_static() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "mmsi": pl.Int64,
            "imo": pl.Int64,
            "vessel_name": pl.String,
            "vessel_type_code": pl.Int32,
            "length_m": pl.Float64,
            "width_m": pl.Float64,
            "draft_m": pl.Float64,
        }
    )


def _empty_compact() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "mmsi": pl.UInt32,
            "timestamp": pl.Datetime("us"),
            "latitude_deg": pl.Float64,
            "longitude_deg": pl.Float64,
            _SOG: pl.Float64,
            "source_file": pl.Categorical(),
            "source_row": pl.UInt32,
            _FLAGS: pl.UInt16,
        }
    )


def _last_known(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Merge static partials (in input order): last non-null value per MMSI and column."""
    if not frames:
        return _empty_static()
    return (
        pl.concat(frames, how="vertical")
        .group_by("mmsi", maintain_order=True)
        .agg(pl.all().drop_nulls().last())
    )


def _bits(column: str) -> int:
    """Flag bits of the value rules on ``column``."""
    return sum(1 << i for i, rule in enumerate(_RULES) if rule.column == column)


def _has_bits(bits: int) -> pl.Expr:
    return (pl.col(_FLAGS) & pl.lit(bits, dtype=pl.UInt16)) != 0


def _text(value: float) -> str:
    """``value`` as polars writes a Float64 as text (the quarantine's original_value)."""
    return str(pl.select(pl.lit(value, dtype=pl.Float64).cast(pl.String)).item())


class _Spool:
    """Quarantine rows written to disk as they come, in Parquet parts of a scratch folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=".portcap-quarantine-", dir=folder))
        self.parts: list[Path] = []
        self.pending: list[pl.DataFrame] = []
        self.pending_rows = 0

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        self.pending.append(frame)
        self.pending_rows += frame.height
        if self.pending_rows >= _SPOOL_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        part = self.folder / f"{len(self.parts):06d}.parquet"
        pl.concat(self.pending, how="vertical").write_parquet(part, compression="lz4")
        self.parts.append(part)
        self.pending, self.pending_rows = [], 0

    def mark(self) -> int:
        """Flush, and return a point to come back to with :meth:`rollback`."""
        self.flush()
        return len(self.parts)

    def rollback(self, mark: int) -> None:
        """Forget every row written since ``mark``."""
        for part in self.parts[mark:]:
            part.unlink(missing_ok=True)
        del self.parts[mark:]
        self.pending, self.pending_rows = [], 0

    def files(self) -> list[Path]:
        """Flush, and return the part files in order."""
        self.flush()
        return list(self.parts)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class _Kept:
    """What the batches leave: compact rows, static partials, values of changes, drops."""

    compact: list[pl.DataFrame] = field(default_factory=list)
    static: list[pl.DataFrame] = field(default_factory=list)
    side: list[pl.DataFrame] = field(default_factory=list)
    dropped: list[pl.Series] = field(default_factory=list)  # input positions, row rules
    counts: dict[str, int] = field(default_factory=dict)
    positions: int = 0  # reports after reading (input positions used)
    rows: int = 0  # compact rows
    # Order of the compact rows: sorted by mmsi and time so far, with a repeated key
    # (a duplicate, if sorted), and the keys of the first and last rows.
    in_order: bool = True
    repeated_key: bool = False
    first_key: tuple[int, int] | None = None
    last_key: tuple[int, int] | None = None

    def add_order(
        self, in_order: bool, repeated: bool, first: tuple[int, int], last: tuple[int, int]
    ) -> None:
        """Account for compact rows (sorted or not, ...) that follow the ones seen."""
        if self.last_key is not None:
            in_order = in_order and first >= self.last_key
            repeated = repeated or first == self.last_key
        if self.first_key is None:
            self.first_key = first
        self.in_order = self.in_order and in_order
        self.repeated_key = self.repeated_key or repeated
        self.last_key = last

    def add_counts(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def extend(self, other: _Kept) -> None:
        """Append what a file left (read with positions and rows following ours)."""
        self.compact.extend(other.compact)
        self.side.extend(other.side)
        self.dropped.extend(other.dropped)
        self.static.extend(other.static)
        if len(self.static) > _STATIC_PARTS:
            self.static = [_last_known(self.static)]
        self.add_counts(other.counts)
        self.positions = other.positions
        self.rows = other.rows
        if other.first_key is not None and other.last_key is not None:
            self.add_order(other.in_order, other.repeated_key, other.first_key, other.last_key)


class _BatchExprs(NamedTuple):
    """The expressions :func:`_clean_batch` applies (built once: building them takes time)."""

    reason: pl.Expr  # code of the row-level rule that drops the row, or null
    flags: pl.Expr  # bit i: value rule i changes the row
    compact: list[pl.Expr]  # the compact columns
    static: list[pl.Expr]  # the static columns, with the value rules applied
    side: list[tuple[int, str, pl.Expr]]  # rule, column, whether the value must be kept
    any_side: pl.Expr
    order: list[pl.Expr]  # sorted, repeated key, first and last keys (see _Kept.add_order)


@cache
def _batch_exprs(max_speed_kn: float, ship_mmsi_range: tuple[int, int]) -> _BatchExprs:
    side: list[tuple[int, str, pl.Expr]] = []
    for i, rule in enumerate(_RULES):
        if rule.column == _SOG:
            continue
        need = _has_bits(1 << i)
        if rule.reason in _CONSTANT_VALUE:
            value = pl.col(rule.column)
            need = need & ~(
                (value == _CONSTANT_VALUE[rule.reason]) & ((1.0 / value) > 0).fill_null(False)
            )
        side.append((i, rule.column, need))
    return _BatchExprs(
        reason=_row_reason(max_speed_kn=max_speed_kn, ship_mmsi_range=ship_mmsi_range).alias(
            "_reason"
        ),
        flags=_flags_expr(),
        compact=[
            pl.col("mmsi").cast(pl.UInt32),
            pl.col("timestamp"),
            pl.col("latitude_deg"),
            pl.col("longitude_deg"),
            pl.col(_SOG),
            pl.col("source_file"),
            pl.col("source_row"),
            pl.col(_FLAGS),
        ],
        static=[
            pl.col("mmsi"),
            pl.col("imo"),
            pl.col("vessel_name"),
            pl.col("vessel_type_code"),
            *(
                pl.when(~_has_bits(_bits(name))).then(pl.col(name)).alias(name)
                for name in ("length_m", "width_m", "draft_m")
            ),
        ],
        side=side,
        any_side=pl.any_horizontal(need for _, _, need in side),
        order=_order_exprs(),
    )


def _flags_expr() -> pl.Expr:
    """Return the value-rule flags of a row: bit i set when value rule i changes it.

    One ``when``-chain per column, in rule order, so a value gets the bit of the first
    rule that holds for it, as in :func:`~portcap.ais.clean._rule_masks` (a null value
    meets no rule: every condition on it is null); the columns' bits are or-ed.
    """
    per_column: dict[str, list[tuple[int, pl.Expr]]] = {}
    for i, rule in enumerate(_RULES):
        per_column.setdefault(rule.column, []).append((i, rule.condition))
    flags = pl.lit(0, dtype=pl.UInt16)
    for rules in per_column.values():
        column_flag = pl.lit(0, dtype=pl.UInt16)
        for i, condition in reversed(rules):
            column_flag = (
                pl.when(condition).then(pl.lit(1 << i, dtype=pl.UInt16)).otherwise(column_flag)
            )
        flags = flags | column_flag
    return flags.alias(_FLAGS)


def _order_exprs() -> list[pl.Expr]:
    mmsi, time = pl.col("mmsi"), pl.col("timestamp").dt.epoch("us")
    mmsi_step = mmsi.diff()
    time_step = time.diff()
    return [
        ((mmsi_step > 0) | ((mmsi_step == 0) & (time_step >= 0))).fill_null(True).all().alias("a"),
        ((mmsi_step == 0) & (time_step == 0)).fill_null(False).any().alias("b"),
        mmsi.first().alias("c"),
        time.first().alias("d"),
        mmsi.last().alias("e"),
        time.last().alias("f"),
    ]


def _clean_batch(
    pings: pl.DataFrame,
    kept: _Kept,
    *,
    max_speed_kn: float,
    ship_mmsi_range: tuple[int, int],
    keep_values: bool,
) -> pl.DataFrame | None:
    """Apply the row-level rules to one batch; add its compact rows etc. to ``kept``.

    Returns the quarantine rows of the reports dropped (or ``None``).
    """
    exprs = _batch_exprs(max_speed_kn, ship_mmsi_range)
    reason = pl.col("_reason")
    frame = pings.with_columns(exprs.reason, exprs.flags)
    dropped = None
    if frame.get_column("_reason").null_count() < frame.height:
        dropped = (
            frame.lazy()
            .filter(reason.is_not_null())
            .pipe(
                quarantine_rows,
                reason=reason,
                field=reason.replace_strict(_ROW_REASON_FIELD),
                original_value=_row_evidence_expr(reason),
            )
            .collect()
        )
        kept.add_counts({str(k): int(n) for k, n in dropped.group_by("reason").len().iter_rows()})
        kept.dropped.append(
            frame.select(reason.is_not_null().arg_true().cast(pl.UInt32) + kept.positions)
            .to_series()
            .alias("position")
        )
        frame = frame.filter(reason.is_null())
    kept.positions += pings.height
    rows = frame.lazy()
    plans = [
        rows.select(exprs.compact),
        rows.select(exprs.order),
        rows.select(exprs.static).group_by("mmsi").agg(pl.all().drop_nulls().last()),
    ]
    if keep_values:
        plans.append(rows.with_row_index(_INPUT, offset=kept.rows).filter(exprs.any_side))
    collected = pl.collect_all(plans)
    kept.compact.append(collected[0])
    if len(kept.static) >= _STATIC_PARTS:
        kept.static = [_last_known(kept.static)]
    if frame.height:
        in_order, repeated, first_mmsi, first_time, last_mmsi, last_time = collected[1].row(0)
        kept.add_order(in_order, repeated, (first_mmsi, first_time), (last_mmsi, last_time))
    kept.static.append(collected[2])
    if keep_values and collected[3].height:
        kept.side.append(
            pl.concat(
                [
                    collected[3]
                    .filter(need)
                    .select(
                        _INPUT,
                        pl.lit(i, dtype=pl.UInt8).alias("_rule"),
                        pl.col(column).alias("_value"),
                    )
                    for i, column, need in exprs.side
                ],
                how="vertical",
            )
        )
    kept.rows += frame.height
    return dropped


def vessel_slices(mmsi: pl.Series, rows: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` row ranges of about ``rows`` rows that never split an MMSI (sorted)."""
    n_rows = mmsi.len()
    start = 0
    while start < n_rows:
        end = start + rows
        if end < n_rows:
            end = int(mmsi.search_sorted(mmsi[end], side="left"))  # where that vessel starts
            if end <= start:  # one vessel longer than ``rows``
                end = int(mmsi.search_sorted(mmsi[start], side="right"))
        else:
            end = n_rows
        yield start, end
        start = end


class _Columns:
    """The compact table as columns that can be handed over one at a time (to save memory)."""

    def __init__(self, pieces: list[pl.DataFrame]) -> None:
        """Join the compact pieces of the batches into contiguous columns, one at a time.

        Contiguous, because polars copies a column of many chunks whole before it gathers
        many rows from it (as the jump filter does, again and again); one at a time, so
        that the pieces give their memory back as the columns grow.
        """
        template = _empty_compact()
        self.columns: dict[str, pl.Series] = {}
        for name in template.columns:
            self.columns[name] = (
                pl.concat([piece.get_column(name) for piece in pieces], rechunk=True)
                if pieces
                else template.get_column(name)
            )
            pieces[:] = [piece.drop(name) for piece in pieces]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(list(self.columns.values()))

    def sort(self) -> None:
        """Sort (stably) by mmsi and time; add the index before sorting as ``_input``."""
        order = pl.DataFrame([self.columns["mmsi"], self.columns["timestamp"]]).select(
            pl.arg_sort_by("mmsi", "timestamp", maintain_order=True).cast(pl.UInt32)
        )
        order_column = order.to_series()
        del order
        for name in list(self.columns):
            self.columns[name] = self.columns.pop(name).gather(order_column)
        self.columns[_INPUT] = order_column.alias(_INPUT)


def _duplicates(compact: pl.DataFrame, *, maybe: bool) -> pl.DataFrame:
    """Duplicates of the sorted compact rows: ``_row``, lineage, reason and evidence.

    Only the runs of rows with one MMSI and time are looked at: the rows that repeat the
    key of the row before, with the first row of each run. ``maybe=False`` says there
    are none (known from the batches when the rows came sorted).
    """
    repeated = (
        compact.select(_same_key().arg_true()).to_series() if maybe else pl.Series(dtype=pl.UInt32)
    )
    if repeated.len() == 0:
        return pl.DataFrame(
            schema={
                _ROW: pl.UInt32,
                "source_file": pl.Categorical(),
                "source_row": pl.UInt32,
                "mmsi": pl.Int64,
                "timestamp": pl.Datetime("us"),
                "_duplicate": pl.String,
                "_value": pl.String,
            }
        )
    firsts = repeated.filter((repeated.diff() != 1).fill_null(True)) - 1
    rows = pl.concat([repeated, firsts]).sort().cast(pl.UInt32).alias(_ROW)
    reason = pl.col("_duplicate")
    return (
        compact[rows]
        .with_columns(rows)
        .lazy()
        .with_columns(_duplicate_reason().alias("_duplicate"))
        .with_columns(_kept=_first_of_key("source_row"))
        .filter(reason.is_not_null())
        .select(
            _ROW,
            "source_file",
            "source_row",
            pl.col("mmsi").cast(pl.Int64),
            "timestamp",
            "_duplicate",
            pl.when(reason == "duplicate_exact")
            .then(pl.col("_kept").cast(pl.String))
            .otherwise(
                pl.concat_str(
                    pl.col("latitude_deg").cast(pl.String),
                    pl.col("longitude_deg").cast(pl.String),
                    separator=",",
                )
            )
            .alias("_value"),
        )
        .collect()
    )


def _out_of_order_rows(compact: pl.DataFrame, *, slice_rows: int) -> pl.Series:
    """Rows (of the sorted compact table) of the non-duplicates received out of order."""
    moved: list[pl.Series] = []
    for start, end in vessel_slices(compact.get_column("mmsi"), slice_rows):
        found = (
            compact.slice(start, end - start)
            .lazy()
            .with_row_index(_ROW, offset=start)
            .filter(~_same_key())
            .filter(_out_of_order(_INPUT))
            .select(_ROW)
            .collect()
        )
        if found.height:
            moved.append(found.get_column(_ROW))
    return pl.concat(moved) if moved else pl.Series(_ROW, [], dtype=pl.UInt32)


def load_clean_ais(
    path: str | Path,
    *,
    quarantine_path: str | Path | None = None,
    batch_rows: int = 150_000,
    progress: bool = False,
    skip_bad_files: bool = False,
    max_speed_kn: float = 50.0,
    max_implied_speed_kn: float = 60.0,
    ship_mmsi_range: tuple[int, int] = SHIP_MMSI_RANGE,
    min_jump_distance_nmi: float = 0.5,
    max_jump_rounds: int = 3,
    record_changes: bool = True,
    quarantine_in_background: bool = False,
) -> StreamResult:
    """Read and clean AIS in batches: ``clean_pings(read_ais(path).pings)`` in bounded memory.

    The result (pings, quarantine rows, counts) is the same as reading with
    :func:`~portcap.ais.read.read_ais` and cleaning with
    :func:`~portcap.ais.clean.clean_pings`, for any ``batch_rows`` (see the module
    docstring for how). Memory is about 46 bytes per report kept by the row-level rules
    (50 when the input is not sorted by MMSI and time), plus about one batch.

    Parameters
    ----------
    path
        An AIS file or a folder of them, as for :func:`~portcap.ais.read.read_ais`
        (MarineCadastre CSV plain, zipped or compressed, Parquet, NMEA).
    quarantine_path
        ``.parquet`` or ``.csv`` file for the quarantine (same columns and rows as the
        read and the clean quarantines of the in-memory path together, in another
        order; parent folders are created). Batch rows are spooled to a scratch folder
        next to it while reading. ``None``: no quarantine file, only the counts.
    batch_rows
        Reports per batch: the memory of a batch is about 300 bytes a report.
    progress
        Show a tqdm progress bar of the reports read.
    skip_bad_files
        In a folder, record an unusable file as ``file_unusable`` and go on (as
        :func:`~portcap.ais.read.read_ais`); nothing else of the file is kept, even when
        the problem is only found in a later batch (its spooled quarantine rows are
        removed again).
    max_speed_kn, max_implied_speed_kn, ship_mmsi_range, min_jump_distance_nmi, max_jump_rounds
        As for :func:`~portcap.ais.clean.clean_pings`.
    record_changes
        As for :func:`~portcap.ais.clean.clean_pings`: with ``False`` the values changed
        are counted but not written to the quarantine (on MarineCadastre data that is
        most of the quarantine, and most of the time spent writing it).
    quarantine_in_background
        Write the quarantine file in a background thread and return as soon as the
        pings are ready, so that the caller's next steps run while it is written (on a
        machine with more than one core). The caller must then call
        :meth:`StreamResult.wait` before the file is used (or before it exits);
        writing errors are raised there.

    Returns
    -------
    StreamResult
        Compact cleaned pings, static vessel data, counts and the quarantine file.

    Raises
    ------
    AisFormatError
        As :func:`~portcap.ais.read.read_ais`.
    ValueError
        For the parameter errors of :func:`~portcap.ais.clean.clean_pings`, a
        ``batch_rows`` below 1 or a quarantine file that is neither ``.csv`` nor
        ``.parquet``.

    Examples
    --------
    >>> import tempfile
    >>> from importlib.resources import files
    >>> snapshot = files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = load_clean_ais(
    ...         str(snapshot), quarantine_path=Path(folder) / "q.parquet", batch_rows=1000
    ...     )
    ...     quarantine = pl.read_parquet(result.quarantine_path)
    >>> result.pings.columns  # doctest: +NORMALIZE_WHITESPACE
    ['mmsi', 'timestamp', 'latitude_deg', 'longitude_deg', 'speed_over_ground_kn',
     'source_file', 'source_row']
    >>> result.counts["rows_read"], result.counts["reports_kept"], quarantine.height
    (4946, 4856, 5316)
    >>> result.counts["heading_not_available"], result.static.height
    (3609, 925)
    """
    _check_parameters(max_speed_kn, max_implied_speed_kn, max_jump_rounds)
    if batch_rows < 1:
        msg = f"batch_rows must be positive, got {batch_rows}"
        raise ValueError(msg)
    target = None if quarantine_path is None else Path(quarantine_path)
    if target is not None and target.suffix.lower() not in _QUARANTINE_SUFFIXES:
        msg = f"quarantine file must end in .csv or .parquet, got {target.name!r}"
        raise ValueError(msg)
    path = Path(path)
    files, skipped = _ais_files(path)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
    spool = None if target is None else _Spool(target.parent)
    result = None
    try:
        kept = _read_and_reduce(
            files,
            spool,
            can_skip=skip_bad_files and path.is_dir(),
            batch_rows=batch_rows,
            progress=progress,
            max_speed_kn=max_speed_kn,
            ship_mmsi_range=ship_mmsi_range,
            keep_values=target is not None and record_changes,
        )
        kept.counts["files_skipped"] = skipped
        result = _finish(
            kept,
            spool,
            target,
            slice_rows=min(batch_rows, _SLICE_ROWS),
            max_implied_speed_kn=max_implied_speed_kn,
            min_jump_distance_nmi=min_jump_distance_nmi,
            max_jump_rounds=max_jump_rounds,
            record_changes=record_changes,
            background=quarantine_in_background,
        )
        return result
    finally:
        # a writer in the background removes the spool itself when it is done
        if spool is not None and (result is None or result.writer is None):
            spool.remove()


def _read_and_reduce(
    files: list[tuple[Path, str]],
    spool: _Spool | None,
    *,
    can_skip: bool,
    batch_rows: int,
    progress: bool,
    max_speed_kn: float,
    ship_mmsi_range: tuple[int, int],
    keep_values: bool,
) -> _Kept:
    """Read the files batch by batch and keep what the cross-row rules need.

    A file contributes only once it is read whole: when it turns out unusable (and may
    be skipped), what it left is dropped, its spooled quarantine rows included.
    """
    run = _Kept(counts=_new_counts())
    run.add_counts(
        dict.fromkeys((r.code for r in QUARANTINE_REASONS.values() if r.stage == "clean"), 0)
    )
    bar = tqdm(desc="AIS reports", unit=" rows", unit_scale=True, disable=not progress)
    try:
        for file, _kind in files:
            state = _Kept(positions=run.positions, rows=run.rows)
            mark = None if spool is None else spool.mark()
            try:
                for batch in iter_ais_batches(file, batch_rows=batch_rows, columns=_READ_COLUMNS):
                    bar.update(batch.counts["rows_read"])
                    state.add_counts(batch.counts)
                    dropped = _clean_batch(
                        batch.pings,
                        state,
                        max_speed_kn=max_speed_kn,
                        ship_mmsi_range=ship_mmsi_range,
                        keep_values=keep_values,
                    )
                    if spool is not None:
                        spool.write(batch.quarantine)
                        if dropped is not None:
                            spool.write(dropped)
            except AisFormatError as exc:
                if not can_skip:
                    raise
                if spool is not None and mark is not None:
                    spool.rollback(mark)
                    spool.write(_unusable_file_row(file, exc))
                run.counts["files_unusable"] += 1
                run.counts["file_unusable"] += 1
                continue
            run.extend(state)
    finally:
        bar.close()
    return run


def _finish(
    kept: _Kept,
    spool: _Spool | None,
    target: Path | None,
    *,
    slice_rows: int,
    max_implied_speed_kn: float,
    min_jump_distance_nmi: float,
    max_jump_rounds: int,
    record_changes: bool,
    background: bool = False,
) -> StreamResult:
    """Sort the compact rows, run the cross-row rules, write the quarantine, build the result.

    With ``background``, the quarantine is written by a thread (which removes ``spool``
    when it is done) and the result's ``writer`` waits for it.
    """
    counts = kept.counts
    table = _Columns(kept.compact)
    kept.compact.clear()
    in_order = kept.in_order
    if not in_order:
        table.sort()
    compact = table.frame()
    n_rows = compact.height

    duplicates = _duplicates(compact, maybe=kept.repeated_key or not in_order)
    out_of_order = (
        pl.Series(_ROW, [], dtype=pl.UInt32)
        if in_order
        else _out_of_order_rows(compact, slice_rows=slice_rows)
    )
    members = None
    if duplicates.height:
        members = (
            pl.repeat(True, n_rows, eager=True)
            .scatter(duplicates.get_column(_ROW), False)
            .arg_true()
            .cast(pl.UInt32)
        )
    jumps = _jump_drops_windowed(
        compact,
        members,
        max_implied_speed_kn=max_implied_speed_kn,
        min_distance_nmi=min_jump_distance_nmi,
        max_rounds=max_jump_rounds,
        chunk_rows=min(slice_rows, _JUMP_ROWS),
    )
    del members
    dead = pl.concat([duplicates.get_column(_ROW), jumps.get_column(_ROW)])
    table.columns["_alive"] = (
        pl.repeat(True, n_rows, eager=True).scatter(dead, False).alias("_alive")
    )
    out_of_order = out_of_order.filter(table.columns["_alive"].gather(out_of_order))
    table.columns["_moved"] = (
        pl.repeat(False, n_rows, eager=True).scatter(out_of_order, True).alias("_moved")
    )
    compact = table.frame()
    del dead

    # Counts of the cross-row and of the value rules (on the kept rows only).
    reasons = duplicates.get_column("_duplicate")
    counts["duplicate_exact"] += int((reasons == "duplicate_exact").sum())
    counts["duplicate_timestamp"] += int((reasons == "duplicate_timestamp").sum())
    counts["implied_speed_above_max"] += jumps.height
    counts["out_of_order"] += out_of_order.len()
    changed = compact.select(
        (pl.col("_alive") & _has_bits(1 << i)).sum().alias(str(i)) for i in range(len(_RULES))
    ).row(0)
    for rule, n in zip(_RULES, changed, strict=True):
        counts[rule.reason] += int(n)

    recorded = [int(n) if record_changes else 0 for n in changed]
    inputs = None
    if target is not None and spool is not None:
        # What the quarantine needs of the compact rows, before they are let go: the
        # jumps' lineage, and flags, moves and indices of the kept rows (their lineage
        # is that of the pings), with the SOG values the value rules null.
        inputs = _quarantine_inputs(
            table,
            compact,
            jumps,
            sog_changes=any(recorded[i] for i, rule in enumerate(_RULES) if rule.column == _SOG),
        )
    side = list(kept.side)
    kept.side.clear()
    del compact
    pings = _final_pings(table)
    writer = None
    if target is not None and spool is not None and inputs is not None:
        kept_rows, jump_rows, sog_values = inputs
        write = partial(
            _write_quarantine,
            target,
            spool,
            pl.concat(
                [pings.select("source_file", "source_row", "mmsi", "timestamp"), kept_rows],
                how="horizontal",
            ),
            duplicates,
            jump_rows,
            side=[*side, sog_values] if sog_values.height else side,
            dropped=list(kept.dropped),
            changed=recorded,
            slice_rows=slice_rows,
        )
        del inputs, kept_rows
        if background:
            writer = _Writer(lambda: _write_then_remove(write, spool))
        else:
            write()
    static = (
        _last_known(kept.static)
        .join(pings.select(pl.col("mmsi").unique()), on="mmsi", how="semi")
        .sort("mmsi")
    )
    counts["reports_kept"] = pings.height
    return StreamResult(pings, static, counts, target, writer)


def _quarantine_inputs(
    table: _Columns, compact: pl.DataFrame, jumps: pl.DataFrame, *, sog_changes: bool
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Take what :func:`_write_quarantine` needs of the compact rows besides the pings.

    Returns the kept rows' ``_flags``, ``_moved`` and ``_input`` (index before sorting),
    in the order of the pings; the quarantine rows of the position jumps; and, when the
    SOG rules change values that are recorded, the original SOG of those kept rows as
    side values (``_input``, ``_rule``, ``_value``; the pings carry the nulled SOG).
    """
    columns = table.columns
    alive = columns["_alive"]
    index = (
        columns[_INPUT]
        if _INPUT in columns
        else pl.int_range(compact.height, dtype=pl.UInt32, eager=True).alias(_INPUT)
    )
    kept_rows = pl.DataFrame([columns[_FLAGS], columns["_moved"], index])
    if not alive.all():
        kept_rows = kept_rows.filter(alive)
    jump_rows = (
        compact.select("source_file", "source_row", "mmsi", "timestamp")[jumps.get_column(_ROW)]
        .with_columns(_value=jumps.get_column("implied_speed_kn").round(1).cast(pl.String))
        .lazy()
        .pipe(quarantine_rows, reason="implied_speed_above_max", original_value=pl.col("_value"))
        .collect()
    )
    sog_rules = [i for i, rule in enumerate(_RULES) if rule.column == _SOG] if sog_changes else []
    sog_values = pl.concat(
        [
            pl.DataFrame([index, columns[_SOG], columns[_FLAGS], alive])
            .filter(pl.col("_alive") & _has_bits(1 << i))
            .select(_INPUT, pl.lit(i, dtype=pl.UInt8).alias("_rule"), pl.col(_SOG).alias("_value"))
            for i in sog_rules
        ]
        or [pl.DataFrame(schema={_INPUT: pl.UInt32, "_rule": pl.UInt8, "_value": pl.Float64})],
        how="vertical",
    )
    return kept_rows, jump_rows, sog_values


def _write_then_remove(write: Callable[[], None], spool: _Spool) -> None:
    try:
        write()
    finally:
        spool.remove()


def _input_position(dropped: list[pl.Series]) -> pl.Expr:
    """Input position (0-based) of a compact row from its index before sorting, ``_input``.

    The compact rows are the input rows less the ones the row-level rules dropped (at
    the sorted positions ``dropped``): the row at index k is at position k plus the
    number of dropped positions before it.
    """
    if not dropped:
        return pl.col(_INPUT)
    positions = pl.concat(dropped).sort()
    kept_before = positions - pl.int_range(positions.len(), dtype=pl.UInt32, eager=True)
    return pl.col(_INPUT) + pl.lit(kept_before).search_sorted(pl.col(_INPUT), side="right").cast(
        pl.UInt32
    )


def _write_quarantine(
    target: Path,
    spool: _Spool,
    kept_rows: pl.DataFrame,
    duplicates: pl.DataFrame,
    jump_rows: pl.DataFrame,
    *,
    side: list[pl.DataFrame],
    dropped: list[pl.Series],
    changed: list[int],
    slice_rows: int,
) -> None:
    """Write every quarantine row: the spooled ones, the cross-row ones, the value changes.

    ``kept_rows`` are the reports kept, with their lineage, ``_flags``, ``_moved`` and
    ``_input`` (see :func:`_quarantine_inputs`, which also gives ``jump_rows``). polars'
    streaming sink pulls the rows from a generator, and the changes are built from the
    flags of ``slice_rows`` kept rows at a time, so only a few slices of quarantine rows
    are in memory at once.
    """
    values = pl.concat(side, how="vertical") if side else None
    position = _input_position(dropped)

    def frames() -> Iterator[pl.DataFrame]:
        yield empty_quarantine()
        for part in spool.files():
            yield pl.read_parquet(part)
        if duplicates.height:
            yield (
                duplicates.lazy()
                .pipe(quarantine_rows, reason=pl.col("_duplicate"), original_value=pl.col("_value"))
                .collect()
            )
        if jump_rows.height:
            yield jump_rows
        for start in range(0, kept_rows.height, slice_rows):
            rows = kept_rows.slice(start, slice_rows).lazy()
            parts = [
                rows.filter(pl.col("_moved")).pipe(
                    quarantine_rows,
                    reason="out_of_order",
                    original_value=(position + 1).cast(pl.String),
                )
            ]
            parts += [_changes(rows, i, values) for i in range(len(_RULES)) if changed[i]]
            yield pl.concat(pl.collect_all(parts), how="vertical")

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        _batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n_rows
        for frame in frames():
            rows = frame if predicate is None else frame.filter(predicate)
            rows = rows if with_columns is None else rows.select(with_columns)
            if left is not None:
                rows = rows.head(left)
                left -= rows.height
            yield rows
            if left == 0:
                return

    sink_quarantine(register_io_source(source, schema=empty_quarantine().schema), target)


def sink_quarantine(plan: pl.LazyFrame, target: Path) -> None:
    """Write a plan of quarantine rows to ``target`` (``.csv``, else Parquet) in one stream.

    Parquet pages are dictionary-encoded but not compressed: writing is the slow part. A
    failed write leaves no file.
    """
    try:
        if target.suffix.lower() == ".csv":
            plan.sink_csv(target)
        else:
            plan.sink_parquet(target, compression="uncompressed", statistics=False)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _changes(rows: pl.LazyFrame, rule: int, values: pl.DataFrame | None) -> pl.LazyFrame:
    """Quarantine rows of value rule number ``rule`` on the kept ``rows``.

    The original value is the rule's constant where it has one (e.g. heading 511) and
    the side value of the row (``values``, by ``_input``) where it was kept.
    """
    reason, column, _ = _RULES[rule]
    selected = rows.filter(_has_bits(1 << rule))
    value = pl.lit(
        _text(_CONSTANT_VALUE[reason]) if reason in _CONSTANT_VALUE else None, dtype=pl.String
    )
    own = None if values is None else values.filter(pl.col("_rule") == rule)
    if own is not None and own.height:
        selected = selected.join(own.lazy().select(_INPUT, "_value"), on=_INPUT, how="left")
        value = pl.coalesce(pl.col("_value").cast(pl.String), value)
    return selected.pipe(quarantine_rows, reason=reason, field=column, original_value=value)


def _final_pings(table: _Columns) -> pl.DataFrame:
    """Hand the kept rows over in :data:`PING_COLUMNS`, SOG nulled where a value rule says so.

    The compact columns are taken out of ``table`` one by one, so that the memory of the
    result replaces theirs instead of adding to it.
    """
    columns = table.columns
    alive = columns.pop("_alive")
    keep = None if alive.all() else alive
    for name in [n for n in columns if n not in PING_COLUMNS and n != _FLAGS]:
        del columns[name]
    flags = columns.pop(_FLAGS)
    sog_bits = _bits(_SOG)
    if ((flags & sog_bits) != 0).any():
        columns[_SOG] = (
            pl.DataFrame([columns.pop(_SOG), flags])
            .select(pl.when(~_has_bits(sog_bits)).then(pl.col(_SOG)).alias(_SOG))
            .to_series()
        )
    del flags
    out: list[pl.Series] = []
    for name in PING_COLUMNS:
        column = columns.pop(name)
        if keep is not None:
            column = column.filter(keep)
        out.append(column.cast(pl.Int64) if name == "mmsi" else column)
        del column
    return pl.DataFrame(out)
