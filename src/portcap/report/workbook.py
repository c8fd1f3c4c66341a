"""The spreadsheet of a run or a comparison: the main tables and where every input comes from.

:func:`write_run_workbook` writes ``report.xlsx`` (``portcap run``) and
:func:`write_comparison_workbook` writes ``comparison.xlsx`` (``portcap compare``). Each
sheet holds one table: the header row is bold and frozen, headers carry units in brackets,
numbers are stored as numbers with a number format, dates as dates. The sheet
"Sources and assumptions" lists the parameters of the run (:func:`scenario_parameters`):
value, unit, whether the scenario set it, and where the default comes from (``source_ids``
into the project's bibliography ``portcap/data/factors/sources.csv``, ``portcap_assumption``
for an assumption), followed by the bibliography rows cited.

Like the HTML report, the workbook only reads :class:`portcap.engine.Results`, the
comparison table and the provenance the parameter models carry
(:func:`portcap.factors.sourced`); it adds no model logic.

Examples
--------
>>> from portcap.scenario import load_scenario
>>> table = scenario_parameters(load_scenario("pr2304-cap"))
>>> row = table[table["parameter"] == "teu_growth_per_year"].iloc[0]
>>> row["section"], row["value"], row["unit"], row["set_by"]
('forecast', 0.018, '1/year', 'default')
>>> "spb_teu_2024" in row["source_ids"].split(", ")
True
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from portcap import __version__, factors
from portcap.errors import InputError
from portcap.scenario import stage_models

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from portcap.baseline import ActivitySet
    from portcap.engine import Results
    from portcap.scenario import Scenario

__all__ = [
    "COMPARISON_SHEETS",
    "PARAMETER_COLUMNS",
    "RUN_SHEETS",
    "SOURCES_SHEET",
    "model_parameters",
    "scenario_parameters",
    "summary_table",
    "write_comparison_workbook",
    "write_run_workbook",
]

SOURCES_SHEET = "Sources and assumptions"
"""Name of the sheet of parameters and bibliography."""

RUN_SHEETS: tuple[str, ...] = (
    "Summary",
    "Emissions",
    "Terminals",
    "Caps",
    "Diversion by gateway",
    "Clean technology",
    "Payments",
    "Indicators",
    SOURCES_SHEET,
    "About",
)
"""Sheets of a run's workbook, in order (tables a run does not fill keep their header)."""

COMPARISON_SHEETS: tuple[str, ...] = ("Comparison", "Years", SOURCES_SHEET, "About")
"""Sheets of a comparison's workbook, in order."""

PARAMETER_COLUMNS: tuple[str, ...] = (
    "section",
    "parameter",
    "value",
    "unit",
    "default",
    "set_by",
    "source_ids",
    "tag",
    "basis",
    "description",
)
"""Columns of :func:`scenario_parameters`."""

_CellValue = bool | int | float | str | dt.date | None
"""What a cell holds (``datetime.datetime`` is a ``datetime.date``)."""

_BIBLIOGRAPHY_COLUMNS = ("source_id", "citation", "url", "edition", "accessed")

# Scalar keys of a scenario listed as its own choices (the caps are listed one per row).
_SCENARIO_KEYS = {
    "policy": "regime: none, cap, funding, points_fee, trading or agreement",
    "base_year": "year of the observed inventory the forecast starts from",
    "start_year": "first modelled year",
    "end_year": "last modelled year",
    "technology_first": "terminals take clean-technology measures before turning cargo away",
    "turn_away": "terminals turn cargo away for the rest of the year once a cap is reached",
    "excluded_gateways": "gateways diverted cargo may not use",
}
_TAG = re.compile(r"\[(V-3p|V|D|R)\]")

