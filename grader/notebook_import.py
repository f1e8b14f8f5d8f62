"""`qala import`: an nbgrader or otter-grader notebook becomes a Qala lesson file.

Markdown cells become prose and tasks, solution cells the reference solution, the student
version (markers replaced as the tool itself would) the starter, tests the checks, points XP.
Every test statement is converted only when the result means the same thing: an
``assert x == 7`` becomes a value check of ``x`` only after running the notebook's own solution
shows that it gives 7. Whatever cannot be converted is kept in the lesson (as a comment) and
reported with its cell number; nothing is dropped silently. Standard library only: a notebook is
JSON, so no nbformat is needed.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .i18n import Translator
from .lesson_file import ID
from .scaffold import title_from_slug, toml_string

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
TODO_HINT = "TODO: write a hint that nudges the learner without giving the answer away."
DATA_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".json", ".tsv", ".txt", ".xlsx", ".parquet")


# ---------------------------------------------------------------- what an import produces


@dataclass
class Note:
    """One thing the teacher should know about the import, tied to a notebook cell."""

    cell: int | None  # 1-based position of the cell in the notebook (None: the whole notebook)
    kind: str  # "todo": must be done before publishing; "kept": not converted, kept as a comment; "info"
    message: str
    marker: str = ""  # text in the lesson that locates the note
    then: str = ""  # ...and then this text after it
    line: int | None = None  # line in the written lesson

    def as_json(self) -> dict:
        return {"cell": self.cell, "kind": self.kind, "message": self.message, "line": self.line}

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell else "notebook"
        at = f" (lesson line {self.line})" if self.line else ""
        return f"{where}: {self.kind}: {self.message}{at}"


class Notes(list):
    """The notes of one import, and the teacher's language to write them in."""

    def __init__(self, tr):
        super().__init__()
        self.tr = tr


@dataclass
class ImportedExercise:
    id: str
    title: str
    checks: int
    xp: int | None
    cells: list[int]


@dataclass
class ImportResult:
    tool: str  # "nbgrader" or "otter"
    notebook: Path
    lesson_id: str
    path: Path
    text: str
    exercises: list[ImportedExercise]
    notes: list[Note]

    def as_json(self) -> dict:
        return {
            "tool": self.tool,
            "notebook": str(self.notebook),
            "lesson": self.lesson_id,
            "path": str(self.path),
            "exercises": [{"id": e.id, "title": e.title, "checks": e.checks, "xp": e.xp, "cells": e.cells} for e in self.exercises],
            "notes": [n.as_json() for n in self.notes],
        }

    @property
    def todos(self) -> list[Note]:
        return [n for n in self.notes if n.kind in ("todo", "kept")]


# ---------------------------------------------------------------- reading the notebook


@dataclass
class Cell:
    number: int  # 1-based
    kind: str  # markdown, code, raw
    source: str
    meta: dict
    outputs: list


