"""What every Qala screen shares: header and footer, texts that follow the language, fresh data."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from ..i18n import TranslatedBindings

if TYPE_CHECKING:
    from ..app import QalaApp


class QalaScreen(TranslatedBindings, Screen):
    """A screen that shows the engine's current state, redrawn whenever it comes back into view."""

    @property
    def qala(self) -> QalaApp:
        """The app, typed as Qala's own (Textual types ``self.app`` as any App)."""
        return cast("QalaApp", self.app)

    def on_screen_resume(self) -> None:
        self.retranslate_bindings()
        self.refresh_content()

    def refresh_content(self) -> None:
        """Redraw from the engine (progress may have changed, or the language)."""

    def after_reload(self) -> None:
        """The course was read from disk again."""
        if self.is_current:
            self.refresh_content()
