"""The plotting helper: text charts that fit a terminal, and SVG drawings in a notebook."""

from __future__ import annotations

import subprocess
import sys
import types
import xml.etree.ElementTree as ET

import pytest

from qala.grader import plot
from qala.grader.plot import bar_chart, line_chart

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
PM25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]


def drawn(capsys, function, *args, **kwargs) -> list[str]:
    assert function(*args, **kwargs) is None
    return capsys.readouterr().out.rstrip("\n").split("\n")


def test_a_bar_chart_prints_one_bar_per_label_longest_for_the_largest(capsys):
    lines = drawn(capsys, bar_chart, ["Medeu", "Turksib", "Zhetysu"], [16, 31, 30.5], title="PM2.5 in a year", unit="µg/m³")
    assert lines == [
        "PM2.5 in a year (µg/m³)",
        "Medeu   █████████████████████████▊                           16",
        "Turksib ██████████████████████████████████████████████████   31",
        "Zhetysu █████████████████████████████████████████████████▎ 30.5",
    ]


def test_charts_never_pass_80_columns(capsys):
    labels = ["a district with a very long name indeed", "x"]
    for lines in (
        drawn(capsys, bar_chart, labels, [123456789.123, -0.001], title="t" * 200),
        drawn(capsys, bar_chart, labels, [1e300, -1e-300]),
        drawn(capsys, line_chart, [i * 1.5 for i in range(1000)], labels=[f"day {i}" for i in range(1000)], title="t" * 200),
        drawn(capsys, line_chart, [-1234567.5, 7654321.25, 0]),
    ):
        assert max(len(line) for line in lines) <= 80, lines


def test_a_long_label_is_cut_with_an_ellipsis(capsys):
    lines = drawn(capsys, bar_chart, ["Almaty's longest district name", "Short"], [1, 2])
    assert lines[0].startswith("Almaty's longes… ")
    assert lines[1].startswith("Short            ")


def test_missing_values_get_no_bar_and_a_dash(capsys):
    lines = drawn(capsys, bar_chart, ["a", "b", "c", "d"], [4, None, float("nan"), ""])
    assert lines[0].endswith(" 4") and "█" in lines[0]
    for line in lines[1:]:
        assert "█" not in line and line.endswith(plot.MISSING)


def test_negative_values_grow_left_of_zero(capsys):
    lines = drawn(capsys, bar_chart, ["warm", "cold"], [10, -10])
    warm, cold = lines
    assert warm.index("█") > cold.index("█")  # the positive bar starts where the negative one ends
    assert cold.rstrip().endswith("-10") and warm.endswith(" 10")
    assert cold[: cold.rindex("█") + 1].endswith("█") and "▐" not in warm


def test_equal_and_zero_values_do_not_break_the_scale(capsys):
    same = drawn(capsys, bar_chart, ["a", "b"], [5, 5])
    assert same[0] == same[1].replace("b", "a") and same[0].count("█") == plot.BAR_WIDTH
    zeros = drawn(capsys, bar_chart, ["a", "b"], [0, 0])
    assert all("█" not in line and line.endswith(" 0") for line in zeros)


def test_empty_data_says_so(capsys):
    assert drawn(capsys, bar_chart, [], [], title="Nothing") == ["Nothing", "(no data)"]
    assert drawn(capsys, line_chart, [None, None]) == ["(no data)"]


def test_the_output_is_the_same_every_time(capsys):
    first = drawn(capsys, line_chart, PM25, labels=MONTHS, title="PM2.5")
    second = drawn(capsys, line_chart, PM25, labels=MONTHS, title="PM2.5")
    assert first == second


def test_bad_input_is_explained(capsys):
    with pytest.raises(ValueError, match="3 labels but 2 values"):
        bar_chart(["a", "b", "c"], [1, 2])
    with pytest.raises(TypeError, match="value 1 is 'high', not a number"):
        bar_chart(["a", "b"], [1, "high"])
    with pytest.raises(TypeError, match="not a piece of text"):
        line_chart("12345")
    with pytest.raises(ValueError, match="labels"):
        line_chart([1, 2], labels=["only one"])


