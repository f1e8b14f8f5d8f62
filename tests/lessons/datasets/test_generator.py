"""The datasets are exactly what generate.py makes, each with a complete datasheet, within the size limits."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import gzip
import importlib.util
import io
import itertools
import json
import sys
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "lessons" / "datasets"
DATA_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".xlsx")
LANGUAGES = {"en", "ru", "kk"}
TYPES = {"int", "float", "str", "date", "datetime", "bool"}
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024


def load_generator():
    """Import lessons/datasets/generate.py by path (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location("qala_datasets_generate", DATA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return load_generator()


@pytest.fixture(scope="module")
def fresh(generator):
    return generator.build_all()


def data_files() -> list[Path]:
    return sorted(p for p in DATA.iterdir() if p.name.endswith(DATA_SUFFIXES))


def datasheets() -> dict[str, dict]:
    sheets = {}
    for path in sorted(DATA.glob("*.toml")):
        with path.open("rb") as f:
            sheets[path.stem] = tomllib.load(f)
    return sheets


def text_of(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")


def spreadsheet_table(path: Path) -> tuple[list[str], list[dict]]:
    """appeals_report.xlsx's table as the lesson reads it: the sheet «Районы», the two header rows
    flattened ("Поступило 2024"), the rows between the header and the blank line before the footnotes,
    the numbers' thousands spaces removed and "-" (none) as an empty cell."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    grid = [list(row) for row in book["Районы"].iter_rows(values_only=True)]
    book.close()
    top, below = grid[3], grid[4]
    for i in range(1, len(top)):  # a merged cell holds its value in its first column only
        top[i] = top[i] if top[i] is not None or below[i] is None else top[i - 1]
    header = [str(t) if b is None else f"{b} {t}" for t, b in zip(top, below)]
    body = list(itertools.takewhile(lambda row: row[0] is not None, grid[5:]))
    clean = lambda cell: "" if cell in (None, "-") else cell.replace(" ", "") if isinstance(cell, str) else cell
    return header, [dict(zip(header, map(clean, row))) for row in body]


def header_and_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Column names in order and the records, for CSV and JSON Lines alike (and the one spreadsheet)."""
    if path.name.endswith(".xlsx"):
        return spreadsheet_table(path)
    text = text_of(path)
    if path.name.endswith(".jsonl"):
        records = [json.loads(line) for line in text.splitlines()]
        return list(records[0]), records
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames), list(reader)


# ----------------------------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------------------------


def test_generator_reproduces_every_committed_file(generator, fresh):
    assert {p.name for p in data_files()} == set(fresh), "generate.py and the folder disagree on the files"
    differ = [name for name, data in fresh.items() if not generator.same_content(name, (DATA / name).read_bytes(), data)]
    assert not differ, f"run `python lessons/datasets/generate.py`; stale: {differ}"


def test_plain_files_match_byte_for_byte(fresh):
    # .gz files are compared by content above too, since zlib builds may differ; everything else is exact
    for name, data in fresh.items():
        if not name.endswith((".gz", ".xlsx")):  # .xlsx is a zip archive: deflated like .gz
            assert (DATA / name).read_bytes() == data, name


def test_check_mode_passes_on_the_committed_files(generator, capsys):
    assert generator.main(["--check"]) == 0, capsys.readouterr().out


def test_output_is_plain_utf8_with_newline_endings(fresh):
    for name, data in fresh.items():
        if name.endswith(".xlsx"):
            continue  # a spreadsheet: see test_spreadsheet_is_reproducible
        raw = gzip.decompress(data) if name.endswith(".gz") else data
        text = raw.decode("utf-8")
        assert "\r" not in text and text.endswith("\n"), name
    for name, data in fresh.items():
        if name.endswith(".gz"):
            assert data[4:8] == b"\0\0\0\0", f"{name}: gzip mtime must be 0"
            assert not data[3] & 0x08, f"{name}: gzip header must not carry a file name"


def test_generator_uses_only_the_standard_library():
    tree = ast.parse((DATA / "generate.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    # openpyxl writes the one spreadsheet (imported inside its function, for that file only)
    assert imported - {"__future__", "openpyxl"} <= set(sys.stdlib_module_names), imported


def test_spreadsheet_is_reproducible(generator):
    # openpyxl stamps a save time and zip entry dates: the generator fixes both, so the bytes repeat
    first = generator.render("appeals_report.xlsx")
    assert generator.render("appeals_report.xlsx") == first
    names = [entry[0] for entry in generator.zip_entries(first)]
    assert "xl/workbook.xml" in names and "docProps/core.xml" in names
    core = dict(generator.zip_entries(first))["docProps/core.xml"].decode()
    assert "2025-10-06T09:30:00Z" in core and core.count("2025-10-06T09:30:00Z") == 2


# ----------------------------------------------------------------------------------------------------------
# Datasheets
# ----------------------------------------------------------------------------------------------------------


def test_every_data_file_has_a_datasheet_and_back():
    files = {p.name.split(".")[0]: p.name for p in data_files()}
    sheets = datasheets()
    assert set(files) == set(sheets), set(files) ^ set(sheets)
    for stem, sheet in sheets.items():
        assert sheet["id"] == stem
        assert sheet["file"] == files[stem]


def assert_three_languages(text: object, where: str) -> None:
    assert isinstance(text, dict) and set(text) == LANGUAGES, f"{where}: needs exactly en, ru and kk"
    for lang, value in text.items():
        assert isinstance(value, str) and value.strip(), f"{where}: empty {lang}"


@pytest.mark.parametrize("stem", sorted(datasheets()))
def test_datasheet_schema(stem):
    sheet = datasheets()[stem]
    required = {"id", "file", "format", "rows", "licence", "audience", "needs", "title", "grain", "description", "column", "calibration"}
    assert required <= set(sheet) <= required | {"flaw"}, set(sheet) ^ required  # a clean table has no flaw
    assert sheet["id"].isidentifier() and sheet["id"] == sheet["id"].lower()
    assert sheet["format"] in {"csv", "csv.gz", "jsonl", "xlsx"}
    assert sheet["file"] == f"{sheet['id']}.{sheet['format']}"
    assert isinstance(sheet["rows"], int) and sheet["rows"] > 0
    assert sheet["licence"].startswith("CC0-1.0")
    assert sheet["audience"] in {"school", "staff", "both"}
    assert isinstance(sheet["needs"], list) and set(sheet["needs"]) <= {"pandas", "openpyxl"}
    for key in ("title", "grain", "description"):
        assert_three_languages(sheet[key], f"{stem}.{key}")
    names = [c["name"] for c in sheet["column"]]
    assert len(names) == len(set(names))
    for column in sheet["column"]:
        assert set(column) == {"name", "type", "unit", "description"}, column
        assert column["type"] in TYPES, column
        assert isinstance(column["unit"], str)
        assert_three_languages(column["description"], f"{stem}.{column['name']}")
    assert sheet["calibration"], f"{stem}: every dataset is calibrated against something"
    for calibration in sheet["calibration"]:
        assert set(calibration) == {"fact", "source", "check"}, calibration
        assert calibration["fact"].strip() and calibration["source"].strip()
        assert calibration["check"].startswith("test_")
    for flaw in sheet.get("flaw", []):
        assert set(flaw) == {"description", "where"}, flaw
        assert_three_languages(flaw["description"], f"{stem} flaw")
        assert flaw["where"].strip()


@pytest.mark.parametrize("stem", sorted(datasheets()))
def test_datasheet_rows_and_columns_match_the_file(stem):
    sheet = datasheets()[stem]
    header, records = header_and_rows(DATA / sheet["file"])
    assert header == [c["name"] for c in sheet["column"]]
    assert sheet["rows"] == len(records)
    if sheet["format"] == "jsonl":
        assert all(list(r) == header for r in records)


def parses_as(kind: str, text: object) -> bool:
    if not isinstance(text, str):
        return kind == {bool: "bool", int: "int", float: "float"}.get(type(text), "str")
    try:
        if kind == "int":
            int(text)
        elif kind == "float":
            float(text)
        elif kind == "date":
            dt.date.fromisoformat(text)
        elif kind == "datetime":
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        elif kind == "bool":
            return text in {"true", "false"}
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("stem", sorted(datasheets()))
def test_values_have_the_declared_types(stem):
    # Planted flaws may break a few values (e.g. "1 250 300" in an int column), never most of them.
    sheet = datasheets()[stem]
    _header, records = header_and_rows(DATA / sheet["file"])
    for column in sheet["column"]:
        values = [r[column["name"]] for r in records if r[column["name"]] != ""]
        good = sum(parses_as(column["type"], v) for v in values)
        assert values and good >= 0.95 * len(values), (column["name"], column["type"])


def test_sizes_within_the_limits():
    sizes = {p.name: p.stat().st_size for p in data_files()}
    assert all(size < MAX_FILE_BYTES for size in sizes.values()), sizes
    assert sum(sizes.values()) < MAX_TOTAL_BYTES


def test_first_track_files_are_small_plain_csv():
    # The schoolchildren's first lessons read these in the browser with the csv module alone.
    for stem in ("districts", "air_daily", "waste_daily"):
        sheet = datasheets()[stem]
        assert sheet["format"] == "csv" and sheet["needs"] == []
        assert (DATA / sheet["file"]).stat().st_size < 1024 * 1024


# ----------------------------------------------------------------------------------------------------------
# The flaws the datasheets promise are really in the data (lessons depend on them)
# ----------------------------------------------------------------------------------------------------------


def records(name: str) -> list[dict]:
    return header_and_rows(DATA / name)[1]


def test_planted_flaws_are_there():
    air = records("air_daily.csv")
    assert any(r["pm25"] == "-999" for r in air) and any(r["pm25"] == "" for r in air)
    assert len(air) < 11 * 1826  # whole rows missing, not only empty cells
    assert sum(r["station"] == "AQ05" and r["date"].startswith("2023") for r in air) == 359  # air-gaps
    hourly = records("air_hourly.csv.gz")
    small = [r for r in hourly if r["station"] == "AQ04" and r["pm25"] and float(r["pm25"]) < 1]
    assert any(float(r["pm10"]) < 1 for r in small)  # the week in mg/m³: both particle columns
    assert any(float(r["pm10"]) > 5 for r in small)  # the dead PM2.5 sensor: PM10 still real
    assert any(r["timestamp"].endswith("-08:00") for r in hourly)  # the feed on Los Angeles time
    onay = records("onay_daily.csv.gz")
    assert len({tuple(r.values()) for r in onay}) < len(onay)  # duplicate rows
    assert any(r["route"] == "092" for r in onay) and any(r["route"] == "92" for r in onay)
    assert {"Baikonur", "Baykonur"} <= {r["station"] for r in records("metro_daily.csv.gz")}
    spellings = {r["district"] for r in records("parking_sessions.csv.gz")}
    assert len(spellings) > 8 and "Almaly" in spellings
    budget = records("budget_2023.csv")
    assert any(" " in r["plan_thousand_tenge"] for r in budget)
    assert any(float(r["tonnes"]) > 5_000 for r in records("waste_daily.csv") if r["tonnes"])
    payloads = [json.loads(m["payload"]) for m in records("iot_messages.jsonl")]
    swapped = [p for p in payloads if p.get("esp8266id") == "2871344"]
    values = [{v["value_type"]: float(v["value"]) for v in p["sensordatavalues"]} for p in swapped]
    assert all(v["SDS_P2"] > v["SDS_P1"] for v in values)  # PM2.5 larger than PM10: fields swapped
    assert any(v.get("value") == "-999" for p in payloads for v in p.get("sensordatavalues", []))
    boots = [int(p["boot"]) for p in payloads if "boot" in p and p["serialno"]]
    assert 0 in boots  # a restart
