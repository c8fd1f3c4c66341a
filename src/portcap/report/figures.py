"""Figures and tables of results for the dashboard (and the reports): Plotly, no model logic.

Each function takes results of the public API (:class:`portcap.engine.Results`, its
``summary``, the comparison table, an :class:`portcap.ensemble.EnsembleResult`, the zones)
and returns a Plotly figure or a table to show. Nothing here computes emissions or policy:
the daily ledger comes from :func:`portcap.policy.cap.daily_ledger`, the zones from
:func:`portcap.ais.zones.load_zones`.

Examples
--------
>>> summary = {"years": [{"year": 2031, "teu_demand": 10.0, "teu_turned_away": 4.0,
...     "teu_diverted_by_port": {"USOAK": 3.0}, "teu_unserved": 1.0,
...     "regional_emissions_tonnes": {"nox": 5.0}, "baseline_regional_emissions_tonnes":
...     {"nox": 9.0}, "cap_tonnes": {"nox": 5.0}, "emissions_elsewhere_change_tonnes":
...     {"co2e": 7.0}, "net_co2e_change_tonnes": 2.0, "regional_jobs_change": -3.0,
...     "compliance_cost_usd": 1.0}]}
>>> years_table(summary)[["year", "TEU turned away", "NOx cap [t]"]].to_dict("records")
[{'year': 2031, 'TEU turned away': 4.0, 'NOx cap [t]': 5.0}]
>>> [trace.name for trace in emissions_against_cap(summary).data]
['rules in force', 'scenario', 'complex cap']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

if TYPE_CHECKING:
    from portcap.ais.zones import Zones
    from portcap.engine import Results

__all__ = [
    "LEGS",
    "ais_grid_map",
    "binding_probability_figure",
    "capped_years",
    "comparison_figures",
    "diversion_sankey",
    "diverted_by_gateway_figure",
    "emissions_against_cap",
    "gateway_table",
    "ensemble_distribution_figure",
    "headline_figures",
    "inventory_bars",
    "jobs_and_climate_figure",
    "leakage_by_leg",
    "leakage_figure",
    "leakage_table",
    "ledger_figure",
    "pollutant_totals",
    "sensitivity_figure",
    "teu_figure",
    "terminal_caps_table",
    "terminal_ledger",
    "terminal_tonnes",
    "turned_away_figure",
    "years_table",
    "zones_map",
]

LEGS: tuple[str, ...] = ("ocean", "port_of_call", "rail", "truck")
"""Legs of a diverted container's new routing, as in the diversion table's columns."""

_KIND_COLOURS = {"berth": "#1f77b4", "anchorage": "#ff7f0e", "maneuvering": "#2ca02c"}
_HEIGHT = 380


def years_table(summary: Mapping[str, Any]) -> pd.DataFrame:
    """Headline figures of a run per year, with units in the column names."""
    rows = []
    for year in summary["years"]:
        regional = year["regional_emissions_tonnes"]
        baseline = year["baseline_regional_emissions_tonnes"]
        cap = year.get("cap_tonnes") or {}
        rows.append(
            {
                "year": year["year"],
                "TEU demand": year["teu_demand"],
                "TEU turned away": year["teu_turned_away"],
                "TEU diverted": sum(year["teu_diverted_by_port"].values()),
                "TEU unserved": year["teu_unserved"],
                "NOx baseline [t]": baseline["nox"],
                "NOx scenario [t]": regional["nox"],
                "NOx cap [t]": cap.get("nox"),
                "CO2e elsewhere [t]": year["emissions_elsewhere_change_tonnes"]["co2e"],
                "net CO2e [t]": year["net_co2e_change_tonnes"],
                "regional jobs": year["regional_jobs_change"],
                "compliance cost [$]": year["compliance_cost_usd"],
            }
        )
    return pd.DataFrame(rows)


def headline_figures(summary: Mapping[str, Any], years: tuple[int, ...]) -> pd.DataFrame:
    """Return the headline figures of the given years (the rows of :func:`years_table` kept)."""
    table = years_table(summary)
    return table[table["year"].isin(years)].reset_index(drop=True)


def pollutant_totals(emissions: pd.DataFrame, by: str, pollutants: tuple[str, ...]) -> pd.DataFrame:
    """Return emissions summed by ``by`` (rows) and pollutant (columns, in the given order) [t].

    Examples
    --------
    >>> table = pd.DataFrame({"source": ["ogv", "ogv", "rail"], "pollutant": ["nox", "co2e",
    ...     "nox"], "mass_tonnes": [2.0, 9.0, 1.0]})
    >>> pollutant_totals(table, "source", ("nox", "co2e")).to_dict("records")
    [{'source': 'ogv', 'nox': 2.0, 'co2e': 9.0}, {'source': 'rail', 'nox': 1.0, 'co2e': nan}]
    """
    return (
        emissions[emissions["pollutant"].isin(pollutants)]
        .pivot_table(index=by, columns="pollutant", values="mass_tonnes", aggfunc="sum")
        .reindex(columns=list(pollutants))
        .rename_axis(columns=None)
        .reset_index()
    )


def terminal_tonnes(emissions: pd.DataFrame, pollutant: str) -> dict[str, float]:
    """Return each terminal's emissions of one pollutant [t] (for :func:`zones_map`)."""
    chosen = emissions[emissions["pollutant"] == pollutant]
    return {str(k): float(v) for k, v in chosen.groupby("terminal")["mass_tonnes"].sum().items()}


