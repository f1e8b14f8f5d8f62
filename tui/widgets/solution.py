"""The reference solution on the lesson screen: offered after the last hint (ctrl+s), shown after
a second press that confirms the exercise then gives no XP; never for a course that switched it
off or an exercise with hidden checks (the engine says why, in one line)."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text

from qala.grader.errors import QalaError

REFUSED, ASKED, SHOWN = "refused", "asked", "shown"


def solution_panel(app, lesson_id: str, exercise_id: str, confirmed: bool) -> tuple[Text, str]:
    """What the feedback panel shows for a press of the solution key, and what that press did:
    REFUSED (not offered: the engine says why), ASKED (a second press shows it) or SHOWN (the
    engine recorded it)."""
    engine = app.engine
    refusal = engine.solution_refusal(lesson_id, exercise_id)
    if refusal is not None:
        return Text(refusal, style="yellow"), REFUSED
    if not confirmed and not engine.solution_seen(lesson_id, exercise_id):
        return Text(app.t("Press ctrl+s again to see the solution. This exercise will then give no XP."), style="bold yellow"), ASKED
    try:
        code = engine.solution(lesson_id, exercise_id)
    except QalaError as exc:
        return Text(str(exc), style="yellow"), REFUSED
    head = Text(app.t("The reference solution: passing this exercise now gives no XP."), style="bold")
    code_text = Syntax(code, "python", theme="ansi_dark").highlight(code)
    code_text.rstrip()
    return Text("\n").join([head, code_text]), SHOWN
