"""Exercise kinds besides "write code": what a lesson writes for each, and the plain rules about
an answer's shape (the given lines of a Parsons problem, the blanks of a fill-in program).

    ```toml checks
    kind = "choice"                      # code (the default) | predict | choice | parsons | fill
    answer = "b"                         # choice: the right option id, or a list of ids
    multiple = false                     # choice: let several options be chosen (a list implies it)
    [feedback]                           # choice: what a wrong option says (names the misconception)
    a = "That divides by all twelve months."
    ```

A choice's options are a ``### Options`` list in the exercise's prose (``- a: text``), so that
translations carry their words; a parsons exercise's lines are its solution's lines plus
``distractors = [...]``; a fill exercise's starter holds ``___`` blanks. See docs/lesson-format.md.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

from ..errors import t
from .model import EXERCISE_KINDS, Exercise, ExerciseKind

KIND_SETTINGS = {"kind", "answer", "multiple", "feedback", "distractors"}

BLANK = re.compile(r"_{3,}")

OPTION = re.compile(r"^`?([a-z0-9][a-z0-9-]*)`?\s*:\s*(.*)$", re.DOTALL)

# The code blocks each kind needs (a kind not listed needs starter, solution and checks).
REQUIRED_BLOCKS = {
    ExerciseKind.CODE: ("starter", "solution", "checks"),
    ExerciseKind.PREDICT: ("solution", "checks"),
    ExerciseKind.CHOICE: ("checks",),
    ExerciseKind.PARSONS: ("solution", "checks"),
    ExerciseKind.FILL: ("starter", "solution", "checks"),
}

# The kinds whose answer is a program judged by the exercise's [[check]]s.
RUN_KINDS = (ExerciseKind.CODE, ExerciseKind.PARSONS, ExerciseKind.FILL)


def kind_of(settings: dict) -> ExerciseKind | None:
    """The kind a checks block names (code when it names none); None if it names an unknown one."""
    value = settings.get("kind", ExerciseKind.CODE.value)
    return ExerciseKind(value) if value in EXERCISE_KINDS else None


def split_option(item: str) -> tuple[str, str] | None:
    """``a: text`` -> ("a", "text"); None when the item has no id."""
    found = OPTION.match(item.strip())
    return (found.group(1), found.group(2).strip()) if found else None


def read_kind(settings: dict, kind: ExerciseKind, has_checks: bool, options: dict[str, str], code: dict[str, str], line: int, problems) -> dict[str, Any]:
    """Check a kind's settings against its exercise; return the :class:`Exercise` fields they give
    and, under ``"feedback"``, a choice's English feedback per option."""
    fields: dict[str, Any] = {"kind": kind}
    allowed = {"kind"} | {
        ExerciseKind.CHOICE: {"answer", "multiple", "feedback"},
        ExerciseKind.PARSONS: {"distractors"},
    }.get(kind, set())
    for key in sorted(KIND_SETTINGS - allowed):
        if key in settings:
            problems.error(line, t("{key!r} is not a setting of a {kind} exercise"), key=key, kind=kind.value)
    if kind in RUN_KINDS and not has_checks:
        return fields  # the checks block reports it
    if kind in (ExerciseKind.PREDICT, ExerciseKind.CHOICE) and has_checks:
        problems.error(line, t("a {kind} exercise has no [[check]]: its answer is judged by its kind"), kind=kind.value)
    if kind is ExerciseKind.CHOICE:
        fields |= _read_choice(settings, options, line, problems)
    elif options:
        problems.error(line, t("only a choice exercise has '### Options'"))
    if kind is ExerciseKind.PARSONS:
        distractors = settings.get("distractors", [])
        if not (isinstance(distractors, list) and all(isinstance(d, str) and d.strip() for d in distractors)):
            problems.error(line, t('distractors must be a list of lines, e.g. distractors = ["total = 0"]'))
            distractors = []
        lines = set(solution_lines(code.get("solution", "")))
        for distractor in distractors:
            if distractor.strip() in lines:
                problems.error(line, t("the distractor {line!r} is a line of the solution"), line=distractor.strip())
        fields["distractors"] = tuple(d.strip() for d in distractors)
    if kind is ExerciseKind.FILL and "starter" in code and "solution" in code:
        if not BLANK.search(code["starter"]):
            problems.error(line, t("a fill exercise's starter needs at least one blank, written ___"))
        elif fill_values(code["starter"], code["solution"]) is None:
            problems.error(line, t("the solution of a fill exercise must be its starter with the blanks filled in"))
    return fields


