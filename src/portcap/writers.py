"""Write tables as CSV, Parquet or JSON: the one writer of result files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl

FORMATS = ("csv", "parquet", "json")


def format_for(path: Path, file_format: str | None) -> str:
    """Return the format to write: the one asked for, else the extension's, else CSV."""
    if file_format is not None:
        if file_format not in FORMATS:
            msg = f"unknown format {file_format!r}; expected one of {list(FORMATS)}"
            raise ValueError(msg)
        return file_format
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "csv"


def write_table(
    frame: pd.DataFrame | pl.DataFrame, path: str | Path, file_format: str | None = None
) -> Path:
    """Write a table as CSV, Parquet or JSON (records), creating the folder.

    Parameters
    ----------
    frame : pandas or polars DataFrame
        The table.
    path : str or Path
        Destination file.
    file_format : {'csv', 'parquet', 'json'}, optional
        Default: from the file extension, else CSV.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    kind = format_for(path, file_format)
    if kind == "csv":
        table.write_csv(path)
    elif kind == "parquet":
        table.write_parquet(path)
    else:
        table.write_json(path)
    return path
