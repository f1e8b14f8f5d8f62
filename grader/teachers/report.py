"""`qala report`: regrade a class's exported files with the teacher's course and summarise them.

Nothing a file claims is trusted: every attempt's code runs again in the sandbox against the
teacher's copy of the course, XP and badges are recomputed from those verdicts, and every
attempt whose regrade disagrees with its claim is listed. What cannot be run again — the
dates of attempts, the hints used, the order of attempts — is shown as claimed, and badges
that rest on it are listed apart from the confirmed ones. A file that is malformed (or
hostile) is reported on its own line; the other files are still read; one whose programs use
up their time budget is stopped and named. Every text shown comes without control characters
(a lesson id with escape sequences must not drive the teacher's terminal). Regrading other
people's code needs the sandbox's namespaces: without them the report refuses (SECURITY.md).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.model import Course, Exercise, Lesson
from ..errors import GradingError, QalaError
from ..i18n import Translator, pick
from ..judge.grading import Grader
from ..progress import rewards
from ..run.jobs import Job
from .report_solutions import Seen, read_solutions_seen, seen_by

FORMAT = "qala-export"
VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ATTEMPTS = 5000  # per file
MAX_CODE_CHARS = 200_000  # per attempt
MAX_NAME_CHARS = 100
MAX_SLOW_RUNS = 5  # runs that hit the time limit before a file's remaining attempts are skipped
FILE_BUDGET_SECONDS = 600.0  # run time one file may take (its programs; shared ones count for each owner)

# Badge rules that rest on what a file says rather than on verdicts the report computes itself.
CLAIMED_RULES = {"streak", "first_try", "comeback", "no_hints_lessons", "xp"}
WALLS_FOR_OTHERS = ("namespaces", "filesystem-view")  # what regrading other people's code needs


class ExportError(QalaError):
    """An exported file cannot be read as a class member's work."""


class TooFewWalls(GradingError):
    """This machine's sandbox cannot hold other people's code: the report will not run it."""


