"""`qala validate` names every piece of a lesson that a language still lacks: title, summary,
introduction, prose sections, exercise titles, tasks, hints and feedback."""

from __future__ import annotations

from qala.grader.content.course_file import load_course
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
    assert russian == sorted(
        [
            "ru: the title is not translated",
            "ru: the summary is not translated",
            "ru: the introduction is not translated",
            "ru: the section 'Why sums' is not translated",
            "ru: the title of exercise 'total' is not translated",
            "ru: the task of exercise 'total' is not translated",
            "ru: exercise 'total' has 1 hints, the lesson has 2",
            "ru: feedback 'total' of exercise 'total' is not translated",
            "ru: the translation does not say which English text it follows: once it is up to date, run `qala translated sums ru`",
        ]
    )
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


FULL_RU = (
    '+++\ntitle = "Суммы"\nsummary = "Складываем числа."\n+++\n\nВведение.\n\n## Why sums\n\nПотому что итоги важны.\n\n'
    "## Exercise total: Итог\n\nСложите числа.\n\n### Hints\n\n1. Используйте sum().\n2. Или цикл.\n\n### Feedback\n\n- total: Сложите числа.\n"
)


def _russian(root):
    return [p for p in load_course(root)[1] if p.file and p.file.endswith("sums.ru.md")]


def test_a_translation_is_flagged_once_the_english_changes_after_it(tmp_path, home):
    """`qala translated` stamps the English a translation follows; a later change of the English
    words (not of the code) makes validate say so at that line, until the translation is stamped again."""
    make_course(tmp_path, {"sums": LESSON, "sums.ru.md": FULL_RU})
    ru = tmp_path / "lessons" / "basics" / "sums.ru.md"
    assert [p.message for p in _russian(tmp_path)] == [
        "ru: the translation does not say which English text it follows: once it is up to date, run `qala translated sums ru`"
    ]
    marked = run_qala("translated", "sums", "--course", str(tmp_path), home=home)
    assert marked.returncode == 0, marked.stderr
    assert "sums.ru.md: marked as the translation of the English text as it is now" in marked.stdout
    stamp = ru.read_text(encoding="utf-8").splitlines()[3]
    assert stamp.startswith('translated_from = "') and ru.read_text(encoding="utf-8").replace(stamp + "\n", "") == FULL_RU
    assert _russian(tmp_path) == []

    english = tmp_path / "lessons" / "basics" / "sums.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("total = sum(numbers)\n```", "total = 0\nfor n in numbers:\n    total += n\n```"), encoding="utf-8"
    )
    assert "total += n" in english.read_text(encoding="utf-8")
    assert _russian(tmp_path) == []  # code is not words: the translation still follows

    english.write_text(english.read_text(encoding="utf-8").replace("Because totals matter.", "Because totals matter most."), encoding="utf-8")
    changed = _russian(tmp_path)
    assert [(p.line, p.warning, p.message) for p in changed] == [
        (4, True, "ru: the English of the lesson changed after this translation was made: bring it up to date, then run `qala translated sums ru`")
    ]
    strict = run_qala("validate", "--course", str(tmp_path), "--strict", "--lang", "ru", home=home)
    assert "sums.ru.md:4: предупреждение: ru: английский текст урока изменился после того, как был сделан этот перевод" in strict.stdout

    again = run_qala("translated", "sums", "ru", "--course", str(tmp_path), home=home)
    assert again.returncode == 0 and ru.read_text(encoding="utf-8").count("translated_from") == 1
    assert _russian(tmp_path) == []
    assert "already marked as up to date" in run_qala("translated", "sums", "ru", "--course", str(tmp_path), home=home).stdout


def test_translated_says_what_is_wrong_in_one_line(tmp_path, home):
    make_course(tmp_path, {"sums": LESSON})
    for args, words in (
        (("nope",), "there is no lesson 'nope'"),
        (("sums", "fr"), "'fr' is not a language of translations"),
        (("sums",), "sums has no translation files yet"),
        (("sums", "ru"), "no such file or folder"),
    ):
        result = run_qala("translated", *args, "--course", str(tmp_path), home=home)
        assert result.returncode == 2 and result.stdout == "", result
        assert result.stderr.startswith("qala: error: ") and words in result.stderr and result.stderr.count("\n") == 1, result.stderr