def read_notebook(path: Path, tr: Translator | None = None) -> list[Cell]:
    """The cells of a .ipynb file (nbformat 4). Raises UsageError with a one-line reason."""
    tr = tr or Translator("en")
    path = Path(path)
    if not path.is_file():
        raise UsageError(tr.t("no such notebook: {path}", path=path))
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise UsageError(tr.t("{path} is larger than {mb} MB: is it really a notebook?", path=path, mb=MAX_NOTEBOOK_BYTES // (1024 * 1024)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(tr.t("{path} is not UTF-8 text, so it is not a Jupyter notebook", path=path)) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise UsageError(tr.t("{path} is not a Jupyter notebook (not valid JSON: {error})", path=path, error=getattr(exc, "msg", exc))) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UsageError(tr.t("{path} is not a Jupyter notebook (no list of cells)", path=path))
    if data.get("nbformat") != 4:
        raise UsageError(tr.t("{path} is in notebook format {version}; save it with Jupyter 4 or later (nbformat 4)", path=path, version=repr(data.get("nbformat"))))
    cells = []
    for number, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict) or raw.get("cell_type") not in ("markdown", "code", "raw"):
            raise UsageError(tr.t("{path}: cell {number} is not a markdown, code or raw cell", path=path, number=number))
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise UsageError(tr.t("{path}: cell {number} has no readable source", path=path, number=number))
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        outputs = raw.get("outputs") if isinstance(raw.get("outputs"), list) else []
        cells.append(Cell(number, raw["cell_type"], source.replace("\r\n", "\n"), meta, outputs))
    return cells


def detect_tool(cells: list[Cell]) -> str | None:
    for cell in cells:
        if cell.kind == "raw" and _first_comment(cell.source) in ("begin question", "assignment config"):
            return "otter"
    for cell in cells:
        if isinstance(cell.meta.get("nbgrader"), dict) or (cell.kind == "code" and NB_BEGIN.search(cell.source)):
            return "nbgrader"
    for cell in cells:
        if cell.kind == "markdown" and re.search(r"^\s*BEGIN QUESTION\s*$", cell.source, re.M):
            return "otter-v0"
    return None


def _first_comment(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return re.sub(r"^#\s*", "", line.strip()).strip().lower()
    return ""


# ---------------------------------------------------------------- a tool-neutral model


@dataclass
class TestCell:
    cell: Cell
    source: str  # the full test (hidden parts included)
    name: str
    points: float | None
    hidden: bool
    message: str  # the tool's own failure message, if any


@dataclass
class SolutionCell:
    cell: Cell
    reference: str
    student: str


@dataclass
class Question:
    name: str
    cells: list[int]
    prompt: list[str] = field(default_factory=list)  # markdown before the solution
    after: list[str] = field(default_factory=list)  # markdown and snippets after it
    solutions: list[SolutionCell] = field(default_factory=list)
    tests: list[TestCell] = field(default_factory=list)
    points: float | None = None
    starter_override: str | None = None  # otter's BEGIN PROMPT block


@dataclass
class Kept:
    cells: list[int]
    reason: str  # in English: it is written into the lesson file
    text: str
    note: str = ""  # the same, in the teacher's language


@dataclass
class Model:
    tool: str
    intro: list[str]
    items: list  # Question | ("prose", text) | ("code", Cell) | Kept, in notebook order
    notes: list[Note]


NB_BEGIN = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*$", re.M)
NB_END = re.compile(r"^[ \t]*#+[ \t]*END SOLUTION[ \t]*$", re.M)
NB_HIDDEN_BEGIN = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS[ \t]*$")
NB_HIDDEN_END = re.compile(r"^[ \t]*#+[ \t]*END HIDDEN TESTS[ \t]*$")
MAGIC = re.compile(r"^[ \t]*[%!]")


def _clean_code(cell: Cell, notes: Notes) -> str:
    """Code without IPython magics (%matplotlib, !pip), which plain Python cannot run."""
    kept, dropped = [], []
    for line in cell.source.split("\n"):
        (dropped if MAGIC.match(line) else kept).append(line)
    if dropped:
        notes.append(Note(cell.number, "info", notes.tr.t("IPython magic left out (plain Python cannot run it): {lines}", lines="; ".join(l.strip() for l in dropped))))
    return "\n".join(kept).strip("\n")


def nbgrader_versions(source: str) -> tuple[str, str, str]:
    """(reference, student, problem) for an nbgrader answer cell, as `nbgrader generate_assignment`
    would make the student version: each solution region becomes `# YOUR CODE HERE` and
    `raise NotImplementedError()` at the region's indentation."""
    lines = source.split("\n")
    if not any(NB_BEGIN.match(l) for l in lines):
        return source, "# YOUR CODE HERE\nraise NotImplementedError()", ""
    reference, student = [], []
    inside = False
    problem = ""
    for line in lines:
        if NB_BEGIN.match(line):
            if inside:
                problem = "BEGIN SOLUTION inside another solution region"
            inside = True
            indent = re.match(r"^[ \t]*", line).group(0)
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


OT_LINE = re.compile(r"^(?P<code>.*?)[ \t]*#[ \t]*SOLUTION(?P<noprompt>[ \t]+NO PROMPT)?[ \t]*$")
OT_SEED = re.compile(r"^(?P<code>.*?)[ \t]*#[ \t]*SEED[ \t]*$")
OT_BEGIN = re.compile(r"^[ \t]*#[ \t]*BEGIN SOLUTION(?P<noprompt>[ \t]+NO PROMPT)?[ \t]*$")
OT_END = re.compile(r"^[ \t]*#[ \t]*END SOLUTION[ \t]*$")
OT_PROMPT_BEGIN = re.compile(r"^[ \t]*(\"\"\"|''')[ \t]*#[ \t]*BEGIN PROMPT[ \t]*$")
OT_PROMPT_END = re.compile(r"^[ \t]*(\"\"\"|''')[ \t]*;?[ \t]*#[ \t]*END PROMPT[ \t]*$")
OT_ASSIGNMENT = re.compile(r"^(?P<target>[ \t]*[A-Za-z_][A-Za-z0-9_.\[\]'\" ]*?[ \t]*(?<![=!<>])=)(?!=)")


def otter_versions(source: str) -> tuple[str, str, bool]:
    """(reference, student, seeded) for an otter solution cell, with otter assign's rules: a line
    ending in `# SOLUTION` becomes `...` (only the right-hand side of an assignment); `# SOLUTION
    NO PROMPT` and `# SEED` lines go; BEGIN/END SOLUTION regions become `...` (or go, NO PROMPT);
    a `\"\"\" # BEGIN PROMPT` string appears only in the student version."""
    reference, student = [], []
    region: str | None = None  # "solution", "noprompt", "prompt"
    seeded = False
    for line in source.split("\n"):
        if region == "prompt":
            if OT_PROMPT_END.match(line):
                region = None
            else:
                student.append(line)
            continue
        if OT_PROMPT_BEGIN.match(line):
            region = "prompt"
            continue
        begin = OT_BEGIN.match(line)
        if begin:
            region = "noprompt" if begin.group("noprompt") else "solution"
            if region == "solution":
                student.append(re.match(r"^[ \t]*", line).group(0) + "...")
            continue
        if OT_END.match(line):
            region = None
            continue
        if region is not None:
            reference.append(line)
            continue
        seed = OT_SEED.match(line)
        if seed:
            seeded = True
            reference.append(seed.group("code"))
            continue
        marked = OT_LINE.match(line)
        if marked:
            code = marked.group("code")
            reference.append(code)
            if marked.group("noprompt"):
                continue
            assignment = OT_ASSIGNMENT.match(code)
            if assignment:
                student.append(assignment.group("target") + " ...")
            else:
                student.append(re.match(r"^[ \t]*", code).group(0) + "...")
            continue
        reference.append(line)
        student.append(line)
    return "\n".join(reference), "\n".join(student), seeded


OTTER_PLUMBING = re.compile(r"^\s*(import otter\b|grader\s*=\s*otter\.Notebook|grader\.(check|check_all|export)\s*\(|otter\.)")


def _is_otter_plumbing(source: str) -> bool:
    lines = [l for l in source.split("\n") if l.strip() and not l.strip().startswith("#")]
    return bool(lines) and all(OTTER_PLUMBING.match(l) for l in lines)


def _expression_only(source: str) -> bool:
    """A cell a learner runs to try things (`squares(10)`), as opposed to one that defines things."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(s, ast.Expr) for s in tree.body)


def _yaml_lines(text: str, cell: int, notes: Notes) -> dict:
    """The simple `key: value` YAML that question and test configs use."""
    config: dict[str, Any] = {}
    last = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and last is not None and isinstance(config.get(last), (list, type(None))):
            config[last] = (config.get(last) or []) + [_yaml_value(stripped[2:].strip())]  # a block list
            continue
        key, sep, value = stripped.partition(":")
        last = key.strip() if sep else None
        if not sep:
            notes.append(Note(cell, "info", notes.tr.t("config line not understood and left out: {line}", line=repr(stripped))))
            continue
        config[key.strip()] = _yaml_value(value.strip())
    return config


def _yaml_value(value: str) -> Any:
    value = re.sub(r"\s+#.*$", "", value)
    lowered = value.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    if lowered in ("null", "~", ""):
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        pass
    if value.startswith("[") and value.endswith("]"):
        return [_yaml_value(v.strip()) for v in value[1:-1].split(",") if v.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _points(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return float(sum(value))
    return None


def parse_nbgrader(cells: list[Cell], notes: Notes) -> Model:
    tr = notes.tr
    intro: list[str] = []
    items: list = []
    pending: list[str] = []  # markdown (and try-it snippets) not yet placed
    pending_cells: list[int] = []
    current: Question | None = None
    seen_question = False

    def flush_pending_to(target: list[str]) -> None:
        target.extend(pending)
        pending.clear()
        pending_cells.clear()

    for cell in cells:
        nb = cell.meta.get("nbgrader") if isinstance(cell.meta.get("nbgrader"), dict) else {}
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
                before, prompt = _split_first_prompt(pending)
                intro.extend(before)
                pending[:] = prompt
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
            items.append(Kept(cells_here, f"code graded by hand in nbgrader ({points}, no tests): Qala cannot tell what a right answer is", (prompt + "\n\n```python\n" + cell.source + "\n```").strip(), tr.t("code graded by hand in nbgrader ({points}, no tests): Qala cannot tell what a right answer is", points=points)))
            continue
        if grade:
            if current is None:
                items.append(Kept([cell.number], "a test cell with no answer cell before it", f"```python\n{cell.source}\n```", tr.t("a test cell with no answer cell before it")))
                continue
            flush_pending_to(current.after)
            source, hidden = nbgrader_test_source(_clean_code(cell, notes))
            current.tests.append(TestCell(cell, source, str(nb.get("grade_id") or f"test-{cell.number}"), _points(nb.get("points")), hidden, ""))
            current.cells.append(cell.number)
            continue
        source = _clean_code(cell, notes)
        if not source.strip():
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
        points = [t.points for t in question.tests if t.points is not None]
        question.points = sum(points) if points else None
    return Model("nbgrader", intro, items, notes)


def _split_first_prompt(markdown: list[str]) -> tuple[list[str], list[str]]:
    """Before the first question: which markdown is the lesson's introduction, which its prompt.
    The last cell is the prompt; a lone cell is split at its first '## ' (or deeper) heading."""
    if len(markdown) > 1:
        return markdown[:-1], markdown[-1:]
    if not markdown:
        return [], []
    lines = markdown[0].split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if re.match(r"^#{2,6}\s", line):
            return ["\n".join(lines[:i])], ["\n".join(lines[i:])]
    return [], markdown


def _points_text(points: Any) -> str:
    value = _points(points)
    if value is None:
        return "no points"
    return f"{_number(value)} point{'s' if value != 1 else ''}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


TEST_CONFIG = re.compile(r"^[ \t]*(\"\"\"|''')[ \t]*#[ \t]*BEGIN TEST CONFIG[ \t]*\n(?P<body>.*?)^[ \t]*(\"\"\"|''')[ \t]*;?[ \t]*#[ \t]*END TEST CONFIG[ \t]*$\n?", re.M | re.S)


def parse_otter(cells: list[Cell], notes: Notes) -> Model:
    tr = notes.tr
    intro: list[str] = []
    items: list = []
    pending: list[str] = []
    current: Question | None = None
    manual: Kept | None = None
    block: str | None = None
    seen_question = False
    test_count = 0

    def close_question() -> None:
        nonlocal current, manual, block
        current, manual, block = None, None, None

    for cell in cells:
        if cell.kind == "raw":
            word = _first_comment(cell.source)
            body = "\n".join(cell.source.split("\n")[1:]) if cell.source.strip() else ""
            if word == "assignment config":
                config = _yaml_lines(body, cell.number, notes)
                if config:
                    notes.append(Note(cell.number, "info", tr.t("otter's assignment config is not needed in Qala and was left out ({keys})", keys=", ".join(sorted(config)))))
                if config.get("files"):
                    notes.append(Note(cell.number, "todo", tr.t("the assignment ships extra files: put data files in lessons/datasets/ with a datasheet")))
                continue
            if word == "begin question":
                close_question()
                if not seen_question:
                    intro.extend(pending)
                    pending.clear()
                seen_question = True
                config = _yaml_lines(body, cell.number, notes)
                name = str(config.get("name") or f"q{sum(isinstance(i, Question) for i in items) + 1}")
                if config.get("manual"):
                    points = _points_text(config.get("points"))
                    manual = Kept([cell.number], f"question {name} is graded by hand in otter ({points}): Qala grades code by its tests", "", tr.t("question {name} is graded by hand in otter ({points}): Qala grades code by its tests", name=name, points=points))
                    items.append(manual)
                    continue
                current = Question(name, [cell.number], points=_points(config.get("points")))
                test_count = 0
                items.append(current)
                continue
            if word == "end question":
                close_question()
                continue
            if word in ("begin solution", "begin tests", "begin prompt"):
                block = word.split()[1]
                continue
            if word in ("end solution", "end tests", "end prompt"):
                block = None
                continue
            target = manual if manual is not None else None
            if target is not None:
                target.cells.append(cell.number)
                target.text += "\n\n" + cell.source
                continue
            items.append(Kept([cell.number], "a raw cell otter does not use for questions", cell.source, tr.t("a raw cell otter does not use for questions")))
            continue
        if manual is not None:
            manual.cells.append(cell.number)
            manual.text = (manual.text + "\n\n" + (cell.source if cell.kind == "markdown" else f"```python\n{cell.source}\n```")).strip()
            continue
        if cell.kind == "markdown":
            if current is None:
                pending.append(cell.source)
            elif current.solutions or current.tests:
                current.after.append(cell.source)
            else:
                current.prompt.append(cell.source)
            continue
        # code
        if _is_otter_plumbing(cell.source):
            notes.append(Note(cell.number, "info", tr.t("otter's own cell (grader.check, export) left out: Qala checks the exercise itself")))
            continue
        source = _clean_code(cell, notes)
        if current is not None and block == "solution":
            reference, student, seeded = otter_versions(source)
            if seeded:
                notes.append(Note(cell.number, "todo", tr.t("the solution sets a random seed (# SEED) that the starter leaves out: make the task say which seed to use, or the learner's values cannot match")))
            current.solutions.append(SolutionCell(cell, reference, student))
            current.cells.append(cell.number)
            continue
        if current is not None and block == "tests":
            test_count += 1
            test_source, config = _otter_test_config(source, cell.number, notes)
            hidden = bool(config.get("hidden")) or _first_comment(source) == "hidden"
            current.tests.append(TestCell(cell, test_source, f"{_slug(current.name)}-{'hidden' if hidden else 'test'}-{test_count}", _points(config.get("points")), hidden, str(config.get("failure_message") or "")))
            current.cells.append(cell.number)
            continue
        if current is not None and block == "prompt":
            current.starter_override = source
            current.cells.append(cell.number)
            continue
        if not source.strip():
            continue
        if current is not None and _expression_only(source):
            current.after.append(f"```python\n{source}\n```")
            continue
        items.append(("code", cell, source))
    if not seen_question:
        intro.extend(pending)
    elif pending:
        items.append(("prose", "\n\n".join(pending)))
    for question in (i for i in items if isinstance(i, Question)):
        if question.points is None:
            points = [t.points for t in question.tests if t.points is not None]
            question.points = sum(points) if points else None
    return Model("otter", intro, items, notes)


def _otter_test_config(source: str, cell: int, notes: Notes) -> tuple[str, dict]:
    found = TEST_CONFIG.search(source)
    if not found:
        return source, {}
    config = _yaml_lines(found.group("body"), cell, notes)
    return source[: found.start()] + source[found.end() :], config


# ---------------------------------------------------------------- tests → checks


@dataclass
class Probe:
    """Something to evaluate in the notebook's solution's namespace, and what it must give."""

    call: str
    expect: str  # "equals" (value), "raises" (error name), "true", "value" (just get it)
    value: Any = None


@dataclass
class CheckDraft:
    kind: str  # value, function, assert
    target: str
    options: dict
    message: str
    cell: int
    test_name: str
    origin: list[str]  # the notebook lines it came from
    probes: list[Probe] = field(default_factory=list)
    generated_message: bool = False
    fallback: "CheckDraft | None" = None  # what to write instead if the probes disagree
    calls: list[str] = field(default_factory=list)
    resolve: Any = None  # otter expression tests: value from the solution -> the real draft
    reveal: bool = True  # False for a hidden test: a failing check shows no expected values


@dataclass
class Names:
    """What the setup and solution define: plain data, functions, modules."""

    data: set[str]
    functions: set[str]
    modules: set[str]

    @property
    def all(self) -> set[str]:
        return self.data | self.functions | self.modules


def names_defined(code: str) -> Names:
    data, functions, modules = set(), set(), set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return Names(data, functions, modules)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            functions.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            data.add(node.id)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    functions.add(target.id)
    return Names(data - functions - modules, functions, modules)


def free_names(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            bound |= {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs}
            bound |= {a.arg for a in (args.vararg, args.kwarg) if a}
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        if isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - set(dir(builtins))


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(dir(builtins))


def _call_of(node: ast.AST, functions: set[str]) -> str | None:
    """The user function a call expression calls (`f(...)`), if it is one the solution defines."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
        return node.func.id
    return None


ISCLOSE = {("np", "isclose"), ("numpy", "isclose"), ("math", "isclose"), (None, "isclose")}


def _approx(test: ast.AST) -> tuple[ast.AST, ast.AST, dict] | None:
    """`abs(a - b) < t`, `np.isclose(a, b)`, `math.isclose(a, b)`: (a, b, tolerance options)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE)):
        left = test.left
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "abs" and len(left.args) == 1:
            inner = left.args[0]
            ok, tol = _literal(test.comparators[0])
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub) and ok and isinstance(tol, (int, float)) and not isinstance(tol, bool):
                return inner.left, inner.right, {"tolerance": float(tol)}
    if isinstance(test, ast.Call) and len(test.args) == 2:
        func = test.func
        key = (func.value.id, func.attr) if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else (None, func.id) if isinstance(func, ast.Name) else None
        if key in ISCLOSE:
            options: dict = {}
            numpy_style = key[0] in ("np", "numpy")
            rel, absolute = (1e-5, 1e-8) if numpy_style else (1e-9, 0.0)
            for kw in test.keywords:
                ok, value = _literal(kw.value)
                if not ok:
                    return None
                if kw.arg in ("rtol", "rel_tol"):
                    rel = float(value)
                elif kw.arg in ("atol", "abs_tol"):
                    absolute = float(value)
                else:
                    return None
            if rel != 1e-9:
                options["rel_tolerance"] = rel
            if absolute:
                options["tolerance"] = absolute
            return test.args[0], test.args[1], options
    return None


def _segment(source: str | None, node: ast.AST) -> str:
    """The code of ``node`` as the teacher wrote it (``source`` None: a tree built here)."""
    text = None
    if source is not None:
        try:
            text = ast.get_source_segment(source, node)
        except (IndexError, ValueError):
            text = None
    return (text or ast.unparse(node)).strip()


def convert_test(test: TestCell, names: Names, tool: str, notes: Notes) -> tuple[list[CheckDraft], list[str]]:
    """The checks a test cell becomes, and the statements that could not be converted."""
    source = test.source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        notes.append(Note(test.cell.number, "kept", notes.tr.t("the test has a Python syntax error (line {line}): kept as a comment", line=exc.lineno), marker=f"Not converted, from cell {test.cell.number}"))
        return [], [source]
    body = list(tree.body)
    docstring = ""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        docstring = " ".join(body.pop(0).value.value.split())
    cell_message = test.message or docstring
    drafts: list[CheckDraft] = []
    kept: list[str] = []
    helpers: set[str] = set()
    local: set[str] = set()  # names the test itself assigns: checks cannot see them
    functions_seen: dict[str, CheckDraft] = {}

    def add(draft: CheckDraft) -> None:
        if draft.kind == "function":
            same = functions_seen.get(draft.target)
            if same is not None and same.options == draft.options and same.message == draft.message:
                same.calls.extend(draft.calls)
                same.probes.extend(draft.probes)
                same.origin.extend(draft.origin)
                return
            functions_seen[draft.target] = draft
        drafts.append(draft)

    for index, statement in enumerate(body):
        text = _segment(source, statement)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            helpers |= {(a.asname or a.name).split(".")[0] for a in statement.names}
            continue
        if isinstance(statement, ast.Expr) and tool == "otter" and index == len(body) - 1 and not _is_call_to_print(statement.value):
            draft = _expression_test(statement.value, source, test, names, helpers, local, cell_message)
            if draft is not None:
                add(draft)
                continue
        if isinstance(statement, ast.Assert):
            message = statement.msg.value if isinstance(statement.msg, ast.Constant) and isinstance(statement.msg.value, str) else cell_message
            draft = _assert_check(statement.test, _segment(source, statement.test), source, test, names, helpers, local, message)
            if draft is not None:
                add(draft)
                continue
        raised = _raises_check(statement, source, test, names, local, cell_message)
        if raised is not None:
            add(raised)
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(node.name)
        kept.append(text)
    if kept:
        notes.append(Note(test.cell.number, "kept", notes.tr.nt("{n} statement of the test {name} could not become a check: kept as a comment in the checks block", "{n} statements of the test {name} could not become checks: kept as comments in the checks block", len(kept), name=repr(test.name)), marker=f"Not converted, from cell {test.cell.number}"))
    return drafts, kept


def _is_call_to_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "display")


def _expression_test(expr: ast.AST, source: str, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str) -> CheckDraft | None:
    """otter: a test cell's last expression is compared with its recorded output (a doctest)."""
    text = _segment(source, expr)
    if _names_in(expr) & local:
        return None

    def as_assert(value: Any) -> CheckDraft | None:
        if value is True:
            return _assert_check(expr, text, source, test, names, helpers, local, message)
        compare = ast.Compare(left=expr, ops=[ast.Eq()], comparators=[ast.parse(repr(value), mode="eval").body])
        return _assert_check(ast.fix_missing_locations(compare), f"{text} == {value!r}", None, test, names, helpers, local, message)

    expected = _recorded_output(test.cell)
    if expected is None:
        # Saved without running: like otter assign, take the expected value from the solution.
        return CheckDraft("pending", text, {}, message, test.cell.number, test.name, [text], [Probe(text, "value")], resolve=as_assert)
    ok, value = expected
    return as_assert(value) if ok else None


def _recorded_output(cell: Cell) -> tuple[bool, Any] | None:
    for output in cell.outputs:
        if isinstance(output, dict) and output.get("output_type") == "execute_result":
            data = output.get("data", {})
            text = data.get("text/plain") if isinstance(data, dict) else None
            if isinstance(text, list):
                text = "".join(text)
            if isinstance(text, str):
                try:
                    return True, ast.literal_eval(text.strip())
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    return False, None
    return None


def _assert_check(expr: ast.AST, text: str, source: str, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str) -> CheckDraft | None:
    cell = test.cell.number
    used = _names_in(expr)
    if used & local:
        return None
    # 1. `name == literal`: the learner's variable against the reference's, once we know they agree.
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], ast.Eq):
        for side, other in ((expr.left, expr.comparators[0]), (expr.comparators[0], expr.left)):
            ok, literal = _literal(other)
            if not ok:
                continue
            if isinstance(side, ast.Name) and side.id in names.data:
                fallback = _plain_assert(text, used, names, message, test)
                return CheckDraft("value", side.id, {}, message, cell, test.name, [f"assert {text}"], [Probe(side.id, "equals", literal)], fallback=fallback)
            function = _call_of(side, names.functions)
            if function and not (_names_in(side) - names.all - helpers):
                call = _segment(source, side)
                fallback = _bool_call(function, f"{call} == {_segment(source, other)}", message, test)
                return CheckDraft("function", function, {}, message, cell, test.name, [f"assert {text}"], [Probe(call, "equals", literal)], fallback=fallback, calls=[call])
    # 2. approximately equal: a value or function check with the same tolerance.
    approx = _approx(expr)
    if approx is not None:
        a, b, options = approx
        for side, other in ((a, b), (b, a)):
            ok, literal = _literal(other)
            if not ok or not isinstance(literal, (int, float)) or isinstance(literal, bool):
                continue
            if isinstance(side, ast.Name) and side.id in names.data:
                return CheckDraft("value", side.id, options, message, cell, test.name, [f"assert {text}"], [Probe(side.id, "equals", literal)], fallback=_plain_assert(text, used, names, message, test))
            function = _call_of(side, names.functions)
            if function and not (_names_in(side) - names.all - helpers):
                call = _segment(source, side)
                return CheckDraft("function", function, options, message, cell, test.name, [f"assert {text}"], [Probe(call, "equals", literal)], calls=[call])
    # 3. anything over plain variables: Qala's assert check, evaluated in the trusted process.
    plain = _plain_assert(text, used, names, message, test)
    if plain is not None:
        return plain
    # 4. it calls the learner's functions: evaluated there, compared with the reference's answer.
    called = [n.func.id for n in ast.walk(expr) if _call_of(n, names.functions)]
    if called and not (used - names.all - helpers):
        return _bool_call(called[0], text, message, test)
    return None