# --------------------------------------------------------------------------------------
# Headers and number formats
# --------------------------------------------------------------------------------------
_WORDS = {
    "teu": "TEU",
    "nox": "NOx",
    "pm25": "PM2.5",
    "dpm": "DPM",
    "sox": "SOx",
    "co2e": "CO2e",
    "co2": "CO2",
    "usd": "USD",
}
_UNIT_SUFFIXES = (("_tonnes", "t"), ("_usd", "USD"))
_HEADERS = {
    "usd": "amount [USD]",
    "usd_per_tonne_regional_nox_cut": "technology cost per t of regional NOx cut [USD/t]",
    "usd_per_tonne_net_nox_cut": "technology cost per t of net NOx cut [USD/t]",
    "terminal_cost_usd": "cost to terminals [USD]",
    "technology_cost_usd": "technology cost [USD]",
    "public_cost_usd": "public cost [USD]",
    "health_benefits_usd": "health benefits [USD]",
    "regional_jobs_change": "regional jobs change [jobs]",
    "net_co2e_change_tonnes": "net CO2e change [t]",
    "terminal_caps_reached": "terminal caps reached [count]",
    "binding_cap": "binding cap",
    "met": "cap met",
    "source_ids": "source_ids (of the default)",
    "source_id": "source_id",
}
_FORMAT_BY_UNIT = {
    "t": "#,##0.00",
    "USD": "#,##0",
    "USD/t": "#,##0",
    "TEU": "#,##0",
    "jobs": "#,##0",
    "count": "#,##0",
    "-": "0.000",
}
_WRAPPED = {"citation", "basis", "description", "url", "edition", "value", "default"}
_WIDTH_LIMITS = {"citation": 70, "basis": 70, "description": 60, "url": 50, "value": 36}
_WIDTH_LIMITS |= {"default": 36}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_TITLE_FONT = Font(bold=True, size=12)


def _unit(column: str) -> str | None:
    """Return the unit of a column from its name (the glossary's suffixes), if any."""
    for suffix, unit in _UNIT_SUFFIXES:
        if column.endswith(suffix):
            return unit
    if column.startswith("usd_per_tonne"):
        return "USD/t"
    if column == "teu" or column.startswith("teu_"):
        return "TEU"
    if column.endswith("_share") or column.startswith("share_"):
        return "-"
    if "jobs" in column:
        return "jobs"
    if column.endswith("_reached"):
        return "count"
    return None


def _header(column: str) -> str:
    """Readable header with the unit in brackets: ``nox_cut_tonnes`` -> ``NOx cut [t]``."""
    if column in _HEADERS:
        return _HEADERS[column]
    unit = _unit(column)
    stem = column
    for suffix, _unit_name in _UNIT_SUFFIXES:
        if column.endswith(suffix) and column != suffix[1:]:
            stem = column[: -len(suffix)]
            break
    words = " ".join(_WORDS.get(word, word) for word in stem.split("_"))
    return f"{words} [{unit}]" if unit else words


def _number_format(column: str) -> str | None:
    if column == "year" or column.endswith("_year"):
        return "0"
    if column.endswith("_date"):
        return "yyyy-mm-dd"
    unit = _unit(column)
    return _FORMAT_BY_UNIT.get(unit) if unit else None


