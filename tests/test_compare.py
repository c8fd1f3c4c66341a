"""`portcap compare`: every regime on one baseline, the same accounting for all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from portcap import cli, comparison, store


@pytest.fixture(scope="module")
def short_scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("short")
    paths = []
    for name in comparison.DEFAULT_SCENARIOS:
        path = folder / f"{name}.yaml"
        path.write_text(f"extends: {name}\nstart_year: 2030\nend_year: 2031\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def table(short_scenarios: list[Path]) -> pd.DataFrame:
    result, _runs = comparison.compare(short_scenarios, years=(2031,))
    return result.set_index("scenario")


def test_one_row_per_scenario_with_the_issue_columns(table: pd.DataFrame) -> None:
    assert list(table.index) == list(comparison.DEFAULT_SCENARIOS)
    assert list(table.reset_index().columns) == list(comparison.COMPARISON_COLUMNS)
    assert set(table["policy"]) == {"none", "cap", "funding", "points_fee", "trading", "agreement"}


def test_the_baseline_cuts_nothing_and_costs_nothing(table: pd.DataFrame) -> None:
    base = table.loc["baseline"]
    for column in (
        "nox_cut_tonnes",
        "teu_turned_away",
        "technology_cost_usd",
        "health_benefits_usd",
    ):
        assert base[column] == pytest.approx(0.0, abs=1e-9)


def test_only_the_cap_turns_cargo_away(table: pd.DataFrame) -> None:
    assert table.loc["pr2304-cap", "teu_turned_away"] > 0
    others = table.drop(index="pr2304-cap")
    assert (others["teu_turned_away"] == 0).all()
    assert (others["regional_jobs_change"] == 0).all()
    # every regime cuts regional NOx, none adds it
    assert (table.drop(index="baseline")["nox_cut_tonnes"] > 0).all()


def test_cost_per_tonne_is_cost_over_cut(table: pd.DataFrame) -> None:
    funded = table.loc["funding"]
    assert funded["usd_per_tonne_regional_nox_cut"] == pytest.approx(
        funded["technology_cost_usd"] / funded["nox_cut_tonnes"]
    )
    # nothing leaks when no cargo moves: net NOx cut = regional cut
    assert funded["usd_per_tonne_net_nox_cut"] == pytest.approx(
        funded["usd_per_tonne_regional_nox_cut"]
    )
    # the cap's cargo moves to longer routes: NOx elsewhere rises, net cost per tonne empty
    cap = table.loc["pr2304-cap"]
    assert cap["nox_elsewhere_change_tonnes"] > 0
    assert cap["co2e_elsewhere_change_tonnes"] > 0


def test_health_benefits_follow_the_cuts(table: pd.DataFrame) -> None:
    regimes = table.drop(index="baseline")
    assert (regimes["health_benefits_usd"] > 0).all()
    order = regimes.sort_values("nox_cut_tonnes").index
    assert regimes.loc[order[-1], "health_benefits_usd"] == regimes["health_benefits_usd"].max()


def test_cli_compare_writes_csv_html_and_records_runs(
    short_scenarios: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, database = tmp_path / "cmp", tmp_path / "runs.duckdb"
    two = [str(short_scenarios[0]), str(short_scenarios[1])]
    code = cli.main(["compare", *two, "--out", str(out), "--store", str(database), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("2031")  # only the milestone years the runs cover
    written = pd.read_csv(out / "comparison.csv")
    assert list(written["scenario"].unique()) == ["baseline", "pr2304-cap"]
    assert "plotly" in (out / "comparison.html").read_text()
    assert len(store.list_runs(database)) == 2
