"""Planned review: data traps declared once in course.toml ([[trap]] id, title, taught_in) and a
lesson's front matter ``reviews = ["trap-id"]``, checked by load_course (so by `qala validate`)."""

from __future__ import annotations

import json
from pathlib import Path

from qala.grader.content.course_file import bundled_course_root, load_course
from tests.conftest import lesson_text, make_course, run_qala

TRAP = """
[[trap]]
id = "{trap_id}"
title = {{ en = "A code is not a measurement", ru = "Код — не измерение", kk = "Код — өлшем емес" }}
taught_in = "{taught_in}"
"""

PATH = """
[[path]]
id = "{path_id}"
title = {{ en = "A path", ru = "Путь", kk = "Жол" }}
description = {{ en = "Lessons in order.", ru = "Уроки по порядку.", kk = "Сабақтар ретімен." }}
lessons = {lessons}
"""


def course(tmp_path, lessons: dict[str, str], traps: list[tuple[str, str]], paths: dict[str, list[str]] | None = None):
    root = make_course(tmp_path, lessons)
    toml = root / "course" / "course.toml"
    extra = "".join(PATH.format(path_id=name, lessons=json.dumps(order)) for name, order in (paths or {}).items())
    extra += "".join(TRAP.format(trap_id=trap_id, taught_in=taught_in) for trap_id, taught_in in traps)
    toml.write_text(toml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def problems(root, warnings: bool = False) -> list[str]:
    _course, found = load_course(root)
    return [f"{Path(p.file or '').name}:{p.line}: {p.message}" for p in found if p.warning == warnings]


def reviewer(lesson_id: str, traps: str = '"sentinel"') -> str:
    return lesson_text(lesson_id, front=f'requires = ["one"]\nreviews = [{traps}]\n')


def test_traps_and_reviews_are_read_into_the_course(tmp_path):
    root = course(tmp_path, {"one": lesson_text("one"), "two": reviewer("two")}, [("sentinel", "one")], {"staff": ["one", "two"]})
    loaded, found = load_course(root)
    assert [p for p in found if not p.warning] == []
    (trap,) = loaded.info.traps
    assert (trap.id, trap.taught_in, trap.title["ru"]) == ("sentinel", "one", "Код — не измерение")
    assert loaded.lesson("two").reviews == ("sentinel",)
    assert loaded.lesson("one").reviews == ()


def test_reviewing_an_unknown_trap_is_an_error_on_the_reviews_line(tmp_path):
    lessons = {"one": lesson_text("one"), "two": reviewer("two", '"sentinel", "typo"')}
    root = course(tmp_path, lessons, [("sentinel", "one")])
    assert problems(root) == ["two.md:6: reviews an unknown trap 'typo' (traps: sentinel)"]


def test_a_lesson_cannot_review_the_trap_it_teaches(tmp_path):
    lessons = {"one": lesson_text("one", front='reviews = ["sentinel"]\n')}
    root = course(tmp_path, lessons, [("sentinel", "one")])
    assert problems(root) == ["one.md:5: reviews the trap 'sentinel', which this lesson teaches"]


def test_a_review_must_come_after_the_teaching_lesson_in_every_path_that_holds_it(tmp_path):
    lessons = {"one": lesson_text("one"), "two": lesson_text("two", front='reviews = ["sentinel"]\n'), "three": lesson_text("three")}
    paths = {"school": ["one", "two"], "staff": ["two", "one"], "short": ["two", "three"], "other": ["three"]}
    root = course(tmp_path, lessons, [("sentinel", "one")], paths)
    assert problems(root) == [
        "two.md:5: path 'staff': lesson 'two' reviews the trap 'sentinel', so 'one', which teaches it, must come before it in the path",
        "two.md:5: path 'short': lesson 'two' reviews the trap 'sentinel', so 'one', which teaches it, must come before it in the path",
    ]


def test_trap_tables_are_checked_at_their_lines(tmp_path):
    root = course(tmp_path, {"one": lesson_text("one")}, [("sentinel", "ghost"), ("sentinel", "one"), ("Bad_Id", "one"), ("units", "")])
    lines = (root / "course" / "course.toml").read_text(encoding="utf-8").splitlines()
    at = [n for n, text in enumerate(lines, start=1) if text == "[[trap]]"]
    found = problems(root)
    assert f"course.toml:{at[0]}: trap 'sentinel' is taught in an unknown lesson 'ghost'" in found
    assert f"course.toml:{at[1]}: duplicate trap id 'sentinel'" in found
    assert f"course.toml:{at[2]}: trap id 'Bad_Id' must be lower-case letters, digits and '-'" in found
    assert f"course.toml:{at[3]}: trap 'units' needs taught_in: the id of the lesson that teaches it" in found
    assert len(found) == 4


def test_an_untranslated_trap_title_is_a_warning(tmp_path):
    root = course(tmp_path, {"one": lesson_text("one")}, [("sentinel", "one")])
    toml = root / "course" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(', kk = "Код — өлшем емес"', ""), encoding="utf-8")
    assert problems(root) == []
    assert any("kk: the title of trap 'sentinel' is not translated" in w for w in problems(root, warnings=True))


def test_the_bundled_course_declares_its_traps_and_reviews_them_cleanly():
    loaded, found = load_course(bundled_course_root())
    assert [str(p) for p in found if not p.warning] == []
    traps = {trap.id: trap for trap in loaded.info.traps}
    assert {"missing-sentinel", "mg-to-ug", "thousands-of-tonnes", "kg-for-tonnes", "per-person-tier", "clock-change"} <= set(traps)
    for trap in traps.values():
        assert all(trap.title.get(language) for language in ("en", "ru", "kk")), trap.id
        assert any(trap.id in lesson.reviews for lesson in loaded.lessons.values()), f"{trap.id} is taught but never reviewed"


def test_qala_lessons_json_lists_what_each_lesson_reviews(home):
    done = run_qala("lessons", "--json", home=home)
    assert done.returncode == 0, done.stderr
    lessons = {lesson["id"]: lesson for track in json.loads(done.stdout)["tracks"] for lesson in track["lessons"]}
    assert lessons["energy-heating"]["reviews"] == ["thousands-of-tonnes", "per-person-tier"]
    assert lessons["units-and-limits"]["reviews"] == []


def test_a_skill_badge_must_name_a_known_trap(tmp_path):
    root = course(tmp_path, {"one": lesson_text("one")}, [("sentinel", "one")])
    toml = root / "course" / "course.toml"
    badge = '\n[[badge]]\nid = "spotter"\ntitle = { en = "Spotter" }\nrule = { kind = "trap_reviewed", trap = "%s", count = 1 }\n'
    toml.write_text(toml.read_text(encoding="utf-8") + badge % "sentinel", encoding="utf-8")
    assert problems(root) == []
    toml.write_text(toml.read_text(encoding="utf-8") + badge.replace("spotter", "other") % "typo", encoding="utf-8")
    lines = toml.read_text(encoding="utf-8").splitlines()
    line = max(n for n, text in enumerate(lines, start=1) if text == "[[badge]]")
    assert problems(root) == [f"course.toml:{line}: badge 'other' names an unknown trap 'typo'"]
