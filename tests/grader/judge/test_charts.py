"""Chart checks: the plotting helper (and matplotlib's pyplot, in the real sandbox) records what
was drawn, and a `chart` check says what differs from the reference's drawing, translated."""

from __future__ import annotations

import pytest

from qala.grader import plot
from qala.grader.content.course_file import load_course
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.launch import ProcessRunner
from tests.conftest import exercise_text, lesson_text, make_course

DISTRICTS = 'from qala.grader.plot import bar_chart\nbar_chart(["Medeu", "Turksib", "Alatau"], [16, 31, 27], title="PM2.5 by district", unit="µg/m³")'
CHART_CHECK = "[[check]]\nchart = true\n"


def grade(tmp_path, code: str, solution: str = DISTRICTS, checks: str = CHART_CHECK, lang: str = "en", front: str = ""):
    exercise = exercise_text(starter="pass", solution=solution, checks=checks)
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise, front=front)})
    course, problems = load_course(tmp_path)
    assert [str(p) for p in problems if not p.warning] == []
    lesson = course.lessons["sums"]
    grader = Grader(course, ProcessRunner(), tmp_path / "cache")
    try:
        return grader.grade(lesson, lesson.exercises[0], code, Translator(lang))
    finally:
        grader.runner.close()


def chart_feedback(result) -> str:
    return next(f.message for f in result.feedback if f.check == "chart")


def test_the_helper_records_what_it_drew_and_forgets_it(capsys):
    plot.forget_drawings()
    plot.bar_chart(["Medeu", "Turksib"], [16, None], title="PM2.5", unit="µg/m³")
    plot.line_chart([52, 54, 28], labels=["Jan", "Feb", "Mar"])
    assert plot.drawings() == [
        {"kind": "bar", "x": ["Medeu", "Turksib"], "series": [{"label": "", "values": [16.0, None]}], "title": "PM2.5", "x_label": "", "y_label": "µg/m³"},
        {"kind": "line", "x": ["Jan", "Feb", "Mar"], "series": [{"label": "", "values": [52.0, 54.0, 28.0]}], "title": "", "x_label": "", "y_label": ""},
    ]
    plot.forget_drawings()
    assert plot.drawings() == []
    assert "Medeu" in capsys.readouterr().out  # the text chart is still printed


def test_the_same_chart_by_another_route_passes(tmp_path):
    other = 'from qala.grader import plot\nnames = ["Medeu", "Turksib", "Alatau"]\nplot.bar_chart(names, [16.0, 31.0, 27.0], unit="µg/m³")'
    result = grade(tmp_path, other)
    assert result.passed, result.feedback
    assert chart_feedback(result) == "Your chart shows what it should."


def test_no_chart_a_wrong_kind_wrong_categories_and_order_are_each_said(tmp_path):
    assert "Your code drew no chart." in chart_feedback(grade(tmp_path, "x = 1"))
    line = 'from qala.grader.plot import line_chart\nline_chart([16, 31, 27], labels=["Medeu", "Turksib", "Alatau"], unit="µg/m³")'
    assert chart_feedback(grade(tmp_path, line)) == "You drew a line chart; a bar chart is expected here."
    months = 'from qala.grader.plot import bar_chart\nbar_chart(["Jan", "Feb", "Mar", "Apr"], [52, 54, 28, 17], unit="µg/m³")'
    assert chart_feedback(grade(tmp_path, months)) == "Your bars are Jan, Feb, Mar…, not Medeu, Turksib, Alatau."
    order = 'from qala.grader.plot import bar_chart\nbar_chart(["Turksib", "Alatau", "Medeu"], [31, 27, 16], unit="µg/m³")'
    assert "right categories in another order: Turksib, Alatau, Medeu, not Medeu, Turksib, Alatau" in chart_feedback(grade(tmp_path, order))
    unit = 'from qala.grader.plot import bar_chart\nbar_chart(["Medeu", "Turksib", "Alatau"], [16, 31, 27], unit="mg")'
    assert chart_feedback(grade(tmp_path, unit)) == "The label of the y axis is “mg”, not “µg/m³”."


