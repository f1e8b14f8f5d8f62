"""The command-line contract in DESIGN.md, through the real `qala` command."""

from __future__ import annotations

import json

import pytest

from tests.conftest import lesson_text, make_course, run_qala


def bundled_exercises():
    """One exercise of each lesson, through the real command: the last one a program answers
    (usually the lesson's fullest use of its datasets). Every exercise's starter failing and
    reference passing is proven by `qala validate` of the whole course below, through the same
    grading; this proves the command's own path — its early sandbox, its cache, its JSON — for
    every lesson's datasets and needs, at a quarter of the cost of running all ~190 twice."""
    listing = run_qala("lessons", "--json", "--with-solutions")
    assert listing.returncode == 0, listing.stderr
    data = json.loads(listing.stdout)
    chosen = []
    for track in data["tracks"]:
        for lesson in track["lessons"]:
            # A prediction's or a choice's answer is not its program: `qala validate` proves those (test_kinds.py, their answer files).
            programs = [ex for ex in lesson["exercises"] if ex["kind"] not in ("predict", "choice")]
            if programs:
                ex = programs[-1]
                chosen.append((lesson["id"], ex["id"], ex["starter"], ex["solution"]))
    return chosen


EXERCISES = bundled_exercises()


def test_every_lesson_has_an_exercise_checked_through_the_command():
    lessons = json.loads(run_qala("lessons", "--json").stdout)
    ids = {lesson["id"] for track in lessons["tracks"] for lesson in track["lessons"]}
    assert {lesson for lesson, *_ in EXERCISES} == ids


