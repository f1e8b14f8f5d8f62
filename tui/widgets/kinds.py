"""One keyboard-only widget per exercise kind besides code, each fitting an 80×24 terminal.

Every widget shows the learner's answer as text (what ``qala check`` takes from a file) and
says so with :class:`AnswerChanged` whenever it changes; the lesson screen keeps that text as
the draft and checks it, exactly as it does the code editor's.

- predict: the program, read-only, and a field for what it prints; after a check, the real output.
- choice: radio buttons (one answer) or a selection list (several): arrows, space or enter.
- parsons: the given lines and the program side by side; enter moves a line across,
  ctrl+up/down (or alt+up/down) moves it within the program, tab / shift+tab indents it,
  left/right switch sides.
- fill: the program with an input per blank; tab moves from blank to blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, RadioButton, RadioSet, SelectionList, Static, TextArea

from qala.grader.engine import Engine, Exercise, ExerciseKind, Lesson, fill_program, fill_values

from ..i18n import t
from .keys import KeysInOrder

INDENT = "    "

BLANK = re.compile(r"_{3,}")  # as a fill exercise's starter writes a blank


@dataclass
class AnswerChanged(Message):
    """The learner's answer, as text, changed."""

    answer: str
    sender: KindAnswer

    @property
    def control(self) -> KindAnswer:
        return self.sender


class KindAnswer(Vertical):
    """The common face of the kind widgets: ``answer()`` is the text checked and kept."""

    DEFAULT_CSS = """
    KindAnswer { height: auto; }
    KindAnswer .kind-label { color: $text-muted; height: 1; }
    """

    def answer(self) -> str:
        raise NotImplementedError

    def changed(self) -> None:
        self.post_message(AnswerChanged(self.answer(), self))

    def show_output(self, printed: str) -> None:
        """A check ran the program (predict): show what it really printed."""


def kind_widget(engine: Engine, lesson: Lesson, exercise: Exercise, saved: str) -> KindAnswer | None:
    """The widget for an exercise's kind, holding the saved answer; None for code (the editor)."""
    if exercise.kind is ExerciseKind.PREDICT:
        return PredictAnswer(exercise.solution, saved, engine.tr.t("What does it print?"))
    if exercise.kind is ExerciseKind.CHOICE:
        return ChoiceAnswer(engine.choice_options(lesson, exercise), exercise.multiple, saved)
    if exercise.kind is ExerciseKind.PARSONS:
        return ParsonsAnswer(engine.parsons_lines(exercise), saved, engine.tr.t("Lines to use"), engine.tr.t("Your program"))
    if exercise.kind is ExerciseKind.FILL:
        return FillAnswer(exercise.starter, saved)
    return None


# -- predict


class PredictField(KeysInOrder, TextArea):
    """Where the learner types the output they expect."""


class PredictAnswer(KindAnswer):
    DEFAULT_CSS = """
    PredictAnswer #predict-program { height: auto; padding: 0 1; background: $boost; }
    PredictAnswer #predict-field { height: 4; }
    PredictAnswer #predict-output { height: auto; padding: 0 1; }
    """

    def __init__(self, program: str, saved: str, question: str):
        super().__init__()
        self.program = program
        self.saved = saved
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Syntax(self.program, "python", theme="ansi_dark", background_color="default"), id="predict-program")
        yield Static(self.question, classes="kind-label")
        yield PredictField(self.saved, id="predict-field", soft_wrap=True, show_line_numbers=False)
        yield Static(id="predict-output")

    def answer(self) -> str:
        return self.query_one(PredictField).text

    def focus(self, scroll_visible: bool = True) -> PredictAnswer:
        self.query_one(PredictField).focus(scroll_visible)
        return self

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.changed()

    def show_output(self, printed: str) -> None:
        label = self.app.engine.tr.t("The program printed:")  # type: ignore[attr-defined]
        self.query_one("#predict-output", Static).update(Text.assemble((label, "bold"), "\n", printed.rstrip("\n") or "—"))
        self.query_one("#predict-output", Static).scroll_visible(animate=False)


