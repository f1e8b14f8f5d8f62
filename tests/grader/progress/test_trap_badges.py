"""Skill badges of planned review (rule kind ``trap_reviewed``): a trap's teaching lesson done,
then as many lessons that review it as the rule asks — on the bundled course's real lessons."""

from __future__ import annotations

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.progress import rewards
from qala.grader.progress.rewards import AttemptSummary, Progress


@pytest.fixture(scope="module")
def course():
    loaded, _problems = load_course(bundled_course_root())
    return loaded


def done(course, *lesson_ids: str) -> Progress:
    attempts = [
        AttemptSummary(lesson_id, exercise.id, True, 10, 0, "2026-11-20T10:00:00+00:00", "2026-11-20")
        for lesson_id in lesson_ids
        for exercise in course.lesson(lesson_id).exercises
    ]
    return Progress(tuple(attempts))


def badge(course, badge_id: str):
    return next(b for b in course.info.badges if b.id == badge_id)


def test_the_coal_badge_needs_the_unit_lesson_and_one_lesson_that_reviews_its_slip(course):
    coal = badge(course, "coal-counter")
    assert coal.rule == {"kind": "trap_reviewed", "trap": "thousands-of-tonnes", "count": 1}
    assert not rewards.badge_earned(coal, course, done(course, "units-and-limits"))
    assert not rewards.badge_earned(coal, course, done(course, "energy-heating"))  # reviewed, never taught
    assert rewards.badge_earned(coal, course, done(course, "units-and-limits", "energy-heating"))
    assert "coal-counter" in rewards.new_badges(course, done(course, "units-and-limits", "energy-heating"))


def test_the_code_badge_needs_two_reviews_and_an_unfinished_review_does_not_count(course):
    spotter = badge(course, "code-spotter")
    assert not rewards.badge_earned(spotter, course, done(course, "air-gaps", "air-micrograms-and-limits"))
    assert rewards.badge_earned(spotter, course, done(course, "air-gaps", "air-micrograms-and-limits", "review-traps"))
    half = done(course, "air-gaps", "air-micrograms-and-limits", "review-traps")
    half = Progress(tuple(a for a in half.attempts if not (a.lesson == "review-traps" and a.exercise == course.lesson("review-traps").exercises[-1].id)))
    assert not rewards.badge_earned(spotter, course, half)


def test_every_trap_of_the_course_has_a_skill_badge_a_learner_can_earn_on_each_path_that_teaches_it(course):
    by_trap = {b.rule["trap"]: b for b in course.info.badges if b.rule["kind"] == "trap_reviewed"}
    traps = {trap.id: trap for trap in course.info.traps}
    assert set(by_trap) == set(traps)
    for path in course.paths:
        on_path = [lesson.id for lesson in course.path_lessons(path.id)]
        for trap_id, trap_badge in by_trap.items():
            if traps[trap_id].taught_in in on_path:
                assert rewards.badge_earned(trap_badge, course, done(course, *on_path)), (path.id, trap_id)
