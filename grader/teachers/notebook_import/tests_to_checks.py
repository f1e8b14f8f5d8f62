"""A notebook's tests turned into Qala checks: asserts, comparisons with a tolerance, printed
expressions and expected exceptions become value, function, output and assert checks.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from .names import Names
from .notebook import Cell, Note, Notes, TestCell
from .test_shapes import NOSE_SHIMS, TEST_MODULES, _normalise_call_assert, _otter_test_functions, prepare_test


@dataclass
class Probe:
    """Something to evaluate in the notebook's solution's namespace, and what it must give."""

    call: str
    expect: str  # "equals" (value), "raises" (error name), "true", "value" (just get it)
    value: Any = None


@dataclass
class CheckDraft:
    kind: str  # value, function, assert
    target: str
    options: dict
    message: str
    cell: int
    test_name: str
    origin: list[str]  # the notebook lines it came from
    probes: list[Probe] = field(default_factory=list)
    generated_message: bool = False
    fallback: CheckDraft | None = None  # what to write instead if the probes disagree
    calls: list[str] = field(default_factory=list)
    resolve: Any = None  # otter expression tests: value from the solution -> the real draft
    reveal: bool = True  # False for a hidden test: a failing check shows no expected values
    helper: str = ""  # code the check needs in the hidden setup (a whole test run as a function)
    why: str = ""  # set by build.py on a fallback: why the draft it replaces disagreed with the solution


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(dir(builtins))


def _call_of(node: ast.AST, functions: set[str]) -> str | None:
    """The user function a call expression calls (`f(...)`), if it is one the solution defines."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
        return node.func.id
    return None


ISCLOSE = {("np", "isclose"), ("numpy", "isclose"), ("math", "isclose"), (None, "isclose"), ("np", "allclose"), ("numpy", "allclose")}


