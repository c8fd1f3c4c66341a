"""``portcap ships`` end to end: the real MarineCadastre snapshot, calls, bad input."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from portcap import cli, engine
from portcap.errors import InputError

SNAPSHOT = Path(str(files("portcap.data") / "ais" / "marinecadastre-2022-01-03-socal.csv"))
CALLS = Path(__file__).parent / "data" / "calls"


@pytest.fixture(scope="module")
def snapshot_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("ships") / "ships.csv"
    code = cli.main(["ships", str(SNAPSHOT), "--out", str(out), "--quiet"])
    return code, out


def test_snapshot_writes_the_tidy_table(snapshot_run: tuple[int, Path]) -> None:
    code, out = snapshot_run
    assert code == 0
    table = pd.read_csv(out)
    for column in ("mmsi", "mode", "engine", "pollutant", "energy_kwh", "mass_kg", "terminal"):
        assert column in table.columns
    assert set(table["mode"]) <= {"transit", "maneuvering", "anchorage", "berth"}
    assert set(table["engine"]) == {"propulsion", "auxiliary", "boiler"}
    assert set(table["pollutant"]) == {
        "nox",
        "hc",
        "co",
        "pm10",
        "pm25",
        "dpm",
        "sox",
        "co2",
        "ch4",
        "n2o",
        "co2e",
    }
    assert (table["mass_kg"] >= 0).all()
    # The snapshot is from the January 2022 queue: most cargo ships wait at anchor, and
    # ships lie at the berths of both ports.
    nox = table[table["pollutant"] == "nox"].groupby("mode")["mass_kg"].sum()
    assert nox["anchorage"] > nox["transit"]
    berth_terminals = set(table.loc[table["mode"] == "berth", "terminal"].dropna())
    assert any(t.startswith("POLA_") for t in berth_terminals)
    assert any(t.startswith("POLB_") for t in berth_terminals)


def test_snapshot_nothing_disappears(snapshot_run: tuple[int, Path]) -> None:
    _, out = snapshot_run
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    rows_read = summary["input_counts"]["rows_read"]
    dropped = sum(n for k, n in summary["quarantine_counts"].items() if k.startswith("dropped"))
    assert rows_read == 4946  # the snapshot's documented row count
    assert summary["input_counts"]["reports_kept"] + dropped == rows_read
    quarantine = pl.read_parquet(out.with_name("ships.quarantine.parquet"))
    assert quarantine.height == sum(summary["quarantine_counts"].values())
    vessels = pd.read_csv(out.with_name("ships.vessels.csv"))
    assert vessels["included"].sum() == summary["vessels"]
    assert (~vessels["included"]).sum() == summary["vessels_excluded"]
    # every vessel of the file (927 MMSI) is in the inventory, set aside, or quarantined
    # for its MMSI (not a ship's)
    bad_ids = quarantine.filter(pl.col("reason").is_in(["mmsi_invalid", "mmsi_not_ship"]))
    assert len(vessels) + bad_ids["mmsi"].n_unique() == 927


def test_snapshot_records_every_default_used(snapshot_run: tuple[int, Path]) -> None:
    _, out = snapshot_run
    vessels = pd.read_csv(out.with_name("ships.vessels.csv"))
    included = vessels[vessels["included"]]
    assert included["filled"].str.contains("main_engine_kw:epa2022_table_c3").all()
    assert included["filled"].str.contains("keel_year:default_parameter").all()


@pytest.mark.parametrize("file_format", ["csv", "parquet", "json"])
def test_calls_method_in_every_format(tmp_path: Path, file_format: str) -> None:
    out = tmp_path / f"ships.{file_format}"
    code = cli.main(
        [
            "ships",
            str(CALLS / "calls.csv"),
            "--vessels",
            str(CALLS / "vessels.csv"),
            "--out",
            str(out),
            "--format",
            file_format,
            "--quiet",
        ]
    )
    assert code == 0
    reader = {"csv": pl.read_csv, "parquet": pl.read_parquet, "json": pl.read_json}[file_format]
    table = reader(out)
    assert table["mmsi"].n_unique() == 3
    assert set(table["mode"].unique()) == {"transit", "maneuvering", "anchorage", "berth"}


def test_calls_without_vessels_file_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["ships", str(CALLS / "calls.csv"), "--out", "/dev/null", "--quiet"])
    assert code == 2
    assert "--vessels" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("name,colour\nA,red\n", "MMSI"),
    ],
)
def test_unusable_ais_file_exits_non_zero_with_the_file_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code = cli.main(["ships", str(path), "--out", str(tmp_path / "o.csv"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert message.lower() in err.lower()


def test_missing_input_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["ships", str(tmp_path / "nope.csv"), "--quiet"])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_api_and_cli_agree(snapshot_run: tuple[int, Path]) -> None:
    _, out = snapshot_run
    run = engine.run_ships(SNAPSHOT)
    table = pd.read_csv(out)
    assert table["mass_kg"].sum() == pytest.approx(run.emissions["mass_kg"].sum(), rel=1e-9)


def test_quarantine_as_csv_on_request(tmp_path: Path) -> None:
    out = tmp_path / "ships.parquet"
    quarantine = tmp_path / "bad-rows.csv"
    code = cli.main(
        ["ships", str(SNAPSHOT), "--out", str(out), "--quarantine", str(quarantine), "--quiet"]
    )
    assert code == 0
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    table = pl.read_csv(quarantine)
    assert table.height == sum(summary["quarantine_counts"].values())
    assert {"source_file", "source_row", "reason", "action", "field"} <= set(table.columns)


def test_named_parameter_sets_from_the_command_line(tmp_path: Path) -> None:
    totals = {}
    for power_method in ("epa2022", "starcrest2016"):
        out = tmp_path / f"{power_method}.csv"
        code = cli.main(
            [
                "ships",
                str(CALLS / "calls.csv"),
                "--vessels",
                str(CALLS / "vessels.csv"),
                "--out",
                str(out),
                "--power-method",
                power_method,
                "--quiet",
            ]
        )
        assert code == 0
        table = pd.read_csv(out)
        berth = table[(table["mode"] == "berth") & (table["engine"] == "auxiliary")]
        totals[power_method] = berth.loc[berth["pollutant"] == "nox", "energy_kwh"].sum()
    # berth auxiliary power differs between EPA 2022 Table E.1 and the Starcrest 2016 set
    assert totals["epa2022"] != pytest.approx(totals["starcrest2016"])


def test_grid_splits_the_snapshot_without_changing_the_totals(
    snapshot_run: tuple[int, Path], tmp_path: Path
) -> None:
    _, out = snapshot_run
    gridded_out = tmp_path / "ships.csv"
    code = cli.main(
        ["ships", str(SNAPSHOT), "--out", str(gridded_out), "--grid", "0.05", "--quiet"]
    )
    assert code == 0
    grid = pd.read_csv(tmp_path / "ships.grid.csv")
    plain = pd.read_csv(out)
    # the grid only splits: per pollutant the cells add up to the ship inventory
    pd.testing.assert_series_equal(
        grid.groupby("pollutant")["mass_kg"].sum(),
        plain.groupby("pollutant")["mass_kg"].sum(),
        rtol=1e-12,
    )
    # the ship table itself is unchanged by asking for the grid
    pd.testing.assert_frame_equal(pd.read_csv(gridded_out), plain)
    # cell centres lie on the 0.05-degree grid, and the cells are many
    for column in ("cell_lat_deg", "cell_lon_deg"):
        offset = grid[column] / 0.05 - 0.5
        assert (offset - offset.round()).abs().max() < 1e-9
    assert grid[["cell_lat_deg", "cell_lon_deg"]].drop_duplicates().shape[0] > 20


def test_grid_needs_positions() -> None:
    with pytest.raises(InputError, match="grid of emissions needs AIS"):
        engine.run_ships(CALLS / "calls.csv", grid_deg=0.01, quarantine_path=None)
    with pytest.raises(ValueError, match="grid_deg must lie in"):
        engine.run_ships(SNAPSHOT, grid_deg=-1.0, quarantine_path=None)


def test_slices_of_vessels_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intervals and groups in slices of whole vessels: the run of one slice, to the bit."""
    whole = engine.run_ships(SNAPSHOT, quarantine_path=None, grid_deg=0.05)
    # about 4,900 reports of 925 vessels: slices of 500 cut it into some ten pieces
    monkeypatch.setattr(engine, "_ACTIVITY_SLICE_ROWS", 500)
    sliced = engine.run_ships(SNAPSHOT, quarantine_path=None, grid_deg=0.05)
    pd.testing.assert_frame_equal(sliced.emissions, whole.emissions, check_exact=True)
    assert sliced.gridded is not None
    assert whole.gridded is not None
    pd.testing.assert_frame_equal(sliced.gridded, whole.gridded, check_exact=True)
    assert sliced.gaps == pytest.approx(whole.gaps, rel=1e-12)
    assert sliced.gaps["n_bridged_gaps"] == whole.gaps["n_bridged_gaps"] > 0
    assert sliced.cut_gaps is not None
    assert whole.cut_gaps is not None
    assert sliced.cut_gaps.equals(whole.cut_gaps)
