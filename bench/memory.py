"""Peak memory of the terminal app and of the warm worker, beside what they are built on.

- **The terminal app**: `qala tui --lesson …` running for real in a pseudo-terminal, after six
  checks of a pandas exercise (three passing, three failing, plus warm-up); the app process's
  peak resident set (VmHWM, from /proc). Baseline: the bare Textual app of the tui-start
  benchmark (header, 30-item list, detail pane, footer), started the same way and answering a key.
- **The warm worker**: its peak resident set after those checks. Baseline: an interpreter that
  imported pandas and read the daily air data. (Each check forks a sandbox from the worker; the
  fork shares the worker's pages, so a check adds little beyond the learner's own data.)

A regrade's memory is measured by the regrade benchmark (it needs the class).
"""

from __future__ import annotations

from .check import EXERCISES, run_app_checks
from .core import REPO, Context, Figure, bench_env, peak_rss_kib, probe
from .terminal import DOWN, Terminal


def run(ctx: Context) -> list[Figure]:
    lesson, exercise, _ = EXERCISES[0]
    app = run_app_checks(ctx, lesson, exercise, reps=1)["memory"]
    with Terminal([ctx.python, "-m", "bench.probe", "bare-app"], bench_env(), cwd=REPO) as bare:
        bare.wait_for("Lesson number 01", "Details of lesson 01", since_key=False)
        bare.send(DOWN)
        bare.wait_for("Details of lesson 02")
        bare_kib = peak_rss_kib(bare.pid)
    pandas = probe(ctx, "pandas-memory")
    figures = [
        Figure(
            "memory.app",
            "peak memory of the terminal app (VmHWM), after 8 checks of a pandas exercise",
            app["app_peak_rss_kib"] / 1024,
            "MiB",
            "bare Textual app",
            bare_kib / 1024 if bare_kib else None,
            notes="the app process alone: learner code runs in the worker's forks",
            details={"app": app, "bare_peak_rss_kib": bare_kib},
        )
    ]
    if app.get("worker_peak_rss_kib"):
        figures.append(
            Figure(
                "memory.worker",
                "peak memory of the warm worker (VmHWM)",
                app["worker_peak_rss_kib"] / 1024,
                "MiB",
                "python + import pandas + read_csv",
                pandas["peak_rss_kib"] / 1024,
                notes=f"PSS {app['worker_pss_kib'] / 1024:.0f} MiB" if app.get("worker_pss_kib") else "",
                details={"worker": app, "pandas": pandas},
            )
        )
    return figures