def _approx(test: ast.AST) -> tuple[ast.expr, ast.expr, dict] | None:
    """`abs(a - b) < t`, `np.isclose(a, b)`, `math.isclose(a, b)`: (a, b, tolerance options)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE)):
        left = test.left
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "abs" and len(left.args) == 1:
            inner = left.args[0]
            ok, tol = _literal(test.comparators[0])
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub) and ok and isinstance(tol, (int, float)) and not isinstance(tol, bool):
                return inner.left, inner.right, {"tolerance": float(tol)}
    if isinstance(test, ast.Call) and len(test.args) == 2:
        func = test.func
        key = (
            (func.value.id, func.attr)
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            else (None, func.id)
            if isinstance(func, ast.Name)
            else None
        )
        if key in ISCLOSE:
            options: dict = {}
            numpy_style = key[0] in ("np", "numpy")
            rel, absolute = (1e-5, 1e-8) if numpy_style else (1e-9, 0.0)
            for kw in test.keywords:
                ok, value = _literal(kw.value)
                if not ok:
                    return None
                if kw.arg in ("rtol", "rel_tol"):
                    rel = float(value)
                elif kw.arg in ("atol", "abs_tol"):
                    absolute = float(value)
                else:
                    return None
            if rel != 1e-9:
                options["rel_tolerance"] = rel
            if absolute:
                options["tolerance"] = absolute
            return test.args[0], test.args[1], options
    return None


def _segment(source: str | None, node: ast.AST) -> str:
    """The code of ``node`` as the teacher wrote it (``source`` None: a tree built here)."""
    text = None
    if source is not None:
        try:
            text = ast.get_source_segment(source, node)
        except (IndexError, ValueError):
            text = None
    return (text or ast.unparse(node)).strip()


def convert_test(test: TestCell, names: Names, tool: str, notes: Notes) -> tuple[list[CheckDraft], list[str], str]:
    """The checks a test cell becomes, the statements that could not be converted, and code the
    checks need in the exercise's hidden setup (a test's own helpers)."""
    source, autotests, autotest_lines = prepare_test(test.source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        notes.append(
            Note(
                test.cell.number,
                "kept",
                notes.tr.t("the test has a Python syntax error (line {line}): kept as a comment", line=exc.lineno),
                marker=f"Not converted, from cell {test.cell.number}",
            )
        )
        return [], [test.source], ""
    body = list(tree.body)
    docstring = ""
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        body.pop(0)
        docstring = " ".join(first.value.value.split())
    cell_message = test.message or docstring
    drafts: list[CheckDraft] = []
    functions_seen: dict[tuple, CheckDraft] = {}
    hidden_code = ""

    def add(draft: CheckDraft) -> None:
        if draft.kind == "function":
            key = (draft.target, tuple(sorted(draft.options.items())), draft.message)
            same = functions_seen.get(key)
            if same is not None and not draft.helper and not same.helper:
                same.calls.extend(draft.calls)
                same.probes.extend(draft.probes)
                same.origin.extend(draft.origin)
                return
            functions_seen[key] = draft
        drafts.append(draft)

    if autotests:
        # nbgrader's AUTOTEST: each expression's value in the learner's code must be its value in the solution.
        rest = [s for s in body if not (isinstance(s, ast.Pass))]
        definitions_only = all(isinstance(s, (ast.FunctionDef, ast.Import, ast.ImportFrom, ast.ClassDef)) for s in rest)
        if definitions_only:
            hidden_code = "\n\n".join(_segment(source, s) for s in rest)
            local = {s.name for s in rest if isinstance(s, (ast.FunctionDef, ast.ClassDef))}
            for expression in autotests:
                target = _main_name(expression, names, local)
                if target is None:
                    notes.append(
                        Note(
                            test.cell.number,
                            "kept",
                            notes.tr.t("AUTOTEST {code} uses no name of the solution: kept as a comment", code=expression),
                            marker=f"Not converted, from cell {test.cell.number}",
                        )
                    )
                    continue
                add(
                    CheckDraft(
                        "function",
                        target,
                        {},
                        cell_message,
                        test.cell.number,
                        test.name,
                        [f"### AUTOTEST {expression}"],
                        [Probe(expression, "value")],
                        calls=[expression],
                    )
                )
            return drafts, [], hidden_code
        helper = _helper(test, source, body, names, autotests)
        if helper is None:
            _tests_nothing(test, notes)
            return [], [], ""
        return [helper], [], helper.helper

    flattened = _otter_test_functions(body) if tool == "otter" else None
    if flattened is not None:
        body = flattened[0]
    kept_nodes: list[ast.stmt] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    helpers: set[str] = set()
    for index, statement in enumerate(body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            helpers |= {(a.asname or a.name).split(".")[0] for a in statement.names}
            imports.append(statement)
            continue
        if kept_nodes:
            kept_nodes.append(statement)  # after code with side effects, the rest runs in order
            continue
        normal = _normalise_call_assert(statement)
        if normal is not None:
            statement = ast.fix_missing_locations(normal)
        draft = None
        if isinstance(statement, ast.Expr) and tool == "otter" and index == len(body) - 1 and not _is_call_to_print(statement.value):
            draft = _expression_test(statement.value, source, test, names, helpers, set(), cell_message)
        elif isinstance(statement, ast.Assert):
            message = statement.msg.value if isinstance(statement.msg, ast.Constant) and isinstance(statement.msg.value, str) else cell_message
            draft = _assert_check(
                statement.test,
                _segment(source if normal is None else None, statement.test),
                source if normal is None else None,
                test,
                names,
                helpers,
                set(),
                message,
            )
        else:
            draft = _raises_check(statement, source if normal is None else None, test, names, set(), cell_message)
        if draft is not None:
            add(draft)
            continue
        kept_nodes.append(statement)
    if kept_nodes:
        helper = _helper(test, source, imports + kept_nodes, names, [])
        if helper is None:
            _tests_nothing(test, notes)
        else:
            drafts.append(helper)
            hidden_code = helper.helper
    elif drafts:
        usable = [s for s in imports if not _test_only(s)]
        hidden_code = "\n".join(_segment(source, s) for s in usable)
    return drafts, [], hidden_code


def _tests_nothing(test: TestCell, notes: Notes) -> None:
    notes.append(
        Note(
            test.cell.number,
            "kept",
            notes.tr.t("the test reads nothing the notebook's answers make, so it cannot tell a right answer from a wrong one: left out"),
        )
    )


def _test_only(statement: ast.Import | ast.ImportFrom) -> bool:
    modules = [a.name for a in statement.names] if isinstance(statement, ast.Import) else [statement.module or ""]
    return all(m.split(".")[0] in TEST_MODULES or m in TEST_MODULES for m in modules)


def _main_name(code: str, names: Names, local: AbstractSet[str] = frozenset()) -> str | None:
    """The learner's name an expression is about: a function of the solution it calls, else its data."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return None
    used = [n.id for n in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name)), key=lambda n: (n.lineno, n.col_offset))]
    for group in (names.own, names.all):
        for name in used:
            if name in names.functions and name in group and name not in local:
                return name
        for name in used:
            if name in names.data and name in group and name not in local:
                return name
    return None


