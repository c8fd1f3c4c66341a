"""Writers of results (``write_<target>``) and their plain-text summaries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from portcap.scenario import MILESTONES
from portcap.writers import format_for, write_table

if TYPE_CHECKING:
    from portcap.engine import Results, ShipsRun
    from portcap.ensemble import EnsembleResult
    from portcap.port_inventory import PortInventory


def default_quarantine_path(out: str | Path) -> Path:
    """Name the quarantine file beside an output file: ``<stem>.quarantine.parquet``.

    Parquet, because an AIS quarantine has millions of rows (most AIS reports carry a
    "not available" heading or course); ``--quarantine F.csv`` asks for CSV.
    """
    return Path(out).with_name(Path(out).stem + ".quarantine.parquet")


def write_ships_run(
    run: ShipsRun,
    out: str | Path,
    *,
    file_format: str | None = None,
) -> dict[str, Path]:
    """Write the emissions table, the vessels used, the cut gaps and a JSON summary.

    Parameters
    ----------
    run : ShipsRun
        From :func:`portcap.engine.run_ships` (which wrote the quarantine already).
    out : str or Path
        Emissions file; the others go beside it as ``<stem>.vessels.csv``,
        ``<stem>.gaps.csv`` (AIS gaps too long to bridge, if any), ``<stem>.grid.csv``
        (emissions by grid cell, with ``grid_deg``) and ``<stem>.summary.json``.
    file_format : {'csv', 'parquet', 'json'}, optional
        Format of the emissions file (default: from the extension, else CSV).

    Returns
    -------
    dict
        Label -> path of each file written, the quarantine included.
    """
    out = Path(out)
    kind = format_for(out, file_format)
    stem = out.with_suffix("")
    written = {"emissions": write_table(run.emissions, out, kind)}
    vessels = pd.concat(
        [run.vessels.assign(included=True), run.excluded_vessels.assign(included=False)],
        ignore_index=True,
    )
    written["vessels"] = write_table(vessels, Path(f"{stem}.vessels.csv"))
    if run.quarantine_path is not None:
        written["quarantine"] = run.quarantine_path
    if run.cut_gaps is not None and run.cut_gaps.height:
        written["cut gaps"] = write_table(run.cut_gaps, Path(f"{stem}.gaps.csv"))
    if run.gridded is not None:
        written["grid"] = write_table(run.gridded, Path(f"{stem}.grid.csv"))
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


# --------------------------------------------------------------------------------------
# Whole-port inventory and reconciliation
# --------------------------------------------------------------------------------------
INVENTORY_BY: tuple[str, ...] = ("terminal", "source", "mode")
"""Ways to group the printed inventory (``portcap inventory --by``)."""

SHOWN_POLLUTANTS: tuple[str, ...] = ("nox", "pm25", "dpm", "sox", "co2e")
"""Pollutants in the printed tables (all pollutants are in the written files)."""


def inventory_by(emissions: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Sum the emissions table to ``year, port, <by>, pollutant`` (``None``: unchanged).

    ``by='mode'`` keeps the source beside the mode (modes are per source).
    """
    if by is None:
        return emissions
    if by not in INVENTORY_BY:
        msg = f"unknown grouping {by!r}; expected one of {list(INVENTORY_BY)}"
        raise ValueError(msg)
    keys = ["year", "port", *(["source", "mode"] if by == "mode" else [by]), "pollutant"]
    return emissions.groupby(keys, as_index=False, sort=False).agg(
        mass_tonnes=("mass_tonnes", "sum")
    )


