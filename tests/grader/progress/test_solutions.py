"""Show the solution: offered after the last hint, never for a course that switched it off or an
exercise with hidden checks; once seen, a pass earns no XP, and progress, export and the class
report say "seen the solution". With real SQLite and JSON stores and the real command line."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qala.grader.engine import Engine
from qala.grader.errors import UsageError
from qala.grader.progress.store import SCHEMA_VERSION, JsonStore, SQLiteStore
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

RIGHT = "numbers = [1, 2, 3]\ntotal = sum(numbers)"
TWO_HINTS = "1. Use sum().\n2. sum(numbers) adds them up."


@pytest.fixture
def course(tmp_path):
    two = exercise_text("total", hints=TWO_HINTS) + "\n" + exercise_text("again")
    return make_course(tmp_path / "course", {"sums": lesson_text(exercises=two)})


def test_the_solution_waits_for_the_last_hint_and_then_the_exercise_gives_no_xp(course, home):
    engine = Engine(course, home, language="en")
    with pytest.raises(UsageError, match="take the 2 hints that are left first"):
        engine.solution("sums", "total")
    engine.hint("sums", "total")
    assert engine.solution_refusal("sums", "total") == "The solution is shown after the last hint: take the 1 hint that is left first."
    engine.hint("sums", "total")
    assert engine.solution_refusal("sums", "total") is None and not engine.solution_seen("sums", "total")
    assert engine.solution("sums", "total") == RIGHT
    assert engine.solution_seen("sums", "total")
    outcome = engine.check("sums", "total", RIGHT)
    assert outcome.passed and outcome.xp_gained == 0
    assert engine.check("sums", "again", RIGHT).xp_gained == 15  # the other exercise is untouched
    view = engine.progress()
    assert view.solutions_seen == (("sums", "total"),) and view.exercises_done == 2
    exported = engine.export("Aigerim")
    assert exported["progress"]["solutions_seen"] == [{"lesson": "sums", "exercise": "total"}]
    assert [(s["lesson"], s["exercise"]) for s in exported["solutions_seen"]] == [("sums", "total")]


def test_a_pass_before_the_solution_keeps_its_xp(course, home):
    engine = Engine(course, home, language="en")
    engine.hint("sums", "total")
    engine.hint("sums", "total")
    assert engine.check("sums", "total", RIGHT).xp_gained == 5  # the minimum share after two hints
    engine.solution("sums", "total")
    assert engine.progress().xp == 5


def test_a_course_can_switch_it_off(course, home):
    toml = course / "course" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[course]\n", "[course]\nshow_solution = false\n", 1), encoding="utf-8")
    engine = Engine(course, home, language="ru")
    engine.hint("sums", "again")
    with pytest.raises(UsageError) as caught:
        engine.solution("sums", "again")
    assert str(caught.value) == engine.tr.t("This course does not show the reference solutions.") != "This course does not show the reference solutions."
    assert not engine.solution_seen("sums", "again")


def test_never_for_an_exercise_with_hidden_checks(tmp_path, home):
    hidden = exercise_text(checks='[[check]]\nvalue = "total"\nreveal = false\nmessage = "Add them."')
    course = make_course(tmp_path / "course", {"sums": lesson_text(exercises=hidden)})
    engine = Engine(course, home, language="en")
    engine.hint("sums", "total")
    with pytest.raises(UsageError, match="keeps its solution to itself"):
        engine.solution("sums", "total")


def test_qala_solution_refuses_in_one_line_then_shows_it_and_progress_marks_it(course, home):
    args = ("--course", str(course))
    early = run_qala("solution", "sums", "total", *args, home=home)
    assert early.returncode == 2 and early.stdout == ""
    assert "take the 2 hints that are left first" in early.stderr and len(early.stderr.strip().splitlines()) == 1 and "Traceback" not in early.stderr
    first, last = (run_qala("hint", "sums", "total", *args, home=home) for _ in range(2))
    assert first.returncode == last.returncode == 0
    assert "qala solution" not in first.stdout and "`qala solution sums total` shows the reference solution" in last.stdout
    shown = run_qala("solution", "sums", "total", *args, home=home)
    assert shown.returncode == 0, shown.stderr
    assert "total = sum(numbers)" in shown.stdout and "gives no XP" in shown.stdout
    progress = run_qala("progress", *args, home=home)
    assert "Seen the solution (no XP for these): sums total" in progress.stdout
    data = json.loads(run_qala("progress", "--json", *args, home=home).stdout)
    assert data["solutions_seen"] == [{"lesson": "sums", "exercise": "total"}]


def test_the_json_store_keeps_it_and_reads_files_from_before_it(tmp_path):
    path = tmp_path / "progress.json"
    old = {"format": "qala-progress", "schema": 1, "attempts": [], "hints": [], "badges": [], "drafts": [], "settings": {}}
    path.write_text(json.dumps(old), encoding="utf-8")
    store = JsonStore(path)
    assert store.progress("c").solutions == {}
    store.record_solution("c", "l", "e", "2025-03-14T05:00:00+00:00")
    store.record_solution("c", "l", "e", "2025-03-15T05:00:00+00:00")  # the first time counts
    again = JsonStore(path)
    assert again.progress("c").solutions == {("l", "e"): "2025-03-14T05:00:00+00:00"}
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == SCHEMA_VERSION


def test_a_progress_file_of_the_previous_format_is_migrated_with_its_attempts(tmp_path):
    path = tmp_path / "progress.sqlite"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE solutions")
    db.execute(
        "INSERT INTO attempts (course, lesson, exercise, code, passed, feedback, xp, hints_used, at, local_date, duration_ms) "
        "VALUES ('c', 'l', 'e', 'x = 1', 1, '[]', 15, 0, '2025-03-14T05:00:00+00:00', '2025-03-14', 5)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = SQLiteStore(path)
    assert store.progress("c").xp == 15 and store.progress("c").solutions == {}
    store.record_solution("c", "l", "e", "2025-03-14T06:00:00+00:00")
    assert store.progress("c").solutions == {("l", "e"): "2025-03-14T06:00:00+00:00"}
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2


def test_the_class_report_marks_it_and_its_regrade_gives_no_xp_after_it(course, home, tmp_path):
    from rich.console import Console

    from qala.grader.content.course_file import load_course
    from qala.grader.i18n import Translator
    from qala.grader.judge.grading import Grader
    from qala.grader.run.launch import ProcessRunner
    from qala.grader.teachers.report import build_report
    from qala.grader.teachers.report_page import render_html
    from qala.grader.teachers.report_text import print_report

    engine = Engine(course, home, language="en")
    engine.hint("sums", "total")
    engine.hint("sums", "total")
    engine.solution("sums", "total")
    engine.check("sums", "total", RIGHT)
    path = tmp_path / "aigerim.json"
    path.write_text(json.dumps(engine.export("Aigerim")), encoding="utf-8")
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["attempts"][0]["xp"] = 5  # as if the solution had not been seen
    forged_path = tmp_path / "forged.json"
    forged_path.write_text(json.dumps(forged), encoding="utf-8")
    loaded, _ = load_course(course)
    grader = Grader(loaded, ProcessRunner(), tmp_path / "cache")
    tr = Translator("en")
    try:
        report = build_report(loaded, grader, [path, forged_path], tr, jobs=1)
    finally:
        grader.runner.close()
    honest, tampered = sorted(report.learners, key=lambda learner: learner.file)  # aigerim.json, forged.json
    assert honest.solutions_seen == ["sums/total"] and honest.xp == 0 and honest.disagreements == 0
    assert tampered.disagreements == 1  # 5 XP claimed after the solution was seen
    assert [learner["solutions_seen"] for learner in report.as_json()["learners"]] == [["sums/total"], ["sums/total"]]
    assert "seen the solution: sums/total" in render_html(report, tr)
    console = Console(record=True, width=200)
    print_report(report, tr, console)
    assert "Learners who saw a solution (no XP for those exercises): Aigerim: sums/total" in console.export_text()
