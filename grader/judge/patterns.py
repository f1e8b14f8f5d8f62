"""Code patterns that are almost always a beginner's mistake, each found at a line of the code.

These rules read the learner's code only (its syntax tree), so they apply to any exercise: a
text literal compared with a number, a result computed and thrown away, a list changed while a
loop walks over it, a ``return`` or ``print`` inside a loop where one result is expected, a
division result used as a position. The wording is in :mod:`.messages`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .diagnose import as_number

# Methods that return a new value and leave the old one as it was (pandas and text): called
# alone on a line, their result is lost.
RETURNS_NEW = frozenset(
    "drop_duplicates dropna fillna sort_values sort_index reset_index set_index rename drop replace astype "
    "round strip lstrip rstrip lower upper title capitalize split join merge assign query head tail abs "
    "copy to_numeric to_datetime groupby agg sum mean median".split()
)
RETURNS_NEW_FUNCTIONS = frozenset("sorted round abs int float str list set len sum min max reversed".split())
# Methods that change a list (or dict) in place and return None.
IN_PLACE = frozenset("sort append extend reverse insert remove clear update".split())
REMOVES = frozenset("remove pop clear".split())
# Patterns that are a mistake wherever they are, worth naming on any failing value or function
# (a print inside a loop is named only where more was printed than expected).
CERTAIN_PATTERNS = ("text_compare", "thrown_away", "none_kept", "remove_in_loop", "float_index", "return_in_loop")


@dataclass(frozen=True)
class Pattern:
    code: str  # text_compare, thrown_away, none_kept, remove_in_loop, return_in_loop, print_in_loop, float_index
    line: int
    params: dict = field(default_factory=dict)


def find_patterns(tree: ast.AST | None) -> list[Pattern]:
    """Every pattern found, in the order of their lines."""
    if tree is None:
        return []
    found: list[Pattern] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found.extend(_text_compare(node))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            found.extend(_thrown_away(node.value))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp):
            found.append(Pattern("thrown_away", node.lineno, {"code": _text(node.value)}))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            found.extend(_none_kept(node.value))
        elif isinstance(node, ast.For):
            found.extend(_in_loop(node))
        elif isinstance(node, ast.Subscript):
            found.extend(_float_index(node))
    return sorted(found, key=lambda p: (p.line, p.code))


def _text(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # an unusual tree: the line number is enough
        return ""
    return text if len(text) <= 60 else text[:59] + "…"


NUMBER_CALLS = frozenset("float int len sum round abs max min".split())


def _numeric(node: ast.AST) -> bool:
    """Whether an expression is surely a number (a number literal, arithmetic, float(...))."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in NUMBER_CALLS


def _unknown(node: ast.AST) -> bool:
    """A variable or a column whose kind the code does not show (not a slice of a text)."""
    if isinstance(node, ast.Subscript):
        return not isinstance(node.slice, ast.Slice)
    return isinstance(node, (ast.Name, ast.Attribute))


def _text_compare(node: ast.Compare) -> list[Pattern]:
    """A number written in quotes compared with a number; or ordered (<, >) against a value whose
    kind is not shown, where text compares letter by letter ("9" > "15"). Codes written with a
    leading zero ("01" for January) are text on purpose and left alone unless the other side is
    surely a number."""
    sides = [node.left, *node.comparators]
    for op, left, right in zip(node.ops, sides, sides[1:]):
        if not isinstance(op, (ast.Lt, ast.Gt, ast.LtE, ast.GtE, ast.Eq, ast.NotEq)):
            continue
        for literal, other in ((left, right), (right, left)):
            if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str) and as_number(literal.value) is not None):
                continue
            text = literal.value.strip()
            padded = len(text.lstrip("-")) > 1 and text.lstrip("-")[0] == "0" and text.lstrip("-")[1:2] != "."
            ordered = isinstance(op, (ast.Lt, ast.Gt, ast.LtE, ast.GtE))
            if _numeric(other) or (ordered and not padded and _unknown(other)):
                return [Pattern("text_compare", node.lineno, {"text": repr(literal.value), "number": text})]
    return []


def _called_name(call: ast.Call) -> tuple[str | None, str | None]:
    """(method name, None) for ``x.method(...)``; (None, function name) for ``function(...)``."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr, None
    if isinstance(call.func, ast.Name):
        return None, call.func.id
    return None, None


def _thrown_away(call: ast.Call) -> list[Pattern]:
    method, function = _called_name(call)
    if any(k.arg == "inplace" for k in call.keywords):
        return []
    if (method in RETURNS_NEW and isinstance(call.func, ast.Attribute) and not _is_module(call.func.value)) or function in RETURNS_NEW_FUNCTIONS:
        return [Pattern("thrown_away", call.lineno, {"code": _text(call)})]
    return []


def _is_module(node: ast.AST) -> bool:
    """``pd.to_numeric(x)`` alone is thrown away too, but ``np.round`` … read the same: only
    names a learner calls a module by are excluded from method rules (``math``, ``statistics``)."""
    return isinstance(node, ast.Name) and node.id in ("math", "statistics", "random", "os", "sys", "json", "csv")


def _none_kept(call: ast.Call) -> list[Pattern]:
    method, _ = _called_name(call)
    if method in IN_PLACE and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, (ast.Name, ast.Attribute, ast.Subscript)):
        if method == "update" or method == "remove":
            return []  # dict.update / set.remove may be on something else than a list; rare enough
        return [Pattern("none_kept", call.lineno, {"code": _text(call), "method": method})]
    return []


def _loop_target(node: ast.For) -> str | None:
    it = node.iter
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "reversed") and it.args:
        it = it.args[0]
    return _text(it) if isinstance(it, (ast.Name, ast.Attribute)) else None


def _in_loop(node: ast.For) -> list[Pattern]:
    found = []
    walked = _text(node.iter)
    target = _loop_target(node)
    for inner in ast.walk(node):
        if target and isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in REMOVES:
            if _text(inner.func.value) == target:
                found.append(Pattern("remove_in_loop", inner.lineno, {"name": target}))
        if target and isinstance(inner, ast.Delete):
            for gone in inner.targets:
                if isinstance(gone, ast.Subscript) and _text(gone.value) == target:
                    found.append(Pattern("remove_in_loop", inner.lineno, {"name": target}))
    # Straight in the loop's body (not under an if): it runs on the first item already.
    for statement in node.body:
        if isinstance(statement, ast.Return):
            found.append(Pattern("return_in_loop", statement.lineno, {"loop": node.lineno, "over": walked}))
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            if isinstance(statement.value.func, ast.Name) and statement.value.func.id == "print":
                found.append(Pattern("print_in_loop", statement.lineno, {"loop": node.lineno, "over": walked}))
    return found


def _float_index(node: ast.Subscript) -> list[Pattern]:
    index = node.slice
    if isinstance(index, ast.BinOp) and isinstance(index.op, ast.Div):
        return [Pattern("float_index", node.lineno, {"code": _text(node)})]
    if isinstance(index, ast.Constant) and isinstance(index.value, float):
        return [Pattern("float_index", node.lineno, {"code": _text(node)})]
    return []


def names_read(tree: ast.AST | None, target: str) -> set[str]:
    """The names read by the statements that assign ``target`` (at any depth), for tracing a
    wrong value back to a wrong value it was computed from."""
    if tree is None:
        return set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == target for t in targets) and node.value is not None:
                read |= {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
    return read - {target}
