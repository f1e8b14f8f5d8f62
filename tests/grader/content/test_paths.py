"""Learning paths (course.toml [[path]]), lesson systems, and how the course map, the engine and
`qala lessons` follow a chosen path."""

from __future__ import annotations

import json

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.content.model import SYSTEMS
from qala.grader.engine import Engine
from qala.grader.errors import UsageError
from tests.conftest import lesson_text, make_course, run_qala

PATHS = """
[[path]]
id = "school"
title = {{ en = "School", ru = "Школа", kk = "Мектеп" }}
description = {{ en = "For pupils.", ru = "Для школьников.", kk = "Оқушыларға." }}
front_end = "browser"
lessons = [
    {school}
]

[[path]]
id = "staff"
title = {{ en = "Staff", ru = "Сотрудники", kk = "Қызметкерлер" }}
description = {{ en = "For staff.", ru = "Для сотрудников.", kk = "Қызметкерлерге." }}
front_end = "terminal"
lessons = [
    {staff}
]
"""


def course_with_paths(tmp_path, lessons: dict[str, str], school: list[str], staff: list[str]):
    root = make_course(tmp_path / "course-root", lessons)
    toml = root / "course" / "course.toml"
    listing = PATHS.format(school=",\n    ".join(json.dumps(i) for i in school), staff=",\n    ".join(json.dumps(i) for i in staff))
    toml.write_text(toml.read_text(encoding="utf-8") + listing, encoding="utf-8")
    return root


def errors(root) -> list[str]:
    _course, problems = load_course(root)
    return [f"{p.line}: {p.message}" for p in problems if not p.warning]


# -- the bundled course


@pytest.fixture(scope="module")
def bundled():
    course, problems = load_course(bundled_course_root())
    assert [str(p) for p in problems if not p.warning] == []
    return course


def test_the_course_has_a_school_path_then_a_staff_path(bundled):
    assert [(p.id, p.front_end) for p in bundled.paths] == [("school", "browser"), ("staff", "terminal")]
    for path in bundled.paths:
        assert all(path.title.get(language) and path.description.get(language) for language in ("en", "ru", "kk"))


def test_every_lesson_names_its_city_systems(bundled):
    for lesson in bundled.lessons.values():
        assert lesson.systems, lesson.id
        assert set(lesson.systems) <= set(SYSTEMS), lesson.id


def test_the_school_path_needs_only_the_standard_library(bundled):
    school = bundled.path_lessons("school")
    assert len(school) == len(bundled.path("school").lessons)  # every id is a lesson that loads
    assert [lesson.id for lesson in school if lesson.needs] == []


def test_the_staff_path_covers_every_system_with_pandas_introduced_first(bundled):
    staff = bundled.path_lessons("staff")
    assert len(staff) == len(bundled.path("staff").lessons)
    assert {system for lesson in staff for system in lesson.systems} == set(SYSTEMS)
    order = [lesson.id for lesson in staff]
    pandas_lessons = [lesson for lesson in staff if "pandas" in lesson.needs and lesson.id != "pandas-first-look"]
    assert len(pandas_lessons) >= 15
    for lesson in pandas_lessons:
        assert "pandas-first-look" in lesson.requires, lesson.id
        assert order.index("pandas-first-look") < order.index(lesson.id)


def test_every_required_lesson_comes_earlier_in_each_path(bundled):
    for path in bundled.paths:
        order = list(path.lessons)
        for lesson in bundled.path_lessons(path.id):
            for required in lesson.requires:
                assert required in order and order.index(required) < order.index(lesson.id), (path.id, lesson.id, required)