def test_the_bundled_course_validates_cleanly(home):
    result = run_qala("validate", home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr


@pytest.mark.parametrize("lesson,exercise,starter,solution", EXERCISES, ids=[f"{lesson}/{e}" for lesson, e, _, _ in EXERCISES])
def test_each_lessons_exercise_fails_its_starter_and_passes_its_solution(tmp_path, home, lesson, exercise, starter, solution):
    (tmp_path / "starter.py").write_text(starter, encoding="utf-8")
    (tmp_path / "solution.py").write_text(solution, encoding="utf-8")
    failed = run_qala("check", lesson, exercise, str(tmp_path / "starter.py"), "--json", home=home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    passed = run_qala("check", lesson, exercise, str(tmp_path / "solution.py"), "--json", home=home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_check_json_has_the_contracted_shape(tmp_path, home):
    make_course(tmp_path / "c", {"sums": lesson_text()})
    (tmp_path / "mine.py").write_text("numbers = [1, 2, 3]\ntotal = sum(numbers)\nprint('Qala: PASSED')", encoding="utf-8")
    result = run_qala("check", "sums", "total", str(tmp_path / "mine.py"), "--json", "--course", str(tmp_path / "c"), home=home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # the learner's print never reaches our output
    assert {"lesson", "exercise", "passed", "feedback", "xp", "badges", "duration_ms"} <= set(data)
    assert (data["lesson"], data["exercise"], data["passed"], data["xp"], data["badges"]) == ("sums", "total", True, 15, ["first-step", "basics-done"])
    assert all(set(item) == {"check", "passed", "message"} for item in data["feedback"])


def test_a_syntax_error_is_exit_1_with_the_line_number(tmp_path, home):
    (tmp_path / "bad.py").write_text("x = 1\ny = (\n", encoding="utf-8")
    lesson, exercise = EXERCISES[0][:2]
    result = run_qala("check", lesson, exercise, str(tmp_path / "bad.py"), "--json", home=home)
    assert result.returncode == 1
    runs = json.loads(result.stdout)["feedback"][0]
    assert runs["check"] == "runs" and not runs["passed"] and runs["message"].startswith("Line 2:")


@pytest.mark.parametrize(
    "args,words",
    [
        (["check", "no-such-lesson", "x", "FILE"], "there is no lesson 'no-such-lesson'"),
        (["check", "LESSON", "no-such-exercise", "FILE"], "has no exercise 'no-such-exercise'"),
        (["check", "LESSON", "EXERCISE", "/no/such/file.py"], "no such file: /no/such/file.py"),
        (["show", "no-such-lesson"], "there is no lesson"),
        (["hint", "no-such-lesson", "x"], "there is no lesson"),
        (["check", "LESSON"], "the following arguments are required"),
        (["--lang", "fr", "progress"], "invalid choice: 'fr'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_usage_or_input_is_a_one_line_error_and_exit_2(tmp_path, home, args, words):
    (tmp_path / "f.py").write_text("x = 1", encoding="utf-8")
    lesson, exercise = EXERCISES[0][:2]
    args = [a.replace("LESSON", lesson).replace("EXERCISE", exercise).replace("FILE", str(tmp_path / "f.py")) for a in args]
    result = run_qala(*args, home=home)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_text_is_exit_2(tmp_path, home):
    (tmp_path / "binary.py").write_bytes(b"\xff\xfe\x00garbage")
    lesson, exercise = EXERCISES[0][:2]
    result = run_qala("check", lesson, exercise, str(tmp_path / "binary.py"), home=home)
    assert result.returncode == 2 and "not UTF-8" in result.stderr


def test_lessons_json_lists_tracks_lessons_and_exercises(home):
    data = json.loads(run_qala("lessons", "--json", home=home).stdout)
    track = data["tracks"][0]
    assert {"id", "title", "lessons"} <= set(track)
    lesson = track["lessons"][0]
    assert {"id", "title", "exercises", "status"} <= set(lesson)
    assert {"id", "title"} <= set(lesson["exercises"][0])
    assert "solution" not in lesson["exercises"][0]


def test_lessons_json_titles_follow_the_language(home):
    english = json.loads(run_qala("lessons", "--json", home=home).stdout)
    russian = json.loads(run_qala("lessons", "--json", "--lang", "ru", home=home).stdout)
    kazakh = json.loads(run_qala("--lang", "kk", "lessons", "--json", home=home).stdout)
    assert english["tracks"][0]["title"] == "First steps with city data"
    assert russian["tracks"][0]["title"] == "Первые шаги с данными города"
    assert kazakh["tracks"][0]["title"] == "Қала деректерімен алғашқы қадамдар"


def test_hint_show_progress_and_datasets_work(home):
    lesson, exercise = EXERCISES[0][:2]
    hint = run_qala("hint", lesson, exercise, home=home)
    assert hint.returncode == 0 and "Hint 1 of" in hint.stdout
    shown = run_qala("show", lesson, home=home)
    assert shown.returncode == 0 and exercise in shown.stdout
    progress = json.loads(run_qala("progress", "--json", home=home).stdout)
    assert {"xp", "level", "streak", "badges"} <= set(progress)
    datasets = run_qala("datasets", "--json", home=home)
    assert datasets.returncode == 0 and "datasets" in json.loads(datasets.stdout)


def test_home_option_and_environment_choose_where_progress_lives(tmp_path, home):
    lesson, exercise, _, solution = EXERCISES[0]
    (tmp_path / "s.py").write_text(solution, encoding="utf-8")
    other = tmp_path / "other-home"
    assert run_qala("check", lesson, exercise, str(tmp_path / "s.py"), "--home", str(other), home=home).returncode == 0
    assert (other / "progress.sqlite").exists()
    assert not (home / "progress.sqlite").exists() or json.loads(run_qala("progress", "--json", home=home).stdout)["xp"] == 0


def test_show_suggests_the_whole_check_command_it_would_need(tmp_path, home):
    """A teacher working on their own course copies the footer's command: it names that course."""
    from tests.conftest import exercise_text, lesson_text, make_course

    course = make_course(tmp_path / "course", {"sums": lesson_text(exercises=exercise_text("total"))})
    shown = run_qala("show", "sums", "--course", str(course), home=home)
    assert shown.returncode == 0, shown.stderr
    footer = " ".join(shown.stdout.split())
    assert f"qala check sums EXERCISE FILE --course {course}" in footer
    bundled = run_qala("show", "monthly-air", home=home)
    assert "qala check monthly-air EXERCISE FILE" in " ".join(bundled.stdout.split()) and "--course" not in bundled.stdout
