"""`qala import` on small notebooks of our own (fixtures/idioms/), one for each way real
instructors write tests (issue 13): nose and numpy.testing and pandas.testing calls, AUTOTEST,
otter's test functions with `# IGNORE`, expression tests over subscripts and types, markdown-fenced
otter config, tests with their own names, questions on earlier answers, a CSV beside the
notebook, IPython magics. Each becomes a lesson that validates as imported; its checks pass the
solution, fail the student version (the starter the importer derives with the tool's own rules)
and fail answers that are wrong the way the notebook's tests catch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qala.grader.content.course_file import load_course
from qala.grader.content.lesson_file import parse_lesson
from qala.grader.content.markdown import exercise_markdown
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.runners import default_runner
from tests.conftest import make_course, run_qala

IDIOMS = Path(__file__).parent / "fixtures" / "idioms"


@pytest.fixture(scope="module")
def runner():
    made = default_runner()
    yield made
    made.close()


def imported(tmp_path: Path, notebook: Path, home: Path) -> tuple[Path, dict, str]:
    course = make_course(tmp_path / "course", {})
    result = run_qala("import", str(notebook), "--track", "basics", "--course", str(course), "--json", home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["validated"] and data["errors"] == [], data["errors"]
    return course, data, (course / "lessons" / "basics" / f"{data['lesson']}.md").read_text(encoding="utf-8")


def grade(course: Path, lesson_id: str, exercise: str, code: str, runner, tmp_path: Path):
    loaded, _ = load_course(course)
    lesson = loaded.lesson(lesson_id)
    return Grader(loaded, runner, tmp_path / "cache").grade(lesson, lesson.exercise(exercise), code, Translator("en"))


def test_nose_numpy_and_pandas_testing_calls_become_checks_that_say_the_most(tmp_path, home, runner):
    course, data, text = imported(tmp_path, IDIOMS / "nbgrader-call-asserts" / "snow-days.ipynb", home)
    assert [e["id"] for e in data["exercises"]] == ["daily-change", "biggest-snowfall", "smoothing", "table"]
    assert 'function = "daily_change"' in text and '"daily_change([1, 3, 6])"' in text and '"daily_change([4])"' in text  # assert_equal, assert_raises
    assert 'value = "smooth"' in text and "rel_tolerance = 1e-06" in text  # assert_allclose(..., rtol=1e-6)
    assert 'calls = ["normalised[1]"]' in text and "tolerance = 1.5e-06" in text  # assert_almost_equal(decimal=6)
    assert 'calls = ["np.round(normalised * 4)"]' in text  # assert_array_equal
    assert "def _notebook_test_16():" in text and "pd.testing.assert_frame_equal(table, expected)" in text  # a test with its own names runs whole
    # needs: what the answers use, never the test-only nose; IPython lines never reach the code
    assert re.search(r"^needs = \[\"numpy\", \"pandas\"\]$", text, re.M)  # not nose, nor matplotlib (only the last demo draws)
    assert "%matplotlib" not in text and "!pip" not in text and "np.mean?" not in text
    # Part B builds on Part A: its hidden setup has Part A's answer, which no learner sees
    lesson, problems = parse_lesson(course / "lessons" / "basics" / "snow-days.md")
    part_b = lesson.exercise("biggest-snowfall")
    assert "return [b - a for a, b in zip(depths, depths[1:])]" in part_b.hidden_setup and "zip(depths" not in part_b.shown_setup
    assert "zip(depths" not in exercise_markdown(lesson, part_b, Translator("en"))
    # The student version fails, wrong answers fail, right ones pass
    assert not grade(
        course, "snow-days", "biggest-snowfall", "def biggest_snowfall(depths):\n    return max(b - a for a, b in zip(depths, depths[1:]))", runner, tmp_path
    ).passed  # does not use daily_change
    assert not grade(course, "snow-days", "biggest-snowfall", "def biggest_snowfall(depths):\n    return undefined_thing(depths)", runner, tmp_path).passed
    assert grade(course, "snow-days", "biggest-snowfall", "def biggest_snowfall(depths):\n    return sorted(daily_change(depths))[-1]", runner, tmp_path).passed
    assert not grade(course, "snow-days", "smoothing", "smooth = depth[1:-1]\nnormalised = depth / depth.max()", runner, tmp_path).passed
    assert not grade(course, "snow-days", "table", 'table = pd.DataFrame({"day": [1, 2, 3], "cm": [2, 5, 2]})\ncm = table["cm"]', runner, tmp_path).passed
    assert grade(course, "snow-days", "table", 'table = pd.DataFrame({"day": [1, 2, 3]})\ntable["cm"] = [2, 5, 1]\ncm = table["cm"]', runner, tmp_path).passed
    # The demo code after the last question stays in the text
    assert text.rstrip().endswith('plt.title("Snow depth")\n```') or 'plt.title("Snow depth")' in text.split("## Exercise table")[1]


def test_autotest_lines_become_function_checks_and_hidden_ones_show_nothing(tmp_path, home, runner):
    course, data, text = imported(tmp_path, IDIOMS / "nbgrader-autotest" / "bus-fares.ipynb", home)
    assert '"fare(1)"' in text and '"fare(7)"' in text and '"weekly"' in text
    hidden = text.split('id = "test-fares-hidden"')[1].split("```")[0]
    assert "reveal = false" in hidden
    assert not grade(course, "bus-fares", "fares", "def fare(rides):\n    return 200 * rides\nweekly = 2000", runner, tmp_path).passed  # no ValueError
    wrong = grade(
        course,
        "bus-fares",
        "fares",
        "def fare(rides):\n    if rides < 0:\n        raise ValueError\n    return 200 * rides if rides < 20 else 4000\nweekly = 2000",
        runner,
        tmp_path,
    )
    assert not wrong.passed
    message = next(f.message for f in wrong.feedback if not f.passed)
    assert "fare(30)" not in message and "6000" not in message  # a hidden test shows neither its input nor its answer
    assert grade(
        course,
        "bus-fares",
        "fares",
        "def fare(rides):\n    if rides < 0:\n        raise ValueError('no')\n    return rides * 200\nweekly = fare(10)",
        runner,
        tmp_path,
    ).passed


def test_otter_test_functions_fenced_config_expression_tests_data_and_state(tmp_path, home, runner):
    course, data, text = imported(tmp_path, IDIOMS / "otter-functions" / "parks.ipynb", home)
    assert [e["id"] for e in data["exercises"]] == ["q1", "q2", "q3", "q4"]
    assert "ASSIGNMENT CONFIG" not in text and "```otter" not in text  # the fenced markers were read, not printed
    assert 'calls = ["type(area_by_district).__name__"]' in text  # type(s) == pd.Series
    assert 'calls = ["len(area_by_district)"]' in text  # len(s) == n
    assert 'calls = ["area_by_district[\\"Medeu\\"]"]' in text  # np.isclose(s["k"], v), recorded as np.True_
    assert "def _notebook_test_22():" in text and "# IGNORE" not in text and 'print("checking")' not in text
    # the CSV beside the notebook: copied with a stub datasheet, opened as datasets/parks.csv everywhere
    assert (course / "lessons" / "datasets" / "parks.csv").is_file()
    sheet = (course / "lessons" / "datasets" / "parks.toml").read_text(encoding="utf-8")
    assert "rows = 4" in sheet and 'name = "area"' in sheet and 'type = "float"' in sheet
    assert 'datasets = ["parks"]' in text and 'read_csv("datasets/parks.csv")' in text and 'read_csv("parks.csv")' not in text
    # q4 follows the notebook's state: parks has the dummies of q3 in its hidden setup
    q4 = text.split("## Exercise q4")[1]
    assert "pd.get_dummies(parks" in q4.split("```python starter")[0]
    # prose stays where the author put it, code after the last question is kept
    where = text.index("Parks are not only area")  # between the questions: the lead-in of the next one's task
    assert text.index("## Exercise q1") < where < text.index("**Question 2.**") and where > text.index("## Exercise q2")
    assert "## What next" in text and "summary = parks.sum(numeric_only=True)" in text
    # answers: right ones pass, the student version and wrong ones fail
    assert grade(
        course, "parks", "q2", "def trees_per_hectare(frame):\n    return frame['trees'].to_numpy() / frame['area'].to_numpy()", runner, tmp_path
    ).passed
    assert not grade(course, "parks", "q2", "def trees_per_hectare(frame):\n    return list(frame['trees'] / frame['area'])", runner, tmp_path).passed
    assert not grade(course, "parks", "q2", "def trees_per_hectare(frame):\n    ...", runner, tmp_path).passed
    assert not grade(course, "parks", "q1", "area_by_district = parks.groupby('district')['area'].mean()", runner, tmp_path).passed
    assert not grade(course, "parks", "q1", "area_by_district = parks.groupby('district')[['area']].sum()", runner, tmp_path).passed  # a DataFrame


def test_a_notebook_with_nothing_auto_graded_is_refused_in_one_line_even_as_json(tmp_path, home):
    course = make_course(tmp_path / "course", {})
    notebook = tmp_path / "essay.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [
                    {"cell_type": "markdown", "metadata": {}, "source": "# An essay"},
                    {
                        "cell_type": "markdown",
                        "metadata": {"nbgrader": {"grade": True, "solution": True, "grade_id": "essay", "points": 3}},
                        "source": "Write about your district.",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    plain = run_qala("import", str(notebook), "--track", "basics", "--course", str(course), home=home)
    assert plain.returncode == 2 and plain.stderr.count("\n") == 1 and "no autograded questions" in plain.stderr
    as_json = run_qala("import", str(notebook), "--track", "basics", "--course", str(course), "--json", home=home)
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["error"].endswith("nothing to turn into exercises")


def test_out_accepts_the_names_the_import_itself_would_write(tmp_path, home):
    course = make_course(tmp_path / "course", {})
    notebook = tmp_path / "bus_fares.ipynb"
    notebook.write_bytes((IDIOMS / "nbgrader-autotest" / "bus-fares.ipynb").read_bytes())
    target = course / "lessons" / "basics" / "bus_fares.md"
    result = run_qala("import", str(notebook), "--track", "basics", "--course", str(course), "--out", str(target), "--json", home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["lesson"] == "bus-fares" and (course / "lessons" / "basics" / "bus-fares.md").is_file()
    translation_like = run_qala(
        "import", str(notebook), "--track", "basics", "--course", str(course), "--out", str(course / "lessons" / "basics" / "fares.en.md"), home=home
    )
    assert translation_like.returncode == 2 and "translation" in translation_like.stderr
