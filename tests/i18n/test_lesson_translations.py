"""`qala validate` names every piece of a lesson that a language still lacks: title, summary,
introduction, prose sections, exercise titles, tasks, hints and feedback."""

from __future__ import annotations

from qala.grader.course_file import load_course
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

LESSON = lesson_text(
    front='summary = "Adding numbers up."\n',
    intro="Intro.\n\n## Why sums\n\nBecause totals matter.",
    exercises=exercise_text(checks='[[check]]\nvalue = "total"\nmessage = "Add the numbers up."', hints="1. Use sum().\n2. Or a loop."),
)
# A Russian file with every part present but empty, as a translator who has just started leaves it.
EMPTY_RU = "+++\n+++\n\n## Why sums\n\n## Exercise total:\n\n### Hints\n\n1. Используйте sum().\n\n### Feedback\n\n- total:\n"


def test_every_untranslated_part_is_a_warning_for_its_language(tmp_path):
    make_course(tmp_path, {"sums": LESSON, "sums.ru.md": EMPTY_RU})
    course, problems = load_course(tmp_path)
    assert [str(p) for p in problems if not p.warning] == []
    problems = [p for p in problems if p.file.endswith(".md")]  # course.toml's own missing texts: test_course_texts
    russian = sorted(p.message for p in problems if p.warning and p.message.startswith("ru:"))
    assert russian == sorted([
        "ru: the title is not translated",
        "ru: the summary is not translated",
        "ru: the introduction is not translated",
        "ru: the section 'Why sums' is not translated",
        "ru: the title of exercise 'total' is not translated",
        "ru: the task of exercise 'total' is not translated",
        "ru: exercise 'total' has 1 hints, the lesson has 2",
        "ru: feedback 'total' of exercise 'total' is not translated",
    ])
    assert [p.message for p in problems if p.message.startswith("kk:")] == ["kk: no translation file sums.kk.md"]


def test_what_is_missing_is_shown_in_english_never_empty(tmp_path):
    make_course(tmp_path, {"sums": LESSON, "sums.ru.md": EMPTY_RU})
    course, _ = load_course(tmp_path)
    text = course.lessons["sums"].text("ru")
    assert text.sections[0].body == "Because totals matter."
    exercise = text.exercises["total"]
    assert exercise.title == "Exercise total"
    assert exercise.hints == ("Используйте sum().", "Or a loop.")
    assert exercise.feedback["total"] == "Add the numbers up."


def test_strict_validation_fails_on_them(tmp_path, home):
    make_course(tmp_path, {"sums": LESSON, "sums.ru.md": EMPTY_RU})
    strict = run_qala("validate", "--course", str(tmp_path), "--strict", home=home)
    assert strict.returncode == 1
    assert "sums.ru.md:4: warning: ru: the section 'Why sums' is not translated" in strict.stdout
    assert run_qala("validate", "--course", str(tmp_path), home=home).returncode == 0
