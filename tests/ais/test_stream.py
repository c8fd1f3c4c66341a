"""load_clean_ais: batches in bounded memory, the same result as read_ais + clean_pings.

The reference is the in-memory path itself (read_ais, then clean_pings): every test
compares the cleaned pings, the quarantine (as a set of rows, written to disk) and the
counts, for several batch sizes, on the real MarineCadastre snapshot and on variants of
real rows made in tmp_path (unsorted, edge values, bad rows, folders).
"""

from __future__ import annotations

import random
import shutil
from importlib.resources import files
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from portcap.ais.clean import clean_pings, write_quarantine
from portcap.ais.read import AisFormatError, read_ais
from portcap.ais.schema import QUARANTINE_REASONS, quarantine_schema
from portcap.ais.stream import PING_COLUMNS, STATIC_COLUMNS, StreamResult, load_clean_ais

PACKAGED = Path(str(files("portcap.data") / "ais"))
SNAPSHOT = PACKAGED / "marinecadastre-2022-01-03-socal.csv"
SAMPLE = PACKAGED / "marinecadastre-schema-sample.csv"
FIXTURES = Path(__file__).parents[1] / "data" / "ais"
SNAPSHOT_LINES = SNAPSHOT.read_text().splitlines()
HEADER = SNAPSHOT_LINES[0]


def reference(path: Path, **kwargs) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Pings (in the streaming columns), quarantine and counts of read_ais + clean_pings."""
    record_changes = kwargs.pop("record_changes", True)
    read = read_ais(path, skip_bad_files=path.is_dir())
    cleaned = clean_pings(read.pings, record_changes=record_changes, **kwargs)
    quarantine = pl.concat([read.quarantine, cleaned.quarantine], how="vertical")
    counts = {**read.counts, **cleaned.counts, "reports_kept": cleaned.pings.height}
    return cleaned.pings.select(PING_COLUMNS), quarantine, counts


def as_set(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows in a fixed order, to compare them as a set."""
    return quarantine.with_columns(pl.col("source_file").cast(pl.String)).sort(
        pl.all(), nulls_last=True
    )


