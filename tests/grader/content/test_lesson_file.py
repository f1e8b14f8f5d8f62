"""The lesson parser and `qala validate` on broken lessons: one fixture per kind of mistake,
each reported as FILE:LINE: message, never as a traceback, never stopping at the first."""

from __future__ import annotations

import pytest

from qala.grader.content.course_file import load_course
from qala.grader.content.lesson_file import parse_lesson
from qala.grader.teachers.validate import validate
from tests.conftest import exercise_text, lesson_text, make_course, run_qala


def test_a_good_lesson_parses_into_exercises_checks_and_hints(tmp_path):
    path = tmp_path / "sums.md"
    path.write_text(lesson_text(), encoding="utf-8")
    lesson, problems = parse_lesson(path, track_folder=None)
    assert problems.items == []
    assert lesson.id == "sums" and lesson.track == "basics"
    [exercise] = lesson.exercises
    assert exercise.id == "total"
    assert exercise.starter == "numbers = [1, 2, 3]\ntotal = 0"
    assert exercise.solution.endswith("sum(numbers)")
    assert [c.kind for c in exercise.checks] == ["value"]
    assert lesson.texts["en"].exercises["total"].hints == ("Use sum().",)
    assert lesson.texts["en"].exercises["total"].feedback == {"total": "Add the numbers up."}


def test_the_bundled_course_loads_without_errors():
    from qala.grader.content.course_file import bundled_course_root

    course, problems = load_course(bundled_course_root())
    assert [p for p in problems if not p.warning] == []
    assert course.lessons, "the bundled course has lessons"


BROKEN = {
    # name: (lesson text, expected line, expected words in the message)
    "front matter missing": ("# No front matter\n", 1, "front matter"),
    "front matter not closed": ('+++\nid = "sums"\n', 1, "not closed"),
    "front matter not TOML": ('+++\nid = "sums"\ntrack = basics\n+++\n' + exercise_text(), 3, "not valid TOML"),
    "front matter without title": ('+++\nid = "sums"\ntrack = "basics"\n+++\n' + exercise_text(), 1, "needs 'title'"),
    "unknown front matter key": (lesson_text(front='colour = "red"\n'), 5, "unknown front-matter key 'colour'"),
    "id does not match the file": (lesson_text().replace('id = "sums"', 'id = "other"'), 2, "must match the file name"),
    "no exercise": (lesson_text(exercises="## Just prose\n\nText.\n"), 6, "at least one exercise"),
    "duplicate exercise ids": (lesson_text(exercises=exercise_text() + "\n" + exercise_text()), 33, "duplicate exercise id 'total'"),
    "missing solution block": (lesson_text(exercises=exercise_text().replace("```python solution", "```python")), 9, "no 'solution' block"),
    "missing hints": (lesson_text(exercises=exercise_text(hints="")), 29, "needs at least one hint"),
    "syntax error in the solution": (lesson_text(exercises=exercise_text(solution="total = (1 +")), 19, "syntax error"),
    "checks not TOML": (lesson_text(exercises=exercise_text(checks="[[check]\nvalue = 1")), 24, "not valid TOML"),
    "check without a kind": (lesson_text(exercises=exercise_text(checks='[[check]]\nmessage = "x"')), 24, "exactly one of"),
    "unknown check option": (lesson_text(exercises=exercise_text(checks='[[check]]\nvalue = "total"\ntolerence = 0.1')), 26, "unknown key 'tolerence'"),
    "function check without calls": (lesson_text(exercises=exercise_text(checks='[[check]]\nfunction = "f"')), 24, "calls"),
    "assert without a message": (lesson_text(exercises=exercise_text(checks='[[check]]\nassert = "total > 0"')), 24, "needs a 'message'"),
    "unclosed code block": (
        lesson_text(exercises=exercise_text().replace('message = "Add the numbers up."\n```', 'message = "Add the numbers up."')),
        23,
        "never closed",
    ),
    "bad exercise heading": (lesson_text(exercises="## Exercise: no id\n\n" + exercise_text()), 9, "must read '## Exercise some-id: Title'"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_lesson_is_reported_with_file_and_line(tmp_path, name):
    text, line, words = BROKEN[name]
    make_course(tmp_path, {"sums": text})
    report = validate(tmp_path, runner=None, cache_dir=tmp_path / "cache")
    messages = [str(p) for p in report.errors]
    expected_file = str(tmp_path / "lessons" / "basics" / "sums.md")
    assert any(m.startswith(f"{expected_file}:{line}:") and words in m for m in messages), messages


def test_validation_does_not_stop_at_the_first_error(tmp_path):
    text = lesson_text(front='colour = "red"\n', exercises=exercise_text(hints="", checks='[[check]]\nvalue = "total"\ntolerence = 1'))
    make_course(tmp_path, {"sums": text})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    words = " ".join(str(p) for p in report.errors)
    assert "colour" in words and "hint" in words and "tolerence" in words


def test_a_check_that_fails_on_the_reference_solution_is_reported(tmp_path):
    checks = '[[check]]\nvalue = "total"\n\n[[check]]\nassert = "total == 7"\nmessage = "Should be seven."'
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(checks=checks))})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    [problem] = report.errors
    assert problem.line == 27  # the [[check]] of the failing assert
    assert "fails on the reference solution" in problem.message and "assert" in problem.message