def capped_years(results: Results) -> list[int]:
    """Return the years in which a run had caps on single terminals."""
    caps = results.caps
    if not len(caps):
        return []
    return sorted(int(y) for y in caps.loc[caps["scope"] == "terminal", "year"].unique())


def terminal_caps_table(results: Results, year: int) -> pd.DataFrame:
    """Return the container terminals of one year with their caps, emissions and cargo."""
    caps = results.caps
    rows = caps[(caps["scope"] == "terminal") & (caps["year"] == year)]
    return results.terminals[results.terminals["year"] == year].merge(
        rows[["target", "pollutant", "cap_tonnes", "before_tonnes", "after_tonnes"]],
        left_on="terminal",
        right_on="target",
        how="left",
    )[
        [
            "terminal",
            "pollutant",
            "cap_tonnes",
            "before_tonnes",
            "after_tonnes",
            "binding_date",
            "teu_demand",
            "teu_turned_away",
            "allowed_share",
        ]
    ]


def terminal_ledger(results: Results, year: int, terminal: str) -> pd.DataFrame:
    """Return a capped terminal's daily ledger in one year against its cap.

    :func:`portcap.policy.cap.daily_ledger` on the run's inputs: the terminal's emissions
    after the policy and its cap (the caps table), the share of its cargo it handled (the
    terminals table), and the year's activity profile
    (:func:`portcap.forecast.daily_profile`).
    """
    from portcap.forecast import daily_profile
    from portcap.policy.cap import daily_ledger

    table = terminal_caps_table(results, year)
    row = table[table["terminal"] == terminal].iloc[0]
    return daily_ledger(
        daily_profile(year),
        handled_tonnes=float(row["after_tonnes"]),
        allowed_share=float(row["allowed_share"]),
        cap_tonnes=float(row["cap_tonnes"]),
    )


def gateway_table(year_summary: Mapping[str, Any]) -> pd.DataFrame:
    """Return one year's diverted TEU by gateway, most first (from ``summary["years"]``)."""
    diverted: dict[str, float] = year_summary["teu_diverted_by_port"]
    ranked = sorted(diverted.items(), key=lambda item: -item[1])
    return pd.DataFrame(ranked, columns=["gateway", "TEU diverted"])


def _layout(figure: go.Figure, title: str, *, years: bool = False) -> go.Figure:
    figure.update_layout(
        title=title,
        height=figure.layout.height or _HEIGHT,  # a figure's own height stays
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        autosize=True,
    )
    if years:
        figure.update_xaxes(dtick=1, tickformat="d")  # whole years, not 2,030.5
    return figure


