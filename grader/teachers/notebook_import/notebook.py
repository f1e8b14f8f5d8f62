"""A teacher's notebook as the importer sees it: its cells read safely, which grading tool wrote it,
and the model both tools' readers build (questions with their solution and test cells, prose and
code kept in the notebook's order, and notes for the teacher).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import UsageError
from ...i18n import Translator

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

TODO_HINT = "TODO: write a hint that nudges the learner without giving the answer away."

DATA_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".json", ".tsv", ".txt", ".xlsx", ".parquet")


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
        raise UsageError(
            tr.t("{path} is in notebook format {version}; save it with Jupyter 4 or later (nbformat 4)", path=path, version=repr(data.get("nbformat")))
        )
    cells = []
    for number, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict) or raw.get("cell_type") not in ("markdown", "code", "raw"):
            raise UsageError(tr.t("{path}: cell {number} is not a markdown, code or raw cell", path=path, number=number))
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise UsageError(tr.t("{path}: cell {number} has no readable source", path=path, number=number))
        meta = raw["metadata"] if isinstance(raw.get("metadata"), dict) else {}
        outputs = raw["outputs"] if isinstance(raw.get("outputs"), list) else []
        kind, source = raw["cell_type"], source.replace("\r\n", "\n")
        fenced = OTTER_FENCE.match(source) if kind == "markdown" else None
        if fenced:  # otter's markers may be written as a Markdown cell fenced ```otter
            kind, source = "raw", fenced.group("body")
        cells.append(Cell(number, kind, source, meta, outputs))
    return cells


OTTER_FENCE = re.compile(r"^\s*```+\s*otter\s*\n(?P<body>.*?)\n\s*```+\s*$", re.S)


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


MAGIC = re.compile(r"^[ \t]*([%!]|\?\??[A-Za-z_]|[A-Za-z_][\w.]*(\(\))?\?\??[ \t]*$)")  # %magic, !shell, obj? and ?obj help


def _clean_code(cell: Cell, notes: Notes) -> str:
    """Code without IPython magics (%matplotlib, !pip), which plain Python cannot run."""
    kept: list[str] = []
    dropped: list[str] = []
    for line in cell.source.split("\n"):
        (dropped if MAGIC.match(line) else kept).append(line)
    if dropped:
        notes.append(
            Note(
                cell.number,
                "info",
                notes.tr.t("IPython magic left out (plain Python cannot run it): {lines}", lines="; ".join(line.strip() for line in dropped)),
            )
        )
    return "\n".join(kept).strip("\n")


def _points(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return float(sum(value))
    return None


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


NB_BEGIN = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*$", re.M)


NB_END = re.compile(r"^[ \t]*#+[ \t]*END SOLUTION[ \t]*$", re.M)


def _expression_only(source: str) -> bool:
    """A cell a learner runs to try things (`squares(10)`), as opposed to one that defines things."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(s, ast.Expr) for s in tree.body)