def test_a_starter_that_already_passes_is_reported(tmp_path):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(starter="numbers = [1, 2, 3]\ntotal = sum(numbers)"))})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    assert [p.message for p in report.errors] == ["exercise 'total': the starter code already passes every check"]


def test_a_reference_solution_that_crashes_is_reported(tmp_path):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(solution="numbers = [1, 2, 3]\ntotal = numbrs"))})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    [problem] = report.errors
    assert "reference solution" in problem.message and "NameError" in problem.message and "line 2" in problem.message


def test_unknown_datasets_and_tracks_are_reported(tmp_path):
    text = lesson_text(front='datasets = ["no_such_data"]\n').replace('track = "basics"', 'track = "advanced"')
    make_course(tmp_path, {"sums": text})
    (tmp_path / "lessons" / "advanced").mkdir()
    (tmp_path / "lessons" / "basics" / "sums.md").rename(tmp_path / "lessons" / "advanced" / "sums.md")
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    words = " ".join(str(p) for p in report.errors)
    assert "unknown dataset 'no_such_data'" in words
    assert "unknown track 'advanced'" in words


def test_prerequisite_cycles_are_reported(tmp_path):
    one = lesson_text("one", front='requires = ["two"]\n')
    two = lesson_text("two", front='requires = ["one"]\n')
    make_course(tmp_path, {"one": one, "two": two})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    assert any("require each other in a circle" in p.message for p in report.errors)


def test_missing_translations_are_warnings_and_strict_makes_them_errors(tmp_path, home):
    make_course(tmp_path, {"sums": lesson_text()})
    report = validate(tmp_path, cache_dir=tmp_path / "cache")
    assert report.errors == []
    # the fixture's course.toml is in English only: its texts are warned about too (not this test's business)
    assert {p.message for p in report.warnings if p.file.endswith(".md")} == {"ru: no translation file sums.ru.md", "kk: no translation file sums.kk.md"}
    relaxed = run_qala("validate", "--course", str(tmp_path), home=home)
    strict = run_qala("validate", "--course", str(tmp_path), "--strict", home=home)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert strict.returncode == 1
    assert "warning: ru: no translation file sums.ru.md" in strict.stdout


def test_a_translation_carries_prose_and_falls_back_to_english(tmp_path):
    ru = (
        '+++\ntitle = "Суммы"\n+++\n\nВведение.\n\n## Exercise total: Итог\n\nСложите числа.\n\n'
        "### Hints\n\n1. Используйте sum().\n\n### Feedback\n\n- total: Сложите числа.\n"
    )
    make_course(tmp_path, {"sums": lesson_text(), "sums.ru.md": ru})
    course, problems = load_course(tmp_path)
    assert [p.message for p in problems if not p.warning] == []
    text = course.lessons["sums"].text("ru")
    assert text.title == "Суммы"
    assert text.exercises["total"].hints == ("Используйте sum().",)
    assert text.exercises["total"].feedback["total"] == "Сложите числа."
    kk = course.lessons["sums"].text("kk")  # no Kazakh file: English
    assert kk.title == "Lesson sums"


def test_a_translation_with_code_or_unknown_feedback_is_an_error(tmp_path):
    ru = (
        '+++\ntitle = "Суммы"\n+++\n\nВведение.\n\n## Exercise total: Итог\n\n```python starter\nx = 1\n```\n\n'
        "### Hints\n\n1. Подсказка.\n\n### Feedback\n\n- nonexistent: что-то\n"
    )
    make_course(tmp_path, {"sums": lesson_text(), "sums.ru.md": ru})
    _, problems = load_course(tmp_path)
    errors = [str(p) for p in problems if not p.warning]
    assert any("sums.ru.md:9:" in e and "code blocks belong in the lesson file" in e for e in errors)
    assert any("sums.ru.md:19:" in e and "feedback item" in e for e in errors)


def test_a_broken_lesson_is_skipped_and_the_rest_of_the_course_works(tmp_path, home):
    make_course(
        tmp_path, {"good": lesson_text("good"), "bad": lesson_text("bad").replace("+++\n\n", "+++\n\n```python starter\n", 1)}, track_lessons=["good", "bad"]
    )
    course, problems = load_course(tmp_path)
    assert list(course.lessons) == ["good"]
    assert any(p.file.endswith("bad.md") for p in course.problems)
    listing = run_qala("lessons", "--json", "--course", str(tmp_path), home=home)
    assert listing.returncode == 0, listing.stderr
    assert "good" in listing.stdout
    opened = run_qala("show", "bad", "--course", str(tmp_path), home=home)
    assert opened.returncode == 2
    assert opened.stderr.count("\n") == 1 and "bad.md" in opened.stderr


def test_validate_exits_1_with_file_line_messages_and_no_traceback(tmp_path, home):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(hints=""))})
    result = run_qala("validate", str(tmp_path / "lessons" / "basics" / "sums.md"), home=home)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[0].endswith("sums.md:29: exercise 'total' needs at least one hint (a numbered list under '### Hints')")
