"""The shapes real instructors write tests in, brought to what tests_to_checks.py converts:
otter's IGNOREd lines and nbgrader's AUTOTEST lines taken out of a test's code, call-style asserts
(nose, numpy.testing, pandas.testing, unittest) rewritten as plain `assert` or `try/except`, and
otter's test functions (`def test_q1(x): ...`) opened up into their asserts.
"""

from __future__ import annotations

import ast
import re


def _literal(node: ast.AST) -> tuple[bool, object]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


IGNORE_LINE = re.compile(r"#\s*IGNORE\s*$")
IGNORE_BEGIN = re.compile(r"^\s*#\s*BEGIN IGNORE\s*$")
IGNORE_END = re.compile(r"^\s*#\s*END IGNORE\s*$")
AUTOTEST = re.compile(r"^\s*(?:#\s*)+(?:HASHED\s+)?AUTOTEST\b(?P<code>.*)$")

# Call-style asserts of nose, numpy.testing and pandas.testing: what each one means.
EQUAL_CALLS = {
    "assert_equal",
    "assert_equals",
    "assert_array_equal",
    "assert_frame_equal",
    "assert_series_equal",
    "assert_index_equal",
    "assert_list_equal",
    "assert_dict_equal",
    "assert_tuple_equal",
    "assertEqual",
}
CLOSE_CALLS = {"assert_allclose": (1e-7, 0.0), "assert_almost_equal": None, "assert_array_almost_equal": None, "assert_approx_equal": None}
TRUE_CALLS = {"assert_true": False, "assert_false": True, "ok_": False, "assertTrue": False, "assertFalse": True}
COMPARE_CALLS = {
    "assert_in": ast.In,
    "assert_not_in": ast.NotIn,
    "assert_not_equal": ast.NotEq,
    "assert_less": ast.Lt,
    "assert_less_equal": ast.LtE,
    "assert_greater": ast.Gt,
    "assert_greater_equal": ast.GtE,
    "assert_is": ast.Is,
    "assert_is_not": ast.IsNot,
}
RAISES_CALLS = {"assert_raises", "assertRaises"}
# Test-only modules: a lesson never needs them (the checks replace them).
TEST_MODULES = {"nose", "otter", "pytest", "unittest", "numpy.testing", "pandas.testing", "nbgrader", "okpy", "client"}

NOSE_SHIMS = """\
def assert_equal(first, second, msg=None):
    assert first == second, msg or f"{first!r} != {second!r}"
def assert_raises(error, function=None, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except error:
        return True
    raise AssertionError(f"{getattr(error, '__name__', error)} not raised")
def assert_true(value, msg=None):
    assert value, msg
def assert_false(value, msg=None):
    assert not value, msg
"""


def prepare_test(source: str) -> tuple[str, list[str], list[int]]:
    """A test cell's code without otter's IGNOREd lines, and nbgrader's AUTOTEST expressions taken out
    of its comments (with the line each came from)."""
    lines, autotests, where = [], [], []
    ignoring = False
    for number, line in enumerate(source.split("\n"), start=1):
        if IGNORE_BEGIN.match(line):
            ignoring = True
            continue
        if IGNORE_END.match(line):
            ignoring = False
            continue
        if ignoring or IGNORE_LINE.search(line):
            continue
        found = AUTOTEST.match(line)
        if found:
            for part in _split_expressions(found.group("code")):
                autotests.append(part)
                where.append(number)
            lines.append(f"pass  # AUTOTEST {found.group('code').strip()}")
            continue
        lines.append(line)
    return "\n".join(lines), autotests, where


def _split_expressions(code: str) -> list[str]:
    code = code.strip()
    if not code:
        return []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [ast.get_source_segment(code, s) or ast.unparse(s) for s in tree.body if isinstance(s, ast.Expr)]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""


def _normalise_call_assert(statement: ast.AST) -> ast.stmt | None:
    """`assert_equal(a, b)`, `npt.assert_allclose(a, b, rtol=...)`, `assert_raises(E, f, x)`...:
    the plain `assert` (or `try/except`) that means the same, or None."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    name = _dotted(call.func).split(".")[-1]
    args = call.args
    msg = next((k.value for k in call.keywords if k.arg in ("msg", "err_msg")), None)
    if name in EQUAL_CALLS and len(args) >= 2:
        if len(args) > 2 and msg is None and name in ("assert_equal", "assertEqual", "assert_array_equal"):
            msg = args[2]
        return ast.Assert(test=ast.Compare(left=args[0], ops=[ast.Eq()], comparators=[args[1]]), msg=msg)
    if name in CLOSE_CALLS and len(args) >= 2:
        keywords = [k for k in call.keywords if k.arg in ("rtol", "atol")]
        decimal = next((k.value for k in call.keywords if k.arg in ("decimal", "significant")), args[2] if len(args) > 2 else None)
        if name != "assert_allclose":
            ok, places = _literal(decimal) if decimal is not None else (True, 7)
            if not ok or not isinstance(places, int):
                return None
            keywords = [ast.keyword("atol", ast.Constant(1.5 * 10 ** (-places))), ast.keyword("rtol", ast.Constant(0.0))]
        elif not any(k.arg == "rtol" for k in keywords):
            keywords.append(ast.keyword("rtol", ast.Constant(1e-7)))
        return ast.Assert(test=ast.Call(func=ast.Name("isclose", ast.Load()), args=args[:2], keywords=keywords), msg=msg)
    if name in TRUE_CALLS and args:
        test = ast.UnaryOp(ast.Not(), args[0]) if TRUE_CALLS[name] else args[0]
        return ast.Assert(test=test, msg=msg if msg is not None else (args[1] if len(args) > 1 else None))
    if name in COMPARE_CALLS and len(args) >= 2:
        return ast.Assert(test=ast.Compare(left=args[0], ops=[COMPARE_CALLS[name]()], comparators=[args[1]]), msg=msg)
    if name in ("assert_is_instance", "assertIsInstance") and len(args) >= 2:
        return ast.Assert(test=ast.Call(func=ast.Name("isinstance", ast.Load()), args=args[:2], keywords=[]), msg=msg)
    if name in RAISES_CALLS and len(args) >= 2 and isinstance(args[0], ast.Name):
        inner = ast.Call(func=args[1], args=list(args[2:]), keywords=[k for k in call.keywords if k.arg not in ("msg",)])
        return ast.Try(
            body=[ast.Expr(inner)],
            handlers=[ast.ExceptHandler(type=args[0], name=None, body=[ast.Pass()])],
            orelse=[ast.Raise(exc=ast.Call(ast.Name("AssertionError", ast.Load()), [], []), cause=None)],
            finalbody=[],
        )
    return None


def _otter_test_functions(body: list[ast.stmt]) -> tuple[list[ast.stmt], dict[str, ast.FunctionDef]] | None:
    """otter's test-function format: `def test_x(a, b): assert ...` (called by otter with the
    notebook's globals of the same names). Their bodies, as if written at the top level."""
    functions = {s.name: s for s in body if isinstance(s, ast.FunctionDef) and s.name.startswith("test")}
    if not functions:
        return None
    for function in functions.values():
        a = function.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs:
            return None
    out: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.FunctionDef) and statement.name in functions:
            out.extend(statement.body)
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id in functions
        ):
            function = functions[statement.value.func.id]
            params = [a.arg for a in function.args.args]
            given = [a.id if isinstance(a, ast.Name) else None for a in statement.value.args]
            if given != params[: len(given)]:
                return None  # called with other values than the globals of the same names
        else:
            out.append(statement)
    return out, functions
