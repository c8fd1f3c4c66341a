"""``portcap inventory`` and ``portcap validate`` end to end, with bad input."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from portcap import cli

SNAPSHOT = Path(str(files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"))


def test_inventory_prints_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inventory", "--year", "2023", "--port", "POLB"]) == 0
    out = capsys.readouterr().out
    assert "POLB 2023: emissions by source [metric tonnes; 8,018,668 TEU]" in out
    for source in ("ogv", "harbor_craft", "cargo_handling", "truck", "rail", "total"):
        assert source in out
    assert "POLA" not in out.split("Attributed")[0]


def test_inventory_by_terminal_lists_the_terminals(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inventory", "--by", "terminal", "--port", "POLA"]) == 0
    out = capsys.readouterr().out
    for terminal in ("POLA_APM_PIER400", "POLA_WBCT_B121", "POLA_CRUISE", "other"):
        assert terminal in out


def test_inventory_csv_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inventory", "--year", "2005", "--by", "source", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "year,port,source,pollutant,mass_tonnes"
    assert len(lines) == 1 + 2 * 5 * 11  # ports x sources x pollutants


def test_inventory_writes_parquet_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "inv.parquet"
    assert cli.main(["inventory", "--out", str(out)]) == 0
    table = pd.read_parquet(out)
    assert list(table.columns) == [
        "year",
        "port",
        "terminal",
        "source",
        "mode",
        "engine",
        "pollutant",
        "mass_tonnes",
    ]
    summary = json.loads((tmp_path / "inv.summary.json").read_text())
    assert summary["years"] == [2023]
    nox = table.query("port == 'POLA' and pollutant == 'nox'")["mass_tonnes"].sum()
    assert summary["mass_tonnes"]["POLA"]["nox"] == pytest.approx(nox, rel=1e-6)


def test_inventory_with_ships_from_ais(tmp_path: Path) -> None:
    ships = tmp_path / "ships.csv"
    assert cli.main(["ships", str(SNAPSHOT), "--out", str(ships), "--quiet"]) == 0
    out = tmp_path / "inv.csv"
    assert cli.main(["inventory", "--ships", str(ships), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    ais_nox_t = pd.read_csv(ships).query("pollutant == 'nox'")["mass_kg"].sum() / 1000
    modelled = table.query("source == 'ogv' and pollutant == 'nox'")["mass_tonnes"].sum()
    assert modelled == pytest.approx(ais_nox_t, rel=1e-9)


def test_inventory_user_activity_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "terminals.csv").write_text(
        "terminal,name,port,kind,teu_share\nPOLB_MINE,My terminal,POLB,container,1\n"
    )
    (folder / "parameters.csv").write_text(
        "year,port,parameter,value,unit\n2024,POLB,teu,1000000,teu\n"
        "2024,POLB,diesel_sulfur_ppm_che,15,ppm_mass\n"
    )
    (folder / "equipment.csv").write_text(
        "year,port,terminal,equipment_type,fuel,tier,model_year,count\n"
        "2024,POLB,POLB_MINE,yard_tractor,diesel,tier4f,2020,40\n"
        "2024,POLB,POLB_MINE,yard_tractor,electric,ze,2023,10\n"
    )
    code = cli.main(
        [
            "inventory",
            "--activity",
            str(folder),
            "--year",
            "2024",
            "--port",
            "POLB",
            "--by",
            "terminal",
            "--format",
            "csv",
        ]
    )
    assert code == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert set(table["terminal"]) == {"POLB_MINE"}
    assert table.query("pollutant == 'nox'")["mass_tonnes"].iloc[0] > 0


def test_inventory_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inventory", "--year", "1999"]) == 2
    assert "year 1999 is not in the activity set" in capsys.readouterr().err
    assert cli.main(["inventory", "--activity", str(tmp_path / "none")]) == 2
    assert "activity folder not found" in capsys.readouterr().err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "equipment.csv").write_text(
        "year,port,equipment_type,fuel,tier,count\n2023,POLB,forklift,diesel,tier4f,-1\n"
    )
    assert cli.main(["inventory", "--activity", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "equipment.csv, row 1 (line 2), column 'count'" in err


def test_validate_prints_verdicts_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    # exit code 1: one check (POLB 2005 cargo-handling DPM) misses its tolerance
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "23 of 24 checks pass; 1 fail" in out
    fails = [line for line in out.splitlines() if "FAIL" in line]
    assert len(fails) == 1
    assert "tonnage_cargo_handling" in fails[0]


def test_validate_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--format", "csv"]) == 1
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert table.loc[table["check"] == "change", "passed"].all()


def test_charts_are_self_contained_html(tmp_path: Path) -> None:
    chart = tmp_path / "inventory.html"
    assert cli.main(["inventory", "--year", "2005", "--chart", str(chart)]) == 0
    text = chart.read_text()
    assert "plotly" in text
    assert "cargo_handling" in text
    assert "cdn.plot.ly" not in text.split("<body>")[0]  # library embedded, not fetched
    check = tmp_path / "validate.html"
    cli.main(["validate", "--chart", str(check), "--format", "csv"])
    assert "published" in check.read_text()


def test_the_readme_example_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(__file__).parents[1] / "examples" / "my-terminal"
    args = ["inventory", "--activity", str(folder), "--year", "2024", "--port", "POLB"]
    assert cli.main([*args, "--format", "csv", "--by", "source"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert set(table["source"]) == {"cargo_handling", "truck"}
    # trucks: 1.2 M TEU / 1.89 x 2.5 x (1 - 0.3) legs x 22 mi, at 0.9 x 2.75 + 0.06 x 0.2 g/mi
    # NOx running (diesel 2010+, low-NOx natural gas), plus idling
    legs = 1_200_000 / 1.89 * 2.5 * 0.7
    running_nox_t = legs * 22 * (0.9 * 2.75 + 0.06 * 0.2) / 1e6
    nox = table.query("source == 'truck' and pollutant == 'nox'")["mass_tonnes"].iloc[0]
    assert nox > running_nox_t
    assert nox == pytest.approx(running_nox_t + legs * 0.4 * (0.9 * 40 + 0.06 * 0) / 1e6, rel=0.02)