def inventory_text(result: PortInventory, by: str = "source") -> str:
    """Format an inventory for reading: tonnes by ``by`` and pollutant, per port, totals."""
    emissions = result.emissions
    lines: list[str] = []
    for (year, port), part in emissions.groupby(["year", "port"], sort=True):
        index = ["source", "mode"] if by == "mode" else [by]
        table = part.pivot_table(
            index=index, columns="pollutant", values="mass_tonnes", aggfunc="sum", fill_value=0.0
        )
        table = table.reindex(columns=[c for c in SHOWN_POLLUTANTS if c in table.columns])
        table.loc[("total",) * len(index) if len(index) > 1 else "total", :] = table.sum()
        teu = result.activity.query("port == @port and quantity == 'teu'")["value"].sum()
        lines.append(f"{port} {year}: emissions by {by} [metric tonnes; {teu:,.0f} TEU]")
        with pd.option_context("display.float_format", "{:,.1f}".format, "display.width", 120):
            lines.append(table.to_string())
        lines.append("")
    if len(emissions["port"].unique()) > 1:
        both = emissions.pivot_table(
            index="year", columns="pollutant", values="mass_tonnes", aggfunc="sum"
        ).reindex(columns=list(SHOWN_POLLUTANTS))
        lines.append("Both ports [metric tonnes]")
        with pd.option_context("display.float_format", "{:,.1f}".format, "display.width", 120):
            lines.append(both.to_string())
        lines.append("")
    if result.attribution:
        lines.append("Attributed to 'other' (no terminal applies)")
        lines += [f"  {reason}: {n:,}" for reason, n in sorted(result.attribution.items())]
    if result.fills:
        lines.append("Values filled from the defaults by type (count; rows of the file)")
        for key, n in sorted(result.fills.items()):
            rows = sorted(set(result.fill_rows.get(key, [])))
            where = ""
            if rows:
                shown = ", ".join(str(r) for r in rows[:8]) + (" ..." if len(rows) > 8 else "")
                where = f" (rows {shown})"
            lines.append(f"  {key}: {n:,}{where}")
    return "\n".join(lines).rstrip()


def inventory_summary(result: PortInventory) -> dict[str, object]:
    """Totals of an inventory as plain data (for ``summary.json``).

    Returns
    -------
    dict
        ``mass_tonnes`` (port -> pollutant -> t), ``mass_tonnes_by_source`` (port ->
        source -> pollutant -> t), ``activity`` (port -> quantity -> value),
        ``attributed_to_other`` and ``filled_from_defaults`` counts.
    """
    emissions = result.emissions
    totals: dict[str, object] = {}
    by_source: dict[str, object] = {}
    for port, part in emissions.groupby("port"):
        totals[str(port)] = {
            str(k): round(float(v), 6)
            for k, v in part.groupby("pollutant")["mass_tonnes"].sum().items()
        }
        by_source[str(port)] = {
            str(source): {
                str(k): round(float(v), 6)
                for k, v in rows.groupby("pollutant")["mass_tonnes"].sum().items()
            }
            for source, rows in part.groupby("source")
        }
    activity = {
        str(port): {
            f"{r['source']}:{r['quantity']}": float(r["value"]) for r in rows.to_dict("records")
        }
        for port, rows in result.activity.groupby("port")
    }
    return {
        "years": sorted(int(y) for y in emissions["year"].unique()),
        "mass_tonnes": totals,
        "mass_tonnes_by_source": by_source,
        "activity": activity,
        "attributed_to_other": dict(sorted(result.attribution.items())),
        "filled_from_defaults": dict(sorted(result.fills.items())),
        "filled_from_defaults_rows": {
            k: sorted(set(v)) for k, v in sorted(result.fill_rows.items())
        },
    }


def reconciliation_text(table: pd.DataFrame) -> str:
    """Format the reconciliation for reading: one line per check, then a verdict."""
    shown = table.assign(
        years=table["year_from"]
        .astype(str)
        .where(
            table["year_from"] == table["year_to"],
            table["year_from"].astype(str) + "-" + table["year_to"].astype(str),
        ),
        pollutant=table["pollutant"].fillna(""),
        result=table["passed"].map({True: "pass", False: "FAIL"}),
        tol=table["tolerance"].map("±{:g}".format)
        + table["tolerance_unit"].map({"percentage_points": " pp", "pct_of_published": " %"}),
    )[
        [
            "check",
            "port",
            "pollutant",
            "years",
            "modelled",
            "published",
            "unit",
            "difference",
            "tol",
            "result",
        ]
    ]
    with pd.option_context("display.float_format", "{:,.1f}".format, "display.width", 140):
        text = shown.to_string(index=False)
    failed = int((~table["passed"]).sum())
    verdict = f"{len(table) - failed} of {len(table)} checks pass" + (
        f"; {failed} fail" if failed else ""
    )
    return f"{text}\n\n{verdict}"


