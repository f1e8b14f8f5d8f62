"""Rewards: XP, levels, streaks, lesson status and badges — small pure functions over progress.

The rules' numbers and the badges themselves are data in course/course.toml; this module only
knows what each kind of badge rule means.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..content.model import Badge, Course, Exercise, Lesson, Level, XpRules


@dataclass(frozen=True)
class AttemptSummary:
    """An attempt as rewards see it (no code)."""

    lesson: str
    exercise: str
    passed: bool
    xp: int
    hints_used: int
    at: str  # UTC, ISO 8601
    local_date: str  # the learner's own calendar date, YYYY-MM-DD


@dataclass(frozen=True)
class Progress:
    """Everything rewards are computed from, for one course."""

    attempts: tuple[AttemptSummary, ...] = ()
    hints: dict = field(default_factory=dict)  # (lesson, exercise) -> hints taken
    badges: dict = field(default_factory=dict)  # badge id -> when earned (UTC ISO)
    solutions: dict = field(default_factory=dict)  # (lesson, exercise) -> when the reference solution was shown (UTC ISO)

    @property
    def xp(self) -> int:
        return sum(a.xp for a in self.attempts)

    def passed(self) -> set[tuple[str, str]]:
        return {(a.lesson, a.exercise) for a in self.attempts if a.passed}

    def attempted(self) -> set[tuple[str, str]]:
        return {(a.lesson, a.exercise) for a in self.attempts}

    def with_attempt(self, attempt: AttemptSummary) -> Progress:
        return Progress(self.attempts + (attempt,), self.hints, self.badges, self.solutions)


def exercise_xp(exercise: Exercise, rules: XpRules) -> int:
    return exercise.xp or rules.per_exercise


def xp_for_pass(base: int, hints_used: int, first_try: bool, rules: XpRules) -> int:
    """XP for passing an exercise for the first time: less after hints, a bonus on a first try."""
    share = max(rules.min_share, 1.0 - hints_used * rules.hint_cost)
    bonus = rules.first_try_bonus if first_try and hints_used == 0 else 0
    return int(math.floor(base * share + 0.5)) + bonus  # halves round up, so costs stay even


def hint_cost(base: int, hints_used: int, rules: XpRules) -> int:
    """How much XP the next hint would cost (0 once the minimum is reached)."""
    return xp_for_pass(base, hints_used, False, rules) - xp_for_pass(base, hints_used + 1, False, rules)


def award(progress: Progress, lesson: str, exercise: str, base: int, passed: bool, rules: XpRules) -> int:
    """XP this attempt earns: only the first pass of an exercise earns anything, and nothing
    once its reference solution was shown."""
    if not passed or (lesson, exercise) in progress.passed() or (lesson, exercise) in progress.solutions:
        return 0
    first_try = (lesson, exercise) not in progress.attempted()
    return xp_for_pass(base, progress.hints.get((lesson, exercise), 0), first_try, rules)


def level_for(levels: Iterable[Level], xp: int) -> tuple[Level, Level | None]:
    """The level reached with ``xp``, and the next one (None at the top)."""
    ordered = sorted(levels, key=lambda level: level.xp)
    current = ordered[0]
    for level in ordered:
        if xp >= level.xp:
            current = level
    following = next((level for level in ordered if level.xp > current.xp), None)
    return current, following


def _dates(progress: Progress) -> list[_dt.date]:
    return sorted({_dt.date.fromisoformat(a.local_date) for a in progress.attempts if a.passed})


def current_streak(progress: Progress, today: _dt.date) -> int:
    """Days in a row, ending today (or yesterday, if today has no pass yet), with a passed check."""
    days = set(_dates(progress))
    day = today if today in days else today - _dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= _dt.timedelta(days=1)
    return count


def longest_streak(progress: Progress) -> int:
    best = run = 0
    previous = None
    for day in _dates(progress):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        best = max(best, run)
        previous = day
    return best


def lesson_done(lesson: Lesson, passed: set[tuple[str, str]]) -> bool:
    return all((lesson.id, e.id) in passed for e in lesson.exercises)


def lesson_status(course: Course, lesson: Lesson, progress: Progress) -> str:
    """locked, available, in_progress or done."""
    passed = progress.passed()
    if lesson_done(lesson, passed):
        return "done"
    if any(lesson_id == lesson.id for lesson_id, _ in progress.attempted()):
        return "in_progress"
    for required in lesson.requires:
        other = course.lesson(required)
        if other is not None and not lesson_done(other, passed):
            return "locked"
    track = course.track(lesson.track)
    for required_track in track.requires if track else ():
        other_track = course.track(required_track)
        lessons = [course.lesson(lesson_id) for lesson_id in other_track.lessons] if other_track else []
        if any(other is not None and not lesson_done(other, passed) for other in lessons):
            return "locked"
    return "available"


def _first_try_passes(progress: Progress) -> int:
    first: dict[tuple[str, str], AttemptSummary] = {}
    for attempt in progress.attempts:
        first.setdefault((attempt.lesson, attempt.exercise), attempt)
    return sum(1 for a in first.values() if a.passed and a.hints_used == 0)


def _comeback(progress: Progress, failures: int) -> bool:
    fails: dict[tuple[str, str], int] = {}
    for attempt in progress.attempts:
        key = (attempt.lesson, attempt.exercise)
        if attempt.passed and fails.get(key, 0) >= failures:
            return True
        if not attempt.passed:
            fails[key] = fails.get(key, 0) + 1
    return False


def badge_earned(badge: Badge, course: Course, progress: Progress) -> bool:
    rule = badge.rule
    kind = rule["kind"]
    passed = progress.passed()
    lessons = course.ordered_lessons()
    if kind == "exercises_passed":
        return len(passed) >= rule["count"]
    if kind == "lessons_completed":
        return sum(lesson_done(lesson, passed) for lesson in lessons) >= rule["count"]
    if kind == "lesson_completed":
        lesson = course.lesson(rule["lesson"])
        return lesson is not None and lesson_done(lesson, passed)
    if kind == "track_completed":
        track = course.track(rule["track"])
        members = [member for lesson_id in (track.lessons if track else ()) if (member := course.lesson(lesson_id)) is not None]
        return bool(members) and all(lesson_done(member, passed) for member in members)
    if kind == "streak":
        return longest_streak(progress) >= rule["days"]
    if kind == "xp":
        return progress.xp >= rule["amount"]
    if kind == "first_try":
        return _first_try_passes(progress) >= rule["count"]
    if kind == "no_hints_lessons":
        return (
            sum(1 for lesson in lessons if lesson_done(lesson, passed) and not any(progress.hints.get((lesson.id, e.id), 0) for e in lesson.exercises))
            >= rule["count"]
        )
    if kind == "comeback":
        return _comeback(progress, rule["failures"])
    if kind == "trap_reviewed":  # the trap's lesson done, then `count` lessons that review it
        trap = next((found for found in course.info.traps if found.id == rule["trap"]), None)
        taught = course.lesson(trap.taught_in) if trap is not None else None
        reviewed = sum(1 for lesson in lessons if rule["trap"] in lesson.reviews and lesson_done(lesson, passed))
        return taught is not None and lesson_done(taught, passed) and reviewed >= rule["count"]
    if kind == "tracks_started":
        return len({found.track for lesson_id, _ in passed if (found := course.lesson(lesson_id)) is not None}) >= rule["count"]
    return False


def new_badges(course: Course, progress: Progress) -> list[str]:
    """Badges the progress now earns that were not earned before, in course order."""
    return [b.id for b in course.info.badges if b.id not in progress.badges and badge_earned(b, course, progress)]
