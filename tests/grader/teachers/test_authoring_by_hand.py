"""Writing a lesson by hand, following docs/authoring.md literally (issue 13, second part): from
the course folder and from the lesson's folder, with a template whose code survives TOML."""

from __future__ import annotations

from tests.conftest import run_qala


def test_the_guides_commands_work_from_the_course_folder_and_from_the_lessons_folder(tmp_path, home):
    made = run_qala("new", "course", str(tmp_path / "my-course"), home=home)
    assert made.returncode == 0, made.stderr
    course = tmp_path / "my-course"
    assert run_qala("new", "lesson", "air", "winter-smog", "--course", ".", home=home, cwd=course).returncode == 0
    from_course = run_qala("validate", "lessons/air/winter-smog.md", home=home, cwd=course)
    assert from_course.returncode == 0 and "1 lesson, 1 exercise" in from_course.stderr, from_course.stdout + from_course.stderr
    from_lesson = run_qala("validate", "winter-smog.md", home=home, cwd=course / "lessons" / "air")
    assert from_lesson.returncode == 0 and "1 lesson, 1 exercise" in from_lesson.stderr, from_lesson.stdout + from_lesson.stderr


def test_the_template_quotes_code_so_that_backslashes_stay_and_talks_about_no_one_topic(tmp_path, home):
    run_qala("new", "course", str(tmp_path / "c"), home=home)
    course = tmp_path / "c"
    assert run_qala("new", "lesson", "air", "first", "--course", ".", home=home, cwd=course).returncode == 0
    lesson = course / "lessons" / "air" / "first.md"
    text = lesson.read_text(encoding="utf-8")
    assert "code = '''" in text and 'code = """' not in text
    assert "code = '''" in (course / "lessons" / "air" / "first.cases.toml").read_text(encoding="utf-8")
    assert "metro" not in text.split("+++")[1]  # the front matter's summary is the teacher's to write
    # a mistake whose code prints a line break: the ''' string keeps the backslash
    text = text.replace("total_rides = rides[0] + rides[6]\n", 'total_rides = rides[0] + rides[6]\nprint("a\\nb")\n')
    lesson.write_text(text, encoding="utf-8")
    result = run_qala("validate", str(lesson), home=home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_translated_section_is_an_error_that_names_it(tmp_path):
    from qala.grader.content.course_file import load_course
    from tests.conftest import exercise_text, lesson_text, make_course

    english = lesson_text(
        "sums", exercises="## Before\n\nWords before.\n\n" + exercise_text() + "\n## Takeaway\n\nWhat you learned.\n\n## Next\n\nWhat comes next.\n"
    )
    russian = '+++\ntitle = "Суммы"\n+++\n\nВведение.\n\n## До\n\nСлова.\n\n## Exercise total: Сумма\n\nСложите.\n\n### Hints\n\n1. sum().\n\n## Дальше\n\nЧто дальше.\n'
    course = make_course(tmp_path / "course", {"sums": english, "sums.ru.md": russian})
    _, problems = load_course(course)
    errors = [str(p) for p in problems if not p.warning]
    assert any("the section 'Next' is missing" in e for e in errors) or any("the section 'Takeaway' is missing" in e for e in errors), errors
    assert any("sums.ru.md" in e for e in errors)
