"""The engine's front door: one object the terminal app, the browser and the command line use.

It ties the course, the grader, the progress store and the rewards together; front ends call
it and never reach into SQLite, the runner or the lesson files themselves.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path

from . import __version__
from .content.course_cache import load_course_cached
from .content.course_file import bundled_course_root, load_course
from .content.datasets import Dataset, load_datasets
from .content.glossary import Glossary, Term, load_glossary
from .content.kinds import blank_count, fill_program, fill_values, given_lines
from .content.markdown import Part, as_markdown, exercise_markdown, exercise_parts, section_parts
from .content.model import Badge, Course, Example, Exercise, ExerciseKind, LearningPath, Lesson, Level, Section, Track
from .content.own_data import ExploreOutcome, OwnDataReport
from .errors import ContentError, UsageError
from .i18n import Translator, resolve_language
from .judge.grading import Grade, Grader
from .judge.variants import seed_for
from .outcomes import (
    BadgeView,
    CheckOutcome,
    HintOutcome,
    LessonView,
    ProgressView,
    TrackView,
)
from .progress import rewards
from .progress.store import Attempt, JsonStore, NewAttempt, ProgressStore, SQLiteStore
from .run.jobs import Runner
from .run.runners import InProcessRunner, default_runner
from .run.sandbox import step_tracer as step_budget

Clock = Callable[[], _dt.datetime]

__all__ = [
    "Engine",
    "Settings",
    "Setting",
    "default_home",
    "course_home",
    "step_budget",
    "bundled_course_root",
    "load_course",
    "exercise_markdown",
    "as_markdown",
    "Part",
    "Example",
    "Section",
    "Course",
    "Lesson",
    "Exercise",
    "ExerciseKind",
    "fill_program",
    "fill_values",
    "blank_count",
    "given_lines",
    "Dataset",
    "OwnDataReport",
    "ExploreOutcome",
    "Glossary",
    "Term",
    "Badge",
    "Level",
    "Track",
    "LearningPath",
    "CheckOutcome",
    "HintOutcome",
    "ProgressView",
    "TrackView",
    "LessonView",
    "BadgeView",
]


class Setting(StrEnum):
    """What a learner can set, kept with their progress (the store's keys)."""

    LANGUAGE = "language"
    THEME = "theme"
    LEARNER_NAME = "learner_name"
    PATH = "path"
    LEARNER_ID = "learner_id"  # random, made on first check: seeds the hidden variants (not shown, not a setting to change)


@dataclass(frozen=True)
class Settings:
    """A learner's saved settings; None: never set (the front end's default applies)."""

    language: str | None = None
    theme: str | None = None
    learner_name: str | None = None
    path: str | None = None  # the learning path chosen (course.toml [[path]] id)


def default_home() -> Path:
    if os.environ.get("QALA_HOME"):
        return Path(os.environ["QALA_HOME"]).expanduser()
    try:
        from platformdirs import user_data_dir

        return Path(user_data_dir("qala", appauthor=False))
    except ImportError:  # Pyodide, or a minimal install
        return Path.home() / ".local" / "share" / "qala"


def course_home(course_root: Path | None = None) -> Path:
    """Where progress is kept for the course at ``course_root`` when no ``--home`` says it.

    ``QALA_HOME`` is used as it is; otherwise the course that ships with Qala keeps its progress
    in the learner's data folder, and any other course folder (a teacher's own, tried with
    ``--course`` or from inside it) in a folder of its own under it, ``courses/NAME-HASH``: a
    teacher's trial checks on their lessons never earn XP in their own progress."""
    home = default_home()
    if course_root is None or os.environ.get("QALA_HOME"):
        return home
    root = Path(course_root).resolve()
    if root == bundled_course_root().resolve():
        return home
    digest = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:10]
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", root.name).strip("-") or "course"
    return home / "courses" / f"{name}-{digest}"