def test_labels_values_and_title_follow_the_checks_options(tmp_path):
    unit = 'from qala.grader.plot import bar_chart\nbar_chart(["Medeu", "Turksib", "Alatau"], [1, 2, 3], unit="mg")'
    assert grade(tmp_path, unit, checks=CHART_CHECK + "labels = false").passed
    values = chart_feedback(grade(tmp_path, unit, checks=CHART_CHECK + "labels = false\nvalues = true"))
    assert values == "Your chart draws other values than expected: look at what you give it to draw."
    titled = chart_feedback(grade(tmp_path, unit, checks=CHART_CHECK + "labels = false\ntitle = true"))
    assert titled == "The chart's title is “”, not “PM2.5 by district”."


def test_a_typical_mistake_and_the_teachers_message(tmp_path):
    mistake = 'from qala.grader.plot import bar_chart\nbar_chart(["Jan", "Feb"], [52, 54], unit="µg/m³")'
    checks = (
        CHART_CHECK
        + f"message = \"Draw the districts.\"\n\n[[check.mistake]]\ncode = '''\n{mistake}\n'''\nmessage = \"Those are months: group by district first.\"\n"
    )
    said = chart_feedback(grade(tmp_path, mistake, checks=checks))
    assert said == "Your bars are Jan, Feb, not Medeu, Turksib, Alatau. Those are months: group by district first."
    other = chart_feedback(grade(tmp_path, "x = 1", checks=checks))
    assert other.endswith("Draw the districts.")


def test_hidden_reference_says_only_that_the_chart_differs(tmp_path):
    months = 'from qala.grader.plot import bar_chart\nbar_chart(["Jan"], [52], unit="µg/m³")'
    said = chart_feedback(grade(tmp_path, months, checks=CHART_CHECK + 'reveal = false\nmessage = "Look at the districts."'))
    assert said == "Your chart is not the one expected yet. Look at the districts." and "Medeu" not in said


def test_matplotlib_bars_are_read_in_the_sandbox_and_named_by_their_axis_labels(tmp_path):
    pytest.importorskip("matplotlib")
    front = 'needs = ["matplotlib"]\n'
    solution = 'import matplotlib.pyplot as plt\nplt.bar(["Medeu", "Turksib"], [16, 31])\nplt.xlabel("districts")\nplt.ylabel("PM2.5")'
    mine = 'import matplotlib.pyplot as plt\nplt.bar(["Jan", "Feb", "Mar"], [52, 54, 28])\nplt.xlabel("months")\nplt.ylabel("PM2.5")'
    assert chart_feedback(grade(tmp_path, mine, solution=solution, front=front)) == "Your bars are months, not districts."
    same = (
        'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(["Medeu", "Turksib"], [16, 31])\nax.set_xlabel("districts")\nax.set_ylabel("pm2.5")'
    )
    assert grade(tmp_path, same, solution=solution, front=front).passed
    hist = 'import matplotlib.pyplot as plt\nplt.hist([16, 31, 31, 27])\nplt.xlabel("districts")\nplt.ylabel("PM2.5")'
    assert chart_feedback(grade(tmp_path, hist, solution=solution, front=front)) == "You drew a histogram; a bar chart is expected here."


def test_in_russian(tmp_path):
    said = chart_feedback(grade(tmp_path, "x = 1", lang="ru"))
    assert said and said == Translator("ru").t("Your code drew no chart. Draw it with the course's plotting helper, e.g. bar_chart(labels, values).")
    assert not said.startswith("Your code")


def test_a_chart_check_must_say_chart_true(tmp_path):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(solution=DISTRICTS, checks="[[check]]\nchart = 1\n"))})
    _, problems = load_course(tmp_path)
    assert any("chart = true" in p.message and not p.warning for p in problems), [str(p) for p in problems]
