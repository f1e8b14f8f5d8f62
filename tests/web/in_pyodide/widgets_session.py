"""Run under Pyodide (by test_widgets_in_pyodide.py): each kind's `%%check` cell run as handed out,
in a real IPython shell started as the site's kernel starts it, on the small course of
tests/kinds_lesson.py. With ipywidgets among the wheels, the cell shows its form: the test fills it
in, clicks Check (ipywidgets' own click), and records the verdict under the form. Without it (the
site's Pyodide cannot load it), the cell is checked as typed, as before forms existed.
Prints one line: QALA-RESULT {what was seen}.
"""

import json
import os
import sys
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from qala.web import notebook, widgets

PROGRESS = Path(os.environ["QALA_PROGRESS"])
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

shell = InteractiveShell.instance()
notebook.use_session(notebook.Session(storage=notebook.FolderStorage(PROGRESS), work_home=Path("/tmp/qala-work")))
startup = Path(notebook.__file__).with_name("kernel_startup.py")
shell.safe_execfile(str(startup), shell.user_ns, raise_exceptions=True)
seen: dict = {"widgets_at_start": "ipywidgets" in sys.modules}


async def run(cell: str) -> dict:
    with capture_output() as captured:
        result = await shell.run_cell_async(cell, transformed_cell=shell.transform_cell(cell), store_history=True)
    return {
        "ok": result.success,
        "error": repr(result.error_in_exec or result.error_before_exec) if not result.success else None,
        "stdout": captured.stdout,
        "kinds": sorted({kind for o in captured.outputs for kind in o.data}),
        "html": "".join(o.data.get("text/html", "") for o in captured.outputs),
    }


def attempts() -> int:
    path = PROGRESS / notebook.PROGRESS_FILE
    return len(json.loads(path.read_text(encoding="utf-8"))["attempts"]) if path.exists() else 0


async def click(form) -> dict:
    form.button.click()  # what the page's button does: the kernel's on_click handlers run
    await form.pending
    return {"answer": form.answer(), "feedback": form.feedback.value, "attempts": attempts()}


await run('await start("kinds", "en")')
lesson = notebook.session().engine.lesson("kinds")
for exercise in lesson.exercises:
    seen[exercise.id] = await run(f"%%check {exercise.id}\n{notebook.check_cell_body(exercise)}\n")
seen["attempts_after_showing"] = attempts()
seen["widgets_loaded"] = "ipywidgets" in sys.modules

if widgets.shown:
    form = widgets.shown["first-month"]
    form.prediction.value = "54\n3 months"
    seen["predict_wrong"] = await click(form)
    form.prediction.value = "52\n3 months"
    seen["predict_right"] = await click(form)

    form = widgets.shown["denominator"]
    form.radio.value = "a"
    seen["choice_wrong"] = await click(form)
    form.radio.value = "b"
    seen["choice_right"] = await click(form)

    form = widgets.shown["loop-total"]
    seen["parsons_untouched"] = await click(form)  # the mixed lines as given: not graded
    order = ["pm25 = [52, 54, 28]", "total = 0", "for value in pm25:", "total = total + value", "total = value"]
    for place, line in enumerate(order):
        for row in range([r[0] for r in form.rows].index(line), place, -1):
            form.row_widgets[row][0].children[1].click()  # ↑
    form.row_widgets[3][0].children[4].click()  # →
    form.row_widgets[4][1].value = False  # untick the line that does not belong
    seen["parsons_labels"] = [use.description for _row, use in form.row_widgets]
    seen["parsons_right"] = await click(form)
    seen["total_in_notebook"] = shell.user_ns.get("total")

    form = widgets.shown["fill-mean"]
    form.blanks[0].value = "sum"
    seen["fill_one_blank"] = await click(form)
    form.blanks[1].value = "len"
    seen["fill_right"] = await click(form)
    seen["mean_in_notebook"] = shell.user_ns.get("mean")

print("QALA-RESULT " + json.dumps(seen, ensure_ascii=False))
