"""Terminal app start, to a course map that answers a key, beside a bare Textual app.

Both apps run for real, as a user starts them, in a pseudo-terminal (120×40, xterm-256color):
`qala tui` through the installed console script (argument parsing, the course read from disk,
the progress store opened, the app started), and a bare Textual app with a header, a 30-item
list, a detail pane and a footer (`python -m bench.probe bare-app`).

"Interactive" means: the map is drawn with its content (the continue button and the lesson
list), and a key sent then (↓) is answered — the detail pane shows the next lesson. The clock
runs from spawn to the answer; the figure for "map drawn" is kept beside it. The home folder
was used once before (the progress database exists), as on every start but the first.
"""

from __future__ import annotations

from pathlib import Path

from .core import REPO, Context, Figure, Skip, bench_env, ms, qala_command, summary, under
from .terminal import COLUMNS, DOWN, LINES, Terminal


def time_to_interactive(cmd: list[str], env: dict, drawn: list[str], answered: str, cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from spawn until every text in ``drawn`` is on screen, and until ``answered``
    appears after a ↓ sent at that moment."""
    with Terminal(cmd, env, cwd) as terminal:
        drawn_at = terminal.wait_for(*drawn, since_key=False)
        terminal.send(DOWN)
        return drawn_at, terminal.wait_for(answered)


def _markers(home: Path) -> tuple[list[str], str]:
    """What the map shows first, and what its detail pane shows after ↓ (the second lesson's summary)."""
    from qala.grader.engine import Engine

    engine = Engine(home=home, language="en")
    try:
        views = engine.course_map()
        lessons = [lv.lesson for tv in views for lv in tv.lessons]
        point = engine.continue_point()
        if point is None or len(lessons) < 2 or point[0].id != lessons[0].id:
            raise Skip("the course map does not start at its first lesson with this home")
        first, second = lessons[0].text("en"), lessons[1].text("en")
        words = " ".join((second.summary or second.title).split()[:3])
        return ["Start here", first.title[:30]], words
    finally:
        engine.close()


def run(ctx: Context) -> list[Figure]:
    reps = ctx.reps(5, 2)
    home = ctx.tempdir("tui-home")
    env = bench_env(QALA_HOME=str(home))
    drawn, answered = _markers(home)  # this also makes the progress database, as a first start would
    qala = [*qala_command(), "tui"]
    bare = [ctx.python, "-m", "bench.probe", "bare-app"]
    app_samples, app_drawn, bare_samples, bare_drawn = [], [], [], []
    for _ in range(reps):  # interleaved, so a busy moment on the machine hits both alike
        d, a = time_to_interactive(qala, env, drawn, answered)
        app_drawn.append(d)
        app_samples.append(a)
        d, a = time_to_interactive(bare, bench_env(), ["Lesson number 01", "Details of lesson 01"], "Details of lesson 02", cwd=REPO)
        bare_drawn.append(d)
        bare_samples.append(a)
    app = summary([ms(s) for s in app_samples])
    base = summary([ms(s) for s in bare_samples])
    return [
        Figure(
            "tui_start.interactive",
            "terminal app start → course map answers a key (pty)",
            app["median"] / 1000,
            "s",
            "bare Textual app, same test",
            base["median"] / 1000,
            [under(app["median"] / 1000, 1.0, "< 1 s")],
            notes=f"map drawn at {summary(app_drawn)['median']:.2f} s (bare app: {summary(bare_drawn)['median']:.2f} s)",
            details={
                "samples_s": app_samples,
                "drawn_s": app_drawn,
                "bare_samples_s": bare_samples,
                "bare_drawn_s": bare_drawn,
                "command": "qala tui",
                "terminal": f"{COLUMNS}x{LINES} xterm-256color",
            },
        ),
    ]
