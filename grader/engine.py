"""The engine's front door: one object the terminal app, the browser and the command line use.

It ties the course, the grader, the progress store and the rewards together; front ends call
it and never reach into SQLite, the runner or the lesson files themselves.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .content.course_file import bundled_course_root, load_course
from .content.model import Badge, Exercise, Lesson, Level, Track
from .errors import UsageError
from .i18n import Translator, pick, resolve_language
from .judge.grading import Grade, Grader
from .progress import rewards
from .progress.store import Attempt, ProgressStore, SQLiteStore
from .run.jobs import Runner
from .run.runners import default_runner

Clock = Callable[[], _dt.datetime]


def default_home() -> Path:
    if os.environ.get("QALA_HOME"):
        return Path(os.environ["QALA_HOME"]).expanduser()
    try:
        from platformdirs import user_data_dir

        return Path(user_data_dir("qala", appauthor=False))
    except ImportError:  # Pyodide, or a minimal install
        return Path.home() / ".local" / "share" / "qala"


def _now() -> _dt.datetime:
    return _dt.datetime.now().astimezone()


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
        return sum(l.done for l in self.lessons)

    @property
    def total(self) -> int:
        return sum(l.total for l in self.lessons)


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
                {"id": b.badge.id, "title": pick(b.badge.title, language), "icon": b.badge.icon, "earned_at": b.earned_at}
                for b in self.badges
                if b.earned_at
            ],
            "locked_badges": [
                {"id": b.badge.id, "title": pick(b.badge.title, language), "how": pick(b.badge.description, language)}
                for b in self.badges
                if not b.earned_at
            ],
            "xp_by_day": [list(d) for d in self.xp_by_day],
        }


class Engine:
    """A learner's view of one course: grade, hint, progress. Front ends hold one of these."""

    def __init__(
        self,
        course_root: Path | None = None,
        home: Path | None = None,
        language: str | None = None,
        runner: Runner | None = None,
        store: ProgressStore | None = None,
        clock: Clock = _now,
    ):
        self.home = Path(home) if home else default_home()
        self.course_root = Path(course_root) if course_root else bundled_course_root()
        self.course, self.problems = load_course(self.course_root)
        self.store = store if store is not None else SQLiteStore(self.home / "progress.sqlite")
        self.runner = runner if runner is not None else default_runner(one_at_a_time=True)  # a learner checks one thing at a time
        self.grader = Grader(self.course, self.runner, self.home / "cache" / "reference")
        self.clock = clock
        self.tr = Translator(resolve_language(language, saved=self.store.setting("language")))

    # -- language

    @property
    def language(self) -> str:
        return self.tr.language

    def set_language(self, language: str, remember: bool = True) -> None:
        self.tr = Translator(language)
        if remember:
            self.store.set_setting("language", self.tr.language)

    # -- finding things

    def lesson(self, lesson_id: str) -> Lesson:
        lesson = self.course.lesson(lesson_id)
        if lesson is None:
            broken = [p for p in self.course.problems if p.file and Path(p.file).stem == lesson_id]
            if broken:
                raise UsageError(self.tr.t("lesson {lesson} cannot be opened because its file has a mistake: {problem}", lesson=lesson_id, problem=str(broken[0])))
            raise UsageError(self.tr.t("there is no lesson {lesson!r}; `qala lessons` lists them", lesson=lesson_id))
        return lesson

    def exercise(self, lesson: Lesson, exercise_id: str) -> Exercise:
        exercise = lesson.exercise(exercise_id)
        if exercise is None:
            raise UsageError(self.tr.t("lesson {lesson} has no exercise {exercise!r} (it has: {known})", lesson=lesson.id, exercise=exercise_id, known=", ".join(e.id for e in lesson.exercises)))
        return exercise

    # -- progress

    def progress_data(self) -> rewards.Progress:
        return self.store.progress(self.course.info.id)

    def course_map(self) -> tuple[TrackView, ...]:
        progress = self.progress_data()
        passed = progress.passed()
        views = []
        for track in self.course.tracks:
            lessons = []
            for lesson_id in track.lessons:
                lesson = self.course.lesson(lesson_id)
                if lesson is None:
                    continue
                done = sum((lesson.id, e.id) in passed for e in lesson.exercises)
                lessons.append(LessonView(lesson, rewards.lesson_status(self.course, lesson, progress), done, len(lesson.exercises)))
            views.append(TrackView(track, tuple(lessons)))
        return tuple(views)

    def exercise_passed(self, lesson_id: str, exercise_id: str) -> bool:
        return (lesson_id, exercise_id) in self.progress_data().passed()

    def continue_point(self) -> tuple[Lesson, Exercise] | None:
        """Where to pick up: the last exercise tried and not passed, else the first open one."""
        progress = self.progress_data()
        passed = progress.passed()
        for attempt in reversed(progress.attempts):
            lesson = self.course.lesson(attempt.lesson)
            if lesson is None:
                continue
            for exercise in lesson.exercises:
                if (lesson.id, exercise.id) not in passed:
                    return lesson, exercise
        for lesson in self.course.ordered_lessons():
            if rewards.lesson_status(self.course, lesson, progress) == "locked":
                continue
            for exercise in lesson.exercises:
                if (lesson.id, exercise.id) not in passed:
                    return lesson, exercise
        return None

    def progress(self) -> ProgressView:
        progress = self.progress_data()
        level, following = rewards.level_for(self.course.info.levels, progress.xp)
        by_day: dict[str, int] = {}
        for attempt in progress.attempts:
            if attempt.xp:
                by_day[attempt.local_date] = by_day.get(attempt.local_date, 0) + attempt.xp
        total = sum(len(l.exercises) for l in self.course.ordered_lessons())
        return ProgressView(
            xp=progress.xp,
            level=level,
            next_level=following,
            streak=rewards.current_streak(progress, self.clock().date()),
            longest_streak=rewards.longest_streak(progress),
            exercises_done=len({p for p in progress.passed() if self.course.lesson(p[0])}),
            exercises_total=total,
            badges=tuple(BadgeView(b, progress.badges.get(b.id)) for b in self.course.info.badges),
            xp_by_day=tuple(sorted(by_day.items())),
        )

    # -- doing things

    def check(self, lesson_id: str, exercise_id: str, source: str) -> CheckOutcome:
        """Grade code, keep the attempt, award XP and badges — all in one transaction."""
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        grade = self.grader.grade(lesson, exercise, source, self.tr)
        course = self.course
        base = rewards.exercise_xp(exercise, course.info.xp)
        now = self.clock()
        at = now.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
        local_date = now.date().isoformat()
        before_xp = [0]

        def decide(progress: rewards.Progress) -> tuple[int, list[str]]:
            before_xp[0] = progress.xp
            xp = rewards.award(progress, lesson.id, exercise.id, base, grade.passed, course.info.xp)
            after = progress.with_attempt(rewards.AttemptSummary(lesson.id, exercise.id, grade.passed, xp, progress.hints.get((lesson.id, exercise.id), 0), at, local_date))
            return xp, rewards.new_badges(course, after)

        xp, badge_ids = self.store.record_attempt(
            course.info.id, lesson.id, exercise.id, source, grade.passed,
            [f.as_json() for f in grade.feedback], grade.duration_ms, at, local_date, decide,
        )
        total = before_xp[0] + xp
        level_before, _ = rewards.level_for(course.info.levels, before_xp[0])
        level, _ = rewards.level_for(course.info.levels, total)
        badges = tuple(b for b in course.info.badges if b.id in badge_ids)
        return CheckOutcome(grade, xp, badges, total, level, level.number > level_before.number)

    def hints_taken(self, lesson_id: str, exercise_id: str) -> int:
        return self.progress_data().hints.get((lesson_id, exercise_id), 0)

    def next_hint_cost(self, lesson_id: str, exercise_id: str) -> int:
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        if self.exercise_passed(lesson_id, exercise_id):
            return 0
        base = rewards.exercise_xp(exercise, self.course.info.xp)
        return rewards.hint_cost(base, self.hints_taken(lesson_id, exercise_id), self.course.info.xp)

    def hint(self, lesson_id: str, exercise_id: str) -> HintOutcome:
        """The next hint (the last one again once all were shown); it is recorded and costed."""
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        hints = lesson.text(self.language).exercises[exercise.id].hints
        taken = self.hints_taken(lesson_id, exercise_id)
        if taken >= len(hints):
            return HintOutcome(hints[-1], len(hints), len(hints), 0)
        cost = self.next_hint_cost(lesson_id, exercise_id)
        at = self.clock().astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
        number = self.store.record_hint(self.course.info.id, lesson.id, exercise.id, at)
        return HintOutcome(hints[min(number, len(hints)) - 1], min(number, len(hints)), len(hints), cost)

    def shown_hints(self, lesson_id: str, exercise_id: str) -> list[str]:
        lesson = self.lesson(lesson_id)
        hints = lesson.text(self.language).exercises[exercise_id].hints
        return list(hints[: self.hints_taken(lesson_id, exercise_id)])

    # -- the editor's text

    def code_for(self, lesson_id: str, exercise_id: str) -> str:
        """What the editor should show: the saved draft, else the last attempt, else the starter."""
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        draft = self.store.draft(self.course.info.id, lesson_id, exercise_id)
        if draft is not None:
            return draft
        return exercise.starter

    def save_draft(self, lesson_id: str, exercise_id: str, code: str) -> None:
        at = self.clock().astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
        self.store.save_draft(self.course.info.id, lesson_id, exercise_id, code, at)

    # -- for the teacher

    def reload(self) -> None:
        """Read the course from disk again (a teacher edited a lesson); progress is untouched."""
        self.course, self.problems = load_course(self.course_root)
        self.grader = Grader(self.course, self.runner, self.home / "cache" / "reference")

    def attempts(self) -> list[Attempt]:
        return self.store.attempts(self.course.info.id)

    def export(self, learner_name: str) -> dict:
        """Progress and every attempt's code, in the file format `qala report` reads."""
        view = self.progress()
        return {
            "format": "qala-export",
            "version": 1,
            "qala": __version__,
            "course": self.course.info.id,
            "learner": {"name": learner_name},
            "exported_at": self.clock().astimezone(_dt.timezone.utc).isoformat(timespec="seconds"),
            "language": self.language,
            "progress": view.as_json(self.language),
            "hints": [{"lesson": l, "exercise": e, "taken": n} for (l, e), n in sorted(self.progress_data().hints.items())],
            "attempts": [a.as_json() for a in self.attempts()],
        }

    def warm_up(self) -> None:
        """Get the runner ready (start the warm worker), so the first check is as quick as the rest.
        Blocks for as long as that takes: call it in the background."""
        warm = getattr(self.runner, "warm_up", None)
        if warm is not None:
            warm()

    def close(self) -> None:
        self.runner.close()
        self.store.close()
