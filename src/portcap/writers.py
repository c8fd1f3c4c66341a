"""Write tables as CSV, Parquet or JSON: the one writer of result files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl

FORMATS = ("csv", "parquet", "json")
#: Rows per Parquet row group. polars' default (262,144) writes a table of that many rows as
#: one group and holds all of its encoded pages until the group is done: about 45 MB for
#: the 153,000 rows of ``portcap ships`` on 2 million reports (``bench/bench_ships.py``),
#: 20 MB with this, and the peak of the run is set there. Readers (pandas, polars,
#: DuckDB) take groups of this size as fast.
PARQUET_ROW_GROUP_ROWS = 32_768


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
        table.write_parquet(path, row_group_size=PARQUET_ROW_GROUP_ROWS)
    else:
        table.write_json(path)
    return path
