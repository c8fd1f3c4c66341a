"""Input handling shared by the vectorised source modules of :mod:`portcap.sources`.

Every public function of a source module accepts scalars, lists, NumPy arrays and pandas
Series and returns the same kind (a Series keeps its index). The helpers here convert the
inputs, check ranges and codes with messages that name the argument, wrap the result,
and join factor tables onto key columns. The ``frame_*`` helpers check the input
DataFrame of the ``fleet_emissions`` functions row by row, with messages that name the
row (0-based position and ``source_row`` when present), the column and what was
expected. They are private to ``portcap.sources``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatInput = float | int | Sequence[float] | npt.NDArray[Any] | pd.Series
"""A scalar, list, NumPy array or pandas Series of numbers."""
FloatOutput = Any
"""A float for scalar input, an ndarray for list/array input, a Series (same index) for Series
input. Typed ``Any`` on purpose: the kind follows the input, so callers need no narrowing."""
CodeInput = str | None | Sequence[str | None] | npt.NDArray[Any] | pd.Series
"""A scalar, list, NumPy array or pandas Series of codes (strings); ``None`` = missing."""
BoolInput = bool | Sequence[bool] | npt.NDArray[Any] | pd.Series
"""A scalar, list, NumPy array or pandas Series of booleans."""

MISSING_CODE = np.array(None, dtype=object)
"""The missing value of object (code) arrays."""


def common_index(*values: object) -> pd.Index | None:
    index = None
    for value in values:
        if isinstance(value, pd.Series):
            if index is None:
                index = value.index
            elif not value.index.equals(index):
                raise ValueError("pandas Series inputs must share the same index")
    return index


def float_array(value: object, name: str) -> npt.NDArray[np.float64]:
    if isinstance(value, pd.Series):
        return np.asarray(value.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {value!r}") from error


def code_array(value: object) -> npt.NDArray[np.object_]:
    if isinstance(value, pd.Series):
        array = value.astype(object).to_numpy(dtype=object)
    else:
        array = np.asarray(value, dtype=object)
    return np.where(pd.isna(array), MISSING_CODE, array)


def bool_array(value: object, name: str) -> npt.NDArray[np.bool_]:
    array = value.to_numpy(dtype=object) if isinstance(value, pd.Series) else np.asarray(value)
    if array.dtype == bool:
        return array
    if array.size and pd.api.types.infer_dtype(array.ravel(), skipna=False) != "boolean":
        raise ValueError(f"{name} must be boolean without missing values, got {value!r}")
    return array.astype(bool)


def wrap(values: npt.NDArray[Any], index: pd.Index | None, name: str | None = None) -> Any:
    if index is not None:
        if values.ndim == 0:
            values = np.full(len(index), values[()])
        if values.shape != (len(index),):
            raise ValueError(
                f"result of shape {values.shape} does not align with the Series index "
                f"of length {len(index)}"
            )
        return pd.Series(values, index=index, name=name)
    if values.ndim == 0:
        item = values[()]
        return None if item is None else (float(item) if values.dtype.kind == "f" else item)
    return values


def check_range(
    values: npt.NDArray[np.float64],
    name: str,
    low: float,
    high: float = np.inf,
    *,
    low_inclusive: bool = True,
) -> None:
    present = ~np.isnan(values)
    below = values < low if low_inclusive else values <= low
    bad = present & (below | (values > high))
    if bad.any():
        bracket = "[" if low_inclusive else "("
        raise ValueError(
            f"{name} must be in {bracket}{low}, {high}]; got {float(values[bad].ravel()[0])!r}"
        )


def checked_product(
    left: object,
    left_name: str,
    right: object,
    right_name: str,
    name: str,
    *,
    left_max: float = np.inf,
    right_max: float = np.inf,
) -> Any:
    """Return ``left * right`` of two quantities that must lie in [0, max], as the inputs came.

    The one step of activity x factor (kW x h, miles x g/mi, trips x miles ...) that many
    source functions are: both inputs checked (the message names the offending one), the
    product returned as a scalar, an array, or a Series named ``name``.

    Examples
    --------
    >>> checked_product(2.0, "power_kw", [1.0, 3.0], "duration_h", "energy_kwh")
    array([2., 6.])
    """
    index = common_index(left, right)
    a = float_array(left, left_name)
    b = float_array(right, right_name)
    check_range(a, left_name, 0.0, left_max)
    check_range(b, right_name, 0.0, right_max)
    return wrap(a * b, index, name)


def check_codes(values: npt.NDArray[np.object_], valid: Sequence[str], name: str) -> None:
    present = values[~pd.isna(values)]
    distinct = pd.unique(present.ravel().astype(str))
    unknown = sorted(str(code) for code in set(distinct) - set(valid))
    if unknown:
        raise ValueError(f"unknown {name} {unknown}; valid names are: {', '.join(valid)}")


def require_codes(values: npt.NDArray[np.object_], valid: Sequence[str], name: str) -> None:
    if pd.isna(values).any():
        raise ValueError(f"{name} has missing values")
    check_codes(values, valid, name)


def unknown_combinations(frame: pd.DataFrame, missing: pd.Series, columns: list[str]) -> str:
    rows = frame.loc[missing.to_numpy(), columns].drop_duplicates().head(10)
    combos = [
        "(" + ", ".join(f"{c}={row[c]!r}" for c in columns) + ")"
        for _, row in rows.astype(object).iterrows()
    ]
    return "; ".join(combos)


def lookup(
    frame: pd.DataFrame, table: pd.DataFrame, on: list[str], what: str, *, required: bool = True
) -> pd.DataFrame:
    """Left-join ``table`` onto ``frame`` (m:1) and raise on key combinations not found."""
    value_columns = [c for c in table.columns if c not in on]
    merged = frame.merge(table, on=on, how="left", validate="m:1", indicator="_found")
    missing = merged["_found"] == "left_only"
    if required and missing.any():
        raise ValueError(
            f"no {what} for key combination(s): {unknown_combinations(merged, missing, on)}"
        )
    merged = merged.drop(columns="_found")
    merged.index = frame.index
    return merged[[*frame.columns, *value_columns]]


# --------------------------------------------------------------------------------------
# Row checks of input frames (the ``fleet_emissions`` tables)
# --------------------------------------------------------------------------------------
def require_frame_columns(
    frame: pd.DataFrame, columns: Sequence[str], what: str, *, optional: Sequence[str] = ()
) -> None:
    """Check that ``frame`` is a DataFrame holding every required column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame.
    columns : sequence of str
        The required columns.
    what : str
        Name of the frame in messages (the argument name, e.g. ``"fleet"``).
    optional : sequence of str, default ()
        Optional columns, listed in the message as a hint.

    Raises
    ------
    ValueError
        If ``frame`` is not a DataFrame, or naming the missing and the required columns,
        e.g. ``"fleet is missing required column(s) ['count']; required: fuel, count"``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        hint = f" (optional: {', '.join(optional)})" if optional else ""
        raise ValueError(
            f"{what} is missing required column(s) {missing}; required: {', '.join(columns)}{hint}"
        )


