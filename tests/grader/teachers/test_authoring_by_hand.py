"""Writing a lesson by hand, following docs/authoring.md literally (issue 13, second part): from
the course folder and from the lesson's folder, with a template whose code survives TOML."""

from __future__ import annotations

import pytest

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


RIGHT = "rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]\ntotal_rides = sum(rides)\n"


def test_learner_commands_find_the_course_from_its_folder_as_git_does(tmp_path, home):
    run_qala("new", "course", str(tmp_path / "my-course"), home=home)
    course = tmp_path / "my-course"
    assert run_qala("new", "lesson", "air", "winter-smog", home=home, cwd=course).returncode == 0
    for where in (course, course / "lessons" / "air"):
        shown = run_qala("show", "winter-smog", home=home, cwd=where)
        assert shown.returncode == 0 and "A week of rides" in shown.stdout, shown.stderr
        # the footer's command works as it is copied, from anywhere
        # the terminal may wrap the long path anywhere, so the words are compared without spaces
        assert f"qala check winter-smog EXERCISE FILE --course {course}".replace(" ", "") in "".join(shown.stdout.split())
    answer = tmp_path / "answer.py"
    answer.write_text(RIGHT, encoding="utf-8")
    checked = run_qala("check", "winter-smog", "weekly-total", str(answer), "--json", home=home, cwd=course / "lessons")
    assert checked.returncode == 0 and '"passed": true' in checked.stdout, checked.stdout + checked.stderr
    outside = run_qala("show", "winter-smog", home=home, cwd=tmp_path)  # outside it: the bundled course, which has no such lesson
    assert outside.returncode == 2 and "no lesson 'winter-smog'" in outside.stderr


def test_a_teachers_trial_checks_never_touch_their_own_progress(tmp_path):
    """No QALA_HOME: the default home, as a teacher has it. Their own course keeps its progress apart."""
    import hashlib
    import json
    import sqlite3

    from qala.grader.progress.store import SQLiteStore

    data = tmp_path / "data"  # where platformdirs puts the learner's data folder
    env = {"XDG_DATA_HOME": str(data)}
    mine = data / "qala" / "progress.sqlite"
    mine.parent.mkdir(parents=True)
    store = SQLiteStore(mine)  # the teacher's own learning, a hint taken on the bundled course
    store.record_hint("almaty", "monthly-air", "coldest", "2026-12-01T10:00:00+00:00")
    store.set_setting("language", "ru")
    store.close()
    before = hashlib.sha256(mine.read_bytes()).hexdigest()
    files_before = sorted(p.name for p in mine.parent.glob("progress*"))

    run_qala("new", "course", str(tmp_path / "my-course"), env=env)
    course = tmp_path / "my-course"
    assert run_qala("new", "lesson", "air", "winter-smog", env=env, cwd=course).returncode == 0
    answer = tmp_path / "answer.py"
    answer.write_text(RIGHT, encoding="utf-8")
    inside = run_qala("check", "winter-smog", "weekly-total", str(answer), env=env, cwd=course)
    assert inside.returncode == 0 and "XP" in inside.stdout, inside.stdout + inside.stderr
    named = run_qala("check", "winter-smog", "weekly-total", str(answer), "--course", str(course), env=env, cwd=tmp_path)
    assert named.returncode == 0, named.stderr

    assert hashlib.sha256(mine.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in mine.parent.glob("progress*")) == files_before  # no WAL or journal either
    [apart] = (data / "qala" / "courses").glob("my-course-*/progress.sqlite")
    rows = sqlite3.connect(apart).execute("SELECT lesson, exercise, passed, xp FROM attempts ORDER BY id").fetchall()
    assert rows == [("winter-smog", "weekly-total", 1, rows[0][3]), ("winter-smog", "weekly-total", 1, 0)] and rows[0][3] > 0
    progress = run_qala("progress", "--json", env=env, cwd=course)
    assert json.loads(progress.stdout)["xp"] == rows[0][3]
    # an explicit home is used as it is
    explicit = tmp_path / "explicit"
    run_qala("check", "winter-smog", "weekly-total", str(answer), "--course", str(course), "--home", str(explicit), env=env)
    assert (explicit / "progress.sqlite").is_file()


