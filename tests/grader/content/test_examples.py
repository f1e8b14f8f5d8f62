"""Worked examples (```python example): their place in the prose, their code written once in the
English lesson, translations that mark the place with an empty fence, and what validate says."""

from __future__ import annotations

from qala.grader.content.course_file import load_course
from qala.grader.content.lesson_file import parse_lesson
from qala.grader.content.markdown import lesson_markdown
from qala.grader.content.model import Example
from qala.grader.content.translation_file import english_fingerprint
from qala.grader.i18n import Translator
from tests.conftest import exercise_text, lesson_text, make_course

SECTION = "## Lists\n\nA list keeps values in order.\n\n```python example\nnumbers = [4, 5, 6]\nprint(numbers[0])\n```\n\nThe first is at 0.\n\n"
TASK_EXAMPLE = "```python example\nprint(sum([1, 2]))\n```\n\n"


def _lesson() -> str:
    exercise = exercise_text().replace("Do the thing.\n\n", "Do the thing.\n\n" + TASK_EXAMPLE)
    return lesson_text(exercises=SECTION + exercise)


def _ru(section: str = "## Списки\n\nСписок хранит значения по порядку.\n\n```python example\n```\n\nПервое стоит под номером 0.\n\n") -> str:
    return (
        '+++\ntitle = "Суммы"\n+++\n\nВведение.\n\n'
        + section
        + "## Exercise total: Итог\n\nСложите числа.\n\n```python example\n```\n\n### Hints\n\n1. Используйте sum().\n\n"
        "### Feedback\n\n- total: Сложите числа.\n"
    )


def test_an_example_keeps_its_place_in_a_section_and_in_a_task(tmp_path):
    path = tmp_path / "sums.md"
    path.write_text(_lesson(), encoding="utf-8")
    lesson, problems = parse_lesson(path)
    assert problems.items == []
    section = lesson.texts["en"].sections[0]
    assert section.examples == (Example("numbers = [4, 5, 6]\nprint(numbers[0])", 13),)
    assert section.parts == ("A list keeps values in order.", section.examples[0], "The first is at 0.")
    task = lesson.texts["en"].exercises["total"]
    assert task.parts == ("Do the thing.", Example("print(sum([1, 2]))", 24))
    # examples are not exercises: nothing graded comes from them
    assert [e.id for e in lesson.exercises] == ["total"]
    assert "numbers = [4, 5, 6]" not in lesson.exercises[0].starter + lesson.exercises[0].solution


def test_changing_an_examples_code_does_not_make_translations_out_of_date(tmp_path):
    first, second = tmp_path / "a" / "sums.md", tmp_path / "b" / "sums.md"
    for path, text in ((first, _lesson()), (second, _lesson().replace("numbers[0]", "numbers[1]"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    one, two = parse_lesson(first)[0], parse_lesson(second)[0]
    assert one.texts["en"].sections[0].examples != two.texts["en"].sections[0].examples
    assert english_fingerprint(one) == english_fingerprint(two)


def test_a_translation_shows_the_english_code_at_its_own_marks(tmp_path):
    make_course(tmp_path, {"sums": _lesson(), "sums.ru.md": _ru()})
    course, problems = load_course(tmp_path)
    assert [p.message for p in problems if not p.warning] == []
    lesson = course.lessons["sums"]
    section = lesson.text("ru").sections[0]
    [example] = lesson.texts["en"].sections[0].examples
    assert section.parts == ("Список хранит значения по порядку.", example, "Первое стоит под номером 0.")
    assert lesson.text("ru").exercises["total"].parts == ("Сложите числа.", Example("print(sum([1, 2]))", 24))
    markdown = lesson_markdown(lesson, Translator("ru"))
    assert "Список хранит значения по порядку.\n\n```python\nnumbers = [4, 5, 6]\nprint(numbers[0])\n```\n\nПервое" in markdown
    assert "python example" not in markdown


def test_a_translation_without_marks_shows_the_examples_after_its_prose(tmp_path):
    make_course(tmp_path, {"sums": _lesson(), "sums.ru.md": _ru("## Списки\n\nСписок хранит значения.\n\n")})
    course, problems = load_course(tmp_path)
    assert [p.message for p in problems if not p.warning] == []
    section = course.lessons["sums"].text("ru").sections[0]
    assert section.parts == ("Список хранит значения.", course.lessons["sums"].texts["en"].sections[0].examples[0])


def test_a_translation_with_another_number_of_marks_is_an_error_naming_the_section(tmp_path):
    two = "## Списки\n\nТекст.\n\n```python example\n```\n\nЕщё.\n\n```python example\n```\n\n"
    make_course(tmp_path, {"sums": _lesson(), "sums.ru.md": _ru(two)})
    _, problems = load_course(tmp_path)
    errors = [str(p) for p in problems if not p.warning]
    assert any("sums.ru.md:7:" in e and "'Lists' marks 2 examples, the lesson has 1" in e for e in errors), errors


def test_a_translation_that_writes_an_examples_code_is_an_error(tmp_path):
    coded = "## Списки\n\nТекст.\n\n```python example\nprint('привет')\n```\n\n"
    make_course(tmp_path, {"sums": _lesson(), "sums.ru.md": _ru(coded)})
    _, problems = load_course(tmp_path)
    errors = [str(p) for p in problems if not p.warning]
    assert any("sums.ru.md:11:" in e and "leave the ```python example fence empty" in e for e in errors), errors


def test_an_example_that_does_not_compile_is_reported_at_its_line(tmp_path):
    path = tmp_path / "sums.md"
    path.write_text(_lesson().replace("print(numbers[0])", "print(numbers[0]"), encoding="utf-8")
    lesson, problems = parse_lesson(path)
    assert lesson is None
    assert [(p.line, "syntax error" in p.message) for p in problems.items] == [(15, True)]


def test_an_example_in_the_introduction_is_an_error(tmp_path):
    path = tmp_path / "sums.md"
    path.write_text(lesson_text(intro="Intro.\n\n```python example\nprint(1)\n```"), encoding="utf-8")
    lesson, problems = parse_lesson(path)
    assert lesson is None
    assert [p.line for p in problems.items] == [9] and "introduction" in problems.items[0].message


def test_the_bundled_lesson_has_a_worked_example_before_its_first_exercise():
    from qala.grader.content.course_file import bundled_course_root

    course, _ = load_course(bundled_course_root())
    lesson = course.lessons["monthly-air"]
    before = [lesson.texts["en"].sections[int(key)] for kind, key in lesson.outline[: lesson.outline.index(("exercise", "january"))] if kind == "section"]
    examples = [e for s in before for e in s.examples]
    assert examples, "monthly-air has a worked example before its first exercise"
    assert "print(" in examples[0].code and "[0]" in examples[0].code
    compile(examples[0].code, "example", "exec")
    for language in ("ru", "kk"):
        assert [p for s in lesson.text(language).sections for p in s.parts if isinstance(p, Example)] == examples