def test_numbers_are_short_and_plain():
    values = (52.0, 23.83, 13943.44, 0.0351, 1.25, -0.0, 1.26e12, 0.00004, None)
    assert [plot.number_text(v) for v in values] == ["52", "23.8", "13943", "0.035", "1.25", "0", "1.26e+12", "4e-05", "—"]


def test_a_line_chart_puts_the_highest_value_on_the_top_row(capsys):
    lines = drawn(capsys, line_chart, PM25, labels=MONTHS, title="PM2.5 by month", unit="µg/m³")
    assert lines[0] == "PM2.5 by month (µg/m³)"
    rows = lines[1:-1]
    assert len(rows) == plot.LINE_HEIGHT
    assert rows[0].startswith("  54 ┤") and rows[-1].startswith("  10 ┤")
    assert rows[0].index("─") == 6  # January, near the top, from the first column
    assert lines[-1].split() == ["Jan", "Jul", "Dec"]


def test_a_line_chart_of_equal_values_is_one_flat_row(capsys):
    assert drawn(capsys, line_chart, [5, 5, 5]) == ["5 ┤" + "─" * 18]


def test_a_gap_breaks_the_line(capsys):
    rows = drawn(capsys, line_chart, [1, 1, None, 1, 2])
    bottom = rows[-1]
    assert "─" * 6 + " " * 6 + "─" in bottom


def test_a_long_series_is_squeezed_into_80_columns_without_losing_its_spike(capsys):
    values = [200.0 + (i % 7) for i in range(366)]
    values[71] = 224466.3  # a day typed in kilograms instead of tonnes
    lines = drawn(capsys, line_chart, values)
    assert len(lines) == plot.LINE_HEIGHT and max(len(line) for line in lines) <= 80
    assert lines[0].startswith("224466 ┤") and lines[0].endswith("┊")  # the spike reaches the top
    assert sum(line.count("┊") for line in lines) < plot.LINE_HEIGHT  # in one column only


def test_everyday_ups_and_downs_of_a_long_series_get_no_marks(capsys):
    lines = drawn(capsys, line_chart, [(i % 30) * 1.0 + i / 10 for i in range(1000)])
    assert not any("┊" in line for line in lines)


def test_outside_a_notebook_nothing_is_displayed(monkeypatch, capsys):
    shown = fake_ipython(monkeypatch, shell_class="TerminalInteractiveShell")
    bar_chart(["a"], [1])
    assert shown == []


def fake_ipython(monkeypatch, shell_class: str = "ZMQInteractiveShell") -> list:
    shown: list = []
    ipython = types.ModuleType("IPython")
    display = types.ModuleType("IPython.display")
    shell = type(shell_class, (), {})()
    ipython.get_ipython = lambda: shell
    display.display = lambda obj, raw=False: shown.append((obj, raw))
    ipython.display = display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    return shown


def test_in_a_notebook_the_chart_is_also_drawn_as_svg(monkeypatch, capsys):
    shown = fake_ipython(monkeypatch)
    bar_chart(["Medeu", "<Turksib & co>", "gap", "minus"], [16, 31, None, -4], title='PM2.5 "yearly"', unit="µg/m³")
    line_chart(PM25[:4] + [None] + PM25[5:], labels=MONTHS, title="By month")
    assert "Medeu" in capsys.readouterr().out  # the text chart is printed as well
    (bars, raw), (line, _) = shown
    assert raw is True
    svg = ET.fromstring(bars["image/svg+xml"])
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f"{ns}rect")) == 1 + 3  # the background and three bars (no bar for the gap)
    assert "<Turksib & co>" in [t.text for t in svg.iter(f"{ns}text")]
    drawing = ET.fromstring(line["image/svg+xml"])
    assert len(drawing.findall(f"{ns}polyline")) == 2  # the gap splits the line in two