def emissions_against_cap(summary: Mapping[str, Any], pollutant: str = "nox") -> go.Figure:
    """Regional emissions of a pollutant per year: rules in force, the scenario and the cap."""
    years = [y["year"] for y in summary["years"]]
    baseline = [y["baseline_regional_emissions_tonnes"].get(pollutant) for y in summary["years"]]
    scenario = [y["regional_emissions_tonnes"].get(pollutant) for y in summary["years"]]
    cap = [(y.get("cap_tonnes") or {}).get(pollutant) for y in summary["years"]]
    figure = go.Figure(
        [
            go.Scatter(x=years, y=baseline, name="rules in force", mode="lines+markers"),
            go.Scatter(x=years, y=scenario, name="scenario", mode="lines+markers"),
            go.Scatter(x=years, y=cap, name="complex cap", line={"dash": "dot"}, mode="lines"),
        ]
    )
    figure.update_yaxes(rangemode="tozero", title="metric tonnes per year")
    return _layout(figure, f"Regional {pollutant.upper()} against the cap [t]", years=True)


def teu_figure(summary: Mapping[str, Any]) -> go.Figure:
    """Container TEU per year: handled, diverted to other gateways, unserved."""
    table = years_table(summary)
    handled = table["TEU demand"] - table["TEU turned away"]
    figure = go.Figure(
        [
            go.Bar(x=table["year"], y=handled, name="handled"),
            go.Bar(x=table["year"], y=table["TEU diverted"], name="diverted"),
            go.Bar(x=table["year"], y=table["TEU unserved"], name="unserved"),
        ]
    )
    figure.update_layout(barmode="stack")
    return _layout(figure, "Container TEU of the San Pedro Bay terminals", years=True)


def inventory_bars(emissions: pd.DataFrame, *, by: str, pollutant: str) -> go.Figure:
    """Bars of one pollutant by ``by`` (``source`` or ``terminal``), stacked by the other."""
    other = "terminal" if by == "source" else "source"
    table = emissions[emissions["pollutant"] == pollutant].pivot_table(
        index=by, columns=other, values="mass_tonnes", aggfunc="sum", fill_value=0.0
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    figure = go.Figure([go.Bar(x=table.index, y=table[c], name=str(c)) for c in table.columns])
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title="metric tonnes")
    return _layout(figure, f"{pollutant.upper()} by {by} [t]")


def zones_map(zones: Zones, terminal_tonnes: Mapping[str, float] | None = None) -> go.Figure:
    """Map the zones on longitude and latitude, with each terminal's emissions.

    The map is drawn from the zone polygons alone (no tiles), so it needs no internet.
    """
    table = zones.table.to_pandas()
    figure = go.Figure()
    shown_kinds: set[str] = set()
    for row, geometry in zip(table.to_dict("records"), zones.geometry, strict=True):
        kind = str(row["kind"])
        for polygon in getattr(geometry, "geoms", [geometry]):
            lon, lat = np.asarray(shapely.get_coordinates(polygon.exterior)).T
            terminal = str(row["terminal"] or "")
            label = f"{row['name']}<br>{kind}" + (f"<br>{terminal}" if terminal else "")
            if terminal_tonnes and terminal in terminal_tonnes:
                label += f"<br>{terminal_tonnes[terminal]:,.1f} t"
            figure.add_trace(
                go.Scatter(
                    x=lon,
                    y=lat,
                    fill="toself",
                    mode="lines",
                    line={"width": 1, "color": _KIND_COLOURS.get(kind, "#7f7f7f")},
                    name=kind,
                    legendgroup=kind,
                    showlegend=kind not in shown_kinds,
                    text=label,
                    hoverinfo="text",
                    hoveron="fills",
                )
            )
            shown_kinds.add(kind)
    if terminal_tonnes:
        with_geometry = table.assign(geometry=list(zones.geometry))
        berths = with_geometry[with_geometry["kind"] == "berth"]
        berths = berths[berths["terminal"].isin(list(terminal_tonnes))]
        points = berths.groupby("terminal")["geometry"].agg(
            lambda g: shapely.union_all(list(g)).centroid
        )
        values = np.array([terminal_tonnes[t] for t in points.index], dtype=float)
        figure.add_trace(
            go.Scatter(
                x=[p.x for p in points],
                y=[p.y for p in points],
                mode="markers",
                marker={
                    "size": 6 + 18 * np.sqrt(values / max(values.max(), 1e-9)),
                    "color": values,
                    "colorscale": "YlOrRd",
                    "showscale": True,
                    "colorbar": {"title": "t", "len": 0.6},
                    "line": {"width": 1, "color": "#333"},
                },
                name="terminal emissions",
                hovertext=[f"{t}: {v:,.1f} t" for t, v in zip(points.index, values, strict=True)],
                hoverinfo="text",
            )
        )
    bounds = zones.bounds
    lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
    lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
    mid_latitude = float((lat_min + lat_max) / 2)
    figure.update_xaxes(
        title="longitude [deg]", range=[lon_min - 0.01, lon_max + 0.01], constrain="domain"
    )
    figure.update_yaxes(
        title="latitude [deg]",
        range=[lat_min - 0.01, lat_max + 0.01],
        scaleanchor="x",
        scaleratio=1 / np.cos(np.radians(mid_latitude)),
    )
    figure.update_layout(height=720, legend={"orientation": "h", "y": -0.12})
    return _layout(
        figure, "San Pedro Bay zones" + (" and terminal emissions" if terminal_tonnes else "")
    )


