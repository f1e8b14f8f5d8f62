"""The learner's own file against a datasheet: encodings, delimiters, decimal commas, Russian
column names with units, dates and their UTC offsets, an XLSX built here as Excel writes one, and
the files a mischievous pupil would try — each ends in one line, the file untouched."""

from __future__ import annotations

import gzip
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from qala.grader.content import own_data
from qala.grader.content.datasets import load_datasets
from qala.grader.content.own_file import MAX_COLUMNS, UnreadableFile, read_table
from qala.grader.i18n import Translator

COURSE_DATASETS = Path(__file__).resolve().parents[3] / "lessons" / "datasets"


@pytest.fixture(scope="module")
def datasets():
    found, _problems = load_datasets(COURSE_DATASETS)
    return found


def keys(report) -> list[str]:
    return [f.key for f in report.findings]


def column(report, name: str) -> list[str]:
    index = [m.column.name for m in report.matches].index(name)
    return [row[index] for row in report.rows]


RUSSIAN = (
    "Дата и время;Станция;Район;PM2.5, мкг/м3;PM10, мкг/м3;NO2, мкг/м3\n"
    "01.12.2023 00:00;AQ02;Алмалы;55,3;67,1;103\n"
    "29.02.2024 23:00;AQ02;Алмалы;1 020,5;70,5;н/д\n"
    "01.03.2024 01:00;AQ02;Алмалы;12,0;20;31,5\n"
)


def test_windows_1251_with_semicolons_decimal_commas_and_local_times_fits_the_hourly_air(tmp_path, datasets):
    path = tmp_path / "сенсор.csv"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    report = own_data.check_file(path, datasets["air_hourly"])
    assert report.fits, report.lines(Translator("en"))
    assert report.table.encoding == "cp1251" and report.table.encoding_guessed
    assert report.table.delimiter == ";" and report.decimal == ","
    said = report.lines(Translator("en"))
    assert "Windows-1251 (a guess: the file does not say its encoding)" in said[0]
    assert any("dates written as dd.mm.yyyy HH:MM" in line for line in said)
    assert any("no UTC offset: read as Almaty clock time" in line for line in said)
    assert {m.column.name: report.table.header[m.source] for m in report.matches if m.source is not None}["pm25"] == "PM2.5, мкг/м3"
    # Almaty's clock: +06:00 until 1 March 2024, +05:00 from then
    assert column(report, "timestamp") == ["2023-12-01T00:00:00+06:00", "2024-02-29T23:00:00+06:00", "2024-03-01T01:00:00+05:00"]
    assert column(report, "pm25") == ["55.3", "1020.5", "12"]
    assert column(report, "no2") == ["103", "", "31.5"]  # н/д is a missing value, not an error
    russian = own_data.check_file(path, datasets["air_hourly"]).lines(Translator("ru"))
    assert russian[0] != said[0] and "Windows-1251" in russian[0]


def test_utf8_with_a_bom_and_commas_is_said_without_a_guess(tmp_path, datasets):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"date,station,district,pm25,pm10,no2\n2024-01-05,AQ01,Alatau,40.5,50,60\n")
    report = own_data.check_file(path, datasets["air_daily"])
    assert report.fits and report.table.encoding == "utf-8-sig" and not report.table.encoding_guessed
    assert report.table.header[0] == "date"  # the BOM is not part of the first name


def test_kazakh_names_in_kz1048_are_read_as_kazakh(tmp_path, datasets):
    path = tmp_path / "kk.csv"
    path.write_bytes("Күні;Бекет;Аудан;PM2.5;PM10;NO2\n05.01.2024;AQ01;Түрксіб;40;50;60\n".encode("kz1048"))
    report = own_data.check_file(path, datasets["air_daily"])
    assert report.table.encoding == "kz1048"
    assert report.fits, report.lines(Translator("en"))
    assert column(report, "district") == ["Түрксіб"]