def _cell(value: object) -> _CellValue:
    """Return a value as openpyxl stores it: numbers as numbers, empty for missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, str | dt.date):
        return value
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str)
    return str(value)


def _display_width(value: object, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float | int) and not isinstance(value, bool):
        decimals = 0 if number_format in (None, "0", "#,##0") else 3
        return len(f"{value:,.{decimals}f}")
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    *,
    start_row: int = 1,
    headers: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
) -> int:
    """Write ``frame`` with a bold header at ``start_row``; return the next free row."""
    headers = headers or {}
    formats = formats or {}
    columns = list(frame.columns)
    number_formats = [formats.get(c) or _number_format(c) for c in columns]
    widths = []
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(
            row=start_row, column=position, value=headers.get(column, _header(column))
        )
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(min(len(str(cell.value)), 40))
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    aligned = any(c in _WRAPPED for c in columns)  # long text: align every cell to the top
    for offset, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for position, raw in enumerate(row, start=1):
            value = _cell(raw)
            cell = sheet.cell(row=start_row + offset, column=position, value=value)
            number_format = number_formats[position - 1]
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            elif number_format is not None and value is not None and not isinstance(value, str):
                cell.number_format = number_format
            if columns[position - 1] in _WRAPPED and isinstance(value, str):
                cell.alignment = wrap
            elif aligned:
                cell.alignment = top
            if offset <= 500:
                widths[position - 1] = max(
                    widths[position - 1], _display_width(value, number_format)
                )
    for position, width in enumerate(widths, start=1):
        letter = get_column_letter(position)
        limit = _WIDTH_LIMITS.get(columns[position - 1], 45)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, min(max(width + 2, 8), limit))
    return start_row + len(frame) + 1


def _table_sheet(
    workbook: Workbook,
    title: str,
    frame: pd.DataFrame,
    *,
    headers: Mapping[str, str] | None = None,
    freeze: str = "A2",
) -> Worksheet:
    """Add a sheet holding one table: header frozen, filter on the header row."""
    sheet = workbook.create_sheet(title)
    end = _write_table(sheet, frame, headers=headers)
    sheet.freeze_panes = freeze
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(end - 1, 1)}"
    return sheet


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn ISO date strings in ``*_date`` columns into dates (empty where missing)."""
    out = frame.copy()
    for column in [c for c in out.columns if c.endswith("_date")]:
        parsed = pd.to_datetime(out[column], errors="coerce")
        out[column] = [None if pd.isna(v) else v.date() for v in parsed]
    return out


