"""A lesson: its words as Markdown beside (or above) a Python editor, and the exercise's check.

Grading runs in a thread worker that reports back with a message; the screen never freezes.
The editor's text is saved as a draft a second after the learner stops typing, on every check
and whenever the exercise is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Markdown, Static, TextArea

from qala.grader.engine import CheckOutcome, HintOutcome
from qala.grader.errors import QalaError
from qala.grader.markdown import exercise_markdown
from qala.grader.model import Exercise, Lesson

from ..i18n import t
from ..widgets.editor import CodeEditor
from ..widgets.visuals import inline_code
from .base import QalaScreen

DRAFT_DELAY = 1.0  # seconds after the last keystroke
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
CONFETTI = "✦✧★✶·*+✺"


class LessonScreen(QalaScreen):
    """One lesson, one exercise at a time."""

    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        Binding("f5,ctrl+r", "check", t("Check"), id="lesson.check", tooltip=t("Check your code (F5 or ctrl+r)")),
        Binding("f6,ctrl+g", "hint", t("Hint"), id="lesson.hint", tooltip=t("Show the next hint; it costs a little XP")),
        Binding("f7,ctrl+b", "previous", t("Previous"), id="lesson.previous", tooltip=t("The previous exercise")),
        Binding("f8,ctrl+n", "next", t("Next"), id="lesson.next", tooltip=t("The next exercise")),
        Binding("ctrl+o", "reset", t("Reset"), id="lesson.reset", tooltip=t("Put the starter code back (ctrl+z undoes it)")),
        Binding("escape", "back", t("Map"), id="lesson.back", tooltip=t("Back to the course map (in the editor: press Escape twice)")),
        # The app's screen keys work here too, but the footer has room only for the lesson's own.
        Binding("f2", "back", t("Course"), id="app.course", show=False, tooltip=t("The course map: tracks, lessons and where to continue")),
        Binding("f3", "app.show('data')", t("Data"), id="app.data", show=False, tooltip=t("The city's datasets: tables, datasheets and charts")),
        Binding("f4", "app.show('profile')", t("Badges"), id="app.profile", show=False, tooltip=t("Your level, XP, streak and badges")),
        Binding("f9", "app.show('settings')", t("Settings"), id="app.settings", show=False, tooltip=t("Language and theme")),
    ]

    @dataclass
    class Checked(Message):
        """The worker's report: an outcome, or what went wrong."""

        lesson: str
        exercise: str
        outcome: CheckOutcome | None
        error: str | None

    def __init__(self, lesson_id: str, exercise_id: str | None = None):
        super().__init__()
        self.lesson_id = lesson_id
        self.exercise_id = exercise_id
        self.checking = False
        self._draft_timer: Timer | None = None
        self._dirty = False
        self._saved_text = ""
        self._spin: Timer | None = None
        self._spin_step = 0
        self._feedback: Text | None = None

    # -- layout

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="lesson-body"):
            with VerticalScroll(id="reading"):
                yield Markdown(id="text")
            with Vertical(id="work"):
                yield Static(id="exercise-bar")
                yield CodeEditor.code_editor("", language="python", id="editor", soft_wrap=False)
                yield Static(id="status")
                with VerticalScroll(id="feedback-box"):
                    yield Static(id="feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        lesson = self.lesson
        if self.exercise_id is None or lesson.exercise(self.exercise_id) is None:
            self.exercise_id = self._first_open_exercise(lesson).id
        self.editor = self.query_one("#editor", CodeEditor)
        self._load_exercise()
        self.editor.focus()

    # -- what we show

    @property
    def lesson(self) -> Lesson:
        return self.app.engine.lesson(self.lesson_id)

    @property
    def exercise(self) -> Exercise:
        return self.lesson.exercise(self.exercise_id)

    def _first_open_exercise(self, lesson: Lesson) -> Exercise:
        passed = self.app.engine.progress_data().passed()
        return next((e for e in lesson.exercises if (lesson.id, e.id) not in passed), lesson.exercises[0])

    def _load_exercise(self) -> None:
        """Show the current exercise: its words, the learner's code, no feedback yet."""
        code = self.app.engine.code_for(self.lesson_id, self.exercise_id)
        self._saved_text = code
        self.editor.load_text(code)
        self._dirty = False
        self._feedback = None
        self.query_one("#feedback", Static).update("")
        self.query_one("#feedback-box").remove_class("-passed", "-failed")
        self.refresh_content()
        self.query_one("#reading", VerticalScroll).scroll_home(animate=False)

    def refresh_content(self) -> None:
        try:
            lesson = self.lesson
        except QalaError:
            return
        self.sub_title = lesson.text(self.app.language).title
        self.query_one("#text", Markdown).update(self._markdown(lesson))
        self._update_bar()
        if not self.checking:
            self._update_status()
        if self._feedback is not None:
            self.query_one("#feedback", Static).update(self._feedback)

    def _markdown(self, lesson: Lesson) -> str:
        """The prose leading up to this exercise (the introduction before the first), the task,
        any prose after the last exercise, and the hints taken so far."""
        app = self.app
        text = lesson.text(app.language)
        ids = [e.id for e in lesson.exercises]
        index = ids.index(self.exercise_id)
        parts = []
        if index == 0:
            parts.append(f"# {text.title}")
            if text.intro:
                parts.append(text.intro)
        exercises_seen = 0
        for kind, key in lesson.outline:
            if kind == "exercise":
                exercises_seen += 1
                if key == self.exercise_id:
                    parts.append(exercise_markdown(lesson, self.exercise, app.engine.tr))
                continue
            before_this = exercises_seen == index
            after_last = index == len(ids) - 1 and exercises_seen == len(ids)
            if before_this or after_last:
                section = text.sections[key]
                parts.append(f"## {section.title}\n\n{section.body}".rstrip())
        hints = app.engine.shown_hints(lesson.id, self.exercise_id)
        if hints:
            parts.append("### " + app.t("Your hints"))
            parts.append("\n".join(f"{n}. {hint}" for n, hint in enumerate(hints, 1)))
        return "\n\n".join(parts) + "\n"

    def _update_bar(self) -> None:
        app = self.app
        lesson = self.lesson
        ids = [e.id for e in lesson.exercises]
        index = ids.index(self.exercise_id)
        bar = Text()
        bar.append("◀ " if index > 0 else "  ", style="dim")
        bar.append(app.t("Exercise {number} of {total}", number=index + 1, total=len(ids)), style="bold")
        bar.append(" ▶" if index < len(ids) - 1 else "  ", style="dim")
        bar.append("  " + lesson.text(app.language).exercises[self.exercise_id].title)
        if app.engine.exercise_passed(lesson.id, self.exercise_id):
            bar.append("  ✔ " + app.t("passed"), style="bold green")
        self.query_one("#exercise-bar", Static).update(bar)

    def _update_status(self) -> None:
        app = self.app
        if app.engine.course.lesson(self.lesson_id) is None:
            return  # gone after a reload; the screen is closing
        cost = app.engine.next_hint_cost(self.lesson_id, self.exercise_id)
        taken = app.engine.hints_taken(self.lesson_id, self.exercise_id)
        total = self.exercise.hint_count
        status = Text(style="dim")
        status.append(app.t("F5 check"))
        status.append(" · ")
        if taken >= total:
            status.append(app.t("all {total} hints shown", total=total))
        elif cost:
            status.append(app.nt("F6 next hint: costs {n} XP", "F6 next hint: costs {n} XP", cost))
        else:
            status.append(app.t("F6 next hint: free"))
        status.append(" · " + app.t("draft saved") if not self._dirty else " · " + app.t("typing…"))
        self.query_one("#status", Static).update(status)

    # -- drafts

    @on(TextArea.Changed, "#editor")
    def _typed(self) -> None:
        if self.editor.text == self._saved_text:
            return
        if not self._dirty:
            self._dirty = True
            if not self.checking:
                self._update_status()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)

    def save_draft(self, wait: bool = False) -> None:
        """Keep what is in the editor (it comes back after a restart)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if not self._dirty:
            return
        code = self.editor.text
        lesson_id, exercise_id = self.lesson_id, self.exercise_id
        self._dirty = False
        self._saved_text = code
        self.app.write_when_free(partial(self.app.engine.save_draft, lesson_id, exercise_id, code), wait=wait)
        if self.is_current and not self.checking:
            self._update_status()

    def on_unmount(self) -> None:
        self.save_draft(wait=True)

    # -- checking

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "hint", "reset") and self.checking:
            return None  # shown, but dimmed while a check runs
        return True

    def action_check(self) -> None:
        if self.checking:
            return
        self.save_draft(wait=True)
        source = self.editor.text
        self.checking = True
        self.query_one("#work").add_class("-checking")
        self._spin_step = 0
        self._spin = self.set_interval(0.1, self._spinner)
        self._spinner()
        self.refresh_bindings()
        self._grade(self.lesson_id, self.exercise_id, source)

    def _spinner(self) -> None:
        frame = SPINNER[self._spin_step % len(SPINNER)]
        self._spin_step += 1
        self.query_one("#status", Static).update(Text(f"{frame} " + self.app.t("Checking your code…"), style="bold"))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _grade(self, lesson_id: str, exercise_id: str, source: str) -> None:
        engine = self.app.engine
        try:
            with self.app.engine_lock:
                outcome = engine.check(lesson_id, exercise_id, source)
        except QalaError as exc:
            self.post_message(self.Checked(lesson_id, exercise_id, None, str(exc)))
        except Exception as exc:  # the app must survive anything a check does
            self.post_message(self.Checked(lesson_id, exercise_id, None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Checked(lesson_id, exercise_id, outcome, None))

    def on_lesson_screen_checked(self, message: Checked) -> None:
        app = self.app
        self.checking = False
        if self._spin is not None:
            self._spin.stop()
        self.query_one("#work").remove_class("-checking")
        self.refresh_bindings()
        self._update_status()
        if message.error is not None:
            self._show_error(message.error)
            return
        outcome = message.outcome
        assert outcome is not None
        if (message.lesson, message.exercise) != (self.lesson_id, self.exercise_id):
            title = self.lesson.text(app.language).exercises.get(message.exercise)
            word = app.t("passed") if outcome.passed else app.t("not passed yet")
            self.notify(f"{title.title if title else message.exercise}: {word}")
            return
        self._show_outcome(outcome)

    def _show_outcome(self, outcome: CheckOutcome) -> None:
        app = self.app
        text = Text()
        box = self.query_one("#feedback-box")
        box.remove_class("-passed", "-failed")
        if outcome.passed:
            box.add_class("-passed")
            text.append("🎉 " + app.t("Passed!"), style="bold green")
            if outcome.xp_gained:
                text.append("  " + app.t("+{xp} XP", xp=outcome.xp_gained), style="bold yellow")
            else:
                text.append("  " + app.t("(already passed before: no new XP)"), style="dim")
            text.append("\n")
        else:
            box.add_class("-failed")
            text.append(app.t("Not passed yet: fix what is marked ✘ and check again."), style="bold")
            text.append("\n")
        for result in outcome.grade.feedback:
            mark, style = ("✔ ", "green") if result.passed else ("✘ ", "red")
            text.append(mark, style=style)
            text.append_text(inline_code(result.message))
            text.append("\n")
        self._feedback = text
        self.query_one("#feedback", Static).update(text)
        self.query_one("#feedback-box", VerticalScroll).scroll_home(animate=False)
        self._update_bar()
        if outcome.passed:
            self._celebrate(outcome)

    def _show_error(self, error: str) -> None:
        """Qala itself could not run the check (not the learner's fault): say so, calmly."""
        app = self.app
        text = Text()
        text.append("⚠ " + app.t("The check could not run. Your code is saved; try again, and tell your teacher if it keeps happening."), style="bold yellow")
        lines = error.strip().splitlines()
        if len(lines) > 4:  # a traceback: its first and last lines say enough
            lines = lines[:2] + ["…"] + lines[-2:]
        text.append("\n" + "\n".join(lines), style="dim")
        self._feedback = text
        box = self.query_one("#feedback-box")
        box.remove_class("-passed")
        box.add_class("-failed")
        self.query_one("#feedback", Static).update(text)

    def _celebrate(self, outcome: CheckOutcome) -> None:
        """Quick and cheerful: a burst of stars, and a note for a new level or badge."""
        app = self.app
        frames = iter(enumerate([4, 8, 14, 20, 14, 8]))

        def burst() -> None:
            step, width = next(frames, (None, 0))
            if step is None or self.checking:
                if not self.checking:
                    self._update_status()
                return
            stars = "".join(CONFETTI[(i * 7 + step) % len(CONFETTI)] for i in range(width))
            self.query_one("#status", Static).update(Text(f"{stars} " + app.t("Well done!") + f" {stars[::-1]}", style="bold yellow"))
            self.set_timer(0.12, burst)

        burst()
        if outcome.level_up:
            self.notify(app.t("You are now level {level}: {title}", level=outcome.level.number, title=app.pick(outcome.level.title)), title=app.t("Level up!"), timeout=6)
        for badge in outcome.new_badges:
            self.notify(f"{badge.icon} {app.pick(badge.title)}\n{app.pick(badge.description)}", title=app.t("New badge!"), timeout=6)

    # -- hints, reset, moving around

    def action_hint(self) -> None:
        if self.checking:
            return
        outcome: list[HintOutcome] = []
        ran = self.app.write_when_free(lambda: outcome.append(self.app.engine.hint(self.lesson_id, self.exercise_id)), wait=True)
        if not ran or not outcome:
            return
        hint = outcome[0]
        app = self.app
        text = Text()
        text.append("💡 " + app.t("Hint {number} of {total}", number=hint.number, total=hint.total), style="bold")
        text.append("  " + (app.nt("(cost {n} XP)", "(cost {n} XP)", hint.cost) if hint.cost else app.t("(no XP cost)")), style="dim")
        text.append("\n")
        text.append_text(inline_code(hint.text))
        self._feedback = text
        box = self.query_one("#feedback-box")
        box.remove_class("-passed", "-failed")
        self.query_one("#feedback", Static).update(text)
        self.query_one("#text", Markdown).update(self._markdown(self.lesson))
        self._update_status()

    def action_reset(self) -> None:
        editor = self.editor
        starter = self.exercise.starter
        if editor.text == starter:
            return
        editor.replace(starter, (0, 0), editor.document.end)
        editor.move_cursor((0, 0))
        self.notify(self.app.t("The starter code is back. Changed your mind? ctrl+z brings your code back."))

    def _go(self, step: int) -> None:
        ids = [e.id for e in self.lesson.exercises]
        index = ids.index(self.exercise_id) + step
        if 0 <= index < len(ids):
            self.save_draft()
            self.exercise_id = ids[index]
            self._load_exercise()
            self.editor.focus()
        elif step > 0:
            self.notify(self.app.t("That was the last exercise of this lesson. Escape goes back to the map."))

    def action_next(self) -> None:
        self._go(+1)

    def action_previous(self) -> None:
        self._go(-1)

    def action_back(self) -> None:
        self.save_draft()
        self.app.pop_screen()

    # -- for teachers

    def after_reload(self) -> None:
        """The lesson file may have changed: show the new words, keep the learner's code."""
        try:
            lesson = self.lesson
        except QalaError as exc:
            self.notify(str(exc), title=self.app.t("This lesson cannot be shown"), severity="error", timeout=10)
            if self.is_current:
                self.app.pop_screen()
            return
        if lesson.exercise(self.exercise_id) is None:
            self.exercise_id = lesson.exercises[0].id
            self._load_exercise()
        else:
            self.refresh_content()
