"""`qala check` from the shell, cold, beside the least any Python tool could do.

The figure is the wall time of `qala check LESSON EXERCISE FILE --json` from spawn to exit,
with the reference solution's result already cached in the home folder (the second check of a
learner's day; the very first one, which also runs the reference solution, is in the notes).
The baseline is `python -c "import pandas"` (spawn to exit) plus the solution's own run time,
measured in-process with pandas imported (the floor of the check benchmark).

Qala's modules are compiled to bytecode first, as installing a wheel does (pandas' are): an
editable checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile them from source at
every start, which no learner's install does.
"""

from __future__ import annotations

from pathlib import Path

from .check import EXERCISES, learners_copy
from .core import Context, Figure, at_most, bench_env, ms, probe, qala_command, summary, timed_run


def run(ctx: Context) -> list[Figure]:
    lesson, exercise, _ = EXERCISES[0]
    reps = ctx.reps(7, 3)
    folder = ctx.tempdir("cold-check")
    home = folder / "home"
    solution = folder / "answer.py"
    from qala.grader.content.course_file import bundled_course_root, load_course

    course, _ = load_course(bundled_course_root())
    compile_qala()
    solution.write_text(learners_copy(course.lesson(lesson).exercise(exercise).solution), encoding="utf-8")
    cmd = [*qala_command(), "--home", str(home), "check", lesson, exercise, str(solution), "--json"]
    first = timed_run(cmd, env=bench_env())
    if first.returncode != 0:
        raise RuntimeError(f"qala check did not pass the reference solution (exit {first.returncode}): {first.stderr[-400:]}")
    before_home = folder / "home-before"
    before_cmd = [*qala_command(), "--home", str(before_home), "check", lesson, exercise, str(solution), "--json"]
    timed_run(before_cmd, env=bench_env(QALA_VARIANTS="0"))  # its reference cached, as above
    checks, imports, bare, before = [], [], [], []
    for _ in range(reps):  # interleaved, so a busy moment on the machine hits both alike
        checks.append(timed_run(cmd, env=bench_env()).seconds)
        before.append(timed_run(before_cmd, env=bench_env(QALA_VARIANTS="0")).seconds)
        imports.append(timed_run([ctx.python, "-c", "import pandas"], env=bench_env()).seconds)
        bare.append(timed_run([ctx.python, "-c", "pass"], env=bench_env()).seconds)
    floor = probe(ctx, "floor", lesson, exercise, str(ctx.reps(20, 5)))
    check_ms = summary([ms(s) for s in checks])["median"]
    import_ms = summary([ms(s) for s in imports])["median"]
    floor_ms = ms(summary(floor["samples"])["median"])
    baseline = import_ms + floor_ms
    before_ms = summary([ms(s) for s in before])["median"]
    return [
        Figure(
            "cold_check.before_variants",
            f"qala check from the shell, cold, before variants (QALA_VARIANTS=0): {lesson}/{exercise}",
            before_ms,
            "ms",
            "python -c 'import pandas' + solution",
            baseline,
            [at_most(before_ms / baseline, 1.3, "≤ 1.3× baseline")],
            notes="the row below is the same check with hidden variants, in the same run",
            details={"samples_ms": [ms(s) for s in before]},
        ),
        Figure(
            "cold_check",
            f"qala check from the shell, cold: {lesson}/{exercise}",
            check_ms,
            "ms",
            "python -c 'import pandas' + solution",
            baseline,
            [at_most(check_ms / baseline, 1.3, "≤ 1.3× baseline")],
            notes=f"import pandas {import_ms:.0f} ms + solution {floor_ms:.1f} ms; first check of a fresh home (runs the reference too): {ms(first.seconds):.0f} ms",
            details={
                "samples_ms": [ms(s) for s in checks],
                "import_pandas_ms": [ms(s) for s in imports],
                "python_pass_ms": [ms(s) for s in bare],
                "floor_ms": [ms(s) for s in floor["samples"]],
                "first_check_fresh_home_ms": ms(first.seconds),
                "command": " ".join(cmd[:1] + ["…"] + cmd[-5:]),
            },
        ),
    ]


def compile_qala() -> None:
    """Qala's bytecode, written where an installed wheel has it (beside each module)."""
    import compileall
    import importlib

    for name in ("qala.grader", "qala.tui", "qala.web"):
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
