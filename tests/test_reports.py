"""The spreadsheets of `portcap run` and `portcap compare`: same totals as summary.json, sources.

The runs are short (two years, or one) so that a cap binds in 2031 at a small cost; the
engine caches projections per process, so the other modules' runs of the same years are
reused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from portcap import cli, comparison, economy, engine, factors, forecast, output
from portcap.errors import InputError
from portcap.policy import technology
from portcap.report import workbook


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[engine.Results, Path]:
    folder = tmp_path_factory.mktemp("reports")
    scenario = folder / "cap-short.yaml"
    # economy changes no projection (the cache is reused) but is a value the scenario sets
    scenario.write_text(
        "extends: pr2304-cap\nstart_year: 2030\nend_year: 2031\n"
        "economy: {jobs_per_1000_teu: 12.5}\n",
        encoding="utf-8",
    )
    results = engine.run(scenario)
    written = output.write_run(results, folder / "run")
    assert written["workbook"] == folder / "run" / "report.xlsx"
    return results, folder / "run"


@pytest.fixture(scope="module")
def run_book(run_folder: tuple[engine.Results, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(run_folder[1] / "report.xlsx")


@pytest.fixture(scope="module")
def summary(run_folder: tuple[engine.Results, Path]) -> dict[str, Any]:
    return json.loads((run_folder[1] / "summary.json").read_text())


@pytest.fixture(scope="module")
def short_pair(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("pair")
    paths = []
    for name in ("baseline", "pr2304-cap"):
        path = folder / f"{name}.yaml"
        path.write_text(f"extends: {name}\nstart_year: 2031\nend_year: 2031\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def compared(
    short_pair: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[pd.DataFrame, list[engine.Results], dict[str, Path]]:
    table, results = comparison.compare(short_pair, years=(2031,))
    written = output.write_comparison(table, tmp_path_factory.mktemp("compare"), results)
    return table, results, written


def _table(sheet: Worksheet, start_row: int = 1) -> pd.DataFrame:
    """Read the table whose header is on ``start_row``, down to the first empty row."""
    rows = sheet.iter_rows(min_row=start_row, values_only=True)
    header = [h for h in next(rows) if h is not None]
    data = []
    for row in rows:
        if all(v is None for v in row):
            break
        data.append(row[: len(header)])
    return pd.DataFrame(data, columns=header, dtype=object)  # empty cells stay None


def _row_of(sheet: Worksheet, text: str) -> int:
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == text:
            return int(cell.row)
    raise AssertionError(f"{text!r} not in column A of {sheet.title}")


# --------------------------------------------------------------------------------------
# A run
# --------------------------------------------------------------------------------------
def test_run_workbook_has_the_sheets_with_bold_frozen_headers(run_book: openpyxl.Workbook) -> None:
    assert run_book.sheetnames == list(workbook.RUN_SHEETS)
    for sheet in run_book.worksheets:
        assert sheet.freeze_panes is not None, sheet.title
        assert sheet.freeze_panes.endswith("2"), sheet.title
        assert sheet["A1"].font.bold, sheet.title
        assert sheet["A1"].value, sheet.title


@pytest.mark.parametrize(
    ("header", "value_of"),
    [
        ("TEU turned away [TEU]", lambda y: y["teu_turned_away"]),
        ("TEU unserved [TEU]", lambda y: y["teu_unserved"]),
        ("TEU diverted [TEU]", lambda y: sum(y["teu_diverted_by_port"].values())),
        ("NOx regional [t]", lambda y: y["regional_emissions_tonnes"]["nox"]),
        ("NOx rules in force [t]", lambda y: y["baseline_regional_emissions_tonnes"]["nox"]),
        ("NOx complex cap [t]", lambda y: (y["cap_tonnes"] or {}).get("nox")),
        ("CO2e change elsewhere [t]", lambda y: y["emissions_elsewhere_change_tonnes"]["co2e"]),
        ("net CO2e change [t]", lambda y: y["net_co2e_change_tonnes"]),
        ("regional jobs change [jobs]", lambda y: y["regional_jobs_change"]),
        ("compliance cost [USD]", lambda y: y["compliance_cost_usd"]),
    ],
)
def test_summary_sheet_holds_the_totals_of_summary_json(
    run_book: openpyxl.Workbook, summary: dict[str, Any], header: str, value_of: Any
) -> None:
    sheet = _table(run_book["Summary"])
    assert list(sheet["year"]) == [y["year"] for y in summary["years"]]
    for row, year in zip(sheet.to_dict("records"), summary["years"], strict=True):
        expected = value_of(year)
        # the same float, written and read back (openpyxl keeps every digit)
        assert row[header] == expected, (header, year["year"])


def test_the_totals_compared_are_not_trivial(summary: dict[str, Any]) -> None:
    y2030, y2031 = summary["years"]
    assert y2030["teu_turned_away"] == 0
    assert y2031["teu_turned_away"] > 1e6
    assert y2031["regional_jobs_change"] < 0
    assert y2031["cap_tonnes"]["nox"] is not None
    assert (y2030["cap_tonnes"] or {}).get("nox") is None  # an empty cell in the sheet


def test_numbers_are_numbers_with_formats(run_book: openpyxl.Workbook) -> None:
    sheet = run_book["Summary"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.value is None or isinstance(cell.value, int | float), cell.coordinate
    year, turned_away = (
        sheet.cell(3, headers["year"]),
        sheet.cell(3, headers["TEU turned away [TEU]"]),
    )
    assert year.number_format == "0"  # 2031, not 2,031
    assert turned_away.number_format == "#,##0"
    assert sheet.cell(3, headers["NOx regional [t]"]).number_format == "#,##0.00"
    terminals = _table(run_book["Terminals"])
    dates = terminals["binding date"].dropna()
    assert len(dates)
    assert all(hasattr(d, "year") for d in dates)  # dates, not text


def test_tables_match_the_results(
    run_book: openpyxl.Workbook, run_folder: tuple[engine.Results, Path]
) -> None:
    results = run_folder[0]
    emissions = _table(run_book["Emissions"])
    nox = emissions[emissions["pollutant"] == "nox"].groupby("year")["scenario [t]"].sum()
    expected = results.emissions.query("pollutant == 'nox'").groupby("year")["mass_tonnes"].sum()
    assert nox.to_dict() == pytest.approx(expected.to_dict(), rel=1e-12)
    gateways = _table(run_book["Diversion by gateway"]).set_index("year")
    assert gateways.loc[2031, "total diverted [TEU]"] == pytest.approx(
        sum(results.summary["years"][1]["teu_diverted_by_port"].values())  # type: ignore[index]
    )
    caps = _table(run_book["Caps"])
    assert len(caps) == len(results.caps)
    assert caps["cap met"].all()


def test_sources_sheet_lists_every_source_cited(run_book: openpyxl.Workbook) -> None:
    sheet = run_book[workbook.SOURCES_SHEET]
    parameters = _table(sheet)
    cited = {
        s.strip()
        for cell in parameters["source_ids (of the default)"].dropna()
        for s in str(cell).split(",")
        if s.strip()
    }
    bibliography = _table(sheet, _row_of(sheet, "Bibliography: the sources cited above") + 1)
    assert set(bibliography["source_id"]) == cited
    assert bibliography["citation"].notna().all()
    assert cited <= set(factors.sources()["source_id"])
    # every source a stage's parameter model names is on the sheet (independent of it)
    for model in (
        forecast.ForecastParameters,
        economy.EconomyParameters,
        technology.TechnologyParameters,
    ):
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and extra.get("source_ids"):
                assert set(extra["source_ids"]) <= cited, name  # type: ignore[arg-type]
    assert "portcap_assumption" in cited


def test_sources_sheet_says_what_the_scenario_set(run_book: openpyxl.Workbook) -> None:
    parameters = _table(run_book[workbook.SOURCES_SHEET]).set_index(["section", "parameter"])
    jobs = parameters.loc[("economy", "jobs_per_1000_teu")]
    assert (jobs["value"], jobs["default"], jobs["set by"]) == (12.5, 11.87, "scenario")
    assert jobs["unit"] == "jobs per 1,000 TEU"
    growth = parameters.loc[("forecast", "teu_growth_per_year")]
    assert (growth["value"], growth["set by"], growth["tag"]) == (0.018, "default", "D")
    caps = parameters.loc["caps"]
    assert len(caps) == 4
    assert sorted(caps["value"]) == [50, 50, 80, 80]
    assert set(caps["unit"]) == {"% below 2023"}
    activity = parameters.loc["activity 2023"]
    assert activity.loc["teu (POLA)", "source_ids (of the default)"] == "teu_pola_2023"


# --------------------------------------------------------------------------------------
# A comparison
# --------------------------------------------------------------------------------------
def test_write_comparison_adds_report_html_and_the_workbook(
    compared: tuple[pd.DataFrame, list[engine.Results], dict[str, Path]],
) -> None:
    _table_, _results, written = compared
    names = {label: path.name for label, path in written.items()}
    assert names == {
        "comparison": "comparison.csv",
        "report": "comparison.html",
        "report copy": "report.html",
        "workbook": "comparison.xlsx",
    }
    assert written["report copy"].read_text() == written["report"].read_text()


def test_comparison_workbook_holds_the_table_and_each_scenarios_sources(
    compared: tuple[pd.DataFrame, list[engine.Results], dict[str, Path]],
) -> None:
    table, results, written = compared
    book = openpyxl.load_workbook(written["workbook"])
    assert book.sheetnames == list(workbook.COMPARISON_SHEETS)
    sheet = _table(book["Comparison"])
    assert list(sheet["scenario"]) == list(table["scenario"])
    assert list(sheet["TEU turned away [TEU]"]) == list(table["teu_turned_away"])
    assert list(sheet["NOx cut [t]"]) == pytest.approx(list(table["nox_cut_tonnes"]), rel=1e-12)
    assert table["teu_turned_away"].max() > 0
    years = _table(book["Years"])
    for result in results:
        mine = years[years["scenario"] == result.scenario.name]
        expected = [y["net_co2e_change_tonnes"] for y in result.summary["years"]]  # type: ignore[attr-defined]
        assert list(mine["net CO2e change [t]"]) == expected
    sources = book[workbook.SOURCES_SHEET]
    parameters = _table(sources)
    assert set(parameters["scenario"]) == {"baseline", "pr2304-cap", "(all)"}
    assert "health" in set(parameters.loc[parameters["scenario"] == "(all)", "section"])
    bibliography = _table(sources, _row_of(sources, "Bibliography: the sources cited above") + 1)
    assert "epa_bpt_2018" in set(bibliography["source_id"])  # the health valuation's edition


def test_write_comparison_without_the_runs_still_writes_the_workbook(
    compared: tuple[pd.DataFrame, list[engine.Results], dict[str, Path]], tmp_path: Path
) -> None:
    table = compared[0]
    written = output.write_comparison(table, tmp_path)
    book = openpyxl.load_workbook(written["workbook"])
    assert list(_table(book["Comparison"])["scenario"]) == list(table["scenario"])
    assert _table(book["Years"]).empty
    parameters = _table(book[workbook.SOURCES_SHEET])
    assert set(parameters["scenario"]) == {"(all)"}
    assert set(parameters["section"]) == {"health"}


def test_cli_compare_prints_the_new_files(
    short_pair: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    args = ["compare", *map(str, short_pair), "--out", str(out), "--store", str(tmp_path / "s")]
    assert cli.main([*args, "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote workbook: {out / 'comparison.xlsx'}" in printed
    assert f"wrote report copy: {out / 'report.html'}" in printed
    sheet = _table(openpyxl.load_workbook(out / "comparison.xlsx")[workbook.SOURCES_SHEET])
    assert {"baseline", "pr2304-cap"} <= set(sheet["scenario"])


# --------------------------------------------------------------------------------------
# Bad paths
# --------------------------------------------------------------------------------------
def test_bad_paths_give_clear_errors(
    run_folder: tuple[engine.Results, Path], tmp_path: Path
) -> None:
    results = run_folder[0]
    with pytest.raises(InputError, match=r"report\.csv: a workbook must be an \.xlsx file"):
        workbook.write_run_workbook(results, tmp_path / "report.csv")
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        workbook.write_run_workbook(results, tmp_path / "folder.xlsx")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(InputError, match="cannot create the folder"):
        workbook.write_comparison_workbook(pd.DataFrame(), [], tmp_path / "file" / "c.xlsx")