def _with_assert_messages(statement: ast.stmt, source: str | None) -> ast.stmt:
    import copy

    class Messages(ast.NodeTransformer):
        def visit_Assert(self, node: ast.Assert) -> ast.Assert:
            if node.msg is None:
                node.msg = ast.Constant(_segment(source, node.test))
            return node

    return ast.fix_missing_locations(Messages().visit(copy.deepcopy(statement)))


def _helper(test: TestCell, source: str | None, statements: list[ast.stmt], names: Names, autotests: list[str]) -> CheckDraft | None:
    """A test that cannot be split into checks runs whole: its code becomes a function of the
    exercise's hidden setup, and the check calls it (the solution's answer is True)."""
    name = f"_notebook_test_{test.cell.number}"
    if not test.hidden:
        # A visible test's asserts say what they expected when they fail (hidden ones never do).
        statements = [_with_assert_messages(s, source) for s in statements]
        source = None
    code = "\n".join(_segment(source, s) for s in statements) if statements else ""
    tree_names = set()
    try:
        parsed = ast.parse(code)
        tree_names = {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    except SyntaxError:
        parsed = None
    shared = sorted(tree_names & names.all)
    lines = [f"def {name}():"]
    if shared:
        lines.append(f"    global {', '.join(shared)}")
    code = re.sub(r"^\s*from nose\.tools import .*$", "pass", code, flags=re.M)
    lines += ["    " + line if line.strip() else "" for line in code.split("\n")]
    if autotests:
        lines.append("    _values = []")
        for expression in autotests:
            lines.append(
                f"    try:\n        _values.append({expression})\n    except Exception as _error:\n        _values.append('raises ' + type(_error).__name__)"
            )
        lines.append("    return _values")
    else:
        lines.append("    return True")
    helper_code = "\n".join(lines)
    if re.search(r"\bassert_(equal|raises|true|false)\b", helper_code):
        helper_code = NOSE_SHIMS + "\n" + helper_code
    target = _main_name(code if not autotests else "\n".join(autotests), names) if parsed is not None else None
    if target is None:
        used = {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)} if parsed is not None else set()
        target = next((n for n in sorted(used) if n in names.functions), None) or next((n for n in sorted(used) if n in names.data), None)
    if target is None:
        return None  # it reads nothing the notebook's answers make: it cannot tell a right answer from a wrong one
    if test.message:
        message = test.message
    elif test.hidden:
        message = "A hidden test from the notebook does not pass yet: read the task again."
    else:
        message = f"The notebook's test from cell {test.cell.number} does not pass yet: the condition it stopped at is above."
    expect = "value" if autotests else "true"
    draft = CheckDraft(
        "function",
        target,
        {},
        message,
        test.cell.number,
        test.name,
        [code or "(AUTOTEST)"] + [f"### AUTOTEST {a}" for a in autotests],
        [Probe(f"{name}()", expect)],
        calls=[f"{name}()"],
    )
    draft.helper = helper_code
    draft.generated_message = False
    return draft


def _is_call_to_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "display")


