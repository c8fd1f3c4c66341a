"""`portcap run` / `portcap.run`: the whole chain on short scenarios worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from portcap import cli, engine, store
from portcap.scenario import load_scenario

SUMMARY_YEAR_KEYS = {
    "year",
    "teu_demand",
    "teu_handled",
    "teu_turned_away",
    "teu_diverted_by_port",
    "teu_unserved",
    "regional_emissions_tonnes",
    "baseline_regional_emissions_tonnes",
    "cap_tonnes",
    "emissions_elsewhere_change_tonnes",
    "net_co2e_change_tonnes",
    "regional_jobs_change",
    "compliance_cost_usd",
    "cap_binding_dates",
}


def _scenario(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cap_2031(tmp_path_factory: pytest.TempPathFactory) -> engine.Results:
    folder = tmp_path_factory.mktemp("scenarios")
    path = _scenario(folder, "cap2031", "extends: pr2304-cap\nstart_year: 2031\nend_year: 2031\n")
    return engine.run(path)


@pytest.fixture(scope="module")
def base_2031(tmp_path_factory: pytest.TempPathFactory) -> engine.Results:
    folder = tmp_path_factory.mktemp("scenarios")
    path = _scenario(folder, "base2031", "extends: baseline\nstart_year: 2031\nend_year: 2031\n")
    return engine.run(path)


def test_summary_has_the_contract_keys(cap_2031: engine.Results) -> None:
    summary = cap_2031.summary
    assert set(summary) == {"scenario", "policy", "base_year", "years", "provenance"}
    assert summary["scenario"] == "cap2031"
    assert summary["policy"] == "cap"
    (year,) = summary["years"]
    assert set(year) >= SUMMARY_YEAR_KEYS  # the contract; more keys may be added
    for key in ("regional_emissions_tonnes", "baseline_regional_emissions_tonnes"):
        assert {"nox", "pm25", "dpm", "sox", "co2e"} <= set(year[key])
    assert {"portcap_version", "scenario_hash", "scenario", "data_sources"} <= set(
        summary["provenance"]
    )
    json.dumps(summary)  # serialisable


def test_turned_away_equals_diverted_plus_unserved(cap_2031: engine.Results) -> None:
    (year,) = cap_2031.summary["years"]
    diverted = sum(year["teu_diverted_by_port"].values())
    assert year["teu_turned_away"] > 0
    assert diverted + year["teu_unserved"] == pytest.approx(year["teu_turned_away"], rel=1e-6)
    assert year["teu_handled"] + year["teu_turned_away"] == pytest.approx(year["teu_demand"])
    terminals = cap_2031.terminals
    assert (terminals["teu_handled"] + terminals["teu_turned_away"]).sum() == pytest.approx(
        terminals["teu_demand"].sum()
    )


def test_the_complex_cap_is_met_at_the_ports(cap_2031: engine.Results) -> None:
    caps = cap_2031.caps
    assert caps["met"].all()
    complex_cap = caps[caps["scope"] == "complex"]
    inventory_nox = cap_2031.emissions.query("pollutant == 'nox'")["mass_tonnes"].sum()
    assert inventory_nox <= complex_cap["cap_tonnes"].iloc[0] * (1 + 1e-9)
    # regional = the capped inventory + the new routings' legs inside the basin
    (year,) = cap_2031.summary["years"]
    assert year["regional_emissions_tonnes"]["nox"] >= inventory_nox


def test_cap_binding_dates_and_jobs(cap_2031: engine.Results) -> None:
    (year,) = cap_2031.summary["years"]
    dates = [d for d in year["cap_binding_dates"].values() if d]
    assert len(dates) == 13
    assert all(d.startswith("2031-") for d in dates)
    # jobs follow the TEU: 11.87 jobs per 1,000 TEU (economy defaults)
    assert year["regional_jobs_change"] == pytest.approx(
        -year["teu_turned_away"] * 11.87e-3, rel=1e-3
    )


def test_baseline_scenario_changes_nothing(base_2031: engine.Results) -> None:
    (year,) = base_2031.summary["years"]
    assert year["teu_turned_away"] == 0
    assert year["teu_diverted_by_port"] == {}
    assert year["cap_tonnes"] is None
    assert year["regional_emissions_tonnes"] == year["baseline_regional_emissions_tonnes"]
    assert year["net_co2e_change_tonnes"] == 0
    assert base_2031.diversion.empty


def test_a_cap_that_never_binds_gives_the_baseline(
    tmp_path: Path, base_2031: engine.Results
) -> None:
    text = (
        "extends: baseline\nstart_year: 2031\nend_year: 2031\npolicy: cap\ncaps:\n"
        "  - {pollutant: nox, scope: complex, limit_tonnes: 1.0e9, effective_year: 2031}\n"
    )
    result = engine.run(_scenario(tmp_path, "loose", text))
    (year,) = result.summary["years"]
    (base,) = base_2031.summary["years"]
    assert year["teu_turned_away"] == 0
    assert year["regional_emissions_tonnes"] == base["regional_emissions_tonnes"]
    assert year["compliance_cost_usd"] == 0


def test_a_zero_terminal_cap_turns_all_container_cargo_away(tmp_path: Path) -> None:
    text = (
        "extends: baseline\nstart_year: 2031\nend_year: 2031\npolicy: cap\n"
        "technology_first: false\ncaps:\n"
        "  - {pollutant: nox, scope: each_container_terminal, limit_tonnes: 0,\n"
        "     effective_year: 2031}\n"
    )
    result = engine.run(_scenario(tmp_path, "zero", text))
    (year,) = result.summary["years"]
    assert year["teu_turned_away"] == pytest.approx(year["teu_demand"])
    assert set(year["cap_binding_dates"].values()) == {"2031-01-01"}
    left = result.emissions
    assert (
        left.loc[left["terminal"].str.match(r"POL[AB]_[A-Z]+_(PIER|B\d)"), "mass_tonnes"].sum() == 0
    )


def test_cli_run_writes_outputs_and_records_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path, "cli", "extends: pr2304-cap\nstart_year: 2031\nend_year: 2031\n")
    out, database = tmp_path / "out", tmp_path / "runs.duckdb"
    code = cli.main(["run", str(path), "--out", str(out), "--store", str(database), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "scenario cli (cap)" in printed
    assert "recorded run 1" in printed
    for name in ("summary.json", "emissions.parquet", "diversion.parquet", "report.html"):
        assert (out / name).is_file(), name
    diversion = pd.read_parquet(out / "diversion.parquet")
    assert {"year", "terminal", "gateway", "destination", "teu"} <= set(diversion.columns)
    assert any(c.startswith("ocean_elsewhere_co2e") for c in diversion.columns)
    assert "plotly" in (out / "report.html").read_text()
    runs = store.list_runs(database)
    assert list(runs["scenario"]) == ["cli"]
    years = store.load_run_table(database, "years", 1)
    assert list(years["year"]) == [2031]
    assert cli.main(["runs", "--store", str(database)]) == 0
    assert "cli" in capsys.readouterr().out


def test_cli_scenarios_and_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "baseline" in listing
    assert "pr2304-cap" in listing
    bad = _scenario(tmp_path, "bad", "extends: baseline\npolcy: cap\n")
    assert cli.main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "unknown key 'polcy'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_load_scenario_is_exported() -> None:
    import portcap

    assert portcap.load_scenario("baseline").name == "baseline"
    assert callable(portcap.run)
    assert load_scenario("pr2304-cap").turn_away


def test_the_leakage_matrix_is_the_leakage_table(cap_2031: engine.Results) -> None:
    from portcap import diversion

    terminals = cap_2031.terminals
    turned_away = terminals.loc[
        terminals["teu_turned_away"] > 0, ["year", "port", "terminal", "teu_turned_away"]
    ].rename(columns={"teu_turned_away": "teu"})
    flows, matrix = diversion.divert_matrix(turned_away)
    result = diversion.divert(turned_away)
    pd.testing.assert_frame_equal(flows, result.flows)
    pd.testing.assert_frame_equal(matrix.table(), result.leakage)
    assert matrix.new_tonnes.shape == (len(matrix.keys), len(matrix.columns))


def test_summary_leakage_adds_up_the_diversion_table(cap_2031: engine.Results) -> None:
    (year,) = cap_2031.summary["years"]
    table = cap_2031.diversion
    for pollutant in ("nox", "pm25", "co2e"):
        elsewhere = table.filter(regex=f"_elsewhere_{pollutant}_tonnes$").to_numpy().sum()
        # the summary rounds to 1e-6 t
        assert year["emissions_elsewhere_change_tonnes"][pollutant] == pytest.approx(
            elsewhere, rel=1e-9, abs=1e-6
        )
    assert (table.filter(like="_tonnes").loc[table["gateway"] == "unserved"] == 0).all().all()