# -- choice


class ChoiceAnswer(KindAnswer):
    def __init__(self, options: list[tuple[str, str]], multiple: bool, saved: str):
        super().__init__()
        self.options = options
        self.multiple = multiple
        chosen = [part for part in saved.replace(",", " ").split() if part]
        self.chosen = [option for option, _ in options if option in chosen]

    def compose(self) -> ComposeResult:
        if self.multiple:
            yield SelectionList[str](*((f"{option}) {text}", option, option in self.chosen) for option, text in self.options), id="choice")
        else:
            with RadioSet(id="choice"):
                for option, text in self.options:
                    yield RadioButton(f"{option}) {text}", value=option in self.chosen, name=option)

    def answer(self) -> str:
        if self.multiple:
            return ",".join(self.query_one(SelectionList).selected)
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.name or "") if pressed is not None else ""

    def focus(self, scroll_visible: bool = True) -> ChoiceAnswer:
        self.query_one("#choice").focus(scroll_visible)
        return self

    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    def _chosen(self, event: Message) -> None:
        event.stop()
        self.changed()


# -- parsons


class ParsonsBoard(Widget, can_focus=True):
    """The given lines (left) and the learner's program (right), all by keyboard."""

    DEFAULT_CSS = """
    ParsonsBoard { height: auto; }
    ParsonsBoard:focus { background-tint: $foreground 4%; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", t("Up"), show=False),
        Binding("down", "move(1)", t("Down"), show=False),
        Binding("left", "side('pool')", t("Lines to use"), show=False),
        Binding("right", "side('program')", t("Your program"), show=False),
        Binding("enter,space", "take", t("Use or put back a line"), show=False),
        Binding("ctrl+up,alt+up", "shift(-1)", t("Line up"), show=False),
        Binding("ctrl+down,alt+down", "shift(1)", t("Line down"), show=False),
        Binding("tab", "indent(1)", t("Indent"), show=False),
        Binding("shift+tab", "indent(-1)", t("Unindent"), show=False),
    ]

    def __init__(self, given: list[str], saved: str, titles: tuple[str, str]):
        super().__init__(id="parsons")
        self.titles = titles
        self.pool = list(given)
        self.program: list[tuple[int, str]] = []
        for raw in saved.splitlines():
            line = raw.strip()
            if line and line in self.pool:
                self.pool.remove(line)
                width = len(raw) - len(raw.lstrip(" "))
                self.program.append((width // len(INDENT), line))
        self.side = "pool" if self.pool else "program"
        self.cursor = {"pool": 0, "program": 0}

    def answer(self) -> str:
        return "\n".join(INDENT * depth + line for depth, line in self.program) + ("\n" if self.program else "")

    def render(self) -> Table:
        table = Table.grid(expand=True, padding=(0, 1))
        table.add_column(ratio=1)
        table.add_column(ratio=1)
        focused = self.has_focus
        headings = []
        for side, title in zip(("pool", "program"), self.titles, strict=True):
            here = focused and self.side == side
            headings.append(Text(("▸ " if here else "  ") + title, style="bold" if here else "dim"))
        table.add_row(*headings)
        left = [Text(line, no_wrap=True, overflow="ellipsis") for line in self.pool]
        right = [Text(INDENT * depth + line, no_wrap=True, overflow="ellipsis") for depth, line in self.program]
        for side, texts in (("pool", left), ("program", right)):
            if not texts:
                texts.append(Text("—", style="dim"))
            elif focused and self.side == side:
                texts[min(self.cursor[side], len(texts) - 1)].stylize("reverse")
        for row in range(max(len(left), len(right))):
            table.add_row(left[row] if row < len(left) else "", right[row] if row < len(right) else "")
        return table

    def _items(self) -> list:
        return self.pool if self.side == "pool" else self.program

    def _clamp(self) -> None:
        for side, items in (("pool", self.pool), ("program", self.program)):
            self.cursor[side] = max(0, min(self.cursor[side], len(items) - 1))

    def _changed(self) -> None:
        self._clamp()
        self.refresh(layout=True)
        if isinstance(self.parent, KindAnswer):
            self.parent.changed()

    def action_move(self, step: int) -> None:
        self.cursor[self.side] += step
        self._clamp()
        self.refresh()

    def action_side(self, side: str) -> None:
        self.side = side
        self.refresh()

    def action_take(self) -> None:
        at = self.cursor[self.side]
        if self.side == "pool" and self.pool:
            line = self.pool.pop(at)
            depth = self.program[self.cursor["program"]][0] if self.program else 0
            where = self.cursor["program"] + 1 if self.program else 0
            self.program.insert(where, (depth, line))
            self.cursor["program"] = where
        elif self.side == "program" and self.program:
            _depth, line = self.program.pop(at)
            self.pool.append(line)
        else:
            return
        self._changed()

    def action_shift(self, step: int) -> None:
        at = self.cursor["program"]
        if self.side != "program" or not 0 <= at + step < len(self.program):
            return
        self.program[at], self.program[at + step] = self.program[at + step], self.program[at]
        self.cursor["program"] = at + step
        self._changed()

    def action_indent(self, step: int) -> None:
        if self.side != "program" or not self.program:
            return
        at = self.cursor["program"]
        depth, line = self.program[at]
        self.program[at] = (max(0, min(depth + step, 6)), line)
        self._changed()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class ParsonsAnswer(KindAnswer):
    def __init__(self, given: list[str], saved: str, pool_title: str, program_title: str):
        super().__init__()
        self.board = ParsonsBoard(given, saved, (pool_title, program_title))

    def compose(self) -> ComposeResult:
        yield self.board
        yield Static(id="parsons-keys", classes="kind-label")

    def on_mount(self) -> None:
        keys = self.app.engine.tr.t("enter: use / put back · ctrl+↑↓: move · tab / shift+tab: indent · ←→: switch")  # type: ignore[attr-defined]
        self.query_one("#parsons-keys", Static).update(keys)

    def answer(self) -> str:
        return self.board.answer()

    def focus(self, scroll_visible: bool = True) -> ParsonsAnswer:
        self.board.focus(scroll_visible)
        return self


# -- fill


class BlankInput(KeysInOrder, Input):
    DEFAULT_CSS = """
    BlankInput { width: 5; height: 1; border: none; padding: 0; background: $boost; }
    BlankInput:focus { background: $accent 30%; }
    """


class FillAnswer(KindAnswer):
    DEFAULT_CSS = """
    FillAnswer .fill-line { height: 1; width: auto; }
    FillAnswer .fill-text { width: auto; height: 1; }
    """

    def __init__(self, template: str, saved: str):
        super().__init__()
        self.template = template
        self.values = fill_values(template, saved) or []

    def compose(self) -> ComposeResult:
        blank = 0
        for line in self.template.splitlines():
            pieces = BLANK.split(line)
            if len(pieces) == 1:
                yield Static(Text(line or " ", no_wrap=True), classes="fill-text")
                continue
            with Horizontal(classes="fill-line"):
                for index, piece in enumerate(pieces):
                    if piece:
                        yield Static(Text(piece, no_wrap=True), classes="fill-text")
                    if index < len(pieces) - 1:
                        value = self.values[blank] if blank < len(self.values) and not BLANK.fullmatch(self.values[blank]) else ""
                        field = BlankInput(value, placeholder="___", compact=True, id=f"blank-{blank}")
                        field.styles.width = _blank_width(value)
                        yield field
                        blank += 1

    def answer(self) -> str:
        return fill_program(self.template, [field.value for field in self.query(BlankInput)])

    def focus(self, scroll_visible: bool = True) -> FillAnswer:
        fields = list(self.query(BlankInput))
        if fields:
            fields[0].focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        event.input.styles.width = _blank_width(event.value)
        self.changed()


def _blank_width(value: str) -> int:
    """A blank as wide as what is typed in it (and a little more), so the line reads as code."""
    return max(5, len(value) + 2)
