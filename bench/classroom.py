"""A class of learners for the regrade benchmark, written in three tools' formats.

The same 30 learners' code for every exercise of a few pandas lessons becomes:

- one Qala export file per learner (what `qala report` reads);
- an otter-grader master notebook per lesson (for `otter assign`) and, per learner and lesson,
  the student notebook with the learner's code in the answer cells (for `otter run`);
- an nbgrader course folder: a source notebook per lesson (for `nbgrader generate_assignment`)
  and, per learner and lesson, the released notebook with the learner's code (for `nbgrader
  autograde`).

Each learner's code for an exercise is the reference solution, another correct solution kept
in the lesson's cases, a typical mistake (the lesson's mistakes and failing cases), or the
untouched starter. Every program gets its learner's name in a first-line comment, so no two
are identical: `qala report` runs identical programs once, which the other tools cannot, and
the comparison is about grading the same amount of code.

Expected values for otter's and nbgrader's tests come from running the reference solution here
(as a teacher writing those tests would), turned into literal asserts: a value check becomes an
assert with the same tolerance, an `assert` check stays an assert. Qala's code-structure checks
(`no_hardcoded`, `uses`), output checks and its diagnosis of typical mistakes have no
counterpart there, so the other tools do strictly less checking per submission than Qala.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qala.grader.content.course_file import load_course
from qala.grader.content.model import Course, Exercise, Lesson

#: pandas lessons on real datasets, with value checks that translate into plain asserts.
LESSONS = ("pandas-groupby-districts", "air-fair-comparison")
LEARNERS = 30
SEED = 2024


@dataclass(frozen=True)
class Answer:
    lesson: str
    exercise: str
    code: str
    kind: str  # solution, correct-case, mistake, starter


# ---------------------------------------------------------------- the learners' code


def _cases(lesson: Lesson) -> list[dict]:
    path = lesson.path.with_name(f"{lesson.id}.cases.toml")
    if not path.is_file():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("case", [])


def answer_pool(lesson: Lesson, exercise: Exercise) -> dict[str, list[str]]:
    """What learners write for one exercise, by kind."""
    cases = [c for c in _cases(lesson) if c.get("exercise") == exercise.id and isinstance(c.get("code"), str)]
    mistakes = [m.code for check in exercise.checks for m in check.mistakes]
    return {
        "solution": [exercise.solution],
        "correct-case": [c["code"] for c in cases if c.get("expect") == "pass"],
        "mistake": mistakes + [c["code"] for c in cases if c.get("expect") == "fail"],
        "starter": [exercise.starter],
    }


def class_answers(course: Course, lessons: tuple[str, ...] = LESSONS, learners: int = LEARNERS) -> dict[str, list[Answer]]:
    """learner name -> one answer per exercise of the lessons (deterministic)."""
    rng = random.Random(SEED)
    out: dict[str, list[Answer]] = {}
    for number in range(1, learners + 1):
        name = f"learner{number:02d}"
        answers = []
        for lesson_id in lessons:
            lesson = course.lesson(lesson_id)
            if lesson is None:
                raise LookupError(f"the course has no lesson {lesson_id!r}")
            for exercise in lesson.exercises:
                pool = answer_pool(lesson, exercise)
                roll = rng.random()
                kind = "solution" if roll < 0.35 else "correct-case" if roll < 0.6 else "mistake" if roll < 0.9 else "starter"
                if not pool[kind]:
                    kind = "solution" if kind == "correct-case" else "starter" if kind == "mistake" else kind
                code = rng.choice(pool[kind]).strip("\n")
                answers.append(Answer(lesson.id, exercise.id, f"# {name}\n{code}\n", kind))
        out[name] = answers
    return out


def write_qala_exports(course: Course, answers: dict[str, list[Answer]], folder: Path) -> list[Path]:
    """One `qala export` file per learner, in the format `qala report` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, items in answers.items():
        attempts = [
            {
                "lesson": a.lesson,
                "exercise": a.exercise,
                "code": a.code,
                "passed": a.kind in ("solution", "correct-case"),
                "feedback": [],
                "xp": 0,
                "hints_used": 0,
                "at": "2025-03-01T09:00:00+00:00",
                "local_date": "2025-03-01",
                "duration_ms": 0,
            }
            for a in items
        ]
        data = {
            "format": "qala-export",
            "version": 1,
            "qala": "bench",
            "course": course.info.id,
            "learner": {"name": name},
            "exported_at": "2025-03-01T10:00:00+00:00",
            "language": "en",
            "progress": {"xp": 0, "level": 1, "streak": 0, "badges": []},
            "hints": [],
            "attempts": attempts,
        }
        path = folder / f"qala-export-{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------- tests for otter and nbgrader