def frame_row_label(frame: pd.DataFrame, position: int) -> str:
    """Name a row of an input frame in messages: 0-based position and ``source_row``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame.
    position : int
        0-based position of the row.

    Returns
    -------
    str
        E.g. ``"row 3 (source_row 'A5')"``, or ``"row 3"`` without a ``source_row``
        column.
    """
    label = f"row {position}"
    if "source_row" in frame.columns:
        label += f" (source_row {_show(frame['source_row'].iloc[position])})"
    return label


def frame_row_error(
    frame: pd.DataFrame,
    bad: npt.NDArray[np.bool_],
    column: str,
    expected: str,
    *,
    what: str,
    values: npt.NDArray[Any] | pd.Series | None = None,
) -> ValueError:
    """Build the error for the first bad row of an input frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame.
    bad : ndarray of bool
        One flag per row of ``frame``; at least one must be set.
    column : str
        The column at fault.
    expected : str
        What was expected, e.g. ``"one of diesel, electric"``.
    what : str
        Name of the frame in messages (e.g. ``"fleet"``).
    values : ndarray or pandas.Series, optional
        The values to quote, one per row (by position); default the cells of ``column``.

    Returns
    -------
    ValueError
        E.g. ``fleet row 0 (source_row 'A2'), column 'craft_type': expected one of
        assist_tug, ferry, got 'tug' (2 more row(s) like it)``; a missing value is
        quoted as ``a missing value``.
    """
    positions = np.flatnonzero(bad)
    position = int(positions[0])
    if values is None:
        got = frame[column].iloc[position] if column in frame.columns else None
    elif isinstance(values, pd.Series):
        got = values.iloc[position]
    else:
        got = values[position]
    more = f" ({len(positions) - 1} more row(s) like it)" if len(positions) > 1 else ""
    return ValueError(
        f"{what} {frame_row_label(frame, position)}, column {column!r}: expected {expected}, "
        f"got {_show(got)}{more}"
    )