def shown(text: Any) -> str:
    """Text fit to show a teacher: control and format characters (ESC, bidirectional overrides,
    line separators) become spaces, so nothing from a file can drive a terminal or reorder a line."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(text))


# ---------------------------------------------------------------- reading exported files


@dataclass(frozen=True)
class ClaimedAttempt:
    number: int  # 1-based, in the file's order
    lesson: str
    exercise: str
    code: str
    passed: bool
    xp: int
    hints_used: int
    at: str
    local_date: str
    seed: str = ""  # the hidden variant it was graded on; the regrade uses the same one


@dataclass(frozen=True)
class ExportFile:
    path: Path
    learner: str
    course: str
    language: str
    exported_at: str
    attempts: tuple[ClaimedAttempt, ...]
    claimed_xp: int
    claimed_badges: tuple[str, ...]
    solutions_seen: Seen = ()


def _clean_name(name: str) -> str:
    return " ".join(shown(name).split())[:MAX_NAME_CHARS]


def read_export(path: Path, tr: Translator | None = None) -> ExportFile:
    """One exported file, shape-checked. Raises ExportError saying what is wrong with it."""
    tr = tr or Translator("en")
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(tr.t("cannot read it: {error}", error=exc.strerror or exc)) from None
    if not path.is_file():
        raise ExportError(tr.t("not a file"))
    if size > MAX_FILE_BYTES:
        raise ExportError(tr.t("it is {size} MB, more than an export can be ({limit} MB)", size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)))
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ExportError(tr.t("not UTF-8 text: is it a Qala export?")) from None
    except json.JSONDecodeError as exc:
        raise ExportError(tr.t("not valid JSON (line {line}: {error})", line=exc.lineno, error=exc.msg)) from None
    except RecursionError:
        raise ExportError(tr.t("nested too deeply to be a Qala export")) from None
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise ExportError(tr.t("not a Qala export ({error})", error=str(exc)[:80])) from None
    if not isinstance(data, dict):
        raise ExportError(tr.t("not a Qala export (the file is not a JSON object)"))
    if data.get("format") != FORMAT:
        raise ExportError(tr.t("not a Qala export (format is {found}, not {expected})", found=repr(str(data.get("format"))[:40]), expected=repr(FORMAT)))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ExportError(tr.t("the export has no version number"))
    if version > VERSION:
        raise ExportError(tr.t("made by a newer Qala (export version {version}): update Qala to read it", version=version))
    if version < 1:
        raise ExportError(tr.t("unknown export version {version}", version=version))
    course = _text(data, "course", tr.t("the course id"), tr)
    learner = data.get("learner")
    if not isinstance(learner, dict) or not isinstance(learner.get("name"), str) or not _clean_name(learner["name"]):
        raise ExportError(tr.t("the learner's name is missing"))
    raw_attempts = data.get("attempts")
    if not isinstance(raw_attempts, list):
        raise ExportError(tr.t("'attempts' must be a list"))
    if len(raw_attempts) > MAX_ATTEMPTS:
        raise ExportError(tr.t("it has {n} attempts; a report reads at most {limit} per learner", n=len(raw_attempts), limit=MAX_ATTEMPTS))
    attempts = [_attempt(number, raw, tr) for number, raw in enumerate(raw_attempts, start=1)]
    progress: dict[str, Any] = data["progress"] if isinstance(data.get("progress"), dict) else {}
    claimed_xp = progress.get("xp")
    if not _whole(claimed_xp):
        claimed_xp = sum(a.xp for a in attempts)
    badges = []
    for badge in progress.get("badges", []) if isinstance(progress.get("badges"), list) else []:
        if isinstance(badge, dict) and isinstance(badge.get("id"), str):
            badges.append(badge["id"][:100])
    language: str = data["language"] if isinstance(data.get("language"), str) else ""
    exported_at: str = data["exported_at"] if isinstance(data.get("exported_at"), str) else ""
    seen = read_solutions_seen(data)
    return ExportFile(path, _clean_name(learner["name"]), course, language[:10], exported_at[:40], tuple(attempts), int(claimed_xp or 0), tuple(badges), seen)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(data: dict, key: str, what: str, tr: Translator, limit: int = 200) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ExportError(tr.t("{what} ('{key}') is missing or not text", what=what, key=key))
    return value


def _attempt(number: int, raw: Any, tr: Translator) -> ClaimedAttempt:
    def problem(message: str) -> ExportError:
        return ExportError(tr.t("attempt {number}: {problem}", number=number, problem=message))

    if not isinstance(raw, dict):
        raise problem(tr.t("it is not an object"))
    try:
        lesson = _text(raw, "lesson", tr.t("its lesson"), tr)
        exercise = _text(raw, "exercise", tr.t("its exercise"), tr)
        at = _text(raw, "at", tr.t("its time"), tr, 40)
        local_date = _text(raw, "local_date", tr.t("its date"), tr, 40)
    except ExportError as exc:
        raise problem(str(exc)) from None
    code = raw.get("code")
    if not isinstance(code, str):
        raise problem(tr.t("its code is missing or not text"))
    if len(code) > MAX_CODE_CHARS:
        raise problem(tr.t("its code is {n} characters long, more than an answer can be", n=len(code)))
    if not isinstance(raw.get("passed"), bool):
        raise problem(tr.t("'passed' must be true or false"))
    for key in ("xp", "hints_used"):
        if not _whole(raw.get(key, 0)):
            raise problem(tr.t("'{key}' must be a whole number of 0 or more", key=key))
    try:
        _dt.date.fromisoformat(local_date)
    except ValueError:
        raise problem(tr.t("the date {date} is not YYYY-MM-DD", date=repr(local_date[:20]))) from None
    seed = raw.get("seed", "") if isinstance(raw.get("seed"), str) and re.fullmatch(r"[0-9a-f]{0,32}", raw["seed"]) else ""  # none: the default variant
    return ClaimedAttempt(number, lesson, exercise, code, raw["passed"], int(raw.get("xp", 0)), int(raw.get("hints_used", 0)), at, local_date, seed)


# ---------------------------------------------------------------- the report's data


@dataclass(frozen=True)
class Regrade:
    passed: bool
    failed: tuple[str, ...]  # ids of failing checks (just "runs" when the code did not run)
    message: str  # the first failing check's message, in the teacher's language
    error: str = ""  # could not regrade (and why)
    slow: bool = False


@dataclass
class Disagreement:
    learner: str
    file: str
    attempt: int
    lesson: str
    exercise: str
    at: str
    kind: str  # verdict, xp, unknown, not_regraded
    claimed_passed: bool
    regraded_passed: bool | None
    claimed_xp: int
    regraded_xp: int
    check: str = ""
    message: str = ""

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LearnerSummary:
    name: str
    file: str
    attempts: int
    passed: int  # exercises passed (regraded)
    lessons: dict[str, str]  # lesson id -> done | started
    xp: int
    claimed_xp: int
    badges: list[str]  # confirmed: their rules rest on regraded verdicts only
    claimed_badges: list[str]
    disagreements: int
    last_active: str
    badges_on_claims: list[str] = field(default_factory=list)  # earned if the file's dates, hints and order are true
    solutions_seen: list[str] = field(default_factory=list)  # "lesson/exercise": the reference solution was shown

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ExerciseSummary:
    lesson: str
    exercise: str
    title: str
    attempted: int  # learners
    passed: int  # learners
    attempts: int
    failed_attempts: int
    common_check: str
    common_count: int
    common_message: str

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ClassReport:
    course: str
    course_title: str
    language: str
    generated_at: str
    learners: list[LearnerSummary]
    exercises: list[ExerciseSummary]
    disagreements: list[Disagreement]
    problems: list[tuple[str, str]]  # (file, what is wrong)
    lessons: list[tuple[str, str]]  # (id, title) in course order
    runs: int = 0  # distinct programs regraded
    stopped: list[tuple[str, str]] = field(default_factory=list)  # (file, why its regrade was cut short)

    @property
    def attempts(self) -> int:
        return sum(learner.attempts for learner in self.learners)

    def struggles(self, limit: int = 10) -> list[ExerciseSummary]:
        hard = [e for e in self.exercises if e.failed_attempts]
        return sorted(hard, key=lambda e: (-e.failed_attempts, e.passed - e.attempted))[:limit]

    def as_json(self) -> dict:
        return {
            "format": "qala-report",
            "version": 1,
            "course": self.course,
            "language": self.language,
            "generated_at": self.generated_at,
            "totals": {
                "files": len(self.learners) + len(self.problems),
                "learners": len(self.learners),
                "attempts": self.attempts,
                "programs_regraded": self.runs,
                "disagreements": len(self.disagreements),
                "unreadable_files": len(self.problems),
            },
            "learners": [learner.as_json() for learner in self.learners],
            "exercises": [e.as_json() for e in self.exercises],
            "struggles": [{"lesson": e.lesson, "exercise": e.exercise} for e in self.struggles()],
            "disagreements": [d.as_json() for d in self.disagreements],
            "problems": [{"file": f, "error": e} for f, e in self.problems],
            "stopped": [{"file": f, "reason": r} for f, r in self.stopped],
            "claimed_not_confirmed": ["local_date", "hints_used", "attempt order"],
        }


# ---------------------------------------------------------------- regrading


def _exercise(course: Course, lesson_id: str, exercise_id: str) -> tuple[Lesson, Exercise] | None:
    lesson = course.lesson(lesson_id)
    exercise = lesson.exercise(exercise_id) if lesson else None
    return (lesson, exercise) if lesson is not None and exercise is not None else None


def _known_exercise(course: Course, lesson_id: str, exercise_id: str) -> tuple[Lesson, Exercise]:
    """An exercise the regrade already knows is in the course (only those are regraded)."""
    found = _exercise(course, lesson_id, exercise_id)
    assert found is not None, (lesson_id, exercise_id)
    return found


def require_walls(grader: Grader, tr: Translator) -> None:
    """Refuse to regrade other people's code where the sandbox lacks namespaces and its own
    filesystem view (then only the audit hook stands between their code and the teacher's files)."""
    result = grader.runner.run(Job(source="x = 1", variables=("x",), timeout=30))
    held = set((result.walls or {}).get("held", ()))
    if not result.ok or any(wall not in held for wall in WALLS_FOR_OTHERS):
        raise TooFewWalls(
            tr.t(
                "This machine cannot wall off other people's code (no user namespaces here), so qala report does not run it: regrade on a machine that allows them (see docs/SECURITY.md)."
            )
        )


def build_report(
    course: Course,
    grader: Grader,
    paths: list[Path],
    tr: Translator,
    jobs: int | None = None,
    file_budget: float = FILE_BUDGET_SECONDS,
    on_progress: Callable[[int, int], None] | None = None,
) -> ClassReport:
    """Read every file, regrade every attempt (in parallel), and summarise the class.

    Raises TooFewWalls, before running anything of anyone's, where the sandbox cannot hold it.
    ``file_budget``: seconds of runs one file may take; the rest of its attempts are skipped and
    the file is named in ``stopped``. ``on_progress(done, total)`` hears of each program regraded."""
    files: list[ExportFile] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        try:
            export = read_export(path, tr)
        except ExportError as exc:
            problems.append((str(path), str(exc)))
            continue
        if export.course != course.info.id:
            problems.append(
                (
                    str(path),
                    tr.t("exported from the course {theirs!r}, but this course is {ours!r}: use --course", theirs=export.course[:60], ours=course.info.id),
                )
            )
            continue
        files.append(export)

    # One run per distinct program: a class often sends the same code many times.
    owners: dict[tuple[str, str, str, str], set[int]] = {}
    for index, export in enumerate(files):
        for attempt in export.attempts:
            if _exercise(course, attempt.lesson, attempt.exercise):
                owners.setdefault((attempt.lesson, attempt.exercise, attempt.code, attempt.seed), set()).add(index)
    if owners:
        require_walls(grader, tr)
        grader.share_runs = True  # a program sent with many seeds runs once on the original inputs
    spent: dict[int, float] = {}  # seconds of runs per file (by its index)
    regrades = _regrade_all(course, grader, owners, tr, jobs, spent, file_budget, on_progress)
    stopped = [
        (
            str(files[i].path),
            tr.t(
                "stopped: its programs used up the {seconds} seconds of run time a file may take; the attempts after that were not regraded",
                seconds=int(file_budget),
            ),
        )
        for i in sorted(spent)
        if spent[i] >= file_budget
    ]

    learners, disagreements = [], []
    per_exercise: dict[tuple[str, str], dict] = {}
    for export in files:
        summary, found = _learner(course, export, regrades, per_exercise)
        learners.append(summary)
        disagreements.extend(found)
    exercises = []
    lessons = []
    for lesson in course.ordered_lessons():
        text = lesson.text(tr.language)
        lessons.append((lesson.id, text.title))
        for exercise in lesson.exercises:
            stats = per_exercise.get((lesson.id, exercise.id), {})
            checks: Counter = stats.get("checks", Counter())
            common, count = checks.most_common(1)[0] if checks else ("", 0)
            exercises.append(
                ExerciseSummary(
                    lesson.id,
                    exercise.id,
                    text.exercises[exercise.id].title,
                    len(stats.get("attempted", ())),
                    len(stats.get("passed", ())),
                    stats.get("attempts", 0),
                    stats.get("failed", 0),
                    common,
                    count,
                    stats.get("messages", {}).get(common, ""),
                )
            )
    return ClassReport(
        course=course.info.id,
        course_title=pick(course.info.title, tr.language),
        language=tr.language,
        generated_at=_dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        learners=learners,
        exercises=exercises,
        disagreements=disagreements,
        problems=problems,
        lessons=lessons,
        runs=len({key[:3] for key in regrades}),  # programs: each runs once, then once more per seed on its variant
        stopped=stopped,
    )


def _regrade_all(
    course: Course,
    grader: Grader,
    owners: dict,
    tr: Translator,
    jobs: int | None,
    spent: dict[int, float],
    budget: float,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    workers = max(1, jobs or os.cpu_count() or 1)
    broken: dict[tuple[str, str], str] = {}

    def warm(key: tuple[str, str]) -> None:
        lesson, exercise = _known_exercise(course, *key)
        missing = grader.missing_modules(lesson)
        if missing:
            broken[key] = tr.t("{modules} is not installed here", modules=", ".join(missing))
            return
        try:
            grader.reference(lesson, exercise)
        except GradingError as exc:
            broken[key] = str(exc)

    # Reference runs first, one per exercise, so the attempts never race to compute them.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(warm, sorted({(lesson_id, e) for lesson_id, e, _, _ in owners})))
    slow: Counter = Counter()
    lock = threading.Lock()

    def regrade(key: tuple[str, str, str, str]) -> tuple[tuple[str, str, str, str], Regrade]:
        lesson_id, exercise_id, code, seed = key
        if (lesson_id, exercise_id) in broken:
            return key, Regrade(False, (), "", tr.t("the exercise itself cannot run: {error}", error=broken[(lesson_id, exercise_id)]))
        with lock:
            if all(slow[i] >= MAX_SLOW_RUNS for i in owners[key]):
                return key, Regrade(False, (), "", tr.t("skipped: this learner's programs kept hitting the time limit"))
            if all(spent.get(i, 0.0) >= budget for i in owners[key]):
                return key, Regrade(False, (), "", tr.t("skipped: this file used up its time budget"))
        lesson, exercise = _known_exercise(course, lesson_id, exercise_id)
        started = time.monotonic()
        try:
            grade = grader.grade(lesson, exercise, code, tr, seed or None)
        except GradingError as exc:
            return key, Regrade(False, (), "", str(exc))
        except Exception as exc:  # a regrade must never take the whole report down
            return key, Regrade(False, (), "", f"{type(exc).__name__}: {exc}"[:200])
        finally:
            with lock:
                for i in owners[key]:
                    spent[i] = spent.get(i, 0.0) + time.monotonic() - started
        is_slow = grade.duration_ms >= exercise.timeout * 900
        if is_slow:
            with lock:
                for i in owners[key]:
                    slow[i] += 1
        failed = tuple(f.check for f in grade.feedback if not f.passed)
        if "runs" in failed:
            failed = ("runs",)
        message = next((f.message for f in grade.feedback if not f.passed), "")
        return key, Regrade(grade.passed, failed, message, "", is_slow)

    done = [0]

    def counted(key: tuple[str, str, str, str]) -> tuple[tuple[str, str, str, str], Regrade]:
        found = regrade(key)
        done[0] += 1  # only shown: a count a thread races to is still a count of finished runs
        if on_progress is not None:
            on_progress(done[0], len(owners))
        return found

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(counted, list(owners)))


def _learner(course: Course, export: ExportFile, regrades: dict, per_exercise: dict) -> tuple[LearnerSummary, list[Disagreement]]:
    rules = course.info.xp
    progress = rewards.Progress()
    hints: dict[tuple[str, str], int] = {}
    found: list[Disagreement] = []
    name, file = export.learner, str(export.path)

    def disagree(attempt: ClaimedAttempt, kind: str, regraded: bool | None, xp: int, regrade: Regrade | None = None) -> None:
        found.append(
            Disagreement(
                name,
                file,
                attempt.number,
                attempt.lesson,
                attempt.exercise,
                attempt.at,
                kind,
                attempt.passed,
                regraded,
                attempt.xp,
                xp,
                (regrade.failed[0] if regrade and regrade.failed else ""),
                (regrade.error or regrade.message) if regrade else "",
            )
        )

    for attempt in export.attempts:
        key = (attempt.lesson, attempt.exercise)
        pair = _exercise(course, *key)
        if pair is None:
            disagree(attempt, "unknown", None, 0)
            continue
        regrade = regrades[(attempt.lesson, attempt.exercise, attempt.code, attempt.seed)]
        stats = per_exercise.setdefault(key, {"attempted": set(), "passed": set(), "attempts": 0, "failed": 0, "checks": Counter(), "messages": {}})
        stats["attempted"].add(file)
        stats["attempts"] += 1
        passed = regrade.passed and not regrade.error
        if passed:
            stats["passed"].add(file)
        elif not regrade.error:
            stats["failed"] += 1
            for check in regrade.failed:
                stats["checks"][check] += 1
                stats["messages"].setdefault(check, regrade.message if check == regrade.failed[0] else "")
        hints[key] = max(hints.get(key, 0), attempt.hints_used)
        base = rewards.exercise_xp(pair[1], rules)
        xp = rewards.award(rewards.Progress(progress.attempts, dict(hints), {}, seen_by(export.solutions_seen, attempt.at)), *key, base, passed, rules)
        progress = rewards.Progress(
            progress.attempts + (rewards.AttemptSummary(*key, passed, xp, attempt.hints_used, attempt.at, attempt.local_date),), dict(hints)
        )
        if regrade.error:
            disagree(attempt, "not_regraded", None, xp, regrade)
        elif passed != attempt.passed:
            disagree(attempt, "verdict", passed, xp, regrade)
        elif xp != attempt.xp:
            disagree(attempt, "xp", passed, xp, regrade)
    passed_set = progress.passed()
    lessons: dict[str, str] = {}
    for lesson in course.ordered_lessons():
        if rewards.lesson_done(lesson, passed_set):
            lessons[lesson.id] = "done"
        elif any(attempted == lesson.id for attempted, _ in progress.attempted()):
            lessons[lesson.id] = "started"
    earned = [b.id for b in course.info.badges if rewards.badge_earned(b, course, progress)]
    confirmed = [b for b in earned if next((str(x.rule.get("kind")) for x in course.info.badges if x.id == b), "") not in CLAIMED_RULES]
    summary = LearnerSummary(
        name=name,
        file=file,
        attempts=len(export.attempts),
        passed=len({p for p in passed_set if _exercise(course, *p)}),
        lessons=lessons,
        xp=progress.xp,
        claimed_xp=export.claimed_xp,
        badges=confirmed,
        claimed_badges=list(export.claimed_badges),
        disagreements=len(found),
        last_active=max((a.at for a in export.attempts), default=""),
        badges_on_claims=[b for b in earned if b not in confirmed],
        solutions_seen=sorted({f"{lesson}/{exercise}" for lesson, exercise, _ in export.solutions_seen}),
    )
    return summary, found


# ---------------------------------------------------------------- for people: the terminal