def _run_solution(course: Course, lesson: Lesson, exercise: Exercise) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(course.datasets_dir.parent)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(exercise.setup + "\n" + exercise.solution, f"{exercise.id}.py", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item) and not hasattr(value, "__len__"):
        return item()
    return value


def value_assert(name: str, expected: Any, tolerance: float, rel_tolerance: float, ordered: bool) -> str | None:
    """Lines that assert ``name`` equals ``expected`` as Qala's value check would; None if untranslatable."""
    import pandas as pd

    tol = f"atol={tolerance!r}, rtol={rel_tolerance!r}"
    if isinstance(expected, pd.Series):
        literal = f"pd.Series({expected.tolist()!r}, index={expected.index.tolist()!r})"
        # Qala takes a one-column table for a series (a pivot_table answer); so does this test.
        take = f"_actual = {name}.iloc[:, 0] if isinstance({name}, pd.DataFrame) and {name}.shape[1] == 1 else pd.Series({name})\n"
        actual = "_actual"
        if not ordered:
            literal, actual = f"{literal}.sort_index()", f"{actual}.sort_index()"
        return take + f"pd.testing.assert_series_equal({actual}, {literal}, check_names=False, check_dtype=False, check_index_type=False, {tol})"
    if isinstance(expected, pd.DataFrame):
        columns = {str(c): expected[c].tolist() for c in expected.columns}
        literal = f"pd.DataFrame({columns!r}, index={expected.index.tolist()!r})"
        actual = name
        if not ordered:
            literal, actual = f"{literal}.sort_index()", f"{actual}.sort_index()"
        return (
            f"pd.testing.assert_frame_equal({actual}, {literal}, check_names=False, check_dtype=False, check_index_type=False, check_column_type=False, {tol})"
        )
    expected = _plain(expected)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return f"assert {name} == {expected!r}"
    if isinstance(expected, (int, float)):
        if isinstance(expected, float) and math.isnan(expected):
            return f"assert math.isnan({name})"
        return f"assert math.isclose({name}, {expected!r}, abs_tol={max(tolerance, 1e-9)!r}, rel_tol={max(rel_tolerance, 1e-9)!r})"
    if isinstance(expected, (list, tuple)):
        items = [_plain(v) for v in expected]
        if ordered:
            return f"assert list({name}) == {items!r}"
        return f"assert sorted(map(repr, {name})) == sorted(map(repr, {items!r}))"
    if isinstance(expected, dict):
        return f"assert dict({name}) == {expected!r}"
    return None


PREAMBLE = "import math\nimport pandas as pd\nfrom pandas import Timestamp, NaT\nnan = float('nan')\n"


@dataclass
class ExerciseTests:
    lesson: str
    exercise: str
    tests: list[str]  # one test per translated check (code with asserts)
    untranslated: list[str]  # check kinds with no counterpart (code structure, output, calls)


def exercise_tests(course: Course, lesson: Lesson, exercise: Exercise) -> ExerciseTests:
    namespace = _run_solution(course, lesson, exercise)
    tests, untranslated = [], []
    for check in exercise.checks:
        if check.kind == "value":
            line = value_assert(
                check.target,
                namespace.get(check.target),
                float(check.option("tolerance", 1e-9)),
                float(check.option("rel_tolerance", 1e-9)),
                bool(check.option("ordered", True)),
            )
            if line is None:
                untranslated.append(f"value:{check.target}")
            else:
                tests.append(PREAMBLE + line + "\n")
        elif check.kind == "assert":
            tests.append(PREAMBLE + f"assert {check.target}\n")
        else:
            untranslated.append(check.kind)
    return ExerciseTests(lesson.id, exercise.id, tests, untranslated)


def _question(exercise_id: str) -> str:
    return "q_" + exercise_id.replace("-", "_")


# ---------------------------------------------------------------- notebooks


def _nb(cells: list[dict], metadata: dict | None = None) -> dict:
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}}
        | (metadata or {}),
        "nbformat": 4,
        "nbformat_minor": 5,
    }


_ids = iter(range(1, 1 << 30))


