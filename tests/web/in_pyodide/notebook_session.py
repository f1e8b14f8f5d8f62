"""Run under Pyodide (by test_grader_in_pyodide.py): a learner's session with the in-notebook API.

A real IPython shell, started the way the site's kernel starts it (the startup file from the
`qala` wheel), runs the cells a learner runs: the generated `start` cell, `%%check` cells (the
starter unchanged, a wrong answer, a right one, an endless loop), `hint`, `progress`, `export`.
Progress goes to a host folder (QALA_PROGRESS), which the host test then reads with CPython.
Prints one line: QALA-RESULT {step: what the learner saw}.
"""

import base64
import json
import os
import re
import sys
import time
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from qala.web import notebook

PROGRESS = Path(os.environ["QALA_PROGRESS"])
LESSON, LANGUAGE = "monthly-air", os.environ.get("QALA_LANGUAGE", "ru")
PM25 = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\n"

shell = InteractiveShell.instance()
notebook.use_session(notebook.Session(storage=notebook.FolderStorage(PROGRESS), work_home=Path("/tmp/qala-work")))
startup = Path(notebook.__file__).with_name("kernel_startup.py")
shell.safe_execfile(str(startup), shell.user_ns, raise_exceptions=True)  # as IPython does with PYTHONSTARTUP
shell.run_cell("from IPython.display import display")
seen = {
    "startup_names": sorted(n for n in ("start", "hint", "progress", "export") if n in shell.user_ns),
    "transformer": notebook.transform_check_cell in shell.input_transformers_cleanup,
}


async def run(name: str, cell: str) -> dict:
    started = time.perf_counter()
    with capture_output() as captured:
        result = await shell.run_cell_async(cell, transformed_cell=shell.transform_cell(cell), store_history=True)
    seen[name] = {
        "ok": result.success,
        "error": repr(result.error_in_exec or result.error_before_exec) if not result.success else None,
        "stdout": captured.stdout,
        "html": "".join(o.data.get("text/html", "") for o in captured.outputs),
        "markdown": "".join(o.data.get("text/markdown", "") for o in captured.outputs),
        "seconds": time.perf_counter() - started,
    }
    return seen[name]


def attempts() -> int:
    path = PROGRESS / notebook.PROGRESS_FILE
    return len(json.loads(path.read_text(encoding="utf-8"))["attempts"]) if path.exists() else 0


await run("start", f'welcome = await start("{LESSON}", "{LANGUAGE}")\ndisplay(welcome)')
lesson = notebook.session().engine.course.lesson(LESSON)
starter_code = lesson.exercise("january").starter
await run("starter", f"%%check january\n{starter_code}\n")
seen["attempts_after_starter"] = attempts()
await run("wrong", f"%%check january\n{PM25}january = pm25[1]\nprint('january is', january)\n")
await run("right", f"%%check january\n{PM25}january = pm25[0]\nprint('january is', january)\n")
await run("variable_kept", "print(january * 2)")
await run("loop", "%%check yearly-mean\nmean_pm25 = 0\nwhile True:\n    mean_pm25 = mean_pm25 + 1\n")
await run("after_loop", "print('still alive')")
await run("unknown", "%%check no-such-exercise\nx = 1\n")
await run("no_name", "%%check\nx = 1\n")
await run("hint1", 'display(hint("smoky-months"))')
await run("hint2", 'display(hint("smoky-months"))')
await run("progress", "display(progress())")
await run("export", 'display(export("Айгерим С."))')
link = re.search(r'download="([^"]+)" href="data:application/json;charset=utf-8;base64,([^"]+)"', seen["export"]["html"])
seen["export_file"] = link.group(1) if link else None
seen["export_data"] = json.loads(base64.b64decode(link.group(2))) if link else None

needs_pandas = next((lesson for lesson in notebook.session().engine.course.ordered_lessons() if "pandas" in lesson.needs), None)
before = attempts()
if needs_pandas is not None:
    exercise = needs_pandas.exercises[0]
    await run("needs_pandas", f"%%check {needs_pandas.id}/{exercise.id}\n{exercise.solution}\n")
seen["needs_pandas_lesson"] = needs_pandas.id if needs_pandas else None
seen["attempts_after_needs_pandas"] = attempts() - before

# Another tab: a second session on the same storage sees what this one saved.
other = notebook.Session(storage=notebook.FolderStorage(PROGRESS), work_home=Path("/tmp/qala-other"))
await other.open()
seen["other_tab_progress"] = other.progress().html()
seen["summary"] = json.loads((PROGRESS / notebook.SUMMARY_FILE).read_text(encoding="utf-8"))
seen["platform"] = sys.platform
seen["heavy_modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "pandas", "numpy", "platformdirs"))
print("QALA-RESULT " + json.dumps(seen, ensure_ascii=False))
