"""The course's one plotting helper: bar, line, histogram, scatter and map charts a lesson's code can draw.

Everywhere, each prints a compact Unicode text chart (at most 80 columns, the same text on every
machine), so it works in a terminal, in the grading sandbox and in a notebook alike; where an
IPython kernel is running (Jupyter, JupyterLite) it also shows an SVG drawing made here, without
matplotlib. Standard library only, and nothing heavy at import time: it must load in Pyodide.

    from qala.grader.plot import bar_chart, line_chart
    bar_chart(["Medeu", "Turksib"], [16, 31], title="PM2.5 in a year", unit="µg/m³")
    line_chart([52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38], title="PM2.5 by month")
    histogram(daily_pm25, bins=8, title="January days", unit="µg/m³")
    scatter(temperatures, pm25, x_label="°C", y_label="PM2.5")
    map_points(latitudes, longitudes, weights=docks, title="Bike docks")
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["bar_chart", "line_chart", "histogram", "scatter", "map_points", "drawings", "forget_drawings"]

WIDTH = 80  # columns the text chart may use, at most
LABEL_WIDTH = 16  # longer labels are cut with '…'
BAR_WIDTH = 50  # the longest bar, in columns (less when labels or numbers are wide)
LINE_HEIGHT = 10  # rows of a text line chart
MISSING = "—"  # shown in place of a missing value
EIGHTHS = " ▏▎▍▌▋▊▉█"  # a bar's last cell, in eighths of a column

SVG_WIDTH = 640
SVG_FONT = "font-family='sans-serif' font-size='13'"
SVG_BLUE = "#2f6db5"
SVG_RED = "#c0503a"
SVG_GREY = "#8a8a8a"


# ---------------------------------------------------------------- the public functions


def bar_chart(labels: Iterable[Any], values: Iterable[Any], title: str = "", unit: str = "") -> None:
    """Draw one horizontal bar per label: the bar's length shows its value.

    Missing values (None, NaN, empty text) get no bar and a '—'; negative values grow to the
    left of zero. Prints the chart; in a notebook also shows it as a drawing. Returns None.
    """
    names = [_label(label) for label in labels]
    numbers = _numbers(values, "bar_chart")
    if len(names) != len(numbers):
        raise ValueError(f"bar_chart: {len(names)} labels but {len(numbers)} values; give one label for each value")
    print(_bar_text(names, numbers, str(title), str(unit)))
    _record("bar", names, [("", numbers)], str(title), "", str(unit))
    _show_svg(lambda: _bar_svg(names, numbers, str(title), str(unit)))


def line_chart(values: Iterable[Any], labels: Iterable[Any] | None = None, title: str = "", unit: str = "") -> None:
    """Draw values in order (a time series) as a line; ``labels`` name the points (months, days).

    Missing values break the line. A series too long for 80 columns is drawn in equal runs of
    values: the line goes through each run's mean, and where a run holds a spike a dotted mark
    (┊) reaches its lowest and highest values, so no spike is averaged away. Prints the chart;
    in a notebook also shows it as a drawing, point by point. Returns None.
    """
    numbers = _numbers(values, "line_chart")
    names = None if labels is None else [_label(label) for label in labels]
    if names is not None and len(names) != len(numbers):
        raise ValueError(f"line_chart: {len(names)} labels but {len(numbers)} values; give one label for each value")
    print(_line_text(numbers, names, str(title), str(unit)))
    _record("line", names or [], [("", numbers)], str(title), "", str(unit))
    _show_svg(lambda: _line_svg(numbers, names, str(title), str(unit)))


def histogram(values: Iterable[Any], bins: int = 10, title: str = "", unit: str = "") -> None:
    """Count the values in ``bins`` bins of equal width, from the smallest value to the largest,
    and draw one bar per bin (labelled with its range): the shape of the data. Missing values
    are left out. Prints the chart; in a notebook also shows it as a drawing. Returns None."""
    if type(bins) is not int or bins < 1:
        raise ValueError("histogram: bins must be a whole number, 1 or more")
    numbers = [v for v in _numbers(values, "histogram") if v is not None]
    names, counts = _binned(numbers, bins)
    print(_bar_text(names, counts, str(title), str(unit)))
    _record("hist", names, [("", counts)], str(title), str(unit), "count")
    _show_svg(lambda: _bar_svg(names, counts, str(title), str(unit)))


def scatter(x: Iterable[Any], y: Iterable[Any], title: str = "", x_label: str = "", y_label: str = "") -> None:
    """One point per pair (x, y): do the two rise and fall together? Pairs with a missing value
    are left out; where several points share a spot the mark grows (· • ●). Prints the chart; in
    a notebook also shows it as a drawing. Returns None."""
    xs, ys = _numbers(x, "scatter"), _numbers(y, "scatter")
    if len(xs) != len(ys):
        raise ValueError(f"scatter: {len(xs)} x values but {len(ys)} y values; give one y for each x")
    points = [(a, b, 1.0) for a, b in zip(xs, ys) if a is not None and b is not None]
    print(_points_text(points, str(title), str(x_label), str(y_label)))
    _record("scatter", [number_text(a) for a in xs], [("", ys)], str(title), str(x_label), str(y_label))
    _show_svg(lambda: _points_svg(points, str(title), str(x_label), str(y_label), False))


def map_points(latitudes: Iterable[Any], longitudes: Iterable[Any], weights: Iterable[Any] | None = None, title: str = "") -> None:
    """Places on a map from their latitude and longitude (north up, east right, distances kept
    true at Almaty's latitude); ``weights`` (docks, people) make a place's mark bigger. Prints
    the chart; in a notebook also shows it as a drawing. Returns None."""
    lats, lons = _numbers(latitudes, "map_points"), _numbers(longitudes, "map_points")
    sizes = [1.0] * len(lats) if weights is None else _numbers(weights, "map_points")
    if not (len(lats) == len(lons) == len(sizes)):
        raise ValueError(f"map_points: {len(lats)} latitudes, {len(lons)} longitudes and {len(sizes)} weights; give one of each per place")
    present = [lat for lat in lats if lat is not None]
    shrink = math.cos(math.radians(sum(present) / len(present))) if present else 1.0  # a degree of longitude is shorter
    points = [(lon * shrink, lat, w if w is not None else 0.0) for lat, lon, w in zip(lats, lons, sizes) if lat is not None and lon is not None]
    shown = [lon for lat, lon in zip(lats, lons) if lat is not None and lon is not None]
    ends = (number_text(min(shown)), number_text(max(shown))) if shown else None
    print(_points_text(points, str(title), "longitude", "latitude", weighted=weights is not None, x_ends=ends))
    _record("scatter", [number_text(v) for v in lons], [("", lats)], str(title), "longitude", "latitude")
    _show_svg(lambda: _points_svg(points, str(title), "", "", weights is not None))


def _binned(numbers: list[float], bins: int) -> tuple[list[str], list[float | None]]:
    if not numbers:
        return [], []
    low, high = min(numbers), max(numbers)
    width = (high - low) / bins if high > low else 1.0
    counts = [0] * bins
    for value in numbers:
        counts[min(int((value - low) / width), bins - 1)] += 1
    names = [f"{number_text(low + i * width)}–{number_text(low + (i + 1) * width)}" for i in range(bins)]
    return names, [float(c) for c in counts]


MARKS = "·•●"  # one point, a few, many (or a small, middling, large weight)
POINTS_WIDTH, POINTS_HEIGHT = 60, 16


def _points_text(
    points: list[tuple[float, float, float]], title: str, x_label: str, y_label: str, weighted: bool = False, x_ends: tuple[str, str] | None = None
) -> str:
    lines = [_cut(title, WIDTH)] if title else []
    if not points:
        return "\n".join([*lines, "(no data)"])
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_low, x_high, y_low, y_high = min(xs), max(xs), min(ys), max(ys)
    grid: dict[tuple[int, int], float] = {}
    for x, y, weight in points:
        column = 0 if x_high == x_low else round((x - x_low) / (x_high - x_low) * (POINTS_WIDTH - 1))
        row = 0 if y_high == y_low else round((y_high - y) / (y_high - y_low) * (POINTS_HEIGHT - 1))
        grid[(row, column)] = grid.get((row, column), 0.0) + (weight if weighted else 1.0)
    biggest = max(grid.values()) or 1.0
    axis = max(len(number_text(y_high)), len(number_text(y_low)))
    for row in range(POINTS_HEIGHT):
        cells = "".join(_mark(grid.get((row, column)), biggest, weighted) for column in range(POINTS_WIDTH))
        side = number_text(y_high) if row == 0 else number_text(y_low) if row == POINTS_HEIGHT - 1 else ""
        lines.append(f"{side:>{axis}} │{cells}".rstrip())
    lines.append(" " * axis + " └" + "─" * POINTS_WIDTH)
    left, right = x_ends or (number_text(x_low), number_text(x_high))
    lines.append(" " * (axis + 2) + left + right.rjust(POINTS_WIDTH - len(left)))
    names = "   ".join(n for n in (y_label and f"↑ {y_label}", x_label and f"{x_label} →") if n)
    if names:
        lines.append(" " * (axis + 2) + _cut(names, WIDTH - axis - 2))
    return "\n".join(lines)


def _mark(value: float | None, biggest: float, weighted: bool) -> str:
    if not value:
        return " "
    if not weighted:
        return MARKS[0] if value < 2 else MARKS[1] if value < 5 else MARKS[2]
    share = value / biggest
    return MARKS[0] if share < 1 / 3 else MARKS[1] if share < 2 / 3 else MARKS[2]


def _points_svg(points: list[tuple[float, float, float]], title: str, x_label: str, y_label: str, weighted: bool) -> str:
    top, left, right, bottom, height = (40 if title else 14), 64, 16, 36, 300
    plot_w, plot_h = SVG_WIDTH - left - right, height - top - bottom
    body = [f"<text x='10' y='22' {SVG_FONT} font-weight='bold'>{_xml(title)}</text>"] if title else []
    if not points:
        body.append(f"<text x='{left}' y='{top + 20}' {SVG_FONT} fill='{SVG_GREY}'>(no data)</text>")
        return _svg(SVG_WIDTH, height, body, title)
    xs, ys, ws = [p[0] for p in points], [p[1] for p in points], [p[2] for p in points]
    x_low, x_high, y_low, y_high = min(xs), max(xs), min(ys), max(ys)
    biggest = max(ws) or 1.0
    for x, y, w in points:
        cx = left + (plot_w / 2 if x_high == x_low else plot_w * (x - x_low) / (x_high - x_low))
        cy = top + (plot_h / 2 if y_high == y_low else plot_h * (y_high - y) / (y_high - y_low))
        r = 3 + (9 * w / biggest if weighted else 0)
        body.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='{r:.1f}' fill='{SVG_BLUE}' fill-opacity='0.6'/>")
    body.append(f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' stroke='{SVG_GREY}'/>")
    body.append(f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' stroke='{SVG_GREY}'/>")
    if x_label:
        body.append(f"<text x='{left + plot_w}' y='{height - 8}' {SVG_FONT} text-anchor='end'>{_xml(x_label)}</text>")
    if y_label:
        body.append(f"<text x='10' y='{top - 6}' {SVG_FONT}>{_xml(y_label)}</text>")
    return _svg(SVG_WIDTH, height, body, title)


# ---------------------------------------------------------------- what was drawn, for chart checks

DRAWN: list[dict[str, Any]] = []  # every chart this helper drew in this process, in order
MAX_RECORDED = 5000  # categories and values kept per chart


def _record(kind: str, x: list[str], series: list[tuple[str, list[float | None]]], title: str, x_label: str, y_label: str) -> None:
    DRAWN.append(_drawing(kind, x, series, title, x_label, y_label))


def _drawing(kind: str, x: Sequence[Any], series: Sequence[tuple[str, Sequence[Any]]], title: str, x_label: str, y_label: str) -> dict[str, Any]:
    """A chart as plain data: its kind (bar, line, hist, scatter), x categories, series (label
    and values), axis labels and title."""
    return {
        "kind": kind,
        "x": [str(v)[: LABEL_WIDTH * 4] for v in list(x)[:MAX_RECORDED]],
        "series": [{"label": str(label), "values": [_plain(v) for v in list(values)[:MAX_RECORDED]]} for label, values in series],
        "title": title,
        "x_label": x_label,
        "y_label": y_label,
    }


def _plain(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def drawings() -> list[dict[str, Any]]:
    """What was drawn in this process: this helper's charts, then matplotlib's figures (read from
    pyplot where a program imported it), each as plain data (see :func:`_drawing`)."""
    return [*DRAWN, *_pyplot_drawings()]


def forget_drawings() -> None:
    """Start afresh (before each checked run): no helper charts, no open pyplot figures."""
    DRAWN.clear()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close("all")
        except Exception:
            pass


def _pyplot_drawings() -> list[dict[str, Any]]:
    pyplot = sys.modules.get("matplotlib.pyplot")  # never imported here: only if the program did
    if pyplot is None:
        return []
    found = []
    try:
        for number in pyplot.get_fignums():
            figure = pyplot.figure(number)
            figure.canvas.draw()  # tick labels of category axes exist once drawn (Agg: no window)
            found += [_axes_drawing(axes) for axes in figure.get_axes() if _has_data(axes)]
    except Exception:  # a figure we cannot read is not drawn, as far as a check can tell
        return found
    return found


def _has_data(axes: Any) -> bool:
    return bool(axes.containers or axes.get_lines() or axes.collections)


def _axes_drawing(axes: Any) -> dict[str, Any]:
    """One matplotlib Axes as a drawing: bars (bar, barh or hist), lines or scattered points."""
    title, x_label, y_label = axes.get_title(), axes.get_xlabel(), axes.get_ylabel()

    def label(artist: Any) -> str:
        text = str(artist.get_label() or "")
        return "" if text.startswith("_") else text

    bars = [c for c in axes.containers if type(c).__name__ == "BarContainer"]
    if bars:
        horizontal = getattr(bars[0], "orientation", "vertical") == "horizontal"
        ticks = axes.get_yticklabels() if horizontal else axes.get_xticklabels()
        patches = bars[0].patches
        edges = [(p.get_y(), p.get_height()) if horizontal else (p.get_x(), p.get_width()) for p in patches]
        adjacent = len(edges) > 1 and all(abs(a + w - b) < 1e-9 * max(1.0, abs(b)) for (a, w), (b, _) in zip(edges, edges[1:], strict=False))
        categorical = any(t.get_text() and not _numeric(t.get_text()) for t in ticks)
        kind = "hist" if adjacent and not categorical else "bar"
        x = [t.get_text() for t in ticks if t.get_text()] if categorical else []
        series = [(label(c), [p.get_width() if horizontal else p.get_height() for p in c.patches]) for c in bars]
        if horizontal:
            x_label, y_label = y_label, x_label
        return _drawing(kind, x, series, title, x_label, y_label)
    lines = axes.get_lines()
    if lines:
        xs = list(lines[0].get_xdata())
        x = [str(v) for v in xs] if xs and all(isinstance(v, str) for v in xs) else []
        return _drawing("line", x, [(label(line), list(line.get_ydata())) for line in lines], title, x_label, y_label)
    points = [c for c in axes.collections if type(c).__name__ == "PathCollection"]
    return _drawing("scatter", [], [(label(c), [y for _, y in c.get_offsets()]) for c in points], title, x_label, y_label)


def _numeric(text: str) -> bool:
    try:
        float(text.replace("\u2212", "-"))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- reading what the learner gave


def _numbers(values: Iterable[Any], who: str) -> list[float | None]:
    """Plain floats, with None for a missing value; anything else that is not a number is an error."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{who}: give a list of numbers, not a piece of text")
    numbers: list[float | None] = []
    for position, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            numbers.append(None)
            continue
        if isinstance(value, bool):
            raise TypeError(f"{who}: value {position} is {value!r}, not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{who}: value {position} is {value!r}, not a number") from None
        numbers.append(number if math.isfinite(number) else None)
    return numbers


