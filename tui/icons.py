"""Icons in the terminal: emoji where the terminal can draw them, plain symbols where it cannot.

The Linux console (TERM=linux) has no emoji and few symbols beyond ASCII, so there the default
is plain; a learner switches either way in the settings (F9), and the choice is remembered. A
plain symbol takes as many cells as the emoji it stands for, so nothing on screen moves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from rich.cells import cell_len

EMOJI, PLAIN = "emoji", "plain"
CHOICES = (EMOJI, PLAIN)

#: The terminal's own icons and their plain stand-ins (ASCII only: the Linux console's fonts have little more).
PLAIN_SYMBOLS = {
    "✔": "+",
    "✘": "x",
    "◐": "~",
    "○": "o",
    "🔒": "#",
    "⭐": "*",
    "🔥": "*",
    "🏅": "*",
    "🎉": "*",
    "💡": "?",
    "⚠": "!",
    "↺": "<",
    "⏱": "~",
}
#: A badge's own emoji (any a course chooses) becomes this.
PLAIN_BADGE = "*"
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
PLAIN_SPINNER = "|/-\\"
CONFETTI = "✦✧★✶·*+✺"
PLAIN_CONFETTI = "*+.o"


def default_choice(environ: Mapping[str, str] | None = None) -> str:
    """Plain on the Linux console (no emoji font there), emoji everywhere else."""
    environ = os.environ if environ is None else environ
    return PLAIN if environ.get("TERM", "") == "linux" else EMOJI


def plain(icon: str) -> str:
    """The plain stand-in for `icon`, padded to the cells the icon takes."""
    bare = icon.replace("\ufe0f", "")
    symbol = PLAIN_SYMBOLS.get(bare, PLAIN_BADGE)
    return symbol + " " * max(0, cell_len(bare) - cell_len(symbol))


def in_text(text: str, choice: str) -> str:
    """`text` (e.g. a translated message that names an icon) with its icons made plain if so chosen."""
    if choice != PLAIN:
        return text
    for icon in PLAIN_SYMBOLS:
        if icon in text:
            text = text.replace(icon, plain(icon))
    return text
