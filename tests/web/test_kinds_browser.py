"""One exercise of each kind answered in the browser build, in headless Chromium: a small course
with a predict, a choice, a parsons and a fill exercise, built offline, served on 127.0.0.1; each
`%%check` cell gets a typed answer, wrong and then right (the prediction shows the real output);
then each cell, run as handed out, shows its form (ipywidgets), answered by clicking and typing in it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, expect

from qala.web.course_site import build_course_site
from qala.web.serve import serving
from tests.kinds_lesson import make_kinds_course

from . import axe
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


def handed_out(site, exercise: str) -> str:
    """An exercise's %%check cell as the built notebook hands it out."""
    cells = json.loads((site.path / "files" / "en" / "kinds.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
    return next(s for s in sources if s.startswith(f"%%check {exercise}\n"))


def show_form(lab: Lab, visit: Visit, site, exercise: str) -> Locator:
    """Run the exercise's cell as handed out: its form appears under it."""
    cell = visit.exercise_cell(f"%%check {exercise}")
    lab.type_code(cell, handed_out(site, exercise))
    lab.run_cell(cell)
    form = lab.code_cell(cell).locator(".qala-answer")
    expect(form).to_be_visible(timeout=120_000)
    return form


def check(form: Locator, passed: str) -> Locator:
    form.get_by_role("button", name="Check").click()
    verdict = form.locator('[data-qala="check"]')
    expect(verdict).to_have_attribute("data-passed", passed, timeout=60_000)
    return verdict


def test_one_of_each_kind_is_answered_with_buttons(lab, site, timings, a11y_notes):
    lab, visit = lab
    probe = lab.add_cell("import sys\nprint('ipywidgets' in sys.modules)")
    assert lab.run_cell(probe).strip() == "False"  # not loaded at start, nor by typed answers
    started = time.perf_counter()
    form = show_form(lab, visit, site, "first-month")
    timings["kinds site: first answer form shown (loads ipywidgets), s"] = time.perf_counter() - started
    form.locator("textarea").fill("54\n3 months")
    wrong = check(form, "false")
    expect(wrong).to_contain_text("you wrote '54'")
    expect(form).to_contain_text("The program printed:")
    form.locator("textarea").fill("52\n3 months")
    check(form, "true")

    form = show_form(lab, visit, site, "denominator")
    form.get_by_text("a) 12, the months of the year").click()
    expect(check(form, "false")).to_contain_text("must not count in the denominator")
    form.get_by_text("b) 10, the months that have a value").click()
    check(form, "true")

    form = show_form(lab, visit, site, "loop-total")
    rows = form.locator(".qala-line")
    wanted = ["pm25 = [52, 54, 28]", "total = 0", "for value in pm25:", "total = total + value"]
    for place, line in enumerate(wanted):  # each wanted line up to its place with ↑, as a pupil would
        labels = [rows.nth(i).locator("label").last.inner_text().strip() for i in range(rows.count())]
        for row in range(labels.index(line), place, -1):
            rows.nth(row).get_by_role("button", name="↑").click()
    rows.nth(3).get_by_role("button", name="→").click()
    rows.nth(4).locator("input[type=checkbox]").uncheck()  # the line that does not belong
    expect(rows.nth(3).locator("label").last).to_have_text("\u00a0" * 4 + "total = total + value")
    check(form, "true")

    form = show_form(lab, visit, site, "fill-mean")
    blanks = form.locator("input[type=text]")
    blanks.nth(0).fill("sum")
    expect(check(form, "false")).to_contain_text("1 blank of 2 is not filled in yet.")
    blanks.nth(1).fill("len")
    check(form, "true")

    found = axe.violations(visit.page, ".qala-answer")
    assert not found, axe.describe(found)
    for button in form.get_by_role("button").all():  # big enough to tap on a phone
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    lab.traffic.assert_clean()
