"""Code in the learner's language: a translation's [code] table puts its words into the lesson's
code (starter comments, printed sentences), for what is shown and for what is graded."""

from __future__ import annotations

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.content.translation_file import mark_translated
from qala.grader.engine import Engine
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

STARTER = "# Put the mean here\nmean = 0\nprint('The mean is', mean)"
SOLUTION = "# Put the mean here\nmean = sum([2, 4]) / 2\nprint('The mean is', mean)"
CHECKS = '[[check]]\nvalue = "mean"\n\n[[check]]\noutput = true\n\n[[check.mistake]]\ncode = "print(\'The mean is\', 6)"\nmessage = "Divide."'
LESSON = lesson_text("mean", exercise_text("mean", starter=STARTER, solution=SOLUTION, checks=CHECKS))


def translation(code: str, title: str = "Среднее") -> str:
    return f'+++\ntitle = "{title}"\n{code}+++\n\nВступление.\n\n## Exercise mean: Среднее\n\nПосчитайте.\n\n### Hints\n\n1. sum().\n\n### Feedback\n\n- output.1: Разделите.\n'


RU_CODE = '[code]\n"# Put the mean here" = "# Запишите сюда среднее"\n"The mean is" = "Среднее равно"\n'


def course(tmp_path, ru_code: str = RU_CODE):
    return make_course(tmp_path / "c", {"mean": LESSON, "mean.ru.md": translation(ru_code)})


def test_the_starter_and_the_graded_code_speak_the_learners_language(tmp_path, home):
    root = course(tmp_path)
    russian = Engine(course_root=root, home=home, language="ru")
    try:
        assert russian.code_for("mean", "mean").splitlines()[0] == "# Запишите сюда среднее"
        assert "print('Среднее равно', mean)" in russian.lesson("mean").exercises[0].solution
        right = "mean = (2 + 4) / 2\nprint('Среднее равно', mean)"
        assert russian.try_without_keeping("mean", "mean", right).passed
        english_words = "mean = (2 + 4) / 2\nprint('The mean is', mean)"
        assert not russian.try_without_keeping("mean", "mean", english_words).passed  # the reference prints Russian
        wrong = russian.try_without_keeping("mean", "mean", "mean = 6\nprint('Среднее равно', 6)")
        assert any("Разделите." in f.message for f in wrong.feedback)  # the mistake's code was translated too
        russian.set_language("en", remember=False)
        assert russian.code_for("mean", "mean").splitlines()[0] == "# Put the mean here"
        assert russian.try_without_keeping("mean", "mean", english_words).passed
    finally:
        russian.close()


def test_a_language_without_a_code_table_keeps_the_english_code(tmp_path, home):
    root = course(tmp_path, ru_code="")
    engine = Engine(course_root=root, home=home, language="ru")
    try:
        assert engine.lesson("mean") is engine.course.lesson("mean")
    finally:
        engine.close()


def problems_of(root) -> list[tuple[int, str, bool]]:
    _course, problems = load_course(root)
    return [(p.line, p.message, p.warning) for p in problems if p.file and p.file.endswith("mean.ru.md") and "qala translated" not in p.key]


def test_a_code_string_that_is_not_in_the_code_is_an_error_at_its_line(tmp_path):
    root = course(tmp_path, RU_CODE + '"The median is" = "Медиана равна"\n')
    assert problems_of(root) == [(6, "[code]: 'The median is' does not occur in the code of the lesson", False)]


def test_a_translation_that_breaks_the_code_is_an_error(tmp_path):
    root = course(tmp_path, '[code]\n"The mean is" = "Среднее \' равно"\n')
    found = [problem for problem in problems_of(root) if not problem[2]]
    assert len(found) == 1 and found[0][0] == 3 and "is no longer Python with these translations" in found[0][1]