def assert_same(result: StreamResult, path: Path, **kwargs) -> None:
    pings, quarantine, counts = reference(path, **kwargs)
    assert_frame_equal(result.pings, pings, check_exact=True)
    assert result.counts == counts
    assert result.quarantine_path is not None
    if result.quarantine_path.suffix == ".parquet":
        written = pl.read_parquet(result.quarantine_path)
        assert written.schema == quarantine_schema()
        assert_frame_equal(as_set(written), as_set(quarantine), check_exact=True)
    else:
        expected = result.quarantine_path.with_name("expected.csv")
        write_quarantine(quarantine, expected)
        got_lines = result.quarantine_path.read_text().splitlines()
        want_lines = expected.read_text().splitlines()
        assert got_lines[0] == want_lines[0]
        assert sorted(got_lines[1:]) == sorted(want_lines[1:])


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def with_field(line: str, index: int, value: str) -> str:
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    """Variants of the real snapshot rows that exercise every rule."""
    folder = tmp_path_factory.mktemp("crafted")
    rows = SNAPSHOT_LINES[1:]
    shuffled = list(rows)
    random.Random(3).shuffle(shuffled)
    edge = list(SNAPSHOT_LINES)
    edge[10] = with_field(edge[10], 14, "-0.0")  # draft -0.0: its text is kept as is
    edge[11] = with_field(edge[11], 12, "-3")  # negative length
    edge[12] = with_field(edge[12], 5, "359.97")  # COG 'not available' within 0.05
    edge[13] = with_field(edge[13], 6, "400")  # heading out of range
    edge[14] = with_field(edge[14], 4, "NaN")  # SOG NaN
    edge[15] = with_field(edge[15], 4, "-1.5")  # negative SOG
    edge[16] = with_field(edge[16], 0, "993660001")  # AtoN
    edge[17] = with_field(edge[17], 2, "91")  # latitude not available
    edge[18] = with_field(edge[18], 3, "200")  # longitude out of range
    edge[19] = with_field(edge[19], 1, "")  # no time
    edge[20] = with_field(edge[20], 13, "0.0")  # width 0
    edge[21] = with_field(edge[21], 5, "-0.0")  # COG -0.0 is valid
    edge[22] = with_field(edge[22], 4, "102.3")  # SOG not available
    edge[23] = with_field(edge[23], 4, "75.0")  # SOG above the ceiling
    edge[24] = with_field(edge[24], 8, "IMO12")  # odd IMO
    edge[25] = edge[25].replace("2022-01-03T", "2022-01-03 ")  # other time layout
    edge[26] = with_field(edge[26], 1, "03/01/2022")  # malformed time
    edge[30] = ""  # blank line
    edge[40] = edge[40] + ",EXTRA"  # extra field
    edge[41] = ",".join(edge[41].split(",")[:5])  # short row
    edge[42] = with_field(edge[42], 2, "abc")  # malformed latitude
    edge.insert(60, edge[59])  # exact duplicate
    edge.insert(70, with_field(edge[69], 2, "33.9"))  # same time, another position
    variants = {
        "snapshot": SNAPSHOT,
        "unsorted": write(folder / "unsorted.csv", [HEADER, *shuffled]),
        "edge": write(folder / "edge.csv", edge),
        "edge-unsorted": write(folder / "edge-unsorted.csv", [edge[0], *reversed(edge[1:])]),
        "crlf": folder / "crlf.csv",
        "sample-zip": FIXTURES / "marinecadastre-schema-sample.zip",
        "2024-header": FIXTURES / "marinecadastre-2024-header.csv",
        "malformed": FIXTURES / "broken-malformed-rows.csv",
        "nmea": FIXTURES / "aivdm-sample.nmea",
        "parquet": folder / "pings.parquet",
    }
    variants["crlf"].write_bytes("\r\n".join(edge).encode() + b"\r\n")
    read_ais(SAMPLE).pings.write_parquet(variants["parquet"])
    mixed = folder / "mixed"
    mixed.mkdir()
    write(mixed / "a.csv", edge[:2500])
    write(mixed / "b.csv", [HEADER, *edge[2000:]])  # overlaps a.csv: duplicates, order
    shutil.copy(FIXTURES / "aivdm-sample.nmea", mixed / "c.nmea")
    shutil.copy(FIXTURES / "marinecadastre-schema-sample.zip", mixed / "d.zip")
    shutil.copy(variants["parquet"], mixed / "e.parquet")
    (mixed / "notes.md").write_text("not AIS")
    variants["folder"] = mixed
    return variants


# --- the same result as read_ais + clean_pings ----------------------------------------


@pytest.mark.parametrize("batch_rows", [100, 1000, 1_000_000])
def test_snapshot_same_as_read_and_clean(tmp_path, batch_rows):
    result = load_clean_ais(SNAPSHOT, quarantine_path=tmp_path / "q.parquet", batch_rows=batch_rows)
    assert_same(result, SNAPSHOT)
    assert result.pings.height == 4856
    assert result.counts["heading_not_available"] == 3609


@pytest.mark.parametrize(
    "name",
    [
        "unsorted",
        "edge",
        "edge-unsorted",
        "crlf",
        "sample-zip",
        "2024-header",
        "malformed",
        "nmea",
        "parquet",
        "folder",
    ],
)
@pytest.mark.parametrize("batch_rows", [7, 1000, 1_000_000])
def test_variants_same_as_read_and_clean(tmp_path, crafted, name, batch_rows):
    path = crafted[name]
    if batch_rows == 7 and name in ("unsorted", "edge", "edge-unsorted", "crlf", "folder"):
        batch_rows = 150  # the same cuts in other places, in less time
    result = load_clean_ais(
        path,
        quarantine_path=tmp_path / "q.parquet",
        batch_rows=batch_rows,
        skip_bad_files=path.is_dir(),
    )
    assert_same(result, path)


