"""What the engine hands a front end: a check's outcome, a hint, the course map and progress as
plain, frozen views, and the one place that words a check's outcome for the learner.

Front ends only style these: the words come from :meth:`CheckOutcome.verdict`, so the terminal
app, the notebook and ``qala check`` say the same thing in the same language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .content.model import Badge, Lesson, Level, Track
from .i18n import Translator, pick
from .judge.grading import Grade


class Line(StrEnum):
    """The kinds of line in a verdict, in the order they are shown."""

    PASSED = "passed"  # the head when every check passed: "Passed!" and the XP
    NOT_PASSED = "not-passed"  # the head otherwise: "Not passed yet." and what to do
    LEVEL_UP = "level-up"
    BADGE = "badge"
    CHECK = "check"  # one check's result, ✔ or ✘


@dataclass(frozen=True)
class VerdictLine:
    """One line of what a check said, in the learner's language and without markup.

    ``text`` is the line's words; ``detail`` what follows them (the XP, the new level, a badge's
    description); ``passed`` is set on check lines; ``icon`` on badges; ``check`` names the check.
    """

    kind: Line
    text: str
    detail: str = ""
    passed: bool | None = None
    icon: str = ""
    check: str = ""
    badge: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    grade: Grade
    xp_gained: int
    new_badges: tuple[Badge, ...]
    total_xp: int
    level: Level
    level_up: bool

    @property
    def passed(self) -> bool:
        return self.grade.passed

    def as_json(self) -> dict:
        return {
            "lesson": self.grade.lesson,
            "exercise": self.grade.exercise,
            "passed": self.grade.passed,
            "feedback": [f.as_json() for f in self.grade.feedback],
            "xp": self.xp_gained,
            "badges": [b.id for b in self.new_badges],
            "duration_ms": self.grade.duration_ms,
            "output": self.grade.output,
            "total_xp": self.total_xp,
            "level": self.level.number,
            "level_up": self.level_up,
        }

    def verdict(self, tr: Translator) -> tuple[VerdictLine, ...]:
        """What this check says to the learner, line by line: the verdict first, then the news
        (XP, level, badges), then each check. Front ends style these lines; they add no words."""
        language = tr.language
        lines: list[VerdictLine] = []
        if self.passed:
            gained = tr.t("+{xp} XP", xp=self.xp_gained) if self.xp_gained else tr.t("(already passed before: no new XP)")
            lines.append(VerdictLine(Line.PASSED, tr.t("Passed!"), gained))
            if self.level_up:
                lines.append(
                    VerdictLine(
                        Line.LEVEL_UP,
                        tr.t("Level up!"),
                        tr.t("You are now level {level}: {title}", level=self.level.number, title=pick(self.level.title, language)),
                    )
                )
            for badge in self.new_badges:
                lines.append(
                    VerdictLine(
                        Line.BADGE,
                        tr.t("New badge: {title}", title=pick(badge.title, language)),
                        pick(badge.description, language),
                        icon=badge.icon,
                        badge=badge.id,
                    )
                )
        else:
            lines.append(VerdictLine(Line.NOT_PASSED, tr.t("Not passed yet."), tr.t("Fix what is marked ✘ and check again.")))
        for item in self.grade.feedback:
            lines.append(VerdictLine(Line.CHECK, item.message, passed=item.passed, check=item.check))
        return tuple(lines)


@dataclass(frozen=True)
class HintOutcome:
    text: str
    number: int  # 1-based
    total: int
    cost: int  # XP this hint cost (0 if the exercise was already passed)


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    status: str  # locked, available, in_progress, done
    done: int
    total: int


@dataclass(frozen=True)
class TrackView:
    track: Track
    lessons: tuple[LessonView, ...]

    @property
    def done(self) -> int:
        return sum(lesson.done for lesson in self.lessons)

    @property
    def total(self) -> int:
        return sum(lesson.total for lesson in self.lessons)


@dataclass(frozen=True)
class BadgeView:
    badge: Badge
    earned_at: str | None


@dataclass(frozen=True)
class ProgressView:
    xp: int
    level: Level
    next_level: Level | None
    streak: int
    longest_streak: int
    exercises_done: int
    exercises_total: int
    badges: tuple[BadgeView, ...]
    xp_by_day: tuple[tuple[str, int], ...] = field(default=())
    solutions_seen: tuple[tuple[str, str], ...] = field(default=())  # (lesson, exercise): the reference solution was shown

    def as_json(self, language: str) -> dict:
        return {
            "xp": self.xp,
            "level": self.level.number,
            "level_title": pick(self.level.title, language),
            "next_level_xp": self.next_level.xp if self.next_level else None,
            "streak": self.streak,
            "longest_streak": self.longest_streak,
            "exercises_done": self.exercises_done,
            "exercises_total": self.exercises_total,
            "badges": [
                {"id": b.badge.id, "title": pick(b.badge.title, language), "icon": b.badge.icon, "earned_at": b.earned_at} for b in self.badges if b.earned_at
            ],
            "locked_badges": [
                {"id": b.badge.id, "title": pick(b.badge.title, language), "how": pick(b.badge.description, language)} for b in self.badges if not b.earned_at
            ],
            "xp_by_day": [list(d) for d in self.xp_by_day],
            "solutions_seen": [{"lesson": lesson, "exercise": exercise} for lesson, exercise in self.solutions_seen],
        }
