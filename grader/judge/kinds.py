"""Judging the answers that are not (only) a program: a prediction of what a program prints, a
choice among options, and the shape of a Parsons or fill-in answer before it runs.

Every verdict is a :class:`CheckResult` whose check id is the kind's own (``predict``,
``choice``, ``lines``, ``blanks``), so cases, progress and the report name it like any check.
"""

from __future__ import annotations

import re

from ..content.kinds import BLANK, blank_count, fill_values, parsons_stray_lines
from ..content.model import Exercise, ExerciseKind
from ..i18n import Translator
from .checks import CheckResult

PREDICT_CHECK = "predict"
CHOICE_CHECK = "choice"
LINES_CHECK = "lines"  # a Parsons answer uses only the given lines
BLANKS_CHECK = "blanks"  # a fill answer is the template with its blanks filled

KIND_CHECKS = {
    ExerciseKind.PREDICT: (PREDICT_CHECK,),
    ExerciseKind.CHOICE: (CHOICE_CHECK,),
    ExerciseKind.PARSONS: (LINES_CHECK,),
    ExerciseKind.FILL: (BLANKS_CHECK,),
}


def output_lines(text: str) -> list[str]:
    """Printed text as a reader compares it: spaces within a line collapsed, blank lines dropped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def judge_predict(answer: str, printed: str, tr: Translator) -> CheckResult:
    """The learner's prediction against what the program really printed."""
    expected, written = output_lines(printed), output_lines(answer)
    if expected == written:
        return CheckResult(PREDICT_CHECK, True, tr.t("Right: the program prints exactly that."))
    if not written:
        return CheckResult(PREDICT_CHECK, False, tr.t("Type what you think the program prints, then check."))
    for number, (want, got) in enumerate(zip(expected, written, strict=False), start=1):
        if want != got:
            message = tr.t("Line {number}: the program prints {expected!r}, you wrote {answer!r}.", number=number, expected=want, answer=got)
            if _same_numbers_but_format(want, got):
                message += " " + tr.t("The numbers match: look at how Python writes them (a decimal point, a .0, brackets, quotes).")
            return CheckResult(PREDICT_CHECK, False, message)
    return CheckResult(
        PREDICT_CHECK,
        False,
        tr.nt("The program prints {n} line", "The program prints {n} lines", len(expected), n=len(expected))
        + ", "
        + tr.nt("you wrote {n} line.", "you wrote {n} lines.", len(written), n=len(written)),
    )


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _same_numbers_but_format(want: str, got: str) -> bool:
    try:
        return [float(n) for n in NUMBER.findall(want)] == [float(n) for n in NUMBER.findall(got)] and bool(NUMBER.search(want))
    except ValueError:
        return False


def chosen_options(answer: str) -> list[str]:
    """``"b"``, ``"a, c"``, ``"a c"`` -> the option ids, in order, each once."""
    out: list[str] = []
    for part in re.split(r"[\s,;]+", answer.strip().lower()):
        if part and part not in out:
            out.append(part)
    return out


def judge_choice(exercise: Exercise, answer: str, feedback: dict[str, str], tr: Translator) -> CheckResult:
    """Option ids against the right ones; a wrong option says its own feedback."""
    chosen = chosen_options(answer)
    if not chosen:
        return CheckResult(CHOICE_CHECK, False, tr.t("Choose an option, then check."))
    unknown = [c for c in chosen if c not in exercise.options]
    if unknown:
        return CheckResult(
            CHOICE_CHECK, False, tr.t("There is no option {option!r}: choose from {known}.", option=unknown[0], known=", ".join(exercise.options))
        )
    if not exercise.multiple and len(chosen) > 1:
        return CheckResult(CHOICE_CHECK, False, tr.t("Choose only one option."))
    wrong = [c for c in chosen if c not in exercise.answer]
    if wrong:
        said = [feedback[c] for c in wrong if feedback.get(c)]
        if not said:
            said = [tr.t("Option {option} is not right.", option=c) for c in wrong]
        return CheckResult(CHOICE_CHECK, False, " ".join(f"{c}: {text}" if len(wrong) > 1 else text for c, text in zip(wrong, said, strict=False)))
    missing = [c for c in exercise.answer if c not in chosen]
    if missing:
        return CheckResult(
            CHOICE_CHECK,
            False,
            tr.nt("Right so far, but {n} more option is right too.", "Right so far, but {n} more options are right too.", len(missing), n=len(missing)),
        )
    return CheckResult(CHOICE_CHECK, True, tr.t("Right."))


def shape_problem(exercise: Exercise, program: str, tr: Translator) -> CheckResult | None:
    """Why a Parsons or fill answer is not an answer of its exercise at all (None: it is one)."""
    if exercise.kind is ExerciseKind.PARSONS:
        stray, overused = parsons_stray_lines(exercise, program)
        if stray:
            return CheckResult(LINES_CHECK, False, tr.t("The line {line!r} is not one of the given lines: use only those.", line=stray[0]))
        if overused:
            return CheckResult(LINES_CHECK, False, tr.t("The line {line!r} is used more often than it is given.", line=overused[0]))
    elif exercise.kind is ExerciseKind.FILL:
        values = fill_values(exercise.starter, program)
        if values is None:
            return CheckResult(BLANKS_CHECK, False, tr.t("Change only the blanks (___): the rest of the program must stay as it is given."))
        empty = sum(1 for value in values if not value or BLANK.fullmatch(value))
        if empty:
            return CheckResult(
                BLANKS_CHECK,
                False,
                tr.nt(
                    "{n} blank of {total} is not filled in yet.",
                    "{n} blanks of {total} are not filled in yet.",
                    empty,
                    n=empty,
                    total=blank_count(exercise.starter),
                ),
            )
    return None


def reference_answer(exercise: Exercise, printed: str) -> str:
    """The answer that must pass: a choice's right ids, a prediction's real output, else the solution."""
    if exercise.kind is ExerciseKind.CHOICE:
        return ", ".join(exercise.answer)
    if exercise.kind is ExerciseKind.PREDICT:
        return printed
    return exercise.solution
