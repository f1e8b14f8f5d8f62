"""`use_my_data()` in a lesson's notebook, under the in-process runner the browser uses: the
pupil's file (in the file browser's folder) is read, said finding by finding, and the notebook's
plain cells then read it as the dataset; `%%check` grading keeps the course's data."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from pathlib import Path

import pytest

from qala.grader.i18n import Translator
from qala.grader.run.runners import InProcessRunner
from qala.web import notebook, own_data
from qala.web.notebook import FolderStorage, Session

COURSE = Path(__file__).resolve().parents[1] / "tui" / "course"
OWN = "Дата;Станция;PM2.5, мкг/м3;Температура, °C\n" + "".join(f"{day:02d}.01.2024;AQ09;{day},5;-3,0\n" for day in range(1, 11))
READ = 'import csv\nrows = list(csv.DictReader(open("datasets/air_tiny.csv", encoding="utf-8")))\nstations = sorted({r["station"] for r in rows})\n'


@pytest.fixture
def opened(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = Session(course_root=COURSE, storage=FolderStorage(tmp_path / "idb"), work_home=tmp_path / "work")
    notebook.use_session(session)
    session.begin("second-look", "ru")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own loop: a browser test may hold this thread's
        pool.submit(asyncio.run, session.open()).result()
    runner = InProcessRunner()
    session.engine.runner = session.engine.grader.runner = runner  # the browser's runner, in this interpreter
    yield session
    notebook.use_session(Session())


def run_cell(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "<cell>", "exec"), namespace)
    return namespace


def test_use_my_data_makes_the_notebooks_cells_read_the_pupils_file(opened, tmp_path, monkeypatch):
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / "мой_воздух.csv").write_bytes(OWN.encode("cp1251"))
    monkeypatch.setattr(own_data, "DRIVE", drive)  # JupyterLite's file browser folder, here
    assert run_cell(READ)["stations"] == ["AQ01"]  # the course's data first

    view = notebook.use_my_data("мой_воздух.csv", "air_tiny")
    text = view.text()
    ru = Translator("ru")
    assert ru.t("Windows-1251") in text and "✘" not in text
    assert ru.t("Lessons already use the course's data.") not in text
    assert "datasets/air_tiny.csv" in text
    assert "<div" in view._repr_html_()
    assert run_cell(READ)["stations"] == ["AQ09"]  # the pupil's own
    explored = opened.engine.explore("second-look", "worst-month", READ + "print(stations)")
    assert explored.own == ("air_tiny",) and "AQ09" in explored.output and not explored.error
    assert opened.engine.attempts() == []

    solution = opened.engine.lesson("second-look").exercise("worst-month").solution
    assert opened.engine.check("second-look", "worst-month", solution).passed  # graded as ever

    back = notebook.use_my_data(reset=True)
    assert "air_tiny" in back.text()
    assert Path(os.getcwd()) == COURSE / "lessons"
    assert run_cell(READ)["stations"] == ["AQ01"]


def test_a_hostile_file_is_one_line_in_the_notebook(opened, tmp_path):
    bad = tmp_path / "nul.csv"
    bad.write_bytes(b"date,pm25\n\x00\x00\x00\n")
    view = notebook.use_my_data(str(bad), "air_tiny")
    assert view.kind == "error" and len(view.lines) == 1 and "\n" not in view.text()
    assert "NUL" in view.text()
    missing = notebook.use_my_data()
    assert "use_my_data(" in missing.text()