def _label(label: Any) -> str:
    text = "" if label is None else str(label)
    return " ".join(text.split())  # one line, whatever it was


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def number_text(value: float | None) -> str:
    """A value as a short, plain number: no thousands separator, few decimals, and an exponent
    only for the very large and the very small (1.26e+12, 4e-05)."""
    if value is None:
        return MISSING
    size = abs(value)
    if size >= 1e12 or 0 < size < 0.001:
        return f"{value:.3g}"
    decimals = 0 if size >= 1000 or value == int(value) else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _heading(title: str, unit: str) -> str:
    title, unit = _label(title), _label(unit)
    if title and unit:
        return f"{title} ({unit})"
    return title or unit


# ---------------------------------------------------------------- text charts


def _bar_text(names: list[str], numbers: list[float | None], title: str, unit: str) -> str:
    lines = []
    heading = _heading(title, unit)
    if heading:
        lines.append(_cut(heading, WIDTH))
    if not numbers:
        lines.append("(no data)")
        return "\n".join(lines)
    label_width = min(max(len(n) for n in names), LABEL_WIDTH)
    shown = [number_text(v) for v in numbers]
    value_width = max(len(s) for s in shown)
    bar_width = max(10, min(BAR_WIDTH, WIDTH - label_width - value_width - 2))
    present = [v for v in numbers if v is not None]
    low = min(present + [0.0])
    high = max(present + [0.0])
    span = high - low
    # The column where zero sits: at the left edge unless some value is negative.
    zero = 0 if low >= 0 or span == 0 else round(bar_width * -low / span)
    for name, value, text in zip(names, numbers, shown):
        if value is None or span == 0:
            bar = " " * bar_width
        elif value >= 0:
            eighths = round(value / span * bar_width * 8)
            full, part = divmod(eighths, 8)
            full = min(full, bar_width - zero)
            cells = "█" * full + (EIGHTHS[part] if part and full < bar_width - zero else "")
            bar = " " * zero + cells.ljust(bar_width - zero)
        else:
            halves = round(-value / span * bar_width * 2)
            full, half = divmod(halves, 2)
            full = min(full, zero)
            cells = ("▐" if half and full < zero else "") + "█" * full
            bar = cells.rjust(zero) + " " * (bar_width - zero)
        lines.append(f"{_cut(name, label_width):<{label_width}} {bar} {text:>{value_width}}".rstrip())
    return "\n".join(lines)


