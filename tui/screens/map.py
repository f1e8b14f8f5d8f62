"""The course map, the first screen: where you are, what is next, and every lesson by track."""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import t
from ..widgets.visuals import progress_bar
from .base import QalaScreen

MARKS = {"done": "✔", "in_progress": "◐", "available": "○", "locked": "🔒"}
MARK_STYLES = {"done": "green", "in_progress": "yellow", "available": "", "locked": "dim"}


def _two_cells(mark: str) -> str:
    """A status mark padded to two cells, so that titles line up whatever the mark."""
    return mark + " " * max(0, 2 - cell_len(mark))


def _hanging(mark: Text, text: Text) -> Table:
    """A mark and a text whose wrapped lines start under the text, not under the mark."""
    line = Table.grid()
    line.add_column(width=mark.cell_len, no_wrap=True)
    line.add_column(ratio=1)
    line.add_row(mark, text)
    return line


class MapScreen(QalaScreen):
    """Tracks with progress bars, lessons with their status, and a clear way to continue."""

    CSS_PATH = "map.tcss"
    BINDINGS = [
        Binding("c,с", "continue", t("Continue"), id="map.continue", tooltip=t("Open the exercise where you left off")),
        Binding("enter", "open", t("Open lesson"), id="map.open", tooltip=t("Open the highlighted lesson")),
        Binding("f12,ctrl+f", "app.show('glossary')", t("Glossary"), id="map.glossary", tooltip=t("Data words in English, Russian and Kazakh (F12 or ctrl+f)")),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="stats")
        yield Button("", id="continue", variant="success")
        with Horizontal(id="map-body"):
            yield OptionList(id="lessons")
            with VerticalScroll(id="lesson-detail"):
                yield Static(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#lessons", OptionList).focus()

    # -- drawing

    def refresh_content(self) -> None:
        app = self.qala
        engine = app.engine
        view = engine.progress()
        stats = Text()
        stats.append(app.t("Level {level}: {title}", level=view.level.number, title=app.pick(view.level.title)), style="bold")
        stats.append("  ")
        if view.next_level:
            span = view.next_level.xp - view.level.xp
            stats.append_text(progress_bar(view.xp - view.level.xp, span, 10))
            stats.append(" " + app.t("{xp} / {next} XP", xp=view.xp, next=view.next_level.xp))
        else:
            stats.append(app.t("{xp} XP", xp=view.xp))
        stats.append(f"  {app.icon('🔥')} " + app.nt("Streak: {n} day", "Streak: {n} days", view.streak))
        earned = sum(1 for b in view.badges if b.earned_at)
        stats.append(f"  {app.icon('🏅')} " + app.t("{earned}/{total} badges", earned=earned, total=len(view.badges)))
        if engine.path is not None:
            stats.append("  · " + app.pick(engine.path.title), style="dim")
        self.query_one("#stats", Static).update(stats)

        button = self.query_one("#continue", Button)
        point = engine.continue_point()
        if point is None:
            if view.exercises_total:
                button.label = app.plain_icons(app.t("Every exercise is done. Well done! 🎉"))
            else:
                button.label = app.t("This course has no lessons yet.")
            button.disabled = True
            self._continue = None
        else:
            lesson, exercise = point
            text = lesson.text(app.language)
            word = app.t("Continue where you left off") if view.exercises_done or engine.progress_data().attempts else app.t("Start here")
            button.label = f"▶ {word}: {text.title} · {text.exercises[exercise.id].title}"
            button.disabled = False
            self._continue = (lesson.id, exercise.id)
        self._fill_lessons()

    def _fill_lessons(self) -> None:
        app = self.qala
        lessons = self.query_one("#lessons", OptionList)
        highlighted = lessons.highlighted_option.id if lessons.highlighted_option else None
        if highlighted is None and (continue_at := getattr(self, "_continue", None)):
            highlighted = continue_at[0]
        self._status: dict[str, str] = {}
        options: list[Option] = []
        for number, track_view in enumerate(app.engine.course_map()):
            heading = Text()
            heading.append(track_view.track.title_in(app.language), style="bold")
            heading.append("\n")
            heading.append_text(progress_bar(track_view.done, track_view.total, 24))
            heading.append("  " + app.t("{done} of {total} exercises", done=track_view.done, total=track_view.total), style="dim")
            options.append(Option(heading, id=f"track:{track_view.track.id}", disabled=True))
            if not track_view.lessons:
                options.append(Option(Text("   " + app.t("Lessons coming soon"), style="dim italic"), id=f"empty:{number}", disabled=True))
            for lesson_view in track_view.lessons:
                lesson = lesson_view.lesson
                self._status[lesson.id] = lesson_view.status
                title = Text(lesson.text(app.language).title, style="dim" if lesson_view.status == "locked" else "")
                title.append(f"  {lesson_view.done}/{lesson_view.total}", style="dim")
                options.append(
                    Option(
                        _hanging(Text("  " + _two_cells(app.icon(MARKS[lesson_view.status])) + " ", style=MARK_STYLES[lesson_view.status]), title), id=lesson.id
                    )
                )
        lessons.set_options(options)
        if highlighted:
            try:
                lessons.highlighted = lessons.get_option_index(highlighted)
            except Exception:  # the lesson is gone after a reload
                lessons.highlighted = None
        if lessons.highlighted is None:
            lessons.action_first()
        self._show_detail(lessons.highlighted_option.id if lessons.highlighted_option else None)

    def _show_detail(self, lesson_id: str | None) -> None:
        app = self.qala
        detail = self.query_one("#detail", Static)
        lesson = app.engine.course.lesson(lesson_id) if lesson_id else None
        if lesson is None:
            detail.update("")
            return
        text = lesson.text(app.language)
        passed = app.engine.progress_data().passed()
        out = Text()
        out.append(text.title + "\n", style="bold")
        if text.summary:
            out.append(text.summary + "\n", style="italic")
        out.append(f"\n{app.icon('⏱')} " + app.t("about {minutes} minutes", minutes=lesson.minutes))
        out.append(" · " + app.nt("{n} exercise", "{n} exercises", len(lesson.exercises)) + "\n\n")
        for exercise in lesson.exercises:
            done = (lesson.id, exercise.id) in passed
            out.append(app.icon("✔") + " " if done else "· ", style="green" if done else "dim")
            out.append(text.exercises[exercise.id].title + "\n")
        if self._status.get(lesson.id) == "locked":
            names = self._titles(lesson.requires)
            out.append(f"\n{app.icon('🔒')} " + app.t("Finish these first: {lessons}", lessons=names) + "\n", style="yellow")
        if lesson.datasets:
            out.append("\n" + app.t("Data: {datasets}", datasets=", ".join(lesson.datasets)) + "\n", style="dim")
        detail.update(out)

    def _titles(self, lesson_ids) -> str:
        course, language = self.qala.engine.course, self.qala.language
        return ", ".join(f"“{course.lesson(i).text(language).title}”" if course.lesson(i) else i for i in lesson_ids)

    # -- acting

    @on(OptionList.OptionHighlighted, "#lessons")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option.id)

    @on(OptionList.OptionSelected, "#lessons")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    @on(Button.Pressed, "#continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    def _open(self, lesson_id: str | None) -> None:
        if not lesson_id or lesson_id not in self._status:
            return
        if self._status[lesson_id] == "locked":
            names = self._titles(self.qala.engine.course.lesson(lesson_id).requires)
            self.notify(self.qala.t("This lesson opens when you finish: {lessons}", lessons=names), severity="warning")
            return
        self.qala.open_lesson(lesson_id)

    def action_open(self) -> None:
        lessons = self.query_one("#lessons", OptionList)
        if lessons.highlighted_option:
            self._open(lessons.highlighted_option.id)

    def action_continue(self) -> None:
        if continue_at := getattr(self, "_continue", None):
            lesson_id, exercise_id = continue_at
            self.qala.open_lesson(lesson_id, exercise_id)