def frame_codes(
    frame: pd.DataFrame, column: str, valid: Sequence[str], *, what: str
) -> npt.NDArray[np.object_]:
    """Return a required code column of an input frame, every cell one of ``valid``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame.
    column : str
        The code column (required).
    valid : sequence of str
        The valid codes.
    what : str
        Name of the frame in messages (e.g. ``"fleet"``).

    Returns
    -------
    ndarray of object
        The codes as Python ``str``, one per row.

    Raises
    ------
    ValueError
        If the column is absent, or naming the first row with a missing or unknown code
        (see :func:`frame_row_error`).
    """
    require_frame_columns(frame, [column], what)
    codes = code_array(frame[column]).reshape(-1)
    text = codes.astype(str)
    bad = pd.isna(codes) | ~np.isin(text, np.asarray(valid, dtype=str))
    if bad.any():
        raise frame_row_error(
            frame, bad, column, f"one of {', '.join(valid)}", what=what, values=codes
        )
    return text.astype(object)


def frame_numbers(
    frame: pd.DataFrame,
    column: str,
    *,
    what: str,
    required: bool = False,
    minimum: float = 0.0,
    maximum: float = np.inf,
    minimum_inclusive: bool = True,
    unit: str | None = None,
    expected: str | None = None,
) -> npt.NDArray[np.float64]:
    """Return a numeric column of an input frame, every given cell finite and in range.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame.
    column : str
        The numeric column.
    what : str
        Name of the frame in messages (e.g. ``"fleet"``).
    required : bool, default False
        If True the column must exist and every cell must hold a number; otherwise an
        absent column or an empty cell gives NaN.
    minimum : float, default 0.0
        Lower bound of the values.
    maximum : float, default inf
        Upper bound of the values (inclusive).
    minimum_inclusive : bool, default True
        Whether ``minimum`` itself is allowed.
    unit : str, optional
        Unit quoted after the range in messages, e.g. ``"kW"``.
    expected : str, optional
        What was expected, for messages, replacing the range, e.g. ``"a model year from
        1900 to 2023"``.

    Returns
    -------
    ndarray of float
        The values, one per row; NaN for empty cells (or an absent optional column).

    Raises
    ------
    ValueError
        If a required column is absent, or naming the first row whose cell is not a
        number, infinite, out of range, or empty while ``required`` (see
        :func:`frame_row_error`).
    """
    if column not in frame.columns:
        if required:
            require_frame_columns(frame, [column], what)
        return np.full(len(frame), np.nan)
    raw = frame[column]
    numbers = pd.Series(pd.to_numeric(raw.astype(object), errors="coerce"))
    values = np.asarray(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=float).reshape(-1)
    blank = np.asarray(pd.isna(raw), dtype=bool).reshape(-1)
    present = ~np.isnan(values)
    below = values < minimum if minimum_inclusive else values <= minimum
    out_of_range = present & (below | (values > maximum) | np.isinf(values))
    bad = (~present & ~blank) | out_of_range | (blank & required)
    if bad.any():
        if expected is None:
            if np.isinf(maximum):
                expected = f"a finite number {'>=' if minimum_inclusive else '>'} {minimum:g}"
            else:
                bracket = "[" if minimum_inclusive else "("
                expected = f"a finite number in {bracket}{minimum:g}, {maximum:g}]"
            if unit:
                expected += f" [{unit}]"
        if not required:
            expected += " or an empty cell"
        raise frame_row_error(frame, bad, column, expected, what=what, values=raw)
    return values