def _fit(numbers: list[float | None], names: list[str] | None, width: int) -> tuple[list[float | None], list[tuple[float, float] | None], list[str] | None]:
    """At most ``width`` points. A longer series becomes equal runs of values: each run's mean,
    and its lowest and highest values (its span; None for a point that is not a run)."""
    if len(numbers) <= width:
        return numbers, [None] * len(numbers), names
    runs = math.ceil(len(numbers) / width)
    means: list[float | None] = []
    spans: list[tuple[float, float] | None] = []
    fitted_names: list[str] = []
    for start in range(0, len(numbers), runs):
        chunk = [v for v in numbers[start : start + runs] if v is not None]
        means.append(sum(chunk) / len(chunk) if chunk else None)
        spans.append((min(chunk), max(chunk)) if chunk else None)
        if names is not None:
            fitted_names.append(names[start])
    return means, spans, (fitted_names if names is not None else None)


def _spikes(points: list[float | None], spans: list[tuple[float, float] | None]) -> list[tuple[float, float] | None]:
    """The spans worth drawing: those reaching beyond the band of all the runs' means by more
    than the band is wide. A spike shows; everyday ups and downs would only clutter the chart."""
    means = [v for v in points if v is not None]
    if not means:
        return [None] * len(spans)
    bottom, top = min(means), max(means)
    band = top - bottom
    return [span if span is not None and (span[1] - top > band or bottom - span[0] > band) else None for span in spans]


