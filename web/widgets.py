"""Buttons for the exercise kinds that are not (only) code, in the notebook: a text area for a
prediction, radio buttons or checkboxes for a choice, lines to reorder and indent with buttons
for a Parsons problem, a text field per blank for a fill-in; each with a "Check" button.

A kind's `%%check` cell run as it was handed out (empty, or the mixed lines, or the blanks) shows
its form instead of grading nothing. The form makes the very answer a pupil would type under the
`%%check` line, and "Check" sends it through the same `Session.check` as the typed answer (the
engine, progress, XP, the verdict in the pupil's language), shown under the form.

ipywidgets is loaded only when a form is first shown (never at the kernel's start). When it cannot
be loaded, the cell does what it did before forms existed; when the page cannot draw widgets, the
output's HTML alternative says to type the answer under the `%%check` line, which works as ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qala.grader.engine import ExerciseKind, given_lines

from .views import BOX, IN_PYODIDE, CheckResultView, Message

if TYPE_CHECKING:
    from .notebook import Session

KINDS = (ExerciseKind.PREDICT, ExerciseKind.CHOICE, ExerciseKind.PARSONS, ExerciseKind.FILL)

BLANK = re.compile(r"_{3,}")
INDENT = "    "

#: Big enough to tap (44 CSS px, WCAG 2.5.5), readable, monospace where code is typed.
STYLE = """<style>
.qala-answer {max-width: 46em; gap: 6px}
.qala-answer button {min-height: 44px; min-width: 44px; font-size: 16px}
.qala-answer .widget-radio-box label, .qala-answer .widget-checkbox label {min-height: 44px; display: flex; align-items: center; font-size: 16px; gap: 8px}
.qala-answer input[type=radio], .qala-answer input[type=checkbox] {width: 22px; height: 22px}
.qala-answer textarea, .qala-answer input[type=text] {font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 16px; min-height: 44px}
.qala-answer .qala-line label {font-family: ui-monospace, 'DejaVu Sans Mono', monospace; white-space: pre}
.qala-answer .qala-off label {text-decoration: line-through; color: #555}
</style>"""

_ipywidgets: Any = None
#: The form each exercise shows (the last one), so that a test or a re-run can find it.
shown: dict[str, AnswerForm] = {}


async def load_ipywidgets():
    """The ipywidgets module, loaded from the site's Pyodide the first time; None if it cannot be."""
    global _ipywidgets
    if _ipywidgets is not None:
        return _ipywidgets
    try:
        import ipywidgets
    except ImportError:
        if not IN_PYODIDE:
            return None
        try:
            import pyodide_js

            await pyodide_js.loadPackage("ipywidgets")
            import importlib

            importlib.invalidate_caches()
            import ipywidgets
        except Exception:  # noqa: BLE001 - no widgets here: the typed answer still works
            return None
    _ipywidgets = ipywidgets
    return ipywidgets


def parsons_program(rows: list[tuple[str, int, bool]]) -> str:
    """The program a Parsons form stands for: the used lines, in order, each at its indent."""
    return "".join(INDENT * indent + line + "\n" for line, indent, used in rows if used)


def fill_program(template: str, values: list[str]) -> str:
    """The template with its blanks filled in order; an empty field leaves its blank."""
    pieces = BLANK.split(template)
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        value = values[index].strip() if index < len(values) else ""
        out += [value or "___", piece]
    return "".join(out)


async def answer_form(
    session: Session, exercise_id: str | None, code: str, handed_out: Callable[[Any], str], run_in_notebook: Callable[[Session, Any, str], None]
) -> AnswerForm | None:
    """The form for a kind's `%%check` cell run as handed out (`handed_out(exercise)` is what the
    cell held at first); None when the cell is to be checked as typed (an answer is in it, or it is
    a code exercise, or widgets cannot be loaded here). `run_in_notebook` runs code that passed
    its checks in the notebook, as after a typed check."""
    if not exercise_id:
        return None
    try:
        await session.open()
        lesson, exercise = session.find(exercise_id)
    except Exception:  # noqa: BLE001 - the check then says what is wrong, in the pupil's words
        return None
    if exercise.kind not in KINDS or code.strip() != handed_out(exercise).strip():
        return None
    widgets = await load_ipywidgets()
    if widgets is None:
        return None
    form = AnswerForm(session, lesson, exercise, widgets, run_in_notebook)
    shown[exercise.id] = form
    return form


class AnswerForm:
    """One exercise's form: inputs for its kind, a Check button, the verdict under them."""

    def __init__(self, session: Session, lesson, exercise, widgets, run_in_notebook: Callable[[Session, Any, str], None] | None = None):
        self.session = session
        self.run_in_notebook = run_in_notebook
        self.lesson = lesson
        self.exercise = exercise
        self.w = widgets
        self.tr = session.engine.tr
        self.pending: asyncio.Future | None = None  # the check running now, if any
        t = self.tr.t
        text = lesson.text(session.engine.language).exercises.get(exercise.id)
        self.options_text = dict(text.options) if text is not None else {}
        self.feedback = widgets.HTML(value="")
        self.button = widgets.Button(description=t("Check"), button_style="primary", layout=widgets.Layout(min_width="8em"))
        self.button.on_click(self._clicked)
        builder = {
            ExerciseKind.PREDICT: self._predict,
            ExerciseKind.CHOICE: self._choice,
            ExerciseKind.PARSONS: self._parsons,
            ExerciseKind.FILL: self._fill,
        }[exercise.kind]
        inputs = builder()
        self.box = widgets.VBox([widgets.HTML(STYLE), *inputs, self.button, self.feedback])
        self.box.add_class("qala-answer")

    # -- each kind's inputs, and the answer they make (what a pupil would type under %%check)

    def _predict(self) -> list:
        t = self.tr.t
        self.prediction = self.w.Textarea(value="", placeholder=t("What the program prints, line by line"), rows=4, layout=self.w.Layout(width="100%"))
        label = self.w.HTML(f"<b>{html.escape(t('What does the program print? Write it here:'))}</b>")
        return [label, self.prediction]

    def _choice(self) -> list:
        t = self.tr.t
        ids = list(self.exercise.options)
        # An option's words may hold Markdown (`code`, **bold**); a label shows plain text.
        labels = [f"{option}) {re.sub(r'[`*]', '', self.options_text.get(option, ''))}".strip() for option in ids]
        if self.exercise.multiple:
            self.boxes = [self.w.Checkbox(value=False, description=label, indent=False, layout=self.w.Layout(width="auto")) for label in labels]
            head = t("Choose every right answer:")
            return [self.w.HTML(f"<b>{html.escape(head)}</b>"), *self.boxes]
        self.radio = self.w.RadioButtons(options=list(zip(labels, ids, strict=True)), value=None, layout=self.w.Layout(width="auto"))
        return [self.w.HTML(f"<b>{html.escape(t('Choose one answer:'))}</b>"), self.radio]

    def _parsons(self) -> list:
        t = self.tr.t
        self.rows: list[tuple[str, int, bool]] = [(line, 0, True) for line in given_lines(self.exercise)]
        self.row_widgets = []
        for index in range(len(self.rows)):
            use = self.w.Checkbox(value=True, indent=False, layout=self.w.Layout(width="auto", flex="1 1 auto"))
            use.observe(lambda change, i=index: self._use(i, change["new"]), names="value")
            moves = []
            for label, tooltip, step in (
                ("↑", t("Move this line up"), (-1, 0)),
                ("↓", t("Move this line down"), (1, 0)),
                ("←", t("Indent this line less"), (0, -1)),
                ("→", t("Indent this line more"), (0, 1)),
            ):
                button = self.w.Button(description=label, tooltip=tooltip, layout=self.w.Layout(width="44px", height="44px"))
                button.on_click(lambda _b, i=index, s=step: self._move(i, *s))
                moves.append(button)
            row = self.w.HBox([use, *moves], layout=self.w.Layout(align_items="center"))
            row.add_class("qala-line")
            self.row_widgets.append((row, use))
        self._refreshing = False
        self._refresh()
        note = t("Tick the lines the program needs (untick the ones that do not belong), put them in order with ↑ ↓ and indent them with ← →.")
        return [self.w.HTML(html.escape(note)), *(row for row, _ in self.row_widgets)]

    def _use(self, index: int, used: bool) -> None:
        if self._refreshing:
            return
        line, indent, _ = self.rows[index]
        self.rows[index] = (line, indent, used)
        self._refresh()

    def _move(self, index: int, down: int, right: int) -> None:
        if down:
            other = index + down
            if 0 <= other < len(self.rows):
                self.rows[index], self.rows[other] = self.rows[other], self.rows[index]
        if right:
            line, indent, used = self.rows[index]
            self.rows[index] = (line, max(0, min(8, indent + right)), used)
        self._refresh()

    def _refresh(self) -> None:
        t = self.tr.t
        self._refreshing = True
        try:
            for (row, use), (line, indent, used) in zip(self.row_widgets, self.rows, strict=True):
                use.description = "\u00a0" * len(INDENT) * indent + line  # no-break spaces: HTML keeps them
                use.value = used
                if used:
                    row.remove_class("qala-off")
                else:
                    row.add_class("qala-off")
                use.tooltip = t("Use this line") if not used else t("Leave this line out")
        finally:
            self._refreshing = False

    def _fill(self) -> list:
        t = self.tr.t
        template = self.exercise.starter
        count = len(BLANK.findall(template))
        numbered = iter(range(1, count + 1))
        shown_code = BLANK.sub(lambda _m: f"[{next(numbered)}]", html.escape(template.rstrip("\n")))
        code = f'<pre style="font-size:16px;background:#f5f5f5;padding:6px 10px;margin:0">{shown_code}</pre>'
        self.blanks = [
            self.w.Text(
                value="",
                description=t("Blank {number}", number=number),
                placeholder=t("Blank {number}", number=number),
                style={"description_width": "initial"},
                layout=self.w.Layout(width="100%", max_width="30em"),
            )
            for number in range(1, count + 1)
        ]
        return [self.w.HTML(f"<b>{html.escape(t('Fill in each numbered blank:'))}</b>"), self.w.HTML(code), *self.blanks]

    def answer(self) -> str:
        kind = self.exercise.kind
        if kind is ExerciseKind.PREDICT:
            return self.prediction.value
        if kind is ExerciseKind.CHOICE:
            if self.exercise.multiple:
                return ", ".join(option for option, box in zip(self.exercise.options, self.boxes, strict=True) if box.value)
            return self.radio.value or ""
        if kind is ExerciseKind.PARSONS:
            return parsons_program(self.rows)
        return fill_program(self.exercise.starter, [blank.value for blank in self.blanks])

    # -- checking

    def _clicked(self, _button=None) -> None:
        if self.pending is not None and not self.pending.done():
            return
        self.button.disabled = True
        self.pending = asyncio.ensure_future(self.check())

    async def check(self) -> None:
        """Grade the form's answer as the typed one would be, and show the verdict under the form."""
        try:
            answer = self.answer()
            view = await self.session.check(self.exercise.id, answer)
            printed = ""
            if isinstance(view, CheckResultView) and view.ran and self.run_in_notebook is not None:
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    self.run_in_notebook(self.session, self.exercise, answer)
                if out.getvalue().strip():
                    printed = (
                        f'<div style="{BOX}background:#f5f5f5"><div style="font-weight:600">{html.escape(self.tr.t("The program printed:"))}</div>'
                        f'<pre data-qala="output" style="margin:2px 0">{html.escape(out.getvalue())}</pre></div>'
                    )
            self.feedback.value = view.html() + printed
        except Exception as error:  # noqa: BLE001 - say so under the form; the typed answer still works
            print(f"qala: the check failed: {error!r}", file=sys.__stderr__)
            self.feedback.value = Message(
                self.tr.t("This check could not be done: type your answer under the %%check line and run the cell."), kind="error"
            ).html()
        finally:
            self.button.disabled = False

    # -- display: the form where widgets work, else words on how to type the answer

    def fallback_html(self) -> str:
        words = self.tr.t("Type your answer under the %%check line of this cell, then run the cell again.")
        return Message(words).html()

    def text(self) -> str:
        return self.tr.t("Type your answer under the %%check line of this cell, then run the cell again.")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.box._repr_mimebundle_())
        bundle["text/html"] = self.fallback_html()
        bundle["text/plain"] = self.text()
        return bundle