def _now() -> _dt.datetime:
    return _dt.datetime.now().astimezone()


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
        progress_file: Path | None = None,
        in_process: bool = False,
        course: Course | None = None,
        course_cache: bool = False,
    ):
        """``progress_file``: keep progress in that JSON file (the browser's) instead of SQLite in
        ``home``; ``in_process``: run code in this interpreter (Pyodide, or a build that only
        reads the course); ``course``: the course at ``course_root`` already read (the browser's
        kernel has it parsed at build time); ``course_cache``: keep the parsed course in
        ``home`` between runs and use it while the course is unchanged (the command line's
        commands: see content/course_cache.py)."""
        self.course_root = Path(course_root) if course_root else bundled_course_root()
        self.home = Path(home) if home else course_home(self.course_root)
        if course is None:
            course = load_course_cached(self.course_root, self.home / "cache" if course_cache else None)
        self.course = course
        self.progress_file = Path(progress_file) if progress_file is not None else None
        if store is None:
            store = JsonStore(self.progress_file) if self.progress_file is not None else SQLiteStore(self.home / "progress.sqlite")
        self.store = store
        if runner is None:
            runner = InProcessRunner() if in_process else default_runner(one_at_a_time=True)  # a learner checks one thing at a time
        self.runner = runner
        self.grader = Grader(self.course, self.runner, self.home / "cache" / "reference")
        self.clock = clock
        self._in_language: dict[tuple[str, str], tuple[Lesson, Lesson]] = {}  # (lesson, language) -> (as read, with its code strings)
        self.tr = Translator(resolve_language(language, saved=self.store.setting(Setting.LANGUAGE)))

    # -- language

    @property
    def language(self) -> str:
        return self.tr.language

    def set_language(self, language: str, remember: bool = True) -> None:
        self.tr = Translator(language)
        if remember:
            self.store.set_setting(Setting.LANGUAGE, self.tr.language)

    # -- settings

    @property
    def settings(self) -> Settings:
        return Settings(**{f.name: self.store.setting(Setting(f.name)) for f in fields(Settings)})

    def change_settings(self, **changes: str) -> Settings:
        """Save the given settings (``theme="textual-dark"``); unknown names are a mistake in the caller."""
        current = replace(self.settings, **changes)  # raises TypeError for a name Settings does not have
        for name, value in changes.items():
            self.store.set_setting(Setting(name), value)
        return current

    # -- learning paths

    @property
    def path(self) -> LearningPath | None:
        """The learning path the learner chose (None: not chosen yet, or the course has no such path)."""
        return self.course.path(self.store.setting(Setting.PATH))

    def choose_path(self, path_id: str) -> LearningPath:
        """Follow the path ``path_id`` from now on (remembered with the progress)."""
        chosen = self.course.path(path_id)
        if chosen is None:
            known = ", ".join(p.id for p in self.course.paths) or "-"
            raise UsageError(self.tr.t("there is no learning path {path!r} (paths: {known})", path=path_id, known=known))
        self.store.set_setting(Setting.PATH, chosen.id)
        return chosen

    def path_lessons(self) -> list[Lesson]:
        """The lessons to follow, in order: the chosen path's, else the whole course by track."""
        chosen = self.path
        return self.course.path_lessons(chosen.id if chosen else None)

    # -- what the course holds besides lessons

    def datasets(self) -> tuple[dict[str, Dataset], list[ContentError]]:
        """The course's datasheets and the problems found in them."""
        return load_datasets(self.course.datasets_dir)

    # -- the learner's own data: explored ungraded; checks and XP always use the course's

    def check_own_data(self, path: Path, dataset_id: str, mapping: dict[str, str] | None = None) -> OwnDataReport:
        """What a learner's CSV or XLSX holds against a dataset's datasheet, finding by finding."""
        from .content import own_data
        from .content.own_file import UnreadableFile

        datasets, _problems = self.datasets()
        if dataset_id not in datasets:
            raise UsageError(self.tr.t("there is no dataset {dataset!r}; `qala datasets` lists them", dataset=dataset_id))
        try:
            return own_data.check_file(Path(path), datasets[dataset_id], mapping)
        except UnreadableFile as exc:
            raise UsageError(exc.render(self.tr)) from None

    def use_own_data(self, path: Path, dataset_id: str, mapping: dict[str, str] | None = None) -> OwnDataReport:
        """Check the file and, if any of it fits, keep it converted in the home for ungraded runs
        (``report.usable`` says whether it was kept; the learner's file is never changed)."""
        from .content import own_data

        report = self.check_own_data(path, dataset_id, mapping)
        datasets, _problems = self.datasets()
        if report.usable and datasets[dataset_id].format in ("csv", "csv.gz"):
            own_data.save(self.home, report, datasets[dataset_id], Path(path))
        return report

    def reset_own_data(self, dataset_id: str | None = None) -> list[str]:
        """Back to the course's data for one dataset or all; returns the ids reset."""
        from .content import own_data

        return own_data.reset(self.home, dataset_id)

    def own_data(self) -> list[tuple[str, str, int]]:
        """(dataset id, title, rows) of each dataset the learner explores with their own data."""
        from .content import own_data

        return own_data.describe(self.home, self.datasets()[0], self.language)

    def explore_datasets(self) -> Path:
        """The datasets folder ungraded runs see: the course's files, the learner's own in place of theirs."""
        from .content import own_data

        return own_data.explore_view(self.home, self.course.datasets_dir)

    def explore(self, lesson_id: str, exercise_id: str, code: str) -> ExploreOutcome:
        """Run code as the exercise would, on the learner's own data where they chose some:
        what it prints (charts included), nothing graded, no attempt kept, no XP."""
        from .content import own_data
        from .judge.messages import run_message
        from .run.jobs import Job

        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        own = tuple(name for name in own_data.using(self.home))
        datasets_dir = self.explore_datasets() if own else self.course.datasets_dir
        job = Job(source=code, setup=exercise.setup, datasets_dir=datasets_dir, needs=tuple(lesson.needs), timeout=exercise.timeout)
        result = self.runner.run(job)
        return ExploreOutcome(result.stdout, "" if result.ok else run_message(result, self.tr), own)

    def run_example(self, lesson_id: str, code: str) -> ExploreOutcome:
        """Run a worked example (as the learner edited it) in the sandbox, on the course's data:
        what it prints (the plotting helper's charts included) and its error; ungraded, no
        attempt kept, no XP."""
        from .judge.messages import run_message
        from .run.jobs import Job

        lesson = self.lesson(lesson_id)
        job = Job(source=code, setup="", datasets_dir=self.course.datasets_dir, needs=tuple(lesson.needs), timeout=10)
        result = self.runner.run(job)
        return ExploreOutcome(result.stdout, "" if result.ok else run_message(result, self.tr), ())

    def exercise_parts(self, lesson: Lesson, exercise: Exercise, options: bool = True) -> list[Part]:
        """An exercise's title, task and shown setup in the learner's language: Markdown text and
        worked examples (:class:`Example`) in reading order (``options``: with a choice's options)."""
        return exercise_parts(lesson, exercise, self.tr, options=options)

    def section_parts(self, section: Section) -> list[Part]:
        """A prose section's heading, text and worked examples in reading order."""
        return section_parts(section)

    def glossary(self) -> Glossary:
        return load_glossary(self.course_root)

    def exercise_text(self, lesson: Lesson, exercise: Exercise, options: bool = True) -> str:
        """An exercise's task as Markdown, in the learner's language (``options``: with a choice's options)."""
        return exercise_markdown(lesson, exercise, self.tr, options=options)

    def choice_options(self, lesson: Lesson, exercise: Exercise) -> list[tuple[str, str]]:
        """A choice exercise's options as (id, text in the learner's language), in the lesson's order."""
        texts = lesson.text(self.language).exercises[exercise.id].options
        return [(option, texts.get(option, option)) for option in exercise.options]

    def parsons_lines(self, exercise: Exercise) -> list[str]:
        """A Parsons exercise's given lines, unindented, mixed with its distractors (always the same order)."""
        return given_lines(exercise)

    def missing_modules(self, lesson: Lesson) -> tuple[str, ...]:
        """What the lesson needs that this Python cannot import (e.g. pandas in a plain browser)."""
        return tuple(self.grader.missing_modules(lesson))

    def level_for(self, xp: int) -> tuple[Level, Level | None]:
        """The level ``xp`` reaches, and the next one (None at the top)."""
        return rewards.level_for(self.course.info.levels, xp)

    # -- finding things

    def lesson(self, lesson_id: str) -> Lesson:
        """A lesson as this learner sees and is graded on it: its code in their language ([code])."""
        lesson = self.course.lesson(lesson_id)
        if lesson is not None:
            key = (lesson_id, self.language)
            cached = self._in_language.get(key)
            if cached is None or cached[0] is not lesson:  # first time, or the course was read again
                cached = self._in_language[key] = (lesson, lesson.in_language(self.language))
            return cached[1]
        broken = [p for p in self.course.problems if p.file and Path(p.file).stem == lesson_id]
        if broken:
            raise UsageError(self.tr.t("lesson {lesson} cannot be opened because its file has a mistake: {problem}", lesson=lesson_id, problem=str(broken[0])))
        raise UsageError(self.tr.t("there is no lesson {lesson!r}; `qala lessons` lists them", lesson=lesson_id))

    def exercise(self, lesson: Lesson, exercise_id: str) -> Exercise:
        exercise = lesson.exercise(exercise_id)
        if exercise is None:
            raise UsageError(
                self.tr.t(
                    "lesson {lesson} has no exercise {exercise!r} (it has: {known})",
                    lesson=lesson.id,
                    exercise=exercise_id,
                    known=", ".join(e.id for e in lesson.exercises),
                )
            )
        return exercise

    # -- progress

    def progress_data(self) -> rewards.Progress:
        return self.store.progress(self.course.info.id)

    def course_map(self, whole: bool = False) -> tuple[TrackView, ...]:
        """Tracks and their lessons; on a chosen path (unless ``whole``), the path's lessons in its
        order, under the track of each run of them (a track can come back later in a path)."""
        progress = self.progress_data()
        passed = progress.passed()
        views = []
        for track in self.course.tracks if whole else self._map_tracks():
            lessons = []
            for lesson_id in track.lessons:
                lesson = self.course.lesson(lesson_id)
                if lesson is None:
                    continue
                done = sum((lesson.id, e.id) in passed for e in lesson.exercises)
                lessons.append(LessonView(lesson, rewards.lesson_status(self.course, lesson, progress), done, len(lesson.exercises)))
            views.append(TrackView(track, tuple(lessons)))
        return tuple(views)

    def _map_tracks(self) -> list[Track]:
        chosen = self.path
        if chosen is None:
            return list(self.course.tracks)
        runs: list[Track] = []
        for lesson in self.course.path_lessons(chosen.id):
            if runs and runs[-1].id == lesson.track:
                runs[-1] = replace(runs[-1], lessons=(*runs[-1].lessons, lesson.id))
                continue
            track = self.course.track(lesson.track)
            if track is not None:
                runs.append(replace(track, lessons=(lesson.id,)))
        return runs

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
        for lesson in self.path_lessons():
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
        total = sum(len(lesson.exercises) for lesson in self.course.ordered_lessons())
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
            solutions_seen=tuple(sorted(progress.solutions)),
        )

    # -- doing things

    def try_without_keeping(self, lesson_id: str, exercise_id: str, source: str) -> Grade:
        """Grade code and keep nothing (no attempt, no XP): for a check that cannot count, such
        as one whose lesson needs a module this Python lacks (the grade says so)."""
        lesson = self.lesson(lesson_id)
        return self.grader.grade(lesson, self.exercise(lesson, exercise_id), source, self.tr, self.variant_seed(lesson_id, exercise_id))

    def variant_seed(self, lesson_id: str, exercise_id: str) -> str:
        """This learner's hidden-variant seed for one exercise (judge/variants.py): classmates get
        different numbers, and the seed is kept with each attempt so a regrade reproduces it."""
        learner = self.store.setting(Setting.LEARNER_ID)
        if not learner:
            learner = secrets.token_hex(8)
            self.store.set_setting(Setting.LEARNER_ID, learner)
        return seed_for(learner, lesson_id, exercise_id)

    def check(self, lesson_id: str, exercise_id: str, source: str) -> CheckOutcome:
        """Grade code, keep the attempt, award XP and badges — all in one transaction."""
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        seed = self.variant_seed(lesson.id, exercise.id)
        grade = self.grader.grade(lesson, exercise, source, self.tr, seed)
        course = self.course
        base = rewards.exercise_xp(exercise, course.info.xp)
        now = self.clock()
        at = now.astimezone(_dt.UTC).isoformat(timespec="seconds")
        local_date = now.date().isoformat()
        before_xp = [0]

        def decide(progress: rewards.Progress) -> tuple[int, list[str]]:
            before_xp[0] = progress.xp
            xp = rewards.award(progress, lesson.id, exercise.id, base, grade.passed, course.info.xp)
            after = progress.with_attempt(
                rewards.AttemptSummary(lesson.id, exercise.id, grade.passed, xp, progress.hints.get((lesson.id, exercise.id), 0), at, local_date)
            )
            return xp, rewards.new_badges(course, after)

        attempt = NewAttempt(
            course.info.id, lesson.id, exercise.id, source, grade.passed, [f.as_json() for f in grade.feedback], grade.duration_ms, at, local_date, seed
        )
        xp, badge_ids = self.store.record_attempt(attempt, decide)
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
        at = self.clock().astimezone(_dt.UTC).isoformat(timespec="seconds")
        number = self.store.record_hint(self.course.info.id, lesson.id, exercise.id, at)
        return HintOutcome(hints[min(number, len(hints)) - 1], min(number, len(hints)), len(hints), cost)

    # -- the reference solution, after the last hint

    def solution_refusal(self, lesson_id: str, exercise_id: str) -> str | None:
        """Why the reference solution cannot be shown now, as one line in the learner's
        language; None when it can (every hint taken, the course allows it, no hidden checks)."""
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        if not self.course.info.show_solution:
            return self.tr.t("This course does not show the reference solutions.")
        if any(check.option("reveal") is False for check in exercise.checks):
            return self.tr.t("This exercise keeps its solution to itself: some of its checks are hidden.")
        left = exercise.hint_count - self.hints_taken(lesson_id, exercise_id)
        if left > 0:
            return self.tr.nt(
                "The solution is shown after the last hint: take the {n} hint that is left first.",
                "The solution is shown after the last hint: take the {n} hints that are left first.",
                left,
            )
        return None

    def solution_seen(self, lesson_id: str, exercise_id: str) -> bool:
        return (lesson_id, exercise_id) in self.progress_data().solutions

    def solution(self, lesson_id: str, exercise_id: str) -> str:
        """The exercise's reference solution; it is recorded, and from then on passing the
        exercise gives no XP. Raises UsageError (one translated line) when it may not be shown."""
        refusal = self.solution_refusal(lesson_id, exercise_id)
        if refusal is not None:
            raise UsageError(refusal)
        lesson = self.lesson(lesson_id)
        exercise = self.exercise(lesson, exercise_id)
        at = self.clock().astimezone(_dt.UTC).isoformat(timespec="seconds")
        self.store.record_solution(self.course.info.id, lesson.id, exercise.id, at)
        return exercise.solution

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
        at = self.clock().astimezone(_dt.UTC).isoformat(timespec="seconds")
        self.store.save_draft(self.course.info.id, lesson_id, exercise_id, code, at)

    # -- for the teacher

    def reread_progress(self) -> None:
        """Read the progress file again (another browser tab may have written it)."""
        if self.progress_file is not None:
            self.store = JsonStore(self.progress_file)

    def reload(self) -> None:
        """Read the course from disk again (a teacher edited a lesson); progress is untouched."""
        self.course, _problems = load_course(self.course_root)
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
            "exported_at": self.clock().astimezone(_dt.UTC).isoformat(timespec="seconds"),
            "language": self.language,
            "progress": view.as_json(self.language),
            "hints": [{"lesson": lesson_id, "exercise": e, "taken": n} for (lesson_id, e), n in sorted(self.progress_data().hints.items())],
            "solutions_seen": [{"lesson": lesson_id, "exercise": e, "at": at} for (lesson_id, e), at in sorted(self.progress_data().solutions.items())],
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