def test_a_title_above_the_header_is_skipped_and_said(tmp_path, datasets):
    path = tmp_path / "portal.csv"
    path.write_text("Мониторинг качества воздуха, г. Алматы\nИсточник: портал\nДата;Станция;PM2.5\n01.01.2024;AQ01;4,5\n02.01.2024;AQ01;5\n", encoding="utf-8")
    report = own_data.check_file(path, datasets["air_daily"])
    assert report.table.header == ["Дата", "Станция", "PM2.5"] and report.table.delimiter == ";"
    assert column(report, "pm25") == ["4.5", "5"]
    assert any("the table starts at line 3" in line for line in report.lines(Translator("en")))
    assert not [f for f in report.findings if f.key.startswith("column “{header}”: {count} values")]  # the title is no bad row
    assert "строки 3" in " ".join(report.lines(Translator("ru")))


def test_offsets_in_the_file_are_said_and_kept(tmp_path, datasets):
    path = tmp_path / "la.csv"
    path.write_text("timestamp,station,district,pm25,pm10,no2\n2024-01-05T10:00:00-08:00,AQ08,Zhetysu,1,2,3\n", encoding="utf-8")
    report = own_data.check_file(path, datasets["air_hourly"])
    assert any("not Almaty's" in line for line in report.lines(Translator("en")))
    assert column(report, "timestamp") == ["2024-01-05T10:00:00-08:00"]
    almaty = tmp_path / "almaty.csv"
    almaty.write_text("timestamp,station,district,pm25,pm10,no2\n2024-03-05T10:00:00+05:00,AQ02,Almaly,1,2,3\n", encoding="utf-8")
    assert any("Almaty's offset +05:00" in line for line in own_data.check_file(almaty, datasets["air_hourly"]).lines(Translator("en")))


def test_times_with_and_without_an_offset_in_one_column_do_not_fit(tmp_path, datasets):
    path = tmp_path / "mixed.csv"
    path.write_text("timestamp,station,district,pm25,pm10,no2\n2024-01-05T10:00:00+06:00,AQ02,A,1,2,3\n2024-01-05 11:00,AQ02,A,1,2,3\n", encoding="utf-8")
    report = own_data.check_file(path, datasets["air_hourly"])
    assert not report.fits
    assert any("some times have an offset" in line for line in report.lines(Translator("en")))


def test_milligrams_are_turned_into_micrograms_and_missing_columns_are_named(tmp_path, datasets):
    path = tmp_path / "mg.csv"
    path.write_text("Дата,PM2.5 (мг/м³)\n2024-01-05,0.045\n", encoding="utf-8")
    report = own_data.check_file(path, datasets["air_daily"])
    assert column(report, "pm25") == ["45"]
    said = report.lines(Translator("en"))
    assert any("multiplied by 1,000" in line for line in said)
    assert not report.fits and any("station, district, pm10, no2 not found" in line for line in said)
    assert report.usable  # what there is can still be explored


def test_a_map_names_a_column_the_matcher_cannot_guess(tmp_path, datasets):
    path = tmp_path / "odd.csv"
    path.write_text("day,where,fine dust\n2024-01-05,AQ01,40\n", encoding="utf-8")
    plain = own_data.check_file(path, datasets["air_daily"])
    assert [m.column.name for m in plain.matches if m.source is not None] == ["date"]
    mapped = own_data.check_file(path, datasets["air_daily"], {"pm25": "fine dust", "station": "where"})
    assert column(mapped, "pm25") == ["40"] and column(mapped, "station") == ["AQ01"]
    wrong = own_data.check_file(path, datasets["air_daily"], {"pm99": "fine dust"})
    assert any("has no column 'pm99'" in line for line in wrong.lines(Translator("en")))


def test_a_dataset_that_is_no_table_takes_no_own_file(tmp_path, datasets):
    path = tmp_path / "mqtt.csv"
    path.write_text("received_at,topic,payload\n2024-01-01T00:00:00+06:00,x,{}\n", encoding="utf-8")
    report = own_data.check_file(path, datasets["iot_messages"])
    assert not report.fits and not report.usable
    assert "not a table" in report.lines(Translator("en"))[0]


# ---------------------------------------------------------------- XLSX, built as Excel writes one