def _line_text(numbers: list[float | None], names: list[str] | None, title: str, unit: str) -> str:
    lines = []
    heading = _heading(title, unit)
    if heading:
        lines.append(_cut(heading, WIDTH))
    if all(v is None for v in numbers):
        lines.append("(no data)")
        return "\n".join(lines)
    room = WIDTH - 2
    while True:  # the axis labels' width depends on the points, which depend on the room left
        points, spans, point_names = _fit(numbers, names, room)
        spans = _spikes(points, spans)
        low = min([v for v in points if v is not None] + [span[0] for span in spans if span is not None])
        high = max([v for v in points if v is not None] + [span[1] for span in spans if span is not None])
        height = LINE_HEIGHT if high != low else 1
        ticks = {0: low, height - 1: high}
        if height >= 5:
            middle = (height - 1) // 2
            ticks[middle] = low + (high - low) * middle / (height - 1)
        axis_width = max(len(number_text(t)) for t in ticks.values())
        if len(points) <= WIDTH - axis_width - 2:
            break
        room = WIDTH - axis_width - 2
    step = max(1, min(6, (WIDTH - axis_width - 2) // len(points)))
    columns = [v for v in points for _ in range(step)]

    def row(value: float) -> int:  # 0 is the bottom row
        return 0 if high == low else round((value - low) / (high - low) * (height - 1))

    grid = [[" "] * len(columns) for _ in range(height)]
    previous: int | None = None
    for x, value in enumerate(columns):
        if value is None:
            previous = None
            continue
        y = row(value)
        if previous is None or previous == y:
            grid[y][x] = "─"
        else:
            top, bottom = max(previous, y), min(previous, y)
            grid[top][x] = "╮" if previous > y else "╭"
            grid[bottom][x] = "╰" if previous > y else "╯"
            for between in range(bottom + 1, top):
                grid[between][x] = "│"
        previous = y
    for x, span in enumerate(span for span in spans for _ in range(step)):
        if span is not None:  # a run's lowest and highest values, dotted
            for r in range(row(span[0]), row(span[1]) + 1):
                if grid[r][x] == " ":
                    grid[r][x] = "┊"
    for r in range(height - 1, -1, -1):
        tick = ticks.get(r)
        left = f"{number_text(tick):>{axis_width}} ┤" if tick is not None else " " * axis_width + " │"
        lines.append((left + "".join(grid[r])).rstrip())
    if point_names:
        lines.append(_x_labels(point_names, step, axis_width + 2, len(columns)))
    return "\n".join(lines)


def _x_labels(names: list[str], step: int, indent: int, width: int) -> str:
    """The first, middle and last labels under the line, where they fit."""
    picks = [0] if len(names) == 1 else [0, len(names) // 2, len(names) - 1] if len(names) >= 5 else [0, len(names) - 1]
    line = [" "] * (indent + width)
    for position, index in enumerate(picks):
        text = _cut(names[index], 12)
        start = indent + index * step
        if position == len(picks) - 1 and len(picks) > 1:
            start = min(start, indent + width - len(text))
        elif position > 0:
            start = max(indent, start - len(text) // 2)
        start = max(0, min(start, WIDTH - len(text)))
        if all(c == " " for c in line[max(0, start - 1) : start + len(text) + 1]):
            line[start : start + len(text)] = list(text)
    return "".join(line).rstrip()[:WIDTH]


# ---------------------------------------------------------------- drawings for a notebook


def _show_svg(draw) -> None:
    """Show an SVG in a running IPython kernel; do nothing anywhere else (terminal, sandbox),
    nor while Qala's checker is running code in this kernel (the browser has no processes):
    a drawing made then would show the reference solution's chart, or a typical mistake's."""
    ipython = sys.modules.get("IPython")  # never imported here: only a kernel has it loaded
    if ipython is None or _being_checked():
        return
    try:
        shell = ipython.get_ipython()
        if shell is None or "Terminal" in type(shell).__name__:
            return
        from IPython.display import display

        display({"image/svg+xml": draw()}, raw=True)
    except Exception:  # a drawing is a bonus: the text chart is already printed
        return


def _being_checked() -> bool:
    """Whether the printed output is being captured by the checker (sandbox.execute)."""
    sandbox = sys.modules.get("qala.grader.run.sandbox")
    capture = getattr(sandbox, "_Capped", None)
    return isinstance(capture, type) and isinstance(sys.stdout, capture)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace('"', "&quot;")


def _svg(width: int, height: int, body: Sequence[str], title: str) -> str:
    label = _xml(title or "chart")
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' aria-label='{label}'>"
        f"<rect width='{width}' height='{height}' fill='white'/>" + "".join(body) + "</svg>"
    )


def _bar_svg(names: list[str], numbers: list[float | None], title: str, unit: str) -> str:
    heading = _heading(title, unit)
    top = 34 if heading else 10
    row_height, bar_height = 24, 16
    label_width = min(LABEL_WIDTH, max([len(n) for n in names] + [1])) * 8 + 12
    value_room = 70
    plot = SVG_WIDTH - label_width - value_room - 10
    height = top + row_height * max(len(names), 1) + 10
    present = [v for v in numbers if v is not None]
    low, high = min(present + [0.0]), max(present + [0.0])
    span = high - low
    zero = label_width + (0 if span == 0 else plot * -low / span)
    body = [f"<text x='10' y='22' {SVG_FONT} font-weight='bold'>{_xml(heading)}</text>"] if heading else []
    if not names:
        body.append(f"<text x='10' y='{top + 16}' {SVG_FONT} fill='{SVG_GREY}'>(no data)</text>")
    for i, (name, value) in enumerate(zip(names, numbers)):
        y = top + i * row_height
        body.append(f"<text x='{label_width - 8}' y='{y + 13}' {SVG_FONT} text-anchor='end'>{_xml(_cut(name, LABEL_WIDTH))}</text>")
        if value is None:
            body.append(f"<text x='{zero + 4:.1f}' y='{y + 13}' {SVG_FONT} fill='{SVG_GREY}'>{MISSING}</text>")
            continue
        length = 0 if span == 0 else plot * abs(value) / span
        x = zero if value >= 0 else zero - length
        colour = SVG_BLUE if value >= 0 else SVG_RED
        body.append(f"<rect x='{x:.1f}' y='{y}' width='{length:.1f}' height='{bar_height}' fill='{colour}'/>")
        text_x = (zero + length + 4) if value >= 0 else (zero + 4)
        body.append(f"<text x='{text_x:.1f}' y='{y + 13}' {SVG_FONT}>{_xml(number_text(value))}</text>")
    if low < 0 < high or (low < 0 and high == 0):
        body.append(f"<line x1='{zero:.1f}' y1='{top - 4}' x2='{zero:.1f}' y2='{height - 8}' stroke='{SVG_GREY}'/>")
    return _svg(SVG_WIDTH, height, body, heading)


def _line_svg(numbers: list[float | None], names: list[str] | None, title: str, unit: str) -> str:
    heading = _heading(title, unit)
    top = 40 if heading else 14
    left, right, bottom = 64, 16, 36
    height = 260
    plot_w, plot_h = SVG_WIDTH - left - right, height - top - bottom
    body = [f"<text x='10' y='22' {SVG_FONT} font-weight='bold'>{_xml(heading)}</text>"] if heading else []
    present = [v for v in numbers if v is not None]
    if not present:
        body.append(f"<text x='{left}' y='{top + 20}' {SVG_FONT} fill='{SVG_GREY}'>(no data)</text>")
        return _svg(SVG_WIDTH, height, body, heading)
    low, high = min(present), max(present)
    if high == low:
        low, high = low - 1, high + 1
    n = len(numbers)

    def at(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))
        return x, top + plot_h * (high - v) / (high - low)

    for fraction in (0.0, 0.5, 1.0):
        tick = low + (high - low) * fraction
        y = top + plot_h * (1 - fraction)
        body.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' stroke='#e3e3e3'/>")
        body.append(f"<text x='{left - 6}' y='{y + 4:.1f}' {SVG_FONT} text-anchor='end'>{_xml(number_text(tick))}</text>")
    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(numbers):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(at(i, v))
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(f"<polyline points='{points}' fill='none' stroke='{SVG_BLUE}' stroke-width='2'/>")
        if len(run) == 1 or n <= 60:
            body.extend(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{SVG_BLUE}'/>" for x, y in run)
    if names:
        picks = sorted({0, n // 2, n - 1}) if n >= 5 else list(range(n))
        for i in picks:
            x, _ = at(i, low)
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            body.append(f"<text x='{x:.1f}' y='{height - 12}' {SVG_FONT} text-anchor='{anchor}'>{_xml(_cut(names[i], 16))}</text>")
    return _svg(SVG_WIDTH, height, body, heading)