def test_new_lesson_writes_translations_keyed_by_the_default_check_ids_and_they_validate(tmp_path, home):
    run_qala("new", "course", str(tmp_path / "c"), home=home)
    course = tmp_path / "c"
    made = run_qala("new", "lesson", "air", "winter-smog", "--title", "Winter smog", home=home, cwd=course)
    assert made.returncode == 0 and "winter-smog.ru.md" in made.stdout and "winter-smog.kk.md" in made.stdout, made.stdout + made.stderr
    folder = course / "lessons" / "air"
    for language, words in (("ru", "Неделя поездок"), ("kk", "Бір апталық сапарлар")):
        text = (folder / f"winter-smog.{language}.md").read_text(encoding="utf-8")
        assert f"## Exercise weekly-total: {words}" in text and 'title = "Winter smog"' in text
        # the value check's default id, and .1 for its typical mistake; the default ids are explained
        assert "- total_rides: " in text and "- total_rides.1: " in text and "computed-" in text
    checked = run_qala("validate", "lessons/air/winter-smog.md", home=home, cwd=course)
    assert checked.returncode == 0 and "0 errors, 2 warnings" in checked.stderr, checked.stdout + checked.stderr
    assert "is not translated" not in checked.stdout and "missing" not in checked.stdout
    # a learner reading Russian gets the stub's feedback for the template's typical mistake
    wrong = tmp_path / "wrong.py"
    wrong.write_text("rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]\ntotal_rides = rides[0] + rides[6]\n", encoding="utf-8")
    graded = run_qala("check", "winter-smog", "weekly-total", str(wrong), "--lang", "ru", home=home, cwd=course)
    assert graded.returncode == 1 and "только понедельник и воскресенье" in " ".join(graded.stdout.split()), graded.stdout
    assert run_qala("translated", "winter-smog", home=home, cwd=course).returncode == 0
    strict = run_qala("validate", "--strict", "lessons/air/winter-smog.md", home=home, cwd=course)
    assert strict.returncode == 0 and "0 errors, 0 warnings" in strict.stderr, strict.stdout + strict.stderr


TOML_MISTAKES = {
    # name: (the text replaced in the scaffold, what replaces it, the faulty line's text, words of the message)
    "a quote left open": (
        'message = "Add up all',
        'message = "Add up all seven days\nmessage = "Add up all',
        'message = "Add up all seven days\n',
        "is not closed on its line",
    ),
    "text without quotes": (
        'message = "Add up all seven days: sum(rides) does it in one step."',
        "message = Add up all seven days",
        "message = Add up",
        "text goes between quotes",
    ),
    "a name twice": ('message = "Add up all', 'value = "x"\nmessage = "Add up all', 'value = "x"', "given twice"),
    "code in a text never closed": ("code = '''", 'code = """', 'code = """', "never closed"),
    "a backslash in double quotes": ('message = "That is only', 'message = "That \\d is only', "That \\d", "a backslash"),
    "a typo in a key": ('message = "Add up all', 'tolerence = 0.1\nmessage = "Add up all', "tolerence", "unknown key 'tolerence'"),
    "a wrong value for a key": ('message = "Add up all', 'tolerance = "a little"\nmessage = "Add up all', "tolerance =", "tolerance must be a number"),
    "a key the checks block does not know": (
        "[[check]]\nvalue",
        "tolerance_all = 1\n\n[[check]]\nvalue",
        "tolerance_all",
        "unknown key 'tolerance_all' in the checks block",
    ),
}


@pytest.mark.parametrize("name", sorted(TOML_MISTAKES))
def test_a_toml_mistake_is_one_translated_line_at_the_faulty_line(tmp_path, name):
    """Parsed only (no sandbox): `qala validate` reports the course's parse problems as they are."""
    from qala.grader.content.course_file import load_course
    from qala.grader.i18n import Translator

    course = tmp_path / "c"
    course.mkdir()
    (course / "course").mkdir()
    (course / "course" / "course.toml").write_text(
        '[course]\nid = "c"\ntitle = { en = "C" }\n\n[[track]]\nid = "air"\ntitle = { en = "Air" }\nlessons = ["first"]\n', encoding="utf-8"
    )
    (course / "lessons" / "air").mkdir(parents=True)
    from qala.grader.teachers.scaffold import lesson_template

    old, new, faulty, words = TOML_MISTAKES[name]
    text = lesson_template("first", "air", "First")
    assert old in text
    text = text.replace(old, new, 1)
    (course / "lessons" / "air" / "first.md").write_text(text, encoding="utf-8")
    line = text[: text.index(faulty)].count("\n") + 1
    _, problems = load_course(course)
    errors = [p for p in problems if not p.warning]
    assert len(errors) == 1, [str(p) for p in errors]
    [error] = errors
    assert error.line == line and words in str(error), (line, str(error))
    assert "Illegal character" not in str(error) and "(at line" not in str(error) and "Invalid value" not in str(error)
    for language in ("ru", "kk"):  # the whole line in the teacher's language, the reader's words included
        shown = error.render(Translator(language))
        assert shown != str(error) and words.split("'")[0].strip() not in shown, shown