def test_edge_values_reach_the_quarantine(tmp_path, crafted):
    result = load_clean_ais(crafted["edge"], quarantine_path=tmp_path / "q.parquet")
    quarantine = pl.read_parquet(result.quarantine_path)
    values = dict(
        quarantine.filter(
            pl.col("reason").is_in(
                ["dimension_negative", "draft_zero", "cog_not_available", "sog_out_of_range"]
            )
            & pl.col("source_row").is_between(10, 22)
        )
        .select("source_row", "original_value")
        .iter_rows()
    )
    assert values == {10: "-0.0", 11: "-3.0", 12: "359.97", 14: "NaN", 15: "-1.5"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_quarantine_file_in_both_formats(tmp_path, crafted, suffix):
    path = crafted["edge-unsorted"]
    result = load_clean_ais(path, quarantine_path=tmp_path / "out" / f"q{suffix}", batch_rows=500)
    assert result.quarantine_path == tmp_path / "out" / f"q{suffix}"
    assert_same(result, path)
    # the scratch folder of the batch rows is gone
    left = {p.name for p in (tmp_path / "out").iterdir()} - {"expected.csv"}
    assert left == {f"q{suffix}"}


def test_other_parameters_are_passed_on(tmp_path, crafted):
    kwargs = {
        "max_speed_kn": 20.0,
        "max_implied_speed_kn": 30.0,
        "min_jump_distance_nmi": 0.2,
        "max_jump_rounds": 1,
        "ship_mmsi_range": (200_000_000, 799_999_999),
    }
    path = crafted["edge"]
    result = load_clean_ais(path, quarantine_path=tmp_path / "q.parquet", batch_rows=900, **kwargs)
    assert_same(result, path, **kwargs)


def test_record_changes_false_counts_without_listing(tmp_path, crafted):
    path = crafted["edge"]
    result = load_clean_ais(
        path, quarantine_path=tmp_path / "q.parquet", batch_rows=900, record_changes=False
    )
    assert_same(result, path, record_changes=False)
    changed = pl.read_parquet(result.quarantine_path).filter(
        pl.col("action") == "changed", pl.col("reason") != "imo_malformed"
    )
    assert changed.height == 0
    assert result.counts["heading_not_available"] > 0


def test_without_quarantine_path_only_counts(tmp_path, crafted):
    path = crafted["edge"]
    with_file = load_clean_ais(path, quarantine_path=tmp_path / "q.parquet")
    without = load_clean_ais(path, batch_rows=800)
    assert without.quarantine_path is None
    assert without.counts == with_file.counts
    assert_frame_equal(without.pings, with_file.pings)
    assert_frame_equal(without.static, with_file.static)
    assert [p.name for p in tmp_path.iterdir()] == ["q.parquet"]


# --- the result ------------------------------------------------------------------------


def test_pings_columns_dtypes_and_order(tmp_path):
    result = load_clean_ais(SNAPSHOT, batch_rows=1000)
    assert result.pings.schema == pl.Schema(
        {
            "mmsi": pl.Int64,
            "timestamp": pl.Datetime("us"),
            "latitude_deg": pl.Float64,
            "longitude_deg": pl.Float64,
            "speed_over_ground_kn": pl.Float64,
            "source_file": pl.Categorical(),
            "source_row": pl.UInt32,
        }
    )
    keys = result.pings.select("mmsi", "timestamp")
    assert keys.equals(keys.sort("mmsi", "timestamp"))
    assert keys.is_duplicated().sum() == 0
    assert result.static.columns == list(STATIC_COLUMNS)
    assert result.static.get_column("mmsi").to_list() == sorted(
        result.pings.get_column("mmsi").unique().to_list()
    )


def test_static_is_the_last_known_value_per_vessel(tmp_path):
    # data row 4 of the snapshot: CAP FELIX, IMO9380738, type 80, 274 x 48 m, draft 17.0
    cap_felix = SNAPSHOT_LINES[4]
    rows = [
        cap_felix,
        with_field(with_field(cap_felix, 12, "0"), 1, "2022-01-03T00:04:33"),  # length 0
        with_field(
            with_field(with_field(cap_felix, 8, "IMO0000000"), 14, ""), 1, "2022-01-03T00:07:33"
        ),
        with_field(with_field(cap_felix, 7, "CAP FELIX 2"), 1, "2022-01-03T00:02:33"),
        with_field(cap_felix, 0, "993660001"),  # an AtoN: no static row
    ]
    result = load_clean_ais(write(tmp_path / "static.csv", [HEADER, *rows]), batch_rows=2)
    assert result.static.rows(named=True) == [
        {
            "mmsi": 205517000,
            "imo": 9380738,  # IMO0000000 is unknown, not a new value
            "vessel_name": "CAP FELIX 2",  # last in input order, not in time
            "vessel_type_code": 80,
            "length_m": 274.0,  # 0 is unknown
            "width_m": 48.0,
            "draft_m": 17.0,
        }
    ]


def test_counts_cover_every_reason(tmp_path):
    result = load_clean_ais(SAMPLE)
    assert {r.code for r in QUARANTINE_REASONS.values()} <= set(result.counts)
    assert result.counts["files_read"] == 1
    assert result.counts["rows_read"] == 51


# --- files that cannot be used -------------------------------------------------------


def test_skip_bad_files_drops_all_of_a_file_that_fails_late(tmp_path, crafted):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(crafted["edge"], folder / "a.csv")
    text = (SNAPSHOT.read_text()).rstrip("\n")
    (folder / "b.csv").write_text(text[:-40])  # truncated: found in its last batch only
    shutil.copy(SAMPLE, folder / "c.csv")
    with pytest.raises(AisFormatError, match=r"b\.csv, row 4946: file is truncated"):
        load_clean_ais(folder, quarantine_path=tmp_path / "q.parquet", batch_rows=200)
    assert not (tmp_path / "q.parquet").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in"]
    result = load_clean_ais(
        folder, quarantine_path=tmp_path / "q.parquet", batch_rows=200, skip_bad_files=True
    )
    assert_same(result, folder)
    assert result.counts["files_unusable"] == 1
    assert result.counts["files_read"] == 2
    quarantine = pl.read_parquet(result.quarantine_path)
    from_b = quarantine.filter(pl.col("source_file").cast(pl.String).str.ends_with("b.csv"))
    assert from_b.get_column("reason").to_list() == ["file_unusable"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_rows": 0}, ValueError, "batch_rows must be positive"),
        ({"quarantine_path": "q.xlsx"}, ValueError, r"must end in \.csv or \.parquet"),
        ({"max_speed_kn": 0.0}, ValueError, "speed limits must be positive"),
        ({"max_jump_rounds": -1}, ValueError, "max_jump_rounds must be >= 0"),
    ],
)
def test_bad_parameters_raise(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_clean_ais(SAMPLE, **kwargs)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("broken-not-ais.csv", "not a MarineCadastre AIS table"),
        ("broken-empty.csv", "file is empty"),
        ("broken-truncated.csv", "file is truncated"),
        ("missing.csv", "no such file or folder"),
    ],
)
def test_unusable_files_raise_as_read_ais(tmp_path, name, pattern):
    with pytest.raises(AisFormatError, match=pattern):
        read_ais(FIXTURES / name)
    with pytest.raises(AisFormatError, match=pattern):
        load_clean_ais(FIXTURES / name, quarantine_path=tmp_path / "q.parquet")
    assert list(tmp_path.iterdir()) == []


def test_progress_bar(capsys):
    load_clean_ais(SAMPLE, progress=True)
    assert "AIS reports" in capsys.readouterr().err
