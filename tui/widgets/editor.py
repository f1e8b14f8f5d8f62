"""The exercise's code editor."""

from __future__ import annotations

from textual import events
from textual.theme import Theme
from textual.widgets import TextArea


class CodeEditor(TextArea):
    """A Python TextArea that follows the app's light or dark theme, without TextArea's own F6
    and F7 (select line, select all): the lesson screen uses those keys for Hint and Previous.

    It also runs its own key bindings (arrows, End, Backspace, ctrl+z…) the moment their key
    arrives. Textual runs them only when the key has bubbled up to the app, by which time letters
    typed after them may already be in: on a slow machine, which reads several keys from the
    terminal at once, "End, Backspace, x" could put the x where the cursor was before End
    (Textual issue #6605). Priority bindings (F5) are handled by the app before any of this.
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

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                self._restart_blink()
                return
        await super()._on_key(event)