def _plain_assert(text: str, used: set[str], names: Names, message: str, test: TestCell) -> CheckDraft | None:
    if used and used <= names.data:
        generated = not message
        return CheckDraft("assert", text, {}, message or f"This must be true: {text}", test.cell.number, test.name, [f"assert {text}"], [Probe(f"bool({text})", "true")], generated_message=generated)
    return None


def _bool_call(function: str, text: str, message: str, test: TestCell) -> CheckDraft:
    call = f"bool({text})"
    return CheckDraft("function", function, {}, message, test.cell.number, test.name, [f"assert {text}"], [Probe(call, "true")], calls=[call])


def _raises_check(statement: ast.AST, source: str, test: TestCell, names: Names, local: set[str], message: str) -> CheckDraft | None:
    """`try: f(x) / except E: pass / else: raise AssertionError` and `with pytest.raises(E): f(x)`:
    the learner's f must stop with the same error as the reference's."""
    call_node, error = None, None
    if isinstance(statement, ast.Try) and len(statement.body) == 1 and len(statement.handlers) == 1 and statement.orelse:
        handler = statement.handlers[0]
        body = statement.body[0]
        raises_in_else = any(isinstance(s, ast.Raise) for s in statement.orelse) or any(
            isinstance(s, ast.Assert) for s in statement.orelse
        )
        if isinstance(handler.type, ast.Name) and raises_in_else and all(isinstance(s, ast.Pass) for s in handler.body):
            call_node = body.value if isinstance(body, ast.Expr) else body.value if isinstance(body, ast.Assign) else None
            error = handler.type.id
            for s in statement.orelse:
                if isinstance(s, ast.Raise) and isinstance(s.exc, ast.Call) and s.exc.args and isinstance(s.exc.args[0], ast.Constant) and isinstance(s.exc.args[0].value, str):
                    message = message or s.exc.args[0].value
    elif isinstance(statement, ast.With) and len(statement.items) == 1 and len(statement.body) == 1:
        context = statement.items[0].context_expr
        if (
            isinstance(context, ast.Call) and isinstance(context.func, ast.Attribute) and context.func.attr == "raises"
            and context.args and isinstance(context.args[0], ast.Name) and isinstance(statement.body[0], ast.Expr)
        ):
            call_node, error = statement.body[0].value, context.args[0].id
    if call_node is None or error is None:
        return None
    function = _call_of(call_node, names.functions)
    if function is None or _names_in(call_node) & local or _names_in(call_node) - names.all:
        return None
    call = _segment(source, call_node)
    return CheckDraft("function", function, {}, message, test.cell.number, test.name, [_segment(source, statement)], [Probe(call, "raises", error)], calls=[call])


