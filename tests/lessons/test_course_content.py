"""The course itself: enough tracks, lessons and exercises, every city system covered, every
exercise proving its own checks with cases, and every word in three languages."""

from __future__ import annotations

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.content.datasets import load_datasets
from qala.grader.teachers.validate import read_cases

COURSE, PROBLEMS = load_course(bundled_course_root())
LESSONS = COURSE.ordered_lessons()
IDS = [lesson.id for lesson in LESSONS]


def test_the_course_has_six_tracks_24_lessons_and_72_exercises():
    assert len(COURSE.tracks) >= 6
    assert len(LESSONS) >= 24
    assert sum(len(lesson.exercises) for lesson in LESSONS) >= 72
    assert all(track.lessons for track in COURSE.tracks), "every track has lessons"


def test_every_lesson_file_is_in_the_course_and_nothing_is_broken():
    assert [str(p) for p in PROBLEMS] == []  # no errors and no warnings (translations included)


def test_every_dataset_is_used_by_a_lesson():
    datasets, problems = load_datasets(COURSE.datasets_dir)
    assert problems == []
    used = {name for lesson in LESSONS for name in lesson.datasets}
    assert set(datasets) - used == set()


def test_the_first_track_runs_on_the_standard_library_alone():
    first = COURSE.tracks[0]
    for lesson_id in first.lessons:
        assert COURSE.lessons[lesson_id].needs == (), lesson_id


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_a_lesson_has_three_to_five_exercises(lesson):
    assert 3 <= len(lesson.exercises) <= 5


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_every_exercise_has_another_solution_and_two_typical_mistakes(lesson):
    cases, problems = read_cases(lesson)
    assert problems == []
    for exercise in lesson.exercises:
        mine = [c for c in cases if c.exercise == exercise.id]
        assert any(c.expect == "pass" for c in mine), f"{exercise.id}: no other correct solution"
        mistakes = [c for c in mine if c.expect == "fail"]
        assert len(mistakes) >= 2, f"{exercise.id}: fewer than two typical mistakes"
        for case in mistakes:
            assert case.failing and case.feedback, f"{exercise.id}/{case.name}: say which check fails and what its feedback names"
        assert all(c.code.strip() != exercise.solution.strip() for c in mine if c.expect == "pass"), (
            f"{exercise.id}: the other solution is the reference itself"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_titles_hints_and_feedback_are_translated(lesson):
    english = lesson.texts["en"]
    for language in ("ru", "kk"):
        assert language in lesson.texts, f"{lesson.id}: no {language} translation"
        text = lesson.texts[language]
        assert text.title and text.title != english.title
        for exercise_id, en in english.exercises.items():
            tr = text.exercises[exercise_id]
            assert tr.title and tr.title != en.title, f"{lesson.id}/{exercise_id}: {language} title"
            assert len(tr.hints) == len(en.hints) and all(tr.hints), f"{lesson.id}/{exercise_id}: {language} hints"
            assert set(tr.feedback) == set(en.feedback), f"{lesson.id}/{exercise_id}: {language} feedback"
