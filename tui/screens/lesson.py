"""A lesson: its words as Markdown beside (or above) a Python editor, and the exercise's check.

Grading runs in a thread worker that reports back with a message; the screen never freezes.
The editor's text is saved as a draft a second after the learner stops typing, on every check
(by the check's worker, off the screen's thread) and whenever the exercise is left.

The way from a check's result to "Passed!" on the screen is kept short: the result is drawn in
one batch into widgets of fixed height where it can be, the progress is not read on the way, and
a quick check changes nothing on the screen but the status line; only a check that takes a while
shows the busy editor border, the dimmed keys and the spinner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Markdown, Static, TextArea

from qala.grader.engine import Exercise, Lesson, Part
from qala.grader.errors import QalaError
from qala.grader.outcomes import CheckOutcome, HintOutcome, Line

from .. import icons
from ..i18n import t
from ..widgets.editor import CodeEditor
from ..widgets.examples import Reading, focused_example, split_reading
from ..widgets.kinds import AnswerChanged, KindAnswer, kind_widget
from ..widgets.solution import ASKED, solution_panel
from ..widgets.visuals import inline_code, safe_icon
from .explore import ExploreScreen

DRAFT_DELAY = 1.0  # seconds after the last keystroke
BUSY_AFTER = 0.3  # seconds: a check that takes longer shows the busy border, dimmed keys, a spinner


@dataclass(frozen=True)
class ExerciseState:
    """What the exercise bar and the status line say about the learner's progress on the current
    exercise: read from the engine when it changes, never on the way from a check's result."""

    passed: bool
    hints_taken: int
    hint_total: int
    next_hint_cost: int
    solution_offered: bool = False  # every hint taken, and the course shows this exercise's solution


