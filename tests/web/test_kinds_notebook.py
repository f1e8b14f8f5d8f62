"""Exercise kinds in a lesson's notebook, under the in-process runner the browser uses: each kind's
%%check cell starts as it should and takes a typed answer (a prediction, a letter, lines in
order, filled blanks); a prediction's verdict shows the program's real output."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from qala.grader.i18n import Translator
from qala.grader.run.runners import InProcessRunner
from qala.web import notebook
from qala.web.course_site import lesson_notebook
from qala.web.notebook import FolderStorage, Session
from tests.kinds_lesson import make_kinds_course

LOOP = "pm25 = [52, 54, 28]\ntotal = 0\nfor value in pm25:\n    total = total + value\n"


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.fixture
def course(tmp_path):
    return make_kinds_course(tmp_path / "kinds")


@pytest.fixture
def opened(tmp_path, course, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = Session(course_root=course, storage=FolderStorage(tmp_path / "idb"), work_home=tmp_path / "work")
    notebook.use_session(session)
    session.begin("kinds", "en")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, session.open()).result()
    session.engine.runner = session.engine.grader.runner = InProcessRunner()
    yield session
    notebook.use_session(Session())


def check(exercise: str, answer: str):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, notebook.check(exercise, answer)).result()


def test_each_kinds_cell_starts_as_its_kind_needs(opened):
    lesson = opened.engine.lesson("kinds")
    cells = lesson_notebook(lesson, "ru", [])["cells"]
    checks = {source(c).split("\n", 1)[0]: source(c).split("\n", 1)[1] for c in cells if source(c).startswith("%%check")}
    assert checks["%%check first-month"] == "\n" and checks["%%check denominator"] == "\n"
    assert sorted(checks["%%check loop-total"].split("\n")[:-1]) == sorted(
        ["pm25 = [52, 54, 28]", "total = 0", "for value in pm25:", "total = total + value", "total = value"]
    )
    assert checks["%%check fill-mean"] == "pm25 = [52, 54, 28]\nmean = ___(pm25) / ___(pm25)\n"
    words = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    ru = Translator("ru")
    assert "print(pm25[0])" in words  # the program to read
    assert "**b)** на 10, число месяцев со значением" in words  # the options, in Russian
    assert ru.t("Replace each ___ in the cell below with what is missing, then run the cell.") in words
    assert words.count(ru.t("Or run the cell as it is: buttons to answer with appear under it.")) == 4  # each kind: its form


def test_without_ipywidgets_a_cell_run_as_handed_out_is_checked_as_typed(opened, capsys):
    """No ipywidgets here (as in a browser whose site cannot load it): no form, today's check."""
    import importlib.util

    assert importlib.util.find_spec("ipywidgets") is None
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, notebook.check_cell("first-month", "")).result()
        pool.submit(asyncio.run, notebook.check_cell("loop-total", notebook.check_cell_body(opened.engine.lesson("kinds").exercise("loop-total")))).result()
    printed = capsys.readouterr().out
    assert "Type what you think the program prints, then check." in printed
    assert "This is still the starting code" in printed


def test_a_typed_answer_of_each_kind_is_checked(opened):
    wrong = check("first-month", "54\n3 months")
    assert not wrong.passed and not wrong.ran  # a prediction never runs as code
    assert '<pre data-qala="output"' in wrong.html() and "3 months" in wrong.html()
    assert check("first-month", "52\n3 months").passed
    choice = check("denominator", "a")
    assert not choice.passed and "must not count in the denominator" in choice.text()
    assert check("denominator", "b").passed
    assert check("loop-total", LOOP).passed
    assert check("fill-mean", "pm25 = [52, 54, 28]\nmean = sum(pm25) / len(pm25)\n").passed
    assert opened.engine.progress().exercises_done == 4
