"""The results store: every run recorded in an embedded DuckDB database.

A run is one row of the ``runs`` table (its id, time, scenario name, the hash and YAML of
the resolved scenario, portcap's version and the summary as JSON) and its result tables
(``years``, ``emissions``, ``terminals``, ``diversion`` ...), each with a ``run_id``
column, so runs can be listed, compared and queried with SQL::

    SELECT run_id, scenario, created_at FROM runs ORDER BY created_at;
    SELECT year, SUM(teu_turned_away) FROM terminals WHERE run_id = 3 GROUP BY year;

The default database is ``portcap.duckdb`` in the working folder (``--store PATH``).

Examples
--------
>>> import tempfile, pandas as pd
>>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
>>> run_id = record_run(path, scenario="demo", scenario_hash="abc", resolved_yaml="name: demo",
...                     summary={"years": []}, tables={"years": pd.DataFrame({"year": [2031]})})
>>> list_runs(path)[["run_id", "scenario"]].to_dict("records")
[{'run_id': 1, 'scenario': 'demo'}]
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from portcap import __version__

__all__ = ["DEFAULT_STORE", "list_runs", "load_run_table", "record_run"]

DEFAULT_STORE = Path("portcap.duckdb")
"""Default database file, in the working folder."""

_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    created_at TIMESTAMP,
    scenario VARCHAR,
    scenario_hash VARCHAR,
    resolved_yaml VARCHAR,
    portcap_version VARCHAR,
    summary_json VARCHAR
)
"""


def record_run(
    path: str | Path,
    *,
    scenario: str,
    scenario_hash: str,
    resolved_yaml: str,
    summary: dict[str, object],
    tables: dict[str, pd.DataFrame],
) -> int:
    """Record a run and its result tables; return its ``run_id``.

    Parameters
    ----------
    path : str or Path
        The DuckDB database file (created if missing).
    scenario, scenario_hash, resolved_yaml : str
        Name, hash and YAML of the resolved scenario.
    summary : dict
        The run's summary (stored as JSON).
    tables : dict of str to DataFrame
        Result tables; each is appended to the table of that name (created from the first
        run's columns), with a ``run_id`` column in front.

    Returns
    -------
    int
        The new run's id.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import duckdb  # here: the command line starts without it

    with duckdb.connect(str(path)) as connection:
        connection.execute(_RUNS_DDL)
        row = connection.execute("SELECT COALESCE(MAX(run_id), 0) + 1 FROM runs").fetchone()
        run_id = int(row[0]) if row else 1
        connection.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                datetime.now(UTC).replace(tzinfo=None),
                scenario,
                scenario_hash,
                resolved_yaml,
                __version__,
                json.dumps(summary, default=str),
            ],
        )
        for name, table in tables.items():
            if not name.isidentifier():
                msg = f"table name {name!r} must be an identifier"
                raise ValueError(msg)
            frame = table.reset_index(drop=True).copy()
            frame.insert(0, "run_id", run_id)
            for column in frame.columns:
                # a column of nothing but missing values has no type: store it as text
                if frame[column].dtype == object and frame[column].isna().all():
                    frame[column] = frame[column].astype("string")
            connection.register("incoming", frame)
            exists = connection.execute(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [name]
            ).fetchone()
            if exists and int(exists[0]):
                connection.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM incoming')
            else:
                connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            connection.unregister("incoming")
    return run_id


def list_runs(path: str | Path) -> pd.DataFrame:
    """Return the runs of a store: ``run_id, created_at, scenario, scenario_hash, portcap_version``.

    An empty table when the store does not exist yet.
    """
    path = Path(path)
    columns = ["run_id", "created_at", "scenario", "scenario_hash", "portcap_version"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY run_id").df()


def load_run_table(path: str | Path, table: str, run_id: int) -> pd.DataFrame:
    """Return one result table of one run."""
    if not table.isidentifier():
        msg = f"table name {table!r} must be an identifier"
        raise ValueError(msg)
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            f'SELECT * FROM "{table}" WHERE run_id = ? ORDER BY ALL', [run_id]
        ).df()