# --------------------------------------------------------------------------------------
# Scenario runs
# --------------------------------------------------------------------------------------
def run_tables(results: Results) -> dict[str, pd.DataFrame]:
    """Return the result tables of a run as stored (``years``, ``emissions`` ...).

    The tables have the same columns for every run (so that runs of different scenarios
    share one table in the store): per-year figures by pollutant are columns of ``years``;
    TEU by gateway and the regime's indicators are long tables of their own.
    """
    from portcap.policy.base import MEASURE_COLUMNS

    pollutants = ("nox", "pm25", "dpm", "sox", "co2e")
    year_rows, diverted_rows, indicator_rows = [], [], []
    for year in results.summary["years"]:  # type: ignore[attr-defined]
        row: dict[str, object] = {
            key: year.get(key)
            for key in (
                "year",
                "teu_demand",
                "teu_handled",
                "teu_turned_away",
                "teu_unserved",
                "net_co2e_change_tonnes",
                "regional_jobs_change",
                "compliance_cost_usd",
                "technology_cost_usd",
                "public_cost_usd",
                "regional_output_change_usd",
            )
        }
        cap = year.get("cap_tonnes") or {}
        for pollutant in pollutants:
            row[f"regional_{pollutant}_tonnes"] = year["regional_emissions_tonnes"][pollutant]
            row[f"baseline_{pollutant}_tonnes"] = year["baseline_regional_emissions_tonnes"][
                pollutant
            ]
            row[f"elsewhere_change_{pollutant}_tonnes"] = year["emissions_elsewhere_change_tonnes"][
                pollutant
            ]
            row[f"cap_{pollutant}_tonnes"] = cap.get(pollutant)
        year_rows.append(row)
        for gateway, teu in year["teu_diverted_by_port"].items():
            diverted_rows.append({"year": year["year"], "gateway": gateway, "teu": teu})
        for name, value in year.get("indicators", {}).items():
            indicator_rows.append({"year": year["year"], "indicator": name, "value": value})
    years = pd.DataFrame(year_rows)
    numeric = [c for c in years.columns if c != "year"]
    years[numeric] = years[numeric].apply(pd.to_numeric, errors="coerce").astype(float)
    return {
        "years": years,
        "diverted_by_port": pd.DataFrame(diverted_rows, columns=["year", "gateway", "teu"]),
        "indicators": pd.DataFrame(indicator_rows, columns=["year", "indicator", "value"]),
        "emissions": results.emissions,
        "baseline_emissions": results.baseline_emissions,
        "terminals": results.terminals,
        "diversion": _diversion_long(results.diversion),
        "measures": results.measures[[c for c in results.measures.columns if c in MEASURE_COLUMNS]],
        "payments": results.payments,
    }


def _diversion_long(diversion: pd.DataFrame) -> pd.DataFrame:
    """Melt the wide diversion table into stable columns for the store.

    ``year, terminal, gateway, destination, teu, leg, region, pollutant, change_tonnes``.
    """
    keys = ["year", "terminal", "gateway", "destination", "teu"]
    columns = [*keys, "leg", "region", "pollutant", "change_tonnes"]
    changes = [c for c in diversion.columns if c.endswith("_tonnes")]
    if diversion.empty or not changes:
        return pd.DataFrame(
            {c: diversion[c] if c in diversion else pd.Series(dtype=object) for c in columns}
        )
    long = diversion.melt(
        id_vars=keys, value_vars=changes, var_name="name", value_name="change_tonnes"
    )
    parts = long["name"].str.removesuffix("_tonnes").str.rsplit("_", n=2, expand=True)
    long["leg"], long["region"], long["pollutant"] = parts[0], parts[1], parts[2]
    return long[columns]