# ---------------------------------------------------------------- the whole conversion


@dataclass
class ExerciseDraft:
    id: str
    title: str
    task: str
    setup: str
    starter: str
    solution: str
    checks: list[CheckDraft]
    kept: list[tuple[int, list[str]]]
    xp: int | None
    points: float | None
    question: Question


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug


def _unique(slug: str, taken: set[str], fallback: str) -> str:
    slug = slug if slug and ID.match(slug) else fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _title_and_task(markdown: list[str], fallback: str) -> tuple[str, str]:
    """An exercise title from the prompt's first heading (without "(2 points)"), and the rest."""
    text = "\n\n".join(m.strip() for m in markdown if m.strip())
    lines = [l for l in text.split("\n")]
    title = ""
    for i, line in enumerate(lines):
        if re.match(r"^\s*(---+|\*\*\*+)\s*$", line) and not title:
            lines[i] = ""
            continue
        found = HEADING.match(line)
        if found:
            title = re.sub(r"\s*\((\d+(\.\d+)?\s*(points?|pts?|marks?|баллов?|балл)|\d+\s*/\s*\d+)\)\s*$", "", found.group(2), flags=re.I).strip()
            lines[i] = ""
            break
        if line.strip():
            bold = re.match(r"^\s*\*\*(.{1,60}?)\*\*", line)
            if bold:
                title = bold.group(1).strip().rstrip(".:")
            break
    return title or fallback, _demote("\n".join(lines).strip())


