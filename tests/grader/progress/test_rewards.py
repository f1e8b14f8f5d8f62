"""Reward rules: XP after hints and on a first try, levels, daily streaks, badges from course data."""

from __future__ import annotations

import datetime as dt

from qala.grader.content.course_file import load_course
from qala.grader.content.model import Level, XpRules
from qala.grader.progress import rewards
from qala.grader.progress.rewards import AttemptSummary, Progress
from tests.conftest import exercise_text, lesson_text, make_course

RULES = XpRules(per_exercise=10, first_try_bonus=5, hint_cost=0.25, min_share=0.25)


def attempt(lesson="sums", exercise="total", passed=True, xp=0, hints=0, day="2026-11-20"):
    return AttemptSummary(lesson, exercise, passed, xp, hints, f"{day}T10:00:00+00:00", day)


def test_a_first_try_without_hints_earns_the_bonus():
    assert rewards.award(Progress(), "sums", "total", 10, True, RULES) == 15


def test_hints_cost_xp_but_never_below_the_minimum_share():
    for hints, expected in [(1, 8), (2, 5), (3, 3), (4, 3), (9, 3)]:
        progress = Progress(hints={("sums", "total"): hints})
        assert rewards.award(progress, "sums", "total", 10, True, RULES) == expected, hints
    assert rewards.hint_cost(10, 0, RULES) == 2
    assert rewards.hint_cost(10, 3, RULES) == 0


def test_only_the_first_pass_earns_xp_and_failures_earn_nothing():
    tried = Progress((attempt(passed=False),))
    assert rewards.award(tried, "sums", "total", 10, False, RULES) == 0
    assert rewards.award(tried, "sums", "total", 10, True, RULES) == 10  # no first-try bonus
    done = Progress((attempt(passed=True, xp=15),))
    assert rewards.award(done, "sums", "total", 10, True, RULES) == 0


def test_levels_follow_the_thresholds():
    levels = [Level(1, 0, {"en": "a"}), Level(2, 50, {"en": "b"}), Level(3, 150, {"en": "c"})]
    assert [rewards.level_for(levels, xp)[0].number for xp in (0, 49, 50, 149, 150, 10_000)] == [1, 1, 2, 2, 3, 3]
    assert rewards.level_for(levels, 60)[1].xp == 150
    assert rewards.level_for(levels, 200)[1] is None


def test_streaks_count_local_days_in_a_row():
    days = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-24", "2026-11-25"]
    progress = Progress(tuple(attempt(exercise=f"e{i}", day=d) for i, d in enumerate(days)))
    assert rewards.current_streak(progress, dt.date(2026, 11, 25)) == 2
    assert rewards.current_streak(progress, dt.date(2026, 11, 26)) == 2  # today not played yet: still alive
    assert rewards.current_streak(progress, dt.date(2026, 11, 27)) == 0
    assert rewards.longest_streak(progress) == 3


def test_a_day_with_only_failures_does_not_count():
    progress = Progress((attempt(day="2026-11-24"), attempt(passed=False, day="2026-11-25")))
    assert rewards.current_streak(progress, dt.date(2026, 11, 25)) == 1


def test_badges_come_from_rules_in_the_course_file(tmp_path):
    two = exercise_text("total") + "\n" + exercise_text("again")
    make_course(tmp_path, {"sums": lesson_text(exercises=two)})
    course, _ = load_course(tmp_path)
    one_pass = Progress((attempt(exercise="total"),))
    assert rewards.new_badges(course, one_pass) == ["first-step"]
    both = Progress((attempt(exercise="total"), attempt(exercise="again")), badges={"first-step": "x"})
    assert rewards.new_badges(course, both) == ["basics-done"]


def test_lesson_status_respects_prerequisites(tmp_path):
    make_course(tmp_path, {"one": lesson_text("one"), "two": lesson_text("two", front='requires = ["one"]\n')})
    course, _ = load_course(tmp_path)
    fresh = Progress()
    assert rewards.lesson_status(course, course.lessons["one"], fresh) == "available"
    assert rewards.lesson_status(course, course.lessons["two"], fresh) == "locked"
    done_one = Progress((attempt(lesson="one"),))
    assert rewards.lesson_status(course, course.lessons["one"], done_one) == "done"
    assert rewards.lesson_status(course, course.lessons["two"], done_one) == "available"
    started = Progress((attempt(lesson="one"), attempt(lesson="two", passed=False)))
    assert rewards.lesson_status(course, course.lessons["two"], started) == "in_progress"
