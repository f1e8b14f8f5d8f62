"""Was the answer typed in? The ``no_hardcoded`` check: literals in the learner's code (arithmetic
on literals worked out) that match the reference's answer, beyond those the exercise itself gave."""

from __future__ import annotations

import ast
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..content.model import Check
from ..errors import GradingError
from ..i18n import Translator
from ..run.evidence import Column, Table
from .compare import Tolerance, is_number, numbers_close
from .messages import show

if TYPE_CHECKING:
    from .checks import Evidence

TYPED = Tolerance(absolute=1e-9, relative=1e-3)  # a literal this close to the answer was typed in


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested beyond what Python reads
        return None


_FOLD = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}


def _folded(tree: ast.AST) -> dict[ast.AST, Any]:
    """The value of every piece of arithmetic on number literals (1_260_000 * 1000) in ``tree``,
    worked out once, children before parents: no recursion, so a chain ``1+1+…+1`` as long as
    the learner likes costs one step per node. None where it is not such arithmetic."""
    values: dict[ast.AST, Any] = {}
    for node in reversed(list(ast.walk(tree))):  # ast.walk goes parents first
        if isinstance(node, ast.Constant) and is_number(node.value):
            values[node] = node.value
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = values.get(node.operand)
            values[node] = -inner if inner is not None else None
        elif isinstance(node, ast.BinOp) and type(node.op) in _FOLD:
            left, right = values.get(node.left), values.get(node.right)
            value = None
            if left is not None and right is not None:
                try:
                    value = _FOLD[type(node.op)](left, right)
                except (ZeroDivisionError, OverflowError):
                    value = None
            values[node] = value if value is not None and abs(value) < 1e300 else None
    return values


def _constants(tree: ast.AST | None) -> list[Any]:
    """Literals the code contains, arithmetic on number literals worked out."""
    if tree is None:
        return []
    found = []
    folded = _folded(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) and not isinstance(node.value, bool):
            found.append(node.value)
        elif isinstance(node, (ast.UnaryOp, ast.BinOp)):
            value = folded.get(node)
            if value is not None:
                found.append(value)
    return found


def _scalars(value: Any) -> list[Any]:
    if is_number(value) or isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if is_number(v) or isinstance(v, str)]
    if isinstance(value, dict):  # a dictionary's values (its keys are names the task gives)
        return [v for v in value.values() if is_number(v) or isinstance(v, str)]
    if isinstance(value, (Column, Table)):  # a table's own numbers: those no code would name by chance
        cells = value.values if isinstance(value, Column) else [v for column in value.data for v in column]
        return [v for v in cells[:10_000] if is_number(v) and v == v and abs(v) != float("inf") and (abs(v) >= 1000 or v != int(v))]
    return []


def _assigned(tree: ast.AST | None, name: str) -> list[Any]:
    """Literals (arithmetic on literals worked out) assigned straight to ``name``."""
    if tree is None:
        return []
    folded = _folded(tree)
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        value = getattr(node, "value", None)
        if value is None or not any(isinstance(t, ast.Name) and t.id == name for t in targets):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, (int, float, str)) and not isinstance(value.value, bool):
            found.append(value.value)
        elif folded.get(value) is not None:
            found.append(folded[value])
    return found


def no_hardcoded(check: Check, evidence: Evidence, tree: ast.AST | None, tr: Translator) -> tuple[bool, str]:
    name = check.target
    if evidence.reference is None:
        raise GradingError("a check that compares with the reference solution was judged without its run")
    expected = _scalars(evidence.reference.values.get(name))
    # Literals the exercise itself gave (in the starter or setup) may appear as often as given.
    given = Counter(map(repr, _constants(_parse(evidence.starter)) + _constants(_parse(evidence.setup))))
    # A literal assigned straight to the target was typed in, even a number the starter shows
    # (``january = 52`` where the starter's list holds 52).
    for literal in _assigned(tree, name):
        given[repr(literal)] = 0
    for literal in _constants(tree):
        if given[repr(literal)] > 0:
            given[repr(literal)] -= 1
            continue
        for value in expected:
            if is_number(value) and is_number(literal) and value not in (0, 1) and numbers_close(value, literal, TYPED):
                return False, tr.t(
                    "It looks like you typed the answer ({value}) instead of computing `{name}` from the data.", value=show(literal, tr), name=name
                )
            if isinstance(value, str) and isinstance(literal, str) and len(value) >= 3 and value == literal:
                return False, tr.t("It looks like you typed the answer ({value}) instead of computing `{name}` from the data.", value=repr(literal), name=name)
    return True, tr.t("`{name}` is computed, not typed in.", name=name)
