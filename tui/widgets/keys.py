"""Text fields whose bound keys act in the order they were typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.widget import Widget as _Field
else:
    _Field = object


class KeysInOrder(_Field):
    """Mixed into a text field (TextArea, Input): runs the field's own key bindings (arrows,
    End, Backspace, ctrl+z…) the moment their key arrives.

    Textual runs them only once the key has bubbled up to the app, by which time letters typed
    after them may already be in: on a slow machine, which reads several keys from the terminal
    at once, "End, Backspace, x" could put the x where the cursor was before End (Textual issue
    #6605). Priority bindings (F5 in a lesson) are handled by the app before any of this.
    """

    if TYPE_CHECKING:

        def _restart_blink(self) -> None: ...

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                self._restart_blink()
                return
        await super()._on_key(event)


class SearchBox(KeysInOrder, Input):
    """A one-line text field (a search box) whose keys act in the order they were typed."""