def ais_grid_map(gridded: pd.DataFrame, pollutant: str, zones: Zones) -> go.Figure:
    """Heat map of ship emissions by grid cell from AIS, with the zone outlines [kg].

    ``gridded`` is :attr:`portcap.engine.ShipsRun.gridded` (``cell_lat_deg,
    cell_lon_deg, pollutant, mass_kg``). The view opens on the zones; the whole grid is
    there to pan and zoom.
    """
    part = gridded[gridded["pollutant"] == pollutant]
    table = part.pivot_table(
        index="cell_lat_deg", columns="cell_lon_deg", values="mass_kg", aggfunc="sum"
    )
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=table.columns.to_numpy(dtype=float),
            y=table.index.to_numpy(dtype=float),
            colorscale="YlOrRd",
            colorbar={"title": "kg", "len": 0.6},
            hovertemplate="lon %{x:.3f}, lat %{y:.3f}: %{z:,.1f} kg<extra></extra>",
            name=pollutant,
        )
    )
    for geometry in zones.geometry:
        for polygon in getattr(geometry, "geoms", [geometry]):
            lon, lat = np.asarray(shapely.get_coordinates(polygon.exterior)).T
            figure.add_trace(
                go.Scatter(
                    x=lon,
                    y=lat,
                    mode="lines",
                    line={"width": 1, "color": "#1f3b57"},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    bounds = zones.bounds
    lat_min, lat_max = bounds[:, 1].min() - 0.1, bounds[:, 3].max() + 0.05
    figure.update_xaxes(
        title="longitude [deg]",
        range=[bounds[:, 0].min() - 0.2, bounds[:, 2].max() + 0.2],
        constrain="domain",
    )
    figure.update_yaxes(
        title="latitude [deg]",
        range=[lat_min, lat_max],
        scaleanchor="x",
        scaleratio=1 / np.cos(np.radians((lat_min + lat_max) / 2)),
    )
    figure.update_layout(height=640)
    return _layout(figure, f"Ship {pollutant.upper()} from AIS by grid cell [kg]")


def ledger_figure(ledger: pd.DataFrame, terminal: str, year: int) -> go.Figure:
    """Plot a terminal's daily ledger (:func:`portcap.policy.cap.daily_ledger`) and its cap."""
    turning = ledger[ledger["turning_away"]]
    figure = go.Figure(
        [
            go.Scatter(x=ledger["date"], y=ledger["cumulative_tonnes"], name="cumulative"),
            go.Scatter(x=ledger["date"], y=ledger["cap_tonnes"], name="cap", line={"dash": "dot"}),
        ]
    )
    if len(turning):
        figure.add_vrect(
            x0=turning["date"].iloc[0],
            x1=turning["date"].iloc[-1],
            fillcolor="#d62728",
            opacity=0.12,
            line_width=0,
            annotation_text="turning cargo away",
        )
    figure.update_yaxes(rangemode="tozero", title="metric tonnes")
    return _layout(figure, f"{terminal} {year}: cumulative emissions against the cap [t]")


def turned_away_figure(terminals: pd.DataFrame, year: int) -> go.Figure:
    """TEU handled and turned away per container terminal in one year."""
    part = terminals[terminals["year"] == year].sort_values("terminal")
    figure = go.Figure(
        [
            go.Bar(x=part["terminal"], y=part["teu_handled"], name="handled"),
            go.Bar(x=part["terminal"], y=part["teu_turned_away"], name="turned away"),
        ]
    )
    figure.update_layout(barmode="stack")
    return _layout(figure, f"{year}: TEU handled and turned away by terminal")


def diverted_by_gateway_figure(diversion: pd.DataFrame) -> go.Figure:
    """Turned-away TEU per year, stacked by the gateway they go to (or ``unserved``)."""
    flows = (
        diversion.groupby(["year", "gateway"], as_index=False)["teu"].sum()
        if len(diversion)
        else pd.DataFrame(columns=["year", "gateway", "teu"])
    )
    figure = go.Figure(
        [
            go.Bar(x=group["year"], y=group["teu"], name=str(name))
            for name, group in flows.groupby("gateway")
        ]
    )
    figure.update_layout(barmode="stack")
    return _layout(figure, "Where turned-away TEU go (gateway or unserved)", years=True)


def leakage_figure(summary: Mapping[str, Any]) -> go.Figure:
    """CO2e change outside the basin and the net change worldwide, per year [t]."""
    table = years_table(summary)
    figure = go.Figure(
        [
            go.Bar(x=table["year"], y=table["CO2e elsewhere [t]"], name="CO2e change elsewhere"),
            go.Scatter(x=table["year"], y=table["net CO2e [t]"], name="net CO2e change"),
        ]
    )
    return _layout(figure, "Leakage: CO2e outside the basin and net worldwide [t]", years=True)


def diversion_sankey(diversion: pd.DataFrame, year: int) -> go.Figure:
    """Flow of turned-away TEU in one year: port -> gateway (or unserved) -> destination."""
    part = diversion[diversion["year"] == year]
    port = part["terminal"].str.split("_").str[0]
    first = part.assign(port=port).groupby(["port", "gateway"], as_index=False)["teu"].sum()
    second = part.groupby(["gateway", "destination"], as_index=False)["teu"].sum()
    sources = [*first["port"], *second["gateway"]]
    targets = [*first["gateway"], *("to " + second["destination"])]
    values = [*first["teu"], *second["teu"]]
    labels = list(dict.fromkeys([*sources, *targets]))
    index = {label: i for i, label in enumerate(labels)}
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 10},
            link={
                "source": [index[s] for s in sources],
                "target": [index[t] for t in targets],
                "value": values,
            },
        )
    )
    figure.update_layout(height=620)
    return _layout(figure, f"{year}: where turned-away TEU go (port -> gateway -> destination)")