# --------------------------------------------------------------------------------------
# Tables read from a run
# --------------------------------------------------------------------------------------
def summary_table(results: Results) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the per-year headline figures of a run (the numbers of ``summary.json``).

    Parameters
    ----------
    results : Results
        A run of :func:`portcap.engine.run`.

    Returns
    -------
    (DataFrame, dict)
        One row per year: TEU demand, handled, turned away, diverted and unserved [TEU];
        per pollutant the regional emissions, those of the rules-in-force baseline, the
        complex cap (for pollutants a cap covers in some year) and the change elsewhere
        [t]; net CO2e change [t]; regional jobs change; output change and costs [USD];
        terminal caps reached [count]. The dict maps each column to its header.
    """
    rows: list[dict[str, object]] = []
    headers: dict[str, str] = {
        "year": "year",
        "teu_demand": "TEU demand [TEU]",
        "teu_handled": "TEU handled [TEU]",
        "teu_turned_away": "TEU turned away [TEU]",
        "teu_diverted": "TEU diverted [TEU]",
        "teu_unserved": "TEU unserved [TEU]",
    }
    years: list[dict[str, Any]] = results.summary["years"]  # type: ignore[assignment]
    pollutants = list(years[0]["regional_emissions_tonnes"]) if years else []
    for pollutant in pollutants:
        name = _WORDS.get(pollutant, pollutant)
        headers[f"regional_{pollutant}_tonnes"] = f"{name} regional [t]"
        headers[f"baseline_{pollutant}_tonnes"] = f"{name} rules in force [t]"
        headers[f"cap_{pollutant}_tonnes"] = f"{name} complex cap [t]"
        headers[f"elsewhere_change_{pollutant}_tonnes"] = f"{name} change elsewhere [t]"
    headers |= {
        "net_co2e_change_tonnes": "net CO2e change [t]",
        "regional_jobs_change": "regional jobs change [jobs]",
        "regional_output_change_usd": "regional output change [USD]",
        "compliance_cost_usd": "compliance cost [USD]",
        "technology_cost_usd": "technology cost [USD]",
        "public_cost_usd": "public cost [USD]",
        "terminal_caps_reached": "terminal caps reached [count]",
    }
    for year in years:
        cap = year.get("cap_tonnes") or {}
        row: dict[str, object] = {
            "year": year["year"],
            "teu_demand": year["teu_demand"],
            "teu_handled": year.get("teu_handled"),
            "teu_turned_away": year["teu_turned_away"],
            "teu_diverted": sum(year["teu_diverted_by_port"].values()),
            "teu_unserved": year["teu_unserved"],
        }
        for pollutant in pollutants:
            row[f"regional_{pollutant}_tonnes"] = year["regional_emissions_tonnes"][pollutant]
            row[f"baseline_{pollutant}_tonnes"] = year["baseline_regional_emissions_tonnes"][
                pollutant
            ]
            row[f"cap_{pollutant}_tonnes"] = cap.get(pollutant)
            row[f"elsewhere_change_{pollutant}_tonnes"] = year[
                "emissions_elsewhere_change_tonnes"
            ].get(pollutant)
        row |= {
            "net_co2e_change_tonnes": year["net_co2e_change_tonnes"],
            "regional_jobs_change": year["regional_jobs_change"],
            "regional_output_change_usd": year.get("regional_output_change_usd"),
            "compliance_cost_usd": year["compliance_cost_usd"],
            "technology_cost_usd": year.get("technology_cost_usd"),
            "public_cost_usd": year.get("public_cost_usd"),
            "terminal_caps_reached": sum(1 for d in year["cap_binding_dates"].values() if d),
        }
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(headers))
    # a pollutant no cap covers in any year gets no cap column
    uncapped = [f"cap_{p}_tonnes" for p in pollutants if frame[f"cap_{p}_tonnes"].isna().all()]
    frame = frame.drop(columns=uncapped)
    return frame, {k: v for k, v in headers.items() if k not in uncapped}


def _emissions_table(results: Results) -> pd.DataFrame:
    keys = ["year", "port", "source", "pollutant"]
    scenario = results.emissions.groupby(keys, as_index=False).agg(
        scenario_tonnes=("mass_tonnes", "sum")
    )
    baseline = results.baseline_emissions.groupby(keys, as_index=False).agg(
        rules_in_force_tonnes=("mass_tonnes", "sum")
    )
    both = scenario.merge(baseline, on=keys, how="outer").fillna(
        {"scenario_tonnes": 0.0, "rules_in_force_tonnes": 0.0}
    )
    both["change_tonnes"] = both["scenario_tonnes"] - both["rules_in_force_tonnes"]
    emitted = (both["scenario_tonnes"] != 0) | (both["rules_in_force_tonnes"] != 0)
    return both[emitted].sort_values(keys, ignore_index=True)


def _diverted_table(results: Results) -> pd.DataFrame:
    """TEU diverted per year (rows) and gateway (columns, largest first), then unserved."""
    years: list[dict[str, Any]] = results.summary["years"]  # type: ignore[assignment]
    frame = pd.DataFrame(
        [{"year": y["year"], **y["teu_diverted_by_port"]} for y in years],
    ).fillna(0.0)
    totals = frame.drop(columns="year").sum()
    gateways = sorted(totals.index, key=lambda g: (-float(totals[g]), str(g)))
    frame = frame[["year", *gateways]]
    frame["total_diverted"] = frame[gateways].sum(axis=1)
    frame["unserved"] = [y["teu_unserved"] for y in years]
    return frame


def _indicators_table(results: Results) -> pd.DataFrame:
    years: list[dict[str, Any]] = results.summary["years"]  # type: ignore[assignment]
    rows = [
        {"year": y["year"], "indicator": name, "value": value}
        for y in years
        for name, value in (y.get("indicators") or {}).items()
    ]
    return pd.DataFrame(rows, columns=["year", "indicator", "value"])


def _first(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame[present + [c for c in frame.columns if c not in present]]


# --------------------------------------------------------------------------------------
# Parameters and their sources
# --------------------------------------------------------------------------------------
def _diversion_provenance() -> dict[str, dict[str, str]]:
    """Source and unit of each default of ``DiversionParameters`` (from parameters.csv)."""
    from portcap.diversion.parameters import DEFAULT_SET
    from portcap.diversion.tables import load_diversion_table

    table = load_diversion_table("parameters")
    rows = table[table["parameter_set"] == DEFAULT_SET]
    return {
        str(r["parameter"]): {
            "source_ids": str(r["source_id"]),
            "basis": str(r["source_locator"]),
            "unit": str(r["unit"]),
        }
        for r in rows.to_dict("records")
    }


def _unit_of(description: str | None) -> str:
    """Return the unit a field's description gives in brackets (``[1/year]``), or ``""``."""
    match = re.search(r"\[([^\[\]]+)\]", description or "")
    return match.group(1) if match else ""


