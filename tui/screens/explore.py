"""Explore with your data: run the editor's code on the learner's own file (`qala datasets use`),
ungraded. Nothing is kept: no attempt, no XP; checks (F5) always use the course's data.

The lesson screen inherits this; the run happens in a thread worker that reports with a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message

from qala.grader.engine import ExploreOutcome
from qala.grader.errors import QalaError

from ..i18n import t
from ..widgets.editor import CodeEditor
from .base import QalaScreen

MAX_SHOWN = 4000  # characters of output shown in the panel


class ExploreScreen(QalaScreen):
    """The F10 key of a lesson: the editor's code on the learner's own data, ungraded."""

    BINDINGS = [
        Binding(
            "f10,ctrl+e",
            "explore",
            t("Explore"),
            id="lesson.explore",
            show=False,  # the footer has room only for the check keys; `qala datasets use` and the palette name it
            tooltip=t("Run your code on your own data, ungraded (qala datasets use FILE --as DATASET)"),
        ),
    ]

    lesson_id: str
    exercise_id: str | None
    editor: CodeEditor
    checking: bool
    exploring = False

    @dataclass
    class Explored(Message):
        outcome: ExploreOutcome | None
        error: str | None

    def _show_feedback(self, text: Text, verdict: str | None = None) -> None:
        raise NotImplementedError  # the lesson screen's panel

    def action_explore(self) -> None:
        if self.checking or self.exploring or self.exercise_id is None:
            return
        self.exploring = True
        self._show_feedback(Text("🔎 " + self.qala.t("Running your code on your data (not graded)…"), style="bold"))
        self._explore(self.lesson_id, self.exercise_id, self.editor.text)

    @work(thread=True, exclusive=True, group="explore", exit_on_error=False)
    def _explore(self, lesson_id: str, exercise_id: str, source: str) -> None:
        with self.qala.engine_lock:
            try:
                self.post_message(self.Explored(self.qala.engine.explore(lesson_id, exercise_id, source), None))
            except QalaError as exc:
                self.post_message(self.Explored(None, str(exc)))
            except Exception as exc:  # the app must survive anything a run does
                self.post_message(self.Explored(None, f"{type(exc).__name__}: {exc}"))

    def on_explore_screen_explored(self, message: Explored) -> None:
        self.exploring = False
        app = self.qala
        text = Text()
        outcome = message.outcome
        if outcome is None:
            text.append("⚠ " + (message.error or ""), style="bold yellow")
            self._show_feedback(text, "-failed")
            return
        if outcome.own:
            text.append("🔎 " + app.t("Your data ({datasets}), not graded:", datasets=", ".join(outcome.own)), style="bold cyan")
        else:
            text.append("🔎 " + app.t("The course's data, not graded: bring your own with `qala datasets use FILE --as DATASET`."), style="bold cyan")
        output = outcome.output if len(outcome.output) <= MAX_SHOWN else outcome.output[:MAX_SHOWN] + "\n…"
        text.append("\n" + (output.rstrip() or app.t("(your code printed nothing)")))
        if outcome.error:
            text.append("\n" + outcome.error, style="red")
        self._show_feedback(text)