def _expression_test(expr: ast.expr, source: str, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str) -> CheckDraft | None:
    """otter: a test cell's last expression is compared with its recorded output (a doctest)."""
    text = _segment(source, expr)
    if _names_in(expr) & local:
        return None

    def as_assert(value: Any) -> CheckDraft | None:
        if value is True:
            return _assert_check(expr, text, source, test, names, helpers, local, message)
        compare = ast.Compare(left=expr, ops=[ast.Eq()], comparators=[ast.parse(repr(value), mode="eval").body])
        return _assert_check(ast.fix_missing_locations(compare), f"{text} == {value!r}", None, test, names, helpers, local, message)

    expected = _recorded_output(test.cell)
    if expected is None or not expected[0]:
        # Saved without running (or its output is not plain data): like otter assign, the expected
        # value is the solution's, so the expression itself is what the learner's code must give.
        target = _main_name(text, names)
        if target is None:
            return None
        return CheckDraft(
            "function", target, {}, message or _default_message(test, text), test.cell.number, test.name, [text], [Probe(text, "value")], calls=[text]
        )
    ok, value = expected
    return as_assert(value)


NUMPY_BOOL = re.compile(r"^np\.(True_|False_)$|^(True|False)$")


def _recorded_output(cell: Cell) -> tuple[bool, Any] | None:
    for output in cell.outputs:
        if isinstance(output, dict) and output.get("output_type") == "execute_result":
            data = output.get("data", {})
            text = data.get("text/plain") if isinstance(data, dict) else None
            if isinstance(text, list):
                text = "".join(text)
            if isinstance(text, str):
                text = text.strip()
                found = NUMPY_BOOL.match(text)
                if found:
                    return True, "True" in text
                try:
                    return True, ast.literal_eval(text)
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    return False, None
    return None


def _default_message(test: TestCell, text: str) -> str:
    """A message for a check the notebook gave none: never the expression of a hidden test."""
    if test.hidden:
        return "A hidden test from the notebook does not pass yet: read the task again."
    return f"The notebook's test expects this to be true: {text}"


def _assert_check(
    expr: ast.AST, text: str, source: str | None, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str
) -> CheckDraft | None:
    cell = test.cell.number
    used = _names_in(expr)
    if used & local:
        return None
    known = names.all | helpers | MODULE_ALIASES
    if used - known - {"isclose"}:
        return None  # a name neither the notebook nor the test defines
    if not (used & (names.data | names.functions)):
        return None  # it tests nothing of the learner's

    def compared(side: ast.expr, literal: object, options: dict) -> CheckDraft | None:
        """The check for `side` compared with `literal`: a value check for a variable of the
        notebook's, a function check for a call of one of its functions."""
        if isinstance(side, ast.Name) and side.id in names.data:
            probe, kind, target, calls = side.id, "value", side.id, []
        else:
            probe = _segment(source, side)
            main = _main_name(probe, names)
            if main is None:
                return None
            kind, target, calls = "function", main, [probe]
        return CheckDraft(
            kind,
            target,
            options,
            message,
            cell,
            test.name,
            [f"assert {text}"],
            [Probe(probe, "equals", literal)],
            fallback=_expression_check(text, names, message, test),
            calls=calls,
        )

    # 1. `expr == literal`: the learner's variable (or the value of an expression over it) against the reference's.
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], ast.Eq):
        for side, other in ((expr.left, expr.comparators[0]), (expr.comparators[0], expr.left)):
            ok, literal = _literal(other)
            if ok and (draft := compared(side, literal, {})) is not None:
                return draft
    # 2. approximately equal: a value or function check with the same tolerance.
    approx = _approx(expr)
    if approx is not None:
        a, b, options = approx
        for side, other in ((a, b), (b, a)):
            ok, literal = _literal(other)
            if not ok or isinstance(literal, (bool, str)) or not _numbers(literal):
                continue
            if (draft := compared(side, literal, options)) is not None:
                return draft
    # 3. `type(x) == pd.Series`, `isinstance(x, int)`: the type's name, which a learner can read.
    typed = _type_test(expr)
    if typed is not None:
        node, kind = typed
        call = f"type({_segment(source, node)}).__name__"
        target = _main_name(call, names)
        if target is not None and kind is not None:
            return CheckDraft(
                "function",
                target,
                {},
                message or _default_message(test, text),
                cell,
                test.name,
                [f"assert {text}"],
                [Probe(call, "equals", kind)],
                calls=[call],
                fallback=_expression_check(text, names, message, test),
            )
    # 4. anything over plain variables: Qala's assert check, evaluated in the trusted process.
    simple = not any(
        isinstance(n, (ast.Attribute, ast.Subscript)) or (isinstance(n, ast.Call) and not (isinstance(n.func, ast.Name) and n.func.id in SAFE_CALLS))
        for n in ast.walk(expr)
    )
    if used and used <= names.data and simple:
        return CheckDraft(
            "assert",
            text,
            {},
            message or _default_message(test, text),
            cell,
            test.name,
            [f"assert {text}"],
            [Probe(f"bool({text})", "true")],
            fallback=_expression_check(text, names, message, test),
        )
    # 5. anything else the learner's code can answer (modules, subscripts, calls): evaluated there.
    return _expression_check(text, names, message, test)


