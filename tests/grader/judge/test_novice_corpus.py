"""A corpus of novice mistakes nobody wrote down (fixtures/novice_mistakes.toml), run through the
real grader on the real lessons: none may pass, and the feedback must name the place or the
misconception for at least 90% of them (issue 14.6)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.launch import ProcessRunner

CORPUS = Path(__file__).parent / "fixtures" / "novice_mistakes.toml"
LESSONS = Path(__file__).resolve().parents[3] / "lessons"


def corpus() -> list[dict]:
    return tomllib.loads(CORPUS.read_text(encoding="utf-8"))["mistake"]


def normalised(code: str) -> tuple[str, ...]:
    return tuple(line.rstrip() for line in code.strip().splitlines() if line.strip())


@pytest.fixture(scope="module")
def course():
    found, _ = load_course(bundled_course_root())
    return found


def test_the_corpus_is_large_and_spread_over_lessons(course):
    mistakes = corpus()
    exercises = {(m["lesson"], m["exercise"]) for m in mistakes}
    assert len(mistakes) >= 60 and len(exercises) >= 20
    needs = {bool(course.lessons[lesson].needs) for lesson, _ in exercises}
    assert needs == {True, False}  # pandas lessons and standard-library ones
    for m in mistakes:
        assert m["mention"], m  # each says what its feedback must name
        assert any(e.id == m["exercise"] for e in course.lessons[m["lesson"]].exercises), m


def test_the_corpus_is_fresh(course):
    """Not one program is a lesson's own case or typical mistake."""
    known = set()
    for path in LESSONS.rglob("*.cases.toml"):
        for case in tomllib.loads(path.read_text(encoding="utf-8")).get("case", []):
            if "code" in case:  # a predict or choice case gives an answer, not a program
                known.add(normalised(case["code"]))
    for lesson in course.lessons.values():
        for exercise in lesson.exercises:
            for check in exercise.checks:
                known.update(normalised(m.code) for m in check.mistakes)
    assert len(known) > 100  # the lessons' own cases were found
    repeated = [m for m in corpus() if normalised(m["code"]) in known]
    assert repeated == []
    codes = [normalised(m["code"]) for m in corpus()]
    assert len(set(codes)) == len(codes)


def test_every_unforeseen_mistake_fails_and_nine_in_ten_are_diagnosed(course, tmp_path_factory):
    grader = Grader(course, ProcessRunner(), tmp_path_factory.mktemp("reference-cache"))
    tr = Translator("en")
    passed, missed = [], []
    for number, m in enumerate(corpus()):
        lesson = course.lessons[m["lesson"]]
        exercise = next(e for e in lesson.exercises if e.id == m["exercise"])
        grade = grader.grade(lesson, exercise, m["code"].lstrip("\n"), tr)
        said = " ".join(f.message for f in grade.feedback if not f.passed)
        if grade.passed:
            passed.append((number, m["lesson"], m["exercise"]))
        elif not all(word.lower() in said.lower() for word in m["mention"]):
            missed.append((number, m["lesson"], m["exercise"], m["mention"], said))
    assert passed == []
    assert len(missed) <= len(corpus()) // 10, missed