def _cell(kind: str, source: str, metadata: dict | None = None, cell_id: str | None = None) -> dict:
    cell: dict[str, Any] = {"cell_type": kind, "id": cell_id or f"cell-{next(_ids)}", "metadata": metadata or {}, "source": source}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def otter_master(course: Course, lesson: Lesson, tests: list[ExerciseTests]) -> dict:
    """The lesson as otter-grader's master notebook (otter assign's v1 format)."""
    files = sorted({f"datasets/{p.name}" for name in lesson.datasets for p in course.datasets_dir.glob(f"{name}.*") if p.suffix != ".toml"})
    config = (
        "# ASSIGNMENT CONFIG\n"
        f"name: {lesson.id.replace('-', '_')}\n"
        "init_cell: false\ncheck_all_cell: false\nexport_cell: false\nrun_tests: false\n"
        "generate:\n  pdf: false\n  filtering: false\n"
        "files:\n" + "".join(f"  - {f}\n" for f in files)
    )
    cells = [_cell("raw", config), _cell("markdown", f"# {lesson.text('en').title}")]
    by_id = {t.exercise: t for t in tests}
    for exercise in lesson.exercises:
        t = by_id[exercise.id]
        cells.append(_cell("raw", f"# BEGIN QUESTION\nname: {_question(exercise.id)}\npoints: {len(t.tests)}"))
        cells.append(_cell("markdown", lesson.text("en").exercises[exercise.id].task or exercise.id))
        if exercise.setup.strip():
            cells.append(_cell("code", exercise.setup))
        cells.append(_cell("code", "# BEGIN SOLUTION\n" + exercise.solution.strip("\n") + "\n# END SOLUTION"))
        cells.append(_cell("raw", "# BEGIN TESTS"))
        for test in t.tests:
            cells.append(_cell("code", "# HIDDEN\n" + test))
        cells.append(_cell("raw", "# END TESTS"))
        cells.append(_cell("raw", "# END QUESTION"))
    return _nb(cells)


def fill_otter_student(student: dict, lesson: Lesson, answers: dict[str, str]) -> dict:
    """otter's student notebook with a learner's code in each question's answer cell."""
    notebook = json.loads(json.dumps(student))
    questions = {_question(e.id): e.id for e in lesson.exercises}
    filled = set()
    for cell in notebook["cells"]:
        # otter assign marks each question's answer cell with the tests that grade it.
        for question in cell.get("metadata", {}).get("otter", {}).get("tests", []):
            if cell["cell_type"] == "code" and question in questions:
                cell["source"] = answers[questions[question]]
                filled.add(question)
    if filled != set(questions):
        raise ValueError(f"otter's student notebook for {lesson.id} lacks answer cells for {sorted(set(questions) - filled)}")
    return notebook


NBGRADER_SCHEMA = 3


def nbgrader_source(lesson: Lesson, tests: list[ExerciseTests]) -> dict:
    """The lesson as an nbgrader source notebook: solution cells and autograder test cells."""
    cells = [_cell("markdown", f"# {lesson.text('en').title}", cell_id="title")]
    by_id = {t.exercise: t for t in tests}
    for exercise in lesson.exercises:
        question = _question(exercise.id)
        cells.append(_cell("markdown", lesson.text("en").exercises[exercise.id].task or exercise.id, cell_id=f"{question}-task"))
        if exercise.setup.strip():
            meta = {"nbgrader": {"grade": False, "solution": False, "locked": True, "grade_id": f"{question}-setup", "schema_version": NBGRADER_SCHEMA}}
            cells.append(_cell("code", exercise.setup, meta, cell_id=f"{question}-setup"))
        meta = {"nbgrader": {"grade": False, "solution": True, "locked": False, "grade_id": f"{question}-answer", "schema_version": NBGRADER_SCHEMA}}
        cells.append(_cell("code", "### BEGIN SOLUTION\n" + exercise.solution.strip("\n") + "\n### END SOLUTION", meta, cell_id=f"{question}-answer"))
        for number, test in enumerate(by_id[exercise.id].tests, start=1):
            grade_id = f"{question}-test{number}"
            meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 1, "grade_id": grade_id, "schema_version": NBGRADER_SCHEMA}}
            cells.append(_cell("code", "### BEGIN HIDDEN TESTS\n" + test + "### END HIDDEN TESTS", meta, cell_id=grade_id))
    return _nb(cells)


def fill_nbgrader_release(release: dict, lesson: Lesson, answers: dict[str, str]) -> dict:
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        for exercise in lesson.exercises:
            if grade_id == f"{_question(exercise.id)}-answer":
                cell["source"] = answers[exercise.id]
    return notebook


def load(course_root: Path | None = None) -> Course:
    from qala.grader.content.course_file import bundled_course_root

    course, _ = load_course(course_root or bundled_course_root())
    return course
