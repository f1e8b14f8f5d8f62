"""pandas reads .xlsx files through openpyxl inside the sandbox (issue 15.4's staff lesson on Excel
reports): from the read-only datasets folder, with every sheet and the merged two-level header, and the
workbook stays read-only there while a copy in the scratch folder can be written."""

from __future__ import annotations

from pathlib import Path

from qala.grader.run.jobs import Job
from qala.grader.run.runners import default_runner

DATASETS = Path(__file__).resolve().parents[3] / "lessons" / "datasets"

SOURCE = """
import pandas as pd
path = "datasets/appeals_report.xlsx"
sheets = pd.ExcelFile(path).sheet_names
report = pd.read_excel(path, sheet_name="Районы", header=[3, 4])
top = [str(a) for a, b in report.columns]
first = report.iloc[0, 0]
report.to_excel("copy.xlsx")
copied = pd.read_excel("copy.xlsx", header=[0, 1], index_col=0).shape
try:
    report.to_excel(path)
    overwrite = "written"
except PermissionError:
    overwrite = "refused"
"""


def test_read_excel_runs_in_the_sandbox_on_the_course_workbook():
    runner = default_runner()
    try:
        result = runner.run(
            Job(
                source=SOURCE,
                setup="",
                variables=("sheets", "top", "first", "copied", "overwrite"),
                calls=(),
                datasets_dir=DATASETS,
                needs=("pandas", "openpyxl"),
                timeout=60,
            )
        )
    finally:
        runner.close()
    assert result.ok, result.error
    assert result.values["sheets"] == ["Пояснения", "Районы"]
    # the merged year cells are copied across: both columns under 2024 carry the year
    assert result.values["top"] == ["Район", "Код", "2024", "2024", "2025", "2025"]
    assert result.values["first"] == "Всего по городу"
    assert list(result.values["copied"]) == [14, 6]
    assert result.values["overwrite"] == "refused"
