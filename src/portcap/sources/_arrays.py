"""Input handling shared by the vectorised source modules of :mod:`portcap.sources`.

Every public function of a source module accepts scalars, lists, NumPy arrays and pandas
Series and returns the same kind (a Series keeps its index). The helpers here convert the
inputs, check ranges and codes with messages that name the argument, wrap the result,
and join factor tables onto key columns. They are private to ``portcap.sources``.
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