def test_a_broken_display_does_not_break_the_chart(monkeypatch, capsys):
    fake_ipython(monkeypatch)

    def explode(obj, raw=False):
        raise RuntimeError("no frontend")

    monkeypatch.setattr(sys.modules["IPython.display"], "display", explode)
    bar_chart(["a"], [1])
    assert capsys.readouterr().out.startswith("a ")


def test_importing_it_loads_nothing_heavy():
    code = "import sys, qala.grader.plot\nprint([m for m in ('IPython', 'pandas', 'numpy', 'matplotlib') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_it_draws_inside_the_in_process_runner_as_in_the_browser(monkeypatch):
    from qala.grader.run.sandbox import execute

    shown = fake_ipython(monkeypatch)  # the browser's kernel
    source = "from qala.grader.plot import bar_chart\nbar_chart(['Medeu', 'Turksib'], [16, 31], unit='µg/m³')\n"
    result = execute({"source": source, "variables": []}, step_budget=1_000_000)
    assert result["status"] == "ok", result
    assert result["stdout"].splitlines()[1].startswith("Medeu   ████")
    # While the checker runs code (the learner's, the reference's, a typical mistake's), the
    # chart is graded as text only: a drawing would show the reference's chart to the learner.
    assert shown == []


# ---------------------------------------------------------------- histogram, scatter and map (issue 15)


def test_a_histogram_counts_values_in_equal_bins_and_is_recorded_as_one(capsys):
    from qala.grader import plot

    plot.forget_drawings()
    plot.histogram([1, 2, 2, 3, 3, 3, 4, 9, 12, 30, None], bins=5, title="Days", unit="µg/m³")
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "Days (µg/m³)"
    assert [line.split()[0] for line in text.splitlines()[1:]] == ["1–6.8", "6.8–12.6", "12.6–18.4", "18.4–24.2", "24.2–30"]
    assert [line.split()[-1] for line in text.splitlines()[1:]] == ["7", "2", "0", "0", "1"]  # the missing value left out
    (drawn,) = plot.drawings()
    assert drawn["kind"] == "hist" and drawn["series"][0]["values"] == [7, 2, 0, 0, 1]


def test_a_scatter_puts_each_pair_on_the_grid_with_its_axes(capsys):
    from qala.grader import plot

    plot.forget_drawings()
    plot.scatter([-10, 0, 20, None], [80, 40, 10, 5], title="Cold and smog", x_label="°C", y_label="PM2.5")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Cold and smog"
    assert lines[1].startswith("80 │·") and lines[16].startswith("10 │") and lines[16].rstrip().endswith("·")
    assert lines[-2].split() == ["-10", "20"] and "↑ PM2.5" in lines[-1] and "°C →" in lines[-1]
    assert sum(line.count("·") for line in lines[1:17]) == 3  # the pair with a missing x is left out
    assert plot.drawings()[0]["kind"] == "scatter"


def test_a_map_keeps_north_up_and_real_longitudes_and_weights_its_marks(capsys):
    from qala.grader import plot

    plot.map_points([43.25, 43.25, 43.35], [76.90, 77.00, 76.90], weights=[1, 1, 30], title="Docks")
    lines = capsys.readouterr().out.splitlines()
    north, south = plot.number_text(43.35), plot.number_text(43.25)
    assert lines[1].startswith(f"{north} │●")  # the heavy place, in the north-west corner
    assert lines[16].startswith(f"{south} │·") and lines[16].rstrip().endswith("·")
    assert lines[-2].split() == ["76.9", "77"]  # longitudes as they are, though drawn to scale
    with pytest.raises(ValueError, match="one of each per place"):
        plot.map_points([43.2], [76.9, 77.0])


def test_a_histogram_needs_whole_bins_and_a_scatter_pairs():
    from qala.grader import plot

    with pytest.raises(ValueError, match="bins must be a whole number"):
        plot.histogram([1, 2], bins=0)
    with pytest.raises(ValueError, match="one y for each x"):
        plot.scatter([1, 2], [1])