def _demote(markdown: str) -> str:
    """Headings inside an exercise's task must not start a new section ('## ') or look like
    '### Hints': they become level-3 (or level-4) headings."""
    out = []
    in_fence = False
    for line in markdown.split("\n"):
        if re.match(r"^\s{0,3}(```|~~~)", line):
            in_fence = not in_fence
        found = None if in_fence else HEADING.match(line)
        if found:
            level = max(3, len(found.group(1)))
            if found.group(2).strip().lower() in ("hints", "feedback"):
                level = 4
            line = "#" * level + " " + found.group(2)
        out.append(line)
    return "\n".join(out)


def _sections(markdown: str) -> str:
    """Prose between exercises: it needs its own '## ' heading, or it would join the exercise above."""
    text = markdown.strip()
    lines = text.split("\n")
    while lines and re.match(r"^\s*(---+|\*\*\*+)\s*$", lines[0]):
        lines.pop(0)
    text = "\n".join(lines).strip()
    found = HEADING.match(lines[0]) if lines else None
    if found:
        return f"## {found.group(2)}\n\n" + _demote("\n".join(lines[1:]).strip())
    return "## Notes\n\n" + _demote(text)


def _comment(text: str, indent: str = "    ") -> str:
    """Text inside an HTML comment that the lesson parser and Markdown both leave alone."""
    safe = text.replace("-->", "-- >").replace("<!--", "<! --")
    return "\n".join((indent + line) if line.strip() else "" for line in safe.split("\n"))


