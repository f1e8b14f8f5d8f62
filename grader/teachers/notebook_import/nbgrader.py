"""nbgrader's notebooks: ``### BEGIN SOLUTION`` markers, hidden tests, and the cell metadata that
says which cells are graded.
"""

from __future__ import annotations

import re

from .notebook import (
    NB_BEGIN,
    NB_END,
    Cell,
    Kept,
    Model,
    Note,
    Notes,
    Question,
    SolutionCell,
    TestCell,
    _clean_code,
    _expression_only,
    _points,
    _points_text,
    _split_first_prompt,
)

NB_HIDDEN_BEGIN = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS[ \t]*$")

NB_HIDDEN_END = re.compile(r"^[ \t]*#+[ \t]*END HIDDEN TESTS[ \t]*$")


def nbgrader_versions(source: str) -> tuple[str, str, str]:
    """(reference, student, problem) for an nbgrader answer cell, as `nbgrader generate_assignment`
    would make the student version: each solution region becomes `# YOUR CODE HERE` and
    `raise NotImplementedError()` at the region's indentation."""
    lines = source.split("\n")
    if not any(NB_BEGIN.match(line) for line in lines):
        return source, "# YOUR CODE HERE\nraise NotImplementedError()", ""
    reference, student = [], []
    inside = False
    problem = ""
    for line in lines:
        if NB_BEGIN.match(line):
            if inside:
                problem = "BEGIN SOLUTION inside another solution region"
            inside = True
            leading = re.match(r"^[ \t]*", line)
            assert leading is not None  # a pattern of only `*` matches every string
            indent = leading.group(0)
            student += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
            continue
        if NB_END.match(line):
            if not inside:
                problem = "END SOLUTION without a BEGIN SOLUTION"
            inside = False
            continue
        reference.append(line)
        if not inside:
            student.append(line)
    if inside:
        problem = "BEGIN SOLUTION is never closed by END SOLUTION"
    return "\n".join(reference), "\n".join(student), problem


def nbgrader_test_source(source: str) -> tuple[str, bool]:
    """The test with its hidden part included (Qala runs every test), and whether it had one."""
    out, hidden = [], False
    for line in source.split("\n"):
        if NB_HIDDEN_BEGIN.match(line) or NB_HIDDEN_END.match(line):
            hidden = True
            continue
        out.append(line)
    return "\n".join(out), hidden


