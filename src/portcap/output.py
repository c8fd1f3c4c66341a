"""Writers of results (``write_<target>``) and their plain-text summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import polars as pl

from portcap.engine import ShipsRun

FORMATS = ("csv", "parquet", "json")


def _format_for(path: Path, file_format: str | None) -> str:
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
    kind = _format_for(path, file_format)
    if kind == "csv":
        table.write_csv(path)
    elif kind == "parquet":
        table.write_parquet(path)
    else:
        table.write_json(path)
    return path


def write_ships_run(
    run: ShipsRun,
    out: str | Path,
    *,
    file_format: str | None = None,
    quarantine_path: str | Path | None = None,
) -> dict[str, Path]:
    """Write the emissions table, the vessels used, the quarantine and a JSON summary.

    Parameters
    ----------
    run : ShipsRun
        From :func:`portcap.engine.run_ships`.
    out : str or Path
        Emissions file; the others go beside it as ``<stem>.vessels.csv``,
        ``<stem>.quarantine.csv`` (unless ``quarantine_path``) and ``<stem>.summary.json``.
    file_format : {'csv', 'parquet', 'json'}, optional
        Format of the emissions file.
    quarantine_path : str or Path, optional
        Where to write the quarantine (CSV or Parquet by extension).

    Returns
    -------
    dict
        Label -> path of each file written.
    """
    out = Path(out)
    kind = _format_for(out, file_format)
    stem = out.with_suffix("")
    written = {"emissions": write_table(run.emissions, out, kind)}
    vessels = pd.concat(
        [run.vessels.assign(included=True), run.excluded_vessels.assign(included=False)],
        ignore_index=True,
    )
    written["vessels"] = write_table(vessels, Path(f"{stem}.vessels.csv"))
    quarantine = Path(quarantine_path) if quarantine_path else Path(f"{stem}.quarantine.csv")
    written["quarantine"] = write_table(run.quarantine, quarantine)
    if run.cut_gaps is not None and run.cut_gaps.height:
        written["cut gaps"] = write_table(run.cut_gaps, Path(f"{stem}.gaps.csv"))
    summary_path = Path(f"{stem}.summary.json")
    summary_path.write_text(json.dumps(ships_summary(run), indent=2, sort_keys=True) + "\n")
    written["summary"] = summary_path
    return written


def ships_summary(run: ShipsRun) -> dict[str, object]:
    """Totals of a ship run as plain data (for ``summary.json``).

    Returns
    -------
    dict
        ``method``, ``vessels``, ``vessels_excluded``, ``mass_tonnes`` by pollutant,
        ``mass_tonnes_by_mode`` (mode -> pollutant -> t), ``energy_mwh_by_engine``,
        ``input_counts``, ``quarantine_counts`` (``"<action>: <reason>"`` -> rows),
        ``gaps``, ``vessels_excluded_by_reason`` and ``timings_s``.
    """
    emissions = run.emissions
    by_pollutant = emissions.groupby("pollutant")["mass_kg"].sum() / 1000.0
    by_mode = (
        emissions.pivot_table(index="mode", columns="pollutant", values="mass_kg", aggfunc="sum")
        / 1000.0
    )
    energy = (
        emissions[emissions["pollutant"] == "co2"].groupby("engine")["energy_kwh"].sum() / 1000.0
    )
    return {
        "method": run.method,
        "vessels": len(run.vessels),
        "vessels_excluded": len(run.excluded_vessels),
        "mass_tonnes": {k: round(float(v), 6) for k, v in by_pollutant.items()},
        "mass_tonnes_by_mode": {
            str(mode): {str(p): round(float(v), 6) for p, v in row.items()}
            for mode, row in by_mode.iterrows()
        },
        "energy_mwh_by_engine": {k: round(float(v), 3) for k, v in energy.items()},
        "input_counts": dict(sorted(run.input_counts.items())),
        "quarantine_counts": dict(sorted(run.counts.items())),
        "gaps": {k: round(v, 3) for k, v in run.gaps.items()},
        "vessels_excluded_by_reason": {
            str(k): int(v) for k, v in run.excluded_vessels["reason"].value_counts().items()
        }
        if len(run.excluded_vessels)
        else {},
        "timings_s": {k: round(v, 3) for k, v in run.timings_s.items()},
    }


def ships_summary_text(run: ShipsRun) -> str:
    """Summarise a ship run in text: tonnes by mode and pollutant, then the counts."""
    emissions = run.emissions
    lines = [
        f"{len(run.vessels):,} ocean-going vessels ({run.method}); "
        f"{len(run.excluded_vessels):,} other vessels set aside",
        "",
        "Emissions by mode [tonnes]",
    ]
    shown = ["nox", "pm25", "dpm", "sox", "co2e"]
    table = (
        emissions.pivot_table(
            index="mode", columns="pollutant", values="mass_kg", aggfunc="sum", fill_value=0.0
        )
        / 1000.0
    )
    table = table.reindex(columns=[c for c in shown if c in table.columns])
    order = [m for m in ("transit", "maneuvering", "anchorage", "berth") if m in table.index]
    table = table.reindex(order)
    if len(table):
        table.loc["total"] = table.sum()
    with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 100):
        lines.append(table.to_string() if len(table) else "(no emissions)")
    lines += ["", "Input"]
    lines += [f"  {key}: {n:,}" for key, n in sorted(run.input_counts.items()) if n]
    lines += ["", "Quarantine (rows dropped or values changed, by reason)"]
    lines += [f"  {reason}: {n:,}" for reason, n in sorted(run.counts.items()) if n] or ["  none"]
    if run.gaps:
        lines += [
            "",
            "Gaps in AIS coverage",
            f"  bridged: {run.gaps.get('n_bridged_gaps', 0):,.0f} gaps, "
            f"{run.gaps.get('bridged_duration_h', 0):,.1f} h counted as activity",
            f"  cut: {run.gaps.get('n_cut_gaps', 0):,.0f} gaps, "
            f"{run.gaps.get('cut_duration_h', 0):,.1f} h not counted",
        ]
    if len(run.excluded_vessels):
        lines += ["", "Vessels set aside (not in the OGV inventory)"]
        reasons = run.excluded_vessels["reason"].value_counts()
        lines += [f"  {reason}: {n:,}" for reason, n in reasons.items()]
    return "\n".join(lines)
