"""Settings: the language (takes effect at once, remembered), the theme and the icons; where things live."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Header, RadioButton, RadioSet, Static

from qala.grader.i18n import LANGUAGE_NAMES

from .base import QalaScreen


class SettingsScreen(QalaScreen):
    """Choices a learner makes once; a teacher's reload button and folders at the bottom."""

    CSS_PATH = "settings.tcss"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="settings-body"):
            yield Static(id="language-label", classes="setting-label")
            with RadioSet(id="language"):
                for code, name in LANGUAGE_NAMES.items():
                    yield RadioButton(name, id=f"lang-{code}")
            if self.qala.engine.course.paths:
                yield Static(id="path-label", classes="setting-label")
                with RadioSet(id="path"):
                    for path in self.qala.engine.course.paths:
                        yield RadioButton(path.id, id=f"path-{path.id}")
            yield Static(id="theme-label", classes="setting-label")
            with RadioSet(id="theme"):
                yield RadioButton("Dark", id="theme-dark")
                yield RadioButton("Light", id="theme-light")
            yield Static(id="icons-label", classes="setting-label")
            with RadioSet(id="icons"):
                yield RadioButton("Emoji", id="icons-emoji")
                yield RadioButton("Plain", id="icons-plain")
            yield Static(id="teacher-label", classes="setting-label")
            yield Static(id="folders")
            yield Button("", id="reload")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#language", RadioSet).focus()

    def refresh_content(self) -> None:
        app = self.qala
        self.query_one("#language-label", Static).update(Text(app.t("Language"), style="bold"))
        self.query_one("#theme-label", Static).update(Text(app.t("Theme"), style="bold"))
        self.query_one("#teacher-label", Static).update(Text(app.t("Folders (for teachers)"), style="bold"))
        self.query_one("#theme-dark", RadioButton).label = app.t("Dark")
        self.query_one("#theme-light", RadioButton).label = app.t("Light")
        self.query_one("#icons-label", Static).update(Text(app.t("Icons"), style="bold"))
        self.query_one("#icons-emoji", RadioButton).label = app.t("Emoji (🔥 ⭐ 🔒)")
        self.query_one("#icons-plain", RadioButton).label = app.t("Plain symbols, for terminals that show emoji as empty boxes (* + #)")
        if app.engine.course.paths:
            self.query_one("#path-label", Static).update(Text(app.t("Learning path"), style="bold"))
            for path in app.engine.course.paths:
                self.query_one(f"#path-{path.id}", RadioButton).label = app.pick(path.title)
            if app.engine.path is not None:
                self._select(f"path-{app.engine.path.id}")
        self._select(f"lang-{app.language}")
        self._select(f"theme-{app.theme_choice}")
        self._select(f"icons-{app.icon_choice}")
        folders = Text()
        folders.append(app.t("Your progress: {path}", path=str(app.engine.home)) + "\n")
        folders.append(app.t("The course: {path}", path=str(app.engine.course_root)) + "\n")
        problems = app.engine.course.problems
        if problems:
            folders.append(app.nt("{n} lesson could not be read:", "{n} lessons could not be read:", len(problems)) + "\n", style="yellow")
            for problem in problems:
                folders.append(f"  {problem}\n", style="yellow")
        self.query_one("#folders", Static).update(folders)
        self.query_one("#reload", Button).label = app.t("Reload the course from disk (ctrl+l)")

    def _select(self, button_id: str) -> None:
        button = self.query_one(f"#{button_id}", RadioButton)
        if not button.value:
            with self.prevent(RadioSet.Changed):
                button.value = True

    @on(RadioSet.Changed, "#language")
    def _language(self, event: RadioSet.Changed) -> None:
        code = (event.pressed.id or "").removeprefix("lang-")
        if code and code != self.qala.language:
            self.qala.set_language(code)

    @on(RadioSet.Changed, "#path")
    def _path(self, event: RadioSet.Changed) -> None:
        choice = (event.pressed.id or "").removeprefix("path-")
        chosen = self.qala.engine.path
        if choice and (chosen is None or choice != chosen.id):
            self.qala.set_path(choice)

    @on(RadioSet.Changed, "#theme")
    def _theme(self, event: RadioSet.Changed) -> None:
        choice = (event.pressed.id or "").removeprefix("theme-")
        if choice and choice != self.qala.theme_choice:
            self.qala.set_theme_choice(choice)

    @on(RadioSet.Changed, "#icons")
    def _icons(self, event: RadioSet.Changed) -> None:
        choice = (event.pressed.id or "").removeprefix("icons-")
        if choice and choice != self.qala.icon_choice:
            self.qala.set_icon_choice(choice)

    @on(Button.Pressed, "#reload")
    def _reload(self) -> None:
        self.qala.action_reload()
