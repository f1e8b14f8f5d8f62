"""`qala import` of a big instructor notebook, from the shell, into a teacher's course.

The notebook is the largest of the corpus of real instructor notebooks (issue 13: Data 88E's
Project 3, 244 cells) when QALA_NOTEBOOK_CORPUS names the corpus folder; otherwise a notebook
generated here with the same shape: otter-grader's format, 244 cells, 17 auto-graded questions
(public range and type tests, hidden `np.isclose` tests), 3 manual ones, prose and demo cells
between them, and a 30,000-row CSV beside it that the solutions read with pandas. The results
say which one was imported.

The figure is what a teacher waits for: `qala import NOTEBOOK --track T --course C --json` from
spawn to exit (the notebook read, each question turned into an exercise and every generated
check tried against the notebook's own solution, the data file copied, the lesson listed in
course.toml and self-tested by validate), each time into a fresh copy of the course with a
fresh home. Target (issue 13): under 5 s on 2 cores. The baseline is the least any importer
that proves its checks must do: a fresh interpreter that imports pandas and runs every code
cell of the notebook once, in order.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import textwrap
from pathlib import Path

from .core import REPO, Context, Figure, Skip, bench_env, qala_command, summary, timed_run, under

CELLS = 244
TRACK = "imported"


def corpus_notebook() -> Path | None:
    """The largest notebook (by cells) of the corpus QALA_NOTEBOOK_CORPUS names, if it is set."""
    folder = os.environ.get("QALA_NOTEBOOK_CORPUS")
    if not folder:
        return None
    found = []
    for path in sorted(Path(folder).glob("*/*.ipynb")):
        try:
            found.append((len(json.loads(path.read_text(encoding="utf-8"))["cells"]), path))
        except (OSError, ValueError, KeyError):
            continue
    return max(found)[1] if found else None


def _cell(kind: str, source: str) -> dict:
    cell: dict = {"cell_type": kind, "metadata": {}, "source": source.strip("\n")}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


# The questions' answers: an expression over the data frame `defaults`, all different.
ANSWERS = [
    'float(defaults["limit"].mean())',
    'float(defaults["age"].median())',
    'float(defaults["bill_1"].corr(defaults["pay_1"]))',
    *[f'float((defaults["bill_{k}"] - defaults["pay_{k}"]).mean())' for k in range(1, 7)],
    *[f'float(defaults.loc[defaults["default"] == 1, "bill_{k}"].mean())' for k in range(1, 5)],
    'float(defaults.groupby("education")["limit"].mean().max())',
    'float(defaults["default"].mean())',
    'float((defaults["pay_1"] > 0).mean())',
    'float(defaults.groupby("sex")["age"].mean().min())',
]


def generate(folder: Path) -> Path:
    """Write a 244-cell otter-grader notebook and the CSV it reads into ``folder``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(88)
    rows = 30_000
    data = {
        "limit": rng.integers(10, 800, rows) * 1000,
        "sex": rng.integers(1, 3, rows),
        "education": rng.integers(1, 5, rows),
        "age": rng.integers(21, 75, rows),
    }
    for k in range(1, 7):
        data[f"bill_{k}"] = rng.normal(50_000, 20_000, rows).round(0)
        data[f"pay_{k}"] = (rng.random(rows) * data[f"bill_{k}"] * 0.3).round(0)
    data["default"] = (rng.random(rows) < 0.22).astype(int)
    frame = pd.DataFrame(data)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "defaults.csv", index=False)
    defaults = frame  # the name the answers use
    cells = [
        _cell("raw", "# ASSIGNMENT CONFIG\ninit_cell: false\nexport_cell: false\ncheck_all_cell: false\ngenerate: true"),
        _cell("markdown", "# Project: who pays back a credit card?\n\nThirty thousand card holders, six months of bills and payments."),
        _cell("code", 'import numpy as np\nimport pandas as pd\n\ndefaults = pd.read_csv("defaults.csv")\ndefaults.head()'),
        _cell("code", 'import otter\n\ngrader = otter.Notebook("project.ipynb")'),
    ]
    for number, answer in enumerate(ANSWERS, start=1):
        value = eval(answer, {"defaults": defaults})  # noqa: S307 - our own expressions, to write the hidden tests
        name = f"q{number}"
        cells += [
            _cell("raw", f"# BEGIN QUESTION\nname: {name}\npoints: 2"),
            _cell("markdown", f"**Question {number}.** Compute the figure below from `defaults` and store it in `{name}`."),
            _cell("raw", "# BEGIN SOLUTION"),
            _cell("code", f"{name} = {answer} # SOLUTION"),
            _cell("raw", "# END SOLUTION"),
            _cell("raw", "# BEGIN TESTS"),
            _cell("code", f"isinstance({name}, float)"),
            _cell("code", f"{min(value, 0) * 2 - 1} <= {name} <= {max(value, 0) * 2 + 1}"),
            _cell("code", f"# HIDDEN\nnp.isclose({name}, {value!r})"),
            _cell("raw", "# END TESTS"),
            _cell("raw", "# END QUESTION"),
            _cell("markdown", f"What does `{name}` say about the card holders? Look at a few rows before the next question."),
            _cell("code", f'defaults[["bill_{number % 6 + 1}", "pay_{number % 6 + 1}"]].describe()'),
        ]
        if number in (5, 10, 15):
            manual = f"w{number}"
            cells += [
                _cell("raw", f"# BEGIN QUESTION\nname: {manual}\nmanual: true\npoints: 2"),
                _cell("markdown", "**Written question.** In two sentences: what could make this figure misleading?"),
                _cell("raw", "# BEGIN SOLUTION"),
                _cell("markdown", "**SOLUTION:** The bills are not adjusted for the months' lengths, and defaults cluster by age."),
                _cell("raw", "# END SOLUTION"),
                _cell("raw", "# END QUESTION"),
            ]
    cells.append(_cell("markdown", "## References\n\nThe data set is synthetic, shaped like the one the course uses."))
    assert len(cells) == CELLS, len(cells)
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "project.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


