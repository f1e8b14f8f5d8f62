"""What the Data screen reads: the first rows and a series over time, from every dataset format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from qala.grader.content.datasets import load_datasets
from qala.tui import dataset_preview

SHEET = """
id = "{id}"
file = "{file}"
format = "{format}"
rows = 4
title = {{ en = "Test data" }}

[[column]]
name = "when"
type = "datetime"

[[column]]
name = "trip_id"
type = "int"

[[column]]
name = "pm25"
type = "float"
unit = "µg/m³"
"""

ROWS = [
    {"when": "2024-01-01T08:00:00", "trip_id": 1, "pm25": 10.0},
    {"when": "2024-01-01T20:00:00", "trip_id": 2, "pm25": 30.0},
    {"when": "2024-01-02T08:00:00", "trip_id": 3, "pm25": None},
    {"when": "2024-01-02T09:00:00", "trip_id": 4, "pm25": 5.5},
]


def write(folder: Path, name: str, fmt: str) -> None:
    file = f"{name}.{fmt}"
    (folder / f"{name}.toml").write_text(SHEET.format(id=name, file=file, format=fmt), encoding="utf-8")
    if fmt == "jsonl":
        (folder / file).write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
        return
    text = "pm25,when,trip_id\n" + "".join(f"{'' if r['pm25'] is None else r['pm25']},{r['when']},{r['trip_id']}\n" for r in ROWS)
    if fmt == "csv.gz":
        (folder / file).write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        (folder / file).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl"])
def test_every_format_reads_in_the_datasheets_column_order(tmp_path, fmt):
    write(tmp_path, "sample", fmt)
    datasets, problems = load_datasets(tmp_path)
    assert problems == []
    dataset = datasets["sample"]
    assert dataset_preview.head(dataset, 2) == [["2024-01-01T08:00:00", "1", "10.0"], ["2024-01-01T20:00:00", "2", "30.0"]]
    assert dataset_preview.numeric_columns(dataset) == ["pm25"]  # an id is not a measurement
    mean = dataset_preview.series(dataset, "pm25")
    assert (mean.period, mean.labels, mean.values) == ("day", ("2024-01-01", "2024-01-02"), (20.0, 5.5))  # a gap is left out
    count = dataset_preview.series(dataset, dataset_preview.ROWS)
    assert count.values == (2.0, 2.0)


def test_a_dataset_without_dates_has_no_series(tmp_path):
    (tmp_path / "plain.toml").write_text(
        'id = "plain"\nfile = "plain.csv"\nrows = 1\ntitle = { en = "Plain" }\n[[column]]\nname = "n"\ntype = "int"\n', encoding="utf-8"
    )
    (tmp_path / "plain.csv").write_text("n\n1\n", encoding="utf-8")
    dataset = load_datasets(tmp_path)[0]["plain"]
    assert dataset_preview.time_column(dataset) is None
    assert dataset_preview.series(dataset, "n") is None


def test_a_spreadsheet_shows_its_grid_as_excel_opens_it():
    # appeals_report.xlsx opens on «Районы» (the sheet saved as active): titles, header rows and
    # footnotes are part of what the lesson on such files reads, so the preview shows them as they are.
    datasets, problems = load_datasets(Path(__file__).resolve().parents[2] / "lessons" / "datasets")
    assert problems == []
    rows = dataset_preview.head(datasets["appeals_report"], limit=50)
    assert rows[0][0].startswith("Сведения об обращениях")
    assert rows[3][:3] == ["Район", "Код", "2024"]
    assert rows[5][0] == "Всего по городу" and rows[5][4] == "173 518"
    assert all(len(row) == len(datasets["appeals_report"].columns) for row in rows)
    assert dataset_preview.series(datasets["appeals_report"], dataset_preview.ROWS) is None  # no time column


def test_a_spreadsheet_that_is_not_one_is_a_value_error_the_screen_reports(tmp_path):
    (tmp_path / "report.toml").write_text(SHEET.format(id="report", file="report.xlsx", format="xlsx"), encoding="utf-8")
    (tmp_path / "report.xlsx").write_text("not a zip archive", encoding="utf-8")
    datasets, problems = load_datasets(tmp_path)
    assert problems == []
    with pytest.raises(ValueError):
        dataset_preview.head(datasets["report"])
