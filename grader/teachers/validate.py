"""`qala validate`: lint every lesson and prove its checks work, like a teacher's second pair of eyes.

For each exercise: the reference solution runs and passes every check, the starter does not
pass, and the cases kept beside the lesson (LESSON.cases.toml: other correct solutions and
typical mistakes) get the verdict and feedback they expect. Every problem is reported as
FILE:LINE: message; nothing stops at the first one, and no lesson mistake shows a traceback.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.course_file import load_course
from ..content.datasets import load_datasets
from ..content.glossary import load_glossary
from ..content.lesson_file import Problems, _toml_line, _toml_message, read_front_matter
from ..content.model import Course, Exercise, ExerciseKind, Lesson
from ..errors import ContentError, GradingError, UsageError, t
from ..i18n import Translator
from ..judge.checks import placeholder_starter
from ..judge.grading import Grader
from ..judge.kinds import KIND_CHECKS, reference_answer
from ..run.jobs import Runner


@dataclass(frozen=True)
class Case:
    exercise: str
    name: str
    expect: str  # pass | fail
    code: str
    failing: str  # a check id that must fail ("" = any)
    feedback: str  # text that must appear in that check's message
    line: int


@dataclass
class Report:
    problems: list[ContentError] = field(default_factory=list)
    lessons: int = 0
    exercises: int = 0
    cases: int = 0

    @property
    def errors(self) -> list[ContentError]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[ContentError]:
        return [p for p in self.problems if p.warning]


def cases_path(lesson: Lesson) -> Path:
    return lesson.path.with_name(f"{lesson.id}.cases.toml")


def read_cases(lesson: Lesson) -> tuple[list[Case], list[ContentError]]:
    path = cases_path(lesson)
    if not path.is_file():
        return [], []
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [ContentError(t("cases file is not valid TOML: {error}"), path, _toml_line(exc, text), params={"error": _toml_message(exc)})]
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[case]]"]
    cases, problems = [], []
    known = {e.id: e for e in lesson.exercises}
    for index, raw in enumerate(data.get("case", [])):
        line = lines[index] if index < len(lines) else 1
        exercise = raw.get("exercise")
        expect = raw.get("expect")
        if exercise not in known:
            problems.append(ContentError(t("case names an unknown exercise {exercise!r}"), path, line, params={"exercise": exercise}))
            continue
        code = raw.get("answer", raw.get("code"))  # a prediction or a choice is an answer, not code
        if expect not in ("pass", "fail") or not isinstance(code, str):
            problems.append(ContentError(t("a case needs expect = \"pass\" or \"fail\" and code = '''…'''"), path, line))
            continue
        failing = raw.get("failing", "")
        if failing and failing not in {c.id for c in known[exercise].checks} | {"runs", *KIND_CHECKS.get(known[exercise].kind, ())}:
            problems.append(ContentError(t("case expects an unknown check {check!r} to fail"), path, line, params={"check": failing}))
            continue
        cases.append(Case(exercise, str(raw.get("name", f"case {index + 1}")), expect, code, failing, str(raw.get("feedback", "")), line))
    return cases, problems


def _self_test(grader: Grader, lesson: Lesson, exercise: Exercise, cases: list[Case], tr: Translator, shown: Translator) -> list[ContentError]:
    """Run the exercise's own proofs; return what went wrong.

    Grading is in English (``tr``), the language of the checks' messages and of the cases'
    expected feedback; a learner's feedback quoted in a problem is written in ``shown``.
    """
    problems: list[ContentError] = []
    path = lesson.path

    def problem(message: str, where: Path, line: int, /, **params: object) -> None:
        problems.append(ContentError(message, where, line, params=params))

    def feedback(code: str, check: str, english: str) -> str:
        """What a learner reading ``shown`` is told by ``check`` about ``code``."""
        if shown.language == tr.language:
            return english
        try:
            graded = grader.grade(lesson, exercise, code, shown)
        except GradingError:
            return english
        return next((f.message for f in graded.feedback if f.check == check), english)

    # The very run Grader.reference makes (and caches): its failure is said here in words a teacher can translate.
    # The runner itself failing (GradingError) is left to validate's self_test: retried once, then named.
    reference = grader._cached_run(lesson, exercise, exercise.solution, "solution")
    if not reference.ok and exercise.kind is not ExerciseKind.CHOICE:
        error, names = reference.error, {"lesson": lesson.id, "exercise": exercise.id}
        if error is not None:
            problem(
                t("the reference solution of {lesson}/{exercise} does not run on line {line}: {error}: {message}"),
                path,
                exercise.line,
                **names,
                line=error.line,
                error=error.type,
                message=error.message,
            )
        elif reference.detail:
            problem(
                t("the reference solution of {lesson}/{exercise} does not run ({status}: {detail})"),
                path,
                exercise.line,
                **names,
                status=reference.status,
                detail=reference.detail,
            )
        else:
            problem(t("the reference solution of {lesson}/{exercise} does not run ({status})"), path, exercise.line, **names, status=reference.status)
        return problems
    trouble = grader.variant_trouble(lesson, exercise)
    if trouble:
        # Graded learners would then be judged on the original inputs only (judge/variants.py).
        problem(
            t("the reference solution of {lesson}/{exercise} does not run on the hidden variant of its inputs: {detail}"),
            path,
            exercise.line,
            lesson=lesson.id,
            exercise=exercise.id,
            detail=trouble,
        )
    right = reference_answer(exercise, reference.stdout)
    solved = grader.grade(lesson, exercise, right, tr)
    for result in solved.feedback:
        if not result.passed:
            line = next((c.line for c in exercise.checks if c.id == result.check), exercise.line)
            problem(
                t("exercise {exercise!r}: check {check!r} fails on the reference solution: {feedback}"),
                path,
                line,
                exercise=exercise.id,
                check=result.check,
                feedback=feedback(right, result.check, result.message),
            )
    started = grader.grade(lesson, exercise, exercise.starter, tr)
    if started.passed:
        problem(t("exercise {exercise!r}: the starter code already passes every check"), path, exercise.line, exercise=exercise.id)
    for case in cases:
        graded = grader.grade(lesson, exercise, case.code, tr)
        where = cases_path(lesson)
        if case.expect == "pass" and not graded.passed:
            failed = next(f for f in graded.feedback if not f.passed)
            problem(
                t("case {case!r} should pass but check {check!r} fails: {feedback}"),
                where,
                case.line,
                case=case.name,
                check=failed.check,
                feedback=feedback(case.code, failed.check, failed.message),
            )
        elif case.expect == "fail":
            if graded.passed:
                problem(t("case {case!r} should fail but passes every check"), where, case.line, case=case.name)
            elif case.failing:
                failing_result = next((f for f in graded.feedback if f.check == case.failing), None)
                check = next((c for c in exercise.checks if c.id == case.failing), None)
                if case.feedback and case.code.split() == exercise.starter.split() and check is not None and placeholder_starter(exercise.starter, check):
                    problem(
                        t("case {case!r} is the starter itself, whose placeholder is never told about a mistake: write the mistake into the case's code"),
                        where,
                        case.line,
                        case=case.name,
                    )
                    continue
                if failing_result is None or failing_result.passed:
                    problem(
                        t("case {case!r} should fail check {check!r}, but the failing checks are: {failing}"),
                        where,
                        case.line,
                        case=case.name,
                        check=case.failing,
                        failing=", ".join(graded.failed_checks()),
                    )
                elif case.feedback and case.feedback.lower() not in failing_result.message.lower():
                    # The case's words are looked for in the English feedback, so that is the one quoted.
                    problem(
                        t("case {case!r}: the feedback of {check!r} should mention {words!r} but says: {feedback}"),
                        where,
                        case.line,
                        case=case.name,
                        check=case.failing,
                        words=case.feedback,
                        feedback=failing_result.message,
                    )
    return problems


def validate(
    course_root: Path,
    only: list[Path] | None = None,
    runner: Runner | None = None,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    language: str = "en",
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Validate a course, or only the lessons at ``only`` (files or folders inside it).
    ``on_progress(done, total)`` hears of each exercise self-tested (a progress bar).

    The problems keep their message keys and are written in any language when shown
    (``problem.render(tr)``); ``language`` is the one the report will be read in, for the
    learner's feedback that a problem quotes (graded again in it)."""
    from ..run.runners import default_runner

    report = Report()
    try:
        course, problems = load_course(course_root)
    except ContentError as exc:
        report.problems.append(exc)
        return report
    selected = _select(course, only)
    selected_files = {str(lesson.path) for lesson in selected}
    broken_files = {p.file for p in course.problems}

    def relevant(problem: ContentError) -> bool:
        if only is None or problem.file is None:
            return True
        file = Path(problem.file)
        stem_file = str(file.with_name(file.name.split(".")[0] + ".md"))
        return stem_file in selected_files or any(_inside(file, Path(p)) for p in only)

    report.problems.extend(p for p in problems if relevant(p))
    datasets, dataset_problems = load_datasets(course.datasets_dir, course.info.languages)
    if only is None:
        report.problems.extend(dataset_problems)
        report.problems.extend(glossary_problems(Path(course_root), course.info.languages))
    runner = runner or default_runner(many_at_once=True)
    grader = Grader(course, runner, cache_dir)
    grader.share_runs = True  # a case whose code no language changes runs once, not once per language
    grader.variants_beside = False  # every core is busy with other exercises: no run before it is needed
    tr, shown = Translator("en"), Translator(language)
    work = []
    for lesson in selected:
        report.lessons += 1
        for name in lesson.datasets:
            if name not in datasets:
                if datasets:
                    report.problems.append(
                        ContentError(
                            t("unknown dataset {name!r} (known: {known})"), lesson.path, 1, params={"name": name, "known": ", ".join(sorted(datasets))}
                        )
                    )
                else:
                    report.problems.append(
                        ContentError(t("unknown dataset {name!r}: the course has no datasets in lessons/datasets/"), lesson.path, 1, params={"name": name})
                    )
        cases, case_problems = read_cases(lesson)
        report.problems.extend(case_problems)
        report.cases += len(cases)
        missing = grader.missing_modules(lesson)
        if missing:
            report.problems.append(
                ContentError(t("cannot self-test: {modules} is not installed"), lesson.path, 1, warning=True, params={"modules": ", ".join(missing)})
            )
            continue
        for exercise in lesson.exercises:
            report.exercises += 1
            work.append((lesson, exercise, [c for c in cases if c.exercise == exercise.id]))
        # In a language with code strings ([code]) the exercise is graded on translated code: prove it there too.
        for language in course.info.languages:
            localized = lesson.in_language(language)
            if localized is lesson:
                continue
            for exercise in localized.exercises:
                own = [replace(c, name=f"{c.name} ({language})", code=lesson.localize(c.code, language)) for c in cases if c.exercise == exercise.id]
                work.append((localized, exercise, own))

    def self_test(item):
        lesson, exercise = item[0], item[1]
        for _attempt in range(2):  # a sandbox that failed once (not the lesson) gets a second try
            try:
                return _self_test(grader, lesson, exercise, item[2], tr, shown)
            except GradingError as exc:
                failure = exc
        return [
            ContentError(
                t("{lesson}/{exercise} could not be self-tested: {error}"),
                lesson.path,
                exercise.line,
                params={"lesson": lesson.id, "exercise": exercise.id, "error": str(failure)},
            )
        ]

    workers = jobs or max(1, os.cpu_count() or 1)
    done = [0]

    def counted(item):
        found = self_test(item)
        done[0] += 1  # one thread at a time reaches here per item; the count is only shown
        if on_progress is not None:
            on_progress(done[0], len(work))
        return found

    if workers == 1 or sys.platform == "emscripten":  # Pyodide cannot start threads
        results = [counted(item) for item in work]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(counted, work))
    for found in results:
        report.problems.extend(found)
    report.lessons += len([f for f in broken_files if f and (only is None or any(_inside(Path(f), Path(p)) for p in only))])
    report.problems.sort(key=lambda p: (p.file or "", p.line or 0, p.warning))
    return report


