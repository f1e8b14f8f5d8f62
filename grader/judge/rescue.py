"""The part of a crashed program that can still be checked: its functions, without the top-level
line that crashed and what follows it.

When a learner's function is right but a line below it crashes (a print that joins text and a
number), the function checks should still say whether the function is right: the cause is the
line, not the function. :func:`without_crash` gives the code to run for that.
"""

from __future__ import annotations

import ast

KEPT = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def without_crash(source: str, line: int | None) -> str | None:
    """``source`` with the top-level statement that crashed at ``line`` (and every later one
    that is not a definition or an import) left out; None when nothing would be left out."""
    if not line:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    body = tree.body
    defined = {s.name for s in body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    cut = None
    for index, statement in enumerate(body):
        end = statement.end_lineno or statement.lineno
        if statement.lineno <= line <= end:
            if not isinstance(statement, KEPT):
                cut = index
            else:  # the crash is inside a function: cut at the first later line that calls one
                cut = next((i for i in range(index + 1, len(body)) if not isinstance(body[i], KEPT) and _calls(body[i], defined)), None)
            break
    if cut is None:
        return None
    dropped = [s for s in body[cut:] if not isinstance(s, KEPT)]
    kept = body[:cut] + [s for s in body[cut:] if isinstance(s, KEPT)]
    keep = {n for s in kept for n in range(_first(s), (s.end_lineno or s.lineno) + 1)}
    blank = {n for s in dropped for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)} - keep
    # Left out as empty lines, so every line keeps its number in what the learner reads.
    return "\n".join("" if number in blank else text for number, text in enumerate(source.splitlines(), start=1)) + "\n"


def _first(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)])


def _calls(statement: ast.stmt, names: set[str]) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names for n in ast.walk(statement))
