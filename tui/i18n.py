"""Interface strings in the terminal app: marked where they are written, translated where shown.

Key bindings are declared once per class, before anyone has chosen a language, so their
descriptions are only *marked* here with :func:`t` (gettext's ``N_``: Babel extracts calls named
``t``) and translated by :class:`TranslatedBindings` whenever the language changes. Everything
else is translated on the spot through ``app.t`` / ``app.nt``, i.e. the engine's translator.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap


def t(message: str) -> str:
    """Mark an English interface string for extraction; it is translated when shown."""
    return message


class TranslatedBindings:
    """A mixin for the App and Screens: footer and palette texts follow the learner's language."""

    def retranslate_bindings(self) -> None:
        english: BindingsMap | None = getattr(self, "_english_bindings", None)
        if english is None:
            english = self._english_bindings = self._bindings.copy()  # type: ignore[has-type]
        tr = self.app.engine.tr  # type: ignore[attr-defined]
        keys = {
            key: [
                replace(
                    binding,
                    description=tr.t(binding.description) if binding.description else "",
                    tooltip=tr.t(binding.tooltip) if binding.tooltip else "",
                )
                for binding in bindings
            ]
            for key, bindings in english.key_to_bindings.items()
        }
        self._bindings = BindingsMap.from_keys(keys)
        self.refresh_bindings()  # type: ignore[attr-defined]