def test_a_starter_comment_left_in_english_is_a_warning(tmp_path):
    root = course(tmp_path, '[code]\n"The mean is" = "Среднее равно"\n')
    assert problems_of(root) == [(3, "ru: a comment of the starter of exercise 'mean' is not in [code]: # Put the mean here", True)]


def test_a_code_table_must_map_strings_to_strings(tmp_path):
    root = course(tmp_path, '[code]\n"The mean is" = 3\n')
    assert [message for _line, message, _warning in problems_of(root)] == [
        '[code] must map English strings of the code to their translations, e.g. "# The mean" = "# Среднее"'
    ]


def test_translated_writes_its_stamp_above_the_code_table(tmp_path, home):
    root = course(tmp_path)
    done = run_qala("translated", "mean", "ru", "--course", str(root), home=home)
    assert done.returncode == 0, done.stderr
    text = (root / "lessons" / "basics" / "mean.ru.md").read_text(encoding="utf-8")
    front = text.split("+++")[1].strip().splitlines()
    assert front[0] == 'title = "Среднее"' and front[1].startswith('translated_from = "') and front[2] == "[code]"
    assert problems_of(root) == []  # the stamp is read as a plain key, not as part of [code]
    assert not mark_translated(root / "lessons" / "basics" / "mean.ru.md", front[1].split('"')[1])  # already there: unchanged


def test_every_bundled_starter_speaks_russian_and_kazakh():
    course, _problems = load_course(bundled_course_root())
    for lesson in course.ordered_lessons():  # every lesson of the course, both paths
        lesson_id = lesson.id
        for language in ("ru", "kk"):
            localized = lesson.in_language(language)
            for exercise in localized.exercises:
                comments = [line.strip() for line in exercise.starter.splitlines() if line.strip().startswith("# ")]
                english = [c for c in comments if c.isascii() and any(ch.isalpha() for ch in c) and not _is_code(c)]
                assert english == [], (lesson_id, language, exercise.id)


def _is_code(comment: str) -> bool:
    try:
        compile(comment.lstrip("#").strip(), "<comment>", "exec")
    except SyntaxError:
        return False
    return True


def test_validate_proves_the_exercise_in_each_language_with_code_strings(tmp_path):
    from qala.grader.teachers.validate import validate

    fine = validate(course(tmp_path / "fine"))
    assert [p.message for p in fine.errors] == []
    # A translation that keeps the code Python but breaks it when it runs: only the Russian run can see it.
    broken = validate(course(tmp_path / "broken", RU_CODE + '"sum([2, 4])" = "summa([2, 4])"\n'))
    assert [p.message for p in broken.errors] == ["the reference solution of mean/mean does not run on line 2: NameError: name 'summa' is not defined"]


def test_a_code_string_may_come_from_a_worked_example(tmp_path):
    intro = "Intro.\n\n```python example\nprint('Hello, Almaty')\n```"
    lesson = lesson_text("mean", exercise_text("mean", starter=STARTER, solution=SOLUTION, checks=CHECKS), intro=intro)
    root = make_course(tmp_path / "c", {"mean": lesson, "mean.ru.md": translation(RU_CODE + '"Hello, Almaty" = "Привет, Алматы"\n')})
    assert problems_of(root) == []


def test_qala_show_gives_the_starters_in_russian_and_kazakh(home):
    english = run_qala("show", "district-table", home=home)
    russian = run_qala("show", "district-table", "--lang", "ru", home=home)
    kazakh = run_qala("--lang", "kk", "show", "district-table", home=home)
    assert english.returncode == russian.returncode == kazakh.returncode == 0, english.stderr + russian.stderr + kazakh.stderr
    assert "# add this district's population to the total" in english.stdout
    assert "# прибавьте к сумме население этого района" in russian.stdout and "population to the total" not in russian.stdout
    assert "# осы ауданның тұрғындар санын жалпы санға қосыңыз" in kazakh.stdout and "population to the total" not in kazakh.stdout
