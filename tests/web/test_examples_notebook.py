"""A lesson's worked examples in the browser build: each a normal code cell at its place in the
prose (editable, runnable, not a %%check cell), in every language, the code written once."""

from __future__ import annotations

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.web.course_site import lesson_notebook


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_worked_example_is_a_code_cell_between_its_prose(language):
    course, _ = load_course(bundled_course_root())
    lesson = course.lessons["monthly-air"]
    [example] = [e for s in lesson.texts["en"].sections for e in s.examples]
    cells = lesson_notebook(lesson, language, [])["cells"]
    [at] = [i for i, c in enumerate(cells) if c["metadata"].get("qala", {}).get("role") == "example"]
    cell = cells[at]
    assert cell["cell_type"] == "code" and _source(cell) == example.code + "\n"
    assert cell["metadata"].get("editable", True) and not _source(cell).startswith("%%check")
    before, after = cells[at - 1], cells[at + 1]
    assert before["cell_type"] == "markdown" and "seasons[-1]" in _source(before)  # the words leading to it
    assert "python example" not in _source(before)
    assert after["cell_type"] == "markdown" and after["metadata"]["editable"] is False
    first_check = next(i for i, c in enumerate(cells) if _source(c).startswith("%%check january"))
    assert at < first_check