BASELINE = textwrap.dedent(
    """
    import contextlib, io, json, os, sys, time
    started = time.perf_counter()
    import pandas  # noqa: F401
    path = sys.argv[1]
    os.chdir(os.path.dirname(path))
    cells = [c for c in json.load(open(path, encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    scope, failed = {"__name__": "__main__"}, 0
    for cell in cells:
        source = "".join(cell["source"])
        lines = [l for l in source.splitlines() if not l.lstrip().startswith(("%", "!")) and "otter" not in l and "grader." not in l]
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile("\\n".join(lines), "cell", "exec"), scope)
        except Exception:
            failed += 1
    print(json.dumps({"cells": len(cells), "failed": failed, "seconds": time.perf_counter() - started}))
    """
)


def run(ctx: Context) -> list[Figure]:
    real = corpus_notebook()
    if real is not None:
        notebook, source = real, f"the corpus's largest notebook, {real.parent.name}/{real.name}"
    else:
        notebook, source = generate(ctx.tempdir("import-notebook")), "a generated otter-grader notebook of the same shape (QALA_NOTEBOOK_CORPUS not set)"
    cells = len(json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    course = ctx.tempdir("import-course") / "course"
    made = timed_run([*qala_command(), "--home", str(ctx.tempdir("import-home")), "new", "course", str(course)], env=bench_env())
    if made.returncode != 0:
        raise Skip(f"qala new course failed: {made.stderr.strip()[-300:]}")
    toml = course / "course" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f'\n[[track]]\nid = "{TRACK}"\ntitle = {{ en = "Imported" }}\nlessons = []\n', encoding="utf-8")
    samples, alone, last = [], [], None
    for _ in range(ctx.reps(3, 1)):
        target = ctx.tempdir("import-run") / "course"
        shutil.copytree(course, target)
        home = ctx.tempdir("import-home")
        last = timed_run([*qala_command(), "--home", str(home), "import", str(notebook), "--track", TRACK, "--course", str(target), "--json"], env=bench_env())
        if last.returncode not in (0, 1):  # 1: imported, but the lesson does not validate yet (reported)
            raise RuntimeError(f"qala import failed (exit {last.returncode}): {(last.stderr or last.stdout).strip()[-500:]}")
        samples.append(last.seconds)
        # The same import written outside the course's lessons/: no listing, no self-test by validate.
        out = ctx.tempdir("import-out") / f"{notebook.stem}.md"
        bare = timed_run(
            [
                *qala_command(),
                "--home",
                str(ctx.tempdir("import-home")),
                "import",
                str(notebook),
                "--track",
                TRACK,
                "--course",
                str(course),
                "--out",
                str(out),
                "--json",
            ],
            env=bench_env(),
        )
        if bare.returncode == 0:
            alone.append(bare.seconds)
    assert last is not None
    report = json.loads(last.stdout)
    floor_run = timed_run([ctx.python, "-c", BASELINE, str(notebook)], cwd=REPO, env=bench_env())
    floor = json.loads(floor_run.stdout.strip().splitlines()[-1]) if floor_run.returncode == 0 else {}
    median = statistics.median(samples)
    exercises = report.get("exercises", [])
    checks = sum(e.get("checks", 0) if isinstance(e, dict) else 0 for e in exercises)
    figures = [
        Figure(
            "import",
            "qala import of a 244-cell notebook, from the shell",
            median,
            "s",
            "a fresh interpreter: import pandas, run every code cell once",
            floor_run.seconds if floor_run.returncode == 0 else None,
            [under(median, 5, f"< 5 s on {os.cpu_count()} cores")],
            notes=f"{source}; {cells} cells, {len(exercises)} exercises, {checks} checks; exit {last.returncode}"
            + (f", {len(report.get('errors', []))} validate errors" if report.get("errors") else ", validates"),
            details={
                "notebook": source,
                "cells": cells,
                "samples_s": samples,
                "summary": summary(samples),
                "exit": last.returncode,
                "exercises": len(exercises),
                "checks": checks,
                "validated": report.get("validated"),
                "errors": report.get("errors", []),
                "notes": len(report.get("notes", [])),
                "baseline_cells_failed": floor.get("failed"),
            },
        )
    ]
    if alone:
        figures.append(
            Figure(
                "import.without_self_test",
                "the same import written outside lessons/ (no self-test by validate)",
                statistics.median(alone),
                "s",
                "a fresh interpreter: import pandas, run every code cell once",
                floor_run.seconds if floor_run.returncode == 0 else None,
                [under(statistics.median(alone), 5, f"< 5 s on {os.cpu_count()} cores")],
                notes="each generated check still tried against the notebook's solution; the lesson neither listed nor validated",
                details={"samples_s": alone, "summary": summary(alone)},
            )
        )
    return figures