def write_run(results: Results, folder: str | Path) -> dict[str, Path]:
    """Write ``summary.json``, ``emissions.parquet``, ``diversion.parquet`` and ``report.html``.

    Also writes ``terminals.parquet`` (TEU and binding dates per year and terminal),
    ``measures.parquet`` (clean technology taken), ``scenario.yaml`` (the resolved
    scenario) and ``report.xlsx`` (the main tables and the sources and assumptions,
    :func:`portcap.report.workbook.write_run_workbook`). Returns label -> path.
    """
    from portcap.report import html as report_html
    from portcap.report import workbook as report_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    summary_path = folder / "summary.json"
    summary_path.write_text(json.dumps(results.summary, indent=2, default=str) + "\n")
    written["summary"] = summary_path
    written["emissions"] = write_table(results.emissions, folder / "emissions.parquet")
    written["diversion"] = write_table(results.diversion, folder / "diversion.parquet")
    written["terminals"] = write_table(results.terminals, folder / "terminals.parquet")
    written["measures"] = write_table(results.measures, folder / "measures.parquet")
    scenario_path = folder / "scenario.yaml"
    scenario_path.write_text(results.scenario.to_yaml())
    written["scenario"] = scenario_path
    written["report"] = report_html.write_report(results, folder / "report.html")
    written["workbook"] = report_workbook.write_run_workbook(results, folder / "report.xlsx")
    return written


def run_summary_text(results: Results) -> str:
    """Format a run's key figures for reading: one line per year, milestones marked."""
    summary = results.summary
    lines = [
        f"scenario {results.scenario.name} ({summary['policy']}), base year "
        f"{summary['base_year']}, hash {results.scenario_hash}",
        f"  {results.scenario.description}",
        "",
    ]
    rows = []
    for year in summary["years"]:  # type: ignore[attr-defined]
        regional = year["regional_emissions_tonnes"]
        baseline = year["baseline_regional_emissions_tonnes"]
        cap = (year["cap_tonnes"] or {}).get("nox")
        bound = sum(1 for d in year["cap_binding_dates"].values() if d)
        rows.append(
            {
                "year": year["year"],
                "TEU demand": year["teu_demand"],
                "turned away": year["teu_turned_away"],
                "unserved": year["teu_unserved"],
                "NOx base t": baseline["nox"],
                "NOx t": regional["nox"],
                "NOx cap t": cap if cap is not None else float("nan"),
                "net CO2e t": year["net_co2e_change_tonnes"],
                "jobs": year["regional_jobs_change"],
                "caps bind": bound,
            }
        )
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:,.0f}".format, "display.width", 160):
        lines.append(table.to_string(index=False, na_rep="-"))
    for milestone in MILESTONES:
        match = [y for y in summary["years"] if y["year"] == milestone]  # type: ignore[attr-defined]
        if match and match[0]["teu_diverted_by_port"]:
            gateways = ", ".join(
                f"{k} {v:,.0f}"
                for k, v in sorted(match[0]["teu_diverted_by_port"].items(), key=lambda kv: -kv[1])
            )
            lines.append(f"{milestone}: diverted TEU by gateway: {gateways}")
    return "\n".join(lines)


