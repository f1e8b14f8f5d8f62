"""Regrading a class: `qala report` beside `otter run` and `nbgrader autograde` on the same code.

30 learners × every exercise of two pandas lessons (classroom.py writes the same answers in each
tool's format). What each tool does per submission:

- **Qala** (`qala report --jobs 1`, then with its default of one job per core): reads the export
  files, runs each exercise's reference solution once (a fresh home: no cached results), then
  every learner's program in its own sandboxed process forked from the warm worker, compares the
  evidence in the trusted process, and runs the lesson's typical mistakes where a check fails, to
  diagnose.
- **otter-grader** (`otter run`, one process per learner and lesson, one after another; `otter
  grade` would need Docker): unpacks the autograder, starts a Jupyter kernel, executes the whole
  notebook, runs the hidden tests in the kernel, writes results.json.
- **nbgrader** (`nbgrader autograde LESSON --create`, one process per lesson for all learners, as
  it ships): copies each submission, restores the locked test cells from its gradebook, executes
  the whole notebook in a fresh Jupyter kernel, records the grades in its SQLite gradebook.

The per-submission figure is the total wall time of the whole regrade divided by learners ×
exercises, every tool one submission at a time (Qala with --jobs 1), on the same machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from . import baselines, classroom
from .core import CACHE, Context, Figure, Skip, Target, bench_env, ms, qala_command, run_with_memory

FOLDER = CACHE / "regrade"


def run(ctx: Context) -> list[Figure]:
    course = classroom.load()
    lessons = classroom.LESSONS[:1] if ctx.quick else classroom.LESSONS
    learners = 5 if ctx.quick else classroom.LEARNERS
    answers = classroom.class_answers(course, lessons, learners)
    exercises = sum(len(course.lesson(lesson_id).exercises) for lesson_id in lessons)
    submissions = learners * exercises
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    ctx.log(f"bench: regrade: {learners} learners × {exercises} exercises of {', '.join(lessons)}")
    kinds: dict[str, int] = {}
    for items in answers.values():
        for answer in items:
            kinds[answer.kind] = kinds.get(answer.kind, 0) + 1
    common = {"lessons": list(lessons), "learners": learners, "exercises": exercises, "submissions": submissions, "answer_kinds": kinds}

    qala = _qala(ctx, course, answers, lessons)
    figures: list[Figure] = []
    tools: dict[str, dict] = {}
    skipped = ""
    try:
        installed = baselines.ensure(ctx.log)
        tests = {
            (lesson_id, e.id): classroom.exercise_tests(course, course.lesson(lesson_id), e)
            for lesson_id in lessons
            for e in course.lesson(lesson_id).exercises
        }
        common["baseline_packages"] = installed.get("installed", {})
        common["translated_checks"] = sum(len(t.tests) for t in tests.values())
        common["untranslated_checks"] = sorted({k for t in tests.values() for k in t.untranslated})
        tools["otter"] = _otter(ctx, course, answers, lessons, tests)
        tools["nbgrader"] = _nbgrader(ctx, course, answers, lessons, tests)
    except Skip as exc:
        skipped = str(exc)
    except (OSError, subprocess.SubprocessError, RuntimeError, ValueError) as exc:
        skipped = f"the baseline tools failed: {str(exc)[:300]}"

    per_qala = ms(qala["jobs1"]["seconds"]) / submissions
    correct = kinds.get("solution", 0) + kinds.get("correct-case", 0)
    details = common | {"qala": qala}
    for name, label in (("otter", "otter run"), ("nbgrader", "nbgrader autograde")):
        tool = tools.get(name)
        baseline = ms(tool["seconds"]) / submissions if tool else None
        figure = Figure(
            f"regrade.per_submission_vs_{name}",
            f"regrade, per submission ({learners} learners × {exercises} exercises, qala report --jobs 1) vs {name}",
            per_qala,
            "ms",
            label if tool else f"{label}: {skipped or 'not run'}",
            baseline,
            [Target("≥ 10× faster (ratio ≤ 0.1)", baseline is not None and per_qala <= baseline / 10)] if tool else [],
            notes=f"{submissions} submissions ({correct} correct); passed: Qala {qala['jobs1']['passed']}" + (f", {name} {tool['passed']}" if tool else ""),
            details=(details | {name: tool}) if tool else details,
        )
        figures.append(figure)
    slowest = max((t for t in tools.values()), key=lambda t: t["seconds"], default=None)
    figures.append(
        Figure(
            "regrade.total",
            f"regrade, whole class ({submissions} submissions), one at a time",
            qala["jobs1"]["seconds"],
            "s",
            f"{slowest['tool']}" if slowest else "—",
            slowest["seconds"] if slowest else None,
            notes="qala report --jobs 1 against the slower baseline's total",
        )
    )
    figures.append(
        Figure(
            "regrade.total_default_jobs",
            f"regrade, whole class, qala report default jobs ({qala['default']['jobs']})",
            qala["default"]["seconds"],
            "s",
            "qala report --jobs 1",
            qala["jobs1"]["seconds"],
            notes="what a teacher waits for with the default of one job per core",
        )
    )
    nb = tools.get("nbgrader")
    figures.append(
        Figure(
            "memory.regrade",
            "peak memory of a regrade (process tree PSS, qala report --jobs 1)",
            qala["jobs1"]["peak_pss_kib"] / 1024,
            "MiB",
            "nbgrader autograde" if nb else "—",
            nb["peak_pss_kib"] / 1024 if nb else None,
            notes=f"default jobs: {qala['default']['peak_pss_kib'] / 1024:.0f} MiB; otter run: "
            + (f"{tools['otter']['peak_pss_kib'] / 1024:.0f} MiB" if "otter" in tools else "not run"),
        )
    )
    return figures


# ---------------------------------------------------------------- Qala


def _qala(ctx: Context, course, answers: dict, lessons) -> dict:
    exports = classroom.write_qala_exports(course, answers, FOLDER / "qala" / "exports")
    out = {}
    for label, jobs in (("jobs1", ["--jobs", "1"]), ("default", [])):
        home = ctx.tempdir(f"qala-report-{label}")
        cmd = [*qala_command(), "--home", str(home), "report", *map(str, exports), "--json", *jobs]
        result, peak = run_with_memory(cmd, env=bench_env())
        if result.returncode not in (0, 1):
            raise RuntimeError(f"qala report failed (exit {result.returncode}): {result.stderr[-500:]}")
        report = json.loads(result.stdout)
        passed = sum(e["passed"] for e in report["exercises"] if e["lesson"] in lessons)
        out[label] = {
            "seconds": result.seconds,
            "peak_pss_kib": peak,
            "passed": passed,
            "attempts": report["totals"]["attempts"],
            "programs_regraded": report["totals"]["programs_regraded"],
            "jobs": 1 if jobs else (__import__("os").cpu_count() or 1),
        }
        ctx.log(f"bench: qala report ({label}): {result.seconds:.1f} s, {passed} passed")
    return out


# ---------------------------------------------------------------- otter-grader


def _otter(ctx: Context, course, answers: dict, lessons, tests: dict) -> dict:
    tool = {"tool": "otter run", "seconds": 0.0, "peak_pss_kib": 0, "passed": 0, "runs": 0, "assign_seconds": 0.0}
    otter = str(baselines.bin_dir() / "otter")
    for lesson_id in lessons:
        lesson = course.lesson(lesson_id)
        folder = FOLDER / "otter" / lesson_id
        (folder / "datasets").mkdir(parents=True)
        for name in lesson.datasets:
            for path in course.datasets_dir.glob(f"{name}.*"):
                if path.suffix != ".toml":
                    shutil.copy(path, folder / "datasets" / path.name)
        master = classroom.otter_master(course, lesson, [tests[(lesson_id, e.id)] for e in lesson.exercises])
        (folder / "master.ipynb").write_text(json.dumps(master), encoding="utf-8")
        assign, _ = run_with_memory([otter, "assign", "master.ipynb", "dist"], cwd=folder, env=baselines.env())
        tool["assign_seconds"] += assign.seconds
        zips = sorted((folder / "dist" / "autograder").glob("*.zip"))
        if assign.returncode != 0 or not zips:
            raise RuntimeError(f"otter assign failed for {lesson_id}: {(assign.stderr or assign.stdout)[-400:]}")
        student = json.loads((folder / "dist" / "student" / "master.ipynb").read_text(encoding="utf-8"))
        questions = {classroom._question(e.id) for e in lesson.exercises}
        for learner, items in answers.items():
            notebook = classroom.fill_otter_student(student, lesson, {a.exercise: a.code for a in items if a.lesson == lesson_id})
            submission = folder / "submissions" / f"{learner}.ipynb"
            submission.parent.mkdir(exist_ok=True)
            submission.write_text(json.dumps(notebook), encoding="utf-8")
            output = folder / "results" / learner
            output.mkdir(parents=True)
            result, peak = run_with_memory([otter, "run", "-a", str(zips[0]), "-o", str(output), "--no-logo", str(submission)], cwd=folder, env=baselines.env())
            tool["seconds"] += result.seconds
            tool["runs"] += 1
            tool["peak_pss_kib"] = max(tool["peak_pss_kib"], peak)
            results = output / "results.json"
            if result.returncode != 0 or not results.is_file():
                raise RuntimeError(f"otter run failed for {learner}/{lesson_id}: {(result.stderr or result.stdout)[-400:]}")
            for test in json.loads(results.read_text(encoding="utf-8")).get("tests", []):
                if test.get("name") in questions and test.get("score") is not None and test["score"] >= test.get("max_score", 0):
                    tool["passed"] += 1
        ctx.log(f"bench: otter run, {lesson_id}: {tool['seconds']:.1f} s so far")
    return tool


# ---------------------------------------------------------------- nbgrader


def _nbgrader(ctx: Context, course, answers: dict, lessons, tests: dict) -> dict:
    tool = {"tool": "nbgrader autograde", "seconds": 0.0, "peak_pss_kib": 0, "passed": 0, "runs": 0, "generate_seconds": 0.0}
    nbgrader = str(baselines.bin_dir() / "nbgrader")
    root = FOLDER / "nbgrader"
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'qala-bench'\nc.CourseDirectory.root = {str(root)!r}\nc.Execute.timeout = 60\n", encoding="utf-8"
    )
    for lesson_id in lessons:
        lesson = course.lesson(lesson_id)
        assignment = lesson_id.replace("-", "_")
        source = root / "source" / assignment
        (source / "datasets").mkdir(parents=True)
        for name in lesson.datasets:
            for path in course.datasets_dir.glob(f"{name}.*"):
                if path.suffix != ".toml":
                    shutil.copy(path, source / "datasets" / path.name)
        notebook = classroom.nbgrader_source(lesson, [tests[(lesson_id, e.id)] for e in lesson.exercises])
        (source / "lesson.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        generate, _ = run_with_memory([nbgrader, "generate_assignment", assignment, "--force"], cwd=root, env=baselines.env())
        tool["generate_seconds"] += generate.seconds
        release = root / "release" / assignment / "lesson.ipynb"
        if generate.returncode != 0 or not release.is_file():
            raise RuntimeError(f"nbgrader generate_assignment failed for {lesson_id}: {generate.stderr[-400:]}")
        released = json.loads(release.read_text(encoding="utf-8"))
        for learner, items in answers.items():
            folder = root / "submitted" / learner / assignment
            shutil.copytree(root / "release" / assignment, folder)
            filled = classroom.fill_nbgrader_release(released, lesson, {a.exercise: a.code for a in items if a.lesson == lesson_id})
            (folder / "lesson.ipynb").write_text(json.dumps(filled), encoding="utf-8")
        result, peak = run_with_memory([nbgrader, "autograde", assignment, "--create", "--force"], cwd=root, env=baselines.env())
        tool["seconds"] += result.seconds
        tool["runs"] += 1
        tool["peak_pss_kib"] = max(tool["peak_pss_kib"], peak)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader autograde failed for {lesson_id}: {result.stderr[-400:]}")
        tool["passed"] += _nbgrader_passes(root / "autograded", assignment, lesson)
        ctx.log(f"bench: nbgrader autograde, {lesson_id}: {tool['seconds']:.1f} s so far")
    return tool


def _nbgrader_passes(autograded: Path, assignment: str, lesson) -> int:
    """Exercises whose every test cell ran without an error, over all learners."""
    passed = 0
    for path in sorted(autograded.glob(f"*/{assignment}/lesson.ipynb")):
        failed: dict[str, bool] = {}
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if "-test" not in grade_id:
                continue
            question = grade_id.split("-test")[0]
            error = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            failed[question] = failed.get(question, False) or error
        passed += sum(1 for value in failed.values() if not value)
    return passed