def _read_choice(settings: dict, options: dict[str, str], line: int, problems) -> dict[str, Any]:
    answer = settings.get("answer")
    if isinstance(answer, str):
        answer = [answer]
    if not (isinstance(answer, list) and answer and all(isinstance(a, str) for a in answer)):
        problems.error(line, t('a choice exercise needs answer = "b" (or a list, answer = ["a", "c"])'))
        answer = []
    if len(options) < 2:
        problems.error(line, t("a choice exercise needs at least two options: a '### Options' list of '- a: text'"))
    for option in answer:
        if option not in options:
            problems.error(line, t("the answer {option!r} is not one of the options ({known})"), option=option, known=", ".join(options))
    multiple = settings.get("multiple", len(answer) > 1)
    if not isinstance(multiple, bool) or (not multiple and len(answer) > 1):
        problems.error(line, t("multiple must be true or false, and true when the answer lists several options"))
        multiple = True
    feedback = settings.get("feedback", {})
    if not (isinstance(feedback, dict) and all(isinstance(v, str) and v.strip() for v in feedback.values())):
        problems.error(line, t("feedback must be a table of option id = message"))
        feedback = {}
    for option in feedback:
        if option not in options:
            problems.error(line, t("feedback for {option!r}, which is not one of the options ({known})"), option=option, known=", ".join(options))
    if not any(option not in answer for option in options):
        problems.error(line, t("every option is right: a choice needs at least one wrong option"))
    return {"answer": tuple(answer), "multiple": bool(multiple), "options": tuple(options), "feedback": {k: v.strip() for k, v in feedback.items()}}


# -- the shape of an answer


def solution_lines(solution: str) -> list[str]:
    """A Parsons problem's lines: the solution's non-blank, non-comment lines, unindented."""
    return [line.strip() for line in solution.splitlines() if line.strip() and not line.strip().startswith("#")]


def given_lines(exercise: Exercise) -> list[str]:
    """The lines a Parsons learner gets, solution and distractors mixed (the same order every time)."""
    lines = solution_lines(exercise.solution) + list(exercise.distractors)
    random.Random(exercise.id).shuffle(lines)
    if lines == solution_lines(exercise.solution) and len(lines) > 1:
        lines.reverse()  # never hand out the answer in order
    return lines


def parsons_stray_lines(exercise: Exercise, program: str) -> tuple[list[str], list[str]]:
    """(lines that are not given, lines used more often than given) in a Parsons answer."""
    given = Counter(solution_lines(exercise.solution) + list(exercise.distractors))
    used = Counter(solution_lines(program))
    stray = [line for line in used if line not in given]
    overused = [line for line in used if line in given and used[line] > given[line]]
    return stray, overused


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def fill_values(template: str, program: str) -> list[str] | None:
    """What fills each blank of ``template`` in ``program``; None if ``program`` differs from
    the template elsewhere (trailing spaces and blank lines at the ends aside)."""
    parts = BLANK.split(_plain(template))
    pattern = "([^\\n]*?)".join(re.escape(part) for part in parts)
    found = re.fullmatch(pattern, _plain(program))
    return [value.strip() for value in found.groups()] if found else None


def fill_program(template: str, values: list[str]) -> str:
    """The template with its blanks filled in order (missing values leave the blank)."""
    pieces = BLANK.split(template)
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        value = values[index] if index < len(values) and values[index].strip() else "___"
        out.extend([value.strip(), piece])
    return "".join(out)


def blank_count(template: str) -> int:
    return len(BLANK.findall(template))
