"""One exercise of each kind answered in the browser build, in headless Chromium: a small course
with a predict, a choice, a parsons and a fill exercise, built offline, served on 127.0.0.1; each
`%%check` cell gets a typed answer, wrong and then right (the prediction shows the real output)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from qala.web.course_site import build_course_site
from qala.web.serve import serving
from tests.kinds_lesson import make_kinds_course

from .browsing import BROWSER_MARKS, Lab, Traffic
from .test_course_site import Visit

pytestmark = BROWSER_MARKS

LOOP = "pm25 = [52, 54, 28]\ntotal = 0\nfor value in pm25:\n    total = total + value\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory, vendored):
    course = make_kinds_course(tmp_path_factory.mktemp("kinds-course"))
    return build_course_site(tmp_path_factory.mktemp("kinds-site") / "site", course_root=course)


@pytest.fixture(scope="module")
def lab(site, playwright, tmp_path_factory) -> Iterator[tuple[Lab, Visit]]:
    with serving(site.path) as server:
        visit = Visit(playwright, tmp_path_factory.mktemp("chromium-profile"), server, Traffic((server,)))
        visit.start_browser()
        try:
            visit.page.goto(f"{server.url}notebooks/index.html?path=en/kinds.ipynb")
            visit.lab = Lab(visit.page, visit.traffic, time.perf_counter())
            visit.lab.wait_for_kernel()
            visit.lab.run_cell(visit.exercise_cell("from qala.web.notebook import"))
            yield visit.lab, visit
        finally:
            visit.close_browser()


def answer(lab: Lab, visit: Visit, exercise: str, text: str) -> str:
    cell = visit.exercise_cell(f"%%check {exercise}")
    lab.type_code(cell, f"%%check {exercise}\n{text}")
    return lab.run_cell(cell)


def test_one_of_each_kind_is_answered_by_typing(lab):
    lab, visit = lab
    wrong = answer(lab, visit, "first-month", "54\n3 months")
    assert "Not passed yet." in wrong and "you wrote '54'" in wrong
    assert "The program printed:" in wrong and "52" in wrong  # then see it run
    assert "Passed!" in answer(lab, visit, "first-month", "52\n3 months")
    choice = answer(lab, visit, "denominator", "a")
    assert "must not count in the denominator" in choice
    assert "Passed!" in answer(lab, visit, "denominator", "b")
    assert "Passed!" in answer(lab, visit, "loop-total", LOOP)
    blanks = answer(lab, visit, "fill-mean", "pm25 = [52, 54, 28]\nmean = sum(pm25) / ___(pm25)\n")
    assert "1 blank of 2 is not filled in yet." in blanks
    assert "Passed!" in answer(lab, visit, "fill-mean", "pm25 = [52, 54, 28]\nmean = sum(pm25) / len(pm25)\n")
    lab.traffic.assert_clean()
