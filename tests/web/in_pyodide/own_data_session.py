"""Run under Pyodide (by test_own_data_in_pyodide.py): a pupil's own file in a lesson's notebook.

A real IPython shell started as the site's kernel starts it; the pupil's Windows-1251 file sits
in the file browser's folder (a host folder mounted at /drive). `use_my_data` reads it, plain
cells then read it as datasets/air_daily.csv, `%%check` stays graded on the course's data, the
engine explores with the in-process runner, and `use_my_data(reset=True)` goes back.
Prints one line: QALA-RESULT {step: what the pupil saw}.
"""

import json
import os
import sys
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from qala.web import notebook

shell = InteractiveShell.instance()
notebook.use_session(notebook.Session(storage=notebook.FolderStorage(Path("/tmp/progress")), work_home=Path("/tmp/qala-work")))
startup = Path(notebook.__file__).with_name("kernel_startup.py")
shell.safe_execfile(str(startup), shell.user_ns, raise_exceptions=True)
seen = {"platform": sys.platform, "helper": "use_my_data" in shell.user_ns}
READ = 'import csv\nrows = list(csv.DictReader(open("datasets/air_daily.csv", encoding="utf-8")))\nprint(sorted({r["station"] for r in rows}), len(rows))\n'


async def run(name: str, cell: str) -> None:
    with capture_output() as captured:
        result = await shell.run_cell_async(cell, transformed_cell=shell.transform_cell(cell), store_history=True)
    seen[name] = {
        "ok": result.success,
        "error": repr(result.error_in_exec or result.error_before_exec) if not result.success else None,
        "stdout": captured.stdout,
        "html": "".join(o.data.get("text/html", "") for o in captured.outputs),
    }


await run("start", 'from IPython.display import display\nwelcome = await start("monthly-air", "ru")\ndisplay(welcome)')
await run("before", READ)
await run("use", 'display(use_my_data("мой_воздух.csv", "air_daily"))')
seen["cwd"] = os.getcwd()
await run("after", READ)
await run("right", "%%check january\npm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\njanuary = pm25[0]\n")
engine = notebook.session().engine
explored = engine.explore("monthly-air", "january", READ)
seen["explored"] = {"own": list(explored.own), "output": explored.output, "error": explored.error, "runner": type(engine.runner).__name__}
await run("hostile", 'display(use_my_data("nul.csv", "air_daily"))')
await run("reset", "display(use_my_data(reset=True))")
await run("back", READ)
print("QALA-RESULT " + json.dumps(seen, ensure_ascii=False))
