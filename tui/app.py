"""The Qala terminal app: the whole course in one window — map, lessons, data, badges, settings.

The app holds one :class:`~qala.grader.engine.Engine` and talks to it only through its public
API. Grading runs in a thread worker; the engine's progress store is one SQLite connection, so
the app keeps every write on one lock (see :meth:`QalaApp.write_when_free`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from qala.grader.engine import Engine
from qala.grader.errors import QalaError
from qala.grader.i18n import LANGUAGE_NAMES, pick

from . import icons
from .i18n import TranslatedBindings, t
from .screens.data import DataScreen
from .screens.glossary import GlossaryScreen
from .screens.lesson import LessonScreen
from .screens.map import MapScreen
from .screens.path_choice import PathChoiceScreen
from .screens.profile import ProfileScreen
from .screens.settings import SettingsScreen

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class QalaApp(TranslatedBindings, App[int]):
    """Qala in the terminal."""

    CSS_PATH = "qala.tcss"
    TITLE = "Qala"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    MODES = {"course": MapScreen, "data": DataScreen, "profile": ProfileScreen, "glossary": GlossaryScreen, "settings": SettingsScreen}
    BINDINGS = [
        Binding("f2", "show('course')", t("Course"), id="app.course", tooltip=t("The course map: tracks, lessons and where to continue")),
        Binding("f3", "show('data')", t("Data"), id="app.data", tooltip=t("The city's datasets: tables, datasheets and charts")),
        Binding("f4", "show('profile')", t("Badges"), id="app.profile", tooltip=t("Your level, XP, streak and badges")),
        Binding("f9", "show('settings')", t("Settings"), id="app.settings", tooltip=t("Language, theme and icons")),
        # Everywhere, but in the footer only on the map: a lesson's footer has no room left.
        Binding(
            "f12,ctrl+f",
            "show('glossary')",
            t("Glossary"),
            id="app.glossary",
            show=False,
            tooltip=t("Data words in English, Russian and Kazakh (F12 or ctrl+f)"),
        ),
        Binding(
            "ctrl+l", "reload", t("Reload course"), id="app.reload", show=False, tooltip=t("Read the lessons from disk again (for teachers editing a lesson)")
        ),
        Binding("ctrl+t", "toggle_dark", t("Light/dark"), id="app.toggle-dark", show=False, tooltip=t("Switch between the light and the dark theme")),
    ]

    def __init__(self, engine: Engine, lesson: str | None = None):
        super().__init__()
        self.engine = engine
        self.start_lesson = lesson
        self.engine_lock = threading.RLock()  # re-entrant: a reload may save a closing lesson's draft
        self._icon_choice: str | None = None  # read from the settings on first use

    # -- translation

    def t(self, message: str, /, **params: object) -> str:
        return self.engine.tr.t(message, **params)

    def nt(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self.engine.tr.nt(singular, plural, n, **params)

    @property
    def language(self) -> str:
        return self.engine.language

    def pick(self, text) -> str:
        """A course text given in several languages, in the learner's."""
        return pick(text, self.engine.language)

    # -- icons: emoji, or plain symbols where the terminal cannot draw emoji (see icons.py)

    @property
    def icon_choice(self) -> str:
        if self._icon_choice is None:
            saved = self.engine.store.setting("icons")
            self._icon_choice = saved if saved in icons.CHOICES else icons.default_choice()
        return self._icon_choice

    def set_icon_choice(self, choice: str) -> None:
        self._icon_choice = choice
        engine = self.engine
        self.write_when_free(lambda: engine.store.set_setting("icons", choice))
        refresh = getattr(self.screen, "refresh_content", None)
        if refresh:
            refresh()

    def icon(self, emoji: str) -> str:
        """`emoji` as this terminal should show it (a badge's icon included)."""
        if self.icon_choice == icons.PLAIN:
            return icons.plain(emoji)
        return emoji

    def plain_icons(self, text: str) -> str:
        """A message naming an icon (\"fix what is marked ✘\"), with the icon as shown here."""
        return icons.in_text(text, self.icon_choice)

    # -- start and stop

    def on_mount(self) -> None:
        saved = self.engine.settings.theme
        self.theme = THEMES.get(saved or "", THEMES["dark"])
        self.retranslate_bindings()
        self._update_title()
        self.switch_mode("course")
        if self.start_lesson:
            self.open_lesson(self.start_lesson)
        elif self.engine.course.paths and self.engine.path is None:  # the first start: which path?
            self.push_screen(PathChoiceScreen(), callback=self._path_chosen)
        # Start the grader's warm worker now, in the background, so the first check is quick too.
        self.run_worker(self.engine.warm_up, thread=True, exclusive=False, group="warm-up", exit_on_error=False)
        problems = self.engine.course.problems
        if problems:  # a teacher's broken lesson is skipped, never fatal: say where to look
            self.notify(
                self.nt(
                    "{n} lesson could not be read and is left out: see Settings (F9).",
                    "{n} lessons could not be read and are left out: see Settings (F9).",
                    len(problems),
                ),
                severity="warning",
                timeout=8,
            )

    def _update_title(self) -> None:
        self.title = self.pick(self.engine.course.info.title) or "Qala"

    async def action_quit(self) -> None:
        self.save_drafts(wait=True)
        # A check in progress writes its attempt and draft under the lock: let it finish first.
        if self.engine_lock.acquire(timeout=5):
            self.engine_lock.release()
        self.exit(0)

    def save_drafts(self, wait: bool = False) -> None:
        """Save the editor's text of every open lesson (on quitting, the check's lock is awaited)."""
        for screen in self._every_screen():
            if isinstance(screen, LessonScreen):
                screen.save_draft(wait=wait)

    def _every_screen(self) -> Iterable[Screen]:
        for stack in self._screen_stacks.values():
            yield from stack

    # -- the store is one connection: one writer at a time

    def write_when_free(self, work: Callable[[], object], wait: bool = False) -> bool:
        """Run an engine call that writes, unless a check is writing: then retry shortly.

        With ``wait``, block (up to a few seconds) first; returns whether it ran now.
        """
        if self.engine_lock.acquire(timeout=5) if wait else self.engine_lock.acquire(blocking=False):
            try:
                work()
            finally:
                self.engine_lock.release()
            return True
        self.set_timer(0.2, partial(self.write_when_free, work))
        return False

    # -- going places

    def action_show(self, mode: str) -> None:
        """Switch screens; the course remembers an open lesson, and F2 again goes to the map."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        elif isinstance(self.screen, LessonScreen):  # F2 again: from the lesson to the map
            self.screen.action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The key of the screen you are on does nothing there: keep it out of the footer.
        if action == "show" and parameters and parameters[0] == self.current_mode and not isinstance(self.screen, LessonScreen):
            return False
        return True

    def open_lesson(self, lesson_id: str, exercise_id: str | None = None) -> None:
        if self.current_mode != "course":
            self.switch_mode("course")
        while isinstance(self.screen, LessonScreen):
            self.screen.save_draft()
            self.pop_screen()
        try:
            self.engine.lesson(lesson_id)
        except QalaError as exc:
            self.notify(str(exc), severity="error")
            return
        self.push_screen(LessonScreen(lesson_id, exercise_id))

    # -- the learning path

    def _path_chosen(self, path_id: str | None) -> None:
        if path_id:
            self.set_path(path_id)

    def set_path(self, path_id: str) -> None:
        """Follow another learning path: remembered, and the course map shows it at once."""

        def choose() -> None:
            self.engine.choose_path(path_id)
            refresh = getattr(self.screen, "refresh_content", None)
            if refresh:
                refresh()

        self.write_when_free(choose)

    # -- language and theme

    def set_language(self, language: str) -> None:
        """Switch at once; the choice is remembered for the next start."""
        self.engine.set_language(language, remember=False)
        self.write_when_free(lambda: self.engine.set_language(language))
        self.retranslate_bindings()
        self._update_title()
        refresh = getattr(self.screen, "refresh_content", None)
        if refresh:
            refresh()

    def set_theme_choice(self, choice: str) -> None:
        self.theme = THEMES[choice]

    @property
    def theme_choice(self) -> str:
        return "light" if self.theme == THEMES["light"] else "dark"

    def watch_theme(self, theme: str) -> None:
        engine = getattr(self, "engine", None)
        choice = next((k for k, v in THEMES.items() if v == theme), None)
        if engine is not None and choice and engine.settings.theme != choice:
            self.write_when_free(lambda: engine.change_settings(theme=choice))

    def action_toggle_dark(self) -> None:
        self.set_theme_choice("dark" if self.theme_choice == "light" else "light")

    # -- for teachers

    def action_reload(self) -> None:
        """Read the course from disk again: a teacher sees their edit without restarting."""

        def reload() -> None:
            self.engine.reload()
            problems = self.engine.course.problems
            if problems:
                self.notify("\n".join(str(p) for p in problems[:5]), title=self.t("Some lessons have mistakes"), severity="warning", timeout=10)
            else:
                self.notify(self.t("The course was read again from {path}.", path=str(self.engine.course_root)), title=self.t("Reloaded"))
            for screen in self._every_screen():
                after = getattr(screen, "after_reload", None)
                if after:
                    after()

        if not self.write_when_free(reload, wait=False):
            self.notify(self.t("Reloading when the check in progress is done…"))

    # -- the command palette lists every action of the screen, plus languages and screens

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        seen = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.system or not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, binding.tooltip or binding.description, partial(self.run_action, binding.action, active.node))
        for code, name in LANGUAGE_NAMES.items():
            if code != self.language:
                yield SystemCommand(self.t("Language: {name}", name=name), self.t("Show Qala in {name}", name=name), partial(self.set_language, code))
        for command in super().get_system_commands(screen):  # Textual's own (Theme, Quit…): marked in grader/locale
            yield command._replace(title=self.t(command.title), help=self.t(command.help))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # it takes App[object]
            self.push_screen(CommandPalette(placeholder=self.t("Search for commands…"), id="--command-palette"))
