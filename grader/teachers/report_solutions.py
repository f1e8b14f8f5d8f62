""" "Seen the solution" in the class report: which exercises' reference solutions a learner was
shown (the export's ``solutions_seen``, with when), so that a later pass earns no XP in the
regrade either, and the report marks them."""

from __future__ import annotations

from typing import Any

from ..i18n import Translator

Seen = tuple[tuple[str, str, str], ...]  # (lesson, exercise, when: UTC ISO)


def read_solutions_seen(data: dict[str, Any]) -> Seen:
    """The export's ``solutions_seen`` list; entries not shaped like one are left out."""
    raw = data.get("solutions_seen")
    found = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and all(isinstance(item.get(key), str) for key in ("lesson", "exercise", "at")):
            found.append((item["lesson"][:100], item["exercise"][:100], item["at"][:40]))
    return tuple(found)


def seen_by(seen: Seen, at: str) -> dict[tuple[str, str], str]:
    """The exercises whose solution had been shown at the time ``at`` (an attempt's)."""
    return {(lesson, exercise): when for lesson, exercise, when in seen if when <= at}


def solutions_line(learners: list, tr: Translator) -> str | None:
    """One line for the terminal: who saw which solutions; None when nobody did."""
    shown = [(learner.name, learner.solutions_seen) for learner in learners if learner.solutions_seen]
    if not shown:
        return None
    return tr.t("Learners who saw a solution (no XP for those exercises): {list}", list="; ".join(f"{name}: {', '.join(seen)}" for name, seen in shown))
