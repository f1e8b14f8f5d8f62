"""The imported lesson written as a Qala lesson file: front matter, prose, exercises and checks."""

from __future__ import annotations

import ast
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from ..scaffold import toml_string
from .names import names_defined
from .notebook import TODO_HINT, Kept, Model, Question, _number
from .prose import _sections, id_slug
from .tests_to_checks import CheckDraft


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


def _is_literal(value: Any) -> bool:
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def render_lesson(
    lesson_id,
    track,
    title,
    notebook_name,
    model: Model,
    exercises: list[ExerciseDraft],
    layout: list,
    kept_items: list[Kept],
    datasets: list[str],
    needs: list[str],
    per_exercise: int,
) -> str:
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
    texts = (
        [exercise.hidden_setup, exercise.setup, exercise.starter, exercise.solution]
        + [o for d in exercise.checks for o in d.origin]
        + [s for _, kept in exercise.kept for s in kept]
    )
    longest = max((len(m) for code in texts for m in re.findall(r"`{3,}", code)), default=0)
    fence = "`" * max(3, longest + 1)
    if exercise.hidden_setup.strip():
        out += [f"{fence}python hidden-setup", exercise.hidden_setup.strip("\n"), fence, ""]
    if exercise.setup.strip():
        out += [f"{fence}python setup", exercise.setup.strip("\n"), fence, ""]
    out += [f"{fence}python starter", exercise.starter.strip("\n"), fence, ""]
    out += [f"{fence}python solution", exercise.solution.strip("\n"), fence, ""]
    out += [f"{fence}toml checks"]
    cells = ", ".join(map(str, exercise.question.cells))
    out.append(f"# Imported from notebook cells {cells}.")
    if exercise.xp is not None:
        assert exercise.points is not None  # build.py sets xp only from the question's points
        out.append(
            f"# {_number(exercise.points)} point{'s' if exercise.points != 1 else ''} in the notebook × {per_exercise} XP per point (course.toml [xp] per_exercise)."
        )
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
    base = id_slug(draft.test_name) or draft.kind
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
    hidden_setup: str = ""
    lead: str = ""  # the notebook's text before the question, if it has no heading of its own
