"""Exercise kinds besides code (predict, choice, parsons, fill): read from a real lesson file,
judged by the real grader and sandbox, kept and regraded like code, named in `qala lessons --json`."""

from __future__ import annotations

import json

import pytest

from qala.grader.content.kinds import fill_program, fill_values, given_lines
from qala.grader.content.lesson_file import parse_lesson
from qala.grader.engine import Engine, ExerciseKind
from qala.grader.teachers.report import build_report
from qala.grader.teachers.validate import validate
from tests.conftest import lesson_text, run_qala
from tests.kinds_lesson import FILL, make_kinds_course

LOOP = "pm25 = [52, 54, 28]\ntotal = 0\nfor value in pm25:\n    total = total + value\n"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = make_kinds_course(tmp_path_factory.mktemp("kinds"))
    engine = Engine(course_root=root, home=tmp_path_factory.mktemp("home"), language="en")
    yield engine
    engine.close()


def test_each_kind_is_read_from_its_checks_block(engine):
    assert engine.course.problems == []
    lesson = engine.lesson("kinds")
    kinds = {e.id: e.kind for e in lesson.exercises}
    assert kinds == {"first-month": "predict", "denominator": "choice", "loop-total": "parsons", "fill-mean": "fill"}
    choice = lesson.exercise("denominator")
    assert choice.answer == ("b",) and choice.options == ("a", "b", "c") and not choice.multiple
    assert engine.choice_options(lesson, choice)[1] == ("b", "10, the months that have a value")
    assert lesson.exercise("loop-total").distractors == ("total = value",)


def test_choice_options_and_their_feedback_come_in_the_learners_language(engine):
    lesson = engine.lesson("kinds")
    engine.set_language("ru", remember=False)
    try:
        assert engine.choice_options(lesson, lesson.exercise("denominator"))[0] == ("a", "на 12, число месяцев в году")
        outcome = engine.try_without_keeping("kinds", "denominator", "a")
        assert not outcome.passed and "знаменателе" in outcome.feedback[0].message
    finally:
        engine.set_language("en", remember=False)


def test_a_prediction_is_judged_against_the_programs_real_output(engine):
    right = engine.try_without_keeping("kinds", "first-month", "  52\n\n3   months  ")
    assert right.passed and right.output == "52\n3 months\n"  # the real output, shown after the answer
    wrong = engine.try_without_keeping("kinds", "first-month", "54\n3 months")
    assert not wrong.passed and "'52'" in wrong.feedback[0].message and "'54'" in wrong.feedback[0].message
    assert wrong.output == "52\n3 months\n"
    short = engine.try_without_keeping("kinds", "first-month", "52")
    assert "2 lines" in short.feedback[0].message


def test_a_wrong_choice_names_its_misconception_and_the_right_one_passes(engine):
    wrong = engine.try_without_keeping("kinds", "denominator", "a")
    assert [f.check for f in wrong.feedback] == ["choice"]
    assert not wrong.passed and "denominator" in wrong.feedback[0].message
    assert engine.try_without_keeping("kinds", "denominator", " B\n").passed
    assert "Choose only one" in engine.try_without_keeping("kinds", "denominator", "a, b").feedback[0].message
    assert "no option 'z'" in engine.try_without_keeping("kinds", "denominator", "z").feedback[0].message


def test_parsons_passes_in_any_working_order_and_refuses_lines_not_given(engine):
    assert engine.try_without_keeping("kinds", "loop-total", LOOP).passed
    other_order = "total = 0\npm25 = [52, 54, 28]\nfor value in pm25:\n    total = total + value\n"
    assert engine.try_without_keeping("kinds", "loop-total", other_order).passed
    distractor = engine.try_without_keeping("kinds", "loop-total", LOOP.replace("total = total + value", "total = value"))
    assert not distractor.passed and distractor.failed_checks() == ["total"]  # judged by running
    stray = engine.try_without_keeping("kinds", "loop-total", LOOP + "total = 134\n")
    assert stray.failed_checks() == ["lines"] and "total = 134" in stray.feedback[0].message
    twice = engine.try_without_keeping("kinds", "loop-total", LOOP + "total = 0\n")
    assert twice.failed_checks() == ["lines"]
    lines = given_lines(engine.lesson("kinds").exercise("loop-total"))
    assert sorted(lines) == sorted(["pm25 = [52, 54, 28]", "total = 0", "for value in pm25:", "total = total + value", "total = value"])
    assert lines == given_lines(engine.lesson("kinds").exercise("loop-total"))


