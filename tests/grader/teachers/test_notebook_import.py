"""`qala import`: notebooks written for nbgrader and for otter-grader become lessons that validate,
whose checks pass the notebook's own solution and fail its student version, and nothing that
cannot be converted is dropped without a word."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qala.grader.content.course_file import load_course
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.runners import default_runner
from qala.grader.teachers.notebook_import import nbgrader_versions, otter_versions
from tests.conftest import make_course, run_qala

FIXTURES = Path(__file__).parent / "fixtures"
NBGRADER = FIXTURES / "winter-air-nbgrader.ipynb"
OTTER = FIXTURES / "bikes-otter.ipynb"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course", {})


def imported(course: Path, notebook: Path, home: Path, *extra: str) -> dict:
    result = run_qala("import", str(notebook), "--track", "basics", "--course", str(course), "--json", *extra, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def cells_of(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def grade_all(course: Path, lesson_id: str, answers: dict[str, str], home: Path) -> dict:
    loaded, problems = load_course(course)
    assert not [p for p in problems if not p.warning], problems
    lesson = loaded.lesson(lesson_id)
    runner = default_runner()
    grader = Grader(loaded, runner, home / "cache")
    try:
        return {ex: grader.grade(lesson, lesson.exercise(ex), code, Translator("en")) for ex, code in answers.items()}
    finally:
        runner.close()


# ---------------------------------------------------------------- nbgrader


def nbgrader_solution(grade_id: str) -> str:
    """The notebook's own solution: its answer cell without nbgrader's marker lines."""
    cell = next(c for c in cells_of(NBGRADER) if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    return "\n".join(line for line in source(cell).split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


# What `nbgrader generate_assignment` gives students (its documented stub, at the region's indent).
NBGRADER_STUDENT = {
    "worst-month": "# YOUR CODE HERE\nraise NotImplementedError()",
    "category": 'def category(value):\n    """The air-quality category of a PM2.5 value in µg/m³."""\n    # YOUR CODE HERE\n    raise NotImplementedError()',
    "unhealthy": "unhealthy_months = 0\nfor value in pm25:\n    # YOUR CODE HERE\n    raise NotImplementedError()",
}


def test_an_nbgrader_notebook_becomes_a_lesson_that_validates(course, home):
    data = imported(course, NBGRADER, home)
    assert data["tool"] == "nbgrader" and data["validated"] and data["errors"] == [] and data["listed"]
    assert [(e["id"], e["title"], e["xp"]) for e in data["exercises"]] == [
        ("worst-month", "Part A", 10),  # 1 point × 10 XP per point
        ("category", "Part B", 40),  # 2 + 1 + 1 points
        ("unhealthy", "Part C", 10),
    ]
    text = (course / "lessons" / "basics" / "winter-air-nbgrader.md").read_text(encoding="utf-8")
    assert "# YOUR CODE HERE\nraise NotImplementedError()" in text  # nbgrader's student version is the starter
    assert 'calls = [\n    "category(5)",' in text and '"category(35.5)",' in text  # hidden tests included
    assert 'id = "category-negative"' in text and 'calls = ["category(-1)"]' in text  # a raise test
    assert 'assert = "0 <= unhealthy_months <= len(pm25)"' in text
    assert "Part D" in text.split("-->")[1]  # the hand-graded question is kept, in a comment
    # The cell with hidden tests became one check that never shows what it expected.
    assert text.count("\nreveal = false") == 1 and '"category(35.5)",\n]\nreveal = false' in text


def test_what_nbgrader_cannot_convert_is_reported_with_its_cell(course, home):
    data = imported(course, NBGRADER, home)
    notes = {(n["cell"], n["kind"]) for n in data["notes"]}
    assert (12, "kept") not in notes  # the for-loop test runs whole, as a hidden helper the check calls
    assert (16, "kept") in notes  # the written answer graded by hand
    assert {(4, "todo"), (7, "todo"), (14, "todo")} <= notes  # a TODO hint per exercise
    text = (course / "lessons" / "basics" / "winter-air-nbgrader.md").read_text(encoding="utf-8").split("\n")
    for note in data["notes"]:
        if note["kind"] in ("todo", "kept") and note["line"]:
            line = text[note["line"] - 1]
            assert "TODO" in line or "From cell" in line, (note, line)
    joined = "\n".join(text)
    assert 'calls = ["_notebook_test_12()"]' in joined and "def _notebook_test_12():" in joined
    assert joined.index("```python hidden-setup") < joined.index("def _notebook_test_12():")


def test_nbgrader_checks_pass_the_notebooks_solution_and_fail_its_student_version(course, home):
    imported(course, NBGRADER, home)
    solutions = {"worst-month": nbgrader_solution("worst_month"), "category": nbgrader_solution("category"), "unhealthy": nbgrader_solution("unhealthy")}
    solved = grade_all(course, "winter-air-nbgrader", solutions, home)
    assert all(g.passed for g in solved.values()), {k: g.failed_checks() for k, g in solved.items()}
    student = grade_all(course, "winter-air-nbgrader", NBGRADER_STUDENT, home)
    assert not any(g.passed for g in student.values())
    # Typical wrong answers fail the check that came from the test meant to catch them.
    edge = nbgrader_solution("category").replace("value <= 12", "value < 12")
    no_raise = nbgrader_solution("category").replace('        raise ValueError("PM2.5 cannot be negative")', "        return None")
    wrong = grade_all(course, "winter-air-nbgrader", {"category": edge}, home)["category"]
    assert wrong.failed_checks() == ["category-values"]  # only the hidden edge test catches it
    wrong = grade_all(course, "winter-air-nbgrader", {"category": no_raise}, home)["category"]
    assert wrong.failed_checks() == ["category-negative"]
    assert "should stop with ValueError" in next(f.message for f in wrong.feedback if not f.passed)


# ---------------------------------------------------------------- otter-grader


def otter_solution(name: str) -> str:
    """The notebook's own solution for question ``name``: the code between its solution cells."""
    cells = cells_of(OTTER)
    start = next(i for i, c in enumerate(cells) if c["cell_type"] == "raw" and source(c).startswith("# BEGIN QUESTION") and f"name: {name}" in source(c))
    begin = next(i for i in range(start, len(cells)) if source(cells[i]).strip() == "# BEGIN SOLUTION")
    code = source(cells[begin + 1])
    code = re.sub(r"[ \t]*# SOLUTION$", "", code, flags=re.M)
    return "\n".join(line for line in code.split("\n") if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION"))


# What `otter assign` gives students (`# SOLUTION` lines and solution regions become `...`).
OTTER_STUDENT = {
    "q1": "total_trips = ...",
    "q2": "def average_per_day(days):\n    ...",
    "q4": "busy_days = ...",
}


def test_an_otter_notebook_becomes_a_lesson_that_validates(course, home):
    data = imported(course, OTTER, home)
    assert data["tool"] == "otter" and data["validated"] and data["errors"] == []
    assert [(e["id"], e["xp"]) for e in data["exercises"]] == [("q1", 10), ("q2", 20), ("q4", 10)]
    text = (course / "lessons" / "basics" / "bikes-otter.md").read_text(encoding="utf-8")
    assert "```python starter\ntotal_trips = ...\n```" in text
    assert "```python starter\ndef average_per_day(days):\n    ...\n```" in text
    # `total_trips == 1138` (output True) is a value check against the solution: no number typed in.
    assert 'value = "total_trips"' in text and "\nvalue = 1138" not in text
    assert 'calls = ["average_per_day(trips)"]' in text  # a test with no recorded output: value from the solution
    assert 'message = "An empty week has no trips, so return 0.0 instead of dividing by zero."' in text  # failure_message
    assert "grader = otter.Notebook" not in text
    notes = {(n["cell"], n["kind"]) for n in data["notes"]}
    assert (27, "kept") in notes and (40, "kept") not in notes  # the manual question; the for-loop test converts
    assert (4, "info") in notes  # otter's own cell, left out with a word
    # Otter's hidden tests (`hidden: true`) never show what they expected; the public ones do.
    blocks = {block.split("\n", 1)[0]: block for block in text.split('[[check]]\nid = "')[1:]}
    assert {name for name, block in blocks.items() if "\nreveal = false" in block} == {'q1-hidden-2"', 'q2-hidden-2"', 'q4-hidden-2"'}, blocks.keys()
    assert any("hidden tests" in n["message"] and "reveal = false" in n["message"] for n in data["notes"])


def test_otter_checks_pass_the_notebooks_solution_and_fail_its_student_version(course, home):
    imported(course, OTTER, home)
    solved = grade_all(course, "bikes-otter", {q: otter_solution(q) for q in OTTER_STUDENT}, home)
    assert all(g.passed for g in solved.values()), {k: g.failed_checks() for k, g in solved.items()}
    student = grade_all(course, "bikes-otter", OTTER_STUDENT, home)
    assert not any(g.passed for g in student.values())
    no_empty = "def average_per_day(days):\n    return round(sum(days) / len(days), 1)"
    wrong = grade_all(course, "bikes-otter", {"q2": no_empty}, home)["q2"]
    assert wrong.failed_checks() == ["q2-hidden-2"]
    assert "An empty week has no trips" in next(f.message for f in wrong.feedback if not f.passed)


# ---------------------------------------------------------------- honesty and edges


def notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def nb_cell(kind: str, text: str, **nbgrader) -> dict:
    cell = {"cell_type": kind, "metadata": {"nbgrader": nbgrader} if nbgrader else {}, "source": text}
    if kind == "code":
        cell |= {"outputs": [], "execution_count": None}
    return cell


def test_a_literal_becomes_a_value_check_only_when_the_solution_agrees(course, home, tmp_path):
    path = tmp_path / "answer.ipynb"
    path.write_text(
        notebook(
            [
                nb_cell("markdown", "# Answers\n\nSome intro."),
                nb_cell("markdown", "## Question\n\nStore six times seven in `x` and a greeting in `y`."),
                nb_cell("code", "### BEGIN SOLUTION\nx = 6 * 7\ny = 'salem'\n### END SOLUTION", grade_id="answer", solution=True, grade=False),
                nb_cell("code", "assert x == 42\nassert y == 'hello'", grade_id="check_answer", grade=True, solution=False, points=1),
            ]
        ),
        encoding="utf-8",
    )
    result = run_qala("import", str(path), "--track", "basics", "--course", str(course), "--json", home=home)
    data = json.loads(result.stdout)
    text = (course / "lessons" / "basics" / "answer.md").read_text(encoding="utf-8")
    assert 'value = "x"' in text  # the solution gives 42: comparing with the solution means the same
    checks = text.split("```toml checks")[1]
    assert '[[check]]\nvalue = "y"' not in checks and "hello" not in checks.split("[[check]]", 1)[1]
    # The solution gives 'salem': that test would fail every right answer, so it is left out, with the reason.
    left_out = [n for n in data["notes"] if n["kind"] == "kept" and n["cell"] == 4]
    assert left_out and "does not pass on the notebook's own solution" in left_out[0]["message"] and "'salem'" in left_out[0]["message"]
    assert result.returncode == 0 and data["errors"] == []


def test_a_loop_test_runs_whole_and_a_question_with_no_working_test_stays_as_text(course, home, tmp_path):
    path = tmp_path / "loops.ipynb"
    path.write_text(
        notebook(
            [
                nb_cell("markdown", "## Squares\n\nMake `squares`, the squares of 1 to 5."),
                nb_cell(
                    "code",
                    "squares = []\nfor i in range(1, 6):\n    ### BEGIN SOLUTION\n    squares.append(i * i)\n    ### END SOLUTION",
                    grade_id="squares",
                    solution=True,
                    grade=False,
                ),
                nb_cell(
                    "code", "for i, s in enumerate(squares):\n    assert s == (i + 1) ** 2", grade_id="check_squares", grade=True, solution=False, points=2
                ),
            ]
        ),
        encoding="utf-8",
    )
    result = run_qala("import", str(path), "--track", "basics", "--course", str(course), home=home)
    assert result.returncode == 0, result.stdout
    text = (course / "lessons" / "basics" / "loops.md").read_text(encoding="utf-8")
    assert 'calls = ["_notebook_test_3()"]' in text and "    for i, s in enumerate(squares):" in text
    loaded = grade_all(course, "loops", {"squares": "squares = [1, 4, 9, 16, 26]"}, home)["squares"]
    assert not loaded.passed
    # A second question whose only test fails on the notebook's own solution: kept as text, reported.
    broken = tmp_path / "broken.ipynb"
    broken.write_text(
        notebook(
            [
                nb_cell("markdown", "## Squares\n\nMake `squares`, the squares of 1 to 5."),
                nb_cell("code", "### BEGIN SOLUTION\nsquares = [1, 4, 9, 16, 25]\n### END SOLUTION", grade_id="squares", solution=True, grade=False),
                nb_cell("code", "assert len(squares) == 5", grade_id="check_squares", grade=True, solution=False, points=1),
                nb_cell("markdown", "## Cubes\n\nMake `cubes`."),
                nb_cell("code", "### BEGIN SOLUTION\ncubes = [1, 8, 27]\n### END SOLUTION", grade_id="cubes", solution=True, grade=False),
                nb_cell("code", "assert cubes == [1, 8, 28]", grade_id="check_cubes", grade=True, solution=False, points=1),
            ]
        ),
        encoding="utf-8",
    )
    result = run_qala("import", str(broken), "--track", "basics", "--course", str(course), "--json", home=home)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and [e["id"] for e in data["exercises"]] == ["squares"]
    reasons = [n["message"] for n in data["notes"] if n["kind"] == "kept" and n["cell"] in (5, 6)]
    assert any("does not pass on the notebook's own solution" in r for r in reasons) and any("kept as text" in r for r in reasons)
    text = (course / "lessons" / "basics" / "broken.md").read_text(encoding="utf-8")
    assert "## Cubes" in text and "Make `cubes`." in text and "cubes = [1, 8, 27]" not in text.split("-->", 2)[-1]


@pytest.mark.parametrize(
    "content,words",
    [
        ("{not json", "not valid JSON"),
        ('{"cells": [], "nbformat": 3}', "nbformat 4"),
        (notebook([nb_cell("markdown", "# Just notes")]), "no nbgrader or otter-grader markers"),
        ("\udcff", "not UTF-8"),
    ],
    ids=["not json", "old format", "no markers", "not utf-8"],
)
def test_a_notebook_that_cannot_be_imported_is_one_line_and_exit_2(course, home, tmp_path, content, words):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    result = run_qala("import", str(path), "--track", "basics", "--course", str(course), home=home)
    assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not (course / "lessons" / "basics" / "bad.md").exists()


def test_import_never_overwrites_and_knows_its_tracks(course, home):
    imported(course, OTTER, home)
    again = run_qala("import", str(OTTER), "--track", "basics", "--course", str(course), home=home)
    assert again.returncode == 2 and "already exists" in again.stderr
    unknown = run_qala("import", str(OTTER), "--track", "weather", "--course", str(course), home=home)
    assert unknown.returncode == 2 and "unknown track 'weather'" in unknown.stderr and "basics" in unknown.stderr


def test_otter_solution_removal_follows_otters_documented_rules():
    reference, student, seeded = otter_versions("def square(x):\n    y = x * x # SOLUTION NO PROMPT\n    return y # SOLUTION\n\nnine = square(3) # SOLUTION")
    assert student == "def square(x):\n    ...\n\nnine = ..."
    assert reference == "def square(x):\n    y = x * x\n    return y\n\nnine = square(3)" and not seeded
    reference, student, _ = otter_versions(
        "pi = 3.14\nif True:\n    # BEGIN SOLUTION\n    radius = 3\n    area = radius * pi * pi\n    # END SOLUTION\n"
        "    print('A circle with radius', radius, 'has area', area)\n\ndef circumference(r):\n"
        "    # BEGIN SOLUTION NO PROMPT\n    return 2 * pi * r\n    # END SOLUTION\n"
        '    """ # BEGIN PROMPT\n    # Next, define a circumference function.\n    pass\n    """; # END PROMPT'
    )
    assert student == (
        "pi = 3.14\nif True:\n    ...\n    print('A circle with radius', radius, 'has area', area)\n\n"
        "def circumference(r):\n    # Next, define a circumference function.\n    pass"
    )
    assert "return 2 * pi * r" in reference and "Next, define" not in reference


def test_nbgrader_stubs_keep_the_indentation_of_the_solution_region():
    reference, student, problem = nbgrader_versions("def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION")
    assert student == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert reference == "def f(x):\n    return x + 1" and problem == ""
    _, student, _ = nbgrader_versions("x = 1")  # an answer cell without markers is replaced whole
    assert student == "# YOUR CODE HERE\nraise NotImplementedError()"