def glossary_problems(course_root: Path, languages: tuple[str, ...]) -> list[ContentError]:
    """The glossary's mistakes, and a warning for each term a language of the course lacks.

    The missing translations are found again here, from the terms, so that they are said in words
    the catalogs translate (and only for the course's languages); the glossary's other problems
    are passed on as they are."""
    glossary = load_glossary(course_root)
    problems = [p for p in glossary.problems if not p.warning]
    for term in glossary.terms:
        for language in languages:
            if language == "en":
                continue
            if language not in term.names:
                problems.append(
                    ContentError(
                        t("{language}: term {term!r} is not translated"), glossary.path, term.line, warning=True, params={"language": language, "term": term.id}
                    )
                )
            if language not in term.definitions:
                problems.append(
                    ContentError(
                        t("{language}: the definition of term {term!r} is not translated"),
                        glossary.path,
                        term.line,
                        warning=True,
                        params={"language": language, "term": term.id},
                    )
                )
    return problems


def _inside(file: Path, target: Path) -> bool:
    file, target = file.resolve(), target.resolve()
    return (
        file == target
        or target in file.parents
        or (target.suffix == ".md" and file.name.split(".")[0] == target.name.split(".")[0] and file.parent == target.parent)
    )


def _select(course: Course, only: list[Path] | None) -> list[Lesson]:
    lessons = list(course.lessons.values())
    if only is None:
        return sorted(lessons, key=lambda lesson: str(lesson.path))
    return sorted((lesson for lesson in lessons if any(_inside(lesson.path, Path(p)) for p in only)), key=lambda lesson: str(lesson.path))