def leakage_table(diversion: pd.DataFrame, year: int, pollutant: str) -> pd.DataFrame:
    """Change in emissions of a pollutant by leg, in the region and elsewhere, in one year [t]."""
    part = diversion[diversion["year"] == year]
    rows = []
    for leg in LEGS:
        row: dict[str, object] = {"leg": leg}
        for where in ("regional", "elsewhere"):
            column = f"{leg}_{where}_{pollutant}_tonnes"
            row[where] = float(part[column].sum()) if column in part else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def leakage_by_leg(diversion: pd.DataFrame, year: int, pollutant: str) -> go.Figure:
    """Bars of :func:`leakage_table`: the change by leg, in the basin and outside it."""
    table = leakage_table(diversion, year, pollutant)
    figure = go.Figure(
        [
            go.Bar(x=table["leg"], y=table["regional"], name="in the South Coast basin"),
            go.Bar(x=table["leg"], y=table["elsewhere"], name="elsewhere"),
        ]
    )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="change, metric tonnes")
    return _layout(figure, f"{year}: change in {pollutant.upper()} by leg of the new routings [t]")


def jobs_and_climate_figure(summary: Mapping[str, Any]) -> go.Figure:
    """Net CO2e change worldwide and regional jobs change per year (two axes)."""
    table = years_table(summary)
    figure = go.Figure(
        [
            go.Bar(x=table["year"], y=table["net CO2e [t]"], name="net CO2e change [t]"),
            go.Scatter(
                x=table["year"],
                y=table["regional jobs"],
                name="regional jobs change",
                yaxis="y2",
                mode="lines+markers",
            ),
        ]
    )
    figure.update_layout(
        yaxis={"title": "t CO2e"},
        yaxis2={"title": "jobs", "overlaying": "y", "side": "right"},
    )
    return _layout(figure, "Net CO2e change worldwide and regional jobs", years=True)


