"""Diagnoses for wrong values nobody wrote down: how the learner's value relates to the expected one.

A teacher's typical mistakes (``[[check.mistake]]``) cover what the author foresaw; these rules
cover any exercise. Each rule names a relation between the two values that points at one
misconception: the right number rounded or cut to a whole number, off by a factor of 100, 1000
or 60, a year of 366 days, the reciprocal, a sum divided by one too many or too few, a number
kept as text. Pure functions over decoded evidence; the wording is in :mod:`.messages`.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from typing import Any

from .compare import Difference, Tolerance, is_number, numbers_close

CLOSE = Tolerance(absolute=1e-9, relative=1e-6)

# factor (learner / expected) -> what it means; the wording is in messages.py
SCALES: tuple[tuple[float, str], ...] = (
    (100.0, "times100"),
    (0.01, "div100"),
    (1000.0, "times1000"),
    (0.001, "div1000"),
    (60.0, "times60"),
    (1 / 60, "div60"),
    (366 / 365, "leap"),
    (365 / 366, "leap"),
)


@dataclass(frozen=True)
class Diagnosis:
    """A relation between the learner's value and the expected one, and where it was found."""

    code: str  # rounded, rounding_asked, floored, times100, div100, times1000, div1000, times60, div60, leap, reciprocal, negated, divisor, text_number
    params: dict = field(default_factory=dict)

    @property
    def method_right(self) -> bool:
        """Whether the learner's method is right and only the finish differs (no recipe needed)."""
        return self.code in ("rounded", "rounding_asked")


def diagnose(diff: Difference) -> Diagnosis | None:
    """The misconception a difference points at, if a rule recognises it (looking inside lists,
    dictionaries and table cells)."""
    p = diff.params
    if diff.code == "value":
        return diagnose_values(p["expected"], p["actual"])
    if diff.code == "type":
        return diagnose_values(p.get("expected"), p["actual"])
    if diff.code in ("item", "entry"):
        return diagnose(p["inner"])
    if diff.code == "cell":
        return diagnose_values(p["expected"], p["actual"])
    return None


def diagnose_values(expected: Any, actual: Any) -> Diagnosis | None:
    """The relation between two plain values, or None when no rule applies."""
    if isinstance(actual, str) and is_number(expected):
        if as_number(actual) is not None:
            return Diagnosis("text_number", {"text": actual})
        return None
    if not (is_number(expected) and is_number(actual)):
        return None
    try:
        e, a = float(expected), float(actual)
    except OverflowError:  # a number no float holds (a hostile 10**400): no arithmetic relation to name
        return None
    if not (math.isfinite(e) and math.isfinite(a)) or numbers_close(e, a, CLOSE):
        return None
    found = _rounding(e, a)
    if found is not None:
        return found
    if e != 0 and a == -e:
        return Diagnosis("negated", {})
    if e != 0 and a != 0:
        ratio = a / e
        for factor, code in SCALES:
            if numbers_close(ratio, factor, Tolerance(absolute=0, relative=1e-6)):
                return Diagnosis(code, {})
        if abs(e) != 1 and numbers_close(a, 1 / e, CLOSE):
            return Diagnosis("reciprocal", {})
        found = _divisor(e, a)
        if found is not None:
            return found
    return None


def as_number(text: str) -> float | None:
    """A text that holds a number ('2279900', ' 12.5 ', '12,5'), as that number."""
    cleaned = text.strip().replace("\xa0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _rounding(e: float, a: float) -> Diagnosis | None:
    # The learner rounded (or cut) a value the reference keeps whole.
    if not e.is_integer():
        if a == math.trunc(e) or a == math.floor(e):
            return Diagnosis("floored", {})
        for places in range(0, 4):
            if numbers_close(a, round(e, places), CLOSE) or (places == 0 and a == math.ceil(e)):
                return Diagnosis("rounded", {"places": places})
    # The reference rounds (to `places` decimals) and the learner did not, or rounded otherwise:
    # the learner's value, rounded that way, is the expected one.
    for places in range(0, 4):
        if numbers_close(e, round(e, places), CLOSE) and numbers_close(round(a, places), e, CLOSE):
            if places == 0 and a.is_integer():
                return None  # two whole numbers: that is not rounding
            return Diagnosis("rounding_asked", {"places": places})
    return None


def _divisor(e: float, a: float) -> Diagnosis | None:
    """A mean with one item too many or too few: sum / (n + 1) or sum / (n - 1)."""
    if e.is_integer() or a.is_integer():
        return None  # whole numbers line up with some n by chance
    for sign, n in ((-1, a / (a - e)), (+1, a / (e - a))):
        # a = e * n / (n - 1)  (divided by n - 1)  or  a = e * n / (n + 1)  (divided by n + 1)
        if 3 <= n <= 1_000_000 and abs(n - round(n)) < 1e-6 * n:
            return Diagnosis("divisor", {"n": int(round(n)), "sign": sign})
    return None


def refined(diagnosis: Diagnosis | None, tree: ast.AST | None) -> Diagnosis | None:
    """A whole number that is both the value cut and the value rounded: cut by // or int() only
    if the code has them; otherwise it was rounded, and the method is right."""
    if diagnosis is None or diagnosis.code != "floored" or tree is None:
        return diagnosis
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.FloorDiv):
            return diagnosis
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name in ("int", "floor", "trunc", "astype"):
                return diagnosis
    return Diagnosis("rounded", {"places": 0})
