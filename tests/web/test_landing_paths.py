"""The landing page offers the learning paths (the school's first) and lists the chosen path's
lessons: its data, and the page itself in headless Chromium (no kernel, no build: cheap)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.web.course_site import initial_summary, landing_data, landing_pages
from qala.web.serve import serving

from .browsing import CHROMIUM, REQUIRED


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    course, _problems = load_course(bundled_course_root())
    data = landing_data(course, ["en", "ru", "kk"], initial_summary(bundled_course_root()), {"pandas-first-look": ["pandas"]})
    folder = tmp_path_factory.mktemp("landing")
    for name, content in landing_pages(data).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return course, data, folder


def test_the_page_data_holds_both_paths_school_first(pages):
    course, data, folder = pages
    assert [p["id"] for p in data["paths"]] == ["school", "staff"]
    school = data["paths"][0]
    assert school["front_end"] == "browser" and school["title"]["ru"] and school["description"]["kk"]
    assert school["lessons"] == [lesson.id for lesson in course.path_lessons("school")]
    assert all(data["lessons"][i]["track"] == course.lesson(i).track for i in school["lessons"])
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert 'id="paths"' in html
    inline = json.loads(re.search(r'<script id="qala-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert inline["paths"] == data["paths"]
    assert inline["ui"]["ru"]["choose_path"] == "Ваш путь"


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_the_page_lists_the_chosen_paths_lessons_and_remembers_the_choice(pages, browser):
    course, _data, folder = pages
    school = [lesson.id for lesson in course.path_lessons("school")]
    staff = [lesson.id for lesson in course.path_lessons("staff")]
    context = browser.new_context()
    try:
        with serving(folder) as server:
            page = context.new_page()
            page.goto(f"{server.url}index.html")
            paths = page.locator("#paths button.path")
            expect(paths).to_have_count(3)
            assert paths.evaluate_all("buttons => buttons.map(b => b.dataset.path)") == ["school", "staff", "all"]
            expect(page.locator("button[data-path='school']")).to_have_attribute("aria-pressed", "true")
            listed = page.locator("#tracks .lesson").evaluate_all("rows => rows.map(r => r.dataset.lesson)")
            assert listed == school
            page.click("button[data-path='staff']")
            expect(page.locator("button[data-path='staff']")).to_have_attribute("aria-pressed", "true")
            assert page.locator("#tracks .lesson").evaluate_all("rows => rows.map(r => r.dataset.lesson)") == staff
            page.reload()
            expect(page.locator("button[data-path='staff']")).to_have_attribute("aria-pressed", "true")
            page.click("button[data-language='ru']")
            expect(page.locator("#paths h2")).to_have_text("Ваш путь")
            page.click("button[data-path='all']")
            assert page.locator("#tracks .lesson").evaluate_all("rows => rows.map(r => r.dataset.lesson)") == [lesson.id for lesson in course.ordered_lessons()]
    finally:
        context.close()


def test_a_lessons_notebook_has_its_starters_in_the_notebooks_language(pages):
    from qala.web.course_site import lesson_notebook

    course, _data, _folder = pages
    lesson = course.lesson("waste-sorting")

    def check_cells(language: str) -> str:
        cells = lesson_notebook(lesson, language, [])["cells"]
        return "\n".join("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("%%check"))

    assert "# add kg to this fraction's total" in check_cells("en")
    assert "# прибавьте кг к сумме этой фракции" in check_cells("ru") and "fraction's total" not in check_cells("ru")
    assert "# кг-ды осы фракцияның жиынына қосыңыз" in check_cells("kk")