def comparison_figures(table: pd.DataFrame) -> list[go.Figure]:
    """Per year of the comparison table: NOx cut, cargo turned away and net CO2e by scenario."""
    figures = []
    for year, part in table.groupby("year"):
        cuts = go.Figure(
            [
                go.Bar(x=part["scenario"], y=part["nox_cut_tonnes"], name="regional NOx cut [t]"),
                go.Bar(
                    x=part["scenario"],
                    y=-part["nox_elsewhere_change_tonnes"],
                    name="NOx change elsewhere, sign reversed [t]",
                ),
            ]
        )
        cuts.update_layout(barmode="group")
        cargo = go.Figure(
            [
                go.Bar(x=part["scenario"], y=part["teu_diverted"], name="diverted TEU"),
                go.Bar(x=part["scenario"], y=part["teu_unserved"], name="unserved TEU"),
            ]
        )
        cargo.update_layout(barmode="stack")
        climate = go.Figure(
            [go.Bar(x=part["scenario"], y=part["net_co2e_change_tonnes"], name="net CO2e [t]")]
        )
        figures += [
            _layout(cuts, f"{year}: NOx cut in the region and elsewhere"),
            _layout(cargo, f"{year}: cargo turned away"),
            _layout(climate, f"{year}: net CO2e change worldwide [t]"),
        ]
    return figures


def ensemble_distribution_figure(draws: pd.DataFrame, headline: str) -> go.Figure:
    """Box plots of a headline figure over the draws, per year."""
    figure = go.Figure(
        [
            go.Box(y=part[headline], name=str(year), boxpoints="outliers")
            for year, part in draws.groupby("year")
        ]
    )
    figure.update_layout(showlegend=False)
    return _layout(figure, f"{headline}: distribution over the draws, by year")


def sensitivity_figure(sensitivity: pd.DataFrame, output: str) -> go.Figure:
    """Horizontal bars of the rank correlation of each parameter with one output."""
    part = sensitivity[sensitivity["output"] == output].sort_values(
        "spearman", key=lambda s: s.abs()
    )
    figure = go.Figure(go.Bar(x=part["spearman"], y=part["parameter"], orientation="h"))
    figure.update_xaxes(range=[-1, 1], title="Spearman rank correlation")
    figure.update_layout(margin={"l": 260})
    return _layout(figure, f"What drives {output}")


def binding_probability_figure(probability: pd.DataFrame, year: int) -> go.Figure:
    """Heat map: share of draws in which each terminal's cap had bound by each month's end."""
    part = probability[probability["year"] == year]
    table = part.pivot_table(index="terminal", columns="month", values="probability")
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=list(table.index),
            zmin=0,
            zmax=1,
            colorscale="Reds",
            colorbar={"title": "P(bound)"},
        )
    )
    figure.update_layout(margin={"l": 180})
    return _layout(figure, f"{year}: probability the cap has bound by the end of each month")