def find_course_root(path: Path) -> Path | None:
    """The course folder a lesson file or folder belongs to (the nearest with course/course.toml)."""
    path = Path(path).resolve()
    for candidate in [path, *path.parents]:
        if (candidate / "course" / "course.toml").is_file():
            return candidate
    return None


def outside_lessons(path: Path, course_root: Path | None) -> bool:
    """Whether ``path`` (a lesson file) is not where a course reads lessons from."""
    if course_root is None:
        return True
    lessons = (Path(course_root) / "lessons").resolve()
    return lessons not in Path(path).resolve().parents


def lesson_track(path: Path) -> str | None:
    """The track a lesson file's front matter names (None: it has none, or no front matter)."""
    problems = Problems(Path(path))
    front, _, _ = read_front_matter(Path(path).read_text(encoding="utf-8", errors="replace"), problems)
    track = front.get("track")
    return track if isinstance(track, str) and track and not problems.items else None


def validate_file_outside(path: Path, course_root: Path, **options) -> Report:
    """Validate a lesson file that is not in the course's lessons/ folder (a draft, a copy written
    with `qala import --out`): in a scratch copy of the course (its course.toml and datasets), with
    its translations and cases, the problems pointing back at the file itself."""
    import shutil
    import tempfile

    path = Path(path)
    track = lesson_track(path)
    if track is None:  # the command line says so before it gets here
        raise UsageError(f"{path} has no track in its front matter")
    with tempfile.TemporaryDirectory(prefix="qala-validate-") as scratch:
        root = Path(scratch)
        (root / "course").mkdir()
        shutil.copy(Path(course_root) / "course" / "course.toml", root / "course" / "course.toml")
        datasets = Path(course_root) / "lessons" / "datasets"
        if datasets.is_dir():
            shutil.copytree(datasets, root / "lessons" / "datasets")
        folder = root / "lessons" / track
        folder.mkdir(parents=True, exist_ok=True)
        stem = path.name.split(".")[0]
        for sibling in path.parent.glob(f"{stem}.*"):
            if sibling.is_file():
                shutil.copy(sibling, folder / sibling.name)
        report = validate(root, [folder / path.name], **options)
        for problem in report.problems:
            if problem.file and problem.file.startswith(str(folder)):
                problem.file = str(path.parent / Path(problem.file).name)
            elif problem.file and problem.file.startswith(scratch):
                problem.file = str(Path(course_root) / Path(problem.file).relative_to(root))
        return report