def _toml_comment(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for part in line.split("\n"):
            out.append(f"#     {part}".rstrip())
    return out


def import_notebook(
    notebook: Path,
    course_root: Path,
    track: str,
    out: Path | None = None,
    runner=None,
    write: bool = True,
    tr: Translator | None = None,
) -> ImportResult:
    """Convert ``notebook`` into a lesson of ``track`` in the course at ``course_root``.

    Writes the lesson (never over an existing file) unless ``write`` is false. The notebook's
    solutions run (in the sandbox) to prove each conversion. Raises UsageError for a notebook it
    cannot read or a track the course does not have."""
    from .runner import default_runner

    own = runner is None
    runner = runner or default_runner()
    try:
        return _import_notebook(Path(notebook), Path(course_root), track, out, runner, write, tr or Translator("en"))
    finally:
        if own:
            runner.close()


def _import_notebook(notebook: Path, course_root: Path, track: str, out: Path | None, runner, write: bool, tr: Translator) -> ImportResult:
    from .course_file import read_course_info
    from .datasets import load_datasets

    info, problems = read_course_info(course_root)
    if info is None:
        raise UsageError(str(problems.items[0]))
    tracks = [t.id for t in info.tracks]
    if track not in tracks:
        raise UsageError(tr.t("unknown track {track}: the tracks in {path} are {tracks}", track=repr(track), path=info.path, tracks=", ".join(tracks) or "—"))
    cells = read_notebook(notebook, tr)
    tool = detect_tool(cells)
    if tool is None:
        raise UsageError(tr.t("{notebook} has no nbgrader or otter-grader markers (### BEGIN SOLUTION, nbgrader cell metadata, or otter's '# BEGIN QUESTION' raw cells)", notebook=notebook))
    if tool == "otter-v0":
        raise UsageError(tr.t("{notebook} uses otter's old (v0) format: convert it to v1 with raw '# BEGIN QUESTION' cells first (otter assign's docs show how)", notebook=notebook))
    notes = Notes(tr)
    model = parse_nbgrader(cells, notes) if tool == "nbgrader" else parse_otter(cells, notes)
    questions = [i for i in model.items if isinstance(i, Question)]
    if not questions:
        raise UsageError(tr.t("{notebook} has no autograded questions: nothing to turn into exercises", notebook=notebook))

    if out is not None:
        path = Path(out)
        lesson_id = path.name.split(".")[0]
    else:
        lesson_id = _slug(notebook.stem) or "imported"
        path = course_root / "lessons" / track / f"{lesson_id}.md"
    if not ID.match(lesson_id):
        raise UsageError(tr.t("the lesson id {id} (from the file name) must be lower-case letters, digits and '-': use --out lessons/{track}/some-name.md", id=repr(lesson_id), track=track))
    if write and path.exists():
        raise UsageError(tr.t("{path} already exists: choose another name with --out, or delete it first", path=path))

    datasets_dir = course_root / "lessons" / "datasets"
    sheets, _ = load_datasets(datasets_dir)
    exercises: list[ExerciseDraft] = []
    taken: set[str] = set()
    setup_pool: list[tuple[int, str]] = []
    earlier: list[tuple[str, str, Names]] = []  # (exercise id, reference solution, its names)
    any_hidden: list[int] = []
    datasets: list[str] = []
    needs: set[str] = set()
    per_exercise = info.xp.per_exercise
    kept_items: list[Kept] = []
    layout: list = []  # ("exercise", ExerciseDraft) | ("prose", text)
    for item in model.items:
        if isinstance(item, Kept):
            kept_items.append(item)
            notes.append(Note(item.cells[0], "kept", tr.t("{reason}: kept as a comment at the top of the lesson", reason=item.note or item.reason), marker=f"From cell {', '.join(map(str, item.cells))}:"))
            continue
        if isinstance(item, tuple) and item[0] == "code":
            setup_pool.append((item[1].number, item[2]))
            continue
        if isinstance(item, tuple) and item[0] == "prose":
            layout.append(("prose", item[1]))
            continue
        question: Question = item
        number = len(exercises) + 1
        exercise_id = _unique(_slug(question.name), taken, f"exercise-{number}")
        title, task = _title_and_task(question.prompt, f"Question {question.name}")
        after = "\n\n".join(a.strip() for a in question.after if a.strip())
        if after:
            task = (task + "\n\n" + _demote(after)).strip()
        solution = "\n\n".join(s.reference.strip("\n") for s in question.solutions).strip("\n")
        starter = question.starter_override if question.starter_override is not None else "\n\n".join(s.student.strip("\n") for s in question.solutions).strip("\n")
        setup_parts = [f"# From notebook cell {n}\n{code}" for n, code in setup_pool]
        setup = "\n\n".join(setup_parts)
        # An answer that builds on an earlier one (Part B calls Part A's function) gets that
        # earlier reference solution in its setup, so it runs on its own.
        tests_text = "\n".join(t.source for t in question.tests)
        wanted = free_names(solution + "\n" + tests_text) - names_defined(setup).all - names_defined(solution).all
        for other_id, other_solution, other_names in reversed(earlier):
            if wanted & other_names.all:
                setup = (setup + "\n\n" if setup else "") + f"# The reference solution of exercise {other_id}, which this one builds on\n{other_solution}"
                notes.append(Note(question.cells[0], "info", tr.t("exercise {exercise} uses {names} from exercise {other}: its reference solution is in the setup (shown to learners read-only)", exercise=exercise_id, names=", ".join(sorted(wanted & other_names.all)), other=other_id)))
                wanted -= other_names.all
                wanted |= free_names(other_solution) - names_defined(setup).all
        names = names_defined(setup + "\n" + solution)
        drafts: list[CheckDraft] = []
        kept: list[tuple[int, list[str]]] = []
        for test in question.tests:
            if test.hidden:
                any_hidden.append(test.cell.number)
            made, not_made = convert_test(test, names, model.tool, notes)
            if test.hidden:
                for draft in made:
                    draft.reveal = False
                    if draft.fallback is not None:
                        draft.fallback.reveal = False
            drafts.extend(made)
            if not_made:
                kept.append((test.cell.number, not_made))
        setup, starter, solution, drafts = _fix_datasets(setup, starter, solution, drafts, datasets_dir, sheets, datasets, notes, question.cells[0])
        needs |= _third_party(setup + "\n" + solution + "\n" + tests_text)
        _verify(drafts, kept, setup, solution, runner, datasets_dir, tuple(sorted(needs)), notes, question, exercise_id)
        xp = None
        if question.points is not None:
            xp = int(round(question.points * per_exercise))
        exercise = ExerciseDraft(exercise_id, title, task, setup, starter, solution, drafts, kept, xp, question.points, question)
        exercises.append(exercise)
        layout.append(("exercise", exercise))
        earlier.append((exercise_id, solution, names_defined(solution)))
        if not drafts:
            notes.append(Note(question.cells[0], "todo", tr.t("exercise {exercise} has no test Qala could convert: add at least one [[check]] to its checks block (suggestions are commented there)", exercise=exercise_id), marker=f"TODO: exercise {exercise_id} needs a [[check]]"))
        generated = [d for d in drafts if d.generated_message]
        if generated:
            notes.append(Note(question.cells[0], "todo", tr.nt("exercise {exercise}: {n} assert check got a generated message: say what the learner should look at", "exercise {exercise}: {n} assert checks got a generated message: say what the learner should look at", len(generated), exercise=exercise_id), marker=f"TODO: a message for exercise {exercise_id}"))
        notes.append(Note(question.cells[0], "todo", tr.t("exercise {exercise}: hints are required; a TODO hint was written", exercise=exercise_id), marker=f"## Exercise {exercise_id}:", then=TODO_HINT))
    if any_hidden:
        notes.append(Note(any_hidden[0], "info", tr.t("hidden tests (cells {cells}) became checks with reveal = false: learners never see their code, and a failing one does not show what was expected", cells=", ".join(map(str, sorted(set(any_hidden)))))))
    title = _lesson_title(model.intro) or title_from_slug(lesson_id)
    for image in _local_images("\n".join(model.intro) + "".join(e.task for e in exercises)):
        notes.append(Note(None, "todo", tr.t("the text shows a local image {image}: copy it beside the lesson file, or remove it", image=repr(image))))
    text = render_lesson(lesson_id, track, title, notebook.name, model, exercises, layout, kept_items, datasets, sorted(needs), per_exercise)
    lines = text.split("\n")
    for note in notes:
        if note.marker:
            note.line = next((n for n, line in enumerate(lines, start=1) if note.marker in line), None)
            if note.line and note.then:
                note.line = next((n for n, line in enumerate(lines[note.line :], start=note.line + 1) if note.then in line), note.line)
    notes.sort(key=lambda n: (n.cell or 0, {"todo": 0, "kept": 1, "info": 2}[n.kind]))
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    summary = [ImportedExercise(e.id, e.title, len(e.checks), e.xp, e.question.cells) for e in exercises]
    return ImportResult(model.tool, notebook, lesson_id, path, text, summary, notes)


def _lesson_title(intro: list[str]) -> str:
    for block in intro:
        for line in block.split("\n"):
            found = re.match(r"^#\s+(.*?)\s*#*\s*$", line)
            if found:
                return found.group(1)
    return ""


def _local_images(markdown: str) -> list[str]:
    found = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", markdown)
    return sorted({f for f in found if not re.match(r"^(https?:|data:)", f)})


def _third_party(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names}


def _fix_datasets(setup, starter, solution, drafts, datasets_dir: Path, sheets: dict, datasets: list[str], notes: Notes, cell: int):
    """Data files the notebook opens: course datasets are opened as datasets/NAME in Qala."""
    texts = [setup, starter, solution]
    found: set[str] = set()
    for code in texts:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower().endswith(DATA_SUFFIXES) and "\n" not in node.value:
                found.add(node.value)
    for literal in sorted(found):
        name = Path(literal).name
        if literal == f"datasets/{name}" and (datasets_dir / name).is_file():
            wanted = literal
        elif (datasets_dir / name).is_file():
            wanted = f"datasets/{name}"
            texts = [t.replace(f'"{literal}"', f'"{wanted}"').replace(f"'{literal}'", f"'{wanted}'") for t in texts]
            notes.append(Note(cell, "info", notes.tr.t("{literal} is the course dataset {name}: the code now opens {wanted}", literal=repr(literal), name=name, wanted=repr(wanted))))
        else:
            notes.append(Note(cell, "todo", notes.tr.t("the code opens {literal}, which is not among the course's datasets: add the file to lessons/datasets/ with a datasheet and open it as 'datasets/{name}'", literal=repr(literal), name=name)))
            continue
        dataset_id = name.split(".")[0]
        if dataset_id in sheets:
            if dataset_id not in datasets:
                datasets.append(dataset_id)
        else:
            notes.append(Note(cell, "todo", notes.tr.t("lessons/datasets/{name} has no datasheet ({id}.toml): write one, then list {id} in the lesson's datasets", name=name, id=dataset_id)))
    return texts[0], texts[1], texts[2], drafts


def _verify(drafts: list[CheckDraft], kept: list[tuple[int, list[str]]], setup: str, solution: str, runner, datasets_dir: Path, needs: tuple[str, ...], notes: Notes, question: Question, exercise_id: str) -> None:
    """Run the notebook's own solution and keep only conversions that mean what the test meant."""
    from .compare import Tolerance, compare
    from .runner import Job

    def run(probes: list[Probe]):
        job = Job(source=solution, setup=setup, calls=tuple(p.call for p in probes), datasets_dir=datasets_dir if datasets_dir.is_dir() else None, needs=needs, timeout=30)
        return runner.run(job)

    def failed_to_run(result) -> None:
        error = result.error
        reason = f"{error.type}: {error.message}" + (f" (line {error.line})" if error.line else "") if error else result.status
        notes.append(Note(question.cells[0], "todo", notes.tr.t("the notebook's solution of exercise {exercise} does not run in Qala ({reason}), so its tests could not be checked against it: fix the setup or solution", exercise=exercise_id, reason=reason)))

    pending = [d for d in drafts if d.resolve is not None]
    if pending:
        result = run([d.probes[0] for d in pending])
        if not result.ok:
            failed_to_run(result)
            return
        for draft, got in zip(pending, result.calls):
            made = draft.resolve(got.value) if got.error is None and _is_literal(got.value) else None
            if made is None:
                notes.append(Note(draft.cell, "kept", notes.tr.t("the test {test} has no recorded output and its value in the solution is not plain data: kept as a comment", test=repr(draft.target)), marker=f"Not converted, from cell {draft.cell}"))
                kept.append((draft.cell, [draft.target]))
                drafts.remove(draft)
            else:
                made.origin = [f"{draft.target}  (the notebook's solution gives {got.value!r})"]
                made.reveal = draft.reveal
                if made.fallback is not None:
                    made.fallback.reveal = draft.reveal
                drafts[drafts.index(draft)] = made
    if not drafts:
        return
    result = run([p for d in drafts for p in d.probes])
    if not result.ok:
        failed_to_run(result)
        return
    calls = iter(result.calls)
    for draft in list(drafts):
        agreed = True
        for probe in draft.probes:
            got = next(calls, None)
            if got is None:
                agreed = False
            elif probe.expect == "equals":
                agreed = agreed and got.error is None and compare(probe.value, got.value, Tolerance.from_options(dict(draft.options))) is None
            elif probe.expect == "raises":
                agreed = agreed and got.error is not None
            elif probe.expect == "true":
                agreed = agreed and got.error is None and got.value is True
        if not agreed:
            notes.append(Note(draft.cell, "todo", notes.tr.t("the notebook's own solution fails its test {test} ({code}): the check keeps the notebook's meaning, so `qala validate` will report it until the solution or the test is fixed", test=repr(draft.test_name), code="; ".join(draft.origin)[:120])))
            if draft.fallback is not None:
                drafts[drafts.index(draft)] = draft.fallback


def _is_literal(value: Any) -> bool:
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


# ---------------------------------------------------------------- writing the lesson


def render_lesson(lesson_id, track, title, notebook_name, model: Model, exercises: list[ExerciseDraft], layout: list, kept_items: list[Kept], datasets: list[str], needs: list[str], per_exercise: int) -> str:
    intro_text = "\n\n".join(b.strip() for b in model.intro if b.strip())
    intro_lines = intro_text.split("\n")
    for i, line in enumerate(intro_lines):
        if re.match(r"^#\s+", line):
            intro_lines.pop(i)
            break
    while intro_lines and re.match(r"^\s*(---+|\*\*\*+)?\s*$", intro_lines[-1]):
        intro_lines.pop()  # a trailing rule separated the notebook's intro from Part A
    intro = "\n".join(intro_lines).strip()
    summary = _summary(intro)
    minutes = max(5, 5 * len(exercises))
    out = [
        "+++",
        f"id = {toml_string(lesson_id)}",
        f"track = {toml_string(track)}",
        f"title = {toml_string(title)}",
        f"summary = {toml_string(summary)}",
        'audience = "both"',
        f"minutes = {minutes}",
        f"datasets = [{', '.join(toml_string(d) for d in datasets)}]",
        f"needs = [{', '.join(toml_string(n) for n in needs)}]",
        "requires = []",
        "+++",
        "",
        f"# {title}",
        "",
        "<!--",
        f"    Imported from {notebook_name} ({model.tool}) by `qala import` on {_dt.date.today().isoformat()}.",
        "    Before publishing: search this file for TODO, write the hints, then run `qala validate`",
        "    on it. Expected values come from the solution blocks, never from numbers typed here.",
        "-->",
        "",
    ]
    if kept_items:
        out.append("<!--")
        out.append("    Not imported (Qala grades code by comparing it with a reference solution):")
        for item in kept_items:
            out.append("")
            out.append(f"    TODO: From cell {', '.join(map(str, item.cells))}: {item.reason}")
            out.append(_comment(item.text, "        "))
        out.append("-->")
        out.append("")
    if intro:
        out += [intro, ""]  # '## ' headings in it become prose sections, which is what they are
    for kind, thing in layout:
        if kind == "prose":
            out += [_sections(thing), ""]
            continue
        out += _render_exercise(thing, per_exercise)
    return "\n".join(out).rstrip("\n") + "\n"


def _summary(intro: str) -> str:
    for paragraph in re.split(r"\n\s*\n", intro):
        text = " ".join(paragraph.split())
        if text and not text.startswith(("#", "<!--", "|", "```", "!", "---")):
            text = re.sub(r"[*_`]", "", text)
            first = re.match(r"^(.+?[.!?])(\s|$)", text)
            if first and len(first.group(1)) <= 160:
                return first.group(1)
            return text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + "…"
    return ""


def _render_exercise(exercise: ExerciseDraft, per_exercise: int) -> list[str]:
    out = [f"## Exercise {exercise.id}: {exercise.title}", ""]
    if exercise.task:
        out += [exercise.task, ""]
    # A fence longer than any backtick run inside the code, so a docstring cannot close it.
    texts = [exercise.setup, exercise.starter, exercise.solution] + [o for d in exercise.checks for o in d.origin] + [s for _, kept in exercise.kept for s in kept]
    longest = max((len(m) for code in texts for m in re.findall(r"`{3,}", code)), default=0)
    fence = "`" * max(3, longest + 1)
    if exercise.setup.strip():
        out += [f"{fence}python setup", exercise.setup.strip("\n"), fence, ""]
    out += [f"{fence}python starter", exercise.starter.strip("\n"), fence, ""]
    out += [f"{fence}python solution", exercise.solution.strip("\n"), fence, ""]
    out += [f"{fence}toml checks"]
    cells = ", ".join(map(str, exercise.question.cells))
    out.append(f"# Imported from notebook cells {cells}.")
    if exercise.xp is not None:
        out.append(f"# {_number(exercise.points)} point{'s' if exercise.points != 1 else ''} in the notebook × {per_exercise} XP per point (course.toml [xp] per_exercise).")
        out.append(f"xp = {exercise.xp}")
    ids: set[str] = set()
    for draft in exercise.checks:
        out.append("")
        out += _render_check(draft, ids, exercise.id)
    for cell, statements in exercise.kept:
        out.append("")
        out.append(f"# TODO: Not converted, from cell {cell} (write checks that test the same thing, then delete this):")
        out += _toml_comment(statements)
    if not exercise.checks:
        out.append("")
        out.append(f"# TODO: exercise {exercise.id} needs a [[check]]. For example:")
        names = names_defined(exercise.solution)
        for name in sorted(names.data)[:3]:
            out += ["# [[check]]", f"# value = {toml_string(name)}"]
        for name in sorted(names.functions)[:2]:
            out += ["# [[check]]", f"# function = {toml_string(name)}", f"# calls = [{toml_string(name + '(...)')}]"]
    out += [fence, "", "### Hints", "", f"1. {TODO_HINT}", ""]
    return out


def _render_check(draft: CheckDraft, ids: set[str], exercise_id: str) -> list[str]:
    out = []
    origin = draft.origin[:6] + (["…"] if len(draft.origin) > 6 else [])
    out.append(f"# From cell {draft.cell} ({draft.test_name}):")
    out += [f"#   {line}" for o in origin for line in o.split("\n")]
    if draft.generated_message:
        out.append(f"# TODO: a message for exercise {exercise_id}: this one was generated; say what to look at next.")
    out.append("[[check]]")
    base = _slug(draft.test_name) or draft.kind
    default_id = draft.target if draft.kind in ("value", "function") else "assert"
    check_id, n = base, 2
    while check_id in ids:
        check_id, n = f"{base}-{n}", n + 1
    ids.add(check_id)
    if check_id != default_id:
        out.append(f"id = {toml_string(check_id)}")
    if draft.kind == "value":
        out.append(f"value = {toml_string(draft.target)}")
    elif draft.kind == "function":
        out.append(f"function = {toml_string(draft.target)}")
        if len(draft.calls) == 1:
            out.append(f"calls = [{toml_string(draft.calls[0])}]")
        else:
            out.append("calls = [")
            out += [f"    {toml_string(c)}," for c in draft.calls]
            out.append("]")
    else:
        out.append(f"assert = {toml_string(draft.target)}")
    for key, value in draft.options.items():
        out.append(f"{key} = {value!r}")
    if not draft.reveal:
        out.append("reveal = false  # a hidden test: a failing check does not show what was expected")
    if draft.message:
        out.append(f"message = {toml_string(draft.message)}")
    return out