def check_frame_zero_emission(
    frame: pd.DataFrame,
    fuels: npt.NDArray[np.object_],
    tiers: npt.NDArray[np.object_],
    *,
    what: str,
    combustion: str = "a combustion tier",
) -> None:
    """Check that tier ``ze`` is given exactly to the rows of fuel ``electric``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame (for messages).
    fuels, tiers : ndarray of object
        The checked ``fuel`` and ``tier`` codes, one per row.
    what : str
        Name of the frame in messages (e.g. ``"fleet"``).
    combustion : str, default 'a combustion tier'
        The tiers of the other fuels, for messages, e.g. ``"a diesel tier (tier0-tier4)"``.

    Raises
    ------
    ValueError
        Naming the first row with an electric fuel and another tier, or another fuel and
        tier ``ze``, e.g. ``fleet row 2, column 'tier': expected tier 'ze' for fuel
        'electric' and a combustion tier for other fuels, got 'tier4f'``.
    """
    mismatch = (fuels == "electric") != (tiers == "ze")
    if mismatch.any():
        raise frame_row_error(
            frame,
            mismatch,
            "tier",
            f"tier 'ze' for fuel 'electric' and {combustion} for other fuels",
            what=what,
            values=tiers,
        )


def check_frame_pairs(
    frame: pd.DataFrame,
    keys: tuple[str, str],
    first: npt.NDArray[np.object_],
    second: npt.NDArray[np.object_],
    table: pd.DataFrame,
    *,
    what: str,
    table_what: str,
    order: Sequence[str] | None = None,
) -> None:
    """Check that every row's pair of codes is a key pair of a factor table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input frame (for messages).
    keys : tuple of str
        The two key columns, e.g. ``("fuel", "tier")``; the second is blamed.
    first, second : ndarray of object
        The checked codes of the two key columns, one per row.
    table : pandas.DataFrame
        The factor table, with both key columns.
    what : str
        Name of the frame in messages (e.g. ``"fleet"``).
    table_what : str
        What the table holds, for messages, e.g. ``"factors"``.
    order : sequence of str, optional
        Order in which to list the valid codes of the second column; default sorted.

    Raises
    ------
    ValueError
        Naming the first row whose pair is not in ``table``, the second column and its
        valid codes for that row's first code, e.g. ``fleet row 2, column 'tier':
        expected a tier with factors for fuel 'lpg' (lsi_phase1, lsi_phase2), got 'tier4f'``.
    """
    first_name, second_name = keys
    pairs = table[[first_name, second_name]].drop_duplicates().astype(str)
    rows = pd.MultiIndex.from_arrays([first.astype(str), second.astype(str)])
    bad = ~np.asarray(rows.isin(pd.MultiIndex.from_frame(pairs)), dtype=bool)
    if bad.any():
        key = str(first[np.flatnonzero(bad)[0]])
        found = set(pairs.loc[pairs[first_name] == key, second_name])
        allowed = [code for code in order if code in found] if order else sorted(found)
        raise frame_row_error(
            frame,
            bad,
            second_name,
            f"a {second_name} with {table_what} for {first_name} {key!r} "
            f"({', '.join(allowed) or 'none'})",
            what=what,
            values=second,
        )


def _show(value: Any) -> str:
    """Quote a cell in messages: its repr, or ``a missing value``."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return "a missing value"
    return repr(value.item() if isinstance(value, np.generic) else value)