def xlsx(rows: list[list[object]], merged: str = "", date_style_cells: set[str] = frozenset()) -> bytes:
    """A real workbook: content types, relationships, workbook, shared strings, styles (style 1 is a
    date, built-in format 22) and one sheet."""
    strings: list[str] = []
    cells_xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str):
                if value not in strings:
                    strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{strings.index(value)}</v></c>')
            elif value is not None:
                style = ' s="1"' if ref in date_style_cells else ""
                cells.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
        cells_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    merge = f'<mergeCells count="1"><mergeCell ref="{merged}"/></mergeCells>' if merged else ""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="22" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>",
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{"".join(cells_xml)}</sheetData>{merge}</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_xlsx_with_excel_dates_and_russian_headers_fits(tmp_path, datasets):
    # 45296.5 is 2024-01-05 12:00 in Excel's day count; row 1 is a title merged across the columns
    rows = [
        ["Мониторинг воздуха"],
        ["Дата и время", "Станция", "Район", "PM2.5, мкг/м³", "PM10, мкг/м³", "NO2, мкг/м³"],
        [45296.5, "AQ02", "Алмалы", 40.5, 50, 60.25],
    ]
    path = tmp_path / "air.xlsx"
    path.write_bytes(xlsx(rows, merged="A2:B2", date_style_cells={"A3"}))
    table = read_table(path)
    assert table.kind == "xlsx" and table.header[0] == "Дата и время" and table.first_line == 2  # the title row is skipped, and said
    report = own_data.check_file(path, datasets["air_hourly"])
    assert report.fits, report.lines(Translator("en"))
    assert column(report, "timestamp") == ["2024-01-05T12:00:00+06:00"]
    assert column(report, "no2") == ["60.25"]
    said = report.lines(Translator("en"))
    assert any("merged cells (A2:B2)" in line for line in said)  # reported, not solved
    assert any("the table starts at line 2" in line for line in said)
    assert any("“Лист1”" in line for line in said)


# ---------------------------------------------------------------- a mischievous pupil


def one_line(exc: UnreadableFile, language: str = "ru") -> str:
    text = exc.render(Translator(language))
    assert "\n" not in text and text
    return text


def test_an_xlsx_that_inflates_to_gigabytes_stops_at_the_cap_with_flat_memory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}"><sheets><sheet name="a" sheetId="1"/></sheets></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode())
            block = b"A" * (1024 * 1024)
            for _ in range(1024):  # 1 GB of one cell's text, a megabyte or so on disk
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    assert path.stat().st_size < 8 * 1024 * 1024
    before = path.read_bytes()
    tracemalloc.start()
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert caught.value.key.startswith("{name} unpacks to more than")
    assert peak < 200 * 1024 * 1024
    assert one_line(caught.value)
    assert path.read_bytes() == before


def test_a_header_with_millions_of_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a," * 2_000_000 + b"a\n1,2\n")
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    assert "columns, more than the" in caught.value.key
    assert one_line(caught.value, "kk")


def test_an_xlsx_row_with_millions_of_cells_is_refused(tmp_path):
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    path = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}"><sheets><sheet name="a" sheetId="1"/></sheets></workbook>')
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData><row>' + "<c><v>1</v></c>" * 1_000_000 + "</row></sheetData></worksheet>"
        )
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    assert str(MAX_COLUMNS) in one_line(caught.value, "en")


def test_nul_bytes_and_mixed_encodings_are_one_line_each(tmp_path):
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"date,pm25\n2024-01-01,4\x00\x00\n")
    with pytest.raises(UnreadableFile) as caught:
        read_table(nul)
    assert "NUL" in one_line(caught.value)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("Дата;Станция\n01.01.2024;Алмалы\n".encode() + "02.01.2024;Медеу\n".encode("cp1251"))
    with pytest.raises(UnreadableFile) as caught:
        read_table(mixed)
    assert caught.value.params["line"] == 3
    assert one_line(caught.value)
    reverse = tmp_path / "reverse.csv"
    reverse.write_bytes("Дата;Станция\n01.01.2024;Алмалы\n".encode("cp1251") + "02.01.2024;Медеу\n".encode())
    with pytest.raises(UnreadableFile) as caught:
        read_table(reverse)
    assert caught.value.params["line"] == 3 and "mixes two encodings" in caught.value.key