def test_fill_changes_only_the_blanks_and_is_judged_by_running(engine):
    template = engine.lesson("kinds").exercise("fill-mean").starter
    assert fill_values(template, "pm25 = [52, 54, 28]\nmean = sum(pm25) / len(pm25)\n") == ["sum", "len"]
    assert fill_program(template, ["sum", ""]) == "pm25 = [52, 54, 28]\nmean = sum(pm25) / ___(pm25)"
    assert engine.try_without_keeping("kinds", "fill-mean", fill_program(template, ["sum", "len"])).passed
    wrong = engine.try_without_keeping("kinds", "fill-mean", fill_program(template, ["sum", "max"]))
    assert wrong.failed_checks() == ["mean"] and "44.6667" in wrong.feedback[-1].message
    assert "1 blank of 2" in engine.try_without_keeping("kinds", "fill-mean", fill_program(template, ["sum", ""])).feedback[0].message
    changed = engine.try_without_keeping("kinds", "fill-mean", "mean = 44.67")
    assert changed.failed_checks() == ["blanks"]


def test_answers_are_kept_exported_and_regraded_by_kind(engine, tmp_path):
    engine.check("kinds", "denominator", "a")
    passed = engine.check("kinds", "denominator", "b")
    assert passed.passed and passed.xp_gained > 0
    assert engine.check("kinds", "first-month", "52\n3 months").passed
    assert engine.check("kinds", "loop-total", LOOP).passed
    export = engine.export("Aigerim")
    assert {(a["exercise"], a["code"]) for a in export["attempts"]} >= {("denominator", "b"), ("first-month", "52\n3 months")}
    path = tmp_path / "aigerim.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = build_report(engine.course, engine.grader, [path], engine.tr)
    assert report.disagreements == []  # every claimed verdict was confirmed by regrading the answers
    [learner] = report.learners
    assert learner.passed == 3
    by_exercise = {e.exercise: e for e in report.exercises}
    assert by_exercise["denominator"].failed_attempts == 1 and by_exercise["denominator"].common_check == "choice"


def test_validate_self_tests_kinds_with_answer_cases(tmp_path):
    root = make_kinds_course(tmp_path)
    (root / "lessons" / "basics" / "kinds.cases.toml").write_text(
        '[[case]]\nexercise = "denominator"\nname = "twelve"\nexpect = "fail"\nfailing = "choice"\nfeedback = "denominator"\nanswer = "a"\n\n'
        '[[case]]\nexercise = "first-month"\nname = "spaces"\nexpect = "pass"\nanswer = "52\\n3    months"\n\n'
        '[[case]]\nexercise = "first-month"\nname = "wrong"\nexpect = "pass"\nanswer = "54"\n',
        encoding="utf-8",
    )
    report = validate(root)
    assert report.cases == 3
    [error] = report.errors
    assert "'wrong' should pass but check 'predict' fails" in str(error)