def _looks_like_test(source: str) -> bool:
    """Asserts (or nose/numpy.testing calls) and nothing the rest of the notebook could use."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    asserts = any(
        isinstance(n, ast.Assert) or (isinstance(n, ast.Call) and re.match(r"assert_", getattr(n.func, "attr", getattr(n.func, "id", "")) or ""))
        for n in ast.walk(tree)
    )
    defines = any(isinstance(s, (ast.FunctionDef, ast.ClassDef)) and not s.name.startswith("test") for s in tree.body)
    return asserts and not defines


def parse_nbgrader(cells: list[Cell], notes: Notes) -> Model:
    tr = notes.tr
    intro: list[str] = []
    items: list = []
    pending: list[str] = []  # markdown (and try-it snippets) not yet placed
    pending_cells: list[int] = []
    current: Question | None = None
    seen_question = False
    # Without nbgrader's metadata (a notebook written with its markers only), a code cell of
    # asserts after an answer is that answer's test.
    no_metadata = not any(isinstance(c.meta.get("nbgrader"), dict) for c in cells)

    def flush_pending_to(target: list[str]) -> None:
        target.extend(pending)
        pending.clear()
        pending_cells.clear()

    for cell in cells:
        nb = cell.meta["nbgrader"] if isinstance(cell.meta.get("nbgrader"), dict) else {}
        grade, solution, task = bool(nb.get("grade")), bool(nb.get("solution")), bool(nb.get("task"))
        if cell.kind == "raw":
            items.append(Kept([cell.number], "a raw cell (not Markdown, not code)", cell.source, tr.t("a raw cell (not Markdown, not code)")))
            continue
        if cell.kind == "markdown":
            if solution or task:
                prompt = "\n\n".join(pending)
                cells_here = pending_cells + [cell.number]
                pending.clear()
                pending_cells.clear()
                points = _points_text(nb.get("points"))
                if solution:
                    reason = f"a written answer graded by hand in nbgrader ({points}): Qala grades code, not free text"
                    note = tr.t("a written answer graded by hand in nbgrader ({points}): Qala grades code, not free text", points=points)
                else:
                    reason = f"a task graded by hand in nbgrader ({points}): Qala grades code, not free text"
                    note = tr.t("a task graded by hand in nbgrader ({points}): Qala grades code, not free text", points=points)
                items.append(Kept(cells_here, reason, (prompt + "\n\n" + cell.source).strip(), note))
                continue
            pending.append(cell.source)
            pending_cells.append(cell.number)
            continue
        # code cells
        if (solution and not grade) or (not nb and NB_BEGIN.search(cell.source)):
            if not seen_question:
                before, first_prompt = _split_first_prompt(pending)
                intro.extend(before)
                pending[:] = first_prompt
            seen_question = True
            source = _clean_code(cell, notes)
            reference, student, problem = nbgrader_versions(source)
            if problem:
                notes.append(Note(cell.number, "todo", tr.t("solution markers: {problem}; check the starter and solution", problem=problem)))
            name = str(nb.get("grade_id") or f"question-{len(items) + 1}")
            current = Question(name, [cell.number])
            flush_pending_to(current.prompt)
            current.solutions.append(SolutionCell(cell, reference, student))
            items.append(current)
            continue
        if solution and grade:
            prompt = "\n\n".join(pending)
            cells_here = pending_cells + [cell.number]
            pending.clear()
            pending_cells.clear()
            points = _points_text(nb.get("points"))
            items.append(
                Kept(
                    cells_here,
                    f"code graded by hand in nbgrader ({points}, no tests): Qala cannot tell what a right answer is",
                    (prompt + "\n\n```python\n" + cell.source + "\n```").strip(),
                    tr.t("code graded by hand in nbgrader ({points}, no tests): Qala cannot tell what a right answer is", points=points),
                )
            )
            continue
        if grade:
            if current is None:
                items.append(
                    Kept(
                        [cell.number],
                        "a test cell with no answer cell before it",
                        f"```python\n{cell.source}\n```",
                        tr.t("a test cell with no answer cell before it"),
                    )
                )
                continue
            flush_pending_to(current.after)
            source, hidden = nbgrader_test_source(_clean_code(cell, notes))
            current.tests.append(TestCell(cell, source, str(nb.get("grade_id") or f"test-{cell.number}"), _points(nb.get("points")), hidden, ""))
            current.cells.append(cell.number)
            continue
        source = _clean_code(cell, notes)
        if not source.strip():
            continue
        if no_metadata and current is not None and _looks_like_test(source):
            flush_pending_to(current.after)
            test_source, hidden = nbgrader_test_source(source)
            current.tests.append(TestCell(cell, test_source, f"test-{cell.number}", None, hidden, ""))
            current.cells.append(cell.number)
            notes.append(Note(cell.number, "info", tr.t("a cell of asserts with no nbgrader metadata, taken as the test of the answer before it")))
            continue
        if current is not None and _expression_only(source):
            pending.append(f"```python\n{source}\n```")
            pending_cells.append(cell.number)
            continue
        # Code that defines things (data, imports) runs before every later exercise; the
        # markdown before it introduces it, not the next question.
        if pending:
            if not seen_question:
                intro.extend(pending)
            else:
                items.append(("prose", "\n\n".join(pending)))
            pending.clear()
            pending_cells.clear()
        items.append(("code", cell, source))
    if not seen_question:
        intro.extend(pending)
    elif pending:
        items.append(("prose", "\n\n".join(pending)))
    for question in (i for i in items if isinstance(i, Question)):
        test_points = [t.points for t in question.tests if t.points is not None]
        question.points = sum(test_points) if test_points else None
    return Model("nbgrader", intro, items, notes)
