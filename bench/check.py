"""A check as the terminal app does it, warm, beside the floor: the same solution run in-process.

- **Engine.check()** is what the app's check worker calls: plan the run, run the learner's code
  in a sandbox forked from the warm worker, judge the evidence, record the attempt in SQLite.
  The first three checks (the first one-shot, then the worker starting) are not counted.
- **F5 in the app**: `qala tui --lesson …` running for real in a pseudo-terminal (see
  terminal.py), a passing answer in the editor; from the key sent to "Passed!" drawn on the
  screen: the key read by the driver, the check's thread worker, the same Engine.check, the
  message back, the feedback rendered and written to the terminal.

The code checked is the reference solution plus a comment line, as a learner's copy would be:
byte-for-byte the reference, it would not run at all (its result is cached with the reference's).
- **The floor**: the reference solution `exec`'d in an interpreter that already imported pandas,
  after two warm-up runs (pandas' lazy parts and the page cache loaded, as in the warm worker).

Two exercises: a light one (groupby on the daily air data, the regrade's lesson) and a heavier
one (three years of Onay rides from a gzipped CSV), to show how the fixed cost of a sandboxed
run weighs on each.
"""

from __future__ import annotations

from .core import Context, Figure, at_most, bench_env, ms, probe, qala_command, summary, under
from .terminal import app_checks

EXERCISES = (
    ("pandas-groupby-districts", "district-means", "light"),
    ("onay-fares", "daily-trips", "heavier"),
)


def learners_copy(solution: str) -> str:
    """The reference solution as a learner would submit it: same code, not the same bytes."""
    return solution.rstrip("\n") + "\n# my answer\n"


def run(ctx: Context) -> list[Figure]:
    figures = []
    for number, (lesson, exercise, weight) in enumerate(EXERCISES):
        reps = str(ctx.reps(20, 5))
        floor = probe(ctx, "floor", lesson, exercise, reps)
        floor_ms = ms(summary(floor["samples"])["median"])
        # Issue 14.1: the same check without hidden variants (QALA_VARIANTS=0), in the same run.
        before = probe(ctx, "engine-check", lesson, exercise, reps, str(ctx.tempdir("check-home-before")), env=bench_env(QALA_VARIANTS="0"))
        before_stats = summary([ms(s) for s in before["samples"]])
        home = ctx.tempdir("check-home")
        engine = probe(ctx, "engine-check", lesson, exercise, reps, str(home))
        stats = summary([ms(s) for s in engine["samples"]])
        figures.append(
            Figure(
                f"check.warm.{weight}.before_variants",
                f"check, warm (Engine.check), {weight}, before variants (QALA_VARIANTS=0): {lesson}/{exercise}",
                before_stats["median"],
                "ms",
                "floor: solution in-process",
                floor_ms,
                [under(before_stats["median"], 100, "< 100 ms")],
                notes=f"p90 {before_stats['p90']:.0f} ms; the row below is the same check with variants",
                details={"samples_ms": [ms(s) for s in before["samples"]], "stats": before_stats},
            )
        )
        figures.append(
            Figure(
                f"check.warm.{weight}",
                f"check, warm (Engine.check), {weight}: {lesson}/{exercise}",
                stats["median"],
                "ms",
                "floor: solution in-process",
                floor_ms,
                [under(stats["median"], 100, "< 100 ms"), at_most(stats["median"] / floor_ms if floor_ms else None, 1.5, "≤ 1.5× floor")],
                notes=f"p90 {stats['p90']:.0f} ms; runner {engine['runner']}; passed={engine['passed']}",
                details={
                    "samples_ms": [ms(s) for s in engine["samples"]],
                    "first_three_ms": [ms(s) for s in engine["first_three"]],
                    "floor_samples_ms": [ms(s) for s in floor["samples"]],
                    "stats": stats,
                    "runner": engine["runner"],
                },
            )
        )
        if number == 0:
            app = run_app_checks(ctx, lesson, exercise, ctx.reps(10, 3))
            app_stats = summary([ms(s) for s in app["samples"]])
            figures.append(
                Figure(
                    "check.app",
                    f'check in the terminal app, F5 → "Passed!" drawn (pty), {weight}: {lesson}/{exercise}',
                    app_stats["median"],
                    "ms",
                    "floor: solution in-process",
                    floor_ms,
                    [under(app_stats["median"], 100, "< 100 ms"), at_most(app_stats["median"] / floor_ms if floor_ms else None, 1.5, "≤ 1.5× floor")],
                    notes=f"p90 {app_stats['p90']:.0f} ms; Engine.check inside it: see the row above",
                    details={"samples_ms": [ms(s) for s in app["samples"]], "warmup_ms": [ms(s) for s in app["warmup"]], "stats": app_stats},
                )
            )
    return figures


def run_app_checks(ctx: Context, lesson: str, exercise: str, reps: int) -> dict:
    """The real terminal app at a lesson whose editor holds the reference solution."""
    from qala.grader.engine import Engine

    home = ctx.tempdir("app-home")
    engine = Engine(home=home, language="en")
    try:
        item = engine.lesson(lesson).exercise(exercise)
        engine.save_draft(lesson, exercise, learners_copy(item.solution))
    finally:
        engine.close()
    return app_checks([*qala_command(), "tui", "--lesson", lesson], bench_env(QALA_HOME=str(home)), reps)
