"""`qala datasets check FILE --as DATASET` and `qala datasets use FILE --as DATASET [--map NEW=OLD] | --reset`,
run as a learner would: exit 0 it fits, 1 not yet, 2 unreadable (one line, their language, no traceback)."""

from __future__ import annotations

import gzip
import json
import re
import zipfile

from tests.conftest import run_qala

FILE = "Дата;Станция;Район;PM2.5, мкг/м3;PM10, мкг/м3;NO2, мкг/м3\n01.12.2023 00:00;AQ02;Алмалы;55,3;67,1;103\n01.03.2024 01:00;AQ02;Алмалы;12,5;20;31,5\n"


def test_check_says_each_finding_on_its_line_and_exits_0_when_it_fits(tmp_path, home):
    own = tmp_path / "датчик.csv"
    own.write_bytes(FILE.encode("cp1251"))
    done = run_qala("datasets", "check", str(own), "--as", "air_hourly", home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("· read датчик.csv: Windows-1251 (a guess")
    assert "✔ column “PM2.5, мкг/м3” → pm25 (µg/m³), by name" in lines
    assert any("no UTC offset: read as Almaty clock time" in line for line in lines)
    assert "it fits" in done.stdout
    assert not (home / "own-data").exists()  # check keeps nothing


def test_check_exits_1_when_something_does_not_fit_and_json_says_why(tmp_path, home):
    own = tmp_path / "short.csv"
    own.write_text("date,pm25\n2024-01-05,40\n2024-01-06,много\n", encoding="utf-8")
    done = run_qala("datasets", "check", str(own), "--as", "air_daily", "--json", home=home)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["fits"] is False and data["columns"]["pm25"] == "pm25" and data["columns"]["no2"] is None
    bad = [f["message"] for f in data["findings"] if f["mark"] == "bad"]
    assert any("1 values are not numbers (the first on line 3: “много”)" in m for m in bad)


def test_hostile_files_end_in_one_translated_line_with_exit_2(tmp_path, home):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"x;" * 1_000_000 + b"x\n")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(200):
                sheet.write(b" " * (1024 * 1024))
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"a,b\n\x00\n")
    for path in (wide, bomb, nul, tmp_path / "missing.csv"):
        before = path.read_bytes() if path.exists() else None
        done = run_qala("--lang", "ru", "datasets", "check", str(path), "--as", "air_daily", home=home)
        assert done.returncode == 2, (path, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert re.search("[а-яё]{4}", done.stderr), done.stderr  # said in Russian
        assert (path.read_bytes() if path.exists() else None) == before


def test_use_converts_into_the_home_and_reset_goes_back_while_datasets_still_lists(tmp_path, home):
    own = tmp_path / "mine.csv"
    own.write_bytes(FILE.encode("cp1251"))
    before = own.read_bytes()
    done = run_qala("datasets", "use", str(own), "--as", "air_hourly", home=home)
    assert done.returncode == 0, done.stderr
    assert "Checks and XP still use the course's data" in done.stdout
    converted = gzip.decompress((home / "own-data" / "air_hourly.csv.gz").read_bytes()).decode()
    assert converted.splitlines()[2] == "2024-03-01T01:00:00+05:00,AQ02,Алмалы,12.5,20,31.5"
    assert own.read_bytes() == before
    listed = run_qala("datasets", "--json", home=home)
    assert listed.returncode == 0 and any(d["id"] == "air_hourly" for d in json.loads(listed.stdout)["datasets"])
    table = run_qala("datasets", home=home)
    assert table.returncode == 0 and "You explore air_hourly with your own data" in " ".join(table.stdout.split())
    back = run_qala("datasets", "use", "--reset", home=home)
    assert back.returncode == 0 and "air_hourly" in back.stdout
    assert not (home / "own-data" / "air_hourly.csv.gz").exists()
    assert "You explore" not in run_qala("datasets", home=home).stdout
    wrong = run_qala("datasets", "use", home=home)
    assert wrong.returncode == 2 and "qala datasets use FILE --as DATASET" in wrong.stderr


def test_map_names_the_column_and_a_bad_map_is_usage(tmp_path, home):
    own = tmp_path / "odd.csv"
    own.write_text("day,fine dust\n2024-01-05,40\n", encoding="utf-8")
    done = run_qala("datasets", "use", str(own), "--as", "air_daily", "--map", "pm25=fine dust", "--json", home=home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["columns"]["pm25"] == "fine dust"
    assert (home / "own-data" / "air_daily.csv").read_text(encoding="utf-8").splitlines()[1] == "2024-01-05,,,40,,"
    bad = run_qala("datasets", "use", str(own), "--as", "air_daily", "--map", "pm25", home=home)
    assert bad.returncode == 2 and "NEW=OLD" in bad.stderr
    unknown = run_qala("datasets", "check", str(own), "--as", "no_such", home=home)
    assert unknown.returncode == 2 and "no_such" in unknown.stderr