@pytest.mark.parametrize(
    "checks, extra, words",
    [
        ('kind = "guess"', "", "kind must be one of code, predict, choice, parsons, fill"),
        ('kind = "choice"\nanswer = "d"', "### Options\n\n- a: one\n- b: two\n", "'d' is not one of the options"),
        ('kind = "choice"\nanswer = "a"', "### Options\n\n- a: only\n", "at least two options"),
        ('kind = "choice"\nanswer = ["a", "b"]', "### Options\n\n- a: one\n- b: two\n", "at least one wrong option"),
        ('kind = "choice"\nanswer = "a"\n[feedback]\nz = "no"', "### Options\n\n- a: one\n- b: two\n", "feedback for 'z'"),
        ('kind = "predict"\ndistractors = ["x"]', "", "'distractors' is not a setting of a predict exercise"),
        ('kind = "predict"\n[[check]]\nvalue = "x"', "", "a predict exercise has no [[check]]"),
        ('kind = "parsons"\ndistractors = ["x = 1"]\n[[check]]\nvalue = "x"', "", "the distractor 'x = 1' is a line of the solution"),
        ('kind = "fill"\n[[check]]\nvalue = "x"', "", "needs at least one blank"),
        ('[[check]]\nvalue = "x"', "### Options\n\n- a: one\n- b: two\n", "only a choice exercise has '### Options'"),
    ],
)
def test_a_kind_written_wrongly_is_one_clear_problem(tmp_path, checks, extra, words):
    exercise = f"## Exercise e: E\n\nTask.\n\n{extra}\n```python starter\nx = 0\n```\n\n```python solution\nx = 1\n```\n\n```toml checks\n{checks}\n```\n\n### Hints\n\n1. Hint.\n"
    path = tmp_path / "sums.md"
    path.write_text(lesson_text(exercises=exercise), encoding="utf-8")
    lesson, problems = parse_lesson(path)
    assert lesson is None
    assert any(words in str(p) for p in problems.items), [str(p) for p in problems.items]


def test_fill_solution_must_fit_its_template(tmp_path):
    bad = FILL.replace("mean = sum(pm25) / len(pm25)\n```\n\n```toml", "mean = sum(pm25) / len(pm25) + 0\n```\n\n```toml")
    path = tmp_path / "sums.md"
    path.write_text(lesson_text(exercises=bad), encoding="utf-8")
    _lesson, problems = parse_lesson(path)
    assert [p.message for p in problems.items] == ["the solution of a fill exercise must be its starter with the blanks filled in"]


def test_the_cli_checks_an_answer_file_per_kind_and_lists_kinds(tmp_path, home):
    root = make_kinds_course(tmp_path / "c")
    lessons = run_qala("lessons", "--json", "--course", str(root), home=home)
    [lesson] = json.loads(lessons.stdout)["tracks"][0]["lessons"]
    assert [e["kind"] for e in lesson["exercises"]] == ["predict", "choice", "parsons", "fill"]
    (tmp_path / "choice.txt").write_text("a\n", encoding="utf-8")
    wrong = run_qala("check", "kinds", "denominator", str(tmp_path / "choice.txt"), "--course", str(root), home=home)
    assert wrong.returncode == 1 and "denominator" in wrong.stdout
    (tmp_path / "predict.txt").write_text("52\n3 months\n", encoding="utf-8")
    right = run_qala("check", "kinds", "first-month", str(tmp_path / "predict.txt"), "--json", "--course", str(root), home=home)
    assert right.returncode == 0, right.stdout + right.stderr
    assert json.loads(right.stdout)["passed"] is True


def test_every_kind_is_documented_with_an_example():
    from tests.conftest import REPO

    reference = (REPO / "docs" / "lesson-format.md").read_text(encoding="utf-8")
    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    for kind in ExerciseKind:
        assert f"`{kind.value}`" in reference
        if kind is not ExerciseKind.CODE:
            assert f'kind = "{kind.value}"' in reference and f'kind = "{kind.value}"' in guide


def test_the_lesson_as_markdown_shows_each_kinds_own_code(engine):
    from qala.grader.content.markdown import lesson_markdown

    text = lesson_markdown(engine.lesson("kinds"), engine.tr)
    assert 'print(len(pm25), "months")' in text  # the program to predict
    assert "- **c)** the total itself" in text  # a choice's options
    assert "total = value" in text and "```python\n\n```" not in text  # the given lines; no empty starter
