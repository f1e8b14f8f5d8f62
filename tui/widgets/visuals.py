"""Text visuals drawn with plain characters, so they look the same in every terminal and theme."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"


def progress_bar(done: int, total: int, width: int = 20) -> Text:
    """A bar like ━━━━━━──────: the done part in the accent colour."""
    filled = round(width * done / total) if total else 0
    bar = Text()
    bar.append("━" * filled, style="bold green")
    bar.append("─" * (width - filled), style="dim")
    return bar


def safe_icon(icon: str, fallback: str = "🏅") -> str:
    """An emoji that takes two cells everywhere (some, like 🗺️, are drawn one or two cells wide)."""
    bare = icon.replace("\ufe0f", "")
    return bare if bare and cell_len(bare) == 2 else fallback


_CODE = re.compile(r"`([^`]+)`")


def inline_code(message: str, style: str = "") -> Text:
    """A message with `code` spans shown in bold instead of backticks."""
    text = Text(style=style)
    position = 0
    for match in _CODE.finditer(message):
        text.append(message[position : match.start()])
        text.append(match.group(1), style="bold")
        position = match.end()
    text.append(message[position:])
    return text


def number(value: float) -> str:
    """A number as short as it can be read: 0, 1,204, 35.2, 0.47."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


class ColumnChart(Widget):
    """A small column chart: one column per value (the latest ones if they don't fit), with the
    lowest and highest value on the left and the first and last label underneath."""

    COMPONENT_CLASSES = {"column-chart--bar"}
    DEFAULT_CSS = """
    ColumnChart { height: 8; }
    ColumnChart > .column-chart--bar { color: $accent; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.values: tuple[float, ...] = ()
        self.labels: tuple[str, ...] = ()

    def show(self, values: Sequence[float], labels: Sequence[str]) -> None:
        self.values = tuple(values)
        self.labels = tuple(labels)
        self.refresh()

    def render(self) -> Text:
        if not self.values:
            return Text("")
        rows = max(1, self.size.height - 1)
        base = min(0.0, *self.values)  # columns stand on zero, or on the lowest value below it
        high = max(self.values)
        axis = max(len(number(base)), len(number(high))) + 1
        space = max(1, self.size.width - axis - 1)
        values = self.values[-space:]
        labels = self.labels[-space:]
        span = (high - base) or 1.0
        bar_style = self.get_component_rich_style("column-chart--bar")
        lines = []
        for row in range(rows, 0, -1):
            label = number(high) if row == rows else (number(base) if row == 1 else "")
            line = Text(label.rjust(axis) + "┤" if label else " " * axis + "│", style="dim")
            cells = []
            for value in values:
                height = (value - base) / span * rows  # in rows, fractional
                fill = min(max(height - (row - 1), 0.0), 1.0)
                cells.append(BLOCKS[round(fill * 8)])
            line.append("".join(cells), style=bar_style)
            lines.append(line)
        footer = Text(" " * (axis + 1), style="dim")
        first, last = labels[0], labels[-1]
        gap = max(1, len(values) - len(first) - len(last))
        footer.append(first + " " * gap + last if len(values) > len(first) + len(last) else first, style="dim")
        lines.append(footer)
        return Text("\n").join(lines)
