"""The first question at the first start: which learning path to follow (changed later in Settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import t

if TYPE_CHECKING:
    from ..app import QalaApp


class PathChoiceScreen(ModalScreen[str | None]):
    """The course's paths, each with what it is for; Enter chooses, Escape leaves it for later."""

    DEFAULT_CSS = """
    PathChoiceScreen { align: center middle; }
    PathChoiceScreen #path-box { width: 76; max-width: 100%; height: auto; max-height: 100%; border: round $accent; padding: 0 1; background: $surface; }
    PathChoiceScreen #path-question { height: auto; margin-bottom: 1; }
    PathChoiceScreen #paths { height: auto; max-height: 16; }
    PathChoiceScreen #path-keys { height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "later", t("Later"), id="path.later")]

    @property
    def qala(self) -> QalaApp:
        return cast("QalaApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="path-box"):
            yield Static(id="path-question")
            yield OptionList(id="paths")
            yield Static(id="path-keys")

    def on_mount(self) -> None:
        app = self.qala
        self.query_one("#path-question", Static).update(Text(app.t("Which path will you follow?"), style="bold"))
        options = []
        for path in app.engine.course.paths:
            label = Text(app.pick(path.title), style="bold")
            if app.pick(path.description):
                label.append("\n" + app.pick(path.description))
            label.append("\n" + app.nt("{n} lesson", "{n} lessons", len(path.lessons)), style="dim")
            options.append(Option(label, id=path.id))
        paths = self.query_one("#paths", OptionList)
        paths.add_options(options)
        paths.highlighted = 0
        paths.focus()
        self.query_one("#path-keys", Static).update(app.t("↑ ↓ choose, Enter to start; you can change it later in Settings (F9). Esc: not now"))

    @on(OptionList.OptionSelected, "#paths")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_later(self) -> None:
        self.dismiss(None)