def test_a_two_gigabyte_file_is_refused_after_reading_only_the_cap(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as file:
        file.write(b"date,pm25\n")
        file.truncate(2 * 1024**3)  # sparse: two gigabytes that take no disk
    stat = path.stat()
    with pytest.raises(UnreadableFile) as caught:
        read_table(path)
    assert "larger than" in caught.value.key
    assert one_line(caught.value)
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size


def test_an_old_excel_file_and_a_zip_that_is_no_workbook_are_said(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(UnreadableFile) as caught:
        read_table(xls)
    assert ".xls" in one_line(caught.value, "en")
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("cat.txt", "meow")
    with pytest.raises(UnreadableFile) as caught:
        read_table(other)
    assert "not an Excel workbook" in one_line(caught.value, "en")


# ---------------------------------------------------------------- in the learner's home


def test_use_writes_the_datasets_shape_into_the_home_and_reset_goes_back(tmp_path, datasets):
    home = tmp_path / "home"
    path = tmp_path / "mine.csv"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    dataset = datasets["air_hourly"]
    report = own_data.check_file(path, dataset)
    saved = own_data.save(home, report, dataset, path)
    assert saved == home / "own-data" / "air_hourly.csv.gz"
    text = gzip.decompress(saved.read_bytes()).decode("utf-8")
    assert text.splitlines()[0] == "timestamp,station,district,pm25,pm10,no2"
    assert text.splitlines()[1] == "2023-12-01T00:00:00+06:00,AQ02,Алмалы,55.3,67.1,103"
    view = own_data.explore_view(home, COURSE_DATASETS)
    assert (view / "air_hourly.csv.gz").read_bytes() == saved.read_bytes()
    assert (view / "air_daily.csv").read_bytes() == (COURSE_DATASETS / "air_daily.csv").read_bytes()
    assert list(own_data.using(home)) == ["air_hourly"]
    assert own_data.reset(home) == ["air_hourly"]
    assert own_data.using(home) == {} and not saved.exists()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not any(p.name.endswith(".tmp") for p in (home / "own-data").rglob("*"))
    assert os.path.isdir(home / "own-data")


def test_columns_are_found_by_their_kazakh_description_and_by_unit_alone(tmp_path):
    tiny, _problems = load_datasets(Path(__file__).resolve().parents[2] / "tui" / "course" / "lessons" / "datasets")
    path = tmp_path / "kk.csv"
    path.write_text("Өлшеу күні;Бекет коды;Концентрация, мкг/м³;Ауаның тәуліктік орташа температурасы, °C\n05.01.2024;AQ01;40,5;-7,5\n", encoding="utf-8")
    report = own_data.check_file(path, tiny["air_tiny"])
    how = {m.column.name: m.how for m in report.matches}
    assert how == {"date": "description", "station": "name", "pm25": "unit", "temp": "description"}
    assert report.rows == [["2024-01-05", "AQ01", "40.5", "-7.5"]]
    said = report.lines(Translator("kk"))
    assert any(Translator("kk").t("by its unit only: check it") in line for line in said)


def test_a_unit_after_a_space_and_a_decimal_comma_in_the_name_are_read_as_portals_write_them():
    """'PM2,5 мкг/м3' is PM2.5 in µg/m³: the comma is a decimal comma, the unit follows a space
    (found on a real Russian-language file: it was matched to the wrong column)."""
    from qala.grader.content.own_data import _split_unit

    assert _split_unit("PM2,5 мкг/м3") == ("PM2,5", "мкг/м3")
    assert _split_unit("PM2,5, мкг/м³") == ("PM2,5", "мкг/м³")
    assert _split_unit("PM10 мкг/м3") == ("PM10", "мкг/м3")
    assert _split_unit("Температура, °C") == ("Температура", "°C")
    assert _split_unit("Станция") == ("Станция", "")