def _tag(locator: str) -> str:
    """Return the reference tag a source locator carries (``[R]``, ``[D]`` ...), or ``""``."""
    match = _TAG.search(locator)
    return match.group(1) if match else ""


def _plain(value: object) -> object:
    """Return a parameter value for a cell: scalars as they are, structures as JSON."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str, separators=(", ", ": "))
    return value


def _model_rows(
    section: str, model: type[BaseModel], changes: Mapping[str, Any]
) -> list[dict[str, object]]:
    resolved = model(**changes)
    csv = _diversion_provenance() if section == "diversion" else {}
    rows: list[dict[str, object]] = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        from_csv = csv.get(name, {})
        cited = extra.get("source_ids")
        source_ids = [str(s) for s in cited] if isinstance(cited, list) else []
        if not source_ids and from_csv.get("source_ids"):
            source_ids = [from_csv["source_ids"]]
        rows.append(
            {
                "section": section,
                "parameter": name,
                "value": _plain(getattr(resolved, name)),
                "unit": _unit_of(field.description) or from_csv.get("unit", ""),
                "default": _plain(field.get_default(call_default_factory=True)),
                "set_by": "scenario" if name in changes else "default",
                "source_ids": ", ".join(source_ids),
                "tag": str(extra.get("tag", _tag(from_csv.get("basis", "")))),
                "basis": str(extra.get("basis", from_csv.get("basis", ""))),
                "description": (field.description or "").strip(),
            }
        )
    return rows


def _scenario_rows(scenario: Scenario) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for key, description in _SCENARIO_KEYS.items():
        field = type(scenario).model_fields[key]
        rows.append(
            {
                "section": "scenario",
                "parameter": key,
                "value": _plain(getattr(scenario, key)),
                "unit": "year" if key.endswith("_year") else "",
                "default": _plain(field.get_default(call_default_factory=True)),
                "set_by": "scenario",
                "description": description,
            }
        )
    for position, cap in enumerate(scenario.caps):
        target = f" {cap.target}" if cap.target else ""
        reference = cap.reference_year or scenario.base_year
        relative = cap.pct_below is not None
        rows.append(
            {
                "section": "caps",
                "parameter": f"caps[{position}]: {_WORDS.get(cap.pollutant, cap.pollutant)} "
                f"{cap.scope}{target} from {cap.effective_year}",
                "value": cap.pct_below if relative else cap.limit_tonnes,
                "unit": f"% below {reference}" if relative else "t/year",
                "set_by": "scenario",
                "description": "cap limit: a percentage below the scope's emissions in the "
                "reference year, or an absolute yearly limit",
            }
        )
    return rows


def _activity_rows(scenario: Scenario, activity_set: ActivitySet) -> list[dict[str, object]]:
    table = activity_set["parameters"]
    mine = table[table["year"] == scenario.base_year]
    return [
        {
            "section": f"activity {scenario.base_year}",
            "parameter": f"{r['parameter']} ({r['port']})",
            "value": r["value"],
            "unit": r["unit"],
            "set_by": "activity set",
            "source_ids": r["source_id"] or "",
            "basis": r["source_locator"] or "",
            "description": _activity_description(str(r["parameter"])),
        }
        for r in mine.to_dict("records")
    ]


def _activity_description(name: str) -> str:
    from portcap.baseline import PARAMETERS

    spec = PARAMETERS.get(name)
    return spec.description if spec is not None else ""


def scenario_parameters(
    scenario: Scenario,
    *,
    activity_set: ActivitySet | None = None,
) -> pd.DataFrame:
    """List every parameter a run of ``scenario`` reads, with its value, unit and sources.

    Parameters
    ----------
    scenario : Scenario
        The resolved scenario (``Results.scenario``).
    activity_set : ActivitySet, optional
        The observed activity the run started from; its base-year parameters
        (``parameters.csv``) are listed too. Default: the packaged San Pedro Bay baseline,
        as in :func:`portcap.engine.run`.

    Returns
    -------
    DataFrame
        :data:`PARAMETER_COLUMNS`: ``section`` (``scenario``, ``caps``, ``forecast``,
        ``diversion``, ``economy``, ``technology``, the regime's parameters, ``activity
        <year>``), ``parameter``, ``value`` and ``default`` (numbers as numbers, structures
        as JSON text), ``unit``, ``set_by`` (``scenario``, ``default`` or ``activity
        set``), ``source_ids`` (comma-separated keys into ``sources.csv``: the sources of
        the default, or of the activity value), ``tag`` (``V`` verified, ``V-3p``
        third-party copy, ``D`` derived, ``R`` recalled), ``basis`` (the figure taken, the
        arithmetic or the reasoning of an assumption) and ``description``.
    """
    from portcap.baseline import load_activity_set

    rows = _scenario_rows(scenario)
    for section, model in stage_models(scenario).items():
        rows += _model_rows(section, model, getattr(scenario, section))
    rows += _activity_rows(scenario, activity_set or load_activity_set())
    frame = pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))
    text = ["unit", "set_by", "source_ids", "tag", "basis", "description"]
    frame[text] = frame[text].fillna("")
    return frame


def _cited(source_ids: Iterable[str]) -> list[str]:
    """Distinct source IDs in order of first citation (from comma-separated cells)."""
    cited: dict[str, None] = {}
    for cell in source_ids:
        for source_id in str(cell).split(","):
            if source_id.strip():
                cited[source_id.strip()] = None
    return list(cited)


def _bibliography(source_ids: Sequence[str]) -> pd.DataFrame:
    known = factors.sources().set_index("source_id")
    rows = []
    for source_id in source_ids:
        if source_id in known.index:
            rows.append({"source_id": source_id, **known.loc[source_id].to_dict()})
        else:
            rows.append({"source_id": source_id, "citation": "(not in sources.csv)"})
    return pd.DataFrame(rows, columns=list(_BIBLIOGRAPHY_COLUMNS))


def _sources_sheet(workbook: Workbook, parameters: pd.DataFrame) -> Worksheet:
    """Parameters (header frozen), then the bibliography rows they cite."""
    sheet = _table_sheet(workbook, SOURCES_SHEET, parameters, freeze="C2")
    row = len(parameters) + 3
    title = sheet.cell(row=row, column=1, value="Bibliography: the sources cited above")
    title.font = _TITLE_FONT
    bibliography = _bibliography(_cited(parameters["source_ids"]))
    _write_table(sheet, bibliography, start_row=row + 1)
    return sheet


def _about_sheet(workbook: Workbook, rows: Sequence[tuple[str, object]]) -> Worksheet:
    sheet = workbook.create_sheet("About")
    frame = pd.DataFrame(rows, columns=["item", "value"])
    _write_table(sheet, frame)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 110
    for cells in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


_NOTES = (
    "Numbers are stored unrounded (the values of summary.json); the number formats only "
    "round what is shown. t = metric tonnes; USD of the year of each source "
    "(docs/methodology/economy.md).",
    "Summary: regional emissions are the ports' inventory after the policy plus the legs of "
    "diverted cargo that lie inside the South Coast Air Basin; the Emissions sheet has the "
    "ports' inventory by source only.",
    "Sources and assumptions: source_ids are keys into the bibliography below the "
    "parameters (portcap/data/factors/sources.csv); for a value the scenario set, they "
    "document the default it replaced. portcap_assumption marks a value chosen without a "
    "public source, with its reasoning in basis.",
)


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------
def _checked_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("a workbook must be an .xlsx file", path=path)
    if path.is_dir():
        raise InputError("is a folder; expected the path of an .xlsx file", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the folder of the workbook: {error}", path=path) from None
    return path


def _save(workbook: Workbook, path: Path) -> Path:
    try:
        workbook.save(path)
    except OSError as error:
        raise InputError(f"cannot write the workbook: {error}", path=path) from None
    return path


def write_run_workbook(
    results: Results, path: str | Path, *, activity_set: ActivitySet | None = None
) -> Path:
    """Write the spreadsheet of a run (``report.xlsx``): main tables, sources and assumptions.

    Parameters
    ----------
    results : Results
        A run of :func:`portcap.engine.run`.
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    activity_set : ActivitySet, optional
        The activity set the run used (default: the packaged San Pedro Bay baseline, as
        :func:`portcap.engine.run`); its base-year parameters are listed with their sources.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` does not end in ``.xlsx``, is a folder, or cannot be written.

    Notes
    -----
    Sheets (:data:`RUN_SHEETS`): *Summary* (:func:`summary_table`: the figures of
    ``summary.json`` per year), *Emissions* (the ports' inventory per year, port, source
    and pollutant under the scenario and under the rules in force [t]), *Terminals* (TEU
    and the date each terminal's cap was reached), *Caps* (each cap in force, its limit and
    the emissions before and after the response), *Diversion by gateway* (TEU per year and
    gateway, and unserved), *Clean technology* (measures taken), *Payments*, *Indicators*
    (the regime's own figures), *Sources and assumptions* (:func:`scenario_parameters`
    and the bibliography rows cited) and *About* (scenario, hash, version, notes).
    """
    from portcap.policy.base import MEASURE_COLUMNS

    path = _checked_path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    summary, headers = summary_table(results)
    _table_sheet(workbook, "Summary", summary, headers=headers, freeze="B2")
    _table_sheet(workbook, "Emissions", _emissions_table(results))
    _table_sheet(workbook, "Terminals", _dates(_first(results.terminals, ["year"])))
    _table_sheet(workbook, "Caps", _first(results.caps, ["year"]))
    diverted = _diverted_table(results)
    gateway_headers = {c: f"{c} [TEU]" for c in diverted.columns if c != "year"}
    gateway_headers |= {"total_diverted": "total diverted [TEU]", "unserved": "unserved [TEU]"}
    _table_sheet(workbook, "Diversion by gateway", diverted, headers=gateway_headers, freeze="B2")
    measures = results.measures[[c for c in MEASURE_COLUMNS if c in results.measures.columns]]
    _table_sheet(workbook, "Clean technology", measures)
    _table_sheet(workbook, "Payments", _first(results.payments, ["year"]))
    _table_sheet(workbook, "Indicators", _indicators_table(results))
    _sources_sheet(workbook, scenario_parameters(results.scenario, activity_set=activity_set))
    summary_data: dict[str, Any] = results.summary
    provenance = summary_data.get("provenance", {})
    scenario = results.scenario
    _about_sheet(
        workbook,
        [
            ("workbook", "portcap run: main tables of a scenario run, sources and assumptions"),
            ("scenario", scenario.name),
            ("description", scenario.description),
            ("policy", scenario.policy),
            ("base year", scenario.base_year),
            ("years", f"{scenario.start_year}-{scenario.end_year}"),
            ("scenario hash", results.scenario_hash),
            ("portcap version", provenance.get("portcap_version", __version__)),
            ("sources of the data tables", ", ".join(provenance.get("data_sources", []))),
            *(("note", note) for note in _NOTES),
        ],
    )
    return _save(workbook, path)


def write_comparison_workbook(
    table: pd.DataFrame,
    results: Sequence[Results],
    path: str | Path,
    *,
    activity_set: ActivitySet | None = None,
) -> Path:
    """Write the spreadsheet of a comparison (``comparison.xlsx``).

    Parameters
    ----------
    table : DataFrame
        From :func:`portcap.comparison.comparison_table` (:data:`COMPARISON_COLUMNS`).
    results : sequence of Results
        The runs compared (their yearly figures and parameters are listed); may be empty,
        in which case only the comparison and the health-benefit parameters are written.
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    activity_set : ActivitySet, optional
        The activity set of the runs (default: the packaged San Pedro Bay baseline).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        If ``path`` does not end in ``.xlsx``, is a folder, or cannot be written.

    Notes
    -----
    Sheets (:data:`COMPARISON_SHEETS`): *Comparison* (the table, one row per scenario and
    milestone year), *Years* (each run's :func:`summary_table`, every year), *Sources and
    assumptions* (each scenario's :func:`scenario_parameters`, the health-benefit
    parameters of the table, and the bibliography rows cited) and *About*.
    """
    from portcap.policy.health import HealthParameters

    path = _checked_path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    _table_sheet(workbook, "Comparison", table, freeze="C2")
    years = []
    headers: dict[str, str] = {"scenario": "scenario"}
    for result in results:
        frame, names = summary_table(result)
        years.append(frame.assign(scenario=result.scenario.name))
        headers |= names
    years_table = (
        _first(pd.concat(years, ignore_index=True), ["scenario"])
        if years
        else pd.DataFrame(columns=["scenario", "year"])
    )
    _table_sheet(workbook, "Years", years_table, headers=headers, freeze="C2")
    parameters = [
        scenario_parameters(r.scenario, activity_set=activity_set).assign(scenario=r.scenario.name)
        for r in results
    ]
    health = model_parameters({"health": HealthParameters()})
    merged = pd.concat([*parameters, health.assign(scenario="(all)")], ignore_index=True)
    _sources_sheet(workbook, _first(merged, ["scenario"]))
    _about_sheet(
        workbook,
        [
            ("workbook", "portcap compare: scenarios side by side, sources and assumptions"),
            *(
                (
                    f"scenario {r.scenario.name}",
                    f"{r.scenario.description} (policy "
                    f"{r.scenario.policy}, hash {r.scenario_hash})",
                )
                for r in results
            ),
            ("portcap version", __version__),
            (
                "comparison",
                "cuts are against the rules-in-force baseline; technology cost is the "
                "annualised cost of the clean technology taken, whoever pays; health "
                "benefits value the regional cuts with benefit-per-tonne figures "
                "(docs/methodology/compare.md)",
            ),
            *(("note", note) for note in _NOTES),
        ],
    )
    return _save(workbook, path)


def model_parameters(models: Mapping[str, BaseModel]) -> pd.DataFrame:
    """List parameter sets that belong to no scenario (e.g. the health valuation).

    Parameters
    ----------
    models : mapping of str to pydantic model
        Section name -> the parameter set as used.

    Returns
    -------
    DataFrame
        :data:`PARAMETER_COLUMNS`, as :func:`scenario_parameters`; ``set_by`` is
        ``default`` where the value is the model's default, else ``given``.
    """
    rows: list[dict[str, object]] = []
    for section, parameters in models.items():
        changes = {
            name: value
            for name, value in parameters.model_dump().items()
            if value != type(parameters).model_fields[name].get_default(call_default_factory=True)
        }
        rows += _model_rows(section, type(parameters), changes)
    for row in rows:
        if row["set_by"] == "scenario":
            row["set_by"] = "given"
    return pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))
