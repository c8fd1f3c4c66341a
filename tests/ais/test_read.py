"""Readers: MarineCadastre CSV (both headers, zip, gz), Parquet, NMEA, dispatch, errors.

Expected values are the real rows of the bundled MarineCadastre files (read by eye from
the CSV text), so these are input-contract tests, not regressions of our own output.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import zipfile
from importlib.resources import files
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from portcap.ais.read import (
    AisFormatError,
    AisReadResult,
    iter_ais_batches,
    read_ais,
    read_ais_parquet,
    read_marinecadastre_csv,
    read_nmea,
)
from portcap.ais.schema import (
    AIS_PING_COLUMNS,
    QUARANTINE_REASONS,
    ais_ping_schema,
    quarantine_schema,
)
from portcap.errors import InputError

PACKAGED = Path(str(files("portcap.data") / "ais"))
SNAPSHOT = PACKAGED / "marinecadastre-2022-01-03-socal.csv"
SAMPLE = PACKAGED / "marinecadastre-schema-sample.csv"
FIXTURES = Path(__file__).parents[1] / "data" / "ais"
DATA_COLUMNS = [c.name for c in AIS_PING_COLUMNS if c.name not in ("source_file", "source_row")]
HEADER_2015 = SAMPLE.read_text().splitlines()[0]


def dropped(result) -> int:
    return result.quarantine.filter(pl.col("action") == "dropped").height


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def sample_lines(n_rows: int) -> list[str]:
    """Header and the first ``n_rows`` data rows of the real schema sample."""
    return SAMPLE.read_text().splitlines()[: n_rows + 1]


@pytest.fixture(scope="module")
def sample():
    return read_marinecadastre_csv(SAMPLE)


# --- real MarineCadastre files -----------------------------------------------------------


def test_snapshot_rows_vessels_and_schema():
    result = read_marinecadastre_csv(SNAPSHOT)
    pings = result.pings
    assert pings.schema == ais_ping_schema()
    assert pings.height == 4946
    assert pings.get_column("mmsi").n_unique() == 927
    assert result.quarantine.schema == quarantine_schema()
    assert result.quarantine.height == 0
    assert result.counts["rows_read"] == 4946
    assert result.counts["pings"] == 4946
    assert pings.get_column("source_row").to_list() == list(range(1, 4947))
    assert pings.get_column("source_file").cast(pl.String).unique().to_list() == [str(SNAPSHOT)]


def test_snapshot_row_values():
    # data row 4: 205517000,2022-01-03T00:01:33,33.72937,-118.1541,0.0,60.0,259,CAP FELIX,
    # IMO9380738,ONFH,80,1,274,48,17.0,80,A
    row = (
        read_marinecadastre_csv(SNAPSHOT).pings.filter(pl.col("source_row") == 4).row(0, named=True)
    )
    assert row == {
        "mmsi": 205517000,
        "timestamp": dt.datetime(2022, 1, 3, 0, 1, 33),
        "latitude_deg": 33.72937,
        "longitude_deg": -118.1541,
        "speed_over_ground_kn": 0.0,
        "course_over_ground_deg": 60.0,
        "heading_deg": 259.0,
        "vessel_name": "CAP FELIX",
        "call_sign": "ONFH",
        "imo": 9380738,
        "vessel_type_code": 80,
        "nav_status": 1,
        "length_m": 274.0,
        "width_m": 48.0,
        "draft_m": 17.0,
        "transceiver_class": "A",
        "source_file": str(SNAPSHOT),
        "source_row": 4,
    }


def test_schema_sample_edge_cases(sample):
    pings = sample.pings
    assert pings.height == 51
    # Reading does not interpret codes: heading 511.0 stays for clean_pings to null.
    assert pings.filter(pl.col("source_row") == 2).get_column("heading_deg").item() == 511.0
    # IMO0000000 and blank mean "unknown".
    cool_kat = pings.filter(pl.col("mmsi") == 338327436).row(0, named=True)
    assert cool_kat["imo"] is None
    assert cool_kat["call_sign"] is None  # blank field
    assert cool_kat["nav_status"] is None  # Class B: no status
    assert cool_kat["draft_m"] is None
    assert cool_kat["transceiver_class"] == "B"
    assert pings.filter(pl.col("transceiver_class") == "B").height == 16
    assert pings.filter(pl.col("nav_status") == 12).height > 0


def test_imo_that_is_not_seven_digits_is_nulled_and_quarantined(sample):
    # data row 44 carries "IMO739103200" (9 digits) in the real file.
    row = sample.pings.filter(pl.col("source_row") == 44).row(0, named=True)
    assert row["imo"] is None
    q = sample.quarantine.row(0, named=True)
    assert sample.quarantine.height == 1
    assert (q["source_row"], q["reason"], q["action"], q["field"], q["original_value"]) == (
        44,
        "imo_malformed",
        "changed",
        "imo",
        "IMO739103200",
    )
    assert sample.counts["imo_malformed"] == 1


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        ("IMO9380738", 9380738, False),
        ("IMO0000000", None, False),
        ("", None, False),
        ("9380738", 9380738, False),
        ("IMO12", None, True),
        ("UNKNOWN", None, True),
    ],
)
def test_imo_parsing(tmp_path, text, expected, changed):
    header, first = sample_lines(1)
    fields = first.split(",")
    fields[8] = text
    result = read_marinecadastre_csv(write(tmp_path / "imo.csv", f"{header}\n{','.join(fields)}\n"))
    assert result.pings.get_column("imo").item() == expected
    assert result.counts["imo_malformed"] == int(changed)


def test_2024_header_reads_like_2015_header(sample):
    new = read_marinecadastre_csv(FIXTURES / "marinecadastre-2024-header.csv")
    assert new.pings.height == 12
    assert_frame_equal(new.pings.select(DATA_COLUMNS), sample.pings.head(12).select(DATA_COLUMNS))


def test_header_without_transceiver_class_reads_null(tmp_path):
    lines = [",".join(line.split(",")[:-1]) for line in sample_lines(3)]
    pings = read_marinecadastre_csv(write(tmp_path / "2017.csv", "\n".join(lines) + "\n")).pings
    assert pings.get_column("transceiver_class").null_count() == 3
    assert pings.get_column("mmsi").to_list() == [367702220, 671226100, 367767250]


@pytest.mark.parametrize("name", ["zip", "gzip", "zstd", "reordered"])
def test_other_containers_and_orders_read_the_same(tmp_path, sample, name):
    if name == "zip":
        path = FIXTURES / "marinecadastre-schema-sample.zip"
    elif name == "gzip":
        path = tmp_path / "sample.csv.gz"
        path.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    elif name == "zstd":  # how NOAA publishes the 2024+ daily files (ais-YYYY-MM-DD.csv.zst)
        path = tmp_path / "sample.csv.zst"
        path.write_bytes(pa.compress(SAMPLE.read_bytes(), codec="zstd", asbytes=True))
    else:
        frame = pl.read_csv(SAMPLE, infer_schema=False)
        path = tmp_path / "reordered.csv"
        frame.select(reversed(frame.columns)).write_csv(path)
    result = read_marinecadastre_csv(path)
    assert_frame_equal(result.pings.select(DATA_COLUMNS), sample.pings.select(DATA_COLUMNS))
    assert result.pings.get_column("source_file").cast(pl.String).unique().item() == str(path)


def test_times_in_other_layouts_are_parsed(tmp_path):
    lines = sample_lines(3)
    lines[2] = lines[2].replace("2022-03-31T00:00:01", "2022-03-31 00:00:01.250")
    result = read_marinecadastre_csv(write(tmp_path / "mixed.csv", "\n".join(lines) + "\n"))
    assert result.pings.get_column("timestamp").to_list() == [
        dt.datetime(2022, 3, 31, 0, 0, 1),
        dt.datetime(2022, 3, 31, 0, 0, 1, 250_000),
        dt.datetime(2022, 3, 31, 0, 0, 1),
    ]
    assert result.quarantine.height == 0


def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    lines = [line.encode() for line in sample_lines(2)]
    lines[2] = lines[2].replace(b"RELIANCE II", b"RELIANCE \xc9")  # a Latin-1 byte
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = read_marinecadastre_csv(path)
    assert result.pings.get_column("vessel_name").to_list() == ["JOE B WARD", "RELIANCE \ufffd"]
    assert result.quarantine.height == 0


def test_header_only_file_gives_no_rows(tmp_path):
    result = read_marinecadastre_csv(write(tmp_path / "header.csv", HEADER_2015 + "\n"))
    assert result.pings.height == 0
    assert result.pings.schema == ais_ping_schema()


# --- bad rows: quarantined, reading goes on ------------------------------------------------


def test_malformed_rows_are_quarantined_with_file_row_and_field():
    path = FIXTURES / "broken-malformed-rows.csv"
    result = read_marinecadastre_csv(path)
    assert result.pings.get_column("source_row").to_list() == [1, 3, 5]
    q = result.quarantine.sort("source_row")
    assert q.select("source_row", "reason", "action", "field").rows() == [
        (2, "malformed_value", "dropped", "latitude_deg"),
        (4, "wrong_field_count", "dropped", None),
    ]
    assert q.get_column("original_value").to_list()[0] == "abc"
    assert q.get_column("original_value").to_list()[1].startswith("338327436,")
    assert q.get_column("source_file").cast(pl.String).unique().item() == str(path)
    assert result.counts["rows_read"] == result.pings.height + dropped(result) == 5


def test_strict_raises_on_first_bad_row_naming_file_row_and_field():
    path = FIXTURES / "broken-malformed-rows.csv"
    with pytest.raises(AisFormatError, match=r"broken-malformed-rows\.csv, row 2, field") as info:
        read_marinecadastre_csv(path, strict=True)
    assert info.value.row == 2
    assert info.value.field == "latitude_deg"
    assert "'abc'" in str(info.value)


@pytest.mark.parametrize(
    ("row_text", "reason"),
    [
        ("{row},EXTRA", "wrong_field_count"),
        ("", "blank_row"),
        ("{short}", "wrong_field_count"),
    ],
)
def test_rows_with_wrong_field_counts(tmp_path, row_text, reason):
    lines = sample_lines(3)
    bad = row_text.format(row=lines[2], short=",".join(lines[2].split(",")[:5]))
    text = "\n".join([lines[0], lines[1], bad, lines[3]]) + "\n"
    result = read_marinecadastre_csv(write(tmp_path / "rows.csv", text))
    assert result.pings.get_column("source_row").to_list() == [1, 3]
    assert result.quarantine.select("source_row", "reason").rows() == [(2, reason)]
    assert result.counts[reason] == 1


def test_quoted_comma_is_not_a_field_count_problem(tmp_path):
    lines = sample_lines(2)
    lines[2] = lines[2].replace("RELIANCE II", '"RELIANCE, II"')
    result = read_marinecadastre_csv(write(tmp_path / "quoted.csv", "\n".join(lines) + "\n"))
    assert result.quarantine.height == 0
    assert result.pings.get_column("vessel_name").to_list() == ["JOE B WARD", "RELIANCE, II"]


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        (0, "36770x220", "mmsi"),
        (1, "31/03/2022 00:00:01", "timestamp"),
        (4, "fast", "speed_over_ground_kn"),
        (10, "cargo", "vessel_type_code"),
    ],
)
def test_malformed_value_in_each_kind_of_column(tmp_path, column, value, field):
    lines = sample_lines(3)
    fields = lines[2].split(",")
    fields[column] = value
    lines[2] = ",".join(fields)
    result = read_marinecadastre_csv(write(tmp_path / "bad.csv", "\n".join(lines) + "\n"))
    assert result.pings.get_column("source_row").to_list() == [1, 3]
    assert result.quarantine.select("source_row", "reason", "field", "original_value").rows() == [
        (2, "malformed_value", field, value)
    ]


# --- unusable files: AisFormatError naming the file ----------------------------------------


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("broken-not-ais.csv", r"broken-not-ais\.csv, field 'MMSI': not a MarineCadastre"),
        ("broken-empty.csv", r"broken-empty\.csv: file is empty \(0 bytes\); expected a header"),
        (
            "broken-truncated.csv",
            r"broken-truncated\.csv, row 5: file is truncated.*expected 17 complete fields",
        ),
    ],
)
def test_unusable_files_raise_with_file_row_and_field(name, pattern):
    with pytest.raises(AisFormatError, match=pattern) as info:
        read_marinecadastre_csv(FIXTURES / name)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, InputError)
    assert info.value.file == str(FIXTURES / name)


def test_truncated_file_can_be_accepted():
    result = read_marinecadastre_csv(FIXTURES / "broken-truncated.csv", allow_truncated=True)
    assert result.pings.height == 4
    assert result.quarantine.select("source_row", "reason").rows() == [(5, "truncated_row")]
    assert result.counts["truncated_row"] == 1


def test_file_without_final_line_break_is_not_truncated(tmp_path):
    text = "\n".join(sample_lines(3))  # complete rows, no final newline
    assert read_marinecadastre_csv(write(tmp_path / "no-eol.csv", text)).pings.height == 3


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (
            lambda p: write(p / "few.csv", "MMSI,BaseDateTime,LAT,LON\n1,2,3,4\n"),
            r"few\.csv, field 'SOG': header lacks column\(s\) SOG, COG",
        ),
        (lambda p: write(p / "blank.csv", "\n\n"), r"file is empty"),
        (lambda p: write(p / "bad.zip", "not a zip"), r"bad\.zip: not a readable zip archive"),
        (lambda p: write(p / "notes.md", HEADER_2015), r"notes\.md: unsupported file extension"),
        (lambda p: p / "missing.csv", r"missing\.csv: no such file"),
    ],
)
def test_other_unusable_inputs(tmp_path, make, pattern):
    with pytest.raises(AisFormatError, match=pattern):
        read_ais(make(tmp_path))


def test_zip_must_hold_exactly_one_csv(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLE, "a.csv")
        archive.write(SAMPLE, "b.csv")
    with pytest.raises(AisFormatError, match=r"holds 2 \.csv files \(a\.csv, b\.csv\)"):
        read_marinecadastre_csv(path)


# --- Parquet ------------------------------------------------------------------------------


def test_parquet_round_trip_keeps_lineage(tmp_path, sample):
    path = tmp_path / "pings.parquet"
    sample.pings.write_parquet(path)
    back = read_ais_parquet(path)
    assert_frame_equal(back.pings, sample.pings)
    assert back.quarantine.height == 0


@pytest.mark.parametrize("convention", ["marinecadastre_2015", "marinecadastre_2024"])
def test_parquet_in_raw_conventions(tmp_path, sample, convention):
    if convention == "marinecadastre_2015":
        raw = pl.read_csv(SAMPLE, infer_schema=False)  # every column as text
    else:
        raw = pl.read_csv(FIXTURES / "marinecadastre-2024-header.csv").with_columns(
            pl.col("base_date_time").str.to_datetime().dt.replace_time_zone("UTC"),
            pl.col("mmsi").cast(pl.Int32),
        )
    path = tmp_path / f"{convention}.parquet"
    raw.write_parquet(path)
    result = read_ais_parquet(path)
    expected = sample.pings.head(raw.height)
    assert_frame_equal(result.pings.select(DATA_COLUMNS), expected.select(DATA_COLUMNS))
    assert result.pings.get_column("source_row").to_list() == list(range(1, raw.height + 1))


def test_parquet_errors(tmp_path):
    with pytest.raises(AisFormatError, match="not a readable Parquet file"):
        read_ais_parquet(write(tmp_path / "x.parquet", "nope"))
    path = tmp_path / "weather.parquet"
    pl.DataFrame({"station": ["KLAX"], "temperature_c": [14.2]}).write_parquet(path)
    with pytest.raises(AisFormatError, match="not a MarineCadastre AIS table"):
        read_ais_parquet(path)


# --- NMEA ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nmea():
    return read_nmea(FIXTURES / "aivdm-sample.nmea")


def test_nmea_positions_and_line_layouts(nmea):
    pings = nmea.pings
    assert pings.schema == ais_ping_schema()
    t0 = dt.datetime(2022, 1, 3)
    assert pings.select("source_row", "mmsi", "timestamp").rows() == [
        (1, 366000001, None),  # plain sentence: no receiver time
        (2, 366000001, t0 + dt.timedelta(seconds=10)),  # unix time + space
        (5, 366000001, t0 + dt.timedelta(seconds=60)),  # ISO time + comma
        (6, 366000002, t0 + dt.timedelta(seconds=70)),  # tag block c:
        (9, 366000003, t0 + dt.timedelta(seconds=90)),  # type 19
        (11, 366000004, t0 + dt.timedelta(seconds=100)),  # type 27
        (18, 366000001, t0 + dt.timedelta(seconds=180, microseconds=500_000)),  # ISO, space
    ]
    first = pings.row(0, named=True)
    assert (first["latitude_deg"], first["longitude_deg"]) == (33.7, -118.2)
    assert (first["speed_over_ground_kn"], first["course_over_ground_deg"]) == (0.1, 360.0)
    assert (first["heading_deg"], first["nav_status"], first["transceiver_class"]) == (
        511.0,
        5,
        "A",
    )


def test_nmea_two_part_type5_is_merged_into_every_report_of_the_vessel(nmea):
    static = nmea.pings.filter(pl.col("mmsi") == 366000001).select(
        "vessel_name", "call_sign", "imo", "vessel_type_code", "length_m", "width_m", "draft_m"
    )
    # lines 1-2 come before the type 5 (line 3-4): they take its values from later.
    assert static.unique().rows() == [("CAP FELIX", "ONFH", 9380738, 70, 274.0, 48.0, 12.5)]
    assert static.height == 4


def test_nmea_class_b_static_and_long_range_codes(nmea):
    by_mmsi = {row["mmsi"]: row for row in nmea.pings.iter_rows(named=True)}
    sea_dog = by_mmsi[366000002]  # type 18 + type 24 A (name) and B (type, call sign, size)
    assert (sea_dog["vessel_name"], sea_dog["call_sign"], sea_dog["vessel_type_code"]) == (
        "SEA DOG",
        "WDX1234",
        37,
    )
    assert (sea_dog["length_m"], sea_dog["width_m"], sea_dog["transceiver_class"]) == (
        12.0,
        4.0,
        "B",
    )
    tug = by_mmsi[366000003]  # type 19 carries its own static data
    assert (tug["vessel_name"], tug["vessel_type_code"], tug["length_m"]) == (
        "HARBOR TUG",
        52,
        25.0,
    )
    long_range = by_mmsi[366000004]  # type 27: SOG 63 and COG 511 mean "not available"
    assert (long_range["speed_over_ground_kn"], long_range["course_over_ground_deg"]) == (
        102.3,
        360.0,
    )
    assert long_range["heading_deg"] is None


def test_nmea_failures_are_counted_and_quarantined(nmea):
    assert nmea.quarantine.select("source_row", "reason", "action").rows() == [
        (13, "nmea_checksum_invalid", "dropped"),
        (14, "nmea_malformed", "dropped"),
        (15, "nmea_fragment_missing", "dropped"),
    ]
    counts = {k: v for k, v in nmea.counts.items() if v}
    assert counts == {
        "files_read": 1,
        "rows_read": 18,
        "pings": 7,
        "nmea_blank_lines": 1,
        "nmea_messages_decoded": 12,
        "nmea_position_reports": 7,
        "nmea_static_reports": 4,
        "nmea_other_message_types": 2,
        "nmea_non_ais_sentences": 1,
        "nmea_malformed": 1,
        "nmea_checksum_invalid": 1,
        "nmea_fragment_missing": 1,
    }


def test_nmea_strict_and_missing_file(tmp_path):
    with pytest.raises(AisFormatError, match=r"aivdm-sample\.nmea, row 13: nmea_checksum_invalid"):
        read_nmea(FIXTURES / "aivdm-sample.nmea", strict=True)
    with pytest.raises(AisFormatError, match="no such file"):
        read_nmea(tmp_path / "none.nmea")


def test_nmea_bad_receiver_time_is_nulled_and_recorded(tmp_path):
    line = "2022-13-45T00:00:00Z !AIVDM,1,1,,A,15M2oPEP01GRs60CB8H>4?v1P000,0*75\n"
    result = read_nmea(write(tmp_path / "time.nmea", line))
    assert result.pings.get_column("timestamp").to_list() == [None]
    assert result.quarantine.select("reason", "action", "field").rows() == [
        ("nmea_timestamp_malformed", "changed", "timestamp")
    ]


# --- read_ais: dispatch and folders -------------------------------------------------------


def test_read_ais_folder_sorted_with_progress(tmp_path, sample, capsys):
    shutil.copy(FIXTURES / "marinecadastre-schema-sample.zip", tmp_path / "b.zip")
    shutil.copy(FIXTURES / "marinecadastre-2024-header.csv", tmp_path / "a.csv")
    sample.pings.write_parquet(tmp_path / "c.parquet")
    shutil.copy(FIXTURES / "aivdm-sample.nmea", tmp_path / "d.nmea")
    write(tmp_path / "README.md", "not AIS")
    write(tmp_path / ".hidden.csv", "ignored")
    result = read_ais(tmp_path, progress=True)
    assert "AIS files" in capsys.readouterr().err
    order = result.pings.get_column("source_file").cast(pl.String).unique(maintain_order=True)
    assert order.to_list() == [
        str(tmp_path / "a.csv"),
        str(tmp_path / "b.zip"),
        str(SAMPLE),  # the Parquet file keeps the lineage of the CSV it was written from
        str(tmp_path / "d.nmea"),
    ]
    assert result.pings.height == 12 + 51 + 51 + 7
    assert result.counts["files_read"] == 4
    assert result.counts["files_skipped"] == 2
    # The zip's malformed IMO is quarantined; the Parquet file holds already-read pings.
    assert result.counts["imo_malformed"] == 1
    assert result.quarantine.height == 1 + 3


def test_read_ais_skip_bad_files(tmp_path):
    shutil.copy(FIXTURES / "broken-empty.csv", tmp_path / "a.csv")
    shutil.copy(FIXTURES / "marinecadastre-2024-header.csv", tmp_path / "b.csv")
    with pytest.raises(AisFormatError, match="file is empty"):
        read_ais(tmp_path)
    result = read_ais(tmp_path, skip_bad_files=True)
    assert result.pings.height == 12
    assert result.counts["files_unusable"] == 1
    row = result.quarantine.row(0, named=True)
    assert (row["source_file"], row["reason"], row["action"]) == (
        str(tmp_path / "a.csv"),
        "file_unusable",
        "dropped",
    )
    assert "file is empty" in row["original_value"]


def test_read_ais_empty_folder(tmp_path):
    result = read_ais(tmp_path)
    assert result.pings.schema == ais_ping_schema()
    assert result.pings.height == 0
    assert result.counts["files_read"] == 0


def test_read_counts_cover_every_read_reason():
    result = read_ais(SAMPLE)
    read_reasons = {r.code for r in QUARANTINE_REASONS.values() if r.stage == "read"}
    assert read_reasons <= set(result.counts)


# --- iter_ais_batches: the same rows, a batch at a time -------------------------------


def concatenated(path: Path, batch_rows: int, **kwargs) -> AisReadResult:
    batches = list(iter_ais_batches(path, batch_rows=batch_rows, **kwargs))
    counts: dict[str, int] = {}
    for batch in batches:
        for key, value in batch.counts.items():
            counts[key] = counts.get(key, 0) + value
    assert sum(b.counts["files_read"] for b in batches) == 1
    return AisReadResult(
        pl.concat([b.pings for b in batches]), pl.concat([b.quarantine for b in batches]), counts
    )


def by_row(quarantine: pl.DataFrame) -> pl.DataFrame:
    return quarantine.sort("source_row", "reason", nulls_last=True)


def awkward_snapshot(tmp_path: Path, line_break: str = "\n") -> Path:
    """The snapshot with blank lines (also in runs), extra and short fields, bad values."""
    lines = SNAPSHOT.read_text().splitlines()
    for row in (1, 5, 6, 100, 101, 102, 2000, 4945):
        lines[row] = ""
    lines[50] = lines[50].replace(",", ",,", 1)
    lines[700] = lines[700].replace("2022-01-03T", "2022-01-03 ")
    lines[701] = lines[701].replace("2022-01-03T", "xx")
    lines[800] = ",".join(lines[800].split(",")[:5])
    lines[900] = lines[900] + ",EXTRA"
    lines[1200] = lines[1200].replace("IMO", "IMX", 1)
    lines[1300] = lines[1300].replace("CAP FELIX", '"CAP, FELIX"')
    path = tmp_path / "awkward.csv"
    path.write_bytes((line_break.join(lines) + line_break).encode())
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda p: SNAPSHOT,
        lambda p: SAMPLE,
        lambda p: FIXTURES / "marinecadastre-schema-sample.zip",
        lambda p: FIXTURES / "marinecadastre-2024-header.csv",
        lambda p: FIXTURES / "broken-malformed-rows.csv",
        lambda p: FIXTURES / "aivdm-sample.nmea",
        awkward_snapshot,
        lambda p: awkward_snapshot(p, "\r\n"),
        lambda p: write(p / "no-eol.csv", "\n".join(sample_lines(20))),
        lambda p: write(p / "header.csv", HEADER_2015 + "\n"),
    ],
    ids=[
        "snapshot",
        "sample",
        "zip",
        "2024-header",
        "malformed",
        "nmea",
        "awkward",
        "awkward-crlf",
        "no-final-eol",
        "header-only",
    ],
)
@pytest.mark.parametrize("batch_rows", [3, 250, 1_000_000])
def test_batches_concatenate_to_read_ais(tmp_path, make, batch_rows):
    path = make(tmp_path)
    if batch_rows == 3 and path.stat().st_size > 100_000:
        batch_rows = 97  # the same kinds of cuts, in less time
    whole = read_ais(path)
    batches = concatenated(path, batch_rows)
    assert_frame_equal(batches.pings, whole.pings, check_exact=True)
    assert_frame_equal(by_row(batches.quarantine), by_row(whole.quarantine), check_exact=True)
    assert batches.counts == {k: v for k, v in whole.counts.items() if k != "files_skipped"} | {
        "files_skipped": 0
    }


@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_batches_of_compressed_files(tmp_path, codec):
    data = SNAPSHOT.read_bytes()
    if codec == "gzip":
        path = tmp_path / "snapshot.csv.gz"
        path.write_bytes(gzip.compress(data))
    else:
        path = tmp_path / "snapshot.csv.zst"
        path.write_bytes(pa.compress(data, codec="zstd", asbytes=True))
    batches = concatenated(path, 700)
    assert_frame_equal(batches.pings, read_ais(path).pings)


def test_batches_of_parquet(tmp_path, sample):
    canonical = tmp_path / "canonical.parquet"
    sample.pings.write_parquet(canonical, row_group_size=10)
    raw = tmp_path / "raw.parquet"
    pl.read_csv(SAMPLE, infer_schema=False).write_parquet(raw, row_group_size=10)
    for path in (canonical, raw):
        whole = read_ais(path)
        batches = concatenated(path, 7)
        assert_frame_equal(batches.pings, whole.pings)
        assert_frame_equal(by_row(batches.quarantine), by_row(whole.quarantine))


def test_batches_only_keep_the_columns_asked_for_but_check_all(tmp_path):
    lines = sample_lines(3)
    lines[2] = ",".join([*lines[2].split(",")[:11], "moored", *lines[2].split(",")[12:]])
    path = write(tmp_path / "status.csv", "\n".join(lines) + "\n")
    batches = concatenated(path, 2, columns=["mmsi", "timestamp"])
    assert batches.pings.columns == ["mmsi", "timestamp", "source_file", "source_row"]
    # a malformed Status still drops its row, though the column is not kept
    assert batches.quarantine.select("source_row", "reason", "field").rows() == [
        (2, "malformed_value", "nav_status")
    ]


def test_batches_of_a_truncated_file_raise_like_read_ais(tmp_path):
    path = write(tmp_path / "cut.csv", SNAPSHOT.read_text()[:-40])
    with pytest.raises(AisFormatError) as whole:
        read_ais(path)
    for batch_rows in (100, 1_000_000):
        with pytest.raises(AisFormatError) as batches:
            list(iter_ais_batches(path, batch_rows=batch_rows))
        assert str(batches.value) == str(whole.value)
        assert batches.value.row == whole.value.row == 4946


def test_batches_bad_arguments():
    with pytest.raises(ValueError, match="batch_rows must be positive"):
        list(iter_ais_batches(SAMPLE, batch_rows=0))
    with pytest.raises(ValueError, match="unknown AIS ping column"):
        list(iter_ais_batches(SAMPLE, columns=["mmsi", "speed"]))
    with pytest.raises(AisFormatError, match="unsupported file extension"):
        list(iter_ais_batches(FIXTURES / "README.md"))