def write_comparison(
    table: pd.DataFrame, folder: str | Path, results: Sequence[Results] = ()
) -> dict[str, Path]:
    """Write a comparison into ``folder``; return label -> path.

    Parameters
    ----------
    table : DataFrame
        From :func:`portcap.comparison.compare`.
    folder : str or Path
        Output folder (created).
    results : sequence of Results, optional
        The runs compared; their yearly figures and parameters go into the workbook.

    Returns
    -------
    dict
        ``comparison`` (``comparison.csv``), ``report`` (``comparison.html``: table and
        charts), ``report copy`` (``report.html``, the same page under the name a run's
        report has) and ``workbook`` (``comparison.xlsx``,
        :func:`portcap.report.workbook.write_comparison_workbook`).
    """
    from portcap.report import html as report_html
    from portcap.report import workbook as report_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = write_table(table, folder / "comparison.csv")
    page = report_html.comparison_html(table)
    html_path = folder / "comparison.html"
    html_path.write_text(page, encoding="utf-8")
    copy_path = folder / "report.html"
    copy_path.write_text(page, encoding="utf-8")
    workbook_path = report_workbook.write_comparison_workbook(
        table, results, folder / "comparison.xlsx"
    )
    return {
        "comparison": csv_path,
        "report": html_path,
        "report copy": copy_path,
        "workbook": workbook_path,
    }


def comparison_text(table: pd.DataFrame) -> str:
    """Format the comparison for reading: one block per milestone year."""
    columns = {
        "scenario": "scenario",
        "nox_cut_tonnes": "NOx cut t",
        "pm25_cut_tonnes": "PM2.5 cut t",
        "dpm_cut_tonnes": "DPM cut t",
        "teu_turned_away": "TEU turned away",
        "teu_diverted": "diverted",
        "nox_elsewhere_change_tonnes": "NOx elsewhere t",
        "net_co2e_change_tonnes": "net CO2e t",
        "regional_jobs_change": "jobs",
        "technology_cost_usd": "tech cost $",
        "usd_per_tonne_regional_nox_cut": "$/t NOx",
        "usd_per_tonne_net_nox_cut": "$/t net NOx",
        "health_benefits_usd": "health $",
    }
    lines = []
    for year, part in table.groupby("year"):
        lines.append(f"{year}")
        shown = part[list(columns)].rename(columns=columns)
        with pd.option_context("display.float_format", "{:,.0f}".format, "display.width", 200):
            lines.append(shown.to_string(index=False, na_rep="-"))
        lines.append("")
    return "\n".join(lines).rstrip()


def write_ensemble(result: EnsembleResult, folder: str | Path) -> dict[str, Path]:
    """Write an ensemble's tables: per-draw Parquet files and the summaries as CSV."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "samples": write_table(result.samples, folder / "samples.parquet"),
        "draws": write_table(result.draws, folder / "draws.parquet"),
        "binding": write_table(result.binding, folder / "binding.parquet"),
        "quantiles": write_table(result.quantiles, folder / "quantiles.csv"),
        "binding probability": write_table(
            result.binding_probability, folder / "binding_probability.csv"
        ),
        "sensitivity": write_table(result.sensitivity, folder / "sensitivity.csv"),
    }


def ensemble_text(result: EnsembleResult) -> str:
    """Format an ensemble for reading: milestone quantiles and the strongest parameters."""
    quantiles = result.quantiles
    shown = quantiles[quantiles["year"].isin([2031, 2037])]
    if shown.empty:
        shown = quantiles[quantiles["year"] == quantiles["year"].max()]
    lines = [f"{len(result.samples)} draws", ""]
    with pd.option_context("display.float_format", "{:,.0f}".format, "display.width", 140):
        lines.append(shown.to_string(index=False))
    top = result.sensitivity[result.sensitivity["rank"] == 1]
    if len(top):
        lines += ["", "Strongest parameter (Spearman rank correlation) per output"]
        with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 140):
            lines.append(top.drop(columns="rank").to_string(index=False))
    probability = result.binding_probability
    if len(probability):
        june = probability[probability["month"] == 6].groupby("year")["probability"].mean()
        shown_years = [y for y in june.index if y in MILESTONES] or list(june.index)
        lines += ["", "Mean probability that a terminal's cap has bound by 30 June"]
        lines += [f"  {year}: {june[year]:.0%}" for year in shown_years]
    return "\n".join(lines)