SAFE_CALLS = {"len", "abs", "round", "min", "max", "sum", "sorted", "set", "list", "tuple", "int", "float", "str", "all", "any"}

MODULE_ALIASES = {"np", "pd", "plt", "math", "sm", "stats", "scipy", "sns"}


def _numbers(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(_numbers(v) for v in value)


def _type_test(expr: ast.AST) -> tuple[ast.AST, str | None] | None:
    """`type(x) == T` or `isinstance(x, T)` with a plain type name T: (x, the name of T)."""

    def type_name(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], (ast.Eq, ast.Is)):
        left = expr.left
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "type" and len(left.args) == 1:
            return left.args[0], type_name(expr.comparators[0])
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "isinstance" and len(expr.args) == 2:
        name = type_name(expr.args[1])
        if name in ("int", "float", "str", "list", "dict", "tuple", "set", "bool", "DataFrame", "Series", "ndarray"):
            return expr.args[0], name if name not in ("int", "float") else None
    return None


def _expression_check(text: str, names: Names, message: str, test: TestCell) -> CheckDraft | None:
    """A test expression evaluated where the learner's code ran: it must be true there too."""
    target = _main_name(text, names)
    if target is None:
        return None
    call = f"bool({text})"
    return CheckDraft(
        "function", target, {}, message or _default_message(test, text), test.cell.number, test.name, [f"assert {text}"], [Probe(call, "true")], calls=[call]
    )


def _raises_check(statement: ast.AST, source: str | None, test: TestCell, names: Names, local: set[str], message: str) -> CheckDraft | None:
    """`try: f(x) / except E: pass / else: raise AssertionError` and `with pytest.raises(E): f(x)`:
    the learner's f must stop with the same error as the reference's."""
    call_node, error = None, None
    if isinstance(statement, ast.Try) and len(statement.body) == 1 and len(statement.handlers) == 1 and statement.orelse:
        handler = statement.handlers[0]
        body = statement.body[0]
        raises_in_else = any(isinstance(s, ast.Raise) for s in statement.orelse) or any(isinstance(s, ast.Assert) for s in statement.orelse)
        if isinstance(handler.type, ast.Name) and raises_in_else and all(isinstance(s, ast.Pass) for s in handler.body):
            call_node = body.value if isinstance(body, ast.Expr) else body.value if isinstance(body, ast.Assign) else None
            error = handler.type.id
            for s in statement.orelse:
                if (
                    isinstance(s, ast.Raise)
                    and isinstance(s.exc, ast.Call)
                    and s.exc.args
                    and isinstance(s.exc.args[0], ast.Constant)
                    and isinstance(s.exc.args[0].value, str)
                ):
                    message = message or s.exc.args[0].value
    elif isinstance(statement, ast.With) and len(statement.items) == 1 and len(statement.body) == 1:
        context = statement.items[0].context_expr
        if (
            isinstance(context, ast.Call)
            and isinstance(context.func, ast.Attribute)
            and context.func.attr == "raises"
            and context.args
            and isinstance(context.args[0], ast.Name)
            and isinstance(statement.body[0], ast.Expr)
        ):
            call_node, error = statement.body[0].value, context.args[0].id
    if call_node is None or error is None:
        return None
    function = _call_of(call_node, names.functions)
    if function is None and isinstance(call_node, ast.Call) and isinstance(call_node.func, ast.Lambda):
        return None
    if function is None or _names_in(call_node) & local or _names_in(call_node) - names.all - MODULE_ALIASES:
        return None
    call = _segment(source, call_node)
    return CheckDraft(
        "function", function, {}, message, test.cell.number, test.name, [_segment(source, statement)], [Probe(call, "raises", error)], calls=[call]
    )
