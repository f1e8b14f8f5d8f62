"""The answer forms of the exercise kinds (web/widgets.py) in real Pyodide under Node, with the
vendored ipywidgets wheel and the very kernel wheel a site ships: each kind's cell run as handed
out shows its form, and a click on Check grades the form's answer through the same check as a
typed one (progress kept, the verdict under the form). Without ipywidgets, as when a site's
Pyodide cannot load it, the cells are checked as typed, exactly as before forms existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from qala.web.kernel_wheel import build_kernel_wheel
from tests.kinds_lesson import make_kinds_course

from .test_grader_in_pyodide import in_pyodide

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def kinds_wheel(tmp_path_factory) -> Path:
    course = make_kinds_course(tmp_path_factory.mktemp("kinds-course"))
    return build_kernel_wheel(course, tmp_path_factory.mktemp("kinds-wheel"), precompile=True).path


def session(tmp_path_factory, kinds_wheel, wheels) -> dict:
    progress = tmp_path_factory.mktemp("progress")
    return in_pyodide("widgets_session.py", wheels=[kinds_wheel, *wheels], mounts={progress: "/progress"}, env={"QALA_PROGRESS": "/progress"})


@pytest.fixture(scope="module")
def with_widgets(tmp_path_factory, kinds_wheel, vendored) -> dict:
    return session(tmp_path_factory, kinds_wheel, vendored.wheels)


@pytest.fixture(scope="module")
def without_widgets(tmp_path_factory, kinds_wheel, vendored) -> dict:
    return session(tmp_path_factory, kinds_wheel, [w for w in vendored.wheels if not w.name.startswith("ipywidgets-")])


def test_each_kinds_cell_run_as_handed_out_shows_its_form_and_grades_nothing(with_widgets):
    seen = with_widgets
    assert not seen["widgets_at_start"] and seen["widgets_loaded"]  # loaded when the first form showed
    for exercise in ("first-month", "denominator", "loop-total", "fill-mean"):
        shown = seen[exercise]
        assert shown["ok"], shown["error"]
        assert WIDGET_VIEW in shown["kinds"]
        assert "Type your answer under the %%check line of this cell" in shown["html"]  # where widgets cannot draw
    assert seen["attempts_after_showing"] == 0


def test_a_click_on_check_grades_the_forms_answer_like_a_typed_one(with_widgets):
    seen = with_widgets
    assert seen["predict_wrong"]["answer"] == "54\n3 months"
    assert 'data-passed="false"' in seen["predict_wrong"]["feedback"] and "you wrote &#x27;54&#x27;" in seen["predict_wrong"]["feedback"]
    assert 'data-passed="true"' in seen["predict_right"]["feedback"]
    assert "must not count in the denominator" in seen["choice_wrong"]["feedback"]
    assert 'data-passed="true"' in seen["choice_right"]["feedback"]
    assert "still the starting code" in seen["parsons_untouched"]["feedback"]
    assert seen["parsons_labels"][3] == "\u00a0" * 4 + "total = total + value"
    assert seen["parsons_right"]["answer"] == "pm25 = [52, 54, 28]\ntotal = 0\nfor value in pm25:\n    total = total + value\n"
    assert 'data-passed="true"' in seen["parsons_right"]["feedback"]
    assert seen["total_in_notebook"] == 134  # run in the notebook too, as a typed answer is
    assert "1 blank of 2 is not filled in yet." in seen["fill_one_blank"]["feedback"]
    assert 'data-passed="true"' in seen["fill_right"]["feedback"] and seen["mean_in_notebook"] == 134 / 3
    # every click that was graded is an attempt in the progress file, as a typed check is
    assert seen["fill_right"]["attempts"] == 7


def test_without_ipywidgets_the_cells_are_checked_as_typed_as_before(without_widgets):
    seen = without_widgets
    assert not seen["widgets_loaded"]
    for exercise in ("first-month", "denominator", "loop-total", "fill-mean"):
        assert WIDGET_VIEW not in seen[exercise]["kinds"]
    assert "Type what you think the program prints, then check." in seen["first-month"]["html"]
    assert "Choose an option, then check." in seen["denominator"]["html"]
    assert "still the starting code" in seen["loop-total"]["html"] and "still the starting code" in seen["fill-mean"]["html"]
