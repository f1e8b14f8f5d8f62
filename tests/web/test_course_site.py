"""The real course site, end to end: built offline with `qala web build`, served on 127.0.0.1, used
in headless Chromium the way a pupil uses it.

The course map, then the first lesson of the first track: a wrong answer, a right one (XP and the
first badge), an endless loop, a hint, the export for the teacher (regraded by `qala report`), a
reload that keeps the progress — in the lesson and on the course map — and a browser restart.
One browser profile on disk, one page and as few kernels as the story needs; every request is recorded, and none may leave the
site or fail. The timings land in the "qala web timings" summary at the end of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.content.model import ExerciseKind
from qala.web.serve import Serving, serving

from . import axe
from .browsing import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, Lab, Traffic

pytestmark = BROWSER_MARKS

LESSON = "monthly-air"
PM25 = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\n"
WRONG = f"%%check january\n{PM25}january = pm25[1]\n"
RIGHT = f"%%check january\n{PM25}january = pm25[0]\nprint('January:', january)\n"
ENDLESS = "%%check yearly-mean\nmean_pm25 = 0\nwhile True:\n    mean_pm25 = mean_pm25 + 1\n"
CODE_CELL_STARTING = """(prefix) => {
  const cells = window.jupyterapp.shell.currentWidget.content.widgets.filter(c => c.model.type === 'code');
  return cells.findIndex(c => c.model.sharedModel.getSource().startsWith(prefix));
}"""


def qala(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QALA_")} | {"QALA_HOME": str(home), "QALA_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "qala.grader.cli", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def site(tmp_path_factory, vendored, timings) -> Path:
    """The bundled course, built by the real command line, offline."""
    root = tmp_path_factory.mktemp("course-site")
    started = time.perf_counter()
    done = qala("web", "build", "--out", str(root / "site"), home=root / "home")
    timings["course site: qala web build (s)"] = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "offline" in done.stdout
    site = root / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    timings["course site: size on disk (MB)"] = sum(p.stat().st_size for p in files) / 1e6
    timings["course site: files"] = len(files)
    with tarfile.open(root / "site.tar.gz", "w:gz") as archive:
        archive.add(site, arcname="site")
    timings["course site: as tar.gz (MB)"] = (root / "site.tar.gz").stat().st_size / 1e6
    return site


@dataclass
class Visit:
    """One pupil's browser (a profile on disk, as at home): a page on the site, everything it
    requested, and the lesson open in it."""

    playwright: Playwright
    profile: Path
    server: Serving
    traffic: Traffic
    context: BrowserContext | None = None
    page: Page | None = None
    lab: Lab | None = None
    lesson_opened_at: float = 0.0  # perf_counter() when the pupil clicked the lesson
    first_check_epoch_ms: float = 0.0  # the browser's clock when the first check's result showed

    def start_browser(self) -> None:
        self.context = self.playwright.chromium.launch_persistent_context(
            self.profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, accept_downloads=True
        )
        self.traffic.watch(self.context)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on reload
        self.page.on("console", lambda m: m.type == "error" and self.traffic.console_errors.append(m.text))

    def close_browser(self) -> None:
        if self.context is not None:
            self.context.close()  # the whole browser: a persistent context is its own Chromium
            self.context = self.page = self.lab = None

    def course_map(self) -> None:
        self.page.goto(f"{self.server.url}index.html")
        self.page.wait_for_selector("body[data-progress]", timeout=TIMEOUT_MS)  # the saved progress was looked for

    def exercise_cell(self, prefix: str) -> int:
        index = self.page.evaluate(CODE_CELL_STARTING, prefix)
        assert index >= 0, f"no code cell starts with {prefix!r}"
        return index


@pytest.fixture(scope="module")
def visit(site, playwright, tmp_path_factory) -> Iterator[Visit]:
    with serving(site) as server:
        visit = Visit(playwright, tmp_path_factory.mktemp("chromium-profile"), server, Traffic((server,)))
        visit.start_browser()
        try:
            yield visit
        finally:
            visit.close_browser()


def test_the_course_map_shows_the_course_and_no_progress_yet(visit):
    visit.course_map()
    page = visit.page
    assert page.get_attribute("body", "data-progress") == "none"
    expect(page.get_by_test_id("course-title")).to_have_text("Qala: reading Almaty's data")
    row = page.locator(f"[data-lesson='{LESSON}'].lesson")
    expect(row).to_have_attribute("data-status", "available")
    expect(row.get_by_test_id("lesson-progress")).to_contain_text("0 of 5")
    expect(page.get_by_test_id("xp")).to_have_text("0 XP")
    expect(page.get_by_test_id("earned-badges")).to_contain_text("No badges yet")
    visit.traffic.assert_clean()


def test_the_language_switch_needs_no_rebuild_and_is_remembered(visit):
    page = visit.page
    page.click("button[data-language='ru']")
    expect(page.get_by_test_id("course-title")).to_have_text("Qala: читаем данные Алматы")
    link = page.locator(f"[data-lesson='{LESSON}'].lesson a.open")
    expect(link).to_have_attribute("href", f"notebooks/index.html?path=ru/{LESSON}.ipynb")
    visit.course_map()  # a new visit: the choice was kept
    expect(page.locator("button[data-language='ru']")).to_have_attribute("aria-pressed", "true")
    for language in ("kk", "ru"):
        assert page.request.get(f"{visit.server.url}files/{language}/{LESSON}.ipynb").ok  # built, not made on demand
    page.click("button[data-language='en']")
    expect(link).to_have_attribute("href", f"notebooks/index.html?path=en/{LESSON}.ipynb")
    visit.traffic.assert_clean()


def test_a_first_track_lesson_opens_from_the_course_map(visit, timings):
    page = visit.page
    visit.lesson_opened_at = time.perf_counter()
    page.click(f"[data-lesson='{LESSON}'].lesson a.open")
    page.wait_for_url(f"**/notebooks/index.html?path=en/{LESSON}.ipynb")
    visit.lab = Lab(page, visit.traffic, visit.lesson_opened_at)
    visit.lab.wait_for_kernel()
    timings["lesson open to kernel session (s)"] = time.perf_counter() - visit.lesson_opened_at
    output = visit.lab.run_cell(visit.exercise_cell("from qala.web.notebook import"))
    timings["lesson open to the start cell's output (s)"] = time.perf_counter() - visit.lesson_opened_at
    assert "A year of Almaty's air in twelve numbers" in output
    assert "Exercises passed: 0 of 5" in output
    visit.traffic.assert_clean()


def test_a_wrong_answer_shows_what_to_fix(visit, timings):
    lab = visit.lab
    cell = visit.exercise_cell("%%check january")
    lab.type_code(cell, WRONG)
    output = lab.run_cell(cell)
    timings["lesson open to the first check result (s)"] = time.perf_counter() - visit.lesson_opened_at
    visit.first_check_epoch_ms = visit.page.evaluate("Date.now()")
    assert "Not passed yet." in output
    assert "That is February's value" in output  # the lesson's own word on this typical mistake
    assert 'hint("january")' in output
    visit.traffic.assert_clean()


def test_a_right_answer_passes_with_xp_and_the_first_badge(visit, timings):
    lab = visit.lab
    cell = visit.exercise_cell("%%check january")
    lab.type_code(cell, RIGHT)
    started = time.perf_counter()
    output = lab.run_cell(cell)
    timings["a check in a warm kernel (s)"] = time.perf_counter() - started
    assert "January: 52" in output  # the printout, from the code run in the notebook too
    assert "Passed! +10 XP" in output  # no first-try bonus: the first try was wrong
    assert "New badge: First step" in output
    assert "Level 1: Newcomer" in output
    visit.traffic.assert_clean()


def test_the_feedback_in_the_lesson_passes_wcag_2_aa(visit, a11y_notes):
    found = axe.violations(visit.page, ".jp-OutputArea-output [data-qala]")
    assert not found, axe.describe(found)
    for violation in axe.violations(visit.page):  # JupyterLab's own page: listed, not ours to fix
        a11y_notes.append(
            f"JupyterLab notebook (desktop): {violation['id']} ({violation['impact']}), "
            f"{len(violation['nodes'])} element(s): {violation['help']}; e.g. {violation['nodes'][0]['target']}"
        )
    visit.traffic.assert_clean()


def test_an_endless_loop_ends_with_a_message_not_a_frozen_tab(visit, timings):
    lab = visit.lab
    cell = visit.exercise_cell("%%check yearly-mean")
    lab.type_code(cell, ENDLESS)
    started = time.perf_counter()
    output = lab.run_cell(cell)
    timings["an endless loop, stopped (s)"] = time.perf_counter() - started
    assert "Your code took too long and was stopped" in output
    assert "Not passed yet." in output
    assert lab.run_cell(lab.add_cell("print('the kernel is fine')")).strip() == "the kernel is fine"
    visit.traffic.assert_clean()


def test_a_hint_and_the_file_for_the_teacher(visit, tmp_path):
    lab = visit.lab
    hint = lab.run_cell(lab.add_cell('hint("smoky-months")'))
    assert "Hint 1 of 2" in hint and "this hint cost" in hint
    cell = lab.add_cell('export("Aigerim S.")')
    assert "send it to your teacher" in lab.run_cell(cell)
    with visit.page.expect_download() as download:
        lab.code_cell(cell).locator("a[data-qala='export-link']").click()
    assert download.value.suggested_filename == "qala-export-aigerim-s.json"
    file = tmp_path / download.value.suggested_filename
    download.value.save_as(file)
    exported = json.loads(file.read_text(encoding="utf-8"))
    assert exported["format"] == "qala-export" and exported["learner"] == {"name": "Aigerim S."}
    assert [(a["exercise"], a["passed"]) for a in exported["attempts"]] == [("january", False), ("january", True), ("yearly-mean", False)]
    # The teacher's side: `qala report` regrades the browser's attempts in the terminal's sandbox.
    report = qala("report", str(file), "--json", home=tmp_path / "teacher")
    assert report.returncode == 0, report.stdout + report.stderr
    (learner,) = json.loads(report.stdout)["learners"]
    assert (learner["name"], learner["xp"], learner["claimed_xp"], learner["disagreements"]) == ("Aigerim S.", 10, 10, 0)
    visit.traffic.assert_clean()


def test_where_the_time_to_the_first_check_goes(visit, timings):
    lab = visit.lab
    started_at = float(lab.run_cell(lab.add_cell("from qala.web import notebook\nprint(notebook.started_at_ms)")))
    opened_at = visit.page.evaluate("performance.timeOrigin")
    loading = (started_at - opened_at) / 1000
    total = (visit.first_check_epoch_ms - opened_at) / 1000
    timings["lesson open to Pyodide, packages and IPython loaded (s)"] = loading
    timings["share of the time to the first check spent loading them (%)"] = 100 * loading / total
    assert 0 < loading < total


def test_the_progress_is_kept_after_a_reload_in_the_lesson(visit, timings):
    page, lab = visit.page, visit.lab
    started = time.perf_counter()
    page.reload()
    lab.wait_for_kernel()
    output = lab.run_cell(visit.exercise_cell("from qala.web.notebook import"))
    assert "Exercises passed: 1 of 5" in output
    progress = lab.run_cell(lab.add_cell("progress()"))
    timings["reload to progress shown (s)"] = time.perf_counter() - started
    assert "10 XP" in progress and "First step" in progress
    assert "Exercises passed: 1 of" in progress
    visit.traffic.assert_clean()


def test_the_course_map_shows_the_kept_progress(visit):
    visit.course_map()
    page = visit.page
    assert page.get_attribute("body", "data-progress") == "saved"
    expect(page.get_by_test_id("xp")).to_have_text("10 XP")
    row = page.locator(f"[data-lesson='{LESSON}'].lesson")
    expect(row).to_have_attribute("data-status", "in_progress")
    expect(row.get_by_test_id("lesson-progress")).to_contain_text("1 of 5")
    expect(page.locator("[data-testid='earned-badges'] [data-badge='first-step']")).to_be_visible()
    expect(page.get_by_test_id("streak")).to_contain_text("1")


def test_the_progress_survives_a_browser_restart(visit):
    visit.close_browser()
    visit.start_browser()
    visit.course_map()
    assert visit.page.get_attribute("body", "data-progress") == "saved"
    expect(visit.page.get_by_test_id("xp")).to_have_text("10 XP")
    expect(visit.page.locator(f"[data-lesson='{LESSON}'].lesson")).to_have_attribute("data-status", "in_progress")


#: The school path's first three lessons and its capstone, walked by a pupil in the offline site.
SCHOOL_WALK = ("python-zero", "monthly-air", "district-table", "school-capstone-pe")


def pupils_answer(lesson, exercise) -> str:
    """What a pupil who got it right types under the %%check line: the reference program, the
    right options of a choice, or what a prediction's program really prints."""
    if exercise.kind is ExerciseKind.CHOICE:
        return ", ".join(exercise.answer)
    if exercise.kind is ExerciseKind.PREDICT:
        done = subprocess.run([sys.executable, "-c", exercise.solution], capture_output=True, text=True, cwd=lesson.path.parents[1], timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.rstrip("\n")
    return exercise.solution.rstrip("\n")


def test_a_pupil_walks_the_school_paths_first_lessons_and_its_capstone(visit):
    course, problems = load_course(bundled_course_root())
    assert problems == []
    assert course.path("school").lessons[:3] == SCHOOL_WALK[:3] and course.path("school").lessons[-1] == SCHOOL_WALK[-1]
    page = visit.page
    for lesson_id in SCHOOL_WALK:
        lesson = course.lessons[lesson_id]
        page.goto(f"{visit.server.url}notebooks/index.html?path=en/{lesson_id}.ipynb")
        lab = Lab(page, visit.traffic, time.perf_counter())
        lab.wait_for_kernel()
        assert lesson.text("en").title in lab.run_cell(visit.exercise_cell("from qala.web.notebook import"))
        for exercise in lesson.exercises:
            cell = visit.exercise_cell(f"%%check {exercise.id}")
            lab.type_code(cell, f"%%check {exercise.id}\n{pupils_answer(lesson, exercise)}\n")
            output = lab.run_cell(cell)
            assert "Passed!" in output, (lesson_id, exercise.id, output[-1500:])
    visit.traffic.assert_clean()


def test_every_request_stayed_on_the_site_and_succeeded(visit):
    visit.traffic.assert_clean()
    urls = visit.traffic.urls
    assert any(url.endswith("/static/pyodide/pyodide.asm.wasm") for url in urls)
    assert any("/static/pyodide/qala-" in url and url.endswith("-py3-none-any.whl") for url in urls)