def test_lessons_json_lists_the_paths_and_each_lessons_needs_requires_and_systems(home):
    done = run_qala("lessons", "--json", home=home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [p["id"] for p in data["paths"]] == ["school", "staff"]
    assert data["path"] is None
    staff = data["paths"][1]
    assert staff["title"] and staff["lessons"][0] == "python-zero" and "pandas-first-look" in staff["lessons"]
    lessons = {lesson["id"]: lesson for track in data["tracks"] for lesson in track["lessons"]}
    assert lessons["onay-fares"]["needs"] == ["pandas"]
    assert lessons["onay-fares"]["requires"] == ["pandas-first-look"]
    assert lessons["onay-fares"]["systems"] == ["transit"]
    assert lessons["monthly-air"]["requires"] == [] and lessons["monthly-air"]["systems"] == ["air"]


def test_path_on_the_command_line_is_remembered_and_shown(home):
    chosen = run_qala("lessons", "--path", "school", home=home)
    assert chosen.returncode == 0, chosen.stderr
    assert "School" in chosen.stdout and "monthly-air" in chosen.stdout
    assert "pandas-first-look" not in chosen.stdout  # the school map holds the school path only
    later = json.loads(run_qala("lessons", "--json", home=home).stdout)
    assert later["path"] == "school"


def test_an_unknown_path_on_the_command_line_is_one_clear_line(home):
    done = run_qala("lessons", "--path", "university", home=home)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["qala: error: there is no learning path 'university' (paths: school, staff)"]


# -- the engine on a path


def test_the_course_map_follows_the_chosen_path_in_its_order(tmp_path, home):
    lessons = {name: lesson_text(name) for name in ("one", "two", "three")}
    root = course_with_paths(tmp_path, lessons, school=["three", "one"], staff=["one", "two", "three"])
    engine = Engine(course_root=root, home=home, language="en")
    try:
        assert engine.path is None
        assert [lv.lesson.id for view in engine.course_map() for lv in view.lessons] == ["one", "two", "three"]
        engine.choose_path("school")
        assert engine.settings.path == "school" and engine.path.id == "school"
        assert [lv.lesson.id for view in engine.course_map() for lv in view.lessons] == ["three", "one"]
        assert [lv.lesson.id for view in engine.course_map(whole=True) for lv in view.lessons] == ["one", "two", "three"]
        lesson, _exercise = engine.continue_point()
        assert lesson.id == "three"
        with pytest.raises(UsageError, match="no learning path 'teachers'"):
            engine.choose_path("teachers")
        assert engine.path.id == "school"
    finally:
        engine.close()


# -- mistakes in paths and systems, each one line at its place


def test_a_path_naming_a_lesson_that_does_not_exist_is_an_error_at_its_line(tmp_path):
    root = course_with_paths(tmp_path, {"one": lesson_text("one")}, school=["one"], staff=["one", "ghost"])
    toml_lines = (root / "course" / "course.toml").read_text(encoding="utf-8").splitlines()
    line = toml_lines.index('    "ghost"') + 1
    assert errors(root) == [f"{line}: path 'staff' lists a lesson 'ghost' that does not exist"]


def test_a_browser_path_cannot_hold_a_lesson_that_needs_pandas(tmp_path):
    lessons = {"one": lesson_text("one"), "two": lesson_text("two", front='needs = ["pandas"]\n')}
    root = course_with_paths(tmp_path, lessons, school=["one", "two"], staff=["one", "two"])
    found = errors(root)
    assert len(found) == 1 and "path 'school' is for the browser" in found[0] and "needs pandas" in found[0]


def test_a_required_lesson_must_come_before_in_every_path(tmp_path):
    lessons = {"one": lesson_text("one"), "two": lesson_text("two", front='requires = ["one"]\n')}
    root = course_with_paths(tmp_path, lessons, school=["one", "two"], staff=["two", "one"])
    lines = (root / "course" / "course.toml").read_text(encoding="utf-8").splitlines()
    staff_two = max(n for n, text in enumerate(lines, start=1) if text == '    "two",')
    assert errors(root) == [f"{staff_two}: path 'staff': lesson 'two' requires 'one', which must come before it in the path"]
    root2 = course_with_paths(tmp_path / "b", lessons, school=["two"], staff=["one", "two"])
    assert any("path 'school': lesson 'two' requires 'one'" in e for e in errors(root2))


def test_path_tables_are_checked(tmp_path):
    root = course_with_paths(tmp_path, {"one": lesson_text("one")}, school=["one", "one"], staff=["one"])
    toml = root / "course" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('front_end = "terminal"', 'front_end = "tablet"'), encoding="utf-8")
    found = errors(root)
    assert any("path 'school' lists lesson 'one' twice" in e for e in found)
    assert any("path 'staff': front_end must be one of browser, terminal" in e for e in found)


def test_an_unknown_system_is_an_error_on_its_line(tmp_path):
    root = make_course(tmp_path, {"one": lesson_text("one", front='systems = ["air", "weather"]\n')})
    found = errors(root)
    assert found == ["5: unknown system 'weather' (known: " + ", ".join(SYSTEMS) + ")"]


def test_the_school_path_has_22_lessons_or_more_covering_every_system(bundled):
    school = bundled.path_lessons("school")
    assert len(school) >= 22
    assert school[0].id == "python-zero" and school[-1].id == "school-capstone-pe"
    assert {system for lesson in school for system in lesson.systems} == set(SYSTEMS)
