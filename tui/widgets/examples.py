"""Worked examples in the lesson's words: each an editable code area with a Run button (F5 or
ctrl+r while its code has the focus) that runs it in the sandbox, ungraded (no attempt, no XP),
and shows what it printed, the course's text charts included.

The lesson screen shows its words as :class:`Reading`: Markdown and :class:`ExampleBlock` in
reading order, built from the engine's parts (text and :class:`Example`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Markdown, Static

from qala.grader.engine import Example, ExploreOutcome, Part
from qala.grader.errors import QalaError

from .editor import CodeEditor

MAX_SHOWN = 4000  # characters of output shown under an example


class ExampleBlock(Vertical):
    """One worked example: its code (the learner may change it), a Run button and its output."""

    DEFAULT_CSS = """
    ExampleBlock { height: auto; margin: 0 0 1 0; border-left: thick $accent 50%; padding: 0 0 0 1; }
    ExampleBlock .example-head { height: auto; }
    ExampleBlock .example-label { width: 1fr; color: $text-muted; }
    ExampleBlock .example-run { min-width: 10; height: 1; border: none; margin: 0 1 0 0; }
    ExampleBlock CodeEditor { height: auto; max-height: 20; }
    ExampleBlock .example-output { height: auto; max-height: 30; }
    """

    @dataclass
    class Ran(Message):
        block: ExampleBlock
        outcome: ExploreOutcome | None
        error: str | None

    def __init__(self, lesson_id: str, example: Example, number: int):
        super().__init__(classes="example")
        self.lesson_id = lesson_id
        self.example = example
        self.number = number
        self.running = False

    def compose(self) -> ComposeResult:
        app = self.app
        with Horizontal(classes="example-head"):
            yield Static(app.t("Example {number}: change it and run it; it is not checked", number=self.number), classes="example-label")  # type: ignore[attr-defined]
            yield Button("▶ " + app.t("Run"), classes="example-run", compact=True)  # type: ignore[attr-defined]
        yield CodeEditor.code_editor(self.example.code, language="python", soft_wrap=False, classes="example-code")
        yield Static("", classes="example-output")

    @property
    def code(self) -> str:
        return self.query_one(CodeEditor).text

    @on(Button.Pressed, ".example-run")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    def run(self) -> None:
        """Run the code as it is now, in the sandbox; the output replaces the last one."""
        if self.running:
            return
        self.running = True
        self.query_one(".example-output", Static).update(Text(self.app.t("Running the example (not graded)…"), style="dim"))  # type: ignore[attr-defined]
        self._run(self.code)

    @work(thread=True, group="example", exit_on_error=False)
    def _run(self, code: str) -> None:
        app = self.app
        with app.engine_lock:  # type: ignore[attr-defined]
            try:
                outcome = app.engine.run_example(self.lesson_id, code)  # type: ignore[attr-defined]
            except QalaError as exc:
                self.post_message(self.Ran(self, None, str(exc)))
            except Exception as exc:  # the app must survive anything a run does
                self.post_message(self.Ran(self, None, f"{type(exc).__name__}: {exc}"))
            else:
                self.post_message(self.Ran(self, outcome, None))

    def on_example_block_ran(self, message: Ran) -> None:
        message.stop()
        self.running = False
        text = Text()
        outcome = message.outcome
        if outcome is None:
            text.append("⚠ " + (message.error or ""), style="bold yellow")
        else:
            output = outcome.output if len(outcome.output) <= MAX_SHOWN else outcome.output[:MAX_SHOWN] + "\n…"
            text.append(output.rstrip() or self.app.t("(your code printed nothing)"))  # type: ignore[attr-defined]
            if outcome.error:
                text.append("\n" + outcome.error, style="red")
        self.query_one(".example-output", Static).update(text)


class Reading(Vertical):
    """The lesson's words after the first worked example: Markdown and worked examples in
    reading order (empty, and no height, when the words hold no example)."""

    DEFAULT_CSS = """
    Reading { height: auto; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._shape: list[Example | None] = []

    def show(self, lesson_id: str, parts: list[Part]) -> None:
        """Show ``parts`` (text runs joined into one Markdown each). When the examples are the
        same as shown (a hint was added below), only the text changes: edits to an example stay."""
        runs: list[str | Example] = []
        for part in parts:
            if isinstance(part, str) and runs and isinstance(runs[-1], str):
                runs[-1] += "\n\n" + part
            else:
                runs.append(part)
        shape = [None if isinstance(run, str) else run for run in runs]
        if shape == self._shape:
            for widget, run in zip(self.children, runs, strict=True):
                if isinstance(widget, Markdown) and isinstance(run, str):
                    widget.update(run + "\n")
            return
        self._shape = shape
        widgets: list[Widget] = []
        for run in runs:
            if isinstance(run, str):
                widgets.append(Markdown(run + "\n"))
            else:
                widgets.append(ExampleBlock(lesson_id, run, sum(1 for w in widgets if isinstance(w, ExampleBlock)) + 1))
        with self.app.batch_update():
            self.remove_children()
            if widgets:
                self.mount_all(widgets)

    @property
    def examples(self) -> list[ExampleBlock]:
        return list(self.query(ExampleBlock))


def split_reading(parts: list[Part]) -> tuple[str, list[Part]]:
    """The Markdown up to the first worked example, and the parts from it on."""
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            return "\n\n".join(p for p in parts[:index] if isinstance(p, str)) + "\n", list(parts[index:])
    return "\n\n".join(p for p in parts if isinstance(p, str)) + "\n", []


def focused_example(widget: Widget | None) -> ExampleBlock | None:
    """The worked example whose code (or Run button) has the focus, if any."""
    node = widget
    while node is not None:
        if isinstance(node, ExampleBlock):
            return node
        node = node.parent  # type: ignore[assignment]
    return None