class LessonScreen(ExploreScreen):
    """One lesson, one exercise at a time (F10: the code on the learner's own data, ungraded)."""

    CSS_PATH = "lesson.tcss"
    BINDINGS = [
        # priority: handled before the editor sees the key (it would redraw its cursor first)
        Binding("f5,ctrl+r", "check", t("Check"), id="lesson.check", tooltip=t("Check your code (F5 or ctrl+r)"), priority=True),
        Binding("f6,ctrl+g", "hint", t("Hint"), id="lesson.hint", tooltip=t("Show the next hint; it costs a little XP")),
        Binding("f7,ctrl+b", "previous", t("Previous"), id="lesson.previous", tooltip=t("The previous exercise")),
        Binding("f8,ctrl+n", "next", t("Next"), id="lesson.next", tooltip=t("The next exercise")),
        Binding("ctrl+s", "solution", t("Solution"), id="lesson.solution", show=False, tooltip=t("After the last hint: the reference solution (no XP)")),
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
        """The worker's report: an outcome, or what went wrong; and the code it checked (which
        it also keeps as the draft, if ``saves_draft``)."""

        lesson: str
        exercise: str
        outcome: CheckOutcome | None
        error: str | None
        source: str = ""
        saves_draft: bool = False

    def __init__(self, lesson_id: str, exercise_id: str | None = None):
        super().__init__()
        self.lesson_id = lesson_id
        self.exercise_id = exercise_id
        self.checking = False
        self._busy = False  # a slow check: the border, the dimmed keys and the spinner are shown
        self._busy_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._dirty = False
        self._saved_text = ""
        self._spin: Timer | None = None
        self._spin_step = 0
        self._feedback: Text | None = None
        self._solution_asked = False
        self._state: ExerciseState | None = None
        self._kind: KindAnswer | None = None  # the widget of an exercise that is not code
        self._kind_language = ""

    # -- layout

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="lesson-body"):
            with VerticalScroll(id="reading"):
                yield Markdown(id="text")
                yield Reading(id="more")  # from the first worked example on
            with Vertical(id="work"):
                yield Static(id="exercise-bar")
                yield CodeEditor.code_editor("", language="python", id="editor", soft_wrap=False)
                yield VerticalScroll(id="answer")  # an exercise that is not code: its kind's widget
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
        self._focus_work()

    # -- what we show

    @property
    def lesson(self) -> Lesson:
        return self.qala.engine.lesson(self.lesson_id)

    @property
    def exercise(self) -> Exercise:
        return self.lesson.exercise(self.exercise_id)

    def _first_open_exercise(self, lesson: Lesson) -> Exercise:
        passed = self.qala.engine.progress_data().passed()
        return next((e for e in lesson.exercises if (lesson.id, e.id) not in passed), lesson.exercises[0])

    def _load_exercise(self) -> None:
        """Show the current exercise: its words, the learner's code, no feedback yet."""
        code = self.qala.engine.code_for(self.lesson_id, self.exercise_id)
        self._saved_text = code
        self.editor.load_text(code)
        self._show_kind(code)
        self._dirty = False
        self._feedback = None
        self._solution_asked = False
        self.query_one("#feedback-box").remove_class("-passed", "-failed")
        self.refresh_content()
        self.query_one("#reading", VerticalScroll).scroll_home(animate=False)

    def _show_kind(self, answer: str) -> None:
        """The exercise's own widget in place of the editor (which still holds the answer's text,
        so drafts and checks go as for code); the editor alone for a code exercise."""
        box = self.query_one("#answer", VerticalScroll)
        box.remove_children()
        widget = self._kind = kind_widget(self.qala.engine, self.lesson, self.exercise, answer)
        self._kind_language = self.qala.language
        self.editor.display = widget is None
        box.display = widget is not None
        if widget is not None:
            box.mount(widget)

    def _focus_work(self) -> None:
        if self._kind is not None:
            self.call_after_refresh(self._kind.focus)
        else:
            self.editor.focus()

    def on_answer_changed(self, message: AnswerChanged) -> None:
        if message.control is self._kind and message.answer != self.editor.text:
            self.editor.replace(message.answer, (0, 0), self.editor.document.end)

    def refresh_content(self) -> None:
        try:
            lesson = self.lesson
        except QalaError:
            return
        self.sub_title = lesson.text(self.qala.language).title
        if self._kind is not None and self._kind_language != self.qala.language:
            self._show_kind(self.editor.text)  # its options and labels, in the new language
        self._show_words(lesson)
        self._read_state()
        self._update_bar()
        if not self.checking:
            self._update_status()
        box = self.query_one("#feedback-box")
        box.set_class(self._feedback is None, "-empty")
        # Empty, the panel says how to fill it (on a wide screen it keeps its place: the editor
        # never jumps when a verdict arrives).
        self.query_one("#feedback", Static).update(self._feedback or Text(self.qala.t("Check your code (F5 or ctrl+r)"), style="dim"))

    def _read_state(self) -> None:
        """Read the learner's progress on this exercise for the bar and the status line."""
        engine = self.qala.engine
        if engine.course.lesson(self.lesson_id) is None:
            return  # gone after a reload; the screen is closing
        key = (self.lesson_id, self.exercise_id)
        progress = engine.progress_data()
        passed = key in progress.passed()
        taken = progress.hints.get(key, 0)
        total = self.exercise.hint_count
        cost = 0 if passed or taken >= total else engine.next_hint_cost(*key)
        offered = taken >= total and engine.solution_refusal(*key) is None
        self._state = ExerciseState(passed, taken, total, cost, offered)

    def _show_words(self, lesson: Lesson) -> None:
        head, rest = split_reading(self._parts(lesson))
        self.query_one("#text", Markdown).update(head)
        self.query_one("#more", Reading).show(lesson.id, rest)

    def _parts(self, lesson: Lesson) -> list[Part]:
        """The prose leading up to this exercise (the introduction before the first), the task,
        any prose after the last exercise, and the hints taken so far."""
        app = self.qala
        text = lesson.text(app.language)
        ids = [e.id for e in lesson.exercises]
        index = ids.index(self.exercise_id)
        parts: list[Part] = []
        if index == 0:
            parts.append(f"# {text.title}")
            if text.intro:
                parts.append(text.intro)
        exercises_seen = 0
        for kind, key in lesson.outline:
            if kind == "exercise":
                exercises_seen += 1
                if key == self.exercise_id:
                    parts.extend(app.engine.exercise_parts(lesson, self.exercise, options=False))  # a choice's options are in its widget
                continue
            before_this = exercises_seen == index
            after_last = index == len(ids) - 1 and exercises_seen == len(ids)
            if before_this or after_last:
                parts.extend(app.engine.section_parts(text.sections[key]))
        hints = app.engine.shown_hints(lesson.id, self.exercise_id)
        if hints:
            parts.append("### " + app.t("Your hints"))
            parts.append("\n".join(f"{n}. {hint}" for n, hint in enumerate(hints, 1)))
        return parts

    def _update_bar(self) -> None:
        app = self.qala
        lesson = self.lesson
        ids = [e.id for e in lesson.exercises]
        index = ids.index(self.exercise_id)
        bar = Text()
        bar.append("◀ " if index > 0 else "  ", style="dim")
        bar.append(app.t("Exercise {number} of {total}", number=index + 1, total=len(ids)), style="bold")
        bar.append(" ▶" if index < len(ids) - 1 else "  ", style="dim")
        bar.append("  " + lesson.text(app.language).exercises[self.exercise_id].title)
        if self._state is not None and self._state.passed:
            bar.append(f"  {app.icon('✔')} " + app.t("passed"), style="bold green")
        self.query_one("#exercise-bar", Static).update(bar, layout=False)  # one line, always

    def _update_status(self) -> None:
        app = self.qala
        state = self._state
        if state is None:
            return
        status = Text(style="dim")
        status.append(app.t("F5 check"))
        status.append(" · ")
        if state.hints_taken >= state.hint_total:
            status.append(app.t("all {total} hints shown", total=state.hint_total))
            if state.solution_offered:
                status.append(" · " + app.t("ctrl+s solution"))
        elif state.next_hint_cost:
            status.append(app.nt("F6 next hint: costs {n} XP", "F6 next hint: costs {n} XP", state.next_hint_cost))
        else:
            status.append(app.t("F6 next hint: free"))
        status.append(" · " + app.t("draft saved") if not self._dirty else " · " + app.t("typing…"))
        self._set_status(status)

    def _set_status(self, text: Text) -> None:
        self.query_one("#status", Static).update(text, layout=False)  # one line, always

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

    def save_draft(self, wait: bool = False, show: bool = True) -> None:
        """Keep what is in the editor (it comes back after a restart); ``show`` says so on the
        status line (not while the screen is being taken down: its widgets may be gone)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if not self._dirty:
            return
        code = self.editor.text
        lesson_id, exercise_id = self.lesson_id, self.exercise_id
        self._dirty = False
        self._saved_text = code
        self.qala.write_when_free(partial(self.qala.engine.save_draft, lesson_id, exercise_id, code), wait=wait)
        if show and self.is_current and not self.checking:
            self._update_status()

    def on_unmount(self) -> None:
        self.save_draft(wait=True, show=False)

    # -- checking

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "hint", "reset") and self._busy:
            return None  # shown, but dimmed while a slow check runs
        return True

    def action_check(self) -> None:
        if (example := focused_example(self.focused)) is not None:
            example.run()  # F5 in a worked example runs it, ungraded
            return
        if self.checking:
            return
        source = self.editor.text
        # The check's worker keeps the draft: no SQLite write on this thread. Until it reports,
        # the text counts as unsaved, so leaving the lesson meanwhile still saves it.
        save = self._dirty
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self.checking = True
        self._spin_step = 0
        self._spinner()
        self._busy_timer = self.set_timer(BUSY_AFTER, self._show_busy)
        # Start once "Checking…" is drawn: a frame drawn while the check runs would make the
        # verdict wait for the next frame (Textual draws at most 60 a second).
        self.call_after_refresh(self._grade, self.lesson_id, self.exercise_id, source, save)

    def _show_busy(self) -> None:
        """The check takes a while: make that plain (and keep the screen still for quick ones)."""
        self._busy_timer = None
        if not self.checking:
            return
        self._busy = True
        self.query_one("#work").add_class("-checking")
        self.refresh_bindings()
        self._spin = self.set_interval(0.1, self._spinner)

    def _spinner(self) -> None:
        spinner = icons.PLAIN_SPINNER if self.qala.icon_choice == icons.PLAIN else icons.SPINNER
        frame = spinner[self._spin_step % len(spinner)]
        self._spin_step += 1
        self._set_status(Text(f"{frame} " + self.qala.t("Checking your code…"), style="bold"))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _grade(self, lesson_id: str, exercise_id: str, source: str, save_draft: bool) -> None:
        engine = self.qala.engine
        report = partial(self.Checked, lesson_id, exercise_id, source=source, saves_draft=save_draft)
        with self.qala.engine_lock:
            try:
                outcome = engine.check(lesson_id, exercise_id, source)
            except QalaError as exc:
                self.post_message(report(None, str(exc)))
            except Exception as exc:  # the app must survive anything a check does
                self.post_message(report(None, f"{type(exc).__name__}: {exc}"))
            else:
                self.post_message(report(outcome, None))
            finally:  # after the result is on its way: the draft is what a restart shows
                if save_draft:
                    engine.save_draft(lesson_id, exercise_id, source)

    def on_lesson_screen_checked(self, message: Checked) -> None:
        app = self.qala
        self.checking = False
        here = (message.lesson, message.exercise) == (self.lesson_id, self.exercise_id)
        if message.saves_draft and here and self.editor.text == message.source:
            self._dirty = False
            self._saved_text = message.source
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        with app.batch_update():
            if self._busy:
                self._busy = False
                if self._spin is not None:
                    self._spin.stop()
                self.query_one("#work").remove_class("-checking")
                self.refresh_bindings()
            if message.error is not None:
                self._update_status()
                self._show_error(message.error)
                return
            outcome = message.outcome
            assert outcome is not None
            if not here:
                self._update_status()
                title = self.lesson.text(app.language).exercises.get(message.exercise)
                word = app.t("passed") if outcome.passed else app.t("not passed yet")
                self.notify(f"{title.title if title else message.exercise}: {word}")
                return
            self._show_outcome(outcome)

    def _show_outcome(self, outcome: CheckOutcome) -> None:
        """The verdict first, then the news (XP, level, badges), then each check: all in the
        feedback panel, where the learner is looking (a note on top would hide it)."""
        app = self.qala
        lines: list[Text] = []
        for line in outcome.verdict(app.engine.tr):
            if line.kind is Line.PASSED:
                verdict = Text(f"{app.icon('🎉')} " + line.text, style="bold green")
                verdict.append("  " + line.detail, style="bold yellow" if outcome.xp_gained else "dim")
                lines.append(verdict)
            elif line.kind is Line.NOT_PASSED:
                lines.append(Text(app.plain_icons(f"{line.text} {line.detail}"), style="bold"))
            elif line.kind is Line.LEVEL_UP:
                lines.append(Text.assemble((f"{app.icon('⭐')} " + line.text, "bold yellow"), " ", line.detail))
            elif line.kind is Line.BADGE:
                lines.append(Text.assemble((f"{app.icon(safe_icon(line.icon))} {line.text}", "bold yellow"), f" · {line.detail}"))
            else:
                mark, style = (app.icon("✔") + " ", "green") if line.passed else (app.icon("✘") + " ", "red")
                lines.append(Text.assemble((mark, style), inline_code(line.text)))
        self._show_feedback(Text("\n").join(lines), "-passed" if outcome.passed else "-failed")
        if self._kind is not None:
            self._kind.show_output(outcome.grade.output)
        if outcome.passed:
            if self._state is not None:
                self._state = replace(self._state, passed=True)
            self._update_bar()
            self._celebrate()
        else:
            self._update_status()

    def _show_feedback(self, text: Text, verdict: str | None = None) -> None:
        """Put text in the feedback panel; a ``-passed`` or ``-failed`` verdict colours its edge."""
        self._feedback = text
        box = self.query_one("#feedback-box", VerticalScroll)
        box.set_class(verdict == "-passed", "-passed")
        box.set_class(verdict == "-failed", "-failed")
        box.remove_class("-empty")
        self.query_one("#feedback", Static).update(text)
        box.scroll_home(animate=False)

    def _show_error(self, error: str) -> None:
        """Qala itself could not run the check (not the learner's fault): say so, calmly."""
        app = self.qala
        text = Text()
        text.append(
            f"{app.icon('⚠')} " + app.t("The check could not run. Your code is saved; try again, and tell your teacher if it keeps happening."),
            style="bold yellow",
        )
        lines = error.strip().splitlines()
        if len(lines) > 4:  # a traceback: its first and last lines say enough
            lines = lines[:2] + ["…"] + lines[-2:]
        text.append("\n" + "\n".join(lines), style="dim")
        self._show_feedback(text, "-failed")

    def _celebrate(self) -> None:
        """Quick and cheerful: a burst of stars on the status line, then the status again."""
        app = self.qala
        frames = iter(enumerate([4, 8, 14, 20, 14, 8]))

        def burst() -> None:
            step, width = next(frames, (None, 0))
            if step is None or self.checking:
                if not self.checking and self.is_attached:
                    self._read_state()  # a pass changes the hints' cost: read it now, off the way
                    self._update_status()
                return
            confetti = icons.PLAIN_CONFETTI if app.icon_choice == icons.PLAIN else icons.CONFETTI
            stars = "".join(confetti[(i * 7 + step) % len(confetti)] for i in range(width))
            self._set_status(Text(f"{stars} " + app.t("Well done!") + f" {stars[::-1]}", style="bold yellow"))
            self.set_timer(0.12, burst)

        burst()

    # -- hints, reset, moving around

    def action_hint(self) -> None:
        if self.checking:
            return
        outcome: list[HintOutcome] = []
        ran = self.qala.write_when_free(lambda: outcome.append(self.qala.engine.hint(self.lesson_id, self.exercise_id)), wait=True)
        if not ran or not outcome:
            return
        hint = outcome[0]
        app = self.qala
        text = Text()
        text.append(f"{app.icon('💡')} " + app.t("Hint {number} of {total}", number=hint.number, total=hint.total), style="bold")
        text.append("  " + (app.nt("(cost {n} XP)", "(cost {n} XP)", hint.cost) if hint.cost else app.t("(no XP cost)")), style="dim")
        text.append("\n")
        text.append_text(inline_code(hint.text))
        self._show_feedback(text)
        self._show_words(self.lesson)
        self._read_state()
        self._update_status()

    def action_solution(self) -> None:
        if self.checking or self.exercise_id is None:
            return
        shown: list = []
        key, asked = (self.lesson_id, self.exercise_id), self._solution_asked
        ran = self.qala.write_when_free(lambda: shown.append(solution_panel(self.qala, *key, asked)), wait=True)
        if not ran or not shown:
            return
        panel, did = shown[0]
        self._solution_asked = did == ASKED
        self._show_feedback(panel)

    def action_reset(self) -> None:
        if self.checking:
            return
        editor = self.editor
        starter = self.exercise.starter
        if editor.text == starter:
            return
        editor.replace(starter, (0, 0), editor.document.end)
        editor.move_cursor((0, 0))
        if self._kind is not None:
            self._show_kind(starter)
            self._focus_work()
        # In the feedback panel, not a note on top: the old feedback was about the code just replaced.
        self._show_feedback(Text(f"{self.qala.icon('↺')} " + self.qala.t("The starter code is back. Changed your mind? ctrl+z brings your code back.")))

    def _go(self, step: int) -> None:
        ids = [e.id for e in self.lesson.exercises]
        index = ids.index(self.exercise_id) + step
        if 0 <= index < len(ids):
            self.save_draft()
            self.exercise_id = ids[index]
            self._load_exercise()
            self._focus_work()
        elif step > 0:
            self.notify(self.qala.t("That was the last exercise of this lesson. Escape goes back to the map."))

    def action_next(self) -> None:
        self._go(+1)

    def action_previous(self) -> None:
        self._go(-1)

    def action_back(self) -> None:
        self.save_draft()
        self.qala.pop_screen()

    # -- for teachers

    def after_reload(self) -> None:
        """The lesson file may have changed: show the new words, keep the learner's code."""
        try:
            lesson = self.lesson
        except QalaError as exc:
            self.notify(str(exc), title=self.qala.t("This lesson cannot be shown"), severity="error", timeout=10)
            if self.is_current:
                self.qala.pop_screen()
            return
        if lesson.exercise(self.exercise_id) is None:
            self.exercise_id = lesson.exercises[0].id
            self._load_exercise()
        else:
            self.refresh_content()
