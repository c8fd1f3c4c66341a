"""The HTML report of a scenario run: key figures and charts in one self-contained file.

The report reads only :class:`portcap.engine.Results` (its ``summary`` and tables) and
adds no model logic. Plotly's library is embedded once, inline (no ``<script src>``, no
MathJax, no web fonts, no Plotly logo link), so the file opens and draws its charts without
internet.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from portcap.report import figures
from portcap.scenario import MILESTONES

if TYPE_CHECKING:
    from portcap.engine import Results

__all__ = ["comparison_html", "report_html", "write_report"]

_PLOTLY_CONFIG = {"displaylogo": False}


def _charts_html(charts: list[go.Figure]) -> str:
    """Return the figures as ``<div>`` elements, with plotly.js inlined before the first."""
    return "".join(
        figure.to_html(
            full_html=False,
            include_plotlyjs=(i == 0),
            include_mathjax=False,
            config=_PLOTLY_CONFIG,
        )
        for i, figure in enumerate(charts)
    )


def report_html(results: Results) -> str:
    """Return the report of a run as one HTML document."""
    summary: dict[str, Any] = results.summary
    scenario = results.scenario
    table = figures.years_table(summary)
    charts = _charts_html(
        [
            figures.teu_figure(summary),
            figures.emissions_against_cap(summary),
            figures.diverted_by_gateway_figure(results.diversion),
            figures.leakage_figure(summary),
        ]
    )
    milestones = table[table["year"].isin(MILESTONES)]
    shown = milestones if len(milestones) else table.tail(2)
    binding = [
        (year["year"], terminal, date)
        for year in summary["years"]
        if year["year"] in MILESTONES
        for terminal, date in year["cap_binding_dates"].items()
        if date
    ]
    binding_rows = "".join(
        f"<tr><td>{y}</td><td>{html.escape(t)}</td><td>{d}</td></tr>" for y, t, d in binding
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>portcap: {html.escape(scenario.name)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1000px}}
table{{border-collapse:collapse;font-size:0.85rem}}td,th{{border:1px solid #ccc;padding:3px 6px;
text-align:right}}th{{background:#f3f3f3}}</style></head><body>
<h1>portcap run: {html.escape(scenario.name)}</h1>
<p>{html.escape(scenario.description)}</p>
<p>Policy <b>{html.escape(summary["policy"])}</b>, base year {summary["base_year"]},
years {scenario.start_year}-{scenario.end_year}; scenario hash
<code>{html.escape(results.scenario_hash)}</code>; portcap
{html.escape(summary["provenance"]["portcap_version"])}.</p>
<h2>Milestone years</h2>
{shown.to_html(index=False, float_format=lambda v: f"{v:,.0f}", na_rep="-")}
<h2>Charts</h2>
{charts}
<h2>When the caps bind (milestone years)</h2>
<table><tr><th>year</th><th>terminal</th><th>cap reached on</th></tr>{binding_rows}</table>
<h2>All years</h2>
{table.to_html(index=False, float_format=lambda v: f"{v:,.0f}", na_rep="-")}
<p>Methods and sources: docs/methodology/ (forecast, whole port, diversion, economy).</p>
</body></html>
"""


def write_report(results: Results, path: str | Path) -> Path:
    """Write :func:`report_html` to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(results), encoding="utf-8")
    return path


def comparison_html(table: pd.DataFrame) -> str:
    """Return the comparison of scenarios as one HTML document (table and charts)."""
    charts = _charts_html(figures.comparison_figures(table))
    shown = table.drop(columns=["policy"])
    numbers = [c for c in shown.columns if c != "scenario"]
    shown[numbers] = shown[numbers].apply(pd.to_numeric, errors="coerce")  # None -> "-"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>portcap comparison</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}table{{border-collapse:collapse;
font-size:0.8rem}}td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}
th{{background:#f3f3f3}}</style></head><body>
<h1>portcap: scenarios compared</h1>
<p>Cuts are against the rules-in-force baseline; costs are annualised technology costs (the
cost of cargo turned away is in the jobs and TEU columns, not priced). Health benefits use
benefit-per-tonne values (docs/methodology/health.md).</p>
<div style="overflow-x:auto">
{shown.to_html(index=False, float_format=lambda v: f"{v:,.0f}", na_rep="-")}
</div>
{charts}
</body></html>
"""
