"""The exercise's code editor."""

from __future__ import annotations

from textual.theme import Theme
from textual.widgets import TextArea

from .keys import KeysInOrder


class CodeEditor(KeysInOrder, TextArea):
    """A Python TextArea that follows the app's light or dark theme, without TextArea's own F6
    and F7 (select line, select all): the lesson screen uses those keys for Hint and Previous.

    Its keys act in the order they were typed (see :class:`KeysInOrder`).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("f6", "f7"):
            self._bindings.key_to_bindings.pop(key, None)

    def on_mount(self) -> None:
        self._follow(self.app.current_theme)
        self.app.theme_changed_signal.subscribe(self, self._follow)

    def _follow(self, theme: Theme) -> None:
        self.theme = "monokai" if theme.dark else "github_light"
