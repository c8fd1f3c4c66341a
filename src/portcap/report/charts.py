"""Charts of results as self-contained HTML files (Plotly; they open without internet).

Each function takes a result table of the public API and returns a Plotly figure;
:func:`write_chart` writes it with the Plotly library embedded.

Examples
--------
>>> from portcap.port_inventory import port_inventory
>>> figure = inventory_chart(port_inventory(2023).emissions)
>>> [annotation.text for annotation in figure.layout.annotations]
['NOx [t]', 'DPM [t]', 'SOx [t]', 'CO2e [kt]']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["inventory_chart", "reconciliation_chart", "write_chart"]

_PANELS: tuple[tuple[str, str, float], ...] = (
    ("nox", "NOx [t]", 1.0),
    ("dpm", "DPM [t]", 1.0),
    ("sox", "SOx [t]", 1.0),
    ("co2e", "CO2e [kt]", 1e-3),
)
_SOURCE_COLOURS = {
    "ogv": "#1f77b4",
    "harbor_craft": "#17becf",
    "cargo_handling": "#ff7f0e",
    "truck": "#d62728",
    "rail": "#8c564b",
    "light_duty": "#7f7f7f",
}


def inventory_chart(emissions: pd.DataFrame, *, by: str = "source") -> go.Figure:
    """Stacked bars of NOx, DPM, SOx and CO2e by port (and year), split by ``by``.

    Parameters
    ----------
    emissions : DataFrame
        The emissions table of :func:`portcap.port_inventory.port_inventory`.
    by : {'source', 'terminal', 'mode'}
        What the stacks are made of.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    frame = emissions.assign(
        bar=emissions["port"].astype(str) + " " + emissions["year"].astype(str),
        part=emissions["source"] + "/" + emissions["mode"] if by == "mode" else emissions[by],
    )
    figure = make_subplots(rows=1, cols=len(_PANELS), subplot_titles=[p[1] for p in _PANELS])
    parts = sorted(frame["part"].unique(), key=lambda p: (p not in _SOURCE_COLOURS, p))
    for column, (pollutant, _title, scale) in enumerate(_PANELS, start=1):
        table = (
            frame[frame["pollutant"] == pollutant]
            .pivot_table(index="bar", columns="part", values="mass_tonnes", aggfunc="sum")
            .reindex(columns=parts)
            .fillna(0.0)
            * scale
        )
        for part in parts:
            figure.add_trace(
                go.Bar(
                    x=table.index,
                    y=table[part],
                    name=str(part),
                    legendgroup=str(part),
                    showlegend=column == 1,
                    marker_color=_SOURCE_COLOURS.get(str(part)),
                ),
                row=1,
                col=column,
            )
    figure.update_layout(
        barmode="stack",
        title=f"Emissions by {by} (metric tonnes; CO2e in thousand tonnes)",
        height=480,
        width=1300,
    )
    return figure


def reconciliation_chart(table: pd.DataFrame) -> go.Figure:
    """Modelled and published changes side by side, with the tolerance as error bars.

    Parameters
    ----------
    table : DataFrame
        The reconciliation table of :func:`portcap.validation.reconcile`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    changes = table[table["check"] == "change"]
    label = changes["port"] + " " + changes["pollutant"].str.upper()
    figure = go.Figure(
        [
            go.Bar(
                x=label,
                y=changes["published"],
                name="published",
                marker_color="#7f7f7f",
                error_y={"type": "data", "array": changes["tolerance"], "visible": True},
            ),
            go.Bar(
                x=label,
                y=changes["modelled"],
                name="portcap",
                marker_color=["#2ca02c" if ok else "#d62728" for ok in changes["passed"]],
            ),
        ]
    )
    years = f"{int(changes['year_from'].min())} to {int(changes['year_to'].max())}"
    figure.update_layout(
        barmode="group",
        title=f"Change {years}, percent: published (with tolerance) and modelled",
        yaxis_title="change [%]",
        height=480,
        width=1100,
    )
    return figure


def write_chart(figure: go.Figure, path: str | Path) -> Path:
    """Write a figure as a self-contained HTML file (Plotly embedded; works offline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.write_html(path, include_plotlyjs=True, full_html=True)
    return path
