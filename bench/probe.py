"""Measurements that must run in a fresh interpreter: `python -m bench.probe NAME ARGS...`.

Each prints one JSON object as its last line of output. Imports are made inside each probe, so
a probe pays only for what it measures.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _emit(data: dict) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def _status_kib(pid: int, key: str) -> int | None:
    from bench.core import _status_kib as read

    return read(pid, key)


def _exercise(lesson_id: str, exercise_id: str):
    from qala.grader.content.course_file import bundled_course_root, load_course

    course, _ = load_course(bundled_course_root())
    lesson = course.lesson(lesson_id)
    return course, lesson, lesson.exercise(exercise_id)


# ---------------------------------------------------------------- the floor


def floor(lesson_id: str, exercise_id: str, reps: str) -> None:
    """Execute the reference solution in this interpreter, pandas already imported: the floor."""
    import contextlib
    import io

    started = time.perf_counter()
    import pandas  # noqa: F401

    import_seconds = time.perf_counter() - started
    course, lesson, exercise = _exercise(lesson_id, exercise_id)
    code = compile(exercise.setup + "\n" + exercise.solution, "solution.py", "exec")
    os.chdir(course.datasets_dir.parent)  # where a lesson's relative paths (datasets/…) point
    samples = []
    for number in range(int(reps) + 2):  # two warm-up runs load pandas' lazy parts and the page cache
        began = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, {"__name__": "__main__"})
        if number >= 2:
            samples.append(time.perf_counter() - began)
    _emit({"samples": samples, "import_pandas_in_process": import_seconds})


def all_solutions() -> None:
    """Every exercise's reference solution once, in one warm interpreter: the least work a self-test does."""
    import contextlib
    import io

    started = time.perf_counter()
    import pandas  # noqa: F401

    from qala.grader.content.course_file import bundled_course_root, load_course

    course, _ = load_course(bundled_course_root())
    os.chdir(course.datasets_dir.parent)
    programs, failures = 0, []
    for lesson in course.ordered_lessons():
        for exercise in lesson.exercises:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(exercise.setup + "\n" + exercise.solution, "solution.py", "exec"), {"__name__": "__main__"})
            except Exception as exc:  # noqa: BLE001 - counted, not fatal: validate reports it too
                failures.append(f"{lesson.id}/{exercise.id}: {type(exc).__name__}")
            programs += 1
    _emit({"seconds": time.perf_counter() - started, "programs": programs, "failures": failures})


# ---------------------------------------------------------------- a warm check through the engine


def engine_check(lesson_id: str, exercise_id: str, reps: str, home: str) -> None:
    """Engine.check() — what the terminal app calls — after the worker is warm."""
    from qala.grader.engine import Engine

    engine = Engine(home=home, language="en")
    lesson = engine.lesson(lesson_id)
    exercise = lesson.exercise(exercise_id)
    from bench.check import learners_copy

    source = learners_copy(exercise.solution)
    first = []
    for _ in range(3):  # the first is one-shot, then the worker starts and warms up
        began = time.perf_counter()
        outcome = engine.check(lesson_id, exercise_id, source)
        first.append(time.perf_counter() - began)
    samples, passed, inner = [], [], []
    for _ in range(int(reps)):
        began = time.perf_counter()
        outcome = engine.check(lesson_id, exercise_id, source)
        samples.append(time.perf_counter() - began)
        passed.append(outcome.passed)
        inner.append(outcome.grade.duration_ms)
    runner = engine.runner
    worker = getattr(runner, "pid", None)
    data = {
        "samples": samples,
        "first_three": first,
        "passed": all(passed),
        "grade_duration_ms": inner,
        "runner": type(runner).__name__,
        "worker_pid": worker,
        "worker_peak_rss_kib": _status_kib(worker, "VmHWM") if worker else None,
        "worker_rss_kib": _status_kib(worker, "VmRSS") if worker else None,
    }
    if worker:
        from bench.core import pss_kib

        data["worker_pss_kib"] = pss_kib(worker)
    engine.close()
    _emit(data)


# ---------------------------------------------------------------- a bare Textual app (tui-start, memory)


def bare_app() -> None:
    """The smallest honest comparison for the course map: a header, a list, a detail pane, a footer."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import Footer, Header, OptionList, Static

    class Bare(App):
        CSS = "#list { width: 1fr; } #detail { width: 1fr; padding: 1 2; }"
        BINDINGS = [("ctrl+q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            with Horizontal():
                yield OptionList(*[f"Lesson number {n:02d}" for n in range(1, 31)], id="list")
                yield Static("Details of lesson 01", id="detail")
            yield Footer()

        def on_mount(self) -> None:
            self.query_one("#list", OptionList).focus()

        def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
            self.query_one("#detail", Static).update(f"Details of lesson {event.option_index + 1:02d}")

    Bare().run()


def pandas_memory() -> None:
    """An interpreter that imported pandas and read one dataset: what any pandas grader holds."""
    import pandas as pd

    from qala.grader.content.course_file import bundled_course_root

    pd.read_csv(bundled_course_root() / "lessons" / "datasets" / "air_daily.csv")
    _emit({"peak_rss_kib": _status_kib(os.getpid(), "VmHWM")})


def main(argv: list[str]) -> int:
    probes = {"floor": floor, "all-solutions": all_solutions, "engine-check": engine_check, "bare-app": bare_app, "pandas-memory": pandas_memory}
    if not argv or argv[0] not in probes:
        sys.stderr.write(f"usage: python -m bench.probe {{{','.join(probes)}}} ARGS...\n")
        return 2
    probes[argv[0]](*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
