"""The front door: what a front end gets from the Engine, and the one place a check is worded."""

from __future__ import annotations

import dataclasses

import pytest

from qala.grader.engine import Engine, Settings
from qala.grader.outcomes import Line
from tests.conftest import exercise_text, lesson_text, make_course

RIGHT = "numbers = [1, 2, 3]\ntotal = sum(numbers)"
WRONG = "numbers = [1, 2, 3]\ntotal = 1"


@pytest.fixture
def engine(tmp_path, home):
    course = make_course(tmp_path / "course", {"sums": lesson_text(exercises=exercise_text("total"))})
    engine = Engine(course_root=course, home=home, language="en")
    yield engine
    engine.close()


def test_a_pass_is_worded_once_verdict_first_then_news_then_checks(engine):
    outcome = engine.check("sums", "total", RIGHT)
    lines = outcome.verdict(engine.tr)
    kinds = [line.kind for line in lines]
    assert kinds[0] is Line.PASSED and lines[0].text == "Passed!" and lines[0].detail == f"+{outcome.xp_gained} XP"
    assert Line.BADGE in kinds and kinds.index(Line.BADGE) < kinds.index(Line.CHECK)
    badge = next(line for line in lines if line.kind is Line.BADGE)
    assert badge.text.startswith("New badge: ") and badge.badge in {b.id for b in outcome.new_badges}
    assert [line.passed for line in lines if line.kind is Line.CHECK] == [True] * len(outcome.grade.feedback)


def test_a_failure_is_worded_in_the_learners_language(engine):
    engine.set_language("ru", remember=False)
    outcome = engine.check("sums", "total", WRONG)
    head, *rest = outcome.verdict(engine.tr)
    assert head.kind is Line.NOT_PASSED and head.text == "Пока не зачтено."
    assert not any(line.kind in (Line.PASSED, Line.BADGE, Line.LEVEL_UP) for line in rest)
    assert any(line.kind is Line.CHECK and line.passed is False for line in rest)


def test_the_same_words_reach_the_command_line(tmp_path, home):
    from tests.conftest import run_qala

    course = make_course(tmp_path / "course", {"sums": lesson_text(exercises=exercise_text("total"))})
    answer = tmp_path / "answer.py"
    answer.write_text(RIGHT, encoding="utf-8")
    result = run_qala("check", "sums", "total", str(answer), "--course", str(course), home=home)
    engine = Engine(course_root=course, home=tmp_path / "other-home", language="en")
    try:
        expected = engine.check("sums", "total", RIGHT).verdict(engine.tr)
    finally:
        engine.close()
    for line in expected:
        if line.kind in (Line.PASSED, Line.BADGE, Line.CHECK):
            assert line.text in result.stdout, (line, result.stdout)


def test_settings_are_typed_and_kept_with_progress(engine, home):
    assert engine.settings == Settings()
    engine.change_settings(theme="light", learner_name="Aigerim")
    engine.set_language("kk")
    again = Engine(course_root=engine.course_root, home=home)
    try:
        assert again.settings == Settings(language="kk", theme="light", learner_name="Aigerim")
        assert again.language == "kk"
    finally:
        again.close()
    with pytest.raises(TypeError):
        engine.change_settings(colour="red")  # not a setting: a mistake in the caller, not a new key
    assert {f.name for f in dataclasses.fields(Settings)} == {"language", "theme", "learner_name", "path"}


def test_datasets_and_glossary_come_through_the_engine(engine):
    datasets, problems = engine.datasets()
    assert isinstance(datasets, dict) and isinstance(problems, list)
    assert engine.glossary().terms is not None
    lesson = engine.lesson("sums")
    assert engine.missing_modules(lesson) == ()
    assert "Exercise total" in engine.exercise_text(lesson, lesson.exercises[0])
    assert "Do the thing." in engine.exercise_text(lesson, lesson.exercises[0])


def test_trying_without_keeping_keeps_nothing(engine):
    grade = engine.try_without_keeping("sums", "total", RIGHT)
    assert grade.passed
    assert engine.attempts() == [] and engine.progress().xp == 0
